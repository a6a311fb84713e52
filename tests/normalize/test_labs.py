import pytest

from ingest.normalize import (
    normalize_leukocyte_count,
    normalize_lymphocyte_count,
    normalize_neutrophil_count,
    normalize_po2_saturation,
    normalize_temperature,
)

from .helpers import assert_blank, assert_value


@pytest.mark.parametrize(
    "text, expected",
    [
        ("his maximum temperature was 38·6°C, oxygen saturation was 97% on room air", 38.6),
        ("travels to PS for fever (37.8 °) and cough", 37.8),
        ("a high-grade fever (39.6°C [103.28°C]), cough", 39.6),
        ("On physical examination: T ° 40 ° C and dyspnea", 40.0),
        ("The patient at admission is apiretic (T: 36 ° C)", 36.0),
        ("presented with fever (38C), dry cough", 38.0),
        ("Hypoxic to low 90s on RA at presentation, febrile to 101.", 38.3),
        ("Temperature 102.2 °F on arrival", 39.0),
        ("febbre (38,5 °C) e tosse", 38.5),
        ("Onset March 1, 2020 with pyrexia 39 °.", 39.0),
        # lower case: the two readings of "39.6°c" (one with its unit, one without) once crashed the sort
        ("a high-grade fever (39.6°c [103.28°c]), cough", 39.6),
        ("FEVER (38.5 °C) AND COUGH", 38.5),
        ("Tmax 39.2 overnight, now afebrile", 39.2),
    ],
)
def test_temperature(text, expected):
    assert_value(normalize_temperature(text), text, expected)


@pytest.mark.parametrize(
    "text",
    ["Fever for 5 days, CRP 135 mg/L.", "a 38-year-old man", "blood pressure of 120/70 mm Hg"],
)
def test_temperature_stays_blank(text):
    assert_blank(normalize_temperature(text), text)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("oxygen saturation was 97% on room air", 97.0),
        ("98% pO2 saturation is detected in ambient air", 98.0),
        ("Saturation pO2 97%.", 97.0),
        ("pO 2 = 95% in ambient air", 95.0),
        ("peripheral capillary oxygen saturation 67%", 67.0),
        ("SpO2 88% in aria ambiente", 88.0),
        ("SaO2: 91 %", 91.0),
        ("saturazione 93% in aria ambiente", 93.0),
        ("Tachypnoeic, sats 91% on room air.", 91.0),
        ("He was saturating 86% on room air on arrival.", 86.0),
        ("an oxygen saturation of 90 percent while he was breathing ambient air", 90.0),
    ],
)
def test_saturation(text, expected):
    assert_value(normalize_po2_saturation(text), text, expected)


@pytest.mark.parametrize(
    "text",
    ["hypoxemia (PaO2 63.4 mmHg)", "on Venturi Mask at a FIO 50% with a stable O2 sat", "saturation was normal",
     "the satellite unit reported 95 percent occupancy"],
)
def test_saturation_stays_blank(text):
    assert_blank(normalize_po2_saturation(text), text)


@pytest.mark.parametrize(
    "function, text, expected",
    [
        (normalize_leukocyte_count,
         "a slight reduction in white blood cells (3.47 x10 ^ 3 / ul; vn 4.5 - 10.0)", 3.47),
        (normalize_leukocyte_count, "WBC 6.37 D-DIMERO <150", 6.37),
        (normalize_leukocyte_count, "normal white cell count (9500 μ/L)", 9.5),
        (normalize_leukocyte_count, "leucociti 5.600/mm3", 5.6),
        (normalize_leukocyte_count, "leukopenia (3.99×10^3/μL, normal range 4.0-11×10^3/μL)", 3.99),
        (normalize_leukocyte_count, "white blood cell count was 4.2 × 10⁹/L", 4.2),
        (normalize_lymphocyte_count, "lymphocytes 0.8 x 10E9 / L;PCR 95 mg / L", 0.8),
        (normalize_lymphocyte_count, "lymphopenia (930 μ/L)", 0.93),
        (normalize_lymphocyte_count, "remarkable for lymphopenia (0.6×103/µL), elevated c-reactive protein", 0.6),
        (normalize_lymphocyte_count, "lymphocytes 0.7 U / l; PCR 141 mg / l", 0.7),
        (normalize_lymphocyte_count, "linfociti 1,2 x10^9/L", 1.2),
        (normalize_neutrophil_count, "neutrophils (6.3 × 109 cells per liter (range, 2.0 × 109 to 8.0 × 109", 6.3),
        (normalize_neutrophil_count, "neutrophil count 5100/µL", 5.1),
        # copied text: a comma glued to the cue
        (normalize_leukocyte_count, "Leukopenia (white blood cell count,2.9×109/L, neutrophil count 1.5×109/L)", 2.9),
        (normalize_lymphocyte_count, "Lymphopenia (lymphocyte count,0.62×109/L)", 0.62),
    ],
)
def test_counts(function, text, expected):
    assert_value(function(text), text, expected)


@pytest.mark.parametrize(
    "function, text",
    [
        (normalize_lymphocyte_count, "lymphocytes 10%"),  # a percentage of the differential
        (normalize_lymphocyte_count, "normal lymphocytes"),
        (normalize_neutrophil_count, "the neutrophil to lymphocyte ratio in the normal range"),
        (normalize_leukocyte_count, "normal white blood cell (WBC) counts without lymphocytopenia"),
        (normalize_lymphocyte_count, "lymphocytes 3,5%"),  # an Italian decimal comma stays one number
    ],
)
def test_counts_stay_blank(function, text):
    assert_blank(function(text), text)
