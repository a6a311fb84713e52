"""``scrapy cases VERB ...``: review staged cases from the terminal, with the rules and audit trail
of the review pages (review/actions.py).

    scrapy cases list [--state S] [--source S] [--finding F] [--warning W] [--json]
    scrapy cases show ID [--json]            (prints the case's version)
    scrapy cases VERB ID --seen VERSION ...  (refused if the case changed after that version)
    scrapy cases approve ID... [--confirm-adult] [--not-duplicate]
    scrapy cases approve --all [--state S] [--source S] [--finding F] [--warning W] [--yes]
    scrapy cases reject ID --reason TEXT
    scrapy cases needs-info ID [--reason TEXT]
    scrapy cases reopen ID [--reason TEXT]
    scrapy cases set ID field=value [view@IMAGE_ID=PA ...]
    scrapy cases reset ID field [field@IMAGE_ID ...]
    scrapy cases duplicate ID --of ID|released:FILENAME|row:ID
    scrapy cases include|exclude ID IMAGE_ID...
    scrapy cases split ID --group IMAGE_ID,IMAGE_ID [--group ...]
    scrapy cases confirm-adult ID / confirm-distinct ID
    scrapy cases annotate image:ID|released:FILENAME --box X,Y,W,H --label LABEL
    scrapy cases annotate image:ID|released:FILENAME --mask MASK.png --label lung|lesion
    scrapy cases annotate image:ID|released:FILENAME --scores GEOGRAPHIC,OPACITY
    scrapy cases annotate image:ID|released:FILENAME --delete ANNOTATION_ID
    scrapy cases annotate --from-coco BOXES.json | --from-csv SCORES_OR_BOXES.csv
"""

from __future__ import annotations

import json
import re
import sys

from cli import CommandError, ProjectCommand, db_session, lazy_import
from schema import REVIEW_STATES, ReviewState

actions = lazy_import("review.actions")
queries = lazy_import("review.queries")
rules = lazy_import("review.rules")
review_warnings = lazy_import("review.warnings")

VERBS = ("list", "show", "approve", "reject", "needs-info", "reopen", "set", "reset", "duplicate", "include",
         "exclude", "split", "confirm-adult", "confirm-distinct", "annotate")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def clean(text) -> str:
    """One terminal-safe line: no escape sequences or newlines from scraped text."""
    return _CONTROL.sub(" ", "" if text is None else str(text))


