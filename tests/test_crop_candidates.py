"""The crop part's indexed path (dedup.crops.crop_matches: banded hash lookups, shared alignment
work, forked workers) gives exactly what the rule says when every pair is tested exhaustively,
on look-alike chest films with crops and other edits among them (issue 18)."""

from __future__ import annotations

import multiprocessing

import numpy as np
import pytest
from PIL import Image, ImageEnhance

from bench.duplicate_threshold import crop, edits, radiograph
from dedup import crops
from dedup.crops import (
    CANDIDATE_BITS,
    COEFFICIENT_MIN,
    SHAPE_MIN,
    CropIndex,
    _aligned,
    _block_vectors,
    _frame_of_region,
    _may_correlate,
    _mine,
    _shape_bounds,
    crop_alignments,
    crop_matches,
    inner_signatures,
    region_signatures,
    thumb_array,
)
from media.imaging import thumbnail


@pytest.fixture(scope="module")
def look_alike():
    """160 "released" films and 160 new images (films of their own, edited copies of released and
    of new films: crops either way round, recompression, resizing, contrast), as (thumbnails, number
    of released ones): index = all of them, queries = the new ones, as in exports.gates."""
    rng = np.random.default_rng(18)
    films = [radiograph(rng, 256) for _ in range(240)]
    released = films[:160]
    new = list(films[160:])
    for n in range(80):
        original = films[int(rng.integers(0, len(films)))]
        kinds = edits(original, rng)
        new.append(crop(original, rng) if n % 3 == 0 else kinds[list(kinds)[n % len(kinds)]])
    order = rng.permutation(len(new))
    thumbs = [thumb_array(thumbnail(img)) for img in released + [new[k] for k in order]]
    return np.stack(thumbs), len(released)


def exhaustive(index: CropIndex, queries: np.ndarray, own: np.ndarray,
               judged: np.ndarray) -> list[tuple[int, int, object]]:
    """The rule pair by pair: every region of every query against every judged entry (hash within
    CANDIDATE_BITS and coefficients >= COEFFICIENT_MIN on the same region, the best region kept;
    among regions of one hash, the one np.argsort puts first, as calibrated), each pair of two
    queries once (the earlier query's way round), then each pair aligned on its own. ``judged``:
    the queries with enough detail to be judged."""
    hashes, coefficients = region_signatures(queries)
    entry_hashes, entry_coefficients = inner_signatures(index.thumbs)
    entry_query = {int(e): q for q, e in enumerate(own) if e >= 0}
    done, pairs = set(), []
    for q in range(len(queries)):
        if not judged[q]:
            continue
        order = np.argsort(hashes[q])
        first = order[np.r_[True, hashes[q][order][1:] != hashes[q][order][:-1]]]  # one region per hash
        for e in np.flatnonzero(index.judged):
            if e == own[q]:
                continue
            close = np.bitwise_count(hashes[q][first] ^ entry_hashes[e]) <= CANDIDATE_BITS
            scores = np.einsum("tc,tc->t", coefficients[q][first],
                               entry_coefficients[[e] * len(first)])  # as the index does
            passing = close & (scores >= COEFFICIENT_MIN)
            if not passing.any():
                continue
            other = entry_query.get(int(e))
            if other is not None:
                if (min(q, other), max(q, other)) in done:
                    continue
                done.add((min(q, other), max(q, other)))
            pairs.append((q, int(e), int(first[passing][np.argmax(scores[passing])])))
    if not pairs:
        return []
    return [(q, e, crop_alignments(index.thumbs[[e]], queries[[q]], _frame_of_region(np.array([r])))[0])
            for q, e, r in pairs]


def as_tuples(found) -> list[tuple]:
    return [(q, e, m.detail, m.shape, m.frame) for q, e, m in found]


