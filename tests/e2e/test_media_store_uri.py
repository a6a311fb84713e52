"""``MEDIA_STORE`` as a store URI: the one ``MediaStore`` interface on a local folder and on real
servers on loopback: FTP (pyftpdlib) always, S3 (moto's server mode) where botocore and moto are
installed (not in the pinned virtualenv: botocore wants python-dateutil<3); a crawl of the mirror
staging into the store, the review page and an export reading back; bad URIs refused in one line."""

from __future__ import annotations

import hashlib
import importlib.util
import logging
import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from pyftpdlib.authorizers import DummyAuthorizer
from pyftpdlib.handlers import FTPHandler
from pyftpdlib.servers import ThreadedFTPServer

from media.store import FtpMediaStore, MediaStore, MediaStoreError, open_media_store
from review.web import create_app
from tests.conftest import free_port, png_bytes
from tests.e2e.conftest import rows

USER, PASSWORD = "ingest", "s3cret-pass"


@pytest.fixture
def ftp_server(tmp_path):
    """A real FTP server on 127.0.0.1 (pyftpdlib, a thread of this process): ``(uri, home)``."""
    home = tmp_path / "ftp-home"
    home.mkdir()
    authorizer = DummyAuthorizer()
    authorizer.add_user(USER, PASSWORD, str(home), perm="elradfmwMT")
    handler = type("Handler", (FTPHandler,), {"authorizer": authorizer})
    logging.getLogger("pyftpdlib").setLevel(logging.WARNING)
    server = ThreadedFTPServer(("127.0.0.1", 0), handler)
    stop = threading.Event()

    def serve() -> None:  # one poll at a time, so that the server is closed by its own thread
        while not stop.is_set():
            server.serve_forever(timeout=0.1, blocking=False, handle_exit=False)
        server.close_all()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield f"ftp://{USER}:{PASSWORD}@127.0.0.1:{server.address[1]}/media", home / "media"
    stop.set()
    thread.join(5)


def _s3_missing() -> str | None:
    for module in ("botocore", "moto"):
        if importlib.util.find_spec(module) is None:
            return (f"{module} is not installed: botocore requires python-dateutil<3, pandas installs 4.0.0 (README, "
                    "Running on several machines); run this in a virtualenv that has botocore and moto")
    return None


@pytest.fixture
def s3_server(tmp_path, monkeypatch):
    """A real S3-compatible server on 127.0.0.1 (moto's server mode, a child process) with a bucket:
    ``(uri, files)``, ``files()`` the objects under the URI's prefix. Skipped without botocore and moto."""
    missing = _s3_missing()
    if missing:
        pytest.skip(missing)
    import botocore.session  # noqa: PLC0415

    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for name, value in (("AWS_ENDPOINT_URL", f"http://127.0.0.1:{port}"), ("AWS_ACCESS_KEY_ID", "testing"),
                        ("AWS_SECRET_ACCESS_KEY", "testing"), ("AWS_DEFAULT_REGION", "us-east-1")):
        monkeypatch.setenv(name, value)
    client = botocore.session.get_session().create_client("s3")
    deadline = time.monotonic() + 30
    while True:
        try:
            client.create_bucket(Bucket="covid-media")
            break
        except Exception:
            if time.monotonic() > deadline:
                server.kill()
                raise
            time.sleep(0.2)

    def files() -> dict[str, bytes]:
        listed = client.list_objects_v2(Bucket="covid-media", Prefix="media/").get("Contents", [])
        return {o["Key"][len("media/"):]: client.get_object(Bucket="covid-media", Key=o["Key"])["Body"].read()
                for o in listed}

    yield "s3://covid-media/media/", files
    server.terminate()
    server.wait(10)


def _folder_files(folder: Path):
    return lambda: ({p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()}
                    if folder.exists() else {})


