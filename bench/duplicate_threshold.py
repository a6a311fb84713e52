"""Calibrate the near-duplicate rule of the export gate and the review page, and measure it.

Generates synthetic radiograph-like images (a body outline, two lung fields, ribs, spine, heart,
diaphragm, random anatomy proportions, blur and noise: all the "same kind" of image, as chest films
are), then pairs each with edited copies of itself (JPEG recompression q 60-95, resizing 0.5-2x,
crops of up to 5% per side either way round, contrast and brightness changes, and combinations)
and judges every other pairing as distinct. The rule has two parts:

- hashes (dedup.hashes.near_duplicate): pHash + brightness-centred pHash within a threshold;
- another frame (dedup/crops.py): candidates from region hashes of the 64 x 64 thumbnails,
  thinned by their DCT coefficients, verified by the correlation of the aligned detail.

Prints, for the hash part, the true and false match rates per threshold; for the crop part, the
pairs left after each stage and the detail correlation of true and distinct candidates (the margin
``DETAIL_MIN`` sits in); then the whole rule: true match rate per edit, false matches among all
distinct pairs judged, and what that rate means for a release of 10,000 images against 100,000.

    .venv/bin/python bench/duplicate_threshold.py [--images 1000] [--seed 0]
"""

from __future__ import annotations

import argparse
import io
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import imagehash
import numpy as np
from PIL import Image, ImageEnhance, ImageFilter

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from dedup.crops import (  # noqa: E402
    CANDIDATE_BITS,
    COEFFICIENT_MIN,
    DETAIL_MIN,
    DETAIL_SHARE_MIN,
    SHAPE_MIN,
    CropIndex,
    CropMatch,
    crop_matches,
    detail_shares,
    hash_matches_confirmed,
    region_signatures,
    thumb_array,
)
from dedup.hashes import COMBINED_THRESHOLD, DUPLICATE_THRESHOLD, match_distances  # noqa: E402
from media.imaging import centred_phash, phash_distance, thumbnail  # noqa: E402

#: The scale the false match rate is judged at: a release of 10,000 new images against 100,000.
SCALE_NEW, SCALE_RELEASED = 10_000, 100_000
#: The edit whose released copy is the crop (the new image is the whole film).
REVERSED = "crop <=5%, released is the crop"


def radiograph(rng: np.random.Generator, size: int = 512) -> Image.Image:
    """A chest-film-like image: bright body, dark lungs, ribs, spine, heart, noise."""
    y, x = np.mgrid[0:size, 0:size] / size
    img = np.full((size, size), 0.05 + 0.05 * rng.random())
    cx = 0.5 + rng.normal(0, 0.03)
    body = ((x - cx) / rng.uniform(0.38, 0.48)) ** 2 + ((y - 0.55) / rng.uniform(0.5, 0.6)) ** 2 < 1
    img[body] = rng.uniform(0.55, 0.75)
    for side in (-1, 1):
        lx = cx + side * rng.uniform(0.14, 0.2)
        ly = rng.uniform(0.42, 0.5)
        lung = ((x - lx) / rng.uniform(0.1, 0.15)) ** 2 + ((y - ly) / rng.uniform(0.22, 0.3)) ** 2 < 1
        img[lung] = rng.uniform(0.15, 0.3)
        # opacities (consolidation) in some lungs
        for _ in range(rng.integers(0, 4)):
            ox, oy, r = lx + rng.normal(0, 0.05), ly + rng.normal(0, 0.1), rng.uniform(0.02, 0.07)
            img += 0.25 * np.exp(-(((x - ox) ** 2 + (y - oy) ** 2) / (2 * r * r))) * lung
    spine = np.abs(x - cx) < rng.uniform(0.03, 0.05)
    img[spine & body] += 0.2
    heart = (((x - cx - rng.uniform(0.02, 0.08)) / rng.uniform(0.1, 0.16)) ** 2
             + ((y - rng.uniform(0.6, 0.68)) / rng.uniform(0.1, 0.14)) ** 2 < 1)
    img[heart] = np.maximum(img[heart], rng.uniform(0.6, 0.8))
    period = rng.uniform(0.045, 0.065)
    phase = rng.uniform(0, period)
    curve = rng.uniform(0.1, 0.3)
    ribs = (np.abs(((y + curve * (x - cx) ** 2 - phase) % period) - period / 2) < period * 0.15) & body
    img[ribs] += 0.12
    diaphragm = y > rng.uniform(0.72, 0.8) + 0.1 * (x - cx) ** 2
    img[diaphragm & body] = np.maximum(img[diaphragm & body], 0.7)
    img += rng.normal(0, 0.03, img.shape)
    out = Image.fromarray(np.clip(img * 255, 0, 255).astype(np.uint8), "L")
    return out.filter(ImageFilter.GaussianBlur(rng.uniform(1.0, 3.0)))


