"""Shared fixtures: a scratch staging database and media store, the real sample, small releases."""

from __future__ import annotations

import contextlib
import gzip
import io
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import jinja2
import numpy as np
import pytest
from PIL import Image

from tests.databases import backend_name, drop_database, new_database
from tests.inprocess import run_scrapy

ROOT = Path(__file__).resolve().parent.parent
#: The real sample of the dataset's metadata.csv (453 published rows, byte for byte, so that a clone
#: works wherever it is put).
SAMPLE_CSV = ROOT / "tests" / "fixtures" / "reference" / "metadata-sample.csv"
SCRAPY = str(Path(sys.executable).with_name("scrapy"))


def screenshot_path(name: str) -> Path:
    """Where a browser test saves its screenshot: ``docs/<name>`` with ``UPDATE_SCREENSHOTS=1`` (to
    refresh the pictures the README shows), else a scratch folder: a test run never changes the checkout."""
    if os.environ.get("UPDATE_SCREENSHOTS") == "1":
        return ROOT / "docs" / name
    folder = Path(tempfile.gettempdir()) / f"covid-ingest-screenshots-{os.getpid()}"
    folder.mkdir(exist_ok=True)
    return folder / name


def pytest_addoption(parser):
    parser.addoption("--database-tests-only", action="store_true",
                     help="run only the tests that use a staging database (CI's second run, on PostgreSQL)")


def pytest_collection_modifyitems(config, items):
    if not config.getoption("--database-tests-only"):
        return
    uses_db = [i for i in items
               if "staging_db_url" in getattr(i, "fixturenames", ()) or i.get_closest_marker("database")]
    config.hook.pytest_deselected(items=[i for i in items if i not in uses_db])
    items[:] = uses_db


class CompiledTemplates(jinja2.BytecodeCache):
    """Jinja's compiled templates kept for the whole test run (a ``jinja2.BytecodeCache`` in memory).

    Every test makes its own review app, and every app its own Jinja environment, which compiled
    the same templates again (4.3 s of the 19.9 s of tests/review/test_web.py under cProfile, 0.9 s
    with this cache). A template is still compiled from its source once per test process, and again
    whenever its source changes (the cache is keyed by the source's checksum); the apps are all
    configured alike by ``create_app``."""

    def __init__(self) -> None:
        self.code: dict[str, bytes] = {}

    def load_bytecode(self, bucket) -> None:
        if bucket.key in self.code:
            bucket.bytecode_from_string(self.code[bucket.key])

    def dump_bytecode(self, bucket) -> None:
        self.code[bucket.key] = bucket.bytecode_to_string()


@pytest.fixture(scope="session", autouse=True)
def templates_compiled_once():
    """Every Flask app of the test run shares ``CompiledTemplates`` (Flask passes ``jinja_options``
    to the environment it makes)."""
    import flask

    cache = CompiledTemplates()
    before = flask.Flask.jinja_options
    flask.Flask.jinja_options = {**before, "bytecode_cache": cache}
    yield cache
    flask.Flask.jinja_options = before


def pytest_report_header(config):
    return (f"staging databases: {backend_name()} "
            "(set TEST_DATABASE_URL=postgresql+psycopg://... for a PostgreSQL server)")


@pytest.fixture
def staging_db_url(request, tmp_path):
    """A staging database of this test only: SQLite by default, a fresh database on the PostgreSQL
    server named by ``TEST_DATABASE_URL`` otherwise (tests/databases.py). At the newest revision
    unless the test is marked ``empty_database`` (it builds an old revision itself, or has a command
    create the database)."""
    url = new_database(tmp_path, migrated=request.node.get_closest_marker("empty_database") is None)
    yield url
    drop_database(url)


@pytest.fixture
def project_env(staging_db_url, tmp_path, monkeypatch):
    """Environment pointing every command at a scratch database and media store."""
    env = dict(os.environ)
    env["STAGING_DB_URL"] = staging_db_url
    env["MEDIA_STORE"] = str(tmp_path / "media")
    monkeypatch.setenv("STAGING_DB_URL", env["STAGING_DB_URL"])
    monkeypatch.setenv("MEDIA_STORE", env["MEDIA_STORE"])
    return env


def _checked(args: tuple[str, ...], result: subprocess.CompletedProcess, check: bool) -> subprocess.CompletedProcess:
    if check and result.returncode != 0:
        raise AssertionError(f"scrapy {' '.join(args)} failed ({result.returncode}):\n"
                             f"{result.stdout}\n{result.stderr}")
    return result


@pytest.fixture
def scrapy_cmd(project_env):
    """Run ``scrapy <args>`` as a real process in the project, returning the CompletedProcess: for
    crawls (Twisted's reactor runs once per process), kills, and each command's one smoke test
    (tests/backbone/test_commands_as_processes.py). Other tests use ``scrapy_inproc``."""

    def run(*args: str, check: bool = False, input: str | None = None) -> subprocess.CompletedProcess:
        result = subprocess.run([SCRAPY, *args], cwd=ROOT, env=project_env, capture_output=True, text=True,
                                input=input, timeout=300)
        return _checked(args, result, check)

    return run


