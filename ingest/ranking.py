"""How promising a found paper is for the dataset: a score with every reason stored. Pure.

Points (a maintainer reads the reasons, not the number):

* licence: +30 when it allows redistribution (``schema.REDISTRIBUTABLE_LICENSES``, read by
  ``normalize_license``); free to read without a licence: +5 (only a licence lets images leave
  staging);
* article type: case report +25, case series +25 (publication type or the title/abstract's
  own words), review / meta-analysis / guideline -20 (their figures are mostly borrowed);
* figures (read from the open JATS with the publications spider's caption reading,
  ``normalize_modality``): +10 per figure showing a chest radiograph or CT, at most +30; -10 when
  the full text was read and no caption shows one. Without full text, an abstract naming chest
  X-ray or CT: +5;
* patients: +2 per patient the paper describes (from the figures' "Patient N" or the abstract's
  "we report three patients"), at most +20;
* recency: +10 within two years of the day of ranking, +5 within five.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from datetime import date

from ingest.literature import FoundPaper
from ingest.normalize.imaging import normalize_modality
from ingest.normalize.provenance import normalize_license
from ingest.papers import patients_in
from schema import REDISTRIBUTABLE_LICENSES

CHEST_MODALITIES = frozenset({"X-ray", "CT"})
_NUMBERS = {w: n for n, w in enumerate(["one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
                                        "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen",
                                        "seventeen", "eighteen", "nineteen", "twenty"], start=1)}
_COUNT = r"(\d{1,3}|" + "|".join(_NUMBERS) + r")"
_PATIENTS_STATED = re.compile(
    r"\b(?:case\s+series\s+of|we\s+(?:report|describe|present)(?:\s+(?:here|the))?|series\s+of)\s+" + _COUNT +
    r"\s+(?:\w+\s+){0,3}?(?:patients|cases|adults|men|women)\b", re.I)
_ONE_PATIENT = re.compile(r"\bwe\s+(?:report|describe|present)\s+(?:here\s+)?(?:the\s+case\s+of\s+)?an?\s+"
                          r"(?:\d{1,3}-year-old\s+)?(?:\w+\s+){0,3}?(?:patient|man|woman|case)\b", re.I)
_SERIES = re.compile(r"\bcase\s+series\b", re.I)
_CASE_REPORT = re.compile(r"\bcase\s+(?:report|presentation)\b", re.I)
_REVIEWS = re.compile(r"\b(?:review|meta-analysis|systematic|guideline|practice\s+guideline)\b", re.I)


@dataclass
class FigureNote:
    """One figure of the paper's full text: its label, caption and the modality its caption shows."""

    label: str
    caption: str
    modality: str = ""


@dataclass
class Reason:
    factor: str
    points: float
    why: str


@dataclass
class Ranking:
    score: float
    reasons: list[Reason]
    patients: int | None

    def reasons_json(self) -> list[dict]:
        return [asdict(r) for r in self.reasons]


def figure_note(label: str, caption: str) -> FigureNote:
    modality = normalize_modality(caption or "").value
    return FigureNote(label=label, caption=caption, modality=str(modality) if modality in CHEST_MODALITIES else "")


def patients_stated(text: str) -> tuple[int | None, str]:
    """The number of patients a text says it describes, with the words that say it."""
    m = _PATIENTS_STATED.search(text or "")
    if m:
        word = m.group(1).lower()
        return (int(word) if word.isdigit() else _NUMBERS[word]), m.group(0)
    m = _ONE_PATIENT.search(text or "")
    return (1, m.group(0)) if m else (None, "")


def _licence_reason(license_text: str, open_access: bool | None) -> Reason:
    value = normalize_license(license_text).value if license_text else None
    if value and value in REDISTRIBUTABLE_LICENSES:
        return Reason("licence", 30, f"{value} (given as {license_text!r}) allows redistribution")
    if open_access:
        return Reason("licence", 5,
                      f"free to read, but no licence that allows redistribution ({license_text or 'none given'})")
    return Reason("licence", 0, f"no licence that allows redistribution ({license_text or 'none given'})")


