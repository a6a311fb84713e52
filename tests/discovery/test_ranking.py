"""ingest.ranking: each factor of the score on its own, with the reason it stores."""

from datetime import date

import pytest

from ingest.ranking import figure_note, patients_stated, rank_paper

TODAY = date(2026, 12, 4)


def rank(**overrides):
    args = dict(license_text="", open_access=None, pub_types=[], title="", abstract="", published="", figures=None,
                today=TODAY)
    args.update(overrides)
    ranking = rank_paper(**args)
    return {r.factor: r for r in ranking.reasons}, ranking


def test_redistributable_licence_scores_and_names_itself():
    reasons, _ = rank(license_text="cc by")
    assert reasons["licence"].points == 30 and "CC BY" in reasons["licence"].why


def test_no_derivatives_licence_still_allows_verbatim_redistribution():
    assert rank(license_text="cc by-nc-nd")[0]["licence"].points == 30


def test_free_to_read_is_not_a_licence():
    reasons, _ = rank(open_access=True)
    assert reasons["licence"].points == 5 and "no licence" in reasons["licence"].why


def test_publisher_licence_scores_nothing():
    assert rank(license_text="els-covid")[0]["licence"].points == 0


def test_case_report_by_publication_type():
    assert rank(pub_types=["Case Reports", "Journal Article"])[0]["article type"].points == 25


def test_case_series_from_the_abstract():
    reasons, _ = rank(abstract="A retrospective case series of patients")
    assert reasons["article type"].points == 25 and "case series" in reasons["article type"].why


def test_review_is_ranked_down():
    assert rank(pub_types=["Review", "Journal Article"])[0]["article type"].points == -20


def test_figures_showing_chest_imaging():
    figures = [figure_note("Figure 1", "Chest radiograph on admission"), figure_note("Figure 2", "Axial CT image"),
               figure_note("Figure 3", "Histology of the lung biopsy")]
    reasons, _ = rank(figures=figures)
    assert reasons["figures"].points == 20
    assert "Figure 1 (X-ray)" in reasons["figures"].why and "Figure 2 (CT)" in reasons["figures"].why


def test_figures_capped():
    figures = [figure_note(f"Figure {n}", "Chest X-ray") for n in range(1, 7)]
    assert rank(figures=figures)[0]["figures"].points == 30


def test_full_text_without_chest_imaging_is_ranked_down():
    assert rank(figures=[figure_note("Figure 1", "Flow chart of the study")])[0]["figures"].points == -10


def test_no_full_text_abstract_naming_ct():
    assert rank(abstract="Chest CT showed ground-glass opacities")[0]["figures"].points == 5


def test_mri_is_not_chest_imaging():
    assert figure_note("Figure 1", "MRI of the brain").modality == ""


@pytest.mark.parametrize("text,count", [
    ("We report three patients with COVID-19", 3),
    ("We describe a 45-year-old man with fever", 1),
    ("a case series of 12 consecutive patients", 12),
    ("We present two cases of ARDS", 2),
    ("Ground-glass opacities were found", None),
])
def test_patients_stated(text, count):
    assert patients_stated(text)[0] == count


def test_patients_from_figure_captions():
    figures = [figure_note("Figure 1", "Patient 1. Chest X-ray"), figure_note("Figure 2", "Patient 2. CT"),
               figure_note("Figure 3", "Patient 3. CT")]
    reasons, ranking = rank(figures=figures)
    assert ranking.patients == 3 and reasons["patients"].points == 6


def test_recency():
    assert rank(published="2026-01-10")[0]["recency"].points == 10
    assert rank(published="2022-06-01")[0]["recency"].points == 5
    assert rank(published="2020-03-01")[0]["recency"].points == 0
    assert rank(published="")[0]["recency"].why == "publication date not given"


def test_score_is_the_sum_of_the_reasons():
    reasons, ranking = rank(license_text="cc by", pub_types=["Case Reports"], published="2026-01-01")
    assert ranking.score == sum(r.points for r in reasons.values()) == 30 + 25 + 0 + 0 + 10
