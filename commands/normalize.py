"""``scrapy normalize``: re-run the normalizers over every staged case, keeping reviewer edits."""

from cli import ProjectCommand, lazy_import, progress

staging = lazy_import("staging.service")
actions = lazy_import("review.actions")


def record_changes(actor: str):
    """Each changed value goes into the case's review history, by the ``normalize`` actor."""

    def on_changes(session, case, changes) -> None:
        for change in changes:
            actions.record(session, case, actor, "normalize", field=change.field, before=change.before,
                           after=change.after, reason=f"re-normalized by rule {change.rule}",
                           image_id=change.image_id)

    return on_changes


class Command(ProjectCommand):
    def short_desc(self) -> str:
        return ("Re-run the normalizers over the staged cases' raw text (after a normalizer improved); "
                "reviewer edits are kept")

    def execute(self, args, opts):
        report = staging.renormalize_cases(self.engine(), progress, record_changes(f"normalize ({self.reviewer()})"))
        print(f"{report.cases} staged case(s) re-normalized; {len(report.changes)} value(s) changed "
              f"in {report.changed_cases} case(s)")
        for name, n in sorted(report.by_field().items(), key=lambda kv: -kv[1]):
            print(f"  {name:24} {n}")
        return 0
