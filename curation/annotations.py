"""The dataset's ``annotations/`` folder, read as its consumers read it.

The dataset ships annotations made by others and keyed by an image's ``filename``:
``annotations/covid-severity-scores.csv`` (``##`` comment lines, then
``filename,geographic_mean,opacity_mean``; users read it with ``pandas.read_csv(comment='#')``),
lung masks ``annotations/lungVAE-masks/<image stem>_mask.png``, and any CSV or JSON table keyed by
filename (a COCO file of boxes names its images in ``images[].file_name``). This module is pure:
bytes in, typed records out, with the layout problems a loader would trip on. Files are never
rewritten: the release copies their bytes.
"""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

import numpy as np
from PIL import Image

from ingest.normalize.provenance import normalize_license
from media.imaging import sha256_hex
from schema import ERROR, WARNING

ANNOTATIONS_DIR = "annotations"
SEVERITY_CSV = "annotations/covid-severity-scores.csv"
#: The published scores' scales (Cohen et al. 2020): geographic extent 0-8, opacity 0-6.
SEVERITY_RANGES: dict[str, tuple[float, float]] = {"geographic_mean": (0.0, 8.0), "opacity_mean": (0.0, 6.0)}
#: Suffix of a mask named after its image's stem (``16672_1_1_mask.png`` for ``16672_1_1.jpg``).
MASK_SUFFIX = "_mask"
#: Columns (compared lower-case, without ``_`` and spaces) that hold the image's filename.
FILENAME_COLUMNS = frozenset({"filename", "imagefilename", "imagename", "image", "file", "imageid"})
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".gif", ".bmp", ".tif", ".tiff", ".webp")
#: Mask values torchxrayvision keeps (``mask == 255``); anything but 0 and 255 is misread.
MASK_ON, MASK_OFF = 255, 0

# kinds of annotation
SEVERITY, MASK, BOX, RECORD = "severity", "mask", "box", "record"
KINDS = (SEVERITY, MASK, BOX, RECORD)
# kinds of file
TABLE, JSON_FILE, MASK_FILE, DOCUMENT = "table", "json", "mask", "document"

_LICENSE_DOCUMENTS = ("license", "licence", "readme", "copying")
_LICENSE_LINE = re.compile(r"\blicen[cs]e\b\s*[:=]?\s*(.+)", re.IGNORECASE)


@dataclass(frozen=True)
class LayoutProblem:
    rule: str
    message: str
    line: int | None = None
    severity: str = ERROR


@dataclass(frozen=True)
class Annotation:
    """One annotation as a file holds it: its kind, the key it is filed under and its values.

    ``key`` is what the file says (a filename, or an image stem for ``_mask`` files);
    ``by_stem`` says the key is a stem to be matched against the dataset's filenames.
    """

    kind: str
    key: str
    values: dict
    line: int | None = None
    by_stem: bool = False


@dataclass
class AnnotationFile:
    relpath: str
    kind: str
    license: str | None = None
    #: Why the licence is blank (the file states none), or where it was read.
    license_note: str = ""
    annotations: list[Annotation] = field(default_factory=list)
    problems: list[LayoutProblem] = field(default_factory=list)


def is_annotation_path(relpath: str) -> bool:
    parts = PurePosixPath(relpath).parts
    return len(parts) >= 2 and parts[0] == ANNOTATIONS_DIR and not any(p.startswith(".") for p in parts)


def read_annotation_file(relpath: str, data: bytes, folder_license: str | None = None) -> AnnotationFile:
    """Parse one file of ``annotations/`` (``relpath`` as in the checkout)."""
    suffix = PurePosixPath(relpath).suffix.lower()
    if suffix in (".csv", ".tsv"):
        parsed = _read_table(relpath, data)
    elif suffix == ".json":
        parsed = _read_json(relpath, data)
    elif suffix in IMAGE_SUFFIXES:
        parsed = _read_mask(relpath, data)
    else:
        parsed = AnnotationFile(relpath, DOCUMENT)
    if parsed.license is None and folder_license and parsed.kind != DOCUMENT:
        parsed.license, parsed.license_note = folder_license, "stated by a licence or README file beside it"
    if parsed.license is None and parsed.kind != DOCUMENT and not parsed.license_note:
        parsed.license_note = "the file states no licence"
    return parsed


def license_of_document(data: bytes) -> str | None:
    """The licence a LICENSE or README file beside annotation files names, if it names one."""
    text = data.decode("utf-8", "replace")
    value = normalize_license(text[:20_000]).value
    return str(value) if value else None


# --- CSV ------------------------------------------------------------------------------------------


