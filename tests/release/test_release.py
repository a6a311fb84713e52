"""Releases: gates, byte identity, patient ids, license subsets, previews, interruption, consumers."""

from __future__ import annotations

import csv
import io
import json
import multiprocessing
import os
import re
import threading
import zlib

import numpy as np
import pytest
from PIL import Image as PILImage
from sqlalchemy import func, select

from curation.marks import confirm_adult, mark_distinct
from db.models import Case, FieldValue, Image, PatientId, Release
from db.session import open_database, session_scope
from exports import release as release_module
from exports.baseline import import_dataset
from exports.release import ExportOptions, ExportRefused, export_into_dataset, export_release
from exports.validate import validate
from media.imaging import describe_image
from media.store import MediaStore
from tests.conftest import CLEAN_ROWS, jpeg_bytes, nifti_gz_bytes, png_bytes, write_release

SUFFIXED = ("311a,,F,70,Pneumonia,,,,,,,,,,,,,,PA,X-ray,2020,,images,p311a.png,,https://example.org/c/311,"
            "CC BY 4.0,,,")


@pytest.fixture
def env(project_env, tmp_path):
    engine = open_database(project_env["STAGING_DB_URL"])
    store = MediaStore(project_env["MEDIA_STORE"])
    files = {"images/p2-a.png": png_bytes(seed=1), "images/p2-b.jpg": jpeg_bytes(seed=2),
             "images/p3.jpg": jpeg_bytes(seed=3, mode="RGB"), "volumes/p4.nii.gz": nifti_gz_bytes(),
             "images/p311a.png": png_bytes(seed=4)}
    checkout = write_release(tmp_path / "dataset", CLEAN_ROWS + [SUFFIXED], files)
    import_dataset(checkout, engine, store)
    return engine, store, checkout


def add_case(engine, store, key, *, images=None, age="54", license="CC BY 4.0", finding="Pneumonia/Viral/COVID-19",
             view="PA", modality="X-ray", state="approved", source="radiopaedia") -> int:
    images = images if images is not None else [png_bytes(seed=1000 + zlib.crc32(key.encode()) % 10_000)]
    with session_scope(engine) as session:
        case = Case(source=source, source_key=key, canonical_url=f"https://{source}.org/cases/{key}",
                    license=license, credit=f"Case courtesy of Dr {key}", review_state=state)
        for field, value in (("age", age), ("sex", "F"), ("finding", finding), ("offset", "3"),
                             ("clinical_notes", f"Patient {key}, fever,\ncough")):
            if value is not None:
                case.field_values.append(FieldValue(field=field, value=value))
        session.add(case)
        session.flush()
        for position, data in enumerate(images):
            facts = describe_image(data)
            store.put_bytes(data, facts.sha256)
            image = Image(case_id=case.id, source_url=f"https://img/{key}/{position}", sha256=facts.sha256,
                          phash=facts.phash, width=facts.width, height=facts.height, format=facts.format,
                          position=position)
            session.add(image)
            session.flush()
            img_view = view if facts.format != "nifti-gz" else "Axial"
            img_modality = modality if facts.format != "nifti-gz" else "CT"
            session.add(FieldValue(case_id=case.id, image_id=image.id, field="view", value=img_view))
            session.add(FieldValue(case_id=case.id, image_id=image.id, field="modality", value=img_modality))
        return case.id


