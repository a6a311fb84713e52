"""The thirty-fifth blind batch of papers (tests/fixtures/papers_unseen35/), through the rules it broke on the first
crawl: the class of writing, not the batch's sentences."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.figure_kinds import caption_kind
from ingest.jats import parse_jats
from ingest.panels import Panel, PanelSplit
from ingest.papers import cases_from_article

UNSEEN35 = Path(__file__).parent / "fixtures" / "papers_unseen35"
ULTRASOUND_J = "PMC7350044_efetch.xml"


def _panels(count: int) -> PanelSplit:
    width = 380 * count + 12 * (count - 1)
    boxes = [(i * 392, 0, i * 392 + 380, 380) for i in range(count)]
    return PanelSplit([Panel(box, b"") for box in boxes], reliable=True, reason="gutters", width=width, height=380)


# --- a lung ultrasound frame beside CT: ultrasound is no radiograph or CT, whatever chest words it has ----------

@pytest.mark.parametrize("words", [
    "Lung ultrasound, right postero-basal area (convex probe): irregular and thickened pleural line with confluent "
    "B-lines",
    "LUS of the left anterior chest wall showing a small subpleural consolidation",
    "Point-of-care ultrasound of the right lung: coalescent B-lines and a thickened pleural line",
    "Thoracic ultrasonography at the bedside showing an irregular pleura",
    "Ecografia polmonare: linee B confluenti e ispessimento pleurico",
])
def test_an_ultrasound_of_the_lung_is_not_a_chest_image(words):
    verdict = caption_kind(words)
    assert verdict is not None
    assert verdict.kind == "non-chest imaging"


@pytest.mark.parametrize("words", [
    # a figure of both: kept, its panels judged one by one
    "Lung ultrasound (a) and chest CT (b) on admission showing B-lines and ground-glass opacities",
    "Chest radiograph after ultrasound-guided drainage of the right pleural effusion",
    "Bedside chest X-ray; the lung ultrasound findings are described in the text",
    # "lus" inside other words, or in lower case, is no abbreviation of lung ultrasound
    "Bilateral opacities plus consolidation in the right lung",
])
def test_words_naming_a_radiograph_or_ct_beside_an_ultrasound_keep_it(words):
    assert caption_kind(words) is None


def test_the_ultrasound_frames_beside_ct_are_left_out_and_the_ct_panels_kept():
    xml = (UNSEEN35 / ULTRASOUND_J).read_bytes()
    (case,) = cases_from_article(parse_jats(xml), panel_splits={1: _panels(2), 2: _panels(3)})
    kept = [(i.source_url.rsplit("_", 2)[-2], i.label) for i in case.images]
    assert kept == [("Fig1", "b"), ("Fig2", "b"), ("Fig2", "c")]
    left_out = {item["figure"]: item["kind"] for item in case.extra["left_out_figures"]}
    assert left_out == {"figure 1 panel A": "non-chest imaging", "figure 2 panel A": "non-chest imaging"}
