"""Facts about image bytes: real format (sniffed, never taken from a name), size, hashes.

Pure functions over bytes. The format comes from the file's magic numbers, because the dataset has
suffered WebP bytes saved as ``.png`` and HTML error pages saved as ``.jpg``.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import struct
import zlib
from dataclasses import dataclass

import imagehash
import nibabel
from PIL import Image

from schema import IngestError

#: Refuse images larger than this many pixels (a decompression bomb, or not a radiograph).
#: Chest radiographs are at most about 4,300 x 4,300 pixels; figures of papers are smaller.
MAX_IMAGE_PIXELS = 64_000_000
Image.MAX_IMAGE_PIXELS = MAX_IMAGE_PIXELS


class UnreadableImage(IngestError, ValueError):
    """The bytes are not an image we can read (or one too large to be safe)."""


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def sniff_format(data: bytes) -> str | None:
    """Name the format of ``data`` from its leading bytes (``png``, ``jpeg``, ``nifti-gz``, ...)."""
    head = data[:16]
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(b"RIFF") and data[8:12] == b"WEBP":
        return "webp"
    if head.startswith((b"GIF87a", b"GIF89a")):
        return "gif"
    if head.startswith((b"II*\x00", b"MM\x00*")):
        return "tiff"
    if head.startswith(b"BM"):
        return "bmp"
    if head.startswith(b"%PDF-"):
        return "pdf"
    if len(data) > 132 and data[128:132] == b"DICM":
        return "dicom"
    if head.startswith(b"\x1f\x8b"):
        return "nifti-gz" if _is_gzipped_nifti(data) else "gzip"
    if len(data) >= 348 and data[344:348] in (b"n+1\x00", b"ni1\x00"):
        return "nifti"
    stripped = data[:512].lstrip().lower()
    if stripped.startswith((b"<!doctype html", b"<html", b"<?xml", b"<head", b"<body")):
        return "html"
    return None


def _is_gzipped_nifti(data: bytes) -> bool:
    """A NIfTI-1 header carries ``n+1`` at byte 344 (and its size, 348, at byte 0)."""
    try:
        with gzip.GzipFile(fileobj=io.BytesIO(data)) as fh:
            header = fh.read(348)
    except (OSError, EOFError, zlib.error):  # a corrupt body is not a volume
        return False
    if len(header) < 348:
        return False
    sizeof_hdr_le = struct.unpack("<i", header[:4])[0]
    sizeof_hdr_be = struct.unpack(">i", header[:4])[0]
    return header[344:348] in (b"n+1\x00", b"ni1\x00") and 348 in (sizeof_hdr_le, sizeof_hdr_be)


@dataclass(frozen=True)
class MediaFacts:
    """What the bytes of one image or volume are: format, size, hashes. The one type for these facts,
    from the media checks of a crawl (``media.convert.prepare_image``) to the staged image
    (``ingest.records.StoredImage.facts``) and a dataset import (``exports/baseline.py``)."""

    sha256: str
    format: str
    width: int | None
    height: int | None
    #: Pillow mode ("L", "RGB", "I;16", "CMYK", "P", ...) for 2-D images; "" for volumes and for
    #: facts read back from the database (which keeps no mode).
    mode: str = ""
    #: Bits per sample: 8 for ordinary PNG/JPEG, 16 for 16-bit PNG.
    bits: int | None = None
    #: 64-bit DCT perceptual hash as 16 hex digits (None for volumes).
    phash: str | None = None
    #: Length of the bytes (0 when read back from the database).
    size: int = 0
    #: 64-bit pHash of the region centred on the image's intensity centroid (``centred_phash``),
    #: the near-duplicate gate's second hash (dedup.hashes.near_duplicate); None for volumes.
    chash: str | None = None
    #: 64 x 64 8-bit grayscale thumbnail (``thumbnail``): what the crop-tolerant part of the
    #: duplicate rule aligns and compares (dedup/crops.py); None for volumes.
    thumb: bytes | None = None


_BITS_BY_MODE = {"1": 1, "L": 8, "LA": 8, "P": 8, "RGB": 8, "RGBA": 8, "CMYK": 8, "YCbCr": 8,
                 "I;16": 16, "I;16B": 16, "I;16L": 16, "I": 32, "F": 32}


def describe_image(data: bytes) -> MediaFacts:
    """Read ``data`` fully and return its facts; raise ``UnreadableImage`` with the reason."""
    fmt = sniff_format(data)
    if fmt is None:
        raise UnreadableImage("unknown file format (no image signature in the first bytes)")
    if fmt == "nifti-gz":
        width, height = _nifti_dims(data)
        return MediaFacts(sha256_hex(data), fmt, width, height, "", None, None, len(data))
    if fmt in ("html", "pdf", "gzip", "dicom", "nifti"):
        raise UnreadableImage(f"{fmt} content, not an image")
    try:
        with Image.open(io.BytesIO(data)) as img:
            img.load()  # decode every pixel: a truncated file fails here, not later in a loader
            mode = img.mode
            width, height = img.size
            gray = img.convert("L")
            phash = str(imagehash.phash(gray))
            chash = centred_phash(gray)
            thumb = thumbnail(gray)
    except Image.DecompressionBombError as exc:
        raise UnreadableImage(f"image larger than {MAX_IMAGE_PIXELS:,} pixels: {exc}") from exc
    except (OSError, SyntaxError, ValueError) as exc:
        raise UnreadableImage(f"cannot decode {fmt}: {exc}") from exc
    return MediaFacts(sha256_hex(data), fmt, width, height, mode, _BITS_BY_MODE.get(mode), phash, len(data), chash,
                      thumb)


#: Side of the stored thumbnail; dedup/crops.py reads it as THUMB_SIDE.
THUMB_SIDE = 64


def thumbnail(gray: Image.Image) -> bytes:
    """The image averaged down to 64 x 64 8-bit gray (box filter: every pixel counts once), as
    4,096 raw bytes. Small enough to keep for every image (about 400 MB per 100,000), detailed
    enough to tell a cropped copy from a different film (dedup/crops.py)."""
    return gray.resize((THUMB_SIDE, THUMB_SIDE), Image.BOX).tobytes()


#: Half the side of the centred region, as a fraction of the image's width and height.
CENTRED_HALF = 0.35


def centred_phash(gray: Image.Image) -> str:
    """pHash of the region around the intensity centroid (70 % of each side, centred on it).

    The whole-image pHash moves with the frame; this one is anchored on the content, so it also
    varies differently from it (the gate uses both: dedup.hashes.near_duplicate). Pure: same
    pixels, same hash.
    """
    small = gray.resize((64, 64), Image.BILINEAR)
    import numpy as np

    a = np.asarray(small, dtype=np.float64)
    a = a - a.min()
    total = a.sum()
    w, h = gray.size
    if total <= 0:
        cx = cy = 0.5
    else:
        cy = float((a.sum(axis=1) * (np.arange(64) + 0.5)).sum() / total / 64)
        cx = float((a.sum(axis=0) * (np.arange(64) + 0.5)).sum() / total / 64)
    box = (int(round((cx - CENTRED_HALF) * w)), int(round((cy - CENTRED_HALF) * h)),
           int(round((cx + CENTRED_HALF) * w)), int(round((cy + CENTRED_HALF) * h)))
    return str(imagehash.phash(gray.crop(box)))


def _nifti_dims(data: bytes) -> tuple[int | None, int | None]:
    """Width and height of a gzipped NIfTI-1 volume, read from its header by nibabel."""
    try:
        with gzip.GzipFile(fileobj=io.BytesIO(data)) as fh:
            header = nibabel.Nifti1Header.from_fileobj(fh, check=True)
    except (OSError, EOFError, zlib.error, nibabel.spatialimages.HeaderDataError) as exc:
        raise UnreadableImage(f"invalid NIfTI header: {exc}") from exc
    shape = header.get_data_shape()
    if len(shape) < 2:
        raise UnreadableImage(f"NIfTI volume has shape {shape}, not at least 2-D")
    return int(shape[0]), int(shape[1])


def phash_distance(a: str, b: str) -> int:
    """Hamming distance between two hex perceptual hashes."""
    return bin(int(a, 16) ^ int(b, 16)).count("1")
