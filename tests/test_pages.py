"""The one reading of HTML the page objects share (ingest/pages.py): text, block text and CSS."""

from __future__ import annotations

from ingest.pages import HtmlPage, below, block_text, select, select_one, text

PAGE = """<html><body>
<div id="a"><p>One <b>bold</b> word<script>var x = 1;</script><!-- note --></p>
<p>Two<br>lines <rt>ruby</rt></p><pre>  kept  </pre></div>
<template><p class="t">inside a template</p></template>
<div class="outer"><span class="inner">nested</span></div>
</body></html>"""


def page() -> HtmlPage:
    return HtmlPage(PAGE, "https://example.org/")


def test_text_leaves_out_scripts_comments_and_ruby_but_an_element_reads_its_own():
    doc = page()
    assert text(doc.first("#a p"), "|") == "One |bold| word"
    assert text(doc.find("script")) == "var x = 1;"
    assert text(doc.find("script"), own_container=False) == ""


def test_text_strip_and_skip():
    doc = page()
    paragraph = doc.first("#a p")
    assert text(paragraph, " ", strip=True, skip={doc.find("b").root}) == "One word"


def test_block_text_one_line_per_block_and_br():
    assert block_text(page().first("#a")) == "One bold word\nTwo\nlines ruby\nkept"


def test_css_does_not_enter_templates_but_find_all_does():
    doc = page()
    assert doc.css("p.t") == []
    assert doc.find_all("p")[-1].attrib["class"] == "t"
    template = doc.find("template")
    assert [p.attrib["class"] for p in select(template, "p.t")] == ["t"]  # selecting from it enters it
    # a template's strings are not the page's text, except read from the template itself
    assert text(select(template, "p.t")[0]) == ""
    assert text(template) == "inside a template"


def test_select_below_an_element_sees_ancestors_outside_it():
    doc = page()
    inner_holder = doc.first("div.outer")
    assert select_one(inner_holder, "body .inner") is not None  # soupsieve: "body" may be outside
    assert below(inner_holder, "span")[0].root is doc.first(".inner").root
    assert select(inner_holder, "div.outer") == []  # descendants only, not the element itself


def test_radiopaedia_pages_enter_templates():
    class Page(HtmlPage):
        enters_templates = True

    assert len(Page(PAGE, "https://example.org/").css("p.t")) == 1
