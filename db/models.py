"""The staging model (docs/design.md, "The staging model"), in SQLAlchemy 2 declarative form.

The staging database is the single source of truth between a crawl and a release. Its schema is
changed only through Alembic migrations in ``db/migrations/versions`` (one per change, never
edited once merged); a test checks that these models and the migrated schema agree.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from schema import ReviewState

#: Deterministic constraint names, so migrations can refer to them on every backend.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {dict[str, Any]: JSON, list[Any]: JSON}


# --- Staging: what the spiders fetched and parsed ------------------------------------------------


class FetchedDocument(Base):
    """A page, API answer or file fetched from a source; the body is kept for offline re-parsing."""

    __tablename__ = "fetched_documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    source: Mapped[str] = mapped_column(String(40))
    url: Mapped[str] = mapped_column(Text, unique=True)
    fetched_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    status: Mapped[int] = mapped_column(Integer)
    content_type: Mapped[str | None] = mapped_column(String(200))
    etag: Mapped[str | None] = mapped_column(String(300))
    last_modified: Mapped[str | None] = mapped_column(String(100))
    sha256: Mapped[str | None] = mapped_column(String(64))
    #: Where the body is kept (a path in the media store, by its SHA-256).
    body_path: Mapped[str | None] = mapped_column(Text)
    #: Natural keys of every case parsed from this page (migration 0009); the page counts as known
    #: only once all of them are staged. NULL: one case, or fetched before 0009.
    case_keys: Mapped[list[Any] | None] = mapped_column(JSON, nullable=True)


class Case(Base):
    """One patient in one source document, keyed by ``(source, source_key)``."""

    __tablename__ = "cases"
    __table_args__ = (UniqueConstraint("source", "source_key"), Index("ix_cases_review_state", "review_state"),
                      Index("ix_cases_source_identity_key", "source", "identity_key"),
                      # every review page load asks for the newest update and for cases without
                      # stored warnings (review/warning_store.py): answered from these (migration 0012)
                      Index("ix_cases_updated_at", "updated_at"), Index("ix_cases_warning_codes", "warning_codes"))

    id: Mapped[int] = mapped_column(primary_key=True)
    source: Mapped[str] = mapped_column(String(40))
    source_key: Mapped[str] = mapped_column(String(300))
    canonical_url: Mapped[str] = mapped_column(Text, index=True)
    document_id: Mapped[int | None] = mapped_column(ForeignKey("fetched_documents.id", ondelete="SET NULL"))
    doi: Mapped[str | None] = mapped_column(String(300), index=True)
    title: Mapped[str | None] = mapped_column(Text)
    license_raw: Mapped[str | None] = mapped_column(Text)
    license: Mapped[str | None] = mapped_column(String(40))
    published: Mapped[str | None] = mapped_column(String(40))
    authors: Mapped[str | None] = mapped_column(Text)
    institution: Mapped[str | None] = mapped_column(Text)
    credit: Mapped[str | None] = mapped_column(Text)
    age_text: Mapped[str | None] = mapped_column(Text)
    sex_text: Mapped[str | None] = mapped_column(Text)
    history: Mapped[str | None] = mapped_column(Text)
    findings: Mapped[str | None] = mapped_column(Text)
    discussion: Mapped[str | None] = mapped_column(Text)
    diagnosis: Mapped[str | None] = mapped_column(Text)
    #: staged -> approved / rejected / needs_info / duplicate (see review/); released once exported
    #: or found in the imported dataset (staging/identity.py). The values of ``schema.ReviewState``.
    review_state: Mapped[str] = mapped_column(String(20), default=ReviewState.STAGED.value)
    warnings: Mapped[list[Any]] = mapped_column(default=list)
    extra: Mapped[dict[str, Any]] = mapped_column(default=dict)
    #: SHA-256 of the parsed record: a re-crawl that finds it changed puts the case back in review.
    content_sha256: Mapped[str | None] = mapped_column(String(64))
    # --- review (migration 0004; see review/actions.py) ---
    #: The case repeats another staged case or a released row (review state ``duplicate``).
    duplicate_of_case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"))
    duplicate_of_released_row_id: Mapped[int | None] = mapped_column(ForeignKey("released_rows.id"))
    #: A reviewer confirmed the patient is an adult although the source gives no age.
    adult_confirmed: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    #: A reviewer looked at the near-duplicate candidates and found the images distinct.
    distinct_confirmed: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    #: Reason given with the last reject / needs-information decision.
    review_reason: Mapped[str | None] = mapped_column(Text)
    #: The case this one was split from (one source document showing several patients).
    split_from_case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"))
    #: The source document's natural key (ingest/identity.py): ``source_key`` without a patient
    #: suffix (Eurorad ``16672`` for ``16672-p2``, a paper's key for ``<doi>#patient2``). Migration 0008.
    identity_key: Mapped[str | None] = mapped_column(String(300))
    #: Review warnings as last computed (review/warnings.py), and their codes as ",a,b," for filters;
    #: null until computed (staging leaves them null, so the queue computes them for new cases).
    review_warnings: Mapped[list[Any] | None] = mapped_column(JSON)
    warning_codes: Mapped[str | None] = mapped_column(String(400))
    #: SHA-256 of the case's own inputs of those warnings when they were computed (migration 0012,
    #: review/warning_store.py): a stored warning whose inputs changed since is recomputed, not shown.
    warnings_inputs: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)

    images: Mapped[list[Image]] = relationship(back_populates="case", order_by="Image.position",
                                               cascade="all, delete-orphan")
    field_values: Mapped[list[FieldValue]] = relationship(back_populates="case", cascade="all, delete-orphan")


class Image(Base):
    """One image (or CT volume) of a case, stored in the media store by its SHA-256."""

    __tablename__ = "images"
    __table_args__ = (UniqueConstraint("case_id", "source_url", "label"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    source_url: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str | None] = mapped_column(String(64), index=True)
    phash: Mapped[str | None] = mapped_column(String(16), index=True)
    #: Content-centred pHash (media.imaging.centred_phash): the near-duplicate gate's second hash.
    chash: Mapped[str | None] = mapped_column(String(16))
    #: 64 x 64 grayscale thumbnail (media.imaging.thumbnail): the crop-tolerant duplicate check's input.
    thumb: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)
    width: Mapped[int | None] = mapped_column(Integer)
    height: Mapped[int | None] = mapped_column(Integer)
    format: Mapped[str | None] = mapped_column(String(20))
    media_path: Mapped[str | None] = mapped_column(Text)
    modality_text: Mapped[str | None] = mapped_column(Text)
    view_text: Mapped[str | None] = mapped_column(Text)
    caption: Mapped[str | None] = mapped_column(Text)
    date_text: Mapped[str | None] = mapped_column(Text)
    position: Mapped[int] = mapped_column(Integer, default=0)
    #: Stack/slice or figure/panel label, as the source names it.
    label: Mapped[str] = mapped_column(String(200), default="")
    duplicate_of: Mapped[int | None] = mapped_column(ForeignKey("images.id", ondelete="SET NULL"))
    #: A reviewer may leave one image of a case out of the release.
    included: Mapped[bool] = mapped_column(Boolean, default=True)
    #: Transformations from the source bytes (panel crop box, conversion), parent figure, ...
    provenance: Mapped[dict[str, Any]] = mapped_column(default=dict)

    case: Mapped[Case] = relationship(back_populates="images")


class FieldValue(Base):
    """A schema field of a case (``image_id`` null) or of one image, with its evidence.

    ``value`` is what the normalizer produced (``rule`` at ``rule_version``) from ``raw``;
    ``override`` is a reviewer's value, which always wins and is never touched by re-normalizing.
    """

    __tablename__ = "field_values"
    __table_args__ = (UniqueConstraint("case_id", "image_id", "field"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    image_id: Mapped[int | None] = mapped_column(ForeignKey("images.id", ondelete="CASCADE"), index=True)
    field: Mapped[str] = mapped_column(String(40))
    raw: Mapped[str | None] = mapped_column(Text)
    value: Mapped[str | None] = mapped_column(Text)
    rule: Mapped[str | None] = mapped_column(String(80))
    rule_version: Mapped[int | None] = mapped_column(Integer)
    evidence: Mapped[str | None] = mapped_column(Text)
    reason: Mapped[str | None] = mapped_column(Text)
    override: Mapped[str | None] = mapped_column(Text)
    override_by: Mapped[str | None] = mapped_column(String(120))
    override_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)

    case: Mapped[Case] = relationship(back_populates="field_values")

    @property
    def effective(self) -> str | None:
        return self.override if self.override is not None else self.value


# --- The released baseline: the dataset as imported ----------------------------------------------


class DatasetImport(Base):
    """One ``scrapy import-dataset`` that changed something: what was read and what it changed."""

    __tablename__ = "dataset_imports"

    id: Mapped[int] = mapped_column(primary_key=True)
    path: Mapped[str] = mapped_column(Text)
    imported_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    metadata_sha256: Mapped[str] = mapped_column(String(64))
    #: SHA-256 over the sorted (path, sha256) of every image, volume and annotations/ file present.
    files_sha256: Mapped[str] = mapped_column(String(64))
    #: The header record exactly as written, and its line ending.
    header_raw: Mapped[str] = mapped_column(Text)
    header_ending: Mapped[str] = mapped_column(String(2))
    rows: Mapped[int] = mapped_column(Integer)
    added: Mapped[int] = mapped_column(Integer, default=0)
    changed: Mapped[int] = mapped_column(Integer, default=0)
    removed: Mapped[int] = mapped_column(Integer, default=0)
    files: Mapped[int] = mapped_column(Integer, default=0)


class ReleasedRow(Base):
    """A row of the released dataset, raw as written and typed, keyed by its filename.

    ``row_key`` is the filename, suffixed ``#2``, ``#3``... for a filename that repeats (a defect
    the validator reports, but one an import must still represent faithfully).
    """

    __tablename__ = "released_rows"

    id: Mapped[int] = mapped_column(primary_key=True)
    row_key: Mapped[str] = mapped_column(Text, unique=True)
    #: Order of the row in the file (0-based); null once the row was removed upstream.
    position: Mapped[int | None] = mapped_column(Integer, index=True)
    patientid: Mapped[str] = mapped_column(String(20), index=True)
    filename: Mapped[str] = mapped_column(Text, index=True)
    raw: Mapped[str] = mapped_column(Text)
    ending: Mapped[str] = mapped_column(String(2))
    cells: Mapped[list[Any]] = mapped_column()
    #: Typed value of every cell (None where blank or unparseable), by column name.
    typed: Mapped[dict[str, Any]] = mapped_column()
    first_import_id: Mapped[int] = mapped_column(ForeignKey("dataset_imports.id"))
    last_import_id: Mapped[int] = mapped_column(ForeignKey("dataset_imports.id"))
    removed_import_id: Mapped[int | None] = mapped_column(ForeignKey("dataset_imports.id"))
    #: Its url/doi/notes were resolved to case identities (``released_identities``); false for a
    #: row added or changed by an import until staging/identity.py links it. Migration 0008.
    identity_linked: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


class ReleasedRowChange(Base):
    """What an import found added, changed or removed, with the raw record before and after."""

    __tablename__ = "released_row_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    import_id: Mapped[int] = mapped_column(ForeignKey("dataset_imports.id", ondelete="CASCADE"), index=True)
    row_key: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(10))  # added / changed / removed
    before: Mapped[str | None] = mapped_column(Text)
    after: Mapped[str | None] = mapped_column(Text)


class ReleasedFile(Base):
    """A file of the dataset's ``images/`` or ``volumes/`` as imported, with its facts."""

    __tablename__ = "released_files"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Path relative to the checkout, e.g. ``images/16660_2_1.jpg``.
    path: Mapped[str] = mapped_column(Text, unique=True)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    phash: Mapped[str | None] = mapped_column(String(16), index=True)
    #: Content-centred pHash (media.imaging.centred_phash): the near-duplicate gate's second hash.
    chash: Mapped[str | None] = mapped_column(String(16))
    #: 64 x 64 grayscale thumbnail (media.imaging.thumbnail): the crop-tolerant duplicate check's input.
    thumb: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)
    width: Mapped[int | None] = mapped_column(Integer)
    height: Mapped[int | None] = mapped_column(Integer)
    format: Mapped[str] = mapped_column(String(20))
    mode: Mapped[str | None] = mapped_column(String(10))
    bits: Mapped[int | None] = mapped_column(Integer)
    size: Mapped[int] = mapped_column(Integer)
    media_path: Mapped[str] = mapped_column(Text)
    last_import_id: Mapped[int] = mapped_column(ForeignKey("dataset_imports.id"))
    removed_import_id: Mapped[int | None] = mapped_column(ForeignKey("dataset_imports.id"))


