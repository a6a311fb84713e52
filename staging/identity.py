"""Identity of cases across aliases: the staging layer's half of ``ingest/identity.py``.

Every name a source gives a document (rID, slug, case number, DOI, PMCID, URL forms) is stored in
``case_aliases`` with the natural key it resolves to; the first key a name was given keeps it, so
a case has one identity whatever alias reached it first. Released rows are linked to those keys
at import (``released_identities``, by url, DOI and credit line), and a key linked to a released
row is *released*: never staged again, whatever the entry point, the order or ``recrawl=yes``.

* ``load_index``: the aliases, staged and released keys of one source, for the crawl's skip logic
  (``middlewares.IncrementalMiddleware``, the publications spider).
* ``resolve_record``: inside the staging transaction, the key a parsed record resolves to (a
  paper's cases re-keyed onto the paper's first key), and whether it is released.
* ``remember``: the record's aliases, after staging.
* ``link_released_rows``: released rows added or changed by an import -> identities; staged cases
  of those identities are marked ``released`` (a case staged before the baseline import is not a
  new patient).
* ``mark_released``: the ``released`` review state, with its audit event (export and import).
* ``retire_other_reading``: a page staged whole and now read one case per person (or the reverse,
  or as fewer persons): the earlier readings' cases the page no longer has, not released, are
  retired (``duplicate``) in the staging transaction; one the page has again is restored.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine, delete, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from db.bulk import insert_tuples
from db.models import Case, CaseAlias, FieldValue, ReleasedIdentity, ReleasedRow, ReleaseItem, ReviewEvent, utcnow
from ingest.identity import SITES, released_row_aliases, site_identity
from schema import ReviewState
from staging.service import record_from_case

logger = logging.getLogger(__name__)

#: Who the audit trail names for a state set by an import or a crawl.
SYSTEM_ACTOR = "identity"


def _site(source: str):
    return site_identity(source)


# --- what a crawl already knows --------------------------------------------------------------------


@dataclass
class Known:
    """What the database knows of a document named by some aliases."""

    key: str
    released: bool
    staged: bool


@dataclass
class IdentityIndex:
    """Aliases, staged keys and released keys of one source, loaded once when a crawl opens."""

    source: str
    keys: dict[str, str] = field(default_factory=dict)
    staged: set[str] = field(default_factory=set)
    released: set[str] = field(default_factory=set)

    def find(self, aliases: Iterable[str], key: str | None = None) -> Known | None:
        """The known document any of ``aliases`` (or the natural ``key``) names, released first."""
        found = [self.keys[a] for a in aliases if a in self.keys]
        if key:
            found.append(key)
        for candidate in sorted(set(found), key=lambda k: (k not in self.released, k not in self.staged)):
            if candidate in self.released or candidate in self.staged:
                return Known(candidate, candidate in self.released, candidate in self.staged)
        return None


def load_index(session: Session, source: str) -> IdentityIndex:
    index = IdentityIndex(source)
    index.keys = dict(session.execute(select(CaseAlias.alias, CaseAlias.key).where(CaseAlias.source == source)).all())
    index.staged = {k for (k,) in session.execute(select(Case.identity_key).where(Case.source == source)) if k}
    index.released = set(session.scalars(
        select(ReleasedIdentity.key).join(ReleasedRow, ReleasedRow.id == ReleasedIdentity.released_row_id)
        .where(ReleasedIdentity.source == source, ReleasedRow.removed_import_id.is_(None))))
    return index


@dataclass
class LinkReport:
    rows: int = 0
    #: Cases found in the dataset and marked ``released`` (staged before the import, say).
    released_cases: int = 0


def prepare_identities(engine: Engine) -> tuple[int, LinkReport]:
    """Link released rows not linked yet and give cases staged before revision 0008 their identity.

    Safe to run from two processes at once: the loser of a race on a new alias rolls back and
    finds the work done by the winner. Returns the cases given an identity and what was linked.
    """
    from db.session import session_scope  # noqa: PLC0415

    for attempt in (1, 2):
        try:
            with session_scope(engine) as session:
                return backfill_case_identities(session), link_released_rows(session)
        except IntegrityError:
            if attempt == 2:
                raise
            logger.info("identities: another process linked them at the same time; looking again")
    return 0, LinkReport()  # pragma: no cover - the loop returns or raises


# --- staging ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Resolution:
    """The identity of a parsed record: its document key, the case's key, its aliases, released?"""

    key: str
    source_key: str
    aliases: tuple[str, ...]
    released: bool
    #: The keys the aliases already had when resolved (``remember`` of the same transaction needs
    #: them again: no second query).
    known: dict[str, str] = field(default_factory=dict, compare=False)