@pytest.mark.parametrize("workers", [1, 2])
def test_the_indexed_path_finds_exactly_the_exhaustive_pairs(look_alike, workers, monkeypatch):
    monkeypatch.setattr(crops, "_MET_AT_ONCE", 3000)  # the hash lookups in many small groups too
    thumbs, released = look_alike
    index = CropIndex(thumbs)
    queries, own = thumbs[released:], np.arange(released, len(thumbs))
    expected = exhaustive(index, queries, own, index.judged[own])
    same = sum(m.same for *_, m in expected)
    assert same >= 40 and len(expected) - same > 2 * same  # copies to be found, look-alike films turned down
    every = list(crop_matches(index, queries, own, chunk=16, verdicts=True, workers=workers))
    assert as_tuples(every) == as_tuples(expected)  # the same pairs verified, the same numbers
    same = list(crop_matches(index, queries, own, chunk=16, workers=workers))
    assert as_tuples(same) == as_tuples([t for t in expected if t[2].same])


def test_queries_outside_the_index(look_alike):
    """The review page's and the calibration's way: queries with no entry of their own."""
    thumbs, released = look_alike
    index = CropIndex(thumbs[:released])
    queries, own = thumbs[released:], np.full(len(thumbs) - released, -1)
    found = list(crop_matches(index, queries, own, chunk=16, verdicts=True, workers=2))
    expected = exhaustive(index, queries, own, CropIndex(queries).judged)
    assert len(expected) > 40 and as_tuples(found) == as_tuples(expected)


def _bounds(indexed: np.ndarray, queries: np.ndarray, hints: np.ndarray | None = None):
    """Each pair's full comparison (``_aligned``) and the pre-check's bound on the frame it found."""
    aligned = _aligned(indexed, queries, hints)
    frames = (aligned.x0, aligned.x1, aligned.y0, aligned.y1)
    mine = _block_vectors(_mine(indexed.astype(np.float32)))
    return aligned.shapes, _shape_bounds(mine, queries, frames), _may_correlate(mine, queries, frames)


def test_the_block_bound_turns_away_no_pair_the_rule_accepts(look_alike):
    """The check before the pictures are compared in full (crops._may_correlate, used when only
    verdicts are wanted) proves a pair's pictures cannot correlate at SHAPE_MIN: its bound is never
    under the correlation the full comparison computes. Checked on the candidate pairs of the
    look-alike films and on adversarial pairs around the threshold: a film with another blended in
    (2-30 %), as it is, cropped, or with its contrast changed."""
    thumbs, released = look_alike
    index = CropIndex(thumbs)
    own = np.arange(released, len(thumbs))
    pairs = np.array([(q, e, r) for q, e, r in _candidate_pairs(index, thumbs[released:], own)])
    shapes, bounds, may = _bounds(thumbs[pairs[:, 1]], thumbs[released:][pairs[:, 0]], _frame_of_region(pairs[:, 2]))
    assert (bounds >= shapes - 1e-4).all() and may[shapes >= SHAPE_MIN].all()
    assert (~may).sum() > 0.8 * (shapes < SHAPE_MIN).sum()  # what it is for: most distinct films turned away

    rng = np.random.default_rng(7)
    films = [radiograph(rng, 256) for _ in range(6)]
    originals, edited = [], []
    for n, film in enumerate(films):
        for share in np.linspace(0.02, 0.3, 15):
            mixed = Image.blend(film, films[(n + 1) % len(films)], float(share))
            for copy in (mixed, crop(mixed, rng), ImageEnhance.Contrast(mixed).enhance(float(rng.uniform(0.7, 1.4)))):
                originals.append(thumb_array(thumbnail(film)))
                edited.append(thumb_array(thumbnail(copy)))
    shapes, bounds, may = _bounds(np.stack(originals), np.stack(edited))
    assert ((shapes >= 0.985) & (shapes < SHAPE_MIN)).sum() > 20 and (shapes >= SHAPE_MIN).sum() > 20  # both sides
    assert (bounds >= shapes - 1e-4).all() and may[shapes >= SHAPE_MIN].all()


def _candidate_pairs(index: CropIndex, queries: np.ndarray, own: np.ndarray) -> list[tuple[int, int, int]]:
    """(query, entry, region) of every candidate pair, as the verification receives them."""
    found = [index.candidates(*region_signatures(queries[k:k + 16])) for k in range(0, len(queries), 16)]
    pairs = [(q + k, e, r) for k, chunk in zip(range(0, len(queries), 16), found) for q, e, r in chunk.tolist()]
    return [(q, e, r) for q, e, r in pairs if e != own[q]]


