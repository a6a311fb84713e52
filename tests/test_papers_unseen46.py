"""The forty-sixth blind batch of papers (tests/fixtures/papers_unseen46/), through the rules it broke on the first
crawl: the classes of writing, not the batch's sentences."""

from __future__ import annotations

from pathlib import Path

from scrapy import Request
from scrapy.http import HtmlResponse
from twisted.python.failure import Failure

from ingest.normalize.time_words import amount_in_days
from ingest.panels import Panel, PanelSplit
from ingest.patients import split_patients
from ingest.records import CaseRecord
from middlewares import BlockedResponse
from spiders.publications import PaperState, PublicationsSpider, parse_paper_reference
from tests.jats_cases import file_cases, image_offsets

UNSEEN46 = Path(__file__).parent / "fixtures" / "papers_unseen46"
CLUJ = "PMC7460011_efetch.xml"  # MDPI Diagnostics: "(a) ... (day 6 from the onset of symptoms)", "(d) ... at day 52"
SHIRAZ = "PMC7460022_efetch.xml"  # Hindawi: "the fifth day of hospitalization", "Forty days after discharge"
HINDAWI = "https://www.hindawi.com/journals/cripu/2020/8857346/"
WILEY = "https://onlinelibrary.wiley.com/doi/10.1155/2020/8857346"


# --- an address naming no identifier, redirected to a refused address naming the DOI ---------------------------------

def _spider_at_the_landing(given: str) -> tuple[PublicationsSpider, PaperState]:
    spider = PublicationsSpider(dois=given)
    spider.finish = lambda state, article: iter(())  # the paper's end (its cases, or "no open copy"): not here
    ref = parse_paper_reference(given)
    state = PaperState(ref=ref, doi=ref.doi, pmcid=ref.pmcid, pmid=ref.pmid)
    state.landing_url = ref.url
    assert [r.meta["step"] for r in spider.next_step(state)] == ["publisher-html"]
    return spider, state


def _refused_at(spider: PublicationsSpider, state: PaperState, url: str) -> list[Request]:
    """The next requests after the landing step, redirected to ``url``, met the robot challenge there."""
    request = Request(url, cb_kwargs={"state": state}, meta={"step": "publisher-html", "real_url": url})
    failure = Failure(BlockedResponse("cloudflare-challenge", url))
    failure.request = request
    return list(spider.step_failed(failure))


def test_a_refused_landing_redirected_to_a_doi_address_gives_the_doi():
    """Hindawi's old article address answers 301 to Wiley's /doi/ address, a robot challenge: the DOI that address
    names asks the ID converter (was: "no open copy", the paper not found)."""
    spider, state = _spider_at_the_landing(HINDAWI)
    (request,) = _refused_at(spider, state, WILEY)
    assert (state.doi, request.meta["step"]) == ("10.1155/2020/8857346", "idconv")
    spider, state = _spider_at_the_landing(HINDAWI)
    response = HtmlResponse(WILEY, status=403, body=b"<html><title>Forbidden</title></html>",
                            request=Request(WILEY, meta={"step": "publisher-html"}))
    (request,) = list(spider._landing(response, state, WILEY))
    assert (state.doi, request.meta["step"]) == ("10.1155/2020/8857346", "idconv")


def test_a_refused_landing_at_its_own_address_or_one_naming_no_doi_ends_as_before():
    for refused in (HINDAWI, "https://www.hindawi.com/journals/cripu/contents/"):
        spider, state = _spider_at_the_landing(HINDAWI)
        assert not state.doi
        requests = _refused_at(spider, state, refused)
        assert not state.doi and all(r.meta.get("step") != "idconv" for r in requests), refused


# --- a discharge's bare day in a paper counting the illness's days ---------------------------------------------------

def _four_panels() -> PanelSplit:
    """A reliable split of a figure into four panels, two rows of two (the pixels' own split, as the mirror's)."""
    boxes = [(0, 0, 340, 340), (352, 0, 692, 340), (0, 352, 340, 692), (352, 352, 692, 692)]
    return PanelSplit([Panel(box, b"") for box in boxes], reliable=True, reason="gutters", width=704, height=704)


