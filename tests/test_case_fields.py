"""Which words of a parsed case feed which field: patient-level from the story, per image from its own text."""

from ingest.case_fields import normalize_case
from ingest.records import CaseRecord, ImageRecord


def by_key(results):
    return {(r.field, r.image_position): r for r in results}


def make_case(**kwargs):
    defaults = dict(source="eurorad", source_key="1", url="https://www.eurorad.org/case/1", title="COVID-19 pneumonia",
                    history="A 61-year-old woman with fever for 5 days; RT-PCR positive for SARS-CoV-2.",
                    discussion="Intubation may be required in severe cases and many patients die.",
                    license_text="CC BY-NC-SA 4.0", credit="Credit to Jane Doe1")
    defaults.update(kwargs)
    return CaseRecord(**defaults)


def test_patient_fields_come_from_the_history_not_the_discussion():
    results = by_key(normalize_case(make_case()))
    assert results[("sex", None)].value == "F"
    assert results[("age", None)].value == "61"
    assert results[("RT_PCR_positive", None)].value == "Y"
    assert results[("finding", None)].value == "Pneumonia/Viral/COVID-19"
    # the discussion's teaching text about intubation and death is not about this patient
    assert results[("intubated", None)].value is None
    assert results[("survival", None)].value is None
    assert results[("license", None)].value == "CC BY-NC-SA 4.0"
    assert results[("other_notes", None)].value == "Credit to Jane Doe1"


def test_each_image_gets_its_own_view_modality_and_offset():
    case = make_case(images=[
        ImageRecord("https://x/1.jpg", 0, caption="Chest radiograph, PA view, on admission."),
        ImageRecord("https://x/2.jpg", 1, caption="Lateral view."),
        ImageRecord("https://x/3.jpg", 2, caption="Axial CT image, day 7."),
        ImageRecord("https://x/4", 3, slice_urls=["https://x/4/1.png", "https://x/4/2.png"], caption="Stack"),
    ])
    results = by_key(normalize_case(case))
    # "fever for 5 days": the curators count from the onset, so the admission film is day 5
    assert (results[("view", 0)].value, results[("modality", 0)].value, results[("offset", 0)].value) == ("PA", "X-ray", "5")
    assert results[("offset", 0)].evidence == "for 5 days … on admission"
    assert (results[("view", 1)].value, results[("modality", 1)].value) == ("L", "X-ray")
    assert results[("modality", 1)].rule == "modality.from-view"
    assert (results[("view", 2)].value, results[("modality", 2)].value) == ("Axial", "CT")
    # "day 7" after a 5-day history may be day 7 of the illness or of the stay: blank, with the reason
    assert results[("offset", 2)].value is None
    assert "may count from the onset" in results[("offset", 2)].reason
    assert (results[("modality", 3)].value, results[("modality", 3)].rule) == ("CT", "modality.stack")
    assert len([r for r in normalize_case(case) if r.field == "modality"]) == 4  # one value per image


def test_evidence_is_a_span_of_the_text_read():
    for result in normalize_case(make_case(images=[ImageRecord("https://x/1.jpg", 0, caption="Portable AP radiograph")])):
        for span in result.evidence.split(" … ") if result.evidence else ():
            assert span in result.raw or span in make_case().history, result
