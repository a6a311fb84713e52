"""Multi-panel figures: split the image along background gutters, read the sub-captions.

``split_panels`` is a recursive XY-cut: a row or column whose pixels are all (nearly) the
background colour, wide enough to be a gutter, separates two panels. It never guesses: when the cut
does not give the number of panels the caption names, or the panels look implausible, it keeps the
whole figure and says so (``reliable=False``), for a reviewer to split by hand.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field

import numpy as np
from PIL import Image

from ingest.normalize.common import ROMAN_NUMERALS

Box = tuple[int, int, int, int]  # x0, y0, x1, y1 in pixels of the figure image, x1/y1 exclusive


@dataclass
class Panel:
    box: Box
    png: bytes
    letter: str = ""


@dataclass
class PanelSplit:
    panels: list[Panel]
    reliable: bool
    #: Why the split is (not) trusted, for the reviewer.
    reason: str = ""
    width: int = 0
    height: int = 0
    background: int = 255
    extra: dict = field(default_factory=dict)

    @property
    def boxes(self) -> list[Box]:
        return [p.box for p in self.panels]


# --- Sub-captions ------------------------------------------------------------------------------

# "(B)", "(b-d)", "(B/D)", "(Panel B)", a list "(A, B, and C)" (its first and last letters: the
# letters between run on), and with what the panel points at: "(B-D, arrow)", "(A, white arrows)",
# or its plane: "(Panel B, axial image)".
_PAREN = re.compile(
    r"\(\s*(?:(?:[Pp]anels?|[Ii]mages?)\s+)?([a-pA-P])(?:(?:\s*,\s*[a-pA-P](?=\s*,))*\s*(?:[-–—,&/]|,?\s*and|to)\s*([a-pA-P]))?"
    r"(?:\s*,\s*(?:(?:white|black|red|yellow|blue|green|thin|thick|open|curved|dashed)\s+)?"
    r"(?:arrows?|arrowheads?|asterisks?|circles?|stars?)"
    # NEJM's plane after the panel: "(Panel B, axial image)", "(Panels C and D, coronal reconstructions)".
    r"|\s*,\s*(?:axial|coronal|sagittal|lateral|frontal)\s+(?:images?|views?|sections?|reconstructions?))?\s*\)")
# "A, Chest radiograph ..." / "B: day 7" / "C. Axial CT" / "A and B) HRCT ..." / "A - Patient 1" at
# the start of the caption or a sentence; "B:" also after a comma ("..., left cord shadow, D: Bilateral").
_LEAD = re.compile(r"(?:(?<=^)|(?<=[.;:]\s)|(?<=[.;:])|(?<=,\s)(?=[A-P]:\s))\s*([A-P])(?:\s*(?:and|[-–,&])\s*([A-P]))?"
                   r"(?:[,:.)]|\s[-–]|(?=\s\((?![a-pA-P]\))))\s+(?=\S)")
# Panels named in words: "Panel A (case 1) shows ...", "Images A and B showed ...", "panels C-D".
_NAMED = re.compile(r"\b(?:[Pp]anels?|[Ii]mages?)\s+([A-P])(?:\s*(?:and|to|[-–,&])\s*([A-P]))?\b(?![-–])")
# Panels named with their figure's number: "2A A unilateral chest CT ... 2B ...", "3A, 3B Chest CT".
_NUMBERED = re.compile(r"(?<![\w.])\d{1,2}([A-P])(?:\s*(?:and|[-–,&])\s*\d{0,2}([A-P]))?\b")
# "(B)–(D)" is the range "(B–D)".
_PAREN_RANGE = re.compile(r"\(\s*([a-pA-P])\s*\)\s*[-–—]\s*\(\s*([a-pA-P])\s*\)")
# "a: January 29; b: February 04" (inside parentheses or after a semicolon), either case.
_COLON = re.compile(r"(?:(?<=^)|(?<=[(;.:])|(?<=[(;.:]\s))\s*([a-pA-P])(?:\s*[-–,]\s*([a-pA-P]))?\s*:\s*(?=\S)")
# Springer's bold letters, which lose their bold in plain text: "a A 35-year-old man ... b CT on day 5"; also the
# next of coordinated planes, as BMC letters them: "b Axial and c coronal chest CT images on 19 March", "b Axial, c
# coronal and d sagittal images".
_PLANES = r"(?i:axial|coronal|sagittal|transverse|oblique)\b"
_BARE = re.compile(r"(?:(?<=^)|(?<=[.;]\s)|(?:(?<=\sand\s)|(?<=,\s))(?=[a-p]\s+" + _PLANES + r"))"
                   r"([a-p])(?:\s*[-–,]\s*([a-p]))?"
                   r"\s+(?=[A-Z0-9(]|" + _PLANES + ")")

# A letter closing a parenthesis it never opened, opening the caption, a sentence or a clause:
# "a) Admission posteroanterior film ... b) Portable anteroposterior film 48 hours later", "case #2,
# A) supine AP portable radiograph ...; B) axial CT ..." (Pan African Medical Journal); or the next of a
# coordinated pair, as Italian and other European authors letter planes: "CT scan: a) axial and b) coronal images".
_HALF_PAREN = re.compile(r"(?:(?<=^)|(?<=[.;:,]\s)|(?<=\sand\s))([a-p]|[A-P])(?:\s*[-–,]\s*([a-pA-P]))?\)\s+(?=\S)")

# The same with capital letters, which are also the article "A": "A Chest X-ray shows effusions.
# B Chest X-ray 24 h after drainage ..." (read only when B, C ... follow, as every style is).
_BARE_CAPITAL = re.compile(r"(?:(?<=^)|(?<=[.;]\s))([A-P])(?:\s*[-–,]\s*([A-P]))?\s+(?=[A-Z][a-z]|[A-Z]{2,}|\d)")

# A small letter set off by a dash, as Polish, Russian and other Eastern European journals letter their panels:
# "Fig. 1 a-d: a – chest X-ray on admission; b, c – axial CT; d – coronal reconstruction" (capitals: ``_LEAD``).
_DASHED = re.compile(r"(?:(?<=^)|(?<=[.;:]\s)|(?<=[.;:]))\s*([a-p])(?:\s*(?:,|and|[-–])\s*([a-p]))?\s+[-–—]\s+(?=\S)")

#: Tried in this order; the first whose markers run a, b, c ... wins.
_MARKER_STYLES = (_PAREN, _LEAD, _COLON, _HALF_PAREN, _BARE, _DASHED, _NAMED, _NUMBERED, _BARE_CAPITAL)
#: Two styles in one caption ("A, Axial CT ... Coronal (B) and sagittal (C) ..."; "a Baseline
#: radiograph ... at day 4 (b) and day 5 (c)"), tried when no style alone names the panels.
# Not the capital bare letters: "A 35-year-old man. Chest X-ray (b) on day 3" has no panel A.
_MIXED_STYLES = ((_LEAD, _PAREN), (_BARE, _PAREN), (_COLON, _PAREN))

Marker = tuple[int, int, list[str]]


def _chosen_markers(caption: str) -> tuple[list[Marker], list[Marker]] | None:
    """(every marker of the style read, those introducing panels) or None when no style names
    a, b, c ... each once."""
    for pattern in _MARKER_STYLES:
        raw = _markers(pattern, caption)
        markers = _introducing(raw)
        if _is_sequence(markers):
            return raw, markers
    for first, second in _MIXED_STYLES:
        ones, twos = _markers(first, caption), _markers(second, caption)
        if not ones or not twos:
            continue
        # A marker of the second style inside one of the first (or the reverse) is the same letter.
        raw = sorted(ones + [m for m in twos if not any(o[0] < m[1] and m[0] < o[1] for o in ones)])
        markers = _introducing(raw)
        if _is_sequence(markers):
            return raw, markers
    return None


# A caption opening with its own label and no punctuation before the first panel's letter, as PDFs print
# it (Wiley's "FIGURE 1 A, Chest radiograph ...", Springer's "Fig. 1 a Chest radiograph ..."): the letter
# opens the legend, as after "Figure 1. ".
_LABEL_BEFORE_LETTER = re.compile(r"^(?:FIGURE|Figure|Fig\.?|FIG\.?)\s?\d{1,2}\s+"
                                  r"(?=[a-pA-P](?:\s?[,:]\s|\s+[A-Z0-9]))")


def _normalized(caption: str) -> str:
    """One space between words, a leading label before the first letter left out, "(B)–(D)" as the range
    "(B–D)", and images numbered "(i)", "(ii)" as letters."""
    caption = _LABEL_BEFORE_LETTER.sub("", re.sub(r"\s+", " ", caption or "").strip())
    return _roman_as_letters(_PAREN_RANGE.sub(r"(\1–\2)", caption))


# Panels numbered in Roman numerals in parentheses: "(i) axial image ... (ii) axial image ... (iii) coronal".
_ROMAN_PANEL = re.compile(r"\((\s*)([ivx]{1,4})(\s*)\)", re.I)
# What each numbered item must name to be a panel, not a finding of a list ("(i) GGO; (ii) consolidation").
_IMAGE_OR_PLANE = re.compile(r"\b(?:CT|HRCT|CXR|MRI|X-?rays?|radiograph\w*|tomograph\w*|scans?|films?|images?|views?|"
                             r"reformat\w*|reconstruction\w*|axial|coronal|sagittal|posteroanterior|anteroposterior|"
                             r"lateral|PA|AP)\b", re.I)


def _roman_as_letters(caption: str) -> str:
    """"(i) axial image ... (ii) axial image ... (iii) coronal image" as "(a) ... (b) ... (c) ..." when the
    numerals run from i in one case, each item names an image or its plane, and the caption letters
    nothing itself; a list of findings ("(i) GGO; (ii) consolidation") stays as written."""
    found = list(_ROMAN_PANEL.finditer(caption))
    numerals = [m.group(2) for m in found]
    if (len(numerals) < 2 or [n.upper() for n in numerals] != list(ROMAN_NUMERALS[:len(numerals)])
            or len({n.isupper() for n in numerals}) > 1 or re.search(r"\(\s*[a-pA-P]\s*[),–-]",
                                                                    _ROMAN_PANEL.sub("", caption))):
        return caption
    items = [caption[m.end():(found[i + 1].start() if i + 1 < len(found) else len(caption))]
             for i, m in enumerate(found)]
    if not all(_IMAGE_OR_PLANE.search(item) for item in items) and not _numerals_after_words(caption, found):
        return caption
    first = "a" if numerals[0].islower() else "A"

    def letter(m: re.Match[str]) -> str:
        return f"({m.group(1)}{chr(ord(first) + ROMAN_NUMERALS.index(m.group(2).upper()))}{m.group(3)})"

    return _ROMAN_PANEL.sub(letter, caption)


# A moment an image's words tell: "on the 10th day of ECMO support", "after two weeks", "at follow-up".
_MOMENT_WORD = re.compile(r"\b(?:days?|weeks?|months?|years?|admission|discharge|follow[-\s]?up|before|after|later|"
                          r"onset|presentation)\b", re.I)


def _numerals_after_words(caption: str, found: list[re.Match[str]]) -> bool:
    """Images numbered after their words, the first naming the image and each later one an image, a plane or its
    moment ("Chest X-ray after the cannulation for ECMO (i) and on the 10th day of ECMO support (ii): ..."); a list
    of findings after an image's name ("Chest CT showing GGO (i) and consolidation (ii)") is none."""
    items = [caption[(found[i - 1].end() if i else 0):m.start()] for i, m in enumerate(found)]
    return (bool(_IMAGE_OR_PLANE.search(items[0]))
            and all(_IMAGE_OR_PLANE.search(item) or _MOMENT_WORD.search(item) for item in items[1:])
            and all(re.match(r"\s*(?:,\s*)?(?:and\s+)?\S", item) for item in items[1:])
            and not re.match(r"\s*[:.]", caption[found[0].end():]))


