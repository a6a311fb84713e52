"""Fill the blank cells of one ``metadata.csv`` row from the row's own columns.

``backfill_row`` is pure: it never changes a non-blank cell and leaves a field blank rather than
guess. Values are written as the CSV should hold them: vocabulary strings as in
``schema`` ("Y", "PA", "Pneumonia/Viral/COVID-19"), integers without ".0" ("65"), other
numbers without float noise ("38.6"), dates as ISO 8601 at the precision found ("2020",
"2020-03", "2020-03-16"; ``schema.parse_dataset_date`` reads them).

Per-image evidence. A row is one image, but its clinical note often describes several images of
the patient ("(A) chest radiograph on admission ... (B) CT on day 7"). Patient-level fields (sex,
age, finding, RT-PCR, survival, intubated, went_icu, needed_supplemental_O2, extubated) read the
whole note; per-image fields (offset, view, modality, date, vitals and counts, intubation_present,
in_icu) read the ``filename`` first ("-PA", "-L", "-day5") and then only the part of the note
about this image: the panel matching the file's panel letter ("fig1a" -> "(a) ..."). When the
note has several panels and the file names none of them, per-image fields are left blank. The
image's own facts (offset, view, modality, date) are read from a whole note only when the note is
this row's alone (``RowContext``: a note shared by the patient's images gives them nothing but a
single modality, radiographs); a CT named in a whole note is left blank with the reason. A 2-D
image whose modality is CT (its cell, or filled from its own evidence) and whose own words name no
plane, reconstruction or rendering is Axial, as staging records it (``ct_slice_view``). The
offset is the image's day on its patient's timeline (``ingest.timeline``): the note's history
anchors it on the onset, the file's day label or its own words place it. When the patient's notes
repeat the case's history and each appends its image's legend (Eurorad, papers), the end of a
row's note after that shared history is its own legend (``own_legends``): it names the image's
modality, its view (by the legend's heading, when the note is the row's alone) and, when it says
the film is normal, the film's "No Finding".

``backfill_table(rows)`` does the same for a whole table, and lets patient-level fields read the
notes (never the values) of the patient's other rows: same patientid, same case URL.
"""

from __future__ import annotations

import dataclasses
import gc
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache

from schema import (
    COLUMNS,
    CT_VIEWS,
    FOLDER_IMAGES,
    FOLDER_VOLUMES,
    MODALITY_CT,
    MODALITY_XRAY,
    XRAY_VIEWS,
)

from .normalize import NORMALIZERS, Normalized, license_for_url, location_for_url
from .normalize.common import compile as compile_fast
from .normalize.common import fast_init, finditer_near, format_number, sentence_at
from .normalize.demographics import SEX_VERSION
from .normalize.imaging import (
    FINDING_NORMAL_FILMS_RULE,
    MODALITY_BESIDE_COMPARED_STUDY,
    compared_study_at,
    ct_slice_view,
    normalize_finding,
    normalize_modality,
    normalize_view,
    portable_film,
)
from .normalize.provenance import (
    DATE_PATTERNS,
    covid_case_year_for_url,
    date_for_url,
    doi_for_filename,
    doi_for_url,
    issued_year,
    modality_for_url,
    normalize_date,
    rt_pcr_for_url,
    url_for_doi,
)
from .normalize.time_words import at_admission
from .timeline import CaseImages, ImageTexts, filename_day, history_dates, onset_gap, tells_one_moment


class _Siblings:
    """The films of a patient's rows on its timeline (``CaseImages``) and the first row of each
    file name, built when the first of the rows asks and shared by them all (their contexts):
    placing each row's film must not read every sibling's words again."""

    __slots__ = ("case", "first")

    def __init__(self) -> None:
        self.case: CaseImages | None = None
        self.first: dict[str, int] = {}


@fast_init  # one per row of a patient
@dataclass(frozen=True)
class RowContext:
    """What the rest of the table tells about a row (the TEXT of its patient's other rows, never
    their values): whether its note is also another row's note (then the note describes several
    images, and the row's own facts are in the note only where a panel of it names this file), and
    the file names of the patient's rows in table order (their day labels share one scale)."""

    note_shared: bool = False
    filenames: tuple[str, ...] = ()
    #: The words of each of those rows about its own image (its panel of the note, its note when the
    #: note is that row's alone, the legend after the history for the first of the rows sharing a note;
    #: "" otherwise): they place the siblings on the timeline, so
    #: "7 days later" in this row's note counts from the sibling's "initial radiograph".
    own_texts: tuple[str, ...] = ()
    #: Every row of the patient has this row's note: the note describes all of its films.
    note_of_all: bool = False
    #: Shared by the contexts of one patient's rows (built by ``backfill_table``): a cache.
    siblings: _Siblings | None = dataclasses.field(default=None, compare=False, repr=False)
    #: The end of this row's note after the case history its siblings' notes repeat word for word
    #: (``own_legends``): this image's own legend (its study's, when the note is shared: the PA and
    #: lateral films of one radiograph), "" when there is none.
    own_legend: str = ""
    #: The file names of the patient's rows that share this row's note, in table order ("" when the
    #: note is the row's alone): a legend telling its films in order ("axial and coronal CT images")
    #: gives them their views by the rank of their letters.
    note_files: tuple[str, ...] = ()
    #: The exam of each of the patient's rows on the timeline (``ImageTexts.group``): the rows sharing a
    #: note are the films of one exam (its PA and lateral, its CT's planes); "" for a note of its own.
    exams: tuple[str, ...] = ()
    #: The patient's notes repeat a case history before their films' legends (``own_legends`` found one).
    history_before_legends: bool = False


@fast_init
@dataclass(frozen=True)
class Fill:
    row: int
    field: str
    value: str
    evidence: str
    rule: str


PATIENT_FIELDS = (
    "sex", "age", "finding", "RT_PCR_positive", "survival", "intubated", "went_icu",
    "needed_supplemental_O2", "extubated",
)
IMAGE_FIELDS = (
    "offset", "view", "modality", "date", "temperature", "pO2_saturation", "leukocyte_count",
    "neutrophil_count", "lymphocyte_count", "intubation_present", "in_icu",
)
SOURCE_FIELDS = ("folder", "location", "license", "doi", "url")
#: Every column backfill can fill, in the schema's order.
FILLABLE: tuple[str, ...] = tuple(c for c in COLUMNS if c in PATIENT_FIELDS + IMAGE_FIELDS + SOURCE_FIELDS)
_FILLABLE_SET = frozenset(FILLABLE)

# --- What the file name says --------------------------------------------------------------------

_EXTENSIONS = compile_fast(r"(?:\.nii)?\.gz$|\.(?:jpe?g|png|gif|bmp|tiff?|webp)$", re.IGNORECASE)
_VIEW_TOKENS = {"PA": "PA", "AP": "AP", "L": "L", "LAT": "L", "LATERAL": "L", "APS": "AP Supine",
                "SUPINE": "AP Supine"}
_LAST_VIEW_TOKENS = {"pa": "PA", "ap": "AP", "l": "L", "lat": "L", "lateral": "L", "aps": "AP Supine",
                     "supine": "AP Supine"}
_PANEL_IN_NAME = compile_fast(r"(?:[-_.](?:fig)?\d*|fig\d+|f\d+|g\d+|\d)([a-hA-H])\d?$")


@lru_cache(maxsize=4096)
def _stem(filename: str) -> str:
    # remembered: a row asks for its file name's stem for several fields, and a patient's
    # timeline for every sibling's
    return _EXTENSIONS.sub("", filename.strip())


@lru_cache(maxsize=4096)
def _view_from_filename(filename: str) -> Normalized:
    stem = _stem(filename)
    tokens = [t for t in re.split(r"[-_.\s]+", stem) if t]
    found_views = {(_VIEW_TOKENS[t], t) for t in tokens if t in _VIEW_TOKENS}
    if len({v for v, _ in found_views}) == 1:
        view, token = found_views.pop()
        m = re.search(rf"(?:^|[-_.\s]){re.escape(token)}(?=$|[-_.\s])", filename)
        start = m.start() + (1 if m.group(0)[0] in "-_. " else 0) if m else -1
        return Normalized(view, token, start, start + len(token) if start >= 0 else -1, "view.filename", 1)
    # a lower-case view as the name's last word ("...-day1-pa.png", "...-symptoms-l.png"): a lone
    # "l" or "a" elsewhere in a name is a size or a panel ("kjr-21-e24-g002-l-a.jpg")
    last = tokens[-1] if tokens else ""
    if last in _LAST_VIEW_TOKENS:
        start = len(stem) - len(last)
        return Normalized(_LAST_VIEW_TOKENS[last], filename[start:len(stem)], start, len(stem), "view.filename", 1)
    if "a-letto" in stem.lower() or "portable" in stem.lower():
        return normalize_view(stem.replace("-", " "))
    return Normalized(None)


def _panel_letter(filename: str) -> str | None:
    stem = _stem(filename)
    stem = re.sub(r"[-_]day[-_]?\d+$", "", stem, flags=re.IGNORECASE)
    stem = re.sub(r"_lrg$", "", stem)  # Elsevier's large figure file: "gr2b_lrg" is panel b of figure 2
    m = _PANEL_IN_NAME.search(stem)
    return m.group(1).lower() if m else None


# --- Panels of a note ------------------------------------------------------------------------------

_PANEL_MARK = compile_fast(
    r"(?=[(\sA-HF])(?:"  # cheap first-character test: every alternative starts with one of these
    r"\(([A-Ha-h])\)"                                   # "(a) Anteroposterior radiograph"
    r"|(?:(?<=^)|(?<=[.;:]\s)|(?<=[.;:]))\s*([A-H])[,:.]\s"  # "A, Chest radiograph", "B: CT"
    r"|\bFig(?:ure)?\.?\s*\d+\s?([a-h])\b"                  # "Fig. 3a."
    r"|\(\s*Fig(?:ure)?\.?\s*\d+\s?([A-Ha-h])\s*\)"         # "(Figure 1B)"
    r")"
)


_VERB_AFTER_MARK = compile_fast(
    r"\s*(?:shows?|showed|showing|demonstrat\w*|reveal\w*|depicts?|displays?|is|are|was|were)\b", re.IGNORECASE)


def _mark_end(note: str, mark_start: int) -> int:
    """The end of the panel mark starting at ``mark_start`` ("(a)", "A,", "B:")."""
    m = re.match(r"\(?[A-Ha-h]\)?[,:.]?", note[mark_start:])
    return mark_start + (m.end() if m else 1)


