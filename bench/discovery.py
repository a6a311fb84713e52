"""Discovery of 1,000 search results against the loopback mirror (target: under 60 s).

A generated Europe PMC answer of 1,000 results (two pages of 500, followed by ``cursorMark``) in
the real response shape; half the papers are open access with a PMCID, and each of those has its
JATS full text on the mirror (the publications fixture's article, so every figure caption is
read); 1 in 10 results is a paper of the released sample (the real sample is imported first, so
"already have it?" runs against its 453 rows). ``scrapy crawl discover`` runs as a child process,
politeness off (our own loopback server), 16 requests at a time; wall, CPU and peak memory are
printed, with the candidates stored and their answers.

    .venv/bin/python bench/discovery.py [--results 1000]
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._measure import ROOT, run_measured
from ingest.literature import DEFAULT_QUERY, europepmc_search_url
from tests.conftest import SAMPLE_CSV
from tests.mirror import Mirror

SCRAPY = str(Path(sys.executable).with_name("scrapy"))
PAGE = 500
JATS = (ROOT / "tests" / "fixtures" / "publications" / "PMC_fulltext.xml").read_bytes()
RELEASED_DOIS = ["10.1056/NEJMoa2001191", "10.1016/J.EJRNM.2015.11.004", "10.1148/radiol.2020201160",
                 "10.3348/kjr.2020.0132"]


def result(i: int) -> dict:
    oa = i % 2 == 0
    doi = RELEASED_DOIS[i // 10 % len(RELEASED_DOIS)] if i % 10 == 5 else f"10.5555/bench.{i:05d}"
    r = {"id": str(40000000 + i), "source": "MED", "pmid": str(40000000 + i), "doi": doi,
         "title": f"COVID-19 pneumonia on chest CT: a case report ({i})", "authorString": "Doe J, Roe R.",
         "journalInfo": {"journal": {"title": "Radiology case reports"}}, "pubYear": "2024",
         "abstractText": "We report two patients whose chest radiographs showed bilateral opacities.",
         "pubTypeList": {"pubType": ["Case Reports", "Journal Article"]}, "isOpenAccess": "Y" if oa else "N",
         "firstPublicationDate": "2024-03-01"}
    if oa:
        r.update(pmcid=f"PMC{9000000 + i}", license="cc by")
    return r


def build_mirror(total: int) -> Mirror:
    mirror = Mirror(["discovery"])
    mirror.start()
    results = [result(i) for i in range(total)]
    cursors = ["*"] + [f"AoJ{n:08d}" for n in range(1, total // PAGE + 2)]
    for n in range(0, max(1, -(-total // PAGE))):
        chunk = results[n * PAGE:(n + 1) * PAGE]
        nxt = cursors[n + 1] if (n + 1) * PAGE < total else cursors[n]
        body = {"version": "6.9", "hitCount": total, "nextCursorMark": nxt,
                "request": {"queryString": DEFAULT_QUERY, "resultType": "core", "cursorMark": cursors[n],
                            "pageSize": 1000},
                "resultList": {"result": chunk}}
        mirror.route(europepmc_search_url(DEFAULT_QUERY, cursors[n]), json.dumps(body),
                     headers={"Content-Type": "application/json"})
    for r in results:
        if "pmcid" in r:
            mirror.route(f"https://www.ebi.ac.uk/europepmc/webservices/rest/{r['pmcid']}/fullTextXML", JATS,
                         headers={"Content-Type": "application/xml"})
    return mirror


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--results", type=int, default=1000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-discovery-") as tmp:
        db = Path(tmp) / "staging.sqlite3"
        env = dict(os.environ, STAGING_DB_URL=f"sqlite:///{db}", MEDIA_STORE=str(Path(tmp) / "media"))
        subprocess.run([SCRAPY, "import-dataset", str(SAMPLE_CSV)], cwd=ROOT, env=env, check=True, capture_output=True)
        mirror = build_mirror(args.results)
        try:
            run = run_measured([SCRAPY, "crawl", "discover", "-a", f"base_url={mirror.base_url}",
                                "-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=0",
                                "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=16",
                                "-s", "CONCURRENT_REQUESTS=16", "-s", "LOG_LEVEL=WARNING"], env=env)
        finally:
            mirror.stop()
        with sqlite3.connect(db) as conn:
            candidates = conn.execute("select count(*) from candidates").fetchone()[0]
            read = conn.execute("select count(*) from candidates where figures is not null").fetchone()[0]
        answers = subprocess.run([SCRAPY, "candidates", "list", "--all", "--json"], cwd=ROOT, env=env, check=True,
                                 capture_output=True, text=True).stdout
        counts: dict[str, int] = {}
        for row in json.loads(answers):
            counts[row["answer"]] = counts.get(row["answer"], 0) + 1
    print(f"results {args.results}: wall {run.wall:.1f} s (target 60), CPU {run.cpu:.1f} s, "
          f"peak {run.peak_mib:.0f} MiB; {sum(mirror.requests.values())} requests; "
          f"candidates {candidates} ({read} full texts read); answers {counts}; "
          f"load average {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
