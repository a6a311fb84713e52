"""The review web application (Flask, server-rendered, Jinja2 autoescaping): ``scrapy review``.

Security model (the pages show scraped, untrusted text and images):
- loopback by default; a non-loopback bind needs ``REVIEW_TOKEN``, and then every request must
  carry it (``Authorization: Bearer``, or ``?token=`` once, which sets a session cookie);
- on loopback, only loopback ``Host`` headers are accepted (no DNS rebinding);
- every POST carries the per-session CSRF token (form field or ``X-CSRF-Token`` header), and a
  cross-origin ``Origin`` is refused;
- templates autoescape everything; no inline script or style; a strict Content-Security-Policy;
- images are served only from the media store, by a SHA-256 that names an image in the DB; no path
  from a request reaches the file system.
"""

from __future__ import annotations

import hmac
import io
import re
import secrets
import threading
from collections import OrderedDict
from urllib.parse import urlencode, urlsplit

from flask import Flask, Response, abort, flash, redirect, render_template, request, send_file, session, url_for
from PIL import Image as PILImage
from werkzeug.exceptions import HTTPException

from db.session import open_database, session_scope
from media.store import MediaStore, open_media_store
from review import actions, candidates_tab, queries
from review.rules import STATE_LABELS, ReviewError
from review.warnings import BLOCKING as BLOCKING_WARNINGS
from review.warnings import LABELS as WARNING_LABELS
from schema import REVIEW_STATES

SHA256_RE = re.compile(r"[0-9a-f]{64}")
MIME = {"png": "image/png", "jpeg": "image/jpeg", "gif": "image/gif", "webp": "image/webp", "bmp": "image/bmp"}
THUMB_SIZE = (240, 240)
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1", "[::1]")
CSP = ("default-src 'none'; img-src 'self'; script-src 'self'; style-src 'self'; form-action 'self'; "
       "base-uri 'none'; frame-ancestors 'none'; connect-src 'self'")


class _Thumbs:
    """Small LRU of thumbnails (bytes by SHA-256): content-addressed, so never stale."""

    def __init__(self, size: int = 4096):
        self.size, self.items, self.lock = size, OrderedDict(), threading.Lock()

    def get(self, key):
        with self.lock:
            if key in self.items:
                self.items.move_to_end(key)
                return self.items[key]
        return None

    def put(self, key, value):
        with self.lock:
            self.items[key] = value
            while len(self.items) > self.size:
                self.items.popitem(last=False)