@lru_cache(maxsize=4096)
def _panels(note: str) -> tuple[tuple[str, int, int], ...]:
    """(letter, start, end) of each panel of a note with two or more distinct panel labels. A label
    that opens its sentence ("(a) Anteroposterior radiograph shows ...") runs to the next label; a
    label inside a sentence ("Chest radiograph (A) shows ... . Axial CT scan (B) shows") covers its
    own sentence only, from the sentence's start: the words before the next label are that panel's."""
    marks = []
    for m in _PANEL_MARK.finditer(note):
        group = next(i for i, g in enumerate(m.groups(), start=1) if g)
        # (letter, where the mark starts, where its own text starts: "(a)" or the bare letter)
        mark_start = m.start(group) - (1 if note[m.start(group) - 1:m.start(group)] == "(" else 0)
        marks.append((m.group(group).lower(), m.start(), mark_start))
    if len({l for l, _, _ in marks}) < 2:
        return ()
    spans = []
    for i, (letter, start, mark_start) in enumerate(marks):
        end = marks[i + 1][1] if i + 1 < len(marks) else len(note)
        s_start, s_end = sentence_at(note, mark_start)
        # "Chest radiograph (A) shows": the label follows its subject; "(D) CT scan on day 9": it opens
        opens_sentence = (not note[s_start:mark_start].strip(" (")
                          or not _VERB_AFTER_MARK.match(note, _mark_end(note, mark_start)))
        if not opens_sentence:
            previous_end = marks[i - 1][2] + 1 if i else 0
            start = max(s_start, previous_end)
            end = min(end, s_end)
        spans.append((letter, start, end))
    return tuple(spans)


# A figure's legend inside a note: "Figure 2 (4 hours later). Radiological worsening ...".
_FIGURE_MARK = compile_fast(r"\bFig(?:ure)?\.?\s*(\d{1,2})\b(?![.,]\d)(?!\s*[a-hA-H]\b)", re.IGNORECASE)
# The figure number of a file: Eurorad's "<case>_<figure>_<image>.jpg", a paper's "-fig3.png", and
# the publishers' own figure files, Springer's "<journal>_<year>_<article>_Fig2_HTML.png" and
# Elsevier's "1-s2.0-<pii>-gr2_lrg.jpg" (a panel's letter after them is the panel's, not the figure's).
_FIGURE_IN_NAME = compile_fast(
    r"^\d+_(\d{1,2})_\d+$|(?:^|[-_.])fig(?:ure)?[-_]?(\d{1,2})$"
    r"|_Fig(\d{1,2})_HTML(?:-[a-h]\d?)?$|(?:^|[-_])gr(\d{1,2})(?:[a-h]\d?)?_lrg(?:-[a-h]\d?)?$", re.IGNORECASE)


def _figure_marks(note: str, filename: str, cited: bool) -> tuple[int, list[tuple[int, int]]] | None:
    """(the file's figure number, (number, start) of each figure mark of the note that is ``cited``
    inside a sentence, "Chest X-ray (Fig. 2) revealed", or else opens a legend, "Figure 2 (4 hours
    later). Worsening") when such marks name two or more figures and the file's name gives its
    figure; None otherwise."""
    if "fig" not in note.lower():
        return None
    number = _file_figure(filename)
    if number is None:
        return None
    marks = []
    for m in _FIGURE_MARK.finditer(note):
        # cited inside its sentence: "(" before it and words of the sentence before that
        inside = note[m.start() - 1:m.start()] == "(" and bool(
            note[sentence_at(note, m.start())[0]:m.start() - 1].strip())
        if inside == cited:
            marks.append((int(m.group(1)), m.start()))
    return (number, marks) if len({n for n, _ in marks}) >= 2 else None


def _figure_text(note: str, filename: str) -> str | None:
    """The legend of this file's figure when the note gives the legends of two or more figures
    ("Figure 1 (at admission). ... Figure 2 (4 hours later). ..."): from its mark to the next
    figure's. None when the note has no such legends or none of this file's figure."""
    found = _figure_marks(note, filename, cited=False)
    if found is None:
        return None
    number, marks = found
    parts = [note[start:marks[i + 1][1] if i + 1 < len(marks) else len(note)]
             for i, (n, start) in enumerate(marks) if n == number]
    return " ".join(parts) if parts else None


def cited_figure_sentences(note: str, filename: str) -> tuple[tuple[int, int], ...]:
    """The spans of the sentences citing this file's figure inside them, after what it shows, as case
    reports cite theirs ("Head CT scan was normal (Fig. 1). Chest X-ray (Fig. 2) revealed ..."), when
    the note cites two or more figures so; none when it cites the file's figure nowhere so."""
    found = _figure_marks(note, filename, cited=True)
    if found is None:
        return ()
    number, marks = found
    return tuple(dict.fromkeys(sentence_at(note, start) for n, start in marks if n == number))


def _in_note(spans: tuple[tuple[int, int], ...], joined_start: int, joined_end: int) -> tuple[int, int]:
    """Where ``joined[joined_start:joined_end]`` lies in the note, ``joined`` being the note's ``spans``
    joined by one space (a match inside one of them)."""
    at = 0
    for start, end in spans:
        if joined_start < at + end - start:
            return start + joined_start - at, start + joined_end - at
        at += end - start + 1
    return -1, -1


# A panel cited with its figure: "Fig. 3b", "(Figure 2 B)".
_PANEL_FIGURE = compile_fast(r"\bFig(?:ure)?\.?\s*(\d{1,2})\s?([a-hA-H])\b", re.IGNORECASE)


@lru_cache(maxsize=4096)
def _file_figure(filename: str) -> int | None:
    """The figure number the file's name gives (``_FIGURE_IN_NAME``), or None."""
    named = _FIGURE_IN_NAME.search(_stem(filename))
    return int(next(g for g in named.groups() if g)) if named else None


@lru_cache(maxsize=4096)  # asked by the row's patient context and by the row itself
def image_note(note: str, filename: str) -> str | None:
    """The part of the note about this image, or None when the note has several panels and the
    file is not one of them. When the file's panel letter is cited under several figures ("(Fig. 3b)",
    "Fig. 2b.") and one of them is the file's, the other figures' panels are not the file's:
    "gr2b_lrg.jpg" is panel b of figure 2, not of figure 3."""
    panels = _panels(note)
    if not panels:
        return _figure_text(note, filename) or note
    letter = _panel_letter(filename)
    if letter is None:
        return None
    spans = [(s, e) for l, s, e in panels if l == letter]
    number = _file_figure(filename) if len(spans) > 1 and "fig" in note.lower() else None
    if number is not None:
        figures = [{int(m.group(1)) for m in _PANEL_FIGURE.finditer(note, s, e) if m.group(2).lower() == letter}
                   for s, e in spans]
        if any(number in f for f in figures):
            # the letter is cited under several figures: the file's figure's panels (and uncited ones)
            spans = [span for span, f in zip(spans, figures) if not f or number in f]
    parts = [note[s:e] for s, e in spans]
    return " ".join(parts) if parts else None


# --- Row --------------------------------------------------------------------------------------------


def _cell(row: dict[str, str], column: str) -> str:
    return (row.get(column) or "").strip()


def _format(value) -> str:
    if isinstance(value, bool):
        return "Y" if value else "N"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return format_number(value)
    return str(value)


def _fill(row_number: int, field: str, result: Normalized) -> Fill | None:
    if result.value is None:
        return None
    return Fill(row_number, field, _format(result.value), result.evidence, f"{result.rule}@v{result.version}")


_URL_SCHEME = re.compile(r"^https?://(?:www\.)?")
#: A file name's word separators, and a word of four letters in it (a descriptive name, a title).
_NAME_SEPARATORS = re.compile(r"[-_.]+")
_WORD_OF_FOUR = re.compile(r"[a-z]{4,}", re.IGNORECASE)


@lru_cache(maxsize=4096)  # a row asks for its site by several fields (modality, view, date)
def _source(url: str) -> str | None:
    host = _URL_SCHEME.sub("", url.lower()).split("/")[0]
    for name in ("radiopaedia", "eurorad", "sirm"):
        if name in host:
            return name
    return None


_URL_SLUG = compile_fast(r"radiopaedia\.org/cases/([a-z][\w-]*)|sirm\.org/\d{4}/\d{2}/\d{2}/([\w-]+)", re.IGNORECASE)


#: Findings a note alone does not establish: a note says "pneumonia" or "normal" about one film of
#: a patient whose diagnosis is more specific (a COVID-19 case's admission film can be normal).
_GENERIC_FINDINGS = frozenset({"Pneumonia", "Pneumonia/Viral", "Pneumonia/Bacterial", "Pneumonia/Fungal", "No Finding",
                               "Pneumonia/Aspiration"})


#: A case page's address titling its one patient by age and sex, as case forums and journals slug a case's title
#: ("/question/case-004-41-year-old-male-21", "/articles/30976-...-in-a-61-year-old-woman"): the words of the title.
_TITLED_PATIENT = compile_fast(
    r"(?<![a-z0-9])\d{1,3}[-_]?(?:years?|yrs?|y)[-_]old[-_](male|female|man|woman|gentleman|lady)(?![a-z])",
    re.IGNORECASE)


def _sex_for_url(url: str) -> Normalized:
    """The sex a case address's title gives its patient (``_TITLED_PATIENT``): the page's own title, written once
    per patient; blank when the address titles two patients (a comparison of cases) or none."""
    path = re.split(r"[?#]", _URL_SCHEME.sub("", url), maxsplit=1)[0]
    found_sexes = list(_TITLED_PATIENT.finditer(path))
    sexes = {"F" if m.group(1).lower() in ("female", "woman", "lady") else "M" for m in found_sexes}
    if len(found_sexes) != 1 or len(sexes) != 1:
        return Normalized(None)
    m = found_sexes[0]
    start = url.find(m.group(0))
    return Normalized(sexes.pop(), m.group(0), start, start + len(m.group(0)) if start >= 0 else -1,
                      "sex.url-title", SEX_VERSION)


def _finding(row: dict[str, str], normalize_note: Callable[[str, str], Normalized] | None = None) -> Normalized:
    """The case title (a Radiopaedia/SIRM URL slug, a descriptive file name) names the diagnosis
    more reliably than the note, which also discusses differentials; the note may only refine a
    generic title with the organism it names ("cavitating pneumonia" + "Streptococcus
    pneumoniae was cultured")."""
    title = Normalized(None)
    slug = _URL_SLUG.search(_cell(row, "url"))
    if slug:
        words = re.sub(r"-\d+$", "", slug.group(1) or slug.group(2)).replace("-", " ")
        result = normalize_finding(words)
        if result.value is not None:
            title = Normalized(result.value, slug.group(0), -1, -1, "finding.url-title", result.version)
    stem = _stem(_cell(row, "filename"))
    if title.value is None and _WORD_OF_FOUR.search(stem):
        result = normalize_finding(_NAME_SEPARATORS.sub(" ", stem))
        if result.value is not None:
            title = Normalized(result.value, _cell(row, "filename"), -1, -1, "finding.filename", result.version)
    notes = _cell(row, "clinical_notes")
    note = normalize_note("finding", notes) if normalize_note is not None else normalize_finding(notes)
    if note.value in _GENERIC_FINDINGS:
        note = Normalized(None)
    if title.value is None:
        return note
    if title.value in _GENERIC_FINDINGS and note.value is not None and str(note.value).startswith("Pneumonia/"):
        return Normalized(note.value, note.evidence, note.start, note.end, "finding.title-refined-by-note",
                          note.version)
    return title


