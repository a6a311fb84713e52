"""The Candidates tab of the review page: papers discovery found, best first, with the reasons of
their score, the answer to "already have it?", links to read them, and accept / reject.

A blueprint of its own (``/candidates``) so the review app only registers it; the app's guard
(token, Host, CSRF on every POST) applies to it as to every page. Decisions are those of
``scrapy candidates accept|reject`` (``discovery.store.decide``), recorded with the reviewer.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import Blueprint, flash, redirect, render_template, request, url_for

from db.models import Candidate
from db.session import session_scope
from discovery.known import NEW, Answer, KnownPapers, candidate_ids
from discovery.store import ACCEPTED, DECISIONS, REJECTED, CandidateError, candidate_links, decide, list_candidates
from review.services import services

#: Sort keys of the table: name -> (value of a row, descending by default).
SORTS = {"score": (lambda r: r.candidate.score, True), "published": (lambda r: r.candidate.published or "", True),
         "title": (lambda r: (r.candidate.title or "").lower(), False), "id": (lambda r: r.candidate.id, False)}

bp = Blueprint("candidates", __name__)


@dataclass
class CandidateRow:
    candidate: Candidate
    answer: Answer
    links: list[tuple[str, str]]


def _rows(session, status: str | None, show_all: bool) -> list[CandidateRow]:
    known = KnownPapers(session)
    rows = []
    for c in list_candidates(session, status):
        answer = known.answer(candidate_ids(c))
        if show_all or answer.status == NEW or c.status == REJECTED:
            rows.append(CandidateRow(c, answer, candidate_links(c)))
    return rows


@bp.get("/candidates")
def candidates_page():
    sort = request.args.get("sort", "score")
    if sort.lstrip("-") not in SORTS:
        sort = "score"
    key, descending = SORTS[sort.lstrip("-")]
    descending = not descending if sort.startswith("-") else descending
    status = request.args.get("status") if request.args.get("status") in DECISIONS else None
    show_all = request.args.get("all") == "1"
    with session_scope(services().engine) as session:
        rows = sorted(_rows(session, status, show_all), key=key, reverse=descending)
        return render_template("candidates.html", rows=rows, sort=sort, status=status, show_all=show_all,
                               sorts=list(SORTS), decisions=DECISIONS)


@bp.post("/candidates/<int:candidate_id>/<any(accept, reject):verb>")
def decide_candidate(candidate_id: int, verb: str):
    review = services()
    reason = request.form.get("reason", "").strip() or None
    try:
        with session_scope(review.engine) as session:
            decide(session, [candidate_id], ACCEPTED if verb == "accept" else REJECTED, review.actor, reason)
        flash(f"candidate {candidate_id} {verb}ed", "ok")
    except CandidateError as exc:
        flash(f"candidate {candidate_id}: {exc}; nothing was changed", "error")
    back = {k: v for k, v in request.form.items() if k in ("sort", "status", "all") and v}
    return redirect(url_for("candidates.candidates_page", **back), 303)
