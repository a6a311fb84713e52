"""``scrapy export --dataset`` killed (SIGKILL) at each of its steps, then run again, leaves the
checkout and the database as one uninterrupted export does; two exports never run at once; an undo
that fails on one step still undoes the others; patient ids are checked against the checkout."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import func, select

from db.models import PatientId, Release
from db.session import open_database, session_scope
from exports.baseline import import_dataset
from exports.journal import JOURNAL_NAME, LOCK_NAME, Journal, checkout_lock
from exports.release import export_into_dataset, export_release
from media.store import MediaStore
from tests.conftest import CLEAN_ROWS, png_bytes, write_release
from tests.databases import new_database
from tests.faults.conftest import KILLED
from tests.release.test_release import add_case, rows_of

STEPS = ["export-planned", "export-files-placed", "export-metadata-written", "export-artefacts-written",
         "export-recorded"]


def prepare(base: Path) -> tuple[str, dict[str, str], Path]:
    """A checkout, its import and two approved cases (three images) in a database of their own."""
    base.mkdir(parents=True, exist_ok=True)
    url = new_database(base)  # the backend under test (dropped when the test process ends)
    # the release's report, manifest and changelog go to a reports directory outside the checkout
    env = {"STAGING_DB_URL": url, "MEDIA_STORE": str(base / "media"), "RELEASE_REPORTS_DIR": str(base / "reports")}
    (base / "reports").mkdir()
    (base / "reports" / "CHANGELOG.md").write_text("# Releases\n\n## the previous release\n")
    engine = open_database(url)
    store = MediaStore(env["MEDIA_STORE"])
    checkout = write_release(base / "dataset")
    (checkout / "report").mkdir()
    (checkout / "report" / "index.html").write_text("<html>the previous report</html>")
    (checkout / "CHANGELOG.md").write_text("# Changelog\n\n## the previous release\n")
    import_dataset(checkout, engine, store)
    add_case(engine, store, "8100", images=[png_bytes(seed=81), png_bytes(seed=82)])
    add_case(engine, store, "8101", images=[png_bytes(seed=83)])
    engine.dispose()
    return url, env, checkout


def files_of(root: Path) -> dict[str, bytes]:
    """The files under ``root`` (a manifest without its time stamp)."""
    files = {}
    for path in sorted(root.rglob("*")):
        if path.is_file():
            data = path.read_bytes()
            if path.name == "manifest.json":
                manifest = json.loads(data)
                manifest.pop("created_at")
                data = json.dumps(manifest, sort_keys=True).encode()
            files[path.relative_to(root).as_posix()] = data
    return files


def state_of(url: str, checkout: Path) -> dict:
    """The checkout's files, the reports beside it, and the releases recorded."""
    files = files_of(checkout)
    reports = files_of(checkout.parent / "reports")
    engine = open_database(url)
    with session_scope(engine) as session:
        releases = session.execute(select(Release.name, Release.metadata_sha256)).all()
        ids = sorted(session.execute(select(PatientId.patientid, PatientId.case_id)).all())
    engine.dispose()
    leftovers = sorted(p.name for p in checkout.parent.iterdir() if p.name.startswith("."))
    leftovers += sorted(p.name for p in (checkout.parent / "reports").iterdir() if p.name.startswith("."))
    return {"files": files, "reports": reports, "releases": [tuple(r) for r in releases],
            "patient_ids": [tuple(i) for i in ids], "leftovers": leftovers}


@pytest.fixture(scope="module")
def uninterrupted(tmp_path_factory) -> dict:
    import os
    import subprocess

    from tests.conftest import ROOT, SCRAPY

    url, env, checkout = prepare(tmp_path_factory.mktemp("uninterrupted"))
    done = subprocess.run([SCRAPY, "export", "--dataset", str(checkout)], cwd=ROOT, capture_output=True, text=True,
                          env={**{k: v for k, v in os.environ.items() if k != "INGEST_KILL_AT"}, **env}, timeout=300)
    assert done.returncode == 0, done.stderr
    state = state_of(url, checkout)
    # the release's reports beside the checkout, its entry added to the running changelog
    assert {"CHANGELOG.md", "manifest.json", "report/index.html"} <= {n.split("/", 1)[1] for n in state["reports"]
                                                                        if "/" in n}
    assert (state["reports"]["CHANGELOG.md"].endswith(b"## the previous release\n")
            and b"\n## dataset-" in state["reports"]["CHANGELOG.md"])
    return state


