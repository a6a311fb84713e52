"""The review app's security (the pages show scraped, untrusted text and images).

- loopback by default; a non-loopback bind needs ``REVIEW_TOKEN``, and then every request must
  carry it (``Authorization: Bearer``, or ``?token=`` once, which sets a session cookie);
- on loopback, only loopback ``Host`` headers are accepted (no DNS rebinding: Flask's
  ``TRUSTED_HOSTS``);
- every POST carries the per-session CSRF token (form field or ``X-CSRF-Token`` header), and a
  cross-origin ``Origin`` is refused;
- no inline script or style: a strict Content-Security-Policy and the other headers on every
  response; only http(s) URLs of scraped pages become links (``safe_url``).

A blueprint without routes: its hooks run for every request of the app, whichever blueprint
serves it (the pages, the media, the Candidates tab, the annotations).
"""

from __future__ import annotations

import hmac
import secrets
from urllib.parse import urlencode, urlsplit

from flask import Blueprint, Flask, abort, current_app, redirect, request, session

LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1", "[::1]")
CSP = ("default-src 'none'; img-src 'self'; script-src 'self'; style-src 'self'; form-action 'self'; "
       "base-uri 'none'; frame-ancestors 'none'; connect-src 'self'")
#: Request methods that change nothing, and need no CSRF token.
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")

bp = Blueprint("security", __name__)


def configure(app: Flask, token: str | None, loopback_only: bool, secret_key: bytes | None) -> None:
    """The session cookie, request limits and trusted hosts of ``app``, and the hooks of ``bp``."""
    app.config.update(
        SECRET_KEY=secret_key or secrets.token_bytes(32),
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Strict",
        SESSION_COOKIE_NAME="review_session",
        MAX_CONTENT_LENGTH=1 << 20,
        TRUSTED_HOSTS=list(LOOPBACK_HOSTS) if loopback_only else None,
        REVIEW_TOKEN=token,
    )
    app.register_blueprint(bp)


@bp.app_template_global()
def csrf_token() -> str:
    """This session's CSRF token (made on first use), for the forms of the pages."""
    if "csrf" not in session:
        session["csrf"] = secrets.token_urlsafe(32)
    return session["csrf"]


@bp.app_template_filter("safe_url")
def safe_url(url: str | None) -> str | None:
    """Only http(s) URLs become links (a ``javascript:`` URL from a page stays text)."""
    if url and urlsplit(url.strip()).scheme in ("http", "https"):
        return url.strip()
    return None


@bp.before_app_request
def guard():
    """The token (when the app has one), then the origin and CSRF token of every POST."""
    token = current_app.config["REVIEW_TOKEN"]
    if token:
        response = _check_token(token)
        if response is not None:
            return response
    if request.method not in SAFE_METHODS:
        _check_post()
    return None


@bp.after_app_request
def security_headers(response):
    response.headers["Content-Security-Policy"] = CSP
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["Cross-Origin-Resource-Policy"] = "same-origin"
    if response.mimetype == "text/html":
        response.headers["Cache-Control"] = "no-store"
    return response


def _check_token(token: str):
    """401 without the right token; a GET carrying ``?token=`` is redirected to its URL without it
    (the session cookie remembers the token, the address bar and history do not)."""
    given = None
    header = request.headers.get("Authorization", "")
    if header.startswith("Bearer "):
        given = header[7:].strip()
    elif "token" in request.args:
        given = request.args.get("token", "")
    if given is not None:
        if not hmac.compare_digest(given.encode(), token.encode()):
            abort(401, "wrong review token")
        session["auth"] = token_mark(token)
        if "token" in request.args and request.method == "GET":
            return redirect(without_token(), 303)
    elif not hmac.compare_digest(str(session.get("auth", "")), token_mark(token)):
        abort(401, "this review server needs its token: open it with ?token=... or send Authorization: Bearer ...")
    return None


def _check_post() -> None:
    origin = request.headers.get("Origin")
    if origin and origin != "null" and urlsplit(origin).netloc != request.host:
        abort(403, "cross-origin request refused")
    sent = request.form.get("csrf_token") or request.headers.get("X-CSRF-Token") or ""
    expected = session.get("csrf")
    if not expected or not hmac.compare_digest(sent.encode(), expected.encode()):
        abort(403, "missing or wrong CSRF token: reload the page and try again")


def token_mark(token: str) -> str:
    """What the session cookie keeps of the token: a keyed hash, never the token itself."""
    return hmac.new(b"review-token", token.encode(), "sha256").hexdigest()


def without_token() -> str:
    """The URL asked for, without its ``token`` (built from the request, not by ``url_for``: query
    names such as ``endpoint`` or ``_external`` are arguments of ``url_for`` itself)."""
    query = urlencode([(k, v) for k, v in request.args.items(multi=True) if k != "token"])
    path = "/" + request.path.lstrip("/")  # never "//host": a redirect stays on this server
    return path + (f"?{query}" if query else "")