def _expand(first: str, last: str | None) -> list[str]:
    a, b = first.lower(), (last or first).lower()
    if b < a:
        return [a]
    return [chr(c) for c in range(ord(a), ord(b) + 1)]


def _markers(pattern: re.Pattern[str], caption: str) -> list[Marker]:
    return [(m.start(), m.end(), _letters_of(m, caption)) for m in pattern.finditer(caption)]


def _letters_of(match: re.Match[str], caption: str) -> list[str]:
    """The letters a marker names: its range, or each letter of a list ("(A, C, and D)" is a, c, d,
    not a-d: a list names its letters, a range the ones between)."""
    span = caption[match.start(1):match.end(2)] if match.group(2) else ""
    listed = re.findall(r"(?<![A-Za-z])[a-hA-H](?![A-Za-z])", span)
    if len(listed) >= 2 and not re.search(r"[-–—/]|\bto\b", span):
        return [letter.lower() for letter in listed]
    return _expand(match.group(1), match.group(2))


def _introducing(markers: list[Marker]) -> list[Marker]:
    """The markers that introduce panels, in order: a later "(B, C)" in "(B-D): Axial (B, C) and
    sagittal (D)" refers back, and a leading "(A-D)" whose letters each get a marker of their own
    later ("(A-D) Serial CXRs: Day 1 (A) ... (B) ...") only announces them."""
    kept: list[Marker] = []
    seen: set[str] = set()
    for i, (start, end, group) in enumerate(markers):
        # A range opening the caption ("(A-E) CXR day 1 (A) ... Initial CT (C, D): ...") is announced
        # by later markers naming fewer of its letters; elsewhere ("(B-D): Axial (B, C) and
        # sagittal (D)") only by single letters, the others referring back.
        most = len(group) - 1 if start == 0 else 1
        later = set().union(*[set(g) for _, _, g in markers[i + 1:] if len(g) <= most]) if len(group) > 1 else set()
        if len(group) > 1 and set(group) <= later:
            continue
        if set(group) & seen:
            continue
        seen.update(group)
        kept.append((start, end, group))
    return kept


