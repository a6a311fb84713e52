"""`scrapy backfill`: fills blank cells only, keeps every other byte, writes the evidence."""

import csv

from tests.conftest import HEADER, SAMPLE_CSV


def read_rows(path):
    return list(csv.reader(open(path, newline="", encoding="utf-8")))


def test_backfill_fills_only_blank_cells_and_keeps_the_rest(scrapy_inproc, tmp_path):
    out, evidence = tmp_path / "out.csv", tmp_path / "evidence.csv"
    result = scrapy_inproc("backfill", str(SAMPLE_CSV), "-o", str(out), "--evidence", str(evidence), check=True)
    before, after = read_rows(SAMPLE_CSV), read_rows(out)
    assert len(before) == len(after) and before[0] == after[0]
    filled = 0
    for old_row, new_row in zip(before, after):
        assert [c for c in old_row if c.strip()] == [n for o, n in zip(old_row, new_row) if o.strip()]
        filled += sum(o != n for o, n in zip(old_row, new_row))
    assert filled > 0 and f"{filled} blank cells filled" in result.stdout
    # rows without a fill are byte-identical, quoting included
    old_lines = SAMPLE_CSV.read_bytes().split(b"\n")
    new_lines = out.read_bytes().split(b"\n")
    unchanged = [i for i, (o, n) in enumerate(zip(before, after)) if o == n]
    assert all(old_lines[i] == new_lines[i] for i in unchanged)
    rows = read_rows(evidence)
    assert rows[0] == ["row", "line", "field", "value", "evidence", "rule"]
    assert len(rows) - 1 == filled
    for _row_number, line, field, value, _evidence, rule in rows[1:]:
        assert after[int(line) - 1][before[0].index(field)] == value
        assert "@v" in rule


def test_backfill_restricted_to_fields(scrapy_inproc, tmp_path):
    out = tmp_path / "out.csv"
    scrapy_inproc("backfill", str(SAMPLE_CSV), "-o", str(out), "--fields", "temperature", check=True)
    before, after = read_rows(SAMPLE_CSV), read_rows(out)
    t = before[0].index("temperature")
    changed = {i for row_b, row_a in zip(before, after) for i, (x, y) in enumerate(zip(row_b, row_a)) if x != y}
    assert changed == {t}


def test_backfill_fills_a_blank_sex_from_the_note(scrapy_inproc, tmp_path):
    src, out = tmp_path / "in.csv", tmp_path / "out.csv"
    row = ('7,,,,Pneumonia/Viral/COVID-19,,,,,,,,,,,,,,,X-ray,2020,,images,x-PA.jpg,,,,'
           '"A 52-year-old woman presented with fever and cough, SpO2 91% on room air.",,')
    src.write_text(HEADER + "\n" + row + "\n", encoding="utf-8")
    scrapy_inproc("backfill", str(src), "-o", str(out), check=True)
    [_, filled] = read_rows(out)
    cols = HEADER.split(",")
    assert filled[cols.index("sex")] == "F"
    assert filled[cols.index("age")] == "52"
    assert filled[cols.index("pO2_saturation")] == "91"
    assert filled[cols.index("view")] == "PA"


def test_backfill_refuses_unknown_fields_and_malformed_input(scrapy_inproc, tmp_path):
    out = tmp_path / "out.csv"
    result = scrapy_inproc("backfill", str(SAMPLE_CSV), "-o", str(out), "--fields", "colour")
    assert result.returncode == 1 and "unknown field(s) colour" in result.stderr
    bad = tmp_path / "bad.csv"
    bad.write_text(HEADER + "\n1,2,3\n", encoding="utf-8")
    result = scrapy_inproc("backfill", str(bad), "-o", str(out))
    assert result.returncode == 1 and "line 2: 3 fields" in result.stderr and "nothing was written" in result.stderr
    assert not out.exists()


def test_pooled_backfill_equals_the_sequential_one_on_the_sample(tmp_path):
    """Whole patients per worker process (the command's path on a large file) write the same bytes
    as one process, on the sample as it is and with every fillable cell blanked (so the patient-level
    pass has blank cells to fill from the siblings' notes)."""
    from exports.backfill import backfill_file
    from exports.csvio import format_record, iter_metadata
    from ingest.backfill import FILLABLE

    blanked = tmp_path / "blanked.csv"
    header, records = iter_metadata(SAMPLE_CSV.read_bytes(), SAMPLE_CSV)
    drop = {i for i, name in enumerate(header.cells) if name in FILLABLE}
    blanked.write_text("\n".join([header.raw] + [format_record(["" if i in drop else c for i, c in enumerate(r.cells)])
                                                 for r in records]) + "\n", encoding="utf-8")
    for source in (SAMPLE_CSV, blanked):
        outputs = []
        for workers, chunk in ((1, 2_000), (2, 25), (2, 1)):
            out, evidence = tmp_path / f"out-{workers}-{chunk}.csv", tmp_path / f"evidence-{workers}-{chunk}.csv"
            report = backfill_file(source, out, evidence=evidence, workers=workers, chunk=chunk)
            outputs.append((out.read_bytes(), evidence.read_bytes(), report.filled))
        assert outputs[0][2] > 0
        assert outputs[1] == outputs[0] and outputs[2] == outputs[0]


