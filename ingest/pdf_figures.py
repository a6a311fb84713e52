"""Figures of a paper's PDF: image, page, box, caption and panel letters (pdfplumber).

How a figure is found:
1. embedded images (pdfplumber ``page.images``) closer than ``_JOIN_PT`` are one figure (journals
   often embed each panel as its own image);
2. a caption is a text line starting with "Fig. N" / "Figure N:" / "Figura N" (a supplement's
   "Figure S1." / "Fig. S2" / "Supplementary Figure 1": numbered apart, S1 is 101) whose label is
   followed by punctuation, a bold label or a capital (so "Figure 1 shows ..." in the body is
   not one), lying just below (or else just above) the image group and overlapping it horizontally;
3. the caption runs on while lines keep its font size and spacing, into the top of the next
   column (or page) when the column ends mid-sentence;
4. a page that is one page-sized image is a scan: the figure is the photo-like block above its
   caption (the caption comes from the OCR text layer).
Boxes are pdfplumber's: points, origin top-left (x0, top, x1, bottom).
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field

import numpy as np
import pdfplumber
from PIL import Image

from ingest.jats import SUPPLEMENT_NUMBER
from ingest.panels import parse_subcaptions
from schema import IngestError

_JOIN_PT = 12.0
_MIN_IMAGE_PT = 36.0
#: A figure label opening a caption: "Fig. 2", "FIGURE 2", "Figura 2"; a supplement's own figures
#: "Figure S1", "Fig. S2", "Supplementary Figure 1", "Suppl. Fig. 3" (``supplement`` or ``s`` matched); the label
#: joined to its number by a hyphen as South Asian journals print it ("Figure-1:", "Fig-2:").
_CAPTION = re.compile(r"^\s*(?P<supplement>(?:Supplementa(?:ry|l)|SUPPLEMENTA(?:RY|L)|Suppl\.)\s*)?"
                      r"(?P<word>Fig(?:ure|ura)?s?\.?|FIG(?:URE|URA)?\.?)\s*(?:[-‐–]\s*)?(?P<s>S(?=\d))?(?P<number>\d+)"
                      r"\s*(?P<end>[.:|—–-]|\s+(?=[A-Z(\[])|$)")


class NotAPdf(IngestError, ValueError):
    """The body is not a PDF (an HTML error page saved as .pdf, a captcha, ...)."""


@dataclass
class PdfFigure:
    number: int
    page: int  # 1-based
    bbox: tuple[float, float, float, float]
    caption: str
    panel_letters: list[str]
    image_bytes: bytes  # PNG at the embedded images' own resolution
    label: str = ""
    extra: dict = field(default_factory=dict)


@dataclass
class _Line:
    x0: float
    top: float
    x1: float
    bottom: float
    text: str
    size: float
    bold: bool


def _lines(page: pdfplumber.page.Page) -> list[_Line]:
    words = page.extract_words(extra_attrs=["fontname", "size"], keep_blank_chars=False, use_text_flow=False)
    rows: dict[int, list[dict]] = {}
    for w in words:
        rows.setdefault(int(round(w["top"] / 2.0)), []).append(w)
    lines: list[_Line] = []
    for _, row in sorted(rows.items()):
        row.sort(key=lambda w: w["x0"])
        segment: list[dict] = []
        for w in row + [None]:
            # A horizontal gap wider than a few spaces is a column gutter: split the line there.
            if w is not None and (not segment or w["x0"] - segment[-1]["x1"] < 3.2 * segment[-1]["size"] * 0.5 + 4):
                segment.append(w)
                continue
            if segment:
                lines.append(_Line(
                    x0=segment[0]["x0"], top=min(s["top"] for s in segment), x1=segment[-1]["x1"],
                    bottom=max(s["bottom"] for s in segment), text=" ".join(s["text"] for s in segment),
                    size=round(float(np.median([s["size"] for s in segment])), 1),
                    bold="bold" in segment[0]["fontname"].lower()))
            segment = [w] if w is not None else []
    lines.sort(key=lambda l: (l.top, l.x0))
    return lines


def _groups(images: list[dict]) -> list[list[dict]]:
    groups: list[list[dict]] = []
    for image in images:
        merged = [g for g in groups if any(
            image["x0"] - _JOIN_PT <= o["x1"] and o["x0"] - _JOIN_PT <= image["x1"]
            and image["top"] - _JOIN_PT <= o["bottom"] and o["top"] - _JOIN_PT <= image["bottom"] for o in g)]
        for g in merged:
            groups.remove(g)
        groups.append([image] + [o for g in merged for o in g])
    return groups


def _union(items) -> tuple[float, float, float, float]:
    return (min(i["x0"] for i in items), min(i["top"] for i in items),
            max(i["x1"] for i in items), max(i["bottom"] for i in items))


def _decode(image: dict) -> Image.Image | None:
    """The embedded image at its own resolution, or None when the encoding is not handled here."""
    stream = image["stream"]
    filters = [f[0].name if hasattr(f[0], "name") else str(f[0]) for f in stream.get_filters()]
    try:
        data = stream.get_data()
    except Exception:  # pdfminer raises assorted errors on filters it does not implement
        return None
    if "DCTDecode" in filters or "JPXDecode" in filters:
        try:
            decoded = Image.open(io.BytesIO(data))
            decoded.load()
            return decoded
        except Exception:
            return None
    width, height = (int(v) for v in image["srcsize"])
    bits = int(stream.get("BitsPerComponent", 8) or 8)
    if bits != 8 or not width or not height:
        return None
    components = len(data) // (width * height)
    mode = {1: "L", 3: "RGB", 4: "CMYK"}.get(components)
    if mode is None:
        return None
    return Image.frombytes(mode, (width, height), data[: width * height * components])


def _render(page, bbox, resolution: int = 300) -> Image.Image:
    return page.crop(bbox).to_image(resolution=resolution).original


def _png(image: Image.Image) -> bytes:
    if image.mode not in ("L", "RGB", "RGBA"):
        image = image.convert("RGB")
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def _compose(page, group: list[dict], bbox) -> tuple[Image.Image, dict]:
    if len(group) == 1:
        decoded = _decode(group[0])
        if decoded is not None:
            return decoded, {"transform": "embedded image, native pixels"}
        return _render(page, bbox), {"transform": "rendered at 300 dpi (unhandled image encoding)"}
    # Several embedded panels: paste them at the finest native scale onto one canvas.
    decoded = [(_decode(i), i) for i in group]
    if any(d is None for d, _ in decoded):
        return _render(page, bbox), {"transform": "rendered at 300 dpi (unhandled image encoding)"}
    scale = max(d.width / max(i["x1"] - i["x0"], 1e-6) for d, i in decoded)
    width = int(round((bbox[2] - bbox[0]) * scale))
    height = int(round((bbox[3] - bbox[1]) * scale))
    canvas = Image.new("L" if all(d.mode == "L" for d, _ in decoded) else "RGB", (width, height), "white")
    boxes = []
    for d, i in decoded:
        box = (int(round((i["x0"] - bbox[0]) * scale)), int(round((i["top"] - bbox[1]) * scale)),
               int(round((i["x1"] - bbox[0]) * scale)), int(round((i["bottom"] - bbox[1]) * scale)))
        canvas.paste(d.convert(canvas.mode).resize((box[2] - box[0], box[3] - box[1])), box[:2])
        boxes.append(box)
    return canvas, {"transform": f"{len(group)} embedded images composed at {scale:.3f} px/pt",
                    "embedded_boxes_px": boxes}


def _is_caption(line: _Line) -> re.Match | None:
    m = _CAPTION.match(line.text)
    if not m:
        return None
    if m.group("end").strip() == "" and not line.bold:
        # "Figure 2 Chest radiograph..." (label, space, capital) counts; "Figure 2 shows" does not.
        rest = line.text[m.end():]
        if not rest[:1].isupper() and not rest.startswith("("):
            return None
    return m


def _legend_below_label(lines: list[_Line], start: _Line) -> list[_Line]:
    """A label alone on its line ("Figure 1", preprint servers' figure pages): the legend is the
    paragraph right below it, starting at the label's left edge, in its own (body) size."""
    if _CAPTION.sub("", start.text).strip():
        return []
    below = sorted((l for l in lines if l.top > start.bottom - 1 and abs(l.x0 - start.x0) <= 2), key=lambda l: l.top)
    legend: list[_Line] = []
    for line in below:
        previous = legend[-1] if legend else start
        if line.top - previous.bottom > 1.2 * start.size or (legend and abs(line.size - legend[0].size) > 0.3):
            break
        legend.append(line)
    return legend


def _caption_extent(lines: list[_Line], start: _Line) -> tuple[float, float]:
    """The caption's horizontal extent: its label line's, widened by the legend of a label alone on
    its line (a short "Figure 1" at the margin under a centred image still overlaps it)."""
    legend = _legend_below_label(lines, start)
    return min([start.x0, *(l.x0 for l in legend)]), max([start.x1, *(l.x1 for l in legend)])


def _caption_text(lines: list[_Line], start: _Line, next_lines: list[_Line] | None) -> tuple[str, bool]:
    """The caption paragraph from ``start``; continues into ``next_lines`` (next column/page)."""
    text = [start.text]
    previous = start
    legend = _legend_below_label(lines, start)
    size = legend[0].size if legend else start.size
    right = _caption_extent(lines, start)[1]
    column = [l for l in lines if l.top > start.top and l.x0 >= start.x0 - 2 and l.x0 < right - 20]
    for line in sorted(column, key=lambda l: l.top):
        gap = line.top - previous.bottom
        if abs(line.size - size) > 0.3 or gap > 1.2 * start.size or gap < -1:
            break
        text.append(line.text)
        previous = line
    else:
        line = None
    finished = text[-1].rstrip().endswith((".", ".)", "]"))
    continued = False
    if not finished and next_lines and (line is None or line.top - previous.bottom > 1.2 * start.size):
        previous = None
        for nl in next_lines:
            if abs(nl.size - start.size) > 0.3 or (
                    previous is not None and nl.top - previous.bottom > 1.2 * start.size):
                break
            if _is_caption(nl):
                # Another figure's legend heads the next column or page: a legend without a final full stop
                # at a column's foot ends there ("Figure 1. ... lung fields" | "Figure 2. CT ...").
                break
            text.append(nl.text)
            previous = nl
            continued = True
    joined = " ".join(text)
    return re.sub(r"(\w)- (\w)", r"\1\2", joined), continued


def _column_top_lines(lines: list[_Line], x_from: float, x_to: float) -> list[_Line]:
    return sorted((l for l in lines if x_from - 2 <= l.x0 < x_to), key=lambda l: l.top)


def _scan_figure_box(page, scan: dict, caption: _Line) -> tuple[float, float, float, float] | None:
    """Photo-like block right above ``caption`` on a scanned page, in points."""
    image = _decode(scan)
    if image is None:
        return None
    gray = np.asarray(image.convert("L"), dtype=np.int16)
    sx = gray.shape[1] / (scan["x1"] - scan["x0"])
    sy = gray.shape[0] / (scan["bottom"] - scan["top"])
    # Text strokes are thin: a block is photo when most of its pixels are not paper.
    block = max(4, int(round(4 * sx)))
    h, w = gray.shape[0] // block, gray.shape[1] // block
    dense = (gray[: h * block, : w * block] < 200).reshape(h, block, w, block).mean(axis=(1, 3)) > 0.85
    cap_row = int((caption.top - scan["top"]) * sy) // block
    rows = dense[:cap_row].sum(axis=1) >= 3
    bottom = None
    for r in range(cap_row - 1, -1, -1):
        if rows[r]:
            bottom = r
            break
        if cap_row - r > int(40 * sy / block):
            break
    if bottom is None:
        return None
    top = bottom
    while top > 0 and rows[top - 1]:
        top -= 1
    cols = np.where(dense[top:bottom + 1].mean(axis=0) > 0.5)[0]
    if cols.size == 0:
        return None
    # Refine to pixels: the block grid is coarse.
    y0, y1 = top * block, (bottom + 1) * block
    x0, x1 = cols[0] * block, (cols[-1] + 1) * block
    region = gray[max(0, y0 - block):y1 + block, max(0, x0 - block):x1 + block] < 200
    ys = np.where(region.mean(axis=1) > 0.5)[0]
    xs = np.where(region.mean(axis=0) > 0.5)[0]
    if ys.size and xs.size:
        y0, y1 = max(0, y0 - block) + ys[0], max(0, y0 - block) + ys[-1] + 1
        x0, x1 = max(0, x0 - block) + xs[0], max(0, x0 - block) + xs[-1] + 1
    return (scan["x0"] + x0 / sx, scan["top"] + y0 / sy, scan["x0"] + x1 / sx, scan["top"] + y1 / sy)


def _page_figures(page, pages, page_lines, index: int) -> list[PdfFigure]:
    """The figures of one page: each image group, then each page scan, with its caption (the images
    are matched to captions top to bottom, then left to right)."""
    lines = page_lines[index]
    figures: list[PdfFigure] = []
    captions = [(l, m) for l in lines if (m := _is_caption(l))]
    used: set[int] = set()
    images = [i for i in page.images
              if (i["x1"] - i["x0"]) >= _MIN_IMAGE_PT and (i["bottom"] - i["top"]) >= _MIN_IMAGE_PT]
    page_area = float(page.width * page.height)
    scans = [i for i in images if (i["x1"] - i["x0"]) * (i["bottom"] - i["top"]) > 0.6 * page_area]
    images = [i for i in images if i not in scans]
    candidates: list[tuple[tuple, list[dict] | None, dict | None]] = [
        (_union(g), g, None) for g in _groups(images)]
    for bbox, group, _ in sorted(candidates, key=lambda c: (c[0][1], c[0][0])):
        best = None
        for k, (line, _m) in enumerate(captions):
            left, right = _caption_extent(lines, line)
            if k in used or right < bbox[0] or left > bbox[2]:
                continue
            below = line.top - bbox[3]
            above = bbox[1] - line.bottom
            distance = below if -2 <= below <= 40 else (above + 20 if -2 <= above <= 40 else None)
            if distance is not None and (best is None or distance < best[0]):
                best = (distance, k)
        if best is None:
            continue
        used.add(best[1])
        figures.append(_figure(page, pages, page_lines, index, bbox, group, *captions[best[1]]))
    for scan in scans:
        for k, (line, m) in enumerate(captions):
            if k in used:
                continue
            bbox = _scan_figure_box(page, scan, line)
            if bbox is None:
                continue
            used.add(k)
            figures.append(_figure(page, pages, page_lines, index, bbox, None, line, m, scan=scan))
    return figures


def extract_pdf_figures(pdf_bytes: bytes) -> list[PdfFigure]:
    if not isinstance(pdf_bytes, (bytes, bytearray)) or not bytes(pdf_bytes[:5]) == b"%PDF-":
        raise NotAPdf(f"body does not start with %PDF- (starts with {bytes(pdf_bytes[:16])!r})")
    figures: list[PdfFigure] = []
    seen_numbers: set[int] = set()
    with pdfplumber.open(io.BytesIO(pdf_bytes)) as pdf:
        pages = list(pdf.pages)
        page_lines = [_lines(p) for p in pages]
        for index, page in enumerate(pages):
            # In their numbers' order: a two-column page may hold Fig. 2 (right column) above Fig. 1
            # (left, lower), and a paper's images follow its figures' order ("1 week later" counts
            # from the image before).
            figures.extend(sorted(_page_figures(page, pages, page_lines, index), key=lambda f: f.number))
    unique: list[PdfFigure] = []
    for figure in figures:
        if figure.number in seen_numbers:
            figure.extra["duplicate_number"] = True
        seen_numbers.add(figure.number)
        unique.append(figure)
    return unique


def _figure(page, pages, page_lines, index, bbox, group, line: _Line, m: re.Match,
            scan: dict | None = None) -> PdfFigure:
    lines = page_lines[index]
    middle = float(page.width) / 2
    next_lines: list[_Line] = []
    if line.x1 < middle + 10 and line.x0 < middle:
        # Left column: the caption may run on at the top of the right column.
        next_lines = _column_top_lines(lines, middle, float(page.width))
    elif index + 1 < len(pages):
        next_lines = _column_top_lines(page_lines[index + 1], 0, middle)
    caption, continued = _caption_text(lines, line, next_lines)
    if scan is not None:
        image = _decode(scan)
        sx = image.width / (scan["x1"] - scan["x0"])
        sy = image.height / (scan["bottom"] - scan["top"])
        crop = (int(round((bbox[0] - scan["x0"]) * sx)), int(round((bbox[1] - scan["top"]) * sy)),
                int(round((bbox[2] - scan["x0"]) * sx)), int(round((bbox[3] - scan["top"]) * sy)))
        picture, provenance = image.crop(crop), {"transform": f"cropped from the page scan at {crop}", "scanned": True}
    else:
        picture, provenance = _compose(page, group, bbox)
    number, label = _number_and_label(m)
    if number > SUPPLEMENT_NUMBER:
        provenance["supplementary"] = True
    return PdfFigure(number=number, page=index + 1, bbox=tuple(round(float(v), 2) for v in bbox),
                     caption=caption, panel_letters=list(parse_subcaptions(caption)), image_bytes=_png(picture),
                     label=label, extra={**provenance, "caption_continues": continued,
                                         "embedded_images": 0 if group is None else len(group)})


def _number_and_label(m: re.Match) -> tuple[int, str]:
    """The number a figure is kept under and its label as printed: a supplementary figure ("Figure
    S1", "Supplementary Figure 1") is numbered apart from the article's (``jats.SUPPLEMENT_NUMBER``:
    S1 is 101), so that it is never taken for Figure 1."""
    number = int(m.group("number"))
    if m.group("s"):
        return SUPPLEMENT_NUMBER + number, f"{m.group('word')} S{number}"
    if m.group("supplement"):
        return SUPPLEMENT_NUMBER + number, f"{m.group('supplement').strip()} {m.group('word')} {number}"
    return number, f"{m.group('word')} {number}"


def figure_tag(figure: PdfFigure) -> str:
    """How a source URL names the figure (``#figure=2``, ``#figure=S1``): its number as printed."""
    return f"S{figure.number - SUPPLEMENT_NUMBER}" if figure.extra.get("supplementary") else str(figure.number)


def _column_lines(page) -> list[tuple[int, float, float, float, str]]:
    """(column, top, bottom, size, text) of each text line, a word going to the left or right
    column by where it starts (a full-width line is read as two halves, which keeps its words)."""
    middle = float(page.width) / 2
    rows: dict[tuple[int, int], list[dict]] = {}
    for w in page.extract_words(extra_attrs=["size"], keep_blank_chars=False, use_text_flow=False):
        rows.setdefault((int(w["x0"] >= middle), int(round(w["top"] / 2.0))), []).append(w)
    lines = []
    for (column, _), words in rows.items():
        words.sort(key=lambda w: w["x0"])
        lines.append((column, min(w["top"] for w in words), max(w["bottom"] for w in words),
                      round(float(np.median([w["size"] for w in words])), 1), " ".join(w["text"] for w in words)))
    return sorted(lines)


def pdf_paragraphs(pdf_bytes: bytes) -> list[str]:
    """The body text of a PDF as paragraphs, columns read left then right, captions and running
    heads left out (lines in the body's font size only). A paragraph ends where the gap to the
    next line is clearly wider than the line spacing."""
    if not isinstance(pdf_bytes, (bytes, bytearray)) or not bytes(pdf_bytes[:5]) == b"%PDF-":
        raise NotAPdf("body does not start with %PDF-")
    paragraphs: list[str] = []
    with pdfplumber.open(io.BytesIO(pdf_bytes)) as pdf:
        for page in pdf.pages:
            lines = _column_lines(page)
            if not lines:
                continue
            sizes = [line[3] for line in lines]
            body = max(set(sizes), key=sizes.count)
            kept = [line for line in lines if abs(line[3] - body) <= 0.3]
            current: list[str] = []
            for i, (column, _top, bottom, _, text) in enumerate(kept):
                current.append(text)
                following = kept[i + 1] if i + 1 < len(kept) else None
                if following is None or following[0] != column or following[1] - bottom > 0.3 * body:
                    paragraph = re.sub(r"-\s+(?=[a-z])", "", " ".join(current)).strip()
                    if paragraph:
                        paragraphs.append(paragraph)
                    current = []
    return paragraphs
