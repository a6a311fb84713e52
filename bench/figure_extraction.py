"""Score figure extraction, panel splitting and per-panel modality.

    .venv/bin/python bench/figure_extraction.py [--csv tests/fixtures/reference/pmc-figures.csv] [--radiographs] [-v]

Three parts:

1. PDF figures and their panels on the generated papers (tests/fixtures/publications/make_pdfs.py).
2. JATS/HTML compound figures of the mirror's papers (urls.json ``generate`` specs of kind
   ``figure``): panel boxes against where make_figures.py drew them.
3. Real figures: the curators' panel boxes and ct/cxr labels of NCBI's COVID-19-CT-CXR figures
   (``pmc-figures.csv``, real captions). The collection's pixels are not redistributed, so each
   figure is drawn again from its real layout (panels at the curators' boxes on white, a CT- or
   radiograph-like picture by the label, the panel letter in its corner) and split as the spider
   splits a fetched figure: as many panels as the caption letters, any number when it letters none.
   Panel count, panel boxes (a box is found when a predicted box overlaps it with IoU >= 0.8) and
   per-panel modality from the caption (the sub-caption's words, else what the caption says for
   every panel) are printed as precision and recall. Figures the curators did not box are skipped.

Figures are scored the way pdffigures2 is: a prediction is a true positive when it is on the same
page, has the same figure number and its box overlaps the truth with IoU >= 0.8. Panels: for each
true figure matched, a split is correct when it has the expected panel count and every panel box
overlaps its true box with IoU >= 0.8 (boxes compared as fractions of the figure); a split marked
unreliable counts as a prediction only when it claims more than one panel. Targets: figure
precision and recall >= 0.9, panel precision >= 0.85.
"""

from __future__ import annotations

import csv
import io
import json
import re
import sys
import tempfile
from pathlib import Path

from PIL import Image

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures" / "publications"
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(FIXTURES))

from make_figures import figure_from_boxes, grid_figure  # noqa: E402
from make_pdfs import build  # noqa: E402

from ingest.normalize.imaging import normalize_modality, normalize_view  # noqa: E402
from ingest.panel_positions import align_positions, positions_lead  # noqa: E402
from ingest.panels import caption_lead, parse_subcaptions, split_figure, split_panels  # noqa: E402
from ingest.papers import described  # noqa: E402
from ingest.pdf_figures import extract_pdf_figures  # noqa: E402

REAL_FIGURES = ROOT / "tests" / "fixtures" / "reference" / "pmc-figures.csv"
#: Hand-checked view and moment of some panels of REAL_FIGURES, written from the captions before the
#: code read them: ``view`` as the dataset writes it ("" when the caption states none, "?" not
#: scored), ``date`` the words naming the panel's moment ("|" between alternatives, "" none).
PANEL_FACTS = ROOT / "tests" / "fixtures" / "reference" / "panel-facts.csv"
MODALITY = {"CT": "CT", "X-ray": "X-ray"}


def iou(a, b) -> float:
    ix = max(0.0, min(a[2], b[2]) - max(a[0], b[0]))
    iy = max(0.0, min(a[3], b[3]) - max(a[1], b[1]))
    inter = ix * iy
    union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter
    return inter / union if union > 0 else 0.0


