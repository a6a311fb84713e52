import pytest

from ingest.normalize import normalize_finding, normalize_modality, normalize_offset, normalize_view
from ingest.normalize.imaging import ct_slice_view
from ingest.normalize.time_words import symptom_history

from .helpers import assert_blank, assert_value


@pytest.mark.parametrize(
    "text, kwargs, expected",
    [
        ("Lateral", {"source": "radiopaedia"}, "L"),
        ("Axial", {"source": "radiopaedia"}, "Axial"),
        ("Coronal", {"source": "radiopaedia"}, "Coronal"),
        ("(a) Anteroposterior radiograph shows bilateral multifocal opacities", {}, "AP"),
        ("Initial posteroanterior chest radiograph", {}, "PA"),
        ("Posteroanterior chest radiograph of patient 2", {}, "PA"),
        ("(AP) Supino", {}, "AP Supine"),
        ("(AP) Seduto a letto", {}, "AP"),
        ("(AP) Semiseduto", {}, "AP"),
        ("(AP) (Mobile) Semi-Erect", {}, "AP"),
        ("(AP) (Mobile) Supine", {}, "AP Supine"),
        ("SUP", {}, "AP Supine"),
        ("Semi-Supine", {}, "AP Supine"),
        ("Bettaufnahme", {}, "AP Supine"),
        ("Thorax liegend", {}, "AP Supine"),
        ("RX torace in proiezione laterale", {}, "L"),
        ("Chest X-ray (AP in bed): we compare", {}, "AP"),
        ("Heart is mildly enlarged (although a supine projection).", {}, "AP Supine"),
        ("Coronal chest CT image taken on same day", {"modality": "CT"}, "Coronal"),
        ("Axial CT scan in lung window setting", {}, "Axial"),
    ],
)
def test_view(text, kwargs, expected):
    assert_value(normalize_view(text, **kwargs), text, expected)


@pytest.mark.parametrize(
    "text, kwargs",
    [
        ("Frontal", {"source": "radiopaedia"}),
        ("Frontal chest radiograph obtained 8 days later", {}),
        ("Chest x-ray performed with portable device", {}),  # AP or AP Supine
        ("Sagittal", {"source": "radiopaedia"}),
        ("PA and lateral chest radiographs", {}),  # two images
        ("Coronal and axial chest CT images show", {}),
        ("Intubated patient. Chest X Ray AP view.", {}),  # supine or not, not said
        ("PA 130/80 mmHg, FC 90", {}),  # Italian "pressione arteriosa"
        ("small consolidation in the lateral segment of the middle lobe", {}),
    ],
)
def test_view_stays_blank(text, kwargs):
    assert_blank(normalize_view(text, **kwargs), text)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("X-ray", "X-ray"),
        ("CT", "CT"),
        ("RX torace", "X-ray"),
        ("Rx torace a letto", "X-ray"),
        ("TC del torace senza mdc", "CT"),
        ("Posteroanterior chest radiograph", "X-ray"),
        ("Axial CT scan in lung window setting", "CT"),
        ("high-resolution computed tomography scan", "CT"),
        ("CXR at presentation", "X-ray"),
        # a study named for comparison is not the image's modality
        ("AP chest radiograph for line position shows extensive bilateral ground-glass opacities as demonstrated on "
         "the recent CT.", "X-ray"),
        ("Portable chest X-ray: the right basal consolidation seen on the prior CT is now more extensive.", "X-ray"),
        ("Axial CT image shows crazy paving, progressed compared with the previous chest radiograph.", "CT"),
        ("Follow-up chest film: opacities smaller than on the previous CT scan of 3 days before.", "X-ray"),
        ("TC del torace: aumento delle opacità rispetto alla precedente RX.", "CT"),
        ("Compared with the previous radiograph, the CT shows new consolidation.", "CT"),
    ],
)
def test_modality(text, expected):
    assert_value(normalize_modality(text), text, expected)


