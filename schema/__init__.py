"""The canonical schema of the dataset's ``metadata.csv``: one place for columns and vocabularies.

Every other module imports its column names, controlled values and review states from here; nothing
else spells a vocabulary. This package is the bottom layer: it imports nothing of the project, so
every other layer (the pure functions of ``ingest/`` included) may use it.

Typed parsing is lenient about *reading* (a cell is kept as written, its typed value is computed
when it can be) and strict about *judging*: every deviation from the rules is returned as a
``Problem`` naming the rule, so ``exports.validate`` can report it with its row and file.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any

# --- The project's exceptions --------------------------------------------------------------------


class IngestError(Exception):
    """The base of every exception the project raises on purpose (bad input, a refused export, a
    blocked page...): ``except IngestError`` catches ours and nothing else. It adds nothing to them:
    each keeps its own message and its other base (``ValueError``, Scrapy's ``IgnoreRequest``...)."""


# --- Columns -------------------------------------------------------------------------------------

#: Y/N fields (``YES_NO_VALUES``); blank means unknown.
YES_NO_FIELDS: tuple[str, ...] = (
    "survival",
    "intubated",
    "intubation_present",
    "went_icu",
    "in_icu",
    "needed_supplemental_O2",
    "extubated",
)
#: Vital signs and laboratory values at the time of the image, in the schema's units.
MEASUREMENT_FIELDS: tuple[str, ...] = (
    "temperature",  # °C
    "pO2_saturation",  # %
    "leukocyte_count",  # 10^3/µL
    "neutrophil_count",  # 10^3/µL
    "lymphocyte_count",  # 10^3/µL
)

#: The dataset's header, in order (the live file adds a trailing empty column, kept by round trips).
COLUMNS: tuple[str, ...] = (
    "patientid",
    "offset",
    "sex",
    "age",
    "finding",
    "RT_PCR_positive",
    *YES_NO_FIELDS,
    *MEASUREMENT_FIELDS,
    "view",
    "modality",
    "date",
    "location",
    "folder",
    "filename",
    "doi",
    "url",
    "license",
    "clinical_notes",
    "other_notes",
)

#: Fields of one image (modality, view, offset, date belong to one image; the other editable columns
#: are the patient's, i.e. the case's).
IMAGE_FIELDS: tuple[str, ...] = ("modality", "view", "offset", "date")

# --- Review states ------------------------------------------------------------------------------


class ReviewState(StrEnum):
    """The review state of a staged case (``cases.review_state``); the values are stored as text."""

    STAGED = "staged"
    APPROVED = "approved"
    REJECTED = "rejected"
    #: A reviewer's "needs information": exported (finding ``todo``) only when the export is asked to.
    NEEDS_INFO = "needs_info"
    DUPLICATE = "duplicate"
    #: In the dataset: exported by us, or found in the imported checkout (staging/identity.py sets it).
    RELEASED = "released"


#: Every review state, in the order the review page shows them.
REVIEW_STATES: tuple[ReviewState, ...] = tuple(ReviewState)


# --- Vocabularies --------------------------------------------------------------------------------

SEX_VALUES: tuple[str, ...] = ("M", "F")

#: The values of ``YES_NO_FIELDS``.
YES_NO_VALUES: tuple[str, ...] = ("Y", "N")
#: RT_PCR_positive also allows "Unclear" (positive, but no test named: the maintainers' rule).
RT_PCR_VALUES: tuple[str, ...] = ("Y", "N", "Unclear")

MODALITY_XRAY = "X-ray"
MODALITY_CT = "CT"
MODALITIES: tuple[str, ...] = (MODALITY_XRAY, MODALITY_CT)

XRAY_VIEWS: tuple[str, ...] = ("PA", "AP", "AP Supine", "L")
CT_VIEWS: tuple[str, ...] = ("Axial", "Coronal")
VIEWS_BY_MODALITY: dict[str, tuple[str, ...]] = {MODALITY_XRAY: XRAY_VIEWS, MODALITY_CT: CT_VIEWS}
#: Views torchxrayvision loads as 2-D images in the dataset's own tests.
LOADER_VIEWS: tuple[str, ...] = ("PA", "AP", "AP Supine")

FOLDER_IMAGES = "images"
FOLDER_VOLUMES = "volumes"
FOLDERS: tuple[str, ...] = (FOLDER_IMAGES, FOLDER_VOLUMES)

#: File formats (as sniffed from the bytes) allowed in each folder, with their accepted extensions.
IMAGE_FORMAT_EXTENSIONS: dict[str, tuple[str, ...]] = {
    "png": (".png",),
    "jpeg": (".jpg", ".jpeg"),
}
VOLUME_FORMAT_EXTENSIONS: dict[str, tuple[str, ...]] = {"nifti-gz": (".nii.gz",)}

#: Finding values that are not a diagnosis: maintainers' placeholders, dropped by torchxrayvision.
FINDING_TODO = "todo"
FINDING_UNKNOWN = "Unknown"
FINDING_PLACEHOLDERS: tuple[str, ...] = (FINDING_TODO, FINDING_UNKNOWN)

#: The finding hierarchy (Table 1 of the dataset's paper): each path is `/`-joined from the root.
#: torchxrayvision turns every segment into a label and matches it as a regular expression over
#: the whole finding, so segments must be free of regex metacharacters and must not occur inside
#: an unrelated segment (``MERS`` would also fire on ``MERS-CoV``).
FINDING_PATHS: tuple[str, ...] = (
    "No Finding",
    "Tuberculosis",
    "Pneumonia",
    "Pneumonia/Viral",
    "Pneumonia/Viral/COVID-19",
    "Pneumonia/Viral/SARS",
    "Pneumonia/Viral/MERS-CoV",
    "Pneumonia/Viral/Varicella",
    "Pneumonia/Viral/Influenza",
    "Pneumonia/Viral/Influenza/H1N1",
    "Pneumonia/Viral/Herpes",
    "Pneumonia/Bacterial",
    "Pneumonia/Bacterial/Streptococcus",
    "Pneumonia/Bacterial/Mycoplasma",
    "Pneumonia/Bacterial/Klebsiella",
    "Pneumonia/Bacterial/Legionella",
    "Pneumonia/Bacterial/Nocardia",
    "Pneumonia/Bacterial/Chlamydophila",
    "Pneumonia/Bacterial/Staphylococcus",
    "Pneumonia/Bacterial/Staphylococcus/MRSA",
    "Pneumonia/Bacterial/Escherichia-Coli",
    "Pneumonia/Fungal",
    "Pneumonia/Fungal/Pneumocystis",
    "Pneumonia/Fungal/Aspergillosis",
    "Pneumonia/Lipoid",
    "Pneumonia/Aspiration",
)
FINDING_SEGMENTS: frozenset[str] = frozenset(s for p in FINDING_PATHS for s in p.split("/"))

#: Characters that change the meaning of a pandas ``str.contains`` pattern.
REGEX_METACHARACTERS = frozenset(".^$*+?{}[]\\|()")

# --- Licenses ------------------------------------------------------------------------------------

#: Canonical license strings, as the dataset writes them. Versionless forms are kept because the
#: dataset uses them for Radiopaedia ("CC BY-NC-SA") and they are what the source states.
CC_LICENSES: tuple[str, ...] = tuple(
    f"CC {kind}{suffix}"
    for kind in ("BY", "BY-SA", "BY-NC", "BY-NC-SA", "BY-ND", "BY-NC-ND")
    for suffix in ("", " 2.0", " 2.5", " 3.0", " 4.0")
)
LICENSES: tuple[str, ...] = CC_LICENSES + ("CC0 1.0", "Apache 2.0")
#: Licenses that allow redistribution of the images (every license above does; NoDerivatives
#: allows verbatim copies, which is what a release makes). A setting narrows it for an export.
REDISTRIBUTABLE_LICENSES: frozenset[str] = frozenset(LICENSES)

# --- Plausible ranges of numeric fields ----------------------------------------------------------

#: Bounds outside which a value is certainly a unit or column error (°F in Celsius, mmHg in %,
#: cells/µL in 10^3/µL). They are deliberately wide: clinical outliers stay in.
NUMERIC_RANGES: dict[str, tuple[float, float]] = {
    "age": (0, 120),
    "temperature": (30.0, 45.0),
    "pO2_saturation": (0.0, 100.0),
    "leukocyte_count": (0.05, 200.0),
    "neutrophil_count": (0.0, 150.0),
    "lymphocyte_count": (0.0, 50.0),
    "offset": (-3650, 3650),
}
ADULT_AGE = 18

# --- Problems ------------------------------------------------------------------------------------

ERROR = "error"
WARNING = "warning"


@dataclass(frozen=True)
class Problem:
    """One rule a value breaks. ``rule`` is a stable dotted name used in reports and tests."""

    rule: str
    message: str
    severity: str = ERROR


# --- Typed parsing of each column ----------------------------------------------------------------

_INT_RE = re.compile(r"[+-]?\d+")
_FLOAT_RE = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)")
PATIENTID_RE = re.compile(r"\d+[a-z]?")
DOI_RE = re.compile(r"10\.\d{4,9}/\S+")

