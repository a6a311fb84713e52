"""Near-duplicates in another frame: the part of the duplicate rule that survives a crop.

A whole-image perceptual hash moves with the frame: cropping 5 % off a side changes about 8 of
its 64 bits, and two different chest films can differ by as little (bench/duplicate_threshold.py).
So crops are found in two steps, on the 64 x 64 grayscale thumbnail stored for every image
(``media.imaging.thumbnail``):

1. Candidates. Every indexed image is hashed once on its inner region (5 % trimmed off each side);
   a queried image is hashed on 256 regions, every combination of 0, 3.5, 7 and 10.5 % trimmed off
   each side. If one image is a crop of the other by at most 5 % per side (either way round), one
   of the 256 regions of the queried image lies within 1.75 % of the inner region of the other, and
   their hashes are within ``CANDIDATE_BITS`` bits (found through banded lookups, ``_HashBands``).
   Those candidates are thinned by the correlation of the real DCT coefficients the bits came from
   (``COEFFICIENT_MIN``): the hash is cheap, but look-alike films share it often.
2. Verification. The frame of one image within the other is found axis by axis (column and row
   intensity profiles, coarse to fine around the region that matched), the query is resampled into
   it, and the pair is the same image when the aligned pictures correlate (``SHAPE_MIN``) and so
   does their fine detail (``DETAIL_MIN``). Copies keep both through a crop, recompression,
   resizing and contrast changes; different films share their anatomy, not their detail.
   Thumbnails with too little detail to judge (``DETAIL_SHARE_MIN``: small or very smooth
   pictures) are left to the hashes. Where only verdicts are wanted, a pair is compared in full
   only if the 12 x 12 block means of the two pictures (on the frame found) allow a correlation
   of ``SHAPE_MIN`` (``_shape_bounds``: a proven bound, not an estimate): look-alike films fail there.

The same aligned detail confirms the hash rule's matches (``hash_matches_confirmed``).
Thresholds are calibrated by bench/duplicate_threshold.py. Pure numpy, with four loops compiled by
numba (``dedup.compiled``: the frame search's first pick, the hash lookups and their bucket runs,
the block bound's weights; the same results as their numpy versions kept beside them): no I/O, no
database.
"""

from __future__ import annotations

import contextlib
import functools
import mmap
import multiprocessing
import threading
from collections import deque
from dataclasses import dataclass

import numpy as np
from scipy import ndimage
from threadpoolctl import ThreadpoolController, threadpool_limits

from media.imaging import THUMB_SIDE  # the stored thumbnail's side; thumbnails of another size are ignored

#: Fraction trimmed off each side of an indexed image before hashing its inner region.
INNER = 0.05
#: Fractions trimmed off each side of a queried image (every combination: 4**4 = 256 regions).
TRIMS = (0.0, 0.035, 0.07, 0.105)
#: Largest Hamming distance between a region hash of the query and the inner hash of a candidate.
CANDIDATE_BITS = 6
#: Least correlation of the 63 AC DCT coefficients behind the two hashes for a pair to be verified.
COEFFICIENT_MIN = 0.97
#: Least correlation of the aligned high-pass detail for a pair to be the same image ...
DETAIL_MIN = 0.87
#: ... and of the aligned pictures themselves (their shapes: where detail is scarce, detail alone
#: lets look-alike films through).
SHAPE_MIN = 0.99
#: Least share of a thumbnail's variance in its fine detail for the crop part to judge it at all:
#: below it (films smaller than about 200 pixels, or very smooth ones) two different look-alike
#: films can agree in both correlations, so the crop part abstains and the hashes alone judge.
DETAIL_SHARE_MIN = 0.01

#: The BLAS libraries loaded with numpy, found once (not on every call that limits their threads).
_BLAS = ThreadpoolController()
#: The limit is the process's: threads of one process (the review server's) take it in turn, or one
#: could restore two BLAS threads while another's signatures are being computed.
_BLAS_LIMIT = threading.Lock()


def _on_one_blas_thread(fn):
    """``fn`` run with BLAS on one thread (its products then round the same in every process)."""

    @functools.wraps(fn)
    def limited(*args, **kwargs):
        with _BLAS_LIMIT, _BLAS.limit(limits=1, user_api="blas"):
            return fn(*args, **kwargs)

    return limited

_HASH_SIDE = 32  # the region is resampled to 32 x 32 before its 8 x 8 low-frequency DCT, as pHash does