@pytest.fixture(params=["ftp", "s3"])
def uri_server(request):
    """``(uri, files)`` of a real store server on loopback: FTP, and S3 where botocore and moto are installed."""
    if request.param == "ftp":
        uri, home = request.getfixturevalue("ftp_server")
        return uri, _folder_files(home)
    return request.getfixturevalue("s3_server")


@pytest.fixture(params=["local", "ftp", "s3"])
def store(request, tmp_path):
    if request.param == "local":
        yield open_media_store(str(tmp_path / "media")), _folder_files(tmp_path / "media")
    else:
        uri, files = request.getfixturevalue("ftp_server" if request.param == "ftp" else "s3_server")
        if request.param == "ftp":
            files = _folder_files(files)
        s = open_media_store(uri)
        s.check()
        yield s, files
        s.close()


def test_one_interface_on_every_backend(store, tmp_path):
    s, files = store
    data = png_bytes(seed=3)
    sha = hashlib.sha256(data).hexdigest()
    assert not s.has(sha)
    assert s.put_bytes(data) == sha
    assert s.has(sha) and s.read(sha) == data
    # the same layout on the server as in a folder: <sha[:2]>/<sha>, nothing else left behind
    assert files() == {f"{sha[:2]}/{sha}": data}
    other = tmp_path / "other.png"
    other.write_bytes(png_bytes(seed=4))
    other_sha = hashlib.sha256(other.read_bytes()).hexdigest()
    s.put_file(other, other_sha)
    s.copy_to(other_sha, tmp_path / "back.png")
    assert (tmp_path / "back.png").read_bytes() == other.read_bytes()
    s.put_bytes(data)  # present: not written again
    served = s.source(sha)
    assert (Path(served).read_bytes() if isinstance(served, str) else served.read()) == data
    with pytest.raises(FileNotFoundError):
        s.read("0" * 64)


def test_an_ftp_store_survives_a_dropped_connection(ftp_server):
    uri, _home = ftp_server
    s = open_media_store(uri)
    sha = s.put_bytes(b"first")
    # dropped (a server restart, a firewall): the next call connects again
    s._local.ftp.sock.shutdown(socket.SHUT_RDWR)
    assert s.read(sha) == b"first"
    assert isinstance(s, FtpMediaStore) and PASSWORD not in str(s)


@pytest.mark.parametrize("uri, words", [
    ("gopher://127.0.0.1/x", "unknown scheme gopher://"),
    ("gs://bucket/media", "gs:// (Google Cloud Storage) is not supported yet"),
])
def test_unknown_schemes_are_named(uri, words):
    with pytest.raises(MediaStoreError, match=words.replace("(", r"\(").replace(")", r"\)")):
        open_media_store(uri)


def test_a_file_uri_is_a_folder(tmp_path):
    s = open_media_store(f"file://{tmp_path}/media")
    assert type(s) is MediaStore and s.root == tmp_path / "media"


def test_an_unreachable_server_or_a_refused_login_is_one_line():
    with pytest.raises(MediaStoreError, match="cannot use the FTP server .*Connection refused"):
        open_media_store(f"ftp://u:p@127.0.0.1:{free_port()}/media").check()


def test_commands_refuse_a_bad_store_in_one_line(scrapy_cmd, scrapy_inproc, project_env, ftp_server, tmp_path):
    uri, _ = ftp_server
    sample = Path(__file__).parent.parent / "fixtures" / "reference" / "metadata-sample.csv"
    a_file = tmp_path / "media-is-a-file"
    a_file.write_text("not a folder")  # a local path that cannot be a folder: Scrapy's mkdir raised in its engine
    for store, words in ((f"ftp://u:p@127.0.0.1:{free_port()}/media", "Connection refused"),
                         (uri.replace(PASSWORD, "wrong"), "530"),
                         ("gopher://127.0.0.1/x", "unknown scheme gopher://"),
                         (f"{a_file}/media", "cannot make the folder (Not a directory)")):
        project_env["MEDIA_STORE"] = store
        # the crawl refuses the store once its crawler exists: a process (Twisted's reactor)
        for run, argv in ((scrapy_inproc, ("import-dataset", str(sample))),
                          (scrapy_cmd, ("crawl", "eurorad", "-a", "cases=16672", "-a", "base_url=http://127.0.0.1:9"))):
            result = run(*argv)
            lines = [line for line in result.stderr.splitlines() if not line.startswith(("20", "  "))]
            assert result.returncode == 1, (argv, result.stderr)
            assert any(words in line for line in lines) and "Traceback" not in result.stderr, (argv, result.stderr)
            assert "p@" not in result.stderr.replace("u@", "")  # no password printed