@pytest.mark.parametrize("met_at_once", [crops._MET_AT_ONCE, 3000])
@pytest.mark.parametrize(("layout", "skipped"), [(0, None), (0, 0), (0, 1), (0, 2), (0, 3), (0, "random"), (1, None)])
def test_each_hash_layout_finds_exactly_the_entries_within_the_radius(look_alike, layout, skipped, met_at_once,
                                                                      monkeypatch, kernels):
    """Whichever band layout a lookup takes (dedup.crops._HashBands), it finds every judged entry
    within CANDIDATE_BITS of each region hash, once: the pairs a test of every hash against every
    entry finds; also when the hashes are looked up in many groups (each group reads its slice of
    the bucket runs found once for all of them), and whichever band of the 16-bit layout is probed
    with its key alone (``skipped``: one for every hash, one per hash; None: each hash's most crowded)."""
    monkeypatch.setattr(crops, "_MET_AT_ONCE", met_at_once)
    thumbs, _ = look_alike
    index = CropIndex(thumbs)
    bands = index._bands
    bands.layouts = [bands.layouts[layout]]
    hashes = np.unique(region_signatures(thumbs[::4])[0])
    if skipped == "random":  # each hash its own band probed by its key alone
        skipped = np.random.default_rng(3).integers(0, 4, len(hashes))
    found, entries = bands.within(hashes, CANDIDATE_BITS, skipped)
    judged = np.flatnonzero(index.judged)
    close = np.bitwise_count(hashes[:, None] ^ index.hashes[judged][None, :]) <= CANDIDATE_BITS
    expected = sorted(zip(*(a.tolist() for a in (np.nonzero(close)[0], judged[np.nonzero(close)[1]]))))
    assert len(expected) > 1000 and sorted(zip(found.tolist(), entries.tolist())) == expected


def test_the_block_bound_of_each_query_s_pairs_at_once_equals_the_bound_pair_by_pair(look_alike):
    """crops._shape_bounds given the pairs' queries (one product of a query's thumbnail with the row
    weights of all its pairs, pairs in any order) gives the pair-by-pair bound, to float32 rounding
    far inside _BOUND_SLACK, and turns away exactly the same pairs."""
    thumbs, released = look_alike
    index = CropIndex(thumbs)
    own = np.arange(released, len(thumbs))
    pairs = np.array([(q, e, r) for q, e, r in _candidate_pairs(index, thumbs[released:], own)])
    pairs = pairs[np.random.default_rng(5).permutation(len(pairs))]
    assert len(np.unique(pairs[:, 0])) < len(pairs) / 3  # queries meet several films: groups, not singletons
    indexed, queries = thumbs[pairs[:, 1]], thumbs[released:][pairs[:, 0]]
    aligned = _aligned(indexed, queries, _frame_of_region(pairs[:, 2]))
    frames = (aligned.x0, aligned.x1, aligned.y0, aligned.y1)
    mine = _block_vectors(_mine(indexed.astype(np.float32)))
    grouped = _shape_bounds(mine, queries, frames, pairs[:, 0])
    assert np.abs(grouped - _shape_bounds(mine, queries, frames)).max() < 1e-5
    assert np.array_equal(_may_correlate(mine, queries, frames, pairs[:, 0]), _may_correlate(mine, queries, frames))


def test_the_inner_pictures_are_those_of_a_resampling_per_image(look_alike):
    """crops._mine (one 48 x 64 matrix broadcast over the thumbnails) gives, byte for byte, the
    products with a stack of one copy of the matrix per image (how it was computed before): the
    full comparison's numbers, which verdicts are read from."""
    thumbs, _ = look_alike
    floats = thumbs.astype(np.float32)
    inner = np.full(len(floats), crops.INNER)
    around = crops._resampling(inner, 1 - inner, 48)
    assert np.array_equal(_mine(floats), around @ floats @ around.transpose(0, 2, 1))
    assert np.array_equal(_mine(floats[:1]), (around[:1] @ floats[:1] @ around[:1].transpose(0, 2, 1)))


