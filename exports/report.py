"""What a release says about itself: a CHANGELOG entry, a manifest, and a report with pictures.

- ``CHANGELOG.md``: the new entry on top of the earlier ones: rows added (with their patient ids
  and files), changed (always none: released rows are written byte for byte) and removed, each
  with its reason (a license subset leaves rows out).
- ``manifest.json``: counts, the funnel, the SHA-256 of every file, the rows added and removed,
  the conversions made, gate failures (of a preview) and the dataset's pre-existing defects.
- ``report/index.html``: the key figures; then what is new in this release (new rows per source,
  finding, view and license, the funnel from fetched to released in cases and images side by
  side, thumbnails of the new images with their case and license); then the dataset as a whole
  (all rows per source, finding, view and license with the new ones marked, an age histogram, the
  defects already in it); PNG charts drawn with matplotlib (Agg backend, no display needed).
"""

from __future__ import annotations

import functools
import html
import json
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

from PIL import Image

from media.convert import preview
from schema import FOLDER_IMAGES, parse_cell

#: Thumbnails shown in the report (a 10,000-image release lists the rest in the manifest).
MAX_THUMBNAILS = 120
THUMBNAIL_SIZE = 160
#: Rows listed one by one in a CHANGELOG entry; the manifest lists them all.
MAX_CHANGELOG_LINES = 200
#: Bars per chart; the rest are summed as "other".
MAX_BARS = 20


def source_of(url: str) -> str:
    host = urlsplit(url.strip()).hostname or ""
    return host[4:] if host.startswith("www.") else (host or "unknown")