def pdf_part() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        pdfs = build(Path(tmp))
    tp = fp = fn = 0
    panel_tp = panel_predicted = panel_truth = 0
    for expected_file in sorted(FIXTURES.glob("paper*.expected.json")):
        truth = json.loads(expected_file.read_text())["figures"]
        name = expected_file.name.replace(".expected.json", "")
        predicted = extract_pdf_figures(pdfs[name])
        unmatched = list(truth)
        for figure in predicted:
            match = next((t for t in unmatched if t["page"] == figure.page and t["number"] == figure.number
                          and iou(figure.bbox, t["bbox"]) >= 0.8), None)
            if match is None:
                fp += 1
                print(f"  FP {name} fig {figure.number} p{figure.page} {figure.bbox}")
                continue
            tp += 1
            unmatched.remove(match)
            expected_panels = match["panels"]
            split = split_panels(figure.image_bytes, expected=len(figure.panel_letters) or None)
            image = Image.open(io.BytesIO(figure.image_bytes))
            claims = split.reliable and len(split.panels) > 1
            if expected_panels["reliable"] and expected_panels["count"] > 1:
                panel_truth += 1
            if claims:
                panel_predicted += 1
                boxes = [(p.box[0] / image.width, p.box[1] / image.height, p.box[2] / image.width,
                          p.box[3] / image.height) for p in split.panels]
                ok = (expected_panels["reliable"] and len(boxes) == expected_panels["count"]
                      and all(iou(b, t) >= 0.8 for b, t in zip(boxes, expected_panels["boxes"])))
                panel_tp += ok
                if not ok:
                    print(f"  panel miss {name} fig {figure.number}: {len(boxes)} panels, "
                          f"expected {expected_panels['count']}")
        for t in unmatched:
            fn += 1
            print(f"  FN {name} fig {t['number']} p{t['page']}")
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    panel_precision = panel_tp / panel_predicted if panel_predicted else 0.0
    panel_recall = panel_tp / panel_truth if panel_truth else 0.0
    print(f"figures: tp={tp} fp={fp} fn={fn} precision={precision:.3f} recall={recall:.3f}")
    print(f"panels: correct={panel_tp} predicted={panel_predicted} truth={panel_truth} "
          f"precision={panel_precision:.3f} recall={panel_recall:.3f}")


def _png(array) -> bytes:
    out = io.BytesIO()
    Image.fromarray(array).save(out, format="PNG")
    return out.getvalue()


def _match(predicted: list, truth: list) -> list[tuple[int, int]]:
    """Greedy one-to-one pairs (predicted index, truth index) with IoU >= 0.8, best first."""
    pairs = sorted(((iou(p, t), i, j) for i, p in enumerate(predicted) for j, t in enumerate(truth)), reverse=True)
    used_p, used_t, matched = set(), set(), []
    for score, i, j in pairs:
        if score >= 0.8 and i not in used_p and j not in used_t:
            used_p.add(i)
            used_t.add(j)
            matched.append((i, j))
    return matched


def _predicted_boxes(image_bytes: bytes, caption: str) -> list:
    split = split_figure(image_bytes, len(parse_subcaptions(caption)))
    if split.reliable:
        return [p.box for p in split.panels]
    return [(0, 0, split.width, split.height)]  # the whole figure, flagged


def _panel_modality(caption: str, index: int, panels: int = 1) -> str | None:
    """The modality the pipeline gives the index-th panel (reading order), read as
    ``ingest.case_fields._image_modality`` reads a paper's image: the modality words
    ``papers.described`` picked (the panel's own text, the caption's lead, the whole caption),
    blank when the panel's own words name another; without such words, the panel's own text as a
    figure caption (CT's signs without a modality word say CT)."""
    letters = parse_subcaptions(caption)
    texts = list(letters.values())
    own = (texts[index] if index < len(texts) else "") if letters else caption
    chosen = described(own, caption_lead(caption) if letters else caption, caption,
                       own=texts.count(own) == 1 if letters else panels == 1)["modality_text"]
    if not chosen:
        return normalize_modality(own, figure_caption=True).value if own.strip() else None
    value = normalize_modality(chosen).value
    by_words = normalize_modality(own).value if own.strip() and own != chosen else None
    return None if by_words is not None and by_words != value else value


def _placed_modality(caption: str, own: str) -> str | None:
    """The modality of a panel given its place's words (``panel_positions.align_positions``)."""
    chosen = described(own, positions_lead(caption), caption)["modality_text"]
    return normalize_modality(chosen).value if chosen else None


