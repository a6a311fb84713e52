"""Fault tests: real processes killed at named points (faults.py), a fault-injecting proxy."""

from __future__ import annotations

import os
import signal
import subprocess

import pytest

from tests.conftest import ROOT, SCRAPY
from tests.databases import new_database
from tests.e2e.conftest import FAST, crawl, mirror_of, rows, snapshot  # noqa: F401 - fixtures re-used here

KILLED = -signal.SIGKILL


@pytest.fixture
def scrapy_run(project_env):
    """``scrapy_run(*args, kill_at=None, env=None)``: a real ``scrapy`` process in the project;
    ``kill_at`` sets ``INGEST_KILL_AT`` (the process then dies by SIGKILL at that point)."""

    def run(*args: str, kill_at: str | None = None, env: dict | None = None) -> subprocess.CompletedProcess:
        environment = {**project_env, **(env or {})}
        environment.pop("INGEST_KILL_AT", None)
        if kill_at:
            environment["INGEST_KILL_AT"] = kill_at
        return subprocess.run([SCRAPY, *args], cwd=ROOT, env=environment, capture_output=True, text=True, timeout=300)

    return run


def crawl_argv(spider: str, mirror, **arguments: str) -> list[str]:
    """``scrapy crawl`` arguments for a crawl of ``mirror`` (a Mirror, a FaultProxy or a base URL)."""
    base_url = mirror if isinstance(mirror, str) else mirror.base_url
    argv = ["crawl", spider, "-a", f"base_url={base_url}", *FAST]
    for name, value in arguments.items():
        argv += ["-a", f"{name}={value}"]
    return argv


@pytest.fixture
def proxied(mirror_of):
    """``proxied(site)``: the site's mirror behind a FaultProxy (started; stopped after the test)."""
    from tests.faults.proxy import FaultProxy

    proxies = []

    def start(site: str):
        proxy = FaultProxy(mirror_of(site).base_url)
        proxy.start()
        proxies.append(proxy)
        return proxy

    yield start
    for proxy in proxies:
        proxy.stop()


def other_database(tmp_path, name: str) -> tuple[str, dict[str, str]]:
    """A second database and media store (for the uninterrupted run to compare with), on the
    backend under test (tests/databases.py; dropped when the test process ends)."""
    url = new_database(tmp_path / name)
    (tmp_path / name).mkdir(exist_ok=True)
    return url, {"STAGING_DB_URL": url, "MEDIA_STORE": str(tmp_path / name / "media")}


def uninterrupted_crawl(tmp_path, spider: str, **arguments: str) -> str:
    """A crawl of ``spider``'s mirror never interrupted, in a database of its own: its URL (what a
    killed crawl run again must end like)."""
    from tests.mirror import Mirror

    url, env = other_database(tmp_path, "db")
    mirror = Mirror([spider])
    mirror.start()
    try:
        done = subprocess.run([SCRAPY, *crawl_argv(spider, mirror, **arguments)], cwd=ROOT, capture_output=True,
                              text=True, env={**{k: v for k, v in os.environ.items() if k != "INGEST_KILL_AT"}, **env},
                              timeout=300)
    finally:
        mirror.stop()
    assert done.returncode == 0, done.stderr[-2000:]
    return url
