"""`scrapy import-dataset` and `scrapy export` (run in-process, tests/inprocess.py), on the real sample and on
checkouts."""

import shutil

import pytest
from sqlalchemy import func, select

from db.models import DatasetImport, Release, ReleasedFile, ReleasedRow, ReleasedRowChange
from db.session import open_database, session_scope
from exports import release as release_module
from exports.release import ExportError, export_release
from media.store import MediaStore
from tests.conftest import CLEAN_ROWS, SAMPLE_CSV, png_bytes, write_release


def count(engine, model):
    with session_scope(engine) as session:
        return session.scalar(select(func.count()).select_from(model))


def test_sample_import_then_export_is_byte_identical(scrapy_inproc, tmp_path):
    result = scrapy_inproc("import-dataset", str(SAMPLE_CSV), check=True)
    assert "imported 453 rows" in result.stdout
    scrapy_inproc("export", "-o", str(tmp_path / "r"), check=True)
    assert (tmp_path / "r" / "metadata.csv").read_bytes() == SAMPLE_CSV.read_bytes()


def test_importing_the_same_dataset_twice_changes_nothing(scrapy_inproc, project_env):
    scrapy_inproc("import-dataset", str(SAMPLE_CSV), check=True)
    engine = open_database(project_env["STAGING_DB_URL"])
    before = (count(engine, DatasetImport), count(engine, ReleasedRow), count(engine, ReleasedRowChange))
    result = scrapy_inproc("import-dataset", str(SAMPLE_CSV), check=True)
    assert "nothing changed" in result.stdout
    assert (count(engine, DatasetImport), count(engine, ReleasedRow), count(engine, ReleasedRowChange)) == before


def test_released_rows_keep_raw_cells_and_typed_values(scrapy_inproc, project_env):
    scrapy_inproc("import-dataset", str(SAMPLE_CSV), check=True)
    engine = open_database(project_env["STAGING_DB_URL"])
    with session_scope(engine) as session:
        rows = session.scalars(select(ReleasedRow).order_by(ReleasedRow.position)).all()
        first = rows[0]
        assert first.patientid == "2" and first.position == 0
        assert first.typed["age"] == 65 and first.typed["offset"] == 0 and first.typed["date"] == "2020-01-22"
        assert first.cells[20] == "January 22, 2020"
        spaced = next(r for r in rows if r.cells[21].endswith(" "))
        assert spaced.typed["location"] == spaced.cells[21].strip()  # raw kept, typed stripped
        shifted = next(r for r in rows if r.cells[29])
        assert shifted.typed["other_notes"] == shifted.cells[28].strip()


def test_checkout_import_records_file_facts_and_exports_the_files(scrapy_inproc, project_env, clean_release, tmp_path):
    result = scrapy_inproc("import-dataset", str(clean_release), check=True)
    assert "imported 4 rows and 4 files" in result.stdout
    engine = open_database(project_env["STAGING_DB_URL"])
    with session_scope(engine) as session:
        files = {f.path: f for f in session.scalars(select(ReleasedFile))}
    png = files["images/p2-a.png"]
    assert (png.format, png.width, png.height, png.mode, png.bits) == ("png", 64, 48, "L", 8)
    assert len(png.sha256) == 64 and len(png.phash) == 16
    assert files["images/p3.jpg"].mode == "RGB"
    assert files["volumes/p4.nii.gz"].format == "nifti-gz" and files["volumes/p4.nii.gz"].phash is None
    assert MediaStore(project_env["MEDIA_STORE"]).has(png.sha256)

    scrapy_inproc("export", "-o", str(tmp_path / "out1"), check=True)
    scrapy_inproc("export", "-o", str(tmp_path / "out2"), check=True)
    for rel in ["metadata.csv", "images/p2-a.png", "images/p2-b.jpg", "images/p3.jpg", "volumes/p4.nii.gz"]:
        assert (tmp_path / "out1" / rel).read_bytes() == (clean_release / rel).read_bytes()
        assert (tmp_path / "out2" / rel).read_bytes() == (tmp_path / "out1" / rel).read_bytes()
    assert count(engine, Release) == 2


