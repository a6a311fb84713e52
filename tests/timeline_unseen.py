"""The sentence-level blind set of time phrasings scored on the offset (issues 11, 12).

Each case of ``tests/fixtures/timeline_unseen/cases.json`` (a history and one caption per image, with the offset
the curators would write) becomes a small Eurorad case page (the history as "Clinical History", one "Figure N"
per image), which goes through ``parse_eurorad_case`` and ``normalize_case`` as a crawled page does
(``tests/crawled_rows.py``). ``python -m tests.timeline_unseen [-v]`` prints right / blank / wrong (and, with
``-v``, every image not right). The second set (``cases2.json``, ``--set 2``) also builds Radiopaedia pages
(``site`` "radiopaedia": the history as "Presentation", one study per image with its title, modality and findings,
and a ``stacks_<id>.json`` of one film per study beside the page), read as ``tests/crawled_rows.py`` reads them.
"""

from __future__ import annotations

import json
import sys
from html import escape
from pathlib import Path

from tests.crawled_rows import image_key, records, staged_rows

HERE = Path(__file__).parent / "fixtures" / "timeline_unseen"
FIRST_CASE = 20001
SETS = {"1": "cases.json", "2": "cases2.json", "3": "cases3.json", "4": "cases4.json", "5": "cases5.json"}
FIRST_STUDY = 7_700_000

_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8" />
<meta property="og:site_name" content="Eurorad" />
<link rel="canonical" href="https://www.eurorad.org/case/{number}" />
<title>COVID-19 pneumonia | Eurorad</title></head>
<body class="path-node page-node-type-case"><main role="main" id="main-content"><div class="container mt-4">
<div class="row"><div class="col-12 col-lg-8">
<div class="case-header mb-4"><span class="d-block text-uppercase font-size-3 text-center">Case {number}</span>
<span class="d-block font-size-1 text-center">Published on 14.09.2020</span></div>
<h1 class="color-color mb-3">COVID-19 pneumonia</h1>
<div class="row"><div class="col-12 order-0 col-md-8 order-md-1 col-lg-9 mb-3"><div><div>
<p><span class="d-none d-md-inline-block font-weight-bold text-uppercase mr-2">Section</span>
<a href="/advanced-search">Chest imaging</a></p>
<p><span class="d-none d-md-inline-block font-weight-bold text-uppercase mr-2">Case Type</span>Clinical Cases</p>
<p class="mb-0"><span class="d-none d-md-inline-block font-weight-bold text-uppercase mr-2">Authors</span></p>
<p>Anna Rossi, Pieter de Vries</p>
<p class="font-size-1">Department of Radiology; Europe</p>
<p class="mb-0"><span class="d-none d-md-inline-block font-weight-bold text-uppercase mr-2">Patient</span></p>
<p class="color-grey">{patient}</p>
</div></div></div></div>
<div class="block__content node-contents">
<div class="row mb-4"><div class="col-12 col-md-3"><h2 class="h5 font-weight-bold">Clinical History</h2></div>
<div class="col-12 col-md-9"><p>{history}</p></div></div>
{findings}<div class="row mb-4"><div class="col-12 col-md-3"><h2 class="h5 font-weight-bold">Final Diagnosis</h2></div>
<div class="col-12 col-md-9"><p>COVID-19 pneumonia</p></div></div>
</div>
<div class="figure-gallery mt-4"><div class="figure-gallery__items">
{figures}
</div></div>
</div></div></div></main>
<footer class="footer"><p class="small">Eurorad content is licensed under a
<a rel="license" href="https://creativecommons.org/licenses/by-nc-sa/4.0/">Creative Commons
Attribution-NonCommercial-ShareAlike 4.0 International License</a>.</p></footer>
</body></html>
"""

_FINDINGS = """<div class="row mb-4">
<div class="col-12 col-md-3"><h2 class="h5 font-weight-bold">Imaging Findings</h2></div>
<div class="col-12 col-md-9"><p>{text}</p></div></div>
"""

_FIGURE = """<div class="figure-gallery__item"><div class="figure-gallery__item__image">
<a href="#" class="figure-gallery__item__zoom" data-toggle="modal">
<img src="{url}" class="img-fluid" alt="" /></a></div>
<div class="figure-gallery__item__label"><span class="mb-1 d-block">
<strong>Figure {n}</strong> <span>{caption}</span><br />Origin: Rossi A.</span></div></div>"""


def cases(which: str = "1") -> list[dict]:
    return json.loads((HERE / SETS[which]).read_text())


def image_url(number: int, n: int) -> str:
    return ("https://www.eurorad.org/sites/default/files/styles/figure_image_teaser_large/public/figure_image/"
            f"2020-09/{number:010d}/{number}_{n}_1.jpg")


def page(case: dict, number: int) -> str:
    figures = "\n".join(_FIGURE.format(url=image_url(number, n), n=n, caption=escape(image["caption"]))
                        for n, image in enumerate(case["images"], 1))
    findings = _FINDINGS.format(text=escape(case["findings"])) if case.get("findings") else ""
    return _PAGE.format(number=number, patient=escape(case["patient"]), history=escape(case["history"]),
                        findings=findings, figures=figures)


_RP_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>COVID-19 pneumonia | Radiology Case | Radiopaedia.org</title>
<meta property="og:site_name" content="Radiopaedia">
<link rel="canonical" href="https://radiopaedia.org/cases/covid-19-pneumonia-{number}">
</head><body class="cases show"><div id="main" class="container-fluid">
<div id="content-header" class="row"><div class="col-xs-12"><h1 class="header-title">COVID-19 pneumonia</h1></div>
<div class="col-xs-12 case-meta">
<div class="row"><div class="col-sm-3"><strong>rID:</strong></div><div class="col-sm-8">{number}</div></div>
<div class="row"><div class="col-sm-3"><strong>Case published:</strong></div>
<div class="col-sm-8">2nd Nov 2021</div></div>
<div class="row"><div class="col-sm-3"><strong>Case contributed by:</strong></div>
<div class="col-sm-8"><a href="/users/arossi?lang=us">Anna Rossi</a></div></div>
</div></div>
<div class="row"><div class="col-md-9" id="content"><div class="user-generated-content">
<div class="case-section view-section">
<div id="case-patient-presentation"><h2>Presentation</h2><p>{history}</p></div>
<div id="case-patient-data"><h2>Patient Data</h2><div class="content">
<div class="data-item"><strong class="data-item-label">Age:&nbsp;</strong> {age}</div>
<div class="data-item"><strong class="data-item-label">Gender:&nbsp;</strong> {gender}</div>
</div></div></div>
<div id="case-images">
{studies}
</div>
<div class="case-section case-discussion"><h2>Case Discussion</h2><p>A case of COVID-19 pneumonia.</p></div>
</div></div></div></div></body></html>
"""