def _decode(relpath: str, data: bytes, out: AnnotationFile) -> str | None:
    if data.startswith(b"\xef\xbb\xbf"):
        out.problems.append(LayoutProblem(
            "annotation.layout", "starts with a byte-order mark: read_csv(comment='#') does not see the first "
            "comment line as a comment and takes it for the header", 1))
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        out.problems.append(LayoutProblem("annotation.layout", f"not UTF-8 (byte {exc.start}): pandas cannot read it"))
        return None


def _read_table(relpath: str, data: bytes) -> AnnotationFile:
    out = AnnotationFile(relpath, TABLE)
    text = _decode(relpath, data, out)
    if text is None:
        return out
    lines = text.splitlines()
    delimiter = "\t" if relpath.lower().endswith(".tsv") else ","
    header_index = _scan_lines(lines, out)
    if header_index is None:
        out.problems.append(LayoutProblem("annotation.layout", "no header line: only comments or nothing"))
        return out
    body = "\n".join(l for l in lines[header_index:] if l.strip() and not l.startswith("#"))
    rows = list(csv.reader(io.StringIO(body), delimiter=delimiter))
    header = [h.strip() for h in rows[0]]
    key_index = next((i for i, h in enumerate(header) if re.sub(r"[\s_]", "", h.lower()) in FILENAME_COLUMNS), None)
    if key_index is None:
        out.problems.append(_no_key_column(lines[header_index], header_index + 1, delimiter))
        return out
    if header[key_index] != rows[0][key_index]:
        out.problems.append(LayoutProblem("annotation.layout", f"column name {rows[0][key_index]!r} has surrounding "
                                          "spaces: df['filename'] raises KeyError", header_index + 1))
    data_lines = [n for n, l in enumerate(lines, 1) if n > header_index + 1 and l.strip() and not l.startswith("#")]
    _read_rows(out, header, key_index, zip(rows[1:], data_lines))
    _duplicates(out)
    return out


def _scan_lines(lines: list[str], out: AnnotationFile) -> int | None:
    """The index of the header line (the first that is not a '#' comment or blank); licences of
    the comment lines and every '#' inside a line are noted on the way."""
    header_index = None
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        if line.startswith("#"):
            _license_from_comment(line, number, out)
            continue
        if "#" in line:
            # pandas' comment='#' cuts a line at its first '#', wherever it stands
            out.problems.append(LayoutProblem(
                "annotation.layout", f"'#' inside a line: read with comment='#' (as this file must be), pandas drops "
                f"everything from it on ({line[:60]!r})", number))
        if header_index is None:
            header_index = number - 1
    return header_index


def _no_key_column(line: str, number: int, delimiter: str) -> LayoutProblem:
    hint = ""
    if delimiter == "," and (";" in line or "\t" in line):
        hint = " (the line is separated by ';' or tabs, not commas)"
    elif line.lstrip().startswith(("//", "%", ";")):
        hint = " (a comment that does not start with '#' is read as the header)"
    return LayoutProblem("annotation.layout", "the first line that is not a '#' comment has no filename "
                         f"column{hint}: {line[:80]!r}", number)


def _read_rows(out: AnnotationFile, header: list[str], key_index: int, numbered_rows) -> None:
    severity = all(name in header for name in SEVERITY_RANGES)
    for row, number in numbered_rows:
        if len(row) != len(header):
            out.problems.append(LayoutProblem("annotation.layout", f"{len(row)} fields where the header has "
                                              f"{len(header)}: the columns of this row shift", number))
            continue
        values = {name: cell for i, (name, cell) in enumerate(zip(header, row)) if i != key_index}
        key = row[key_index]
        if key != key.strip():
            out.problems.append(LayoutProblem("annotation.layout", f"filename {key!r} has surrounding spaces: "
                                              "it joins no row of metadata.csv", number))
        if severity:
            values = _severity_values(values, number, out)
        out.annotations.append(Annotation(SEVERITY if severity else RECORD, key, values, number))


def _license_from_comment(line: str, number: int, out: AnnotationFile) -> None:
    if out.license is not None:
        return
    m = _LICENSE_LINE.search(line)
    if m:
        value = normalize_license(m.group(1)).value
        if value:
            out.license, out.license_note = str(value), f"line {number}: {line.lstrip('#').strip()[:80]}"


def _severity_values(values: dict, number: int, out: AnnotationFile) -> dict:
    typed = dict(values)
    for name, (low, high) in SEVERITY_RANGES.items():
        cell = values.get(name, "").strip()
        try:
            score = float(cell)
        except ValueError:
            out.problems.append(LayoutProblem("annotation.value", f"{name} {cell!r} is not a number", number))
            continue
        if not low <= score <= high:
            out.problems.append(LayoutProblem("annotation.value", f"{name} {score:g} is outside the published scale "
                                              f"{low:g} to {high:g}", number))
        typed[name] = score
    return typed