def test_newer_version_records_added_changed_removed(scrapy_inproc, project_env, tmp_path):
    v1 = write_release(tmp_path / "v1")
    scrapy_inproc("import-dataset", str(v1), check=True)
    rows = list(CLEAN_ROWS)
    rows[0] = rows[0].replace("37.8", "38.1")  # changed
    del rows[1]  # removed (p2-b.jpg)
    rows.append(rows[-1].replace("p4.nii.gz", "p5.nii.gz").replace("4,5,", "5,2,"))  # added
    files = {"images/p2-a.png": png_bytes(seed=1), "images/p3.jpg": (v1 / "images/p3.jpg").read_bytes(),
             "volumes/p4.nii.gz": (v1 / "volumes/p4.nii.gz").read_bytes(),
             "volumes/p5.nii.gz": (v1 / "volumes/p4.nii.gz").read_bytes()}
    v2 = write_release(tmp_path / "v2", rows, files)
    result = scrapy_inproc("import-dataset", str(v2), check=True)
    assert "1 added, 1 changed, 1 removed" in result.stdout
    engine = open_database(project_env["STAGING_DB_URL"])
    with session_scope(engine) as session:
        changes = {(c.kind, c.row_key)
                   for c in session.scalars(select(ReleasedRowChange).where(ReleasedRowChange.import_id == 2))}
        assert changes == {("added", "p5.nii.gz"), ("changed", "p2-a.png"), ("removed", "p2-b.jpg")}
        removed = session.scalars(select(ReleasedRow).where(ReleasedRow.row_key == "p2-b.jpg")).one()
        assert removed.removed_import_id == 2 and removed.position is None
    scrapy_inproc("export", "-o", str(tmp_path / "out"), check=True)
    assert (tmp_path / "out" / "metadata.csv").read_bytes() == (v2 / "metadata.csv").read_bytes()
    assert not (tmp_path / "out" / "images" / "p2-b.jpg").exists()


@pytest.mark.parametrize("mutate,expected", [
    (lambda root: (root / "metadata.csv").write_bytes(
        (root / "metadata.csv").read_bytes().replace(b"p3.jpg,", b"p3.jpg")), "line 4: 29 fields"),
    (lambda root: (root / "metadata.csv").write_bytes(
        (root / "metadata.csv").read_bytes().replace(b"went_icu", b"icu")), "line 1: unknown header"),
    (lambda root: (root / "images" / "p3.jpg").write_bytes(b"<html><body>404 Not Found</body></html>"),
     "p3.jpg: unreadable image: html content"),
    (lambda root: (root / "images" / "p2-a.png").write_bytes(png_bytes()[:60]), "p2-a.png: unreadable image"),
])
def test_malformed_dataset_is_refused_and_nothing_is_imported(scrapy_inproc, project_env, tmp_path, mutate, expected):
    good = write_release(tmp_path / "good")
    scrapy_inproc("import-dataset", str(good), check=True)
    engine = open_database(project_env["STAGING_DB_URL"])
    before = (count(engine, DatasetImport), count(engine, ReleasedRow), count(engine, ReleasedFile))
    bad = write_release(tmp_path / "bad")
    mutate(bad)
    result = scrapy_inproc("import-dataset", str(bad))
    assert result.returncode == 1
    assert expected in result.stderr
    assert "nothing was imported" in result.stderr
    assert (count(engine, DatasetImport), count(engine, ReleasedRow), count(engine, ReleasedFile)) == before


def test_export_without_anything_imported_says_what_to_do(scrapy_inproc, tmp_path):
    result = scrapy_inproc("export", "-o", str(tmp_path / "r"))
    assert result.returncode == 1 and "scrapy import-dataset" in result.stderr


def test_export_refuses_to_replace_a_directory_it_did_not_write(scrapy_inproc, tmp_path):
    scrapy_inproc("import-dataset", str(SAMPLE_CSV), check=True)
    (tmp_path / "home").mkdir()
    (tmp_path / "home" / "thesis.tex").write_text("precious")
    result = scrapy_inproc("export", "-o", str(tmp_path / "home"))
    assert result.returncode == 1 and "thesis.tex" in result.stderr
    assert (tmp_path / "home" / "thesis.tex").read_text() == "precious"


def test_interrupted_export_leaves_the_previous_release_intact(project_env, clean_release, tmp_path, monkeypatch):
    from exports.baseline import import_dataset

    engine = open_database(project_env["STAGING_DB_URL"])
    store = MediaStore(project_env["MEDIA_STORE"])
    import_dataset(clean_release, engine, store)
    out = tmp_path / "release"
    export_release(engine, store, out)
    before = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    calls = {"n": 0}
    real_copy = shutil.copyfile

    def failing_copy(src, dst, *args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 2:
            raise KeyboardInterrupt("interrupted half way")
        return real_copy(src, dst, *args, **kwargs)

    monkeypatch.setattr(release_module.shutil, "copyfile", failing_copy)
    with pytest.raises(KeyboardInterrupt):
        export_release(engine, store, out)
    after = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert after == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # no partial left behind
    assert count(engine, Release) == 1


def test_export_error_names_the_problem(project_env, tmp_path):
    engine = open_database(project_env["STAGING_DB_URL"])
    (tmp_path / "file").write_text("x")
    with pytest.raises(ExportError, match="not a directory"):
        export_release(engine, MediaStore(project_env["MEDIA_STORE"]), tmp_path / "file")
