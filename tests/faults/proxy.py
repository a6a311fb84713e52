"""A fault-injecting HTTP proxy on 127.0.0.1, in front of the fixture mirror (tests/mirror.py).

A crawl started with ``-a base_url=<proxy>`` sends every request to the proxy, which forwards it to
the mirror (path, query and the ``X-Mirror-Host`` header kept) and answers with what the mirror
said, unless a fault is set for that path + query:

* ``truncate``: the announced ``Content-Length`` of the whole body, then half of it, then the
  connection closes (what a dropped connection looks like);
* ``truncate-unannounced``: half of the body without any ``Content-Length``, then close (nothing at
  the HTTP level can tell it from a whole body);
* ``reset``: the connection is closed (RST) before any answer;
* ``hang``: nothing is answered for ``hang_seconds``, then the connection closes;
* ``redirect-loop``: ``302`` to the same URL, for ever;
* ``status``: the mirror's body with another status (``status=500``...);
* ``gzip-bomb``: a page of ``bomb_bytes`` zeros sent gzip-compressed (a few kilobytes on the wire);
* ``pixel-bomb``: a PNG that declares ``20,000 x 20,000`` pixels in a few kilobytes;
* ``huge``: the page padded with an HTML comment to ``huge_bytes``;
* ``latin-1``: the page re-encoded from UTF-8 to ISO-8859-1, every declared charset removed
  (header and ``<meta>``).

``fault(url, kind, times=N)`` applies a fault to the first N requests only (then the mirror's
answer passes): a fault that a retry gets past. ``requests`` counts what reached the proxy.
"""

from __future__ import annotations

import functools
import gzip
import http.client
import re
import socket
import struct
import threading
import time
import zlib
from collections import Counter
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

from tests.mirror import path_query

_CHARSET_META = re.compile(rb"<meta[^>]*charset[^>]*>", re.I)


@dataclass
class Fault:
    kind: str
    times: int | None = None  # None: every request
    status: int = 500
    hang_seconds: float = 30.0
    bomb_bytes: int = 20 * 1024 * 1024
    huge_bytes: int = 8 * 1024 * 1024


@functools.lru_cache(maxsize=4)
def gzip_bomb(size: int) -> bytes:
    """``size`` zero bytes, gzip-compressed (about a thousandth of the size on the wire)."""
    return gzip.compress(b"\x00" * size, compresslevel=6, mtime=0)


def pixel_bomb_png(width: int = 20_000, height: int = 20_000) -> bytes:
    """A grayscale PNG header declaring ``width x height`` pixels, with a little compressed data."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    rows = zlib.compress(b"\x00" * (width + 1) * 64)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))
            + chunk(b"IDAT", rows) + chunk(b"IEND", b""))


class FaultProxy:
    def __init__(self, upstream: str):
        self.upstream = urlsplit(upstream)
        self.faults: dict[str, Fault] = {}
        self.requests: Counter[str] = Counter()
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None

    def fault(self, url: str, kind: str, times: int | None = None, **options) -> None:
        with self._lock:
            self.faults[path_query(url)] = Fault(kind, times, **options)

    def clear(self, url: str | None = None) -> None:
        with self._lock:
            if url is None:
                self.faults.clear()
            else:
                self.faults.pop(path_query(url), None)

    @property
    def base_url(self) -> str:
        assert self._server is not None, "proxy not started"
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def _take(self, target: str) -> Fault | None:
        with self._lock:
            self.requests[target] += 1
            fault = self.faults.get(target)
            if fault is None:
                return None
            if fault.times is not None:
                if fault.times <= 0:
                    return None
                fault.times -= 1
            return fault

    def _forward(self, method: str, target: str, headers) -> tuple[int, list[tuple[str, str]], bytes]:
        connection = http.client.HTTPConnection(self.upstream.hostname, self.upstream.port, timeout=30)
        try:
            sent = {k: v for k, v in headers.items()
                    if k.lower() in ("x-mirror-host", "if-none-match", "if-modified-since", "user-agent")}
            connection.request(method, target, headers=sent)
            answer = connection.getresponse()
            return answer.status, answer.getheaders(), answer.read()
        finally:
            connection.close()

    def start(self) -> str:
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, fmt: str, *args) -> None:
                return

            def do_GET(self) -> None:
                fault = proxy._take(self.path)
                if fault is not None and fault.kind in ("reset", "hang", "redirect-loop"):
                    return self._connection_fault(fault)
                status, headers, body = proxy._forward("GET", self.path, self.headers)
                if fault is None:
                    return self._answer(status, headers, body)
                return self._body_fault(fault, status, headers, body)

            def _connection_fault(self, fault: Fault) -> None:
                if fault.kind == "reset":
                    self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                    self.close_connection = True
                    return
                if fault.kind == "hang":
                    time.sleep(fault.hang_seconds)
                    self.close_connection = True
                    return
                self._answer(302, [("Location", self.path)], b"")

            def _body_fault(self, fault: Fault, status: int, headers, body: bytes) -> None:
                kind = fault.kind
                if kind == "truncate":
                    self._answer(status, headers, body[: len(body) // 2], announce=len(body), close=True)
                elif kind == "truncate-unannounced":
                    self._answer(status, headers, body[: len(body) // 2], announce=None, close=True)
                elif kind == "status":
                    self._answer(fault.status, headers, body)
                elif kind == "gzip-bomb":
                    self._answer(200, [("Content-Type", "text/html; charset=utf-8"), ("Content-Encoding", "gzip")],
                                 gzip_bomb(fault.bomb_bytes))
                elif kind == "pixel-bomb":
                    self._answer(200, [("Content-Type", "image/png")], pixel_bomb_png())
                elif kind == "huge":
                    padding = b"<!-- " + b"x" * max(0, fault.huge_bytes - len(body)) + b" -->"
                    self._answer(status, headers, body.replace(b"</body>", padding + b"</body>", 1))
                elif kind == "latin-1":
                    recoded = _CHARSET_META.sub(b"", body).decode("utf-8").encode("iso-8859-1")
                    plain = [(k, "text/html") if k.lower() == "content-type" else (k, v) for k, v in headers]
                    self._answer(status, plain, recoded)
                else:
                    raise ValueError(f"unknown fault {kind!r}")

            def _answer(self, status: int, headers, body: bytes, announce: int | bool | None = True,
                        close: bool = False) -> None:
                self.send_response(status)
                for name, value in headers:
                    if name.lower() not in ("content-length", "connection", "transfer-encoding", "date", "server"):
                        self.send_header(name, value)
                if announce is True:
                    self.send_header("Content-Length", str(len(body)))
                elif announce is not None:
                    self.send_header("Content-Length", str(announce))
                if close or announce is None:
                    self.send_header("Connection", "close")
                    self.close_connection = True
                self.end_headers()
                self.wfile.write(body)
                self.wfile.flush()

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, name="fault-proxy", daemon=True).start()
        return self.base_url

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
