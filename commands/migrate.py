"""``scrapy migrate``: upgrade the staging database to the newest schema revision, then give the
cases and released rows stored before revision 0008 their identities, and describe again the
images stored before a revision added a fact about them (thumbnails, revision 0007)."""

from cli import CommandError, ProjectCommand, lazy_import, progress

identity = lazy_import("staging.identity")
imaging = lazy_import("media.imaging")
models = lazy_import("db.models")
session_ = lazy_import("db.session")


def fill_missing_thumbnails(engine, store) -> tuple[int, int]:
    """Thumbnails (and centred hashes) for stored images that lack them, read from the media
    store; returns (filled, unreadable or missing from the store). Each batch is one transaction:
    an interrupted run keeps what it wrote and the next run goes on from there."""
    from sqlalchemy import select, update

    filled = failed = 0
    for model in (models.Image, models.ReleasedFile):
        with session_.session_scope(engine) as session:
            todo = session.execute(select(model.id, model.sha256)
                                   .where(model.phash.is_not(None), model.thumb.is_(None))).all()
        updates = []
        for n, (row_id, sha) in enumerate(progress(todo, f"thumbnails ({model.__tablename__})", len(todo)), 1):
            try:
                facts = imaging.describe_image(store.read(sha))
            except (OSError, imaging.UnreadableImage):
                failed += 1
            else:
                updates.append({"id": row_id, "thumb": facts.thumb, "chash": facts.chash})
            if updates and (len(updates) == 200 or n == len(todo)):
                with session_.session_scope(engine) as session:
                    session.execute(update(model), updates)
                filled += len(updates)
                updates = []
    return filled, failed


def check_target(target: str, current: str | None) -> None:
    """A revision that exists and is not older than the database's: migrate only upgrades."""
    if target == "head":
        return
    revisions = session_.revision_order()
    if target not in revisions:
        raise CommandError(f"--revision {target!r}: no such revision; revisions: {', '.join(revisions)} (or head); "
                           "nothing was changed")
    if current in revisions and revisions.index(target) < revisions.index(current):
        raise CommandError(f"--revision {target}: the database is at revision {current}, newer than {target}; "
                           "migrate only upgrades (restore a backup to go back); nothing was changed")


class Command(ProjectCommand):
    def syntax(self) -> str:
        return "[--revision REV]"

    def short_desc(self) -> str:
        return "Upgrade the staging database schema (every command also does it on start)"

    def add_options(self, parser) -> None:
        super().add_options(parser)
        parser.add_argument("--revision", default="head", help="target Alembic revision (default: head)")

    def execute(self, args, opts):
        url = session_.database_url(self.settings)
        engine = session_.make_engine(url)
        check_target(opts.revision, session_.current_revision(engine))
        before, after = session_.upgrade_database(engine, opts.revision)
        shown = engine.url.render_as_string(hide_password=True)
        if before == after:
            print(f"{shown}: already at revision {after} (newest: {session_.head_revision()})")
        else:
            print(f"{shown}: upgraded from revision {before or 'empty'} to {after}")
        if after != session_.head_revision():
            return
        cases, linked = identity.prepare_identities(engine)
        if cases or linked.rows:
            print(f"identities: {cases} staged cases and {linked.rows} released rows linked to their natural keys"
                  + (f"; {linked.released_cases} staged cases are in the dataset already, marked released"
                     if linked.released_cases else ""))
        filled, failed = fill_missing_thumbnails(engine, self.media_store())
        if filled or failed:
            print(f"thumbnails for the duplicate check: {filled} images described again"
                  + (f"; {failed} could not be read from the media store (re-crawl or re-import them)"
                     if failed else ""))