def _modality(row: dict[str, str], image_text: str | None, shared_note: str | None = None) -> Normalized:
    """The image's modality from its own evidence (volume, view, file name, its panel or note); a
    note shared by the patient's images (``shared_note``) only when it names radiographs alone:
    then the case has a single modality, and a radiograph is what every image of it is."""
    filename, folder, view = _cell(row, "filename"), _cell(row, "folder"), _cell(row, "view")
    if not view:
        view = str(_view_from_filename(filename).value or "")  # "-PA", "-L": an X-ray view
    if folder == FOLDER_VOLUMES or filename.lower().endswith((".nii", ".nii.gz")):
        return Normalized(MODALITY_CT, folder if folder == FOLDER_VOLUMES else filename, -1, -1, "modality.volume", 1)
    if view in XRAY_VIEWS:
        return Normalized(MODALITY_XRAY, view, -1, -1, "modality.from-view", 1)
    if view in CT_VIEWS:
        return Normalized(MODALITY_CT, view, -1, -1, "modality.from-view", 1)
    by_name = normalize_modality(_NAME_SEPARATORS.sub(" ", _stem(filename)))
    if by_name.value is not None:
        return Normalized(by_name.value, filename, -1, -1, "modality.filename", by_name.version)
    by_site = modality_for_url(_cell(row, "url"))
    if by_site.value is not None:
        return by_site
    heading = _heading_modality(image_text)
    if heading.value is not None:
        return heading
    if not image_text:
        if shared_note:
            words = normalize_modality(shared_note)
            # a CT named for comparison may be another of the patient's images
            if words.value == MODALITY_XRAY and MODALITY_BESIDE_COMPARED_STUDY not in words.flags:
                return Normalized(MODALITY_XRAY, words.evidence, words.start, words.end,
                                  "modality.case-words-single-modality", words.version)
        return Normalized(None)
    result = normalize_modality(image_text, radiograph_signs=True)
    note = _cell(row, "clinical_notes")
    if result.value is None and result.reason and image_text == note:
        # a whole note naming both studies: the sentence citing this file's figure names its own
        spans = cited_figure_sentences(note, filename)
        cited = " ".join(note[start:end] for start, end in spans)
        by_citation = normalize_modality(cited, radiograph_signs=True) if cited else Normalized(None)
        if by_citation.value is not None:
            start, end = _in_note(spans, by_citation.start, by_citation.end)  # the sentences may lie apart
            return Normalized(by_citation.value, by_citation.evidence, start, end, "modality.cited-figure",
                              by_citation.version)
    if result.value == MODALITY_CT and image_text == note:
        return _ct_in_whole_note(result)
    return result


# A legend's heading: the note opens by naming what the image is, then a colon ("CT scan – axial
# view: bilateral GGOs", "Patient 3 - CXR: normal", "Chest radiograph, PA: ..."): the way case
# sites and papers label each image's own legend. A patient label ("Patient 3 -", "Case 2:") may
# come first. No sentence (no verb, no full stop) fits in the heading.
_LEGEND_HEADING = compile_fast(
    r"^\s*(?:(?:patient|case)\s*[\w]{1,3}\s*[-\u2013\u2014:,.]\s*)?([^:.;!?()]{2,60}?)\s*:(?!\d)", re.IGNORECASE)
_HEADING_VERB = compile_fast(
    r"\b(?:shows?|showed|showing|demonstrat\w*|reveal\w*|performed|obtained|taken|was|were|is|are|has|had)\b",
    re.IGNORECASE)


@lru_cache(maxsize=4096)
def _legend_heading(text: str) -> tuple[str, int, int] | None:
    """(heading, start, end) when ``text`` opens with a legend's heading naming a modality."""
    m = _LEGEND_HEADING.match(text)
    if m is None or _HEADING_VERB.search(m.group(1)):
        return None
    if normalize_modality(m.group(1)).value is None:
        return None
    return m.group(1), m.start(1), m.end(1)


def _heading_modality(image_text: str | None) -> Normalized:
    """The modality a note's legend heading names: the image's own label, so a CT named there is
    this image (not the patient's work-up, unlike a CT named anywhere in a whole note)."""
    heading = _legend_heading(image_text) if image_text else None
    if heading is None:
        return Normalized(None)
    text, start, _end = heading
    result = normalize_modality(text)
    return Normalized(result.value, result.evidence, start + result.start, start + result.end,
                      "modality.legend-heading", result.version)


# A film's own legend saying the film is normal: curators record such a film (a normal comparison
# film, the first film of a patient whose later films show the disease) as "No Finding", film by
# film. The legend's body is the whole statement: "Normal", "normal chest radiograph", "did not show
# obvious parenchymal consolidation or pleural effusion", "reveals no lung pathology".
_NORMAL_FILM = compile_fast(
    r"^\s*(?:(?:the\s+)?(?:chest\s+)?(?:x-?ray|radiograph|film|study|examination|ct)\s+(?:is|was)\s+)?normal"
    r"(?:\s+(?:study|examination|exam|chest\s+(?:x-?ray|radiograph|film)|findings))?\s*\.?\s*$"
    r"|\b(?:did|does|do)\s+not\s+show\s+(?:any\s+)?(?:obvious\s+|significant\s+|evident\s+)?"
    r"(?:parenchymal\s+|pulmonary\s+|lung\s+)?(?:consolidations?|abnormalit(?:y|ies)|opacit(?:y|ies)|lesions?|pathology)\b"
    r"|\breveals?\s+no\s+(?:lung|pulmonary|parenchymal)\s+(?:pathology|abnormalit(?:y|ies)|lesions?)\b",
    re.IGNORECASE,
)
# A qualified statement is not a normal film ("normal but for a small effusion", "mild", "subtle").
_NOT_ALL_NORMAL = compile_fast(r"\b(?:but|however|except|although|apart|besides|mild\w*|minimal|subtle|slight\w*|"
                               r"small|new|persist\w*|residual|worse\w*|improv\w*|progress\w*)\b", re.IGNORECASE)


def _normal_film(context: RowContext, own_text: str | None) -> Normalized:
    """"No Finding" for a film whose own words (its legend after the history its siblings repeat,
    or its own note opening with a legend's heading, "Patient 5 - CXR: Normal") say it is normal,
    in one short statement without a qualification; nothing otherwise."""
    if context.note_shared:
        return Normalized(None)  # a note shared by several films is no one film's
    text = context.own_legend
    if not text and own_text and _legend_heading(own_text) is not None:
        text = own_text
    if not text or len(text) > 200:
        return Normalized(None)
    heading = _legend_heading(text)
    body_start = text.index(":", heading[2]) + 1 if heading is not None else 0
    body = text[body_start:]
    if len(re.findall(r"[.!?](?:\s|$)", body.strip())) > 1 or _NOT_ALL_NORMAL.search(body):
        return Normalized(None)
    m = _NORMAL_FILM.search(body)
    if m is None:
        return Normalized(None)
    return Normalized("No Finding", body[m.start():m.end()].strip(), body_start + m.start(), body_start + m.end(),
                      "finding.normal-film", 1)


def _legend_modality(row: dict[str, str], legend: str) -> Normalized:
    """The modality this image's own legend names (``own_legends``): its heading ("CT axial view,
    lung window:") or its words ("Chest X-ray showing ..."); a CT named there is the image. Only
    for a row whose file name, folder or view say nothing (``_modality`` reads them first)."""
    if not legend:
        return Normalized(None)
    by_row = _modality(row, None)
    if by_row.value is not None:
        return Normalized(None)  # the file, folder or view decide, as they do without a legend
    result = _heading_modality(legend)
    if result.value is None:
        result = normalize_modality(legend, radiograph_signs=True)
    if result.value is None:
        return Normalized(None)
    return Normalized(result.value, result.evidence, result.start, result.end, "modality.own-legend", result.version)


def _legend_view(row: dict[str, str], legend: str) -> Normalized:
    """The view this image's own legend's heading names ("AP chest radiography:", "CT axial view,
    lung window:"), as a note opening with such a heading does (``_view``); the file name first."""
    heading = _legend_heading(legend) if legend else None
    if heading is None or _view_from_filename(_cell(row, "filename")).value is not None:
        return Normalized(None)
    text, start, _end = heading
    result = normalize_view(text, modality=_cell(row, "modality") or _heading_modality(legend).value)
    if result.value is None:
        return Normalized(None)
    return Normalized(result.value, result.evidence, start + result.start, start + result.end,
                      "view.own-legend-heading", result.version)


def _study_note_modality(row: dict[str, str], note: str) -> Normalized:
    """A Radiopaedia row's note shared with other rows: Radiopaedia writes its findings per study
    (one modality, a radiograph's PA and lateral films or a CT's planes), and the dataset's note of
    a film is its study's text, so a note shared by films is their study's: what it says of the
    modality is every one of its films' (not their view: PA and lateral share the text)."""
    result = _modality(row, note)
    if result.rule not in ("modality.words", "modality.radiograph-signs"):
        return result
    return Normalized(result.value, result.evidence, result.start, result.end, "modality.study-note", result.version)


def _row_modality(row: dict[str, str], own_text: str | None, context: RowContext) -> Normalized:
    """The image's modality from the row's own evidence (``_modality``): its legend after the
    history its siblings repeat, its file, folder and view, its part of the note; a note shared
    by the patient's images only as ``_modality`` and ``_study_note_modality`` allow."""
    note = _cell(row, "clinical_notes")
    shared = note if own_text is None and context.note_shared else None
    result = _legend_modality(row, context.own_legend)
    if result.value is None:
        result = (_study_note_modality(row, shared) if shared and _source(_cell(row, "url")) == "radiopaedia"
                  else _modality(row, own_text, shared))
    if result.value is None and not result.reason and shared and not context.note_of_all:
        result = _legend_of_some_films_modality(row, shared)
    return result


