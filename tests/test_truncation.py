"""ingest.truncation: a body cut short is recognised by the end its format must have."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image

from ingest.truncation import truncation_reason
from tests.conftest import jpeg_bytes, png_bytes

FIXTURES = Path(__file__).resolve().parent / "fixtures"
PAGES = sorted(p for p in FIXTURES.glob("*/*.html"))


def gif_bytes() -> bytes:
    out = io.BytesIO()
    Image.new("L", (40, 30), 128).save(out, "GIF")
    return out.getvalue()


def webp_bytes() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (1, 2, 3)).save(out, "WEBP")
    return out.getvalue()


@pytest.mark.parametrize("make,reason", [(png_bytes, "png-end"), (jpeg_bytes, "jpeg-end"), (gif_bytes, "gif-end"),
                                         (webp_bytes, "webp-size")])
def test_an_image_is_whole_and_its_first_part_is_not(make, reason):
    data = make()
    assert truncation_reason(data) is None
    assert truncation_reason(data[: len(data) * 2 // 3]) == reason


@pytest.mark.parametrize("page", PAGES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_fixture_page_is_whole_and_its_first_half_is_not(page):
    body = page.read_bytes()
    assert truncation_reason(body) is None
    assert truncation_reason(body[: len(body) // 2]) == "html-end"


def test_a_body_shorter_than_its_content_length_is_cut():
    assert truncation_reason(b"{}", content_length="120") == "content-length"
    assert truncation_reason(b"{}", content_length="2") is None
    # a content-encoded body was announced by its compressed length: not comparable
    assert truncation_reason(b"{}", content_length="120", content_encoding="gzip") is None


def test_a_pdf_needs_its_end_and_other_bodies_are_left_alone():
    assert truncation_reason(b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n%%EOF\n") is None
    assert truncation_reason(b"%PDF-1.7\n1 0 obj\n<<>>\n") == "pdf-end"
    assert truncation_reason(b'{"message": {"DOI": "10.1/x"}}') is None
    assert truncation_reason(b"<div>an HTML fragment, not a document</div>") is None
