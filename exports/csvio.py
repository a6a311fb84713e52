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
import hashlib
import io
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from itertools import islice
from pathlib import Path

from schema import COLUMNS, IngestError


class MetadataFormatError(IngestError, ValueError):
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
        return row_dict(self.columns, record)


def row_dict(columns: Sequence[str], record: Record) -> dict[str, str]:
    """Cells by column name; an unnamed column is keyed by its position (``"#29"``)."""
    return {name or f"#{i}": cell for i, (name, cell) in enumerate(zip(columns, record.cells))}


def _split_cells(raw: str) -> tuple[str, ...]:
    rows = list(csv.reader([raw], strict=True))
    return tuple(rows[0]) if rows else ("",)


class _OneRecord:
    """The input of a reused ``csv.reader``: the record put in ``raw``, once, then the end.

    The reader starts each row afresh and meets the end of its input after the one record, as
    ``_split_cells``'s reader over ``[raw]`` does (a quote left open is "unexpected end of data"
    in strict mode either way), without building a reader and a list per record.
    """

    __slots__ = ("raw",)

    def __init__(self) -> None:
        self.raw: str | None = None

    def __iter__(self) -> _OneRecord:
        return self

    def __next__(self) -> str:
        raw, self.raw = self.raw, None
        if raw is None:
            raise StopIteration
        return raw


class _CellSplitter:
    """``_split_cells`` for the records of one file (not shared between threads)."""

    def __init__(self) -> None:
        self._input = _OneRecord()
        self._reader = csv.reader(self._input, strict=True)

    def __call__(self, raw: str) -> tuple[str, ...]:
        if raw and len(raw) <= _UNQUOTED_MAX and '"' not in raw and "\n" not in raw and "\r" not in raw:
            # Without quotes and line breaks a record is its commas' pieces exactly (the file holds
            # no NUL); csv.reader reads "" as no cell and refuses cells over its size limit.
            return tuple(raw.split(","))
        self._input.raw = raw
        row = next(self._reader, None)
        return ("",) if row is None else tuple(row)


#: Longest quote-less record split without csv.reader: no cell of it can pass the reader's size limit.
_UNQUOTED_MAX = csv.field_size_limit()

_LINE = re.compile(rb"[^\r\n]*(?:\r\n|\n|\r)|[^\r\n]+\Z")


def _physical_records(data: bytes | Iterable[bytes], path: str | Path) -> Iterator[tuple[int, str, str]]:
    """Yield ``(line, raw, ending)`` per record; a quoted newline continues the record.

    Works on the bytes line by line (a newline byte never occurs inside a UTF-8 sequence), so a
    100,000-row file is never held as one decoded string. A record ends at a line break outside
    quotes; counting quote characters tells, because an escaped quote is doubled. ``data`` may
    also be blocks of the file each ending at a ``\n`` (a binary file's lines): the same pieces.
    """
    blocks = (data,) if isinstance(data, bytes) else data
    line_no = 1
    start_line = 1
    pending: list[str] = []
    quotes = 0
    for match in (m for block in blocks for m in _LINE.finditer(block)):
        piece = match.group()
        try:
            piece_text = piece.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise MetadataFormatError(path, line_no,
                                      f"not UTF-8 (byte 0x{piece[exc.start]:02x} at column {exc.start + 1})") from None
        if piece_text.endswith("\r\n"):
            body, ending = piece_text[:-2], "\r\n"
        elif piece_text.endswith(("\n", "\r")):
            body, ending = piece_text[:-1], piece_text[-1]
        else:
            body, ending = piece_text, ""
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
        raise MetadataFormatError(path, start_line, "a quoted cell is never closed")


def _check_bytes(data: bytes, path: str | Path) -> None:
    if data.startswith(b"\xef\xbb\xbf"):
        raise MetadataFormatError(path, 1, "starts with a UTF-8 byte order mark; "
                                           "pandas would read it into the first column name")
    nul = data.find(b"\x00")
    if nul >= 0:
        raise MetadataFormatError(path, data.count(b"\n", 0, nul) + 1, "contains a NUL byte")
    if not data.strip():
        raise MetadataFormatError(path, None, "is empty")


def iter_metadata(data: bytes, path: str | Path = "metadata.csv") -> tuple[Record, Iterator[Record]]:
    """The header and a lazy iterator over the rows, each checked as it is read.

    For large files: nothing but the current record is held. A malformed record raises
    ``MetadataFormatError`` when the iteration reaches it.
    """
    _check_bytes(data, path)
    records = _records(data, path)
    header = next(records)
    check_header(header, path)
    return header, _checked_rows(records, len(header.cells), path)