def parse_subcaptions(caption: str) -> dict[str, str]:
    """Panel letter (lower case) -> its sub-caption.

    ``"(a) PA radiograph on day 3; (b) lateral view"`` -> ``{"a": "PA radiograph on day 3",
    "b": "lateral view"}``. Also ``A, ...`` / ``B: ...`` leads (RSNA), ``a: ...`` lists, Springer's
    bare letters (``a A 35-year-old man ... b CT on day 5``), ranges ``(a-c)``/``(a, b)``/``(B/D)``,
    later mentions of a panel already introduced, and letters after their text (``on admission (a)
    and day 7 (b)``). Letters must run from ``a`` without gaps, so a stray "(n)" or "(C)" is not a
    panel.
    """
    caption = _normalized(caption)
    chosen = _chosen_markers(caption)
    if chosen is None:
        return {}
    raw, markers = chosen
    afters = []
    for i, (_start, end, _letters) in enumerate(markers):
        stop = markers[i + 1][0] if i + 1 < len(markers) else len(caption)
        afters.append(_tidy(caption[end:stop]))
    trailing_style = sum(1 for t in afters if len(t) < 4 or re.match(r"^(?:and|or|,)\b", t)) > len(afters) / 2
    result: dict[str, str] = {}
    previous = ""  # the words before the previous letter, which a bare "day 5 (B)" shares
    for i, (start, _end, letters) in enumerate(markers):
        if trailing_style and _mid_sentence(caption, start):
            # (a letter opening its sentence opens its words: "a Baseline film. Day 4 (b) and day 5 (c)")
            # The words back to the previous letter, within this letter's sentence.
            after_previous = markers[i - 1][1] if i else 0
            begin = max(after_previous, caption.rfind(". ", 0, start) + 1)
            left = _tidy(re.sub(r"^(?:and|or)\s+", "", _tidy(caption[begin:start])))
            text = with_head(left, previous if i and ". " not in caption[after_previous:start] else "")
            previous = text
        elif _mid_sentence(caption, start):
            text, previous = _mid_text(caption, markers, raw, i, previous)
        else:
            text, previous = _opening_text(caption, markers, i, afters[i]), ""
        for letter in letters:
            result.setdefault(letter, text)
    result = _shared_rest(_with_headings(result, caption, raw, markers), caption, markers, raw)
    result = _with_group_headings(result, caption, markers)
    result = _keyed_twice(_restated(result, caption, markers, raw), caption, markers)
    result = _planes_share_rest(result, markers)
    return _own_views(_respective(dict(sorted(result.items())), caption), caption, raw)


def _restated(result: dict[str, str], caption: str, markers: list[Marker], raw: list[Marker]) -> dict[str, str]:
    """A legend naming its panels in a lead sentence, the letters after their words ("Chest radiograph (A) and
    chest CT (B) on admission."), then each again opening a sentence of its own ("(A) Posteroanterior view shows
    ... (B) Axial image shows ...", "A: ... B: ..."): each panel's words are the lead's and its own sentence's
    (before, the own sentences were read as mentions referring back and left out, and with them the view).
    Only when every letter of the lead is named again once, in the lead's order, each opening its sentence."""
    if len(markers) < 2 or not all(_mid_sentence(caption, start) for start, _, _ in markers):
        return result
    lead_end = caption.find(". ", markers[-1][1])
    if lead_end < 0:
        return result
    found = {_hashable(m) for m in raw} | {_hashable(m) for style in (_PAREN, _LEAD, _COLON, _BARE)
                                          for m in _markers(style, caption)}
    # The markers after the lead opening a sentence; a marker inside another (a "(B)" in "A: ... (B)") is none.
    again = sorted(m for m in found if m[0] > lead_end and not _mid_sentence(caption, m[0]))
    again = [m for m in again if not any(o != m and o[0] <= m[0] and m[1] <= o[1] for o in again)]
    if [list(g) for _, _, g in again] != [list(g) for _, _, g in markers]:
        return result
    out = dict(result)
    for i, (_start, end, letters) in enumerate(again):
        stop = again[i + 1][0] if i + 1 < len(again) else len(caption)
        own = _tidy(caption[end:stop])
        for letter in letters:
            if own and letter in out and own not in out[letter]:
                out[letter] = f"{out[letter]}. {own}"
    return out


def _keyed_twice(result: dict[str, str], caption: str, markers: list[Marker]) -> dict[str, str]:
    """A legend naming its panels twice in two styles, each time every panel once (in the same groups or not): a key of
    bare letters ("A, D – 03.04; B, E – 10.04; C, F – 24.04.", "a: admission; b: day 7.") beside the letters after
    or before their words ("Ground glass opacities (A, D) progressing to consolidations (B, E)"). Each panel's
    words are both: before, the style read first kept its own and the other's (a date, a day, a view) was lost.
    Only a whole second sequence in a block of its own, naming each panel once, each letter opening its clause,
    counts (a stray "(B)", "(upper row, A–C)", "Axial images (A, C, E) and coronal (B, D, F)" after "Patient 1
    (A-B)", a range's members after it, "A and B: ... A: ... B: ...", are none)."""
    letters_named = sorted(letter for _, _, g in markers for letter in g)
    if len(markers) < 2 or len(set(letters_named)) != len(letters_named):
        return result
    for style in (_LEAD, _COLON, _DASHED, _HALF_PAREN):  # a key's letters open its clauses (not "(B)" mid-sentence)
        other = [m for m in _markers(style, caption) if not any(o[0] < m[1] and m[0] < o[1] for o in markers)]
        if len(other) < 2 or sorted(letter for _, _, g in other for letter in g) != letters_named:
            continue
        if not (other[-1][0] < markers[0][0] or markers[-1][0] < other[0][0]):
            return result  # interleaved: "A and B: ... A: ... B: ... C and D: ..." is a range and its members
        out = dict(result)
        for i, (_start, end, letters) in enumerate(other):
            stop = other[i + 1][0] if i + 1 < len(other) else len(caption)
            sentence_end = caption.find(". ", end, stop)
            own = _tidy(caption[end:sentence_end if sentence_end >= 0 else stop]).rstrip(";,. ")
            for letter in letters:
                if own and letter in out and own not in out[letter]:
                    out[letter] = f"{out[letter]}. {own}" if out[letter] else own
        return out
    return result


#: A sentence opening on a group of the panels after it and ending in a colon right before a letter: "Upper row,
#: patient 1 (the index patient) on January 25, 2020: A, ...; B, ... Lower row, patient 2 on January 28: C and D,
#: ...", "Left column, case 2 at admission: (a) ...". Its words are those panels' (up to the next such heading),
#: never the tail of the panel before it.
_GROUP_HEADING = re.compile(r"(?:(?<=^)|(?<=[.;]\s))(?P<heading>[A-Z][^.:;()]*(?:\([^()]{1,40}\)[^.:;()]*)*):\s*$")
#: The same heading as a sentence of its own, ending in a full stop right before the letter: "Upper row: patient 1.
#: (A) January 28, 2020, ...; (B) ... Lower row: patient 2. (D) ...", "Top row, the husband. A, ...", "Patient 2
#: (the wife). (D) ...". Only a row's or column's place, or a patient or case alone with its number: a sentence
#: that tells something ("Case 2 had no fever.") is the panel's before it.
_SENTENCE_HEADING = re.compile(
    r"(?:(?<=^)|(?<=[.;]\s))(?P<heading>(?:(?:upper|lower|top|bottom|middle|left|right|first|second|third)\s+"
    r"(?:row|column|line)|(?:patient|case)\s+\d{1,2}(?:\s*\([^()]{1,40}\))?(?=\.))[^.;()]{0,60})\.\s*$",
    re.IGNORECASE)


def _with_group_headings(result: dict[str, str], caption: str, markers: list[Marker]) -> dict[str, str]:
    """The panels after a heading ending in a colon right before their first letter (``_GROUP_HEADING``) take the
    heading's words; the panel before it loses them. Only where two headings at least divide the letters (rows,
    columns, patients): a single "Chest CT on admission: (a) ..." is the caption's lead, read as before."""
    headings = []
    for i, (start, _, _) in enumerate(markers):
        m = _GROUP_HEADING.search(caption, 0, start)
        if m is None or m.end() != start:
            m = _SENTENCE_HEADING.search(caption, 0, start)
        if m is not None and m.end() == start and len(m.group("heading").split()) >= 2:
            headings.append((i, _tidy(m.group("heading"))))
    if len(headings) < 2:
        return result
    out = dict(result)
    bounds = [i for i, _ in headings] + [len(markers)]
    for (first, heading), stop in zip(headings, bounds[1:]):
        for _, _, letters in markers[first:stop]:
            for letter in letters:
                if letter in out and not out[letter].startswith(heading):
                    out[letter] = f"{heading}: {out[letter]}"
        for _, _, letters in markers[:first]:
            for letter in letters:
                text = out.get(letter, "")
                if text.endswith(f"{heading}:") or text.endswith(heading):
                    out[letter] = _tidy(text[:text.rfind(heading)])
    return out


