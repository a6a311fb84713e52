"""What every project command shares: settings to database and media store, progress, errors.

It lives outside ``commands/`` because Scrapy registers every command class found in that
package, base classes included.
"""

from __future__ import annotations

import argparse
import functools
import getpass
import importlib
import os
import sys
from collections.abc import Iterable

from scrapy.commands import ScrapyCommand
from tqdm import tqdm

from schema import IngestError


class LazyModule:
    """A module imported on its first attribute access.

    Scrapy imports every module of ``commands/`` to list the commands, whichever one runs: their
    heavy imports (SQLAlchemy and Alembic, the review app, scipy, matplotlib) cost every command
    about 1.5 s of CPU before it starts. Commands name those modules through this instead. (Not the
    standard library's ``LazyLoader``: Scrapy's ``inspect.isclass`` over a command module's names
    reads ``__class__``, which loads a lazy module; this proxy has a ``__class__`` of its own.)
    """

    __slots__ = ("_name",)

    def __init__(self, name: str) -> None:
        self._name = name

    def __getattr__(self, attribute: str):
        return getattr(importlib.import_module(self._name), attribute)

    def __repr__(self) -> str:
        return f"<lazily imported module {self._name!r}>"


def lazy_import(name: str) -> LazyModule:
    """``name`` as a ``LazyModule``."""
    return LazyModule(name)


media_store = lazy_import("media.store")
db_session = lazy_import("db.session")


class CommandError(IngestError):
    """An error the user can act on: printed as one line with what to do next, exit status 1."""


def progress(items: Iterable, label: str, total: int) -> Iterable:
    """A progress bar on a terminal; silent in cron jobs, CI and pipes."""
    return tqdm(items, desc=label, total=total, unit="", disable=not sys.stderr.isatty() or total < 50, leave=False)


class ProjectCommand(ScrapyCommand):
    """A command of this project: needs the project settings, never starts a crawler."""

    requires_project = True
    requires_crawler_process = False
    default_settings = {"LOG_ENABLED": True, "LOG_LEVEL": "WARNING"}
    #: how many positional arguments the command takes (min, max); None: no maximum
    positional: tuple[int, int | None] = (0, 0)

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        name = self.__module__.rsplit(".", 1)[-1]

        def one_line(message: str) -> None:  # argparse prints the usage and exits 2
            print(f"error: {message} (scrapy {name} -h for the options)", file=sys.stderr)
            sys.exit(1)

        parser.error = one_line  # type: ignore[method-assign]

    def engine(self):
        return db_session.open_database(db_session.database_url(self.settings))

    @functools.cached_property
    def engine_(self):
        """The staging database, opened (created and migrated if new) at its first use: a verb that
        refuses its arguments first (``cases approve one``) leaves no new database behind."""
        return self.engine()

    def media_store(self):
        """The store ``MEDIA_STORE`` names (a ``media.store.MediaStore``), checked (a URI's server
        reached) before any work."""
        try:
            store = media_store.open_media_store(self.settings.get("MEDIA_STORE"), self.settings)
            store.check()
        except media_store.MediaStoreError as exc:
            raise CommandError(str(exc)) from None
        return store

    def reviewer(self) -> str:
        return self.settings.get("REVIEWER") or getpass.getuser()

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        try:
            self.check_arguments(args)
            self.exitcode = self.execute(args, opts) or 0
            sys.stdout.flush()
        except CommandError as exc:
            print(f"error: {exc}", file=sys.stderr)
            self.exitcode = 1
        except db_session.DatabaseUnavailable as exc:  # STAGING_DB_URL unusable: the user's to fix
            print(f"error: {exc}", file=sys.stderr)
            self.exitcode = 1
        except BrokenPipeError:
            # the reader went away (`... | head`): no traceback; stdout is dropped so that the
            # interpreter's own flush at exit does not fail again
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            print("error: the output was closed before the command finished (piped into head?)", file=sys.stderr)
            self.exitcode = 1

    def check_arguments(self, args: list[str]) -> None:
        """Options Scrapy did not know arrive as arguments: name them instead of ignoring them."""
        name = self.__module__.rsplit(".", 1)[-1]
        unknown = [a for a in args if a.startswith("-") and len(a) > 1]
        if unknown:
            raise CommandError(f"unknown option(s) {' '.join(unknown)} (scrapy {name} -h for the options)")
        low, high = self.positional
        if len(args) < low or (high is not None and len(args) > high):
            usage = f"scrapy {name} takes no argument" if high == 0 else f"usage: scrapy {name} {self.syntax()}"
            raise CommandError(f"unexpected argument(s): {' '.join(args) or '(none)'}; {usage}")

    def execute(self, args: list[str], opts: argparse.Namespace) -> int | None:  # pragma: no cover - abstract
        raise NotImplementedError
