"""Writing and markup patterns of the sixth blind batch of papers (tests/fixtures/papers_unseen6/),
each through the parser or the rule it broke on the first crawl."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.jats import parse_jats
from ingest.patients import patients_named, split_patients

UNSEEN6 = Path(__file__).parent / "fixtures" / "papers_unseen6"


def _cases(pmcid: str):
    from ingest.papers import cases_from_article

    article = parse_jats((UNSEEN6 / f"PMC{pmcid}_efetch.xml").read_bytes(),
                         f"https://pmc.ncbi.nlm.nih.gov/articles/PMC{pmcid}/")
    return {case.source_key.rsplit("#", 1)[-1]: case for case in cases_from_article(article)}


FAMILY = ["The index patient, a 44-year-old man, developed fever on 2 March. His 41-year-old wife developed a "
          "sore throat on 6 March. Their 15-year-old daughter had no symptoms."]


@pytest.mark.parametrize("caption, wanted", [
    # IJID: a legend naming each panel by the relative's word as its label.
    ("Father: anteroposterior chest radiograph (5 March)", [1]),
    ("Mother: axial CT (8 March)", [2]),
    ("Daughter: axial CT (9 March)", [3]),
    ("Chest imaging of the family. (a) Father: radiograph. (b) Mother, axial CT. (c) Daughter. CT.", [1, 2, 3]),
    ("Axial CT of patient 2 (mother) on admission", [2]),
    # a family word inside the prose, not a label, names no one by itself
    ("Grandmother: CT", []),
    ("father: x", []),
])
def test_a_relative_named_as_a_legend_label_names_that_patient(caption, wanted):
    patients = split_patients(FAMILY, [caption])
    assert patients_named(caption, patients) == wanted
