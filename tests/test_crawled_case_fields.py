"""Crawled cases end to end, from the sites' side: a fixture page written the way each site states
WHEN a film was taken and WHICH modality and view it is (docs/site-notes.md §1-§3), through its
parser and ``normalize_case``, field by field per image (issue 12: sex, age, finding, modality,
view, licence, url, offset, credit)."""

from __future__ import annotations

from pathlib import Path

from ingest.case_fields import normalize_case
from ingest.eurorad import parse_eurorad_case
from ingest.radiopaedia import parse_radiopaedia_case, parse_radiopaedia_stacks
from ingest.sirm import parse_sirm_posts

FIXTURES = Path(__file__).parent / "fixtures"
CASE_FIELDS = ("sex", "age", "finding", "license", "url", "other_notes")


def fields(record):
    results = {(r.field, r.image_position): r for r in normalize_case(record)}
    case = {f: results[(f, None)].value if (f, None) in results else None for f in CASE_FIELDS}
    images = [{f: results[(f, i.position)].value if (f, i.position) in results else None
               for f in ("modality", "view", "offset")} for i in record.images]
    return case, images, results


def column(images, name):
    return [image[name] for image in images]


def radiopaedia_study_labels():
    url = "https://radiopaedia.org/cases/covid-19-pneumonia-77801"
    record = parse_radiopaedia_case((FIXTURES / "radiopaedia" / "case_study_labels.html").read_text(), url)
    images = []
    for study_id in record.extra["study_ids"]:
        payload = (FIXTURES / "radiopaedia" / f"stacks_{study_id}.json").read_text()
        images += parse_radiopaedia_stacks(payload, study_id, first_position=len(images))
    record.images = images
    return record


def test_radiopaedia_study_labels_place_every_stack_of_a_study_on_its_day():
    case, images, results = fields(radiopaedia_study_labels())
    assert case == {"sex": "M", "age": "70", "finding": "Pneumonia/Viral/COVID-19", "license": "CC BY-NC-SA 3.0",
                    "url": "https://radiopaedia.org/cases/covid-19-pneumonia-77801",
                    "other_notes": "Case courtesy of Ali Mashalla Åhre, Radiopaedia.org, rID: 77801"}
    assert column(images, "modality") == ["X-ray", "X-ray", "X-ray", "X-ray", "CT"]
    # a stack's plane: "Frontal" says neither PA nor AP, so it stays blank with that reason
    assert column(images, "view") == [None, "L", None, "L", "Axial"]
    assert results[("view", 0)].reason == "'Frontal' does not say PA or AP"
    # "Presentation" is the admission, 3 days after the onset; "5 days later" counts from it for
    # both stacks of its study; "2 weeks later" from that study
    assert column(images, "offset") == ["3", "3", "8", "8", "22"]
    assert results[("offset", 3)].evidence == "for 3 days … 5 days later"


def test_eurorad_captions_give_each_figure_its_day_and_each_sub_image_its_listed_view():
    html = (FIXTURES / "eurorad" / "case_16747_timeline.html").read_text()
    [record] = parse_eurorad_case(html, "https://www.eurorad.org/case/16747")
    case, images, results = fields(record)
    assert case["sex"] == "F" and case["age"] == "59" and case["finding"] == "Pneumonia/Viral/COVID-19"
    assert case["license"] == "CC BY-NC-SA 4.0" and case["url"] == "https://www.eurorad.org/case/16747"
    assert case["other_notes"].startswith("Credit to Marco Rossi1, ")
    assert column(images, "modality") == ["X-ray", "X-ray", "CT", "X-ray", "X-ray", "X-ray"]
    # "PA (a) and lateral (b) views" of Figure 1's two sub-images: the k-th has the k-th view
    assert column(images, "view") == ["PA", "L", "Axial", "AP", "PA", "PA"]
    assert results[("view", 1)].rule == "view.listed-in-order"
    # on admission (4-day history), the following day, 48 hours after admission, one week later
    # (than the film before), and "36 hours later", which is no whole day: blank with the reason
    assert column(images, "offset") == ["4", "4", "5", "6", "13", None]
    assert "'36 hours later'" in results[("offset", 5)].reason


def test_eurorad_ct_two_hours_after_the_admission_film_is_on_its_day():
    [record] = parse_eurorad_case((FIXTURES / "eurorad" / "case_16672_like.html").read_text(),
                                  "https://www.eurorad.org/case/16672")
    _, images, _ = fields(record)
    assert column(images, "offset") == ["7", "7", "7", None]


def test_sirm_italian_wording_places_each_film():
    html = (FIXTURES / "sirm" / "post_caso_52_timeline.html").read_text()
    [record] = parse_sirm_posts(html, "https://www.sirm.org/2020/03/16/covid-19-caso-52/")
    case, images, _ = fields(record)
    assert case == {"sex": "M", "age": "62", "finding": "Pneumonia/Viral/COVID-19", "license": None,
                    "url": "https://www.sirm.org/2020/03/16/covid-19-caso-52/",
                    "other_notes": "Credit to Luca GRECO, Valentina SANTORO, Roberto MANCINI."}
    assert column(images, "modality") == ["X-ray", "CT", "CT", "X-ray", "X-ray"]
    assert column(images, "view") == ["PA", "Axial", "Axial", "AP Supine", None]  # a CT naming no plane: Axial
    # all'ingresso (6-day history), il giorno successivo (both films of the gallery), a distanza di
    # 5 giorni dal ricovero, 48 ore dopo
    assert column(images, "offset") == ["6", "7", "7", "11", "13"]