@pytest.mark.parametrize("text", ["Chest x-ray images and chest CT images from a 38-year-old man",
                                  "Bilateral opacities.",
                                  # two studies of the image's own, neither a comparison
                                  "Chest radiograph and CT obtained on admission show bilateral opacities."])
def test_modality_stays_blank(text):
    assert_blank(normalize_modality(text), text)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("COVID-19 pneumonia", "Pneumonia/Viral/COVID-19"),
        ("COVID-19: caso 101", "Pneumonia/Viral/COVID-19"),
        ("Swine-Origin Influenza A (H1N1) Viral Pneumonia", "Pneumonia/Viral/Influenza/H1N1"),
        ("Complicated Legionnaires' disease.", "Pneumonia/Bacterial/Legionella"),
        ('Disseminated "miliary" tuberculosis during biologic (adalimumab) treatment', "Tuberculosis"),
        ("Cystic form of pneumocystis jirovecii pneumonia.", "Pneumonia/Fungal/Pneumocystis"),
        ("Pneumocytis jiroveci pneumonia", "Pneumonia/Fungal/Pneumocystis"),
        ("Fire-eater's pneumonia.", "Pneumonia/Lipoid"),
        ("Community acquired methicillin resistant staphylococcus aureus pneumonia",
         "Pneumonia/Bacterial/Staphylococcus/MRSA"),
        ("Klebsiella pneumonia causing a bulging fissure", "Pneumonia/Bacterial/Klebsiella"),
        ("MERS-CoV", "Pneumonia/Viral/MERS-CoV"),
        ("SARS in a 46-year-old woman", "Pneumonia/Viral/SARS"),
        ("Right middle lobe pneumonia", "Pneumonia"),
        ("Pulmonary nocardia infection in HIV", "Pneumonia/Bacterial/Nocardia"),
        ("Aspiration pneumonia", "Pneumonia/Aspiration"),
        ("Streptococcus pneumonia and multiple pulmonary emboli", "Pneumonia/Bacterial/Streptococcus"),
        ("Polmonite interstiziale da SARS-CoV-2", "Pneumonia/Viral/COVID-19"),
        ("No Finding", "No Finding"),
    ],
)
def test_finding(text, expected):
    result = normalize_finding(text)
    assert_value(result, text, expected)
    assert all(seg == seg.strip() and not set(seg) & set(".^$*+?{}[]\\|()") for seg in result.value.split("/"))


@pytest.mark.parametrize(
    "text",
    [
        "No contact with positive COVID-19 patients or recent trips outside Spain.",
        "Coronavirus disease (COVID-19) had recently been diagnosed in two of her household members.",
        "Differential diagnosis: tuberculosis vs lymphoma.",
        "The patient had a clinical history of pulmonary tuberculosis 50 years before.",
        "Bilateral ground-glass opacities.",
    ],
)
def test_finding_stays_blank(text):
    assert_blank(normalize_finding(text), text)


@pytest.mark.parametrize(
    "text",
    [
        "nCoV-radiol.2020200269.fig1-day7",  # a file named for the disease, as early-2020 files were
        "Chest CT of a patient with nCoV pneumonia",
        "nCoV infection confirmed by RT-PCR of a throat swab.",
    ],
)
def test_ncov_alone_is_covid_19(text):
    assert_value(normalize_finding(text), text, "Pneumonia/Viral/COVID-19")


@pytest.mark.parametrize(
    "text, expected",
    [
        # the virus's name spaced as translations and quick notes write it: not the SARS of 2003
        ("Interstitial pneumonia in a patient positive for SARS CoV 2.", "Pneumonia/Viral/COVID-19"),
        ("Nasopharyngeal swab: SARS CoV-2 RNA detected.", "Pneumonia/Viral/COVID-19"),
        ("Pneumonia caused by severe acute respiratory syndrome coronavirus 2.", "Pneumonia/Viral/COVID-19"),
        ("HCoV-19 pneumonia.", "Pneumonia/Viral/COVID-19"),
        ("SARS in a health care worker, Toronto 2003.", "Pneumonia/Viral/SARS"),
        # the species named with its genus abbreviated
        ("P. jirovecii pneumonia in a patient with HIV.", "Pneumonia/Fungal/Pneumocystis"),
    ],
)
def test_the_viruss_and_the_fungus_names_as_notes_write_them(text, expected):
    assert_value(normalize_finding(text), text, expected)