def _known_keys(session: Session, source: str, aliases: Iterable[str]) -> dict[str, str]:
    aliases = list(aliases)
    if not aliases:
        return {}
    return dict(session.execute(select(CaseAlias.alias, CaseAlias.key)
                                .where(CaseAlias.source == source, CaseAlias.alias.in_(aliases))).all())


def _released(source: str):
    """The identities of ``source`` in the released dataset (rows not removed by a later import)."""
    return (select(ReleasedIdentity.id).join(ReleasedRow, ReleasedRow.id == ReleasedIdentity.released_row_id)
            .where(ReleasedIdentity.source == source, ReleasedRow.removed_import_id.is_(None)))


def any_released(session: Session, source: str) -> bool:
    """Whether any identity of ``source`` is released (none: ``resolve_record`` need not ask per key)."""
    return session.scalar(_released(source).limit(1)) is not None


def is_released(session: Session, source: str, key: str) -> bool:
    return session.scalar(_released(source).where(ReleasedIdentity.key == key).limit(1)) is not None


def record_names(record: Any) -> list[str]:
    """The names a record carries besides its URL and DOI: how it was reached, its paper ids."""
    names = list(getattr(record, "aliases", None) or [])
    extra = getattr(record, "extra", None) or {}
    for name in ("pmcid", "pmid", "input"):
        if extra.get(name):
            names.append(str(extra[name]) if name != "pmid" else f"PMID: {extra[name]}")
    return names


def resolve_record(session: Session, record: Any, *, released_exist: bool = True) -> Resolution:
    """The identity of ``record`` (a CaseRecord): the first key any of its aliases was given, else
    the key its own names make (``ingest.identity``); a paper's case keeps its patient suffix.
    ``released_exist=False``: the caller found no released identity of the source in this
    transaction (``any_released``), so none is looked up per key."""
    site = _site(record.source)
    if site is None:
        return Resolution(record.source_key, record.source_key, (), False)
    aliases = tuple(site.record_aliases(record.source_key, record.url or "", record.doi or "", record_names(record)))
    known = _known_keys(session, record.source, aliases)
    # The record's own strongest name first (its rID, its DOI): aliases are listed in that order.
    key = next((known[a] for a in aliases if a in known), None) or site.document_key(aliases) or record.source_key
    source_key = site.rekey(record.source_key, key)
    released = released_exist and (is_released(session, record.source, key) or any(
        is_released(session, record.source, other) for other in set(known.values()) - {key}))
    return Resolution(key, source_key, aliases, released, known)


def page_case_keys(source: str, keys: Iterable[str], document_key: str) -> list[str]:
    """The keys the cases of one page are staged under, once the page is known as ``document_key``
    (a paper first staged under its PMCID keeps that key for every patient, whichever name came now)."""
    site = _site(source)
    return [site.rekey(key, document_key) if site is not None else key for key in keys]


def remember(session: Session, source: str, key: str, aliases: Iterable[str],
             known: dict[str, str] | None = None) -> int:
    """Store the aliases not known yet as names of ``key``; an alias keeps the first key it was given.
    ``known``: their keys as ``resolve_record`` found them in this transaction (no alias of the
    source stored since), else looked up."""
    aliases = list(dict.fromkeys(aliases))
    if known is None:
        known = _known_keys(session, source, aliases)
    else:
        known = {alias: known[alias] for alias in aliases if alias in known}
    for alias, other in known.items():
        if other != key:
            logger.info("identity: %s %s names %s already, not %s", source, alias, other, key)
    new = [{"source": source, "alias": alias, "key": key, "created_at": utcnow()}
           for alias in aliases if alias not in known]
    if new:
        session.execute(CaseAlias.__table__.insert(), new)
    return len(new)


