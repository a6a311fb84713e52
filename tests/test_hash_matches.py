"""dedup.hashes.all_matches: the lists HashIndex.matches gives, query by query, computed on arrays."""

from __future__ import annotations

import numpy as np
import pytest

from dedup.hashes import COMBINED_THRESHOLD, DUPLICATE_THRESHOLD, HashIndex, all_matches


def _flipped(rng: np.random.Generator, h: int, most: int) -> int:
    for bit in rng.choice(64, int(rng.integers(0, most + 1)), replace=False):
        h ^= 1 << int(bit)
    return h


def _hashes(rng: np.random.Generator, n: int, bases: list[tuple[int, int]]) -> list[tuple]:
    """Look-alike hashes: a few bases with 0-8 bits flipped in each hash; some centred hashes
    missing (the pHash alone then), some pHashes missing or empty, hex strings and ints both."""
    out = []
    for _ in range(n):
        p, c = bases[int(rng.integers(len(bases)))]
        p, c = _flipped(rng, p, 8), _flipped(rng, c, 8)
        kind = rng.random()
        if kind < 0.15:
            c = None
        elif kind < 0.2:
            p = None if kind < 0.18 else ""
        as_hex = rng.random() < 0.5
        out.append((f"{p:016x}" if as_hex and isinstance(p, int) else p,
                    f"{c:016x}" if as_hex and c is not None else c))
    return out


@pytest.mark.parametrize("cells", [1 << 20, 7])  # one block, and blocks of a single query
def test_all_matches_equal_the_index_lookups(cells):
    rng = np.random.default_rng(3)
    bases = [(int(rng.integers(0, 1 << 63)), int(rng.integers(0, 1 << 63))) for _ in range(4)]
    filed, queries = _hashes(rng, 300, bases), _hashes(rng, 250, bases)
    index = HashIndex()
    for h in filed:
        index.add(*h)
    assert all_matches(queries, filed, cells=cells) == [index.matches(*q) for q in queries]
    earlier, plain = HashIndex(), []
    for q in queries:
        plain.append(earlier.matches(*q))
        earlier.add(*q)
    assert all_matches(queries, cells=cells) == plain
    found = [d for hits in plain for _, d in hits]
    # both branches of the rule met, right up to their thresholds: the comparison is not empty
    assert COMBINED_THRESHOLD in found and len(found) > 100
    assert any(q[1] is None and hits for q, hits in zip(queries, plain))
    assert all(d <= max(COMBINED_THRESHOLD, DUPLICATE_THRESHOLD) for d in found)


def test_all_matches_with_nothing_filed_or_queried():
    assert all_matches([], [("0f", "0f")]) == []
    assert all_matches([("0f", None)], []) == [[]]
    assert all_matches([]) == []


def test_hashes_wider_than_64_bits_are_matched_as_the_index_does():
    wide = [(1 << 70, None), ((1 << 70) | 1, None), (3, 5), (7, 5)]
    index = HashIndex()
    for h in wide[:2]:
        index.add(*h)
    assert all_matches(wide[2:] + wide[:1], wide[:2]) == [index.matches(*q) for q in wide[2:] + wide[:1]]
    assert all_matches(wide) == [[], [(0, 1)], [(1, 2)], [(2, 1)]]  # bit 70 counted: the pHash alone within 2