class Command(ProjectCommand):
    positional = (0, None)  # checked by execute, with the command's own usage line

    def syntax(self) -> str:
        return ("list|show|approve|reject|needs-info|reopen|set|reset|duplicate|include|exclude|split|"
                "confirm-adult|confirm-distinct|annotate ...")

    def short_desc(self) -> str:
        return "Review staged cases from the terminal (same rules and audit trail as `scrapy review`)"

    def long_desc(self) -> str:
        return __doc__

    def add_options(self, parser) -> None:
        super().add_options(parser)
        parser.add_argument("--state", help=f"filter: review state ({', '.join(REVIEW_STATES)})")
        parser.add_argument("--source", help="filter: source (radiopaedia, eurorad, sirm, publications)")
        parser.add_argument("--finding", help="filter: finding path (includes its children)")
        parser.add_argument("--warning", help="filter: warning code (age_unknown, near_duplicate, ...)")
        parser.add_argument("--json", action="store_true", help="machine-readable output")
        parser.add_argument("--all", action="store_true", help="approve: every case matching the filters")
        parser.add_argument("--yes", action="store_true", help="approve --all: do not ask for confirmation")
        parser.add_argument("--reason", help="reject / needs-info / duplicate / reopen: the reason")
        parser.add_argument("--of", help="duplicate: the case id, released:FILENAME or row:ID it duplicates")
        parser.add_argument("--group", action="append", default=[],
                            help="split: comma-separated image ids of one more patient")
        parser.add_argument("--confirm-adult", action="store_true",
                            help="approve: confirm the patient is an adult (age unknown)")
        parser.add_argument("--not-duplicate", action="store_true",
                            help="approve: the near-duplicate candidates are different images")
        parser.add_argument("--seen", metavar="VERSION",
                            help="refuse the action if the case changed after this version (printed by `cases show`)")
        parser.add_argument("--box", help="annotate: a box X,Y,WIDTH,HEIGHT in pixels (with --label)")
        parser.add_argument("--mask",
                            help="annotate: a mask image (255 inside) of the image's size (with --label lung|lesion)")
        parser.add_argument("--label", help="annotate: the box's finding (ground-glass opacity, consolidation, ...) "
                                            "or the mask's lung|lesion")
        parser.add_argument("--scores", help="annotate: GEOGRAPHIC,OPACITY severity scores (0-8, 0-6)")
        parser.add_argument("--delete", help="annotate: the id of a reviewer's annotation to delete")
        parser.add_argument("--from-coco", help="annotate: import the boxes of a COCO file keyed by file_name")
        parser.add_argument("--from-csv", help="annotate: import scores or boxes from a CSV keyed by filename")

    def execute(self, args, opts):
        if not args or args[0] not in VERBS:
            raise CommandError(f"give a verb: {', '.join(VERBS)} (scrapy cases -h for details)")
        verb, rest = args[0], args[1:]
        if verb == "annotate":  # its own module: annotations are a lane of their own
            from commands.cases_annotate import annotate_command

            return annotate_command(self, rest, opts)
        unknown = [a for a in rest if a.startswith("--")]
        if unknown:
            raise CommandError(f"unknown option(s): {' '.join(unknown)}")
        self.actor = actions.default_actor(self.settings.get("REVIEWER"))
        self.seen = opts.seen
        try:
            return getattr(self, "do_" + verb.replace("-", "_"))(rest, opts)
        except rules.ReviewError as exc:
            raise CommandError(f"{exc}; nothing was changed") from None

    # --- helpers ---------------------------------------------------------------------------------

    def _filter(self, opts, state_default=None) -> queries.QueueFilter:
        return queries.QueueFilter.parse({"state": opts.state or state_default, "source": opts.source,
                                          "finding": opts.finding, "warning": opts.warning, "per_page": "50"})

    def _one_id(self, rest, verb) -> int:
        if len(rest) != 1:
            raise rules.ReviewError(f"{verb} takes one case id")
        return actions.parse_case_id(rest[0])

    def _each(self, ids, fn, done: str) -> int:
        """Apply ``fn`` to each case in one transaction: all succeed, or nothing changes.

        (No savepoints: SQLite's Python driver commits on RELEASE SAVEPOINT outside a BEGIN.)
        """
        if not ids:
            raise rules.ReviewError("give at least one case id")
        ids = [actions.parse_case_id(i) for i in ids]
        errors = []
        if self.seen is not None and len(ids) != 1:
            raise rules.ReviewError("--seen VERSION goes with one case id")
        with db_session.session_scope(self.engine_) as s:
            for case_id in ids:
                try:
                    fn(s, actions.open_case(s, case_id, self.seen))
                except rules.ReviewError as exc:
                    errors.append(str(exc))
            if errors:
                raise rules.ReviewError("\n  ".join(errors))  # rolls the whole transaction back
        for case_id in ids:
            print(f"{case_id}\t{done}")
        return 0

    # --- verbs -----------------------------------------------------------------------------------

    def do_list(self, rest, opts):
        if rest:
            raise rules.ReviewError("list takes no arguments (filters: --state, --source, --finding, --warning)")
        f = self._filter(opts)
        with db_session.session_scope(self.engine_) as s:
            review_warnings.refresh_missing_warnings(s)
            rows = queries.list_cases(s, f)
        if opts.json:
            json.dump([{"id": r.id, "state": r.state, "source": r.source, "url": r.url, "title": r.title,
                        "age": r.age, "sex": r.sex, "license": r.license, "finding": r.finding, "images": r.images,
                        "warnings": r.warnings, "blocking": [w for w in r.warnings if w in review_warnings.BLOCKING]}
                       for r in rows],
                      sys.stdout, ensure_ascii=False, indent=1)
            print()
        else:
            print_table(rows)
        return 0

    def do_show(self, rest, opts):
        case_id = self._one_id(rest, "show")
        with db_session.session_scope(self.engine_) as s:
            v = queries.case_view(s, case_id)
            data = _case_json(v)
        if opts.json:
            json.dump(data, sys.stdout, ensure_ascii=False, indent=1)
            print()
            return 0
        c = data
        print(f"case {c['id']}\t{c['state']}\t{clean(c['source'])} {clean(c['source_key'])}\tversion {c['version']}")
        print(f"title\t{clean(c['title'])}")
        print(f"url\t{clean(c['url'])}")
        if c["reason"]:
            print(f"reason\t{clean(c['reason'])}")
        for w in c["warnings"]:
            print(f"warning\t{w['code']}{' (resolved)' if w['resolved'] else ''}\t{clean(w['message'])}")
        print("fields (value | normalized | rule | raw):")
        for fr in c["fields"]:
            if fr["value"] is not None or fr["normalized"] is not None:
                print(f"  {fr['field']:24} {clean(fr['value'])} | {clean(fr['normalized'])} | {clean(fr['rule'])} | "
                      f"{clean((fr['raw'] or '')[:60])}"
                      f"{' [edited by ' + clean(fr['override_by']) + ']' if fr['override'] is not None else ''}")
        for img in c["images"]:
            print(f"image {img['id']}\t{'included' if img['included'] else 'EXCLUDED'}\t{img['format']} "
                  f"{img['width']}x{img['height']}\t{clean(img['source_url'])}")
            for fr in img["fields"]:
                if fr["value"] is not None or fr["normalized"] is not None:
                    print(f"  {fr['field']:24} {clean(fr['value'])} | {clean(fr['normalized'])} | {clean(fr['rule'])}")
        print("history:")
        for e in c["history"]:
            print(f"  {e['at']}\t{clean(e['actor'])}\t{e['action']}\t{clean(e['field'] or '')}\t"
                  f"{clean(json.dumps(e['before'], ensure_ascii=False))} -> "
                  f"{clean(json.dumps(e['after'], ensure_ascii=False))}"
                  f"{chr(9) + clean(e['reason']) if e['reason'] else ''}")
        return 0

    def do_approve(self, rest, opts):
        if opts.all:
            if rest:
                raise rules.ReviewError("give case ids or --all with filters, not both")
            return self._approve_all(opts)
        return self._each(rest, lambda s, c: actions.approve(s, c, self.actor, confirm_adult=opts.confirm_adult,
                                                             not_duplicate=opts.not_duplicate), ReviewState.APPROVED)

    def _approve_all(self, opts):
        f = self._filter(opts, state_default=ReviewState.STAGED)
        if f.state == ReviewState.APPROVED:
            raise rules.ReviewError("--state approved: these cases are approved already")
        with db_session.session_scope(self.engine_) as s:
            review_warnings.refresh_missing_warnings(s)
            ids = [r.id for r in queries.list_cases(s, f)]
        if not ids:
            print("no case matches the filters")
            return 0
        described = ", ".join(f"{k}={v}" for k, v in f.args().items()
                              if k in ("state", "source", "finding", "warning"))
        if not opts.yes:
            print(f"approve {len(ids)} case(s) ({described})? [y/N] ", end="", file=sys.stderr, flush=True)
            answer = sys.stdin.readline().strip().lower()
            if answer not in ("y", "yes"):
                raise CommandError("not confirmed; nothing was changed")
        approved, skipped = [], []
        for case_id in ids:  # one transaction per case: a blocked case changes nothing, the others go on
            try:
                with db_session.session_scope(self.engine_) as s:
                    actions.approve(s, actions.open_case(s, case_id), self.actor, confirm_adult=opts.confirm_adult,
                                    not_duplicate=opts.not_duplicate)
                approved.append(case_id)
            except rules.ReviewError as exc:
                skipped.append((case_id, str(exc)))
        for case_id in approved:
            print(f"{case_id}\t{ReviewState.APPROVED}")
        for case_id, why in skipped:
            print(f"{case_id}\tskipped\t{clean(why)}")
        print(f"approved {len(approved)}, skipped {len(skipped)}", file=sys.stderr)
        return 1 if skipped else 0

    def do_reject(self, rest, opts):
        case_id = self._one_id(rest, "reject")
        return self._each([case_id], lambda s, c: actions.reject(s, c, self.actor, opts.reason), "rejected")

    def do_needs_info(self, rest, opts):
        return self._each(rest, lambda s, c: actions.needs_info(s, c, self.actor, opts.reason), "needs_info")

    def do_reopen(self, rest, opts):
        return self._each(rest, lambda s, c: actions.reopen(s, c, self.actor, opts.reason), ReviewState.STAGED)

    def do_duplicate(self, rest, opts):
        case_id = self._one_id(rest, "duplicate")
        of_case, of_row = actions.parse_duplicate_target(opts.of or "")
        return self._each([case_id], lambda s, c: actions.mark_duplicate(s, c, self.actor, of_case_id=of_case,
                                                                         of_released=of_row, reason=opts.reason),
                          "duplicate")

    def do_set(self, rest, opts):
        if len(rest) < 2:
            raise rules.ReviewError("usage: scrapy cases set ID field=value [field@IMAGE_ID=value ...]")
        assignments = []
        for item in rest[1:]:
            name, sep, value = item.partition("=")
            if not sep:
                raise rules.ReviewError(f"{item!r} is not field=value")
            field, image_id = _field_ref(name)
            assignments.append((field, image_id, value))
        return self._each([rest[0]], lambda s, c: actions.set_fields(s, c, self.actor, assignments), "saved")

    def do_reset(self, rest, opts):
        if len(rest) < 2:
            raise rules.ReviewError("usage: scrapy cases reset ID field [field@IMAGE_ID ...]")
        refs = [_field_ref(x) for x in rest[1:]]

        def run(s, c):
            for field, image_id in refs:
                actions.reset_field(s, c, self.actor, field, image_id)
        return self._each([rest[0]], run, "reset")

    def _images(self, rest, included: bool):
        if len(rest) < 2:
            raise rules.ReviewError(f"usage: scrapy cases {'include' if included else 'exclude'} ID IMAGE_ID...")

        def run(s, c):
            for image_id in rest[1:]:
                actions.set_image_included(s, c, self.actor, image_id, included)
        return self._each([rest[0]], run, "images " + ("included" if included else "excluded"))

    def do_include(self, rest, opts):
        return self._images(rest, True)

    def do_exclude(self, rest, opts):
        return self._images(rest, False)

    def do_split(self, rest, opts):
        case_id = self._one_id(rest, "split")
        if not opts.group:
            raise rules.ReviewError("give the images of each other patient with --group IMAGE_ID,IMAGE_ID")
        try:
            groups = [[int(x) for x in g.split(",") if x.strip()] for g in opts.group]
        except ValueError:
            raise rules.ReviewError("--group takes comma-separated image ids") from None
        created = []
        with db_session.session_scope(self.engine_) as s:
            created = [c.id for c in actions.split_case(s, actions.open_case(s, case_id, self.seen), self.actor,
                                                        groups)]
        print(f"{case_id}\tsplit into\t{' '.join(map(str, created))}")
        return 0

    def do_confirm_adult(self, rest, opts):
        return self._each(rest, lambda s, c: actions.set_adult_confirmed(s, c, self.actor, True), "adult confirmed")

    def do_confirm_distinct(self, rest, opts):
        return self._each(rest, lambda s, c: actions.set_distinct_confirmed(s, c, self.actor, True), "not a duplicate")


