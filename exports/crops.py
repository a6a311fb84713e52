"""Near-duplicates through small crops: the part of the duplicate rule that survives a new frame.

A whole-image perceptual hash moves with the frame: cropping 5 % off a side changes about 10 of
its 64 bits, as much as two different chest films differ (bench/duplicate_threshold.py). So crops
are found in two steps, on the 64 x 64 grayscale thumbnail stored for every image
(``ingest.imaging.thumbnail``):

1. Candidates. Every indexed image is hashed once on its inner region (5 % trimmed off each side);
   a queried image is hashed on 256 regions, every combination of 0, 3.5, 7 and 10.5 % trimmed off
   each side. If one image is a crop of the other by at most 5 % per side (either way round), one
   of the 256 regions of the queried image lies within 1.75 % of the inner region of the other, and
   their hashes are within ``CANDIDATE_BITS`` bits (found through 7 bands, pigeonhole). Those
   candidates are thinned by the correlation of the real DCT coefficients the bits came from
   (``COEFFICIENT_MIN``): the hash is cheap, but look-alike films share it often.
2. Verification. The frame of one image within the other is estimated axis by axis (the column
   and row intensity profiles, coarse then fine), the other image is resampled into that frame,
   and the two are compared by the correlation of their high-pass detail (``DETAIL_MIN``). Copies
   keep their detail (0.95 and above after a crop, recompression, resizing and contrast changes);
   different films share only their low-frequency anatomy (0.85 at most among the candidates of
   the calibration set).

Thresholds are calibrated by bench/duplicate_threshold.py. Pure numpy: no I/O, no database.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import ndimage

from ingest.imaging import THUMB_SIDE  # the stored thumbnail's side; thumbnails of another size are ignored
#: Fraction trimmed off each side of an indexed image before hashing its inner region.
INNER = 0.05
#: Fractions trimmed off each side of a queried image (every combination: 4**4 = 256 regions).
TRIMS = (0.0, 0.035, 0.07, 0.105)
#: Largest Hamming distance between a region hash of the query and the inner hash of a candidate.
CANDIDATE_BITS = 6
#: Least correlation of the 63 AC DCT coefficients behind the two hashes for a pair to be verified.
COEFFICIENT_MIN = 0.97
#: Least correlation of the aligned high-pass detail for a pair to be the same image.
DETAIL_MIN = 0.90

_HASH_SIDE = 32  # the region is resampled to 32 x 32 before its 8 x 8 low-frequency DCT, as pHash does
_BANDS = ((0, 10), (10, 9), (19, 9), (28, 9), (37, 9), (46, 9), (55, 9))  # 7 bands: any two hashes within 6 bits share one
assert CANDIDATE_BITS < len(_BANDS)


def _sampling(lo: float, hi: float, n_out: int, n_in: int = THUMB_SIDE) -> np.ndarray:
    """Linear interpolation matrix taking ``n_in`` samples to ``n_out`` samples over [lo, hi]."""
    pos = np.clip((lo + (np.arange(n_out) + 0.5) / n_out * (hi - lo)) * n_in - 0.5, 0, n_in - 1)
    i0 = np.floor(pos).astype(int)
    i1 = np.minimum(i0 + 1, n_in - 1)
    frac = pos - i0
    out = np.zeros((n_out, n_in))
    np.add.at(out, (np.arange(n_out), i0), 1 - frac)
    np.add.at(out, (np.arange(n_out), i1), frac)
    return out


_DCT = np.cos(np.pi * (2 * np.arange(_HASH_SIDE)[None, :] + 1) * np.arange(8)[:, None] / (2 * _HASH_SIDE))
#: region -> 8 DCT rows: hash(region) = bits(M_rows @ thumb @ M_cols.T)
_M_INNER = (_DCT @ _sampling(INNER, 1 - INNER, _HASH_SIDE)).astype(np.float32)
_PAIRS = [(lo, hi) for lo in TRIMS for hi in TRIMS]  # (trim before, trim after) along one axis
_M_TRIMS = np.stack([_DCT @ _sampling(lo, 1 - hi, _HASH_SIDE) for lo, hi in _PAIRS]).astype(np.float32)  # 16 x 8 x 64
_WEIGHTS = np.uint64(1) << np.arange(64, dtype=np.uint64)


def _pack(coefficients: np.ndarray) -> np.ndarray:
    """(..., 64) coefficients -> uint64 hashes: bit set where above the median (as pHash)."""
    bits = coefficients > np.median(coefficients, axis=-1, keepdims=True)
    return (bits.astype(np.uint64) * _WEIGHTS).sum(axis=-1, dtype=np.uint64)


def _unit_ac(coefficients: np.ndarray) -> np.ndarray:
    """The 63 AC coefficients, centred and scaled to unit length (their dot product is a correlation)."""
    ac = coefficients[..., 1:]
    ac = ac - ac.mean(axis=-1, keepdims=True)
    return (ac / (np.linalg.norm(ac, axis=-1, keepdims=True) + 1e-9)).astype(np.float32)


def inner_signatures(thumbs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(n, 64, 64) thumbnails -> inner-region hashes (n,) and unit AC coefficients (n, 63)."""
    coefficients = np.einsum("ai,nij,bj->nab", _M_INNER, thumbs.astype(np.float32), _M_INNER, optimize=True)
    flat = coefficients.reshape(len(thumbs), 64)
    return _pack(flat), _unit_ac(flat)


