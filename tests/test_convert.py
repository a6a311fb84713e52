"""media.convert.to_8bit: the one 8-bit policy of the crawl and the release gives, for every Pillow
mode either path can meet, the pixels and the wording each path gave with its own list before.

The two former policies are kept below, verbatim, as the oracles: ``crawl_before`` (the branch of
``pipelines.prepare_image`` that converted a downloaded image) and ``release_before``
(``exports/files.to_8bit``). They differed on two modes only:

- ``I;16N``: no Pillow decoder yields it (a TIFF's native 16-bit samples come as ``I;16``), so the
  crawl never met it; the release windowed it, and so does the one policy.
- ``PA`` (a TIFF palette with an extra sample): the crawl made it RGB, the release L when the palette
  is gray. The one policy does what the release did: the same gray values in one channel instead of
  three (the crawl's RGB of a gray ``PA`` had three equal channels). Asserted below.
"""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image

from exports.files import prepare_file, release_steps
from media.convert import crawl_wording, prepare_image, preview, to_8bit


def crawl_before(img: Image.Image, fmt: str) -> tuple[Image.Image, str]:
    """pipelines.prepare_image's conversion before media/convert.py (verbatim but for the names)."""
    mode = img.mode
    if mode in ("I;16", "I;16B", "I;16L", "I", "F"):
        array = np.asarray(img, dtype=np.float64)
        low, high = float(array.min()), float(array.max())
        scaled = np.zeros_like(array) if high <= low else (array - low) * (255.0 / (high - low))
        converted = Image.fromarray(np.clip(np.rint(scaled), 0, 255).astype(np.uint8), "L")
        how = f"{mode} -> L 8-bit, linear min-max window [{low:g}, {high:g}] -> [0, 255]"
    elif mode in ("1", "LA", "La"):
        converted = img.convert("L")
        how = f"{mode} -> L"
    elif mode == "P":
        converted = img.convert("RGB")
        gray = np.asarray(converted)
        if np.array_equal(gray[..., 0], gray[..., 1]) and np.array_equal(gray[..., 1], gray[..., 2]):
            converted = converted.convert("L")
        how = f"P (palette) -> {converted.mode}"
    elif mode == "CMYK":
        converted = img.convert("RGB")
        how = "CMYK -> RGB (Pillow's naive CMYK inversion)"
    else:
        converted = img.convert("RGB") if mode not in ("L", "RGB") else img.copy()
        how = f"{fmt} {mode} -> PNG {converted.mode}"
    return converted, how


def release_before(img: Image.Image) -> tuple[Image.Image, list[str]]:
    """exports/files.to_8bit before media/convert.py (verbatim)."""
    steps: list[str] = []
    if getattr(img, "n_frames", 1) > 1:
        img.seek(0)
        steps.append(f"first of {img.n_frames} frames")
    mode = img.mode
    if mode in ("L", "RGB"):
        return img.copy(), steps
    if mode in ("I;16", "I;16B", "I;16L", "I", "F", "I;16N"):
        arr = np.asarray(img, dtype=np.float64)
        low, high = float(arr.min()), float(arr.max())
        scale = 255.0 / (high - low) if high > low else 0.0
        out = np.clip(np.rint((arr - low) * scale), 0, 255).astype(np.uint8)
        steps.append(f"window {low:g}..{high:g} scaled linearly to 0..255")
        return Image.fromarray(out, "L"), steps
    if mode in ("1", "LA", "La"):
        steps.append("alpha dropped" if mode != "1" else "1-bit to 8-bit")
        return img.convert("L"), steps
    if mode in ("P", "PA"):
        rgb = img.convert("RGB")
        arr = np.asarray(rgb)
        if np.array_equal(arr[..., 0], arr[..., 1]) and np.array_equal(arr[..., 1], arr[..., 2]):
            steps.append("gray palette expanded to L")
            return rgb.convert("L"), steps
        steps.append("palette expanded to RGB")
        return rgb, steps
    if mode in ("RGBA", "RGBa", "RGBX"):
        steps.append("alpha dropped")
        return img.convert("RGB"), steps
    if mode == "CMYK":
        steps.append("CMYK converted to RGB")
        return img.convert("RGB"), steps
    steps.append(f"{mode} converted to RGB")
    return img.convert("RGB"), steps


RNG = np.random.default_rng(17)
GRAY = RNG.integers(0, 256, size=(12, 20), dtype=np.uint8)
RGB = RNG.integers(0, 256, size=(12, 20, 3), dtype=np.uint8)


