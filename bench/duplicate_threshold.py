"""Calibrate the near-duplicate threshold of the export gate (Hamming distance of 64-bit pHashes).

Generates synthetic radiograph-like images (a body outline, two lung fields, ribs, spine, heart,
diaphragm, random anatomy proportions, blur and noise: all the "same kind" of image, as chest films
are), then pairs each with edited copies of itself (JPEG recompression q 60-95, resizing 0.5-2x,
crops of up to 5% per side, contrast and brightness changes, and combinations) and with every
other generated image. Prints, per threshold, the true match rate (edited copies found) and the
false match rate (distinct images matched), and recommends the largest threshold whose false
match rate stays at or below 0.1 %.

    .venv/bin/python bench/duplicate_threshold.py [--images 300] [--seed 0]
"""

from __future__ import annotations

import argparse
import io
import sys
from pathlib import Path

import imagehash
import numpy as np
from PIL import Image, ImageEnhance, ImageFilter

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from exports.gates import COMBINED_THRESHOLD, DUPLICATE_THRESHOLD, match_distances  # noqa: E402
from ingest.imaging import centred_phash, phash_distance  # noqa: E402

#: The scale the false match rate is judged at: a release of 10,000 new images against 100,000.
SCALE_NEW, SCALE_RELEASED = 10_000, 100_000


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
    heart = ((x - cx - rng.uniform(0.02, 0.08)) / rng.uniform(0.1, 0.16)) ** 2 + ((y - rng.uniform(0.6, 0.68)) / rng.uniform(0.1, 0.14)) ** 2 < 1
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--images", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=0)
    opts = parser.parse_args()
    rng = np.random.default_rng(opts.seed)
    orig_p, orig_c = [], []
    pos: dict[str, list[tuple[int, int]]] = {}
    for _ in range(opts.images):
        img = radiograph(rng)
        p, c = imagehash.phash(img), centred_phash(img)
        orig_p.append(str(p))
        orig_c.append(c)
        for kind, edited in edits(img, rng).items():
            pos.setdefault(kind, []).append((p - imagehash.phash(edited), phash_distance(c, centred_phash(edited))))
    hp, hc = _ints(orig_p), _ints(orig_c)
    i, j = np.triu_indices(len(hp), 1)
    neg_p = np.bitwise_count(hp[i] ^ hp[j]).astype(int)
    neg_c = np.bitwise_count(hc[i] ^ hc[j]).astype(int)
    n_pairs = neg_p.size
    all_pos = np.array([d for ds in pos.values() for d in ds])
    print(f"{opts.images} synthetic radiographs, {len(all_pos)} edited copies, {n_pairs:,} distinct pairs")
    print(f"distinct pairs: pHash min {neg_p.min()} median {np.median(neg_p):.0f}; centred min {neg_c.min()} "
          f"median {np.median(neg_c):.0f}; sum min {(neg_p + neg_c).min()} median {np.median(neg_p + neg_c):.0f}")
    print("edited copies, median pHash/centred distance: " + ", ".join(
        f"{k} {np.median([d[0] for d in v]):.0f}/{np.median([d[1] for d in v]):.0f}" for k, v in pos.items()))
    pairs = SCALE_NEW * SCALE_RELEASED
    rules = [("pHash <= 2 (before)", lambda p, c: p <= 2)]
    rules += [(f"pHash <= {t} or centred <= {t}", lambda p, c, t=t: (p <= t) | (c <= t)) for t in (2, 4)]
    rules += [(f"pHash + centred <= {t}", lambda p, c, t=t: (p + c) <= t) for t in (2, 4, 6, 7)]
    kinds = list(pos)
    print(f"{'rule':28} {'true all':>8} " + " ".join(f"{k[:12]:>12}" for k in kinds)
          + f" {'false rate':>11} {'false/1e9':>10}")
    for name, rule in rules:
        per = [float(rule(np.array([d[0] for d in pos[k]]), np.array([d[1] for d in pos[k]])).mean()) for k in kinds]
        tmr = float(rule(all_pos[:, 0], all_pos[:, 1]).mean())
        hits = int(rule(neg_p, neg_c).sum())
        fmr = hits / n_pairs
        bound = f"<{3 / n_pairs * pairs:,.0f}" if hits == 0 else f"{fmr * pairs:,.0f}"  # rule of three if none seen
        print(f"{name:28} {tmr:8.3f} " + " ".join(f"{x:12.3f}" for x in per) + f" {fmr:11.2e} {bound:>10}")
    p, c = all_pos[:, 0], all_pos[:, 1]
    rule_hits = np.array([match_distances(int(a), int(b)) is not None for a, b in zip(p, c)])
    neg_hits = sum(1 for a, b in zip(neg_p, neg_c) if a + b <= 16 and match_distances(int(a), int(b)) is not None)
    print(f"exports.gates.near_duplicate (pHash + centred <= {COMBINED_THRESHOLD}; pHash <= {DUPLICATE_THRESHOLD} "
          "where a centred hash is missing): "
          f"true match rate {rule_hits.mean():.4f}, false matches {neg_hits} of {n_pairs:,} pairs "
          f"(expected per {SCALE_NEW:,} new x {SCALE_RELEASED:,} released: "
          f"{'<' + format(3 / n_pairs * pairs, ',.0f') if neg_hits == 0 else format(neg_hits / n_pairs * pairs, ',.0f')})")


if __name__ == "__main__":
    main()