def backfill_case_identities(session: Session) -> int:
    """Cases staged before revision 0008: their identity key and aliases, from what they hold."""
    cases = list(session.scalars(select(Case).where(Case.identity_key.is_(None), Case.source.in_(list(SITES)))))
    for case in cases:
        resolution = resolve_record(session, record_from_case(case))
        # The key its cases were staged under stays the paper's key (a paper keyed by its PMCID
        # before its DOI was known keeps it).
        case.identity_key = _site(case.source).key_of_case(case.source_key) or resolution.key
        remember(session, case.source, case.identity_key, resolution.aliases)
        session.flush()
    return len(cases)


# --- released rows ----------------------------------------------------------------------------------


def link_released_rows(session: Session, inserted_by: int | None = None) -> LinkReport:
    """Link the released rows not linked yet to the identities their url, DOI and credit name; mark
    the staged cases of those identities ``released``.

    ``inserted_by``: the import (in this transaction) whose new rows were inserted already marked
    linked; they are linked here with the others. Marking 100,000 just inserted rows afterwards
    (an UPDATE rewriting each row) took longer than inserting them.
    """
    cells = [ReleasedRow.typed[name].as_string() for name in ("url", "doi", "clinical_notes", "other_notes")]
    unlinked = ReleasedRow.identity_linked.is_(False) & ReleasedRow.removed_import_id.is_(None)
    if inserted_by is not None:
        unlinked = unlinked | (ReleasedRow.first_import_id == inserted_by)
    # in id order: the first key a name is given keeps it, and PostgreSQL's (parallel) scan of a big
    # table returned the rows in another order from one run to the next (aliases numbered differently)
    rows = session.execute(select(ReleasedRow.id, *cells, ReleasedRow.identity_linked).where(unlinked)
                           .order_by(ReleasedRow.id)).all()
    if not rows:
        return LinkReport()
    ranges = _id_ranges(row[0] for row in rows)
    for where in _in_ranges(ReleasedIdentity.released_row_id, ranges):
        session.execute(delete(ReleasedIdentity).where(where))
    keys = {source: dict(session.execute(select(CaseAlias.alias, CaseAlias.key)
                                         .where(CaseAlias.source == source)).all())
            for source in SITES}
    new_aliases: list[dict] = []
    links: set[tuple[int, str, str]] = set()
    # The documents a row's names belong to, by its (url, doi, clinical_notes, other_notes): once a
    # row's names were resolved, each is known (new ones given the key found), so a row naming the
    # same again resolves to the same documents and adds no alias.
    resolved: dict[tuple, list[tuple[str, str]]] = {}
    for row_id, *names, _linked in rows:
        names = tuple(names)
        documents = resolved.get(names)
        if documents is None:
            documents, final = _row_documents(*names, keys, new_aliases)
            if final:
                resolved[names] = documents
        links.update([(row_id, source, key) for source, key in documents])
    if new_aliases:
        session.execute(CaseAlias.__table__.insert(), new_aliases)
    insert_tuples(session, ReleasedIdentity, ("released_row_id", "source", "key"), sorted(links))
    for where in _in_ranges(ReleasedRow.id, _id_ranges(row[0] for row in rows if not row[-1])):
        session.execute(update(ReleasedRow).where(where).values(identity_linked=True))
    session.flush()
    return LinkReport(len(rows), mark_cases_in_dataset(session))


