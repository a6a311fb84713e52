"""The queue of the review app (``/``) and one decision for the cases ticked in it (``/bulk``).

Module-level views on a blueprint; the database and the reviewer come from ``review.services``.
The queue's filter travels with the reviewer: in the query string of the pages, and in the
``back`` field of every form (``filter_from``, ``back_args``).
"""

from __future__ import annotations

from urllib.parse import parse_qsl

from flask import Blueprint, flash, redirect, render_template, request, url_for

from db.session import session_scope
from review import actions, queries
from review.rules import ReviewError
from review.services import services

bp = Blueprint("queue", __name__)

#: Most cases one bulk decision takes.
BULK_MAX = 500
#: Bulk decisions: the form's action -> the past tense its message uses.
BULK_DONE = {"approve": "approved", "reject": "rejected", "needs_info": "marked as needing information"}


def filter_from(source) -> queries.QueueFilter:
    """The queue's filter in ``source`` (query arguments), or the whole queue when it is malformed."""
    try:
        return queries.QueueFilter.parse(source)
    except ReviewError:
        return queries.QueueFilter()


def back_args() -> dict:
    """The queue's filter a form was posted from (its ``back`` field), at most 20 arguments."""
    return dict(parse_qsl(request.form.get("back", ""))[:20])


@bp.get("/")
def queue_page():
    try:
        f = queries.QueueFilter.parse(request.args)
    except ReviewError as exc:
        return render_template("error.html", code=400, name="Bad filter", message=str(exc)), 400
    store = services().store
    with session_scope(services().engine) as s:
        page = queries.queue(s, f)
        missing = [r.id for r in page.rows if r.thumbnail and not store.has(r.thumbnail)]
        return render_template("queue.html", page=page, f=f, finding_filters=queries.FINDING_FILTERS,
                               sorts=list(queries.SORTS), per_pages=queries.PER_PAGE_CHOICES,
                               missing_media=missing, media_root=str(store))


@bp.post("/bulk")
def bulk():
    """One decision for the cases ticked in the queue, each in its own transaction: a case the
    rules refuse stays as it was, with the reason, and the others go on."""
    f = filter_from(back_args())
    what = request.form.get("action", "")
    reason = request.form.get("reason")
    actor = services().actor
    run = {"approve": lambda s, c: actions.approve(s, c, actor),
           "reject": lambda s, c: actions.reject(s, c, actor, reason),
           "needs_info": lambda s, c: actions.needs_info(s, c, actor, reason)}.get(what)
    raw_ids = request.form.getlist("case_id")
    if what == "reject" and not (reason or "").strip():
        flash("rejecting needs a reason: type it beside the Reject button", "error")
        return redirect(url_for("queue.queue_page", **f.args()), 303)
    if run is None or not raw_ids or len(raw_ids) > BULK_MAX:
        flash(f"tick at least one case (at most {BULK_MAX}) and choose approve, reject or needs information", "error")
        return redirect(url_for("queue.queue_page", **f.args()), 303)
    done, refused = _each_case(raw_ids, run)
    if done:
        flash(f"{len(done)} case(s) {BULK_DONE[what]}: {', '.join(done)}", "ok")
    for why in refused:
        flash(why, "error")
    return redirect(url_for("queue.queue_page", **f.args()), 303)


def _each_case(raw_ids: list[str], run) -> tuple[list[str], list[str]]:
    """``run`` on each case, one transaction each: (the ids done, the reasons of those refused)."""
    done, refused = [], []
    for raw in dict.fromkeys(raw_ids):
        try:
            with session_scope(services().engine) as s:
                case_id = actions.parse_case_id(raw)
                run(s, actions.get_case(s, case_id))
            done.append(str(case_id))
        except ReviewError as exc:
            refused.append(str(exc))
    return done, refused
