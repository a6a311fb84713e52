"""``scrapy export -o DIR``: write a release (metadata.csv, images/, volumes/) from the database."""

from cli import CommandError, ProjectCommand, progress
from exports.release import ExportError, export_release


class Command(ProjectCommand):
    def syntax(self) -> str:
        return "-o DIR"

    def short_desc(self) -> str:
        return "Write a release: the released rows byte for byte plus approved cases"

    def add_options(self, parser) -> None:
        super().add_options(parser)
        parser.add_argument("-o", "--output", dest="output", metavar="DIR", help="directory to write the release into")
        parser.add_argument("--name", help="name recorded for this release (default: the directory name)")

    def execute(self, args, opts):
        if not opts.output:
            raise CommandError("give the release directory with -o DIR")
        try:
            report = export_release(self.engine(), self.media_store(), opts.output, opts.name, progress)
        except ExportError as exc:
            raise CommandError(str(exc)) from None
        print(f"wrote {report.path}: {report.rows} rows ({report.released_rows} released, {report.new_rows} new), "
              f"{report.files_written} files, metadata.csv sha256 {report.metadata_sha256[:12]}")
        if report.missing_files:
            print(f"  {len(report.missing_files)} referenced file(s) are not in the media store "
                  f"(imported from a bare metadata.csv?), e.g. {report.missing_files[0]}; "
                  "import the dataset checkout to include them")
        return 0
