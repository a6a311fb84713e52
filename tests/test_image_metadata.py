"""Metadata stripping of downloaded images (pipelines.py): no text about the picture or the patient
leaves with the bytes, and the pixels are never re-encoded."""

from __future__ import annotations

import gzip
import io
import struct
import zlib

import numpy as np
import pytest
from PIL import Image, PngImagePlugin

from media.convert import MediaRejected, prepare_image, strip_jpeg_metadata, strip_png_metadata
from media.imaging import sha256_hex

LIMITS = {"max_bytes": 50 * 1024 * 1024, "max_pixels": 64_000_000}
PATIENT = b"Jane Doe, born 1950-02-03, MRN 0012345"


def _pixels(mode: str = "L", size=(24, 16), seed: int = 3) -> np.ndarray:
    rng = np.random.default_rng(seed)
    shape = (size[1], size[0]) if mode == "L" else (size[1], size[0], 3)
    return rng.integers(0, 255, shape, dtype=np.uint8)


def _decoded(data: bytes) -> np.ndarray:
    with Image.open(io.BytesIO(data)) as img:
        return np.asarray(img.convert(img.mode))


# --- JPEG ----------------------------------------------------------------------------------------


def _segment(marker: int, payload: bytes) -> bytes:
    return bytes([0xFF, marker]) + struct.pack(">H", len(payload) + 2) + payload


def _markers(data: bytes) -> list[int]:
    """Markers of the header segments of a JPEG, up to and including SOS."""
    found, index = [], 2
    while index + 4 <= len(data):
        marker = data[index + 1]
        found.append(marker)
        if marker == 0xDA:
            break
        index += 2 + struct.unpack(">H", data[index + 2:index + 4])[0]
    return found


def _exif_block() -> bytes:
    exif = Image.Exif()
    exif[0x010F] = "PhoneCam"  # Make
    exif[0x9286] = PATIENT.decode()  # UserComment
    exif[0x0132] = "2020:03:18 10:00:00"
    return exif.tobytes()


XMP = b"http://ns.adobe.com/xap/1.0/\x00<x:xmpmeta><dc:creator>" + PATIENT + b"</dc:creator></x:xmpmeta>"
IPTC = b"Photoshop 3.0\x008BIM\x04\x04\x00\x00\x00\x00\x00\x10\x1c\x02\x05\x00\x0c" + PATIENT[:12]
DUCKY = b"Ducky\x00\x01\x00\x04\x00\x00\x00\x50"
ICC = b"ICC_PROFILE\x00\x01\x01" + b"\x00" * 32


@pytest.fixture
def jpeg_with_everything() -> tuple[bytes, bytes]:
    """(a plain JPEG, the same JPEG with Exif, XMP, IPTC, Ducky, a comment and an ICC segment)."""
    out = io.BytesIO()
    Image.fromarray(_pixels("RGB"), "RGB").save(out, "JPEG", quality=92)
    plain = out.getvalue()
    assert plain[2:4] == b"\xff\xe0"  # APP0 JFIF first
    app0_end = 4 + struct.unpack(">H", plain[4:6])[0]
    extra = (_segment(0xE1, b"Exif\x00\x00" + _exif_block()) + _segment(0xE1, XMP) + _segment(0xE2, ICC)
             + _segment(0xEC, DUCKY)
             + _segment(0xED, IPTC) + _segment(0xFE, b"scanned by " + PATIENT))
    return plain, plain[:app0_end] + extra + plain[app0_end:]


def test_jpeg_metadata_segments_are_removed_and_named(jpeg_with_everything):
    _, dirty = jpeg_with_everything
    clean, removed = strip_jpeg_metadata(dirty)
    assert sorted(removed) == sorted(["APP1 (Exif/XMP)", "APP1 (Exif/XMP)", "APP12", "APP13 (IPTC)", "COM (comment)"])
    markers = _markers(clean)
    assert not {0xE1, 0xEC, 0xED, 0xFE} & set(markers)
    assert PATIENT not in clean and b"PhoneCam" not in clean and b"Ducky" not in clean


def test_jpeg_decoding_segments_are_kept(jpeg_with_everything):
    _, dirty = jpeg_with_everything
    clean, _ = strip_jpeg_metadata(dirty)
    markers = _markers(clean)
    assert markers[0] == 0xE0  # JFIF
    assert 0xE2 in markers and ICC in clean  # ICC profile describes the pixels
    assert {0xDB, 0xC0, 0xC4, 0xDA} <= set(markers)  # quantization, frame, Huffman, scan


def test_jpeg_scan_data_is_copied_byte_for_byte(jpeg_with_everything):
    _, dirty = jpeg_with_everything
    clean, _ = strip_jpeg_metadata(dirty)
    scan = dirty.index(b"\xff\xda")
    assert clean.endswith(dirty[scan:])
    assert np.array_equal(_decoded(clean), _decoded(dirty))


