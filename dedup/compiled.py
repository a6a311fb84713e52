"""The crop part's hottest loops compiled (numba): the frame search's first pick (``frame_pick``),
the hash lookups (``hash_lookups``, ``dedup.crops._HashBands.within``'s integer tests over the
entries of each bucket run, in its order, without its arrays of every entry met), the bucket runs
those lookups read (``bucket_runs``: ``_HashBands._runs``' integers) and the block bound's weights
(``block_resampling``: ``dedup.crops._block_resampling``'s additions in its order, rounded to
float32 as it is). The last two give numpy's numbers bit for bit; the first, the same frames.

``frame_pick``: ``dedup.crops._best_frames``' scores without its arrays of samples.

Numpy samples every frame's 48 profile values into an array, then passes over that array again for
each sum (about 12 passes over rows x frames x 48 float64 values); here each row's samples are
worked out once into a small scratch array held in the cache, and summed and dotted with each pair's
target while they are there. The arithmetic is ``dedup.crops._padded_samples``' (positions as
A + T B, values as low + f (high - low), the same IEEE operations: numba fuses no multiply-add
without ``fastmath``) and ``_best_frames``' formula for the scores; only the order of the additions
differs, which ``_score_error``'s proof allows (any order), and the positions are those of one
padded profile at a time (a reach of ``_SEGMENT``, not of a piece of rows). So the pairs whose best
frame wins by more than twice that bound have the exact scores' best frame, and the others go to
the exact scores, as in the numpy path.

Imported only where the crop part looks up or verifies pairs, before its workers fork
(``dedup.crops._Forked``): numba's import and the kernels' load from their on-disk cache (0.7 s of
CPU; compiled on a cold cache, 3.3 s) are paid once, not by every process that imports
``dedup.crops`` nor by each forked worker; loaded, numba and LLVM hold about 150 MiB. The cache goes
under the project's working data (``data/numba-cache``) unless NUMBA_CACHE_DIR says otherwise: the
installed package's own directory may be read-only.
"""

from __future__ import annotations

import os
from pathlib import Path

_CACHE = Path(__file__).resolve().parent.parent / "data" / "numba-cache"
if "NUMBA_CACHE_DIR" not in os.environ:  # read by numba at import
    try:
        _CACHE.mkdir(parents=True, exist_ok=True)
        os.environ["NUMBA_CACHE_DIR"] = str(_CACHE)
    except OSError:  # a read-only checkout: numba's own choice (beside this file, else the user's cache)
        pass

import numba  # noqa: E402
import numpy as np  # noqa: E402
from numba.extending import intrinsic  # noqa: E402

_ROWS = numba.float64[:, ::1]
_PAIRS = numba.intp[::1]


@numba.njit((numba.float64[:, ::1], numba.float64[::1], numba.float64[::1], numba.float64[::1], numba.float64,
             _PAIRS, numba.float64[::1], numba.intp), cache=True, nogil=True)
def _pick(values, means, norms, target, target_sum, best, margin, p):
    """One pair's scores (v . t - mean(v) sum(t)) / norm over its row's frames: the best and its margin."""
    n = values.shape[1]
    whole = n - n % 4
    top, second, at, nan = -np.inf, -np.inf, 0, False
    for c in range(values.shape[0]):
        # four partial sums: one running sum waits on each addition in turn (48 in a row), four let
        # the processor overlap them (any order of the additions is within the proof)
        s0 = s1 = s2 = s3 = 0.0
        for k in range(0, whole, 4):
            s0 += values[c, k] * target[k]
            s1 += values[c, k + 1] * target[k + 1]
            s2 += values[c, k + 2] * target[k + 2]
            s3 += values[c, k + 3] * target[k + 3]
        dot = (s0 + s1) + (s2 + s3)
        for k in range(whole, n):
            dot += values[c, k] * target[k]
        score = (dot - means[c] * target_sum) / norms[c]
        if score > top:
            top, second, at = score, top, c
        elif score > second:
            second = score
        elif score != score:
            nan = True
    best[p] = at
    margin[p] = np.nan if nan else top - second


