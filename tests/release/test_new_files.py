"""exports.new_files: the forked path gives exactly the plain loop's results, in order."""

from __future__ import annotations

import io

import numpy as np
from PIL import Image

from exports import new_files
from exports.new_files import FileJob, prepared_inline, prepared_rows
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
