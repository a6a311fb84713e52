"""Backfill's per-image view and modality from evidence tied to the row, and the patient's sex from
the words introducing the patient, each on realistic wording."""

import pytest

from ingest.backfill import backfill_row, backfill_table, cited_figure_sentences, own_legends
from ingest.normalize import normalize_modality, normalize_sex
from tests.normalize.helpers import assert_blank, assert_value
from tests.normalize.helpers import blank_row as _row


def _value(row, field):
    fills = [f for f in backfill_row(row, [field]) if f.field == field]
    return fills[0].value if fills else None


@pytest.mark.parametrize("filename, view", [
    ("pneumonia-17-day3-pa.png", "PA"),
    ("covid-19-pneumonia-71-l.jpg", "L"),
    ("case-4-ap.jpeg", "AP"),
    ("case-4-lat.png", "L"),
])
def test_a_lower_case_view_ending_the_file_name_is_the_view(filename, view):
    assert _value(_row(filename=filename), "view") == view


@pytest.mark.parametrize("filename", ["kjr-21-e24-g002-l-a.jpg", "ap-case-2.png", "lateral-lobe-1.jpg"])
def test_a_lower_case_letter_inside_the_file_name_is_no_view(filename):
    assert _value(_row(filename=filename), "view") is None


@pytest.mark.parametrize("text", [
    "Patchy ill-defined opacities in the right mid zone and left lower zone.",
    "Bilateral reticular thickening of both lung fields; costophrenic angles are clear.",
    "Interstitial-alveolar hypodiaphania of the middle-basal field on the left.",
    "Enlarged cardiac silhouette and Kerley B lines.",
    # a film's projection named with its view
    "PA-view shows infiltrate in the right middle lobe.",
    "Opacities persist in the right lower lobe, especially on the lateral projection.",
    "Frontal and lateral projections show a right hilar opacity with indistinct borders.",
    "The only antero-posterior view performed at bedside did not show consolidation.",
    "Left lateral decubitus film shows free layering of the effusion.",
    # how the film was taken, and what lies behind the heart's shadow on it
    "Limited inspiratory effort, with radiological signs of bilateral peripheral consolidation.",
    "Poor inspiration; crowding of the bronchovascular markings at both bases.",
    "Retrocardiac opacity with loss of the left hemidiaphragm outline.",
    "Opacity projected behind the heart; the tip of the central line projects over the SVC.",
])
def test_a_radiographs_reading_words_in_its_own_note_say_x_ray(text):
    assert_value(normalize_modality(text, radiograph_signs=True), text, "X-ray")
    assert _value(_row(filename="a.jpg", clinical_notes=text), "modality") == "X-ray"


def test_radiograph_words_are_not_read_without_the_option_or_beside_a_ct():
    text = "Opacities in the right lower zone."
    assert_blank(normalize_modality(text), text)
    both = "CT shows ground-glass opacities; the lower lung fields are involved."
    assert normalize_modality(both, radiograph_signs=True).value == "CT"
    assert_blank(normalize_modality("Subpleural opacity in the peripheral zone.", radiograph_signs=True),
                 "Subpleural opacity in the peripheral zone.")
    for text in ("Air trapping on the expiratory images; good inspiration.",  # no film's breath held short
                 "Maximum intensity projection over 10 mm shows the nodules.",   # a CT's rendering
                 "The lesion projects into the airway lumen."):                  # not a shadow on a film
        assert_blank(normalize_modality(text, radiograph_signs=True), text)


def test_a_shared_note_with_radiograph_words_gives_no_image_its_modality():
    # the patient's CT images share the note that reads the radiograph
    note = "For 7 days fever. Nuanced parenchymal thickening in the middle-lower right field."
    rows = [_row(patientid="3", url="https://example.org/3", filename=f"{n}.jpeg", clinical_notes=note)
            for n in ("x", "y", "z")]
    assert [f for f in backfill_table(rows, ["modality"], workers=1)] == []


@pytest.mark.parametrize("text, sex", [
    ("46-year-old female, asymptomatic. He reports low back pain. Lives with her husband (case 14).", "F"),
    ("84M with COPD. Found unresponsive by wife at home.", "M"),
    ("Women, 69 years old, with fever since one week. In the anamnesis, he denies pathologies.", "F"),
])
def test_the_words_introducing_the_patient_outweigh_other_sex_words(text, sex):
    assert_value(normalize_sex(text), text, sex)


def test_a_relative_named_without_an_age_is_not_the_patient():
    text = "Found unresponsive at home by his wife; intubated in the field."
    assert normalize_sex(text).value != "F"  # the wife is not the patient
    assert_blank(normalize_sex("Brought in by daughter with confusion."), "Brought in by daughter with confusion.")


def test_two_patients_introduced_with_different_sexes_stay_blank():
    text = "A 61-year-old man and a 58-year-old woman returning from the same trip presented with fever."
    assert_blank(normalize_sex(text), text)


