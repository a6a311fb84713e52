"""The fixture mirror (tests/mirror.py) served from a process of its own by a small asyncio server:
for benches, where the mirror stands for a remote site and should cost the machine as little as
possible. ``tests.mirror.Mirror.start`` serves with a thread per connection and
``http.server``'s parsing in the caller's process: under a crawl of thousands of pages that
process holds the GIL and a good part of a core, and when it is the bench's process it competes
with the crawl it measures.

Same answers (``Mirror.answer``: routes, ETag, 304s, 404s), HTTP/1.1 with keep-alive, GET and HEAD;
requests are counted as ``Mirror`` counts them. Two paths under ``/__mirror__/`` are for the
process that started the mirror and are not counted: ``counters`` (JSON: requests per path + query,
arrival times on the machine's monotonic clock) and ``reset``.

    with MirrorProcess(["radiopaedia"], fixtures=root) as mirror:
        ... mirror.base_url ... mirror.counters() ... mirror.reset_counters()

Command line: ``python -m tests.fast_mirror --sites radiopaedia --fixtures DIR`` prints the base URL.
"""

from __future__ import annotations

import asyncio
import json
import signal
import subprocess
import sys
import time
import urllib.request
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from tests.mirror import FIXTURES, Mirror, mirror_arguments

ROOT = Path(__file__).resolve().parent.parent
CONTROL = "/__mirror__/"
_REASONS = {200: "OK", 301: "Moved Permanently", 302: "Found", 304: "Not Modified", 403: "Forbidden",
            404: "Not Found", 410: "Gone", 429: "Too Many Requests", 500: "Internal Server Error",
            503: "Service Unavailable"}


def prerender(mirror: Mirror) -> dict[str, bytes]:
    """Every unambiguous route's whole answer to a plain GET (no validators, no host hint needed),
    made once at start-up: a bench's crawl then costs the mirror a dictionary look-up per request."""
    rendered = {}
    for target, routes in mirror._routes.items():
        if len(routes) == 1:
            status, headers, body = mirror.answer("GET", target, {})
            rendered[target] = _head(status, headers, len(body)) + body
    mirror.reset_counters()
    return rendered


def _head(status: int, headers: dict[str, str], length: int) -> bytes:
    lines = [f"HTTP/1.1 {status} {_REASONS.get(status, 'Status')}", *(f"{k}: {v}" for k, v in headers.items()),
             f"Content-Length: {length}", "", ""]
    return "\r\n".join(lines).encode("latin-1")


