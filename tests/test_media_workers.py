"""media/workers.py: the media checks of a crawl in worker processes give what they give in a
thread (facts, hashes, thumbnails, conversions, stored files, refusals), a dead worker fails its
jobs and the next job gets a new pool, and no worker outlives its crawl, even one killed."""

from __future__ import annotations

import io
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from media.convert import MediaRejected
from media.store import MediaStore
from media.workers import BrokenProcessPool, MediaWorkers
from pipelines import keep_download
from tests.conftest import ROOT

LIMITS = (50 * 1024 * 1024, 64_000_000)


def _encoded(img: Image.Image, fmt: str, **params) -> bytes:
    out = io.BytesIO()
    img.save(out, format=fmt, **params)
    return out.getvalue()


def bodies() -> dict[str, bytes]:
    """Downloads of every kind the checks treat apart: kept as they are, stripped, converted, refused."""
    rng = np.random.default_rng(7)
    gray = Image.fromarray(rng.integers(0, 256, (96, 80), dtype=np.uint8), "L")
    exif = Image.Exif()
    exif[0x010E] = "patient name"
    wide = Image.fromarray((rng.integers(0, 4096, (64, 64)) * 16).astype(np.uint16))
    return {
        "png": _encoded(gray, "PNG"),
        "jpeg-with-exif": _encoded(gray.convert("RGB"), "JPEG", exif=exif.tobytes()),
        "png-16-bit": _encoded(wide, "PNG"),
        "palette": _encoded(gray.convert("P"), "PNG"),
        "cmyk-jpeg": _encoded(gray.convert("CMYK"), "JPEG"),
        "html": b"<!doctype html><html><body>Not found</body></html>",
        "truncated": _encoded(gray, "PNG")[:300],
        "too-many-pixels": _encoded(Image.new("L", (9000, 8000)), "PNG"),
    }


def outcome(job, *args):
    """What a job gave: its result, or its exception as (type, reason, message)."""
    try:
        return job(*args)
    except MediaRejected as exc:
        return (type(exc).__name__, exc.reason, str(exc))


def store_files(root: Path) -> list[tuple[str, bytes]]:
    return sorted((str(p.relative_to(root)), p.read_bytes()) for p in root.rglob("*") if p.is_file())


def test_the_workers_give_what_a_thread_gives(tmp_path):
    inline, pooled = MediaStore(tmp_path / "inline"), MediaStore(tmp_path / "pooled")
    workers = MediaWorkers(2)
    try:
        for name, body in bodies().items():
            for kind in ("image", "slice"):
                expected = outcome(keep_download, inline, body, kind, *LIMITS)
                future = workers.submit(keep_download, pooled, body, kind, *LIMITS)
                got = outcome(future.result, 30)
                assert got == expected, (name, kind)
                if name == "html":
                    assert expected == ("MediaRejected", "not-an-image", "rejected:not-an-image: the bytes are html")
    finally:
        cpu = workers.close()
    assert cpu > 0
    assert store_files(tmp_path / "pooled") == store_files(tmp_path / "inline")
    assert len(store_files(tmp_path / "inline")) >= 6  # kept, stripped, converted and their originals


def test_a_dead_worker_fails_its_job_and_the_next_job_gets_a_new_pool(tmp_path):
    workers = MediaWorkers(1)
    try:
        pid = workers.submit(os.getpid).result(30)
        dying = workers.submit(time.sleep, 30)
        os.kill(pid, signal.SIGKILL)
        with pytest.raises(BrokenProcessPool):
            dying.result(30)
        body = bodies()["png"]
        kept = workers.submit(keep_download, MediaStore(tmp_path), body, "image", *LIMITS).result(30)
        assert kept == keep_download(MediaStore(tmp_path), body, "image", *LIMITS)
        assert workers.restarts == 1
    finally:
        workers.close()


CRAWL_STAND_IN = """
import sys, time
sys.path.insert(0, sys.argv[1])
from media.workers import MediaWorkers
workers = MediaWorkers(2)
print(" ".join(str(pid) for pid in workers.pids()), flush=True)
time.sleep(60)
"""


def _alive(pid: int) -> bool:
    """The process exists and is not a zombie (an orphan's zombie may wait for a reaper that never comes)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except FileNotFoundError:
        return False
    return "State:\tZ" not in status


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_no_worker_outlives_a_crawl_killed_with_sigkill():
    crawl = subprocess.Popen([sys.executable, "-c", CRAWL_STAND_IN, str(ROOT)], stdout=subprocess.PIPE, text=True)
    try:
        pids = [int(p) for p in crawl.stdout.readline().split()]
        assert len(pids) == 2 and all(_alive(p) for p in pids)
    finally:
        crawl.kill()
        crawl.wait()
    deadline = time.monotonic() + 10
    while any(_alive(p) for p in pids) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not any(_alive(p) for p in pids)


def test_closing_waits_for_the_workers():
    workers = MediaWorkers(2)
    pids = workers.pids()
    workers.close()
    assert len(pids) == 2 and not any(_alive(p) for p in pids)  # exited and reaped


def _burn(seconds: float) -> float:
    """Spend ``seconds`` of this process's CPU; how much it spent."""
    start = time.process_time()
    while time.process_time() - start < seconds:
        pass
    return time.process_time() - start


def test_a_pools_cpu_is_its_own_workers_not_another_pools_that_ended_meanwhile():
    """The crawl's staging process (another ``MediaWorkers``) ends before its media workers: their
    CPU (``media/workers_cpu_ms``) must not count it, as the children's total since the start did."""
    idle, busy = MediaWorkers(1), MediaWorkers(1)
    spent = busy.submit(_burn, 0.5).result(timeout=60)
    busy_cpu = busy.close()
    idle_cpu = idle.close()
    # /proc counts in clock ticks (10 ms): the busy pool's at least most of its 0.5 s
    assert spent >= 0.5 and busy_cpu >= 0.4
    assert idle_cpu < 0.25  # its own start only; the busy pool's 0.5 s are not its