@pytest.mark.parametrize("note, modality, view", [
    ("Patient 3 - CT scan – axial view: bilateral and diffuse peripheral areas of GGOs.", "CT", "Axial"),
    ("Patient 5 - CT scan - coronal view: bilateral peripheral areas of GGOs.", "CT", "Coronal"),
    ("CT, axial plane: ground-glass opacities in both lower lobes.", "CT", "Axial"),
    # a CT naming no plane is Axial (ct_slice_view, the curators' rule)
    ("Case 2: HRCT: crazy paving in the right upper lobe.", "CT", "Axial"),
    ("Patient 3 - CXR: two areas of consolidation in the LUL and RLL.", "X-ray", None),
    ("Chest radiograph, PA: bilateral peripheral opacities.", "X-ray", "PA"),
])
def test_a_legend_heading_names_the_images_modality_and_view(note, modality, view):
    # the image's own legend opens with what it is: a CT named there is this image
    row = _row(filename="16745_4_2.png", clinical_notes=note)
    assert _value(row, "modality") == modality
    assert _value(row, "view") == view


@pytest.mark.parametrize("note", [
    "History: fever for 5 days. A CT was performed to rule out embolism. Consolidation in the right lower zone.",
    "CT was performed: ground-glass opacities.",             # a sentence, not a heading
    "Findings: ground-glass opacities on the axial CT, lateral view unremarkable.",  # no modality heading
    "Presentation: cough. Imaging notes: CT shows ground-glass opacities.",
    "Time: 10:30, chest CT and radiograph obtained.",
])
def test_a_ct_named_outside_a_legend_heading_stays_blank_in_a_whole_note(note):
    row = _row(filename="a.png", clinical_notes=note)
    assert _value(row, "modality") in (None, "X-ray")
    assert _value(row, "modality") != "CT"


def test_a_shared_note_with_a_legend_heading_gives_no_image_its_modality():
    # one note over several images: its heading is the first image's, not every image's
    note = "CT scan – axial view: bilateral GGOs."
    rows = [_row(patientid="3", url="https://example.org/3", filename=f"{n}.png", clinical_notes=note)
            for n in ("x", "y")]
    assert [f for f in backfill_table(rows, ["modality", "view"], workers=1)] == []


def _table_modalities(url, notes):
    rows = [_row(patientid="7", url=url, filename=f"{n}.jpeg", clinical_notes=note)
            for n, note in zip("abcd", notes)]
    return [f.value for f in backfill_table(rows, ["modality"], workers=1)]


@pytest.mark.parametrize("note, modality", [
    ("Cough. Fever. Consolidation in the left lower lobe. Normal cardiomediastinal contour.", "X-ray"),
    ("Shortness of breath. Blunting of the left costophrenic angle.", "X-ray"),
    ("Presentation: cough. Imaging notes: frontal and lateral chest radiographs show a right effusion.", "X-ray"),
])
def test_a_radiopaedia_study_note_shared_by_its_films_gives_their_modality(note, modality):
    # Radiopaedia writes findings per study, one modality: a note shared by two films is their study's
    url = "https://radiopaedia.org/cases/chronic-eosinophilic-pneumonia?lang=us"
    assert _table_modalities(url, [note, note]) == [modality, modality]


@pytest.mark.parametrize("url, note", [
    # another site's note shared by films: the case's history, which may be over X-ray and CT images
    ("https://www.sirm.org/2020/03/10/covid-19-caso-32/",
     "For 7 days fever. Nuanced parenchymal thickening in the middle-lower right field."),
    # a study note naming a CT as a comparison: the whole-note CT rule still holds
    ("https://radiopaedia.org/cases/covid-19-pneumonia-12",
     "Bilateral opacities as demonstrated on the recent CT."),
    # a study note with no modality words
    ("https://radiopaedia.org/cases/covid-19-pneumonia-8", "Dry cough, chest pain and dyspnea."),
])
def test_a_shared_note_without_a_studys_modality_stays_blank(url, note):
    assert _table_modalities(url, [note, note]) == []


_CT_PANELS_LEGEND = ("COVID-19 pneumonia manifesting as confluent ground-glass opacities on CT. Baseline axial and "
                     "coronal chest CT images show confluent ground-glass opacities involving both lungs.")


def _paper_modalities(notes):
    """The modality filled for each file of a paper's figure (panels a, b, c...), each row with its
    note (its legend: papers' panels sharing a legend share the note)."""
    rows = [_row(patientid="64", url="https://www.kjronline.org/DOIx.php?id=10.3348/kjr.2020.0132",
                 filename=f"kjr-21-e24-g002-l-{n}.jpg", clinical_notes=note) for n, note in zip("abcd", notes)]
    fills = {f.row: f.value for f in backfill_table(rows, ["modality"], first_row_number=0, workers=1)}
    return [fills.get(k) for k in range(len(rows))]


