"""CPU seconds of processes that are not the bench's children (redis-server, the PostgreSQL backends
of one database), read from ``/proc`` while they live: a backend's CPU is lost to us once it exits,
so a sampler thread keeps the last value it saw of every process (Linux only)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

from media.workers import proc_cpu

#: user + system seconds of a live process, or None once it is gone (the media workers' reader).
cpu_seconds = proc_cpu


def postgres_backends(database: str) -> list[int]:
    """The backends serving ``database`` (their title is ``postgres: USER DATABASE HOST(PORT) ...``)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            title = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode("utf-8", "replace")
        except OSError:
            continue
        parts = title.split()
        if len(parts) > 2 and parts[0] == "postgres:" and parts[2] == database:
            found.append(int(entry.name))
    return found


class CpuSampler:
    """Samples, every ``interval`` seconds, the CPU of named groups of processes; ``groups`` maps a
    name to a function returning the group's pids at the moment (a group may gain and lose members).
    ``on_tick`` runs at each sample (e.g. to count lock waits)."""

    def __init__(self, groups: dict[str, Callable[[], list[int]]], interval: float = 0.2,
                 on_tick: Callable[[], None] | None = None):
        self.groups, self.interval, self.on_tick = groups, interval, on_tick
        self.last: dict[str, dict[int, float]] = {name: {} for name in groups}
        self.first: dict[str, dict[int, float]] = {name: {} for name in groups}
        self._started = False
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="cpu-sampler", daemon=True)

    def _sample(self) -> None:
        for name, pids in self.groups.items():
            for pid in pids():
                seconds = cpu_seconds(pid)
                if seconds is not None:
                    # A process born after the first sample counts from zero.
                    self.first[name].setdefault(pid, 0.0 if self._started else seconds)
                    self.last[name][pid] = seconds
        self._started = True
        if self.on_tick is not None:
            self.on_tick()

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            self._sample()

    def __enter__(self) -> CpuSampler:
        self._sample()
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()
        self._sample()

    def seconds(self, name: str) -> float:
        """CPU the group spent between the start and the end of sampling (up to one interval of a
        process that exited in between is missed)."""
        return sum(last - self.first[name][pid] for pid, last in self.last[name].items())