class PatientId(Base):
    """A patientid allocated to a staged case: allocated once, never reused."""

    __tablename__ = "patient_ids"

    patientid: Mapped[str] = mapped_column(String(20), primary_key=True)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id", ondelete="SET NULL"), unique=True)
    allocated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Release(Base):
    """An export: where it went, when, and what it holds."""

    __tablename__ = "releases"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    path: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    metadata_sha256: Mapped[str] = mapped_column(String(64))
    counts: Mapped[dict[str, Any]] = mapped_column(default=dict)

    items: Mapped[list[ReleaseItem]] = relationship(cascade="all, delete-orphan", order_by="ReleaseItem.position")


class ReleaseItem(Base):
    """One row of a release and what it came from (a released row, or a staged image)."""

    __tablename__ = "release_items"
    __table_args__ = (UniqueConstraint("release_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    release_id: Mapped[int] = mapped_column(ForeignKey("releases.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    patientid: Mapped[str] = mapped_column(String(20))
    filename: Mapped[str] = mapped_column(Text)
    released_row_id: Mapped[int | None] = mapped_column(ForeignKey("released_rows.id"))
    image_id: Mapped[int | None] = mapped_column(ForeignKey("images.id"))
    sha256: Mapped[str | None] = mapped_column(String(64))


# --- Crawl runs: what each `scrapy crawl` saw, to notice a site that silently changed ------------


class CrawlRun(Base):
    """One ``scrapy crawl <source>``: its arguments, counts and field coverage.

    Written when the crawl closes (a killed crawl leaves no row). The next run of the same source
    compares itself with the last one: a sharp drop in coverage means the site's layout changed.
    """

    __tablename__ = "crawl_runs"
    __table_args__ = (Index("ix_crawl_runs_source_started_at", "source", "started_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    source: Mapped[str] = mapped_column(String(40))
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    #: Scrapy's finish reason: finished, shutdown, closespider_..., blocked.
    finish_reason: Mapped[str | None] = mapped_column(String(80))
    #: The spider arguments (-a) of the run.
    arguments: Mapped[dict[str, Any]] = mapped_column(default=dict)
    cases_seen: Mapped[int] = mapped_column(Integer, default=0)
    cases_new: Mapped[int] = mapped_column(Integer, default=0)
    cases_updated: Mapped[int] = mapped_column(Integer, default=0)
    cases_unchanged: Mapped[int] = mapped_column(Integer, default=0)
    cases_skipped: Mapped[int] = mapped_column(Integer, default=0)
    cases_failed: Mapped[int] = mapped_column(Integer, default=0)
    images: Mapped[int] = mapped_column(Integer, default=0)
    errors: Mapped[int] = mapped_column(Integer, default=0)
    #: Share of the cases parsed in this run that carry each field (0..1), by field name.
    field_coverage: Mapped[dict[str, Any]] = mapped_column(default=dict)
    #: Selected Scrapy stats (blocked/<reason>, cases/dropped/<reason>, bytes, ...).
    stats: Mapped[dict[str, Any]] = mapped_column(default=dict)
    #: What the comparison with the previous run found (likely layout changes).
    warnings: Mapped[list[Any]] = mapped_column(default=list)


# --- Review: the maintainers' decisions and their audit trail (migration 0004) -------------------


class ReviewEvent(Base):
    """One review action on a case (or one of its images): who, when, what, before and after."""

    __tablename__ = "review_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    image_id: Mapped[int | None] = mapped_column(ForeignKey("images.id", ondelete="SET NULL"))
    actor: Mapped[str] = mapped_column(String(120))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    #: approve, reject, needs_info, duplicate, set_field, reset_field, include_image, ...
    action: Mapped[str] = mapped_column(String(40))
    field: Mapped[str | None] = mapped_column(String(40))
    before: Mapped[Any | None] = mapped_column(JSON)
    after: Mapped[Any | None] = mapped_column(JSON)
    reason: Mapped[str | None] = mapped_column(Text)


#: The queue filters cases by the value of one field (``finding``) over every case.
Index("ix_field_values_field_case_id", FieldValue.field, FieldValue.case_id)


# --- Identity: every name of a case -> one natural key (migration 0008; staging/identity.py) ------------


class CaseAlias(Base):
    """One name of a source document (``rid:75037``, ``slug:covid-19-pneumonia-15``, ``doi:...``) and
    the natural key it resolves to. The naming rules are the sites' facts in ``ingest/identity.py``."""

    __tablename__ = "case_aliases"
    __table_args__ = (UniqueConstraint("source", "alias"), Index("ix_case_aliases_source_key", "source", "key"))

    id: Mapped[int] = mapped_column(primary_key=True)
    source: Mapped[str] = mapped_column(String(40))
    alias: Mapped[str] = mapped_column(String(500))
    key: Mapped[str] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class ReleasedIdentity(Base):
    """A released row is (part of) this source document: found at import by its url, DOI and credit."""

    __tablename__ = "released_identities"
    __table_args__ = (UniqueConstraint("released_row_id", "source", "key"),
                      Index("ix_released_identities_source_key", "source", "key"))

    id: Mapped[int] = mapped_column(primary_key=True)
    released_row_id: Mapped[int] = mapped_column(ForeignKey("released_rows.id", ondelete="CASCADE"), index=True)
    source: Mapped[str] = mapped_column(String(40))
    key: Mapped[str] = mapped_column(String(300))


# --- Release marks: a reviewer's word the export gates need (migration 0005) ---------------------


class DistinctPair(Base):
    """A reviewer looked at two near-duplicate images and found them distinct radiographs.

    ``image_id`` is a staged image; the other side is another staged image (``other_image_id``,
    stored as the larger id of the pair) or a file of the released dataset (``released_file_id``).
    The near-duplicate gate of ``scrapy export`` lets a marked pair through (curation/marks.py).
    """

    __tablename__ = "distinct_pairs"

    id: Mapped[int] = mapped_column(primary_key=True)
    image_id: Mapped[int] = mapped_column(ForeignKey("images.id", ondelete="CASCADE"), index=True)
    other_image_id: Mapped[int | None] = mapped_column(ForeignKey("images.id", ondelete="CASCADE"), index=True)
    released_file_id: Mapped[int | None] = mapped_column(ForeignKey("released_files.id", ondelete="CASCADE"),
                                                         index=True)
    marked_by: Mapped[str] = mapped_column(String(120))
    marked_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class AdultConfirmation(Base):
    """Who confirmed, and when, that the patient of a case of unknown age is an adult."""

    __tablename__ = "adult_confirmations"

    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True)
    confirmed_by: Mapped[str] = mapped_column(String(120))
    confirmed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


# --- Annotations: severity scores, masks and boxes keyed by filename (migration 0010) -----------


class AnnotationFile(Base):
    """A file of the dataset's ``annotations/`` as imported: kept byte for byte in the media store."""

    __tablename__ = "annotation_files"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Path relative to the checkout, e.g. ``annotations/covid-severity-scores.csv``.
    path: Mapped[str] = mapped_column(Text, unique=True)
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(Integer)
    media_path: Mapped[str] = mapped_column(Text)
    #: table / json / mask / document (curation.annotations).
    kind: Mapped[str] = mapped_column(String(20))
    license: Mapped[str | None] = mapped_column(String(40))
    #: Where the licence was read, or why it is blank.
    license_note: Mapped[str | None] = mapped_column(Text)
    last_import_id: Mapped[int] = mapped_column(ForeignKey("dataset_imports.id"))
    removed_import_id: Mapped[int | None] = mapped_column(ForeignKey("dataset_imports.id"))


class Annotation(Base):
    """One annotation of one image: a severity score pair, a mask, a box, or a row of a table.

    Imported ones belong to their file (``file_id``); a reviewer's (``origin`` ``reviewer``) names a
    staged image (``image_id``) or a released filename, carries who and when, and is written by the
    first release that holds its image (``release_id``, ``written_path``). A deleted annotation
    keeps its row with who deleted it and when (the audit trail).
    """

    __tablename__ = "annotations"
    __table_args__ = (Index("ix_annotations_filename_kind", "filename", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    file_id: Mapped[int | None] = mapped_column(ForeignKey("annotation_files.id", ondelete="CASCADE"), index=True)
    #: dataset (imported) / reviewer (drawn in the page or given to `scrapy cases annotate`).
    origin: Mapped[str] = mapped_column(String(20))
    kind: Mapped[str] = mapped_column(String(20))
    #: The key as the file writes it (a filename, or an image stem for ``<stem>_mask.png``).
    key: Mapped[str | None] = mapped_column(Text)
    #: The released image it belongs to (null while unresolved or for a staged image).
    filename: Mapped[str | None] = mapped_column(Text)
    image_id: Mapped[int | None] = mapped_column(ForeignKey("images.id", ondelete="CASCADE"), index=True)
    data: Mapped[dict[str, Any]] = mapped_column(default=dict)
    #: A reviewer's mask: its PNG in the media store, by SHA-256.
    media_sha256: Mapped[str | None] = mapped_column(String(64))
    license: Mapped[str | None] = mapped_column(String(40))
    line: Mapped[int | None] = mapped_column(Integer)
    created_by: Mapped[str | None] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    deleted_by: Mapped[str | None] = mapped_column(String(120))
    deleted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    release_id: Mapped[int | None] = mapped_column(ForeignKey("releases.id", ondelete="SET NULL"))
    written_path: Mapped[str | None] = mapped_column(Text)


# --- Discovery: papers found in the literature databases, waiting for a decision (migration 0011) --


class Candidate(Base):
    """A paper a discovery crawl or an imported list suggested, with its ranking and decision.

    One row per paper whatever form named it: the identifiers are stored in canonical form
    (``ingest.identifiers``) and a paper met again under another form updates the same row.
    Whether the dataset already has it is not stored: it is answered from the released rows,
    staged cases and decisions at the time of asking (``discovery.known``).
    """

    __tablename__ = "candidates"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The best identifier at first sight (``doi:...`` before ``pmid:`` ...); never changes.
    key: Mapped[str] = mapped_column(String(320), unique=True)
    doi: Mapped[str | None] = mapped_column(String(300), index=True)
    pmid: Mapped[str | None] = mapped_column(String(20), index=True)
    pmcid: Mapped[str | None] = mapped_column(String(20), index=True)
    pii: Mapped[str | None] = mapped_column(String(40), index=True)
    url: Mapped[str | None] = mapped_column(Text)
    title: Mapped[str | None] = mapped_column(Text)
    journal: Mapped[str | None] = mapped_column(Text)
    authors: Mapped[str | None] = mapped_column(Text)
    #: First publication date as given (``2020-03-10``, ``2020-03`` or ``2020``).
    published: Mapped[str | None] = mapped_column(String(40))
    pub_types: Mapped[list[Any]] = mapped_column(default=list)
    license: Mapped[str | None] = mapped_column(String(120))
    open_access: Mapped[bool | None] = mapped_column(Boolean)
    #: Patients the paper describes, when its text says (null: not read).
    patients: Mapped[int | None] = mapped_column(Integer)
    #: Figures read from the open JATS: label, caption, and whether it shows chest X-ray/CT.
    figures: Mapped[list[Any] | None] = mapped_column(JSON)
    score: Mapped[float] = mapped_column(Float, default=0.0, index=True)
    #: Why the score: [{"factor", "points", "why"}], in the order they were added.
    reasons: Mapped[list[Any]] = mapped_column(default=list)
    #: Where it was found: ["europepmc: <query>", "cord19: metadata.csv", ...].
    found_by: Mapped[list[Any]] = mapped_column(default=list)
    #: The maintainer's decision: pending, accepted, rejected.
    status: Mapped[str] = mapped_column(String(20), default="pending", index=True)
    decided_by: Mapped[str | None] = mapped_column(String(120))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    decision_reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)


# --- Stored review warnings: what they were computed against (migration 0012) --------------------


class WarningState(Base):
    """One row: the near-duplicate index signature (review/warnings.py ``_signature``) the stored
    review warnings were last brought up to date with, and the row a sync locks."""

    __tablename__ = "warning_state"

    id: Mapped[int] = mapped_column(primary_key=True)
    signature: Mapped[str | None] = mapped_column(Text)
    synced_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class WarningIndexEntry(Base):
    """A staged image or released file as the stored warnings last saw it: a sync compares these
    with the images and files now, and recomputes only the cases the differences can touch."""

    __tablename__ = "warning_index_entries"

    #: "staged" (``owner_id`` an image id) or "released" (a released file id); no foreign key: an
    #: entry must outlive its image, or a deletion would go unnoticed.
    kind: Mapped[str] = mapped_column(String(10), primary_key=True)
    owner_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int | None] = mapped_column(Integer)
    sha256: Mapped[str | None] = mapped_column(String(64))
    phash: Mapped[str | None] = mapped_column(String(16))
    chash: Mapped[str | None] = mapped_column(String(16))
    thumb_size: Mapped[int | None] = mapped_column(Integer)


class ImageCropRegions(Base):
    """The 256 region hashes of an image's thumbnail (dedup.crops.region_signatures): which staged
    images a newly added image could be a crop candidate of, without hashing every image again."""

    __tablename__ = "image_crop_regions"

    image_id: Mapped[int] = mapped_column(ForeignKey("images.id", ondelete="CASCADE"), primary_key=True)
    hashes: Mapped[bytes] = mapped_column(LargeBinary)