def test_a_legend_shared_by_some_films_that_names_ct_alone_gives_them_ct():
    radiograph = ("COVID-19 pneumonia. Baseline anteroposterior chest radiograph shows patchy ground-glass "
                  "opacities in right upper and lower lung zones.")
    assert _paper_modalities([radiograph, _CT_PANELS_LEGEND, _CT_PANELS_LEGEND]) == ["X-ray", "CT", "CT"]


def _post_modalities(notes):
    """The modality backfill gives each film of one SIRM-like post, its files named by upload ids."""
    rows = [_row(patientid="70", url="https://www.sirm.org/2020/03/13/covid-19-caso-44/",
                 filename=f"7D2CF6CE-F529-4470-8356-D33FFAF9860{k}.jpeg", clinical_notes=note)
            for k, note in enumerate(notes)]
    fills = {f.row: f for f in backfill_table(rows, ["modality"], first_row_number=0, workers=1)}
    return [(fills[k].value, fills[k].evidence) if k in fills else None for k in range(len(rows))]


@pytest.mark.parametrize("legend, evidence", [
    ("Hypo-expanded thorax with disventilation of the lung bases and nuanced thickening of the lung fields, "
     "greater on the left. No signs of heart failure.", "lung fields"),
    ("Blunting of both costophrenic angles. Cardiomediastinal silhouette within limits.", "costophrenic angles"),
])
def test_a_legend_shared_by_some_films_reading_a_radiograph_gives_them_x_ray(legend, evidence):
    history = "Fever and cough for a few days. Mild hypotransparency of the left hemithorax."
    modalities = _post_modalities([history, legend, legend])
    assert modalities[1] == ("X-ray", evidence)
    assert modalities[2] == ("X-ray", evidence)


def test_a_note_of_every_film_reading_a_radiograph_gives_no_modality():
    # the history of the whole post, which may be over a radiograph and the CT that followed it
    note = "For 7 days fever and asthenia. Extended parenchymal thickening in the middle-lower right field."
    assert _post_modalities([note, note, note]) == [None, None, None]


@pytest.mark.parametrize("notes", [
    # the note of every film of the patient: the case's history, which may be over X-ray and CT images
    [_CT_PANELS_LEGEND, _CT_PANELS_LEGEND],
    # a CT advised, not done: the films of the legend are the radiographs it reads
    ["Cough and fever for a week.", "Left lower lobe consolidation with lucencies that may represent cavitation. "
     "Further evaluation with CT suggested.", "Left lower lobe consolidation with lucencies that may represent "
     "cavitation. Further evaluation with CT suggested."],
    # a CT named only for comparison
    ["Cough and fever for a week.", "Bilateral opacities as demonstrated on the recent CT.",
     "Bilateral opacities as demonstrated on the recent CT."],
])
def test_a_legend_that_does_not_name_its_films_ct_gives_no_modality(notes):
    assert _paper_modalities(notes)[1:] == [None] * (len(notes) - 1)


@pytest.mark.parametrize("text", [
    "Extensive bilateral mid and lower zone consolidation is noted.",
    "Patchy air space opacities are seen in both lung mid lower zones.",
    "There is loss of clarity of the right cardiac border.",
    "The right heart border is obscured by consolidation in the middle lobe.",
])
def test_a_films_zones_in_pairs_and_heart_borders_say_x_ray(text):
    assert_value(normalize_modality(text, radiograph_signs=True), text, "X-ray")


@pytest.mark.parametrize("text", [
    "Maximum intensity projection shows centrilobular nodules.",   # a CT's rendering
    "Enlarged lymph nodes in the AP window.",                      # the aortopulmonary window
    "Consolidation in the lateral segment of the middle lobe.",
])
def test_a_projection_without_a_films_view_says_no_modality(text):
    assert_blank(normalize_modality(text, radiograph_signs=True), text)


@pytest.mark.parametrize("text", [
    "Consolidation in the upper and lower lobes.",          # lobes: CT and film alike
    "The heart is normal in size; no pericardial effusion.",
    "Ground-glass opacities at the border of the consolidation.",
])
def test_lobes_and_the_heart_itself_say_no_modality(text):
    assert_blank(normalize_modality(text, radiograph_signs=True), text)


_HISTORY = ("A 58-year old male non-smoking patient presented to our Emergency Department with progressive "
            "dyspnoea. Five days earlier, he complained of fever, sore throat and cough. ")


def _fills_of(rows, field):
    return {f.row: f.value for f in backfill_table(rows, [field], workers=1) if f.field == field}


