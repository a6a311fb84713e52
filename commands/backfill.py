"""``scrapy backfill IN.csv -o OUT.csv``: fill blank cells of a metadata.csv from its own text columns."""

from cli import CommandError, ProjectCommand, lazy_import, progress

# the normalizers: loaded only when a file is filled (Scrapy imports every command module)
backfill = lazy_import("exports.backfill")
csvio = lazy_import("exports.csvio")


class Command(ProjectCommand):
    positional = (0, None)  # checked by execute, with the command's own usage line

    requires_project = False

    def syntax(self) -> str:
        return "IN.csv -o OUT.csv [--fields f1,f2] [--evidence EVIDENCE.csv]"

    def short_desc(self) -> str:
        return "Fill blank cells of a metadata.csv from its notes, filename, url...; never changes a filled cell"

    def add_options(self, parser) -> None:
        super().add_options(parser)
        parser.add_argument("-o", "--output", dest="output", metavar="OUT.csv", help="where to write the filled CSV")
        parser.add_argument("--fields",
                            help="comma-separated columns to fill (default: every column a rule exists for)")
        parser.add_argument("--evidence", metavar="EVIDENCE.csv",
                            help="also write row, field, value, evidence, rule per fill")

    def execute(self, args, opts):
        if len(args) != 1 or not opts.output:
            raise CommandError("usage: scrapy backfill IN.csv -o OUT.csv [--fields f1,f2] [--evidence EVIDENCE.csv]")
        fields = [f.strip() for f in opts.fields.split(",") if f.strip()] if opts.fields else None
        try:
            report = backfill.backfill_file(args[0], opts.output, fields, opts.evidence, progress)
        except csvio.MetadataFormatError as exc:
            raise CommandError(f"{exc}; nothing was written") from None
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        except OSError as exc:  # no such file, a directory, no permission, a full disk: name the file
            raise CommandError(f"{exc.filename or args[0]}: {exc.strerror or exc}; nothing was written: "
                               "give a readable metadata.csv and a writable place for OUT.csv, "
                               "then run it again") from None
        counts = report.counts()
        print(f"{args[0]}: {report.rows} rows, {report.filled} blank cells filled -> {opts.output}")
        for name, n in sorted(counts.items(), key=lambda kv: -kv[1]):
            print(f"  {name:24} {n}")
        if opts.evidence:
            print(f"evidence for each fill: {opts.evidence}")
        return 0