def jpeg(img: Image.Image, quality: int) -> Image.Image:
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=quality)
    return Image.open(io.BytesIO(buf.getvalue())).convert("L")


def crop(img: Image.Image, rng: np.random.Generator, most: float = 0.05) -> Image.Image:
    w, h = img.size
    left, top = int(w * rng.uniform(0, most)), int(h * rng.uniform(0, most))
    right, bottom = w - int(w * rng.uniform(0, most)), h - int(h * rng.uniform(0, most))
    return img.crop((left, top, right, bottom))


def edits(img: Image.Image, rng: np.random.Generator) -> dict[str, Image.Image]:
    w, h = img.size
    scale_down, scale_up = rng.uniform(0.5, 0.9), rng.uniform(1.1, 2.0)
    return {
        "jpeg q60-95": jpeg(img, int(rng.integers(60, 96))),
        "resize 0.5-0.9x": img.resize((int(w * scale_down), int(h * scale_down)), Image.LANCZOS),
        "resize 1.1-2x": img.resize((int(w * scale_up), int(h * scale_up)), Image.BICUBIC),
        "crop <=5%": crop(img, rng),
        "contrast 0.7-1.4": ImageEnhance.Contrast(img).enhance(rng.uniform(0.7, 1.4)),
        "brightness 0.8-1.2": ImageEnhance.Brightness(img).enhance(rng.uniform(0.8, 1.2)),
        "combined": jpeg(ImageEnhance.Contrast(crop(img, rng, 0.03)).enhance(rng.uniform(0.8, 1.2))
                         .resize((int(w * 0.7), int(h * 0.7)), Image.LANCZOS), int(rng.integers(60, 96))),
    }


def _ints(hashes) -> np.ndarray:
    return np.array([int(str(h), 16) for h in hashes], dtype=np.uint64)


def _bound(hits: int, pairs: int) -> str:
    """Expected false matches at SCALE_NEW x SCALE_RELEASED (rule of three when none was seen)."""
    scale = SCALE_NEW * SCALE_RELEASED
    return f"<{3 / pairs * scale:,.0f}" if hits == 0 else f"{hits / pairs * scale:,.0f}"


def _crop_stages(index: CropIndex, queries: np.ndarray, own: np.ndarray):
    """Run the crop part (dedup.crops.crop_matches, every verdict kept) and count, beside it, the
    pairs whose region hashes are close (among the thumbnails with enough detail to be judged).
    Returns (pairs with close hashes, [(query, entry, CropMatch) of every pair verified])."""
    hashed = 0
    judged = np.flatnonzero(detail_shares(queries) >= DETAIL_SHARE_MIN)
    for start in range(0, len(judged), 64):
        rows = judged[start:start + 64]
        hashes, _ = region_signatures(queries[rows])
        close = np.bitwise_count(hashes[:, :, None] ^ index.hashes[None, None, :]).min(axis=1) <= CANDIDATE_BITS
        close &= index.judged[None, :]
        close[own[rows] >= 0, own[rows][own[rows] >= 0]] = False
        hashed += int(close.sum())
    return hashed, list(crop_matches(index, queries, own, verdicts=True, workers=2))


