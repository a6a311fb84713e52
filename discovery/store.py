"""The candidates table: one row per paper whatever form named it, and the maintainers' decisions.

``save_found`` is called once per found paper (by the discover spider's pipeline): a paper already
a candidate under any of its identifiers (DOI, PMID, PMCID, PII, URL) is completed and re-ranked,
never duplicated, and its decision is kept. Every write is one transaction of the caller.
"""

from __future__ import annotations

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from db.models import Candidate, utcnow
from ingest.identifiers import KINDS, PaperIds
from ingest.ranking import RankedPaper
from schema import IngestError

PENDING, ACCEPTED, REJECTED = "pending", "accepted", "rejected"
DECISIONS = (PENDING, ACCEPTED, REJECTED)


class CandidateError(IngestError, ValueError):
    """A candidate id or decision the user gave that cannot be used; the message says why."""


def find_candidate(session: Session, ids: PaperIds) -> Candidate | None:
    """The candidate sharing any identifier with ``ids`` (the lowest id when several do)."""
    clauses = [getattr(Candidate, kind) == value for kind in KINDS if (value := getattr(ids, kind))]
    if not clauses:
        return None
    return session.scalars(select(Candidate).where(or_(*clauses)).order_by(Candidate.id).limit(1)).first()


def save_found(session: Session, found: RankedPaper) -> tuple[Candidate, bool]:
    """Insert or complete the candidate of a found paper; returns it and whether it is new."""
    paper = found.paper
    candidate = find_candidate(session, paper.ids)
    created = candidate is None
    if candidate is None:
        candidate = Candidate(key=paper.ids.best, status=PENDING, found_by=[], pub_types=[], reasons=[])
        session.add(candidate)
    for kind in KINDS:
        if not getattr(candidate, kind) and getattr(paper.ids, kind):
            setattr(candidate, kind, getattr(paper.ids, kind))
    for name in ("title", "journal", "authors", "published", "license"):
        if getattr(paper, name) and not getattr(candidate, name):
            setattr(candidate, name, getattr(paper, name))
    if paper.open_access is not None:
        candidate.open_access = paper.open_access
    if paper.pub_types:
        candidate.pub_types = list(dict.fromkeys([*(candidate.pub_types or []), *paper.pub_types]))
    if paper.found_by not in (candidate.found_by or []):
        candidate.found_by = [*(candidate.found_by or []), paper.found_by]
    if found.figures is not None:
        candidate.figures = [f.__dict__ for f in found.figures]
    candidate.score = found.ranking.score
    candidate.reasons = found.ranking.reasons_json()
    if found.ranking.patients is not None:
        candidate.patients = found.ranking.patients
    session.flush()
    return candidate, created


def parse_candidate_id(text: str) -> int:
    try:
        value = int(str(text).strip())
    except ValueError:
        value = 0
    if value < 1:
        raise CandidateError(f"{text!r} is not a candidate id (a whole number, as `scrapy candidates list` shows)")
    return value


def decide(session: Session, ids: list[int], status: str, actor: str, reason: str | None) -> list[Candidate]:
    """Accept or reject candidates: all or none (an unknown id changes nothing)."""
    if status == REJECTED and not (reason or "").strip():
        raise CandidateError("reject needs --reason TEXT (it is shown to whoever meets the paper again)")
    candidates = [session.get(Candidate, i) for i in ids]
    missing = [str(i) for i, c in zip(ids, candidates) if c is None]
    if missing:
        raise CandidateError(f"no candidate {', '.join(missing)} (see `scrapy candidates list`)")
    for candidate in candidates:
        candidate.status, candidate.decided_by, candidate.decided_at = status, actor, utcnow()
        candidate.decision_reason = (reason or "").strip() or None
    session.flush()
    return candidates


def list_candidates(session: Session, status: str | None = None) -> list[Candidate]:
    query = select(Candidate).order_by(Candidate.score.desc(), Candidate.id)
    if status:
        query = query.where(Candidate.status == status)
    return list(session.scalars(query))


def paper_reference(candidate: Candidate) -> str:
    """What the publications spider is given for a candidate: PMCID (its open JATS and PMC page
    give the figures and patients best; the DOI is learnt from them), else DOI, else its URL."""
    if candidate.pmcid:
        return candidate.pmcid
    if candidate.doi:
        return candidate.doi
    if candidate.url:
        return "https://" + candidate.url
    return ""


def candidate_links(candidate: Candidate) -> list[tuple[str, str]]:
    """(label, URL) of the places a maintainer reads the paper."""
    links = []
    if candidate.doi:
        links.append(("DOI", f"https://doi.org/{candidate.doi}"))
    if candidate.pmcid:
        links.append(("PMC", f"https://pmc.ncbi.nlm.nih.gov/articles/{candidate.pmcid}/"))
    if candidate.pmid:
        links.append(("PubMed", f"https://pubmed.ncbi.nlm.nih.gov/{candidate.pmid}/"))
    if candidate.url and not links:
        links.append(("page", "https://" + candidate.url))
    return links
