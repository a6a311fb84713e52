"""Tests of the keyword gates and windowed scans (same results, cheaper), the site and publisher
constants (DOI <-> URL, dates), the image date from a note, and backfill_rows."""

import re

import pytest

from ingest.backfill import backfill_row, backfill_rows
from ingest.normalize import normalize_offset, normalize_temperature
from ingest.normalize.common import finditer_near
from ingest.normalize.provenance import date_for_url, doi_for_url, url_for_doi
from schema import COLUMNS

from .helpers import assert_blank, assert_value

HANNOVER = "https://github.com/ml-workgroup/covid-19-image-repository"


def _row(**cells):
    row = {c: "" for c in COLUMNS}
    row.update(cells)
    return row


def test_finditer_near_finds_what_a_full_scan_finds():
    pattern = re.compile(r"\b(?:for|since)\s+(\w+)\s+days\b")
    anchor = re.compile(r"\bdays\b")
    text = "Cough for three days. Stable since two days, then worse for many days."
    assert ([m.span() for m in finditer_near(pattern, text, anchor, 30, 10)]
            == [m.span() for m in pattern.finditer(text)])


def test_finditer_near_does_not_cut_a_match_at_a_neighbours_window():
    # the window of "days" ends inside "3 hours after admission": a scan of that window alone finds
    # "3 hours" and the match's own window, starting past it, is skipped
    pattern = re.compile(r"\b\d+\s+hours(?:\s+after\s+admission)?")
    anchor = re.compile(r"\b(?:hours|days)\b")
    text = "Fever 2 days ago; 3 hours after admission, a radiograph."
    assert ([m.group(0) for m in finditer_near(pattern, text, anchor, 10, 20)]
            == [m.group(0) for m in pattern.finditer(text)] == ["3 hours after admission"])


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Chest radiograph 3 days after the onset of symptoms.", 3),
        ("Follow-up film after a few days.", None),  # relative to an earlier image: blank
        ("Control radiograph seven days after admission.", 7),
    ],
)
def test_offset_number_words_are_validated(text, expected):
    result = normalize_offset(text)
    if expected is None:
        assert_blank(result, text)
    else:
        assert_value(result, text, expected)


@pytest.mark.parametrize("text", ["Many days after admission the film improved.",
                                  "Cough for several weeks, no image date."])
def test_offset_words_that_are_not_numbers_stay_blank(text):
    assert_blank(normalize_offset(text), text)


def test_temperature_capital_t_cue_still_reads_but_a_word_starting_with_t_does_not():
    text = "On arrival T 38.5, HR 110."
    assert_value(normalize_temperature(text), text, 38.5)
    text = "Saturation dropped to 38 and rose to 40 over the night."
    assert_blank(normalize_temperature(text), text)


def test_no_keyword_no_temperature():
    text = "Bilateral ground-glass opacities, 35 mm nodule."
    assert_blank(normalize_temperature(text), text)


def test_repository_doi_and_url_from_each_other():
    result = doi_for_url(HANNOVER)
    assert_value(result, HANNOVER, "10.6084/m9.figshare.12275009")
    doi = "10.6084/m9.figshare.12275009"
    assert_value(url_for_doi(doi), doi, HANNOVER)


@pytest.mark.parametrize(
    "doi, url",
    [
        ("10.1056/NEJMoa2001191", "https://www.nejm.org/doi/full/10.1056/NEJMoa2001191"),
        ("10.3348/kjr.2020.0132", "https://www.kjronline.org/DOIx.php?id=10.3348/kjr.2020.0132"),
        ("https://doi.org/10.3346/jkms.2020.35.e79", "https://www.jkms.org/DOIx.php?id=10.3346/jkms.2020.35.e79"),
    ],
)
def test_publisher_page_from_doi(doi, url):
    assert_value(url_for_doi(doi), doi, url)


@pytest.mark.parametrize("doi", ["10.1016/j.jmii.2020.03.003", "10.1148/radiol.2020200230", "not a doi"])
def test_doi_whose_page_is_not_derivable_gives_no_url(doi):
    assert_blank(url_for_doi(doi), doi)


def test_site_date_only_for_the_repository():
    assert_value(date_for_url(HANNOVER), HANNOVER, "2020")
    assert_blank(date_for_url("https://radiopaedia.org/cases/covid-19-pneumonia-15"), "")