@dataclass
class Films:
    """The generated films' hashes and thumbnails, and those of their edited copies."""

    phash: list[str] = field(default_factory=list)
    chash: list[str] = field(default_factory=list)
    thumbs: list[np.ndarray] = field(default_factory=list)
    #: edit kind -> (film, phash, chash, thumb) of each edited copy
    copies: dict[str, list[tuple[int, str, str, np.ndarray]]] = field(default_factory=dict)
    #: the thumbnails of a crop of each film (the released copy is the crop)
    reversed_thumbs: list[np.ndarray] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.phash)

    @property
    def kinds(self) -> list[str]:
        return [*self.copies, REVERSED]


@dataclass
class HashPart:
    """The hash distances of the edited copies to their films (per edit) and of distinct film pairs."""

    #: edit kind -> (pHash distance, centred distance) of each copy to its film
    pos: dict[str, np.ndarray]
    #: the distinct pairs (i[k], j[k]) and their pHash and centred distances
    i: np.ndarray
    j: np.ndarray
    neg_p: np.ndarray
    neg_c: np.ndarray


@dataclass
class CropPart:
    """The crop part's candidates: (query, film, match) of the copies and films against the films,
    and of the films against the crops of the films (``reversed_details``)."""

    details: list
    reversed_details: list
    #: pairs within the region hash's bits (copies and films; films against crops)
    hashed: int
    reversed_hashed: int
    owner: np.ndarray
    query_kind: list[str]
    query_thumbs: np.ndarray
    seconds: float
    pairs_true: int
    pairs_distinct: int
    true_matches: dict[str, list[CropMatch]]
    false_matches: list[CropMatch]


def _generate(images: int, size: int, rng: np.random.Generator) -> Films:
    films = Films()
    for n in range(images):
        img = radiograph(rng, size)
        films.phash.append(str(imagehash.phash(img)))
        films.chash.append(centred_phash(img))
        films.thumbs.append(thumb_array(thumbnail(img)))
        for kind, edited in edits(img, rng).items():
            films.copies.setdefault(kind, []).append((n, str(imagehash.phash(edited)), centred_phash(edited),
                                                      thumb_array(thumbnail(edited))))
        films.reversed_thumbs.append(thumb_array(thumbnail(crop(img, rng))))
    return films


def _hash_part(films: Films) -> HashPart:
    """The hash part, per threshold: the true match rate per edit and the false matches."""
    hp, hc = _ints(films.phash), _ints(films.chash)
    i, j = np.triu_indices(len(hp), 1)
    neg_p = np.bitwise_count(hp[i] ^ hp[j]).astype(int)
    neg_c = np.bitwise_count(hc[i] ^ hc[j]).astype(int)
    pos = {k: np.array([(phash_distance(films.phash[f], p), phash_distance(films.chash[f], c)) for f, p, c, _ in v])
           for k, v in films.copies.items()}
    print(f"\nhash part: distinct films, pHash distance min {neg_p.min()} median {np.median(neg_p):.0f}; "
          f"pHash + centred min {(neg_p + neg_c).min()} median {np.median(neg_p + neg_c):.0f}")
    print("edited copies, median pHash/centred distance: " + ", ".join(
        f"{k} {np.median(v[:, 0]):.0f}/{np.median(v[:, 1]):.0f}" for k, v in pos.items()))
    rules = [("pHash <= 2", lambda p, c: p <= 2)]
    rules += [(f"pHash + centred <= {t}", lambda p, c, t=t: (p + c) <= t) for t in (4, 6, 8)]
    print(f"{'rule':24} " + " ".join(f"{k[:12]:>12}" for k in films.copies) + f" {'false':>7} {'of pairs':>10}")
    for name, rule in rules:
        print(f"{name:24} " + " ".join(f"{float(rule(v[:, 0], v[:, 1]).mean()):12.3f}" for v in pos.values())
              + f" {int(rule(neg_p, neg_c).sum()):7d} {neg_p.size:10,}")
    return HashPart(pos, i, j, neg_p, neg_c)


