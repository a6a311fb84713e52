"""Writing and markup patterns of the second blind batch of papers (tests/fixtures/papers_unseen2/),
each through the parser or the normalizer it broke on the first crawl."""

from __future__ import annotations

from pathlib import Path

from ingest.publisher import parse_article_html

UNSEEN2 = Path(__file__).parent / "fixtures" / "papers_unseen2"
MEDRXIV = "https://www.medrxiv.org/content/10.1101/2020.05.08.20095851v1"


def test_a_preprint_landing_page_showing_the_abstract_only_names_its_full_text_tab():
    article = parse_article_html((UNSEEN2 / "medrxiv_2020.05.08.20095851v1.html").read_text(), MEDRXIV)
    assert article.figures == []
    assert article.extra["figures_tab"] == f"{MEDRXIV}.full-text"


def test_the_full_text_tab_gives_the_large_figures_and_names_no_further_tab():
    article = parse_article_html((UNSEEN2 / "medrxiv_2020.05.08.20095851v1.full-text.html").read_text(),
                                 f"{MEDRXIV}.full-text")
    early = "https://www.medrxiv.org/content/medrxiv/early/2020/05/13/2020.05.08.20095851"
    assert [(f.number, f.image_urls) for f in article.figures] == [
        (1, [f"{early}/F1.large.jpg"]), (2, [f"{early}/F2.large.jpg"])]
    assert "figures_tab" not in article.extra
