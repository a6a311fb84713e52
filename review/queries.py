"""Read side of the review: the queue with its filters, one case with evidence, warnings, history."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from db.models import Case, FieldValue, Image, Release, ReleasedFile, ReleasedRow, ReleaseItem
from review import actions
from review.history import HistoryEntry
from review.history import timeline as history_timeline
from review.rules import CASE_FIELDS, ReviewError, choices, suggestions
from review.warning_store import stored_warnings
from review.warnings import LABELS, refresh_missing_warnings
from schema import FINDING_PATHS, FINDING_PLACEHOLDERS, IMAGE_FIELDS, REVIEW_STATES, ReviewState
from staging.service import case_timeline

SORTS = {
    "id": Case.id,
    "created": Case.created_at,
    "updated": Case.updated_at,
    "title": Case.title,
    "source": Case.source,
    "state": Case.review_state,
}
PER_PAGE_CHOICES = (25, 50, 100, 200)
NO_FINDING = "(none)"
#: What a reviewer decides on first: shown at the top of the case page.
DECISION_FIELDS = ("age", "sex", "finding", "license")
FINDING_FILTERS: tuple[str, ...] = (NO_FINDING,) + FINDING_PLACEHOLDERS + FINDING_PATHS


@dataclass
class QueueFilter:
    state: str | None = None
    source: str | None = None
    finding: str | None = None
    warning: str | None = None
    q: str | None = None
    sort: str = "id"
    desc: bool = False
    page: int = 1
    per_page: int = 50

    @classmethod
    def parse(cls, args) -> QueueFilter:
        """From request or command-line arguments; an unknown value is an error, not ignored."""
        def get(name):
            value = args.get(name)
            return value.strip() if isinstance(value, str) and value.strip() else None

        f = cls(state=get("state"), source=get("source"), finding=get("finding"), warning=get("warning"), q=get("q"))
        if f.state and f.state not in REVIEW_STATES:
            raise ReviewError(f"unknown state {f.state!r}; states: {', '.join(REVIEW_STATES)}")
        if f.finding and f.finding not in FINDING_FILTERS:
            raise ReviewError(f"unknown finding {f.finding!r}")
        if f.warning and f.warning not in LABELS:
            raise ReviewError(f"unknown warning {f.warning!r}; warnings: {', '.join(LABELS)}")
        if f.source and len(f.source) > 40:
            raise ReviewError("source name too long")
        if f.q and len(f.q) > 200:
            raise ReviewError("search text too long")
        sort = get("sort") or "id"
        if sort.startswith("-"):
            f.desc, sort = True, sort[1:]
        if sort not in SORTS:
            raise ReviewError(f"unknown sort {sort!r}; sorts: {', '.join(SORTS)}")
        f.sort = sort
        try:
            f.page = int(get("page") or 1)
            f.per_page = int(get("per_page") or 50)
        except ValueError:
            raise ReviewError("page and per_page must be numbers") from None
        if f.page < 1 or f.page > 1_000_000:
            raise ReviewError("page out of range")
        if f.per_page not in PER_PAGE_CHOICES:
            raise ReviewError(f"per_page must be one of {', '.join(map(str, PER_PAGE_CHOICES))}")
        return f

    def args(self, **changes) -> dict:
        """Query-string arguments of this filter (with changes), defaults left out."""
        values = {"state": self.state, "source": self.source, "finding": self.finding, "warning": self.warning,
                  "q": self.q, "sort": ("-" if self.desc else "") + self.sort, "page": self.page,
                  "per_page": self.per_page}
        values.update(changes)
        defaults = {"sort": "id", "page": 1, "per_page": 50}
        return {k: v for k, v in values.items() if v not in (None, "") and defaults.get(k) != v}


def _effective(field: str):
    """The value of a case-level field in effect (the reviewer's, else the normalizer's)."""
    return (select(func.coalesce(FieldValue.override, FieldValue.value))
            .where(FieldValue.case_id == Case.id, FieldValue.field == field, FieldValue.image_id.is_(None))
            .correlate(Case).scalar_subquery())


def _effective_finding():
    return _effective("finding")


def _where(f: QueueFilter, with_state: bool = True) -> list:
    conditions = []
    if with_state and f.state:
        conditions.append(Case.review_state == f.state)
    if f.source:
        conditions.append(Case.source == f.source)
    if f.warning:
        conditions.append(Case.warning_codes.like(f"%,{f.warning},%"))
    if f.q:
        pattern = "%" + f.q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        # ilike: SQLite's LIKE ignores case, PostgreSQL's does not; the search ignores it on both.
        conditions.append(or_(Case.title.ilike(pattern, escape="\\"), Case.canonical_url.ilike(pattern, escape="\\"),
                              Case.source_key.ilike(pattern, escape="\\")))
    if f.finding:
        effective = func.coalesce(FieldValue.override, FieldValue.value)
        base = select(FieldValue.case_id).where(FieldValue.field == "finding", FieldValue.image_id.is_(None))
        if f.finding == NO_FINDING:
            conditions.append(Case.id.not_in(base.where(effective.is_not(None), effective != "")))
        elif f.finding in FINDING_PLACEHOLDERS:
            conditions.append(Case.id.in_(base.where(effective == f.finding)))
        else:
            # A prefix compared exactly (SQLite's LIKE would ignore case, PostgreSQL's would not).
            prefix = f.finding + "/"
            conditions.append(Case.id.in_(base.where(
                or_(effective == f.finding, func.substr(effective, 1, len(prefix)) == prefix))))
    return conditions


@dataclass
class QueueRow:
    id: int
    source: str
    state: str
    title: str | None
    url: str
    finding: str | None
    thumbnail: str | None
    images: int
    warnings: list[str]
    created_at: object
    age: str | None = None
    sex: str | None = None
    license: str | None = None


@dataclass
class QueuePage:
    filter: QueueFilter
    rows: list[QueueRow]
    total: int
    counts: dict[str, int]
    sources: list[str]
    pages: int = field(default=1)


def state_counts(session: Session, f: QueueFilter | None = None) -> dict[str, int]:
    query = select(Case.review_state, func.count(Case.id)).group_by(Case.review_state)
    for condition in _where(f, with_state=False) if f else []:
        query = query.where(condition)
    counts = dict.fromkeys(REVIEW_STATES, 0)
    counts.update({state: n for state, n in session.execute(query)})
    return counts


def list_cases(session: Session, f: QueueFilter, limit: int | None = None, offset: int = 0) -> list[QueueRow]:
    order = SORTS[f.sort]
    order = (order.desc(), Case.id.desc()) if f.desc else (order.asc(), Case.id.asc())
    query = (select(Case.id, Case.source, Case.review_state, Case.title, Case.canonical_url, Case.warning_codes,
                    Case.created_at, _effective_finding().label("finding"), _effective("age").label("age"),
                    _effective("sex").label("sex"),
                    func.coalesce(_effective("license"), Case.license).label("license"))
             .where(*_where(f)).order_by(*order).offset(offset))
    if limit is not None:
        query = query.limit(limit)
    rows = session.execute(query).all()
    ids = [r.id for r in rows]
    thumbs: dict[int, str] = {}
    counts: dict[int, int] = {}
    if ids:
        for case_id, sha, included in session.execute(
                select(Image.case_id, Image.sha256, Image.included).where(Image.case_id.in_(ids))
                .order_by(Image.case_id, Image.position, Image.id)):
            counts[case_id] = counts.get(case_id, 0) + 1
            if sha and included and case_id not in thumbs:
                thumbs[case_id] = sha
    return [QueueRow(r.id, r.source, r.review_state, r.title, r.canonical_url, r.finding, thumbs.get(r.id),
                     counts.get(r.id, 0), [c for c in (r.warning_codes or "").split(",") if c], r.created_at,
                     r.age, r.sex, r.license)
            for r in rows]


def queue(session: Session, f: QueueFilter) -> QueuePage:
    refresh_missing_warnings(session)
    total = session.scalar(select(func.count(Case.id)).where(*_where(f))) or 0
    rows = list_cases(session, f, limit=f.per_page, offset=(f.page - 1) * f.per_page)
    sources = list(session.scalars(select(Case.source).distinct().order_by(Case.source)))
    pages = max(1, -(-total // f.per_page))
    return QueuePage(f, rows, total, state_counts(session, f), sources, pages)


def neighbours(session: Session, f: QueueFilter, case: Case) -> tuple[int | None, int | None]:
    """The previous and next case of the queue (same filters and order) around ``case``."""
    return _step(session, f, case, _where(f), False), _step(session, f, case, _where(f), True)


def next_unreviewed(session: Session, f: QueueFilter, case: Case) -> int | None:
    """The next case that still needs a decision (staged), in the queue's order and with its other
    filters, after ``case`` and then from the top; None when every such case is decided."""
    conditions = [*_where(f, with_state=False), Case.review_state == ReviewState.STAGED, Case.id != case.id]
    after = _step(session, f, case, conditions, True)
    if after is not None:
        return after
    column = SORTS[f.sort]
    order = (column.desc(), Case.id.desc()) if f.desc else (column.asc(), Case.id.asc())
    return session.scalar(select(Case.id).where(*conditions).order_by(*order).limit(1))


def _step(session: Session, f: QueueFilter, case: Case, conditions: list, forward: bool) -> int | None:
    """The first case matching ``conditions`` before or after ``case`` in the filter's order."""
    column = SORTS[f.sort]
    value = session.scalar(select(column).where(Case.id == case.id))
    ahead = forward != f.desc
    if value is None:
        cmp = and_(column.is_(None), Case.id > case.id if ahead else Case.id < case.id)
        cmp = or_(cmp, column.is_not(None)) if ahead else cmp
    else:
        cmp = or_(column > value if ahead else column < value,
                  and_(column == value, Case.id > case.id if ahead else Case.id < case.id))
        if not ahead:
            cmp = or_(cmp, column.is_(None))
    order = (column.asc(), Case.id.asc()) if ahead else (column.desc(), Case.id.desc())
    return session.scalar(select(Case.id).where(*conditions, cmp).order_by(*order).limit(1))