def _row_documents(url, doi, clinical_notes, other_notes, keys: dict[str, dict[str, str]],
                   new_aliases: list[dict]) -> tuple[list[tuple[str, str]], bool]:
    """The (source, key) of every document a released row's names belong to; its names not known
    yet are given their document's key (in ``keys`` and ``new_aliases``). Final unless a claim
    found no document: a later row may name one of its aliases."""
    documents: list[tuple[str, str]] = []
    final = True
    notes = f"{clinical_notes or ''}\n{other_notes or ''}"
    for claim in released_row_aliases(url or "", doi or "", notes):
        known = keys[claim.source]
        found = [known[a] for a in claim.aliases if a in known]
        key = found[0] if found else SITES[claim.source].document_key(claim.aliases)
        if key is None:
            final = False
            continue
        for alias in claim.aliases:
            if alias not in known:
                known[alias] = key
                new_aliases.append({"source": claim.source, "alias": alias, "key": key, "created_at": utcnow()})
        # Every document any of the row's names belongs to is released.
        documents.extend((claim.source, k) for k in {key, *found})
    return documents, final


def _id_ranges(ids: Iterable[int]) -> list[tuple[int, int]]:
    """Sorted ids as inclusive ``(first, last)`` runs: the rows of one import are mostly one run."""
    ranges: list[tuple[int, int]] = []
    for row_id in sorted(ids):
        if ranges and row_id == ranges[-1][1] + 1:
            ranges[-1] = (ranges[-1][0], row_id)
        else:
            ranges.append((row_id, row_id))
    return ranges


def _in_ranges(column, ranges: list[tuple[int, int]], per_statement: int = 500) -> Iterable:
    """Conditions selecting exactly the ids of ``ranges`` (a few hundred runs per statement), where
    ``IN`` lists of 100,000 ids cost SQLAlchemy more to build than the database to run."""
    for start in range(0, len(ranges), per_statement):
        chunk = ranges[start:start + per_statement]
        yield or_(*(column == first if first == last else column.between(first, last) for first, last in chunk))


def mark_cases_in_dataset(session: Session) -> int:
    """Cases whose identity is a released row's, not yet marked: ``released``, with the row named."""
    # Rows one of our exports wrote are the exported cases' own (marked by the export): another
    # patient of the same paper or page is not in the dataset because of them.
    ours = select(ReleaseItem.filename).where(ReleaseItem.image_id.is_not(None))
    found = session.execute(
        select(Case, ReleasedRow.filename, ReleasedRow.patientid)
        .join(ReleasedIdentity, (ReleasedIdentity.source == Case.source) & (ReleasedIdentity.key == Case.identity_key))
        .join(ReleasedRow, ReleasedRow.id == ReleasedIdentity.released_row_id)
        .where(ReleasedRow.removed_import_id.is_(None), Case.review_state != ReviewState.RELEASED,
               ReleasedRow.filename.not_in(ours))
        .order_by(Case.id, ReleasedRow.position)).all()
    marked: set[int] = set()
    for case, filename, patientid in found:
        if case.id in marked:
            continue
        marked.add(case.id)
        mark_released(session, case, SYSTEM_ACTOR,
                      f"already in the released dataset: patient {patientid}, {filename} (found by the import)",
                      {"released_filename": filename, "released_patientid": patientid})
    return len(marked)


def mark_released(session: Session, case: Case, actor: str, reason: str, details: dict | None = None) -> None:
    """Put ``case`` in the ``released`` state and record it in its history."""
    before = case.review_state
    if before == ReviewState.RELEASED:
        return
    case.review_state = ReviewState.RELEASED
    session.add(ReviewEvent(case_id=case.id, actor=actor, at=utcnow(), action="released",
                            before={"state": before}, after={"state": ReviewState.RELEASED, **(details or {})},
                            reason=reason))


# --- a page read whole, then person by person (or the reverse) ----------------------------------------

#: The keys a reviewer's manual split gives (review/actions.py ``split_case``): never retired by a crawl.
_MANUAL_SPLIT = "#patient-"
#: Actors whose review events are not a reviewer's work.
_NOT_REVIEWERS = frozenset({SYSTEM_ACTOR, "crawler", "export", "import"})


