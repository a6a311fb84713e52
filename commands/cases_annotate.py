"""``scrapy cases annotate``: the annotation actions of the review page, from the terminal.

The body of one verb of ``commands/cases.py``, in a module of its own because annotations are a
lane of their own (review/annotate.py). It holds no command class, so Scrapy lists no command for
it; it names the review modules through ``cli.lazy_import`` like every command module, since
Scrapy imports them all whichever command runs.
"""

from __future__ import annotations

from pathlib import Path

from cli import CommandError, db_session, lazy_import

actions = lazy_import("review.actions")
annotate = lazy_import("review.annotate")
rules = lazy_import("review.rules")


def annotate_command(command, rest: list[str], opts) -> int:
    """One transaction: every annotation given is saved, or none (bad input names what to fix)."""
    actor = actions.default_actor(command.settings.get("REVIEWER"))
    license = command.settings.get("ANNOTATION_LICENSE")
    imports = [o for o in (opts.from_coco, opts.from_csv) if o]
    edits = [o for o in (opts.box, opts.mask, opts.scores, opts.delete) if o]
    if imports and (rest or edits):
        raise CommandError("--from-coco / --from-csv take no image and no other annotation option")
    if not imports and (len(rest) != 1 or len(edits) != 1):
        raise CommandError("give one image (image:ID or released:FILENAME) and one of --box, --mask, --scores, "
                           "--delete; or --from-coco FILE / --from-csv FILE")
    try:
        with db_session.session_scope(command.engine()) as s:
            if imports:
                made = _import(s, command.media_store(), actor, opts, license)
                print(f"imported {len(made)} annotation(s) as {actor}")
                return 0
            target = annotate.find_target(s, rest[0])
            made = _edit(s, command.media_store(), target, actor, opts, license)
            print(f"{target.ref}\t{made}")
    except rules.ReviewError as exc:
        raise CommandError(f"{exc}; nothing was changed") from None
    return 0


def _read(path: str, what: str) -> bytes:
    try:
        return Path(path).read_bytes()
    except OSError as exc:
        raise rules.ReviewError(f"{what} {path}: {exc.strerror or exc}") from None


def _import(s, store, actor: str, opts, license):
    if opts.from_coco:
        return annotate.import_coco(s, actor, _read(opts.from_coco, "--from-coco"), license, store=store)
    return annotate.import_csv(s, actor, _read(opts.from_csv, "--from-csv"), license)


def _edit(s, store, target, actor: str, opts, license) -> str:
    if opts.box:
        parts = opts.box.split(",")
        if len(parts) != 4:
            raise rules.ReviewError(f"--box {opts.box!r}: give X,Y,WIDTH,HEIGHT")
        a = annotate.add_box(s, target, actor, *parts, opts.label or "", license)
        return f"box {a.id} {a.data['label']} {','.join(map(str, a.data['bbox']))}"
    if opts.mask:
        mask = annotate.read_mask_file(_read(opts.mask, "--mask"), target)
        a = annotate.add_mask(s, store, target, actor, mask, opts.label or "", license)
        return f"mask {a.id} {a.data['label']} {a.data['pixels']} px"
    if opts.scores:
        parts = opts.scores.split(",")
        if len(parts) != 2:
            raise rules.ReviewError(f"--scores {opts.scores!r}: give GEOGRAPHIC,OPACITY, e.g. 4.0,2.5")
        a = annotate.set_scores(s, target, actor, *parts, license)
        return f"severity {a.id} geographic {a.data['geographic_mean']} opacity {a.data['opacity_mean']}"
    annotate.delete(s, target, actor, opts.delete)
    return f"deleted {opts.delete}"