def test_pillow_sees_no_metadata_after_stripping(jpeg_with_everything):
    _, dirty = jpeg_with_everything
    with Image.open(io.BytesIO(dirty)) as img:
        assert len(img.getexif()) and img.info.get("comment")
    clean, _ = strip_jpeg_metadata(dirty)
    with Image.open(io.BytesIO(clean)) as img:
        assert len(img.getexif()) == 0
        assert "comment" not in img.info and "xmp" not in img.info and "exif" not in img.info


def test_a_clean_jpeg_is_returned_unchanged(jpeg_with_everything):
    plain, _ = jpeg_with_everything
    assert strip_jpeg_metadata(plain) == (plain, [])


def test_fill_bytes_before_a_marker_are_tolerated(jpeg_with_everything):
    plain, _ = jpeg_with_everything
    padded = plain[:2] + b"\xff\xff" + plain[2:4] + plain[4:]  # fill bytes before APP0
    dirty = padded[:2] + _segment(0xFE, PATIENT) + padded[2:]
    clean, removed = strip_jpeg_metadata(dirty)
    assert removed == ["COM (comment)"] and PATIENT not in clean
    assert np.array_equal(_decoded(clean), _decoded(plain))


@pytest.mark.parametrize("data", [b"", b"<!doctype html><html>not an image</html>",
                                  b"\x89PNG\r\n\x1a\n" + b"\x00" * 30, b"\xff\xd8"])
def test_non_jpeg_bytes_are_left_alone(data):
    assert strip_jpeg_metadata(data) == (data, [])


def test_a_jpeg_with_garbage_where_a_marker_must_be_is_left_alone(jpeg_with_everything):
    _, dirty = jpeg_with_everything
    broken = dirty[:2] + b"\x00\x00" + dirty[2:]
    assert strip_jpeg_metadata(broken) == (broken, [])


# --- PNG -----------------------------------------------------------------------------------------


def _chunks(data: bytes) -> list[tuple[bytes, bytes]]:
    out, index = [], 8
    while index + 8 <= len(data):
        length = struct.unpack(">I", data[index:index + 4])[0]
        out.append((data[index + 4:index + 8], data[index:index + 12 + length]))
        index += 12 + length
    return out


def _chunk(kind: bytes, payload: bytes) -> bytes:
    return (struct.pack(">I", len(payload)) + kind + payload
            + struct.pack(">I", zlib.crc32(kind + payload) & 0xFFFFFFFF))


@pytest.fixture
def png_with_text() -> tuple[bytes, bytes]:
    """(a plain PNG with a pHYs chunk, the same PNG with tEXt, zTXt, iTXt, eXIf and tIME chunks)."""
    image = Image.fromarray(_pixels("L"), "L")
    out = io.BytesIO()
    image.save(out, "PNG", dpi=(72, 72))
    plain = out.getvalue()
    info = PngImagePlugin.PngInfo()
    info.add_text("Author", PATIENT.decode())
    info.add_text("Comment", "compressed " + PATIENT.decode(), zip=True)
    info.add_itxt("Description", "Patientin " + PATIENT.decode(), lang="de")
    out = io.BytesIO()
    image.save(out, "PNG", dpi=(72, 72), pnginfo=info, exif=_exif_block())
    with_text = out.getvalue()
    # tIME goes before IEND, where a scanner writes it.
    iend = with_text.rindex(b"IEND") - 4
    dirty = with_text[:iend] + _chunk(b"tIME", struct.pack(">HBBBBB", 2020, 3, 18, 10, 0, 0)) + with_text[iend:]
    return plain, dirty


def test_png_text_time_and_exif_chunks_are_removed_and_named(png_with_text):
    _, dirty = png_with_text
    assert {b"tEXt", b"zTXt", b"iTXt", b"eXIf", b"tIME"} <= {kind for kind, _ in _chunks(dirty)}
    clean, removed = strip_png_metadata(dirty)
    assert sorted(removed) == sorted(["tEXt", "zTXt", "iTXt", "eXIf", "tIME"])
    kinds = [kind for kind, _ in _chunks(clean)]
    assert not {b"tEXt", b"zTXt", b"iTXt", b"eXIf", b"tIME"} & set(kinds)
    assert PATIENT not in clean and b"PhoneCam" not in clean


def test_png_pixel_chunks_are_copied_byte_for_byte(png_with_text):
    plain, dirty = png_with_text
    clean, _ = strip_png_metadata(dirty)
    kept = [(kind, raw) for kind, raw in _chunks(dirty) if kind not in {b"tEXt", b"zTXt", b"iTXt", b"eXIf", b"tIME"}]
    assert _chunks(clean) == kept
    assert (next(kind for kind, _ in kept) == b"IHDR" and b"pHYs" in [kind for kind, _ in kept]
            and kept[-1][0] == b"IEND")
    assert np.array_equal(_decoded(clean), _decoded(dirty))
    assert np.array_equal(_decoded(clean), _decoded(plain))