def _legend_of_some_films_modality(row: dict[str, str], legend: str) -> Normalized:
    """A note shared by some of the patient's films and not the others (whose notes are their
    own): the legend of those films, as papers caption a group of panels ("Baseline axial and
    coronal chest CT images show ..." for panels b and c, the radiograph's legend for panel a).
    When it names CT alone (no radiograph, no CT named only for comparison), those films are CT.
    Only for a 2-D file whose name, folder or view say nothing."""
    if _modality(row, None).value is not None:
        return Normalized(None)
    words = normalize_modality(legend)
    if words.value is None and not words.reason:
        # no modality named: a radiograph's own reading ("thickening of the lung fields", "blunted
        # costophrenic angles") is the legend of films, as a CT's legend names the CT
        signs = normalize_modality(legend, radiograph_signs=True)
        if signs.value == MODALITY_XRAY:
            return Normalized(MODALITY_XRAY, signs.evidence, signs.start, signs.end, "modality.legend-of-some-films",
                              signs.version)
    if words.value != MODALITY_CT or MODALITY_BESIDE_COMPARED_STUDY in words.flags:
        return Normalized(None)
    if _ADVISED_STUDY.search(legend, *sentence_at(legend, words.start)) or compared_study_at(legend, words.start):
        # "Further evaluation with CT suggested", "as demonstrated on the recent CT": not these films
        return Normalized(None)
    return Normalized(MODALITY_CT, words.evidence, words.start, words.end, "modality.legend-of-some-films",
                      words.version)


#: A study advised or planned, not done: "Further evaluation with CT suggested", "CT is recommended".
_ADVISED_STUDY = compile_fast(
    r"\b(?:recommend\w*|suggest\w*|advis\w*|consider\w*|planned|scheduled|if|may|might|could|would|should|"
    r"further\s+(?:evaluation|assessment|imaging|work-?up))\b", re.IGNORECASE)


def _ct_image_view(row: dict[str, str], own_text: str | None, row_modality: Callable[[], Normalized]) -> Normalized:
    """A CT image's view when the row's own words name no plane: Axial, the curators' rule
    (``ct_slice_view``, as staging applies it). Only for a 2-D image whose modality is CT (the
    cell, or filled from the row's own evidence) and whose own text (its legend, its part of the
    note, its file name) names no plane, reconstruction or rendering. When the note describes
    several images and no part of it is this row's own, a plane named anywhere in it may be this
    image's: blank, with why. ``row_modality()``: the row's ``_row_modality``, which its modality
    field also reads (computed once per row)."""
    if _is_volume(row):
        return Normalized(None)  # a volume's view is _volume_view's
    modality = _cell(row, "modality") or row_modality().value
    if modality != MODALITY_CT:
        return Normalized(None)
    filename = _cell(row, "filename")
    # the row's own words (its part of the note, its legend inside it); a note with no part of it
    # this row's: all of it, where any plane named may be this image's
    words = own_text if own_text is not None else _cell(row, "clinical_notes")
    by_name = ct_slice_view(_stem(filename).replace("_", " ").replace("-", " "))
    if by_name.reason:
        return Normalized(None, filename, -1, -1, by_name.rule, by_name.version, by_name.reason)
    result = ct_slice_view(words) if words else by_name
    if result.value is None:
        return result
    plane = normalize_view(words, modality=MODALITY_CT) if words else Normalized(None)
    if plane.value not in (None, CT_VIEWS[0]) or plane.reason:
        return Normalized(None, plane.evidence, plane.start, plane.end, "view.ct-slice", result.version,
                          f"a CT image whose text names {plane.value or plane.reason}")
    return Normalized(CT_VIEWS[0], words or filename, -1, -1, "view.ct-slice", result.version)


def _ct_in_whole_note(result: Normalized) -> Normalized:
    """A whole note (no panel of it names this file) that names a CT: the note tells the patient's
    work-up ("a CT was performed to look for...", "HRCT criteria", "CT (not available)") more often
    than what this image is, and the dataset's 2-D rows are mostly radiographs: blank, with why."""
    return Normalized(None, result.evidence, result.start, result.end, result.rule, result.version,
                      "the note names a CT, but not as this image (no panel of the note names this file)")


def _is_volume(row: dict[str, str]) -> bool:
    return _cell(row, "folder") == FOLDER_VOLUMES or _cell(row, "filename").lower().endswith((".nii", ".nii.gz"))


def _volume_view(row: dict[str, str], image_text: str | None) -> Normalized:
    """A CT volume's view. A scanner acquires a CT series as transverse slices and a volume file
    (NIfTI) stores the series, so a volume is Axial; a coronal reconstruction is its own series,
    named so in the file name ("...-coronal.nii.gz"). A note naming another plane (or two) may be
    telling a reconstruction or the figures beside the volume: blank, with why."""
    filename = _cell(row, "filename")
    by_name = normalize_view(_stem(filename).replace("_", " ").replace("-", " "), modality=MODALITY_CT)
    if by_name.value is not None:
        return Normalized(by_name.value, by_name.evidence, by_name.start, by_name.end, "view.filename", 1)
    by_words = by_name if by_name.reason else (
        normalize_view(image_text, modality=MODALITY_CT) if image_text else Normalized(None))
    if by_words.value == CT_VIEWS[0]:
        return by_words
    if by_words.value is not None or by_words.reason:
        return Normalized(None, by_words.evidence, by_words.start, by_words.end, "view.volume-axial", 1,
                          f"a CT volume is its axial series, but its text names {by_words.value or by_words.reason}")
    return Normalized(CT_VIEWS[0], filename, 0, len(filename), "view.volume-axial", 1)


def _view(row: dict[str, str], image_text: str | None) -> Normalized:
    by_name = _view_from_filename(_cell(row, "filename"))
    if by_name.value is not None:
        return by_name
    if _is_volume(row):
        return _volume_view(row, image_text)
    if not image_text:
        return Normalized(None)
    return _view_words(row, image_text, _cell(row, "modality") or None)


# Two films told in order: a radiograph's ("Chest X-ray (PA and lateral projections)", "frontal and
# lateral radiographs") or a CT's planes ("Baseline axial and coronal chest CT images show ..."). The
# two lettered files sharing that legend are those films in that order.
_VIEWS_IN_ORDER = compile_fast(
    r"\b(?:(?P<first>PA|AP|postero-?anterior|antero-?posterior|frontal)\s+(?:and|&)\s+(?P<second>lateral)\s+"
    r"(?:chest\s+)?(?:radiographs?|x-?rays?|views?|projections?|films?|images?)"
    r"|(?P<plane1>axial|coronal)\s+(?:and|&)\s+(?P<plane2>axial|coronal)\s+(?:(?:chest|thoracic|lung)\s+)?"
    r"(?:(?:HR)?CT\s+)?(?:images?|scans?|views?|sections?|slices?|reconstructions?|reformat\w*))\b",
    re.IGNORECASE,
)


def _told_rank(row: dict[str, str], note_files: tuple[str, ...]) -> int | None:
    """0 or 1: the rank of this row's file among the two lettered files sharing its legend ("a" and
    "b", "b" and "c"); None unless exactly two files with consecutive letters share it."""
    letter = _panel_letter(_cell(row, "filename"))
    letters = sorted(filter(None, (_panel_letter(name) for name in note_files))) if note_files else ["a", "b"]
    if letter is None or len(letters) != 2 or ord(letters[1]) - ord(letters[0]) != 1 or letter not in letters:
        return None
    return letters.index(letter)


def _view_in_told_order(row: dict[str, str], legend: str, note_files: tuple[str, ...] = ()) -> Normalized:
    """The view of one of two lettered films (their file names) whose shared legend names their two
    views in order: a radiograph's "frontal and lateral projections" (the second is the lateral, the
    first the first view when that is PA or AP: "frontal" does not say which), or a CT's "axial and
    coronal images" (each film its plane)."""
    rank = _told_rank(row, note_files)
    if rank is None or not legend:
        return Normalized(None)
    told = list(_VIEWS_IN_ORDER.finditer(legend))
    if len(told) != 1:
        return Normalized(None)  # several pairs: the letters are not these two
    m = told[0]
    modality = normalize_modality(legend)
    if m.group("plane1"):
        # a radiograph among the films ("chest X-ray (a), axial and coronal CT images (b, c)") leaves
        # the letters unsure; the same plane twice is no order
        same_plane = m.group("plane1").lower() == m.group("plane2").lower()
        if modality.value == MODALITY_XRAY or modality.reason or same_plane:
            return Normalized(None)
        group, views, kind = ("plane2" if rank else "plane1"), CT_VIEWS, MODALITY_CT
    else:
        if modality.value == MODALITY_CT or modality.reason:
            return Normalized(None)  # a CT among the films: the letters are not these two
        group, views, kind = ("second" if rank else "first"), XRAY_VIEWS, MODALITY_XRAY
    view = normalize_view(m.group(group), modality=kind).value
    if view not in views:
        return Normalized(None)
    return Normalized(view, m.group(0), m.start(group), m.end(group), "view.told-in-order", 2)


#: Words of a radiograph study whose two films are not a frontal and a lateral: an expiratory film
#: beside the inspiratory one, a decubitus, oblique or lordotic film, two frontal films compared (and
#: a portable film: ``portable_film``).
_NOT_TWO_VIEWS = compile_fast(
    r"\b(?:expirat\w*|inspiration|decubit\w*|obliques?|lordotic|comparison|compared|serial)\b",
    re.IGNORECASE)


def _study_second_film_view(row: dict[str, str], note_files: tuple[str, ...], note: str) -> Normalized:
    """The second film of a two-film radiograph study is its lateral. The case sites show a chest
    radiograph study's films frontal first, then lateral (the standard two-view chest radiograph):
    Radiopaedia writes its findings once per study, Eurorad one legend per figure, and the dataset's
    note of each film is that text (after Eurorad's case history). Of exactly two rows of a patient
    sharing such a note, the second in table order is L. Only on those sites (a paper's two panels
    sharing a legend are as often two frontal films of two days), when the note itself names the
    radiograph (Radiopaedia's also by a film's reading words), the row's modality cell says no other,
    the first film's name does not itself say lateral and the note tells no other pair (an
    expiratory, decubitus or oblique film, films compared, a portable film). The first film stays
    blank: PA or AP is read off the film."""
    if len(note_files) != 2 or _cell(row, "filename") != note_files[1] or note_files[0] == note_files[1]:
        return Normalized(None)
    source = _source(_cell(row, "url"))
    if source not in ("radiopaedia", "eurorad"):
        return Normalized(None)
    # the study's own text names the radiograph (a modality cell alone does not say that the two
    # films are one study's: two frontal films of two days may share a Eurorad case's note, where a
    # film's reading words are no study's; Radiopaedia's note is one study's text)
    words = normalize_modality(note, radiograph_signs=source == "radiopaedia")
    if words.value != MODALITY_XRAY or MODALITY_BESIDE_COMPARED_STUDY in words.flags:
        return Normalized(None)
    if _cell(row, "modality") not in ("", MODALITY_XRAY) or _view_from_filename(note_files[0]).value == "L":
        return Normalized(None)
    other_pair = _NOT_TWO_VIEWS.search(note) or portable_film(note)
    if other_pair:
        return Normalized(None, other_pair.group(0), other_pair.start(), other_pair.end(), "view.study-second-film", 1,
                          "the study's note tells films other than a frontal and a lateral")
    told = normalize_view(note, modality=MODALITY_XRAY)
    if told.reason or told.value not in (None, "L", "PA", "AP"):
        return Normalized(None)
    return Normalized("L", note_files[1], -1, -1, "view.study-second-film", 1)


