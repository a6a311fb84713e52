"""``scrapy <args>`` in the test's own process, seen from outside as a real process would be.

A ``scrapy`` process spends about a second of CPU importing Scrapy, SQLAlchemy, Alembic and the
project before a command does anything; most command tests need none of that to prove what they
assert. ``run_scrapy`` calls Scrapy's own entry point (``scrapy.cmdline.execute``, what the
``scrapy`` script runs) with what a process would have been given, and gives back what a process
gives back:

- the environment is exactly ``env`` (as ``subprocess.run(env=...)``), the working directory the
  project's root, ``sys.argv`` the command line, standard input ``stdin`` (empty by default: no
  terminal answers a question);
- stdout and stderr are pipes in the locale's encoding, stderr with ``backslashreplace`` like the
  interpreter's own, read back as ``subprocess.run(text=True)`` reads them;
- the exit code is the interpreter's: ``SystemExit``'s code, 1 and the traceback on stderr for an
  uncaught exception;
- ``logging`` with no handler of the test run attached, so that a warning reaches stderr through
  ``logging.lastResort`` as in a process where nothing configured logging; Python's warnings
  printed on stderr under the interpreter's default filters, not collected by pytest;
- the project's ``settings`` module imported again (it reads the environment on import).

All of it is put back afterwards, so tests (and pytest-xdist workers) share nothing through it.
A crawl cannot run here: Twisted's reactor starts once per process and never again, so a command
that gets as far as starting a crawler process fails the test instead (crawls are tested as
processes). Modules stay imported between runs, with their caches, as in a long-running server.
"""

from __future__ import annotations

import contextlib
import io
import locale
import logging
import os
import subprocess
import sys
import traceback
import warnings
from collections.abc import Iterator
from pathlib import Path
from unittest import mock

ROOT = Path(__file__).resolve().parent.parent


class CrawlInTestProcess(AssertionError):
    """A command tested in-process tried to start a crawl."""


def _refuse_crawler_process(*_args, **_kwargs):
    raise CrawlInTestProcess("a crawl cannot run in the test process (Twisted's reactor does not restart): "
                             "run it as a process (the scrapy_cmd fixture)")


class _Pipe(io.TextIOWrapper):
    """One end of a pipe to the test: text in the locale's encoding, never a terminal."""

    def __init__(self, data: bytes = b"", errors: str = "strict") -> None:
        super().__init__(io.BytesIO(data), encoding=locale.getpreferredencoding(False), errors=errors)

    def written(self) -> str:
        """What was written, decoded with universal newlines as ``subprocess.run(text=True)`` does."""
        self.flush()
        data = self.buffer.getvalue().decode(self.encoding)
        return data.replace("\r\n", "\n").replace("\r", "\n")


#: The interpreter's default warning filters (``python -W`` and ``PYTHONWARNINGS`` unset), the last first.
_DEFAULT_WARNING_FILTERS = (("ignore", ResourceWarning), ("ignore", ImportWarning),
                            ("ignore", PendingDeprecationWarning), ("ignore", DeprecationWarning))


def _print_warning(message, category, filename, lineno, file=None, line=None) -> None:
    sys.stderr.write(warnings.formatwarning(message, category, filename, lineno, line))


@contextlib.contextmanager
def _process_warnings() -> Iterator[None]:
    """Warnings as a new process shows them: on stderr, under the default filters."""
    with warnings.catch_warnings():
        warnings.resetwarnings()
        for action, category in _DEFAULT_WARNING_FILTERS:
            warnings.simplefilter(action, category)
        warnings.filterwarnings("default", category=DeprecationWarning, module="__main__")
        warnings.showwarning = _print_warning
        yield


@contextlib.contextmanager
def _process_state(env: dict[str, str], stdin: _Pipe, stdout: _Pipe, stderr: _Pipe) -> Iterator[None]:
    """This process made to look like a new ``scrapy`` process for the block; everything put back after."""
    saved_env, saved_cwd, saved_path = dict(os.environ), os.getcwd(), list(sys.path)
    saved_streams, saved_argv = (sys.stdin, sys.stdout, sys.stderr), sys.argv
    saved_settings = sys.modules.pop("settings", None)
    root = logging.getLogger()
    saved_handlers = root.handlers[:]
    try:
        os.environ.clear()
        os.environ.update(env)
        os.chdir(ROOT)
        sys.stdin, sys.stdout, sys.stderr = stdin, stdout, stderr
        root.handlers = []
        with mock.patch("scrapy.cmdline.CrawlerProcess", _refuse_crawler_process), \
                mock.patch("scrapy.cmdline.AsyncCrawlerProcess", _refuse_crawler_process), _process_warnings():
            yield
    finally:
        root.handlers = saved_handlers
        sys.stdin, sys.stdout, sys.stderr = saved_streams
        sys.argv, sys.path[:] = saved_argv, saved_path
        os.chdir(saved_cwd)
        os.environ.clear()
        os.environ.update(saved_env)
        sys.modules.pop("settings", None)
        if saved_settings is not None:
            sys.modules["settings"] = saved_settings


def _exit_code(exited: SystemExit, stderr: _Pipe) -> int:
    """The status the interpreter exits with for ``exited`` (a message is printed, and means 1)."""
    if exited.code is None:
        return 0
    if isinstance(exited.code, int):
        return exited.code
    print(exited.code, file=stderr)
    return 1


def run_scrapy(args: tuple[str, ...], env: dict[str, str], stdin: str | None = None) -> subprocess.CompletedProcess:
    """``scrapy <args>`` in this process: a ``CompletedProcess`` as ``subprocess.run(["scrapy", *args],
    env=env, input=stdin, capture_output=True, text=True)`` would return it."""
    from scrapy.cmdline import execute

    stdout, stderr = _Pipe(), _Pipe(errors="backslashreplace")
    stdin_pipe = _Pipe((stdin or "").encode(locale.getpreferredencoding(False)))
    argv = ["scrapy", *args]
    with _process_state(env, stdin_pipe, stdout, stderr):
        sys.argv = list(argv)
        try:
            execute(list(argv))
            code = 0
        except SystemExit as exited:
            code = _exit_code(exited, stderr)
        except CrawlInTestProcess:
            raise
        except Exception:
            traceback.print_exc(file=stderr)
            code = 1
    return subprocess.CompletedProcess(argv, code, stdout.written(), stderr.written())
