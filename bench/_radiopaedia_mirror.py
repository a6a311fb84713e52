"""A generated Radiopaedia mirror for bench/crawl.py, built from the real fixture templates.

``build_mirror(root, cases=2000, images_per_case=4)`` writes ``root/radiopaedia/urls.json`` and
its files in the layout of ``tests/fixtures/radiopaedia/`` (real URL -> file, status, headers), so
``tests.mirror.Mirror(["radiopaedia"], fixtures=root)`` serves it unchanged:

* search pages (``search_p1.html`` as the template), ``per_page`` result cards each, paginated
  with the site's ``a.next_page`` link, listing every case;
* one case page per case (``case_classic.html`` with its CT study removed), its own slug, rID,
  DOI, study id, age and sex;
* one stacks JSON per case (``stacks_86625.json``'s image objects as the template): one X-ray
  stack of ``images_per_case`` images, in shuffled JSON order with ``position`` set;
* small distinct 8-bit grayscale images, alternately PNG and JPEG (JPEGs carry an Exif block,
  as camera-phone photos of films do, so the metadata stripping is exercised).
"""

from __future__ import annotations

import copy
import hashlib
import io
import json
import re
from pathlib import Path

import numpy as np
from PIL import Image

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = ROOT / "tests" / "fixtures" / "radiopaedia"
SITE = "https://radiopaedia.org"
IMAGE_HOST = "https://prod-images-static.radiopaedia.org"
QUERY = "COVID"


def search_url(page: int) -> str:
    return f"{SITE}/search?lang=us&page={page}&q={QUERY}&scope=cases"


def _slug(i: int) -> str:
    return f"covid-19-pneumonia-bench-{i}"


def _case_page(template: str, i: int) -> str:
    # Keep the X-ray study only: the bench measures X-ray cases with images_per_case images.
    start = template.index('          <div class="well case-section case-study" data-ref="study-86629"')
    end = template.index('        <div id="case-discussion"')
    html = template[:start] + "        </div>\n" + template[end:]  # the CT study and #case-images' end tag
    rid, study = 100000 + i, 500000 + i
    html = html.replace("covid-19-pneumonia-15", _slug(i)).replace("75037", str(rid)).replace("86625", str(study))
    html = html.replace("<strong class=\"data-item-label\">Age:</strong> 70 years",
                        f"<strong class=\"data-item-label\">Age:</strong> {20 + i % 70} years")
    if i % 2:
        html = html.replace("<strong class=\"data-item-label\">Gender:</strong> Male",
                            "<strong class=\"data-item-label\">Gender:</strong> Female")
        html = html.replace("Elderly man", "Elderly woman")
    return html


def _image_bytes(index: int, size: int, fmt: str) -> bytes:
    """A small, distinct, radiograph-like grayscale picture (smooth body + seeded noise)."""
    rng = np.random.default_rng(index)
    y, x = np.mgrid[0:size, 0:size].astype(np.float32) / size
    body = 200 * np.exp(-(((x - 0.5) / 0.35) ** 2 + ((y - 0.55) / 0.45) ** 2))
    lungs = 90 * (np.exp(-(((x - 0.33) / 0.12) ** 2 + ((y - 0.5) / 0.25) ** 2))
                  + np.exp(-(((x - 0.67) / 0.12) ** 2 + ((y - 0.5) / 0.25) ** 2)))
    pixels = np.clip(body - lungs + rng.normal(0, 12, (size, size)), 0, 255).astype(np.uint8)
    img = Image.fromarray(pixels, "L")
    out = io.BytesIO()
    if fmt == "jpeg":
        exif = Image.Exif()
        exif[0x010F] = "BenchCam"  # Make
        exif[0x0132] = "2020:03:18 10:00:00"  # DateTime
        img.save(out, "JPEG", quality=90, exif=exif.tobytes())
    else:
        img.save(out, "PNG")
    return out.getvalue()


def _stacks(template_image: dict, i: int, images_per_case: int, files: Path, size: int, routes: dict) -> list[dict]:
    images = []
    for k in range(images_per_case):
        index = i * images_per_case + k
        image_id = 60000000 + index
        fmt = "png" if k % 2 == 0 else "jpeg"
        data = _image_bytes(index, size, fmt)
        digest = hashlib.sha256(data).hexdigest()
        url = f"{IMAGE_HOST}/images/{image_id}/{digest}.{'png' if fmt == 'png' else 'jpg'}"
        name = f"images/{image_id}.{fmt}"
        (files / name).write_bytes(data)
        routes[url] = {"file": name, "status": 200, "headers": {"Content-Type": f"image/{fmt}"}}
        image = copy.deepcopy(template_image)
        image.update(
            id=image_id,
            public_filename=url,
            fullscreen_filename=f"{IMAGE_HOST}/images/{image_id}/{digest}_big_gallery.jpeg",
            position=k,
            content_type=f"image/{fmt}",
            width=size,
            height=size,
            plane_projection="Frontal" if k % 2 == 0 else "Lateral",
            download_image_url=f"/images/{image_id}/download?layout=false",
        )
        images.append(image)
    # The site's JSON is not always in position order: reverse it, the parser sorts.
    return [{"id": 700000 + i, "modality": "X-ray", "images": images[::-1]}]