def _study_first_film_view(row: dict[str, str], note_files: tuple[str, ...], note: str) -> Normalized:
    """The first film of a two-film radiograph study whose second film is its lateral
    (``_study_second_film_view``) is the frontal projection the study's note names, when it names one and
    no other view: "Opacity projected behind the heart on the PA radiograph" (the lateral film shows it
    too, but the PA film is the one named). A note naming no projection, "frontal" alone, or an AP film
    whose position is not told leaves it blank: PA or AP is read off the film."""
    if len(note_files) != 2 or _cell(row, "filename") != note_files[0]:
        return Normalized(None)
    if _cell(row, "modality") not in ("", MODALITY_XRAY) or _view_from_filename(note_files[0]).value is not None:
        return Normalized(None)
    second = _study_second_film_view(dict(row, filename=note_files[1], modality=""), note_files, note)
    if second.value != "L":
        return Normalized(None)
    view = normalize_view(note, modality=MODALITY_XRAY)
    if view.value not in ("PA", "AP") or view.reason:
        return Normalized(None)
    return Normalized(view.value, view.evidence, view.start, view.end, "view.study-first-film", 1)


def _view_words(row: dict[str, str], image_text: str, modality: str | None) -> Normalized:
    """The view the image's own text names (its legend's heading first)."""
    heading = _legend_heading(image_text)
    if heading is not None:
        # the legend's heading names the image's view with its modality ("CT scan – axial view:")
        text, start, _end = heading
        by_heading = normalize_view(text, modality=modality or _heading_modality(image_text).value)
        if by_heading.value is not None:
            return Normalized(by_heading.value, by_heading.evidence, start + by_heading.start,
                              start + by_heading.end, "view.legend-heading", by_heading.version)
    result = normalize_view(image_text, modality=modality)
    if result.value in CT_VIEWS and image_text == _cell(row, "clinical_notes") and modality != MODALITY_CT:
        return _ct_in_whole_note(result)  # "axial", "transverse": a CT's planes
    return result


def _offset(row: dict[str, str], image_text: str | None, context: RowContext, as_file: str = "") -> Normalized:
    """The image's day on its patient's timeline (``ingest.timeline``): the anchor from the note's
    history, the image's moment from its file name's day label and its own part of the note.
    ``as_file``: the film this image is placed as (the first film of the study whose legend it
    shares: one moment for both, not the second "6 days later" than the first)."""
    filename = _cell(row, "filename")
    note = _cell(row, "clinical_notes")
    # A note that tells the presentation and nothing later, this film's own or every film's of the
    # patient, dates its films at the presentation.
    presenting = ((bool(image_text) and image_text == note) or context.note_of_all) and tells_one_moment(note)
    if not image_text and filename_day(filename) is None and not presenting:
        return Normalized(None)  # nothing of this image's own says when it was taken
    case, first = _case_images(context, filename)
    own = first.get(as_file or filename, 0)
    image = ImageTexts(own, caption=image_text or "", filename=_stem((context.filenames or (filename,))[own]))
    # Curators count a film "on admission" after a told onset from the onset or from the admission:
    # such films stay blank (admission_base_told=False).
    placed = case.offset_of(note, image, presenting=presenting, admission_base_told=False)
    if placed is None or placed.value is None:
        return Normalized(None, placed.evidence if placed else "", -1, -1, placed.rule if placed else "", 1,
                          placed.reason if placed else "")
    return Normalized(placed.value, placed.evidence, -1, -1, placed.rule, 1)


def _row_offset(row: dict[str, str], note: str, own_text: str | None, context: RowContext) -> Normalized:
    """The row's offset (``_offset``) from the words that are its film's own."""
    if own_text is None and context.own_legend and context.note_files:
        # a legend shared by films after the history (their study's) tells their one moment
        return _offset(row, context.own_legend, context, as_file=context.note_files[0])
    if own_text == note and context.own_legend:
        # a note of its own repeating the case's history: the legend after it is the film's own words,
        # as its siblings read it; the history's times ("a new chest X-ray two weeks later") are the
        # case's, read by the timeline as the history
        return _offset(row, context.own_legend, context)
    return _offset(row, own_text, context)


#: The offsets the timeline gives a film from its moment on the case's axis: the presenting film of a note
#: telling the presentation alone, a day since the onset. Not a label's day, nor a film counted from another
#: film; nor one "on admission" (``_admission_film_date`` reads the admission's own words) or an "initial"
#: film, whose word orders the films more than it dates one.
_AXIS_OFFSET_RULES = ("timeline.presenting-image", "timeline.since-onset")


def _writes_day_first(row: dict[str, str]) -> bool:
    """Whether the row's source writes "1/2/2020" as the first of February (``normalize_date``'s reading of its
    site's date order)."""
    return normalize_date("1/2/2020", source=_source(_cell(row, "url"))).value == "2020-02-01"


def _admission_day_film_date(row: dict[str, str], note: str, offset: Normalized) -> Normalized:
    """A film the timeline places on the admission's day, the presenting film or one "on day 7 after the
    onset of symptoms" of a patient admitted after "1 week" of them, has the admission's date when the
    history dates the admission ("On January 1, 2020, a 42-year-old man was admitted ... with fever for 1
    week. A, Chest radiograph obtained on day 7 after the onset of symptoms"; "shows up on March 5, 2020
    in PS with fever ... for about 3 days"), and no other date of the note is a film's (``_date``)."""
    if offset.value is None or not offset.rule.startswith(_AXIS_OFFSET_RULES):
        return Normalized(None)
    _onset, admission = history_dates(note, _writes_day_first(row))
    if admission is None:
        return Normalized(None)
    gap = onset_gap(note)
    if int(offset.value) != (gap[0] if gap else 0):
        return Normalized(None)  # another day than the admission's
    when, evidence = admission
    start = note.find(evidence)
    return Normalized(when.isoformat(), evidence, start, start + len(evidence) if start >= 0 else -1,
                      "date.admission-day-film", 1)


#: A year in a text: "2019", "1998" (a note telling one other than the case's says the film may be older; not
#: the disease's names "COVID-2019", "2019-nCoV").
_ANY_YEAR = compile_fast(r"(?<![\w-])(?:19|20)\d\d(?![\w-])")


def _covid_case_year(row: dict[str, str], text: str) -> Normalized:
    """The year a case site's COVID-19 case is dated by (``covid_case_year_for_url``), when the row's texts
    name no year but that one (a note of "a CT of 2018" may show an older film: blank)."""
    result = covid_case_year_for_url(_cell(row, "url"))
    if result.value is None:
        return result
    if any(m.group(0) != result.value for m in _ANY_YEAR.finditer(text)):
        return Normalized(None, reason="the note names another year than the case's")
    return result


#: COVID-19 named by any of its names ("COVID-19", "SARS-CoV-2", "2019-nCoV", "novel coronavirus", "coronavirus
#: disease 2019", Italian's "coronavirus"), or a test for it.
_COVID_NAMED = compile_fast(
    r"\b(?:covid[\s-]*(?:19|2019)?|sars[\s-]*cov[\s-]*2|2019[\s-]*ncov|ncov[\s-]*2019|(?:novel|new)\s+coronavirus|"
    r"coronavirus\s+disease)", re.IGNORECASE)
#: The disease's names holding a year ("coronavirus disease 2019", "COVID 2019"): no film's year.
_DISEASE_YEAR = compile_fast(r"(?:covid|disease|ncov)[\s-]*2019|2019[\s-]*ncov", re.IGNORECASE)
#: A date or a month in a text ("March 5", "5 marzo", "07/03/2020", "Jan. 2020"): the film may be dated by its day.
_ANY_DATE = compile_fast(
    r"\b(?:january|february|march|april|june|july|august|september|october|november|december|"
    r"gennaio|febbraio|marzo|aprile|maggio|giugno|luglio|agosto|settembre|ottobre|novembre|dicembre|"
    r"enero|febrero|abril|mayo|junio|julio|agosto|septiembre|octubre|noviembre|diciembre)\b"
    r"|\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)\.?\s*\d"
    r"|\d\s*(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)\b"
    r"|\b\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}\b|\b(?:19|20)\d\d[/.-]\d{1,2}\b", re.IGNORECASE)


#: A course told day by day ("on day 5 of admission", "3 days later", "hospital day 7"): such a paper dates its
#: patient's days elsewhere (its text beyond the note), and the curators write the film's day.
_COURSE_DAY = compile_fast(
    r"\b(?:(?:hospital\s+)?day\s+\d{1,2}\b|\d{1,2}\s+days?\s+(?:later|after)|(?:on|of|after)\s+admission)",
    re.IGNORECASE)


def _covid_paper_year(row: dict[str, str], text: str) -> Normalized:
    """2020 for a figure of a paper about COVID-19 (its texts name the disease or its test) whose identifier was
    issued in 2020 (``issued_year``: its address's or its DOI's): the disease's films are of December 2019 on, and a
    paper issued in 2020 shows none later; the dataset dates such a figure by its year when the paper tells no day.
    Blank when the row's texts name a date or a month (the curators write the film's day, which may be of December
    2019) or any year but the disease's names' ("coronavirus disease 2019"), and for a paper issued another year."""
    url, doi = _cell(row, "url"), _cell(row, "doi")
    issued = issued_year(url)
    if issued.value is None and doi:
        issued = issued_year(doi)
    if issued.value != "2020":
        return Normalized(None)
    words = f"{text} {url} {_cell(row, 'finding')}"
    if not _COVID_NAMED.search(words):
        return Normalized(None)
    undated = _DISEASE_YEAR.sub(" ", text)
    told = _ANY_DATE.search(undated) or _ANY_YEAR.search(undated) or _COURSE_DAY.search(undated)
    if told:
        return Normalized(None, told.group(0), -1, -1, "date.issued-year", issued.version,
                          "the note names a date or a year: the film may be dated by its day")
    return issued