@pytest.fixture
def scrapy_inproc(project_env):
    """Run ``scrapy <args>`` in this process through Scrapy's own entry point (tests/inprocess.py),
    for commands that start no crawl: the CompletedProcess a real process would give (exit code,
    stdout, stderr), about a second of CPU less per command. The environment is this process's with
    ``project_env`` over it, read at each call (a test may change either)."""

    def run(*args: str, check: bool = False, input: str | None = None) -> subprocess.CompletedProcess:
        return _checked(args, run_scrapy(args, {**os.environ, **project_env}, input), check)

    return run


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def review_server(env: dict) -> Iterator[str]:
    """``scrapy review`` as a real process on a free loopback port (the browser tests): its URL once
    it listens; stopped when the block ends."""
    port = free_port()
    proc = subprocess.Popen([SCRAPY, "review", "--bind", f"127.0.0.1:{port}"], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                pytest.fail(f"scrapy review exited: {proc.stdout.read()}")
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            except OSError:
                time.sleep(0.2)
        else:
            pytest.fail("scrapy review did not start listening")
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()


@pytest.fixture
def redis_url(tmp_path):
    """A Debian ``redis-server`` of this test only, on loopback, keeping nothing on disk."""
    executable = shutil.which("redis-server")
    if executable is None:
        pytest.skip("redis-server is not installed (Debian: apt-get install redis-server; .ci/run installs it)")
    import redis

    port = free_port()
    server = subprocess.Popen([executable, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                               "--appendonly", "no", "--dir", str(tmp_path)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"redis://127.0.0.1:{port}/0"
    client = redis.Redis.from_url(url)
    try:
        for _ in range(200):
            try:
                client.ping()
                break
            except redis.ConnectionError:
                time.sleep(0.05)
        else:
            raise RuntimeError(f"redis-server did not answer on port {port}")
        yield url
    finally:
        client.close()
        server.terminate()
        server.wait()


def png_bytes(width=64, height=48, mode="L", seed=0) -> bytes:
    rng = np.random.default_rng(seed)
    if mode == "I;16":
        arr = rng.integers(0, 65535, (height, width), dtype=np.uint16)
        img = Image.fromarray(arr)
    else:
        channels = {"L": (height, width), "RGB": (height, width, 3), "RGBA": (height, width, 4)}[mode]
        img = Image.fromarray(rng.integers(0, 255, channels, dtype=np.uint8), mode)
    out = io.BytesIO()
    img.save(out, "PNG")
    return out.getvalue()


def jpeg_bytes(width=64, height=48, seed=1, mode="L") -> bytes:
    rng = np.random.default_rng(seed)
    shape = (height, width) if mode == "L" else (height, width, 3)
    img = Image.fromarray(rng.integers(0, 255, shape, dtype=np.uint8))
    if mode == "CMYK":
        img = img.convert("CMYK")
    out = io.BytesIO()
    img.save(out, "JPEG", quality=90)
    return out.getvalue()


def nifti_gz_bytes(shape=(8, 8, 4)) -> bytes:
    import nibabel

    vol = nibabel.Nifti1Image(np.arange(np.prod(shape), dtype=np.int16).reshape(shape), np.eye(4))
    return gzip.compress(vol.to_bytes(), mtime=0)


HEADER = (
    "patientid,offset,sex,age,finding,RT_PCR_positive,survival,intubated,intubation_present,went_icu,in_icu,"
    "needed_supplemental_O2,extubated,temperature,pO2_saturation,leukocyte_count,neutrophil_count,lymphocyte_count,"
    "view,modality,date,location,folder,filename,doi,url,license,clinical_notes,other_notes,"
)
CLEAN_ROWS = [
    '2,0,M,65,Pneumonia/Viral/COVID-19,Y,Y,N,N,N,N,Y,,37.8,94,5.1,3.2,0.8,PA,X-ray,"January 22, 2020",'
    '"Cho Ray Hospital, Ho Chi Minh City, Vietnam",images,p2-a.png,10.1056/nejmc2001272,'
    'https://www.nejm.org/doi/full/10.1056/NEJMc2001272,CC BY 4.0,"A 65-year-old man, fever.",,',
    "2,3,M,65,Pneumonia/Viral/COVID-19,Y,Y,N,N,N,N,Y,,,,,,,L,X-ray,2020,Vietnam,images,p2-b.jpg,,"
    "https://www.nejm.org/doi/full/10.1056/NEJMc2001272,CC BY 4.0,,,",
    "3,,F,54,Pneumonia/Bacterial/Streptococcus,,,,,,,,,,,,,,AP Supine,X-ray,2019,,images,p3.jpg,,"
    "https://radiopaedia.org/cases/x,CC BY-NC-SA,,\"Case courtesy of Dr X, Radiopaedia.org, rID: 1\",",
    "4,5,M,40,Pneumonia/Viral/COVID-19,Y,,,,,,,,,,,,,Axial,CT,2020,,volumes,p4.nii.gz,,"
    "https://radiopaedia.org/cases/y,CC BY-NC-SA,,,",
]


def write_release(root: Path, rows=None, files=None) -> Path:
    """A small, clean release: every rule satisfied (tests then break one rule at a time)."""
    rows = CLEAN_ROWS if rows is None else rows
    files = {
        "images/p2-a.png": png_bytes(seed=1),
        "images/p2-b.jpg": jpeg_bytes(seed=2),
        "images/p3.jpg": jpeg_bytes(seed=3, mode="RGB"),
        "volumes/p4.nii.gz": nifti_gz_bytes(),
    } if files is None else files
    root.mkdir(parents=True, exist_ok=True)
    (root / "images").mkdir(exist_ok=True)
    (root / "volumes").mkdir(exist_ok=True)
    (root / "metadata.csv").write_bytes(("\n".join([HEADER, *rows]) + "\n").encode())
    for rel, data in files.items():
        (root / rel).write_bytes(data)
    return root


@pytest.fixture
def clean_release(tmp_path) -> Path:
    return write_release(tmp_path / "release")
