import pytest

from ingest.normalize import normalize_age, normalize_sex

from .helpers import assert_blank, assert_value


@pytest.mark.parametrize(
    "text, expected",
    [
        ("34 years, male", "M"),
        ("Gender: Female", "F"),
        ("Age: 30 years Gender: Male", "M"),
        ("Paziente di sesso femminile, 75 anni, diabetica.", "F"),
        ("Maschio, 51 anni.", "M"),
        ("Uomo di 65 anni con febbre da 5 giorni.", "M"),
        ("Donna di 78 anni, ipertesa.", "F"),
        ("Paciente varón de 45 años con fiebre.", "M"),
        ("Mujer de 60 años.", "F"),
        ("Homme de 54 ans, fébrile.", "M"),
        ("Patientin, 70 Jahre, mit Fieber.", "F"),
        ("Elderly male, covid-19 positive. Fever and elevated c-reactive protein.", "M"),
        ("A 65-year-old man with a history of hypertension was admitted.", "M"),
        ("Women, 69 years old, has reported fever since one week.", "F"),
        ("84M with COPD, HFpEF, and BPH with recurrent UTIs.", "M"),
        ("She presented with fever and chills. Her saturation was 92%.", "F"),
        ("He presented with a four-day history of cough; he was admitted.", "M"),
        # groups of an exposure history: no singular pronoun names them
        ("He reports that he made a train journey during which he had contacts with people from the red zone.",
         "M"),
        ("She denies contacts with infected persons; she has had fever for 5 days.", "F"),
        # the relatives are not the patient: the sex words about them do not count
        ("A 46-year-old woman whose husband had tested positive.", "F"),
        ("A 40-year-old man; his mother was admitted with pneumonia.", "M"),
        # occupations and forms of address that name the patient's sex
        ("A 45-year-old businessman returning from Wuhan with fever.", "M"),
        ("A 38-year-old businesswoman, back from Milan, with cough.", "F"),
        ("Housewife, 62 years, with fever and dyspnoea for 5 days.", "F"),
        ("A 70-year-old gentleman with dyspnea.", "M"),
        ("An 80-year-old lady with fever.", "F"),
        ("A 54-year-old male patient presented with fever.", "M"),
        ("Paziente di sesso maschile di 65 anni.", "M"),
        ("Signora di 80 anni, febbre.", "F"),
        ("Varón de 60 años con fiebre.", "M"),
    ],
)
def test_sex(text, expected):
    assert_value(normalize_sex(text), text, expected)


@pytest.mark.parametrize(
    "text",
    [
        "Patient of 53 years, with arterial hypertension.",  # no word says the sex
        "In cohabitation with her husband (case 14), whom he accompanies.",  # pronouns disagree
        "Six patients in the 27-46 age range, three men and two women.",
        "Chest radiograph shows bilateral opacities.",
        "Her husband was admitted with COVID-19.",  # about the husband; the pronoun meets other people
        "Two patients were admitted with fever. He was intubated on day 3.",  # which patient is he?
        "He had contacts with people from the red zone and with his son.",  # the son may be "he"
        "Contact with a businessman returning from Wuhan. Chest radiograph shows opacities.",  # a contact
        "Her husband, a businessman, was admitted with COVID-19.",  # the husband's occupation
    ],
)
def test_sex_stays_blank(text):
    assert_blank(normalize_sex(text), text)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Male 45 years, fever and dry cough for 5 days.", 45),
        ("Female, 70 yrs. Dyspnoea since yesterday.", 70),
        ("45 yrs male, smoker, presented with fever.", 45),
        ("Patient of 53 yrs, with arterial hypertension.", 53),
    ],
)
def test_the_patient_line_without_its_comma_or_with_yrs_gives_the_age(text, expected):
    assert_value(normalize_age(text), text, expected)