def _case_images(context: RowContext, filename: str) -> tuple[CaseImages, dict[str, int]]:
    """The patient's films (each sibling's own words, this row's among them) and the first
    position of each file name: a row takes the place of the first film of its name."""
    holder = context.siblings
    if holder is not None and holder.case is not None:
        return holder.case, holder.first
    names = context.filenames or (filename,)
    siblings = context.own_texts if len(context.own_texts) == len(names) else ("",) * len(names)
    exams = context.exams if len(context.exams) == len(names) else ("",) * len(names)
    case = CaseImages([ImageTexts(i, caption=siblings[i], filename=_stem(name), group=exams[i])
                       for i, name in enumerate(names)], captions_are_notes=True,
                      history_before_legends=context.history_before_legends)
    first: dict[str, int] = {}
    for i, name in enumerate(names):
        first.setdefault(name, i)
    if holder is not None:
        holder.case, holder.first = case, first
    return case, first


# An image word in the sentence of a date: the date is the image's ("Chest radiograph on March 3,
# 2020", "CT scan on January 9"). Words of other moments in that sentence (onset, travel,
# admission, discharge, birth) make it another event's date.
_IMAGE_WORD = compile_fast(
    r"\b(?:radiograph\w*|x-?ray|cxr|ct|hrct|scan|film|image|imaging|tomograph\w*|rx|tc)\b", re.IGNORECASE)
_OTHER_EVENT = compile_fast(
    r"\b(?:onset|symptom\w*|fever|cough|travel\w*|returned|flew|arriv\w*|admitted|admission|presented|discharged|"
    r"died|born|contact|exposure|visited|test\w*|swab|compar\w*|previous|prior)\b",
    re.IGNORECASE,
)
_YEAR_ANCHOR = compile_fast(r"(?:19|20)\d\d")
_FULL_DATE_RULES = ("date.iso", "date.month-day-year", "date.day-month-year", "date.dotted", "date.slashed")


def _date(row: dict[str, str], image_text: str | None) -> Normalized:
    by_site = date_for_url(_cell(row, "url"))
    if by_site.value is not None or not image_text:
        return by_site
    dates = []
    has_year = _YEAR_ANCHOR.search(image_text) is not None
    has_slash = "/" in image_text
    for pattern, rule in DATE_PATTERNS:
        if rule not in _FULL_DATE_RULES:
            continue
        if rule == "date.slashed":
            if has_slash:
                dates.extend(pattern.finditer(image_text))
        elif has_year:
            # every other full date contains a 4-digit year: scan only around the years
            dates.extend(finditer_near(pattern, image_text, _YEAR_ANCHOR, 40, 12))
    if not any(_IMAGE_WORD.search(image_text, *sentence_at(image_text, m.start())) for m in dates):
        # no date in a sentence about a film: a film "on admission" may take the admission's
        return _admission_film_date(row, image_text)
    if len(dates) != 1:
        return Normalized(None)  # several dates: which one is the image's is not stated
    m = dates[0]
    s_start, s_end = sentence_at(image_text, m.start())
    sentence = image_text[s_start:s_end]
    if not _IMAGE_WORD.search(sentence) or _OTHER_EVENT.search(sentence):
        return Normalized(None)
    result = normalize_date(image_text[m.start():m.end()], source=_source(_cell(row, "url")))
    if result.value is None:
        return result
    return Normalized(result.value, m.group(0), m.start(), m.end(), "date.image-sentence", result.version)


# The admission's own words in the moment ("on admission", "at presentation", "admission chest
# X-ray", "all'ingresso"): not "initial" or "baseline", which order the films.
_ADMISSION_WORD = compile_fast(r"admission|presentation|arrival|hospitali[sz]ation|ingresso|accesso|arrivo|ricovero|"
                               r"ammissione|ingreso|Aufnahme", re.IGNORECASE)


def _admission_film_date(row: dict[str, str], image_text: str) -> Normalized:
    """A film taken on admission ("Chest radiographs obtained on admission showed ...", its own
    sentence) has the admission's date when the history dates the admission ("On January 22,
    2020, a 65-year-old man ... was admitted"; ``timeline.history_dates``), and no other date of
    the text is in a sentence about a film."""
    for m in at_admission(image_text):
        s_start, s_end = sentence_at(image_text, m.start())
        if _ADMISSION_WORD.search(m.group(0)) and _IMAGE_WORD.search(image_text, s_start, s_end):
            break
    else:
        return Normalized(None)
    _onset, admission = history_dates(image_text, _writes_day_first(row))
    if admission is None:
        return Normalized(None)
    when, evidence = admission
    start = image_text.find(evidence)
    return Normalized(when.isoformat(), evidence, start, start + len(evidence) if start >= 0 else -1,
                      "date.admission-film", 1)


def _license(row: dict[str, str]) -> Normalized:
    by_site = license_for_url(_cell(row, "url"))
    if by_site.value is not None:
        return by_site
    return NORMALIZERS["license"](_cell(row, "other_notes"))


#: How other_notes opens when it holds the image's credits, not a spilt note's tail.
_CREDITS = re.compile(r"(?:Case courtesy|Credit|Image originally|Since January 2020|©)")


def _patient_text(row: dict[str, str]) -> str:
    """The row's text about the patient: its note, and the note's tail when an unquoted comma spilt
    it into other_notes (credits there say little)."""
    note = _cell(row, "clinical_notes")
    other = _cell(row, "other_notes")
    if not other or _CREDITS.match(other):
        return note
    return f"{note} {other}"


def _normalize_note(field: str, text: str) -> Normalized:
    return NORMALIZERS[field](text)


class _NoteResults:
    """The normalizers' results on the notes of one chunk of rows, by (field, note text): a note is
    normalized once per field, whether the row's own pass or its patient's pass asks first. The
    normalizers are pure, so a remembered result is the result."""

    __slots__ = ("_results",)

    def __init__(self) -> None:
        self._results: dict[tuple[str, str], Normalized] = {}

    def __call__(self, field: str, text: str) -> Normalized:
        key = (field, text)
        result = self._results.get(key)
        if result is None:
            result = self._results[key] = NORMALIZERS[field](text)
        return result


def backfill_row(row: dict[str, str], fields: Iterable[str] | None = None, row_number: int = 0,
                 context: RowContext | None = None) -> list[Fill]:
    """Fills for the blank cells of ``row`` (all fillable columns, or ``fields``); ``context`` is
    what the rest of the table says about it (``backfill_table`` gives it)."""
    wanted = FILLABLE if fields is None else tuple(fields)
    return _with_implied(row, _row_fills(row, wanted, row_number, _normalize_note, context or RowContext()), wanted,
                         row_number)


class _Once:
    """A function of no arguments called at most once, its result remembered (``functools.cache``
    costs more to set up, once per row, than the calls it saves)."""

    __slots__ = ("_compute", "_result")

    def __init__(self, compute: Callable[[], Normalized]) -> None:
        self._compute = compute
        self._result: Normalized | None = None

    def __call__(self) -> Normalized:
        if self._result is None:
            self._result = self._compute()
        return self._result


def _row_fills(row: dict[str, str], fields: Iterable[str] | None, row_number: int,
               normalize_note: Callable[[str, str], Normalized], context: RowContext) -> list[Fill]:
    """``backfill_row``, with the normalizer calls on the note (patient fields, the note's finding)
    made through ``normalize_note(field, text)``."""
    wanted = FILLABLE if fields is None else [f for f in fields if f in _FILLABLE_SET]
    blanks = [f for f in wanted if f in row and not (row.get(f) or "").strip()]
    if not blanks:
        return []
    note = _cell(row, "clinical_notes")
    other = _cell(row, "other_notes")
    patient_text = _patient_text(row)
    filename = _cell(row, "filename")
    image_text = image_note(note, filename) if note else None
    # a note shared with another image of the patient, and not split into panels, describes
    # several images: "lateral" or "CT" in it is not this image's
    own_text = None if (context.note_shared and image_text == note) else image_text
    fills: list[Fill] = []
    # read by the modality field and by a CT image's view (the fields in either order): computed once
    row_modality = _Once(lambda: _row_modality(row, own_text, context))
    # read by the offset field and by the date (a film on the admission's day): computed once
    row_offset = _Once(lambda: _row_offset(row, note, own_text, context))

    for field in blanks:
        if field == "folder":
            if filename:
                folder = FOLDER_VOLUMES if filename.lower().endswith((".nii", ".nii.gz")) else FOLDER_IMAGES
                fills.append(Fill(row_number, field, folder, filename, "folder.extension@v1"))
            continue
        if field == "finding":
            result = _normal_film(context, own_text)
            if result.value is None:
                result = _finding(row, normalize_note)
        elif field == "modality":
            result = row_modality()
        elif field == "view":
            result = _row_view(row, note, own_text, context, row_modality)
        elif field == "offset":
            result = row_offset()
        elif field == "license":
            result = _license(row)
        elif field == "doi":
            result = _row_doi(row, filename)
        elif field == "url":
            result = _row_url(row, other)
        elif field == "date":
            result = _row_date(row, note, own_text, patient_text, row_offset)
        elif field == "location":
            # A note names places of travel, onset and admission: the institution's full name the
            # dataset records is not in the text (normalize_location serves the parsers' labelled
            # fields instead). Only a single-institution site's URL tells it.
            result = location_for_url(_cell(row, "url"))
        elif field in PATIENT_FIELDS:
            result = _row_patient_field(row, field, patient_text, normalize_note)
        else:  # the other per-image fields
            result = NORMALIZERS[field](image_text) if image_text else Normalized(None)
        fill = _fill(row_number, field, result)
        if fill is not None:
            fills.append(fill)
    return fills


def _row_view(row: dict[str, str], note: str, own_text: str | None, context: RowContext,
              row_modality: Callable[[], Normalized]) -> Normalized:
    """A row's view: its own legend, its own text, then (a note shared by the patient's films) the film's place
    in the order the note tells them, then a CT image's plane."""
    # a legend shared by two films (PA and lateral) names their study, not each one's view
    result = _legend_view(row, "" if context.note_shared else context.own_legend)
    if result.value is None:
        result = _view(row, own_text)
    if result.value is None and context.note_shared:
        result = _view_in_told_order(row, context.own_legend or note, context.note_files)
        if result.value is None and not result.reason:
            result = _study_second_film_view(row, context.note_files, note)
        if result.value is None and not result.reason:
            result = _study_first_film_view(row, context.note_files, note)
    if result.value is None and not result.reason:
        result = _ct_image_view(row, own_text, row_modality)
    return result


def _row_doi(row: dict[str, str], filename: str) -> Normalized:
    """Only the case URL, then the filename: DOIs inside notes are usually the references the note cites."""
    result = doi_for_url(_cell(row, "url"))
    if result.value is None:
        result = NORMALIZERS["doi"](_cell(row, "url"))
    if result.value is None:
        result = doi_for_filename(filename)
    return result