_MONTHS = {
    m: i + 1
    for i, names in enumerate(
        (
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        )
    )
    for m in names
}
_DATE_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"(\d{4})"), "Y"),
    (re.compile(r"(\d{4})-(\d{2})"), "Y-M"),
    (re.compile(r"(\d{4})-(\d{2})-(\d{2})"), "Y-M-D"),
    (re.compile(r"([A-Za-z]+)\.? (\d{1,2}),? (\d{4})"), "Mon D, Y"),
    (re.compile(r"(\d{1,2}) ([A-Za-z]+)\.? (\d{4})"), "D Mon Y"),
    (re.compile(r"([A-Za-z]+)\.? (\d{4})"), "Mon Y"),
    (re.compile(r"(\d{1,2})/(\d{1,2})/(\d{2}|\d{4})"), "M/D/Y"),
    (re.compile(r"([A-Za-z]+)\.? (\d{1,2})"), "Mon D"),
)


def parse_dataset_date(text: str) -> str | None:
    """Return the ISO 8601 form of a date as the dataset writes it, at the precision given.

    The dataset is American-edited: slashed dates are month/day (``3/7/2020``, ``03/16/20``), as
    every slashed date in it confirms. ``January 12`` (no year) gives ``--01-12`` (ISO 8601's
    year-less form). Anything else gives None.
    """
    text = text.strip()
    for pattern, kind in _DATE_PATTERNS:
        m = pattern.fullmatch(text)
        if not m:
            continue
        try:
            if kind == "Y":
                return m.group(1)
            if kind == "Y-M":
                return date(int(m.group(1)), int(m.group(2)), 1).strftime("%Y-%m")
            if kind == "Y-M-D":
                return date(int(m.group(1)), int(m.group(2)), int(m.group(3))).isoformat()
            if kind == "Mon D, Y":
                return date(int(m.group(3)), _MONTHS[m.group(1).lower()], int(m.group(2))).isoformat()
            if kind == "D Mon Y":
                return date(int(m.group(3)), _MONTHS[m.group(2).lower()], int(m.group(1))).isoformat()
            if kind == "Mon Y":
                return date(int(m.group(2)), _MONTHS[m.group(1).lower()], 1).strftime("%Y-%m")
            if kind == "M/D/Y":
                year = int(m.group(3))
                year = year + 2000 if year < 100 else year
                return date(year, int(m.group(1)), int(m.group(2))).isoformat()
            if kind == "Mon D":
                month, day = _MONTHS[m.group(1).lower()], int(m.group(2))
                date(2020, month, day)  # validates day-of-month (2020 is a leap year)
                return f"--{month:02d}-{day:02d}"
        except (KeyError, ValueError):
            return None
    return None


