"""Bad input ends with one line naming the input and what to do, exit code 1, and nothing changed."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import ROOT, SAMPLE_CSV, SCRAPY, png_bytes, write_release


def one_line_error(result) -> str:
    assert result.returncode == 1, (result.stdout, result.stderr)
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr
    return lines[0]


def files_of(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


# --- backfill --------------------------------------------------------------------------------------


@pytest.fixture
def sample(tmp_path) -> Path:
    path = tmp_path / "metadata.csv"
    path.write_bytes(SAMPLE_CSV.read_bytes())
    return path


CASES = ["evidence-is-input", "output-is-input", "evidence-is-output", "output-is-a-device", "evidence-is-a-device",
         "output-is-dev-full", "input-is-a-directory"]


def backfill_paths(case: str, sample: Path, out: Path) -> tuple[str, str, str | None, str]:
    """(input, -o, --evidence, what the error must name) of each bad combination."""
    return {
        "evidence-is-input": (str(sample), str(out), str(sample), f"--evidence {sample}"),
        "output-is-input": (str(sample), str(sample), None, f"-o {sample}"),
        "evidence-is-output": (str(sample), str(out), str(out), f"--evidence {out}"),
        "output-is-a-device": (str(sample), "/dev/null", None, "-o /dev/null"),
        "evidence-is-a-device": (str(sample), str(out), "/dev/null", "--evidence /dev/null"),
        "output-is-dev-full": (str(sample), "/dev/full", None, "-o /dev/full"),  # as root, once replaced by a file
        "input-is-a-directory": (str(sample.parent), str(out), None, str(sample.parent)),
    }[case]


@pytest.mark.parametrize("case", CASES)
def test_backfill_refuses_paths_that_would_overwrite_an_input_or_a_device(case, sample, tmp_path):
    from exports.backfill import backfill_file

    source, target, evidence, named = backfill_paths(case, sample, tmp_path / "out.csv")
    before = files_of(tmp_path)
    with pytest.raises(ValueError) as refused:
        backfill_file(source, target, None, evidence)
    assert named in str(refused.value) and "\n" not in str(refused.value)
    assert files_of(tmp_path) == before
    assert Path("/dev/null").is_char_device() and Path("/dev/full").is_char_device()


def test_backfill_on_the_command_line_says_it_in_one_line_and_exits_1(sample, tmp_path, scrapy_inproc):
    before = files_of(tmp_path)
    line = one_line_error(scrapy_inproc("backfill", str(sample), "-o", str(tmp_path / "out.csv"), "--evidence",
                                        str(sample)))
    assert line.startswith("error: --evidence ") and "is the input file" in line
    assert files_of(tmp_path) == before


# --- crawl arguments -------------------------------------------------------------------------------


def test_a_binary_cases_file_is_refused_with_one_line(tmp_path, scrapy_inproc):
    binary = tmp_path / "cases.txt"
    binary.write_bytes(png_bytes())
    result = scrapy_inproc("crawl", "eurorad", "-a", f"cases_file={binary}", "-a", "base_url=http://127.0.0.1:9")
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert f"cases_file={str(binary)!r}: not a text file" in result.stderr


@pytest.mark.parametrize("spider,argument,given,words", [
    ("eurorad", "cases_file", "{tmp}", "not a regular file (a directory, device or pipe)"),
    ("eurorad", "cases_file", "/dev/zero", "not a regular file (a directory, device or pipe)"),
    ("eurorad", "cases_file", "{tmp}/missing.txt", "no such file"),
    ("publications", "ids_file", "{tmp}/binary.txt", "not a text file"),
    # a bad line of a list names its line, the others being fine
    ("publications", "ids_file", "{tmp}/ids.txt", "line 3: 'not an identifier' is not a publications case"),
    ("eurorad", "cases_file", "{tmp}/ids.txt", "line 2: '10.1016/j.idcr.2020.e00988' is not a eurorad case"),
    ("publications", "dois", "not an identifier", "is not a publications case"),
])
def test_a_list_of_cases_that_is_not_one_is_refused_naming_the_argument_as_given(
        spider, argument, given, words, tmp_path):
    from scrapy.settings import Settings
    from scrapy.spiderloader import SpiderLoader

    from spiders.base import SpiderArgumentError

    (tmp_path / "binary.txt").write_bytes(png_bytes())
    (tmp_path / "ids.txt").write_text("https://www.eurorad.org/case/16650\n10.1016/j.idcr.2020.e00988  # Case 2\n"
                                      "not an identifier\n", encoding="utf-8")
    given = given.format(tmp=tmp_path)
    settings = Settings()  # the project's settings module itself: get_project_settings depends on the cwd
    settings.setmodule("settings", priority="project")
    spidercls = SpiderLoader.from_settings(settings).load(spider)
    with pytest.raises(SpiderArgumentError) as refused:
        spidercls(**{argument: given})
    message = str(refused.value)
    assert message.startswith((f"{argument}={given!r}: ", f"{argument}={given!r}, line ") if argument.endswith("_file")
                              else f"{argument}: ")
    assert words in message and "\n" not in message


# --- import and export: names, links ---------------------------------------------------------------


def test_an_image_with_a_name_that_is_not_utf8_refuses_the_import_before_anything_is_copied(
        tmp_path, scrapy_inproc, project_env):
    checkout = write_release(tmp_path / "dataset")
    os.rename(checkout / "images" / "p3.jpg", os.path.join(os.fsencode(checkout / "images"), b"p3-\xe9.jpg"))
    result = scrapy_inproc("import-dataset", str(checkout))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "the file name is not UTF-8" in result.stderr and "p3-\\xe9.jpg" in result.stderr
    assert not Path(project_env["MEDIA_STORE"]).exists() or not any(Path(project_env["MEDIA_STORE"]).rglob("*.*"))


def test_a_symbolic_link_out_of_the_checkout_refuses_the_import(tmp_path, scrapy_inproc, project_env):
    secret = tmp_path / "elsewhere" / "secret.png"
    secret.parent.mkdir()
    secret.write_bytes(png_bytes(seed=77))
    checkout = write_release(tmp_path / "dataset")
    os.symlink(secret, checkout / "images" / "linked.png")
    result = scrapy_inproc("import-dataset", str(checkout))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "images/linked.png is a symbolic link to" in result.stderr and "outside the checkout" in result.stderr
    media = Path(project_env["MEDIA_STORE"])
    assert not media.exists() or not any(p.is_file() for p in media.rglob("*"))


def test_a_link_inside_the_checkout_is_imported(tmp_path, scrapy_inproc):
    checkout = write_release(tmp_path / "dataset")
    (checkout / "originals").mkdir()
    os.rename(checkout / "images" / "p3.jpg", checkout / "originals" / "p3.jpg")
    os.symlink(checkout / "originals" / "p3.jpg", checkout / "images" / "p3.jpg")
    result = scrapy_inproc("import-dataset", str(checkout))
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("name", ["images", "metadata.csv", "report"])
def test_an_export_never_writes_through_a_link_out_of_the_checkout(name, tmp_path, scrapy_inproc, project_env):
    from db.session import open_database
    from exports.baseline import import_dataset
    from media.store import MediaStore

    checkout = write_release(tmp_path / "dataset")
    import_dataset(checkout, open_database(project_env["STAGING_DB_URL"]), MediaStore(project_env["MEDIA_STORE"]))
    outside = tmp_path / "outside"
    outside.mkdir()
    real = checkout / name
    if name == "report":
        (real / "index.html").parent.mkdir()
        (real / "index.html").write_text("<html>the report of the last release</html>")
    os.rename(real, outside / name)
    os.symlink(outside / name, real)
    before, before_outside = files_of(checkout), files_of(outside)
    line = one_line_error(scrapy_inproc("export", "--dataset", str(checkout)))
    assert f"{name} is a symbolic link to" in line and "outside the checkout" in line
    assert files_of(checkout) == before and files_of(outside) == before_outside


# --- export on a read-only or a full disk (real refusals by the kernel) ----------------------------


def noise_png(size: int = 1200) -> bytes:
    """An image of about 1.4 MB (noise does not compress): bigger than the file size limit below."""
    import io

    import numpy as np
    from PIL import Image

    buffer = io.BytesIO()
    Image.fromarray(np.random.default_rng(5).integers(0, 255, (size, size), dtype=np.uint8)).save(buffer, "PNG")
    return buffer.getvalue()


@pytest.fixture
def exportable(tmp_path, project_env):
    """A checkout imported into the database and an approved case of two images (one big) to export;
    returns (checkout, reports dir, what must stay as it is)."""
    from db.session import open_database
    from exports.baseline import import_dataset
    from media.store import MediaStore
    from tests.release.test_release import add_case

    engine, store = open_database(project_env["STAGING_DB_URL"]), MediaStore(project_env["MEDIA_STORE"])
    checkout = write_release(tmp_path / "dataset")
    import_dataset(checkout, engine, store)
    add_case(engine, store, "8300", images=[png_bytes(seed=61), noise_png()])
    engine.dispose()
    reports = tmp_path / "reports"
    reports.mkdir()
    (reports / "CHANGELOG.md").write_text("# Releases\n\n## the previous release\n")

    def state() -> dict:
        from tests.faults.test_export_kills import state_of

        found = state_of(project_env["STAGING_DB_URL"], checkout)
        found["beside"] = sorted(p.name for p in tmp_path.iterdir())
        return found

    return checkout, reports, state


def read_only(*paths: Path) -> list[str]:
    """Make ``paths`` read-only (directories and their files) and give the command prefix under
    which the kernel refuses to write them: as root, without the capability that overrides
    permissions (``setpriv``); restored by ``writable_again``."""
    for path in paths:
        for entry in [path, *path.rglob("*")] if path.is_dir() else [path]:
            entry.chmod(entry.stat().st_mode & ~0o222)
    if os.geteuid() != 0:
        return []
    if shutil.which("setpriv") is None:
        pytest.skip("as root a read-only directory needs setpriv (util-linux) to drop CAP_DAC_OVERRIDE")
    return ["setpriv", "--bounding-set=-dac_override,-dac_read_search", "--"]


def writable_again(*paths: Path) -> None:
    for path in paths:
        for entry in [path, *path.rglob("*")] if path.is_dir() else [path]:
            entry.chmod(entry.stat().st_mode | 0o200)


def run_export(project_env, *args: str, prefix: list[str] = (), max_file_size: int | None = None):
    """``scrapy export ...`` as a real process (under ``prefix``; with a file size limit: a write
    past it fails with EFBIG, as a full disk fails one with ENOSPC)."""
    import resource

    def limit() -> None:
        if max_file_size is not None:
            resource.setrlimit(resource.RLIMIT_FSIZE, (max_file_size, max_file_size))

    return subprocess.run([*prefix, SCRAPY, "export", *args], cwd=ROOT, env=project_env, capture_output=True,
                          text=True, timeout=300, preexec_fn=limit)


@pytest.mark.parametrize("what", ["checkout", "images", "reports"])
def test_an_export_into_a_read_only_place_is_one_line_and_changes_nothing(what, exportable, project_env):
    checkout, reports, state = exportable
    before = state()
    locked = {"checkout": checkout, "images": checkout / "images", "reports": reports}[what]
    prefix = read_only(locked)
    try:
        result = run_export(project_env, "--dataset", str(checkout), "--reports", str(reports), prefix=prefix)
    finally:
        writable_again(locked)
    line = one_line_error(result)
    assert "(Permission denied); nothing was changed" in line and "run the export again" in line
    assert str(reports if what == "reports" else checkout) in line
    assert state() == before


def test_an_export_o_into_a_read_only_directory_is_one_line_and_leaves_nothing(exportable, project_env, tmp_path):
    _checkout, _reports, state = exportable
    parent = tmp_path / "releases"
    parent.mkdir()
    before = state()
    prefix = read_only(parent)
    try:
        line = one_line_error(run_export(project_env, "-o", str(parent / "r1"), prefix=prefix))
    finally:
        writable_again(parent)
    assert line.startswith(f"error: {parent}") and "Permission denied" in line
    assert list(parent.iterdir()) == [] and state() == before


@pytest.mark.parametrize("where", ["-o", "--dataset"])
def test_an_export_on_a_full_disk_is_one_line_and_leaves_nothing(where, exportable, project_env, tmp_path):
    checkout, reports, state = exportable
    before = state()
    args = (["-o", str(tmp_path / "out" / "r1")] if where == "-o"
            else ["--dataset", str(checkout), "--reports", str(reports)])
    # the database (a few hundred kB) stays under the limit; the big image does not fit
    line = one_line_error(run_export(project_env, *args, max_file_size=1_000_000))
    assert "(File too large); nothing was changed" in line and "run the export again" in line
    if where == "-o":
        assert list((tmp_path / "out").iterdir()) == []
        before["beside"] = sorted([*before["beside"], "out"])
    assert state() == before


# --- export on a full disk (in-process: the step that fails chosen) -------------------------------


def _no_space(*_args, **_kwargs):
    raise OSError(28, "No space left on device")


def test_an_export_o_on_a_full_disk_is_one_error_and_leaves_nothing(tmp_path, project_env, monkeypatch):
    from db.session import open_database
    from exports import release as release_module
    from exports.baseline import import_dataset
    from media.store import MediaStore

    engine, store = open_database(project_env["STAGING_DB_URL"]), MediaStore(project_env["MEDIA_STORE"])
    import_dataset(write_release(tmp_path / "dataset"), engine, store)
    monkeypatch.setattr(release_module.shutil, "copyfile", _no_space)
    with pytest.raises(release_module.ExportError) as refused:
        release_module.export_release(engine, store, tmp_path / "out" / "r1")
    assert "cannot write the release (No space left on device); nothing was changed" in str(refused.value)
    assert list((tmp_path / "out").iterdir()) == []


def test_an_export_into_a_checkout_on_a_full_disk_is_undone(tmp_path, project_env, monkeypatch):
    from db.session import open_database
    from exports import release as release_module
    from exports.baseline import import_dataset
    from media.store import MediaStore
    from tests.release.test_release import add_case

    engine, store = open_database(project_env["STAGING_DB_URL"]), MediaStore(project_env["MEDIA_STORE"])
    checkout = write_release(tmp_path / "dataset")
    import_dataset(checkout, engine, store)
    add_case(engine, store, "8300", images=[png_bytes(seed=61), png_bytes(seed=62)])
    before = files_of(checkout)
    real_write = release_module.write_atomically

    def full_at_manifest(path, data):
        if Path(path).name == "manifest.json":
            _no_space()
        real_write(path, data)

    monkeypatch.setattr(release_module, "write_atomically", full_at_manifest)
    with pytest.raises(release_module.ExportError) as refused:
        release_module.export_into_dataset(engine, store, checkout)
    assert "(No space left on device); nothing was changed" in str(refused.value)
    assert files_of(checkout) == before
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []


# --- the review page -------------------------------------------------------------------------------


@pytest.mark.parametrize("query", ["endpoint=x", "_external=1", "_scheme=javascript", "_anchor=x", "_method=POST",
                                   "values=1&state=staged"])
def test_query_names_that_are_url_for_arguments_are_plain_query_names(query, project_env):
    from review.web import create_app

    app = create_app(project_env["STAGING_DB_URL"], project_env["MEDIA_STORE"], reviewer="alice", token="s3cret")
    client = app.test_client()
    entered = client.get(f"/?token=s3cret&{query}")
    assert entered.status_code == 303
    assert entered.headers["Location"] == f"/?{query}"
    assert client.get(entered.headers["Location"]).status_code == 200