# --- one case ------------------------------------------------------------------------------------


@dataclass
class FieldRow:
    field: str
    image_id: int | None
    effective: str | None
    value: str | None
    raw: str | None
    rule: str | None
    evidence: str | None
    reason: str | None
    override: str | None
    override_by: str | None
    override_at: object
    choices: tuple[str, ...] | None
    suggestions: tuple[str, ...]
    marker: int | None = None


@dataclass
class TextBlock:
    title: str
    segments: list[tuple[str, list[str]]]  # (text, fields whose evidence it is)


@dataclass
class CaseView:
    case: Case
    images: list[Image]
    case_fields: list[FieldRow]
    image_fields: dict[int, list[FieldRow]]
    texts: list[TextBlock]
    warnings: list[dict]
    staging_warnings: list[str]
    duplicate_images: dict[str, dict]  # sha256 -> what it is (for the side-by-side view)
    events: list
    duplicate_of_row: ReleasedRow | None
    split_cases: list[tuple[int, str]]
    history: list[HistoryEntry] = field(default_factory=list)
    #: the release names this case's images went out in (the "already released" badge)
    released_in: list[str] = field(default_factory=list)

    @property
    def decisions(self) -> list[FieldRow]:
        """The fields a reviewer decides on first (the top of the page)."""
        by_name = {fr.field: fr for fr in self.case_fields}
        return [by_name[name] for name in DECISION_FIELDS if name in by_name]

    @property
    def blocking(self) -> list[dict]:
        return [w for w in self.warnings if w["blocking"] and not w["resolved"]]

    @property
    def notes(self) -> list[dict]:
        """Warnings that do not stop an approval (and resolved ones)."""
        return [w for w in self.warnings if not w["blocking"] or w["resolved"]]
    #: The case's timeline (``ingest.timeline.Timeline``): anchor and each image's moment and day.
    timeline: object = None