class _Connection(asyncio.Protocol):
    """One client connection: requests parsed from the byte stream, answered in order."""

    # TCP connections accepted since the counters' last reset (a crawl keeping its connections opens
    # about as many as it allows requests in flight per site; bench/distributed_crawl.py prints it).
    accepted = 0

    def __init__(self, mirror: Mirror, rendered: dict[str, bytes]):
        self.mirror, self.rendered = mirror, rendered
        self.buffer = b""
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport) -> None:
        self.transport = transport
        _Connection.accepted += 1

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        while self.transport is not None:
            end = self.buffer.find(b"\r\n\r\n")
            if end < 0:
                return
            lines = self.buffer[:end].decode("latin-1").split("\r\n")
            headers = dict(line.split(":", 1) for line in lines[1:] if ":" in line)
            headers = {k.strip(): v.strip() for k, v in headers.items()}
            length = int(next((v for k, v in headers.items() if k.lower() == "content-length"), 0) or 0)
            if len(self.buffer) < end + 4 + length:
                return  # a request body (none expected) not all here yet
            self.buffer = self.buffer[end + 4 + length:]
            method, target = (lines[0].split(" ") + ["", ""])[:2]
            self.answer(method, target, headers)

    def answer(self, method: str, target: str, headers: dict[str, str]) -> None:
        assert self.transport is not None
        plain = method == "GET" and not any(k.lower() in ("if-none-match", "if-modified-since") for k in headers)
        if plain and target in self.rendered:
            # Logged and counted as Mirror.answer and Mirror.served do, answered from memory.
            host_hint = next((v for k, v in headers.items() if k.lower() == "x-mirror-host"), "")
            self.mirror.log.append((method, target, host_hint, {}))
            self.mirror.arrived_at.append(time.monotonic())
            answer = self.rendered[target]
            self.transport.write(answer)
            self.mirror.served(target, len(answer) - answer.index(b"\r\n\r\n") - 4)
        elif target.startswith(CONTROL):
            status, out, body = self.control(target[len(CONTROL):])
            self.transport.write(_head(status, out, len(body)) + body)
        else:
            status, out, body = self.mirror.answer(method, target, headers)
            self.transport.write(_head(status, out, len(body)) + (body if method != "HEAD" else b""))
            self.mirror.served(target, len(body) if method != "HEAD" else 0)
        if any(k.lower() == "connection" and v.lower() == "close" for k, v in headers.items()):
            self.transport.close()
            self.transport = None

    def control(self, command: str) -> tuple[int, dict[str, str], bytes]:
        if command == "reset":
            self.mirror.reset_counters()
            _Connection.accepted = 0  # the reset's own connection is not the crawl's
            return 200, {"Content-Type": "text/plain"}, b"reset"
        if command == "counters":
            body = json.dumps({"requests": dict(self.mirror.requests), "arrived_at": self.mirror.arrived_at,
                               "connections": _Connection.accepted - 1})  # less the asker's own
            return 200, {"Content-Type": "application/json"}, body.encode()
        return 404, {"Content-Type": "text/plain"}, b"unknown control path"

    def connection_lost(self, exc) -> None:
        self.transport = None


async def serve(mirror: Mirror, port: int) -> None:
    loop = asyncio.get_running_loop()
    rendered = prerender(mirror)
    server = await loop.create_server(lambda: _Connection(mirror, rendered), "127.0.0.1", port, backlog=256)
    print(f"http://127.0.0.1:{server.sockets[0].getsockname()[1]}", flush=True)
    async with server:
        await server.serve_forever()


@dataclass
class Counters:
    requests: Counter
    arrived_at: list[float]
    connections: int | None = None  # TCP connections accepted since the reset; None: not counted


class MirrorProcess:
    """``python -m tests.fast_mirror`` started and stopped from Python, with its counters."""

    def __init__(self, sites: list[str], fixtures: Path = FIXTURES):
        self.sites, self.fixtures = sites, fixtures
        self.process: subprocess.Popen | None = None
        self.base_url = ""

    def start(self) -> str:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tests.fast_mirror", "--sites", ",".join(self.sites), "--fixtures",
             str(self.fixtures)], cwd=ROOT, stdout=subprocess.PIPE, text=True)
        assert self.process.stdout is not None
        self.base_url = self.process.stdout.readline().strip()
        if not self.base_url.startswith("http://"):
            raise RuntimeError(f"the mirror process did not start (exit {self.process.poll()})")
        return self.base_url

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def _get(self, command: str) -> bytes:
        with urllib.request.urlopen(self.base_url + CONTROL + command, timeout=60) as answer:
            return answer.read()

    def counters(self) -> Counters:
        data = json.loads(self._get("counters"))
        return Counters(Counter(data["requests"]), data["arrived_at"], data["connections"])

    def reset_counters(self) -> None:
        self._get("reset")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait()
            self.process = None

    def __enter__(self) -> MirrorProcess:
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


def main(argv: list[str] | None = None) -> int:
    parser = mirror_arguments(__doc__.split("\n\n")[0], "radiopaedia")
    parser.add_argument("--fixtures", type=Path, default=FIXTURES, help="the fixtures folder (default: the tests')")
    args = parser.parse_args(argv)
    mirror = Mirror(args.sites, fixtures=args.fixtures)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))  # terminate(): clean up the mirror's temporary files
    try:
        asyncio.run(serve(mirror, args.port))
    except KeyboardInterrupt:
        pass
    finally:
        mirror.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
