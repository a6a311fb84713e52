"""Worker processes for the media checks of a crawl: ``MediaWorkers``, a process pool started once.

Why processes and not threads: checking an image (decode, pHash, centred pHash, thumbnail, 8-bit
conversion, metadata removal) holds the GIL, and so does the rest of the crawl (Twisted, the
parsers, SQLAlchemy): in threads they take turns on one core. In a worker process the checks run
on the machine's other core while the crawl goes on (docs/figures-history.md: "Crawl").

The pool is forked from the crawl (``fork``: no new interpreter to start, no import paid again;
the workers are copies of the crawl at that moment, so the crawl starts them once, early, from its
main thread, before its threads have work). A worker:

* ignores Ctrl-C (a terminal sends it to the whole process group; the crawl decides what to do,
  and a graceful stop still needs its workers), and leaves the crawl's signal wake-up pipe alone;
* dies with the crawl: ``PR_SET_PDEATHSIG`` on Linux, and a thread that watches its parent
  everywhere (a crawl killed with SIGKILL leaves no worker behind, which would also keep the
  crawl's lock file open);
* reports an error as the exception it raised (pickled back), as a thread would.

A worker that dies (killed, or a decoder crash) breaks the pool: the jobs in flight fail with
``BrokenProcessPool``, and ``submit`` starts a new pool for the next jobs.
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import ctypes
import gc
import multiprocessing
import os
import resource
import signal
import threading
from concurrent.futures.process import BrokenProcessPool
from typing import Any

#: prctl(2) option: a signal for this process when its parent dies.
_PR_SET_PDEATHSIG = 1
#: How often a worker looks for its parent (seconds), where the kernel cannot tell it.
_PARENT_POLL = 1.0


def _watch_parent(parent: int) -> None:
    """Exit this worker as soon as its parent (the crawl) is gone."""
    halt = threading.Event()
    while os.getppid() == parent:
        halt.wait(_PARENT_POLL)
    os._exit(1)


def _init_worker(parent: int) -> None:
    """Run first in every worker: signals and the tie to the crawl's life (module docstring)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # the crawl's handler would stop a copy of the crawl
    with contextlib.suppress(ValueError):
        signal.set_wakeup_fd(-1)  # the event loop's pipe is the crawl's: a signal here must not wake it
    with contextlib.suppress(OSError, AttributeError):  # not Linux: the watching thread alone
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:  # the crawl died before prctl
        os._exit(1)
    threading.Thread(target=_watch_parent, args=(parent,), name="watch-crawl", daemon=True).start()


class MediaWorkers:
    """``processes`` worker processes; ``submit`` a picklable function and its arguments, get a
    ``concurrent.futures.Future``. ``close`` waits for the workers to exit. Not thread-safe: one
    thread (the crawl's reactor) submits and closes."""

    def __init__(self, processes: int):
        self.processes = max(1, processes)
        self.restarts = 0
        self._children_cpu = _children_cpu()
        self._ended_cpu = 0.0  # CPU of the pools that broke, as they were reaped
        self._executor = self._start()

    def _start(self) -> concurrent.futures.ProcessPoolExecutor:
        executor = concurrent.futures.ProcessPoolExecutor(
            self.processes, mp_context=multiprocessing.get_context("fork"),
            initializer=_init_worker, initargs=(os.getpid(),))
        # The crawl's objects frozen while the workers are forked: a worker's garbage collector then
        # never walks them, which would write to (and so copy) every page of the crawl's heap.
        gc.freeze()
        try:
            # With fork the workers start at the first job: start them now, from this thread.
            executor.submit(os.getpid).result()
        finally:
            gc.unfreeze()
        return executor

    def submit(self, fn, *args: Any) -> concurrent.futures.Future:
        try:
            return self._executor.submit(fn, *args)
        except BrokenProcessPool:  # a worker died since the last job: a new pool for this one
            before = _children_cpu()
            self._executor.shutdown(wait=True, cancel_futures=True)
            self._ended_cpu += _children_cpu() - before
            self.restarts += 1
            self._executor = self._start()
            return self._executor.submit(fn, *args)

    def pids(self) -> list[int]:
        """The workers' process ids (for a log line, a test)."""
        return sorted(process.pid for process in (self._executor._processes or {}).values())

    def close(self) -> float:
        """Stop the workers (jobs not started are cancelled) and wait for them; returns the CPU
        seconds (user + system) they used, for the crawl's stats: read from /proc just before they
        exit, as the crawl's other pools (the staging process) end meanwhile and the children's
        total would count theirs too; elsewhere that total."""
        live = [proc_cpu(pid) for pid in self.pids()]
        self._executor.shutdown(wait=True, cancel_futures=True)
        if live and None not in live:
            return self._ended_cpu + sum(live)
        return _children_cpu() - self._children_cpu  # no /proc: every child reaped since the start


def proc_cpu(pid: int) -> float | None:
    """User + system CPU seconds of a live process (Linux /proc), or None once it is gone."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as stat:
            fields = stat.read().rsplit(b")", 1)[1].split()
    except (OSError, IndexError):
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime, stime: fields 14, 15


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


__all__ = ["BrokenProcessPool", "MediaWorkers"]