def test_profiles_kept_per_image_equal_those_of_each_batch(look_alike):
    """dedup.crops._ImageProfiles (each image's profiles once per process) gives _profiles' numbers."""
    thumbs, _ = look_alike
    kept = crops._ImageProfiles(len(thumbs))
    rng = np.random.default_rng(3)
    for _ in range(3):
        ids = rng.integers(0, len(thumbs), 400)
        columns, rows = kept.of(thumbs, ids)
        expected = crops._profiles(thumbs[ids], ids)
        assert np.array_equal(columns, expected[0]) and np.array_equal(rows, expected[1])


def test_frame_scores_equal_the_plain_interpolation():
    """dedup.crops._frame_scores (profiles sampled through flat indexes in scratch arrays, a piece
    of rows at a time) gives, to the last bit, what ``_weights``' linear interpolation, centring,
    scaling and one einsum over every pair give: the frames the search picks cannot move."""
    rng = np.random.default_rng(11)
    for distinct, frames in ((5, 49), (130, 25), (70, 9)):
        profiles = (rng.random((distinct, 64)) * 255).astype(np.float32)
        starts = rng.uniform(-0.1, 0.3, (distinct, frames))  # beyond the picture too: clipped
        ends = rng.uniform(0.7, 1.1, (distinct, frames))
        rows = np.concatenate([np.arange(distinct), rng.integers(0, distinct, 2 * distinct)])
        target = rng.random((len(rows), len(crops._PROFILE_T)))
        i0, i1, f = crops._weights(starts[:, :, None] + crops._PROFILE_T * (ends - starts)[..., None])
        values = profiles.astype(np.float64)[np.arange(distinct)[:, None, None], i0] * (1 - f)
        values += f * profiles.astype(np.float64)[np.arange(distinct)[:, None, None], i1]
        values = values - values.mean(axis=-1, keepdims=True)
        values /= np.sqrt(np.add.reduce(values * values, axis=-1, keepdims=True)) + 1e-9
        plain = np.einsum("pcn,pn->pc", values[rows], target)
        fast = crops._frame_scores(profiles, starts, ends, rows, target, piece=16)
        assert fast.tobytes() == plain.tobytes()


def test_the_gate_with_its_crop_part_started_ahead_reports_what_it_reported_inline(look_alike, monkeypatch):
    """exports.gates.duplicate_failures forks the crop part's workers before its hash rule
    (dedup.crops.CropMatchesAhead, a thread gathering their matches): the failures, in order, are
    those of the crop part run in this process after the hash rule."""
    from exports.gates import KnownImage, duplicate_failures
    from exports.rows import NewRow

    thumbs, released = look_alike
    known = [KnownImage(f"images/{k}.png", None, None, released_file_id=k, thumb=thumbs[k].tobytes())
             for k in range(released)]
    rows = [NewRow(case_id=k, image_id=k, source="test", source_key=f"k{k}", position=0, folder="images",
                   media_sha256=None, phash=None, duplicate_of=None, cells={}, filename=f"{k}.png",
                   thumb=thumbs[k].tobytes())
            for k in range(released, len(thumbs))]
    monkeypatch.setattr(crops, "_CHUNK", 16)  # enough chunks of queries to share them out
    ahead = [f.render() for f in duplicate_failures(rows, known, set())]
    assert crops._forked == {} and len(ahead) >= 40  # the copies among the new images are refused
    monkeypatch.setattr("exports.gates.os.cpu_count", lambda: 1)  # one worker: all in this process
    assert [f.render() for f in duplicate_failures(rows, known, set())] == ahead