def write_artefacts(target: Path, plan, shas: dict[str, str], counts: dict, *, new_files: Path,
                    previous_changelog: Path | None = None) -> None:
    now = datetime.now(UTC)
    (target / "CHANGELOG.md").write_text(changelog(plan, now, previous_changelog), encoding="utf-8")
    (target / "manifest.json").write_text(
        json.dumps(manifest(plan, shas, counts, now), indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    write_report(target / "report", plan, counts, new_files)


# --- CHANGELOG -----------------------------------------------------------------------------------


def changelog(plan, now: datetime, previous: Path | None) -> str:
    title = "# Changelog\n\n"
    lines = [f"## {plan.name} ({now:%Y-%m-%d})", ""]
    if plan.preview:
        lines += ["Preview of staged cases: placeholder patient ids (`staged-<case id>`), not a release.", ""]
    new_ids = sorted({r.cells["patientid"] for r in plan.new}, key=lambda p: (len(p), p))
    lines.append(f"- rows added: {len(plan.new)}"
                 + (f" (patients {new_ids[0]} to {new_ids[-1]}, {len(new_ids)} new)" if new_ids else ""))
    lines.append("- rows changed: 0 (released rows are written byte for byte)")
    lines.append(f"- rows removed: {len(plan.removed)}")
    if plan.licenses is not None:
        lines.append(f"- license subset: {', '.join(plan.licenses)}")
    if getattr(plan, "annotated", None) is not None:
        lines.append(f"- {plan.annotated.sentence()}")
    new_annotations = getattr(plan, "new_annotations", None)
    if new_annotations is not None and not new_annotations.empty:
        parts = []
        if new_annotations.severity:
            parts.append(f"{len(new_annotations.severity)} severity row(s) appended to "
                         "annotations/covid-severity-scores.csv")
        if new_annotations.masks:
            parts.append(f"{len(new_annotations.masks)} mask(s)")
        if new_annotations.coco_path:
            parts.append(f"boxes in {new_annotations.coco_path}")
        lines.append(f"- reviewers' annotations written: {'; '.join(parts)} (licences in the files)")
    converted = [r for r in plan.new if r.file is not None and r.file.converted]
    if converted:
        lines.append(f"- images converted to 8-bit PNG: {len(converted)} "
                     "(sources kept in the media store; steps in manifest.json)")
    if plan.new:
        lines += ["", "### Added", ""]
        for row in plan.new[:MAX_CHANGELOG_LINES]:
            lines.append(f"- `{row.filename}`: patient {row.cells['patientid']}, {row.cells.get('finding')}, "
                         f"{row.cells.get('view') or 'no view'}, {row.cells.get('license') or 'no license'}, "
                         f"{row.cells.get('url')}")
        if len(plan.new) > MAX_CHANGELOG_LINES:
            lines.append(f"- ... and {len(plan.new) - MAX_CHANGELOG_LINES} more (manifest.json lists every row)")
    if plan.removed:
        lines += ["", "### Removed", ""]
        reasons = Counter(reason for _, reason in plan.removed)
        for reason, n in reasons.most_common():
            lines.append(f"- {n} row(s): {reason}")
        for row, reason in plan.removed[:MAX_CHANGELOG_LINES]:
            lines.append(f"  - `{row.filename}` (patient {row.patientid}): {reason}")
        if len(plan.removed) > MAX_CHANGELOG_LINES:
            lines.append(f"  - ... and {len(plan.removed) - MAX_CHANGELOG_LINES} more (manifest.json lists every row)")
    entry = "\n".join(lines) + "\n"
    rest = ""
    if previous is not None and previous.is_file():
        text = previous.read_text(encoding="utf-8")
        rest = text[len(title):] if text.startswith(title) else text
        rest = "\n" + rest.lstrip("\n")
    return title + entry + rest


# --- manifest ------------------------------------------------------------------------------------


def manifest(plan, shas: dict[str, str], counts: dict, now: datetime) -> dict:
    preexisting = Counter(v.rule for v in plan.preexisting)
    return {
        "name": plan.name,
        "created_at": now.isoformat(timespec="seconds"),
        "state": plan.state,
        "counts": counts,
        "funnel": plan.funnel,
        "funnel_cases": plan.funnel_cases,
        "licenses": list(plan.licenses) if plan.licenses is not None else None,
        "files": dict(sorted(shas.items())),
        "added": [{"patientid": r.cells["patientid"], "filename": r.filename, "folder": r.folder,
                   "case": f"{r.source}/{r.source_key}", "image_id": r.image_id, "license": r.cells.get("license"),
                   "sha256": r.file.sha256 if r.file else None} for r in plan.new],
        "removed": [{"filename": r.filename, "patientid": r.patientid, "reason": reason}
                    for r, reason in plan.removed],
        "left_out": [{"filename": r.filename, "case": f"{r.source}/{r.source_key}", "reason": reason}
                     for r, reason in plan.left_out],
        "conversions": {r.filename: r.file.record() for r in plan.new if r.file is not None and r.file.converted},
        "gate_failures": [f.render() for f in plan.failures],
        "preexisting_defects": dict(sorted(preexisting.items())),
    }


# --- report with pictures ------------------------------------------------------------------------

STYLE = ("""body{font-family:system-ui,sans-serif;max-width:1150px;margin:1.5em auto;color:#1d2126;padding:0 1em}
h1{margin-bottom:.2em}.lead{color:#444;margin-top:0}table{border-collapse:collapse;margin:.4em 0 1.2em;font-size:13px}
td,th{border:1px solid #ccc;padding:2px 8px;text-align:left}td.n,th.n{text-align:right}
.figures{display:grid;grid-template-columns:repeat(auto-fill,minmax(330px,1fr));gap:1em}
.figures figure{margin:0}.figures img{max-width:100%}section{margin-bottom:2em}
.thumbs{display:flex;flex-wrap:wrap;gap:8px}.thumbs figure{margin:0;width:170px;font-size:11px}
.new{background:#eef3fd;border:1px solid #c6d5f5;border-radius:6px;padding:.2em 1em 1em}
.keys{display:grid;grid-template-columns:repeat(auto-fill,minmax(200px,1fr));gap:.3em 1em;margin:.5em 0}
.keys div{background:#fff;border:1px solid #e3e3e3;border-radius:4px;padding:.2em .5em}"""
         """.keys dt{font-size:12px;color:#555}
.keys dd{margin:0;font-weight:600}""")
FUNNEL_LABELS = {"fetched": "fetched", "staged": "stored (usable image)", "deduplicated": "not a duplicate",
                 "license-passed": "license may leave staging", "approved": "approved by a reviewer",
                 "exported": "in this release"}
CATEGORIES = (("source", "source"), ("finding", "finding"), ("view", "view"), ("license", "license"))


@functools.cache
def _pyplot():
    """matplotlib's pyplot on the Agg backend, imported when the first chart is drawn: imported with
    this module, it cost every export 0.4 s of CPU on one core before anything else started (the
    forked check of the dataset's rows included), a refused release too, which draws no chart."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot

    return matplotlib.pyplot


def _bar_chart(path: Path, title: str, all_counts: Counter, new_counts: Counter | None = None) -> None:
    """Horizontal bars of ``all_counts``; ``new_counts`` drawn over them in a darker colour."""
    keys = [k for k, _ in all_counts.most_common()]
    if len(keys) > MAX_BARS:
        keep = keys[:MAX_BARS - 1]
        all_counts = Counter({k: all_counts[k] for k in keep}, other=sum(all_counts[k] for k in keys[MAX_BARS - 1:]))
        if new_counts is not None:
            new_counts = Counter({k: new_counts[k] for k in keep},
                                 other=sum(new_counts[k] for k in keys[MAX_BARS - 1:]))
        keys = keep + ["other"]
    keys = list(reversed(keys))
    fig, ax = _pyplot().subplots(figsize=(6, 0.32 * max(len(keys), 3) + 1.1), dpi=90)
    light = new_counts is not None
    ax.barh(keys, [all_counts[k] for k in keys], color="#c9d6e3" if light else "#2b6cb0",
            label="all rows" if light else None)
    if new_counts is not None:
        ax.barh(keys, [new_counts[k] for k in keys], color="#2b6cb0", label="new in this release")
        ax.legend(loc="lower right", fontsize=8)
    ax.set_title(title)
    ax.set_xlabel("images (rows)")
    fig.tight_layout()
    fig.savefig(path, format="png", metadata={"Software": None})
    _pyplot().close(fig)


def _age_histogram(path: Path, all_ages: list[float], new_ages: list[float]) -> None:
    fig, ax = _pyplot().subplots(figsize=(6, 3), dpi=90)
    bins = list(range(0, 110, 5))
    ax.hist(all_ages, bins=bins, color="#c9d6e3", label=f"all rows ({len(all_ages)} with an age)")
    ax.hist(new_ages, bins=bins, color="#2b6cb0", label=f"new ({len(new_ages)} with an age)")
    ax.axvline(18, color="#c53030", linestyle="--", linewidth=1, label="18 (adults only)")
    ax.set_title("Age")
    ax.set_xlabel("years")
    ax.set_ylabel("images (rows)")
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, format="png", metadata={"Software": None})
    _pyplot().close(fig)


def _funnel_chart(path: Path, images: dict[str, int], cases: dict[str, int]) -> None:
    """Each step with its cases and its images side by side, both counted in their own unit."""
    steps = list(images)
    y = range(len(steps))
    fig, ax = _pyplot().subplots(figsize=(6.5, 3.4), dpi=90)
    ax.barh([i + 0.2 for i in y], [cases.get(s, 0) for s in steps], height=0.38, color="#2f855a", label="cases")
    ax.barh([i - 0.2 for i in y], [images[s] for s in steps], height=0.38, color="#9ae6b4", label="images")
    for i, s in enumerate(steps):
        ax.text(cases.get(s, 0), i + 0.2, f" {cases.get(s, 0)}", va="center", fontsize=8)
        ax.text(images[s], i - 0.2, f" {images[s]}", va="center", fontsize=8)
    ax.set_yticks(list(y), [FUNNEL_LABELS.get(s, s) for s in steps])
    ax.invert_yaxis()
    ax.set_title("From fetched to released: cases and their images")
    ax.legend(fontsize=8, loc="lower right")
    fig.tight_layout()
    fig.savefig(path, format="png", metadata={"Software": None})
    _pyplot().close(fig)


def _count_table(counter: Counter, new: Counter | None = None) -> str:
    head = "<tr><th></th><th class=n>rows</th>" + ("<th class=n>new</th>" if new is not None else "") + "</tr>"
    rows = "".join(f"<tr><td>{html.escape(str(k))}</td><td class=n>{v}</td>"
                   + (f"<td class=n>{new.get(k, 0)}</td>" if new is not None else "") + "</tr>"
                   for k, v in counter.most_common())
    return f"<table>{head}{rows}</table>"


def _counter(cells: list[dict], key: str) -> Counter:
    if key == "source":
        return Counter(source_of(c.get("url", "")) for c in cells)
    return Counter((c.get(key, "") or "").strip() or "(blank)" for c in cells)


def _ages(cells: list[dict]) -> list[float]:
    return [float(v) for v in (parse_cell("age", c.get("age", "")).value for c in cells) if v is not None]


def license_subset_text(licenses) -> str:
    return "every license allowed to leave staging" if licenses is None else "only " + ", ".join(licenses)


def _key_figures(plan, counts: dict) -> str:
    new_cases = len({r.case_id for r in plan.new})
    rows = [("new rows (images)", counts.get("new_rows", len(plan.new))), ("new cases", new_cases),
            ("new patients", len({r.cells.get("patientid") for r in plan.new})),
            ("rows released before", counts.get("released_rows", len(plan.base))),
            ("rows in the dataset now", counts.get("rows", len(plan.base) + len(plan.new))),
            ("rows removed", counts.get("removed_rows", 0)), ("rows changed", counts.get("changed_rows", 0)),
            ("images converted to 8-bit PNG", counts.get("converted_files", 0)),
            ("approved images already released", counts.get("already_released", 0)),
            ("left out by the license subset", counts.get("left_out", 0)),
            ("license subset", license_subset_text(plan.licenses))]
    if plan.preview:
        rows.append(("gate failures (a release would be refused)", len(plan.failures)))
    return "<dl class=keys>" + "".join(f"<div><dt>{html.escape(k)}</dt><dd>{html.escape(str(v))}</dd></div>"
                                       for k, v in rows) + "</dl>"


def _funnel_table(plan) -> str:
    rows = "".join(f"<tr><td>{html.escape(FUNNEL_LABELS.get(step, step))}</td>"
                   f"<td class=n>{plan.funnel_cases.get(step, 0)}</td><td class=n>{n}</td></tr>"
                   for step, n in plan.funnel.items())
    return f"<table><tr><th>step</th><th class=n>cases</th><th class=n>images</th></tr>{rows}</table>"


def _thumbnails(directory: Path, plan, new_files: Path) -> str:
    thumbs = directory / "thumbs"
    thumbs.mkdir(exist_ok=True)
    images = [r for r in plan.new if r.file is not None and r.folder == FOLDER_IMAGES]
    figures = []
    for row in images[:MAX_THUMBNAILS]:
        name = f"{row.filename}.png"
        with Image.open(new_files / row.folder / row.filename) as img:
            # released files are 8-bit gray or RGB (media.convert.to_8bit): previewed as they are
            preview(img, (THUMBNAIL_SIZE, THUMBNAIL_SIZE)).save(thumbs / name, "PNG")
        lines = [row.filename, f"case {row.source} {row.source_key}, patient {row.cells['patientid']}",
                 f"{row.cells.get('view') or 'no view'}, {row.cells.get('finding') or 'no finding'}",
                 f"license: {row.cells.get('license') or 'unknown'}"]
        figures.append(f"<figure><img src='thumbs/{html.escape(name)}' alt='{html.escape(row.filename)}'>"
                       f"<figcaption>{'<br>'.join(html.escape(x) for x in lines)}</figcaption></figure>")
    more = len(images) - len(figures)
    return (f"<div class='thumbs'>{''.join(figures)}</div>"
            + (f"<p>... and {more} more (manifest.json lists every file).</p>" if more > 0 else ""))


def _new_section(directory: Path, plan, counts: dict, new_files: Path) -> str:
    new_cells = [r.cells for r in plan.new]
    figures = []
    for key, label in CATEGORIES:
        counter = _counter(new_cells, key)
        if counter:
            _bar_chart(directory / f"new-{key}.png", f"New rows per {label}", counter)
            figures.append(f"<figure><img src='new-{key}.png' alt='new rows per {label}'>"
                           f"{_count_table(counter)}</figure>")
    _funnel_chart(directory / "funnel.png", plan.funnel, plan.funnel_cases)
    return ("<section class=new id=new><h2>New in this release</h2>" + _key_figures(plan, counts)
            + (f"<div class=figures>{''.join(figures)}</div>" if figures else "<p>No new row.</p>")
            + "<h3>From fetched to released</h3>"
              "<div class=figures><figure><img src='funnel.png' alt='funnel'></figure>"
            + f"<figure>{_funnel_table(plan)}</figure></div>"
            + f"<h3>New images ({len(plan.new)} rows)</h3>{_thumbnails(directory, plan, new_files)}</section>")


def _dataset_section(directory: Path, plan) -> str:
    all_cells = [r.cells or {} for r in plan.base] + [r.cells for r in plan.new]
    new_cells = [r.cells for r in plan.new]
    figures = []
    for key, label in CATEGORIES:
        all_c, new_c = _counter(all_cells, key), _counter(new_cells, key)
        _bar_chart(directory / f"{key}.png", f"All rows per {label}", all_c, new_c)
        figures.append(f"<figure><img src='{key}.png' alt='all rows per {label}'>"
                       f"{_count_table(all_c, new_c)}</figure>")
    _age_histogram(directory / "age.png", _ages(all_cells), _ages(new_cells))
    figures.append("<figure><img src='age.png' alt='age histogram'></figure>")
    out = (f"<section id=dataset><h2>The dataset as a whole ({len(all_cells)} rows)</h2>"
           f"<div class=figures>{''.join(figures)}</div>")
    if plan.preexisting:
        pre = Counter(v.rule for v in plan.preexisting)
        out += ("<h3>Defects already in the dataset (reported, never rewritten)</h3><table>" + "".join(
            f"<tr><td>{html.escape(k)}</td><td class=n>{v}</td></tr>" for k, v in pre.most_common()) + "</table>")
    return out + "</section>"


def report_title(plan) -> str:
    return f"Preview of staged cases {plan.name}" if plan.preview else f"Release {plan.name}"


def write_report(directory: Path, plan, counts: dict, new_files: Path) -> None:
    """``report/index.html``: what is new first, then the dataset as a whole."""
    directory.mkdir(parents=True, exist_ok=True)
    sections = [_new_section(directory, plan, counts, new_files)]
    if getattr(plan, "annotated", None) is not None:
        sections.append("<section id=annotations><h2>Annotations</h2>"
                        f"<p>{html.escape(plan.annotated.sentence())}</p></section>")
    if plan.failures:
        sections.append(f"<section id=gates><h2>Gate failures ({len(plan.failures)})</h2><ul>"
                        + "".join(f"<li>{html.escape(f.render())}</li>" for f in plan.failures) + "</ul></section>")
    sections.append(_dataset_section(directory, plan))
    title = html.escape(report_title(plan))
    lead = (f"{datetime.now(UTC):%Y-%m-%d}: {len(plan.new)} new row(s) from "
            f"{len({r.case_id for r in plan.new})} case(s); {license_subset_text(plan.licenses)}")
    page = (f"<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>{title}</title>"
            f"<style>{STYLE}</style></head><body>\n<h1>{title}</h1><p class=lead>{html.escape(lead)}</p>\n"
            + "\n".join(sections) + "\n</body></html>\n")
    (directory / "index.html").write_text(page, encoding="utf-8")