@pytest.mark.parametrize(
    "text",
    [
        "A man 30 years ago had the same symptoms.",  # a time, not an age
        "The woman 5 years earlier had a lobectomy.",
        "The index patient, a male 20 years older, had fever.",  # a difference of ages
        "Male 3 years after a kidney transplant, febrile.",
    ],
)
def test_a_time_or_a_difference_after_the_sex_word_is_no_age(text):
    assert_blank(normalize_age(text), text)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("History of inoperable carcinoma of the cervix, on chemotherapy, became neutropenic. Admitted to ITU with "
         "respiratory distress.", "F"),
        ("Patient at 32 weeks of pregnancy presenting with fever and dry cough.", "F"),
        ("Fever and dyspnoea on day 5 post-partum, after an emergency caesarean section.", "F"),
        ("Known metastatic ovarian cancer; fever and cough for 3 days.", "F"),
        ("Paziente incinta alla 30a settimana, febbre e tosse.", "F"),
        ("History of benign prostatic hyperplasia and hypertension; fever for a week.", "M"),
        ("Known testicular seminoma treated with chemotherapy, now febrile.", "M"),
    ],
)
def test_an_organ_or_state_only_one_sex_has_gives_the_sex(text, expected):
    result = normalize_sex(text)
    assert (result.value, result.rule) == (expected, "sex.organ"), text


@pytest.mark.parametrize(
    "text",
    [
        "Born at 32 weeks of gestation, admitted with respiratory distress.",  # a newborn of either sex
        "Enlarged cervical lymph nodes and fever.",  # the neck, not the uterine cervix
        "Pregnant mother tested positive; the newborn had fever.",  # another person's pregnancy
        "History of prostate cancer in the father; fever and cough.",  # the father's
        "Hysterectomy and prostatectomy specimens were reviewed.",  # organs of both sexes
        "His wife is pregnant. Fever and cough for 4 days.",  # the pronoun meets another person
    ],
)
def test_an_organ_of_someone_else_or_of_either_sex_gives_no_sex(text):
    assert_blank(normalize_sex(text), text)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("65-year-old man", 65),
        ("A 65 year old woman", 65),
        ("aged 65, he presented", 65),
        ("Maschio, 65 anni", 65),
        ("Paziente di anni 53, con ipertensione", 53),
        ("Age: 30 years", 30),
        ("34 years, male", 34),
        ("Male, 71 years old, travels to PS for fever", 71),
        ("Patient of 53 years, with arterial hypertension", 53),
        ("Mujer de 60 años", 60),
        ("84M with COPD", 84),
        ("A 67-years-old woman", 67),
    ],
)
def test_age(text, expected):
    result = normalize_age(text)
    assert_value(result, text, float(expected))
    assert "pediatric" not in result.flags


def test_age_in_months_is_a_fraction_and_pediatric():
    text = "An 18-month-old boy with fever"
    result = normalize_age(text)
    assert_value(result, text, 1.5)
    assert result.flags == ("pediatric",)


@pytest.mark.parametrize("text, expected", [
    # "aged N" with a unit of months, weeks or days: that fraction of a year (was N years)
    ("Her son, aged 3 months, was admitted with fever", 0.25),
    ("A boy aged 6 weeks presented with cough", 0.11),
    ("A neonate aged 10 days with respiratory distress", 0.03),
    ("An infant, age 9 months, with bronchiolitis", 0.75),
])
def test_aged_n_months_weeks_or_days_is_a_fraction_of_a_year(text, expected):
    result = normalize_age(text)
    assert_value(result, text, expected)
    assert result.flags == ("pediatric",)


@pytest.mark.parametrize(
    "text",
    [
        "A man in his sixties with cough",
        "Elderly male, covid-19 positive.",
        "Six patients in the 27-46 age range",
        "A 5-day history of cough and fever",  # a duration, not an age
        "Two siblings, a 34-year-old and a 36-year-old, were admitted",
    ],
)
def test_age_stays_blank(text):
    assert_blank(normalize_age(text), text)


@pytest.mark.parametrize(
    "text, expected",
    [
        # a catheter's, drain's or sheath's French gauge is not a woman's age
        ("A 63-year-old woman. After local anesthesia, two 8F multi-hole drainages were inserted.", 63),
        ("A 70-year-old man; a 28F chest drain was placed on the right.", 70),
        ("72 year old male. A 12 F pigtail catheter was left in place.", 72),
        ("56F with fever and cough", 56),  # the shorthand is still the patient's
        ("56F, catheter-related bloodstream infection", 56),
    ],
)
def test_french_gauge_is_not_an_age(text, expected):
    assert_value(normalize_age(text), text, float(expected))