#: A list of days as many as the panels of a range, given in order: "at days 2, 5 and 9 of illness (A-C)".
_DAY_LIST = re.compile(r"\bdays\s+(\d{1,3}(?:\s*,\s*\d{1,3})*\s*,?\s*(?:and|&)\s*\d{1,3})\b")
_NUMBERS = re.compile(r"\d{1,3}")


def _respective(result: dict[str, str], caption: str) -> dict[str, str]:
    """Panels of one range sharing words that list as many days ("Chest radiographs at days 2, 5 and 9
    of illness (A-C)") each get their day, in order ("Chest radiographs at day 2 of illness"), and the
    caption's sentences naming that day outside any panel's words ("The radiographs on days 5 and 9
    are anteroposterior supine films"): they describe that panel's film."""
    shared: dict[str, list[str]] = {}
    for letter, text in result.items():
        shared.setdefault(text, []).append(letter)
    for text, letters in shared.items():
        m = _DAY_LIST.search(text)
        days = _NUMBERS.findall(m.group(1)) if m else []
        if len(letters) < 2 or len(days) != len(letters):
            continue
        others = [sentence for sentence in re.split(r"(?<=\.)\s+", caption) if text not in sentence]
        for letter, day in zip(sorted(letters), days):
            naming = [s for s in others if (d := _DAY_LIST.search(s) or re.search(r"\bdays?\s+(\d{1,3})\b", s))
                      and day in _NUMBERS.findall(d.group(1))]
            own = f"{text[:m.start()]}day {day}{text[m.end():]}"
            result[letter] = f"{own}. {' '.join(naming)}" if naming else own
    return result


# Between two letters of one coordinated phrase: a conjunction or comma and at most three words
# ("Axial (a) and coronal (b)", "2 weeks (a) and 6 weeks (b)", "Radiograph (A), CT (B)").
_COORDINATED = re.compile(r"\A\s*(?:,\s*(?:(?:and|or)\s+)?|(?:and|or)\s+)(?:[^\s()]+\s+){0,2}[^\s()]+\s*")


_PLANE_ALONE = re.compile(rf"({_PLANES})(?:\s*(?:,|and|or))?", re.I)
_PLANE_FIRST = re.compile(rf"{_PLANES}\s+(\w.*)", re.I)


def _planes_share_rest(result: dict[str, str], markers: list[Marker]) -> dict[str, str]:
    """Letters before their planes, coordinated in one phrase, share the last plane's rest: "(b) Axial and (c)
    coronal chest CT images on 19 March" and BMC's "b Axial and c coronal chest CT images on 19 March" give b
    "Axial chest CT images on 19 March" (read alone, b's words are its plane only). A letter whose words are more
    than a plane keeps them."""
    out = dict(result)
    singles = [letters[0] for _, _, letters in markers if len(letters) == 1]
    for letter, following in reversed(list(zip(singles, singles[1:]))):
        alone = _PLANE_ALONE.fullmatch(out.get(letter, ""))
        rest = _PLANE_FIRST.fullmatch(out.get(following, ""))
        if alone and rest:
            out[letter] = f"{alone.group(1)} {rest.group(1)}"
    return out


def _shared_rest(result: dict[str, str], caption: str, markers: list[Marker], raw: list[Marker]) -> dict[str, str]:
    """Letters after their words, coordinated in one phrase, share the phrase's rest: "Axial (a) and
    coronal (b) CT images on March 20" gives a "Axial CT images on March 20"; "2 weeks (a) and 6 weeks
    (b) after symptom onset" gives a "2 weeks after symptom onset". The rest ends at the sentence's
    end or the next letter; a rest opening with a comma ("(b), showing") is no shared words."""
    if len(markers) < 2 or not all(_mid_sentence(caption, start) for start, _, _ in markers):
        return result
    if not all(_COORDINATED.fullmatch(caption[a[1]:b[0]]) for a, b in zip(markers, markers[1:])):
        return result
    last_end = markers[-1][1]
    full_stop = caption.find(". ", last_end)
    stop = min([start for start, _, _ in raw if start >= last_end]
               + [full_stop if full_stop >= 0 else len(caption)])
    if not re.match(r"\s+[\w(]", caption[last_end:stop]):
        return result
    rest = _tidy(caption[last_end:stop])
    out = dict(result)
    for _, _, letters in markers[:-1]:
        for letter in letters:
            if rest and letter in out and rest not in out[letter]:
                out[letter] = _tidy(f"{out[letter]} {rest}")
    return out


def _with_headings(result: dict[str, str], caption: str, raw: list[Marker], markers: list[Marker]) -> dict[str, str]:
    """A range announcing panels described one by one later says what they share: "A and B:
    Anteroposterior chest X-ray of the patient at; A: the first hospital ... B: after intubation.
    C and D: Chest CT scan; C: ..." gives A "Anteroposterior chest X-ray of the patient at the
    first hospital ...", and B's words end where "C and D:" begins. When the range's words run
    into its first letter's ("(A-C) Serial CXRs: Day 1 (A) showing ..."), only the words before a
    colon are shared ("Serial CXRs"); without a colon they are the first letter's alone."""
    kept = {m[0] for m in markers}
    for start, end, letters in raw:
        before = [m for m in markers if m[0] < start and set(m[2]) & set(letters)]
        if len(letters) < 2 or start in kept or before:
            continue  # not an announcing range (a kept marker, or one referring back)
        following = [m for m in raw if m[0] >= end]
        stop = following[0][0] if following else len(caption)
        heading = caption[end:stop]
        if following and _mid_sentence(caption, stop):
            heading = heading.split(":")[0] if ":" in heading else ""
        heading = _tidy(heading)
        literal = caption[start:end].strip()
        for letter, text in result.items():
            if literal in text and not text.startswith(literal):
                result[letter] = text = _tidy(text.split(literal)[0])  # the words before the next range
            if letter in letters and heading and not text.startswith(heading):
                joint = " " if re.search(r"\b(?:at|on|of|in|from|with|after|before)$", heading) else ": "
                result[letter] = f"{heading}{joint}{text}"
    return result


# A view word naming the panels of the marker right after it: "Axial (B, C) and coronal (D) CT", also through the
# image's noun and its making ("Axial images (A, C, E) and coronal reformatted images (B, D, F)", "lateral view (B)").
_VIEW_BEFORE = re.compile(r"\b(axial|coronal|sagittal|transverse|lateral|oblique|posteroanterior|anteroposterior"
                          r"|PA|AP)(?:\s+(?:CT|MPR|multiplanar|reformatted|reconstructed|reformats?|reformations?"
                          r"|reconstructions?|images?|views?|sections?|slices?|planes?)){0,3}\s*$", re.I)


def _hashable(marker: Marker) -> tuple[int, int, tuple[str, ...]]:
    return marker[0], marker[1], tuple(marker[2])