def _crop_part(films: Films) -> CropPart:
    """The crop part's candidates, each copy and film against the films, each film against the crops."""
    t0 = time.perf_counter()
    images = films.count
    index = CropIndex(np.stack(films.thumbs))
    query_t = np.stack([t for v in films.copies.values() for *_, t in v] + films.thumbs)
    owner = np.array([f for v in films.copies.values() for f, *_ in v] + list(range(images)))
    query_kind = [k for k, v in films.copies.items() for _ in v] + ["distinct"] * images
    own = np.array([-1] * (len(query_t) - images) + list(range(images)))  # originals skip themselves
    hashed, details = _crop_stages(index, query_t, own)
    reversed_index = CropIndex(np.stack(films.reversed_thumbs))
    r_hashed, r_details = _crop_stages(reversed_index, np.stack(films.thumbs), np.full(images, -1))
    seconds = time.perf_counter() - t0
    n_copies = len(query_t) - images
    # copies x other films, films x other films (once: crop_matches verifies a pair of queries once),
    # films x the crops of other films
    pairs_distinct = n_copies * (images - 1) + images * (images - 1) // 2 + images * (images - 1)
    true_matches: dict[str, list[CropMatch]] = {k: [] for k in films.kinds}
    false_matches: list[CropMatch] = []
    for q, e, m in details:
        (true_matches[query_kind[q]] if e == owner[q] else false_matches).append(m)
    for q, e, m in r_details:
        (true_matches[REVERSED] if e == q else false_matches).append(m)
    return CropPart(details, r_details, hashed, r_hashed, owner, query_kind, query_t, seconds,
                    n_copies + len(films.reversed_thumbs), pairs_distinct, true_matches, false_matches)


def _print_crop_part(films: Films, part: CropPart) -> None:
    """The pairs left after each stage, and the correlations of true and distinct candidates."""
    pairs_true, pairs_distinct, false_matches = part.pairs_true, part.pairs_distinct, part.false_matches
    print(f"\ncrop part ({part.seconds:.0f} s): {pairs_true:,} true pairs, {pairs_distinct:,} distinct pairs judged")
    shares = detail_shares(np.concatenate([part.query_thumbs, np.stack(films.reversed_thumbs)]))
    print(f"  thumbnails with enough detail to be judged (share >= {DETAIL_SHARE_MIN}): "
          f"{(shares >= DETAIL_SHARE_MIN).mean():.1%} (median share {np.median(shares):.4f})")
    hashed = part.hashed + part.reversed_hashed
    print(f"  region hash within {CANDIDATE_BITS} bits: {hashed:,} pairs "
          f"({hashed / (pairs_true + pairs_distinct):.2%})")
    print(f"  coefficients >= {COEFFICIENT_MIN}: {len(part.details) + len(part.reversed_details):,} pairs verified, "
          f"{len(false_matches):,} of them distinct")
    tm = [m for v in part.true_matches.values() for m in v]
    for name, attr, chosen in (("detail", "detail", DETAIL_MIN), ("picture", "shape", SHAPE_MIN)):
        fd = np.array([getattr(m, attr) for m in false_matches] or [0.0])
        td = np.array([getattr(m, attr) for m in tm])
        print(f"  {name} correlation: distinct candidates max {fd.max():.4f} (99th pct {np.quantile(fd, 0.99):.4f}); "
              f"true candidates min {td.min():.4f} (1st pct {np.quantile(td, 0.01):.4f}); chosen >= {chosen}")
    for d_min, s_min in ((DETAIL_MIN, 0.0), (0.0, SHAPE_MIN), (0.80, SHAPE_MIN), (DETAIL_MIN, SHAPE_MIN),
                         (0.90, 0.995)):
        found = sum(m.detail >= d_min and m.shape >= s_min for m in tm)
        false = sum(m.detail >= d_min and m.shape >= s_min for m in false_matches)
        print(f"  detail >= {d_min:.2f} and picture >= {s_min:.3f}: "
              f"true found {found / pairs_true:.3f}, false {false}")