def test_backfill_url_doi_date_of_the_repository():
    row = _row(url=HANNOVER, doi="10.6084/m9.figshare.12275009", filename="b343e657.jpg")
    fills = {f.field: f.value for f in backfill_row(dict(row, url="", doi="10.6084/m9.figshare.12275009"), ["url"])}
    assert fills == {"url": HANNOVER}
    fills = {f.field: f.value for f in backfill_row(dict(row, doi=""), ["doi", "date"])}
    assert fills == {"doi": "10.6084/m9.figshare.12275009", "date": "2020"}


@pytest.mark.parametrize(
    "note, expected",
    [
        ("Chest radiograph on March 3, 2020 shows bilateral opacities.", "2020-03-03"),
        ("CT scan performed on 12 February 2020: ground-glass opacities.", "2020-02-12"),
        # a date of another event, or several dates: the image's date is not stated
        ("Symptom onset on March 3, 2020. Chest radiograph shows opacities.", None),
        ("Chest radiograph on March 3, 2020 and CT on March 5, 2020.", None),
        ("Admitted on March 3, 2020 with fever; chest radiograph shows opacities.", None),
        # a film on admission takes the admission's date the history gives
        ("On January 22, 2020, a 65-year-old man was admitted to the emergency department for fever. "
         "Chest radiographs obtained on admission showed an infiltrate in the left upper lobe.", "2020-01-22"),
        ("A 70-year-old woman was admitted to our hospital on 4 March 2020. The admission chest X-ray "
         "showed bilateral opacities.", "2020-03-04"),
        # "initial" orders the films, a film without the admission's words, or an undated admission
        ("On January 22, 2020, he was admitted for fever. The initial chest radiograph showed opacities.", None),
        ("On January 22, 2020, he was admitted for fever. A chest radiograph showed opacities.", None),
        ("He was admitted for fever. Chest radiographs obtained on admission showed opacities.", None),
        # the onset's date is not the admission's
        ("Fever began on January 17, 2020. Chest radiograph on admission showed opacities.", None),
    ],
)
def test_backfill_image_date_from_the_note(note, expected):
    fills = {f.field: f for f in backfill_row(_row(clinical_notes=note, filename="x.jpg"), ["date"])}
    if expected is None:
        assert "date" not in fills
    else:
        assert fills["date"].value == expected
        assert fills["date"].evidence in note


def test_backfill_rows_equals_the_sequential_loop():
    rows = [_row(clinical_notes=f"A {20 + i}-year-old man, RT-PCR positive. Chest radiograph on day {i}.",
                 filename="a.jpg") for i in range(30)]
    sequential = [backfill_row(r, None, 2 + i) for i, r in enumerate(rows)]
    assert backfill_rows(rows, workers=2, chunk=10) == sequential
    assert backfill_rows(rows, workers=1) == sequential


def test_a_covid_repository_publishing_no_test_is_unclear_rt_pcr():
    # round 49: the Hannover repository and coronacases.org publish COVID-19 patients' images with
    # no test result: the dataset's rule writes a confirmed case without a PCR named "Unclear"
    from ingest.normalize.provenance import rt_pcr_for_url

    coronacases = "https://coronacases.org/forum/coronacases-org-helping-radiologists/question/case-004-21"
    assert_value(rt_pcr_for_url(HANNOVER), HANNOVER, "Unclear")
    assert_value(rt_pcr_for_url(coronacases), coronacases, "Unclear")
    assert_blank(rt_pcr_for_url("https://radiopaedia.org/cases/covid-19-pneumonia-15"), "")
    fills = {f.field: (f.value, f.rule) for f in backfill_row(_row(url=HANNOVER, filename="b343e657.jpg"),
                                                                ["RT_PCR_positive"])}
    from ingest.normalize.clinical import RT_PCR_VERSION

    assert fills == {"RT_PCR_positive": ("Unclear", f"rt_pcr.site@v{RT_PCR_VERSION}")}
    # a note naming the test decides; a case site's row with no note gets nothing
    told = _row(url=coronacases, filename="coronacases_org_004.nii.gz", clinical_notes="RT-PCR was positive.")
    assert [(f.value, f.rule.split("@")[0]) for f in backfill_row(told, ["RT_PCR_positive"])] == [
        ("Y", "rt_pcr.test-named")]
    assert backfill_row(_row(url="https://radiopaedia.org/cases/covid-19-pneumonia-15", filename="a.jpg"),
                        ["RT_PCR_positive"]) == []


