"""Annotations in the review pages (a Flask blueprint beside review/web.py).

- ``/released``: the released images, filterable by annotation kind (severity, mask, box, none);
- ``/annotate/<ref>``: one image (``image:ID`` staged, ``released:FILENAME``) with its annotations
  drawn over it (masks with an opacity slider, boxes with labels, the severity scores) and the
  tools to add some: a box with a label, a painted or outlined mask, the two scores;
- on the case page, the annotated released images a staged image near-duplicates.

The security model of review/security.py holds: its guard (token, CSRF, origin) runs for these routes
too; masks are served only from the media store by an annotation's id.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, send_file, url_for
from sqlalchemy import func, select

from curation.annotations import KINDS, MASK
from db.models import Annotation, ReleasedFile, ReleasedRow
from db.session import session_scope
from review import annotate
from review.rules import ReviewError
from review.services import services

bp = Blueprint("annotations", __name__)
PER_PAGE = 60
FILTERS = ("any", *KINDS, "none")


@bp.record_once
def _globals(state) -> None:
    state.app.jinja_env.globals.update(annotation_panel=annotation_panel, BOX_LABELS=annotate.BOX_LABELS,
                                       MASK_LABELS=annotate.MASK_LABELS)


def annotation_panel(view) -> dict:
    """For the case page: per staged image, its own annotation count and the annotated released
    images it near-duplicates (from the case's warnings)."""
    released_ids: dict[int, set[int]] = {}
    for warning in getattr(view, "warnings", None) or []:
        for c in warning.get("candidates", ()):
            if c.get("kind") == "released":
                released_ids.setdefault(c.get("image_id"), set()).add(c["id"])
    with session_scope(services().engine) as s:
        own = dict(s.execute(select(Annotation.image_id, func.count()).where(
            Annotation.image_id.in_([i.id for i in view.images]), Annotation.deleted_at.is_(None))
            .group_by(Annotation.image_id)).all())
        ids = {rid for rids in released_ids.values() for rid in rids}
        released = list(s.scalars(select(ReleasedFile).where(ReleasedFile.id.in_(ids))))
        files = {f.id: f.path.split("/", 1)[1] for f in released}
        shas = {f.id: f.sha256 for f in released}
        kinds: dict[str, set[str]] = {}
        for filename, kind in s.execute(select(Annotation.filename, Annotation.kind).where(
                Annotation.filename.in_(list(files.values())), Annotation.deleted_at.is_(None))):
            kinds.setdefault(filename, set()).add(kind)
    out = {}
    for image in view.images:
        neighbours = [{"filename": files[rid], "kinds": sorted(kinds[files[rid]]), "sha256": shas[rid]}
                      for rid in sorted(released_ids.get(image.id, ())) if rid in files and files[rid] in kinds]
        out[image.id] = {"own": own.get(image.id, 0), "neighbours": neighbours}
    return out


@bp.get("/released")
def released_page():
    kind = request.args.get("kind", "any")
    if kind not in FILTERS:
        abort(400, f"kind must be one of {', '.join(FILTERS)}")
    try:
        page = max(1, int(request.args.get("page", "1")))
    except ValueError:
        abort(400, "page must be a number")
    text = (request.args.get("q") or "").strip()[:200]
    with session_scope(services().engine) as s:
        q = select(ReleasedFile).where(ReleasedFile.removed_import_id.is_(None), ReleasedFile.path.like("images/%"))
        annotated = select(Annotation.filename).where(Annotation.deleted_at.is_(None),
                                                      Annotation.filename.is_not(None))
        if kind == "none":
            q = q.where(func.substr(ReleasedFile.path, 8).not_in(annotated))
        elif kind != "any":
            q = q.where(func.substr(ReleasedFile.path, 8).in_(annotated.where(Annotation.kind == kind)))
        if text:
            q = q.where(ReleasedFile.path.contains(text, autoescape=True))
        total = s.scalar(select(func.count()).select_from(q.subquery()))
        files = list(s.scalars(q.order_by(ReleasedFile.path).limit(PER_PAGE).offset((page - 1) * PER_PAGE)))
        names = [f.path.split("/", 1)[1] for f in files]
        counts: dict[str, dict[str, int]] = {}
        for filename, k, n in s.execute(select(Annotation.filename, Annotation.kind, func.count())
                                        .where(Annotation.filename.in_(names), Annotation.deleted_at.is_(None))
                                        .group_by(Annotation.filename, Annotation.kind)):
            counts.setdefault(filename, {})[k] = n
        patients = dict(s.execute(select(ReleasedRow.filename, ReleasedRow.patientid).where(
            ReleasedRow.filename.in_(names), ReleasedRow.removed_import_id.is_(None))).all())
        items = [{"filename": n, "sha256": f.sha256, "size": (f.width, f.height), "kinds": counts.get(n, {}),
                  "patientid": patients.get(n)} for n, f in zip(names, files)]
    pages = max(1, -(-total // PER_PAGE))
    return render_template("annotations/released.html", items=items, kind=kind, filters=FILTERS, page=page,
                           pages=pages, total=total, q=text)


def _target_or_404(s, ref: str) -> annotate.Target:
    try:
        return annotate.find_target(s, ref)
    except ReviewError as exc:
        abort(404, str(exc))


@bp.get("/annotate/<path:ref>")
def annotate_page(ref: str):
    with session_scope(services().engine) as s:
        target = _target_or_404(s, ref)
        history = [annotate.as_json(a) for a in annotate.live(s, target, with_deleted=True)]
        case_id = target.case.id if target.case is not None else None
    scores = [a for a in history if a["kind"] == "severity" and not a["deleted_at"]]
    return render_template("annotations/annotate.html", t=target, ref=target.ref, history=history, scores=scores,
                           case_id=case_id, error=request.args.get("error"))


@bp.get("/annotate/<path:ref>/annotations.json")
def annotations_json(ref: str):
    with session_scope(services().engine) as s:
        target = _target_or_404(s, ref)
        items = [annotate.as_json(a) for a in annotate.live(s, target)]
    for item in items:
        if item["mask"]:
            item["mask_url"] = url_for("annotations.mask_png", annotation_id=item["id"])
    return jsonify({"ref": target.ref, "width": target.width, "height": target.height, "annotations": items})


@bp.get("/annotation/<int:annotation_id>/mask.png")
def mask_png(annotation_id: int):
    store = services().store
    with session_scope(services().engine) as s:
        annotation = s.get(Annotation, annotation_id)
        sha = annotation.media_sha256 if annotation is not None and annotation.kind == MASK else None
    if not sha or not store.has(sha):
        abort(404)
    response = send_file(store.source(sha), mimetype="image/png", max_age=31536000, etag=sha)
    response.headers["Cache-Control"] = "private, max-age=31536000, immutable"
    return response


def _act(ref: str, fn, message: str, as_json: bool):
    review = services()
    try:
        with session_scope(review.engine) as s:
            target = annotate.find_target(s, ref)
            result = fn(s, target, review.actor, review.annotation_license)
            made = annotate.as_json(result) if result is not None else None
    except ReviewError as exc:
        if as_json:
            return jsonify({"error": str(exc)}), 400
        return redirect(url_for("annotations.annotate_page", ref=ref, error=str(exc)), 303)
    if as_json:
        return jsonify({"ok": message, "annotation": made})
    flash(message, "ok")
    return redirect(url_for("annotations.annotate_page", ref=ref), 303)


@bp.post("/annotate/<path:ref>/box")
def add_box(ref: str):
    body = request.get_json(silent=True) or request.form
    return _act(ref, lambda s, t, actor, lic: annotate.add_box(s, t, actor, body.get("x"), body.get("y"),
                                                               body.get("w"), body.get("h"), body.get("label"), lic),
                "box saved", request.is_json)


@bp.post("/annotate/<path:ref>/mask")
def add_mask(ref: str):
    body = request.get_json(silent=True) or {}

    def run(s, t, actor, lic):
        mask = annotate.decode_rle(body.get("counts"), t.width, t.height)
        return annotate.add_mask(s, services().store, t, actor, mask, body.get("label"), lic)
    return _act(ref, run, "mask saved", True)


@bp.post("/annotate/<path:ref>/scores")
def set_scores(ref: str):
    body = request.get_json(silent=True) or request.form
    return _act(ref, lambda s, t, actor, lic: annotate.set_scores(s, t, actor, body.get("geographic_mean", ""),
                                                                  body.get("opacity_mean", ""), lic),
                "severity scores saved", request.is_json)


@bp.post("/annotate/<path:ref>/delete")
def delete(ref: str):
    body = request.get_json(silent=True) or request.form
    return _act(ref, lambda s, t, actor, lic: annotate.delete(s, t, actor, body.get("annotation_id")),
                "annotation deleted", request.is_json)
