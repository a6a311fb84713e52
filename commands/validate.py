"""``scrapy validate PATH``: check a release or a dataset checkout against every rule of DESIGN.md."""

import sys

from cli import CommandError, ProjectCommand, progress
from exports.schema import ERROR
from exports.validate import summarize, validate


class Command(ProjectCommand):
    requires_project = False

    def syntax(self) -> str:
        return "PATH"

    def short_desc(self) -> str:
        return "Report every rule a release or dataset checkout breaks, with row, filename and rule"

    def add_options(self, parser) -> None:
        super().add_options(parser)
        parser.add_argument("--errors-only", action="store_true", help="do not list warnings")

    def execute(self, args, opts):
        if len(args) != 1:
            raise CommandError("give one PATH: a release directory, a dataset checkout, or a metadata.csv")
        violations = validate(args[0], progress)
        for v in violations:
            if v.severity == ERROR or not opts.errors_only:
                print(v.render())
        print(summarize(violations), file=sys.stderr)
        return 1 if any(v.severity == ERROR for v in violations) else 0