def _row_url(row: dict[str, str], other: str) -> Normalized:
    """The article's page from the row's DOI, else the credits' canonical link of a case site."""
    result = url_for_doi(_cell(row, "doi")) if _cell(row, "doi") else Normalized(None)
    if result.value is None:
        result = NORMALIZERS["url"](other)
        if result.rule == "url.canonical":
            result = Normalized(None)  # any other link in the credits is a policy or a journal page
    return result


def _row_date(row: dict[str, str], note: str, own_text: str | None, patient_text: str,
              row_offset: Callable[[], Normalized]) -> Normalized:
    """The film's own date, else the dated admission's for a film of the admission's day, else the year of a
    COVID-19 case or paper."""
    result = _date(row, own_text)
    if result.value is None and not result.reason and note:
        result = _admission_day_film_date(row, note, row_offset())
    if result.value is None and not result.reason:
        result = _covid_case_year(row, patient_text)
    if result.value is None and not result.reason:
        result = _covid_paper_year(row, patient_text)
    return result


def _row_patient_field(row: dict[str, str], field: str, patient_text: str,
                       normalize_note: Callable[[str, str], Normalized]) -> Normalized:
    """A patient field from the patient's notes, else what the row's site tells of all its patients."""
    result = normalize_note(field, patient_text) if patient_text else Normalized(None)
    if field == "RT_PCR_positive" and result.value is None:
        # the row's notes tell no test: a repository whose patients' tests are not published
        result = rt_pcr_for_url(_cell(row, "url"))
    elif field == "sex" and result.value is None and not result.reason:
        result = _sex_for_url(_cell(row, "url"))
    return result


def _backfill_chunk(args: tuple[list[dict[str, str]], tuple[str, ...] | None, int]) -> list[list[Fill]]:
    rows, fields, first = args
    return [backfill_row(row, fields, first + i) for i, row in enumerate(rows)]


def backfill_rows(rows: list[dict[str, str]], fields: Iterable[str] | None = None, first_row_number: int = 2,
                  workers: int | None = None, chunk: int = 2_000) -> list[list[Fill]]:
    """``backfill_row`` over many rows (row numbers counting from ``first_row_number``), in
    ``workers`` processes (default: the machine's CPUs) when there are enough rows to pay for
    them. The result is the same as the sequential loop, in row order."""
    import os
    from multiprocessing import get_context

    fields_tuple = tuple(fields) if fields is not None else None
    workers = workers or os.cpu_count() or 1
    if workers <= 1 or len(rows) < 2 * chunk:
        return [backfill_row(row, fields_tuple, first_row_number + i) for i, row in enumerate(rows)]
    jobs = [(rows[i:i + chunk], fields_tuple, first_row_number + i) for i in range(0, len(rows), chunk)]
    method = "fork" if "fork" in __import__("multiprocessing").get_all_start_methods() else "spawn"
    with get_context(method).Pool(workers, initializer=worker_init) as pool:
        return [fills for part in pool.imap(_backfill_chunk, jobs) for fills in part]


# --- Table: a patient's rows share their notes --------------------------------------------------

#: Patient-level fields whose evidence may be in the note of another image of the same patient.
TABLE_PATIENT_FIELDS = PATIENT_FIELDS
#: "At any point during this illness" flags: a Y in one note (an event) wins over an N in another
#: (a moment: "not intubated on admission", then "intubated on day 5").
_EVER_FIELDS = frozenset({"intubated", "went_icu", "needed_supplemental_O2"})
#: RT-PCR: a positive test at any point is Y; a confirmation without a test is Unclear even beside a
#: negative test (the rule of one note, applied to the patient's notes).
_PCR_RANK = {"Y": 2, "Unclear": 1, "N": 0}


def _patient_key(row: dict[str, str]) -> tuple[str, str] | None:
    """Rows of one patient: same ``patientid`` and same case URL (scheme, ``www.``, query and
    fragment ignored). No patientid: the row stands alone."""
    pid = _cell(row, "patientid")
    if not pid:
        return None
    url = _URL_SCHEME.sub("", _cell(row, "url").lower())
    url = re.split(r"[?#]", url, maxsplit=1)[0].rstrip("/")
    return pid, url


def _combine(field: str, results: list[Normalized]) -> tuple[Normalized | None, str]:
    """One value for the patient from the results of each distinct note, or None with the reason."""
    stated = [r for r in results if r.value is not None]
    if not stated:
        return None, ""
    values = {r.value for r in stated}
    if len(values) == 1:
        return stated[0], ""
    if field in _EVER_FIELDS and "Y" in values:
        return next(r for r in stated if r.value == "Y"), ""
    if field == "RT_PCR_positive" and values <= set(_PCR_RANK):
        best = max(values, key=_PCR_RANK.__getitem__)
        return next(r for r in stated if r.value == best), ""
    return None, "the patient's notes disagree: " + ", ".join(sorted(map(str, values)))


def _patient_decisions(group: list[tuple[int, dict[str, str]]], per_row: list[list[Fill]], table_fields: list[str],
                       first_row_number: int,
                       normalize_note: Callable[[str, str], Normalized]) -> dict[tuple[int, str], Fill | None]:
    """(position in ``group``, field) -> the patient-level fill replacing the row's own (None: no
    fill) for the rows of one patient (``group``: (row index, row)), ``per_row`` their own fills."""
    own_texts = [_patient_text(row) for _, row in group]
    texts = list(dict.fromkeys(t for t in own_texts if t))
    if len(texts) < 2:
        return {}  # one distinct note: the rows already read it
    own_fills = [{f.field: f for f in fills} for fills in per_row]
    decided: dict[tuple[int, str], Fill | None] = {}
    for field in table_fields:
        blank_in = [k for k, (_, row) in enumerate(group) if field in row and not (row.get(field) or "").strip()]
        if not blank_in:
            continue
        results = [normalize_note(field, t) for t in texts]
        if field == "finding":
            results = [r if r.value not in _GENERIC_FINDINGS else Normalized(None) for r in results]
        combined, _reason = _combine(field, results)
        if field == "finding" and combined is not None:
            # a note of the same history that says the disease's films were normal: which films
            # show it (if any) is not said, so the patient's finding is not established
            doubt = next((r for r in results if r.rule == FINDING_NORMAL_FILMS_RULE), None)
            if doubt is not None:
                combined, _reason = None, doubt.reason
        for k in blank_in:
            i, _row = group[k]
            number = first_row_number + i
            own = own_fills[k].get(field)
            if field == "finding" and own is not None and own.rule.startswith(
                    ("finding.url-title", "finding.filename", "finding.title", "finding.normal-film")):
                continue  # the case title decides the finding; a normal film is its own
            if combined is None:
                decided[(k, field)] = None if (own is not None and _reason) else own
                continue
            if own is not None and own.value == _format(combined.value):
                continue
            if own is not None and field not in _EVER_FIELDS and field != "RT_PCR_positive":
                decided[(k, field)] = None  # the row's note and the patient's notes disagree
                continue
            own_text = own_texts[k]
            from_own = (bool(own_text) and combined.evidence and combined.evidence in own_text
                        and normalize_note(field, own_text).value == combined.value)
            rule = f"{combined.rule}@v{combined.version}"
            decided[(k, field)] = Fill(number, field, _format(combined.value), combined.evidence,
                                       rule if from_own else f"patient:{rule}")
    return decided


_FIELD_ORDER = {f: n for n, f in enumerate(FILLABLE)}


def _table_chunk(args: tuple[list[list[tuple[int, dict[str, str]]]], list[str], list[str], int]
                 ) -> list[tuple[int, list[Fill]]]:
    """The final fills of each row of a chunk of whole patients (each a list of (row index, row)):
    the rows' own fills and their patients' combination, computed in one process with one
    normalization of each note per field."""
    groups, wanted, table_fields, first_row_number = args
    with _fewer_collections():
        return _fill_groups(groups, wanted, table_fields, first_row_number)


@contextmanager
def _fewer_collections() -> Iterator[None]:
    """The cyclic garbage collector run less often while a chunk is filled (thresholds restored
    after): the normalizers make millions of short-lived objects (matches, results, cache entries)
    but no reference cycles, so the default thresholds only walked the long-lived objects (the
    per-text caches, the chunk's rows) again and again: about a tenth of a chunk's CPU."""
    previous = gc.get_threshold()
    gc.set_threshold(*FEW_COLLECTIONS)
    try:
        yield
    finally:
        gc.set_threshold(*previous)


#: The collector's thresholds while rows are filled (``_fewer_collections``).
FEW_COLLECTIONS = (50_000, 20, 100)


def worker_init() -> None:
    """A pool worker's setup: its collector keeps ``FEW_COLLECTIONS`` for good (restoring the
    defaults after each chunk would start a full collection of the worker's caches each time)."""
    gc.set_threshold(*FEW_COLLECTIONS)


def _fill_groups(groups: list[list[tuple[int, dict[str, str]]]], wanted: list[str], table_fields: list[str],
                 first_row_number: int) -> list[tuple[int, list[Fill]]]:
    normalize_note = _NoteResults()
    out: list[tuple[int, list[Fill]]] = []
    for group in groups:
        per_row = [_row_fills(row, wanted, first_row_number + i, normalize_note, context)
                   for (i, row), context in zip(group, _row_contexts(group))]
        decided = _patient_decisions(group, per_row, table_fields, first_row_number, normalize_note) \
            if table_fields and len(group) >= 2 else {}
        if decided:
            by_row: dict[int, dict[str, Fill | None]] = {}
            for (k, field), fill in decided.items():
                by_row.setdefault(k, {})[field] = fill
            for k, changes in by_row.items():
                kept = [f for f in per_row[k] if f.field not in changes]
                kept.extend(f for f in changes.values() if f is not None)
                per_row[k] = sorted(kept, key=lambda f: _FIELD_ORDER.get(f.field, len(_FIELD_ORDER)))
        per_row = _film_implied(group, per_row, wanted, first_row_number)
        out.extend((i, _with_implied(row, fills, wanted, first_row_number + i))
                   for (i, row), fills in zip(group, per_row))
    return out


#: A film taken in intensive care, or with a tube in place, makes its patient one who went to
#: intensive care, or was intubated, at some point of the illness (the schema's "at any point"):
#: (the film's field, the patient's field it decides when it is Y).
_FILM_IMPLIES = (("in_icu", "went_icu"), ("intubation_present", "intubated"))


