"""A local mirror of the sites' fixtures: real paths and queries, served from 127.0.0.1.

Every site's ``tests/fixtures/<site>/urls.json`` maps a real URL to a fixture file, a status and
headers. The mirror serves them at the real path + query, whatever the host asked for, because a
spider run with ``-a base_url=http://127.0.0.1:PORT`` sends *every* request of its source (site
pages, APIs, image hosts) to the mirror with path and query kept.

Where two hosts share a path + query (``/robots.txt`` of Radiopaedia and of Eurorad), the mirror
resolves it, in this order:

1. the ``X-Mirror-Host`` request header, which ``middlewares.MirrorMiddleware`` sets to the real
   host a request was meant for (exact);
2. otherwise the order of ``sites`` given to the mirror: the first site listing the path wins
   (a request Scrapy makes on its own, like robots.txt, carries no such header). Run one mirror per
   site when that matters.

Served like a real site: status codes, the fixture's headers (``Retry-After``, ``Location``...),
a strong ``ETag`` (from the body's SHA-256) and a fixed ``Last-Modified`` on every 200, answering
``If-None-Match`` / ``If-Modified-Since`` with 304. Images marked ``"generated"`` are written on
start-up with ``make_fixture_images`` into a temporary directory; entries with a ``"generate"``
spec (SIRM and publications: images, composite figures, PDFs) are served from the fixture file
when it exists, else made on start-up by ``publications/make_media.py`` (the same deterministic
bytes) into the temporary directory. Requests and bytes are counted
per path + query (``requests``, ``bytes_sent``) so tests and the bench can see what a crawl fetched.
A path + query not listed is looked up again without ``lang`` (and with ``lang=us``): Radiopaedia
serves the same page with or without ``?lang=us``, and the fixtures list only some variants.

Tests may add or replace routes at run time with ``mirror.route(url, body=..., status=...)``.

Command line (demo): ``python -m tests.mirror --port 0 --sites radiopaedia,eurorad``
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from email.utils import formatdate, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit

FIXTURES = Path(__file__).resolve().parent / "fixtures"
#: Every 200 claims this modification time, so If-Modified-Since answers are deterministic.
LAST_MODIFIED_EPOCH = 1585699200  # 2020-04-01T00:00:00Z
LAST_MODIFIED = formatdate(LAST_MODIFIED_EPOCH, usegmt=True)


@dataclass
class Route:
    host: str
    status: int
    headers: dict[str, str]
    body: bytes | None = None
    path: Path | None = None
    #: A route added by a test (counts as the first choice for its path).
    override: bool = False

    def payload(self) -> bytes:
        if self.body is not None:
            return self.body
        if self.path is not None:
            return self.path.read_bytes()
        return b""


def path_query(url: str) -> str:
    parts = urlsplit(url)
    return (parts.path or "/") + (f"?{parts.query}" if parts.query else "")


def _sorted_query(target: str) -> str:
    parts = urlsplit(target)
    query = urlencode(sorted(parse_qsl(parts.query, keep_blank_values=True)))
    return (parts.path or "/") + (f"?{query}" if query else "")


@dataclass
class Mirror:
    sites: list[str]
    port: int = 0
    fixtures: Path = FIXTURES
    requests: Counter = field(default_factory=Counter)
    bytes_sent: Counter = field(default_factory=Counter)
    #: Every request as (method, path + query, X-Mirror-Host, conditional headers), in order.
    log: list[tuple[str, str, str, dict[str, str]]] = field(default_factory=list)
    #: When each request of ``log`` arrived (time.monotonic()): politeness is measured here.
    arrived_at: list[float] = field(default_factory=list)
    #: The first request is answered only once this says so (polled, at most 60 s): crawl workers
    #: started together then overlap however long each took to start on a loaded machine.
    hold_first_until: Callable[[], bool] | None = None

    def __post_init__(self) -> None:
        self._routes: dict[str, list[Route]] = {}
        self._lock = threading.Lock()
        self._tmp = tempfile.TemporaryDirectory(prefix="mirror-images-")
        self._images: dict[str, Path] | None = None
        self._pdfs: dict[str, bytes] | None = None
        for site in self.sites:
            self._load_site(site)
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # --- routes ------------------------------------------------------------------------------

    def _generated(self) -> dict[str, Path]:
        if self._images is None:
            sys.path.insert(0, str(self.fixtures))
            try:
                from make_images import make_fixture_images  # noqa: PLC0415 - fixtures dir, not a package
            finally:
                sys.path.remove(str(self.fixtures))
            self._images = make_fixture_images(Path(self._tmp.name) / "images")
        return self._images

    def _load_site(self, site: str) -> None:
        site_dir = self.fixtures / site
        table = json.loads((site_dir / "urls.json").read_text(encoding="utf-8"))
        for url, spec in table.items():
            file_name = spec.get("file")
            path = None
            if file_name:
                path = self._generated()[Path(file_name).name] if spec.get("generated") else site_dir / file_name
                if spec.get("generate") and not path.is_file():
                    path = self._make(site, file_name, spec["generate"])
                if not path.is_file():
                    # A route naming a missing file would drop the connection mid-test: say which.
                    raise FileNotFoundError(f"{site_dir / 'urls.json'}: {url} names {file_name}, which is not there")
            route = Route(urlsplit(url).hostname or "", int(spec.get("status", 200)), dict(spec.get("headers") or {}),
                          path=path)
            self._routes.setdefault(path_query(url), []).append(route)

    def _make(self, site: str, file_name: str, spec: dict) -> Path:
        """A ``generate`` fixture (git-ignored) made into the temporary directory, never into the
        fixtures (two test workers may start mirrors at once)."""
        folder = self.fixtures / "publications"
        sys.path.insert(0, str(folder))
        try:
            import make_media  # noqa: PLC0415 - fixtures dir, not a package
            import make_pdfs  # noqa: PLC0415
        finally:
            sys.path.remove(str(folder))
        out = Path(self._tmp.name) / site / file_name
        out.parent.mkdir(parents=True, exist_ok=True)
        if spec["kind"] == "pdf":
            if self._pdfs is None:
                self._pdfs = make_pdfs.build(Path(self._tmp.name) / "pdfs")
            out.write_bytes(self._pdfs[spec["paper"]])
        else:
            out.write_bytes(make_media.image_bytes(spec, out))
        return out

    def route(self, url: str, body: bytes | str = b"", status: int = 200,
              headers: dict[str, str] | None = None) -> None:
        """Serve ``body`` at ``url``'s path + query (replacing what the fixtures serve there)."""
        data = body.encode("utf-8") if isinstance(body, str) else body
        route = Route(urlsplit(url).hostname or "", status, dict(headers or {}), body=data, override=True)
        with self._lock:
            others = [r for r in self._routes.get(path_query(url), []) if not (r.override and r.host == route.host)]
            self._routes[path_query(url)] = [route, *others]

    def resolve(self, target: str, host_hint: str = "") -> Route | None:
        with self._lock:
            candidates = self._routes.get(target) or self._routes.get(_sorted_query(target))
            if not candidates:
                # The same query in another order is the same page to a web framework.
                wanted = _sorted_query(target)
                for key, routes in self._routes.items():
                    if _sorted_query(key) == wanted:
                        candidates = routes
                        break
            if not candidates:
                # Radiopaedia routes ignore ``lang`` (docs/site-notes.md §1.1): /cases/x and /cases/x?lang=us
                # are one page, whichever of the two the fixtures list.
                parts = urlsplit(target)
                params = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != "lang"]
                for variant in (params, [*params, ("lang", "us")]):
                    key = _sorted_query(parts.path + ("?" + urlencode(variant) if variant else ""))
                    candidates = next((routes for k, routes in self._routes.items() if _sorted_query(k) == key), None)
                    if candidates:
                        break
            if not candidates:
                return None
            if host_hint:
                for route in candidates:
                    if route.host == host_hint:
                        return route
            return candidates[0]

    # --- answers (one code path for every server: ``start``'s threads, ``tests.fast_mirror``) -----

    def answer(self, command: str, target: str, request_headers: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
        """Log the request and answer it: (status, headers without Content-Length, body)."""
        lower = {k.lower(): v for k, v in request_headers.items()}
        host_hint = lower.get("x-mirror-host", "")
        conditional = {k: v for k, v in request_headers.items() if k.lower() in ("if-none-match", "if-modified-since")}
        with self._lock:
            self.log.append((command, target, host_hint, conditional))
            self.arrived_at.append(time.monotonic())
            first = len(self.log) == 1
        if first and self.hold_first_until is not None:
            deadline = time.monotonic() + 60
            while not self.hold_first_until() and time.monotonic() < deadline:
                time.sleep(0.05)
        route = self.resolve(target, host_hint)
        if route is None:
            status, headers, body = (404, {"Content-Type": "text/html; charset=utf-8"},
                                     b"<html><head><title>Not found</title></head><body>404</body></html>")
        else:
            status, headers, body = route.status, dict(route.headers), route.payload()
        if status == 200:
            etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
            headers.setdefault("ETag", etag)
            headers.setdefault("Last-Modified", LAST_MODIFIED)
            if _not_modified(lower, headers["ETag"]):
                status, body = 304, b""
                headers = {"ETag": headers["ETag"], "Last-Modified": headers["Last-Modified"]}
        headers = {k: v for k, v in headers.items() if k.lower() not in ("content-length", "connection")}
        return status, headers, body

    def served(self, target: str, sent: int) -> None:
        """Count a request once its answer is sent (``sent``: body bytes, 0 for HEAD)."""
        with self._lock:
            self.requests[target] += 1
            self.bytes_sent[target] += sent

    # --- server ------------------------------------------------------------------------------

    @property
    def base_url(self) -> str:
        assert self._server is not None, "mirror not started"
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def start(self) -> str:
        mirror = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, fmt: str, *args) -> None:  # quiet: tests read the counters
                return

            def do_HEAD(self) -> None:
                self._serve(send_body=False)

            def do_GET(self) -> None:
                self._serve(send_body=True)

            def _serve(self, send_body: bool) -> None:
                status, headers, body = mirror.answer(self.command, self.path, dict(self.headers.items()))
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if send_body and body:
                    self.wfile.write(body)
                mirror.served(self.path, len(body) if send_body else 0)

        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, name="fixture-mirror", daemon=True)
        self._thread.start()
        return self.base_url

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        self._tmp.cleanup()

    def reset_counters(self) -> None:
        with self._lock:
            self.requests.clear()
            self.bytes_sent.clear()
            self.log.clear()
            self.arrived_at.clear()

    def count(self, url_or_target: str) -> int:
        """How many times the path + query of ``url_or_target`` was requested."""
        target = path_query(url_or_target) if "://" in url_or_target else url_or_target
        return self.requests[target]

    def __enter__(self) -> Mirror:
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


def _not_modified(lower_headers: dict[str, str], etag: str) -> bool:
    if_none_match = lower_headers.get("if-none-match")
    if if_none_match is not None:
        return etag in [tag.strip() for tag in if_none_match.split(",")] or if_none_match.strip() == "*"
    since = lower_headers.get("if-modified-since")
    if since:
        try:
            return parsedate_to_datetime(since).timestamp() >= LAST_MODIFIED_EPOCH
        except (TypeError, ValueError):
            return False
    return False


def mirror_arguments(description: str, default_sites: str) -> argparse.ArgumentParser:
    """The command line of a mirror (this one, tests/fast_mirror.py): ``--port``, ``--sites``."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--port", type=int, default=0, help="port on 127.0.0.1 (0: a free one)")
    parser.add_argument("--sites", type=lambda text: [s.strip() for s in text.split(",") if s.strip()],
                        default=default_sites, help="comma list of fixture sites; first wins on shared paths")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = mirror_arguments(__doc__.split("\n\n")[0], "radiopaedia,eurorad").parse_args(argv)
    mirror = Mirror(args.sites, port=args.port)
    base = mirror.start()
    print(base, flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        mirror.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