def create_app(db_url: str, media_root: str | MediaStore, reviewer: str | None = None, token: str | None = None,
               secret_key: bytes | None = None, loopback_only: bool = True, annotation_license: str | None = None) -> Flask:
    app = Flask(__name__)
    app.config.update(
        SECRET_KEY=secret_key or secrets.token_bytes(32),
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Strict",
        SESSION_COOKIE_NAME="review_session",
        MAX_CONTENT_LENGTH=1 << 20,
        TRUSTED_HOSTS=list(LOOPBACK_HOSTS) if loopback_only else None,
    )
    engine = open_database(db_url)
    store = open_media_store(media_root)
    actor = actions.default_actor(reviewer)
    thumbs = _Thumbs()
    app.extensions["review"] = {"engine": engine, "store": store, "actor": actor,
                                "annotation_license": annotation_license}
    from review.annotations_web import bp as annotations_bp  # annotations pages: a blueprint of their own
    app.register_blueprint(annotations_bp)

    def csrf_token() -> str:
        if "csrf" not in session:
            session["csrf"] = secrets.token_urlsafe(32)
        return session["csrf"]

    app.jinja_env.globals.update(csrf_token=csrf_token, STATES=REVIEW_STATES, STATE_LABELS=STATE_LABELS,
                                 WARNING_LABELS=WARNING_LABELS, BLOCKING_WARNINGS=BLOCKING_WARNINGS,
                                 actor=actor)
    app.jinja_env.add_extension("jinja2.ext.do")
    app.jinja_env.filters["safe_url"] = _safe_url
    app.jinja_env.filters["short"] = lambda s, n=120: (s if s is None or len(s) <= n else s[: n - 1] + "…")

    @app.before_request
    def _guard():
        if token:
            given = None
            header = request.headers.get("Authorization", "")
            if header.startswith("Bearer "):
                given = header[7:].strip()
            elif "token" in request.args:
                given = request.args.get("token", "")
            if given is not None:
                if not hmac.compare_digest(given.encode(), token.encode()):
                    abort(401, "wrong review token")
                session["auth"] = _token_mark(token)
                if "token" in request.args and request.method == "GET":
                    return redirect(_without_token(), 303)
            elif not hmac.compare_digest(str(session.get("auth", "")), _token_mark(token)):
                abort(401, "this review server needs its token: open it with ?token=... or send Authorization: Bearer ...")
        if request.method not in ("GET", "HEAD", "OPTIONS"):
            origin = request.headers.get("Origin")
            if origin and origin != "null" and urlsplit(origin).netloc != request.host:
                abort(403, "cross-origin request refused")
            sent = request.form.get("csrf_token") or request.headers.get("X-CSRF-Token") or ""
            expected = session.get("csrf")
            if not expected or not hmac.compare_digest(sent.encode(), expected.encode()):
                abort(403, "missing or wrong CSRF token: reload the page and try again")

    @app.after_request
    def _headers(response):
        response.headers["Content-Security-Policy"] = CSP
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["X-Frame-Options"] = "DENY"
        response.headers["Referrer-Policy"] = "no-referrer"
        response.headers["Cross-Origin-Resource-Policy"] = "same-origin"
        if response.mimetype == "text/html":
            response.headers["Cache-Control"] = "no-store"
        return response

    @app.errorhandler(HTTPException)
    def _http_error(exc: HTTPException):
        try:
            return render_template("error.html", code=exc.code, name=exc.name, message=exc.description), exc.code
        except Exception:  # no URL adapter (an untrusted Host header): plain text, nothing echoed
            return Response(f"{exc.code} {exc.name}\n", status=exc.code, mimetype="text/plain")

    # --- pages -----------------------------------------------------------------------------------

    @app.get("/")
    def queue_page():
        try:
            f = queries.QueueFilter.parse(request.args)
        except ReviewError as exc:
            return render_template("error.html", code=400, name="Bad filter", message=str(exc)), 400
        with session_scope(engine) as s:
            page = queries.queue(s, f)
            missing = [r.id for r in page.rows if r.thumbnail and not store.has(r.thumbnail)]
            return render_template("queue.html", page=page, f=f, finding_filters=queries.FINDING_FILTERS,
                                   sorts=list(queries.SORTS), per_pages=queries.PER_PAGE_CHOICES,
                                   missing_media=missing, media_root=str(store))

    def _filter_from(source) -> queries.QueueFilter:
        try:
            return queries.QueueFilter.parse(source)
        except ReviewError:
            return queries.QueueFilter()

    def render_case(case_id, error: str | None = None, status: int = 200):
        f = _filter_from(request.args if request.method == "GET" else _back_args())
        with session_scope(engine) as s:
            view = queries.case_view(s, case_id)
            prev_id, next_id = queries.neighbours(s, f, view.case)
            missing = [img.id for img in view.images if img.sha256 and not store.has(img.sha256)]
            html = render_template("case.html", v=view, c=view.case, f=f, back=f.args(), prev_id=prev_id,
                                   next_id=next_id, error=error, missing_media=missing, media_root=str(store),
                                   seen=actions.case_version(s, view.case.id))
        return html, status

    @app.get("/case/<int:case_id>")
    def case_page(case_id: int):
        try:
            return render_case(case_id)
        except ReviewError as exc:
            abort(404, str(exc))

    def _back_args() -> dict:
        from urllib.parse import parse_qsl
        return dict(parse_qsl(request.form.get("back", ""))[:20])

    def act(case_id: int, fn, message: str, advance: bool = False):
        """Run one action in one transaction; bad input re-renders the case with the error (400)."""
        f = _filter_from(_back_args())
        try:
            with session_scope(engine) as s:
                # every form carries the version of the case it was shown with ("seen")
                case = actions.open_case(s, case_id, request.form.get("seen"))
                result = fn(s, case)
                next_id = queries.next_unreviewed(s, f, case) if advance else None
        except ReviewError as exc:
            try:
                return render_case(case_id, error=str(exc), status=409 if isinstance(exc, actions.StaleAction) else 400)
            except ReviewError:
                abort(404, str(exc))
        flash(message(result) if callable(message) else message.replace("{case_id}", str(case_id)), "ok")
        if advance and request.form.get("advance", "1") == "1":
            if next_id:  # the next case that still needs a decision
                return redirect(url_for("case_page", case_id=next_id, **f.args()), 303)
            flash("no staged case left to decide in this queue", "ok")
            return redirect(url_for("queue_page", **f.args()), 303)
        return redirect(url_for("case_page", case_id=case_id, **f.args()), 303)

    @app.post("/bulk")
    def bulk():
        """One decision for the cases ticked in the queue, each in its own transaction: a case the
        rules refuse stays as it was, with the reason, and the others go on."""
        f = _filter_from(_back_args())
        what = request.form.get("action", "")
        reason = request.form.get("reason")
        run = {"approve": lambda s, c: actions.approve(s, c, actor),
               "reject": lambda s, c: actions.reject(s, c, actor, reason),
               "needs_info": lambda s, c: actions.needs_info(s, c, actor, reason)}.get(what)
        raw_ids = request.form.getlist("case_id")
        if what == "reject" and not (reason or "").strip():
            flash("rejecting needs a reason: type it beside the Reject button", "error")
            return redirect(url_for("queue_page", **f.args()), 303)
        if run is None or not raw_ids or len(raw_ids) > 500:
            flash("tick at least one case (at most 500) and choose approve, reject or needs information", "error")
            return redirect(url_for("queue_page", **f.args()), 303)
        done, refused = [], []
        for raw in dict.fromkeys(raw_ids):
            try:
                with session_scope(engine) as s:
                    case_id = actions.parse_case_id(raw)
                    run(s, actions.get_case(s, case_id))
                done.append(str(case_id))
            except ReviewError as exc:
                refused.append(str(exc))
        verb = {"approve": "approved", "reject": "rejected", "needs_info": "marked as needing information"}[what]
        if done:
            flash(f"{len(done)} case(s) {verb}: {', '.join(done)}", "ok")
        for why in refused:
            flash(why, "error")
        return redirect(url_for("queue_page", **f.args()), 303)

    @app.post("/case/<int:case_id>/approve")
    def approve(case_id: int):
        return act(case_id, lambda s, c: actions.approve(s, c, actor, confirm_adult=_flag("confirm_adult"),
                                                         not_duplicate=_flag("not_duplicate")),
                   "case {case_id} approved", advance=True)

    @app.post("/case/<int:case_id>/reject")
    def reject(case_id: int):
        return act(case_id, lambda s, c: actions.reject(s, c, actor, request.form.get("reason")),
                   "case {case_id} rejected", advance=True)

    @app.post("/case/<int:case_id>/needs-info")
    def needs_info(case_id: int):
        return act(case_id, lambda s, c: actions.needs_info(s, c, actor, request.form.get("reason")),
                   "case {case_id} needs information", advance=True)

    @app.post("/case/<int:case_id>/reopen")
    def reopen(case_id: int):
        return act(case_id, lambda s, c: actions.reopen(s, c, actor, request.form.get("reason")), "case {case_id} back in the queue")

    @app.post("/case/<int:case_id>/duplicate")
    def duplicate(case_id: int):
        def run(s, c):
            of_case, of_row = actions.parse_duplicate_target(request.form.get("of", ""))
            actions.mark_duplicate(s, c, actor, of_case_id=of_case, of_released=of_row, reason=request.form.get("reason"))
        return act(case_id, run, "case {case_id} marked as a duplicate", advance=True)

    @app.post("/case/<int:case_id>/field")
    def set_field(case_id: int):
        return act(case_id, lambda s, c: actions.set_field(s, c, actor, request.form.get("field", ""),
                                                           request.form.get("value", ""), _image_id()),
                   lambda changed: f"saved {request.form.get('field', '')}" if changed else "unchanged")

    @app.post("/case/<int:case_id>/field/reset")
    def reset_field(case_id: int):
        return act(case_id, lambda s, c: actions.reset_field(s, c, actor, request.form.get("field", ""), _image_id()),
                   "reviewer value removed")

    @app.post("/case/<int:case_id>/image")
    def image_included(case_id: int):
        included = request.form.get("included")
        if included not in ("0", "1"):
            return render_case(case_id, error="say whether the image is included (1) or excluded (0)", status=400)
        return act(case_id, lambda s, c: actions.set_image_included(s, c, actor, request.form.get("image_id"), included == "1"),
                   "image " + ("included" if included == "1" else "excluded"))

    @app.post("/case/<int:case_id>/confirm")
    def confirm(case_id: int):
        what, value = request.form.get("what"), request.form.get("value", "1") == "1"
        if what == "adult":
            return act(case_id, lambda s, c: actions.set_adult_confirmed(s, c, actor, value), "adult confirmation saved")
        if what == "distinct":
            return act(case_id, lambda s, c: actions.set_distinct_confirmed(s, c, actor, value), "saved: not a duplicate")
        return render_case(case_id, error="unknown confirmation", status=400)

    @app.post("/case/<int:case_id>/split")
    def split(case_id: int):
        def run(s, c):
            groups: dict[str, list[int]] = {}
            for image in c.images:
                choice = request.form.get(f"patient_{image.id}", "1").strip()
                if not choice.isdigit() or not 1 <= int(choice) <= 20:
                    raise ReviewError(f"image {image.id}: the patient number must be 1 to 20")
                if choice != "1":
                    groups.setdefault(choice, []).append(image.id)
            if not groups:
                raise ReviewError("give the images of the other patient(s) a patient number other than 1")
            created = actions.split_case(s, c, actor, [groups[k] for k in sorted(groups, key=int)])
            return ", ".join(str(n.id) for n in created)
        return act(case_id, run, lambda created: f"split: new case(s) {created}")

    # --- media -----------------------------------------------------------------------------------

    def _media(sha256: str) -> tuple[str, str]:
        if not SHA256_RE.fullmatch(sha256):
            abort(404)
        with session_scope(engine) as s:
            fmt = queries.media_format(s, sha256)
        if fmt is None or not store.has(sha256):
            abort(404)
        return fmt, store.source(sha256)

    @app.get("/media/<sha256>")
    def media(sha256: str):
        fmt, source = _media(sha256)
        mime = MIME.get((fmt or "").lower())
        if mime is None:
            abort(404, "not an image a browser can show")
        response = send_file(source, mimetype=mime, max_age=31536000, etag=sha256, conditional=True)
        response.headers["Cache-Control"] = "private, max-age=31536000, immutable"
        return response

    @app.get("/thumb/<sha256>")
    def thumb(sha256: str):
        data = thumbs.get(sha256)
        if data is None:
            _, path = _media(sha256)
            try:
                with PILImage.open(path) as im:
                    im.draft("L", THUMB_SIZE)
                    im.thumbnail(THUMB_SIZE)
                    im = im.convert("L" if im.mode in ("L", "LA", "I", "I;16", "1") else "RGB")
                    out = io.BytesIO()
                    im.save(out, "JPEG", quality=80)
                    data = out.getvalue()
            except Exception:  # an image Pillow cannot read (a volume): no thumbnail
                abort(404)
            thumbs.put(sha256, data)
        response = send_file(io.BytesIO(data), mimetype="image/jpeg", max_age=31536000)
        response.headers["Cache-Control"] = "private, max-age=31536000, immutable"
        return response

    candidates_tab.register(app)  # the Candidates tab (discovery), a blueprint of its own
    return app


def _without_token() -> str:
    """The URL asked for, without its ``token`` (built from the request, not by ``url_for``: query
    names such as ``endpoint`` or ``_external`` are arguments of ``url_for`` itself)."""
    query = urlencode([(k, v) for k, v in request.args.items(multi=True) if k != "token"])
    path = "/" + request.path.lstrip("/")  # never "//host": a redirect stays on this server
    return path + (f"?{query}" if query else "")


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

    return create_server(app, host=host, port=port, threads=threads, ident="review", **{**SERVER_SETTINGS, **overrides})


def _flag(name: str) -> bool:
    return request.form.get(name) in ("1", "on", "yes", "true")


def _image_id():
    value = request.form.get("image_id", "").strip()
    return value or None


def _token_mark(token: str) -> str:
    return hmac.new(b"review-token", token.encode(), "sha256").hexdigest()


def _safe_url(url: str | None) -> str | None:
    """Only http(s) URLs become links (a ``javascript:`` URL from a page stays text)."""
    if url and urlsplit(url.strip()).scheme in ("http", "https"):
        return url.strip()
    return None


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