def _field_rows(values: list[FieldValue], names: tuple[str, ...], image_id: int | None) -> list[FieldRow]:
    by_field = {fv.field: fv for fv in values}
    rows = []
    for name in names:
        fv = by_field.get(name)
        rows.append(FieldRow(name, image_id, fv.effective if fv else None, fv.value if fv else None,
                             fv.raw if fv else None,
                             (f"{fv.rule} v{fv.rule_version}" if fv and fv.rule and fv.rule_version
                              else fv.rule if fv else None),
                             fv.evidence if fv else None, fv.reason if fv else None, fv.override if fv else None,
                             fv.override_by if fv else None, fv.override_at if fv else None, choices(name),
                             suggestions(name)))
    return rows


def _span_pattern(span: str) -> re.Pattern:
    """``span`` as a case-insensitive pattern that matches whole tokens only: an edge that is a
    letter or digit must not touch another letter or digit ("pa" is not found in "opacities")."""
    body = re.escape(span)
    start = r"(?<![^\W_])" if span[0].isalnum() else ""
    end = r"(?![^\W_])" if span[-1].isalnum() else ""
    return re.compile(start + body + end, re.IGNORECASE)


def highlight(text: str, evidence: dict[str, list[str]]) -> list[tuple[str, list[str]]]:
    """Split ``text`` into segments, each with the fields whose evidence covers it (case-insensitive,
    whole tokens only)."""
    if not text:
        return []
    cover: list[set[str]] = [set() for _ in text]
    for name, spans in evidence.items():
        # an offset's evidence is the timeline's anchor and the image's event, joined by " … "
        for span in dict.fromkeys(part.strip() for joined in spans for part in joined.split(" … ")):
            if len(span) < 2:
                continue
            for m in _span_pattern(span).finditer(text):
                for i in range(m.start(), m.end()):
                    cover[i].add(name)
    segments: list[tuple[str, list[str]]] = []
    start = 0
    for i in range(1, len(text) + 1):
        if i == len(text) or cover[i] != cover[start]:
            segments.append((text[start:i], sorted(cover[start])))
            start = i
    return segments