def finding_problems(finding: str) -> list[Problem]:
    """Judge a finding the way torchxrayvision will read it (split on `/`, segments as regexes)."""
    if finding in FINDING_PLACEHOLDERS:
        return []
    if finding == "":
        return [Problem("finding.blank", "finding is blank; write `todo` for an unreviewed finding")]
    problems: list[Problem] = []
    segments = finding.split("/")
    for seg in segments:
        if seg != seg.strip():
            problems.append(
                Problem("finding.whitespace",
                        f"segment {seg!r} has surrounding whitespace: torchxrayvision makes it a separate label")
            )
        bad = sorted(set(seg) & REGEX_METACHARACTERS)
        if bad:
            problems.append(
                Problem("finding.regex", f"segment {seg!r} contains regex metacharacters {''.join(bad)!r}: "
                                         "torchxrayvision matches segments as regular expressions")
            )
    if not problems and finding not in FINDING_PATHS:
        unknown = [s for s in segments if s not in FINDING_SEGMENTS]
        if unknown:
            problems.append(Problem("finding.vocabulary",
                                    f"segment(s) {', '.join(map(repr, unknown))} not in the finding vocabulary"))
        else:
            problems.append(Problem("finding.path", f"{finding!r} is not a path of the finding hierarchy"))
    return problems