def _report(name: str, correct: int, predicted: int, truth: int) -> None:
    precision = correct / predicted if predicted else 0.0
    recall = correct / truth if truth else 0.0
    print(f"{name}: correct={correct} predicted={predicted} truth={truth} precision={precision:.3f} "
          f"recall={recall:.3f}")


def fixture_part() -> None:
    urls = json.loads((FIXTURES / "urls.json").read_text())
    correct = predicted = truth = 0
    for _url, entry in sorted(urls.items()):
        spec = entry.get("generate") or {}
        if spec.get("kind") != "figure":
            continue
        array, boxes = grid_figure(spec["panels"], spec["cols"], spec["panel_width"], spec["panel_height"],
                                   spec.get("gutter", 10), spec.get("letters", ""), spec["seed"],
                                   spec.get("background", 255))
        split = split_panels(_png(array), len(boxes))
        found = [p.box for p in split.panels] if split.reliable else [(0, 0, split.width, split.height)]
        correct += len(_match(found, boxes))
        predicted += len(found)
        truth += len(boxes)
    _report("JATS/HTML fixture panel boxes", correct, predicted, truth)


# The caption letters its panels ("(A)", "a,", "B:", "(a-c)", "Panel A", "2A", "A and B"), so the
# figure draws them: independent of ingest.panels' parser on purpose (the bench must not draw
# letters exactly where the parser under test reads them).
_LETTERED = re.compile(r"\([a-hA-H](?:[)\s,–-]|$)|(?:^|[.;:]\s)[A-Ha-h][,:.]?\s|\bpanels?\s+[A-Ha-h]\b|\b\d[A-Ha-h]\b"
                       r"|\b[A-H]\s+and\s+[A-H]\b")


def _draw_real(row: dict, n: int):
    """The figure drawn again at the curators' boxes: a CT- or radiograph-like picture by their
    label, and white letters in the panels' corners only when the caption letters panels (an
    unlettered caption usually has an unlettered figure)."""
    panels = json.loads(row["panels"])
    boxes = [tuple(p["box"]) for p in panels]
    # --radiographs: every panel drawn as a radiograph (a grey body on a dark surround, no black CT
    # frame), the harder case of panels touching without a gutter.
    kinds = ["xray" if "--radiographs" in sys.argv or p["modality"] != "CT" else "ct" for p in panels]
    letters = "abcdefghijklmnop" if _LETTERED.search(row["caption"].strip()) else ""
    return figure_from_boxes(boxes, kinds, seed=1000 + n, letters=letters), boxes, panels


