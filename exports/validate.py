"""Check a release or a dataset checkout against every rule of docs/design.md.

Each violation names its rule, the CSV line, the filename and what is wrong. The rules are those
the dataset's own CI and torchxrayvision depend on: parseable CSV, unique filenames, every file
referenced and every reference present, real formats matching extensions, 8-bit grayscale or RGB
X-rays, adults only, controlled views, findings safe for a regex loader, typed Y/N and numbers.
"""

from __future__ import annotations

import io
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from PIL import Image

from curation.annotations import BOX, MASK, read_annotations, stems
from exports.csvio import MetadataFormatError, read_metadata
from media.imaging import UnreadableImage, describe_image, sniff_format
from schema import (
    ERROR,
    FOLDER_IMAGES,
    FOLDER_VOLUMES,
    FOLDERS,
    IMAGE_FORMAT_EXTENSIONS,
    VOLUME_FORMAT_EXTENSIONS,
    WARNING,
    parse_cell,
    row_problems,
)

#: Pillow modes an X-ray may have: 8-bit grayscale or RGB (what torchxrayvision reads safely).
XRAY_MODES = frozenset({"L", "RGB"})

Progress = Callable[[Iterable, str, int], Iterable]


def _no_progress(items: Iterable, _label: str, _total: int) -> Iterable:
    return items


@dataclass(frozen=True)
class Violation:
    rule: str
    message: str
    severity: str = ERROR
    line: int | None = None
    filename: str | None = None
    column: str | None = None

    def render(self) -> str:
        where = []
        if self.line is not None:
            where.append(f"line {self.line}")
        if self.filename:
            where.append(self.filename)
        if self.column:
            where.append(self.column)
        prefix = ", ".join(where) or "dataset"
        return f"{self.severity.upper():7} {prefix}: [{self.rule}] {self.message}"


def _extension_ok(filename: str, fmt: str, table: dict[str, tuple[str, ...]]) -> bool:
    return filename.lower().endswith(table.get(fmt, ("\0",)))


def check_file(folder: str, filename: str, data: bytes, decoded_mode: str | None = None) -> list[tuple[str, str]]:
    """Rules on one file's bytes: ``(rule, message)`` pairs. ``decoded_mode``: the pixel mode of
    ``data`` when the caller has just decoded these very bytes in full without error (an image's
    ``exports.files.PreparedFile.decoded_mode``): the same verdict, without decoding them again
    (a release of 10,000 films spent half of its file work on that second decode)."""
    fmt = sniff_format(data)
    if folder == FOLDER_VOLUMES:
        if fmt not in VOLUME_FORMAT_EXTENSIONS:
            return [("file.format", f"volumes/ holds gzipped NIfTI; these bytes are {fmt or 'of an unknown format'}")]
        try:
            describe_image(data)
        except UnreadableImage as exc:
            return [("file.unreadable", str(exc))]
        return []
    if fmt not in IMAGE_FORMAT_EXTENSIONS:
        return [("file.format", f"images/ holds PNG or JPEG; these bytes are {fmt or 'of an unknown format'}")]
    problems = []
    if not _extension_ok(filename, fmt, IMAGE_FORMAT_EXTENSIONS):
        problems.append(("file.extension",
                         f"the bytes are {fmt.upper()} but the name ends in {Path(filename).suffix or 'nothing'}"))
    if decoded_mode is not None:
        mode = decoded_mode
    else:
        try:
            with Image.open(io.BytesIO(data)) as img:
                img.load()
                mode = img.mode
        except (OSError, SyntaxError, ValueError, Image.DecompressionBombError) as exc:
            return problems + [("file.unreadable", f"cannot decode: {exc}")]
    if mode not in XRAY_MODES:
        problems.append(("image.pixel-format", f"pixel mode {mode}: X-rays must be 8-bit grayscale (L) or RGB"))
    return problems


#: Distinct values of one column whose problems ``_CellProblems`` remembers (then it parses the rest).
_REMEMBERED = 4096