def test_crop_matches_ahead_equal_crop_matches(look_alike, monkeypatch):
    """CropMatchesAhead.result() is list(crop_matches(...)), forked or not."""
    thumbs, released = look_alike
    index = CropIndex(thumbs)
    queries, own = thumbs[released:], np.arange(released, len(thumbs))
    monkeypatch.setattr(crops, "_CHUNK", 16)
    expected = as_tuples(crop_matches(index, queries, own, chunk=16))
    for workers in (1, 2):
        with crops.CropMatchesAhead(index, queries, own, workers=workers) as ahead:
            assert isinstance(ahead.pool, crops._Forked) == (workers == 2)
            assert as_tuples(ahead.result()) == expected


def test_the_signatures_do_not_depend_on_the_blas_threads(look_alike):
    """The inline path (the review page, one worker) and the forked workers (one BLAS thread each)
    hash the same regions to the same bits and coefficients: a product split between BLAS threads
    rounds differently, so the signatures are computed on one thread whatever the caller's."""
    from threadpoolctl import threadpool_limits

    thumbs, _ = look_alike
    found = []
    for threads in (1, 2):
        with threadpool_limits(limits=threads, user_api="blas"):
            found.append([a.tobytes() for a in region_signatures(thumbs[:64]) + inner_signatures(thumbs)])
    assert found[0] == found[1]


def _exact_best(profiles, starts, ends, rows, target):
    return np.argmax(crops._frame_scores(profiles, starts, ends, rows, target), axis=1)


@pytest.fixture(params=["compiled", "numpy"])
def kernels(request, monkeypatch):
    """The crop part with numba's kernels (dedup.compiled: _best_frames' first pick, the hash
    lookups), and with numpy alone (where numba is missing): each must give the same results."""
    if request.param == "numpy":
        monkeypatch.setattr(crops, "_compiled", lambda: None)
    else:
        assert crops._compiled() is not None  # numba is in requirements.txt: the kernel is there
    return request.param


def test_the_best_frames_are_those_of_the_exact_scores_on_look_alike_films(look_alike, monkeypatch, kernels):
    """dedup.crops._best_frames (the scores by a shorter formula, a pair's best frame kept where it
    wins by more than twice the proven rounding bound, else the exact scores) picks, for every
    pair of every stage of the search, the frame np.argmax of _frame_scores picks."""
    thumbs, released = look_alike
    calls = []
    best_frames = crops._best_frames

    def compared(profiles, starts, ends, inverse, target, piece=64):
        rows = np.arange(len(profiles)) if isinstance(inverse, slice) else inverse
        calls.append(len(rows))
        best = best_frames(profiles, starts, ends, inverse, target, piece)
        assert np.array_equal(best, _exact_best(profiles, starts, ends, rows, target))
        return best

    monkeypatch.setattr(crops, "_best_frames", compared)
    rng = np.random.default_rng(5)
    a = rng.integers(0, len(thumbs), 600)
    b = rng.integers(released, len(thumbs), 600)
    crop_alignments(thumbs[a], thumbs[b])  # unhinted: every frame a crop of 10% could put it
    crop_alignments(thumbs[a], thumbs[b], _frame_of_region(rng.integers(0, 256, 600)))
    assert len(calls) == 2 * (len(crops._UNHINTED) + len(crops._HINTED))