LIST_COLUMNS = ("id", "state", "source", "age", "sex", "license", "finding", "images", "warnings", "title")


def list_row(r) -> tuple[str, ...]:
    """One case as the list shows it; a warning that blocks approval is marked with ``!``."""
    warnings = ",".join(("!" if w in review_warnings.BLOCKING else "") + w
                        for w in sorted(r.warnings, key=lambda w: (w not in review_warnings.BLOCKING, w)))
    return tuple(clean(x) for x in (r.id, r.state, r.source, r.age or "-", r.sex or "-", r.license or "-",
                                    r.finding or "-", r.images, warnings or "-", r.title or ""))


def print_table(rows) -> None:
    """Aligned columns under a header; the title, last, is never cut."""
    lines = [LIST_COLUMNS] + [list_row(r) for r in rows]
    widths = [max(len(line[i]) for line in lines) for i in range(len(LIST_COLUMNS) - 1)]
    for line in lines:
        print("  ".join(cell.ljust(width) for cell, width in zip(line, widths)) + "  " + line[-1])
    if rows:
        print(f"{len(rows)} case(s); ! marks a warning that blocks approval", file=sys.stderr)


def _field_ref(text: str) -> tuple[str, int | None]:
    field, sep, image = text.partition("@")
    if not sep:
        return field.strip(), None
    try:
        return field.strip(), int(image)
    except ValueError:
        raise rules.ReviewError(f"{text!r}: write field@IMAGE_ID with a numeric image id") from None


