"""Typed records: the contract between the parsers (``ingest/``), the spiders and the pipelines.

A parser turns one source document into ``CaseRecord``s; a spider yields them as items; the
pipelines download each ``ImageRecord``'s media and stage the case. Text fields hold the source's
words as found (normalizers turn them into schema values later, keeping them as evidence).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class ImageRecord:
    """One image (or one CT stack) of a case, as the source presents it."""

    #: URL of the exact image file (full size), or of the first slice for a stack.
    source_url: str
    #: Order of the image within its case (0-based), as the source orders it.
    position: int
    caption: str = ""
    #: Modality, view and date as written by the source ("Frontal", "Supino", "Day 7", ...).
    modality_text: str = ""
    view_text: str = ""
    date_text: str = ""
    #: Figure, stack or panel label ("Figure 2", "study 12345 / stack 2", "b").
    label: str = ""
    #: For a CT stack: ordered URLs of its slices, which become one NIfTI volume.
    slice_urls: list[str] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class CaseRecord:
    """One patient in one source document. ``(source, source_key)`` is its natural key."""

    source: str
    source_key: str
    url: str
    title: str = ""
    doi: str = ""
    license_text: str = ""
    published: str = ""
    #: Who made the case (contributor, authors) and where (institution, hospital, city).
    authors: str = ""
    institution: str = ""
    #: The credit line the dataset writes into other_notes.
    credit: str = ""
    #: The source's own words about the patient.
    age_text: str = ""
    sex_text: str = ""
    history: str = ""
    findings: str = ""
    discussion: str = ""
    diagnosis: str = ""
    images: list[ImageRecord] = field(default_factory=list)
    #: Things a reviewer must look at (several patients in one document, an unsplit figure, ...).
    warnings: list[str] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)
    #: Other names the case was reached by (the reference given with ``-a cases=``, the URL before a
    #: redirect, a paper's PMCID): ``ingest/identity.py`` turns them into aliases of one natural key.
    aliases: list[str] = field(default_factory=list)
