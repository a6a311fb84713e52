"""Small shared pieces of the page parsers: the search-page result, the parse error and text helpers.

Kept out of ``ingest/records.py`` because that module is the item contract with the pipelines,
while these are only the parsers' vocabulary towards the spiders.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from schema import IngestError

__all__ = ["ParseError", "SearchPage", "block_text", "squash", "tidy"]


@dataclass
class SearchPage:
    """One page of search results: where the cases are and where the next page is."""

    #: Absolute, canonical case URLs on the real site's host, in page order, without duplicates.
    case_urls: list[str] = field(default_factory=list)
    #: Absolute URL (real site's host) of the next results page, or None on the last page.
    next_url: str | None = None
    #: What the result card says about each case (title, modalities, ...), same order as case_urls.
    items: list[dict[str, Any]] = field(default_factory=list)


class ParseError(IngestError, ValueError):
    """The document is not the kind of page the parser was given, or its layout changed.

    Raised instead of returning an empty record, so that a layout change stops a crawl loudly.
    """

    def __init__(self, url: str, missing: str) -> None:
        self.url = url
        self.missing = missing
        super().__init__(f"{url}: not a parseable page ({missing})")


_SPACE_RE = re.compile(r"[ \t\r\f\v\u00a0\u2000-\u200b\u202f\u205f\u3000]+")
_NEWLINES_RE = re.compile(r"(?<!\s)\s*\n\s*(\n\s*)+")


def squash(text: str | None) -> str:
    """Collapse runs of spaces (nbsp included) on each line; drop empty lines; strip."""
    if not text:
        return ""
    lines = (_SPACE_RE.sub(" ", line).strip() for line in text.replace("\r", "\n").split("\n"))
    return "\n".join(line for line in lines if line)


def tidy(text: str | None) -> str:
    """``squash`` without the space that ``get_text(" ")`` leaves before punctuation ("Åhre , Radiopaedia")."""
    return re.sub(r"(?<!\s)\s+([,.;:!?])", r"\1", squash(text))


_BLOCK_TAGS = {
    "p", "div", "li", "ul", "ol", "br", "h1", "h2", "h3", "h4", "h5", "h6", "table", "tr",
    "section", "article", "blockquote", "dt", "dd", "figcaption", "pre",
}


def block_text(node: Any, *, skip: tuple[str, ...] = ()) -> str:
    """Text of a BeautifulSoup node with one line per block element (paragraphs, list items, <br>).

    Inline markup (the nested span>span>span that Word pastes leave) is flattened; ``skip`` names
    CSS selectors whose elements are left out (headings, quiz blocks, gallery controls).
    """
    if node is None:
        return ""
    skipped = set()
    for selector in skip:
        for el in node.select(selector):
            skipped.add(id(el))
    parts: list[str] = []

    def walk(el: Any) -> None:
        for child in el.children:
            name = getattr(child, "name", None)
            if name is None:
                if type(child).__name__ in ("Comment", "Doctype", "Declaration", "ProcessingInstruction"):
                    continue
                parts.append(str(child).replace("\n", " "))
                continue
            if id(child) in skipped or name in ("script", "style", "noscript", "template"):
                continue
            if name == "br":
                parts.append("\n")
                continue
            block = name in _BLOCK_TAGS
            if block:
                parts.append("\n")
            walk(child)
            if block:
                parts.append("\n")

    walk(node)
    return squash("".join(parts))

