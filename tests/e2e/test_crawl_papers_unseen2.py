"""The second blind batch of papers (tests/fixtures/papers_unseen2/, bench/papers_unseen.py --papers) crawled
end to end by the identifiers a user gives (a PMID, a PMCID, a PII, article URLs, DOIs)."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from tests.e2e.conftest import rows

BATCH = Path(__file__).resolve().parents[1] / "fixtures" / "papers_unseen2"


def test_the_second_blind_batch_end_to_end_against_the_curators_rows(mirror_of, crawl, project_env, tmp_path):
    """Every curator row found, each field as the curators wrote it; the lateral film whose words name no
    moment ('B, Lateral radiograph confirms ...') takes the time of A, the frontal film beside it, as the
    curators did (blank before papers_unseen63's reading)."""
    from bench.papers_unseen import score, staged_images

    with (BATCH / "curators.csv").open(encoding="utf-8") as handle:
        curated = list(csv.DictReader(handle))
    ids = tmp_path / "ids.txt"
    ids.write_text("".join(f"{given}\n" for given in dict.fromkeys(r["input"] for r in curated)), encoding="utf-8")
    crawl("publications", mirror_of("papers_unseen2"), ids_file=str(ids))
    db = project_env["STAGING_DB_URL"]
    right, wrong, extra = score(curated, staged_images(db))
    assert extra == [] and right["found"] == len(curated) == 25, wrong
    assert {f: right[f] for f in ("sex", "age", "modality", "view", "offset", "url", "doi", "finding")} == \
        dict.fromkeys(("sex", "age", "modality", "view", "offset", "url", "doi", "finding"), 25), wrong
    # The Italian paper's figures came from its PDF, and so did the case description (its landing page
    # holds the abstract only): the onset "insorte 6 giorni prima" anchors the offsets.
    (history, extra_json), = rows(db, "select history, extra from cases where doi = '10.1701/3394.33757'")
    assert "insorte 6 giorni prima" in history
    assert json.loads(extra_json)["resolution"]["route"] == "pdf"
