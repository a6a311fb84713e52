"""Markup of the eleventh blind batch of papers (tests/fixtures/papers_unseen11/), each through the parser or
the rule it broke on the first crawl."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.normalize.provenance import normalize_url
from ingest.publisher import figure_page_image, parse_article_html

UNSEEN11 = Path(__file__).parent / "fixtures" / "papers_unseen11"
LUNG = ("https://www.lungindia.com/article.asp?issn=0970-2113;year=2020;volume=37;issue=6;spage=530;epage=533;"
        "aulast=Rao")
LUNG_IMG = "https://www.lungindia.com/articles/2020/37/6/images/LungIndia_2020_37_6_530_300211_f{}.jpg"
RCR = "https://respircase.com/jvi.aspx?un=RCR-12345&volume=9&issue=4"
AJCR = "https://www.amjcaserep.com/abstract/full/idArt/926234"


def page(name: str) -> str:
    return (UNSEEN11 / name).read_text(encoding="utf-8")


# --- A bare <figure> outside <article>/<main> -----------------------------------------------------

def test_a_labelled_figure_outside_article_and_main_is_a_figure():
    """Medknow's page holds its figures in a <section>, not an <article>: each <figure>'s figcaption
    "Figure N:" makes it the article's; the large image is srcset's widest candidate."""
    article = parse_article_html(page("lungindia_37_530.html"), LUNG)
    assert [f.label for f in article.figures] == ["Figure 1", "Figure 2"]
    assert [f.image_urls for f in article.figures] == [[LUNG_IMG.format(1)], [LUNG_IMG.format(2)]]
    assert list(article.figures[1].panel_captions) == ["a", "b"]


def test_wordpress_lazy_figures_outside_article_are_figures_and_the_lazy_logo_is_not():
    article = parse_article_html(page("respircase_12345.html"), RCR)
    assert [f.image_urls for f in article.figures] == [
        ["https://respircase.com/uploads/images/RCR-12345-F1.jpg"],
        ["https://respircase.com/uploads/images/RCR-12345-F2.jpg"]]


@pytest.mark.parametrize("figcaption", ["", "<figcaption>Our editorial board, 2020</figcaption>"])
def test_an_unlabelled_figure_outside_article_stays_no_figure(figcaption):
    html = (f'<html><body><div class="content"><figure><img src="/img/board.jpg">{figcaption}</figure>'
            '<p>A 40-year-old man presented with fever.</p></div></body></html>')
    assert parse_article_html(html, "https://journal.example.org/about").figures == []


# --- A thumbnail linking to the journal's own figure viewer --------------------------------------

def test_a_thumbnail_linking_to_a_fig_n_viewer_page_names_that_page_and_its_caption_div():
    figure = parse_article_html(page("ajcr_926234.html"), AJCR).figures[0]
    assert figure.extra["figure_page"] == "https://www.amjcaserep.com/abstract/fig/idArt/926234/fig/1"
    assert figure.label == "Figure 1"
    assert list(figure.panel_captions) == ["a", "b"]
    assert figure.panel_captions["a"].startswith("Supine anteroposterior chest radiograph")


def test_the_viewer_pages_figure_is_its_image_not_the_logo_of_the_top_bar():
    viewer = "https://www.amjcaserep.com/abstract/fig/idArt/926234/fig/1"
    assert figure_page_image(page("ajcr_926234_fig1.html"), viewer) == (
        "https://www.amjcaserep.com/imageCDN/926234/926234-fig1.jpg")


# --- A hyphenated label in a table layout ---------------------------------------------------------

def test_a_hyphenated_figure_label_is_the_label_and_leaves_the_panel_letters():
    article = parse_article_html(page("jpma_10234.html"), "https://jpma.org.pk/article-details/10234")
    first = article.figures[0]
    assert (first.label, first.number) == ("Figure-1", 1)
    assert first.caption.startswith("(A) PA chest radiograph")
    assert list(first.panel_captions) == ["a", "b"]


# --- The article's URL keeps its query as the site writes it ------------------------------------

@pytest.mark.parametrize("url", [
    "https://jkms.org/DOIx.php?id=10.3346/jkms.2020.35.e301",
    LUNG,
    "https://omjournal.org/articleDetails.aspx?coType=1&aId=2899",
])
def test_the_url_keeps_slashes_and_semicolons_of_its_query(url):
    assert normalize_url(url).value == url


def test_the_url_still_drops_tracking_keys_and_encodes_an_ampersand_in_a_value():
    got = normalize_url("https://jkms.org/DOIx.php?id=10.3346/x&utm_source=twitter&q=a%26b").value
    assert got == "https://jkms.org/DOIx.php?id=10.3346/x&q=a%26b"


# --- An interval after the first of several visits: not after the film before ----------------------------------

def test_a_ct_a_week_after_the_first_visit_is_not_a_week_after_the_film_before():
    """JPMA: seen in the outpatient clinic with 2 days of fever, "admitted on day 6 of illness", a radiograph "on
    day 9 of illness", then "HRCT chest a week after the first visit": the visit's day is not the axis's (the
    curators: 2 + 7 = 9); it was 9 + 7 = 16 (after the radiograph before), a wrong value, now blank."""
    from ingest.case_fields import normalize_case
    from ingest.papers import cases_from_article

    (case,) = cases_from_article(parse_article_html(page("jpma_10234.html"), "https://jpma.org.pk/article-details/10234"))
    values = {r.image_position: r.value for r in normalize_case(case) if r.field == "offset"}
    offsets = {i.source_url.rsplit("/", 1)[-1] + (i.extra.get("panel") or ""): values.get(i.position)
               for i in case.images}
    assert offsets["fig1.jpgb"] == "9"
    assert offsets["fig2.jpg"] is None


@pytest.mark.parametrize("words", ["a week after the first visit", "10 days after her first consultation",
                                   "2 weeks after the initial appointment"])
def test_an_interval_after_a_first_visit_is_unplaced(words):
    from ingest.timeline import text_moments

    [moment] = text_moments(f"Axial CT {words} showing opacities.", "caption")
    assert moment.kind == "unplaced"


@pytest.mark.parametrize(("words", "kind"), [("10 days after the first CT", "after-previous"),
                                             ("5 days later", "after-previous")])
def test_an_interval_after_a_first_film_or_later_still_counts_from_a_film(words, kind):
    from ingest.timeline import text_moments

    assert text_moments(f"Axial CT {words} showing opacities.", "caption")[0].kind == kind
