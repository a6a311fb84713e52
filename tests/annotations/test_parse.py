"""The pure readers of annotations/: each layout keyed by filename, and what they report."""

from __future__ import annotations

import itertools
import json
from pathlib import PurePosixPath

from curation.annotations import read_annotation_file, stems
from tests.annotations.conftest import mask_bytes


def test_json_object_keyed_by_filename():
    doc = {"a.png": {"grade": 2}, "b.jpeg": 3}
    parsed = read_annotation_file("annotations/grades.json", json.dumps(doc).encode())
    assert [(a.kind, a.key, a.values) for a in parsed.annotations] == [("record", "a.png", {"grade": 2}),
                                                                       ("record", "b.jpeg", {"value": 3})]
    assert parsed.problems == [] and parsed.license is None and parsed.license_note == "the file states no licence"


def test_json_list_of_entries_with_a_filename_key_and_a_licence():
    doc = [{"image_name": "a.png", "label": "x"}]
    parsed = read_annotation_file("annotations/labels.json", json.dumps(doc).encode())
    assert [(a.key, a.values) for a in parsed.annotations] == [("a.png", {"label": "x"})]


def test_json_without_any_filename_key_is_a_warning():
    parsed = read_annotation_file("annotations/other.json", json.dumps({"version": 1}).encode())
    assert [(p.rule, p.severity) for p in parsed.problems] == [("annotation.layout", "warning")]


def test_coco_box_naming_no_image_and_a_box_leaving_its_image():
    doc = {"licenses": [{"id": 1, "name": "CC BY 4.0", "url": "https://creativecommons.org/licenses/by/4.0/"}],
           "images": [{"id": 1, "file_name": "a.png", "width": 10, "height": 10}],
           "categories": [{"id": 1, "name": "effusion"}],
           "annotations": [{"id": 1, "image_id": 2, "bbox": [0, 0, 1, 1]},
                           {"id": 2, "image_id": 1, "bbox": [5, 5, 8, 2], "category_id": 1}]}
    parsed = read_annotation_file("annotations/boxes.json", json.dumps(doc).encode())
    assert sorted(p.rule for p in parsed.problems) == ["annotation.layout", "annotation.value"]
    assert [(a.kind, a.key, a.values["label"]) for a in parsed.annotations] == [("box", "a.png", "effusion")]
    assert parsed.license == "CC BY 4.0"


def test_invalid_json_names_the_line():
    parsed = read_annotation_file("annotations/x.json", b'{\n "a.png": 1,\n}')
    assert parsed.problems[0].rule == "annotation.layout" and parsed.problems[0].line == 3


def test_mask_named_after_the_whole_filename_keys_by_filename():
    parsed = read_annotation_file("annotations/v7/16745_2_2.PNG", mask_bytes((20, 10)))
    (a,) = parsed.annotations
    assert (a.kind, a.key, a.by_stem, a.values["width"], a.values["height"]) == (
        "mask", "16745_2_2.PNG", False, 20, 10)


def test_table_row_with_a_different_field_count():
    data = b"## License: CC BY 4.0\nfilename,grade\na.png,1\nb.png,2,3\n"
    parsed = read_annotation_file("annotations/grades.csv", data)
    assert [(p.rule, p.line) for p in parsed.problems] == [("annotation.layout", 4)]
    assert [(a.kind, a.key, a.values) for a in parsed.annotations] == [("record", "a.png", {"grade": "1"})]
    assert parsed.license == "CC BY 4.0"


def test_filename_with_spaces_around_it_joins_nothing():
    parsed = read_annotation_file("annotations/g.csv", b"filename,grade\n a.png ,1\n")
    assert [p.message.split(":")[0] for p in parsed.problems] == ["filename ' a.png ' has surrounding spaces"]


def test_not_utf8():
    parsed = read_annotation_file("annotations/g.csv", "filename,note\na.png,caf\u00e9\n".encode("latin-1"))
    assert parsed.problems[0].rule == "annotation.layout" and "UTF-8" in parsed.problems[0].message


def test_stems_are_the_paths_stems():
    """``stems`` cuts a name's stem without a PurePosixPath: the same stem for every name of up to
    five characters of ``a./ `` and some awkward ones."""
    names = ["", ".", "..", "a.tar.gz", "x/y.png", "a//b.c", "é.PNG", "\\b.c", ".. .x"]
    names += ["".join(chars) for k in range(1, 6) for chars in itertools.product("a./ ", repeat=k)]
    assert stems(names) == {stem: [n for n in names if PurePosixPath(n).stem == stem]
                            for stem in dict.fromkeys(PurePosixPath(n).stem for n in names)}
