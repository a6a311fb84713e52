"""``scrapy export``: write a release (``-o DIR``) or append approved cases to a dataset checkout
(``--dataset PATH``); ``--license`` writes a license subset, ``--state staged`` a preview."""

from cli import CommandError, ProjectCommand, lazy_import, progress
from schema import LICENSES, ReviewState

gates = lazy_import("exports.gates")
release = lazy_import("exports.release")


def _license_list(text: str, what: str) -> frozenset[str]:
    names = [n.strip() for n in text.split(",") if n.strip()]
    unknown = [n for n in names if n not in LICENSES]
    if unknown:
        raise CommandError(f"{what}: unknown license(s) {', '.join(map(repr, unknown))}; "
                           f"write them as the dataset does, e.g. 'CC BY 4.0', 'CC BY-NC-SA', 'Apache 2.0', 'CC0 1.0'")
    if not names:
        raise CommandError(f"{what}: no license given")
    return frozenset(names)


class Command(ProjectCommand):
    def syntax(self) -> str:
        return "(-o DIR | --dataset PATH) [--license L1,L2] [--state approved|staged]"

    def short_desc(self) -> str:
        return "Write a release: the released rows byte for byte plus approved cases, gated"

    def add_options(self, parser) -> None:
        super().add_options(parser)
        parser.add_argument("-o", "--output", dest="output", metavar="DIR", help="directory to write the release into")
        parser.add_argument("--dataset", metavar="PATH",
                            help="checkout of the dataset repository to append approved cases to")
        parser.add_argument("--name", help="name recorded for this release (default: from the directory)")
        parser.add_argument("--license", dest="licenses", metavar="L1,L2",
                            help="write only the images under these licenses (with -o)")
        parser.add_argument("--include-needs-info", action="store_true",
                            help="also export the cases marked 'needs information', with the finding 'todo'")
        parser.add_argument("--reports", metavar="DIR",
                            help="with --dataset: where the release's CHANGELOG.md, manifest.json and report/ go "
                                 "(DIR/<name>/; default RELEASE_REPORTS_DIR, data/releases)")
        parser.add_argument("--reports-in-checkout", action="store_true",
                            help="with --dataset: write CHANGELOG.md, manifest.json and report/ "
                                 "into the checkout's root")
        parser.add_argument("--state", choices=(ReviewState.APPROVED.value, ReviewState.STAGED.value),
                            default=ReviewState.APPROVED.value,
                            help="'staged' writes a preview of staged cases (placeholder ids, gates not enforced)")

    def execute(self, args, opts):
        if bool(opts.output) == bool(opts.dataset):
            raise CommandError("give either -o DIR (a release directory) or --dataset PATH (a dataset checkout)")
        if opts.dataset and (opts.licenses or opts.state != ReviewState.APPROVED):
            raise CommandError("--license and --state write a separate release: use them with -o DIR, not --dataset")
        if not opts.dataset and (opts.reports or opts.reports_in_checkout):
            raise CommandError("--reports and --reports-in-checkout go with --dataset "
                               "(a release directory holds its own)")
        if opts.reports and opts.reports_in_checkout:
            raise CommandError("give --reports DIR or --reports-in-checkout, not both")
        reports = None if opts.reports_in_checkout else (opts.reports or self.settings.get("RELEASE_REPORTS_DIR"))
        setting = self.settings.get("EXPORT_LICENSES") or ""
        allowed = _license_list(setting, "EXPORT_LICENSES") if setting.strip() else gates.DEFAULT_LICENSES
        subset = _license_list(opts.licenses, "--license") if opts.licenses else None
        try:
            if opts.dataset:
                release.checkout_root(opts.dataset)  # a wrong path creates no staging database either
                options = release.ExportOptions(name=opts.name, allowed=allowed, reports=reports,
                                                include_needs_info=opts.include_needs_info)
                report = release.export_into_dataset(self.engine(), self.media_store(), opts.dataset, options,
                                                     progress)
            else:
                options = release.ExportOptions(name=opts.name, licenses=subset, state=opts.state, allowed=allowed,
                                                include_needs_info=opts.include_needs_info)
                report = release.export_release(self.engine(), self.media_store(), opts.output, options, progress)
        except release.ExportRefused as exc:
            raise CommandError(str(exc)) from None
        except release.ExportError as exc:
            raise CommandError(str(exc)) from None
        except OSError as exc:  # -o on a read-only or full disk: the release was built beside it and removed
            where = exc.filename or opts.output or opts.dataset
            raise CommandError(f"{where}: cannot write the release ({exc.strerror or exc}); nothing was changed: "
                               "free space or choose a writable directory, then run the export again") from None
        if report.recovered:
            print(f"note: {report.recovered}")
        if report.nothing_new:
            print(f"{report.path}: nothing new to release ({report.released_rows} rows; no approved case is missing "
                  "from it); nothing was changed")
        else:
            print(f"wrote {report.path}: {report.rows} rows ({report.released_rows} released, {report.new_rows} new"
                  f"{f', {report.removed} left out by the license subset' if report.removed else ''}), "
                  f"{report.files_written} files, metadata.csv sha256 {report.metadata_sha256[:12]}")
            home = report.artefacts
            print(f"  report:    {home}/report/index.html\n  manifest:  {home}/manifest.json\n"
                  f"  changelog: {home}/CHANGELOG.md"
                  + (f" (and {reports}/CHANGELOG.md, every release)" if opts.dataset and reports else ""))
        if opts.state == ReviewState.STAGED:
            print(f"  preview: placeholder patient ids 'staged-<case id>'; {len(report.failures)} gate failure(s) "
                  "that would refuse a release:")
            for failure in report.failures:
                print(f"    {failure.render()}")
        if report.preexisting:
            print(f"  {report.preexisting} defect(s) already in the dataset are reported in manifest.json "
                  "and the report (never rewritten); `scrapy validate` lists them")
        if report.missing_files:
            print(f"  {len(report.missing_files)} referenced file(s) are not in the media store "
                  f"(imported from a bare metadata.csv?), e.g. {report.missing_files[0]}; "
                  "import the dataset checkout to include them")
        return 0
