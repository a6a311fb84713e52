"""``scrapy import-dataset PATH``: load a dataset checkout or a bare metadata.csv as the released baseline."""

from cli import CommandError, ProjectCommand, lazy_import, progress

baseline = lazy_import("exports.baseline")
csvio = lazy_import("exports.csvio")


class Command(ProjectCommand):
    positional = (0, None)  # checked by execute, with the command's own usage line

    def syntax(self) -> str:
        return "PATH"

    def short_desc(self) -> str:
        return "Import a dataset checkout (metadata.csv, images/, volumes/) or a metadata.csv as released rows"

    def execute(self, args, opts):
        if len(args) != 1:
            raise CommandError("give one PATH: a checkout of the dataset, or a metadata.csv")
        try:
            baseline.metadata_csv_of(args[0])  # a wrong path creates no staging database either
            report = baseline.import_dataset(args[0], self.engine(), self.media_store(), progress)
        except (baseline.DatasetError, csvio.MetadataFormatError) as exc:
            raise CommandError(f"{exc}; nothing was imported: fix the file and run the import again") from None
        for name in report.skipped_files:
            print(f"skipped hidden file {name} (not an image; `scrapy validate` reports it)")
        if report.released_cases:
            print(f"{report.released_cases} staged cases are in this dataset already: marked released "
                  "(`scrapy cases list --state released`), never exported as new patients")
        if report.unchanged:
            print(f"{args[0]}: {report.rows} rows, {report.files} files; "
                  f"identical to the last import (#{report.import_id}), nothing changed")
            return 0
        print(f"{args[0]}: imported {report.rows} rows and {report.files} files as import #{report.import_id}")
        print(f"  rows: {report.added} added, {report.changed} changed, {report.removed} removed")
        print(f"  files: {report.files_added} new, {report.files_removed} removed")
        if report.annotations:
            counts = report.annotations
            kinds = ", ".join(f"{counts[k]} {k}" for k in ("severity", "mask", "box", "record") if counts.get(k))
            print(f"  annotations: {counts.get('files', 0)} files ({kinds or 'no annotation keyed by filename'}); "
                  "`scrapy validate` checks them")
        return 0
