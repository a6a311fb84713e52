"""metadata.csv parsing keeps every byte, and refuses malformed files with the line and reason."""

import csv

import pytest

from exports.csvio import MetadataFormatError, parse_metadata, read_metadata, render, replace_cells
from tests.conftest import HEADER, SAMPLE_CSV


def test_sample_round_trips_byte_for_byte():
    data = SAMPLE_CSV.read_bytes()
    meta = read_metadata(SAMPLE_CSV)
    assert render([(meta.header.raw, meta.header.ending)] + [(r.raw, r.ending) for r in meta.records]) == data


def test_cells_agree_with_the_csv_module():
    meta = read_metadata(SAMPLE_CSV)
    reference = list(csv.reader(SAMPLE_CSV.open(newline="", encoding="utf-8")))
    assert [list(r.cells) for r in meta.records] == reference[1:]
    assert meta.columns[-1] == ""  # the trailing empty header column


def test_quirks_of_the_real_file_are_kept():
    meta = read_metadata(SAMPLE_CSV)
    rows = [meta.row_dict(r) for r in meta.records]
    assert any(row["location"].endswith(" ") for row in rows)  # stray spaces
    assert any(row["#29"] for row in rows)  # a note shifted into the unnamed column
    assert any(row["other_notes"].startswith(" ") for row in rows)  # unquoted comma spill


def test_quoted_newline_and_crlf_are_kept():
    data = (HEADER + "\r\n" + '2,0,M,65,todo' + ',' * 18 + 'images,a.png,,,,"two\r\nlines",,' + "\r\n").encode()
    meta = parse_metadata(data)
    assert meta.records[0].cells[27] == "two\r\nlines"
    assert meta.records[0].ending == "\r\n"
    assert render([(meta.header.raw, meta.header.ending), (meta.records[0].raw, meta.records[0].ending)]) == data


def _file(*rows: str) -> bytes:
    return ("\n".join([HEADER, *rows]) + "\n").encode()


ROW = "2,0,M,65,todo,,,,,,,,,,,,,,PA,X-ray,2020,,images,a.png,,,,,,"


@pytest.mark.parametrize("data,line,reason", [
    (_file(ROW, "2,0,M"), 3, "3 fields where the header has 30"),
    (_file(ROW, ROW.replace("a.png", '"a.png')), 3, "quoted cell is never closed"),
    (_file(ROW, "# a comment"), 3, "comment line"),
    (HEADER.replace("finding,", "").encode() + b"\n", 1, "missing column(s) finding"),
    (HEADER.replace("sex", "age").encode() + b"\n", 1, "missing column(s) sex"),
    (b"\xef\xbb\xbf" + _file(ROW), 1, "byte order mark"),
    (_file(ROW) + b"2,0,M,\xff\xfe" + b"\n", 3, "not UTF-8"),
    (b"", None, "is empty"),
])
def test_malformed_files_are_refused_with_line_and_reason(data, line, reason):
    with pytest.raises(MetadataFormatError) as info:
        parse_metadata(data, "x/metadata.csv")
    assert info.value.line == line
    assert reason in info.value.reason
    assert str(info.value).startswith("x/metadata.csv")


def test_replace_cells_rewrites_only_the_changed_cell():
    meta = read_metadata(SAMPLE_CSV)
    record = meta.records[0]
    license_index = meta.columns.index("license")
    new_raw = replace_cells(record, {license_index: "CC BY 4.0", meta.columns.index("survival"): ""})
    before, after = list(record.cells), next(csv.reader([new_raw]))
    assert after[license_index] == "CC BY 4.0"
    assert after[meta.columns.index("survival")] == ""
    changed = [i for i, (a, b) in enumerate(zip(before, after)) if a != b]
    assert changed == sorted([license_index, meta.columns.index("survival")])
    # everything outside the changed cells is byte-identical (quoting of the notes included)
    assert new_raw.endswith(record.raw[record.raw.index('"On January 22'):])


def test_replace_cells_quotes_values_with_commas():
    meta = read_metadata(SAMPLE_CSV)
    record = meta.records[1]
    index = meta.columns.index("location")
    new_raw = replace_cells(record, {index: 'Rome, Italy "north"'})
    assert next(csv.reader([new_raw]))[index] == 'Rome, Italy "north"'


def test_cell_spans_agree_with_the_csv_module_on_every_short_record():
    import itertools

    from exports.csvio import cell_spans

    checked = 0
    for length in range(1, 7):
        for chars in itertools.product('a,"', repeat=length):
            raw = "".join(chars)
            try:
                expected = next(csv.reader([raw], strict=True))
            except csv.Error:
                continue  # not a record parse_metadata would accept
            spans = cell_spans(raw)
            cells = [next(csv.reader([raw[a:b]]), [""])[0] if b > a else "" for a, b in spans]
            assert cells == expected, raw
            checked += 1
    assert checked > 500


def test_cell_splitter_agrees_with_split_cells_on_every_short_record():
    """The reused reader (and its quote-less shortcut) gives the cells, or the error, of a fresh
    ``csv.reader`` per record, line breaks and open quotes included."""
    import itertools

    from exports.csvio import _CellSplitter, _split_cells

    def outcome(split, raw):
        try:
            return split(raw)
        except csv.Error as exc:
            return f"error: {exc}"

    splitter = _CellSplitter()
    checked = 0
    for length in range(7):
        for chars in itertools.product('a,"\n\r', repeat=length):
            raw = "".join(chars)
            expected = outcome(_split_cells, raw)
            assert outcome(splitter, raw) == expected, raw
            if isinstance(expected, str):
                splitter = _CellSplitter()  # a file stops at its first error: start afresh
            checked += 1
    assert checked > 15_000


def test_write_rendered_writes_the_bytes_render_returns(tmp_path):
    from exports.csvio import write_rendered
    from media.imaging import sha256_hex

    meta = read_metadata(SAMPLE_CSV)
    lines = [(meta.header.raw, meta.header.ending)] + [(r.raw, r.ending) for r in meta.records]
    lines += [('é,"two\r\nlines",中文', "\r\n"), ("last", "")]
    sha = write_rendered(tmp_path / "m.csv", iter(lines), chunk=7)
    assert (tmp_path / "m.csv").read_bytes() == render(lines)
    assert sha == sha256_hex(render(lines))