def region_signatures(thumbs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(n, 64, 64) thumbnails -> hashes (n, 256) and unit AC coefficients (n, 256, 63) of every
    trimmed region (index = 16 * vertical trim pair + horizontal trim pair)."""
    n = len(thumbs)
    cols = _M_TRIMS.reshape(-1, THUMB_SIDE)  # (16*8, 64)
    half = thumbs.astype(np.float32) @ cols.T  # (n, 64, 128): every horizontal trim
    full = cols @ half  # (n, 128, 128): rows (vertical trim, u) x columns (horizontal trim, v)
    coefficients = full.reshape(n, 16, 8, 16, 8).transpose(0, 1, 3, 2, 4).reshape(n, 256, 64)
    return _pack(coefficients), _unit_ac(coefficients)


@dataclass(frozen=True)
class CropMatch:
    """A verified pair: ``frame`` is where the inner region of the indexed image lies in the query,
    as fractions (x0, x1, y0, y1) of the query's width and height; ``detail`` the correlation."""

    detail: float
    frame: tuple[float, float, float, float]

    def describe(self) -> str:
        x0, x1, y0, y1 = self.frame
        return (f"same image in another frame: detail correlation {self.detail:.3f} >= {DETAIL_MIN} "
                f"after alignment (x {x0:+.3f}..{x1:.3f}, y {y0:+.3f}..{y1:.3f})")


# --- Verification ---------------------------------------------------------------------------------

_SAMPLES = 48
_U = INNER + (np.arange(_SAMPLES) + 0.5) / _SAMPLES * (1 - 2 * INNER)  # the inner region, sampled
_T = (_U - INNER) / (1 - 2 * INNER)  # 0..1 along the inner region
_GRID = (np.arange(THUMB_SIDE) + 0.5) / THUMB_SIDE
_COARSE = np.arange(-0.03, 0.1801, 0.01)  # where the inner region's ends may fall in the query
_FINE = np.arange(-0.01, 0.01001, 0.0025)


def _unit(v: np.ndarray) -> np.ndarray:
    v = v - v.mean(axis=-1, keepdims=True)
    return v / (np.linalg.norm(v, axis=-1, keepdims=True) + 1e-9)


def _align_axis(indexed_profile: np.ndarray, query_profile: np.ndarray) -> tuple[float, float]:
    """Where the indexed image's inner region starts and ends in the query, along one axis."""
    target = _unit(np.interp(_U, _GRID, indexed_profile))

    def best(starts: np.ndarray, ends: np.ndarray) -> tuple[float, float]:
        positions = starts[:, None] + _T[None, :] * (ends - starts)[:, None]
        k = int(np.argmax(_unit(np.interp(positions, _GRID, query_profile)) @ target))
        return float(starts[k]), float(ends[k])

    starts, ends = np.meshgrid(_COARSE, 1 - _COARSE, indexing="ij")
    s0, e0 = best(starts.ravel(), ends.ravel())
    fs, fe = np.meshgrid(_FINE, _FINE, indexing="ij")
    return best(s0 + fs.ravel(), e0 + fe.ravel())


def _bilinear(img: np.ndarray, ys: np.ndarray, xs: np.ndarray) -> np.ndarray:
    py = np.clip(ys * THUMB_SIDE - 0.5, 0, THUMB_SIDE - 1)
    px = np.clip(xs * THUMB_SIDE - 0.5, 0, THUMB_SIDE - 1)
    y0, x0 = np.floor(py).astype(int), np.floor(px).astype(int)
    y1, x1 = np.minimum(y0 + 1, THUMB_SIDE - 1), np.minimum(x0 + 1, THUMB_SIDE - 1)
    fy, fx = py - y0, px - x0
    return ((img[y0, x0] * (1 - fx) + img[y0, x1] * fx) * (1 - fy)
            + (img[y1, x0] * (1 - fx) + img[y1, x1] * fx) * fy)


def _detail(img: np.ndarray) -> np.ndarray:
    return (img - ndimage.gaussian_filter(img, 2.0)).ravel()


def verify_crop(indexed: np.ndarray, query: np.ndarray) -> CropMatch | None:
    """Whether ``query`` shows the same image as ``indexed`` in a frame up to ~10 % different.

    The query is resampled into the indexed image's inner region (its frame found per axis by
    profile alignment) and the high-pass detail of both is correlated."""
    a = indexed.astype(np.float64)
    b = query.astype(np.float64)
    x0, x1 = _align_axis(a.mean(axis=0), b.mean(axis=0))
    y0, y1 = _align_axis(a.mean(axis=1), b.mean(axis=1))
    ys, xs = np.meshgrid(_U, _U, indexing="ij")
    ts, tx = np.meshgrid(_T, _T, indexing="ij")
    mine = _bilinear(a, ys, xs)
    theirs = _bilinear(b, y0 + ts * (y1 - y0), x0 + tx * (x1 - x0))
    detail = float(_unit(_detail(mine)) @ _unit(_detail(theirs)))
    return CropMatch(detail, (x0, x1, y0, y1)) if detail >= DETAIL_MIN else None


# --- Candidates -----------------------------------------------------------------------------------


class CropIndex:
    """Inner-region signatures of the indexed thumbnails, banded for lookups by region hashes."""

    def __init__(self, thumbs: np.ndarray):
        self.thumbs = thumbs
        self.hashes, self.coefficients = inner_signatures(thumbs) if len(thumbs) else (
            np.zeros(0, np.uint64), np.zeros((0, 63), np.float32))
        self._bands = []
        for shift, width in _BANDS:
            keys = ((self.hashes >> np.uint64(shift)) & np.uint64((1 << width) - 1)).astype(np.int64)
            order = np.argsort(keys, kind="stable")
            # bucket k holds order[starts[k]:starts[k + 1]]: a lookup is two gathers, no search
            starts = np.searchsorted(keys[order], np.arange((1 << width) + 1))
            self._bands.append((shift, width, starts, order))

    def __len__(self) -> int:
        return len(self.thumbs)

    def candidates(self, region_hashes: np.ndarray, region_coefficients: np.ndarray) -> list[tuple[int, int]]:
        """(query row, indexed entry) pairs whose signatures pass both candidate tests."""
        n = len(region_hashes)
        if not len(self) or not n:
            return []
        flat = region_hashes.reshape(-1)
        found = []
        for shift, width, bucket_starts, order in self._bands:
            keys = ((flat >> np.uint64(shift)) & np.uint64((1 << width) - 1)).astype(np.int64)
            lo = bucket_starts[keys]
            counts = bucket_starts[keys + 1] - lo
            if not counts.sum():
                continue
            query = np.repeat(np.arange(len(flat)), counts)
            starts = np.repeat(lo - np.cumsum(counts) + counts, counts)
            entry = order[starts + np.arange(len(query))]
            close = np.bitwise_count(flat[query] ^ self.hashes[entry]) <= CANDIDATE_BITS
            found.append((query[close], entry[close]))
        if not found:
            return []
        query = np.concatenate([q for q, _ in found])
        entry = np.concatenate([e for _, e in found])
        row = query // region_hashes.shape[1]
        score = np.einsum("tc,tc->t", region_coefficients.reshape(-1, 63)[query], self.coefficients[entry])
        keep = score >= COEFFICIENT_MIN
        pairs = np.unique(np.stack([row[keep], entry[keep]], axis=1), axis=0)
        return [(int(r), int(e)) for r, e in pairs]


def crop_matches(index: CropIndex, queries: np.ndarray, query_entries: np.ndarray | None = None, chunk: int = 64):
    """Yield ``(query row, indexed entry, CropMatch)`` for every verified pair.

    ``query_entries`` gives each query's own entry in the index (or -1): that pair is skipped, and
    a pair of two indexed queries is verified once, not once each way round."""
    own = np.full(len(queries), -1) if query_entries is None else np.asarray(query_entries)
    entry_query = {int(e): q for q, e in enumerate(own) if e >= 0}
    done: set[tuple[int, int]] = set()
    for start in range(0, len(queries), chunk):
        block = queries[start:start + chunk]
        hashes, coefficients = region_signatures(block)
        for row, entry in index.candidates(hashes, coefficients):
            query = start + row
            if entry == own[query]:
                continue
            other = entry_query.get(entry)
            if other is not None:
                pair = (min(query, other), max(query, other))
                if pair in done:
                    continue
                done.add(pair)
            match = verify_crop(index.thumbs[entry], block[row])
            if match is not None:
                yield query, entry, match


def thumb_array(thumb: bytes | None) -> np.ndarray | None:
    """The stored thumbnail bytes as a 64 x 64 array (None when missing or of another size)."""
    if not thumb or len(thumb) != THUMB_SIDE * THUMB_SIDE:
        return None
    return np.frombuffer(thumb, dtype=np.uint8).reshape(THUMB_SIDE, THUMB_SIDE)


__all__ = ["CANDIDATE_BITS", "COEFFICIENT_MIN", "CropIndex", "CropMatch", "DETAIL_MIN", "THUMB_SIDE",
           "crop_matches", "inner_signatures", "region_signatures", "thumb_array", "verify_crop"]