@pytest.mark.parametrize(
    "url, note",
    [
        ("https://radiopaedia.org/cases/covid-19-pneumonia-15", "Elderly male, covid-19 positive."),
        ("https://radiopaedia.org/cases/covid-19-advanced?lang=us", ""),
        ("https://radiopaedia.org/cases/covid-19-pneumonia-7/studies/85703", "Dry cough."),
        ("https://radiopaedia.org/cases/atypical-covid19-pneumonia-2", "Fever for 5 days. Ground-glass."),
        ("https://radiopaedia.org/cases/sars-cov-2-pneumonia-child-exposure", "Presentation: cough."),
        # the disease's own names are no year of a film
        ("https://radiopaedia.org/cases/covid-19-pneumonia-92", "A case of COVID-2019 (2019-nCoV) pneumonia."),
    ],
)
def test_a_radiopaedia_covid_case_is_dated_by_its_year(url, note):
    # round 50: Radiopaedia shows no exam date, and the dataset dates its cases by the year ("2016",
    # "2020", never a day); a case whose address names COVID-19 is of 2020 (34 of the sample's known
    # dates, all "2020", half of them in each half)
    row = _row(url=url, filename="a.jpg", clinical_notes=note)
    fills = {f.field: (f.value, f.rule.split("@")[0], f.evidence) for f in backfill_row(row, ["date"])}
    assert fills["date"][:2] == ("2020", "date.covid-case-year")
    assert fills["date"][2] in url


@pytest.mark.parametrize(
    "url, note",
    [
        # another disease's case, another site's COVID-19 case (papers and SIRM write the day), a site page
        ("https://radiopaedia.org/cases/klebsiella-pneumonia-1", "Tachypneic and febrile."),
        ("https://www.sirm.org/2020/03/10/covid-19-caso-32/", "43-year-old man, fever for 7 days."),
        ("https://www.eurorad.org/case/16660", "COVID-19 pneumonia."),
        ("https://radiopaedia.org/articles/covid-19-4", "Imaging of COVID-19."),
        # a note naming another year may show an older film
        ("https://radiopaedia.org/cases/covid-19-pneumonia-44", "Prior CT in 2018 was normal. Now bilateral GGO."),
        ("https://radiopaedia.org/cases/covid-19-pneumonia-44", "Symptoms since late December 2019."),
    ],
)
def test_no_covid_case_year_elsewhere(url, note):
    row = _row(url=url, filename="a.jpg", clinical_notes=note)
    assert "date" not in {f.field for f in backfill_row(row, ["date"])}


def test_a_dated_film_of_a_covid_case_keeps_its_day():
    row = _row(url="https://radiopaedia.org/cases/covid-19-pneumonia-7", filename="a.jpg",
               clinical_notes="Chest radiograph on March 3, 2020 shows bilateral opacities.")
    assert [(f.value, f.rule.split("@")[0]) for f in backfill_row(row, ["date"])] == [
        ("2020-03-03", "date.image-sentence")]


@pytest.mark.parametrize(
    "url, doi, note",
    [
        ("https://pubs.rsna.org/doi/full/10.1148/ryct.2020200411", "",
         "A 48-year-old man presented with fever and cough. Chest radiograph of a COVID-19 patient shows opacities."),
        ("https://www.kjronline.org/DOIx.php?id=10.3348/kjr.2020.0301", "",
         "COVID-19 pneumonia. Baseline chest radiograph shows patchy consolidation in both lower lung zones."),
        ("https://link.springer.com/article/10.1007%2Fs00330-020-06975-7", "",
         "Bilateral ground-glass opacities in a patient with confirmed SARS-CoV-2 infection."),
        ("https://www.sciencedirect.com/science/article/pii/S1201971220301636", "",
         "Novel coronavirus pneumonia: axial CT shows peripheral ground-glass opacities."),
        ("https://www.thelancet.com/journals/lancet/article/PIIS0140-6736(20)30566-3/fulltext", "",
         "Coronavirus disease 2019 pneumonia in a 61-year-old woman: consolidation of the right lower lobe."),
        # the DOI cell, when the address holds no identifier
        ("https://www.ncbi.nlm.nih.gov/pmc/articles/PMC7112345/", "10.1016/j.radcr.2020.04.012",
         "Portable chest radiograph of a COVID-19 patient shows bilateral airspace disease."),
        ("https://www.medrxiv.org/content/10.1101/2020.04.13.20063461v1.full.pdf", "",
         "CXR of a SARS-CoV-2 positive patient: bilateral peripheral opacities."),
    ],
)
def test_a_covid_paper_issued_in_2020_is_dated_by_its_year(url, doi, note):
    # round 51: a paper's DOI or PII tells the year it was issued (RSNA's "radiol.2020...", KJR's "kjr.2020.",
    # Springer Nature's "-020-", Elsevier's "(20)"); COVID-19's films are of December 2019 on, so a figure of a
    # paper issued in 2020 is of 2020, the year the dataset writes when the paper tells no day (blank protocol date
    # 113 -> 125 filled, 110 -> 122 right)
    row = _row(url=url, doi=doi, filename="fig1.png", clinical_notes=note)
    fills = {f.field: (f.value, f.rule.split("@")[0], f.evidence) for f in backfill_row(row, ["date"])}
    assert fills["date"][:2] == ("2020", "date.issued-year")
    assert fills["date"][2] in url + doi


