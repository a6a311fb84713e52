"""What a release says about itself: a CHANGELOG entry, a manifest, and a report with pictures.

- ``CHANGELOG.md``: the new entry on top of the earlier ones: rows added (with their patient ids
  and files), changed (always none: released rows are written byte for byte) and removed, each
  with its reason (a license subset leaves rows out).
- ``manifest.json``: counts, the funnel, the SHA-256 of every file, the rows added and removed,
  the conversions made, gate failures (of a preview) and the dataset's pre-existing defects.
- ``report/index.html``: bar charts of images per source, finding, view and license (new rows
  over all rows), an age histogram, the funnel from fetched to exported, and thumbnails of the
  new images; PNG charts drawn with matplotlib (Agg backend, no display needed).
"""

from __future__ import annotations

import html
import json
from collections import Counter
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import urlsplit

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from PIL import Image  # noqa: E402

from exports.schema import FOLDER_IMAGES, parse_cell  # noqa: E402

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
    now = datetime.now(timezone.utc)
    (target / "CHANGELOG.md").write_text(changelog(plan, now, previous_changelog), encoding="utf-8")
    (target / "manifest.json").write_text(json.dumps(manifest(plan, shas, counts, now), indent=1, ensure_ascii=False) + "\n",
                                          encoding="utf-8")
    write_report(target / "report", plan, counts, new_files)


# --- CHANGELOG -----------------------------------------------------------------------------------


def changelog(plan, now: datetime, previous: Path | None) -> str:
    title = "# Changelog\n\n"
    lines = [f"## {plan.name} ({now:%Y-%m-%d})", ""]
    if plan.preview:
        lines += ["Preview of staged cases: placeholder patient ids (`staged-<case id>`), not a release.", ""]
    new_ids = sorted({r.cells["patientid"] for r in plan.new}, key=lambda p: (len(p), p))
    lines.append(f"- rows added: {len(plan.new)}" + (f" (patients {new_ids[0]} to {new_ids[-1]}, {len(new_ids)} new)" if new_ids else ""))
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
            parts.append(f"{len(new_annotations.severity)} severity row(s) appended to annotations/covid-severity-scores.csv")
        if new_annotations.masks:
            parts.append(f"{len(new_annotations.masks)} mask(s)")
        if new_annotations.coco_path:
            parts.append(f"boxes in {new_annotations.coco_path}")
        lines.append(f"- reviewers' annotations written: {'; '.join(parts)} (licences in the files)")
    converted = [r for r in plan.new if r.file is not None and r.file.converted]
    if converted:
        lines.append(f"- images converted to 8-bit PNG: {len(converted)} (sources kept in the media store; steps in manifest.json)")
    if plan.new:
        lines += ["", "### Added", ""]
        for row in plan.new[:MAX_CHANGELOG_LINES]:
            lines.append(f"- `{row.filename}`: patient {row.cells['patientid']}, {row.cells.get('finding')}, "
                         f"{row.cells.get('view') or 'no view'}, {row.cells.get('license') or 'no license'}, {row.cells.get('url')}")
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
        "licenses": list(plan.licenses) if plan.licenses is not None else None,
        "files": dict(sorted(shas.items())),
        "added": [{"patientid": r.cells["patientid"], "filename": r.filename, "folder": r.folder,
                   "case": f"{r.source}/{r.source_key}", "image_id": r.image_id, "license": r.cells.get("license"),
                   "sha256": r.file.sha256 if r.file else None} for r in plan.new],
        "removed": [{"filename": r.filename, "patientid": r.patientid, "reason": reason} for r, reason in plan.removed],
        "left_out": [{"filename": r.filename, "case": f"{r.source}/{r.source_key}", "reason": reason} for r, reason in plan.left_out],
        "conversions": {r.filename: r.file.record() for r in plan.new if r.file is not None and r.file.converted},
        "gate_failures": [f.render() for f in plan.failures],
        "preexisting_defects": dict(sorted(preexisting.items())),
    }


# --- report with pictures ------------------------------------------------------------------------


def _bar_chart(path: Path, title: str, all_counts: Counter, new_counts: Counter) -> None:
    keys = [k for k, _ in all_counts.most_common()]
    if len(keys) > MAX_BARS:
        keep = keys[:MAX_BARS - 1]
        other_all = sum(all_counts[k] for k in keys[MAX_BARS - 1:])
        other_new = sum(new_counts[k] for k in keys[MAX_BARS - 1:])
        all_counts = Counter({k: all_counts[k] for k in keep}, other=other_all)
        new_counts = Counter({k: new_counts[k] for k in keep}, other=other_new)
        keys = keep + ["other"]
    keys = list(reversed(keys))
    fig, ax = plt.subplots(figsize=(7, 0.35 * max(len(keys), 3) + 1.2), dpi=90)
    ax.barh(keys, [all_counts[k] for k in keys], color="#c9d6e3", label="all rows")
    ax.barh(keys, [new_counts[k] for k in keys], color="#2b6cb0", label="new in this release")
    ax.set_title(title)
    ax.set_xlabel("images")
    ax.legend(loc="lower right", fontsize=8)
    fig.tight_layout()
    fig.savefig(path, format="png", metadata={"Software": None})
    plt.close(fig)


