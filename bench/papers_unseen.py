"""Papers end to end on papers the team had not seen: rows found and each field right, against the curators.

    .venv/bin/python bench/papers_unseen.py [--papers DIR] [--rows OUT.csv] [--keep DIR]

``tests/fixtures/papers_unseen/`` holds 27 papers (7 batches) written as a new user meets them (real markup of
the sites, generated pixels) and ``curators.csv``: the rows a curator would make from them (one per
panel image a curator would crop), written and committed before the spider first crawled them. The
bench serves the papers from the local mirror, runs ``scrapy crawl publications -a ids_file=...``
(the DOIs, one per line) as a real process into a scratch database, and compares each staged image
with the curators' rows: a row is found when an included image comes from its figure (and panel);
a field is right when the staged value equals the curator's (ages and offsets as numbers, DOIs
without case). Printed: rows found, each field right (of all the curators' rows: a row not found
has every field wrong), images staged that no curator row names, and each wrong cell. Issue 11's
targets: rows found >= 0.9, sex, age, modality, view, offset and url each >= 0.85.

``--papers DIR`` scores another blind batch kept in its own fixtures directory (its ``urls.json``
served by the mirror, its ``curators.csv``), e.g. ``tests/fixtures/papers_unseen2``.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench._measure import run_measured  # noqa: E402
from tests.e2e.conftest import FAST, rows  # noqa: E402
from tests.mirror import Mirror  # noqa: E402

PAPERS = ROOT / "tests" / "fixtures" / "papers_unseen"
FIELDS = ("sex", "age", "modality", "view", "offset", "url", "doi", "finding")
TARGETS = {"found": 0.9, **{f: 0.85 for f in ("sex", "age", "modality", "view", "offset", "url")}}


@dataclass
class Staged:
    """One included image of the crawl with the row values the export would write."""

    figure_url: str
    panel: str
    #: a PDF's figure number ("" for an image file): a PDF holds several figures at one address
    figure: str = ""
    values: dict[str, str] = field(default_factory=dict)


def staged_images(db: str) -> list[Staged]:
    """Image-level values first, then the case's (what ``exports/rows.py`` writes into a row)."""
    case_values: dict[int, dict[str, str]] = {}
    image_values: dict[int, dict[str, str]] = {}
    for case_id, image_id, name, value in rows(db, "select case_id, image_id, field, value from field_values"):
        target = image_values.setdefault(image_id, {}) if image_id is not None else case_values.setdefault(case_id, {})
        if value not in (None, ""):
            target[name] = str(value)
    found = []
    sql = ("select i.id, i.case_id, i.source_url, c.canonical_url from images i join cases c on c.id = i.case_id "
           "where c.source = 'publications' and i.included")
    for image_id, case_id, source_url, canonical in rows(db, sql):
        # "...gr1.jpg#panel=a"; a PDF's figure "...pdf#page=1&figure=1&panel=a" is its PDF's.
        base, _, fragment = source_url.partition("#")
        parts = dict(p.partition("=")[::2] for p in fragment.split("&") if "=" in p)
        values = {"url": canonical or "", **case_values.get(case_id, {}), **image_values.get(image_id, {})}
        found.append(Staged(base, parts.get("panel", "").lower(), parts.get("figure", ""), values))
    return found


def same(name: str, want: str, got: str | None) -> bool:
    if got is None:
        return want == ""
    if name in ("age", "offset"):
        try:
            return want != "" and float(want) == float(got)
        except ValueError:
            return False
    if name == "doi":
        return want.lower() == got.lower()
    return want == got


def names(row: dict, image: Staged) -> bool:
    """The curator's row names this image: its file (a PDF's row may add ``#figure=N``) and panel."""
    address, _, fragment = row["figure_url"].partition("#")
    figure = fragment.removeprefix("figure=")
    return (image.figure_url == address and image.panel == row["panel"].lower()
            and (not figure or image.figure == figure))


