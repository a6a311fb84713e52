"""The one policy for bytes the dataset cannot hold as they are (8-bit conversion, metadata removal),
and for the previews people look at (``preview``).

The dataset holds 8-bit gray or RGB PNG/JPEG only (what torchxrayvision reads safely). Two paths
meet other bytes: the crawl (``prepare_image``: a downloaded image, checked, stripped of its EXIF
and text, converted if it must be) and the release (``exports/files.prepare_file``: a released
image of any format copied into a checkout). Both convert with ``to_8bit``, so a 16-bit, palette,
CMYK or alpha image becomes the same pixels whichever path it takes; each path words the step in
the record it already writes (``Image.provenance["converted"]["how"]``, the release manifest's
``steps``), which are stored and stay as they were.

Pure functions over bytes and Pillow images.
"""

from __future__ import annotations

import io
import struct
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from PIL import Image

from media.imaging import MediaFacts, UnreadableImage, describe_image, sha256_hex, sniff_format
from schema import IngestError

#: Pillow modes that are already what the dataset holds.
EIGHT_BIT_MODES = frozenset({"L", "RGB"})
#: Modes of more than 8 bits per sample: windowed linearly onto 0..255.
WIDE_GRAY_MODES = frozenset({"I;16", "I;16B", "I;16L", "I", "F", "I;16N"})
#: Gray with alpha or 1-bit: to L (alpha dropped).
GRAY_MODES = frozenset({"1", "LA", "La"})
#: Palettes: expanded to RGB, then to L when the palette is gray.
PALETTE_MODES = frozenset({"P", "PA"})
#: RGB with alpha or padding: alpha dropped.
ALPHA_RGB_MODES = frozenset({"RGBA", "RGBa", "RGBX"})


@dataclass(frozen=True)
class EightBit:
    """An 8-bit L or RGB image and what ``to_8bit`` did to get it."""

    image: Image.Image
    #: as-is, window, gray (1/LA to L), palette, alpha (RGBA to RGB), cmyk, other (anything else to RGB)
    kind: str
    #: Frames of the source when it had several (the first is kept); 1 otherwise.
    frames: int = 1
    #: For ``window``: the source's lowest and highest values, mapped onto 0 and 255.
    low: float = 0.0
    high: float = 0.0


def to_8bit(img: Image.Image) -> EightBit:
    """An 8-bit L or RGB copy of ``img`` (its first frame), losslessly where the pixels allow."""
    frames = getattr(img, "n_frames", 1)
    if frames > 1:
        img.seek(0)
    mode = img.mode
    if mode in EIGHT_BIT_MODES:
        return EightBit(img.copy(), "as-is", frames)
    if mode in WIDE_GRAY_MODES:
        array = np.asarray(img, dtype=np.float64)
        low, high = float(array.min()), float(array.max())
        scale = 255.0 / (high - low) if high > low else 0.0
        out = np.clip(np.rint((array - low) * scale), 0, 255).astype(np.uint8)
        return EightBit(Image.fromarray(out, "L"), "window", frames, low, high)
    if mode in GRAY_MODES:
        return EightBit(img.convert("L"), "gray", frames)
    if mode in PALETTE_MODES:
        rgb = img.convert("RGB")
        array = np.asarray(rgb)
        if np.array_equal(array[..., 0], array[..., 1]) and np.array_equal(array[..., 1], array[..., 2]):
            return EightBit(rgb.convert("L"), "palette", frames)
        return EightBit(rgb, "palette", frames)
    if mode in ALPHA_RGB_MODES:
        return EightBit(img.convert("RGB"), "alpha", frames)
    if mode == "CMYK":
        return EightBit(img.convert("RGB"), "cmyk", frames)
    return EightBit(img.convert("RGB"), "other", frames)


#: Modes whose preview is grayscale; every other mode is previewed in RGB.
GRAY_PREVIEW_MODES = frozenset({"1", "L", "LA", "I", "I;16"})


def preview(img: Image.Image, box: tuple[int, int]) -> Image.Image:
    """``img`` shrunk to fit ``box`` (aspect kept), gray for a gray image, else RGB: the one policy of
    the pictures people look at (the review page's thumbnails, the release report's). Not the
    near-duplicate thumbnail (``media.imaging.thumbnail``), which is a measurement, not a picture."""
    img.thumbnail(box)
    return img.convert("L" if img.mode in GRAY_PREVIEW_MODES else "RGB")


def png_bytes(img: Image.Image) -> bytes:
    """``img`` as PNG, unoptimized (the same pixels always give the same bytes)."""
    out = io.BytesIO()
    img.save(out, format="PNG", optimize=False)
    return out.getvalue()


# --- metadata removal --------------------------------------------------------------------------

# JPEG segments that carry text about the picture or the patient: APP1 (Exif, XMP), APP12/13
# (Ducky/IPTC), COM comments. APP0 (JFIF), APP2 (ICC profile) and APP14 (Adobe colour transform)
# describe how to decode the pixels and are kept.
_JPEG_DROP = {0xE1: "APP1 (Exif/XMP)", 0xEC: "APP12", 0xED: "APP13 (IPTC)", 0xFE: "COM (comment)"}
# PNG chunks with text or camera metadata; pixel/colour chunks are kept.
_PNG_DROP = {b"eXIf": "eXIf", b"tEXt": "tEXt", b"zTXt": "zTXt", b"iTXt": "iTXt", b"tIME": "tIME"}


