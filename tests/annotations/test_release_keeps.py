"""Releases never change an annotated image's name or bytes, nor an annotation file, and say so."""

from __future__ import annotations

import json

from exports.release import export_into_dataset, export_release
from exports.validate import validate
from tests.annotations.conftest import tree
from tests.release.test_release import add_case


def test_export_o_carries_every_annotation_file_byte_for_byte(imported, tmp_path):
    engine, store, checkout, _ = imported
    before = tree(checkout.root)
    add_case(engine, store, "9300")
    export_release(engine, store, tmp_path / "release")
    assert tree(tmp_path / "release") == before
    for name in checkout.filenames:
        assert (tmp_path / "release" / "images" / name).read_bytes() == (checkout.root / "images" / name).read_bytes()
    assert [v for v in validate(tmp_path / "release") if v.rule.startswith("annotation.")] == []


def test_export_o_report_says_the_annotated_images_were_kept(imported, tmp_path):
    engine, store, checkout, _ = imported
    export_release(engine, store, tmp_path / "release")
    manifest = json.loads((tmp_path / "release" / "manifest.json").read_text())
    annotations = manifest["counts"]["annotations"]
    assert annotations["annotated_images"] == len(checkout.filenames)
    assert annotations["kept_unchanged"] == len(checkout.filenames) and annotations["changed"] == []
    assert annotations["by_kind"] == {"severity": len(checkout.filenames), "mask": 2, "box": 2}
    assert annotations["annotation_files"] == 5
    assert manifest["files"]["annotations/covid-severity-scores.csv"]
    changelog = (tmp_path / "release" / "CHANGELOG.md").read_text()
    assert f"{len(checkout.filenames)} kept under their filename with their bytes unchanged" in changelog
    assert "kept under their filename" in (tmp_path / "release" / "report" / "index.html").read_text()


def test_export_into_the_checkout_leaves_annotations_untouched(imported):
    engine, store, checkout, _ = imported
    before = tree(checkout.root)
    images = tree(checkout.root, "images")
    add_case(engine, store, "9301")
    report = export_into_dataset(engine, store, checkout.root)
    assert report.new_rows == 1
    assert tree(checkout.root) == before
    after_images = tree(checkout.root, "images")
    assert {k: after_images[k] for k in images} == images
    changelog = (checkout.root / "CHANGELOG.md").read_text()
    assert f"annotated images: {len(checkout.filenames)}" in changelog and "CHANGED" not in changelog


def test_a_changed_annotated_image_is_named_in_the_report(imported):
    engine, store, checkout, _ = imported
    name = checkout.filenames[0]
    (checkout.root / "images" / name).write_bytes((checkout.root / "images" / name).read_bytes() + b"\0")
    add_case(engine, store, "9302")
    export_into_dataset(engine, store, checkout.root)
    manifest = json.loads((checkout.root / "manifest.json").read_text())
    assert manifest["counts"]["annotations"]["changed"] == [name]
    assert f"CHANGED: {name}" in (checkout.root / "CHANGELOG.md").read_text()