def _film_implied(group: list[tuple[int, dict[str, str]]], per_row: list[list[Fill]], wanted: list[str],
                  first_row_number: int) -> list[list[Fill]]:
    """``per_row`` with the patient's field a film's Y decides (``_FILM_IMPLIES``) on every row of
    the patient whose cell is blank and that has no fill of it: the film's value is its cell or its
    final fill."""
    for film_field, patient_field in _FILM_IMPLIES:
        if patient_field not in wanted:
            continue
        source = None
        for ((_, row), fills) in zip(group, per_row):
            if _cell(row, film_field) == "Y":
                source = f"{film_field}: Y"
                break
            fill = next((f for f in fills if f.field == film_field and f.value == "Y"), None)
            if fill is not None:
                source = fill.evidence
                break
        if source is None:
            continue
        for k, ((i, row), fills) in enumerate(zip(group, per_row)):
            if patient_field not in row or _cell(row, patient_field) or any(f.field == patient_field for f in fills):
                continue
            added = Fill(first_row_number + i, patient_field, "Y", source, f"{patient_field}.{film_field}-film@v1")
            per_row[k] = sorted([*fills, added], key=lambda f: _FIELD_ORDER.get(f.field, len(_FIELD_ORDER)))
    return per_row


#: A patient never intubated has no film taken with a tube in place, and one never in intensive
#: care no film taken there: (the patient's field, the film's field it decides when it is N).
_NEVER_IMPLIES = (("intubated", "intubation_present"), ("went_icu", "in_icu"))


def _with_implied(row: dict[str, str], fills: list[Fill], wanted: list[str] | tuple[str, ...],
                  number: int) -> list[Fill]:
    """``fills`` and the film fields a patient's N decides ("intubated" N: "intubation_present" N),
    from the row's cell or its final fill of the patient's field."""
    added = []
    fill_of: dict[str, Fill] | None = None
    for patient_field, film_field in _NEVER_IMPLIES:
        if film_field not in wanted or film_field not in row or _cell(row, film_field):
            continue
        if fill_of is None:
            fill_of = {f.field: f for f in fills}
        if film_field in fill_of:
            continue
        source = fill_of.get(patient_field)
        value = source.value if source is not None else _cell(row, patient_field)
        if value != "N":
            continue
        evidence = source.evidence if source is not None else f"{patient_field}: N"
        added.append(Fill(number, film_field, "N", evidence, f"{film_field}.never-{patient_field}@v1"))
    if not added:
        return fills
    return sorted([*fills, *added], key=lambda f: _FIELD_ORDER.get(f.field, len(_FIELD_ORDER)))


def _row_contexts(group: list[tuple[int, dict[str, str]]]) -> list[RowContext]:
    """Each row's ``RowContext`` among the rows of its patient (``group``, in table order)."""
    notes = [_cell(row, "clinical_notes") for _, row in group]
    filenames = tuple(_cell(row, "filename") for _, row in group)
    counts: dict[str, int] = {}
    for note in notes:
        counts[note] = counts.get(note, 0) + 1
    if len(group) < 2:
        return [RowContext(note_of_all=True)]
    legends = own_legends(notes)
    own_texts: list[str] = []
    told: set[str] = set()
    whole_shared: list[bool] = []  # the row's film is described by its note shared with others, whole
    for note, name, legend in zip(notes, filenames, legends):
        text = image_note(note, name) if note else None
        whole_shared.append(bool(note) and counts[note] > 1 and text == note)
        if whole_shared[-1]:
            # a legend shared by films after the history (a study's PA and lateral) tells their one
            # moment: given to the first of them, the others are placed as that film (``_offset``)
            own_texts.append("" if note in told else legend)
            told.add(note)
        else:
            # a note of its own repeating the case's history: its legend after it is the film's own
            # words (the history's times are the case's, not this film's)
            own_texts.append(legend if legend and text == note else (text or ""))
    siblings = _Siblings()
    files_of: dict[str, tuple[str, ...]] = {}
    for note, name in zip(notes, filenames):
        if note and counts[note] > 1:
            files_of[note] = (*files_of.get(note, ()), name)
    texts = tuple(own_texts)
    exam_of: dict[str, str] = {}
    exams = tuple(exam_of.setdefault(note, str(len(exam_of) + 1)) if whole else ""
                  for note, whole in zip(notes, whole_shared))
    history_told = any(legends)
    return [RowContext(bool(note) and counts[note] > 1, filenames, texts, counts[note] == len(group), siblings,
                       legend, files_of.get(note, ()), exams, history_told)
            for note, legend in zip(notes, legends)]


#: The shortest history two notes must repeat for their ends to be each image's own legend.
_MIN_SHARED_HISTORY = 80
_SENTENCE_END = compile_fast(r"[.!?](?:\s+|$)")


def own_legends(notes: Sequence[str]) -> tuple[str, ...]:
    """Each note's own legend: case sites and papers' rows repeat the case's history in every
    image's note and append that image's legend ("<history> CT axial view, lung window: GGOs";
    "<history> Figure 2 (4 hours later). Worsening"). The text after the longest history a note
    shares word for word with another of the patient's different notes (at least
    ``_MIN_SHARED_HISTORY`` characters, cut back to a sentence's end) is the image's own words;
    "" for a note that shares none or ends where the history does."""
    # the longest prefix a note shares with any other is the one it shares with a neighbour in
    # sorted order: one pass, not every pair (a patient may have thousands of rows)
    distinct = sorted(set(n for n in notes if n))
    shared_with = [0] * len(distinct)
    for k in range(1, len(distinct)):
        length = _common_prefix(distinct[k - 1], distinct[k])
        shared_with[k - 1] = max(shared_with[k - 1], length)
        shared_with[k] = max(shared_with[k], length)
    legends: dict[str, str] = {}
    for note, shared in zip(distinct, shared_with):
        if shared < _MIN_SHARED_HISTORY:
            continue
        ends = [m.end() for m in _SENTENCE_END.finditer(note, 0, shared + 1)]
        cut = ends[-1] if ends else 0
        if cut >= _MIN_SHARED_HISTORY and note[cut:].strip():
            legends[note] = note[cut:].strip()
    return tuple(legends.get(n, "") for n in notes)


def _common_prefix(a: str, b: str) -> int:
    """The length of the common prefix of ``a`` and ``b`` (binary search on slices: C comparisons)."""
    low, high = 0, min(len(a), len(b))
    while low < high:
        mid = (low + high + 1) // 2
        if a[:mid] == b[:mid]:
            low = mid
        else:
            high = mid - 1
    return low


def patient_key(patientid: str, url: str) -> tuple[str, str] | None:
    """The key of a row's patient from its ``patientid`` and ``url`` cells (``_patient_key``)."""
    return _patient_key({"patientid": patientid, "url": url})


def patient_chunks(keys: Iterable[tuple[str, str] | None], size: int) -> list[list[list[int]]]:
    """Row indices in chunks of about ``size`` rows made of whole patients (rows without a
    patientid stand alone), patients in the order of their first row; ``keys`` are the rows'
    ``patient_key``s, in table order."""
    units: list[list[int]] = []
    groups: dict[tuple[str, str], list[int]] = {}
    for i, key in enumerate(keys):
        if key is None:
            units.append([i])
            continue
        members = groups.get(key)
        if members is None:
            members = groups[key] = []
            units.append(members)
        members.append(i)
    chunks: list[list[list[int]]] = []
    current: list[list[int]] = []
    count = 0
    for unit in units:
        current.append(unit)
        count += len(unit)
        if count >= size:
            chunks.append(current)
            current, count = [], 0
    if current:
        chunks.append(current)
    return chunks


def _wanted(fields: Iterable[str] | None) -> tuple[list[str], list[str]]:
    """The fillable fields asked for, and those of them a patient's rows decide together."""
    wanted = [f for f in (FILLABLE if fields is None else fields) if f in FILLABLE]
    return wanted, [f for f in wanted if f in TABLE_PATIENT_FIELDS]


def fill_patients(groups: list[list[tuple[int, dict[str, str]]]], fields: Iterable[str] | None = None,
                  first_row_number: int = 2) -> list[tuple[int, list[Fill]]]:
    """(row index, fills) of each row of whole patients (``groups``: each patient's (row index,
    row) in table order, patients as ``patient_chunks`` orders them): what ``backfill_table`` gives
    those rows, for a caller that reads a table a chunk of patients at a time."""
    wanted, table_fields = _wanted(fields)
    return _table_chunk((groups, wanted, table_fields, first_row_number))


def backfill_table(rows: list[dict[str, str]], fields: Iterable[str] | None = None, first_row_number: int = 2,
                   workers: int | None = None, chunk: int = 2_000) -> list[Fill]:
    """Fills for the blank cells of all ``rows`` (a whole ``metadata.csv``), row numbers counting
    from ``first_row_number``, in row order.

    Per-image and source fields are ``backfill_row``'s, strictly per row. Patient-level fields
    (``TABLE_PATIENT_FIELDS``) read the union of the distinct notes of the patient's rows (same
    patientid and same case URL): each distinct note is normalized on its own and the results are
    combined; notes that disagree leave the field blank in every row of the patient. Only the
    other rows' TEXT is read, never their cell values, so a filled sibling cannot leak into a blank
    one. A fill whose evidence is in another row's note has a rule prefixed ``patient:``. The
    finding keeps ``backfill_row``'s title (URL slug, file name) first; the notes only fill it
    when the row has no title. A row whose own note or title decides a field keeps that value
    unless the patient's notes disagree.

    The rows are cut into chunks of about ``chunk`` rows made of whole patients, processed in
    ``workers`` processes (default: the machine's CPUs) when there are enough rows to pay for
    them: each worker computes its rows' own fills and their patients' combination, normalizing
    each note once per field; this process only puts the results back in row order. The result is
    the same whatever ``workers`` and ``chunk``."""
    import os

    wanted, table_fields = _wanted(fields)
    # whole patients per chunk: patient fields combine their notes, per-image fields need to know
    # whether their note is shared and the day labels of their siblings (RowContext)
    chunks = patient_chunks(map(_patient_key, rows), chunk)
    jobs = (([[(i, rows[i]) for i in unit] for unit in part], wanted, table_fields, first_row_number)
            for part in chunks)
    workers = workers or os.cpu_count() or 1
    per_row: list[list[Fill] | None] = [None] * len(rows)
    if workers <= 1 or len(rows) < 2 * chunk:
        parts = map(_table_chunk, jobs)
        for part in parts:
            for i, fills in part:
                per_row[i] = fills
    else:
        import multiprocessing

        method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
        # The objects alive now (the table) are out of the cyclic collector's sight until the pool
        # is done: a forked worker's collections would otherwise walk the whole inherited table
        # again and again (touching, so copying, its pages), and so would this process's while
        # the results arrive. Nothing is freed later than it would be: these objects are alive.
        gc.freeze()
        try:
            with multiprocessing.get_context(method).Pool(min(workers, len(chunks)), initializer=worker_init) as pool:
                for part in pool.imap_unordered(_table_chunk, jobs):
                    for i, fills in part:
                        per_row[i] = fills
        finally:
            gc.unfreeze()
    return [fill for fills in per_row for fill in fills]
