"""Small shared pieces of the page parsers: the search-page result, the parse error and text helpers.

Kept out of ``ingest/records.py`` because that module is the item contract with the pipelines,
while these are only the parsers' vocabulary towards the spiders.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from cssselect import parse as parse_css
from cssselect.parser import CombinedSelector
from parsel import Selector, SelectorList
from parsel.csstranslator import HTMLTranslator

from ingest.normalize.imaging import exam_outside_dataset
from ingest.records import ImageRecord
from schema import IngestError

__all__ = [
    "HtmlPage", "ParseError", "SearchPage", "ancestors", "below", "block_text", "classes", "first_below",
    "next_sibling", "parent", "select", "select_one", "squash", "text", "tidy",
]


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


# --- Pages on parsel, read with the text semantics the records were built with -------------------
#
# The parsers were first written on BeautifulSoup (with the lxml parser); the records they make,
# and the evidence spans that point into their text, keep its way of reading text: ``text`` is
# ``Tag.get_text`` (comments and the strings of <script>/<style>/<template>/<rt>/<rp> left out,
# whitespace-only strings collapsed to " " or "\n" outside <pre>/<textarea>), ``block_text`` puts
# one line per block element, ``select`` matches CSS on the descendants of an element the way
# soupsieve's ``Tag.select`` does (the ancestors a combinator names may be outside it, <template>
# contents are not entered) and ``below`` the way BeautifulSoup's ``find_all`` walks (into them).

_TRANSLATOR = HTMLTranslator()
_ASCII_SPACES = "\x20\x0a\x09\x0c\x0d"
#: Tags whose strings BeautifulSoup types as Script/Stylesheet/TemplateString/Ruby*: not in its text.
_STRING_CONTAINERS = frozenset({"script", "style", "template", "rt", "rp"})
#: Tags inside which whitespace-only strings are kept as they are.
_PRESERVE_WHITESPACE = frozenset({"pre", "textarea"})
_BLOCK_TAGS = frozenset({
    "p", "div", "li", "ul", "ol", "br", "h1", "h2", "h3", "h4", "h5", "h6", "table", "tr",
    "section", "article", "blockquote", "dt", "dd", "figcaption", "pre",
})
_NOT_TEXT = frozenset({"script", "style", "noscript", "template"})


class HtmlPage:
    """A fetched HTML page parsed by parsel; subclasses produce one record field per method."""

    def __init__(self, html: str | bytes, url: str) -> None:
        self.url = url
        if isinstance(html, bytes):
            self.selector = Selector(body=html, encoding="utf-8", type="html")
        else:
            self.selector = Selector(text=html, type="html")

    #: CSS matches the contents of <template> elements too (plain XPath), as the Radiopaedia parser
    #: always has; otherwise they are not part of the page, as soupsieve reads them.
    enters_templates = False

    def css(self, query: str) -> list[Selector]:
        """Every element of the page matching ``query``, in document order."""
        if self.enters_templates:
            return list(self.selector.css(query))
        return select(self.selector, query, page=True)

    def first(self, query: str) -> Selector | None:
        """The first element of the page matching ``query`` (a selector group: the first in the page)."""
        found = self.css(query)
        return found[0] if found else None

    def find(self, name: str) -> Selector | None:
        """The first element named ``name`` anywhere in the page (<template> contents included)."""
        found = self.selector.xpath(f"descendant-or-self::{name}")
        return found[0] if found else None

    def find_all(self, name: str) -> SelectorList[Selector]:
        """Every element named ``name`` anywhere in the page (<template> contents included)."""
        return self.selector.xpath(f"descendant-or-self::{name}")


@lru_cache(maxsize=512)
def _below_xpath(query: str) -> tuple[str, bool]:
    combined = any(isinstance(group.parsed_tree, CombinedSelector) for group in parse_css(query))
    if combined:
        return _TRANSLATOR.css_to_xpath(query), True
    return _TRANSLATOR.css_to_xpath(query, prefix="descendant::"), False


@lru_cache(maxsize=512)
def _page_xpath(query: str) -> str:
    return _TRANSLATOR.css_to_xpath(query)


def _outside_templates(element: Any, top: Any) -> bool:
    """No <template> between ``element`` and ``top`` (both excluded): soupsieve does not enter one."""
    for ancestor in element.iterancestors():
        if ancestor is top:
            return True
        if ancestor.tag == "template":
            return False
    return True


def select(node: Selector, query: str, *, page: bool = False) -> list[Selector]:
    """soupsieve's ``Tag.select``: the descendants of ``node`` (and the page's root itself, for the
    ``page``) matching ``query``, in document order; the contents of a <template> below ``node`` are
    another tree, not entered."""
    if page:
        found = node.root.xpath(_page_xpath(query))
        return [Selector(root=el, type="html") for el in found if _outside_templates(el, None)]
    element = node.root
    return [m for m in below(node, query) if _outside_templates(m.root, element)]


def select_one(node: Selector, query: str) -> Selector | None:
    found = select(node, query)
    return found[0] if found else None


def below(node: Selector, query: str) -> list[Selector]:
    """The descendants of ``node`` matching ``query`` in the whole page, in document order
    (<template> contents included, as BeautifulSoup's ``find_all`` reads them)."""
    xpath, combined = _below_xpath(query)
    if not combined:
        return list(node.xpath(xpath))
    element = node.root
    matches = element.getroottree().getroot().xpath(xpath)
    return [Selector(root=m, type="html") for m in matches if any(a is element for a in m.iterancestors())]


def first_below(node: Selector, query: str) -> Selector | None:
    found = below(node, query)
    return found[0] if found else None


def classes(node: Selector) -> list[str]:
    return (node.root.get("class") or "").split()


def ancestors(node: Selector) -> Iterator[Selector]:
    """The element's ancestors, nearest first."""
    for element in node.root.iterancestors():
        yield Selector(root=element, type="html")


def parent(node: Selector, names: Collection[str] = ()) -> Selector | None:
    """The nearest ancestor (named one of ``names``, when given)."""
    for element in node.root.iterancestors():
        if not names or element.tag in names:
            return Selector(root=element, type="html")
    return None


def next_sibling(node: Selector, names: Collection[str] = ()) -> Selector | None:
    """The next element after ``node`` under its parent (named one of ``names``, when given)."""
    for element in node.root.itersiblings():
        if isinstance(element.tag, str) and (not names or element.tag in names):
            return Selector(root=element, type="html")
    return None


def _in_tags(element: Any, names: frozenset[str], within: Any = None) -> bool:
    """``element`` or an ancestor (up to ``within``, inclusive, when given) is named one of ``names``."""
    if element.tag in names:
        return True
    if element is within:
        return False
    for ancestor in element.iterancestors():
        if ancestor.tag in names:
            return True
        if ancestor is within:
            break
    return False


def _collapse(value: str, preserve: bool) -> str:
    # A whitespace-only string reads as "\n" (if it has one) or " ", as BeautifulSoup stores it.
    if preserve or value.strip(_ASCII_SPACES):
        return value
    return "\n" if "\n" in value else " "


Replacement = Callable[[Any], "str | None"]


def _strings(element: Any, hidden: bool, preserve: bool, out: list[str], skip: Collection[Any],
             replace: Replacement | None) -> None:
    if element.text and not hidden:
        out.append(_collapse(element.text, preserve))
    for child in element:
        tag = child.tag
        if isinstance(tag, str):  # comments: only their tail counts
            substitute = replace(child) if replace is not None else None
            if substitute is not None:  # a replacement stands for the element, skipped or not
                out.append(substitute)
            elif child not in skip:
                _strings(child, hidden or tag in _STRING_CONTAINERS, preserve or tag in _PRESERVE_WHITESPACE,
                         out, skip, replace)
        if child.tail and not hidden:
            out.append(_collapse(child.tail, preserve))


def strings(node: Selector | Any, skip: Collection[Any] = (), replace: Replacement | None = None, *,
            own_container: bool = True, within: Any = None) -> list[str]:
    """The text strings of an element (a Selector or an lxml element), in document order.

    ``skip`` holds lxml elements left out (their tails kept); ``replace`` may give an element's
    text as one string instead of its own strings. An element that is itself a <script>, <style>,
    <template>, <rt> or <rp> reads its own strings (as ``get_text`` does) unless ``own_container``
    is False (the Radiopaedia parser has always read it as empty). ``within`` (an lxml element)
    reads the element as if the page ended above that ancestor (the publisher's captions are read
    from a copy of their element).
    """
    element = node.root if isinstance(node, Selector) else node
    if own_container and element.tag in _STRING_CONTAINERS:
        hidden = False
    else:
        hidden = _in_tags(element, _STRING_CONTAINERS, within)
    out: list[str] = []
    _strings(element, hidden, _in_tags(element, _PRESERVE_WHITESPACE, within), out, skip, replace)
    return out


def text(node: Selector | Any, separator: str = "", *, strip: bool = False, skip: Collection[Any] = (),
         replace: Replacement | None = None, own_container: bool = True, within: Any = None) -> str:
    """The text of an element: its strings joined by ``separator`` (``strip``: each stripped, empty ones dropped)."""
    found = strings(node, skip, replace, own_container=own_container, within=within)
    if strip:
        found = [s.strip() for s in found if s.strip()]
    return separator.join(found)


def block_text(node: Selector | None, *, skip: tuple[str, ...] = (), removed: Collection[Any] = ()) -> str:
    """Text of an element with one line per block element (paragraphs, list items, <br>).

    Inline markup (the nested span>span>span that Word pastes leave) is flattened; ``skip`` names
    CSS selectors whose elements are left out (headings, quiz blocks, gallery controls); the page's
    own spacing is kept within a line.
    """
    if node is None:
        return ""
    skipped = {el.root for query in skip for el in below(node, query)} | set(removed)
    parts: list[str] = []

    def walk(element: Any, preserve: bool) -> None:
        if element.text:
            parts.append(_collapse(element.text, preserve).replace("\n", " "))
        for child in element:
            name = child.tag
            if not isinstance(name, str) or child in skipped or name in _NOT_TEXT:
                pass
            elif name == "br":
                parts.append("\n")
            else:
                block = name in _BLOCK_TAGS
                if block:
                    parts.append("\n")
                walk(child, preserve or name in _PRESERVE_WHITESPACE)
                if block:
                    parts.append("\n")
            if child.tail:
                parts.append(_collapse(child.tail, preserve).replace("\n", " "))

    walk(node.root, _in_tags(node.root, _PRESERVE_WHITESPACE))
    return squash("".join(parts))


def left_out_exam(image: ImageRecord, own_words: str | None = None) -> dict[str, str] | None:
    """The ``left_out_figures`` entry of a case page's image whose caption names an exam the dataset
    does not hold (an ultrasound, an MRI, a PET) and no radiograph or CT; None for any other image.
    ``own_words``: the image's own part of a caption its figure's images share, read instead of it."""
    exam = exam_outside_dataset(image.caption if own_words is None else own_words)
    if not exam:
        return None
    return {"figure": image.source_url, "kind": "not chest X-ray or CT",
            "reason": f"its words name {exam!r} and no radiograph or CT"}


def left_out_warnings(left_out: list[dict[str, str]]) -> list[str]:
    return [f"{item['figure']} left out ({item['kind']}): {item['reason']}" for item in left_out]