class _CellProblems:
    """``parse_cell(column, cell).problems``, remembered per column for the values met again. A
    dataset repeats most of its cells (sexes, findings, views, Y/N flags, the dates and notes of one
    patient's rows): 100,000 rows are 2.9 million cells, and parsing each took most of the check of a
    checkout's own rows, which every ``export --dataset`` runs. ``parse_cell`` depends on the column
    and the cell alone, so a remembered answer is the answer. A column stops remembering after
    ``_REMEMBERED`` distinct values (filenames, free text): memory stays bounded."""

    def __init__(self) -> None:
        self._seen: dict[str, dict[str, tuple]] = defaultdict(dict)

    def __call__(self, column: str, cell: str) -> tuple:
        seen = self._seen[column]
        problems = seen.get(cell)
        if problems is None:
            problems = parse_cell(column, cell).problems
            if len(seen) < _REMEMBERED:
                seen[cell] = problems
        return problems


def validate(path: str | Path, progress: Progress = _no_progress) -> list[Violation]:
    """All violations of the release or checkout at ``path`` (a directory or a metadata.csv)."""
    path = Path(path)
    root = path if path.is_dir() else None
    csv_path = path / "metadata.csv" if root else path
    try:
        metadata = read_metadata(csv_path)
    except FileNotFoundError:
        return [Violation("csv.missing", f"{csv_path} does not exist")]
    except MetadataFormatError as exc:
        return [Violation("csv.format", exc.reason, line=exc.line, filename=str(csv_path))]

    violations: list[Violation] = []
    columns = metadata.columns
    if columns[-1] == "":
        violations.append(Violation("csv.trailing-column",
                                    "the header ends with a comma: pandas reads a 30th column 'Unnamed: 29'",
                                    WARNING, line=1))
    referenced: dict[str, int] = {}
    by_filename: dict[str, list[int]] = defaultdict(list)
    cell_problems = _CellProblems()

    for record in metadata.records:
        row = metadata.row_dict(record)
        filename = row.get("filename", "")
        by_filename[filename].append(record.line)

        def add(rule: str, message: str, severity: str = ERROR, column: str | None = None) -> None:
            violations.append(Violation(rule, message, severity, record.line, filename or None, column))  # noqa: B023 - called in this iteration only

        if row.get("other_notes", "").startswith(" ") and row.get("clinical_notes"):
            add("row.shifted",
                "other_notes starts with a space: the tail of an unquoted clinical note spilled into it",
                column="other_notes")
        for name, cell in row.items():
            if name.startswith("#"):
                if cell:
                    add("row.shifted", f"a value in the unnamed last column ({cell[:40]!r}...): "
                                       "an unquoted comma shifted this row's cells",
                        column=f"column {int(name[1:]) + 1}")
                continue
            for problem in cell_problems(name, cell):
                add(problem.rule, problem.message, problem.severity, name)
        for problem in row_problems(row):
            add(problem.rule, problem.message, problem.severity)
        folder = row.get("folder") if row.get("folder") in FOLDERS else FOLDER_IMAGES
        if filename:
            referenced[f"{folder}/{filename}"] = record.line

    for filename, lines in by_filename.items():
        if filename and len(lines) > 1:
            for line in lines[1:]:
                violations.append(Violation("filename.unique", f"filename also used on line {lines[0]}", ERROR,
                                            line, filename))

    if root is not None:
        violations.extend(_check_files(root, referenced, progress))
        violations.extend(check_annotations(root, referenced))
    violations.sort(key=lambda v: (v.line or 0, v.rule))
    return violations


def _check_files(root: Path, referenced: dict[str, int], progress: Progress) -> list[Violation]:
    violations = []
    present = set()
    for folder in FOLDERS:
        directory = root / folder
        if directory.is_dir():
            present.update(f"{folder}/{p.name}" for p in directory.iterdir())
    for rel in sorted(present - set(referenced)):
        violations.append(Violation("file.unreferenced",
                                    f"{rel} is in the release but no row names it "
                                    "(the dataset's own test fails on it)",
                                    filename=rel))
    for rel, line in progress(sorted(referenced.items()), "files", len(referenced)):
        folder, filename = rel.split("/", 1)
        if rel not in present:
            violations.append(Violation("file.missing", f"{rel} is named by a row but not in the release",
                                        line=line, filename=filename))
            continue
        for rule, message in check_file(folder, filename, (root / rel).read_bytes()):
            violations.append(Violation(rule, message, line=line, filename=filename))
    return violations


