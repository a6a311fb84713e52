"""Multi-panel figures: split the image along background gutters, read the sub-captions.

``split_panels`` is a recursive XY-cut: a row or column whose pixels are all (nearly) the
background colour, wide enough to be a gutter, separates two panels. It never guesses: when the cut
does not give the number of panels the caption names, or the panels look implausible, it keeps the
whole figure and says so (``reliable=False``), for a reviewer to split by hand.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field

import numpy as np
from PIL import Image

Box = tuple[int, int, int, int]  # x0, y0, x1, y1 in pixels of the figure image, x1/y1 exclusive


@dataclass
class Panel:
    box: Box
    png: bytes
    letter: str = ""


@dataclass
class PanelSplit:
    panels: list[Panel]
    reliable: bool
    #: Why the split is (not) trusted, for the reviewer.
    reason: str = ""
    width: int = 0
    height: int = 0
    background: int = 255
    extra: dict = field(default_factory=dict)

    @property
    def boxes(self) -> list[Box]:
        return [p.box for p in self.panels]


# --- Sub-captions ------------------------------------------------------------------------------

_PAREN = re.compile(
    r"\(\s*([a-hA-H])(?:\s*(?:[-–—,&]|and|to)\s*([a-hA-H]))?\s*\)")
# "A, Chest radiograph ..." / "B: day 7" / "C. Axial CT" at the start of the caption or a sentence.
_LEAD = re.compile(r"(?:(?<=^)|(?<=[.;:]\s)|(?<=[.;:]))\s*([A-H])(?:\s*(?:and|[-–,&])\s*([A-H]))?[,:.]\s+(?=\S)")


def _expand(first: str, last: str | None) -> list[str]:
    a, b = first.lower(), (last or first).lower()
    if b < a:
        return [a]
    return [chr(c) for c in range(ord(a), ord(b) + 1)]


def parse_subcaptions(caption: str) -> dict[str, str]:
    """Panel letter (lower case) -> its sub-caption.

    ``"(a) PA radiograph on day 3; (b) lateral view"`` -> ``{"a": "PA radiograph on day 3",
    "b": "lateral view"}``. Also ``A, ...`` / ``B: ...`` leads (RSNA), ranges ``(a-c)``/``(a, b)``
    and letters after their text (``on admission (a) and day 7 (b)``). Letters must run from
    ``a`` without gaps, so a stray "(n)" or "(C)" is not a panel.
    """
    caption = re.sub(r"\s+", " ", caption or "").strip()
    markers = [(m.start(), m.end(), _expand(m.group(1), m.group(2))) for m in _PAREN.finditer(caption)]
    if not _is_sequence(markers):
        markers = [(m.start(), m.end(), _expand(m.group(1), m.group(2))) for m in _LEAD.finditer(caption)]
    if not _is_sequence(markers):
        return {}
    afters = []
    for i, (start, end, letters) in enumerate(markers):
        stop = markers[i + 1][0] if i + 1 < len(markers) else len(caption)
        afters.append(_tidy(caption[end:stop]))
    trailing_style = sum(1 for t in afters if len(t) < 4 or re.match(r"^(?:and|or|,)\b", t)) > len(afters) / 2
    result: dict[str, str] = {}
    for i, (start, end, letters) in enumerate(markers):
        if trailing_style:
            begin = markers[i - 1][1] if i else max(caption.rfind(". ", 0, start) + 1, 0)
            text = _tidy(re.sub(r"^(?:and|or)\s+", "", _tidy(caption[begin:start])))
        else:
            text = afters[i]
        for letter in letters:
            result.setdefault(letter, text)
    return result


def _tidy(text: str) -> str:
    text = text.strip()
    text = re.sub(r"^[\s;,:.–-]+|[\s;,]+$", "", text)
    text = re.sub(r"(?<!\s)\s+(?:and|or)$", "", text)
    return text.rstrip(" ;,").rstrip(".") if not text.endswith("etc.") else text


def _is_sequence(markers: list[tuple[int, int, list[str]]]) -> bool:
    letters = [letter for _, _, group in markers for letter in group]
    if len(letters) < 2:
        return False
    return letters == [chr(ord("a") + i) for i in range(len(letters))]


# --- Splitting ---------------------------------------------------------------------------------

def _to_gray(image_bytes: bytes) -> tuple[Image.Image, np.ndarray]:
    image = Image.open(io.BytesIO(image_bytes))
    image.load()
    gray = np.asarray(image.convert("L"), dtype=np.int16)
    return image, gray


def _background(gray: np.ndarray) -> int:
    border = np.concatenate([gray[0], gray[-1], gray[:, 0], gray[:, -1]])
    # Figures are laid out on white (journals) or black (radiology composites) backgrounds.
    return 255 if np.mean(border > 200) >= np.mean(border < 55) else 0


def _runs(mask: np.ndarray) -> list[tuple[int, int]]:
    """[start, end) runs of True."""
    runs = []
    start = None
    for i, value in enumerate(mask):
        if value and start is None:
            start = i
        elif not value and start is not None:
            runs.append((start, i))
            start = None
    if start is not None:
        runs.append((start, len(mask)))
    return runs


def _cut(is_bg: np.ndarray, box: Box, min_gutter: int, depth: int = 0) -> list[Box]:
    x0, y0, x1, y1 = box
    region = is_bg[y0:y1, x0:x1]
    # Trim background margins first.
    rows = np.where(~region.all(axis=1))[0]
    cols = np.where(~region.all(axis=0))[0]
    if rows.size == 0 or cols.size == 0:
        return []
    x0, x1 = x0 + cols[0], x0 + cols[-1] + 1
    y0, y1 = y0 + rows[0], y0 + rows[-1] + 1
    region = is_bg[y0:y1, x0:x1]
    if depth > 6:
        return [(x0, y0, x1, y1)]
    # A gutter tolerates a few foreground pixels (a panel letter or an arrow crossing it).
    col_bg = region.mean(axis=0) >= 0.995
    row_bg = region.mean(axis=1) >= 0.995
    for axis, line_bg in (("x", col_bg), ("y", row_bg)):
        gutters = [(s, e) for s, e in _runs(line_bg) if e - s >= min_gutter and s > 0 and e < len(line_bg)]
        if not gutters:
            continue
        pieces: list[Box] = []
        start = 0
        for s, e in gutters + [(len(line_bg), len(line_bg))]:
            if axis == "x":
                pieces.append((x0 + start, y0, x0 + s, y1))
            else:
                pieces.append((x0, y0 + start, x1, y0 + s))
            start = e
        out: list[Box] = []
        for piece in pieces:
            out.extend(_cut(is_bg, piece, min_gutter, depth + 1))
        return out
    return [(x0, y0, x1, y1)]


def _area(box: Box) -> int:
    return max(0, box[2] - box[0]) * max(0, box[3] - box[1])


def _reading_order(boxes: list[Box]) -> list[Box]:
    """Rows top to bottom (boxes whose vertical centres overlap form a row), left to right."""
    rows: list[list[Box]] = []
    for box in sorted(boxes, key=lambda b: (b[1], b[0])):
        for row in rows:
            ref = row[0]
            if box[1] < ref[3] and box[3] > ref[1] and abs((box[1] + box[3]) / 2 - (ref[1] + ref[3]) / 2) < (ref[3] - ref[1]) / 2:
                row.append(box)
                break
        else:
            rows.append([box])
    return [b for row in rows for b in sorted(row, key=lambda b: b[0])]


def _png(image: Image.Image, box: Box | None = None) -> bytes:
    crop = image.crop(box) if box else image
    if crop.mode not in ("L", "RGB", "RGBA", "I;16"):
        crop = crop.convert("RGB")
    out = io.BytesIO()
    crop.save(out, format="PNG")
    return out.getvalue()


def split_panels(image_bytes: bytes, expected: int | None = None) -> PanelSplit:
    image, gray = _to_gray(image_bytes)
    height, width = gray.shape
    background = _background(gray)
    tolerance = 12
    whole = PanelSplit(panels=[Panel(box=(0, 0, width, height), png=_png(image))], reliable=False,
                       width=width, height=height, background=background)

    # Panels often touch the image edge, so the border colour does not always tell the gutter
    # colour: try the border's guess first, then the other one.
    candidates: list[tuple[list[Box], int]] = []
    for bg in (background, 255 - background):
        is_bg = np.abs(gray - bg) <= tolerance
        for fraction in (0.012, 0.006, 0.003):
            min_gutter = max(2, int(round(min(width, height) * fraction)))
            boxes = _cut(is_bg, (0, 0, width, height), min_gutter)
            # Specks (a letter or arrow alone between panels) are not panels.
            largest = max((_area(b) for b in boxes), default=0)
            boxes = [b for b in boxes if _area(b) >= 0.04 * largest and min(b[2] - b[0], b[3] - b[1]) >= 16]
            candidates.append((_reading_order(boxes), min_gutter))
            if len(boxes) > 1 and (expected is None or len(boxes) == expected):
                break
        if len(candidates[-1][0]) > 1 and (expected is None or len(candidates[-1][0]) == expected):
            whole.background = bg
            break
    boxes, min_gutter = max(candidates, key=lambda c: len(c[0]) > 1) if expected is None else candidates[-1]
    if expected is None:
        splits = [c for c in candidates if len(c[0]) > 1]
        boxes, min_gutter = splits[-1] if splits else candidates[0]
    if expected is not None:
        matching = [c for c in candidates if len(c[0]) == expected]
        if matching:
            boxes, min_gutter = matching[0]
        else:
            boxes, min_gutter = candidates[0]
    whole.extra["min_gutter_px"] = min_gutter

    if len(boxes) <= 1:
        whole.reliable = expected in (None, 1)
        whole.reason = "no gutter found" if expected not in (None, 1) else "single panel"
        return whole
    if expected is not None and len(boxes) != expected:
        whole.reason = f"found {len(boxes)} panels where the caption names {expected}"
        whole.extra["candidate_boxes"] = boxes
        return whole
    areas = [_area(b) for b in boxes]
    if min(areas) < 0.2 * max(areas):
        whole.reason = "panels of very unequal size"
        whole.extra["candidate_boxes"] = boxes
        return whole
    covered = sum(areas) / float(width * height)
    if covered < 0.5:
        whole.reason = f"panels cover only {covered:.0%} of the figure"
        whole.extra["candidate_boxes"] = boxes
        return whole
    panels = [Panel(box=tuple(int(v) for v in b), png=_png(image, b)) for b in boxes]
    return PanelSplit(panels=panels, reliable=True, reason=f"{len(panels)} panels split on gutters",
                      width=width, height=height, background=whole.background,
                      extra={"min_gutter_px": min_gutter})
