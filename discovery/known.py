""""Already have it?": a paper's identifiers -> new | released | staged | rejected, with the detail.

Answered from the database only, at the time of asking: the released rows (their ``doi`` and
``url`` cells, every identifier they name: ``ingest.identifiers.ids_of_released_row``), the staged
cases (DOI, canonical URL, PMCID/PMID kept in ``extra``) and the decisions (a candidate or a case
rejected, by whom, when, why). Released wins over staged, staged over rejected: a paper the
dataset has is never offered as new.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import Candidate, Case, ReleasedRow, ReviewEvent
from ingest.identifiers import PaperIds, ids_of_released_row, paper_ids

NEW, RELEASED, STAGED, REJECTED = "new", "released", "staged", "rejected"


@dataclass(frozen=True)
class ReleasedRowRef:
    patientid: str
    filename: str
    row: int  # 1-based data row of metadata.csv


@dataclass(frozen=True)
class StagedCaseRef:
    case_id: int
    source_key: str
    state: str


@dataclass(frozen=True)
class Rejection:
    what: str  # "candidate 12" or "case 40"
    by: str
    at: datetime | None
    why: str


@dataclass
class Answer:
    status: str
    released: list[ReleasedRowRef] = field(default_factory=list)
    staged: list[StagedCaseRef] = field(default_factory=list)
    rejections: list[Rejection] = field(default_factory=list)

    @property
    def detail(self) -> str:
        if self.status == RELEASED:
            ids = sorted({r.patientid for r in self.released}, key=lambda p: (len(p), p))
            return (f"patientid {', '.join(ids)}; rows {', '.join(str(r.row) for r in self.released)} "
                    f"({', '.join(r.filename for r in self.released)})")
        if self.status == STAGED:
            return "cases " + ", ".join(f"{c.case_id} ({c.state}, {c.source_key})" for c in self.staged)
        if self.status == REJECTED:
            return "; ".join(f"{r.what} rejected {r.at:%Y-%m-%d %H:%M} UTC by {r.by}: {r.why}" if r.at else
                             f"{r.what} rejected by {r.by}: {r.why}" for r in self.rejections)
        return "not in the released dataset, the staged cases or the earlier decisions"

    def as_json(self) -> dict:
        return {"answer": self.status, "detail": self.detail,
                "released": [r.__dict__ for r in self.released],
                "staged": [c.__dict__ for c in self.staged],
                "rejected": [{"what": r.what, "by": r.by, "at": r.at.isoformat() if r.at else None, "why": r.why}
                             for r in self.rejections]}


def _case_keys(case_doi: str | None, url: str | None, extra: dict | None) -> set[str]:
    keys = paper_ids(case_doi).keys() if case_doi else set()
    keys |= paper_ids(url).keys() if url else set()
    extra = extra if isinstance(extra, dict) else {}
    keys |= PaperIds(pmcid=str(extra.get("pmcid") or "").upper(), pmid=str(extra.get("pmid") or "")).keys()
    return keys


class KnownPapers:
    """An index of everything the dataset and the staging database know, by identifier key."""

    def __init__(self, session: Session):
        self.released: dict[str, list[ReleasedRowRef]] = defaultdict(list)
        self.staged: dict[str, list[StagedCaseRef]] = defaultdict(list)
        self.rejected: dict[str, list[Rejection]] = defaultdict(list)
        #: How many released rows and cases are known by a PMID, PMCID or PII but by no DOI: while
        #: there are any, a DOI alone cannot prove a paper new (its other forms must be looked up).
        self.without_doi = 0
        self._load_released(session)
        self._load_cases(session)
        self._load_candidates(session)

    def _load_released(self, session: Session) -> None:
        rows = session.execute(select(ReleasedRow.patientid, ReleasedRow.filename, ReleasedRow.position,
                                      ReleasedRow.typed)
                               .where(ReleasedRow.removed_import_id.is_(None)).order_by(ReleasedRow.position))
        for patientid, filename, position, typed in rows:
            typed = typed or {}
            ref = ReleasedRowRef(patientid, filename, (position or 0) + 1)
            keys = ids_of_released_row(str(typed.get("doi") or ""), str(typed.get("url") or ""))
            self._count_without_doi(keys)
            for key in keys:
                self.released[key].append(ref)

    def _load_cases(self, session: Session) -> None:
        reasons = {case_id: (actor, at, reason) for case_id, actor, at, reason in session.execute(
            select(ReviewEvent.case_id, ReviewEvent.actor, ReviewEvent.at, ReviewEvent.reason)
            .where(ReviewEvent.action == "reject").order_by(ReviewEvent.at))}
        for case_id, key, doi, url, extra, state, reason in session.execute(
                select(Case.id, Case.source_key, Case.doi, Case.canonical_url, Case.extra, Case.review_state,
                       Case.review_reason)):
            keys = _case_keys(doi, url, extra)
            self._count_without_doi(keys)
            for k in keys:
                if state == "rejected":
                    by, at, why = reasons.get(case_id, ("?", None, reason or ""))
                    self.rejected[k].append(Rejection(f"case {case_id}", by, at, why or reason or "no reason given"))
                elif state == "released":
                    continue  # a released case is answered by its released rows
                else:
                    self.staged[k].append(StagedCaseRef(case_id, key, state))

    def _count_without_doi(self, keys: set[str]) -> None:
        kinds = {k.split(":", 1)[0] for k in keys}
        if "doi" not in kinds and kinds & {"pmid", "pmcid", "pii"}:
            self.without_doi += 1

    def _load_candidates(self, session: Session) -> None:
        for c in session.scalars(select(Candidate).where(Candidate.status == "rejected")):
            rejection = Rejection(f"candidate {c.id}", c.decided_by or "?", c.decided_at,
                                  c.decision_reason or "no reason given")
            for k in candidate_ids(c).keys():  # noqa: SIM118 - PaperIds has keys(), it is not iterable
                self.rejected[k].append(rejection)

    def answer(self, ids: PaperIds) -> Answer:
        keys = sorted(ids.keys())
        released = _unique(r for k in keys for r in self.released.get(k, []))
        if released:
            return Answer(RELEASED, released=sorted(released, key=lambda r: r.row))
        staged = _unique(c for k in keys for c in self.staged.get(k, []))
        if staged:
            return Answer(STAGED, staged=sorted(staged, key=lambda c: c.case_id))
        rejections = _unique(r for k in keys for r in self.rejected.get(k, []))
        if rejections:
            return Answer(REJECTED, rejections=rejections)
        return Answer(NEW)


def _unique(items) -> list:
    return list(dict.fromkeys(items))


def candidate_ids(candidate: Candidate) -> PaperIds:
    return PaperIds(doi=candidate.doi or "", pmid=candidate.pmid or "", pmcid=candidate.pmcid or "",
                    pii=candidate.pii or "", url=candidate.url or "")
