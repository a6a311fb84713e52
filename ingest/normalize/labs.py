"""Vital signs and blood counts in the schema's units: temperature in °C, pO2 saturation in %,
leukocyte/neutrophil/lymphocyte counts in 10^3/µL.

Units the sources use: °F (converted), ×10^9/L and ×10^3/µL (equal), cells/µL and /mm³ (÷1000),
the Italian decimal comma ("3,47") and thousands point ("5.600/mm3"), the Lancet's middle dot
("38·6°C"), and the garbled superscripts of copied text ("×109/L" for ×10⁹/L, "×103/µL").
Percentages of a differential count are not counts and are ignored. The first value stated is the
one at presentation; callers pass the part of a note about one image. Values outside the schema's
plausible range stay blank with a reason.
"""

from __future__ import annotations

import re
from functools import lru_cache

from schema import NUMERIC_RANGES

from .common import Normalized, blank, compile, found, has_any, parse_decimal, text_context

TEMPERATURE_VERSION = 3  # v3: "Tmax 39.2"
# v2: the "T" cue is a capital T alone ("T 38.5", "T: 36 °C"), not any word starting with t
SATURATION_VERSION = 2  # v2: "sats 91%", "saturating 88%", "90 percent"
COUNT_VERSION = 2  # v2: "count,3.13" (a comma glued to the cue)

_NUM = r"(\d{1,3}(?:[.,·]\d{1,3})?)"

# --- Temperature -----------------------------------------------------------------------------------

_TEMP_CUE = (
    r"(?:temperature|temp\.?|fever|febrile|pyrexia\w*|hyperpyrexia|febbre|febbricola|iperpiressia|temperatura"
    r"|Temperatur|Fieber|fiebre|fièvre|(?-i:\bT(?:max)?\b)\s*°?|(?-i:\bTC\b))"
)
_DEGREE = r"\s*(?:°|º|˚|degrees?|gradi|grados)?\s*(?P<unit>C\b|F\b|Celsius|Fahrenheit)?"
_TEMP_WITH_UNIT = compile(
    r"(?=\d)(?:(?<![\d.,·])(?P<num>\d{2,3}(?:[.,·]\d{1,2})?)\s*(?:°|º|˚)\s*(?P<unit>C|F)?\b"
    r"|(?<![\d.,·])(?P<num2>\d{2,3}(?:[.,·]\d{1,2})?)\s*(?P<unit2>°C|ºC|°F|C|F)\b(?!\s*[-/]))"
)
_TEMP_AFTER_CUE = compile(
    rf"(?=[tfphi]){_TEMP_CUE}[^\d.;]{{0,25}}?(?<![\d.,·])(?P<num>\d{{2,3}}(?:[.,·]\d{{1,2}})?){_DEGREE}",
    re.IGNORECASE,
)
_TEMP_CUE_RE = compile(_TEMP_CUE, re.IGNORECASE)
# Gate: without a degree sign or a cue word neither pattern can match.
_TEMP_KEYS = ("°", "º", "˚", "temp", "fever", "febr", "pyrex", "piress", "fieber", "fiebre", "fièvre")
_TEMP_T = compile(r"\bT(?:C|max)?\b")


def _celsius(value: float, unit: str | None) -> tuple[float | None, str]:
    unit = (unit or "").upper().lstrip("°º")
    if unit.startswith("F") or (not unit.startswith("C") and 93 <= value <= 110):
        return round((value - 32) * 5 / 9, 1), "temperature.fahrenheit"
    _low, _high = NUMERIC_RANGES["temperature"]
    if 34 <= value <= 43:
        return value, "temperature.celsius"
    return None, ""


