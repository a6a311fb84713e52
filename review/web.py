"""The review web application (Flask, server-rendered, Jinja2 autoescaping): ``scrapy review``.

``create_app`` configures the app and registers its blueprints; the views are module-level
functions of those blueprints and reach what they share (the database engine, the media store,
the reviewer) through ``review.services``:

- ``review.security``: the token, trusted hosts, the CSRF token and origin of every POST, the
  security headers (the security model is written there);
- ``review.queue_views``: the queue (``/``) and bulk decisions; ``review.case_views``: a case and
  the actions of its forms; ``review.media_views``: images and thumbnails from the media store;
- ``review.candidates_tab``: the Candidates tab; ``review.annotations_web``: the annotation pages.

Templates autoescape everything; scraped text never becomes markup.
"""

from __future__ import annotations

import re

from flask import Flask, Response, render_template
from werkzeug.exceptions import HTTPException

from db.session import open_database
from media.store import MediaStore, open_media_store
from review import actions, annotations_web, candidates_tab, case_views, media_views, queue_views, security
from review.rules import STATE_LABELS
from review.services import Services, install
from review.warnings import BLOCKING as BLOCKING_WARNINGS
from review.warnings import LABELS as WARNING_LABELS
from schema import REVIEW_STATES


def create_app(db_url: str, media_root: str | MediaStore, reviewer: str | None = None, token: str | None = None,
               secret_key: bytes | None = None, loopback_only: bool = True,
               annotation_license: str | None = None) -> Flask:
    app = Flask(__name__)
    security.configure(app, token=token, loopback_only=loopback_only, secret_key=secret_key)
    actor = actions.default_actor(reviewer)
    install(app, Services(engine=open_database(db_url), store=open_media_store(media_root), actor=actor,
                          annotation_license=annotation_license))
    _configure_templates(app, actor)
    app.register_error_handler(HTTPException, _http_error)
    for blueprint in (annotations_web.bp, queue_views.bp, case_views.bp, media_views.bp, candidates_tab.bp):
        app.register_blueprint(blueprint)
    return app


def _configure_templates(app: Flask, actor: str) -> None:
    app.jinja_env.globals.update(STATES=REVIEW_STATES, STATE_LABELS=STATE_LABELS, WARNING_LABELS=WARNING_LABELS,
                                 BLOCKING_WARNINGS=BLOCKING_WARNINGS, actor=actor)
    app.jinja_env.add_extension("jinja2.ext.do")
    app.jinja_env.filters["short"] = _short


def _short(text: str | None, n: int = 120) -> str | None:
    """``text`` cut to ``n`` characters, an ellipsis last when cut."""
    return text if text is None or len(text) <= n else text[: n - 1] + "…"


def _http_error(exc: HTTPException):
    try:
        return render_template("error.html", code=exc.code, name=exc.name, message=exc.description), exc.code
    except Exception:  # no URL adapter (an untrusted Host header): plain text, nothing echoed
        return Response(f"{exc.code} {exc.name}\n", status=exc.code, mimetype="text/plain")


#: waitress settings of ``scrapy review`` (defaults in brackets). Connections that send nothing, or
#: half a request, are closed after ``channel_timeout`` seconds (120), looked for every
#: ``cleanup_interval`` seconds (30): 150 half-open connections no longer hold the server for two
#: minutes. At most ``connection_limit`` connections at once (100); request headers up to 64 KiB
#: (256 KiB) and bodies up to 2 MiB (1 GiB: our forms are small, MAX_CONTENT_LENGTH says 1 MiB);
#: poll() instead of select(), which fails beyond 1,024 descriptors.
SERVER_SETTINGS = {"connection_limit": 100, "channel_timeout": 15, "cleanup_interval": 5,
                   "max_request_header_size": 64 * 1024, "max_request_body_size": 2 * 1024 * 1024,
                   "asyncore_use_poll": True}


def make_server(app: Flask, host: str, port: int, threads: int = 8, **overrides):
    """The waitress server of the review app (``.run()`` serves until stopped; ``.close()``)."""
    from waitress.server import create_server

    return create_server(app, host=host, port=port, threads=threads, ident="review",
                         **{**SERVER_SETTINGS, **overrides})


def is_loopback(host: str) -> bool:
    import ipaddress
    host = host.strip("[]")
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def parse_bind(bind: str) -> tuple[str, int]:
    """``HOST:PORT`` (``[::1]:8000`` for IPv6) -> (host, port); ValueError on bad input."""
    m = re.fullmatch(r"\[([0-9a-fA-F:.]+)\]:(\d{1,5})|([^:\[\]]+):(\d{1,5})", (bind or "").strip())
    if not m:
        raise ValueError(f"--bind {bind!r}: give HOST:PORT, e.g. 127.0.0.1:8000")
    host, port = (m.group(1), m.group(2)) if m.group(1) else (m.group(3), m.group(4))
    port_number = int(port)
    if not 0 < port_number < 65536:
        raise ValueError(f"--bind {bind!r}: port must be 1-65535")
    return host, port_number