def case_view(session: Session, case_id) -> CaseView:
    case = actions.get_case(session, case_id)
    images = list(session.scalars(select(Image).where(Image.case_id == case.id).order_by(Image.position, Image.id)))
    values = list(session.scalars(select(FieldValue).where(FieldValue.case_id == case.id)))
    case_values = [fv for fv in values if fv.image_id is None]
    case_fields = _field_rows(case_values, CASE_FIELDS, None)
    image_fields = {img.id: _field_rows([fv for fv in values if fv.image_id == img.id], IMAGE_FIELDS, img.id)
                    for img in images}
    evidence: dict[str, list[str]] = {}
    for fv in values:
        if fv.evidence and fv.rule != "text.copy":
            evidence.setdefault(fv.field, []).append(fv.evidence)
    texts = []
    for title, text in (("History", case.history), ("Findings", case.findings), ("Diagnosis", case.diagnosis),
                        ("Discussion", case.discussion), ("Age", case.age_text), ("Sex", case.sex_text),
                        ("License", case.license_raw), ("Credit", case.credit)):
        if text:
            texts.append(TextBlock(title, highlight(text, evidence)))
    for img in images:
        for title, text in ((f"Caption of image {img.id}", img.caption),
                            (f"View text of image {img.id}", img.view_text),
                            (f"Date text of image {img.id}", img.date_text)):
            if text:
                texts.append(TextBlock(title, highlight(text, evidence)))
    warnings = stored_warnings(session, case)
    duplicate_images: dict[str, dict] = {}
    for w in warnings:
        for c in w.get("candidates", ()):
            if c["sha256"]:
                duplicate_images[c["sha256"]] = c
    staging = [w if isinstance(w, str) else actions.to_json(w) for w in (case.warnings or [])]
    row = session.get(ReleasedRow, case.duplicate_of_released_row_id) if case.duplicate_of_released_row_id else None
    splits = [(c.id, c.title or "")
              for c in session.scalars(select(Case).where(Case.split_from_case_id == case.id).order_by(Case.id))]
    events = actions.events(session, case.id)
    return CaseView(case, images, case_fields, image_fields, texts, warnings, staging, duplicate_images,
                    events, row, splits, history=history_timeline(events),
                    released_in=released_in(session, [img.id for img in images]),
                    timeline=case_timeline(case))


def released_in(session: Session, image_ids: list[int]) -> list[str]:
    """Names of the releases (previews are never recorded) that hold any of these images."""
    if not image_ids:
        return []
    return list(session.scalars(select(Release.name).join(ReleaseItem, ReleaseItem.release_id == Release.id)
                                .where(ReleaseItem.image_id.in_(image_ids)).group_by(Release.id, Release.name)
                                .order_by(Release.id)))


def media_format(session: Session, sha256: str) -> str | None:
    """The format of a file of the media store that is an image of a case or of the release, else None.

    Only those are ever served: raw pages and other bodies in the store are not.
    """
    fmt = session.scalar(select(Image.format).where(Image.sha256 == sha256).limit(1))
    if fmt is None:
        fmt = session.scalar(select(ReleasedFile.format).where(ReleasedFile.sha256 == sha256).limit(1))
    return fmt