def retire_other_reading(session: Session, case: Case, page_keys: Iterable[str] = ()) -> list[Case]:
    """``case`` was just staged (or found unchanged) from a page read as ``page_keys`` (its cases'
    keys in the page's order; none for a page read as one case). Every case of the page's earlier
    readings the page no longer has (the whole case when it is read person by person, the persons'
    cases when it is read whole, a person gone when it is read as fewer persons) and not released
    is retired in this transaction: state ``duplicate`` of the page's first case as read now
    (``duplicate_of_case_id``), a reason naming the page and its cases as read now, an audit event.
    ``case`` itself, retired by an earlier reading, is the page's again (its state before). A
    person's case is linked ``split_from_case_id`` to the whole one. Nothing is deleted (a retired
    case keeps its images, values and history); a released case is left as it is, named in
    ``case``'s warnings, as is a reviewer's work on a retired case; a reviewer's own split
    (``#patient-<n>``) is never retired. Returns the cases retired now."""
    keys = _page_reading(case, page_keys)
    if not keys:
        return []
    earlier = list(session.scalars(_earlier_readings(case, keys)))
    # a whole case is the page's again when the page has other readings staged (a paper's whole case
    # beside its patients' cases, which are not a page's persons, stays as it is)
    if earlier or case.source_key.startswith(f"{case.identity_key}-"):
        _restore(session, case, keys)
    retired = []
    target = None
    for old in earlier:
        if old.source_key == case.identity_key:
            case.split_from_case_id = old.id
        _warn_of_earlier_case(session, case, old, keys)
        if old.review_state in (ReviewState.RELEASED, ReviewState.DUPLICATE):
            continue
        target = target or _first_case(session, case, keys)
        _retire(session, old, target, keys)
        retired.append(old)
    return retired


def _page_reading(case: Case, page_keys: Iterable[str]) -> list[str]:
    """The keys of the page's cases as read now, in the page's order ([] when they are not known:
    a case without identity, a reviewer's split, a person's case without its page's keys)."""
    keys = list(dict.fromkeys([*page_keys, case.source_key]))
    if not case.identity_key or _MANUAL_SPLIT in case.source_key:
        return []
    if case.source_key != case.identity_key and len(keys) < 2:
        return []
    return keys


def _earlier_readings(case: Case, keys: list[str]):
    """The page's own cases (its identity key, ``<key>-p<n>``, ``<key>-n<k>``) not among ``keys``,
    a reviewer's splits left out (a paper's other cases, ``<key>#patient<n>``, are not a page's)."""
    key = case.identity_key
    return (select(Case).where(Case.source == case.source, Case.identity_key == key, Case.source_key.not_in(keys),
                               or_(Case.source_key == key, Case.source_key.startswith(f"{key}-", autoescape=True)),
                               Case.source_key.not_like(f"%{_MANUAL_SPLIT}%"))
            .order_by(Case.id))


def _first_case(session: Session, case: Case, keys: list[str]) -> Case:
    """The page's first case as read now that is staged and not retired (``case`` when none is)."""
    staged = {c.source_key: c for c in session.scalars(
        select(Case).where(Case.source == case.source, Case.identity_key == case.identity_key,
                           Case.source_key.in_(keys)))}
    staged[case.source_key] = case
    return next(staged[k] for k in keys if k in staged
                and (staged[k] is case or staged[k].review_state != ReviewState.DUPLICATE))


def _warn_of_earlier_case(session: Session, case: Case, old: Case, keys: list[str]) -> None:
    """Name on ``case`` what a crawl must not change by itself: a reviewer's work on ``old``, and
    ``old`` released though the page no longer has it."""
    work = _reviewer_work(session, old)
    warnings = [f"staged earlier as case {old.id} ({old.source_key}), which a reviewer {work}: "
                "carry that review over by hand"] if work else []
    if old.review_state == ReviewState.RELEASED and old.source_key not in keys:
        warnings.append(f"case {old.id} ({old.source_key}) of this page is released and not among the page's "
                        f"cases as read now ({', '.join(keys)}): left as it is; check its released rows by hand")
    new = [w for w in warnings if w not in (case.warnings or [])]
    if new:
        case.warnings = [*(case.warnings or []), *new]


