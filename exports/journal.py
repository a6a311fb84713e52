"""One export into a dataset checkout at a time, journaled so that a killed export is undone.

``scrapy export --dataset PATH`` changes the checkout in steps (new files placed, ``metadata.csv``
appended, ``CHANGELOG.md`` / ``manifest.json`` replaced, ``report/`` swapped, the release recorded
in the database). A second export started meanwhile, or a kill between two steps, used to leave
unreferenced images, two releases, or a checkout without its manifest.

* ``checkout_lock(root)``: an exclusive ``flock`` on ``<root>/.ingest-export.lock`` (released by
  the OS even on SIGKILL); a second export fails at once with a clear message. The file is removed
  when the export ends; a lock taken on a file that was removed meanwhile is taken again.
* ``Journal``: ``<root>/.ingest-export.journal.json``, written (atomically) before each step with
  what the step will change and how to take it back: the new files with their SHA-256, the size and
  SHA-256 of ``metadata.csv`` before and after, copies of the replaced ``CHANGELOG.md`` and
  ``manifest.json`` and the old ``report/`` (kept in the export's work directory beside the
  checkout); for the reports outside the checkout (``RELEASE_REPORTS_DIR``, ``--reports``) a copy
  of the running changelog and the release's previous reports directory. ``undo`` takes back every
  step it finds done, each on its own: a step that cannot be undone is reported and the others are
  still undone. Only what the journal names, with the bytes the journal recorded, is ever removed or
  restored.

The next export into the checkout finds the journal and undoes the interrupted export (or, when the
release was recorded already, only clears the journal), then exports as if nothing had happened.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import hashlib
import json
import os
import shutil
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path

from media.store import file_sha256, write_atomically
from schema import IngestError

LOCK_NAME = ".ingest-export.lock"
JOURNAL_NAME = ".ingest-export.journal.json"
#: Files of the checkout root an export replaces (and keeps a copy of first).
REPLACED = ("CHANGELOG.md", "manifest.json")


class CheckoutBusy(IngestError, RuntimeError):
    """Another export into the same checkout holds its lock."""


class CheckoutNotWritable(IngestError, RuntimeError):
    """The checkout (or the folder beside it) cannot be written."""


@contextmanager
def checkout_lock(root: Path) -> Iterator[None]:
    """Hold ``<root>/.ingest-export.lock`` for the block; ``CheckoutBusy`` if another export does."""
    path = root / LOCK_NAME
    while True:
        try:
            fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, 0o644)  # never truncate a file a link points at
        except OSError as exc:
            if exc.errno == errno.ELOOP:
                raise CheckoutNotWritable(f"{path} is a symbolic link; remove it (an export never follows links out "
                                          "of the checkout)") from None
            raise CheckoutNotWritable(f"{root}: cannot write into the checkout ({exc.strerror}); nothing was changed: "
                                      "make it writable, then run the export again") from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.read(fd, 200).decode("utf-8", "replace").strip()
            os.close(fd)
            raise CheckoutBusy(f"another export into {root} is running ({holder or 'unknown process'}); "
                               "wait for it to finish, then run this export again") from None
        try:
            same = os.fstat(fd).st_ino == os.stat(path).st_ino
        except FileNotFoundError:
            same = False
        if same:
            break
        os.close(fd)  # the previous holder removed the file after we opened it: lock the new one
    try:
        os.ftruncate(fd, 0)
        os.write(fd, f"pid {os.getpid()}".encode())
        yield
    finally:
        path.unlink(missing_ok=True)
        os.close(fd)


#: Threads unlinking a work directory's files (``remove_tree``).
_REMOVERS = 8


def remove_tree(path: str | Path) -> None:
    """``shutil.rmtree(path, ignore_errors=True)``, the files unlinked by several threads first.

    A refused release leaves its 10,000 new files in the work directory. Once the kernel has written
    them out (30 s after they were written, the bench's export takes longer), removing them one at a
    time waits on the disk for each: on this machine's ext4 (mounted with ``discard``) 10,000 files of
    60 kB took 18.8 and 30.7 s with ``shutil.rmtree``, 1.7 and 2.3 s on 8 threads, for the same 0.4 s
    of CPU. Symbolic links inside are unlinked, never followed (``os.walk`` does not enter them)."""
    files: list[str] = []
    for folder, _, names in os.walk(path) if not os.path.islink(path) else ():  # rmtree refuses a link itself
        files += [os.path.join(folder, name) for name in names]
    if len(files) > _REMOVERS:
        with ThreadPoolExecutor(_REMOVERS, thread_name_prefix="remove-tree") as pool:
            list(pool.map(_unlink_all, [files[k::_REMOVERS] for k in range(_REMOVERS)]))
    shutil.rmtree(path, ignore_errors=True)


def _unlink_all(paths: list[str]) -> None:
    for path in paths:
        with contextlib.suppress(OSError):  # gone already, or not ours to remove: as rmtree's ignore_errors
            os.unlink(path)


@dataclass
class Journal:
    """What an export into ``root`` is changing, step by step (``phase``), and how to undo it."""

    root: str
    name: str
    #: The export's work directory beside the checkout: new files, artefacts, copies of replaced ones.
    work: str
    pid: int = field(default_factory=os.getpid)
    #: planning -> placing -> metadata -> artefacts -> recording (each written before the step starts;
    #: "planning" changes nothing in the checkout, only the work directory is there to remove).
    phase: str = "placing"
    #: ``[relative path, sha256]`` of every new file.
    files: list[list[str]] = field(default_factory=list)
    metadata_before_size: int = 0
    metadata_before_sha256: str = ""
    metadata_after_sha256: str = ""
    #: name -> sha256 of the new bytes, for CHANGELOG.md and manifest.json.
    replaced_after: dict[str, str] = field(default_factory=dict)
    #: name -> whether the checkout had it before (its copy is ``<work>/before/<name>``).
    replaced_existed: dict[str, bool] = field(default_factory=dict)
    report_existed: bool = False
    #: relative path -> [size before (-1: the file was new), SHA-256 before, SHA-256 after] of a file
    #: the export appends to (annotations/covid-severity-scores.csv).
    appended: dict[str, list] = field(default_factory=dict)
    #: The reports directory outside the checkout (``--reports``, RELEASE_REPORTS_DIR) once the step
    #: that writes ``<reports>/<name>/`` and ``<reports>/CHANGELOG.md`` started; "" before or without it.
    reports: str = ""
    reports_home_existed: bool = False
    reports_changelog_existed: bool = False
    reports_changelog_after: str = ""

    @property
    def path(self) -> Path:
        return Path(self.root) / JOURNAL_NAME

    @property
    def backups(self) -> Path:
        return Path(self.work) / "before"

    def reports_paths(self) -> tuple[Path, Path, Path]:
        """``<reports>/<name>``, and beside it the new one being built and the old one kept until the end."""
        reports = Path(self.reports)
        return reports / self.name, reports / f".{self.name}.export-new", reports / f".{self.name}.export-before"

    def save(self, phase: str | None = None) -> None:
        if phase is not None:
            self.phase = phase
        write_atomically(self.path, json.dumps(asdict(self), indent=1).encode("utf-8"))

    def clear(self) -> None:
        """The export is complete (or undone): forget the journal, then the work directory (and the
        old reports of the release's name, replaced)."""
        self.path.unlink(missing_ok=True)
        remove_tree(self.work)
        if self.reports:
            for leftover in self.reports_paths()[1:]:
                shutil.rmtree(leftover, ignore_errors=True)

    @classmethod
    def load(cls, root: Path) -> Journal | None:
        path = root / JOURNAL_NAME
        if not path.exists():
            return None
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            return cls(**data)
        except (ValueError, TypeError) as exc:
            raise RuntimeError(f"{path}: an interrupted export left a journal that cannot be read ({exc}); "
                               "compare the checkout with git, restore it, then remove this file") from None

    # --- undo ------------------------------------------------------------------------------------

    def undo(self) -> list[str]:
        """Take back every step found done, each on its own; returns what could not be undone."""
        problems: list[str] = []
        root = Path(self.root)
        if self.reports:
            try:
                self._undo_reports()
            except OSError as exc:
                problems.append(f"{self.reports}: {exc.strerror or exc}")
        for what, step in (("report/", self._undo_report),
                           *((name, lambda n=name: self._undo_replaced(n)) for name in REPLACED),
                           ("metadata.csv", self._undo_metadata),
                           *((rel, lambda r=rel: self._undo_appended(r)) for rel in self.appended)):
            try:
                step()
            except OSError as exc:
                problems.append(f"{root / what}: {exc.strerror or exc}")
        for rel, sha in self.files:
            target = root / rel
            try:
                if target.is_file() and not target.is_symlink() and file_sha256(target) == sha:
                    target.unlink()
            except OSError as exc:
                problems.append(f"{target}: {exc.strerror or exc}")
        return problems

    def _undo_reports(self) -> None:
        """The running changelog restored, ``<reports>/<name>/`` put back as it was (or removed when
        there was none: what is there is ours)."""
        home, new, before = self.reports_paths()
        shutil.rmtree(new, ignore_errors=True)
        changelog = Path(self.reports) / "CHANGELOG.md"
        if (self.reports_changelog_after and changelog.is_file()
                and file_sha256(changelog) == self.reports_changelog_after):
            if self.reports_changelog_existed:
                write_atomically(changelog, (self.backups / "reports-CHANGELOG.md").read_bytes())
            else:
                changelog.unlink()
        if before.is_dir():
            if home.exists():
                shutil.rmtree(home)
            os.rename(before, home)
        elif not self.reports_home_existed and home.is_dir():
            shutil.rmtree(home)

    def _undo_report(self) -> None:
        root = Path(self.root)
        backup = Path(self.work) / "report-before"
        if backup.is_dir():
            if (root / "report").exists():
                shutil.rmtree(root / "report")
            os.rename(backup, root / "report")
        elif not self.report_existed and self.phase in ("artefacts", "recording") and (root / "report").is_dir():
            shutil.rmtree(root / "report")  # there was none before: this one is ours

    def _undo_replaced(self, name: str) -> None:
        target = Path(self.root) / name
        after = self.replaced_after.get(name)
        if after is None or not target.is_file() or file_sha256(target) != after:
            return  # not replaced yet (or changed by someone else since: left alone)
        if self.replaced_existed.get(name):
            write_atomically(target, (self.backups / name).read_bytes())
        else:
            target.unlink()

    def _undo_metadata(self) -> None:
        target = Path(self.root) / "metadata.csv"
        if not self.metadata_after_sha256 or not target.is_file() or file_sha256(target) != self.metadata_after_sha256:
            return
        with open(target, "rb") as fh:
            before = fh.read(self.metadata_before_size)
        if hashlib.sha256(before).hexdigest() != self.metadata_before_sha256:
            raise OSError(errno.EIO, "its first rows are not those the export started from; not restored")
        write_atomically(target, before)

    def _undo_appended(self, rel: str) -> None:
        target = Path(self.root) / rel
        before_size, before_sha, after_sha = self.appended[rel]
        if not target.is_file() or file_sha256(target) != after_sha:
            return  # not appended yet (or changed since: left alone)
        if before_size < 0:
            target.unlink()
            return
        with open(target, "rb") as fh:
            before = fh.read(before_size)
        if hashlib.sha256(before).hexdigest() != before_sha:
            raise OSError(errno.EIO, "its first rows are not those the export started from; not restored")
        write_atomically(target, before)