def test_each_images_legend_after_the_shared_history_names_its_modality_and_view():
    legends = ("AP chest radiography: bilateral diffuse alveolar consolidations.",
               "CT axial view, lung window: bilateral ground-glass opacities in the upper lobes.",
               "CT axial view, lung window: lesion in the right lower lobe with a reverse halo sign.")
    rows = [_row(patientid="7", url="https://example.org/case/7", filename=f"77_{k}_1.jpg",
                 clinical_notes=_HISTORY + legend) for k, legend in enumerate(legends, start=1)]
    assert _fills_of(rows, "modality") == {2: "X-ray", 3: "CT", 4: "CT"}
    assert _fills_of(rows, "view") == {2: "AP", 3: "Axial", 4: "Axial"}


def test_a_legend_shared_by_two_films_names_their_modality_not_their_view():
    rows = [_row(patientid="8", url="https://example.org/case/8", filename=name, clinical_notes=_HISTORY + legend)
            for name, legend in (("a1.jpg", "Chest radiograph, PA: consolidation."),
                                 ("a2.jpg", "Chest radiograph, PA: consolidation."),
                                 ("b1.jpg", "Follow-up chest radiographs showed resolution."),
                                 ("b2.jpg", "Follow-up chest radiographs showed resolution."))]
    assert _fills_of(rows, "modality") == {2: "X-ray", 3: "X-ray", 4: "X-ray", 5: "X-ray"}
    assert _fills_of(rows, "view") == {}


@pytest.mark.parametrize("notes, expected", [
    # no history repeated: each note is the image's own, no legend is cut from it
    (("Chest X-ray showing consolidation.", "CT showing GGOs."), ("", "")),
    # a short shared opening is not a history
    (("Patient 3 - CXR: normal.", "Patient 3 - CT: GGOs."), ("", "")),
    ((_HISTORY + "Chest X-ray: GGOs.", _HISTORY + "Follow-up CT: worse.", _HISTORY),
     ("Chest X-ray: GGOs.", "Follow-up CT: worse.", "")),
])
def test_own_legends(notes, expected):
    assert own_legends(notes) == expected


def test_a_legend_naming_ct_and_x_ray_gives_no_modality():
    legends = ("Chest radiograph and CT at admission: GGOs.", "Day 5: worse.")
    rows = [_row(patientid="9", url="https://example.org/case/9", filename=f"{k}.jpg",
                 clinical_notes=_HISTORY + legend) for k, legend in enumerate(legends)]
    assert 2 not in _fills_of(rows, "modality")


def test_own_legends_read_neighbours_in_sorted_order_as_all_pairs_would():
    import random

    from ingest.backfill import _MIN_SHARED_HISTORY, _common_prefix

    def plain(notes):  # every pair: the definition
        out = []
        for note in notes:
            shared = max((len(_prefix(note, o)) for o in notes if o and o != note), default=0)
            ends = [i + 1 for i, ch in enumerate(note[:shared + 1]) if ch in ".!?"
                    and (i + 1 == len(note[:shared + 1]) or note[i + 1].isspace())]
            cut = ends[-1] if ends else 0
            while cut < len(note) and note[cut].isspace():
                cut += 1
            ok = note and shared >= _MIN_SHARED_HISTORY and cut >= _MIN_SHARED_HISTORY and note[cut:].strip()
            out.append(note[cut:].strip() if ok else "")
        return tuple(out)

    def _prefix(a, b):
        k = 0
        while k < min(len(a), len(b)) and a[k] == b[k]:
            k += 1
        return a[:k]

    rng = random.Random(7)
    sentences = [_HISTORY, "Fever for 5 days. ", "CT axial view: GGOs. ", "Chest X-ray: normal. ",
                 "Follow-up CT: worse. ", "Day 3. ", "Figure 2 (4 hours later). Worsening."]
    for _ in range(300):
        notes = ["".join(rng.choice(sentences) for _ in range(rng.randint(0, 4))).strip()
                 for _ in range(rng.randint(1, 6))]
        assert own_legends(notes) == plain(notes), notes
    assert _common_prefix("abcdef", "abcxyz") == 3 and _common_prefix("", "a") == 0


@pytest.mark.parametrize("legend", [
    "Chest X-ray: the only antero-posterior view performed at bedside did not show obvious parenchymal "
    "consolidation or pleural effusion.",
    "Admission chest film reveals no lung pathology.",
    "Chest radiograph: normal.",
])
def test_a_films_own_legend_saying_it_is_normal_is_no_finding_for_that_film(legend):
    rows = [_row(patientid="11", url="https://example.org/case/11", filename="1.jpg",
                 clinical_notes=_HISTORY + "COVID-19 was confirmed by RT-PCR. " + legend),
            _row(patientid="11", url="https://example.org/case/11", filename="2.jpg",
                 clinical_notes=_HISTORY + "COVID-19 was confirmed by RT-PCR. Chest X-ray performed 3 days later "
                                           "showed small bilateral basal consolidations.")]
    fills = _fills_of(rows, "finding")
    assert fills[2] == "No Finding"
    assert fills[3] == "Pneumonia/Viral/COVID-19"


