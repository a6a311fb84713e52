"""Parse a hostile 50 MB case page of each site: seconds and peak memory per parser.

The page is the site's fixture with one paragraph of text padded to the size given (default 50 MB)
without a full stop, the kind of input that made the old Eurorad licence pattern (``[^.]*Creative
Commons[^.]*\\.``) take minutes. Also times that old pattern on 10 and 20 KB of such text, to show
what rescanning from every position costs (the time grows with the square of the size).
Crawls never hand a parser such a page (``PAGE_MAX_BYTES``, 10 MB); this measures the parsers
themselves. Not part of the tests (tests/test_linear_patterns.py holds the patterns to the rule).

Usage: python bench/hostile_page.py [megabytes]
"""

from __future__ import annotations

import re
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from ingest.eurorad import parse_eurorad_case  # noqa: E402
from ingest.pages import ParseError  # noqa: E402
from ingest.radiopaedia import parse_radiopaedia_case  # noqa: E402
from ingest.sirm import parse_sirm_post  # noqa: E402

FIXTURES = ROOT / "tests" / "fixtures"
PAGES = {
    "eurorad": (FIXTURES / "eurorad" / "case_16672_like.html", parse_eurorad_case, "https://www.eurorad.org/case/16672"),
    "radiopaedia": (FIXTURES / "radiopaedia" / "case_classic.html", parse_radiopaedia_case,
                    "https://radiopaedia.org/cases/covid-19-pneumonia-12"),
    "sirm": (FIXTURES / "sirm" / "post_caso_101.html",
             parse_sirm_post, "https://www.sirm.org/2020/03/30/covid-19-caso-101/"),
}


def hostile(page: str, size: int) -> str:
    filler = ("ground glass opacities without any full stop " * (size // 45 + 1))[:size]
    return page.replace("</body>", f"<p>{filler}</p></body>", 1)


def main() -> None:
    megabytes = float(sys.argv[1]) if len(sys.argv) > 1 else 50.0
    size = int(megabytes * 1024 * 1024)
    print(f"hostile page: fixture + {megabytes:g} MB paragraph without a full stop")
    cases = [(site, path, parse, url, path.read_text(encoding="utf-8")) for site, (path, parse, url) in PAGES.items()]
    eurorad = cases[0]
    # without its licence link, the Eurorad parser falls back to the sentences of the whole text
    cases.insert(1, ("eurorad-nolink", eurorad[1], eurorad[2], eurorad[3],
                     eurorad[4].replace("creativecommons.org/licenses", "example.org/licenses")))
    for site, path, parse, url, page in cases:
        text = hostile(page, size)
        started, cpu = time.perf_counter(), time.process_time()
        try:
            records = parse(text, url)
            outcome = f"{len(records) if isinstance(records, list) else 1} record(s)"
        except ParseError as exc:
            outcome = f"ParseError: {str(exc)[:60]}"
        print(f"  {site:15} {time.perf_counter() - started:7.1f} s wall {time.process_time() - cpu:7.1f} s CPU  "
              f"({outcome}; {path.name})")
    print(f"  peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")
    old = re.compile(r"[^.]*\b(Creative Commons|CC BY-NC-SA)[^.]*\.")
    for mb in (0.01, 0.02):
        text = "ground glass opacities without any full stop " * int(mb * 1024 * 1024 // 45)
        started = time.perf_counter()
        old.search(text)
        print(f"  the old licence pattern on {mb:g} MB without a full stop: {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