@pytest.mark.parametrize("piece", [1, 7, 64])
def test_the_best_frames_break_ties_and_near_ties_as_the_exact_scores_do(piece, kernels):
    """Frames a hair apart (1e-13 to 1e-9 of the width), repeated frames (exact ties: the first
    wins), flat and nearly flat profiles, rows met by one pair or many: _best_frames' index is
    np.argmax of _frame_scores' for every pair, and the near-ties do reach the exact scores."""
    rng = np.random.default_rng(7)
    distinct, frames = 90, 25
    profiles = (rng.random((distinct, 64)) * 255).astype(np.float32)
    profiles[:10] = 128  # flat: every score 0
    profiles[10:20] = 128 + (rng.random((10, 64)) < 0.05)  # nearly flat
    profiles[20:30] = np.linspace(0, 255, 64, dtype=np.float32)  # a ramp: every frame correlates alike
    starts = np.repeat(rng.uniform(-0.05, 0.1, (distinct, 1)), frames, axis=1)
    ends = np.repeat(rng.uniform(0.9, 1.05, (distinct, 1)), frames, axis=1)
    starts += rng.choice([0.0, 1e-13, 1e-11, 1e-9, 2e-3], (distinct, frames))
    ends -= rng.choice([0.0, 1e-13, 1e-11, 1e-9, 2e-3], (distinct, frames))
    starts[30:40, 3] = starts[30:40, 5]  # the same frame twice
    ends[30:40, 3] = ends[30:40, 5]
    rows = np.concatenate([np.arange(distinct), rng.integers(0, distinct, 3 * distinct)])
    target = crops._unit(crops._sample_profiles(profiles[rows], np.broadcast_to(
        crops.INNER + crops._PROFILE_T * (1 - 2 * crops.INNER), (len(rows), len(crops._PROFILE_T)))))
    target[::2] = crops._unit(rng.random((len(target[::2]), len(crops._PROFILE_T))))
    exact = crops._frame_scores(profiles, starts, ends, rows, target)
    top = np.sort(exact, axis=1)
    assert ((top[:, -1] - top[:, -2]) < 1e-12).sum() > 50  # near-ties and ties are there
    best = crops._best_frames(profiles, starts, ends, rows, target, piece)
    assert np.array_equal(best, np.argmax(exact, axis=1))
    flat = np.isin(rows, np.arange(10))
    assert (best[flat] == 0).all()  # all scores 0: the first frame, as np.argmax says


def _frames_to_sample(rng, rows, frames, lo, hi):
    starts = rng.uniform(lo, hi, (rows, frames))
    ends = rng.uniform(lo, hi, (rows, frames))
    starts[:, :4] = [lo, hi, lo, 0.5]  # samples at and beyond both ends of the profile
    ends[:, :4] = [hi, lo, lo + 1e-12, 0.5]
    return starts, ends


def test_the_padded_samples_are_those_of_sample_frames_within_the_proven_bound(look_alike):
    """dedup.crops._padded_samples (padded profiles, positions as A + T B, low + f (high - low))
    differs from _sample_frames' values (clipped positions, q0 (1 - f) + q1 f) by no more than the
    E = (4 X + 2048) u M that _score_error's proof adds, on the films' 8-bit profile means and on
    arbitrary float profiles, frames anywhere in the padded span, beyond either end included; and
    off by one place in the padding or the rises, it would differ by a whole step of the profile."""
    thumbs, _ = look_alike
    rng = np.random.default_rng(11)
    films = thumbs[rng.integers(0, len(thumbs), 70)].mean(axis=1, dtype=np.float32)
    floats = (rng.standard_normal((70, 64)) * 60 + 100).astype(np.float32)
    lo, hi = crops._PADDED_SPAN
    starts, ends = _frames_to_sample(rng, len(films), 30, lo, hi)
    assert crops._within_padding(starts, ends)
    for profiles in (films, floats):
        piece = 64
        exact = np.empty(starts.shape + (len(crops._PROFILE_T),))
        cheap = np.empty_like(exact)
        scratch = np.empty((piece,) + exact.shape[1:])
        for first in range(0, len(profiles), piece):
            crops._sample_frames(profiles, starts, ends, first, first + piece, scratch, exact)
            crops._padded_samples(profiles, starts, ends, first, first + piece, scratch, cheap)
        largest = np.abs(profiles).max(axis=1)[:, None, None]
        bound = (4 * crops._SEGMENT * piece + 2048) * crops._ROUNDOFF * largest
        assert (np.abs(cheap - exact) <= bound).all()
        assert (cheap != exact).any()  # rounded differently: the bound is needed


def test_frames_beyond_the_padding_are_sampled_as_before(kernels):
    """Frames reaching beyond the padded span (or NaN) are sampled by _sample_frames itself, and the
    best frames still are np.argmax of the exact scores."""
    rng = np.random.default_rng(12)
    profiles = (rng.random((20, 64)) * 255).astype(np.float32)
    starts, ends = _frames_to_sample(rng, len(profiles), 9, -0.5, 1.5)
    assert not crops._within_padding(starts, ends)
    assert not crops._within_padding(np.array([[np.nan]]), np.array([[1.0]]))
    rows = np.arange(len(profiles))
    target = crops._unit(rng.random((len(rows), len(crops._PROFILE_T))))
    best = crops._best_frames(profiles, starts, ends, rows, target)
    assert np.array_equal(best, _exact_best(profiles, starts, ends, rows, target))


