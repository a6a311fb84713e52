"""Run a command as a child process and measure it: wall time, CPU (user + system, including the
worker processes it waited for) and peak resident memory, from ``os.wait4``."""

from __future__ import annotations

import os
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class ChildRun:
    wall: float
    cpu: float
    peak_mib: float
    stdout: str
    code: int = 0


def run_measured(args: list[str], env: dict | None = None, cwd: Path = ROOT, capture: bool = False,
                 may_fail: bool = False) -> ChildRun:
    """Run ``args``; exit the bench with the command line if it fails (unless ``may_fail``: then the
    exit code is returned). ``capture`` keeps stdout (in a file, not a pipe, so a chatty child never
    blocks)."""
    with tempfile.TemporaryFile() as out:
        start = time.perf_counter()
        proc = subprocess.Popen(args, cwd=cwd, env=env, stdout=out if capture else subprocess.DEVNULL)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        code = os.waitstatus_to_exitcode(status)
        if code != 0 and not may_fail:
            raise SystemExit(f"{' '.join(args)} failed (exit {code})")
        out.seek(0)
        text = out.read().decode("utf-8", "replace") if capture else ""
    return ChildRun(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, text, code)  # KiB -> MiB