# compiled (or loaded from the cache) at import, for these C-contiguous arrays: before the fork
@numba.njit((_ROWS, numba.float64, _ROWS, _ROWS, numba.float64[::1], _PAIRS, _PAIRS, _ROWS, numba.float64[::1],
             _ROWS, _PAIRS, numba.float64[::1]), cache=True, nogil=True)
def frame_pick(padded, offset, starts, ends, t, order, bounds, target, target_sums, spread, best, margin):
    """For D rows (``padded`` (D, S) profiles padded with their end values; a sample at position
    x reads ``padded[d, floor(x)]``, x = (start * 64 + ``offset``) + t (end - start) * 64) and their
    frames (``starts``, ``ends`` (D, C)), and the pairs of each row (``order[bounds[d]:bounds[d + 1]]``,
    each with its ``target`` (P, n) and the target's sum): the frames' n times variance into
    ``spread`` (D, C); each pair's best frame (the first of the highest scores) into ``best`` (P,)
    and how far it beats the second into ``margin`` (P,; NaN if a score is NaN)."""
    n = t.shape[0]
    frames = starts.shape[1]
    values = np.empty((frames, n))
    means = np.empty(frames)
    norms = np.empty(frames)
    for d in range(starts.shape[0]):
        for c in range(frames):
            a = starts[d, c] * 64.0 + offset
            b = (ends[d, c] - starts[d, c]) * 64.0
            total = 0.0
            squares = 0.0
            for k in range(n):
                at = t[k] * b + a
                low = int(at)  # at > 0: truncation is the floor
                q0 = padded[d, low]
                v = q0 + (at - low) * (padded[d, low + 1] - q0)
                values[c, k] = v
                total += v
                squares += v * v
            means[c] = total / n
            spread[d, c] = squares - total * means[c]
            norms[c] = np.sqrt(max(spread[d, c], 0.0)) + 1e-9
        for j in range(bounds[d], bounds[d + 1]):
            _pick(values, means, norms, target[order[j]], target_sums[order[j]], best, margin, order[j])


@intrinsic
def _popcount(typingctx, x):
    """The number of bits set in a uint64 (LLVM's ctpop: one instruction), as an int64."""
    return numba.int64(numba.uint64), lambda context, builder, signature, args: builder.ctpop(args[0])


_HASHES = numba.uint64[::1]
_BANDS = numba.int64[:, ::1]


@numba.njit(numba.types.UniTuple(numba.int64[::1], 2)(
    _HASHES, numba.int64, numba.int64[::1], _BANDS, _BANDS, numba.uint64[:, ::1], _BANDS, _HASHES, _BANDS,
    numba.int64), cache=True, nogil=True)
def hash_lookups(hashes, per_hash, cuts, firsts, counts, filed, orders, masks, reach, radius):
    """``dedup.crops._HashBands.within``'s lookups, in its order: for each group of hashes
    (``cuts``), each band k, each hash h of the group and each of its probes p, the entries of the
    probe's run (``filed[k]`` and ``orders[k]`` from ``firsts[k, h * per_hash + p]``, ``counts[k, ...]``
    long) within ``radius`` bits of the hash and out of the reach of every band before k
    (``masks``, ``reach`` (bands, hashes)): (hash position, entry) arrays. The same integer tests as
    numpy's, without the arrays of every entry met (millions per chunk of look-alike films)."""
    positions = np.empty(1024, np.int64)
    entries = np.empty(1024, np.int64)
    found = 0
    for g in range(len(cuts) - 1):
        for k in range(filed.shape[0]):
            for h in range(cuts[g], cuts[g + 1]):
                key = hashes[h]
                for probe in range(h * per_hash, (h + 1) * per_hash):
                    for at in range(firsts[k, probe], firsts[k, probe] + counts[k, probe]):
                        xor = key ^ filed[k, at]
                        if _popcount(xor) > radius:
                            continue
                        first = True
                        for j in range(k):
                            if _popcount(xor & masks[j]) <= reach[j, h]:
                                first = False
                                break
                        if first:
                            if found == len(positions):  # grown by doubling: found pairs are few
                                positions = np.concatenate((positions, np.empty_like(positions)))
                                entries = np.concatenate((entries, np.empty_like(entries)))
                            positions[found] = h
                            entries[found] = orders[k, at]
                            found += 1
    return positions[:found], entries[:found]