def test_a_normal_film_heading_of_a_multi_patient_page():
    assert _value(_row(filename="16745_6_1.png", clinical_notes="Patient 5 - CXR: Normal"), "finding") == "No Finding"


@pytest.mark.parametrize("legend", [
    "Chest X-ray: normal heart size, bilateral peripheral opacities.",  # a normal structure, not the film
    "Chest X-ray: normal but for a small left pleural effusion.",
    "CT: no new consolidation; persistent ground-glass opacities.",
    "Follow-up chest radiograph did not show any consolidation. Mild residual reticulation.",
])
def test_a_qualified_or_partial_normal_is_no_normal_film(legend):
    rows = [_row(patientid="12", url="https://example.org/case/12", filename=f"{k}.jpg",
                 clinical_notes=_HISTORY + text)
            for k, text in enumerate((legend, "Chest X-ray on day 5: worse."))]
    assert _fills_of(rows, "finding").get(2) != "No Finding"


def test_a_shared_note_saying_normal_gives_no_film_no_finding():
    rows = [_row(patientid="13", url="https://example.org/case/13", filename=f"{k}.jpg",
                 clinical_notes=_HISTORY + text)
            for k, text in enumerate(("Chest radiograph: normal.", "Chest radiograph: normal.", "CT: GGOs."))]
    fills = _fills_of(rows, "finding")
    assert fills.get(2) != "No Finding" and fills.get(3) != "No Finding"


@pytest.mark.parametrize("legend, views", [
    ("Chest X-ray (frontal and lateral projections) shows a right hilar opacity.", {2: None, 3: "L"}),
    ("PA and lateral chest radiographs: left lower lobe consolidation with air bronchograms.", {2: "PA", 3: "L"}),
])
def test_a_radiographs_films_told_in_order_give_their_lettered_files_the_views(legend, views):
    rows = [_row(patientid="21", url="https://www.eurorad.org/case/9021", filename=f"000001-9-{letter}.jpg",
                 clinical_notes="A 51-year-old man with fever and chest pain. " + legend)
            for letter in "ab"]
    fills = {f.row: f.value for f in backfill_table(rows, ["view"], workers=1)}
    assert {number: fills.get(number) for number in (2, 3)} == views


@pytest.mark.parametrize("legend", [
    "PA and lateral chest radiographs (a, b) and axial CT (c) show a right upper lobe consolidation.",
    "Lateral chest radiograph: retrocardiac opacity.",  # one film: no order to read
])
def test_films_told_in_order_beside_a_ct_or_alone_give_no_view(legend):
    rows = [_row(patientid="22", url="https://www.eurorad.org/case/9022", filename=f"000001-9-{letter}.jpg",
                 clinical_notes="A 51-year-old man with fever. " + legend)
            for letter in "ab"]
    assert "L" not in {f.value for f in backfill_table(rows, ["view"], workers=1) if f.row == 2}
    assert not [f for f in backfill_table(rows, ["view"], workers=1) if f.rule.startswith("view.told-in-order")]


def _study_views(url, notes, modality=""):
    rows = [_row(patientid="25", url=url, filename=f"{name}_jumbo.jpeg", clinical_notes=note, modality=modality)
            for name, note in zip(("8f46c8ad3d40a93b4a313f", "2833d6b457f9dbf13b3625", "4e74cbafeab0bfd317a93e"),
                                  notes)]
    return {f.row: f.value for f in backfill_table(rows, ["view"], workers=1)}


_RP_CASE = "https://radiopaedia.org/cases/klebsiella-pneumonia-3?lang=us"


@pytest.mark.parametrize("url, note, modality", [
    (_RP_CASE, "Cough. Fever. Consolidation within the left lower lobe with two lucencies. Normal "
     "cardiomediastinal contour.", "X-ray"),
    (_RP_CASE, "Shortness of breath, fever and rigors. Opacity projected behind the heart on the PA radiograph.", ""),
    (_RP_CASE, "Presentation: 2-3 months of cough. Imaging Notes: chest radiograph shows multiple regions of "
     "airspace opacification.", ""),
    # Eurorad: the case's history, then the figure's legend
    ("https://www.eurorad.org/case/10960", "A 52-year-old man with chronic obstructive lung disease was admitted "
     "with pneumonia and influenza. Routine chest radiograph taken 7 days after extubation", ""),
    ("https://www.eurorad.org/case/13698", "A 51-year-old man came to the emergency department with high fever. "
     "Follow-up chest X-ray shows a normal study, with resolution of the pneumonia.", ""),
])
def test_the_second_film_of_a_case_sites_radiograph_study_is_its_lateral(url, note, modality):
    # the case sites show a chest radiograph study's films frontal first, then lateral; the note is the study's
    assert _study_views(url, [note, note], modality).get(3) == "L"


