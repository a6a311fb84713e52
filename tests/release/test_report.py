"""The release report as a maintainer reads it (issue 16): what is new first, then the dataset; a
true title and license subset; where `export --dataset` puts report and manifest, and says so."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

from tests.conftest import png_bytes
from tests.release.test_release import add_case, env, rows_of, tree  # noqa: F401 - fixture and helpers

ROOT = Path(__file__).resolve().parents[2]


def test_an_export_imports_matplotlib_only_when_it_draws_the_report():
    """0.4 s of CPU at the start of every export, a refused one's too (it draws no chart); the
    report's charts (the tests below) still import it."""
    code = "import sys, exports.release; print(sorted(m for m in sys.modules if m.startswith('matplotlib')))"
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def section(page: str, marker: str, end: str) -> str:
    return page[page.index(marker):page.index(end)]


def test_report_puts_what_is_new_first_with_cases_and_images_side_by_side(env, tmp_path, scrapy_inproc):
    engine, store, _checkout = env
    add_case(engine, store, "9100", images=[png_bytes(seed=51), png_bytes(seed=52)], license="CC BY 4.0")
    add_case(engine, store, "9101", images=[png_bytes(seed=53)], license="CC BY-SA 4.0", finding="Pneumonia/Bacterial")
    add_case(engine, store, "9102", images=[png_bytes(seed=54)], state="staged")  # fetched, not approved
    out = tmp_path / "release"
    result = scrapy_inproc("export", "-o", str(out))
    code, stdout = result.returncode, result.stdout
    assert code == 0
    page = (out / "report" / "index.html").read_text(encoding="utf-8")
    today = f"{datetime.now(UTC):%Y-%m-%d}"
    assert f"<title>Release {today}</title>" in page and f"<h1>Release {today}</h1>" in page
    assert "Release release" not in page and "None" not in page
    assert "<dt>license subset</dt><dd>every license allowed to leave staging</dd>" in page
    assert "<dt>new cases</dt><dd>2</dd>" in page and "<dt>new rows (images)</dt><dd>3</dd>" in page
    # the new rows first, the whole dataset after
    assert page.index('id=new') < page.index('id=dataset')
    new = section(page, "id=new", "id=dataset")
    assert "<td>radiopaedia.org</td><td class=n>3</td>" in new
    assert "<td>CC BY 4.0</td><td class=n>2</td>" in new and "<td>CC BY-SA 4.0</td><td class=n>1</td>" in new
    assert "<td>Pneumonia/Bacterial</td><td class=n>1</td>" in new and "<td>PA</td><td class=n>3</td>" in new
    # the funnel: one row per step, cases and images side by side
    funnel = {step: (int(cases), int(images)) for step, cases, images in
              re.findall(r"<tr><td>([^<]+)</td><td class=n>(\d+)</td><td class=n>(\d+)</td></tr>", new)}
    assert (funnel["fetched"] == (3, 4) and funnel["approved by a reviewer"] == (2, 3)
            and funnel["in this release"] == (2, 3))
    # thumbnails with their case and license
    assert "case radiopaedia 9101, patient" in new and "license: CC BY-SA 4.0" in new
    assert len(list((out / "report" / "thumbs").iterdir())) == 3
    dataset = page[page.index("id=dataset"):]
    assert re.search(r"The dataset as a whole \(8 rows\)", dataset)
    assert "<th class=n>rows</th><th class=n>new</th>" in dataset
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["funnel_cases"]["exported"] == 2 and manifest["funnel"]["exported"] == 3
    assert f"report:    {out}/report/index.html" in stdout


def test_a_license_subset_is_named_in_the_report(env, tmp_path, scrapy_inproc):
    engine, store, _ = env
    add_case(engine, store, "9200", images=[png_bytes(seed=61)])
    out = tmp_path / "subset"
    assert scrapy_inproc("export", "-o", str(out), "--license", "CC BY 4.0", "--name", "2026-q4").returncode == 0
    page = (out / "report" / "index.html").read_text(encoding="utf-8")
    assert "<h1>Release 2026-q4</h1>" in page and "<dt>license subset</dt><dd>only CC BY 4.0</dd>" in page


def test_dataset_export_writes_report_and_manifest_beside_not_into_the_checkout(env, tmp_path, scrapy_inproc,
                                                                                monkeypatch):
    engine, store, checkout = env
    reports = tmp_path / "releases"
    monkeypatch.setenv("RELEASE_REPORTS_DIR", str(reports))
    add_case(engine, store, "9300", images=[png_bytes(seed=71)])
    result = scrapy_inproc("export", "--dataset", str(checkout), "--name", "r1")
    code, stdout = result.returncode, result.stdout
    assert code == 0
    assert not (checkout / "CHANGELOG.md").exists() and not (checkout / "manifest.json").exists()
    assert not (checkout / "report").exists()
    assert (reports / "r1" / "report" / "index.html").is_file() and (reports / "r1" / "manifest.json").is_file()
    assert "rows added: 1" in (reports / "CHANGELOG.md").read_text()
    assert (f"report:    {reports}/r1/report/index.html" in stdout
            and f"manifest:  {reports}/r1/manifest.json" in stdout)
    # the next release adds its entry on top of the running changelog
    add_case(engine, store, "9301", images=[png_bytes(seed=72)])
    assert scrapy_inproc("export", "--dataset", str(checkout), "--name", "r2").returncode == 0
    changelog = (reports / "CHANGELOG.md").read_text()
    assert changelog.index("## r2") < changelog.index("## r1")
    assert (reports / "r2" / "CHANGELOG.md").read_text() == changelog
    # asked for: into the checkout's root
    add_case(engine, store, "9302", images=[png_bytes(seed=73)])
    result = scrapy_inproc("export", "--dataset", str(checkout), "--name", "r3", "--reports-in-checkout")
    code, stdout = result.returncode, result.stdout
    assert code == 0 and (checkout / "report" / "index.html").is_file()
    assert f"manifest:  {checkout}/manifest.json" in stdout