def _in_memory_backfill(source):
    """The output and evidence bytes of the whole table filled at once (``backfill_table`` on every
    row in memory, the command's way before it streamed): the reference the stream must equal."""
    import io

    from exports.csvio import read_metadata, render, replace_cells, row_dict
    from ingest.backfill import backfill_table

    table = read_metadata(source)
    index = {name: i for i, name in enumerate(table.columns) if name}
    fills_by_row = {}
    for fill in backfill_table([row_dict(table.columns, r) for r in table.records], first_row_number=1):
        fills_by_row.setdefault(fill.row, []).append(fill)
    lines, evidence = [(table.header.raw, table.header.ending)], io.StringIO()
    writer = csv.writer(evidence, lineterminator="\n")
    writer.writerow(("row", "line", "field", "value", "evidence", "rule"))
    for number, record in enumerate(table.records, start=1):
        fills = [f for f in fills_by_row.get(number, [])
                 if f.field in index and not record.cells[index[f.field]].strip()]
        lines.append((replace_cells(record, {index[f.field]: f.value for f in fills}), record.ending))
        writer.writerows((f.row, record.line, f.field, f.value, f.evidence, f.rule) for f in fills)
    return render(lines), evidence.getvalue().encode("utf-8")


def test_streamed_backfill_equals_the_whole_table_in_memory_with_patients_across_chunks(tmp_path):
    """The command reads the file a chunk of whole patients at a time and writes rows as they are
    filled. On a table whose patients' rows are scattered (each patient's rows far apart, so a
    chunk's rows come from all over the file and every chunk boundary cuts through patients' row
    ranges), with every fillable cell blank (the patient-level pass combines the siblings'
    notes), tiny and odd chunk sizes, in one process and in two: the bytes of the whole table
    filled in memory."""
    from exports.backfill import backfill_file
    from exports.csvio import format_record, iter_metadata
    from ingest.backfill import FILLABLE

    header, records = iter_metadata(SAMPLE_CSV.read_bytes(), SAMPLE_CSV)
    records = list(records)
    drop = {i for i, name in enumerate(header.cells) if name in FILLABLE}
    scattered = records[0::3] + records[1::3][::-1] + records[2::3]  # a patient's rows land far apart
    source = tmp_path / "scattered.csv"
    source.write_text("\n".join([header.raw] + [format_record(["" if i in drop else c for i, c in enumerate(r.cells)])
                                                 for r in scattered]) + "\n", encoding="utf-8")
    expected = _in_memory_backfill(source)
    assert expected[1].count(b"patient:") > 0  # fills that read a sibling row's note
    for workers, chunk in ((1, 2_000), (1, 7), (2, 3), (2, 40)):
        out, evidence = tmp_path / f"out-{workers}-{chunk}.csv", tmp_path / f"evidence-{workers}-{chunk}.csv"
        report = backfill_file(source, out, evidence=evidence, workers=workers, chunk=chunk)
        assert (out.read_bytes(), evidence.read_bytes()) == expected, (workers, chunk)
        assert report.rows == len(records)
        assert report.filled == len(list(csv.reader(expected[1].decode("utf-8").splitlines(keepends=True)))) - 1


def test_the_streamed_reader_refuses_what_the_whole_file_reader_refuses(tmp_path):
    """``stream_metadata`` (the file read a line at a time) gives the records of ``iter_metadata``
    and refuses the same files with the same message: a byte order mark, a NUL byte (its line),
    an empty file, a row of the wrong width, a quote never closed."""
    import pytest

    from exports.csvio import MetadataFormatError, iter_metadata, stream_metadata

    row = ",".join(["1"] * HEADER.count(",")) + ","
    cases = {
        "bom": b"\xef\xbb\xbf" + HEADER.encode() + b"\n",
        "nul": (HEADER + "\n" + row + "\n" + row[:-1] + "\x00,\n").encode(),
        "empty": b" \n\r\n",
        "width": (HEADER + "\n1,2,3\n").encode(),
        "quote": (HEADER + '\n"open\n').encode(),
        "good": SAMPLE_CSV.read_bytes().replace(b"\n", b"\r\n", 3),
    }
    for name, data in cases.items():
        path = tmp_path / f"{name}.csv"
        path.write_bytes(data)
        try:
            header, rows = iter_metadata(data, path)
            expected = [header, *rows]
        except MetadataFormatError as exc:
            with pytest.raises(MetadataFormatError) as refused:
                list(stream_metadata(path))
            assert str(refused.value) == str(exc), name
        else:
            assert list(stream_metadata(path)) == expected, name


def test_chunks_read_back_in_small_batches_interleaved_give_the_same_bytes(tmp_path, monkeypatch):
    """The last pass reads every chunk's fills from one spill file a batch at a time, the chunks'
    batches interleaved by the merge (each read seeks): with batches of 3 rows and chunks of about
    40 rows, the bytes of the whole table filled in memory."""
    from exports import backfill
    from exports.csvio import format_record, iter_metadata
    from ingest.backfill import FILLABLE

    header, records = iter_metadata(SAMPLE_CSV.read_bytes(), SAMPLE_CSV)
    records = list(records)
    drop = {i for i, name in enumerate(header.cells) if name in FILLABLE}
    source = tmp_path / "blanked.csv"
    source.write_text("\n".join([header.raw] + [format_record(["" if i in drop else c for i, c in enumerate(r.cells)])
                                                 for r in records[::-1]]) + "\n", encoding="utf-8")
    monkeypatch.setattr(backfill, "PACK_ROWS", 3)
    out, evidence = tmp_path / "out.csv", tmp_path / "evidence.csv"
    backfill.backfill_file(source, out, evidence=evidence, workers=1, chunk=40)
    assert (out.read_bytes(), evidence.read_bytes()) == _in_memory_backfill(source)
