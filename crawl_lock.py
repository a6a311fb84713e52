"""One run of a spider per staging database at a time, on every backend and machine.

Where the lock lives follows the database, so everything crawling into one database sees it:

* ``CRAWL_LOCK_DIR`` set: ``crawl-<spider>.lock`` there (an ``flock``; the directory may be shared).
* SQLite: ``crawl-<spider>.lock`` beside the database file (an ``flock``).
* PostgreSQL: a session advisory lock on the server (``pg_try_advisory_lock``), held by one
  connection for the life of the crawl, so crawls on other machines see it too.

Both kinds are released by the system when the process ends, even on SIGKILL (the kernel drops
the ``flock``; the server ends the session of a closed connection).

Workers of one shared-frontier run (``REDIS_URL``, see frontier.py) take the lock *shared*: any
number of them crawl together, while a run of the same spider outside the shared frontier (which
takes it exclusively) is refused, and so is a worker while such a run holds it.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import socket
from pathlib import Path

from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from schema import IngestError

PROJECT_ROOT = Path(__file__).resolve().parent


class CrawlLocked(IngestError, RuntimeError):
    """Another run of the same spider holds the lock."""


def _holder_text(holder: str) -> str:
    return holder or "unknown process"


def _message(holder: str, where: str, shared: bool) -> str:
    if shared:
        return ("a crawl of this spider outside the shared frontier is running "
                f"({_holder_text(holder)}; lock {where}). "
                "Wait for it to finish; a worker would fetch and stage its cases a second time.")
    return (f"another crawl of this spider is running ({_holder_text(holder)}; lock {where}). "
            "Wait for it to finish; two runs would fetch and stage the same cases twice.")


class FileLock:
    """An ``flock`` on a file: exclusive for a run, shared for the workers of a shared-frontier run."""

    def __init__(self, path: Path, shared: bool = False):
        self.path, self.shared = path, shared
        self.handle = None

    def acquire(self) -> FileLock:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle = open(self.path, "a+")  # noqa: SIM115 - held for the life of the crawl
        try:
            fcntl.flock(handle.fileno(), (fcntl.LOCK_SH if self.shared else fcntl.LOCK_EX) | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip()
            handle.close()
            raise CrawlLocked(_message(holder, str(self.path), self.shared)) from None
        if not self.shared:  # the holder's name; shared holders leave the file to each other
            handle.seek(0)
            handle.truncate()
            handle.write(f"pid {os.getpid()} on {socket.gethostname()}")
            handle.flush()
        self.handle = handle
        return self

    def release(self) -> None:
        if self.handle is not None:
            self.handle.close()
            self.handle = None


def advisory_key(spider_name: str) -> int:
    """A stable signed 64-bit key per spider (advisory locks are keyed by a bigint)."""
    digest = hashlib.sha256(f"covid-chestxray-ingest crawl {spider_name}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


class AdvisoryLock:
    """A PostgreSQL session advisory lock, held by a connection of its own for the whole crawl."""

    def __init__(self, url: str, spider_name: str, shared: bool = False):
        self.url, self.spider_name, self.shared = url, spider_name, shared
        self.key = advisory_key(spider_name)
        self.engine: Engine | None = None
        self.connection = None

    def acquire(self) -> AdvisoryLock:
        name = f"crawl {self.spider_name} pid {os.getpid()} on {socket.gethostname()}"
        self.engine = create_engine(self.url, poolclass=NullPool, isolation_level="AUTOCOMMIT",
                                    connect_args={"application_name": name[:63]})
        self.connection = self.engine.connect()
        function = "pg_try_advisory_lock_shared" if self.shared else "pg_try_advisory_lock"
        if not self.connection.execute(text(f"SELECT {function}(:key)"), {"key": self.key}).scalar():
            holder = self._holders()
            self.release()
            raise CrawlLocked(_message(holder, f"advisory lock {self.key} on the database server", self.shared))
        return self

    def _holders(self) -> str:
        # An advisory lock's bigint key is split over classid (high 32 bits) and objid (low 32 bits).
        rows = self.connection.execute(text(
            "SELECT a.application_name FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
            "WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1 "
            "AND l.classid::bigint = (:key >> 32) & 4294967295 AND l.objid::bigint = :key & 4294967295"),
            {"key": self.key}).scalars()
        return ", ".join(sorted(r for r in rows if r))

    def release(self) -> None:
        if self.connection is not None:
            self.connection.close()  # the session ends and with it the lock
            self.connection = None
        if self.engine is not None:
            self.engine.dispose()
            self.engine = None


def crawl_lock(settings, spider_name: str, database: str, shared: bool = False) -> FileLock | AdvisoryLock:
    """The lock for runs of ``spider_name`` into ``database`` (not yet acquired)."""
    directory = settings.get("CRAWL_LOCK_DIR")
    parsed = make_url(database)
    if not directory and parsed.get_backend_name() == "postgresql":
        return AdvisoryLock(database, spider_name, shared)
    if not directory:
        if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
            directory = str(Path(parsed.database).resolve().parent)
        else:
            directory = str(PROJECT_ROOT / "data")
    return FileLock(Path(directory) / f"crawl-{spider_name}.lock", shared)
