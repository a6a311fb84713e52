"""``scrapy migrate``: upgrade the staging database to the newest schema revision."""

from cli import ProjectCommand
from db.session import database_url, head_revision, make_engine, upgrade_database


class Command(ProjectCommand):
    def syntax(self) -> str:
        return "[--revision REV]"

    def short_desc(self) -> str:
        return "Upgrade the staging database schema (every command also does it on start)"

    def add_options(self, parser) -> None:
        super().add_options(parser)
        parser.add_argument("--revision", default="head", help="target Alembic revision (default: head)")

    def execute(self, args, opts):
        url = database_url(self.settings)
        engine = make_engine(url)
        before, after = upgrade_database(engine, opts.revision)
        shown = engine.url.render_as_string(hide_password=True)
        if before == after:
            print(f"{shown}: already at revision {after} (newest: {head_revision()})")
        else:
            print(f"{shown}: upgraded from revision {before or 'empty'} to {after}")