@lru_cache(maxsize=8192)
def normalize_temperature(text: str, **_context) -> Normalized:
    """Body temperature in °C: a degree value, or a bare number after a fever/temperature word."""
    if not has_any(text_context(text).lower, _TEMP_KEYS) and not _TEMP_T.search(text):
        return Normalized(None)
    candidates = []
    for m in _TEMP_AFTER_CUE.finditer(text):
        candidates.append((m.start("num"), m.group("num"), m.group("unit"), m.start(), m.end()))
    for m in _TEMP_WITH_UNIT.finditer(text):
        num = m.group("num") or m.group("num2")
        unit = m.group("unit") or m.group("unit2")
        start = m.start("num") if m.group("num") else m.start("num2")
        # a bare "38 C"-like token without a degree sign needs a cue nearby to be a temperature
        if m.group("num2") and "°" not in (unit or "") and not _TEMP_CUE_RE.search(text, max(0, start - 40), start):
            continue
        candidates.append((start, num, unit, m.start(), m.end()))
    # by position; a unit missing in one reading of a number ("39.6°c") sorts before one given
    candidates.sort(key=lambda c: (c[0], c[1], c[2] or "", c[3], c[4]))
    rejected = None
    for _, num, unit, start, end in candidates:
        value = parse_decimal(num)
        if value is None:
            continue
        celsius, rule = _celsius(value, unit)
        if celsius is None:
            rejected = rejected or (start, end)
            continue
        return found(celsius, text, start, end, rule, TEMPERATURE_VERSION)
    if rejected:
        return blank("number out of the range of a body temperature", text, rejected[0], rejected[1], "temperature",
                     TEMPERATURE_VERSION)
    return Normalized(None)


# --- Oxygen saturation -------------------------------------------------------------------------------

_SAT_CUE = (
    r"(?:Sp\s?O\s?2|Sa\s?O\s?2|Sat\s?O\s?2|O2\s*sat\w*|oxygen\s+saturation|saturation|saturazione|sats?\b|satting|saturating|"
    r"pulse\s+oximetry|p\s?O\s?2(?:\s+saturation)?|ossimetria|saturación|Sättigung)"
)
_PERCENT = r"(?:\s*%|\s*per\s?cent\b)"
_SAT_AFTER = compile(rf"\b{_SAT_CUE}[^\d;%]{{0,30}}?(?<![\d.,])(?P<num>\d{{2,3}}(?:[.,]\d)?){_PERCENT}", re.IGNORECASE)
_SAT_BEFORE = compile(rf"(?<![\d.,])(?P<num>\d{{2,3}}(?:[.,]\d)?)\s*%\s*(?:\w+\s+){{0,2}}?{_SAT_CUE}", re.IGNORECASE)
_FIO2 = compile(r"\bFi\s?O\s?2?\b", re.IGNORECASE)


@lru_cache(maxsize=8192)
def normalize_po2_saturation(text: str, **_context) -> Normalized:
    """Oxygen saturation in % (SpO2, SaO2, "saturation 92%", "98% pO2 saturation", "sats 91%",
    "saturation of 90 percent"). A partial
    pressure in mmHg or kPa is not a saturation and stays blank."""
    if "%" not in text and "cent" not in text:  # both patterns need a percent sign or word
        return Normalized(None)
    candidates = []
    for pattern in (_SAT_AFTER, _SAT_BEFORE):
        for m in pattern.finditer(text):
            if _FIO2.search(text, m.start(), m.end()):
                continue
            candidates.append((m.start("num"), m))
    candidates.sort(key=lambda c: c[0])
    for _, m in candidates:
        value = parse_decimal(m.group("num"))
        if value is not None and 30 <= value <= 100:
            return found(value, text, m.start(), m.end(), "po2_saturation.percent", SATURATION_VERSION)
    return Normalized(None)


# --- Blood counts --------------------------------------------------------------------------------------

_PER_NANOLITRE = (
    r"(?:\s*[x×*]\s*10\s*(?:\^|E|e|exp)?\s*(?:9|⁹)\s*(?:cells?\s*)?(?:/|per\s+)\s*(?:L|l|liter|litre)\b"
    r"|\s*[x×*]\s*10\s*(?:\^|E|e|exp)?\s*(?:3|³)\s*(?:cells?\s*)?(?:/|per\s+)\s*(?:[µμu]\s*[lL]|mm\s*(?:3|³)|mmc|cmm)"
    r"|\s*[x×]\s*109\s*(?:cells?\s*)?(?:/|per\s+)\s*(?:L|l|liter|litre)\b|\s*[x×]\s*103\s*/\s*[µμu][lL]"
    r"|\s*(?:G|K|k)\s*/\s*(?:L|l|[µμu][lL])\b|\s*10\s*(?:\^|E)?\s*9\s*/\s*L\b"
    r"|\s*U\s*/\s*[lL]\b)"  # "0.7 U / L": the SIRM translations' rendering of 10^9/L
)
_PER_MICROLITRE = (
    r"(?:\s*(?:cells?\s*)?(?:/|per\s+)\s*(?:[µμu]\s*[lL]|mm\s*(?:3|³)|mmc|cmm|microlit\w+)"
    r"|\s*[µμ]\s*/\s*L)"
)
# a comma glued to the word before the number ("cell count,3.13") is no decimal comma
_COUNT_VALUE = (
    r"(?<![\d.·])(?<!\d,)(?P<num>\d{1,3}(?:[.,]\d{3})+|\d+(?:[.,·]\d+)?)"
    rf"(?:(?P<nano>{_PER_NANOLITRE})|(?P<micro>{_PER_MICROLITRE})|(?P<pct>\s*%))?"
)
_FILLER = (
    r"(?:\s*(?:count|counts|number|level|value|was|were|of|at|:|=|\(|,|is|are|only|of\s+only|decreased\s+to"
    r"|increased\s+to|elevated\s+at|elevated|reduced|low|high|raised|abs\.?|absolute|totali|pari\s+a|di)\s*){0,4}"
)

