"""CT stacks -> one gzipped NIfTI volume, as the dataset keeps CT in ``volumes/``.

Pure function over bytes. Slices come ordered (the parser sorts them by the site's ``position``);
the volume keeps that order along its third axis. The result is byte-for-byte deterministic
(gzip without a timestamp), so re-building an unchanged stack gives the same SHA-256 and the
media store keeps it once.
"""

from __future__ import annotations

import gzip
import io

import nibabel
import numpy as np
from PIL import Image

from media.imaging import MAX_IMAGE_PIXELS
from schema import IngestError

__all__ = ["StackError", "stack_to_nifti"]


class StackError(IngestError, ValueError):
    """The slices cannot make one volume (unreadable slice, sizes differ, empty stack)."""


def _slice_array(data: bytes, index: int) -> np.ndarray:
    try:
        with Image.open(io.BytesIO(data)) as img:
            if img.width * img.height > MAX_IMAGE_PIXELS:
                raise StackError(f"slice {index}: {img.width}x{img.height} pixels is over the limit")
            img.load()
            if img.mode in ("I;16", "I;16B", "I;16L", "I"):
                array = np.asarray(img, dtype=np.int32)
            else:
                # Colour renditions of a CT slice are gray in practice: keep luminance only.
                array = np.asarray(img.convert("L"), dtype=np.uint8)
    except StackError:
        raise
    except Image.DecompressionBombError as exc:
        # Pillow refuses images far over its limit before we can measure them ourselves
        raise StackError(f"slice {index}: over the limit of {MAX_IMAGE_PIXELS:,} pixels ({exc})") from exc
    except (OSError, SyntaxError, ValueError) as exc:
        raise StackError(f"slice {index}: not a readable image ({exc})") from exc
    return array


def stack_to_nifti(slices: list[bytes]) -> bytes:
    """Gzipped NIfTI-1 bytes of the ordered ``slices`` (PNG/JPEG), shape (width, height, n).

    Voxel size is unknown for web renditions, so the affine is the identity; rows are flipped so a
    viewer shows the slice the way the site did (NIfTI's second axis points up, images' down).
    8-bit slices give a uint8 volume; 16-bit slices an int16/int32 volume, unscaled.
    """
    if not slices:
        raise StackError("empty stack")
    arrays = [_slice_array(data, index) for index, data in enumerate(slices)]
    shapes = {a.shape for a in arrays}
    if len(shapes) != 1:
        raise StackError(f"slices differ in size: {sorted(shapes)}")
    if all(a.dtype == np.uint8 for a in arrays):
        dtype = np.uint8
    else:
        top = max(int(a.max()) for a in arrays)
        dtype = np.int16 if top < 32768 else np.int32
    # (rows, cols) -> (x = cols, y = rows from the bottom)
    volume = np.stack([a.astype(dtype)[::-1, :].T for a in arrays], axis=-1)
    image = nibabel.Nifti1Image(volume, np.eye(4))
    image.header.set_xyzt_units("mm")
    return gzip.compress(image.to_bytes(), compresslevel=6, mtime=0)
