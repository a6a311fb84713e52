"""File names and file bytes of new release rows.

A new row's ``filename`` is derived from the source alone (source, case key, image number), so
the same case always gets the same name; it is ASCII, has no path separator or leading dot, and
ends with the extension of the bytes actually written. Names already used by the dataset (compared
case-insensitively, because checkouts live on macOS and Windows too) are never taken: a clash gets
``-2``, ``-3``... in row order.

X-rays leave as 8-bit grayscale or RGB PNG/JPEG (what torchxrayvision reads safely, docs/design.md).
A PNG or JPEG that already is one is copied byte for byte; anything else (16-bit, CMYK, palette,
alpha, WebP, TIFF, GIF, BMP) is converted to PNG, losslessly where the pixels allow. The source
bytes stay in the media store; the conversion is returned so the caller records it.
"""

from __future__ import annotations

import io
import re
import unicodedata
from dataclasses import dataclass, field

from PIL import Image

from media.convert import EIGHT_BIT_MODES, EightBit, png_bytes, to_8bit
from media.imaging import UnreadableImage, sha256_hex, sniff_format
from schema import FOLDER_IMAGES, FOLDER_VOLUMES, IMAGE_FORMAT_EXTENSIONS, IngestError

#: Longest derived name before the extension (the dataset's longest names are about 90 characters).
MAX_STEM = 80
EXTENSIONS = {"png": ".png", "jpeg": ".jpg", "nifti-gz": ".nii.gz"}


class FileError(IngestError, ValueError):
    """The bytes cannot become a release file (not an image, or a volume in the wrong format)."""


def slug(text: str) -> str:
    """ASCII, ``[A-Za-z0-9._-]`` only, no leading dot or dash, runs of separators collapsed."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    out = re.sub(r"[^A-Za-z0-9._-]+", "-", ascii_text)
    out = re.sub(r"-{2,}", "-", out).strip("-.")
    return out


def derive_stem(source: str, source_key: str, number: int) -> str:
    """``<source>-<case key>-<image number>``, e.g. ``eurorad-16672-1``; long keys are shortened
    with a hash of the full key so two long keys never meet."""
    key = slug(source_key) or "case"
    stem = f"{slug(source) or 'source'}-{key}-{number}"
    if len(stem) > MAX_STEM:
        digest = sha256_hex(source_key.encode())[:10]
        keep = MAX_STEM - len(f"{slug(source)}--{digest}-{number}")
        stem = f"{slug(source)}-{key[:max(keep, 1)].rstrip('-.')}-{digest}-{number}"
    return stem


class NameAllocator:
    """Hands out file names unique (case-insensitively) across the dataset and this release."""

    def __init__(self, taken: set[str] | None = None):
        self._taken = {name.lower() for name in (taken or ())}

    def take(self, stem: str, extension: str) -> str:
        candidate, n = f"{stem}{extension}", 1
        while candidate.lower() in self._taken:
            n += 1
            candidate = f"{stem}-{n}{extension}"
        self._taken.add(candidate.lower())
        return candidate

    def reserve(self, name: str) -> None:
        self._taken.add(name.lower())

    def __contains__(self, name: str) -> bool:
        return name.lower() in self._taken


@dataclass(frozen=True)
class PreparedFile:
    """The bytes a release writes for one image, and how they came from the source bytes."""

    data: bytes
    format: str  # png / jpeg / nifti-gz
    extension: str
    sha256: str
    source_sha256: str
    #: Empty when the source bytes are written unchanged; else the steps, e.g. ["I;16 -> L ..."].
    conversion: tuple[str, ...] = field(default=())
    #: The pixel mode of ``data`` when ``prepare_file`` decoded these very bytes in full without
    #: error (the source bytes kept unchanged), so that ``exports.validate.check_file`` need not
    #: decode them a second time; None otherwise (converted bytes, volumes).
    decoded_mode: str | None = None

    @property
    def converted(self) -> bool:
        return bool(self.conversion)

    def record(self) -> dict:
        """The transformation as recorded in provenance and the manifest."""
        return {"source_sha256": self.source_sha256, "sha256": self.sha256, "format": self.format,
                "steps": list(self.conversion)}


def prepare_file(data: bytes, folder: str) -> PreparedFile:
    """The release bytes for ``data`` in ``folder`` (``images`` or ``volumes``)."""
    source_sha = sha256_hex(data)
    fmt = sniff_format(data)
    if folder == FOLDER_VOLUMES:
        if fmt != "nifti-gz":
            raise FileError(f"volumes/ holds gzipped NIfTI; these bytes are {fmt or 'of an unknown format'}")
        return PreparedFile(data, fmt, EXTENSIONS[fmt], source_sha, source_sha)
    if folder != FOLDER_IMAGES:
        raise FileError(f"unknown folder {folder!r}")
    if fmt in ("html", "pdf", "gzip", "nifti-gz", "nifti", "dicom", None):
        raise FileError(f"an X-ray must be an image; these bytes are {fmt or 'of an unknown format'}")
    try:
        with Image.open(io.BytesIO(data)) as img:
            img.load()
            mode = img.mode
            if fmt in IMAGE_FORMAT_EXTENSIONS and mode in EIGHT_BIT_MODES and getattr(img, "n_frames", 1) == 1:
                return PreparedFile(data, fmt, EXTENSIONS[fmt], source_sha, source_sha, decoded_mode=mode)
            step = to_8bit(img)
            converted, steps = step.image, release_steps(step, img.mode)
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError, UnreadableImage) as exc:
        raise FileError(f"cannot decode {fmt}: {exc}") from None
    blob = png_bytes(converted)
    steps = [f"{fmt} {mode} -> png {converted.mode}", *steps]
    return PreparedFile(blob, "png", ".png", sha256_hex(blob), source_sha, tuple(steps))


def release_steps(step: EightBit, mode: str) -> list[str]:
    """``media.convert.to_8bit``'s work as the release manifest words it (``steps``)."""
    steps = [f"first of {step.frames} frames"] if step.frames > 1 else []
    if step.kind == "window":
        steps.append(f"window {step.low:g}..{step.high:g} scaled linearly to 0..255")
    elif step.kind == "gray":
        steps.append("alpha dropped" if mode != "1" else "1-bit to 8-bit")
    elif step.kind == "palette":
        steps.append("gray palette expanded to L" if step.image.mode == "L" else "palette expanded to RGB")
    elif step.kind == "alpha":
        steps.append("alpha dropped")
    elif step.kind == "cmyk":
        steps.append("CMYK converted to RGB")
    elif step.kind == "other":
        steps.append(f"{mode} converted to RGB")
    return steps
