"""Panels of the thirty-first blind batch of papers (tests/fixtures/papers_unseen31/), each through
the rule it broke on the first crawl: the classes of writing, not the batch's sentences."""

from __future__ import annotations

import pytest

from ingest.panels import parse_subcaptions

# --- "a) axial and b) coronal images": half-parenthesis letters coordinated by "and" ---------------------------

@pytest.mark.parametrize("caption, wanted", [
    # Monaldi's PDF legend: the date before the letters, the second letter after "and"
    ("Follow-up CT scan (7 May 2020): a) axial and b) coronal images show reduced ground glass opacities.",
     {"a": "axial", "b": "coronal images show reduced ground glass opacities"}),
    ("HRCT, A) axial and B) coronal reconstructions, showing pneumomediastinum.",
     {"a": "axial", "b": "coronal reconstructions, showing pneumomediastinum"}),
    # guards: a letter after "and" closing a parenthesis it opened is the parenthesis style's as before; one
    # after "and" with no half-parenthesis letter before it names no panel
    ("Chest CT (a and b) on day 3 and (c) on day 9.", {"a": "Chest CT on day 3", "b": "Chest CT on day 3",
                                                      "c": "on day 9"}),
    ("Axial CT of the right and b) left lung.", {}),
])
def test_half_parenthesis_letters_joined_by_and_name_panels(caption, wanted):
    assert parse_subcaptions(caption) == wanted
