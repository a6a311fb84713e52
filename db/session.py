"""Engines and sessions for the staging database, always at the newest schema revision.

``open_database(url)`` is what every command calls: it upgrades the database to the newest
Alembic revision (creating it if needed) and returns an engine. SQLite gets the pragmas a
multi-process tool needs: foreign keys enforced, WAL so a crawl and the review page can work at
the same time, and a busy timeout instead of immediate "database is locked" errors.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DatabaseError, NoSuchModuleError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import NullPool

from schema import IngestError

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DB_URL = f"sqlite:///{PROJECT_ROOT / 'data' / 'staging.sqlite3'}"
MIGRATIONS = Path(__file__).resolve().parent / "migrations"
SQLITE_BUSY_TIMEOUT_MS = 30_000
#: Key of the PostgreSQL advisory lock that serializes schema upgrades between processes.
MIGRATION_LOCK_KEY = 0x636F7669  # "covi"


class DatabaseUnavailable(IngestError):
    """``STAGING_DB_URL`` names no database this process can open (a mistyped URL, a driver not
    installed, a server down or refusing us): one line for the user, never a traceback."""


def database_url(settings=None) -> str:
    """The staging DB URL: ``-s STAGING_DB_URL=...``, else the environment, else the default."""
    if settings is not None and settings.get("STAGING_DB_URL"):
        return settings.get("STAGING_DB_URL")
    return os.environ.get("STAGING_DB_URL") or DEFAULT_DB_URL


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA synchronous=NORMAL")  # safe with WAL; a power cut may lose the last commit only
    cursor.close()


def make_engine(url: str) -> Engine:
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise DatabaseUnavailable(f"STAGING_DB_URL {url!r} is not a database URL; give sqlite:///PATH or "
                                  "postgresql+psycopg://USER@HOST/DATABASE") from None
    shown = parsed.render_as_string(hide_password=True)
    try:
        if parsed.get_backend_name() == "sqlite":
            if parsed.database and parsed.database != ":memory:":
                Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
            engine = create_engine(url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000})
            event.listen(engine, "connect", _sqlite_pragmas)
            return engine
        return create_engine(url, pool_pre_ping=True)
    except (NoSuchModuleError, ImportError) as exc:
        raise DatabaseUnavailable(f"STAGING_DB_URL {shown}: no driver for it here ({exc}); the staging database "
                                  "is SQLite (sqlite:///PATH) or PostgreSQL (postgresql+psycopg://...)") from None
    except OSError as exc:
        raise DatabaseUnavailable(f"STAGING_DB_URL {shown}: cannot make its directory ({exc.strerror}: "
                                  f"{exc.filename}); give a path this user can write") from None


def alembic_config(engine: Engine | None = None) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    if engine is not None:
        cfg.set_main_option("sqlalchemy.url", engine.url.render_as_string(hide_password=False).replace("%", "%%"))
    return cfg


def current_revision(engine: Engine) -> str | None:
    """The database's revision (None: empty); the first thing a command reads, so a database that
    cannot be reached or opened is ``DatabaseUnavailable`` here, before anything is written."""
    try:
        with engine.connect() as conn:
            return MigrationContext.configure(conn).get_current_revision()
    except DatabaseError as exc:  # unreachable, refused, not a database file, no permission
        engine.dispose()
        shown = engine.url.render_as_string(hide_password=True)
        reason = str(exc.orig).strip().splitlines()[0] if exc.orig is not None else str(exc)
        remedy = ("give STAGING_DB_URL a staging database file or a new path" if engine.dialect.name == "sqlite"
                  else "start its server or fix STAGING_DB_URL")
        raise DatabaseUnavailable(f"cannot open the staging database {shown} ({reason}); {remedy}") from None


def head_revision() -> str:
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


def revision_order() -> list[str]:
    """Every revision id, oldest first."""
    script = ScriptDirectory.from_config(alembic_config())
    return [rev.revision for rev in reversed(list(script.walk_revisions()))]


@contextmanager
def _migration_transaction(engine: Engine) -> Iterator[Connection]:
    """One transaction for the whole upgrade, held by one process at a time.

    SQLite: pysqlite runs DDL outside any transaction (it only opens one before INSERT/UPDATE/
    DELETE), so a process killed in the middle of a revision left half a schema ("table ...
    already exists" ever after). Here the driver's own transaction handling is switched off
    (``AUTOCOMMIT``) and we issue ``BEGIN IMMEDIATE`` ourselves: SQLite's DDL is transactional, so a
    kill rolls the whole upgrade back, and the write lock makes a second process wait (busy
    timeout) until the first committed; Alembic then finds the database at head and does nothing.
    PostgreSQL: DDL is transactional already; a transaction-scoped advisory lock serializes.
    """
    if engine.dialect.name == "sqlite":
        migration_engine = create_engine(engine.url, poolclass=NullPool, isolation_level="AUTOCOMMIT",
                                         connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000})
        event.listen(migration_engine, "connect", _sqlite_pragmas)
        try:
            with migration_engine.connect() as conn:
                conn.exec_driver_sql("BEGIN IMMEDIATE")
                try:
                    yield conn
                except BaseException:
                    conn.exec_driver_sql("ROLLBACK")
                    raise
                conn.exec_driver_sql("COMMIT")
        finally:
            migration_engine.dispose()
        return
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({MIGRATION_LOCK_KEY})")
        yield conn


def upgrade_database(engine: Engine, revision: str = "head") -> tuple[str | None, str | None]:
    """Upgrade to ``revision`` in one transaction (see ``_migration_transaction``); returns the
    revisions before and after."""
    with _migration_transaction(engine) as conn:
        before = MigrationContext.configure(conn).get_current_revision()  # read under the lock
        cfg = alembic_config(engine)
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)
    return before, current_revision(engine)


def check_database(url: str) -> None:
    """Raise ``DatabaseUnavailable`` unless ``url`` names a database this process can open: what a
    crawl checks before it starts (its pipelines open the database inside Scrapy's engine, where a
    failure is a logged traceback and exit status 0)."""
    engine = make_engine(url)
    try:
        current_revision(engine)
    finally:
        engine.dispose()


def open_database(url: str, upgrade: bool = True) -> Engine:
    """An engine on ``url`` at the newest revision (unless ``upgrade`` is false); a database that
    cannot be reached or opened is ``DatabaseUnavailable``, before anything is written."""
    engine = make_engine(url)
    if upgrade and current_revision(engine) != head_revision():
        upgrade_database(engine)
    return engine


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """One transaction: committed when the block ends, rolled back (nothing written) on error."""
    factory = sessionmaker(engine, expire_on_commit=False)
    with factory() as session, session.begin():
        yield session
