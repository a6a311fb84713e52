"""The release report in a real headless Chromium (Debian's): what is new is on the first screen."""

from __future__ import annotations

from pathlib import Path

import pytest

from exports.release import ExportOptions, export_release
from tests.conftest import png_bytes, screenshot_path
from tests.release.test_release import add_case, env  # noqa: F401 - the fixture
from tests.review.conftest import xray_png
from tests.review.test_browser import CHROMIUM, CHROMIUM_ARGS

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(),
                       reason=f"{CHROMIUM} is missing (apt-get install chromium; .ci/run does)"),
]
SCREENSHOT = screenshot_path("release-report.png")


def test_the_report_shows_what_is_new_first(env, tmp_path):
    playwright = pytest.importorskip("playwright.sync_api")
    engine, store, _ = env
    for n, (license, finding) in enumerate((("CC BY 4.0", "Pneumonia/Viral/COVID-19"),
                                            ("CC BY-SA 4.0", "Pneumonia/Viral/COVID-19"),
                                            ("CC BY 4.0", "Pneumonia/Bacterial/Streptococcus"))):
        add_case(engine, store, f"95{n:02d}", license=license, finding=finding,
                 images=[xray_png(30 + n), xray_png(40 + n)])
    add_case(engine, store, "9599", state="staged", images=[png_bytes(seed=99)])
    out = tmp_path / "release"
    export_release(engine, store, out, ExportOptions(name="2026-12-04"))
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1366, "height": 768})
            page.goto((out / "report" / "index.html").as_uri())
            assert page.locator("h1").inner_text() == "Release 2026-12-04"
            new = page.locator("#new")
            box = new.bounding_box()
            assert box is not None and box["y"] < 768 / 2  # the new rows start on the first screen
            assert new.locator("img[alt='new rows per license']").evaluate("i => i.complete && i.naturalWidth > 0")
            assert page.locator("#new").evaluate(
                "e => e.compareDocumentPosition(document.querySelector('#dataset'))") == 4
            thumbs = new.locator(".thumbs figure")
            assert thumbs.count() == 6
            assert "license: CC BY-SA 4.0" in thumbs.nth(2).inner_text()
            page.screenshot(path=str(SCREENSHOT), full_page=False)
        finally:
            browser.close()
    assert SCREENSHOT.stat().st_size > 10_000