def _own_views(result: dict[str, str], caption: str, raw: list[Marker]) -> dict[str, str]:
    """Panels sharing words that tie views to letters ("(B-D) Axial (B, C) and coronal (D) CT
    chest ...") each keep their own view: the other letters' view words are taken out of their
    text, and their view put first when their words lost it. Only where the caption ties views to
    letters of at least two markers (a single "axial (A)" leaves every text as it is)."""
    tied: list[tuple[str, str, list[str]]] = []  # (view words as written, the marker as written, its letters)
    views: dict[str, str] = {}  # the view words as written -> the view word
    # "(C)" ties a view to its panel whatever style letters the caption ("C and D: ... Axial (C) and coronal (D)").
    for start, end, letters in sorted(set(map(_hashable, raw)) | set(map(_hashable, _markers(_PAREN, caption)))):
        m = _VIEW_BEFORE.search(caption, max(0, start - 48), start)
        if m:
            written = m.group(0).rstrip()
            views[written] = m.group(1)
            tied.append((written, caption[start:end], letters))
    if len({views[view].lower() for view, _, _ in tied}) < 2:
        return result
    out = {}
    for letter, text in result.items():
        own = {views[view] for view, _, letters in tied if letter in letters}
        if len({v.lower() for v in own}) != 1:
            out[letter] = text
            continue
        for view, marker, letters in tied:
            tie = rf"{re.escape(view)}\s*{re.escape(marker)}"
            if letter in letters:
                text = re.sub(rf"(?<={re.escape(view)})\s*{re.escape(marker)}", "", text)
            else:
                text = re.sub(rf"(?:,?\s*\b(?:and|or)\s+|,\s*)?{tie}(?:\s*,|\s+(?:and|or)\b)?", "", text)
        view = next(iter(own))
        text = re.sub(r"^(?:and|or)\s+", "", _tidy(text))
        out[letter] = _tidy(text if re.search(rf"\b{re.escape(view)}\b", text, re.I) else f"{view} {text}")
    return out


def _opening_text(caption: str, markers: list[Marker], i: int, after: str) -> str:
    """A letter opening its words ("(A) Radiograph. Chest CT with axial (B) ..."): they end with
    the last sentence before a next letter inside its sentence, whose sentence is that letter's."""
    if i + 1 >= len(markers) or not _mid_sentence(caption, markers[i + 1][0]):
        return after
    words = caption[markers[i][1]:markers[i + 1][0]]
    full_stop = words.rfind(". ")
    return _tidy(words[:full_stop + 1]) if full_stop >= 0 else after


# Where a sentence's coordinated parts meet: "CT (a-c) shows ... and radiograph (d) ...". A bare
# comma is not one ("... (A) His follow-up CT ..., it looks like ... (B)").
_CLAUSE = re.compile(r",?\s+(?:and|or|while|whereas|but)\s+|;\s*")
_IMAGE_WORD = re.compile(r"\b(?:CT|HRCT|CXR|MRI|X-?rays?|radiograph\w*|tomograph\w*|scans?|films?|images?|imaging"
                         r"|views?)\b", re.I)


def _gap_cut(gap: str) -> int:
    """Where the words between two letters of one sentence part: a gap opening with a comma is the
    next letter's ("at admission (A), 3rd day of hospitalization, ... (B)") from its last ", and";
    else the last place the sentence's coordinated parts meet; -1 when none (both letters share
    the words)."""
    cuts = list(_CLAUSE.finditer(gap))
    if re.match(r"\s*[,;]", gap):
        # "... 38-year-old male (A and B), who reached ..., and the other ... (C)": the clause
        # after the comma is A's, up to a comma and a conjunction.
        cuts = [c for c in cuts if c.group(0).startswith((",", ";")) and c.start() > 0]
        return cuts[-1].start() if cuts else 0
    return cuts[-1].start() if cuts else -1


def _mid_text(caption: str, markers: list[Marker], raw: list[Marker], i: int, previous: str) -> tuple[str, str]:
    """A letter inside a sentence ("Day 1 (A) showing ...; three days later (B) ..."): the words of
    its part of the sentence, before and after it. Between two letters of one sentence the words
    are cut where its coordinated parts meet ("CT images (a-c) on day 3 show GGO and radiograph (d)
    on day 7": a-c end before "and", d begins after it). Returns (text, the words before it)."""
    start, end, _ = markers[i]
    sentence = caption.rfind(". ", 0, start)
    sentence_start = sentence + 2 if sentence >= 0 else 0
    begin = max([sentence_start] + [e for _, e, _ in raw if e <= start])
    left = caption[begin:start]
    joined = begin > sentence_start and i > 0 and markers[i - 1][1] == begin
    if joined and (cut := _gap_cut(left)) >= 0:
        left = _CLAUSE.sub("", left[cut:], count=1) if _CLAUSE.match(left, cut) else left[cut:]
    stop = markers[i + 1][0] if i + 1 < len(markers) else len(caption)
    full_stop = caption.find(". ", end)
    right_end = min(stop, full_stop + 1 if full_stop >= 0 else stop)
    right = caption[end:right_end]
    if right_end == stop and i + 1 < len(markers) and _mid_sentence(caption, stop) and (cut := _gap_cut(right)) >= 0:
        right = right[:cut]
    head = with_head(_tidy(left), previous) if joined else _tidy(left)
    return _tidy((left if head == _tidy(left) else f"{head} ") + right), head


def with_head(left: str, previous: str) -> str:
    """A letter after a bare modifier shares the noun of the letter before ("Chest radiographs on
    admission (A), day 5 (B)": B is "Chest radiographs day 5"; "CT of the left (A) and right (B)
    lung": B is "CT of the right lung"): the previous words less as many words as this one has.
    A part naming its own image ("and CT on day 5 (B)") keeps its words."""
    words, before = left.split(), previous.split()
    if not words or len(words) > 3 or len(before) <= len(words) or _IMAGE_WORD.search(left):
        return left
    shared = before[:len(before) - len(words)]
    # Only a noun naming the image is shared: "Mucoid impactions (a), tree-in-bud (b)" is a list.
    return " ".join(shared + words) if _IMAGE_WORD.search(" ".join(shared)) else left


# A figure labelled with one panel's letter: "Fig. 1A", "Figure 2b", "Fig 3-C" (AJR and other Atypon
# pages give each panel its own <figure>, every one carrying the whole legend).
_LABEL_PANEL = re.compile(r"\bfig(?:ure)?\.?\s*\d{1,2}\s*[-\u2013]?\s*([a-hA-H])\s*$", re.I)


def labelled_panel(label: str, subcaptions: dict[str, str]) -> dict[str, str]:
    """The one panel a figure's label names, with its sub-caption ("Fig. 1B" of a legend lettering
    A and B -> {"b": B's words}); {} when the label names no panel or the legend does not letter it
    among others."""
    m = _LABEL_PANEL.search(label or "")
    letter = m.group(1).lower() if m else ""
    return {letter: subcaptions[letter]} if letter in subcaptions and len(subcaptions) > 1 else {}


def caption_lead(caption: str) -> str:
    """The caption's words before its first panel letter: what every panel shares ("Chest
    radiographs of the patient.", "Axial CT images in a 62-year-old woman.")."""
    caption = _normalized(caption)
    chosen = _chosen_markers(caption)
    if chosen is None:
        return caption
    raw = chosen[0]
    # "(A-D) Radiograph on day 1 (A) ...": the words after an announcing range are panel A's.
    return "" if raw[0][0] == 0 else _tidy(caption[:raw[0][0]])