def _field_json(fr) -> dict:
    return {"field": fr.field, "image_id": fr.image_id, "value": fr.effective, "normalized": fr.value, "raw": fr.raw,
            "rule": fr.rule, "evidence": fr.evidence, "override": fr.override, "override_by": fr.override_by,
            "override_at": fr.override_at.isoformat() if fr.override_at else None}


def _case_json(v) -> dict:
    c = v.case
    return {
        "id": c.id, "version": max((e.id for e in v.events), default=0), "state": c.review_state,
        "source": c.source, "source_key": c.source_key, "url": c.canonical_url,
        "title": c.title, "doi": c.doi, "license_raw": c.license_raw, "reason": c.review_reason,
        "duplicate_of_case_id": c.duplicate_of_case_id, "duplicate_of_released_row_id": c.duplicate_of_released_row_id,
        "adult_confirmed": c.adult_confirmed, "distinct_confirmed": c.distinct_confirmed,
        "split_from_case_id": c.split_from_case_id,
        "text": {"history": c.history, "findings": c.findings, "discussion": c.discussion, "diagnosis": c.diagnosis},
        "warnings": v.warnings,
        "fields": [_field_json(fr) for fr in v.case_fields],
        "images": [{"id": i.id, "included": i.included, "sha256": i.sha256, "format": i.format, "width": i.width,
                    "height": i.height, "source_url": i.source_url, "label": i.label, "caption": i.caption,
                    "fields": [_field_json(fr) for fr in v.image_fields[i.id]]} for i in v.images],
        "history": [{"at": e.at.isoformat(), "actor": e.actor, "action": e.action, "field": e.field,
                     "image_id": e.image_id, "before": e.before, "after": e.after, "reason": e.reason}
                    for e in v.events],
    }