def check_annotations(root: Path, referenced: dict[str, int]) -> list[Violation]:
    """annotations/: layouts a loader would misread, annotations naming no row
    (``annotation.orphan``), masks or boxes that do not lie on their image (``annotation.size``)."""
    violations = []
    images = {rel.split("/", 1)[1]: rel for rel in referenced if rel.startswith(f"{FOLDER_IMAGES}/")}
    by_stem = stems(images)
    sizes = _ImageSizes(root, images)
    for found, _, _, parsed in read_annotations(root).files:
        for problem in parsed.problems:
            where = f"{found.relpath}" + (f" line {problem.line}" if problem.line else "")
            violations.append(Violation(problem.rule, problem.message, problem.severity, filename=where))
        told: set[str] = set()
        for a in parsed.annotations:
            names = by_stem.get(a.key, []) if a.by_stem else ([a.key] if a.key in images else [])
            if not names:
                where = f"{found.relpath}" + (f" line {a.line}" if a.line else "")
                what = f"stem {a.key!r}" if a.by_stem else repr(a.key)
                violations.append(Violation("annotation.orphan", f"{a.kind} for {what}: no row of metadata.csv names "
                                            "this image (renamed or removed?)", filename=where))
            elif a.kind == BOX and names[0] not in told:
                told.add(names[0])
                violations += _box_size(found.relpath, a, names[0], sizes)
            elif a.kind == MASK:
                violations += _mask_size(found.relpath, a, names, sizes)
    return violations


class _ImageSizes(dict):
    """Pixel size of each referenced image, read once (None when unreadable)."""

    def __init__(self, root: Path, images: dict[str, str]):
        super().__init__()
        self.root, self.images = root, images

    def __missing__(self, name: str):
        self[name] = _image_size(self.root / self.images[name])
        return self[name]


def _box_size(relpath: str, a, name: str, sizes: _ImageSizes) -> list[Violation]:
    declared = (a.values.get("image_width"), a.values.get("image_height"))
    size = sizes[name]
    if not all(declared) or size is None or size == declared:
        return []
    return [Violation("annotation.size", f"the file gives {name} as {declared[0]} x {declared[1]}, the image is "
                      f"{size[0]} x {size[1]}: its boxes do not lie on it", filename=relpath)]


def _mask_size(relpath: str, a, names: list[str], sizes: _ImageSizes) -> list[Violation]:
    out = []
    if len(names) > 1:
        out.append(Violation("annotation.ambiguous", f"{relpath} matches {', '.join(names)}: a mask named by stem "
                             "cannot tell them apart", WARNING, filename=relpath))
    mask_size = (a.values["width"], a.values["height"])
    for name in names:
        size = sizes[name]
        if size is not None and size != mask_size:
            out.append(Violation("annotation.size", f"mask {mask_size[0]} x {mask_size[1]}, image {name} {size[0]} x "
                                 f"{size[1]}: the mask does not lie on its image", filename=relpath))
    return out


def _image_size(path: Path) -> tuple[int, int] | None:
    try:
        with Image.open(path) as img:
            return img.size
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        return None  # file.missing / file.unreadable say why


def summarize(violations: list[Violation]) -> str:
    counts = Counter((v.severity, v.rule) for v in violations)
    errors = sum(n for (sev, _), n in counts.items() if sev == ERROR)
    warnings = sum(n for (sev, _), n in counts.items() if sev == WARNING)
    lines = [f"{errors} error(s), {warnings} warning(s)"]
    for (severity, rule), n in sorted(counts.items(), key=lambda kv: (kv[0][0], -kv[1], kv[0][1])):
        lines.append(f"  {n:6}  {severity:7} {rule}")
    return "\n".join(lines)


__all__ = ["Violation", "check_file", "summarize", "validate"]