def _mid_sentence(caption: str, start: int) -> bool:
    """A marker inside a sentence ("CXR at presentation (A) shows ..."), not opening one."""
    before = caption[:start].rstrip()
    # A short word opening the sentence is a letter's lead ("B, CT (C)"), unless it is an
    # abbreviation naming the image ("CT (C, D) shows", "CXR (E) day 6").
    return (bool(before) and (before[-1].isalnum() or before[-1] == ")")
            and (not re.search(r"(?:^|[.;:]\s*)\S{0,3}$", before[-4:])
                 or bool(re.search(r"(?:^|[.;:]\s)(?:CT|CXR|MRI|HRCT)$", before))))


def _tidy(text: str) -> str:
    text = re.sub(r"\s+", " ", text).strip()
    text = re.sub(r"^[\s;,:.–-]+|[\s;,(]+$", "", text)
    text = re.sub(r"(?<!\s)\s+(?:and|or)$", "", text)
    text = text.rstrip(" ;,").rstrip(".").rstrip() if not text.endswith("etc.") else text
    if text.endswith(")") and text.count(")") > text.count("("):
        text = text[:-1].rstrip(" ;,.")
    return text


def _is_sequence(markers: list[Marker]) -> bool:
    """The markers name each of a, b, c ... once; in any order, since a caption may name its
    panels by what they show ("Axial (A and C) and coronal (D) images ... middle (B)")."""
    letters = [letter for _, _, group in markers for letter in group]
    if len(letters) < 2:
        return False
    return sorted(letters) == [chr(ord("a") + i) for i in range(len(letters))]


# --- Splitting ---------------------------------------------------------------------------------

def _to_gray(image_bytes: bytes) -> tuple[Image.Image, np.ndarray]:
    image = Image.open(io.BytesIO(image_bytes))
    image.load()
    gray = np.asarray(image.convert("L"), dtype=np.int16)
    return image, gray


def _background(gray: np.ndarray) -> int:
    border = np.concatenate([gray[0], gray[-1], gray[:, 0], gray[:, -1]])
    # Figures are laid out on white (journals) or black (radiology composites) backgrounds.
    return 255 if np.mean(border > 200) >= np.mean(border < 55) else 0


def _runs(mask: np.ndarray) -> list[tuple[int, int]]:
    """[start, end) runs of True."""
    runs = []
    start = None
    for i, value in enumerate(mask):
        if value and start is None:
            start = i
        elif not value and start is not None:
            runs.append((start, i))
            start = None
    if start is not None:
        runs.append((start, len(mask)))
    return runs


def _trim(is_bg: np.ndarray, box: Box) -> Box | None:
    """The box without its background margins (None when it holds only background)."""
    x0, y0, x1, y1 = box
    region = is_bg[y0:y1, x0:x1]
    rows = np.where(~region.all(axis=1))[0]
    cols = np.where(~region.all(axis=0))[0]
    if rows.size == 0 or cols.size == 0:
        return None
    return (x0 + int(cols[0]), y0 + int(rows[0]), x0 + int(cols[-1]) + 1, y0 + int(rows[-1]) + 1)


