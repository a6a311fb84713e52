"""A crawl keeps its connections: no more requests in flight to a site than
``CONCURRENT_REQUESTS_PER_DOMAIN``, hence no more TCP connections (downloader.py).

Scrapy 2.19's downloader let a burst of image requests (the media pipeline's, four per case at
once) all go out together; Twisted's pool keeps as many idle connections per site as the setting
and closed the others, so the crawl kept opening new ones (839 for 3,052 requests at 16 per site).
"""

from __future__ import annotations

import threading

import pytest

pytestmark = pytest.mark.e2e

PER_SITE = 2


def count_connections(mirror) -> list[int]:
    """The mirror's accepted connections, counted in its server's ``process_request`` (one call each)."""
    accepted = [0]
    lock = threading.Lock()
    server = mirror._server
    accept = server.process_request

    def counted(request, client_address) -> None:
        with lock:
            accepted[0] += 1
        accept(request, client_address)

    server.process_request = counted
    return accepted


def test_crawl_opens_no_more_connections_than_requests_allowed_in_flight(mirror_of, crawl, project_env):
    mirror = mirror_of("radiopaedia")
    accepted = count_connections(mirror)
    crawl("radiopaedia", mirror, query="COVID", settings={"CONCURRENT_REQUESTS_PER_DOMAIN": PER_SITE})
    images = sum(n for path, n in mirror.requests.items() if path.startswith("/images/"))
    assert images >= 8, "the fixtures' cases should have sent image requests in bursts"
    # Keep-alive both ways (tests/mirror.py closes only on the client's "Connection: close"): every
    # request after the first PER_SITE reuses a pooled connection.
    assert accepted[0] <= PER_SITE, f"{accepted[0]} connections for {sum(mirror.requests.values())} requests"
