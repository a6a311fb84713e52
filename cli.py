"""What every project command shares: settings to database and media store, progress, errors.

It lives outside ``commands/`` because Scrapy registers every command class found in that
package, base classes included.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from collections.abc import Iterable

from scrapy.commands import ScrapyCommand
from tqdm import tqdm

from db.media import MediaStore
from db.session import database_url, open_database


class CommandError(Exception):
    """An error the user can act on: printed as one line with what to do next, exit status 1."""


def progress(items: Iterable, label: str, total: int) -> Iterable:
    """A progress bar on a terminal; silent in cron jobs, CI and pipes."""
    return tqdm(items, desc=label, total=total, unit="", disable=not sys.stderr.isatty() or total < 50, leave=False)


class ProjectCommand(ScrapyCommand):
    """A command of this project: needs the project settings, never starts a crawler."""

    requires_project = True
    requires_crawler_process = False
    default_settings = {"LOG_ENABLED": True, "LOG_LEVEL": "WARNING"}

    def engine(self):
        return open_database(database_url(self.settings))

    def media_store(self) -> MediaStore:
        return MediaStore(self.settings.get("MEDIA_STORE"))

    def reviewer(self) -> str:
        return self.settings.get("REVIEWER") or getpass.getuser()

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        try:
            self.exitcode = self.execute(args, opts) or 0
        except CommandError as exc:
            print(f"error: {exc}", file=sys.stderr)
            self.exitcode = 1

    def execute(self, args: list[str], opts: argparse.Namespace) -> int | None:  # pragma: no cover - abstract
        raise NotImplementedError
