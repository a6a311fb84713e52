"""One case of the review app (``/case/<id>``) and the actions its forms post.

Module-level views on a blueprint; the database and the reviewer come from ``review.services``.
Every action runs in one transaction (``act``), refused when the case changed after the version
the form was shown with; bad input re-renders the case with the error.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for

from db.session import session_scope
from review import actions, queries
from review.queue_views import back_args, filter_from
from review.rules import ReviewError
from review.services import services

bp = Blueprint("case", __name__)

#: Most patients a case can be split into.
MAX_PATIENTS = 20


def render_case(case_id: int, error: str | None = None, status: int = 200):
    f = filter_from(request.args if request.method == "GET" else back_args())
    store = services().store
    with session_scope(services().engine) as s:
        view = queries.case_view(s, case_id)
        prev_id, next_id = queries.neighbours(s, f, view.case)
        missing = [img.id for img in view.images if img.sha256 and not store.has(img.sha256)]
        html = render_template("case.html", v=view, c=view.case, f=f, back=f.args(), prev_id=prev_id,
                               next_id=next_id, error=error, missing_media=missing, media_root=str(store),
                               seen=actions.case_version(s, view.case.id))
    return html, status


def act(case_id: int, fn, message, advance: bool = False):
    """Run one action in one transaction; bad input re-renders the case with the error (400).

    ``message``: the flash message (``{case_id}`` replaced), or a function of what ``fn`` returned;
    ``advance``: go on to the next case that still needs a decision (unless the form says not to).
    """
    f = filter_from(back_args())
    try:
        with session_scope(services().engine) as s:
            # every form carries the version of the case it was shown with ("seen")
            case = actions.open_case(s, case_id, request.form.get("seen"))
            result = fn(s, case)
            next_id = queries.next_unreviewed(s, f, case) if advance else None
    except ReviewError as exc:
        try:
            return render_case(case_id, error=str(exc), status=409 if isinstance(exc, actions.StaleAction) else 400)
        except ReviewError:
            abort(404, str(exc))
    flash(message(result) if callable(message) else message.replace("{case_id}", str(case_id)), "ok")
    if advance and request.form.get("advance", "1") == "1":
        if next_id:  # the next case that still needs a decision
            return redirect(url_for("case.case_page", case_id=next_id, **f.args()), 303)
        flash("no staged case left to decide in this queue", "ok")
        return redirect(url_for("queue.queue_page", **f.args()), 303)
    return redirect(url_for("case.case_page", case_id=case_id, **f.args()), 303)


@bp.get("/case/<int:case_id>")
def case_page(case_id: int):
    try:
        return render_case(case_id)
    except ReviewError as exc:
        abort(404, str(exc))


@bp.post("/case/<int:case_id>/approve")
def approve(case_id: int):
    actor = services().actor
    return act(case_id, lambda s, c: actions.approve(s, c, actor, confirm_adult=_flag("confirm_adult"),
                                                     not_duplicate=_flag("not_duplicate")),
               "case {case_id} approved", advance=True)


@bp.post("/case/<int:case_id>/reject")
def reject(case_id: int):
    actor = services().actor
    return act(case_id, lambda s, c: actions.reject(s, c, actor, request.form.get("reason")),
               "case {case_id} rejected", advance=True)


@bp.post("/case/<int:case_id>/needs-info")
def needs_info(case_id: int):
    actor = services().actor
    return act(case_id, lambda s, c: actions.needs_info(s, c, actor, request.form.get("reason")),
               "case {case_id} needs information", advance=True)


@bp.post("/case/<int:case_id>/reopen")
def reopen(case_id: int):
    actor = services().actor
    return act(case_id, lambda s, c: actions.reopen(s, c, actor, request.form.get("reason")),
               "case {case_id} back in the queue")


@bp.post("/case/<int:case_id>/duplicate")
def duplicate(case_id: int):
    actor = services().actor

    def run(s, c):
        of_case, of_row = actions.parse_duplicate_target(request.form.get("of", ""))
        actions.mark_duplicate(s, c, actor, of_case_id=of_case, of_released=of_row, reason=request.form.get("reason"))
    return act(case_id, run, "case {case_id} marked as a duplicate", advance=True)


@bp.post("/case/<int:case_id>/field")
def set_field(case_id: int):
    actor = services().actor
    return act(case_id, lambda s, c: actions.set_field(s, c, actor, request.form.get("field", ""),
                                                       request.form.get("value", ""), _image_id()),
               lambda changed: f"saved {request.form.get('field', '')}" if changed else "unchanged")


@bp.post("/case/<int:case_id>/field/reset")
def reset_field(case_id: int):
    actor = services().actor
    return act(case_id, lambda s, c: actions.reset_field(s, c, actor, request.form.get("field", ""), _image_id()),
               "reviewer value removed")


@bp.post("/case/<int:case_id>/image")
def image_included(case_id: int):
    included = request.form.get("included")
    if included not in ("0", "1"):
        return render_case(case_id, error="say whether the image is included (1) or excluded (0)", status=400)
    actor = services().actor
    return act(case_id,
               lambda s, c: actions.set_image_included(s, c, actor, request.form.get("image_id"), included == "1"),
               "image " + ("included" if included == "1" else "excluded"))


@bp.post("/case/<int:case_id>/confirm")
def confirm(case_id: int):
    what, value = request.form.get("what"), request.form.get("value", "1") == "1"
    actor = services().actor
    if what == "adult":
        return act(case_id, lambda s, c: actions.set_adult_confirmed(s, c, actor, value), "adult confirmation saved")
    if what == "distinct":
        return act(case_id, lambda s, c: actions.set_distinct_confirmed(s, c, actor, value), "saved: not a duplicate")
    return render_case(case_id, error="unknown confirmation", status=400)


@bp.post("/case/<int:case_id>/split")
def split(case_id: int):
    actor = services().actor

    def run(s, c):
        created = actions.split_case(s, c, actor, _patient_groups(c))
        return ", ".join(str(n.id) for n in created)
    return act(case_id, run, lambda created: f"split: new case(s) {created}")


def _patient_groups(case) -> list[list[int]]:
    """The image ids of each patient other than the first, from the split form's patient numbers."""
    groups: dict[str, list[int]] = {}
    for image in case.images:
        choice = request.form.get(f"patient_{image.id}", "1").strip()
        if not choice.isdigit() or not 1 <= int(choice) <= MAX_PATIENTS:
            raise ReviewError(f"image {image.id}: the patient number must be 1 to {MAX_PATIENTS}")
        if choice != "1":
            groups.setdefault(choice, []).append(image.id)
    if not groups:
        raise ReviewError("give the images of the other patient(s) a patient number other than 1")
    return [groups[k] for k in sorted(groups, key=int)]


def _flag(name: str) -> bool:
    return request.form.get(name) in ("1", "on", "yes", "true")


def _image_id():
    value = request.form.get("image_id", "").strip()
    return value or None
