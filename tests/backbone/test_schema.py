"""Each schema rule: a value that passes and one that fails, by rule name."""

import pytest

from schema import (
    COLUMNS,
    FINDING_PATHS,
    FINDING_SEGMENTS,
    REGEX_METACHARACTERS,
    finding_problems,
    parse_cell,
    parse_dataset_date,
    row_problems,
)


def rules(column, raw):
    return [p.rule for p in parse_cell(column, raw).problems]


def test_columns_are_the_dataset_header_in_order():
    header = (
        "patientid,offset,sex,age,finding,RT_PCR_positive,survival,intubated,intubation_present,went_icu,in_icu,"
        "needed_supplemental_O2,extubated,temperature,pO2_saturation,leukocyte_count,neutrophil_count,"
        "lymphocyte_count,view,modality,date,location,folder,filename,doi,url,license,clinical_notes,other_notes"
    )
    assert ",".join(COLUMNS) == header


@pytest.mark.parametrize("raw,value", [("2", "2"), ("311a", "311a"), ("425d", "425d")])
def test_patientid_accepts_numbers_with_a_letter_suffix(raw, value):
    assert parse_cell("patientid", raw).value == value
    assert rules("patientid", raw) == []


@pytest.mark.parametrize("raw", ["", "p12", "12 ", "3AB"])
def test_patientid_rejects_other_forms(raw):
    assert rules("patientid", raw) == ["patientid.format"]


@pytest.mark.parametrize("raw,value", [("0", 0), ("-360", -360), ("365", 365), ("", None)])
def test_offset_is_an_integer_number_of_days(raw, value):
    assert parse_cell("offset", raw).value == value
    assert rules("offset", raw) == []


@pytest.mark.parametrize("raw", ["?", "5.5", "a few days", "day 3"])
def test_offset_rejects_placeholders_and_text(raw):
    assert rules("offset", raw) == ["offset.number"]


@pytest.mark.parametrize("raw,value", [("65", 65), ("18", 18), ("94", 94), ("52.5", 52.5)])
def test_age_adults(raw, value):
    assert parse_cell("age", raw).value == value
    assert rules("age", raw) == []


def test_age_under_18_breaks_the_adult_rule():
    assert rules("age", "17") == ["age.adult"]
    assert rules("age", "0.5") == ["age.adult"]


def test_age_text_is_not_a_number():
    assert rules("age", "sixties") == ["age.number"]


@pytest.mark.parametrize("column,raw,rule", [
    ("temperature", "95", "temperature.range"),
    ("pO2_saturation", "130", "pO2_saturation.range"),
    ("lymphocyte_count", "131", "lymphocyte_count.range"),
    ("leukocyte_count", "5400", "leukocyte_count.range"),
])
def test_numbers_outside_plausible_ranges(column, raw, rule):
    assert rules(column, raw) == [rule]


@pytest.mark.parametrize("column,raw", [("temperature", "38.5"), ("pO2_saturation", "94"), ("leukocyte_count", "0.22"),
                                        ("neutrophil_count", "3.2")])
def test_numbers_inside_plausible_ranges(column, raw):
    assert rules(column, raw) == []


@pytest.mark.parametrize("column", ["survival", "intubated", "intubation_present", "went_icu", "in_icu",
                                    "needed_supplemental_O2", "extubated"])
def test_yes_no_fields(column):
    assert rules(column, "Y") == rules(column, "N") == rules(column, "") == []
    assert rules(column, "Unclear") == [f"{column}.vocabulary"]
    assert rules(column, "yes") == [f"{column}.vocabulary"]


def test_rt_pcr_also_allows_unclear():
    assert rules("RT_PCR_positive", "Unclear") == []
    assert rules("RT_PCR_positive", "Maybe") == ["RT_PCR_positive.vocabulary"]


@pytest.mark.parametrize("raw", ["PA", "AP", "AP Supine", "L", "Axial", "Coronal", ""])
def test_views_in_vocabulary(raw):
    assert rules("view", raw) == []