@pytest.mark.parametrize("text", ["Two 8F multi-hole drainages were inserted.", "a 14 F chest tube was placed",
                                  "through a 6F introducer sheath",
                                  # a temperature in Fahrenheit is no woman's age
                                  "Febrile overnight, Tmax was 101.5F, HR 112.", "Temp 100F on arrival, SpO2 91%."])
def test_a_french_gauge_or_a_fahrenheit_temperature_gives_no_age_or_sex(text):
    assert_blank(normalize_age(text), text)
    assert_blank(normalize_sex(text), text)


@pytest.mark.parametrize(
    "text, expected",
    [
        # a translated patient line opening with the occupation instead of the sex word
        ("Housewife, 62 years, fever and cough for 5 days.", 62),
        ("Retired teacher, 70 years. Dyspnoea since yesterday.", 70),
        ("Pensioner, 81 years, brought to the ER for fever.", 81),
        ("Nurse, 34 years, contact of a positive colleague.", 34),
    ],
)
def test_age_after_an_occupation(text, expected):
    assert_value(normalize_age(text), text, float(expected))


@pytest.mark.parametrize(
    "text",
    [
        "Smoker, 30 years. Cough and fever.",  # how long the habit lasted
        "Asthma, 10 years. Now fever.",
        "Fever, 3 years after a transplant.",
        "Cough and fever. Farmer, 20 years in the fields.",  # not the note's opening clause
        "Teacher, 12 years ago treated for tuberculosis.",
    ],
)
def test_years_after_a_habit_or_disease_are_not_an_age(text):
    assert_blank(normalize_age(text), text)


def test_age_of_a_relative_is_not_the_patients():
    text = "A 34-year-old man; his mother, a 60-year-old woman, was also ill."
    assert_value(normalize_age(text), text, 34.0)


@pytest.mark.parametrize("text,value", [("34 years", 34.0), ("51", 51.0), (" 70 years ", 70.0), ("65 anni", 65.0),
                                        ("8 years", 8.0)])
def test_structured_age_field(text, value):
    result = normalize_age(text)
    assert result.value == value
    assert result.evidence and result.evidence in text


@pytest.mark.parametrize("text", ["34 years ago", "2020", "years", "130 years"])
def test_structured_age_field_must_stay_blank(text):
    assert normalize_age(text).value is None


def test_a_boy_or_girl_gives_the_sex_and_keeps_the_minor_age():
    assert_value(normalize_sex("A 12-year-old boy with fever."), "A 12-year-old boy with fever.", "M")
    assert normalize_age("A 12-year-old boy with fever.").value == 12
    assert_value(normalize_sex("A 9-year-old girl with cough."), "A 9-year-old girl with cough.", "F")
    assert normalize_age("A 9-year-old girl with cough.").value == 9


@pytest.mark.parametrize("text, age, sex", [
    ("65 yo M with fever and cough for 4 days.", 65, "M"),
    ("72 y/o F presenting with dyspnea, Tmax 101.5F.", 72, "F"),
])
def test_the_shorthand_with_the_ages_unit_gives_age_and_sex(text, age, sex):
    assert_value(normalize_age(text), text, float(age))
    assert_value(normalize_sex(text), text, sex)


# The English honorifics as case reports write them before a patient's name or initial (was blank); "MR"
# imaging and "MS" (multiple sclerosis) are no honorifics, and a relative's honorific is not the patient's.
@pytest.mark.parametrize(("text", "sex"), [
    ("Mr. A, a farmer, presented with fever and dry cough for 5 days.", "M"),
    ("Mrs. B was admitted with dyspnoea; CT showed bilateral ground-glass opacities.", "F"),
    ("Ms K. presented to the emergency department with fever.", "F"),
    ("Miss L, a nurse, developed fever after a night shift.", "F"),
    ("Mr A was admitted with fever. His wife, Mrs A, had a cough.", "M"),
])
def test_an_honorific_tells_the_patients_sex(text, sex):
    assert normalize_sex(text).value == sex, text


@pytest.mark.parametrize("text", [
    "MR imaging of the brain was normal. Fever and cough for 5 days.",
    "History of MS. The patient had fever for a week.",
    "Fever for 5 days; MRS showed no lactate peak.",
])
def test_mr_and_ms_in_capitals_are_no_honorifics(text):
    assert normalize_sex(text).value is None, text