def _cluj(replacements: dict[str, str] | None = None) -> CaseRecord:
    (case,) = file_cases(UNSEEN46 / CLUJ, replacements, {1: _four_panels()})
    return case


def test_a_discharge_s_bare_day_counts_the_illness_where_the_legends_do():
    """"(a) ... at admission (day 6 from the onset of symptoms) ... (b,c) Chest CT at day 9 from the onset ... (d)
    Control CT, axial section, at day 52" and Figure 2 "at discharge (day 26)": the paper's one count is the
    illness's (were 32, the stay's day 26 after the admission's 6, and blank for "at day 52")."""
    assert image_offsets(_cluj()) == ["6", "9", "9", "52", "26"]
    illness = _cluj({"from the onset of symptoms)": "of illness)", "at day 9 from the onset": "on illness day 9"})
    assert image_offsets(illness) == ["6", "9", "9", "52", "26"]


def test_a_discharge_s_bare_day_stays_the_stay_s_where_the_text_counts_the_stay():
    """The text counting the stay's days too ("On the 3rd day of hospitalization"): "at discharge (day 26)" is the
    stay's day, as before, and a bare "at day 52" may be either."""
    case = _cluj({"On 17 October, the patient": "On the 3rd day of hospitalization, the patient"})
    assert image_offsets(case) == ["6", "9", "9", None, "32"]


# --- English tens past twenty --------------------------------------------------------------------------------------

def test_english_tens_past_twenty_are_numbers():
    """"Forty days after discharge" (discharge on the sixteenth day of hospitalization, day 21): 61 (was blank:
    "forty" was no number); a compound is read whole ("forty-five days", not "five days")."""
    (case,) = file_cases(UNSEEN46 / SHIRAZ)
    assert image_offsets(case) == ["5", "5", "10", "13", "21", "61"]
    legend = "Axial chest CT scan forty days after discharge"
    for told, day in (("forty-five days after discharge", "66"), ("sixty days after discharge", "81"),
                      ("twenty-one days after discharge", "42")):
        (case,) = file_cases(UNSEEN46 / SHIRAZ, {legend: f"Axial chest CT scan {told}"})
        assert image_offsets(case)[-1] == day, told
    assert [amount_in_days(n, "days") for n in ("forty", "Ninety", "thirty-one", "twenty")] == [40, 90, 31, 20]
    assert amount_in_days("forty", "weeks") == 280
    assert [amount_in_days(n, "days") for n in ("fortyfive", "hundred", "forty-ten")] == [None, None, None]


def test_a_ten_spelled_apart_from_its_unit_in_a_legend_is_one_number():
    """"forty five days after discharge" (as non-native authors write it) is 45 days, as "forty-five": the legend's
    moment was its unit word alone ("five days after discharge": 26, a wrong value)."""
    legend = "Axial chest CT scan forty days after discharge"
    (case,) = file_cases(UNSEEN46 / SHIRAZ, {legend: "Axial chest CT scan forty five days after discharge"})
    assert image_offsets(case)[-1] == "66"


# --- a PDF's declarations after the discussion are no section of the patient -----------------------------------------

def test_a_consent_statement_is_no_section_of_the_patient():
    """The PDF's headings run into their paragraphs in capitals ("CASE REPORT A 28-year-old ..."), none read as a
    heading; its back matter's "PATIENT'S CONSENT: ..." is, and was the one case section: the history was the
    introducing sentence and the consent line (Figure 3's "two weeks after discharge" blank)."""
    case_report = ("CASE REPORT A 28-year-old male presented with high grade fever for 5 days. He was discharged on "
                   "12th day of admission.")
    for declaration in ("PATIENT'S CONSENT: Informed consent was obtained from the patient.",
                        "Consent for publication: Written informed consent was obtained from the patient.",
                        "Ethics approval: Not required for a single patient's case report.",
                        "Conflict of interest: The authors declare no conflict of interest."):
        (patient,) = split_patients([case_report, "DISCUSSION Dengue is endemic in Punjab.", declaration], [])
        assert case_report in patient.paragraphs, declaration
    (patient,) = split_patients(["Case presentation: " + case_report[12:], "Patient consent: Obtained."], [])
    assert patient.paragraphs == [case_report[12:]]
