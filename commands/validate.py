"""``scrapy validate PATH``: check a release or a dataset checkout against every rule of docs/design.md."""

import csv
import json
import sys
from pathlib import Path

from cli import CommandError, ProjectCommand, lazy_import, progress
from schema import ERROR

validation = lazy_import("exports.validate")

FORMATS = ("text", "json", "csv")
FIELDS = ("severity", "line", "filename", "column", "rule", "message")


def _cells(v) -> tuple:
    return (v.severity, v.line, v.filename, v.column, v.rule, v.message)


class Command(ProjectCommand):
    positional = (0, None)  # checked by execute, with the command's own usage line

    requires_project = False

    def syntax(self) -> str:
        return "PATH"

    def short_desc(self) -> str:
        return "Report every rule a release or dataset checkout breaks, with row, filename and rule"

    def add_options(self, parser) -> None:
        super().add_options(parser)
        parser.add_argument("--errors-only", action="store_true", help="do not list warnings")
        parser.add_argument("--format", choices=FORMATS, default="text",
                            help="text (one line per violation, the default), json (a list of objects) or csv "
                                 "(severity,line,filename,column,rule,message); counts per rule go to stderr")

    def execute(self, args, opts):
        if len(args) != 1:
            raise CommandError("give one PATH: a release directory, a dataset checkout, or a metadata.csv")
        path = Path(args[0])
        if path.exists() and not (path.is_file() or path.is_dir()):  # /dev/zero would be read for ever
            raise CommandError(f"{path}: not a regular file nor a directory (a device or pipe?); give a release "
                               "directory, a dataset checkout, or a metadata.csv")
        violations = validation.validate(args[0], progress)
        shown = [v for v in violations if v.severity == ERROR or not opts.errors_only]
        if opts.format == "json":
            json.dump([dict(zip(FIELDS, _cells(v))) for v in shown], sys.stdout, ensure_ascii=False, indent=1)
            print()
        elif opts.format == "csv":
            writer = csv.writer(sys.stdout, lineterminator="\n")
            writer.writerow(FIELDS)
            writer.writerows(_cells(v) for v in shown)
        else:
            for v in shown:
                print(v.render())
        print(validation.summarize(violations), file=sys.stderr)
        return 1 if any(v.severity == ERROR for v in violations) else 0
