"""Crawled case pages scored row by row against the rows a curator would write (issue 12).

Each ``tests/fixtures/<site>/unseen/<name>.html`` has ``<name>.rows.json``: the page's URL and one
row per film (``image``: the last two parts of the film's URL path) with the values of the fields
the target names. The page goes through its parser and ``normalize_case``, as a crawl stages it
(a Radiopaedia page with its studies' ``stacks_<id>.json`` beside it). A film the parser loses
counts wrong in every field, and so does a film no curator row names.

``python -m tests.crawled_rows [BATCH ...] [-v]`` prints the table per site and field (and the
wrong cells with ``-v``) of the pages of ``unseen/`` (the first blind batch), or of the batches named
(``unseen2``: the second, written after the first batch's fixes).
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from ingest.case_fields import normalize_case
from ingest.eurorad import parse_eurorad_case
from ingest.radiopaedia import parse_radiopaedia_case, parse_radiopaedia_stacks, split_radiopaedia_patients
from ingest.records import CaseRecord
from ingest.sirm import parse_sirm_posts

FIXTURES = Path(__file__).parent / "fixtures"
SITES = ("radiopaedia", "eurorad", "sirm")
FIELDS = ("sex", "age", "finding", "modality", "view", "license", "url", "offset", "other_notes")
CASE_FIELDS = ("sex", "age", "finding", "license", "url", "other_notes")


@dataclass
class Score:
    right: dict[str, int] = field(default_factory=lambda: dict.fromkeys(FIELDS, 0))
    rows: int = 0
    wrong: list[tuple[str, str, str, object, object]] = field(default_factory=list)


def image_key(url: str) -> str:
    return "/".join(urlsplit(url).path.rstrip("/").split("/")[-2:])


def records(site: str, html_path: Path, url: str) -> list[CaseRecord]:
    html = html_path.read_text()
    if site == "eurorad":
        return parse_eurorad_case(html, url)
    if site == "sirm":
        return parse_sirm_posts(html, url)
    record = parse_radiopaedia_case(html, url)
    images = []
    for study_id in record.extra["study_ids"]:
        payload = (html_path.parent / f"stacks_{study_id}.json").read_text()
        images += parse_radiopaedia_stacks(payload, study_id, first_position=len(images))
    record.images = images
    return split_radiopaedia_patients(record)


def staged_rows(record: CaseRecord) -> dict[str, dict[str, object]]:
    """One row per film of ``record``, keyed by the film's URL, with the target's fields."""
    results = {(r.field, r.image_position): r.value for r in normalize_case(record)}
    case = {f: results.get((f, None)) for f in CASE_FIELDS}
    return {image_key(image.source_url): {**case, **{f: results.get((f, image.position))
                                                     for f in ("modality", "view", "offset")}}
            for image in record.images}


def _same(a: object, b: object) -> bool:
    return ("" if a is None else str(a)) == ("" if b is None else str(b))


def score_page(site: str, expected_path: Path, score: Score) -> None:
    expected = json.loads(expected_path.read_text())
    html_path = expected_path.with_name(expected_path.name.replace(".rows.json", ".html"))
    got: dict[str, dict[str, object]] = {}
    for record in records(site, html_path, expected["url"]):
        got.update(staged_rows(record))
    for want in expected["rows"]:
        row = got.pop(want["image"], None)
        score.rows += 1
        for name in FIELDS:
            value = None if row is None else row[name]
            if row is not None and _same(value, want[name]):
                score.right[name] += 1
            else:
                score.wrong.append((html_path.name, want["image"], name, want[name],
                                    "(film lost)" if row is None else value))
    for key in got:  # a film no curator row names
        score.rows += 1
        score.wrong.extend((html_path.name, key, name, "(no such row)", got[key][name]) for name in FIELDS)


def score_site(site: str, batch: str = "unseen") -> Score:
    score = Score()
    for path in sorted((FIXTURES / site / batch).glob("*.rows.json")):
        score_page(site, path, score)
    return score


def table(scores: dict[str, Score]) -> str:
    lines = [f"{'site':<12}{'rows':>5} " + " ".join(f"{f[:8]:>8}" for f in FIELDS)]
    total = Score()
    for site, score in scores.items():
        if not score.rows:  # a batch of one site's pages (sirmsplit52: SIRM posts only)
            continue
        lines.append(f"{site:<12}{score.rows:>5} " + " ".join(
            f"{score.right[f] / score.rows:>8.3f}" for f in FIELDS))
        total.rows += score.rows
        for f in FIELDS:
            total.right[f] += score.right[f]
    lines.append(f"{'all':<12}{total.rows:>5} " + " ".join(f"{total.right[f] / total.rows:>8.3f}" for f in FIELDS))
    return "\n".join(lines)


def main(argv: list[str]) -> None:
    batches = [a for a in argv if not a.startswith("-")] or ["unseen"]
    scores = {site: Score() for site in SITES}
    for batch in batches:
        for site in SITES:
            found = score_site(site, batch)
            scores[site].rows += found.rows
            scores[site].wrong += found.wrong
            for name in FIELDS:
                scores[site].right[name] += found.right[name]
    print(table(scores))
    if "-v" in argv:
        for score in scores.values():
            for page, key, name, want, value in score.wrong:
                print(f"{page:<32} {key:<48} {name:<12} want {want!r:<40} got {value!r}")


if __name__ == "__main__":
    main(sys.argv[1:])