@pytest.mark.parametrize("step", STEPS)
def test_an_export_killed_at_each_step_then_run_again_ends_like_an_uninterrupted_one(step, tmp_path, scrapy_run,
                                                                                     uninterrupted):
    url, env, checkout = prepare(tmp_path)
    killed = scrapy_run("export", "--dataset", str(checkout), kill_at=step, env=env)
    assert killed.returncode == KILLED, killed.stderr
    assert (checkout / JOURNAL_NAME).exists()
    again = scrapy_run("export", "--dataset", str(checkout), env=env)
    assert again.returncode == 0, again.stderr
    assert "was undone" in again.stdout or "had finished" in again.stdout
    state = state_of(url, checkout)
    assert sorted(state["files"]) == sorted(uninterrupted["files"])
    for name, data in uninterrupted["files"].items():
        assert state["files"][name] == data, name
    assert state["reports"] == uninterrupted["reports"]
    assert state["releases"] == uninterrupted["releases"]
    assert state["patient_ids"] == uninterrupted["patient_ids"]
    assert state["leftovers"] == []
    assert not (checkout / LOCK_NAME).exists() and not (checkout / JOURNAL_NAME).exists()


def test_a_second_export_into_the_same_checkout_is_refused_while_one_runs(tmp_path, scrapy_run):
    url, env, checkout = prepare(tmp_path)
    before = state_of(url, checkout)
    with checkout_lock(checkout.resolve()):
        second = scrapy_run("export", "--dataset", str(checkout), env=env)
    assert second.returncode == 1
    assert second.stderr.strip().count("\n") == 0
    assert "another export into" in second.stderr and "is running" in second.stderr
    assert state_of(url, checkout) == before


def test_an_undo_that_fails_on_its_first_step_still_undoes_the_rest(tmp_path, monkeypatch):
    url, env, checkout = prepare(tmp_path)
    before = (checkout / "metadata.csv").read_bytes()
    engine = open_database(url)
    store = MediaStore(env["MEDIA_STORE"])
    monkeypatch.setattr(Journal, "_undo_report",
                        lambda self: (_ for _ in ()).throw(PermissionError(13, "Permission denied")))
    real_save = Journal.save

    def fail_after_artefacts(self, phase=None):
        if phase == "recording":
            raise OSError(28, "No space left on device")
        real_save(self, phase)

    monkeypatch.setattr(Journal, "save", fail_after_artefacts)
    with pytest.raises(Exception) as info:
        export_into_dataset(engine, store, checkout)
    assert "could not be fully undone" in str(info.value) and "report" in str(info.value)
    # every other step was undone: metadata.csv, CHANGELOG.md, manifest.json and the new images
    assert (checkout / "metadata.csv").read_bytes() == before
    assert (checkout / "CHANGELOG.md").read_text() == "# Changelog\n\n## the previous release\n"
    assert not (checkout / "manifest.json").exists()
    assert sorted(p.name for p in (checkout / "images").iterdir()) == ["p2-a.png", "p2-b.jpg", "p3.jpg"]
    assert (checkout / JOURNAL_NAME).exists()  # the next export tries the report again first
    with session_scope(engine) as session:
        assert session.scalar(select(func.count()).select_from(Release)) == 0


def test_a_patient_id_stored_by_an_earlier_export_o_is_not_reused_when_the_checkout_gave_it_to_another(
        tmp_path, project_env):
    engine = open_database(project_env["STAGING_DB_URL"])
    store = MediaStore(project_env["MEDIA_STORE"])
    checkout = write_release(tmp_path / "dataset")
    import_dataset(checkout, engine, store)
    case = add_case(engine, store, "8200", images=[png_bytes(seed=91)])
    export_release(engine, store, tmp_path / "elsewhere")  # stores patient id 5 for the case
    with session_scope(engine) as session:
        stored = session.scalar(select(PatientId.patientid).where(PatientId.case_id == case))
    assert stored == "5"
    # meanwhile the dataset gave 5 to another patient
    other = CLEAN_ROWS[2].replace("3,,F,54", "5,,M,61", 1).replace("p3.jpg", "p5.jpg")
    write_release(checkout, CLEAN_ROWS + [other], {"images/p5.jpg": (checkout / "images" / "p3.jpg").read_bytes()})
    export_into_dataset(engine, store, checkout)
    added = rows_of(checkout / "metadata.csv")[-1]
    assert added["patientid"] == "6"
    assert [r["patientid"] for r in rows_of(checkout / "metadata.csv")].count("5") == 1
    with session_scope(engine) as session:
        assert session.scalar(select(PatientId.patientid).where(PatientId.case_id == case)) == "6"
        assert session.get(PatientId, "5").case_id is None  # reserved, never reused
