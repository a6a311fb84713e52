"""Normalizers: raw text of the sources in, a schema value (or blank) with its evidence out.

Each ``normalize_<field>(text, **context) -> Normalized`` is a pure function. ``value`` is the schema
value (``str`` for vocabularies, ``int`` for ``offset``, ``float`` for numbers and age) or None;
``evidence``/``start``/``end`` locate the span of ``text`` that justified it (or the ambiguity, with
``reason`` saying why the value stays blank); ``rule`` and ``version`` name the rule, so a caller
can re-run only what changed (``RULE_VERSIONS``).

Context kwargs each normalizer understands are documented in its module: ``language`` (sex),
``modality``/``source`` (view), ``previous_offset``/``onset_date``/``image_date`` (offset),
``day_first``/``source`` (date), ``source`` (license). Unknown kwargs are ignored.
"""

from __future__ import annotations

from collections.abc import Callable

from schema import COLUMNS

from . import clinical, demographics, imaging, labs, provenance
from .clinical import (
    normalize_extubated,
    normalize_in_icu,
    normalize_intubated,
    normalize_intubation_present,
    normalize_needed_supplemental_o2,
    normalize_rt_pcr_positive,
    normalize_survival,
    normalize_went_icu,
)
from .common import Normalized
from .demographics import normalize_age, normalize_sex
from .imaging import normalize_finding, normalize_modality, normalize_offset, normalize_view
from .labs import (
    normalize_leukocyte_count,
    normalize_lymphocyte_count,
    normalize_neutrophil_count,
    normalize_po2_saturation,
    normalize_temperature,
)
from .provenance import (
    license_for_url,
    location_for_url,
    normalize_date,
    normalize_doi,
    normalize_license,
    normalize_location,
    normalize_url,
)

NORMALIZERS: dict[str, Callable[..., Normalized]] = {
    "offset": normalize_offset,
    "sex": normalize_sex,
    "age": normalize_age,
    "finding": normalize_finding,
    "RT_PCR_positive": normalize_rt_pcr_positive,
    "survival": normalize_survival,
    "intubated": normalize_intubated,
    "intubation_present": normalize_intubation_present,
    "went_icu": normalize_went_icu,
    "in_icu": normalize_in_icu,
    "needed_supplemental_O2": normalize_needed_supplemental_o2,
    "extubated": normalize_extubated,
    "temperature": normalize_temperature,
    "pO2_saturation": normalize_po2_saturation,
    "leukocyte_count": normalize_leukocyte_count,
    "neutrophil_count": normalize_neutrophil_count,
    "lymphocyte_count": normalize_lymphocyte_count,
    "view": normalize_view,
    "modality": normalize_modality,
    "date": normalize_date,
    "location": normalize_location,
    "doi": normalize_doi,
    "url": normalize_url,
    "license": normalize_license,
}
assert set(NORMALIZERS) <= set(COLUMNS), set(NORMALIZERS) - set(COLUMNS)

#: Field -> version of its rules; a caller re-normalizes a field when its version changed.
RULE_VERSIONS: dict[str, int] = {
    "offset": imaging.OFFSET_VERSION,
    "sex": demographics.SEX_VERSION,
    "age": demographics.AGE_VERSION,
    "finding": imaging.FINDING_VERSION,
    "RT_PCR_positive": clinical.RT_PCR_VERSION,
    **{name: rule.version for name, rule in clinical.FLAG_RULES.items()},
    "temperature": labs.TEMPERATURE_VERSION,
    "pO2_saturation": labs.SATURATION_VERSION,
    "leukocyte_count": labs.COUNT_VERSION,
    "neutrophil_count": labs.COUNT_VERSION,
    "lymphocyte_count": labs.COUNT_VERSION,
    "view": imaging.VIEW_VERSION,
    "modality": imaging.MODALITY_VERSION,
    "date": provenance.DATE_VERSION,
    "location": provenance.LOCATION_VERSION,
    "doi": provenance.DOI_VERSION,
    "url": provenance.URL_VERSION,
    "license": provenance.LICENSE_VERSION,
}
assert set(RULE_VERSIONS) == set(NORMALIZERS)

__all__ = [  # noqa: PLE0604 - every normalize_* function is public, listed by name
    "NORMALIZERS",
    "RULE_VERSIONS",
    "Normalized",
    "license_for_url",
    "location_for_url",
    *sorted(name for name in globals() if name.startswith("normalize_")),
]
