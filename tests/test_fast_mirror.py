"""tests/fast_mirror.py (the benches' mirror, in a process of its own) answers every request as the
threaded mirror of tests/mirror.py does, and counts what it served the same way."""

from __future__ import annotations

import http.client
import json
import urllib.error
import urllib.request
from urllib.parse import urlsplit

from tests.fast_mirror import MirrorProcess
from tests.mirror import FIXTURES, Mirror, path_query

IGNORED = ("Date", "Server")  # set by http.server alone


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # a redirect is an answer to compare, not to follow (to the real site)


OPENER = urllib.request.build_opener(_NoRedirect)


def _fetch(base: str, target: str, headers: dict[str, str] | None = None) -> tuple[int, list, bytes]:
    request = urllib.request.Request(base + target, headers=headers or {})
    try:
        with OPENER.open(request, timeout=30) as answer:
            return answer.status, sorted((k, v) for k, v in answer.headers.items() if k not in IGNORED), answer.read()
    except urllib.error.HTTPError as error:
        return error.code, sorted((k, v) for k, v in error.headers.items() if k not in IGNORED), error.read()


def test_the_mirror_process_answers_and_counts_as_the_threaded_mirror():
    table = json.loads((FIXTURES / "radiopaedia" / "urls.json").read_text(encoding="utf-8"))
    targets = sorted({path_query(url) for url in table})
    # Not listed (404), and a case page without the ``lang`` its route has (served all the same).
    targets += ["/no/such/page", "/cases/covid-19-pneumonia-15"]
    with Mirror(["radiopaedia"]) as threaded, MirrorProcess(["radiopaedia"]) as process:
        for target in targets:
            assert _fetch(process.base_url, target) == _fetch(threaded.base_url, target), target
        page = "/cases/covid-19-pneumonia-15?lang=us"
        etag = dict(_fetch(process.base_url, page)[1])["ETag"]
        assert _fetch(process.base_url, page, {"If-None-Match": etag})[0] == 304
        counters = process.counters()
        assert counters.requests == {t: n + (2 if t == page else 0) for t, n in threaded.requests.items()}
        assert len(counters.arrived_at) == sum(counters.requests.values())
        process.reset_counters()
        assert process.counters().requests == {}


def test_the_mirror_process_counts_the_connections_a_client_opened():
    with MirrorProcess(["radiopaedia"]) as process:
        process.reset_counters()
        _fetch(process.base_url, "/no/such/page")  # urllib: one connection per request
        _fetch(process.base_url, "/no/such/page")
        address = urlsplit(process.base_url)
        kept = http.client.HTTPConnection(address.hostname, address.port, timeout=30)
        for _ in range(3):  # keep-alive: three requests, one connection
            kept.request("GET", "/no/such/page")
            kept.getresponse().read()
        kept.close()
        assert process.counters().connections == 3
        process.reset_counters()
        assert process.counters().connections == 0