def _search_page(template: str, card: str, slugs: list[str], page: int, pages: int) -> str:
    listing_start = template.index('    <div class="col-xs-12 search-results-listing">')
    listing_end = template.index('  <div class="pagination-wrapper">')
    cards = "".join(card.replace("covid-19-pneumonia-15", slug) for slug in slugs)
    listing = f'    <div class="col-xs-12 search-results-listing">\n{cards}    </div>\n  </div>\n'

    def link(n: int, text: str, cls: str = "", rel: str = "") -> str:
        return (f'<a{f" class={chr(34)}{cls}{chr(34)}" if cls else ""} rel="{rel}" '
                f'href="/search?lang=us&amp;page={n}&amp;q={QUERY}&amp;scope=cases">{text}</a>')

    prev = (link(page - 1, "&#8592; Previous", "previous_page", "prev") if page > 1
            else '<span class="previous_page disabled">&#8592; Previous</span>')
    nxt = (link(page + 1, "Next &#8594;", "next_page", "next") if page < pages
           else '<span class="next_page disabled">Next &#8594;</span>')
    numbers = " ".join(f'<em class="current">{n}</em>' if n == page else link(n, str(n))
                       for n in range(max(1, page - 2), min(pages, page + 2) + 1))
    pagination = (f'  <div class="pagination-wrapper">\n'
                  f'    <div class="pagination" role="navigation" aria-label="Pagination">'
                  f"{prev} {numbers} {nxt}</div>\n  </div>\n")
    after = template.index("</div>\n", template.index('<div class="pagination"', listing_end)) + len("</div>\n")
    after = template.index("</div>\n", after) + len("</div>\n")  # pagination-wrapper
    return template[:listing_start] + listing + pagination + template[after:]


def build_mirror(root: Path, cases: int = 2000, images_per_case: int = 4, per_page: int = 20,
                 image_size: int = 128) -> dict:
    """Write the mirror under ``root/radiopaedia``; return counts and byte totals by kind."""
    site = root / "radiopaedia"
    (site / "images").mkdir(parents=True, exist_ok=True)
    (site / "cases").mkdir(exist_ok=True)
    (site / "stacks").mkdir(exist_ok=True)
    case_template = (TEMPLATES / "case_classic.html").read_text(encoding="utf-8")
    search_template = (TEMPLATES / "search_p1.html").read_text(encoding="utf-8")
    card = re.search(r'      <a class="search-result search-result-case".*?</a>\n', search_template, re.S).group(0)
    template_image = json.loads((TEMPLATES / "stacks_86625.json").read_text(encoding="utf-8"))[0]["images"][0]

    routes: dict[str, dict] = {}
    (site / "robots.txt").write_bytes((TEMPLATES / "robots.txt").read_bytes())
    routes[f"{SITE}/robots.txt"] = {"file": "robots.txt", "status": 200, "headers": {"Content-Type": "text/plain"}}
    for i in range(cases):
        name = f"cases/{_slug(i)}.html"
        (site / name).write_text(_case_page(case_template, i), encoding="utf-8")
        routes[f"{SITE}/cases/{_slug(i)}?lang=us"] = {"file": name, "status": 200,
                                                      "headers": {"Content-Type": "text/html; charset=utf-8"}}
        stacks = _stacks(template_image, i, images_per_case, site, image_size, routes)
        name = f"stacks/{500000 + i}.json"
        (site / name).write_text(json.dumps(stacks), encoding="utf-8")
        routes[f"{SITE}/studies/{500000 + i}/stacks?lang=us"] = {
            "file": name, "status": 200, "headers": {"Content-Type": "application/json; charset=utf-8"}}
    pages = max(1, -(-cases // per_page))
    for page in range(1, pages + 1):
        slugs = [_slug(i) for i in range((page - 1) * per_page, min(cases, page * per_page))]
        name = f"search_{page}.html"
        (site / name).write_text(_search_page(search_template, card, slugs, page, pages), encoding="utf-8")
        routes[search_url(page)] = {"file": name, "status": 200,
                                    "headers": {"Content-Type": "text/html; charset=utf-8"}}
    (site / "urls.json").write_text(json.dumps(routes, indent=1), encoding="utf-8")

    sizes: dict[str, int] = {"search": 0, "case": 0, "stacks": 0, "image": 0}
    for spec in routes.values():
        kind = ("search" if spec["file"].startswith("search_") else "case" if spec["file"].startswith("cases/")
                else "stacks" if spec["file"].startswith("stacks/")
                else "image" if spec["file"].startswith("images/") else None)
        if kind:
            sizes[kind] += (site / spec["file"]).stat().st_size
    return {"cases": cases, "images": cases * images_per_case, "search_pages": pages, "routes": len(routes),
            "bytes": sizes}