def sample(mode: str, gray_palette: bool = False) -> Image.Image:
    """A 20 x 12 image in ``mode`` with varied values (fixed seed)."""
    if mode in ("I;16", "I;16B", "I;16L"):
        return Image.fromarray(GRAY.astype(np.uint16) * 200 + 7).convert("I").convert(mode) if mode != "I;16" \
            else Image.fromarray(GRAY.astype(np.uint16) * 200 + 7)
    if mode == "I":
        return Image.fromarray(GRAY.astype(np.int32) * 1000 - 5000)
    if mode == "F":
        return Image.fromarray(GRAY.astype(np.float32) / 7.0 - 3.0)
    if mode in ("P", "PA"):
        base = Image.fromarray(GRAY) if gray_palette else Image.fromarray(RGB)
        palette = base.convert("P") if gray_palette else base.quantize(16)
        return palette.convert("PA") if mode == "PA" else palette
    if mode in ("1", "L", "LA"):
        return Image.fromarray(GRAY).convert(mode)
    if mode == "La":  # premultiplied alpha: only from LA
        return Image.fromarray(GRAY).convert("LA").convert("La")
    return Image.fromarray(RGB).convert(mode)


def pixels(img: Image.Image) -> tuple[str, bytes]:
    return img.mode, img.tobytes()


#: Modes a decoder can give the crawl (PNG, JPEG, WebP, GIF, BMP, TIFF), and a few only conversions make.
BOTH_PATHS = ["1", "L", "LA", "P", "RGB", "RGBA", "RGBa", "RGBX", "CMYK", "YCbCr", "LAB", "HSV",
              "I;16", "I;16B", "I;16L", "I", "F"]


@pytest.mark.parametrize("mode, gray_palette", [(mode, False) for mode in BOTH_PATHS] + [("P", True)])
def test_one_policy_gives_what_both_paths_gave(mode, gray_palette):
    img = sample(mode, gray_palette)
    assert img.mode == mode
    step = to_8bit(img)
    crawl, how = crawl_before(img, "tiff")
    release, steps = release_before(img)
    assert pixels(step.image) == pixels(crawl) == pixels(release)
    assert crawl_wording(step, "tiff", mode) == how
    assert release_steps(step, mode) == steps


def test_premultiplied_gray_is_refused_as_before():
    """``La`` (no decoder yields it): Pillow cannot convert it to L, in either old path or now."""
    img = sample("La")
    for convert in (to_8bit, lambda i: crawl_before(i, "tiff"), release_before):
        with pytest.raises(ValueError, match="conversion from La to L not supported"):
            convert(img)


@pytest.mark.parametrize("gray_palette", [False, True])
def test_a_palette_with_alpha_is_what_the_release_made_it(gray_palette):
    img = sample("PA", gray_palette)
    step = to_8bit(img)
    release, steps = release_before(img)
    assert pixels(step.image) == pixels(release) and release_steps(step, "PA") == steps
    crawl, how = crawl_before(img, "tiff")
    assert crawl_wording(step, "tiff", "PA") == f"tiff PA -> PNG {step.image.mode}"
    if gray_palette:  # the crawl's three equal channels, now one
        assert step.image.mode == "L" and crawl.mode == "RGB"
        assert np.array_equal(np.asarray(crawl)[..., 0], np.asarray(step.image))
    else:
        assert pixels(step.image) == pixels(crawl) and how == crawl_wording(step, "tiff", "PA")


def test_the_first_frame_of_an_animation():
    frames = [Image.fromarray(GRAY).convert("P"), Image.fromarray(255 - GRAY).convert("P")]
    out = io.BytesIO()
    frames[0].save(out, "GIF", save_all=True, append_images=frames[1:])
    with Image.open(io.BytesIO(out.getvalue())) as img:
        step = to_8bit(img)
    with Image.open(io.BytesIO(out.getvalue())) as img:
        release, steps = release_before(img)
    assert pixels(step.image) == pixels(release) and release_steps(step, "P") == steps
    assert steps[0] == "first of 2 frames"


def _tiff(img: Image.Image) -> bytes:
    out = io.BytesIO()
    img.save(out, "TIFF")
    return out.getvalue()


@pytest.mark.parametrize("mode", ["I;16", "CMYK", "RGBA", "LA", "P", "1", "F"])
def test_crawl_and_release_write_the_same_png(mode):
    """Bytes of any mode become the same PNG whether the crawl stages them or a release copies them."""
    data = _tiff(sample(mode))
    staged = prepare_image(data, max_bytes=10**8, max_pixels=10**8)
    released = prepare_file(data, "images")
    assert staged.data == released.data and staged.facts.format == released.format == "png"


@pytest.mark.parametrize(("mode", "expected"), [("1", "L"), ("L", "L"), ("LA", "L"), ("I", "L"), ("I;16", "L"),
                                                ("RGB", "RGB"), ("RGBA", "RGB"), ("P", "RGB"), ("CMYK", "RGB")])
def test_a_preview_is_gray_for_gray_images_and_fits_its_box(mode, expected):
    img = Image.new(mode, (300, 120))
    shown = preview(img, (240, 240))
    assert shown.mode == expected
    assert shown.size == (240, 96)  # shrunk to the box, aspect kept


def test_a_preview_never_enlarges():
    assert preview(Image.new("L", (50, 20)), (160, 160)).size == (50, 20)
