"""The sixtieth blind batch of papers (tests/fixtures/papers_unseen60/), through the rules it broke on the first
crawl: the classes of writing, not the batch's sentences."""

from __future__ import annotations

from pathlib import Path

UNSEEN60 = Path(__file__).parent / "fixtures" / "papers_unseen60"