def test_sars_2_is_not_the_sars_of_2003():
    # "SARS-2" may be the new virus: the note's pneumonia alone is certain
    assert_value(normalize_finding("Pneumonia from SARS-2."), "Pneumonia from SARS-2.", "Pneumonia")


def test_ncov_beside_mers_is_two_diagnoses_and_stays_blank():
    text = "MERS-CoV, first reported as a novel coronavirus (nCoV) in 2012."
    assert_blank(normalize_finding(text), text)


@pytest.mark.parametrize(
    "text, kwargs, expected",
    [
        ("A, Chest radiograph obtained on day 7 after the onset of symptoms shows opacities", {}, 7),
        ("Chest X-ray on day 2 of illness revealing worsening infiltrates", {}, 2),
        ("Chest radiographs obtained on admission showed an infiltrate", {}, 0),
        ("RX torace eseguito all'ingresso.", {}, 0),
        ("Picture was taken five days after onset of symptoms", {}, 5),
        ("(b) Anteroposterior radiograph obtained 12 days after admission shows a resolution", {}, 12),
        ("Control X-ray two weeks later", {"previous_offset": 3}, 17),
        ("Follow-up radiograph after a few days shows progression", {"previous_offset": 0}, 5),
        ("RX di controllo dopo 3 giorni", {"previous_offset": 2}, 5),
        ("", {"onset_date": "2020-03-01", "image_date": "2020-03-04"}, 3),
    ],
)
def test_offset(text, kwargs, expected):
    result = normalize_offset(text, **kwargs)
    if text:
        assert_value(result, text, expected)
    else:
        assert result.value == expected and result.rule == "offset.dates"


def test_a_ten_spelled_apart_from_its_unit_is_one_number():
    # "forty five days", as non-native authors write it: the unit word alone ("five days") was read
    text = "Chest X-ray taken forty five days after the onset of symptoms"
    assert_value(normalize_offset(text), text, 45)
    text = "Follow-up CT twenty one days later"
    assert_value(normalize_offset(text, previous_offset=3), text, 24)
    assert symptom_history("Fever and dry cough for forty five days.")[0] == 45
    # a ten before another word is the ten's alone, and a hyphenated compound as before
    assert symptom_history("Fever for forty-five days.")[0] == 45
    assert symptom_history("Fever for thirty days.")[0] == 30


@pytest.mark.parametrize(
    "text",
    [
        "Control X-ray two weeks later",  # relative, and no earlier offset given
        "Chest X-ray (A) Hospital day 1 and (B) Hospital day 14",
        "For 7 days fever and asthenia.",  # when was the image taken?
        "A 35-year-old man with a 4-day history of cough; chest radiograph on admission",  # 0 or 4?
        "Consolidation at admission, and persisting consolidation at 1 week.",
        "in his sixties",
    ],
)
def test_offset_stays_blank(text):
    assert_blank(normalize_offset(text), text)


def test_finding_from_a_case_series_title():
    text = "Serial chest radiographs in three patients with COVID-19 pneumonia: a case series"
    result = normalize_finding(text)
    assert result.value == "Pneumonia/Viral/COVID-19"
    assert result.evidence in text


@pytest.mark.parametrize("text", [
    "At diagnosis of HIV infection with Pneumocystis jirovecii pneumonia, the chest radiograph did not show "
    "abnormal findings. One month after starting antiretroviral therapy he developed fever and hilar adenopathy.",
    "When PCP was diagnosed the chest X-ray was normal; three weeks later a new right basal infiltrate appeared.",
    "Influenza A was confirmed on a nasal swab while his chest film showed no opacities. He returned ten days "
    "later with a productive cough.",
])
def test_a_disease_whose_films_the_note_says_were_normal_is_no_finding(text):
    result = normalize_finding(text)
    assert_blank(result, text)
    assert result.rule == "finding.films-normal" and "were normal" in result.reason


