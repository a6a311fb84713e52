"""import-dataset reads annotations/; validate reports what a loader would misread."""

from __future__ import annotations

from sqlalchemy import select

from db.models import Annotation, AnnotationFile
from db.session import session_scope
from exports.baseline import import_dataset
from exports.validate import validate
from tests.annotations.conftest import BOXED, MASKED, SEVERITY, mask_bytes


def annotations_of(engine, kind=None):
    with session_scope(engine) as s:
        q = select(Annotation).where(Annotation.deleted_at.is_(None))
        if kind:
            q = q.where(Annotation.kind == kind)
        return [(a.kind, a.key, a.filename, a.data, a.license, a.line) for a in s.scalars(q.order_by(Annotation.id))]


def test_severity_scores_are_stored_per_row_with_the_files_licence(imported):
    engine, _, checkout, report = imported
    scores = annotations_of(engine, "severity")
    assert len(scores) == len(checkout.filenames) == report.annotations["severity"]
    first = {key: (filename, data, lic, line) for _, key, filename, data, lic, line in scores}
    filename, data, lic, line = first["1-s2.0-S0140673620303706-fx1_lrg.jpg"]
    assert filename == "1-s2.0-S0140673620303706-fx1_lrg.jpg"
    assert data == {"geographic_mean": 2.0, "opacity_mean": 2.0}
    assert lic == "CC BY-SA"  # from the "## License: CC BY-SA ..." comment line
    written = (checkout.root / "annotations" / "covid-severity-scores.csv").read_text().splitlines()
    assert written[line - 1] == "1-s2.0-S0140673620303706-fx1_lrg.jpg,2.0,2.0" and line > 6


def test_masks_named_by_stem_resolve_to_their_image(imported):
    engine, _, _, report = imported
    masks = annotations_of(engine, "mask")
    assert report.annotations["mask"] == 2
    assert sorted(m[1] for m in masks) == sorted(name.rsplit(".", 1)[0] for name in MASKED)
    assert sorted(m[2] for m in masks) == sorted(MASKED)
    assert {m[4] for m in masks} == {"CC BY-SA 4.0"}  # the README beside the masks names it


def test_coco_boxes_are_keyed_by_file_name_with_label_and_licence(imported):
    engine, _, _, _ = imported
    boxes = annotations_of(engine, "box")
    expected = sorted((name, list(b[:4]), b[4]) for name, bs in BOXED.items() for b in bs)
    assert sorted((b[2], b[3]["bbox"], b[3]["label"]) for b in boxes) == expected
    assert {b[4] for b in boxes} == {"CC BY 4.0"}


def test_every_file_is_kept_byte_for_byte_with_its_licence(imported):
    engine, store, checkout, _ = imported
    with session_scope(engine) as s:
        files = {f.path: (f.sha256, f.kind, f.license, f.license_note) for f in s.scalars(select(AnnotationFile))}
    assert set(files) == {p.relative_to(checkout.root).as_posix()
                          for p in (checkout.root / "annotations").rglob("*") if p.is_file()}
    for path, (sha, _, _, _) in files.items():
        assert store.read(sha) == (checkout.root / path).read_bytes()
    assert files["annotations/covid-severity-scores.csv"][1:3] == ("table", "CC BY-SA")
    assert files["annotations/covid-severity-scores.csv"][3].startswith("line 2: License:")
    assert files["annotations/lungVAE-masks/README.md"][1] == "document"


def test_reimport_unchanged_then_a_changed_file_replaces_its_annotations(imported):
    engine, store, checkout, _ = imported
    assert import_dataset(checkout.root, engine, store).unchanged
    path = checkout.root / "annotations" / "covid-severity-scores.csv"
    lines = path.read_bytes().splitlines(keepends=True)
    path.write_bytes(b"".join(lines[:7]))  # comments, header, one row
    report = import_dataset(checkout.root, engine, store)
    assert not report.unchanged and report.annotations["severity"] == 1
    assert len(annotations_of(engine, "severity")) == 1
    (checkout.root / "annotations" / "generalblockchain-boxes.json").unlink()
    import_dataset(checkout.root, engine, store)
    assert annotations_of(engine, "box") == []


def test_a_clean_annotated_checkout_has_no_annotation_violation(checkout):
    assert [v for v in validate(checkout.root) if v.rule.startswith("annotation.")] == []


def rules(violations, prefix="annotation."):
    return sorted((v.rule, v.filename) for v in violations if v.rule.startswith(prefix))


def test_orphan_annotation_names_no_row(checkout):
    path = checkout.root / "annotations" / "covid-severity-scores.csv"
    path.write_bytes(path.read_bytes() + b"renamed-image.jpeg,2.0,1.0\n")
    (checkout.root / "annotations" / "lungVAE-masks" / "gone_mask.png").write_bytes(mask_bytes((10, 10)))
    found = rules(validate(checkout.root))
    line = len(path.read_bytes().splitlines())
    assert found == [("annotation.orphan", "annotations/covid-severity-scores.csv line %d" % line),
                     ("annotation.orphan", "annotations/lungVAE-masks/gone_mask.png")]