def _records(data: bytes | Iterable[bytes], path: str | Path) -> Iterator[Record]:
    first = True
    split = _CellSplitter()
    try:
        for line, raw, ending in _physical_records(data, path):
            if raw == "" and ending == "" and not first:
                continue  # nothing after the final newline
            try:
                cells = split(raw)
            except csv.Error as exc:
                raise MetadataFormatError(path, line, f"unparseable CSV record: {exc}") from None
            first = False
            yield Record(line, raw, ending, cells)
    except MetadataFormatError as exc:
        raise MetadataFormatError(path, exc.line, exc.reason) from None


def _checked_rows(records: Iterator[Record], width: int, path: str | Path) -> Iterator[Record]:
    for rec in records:
        if rec.raw.startswith("#"):
            raise MetadataFormatError(path, rec.line, "comment line; pandas.read_csv would read it as a row")
        if len(rec.cells) != width:
            raise MetadataFormatError(
                path, rec.line,
                f"{len(rec.cells)} fields where the header has {width} (an unquoted comma or a missing cell)"
            )
        yield rec


def _check_file(path: str | Path, block: int = 1 << 20) -> None:
    """``_check_bytes`` on a file read a block at a time: the same refusals, in the same order."""
    with open(path, "rb") as fh:
        head = fh.read(block)
        if head.startswith(b"\xef\xbb\xbf"):
            _check_bytes(head, path)
        lines, blank, data = 0, True, head
        while data:
            nul = data.find(b"\x00")
            if nul >= 0:
                raise MetadataFormatError(path, lines + data.count(b"\n", 0, nul) + 1, "contains a NUL byte")
            lines += data.count(b"\n")
            blank = blank and not data.strip()
            data = fh.read(block)
    if blank:
        raise MetadataFormatError(path, None, "is empty")


def stream_metadata(path: str | Path) -> Iterator[Record]:
    """``iter_metadata`` on a file read line by line (memory does not grow with the file): the
    header, then the rows, each checked as it is read; the file's bytes are checked first.
    A generator: it closes the file when exhausted or closed."""
    _check_file(path)
    with open(path, "rb") as fh:
        records = _records(fh, path)
        header = next(records)
        check_header(header, path)
        yield header
        yield from _checked_rows(records, len(header.cells), path)


def parse_metadata(data: bytes, path: str | Path = "metadata.csv") -> MetadataFile:
    """Parse the bytes of a metadata.csv; refuse anything that is not one, naming line and reason."""
    header, rows = iter_metadata(data, path)
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


#: One cell of a raw record, quotes included, and its comma: an opening quote runs to its closing
#: quote (doubled quotes inside) or to the end, then anything up to the next comma.
_CELL = re.compile(r'((?:"(?:[^"]|"")*"?)?[^,]*),?')


def cell_spans(raw: str) -> list[tuple[int, int]]:
    """Start and end offsets of each cell's text (quotes included) in a raw record."""
    matches = list(_CELL.finditer(raw))
    if len(matches) > 1 and matches[-2].end() == len(raw) and matches[-2].end(1) == len(raw):
        matches.pop()  # the last cell ran to the end: the empty match after it is not a cell
    return [m.span(1) for m in matches]


def replace_cells(record: Record, changes: Mapping[int, str], formatted: dict[str, str] | None = None) -> str:
    """The record's raw text with only the cells in ``changes`` (index -> new value) rewritten.

    ``formatted`` (value -> CSV text) lets a caller rewriting a whole file serialise each distinct
    value once.
    """
    if not changes:
        return record.raw
    spans = cell_spans(record.raw)
    if len(spans) != len(record.cells):  # cannot happen for records parse_metadata accepted
        raise ValueError(f"line {record.line}: cell spans disagree with the CSV parser")
    formatted = {} if formatted is None else formatted
    pieces, last = [], 0
    for index in sorted(changes):
        start, end = spans[index]
        pieces.append(record.raw[last:start])
        value = changes[index]
        text = formatted.get(value)
        if text is None:
            text = formatted[value] = format_record([value]) if value != "" else ""
        pieces.append(text)
        last = end
    pieces.append(record.raw[last:])
    return "".join(pieces)


def render(lines: Iterable[tuple[str, str]]) -> bytes:
    """Join ``(raw, ending)`` records (the header first) into file bytes."""
    return "".join(raw + ending for raw, ending in lines).encode("utf-8")


def write_rendered(path: str | Path, lines: Iterable[tuple[str, str]], chunk: int = 5_000) -> str:
    """Write ``render(lines)``'s bytes to ``path`` a few thousand records at a time (a 100,000-row
    file is never held whole, as text nor as bytes); returns their SHA-256 (hex)."""
    digest = hashlib.sha256()
    lines = iter(lines)
    with open(path, "wb") as out:
        while pieces := [raw + ending for raw, ending in islice(lines, chunk)]:
            data = "".join(pieces).encode("utf-8")  # UTF-8 of a concatenation is the concatenation of UTF-8s
            digest.update(data)
            out.write(data)
    return digest.hexdigest()
