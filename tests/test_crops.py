"""The crop-tolerant part of the duplicate rule (dedup/crops.py) on generated chest films."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image, ImageEnhance
from scipy import ndimage

from bench.duplicate_threshold import radiograph
from dedup.crops import CropIndex, _profiles, _shared, crop_matches, hash_matches_confirmed, thumb_array, verify_crop
from dedup.hashes import near_duplicate
from media.imaging import describe_image


def film(seed: int) -> Image.Image:
    return radiograph(np.random.default_rng(seed))


def cropped(img: Image.Image, left: float, top: float, right: float, bottom: float) -> Image.Image:
    w, h = img.size
    return img.crop((int(w * left), int(h * top), w - int(w * right), h - int(h * bottom)))


def jpeg(img: Image.Image, quality: int = 80) -> bytes:
    out = io.BytesIO()
    img.save(out, "JPEG", quality=quality)
    return out.getvalue()


def thumb(data: bytes) -> np.ndarray:
    return thumb_array(describe_image(data).thumb)


@pytest.fixture(scope="module")
def films():
    return [film(seed) for seed in range(12)]


@pytest.mark.parametrize("box", [(0.04, 0.01, 0.03, 0.05), (0.0, 0.05, 0.05, 0.0), (0.02, 0.02, 0.02, 0.02)])
def test_a_small_crop_recompressed_is_the_same_image(films, box):
    original = jpeg(films[0], 95)
    copy = jpeg(cropped(films[0], *box), 70)
    a, b = describe_image(original), describe_image(copy)
    assert near_duplicate((a.phash, a.chash), (b.phash, b.chash)) is None  # the hashes alone miss it
    match = verify_crop(thumb(original), thumb(copy))
    assert match is not None and match.detail >= 0.9


def test_the_released_image_may_be_the_crop(films):
    released = jpeg(cropped(films[1], 0.05, 0.03, 0.0, 0.04))
    new = jpeg(films[1])
    index = CropIndex(np.stack([thumb(released)]))
    found = list(crop_matches(index, np.stack([thumb(new)])))
    assert [(q, e) for q, e, _ in found] == [(0, 0)]


def test_contrast_and_resizing_on_top_of_a_crop(films):
    img = ImageEnhance.Contrast(cropped(films[2], 0.03, 0.0, 0.01, 0.02)).enhance(1.3).resize((300, 290))
    index = CropIndex(np.stack([thumb(jpeg(films[2]))]))
    assert [e for _, e, _ in crop_matches(index, np.stack([thumb(jpeg(img, 85))]))] == [0]


def test_different_films_never_match(films):
    thumbs = np.stack([thumb(jpeg(f)) for f in films])
    index = CropIndex(thumbs)
    assert list(crop_matches(index, thumbs, query_entries=np.arange(len(films)))) == []


def test_a_query_is_not_matched_with_itself_and_a_pair_is_reported_once(films):
    a = thumb(jpeg(films[3]))
    b = thumb(jpeg(cropped(films[3], 0.02, 0.04, 0.0, 0.01)))
    index = CropIndex(np.stack([a, b]))
    found = list(crop_matches(index, np.stack([a, b]), query_entries=np.array([0, 1])))
    assert len(found) == 1 and {found[0][0], found[0][1]} == {0, 1}


def test_a_larger_crop_is_not_taken_for_the_same_frame(films):
    # 20 % off two sides is beyond the frames searched (about 10 %): not this check's business
    index = CropIndex(np.stack([thumb(jpeg(films[4]))]))
    assert list(crop_matches(index, np.stack([thumb(jpeg(cropped(films[4], 0.2, 0.2, 0.0, 0.0)))]))) == []


def test_thumbnails_of_another_size_are_ignored():
    assert thumb_array(b"\0" * 100) is None and thumb_array(None) is None
    assert thumb_array(bytes(4096)).shape == (64, 64)


def twin(img: Image.Image, seed: int) -> Image.Image:
    """Another film with the same low frequencies: fresh mottling 6 pixels across laid on the same
    picture, fine for the hashes (32-pixel scale), not for the thumbnail's detail (8-pixel scale)."""
    base = np.asarray(img, dtype=np.float64)
    mottle = ndimage.gaussian_filter(np.random.default_rng(seed).normal(0, 200, base.shape), 6)
    return Image.fromarray(np.clip(base + mottle, 0, 255).astype(np.uint8), "L")


def test_a_hash_match_between_different_films_is_not_confirmed(films):
    a, b = describe_image(jpeg(twin(films[5], 1), 92)), describe_image(jpeg(twin(films[5], 2), 92))
    assert near_duplicate((a.phash, a.chash), (b.phash, b.chash)) is not None  # the hashes alone: a match
    copy = describe_image(jpeg(twin(films[5], 1), 60))
    assert hash_matches_confirmed([(thumb_array(a.thumb), thumb_array(b.thumb)),
                                   (thumb_array(a.thumb), thumb_array(copy.thumb)),
                                   (thumb_array(a.thumb), None)]) == [False, True, True]


def test_profiles_once_per_image_equal_the_float_means():
    """dedup.crops._profiles: the 8-bit path (each image once, by ids) gives exactly the float32 means."""
    rng = np.random.default_rng(7)
    images = rng.integers(0, 256, (30, 64, 64), dtype=np.uint8)
    images[0] = 255  # the largest sums
    ids = rng.integers(0, 30, 500)
    columns, rows = _profiles(images[ids], ids)
    floats = images[ids].astype(np.float32)
    assert np.array_equal(columns, floats.mean(axis=1)) and np.array_equal(rows, floats.mean(axis=2))
    first, inverse = _shared(np.stack([ids, ids % 7], axis=1).astype(np.float64))
    assert np.array_equal(ids[first][inverse], ids) and len(first) == len(np.unique(ids))
    assert all(first[inverse[k]] <= k for k in range(len(ids)))  # each key's first row