def test_pillow_sees_no_text_after_png_stripping(png_with_text):
    _, dirty = png_with_text
    clean, _ = strip_png_metadata(dirty)
    with Image.open(io.BytesIO(clean)) as img:
        img.load()
        assert not getattr(img, "text", {})
        assert "exif" not in img.info and len(img.getexif()) == 0


def test_a_clean_png_is_returned_unchanged(png_with_text):
    plain, _ = png_with_text
    assert strip_png_metadata(plain) == (plain, [])


def test_a_truncated_png_is_left_for_the_decoder_to_reject(png_with_text):
    _, dirty = png_with_text
    truncated = dirty[: len(dirty) // 2]
    assert strip_png_metadata(truncated) == (truncated, [])


@pytest.mark.parametrize("data", [b"", b"GIF89a" + b"\x00" * 20, b"\xff\xd8\xff\xe0" + b"\x00" * 20, b"<html></html>"])
def test_non_png_bytes_are_left_alone(data):
    assert strip_png_metadata(data) == (data, [])


# --- prepare_image -------------------------------------------------------------------------------


def test_prepare_strips_a_jpeg_without_reencoding(jpeg_with_everything):
    _, dirty = jpeg_with_everything
    prepared = prepare_image(dirty, **LIMITS)
    assert prepared.facts.format == "jpeg" and (prepared.facts.width, prepared.facts.height) == (24, 16)
    assert prepared.original is None
    assert PATIENT not in prepared.data
    assert prepared.data == strip_jpeg_metadata(dirty)[0]
    assert np.array_equal(_decoded(prepared.data), _decoded(dirty))
    assert prepared.provenance["source_sha256"] == sha256_hex(dirty)
    assert prepared.provenance["source_format"] == "jpeg"
    assert "APP13 (IPTC)" in prepared.provenance["metadata_removed"]
    assert prepared.facts.phash and len(prepared.facts.phash) == 16


def test_prepare_strips_a_png_and_records_what_was_removed(png_with_text):
    _, dirty = png_with_text
    prepared = prepare_image(dirty, **LIMITS)
    assert prepared.facts.format == "png" and PATIENT not in prepared.data
    assert np.array_equal(_decoded(prepared.data), _decoded(dirty))
    assert sorted(prepared.provenance["metadata_removed"]) == sorted(["tEXt", "zTXt", "iTXt", "eXIf", "tIME"])


def test_prepare_leaves_a_clean_image_as_it_is(png_with_text):
    plain, _ = png_with_text
    prepared = prepare_image(plain, **LIMITS)
    assert prepared.data == plain and "metadata_removed" not in prepared.provenance


def test_a_converted_image_keeps_a_metadata_free_original():
    sixteen = np.arange(16 * 24, dtype=np.uint16).reshape(16, 24) * 100
    info = PngImagePlugin.PngInfo()
    info.add_text("Author", PATIENT.decode())
    out = io.BytesIO()
    Image.fromarray(sixteen).save(out, "PNG", pnginfo=info)  # uint16 -> mode I;16
    prepared = prepare_image(out.getvalue(), **LIMITS)
    assert prepared.facts.format == "png" and prepared.provenance["converted"]["from_mode"] == "I;16"
    assert prepared.original is not None and PATIENT not in prepared.original and PATIENT not in prepared.data
    assert np.array_equal(_decoded(prepared.original), sixteen)


@pytest.mark.parametrize("data, reason", [
    (b"<!DOCTYPE html><html><head><title>Just a moment...</title></head></html>", "not-an-image"),
    (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "not-an-image"),
    (gzip.compress(b"not a volume", mtime=0), "not-an-image"),
    (b"", "not-an-image"),
    (b"just some text, no signature", "not-an-image"),
    (b"\x89PNG\r\n\x1a\n" + b"\x00" * 40, "unreadable"),
])
def test_non_image_bytes_are_refused(data, reason):
    with pytest.raises(MediaRejected) as caught:
        prepare_image(data, **LIMITS)
    assert caught.value.reason == reason


def test_corrupt_gzip_bytes_are_refused_not_crashed_on():
    with pytest.raises(MediaRejected):
        prepare_image(b"\x1f\x8b\x08\x00" + b"\x00" * 40, **LIMITS)


def test_a_truncated_jpeg_is_refused(jpeg_with_everything):
    plain, _ = jpeg_with_everything
    with pytest.raises(MediaRejected) as caught:
        prepare_image(plain[: len(plain) // 2], **LIMITS)
    assert caught.value.reason == "unreadable"


def test_size_and_pixel_limits(jpeg_with_everything):
    plain, _ = jpeg_with_everything
    with pytest.raises(MediaRejected) as caught:
        prepare_image(plain, max_bytes=len(plain) - 1, max_pixels=LIMITS["max_pixels"])
    assert caught.value.reason == "too-large"
    with pytest.raises(MediaRejected) as caught:
        prepare_image(plain, max_bytes=LIMITS["max_bytes"], max_pixels=24 * 16 - 1)
    assert caught.value.reason == "too-many-pixels"