def _weights(positions: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Linear interpolation at normalized ``positions`` of a 64-sample axis: (index, next, fraction)."""
    p = np.clip(positions * THUMB_SIDE - 0.5, 0, THUMB_SIDE - 1)
    i0 = np.floor(p).astype(np.intp)
    return i0, np.minimum(i0 + 1, THUMB_SIDE - 1), p - i0


def _resampling(starts: np.ndarray, ends: np.ndarray, n: int, dtype=np.float32) -> np.ndarray:
    """(P, n, 64) matrices sampling a thumbnail axis at n evenly spaced points from each of
    ``starts`` to the matching ``ends`` (normalized coordinates), by linear interpolation."""
    i0, i1, f = _weights(starts[:, None] + (np.arange(n) + 0.5) / n * (ends - starts)[:, None])
    out = np.zeros((len(starts), n, THUMB_SIDE), dtype)
    p, k = np.ogrid[:len(starts), :n]
    np.add.at(out, (p, k, i0), 1 - f)
    np.add.at(out, (p, k, i1), f)
    return out


def _sampling(lo: float, hi: float, n: int) -> np.ndarray:
    """``_resampling`` for one span: an (n, 64) matrix."""
    return _resampling(np.array([lo]), np.array([hi]), n, np.float64)[0]


_DCT = np.cos(np.pi * (2 * np.arange(_HASH_SIDE)[None, :] + 1) * np.arange(8)[:, None] / (2 * _HASH_SIDE))
#: region -> 8 DCT rows: hash(region) = bits(M_rows @ thumb @ M_cols.T)
_M_INNER = (_DCT @ _sampling(INNER, 1 - INNER, _HASH_SIDE)).astype(np.float32)
_PAIRS = [(lo, hi) for lo in TRIMS for hi in TRIMS]  # (trim before, trim after) along one axis
_M_TRIMS = np.stack([_DCT @ _sampling(lo, 1 - hi, _HASH_SIDE) for lo, hi in _PAIRS]).astype(np.float32)  # 16 x 8 x 64
_WEIGHTS = np.uint64(1) << np.arange(64, dtype=np.uint64)


def _pack(coefficients: np.ndarray) -> np.ndarray:
    """(..., 64) coefficients -> uint64 hashes: bit set where above the median (as pHash)."""
    ordered = np.sort(coefficients, axis=-1)  # numpy's vectorised sort beats partition (np.median) 5x here
    bits = coefficients > (ordered[..., 31:32] + ordered[..., 32:33]) / 2
    return (bits.astype(np.uint64) * _WEIGHTS).sum(axis=-1, dtype=np.uint64)


def _unit_ac(coefficients: np.ndarray) -> np.ndarray:
    """The 63 AC coefficients, centred and scaled to unit length (their dot product is a correlation)."""
    ac = coefficients[..., 1:]
    ac = ac - ac.mean(axis=-1, keepdims=True)
    return (ac / (np.linalg.norm(ac, axis=-1, keepdims=True) + 1e-9)).astype(np.float32)


@_on_one_blas_thread
def inner_signatures(thumbs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(n, 64, 64) thumbnails -> inner-region hashes (n,) and unit AC coefficients (n, 63). On one
    BLAS thread, as the forked workers run (``_one_blas_thread``): split between threads, the
    products round differently, and a hash bit or a coefficient test at its threshold can follow."""
    flat = np.empty((len(thumbs), 64), np.float32)
    for start in range(0, len(thumbs), 1024):  # float copies of 1,024 thumbnails at a time, not all
        block = thumbs[start:start + 1024].astype(np.float32)
        flat[start:start + 1024] = (_M_INNER @ block @ _M_INNER.T).reshape(len(block), 64)
    return _pack(flat), _unit_ac(flat)


@_on_one_blas_thread
def region_signatures(thumbs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(n, 64, 64) thumbnails -> hashes (n, 256) and unit AC coefficients (n, 256, 63) of every
    trimmed region (index = 16 * vertical trim pair + horizontal trim pair). On one BLAS thread,
    whatever the caller's (``inner_signatures``): with two, 3 in 4 coefficients of 64 look-alike
    films came out different in their last bits, and the candidates of 2,000 films by one pair."""
    n = len(thumbs)
    cols = _M_TRIMS.reshape(-1, THUMB_SIDE)  # (16*8, 64)
    half = thumbs.astype(np.float32) @ cols.T  # (n, 64, 128): every horizontal trim
    full = cols @ half  # (n, 128, 128): rows (vertical trim, u) x columns (horizontal trim, v)
    coefficients = full.reshape(n, 16, 8, 16, 8).transpose(0, 1, 3, 2, 4).reshape(n, 256, 64)
    return _pack(coefficients), _unit_ac(coefficients)


@dataclass(frozen=True)
class CropMatch:
    """An aligned pair: ``frame`` is where the inner region of the indexed image lies in the query,
    as fractions (x0, x1, y0, y1) of the query's width and height; ``detail`` and ``shape`` the
    correlations of their fine detail and of the pictures there; ``same`` the verdict."""

    detail: float
    frame: tuple[float, float, float, float]
    shape: float

    @property
    def same(self) -> bool:
        """THE verdict of the crop part of the rule."""
        return self.detail >= DETAIL_MIN and self.shape >= SHAPE_MIN

    def describe(self) -> str:
        x0, x1, y0, y1 = self.frame
        return (f"same image in another frame: after alignment (x {x0:+.3f}..{x1:.3f}, y {y0:+.3f}..{y1:.3f}) "
                f"detail correlation {self.detail:.3f} >= {DETAIL_MIN}, picture {self.shape:.4f} >= {SHAPE_MIN}")


# --- Verification ---------------------------------------------------------------------------------

_SAMPLES = 48  # side of the resampled pictures compared
_PROFILE_T = (np.arange(48) + 0.5) / 48  # samples of a profile (24 lose a crop in a hundred)
# Frames searched, as offsets of where the inner region starts and ends in the query (every pair of
# offsets), each stage around the best of the one before: without a hint, from anywhere a crop of
# about 10 % could put it; with the frame of the region whose hash matched (within 1.75 % of the
# truth), from there.
_UNHINTED = (np.arange(-0.03, 0.1801, 0.01), np.arange(-0.01, 0.01001, 0.0025))
_HINTED = (np.arange(-0.03, 0.03001, 0.01), np.arange(-0.005, 0.00501, 0.0025), np.arange(-0.00125, 0.00126, 0.00125))


def _unit(v: np.ndarray, own: bool = False) -> np.ndarray:
    """Centred and scaled to unit length along the last axis (np.linalg.norm's own arithmetic, in
    place; with ``own`` in ``v`` itself, a scratch array of the caller's: the same numbers)."""
    if own:
        v -= v.mean(axis=-1, keepdims=True)
    else:
        v = v - v.mean(axis=-1, keepdims=True)
    norm = np.add.reduce(v * v, axis=-1, keepdims=True)
    np.sqrt(norm, out=norm)
    norm += 1e-9
    v /= norm
    return v


def _sample_profiles(profiles: np.ndarray, positions: np.ndarray, out: np.ndarray | None = None,
                     own: bool = False) -> np.ndarray:
    """profiles (P, 64), positions (P, ..., n) -> values (P, ..., n), linearly interpolated (as
    ``_weights`` says, through flat indexes: the same numbers, fewer passes). ``out``: where the
    values go; ``own``: ``positions`` is a scratch array of the caller's, overwritten. Every step is
    the same IEEE operation on each element as ``_weights``' (np.clip is np.maximum then np.minimum,
    np.take is indexing): only the passes over memory and the temporary arrays are fewer."""
    p = np.multiply(positions, THUMB_SIDE, out=positions if own else None)
    p -= 0.5
    np.clip(p, 0, THUMB_SIDE - 1, out=p)
    i0 = p.astype(np.intp)  # p >= 0: truncation is the floor
    f = np.subtract(p, i0, out=p)
    # each profile followed by its last value again: index + 1 is _weights' next index, even at the end
    padded = np.concatenate([profiles, profiles[:, -1:]], axis=1, dtype=np.float64).ravel()  # the weights are float64
    i0 += (np.arange(len(profiles)) * (THUMB_SIDE + 1)).reshape((-1,) + (1,) * (positions.ndim - 1))
    low = np.take(padded, i0, out=out, mode="clip")  # every index is in range: "clip" only skips a buffered copy
    high = np.take(padded[1:], i0, mode="clip")  # the next value
    low *= 1 - f
    f *= high
    low += f
    return low


def _shared(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Rows of ``keys`` (P, k) that repeat: (the first row of each distinct key, each row's key).
    The keys are sorted column by column (np.unique over rows sorts their bytes, several times
    slower); in which order the distinct keys come does not matter to the callers, which compute
    each distinct row's numbers on their own and gather them by ``inverse``."""
    order = np.lexsort(keys.T[::-1])  # stable: the first of equal keys is the first row to hold it
    ordered = keys[order]
    starts = np.ones(len(keys), bool)
    starts[1:] = (ordered[1:] != ordered[:-1]).any(axis=1)
    inverse = np.empty(len(keys), np.intp)
    inverse[order] = np.cumsum(starts) - 1
    return order[starts], inverse


def _frame_scores(profiles: np.ndarray, starts: np.ndarray, ends: np.ndarray, inverse, target: np.ndarray,
                  piece: int = 64) -> np.ndarray:
    """The correlation of each pair's target (P, n) with its query's profile sampled in each frame:
    ``profiles`` (D, 64), ``starts`` and ``ends`` (D, C) for D distinct rows, ``inverse`` each pair's
    row. Computed a piece of rows at a time (the same numbers: every step is per row), so that the
    (rows, C, n) arrays stay in the cache rather than in memory."""
    rows = np.arange(len(profiles)) if isinstance(inverse, slice) else inverse
    unit = np.empty(starts.shape + (len(_PROFILE_T),))
    positions = np.empty((min(piece, len(profiles)),) + unit.shape[1:])  # one scratch array for every piece
    for lo in range(0, len(profiles), piece):
        _unit(_sample_frames(profiles, starts, ends, lo, lo + piece, positions, unit), own=True)
    scores = np.empty((len(rows), starts.shape[1]))
    for lo in range(0, len(rows), piece):
        scores[lo:lo + piece] = np.einsum("pcn,pn->pc", unit[rows[lo:lo + piece]], target[lo:lo + piece])
    return scores


def _sample_frames(profiles: np.ndarray, starts: np.ndarray, ends: np.ndarray, lo: int, hi: int,
                   positions: np.ndarray, out: np.ndarray) -> np.ndarray:
    """Rows lo..hi of the profiles sampled in each of their frames, into ``out[lo:hi]`` (``positions``:
    a scratch array of at least hi - lo rows)."""
    s, e = starts[lo:hi], ends[lo:hi]
    at = positions[:len(s)]
    np.multiply(_PROFILE_T, (e - s)[..., None], out=at)  # s + T (e - s), as the frame's samples
    at += s[:, :, None]
    return _sample_profiles(profiles[lo:hi], at, out=out[lo:hi], own=True)


#: float64's unit roundoff (round to nearest): every operation's relative error is at most this.
_ROUNDOFF = 2.0 ** -53


def _best_frames(profiles: np.ndarray, starts: np.ndarray, ends: np.ndarray, inverse, target: np.ndarray,
                 piece: int = 64) -> np.ndarray:
    """``np.argmax(_frame_scores(...), axis=1)``, the same index for every pair, for less arithmetic.

    The profiles are sampled as ``_frame_scores`` samples them (the same values v), but the scores
    are worked out as (v . t - mean(v) sum(t)) / (|v - mean(v)| + 1e-9), with |v - mean(v)|^2 =
    v . v - sum(v) mean(v): two passes over the samples instead of the five of centring and scaling
    each. Both are roundings of the same real number; ``_score_error`` bounds how far apart they can
    be for each frame. Where a pair's best score beats its second by more than twice that bound,
    the exact scores have the same, unique, best frame; every other pair (exact or near ties, flat
    profiles) is scored by ``_frame_scores`` itself (none of the 245,376 searched for 640 of the
    look-alike bench's films against its 11,000: their best frames win by far more). The first pick
    runs as one compiled loop (``dedup.compiled``, numba) for frames within the padding, the
    samples never stored; in numpy (``_numpy_pick``) for other frames or where numba is missing."""
    rows = np.arange(len(profiles)) if isinstance(inverse, slice) else inverse
    if starts.shape[1] < 2:
        return np.zeros(len(rows), np.intp)
    padded = _within_padding(starts, ends)
    if padded and _compiled() is not None:
        best, margin, error = _compiled_pick(profiles, starts, ends, rows, target)
    else:
        best, margin, error = _numpy_pick(profiles, starts, ends, rows, target, piece, padded)
    unsure = np.flatnonzero(~(margin > 2 * error[rows]))
    if len(unsure):
        again, inverse_again = np.unique(rows[unsure], return_inverse=True)
        exact = _frame_scores(profiles[again], starts[again], ends[again], inverse_again, target[unsure], piece)
        best[unsure] = np.argmax(exact, axis=1)
    return best


def _numpy_pick(profiles: np.ndarray, starts: np.ndarray, ends: np.ndarray, rows: np.ndarray, target: np.ndarray,
                piece: int, padded: bool) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``_best_frames``' first pick in numpy: each pair's best frame by the shorter formula (P,), how
    far it beats the second (P,), and each row's bound on the scores' error (D,)."""
    values = np.empty(starts.shape + (len(_PROFILE_T),))
    positions = np.empty((min(piece, len(profiles)),) + values.shape[1:])
    for lo in range(0, len(profiles), piece):
        if padded:
            _padded_samples(profiles, starts, ends, lo, lo + piece, positions, values)
        else:
            _sample_frames(profiles, starts, ends, lo, lo + piece, positions, values)
    total = np.add.reduce(values, axis=-1)
    mean = total / len(_PROFILE_T)
    spread = np.einsum("dcn,dcn->dc", values, values)
    spread -= total * mean  # n times the variance
    norm = np.sqrt(np.maximum(spread, 0.0))
    largest = np.abs(profiles).max(axis=1)
    error = _score_error(largest, spread, _SEGMENT * min(piece, len(profiles)) if padded else 0).max(axis=1)
    norm += 1e-9
    sums = np.add.reduce(target, axis=1)
    scores = np.empty((len(rows), starts.shape[1]))
    for lo in range(0, len(rows), piece):
        r = rows[lo:lo + piece]
        scores[lo:lo + piece] = np.einsum("pcn,pn->pc", values[r], target[lo:lo + piece])
        scores[lo:lo + piece] -= mean[r] * sums[lo:lo + piece, None]
        scores[lo:lo + piece] /= norm[r]
    top = np.partition(scores, -2, axis=1)
    return np.argmax(scores, axis=1), top[:, -1] - top[:, -2], error


@functools.cache
def _compiled():
    """``dedup.compiled`` (numba's kernels), imported on first use; None where numba is not installed
    (a venv not set up since it was added to requirements.txt): then numpy picks the same frames."""
    try:
        from dedup import compiled
    except ModuleNotFoundError as missing:
        if missing.name != "numba":
            raise
        return None
    return compiled


def _compiled_pick(profiles: np.ndarray, starts: np.ndarray, ends: np.ndarray, rows: np.ndarray,
                   target: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``_numpy_pick``'s three arrays from ``dedup.compiled.frame_pick`` (frames ``_within_padding``
    only): the same samples and scores in one pass, each row's samples shared by its pairs. Its
    positions reach at most one padded profile (``_SEGMENT``), which its error bound takes."""
    padded = _padded_profiles(profiles)
    order = np.argsort(rows, kind="stable")
    bounds = np.searchsorted(rows[order], np.arange(len(profiles) + 1)).astype(np.intp)
    target = np.ascontiguousarray(target, np.float64)
    spread = np.empty(starts.shape)
    best, margin = np.empty(len(rows), np.intp), np.empty(len(rows))
    _compiled().frame_pick(padded, _PAD - 0.5, np.ascontiguousarray(starts, np.float64),
                           np.ascontiguousarray(ends, np.float64), _PROFILE_T, order.astype(np.intp), bounds,
                           target, np.add.reduce(target, axis=1), spread, best, margin)
    return best, margin, _score_error(np.abs(profiles).max(axis=1), spread, _SEGMENT).max(axis=1)


#: Each profile is padded with its end values, ``_PAD`` of them on either side, for ``_padded_samples``.
_PAD = 16
_SEGMENT = THUMB_SIDE + 2 * _PAD


def _padded_profiles(profiles: np.ndarray) -> np.ndarray:
    """Each profile with its end values repeated ``_PAD`` times on either side (float64, (N, ``_SEGMENT``)):
    a position beyond either end reads the end value, as the clipped positions of ``_sample_profiles`` do."""
    padded = np.empty((len(profiles), _SEGMENT), np.float64)
    padded[:, _PAD:_PAD + THUMB_SIDE] = profiles
    padded[:, :_PAD] = profiles[:, :1]
    padded[:, _PAD + THUMB_SIDE:] = profiles[:, -1:]
    return padded
#: Frames (normalized) whose every sample falls in the padding: 64 x 0.2 + 0.5 < 16.
_PADDED_SPAN = (-0.2, 1.2)


def _within_padding(starts: np.ndarray, ends: np.ndarray) -> bool:
    """Whether every frame lies within ``_PADDED_SPAN`` (a sample lies between its frame's start and
    end); False for NaN."""
    lo, hi = _PADDED_SPAN
    return bool(np.all((starts >= lo) & (starts <= hi) & (ends >= lo) & (ends <= hi)))


def _padded_samples(profiles: np.ndarray, starts: np.ndarray, ends: np.ndarray, lo: int, hi: int,
                    positions: np.ndarray, out: np.ndarray) -> np.ndarray:
    """``_sample_frames``' values up to rounding (``_score_error`` bounds the difference), in about
    half its passes over the samples: the positions as A + T B (A and B per frame, each row's place
    in a flat array of padded profiles added to A), and each value as low + f (high - low). The
    profiles are padded with their end values (``_PAD`` on each side), so that a position beyond
    either end reads the end value, as the clipped positions of ``_sample_profiles`` do, with no
    clipping pass. Only for frames ``_within_padding``."""
    s, e = starts[lo:hi], ends[lo:hi]
    flat = _padded_profiles(profiles[lo:hi]).ravel()
    rises = np.diff(flat, append=flat[-1:])  # high - low; a row's last one is never read (f = 0 there at most)
    at = positions[:len(s)]
    np.multiply((e - s)[..., None] * THUMB_SIDE, _PROFILE_T, out=at)
    at += (s * THUMB_SIDE + (_PAD - 0.5 + _SEGMENT * np.arange(len(s)))[:, None])[..., None]
    low = at.astype(np.intp)  # at > 0: truncation is the floor
    f = np.subtract(at, low, out=at)
    values = np.take(flat, low, out=out[lo:hi], mode="clip")  # every index is in range
    f *= np.take(rises, low, mode="clip")
    values += f
    return values


def _score_error(largest: np.ndarray, spread: np.ndarray, reach: float = 0) -> np.ndarray:
    """(D, C): a bound on |``_best_frames``' score - ``_frame_scores``' score| for every pair of a
    row and frame, from its row's largest |profile value| M (D,) (every sample is a convex
    combination of two of them) and the frame's computed n times variance (D, C).

    With u the roundoff, n = 48 samples v (|v| <= M), t the target (|t| <= 1.01, |t|_1 <= 1.01 sqrt(n)),
    D = |v - mean(v)| exactly and any order of additions (a sum of k terms errs by at most
    (k - 1) u times the sum of their magnitudes, plus O(u^2)):
    - ``_frame_scores`` centres with a mean off by (n + 2) u M at most, so its centred samples are
      off by e = (n + 2) u M each and its score, a dot product of unit length, by at most
      2.1 sqrt(n) e / D + 1.6 n u;
    - here the numerator v . t - mean(v) sum(t) is off by at most 2.1 n^1.5 u M and the computed
      spread S by at most V = 3.2 n^2 u M^2, so the norm by V / D; where S >= 2 V, D >= sqrt(S / 2)
      and the score is off by at most (2.1 n^1.5 u M + 1.01 V / D) / D + 3 u.
    The sum of both is doubled (the O(u^2) terms, with room to spare); where S < 2 V (a flat
    profile) there is no bound: infinity, and the exact scores decide.

    With ``reach`` X > 0 the samples are ``_padded_samples``' (positions up to X in its flat array),
    not ``_sample_frames``' (frames within ``_PADDED_SPAN``: |s|, |e|, |position| <= 1.2, |e - s| <= 1.4).
    Both interpolate the same profile, whose slope is at most 2 M a pixel, at positions they round:
    ``_sample_frames`` T (e - s) + s (4 u), times 64 (exact), less 0.5 (77 u): off by 340 u pixels
    at most, then q0 (1 - f) + q1 f (4 u M); here A = 64 s + offset (u X), B = 64 (e - s) (90 u),
    T B (90 u), A + T B (u X): 2 u X + 180 u pixels, the floor and f exact (Sterbenz), then
    q0 + f (q1 - q0) (7 u M). So the two differ by at most E = (4 X + 2048) u M a sample (with
    room), their centred samples' lengths by sqrt(n) E, and the exact scores of either by
    2.1 sqrt(n) E / D' (unit vectors move by at most twice the change over the length), D' = d -
    sqrt(n) E a lower bound of both lengths; this term is added, and the exact side's bound is taken
    at D' too. Where D' < d / 2 there is no bound either."""
    n = len(_PROFILE_T)
    m = largest[:, None]
    bound_v = 3.2 * n * n * _ROUNDOFF * m * m
    sure = spread >= 2 * bound_v
    d = np.sqrt(np.where(sure, spread, 1.0) / 2)  # a lower bound of the exact norm where sure
    apart = np.sqrt(n) * (4 * reach + 2048) * _ROUNDOFF * m if reach else np.zeros_like(m)  # sqrt(n) E
    sure &= d - apart >= d / 2
    both = d - apart  # a lower bound of the length of either samples' centred values
    exact_side = 2.1 * np.sqrt(n) * (n + 2) * _ROUNDOFF * m / both + 1.6 * n * _ROUNDOFF
    this_side = (2.1 * n ** 1.5 * _ROUNDOFF * m + 1.01 * bound_v / d) / d + 3 * _ROUNDOFF
    sampled = 2.1 * apart / both
    return np.where(sure, 2 * (exact_side + this_side + sampled), np.inf)


def _align_axis(indexed: np.ndarray, query: np.ndarray, hint: np.ndarray | None,
                entries: np.ndarray | None = None, queries: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Where each indexed image's inner region starts and ends in its query, along one axis:
    profiles (P, 64) in, (starts, ends) (P,) out. ``hint`` (P, 2): the frame to search around.
    ``entries`` and ``queries`` (P,) name the images of each pair: pairs that share an indexed image
    share its target, and pairs of one query searching the same frames share the sampled profiles
    (the same numbers, computed once: a query meets many look-alike films around the same hints)."""
    indexed, query = indexed.astype(np.float32), query.astype(np.float32)
    inner = INNER + _PROFILE_T * (1 - 2 * INNER)
    if entries is None:
        target = _unit(_sample_profiles(indexed, np.broadcast_to(inner, (len(indexed), len(inner)))))
    else:
        first, inverse = _shared(entries[:, None])
        target = _unit(_sample_profiles(indexed[first], np.broadcast_to(inner, (len(first), len(inner)))))[inverse]

    def best(starts: np.ndarray, ends: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        if queries is None:
            first, inverse = np.arange(len(starts)), slice(None)
        else:  # the candidate frames of a row follow from its first one
            first, inverse = _shared(np.stack([queries, starts[:, 0], ends[:, 0]], axis=1))
        k = _best_frames(query[first], starts[first], ends[first], inverse, target)
        rows = np.arange(len(starts))
        return starts[rows, k], ends[rows, k]

    if hint is None:
        first, *stages = _UNHINTED
        s0, e0 = np.zeros(len(indexed)), np.ones(len(indexed))
    else:
        first, *stages = _HINTED
        s0, e0 = hint[:, 0], hint[:, 1]
    ds, de = np.meshgrid(first, -first if hint is None else first, indexing="ij")
    s0, e0 = best(s0[:, None] + ds.ravel(), e0[:, None] + de.ravel())
    for offsets in stages:
        ds, de = np.meshgrid(offsets, offsets, indexing="ij")
        s0, e0 = best(s0[:, None] + ds.ravel(), e0[:, None] + de.ravel())
    return s0, e0


def _detail(imgs: np.ndarray) -> np.ndarray:
    """The finest detail of each resampled thumbnail (minus a 1-pixel Gaussian blur), flattened:
    anatomy is shared by every chest film, detail is not. Coarser detail (sigma 1.5, 2, 3) narrows
    the margin between copies and distinct films (bench/duplicate_threshold.py)."""
    return (imgs - ndimage.gaussian_filter(imgs, (0, 1.0, 1.0))).reshape(len(imgs), -1)


@dataclass(frozen=True)
class _Aligned:
    """``crop_alignments`` as arrays (P,): frames, picture correlations, detail correlations (NaN
    where not computed: a pair whose pictures correlate under ``SHAPE_MIN`` is not the same image
    whatever its detail)."""

    x0: np.ndarray
    x1: np.ndarray
    y0: np.ndarray
    y1: np.ndarray
    shapes: np.ndarray
    details: np.ndarray

    def match(self, k: int) -> CropMatch:
        return CropMatch(float(self.details[k]),
                         (float(self.x0[k]), float(self.x1[k]), float(self.y0[k]), float(self.y1[k])),
                         float(self.shapes[k]))


#: The inner region's 48 x 64 resampling (float32), every indexed image's: built once, not once per image.
_AROUND = _resampling(np.array([INNER]), np.array([1 - INNER]), _SAMPLES)[0]


def _mine(indexed: np.ndarray) -> np.ndarray:
    """(k, 64, 64) float32 thumbnails -> their inner regions resampled to 48 x 48 (what a query is
    compared with). One matrix broadcast over the thumbnails: the same products, image by image, as
    a stack of k copies of it (byte-identical on the bench's 11,000 films; a test holds it), without
    building k copies of it first (np.add.at, most of the cost for the indexed images' block bounds)."""
    return _AROUND @ indexed @ _AROUND.T


def _compared(a: np.ndarray, b: np.ndarray, frames: tuple[np.ndarray, ...], entries: np.ndarray | None,
              every_detail: bool) -> tuple[np.ndarray, np.ndarray]:
    """The picture and detail correlations of pairs (P, 64, 64) x (P, 64, 64) once the query is
    resampled into its frame (x0, x1, y0, y1); detail NaN where not computed (``_aligned``)."""
    x0, x1, y0, y1 = frames
    first, inverse = (np.arange(len(a)), slice(None)) if entries is None else _shared(entries[:, None])
    mine = _mine(a[first])[inverse]
    theirs = _resampling(y0, y1, _SAMPLES) @ b @ _resampling(x0, x1, _SAMPLES).transpose(0, 2, 1)
    shapes = np.einsum("pn,pn->p", _unit(mine.reshape(len(a), -1)), _unit(theirs.reshape(len(a), -1)))
    judged = slice(None) if every_detail else shapes >= SHAPE_MIN
    details = np.full(len(a), np.nan, np.float32)
    if len(mine[judged]):
        details[judged] = np.einsum("pn,pn->p", _unit(_detail(mine[judged])), _unit(_detail(theirs[judged])))
    return shapes, details


def _aligned(indexed: np.ndarray, queries: np.ndarray, hints: np.ndarray | None = None,
             entries: np.ndarray | None = None, query_ids: np.ndarray | None = None,
             every_detail: bool = True, blocks: _EntryBlocks | None = None,
             profiles: tuple[np.ndarray, ...] | None = None) -> _Aligned:
    """The computation of ``crop_alignments``; ``entries`` and ``query_ids`` (P,) name the images
    of each pair, to compute what depends on one image only once (``profiles``: the pairs' column
    and row profiles of both images, ``_profiles``' numbers, when the caller has them); without ``every_detail`` the
    detail is computed only for the pairs whose pictures correlate enough, and with ``blocks`` (the
    indexed images' block means, ``entries`` given) the pictures are compared only where
    ``_may_correlate`` says they could correlate enough (elsewhere shape and detail are NaN)."""
    a_columns, a_rows = _profiles(indexed, entries) if profiles is None else profiles[:2]
    b_columns, b_rows = _profiles(queries, query_ids) if profiles is None else profiles[2:]
    x0, x1 = _align_axis(a_columns, b_columns, None if hints is None else hints[:, :2], entries, query_ids)
    y0, y1 = _align_axis(a_rows, b_rows, None if hints is None else hints[:, 2:], entries, query_ids)
    if every_detail or blocks is None or entries is None:
        shapes, details = _compared(indexed.astype(np.float32), queries.astype(np.float32), (x0, x1, y0, y1),
                                    entries, every_detail)
        return _Aligned(x0, x1, y0, y1, shapes, details)
    shapes = np.full(len(indexed), np.nan, np.float32)
    details = np.full(len(indexed), np.nan, np.float32)
    k = np.flatnonzero(_may_correlate(blocks.of(indexed, entries), queries, (x0, x1, y0, y1), query_ids))
    if len(k):  # float32 copies of the few pairs compared in full only
        shapes[k], details[k] = _compared(indexed[k].astype(np.float32), queries[k].astype(np.float32),
                                          (x0[k], x1[k], y0[k], y1[k]), entries[k], False)
    return _Aligned(x0, x1, y0, y1, shapes, details)


def _profiles(thumbs: np.ndarray, ids: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
    """The column and row profiles (P, 64) of thumbnails (P, 64, 64): their float32 means over rows
    and over columns, as ``thumbs.astype(np.float32).mean(axis=...)`` gives them. For 8-bit
    thumbnails named by ``ids`` (P,) each image's are computed once, from its 8-bit values: a sum of
    64 of them stays under 2**24, so float32 adds them exactly in any order and the division by 64 is
    exact too (the same numbers, without a float copy of every pair's two thumbnails)."""
    if ids is None or thumbs.dtype != np.uint8:
        floats = thumbs.astype(np.float32)
        return floats.mean(axis=1), floats.mean(axis=2)
    first, inverse = _shared(ids[:, None])
    distinct = thumbs[first]
    return distinct.mean(axis=1, dtype=np.float32)[inverse], distinct.mean(axis=2, dtype=np.float32)[inverse]


class _Kept:
    """Arrays of numbers kept per image, zeros until computed, and which are known. With
    ``shared`` they live in memory the forked crop workers share (anonymous shared pages, made
    before the fork): an image's numbers computed by one worker are read by the other instead of
    computed again (each met most of the 11,000 films of the look-alike bench). The numbers of an
    image do not depend on which process computes them nor with which others (one BLAS thread in
    each worker; per-image products), so two workers computing one image at once write the same
    bytes; the flags are read and set under a lock, after the numbers are written, so that a
    worker reading a flag set by the other reads its numbers too."""

    def __init__(self, size: int, shapes: dict[str, tuple[tuple[int, ...], type]], shared: bool):
        self.lock = multiprocessing.get_context("fork").Lock() if shared else contextlib.nullcontext()
        for name, (shape, dtype) in shapes.items():
            setattr(self, name, _zeros((size, *shape), dtype, shared))
        self.known = _zeros((size,), bool, shared)

    def missing(self, ids: np.ndarray) -> np.ndarray:
        """Which of ``ids`` (P,) are not known yet (bool, (P,))."""
        with self.lock:
            return ~self.known[ids]

    def learnt(self, ids: np.ndarray) -> None:
        """``ids``' numbers are written."""
        with self.lock:
            self.known[ids] = True


def _zeros(shape: tuple[int, ...], dtype, shared: bool) -> np.ndarray:
    """np.zeros, or in anonymous shared memory (pages touched only where written, as np.zeros')."""
    if not shared:
        return np.zeros(shape, dtype)
    size = int(np.prod(shape)) * np.dtype(dtype).itemsize
    return np.frombuffer(mmap.mmap(-1, max(size, 1)), dtype, count=int(np.prod(shape))).reshape(shape)


class _ImageProfiles(_Kept):
    """``_profiles`` of 8-bit thumbnails, each image's computed once (per process, or once for the
    forked workers with ``shared``: ``_Kept``), the first time a pair needs it (a look-alike film
    meets hundreds of others, in as many verification batches). The numbers are ``_profiles``'
    own: exact sums of 8-bit values, whatever images they come with."""

    def __init__(self, size: int, shared: bool = False):
        super().__init__(size, {"columns": ((THUMB_SIDE,), np.float32), "rows": ((THUMB_SIDE,), np.float32)}, shared)

    def of(self, thumbs: np.ndarray, ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The column and row profiles of images ``thumbs[ids]`` ((P,) ids in, (P, 64) twice out)."""
        new = np.unique(ids[self.missing(ids)])
        if len(new):
            self.columns[new], self.rows[new] = _profiles(thumbs[new], new)
            self.learnt(new)
        return self.columns[ids], self.rows[ids]


# --- A necessary condition for the pictures to correlate (before they are resampled in full) -------

_BLOCKS = 12  # the 48 x 48 pictures compared, averaged over 4 x 4 blocks: a 12 x 12 projection
#: What the bound is lowered by before it turns a pair away: float32 rounding moves the computed
#: correlation by under 1e-4 and the bound by as little (``_may_correlate``).
_BOUND_SLACK = 0.002


def _block_resampling(starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """(P, 12, 64): ``_resampling(starts, ends, 48)`` (float64 weights) with each 4 consecutive rows
    averaged, so that L_y @ thumb @ L_x.T is the 12 x 12 block means of the resampled picture."""
    i0, i1, f = _weights(starts[:, None] + (np.arange(_SAMPLES) + 0.5) / _SAMPLES * (ends - starts)[:, None])
    side = _SAMPLES // _BLOCKS
    rows = (np.arange(len(starts))[:, None] * _BLOCKS + np.arange(_SAMPLES) // side) * THUMB_SIDE
    size = len(starts) * _BLOCKS * THUMB_SIDE
    out = (np.bincount((rows + i0).ravel(), ((1 - f) / side).ravel(), size)
           + np.bincount((rows + i1).ravel(), (f / side).ravel(), size))
    return out.reshape(len(starts), _BLOCKS, THUMB_SIDE)


def _block_weights(starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """``_block_resampling`` as float32 (what the bound multiplies by), from numba's loop
    (``dedup.compiled.block_resampling``: the same additions in the same order, no float64 arrays
    of every weight) for finite frames, else from numpy's."""
    kernels = _compiled()
    if kernels is None or not (np.isfinite(starts).all() and np.isfinite(ends).all()):
        return _block_resampling(starts, ends).astype(np.float32)
    out = np.empty((len(starts), _BLOCKS, THUMB_SIDE), np.float32)
    kernels.block_resampling(np.ascontiguousarray(starts, np.float64), np.ascontiguousarray(ends, np.float64),
                             _SAMPLE_T, out)
    return out


#: Where the 48 samples of a resampled axis fall, as fractions of its frame (``_block_resampling``'s).
_SAMPLE_T = (np.arange(_SAMPLES) + 0.5) / _SAMPLES


def _block_vectors(pictures: np.ndarray) -> np.ndarray:
    """(P, 48, 48) -> (P, 144) float64: P(x - mean) / |x - mean|, scaled so that its length is that
    of the projection of the unit picture: |m|^2 = the share of the picture's variance in its block means."""
    x = pictures.astype(np.float64)
    x -= x.mean(axis=(1, 2), keepdims=True)
    norm = np.sqrt((x * x).sum(axis=(1, 2)))
    side = _SAMPLES // _BLOCKS
    means = x.reshape(len(x), _BLOCKS, side, _BLOCKS, side).mean(axis=(2, 4)).reshape(len(x), -1)
    return np.where(norm[:, None] > 0, means * side / np.maximum(norm, 1e-300)[:, None], 0.0)


class _EntryBlocks(_Kept):
    """``_block_vectors`` of each indexed image's inner picture (``_mine``), computed once (per
    process, or once for the forked workers with ``shared``: ``_Kept``), the first time a pair
    needs it (float32: rounding well within ``_BOUND_SLACK``)."""

    def __init__(self, size: int, shared: bool = False):
        super().__init__(size, {"vectors": ((_BLOCKS * _BLOCKS,), np.float32)}, shared)

    def of(self, indexed: np.ndarray, entries: np.ndarray) -> np.ndarray:
        """The vectors of ``entries`` (P,), whose thumbnails are ``indexed`` (P, 64, 64)."""
        missing = self.missing(entries)
        new, at = np.unique(entries[missing], return_index=True)
        if len(new):
            rows = np.flatnonzero(missing)[at]
            self.vectors[new] = _block_vectors(_mine(indexed[rows].astype(np.float32)))
            self.learnt(new)
        return self.vectors[entries].astype(np.float64)


def _shape_bounds(mine: np.ndarray, b: np.ndarray, frames: tuple[np.ndarray, ...],
                  query_ids: np.ndarray | None = None) -> np.ndarray:
    """An upper bound of the correlation of each pair's aligned pictures (``_compared``'s shape),
    from block means alone. ``mine`` (P, 144): the indexed pictures' ``_block_vectors``; ``b`` (P,
    64, 64) the queries, ``frames`` where they are resampled.

    For centred pictures x, y of unit length and P the orthogonal projection onto block-constant
    pictures (block means: P x is known, |P x| = a), write y = P y + Q y. Then
    x . y = P x . P y + Q x . Q y <= a c cos t + sqrt(1 - a^2) sqrt(1 - c^2), t the angle between P x
    and P y (which P y's direction alone gives) and c = |P y| unknown in [0, 1]; the largest value
    over c is sqrt(1 - a^2 sin^2 t) (sqrt(1 - a^2) when cos t <= 0). The query's block means need
    12 x 64 x 64 products, not the 48 x 48 picture: look-alike films differing in their details
    share all but a few per cent of their variance with their block means, and fail there.
    ``query_ids`` (P,) name the queries: the pairs of one query then share one product of its
    thumbnail with all their row weights stacked (``_query_block_means``)."""
    x0, x1, y0, y1 = frames
    rows = _block_weights(y0, y1)
    columns = _block_weights(x0, x1).transpose(0, 2, 1)
    if query_ids is None:
        theirs = (rows @ b.astype(np.float32) @ columns).astype(np.float64)
    else:
        theirs = _query_block_means(rows, b, columns, query_ids).astype(np.float64)
    theirs = theirs.reshape(len(b), -1)
    theirs -= theirs.mean(axis=1, keepdims=True)
    length = np.sqrt((theirs * theirs).sum(axis=1))
    direction = theirs / np.maximum(length, 1e-300)[:, None]
    along = np.where(length > 0, np.maximum((mine * direction).sum(axis=1), 0.0), 0.0)
    return np.sqrt(np.maximum(1 - (mine * mine).sum(axis=1) + along * along, 0.0))


@_on_one_blas_thread
def _query_block_means(rows: np.ndarray, b: np.ndarray, columns: np.ndarray, query_ids: np.ndarray) -> np.ndarray:
    """``rows @ b @ columns`` ((P, 12, 64), (P, 64, 64), (P, 64, 12) -> (P, 12, 12) float32) with
    the pairs of each query in one (12 k, 64) x (64, 64) product: a query meets dozens of look-alike
    films per batch, and one BLAS call on their stacked rows costs a fraction of k small ones. The
    sums are added in another order than pair by pair: float32 rounding, some 1e-6 of the bound,
    which ``_BOUND_SLACK`` (2e-3) covers as it covers the rounding of the pair-by-pair products.
    On one BLAS thread (``_on_one_blas_thread``): products this size would wake a second one, which
    spins on a busy machine (the inline path, the review page's, runs on the caller's threads)."""
    first, inverse = _shared(query_ids[:, None])
    order = np.argsort(inverse, kind="stable")
    bounds = np.searchsorted(inverse[order], np.arange(len(first) + 1))
    theirs = np.empty((len(b), _BLOCKS, THUMB_SIDE), np.float32)
    for d, at in enumerate(first):
        pairs = order[bounds[d]:bounds[d + 1]]
        stacked = rows[pairs].reshape(-1, THUMB_SIDE) @ b[at].astype(np.float32)
        theirs[pairs] = stacked.reshape(len(pairs), _BLOCKS, THUMB_SIDE)
    return theirs @ columns


def _may_correlate(mine: np.ndarray, b: np.ndarray, frames: tuple[np.ndarray, ...],
                   query_ids: np.ndarray | None = None) -> np.ndarray:
    """Whether the aligned pictures of each pair may correlate at ``SHAPE_MIN``: False only where
    ``_shape_bounds`` proves they cannot (with ``_BOUND_SLACK`` for rounding)."""
    return _shape_bounds(mine, b, frames, query_ids) >= SHAPE_MIN - _BOUND_SLACK


def crop_alignments(indexed: np.ndarray, queries: np.ndarray, hints: np.ndarray | None = None) -> list[CropMatch]:
    """For each pair (P, 64, 64) x (P, 64, 64): the frame of the indexed image's inner region
    within the query (found per axis by profile alignment, around ``hints`` (P, 4) when given) and,
    once the query is resampled into it, the correlation of both pictures and of their detail."""
    aligned = _aligned(indexed, queries, hints)
    return [aligned.match(k) for k in range(len(indexed))]


def crop_alignment(indexed: np.ndarray, query: np.ndarray) -> CropMatch:
    """``crop_alignments`` for one pair, searching every frame."""
    return crop_alignments(indexed[None], query[None])[0]


def verify_crop(indexed: np.ndarray, query: np.ndarray) -> CropMatch | None:
    """Whether ``query`` shows the same image as ``indexed`` in a frame up to ~10 % different."""
    match = crop_alignment(indexed, query)
    return match if match.same else None


# --- Candidates -----------------------------------------------------------------------------------


def detail_shares(thumbs: np.ndarray) -> np.ndarray:
    """(n, 64, 64) thumbnails -> the share of each one's variance in its fine detail (``_detail``)."""
    out = np.empty(len(thumbs))
    for start in range(0, len(thumbs), 1024):
        block = thumbs[start:start + 1024].astype(np.float32)
        detail = _detail(block)
        spread = block.reshape(len(block), -1)
        spread = spread - spread.mean(axis=1, keepdims=True)
        out[start:start + 1024] = (detail ** 2).sum(axis=1) / np.maximum((spread ** 2).sum(axis=1), 1e-9)
    return out


class CropIndex:
    """Inner-region signatures of the indexed thumbnails, filed for lookups by region hashes.
    Thumbnails with too little detail (``DETAIL_SHARE_MIN``) are kept but never found."""

    def __init__(self, thumbs: np.ndarray):
        self.thumbs = thumbs
        self.hashes, self.coefficients = inner_signatures(thumbs) if len(thumbs) else (
            np.zeros(0, np.uint64), np.zeros((0, 63), np.float32))
        self.judged = detail_shares(thumbs) >= DETAIL_SHARE_MIN
        self._bands = _HashBands(self.hashes, np.flatnonzero(self.judged))

    def __len__(self) -> int:
        return len(self.thumbs)

    def candidates(self, region_hashes: np.ndarray, region_coefficients: np.ndarray) -> np.ndarray:
        """(query row, indexed entry, region) of the pairs whose signatures pass both candidate
        tests, one per pair: the region whose coefficients correlate best. Shape (m, 3)."""
        n = len(region_hashes)
        if not len(self) or not n:
            return np.zeros((0, 3), np.intp)
        per_row = region_hashes.shape[1]
        # neighbouring regions often hash alike: each distinct (row, hash) is tested once, with the
        # coefficients of the region np.argsort puts first (the rule as calibrated: keep this choice)
        order = np.argsort(region_hashes, axis=1)
        ordered = np.take_along_axis(region_hashes, order, axis=1)
        distinct = np.ones(ordered.shape, bool)
        distinct[:, 1:] = ordered[:, 1:] != ordered[:, :-1]
        first = (order + (np.arange(n) * per_row)[:, None])[distinct]
        flat = region_hashes.reshape(-1)[first]
        # and rows of look-alike films share many hashes: each distinct hash is looked up once
        unique, owner = np.unique(flat, return_inverse=True)
        found_hash, entry = self._bands.within(unique, CANDIDATE_BITS)
        rep = np.argsort(owner, kind="stable")  # the (row, hash) representatives of each unique hash
        rep_starts = np.searchsorted(owner[rep], np.arange(len(unique) + 1))
        counts = rep_starts[found_hash + 1] - rep_starts[found_hash]
        position = rep[np.repeat(rep_starts[found_hash] - np.cumsum(counts) + counts, counts)
                       + np.arange(counts.sum())]
        entry = np.repeat(entry, counts)
        if not len(entry):
            return np.zeros((0, 3), np.intp)
        query = first[position]
        score = _dots(region_coefficients.reshape(-1, 63), query, self.coefficients, entry)
        keep = score >= COEFFICIENT_MIN
        query, entry, score, position = query[keep], entry[keep], score[keep], position[keep]
        row, region = np.divmod(query, per_row)
        # best region first within each (row, entry); equal scores as the four 16-bit bands used to
        # list them: by the first band within one bit, then by the representative's position
        band = _first_close_band(flat[position], self.hashes[entry])
        order = np.lexsort((position, band, -score, entry, row))
        row, entry, region = row[order], entry[order], region[order]
        first = np.ones(len(row), bool)
        first[1:] = (row[1:] != row[:-1]) | (entry[1:] != entry[:-1])
        return np.stack([row[first], entry[first], region[first]], axis=1)


def _dots(a: np.ndarray, rows_a: np.ndarray, b: np.ndarray, rows_b: np.ndarray, piece: int = 4096) -> np.ndarray:
    """The dot products of rows ``a[rows_a]`` and ``b[rows_b]``, the same numbers as an einsum of the
    two gathered arrays, gathered a piece at a time into the same buffers (held in the cache, not
    hundreds of megabytes written and read again)."""
    out = np.empty(len(rows_a), np.result_type(a, b))
    left = np.empty((min(piece, len(rows_a)), a.shape[1]), a.dtype)
    right = np.empty((len(left), b.shape[1]), b.dtype)
    for lo in range(0, len(rows_a), piece):
        n = len(rows_a[lo:lo + piece])
        np.take(a, rows_a[lo:lo + piece], axis=0, out=left[:n])
        np.take(b, rows_b[lo:lo + piece], axis=0, out=right[:n])
        out[lo:lo + n] = np.einsum("tc,tc->t", left[:n], right[:n])
    return out


def _first_close_band(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """For hashes within ``CANDIDATE_BITS``: the first of four 16-bit bands where they differ by at
    most one bit (the order in which the first version of ``candidates`` listed a pair)."""
    xor = a ^ b
    band = np.full(len(a), 4, np.intp)
    for k in range(3, -1, -1):
        close = np.bitwise_count((xor >> np.uint64(16 * k)) & np.uint64(0xFFFF)) <= 1
        band[close] = k
    return band


@dataclass(frozen=True)
class _Layout:
    """Hash bands and their buckets: band k's bucket of key v holds ``orders[k][starts[k][v]:starts[k][v + 1]]``."""

    bands: list[np.ndarray]  # the bit positions of each band
    masks: list[np.uint64]  # the same as bit masks
    probes: np.ndarray  # XOR masks probed around a key (0 alone: exact lookups)
    starts: list[np.ndarray]
    orders: np.ndarray  # (bands, entries): every band orders every judged entry
    filed: np.ndarray  # the hashes of ``orders``' entries, in their order (read in runs, not gathered)

    @functools.cached_property
    def flat(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """The bands and buckets as ``dedup.compiled.bucket_runs`` reads them: the bit positions
        (bands, longest band; each band's first ``sizes``), the sizes, every band's starts one
        after the other and where each band's begin."""
        sizes = np.array([len(band) for band in self.bands], np.int64)
        bits = np.zeros((len(self.bands), int(sizes.max())), np.int64)
        for k, band in enumerate(self.bands):
            bits[k, :len(band)] = band
        start_at = np.concatenate([[0], np.cumsum([len(starts) for starts in self.starts])[:-1]]).astype(np.int64)
        return bits, sizes, np.concatenate(self.starts).astype(np.int64), start_at


class _HashBands:
    """Multi-index hashing for the Hamming radius ``CANDIDATE_BITS``, in two layouts; each lookup
    takes the one whose buckets hold fewer entries for the hashes looked up:

    - 4 bands of 16 bits, each probed with its key and the 16 keys one bit away (two hashes within
      6 bits differ by at most one bit in one band): buckets stay nearly empty on unlike images
      (about 0.3 entries per 20,000). For each hash, one band, the one whose one-bit probes meet
      the most entries, is probed with its key alone: two hashes within 6 bits that agree on no
      band differ by one bit in at least two of them (one band at 1 and three at 2 or more is
      7 bits), so one of the other three finds them (look-alike films: half the entries met);
    - 7 bands, one exact lookup each (two hashes within 6 bits agree on a whole band).
    In both the bits are dealt into the bands by their entropy among the indexed hashes. Chest films
    share most of their hash (some bits are set in nearly every film), which crowds the buckets of
    bands of contiguous bits (the first layout had those: dealt bands meet a fifth fewer entries on
    10,000 look-alike films, and their lookups take 20% less time).
    Either way every pair within the radius is found, and the radius decides."""

    def __init__(self, hashes: np.ndarray, judged: np.ndarray):
        assert CANDIDATE_BITS < 4 * 2  # the first layout: some band of the 4 within one bit
        self.hashes = hashes
        bits = self._bits(hashes[judged])
        self.layouts = [self._layout(bits, judged, self._dealt(bits, 4), 16),
                        self._layout(bits, judged, self._dealt(bits, CANDIDATE_BITS + 1), 0)]

    def _layout(self, bits: np.ndarray, judged: np.ndarray, bands: list[np.ndarray], flips: int) -> _Layout:
        starts, orders = [], []
        for band in bands:
            keys = self._keys(bits, band)
            orders.append(judged[np.argsort(keys, kind="stable")])
            starts.append(np.searchsorted(np.sort(keys), np.arange((1 << len(band)) + 1)))
        masks = [np.bitwise_or.reduce(np.uint64(1) << band.astype(np.uint64)) for band in bands]
        return _Layout(bands, masks, np.array([0] + [1 << b for b in range(flips)], dtype=np.int64), starts,
                       np.stack(orders), np.stack([self.hashes[order] for order in orders]))

    @staticmethod
    def _dealt(bits: np.ndarray, n_bands: int) -> list[np.ndarray]:
        """The 64 bit positions dealt into ``n_bands`` bands, most informative first, back and forth."""
        p = bits.mean(axis=0) if len(bits) else np.full(64, 0.5)
        entropy = -(p * np.log2(np.maximum(p, 1e-12)) + (1 - p) * np.log2(np.maximum(1 - p, 1e-12)))
        bands: list[list[int]] = [[] for _ in range(n_bands)]
        for k, bit in enumerate(np.argsort(-entropy, kind="stable")):
            lap, at = divmod(k, n_bands)
            bands[at if lap % 2 == 0 else n_bands - 1 - at].append(int(bit))
        return [np.array(b) for b in bands]

    @staticmethod
    def _bits(hashes: np.ndarray) -> np.ndarray:
        return ((hashes[:, None] >> np.arange(64, dtype=np.uint64)) & np.uint64(1)).astype(np.uint8)

    @staticmethod
    def _keys(bits: np.ndarray, band: np.ndarray) -> np.ndarray:
        return bits[:, band].astype(np.int64) @ (np.int64(1) << np.arange(len(band), dtype=np.int64))

    def within(self, hashes: np.ndarray, radius: int,
               skipped: int | np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """(hash position, entry) of every indexed entry within ``radius`` bits of each of ``hashes``,
        each pair once (found through the first band that finds it), in no particular order.
        ``skipped``: the band of the first layout probed with its key alone, for every hash or per
        hash (``_runs``; tests)."""
        probed = []
        bits = None if _compiled() is not None else self._bits(hashes)
        for layout in self.layouts:
            if bits is None:  # the same integers from one compiled loop, stacked
                firsts, counts, reach, met = self._compiled_runs(layout, hashes, radius, skipped)
            else:
                runs, reach = self._runs(layout, bits, radius, skipped)
                firsts, counts = (np.stack(side) for side in zip(*runs))
                reach = np.stack(reach)
                met = counts.reshape(len(runs), len(hashes), -1).sum(axis=(0, 2))
            probed.append((int(met.sum()), met, firsts, counts, reach, layout))
        _, met, firsts, counts, reach, layout = min(probed, key=lambda t: t[0])
        # look-alike films crowd the buckets: hashes are looked up a few at a time, so that the
        # entries met at once stay under _MET_AT_ONCE (memory bounded however alike the films)
        group = (np.cumsum(met) - met) // _MET_AT_ONCE
        cuts = np.concatenate([[0], np.flatnonzero(np.diff(group)) + 1, [len(met)]])
        if _compiled() is not None:  # the same tests in the same order, without the arrays of every entry met
            return _compiled().hash_lookups(
                np.ascontiguousarray(hashes, np.uint64), len(layout.probes), cuts.astype(np.int64),
                firsts, counts, layout.filed, layout.orders, np.array(layout.masks, np.uint64), reach, radius)
        return self._lookups(hashes, radius, layout, list(zip(firsts, counts)), list(reach), cuts)

    @staticmethod
    def _compiled_runs(layout: _Layout, hashes: np.ndarray, radius: int, skipped: int | np.ndarray | None
                       ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """``_runs`` from ``dedup.compiled.bucket_runs`` (the same integers, stacked: firsts and
        counts (bands, hashes x probes), reach (bands, hashes)), and the entries each hash meets."""
        per_hash, bands = len(layout.probes), len(layout.bands)
        flips = 1 if per_hash > 1 else 0
        if not (flips and radius <= 2 * (bands - 1)):
            chosen = np.full(len(hashes), -2, np.int64)  # no band probed by its key alone
        elif skipped is None:
            chosen = np.full(len(hashes), -1, np.int64)  # each hash's most crowded band
        else:
            chosen = np.array(np.broadcast_to(skipped, len(hashes)), np.int64)
        firsts = np.empty((bands, len(hashes) * per_hash), np.int64)
        counts = np.empty_like(firsts)
        reach = np.empty((bands, len(hashes)), np.int64)
        met = np.empty(len(hashes), np.int64)
        _compiled().bucket_runs(np.ascontiguousarray(hashes, np.uint64), *layout.flat, layout.probes, flips, chosen,
                                firsts, counts, reach, met)
        return firsts, counts, reach, met

    @staticmethod
    def _lookups(hashes: np.ndarray, radius: int, layout: _Layout, runs: list[tuple[np.ndarray, np.ndarray]],
                 reach: list[np.ndarray], cuts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """``within``'s lookups in numpy, group of hashes (``cuts``) by group and band by band: every
        entry met in the runs tested at once (the memory of ``_MET_AT_ONCE`` entries)."""
        positions, entries = [], []
        per_hash = len(layout.probes)
        for lo_hash, hi_hash in zip(cuts[:-1], cuts[1:]):
            probed_hashes = np.repeat(hashes[lo_hash:hi_hash], per_hash)
            for k, ((band_lo, band_counts), order, filed) in enumerate(zip(runs, layout.orders, layout.filed)):
                lo = band_lo[lo_hash * per_hash:hi_hash * per_hash]
                counts = band_counts[lo_hash * per_hash:hi_hash * per_hash]
                ends = np.cumsum(counts)
                at = np.repeat(lo - ends + counts, counts)  # each entry met: its place in the band's order
                at += _ascending(len(at))
                xor = np.repeat(probed_hashes, counts)
                xor ^= filed[at]
                met = np.flatnonzero(np.bitwise_count(xor) <= radius)
                xor = xor[met]
                position = lo_hash + np.searchsorted(ends, met, side="right") // per_hash
                first = np.ones(len(xor), bool)  # the bands before this one did not find the pair
                for mask, bits_reached in zip(layout.masks[:k], reach):
                    first &= np.bitwise_count(xor & mask) > bits_reached[position]
                positions.append(position[first])
                entries.append(order[at[met[first]]])
        if not positions:
            return np.zeros(0, np.int64), np.zeros(0, np.int64)
        return np.concatenate(positions), np.concatenate(entries)

    def _runs(self, layout: _Layout, bits: np.ndarray, radius: int,
              skipped: int | np.ndarray | None = None) -> tuple[list[tuple[np.ndarray, np.ndarray]], list[np.ndarray]]:
        """Each probe's run of its band's order, (first place, length) per hash and probe, and how
        many bits from its key each band finds the entries of each hash (``reach``, (hashes,) per
        band). With one-bit probes and ``radius`` at most 2 (bands - 1), one band per hash (``skipped``
        for all, else the band whose one-bit probes meet the most entries for that hash) is probed
        with its key alone: that hash's runs of its other probes are empty."""
        runs = []
        for band, starts in zip(layout.bands, layout.starts):
            keys = (self._keys(bits, band)[:, None] ^ layout.probes).reshape(-1)
            lo = starts[keys]
            runs.append((lo, starts[keys + 1] - lo))
        flips = 1 if len(layout.probes) > 1 else 0  # a band finds the entries within this many bits of its key
        reach = [np.full(len(bits), flips, np.int64) for _ in runs]
        if flips and radius <= 2 * (len(runs) - 1):  # no band at 0 and one band at 1: 1 + 2 (bands - 1) bits
            per_hash = len(layout.probes)
            if skipped is None:
                skipped = np.argmax([counts.reshape(-1, per_hash)[:, 1:].sum(axis=1) for _, counts in runs], axis=0)
            else:
                skipped = np.broadcast_to(skipped, len(bits))
            for band, ((_, counts), bits_reached) in enumerate(zip(runs, reach)):
                mine = skipped == band
                counts.reshape(-1, per_hash)[mine, 1:] = 0
                bits_reached[mine] = 0
        return runs, reach


#: 0, 1, 2, ... as long as the most entries met at once so far in this process (never written: a
#: longer one replaces it, so threads never see it change under them).
_ASCENDING = [np.arange(0)]


def _ascending(n: int) -> np.ndarray:
    """``np.arange(n)`` without writing it again for every band and group of lookups."""
    ascending = _ASCENDING[0]
    if len(ascending) < n:
        ascending = _ASCENDING[0] = np.arange(n)
    return ascending[:n]


def _frame_of_region(region: np.ndarray) -> np.ndarray:
    """(m,) region indexes -> (m, 4) frames (x0, x1, y0, y1): where the indexed image's inner
    region lies in the query when that region of the query matched it."""
    trims = np.array(_PAIRS)
    vertical, horizontal = np.divmod(region, len(_PAIRS))
    return np.stack([trims[horizontal, 0], 1 - trims[horizontal, 1], trims[vertical, 0], 1 - trims[vertical, 1]],
                    axis=1)


#: Most indexed entries met by the hash lookups at once (each costs a few arrays of 8 bytes).
_MET_AT_ONCE = 1 << 21
#: Pairs verified at a time: pairs of one query share their sampled profiles within a batch.
_BATCH = 1024
#: Queries per chunk of candidates (their region signatures and bucket lookups held at once).
_CHUNK = 64
#: Chunks of queries from which the work is shared with a second process (fork): fewer stay inline.
_PARALLEL_CHUNKS = 4


@dataclass(frozen=True)
class _Work:
    index: CropIndex
    queries: np.ndarray
    own: np.ndarray  # each query's own entry, or -1
    blocks: _EntryBlocks  # filled as pairs need them (shared by forked workers)
    profiles: tuple[_ImageProfiles, _ImageProfiles]  # of the indexed images and of the queries, likewise


# What forked workers read: set while the pool forks (under the lock), so they inherit it, no copy.
_forked: dict[str, _Work] = {}
_fork_lock = threading.Lock()


def _chunk_candidates(work: _Work, rows: np.ndarray) -> np.ndarray:
    """(query, entry, region) of the candidates of queries ``rows``, a query's own entry left out."""
    index, queries, own = work.index, work.queries, work.own
    found = index.candidates(*region_signatures(queries[rows]))
    found[:, 0] = rows[found[:, 0]]
    return found[found[:, 1] != own[found[:, 0]]]


def _verify(work: _Work, pairs: np.ndarray, verdicts: bool) -> list[tuple[int, int, CropMatch]]:
    """The (query, entry, match) of ``pairs`` verified the same image (with ``verdicts``, all)."""
    index, queries = work.index, work.queries
    if queries.dtype == np.uint8 and index.thumbs.dtype == np.uint8:
        profiles = work.profiles[0].of(index.thumbs, pairs[:, 1]) + work.profiles[1].of(queries, pairs[:, 0])
    else:
        profiles = None
    aligned = _aligned(index.thumbs[pairs[:, 1]], queries[pairs[:, 0]], _frame_of_region(pairs[:, 2]),
                       entries=pairs[:, 1], query_ids=pairs[:, 0], every_detail=verdicts, blocks=work.blocks,
                       profiles=profiles)
    keep = (np.arange(len(pairs)) if verdicts
            else np.flatnonzero((aligned.shapes >= SHAPE_MIN) & (aligned.details >= DETAIL_MIN)))
    return [(int(pairs[k, 0]), int(pairs[k, 1]), aligned.match(k)) for k in keep]


class _Once:
    """Drops the pairs of two queries already verified the other way round: the first query in
    order verifies the pair, with the region it matched. Chunks come in query order, so a pair
    (q, o) with o < q was verified iff o's chunk found it: what each chunk finds is filed under the
    chunk of the other query, and read when that chunk comes (arrays, not a set of every pair)."""

    def __init__(self, own: np.ndarray, size: int, chunks: list[np.ndarray]):
        self.entry_query = np.full(size, -1)
        self.entry_query[own[own >= 0]] = np.flatnonzero(own >= 0)
        self.chunk_of = np.full(len(own), -1)
        for k, rows in enumerate(chunks):
            self.chunk_of[rows] = k
        self.queries = len(own)
        self.filed: dict[int, list[np.ndarray]] = {}

    def __call__(self, found: np.ndarray, chunk: int) -> np.ndarray:
        """``found`` (query, entry, region) of chunk number ``chunk``, in query order, once."""
        query, other = found[:, 0], self.entry_query[found[:, 1]]
        later = other > query  # the pair's first time: kept, and filed for the other query's chunk
        for k in np.unique(self.chunk_of[other[later]]):
            mine = later & (self.chunk_of[other] == k)
            self.filed.setdefault(int(k), []).append(query[mine] * self.queries + other[mine])
        earlier = np.flatnonzero((other >= 0) & (other < query))
        seen = self.filed.pop(chunk, [])
        drop = earlier[np.isin(other[earlier] * self.queries + query[earlier], np.concatenate(seen))] if seen else []
        keep = np.ones(len(found), bool)
        keep[drop] = False
        return found[keep]


def crop_matches(index: CropIndex, queries: np.ndarray, query_entries: np.ndarray | None = None, chunk: int = _CHUNK,
                 verdicts: bool = False, workers: int = 1):
    """Yield ``(query row, indexed entry, CropMatch)`` for every pair verified the same image (with
    ``verdicts``, for every pair verified, whatever the verdict: the calibration bench's view), in
    the order of the query rows, then of the entries.

    ``query_entries`` gives each query's own entry in the index (or -1): that pair is skipped, and
    a pair of two indexed queries is verified once, not once each way round. ``workers``: processes
    sharing the work when there are more than a few chunks of queries (forked: a caller that runs
    threads of its own, like the review server, keeps the default, this process alone)."""
    chunks, once, work, workers = _matching(index, queries, query_entries, chunk, workers)
    with _pool(workers, work) as pool:
        yield from _matches(pool, chunks, once, verdicts, workers)


def _matching(index: CropIndex, queries: np.ndarray, query_entries: np.ndarray | None, chunk: int,
              workers: int) -> tuple[list[np.ndarray], _Once, _Work, int]:
    """What ``crop_matches`` shares out: the chunks of judged queries, their ``_Once``, the work, the workers."""
    own = np.full(len(queries), -1) if query_entries is None else np.asarray(query_entries)
    # queries with too little detail are left to the hashes; an indexed query's verdict is the index's
    judged = np.empty(len(queries), bool)
    indexed = own >= 0
    judged[indexed] = index.judged[own[indexed]]
    if not indexed.all():
        judged[~indexed] = detail_shares(queries[~indexed]) >= DETAIL_SHARE_MIN
    judged = np.flatnonzero(judged)
    chunks = [judged[start:start + chunk] for start in range(0, len(judged), chunk)]
    if len(chunks) <= _PARALLEL_CHUNKS:
        workers = 1
    shared = workers > 1 and "fork" in multiprocessing.get_all_start_methods()  # as _pool decides
    work = _Work(index, queries, own, _EntryBlocks(len(index), shared),
                 (_ImageProfiles(len(index), shared), _ImageProfiles(len(queries), shared)))
    return chunks, _Once(own, len(index), chunks), work, workers


def _matches(pool: _Inline, chunks: list[np.ndarray], once: _Once, verdicts: bool, workers: int):
    """``crop_matches``' results, from the work shared by ``pool``."""
    pending: deque = deque()
    for number, found in enumerate(pool.imap(pool.candidates, chunks)):
        found = once(found, number)
        for first in range(0, len(found), _BATCH):  # bounded memory however alike the images are
            pending.append(pool.apply_async(pool.verify, (found[first:first + _BATCH], verdicts)))
        while pending and (len(pending) > 4 * workers or pending[0].ready()):
            yield from pending.popleft().get()
    while pending:
        yield from pending.popleft().get()


class CropMatchesAhead:
    """``crop_matches`` (verdicts only) started now and collected while the caller does other work:
    the workers are forked here, in the calling thread (so that no other thread of this process is
    copied half-way), and a thread of this process hands them the work and gathers their matches,
    waiting on them most of the time. The export's gate runs its hash rule meanwhile, on one core
    that would otherwise idle. ``result()`` gives exactly ``list(crop_matches(...))``; with one
    worker (or no fork) the matches are computed in ``result()``, in this thread, as before.
    Use as a context manager: leaving it stops the workers, whatever happened."""

    def __init__(self, index: CropIndex, queries: np.ndarray, query_entries: np.ndarray | None = None,
                 workers: int = 1):
        chunks, once, work, workers = _matching(index, queries, query_entries, _CHUNK, workers)
        self.pool = _pool(workers, work)
        self.matches = _matches(self.pool, chunks, once, False, workers)
        self.found: list[tuple[int, int, CropMatch]] = []
        self.error: BaseException | None = None
        self.thread = None
        if isinstance(self.pool, _Forked):
            self.thread = threading.Thread(target=self._collect, name="crop-matches", daemon=True)
            self.thread.start()

    def _collect(self) -> None:
        try:
            self.found.extend(self.matches)
        except BaseException as exc:  # handed to the caller's thread by result()
            self.error = exc

    def result(self) -> list[tuple[int, int, CropMatch]]:
        if self.thread is None:
            return list(self.matches)
        self.thread.join()
        if self.error is not None:
            raise self.error
        return self.found

    def __enter__(self) -> CropMatchesAhead:
        return self

    def __exit__(self, *exc) -> None:
        # the workers stopped; after result() the thread has ended, and after an error elsewhere a
        # thread still waiting on them is left waiting (a daemon: it does not keep the process alive)
        self.pool.__exit__(*exc)


def _one_blas_thread() -> None:
    """Make this (forked worker) process's BLAS run single-threaded. Its small matrix products
    gain nothing from a second thread, and on a busy 2-core machine the threads it wakes spin
    waiting for each other: two thirds of the crop part's CPU time went there (2,000 look-alike
    films: 19.4 s of CPU against 6.3 s, load average 15). The signatures' products do round
    differently on two threads: they run on one wherever they are called (``inner_signatures``);
    the inline path and the workers verify the same pairs to the last bit (2,000 look-alike films,
    README). The limit lasts as long as the process."""
    threadpool_limits(limits=1, user_api="blas")


def _forked_candidates(rows: np.ndarray) -> np.ndarray:
    return _chunk_candidates(_forked["work"], rows)


def _forked_verify(pairs: np.ndarray, verdicts: bool) -> list[tuple[int, int, CropMatch]]:
    return _verify(_forked["work"], pairs, verdicts)


class _Done:
    """The result of a call already made (``multiprocessing.pool.AsyncResult``'s interface)."""

    def __init__(self, result):
        self.result = result

    def ready(self) -> bool:
        return True

    def get(self):
        return self.result


class _Inline:
    """The work done in this process, through the interface of ``_Forked``."""

    def __init__(self, work: _Work):
        self.work = work
        self.candidates = functools.partial(_chunk_candidates, work)
        self.verify = functools.partial(_verify, work)

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        return None

    @staticmethod
    def imap(fn, items):
        return map(fn, items)

    @staticmethod
    def apply_async(fn, args) -> _Done:
        return _Done(fn(*args))


class _Forked(_Inline):
    """The work shared by forked processes, which inherit it (``_forked``) rather than receive a copy."""

    def __init__(self, work: _Work, workers: int):
        super().__init__(work)
        _compiled()  # numba and its kernels loaded here, once, not in each worker after the fork
        with _fork_lock:  # one pool forks at a time, each with its own work
            _forked["work"] = work
            try:
                self.pool = multiprocessing.get_context("fork").Pool(workers, initializer=_one_blas_thread)
            finally:
                _forked.clear()
        self.candidates, self.verify = _forked_candidates, _forked_verify

    def __exit__(self, *exc) -> None:
        self.pool.terminate()

    def imap(self, fn, items):
        return self.pool.imap(fn, items)

    def apply_async(self, fn, args):
        return self.pool.apply_async(fn, args)


def _pool(workers: int, work: _Work) -> _Inline:
    """``workers`` forked processes, or this process alone (one worker, or no fork on this system)."""
    if workers > 1 and "fork" in multiprocessing.get_all_start_methods():
        return _Forked(work, workers)
    return _Inline(work)


def hash_matches_confirmed(pairs: list[tuple[np.ndarray | None, np.ndarray | None]]) -> list[bool]:
    """For pairs the perceptual hashes matched: whether the match stands. The hashes say the two
    pictures agree at low frequencies, which different look-alike films sometimes do (23 pairs
    among 10,000 synthetic 256-pixel films: bench/release_export.py --look-alike); their fine detail,
    once aligned, does not. A match stands unless both thumbnails can be judged
    (``DETAIL_SHARE_MIN``) and their aligned detail correlates under ``DETAIL_MIN``."""
    verdicts = [True] * len(pairs)
    judged = [n for n, (a, b) in enumerate(pairs) if a is not None and b is not None]
    if judged:
        a = np.stack([pairs[n][0] for n in judged])
        b = np.stack([pairs[n][1] for n in judged])
        shares = np.minimum(detail_shares(a), detail_shares(b))
        for first in range(0, len(judged), 512):
            matches = crop_alignments(a[first:first + 512], b[first:first + 512])
            for k, match in enumerate(matches, first):
                if shares[k] >= DETAIL_SHARE_MIN and match.detail < DETAIL_MIN:
                    verdicts[judged[k]] = False
    return verdicts


def thumb_array(thumb: bytes | None) -> np.ndarray | None:
    """The stored thumbnail bytes as a 64 x 64 array (None when missing or of another size)."""
    if not thumb or len(thumb) != THUMB_SIDE * THUMB_SIDE:
        return None
    return np.frombuffer(thumb, dtype=np.uint8).reshape(THUMB_SIDE, THUMB_SIDE)


__all__ = [
    "CANDIDATE_BITS",
    "COEFFICIENT_MIN",
    "DETAIL_MIN",
    "DETAIL_SHARE_MIN",
    "SHAPE_MIN",
    "THUMB_SIDE",
    "CropIndex",
    "CropMatch",
    "CropMatchesAhead",
    "crop_alignment",
    "crop_matches",
    "detail_shares",
    "hash_matches_confirmed",
    "inner_signatures",
    "region_signatures",
    "thumb_array",
    "verify_crop",
]