def score(curated: list[dict], staged: list[Staged]) -> tuple[dict[str, int], list[str], list[Staged]]:
    right = {"found": 0, **{f: 0 for f in FIELDS}}
    wrong: list[str] = []
    used: set[int] = set()
    for row in curated:
        match = next((i for i, s in enumerate(staged) if i not in used and names(row, s)), None)
        where = f"{row['figure_url'].rsplit('/', 1)[-1]}{'#' + row['panel'] if row['panel'] else ''} ({row['input']})"
        if match is None:
            wrong.append(f"NOT FOUND {where}")
            continue
        used.add(match)
        right["found"] += 1
        for name in FIELDS:
            got = staged[match].values.get(name)
            if same(name, row[name], got):
                right[name] += 1
            else:
                wrong.append(f"{name:9} {where}: curator {row[name]!r}, staged {got!r}")
    extra = [s for i, s in enumerate(staged) if i not in used]
    return right, wrong, extra


def crawl(mirror: Mirror, env: dict, ids_file: Path) -> float:
    args = [str(ROOT / ".venv" / "bin" / "scrapy"), "crawl", "publications", "-a", f"base_url={mirror.base_url}",
            "-a", f"ids_file={ids_file}", *FAST]
    run = run_measured(args, env=env, capture=True)
    return run.cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--papers", type=Path, default=PAPERS,
                        help="the batch's fixtures directory (urls.json, curators.csv); default %(default)s")
    parser.add_argument("--rows", type=Path, help="write each curator row beside the staged values (CSV)")
    parser.add_argument("--keep", type=Path, help="keep the scratch database and media here")
    parser.add_argument("--only", nargs="+", metavar="DOI",
                        help="crawl and score only these inputs (one batch's first run, e.g. the fourth batch)")
    options = parser.parse_args()
    papers = options.papers.resolve()
    if not (papers / "curators.csv").is_file() or not (papers / "urls.json").is_file():
        parser.error(f"{papers} holds no curators.csv and urls.json")
    with (papers / "curators.csv").open(encoding="utf-8") as handle:
        curated = [r for r in csv.DictReader(handle) if not options.only or r["input"] in options.only]
    work = Path(options.keep or tempfile.mkdtemp(prefix="papers-unseen-"))
    work.mkdir(parents=True, exist_ok=True)
    ids_file = work / "ids.txt"
    ids_file.write_text("".join(f"{doi}\n" for doi in dict.fromkeys(r["input"] for r in curated)), encoding="utf-8")
    db = f"sqlite:///{work / 'staging.db'}"
    (work / "staging.db").unlink(missing_ok=True)
    env = {**os.environ, "STAGING_DB_URL": db, "MEDIA_STORE": str(work / "media")}
    mirror = Mirror([papers.name], fixtures=papers.parent)
    mirror.start()
    try:
        cpu = crawl(mirror, env, ids_file)
    finally:
        mirror.stop()
    staged = staged_images(db)
    right, wrong, extra = score(curated, staged)
    total = len(curated)
    print(f"papers never seen: {len(set(r['input'] for r in curated))} papers, {total} curator rows, "
          f"{len(staged)} images staged; crawl {cpu:.1f} s CPU (load average {os.getloadavg()[0]:.1f})")
    print(f"{'':10} {'right':>5} {'of':>3} {'share':>6} target")
    for name in ("found", *FIELDS):
        target = TARGETS.get(name)
        verdict = "" if target is None else (f">= {target}: {'met' if right[name] / total >= target else 'NOT met'}")
        print(f"{name:10} {right[name]:5d} {total:3d} {right[name] / total:6.3f} {verdict}")
    for line in wrong:
        print(f"  {line}")
    for image in extra:
        where = f"{image.figure_url.rsplit('/', 1)[-1]}#{image.panel}"
        print(f"  EXTRA {where} {json.dumps(image.values, sort_keys=True)}")
    if options.rows:
        with options.rows.open("w", newline="", encoding="utf-8") as handle:
            out = csv.writer(handle)
            out.writerow(["figure_url", "panel", *(f"{f}_{w}" for f in FIELDS for w in ("curator", "staged"))])
            for row in curated:
                hit = next((s for s in staged if names(row, s)), None)
                out.writerow([row["figure_url"], row["panel"],
                              *(v for f in FIELDS for v in (row[f], hit.values.get(f, "") if hit else ""))])


if __name__ == "__main__":
    main()
