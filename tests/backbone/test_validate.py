"""`scrapy validate`: a clean release passes; each rule fires on a release crafted to break it."""

import pytest

from exports.validate import validate
from tests.conftest import CLEAN_ROWS, SAMPLE_CSV, jpeg_bytes, nifti_gz_bytes, png_bytes, write_release


def errors(path):
    return sorted({(v.rule, v.line, v.filename) for v in validate(path) if v.severity == "error"})


def test_clean_release_passes(clean_release, scrapy_inproc):
    assert errors(clean_release) == []
    result = scrapy_inproc("validate", str(clean_release))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 error(s)" in result.stderr


def replace_row(index, old, new):
    rows = list(CLEAN_ROWS)
    assert old in rows[index]
    rows[index] = rows[index].replace(old, new, 1)
    return rows


@pytest.mark.parametrize("rows,rule,line", [
    (replace_row(0, "M,65,", "M,16,"), "age.adult", 2),
    (replace_row(0, ",PA,X-ray", ",AP Erect,X-ray"), "view.vocabulary", 2),
    (replace_row(3, ",Axial,CT", ",PA,CT"), "view.modality", 5),
    (replace_row(0, "Pneumonia/Viral/COVID-19", "Pneumonia/Viral/COVID-19 "), "finding.whitespace", 2),
    (replace_row(0, "Pneumonia/Viral/COVID-19", "Pneumonia/Bacterial/E.Coli"), "finding.regex", 2),
    (replace_row(0, "Pneumonia/Viral/COVID-19", "Pneumonia/Viral/Ebola"), "finding.vocabulary", 2),
    (replace_row(0, "Pneumonia/Viral/COVID-19", ""), "finding.blank", 2),
    (replace_row(0, "2,0,M", "2,?,M"), "offset.number", 2),
    (replace_row(0, "Y,Y,N,N", "Y,yes,N,N"), "survival.vocabulary", 2),
    (replace_row(0, ",37.8,", ",99.5,"), "temperature.range", 2),
    (replace_row(0, "2,0,M,65", "2,0,male,65"), "sex.vocabulary", 2),
    (replace_row(1, "p2-b.jpg", "p2-a.png"), "filename.unique", 3),
    ([CLEAN_ROWS[0] + " lower lobe", *CLEAN_ROWS[1:]], "row.shifted", 2),  # text in the unnamed column
])
def test_each_row_rule_fires(tmp_path, rows, rule, line):
    root = write_release(tmp_path / "r", rows)
    assert (rule, line) in {(r, ln) for r, ln, _ in errors(root)}


def test_missing_and_unreferenced_files(tmp_path):
    root = write_release(tmp_path / "r")
    (root / "images" / "p3.jpg").unlink()
    (root / "images" / ".DS_Store").write_bytes(b"\0\0\0\1Bud1")
    found = errors(root)
    assert ("file.missing", 4, "p3.jpg") in found
    assert ("file.unreferenced", None, "images/.DS_Store") in found


@pytest.mark.parametrize("rel,data,rule", [
    ("images/p2-a.png", jpeg_bytes(), "file.extension"),  # JPEG bytes named .png
    ("images/p2-a.png", b"RIFF\x00\x00\x00\x00WEBPVP8 ", "file.format"),  # WebP saved as .png
    ("images/p2-b.jpg", b"<!DOCTYPE html><html><title>Just a moment...</title></html>", "file.format"),
    ("images/p2-a.png", png_bytes(mode="I;16"), "image.pixel-format"),  # 16-bit breaks torchxrayvision
    ("images/p2-b.jpg", jpeg_bytes(mode="CMYK"), "image.pixel-format"),
    ("images/p2-a.png", png_bytes()[:70], "file.unreadable"),
    ("volumes/p4.nii.gz", png_bytes(), "file.format"),
])
def test_file_rules(tmp_path, rel, data, rule):
    root = write_release(tmp_path / "r")
    (root / rel).write_bytes(data)
    assert rule in {r for r, _, _ in errors(root)}


def test_volume_rules(tmp_path):
    rows = replace_row(3, "volumes,p4.nii.gz", "images,p4.nii.gz")
    root = write_release(tmp_path / "r", rows, {"images/p2-a.png": png_bytes(), "images/p2-b.jpg": jpeg_bytes(),
                                                "images/p3.jpg": jpeg_bytes(), "images/p4.nii.gz": nifti_gz_bytes()})
    assert ("folder.extension", 5, "p4.nii.gz") in errors(root)


def test_real_sample_defects_are_found(scrapy_inproc):
    result = scrapy_inproc("validate", str(SAMPLE_CSV))
    assert result.returncode == 1
    out = result.stdout
    assert "[finding.regex] segment 'E.Coli'" in out
    assert "[lymphocyte_count.range] 131" in out
    assert "[pO2_saturation.range] 130" in out
    assert "line 393, MERS-CoV-1-s2.0-S0378603X1500248X-gr4e.jpg, column 30: [row.shifted]" in out
    assert "line 98," in out and "other_notes: [row.shifted]" in out
    assert "[doi.whitespace]" in out and "[location.whitespace]" in out
    # clean rows are not reported
    assert "line 2," not in out


def test_validate_refuses_an_unreadable_csv(tmp_path):
    (tmp_path / "metadata.csv").write_bytes(b"a,b\n1,2\n")
    [violation] = validate(tmp_path)
    assert violation.rule == "csv.format" and "unknown header" in violation.message


def test_a_repeated_cell_is_parsed_once_with_the_same_violations(monkeypatch):
    """The check of a checkout's own rows runs on every `export --dataset` (100,000 rows: 2.9 million
    cells, most of them repeated): each distinct value of a column is parsed once, and the
    violations are those of parsing every cell (the real sample's defects, line by line)."""
    import exports.validate as validate_module

    every_cell = validate(SAMPLE_CSV)
    parse_cell, parsed = validate_module.parse_cell, []

    def counted(column, raw):
        parsed.append((column, raw))
        return parse_cell(column, raw)

    monkeypatch.setattr(validate_module, "parse_cell", counted)
    remembered = validate(SAMPLE_CSV)
    assert remembered == every_cell and any(v.severity == "error" for v in remembered)
    assert len(parsed) == len(set(parsed))  # never the same cell of a column twice
    assert {raw for column, raw in parsed if column == "sex"} == {"M", "F", ""}

    # past its bound a column parses every new value again: the same violations
    monkeypatch.setattr(validate_module, "_REMEMBERED", 1)
    parsed.clear()
    assert validate(SAMPLE_CSV) == every_cell
    assert len(parsed) > len(set(parsed))