def test_the_compiled_pick_is_the_numpy_pick_within_the_proven_bound(look_alike):
    """dedup.compiled.frame_pick (numba: the same samples and scores as _best_frames' numpy pick,
    its additions in another order, positions within one padded profile) gives each frame's spread
    within float64 rounding of numpy's, and each pair's margin over its second frame within twice
    the proven error bound of numpy's margin; where numpy's best frame wins by more than that, the
    kernel's is the same frame. Rows met by several pairs, frames reaching both ends of the padding."""
    thumbs, _ = look_alike
    rng = np.random.default_rng(19)
    profiles = thumbs[rng.integers(0, len(thumbs), 40)].mean(axis=1, dtype=np.float32)
    lo, hi = crops._PADDED_SPAN
    starts = rng.uniform(lo, 0.3, (len(profiles), 25))  # frames anywhere in the span, none flat
    ends = rng.uniform(0.7, hi, (len(profiles), 25))
    rows = np.concatenate([np.arange(len(profiles)), rng.integers(0, len(profiles), 80)])
    target = crops._unit(crops._sample_profiles(profiles[rows], np.broadcast_to(
        crops.INNER + crops._PROFILE_T * (1 - 2 * crops.INNER), (len(rows), len(crops._PROFILE_T)))))
    best, margin, error = crops._compiled_pick(profiles, starts, ends, rows, target)
    numpy_best, numpy_margin, numpy_error = crops._numpy_pick(profiles, starts, ends, rows, target, 64, True)
    assert (error <= numpy_error).all()  # the kernel's positions reach less far: a bound no looser
    sure = numpy_margin > 4 * numpy_error[rows]
    assert sure.sum() > 100 and np.array_equal(best[sure], numpy_best[sure])
    assert (np.abs(margin - numpy_margin) <= 4 * numpy_error[rows]).all()  # each score within 2 bounds
    assert not np.array_equal(margin, numpy_margin)  # added in another order: the bound is needed


def test_the_crop_workers_find_the_kernels_loaded_before_they_fork(look_alike, monkeypatch):
    """numba's import and the kernel's load from its cache happen in the process that forks the crop
    part's workers, once, not in each worker (dedup.crops._Forked)."""
    thumbs, released = look_alike
    loaded = []
    monkeypatch.setattr(crops, "_compiled", lambda: loaded.append(multiprocessing.current_process().name))
    with crops._pool(2, crops._matching(CropIndex(thumbs), thumbs[released:], None, 16, 2)[2]):
        assert loaded == ["MainProcess"]


@pytest.mark.parametrize("met_at_once", [crops._MET_AT_ONCE, 3000])
def test_the_compiled_lookups_are_numpy_s_in_the_same_order(look_alike, met_at_once, monkeypatch):
    """dedup.compiled.hash_lookups gives _HashBands._lookups' arrays element for element (the same
    pairs in the same order, the same dtypes), in both layouts, in one group of hashes or many."""
    monkeypatch.setattr(crops, "_MET_AT_ONCE", met_at_once)
    thumbs, _ = look_alike
    bands = CropIndex(thumbs)._bands
    hashes = np.unique(region_signatures(thumbs[::4])[0])
    for layout in list(bands.layouts):
        bands.layouts = [layout]
        compiled = bands.within(hashes, CANDIDATE_BITS)
        with monkeypatch.context() as numpy_only:
            numpy_only.setattr(crops, "_compiled", lambda: None)
            expected = bands.within(hashes, CANDIDATE_BITS)
        assert len(expected[0]) > 1000
        for a, b in zip(compiled, expected):
            assert a.dtype == b.dtype and np.array_equal(a, b)


