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
    assert (results[("view", 0)].value, results[("modality", 0)].value, results[("offset", 0)].value) == (
        "PA", "X-ray", "5")
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
    for result in normalize_case(make_case(images=[ImageRecord("https://x/1.jpg", 0,
                                                               caption="Portable AP radiograph")])):
        for span in result.evidence.split(" … ") if result.evidence else ():
            assert span in result.raw or span in make_case().history, result


def test_a_figure_without_caption_words_takes_the_findings_sentences_citing_it_alone():
    case = make_case(
        history="A 34-year-old man with a 7-day history of high fever and dry cough.",
        findings=("Admission chest X-ray showed a small right perihilar opacity (Fig. 1). "
                  "CT two hours later showed bilateral ground-glass opacities (Fig. 2). Figs. 1 and 2 are typical."),
        images=[ImageRecord("https://x/1.jpg", 0, label="Figure 1", extra={"figure": 1}),
                ImageRecord("https://x/2.jpg", 1, label="Figure 2", extra={"figure": 2})])
    results = by_key(normalize_case(case))
    assert (results[("modality", 0)].value, results[("modality", 1)].value) == ("X-ray", "CT")
    assert results[("offset", 0)].value == "7"  # the admission film, 7 days after the onset
    assert results[("offset", 0)].evidence == "7-day history … Admission chest X-ray"


def test_radiopaedia_frontal_image_takes_the_view_its_own_study_names():
    case = make_case(
        source="radiopaedia", history="Fever and cough.",
        images=[ImageRecord("https://x/1.png", 0, modality_text="X-ray", view_text="Frontal",
                            extra={"study_id": "11"}),
                ImageRecord("https://x/2.png", 1, modality_text="X-ray", view_text="Frontal",
                            extra={"study_id": "12"}),
                ImageRecord("https://x/3.png", 2, modality_text="X-ray", view_text="Lateral",
                            extra={"study_id": "12"})],
        extra={"studies": [{"study_id": "11", "title": "Day 1",
                            "findings": "AP supine radiograph: bilateral opacities."},
                           {"study_id": "12", "title": "Day 5",
                            "findings": "PA and lateral radiographs: improvement."}]})
    results = by_key(normalize_case(case))
    assert (results[("view", 0)].value, results[("view", 0)].rule) == ("AP Supine", "view.own-words")
    # study 12 holds two images, a Frontal and a Lateral stack: its words are not one image's, but
    # the one frontal projection they name ("PA and lateral") is its one Frontal stack's
    assert (results[("view", 1)].value, results[("view", 1)].rule) == ("PA", "view.study-frontal")
    assert results[("view", 2)].value == "L"
    # the study titles are the images' days ("Day 1", "Day 5"), anchored on hospitalisation
    assert [results[("offset", i)].value for i in range(3)] == ["1", "5", "5"]


def test_conflicting_evidence_leaves_the_field_blank_with_both_for_the_reviewer():
    case = make_case(sex_text="male", age_text="61 years", diagnosis="Pneumocystis pneumonia",
                     title="COVID-19 pneumonia")
    results = by_key(normalize_case(case))
    # the patient line says male, the history "A 61-year-old woman"
    assert results[("sex", None)].value is None
    assert results[("sex", None)].reason == "the patient line says M ('male'), the history says F ('woman')"
    assert results[("age", None)].value == "61"  # both say 61
    assert results[("finding", None)].value is None
    assert results[("finding", None)].reason.startswith("the final diagnosis says Pneumonia/Fungal/Pneumocystis")
    # a generic title does not contradict a specific diagnosis
    agreeing = by_key(normalize_case(make_case(diagnosis="COVID-19 pneumonia", title="Viral pneumonia")))
    assert agreeing[("finding", None)].value == "Pneumonia/Viral/COVID-19"


def test_a_stack_plane_the_images_own_words_contradict_is_left_blank_with_both():
    case = make_case(
        source="radiopaedia", history="Fever.",
        images=[ImageRecord("https://x/1.png", 0, modality_text="X-ray", view_text="Lateral",
                            extra={"study_id": "21"})],
        extra={"studies": [{"study_id": "21", "title": "",
                            "findings": "PA radiograph: right lower lobe consolidation."}]})
    view = by_key(normalize_case(case))[("view", 0)]
    assert view.value is None
    assert view.reason == "the source's plane says L ('Lateral'), the image's words say PA ('PA radiograph')"


def test_a_caption_naming_two_views_gives_its_image_neither():
    case = make_case(images=[ImageRecord("https://x/1.jpg", 0,
                                         caption="Chest X-ray, PA and lateral views: right basal opacity.",
                                         modality_text="X-ray", view_text="PA")])
    view = by_key(normalize_case(case))[("view", 0)]
    assert view.value is None and view.reason.startswith("several views in the text")


def test_a_ct_image_naming_no_plane_is_axial_and_one_naming_a_reconstruction_is_not():
    # the shared sample's curators write Axial for every CT whose text names no plane (SIRM casi 7
    # and 32, JKMS, Radiopaedia) and Coronal only where the text says coronal
    case = make_case(images=[
        ImageRecord("https://x/1.jpg", 0, caption="TC del torace: opacità a vetro smerigliato bilaterali."),
        ImageRecord("https://x/2.jpg", 1, caption="Chest CT, coronal reconstruction, day 7."),
        ImageRecord("https://x/3.jpg", 2, caption="CT: minimum intensity projection."),
        ImageRecord("https://x/4.jpg", 3, caption="Chest radiograph."),
    ])
    results = by_key(normalize_case(case))
    assert (results[("modality", 0)].value, results[("view", 0)].value) == ("CT", "Axial")
    assert results[("view", 0)].rule == "view.ct-slice"
    assert results[("view", 1)].value == "Coronal"  # its own words, as before
    assert results[("view", 2)].value is None
    assert "minimum intensity" in results[("view", 2)].reason
    assert ("view", 3) not in results or results[("view", 3)].value is None  # a radiograph gets no default