@dataclass(frozen=True)
class ParsedCell:
    value: Any
    problems: tuple[Problem, ...] = ()


def _number(column: str, raw: str, integer: bool) -> ParsedCell:
    text = raw.strip()
    if text == "":
        return ParsedCell(None)
    pattern = _INT_RE if integer else _FLOAT_RE
    if not pattern.fullmatch(text):
        kind = "an integer" if integer else "a number"
        return ParsedCell(None, (Problem(f"{column}.number", f"{raw!r} is not {kind}"),))
    value: int | float = int(text) if integer else float(text)
    if not integer and float(value).is_integer() and "." not in text:
        value = int(text)
    problems = []
    low, high = NUMERIC_RANGES.get(column, (None, None))
    if low is not None and not (low <= value <= high):
        problems.append(Problem(f"{column}.range",
                                f"{raw.strip()} is outside the plausible range {low:g} to {high:g}"))
    if column == "age" and value < ADULT_AGE:
        problems.append(Problem("age.adult", f"age {raw.strip()} is under {ADULT_AGE}: no minors in the dataset"))
    return ParsedCell(value, tuple(problems))


def _choice(column: str, raw: str, allowed: tuple[str, ...]) -> ParsedCell:
    if raw == "":
        return ParsedCell(None)
    if raw in allowed:
        return ParsedCell(raw)
    return ParsedCell(None, (Problem(f"{column}.vocabulary", f"{raw!r} is not one of {', '.join(allowed)} or blank"),))


def _parse_patientid(raw: str) -> ParsedCell:
    if PATIENTID_RE.fullmatch(raw):
        return ParsedCell(raw)
    return ParsedCell(raw or None, (Problem("patientid.format",
                                            f"patientid {raw!r} is not a number with an optional letter suffix"),))


def _parse_date(raw: str) -> ParsedCell:
    if raw.strip() == "":
        return ParsedCell(None)
    iso = parse_dataset_date(raw)
    if iso is None:
        return ParsedCell(None, (Problem("date.format", f"date {raw!r} is in no known format", WARNING),))
    return ParsedCell(iso)


def _parse_finding(raw: str) -> ParsedCell:
    return ParsedCell(raw or None, tuple(finding_problems(raw)))


def _parse_doi(raw: str) -> ParsedCell:
    text = raw.strip()
    if text == "":
        return ParsedCell(None)
    if DOI_RE.fullmatch(text):
        return ParsedCell(text.lower())
    return ParsedCell(None, (Problem("doi.format", f"{raw!r} is not a bare DOI (10.NNNN/...)"),))


def _parse_license(raw: str) -> ParsedCell:
    text = raw.strip()
    if text == "":
        return ParsedCell(None)
    if text in LICENSES:
        return ParsedCell(text)
    return ParsedCell(text, (Problem("license.vocabulary", f"license {raw!r} is not a recognised license string",
                                     WARNING),))


