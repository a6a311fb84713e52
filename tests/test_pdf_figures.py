"""PDF figure extraction on the generated papers (make_pdfs.py) against their expected JSON."""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path

import pytest
from PIL import Image

from ingest.pdf_figures import NotAPdf, extract_pdf_figures

FIXTURES = Path(__file__).parent / "fixtures" / "publications"
sys.path.insert(0, str(FIXTURES))
from make_pdfs import build  # noqa: E402

EXPECTED = {p.name.replace(".expected.json", ""): json.loads(p.read_text())
            for p in sorted(FIXTURES.glob("paper*.expected.json"))}


@pytest.fixture(scope="module")
def extracted(tmp_path_factory):
    pdfs = build(tmp_path_factory.mktemp("pdfs"))
    return {name: extract_pdf_figures(data) for name, data in pdfs.items()}


def _iou(a, b):
    ix = max(0.0, min(a[2], b[2]) - max(a[0], b[0]))
    iy = max(0.0, min(a[3], b[3]) - max(a[1], b[1]))
    inter = ix * iy
    union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter
    return inter / union if union else 0.0


CASES = [(name, i) for name, e in EXPECTED.items() for i in range(len(e["figures"]))]


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_figure_numbers(name, extracted):
    assert [f.number for f in extracted[name]] == [f["number"] for f in EXPECTED[name]["figures"]]


@pytest.mark.parametrize("name,i", CASES)
def test_page(name, i, extracted):
    assert extracted[name][i].page == EXPECTED[name]["figures"][i]["page"]


@pytest.mark.parametrize("name,i", CASES)
def test_bbox_iou(name, i, extracted):
    assert _iou(extracted[name][i].bbox, EXPECTED[name]["figures"][i]["bbox"]) >= 0.95


@pytest.mark.parametrize("name,i", CASES)
def test_caption_start(name, i, extracted):
    assert extracted[name][i].caption.startswith(EXPECTED[name]["figures"][i]["caption_start"])


@pytest.mark.parametrize("name,i", CASES)
def test_panel_letters(name, i, extracted):
    assert extracted[name][i].panel_letters == EXPECTED[name]["figures"][i]["panel_letters"]


@pytest.mark.parametrize("name,i", CASES)
def test_image_is_png_at_native_resolution(name, i, extracted):
    figure = extracted[name][i]
    image = Image.open(io.BytesIO(figure.image_bytes))
    assert image.format == "PNG"
    width_pt = figure.bbox[2] - figure.bbox[0]
    assert image.width / width_pt > 1.4  # ~100 dpi or more: native pixels, not a 72 dpi render


def test_caption_continues_in_next_column(extracted):
    figure = extracted["paper2_caption_continues"][0]
    assert figure.extra["caption_continues"] is True
    assert figure.caption.endswith("confermata dal tampone rinofaringeo.")


def test_in_text_reference_is_not_a_caption(extracted):
    assert [f.number for f in extracted["paper1_two_column"]] == [1, 2]


def test_scanned_page_figure_is_cropped_from_the_scan(extracted):
    figure = extracted["paper3_scanned"][0]
    assert figure.extra["scanned"] is True


@pytest.mark.parametrize("body", [b"<!DOCTYPE html><html>reCAPTCHA</html>", b"", b"\x89PNG\r\n"])
def test_not_a_pdf_is_rejected(body):
    with pytest.raises(NotAPdf):
        extract_pdf_figures(body)