def _plausible_gutters(gutters: list[tuple[int, int]], margin_bg: np.ndarray, length: int) -> list[tuple[int, int]]:
    """Gutters of the margin colour, and dark gutters between two pieces of comparable size: a
    dark band beside a much smaller piece is a panel's own black surround cut off by its letter
    or a CT's arm, not the meeting of two panels."""
    kept = list(gutters)
    changed = True
    while changed:
        changed = False
        cuts = [0] + [(s + e) // 2 for s, e in kept] + [length]
        for i, (s, e) in enumerate(kept):
            before, after = cuts[i + 1] - cuts[i], cuts[i + 2] - cuts[i + 1]
            if not margin_bg[s:e].all() and min(before, after) < 0.4 * max(before, after):
                del kept[i]
                changed = True
                break
    return kept


def _cut(is_bg: np.ndarray, box: Box, min_gutter: int, depth: int = 0, is_gap: np.ndarray | None = None) -> list[Box]:
    """Recursive XY-cut of ``box``. ``is_gap`` (default ``is_bg``) marks the pixels a gutter may
    be made of; panels are cut at the gutter's middle and trimmed of ``is_bg`` only, so a black
    gutter that is really two CT slices' black surrounds meeting stays inside the two panels."""
    is_gap = is_bg if is_gap is None else is_gap
    trimmed = _trim(is_bg, box)
    if trimmed is None:
        return []
    x0, y0, x1, y1 = trimmed
    if depth > 6:
        return [trimmed]
    region = is_gap[y0:y1, x0:x1]
    # A gutter tolerates a few foreground pixels (a panel letter or an arrow crossing it).
    col_bg = region.mean(axis=0) >= 0.995
    row_bg = region.mean(axis=1) >= 0.995
    for axis, line_bg in (("x", col_bg), ("y", row_bg)):
        gutters = [(s, e) for s, e in _runs(line_bg) if e - s >= min_gutter and s > 0 and e < len(line_bg)]
        if is_gap is not is_bg:
            margin_bg = (is_bg[y0:y1, x0:x1].mean(axis=0 if axis == "x" else 1)) >= 0.995
            gutters = _plausible_gutters(gutters, margin_bg, len(line_bg))
        if not gutters:
            continue
        cuts = [0] + [(s + e) // 2 for s, e in gutters] + [len(line_bg)]
        pieces = [(x0 + a, y0, x0 + b, y1) if axis == "x" else (x0, y0 + a, x1, y0 + b)
                  for a, b in zip(cuts, cuts[1:])]
        out: list[Box] = []
        for piece in pieces:
            out.extend(_cut(is_bg, piece, min_gutter, depth + 1, is_gap))
        return out
    return [trimmed]


def _area(box: Box) -> int:
    return max(0, box[2] - box[0]) * max(0, box[3] - box[1])


def _reading_order(boxes: list[Box]) -> list[Box]:
    """Rows top to bottom (boxes whose vertical centres overlap form a row), left to right."""
    rows: list[list[Box]] = []
    for box in sorted(boxes, key=lambda b: (b[1], b[0])):
        for row in rows:
            ref = row[0]
            if (box[1] < ref[3] and box[3] > ref[1]
                    and abs((box[1] + box[3]) / 2 - (ref[1] + ref[3]) / 2) < (ref[3] - ref[1]) / 2):
                row.append(box)
                break
        else:
            rows.append([box])
    return [b for row in rows for b in sorted(row, key=lambda b: b[0])]


def _png(image: Image.Image, box: Box | None = None) -> bytes:
    crop = image.crop(box) if box else image
    if crop.mode not in ("L", "RGB", "RGBA", "I;16"):
        crop = crop.convert("RGB")
    out = io.BytesIO()
    crop.save(out, format="PNG")
    return out.getvalue()


def _content_box(gray: np.ndarray, background: int, tolerance: int) -> Box:
    content = np.abs(gray - background) > tolerance
    rows, cols = np.where(content.any(axis=1))[0], np.where(content.any(axis=0))[0]
    if rows.size == 0 or cols.size == 0:
        return (0, 0, gray.shape[1], gray.shape[0])
    return (int(cols[0]), int(rows[0]), int(cols[-1]) + 1, int(rows[-1]) + 1)


def _has_letter(gray: np.ndarray, cell: Box) -> bool:
    """A panel letter in the cell's top-left corner: a small, compact cluster of near-white
    pixels on a darker picture (journals draw "A", "b" in white on radiographs and CT)."""
    x0, y0, x1, y1 = cell
    w, h = x1 - x0, y1 - y0
    corner = gray[y0:y0 + max(4, h // 4), x0:x0 + max(4, w // 4)]
    if corner.size == 0:
        return False
    bright = corner >= 240
    count = int(bright.sum())
    if count < 6 or count > 0.15 * corner.size:
        return False
    ys, xs = np.where(bright)
    spread = max(ys.max() - ys.min() + 1, xs.max() - xs.min() + 1)
    # Compact (a glyph, not a bright rim) on a dark corner (not a white margin).
    return spread <= 0.2 * max(w, h) + 4 and float(np.median(corner)) < 200


def _letters(gray: np.ndarray) -> list[Box]:
    """Boxes of panel letters: small compact near-white blobs on a dark surround."""
    from scipy import ndimage  # noqa: PLC0415 - only figures without gutters need it

    height, width = gray.shape
    labels, _count = ndimage.label(gray >= 240)
    found: list[Box] = []
    limit = 0.12 * min(width, height) + 8
    for index, region in enumerate(ndimage.find_objects(labels), start=1):
        if region is None:
            continue
        ys, xs = region
        h, w = ys.stop - ys.start, xs.stop - xs.start
        if not (4 <= max(h, w) <= limit):
            continue
        pixels = int((labels[region] == index).sum())
        if pixels < 6:
            continue
        ring = gray[max(0, ys.start - 4):ys.stop + 4, max(0, xs.start - 4):xs.stop + 4]
        if float(np.median(ring)) >= 200:
            continue
        found.append((xs.start, ys.start, xs.stop, ys.stop))
    return _merge_glyphs(found)


def _merge_glyphs(boxes: list[Box]) -> list[Box]:
    """Strokes of one glyph (the two parts of "i", an anti-aliased "B") as one box."""
    merged: list[Box] = []
    for box in sorted(boxes):
        for i, other in enumerate(merged):
            if box[0] <= other[2] + 3 and other[0] <= box[2] + 3 and box[1] <= other[3] + 3 and other[1] <= box[3] + 3:
                merged[i] = (min(box[0], other[0]), min(box[1], other[1]),
                             max(box[2], other[2]), max(box[3], other[3]))
                break
        else:
            merged.append(box)
    return merged


def _clusters(values: list[int], gap: int) -> list[int]:
    """The smallest value of each cluster of close values (letters of one column or row)."""
    out: list[int] = []
    for value in sorted(values):
        if not out or value - out[-1] > gap:
            out.append(value)
    return out


def _letter_anchored(gray: np.ndarray, content: Box, expected: int | None, background: int) -> list[Box]:
    """Panels whose top-left corners the letters mark: one letter per panel, in a grid of columns
    and rows (the rows may differ in height, the columns in width). [] when the letters do not
    make such a grid of the expected size."""
    x0, y0, x1, y1 = content
    letters = [b for b in _letters(gray) if b[0] >= x0 and b[1] >= y0]
    if len(letters) < 2 or (expected is not None and len(letters) != expected):
        return []
    size = max(max(b[3] - b[1], b[2] - b[0]) for b in letters)
    cols = _clusters([b[0] for b in letters], 2 * size)
    rows = _clusters([b[1] for b in letters], 2 * size)
    if len(cols) * len(rows) != len(letters):
        return []
    # The first column's letters are as far from the panels' left edge as every other's.
    dx = min(b[0] for b in letters if b[0] - cols[0] <= 2 * size) - x0
    dy = min(b[1] for b in letters if b[1] - rows[0] <= 2 * size) - y0
    lefts = [max(x0, c - dx) for c in cols] + [x1]
    tops = [max(y0, r - dy) for r in rows] + [y1]
    is_bg = np.abs(gray - background) <= 12
    boxes = []
    for r in range(len(rows)):
        for c in range(len(cols)):
            cell = (int(lefts[c]), int(tops[r]), int(lefts[c + 1]), int(tops[r + 1]))
            trimmed = _cut(is_bg, cell, 10 ** 6)  # margins off, no further cut
            boxes.append(trimmed[0] if trimmed else cell)
    return boxes


def _letter_grid(gray: np.ndarray, content: Box, expected: int | None) -> list[Box]:
    """The rows x cols grid of equal cells over ``content`` whose every cell has a letter in its
    corner (and whose cells shifted by half a cell have none): [] when no grid is that clear."""
    x0, y0, x1, y1 = content
    shapes = [(r, c) for r in range(1, 5) for c in range(1, 6)
              if r * c >= 2 and (expected is None or r * c == expected)]
    found: list[list[Box]] = []
    for rows, cols in shapes:
        cw, ch = (x1 - x0) / cols, (y1 - y0) / rows
        if min(cw, ch) < 32 or not 0.33 <= cw / ch <= 3.0:
            continue
        cells = [(int(round(x0 + c * cw)), int(round(y0 + r * ch)),
                  int(round(x0 + (c + 1) * cw)), int(round(y0 + (r + 1) * ch)))
                 for r in range(rows) for c in range(cols)]
        if all(_has_letter(gray, cell) for cell in cells):
            found.append(cells)
    # The finest grid whose every cell is lettered (a 2x2 grid's letters also sit in its 1x2 halves).
    return max(found, key=len) if found else []


@dataclass
class _Cut:
    boxes: list[Box]
    min_gutter: int
    #: The colour of the figure's margins the panels were trimmed of.
    background: int


def _gutter_masks(gray: np.ndarray, background: int, tolerance: int) -> list[tuple[int, np.ndarray, np.ndarray]]:
    """(margin colour, margin mask, gutter mask) to cut with, in order. Panels often touch the
    image edge, so the border colour does not always tell the gutter colour: the border's guess
    first, then the other one; last, gutters of either (CT slices on black meeting inside a white
    figure: their black surrounds make the gutter, the white the margins)."""
    near = {bg: np.abs(gray - bg) <= tolerance for bg in (255, 0)}
    dark_or_white = (gray <= 40) | near[255]
    return [(background, near[background], near[background]),
            (255 - background, near[255 - background], near[255 - background]),
            (255, near[255], dark_or_white)]


def _gutter_cut(gray: np.ndarray, background: int, expected: int | None, tolerance: int = 12) -> _Cut:
    """The XY-cut giving the caption's panel count (the first found, widest gutters first); when
    the caption names none, the one giving the most panels of comparable size (white gutters may
    part the columns while black ones part the CT slices inside them)."""
    height, width = gray.shape
    candidates: list[_Cut] = []
    for bg, is_bg, is_gap in _gutter_masks(gray, background, tolerance):
        # A one-pixel line is a gutter only when the caption says how many panels there are.
        for fraction in (0.012, 0.006, 0.003) + ((0.0,) if expected else ()):
            min_gutter = max(1 if expected else 2, int(round(min(width, height) * fraction)))
            boxes = _cut(is_bg, (0, 0, width, height), min_gutter, is_gap=is_gap)
            # Specks (a letter or arrow alone between panels) are not panels.
            largest = max((_area(b) for b in boxes), default=0)
            boxes = [b for b in boxes if _area(b) >= 0.04 * largest and min(b[2] - b[0], b[3] - b[1]) >= 16]
            candidates.append(_Cut(_reading_order(boxes), min_gutter, bg))
            if expected is not None and len(boxes) == expected:
                return candidates[-1]
    several = [c for c in candidates if len(c.boxes) > 1]
    if expected is not None or not several:
        return candidates[0]
    comparable = [c for c in several if min(map(_area, c.boxes)) >= 0.2 * max(map(_area, c.boxes))]
    return max(comparable, key=lambda c: len(c.boxes)) if comparable else several[0]


def split_panels(image_bytes: bytes, expected: int | None = None) -> PanelSplit:
    image, gray = _to_gray(image_bytes)
    height, width = gray.shape
    background = _background(gray)
    tolerance = 12
    whole = PanelSplit(panels=[Panel(box=(0, 0, width, height), png=_png(image))], reliable=False,
                       width=width, height=height, background=background)

    cut = _gutter_cut(gray, background, expected)
    boxes, min_gutter, whole.background = cut.boxes, cut.min_gutter, cut.background
    whole.extra["min_gutter_px"] = min_gutter

    if len(boxes) != (expected or len(boxes)) or len(boxes) <= 1:
        # No gutter between (some) panels: the letters drawn in the panels' corners find the grid.
        content = _content_box(gray, whole.background, tolerance)
        grid = _letter_anchored(gray, content, expected, whole.background) or _letter_grid(gray, content, expected)
        if grid:
            panels = [Panel(box=b, png=_png(image, b)) for b in grid]
            return PanelSplit(panels=panels, reliable=True,
                              reason=f"{len(panels)} panels found by their letters (no gutter)",
                              width=width, height=height, background=whole.background, extra={"min_gutter_px": 0})
    if len(boxes) <= 1:
        whole.reliable = expected in (None, 1)
        whole.reason = "no gutter found" if expected not in (None, 1) else "single panel"
        if whole.reliable and boxes:
            # One panel on a margin: the panel is the content, without the margin.
            whole.panels = [Panel(box=boxes[0], png=_png(image, boxes[0]))]
        return whole
    if expected is not None and len(boxes) != expected:
        whole.reason = f"found {len(boxes)} panels where the caption names {expected}"
        whole.extra["candidate_boxes"] = boxes
        return whole
    areas = [_area(b) for b in boxes]
    if min(areas) < 0.2 * max(areas):
        whole.reason = "panels of very unequal size"
        whole.extra["candidate_boxes"] = boxes
        return whole
    # Coverage of the figure's content (a caption strip or an unlettered legend beside the panels
    # is not a panel): panels that fill it are a layout, scattered boxes are not.
    cx0, cy0, cx1, cy1 = _content_box(gray, whole.background, tolerance)
    covered = sum(areas) / float(max(1, (cx1 - cx0) * (cy1 - cy0)))
    if covered < 0.5:
        whole.reason = f"panels cover only {covered:.0%} of the figure"
        whole.extra["candidate_boxes"] = boxes
        return whole
    panels = [Panel(box=tuple(int(v) for v in b), png=_png(image, b)) for b in boxes]
    return PanelSplit(panels=panels, reliable=True, reason=f"{len(panels)} panels split on gutters",
                      width=width, height=height, background=whole.background,
                      extra={"min_gutter_px": min_gutter})


def _seams(region: np.ndarray, count: int) -> list[int] | None:
    """Where ``count`` films side by side in ``region`` (columns) meet without a gutter, or None.

    A radiograph or CT slice has a dark border (the air around the body) and a bright middle
    (mediastinum, spine, the body): where two films touch, their dark borders make a band dark
    from top to bottom near width/count, which no single film has there (its middle is the body;
    its lungs are dark but never over the whole height). The band must be as dark as the figure's
    own outer edges in at least 95% of the rows, and narrow; the cut is where the band's two
    films differ most (a step in brightness), else its middle."""
    height, width = region.shape
    if not 0.5 <= (width / count) / height <= 2.0:
        return None
    edge = max(2, width // 50)
    outer = np.concatenate([region[:, :edge].ravel(), region[:, -edge:].ravel()])
    if float(np.median(outer)) > 90:
        return None  # films without dark borders: a seam cannot be told from the film's own edges
    dark = (region <= np.percentile(outer, 90) + 10).mean(axis=0)
    means = region.mean(axis=0)
    cuts = []
    for k in range(1, count):
        lo, hi = int(k * width / count - 0.08 * width), int(k * width / count + 0.08 * width)
        x = lo + int(np.argmax(dark[lo:hi]))
        if dark[x] < 0.95:
            return None
        start, stop = x, x + 1
        while start > lo and dark[start - 1] >= 0.95:
            start -= 1
        while stop < hi and dark[stop] >= 0.95:
            stop += 1
        if stop - start > 0.25 * width / count:
            return None  # a wide dark area is part of a film, not two borders meeting
        jumps = np.abs(np.diff(means[start:stop + 1])) if stop - start > 1 else np.zeros(1)
        cuts.append(start + 1 + int(np.argmax(jumps)) if jumps.max() >= 8 else (start + stop) // 2)
    bounds = [0, *cuts, width]
    if any(float(dark[a:b].mean()) > 0.7 for a, b in zip(bounds, bounds[1:])):
        return None  # a "film" that is mostly dark is no film
    return cuts


def _seam_split(image_bytes: bytes, box: Box, count: int) -> PanelSplit | None:
    """The one piece ``box`` of a figure whose caption names ``count`` panels, cut where that many
    films touch in a row (or a column) without a gutter (``_seams``); None when no seam is clear."""
    image, gray = _to_gray(image_bytes)
    x0, y0, x1, y1 = box
    region = gray[y0:y1, x0:x1]
    for axis, pixels in (("x", region), ("y", region.T)):
        cuts = _seams(pixels, count)
        if cuts is None:
            continue
        bounds = [0, *cuts, pixels.shape[1]]
        boxes = [(x0 + a, y0, x0 + b, y1) if axis == "x" else (x0, y0 + a, x1, y0 + b)
                 for a, b in zip(bounds, bounds[1:])]
        panels = [Panel(box=b, png=_png(image, b)) for b in boxes]
        where = "side by side" if axis == "x" else "one above the other"
        return PanelSplit(panels=panels, reliable=True, width=gray.shape[1], height=gray.shape[0],
                          reason=f"{count} films {where} touching without a gutter, cut where their dark borders meet",
                          background=_background(gray), extra={"seam_cut": True, "min_gutter_px": 0})
    return None


def split_figure(image_bytes: bytes, lettered: int) -> PanelSplit:
    """A fetched figure's panels: as many as its caption letters (``lettered``); when the image
    does not split that way but cleanly into panels of its own (the caption letters groups, or
    leaves a chart unlettered), those panels, their disagreement with the caption said; when it is
    one piece, the films the caption names touching without a gutter (``_seams``)."""
    split = split_panels(image_bytes, lettered if lettered >= 2 else None)
    if split.reliable or lettered < 2:
        return split
    own = split_panels(image_bytes, None)
    if own.reliable and len(own.panels) == 1:
        seams = _seam_split(image_bytes, own.panels[0].box, lettered)
        if seams is not None:
            return seams
    if own.reliable and (len(own.panels) > 1 or own.panels[0].box != (0, 0, own.width, own.height)):
        own.reason = (f"the caption letters {lettered} panels, the image has {len(own.panels)} "
                      f"({own.reason or 'one panel'})")
        own.extra["letters_disagree"] = True
        if len(own.panels) == 1:
            # Films touching without a white line, and no dark band where their borders would meet
            # (a cut at the strongest edge near width/N was tried: a film's own edges are as strong).
            own.reason += (f"; no gutter between the {lettered} panels the caption names (films touching?):"
                           " kept whole for the reviewer to crop")
            own.extra["no_gutter"] = True
        return own
    return split
