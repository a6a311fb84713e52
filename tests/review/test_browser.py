"""The review pages in a real headless Chromium (Debian's), against a real `scrapy review` server."""

from __future__ import annotations

import socket
import subprocess
import time
from pathlib import Path

import pytest
from sqlalchemy import select

from db.models import Case, FieldValue
from db.session import session_scope
from tests.conftest import ROOT, SCRAPY
from tests.review.conftest import noise_png, xray_png

CHROMIUM = "/usr/bin/chromium"
SCREENSHOT = ROOT / "docs" / "review-case.png"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"{CHROMIUM} is missing (apt-get install chromium; .ci/run does)"),
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def server(rdb, project_env):
    port = free_port()
    env = {**project_env, "REVIEWER": "browser-reviewer"}
    proc = subprocess.Popen([SCRAPY, "review", "--bind", f"127.0.0.1:{port}"], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"scrapy review exited: {proc.stdout.read()}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            break
        except OSError:
            time.sleep(0.2)
    else:
        proc.kill()
        pytest.fail("scrapy review did not start listening")
    yield f"http://127.0.0.1:{port}"
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()


def test_review_a_case_in_chromium(rdb, server):
    playwright = pytest.importorskip("playwright.sync_api")
    case_id = rdb.add_case(
        "17296", title="COVID-19 pneumonia with bilateral ground-glass opacities", images=[xray_png(0), noise_png(5)],
        history="A 58-year-old man presented with fever (38.9 °C), dry cough and dyspnoea for 5 days. "
                "RT-PCR positive for SARS-CoV-2. Oxygen saturation 89 % on room air.",
        findings="Chest X-ray (PA view, day 5): bilateral peripheral ground-glass opacities, predominantly in the lower zones.",
        age="58")
    with session_scope(rdb.engine) as s:  # the second image is a CT slice: leave it out
        case = s.get(Case, case_id)
        case.images[1].included = False
        for fv in case.field_values:
            if fv.field == "age":
                fv.evidence = "58-year-old"
    next_id = rdb.add_case("17297", title="Second case in the queue")
    errors: list[str] = []
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1440, "height": 1100})
            page.on("pageerror", lambda exc: errors.append(str(exc)))
            page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
            page.goto(server + "/")
            assert page.locator("tr.row").count() == 2
            page.click("text=COVID-19 pneumonia with bilateral")
            page.wait_for_url(f"**/case/{case_id}*")
            assert page.locator("img.xray").first.evaluate("img => img.complete && img.naturalWidth") == 512
            # zoom and window/level act on the image
            page.locator("[data-zoom=in]").first.click()
            assert "scale(1.25)" in page.locator("img.xray").first.get_attribute("style")
            # edit a field: the temperature
            page.fill("#edit-temperature", "38.9")
            page.press("#edit-temperature", "Enter")
            page.wait_for_selector("text=saved temperature")
            assert page.locator("#edit-temperature").input_value() == "38.9"
            page.mouse.click(5, 300)  # leave every field, as a reviewer does
            page.screenshot(path=str(SCREENSHOT))
            # approve with the keyboard: the next case opens
            page.keyboard.press("a")
            page.wait_for_url(f"**/case/{next_id}*")
            assert page.locator("text=case %d approved" % case_id).count() == 1
        finally:
            browser.close()
    assert not [e for e in errors if "Content Security Policy" in e or "Uncaught" in e], errors
    with session_scope(rdb.engine) as s:
        case = s.get(Case, case_id)
        assert case.review_state == "approved"
        fv = s.scalars(select(FieldValue).where(FieldValue.case_id == case_id, FieldValue.field == "temperature")).one()
        assert (fv.override, fv.override_by) == ("38.9", "browser-reviewer")
    assert SCREENSHOT.stat().st_size > 10_000