def test_sirm_dates_and_a_paragraph_listing_two_projections():
    html = (FIXTURES / "sirm" / "post_caso_67_dates.html").read_text()
    [record] = parse_sirm_posts(html, "https://www.sirm.org/2020/04/02/covid-19-caso-67/")
    case, images, results = fields(record)
    assert (case["sex"], case["age"], case["license"]) == ("F", "58", None)
    assert case["other_notes"] == "Credit to Giulia FERRARA, Antonio DE ROSA."
    # "In data 25/3 esegue RX torace ..." does not start with an imaging word, yet describes the films after it
    assert column(images, "modality") == ["X-ray", "X-ray", "CT"]
    assert column(images, "view") == ["PA", "L", "Axial"]
    # onset 21/3, admission 25/3: the films of 25/3 are day 4, the CT of 28/3 day 7
    assert column(images, "offset") == ["4", "4", "7"]
    assert results[("offset", 2)].rule == "timeline.date-since-onset"


def test_sirm_paragraph_naming_rx_and_tc_gives_each_film_its_own_modality():
    html = (FIXTURES / "sirm" / "post_caso_88_mixed.html").read_text()
    [record] = parse_sirm_posts(html, "https://www.sirm.org/2020/04/09/covid-19-caso-88/")
    case, images, results = fields(record)
    assert (case["sex"], case["age"]) == ("F", "71")
    # "esegue RX torace e TC del torace" before a gallery: the files are named after their modality;
    # "RX e TC di controllo" before two camera-named films: the words list them in order
    assert column(images, "modality") == ["X-ray", "CT", "CT", "X-ray", "CT"]
    assert [results[("modality", k)].rule for k in range(5)] == ["modality.filename"] * 3 + [
        "modality.listed-in-order"] * 2
    assert column(images, "offset") == ["5", "5", "5", "12", "12"]


def test_sirm_paragraph_naming_rx_and_tc_leaves_unnamed_films_of_another_count_blank():
    html = (FIXTURES / "sirm" / "post_caso_88_mixed.html").read_text()
    # three camera-named films after "RX torace e TC": neither their names nor a list say which is which
    html = html.replace("RX-TORACE", "1C4B7E90-AAAA").replace("TC-TORACE-1", "2D5C8F01-BBBB").replace(
        "TC-TORACE-2", "3E6D9A12-CCCC")
    [record] = parse_sirm_posts(html, "https://www.sirm.org/2020/04/09/covid-19-caso-88/")
    _, images, results = fields(record)
    assert column(images, "modality")[:3] == [None, None, None]
    assert results[("modality", 0)].reason == "both X-ray and CT in the text"


def test_eurorad_sub_images_of_an_xray_and_a_ct_take_their_listed_modality_and_a_fitting_view():
    html = (FIXTURES / "eurorad" / "case_16751_mixed_figure.html").read_text()
    [record] = parse_eurorad_case(html, "https://www.eurorad.org/case/16751")
    _, images, results = fields(record)
    # "Chest X-ray (a) and axial CT image (b)": the parser's caption word said CT for both
    assert column(images, "modality") == ["X-ray", "CT"]
    assert column(images, "view") == [None, "Axial"]
    assert "is no view of a X-ray image" in results[("view", 0)].reason
    assert column(images, "offset") == ["4", "4"]


def test_each_patient_of_a_family_page_takes_the_finding_of_its_own_history():
    html = (FIXTURES / "eurorad" / "case_multi_patient.html").read_text()
    records = parse_eurorad_case(html, "https://www.eurorad.org/case/16689")
    # the title ("COVID-19 pneumonia in a mother and her daughter") is about both patients
    assert [fields(r)[0]["finding"] for r in records] == ["Pneumonia/Viral/COVID-19"] * 2
    assert [(fields(r)[0]["sex"], fields(r)[0]["age"]) for r in records] == [("F", "78"), ("F", "45")]
    # the title names the family as the patients: its finding is each patient's
    assert fields(records[1])[2][("finding", None)].evidence in records[1].title
    # a title naming them otherwise gives none: each patient's own history does
    html = html.replace("in a mother and her daughter", "with a mother and her daughter")
    records = parse_eurorad_case(html, "https://www.eurorad.org/case/16689")
    assert [fields(r)[0]["finding"] for r in records] == ["Pneumonia/Viral/COVID-19"] * 2
    assert fields(records[1])[2][("finding", None)].evidence in records[1].history


def test_eurorad_sub_captions_opened_by_their_letters_give_each_sub_image_its_own_moment():
    html = (FIXTURES / "eurorad" / "case_16747_timeline.html").read_text().replace(
        "Chest radiographs on admission, PA (a) and lateral (b) views: subtle peripheral opacities in both lower "
        "zones.",
        "Chest radiographs: (a) PA view on admission, subtle peripheral opacities; (b) AP view 5 days later, "
        "progression to consolidations.")
    [record] = parse_eurorad_case(html, "https://www.eurorad.org/case/16747")
    _, images, results = fields(record)
    assert column(images, "view")[:2] == ["PA", "AP"]
    # (b) is its own film, 5 days after (a); the CT "the following day" counts from (b), the film before it
    assert column(images, "offset")[:3] == ["4", "9", "10"]
    assert results[("offset", 1)].evidence == "for 4 days … 5 days later"