_CELL_CUES = {
    "leukocyte_count": (
        r"(?:white\s+blood\s+cells?(?:\s+\(WBC\))?|white\s+(?:cell|count)|WBCs?|leu[ck]ocytes?|leucociti|leucocitos"
        r"|Leukozyten|globuli\s+bianchi|\bGB\b|leu[ck]ocytosis|leucocitosi|leu[ck]openia|leucopenia)"
    ),
    "neutrophil_count": r"(?:neutrophils?|neutrofili|neutrófilos|Neutrophile|\bANC\b|neutrophilia|neutropenia)",
    "lymphocyte_count": (
        r"(?:lymphocytes?|linfociti|linfocitos|Lymphozyten|lymphopenia|lymphocytopenia|linfopenia|linfocitopenia"
        r"|lymphopaenia)"
    ),
}
_COUNT_RES = {
    field: compile(rf"\b{cue}(?!\s*(?:to|/)\s*(?:lymph|neutr)\w*\s+ratio)[^\d;%.]{{0,12}}?{_FILLER}"
                   rf"{_COUNT_VALUE}", re.IGNORECASE)
    for field, cue in _CELL_CUES.items()
}


#: Gate: the cue words of each count, lower case.
_COUNT_KEYS = {
    "leukocyte_count": ("white", "wbc", "leu", "globuli", "gb"),
    "neutrophil_count": ("neutro", "neutró", "anc"),
    "lymphocyte_count": ("lymph", "linfo"),
}


def _count(field: str, text: str) -> Normalized:
    if not has_any(text_context(text).lower, _COUNT_KEYS[field]):
        return Normalized(None)
    low, high = NUMERIC_RANGES[field]
    skipped = None
    for m in _COUNT_RES[field].finditer(text):
        raw = m.group("num")
        if m.group("pct"):
            skipped = skipped or (m.start(), m.end(), "a percentage of the differential, not a count")
            continue
        grouped = re.fullmatch(r"\d{1,3}(?:[.,]\d{3})+", raw) is not None
        if grouped and (m.group("micro") or not m.group("nano")):
            value = float(re.sub(r"[.,]", "", raw))
        else:
            value = parse_decimal(raw)
        if value is None:
            continue
        if m.group("nano"):
            rule = f"{field}.per-nanolitre"
        elif m.group("micro"):
            value, rule = value / 1000, f"{field}.per-microlitre"
        elif value >= 200:
            # a unitless count in the hundreds or thousands is cells/µL ("lymphocytes 930")
            value, rule = value / 1000, f"{field}.unitless-cells"
        else:
            rule = f"{field}.unitless"
        if not (low < value <= high) or (field == "leukocyte_count" and value < 0.5):
            skipped = skipped or (m.start(), m.end(), "value outside the plausible range for the unit")
            continue
        return found(round(value, 3), text, m.start(), m.end(), rule, COUNT_VERSION)
    if skipped:
        return blank(skipped[2], text, skipped[0], skipped[1], field, COUNT_VERSION)
    return Normalized(None)


@lru_cache(maxsize=8192)
def normalize_leukocyte_count(text: str, **_context) -> Normalized:
    """White blood cell count in 10^3/µL."""
    return _count("leukocyte_count", text)


@lru_cache(maxsize=8192)
def normalize_neutrophil_count(text: str, **_context) -> Normalized:
    """Neutrophil count in 10^3/µL."""
    return _count("neutrophil_count", text)


@lru_cache(maxsize=8192)
def normalize_lymphocyte_count(text: str, **_context) -> Normalized:
    """Lymphocyte count in 10^3/µL."""
    return _count("lymphocyte_count", text)