def test_a_normal_film_of_one_disease_leaves_another_diagnosis_of_the_note():
    text = ("At diagnosis of Pneumocystis pneumonia the chest X-ray was normal. Two months later CT showed a "
            "cavitating nodule and bronchoalveolar lavage grew Aspergillus fumigatus.")
    assert_value(normalize_finding(text), text, "Pneumonia/Fungal/Aspergillosis")


@pytest.mark.parametrize("text", ["Her husband had COVID-19 pneumonia.", "Il marito era affetto da COVID-19."])
def test_finding_about_a_relative_stays_blank(text):
    assert normalize_finding(text).value is None


# --- Modality of real figure captions (issue 12) ---------------------------------------------------

@pytest.mark.parametrize("caption, modality", [
    ("Non-contrast CT was performed on day of admission", "CT"),
    ("Unenhanced chest CT: bilateral ground-glass opacities.", "CT"),
    ("Postmortem anterior-posterior chest radiographs", "X-ray"),
    ("Chest computerized tomography scan at admission with ground glass opacity.", "CT"),
    ("Chest CT images depicting typical radiographic findings of COVID-19 pneumonia.", "CT"),
    ("Sagittal reconstruction shows multiple atoll signs.", "CT"),
    ("0.625 mm layer thickness display of the vessels in the lesion.", "CT"),
    ("Follow-up chest CTs of patient 6.", "CT"),
])
def test_caption_modality_words(caption, modality):
    assert normalize_modality(caption).value == modality


def test_a_ct_that_was_not_done_is_still_not_the_image():
    assert normalize_modality("No CT was performed. Chest X-ray on admission.").value == "X-ray"


def test_dr_image_and_ct_in_one_caption_is_both():
    result = normalize_modality("Case 1: A: DR image of a 29-year-old woman; CT showed multiple GGO (B-D).")
    assert result.value is None and result.reason == "both X-ray and CT in the text"


def test_ct_signs_say_ct_only_in_a_figure_caption():
    caption = "Images in a 30-year-old woman. a, Subpleural GGO in the anterior segment of the left upper lobe."
    assert normalize_modality(caption, figure_caption=True).value == "CT"
    assert normalize_modality(caption, figure_caption=True).rule == "modality.ct-signs-in-figure-caption"
    # a teaching note of a radiograph uses the same words: no modality from them
    assert normalize_modality(
        "Bilateral ground-glass opacities, more prominent in the right upper lobe.").value is None
    # a modality word still wins over the signs
    assert normalize_modality("Chest radiographs showing patchy ground-glass opacities.",
                              figure_caption=True).value == "X-ray"


def test_spelled_out_projections():
    assert normalize_view("Postmortem anterior-posterior chest radiographs").value == "AP"
    assert normalize_view("Posterior-anterior chest radiograph on admission").value == "PA"
    assert normalize_view("GGO in the anterior segment and the posterior basal segment").value is None


def test_views_and_modalities_listed_in_order():
    from ingest.normalize.imaging import modalities_in_order, views_in_order

    assert [h[0] for h in views_in_order("RX torace in due proiezioni (PA e LL)")] == ["PA", "L"]
    # a position qualifies the views beside it: it is no film of the list
    assert [h[0] for h in views_in_order("RX torace in ortostatismo (PA e LL)")] == ["PA", "L"]
    assert [h[0] for h in views_in_order("RX torace seduto")] == ["AP"]
    assert [h[0] for h in views_in_order("Axial (a) and coronal (b) CT images", "CT")] == ["Axial", "Coronal"]
    assert [h[0] for h in modalities_in_order("Chest X-ray (a) and axial CT image (b)")] == ["X-ray", "CT"]
    # a modality named again after another is no list of the films in order
    assert modalities_in_order("Chest X-ray, CT, then a chest X-ray again") == ()