@pytest.mark.parametrize("url, note, views", [
    # the study's note names its frontal film's projection: the first film is that one
    (_RP_CASE, "Shortness of breath, fever and rigors. Opacity projected behind the heart on the PA radiograph.",
     {2: "PA", 3: "L"}),
    ("https://www.eurorad.org/case/13698", "A 51-year-old man came to the emergency department with high fever. "
     "Posteroanterior chest radiograph: consolidation of the right upper lobe.", {2: "PA", 3: "L"}),
    # no projection named, "frontal" alone, an AP film whose position is not told: the first film stays blank
    (_RP_CASE, "Cough. Fever. Consolidation within the left lower lobe with two lucencies. Normal "
     "cardiomediastinal contour on the radiograph.", {3: "L"}),
    (_RP_CASE, "Frontal chest radiograph: consolidation of the right lower lobe.", {}),
    (_RP_CASE, "Intubated in the ICU. AP chest radiograph: diffuse bilateral airspace opacities.", {}),
])
def test_the_first_film_of_a_case_sites_radiograph_study_is_the_frontal_view_its_note_names(url, note, views):
    assert _study_views(url, [note, note]) == views


@pytest.mark.parametrize("url, notes, modality", [
    # not a radiograph: a CT study's two images are two planes or two levels
    (_RP_CASE, ["Cavitating consolidation of the right upper lobe on CT."] * 2, ""),
    # the modality unknown
    (_RP_CASE, ["Innumerable tiny pulmonary nodules with a small left pleural effusion."] * 2, ""),
    # an inspiratory and an expiratory film, films compared, a decubitus film: no frontal-lateral pair
    (_RP_CASE, ["Inspiratory and expiratory chest radiographs: air trapping on the left."] * 2, ""),
    (_RP_CASE, ["Right effusion, free-flowing on the decubitus film."] * 2, "X-ray"),
    # a portable film, however the note tells it (the view reading's own words for one), its view named
    (_RP_CASE, ["AP mobile chest radiograph: bilateral airspace opacities."] * 2, "X-ray"),
    (_RP_CASE, ["AP chest radiograph in bed: bilateral airspace opacities."] * 2, "X-ray"),
    # a Eurorad note naming no radiograph, only a film's reading words (two frontal films of two days
    # may share a case's history), though the cells say X-ray
    ("https://www.eurorad.org/case/3241",
     ["A 27-year-old woman presented with recurrent respiratory distress. An additional vascular structure on "
      "the right middle pulmonary field."] * 2, "X-ray"),
    # the cells say CT
    (_RP_CASE, ["Consolidation of the right upper lobe on the chest radiograph."] * 2, "CT"),
    # three films sharing the note; a SIRM note shared by films (the case's, several studies); a paper's two
    # panels sharing a legend (often two frontal films of two days)
    (_RP_CASE, ["Bilateral airspace opacities on the chest radiograph."] * 3, ""),
    ("https://www.sirm.org/2020/03/10/covid-19-caso-32/", ["Parenchymal thickening in the right lung field."] * 2,
     "X-ray"),
    ("https://pubs.rsna.org/doi/10.1148/ryct.2020200033", ["Chest radiographs show increasing opacities."] * 2,
     "X-ray"),
])
def test_other_films_sharing_a_note_get_no_lateral(url, notes, modality):
    assert "L" not in _study_views(url, notes, modality).values()


@pytest.mark.parametrize("legend, letters, views", [
    # a paper's panels b and c sharing the CT's legend, panel a the radiograph with its own
    ("COVID-19 pneumonia on CT. Baseline axial and coronal chest CT images show confluent pure ground-glass "
     "opacities in both lungs.", "bc", {3: "Axial", 4: "Coronal"}),
    ("Coronal and axial HRCT reconstructions: crazy paving in the right lower lobe.", "bc",
     {3: "Coronal", 4: "Axial"}),
    ("Unenhanced axial & coronal CT images demonstrate bilateral peripheral consolidations.", "ab",
     {3: "Axial", 4: "Coronal"}),
])
def test_a_cts_planes_told_in_order_give_the_two_lettered_files_sharing_the_legend_their_views(legend, letters, views):
    rows = [_row(patientid="23", url="https://www.kjronline.org/DOIx.php?id=10.3348/kjr.2020.9023",
                 filename="kjr-21-e24-g002-l-x.jpg",
                 clinical_notes="Baseline anteroposterior chest radiograph shows patchy ground-glass opacities.")]
    rows += [_row(patientid="23", url=rows[0]["url"], filename=f"kjr-21-e24-g002-l-{letter}.jpg",
                  clinical_notes=legend) for letter in letters]
    fills = {f.row: f.value for f in backfill_table(rows, ["view"], workers=1) if f.rule.startswith("view.told")}
    assert fills == views


