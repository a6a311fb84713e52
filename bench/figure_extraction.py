"""Score PDF figure extraction and panel splitting on the generated papers.

    .venv/bin/python bench/figure_extraction.py

Figures are scored the way pdffigures2 is: a prediction is a true positive when it is on the same
page, has the same figure number and its box overlaps the truth with IoU >= 0.8. Panels: for each
true figure matched, a split is correct when it has the expected panel count and every panel box
overlaps its true box with IoU >= 0.8 (boxes compared as fractions of the figure); a split marked
unreliable counts as a prediction only when it claims more than one panel. Targets: figure
precision and recall >= 0.9, panel precision >= 0.85.
"""

from __future__ import annotations

import io
import json
import sys
import tempfile
from pathlib import Path

from PIL import Image

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures" / "publications"
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(FIXTURES))

from make_pdfs import build  # noqa: E402

from ingest.panels import split_panels  # noqa: E402
from ingest.pdf_figures import extract_pdf_figures  # noqa: E402


def iou(a, b) -> float:
    ix = max(0.0, min(a[2], b[2]) - max(a[0], b[0]))
    iy = max(0.0, min(a[3], b[3]) - max(a[1], b[1]))
    inter = ix * iy
    union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter
    return inter / union if union > 0 else 0.0


def main() -> None:
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
                    print(f"  panel miss {name} fig {figure.number}: {len(boxes)} panels, expected {expected_panels['count']}")
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


if __name__ == "__main__":
    main()
