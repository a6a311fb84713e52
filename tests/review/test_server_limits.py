"""The review server closes connections that never finish a request: half-open connections do not
keep a reviewer out (waitress settings in review.web.SERVER_SETTINGS)."""

from __future__ import annotations

import socket
import threading
import urllib.request

from review.web import SERVER_SETTINGS, create_app, make_server

HALF_OPEN = 150


def test_half_open_connections_are_closed_and_a_reviewer_is_served(rdb):
    app = create_app(rdb.url, rdb.media, reviewer="alice")
    # the settings of `scrapy review`, with the idle timeout of a test (seconds, not 15)
    server = make_server(app, "127.0.0.1", 0, threads=2, channel_timeout=2, cleanup_interval=1)
    port = server.effective_port
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        idle = []
        for _ in range(HALF_OPEN):
            conn = socket.create_connection(("127.0.0.1", port), timeout=30)
            conn.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")  # never finished
            idle.append(conn)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=60) as answer:
            assert answer.status == 200
            assert b"<html" in answer.read().lower()
        assert idle[0].recv(1) == b""  # the server closed the half-open connection
        for conn in idle:
            conn.close()
    finally:
        server.close()
    assert SERVER_SETTINGS["channel_timeout"] <= 30 and SERVER_SETTINGS["asyncore_use_poll"] is True
