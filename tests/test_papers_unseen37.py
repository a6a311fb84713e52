"""The thirty-seventh blind batch of papers (tests/fixtures/papers_unseen37/), through the rules it broke on the
first crawl: the class of writing, not the batch's sentences."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.case_fields import normalize_image, record_timeline
from ingest.jats import parse_jats
from ingest.panels import parse_subcaptions
from ingest.papers import cases_from_article

UNSEEN37 = Path(__file__).parent / "fixtures" / "papers_unseen37"
FAMILY = "PMC7371022_efetch.xml"  # father, mother and son: one figure of their six CT panels


def _fields(name: str, replacements: dict[str, str] | None = None) -> dict[tuple[int | None, int], dict]:
    """(patient, image position) -> {field: value} of the batch's article ``name`` with ``replacements`` made."""
    xml = (UNSEEN37 / name).read_text(encoding="utf-8")
    for old, new in (replacements or {}).items():
        assert old in xml
        xml = xml.replace(old, new)
    out = {}
    for case in cases_from_article(parse_jats(xml.encode("utf-8"))):
        timeline = record_timeline(case)
        for image in case.images:
            out[(case.extra.get("patient_number"), image.position)] = {
                r.field: r.value for r in normalize_image(case, image, timeline=timeline)}
    return out


# --- planes tied to letters through the image's noun: "Axial images (A, C, E) and coronal reformatted images (B, D,
# F)" -----------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("caption, views", [
    ("Patient 1 (A-B), patient 2 (C-D) and patient 3 (E-F). Axial images (A, C, E) and coronal reformatted images "
     "(B, D, F) show GGOs.",
     {"a": "axial", "b": "coronal", "c": "axial", "d": "coronal", "e": "axial", "f": "coronal"}),
    ("Chest CT on day 5. Axial image (a) and coronal reconstruction (b) show bilateral GGO.",
     {"a": "axial", "b": "coronal"}),
    ("Chest radiographs at admission: posteroanterior view (a) and lateral view (b) show opacities.",
     {"a": "posteroanterior", "b": "lateral"}),
])
def test_a_plane_ties_its_letters_through_the_images_noun(caption, views):
    panels = parse_subcaptions(caption)
    for letter, view in views.items():
        assert view in panels[letter].lower()
        other = ({"axial", "coronal", "posteroanterior", "lateral"} - {view}) & set(views.values())
        assert not any(o in panels[letter].lower() for o in other)


def test_one_plane_tied_through_its_noun_leaves_the_panels_words():
    # a single view named for some letters ties nothing else: every text as before
    caption = "(A) Chest radiograph on admission. (B) Axial CT image (B) on day 3 shows GGO."
    assert parse_subcaptions(caption)["a"] == "Chest radiograph on admission"


def test_the_family_figures_panels_take_each_plane():
    fields = _fields(FAMILY)
    views = [f["view"] for f in fields.values() if f["modality"] == "CT"]
    assert views == ["Axial", "Coronal", "Axial", "Coronal", "Axial", "Coronal"]
