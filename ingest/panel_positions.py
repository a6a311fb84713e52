"""Sub-captions that name panels by their place, not a letter: "Upper row: day 1; lower row:
day 5", "Top panels, on admission. Bottom panels, on day 7", "Left: chest radiograph. Right: CT",
"on admission (upper row) and on day 5 (lower row)".

``positional_subcaptions`` reads them; ``align_positions`` gives each panel of a split (its boxes)
the text of its row and column. It never guesses: when the caption names a row or column the
split does not have, nothing is aligned and the whole caption stays on every panel.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ingest.panels import with_head

Box = tuple[int, int, int, int]

# Rows: first / middle / last; columns: left / middle / right. -1 is the last one, whatever the
# count; MIDDLE the middle one of three (of two there is none).
MIDDLE = -2
_ROW = {"upper": 0, "top": 0, "first": 0, "middle": MIDDLE, "lower": -1, "bottom": -1, "second": 1, "last": -1}
_COL = {"left": 0, "middle": MIDDLE, "right": -1, "leftmost": 0, "rightmost": -1, "center": MIDDLE, "centre": MIDDLE}
_PLACE = r"(upper|top|first|second|middle|lower|bottom|last|left(?:most)?|right(?:most)?|cent(?:er|re))"
_NOUN = r"(row|rows|panels?|images?|line|column|columns)"
# "Upper row:" / "Left, ..." opening a sentence or following a semicolon; the noun is optional
# only for left/right ("Left: chest radiograph").
_LEAD = re.compile(rf"(?:^|(?<=[.;]\s)|(?<=[.;]))\s*(?:the\s+)?{_PLACE}(?:\s+{_NOUN})?"
                   r"(?:\s*[:,–-]\s+|\s+(?=(?:shows?|showing|are|were|demonstrates?|depicts?)\b))", re.I)
# "... on admission (upper row)" / "(left panel)": the place after its text; with the panel's own
# words after a comma: "day 6 (middle, posteroanterior)".
_TRAIL = re.compile(rf"\(\s*(?:the\s+)?{_PLACE}(?:\s+{_NOUN})?(?:\s*,\s*(?P<own>[^()]{{1,60}}?))?\s*\)", re.I)


@dataclass(frozen=True)
class Place:
    """A row (``axis="row"``) or column index named by the caption; -1 is the last, ``MIDDLE``
    the middle of three."""
    axis: str
    index: int


def _place(word: str, noun: str | None) -> Place | None:
    word, noun = word.lower(), (noun or "").lower()
    if noun.startswith("column") or word.startswith(("left", "right", "cent")):
        index = _COL.get(word)
        return Place("col", index) if index is not None else None
    if word == "middle" and not noun:
        return Place("same", MIDDLE)  # "Left: ... Middle: ... Right: ...": the axis of its neighbours
    if not noun and word not in ("upper", "lower", "top", "bottom"):
        return None  # "First, ..." / "Second: ..." without a noun is prose, not a place
    index = _ROW.get(word)
    return Place("row", index) if index is not None else None


def _tidy(text: str) -> str:
    text = re.sub(r"^(?:and|or)\s+|[\s;,.]+$|^[\s;,.:]+", "", re.sub(r"\s+", " ", text).strip())
    return re.sub(r"^(?:shows?|showing)\s+", "", text)


def positional_subcaptions(caption: str) -> list[tuple[Place, str]]:
    """(place, its text) in caption order; [] when the caption names fewer than two places."""
    found = _places(caption)
    axis = next((p.axis for p, _ in found if p.axis != "same"), "col")
    return [(Place(axis, p.index) if p.axis == "same" else p, text) for p, text in found]


def _places(caption: str) -> list[tuple[Place, str]]:
    caption = re.sub(r"\s+", " ", caption or "").strip()
    lead = [(m, _place(m.group(1), m.group(2))) for m in _LEAD.finditer(caption)]
    lead = [(m, p) for m, p in lead if p is not None]
    if len(lead) >= 2:
        ends = [m.start() for m, _ in lead[1:]] + [len(caption)]
        return [(p, _tidy(caption[m.end():end])) for (m, p), end in zip(lead, ends)]
    trail = [(m, _place(m.group(1), m.group(2))) for m in _TRAIL.finditer(caption)]
    trail = [(m, p) for m, p in trail if p is not None]
    if len(trail) >= 2:
        # The text before each place, back to the previous place or the sentence's start.
        starts = [max(caption.rfind(". ", 0, trail[0][0].start()) + 1, 0)] + [m.end() for m, _ in trail[:-1]]
        return _trailing_texts(caption, trail, starts)
    return []


def _trailing_texts(caption: str, trail: list[tuple[re.Match[str], Place]],
                    starts: list[int]) -> list[tuple[Place, str]]:
    """Each trailing place's words: those before it, a bare "day 6" sharing the image noun of the
    place before ("Serial chest radiographs on illness day 2 (left), day 6 (middle)": "Serial chest
    radiographs on illness day 6"), then its own words inside the parentheses ("(middle, posteroanterior)")."""
    found: list[tuple[Place, str]] = []
    previous = ""
    for (m, place), start in zip(trail, starts):
        words = _tidy(caption[start:m.start()])
        words = with_head(words, previous) if previous else words
        previous = words
        found.append((place, f"{words}, {m.group('own').strip()}" if m.group("own") else words))
    return found


def _rows(boxes: list[Box]) -> list[list[int]]:
    """Indices of the boxes by row (vertical centres within half a box height), top to bottom,
    each row left to right."""
    rows: list[list[int]] = []
    for i in sorted(range(len(boxes)), key=lambda i: (boxes[i][1] + boxes[i][3]) / 2):
        centre = (boxes[i][1] + boxes[i][3]) / 2
        ref = boxes[rows[-1][0]] if rows else None
        if ref is not None and abs(centre - (ref[1] + ref[3]) / 2) < (ref[3] - ref[1]) / 2:
            rows[-1].append(i)
        else:
            rows.append([i])
    return [sorted(row, key=lambda i: boxes[i][0]) for row in rows]


def _resolve(place: Place, count: int) -> int | None:
    """The 0-based index a place names among ``count`` rows or columns (None: not there)."""
    if place.index == -1:
        return count - 1 if count >= 2 else None
    if place.index == MIDDLE:
        return 1 if count == 3 else None
    return place.index if place.index < count else None


def align_positions(caption: str, boxes: list[Box]) -> list[str]:
    """Each box's sub-caption from the caption's places ("upper row: ...", "(right)"), in the
    order of ``boxes``; [] when the caption names no places, or a place the boxes do not have, or
    leaves a panel without text."""
    places = positional_subcaptions(caption)
    if not places or len(boxes) < 2:
        return []
    rows = _rows(boxes)
    texts: dict[int, list[str]] = {i: [] for i in range(len(boxes))}
    for place, text in places:
        if place.axis == "row":
            index = _resolve(place, len(rows))
            members = rows[index] if index is not None else []
        else:
            members = []
            for row in rows:
                index = _resolve(place, len(row))
                if index is None:
                    return []
                members.append(row[index])
        if not members:
            return []
        for i in members:
            texts[i].append(text)
    if any(not t for t in texts.values()):
        return []
    return ["; ".join(texts[i]) for i in range(len(boxes))]


def _columns_within(text: str, row: list[int]) -> dict[int, str]:
    """Box index -> its own words, when a row's text names each of its columns in parentheses
    ("on admission (left) and five days after admission (right)"); {} otherwise."""
    marks = [(m, _place(m.group(1), m.group(2))) for m in _TRAIL.finditer(text)]
    if len(marks) != len(row) or any(p is None or p.axis != "col" for _, p in marks):
        return {}
    starts = [0] + [m.end() for m, _ in marks[:-1]]
    own: dict[int, str] = {}
    for (m, place), start in zip(marks, starts):
        index = _resolve(place, len(row))
        words = _tidy(text[start:m.start()])
        if index is None or row[index] in own or not words:
            return {}
        own[row[index]] = words
    return own


def column_words(caption: str, boxes: list[Box]) -> list[str]:
    """Each box's own words inside its row's text, in the order of ``boxes`` ("" where the row names no
    columns): "Upper row: radiographs on admission (left) and five days after admission (right)" gives
    the right panel "five days after admission", which ``align_positions`` leaves in the row's words."""
    own: dict[int, str] = {}
    rows = _rows(boxes)
    for place, text in positional_subcaptions(caption):
        index = _resolve(place, len(rows)) if place.axis == "row" else None
        if index is not None:
            own.update(_columns_within(text, rows[index]))
    return [own.get(i, "") for i in range(len(boxes))]


def positions_lead(caption: str) -> str:
    """The caption's words before its first place: what every panel shares."""
    caption = re.sub(r"\s+", " ", caption or "").strip()
    lead = [m for m in _LEAD.finditer(caption) if _place(m.group(1), m.group(2)) is not None]
    if len(lead) >= 2:
        return _tidy(caption[:lead[0].start()])
    # Places after their words ("Anteroposterior chest radiographs on presentation (left) and 2 days after
    # admission (right)"): the first place's words, as a lettered caption's lead ("... (A) and ... (B)"),
    # give every panel the image they name; each panel's own words still give its moment.
    trail = [m for m in _TRAIL.finditer(caption) if _place(m.group(1), m.group(2)) is not None]
    if len(trail) < 2 or _LEAD.search(caption):
        return ""
    return _tidy(caption[max(caption.rfind(". ", 0, trail[0].start()) + 1, 0):trail[0].start()])
