"""The near-duplicate rule on perceptual hashes, and the index that finds its candidates.

Two images are the same radiograph when their 64-bit DCT pHashes (``media.imaging``) are close:
the pHash distance plus the distance of the brightness-centred pHash within ``COMBINED_THRESHOLD``,
or the pHash distance alone within ``DUPLICATE_THRESHOLD`` when an image has no centred hash.
``HashIndex`` finds every pair the rule can match by dict lookups instead of comparing all pairs
(one image at a time: the review page); ``all_matches`` gives the same lists for a whole release at
once, on arrays (the release gate, whose look-alike films crowd the index's buckets).
One definition for the review page's warnings (review/warnings.py) and the release gate
(exports/gates.py), so that what the page warns about is what the release refuses; the part that
survives a crop is ``crops.py``. Pure: no I/O, no database.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

import numpy as np

#: Largest Hamming distance between 64-bit DCT pHashes (imagehash.phash) that counts as the same
#: image when only the whole-image pHash is known (an image hashed before the centred hash existed).
#: Calibrated by bench/duplicate_threshold.py.
DUPLICATE_THRESHOLD = 2
#: Largest sum of the pHash distance and the centred-pHash distance (media.imaging.centred_phash)
#: that counts as the same image when both hashes are known: a 128-bit distance, whose candidates
#: come from 8 bands of 16 bits (any pair within 7 shares a band). Calibrated by
#: bench/duplicate_threshold.py.
COMBINED_THRESHOLD = 6


def _int(h: str | int | None) -> int | None:
    if h is None or h == "":
        return None
    return h if isinstance(h, int) else int(h, 16)


def match_distances(phash_distance: int, centred_distance: int | None) -> int | None:
    """THE near-duplicate rule on distances: the distance reported, or None for distinct images."""
    if centred_distance is None:
        return phash_distance if phash_distance <= DUPLICATE_THRESHOLD else None
    total = phash_distance + centred_distance
    return total if total <= COMBINED_THRESHOLD else None


def near_duplicate(a: tuple[str | int | None, str | int | None],
                   b: tuple[str | int | None, str | int | None]) -> int | None:
    """Whether two images are the same radiograph: ``(phash, chash)`` of each (hex or int) in,
    the distance (pHash + centred pHash, or pHash alone when a centred hash is missing) or None."""
    pa, pb = _int(a[0]), _int(b[0])
    if pa is None or pb is None:
        return None
    ca, cb = _int(a[1]), _int(b[1])
    centred = (ca ^ cb).bit_count() if ca is not None and cb is not None else None
    return match_distances((pa ^ pb).bit_count(), centred)


def describe_distance(a, b) -> str:
    pa, pb, ca, cb = _int(a[0]), _int(b[0]), _int(a[1]), _int(b[1])
    if ca is not None and cb is not None:
        return f"pHash distance {(pa ^ pb).bit_count()} + centred {(ca ^ cb).bit_count()} <= {COMBINED_THRESHOLD}"
    return f"pHash distance {(pa ^ pb).bit_count()} <= {DUPLICATE_THRESHOLD}"


class HashIndex:
    """Multi-index hashing: candidates for ``near_duplicate`` from dict lookups, never all pairs.

    Every image is filed under the 4 16-bit bands of its pHash and, when it has a centred hash,
    under the 8 16-bit bands of pHash+centred (128 bits). Two hashes within 3 bits share a band of
    the first; within 7 bits, a band of the second: every pair the rule can match is a candidate
    (``COMBINED_THRESHOLD`` and ``DUPLICATE_THRESHOLD`` stay below those bounds), then the rule decides.
    """

    def __init__(self):
        self.hashes: list[tuple[int, int | None]] = []
        self._bands: list[dict[int, list[int]]] = [defaultdict(list) for _ in range(8)]

    @staticmethod
    def _keys(p: int, c: int | None) -> list[tuple[int, int]]:
        keys = [(k, (p >> (16 * k)) & 0xFFFF) for k in range(4)]
        if c is not None:
            keys += [(4 + k, (c >> (16 * k)) & 0xFFFF) for k in range(4)]
        return keys

    def add(self, phash, chash) -> int:
        p, c = _int(phash), _int(chash)
        self.hashes.append((p, c))
        n = len(self.hashes) - 1
        if p is not None:
            for slot, key in self._keys(p, c):
                self._bands[slot][key].append(n)
        return n

    def matches(self, phash, chash) -> list[tuple[int, int]]:
        """``(index, distance)`` of every filed image the rule matches with these hashes."""
        p, c = _int(phash), _int(chash)
        if p is None:
            return []
        seen: set[int] = set()
        for slot, key in self._keys(p, c):
            seen.update(self._bands[slot].get(key, ()))
        out = []
        for n in sorted(seen):
            d = near_duplicate((p, c), self.hashes[n])
            if d is not None:
                out.append((n, d))
        return out


assert DUPLICATE_THRESHOLD <= 3 and COMBINED_THRESHOLD <= 7, "HashIndex finds candidates within 3 / 7 bits only"


def _hash_arrays(hashes: Sequence[tuple[str | int | None, str | int | None]]) -> tuple[np.ndarray, ...]:
    """(phash, chash) pairs -> uint64 pHashes, whether known, uint64 centred hashes, whether known."""
    ints = [(_int(p), _int(c)) for p, c in hashes]
    p = np.array([0 if a is None else a for a, _ in ints], np.uint64)
    c = np.array([0 if b is None else b for _, b in ints], np.uint64)
    return p, np.array([a is not None for a, _ in ints], bool), c, np.array([b is not None for _, b in ints], bool)


def _fit_64_bits(hashes: Sequence[tuple[str | int | None, str | int | None]]) -> bool:
    return all((_int(h) or 0) >> 64 == 0 for pair in hashes for h in pair)


def _indexed_matches(queries, filed) -> list[list[tuple[int, int]]]:
    """``all_matches`` through ``HashIndex``, one query at a time (hashes of any width)."""
    index = HashIndex()
    for h in filed or ():
        index.add(*h)
    out = []
    for h in queries:
        out.append(index.matches(*h))
        if filed is None:
            index.add(*h)
    return out


def all_matches(queries: Sequence[tuple[str | int | None, str | int | None]],
                filed: Sequence[tuple[str | int | None, str | int | None]] | None = None,
                cells: int = 1 << 20) -> list[list[tuple[int, int]]]:
    """For each query ``(phash, chash)``: ``(index, distance)`` of every ``filed`` image the rule
    (``near_duplicate``) matches with it, by index; with ``filed`` None, of every earlier query.
    The lists ``HashIndex.matches`` gives one query at a time (after adding the earlier queries),
    computed on whole arrays: look-alike films crowd the index's buckets (most of a release of
    10,000 films met thousands of entries each, tested one by one in Python), while the distances
    of every pair, a block of queries at a time, are a few vectorised passes. The rule is applied
    to exact integer distances: the same pairs, the same distances. ``cells``: pairs held at once
    (a block of queries against every filed image: memory bounded however many are filed)."""
    if not _fit_64_bits(queries) or (filed is not None and not _fit_64_bits(filed)):
        return _indexed_matches(queries, filed)  # wider hashes than media.imaging's: the index's own lookups
    qp, q_has_p, qc, q_has_c = _hash_arrays(queries)
    fp, f_has_p, fc, f_has_c = (qp, q_has_p, qc, q_has_c) if filed is None else _hash_arrays(filed)
    widest = max(DUPLICATE_THRESHOLD, COMBINED_THRESHOLD)  # either branch of the rule needs the pHashes this close
    out: list[list[tuple[int, int]]] = [[] for _ in range(len(queries))]
    block = max(1, cells // max(1, len(fp)))
    for lo in range(0, len(queries), block):
        hi = min(lo + block, len(queries))
        width = hi if filed is None else len(fp)  # earlier queries: those before the block's last
        close = np.bitwise_count(qp[lo:hi, None] ^ fp[None, :width]) <= widest
        close &= q_has_p[lo:hi, None] & f_has_p[None, :width]
        if filed is None:
            close &= np.arange(width)[None, :] < np.arange(lo, hi)[:, None]
        rows, cols = np.nonzero(close)  # row-major: by query, then by index
        rows += lo
        phash = np.bitwise_count(qp[rows] ^ fp[cols]).astype(np.int64)
        both = q_has_c[rows] & f_has_c[cols]
        total = phash + np.bitwise_count(qc[rows] ^ fc[cols]).astype(np.int64)
        distance = np.where(both, total, phash)
        kept = np.flatnonzero(np.where(both, total <= COMBINED_THRESHOLD, phash <= DUPLICATE_THRESHOLD))
        for q, n, d in zip(rows[kept].tolist(), cols[kept].tolist(), distance[kept].tolist()):
            out[q].append((n, d))
    return out


__all__ = [
    "COMBINED_THRESHOLD",
    "DUPLICATE_THRESHOLD",
    "HashIndex",
    "all_matches",
    "describe_distance",
    "match_distances",
    "near_duplicate",
]