def _score_row(row: dict, n: int) -> dict:
    image, boxes, panels = _draw_real(row, n)
    found = _predicted_boxes(_png(image), row["caption"])
    matched = _match(found, boxes)
    score = {"count_ok": len(found) == len(boxes), "correct": len(matched), "predicted": len(found),
             "truth": len(boxes), "mod_correct": 0, "mod_predicted": 0, "mod_truth": len(boxes)}
    order = sorted(range(len(found)), key=lambda i: (found[i][1] // 40, found[i][0]))
    # Unlettered panels named by place ("Left: chest radiograph. Right: CT"), as papers._images_for reads them.
    placed = align_positions(row["caption"], found) if not parse_subcaptions(row["caption"]) else []
    for i, j in matched:
        value = (_placed_modality(row["caption"], placed[i]) if placed
                 else _panel_modality(row["caption"], order.index(i), len(found)))
        if value is not None:
            score["mod_predicted"] += 1
            score["mod_correct"] += value == MODALITY.get(panels[j]["modality"])
    score["miss"] = (f"  {row['pmcid']} {row['figure']}: {len(matched)}/{len(boxes)} boxes, {len(found)} predicted"
                     if len(matched) < len(boxes) else "")
    return score


def _real_report(name: str, scores: list[dict]) -> None:
    total = {k: sum(s[k] for s in scores) for k in scores[0] if k != "miss"}
    print(f"{name}: {len(scores)} figures, {total['truth']} panels; panel count right: "
          f"{total['count_ok']}/{len(scores)} = {total['count_ok'] / len(scores):.3f}")
    _report("  panel boxes (IoU >= 0.8)", total["correct"], total["predicted"], total["truth"])
    _report("  per-panel modality", total["mod_correct"], total["mod_predicted"], total["mod_truth"])


def real_part(path: Path) -> None:
    """Scored on the whole file, then on its even and odd data rows (0-based) apart: rules were
    developed on the even rows, so the odd rows tell whether the gains hold on figures not looked at."""
    every = list(csv.DictReader(path.open(encoding="utf-8")))
    rows = [(i, r) for i, r in enumerate(every) if json.loads(r["panels"])]
    scores = [(i, _score_row(r, n)) for n, (i, r) in enumerate(rows)]
    _real_report(f"real figures ({path.name})", [s for _, s in scores])
    _real_report("  even rows (developed on)", [s for i, s in scores if i % 2 == 0])
    _real_report("  odd rows (held out)", [s for i, s in scores if i % 2 == 1])
    if "-v" in sys.argv:
        print("\n".join(s["miss"] for _, s in scores if s["miss"]))


def _panel_facts(caption: str, letter: str) -> tuple[str, str] | None:
    """(view, date words) the pipeline gives the lettered panel, read as ``papers._images_for``
    reads them; None when the caption's letters do not give that panel."""
    letters = parse_subcaptions(caption)
    if letter not in letters:
        return None
    text = letters[letter]
    said = described(text, caption_lead(caption), caption, own=list(letters.values()).count(text) == 1,
                     letter=letter)
    modality = normalize_modality(said["modality_text"]).value if said["modality_text"] else None
    view = normalize_view(said["view_text"], modality).value if said["view_text"] else None
    return view or "", said["date_text"].lower()


def _fact_scores(facts: list[dict], rows: list[dict]) -> dict[str, list[int]]:
    """Per kind: [right, stated by the hand list (scored), given wrong]."""
    score = {"view": [0, 0, 0], "date": [0, 0, 0]}
    for fact in facts:
        got = _panel_facts(rows[int(fact["row"])]["caption"], fact["panel"])
        for kind, value in (("view", got[0] if got else None), ("date", got[1] if got else None)):
            expected = fact[kind]
            if expected == "?":
                continue
            score[kind][1] += 1
            if kind == "view":
                right = value == expected
            else:
                right = value == "" if expected == "" else value is not None and any(
                    key in value for key in expected.split("|"))
            score[kind][0] += right
            score[kind][2] += (not right) and bool(value)
            if not right and "-v" in sys.argv:
                print(f"    {kind} row {fact['row']} {fact['pmcid']} {fact['figure']} {fact['panel']}: "
                      f"{value!r}, hand list {expected!r}")
    return score


def facts_part(path: Path, facts_path: Path) -> None:
    """Per-panel view and moment words against the hand-checked list, even and odd rows apart."""
    rows = list(csv.DictReader(path.open(encoding="utf-8")))
    facts = list(csv.DictReader(facts_path.open(encoding="utf-8")))
    for name, half in (("even rows (developed on)", 0), ("odd rows (held out)", 1)):
        score = _fact_scores([f for f in facts if int(f["row"]) % 2 == half], rows)
        print(f"per-panel facts, {name}: " + "; ".join(
            f"{kind} right {right}/{stated} = {right / stated:.3f} ({wrong} given wrong)"
            for kind, (right, stated, wrong) in score.items()))


def main() -> None:
    pdf_part()
    fixture_part()
    csv_path = Path(sys.argv[sys.argv.index("--csv") + 1]) if "--csv" in sys.argv else REAL_FIGURES
    if csv_path.is_file():
        real_part(csv_path)
        facts_part(csv_path, PANEL_FACTS)
    else:
        print(f"real figures: {csv_path} not found (give --csv PATH)")


if __name__ == "__main__":
    main()
