"""A parsed paper (``Article``, optionally its PDF figures and panel splits) -> ``CaseRecord``s.

Natural key (``source_key``):
* ``<doi>#patient<N>``: one case per patient (``ingest.patients``): N is the paper's own number
  ("Patient 2", "Case 2"), else the order in which the paper introduces its patients ("a
  55-year-old woman", "his 59-year-old wife"); a paper with one patient is ``<doi>#patient1``.
* ``<doi>#fig<N>`` for a figure of a multi-patient paper whose caption names no patient: it gets
  a case of its own with a warning, for a reviewer to attach to the right patient.
Without a DOI the PMCID (``pmc:PMC123``) stands in for it.

Each figure becomes one ImageRecord, or one per panel when the caption has sub-captions (or the
image splits reliably into panels the caption does not letter): the panel keeps its own caption,
view, modality and date text (its sub-caption's, else what the caption says for every panel), and
``extra`` records the parent figure, the panel box and the transformation when a ``PanelSplit``
was given. Figures that are not patient images of the chest (``ingest.figure_kinds``) are left out,
with the reason in the case's warnings and ``extra["left_out_figures"]``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from itertools import islice
from typing import Any

from ingest.crossref import CrossrefWork
from ingest.figure_kinds import Verdict, caption_kind, scout_kind
from ingest.jats import SENTENCE_BREAK, Article, Figure, Table
from ingest.normalize.common import ENGLISH_TENS, ORDINALS_EN, OTHER_PERSON, cared_for
from ingest.normalize.demographics import normalize_age, normalize_sex
from ingest.normalize.imaging import normalize_modality, normalize_view, only_compared_studies
from ingest.normalize.time_words import ILLNESS_ONSET, ON_STAY
from ingest.panel_positions import align_positions, column_words, positions_lead
from ingest.panels import PanelSplit, caption_lead
from ingest.patients import PatientText, descriptors_in, names_a_relative, numbers_in, patients_named, split_patients
from ingest.pdf_figures import PdfFigure
from ingest.records import TIMELINE_NOTE, CaseRecord, ImageRecord
from ingest.timeline import (
    AFTER_PREVIOUS,
    POSTPARTUM_DAY,
    PRESENTING,
    SINCE_ADMISSION,
    SINCE_ONSET,
    ImageTexts,
    admission_is_day_one,
    dates_in,
    image_moments,
    onset_gap,
    onset_is_day_one,
    text_moments,
)

SOURCE = "publications"

#: Counts captions spell out ("two days after admission", "forty-five days after discharge", "forty five days
#: later": a compound whole, ``ENGLISH_TENS``).
_COUNTS = rf"{ENGLISH_TENS}|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen"
#: Where a "3 days after ..." moment ends when no punctuation does: the finding the panel shows.
_TAIL_ENDS = r"\s+(?:with|showing|shows?|demonstrat\w*|reveal\w*|in\s+which)\b"
#: Ordinal days ("on the 2nd day of hospitalization", "the fourth day since symptom onset").
_ORDINALS = r"\d+(?:st|nd|rd|th)|" + "|".join(ORDINALS_EN) + "|next"
#: Units of a "3 days after ..." moment ("19 d after surgery", "72 h later").
_UNITS = r"(?:days?|d|hours?|h|weeks?|months?)"
#: "day 3 of admission", "day 9 of illness" ("day 3 on admission": ``ON_STAY``): the day with what it counts from
#: (the timeline's anchor).
_DAY_OF = (rf"\s+(?:of|{ON_STAY})\s+"
           r"(?:admission|hospitali[sz]ation|(?:the\s+)?hospital\s+stay|illness|symptoms|(?:symptom\s+)?onset)")
#: "day 21 after symptom onset", "day 11 since admission": the day with the event it counts from (a bare "day 21" may
#: count from the onset or from admission).
_DAY_FROM = (r"\s+(?:after|since|from|following)\s+(?:the\s+)?(?:(?:symptoms?|illness|disease|fever)\s+)?"
             r"(?:onset|admission|presentation|hospitali[sz]ation)(?:\s+of\s+(?:the\s+)?(?:symptoms|illness|fever))?")
#: A panel's day told from the film before ("(B) CT the next day", "obtained the same day"); not "the same day as
#: the first positive test" (another moment) nor "the next day after intubation". Read in a panel's own words
#: only: in the text's sentences citing a figure "the same day" is the sentence before's day, not a film's.
_FILM_BEFORE_DAY = r"\b(?:on\s+)?the\s+(?:next|following|same)\s+day\b(?!\s+(?:as|after|of|following)\b)"
# A day with its count ("hospital day 3", "post-operative day 5", "post-admission day 6", "ICU day 14"; the
# clinicians' "HD 9", "POD 5", upper case only as the timeline reads them): a panel sharing its legend's lead takes
# the count's base along, not a bare "day 5".
_DATE = re.compile(r"\b(?:(?-i:(?:HD|POD)\s*#?\s*\d{1,3})\b|"
                   # a day from the delivery, in the timeline's words ("On postpartum day 4", "day 2 after the
                   # cesarean section": before the bare "day 2" below)
                   rf"(?:{POSTPARTUM_DAY})|"
                   r"(?:hospital\s+|illness\s+|post-?op(?:erative)?\s+|post-?admission\s+|(?:P?ICU|ITU)\s+)?"
                   # (and the signed "day +12" of a legend counting from a day 0)
                   rf"day(?:\s+|\s*\+\s*)\d+(?:{_DAY_OF}|{_DAY_FROM})?|"
                   r"day\s+of\s+(?:admission|presentation)|"
                   r"(?:on\s+)?the\s+(?:day|morning)\s+(?:after|following)\s+(?:(?:the|her|his|their)\s+)?"
                   r"(?:admission|presentation|arrival|hospitali[sz]ation)|"
                   r"on\s+admission|at\s+admission|admission|"
                   rf"(?:{_ORDINALS})\s+day\s+(?:of|after|since|following|{ON_STAY})\s[\w\s-]*?(?=[,;.:()]|$|{_TAIL_ENDS})|"
                   rf"(?:\d+|{_COUNTS})\s+{_UNITS}\s+(?:after|later|before)[\w\s-]*?(?=[,;.:()]|$|{_TAIL_ENDS})|"
                   # "after 10 days of treatment", "after 17 days on ECMO": the interval with what it counts from
                   # ("after 10 days from the onset of symptoms": the onset whole, the timeline's base)
                   rf"after\s+(?:\d+|{_COUNTS})\s+{_UNITS}\b(?:\s+(?:from|since|of)\s+(?:the\s+)?{ILLNESS_ONSET}\b"
                   r"|\s+(?:of|on|under)\s+(?:the\s+)?[^\W\d_]+)?|within\s+\d+\s*{_UNITS}\b|"
                   # "at discharge" whole: the timeline reads a bare "discharge" as no moment (a legend's
                   # "(A) PA and (B) lateral chest radiographs at discharge" gives panel A its words)
                   r"follow-up|(?:at|on)\s+discharge|discharge|(?:at|on)\s+presentation|"
                   # "in quinta giornata di ricovero": the day with what it counts (the timeline's base)
                   r"(?:in\s+)?\w+\s+giornata(?:\s+(?:di|dal(?:l[’'])?)\s*ricovero)?|al\s+ricovero|"
                   # Spanish and Portuguese: "al ingreso", "a los 4 días del ingreso", "na admissão",
                   # "10 dias após a admissão"
                   r"al\s+ingreso|(?:na|à)\s+(?:admiss[aã]o|interna[cç][aã]o)|"
                   rf"a\s+los\s+\d+\s+d[ií]as\s+del?\s[\w\s-]*?(?=[,;.:)]|$|{_TAIL_ENDS})|"
                   rf"\d+\s+dias\s+ap[oó]s\s[\w\s-]*?(?=[,;.:)]|$|{_TAIL_ENDS})|"
                   # "14 April", and the ordinal day ("the 14th of April", "22nd April, 2020")
                   r"\d{1,2}(?:(?:st|nd|rd|th)\s+(?:of\s+)?|\s+)(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)\w*"
                   r"(?:,?\s+\d{4})?|"
                   # (not "April 2020": a month with its year names no day)
                   r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)\w*\.?\s+\d{1,2}(?!\d)(?:,?\s+\d{4})?|"
                   # numeric dates with their year: "2020-02-12", "15.03.2020", "4/11/2020"
                   # (the separator named: the timeline's delivery days above hold groups of their own)
                   r"(?:19|20)\d{2}-[01]?\d-[0-3]?\d(?![\d-])|"
                   r"\d{1,2}(?P<sep>[./])\d{1,2}(?P=sep)(?:19|20)\d{2}(?!\d))", re.I)
#: Moments that only place a film roughly: a text naming one of them and a day ("on admission day
#: 1", "Follow-up CXR (E) day 6") is dated by the day.
_VAGUE = re.compile(r"(?:on\s+|at\s+)?(?:admission|follow-up|discharge|presentation)", re.I)
#: What joins the moments of one list ("on admission and on the 10th day of admission", "at presentation, on day 5
#: and 2 weeks later"): a comma or "and", then at most a preposition and an article.
_LIST_JOIN = re.compile(r"(?<!\s)\s*(?:,\s*(?:and\s+)?|and\s+|&\s*)(?:(?:on|at|in|after)\s+)?(?:the\s+)?", re.I)


def _listed_moments(text: str) -> list[str]:
    """The moments of a list in ``text``, in the order told, when a sentence names two or more joined only by
    "and" or commas ("Axial chest CT scan of the patient on admission and on the 10th day of admission",
    "Chest radiographs at presentation and 2 weeks later"), a vague one counting as much as a precise one (not
    ``_moments``' precise-first reading, which takes "on admission, 7 days after symptom onset" for one
    moment); [] when no sentence lists distinct moments so."""
    for sentence in re.split(r"(?<=[.;])\s+", text):
        found = list(_DATE.finditer(sentence))
        run, joins = found[:1], []
        for before, after in zip(found, found[1:]):
            join = sentence[before.end():after.start()]
            if _LIST_JOIN.fullmatch(join):
                run.append(after)
                joins.append(join)
            elif len(run) < 2:
                run, joins = [after], []
            else:
                break
        # the list ends with "and" ("on admission and on day 10, 2 April"): a comma alone restates ("on admission,
        # 7 days after symptom onset")
        ands = [k for k, join in enumerate(joins) if re.search(r"\band\b|&", join)]
        listed = [m.group(0).strip() for m in run[:ands[-1] + 2]] if ands else []
        if len(listed) > 1 and len({m.lower() for m in listed}) == len(listed):
            return listed
    return []


def patients_in(text: str) -> list[int]:
    return numbers_in(text)


def _key_base(article: Article) -> str:
    if article.doi:
        return article.doi.lower()
    if article.pmcid:
        return f"pmc:{article.pmcid}"
    return article.url


def _naming(normalize, *candidates: str) -> str:
    """The first text whose words name the value (the sub-caption, else what the caption says for
    every panel, ...), kept whole so the normalizer reads it in context; "" when none names one."""
    for candidate in candidates:
        if candidate and normalize(candidate).value is not None:
            return candidate
    return ""


_ABBREVIATION = re.compile(r"[A-Z][A-Za-z0-9-]{0,7}[A-Z0-9]s?\s?[,=:]\s?[A-Za-z]")
_SENTENCE_END = re.compile(r"[.;]\s+(?=[A-Z(])")


def without_glossary(text: str) -> str:
    """The caption without its closing list of abbreviations ("CXR, chest radiograph; GGO,
    ground-glass opacity."): a modality spelt out there is not what any panel shows."""
    stripped = text.rstrip()
    start = max(stripped.rfind(". ", 0, len(stripped) - 1), stripped.rfind(") ", 0, len(stripped) - 1))
    tail = stripped[start + 2:] if start >= 0 else stripped
    items = [item.strip() for item in tail.rstrip(".").split(";")]
    if len(items) >= 2 and all(_ABBREVIATION.match(item) for item in items):
        return stripped[:start + 1].rstrip() if start >= 0 else ""
    return text


def _first_sentence(text: str) -> str:
    m = _SENTENCE_END.search(text)
    return text[:m.start()] if m else ""


def _modality_naming(text: str, *others: str, own: bool = True) -> str:
    """``_naming`` for the modality. A panel's own sub-caption naming two modalities ("CXR shows
    ... A CT chest was subsequently performed") is read by its first sentence, the panel's
    subject; not a text several panels share ("(A-E) CXR day 1 (A) ... CT (C, D) ..."), nor the
    caption's lead."""
    if own and text and only_compared_studies(text) and others and normalize_modality(others[0]).value is not None:
        # "Anteroposterior chest radiographs on 21 March. ... b The mother: ..., increased in comparison with the CT
        # at admission": the panel's own words name only the study it is compared with, the lead the panel's
        return others[0]
    if text and normalize_modality(text).value is None and own and "both" in normalize_modality(text).reason:
        first = _first_sentence(text)
        if first and normalize_modality(first).value is not None:
            return first
    return _naming(normalize_modality, text, *others)


_UNLISTED_VIEW = re.compile(r"\b(?:sagittal|oblique|three-dimensional|3D|volume[- ]rendered)\b", re.I)


def described(text: str, shared: str = "", whole: str = "", own: bool = True, letter: str = "") -> dict[str, str]:
    """Modality, view and date words of a (sub-)caption; modality and view fall back on what the
    caption says for every panel (``shared``) when the sub-caption names none ("(B) day 5"), and
    modality last on the whole caption, which names it when it names one alone ("A and B) HRCT on
    day 2. C and D) Little change." : every panel CT; a caption naming CT and X-ray names none).
    ``own``: ``text`` is this panel's alone (not shared by a range of panels); ``letter``: the panel's
    letter in ``whole``. A closing list of abbreviations is not read (``without_glossary``)."""
    text, shared, whole = without_glossary(text), without_glossary(shared), without_glossary(whole)
    modality = _modality_naming(text, shared, whole, own=own)
    # A panel whose own words name a view the dataset has no value for ("sagittal") does not take
    # the caption's ("in axial (a) and sagittal (b) planes": b is not Axial).
    view = _naming(normalize_view, text, *(() if _UNLISTED_VIEW.search(text) else (shared,)))
    moments = _moments(text) or [m.group(0) for m in re.finditer(_FILM_BEFORE_DAY, text, re.I)]
    # A text several panels share naming several moments ("PA radiographs on day 1 and day 7")
    # does not say which is this panel's: no date text rather than the first one.
    # Nor does one listing them ("on admission and on the 10th day of admission"), though only one of them is precise.
    several = len({m.lower() for m in moments}) > 1 or bool(_listed_moments(text))
    date = moments[0] if moments and (own or not several) else ""
    # the lead's moment in the timeline's words when the English and Romance phrases name none ("TC de tórax no
    # 5º dia de internação.", "CT-Thorax am 3. Tag des stationären Aufenthalts.", "入院第3天胸部CT。")
    lead = _moments(shared) or [m.evidence for m in text_moments(shared, "caption") if m.evidence]
    if (not moments and len({m.lower() for m in lead}) == 1 and not _listed_moments(shared)
            and not _first_panels_moment(whole, letter)):
        # "Chest CT images on admission: (A) axial ...; (B) coronal ...": the one moment the lead
        # names is every panel's that names none of its own.
        date = lead[0]
    if not date and letter:
        date = _list_tail_moment(whole, letter)
    if letter and _BARE_DAY.fullmatch(date):
        date = f"{date} {_day_list_anchor(whole, letter)}".strip()
    return {"modality_text": modality, "view_text": view, "date_text": date}


#: A panel letter trailing its words in a list ("... on admission (A) and after treatment (B)"): the letter, then
#: the list going on with the next panel's words (not "(A) showing ...", which describes A).
_TRAILING_LETTER = re.compile(r"\(([A-Ha-h])\)(?=\s*(?:,\s*(?:and\s+)?|and\s+)(?!\(?[A-Ha-h]\)))")


def _first_panels_moment(caption: str, letter: str) -> bool:
    """Whether the moment of the caption's words before its first letter is the first panel's own, not
    every panel's: the letters trail their panels' words ("CT on admission (A) and after treatment (B)",
    "chest radiograph at presentation (a) and on day 7 (b)"), the moment in the first panel's phrase (after
    the lead's last comma or colon: "Chest CT on admission, axial (A) and coronal (B) images" shares it),
    and ``letter`` a later panel with words of its own before its letter (which the timeline then reads
    alone: "after treatment" tells no moment, so no day rather than the first panel's)."""
    first = _LETTER_MARK.search(caption)
    if not letter or first is None or first.group(1).lower() == letter.lower():
        return False
    if not _TRAILING_LETTER.match(caption, first.start()):
        return False
    phrase = re.split(r"[,:;.]\s", caption[:first.start()])[-1]
    if not _moments(phrase):
        return False
    end = re.search(r"[.;]\s|$", caption[first.end():])
    sentence = caption[:first.end() + (end.start() if end else 0)]  # the list; later sentences describe panels
    marks = list(_LETTER_MARK.finditer(sentence))
    own = [i for i, m in enumerate(marks) if m.group(1).lower() == letter.lower()]
    if len(own) != 1 or own[0] == 0:
        return False
    words = re.sub(r"^[\s,]*(?:and\b)?", "", sentence[marks[own[0] - 1].end():marks[own[0]].start()]).strip()
    # words naming only another plane or reconstruction ("and coronal reconstruction (B)") show the same scan
    return bool(words) and not _SAME_SCAN_WORDS.fullmatch(words)


#: A panel's words naming only a plane, window or reconstruction of the scan before it: the same exam.
_SAME_SCAN_WORDS = re.compile(
    r"(?:(?:the|its|a|an|corresponding|same|axial|coronal|sagittal|oblique|multiplanar|MPR|MIP|MinIP|3D|"
    r"volume[- ]rendered|lung|mediastinal|window|reconstruct\w*|reformat\w*|images?|views?|sections?|slices?|"
    r"planes?|of|at|level)[\s,-]*)+", re.I)


#: A day without what it counts from ("Day 4"): a label, unless a list it belongs to says.
_BARE_DAY = re.compile(r"day\s+\d+", re.I)
#: One lettered day of a list: "(B) day 4" or "day 4 (B)".
_LISTED_DAY = r"(?:\(\s*[A-Ha-h]\s*\)\s*day\s+\d+|day\s+\d+\s*\(\s*[A-Ha-h]\s*\))"
#: Lettered days in one list whose last names what they all count from: "(A) Day 1, (B) day 4, (C)
#: day 8 and (D) day 15 after admission", "day 2 (A), day 6 (B) and day 10 (C) of illness".
_DAY_LIST = re.compile(
    rf"{_LISTED_DAY}(?:\s*(?:,\s*(?:and\s+)?|and\s+){_LISTED_DAY})+\s*"
    r"(?P<anchor>(?:after|since|from|following|post)\s+(?:the\s+)?(?:admission|hospitali[sz]ation|presentation|"
    r"(?:symptom\s+)?onset(?:\s+of\s+(?:symptoms|illness|fever))?)|"
    r"of\s+(?:illness|admission|hospitali[sz]ation|symptoms))\b", re.I)


def _day_list_anchor(caption: str, letter: str) -> str:
    """What the days of a list of lettered panels count from when only the list's last day says
    it ("after admission"), for the list's panel ``letter``; "" when no such list letters it."""
    for m in _DAY_LIST.finditer(caption):
        if letter.lower() in (x.lower() for x in re.findall(r"\(\s*([A-Ha-h])\s*\)", m.group(0))):
            return m.group("anchor")
    return ""


#: A panel letter in parentheses inside a caption's sentence ("Chest radiograph (A) and chest CT (B) ...").
_LETTER_MARK = re.compile(r"\(([A-Ha-h])\)")
#: Words of a panel's own description: "(A) ... showing X (B) ..." describes A, it does not list it.
_DESCRIBING = re.compile(r"\b(?:show|reveal|demonstrat|with\b|arrow)", re.I)


def _list_tail_moment(caption: str, letter: str) -> str:
    """The moment after a list of lettered panels in one sentence, for every panel of the list:
    "Chest radiograph (A) and chest CT (B) on admission", "axial (a) and coronal (b) reconstructions,
    8 days after admission" (the letters trail their panels' words, so the sub-caption of A stops
    before the moment). The list is short words joined by "and" or commas, none describing a panel;
    "" when the panel is the list's last (its own words hold the moment) or the tail names several."""
    for sentence in re.split(r"(?<=[.;:])\s+", caption):
        marks = list(_LETTER_MARK.finditer(sentence))
        if letter.lower() not in [m.group(1).lower() for m in marks[:-1]]:
            continue
        between = sentence[marks[0].end():marks[-1].start()]
        if len(between.split()) > 3 * len(marks) or _DESCRIBING.search(between) or _moments(between):
            continue
        tail = sentence[marks[-1].end():]
        if len({m.group(0).strip().lower() for m in _DATE.finditer(tail)}) == 1:
            return _moments(tail)[0]
        if not _DATE.search(tail) and (same := _SAME_DAY.search(tail)):
            # "Axial CT images at the level of the carina (C) and of the lung bases (D) obtained on the
            # same day": the exam the list's panels share is the previous film's day
            return same.group(0)
    return ""


#: The previous film's day, said of a list's panels together.
_SAME_DAY = re.compile(r"\b(?:on\s+)?the\s+same\s+day\b", re.I)


def _moments(text: str) -> list[str]:
    """The moments a text names, the precise ones (a day, a date, "3 days later") first; a moment
    restated in parentheses ("on the second day of admission (January 31, 2020)") counts once."""
    found: list[re.Match[str]] = []
    for m in _DATE.finditer(text):
        if found and re.fullmatch(r"[\s,]*\(\s*", text[found[-1].end():m.start()]):
            if _VAGUE.fullmatch(found[-1].group(0).strip()) and not _VAGUE.fullmatch(m.group(0).strip()):
                found[-1] = m  # "before discharge (2020-02-12)": the date in parentheses is the precise one
            continue
        found.append(m)
    precise = [m.group(0).strip() for m in found if not _VAGUE.fullmatch(m.group(0).strip())]
    return precise or [m.group(0).strip() for m in found]


def _images_for(figure: Figure, panels: dict[str, str], split: PanelSplit | None,
                pdf: PdfFigure | None, position: int) -> list[ImageRecord]:
    base_extra: dict[str, Any] = {"figure_label": figure.label, "figure_number": figure.number,
                                  "figure_caption": figure.caption}
    if figure.third_party:
        base_extra["third_party"] = True
        base_extra["third_party_evidence"] = figure.third_party_evidence
    if figure.license:
        base_extra["figure_license"] = figure.license
    if figure.extra.get("supplementary"):
        base_extra["supplementary"] = True
    url = figure.image_url
    if pdf is not None:
        base_extra.update({"pdf_page": pdf.page, "pdf_bbox": list(pdf.bbox)})
    panel_files = figure.extra.get("panel_files", {})
    # Panels named by place (``_placed_panels``) share the words before the first place.
    by_place = bool(panels) and not figure.panel_captions and not panel_files
    shared = (positions_lead(figure.caption) if by_place else caption_lead(figure.caption)) if panels else ""
    whole_figure = len(panels) == len(figure.panel_captions) and not panel_files
    placed = (align_positions(figure.caption, split.boxes)
              if not panels and split is not None and split.reliable else [])
    unlettered = False
    if whole_figure and placed:
        # "Upper row: day 1; lower row: day 5": each panel its row's (column's) words.
        base_extra["subcaptions_from"] = "the panels' places named in the caption (rows, columns)"
        panels = {chr(ord("a") + i): text for i, text in enumerate(placed)}
        shared = positions_lead(figure.caption)
    elif (whole_figure and split is not None and split.reliable and len(split.panels) > 1
          and len(split.panels) != len(panels)):
        # Panels the caption does not letter (or letters otherwise): one image each, the whole
        # caption on every one, for a reviewer to tell them apart.
        base_extra["needs_review"] = (split.reason if panels else
                                      f"{len(split.panels)} panels the caption does not letter: "
                                      "each carries the whole caption")
        panels = {chr(ord("a") + i): figure.caption for i in range(len(split.panels))}
        shared = figure.caption
        unlettered = True
    if not panels and panel_files and not figure.panel_captions:
        # Panels served as separate files the caption does not letter: one image per file.
        panels = {letter: figure.caption for letter in panel_files}
        base_extra["needs_review"] = (f"{len(panel_files)} panel files the caption does not letter: "
                                      "each carries the whole caption")
    if not panels:
        record = ImageRecord(source_url=url, position=position, caption=figure.caption, label=figure.label,
                             extra=dict(base_extra), **described(figure.caption))
        if _listed_moments(figure.caption):
            # one image of a caption listing moments ("on admission and on the 10th day of admission"): the figure
            # holds the films of several days, no one of them its own
            record.date_text = ""
        return [record]
    reliable = split is not None and split.reliable and len(split.panels) == len(panels)
    records: list[ImageRecord] = []
    for i, (letter, text) in enumerate(panels.items()):
        extra = dict(base_extra, panel=letter, parent_figure=url, subcaption=text)
        if figure.extra.get("caption_from") and text in list(panels.values())[:i]:
            # a figure without a legend whose panels share the text's one citation ("(Panels B and C, arrows)"): the
            # panels after the first of them, whose plane a CT's words do not tell (``ct_slice_view``)
            extra["cited_after_another_panel"] = figure.extra["caption_from"]
        panel_url = panel_files.get(letter, url)
        if letter in panel_files:
            extra["transform"] = "separate panel file"
        elif reliable:
            box = split.panels[i].box
            extra.update(panel_box=list(box), transform=f"crop {box} of the {split.width}x{split.height} figure")
            if split.extra.get("seam_cut"):
                extra["transform"] += f" ({split.reason})"  # no gutter: the reviewer sees how it was cut
        else:
            extra["transform"] = "none: whole figure kept, panel not split"
            extra["needs_review"] = split.reason if split is not None else "panels not split"
        records.append(ImageRecord(source_url=panel_url, position=position + i, caption=text, label=letter,
                                   extra=extra, **described(text, shared, figure.caption,
                                                            own=list(panels.values()).count(text) == 1,
                                                            letter=letter)))
    if whole_figure and placed:
        _date_columns(records, figure.caption, split)
    _date_by_sentence_before(records, figure.extra.get("sentence_before_panel", {}))
    if unlettered:
        _date_in_reading_order(records, figure.caption)
    return records


def _date_by_sentence_before(records: list[ImageRecord], before: dict[str, str]) -> None:
    """A panel whose words, the text's sentence citing it (a figure without a caption: NEJM's "(Panel A)"), name no
    moment takes the one moment of the sentence just before, which tells the event the exam is of ("Ten days after
    admission, while his oxygen requirement was decreasing, hemoptysis developed. An anteroposterior chest
    radiograph showed ... (Panel A, arrow)."); none when that sentence names several moments or none."""
    for record in records:
        sentence = before.get(record.extra.get("panel", ""), "")
        if not sentence or record.date_text or _moments(record.caption):
            continue
        told = {m.lower() for m in _moments(sentence) if not _VAGUE.fullmatch(m)}
        if len(told) == 1:
            record.date_text = _moments(sentence)[0]
            record.extra["date_from"] = "the sentence before the text's citing one"


def _date_in_reading_order(records: list[ImageRecord], caption: str) -> None:
    """The panels of a figure the caption neither letters nor places (``records`` in the split's reading order)
    whose caption lists as many moments as there are panels, and names no other ("Axial chest CT scan of the
    patient on admission and on the 10th day of admission", two images side by side): each panel takes the
    moment of its place in the list, as the curators crop them (the list told in the order the images are laid
    out); the figure stays flagged for the reviewer."""
    listed = _listed_moments(caption)
    if len(listed) < 2 or len(listed) != len(records) or len(list(_DATE.finditer(caption))) != len(listed):
        return
    for record, moment in zip(records, listed):
        record.date_text = moment
        record.extra["date_from"] = "the caption's list of moments, one per panel in reading order"


def _date_columns(records: list[ImageRecord], caption: str, split: PanelSplit | None) -> None:
    """Each panel of a whole figure (``records`` in the order of the split's panels) named by its column
    inside its row's words ("on admission (left) and five days after
    admission (right)") takes the one moment of its own words, not the row's first."""
    if split is None or not split.reliable or len(split.panels) != len(records):
        return
    for record, own in zip(records, column_words(caption, [p.box for p in split.panels])):
        moments = _moments(own)
        if len({m.lower() for m in moments}) == 1:
            record.date_text = moments[0]


def _case_texts(case: CaseRecord, patient: PatientText) -> None:
    paragraphs = list(patient.paragraphs)
    if patient.intro and not any(patient.intro in p for p in paragraphs):
        # A patient only a caption introduces ("SARS in a 46-year-old woman who presented 5 days
        # after developing symptoms. (a) ..."): that sentence is all the paper says of the history
        # (the onset the offsets count from), as the curators' notes copy it; from the sentence's start when the
        # words before the age name the patient's disease ("Influenza A (H1N1) pneumonia in 45-year-old woman"):
        # the finding of a pictorial essay's patient, whose title names several.
        paragraphs.insert(0, patient.legend_sentence or patient.intro)
        if patient.legend_sentence:
            case.extra["legend_sentence"] = patient.legend_sentence
    if "symptom onset " in patient.table_text:
        # The table's onset-to-admission days are the anchor of the patient's offsets.
        paragraphs.append(patient.table_text)
    case.history = "\n".join(paragraphs)
    if patient.intro:
        # The sentence introducing the patient: age and sex are read from it, with their span.
        case.age_text = case.sex_text = patient.intro
        if not any(d.sex for d, _, _ in descriptors_in(patient.intro)):
            # "The first patient, a 41-year-old teacher, presented ... She had ...": the sex is told
            # by the pronouns of the paragraph introducing the patient.
            paragraph = next((p for p in paragraphs if patient.intro in p), patient.intro)
            case.sex_text = (_with_next_subject_pronoun(paragraph, patient.intro) or _titled_by_relation(patient)
                             or paragraph)
    if patient.table_text:
        # A table of patients says what the introducing sentence does not ("Patient 2 was admitted
        # ..." without age or sex): the table's line, which names the table, is the evidence.
        said = descriptors_in(patient.intro)
        if not (said and said[0][0].age) and "Age: " in patient.table_text:
            case.age_text = patient.table_text
        if not (said and said[0][0].sex) and "Sex: " in patient.table_text:
            case.sex_text = patient.table_text
        case.extra["patient_table"] = patient.table_text


def _titled_by_relation(patient: PatientText) -> str:
    """The introduction behind the relation it is titled by when only the relation tells the sex ("His mother, a
    38-year-old primary school teacher, reported ...": "mother, a 38-year-old primary school teacher, reported
    ..."), else ""."""
    words, intro = (patient.descriptor.words, patient.intro) if patient.descriptor else ("", "")
    relation = words.split(str(patient.descriptor.age), 1)[0] if patient.descriptor else ""
    if not (relation and patient.title and relation.lower().startswith(patient.title)
            and intro.startswith(str(patient.descriptor.age))):
        return ""
    return relation + intro


#: "He" / "She" opening the sentence after the patient's introduction.
_NEXT_SUBJECT_PRONOUN = re.compile(r"(?:He|She)\b")


def _with_next_subject_pronoun(paragraph: str, intro: str) -> str:
    """The introducing sentence with the "He"/"She" that opens the next one ("A 64-year-old retired
    schoolteacher ... presented ... He lived with his son's family."): the subject of the sentence right after
    an introduction naming nobody else is the patient, whoever the paragraph names later ("His 3-year-old
    granddaughter ... her RT-PCR was positive"); "" when the next sentence opens otherwise."""
    start = paragraph.find(intro)
    if start < 0 or any(not cared_for(intro, m.start()) for m in OTHER_PERSON.finditer(intro)):
        return ""
    end = start + len(intro)
    gap = len(paragraph[end:end + 5]) - len(paragraph[end:end + 5].lstrip())
    pronoun = _NEXT_SUBJECT_PRONOUN.match(paragraph, end + gap) if gap else None
    return paragraph[start:pronoun.end()] if pronoun else ""


def left_out(figure: Figure, verdict: Verdict) -> dict[str, str]:
    return {"figure": figure.label or str(figure.number), "kind": verdict.kind, "reason": verdict.reason,
            "caption": figure.caption[:200], "image_url": figure.image_url}


def cases_from_article(article: Article, *, crossref: CrossrefWork | None = None,
                       pdf_figures: list[PdfFigure] | None = None,
                       panel_splits: dict[int, PanelSplit] | None = None,
                       figure_verdicts: dict[int, Verdict] | None = None,
                       source: str = SOURCE) -> list[CaseRecord]:
    """One case per patient of the paper (``ingest.patients``), each with the figures showing it.

    ``figure_verdicts``: figure number -> why its pixels are not a patient image (the spider reads
    the pixels of the figures it fetched); captions are judged here.
    """
    panel_splits = panel_splits or {}
    pdf_by_number = {f.number: f for f in pdf_figures or []}
    figures = list(article.figures)
    if not figures and pdf_figures:
        figures = [Figure(label=f.label, number=f.number, caption=f.caption) for f in pdf_figures]
    base = _key_base(article)
    license_text = article.license or (crossref.license if crossref else "")
    kept, excluded = _patient_figures(figures, figure_verdicts or {})
    not_patient_images = [f for f in figures if f not in kept]
    # A fig-group's member figs have captions of their own ("Patient 1: axial image ...").
    captions = [text for f in kept for text in dict.fromkeys([f.caption, *f.panel_captions.values()])]
    patients = split_patients(article.paragraphs, captions, article.tables, article.extra.get("abstract", ()))
    kept = _without_newborns_films(kept, patients, excluded)

    def new_case(key: str, title_suffix: str) -> CaseRecord:
        return CaseRecord(
            source=source, source_key=key,
            url=article.url or (f"https://doi.org/{article.doi}" if article.doi else ""),
            title=article.title + title_suffix, doi=article.doi, license_text=license_text,
            published=article.published, authors=", ".join(article.authors),
            extra={"journal": article.journal, "pmcid": article.pmcid, "license_evidence": article.license_evidence,
                   "license_url": article.license_url})

    cases: dict[str, CaseRecord] = {}
    single = len(patients) == 1
    for patient in patients:
        case = new_case(f"{base}#patient{patient.number}", "" if single else f" (patient {patient.number})")
        _case_texts(case, patient)
        if not single:
            case.extra["patient_number"] = patient.number
            case.extra["patient_named_by"] = patient.named_by
        cases[case.source_key] = case

    for figure in kept:
        split = panel_splits.get(figure.number) if figure.number is not None else None
        placed = _placed_panels(figure, split)
        for key, targeted in _figure_targets(figure, patients, base, placed).items():
            panels, not_chest = _chest_panels(figure, targeted)
            excluded.extend(not_chest)
            if not panels and not_chest:
                continue
            if key not in cases:
                cases[key] = new_case(key, f" ({figure_name(figure)})")
                cases[key].warnings.append(
                    f"{figure_name(figure)} names no single patient of this multi-patient paper: "
                    "attach it to a patient")
            _attach_figure(cases[key], figure, panels, split, pdf_by_number.get(figure.number), placed)
    _note_left_out(cases, excluded)
    _dates_from_table(cases, patients, base, article.paragraphs)
    if len(cases) == 1:
        _onset_from_abstract(next(iter(cases.values())), article.extra.get("abstract", ()))
        _day_one_of_left_out(next(iter(cases.values())), not_patient_images)
        _age_from_title(next(iter(cases.values())), article.title)
    if len(cases) == 1 and len(patients) <= 1:
        _patient_from_abstract(next(iter(cases.values())), article.extra.get("abstract", ()))
    _from_citations(cases.values(), article.paragraphs)
    if len(cases) == 1 and len(patients) <= 1:
        _dates_from_exam_table(next(iter(cases.values())), article.tables)
        _dates_from_course_table(next(iter(cases.values())), article.tables)
    for case in cases.values() if article.extra.get("supplementary_skipped") else ():
        # A supplementary PDF, Word or zip file is not read: the reviewer sees which and why.
        case.extra["supplementary_skipped"] = article.extra["supplementary_skipped"]
    if len(cases) > 1:
        for case in cases.values():
            case.warnings.insert(0, f"paper describes several patients ({len(cases)} cases)")
    return list(cases.values())


def shows_patient_images(figures: list[Figure], verdicts: dict[int, Verdict]) -> bool:
    """Whether any of the figures is a patient image of the chest (not left out by its caption or
    by the verdict on its pixels)."""
    return bool(_patient_figures(figures, verdicts)[0])


def _patient_figures(figures: list[Figure], verdicts: dict[int, Verdict]) -> tuple[list[Figure], list[dict[str, str]]]:
    """The figures that are patient images, and what was left out and why (by caption, else by
    the verdict on the figure's pixels)."""
    excluded: list[dict[str, str]] = []
    kept: list[Figure] = []
    for figure in figures:
        single = not figure.panel_captions
        verdict = (caption_kind(figure.caption) or (scout_kind(figure.caption) if single else None)
                   or verdicts.get(figure.number))
        if verdict is not None:
            excluded.append(left_out(figure, verdict))
        else:
            kept.append(figure)
    return kept, excluded


#: A legend naming its film as a newborn's: "Chest radiograph of the newborn at 6 hours of life", "the neonate's chest
#: X-ray". The mother's words beside it ("of the mother and of her newborn") make the figure hers too.
_NEWBORNS_FILM = re.compile(
    r"\b(?:of|in)\s+(?:the|her|their|a)\s+(?:(?:male|female|preterm|premature)\s+)?(?:new-?born|neonate)\b"
    r"(?!\s+(?:period|care|unit)\b)|\b(?:new-?born|neonate)['’]s\b", re.I)
_MOTHERS = re.compile(r"\b(?:mother|maternal|pregnant|patient)\b", re.I)


def _without_newborns_films(kept: list[Figure], patients: list[PatientText],
                            excluded: list[dict[str, str]]) -> list[Figure]:
    """``kept`` but the films a legend names as a newborn's when the paper's one patient is introduced with an age
    in years (the mother, whose delivery the case tells: "A 32-year-old woman ... at 33 weeks of gestation"): the
    newborn is another person, whose film is not the patient's (a paper about a newborn with COVID-19 introduces
    the newborn as its patient, no age in years, and keeps them)."""
    if len(patients) != 1 or patients[0].descriptor is None or patients[0].descriptor.age < 1:
        return kept
    out = []
    for figure in kept:
        m = _NEWBORNS_FILM.search(figure.caption)
        if m is None or _MOTHERS.search(figure.caption):
            out.append(figure)
            continue
        excluded.append(left_out(figure, Verdict("another person", f"caption names a newborn's film: "
                                                                    f"{m.group(0)!r}")))
    return out


def _chest_panels(figure: Figure, panels: dict[str, str]) -> tuple[dict[str, str], list[dict[str, str]]]:
    """The panels that are patient images of the chest, and those left out and why: a panel of a
    kept figure whose own words name another kind ("(A) Twelve-lead electrocardiogram on admission.
    (B) Chest radiograph on admission") is not the patient's chest, whatever its neighbours are."""
    kept: dict[str, str] = {}
    out: list[dict[str, str]] = []
    for letter, text in panels.items():
        own = len(figure.panel_captions) > 1 and text != figure.caption
        verdict = (caption_kind(text) or scout_kind(text)) if own else None
        if verdict is None:
            kept[letter] = text
        else:
            out.append({**left_out(figure, verdict), "figure": f"{figure_name(figure)} panel {letter.upper()}",
                        "caption": text[:200]})
    return kept, out


def _placed_panels(figure: Figure, split: PanelSplit | None) -> dict[str, str]:
    """Letter -> the words of a panel the caption names by its place ("Left, patient 1: ...; right,
    patient 2: ..."), for a figure whose caption letters no panel and whose split is reliable; {}
    otherwise."""
    if figure.panel_captions or split is None or not split.reliable or figure.extra.get("panel_files"):
        return {}
    return {chr(ord("a") + i): text for i, text in enumerate(align_positions(figure.caption, split.boxes))}


def _figure_targets(figure: Figure, patients: list[PatientText], base: str,
                    placed: dict[str, str] | None = None) -> dict[str, dict[str, str]]:
    """Case key -> the figure's panels (letter -> sub-caption) that case gets: the only patient,
    the one patient the caption names, each panel to the patient it names (by its letter, or by its
    place when the caption letters none: ``placed``), else a case of the figure itself (for the
    reviewer to attach)."""
    subcaptions = dict(figure.panel_captions)
    named = patients_named(figure.caption, patients)
    if len(patients) == 1:
        if names_a_relative(figure.caption, patients[0]):
            # "The granddaughter's chest radiograph": not the patient's; a case of its own for the reviewer
            return {f"{base}#fig{figure.number}": subcaptions}
        return {f"{base}#patient{patients[0].number}": subcaptions}
    if len(named) == 1:
        return {f"{base}#patient{named[0]}": subcaptions}
    if len(named) > 1 and not subcaptions and placed:
        subcaptions = placed
    if (len(named) > 1 or (not named and figure.extra.get("from") == "fig-group")) and subcaptions:
        # "(a) Patient 1 on day 3; (b) Patient 2 ...": each panel goes to the patient it names;
        # so does each fig of a fig-group whose shared caption names none ("Chest CT on admission."
        # then "Patient 1: axial image ...", "Patient 3: coronal ...").
        targets: dict[str, dict[str, str]] = {}
        for letter, text in subcaptions.items():
            who = patients_named(text, patients)
            key = f"{base}#patient{who[0]}" if len(who) == 1 else f"{base}#fig{figure.number}"
            targets.setdefault(key, {})[letter] = text
        return targets
    citing = _citing_patients(figure, patients) if not named else []
    if len(citing) == 1:
        # "Two days after admission her oxygen requirement rose ... (Fig. 2)": the caption names no one,
        # the one patient whose paragraphs cite the figure is the one it shows.
        return {f"{base}#patient{citing[0]}": subcaptions}
    return {f"{base}#fig{figure.number}": subcaptions}


def _citing_patients(figure: Figure, patients: list[PatientText]) -> list[int]:
    """The patients whose own paragraphs cite the figure (by its number)."""
    if figure.number is None:
        return []
    return [p.number for p in patients if next(_citing_sentences(p.paragraphs, figure.number, ""), None)]


def figure_name(figure: Figure) -> str:
    """The figure as the reviewer finds it in the paper: "figure 2", or a supplementary figure's own
    label ("Supplementary Figure S1"), not the number it is kept under apart from the article's
    figures (``jats.SUPPLEMENT_NUMBER``: S1 is 101)."""
    label = figure.label.strip(" .:")
    return label if figure.extra.get("supplementary") and label else f"figure {figure.number}"


#: A figure cited in the text: "(Fig. 2)", "(Figure 2A–C)", "Figures 1a and 1b"; the letters the citation names,
#: the figure's number again before a letter too: Hindawi's "Figures 2(a) and 2(b)" (the parentheses made
#: commas first: "Figures 2, a, and 2, b"); BMJ's lower-case "(figure 3)" too.
_CITATION = re.compile(r"\b[Ff]ig(?:ure)?s?\.?\s*(\d+)((?:\s*(?:[-\u2013]|,\s*(?:and|&)|,|and|&)?\s*(?:\1\s*,?\s*)?"
                       r"[A-Ha-h](?![\w-]))*)")
#: Another figure cited whole after a citation: "(Figure 1b and 2)", "Figures 1 and 2" (not "Fig. 1 and 2 days later").
_AND_FIGURE = re.compile(r"[\s,]\s*(?:and\s+|&\s*)(\d{1,2})\b(?![.\w-])"
                         r"(?!\s*(?:days?|weeks?|months?|years?|hours?|h|d|mg|ml|cm|mm)\b)", re.I)
#: A citing sentence pointing back to the previous sentence's moment: "Chest CT at that time showed ...",
#: "A chest X-ray at this follow-up visit showed ..." (the visit the sentence before dates).
_BACK_REFERENCE = re.compile(r"\b(?:at that time|at this time|at that point|at this point|then|"
                             r"(?:at|on|during)\s+(?:this|that)\s+(?:(?:follow-up|clinic|outpatient)\s+)?"
                             r"(?:visit|appointment|review|consultation)|(?:at|on|during)\s+(?:this|that)\s+follow-up)\b",
                             re.I)


#: A citing sentence whose only moment is "the same day" (no base of its own: not "the same day as the first positive
#: test"): the day of the sentence before's event ("The radiograph at presentation showed ... . CT pulmonary
#: angiography performed the same day showed ... (Fig. 2)"). Read only when the citing sentence tells no other moment
#: ("The radiograph at admission ..., and CT performed the same day ..." is dated by its own "at admission").
_SAME_DAY_AS_BEFORE = re.compile(r"\b(?:on\s+|later\s+)?the\s+same\s+day\b(?!\s+(?:as|after|of|following)\b)", re.I)


def _cited_letters(letters: str) -> set[str]:
    """The panel letters a citation names: "A–C" is a, b and c; "" names none (the whole figure)."""
    found = re.findall(r"(?<![A-Za-z])[A-Ha-h](?![A-Za-z])", letters)  # not the "a" and "d" of "and"
    named = {c.lower() for c in found}
    for a, b in re.findall(r"([A-Ha-h])\s*[-\u2013]\s*([A-Ha-h])", letters):
        named.update(chr(c) for c in range(ord(a.lower()), ord(b.lower()) + 1))
    return named


def _sentences_of(paragraph: str) -> list[str]:
    # The citation's parentheses end a moment as a caption's punctuation does. (A match starts
    # at a run's first space or at a parenthesis: one scan of a long run of spaces, not one per
    # position; tests/test_linear_patterns.py.)
    return SENTENCE_BREAK.split(re.sub(r"(?<!\s)\s*[()]\s*|(?<=\s)[()]\s*", ", ", paragraph))


def _citing_sentences(paragraphs: list[str], number: int, letter: str, named: bool = False):
    """(the paragraph's sentences, index, the sentence before it) of each sentence of the text citing figure
    ``number`` (panel ``letter``; a citation of the whole figure cites every panel unless ``named``)."""
    for i, paragraph in enumerate(paragraphs):
        sentences = _sentences_of(paragraph)
        for k, sentence in enumerate(sentences):
            cited = [_cited_letters(m.group(2)) for m in _CITATION.finditer(sentence) if int(m.group(1)) == number]
            cited += [set() for m in _CITATION.finditer(sentence)
                      if (more := _AND_FIGURE.match(sentence, m.end())) and int(more.group(1)) == number]
            if cited and (not letter or any(letter.lower() in c or (not c and not named) for c in cited)):
                yield sentences, k, tuple(islice(_sentences_before(paragraphs, i, sentences, k), _EARLIER))


#: A paragraph's section titles as the parsers prefix them ("2. Case report: ...", "Case Presentation / Case 1: ...").
_SECTION_PREFIX = re.compile(r"[^:.!?]{0,120}(?:\d\.[^:.!?]{0,120})?: ")


#: How many sentences before a citing one ``_citing_sentences`` gives: the one before, and two more for a course told
#: on from a figure past sentences telling no moment (``_course_before``).
_EARLIER = 3


def _sentences_before(paragraphs: list[str], i: int, sentences: list[str], k: int) -> Iterator[str]:
    """The sentences before ``sentences[k]`` of paragraph ``i``, nearest first: its paragraph's, then those of the
    paragraphs before it in the same section (a figure the page places between paragraphs parts one story: "The
    radiograph at presentation showed ... (Fig. 1)." [Fig. 1] "CT performed the same day showed ... (Fig. 2).");
    none before the first sentence of a section."""
    while True:
        heading = _SECTION_PREFIX.match(paragraphs[i])
        heading_words = heading.group(0) if heading else ""
        for j in range(k - 1, -1, -1):
            if len(" ".join(sentences[:j + 1])) >= len(heading_words.rstrip()):
                yield sentences[j]
        if i == 0:
            return
        before = _SECTION_PREFIX.match(paragraphs[i - 1])
        if (before.group(0) if before else "") != heading_words:
            return
        i -= 1
        sentences = _sentences_of(paragraphs[i])
        k = len(sentences)


def _cited_moment(paragraphs: list[str], number: int, letter: str, modality: str = "") -> str:
    """The one moment of the text's sentence citing figure ``number`` (panel ``letter``), or of the
    sentence before it when the citing one points back to it ("On the sixth day after admission, ...
    Chest CT at that time showed ... (Figure 2A–C)"; "The radiograph at presentation showed ... CT
    performed the same day showed ... (Fig. 2)"), or of the one clause of the citing sentence
    naming an exam of the image's ``modality`` when the sentence tells several exams ("The radiograph
    after 10 days showed ..., and a CT on hospital day 13 showed ... (Fig. 2)"); "" when none names
    exactly one."""
    for sentences, k, earlier in _citing_sentences(paragraphs, number, letter):
        sentence, before = sentences[k], earlier[0] if earlier else ""
        if letter and _tells_serial_exams(sentence, number, modality):
            continue
        told = {m.group(0).strip().lower() for m in _DATE.finditer(_CITATION.sub("", sentence))}
        back = _BACK_REFERENCE.search(sentence) or (not told and _SAME_DAY_AS_BEFORE.search(sentence))
        if before and all(_VAGUE.fullmatch(t) for t in told) and back:
            sentence = before
            told = {m.group(0).strip().lower() for m in _DATE.finditer(sentence)}
        if len(told) > 1:
            # "At follow-up ..., CT 6 weeks after symptom onset showed ...": the follow-up is the day told
            told = {t for t in told if not _FOLLOW_UP.fullmatch(t)} or told
        if len(told) == 1:
            return _moments(sentence)[0]
        if len(told) > 1 and modality and (own := _clause_moment(_CITATION.sub("", sentence), modality)):
            return own
    return ""


#: An exam of a kind, and one named by its place among the patient's exams of that kind ("the first CT", "the
#: follow-up CT", "a repeat radiograph", "the second scan").
#: (One mention each: "CT scan", "chest X-ray film"; an abbreviation in parentheses is dropped first.)
_EXAM_WORDS = {"CT": r"(?:(?:CT|HRCT|computed\s+tomography)(?:\s+scans?)?|scans?)",
               "X-ray": r"(?:(?:radiographs?|X-?rays?|CXRs?)(?:\s+films?)?|films?)"}
_PLACE_OF_EXAM = (r"\b(?:first|initial|second|third|fourth|last|follow-?up|repeat(?:ed)?|subsequent|control|"
                  r"previous|later)\s+(?:chest\s+)?")


def _tells_serial_exams(sentence: str, number: int, modality: str) -> bool:
    """A sentence citing a whole figure of several panels (no panel letter) that tells two exams of the panel's kind,
    one named by its place ("Her first CT showed ..., which were almost completely absorbed on the follow-up CT
    (Figure 2)", "The CT on admission showed ..., and the second CT showed ... (Figure 3)"): its one moment is one
    exam's, not every panel's (which panel is which exam the sentence does not say)."""
    exam = _EXAM_WORDS.get(modality)
    if exam is None or any(_cited_letters(m.group(2)) for m in _CITATION.finditer(sentence)
                           if int(m.group(1)) == number):
        return False
    words = re.sub(r"\([^()]*\)", "", _CITATION.sub("", sentence))
    # (a name and its abbreviation, "computed tomography (CT)" as the sentence's parentheses turned commas, is one)
    words = re.sub(r"\b(computed\s+tomography|radiograph|x-?ray)\W{1,4}(?:HRCT|CT|CXR)\b", r"\1", words, flags=re.I)
    return (len(re.findall(rf"\b{exam}\b", words, re.I)) >= 2
            and re.search(rf"{_PLACE_OF_EXAM}{exam}\b", words, re.I) is not None)


#: Where a sentence telling several exams parts them: "The radiograph ... showed X, and a CT on hospital
#: day 13 showed Y", "...; CT on day 9 showed Y".
_CLAUSE_BREAK = re.compile(r";\s*|,\s+(?:and|while|whereas)\s+", re.I)


def _clause_moment(sentence: str, modality: str) -> str:
    """The one precise moment of the one clause of ``sentence`` naming an exam of ``modality`` ("a CT on
    hospital day 13, the day before discharge"), or ""."""
    clauses = [c for c in _CLAUSE_BREAK.split(sentence) if normalize_modality(c).value == modality]
    precise = [m for m in _moments(clauses[0]) if not _VAGUE.fullmatch(m)] if len(clauses) == 1 else []
    return precise[0] if len({m.lower() for m in precise}) == 1 else ""


_FOLLOW_UP = re.compile(r"(?:on\s+|at\s+)?follow-up", re.I)


def _dates_from_table(cases: dict[str, CaseRecord], patients: list[PatientText], base: str,
                      paragraphs: list[str]) -> None:
    """A patient's exam whose words name no moment takes the day a table of patients counts from the
    onset: "Days from symptom onset to CT: 6" dates the patient's only CT (two CTs take none: which
    of them the table counts is not said, unless the later is told after the first: ``_first_of_followed``);
    "Symptom onset to imaging (d): 9" every image of the
    patient (a pictorial series images each patient once). Not when their captions or the sentences
    citing them name a moment but the presentation's ("a bedside radiograph and CT were obtained on
    the day of admission", "the same day")."""
    for patient in patients:
        case = cases.get(f"{base}#patient{patient.number}")
        if case is not None and any(m.nth for m in patient.table_moments):
            _dates_from_listed_days(case, [m for m in patient.table_moments if m.nth], patient.table_text,
                                    paragraphs)
        for moment in [m for m in patient.table_moments if not m.nth] if case is not None else ():
            same = [i for i in case.images if not moment.modality
                    or normalize_modality(i.modality_text).value == moment.modality]
            if moment.modality and len(same) > 1:
                same = _first_of_followed(same, paragraphs)
            elif not same or not _undated(same, paragraphs):
                continue
            for image in same:
                image.date_text = moment.words
                image.extra["date_from"] = "the table of patients"


#: The admission's day a table of patients tells ("symptom onset 7 days before admission": ``patients._entries``).
_TABLE_ADMISSION = re.compile(r"symptom onset (\d{1,3}) days before admission")


def _dates_from_listed_days(case: CaseRecord, listed: list, table_text: str, paragraphs: list[str]) -> None:
    """A patient's exams of one kind whose days a table lists in one cell ("Time from onset to CT examinations
    (days)": "3, 8, 15"; a case series' serial CT, one figure per patient) take those days in the order of the
    patient's images of that kind ("(A) Initial CT ... (B) follow-up CT ... (C) the third CT"). Only when the
    patient has as many images of that kind as the cell has days, and no image's own words or citing sentence
    tell another moment: none but the first exam ("Initial CT") or the admission, and the admission only where the
    table's own day of the admission is that exam's ("CT on admission" of the exam 7 days after an onset 7 days
    before admission). Else none (which exam is which is not said)."""
    if len({m.modality for m in listed}) != 1:
        return
    kind = listed[0].modality
    images = sorted((i for i in case.images if not kind or normalize_modality(i.modality_text).value == kind),
                    key=lambda i: i.position)
    told = _TABLE_ADMISSION.search(table_text)
    admission = int(told.group(1)) if told else None
    if len(images) != len(listed):
        return
    # the text's sentences citing the figures tell no day but the admission's or the first exam's
    numbers = {image.extra.get("figure_number") for image in images}
    citing = [_CITATION.sub("", sentence) for paragraph in paragraphs for sentence in SENTENCE_BREAK.split(paragraph)
              if any(int(m.group(1)) in numbers for m in _CITATION.finditer(sentence))]
    if any(m.days != 0 for sentence in citing for m in text_moments(sentence, "caption")) \
            or any(dates_in(sentence) for sentence in citing):
        return
    for k, (image, moment) in enumerate(zip(images, listed)):
        moments = _own_moments(image) + (list(text_moments(image.date_text, "label")) if image.date_text else [])
        for m in moments:
            if m.kind == PRESENTING and m.days == 0 and k == 0 and not re.search(
                    r"admission|presentation|arrival", m.evidence, re.I):
                continue  # "Initial CT": the first of the exams
            if m.kind in (SINCE_ADMISSION, PRESENTING) and m.days == 0 and admission == moment.days:
                continue
            return
    for image, moment in zip(images, listed):
        image.date_text = moment.words
        image.extra["date_from"] = "the table of patients (its cell listing the exams' days)"


def _own_moments(image: ImageRecord) -> list:
    return image_moments(ImageTexts(0, caption=image.caption))


def _first_of_followed(images: list[ImageRecord], paragraphs: list[str]) -> list[ImageRecord]:
    """The first of a patient's exams of one kind when its own legend names no moment and each later one's is
    told only as after it ("(a) Initial axial CT ... (b) Follow-up axial CT image obtained 10 days later"): the
    table's days from the onset to the CT are the first's, the later ones count on from it. Else none (which of
    them the table counts is not said)."""
    first, later = images[0], images[1:]
    if first.date_text or _own_moments(first):
        return []
    later_moments = [_own_moments(image) for image in later]
    if not all(moments and all(m.kind == AFTER_PREVIOUS and m.days > 0 for m in moments) for moments in later_moments):
        return []
    return [first] if _undated_except_later(first, paragraphs) else []


def _undated_except_later(first: ImageRecord, paragraphs: list[str]) -> bool:
    """The sentences citing the first exam's figure name no moment but the presentation's and the later exams'
    ("at presentation; on the follow-up CT obtained 10 days later")."""
    number = first.extra.get("figure_number")
    citing = [_CITATION.sub("", sentence) for paragraph in paragraphs for sentence in SENTENCE_BREAK.split(paragraph)
              if any(int(m.group(1)) == number for m in _CITATION.finditer(sentence))]
    moments = [m for sentence in citing for m in text_moments(sentence, "caption")]
    return all((m.kind == AFTER_PREVIOUS and m.days > 0) or (m.days == 0 and m.kind == SINCE_ADMISSION)
               for m in moments)


def _undated(images: list[ImageRecord], paragraphs: list[str]) -> bool:
    """No image dated yet, and neither their captions nor the text's sentences citing them name a
    moment but the presentation's ("on the day of admission", "obtained the same day")."""
    # ("obtained the same day": a panel's own words dating it by the film before date nothing by themselves)
    if any(i.date_text and not re.fullmatch(_FILM_BEFORE_DAY, i.date_text, re.I) for i in images):
        return False
    numbers = {image.extra.get("figure_number") for image in images}
    citing = [_CITATION.sub("", sentence) for paragraph in paragraphs for sentence in SENTENCE_BREAK.split(paragraph)
              if any(int(m.group(1)) in numbers for m in _CITATION.finditer(sentence))]
    moments = [m for i in images for m in image_moments(ImageTexts(0, caption=i.caption))]
    moments += [m for sentence in citing for m in text_moments(sentence, "caption")]
    return not any(m.days != 0 or m.kind not in (SINCE_ADMISSION, AFTER_PREVIOUS) for m in moments)


#: A panel's words citing a row of a table of the patient's exams: "the third examination in Table 1", "(the 2nd scan
#: in Table 2)".
_EXAM_IN_TABLE = re.compile(
    rf"\bthe\s+(?P<nth>{'|'.join(ORDINALS_EN)}|\d{{1,2}}(?:st|nd|rd|th))\s+(?:(?:chest\s+)?(?:CT|HRCT)\s+)?"
    r"(?:examinations?|exams?|scans?|studies|study)\s+(?:in|of|listed\s+in)\s+Table\s+(?P<table>\d{1,2})\b", re.I)
_EXAM_NOUN = r"(?:CT|HRCT|exam(?:ination)?|scan|imaging)"
#: A legend's lead naming the exams a table lists: "Serial axial CT images of the four examinations listed in Table
#: 1", "CT scans of the examinations in Table 2".
_EXAMS_OF_TABLE = re.compile(
    r"\b(?:examinations|exams|scans|studies)\s+(?:listed\s+|shown\s+|summari[sz]ed\s+)?in\s+Table\s+"
    r"(?P<table>\d{1,2})\b", re.I)
#: A panel's words opening on the exam's rank: "First examination: ...", "The 2nd CT scan: ...".
_NTH_EXAM_OPENING = re.compile(
    rf"\s*(?:the\s+)?(?P<nth>{'|'.join(ORDINALS_EN)}|\d{{1,2}}(?:st|nd|rd|th))\s+(?:(?:chest\s+)?(?:CT|HRCT)\s+)?"
    r"(?:examination|exam|scan|study)\b", re.I)


def _ordinal_suffixed(k: int) -> str:
    """1st, 2nd, 3rd, 4th ... 11th, 12th, 13th."""
    return f"{k}{'th' if 10 <= k % 100 <= 20 else {1: 'st', 2: 'nd', 3: 'rd'}.get(k % 10, 'th')}"
#: The header of a table of exams' date column: "Date", "Date of CT", "Date of examination", "Exam date".
_EXAM_DATE_HEADER = re.compile(rf"(?:{_EXAM_NOUN}\s+)?date(?:\s+of\s+(?:the\s+)?{_EXAM_NOUN})?", re.I)


def _dates_from_exam_table(case: CaseRecord, tables: list[Table]) -> None:
    """A panel whose words cite a row of a table of the one patient's exams ("Follow-up axial chest CT images: the
    third (A) and the fourth (B) examinations in Table 1") and give no moment of their own takes that row's date
    ("Date of CT": 2020-02-04). Only a table whose one date column heads rows numbered 1, 2, 3 ... in order (the
    exams in the order the text counts them), and a row the table holds."""
    for image in case.images:
        cited = _EXAM_IN_TABLE.search(str(image.extra.get("subcaption", "")) or image.caption)
        if cited is None:
            # the legend's lead names the exams of a table ("... of the four examinations listed in Table 1.") and
            # the panel's words open on its own ("a First examination: ...")
            lead = _EXAMS_OF_TABLE.search(str(image.extra.get("figure_caption", "")))
            own = _NTH_EXAM_OPENING.match(str(image.extra.get("subcaption", ""))) if lead else None
            cited = own and {"nth": own.group("nth"), "table": lead.group("table")}
        if not cited or (image.date_text and not _VAGUE.fullmatch(image.date_text.strip())):
            continue
        nth = cited["nth"].lower()
        row = ORDINALS_EN.index(nth) + 1 if nth in ORDINALS_EN else int(re.match(r"\d+", nth).group(0))
        date = _exam_table_date(tables, int(cited["table"]), row)
        if date:
            image.date_text = date
            image.extra["date_from"] = f"row {row} of Table {cited['table']} (a table of the patient's exams)"


#: A course table's date column: "Date", "Date (2020)".
_COURSE_DATE_HEADER = re.compile(r"dates?(?:\s*\(\s*(?P<year>(?:19|20)\d\d)\s*\))?", re.I)


def _dates_from_course_table(case: CaseRecord, tables: list[Table]) -> None:
    """A figure whose images' words name no moment and whose citation a row of a table of the patient's course holds
    ("Hospital day | Date (2020) | ... | Imaging": "10 | 16 August | ... | Chest CT: ... (Fig. 2)") takes that row's
    date, the year from the column's head when the cell has none. Only a table with one date column, and a figure
    one row alone cites (a figure cited in two rows is not one day's)."""
    rows: dict[int, list[str]] = {}
    for table in tables:
        if len(table.rows) < 3:
            continue
        header = table.rows[0]
        dated = [k for k, cell in enumerate(header) if _COURSE_DATE_HEADER.fullmatch(cell.strip())]
        if len(dated) != 1:
            continue
        year = _COURSE_DATE_HEADER.fullmatch(header[dated[0]].strip()).group("year")
        for row in table.rows[1:]:
            if dated[0] >= len(row) or not row[dated[0]].strip():
                continue
            date = row[dated[0]].strip()
            date = f"{date} {year}" if year and not re.search(r"\b(?:19|20)\d\d\b", date) else date
            cited = {int(m.group(1)) for k, cell in enumerate(row) if k != dated[0] for m in _CITATION.finditer(cell)}
            for number in cited:
                rows.setdefault(number, []).append(date)
    for image in case.images:
        dates = rows.get(image.extra.get("figure_number"), [])
        if len(dates) != 1 or (image.date_text and not _VAGUE.fullmatch(image.date_text.strip())):
            continue
        if _moments(image.caption):
            continue  # the legend's own moment ("on admission", "after 2 weeks of corticosteroid") stays the image's
        image.date_text = dates[0]
        image.extra["date_from"] = "the row of the table of the course citing its figure"


def _exam_table_date(tables: list[Table], number: int, row: int) -> str:
    """The date cell of row ``row`` of Table ``number`` when it is a table of exams (one date column, its rows
    numbered 1, 2, 3 ... in its first column), else ""."""
    table = next((t for t in tables if re.fullmatch(rf"Table\s*{number}\.?", t.label.strip(), re.I)), None)
    if table is None or len(table.rows) < 2:
        return ""
    header, body = table.rows[0], table.rows[1:]
    dated = [k for k, cell in enumerate(header) if _EXAM_DATE_HEADER.fullmatch(cell.strip())]
    # rows numbered "1", "2." or by ordinals ("1st", "2nd", "First")
    numbered = all(r and r[0].strip().rstrip(".").lower() in (str(k), _ordinal_suffixed(k), *ORDINALS_EN[k - 1:k])
                   for k, r in enumerate(body, 1))
    if len(dated) != 1 or not numbered or not 1 <= row <= len(body) or dated[0] >= len(body[row - 1]):
        return ""
    return body[row - 1][dated[0]].strip()


def _onset_from_abstract(case: CaseRecord, abstract: list[str]) -> None:
    """The onset a case report tells in its abstract only: "whose chest CT, performed 11 days after
    symptom onset, showed ..." while the text and captions date that CT "on admission" (and the
    radiograph "on day 5 of admission"). The CT was made on the admission's day, so the symptoms
    began 11 days before the admission: that line, with the abstract's sentence as evidence, is read
    by the timeline beside the history (``records.TIMELINE_NOTE``), not exported as a note. Only
    when the history tells no onset, the abstract one moment from the onset, and every image of the
    sentence's modality is dated on admission."""
    if not abstract or onset_gap(case.history) is not None:
        return
    told = [(sentence, m) for paragraph in abstract for sentence in SENTENCE_BREAK.split(paragraph)
            for m in text_moments(sentence, "caption") if m.kind == SINCE_ONSET]
    if len({m.days for _, m in told}) != 1 or len({s for s, _ in told}) != 1:
        return
    sentence, moment = told[0]
    modality = normalize_modality(sentence).value
    same = [i for i in case.images if modality and normalize_modality(i.modality_text or i.caption).value == modality]
    if not same or not all([(m.kind, m.days) for m in text_moments(i.date_text, "caption")] == [(SINCE_ADMISSION, 0)]
                           for i in same):
        return
    # read by the timeline beside the history, never written into the case's notes (our words)
    case.extra[TIMELINE_NOTE] = (f"Abstract: {sentence} That {modality} was made on admission: "
                                 f"symptom onset {moment.days} days before admission.")


def _day_one_of_left_out(case: CaseRecord, left_out_figures: list[Figure]) -> None:
    """A case report whose count of days is defined only in the legend of a figure left out (a chart of the clinical
    course: "Clinical course of the patient. Day 1 corresponds to the onset of fever"): the definition is read by the
    timeline beside the history (``records.TIMELINE_NOTE``), as it is in a kept film's legend, so the text's bare
    "day 6" counts from it. Not when the history or the kept legends define a day 1 themselves, nor when the left-out
    legends define two."""
    texts = (case.history, *(t for image in case.images for t in (image.date_text, image.caption)))
    if onset_is_day_one(*texts) or admission_is_day_one(*texts):
        return
    told = {words: figure for figure in left_out_figures
            for words in (onset_is_day_one(figure.caption) or admission_is_day_one(figure.caption),) if words}
    if len(told) != 1:
        return
    (words, figure), = told.items()
    note = f"{figure_name(figure)} (left out, not a patient image): {words}."
    case.extra[TIMELINE_NOTE] = "\n".join(t for t in (str(case.extra.get(TIMELINE_NOTE, "")), note) if t)


def _age_from_title(case: CaseRecord, title: str) -> None:
    """A case report whose text introduces its patient without the age its title gives ("COVID-19 pneumonia
    in a 71-year-old woman: ...", the body "A woman with hypertension presented ..."): the title's one
    patient is the case's, when the title names nobody else and its sex agrees with the text's."""
    if normalize_age(case.age_text or case.history).value is not None or descriptors_in(case.history):
        return
    found = descriptors_in(title)
    if len(found) != 1 or OTHER_PERSON.search(title):
        return
    sex = normalize_sex(case.sex_text or case.history).value
    if found[0][0].sex and sex and found[0][0].sex != sex:
        return
    case.age_text = title


#: A patient introduced as one person, an indefinite article a few words before the sex's word ("We report the case
#: of a man in his fifties", "A 45-year-old woman presented", "an elderly female"), not people in general ("men
#: are at higher risk", "the man").
_ONE_INTRODUCED = re.compile(r"\b(?:a|an)\s+(?:[\w-]+,?\s+){0,3}?$", re.IGNORECASE)


_PRONOUN_SEX = {"he": "M", "his": "M", "him": "M", "she": "F", "her": "F", "hers": "F"}


def _patient_from_abstract(case: CaseRecord, abstract: list[str]) -> None:
    """A single-case report whose body introduces its patient without a sex or an age its abstract gives ("We report
    the case of a man in his fifties ...", the body "It is about a 57-year-old patient ... his admission" beside a
    family member): the abstract of a paper about one patient is about that patient. The abstract's sentences that
    introduce one person by sex (``_ONE_INTRODUCED``) must agree and name nobody else (no relative, no "patients" of
    a series); its age only from its one patient's descriptor ("a 57-year-old man"), as ``_age_from_title``, not a
    decade ("in his fifties": a range). Nothing when the body gives the field or the abstract disagrees with it."""
    sentences = [s for paragraph in abstract for s in SENTENCE_BREAK.split(paragraph) if s.strip()]
    if not sentences:
        return
    own = normalize_sex(case.sex_text or case.history)
    if own.value is None:
        told = []
        for sentence in sentences:
            sex = normalize_sex(sentence)
            if sex.value is None:
                continue
            if OTHER_PERSON.search(sentence) or not _ONE_INTRODUCED.search(sentence, 0, sex.start):
                return  # another person, or people in general: whose sex is not sure
            told.append((sex.value, sentence))
        # (the body's own words must not say otherwise: a descriptor's sex, the pronoun it left unread)
        body = [d.sex for d, _, _ in descriptors_in(case.history) if d.sex]
        body += [_PRONOUN_SEX[own.evidence.lower()]] if own.evidence.lower() in _PRONOUN_SEX else []
        if told and len({v for v, _ in told}) == 1 and all(b == told[0][0] for b in body):
            case.sex_text = told[0][1]
    if normalize_age(case.age_text or case.history).value is None and not descriptors_in(case.history):
        found = [(d, sentence) for sentence in sentences for d, _, _ in descriptors_in(sentence)]
        if len(found) != 1 or OTHER_PERSON.search(found[0][1]):
            return
        sex = normalize_sex(case.sex_text or case.history).value
        if found[0][0].sex and sex and found[0][0].sex != sex:
            return
        case.age_text = found[0][1]


def _cited_view(paragraphs: list[str], number: int, letter: str) -> str:
    """The text's sentence citing an X-ray (its panel by letter) when it is about a radiograph alone
    and names one view ("The posteroanterior chest radiograph on admission showed ... (Figure 1)");
    "" otherwise (a CT named too, two views, "portable": the view rule's blanks)."""
    for sentences, k, _before in _citing_sentences(paragraphs, number, letter, named=True):
        # the citation's place left as one comma, none at the end: "... showed near-complete resolution"
        sentence = re.sub(r"(?<![,\s])(?:\s*,)+", ",", _CITATION.sub("", sentences[k])).rstrip(" ,.")
        if normalize_modality(sentence).value == "X-ray" and normalize_view(sentence, "X-ray").value is not None:
            return sentence
    return ""


def _vague_only(image: ImageRecord) -> bool:
    """The image's words place it only roughly ("CT before discharge", "follow-up CT") and give the
    timeline no moment, or only name it the case's first exam ("Initial chest CT": the presenting film, unless
    other words date it, as ``timeline._one_moment`` reads "initial CT on day 3 of illness"): the text's
    sentence citing it may ("The initial chest CT, performed ... 3 days after symptom onset")."""
    own = [*text_moments(image.date_text, "caption"), *text_moments(image.caption, "caption")]
    if own and all(m.kind == PRESENTING for m in own):
        return True
    return bool(_VAGUE.fullmatch(image.date_text.strip())) and not text_moments(image.caption, "caption")


def _interval_based_by_citation(image: ImageRecord, paragraphs: list[str], number: int, letter: str,
                                modality: str) -> str:
    """The image's words count an interval without saying from what ("Follow-up CT after 12 days") and
    the text's sentence citing its figure tells the same interval with its base ("A follow-up CT of the
    chest 12 days after admission ... (Fig. 2)"): that moment, not the days after the previous image."""
    own = text_moments(image.date_text, "caption") if image.date_text else ()
    if len(own) != 1 or own[0].kind != AFTER_PREVIOUS:
        return ""
    cited = _cited_moment(paragraphs, number, letter, modality)
    told = text_moments(cited, "caption") if cited else ()
    same = len(told) == 1 and told[0].kind != AFTER_PREVIOUS and told[0].days == own[0].days
    return cited if same else ""


#: "the following day" / "the next day" alone (not "the day following admission", "the next day after intubation");
#: "on next day" as South Asian authors write it.
_FOLLOWING_DAY = re.compile(r"(?:on\s+)?(?:the\s+)?(?:next|following)\s+day", re.I)


#: A sentence reporting a test's result, the test its subject ("His nasopharyngeal swab for SARS-CoV-2 PCR was
#: positive", "RT-PCR of a nasopharyngeal swab confirmed SARS-CoV-2 infection"): the result of a sample taken with
#: the film before, no step of the course (not "She was given dexamethasone and her swab was positive").
_TEST_RESULT = re.compile(r"^\s*(?:(?!(?:was|were|is|and|had|has)\b)[\w-]+\s+){0,6}?"
                          r"(?:swabs?|(?:RT-?)?PCR|tests?|assays?|serology|antigen)\b[^.;]*"
                          r"\b(?:positive|negative|confirmed|detected)\b[^;]*$", re.I)


#: A sentence adding one more finding of the film just told, an organ or a sign its subject and no step of the course
#: ("The lungs were clear apart from mild bronchial wall thickening.", "The heart size was normal.", "There was no
#: pleural effusion or pneumothorax.", "No pneumothorax was seen."): the film before's description, not the step a
#: "the following day" counts from. Not a sentence telling an act ("The lungs were re-expanded after a chest tube
#: was placed", "... worsened, and she was intubated"): those are steps.
_FINDING_SUBJECT = (r"(?:(?:left|right|upper|lower|middle|remaining|other|visible|adjacent)\s+)*"
                    r"(?:lungs?|lung\s+(?:fields?|parenchyma|bases|volumes?)|heart(?:\s+size)?|cardiac\s+"
                    r"(?:silhouette|size)|cardiomediastinal\s+(?:silhouette|contours?)|mediastinum|hila|hilar\s+"
                    r"structures|pleural\s+(?:spaces?|effusions?|thickening)|costophrenic\s+angles?|pneumothorax|"
                    r"effusions?|osseous\s+structures|bones|trachea|airways?)\b")
_FILM_FINDING = re.compile(
    r"^\s*(?!(?:[^.;]*?\s)?(?:started|given|admitted|transferred|intubated|extubated|treated|received|developed|"
    r"placed|inserted|drained|performed|obtained|done|underwent|required|discharged|worsened|improved|became)\b)"
    rf"(?:there\s+(?:was|were)\s+(?:also\s+)?(?:no\s+)?{_FINDING_SUBJECT}"
    rf"|(?:the\s+|both\s+|her\s+|his\s+|no\s+)?{_FINDING_SUBJECT}[^.;]*\b(?:was|were|is|are)\b)[^;]*$", re.I)


def _course_before(earlier: tuple[str, ...]) -> str:
    """The nearest of the ``earlier`` sentences (nearest first) that is a step of the course, the step before a
    citing sentence's "the following day": one citing a figure, telling a moment, or any but a test's result or
    one more finding of the film before (``_FILM_FINDING``) ("... (Figure 1). His swab for SARS-CoV-2 PCR was
    positive. HRCT chest was done on next day ... (Figure 2)": Figure 1's sentence; "(Figure 1). The lungs were
    clear apart from ... A CT ... the following day": Figure 1's; "(Figure 1). She was started on oxygen. A CT ...
    the following day": the oxygen's)."""
    for sentence in earlier:
        words = _CITATION.sub("", sentence)
        if (_CITATION.search(sentence) or _DATE.search(words) or text_moments(words, "caption")
                or not (_TEST_RESULT.match(words) or _FILM_FINDING.match(words))):
            return sentence
    return ""


def _cites(sentence: str, number: int) -> bool:
    return any(int(m.group(1)) == number for m in _CITATION.finditer(sentence))


def _cited_place_in_course(paragraphs: list[str], number: int, letter: str, figures: set[Any]) -> str:
    """The words of the text's sentence citing figure ``number`` (panel ``letter``) that place its film in the
    course without a day or a date, as radiology case reports tell their films in order: the case's first film
    named so ("The initial chest radiograph demonstrated ... (Figure 1)": the presenting film), or "the following
    day" when the sentence before cites the figure before ("... (Figure 1). A CT of the chest was obtained the
    following day ... (Figure 2)": the day after that figure's film, the timeline's film before, when the case
    holds that figure: ``figures`` are its figures' numbers); "" when no citing sentence, or several, say so, or
    one tells a day or date of its own (``_cited_moment``'s)."""
    found = set()
    for sentences, k, earlier in _citing_sentences(paragraphs, number, letter):
        sentence, before = _CITATION.sub("", sentences[k]), _course_before(earlier)
        if _DATE.search(sentence):
            return ""
        moments = text_moments(sentence, "caption")
        if len(moments) != 1:
            continue
        words = moments[0].evidence.strip()
        if moments[0].kind == PRESENTING or (moments[0].kind == AFTER_PREVIOUS and _FOLLOWING_DAY.fullmatch(words)
                                             and number - 1 in figures and _cites(before, number - 1)):
            found.add(words)
    return found.pop() if len(found) == 1 else ""


def _from_citations(cases: Any, paragraphs: list[str]) -> None:
    """A figure whose caption names no moment ("Chest CT.", "Axial CT pulmonary angiogram ...") takes
    the one its citing sentence in the text names ("A CT pulmonary angiogram four days after admission
    ... (Fig. 2)"), and a radiograph whose caption names no view the one its citing sentence names,
    with that sentence as evidence for the reviewer."""
    for case in cases:
        for image in case.images:
            number = image.extra.get("figure_number")
            if not isinstance(number, int):
                continue
            letter = str(image.extra.get("panel", ""))
            modality = normalize_modality(image.modality_text).value or ""
            # (a caption listing several moments for panels it does not tell apart names no one of them: neither
            # does the text citing the figure for each, "The chest CT scan on admission showed ... (Fig. 1)")
            listing = not image.date_text and bool(_listed_moments(image.caption))
            moment = ("" if (image.date_text and not _vague_only(image)) or listing
                      else _cited_moment(paragraphs, number, letter, modality))
            moment = moment or ("" if listing else
                                _interval_based_by_citation(image, paragraphs, number, letter, modality))
            if not moment and not image.date_text and not text_moments(image.caption, "caption"):
                figures = {i.extra.get("figure_number") for i in case.images}
                moment = _cited_place_in_course(paragraphs, number, letter, figures)
            if moment:
                image.date_text = moment
                image.extra["date_from"] = "the text's sentence citing the figure"
            xray = normalize_modality(image.modality_text).value == "X-ray"
            view = _cited_view(paragraphs, number, letter) if xray and not image.view_text else ""
            if view:
                image.view_text = view
                image.extra["view_from"] = "the text's sentence citing the figure"


def _attach_figure(case: CaseRecord, figure: Figure, panels: dict[str, str], split: PanelSplit | None,
                   pdf: PdfFigure | None, placed: dict[str, str] | None = None) -> None:
    """The figure's images (its ``panels``) appended to the case, with its warnings. ``placed``:
    every panel's words when the caption names the panels by place, not by letter."""
    # A panel subset of a split figure keeps its own boxes: index the split by letter.
    all_panels = dict(figure.panel_captions) or (dict(placed or {}) if panels else {})
    images = _images_for(figure, panels, _subset(split, all_panels, panels), pdf, len(case.images))
    case.images.extend(images)
    if any(i.extra.get("needs_review") for i in images):
        case.warnings.append(f"{figure_name(figure)}: {images[0].extra['needs_review']}")
    if figure.third_party:
        case.warnings.append(f"{figure_name(figure)} is third-party material: {figure.third_party_evidence}")


def _note_left_out(cases: dict[str, CaseRecord], excluded: list[dict[str, str]]) -> None:
    """Every case says which figures were left out and why (for the reviewer)."""
    if excluded:
        for case in cases.values():
            case.extra["left_out_figures"] = excluded
            for item in excluded:
                case.warnings.append(f"{item['figure']} left out, not a patient image of the chest "
                                     f"({item['kind']}): {item['reason']}")


def _subset(split: PanelSplit | None, all_panels: dict[str, str], panels: dict[str, str]) -> PanelSplit | None:
    """The split restricted to ``panels`` (the letters one patient gets), in their order."""
    if split is None or not split.reliable or len(split.panels) != len(all_panels) or len(panels) == len(all_panels):
        return split
    letters = list(all_panels)
    chosen = [split.panels[letters.index(letter)] for letter in panels]
    return PanelSplit(panels=chosen, reliable=True, reason=split.reason, width=split.width, height=split.height,
                      background=split.background, extra=dict(split.extra))


def merge_figure_urls(jats: Article, html: Article) -> Article:
    """Put the PMC blob-CDN URLs from the article HTML first in the JATS figures' image URLs.

    The CDN path cannot be derived from the JATS graphic href, but its file name is that href
    (plus an extension), so figures are matched by file stem, then by figure number.
    """
    by_stem: dict[str, list[str]] = {}
    by_number: dict[int, list[str]] = {}
    for figure in html.figures:
        for url in figure.image_urls:
            by_stem.setdefault(re.sub(r"\.[A-Za-z]+$", "", url.rsplit("/", 1)[-1]).lower(), []).append(url)
        if figure.number is not None:
            by_number.setdefault(figure.number, []).extend(figure.image_urls)
    for figure in jats.figures:
        found: list[str] = []
        for href in figure.graphic_hrefs:
            found += by_stem.get(re.sub(r"\.[A-Za-z]+$", "", href).lower(), [])
        if not found and figure.number is not None:
            found = by_number.get(figure.number, [])
        figure.image_urls = found + [u for u in figure.image_urls if u not in found]
        files = figure.extra.get("panel_files")
        if files:
            # Panels as separate graphics: each letter's file at its CDN address too.
            for letter, url in files.items():
                stem = re.sub(r"\.[A-Za-z]+$", "", url.rsplit("/", 1)[-1]).lower()
                files[letter] = (by_stem.get(stem) or [url])[0]
    return jats
