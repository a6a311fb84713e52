"""The near-duplicate rule on perceptual hashes, and the index that finds its candidates.

Two images are the same radiograph when their 64-bit DCT pHashes (``media.imaging``) are close:
the pHash distance plus the distance of the brightness-centred pHash within ``COMBINED_THRESHOLD``,
or the pHash distance alone within ``DUPLICATE_THRESHOLD`` when an image has no centred hash.
``HashIndex`` finds every pair the rule can match by dict lookups instead of comparing all pairs.
One definition for the review page's warnings (review/warnings.py) and the release gate
(exports/gates.py), so that what the page warns about is what the release refuses; the part that
survives a crop is ``crops.py``. Pure: no I/O, no database.
"""

from __future__ import annotations

from collections import defaultdict

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


__all__ = [
    "COMBINED_THRESHOLD",
    "DUPLICATE_THRESHOLD",
    "HashIndex",
    "describe_distance",
    "match_distances",
    "near_duplicate",
]