def _parse_filename(raw: str) -> ParsedCell:
    problems = []
    if raw == "":
        problems.append(Problem("filename.blank", "filename is blank"))
    elif "/" in raw or "\\" in raw or raw.startswith("."):
        problems.append(Problem("filename.unsafe", f"filename {raw!r} has a path separator or leading dot"))
    return ParsedCell(raw or None, tuple(problems))


def _text(raw: str) -> ParsedCell:
    return ParsedCell(raw.strip() or None)


_PARSERS: dict[str, Callable[[str], ParsedCell]] = {
    "patientid": _parse_patientid,
    "offset": lambda raw: _number("offset", raw, integer=True),
    "sex": lambda raw: _choice("sex", raw, SEX_VALUES),
    "age": lambda raw: _number("age", raw, integer=False),
    "finding": _parse_finding,
    "RT_PCR_positive": lambda raw: _choice("RT_PCR_positive", raw, RT_PCR_VALUES),
    **{name: (lambda raw, name=name: _choice(name, raw, YES_NO_VALUES)) for name in YES_NO_FIELDS},
    **{
        name: (lambda raw, name=name: _number(name, raw, integer=False))
        for name in MEASUREMENT_FIELDS
    },
    "view": lambda raw: _choice("view", raw, XRAY_VIEWS + CT_VIEWS),
    "modality": lambda raw: _choice("modality", raw, MODALITIES),
    "date": _parse_date,
    "folder": lambda raw: _choice("folder", raw, FOLDERS),
    "filename": _parse_filename,
    "doi": _parse_doi,
    "license": _parse_license,
}

#: Columns whose stray surrounding whitespace is only untidy (the loader does not read them).
_WHITESPACE_TOLERANT = frozenset(COLUMNS) - {"finding", "view", "filename", "patientid"}


def parse_cell(column: str, raw: str) -> ParsedCell:
    """Parse one cell of ``column`` as written; unknown (upstream-added) columns are plain text."""
    parsed = _PARSERS.get(column, _text)(raw)
    if raw != raw.strip() and raw.strip() and column in _WHITESPACE_TOLERANT:
        extra = Problem(f"{column}.whitespace", f"{raw!r} has stray surrounding whitespace", WARNING)
        return ParsedCell(parsed.value, parsed.problems + (extra,))
    if raw and not raw.strip():
        return ParsedCell(None, (Problem(f"{column}.whitespace", f"{raw!r} is whitespace only; write a blank cell",
                                         WARNING),))
    return parsed


def row_problems(row: dict[str, str]) -> list[Problem]:
    """Rules that tie several cells of one row together (view vs modality vs folder vs filename)."""
    problems: list[Problem] = []
    modality, view, folder = row.get("modality", ""), row.get("view", ""), row.get("folder", "")
    filename = row.get("filename", "")
    if (modality in VIEWS_BY_MODALITY and view and view in XRAY_VIEWS + CT_VIEWS
            and view not in VIEWS_BY_MODALITY[modality]):
        problems.append(Problem("view.modality",
                                f"view {view!r} is not a {modality} view ({', '.join(VIEWS_BY_MODALITY[modality])})"))
    if folder == FOLDER_VOLUMES:
        if modality != MODALITY_CT:
            problems.append(Problem("folder.modality", f"a file in volumes/ must be CT, not {modality or 'blank'}"))
        if view in XRAY_VIEWS:
            problems.append(Problem("view.volume", f"a CT volume never carries an X-ray view ({view!r}); "
                                                   "torchxrayvision would try to read it as an image"))
        if not filename.lower().endswith(".nii.gz"):
            problems.append(Problem("folder.extension", f"volumes/ holds gzipped NIfTI (.nii.gz), not {filename!r}"))
    elif folder == FOLDER_IMAGES and filename.lower().endswith((".nii", ".nii.gz")):
        problems.append(Problem("folder.extension", f"{filename!r} is a volume and belongs in volumes/"))
    if modality == MODALITY_XRAY and view == "":
        problems.append(Problem("view.missing", "X-ray row without a view: torchxrayvision drops it", WARNING))
    return problems
