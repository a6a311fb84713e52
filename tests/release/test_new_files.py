"""exports.new_files: the forked path gives exactly the plain loop's results, in order."""

from __future__ import annotations

import io

import numpy as np
from PIL import Image

from exports import new_files
from exports.files import FileError, prepare_file
from exports.new_files import FileJob, prepared_inline, prepared_rows
from exports.validate import check_file
from media.store import MediaStore


def _png(array: np.ndarray, mode: str | None = None) -> bytes:
    out = io.BytesIO()
    Image.fromarray(array, mode).save(out, "PNG")
    return out.getvalue()


def _jpeg(array: np.ndarray) -> bytes:
    out = io.BytesIO()
    Image.fromarray(array).save(out, "JPEG", quality=90)
    return out.getvalue()


def test_forked_rows_equal_the_plain_loop(tmp_path, monkeypatch):
    monkeypatch.setattr(new_files, "_FORK_FROM", 4)  # the fork path on a few rows
    monkeypatch.setattr(new_files, "BATCH", 3)  # several batches, some in flight at once
    rng = np.random.default_rng(5)
    store = MediaStore(tmp_path / "media")
    blobs = [
        _png(rng.integers(0, 255, (40, 50), dtype=np.uint8)),  # kept as it is
        _jpeg(rng.integers(0, 255, (30, 30, 3), dtype=np.uint8)),
        _png(rng.integers(0, 255, (20, 20, 4), dtype=np.uint8)),  # RGBA: converted, facts recomputed
        _png(rng.integers(0, 65535, (20, 20), dtype=np.uint16)),  # 16-bit: windowed
        b"<html>not an image</html>",  # prepare_file refuses it
        _png(rng.integers(0, 255, (40, 50), dtype=np.uint8))[:300],  # truncated
    ]
    shas = [store.put_bytes(blob) for blob in blobs]
    jobs = [FileJob(sha, "images", facts_missing) for sha in shas for facts_missing in (False, True)]
    jobs += [FileJob(None, "images", False), FileJob("0" * 64, "images", False), FileJob(shas[0], "volumes", False)]
    jobs *= 3
    plain = list(prepared_inline(store, jobs))
    forked = list(prepared_rows(store, jobs, workers=2))
    assert forked == plain
    assert any(r.missing for r in plain) and any(r.problem for r in plain)
    assert any(r.facts for r in plain) and any(r.file and r.file.converted for r in plain)


def _image_bytes(image: Image.Image, fmt: str, **options) -> bytes:
    out = io.BytesIO()
    image.save(out, fmt, **options)
    return out.getvalue()


def test_check_file_given_prepare_files_decode_gives_the_verdict_of_its_own_decode():
    """``prepare_file`` tells ``check_file`` the mode of the bytes it decoded in full (the second
    decode skipped): on every kind of image bytes the findings are those of check_file's own decode."""
    rng = np.random.default_rng(7)
    gray = rng.integers(0, 255, (30, 40), dtype=np.uint8)
    colour = rng.integers(0, 255, (30, 40, 3), dtype=np.uint8)
    palette = Image.fromarray(colour).convert("P")
    frames = [Image.fromarray(gray), Image.fromarray(255 - gray)]
    blobs = [
        _png(gray), _png(colour), _png(rng.integers(0, 255, (30, 40, 4), dtype=np.uint8)),
        _png(np.stack([gray, gray], axis=2), "LA"), _image_bytes(palette, "PNG"),
        _image_bytes(Image.fromarray(gray).convert("1"), "PNG"),
        _png(rng.integers(0, 65535, (30, 40), dtype=np.uint16)),
        _jpeg(gray), _jpeg(colour), _image_bytes(Image.fromarray(colour).convert("CMYK"), "JPEG"),
        _image_bytes(frames[0], "GIF", save_all=True, append_images=frames[1:]),
        _image_bytes(frames[0], "TIFF", save_all=True, append_images=frames[1:]),
        _image_bytes(Image.fromarray(gray), "BMP"), _image_bytes(Image.fromarray(colour), "WEBP"),
        _png(gray)[:200], _jpeg(gray)[:300], b"\x89PNG\r\n\x1a\n" + b"\0" * 40,
    ]
    told = 0
    for blob in blobs:
        try:
            prepared = prepare_file(blob, "images")
        except FileError:
            continue
        for name in (f"file{prepared.extension}", "file.png", "file.jpg", "file"):
            plain = check_file("images", name, prepared.data)
            if prepared.decoded_mode is not None:
                told += 1
                assert check_file("images", name, prepared.data, prepared.decoded_mode) == plain
            else:  # converted bytes: check_file decodes them itself, as before
                assert prepared.converted
    assert told >= 4 * 3  # PNG L and RGB, JPEG L and RGB at least: the fast path was taken
