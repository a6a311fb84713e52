"""Is a downloaded body whole? Pure checks of the bytes a server sent (no I/O).

A connection that drops without a ``Content-Length`` (or a server whose ``Content-Length`` is
itself short) hands over a body that looks like an answer: an image that decodes to its first
rows, a case page without its last figures or its licence. Such a body must be fetched again,
never parsed into facts. Every format the sources serve has an end of its own to look for:

* PNG: the ``IEND`` chunk; JPEG: the end-of-image marker ``FF D9`` (it cannot occur inside
  entropy-coded data, where ``FF`` is always stuffed); GIF: the trailer byte ``3B``; WebP: the
  RIFF size; PDF: ``%%EOF``;
* an HTML document (one that starts as a document: doctype or ``<html``): its ``</html>``;
* any body: fewer bytes than the ``Content-Length`` the server announced (unless the body was
  content-encoded, when that length counts the compressed bytes).

Only the last few kilobytes are searched, so the cost is bounded whatever the body's size.
"""

from __future__ import annotations

import re
import struct

#: How far from the end an end marker may sit (trailing whitespace, comments, padding).
TAIL = 4096
_HTML_START = re.compile(rb"\A(?:\xef\xbb\xbf)?\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html[\s>])", re.I | re.S)
_HTML_END = re.compile(rb"</html\s*>", re.I)


def truncation_reason(body: bytes, *, content_length: str | None = None,
                      content_encoding: str | None = None) -> str | None:
    """Why ``body`` is cut short ("content-length", "png-end", "html-end"...), or None when whole."""
    if content_length and not content_encoding:
        try:
            announced = int(content_length.strip())
        except ValueError:
            announced = -1
        if announced > len(body):
            return "content-length"
    tail = body[-TAIL:]
    if body.startswith(b"\x89PNG\r\n\x1a\n"):
        return None if b"IEND" in tail else "png-end"
    if body.startswith(b"\xff\xd8\xff"):
        return None if b"\xff\xd9" in tail else "jpeg-end"
    if body.startswith((b"GIF87a", b"GIF89a")):
        return None if tail.rstrip(b"\x00").endswith(b"\x3b") else "gif-end"
    if body.startswith(b"RIFF") and body[8:12] == b"WEBP" and len(body) >= 12:
        return None if struct.unpack("<I", body[4:8])[0] + 8 <= len(body) else "webp-size"
    if body.startswith(b"%PDF-"):
        return None if b"%%EOF" in tail else "pdf-end"
    if _HTML_START.match(body[:1024]):
        return None if _HTML_END.search(tail) else "html-end"
    return None