@pytest.mark.parametrize(("layout", "skipped"), [(0, None), (0, 2), (0, "random"), (1, None)])
def test_the_compiled_bucket_runs_are_numpy_s(look_alike, layout, skipped):
    """dedup.compiled.bucket_runs gives _HashBands._runs' integers (each probe's run, each band's
    reach, the band of each hash probed by its key alone) and the entries each hash meets, in both
    layouts, whichever band is skipped; at a radius past the skipping rule, none is skipped."""
    thumbs, _ = look_alike
    bands = CropIndex(thumbs)._bands
    layout = bands.layouts[layout]
    hashes = np.unique(region_signatures(thumbs[::4])[0])
    if skipped == "random":
        skipped = np.random.default_rng(4).integers(0, 4, len(hashes))
    for radius in (CANDIDATE_BITS, 7):
        runs, reach = bands._runs(layout, bands._bits(hashes), radius, skipped)
        firsts, counts, compiled_reach, met = bands._compiled_runs(layout, hashes, radius, skipped)
        assert np.array_equal(firsts, np.stack([lo for lo, _ in runs]))
        assert np.array_equal(counts, np.stack([n for _, n in runs]))
        assert np.array_equal(compiled_reach, np.stack(reach))
        assert np.array_equal(met, sum(n.reshape(len(hashes), -1).sum(axis=1) for _, n in runs))
        assert met.sum() > 10_000 and (radius == 7 or len(layout.probes) == 1 or (compiled_reach == 0).any())


def test_the_compiled_block_weights_are_numpy_s(look_alike):
    """crops._block_weights (numba: dedup.compiled.block_resampling) gives, bit for bit, the float32
    of _block_resampling's weights (two np.bincount in float64): on the frames aligned for look-alike
    pairs and on frames reaching past either end of the thumbnail, or empty."""
    thumbs, released = look_alike
    index = CropIndex(thumbs)
    pairs = np.array(_candidate_pairs(index, thumbs[released:], np.arange(released, len(thumbs))))
    aligned = _aligned(thumbs[pairs[:, 1]], thumbs[released:][pairs[:, 0]], _frame_of_region(pairs[:, 2]))
    rng = np.random.default_rng(6)
    starts = np.concatenate([aligned.x0, aligned.y0, rng.uniform(-0.3, 0.4, 500), [0.0, -1.0, 0.5, 1.0]])
    ends = np.concatenate([aligned.x1, aligned.y1, rng.uniform(0.6, 1.3, 500), [1.0, 2.0, 0.5, 1.0]])
    assert crops._compiled() is not None
    weights = crops._block_weights(starts, ends)
    assert weights.dtype == np.float32
    assert np.array_equal(weights, crops._block_resampling(starts, ends).astype(np.float32))


def _fill(kept, thumbs: np.ndarray, ids: np.ndarray) -> None:
    kept.of(thumbs[ids], ids) if isinstance(kept, crops._EntryBlocks) else kept.of(thumbs, ids)


@pytest.mark.parametrize("kind", ["blocks", "profiles"])
def test_numbers_kept_per_image_are_shared_by_the_forked_workers(look_alike, kind):
    """With ``shared`` (forked crop workers), the block vectors and profiles one process computes
    are known to the others, which read them instead of computing them again: the same numbers as
    computed in a process of its own."""
    thumbs, _ = look_alike
    ids = np.random.default_rng(7).permutation(len(thumbs))[:150]
    make = crops._EntryBlocks if kind == "blocks" else crops._ImageProfiles
    shared, alone = make(len(thumbs), shared=True), make(len(thumbs))
    child = multiprocessing.get_context("fork").Process(target=_fill, args=(shared, thumbs, ids[:100]))
    child.start()
    child.join()
    assert child.exitcode == 0 and shared.known.sum() == 100 and shared.known[ids[:100]].all()
    _fill(alone, thumbs, ids)
    _fill(shared, thumbs, ids)  # the other 50 computed here
    for name in ("vectors",) if kind == "blocks" else ("columns", "rows"):
        assert np.array_equal(getattr(shared, name), getattr(alone, name))