def strip_jpeg_metadata(data: bytes) -> tuple[bytes, list[str]]:
    """Remove metadata segments of a JPEG without touching the entropy-coded image data."""
    if not data.startswith(b"\xff\xd8"):
        return data, []
    out = bytearray(b"\xff\xd8")
    removed: list[str] = []
    index = 2
    while index + 4 <= len(data):
        if data[index] != 0xFF:
            return data, []  # not a marker where one must be: leave the file as it is
        marker = data[index + 1]
        if marker == 0xFF:  # fill byte
            index += 1
            continue
        if marker == 0xDA or marker == 0xD9:  # start of scan: the rest is image data
            out += data[index:]
            return bytes(out), removed
        if 0xD0 <= marker <= 0xD7 or marker == 0x01:
            out += data[index:index + 2]
            index += 2
            continue
        length = struct.unpack(">H", data[index + 2:index + 4])[0]
        segment = data[index:index + 2 + length]
        if marker in _JPEG_DROP:
            removed.append(_JPEG_DROP[marker])
        else:
            out += segment
        index += 2 + length
    return data, []


def strip_png_metadata(data: bytes) -> tuple[bytes, list[str]]:
    """Remove text/time/EXIF chunks of a PNG; pixel data chunks are copied byte for byte."""
    signature = b"\x89PNG\r\n\x1a\n"
    if not data.startswith(signature):
        return data, []
    out = bytearray(signature)
    removed: list[str] = []
    index = len(signature)
    while index + 8 <= len(data):
        length = struct.unpack(">I", data[index:index + 4])[0]
        kind = data[index + 4:index + 8]
        end = index + 12 + length
        if end > len(data):
            return data, []  # truncated: describe_image will reject it
        if kind in _PNG_DROP:
            removed.append(_PNG_DROP[kind])
        else:
            out += data[index:end]
        index = end
        if kind == b"IEND":
            break
    return bytes(out), removed


# --- a downloaded image, made fit to stage -----------------------------------------------------------


class MediaRejected(IngestError, ValueError):
    """Bytes that are not an acceptable image (HTML page, bomb, unreadable): permanent, not retried."""

    def __init__(self, reason: str, detail: str = ""):
        self.reason, self.detail = reason, detail
        super().__init__(f"rejected:{reason}: {detail}" if detail else f"rejected:{reason}")

    def __reduce__(self):
        # Pickled back from a media worker process (media/workers.py) as raised: the reason, not the
        # message, is what the pipeline reads.
        return type(self), (self.reason, self.detail)


@dataclass
class PreparedImage:
    """The bytes to keep for one downloaded image, their facts, and what was done to them."""

    data: bytes
    facts: MediaFacts
    #: Bytes to keep as well (the metadata-free original, when ``data`` is a conversion).
    original: bytes | None = None
    provenance: dict[str, Any] = field(default_factory=dict)


def _check(data: bytes, max_bytes: int, max_pixels: int) -> str:
    """The sniffed format of bytes that may be an image within the limits; else ``MediaRejected``."""
    if len(data) > max_bytes:
        raise MediaRejected("too-large", f"{len(data):,} bytes > {max_bytes:,}")
    fmt = sniff_format(data)
    if fmt in (None, "html", "pdf", "gzip", "nifti", "nifti-gz", "dicom"):
        raise MediaRejected("not-an-image", f"the bytes are {fmt or 'of no known format'}")
    try:
        with Image.open(io.BytesIO(data)) as probe:
            width, height = probe.size
    except Image.DecompressionBombError as exc:  # more pixels than Pillow itself will open
        raise MediaRejected("too-many-pixels", str(exc)) from exc
    except (OSError, SyntaxError, ValueError) as exc:
        raise MediaRejected("unreadable", str(exc)) from exc
    if width * height > max_pixels:
        raise MediaRejected("too-many-pixels", f"{width}x{height} > {max_pixels:,} pixels")
    return fmt


def crawl_wording(step: EightBit, fmt: str, mode: str) -> str:
    """The conversion as ``Image.provenance["converted"]["how"]`` has always worded it."""
    if step.kind == "window":
        return f"{mode} -> L 8-bit, linear min-max window [{step.low:g}, {step.high:g}] -> [0, 255]"
    if step.kind == "gray":
        return f"{mode} -> L"
    if step.kind == "palette" and mode == "P":
        return f"P (palette) -> {step.image.mode}"
    if step.kind == "cmyk":
        return "CMYK -> RGB (Pillow's naive CMYK inversion)"
    return f"{fmt} {mode} -> PNG {step.image.mode}"


def prepare_image(data: bytes, *, max_bytes: int, max_pixels: int) -> PreparedImage:
    """Check, strip and (if the dataset needs it) convert one downloaded image. Pure."""
    fmt = _check(data, max_bytes, max_pixels)
    provenance: dict[str, Any] = {"source_sha256": sha256_hex(data), "source_format": fmt}
    removed: list[str] = []
    if fmt == "jpeg":
        data, removed = strip_jpeg_metadata(data)
    elif fmt == "png":
        data, removed = strip_png_metadata(data)
    if removed:
        provenance["metadata_removed"] = removed
    try:
        facts = describe_image(data)
    except UnreadableImage as exc:
        raise MediaRejected("unreadable", str(exc)) from exc
    if facts.format in ("png", "jpeg") and facts.mode in EIGHT_BIT_MODES:
        return PreparedImage(data, facts, provenance=provenance)
    # The dataset holds 8-bit gray or RGB PNG/JPEG only: convert, losslessly, to PNG.
    with Image.open(io.BytesIO(data)) as img:
        img.load()
        mode = img.mode
        step = to_8bit(img)
    png = png_bytes(step.image)
    final = describe_image(png)
    provenance["converted"] = {"from_format": facts.format, "from_mode": mode, "to_format": "png",
                               "to_mode": final.mode, "how": crawl_wording(step, facts.format, mode),
                               "original_sha256": sha256_hex(data)}
    return PreparedImage(png, final, original=data, provenance=provenance)
