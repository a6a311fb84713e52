"""Images of the review app: ``/media/<sha256>`` (the stored bytes) and ``/thumb/<sha256>`` (a
small JPEG made on first request and kept in memory).

Served only from the media store, by a SHA-256 that names an image in the database: no path from
a request reaches the file system.
"""

from __future__ import annotations

import io
import re
import threading
from collections import OrderedDict

from flask import Blueprint, abort, current_app, send_file
from PIL import Image as PILImage

from db.session import session_scope
from media.convert import preview
from review import queries
from review.services import services

SHA256_RE = re.compile(r"[0-9a-f]{64}")
MIME = {"png": "image/png", "jpeg": "image/jpeg", "gif": "image/gif", "webp": "image/webp", "bmp": "image/bmp"}
THUMB_SIZE = (240, 240)
#: The key of ``Flask.extensions`` under which the app keeps its thumbnails.
THUMBS = "review.thumbs"
#: Content-addressed responses never change: browsers keep them a year.
IMMUTABLE = "private, max-age=31536000, immutable"

bp = Blueprint("media", __name__)


class ThumbCache:
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


@bp.record_once
def _cache(state) -> None:
    state.app.extensions[THUMBS] = ThumbCache()


def _media(sha256: str) -> tuple[str, str]:
    """(format, source in the store) of the image named ``sha256``; 404 for anything else."""
    if not SHA256_RE.fullmatch(sha256):
        abort(404)
    store = services().store
    with session_scope(services().engine) as s:
        fmt = queries.media_format(s, sha256)
    if fmt is None or not store.has(sha256):
        abort(404)
    return fmt, store.source(sha256)


@bp.get("/media/<sha256>")
def media(sha256: str):
    fmt, source = _media(sha256)
    mime = MIME.get((fmt or "").lower())
    if mime is None:
        abort(404, "not an image a browser can show")
    response = send_file(source, mimetype=mime, max_age=31536000, etag=sha256, conditional=True)
    response.headers["Cache-Control"] = IMMUTABLE
    return response


@bp.get("/thumb/<sha256>")
def thumb(sha256: str):
    thumbs: ThumbCache = current_app.extensions[THUMBS]
    data = thumbs.get(sha256)
    if data is None:
        _, path = _media(sha256)
        data = _thumbnail(path)
        thumbs.put(sha256, data)
    response = send_file(io.BytesIO(data), mimetype="image/jpeg", max_age=31536000)
    response.headers["Cache-Control"] = IMMUTABLE
    return response


def _thumbnail(path) -> bytes:
    """A JPEG at most ``THUMB_SIZE``, grayscale for grayscale images; 404 for an image Pillow cannot
    read (a volume)."""
    try:
        with PILImage.open(path) as im:
            im.draft("L", THUMB_SIZE)  # a JPEG decodes small and gray: the thumbnail needs no more
            im = preview(im, THUMB_SIZE)
            out = io.BytesIO()
            im.save(out, "JPEG", quality=80)
            return out.getvalue()
    except Exception:  # an image Pillow cannot read (a volume): no thumbnail
        abort(404)