@numba.njit((numba.float64[::1], numba.float64[::1], numba.float64[::1], numba.float32[:, :, ::1]), cache=True,
            nogil=True)
def block_resampling(starts, ends, t, out):
    """``dedup.crops._block_resampling`` into ``out`` (P, blocks, side) as float32, the same numbers:
    positions s + t (e - s), clipped to the axis, weights (1 - f) / r and f / r (r rows a block)
    added into the low and the high index each in the order of the rows (as its two np.bincount
    do, one after the other), the two sums added, then rounded to float32 (its astype). Without its
    (P, blocks, side) float64 arrays, three of them written and read again per batch of pairs."""
    side = out.shape[2]
    per_block = t.shape[0] // out.shape[1]
    low = np.empty(side)
    high = np.empty(side)
    for p in range(starts.shape[0]):
        span = ends[p] - starts[p]
        for b in range(out.shape[1]):
            low[:] = 0.0
            high[:] = 0.0
            for k in range(b * per_block, (b + 1) * per_block):
                at = min(max((starts[p] + t[k] * span) * side - 0.5, 0.0), side - 1.0)  # np.clip
                i0 = int(at)  # at >= 0: truncation is the floor
                f = at - i0
                low[i0] += (1 - f) / per_block
                high[min(i0 + 1, side - 1)] += f / per_block
            for c in range(side):
                out[p, b, c] = np.float32(low[c] + high[c])


@numba.njit((_HASHES, _BANDS, numba.int64[::1], numba.int64[::1], numba.int64[::1], numba.int64[::1], numba.int64,
             numba.int64[::1], _BANDS, _BANDS, _BANDS, numba.int64[::1]), cache=True, nogil=True)
def bucket_runs(hashes, bands, sizes, starts, start_at, probes, flips, skipped, firsts, counts, reach, met):
    """``dedup.crops._HashBands._runs`` and the entries each hash meets, in integers: band k's key
    of hash h takes bits ``bands[k, :sizes[k]]`` (the first the lowest), each probe p XORs it, and
    its run is ``starts[start_at[k] + key]`` (``firsts[k, h * len(probes) + p]``) up to the next
    start (``counts``); ``reach[k, h]`` = ``flips``. Where ``skipped[h]`` >= 0 (-1: the band whose
    one-bit probes meet the most entries, the first of equal ones, as np.argmax; -2: none) that
    band's probes other than the key are emptied and its reach is 0. ``met[h]``: the entries the
    hash's runs hold. The same integers as numpy's, without its (hashes, 64) bits and int64 products."""
    per_hash = probes.shape[0]
    for h in range(hashes.shape[0]):
        key_of = hashes[h]
        most, chosen = -1, skipped[h]
        for k in range(bands.shape[0]):
            key = 0
            for j in range(sizes[k]):
                key |= np.int64((key_of >> np.uint64(bands[k, j])) & np.uint64(1)) << j
            flipped = 0
            for p in range(per_hash):
                at = start_at[k] + (key ^ probes[p])
                firsts[k, h * per_hash + p] = starts[at]
                counts[k, h * per_hash + p] = starts[at + 1] - starts[at]
                if p:
                    flipped += starts[at + 1] - starts[at]
            reach[k, h] = flips
            if skipped[h] == -1 and flipped > most:
                most, chosen = flipped, k
        if chosen >= 0:
            for p in range(1, per_hash):
                counts[chosen, h * per_hash + p] = 0
            reach[chosen, h] = 0
        total = 0
        for k in range(bands.shape[0]):
            for p in range(per_hash):
                total += counts[k, h * per_hash + p]
        met[h] = total