def test_a_child_is_the_patient_of_a_paediatric_case_not_a_relative():
    from ingest.normalize.imaging import normalize_finding

    assert normalize_finding("COVID-19 pneumonia in a child").value == "Pneumonia/Viral/COVID-19"
    assert normalize_finding("A child with COVID-19 pneumonia.").value == "Pneumonia/Viral/COVID-19"
    # another person's child, and children in general, are not this patient
    assert normalize_finding("Her child had COVID-19 pneumonia.").value is None
    assert normalize_finding("The patient's child tested positive for COVID-19.").value is None


def test_italian_plural_of_a_plane_gives_the_view():
    from ingest.normalize.imaging import normalize_view

    assert normalize_view("TC del torace, scansioni assiali: vetro smerigliato.").value == "Axial"
    assert normalize_view("TC del torace, scansione assiale.").value == "Axial"
    # "assiale" is no part of another word
    assert normalize_view("Radiografia con assialità conservata.").value is None


@pytest.mark.parametrize("title", [
    "COVID-19 pneumonia in a daughter and her father: two case reports",
    "COVID-19 pneumonia in a mother and her son",
    "Severe COVID-19 in a 62-year-old husband and his wife",
    "COVID-19 in a father, his wife and their son",
    "COVID-19 pneumonia in two brothers",
    "We describe a husband and wife with COVID-19 pneumonia.",
    # the cases of one household a report is about
    "Chest CT Findings of COVID-19 Pneumonia in Patients from a Single Family Cluster",
    "COVID-19 pneumonia in a family cluster",
    "A familial cluster of COVID-19 pneumonia",
])
def test_a_family_named_as_the_patients_of_a_title_gives_its_finding(title):
    assert normalize_finding(title).value == "Pneumonia/Viral/COVID-19"


@pytest.mark.parametrize("title", [
    "COVID-19 pneumonia in a woman whose husband died",
    "Her husband had COVID-19 pneumonia.",
    "She had contact with a mother and her son with COVID-19.",
    "Pneumonia in a daughter; her father had COVID-19.",
    "COVID-19 pneumonia in a woman whose family had fever",
    "The family cluster of his wife had COVID-19 pneumonia.",
])
def test_a_relative_beside_the_patient_still_gives_no_finding(title):
    assert normalize_finding(title).value is None


@pytest.mark.parametrize("words", ["TC torace", "Chest CT on admission shows ground-glass opacities", ""])
def test_a_ct_image_whose_words_name_no_plane_is_axial(words):
    assert ct_slice_view(words).value == "Axial"


@pytest.mark.parametrize("words", ["Coronal reformat", "ricostruzione coronale", "CT scout image",
                                   "3D volume rendering", "MIP of the chest CT", "sagittal CT image",
                                   "multiplanar reconstruction"])
def test_a_ct_image_of_another_plane_or_a_rendering_gets_no_default_view(words):
    assert_blank(ct_slice_view(words), words)


@pytest.mark.parametrize("text", [
    "Frontal and lateral chest radiographs show bilateral peripheral opacities.",
    "Frontal and lateral views of the chest: patchy consolidation in the right lower zone.",
    "Chest X-ray, frontal and lateral projections: no effusion.",
])
def test_words_naming_a_frontal_and_a_lateral_projection_give_no_one_view(text):
    # two films' words: "frontal" is no view of its own, yet it is no lateral either (was L)
    result = normalize_view(text, modality="X-ray")
    assert result.value is None
    assert result.reason.startswith("several views")


@pytest.mark.parametrize("text, view", [
    ("Lateral chest radiograph: retrocardiac opacity.", "L"),
    ("PA chest radiograph: right lower zone consolidation.", "PA"),
])
def test_one_projection_named_keeps_its_view(text, view):
    assert normalize_view(text, modality="X-ray").value == view


def test_a_frontal_film_alone_keeps_its_reason():
    assert normalize_view("Frontal chest radiograph at admission", modality="X-ray").reason == (
        "'Frontal' does not say PA or AP")