def _type_reason(pub_types: list[str], title: str, abstract: str) -> Reason:
    types = {t.lower() for t in pub_types}
    words = f"{title} {abstract}"
    if _SERIES.search(words):
        return Reason("article type", 25, "case series (" + _SERIES.search(words).group(0) + ")")
    if "case reports" in types or _CASE_REPORT.search(title):
        return Reason("article type", 25,
                      "case report" + (" (publication type)" if "case reports" in types else " (title)"))
    if any(_REVIEWS.search(t) for t in types) or _REVIEWS.search(title):
        return Reason("article type", -20, "review, meta-analysis or guideline: figures mostly borrowed")
    return Reason("article type", 0, "not a case report or series: " + (", ".join(pub_types) or "type not given"))


def _figure_reason(figures: list[FigureNote] | None, abstract: str) -> Reason:
    if figures is None:
        modality = normalize_modality(abstract or "").value
        if modality in CHEST_MODALITIES:
            return Reason("figures", 5, f"full text not read; the abstract names {modality} imaging")
        return Reason("figures", 0, "full text not read; the abstract names no chest X-ray or CT")
    shown = [f for f in figures if f.modality]
    if not shown:
        return Reason("figures", -10,
                      f"full text read: none of its {len(figures)} figure captions shows a chest X-ray or CT")
    labels = ", ".join(f"{f.label or 'figure'} ({f.modality})" for f in shown)
    return Reason("figures", min(30, 10 * len(shown)),
                  f"{len(shown)} of {len(figures)} figures show chest imaging: {labels}")


def _patients(figures: list[FigureNote] | None, abstract: str) -> tuple[int | None, str]:
    numbered = {n for f in figures or [] for n in patients_in(f.caption)}
    stated, evidence = patients_stated(abstract)
    if numbered and (stated is None or len(numbered) > stated):
        return len(numbered), f"figures name patients {', '.join(map(str, sorted(numbered)))}"
    return stated, evidence


def _recency_reason(published: str, today: date) -> Reason:
    m = re.match(r"(\d{4})(?:-(\d{2}))?", published or "")
    if not m:
        return Reason("recency", 0, "publication date not given")
    years = today.year - int(m.group(1)) + ((today.month - int(m.group(2) or 6)) / 12)
    points = 10 if years <= 2 else 5 if years <= 5 else 0
    return Reason("recency", points, f"published {published}")


def rank_paper(*, license_text: str, open_access: bool | None, pub_types: list[str], title: str, abstract: str,
               published: str, figures: list[FigureNote] | None, today: date) -> Ranking:
    reasons = [_licence_reason(license_text, open_access), _type_reason(pub_types, title, abstract),
               _figure_reason(figures, abstract)]
    patients, evidence = _patients(figures, abstract)
    if patients:
        reasons.append(Reason("patients", min(20, 2 * patients), f"{patients} patient(s): {evidence!r}"))
    else:
        reasons.append(Reason("patients", 0, "number of patients not stated"))
    reasons.append(_recency_reason(published, today))
    return Ranking(score=float(sum(r.points for r in reasons)), reasons=reasons, patients=patients)


@dataclass
class RankedPaper:
    """The discover spider's item: a found paper, its full-text figures when read, its ranking."""

    paper: FoundPaper
    figures: list[FigureNote] | None
    ranking: Ranking


def rank_found(paper: FoundPaper, figures: list[FigureNote] | None, today: date, text: str = "") -> RankedPaper:
    """Rank a found paper; ``text`` is its full text's paragraphs when read (patient count)."""
    ranking = rank_paper(license_text=paper.license, open_access=paper.open_access, pub_types=paper.pub_types,
                         title=paper.title, abstract=" ".join(x for x in (paper.abstract, text) if x),
                         published=paper.published, figures=figures, today=today)
    return RankedPaper(paper=paper, figures=figures, ranking=ranking)