def test_mask_of_another_size_than_its_image(checkout):
    name = MASKED[0]
    w, h = checkout.sizes[name]
    (checkout.root / "annotations" / "lungVAE-masks" / f"{name.rsplit('.', 1)[0]}_mask.png").write_bytes(
        mask_bytes((w * 2, h * 2)))
    found = [v for v in validate(checkout.root) if v.rule == "annotation.size"]
    assert len(found) == 1 and f"{w * 2} x {h * 2}" in found[0].message and f"{w} x {h}" in found[0].message


def test_mask_values_torchxrayvision_would_drop(checkout):
    name = MASKED[1]
    (checkout.root / "annotations" / "lungVAE-masks" / f"{name.rsplit('.', 1)[0]}_mask.png").write_bytes(
        mask_bytes(checkout.sizes[name], values=(0, 1)))
    found = [v for v in validate(checkout.root) if v.rule == "annotation.mask-values"]
    assert len(found) == 1 and found[0].severity == "warning" and "[1]" in found[0].message


def test_hash_inside_a_row_is_cut_by_comment_hash(checkout):
    path = checkout.root / "annotations" / "covid-severity-scores.csv"
    lines = path.read_bytes().splitlines(keepends=True)
    lines[7] = lines[7].replace(b",", b",#", 1)
    path.write_bytes(b"".join(lines))
    found = [v for v in validate(checkout.root) if v.rule == "annotation.layout"]
    assert [v.filename for v in found] == ["annotations/covid-severity-scores.csv line 8"]
    assert "comment='#'" in found[0].message


def test_byte_order_mark_hides_the_first_comment(checkout):
    path = checkout.root / "annotations" / "covid-severity-scores.csv"
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    found = [v for v in validate(checkout.root) if v.rule == "annotation.layout"]
    assert len(found) == 1 and "byte-order mark" in found[0].message


def test_comment_not_starting_with_hash_is_read_as_the_header(checkout):
    path = checkout.root / "annotations" / "covid-severity-scores.csv"
    path.write_bytes(b"// scores by three raters\n" + path.read_bytes())
    found = [v for v in validate(checkout.root) if v.rule == "annotation.layout"]
    assert len(found) == 1 and "no filename column" in found[0].message and "'#'" in found[0].message


def test_semicolon_separated_table_is_named(checkout):
    path = checkout.root / "annotations" / "scores-semicolon.csv"
    path.write_bytes(b"filename;geographic_mean;opacity_mean\n" + checkout.filenames[0].encode() + b";1.0;1.0\n")
    found = [v for v in validate(checkout.root) if v.rule == "annotation.layout"]
    assert len(found) == 1 and "';'" in found[0].message


def test_scores_outside_the_published_scale_and_duplicate_rows(checkout):
    path = checkout.root / "annotations" / "covid-severity-scores.csv"
    name = checkout.filenames[0]
    path.write_bytes(path.read_bytes() + f"{name},9.5,2.0\n".encode())
    found = rules(validate(checkout.root))
    assert ("annotation.value",
            f"annotations/covid-severity-scores.csv line {len(path.read_bytes().splitlines())}") in found
    assert any(rule == "annotation.duplicate" for rule, _ in found)


def test_import_command_prints_what_annotations_hold(project_env, scrapy_inproc, checkout):
    result = scrapy_inproc("import-dataset", str(checkout.root), check=True)
    assert f"annotations: 5 files ({len(checkout.filenames)} severity, 2 mask, 3 box)" in result.stdout


def test_the_published_scores_parse_without_problem():
    from curation.annotations import read_annotation_file

    parsed = read_annotation_file("annotations/covid-severity-scores.csv", SEVERITY.read_bytes())
    assert parsed.problems == [] and len(parsed.annotations) == 94 and parsed.license == "CC BY-SA"


def test_an_annotation_finds_its_image_when_a_later_import_adds_the_row(project_env, checkout):
    from db.session import open_database
    from media.store import MediaStore

    engine, store = open_database(project_env["STAGING_DB_URL"]), MediaStore(project_env["MEDIA_STORE"])
    metadata = checkout.root / "metadata.csv"
    full = metadata.read_bytes()
    lines = full.splitlines(keepends=True)
    masked_line = next(i for i, l in enumerate(lines) if MASKED[0].encode() in l)
    metadata.write_bytes(b"".join(lines[:masked_line] + lines[masked_line + 1:]))
    import_dataset(checkout.root, engine, store)
    assert sorted(m[2] or "" for m in annotations_of(engine, "mask")) == ["", MASKED[1]]
    metadata.write_bytes(full)
    import_dataset(checkout.root, engine, store)
    assert sorted(m[2] for m in annotations_of(engine, "mask")) == sorted(MASKED)


def test_boxes_of_a_file_that_gives_another_image_size(checkout):
    from tests.annotations.conftest import coco

    sizes = dict(checkout.sizes)
    name = sorted(BOXED)[0]
    sizes[name] = (sizes[name][0] * 2, sizes[name][1] * 2)
    (checkout.root / "annotations" / "generalblockchain-boxes.json").write_bytes(coco(BOXED, sizes))
    found = [v for v in validate(checkout.root) if v.rule == "annotation.size"]
    assert len(found) == 1 and name in found[0].message and "do not lie on it" in found[0].message