@pytest.mark.parametrize(
    "url, note",
    [
        # another disease: a paper of 2020 may show an older film
        ("https://pubs.rsna.org/doi/full/10.1148/radiol.2020191234", "Chronic eosinophilic pneumonia, 40-year-old."),
        # issued another year: the film may be of 2020 or 2021
        ("https://link.springer.com/article/10.1007/s00330-021-07715-1", "COVID-19 pneumonia, bilateral GGO."),
        ("https://www.sciencedirect.com/science/article/pii/S1201971221001234", "COVID-19 pneumonia, bilateral GGO."),
        # the note dates its films, or names a month or another year: the curators write the film's day
        ("https://pubs.rsna.org/doi/10.1148/ryct.2020200033", "COVID-19. Chest radiograph on December 30, 2019."),
        ("https://www.kjronline.org/DOIx.php?id=10.3348/kjr.2020.0132", "COVID-19 pneumonia; onset in late January."),
        ("https://www.kjronline.org/DOIx.php?id=10.3348/kjr.2020.0132", "COVID-19 pneumonia. Tests of 07/03/2020."),
        ("https://www.kjronline.org/DOIx.php?id=10.3348/kjr.2020.0132", "COVID-19. Prior CT in 2018 was normal."),
        # a course told day by day: the paper dates the patient's days elsewhere
        ("https://www.kjronline.org/DOIx.php?id=10.3348/kjr.2020.0132", "COVID-19. Radiograph on day 5 of admission."),
        ("https://www.kjronline.org/DOIx.php?id=10.3348/kjr.2020.0132", "COVID-19. Follow-up film 3 days later."),
        # no identifier issued with its year: SIRM's post dates are no paper's
        ("https://www.sirm.org/2020/03/10/covid-19-caso-32/", "43-year-old man with COVID-19."),
        ("https://www.nejm.org/doi/full/10.1056/NEJMc2001272", "COVID-19 pneumonia."),
    ],
)
def test_no_covid_paper_year_otherwise(url, note):
    row = _row(url=url, filename="fig1.png", clinical_notes=note)
    assert [f for f in backfill_row(row, ["date"]) if f.rule.startswith("date.issued-year")] == []


@pytest.mark.parametrize(
    "url, note, sex",
    [
        ("https://coronacases.org/forum/coronacases-org-helping-radiologists-to-help-people-in-more-than-100-countries-1/"
         "question/case-004-41-year-old-male-21", "CT images demonstrate ground-glass opacities.", "M"),
        ("https://www.cureus.com/articles/31234-covid-19-pneumonia-in-a-67-year-old-woman-with-lupus", "", "F"),
        ("https://example.org/cases/72-yr-old-gentleman-with-fever", "Bilateral opacities.", "M"),
    ],
)
def test_sex_from_a_case_address_titling_its_patient(url, note, sex):
    # round 51: case forums and journals slug the case's title into its address ("case-004-41-year-old-male");
    # the title's sex is the patient's when the notes tell none (blank protocol sex 155 -> 157 filled, all right)
    row = _row(url=url, filename="a.png", clinical_notes=note)
    fills = {f.field: (f.value, f.rule.split("@")[0], f.evidence) for f in backfill_row(row, ["sex"])}
    assert fills["sex"][:2] == (sex, "sex.url-title")
    assert fills["sex"][2] in url


@pytest.mark.parametrize(
    "url, note",
    [
        # two patients titled: a comparison of cases
        ("https://www.cureus.com/articles/1-a-45-year-old-man-and-a-50-year-old-woman-with-covid-19", "GGO."),
        # the note's own words decide, and a note disagreeing with the title leaves it to them
        ("https://coronacases.org/forum/question/case-009-55-year-old-male-3", "A 55-year-old woman with cough."),
        # no age-and-sex title ("male" alone is no patient's title; a domain is no title)
        ("https://radiopaedia.org/cases/male-breast-cancer", "Mass."),
        ("https://www.female-health.org/case/12", "Cough."),
    ],
)
def test_no_sex_from_an_address_without_one_patients_title(url, note):
    row = _row(url=url, filename="a.png", clinical_notes=note)
    assert [f for f in backfill_row(row, ["sex"]) if f.rule.startswith("sex.url-title")] == []