def _print_rule(films: Films, hashes: HashPart, part: CropPart) -> None:
    """The whole rule: the true match rate per edit, the false matches and what they mean at scale."""
    crop_true = {k: {q for q, e, m in part.details if part.query_kind[q] == k and e == part.owner[q] and m.same}
                 for k in films.copies}
    crop_true[REVERSED] = {q for q, e, m in part.reversed_details if e == q and m.same}
    offsets, start = {}, 0
    for k, v in films.copies.items():
        offsets[k] = start
        start += len(v)
    print(f"\nthe rule (hash part: pHash + centred <= {COMBINED_THRESHOLD}, pHash <= {DUPLICATE_THRESHOLD} without a "
          f"centred hash; crop part: detail >= {DETAIL_MIN} and picture >= {SHAPE_MIN})")
    print("(hashes: matched by the hash rule and confirmed by the aligned detail, dedup.crops.hash_matches_confirmed)")
    print(f"{'edit':34} {'hashes':>7} {'crops':>7} {'rule':>7}")
    found_all = total = 0
    for k in films.kinds:
        if k == REVERSED:
            by_hash = np.zeros(films.count, dtype=bool)
            by_crop = np.array([q in crop_true[k] for q in range(films.count)])
        else:
            v = hashes.pos[k]
            hashed = [match_distances(int(a), int(b)) is not None for a, b in v]
            stands = iter(hash_matches_confirmed([(films.thumbs[f], t)
                                                  for (f, *_, t), h in zip(films.copies[k], hashed) if h]))
            by_hash = np.array([h and next(stands) for h in hashed])
            by_crop = np.array([offsets[k] + q in crop_true[k] for q in range(len(v))])
        rule = by_hash | by_crop
        found_all += int(rule.sum())
        total += len(rule)
        print(f"{k:34} {by_hash.mean():7.3f} {by_crop.mean():7.3f} {rule.mean():7.3f}")
    hashed_false = [(a_, b_) for a_, b_, dp, dc in zip(hashes.i, hashes.j, hashes.neg_p, hashes.neg_c)
                    if dp + dc <= 16 and match_distances(int(dp), int(dc)) is not None]
    hash_false = sum(hash_matches_confirmed([(films.thumbs[a_], films.thumbs[b_]) for a_, b_ in hashed_false]))
    crop_false = sum(m.same for m in part.false_matches)
    judged = part.pairs_distinct
    print(f"true match rate {found_all / total:.4f} ({found_all:,} of {total:,} edited copies); "
          f"false matches {hash_false + crop_false} (hashes {hash_false} of {hashes.neg_p.size:,} pairs, "
          f"crops {crop_false} of {judged:,}); expected per {SCALE_NEW:,} new x {SCALE_RELEASED:,} released: "
          f"{_bound(hash_false + crop_false, judged)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--images", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--size", type=int, default=512, help="side of the generated films in pixels")
    opts = parser.parse_args()
    t0 = time.perf_counter()
    films = _generate(opts.images, opts.size, np.random.default_rng(opts.seed))
    copies = sum(map(len, films.copies.values())) + len(films.reversed_thumbs)
    print(f"{opts.images} synthetic radiographs, {copies} edited copies "
          f"(generated in {time.perf_counter() - t0:.0f} s)")
    hashes = _hash_part(films)
    part = _crop_part(films)
    _print_crop_part(films, part)
    _print_rule(films, hashes, part)

if __name__ == "__main__":
    main()
