"""The review pages in a real headless Chromium (Debian's), against a real `scrapy review` server."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from db.models import Case, FieldValue
from db.session import session_scope
from tests.conftest import review_server, screenshot_path
from tests.review.conftest import noise_png, reencode_jpeg, xray_png

CHROMIUM = "/usr/bin/chromium"
SCREENSHOT = screenshot_path("review-case.png")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(),
                       reason=f"{CHROMIUM} is missing (apt-get install chromium; .ci/run does)"),
]


@pytest.fixture
def server(rdb, project_env):
    env = {**project_env, "REVIEWER": "browser-reviewer"}
    with review_server(env) as url:
        yield url


HISTORY = ("A 58-year-old man presented with fever (38.9 °C), dry cough and dyspnoea for 5 days. "
           "RT-PCR positive for SARS-CoV-2. Oxygen saturation 89 % on room air. He was admitted to the "
           "infectious diseases ward; no comorbidities apart from hypertension.")
FINDINGS = ("Chest radiograph (PA view, day 5): bilateral peripheral ground-glass opacities, predominantly in "
            "the lower zones, without pleural effusion. CT on day 7 confirmed multifocal ground-glass opacities "
            "with crazy paving in both lower lobes.")


@pytest.fixture
def chromium():
    playwright = pytest.importorskip("playwright.sync_api")
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def open_page(browser, width, height, errors):
    page = browser.new_page(viewport={"width": width, "height": height})
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    return page


def landed(page, text: str) -> None:
    """Wait for the page a form led to: its ``text``, then its load event. The text is there as soon
    as the HTML is parsed; the keyboard shortcuts only once the deferred review.js has run, which
    may first revalidate the script with the server (a key pressed in between is lost)."""
    page.wait_for_selector(f"text={text}")
    page.wait_for_load_state("load")


def on_first_screen(page, selector) -> bool:
    box = page.locator(selector).first.bounding_box()
    return box is not None and box["y"] >= 0 and box["y"] + min(box["height"], 40) <= page.viewport_size["height"]


def test_case_page_in_chromium(rdb, server, chromium):
    film = xray_png(0)
    case_id = rdb.add_case("17296", title="COVID-19 pneumonia with bilateral ground-glass opacities", license=None,
                           images=[film, xray_png(1), noise_png(5)], history=HISTORY, findings=FINDINGS, age="58")
    with session_scope(rdb.engine) as s:  # the third image is a CT slice: leave it out
        case = s.get(Case, case_id)
        case.images[2].included = False
        for fv in case.field_values:
            if fv.field == "age":
                fv.evidence = "58-year-old"
    rdb.add_released("17296_1_1.jpg", reencode_jpeg(film))
    decided = rdb.add_case("17297", title="An approved case", state="approved")
    next_id = rdb.add_case("17298", title="The next case to decide")
    errors: list[str] = []
    for width, height in ((1366, 768), (1920, 1080)):
        page = open_page(chromium, width, height, errors)
        page.goto(f"{server}/case/{case_id}")
        # the decisions, what blocks them, the buttons and the source's evidence: on the first screen
        for selector in ("#decide-age", "#decide-sex", "#decide-finding", "#decide-license", "#approve-form button",
                         ".warning.blocking.w-license_unknown", ".warning.blocking.w-near_duplicate",
                         "#source-text mark[title=age]", "#source-text mark[title=view]"):
            assert on_first_screen(page, selector), (width, height, selector)
        assert page.locator("#decide-age").input_value() == "58"
        assert page.locator("#source-text mark").all_inner_texts()[:1] == ["58-year-old"]
        assert "pa" not in [t.lower() for t in page.locator("#source-text mark[title=view]").all_inner_texts()
                            if t != "PA view"]
        if width == 1366:
            page.screenshot(path=str(SCREENSHOT))
        page.close()
    page = open_page(chromium, 1366, 768, errors)
    page.goto(f"{server}/case/{case_id}")
    # the full-size viewer on demand: zoom, window/level, the near-duplicate beside it
    page.locator("button.open-viewer").first.click()
    assert page.locator("#viewer").evaluate("d => d.open")
    main = page.locator("#viewer-main img.xray")
    page.wait_for_function("() => document.querySelector('#viewer-main img.xray').naturalWidth === 512")
    assert "near-duplicate" in page.locator("#compare-with option:checked").inner_text()
    assert page.locator("#viewer-other").is_visible()
    page.keyboard.press("+")
    assert "scale(1.25)" in main.get_attribute("style")
    page.locator("#viewer-main [data-filter=contrast]").fill("200")
    assert "contrast(200%)" in main.get_attribute("style")
    page.screenshot(path=str(screenshot_path("review-viewer.png")))
    page.keyboard.press("Escape")
    assert not page.locator("#viewer").evaluate("d => d.open")
    # decide with the keyboard: edit the licence, resolve the near-duplicate, approve
    page.keyboard.press("e")
    page.keyboard.press("Tab")  # age -> sex -> finding -> license: the licence is a text field
    page.locator("#decide-license").fill("CC BY-NC-SA 4.0")
    page.press("#decide-license", "Enter")
    landed(page, "saved license")
    page.click("#distinct-form button")
    landed(page, "saved: not a duplicate")
    assert page.locator(".warning.blocking").count() == 0
    page.mouse.click(5, 5)
    page.keyboard.press("a")
    page.wait_for_url(f"**/case/{next_id}")  # the approved case in between is skipped
    assert page.locator("text=case %d approved" % case_id).count() == 1
    page.close()
    assert not [e for e in errors if "Content Security Policy" in e or "Uncaught" in e], errors
    with session_scope(rdb.engine) as s:
        assert s.get(Case, case_id).review_state == "approved"
        assert s.get(Case, decided).review_state == "approved"
        fv = s.scalars(select(FieldValue).where(FieldValue.case_id == case_id, FieldValue.field == "license")).one()
        assert (fv.override, fv.override_by) == ("CC BY-NC-SA 4.0", "browser-reviewer")
    assert SCREENSHOT.stat().st_size > 10_000


def test_queue_bulk_approve_in_chromium(rdb, server, chromium):
    ids = [rdb.add_case(str(16800 + i), title=f"COVID-19 pneumonia, case {i}", history=HISTORY, findings=FINDINGS,
                        images=[xray_png(10 + i)]) for i in range(4)]
    minor = rdb.add_case("16900", title="Viral pneumonia in a child", age="9", images=[xray_png(20)])
    unknown = rdb.add_case("16901", title="Pneumonia, licence not stated", license=None, offset=None,
                           images=[xray_png(21)])
    errors: list[str] = []
    page = open_page(chromium, 1366, 768, errors)
    page.goto(server + "/")
    assert page.locator("#bulk-approve").is_disabled()
    row = page.locator(f"tr[data-case='{unknown}']")
    assert row.locator(".warn.w-block").inner_text() == "license unknown"
    assert row.locator(".warn.w-note").inner_text() == "offset missing"
    red = row.locator(".warn.w-block").evaluate("e => getComputedStyle(e).backgroundColor")
    amber = row.locator(".warn.w-note").evaluate("e => getComputedStyle(e).backgroundColor")
    assert red != amber
    page.screenshot(path=str(screenshot_path("review-queue.png")))
    # tick with the keyboard: j selects, x ticks; the click on a tick box does not open the case
    page.keyboard.press("j")
    page.keyboard.press("x")
    page.keyboard.press("j")
    page.keyboard.press("x")
    page.locator(f"tr[data-case='{minor}'] input[name=case_id]").check()
    assert page.url.rstrip("/") == server
    assert page.locator("#bulk-count").inner_text() == "3 case(s) ticked:"
    page.click("#bulk-approve")
    page.wait_for_selector("text=2 case(s) approved")
    assert page.locator(f"text=case {minor} cannot be approved").count() == 1
    page.close()
    assert not [e for e in errors if "Content Security Policy" in e or "Uncaught" in e], errors
    with session_scope(rdb.engine) as s:
        states = {i: s.get(Case, i).review_state for i in ids + [minor, unknown]}
    assert states == {ids[0]: "approved", ids[1]: "approved", ids[2]: "staged", ids[3]: "staged", minor: "staged",
                      unknown: "staged"}