def rows_of(path):
    with open(path, newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def tree(root):
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


# --- export into a checkout ----------------------------------------------------------------------


def test_dataset_export_appends_rows_keeps_bytes_and_allocates_ids(env):
    engine, store, checkout = env
    before = (checkout / "metadata.csv").read_bytes()
    old_files = {k: v for k, v in tree(checkout).items() if k.startswith(("images/", "volumes/"))}
    add_case(engine, store, "9001", images=[png_bytes(seed=11), png_bytes(seed=12, mode="I;16")])
    add_case(engine, store, "9000", images=[jpeg_bytes(seed=13, mode="CMYK")])
    add_case(engine, store, "9002", images=[nifti_gz_bytes((6, 6, 3))])
    report = export_into_dataset(engine, store, checkout, ExportOptions(reports=None))
    after = (checkout / "metadata.csv").read_bytes()
    assert after.startswith(before) and report.new_rows == 4
    for rel, data in old_files.items():
        assert (checkout / rel).read_bytes() == data  # nothing overwritten
    rows = rows_of(checkout / "metadata.csv")
    new = rows[len(CLEAN_ROWS) + 1:]
    # stable order: cases by key, images by position; ids after 311 (the suffixed max)
    assert [(r["patientid"], r["filename"]) for r in new] == [
        ("312", "radiopaedia-9000-1.png"), ("313", "radiopaedia-9001-1.png"), ("313", "radiopaedia-9001-2.png"),
        ("314", "radiopaedia-9002-1.nii.gz")]
    assert [r["folder"] for r in new] == ["images", "images", "images", "volumes"]
    assert new[0]["finding"] == "Pneumonia/Viral/COVID-19" and new[0]["url"] == "https://radiopaedia.org/cases/9000"
    assert (new[0]["clinical_notes"] == "Patient 9000, fever, cough"
            and new[0]["other_notes"] == "Case courtesy of Dr 9000")
    assert list(rows[0].keys())[-1] == ""  # the trailing empty header column is kept
    assert after.decode().splitlines()[0] == before.decode().splitlines()[0]
    # CMYK JPEG and 16-bit PNG converted to 8-bit PNG, source kept and conversion recorded
    for name in ("radiopaedia-9000-1.png", "radiopaedia-9001-2.png"):
        with PILImage.open(checkout / "images" / name) as img:
            assert img.format == "PNG" and img.mode in ("L", "RGB")
    manifest = json.loads((checkout / "manifest.json").read_text())
    assert set(manifest["conversions"]) == {"radiopaedia-9000-1.png", "radiopaedia-9001-2.png"}
    assert manifest["files"]["images/radiopaedia-9001-1.png"] == describe_image(png_bytes(seed=11)).sha256
    with session_scope(engine) as session:
        image = session.scalars(select(Image).where(Image.source_url == "https://img/9001/1")).one()
        assert image.provenance["release_conversion"]["steps"][0].startswith("png I;16 -> png L")
        assert store.has(image.sha256)
        assert {p.patientid for p in session.scalars(select(PatientId))} == {"312", "313", "314"}
    assert [v for v in validate(checkout) if v.severity == "error"] == []
    assert "rows added: 4" in (checkout / "CHANGELOG.md").read_text()
    assert (checkout / "report" / "index.html").exists() and (checkout / "report" / "age.png").exists()
    assert report.artefacts == str(checkout)  # asked for: reports=None writes into the checkout

    # a second release: only the newly approved case is added; ids continue, none reused
    middle = (checkout / "metadata.csv").read_bytes()
    add_case(engine, store, "8999", images=[png_bytes(seed=21)])
    export_into_dataset(engine, store, checkout)
    final = (checkout / "metadata.csv").read_bytes()
    assert final.startswith(middle)
    last = rows_of(checkout / "metadata.csv")[-1]
    assert (last["patientid"], last["filename"]) == ("315", "radiopaedia-8999-1.png")
    changelog = (checkout / "CHANGELOG.md").read_text()
    assert (len(re.findall(r"^## ", changelog, re.M)) == 2
            and changelog.index("rows added: 1") < changelog.index("rows added: 4"))


def test_a_release_that_adds_nothing_changes_no_byte(env):
    engine, store, checkout = env
    before = tree(checkout)
    report = export_into_dataset(engine, store, checkout)
    assert report.nothing_new and tree(checkout) == before


def test_patient_ids_are_never_reused_after_an_abandoned_release(env, tmp_path):
    engine, store, checkout = env
    case = add_case(engine, store, "7000", images=[png_bytes(seed=31)])
    export_release(engine, store, tmp_path / "r1")  # allocates 312 to the case
    with session_scope(engine) as session:
        session.get(Case, case).review_state = "rejected"  # abandoned: the case never reaches the dataset
    add_case(engine, store, "7001", images=[png_bytes(seed=32)])
    export_into_dataset(engine, store, checkout)
    assert rows_of(checkout / "metadata.csv")[-1]["patientid"] == "313"


def test_interrupted_dataset_export_leaves_the_checkout_untouched(env, monkeypatch):
    engine, store, checkout = env
    add_case(engine, store, "6000", images=[png_bytes(seed=41), png_bytes(seed=42), png_bytes(seed=43)])
    before = tree(checkout)
    calls = {"n": 0}
    real_link = os.link

    def failing_link(src, dst, *args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 2:
            raise KeyboardInterrupt("interrupted half way")
        return real_link(src, dst, *args, **kwargs)

    monkeypatch.setattr(release_module.os, "link", failing_link)
    with pytest.raises(KeyboardInterrupt):
        export_into_dataset(engine, store, checkout)
    assert calls["n"] == 2
    assert tree(checkout) == before
    assert [p.name for p in checkout.parent.iterdir() if p.name.startswith(".")] == []
    with session_scope(engine) as session:
        assert session.scalar(select(func.count()).select_from(Release)) == 0


def test_an_export_failing_while_the_rows_are_checked_stops_the_check(env, monkeypatch):
    """The forked check of the dataset's rows ends with the export, not at the interpreter's exit
    (where an executor's exit hook once printed a traceback after the one-line error, CI)."""
    engine, store, checkout = env
    add_case(engine, store, "6001", images=[png_bytes(seed=44)])

    def full_disk(*_args, **_kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(release_module, "_plan_into", full_disk)
    with pytest.raises(OSError):
        export_into_dataset(engine, store, checkout)
    assert multiprocessing.active_children() == []
    assert [t.name for t in threading.enumerate() if t is not threading.main_thread() and not t.daemon] == []


def test_the_forked_check_of_the_dataset_rows_answers_as_the_inline_one(env, tmp_path):
    _engine, _store, checkout = env
    broken = tmp_path / "metadata.csv"
    text = (checkout / "metadata.csv").read_text()
    broken.write_text(text + text.splitlines()[-1] + "\n")  # a row twice: a pre-existing error
    forked = release_module.PreexistingCheck(broken)
    assert multiprocessing.active_children() != []
    inline = release_module._preexisting(broken)
    assert inline and forked.result() == inline
    assert multiprocessing.active_children() == []
    stopped = release_module.PreexistingCheck(broken)
    stopped.abandon()
    stopped.abandon()  # safe to repeat, as every error path may
    assert multiprocessing.active_children() == []


# --- gates: each one refusing, then passing ------------------------------------------------------


def refused(engine, store, checkout) -> list[str]:
    before = tree(checkout)
    with pytest.raises(ExportRefused) as info:
        export_into_dataset(engine, store, checkout)
    assert tree(checkout) == before
    return [f"{f.gate}:{f.rule}" for f in info.value.failures]


def test_gate_minor_and_unconfirmed_age(env):
    engine, store, checkout = env
    add_case(engine, store, "minor", age="12", images=[png_bytes(seed=51)])
    unknown = add_case(engine, store, "noage", age=None, images=[png_bytes(seed=52)])
    reasons = refused(engine, store, checkout)
    assert "age:age.adult" in reasons and "age:age.unconfirmed" in reasons
    with session_scope(engine) as session:
        session.get(Case, unknown - 1).review_state = "rejected"  # the minor leaves the release
        confirm_adult(session, unknown, "maintainer")
    export_into_dataset(engine, store, checkout)
    assert rows_of(checkout / "metadata.csv")[-1]["filename"] == "radiopaedia-noage-1.png"


@pytest.mark.parametrize("options", [ExportOptions(licenses=frozenset({"CC BY 4.0"})), ExportOptions(state="staged")])
def test_a_checkout_gets_no_license_subset_or_preview(env, options):
    engine, store, checkout = env
    add_case(engine, store, "sub", images=[png_bytes(seed=63)])
    before = tree(checkout)
    with pytest.raises(ValueError, match="separate release"):
        export_into_dataset(engine, store, checkout, options)
    assert tree(checkout) == before


@pytest.mark.parametrize("license,rule", [(None, "license.unknown"), ("CC BY-NC-SA 4.0", "license.not-allowed")])
def test_gate_license(env, license, rule):
    engine, store, checkout = env
    case = add_case(engine, store, "lic", license=license, images=[png_bytes(seed=61)])
    narrow = frozenset({"CC BY 4.0"})
    with pytest.raises(ExportRefused) as info:
        export_into_dataset(engine, store, checkout, ExportOptions(allowed=narrow))
    assert [f.rule for f in info.value.failures] == [rule]
    with session_scope(engine) as session:
        session.get(Case, case).license = "CC BY 4.0"
    export_into_dataset(engine, store, checkout, ExportOptions(allowed=narrow))


def _recompressed(data: bytes, quality=70, scale=0.8) -> bytes:
    with PILImage.open(io.BytesIO(data)) as img:
        img = img.convert("L").resize((int(img.width * scale), int(img.height * scale)))
        out = io.BytesIO()
        img.save(out, "JPEG", quality=quality)
        return out.getvalue()


def smooth(seed: int, size=128) -> bytes:
    """A smooth radiograph-like image (recompression and resizing keep its pHash)."""
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:size, 0:size] / size
    arr = sum(rng.uniform(0.2, 1)
              * np.exp(-((x - rng.uniform()) ** 2 + (y - rng.uniform()) ** 2) / rng.uniform(0.01, 0.05))
              for _ in range(6))
    img = PILImage.fromarray((255 * arr / arr.max()).astype(np.uint8), "L")
    out = io.BytesIO()
    img.save(out, "PNG")
    return out.getvalue()


def test_gate_near_duplicate_of_a_released_image_and_within_the_release(tmp_path, project_env):
    engine = open_database(project_env["STAGING_DB_URL"])
    store = MediaStore(project_env["MEDIA_STORE"])
    released = smooth(1)
    files = {"images/p2-a.png": released, "images/p2-b.jpg": jpeg_bytes(seed=2),
             "images/p3.jpg": jpeg_bytes(seed=3, mode="RGB"), "volumes/p4.nii.gz": nifti_gz_bytes()}
    checkout = write_release(tmp_path / "dataset", CLEAN_ROWS, files)
    import_dataset(checkout, engine, store)
    a = add_case(engine, store, "dup1", images=[_recompressed(released)])
    b = add_case(engine, store, "dup2", images=[smooth(2), _recompressed(smooth(2), quality=90, scale=1.5)])
    with pytest.raises(ExportRefused) as info:
        export_into_dataset(engine, store, checkout)
    rules = sorted(f.rule for f in info.value.failures)
    assert rules == ["duplicate.in-release", "duplicate.released"]
    assert "images/p2-a.png" in str(info.value)
    with session_scope(engine) as session:
        image_a = session.scalars(select(Image).where(Image.case_id == a)).one()
        b1, b2 = session.scalars(select(Image).where(Image.case_id == b).order_by(Image.position)).all()
        mark_distinct(session, image_a.id, "images/p2-a.png", "maintainer")
        mark_distinct(session, b2.id, b1, "maintainer")
    report = export_into_dataset(engine, store, checkout)
    assert report.new_rows == 3


def test_gate_same_image_in_another_frame(tmp_path, project_env):
    """A released film re-published cropped (4 % and 3 % off two sides) and recompressed: its hashes
    are far apart, the aligned thumbnails are not (dedup/crops.py)."""
    from bench.duplicate_threshold import radiograph

    engine = open_database(project_env["STAGING_DB_URL"])
    store = MediaStore(project_env["MEDIA_STORE"])
    film = radiograph(np.random.default_rng(11))

    def as_png(img) -> bytes:
        out = io.BytesIO()
        img.save(out, "PNG")
        return out.getvalue()

    w, h = film.size
    crop = film.crop((int(0.04 * w), 0, w, h - int(0.03 * h)))
    files = {"images/p2-a.png": as_png(film), "images/p2-b.jpg": jpeg_bytes(seed=2),
             "images/p3.jpg": jpeg_bytes(seed=3, mode="RGB"), "volumes/p4.nii.gz": nifti_gz_bytes()}
    checkout = write_release(tmp_path / "dataset", CLEAN_ROWS, files)
    import_dataset(checkout, engine, store)
    out = io.BytesIO()
    crop.save(out, "JPEG", quality=75)
    case = add_case(engine, store, "cropped", images=[out.getvalue()])
    add_case(engine, store, "other", images=[as_png(radiograph(np.random.default_rng(12)))])
    with pytest.raises(ExportRefused) as info:
        export_into_dataset(engine, store, checkout)
    assert [f.rule for f in info.value.failures] == ["duplicate.released"]  # the other film passes
    message = info.value.failures[0].message
    assert "images/p2-a.png" in message and "another frame" in message
    with session_scope(engine) as session:
        image = session.scalars(select(Image).where(Image.case_id == case)).one()
        mark_distinct(session, image.id, "images/p2-a.png", "maintainer")
    assert export_into_dataset(engine, store, checkout).new_rows == 2


def test_gate_finding_that_would_break_torchxrayvision_and_design_rules(env):
    engine, store, checkout = env
    bad = add_case(engine, store, "regex", finding="Pneumonia/Bacterial/E.Coli", images=[png_bytes(seed=71)])
    view = add_case(engine, store, "ctview", view="PA", images=[nifti_gz_bytes((5, 5, 2))])
    with session_scope(engine) as session:
        fv = session.scalars(select(FieldValue).where(FieldValue.case_id == view, FieldValue.field == "view")).one()
        fv.override = "PA"  # a CT volume with an X-ray view
    reasons = refused(engine, store, checkout)
    assert "design:finding.regex" in reasons and "design:view.volume" in reasons
    with session_scope(engine) as session:
        session.scalars(select(FieldValue).where(FieldValue.case_id == bad,
                                                 FieldValue.field == "finding")).one().override = \
            "Pneumonia/Bacterial/Escherichia-Coli"
        session.scalars(select(FieldValue).where(FieldValue.case_id == view,
                                                 FieldValue.field == "view")).one().override = "Axial"
    export_into_dataset(engine, store, checkout)


def test_xrv_overlap_with_released_findings_is_caught():
    from exports.gates import xrv_failures
    from exports.rows import NewRow

    row = NewRow(1, 1, "s", "k", 0, "images", None, None, None,
                 {"view": "PA", "finding": "Pneumonia/Viral/MERS", "filename": "x.png"}, "x.png")
    failures = xrv_failures([row], [("PA", "Pneumonia/Viral/MERS-CoV")])
    assert [f.rule for f in failures] == ["finding.xrv-overlap"]
    row.cells["finding"] = "Pneumonia/Viral/MERS-CoV"
    assert xrv_failures([row], [("PA", "Pneumonia/Viral/MERS-CoV")]) == []


# --- license subsets and previews ----------------------------------------------------------------


def test_license_subset_release(env, tmp_path, scrapy_inproc):
    engine, store, _checkout = env
    add_case(engine, store, "by", license="CC BY 4.0", images=[png_bytes(seed=81)])
    add_case(engine, store, "ncsa", license="CC BY-NC-SA 4.0", images=[png_bytes(seed=82)])
    out = tmp_path / "subset"
    result = scrapy_inproc("export", "-o", str(out), "--license", "CC BY 4.0,CC BY-SA 4.0", check=True)
    assert "left out by the license subset" in result.stdout
    rows = rows_of(out / "metadata.csv")
    assert {r["license"] for r in rows} == {"CC BY 4.0"}
    assert [r["filename"] for r in rows] == ["p2-a.png", "p2-b.jpg", "p311a.png", "radiopaedia-by-1.png"]
    assert sorted(p.name for p in (out / "images").iterdir()) == sorted(r["filename"] for r in rows)
    assert list((out / "volumes").iterdir()) == []
    assert [v for v in validate(out) if v.severity == "error"] == []
    changelog = (out / "CHANGELOG.md").read_text()
    assert "rows removed: 2" in changelog and "'CC BY-NC-SA' is not in the chosen subset" in changelog
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["licenses"] == ["CC BY 4.0", "CC BY-SA 4.0"]
    assert manifest["left_out"][0]["case"] == "radiopaedia/ncsa"
    bad = scrapy_inproc("export", "-o", str(tmp_path / "x"), "--license", "CC-BY")
    assert bad.returncode == 1 and "unknown license" in bad.stderr


def test_staged_preview_reserves_no_ids_and_reports_gates(env, tmp_path, scrapy_inproc):
    engine, store, _checkout = env
    ok = add_case(engine, store, "s1", state="staged", images=[png_bytes(seed=91)])
    minor = add_case(engine, store, "s2", state="staged", age="10", images=[png_bytes(seed=92)])
    result = scrapy_inproc("export", "-o", str(tmp_path / "preview"), "--state", "staged", check=True)
    assert "age.adult" in result.stdout
    assert "patientid" not in result.stdout  # its own placeholder ids are no gate failure
    assert "1 gate failure(s)" in result.stdout
    rows = rows_of(tmp_path / "preview" / "metadata.csv")
    assert [r["patientid"] for r in rows] == [f"staged-{ok}", f"staged-{minor}"]
    assert (tmp_path / "preview" / "images" / rows[0]["filename"]).exists()
    with session_scope(engine) as session:
        assert session.scalar(select(func.count()).select_from(PatientId)) == 0
        assert session.scalar(select(func.count()).select_from(Release)) == 0


def test_refused_release_lists_every_reason_on_the_command_line(env, scrapy_inproc):
    engine, store, checkout = env
    add_case(engine, store, "r1", age="15", license=None, images=[png_bytes(seed=95)])
    result = scrapy_inproc("export", "--dataset", str(checkout))
    assert result.returncode == 1
    assert "age.adult" in result.stderr and "license.unknown" in result.stderr and "2 gate failure(s)" in result.stderr


def test_a_refused_release_leaves_no_work_files_beside_the_checkout(env):
    engine, store, checkout = env
    for n in range(12):  # more new files than the threads removing them (exports.journal.remove_tree)
        add_case(engine, store, f"minor{n}", age="12", images=[png_bytes(seed=700 + n)])
    assert "age:age.adult" in refused(engine, store, checkout)
    assert [p.name for p in checkout.parent.iterdir() if p.name.startswith(f".{checkout.name}.export-")] == []

# --- the consumer contract -----------------------------------------------------------------------


def load_like_torchxrayvision(imgpath, csvpath, views=("PA", "AP", "AP Supine")):
    """torchxrayvision's COVID19_Dataset, as its ``datasets.py`` reads the release, without torch."""
    import pandas as pd

    frame = pd.read_csv(csvpath)
    frame["view"] = frame["view"].fillna("UNKNOWN")
    frame = frame[frame["view"].isin(views)]
    frame = frame[~frame["finding"].isin(["todo", "Unknown"])]
    pathologies = sorted({seg for f in frame["finding"] for seg in f.split("/")})
    labels = np.stack([frame["finding"].str.contains(p).values for p in pathologies], axis=1).astype(np.float32)
    samples = []
    for (_, row), lab in zip(frame.iterrows(), labels):
        img = np.asarray(PILImage.open(os.path.join(imgpath, row["filename"])))
        assert img.max() <= 255, f"{row['filename']}: max image value {img.max()} higher than 255"
        assert img.dtype == np.uint8
        assert {p for p, on in zip(pathologies, lab) if on} == set(row["finding"].split("/")), row["filename"]
        samples.append((row["filename"], lab))
    return frame, pathologies, samples


def demo_release(env, tmp_path):
    engine, store, checkout = env
    add_case(engine, store, "d1", images=[png_bytes(seed=101, mode="I;16"), jpeg_bytes(seed=102)], view="AP Supine")
    add_case(engine, store, "d2", finding="Pneumonia/Bacterial/Streptococcus",
             images=[jpeg_bytes(seed=103, mode="CMYK")])
    add_case(engine, store, "d3", finding="todo", view="L", images=[png_bytes(seed=104, mode="RGBA")])
    export_into_dataset(engine, store, checkout)
    return checkout


def test_consumer_contract_and_the_datasets_own_checks(env, tmp_path):
    checkout = demo_release(env, tmp_path)
    frame, pathologies, samples = load_like_torchxrayvision(str(checkout / "images"), str(checkout / "metadata.csv"))
    assert "radiopaedia-d1-1.png" in set(frame["filename"]) and len(samples) == len(frame) > 4
    assert "COVID-19" in pathologies
    rows = rows_of(checkout / "metadata.csv")
    filenames = [r["filename"] for r in rows]
    assert len(filenames) == len(set(filenames))  # unique filenames
    assert set(os.listdir(checkout / "images")) - set(filenames) == set()  # nothing unreferenced
    ages = [float(r["age"]) for r in rows if r["age"]]
    assert min(ages) >= 18
    for name in filenames:
        assert re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]*", name)


def test_real_torchxrayvision_iterates_every_sample(env, tmp_path):
    xrv = pytest.importorskip("torchxrayvision")
    checkout = demo_release(env, tmp_path)
    dataset = xrv.datasets.COVID19_Dataset(imgpath=str(checkout / "images"), csvpath=str(checkout / "metadata.csv"),
                                           views=["PA", "AP", "AP Supine"])
    assert len(dataset) > 0
    for i in range(len(dataset)):
        assert dataset[i]["img"].shape[0] == 1


def test_needs_information_cases_are_exported_as_todo_only_when_asked(env, tmp_path):
    engine, store, _ = env
    add_case(engine, store, "9100")
    add_case(engine, store, "9101", state="needs_info")
    report = export_release(engine, store, tmp_path / "plain")
    assert report.new_rows == 1
    assert [r["filename"] for r in rows_of(tmp_path / "plain" / "metadata.csv")][-1] == "radiopaedia-9100-1.png"

    export_release(engine, store, tmp_path / "asked", ExportOptions(include_needs_info=True))
    new = {r["filename"]: r for r in rows_of(tmp_path / "asked" / "metadata.csv")[len(CLEAN_ROWS) + 1:]}
    assert set(new) == {"radiopaedia-9100-1.png", "radiopaedia-9101-1.png"}
    assert new["radiopaedia-9101-1.png"]["finding"] == "todo"  # whatever the normalizer said
    assert new["radiopaedia-9100-1.png"]["finding"] == "Pneumonia/Viral/COVID-19"


def test_include_needs_info_on_the_command_line(env, scrapy_inproc, tmp_path):
    engine, store, _ = env
    add_case(engine, store, "9102", state="needs_info")
    result = scrapy_inproc("export", "-o", str(tmp_path / "r"), "--include-needs-info", check=True)
    assert "1 new" in result.stdout
    assert rows_of(tmp_path / "r" / "metadata.csv")[-1]["finding"] == "todo"