_RP_STUDY = """<div class="well case-section case-study" data-ref="study-{sid}" data-study-id="{sid}"
 data-study-stacks-url="/studies/{sid}/stacks?lang=us">
<div class="main-study-desc" id="main-study-desc-{sid}">
<div class="study-desc"><h2>{title}</h2></div>
<div class="study-modality"><span>{modality}</span></div>
<div class="sub-section study-findings body"><p>{findings}</p></div>
</div>
<a class="view-fullscreen-link" href="/cases/{number}/studies/{sid}?lang=us">View fullscreen</a>
</div>"""


def rp_image_url(study_id: int) -> str:
    return f"https://prod-images-static.radiopaedia.org/images/{study_id}0/{study_id:x}.png"


def rp_page(case: dict, number: int, scratch: Path) -> tuple[str, list[str]]:
    """A Radiopaedia page of ``case`` (its stacks written to ``scratch``) and the key of each image's film."""
    age, gender = (part.strip() for part in case["patient"].split(","))
    studies, keys = [], []
    for n, image in enumerate(case["images"]):
        sid = FIRST_STUDY + number * 10 + n
        studies.append(_RP_STUDY.format(sid=sid, number=number, title=escape(image["title"]),
                                        modality=escape(image["modality"]), findings=escape(image["caption"])))
        stack = [{"id": sid * 10 + 1, "modality": image["modality"], "images": [{
            "id": sid * 10, "fullscreen_filename": rp_image_url(sid).replace(".png", "_big_gallery.jpeg"),
            "public_filename": rp_image_url(sid), "plane_projection": "Frontal" if image["modality"] == "X-ray"
            else "Axial", "aux_modality": None, "position": 0, "content_type": "image/png", "width": 1024,
            "height": 1024}]}]
        (scratch / f"stacks_{sid}.json").write_text(json.dumps(stack))
        keys.append(image_key(rp_image_url(sid)))
    html = _RP_PAGE.format(number=number, history=escape(case["history"]), age=escape(age),
                           gender=escape(gender.capitalize()), studies="\n".join(studies))
    return html, keys


def offsets(case: dict, number: int, scratch: Path) -> list[object]:
    """The offset staged for each image of ``case``, in the case's order (``"(film lost)"`` for a lost one)."""
    path = scratch / f"{case['id']}.html"
    if case.get("site") == "radiopaedia":
        html, keys = rp_page(case, number, scratch)
        path.write_text(html)
        found = records("radiopaedia", path, f"https://radiopaedia.org/cases/covid-19-pneumonia-{number}")
    else:
        path.write_text(page(case, number))
        found = records("eurorad", path, f"https://www.eurorad.org/case/{number}")
        keys = [image_key(image_url(number, n)) for n in range(1, len(case["images"]) + 1)]
    got: dict[str, dict[str, object]] = {}
    for record in found:
        got.update(staged_rows(record))
    return [got.get(key, {"offset": "(film lost)"})["offset"] for key in keys]


def score(scratch: Path, which: str = "1") -> list[tuple[str, int, str, str, object]]:
    """(case id, image number, verdict, wanted, got) for every image; verdict right / blank / wrong."""
    out = []
    first = FIRST_CASE if which == "1" else FIRST_CASE + 100 * int(which)
    for i, case in enumerate(cases(which)):
        for n, (image, value) in enumerate(zip(case["images"], offsets(case, first + i, scratch)), 1):
            got = "" if value is None else str(value)
            verdict = "right" if got == image["offset"] else "blank" if got == "" else "wrong"
            out.append((case["id"], n, verdict, image["offset"], value))
    return out


def main(argv: list[str]) -> None:
    import tempfile

    which = argv[argv.index("--set") + 1] if "--set" in argv else "1"
    with tempfile.TemporaryDirectory() as scratch:
        rows = score(Path(scratch), which)
    counts = {v: sum(1 for r in rows if r[2] == v) for v in ("right", "blank", "wrong")}
    print(f"images {len(rows)}: right {counts['right']} ({counts['right'] / len(rows):.3f}), "
          f"blank {counts['blank']}, wrong {counts['wrong']}")
    if "-v" in argv:
        for case_id, n, verdict, want, got in rows:
            if verdict != "right":
                print(f"{case_id} image {n}: {verdict:<6} want {want!r:<6} got {got!r}")


if __name__ == "__main__":
    main(sys.argv[1:])