def _duplicates(out: AnnotationFile) -> None:
    seen: dict[tuple[str, str], int | None] = {}
    for a in out.annotations:
        if a.kind == BOX:
            continue
        marker = (a.kind, a.key)
        if marker in seen:
            out.problems.append(LayoutProblem("annotation.duplicate", f"{a.key!r} is also on line {seen[marker]}: a "
                                              "join by filename doubles the image's rows", a.line))
        else:
            seen[marker] = a.line


# --- JSON -----------------------------------------------------------------------------------------


def _read_json(relpath: str, data: bytes) -> AnnotationFile:
    out = AnnotationFile(relpath, JSON_FILE)
    text = _decode(relpath, data, out)
    if text is None:
        return out
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        out.problems.append(LayoutProblem("annotation.layout", f"not valid JSON: {exc.msg}", exc.lineno))
        return out
    if isinstance(doc, dict) and isinstance(doc.get("images"), list) and isinstance(doc.get("annotations"), list):
        _read_coco(doc, out)
    elif isinstance(doc, dict) and doc and all(_looks_like_filename(k) for k in doc):
        out.annotations += [Annotation(RECORD, key, value if isinstance(value, dict) else {"value": value})
                            for key, value in doc.items()]
    elif isinstance(doc, list) and doc and all(isinstance(item, dict) for item in doc):
        for item in doc:
            key_name = next((k for k in item if re.sub(r"[\s_]", "", k.lower()) in FILENAME_COLUMNS), None)
            if key_name is None:
                out.problems.append(LayoutProblem("annotation.layout", "an entry without a filename key: "
                                                  f"{sorted(item)[:6]}"))
                break
            out.annotations.append(Annotation(RECORD, str(item[key_name]),
                                              {k: v for k, v in item.items() if k != key_name}))
    else:
        out.problems.append(LayoutProblem("annotation.layout", "neither COCO (images + annotations), an object keyed "
                                          "by filename nor a list of entries with a filename: nothing here is keyed "
                                          "by filename", severity=WARNING))
    if isinstance(doc, dict):
        stated = doc.get("license") or doc.get("licence") or _coco_license(doc)
        if isinstance(stated, str) and normalize_license(stated).value:
            out.license, out.license_note = str(normalize_license(stated).value), "stated in the JSON"
    _duplicates(out)
    return out


def _coco_license(doc: dict) -> str | None:
    licenses = doc.get("licenses")
    if isinstance(licenses, list) and licenses and isinstance(licenses[0], dict):
        return " ".join(str(licenses[0].get(k, "")) for k in ("name", "url"))
    return None


def _read_coco(doc: dict, out: AnnotationFile) -> None:
    names = {}
    for image in doc["images"]:
        if isinstance(image, dict) and "id" in image and isinstance(image.get("file_name"), str):
            names[image["id"]] = image
    categories = {c.get("id"): c.get("name") for c in doc.get("categories") or [] if isinstance(c, dict)}
    for item in doc["annotations"]:
        if not isinstance(item, dict):
            continue
        image = names.get(item.get("image_id"))
        if image is None:
            out.problems.append(LayoutProblem("annotation.layout", f"annotation {item.get('id')!r} names image_id "
                                              f"{item.get('image_id')!r}, which images[] does not list"))
            continue
        bbox = item.get("bbox")
        if not (isinstance(bbox, list) and len(bbox) == 4 and all(isinstance(v, (int, float)) for v in bbox)):
            out.problems.append(LayoutProblem("annotation.layout", f"annotation {item.get('id')!r}: bbox is not "
                                              "[x, y, width, height]"))
            continue
        x, y, w, h = bbox
        iw, ih = image.get("width"), image.get("height")
        if (w <= 0 or h <= 0 or x < 0 or y < 0 or (isinstance(iw, int) and x + w > iw)
                or (isinstance(ih, int) and y + h > ih)):
            out.problems.append(LayoutProblem("annotation.value", f"{image['file_name']}: box {bbox} is empty or "
                                              f"leaves the image ({iw} x {ih})"))
        label = categories.get(item.get("category_id"), item.get("category_id"))
        values = {"bbox": [x, y, w, h], "label": label, "image_width": iw, "image_height": ih}
        out.annotations.append(Annotation(BOX, image["file_name"], values))


def _looks_like_filename(key) -> bool:
    return isinstance(key, str) and key.lower().endswith(IMAGE_SUFFIXES)


# --- masks ---------------------------------------------------------------------------------------


