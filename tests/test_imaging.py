"""media.imaging's hashes and dedup.hashes' near-duplicate rule on them."""

import io

import numpy as np
from PIL import Image

from dedup.hashes import COMBINED_THRESHOLD, HashIndex, near_duplicate
from media.imaging import describe_image


def _png(seed: int) -> bytes:
    from bench.duplicate_threshold import radiograph  # the calibration's synthetic chest films

    out = io.BytesIO()
    radiograph(np.random.default_rng(seed), size=256).save(out, "PNG")
    return out.getvalue()


def test_describe_image_gives_both_hashes():
    facts = describe_image(_png(1))
    assert len(facts.phash) == 16 and len(facts.chash) == 16
    assert describe_image(_png(1)).chash == facts.chash  # pure


def test_recompressed_copy_matches_and_index_finds_it():
    data = _png(2)
    img = Image.open(io.BytesIO(data))
    out = io.BytesIO()
    img.save(out, "JPEG", quality=90)
    a, b = describe_image(data), describe_image(out.getvalue())
    d = near_duplicate((a.phash, a.chash), (b.phash, b.chash))
    assert d is not None and d <= COMBINED_THRESHOLD
    index = HashIndex()
    index.add(a.phash, a.chash)
    assert [n for n, _ in index.matches(b.phash, b.chash)] == [0]


def test_missing_centred_hash_falls_back_to_phash():
    assert near_duplicate(("0" * 16, None), ("0" * 15 + "3", "f" * 16)) == 2
    assert near_duplicate(("0" * 16, None), ("0" * 15 + "7", None)) is None