def _age_histogram(path: Path, all_ages: list[float], new_ages: list[float]) -> None:
    fig, ax = plt.subplots(figsize=(7, 3.2), dpi=90)
    bins = list(range(0, 110, 5))
    ax.hist(all_ages, bins=bins, color="#c9d6e3", label=f"all rows ({len(all_ages)} with an age)")
    ax.hist(new_ages, bins=bins, color="#2b6cb0", label=f"new ({len(new_ages)} with an age)")
    ax.axvline(18, color="#c53030", linestyle="--", linewidth=1, label="18 (adults only)")
    ax.set_title("Age")
    ax.set_xlabel("years")
    ax.set_ylabel("images")
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, format="png", metadata={"Software": None})
    plt.close(fig)


def _funnel_chart(path: Path, funnel: dict[str, int]) -> None:
    steps = list(funnel)
    fig, ax = plt.subplots(figsize=(7, 3.2), dpi=90)
    ax.barh(list(reversed(steps)), [funnel[s] for s in reversed(steps)], color="#2f855a")
    for i, s in enumerate(reversed(steps)):
        ax.text(funnel[s], i, f" {funnel[s]}", va="center", fontsize=8)
    ax.set_title("Funnel: images from fetched to exported")
    fig.tight_layout()
    fig.savefig(path, format="png", metadata={"Software": None})
    plt.close(fig)


def _table(counter: Counter, new: Counter) -> str:
    rows = "".join(f"<tr><td>{html.escape(str(k))}</td><td>{v}</td><td>{new.get(k, 0)}</td></tr>" for k, v in counter.most_common())
    return f"<table><tr><th></th><th>all</th><th>new</th></tr>{rows}</table>"


def write_report(directory: Path, plan, counts: dict, new_files: Path) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    all_cells = [r.cells or {} for r in plan.base] + [r.cells for r in plan.new]
    new_cells = [r.cells for r in plan.new]

    def count(cells, key) -> Counter:
        if key == "source":
            return Counter(source_of(c.get("url", "")) for c in cells)
        return Counter((c.get(key, "") or "").strip() or "(blank)" for c in cells)

    sections = []
    for key, title in (("source", "Images per source"), ("finding", "Images per finding"),
                       ("view", "Images per view"), ("license", "Images per license")):
        all_c, new_c = count(all_cells, key), count(new_cells, key)
        _bar_chart(directory / f"{key}.png", title, all_c, new_c)
        sections.append(f"<h2>{title}</h2><img src='{key}.png' alt='{title}'>{_table(all_c, new_c)}")

    def ages(cells) -> list[float]:
        out = []
        for c in cells:
            value = parse_cell("age", c.get("age", "")).value
            if value is not None:
                out.append(float(value))
        return out

    _age_histogram(directory / "age.png", ages(all_cells), ages(new_cells))
    sections.append("<h2>Age</h2><img src='age.png' alt='age histogram'>")
    _funnel_chart(directory / "funnel.png", plan.funnel)
    sections.append("<h2>Funnel</h2><img src='funnel.png' alt='funnel'>" + "<table>" + "".join(
        f"<tr><td>{html.escape(k)}</td><td>{v}</td></tr>" for k, v in plan.funnel.items()) + "</table>")

    thumbs = directory / "thumbs"
    thumbs.mkdir(exist_ok=True)
    figures = []
    shown = [r for r in plan.new if r.file is not None and r.folder == FOLDER_IMAGES][:MAX_THUMBNAILS]
    for row in shown:
        source = new_files / row.folder / row.filename
        name = f"{row.filename}.png"
        with Image.open(source) as img:
            img.thumbnail((THUMBNAIL_SIZE, THUMBNAIL_SIZE))
            img.convert("L" if img.mode == "L" else "RGB").save(thumbs / name, "PNG")
        caption = f"{row.filename}<br>patient {row.cells['patientid']}, {row.cells.get('view') or 'no view'}<br>{row.cells.get('finding')}"
        figures.append(f"<figure><img src='thumbs/{html.escape(name)}' alt=''><figcaption>{html.escape(caption).replace('&lt;br&gt;', '<br>')}</figcaption></figure>")
    more = sum(1 for r in plan.new if r.folder == FOLDER_IMAGES) - len(shown)
    sections.append(f"<h2>New images ({len(plan.new)} rows)</h2><div class='thumbs'>{''.join(figures)}</div>"
                    + (f"<p>... and {more} more (manifest.json lists every file).</p>" if more > 0 else ""))
    if getattr(plan, "annotated", None) is not None:
        sections.append(f"<h2>Annotations</h2><p>{html.escape(plan.annotated.sentence())}</p>")
    if plan.failures:
        sections.append("<h2>Gate failures</h2><ul>" + "".join(f"<li>{html.escape(f.render())}</li>" for f in plan.failures) + "</ul>")
    if plan.preexisting:
        pre = Counter(v.rule for v in plan.preexisting)
        sections.append("<h2>Defects already in the dataset (reported, not rewritten)</h2><table>" + "".join(
            f"<tr><td>{html.escape(k)}</td><td>{v}</td></tr>" for k, v in pre.most_common()) + "</table>")
    summary = "".join(f"<li>{html.escape(str(k))}: {html.escape(str(v))}</li>" for k, v in counts.items())
    page = f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Release {html.escape(plan.name)}</title>
<style>body{{font-family:sans-serif;max-width:1100px;margin:2em auto}}table{{border-collapse:collapse;margin:.5em 0 1.5em}}
td,th{{border:1px solid #ccc;padding:2px 8px}}.thumbs{{display:flex;flex-wrap:wrap;gap:8px}}
figure{{margin:0;width:170px;font-size:11px}}</style></head><body>
<h1>Release {html.escape(plan.name)}{' (preview of staged cases)' if plan.preview else ''}</h1>
<ul>{summary}</ul>
{''.join(sections)}
</body></html>
"""
    (directory / "index.html").write_text(page, encoding="utf-8")