@pytest.mark.parametrize("legend, letters", [
    ("Axial and coronal CT images (b, c) and chest radiograph (a) show bilateral opacities.", "bc"),  # an X-ray too
    ("Axial and axial CT images at two levels show ground-glass opacities.", "bc"),  # no order of planes
    ("Axial and coronal CT images show ground-glass opacities.", "bd"),  # a film between them
    ("Axial and coronal CT images show ground-glass opacities.", "bcd"),  # three films, two planes
])
def test_planes_told_for_other_films_than_the_two_lettered_ones_give_no_view(legend, letters):
    rows = [_row(patientid="24", url="https://example.org/case/24", filename=f"fig2-{letter}.png",
                 clinical_notes=legend) for letter in letters]
    assert not [f for f in backfill_table(rows, ["view"], workers=1) if f.rule.startswith("view.told-in-order")]


# --- A CT image naming no plane is Axial (the curators' rule, ct_slice_view), per row ------------------

_CT_HISTORY = ("A 65-year-old man presented with fever and dry cough for 7 days; RT-PCR for SARS-CoV-2 was "
               "positive. ")


def _views_of(rows):
    return {f.row: f.value for f in backfill_table(rows, ["view"], workers=1)}


@pytest.mark.parametrize("note", [
    _CT_HISTORY + "CT shows bilateral ground-glass opacities with peripheral distribution and crazy paving.",
    "Uomo di 58 anni, febbre da 5 giorni. TC torace: opacità a vetro smerigliato bilaterali, subpleuriche.",
    "Multifocal ground-glass opacities in both lower lobes, some with a reversed halo sign.",
])
def test_the_ct_images_of_a_note_naming_no_plane_are_axial(note):
    # SIRM's CT images share their case's note; the curators write Axial for each
    rows = [_row(patientid="32", url="https://www.sirm.org/2020/03/10/covid-19-caso-32/", filename=f"{name}.jpeg",
                 modality="CT", clinical_notes=note) for name in ("191F3B3A", "DE488FE1")]
    assert _views_of(rows) == {2: "Axial", 3: "Axial"}


def test_a_ct_images_own_legend_naming_no_plane_gives_its_modality_and_axial():
    # a blank row: the modality comes from the legend after the history its sibling repeats
    history = ("A 47-year-old woman presented to the emergency department with fever, dry cough and dyspnoea for "
               "six days. Oxygen saturation was 91% on room air. ")
    rows = [_row(patientid="40", url="https://www.eurorad.org/case/16801", filename=f"16801_{k}_1.jpg",
                 clinical_notes=history + legend)
            for k, legend in ((1, "Chest X-ray: bilateral peripheral opacities."),
                              (2, "CT scan: bilateral ground-glass opacities with crazy paving."))]
    fills = {(f.row, f.field): f.value for f in backfill_table(rows, ["modality", "view"], workers=1)}
    assert fills.get((3, "modality")) == "CT" and fills.get((3, "view")) == "Axial"
    assert fills.get((2, "view")) is None  # a radiograph naming no projection stays blank


def test_a_ct_panel_naming_no_plane_is_axial_and_its_reconstruction_panel_is_not():
    note = ("Figure 2. (a) Axial CT at admission shows ground-glass opacities in the right lower lobe. "
            "(b) CT on day 9 shows consolidation of the same area. "
            "(c) Minimum intensity projection of the same study shows patent airways.")
    rows = [_row(patientid="51", url="https://doi.org/10.1148/ryct.2020200110", filename=f"ryct-fig2{letter}.jpg",
                 modality="CT", clinical_notes=note) for letter in "abc"]
    assert _views_of(rows) == {2: "Axial", 3: "Axial"}


@pytest.mark.parametrize("note, cells", [
    # a note describing several images names another plane: it may be this image's
    (_CT_HISTORY + "Axial and coronal chest CT images show confluent ground-glass opacities.", {"modality": "CT"}),
    (_CT_HISTORY + "Sagittal reformatted CT shows posterior consolidations.", {"modality": "CT"}),
    (_CT_HISTORY + "Volume rendering of the airways shows no obstruction.", {"modality": "CT"}),
    # the file names the reconstruction
    (_CT_HISTORY + "CT shows ground-glass opacities.", {"modality": "CT", "filename": "case-7-mip.png"}),
    # no modality of the row's own: a CT named in a note shared by the patient's images is not this image
    (_CT_HISTORY + "CT shows bilateral ground-glass opacities.", {}),
    (_CT_HISTORY + "CT shows bilateral ground-glass opacities.", {"modality": "X-ray"}),
])
def test_a_ct_image_whose_text_names_another_plane_or_no_ct_gets_no_axial(note, cells):
    cells = {"filename": "img.jpeg", **cells}
    rows = [_row(patientid="64", url="https://www.sirm.org/2020/03/20/covid-19-caso-64/", clinical_notes=note,
                 **cells) for _ in range(2)]
    assert "Axial" not in _views_of(rows).values()