@pytest.mark.e2e
def test_a_crawl_stages_into_the_store_and_review_and_export_read_back(crawl, mirror_of, project_env, uri_server,
                                                                       tmp_path, scrapy_inproc):
    uri, files = uri_server
    project_env.update((k, v) for k, v in os.environ.items() if k.startswith("AWS_"))
    project_env["MEDIA_STORE"] = uri
    mirror = mirror_of("eurorad")
    crawl("eurorad", mirror, cases="16672")
    db = project_env["STAGING_DB_URL"]
    images = rows(db, "select sha256, media_path from images order by id")
    assert len(images) == 4
    on_server = files()
    for sha, media_path in images:  # every image on the server, under the layout of a folder
        assert media_path == f"{sha[:2]}/{sha}" and hashlib.sha256(on_server[media_path]).hexdigest() == sha
    bodies = rows(db, "select sha256, body_path from fetched_documents where body_path is not null")
    assert bodies and all(path in on_server for _, path in bodies)
    assert all(len(name) == 67 for name in on_server)  # nothing but <sha[:2]>/<sha>: no temporary left

    # the review page serves the images from the server
    app = create_app(db, open_media_store(uri))
    client = app.test_client()
    sha = images[0][0]
    response = client.get(f"/media/{sha}")
    assert response.status_code == 200 and hashlib.sha256(response.data).hexdigest() == sha
    case_id = rows(db, "select id from cases where source_key = '16672'")[0][0]
    page = client.get(f"/case/{case_id}")
    assert page.status_code == 200 and b"cannot be found in the media store" not in page.data

    # an export of an approved case copies its files from the server into local files
    last = rows(db, f"select max(id) from images where case_id = {case_id}")[0][0]
    scrapy_inproc("cases", "exclude", str(case_id), str(last), check=True)  # the fixture's 4th image repeats its 1st
    scrapy_inproc("cases", "approve", str(case_id), check=True)
    scrapy_inproc("export", "-o", str(tmp_path / "release"), check=True)
    written = sorted((tmp_path / "release" / "images").iterdir())
    assert len(written) == 3
    assert {hashlib.sha256(p.read_bytes()).hexdigest() for p in written} <= {sha for sha, _ in images}


def test_import_into_the_store_then_export_gives_the_same_bytes(scrapy_inproc, project_env, uri_server, clean_release,
                                                                tmp_path):
    uri, files = uri_server
    project_env["MEDIA_STORE"] = uri
    project_env.update((k, v) for k, v in os.environ.items() if k.startswith("AWS_"))
    scrapy_inproc("import-dataset", str(clean_release), check=True)
    assert len(files()) == 4
    scrapy_inproc("export", "-o", str(tmp_path / "r"), check=True)
    for folder in ("images", "volumes"):
        for original in (clean_release / folder).iterdir():
            assert (tmp_path / "r" / folder / original.name).read_bytes() == original.read_bytes()
    assert (tmp_path / "r" / "metadata.csv").read_bytes() == (clean_release / "metadata.csv").read_bytes()


@pytest.mark.skipif(importlib.util.find_spec("botocore") is not None, reason="botocore is installed here")
def test_s3_without_botocore_says_so():
    with pytest.raises(MediaStoreError, match="s3:// needs botocore, which is not installed here"):
        open_media_store("s3://bucket/media/")
