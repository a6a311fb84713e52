"""Typed records: the contract between the parsers (``ingest/``), the spiders and the pipelines.

A parser turns one source document into ``CaseRecord``s; a spider yields them as items, with the
pages it read (``documents``); the pipelines check and keep each ``ImageRecord``'s media (downloaded,
or the bytes the record carries in ``content``), list what they kept in ``stored_images`` and stage
the case. Text fields hold the source's words as found (normalizers turn them into schema values
later, keeping them as evidence).

``extra`` holds facts of the case or image that are stored as they are (``Case.extra``, an image's
``provenance``); the fields marked ``CRAWL_ONLY`` carry bytes and the pipelines' work between the
spider and the database: they are never stored as facts and a feed (``feeds.py``) leaves them out.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # for annotations only: importing it loads Pillow and nibabel
    from media.imaging import MediaFacts

#: Field metadata of what only travels through the crawl (bytes, the pipelines' work): not a fact
#: of the case, left out of feeds (``feeds.py``).
CRAWL_ONLY = {"crawl_only": True}

#: ``CaseRecord.extra`` key of a line the case's timeline reads beside its history (an onset a paper
#: tells in its abstract only, with that sentence): our words, so never a note of the case.
TIMELINE_NOTE = "timeline_note"


@dataclass
class FetchedPage:
    """A page the spider read for a case, as fetched: the staging pipeline keeps its body in the
    media store (a copy then names it by ``sha256`` and ``body_path``) and the rest in the database
    (``fetched_documents``)."""

    url: str
    status: int
    body: bytes = field(default=b"", repr=False)
    content_type: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    #: Natural keys of every case parsed from the page, when it yields several (Eurorad patients).
    case_keys: list[str] | None = None
    #: Where the body is kept in the media store, once it is.
    sha256: str = ""
    body_path: str = ""


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
    #: Facts about the image stored in its provenance (figure, panel, box, ``content_from``...).
    extra: dict[str, Any] = field(default_factory=dict)
    #: The image's bytes when it has no URL of its own (a figure found in a PDF, a split panel):
    #: checked and kept like a download, nothing fetched.
    content: bytes | None = field(default=None, repr=False, metadata=CRAWL_ONLY)
    #: For a panel: the bytes of the figure it was cut from (kept too, named in its provenance).
    parent_content: bytes | None = field(default=None, repr=False, metadata=CRAWL_ONLY)


@dataclass
class KeptMedia:
    """Bytes the media pipeline checked and put in the media store."""

    media_path: str
    facts: MediaFacts
    #: What was done to the bytes (source SHA-256, metadata removed, conversion...).
    provenance: dict[str, Any] = field(default_factory=dict)


@dataclass
class StoredImage:
    """An image (or CT volume) of a record after the media pipeline kept its bytes: the image row's
    values (``staging.service.stage_case`` writes them)."""

    source_url: str
    label: str
    position: int
    sha256: str
    media_path: str
    format: str
    width: int | None = None
    height: int | None = None
    phash: str | None = None
    #: perceptual hash of the brightness-centred region (the near-duplicate rule)
    chash: str | None = None
    #: 64 x 64 grayscale thumbnail (dedup/crops.py: near-duplicates in another frame)
    thumb: bytes | None = None
    modality_text: str = ""
    view_text: str = ""
    caption: str = ""
    date_text: str = ""
    provenance: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def of(cls, image: ImageRecord, kept: KeptMedia, provenance: dict[str, Any]) -> StoredImage:
        """``image`` as kept: its words from the record, its facts from the bytes."""
        facts = kept.facts
        return cls(source_url=image.source_url, label=image.label, position=image.position, sha256=facts.sha256,
                   media_path=kept.media_path, format=facts.format, width=facts.width, height=facts.height,
                   phash=facts.phash, chash=facts.chash, thumb=facts.thumb, modality_text=image.modality_text,
                   view_text=image.view_text,
                   caption=image.caption, date_text=image.date_text, provenance=provenance)


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
    #: The pages the case was parsed from (their bodies are freed once the case is staged).
    documents: list[FetchedPage] = field(default_factory=list, repr=False, metadata=CRAWL_ONLY)
    #: Its images as the media pipeline kept them, in the order of ``images``.
    stored_images: list[StoredImage] = field(default_factory=list, repr=False, metadata=CRAWL_ONLY)
    #: What the media pipeline kept of each image's own ``content`` (``KeptMedia``), or why it refused
    #: it, by ``(source_url, label)``: the records of one page may share their image records.
    given_media: dict[tuple[str, str], KeptMedia | str] = field(default_factory=dict, repr=False, metadata=CRAWL_ONLY)
    #: CT stacks whose slices are kept, waiting to become one volume each (the media pipeline).
    pending_volumes: list[PendingVolume] = field(default_factory=list, repr=False, metadata=CRAWL_ONLY)


@dataclass
class PendingVolume:
    """A CT stack whose slices are all kept: the volume is built from them in order."""

    image: ImageRecord
    slice_sha256: list[str]