def test_a_ct_volumes_view_stays_the_volumes_rule():
    row = _row(filename="coronacases_org_004.nii.gz", modality="CT", folder="volumes",
               clinical_notes="CT images demonstrate ground-glass opacities; coronal reformats are shown.")
    assert _value(row, "view") is None


# A case report cites its figures inside its sentences, after what each shows; the publishers name
# the figure files by their number (Springer "_Fig2_HTML", Elsevier "-gr2_lrg", a panel's letter after).
_CITED_FIGURES = ("A 58-year-old man was brought to the emergency department after a fall at home. Head CT showed "
                  "no acute intracranial abnormality (Fig. 1). A chest X-ray (Fig. 2) revealed bilateral "
                  "peripheral interstitial opacities, and RT-PCR for SARS-CoV-2 was positive.")


@pytest.mark.parametrize("filename, modality", [
    ("11547_2020_1311_Fig2_HTML.png", "X-ray"),
    ("11547_2020_1311_Fig1_HTML.png", "CT"),
    ("1-s2.0-S1930043320301234-gr2_lrg.jpg", "X-ray"),
    ("1-s2.0-S1930043320301234-gr1_lrg.jpg", "CT"),
    ("case-report-fig2.png", "X-ray"),
    # was X-ray: a cited mark read as a legend's ran to the next mark ("Fig. 1). A chest X-ray (")
    ("case-report-fig1.png", "CT"),
])
def test_a_figure_cited_after_what_it_shows_gives_its_file_that_sentence(filename, modality):
    assert _value(_row(filename=filename, clinical_notes=_CITED_FIGURES), "modality") == modality


@pytest.mark.parametrize("note", [
    # one sentence cites the figure for both studies
    "A 58-year-old man with fever. Head CT was normal (Fig. 1). Chest CT and chest X-ray (Fig. 2) showed "
    "bilateral opacities.",
    # the figure is cited twice, for a radiograph and for a CT
    "A 21-year-old man with cough. Chest X-ray (Fig. 2) showed bilateral opacities. CT of the chest was "
    "ordered (Fig. 2, Fig. 3) and showed ground-glass opacities.",
])
def test_a_figure_cited_for_two_studies_gives_its_file_no_modality(note):
    assert _value(_row(filename="11547_2020_1311_Fig2_HTML.png", clinical_notes=note), "modality") is None


def test_the_sentences_citing_a_files_figure_are_the_notes_own_spans_however_far_apart():
    note = ("A 58-year-old man with fever. Chest X-ray (Fig. 2) revealed opacities. Head CT was normal (Fig. 1). "
            "A repeat (Fig. 2) radiograph showed progression.")
    spans = cited_figure_sentences(note, "11547_2020_1311_Fig2_HTML.png")
    assert [note[start:end] for start, end in spans] == ["Chest X-ray (Fig.", "A repeat (Fig."]
    assert cited_figure_sentences(note, "11547_2020_1311_Fig5_HTML.png") == ()


def test_a_file_not_of_a_cited_figure_reads_the_whole_note():
    # figure 5 is not cited: its file has the whole note, which names a CT and a radiograph
    assert _value(_row(filename="11547_2020_1311_Fig5_HTML.png", clinical_notes=_CITED_FIGURES), "modality") is None


_CITED_PANELS = ("An 80-year-old woman was brought in with left-sided weakness. CT of the head revealed an acute "
                 "stroke (Fig. 3a). CT angiography showed occlusion of the right carotid artery (Fig. 3b). "
                 "CT perfusion demonstrated a large core infarct (Fig. 3c). She was tested for COVID-19 with PCR "
                 "and was positive. Fig. 2b. Chest radiograph showing worsening bilateral opacities.")


@pytest.mark.parametrize("filename, modality", [
    ("1-s2.0-S0889159120301234-gr2b_lrg.jpg", "X-ray"),
    ("1-s2.0-S0889159120301234-gr3b_lrg.jpg", "CT"),
])
def test_a_panel_is_the_files_only_when_its_figure_is_the_files_too(filename, modality):
    assert _value(_row(filename=filename, clinical_notes=_CITED_PANELS), "modality") == modality


@pytest.mark.parametrize("legend", [
    "Frontal and lateral chest radiographs show a right lower lobe consolidation.",
    "Frontal and lateral views of the chest: bilateral patchy opacities.",
])
def test_one_films_legend_naming_a_frontal_and_a_lateral_projection_gives_no_view(legend):
    # one film under words of two: the lateral is no more this film's than the frontal (was L)
    row = _row(patientid="31", url="https://www.eurorad.org/case/9031", filename="000001-9-a.jpg",
               clinical_notes="A 48-year-old woman with fever and cough. " + legend)
    assert _value(row, "view") is None