def _retire(session: Session, old: Case, case: Case, keys: list[str]) -> None:
    reading = "as one case" if keys == [old.identity_key] else "one case per person"
    page = case.canonical_url or old.canonical_url or old.identity_key
    reason = (f"the page {page} is now read {reading}: {', '.join(keys)} (re-crawl); this case is retired, "
              "kept as it was")
    before = {"state": old.review_state, "reason": old.review_reason, "duplicate_of_case_id": old.duplicate_of_case_id}
    old.review_state = ReviewState.DUPLICATE
    old.review_reason = reason
    old.duplicate_of_case_id = case.id
    old.warning_codes = None  # recomputed
    session.add(ReviewEvent(case_id=old.id, actor=SYSTEM_ACTOR, at=utcnow(), action="duplicate", before=before,
                            after={"state": ReviewState.DUPLICATE, "reason": reason, "duplicate_of_case_id": case.id,
                                   "page_cases": keys}, reason=reason))


def _retirement(session: Session, case: Case) -> ReviewEvent | None:
    """The event that retired ``case`` for another reading of its page, if that is its state now (a
    source change the crawl recorded since does not change a retired case's state)."""
    if case.review_state != ReviewState.DUPLICATE:
        return None
    last = session.scalars(select(ReviewEvent).where(ReviewEvent.case_id == case.id,
                                                     ~((ReviewEvent.actor == "crawler")
                                                       & (ReviewEvent.action == "source_changed")))
                           .order_by(ReviewEvent.id.desc()).limit(1)).first()
    return last if last is not None and last.actor == SYSTEM_ACTOR and last.action == "duplicate" else None


def retired_keys(session: Session, source: str) -> set[str]:
    """The keys of ``source``'s cases retired for another reading of their page, still so."""
    return {case.source_key for case in session.scalars(
        select(Case).where(Case.source == source, Case.review_state == ReviewState.DUPLICATE))
        if _retirement(session, case) is not None}


def _restore(session: Session, case: Case, keys: list[str]) -> None:
    """``case``, retired when its page was read the other way, is the page's reading again (the page
    read whole, split, then whole): its state before the retirement back, with an audit event."""
    retired = _retirement(session, case)
    if retired is None:
        return
    before = retired.before or {}
    reason = f"the page is read this way again: {', '.join(keys)} (re-crawl)"
    case.review_state = before.get("state") or ReviewState.STAGED
    case.review_reason = before.get("reason")
    case.duplicate_of_case_id = before.get("duplicate_of_case_id")
    case.warning_codes = None
    session.add(ReviewEvent(case_id=case.id, actor=SYSTEM_ACTOR, at=utcnow(), action="reopen",
                            before={"state": ReviewState.DUPLICATE}, after={"state": case.review_state},
                            reason=reason))


def _reviewer_work(session: Session, case: Case) -> str:
    """What a reviewer did on ``case`` ("approved it; set 2 values; ..."), empty when nothing."""
    done = []
    state = case.review_state
    retired = _retirement(session, case)
    if retired is not None:  # retired by an earlier person's staging: the state it had then
        state = (retired.before or {}).get("state", state)
    if state not in (ReviewState.STAGED, ReviewState.RELEASED):
        done.append(f"marked {state}")
    overrides = session.scalar(select(func.count(FieldValue.id)).where(FieldValue.case_id == case.id,
                                                                       FieldValue.override.is_not(None))) or 0
    if overrides:
        done.append(f"set {overrides} value(s)")
    events = session.scalar(select(func.count(ReviewEvent.id)).where(ReviewEvent.case_id == case.id,
                                                                     ReviewEvent.actor.not_in(_NOT_REVIEWERS))) or 0
    if events:
        done.append(f"recorded {events} review event(s)")
    return "; ".join(done)


__all__ = ["IdentityIndex", "Known", "LinkReport", "Resolution", "backfill_case_identities", "is_released",
           "link_released_rows", "load_index", "mark_cases_in_dataset", "mark_released", "prepare_identities",
           "record_names", "remember", "resolve_record", "retire_other_reading", "retired_keys"]
