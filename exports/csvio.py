"""Reading and writing ``metadata.csv`` without losing a byte.

The dataset's file is hand-edited: its header ends with a comma (a 30th, unnamed column), some
cells carry stray spaces, some notes were written without quotes so that their tail spills into
the next columns. Released rows must come back out exactly as they went in, because people key
their annotations by them. So every record keeps its raw text and its line ending; cells are
parsed with Python's ``csv`` module (RFC 4180, doubled quotes) from that raw text, and a record is
re-serialised only when one of its cells really changes, and then only that cell's bytes.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from exports.schema import COLUMNS


class MetadataFormatError(ValueError):
    """The file is not a readable metadata.csv; names the file, the line and the reason."""

    def __init__(self, path: str | Path, line: int | None, reason: str):
        self.path, self.line, self.reason = str(path), line, reason
        where = f"{path}, line {line}" if line else str(path)
        super().__init__(f"{where}: {reason}")


@dataclass(frozen=True)
class Record:
    """One CSV record as written: its raw text (no line ending), the ending, and its cells."""

    line: int  # 1-based physical line where the record starts
    raw: str
    ending: str  # "\n", "\r\n", "\r" or "" (last record without a newline)
    cells: tuple[str, ...]


@dataclass(frozen=True)
class MetadataFile:
    header: Record
    records: tuple[Record, ...]

    @property
    def columns(self) -> tuple[str, ...]:
        return self.header.cells

    def row_dict(self, record: Record) -> dict[str, str]:
        """Cells by column name; an unnamed column is keyed by its position (``"#29"``)."""
        return {name or f"#{i}": cell for i, (name, cell) in enumerate(zip(self.columns, record.cells))}


def _split_cells(raw: str) -> tuple[str, ...]:
    rows = list(csv.reader([raw], strict=True))
    return tuple(rows[0]) if rows else ("",)


def _physical_records(text: str) -> Iterator[tuple[int, str, str]]:
    """Yield ``(line, raw, ending)`` per record; a quoted newline continues the record.

    A record ends at a line break outside quotes. Counting quote characters is enough to know
    whether we are inside quotes, because an escaped quote is doubled (two characters).
    """
    line_no = 1
    start_line = 1
    pending: list[str] = []
    quotes = 0
    for piece in io.StringIO(text, newline=""):
        if piece.endswith("\r\n"):
            body, ending = piece[:-2], "\r\n"
        elif piece.endswith(("\n", "\r")):
            body, ending = piece[:-1], piece[-1]
        else:
            body, ending = piece, ""
        if not pending:
            start_line = line_no
        pending.append(body)
        quotes += body.count('"')
        line_no += 1
        if quotes % 2 == 0:
            yield start_line, "".join(pending), ending
            pending, quotes = [], 0
        else:
            pending.append(ending)
    if pending:
        raise ValueError(f"line {start_line}: a quoted cell is never closed")


def parse_metadata(data: bytes, path: str | Path = "metadata.csv") -> MetadataFile:
    """Parse the bytes of a metadata.csv; refuse anything that is not one, naming line and reason."""
    if data.startswith(b"\xef\xbb\xbf"):
        raise MetadataFormatError(path, 1, "starts with a UTF-8 byte order mark; pandas would read it into the first column name")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise MetadataFormatError(path, line, f"not UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start})") from None
    if "\x00" in text:
        raise MetadataFormatError(path, text[: text.index("\x00")].count("\n") + 1, "contains a NUL byte")
    if not text.strip():
        raise MetadataFormatError(path, None, "is empty")
    records: list[Record] = []
    try:
        for line, raw, ending in _physical_records(text):
            if raw == "" and ending == "" and records:
                continue  # nothing after the final newline
            try:
                cells = _split_cells(raw)
            except csv.Error as exc:
                raise MetadataFormatError(path, line, f"unparseable CSV record: {exc}") from None
            records.append(Record(line, raw, ending, cells))
    except ValueError as exc:
        if isinstance(exc, MetadataFormatError):
            raise
        raise MetadataFormatError(path, None, str(exc)) from None
    header, rows = records[0], records[1:]
    check_header(header, path)
    width = len(header.cells)
    for rec in rows:
        if rec.raw.startswith("#"):
            raise MetadataFormatError(path, rec.line, "comment line; pandas.read_csv would read it as a row")
        if len(rec.cells) != width:
            raise MetadataFormatError(
                path, rec.line, f"{len(rec.cells)} fields where the header has {width} (an unquoted comma or a missing cell)"
            )
    return MetadataFile(header, tuple(rows))


def check_header(header: Record, path: str | Path) -> None:
    names = header.cells
    missing = [c for c in COLUMNS if c not in names]
    if missing:
        raise MetadataFormatError(path, header.line, f"unknown header: missing column(s) {', '.join(missing)}")
    seen: set[str] = set()
    for i, name in enumerate(names):
        if name == "" and i != len(names) - 1:
            raise MetadataFormatError(path, header.line, f"unknown header: column {i + 1} has no name")
        if name and name in seen:
            raise MetadataFormatError(path, header.line, f"unknown header: column {name!r} appears twice")
        seen.add(name)


def read_metadata(path: str | Path) -> MetadataFile:
    return parse_metadata(Path(path).read_bytes(), path)


def format_record(cells: Sequence[str]) -> str:
    """Serialise cells the way the dataset does: minimal quoting, doubled quotes."""
    out = io.StringIO()
    csv.writer(out, lineterminator="", quoting=csv.QUOTE_MINIMAL).writerow(cells)
    return out.getvalue()


def cell_spans(raw: str) -> list[tuple[int, int]]:
    """Start and end offsets of each cell's text (quotes included) in a raw record."""
    spans, i, n = [], 0, len(raw)
    while True:
        start = i
        if i < n and raw[i] == '"':
            i += 1
            while i < n:
                if raw[i] == '"':
                    if i + 1 < n and raw[i + 1] == '"':
                        i += 2
                        continue
                    i += 1
                    break
                i += 1
        while i < n and raw[i] != ",":
            i += 1
        spans.append((start, i))
        if i >= n:
            return spans
        i += 1


def replace_cells(record: Record, changes: Mapping[int, str]) -> str:
    """The record's raw text with only the cells in ``changes`` (index -> new value) rewritten."""
    if not changes:
        return record.raw
    spans = cell_spans(record.raw)
    if len(spans) != len(record.cells):  # cannot happen for records parse_metadata accepted
        raise ValueError(f"line {record.line}: cell spans disagree with the CSV parser")
    pieces, last = [], 0
    for index in sorted(changes):
        start, end = spans[index]
        pieces.append(record.raw[last:start])
        pieces.append(format_record([changes[index]]) if changes[index] != "" else "")
        last = end
    pieces.append(record.raw[last:])
    return "".join(pieces)


def render(lines: Sequence[tuple[str, str]]) -> bytes:
    """Join ``(raw, ending)`` records (the header first) into file bytes."""
    return "".join(raw + ending for raw, ending in lines).encode("utf-8")
