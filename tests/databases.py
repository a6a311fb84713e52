"""Scratch staging databases for tests and benches: SQLite files, or databases on a PostgreSQL server.

Without ``TEST_DATABASE_URL`` every test gets a SQLite file in its own temporary directory: a copy
of a template file the process migrated once (a millisecond, where migrating cost 0.06 to 0.1 s of
CPU per test), or, for ``migrated=False``, a file not created yet (the first command creates and
migrates it, as on a user's machine; the tests of migrations ask for that).

With ``TEST_DATABASE_URL=postgresql+psycopg://USER@HOST:PORT/postgres`` (a role allowed to
``CREATE DATABASE``) every test gets a database of its own on that server. Running the migrations
for every test would cost seconds each, and even ``CREATE DATABASE ... TEMPLATE`` costs about half
a second on a busy machine, so each test process migrates one template database once, copies it
when it needs another database, and takes back the database of a finished test: the test's
connections are ended, every row is deleted and every id sequence restarted (tens of
milliseconds), so the next test sees a database exactly as fresh as a copy. Names carry the
process id (``covid_test_<pid>_<n>``), so pytest-xdist workers and two test runs against one
server never share a database; a database whose schema a test changed is dropped, not reused,
and all of them are dropped when the process exits.
"""

from __future__ import annotations

import atexit
import itertools
import os
import shutil
import tempfile
import threading
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import URL, Engine, make_url
from sqlalchemy.pool import NullPool

#: The environment variable naming the server (its maintenance database) the tests may use.
SERVER_ENV = "TEST_DATABASE_URL"


def server_url() -> str:
    """The PostgreSQL server of this test run, or "" for SQLite."""
    return os.environ.get(SERVER_ENV, "").strip()


def backend_name() -> str:
    url = server_url()
    return make_url(url).get_backend_name() if url else "sqlite"


class PostgresScratch:
    """Creates and drops databases on one server for one process."""

    def __init__(self, url: str):
        self.server = make_url(url)
        if self.server.get_backend_name() != "postgresql":
            raise ValueError(f"{SERVER_ENV}={url!r}: only a postgresql+psycopg:// URL is supported")
        self.prefix = f"covid_test_{os.getpid()}"
        self.template = f"{self.prefix}_template"
        self.counter = itertools.count(1)
        self.lock = threading.Lock()
        self._admin: Engine | None = None
        self._template_ready = False
        self.free: list[str] = []
        self.made: set[str] = set()

    def url_of(self, database: str) -> URL:
        return self.server.set(database=database)

    def admin(self) -> Engine:
        if self._admin is None:
            self._admin = create_engine(self.server, isolation_level="AUTOCOMMIT", pool_size=1)
        return self._admin

    def _execute(self, sql: str) -> None:
        with self.admin().connect() as conn:
            conn.execute(text(sql))

    def _ensure_template(self) -> None:
        if self._template_ready:
            return
        from db.session import open_database

        self._execute(f'DROP DATABASE IF EXISTS "{self.template}" WITH (FORCE)')
        self._execute(f'CREATE DATABASE "{self.template}"')
        engine = open_database(self.url_of(self.template).render_as_string(hide_password=False))
        engine.dispose()  # CREATE DATABASE ... TEMPLATE refuses a template with open connections
        self._template_ready = True

    def create(self, migrated: bool = True) -> str:
        """A database nobody uses: at the newest revision (a reused one, else a copy of the
        template) or empty."""
        with self.lock:
            if migrated and self.free:
                name = self.free.pop()
            else:
                name = f"{self.prefix}_{next(self.counter)}"
                if migrated:
                    self._ensure_template()
                    self._execute(f'CREATE DATABASE "{name}" TEMPLATE "{self.template}"')
                else:
                    self._execute(f'CREATE DATABASE "{name}"')
                self.made.add(name)
        return self.url_of(name).render_as_string(hide_password=False)

    def release(self, url: str) -> None:
        """The test is over: empty its database for the next one, or drop it if its schema is
        not the template's."""
        name = make_url(url).database
        # A test may leave an engine behind, its pooled connections even inside a transaction.
        self._execute(f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}'"
                      " AND pid <> pg_backend_pid()")
        engine = create_engine(self.url_of(name), poolclass=NullPool)
        try:
            if self._template_ready and self._empty_if_head(engine):
                with self.lock:
                    self.free.append(name)
                return
        finally:
            engine.dispose()
        self._execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        with self.lock:
            self.made.discard(name)

    @staticmethod
    def _empty_if_head(engine: Engine) -> bool:
        from db.models import Base
        from db.session import current_revision, head_revision

        if current_revision(engine) != head_revision():
            return False
        with engine.begin() as conn:
            present = set(conn.execute(text("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()"))
                          .scalars())
            if present != {t.name for t in Base.metadata.sorted_tables} | {"alembic_version"}:
                return False
            for table in reversed(Base.metadata.sorted_tables):  # children before parents
                conn.execute(table.delete())
            for sequence in conn.execute(text("SELECT quote_ident(sequencename) FROM pg_sequences"
                                              " WHERE schemaname = current_schema()")).scalars():
                conn.execute(text(f"ALTER SEQUENCE {sequence} RESTART"))
        return True

    def close(self) -> None:
        if self._admin is None:
            return
        for name in sorted(self.made) + ([self.template] if self._template_ready else []):
            self._execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        self._admin.dispose()
        self._admin = None


_scratch: PostgresScratch | None = None


def _postgres() -> PostgresScratch:
    global _scratch
    if _scratch is None:
        _scratch = PostgresScratch(server_url())
        atexit.register(_scratch.close)
    return _scratch


_sqlite_template: Path | None = None


def _migrated_sqlite_file() -> Path:
    """This process's SQLite database at the newest revision, made on first use, to be copied."""
    global _sqlite_template
    if _sqlite_template is None:
        from db.session import open_database

        folder = Path(tempfile.mkdtemp(prefix=f"covid-test-template-{os.getpid()}-"))
        atexit.register(shutil.rmtree, folder, True)
        path = folder / "staging.sqlite3"
        # Disposed: the last connection closed checkpoints the WAL into the file, which is then whole.
        open_database(f"sqlite:///{path}").dispose()
        _sqlite_template = path
    return _sqlite_template


def new_database(directory: Path, migrated: bool = True) -> str:
    """A staging DB URL nobody else uses, at the newest revision or (``migrated=False``) empty.
    SQLite: a file in ``directory`` (made if needed), a copy of the migrated template or not created
    yet. PostgreSQL: a new database."""
    if not server_url():
        path = directory / "staging.sqlite3"
        if migrated:
            directory.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(_migrated_sqlite_file(), path)
        return f"sqlite:///{path}"
    return _postgres().create(migrated=migrated)


def drop_database(url: str) -> None:
    """Give back a database made by ``new_database`` (SQLite files go with their directory)."""
    if make_url(url).get_backend_name() == "postgresql":
        _postgres().release(url)