def _read_mask(relpath: str, data: bytes) -> AnnotationFile:
    out = AnnotationFile(relpath, MASK_FILE)
    name = PurePosixPath(relpath).name
    stem = PurePosixPath(name).stem
    by_stem = stem.endswith(MASK_SUFFIX)
    key = stem[: -len(MASK_SUFFIX)] if by_stem else name
    try:
        with Image.open(io.BytesIO(data)) as img:
            img.load()
            width, height, mode = img.width, img.height, img.mode
            values = np.unique(np.asarray(img.convert("L") if mode not in ("L", "1") else img))
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError) as exc:
        out.problems.append(LayoutProblem("annotation.layout", f"cannot decode the mask: {exc}"))
        return out
    if mode == "1":
        values = np.where(values, MASK_ON, MASK_OFF)
    stray = sorted(int(v) for v in values if v not in (MASK_ON, MASK_OFF))
    if stray:
        out.problems.append(LayoutProblem(
            "annotation.mask-values", f"pixel values {stray[:5]}{' ...' if len(stray) > 5 else ''} besides 0 and 255: "
            "torchxrayvision keeps mask == 255 only", severity=WARNING))
    values = {"width": width, "height": height, "mode": mode, "by_stem": by_stem}
    out.annotations.append(Annotation(MASK, key, values, by_stem=by_stem))
    return out


def mask_png(mask: np.ndarray, license: str | None = None, author: str | None = None) -> bytes:
    """A binary mask as the dataset ships them: 8-bit grayscale PNG, 255 inside, 0 outside; the
    licence and author in PNG text chunks (the file stands alone in a folder of many)."""
    from PIL import PngImagePlugin

    info = PngImagePlugin.PngInfo()
    if license:
        info.add_text("License", license)
    if author:
        info.add_text("Author", author)
    out = io.BytesIO()
    Image.fromarray(np.where(mask, MASK_ON, MASK_OFF).astype(np.uint8), "L").save(out, "PNG", pnginfo=info)
    return out.getvalue()


def mask_array(data: bytes) -> np.ndarray:
    """The boolean mask of a mask PNG, as torchxrayvision reads it (``== 255``)."""
    with Image.open(io.BytesIO(data)) as img:
        return np.asarray(img.convert("L")) == MASK_ON


def stems(filenames) -> dict[str, list[str]]:
    by_stem: dict[str, list[str]] = {}
    for name in filenames:
        by_stem.setdefault(_stem(name), []).append(name)
    return by_stem


def _stem(name: str) -> str:
    """``PurePosixPath(name).stem``: a name without "/" (not "" nor ".") is its own last part, so
    its stem is what ``PurePath.stem`` cuts from it, without building a path (100,000 of them
    were a second of an import)."""
    if "/" in name or name in ("", "."):
        return PurePosixPath(name).stem
    dot = name.rfind(".")
    return name[:dot] if 0 < dot < len(name) - 1 else name


# --- a checkout's annotations/ ----------------------------------------------------------------


@dataclass(frozen=True)
class FoundFile:
    relpath: str
    path: Path


@dataclass
class ReadAnnotations:
    """Every file of a checkout's ``annotations/``, read and parsed before anything is written."""

    files: list[tuple[FoundFile, bytes, str, AnnotationFile]] = field(default_factory=list)

    def digest_pairs(self) -> list[tuple[str, str]]:
        return [(found.relpath, sha) for found, _, sha, _ in self.files]


def find_annotation_files(root: Path) -> list[FoundFile]:
    """Files under ``root/annotations`` (hidden ones skipped), sorted by path."""
    base = root / ANNOTATIONS_DIR
    if not base.is_dir():
        return []
    found = []
    for path in sorted(base.rglob("*")):
        rel = path.relative_to(root).as_posix()
        if path.is_file() and not path.is_symlink() and is_annotation_path(rel):
            found.append(FoundFile(rel, path))
    return found


def read_annotations(root: Path) -> ReadAnnotations:
    files = find_annotation_files(root)
    blobs = {f.relpath: f.path.read_bytes() for f in files}
    folder_license: dict[str, str] = {}
    for f in files:
        if PurePosixPath(f.relpath).stem.lower() in _LICENSE_DOCUMENTS:
            value = license_of_document(blobs[f.relpath])
            if value:
                folder_license[str(PurePosixPath(f.relpath).parent)] = value
    out = ReadAnnotations()
    for f in files:
        data = blobs[f.relpath]
        parsed = read_annotation_file(f.relpath, data, folder_license.get(str(PurePosixPath(f.relpath).parent)))
        out.files.append((f, data, sha256_hex(data), parsed))
    return out
