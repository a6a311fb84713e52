"""media.volumes.stack_to_nifti: ordered CT slices -> one deterministic gzipped NIfTI-1 volume."""

from __future__ import annotations

import gzip
import io
import struct
import zlib

import nibabel
import numpy as np
import pytest
from PIL import Image

from media.imaging import describe_image, sniff_format
from media.volumes import StackError, stack_to_nifti

WIDTH, HEIGHT = 7, 5  # deliberately not square: a transposed volume would show


def _encode(array: np.ndarray, fmt: str = "PNG", mode: str | None = None) -> bytes:
    out = io.BytesIO()
    image = Image.fromarray(array) if mode is None else Image.fromarray(array, mode)
    assert array.dtype != np.uint16 or image.mode == "I;16"
    image.save(out, fmt, **({"quality": 95} if fmt == "JPEG" else {}))
    return out.getvalue()


def _slice(z: int, width: int = WIDTH, height: int = HEIGHT) -> np.ndarray:
    """8-bit slice whose every pixel says where it is: value = 40*z + 7*row + col (all distinct)."""
    rows, cols = np.mgrid[0:height, 0:width]
    return (40 * z + 7 * rows + cols).astype(np.uint8)


def _load(data: bytes) -> nibabel.Nifti1Image:
    return nibabel.Nifti1Image.from_bytes(gzip.decompress(data))


@pytest.fixture
def slices() -> list[np.ndarray]:
    return [_slice(z) for z in range(4)]


def test_shape_is_width_height_slices(slices):
    volume = _load(stack_to_nifti([_encode(s) for s in slices]))
    assert volume.shape == (WIDTH, HEIGHT, 4)


def test_voxel_order_keeps_slice_order_and_flips_rows(slices):
    data = np.asarray(_load(stack_to_nifti([_encode(s) for s in slices])).dataobj)
    for z, pixels in enumerate(slices):
        for row in range(HEIGHT):
            for col in range(WIDTH):
                # x = column; y counts rows from the bottom (NIfTI's y points up); z = slice order given.
                assert data[col, HEIGHT - 1 - row, z] == pixels[row, col]


def test_slice_order_is_the_order_given_not_sorted(slices):
    forward = np.asarray(_load(stack_to_nifti([_encode(s) for s in slices])).dataobj)
    backward = np.asarray(_load(stack_to_nifti([_encode(s) for s in reversed(slices)])).dataobj)
    assert np.array_equal(backward, forward[:, :, ::-1])
    assert not np.array_equal(backward, forward)


def test_8_bit_slices_give_a_uint8_volume_with_identity_affine(slices):
    volume = _load(stack_to_nifti([_encode(s) for s in slices]))
    assert volume.get_data_dtype() == np.uint8
    assert np.array_equal(volume.affine, np.eye(4))
    assert volume.header.get_xyzt_units()[0] == "mm"


def test_16_bit_slices_keep_their_values_unscaled():
    arrays = [np.full((HEIGHT, WIDTH), 1000 * (z + 1), dtype=np.uint16) for z in range(3)]
    arrays[1][0, 0] = 4095
    volume = _load(stack_to_nifti([_encode(a) for a in arrays]))
    assert volume.get_data_dtype() == np.int16
    data = np.asarray(volume.dataobj)
    assert data[0, HEIGHT - 1, 1] == 4095 and data[3, 2, 2] == 3000


def test_16_bit_values_over_int16_give_int32():
    arrays = [np.full((HEIGHT, WIDTH), 40000, dtype=np.uint16), np.full((HEIGHT, WIDTH), 7, dtype=np.uint16)]
    volume = _load(stack_to_nifti([_encode(a) for a in arrays]))
    assert volume.get_data_dtype() == np.int32
    assert int(np.asarray(volume.dataobj).max()) == 40000


def test_colour_and_jpeg_slices_become_gray():
    rgb = np.zeros((HEIGHT, WIDTH, 3), dtype=np.uint8)
    rgb[...] = 120
    volume = _load(stack_to_nifti([_encode(rgb, "PNG"), _encode(np.full((HEIGHT, WIDTH), 120, np.uint8), "JPEG")]))
    data = np.asarray(volume.dataobj)
    assert data.shape == (WIDTH, HEIGHT, 2) and volume.get_data_dtype() == np.uint8
    assert np.all(np.abs(data.astype(int) - 120) <= 1)  # JPEG may round by one


def test_bytes_are_deterministic_and_a_gzipped_nifti(slices):
    encoded = [_encode(s) for s in slices]
    first, second = stack_to_nifti(encoded), stack_to_nifti(list(encoded))
    assert first == second
    assert first[:2] == b"\x1f\x8b" and first[4:8] == b"\x00\x00\x00\x00"  # gzip, no timestamp
    assert sniff_format(first) == "nifti-gz"
    facts = describe_image(first)
    assert (facts.format, facts.width, facts.height) == ("nifti-gz", WIDTH, HEIGHT)


def test_a_single_slice_is_a_volume_of_depth_one():
    assert _load(stack_to_nifti([_encode(_slice(0))])).shape == (WIDTH, HEIGHT, 1)


def test_empty_stack_is_refused():
    with pytest.raises(StackError, match="empty stack"):
        stack_to_nifti([])


def test_slices_of_different_sizes_are_refused():
    with pytest.raises(StackError, match="differ in size"):
        stack_to_nifti([_encode(_slice(0)), _encode(_slice(1, width=WIDTH + 1))])


def test_rgb_and_gray_slices_of_one_size_are_not_a_mismatch():
    rgb = np.stack([_slice(1)] * 3, axis=-1)
    assert _load(stack_to_nifti([_encode(_slice(0)), _encode(rgb)])).shape == (WIDTH, HEIGHT, 2)


@pytest.mark.parametrize("junk", [b"", b"<!doctype html><html><body>429</body></html>",
                                  b"\x89PNG\r\n\x1a\n" + b"\x00" * 20, b"%PDF-1.4"])
def test_a_slice_that_is_not_an_image_is_refused_with_its_index(junk):
    with pytest.raises(StackError, match=r"slice 1: not a readable image"):
        stack_to_nifti([_encode(_slice(0)), junk])


def test_stack_error_is_a_value_error():
    assert issubclass(StackError, ValueError)


def _png_header_only(width: int, height: int) -> bytes:
    """A PNG that claims ``width`` x ``height`` pixels (a decompression bomb's header)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\x00" * 16))
            + chunk(b"IEND", b""))


@pytest.mark.filterwarnings("ignore::PIL.Image.DecompressionBombWarning")
def test_a_slice_over_the_pixel_limit_is_refused():
    with pytest.raises(StackError, match="over the limit"):
        stack_to_nifti([_png_header_only(9000, 9000)])  # 81 Mpx > 64 Mpx


def test_a_slice_over_twice_the_pixel_limit_is_a_stack_error_too():
    with pytest.raises(StackError):
        stack_to_nifti([_png_header_only(12000, 12000)])  # 144 Mpx: Pillow refuses to open it