@pytest.mark.parametrize("raw", ["AP Erect", "APS", "AP supine", "Frontal", "PA "])
def test_views_outside_vocabulary(raw):
    assert rules("view", raw) == ["view.vocabulary"]


def test_sex_is_m_f_or_blank():
    assert rules("sex", "M") == rules("sex", "F") == rules("sex", "") == []
    assert rules("sex", "male") == ["sex.vocabulary"]


@pytest.mark.parametrize("finding", ["todo", "Unknown", "Pneumonia/Viral/COVID-19", "No Finding", "Tuberculosis",
                                     "Pneumonia/Bacterial/Staphylococcus/MRSA"])
def test_findings_that_torchxrayvision_reads_safely(finding):
    assert finding_problems(finding) == []


@pytest.mark.parametrize("finding,rule", [
    ("Pneumonia/Viral/Herpes ", "finding.whitespace"),
    ("Pneumonia/Bacterial/E.Coli", "finding.regex"),
    ("Pneumonia/Viral/Swine-Origin Influenza A (H1N1) Viral Pneumonia", "finding.regex"),
    ("Pneumonia/Viral/Ebola", "finding.vocabulary"),
    ("Viral/Pneumonia", "finding.path"),
    ("", "finding.blank"),
])
def test_findings_that_break_torchxrayvision(finding, rule):
    assert [p.rule for p in finding_problems(finding)] == [rule]


def test_finding_vocabulary_has_no_metacharacters_and_no_hidden_substrings():
    for seg in FINDING_SEGMENTS:
        assert seg == seg.strip()
        assert not set(seg) & REGEX_METACHARACTERS
    for path in FINDING_PATHS:
        ancestors = set(path.split("/"))
        for seg in FINDING_SEGMENTS - ancestors:
            # a segment inside an unrelated finding would label it wrongly (regex substring match)
            assert seg not in path, (seg, path)


@pytest.mark.parametrize("raw,iso", [
    ("2020", "2020"), ("January 22, 2020", "2020-01-22"), ("Oct 8, 2010", "2010-10-08"), ("Mar 3, 2020", "2020-03-03"),
    ("3/7/2020", "2020-03-07"), ("03/16/20", "2020-03-16"), ("March 2003", "2003-03"), ("12 March 2020", "2020-03-12"),
    ("January 12", "--01-12"), ("2020-03-16", "2020-03-16"),
])
def test_dataset_date_formats(raw, iso):
    assert parse_dataset_date(raw) == iso


@pytest.mark.parametrize("raw", ["Spring 2020", "13/45/2020", "February 30, 2020", "yesterday"])
def test_unparseable_dates_are_none(raw):
    assert parse_dataset_date(raw) is None
    assert rules("date", raw) == ["date.format"]


def test_doi_must_be_bare():
    assert parse_cell("doi", "10.1056/NEJMc2001272").value == "10.1056/nejmc2001272"
    assert rules("doi", "https://doi.org/10.1056/x") == ["doi.format"]
    assert rules("doi", "10.2214/AJR.20.23034 ") == ["doi.whitespace"]


def test_license_strings():
    assert rules("license", "CC BY-NC-SA 4.0") == []
    assert rules("license", "listed as authorized for everyone") == ["license.vocabulary"]
    assert rules("license", " ") == ["license.whitespace"]


def test_row_rules_tie_view_modality_and_folder():
    ok = {"modality": "CT", "view": "Axial", "folder": "volumes", "filename": "a.nii.gz"}
    assert row_problems(ok) == []
    assert [p.rule for p in row_problems({**ok, "view": "PA"})] == ["view.modality", "view.volume"]
    assert [p.rule for p in row_problems({**ok, "modality": "X-ray", "view": ""})] == [
        "folder.modality", "view.missing"]
    assert [p.rule for p in row_problems({"modality": "X-ray", "view": "PA", "folder": "images",
                                          "filename": "a.nii.gz"})] == ["folder.extension"]
    assert [p.rule for p in row_problems({**ok, "filename": "a.png"})] == ["folder.extension"]
