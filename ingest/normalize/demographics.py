"""Sex and age of the patient, from the sources' demographic lines and free text.

Context kwargs: ``language`` (``"it"`` lets the Italian article "il paziente" count as a male
pronoun) is optional; every language's words are always recognized.
"""

from __future__ import annotations

import re
from functools import lru_cache

from schema import ADULT_AGE, SEX_VALUES

from .common import (
    ENGLISH_NUMBER,
    FEMALE_PRONOUNS,
    MALE_PRONOUNS,
    NUMBER,
    OTHER_PERSON,
    RELATIVE,
    Normalized,
    blank,
    cared_for,
    clause_at,
    compile,
    english_number,
    found,
    gate,
    has_any,
    only_the_patients,
    text_context,
)

MALE, FEMALE = SEX_VALUES  # ("M", "F")

# 13: an organ or a state only one sex has, told of the patient ("carcinoma of the cervix", "32 weeks pregnant",
# "prostate cancer") when no sex word or pronoun names the patient.
# 12: a relative the patient's possessive introduces with an age inside the text ("Her 7-year-old son") is no
# patient. 11: a contact naming a history or a measure ("a positive contact history", "contact tracing") is no
# person a pronoun may name.
# 10: a relative introduced with an age right after the patient's number ("Patient 2: his wife, 59 years old") is
# that patient. 9: pronouns in a text naming only groups of an exposure history ("contacts with people"). 8:
# Portuguese sex words ("sexo feminino", "homem", "mulher"). 7: the age's unit inside the shorthand ("65 yo M");
# not "101.5F", "100F" (Fahrenheit). 6: Italian relation words ("Madre del paziente 1, 41 anni": a relative
# introduced with an age is a patient of the post). 5: a French gauge ("8F drain") is not the shorthand "56F". 4:
# "businessman", "businesswoman", "housewife". 3: the words introducing the patient with an age outweigh the note's
# other sex words; a relative named without an age is not the patient. 2: relation words (wife, son, ...) of the
# patient introduced by them. 14: a relation word introduced by "aged N" ("The husband, aged 66, ...")
# 15: Russian sex words ("мужчина", "женщина", "пациентка"); the Chinese case line "患者，男，54岁"
# 16: pronouns of one sex in a text whose only other people are relatives of the other sex ("A 71-year-old ...
# His wife had tested positive ... He was admitted"): the pronouns name the patient.
# 17: a relative opening the first sentence after the patient's label ("Case 2. Her husband, aged 41, ..."); the
# relatives of a family cluster's sentence
# 18: a relative the patient's label restates as a person ("Patient 2, his daughter, a woman in her 40s")
# 19: the sex word of a newborn a pregnant patient delivers ("A healthy male baby weighing 1.7 kg was delivered")
# 20: relatives named as a group that the patient's possessive introduces ("Her husband and two children had mild
# symptoms") leave the pronouns of the possessive's sex the patient's
# 21: the people a health worker's work is about ("a general practitioner ... visiting patients at home", "caring for
# COVID-19 patients") are no one a "he" or "she" names
# 22: patients named by capital letters ("Patient A: ... Patient B: ...") are split as numbered ones; a relative
# telling the history ("her daughter reported ...") is no other person the clause is about
# 23: a cluster's index patient its legends number ("Case 1 (index patient)") is the one the paragraph opening "The
# index patient, a man aged 45, ..." introduces (that paragraph theirs)
# 24: a legend introducing a patient before their number ("A 58-year-old man (patient 7 in Table 2)", "a 71-year-old
# woman, case 3,") gives that patient their descriptor, when the body gave them none
# 25: a relative numbered as a patient right after the relation, the age in apposition ("His wife (patient 2), 43
# years old, ...", "their daughter (patient 3), a 19-year-old university student, ...") introduces that patient
# 26: a relation opening the text with its Italian age ("Marito, di anni 62, iperteso", "Moglie di anni 58": a
# couple's post, each spouse's paragraph) introduces the patient
# 27: Italian grammar: the article and the agreeing adjectives and participles ("Paziente di anni 45, obeso ...
# ricoverato", "Il paziente all'ammissione") give the sex of a text with no sex word nor pronoun
# 28: the English honorifics as written before a name ("Mr. A", "Mrs. B", "Ms K."; not "MR" imaging, "MS")
# 29: a legend headed by a patient's number alone ("Patient 1. Axial CT image ... in a 45-year-old man shows ...")
# gives that patient its one descriptor, and the sex and age in brackets after the number ("Patient 3 (male, 38
# years).") are that patient's, when the body gave them none
# 30: a legend's family word names no patient introduced by another ("(mother)" is not "their daughter aged 16
# years", the family word before the age); a legend naming patients in the plural ("Patients 3 and 4 (children).")
# names each, its panels going to the one each describes
# 31: a numbered patient introduced by an apposition opening a sentence inside another numbered patient's paragraph
# ("Patient 3, ... (Fig. 3a). Patient 4, the 11-year-old son, was ...") takes his sentences from that paragraph
# 32: a family's gathering or event ("after a family gathering", "a family wedding") names no relative
# 33: a relative numbered by their relation to another numbered patient ("The brother of patient 1 (patient 4), who
# lived with the couple, ...") is introduced by those words (was no text: the index patient's paragraph)
# 34: backfill: a case address titling its patient by age and sex ("/case-004-41-year-old-male-21"), notes silent
# 35: a single-case report's abstract introducing one person ("We report the case of a man in his fifties") gives the
# sex its body leaves blank (papers.``_patient_from_abstract``; not beside a relative, people in general, or a pronoun
# of the body saying otherwise)
# 36: a patient line that is only the person's relation in a family's post ("moglie", "Padre", "husband": the SIRM
# split's label of each person, ``sirm._person_records``) gives that person's sex
# 37: the Spanish verb "son" ("son compatibles con") names no relative
# 38: a relative's part opening with the relation, the age in an apposition ("His mother, a 38-year-old primary
# school teacher, ...") introduces that patient (patients.``_relatives_by_apposition``)
# 39: a legend's panel naming its patient by the person's word of the introduction ("a The boy: ... b The mother:
# ...": "A 7-year-old boy") goes to that patient (patients.``_named_by_person_word``; was the mother's whole)
# 40: health care workers named by a letter ("Nurse A", "nurse B") are the paper's patients (not the index patient)
# 41: a figure's panel cited ("[Figure 1F]") is no "1F" shorthand; a numbered patient told by relation with the age
# as predicate ("Patient 2, the wife of patient 1, is 38 years old") is introduced there (was "Their 12-year-old son")
SEX_VERSION = 41
# 3: a number and F before a device ("8F multi-hole drainages") is a French gauge, not the shorthand "56F";
# "Housewife, 62 years": an age after the patient's occupation. 4: the shorthand as sex reads it ("65 yo M"; not
# "101.5F", "100F"). 5: Portuguese "39 anos"; a time ago ("hace 12 años", "há 10 anos") is no age. 6: the age of a
# relative who is the patient ("Patient 2: his wife, 59 years old"). 7: the Italian abbreviation "donna, 80aa".
# 8: an age in English words ("Seventy-one-year-old woman"). 9: the patient line without its comma or with
# "yrs" ("Male 45 years", "45 yrs male", "Female, 70 yrs"); "20 years older" is no age.
# 10: Russian "Пациентка Н., 67 лет", "54-летний", Turkish "54 yaşında", Chinese "54岁"
# 11: as SEX_VERSION 17 ("Case 2. Her husband, aged 41, ...": his age)
# 12: as SEX_VERSION 18 ("Patient 2, his daughter, a 44-year-old woman")
# 13: the age in commas after an honorific and a name or initials ("Mr. R, 52, a farmer")
# 14: as SEX_VERSION 22 ("Patient A" / "Patient B")
# 15: as SEX_VERSION 23 ("The index patient, a man aged 45" with the legend's "Case 1 (index patient)")
# 16: as SEX_VERSION 24 ("A 58-year-old man (patient 7 in Table 2)" in a cohort's legend)
# 17: as SEX_VERSION 25 ("His father (patient 4), aged 74 years, ...": his age, in his case)
# 18: the Italian age adjective of digits and "-enne" ("Uomo 86enne", "una 45-enne"); "ultraottantenne" stays no age
# 19: an infant "aged 3 months" / "aged 3 weeks" / "aged 10 days" is that fraction of a year (was 3 or 10 years: the
#     "aged N" pattern read the number alone); the patients' apposition ("His father (patient 4), aged 74 years")
#     is read by normalize_age (patients.py had its own pattern)
# 20: as SEX_VERSION 29 ("Patient 1. ... in a 45-year-old man", "Patient 3 (male, 38 years)" in a series' legends)
# 21: as SEX_VERSION 30; and a relative's age right after the family word opening the patient's text ("Patient 3,
#     their daughter aged 16 years, ...")
# 22: as SEX_VERSION 31 ("Patient 4, the 11-year-old son, ..." inside patient 3's paragraph: her age her own)
# 23: a Radiopaedia study of the patient's own of years before the illness, told normal, has no age (the Patient
#     Data age is the age at the illness), as SIRM's and Eurorad's earlier films
# 24: as SEX_VERSION 32 (a family's gathering names no relative)
# 25: as SEX_VERSION 33 ("The brother of patient 1 (patient 4)": his words, the table's age)
# 26: as SEX_VERSION 34 (the abstract's one descriptor, "a 57-year-old man", where the body tells no age)
# 27: as SEX_VERSION 37 (the Spanish "son" no relative)
# 28: as SEX_VERSION 40 (health care workers named by a letter)
# 29: as SEX_VERSION 41 ("[Figure 1F]" no age 1; "Patient 2, the wife of patient 1, is 38 years old": 38)
AGE_VERSION = 29

# A label followed by a value: "Gender: Female", "Sex: M", "sesso: maschile", "Geschlecht: weiblich".
_SEX_LABEL = compile(
    r"\b(?:gender|sex|sesso|sexo|sexe|geschlecht)\s*[:=]\s*"
    r"(male|female|man|woman|m|f|maschile|femminile|maschio|femmina|masculino|femenino|hombre|mujer|"
    r"masculin|féminin|homme|femme|männlich|weiblich|mann|frau)\b",
    re.IGNORECASE,
)
#: Italian family words, masculine and feminine: sex words (``_SEX_WORD``) and relation words.
_RELATIVES_IT_M = ("marito", "figlio", "padre", "fratello", "nonno")
_RELATIVES_IT_F = ("moglie", "figlia", "madre", "sorella", "nonna")
_RELATION_WORDS_IT = (*_RELATIVES_IT_M, *_RELATIVES_IT_F)
_MALE_WORDS = (
    r"male|man|gentleman|businessman|boy|husband|son|father|brother|grandfather|"
    r"maschio|uomo|signore|sesso\s+maschile|bambino|ragazzo|" + "|".join(_RELATIVES_IT_M) + "|"
    r"hombre|var[oó]n|masculino|sexo\s+masculino|homem|"
    r"homme|masculin|"
    r"Mann|männlich|Patient(?!in)(?=\s+(?:mit|von|im|aus))|"
    # Russian "мужчина" (a man: the grammatical "пациент" alone is also the word for a patient of either sex)
    r"мужчин[аыуе]|"
    # the English honorifics, as written (not "MR" imaging, "MS" sclerosis): "Mr. A, a 54-year-old ..."
    r"(?-i:Mr)(?=\.?\s+[A-Z])"
)
_FEMALE_WORDS = (
    r"female|woman|women|lady|businesswoman|housewife|girl|wife|daughter|mother|sister|grandmother|"
    r"femmina|donna|signora|sesso\s+femminile|la\s+paziente|bambina|ragazza|" + "|".join(_RELATIVES_IT_F) + "|"
    r"mujer|femenin[oa]|sexo\s+femenino|mulher|feminin[oa]|sexo\s+feminino|"
    r"femme|féminin|"
    r"Frau|weiblich|Patientin|"
    # Russian "женщина", "пациентка" (the feminine of "пациент")
    r"женщин[аыуе]|пациентк[аиуе]|"
    r"(?-i:Mrs|Ms|Miss)(?=\.?\s+[A-Z])"
)
_SEX_WORD = compile(rf"\b(?:(?P<m>{_MALE_WORDS})|(?P<f>{_FEMALE_WORDS}))\b", re.IGNORECASE)
_SEX_WORD = gate(_SEX_WORD, "[mgbushvpfwldrnмжп]")  # the first letters of the words
# Chinese case lines write the sex as one character before the age: "患者，男，54岁", "患者男，47岁", "女，61岁" (not a
# relative's: "其女，30岁" is his daughter)
_SEX_BEFORE_AGE_ZH = compile(r"(?<![其之子儿孙])(男|女)\s*[，,、]?\s*(?=\d{1,3}\s*岁)")
# "84M with COPD", "44M untreated": the clinician's shorthand of age and sex. A number and F before a
# device ("two 8F multi-hole drainages", "a 14 F chest tube", "12F pigtail catheter") is the device's
# French gauge, the way catheters, drains and sheaths are sized, not a woman's age.
_FRENCH_GAUGE_AFTER = (r"(?!\s*(?:[\w-]+\s+){0,2}(?:catheters?|drains?|drainages?|tubes?|sheaths?|cannulas?|cannulae|"
                       r"introducers?|stents?|pigtails?|needles?|trocars?)\b)")
# With the age's unit between them: "65 yo M", "72 y/o F". Not the decimals of a number ("38.5F") nor a
# body temperature in Fahrenheit ("Tmax 101F", "100.4F"): no age of 93-119 is written that way.
AGE_SEX_SHORTHAND_SOURCE = (r"(?<![\d.,·])\b(?!(?:9[3-9]|1[01]\d)\s?F\b)(\d{1,3})\s?(?:(?:yo|y/o|y\.o\.)\s?)?"
                            r"(?P<s>M|F)\b(?![-/.]\w)" + _FRENCH_GAUGE_AFTER)
# a match starts at its age's digits (gate() in common: the scan tests one character where it tried
# the look-behind, the boundary and the look-ahead at every position; sex and age both scan every note)
_AGE_SEX_SHORTHAND = gate(compile(AGE_SEX_SHORTHAND_SOURCE), r"\d")


#: A figure's citation right before a number and a letter: "[Figure 1F]", "(Fig. 2M)", "(Figures 1E and 1F)",
#: "Figure 1D-1F": the panel F of a figure, no woman's age ("1F" read as a 1-year-old woman).
_FIGURE_CITED_BEFORE = re.compile(
    r"\b(?:fig(?:ure)?s?|panels?)\.?\s*(?:S?\d{1,2}[A-Za-z]?\s*(?:,|and|&|-|–|to)?\s*)*$", re.IGNORECASE)


@lru_cache(maxsize=4096)
def _shorthands(text: str) -> tuple[re.Match[str], ...]:
    """``_AGE_SEX_SHORTHAND``'s matches in ``text``, found once: the sex and the age read the same note; not a
    figure's panel cited ("[Figure 1F]")."""
    return tuple(m for m in _AGE_SEX_SHORTHAND.finditer(text)
                 if not _FIGURE_CITED_BEFORE.search(text, max(0, m.start() - 40), m.start()))


_IT_MALE_ARTICLE = compile(r"\b(?:il|del|al|dal)\s+paziente\b", re.IGNORECASE)
# A sex word that describes someone else: "his mother, a 60-year-old woman", "her husband's".
_POSSESSIVE_BEFORE = compile(
    r"\b(?:his|her|their|whose|my|patient's|suo|sua|di\s+lei|di\s+lui)\s+(?:\w+\s+){0,2}$", re.IGNORECASE
)
# A relative the patient's possessive introduces with an age ("Her 7-year-old son had a positive test"): someone
# else, unless the words open the text (a patient's own section: "His 59-year-old wife developed a sore throat").
_POSSESSIVE_AGE_BEFORE = compile(
    r"\b(?:his|her|their|whose|my|patient's)\s+\d{1,3}[\s-]*(?:years?|yrs?|y)[\s-]*old[\s-]*$", re.IGNORECASE
)
#: The words between a possessive pronoun and the relative it names ("his wife", "her 3-year-old son").
_AGE_GAP = compile(r"\s*(?:\d{1,3}[\s-]*years?[\s-]*old\s+)?", re.IGNORECASE)
_WORDS_ABOUT_OTHERS = compile(r"\b(?:contact|contacts|exposed|cohabit\w*|living\s+with|lives\s+with)\b", re.IGNORECASE)
#: A sex word before the newborn it qualifies ("A healthy male baby weighing 1.7 kg was delivered", "a female
#: neonate"): the child's sex, in a text telling the patient's pregnancy or delivery (below; not a newborn
#: patient's own "born at 32 weeks of gestation").
_NEWBORN_AFTER = compile(r"\s+(?:(?:infant|baby|newborn|neonate|fetus|foetus)\b|child\s+was\s+(?:born|delivered))",
                         re.IGNORECASE)
_DELIVERY = compile(r"\b(?:delivered|c(?:a)?esarean|pregnan\w*|primigravida|multigravida|gave\s+birth)\b",
                    re.IGNORECASE)


#: Token gates: the lower-case words without one of which the label (word) pattern cannot match.
_SEX_LABEL_TOKENS = frozenset({"gender", "sex", "sesso", "sexo", "sexe", "geschlecht"})
_SEX_WORD_TOKENS = frozenset(
    ["male", "man", "gentleman", "businessman", "boy", "husband", "son", "father", "brother", "grandfather",
     "maschio", "uomo", "signore", "maschile", "bambino", "ragazzo", *_RELATION_WORDS_IT,
     "hombre", "varon", "varón", "masculino", "homem", "homme", "masculin", "mann",
     "männlich",
     "patient", "female", "woman", "women", "lady", "businesswoman", "housewife", "girl", "wife", "daughter",
     "mother", "sister", "grandmother", "mr", "mrs", "ms", "miss",
     "femmina", "donna", "signora", "femminile", "bambina", "ragazza",
     "paziente", "mujer", "femenino", "femenina", "mulher", "feminino", "feminina", "femme", "féminin",
     "frau", "weiblich", "patientin",
     "мужчина", "мужчины", "мужчину", "мужчине", "женщина", "женщины", "женщину", "женщине",
     "пациентка", "пациентки", "пациентку", "пациентке"]
)
_MALE_PRONOUN_TOKENS = frozenset({"he", "him", "his", "himself"})
_FEMALE_PRONOUN_TOKENS = frozenset({"she", "her", "hers", "herself"})
_IT_ARTICLE_TOKENS = frozenset({"paziente"})


def _patient_sex_words(text: str) -> list[tuple[str, int, int, str]]:
    hits = []
    words = text_context(text).words
    for m in (_SEX_LABEL.finditer(text) if words & _SEX_LABEL_TOKENS else ()):
        word = m.group(1).lower()
        sex = MALE if word in {"male", "man", "m", "maschile", "maschio", "masculino", "hombre", "masculin", "homme",
                               "männlich", "mann"} else FEMALE
        hits.append((sex, m.start(), m.end(), "sex.label"))
    labelled = {(s, e) for _, s, e, _ in hits}
    for m in (_SEX_WORD.finditer(text) if words & _SEX_WORD_TOKENS else ()):
        if any(s <= m.start() < e for s, e in labelled):
            continue
        before = text[max(0, m.start() - 40):m.start()]
        if _POSSESSIVE_BEFORE.search(before) and not only_the_patients(text, m.start(), m.end()) \
                and not _relative_opening_the_text(text, m):
            continue
        possessive = _POSSESSIVE_AGE_BEFORE.search(before) if m.group(0).lower() in _RELATION_WORDS else None
        if possessive and text[:m.start() - len(before) + possessive.start()].strip() and \
                not only_the_patients(text, m.start(), m.end()):
            continue
        if _NEWBORN_AFTER.match(text, m.end()) and _DELIVERY.search(text):
            continue  # the baby's sex: "a healthy male baby ... was delivered"
        c_start, _ = clause_at(text, m.start())
        lead = text[c_start:m.start()]
        if (OTHER_PERSON.search(lead) and not only_the_patients(text, c_start, m.start())) or \
                _WORDS_ABOUT_OTHERS.search(lead):
            continue  # "the wife of a patient, a woman": someone else; not "Patient 2, his daughter, a woman"
        introduced = _AGE_BEFORE.search(text, max(c_start, m.start() - 30), m.start()) is not None or \
            _AGE_AFTER.match(text, m.end()) is not None or \
            (m.group(0).lower() in _RELATION_WORDS and _TEXT_OPENING.fullmatch(text, 0, m.start()) is not None
             and _AGE_AFTER_IT.match(text, m.end()) is not None)
        if m.group(0).lower() in _RELATION_WORDS and not introduced:
            continue  # "found unresponsive by wife": a relative; "his 59-year-old wife" introduces a patient
        hits.append((MALE if m.group("m") else FEMALE, m.start(), m.end(),
                     "sex.introduction" if introduced else "sex.words"))
    for m in _shorthands(text):
        hits.append((MALE if m.group("s") == "M" else FEMALE, m.start(), m.end(), "sex.shorthand"))
    for m in (_SEX_BEFORE_AGE_ZH.finditer(text) if "岁" in text else ()):
        hits.append((MALE if m.group(1) == "男" else FEMALE, m.start(), m.end(), "sex.shorthand"))
    return sorted(hits, key=lambda h: h[1])


#: A possessive and nothing else before a relation word at the text's head ("His mother, a 38-year-old teacher").
_POSSESSIVE_OPENING = compile(r"\W*(?:his|her|their)\s+", re.IGNORECASE)


def _relative_opening_the_text(text: str, m: re.Match[str]) -> bool:
    """A relation word the text opens with after a possessive, its age in an apposition right after it ("His
    mother, a 38-year-old primary school teacher, reported ...", "Her husband, 45 years old, ..."): the patient a
    relative's own part introduces, as "His 59-year-old wife developed ..." opening the text does."""
    return (m.group(0).lower() in _RELATION_WORDS and _POSSESSIVE_OPENING.fullmatch(text, 0, m.start()) is not None
            and _AGE_AFTER.match(text, m.end()) is not None)


#: Groups of an exposure history ("he had contacts with people from the red zone", "contact with
#: infected persons"): no "he" or "she" names them, so they leave the patient's pronouns his or hers.
_PLURAL_ONLY_OTHERS = frozenset({"people", "persons", "contacts"})


def _others_a_pronoun_may_name(text: str, pronoun_sex: str) -> bool:
    """Whether the text names someone other than the patient whom a singular pronoun of this sex may name
    (a relative, other patients or cases), not only groups of an exposure history. A relative whose word
    tells the other sex ("His wife had tested positive ... He was admitted") is no one "he" may name."""
    for m in OTHER_PERSON.finditer(text):
        word = m.group(0).lower()
        if word in _PLURAL_ONLY_OTHERS or cared_for(text, m.start()) or (
                word in _GROUP_RELATIVES and _OWNED_BY[pronoun_sex].search(text, max(0, m.start() - 60), m.start())):
            continue
        word = _SEX_WORD.fullmatch(m.group(0))
        if word is None or (MALE if word.group("m") else FEMALE) == pronoun_sex:
            return True
    # a pronoun besides the relatives' possessives must name someone ("Her husband was admitted": the note may
    # be the husband's; "... Her husband had been admitted. She was dyspnoeic": she is the patient)
    pronouns = MALE_PRONOUNS if pronoun_sex == MALE else FEMALE_PRONOUNS
    return not any(RELATIVE.match(text, _AGE_GAP.match(text, m.end()).end()) is None for m in pronouns.finditer(text))


#: Family words: a patient's sex only when they introduce the patient with an age.
_RELATION_WORDS = frozenset({"husband", "son", "father", "brother", "grandfather", "wife", "daughter", "mother",
                             "sister", "grandmother", *_RELATION_WORDS_IT})
#: Relatives named as a group ("children", "parents", "family"), whom no "he" or "she" names, when a possessive of
#: the pronouns' sex introduces them ("Her husband and two children had mild symptoms", "his wife and children"):
#: the possessive says whose they are, so they leave the pronouns the patient's (named again without it, "the
#: children", one of them may be whom a pronoun names: "one of the children ... she"). A single relative of the
#: pronouns' sex or of none told ("His son", "Her mother", "His colleague") may be whom they name: still blank.
_GROUP_RELATIVES = frozenset({"children", "parents", "relatives", "family", "household", "co-workers", "coworkers"})
_RELATIVES_AND = rf"(?:(?:{'|'.join(sorted(_RELATION_WORDS))}|partner|spouse)\s+(?:and|or)\s+)?"
_COUNTED = rf"(?:(?:{NUMBER}|\d{{1,3}}[\s-]*years?[\s-]*old|young|younger|elder|older|adult)[\s-]+){{0,2}}"
_OWNED_BY = {sex: compile(rf"\b{possessive}\s+{_RELATIVES_AND}{_COUNTED}$", re.IGNORECASE)
             for sex, possessive in ((MALE, "his"), (FEMALE, "her"))}

# The age introducing the person a sex word names: "46-year-old female", "a 34 yo man",
# "Women, 69 years old", "Male, 51 years".
_AGE_BEFORE = compile(r"\b\d{1,3}[\s-]*(?:years?|yrs?|y)[\s-]*(?:old|o\b|/o\b)[\s-]*(?:\w+[\s-]+){0,2}$",
                      re.IGNORECASE)
# ("Madre del paziente 1, 41 anni", "mother of patient 1, 41 years": the relative is the post's next patient;
# "wife (patient 2), 43 years old", "daughter (case 3), a 19-year-old student": the relative numbered as a patient)
_AGE_AFTER = compile(
    r"(?:\s+(?:of|del|della|di)\s+(?:the\s+)?(?:first\s+|primo\s+)?(?:patient|paziente)(?:\s+\d{1,2})?"
    r"|\s*\(\s*(?:patient|case)\s*\d{1,2}\s*\))?"
    r"\s*,?\s*(?:(?:aged\s+)?\d{1,3}\s*(?:years?|yrs?|anni|años|anos|y)\b(?!\s+(?:ago|before|after|later|earlier|of))"
    r"|an?\s+\d{1,3}[\s-]+years?[\s-]+old\b"
    # "The husband, aged 66, had fever": "aged" says the number is the age (not months, not a count)
    r"|aged\s+\d{1,3}\b(?![.,]\d|\s*(?:days?|weeks?|months?|mesi)\b))",
    re.IGNORECASE,
)
# The Italian age after the person it introduces, opening the text ("Marito, di anni 62, iperteso", "La moglie di
# 58 anni": a couple's or a family's post gives each its own paragraph): only at the text's head, where the
# relation names the text's patient; further on "Il figlio, di anni 40, è positivo" is someone else's son.
_TEXT_OPENING = compile(r"\W*(?:(?:il|la|lo|l['’]|the)\s*)?", re.IGNORECASE)
_AGE_AFTER_IT = compile(r"\W{0,3}\s*,?\s*di\s+(?:anni\s+\d{1,3}|\d{1,3}\s+anni)\b", re.IGNORECASE)
#: Rules of the words that introduce the patient: they outweigh the other sex words of a note
#: (pronouns a translation got wrong, a relative named without a possessive).
_INTRODUCTIONS = frozenset({"sex.introduction", "sex.shorthand", "sex.label"})


#: A patient line that is only a relation word, as the SIRM split labels each person of a family's post.
_RELATION_LABEL_SEX = {
    **dict.fromkeys(("marito", "padre", "figlio", "fratello", "nonno", "husband", "father", "son", "brother"), MALE),
    **dict.fromkeys(("moglie", "madre", "figlia", "sorella", "nonna", "wife", "mother", "daughter", "sister"), FEMALE)}


@lru_cache(maxsize=8192)
def normalize_sex(text: str, language: str | None = None, **_context) -> Normalized:
    """M or F from words about the patient; pronouns only when all of them agree."""
    relation = _RELATION_LABEL_SEX.get(text.strip().lower())
    if relation is not None:
        return found(relation, text, 0, len(text), "sex.relation_label", SEX_VERSION)
    hits = _patient_sex_words(text)
    introductions = [h for h in hits if h[3] in _INTRODUCTIONS]
    if introductions and len({h[0] for h in introductions}) == 1:
        # the note introduces its patient ("46-year-old female", "84M"): other sex words are
        # about someone else ("her husband (case 14)") or a translation's pronoun
        hits = introductions
    sexes = {h[0] for h in hits}
    if len(sexes) == 1:
        sex, start, end, rule = hits[0]
        return found(sex, text, start, end, rule, SEX_VERSION)
    if len(sexes) > 1:
        f_hit = next(h for h in hits if h[0] == FEMALE)
        m_hit = next(h for h in hits if h[0] == MALE)
        first, last = min(f_hit[1], m_hit[1]), max(f_hit[2], m_hit[2])
        return blank("words of both sexes about the patient", text, first, last, "sex.words", SEX_VERSION)
    words = text_context(text).words
    male = list(MALE_PRONOUNS.finditer(text)) if words & _MALE_PRONOUN_TOKENS else []
    female = list(FEMALE_PRONOUNS.finditer(text)) if words & _FEMALE_PRONOUN_TOKENS else []
    if not male and not female:
        # an Italian text tells the sex by its grammar: "il paziente", "ricoverato", "dimessa" (a text with no
        # pronoun never reached a value with the article alone: no English pronoun named the patient)
        agreement = _sex_by_agreement(text, words)
        if agreement.value is not None:
            return agreement
    elif language == "it" and words & _IT_ARTICLE_TOKENS:
        male += list(_IT_MALE_ARTICLE.finditer(text))
    if male and female:
        first = min(male[0].start(), female[0].start())
        return blank("pronouns of both sexes: the text is about several people", text, first,
                     max(male[0].end(), female[0].end()), "sex.pronouns", SEX_VERSION)
    others = _others_a_pronoun_may_name(text, MALE if male else FEMALE) if male or female else False
    if male and not others:
        return found(MALE, text, male[0].start(), male[0].end(), "sex.pronouns", SEX_VERSION)
    if female and not others:
        return found(FEMALE, text, female[0].start(), female[0].end(), "sex.pronouns", SEX_VERSION)
    if male or female:
        hit = (male or female)[0]
        return blank("pronoun in a text that also mentions other people", text, hit.start(), hit.end(),
                     "sex.pronouns", SEX_VERSION)
    return _sex_of_organs(text, words)


# An organ or a state only one sex has: a history that names no sex word and no pronoun still says the
# patient's sex when it tells "carcinoma of the cervix", "ovarian cancer", "30 weeks pregnant", "benign
# prostatic hyperplasia". Not "cervical" (the neck's vertebrae and lymph nodes) nor "gestation" (a newborn's
# "born at 32 weeks of gestation"); a text naming anyone else (a mother's pregnancy, a husband's prostate)
# leaves it blank.
_FEMALE_ORGAN_TOKENS = frozenset({"pregnant", "pregnancy", "postpartum", "puerperal", "puerperium", "uterus",
                                  "uterine", "ovary", "ovaries", "ovarian", "endometrial", "endometrium",
                                  "hysterectomy", "caesarean", "cesarean", "cervix", "incinta", "gravidanza",
                                  "partum"})
_MALE_ORGAN_TOKENS = frozenset({"prostate", "prostatic", "prostatectomy", "testis", "testes", "testicular",
                                "scrotal", "scrotum"})
_SEX_ORGAN = compile(
    r"\b(?:(?P<f>pregnant|pregnancy|post-?partum|puerper(?:al|ium)|uter(?:us|ine)|ovar(?:y|ies|ian)|"
    r"endometri(?:al|um)|hysterectomy|c(?:a)?esarean|cervix|incinta|gravidanza)|"
    r"(?P<m>prostat(?:e|ic|ectomy)|test(?:is|es|icular)|scrot(?:al|um)))\b",
    re.IGNORECASE)


# Italian writes "paziente" for either sex and tells it by the article and by the adjectives and participles that
# agree with the patient: "Paziente di anni 45, obeso, ... Viene ricoverato ... Dimesso in 14a giornata", "Il
# paziente all'ammissione ..." (docs/site-notes.md §3.3: "Paziente di anni 53" then "Il paziente", M). Only words
# that agree with a person (a stay, a condition), not with an exam or a test ("RX eseguito", "tampone positivo"),
# all of one gender, in a text naming no one else (a relative "ricoverato" too is someone else's stay).
_AGREEMENT_TOKENS = frozenset(
    ["paziente", "obeso", "obesa", "iperteso", "ipertesa", "cardiopatico", "cardiopatica", "ricoverato",
     "ricoverata", "dimesso", "dimessa", "trasferito", "trasferita", "intubato", "intubata", "estubato",
     "estubata", "deceduto", "deceduta", "fumatore", "fumatrice", "allettato", "allettata"])
_AGREEMENT_IT = compile(
    r"\b(?:(?P<article>(?:il|del|al|dal|nel|sul)\s+paziente)|(?:obes|ipertes|cardiopatic|ricoverat|dimess|trasferit|"
    r"intubat|estubat|decedut|allettat)(?:(?P<m>o)|(?P<f>a))|fumat(?:(?P<m2>ore)|(?P<f2>rice)))\b",
    re.IGNORECASE)


def _sex_by_agreement(text: str, words: frozenset[str]) -> Normalized:
    """M or F from the Italian article and agreement about the patient (above); blank when the words
    disagree or the text names another person."""
    if not words & _AGREEMENT_TOKENS:
        return Normalized(None)
    hits = list(_AGREEMENT_IT.finditer(text))
    sexes = {FEMALE if (m.group("f") or m.group("f2")) else MALE for m in hits}
    if len(sexes) != 1 or OTHER_PERSON.search(text):
        return Normalized(None)
    return found(sexes.pop(), text, hits[0].start(), hits[0].end(), "sex.agreement", SEX_VERSION)


def _sex_of_organs(text: str, words: frozenset[str]) -> Normalized:
    """The sex an organ or a state of the patient's implies (above); blank when the text names
    organs of both sexes or another person."""
    if not (words & _FEMALE_ORGAN_TOKENS or words & _MALE_ORGAN_TOKENS):
        return Normalized(None)
    hits = list(_SEX_ORGAN.finditer(text))
    sexes = {FEMALE if m.group("f") else MALE for m in hits}
    if len(sexes) != 1 or OTHER_PERSON.search(text):
        return Normalized(None)
    return found(sexes.pop(), text, hits[0].start(), hits[0].end(), "sex.organ", SEX_VERSION)


# --- Age -----------------------------------------------------------------------------------------

_N = r"(\d{1,3}(?:[.,]\d)?)"
_YEARS = r"(?:years?|yrs?|anni|años|anos|ans|Jahre|jährige[rn]?|y)"
# (gate(..., r"\d"): a pattern whose match starts at its age's digits tests one character where it tried
# the word boundary and the alternatives at every position)
_AGE_PATTERNS: tuple[tuple[re.Pattern[str], str, float, tuple[str, ...] | None], ...] = (
    # "Age: 30 years", "Età: 65", "Edad: 40 años", "Alter: 70"
    (gate(compile(rf"\b(?:age|età|eta|edad|âge|alter)\s*[:=]\s*{_N}(?:\s*{_YEARS})?\b", re.IGNORECASE), "[aeâ]"),
     "age.label", 1, ("age", "età", "eta", "edad", "âge", "alter",)),
    # "65-year-old", "65 year old", "65 yo", "65 y/o", "65-yr-old", "67-years-old" (not "20 years older")
    (gate(compile(rf"\b{_N}[\s-]*(?:years?|yrs?|y)[\s-]*(?:old\b|o\b|/o\b|\.o\.)", re.IGNORECASE), r"\d"),
     "age.year-old", 1, ("old", "yo", "y o", "y/o", "y.o", "y-o", "r o", "r-o", "s o", "s-o", "yr",)),
    # the age in English words: "Seventy-one-year-old woman", "a five-year-old boy"
    # (gated on the first letters of the number words: most notes say "old", and the words'
    # alternation was tried at every word of them)
    (gate(compile(rf"\b({ENGLISH_NUMBER})[\s-]+years?[\s-]+old\b", re.IGNORECASE), "[tfseno]"),
     "age.year-old-words", 1, ("old",)),
    # "aged 65", "age 65", "di anni 53", "di 65 anni", "65 anni", "65 años", "65 anos", "65 ans", "65 Jahre",
    # "65-jährige", the Italian notes' abbreviation "donna, 80aa", "80 aa." (not "2 aa fa": a time ago)
    # (not a time ago: "hace 10 años", "há 10 anos")
    # (an infant's "aged 3 months", "aged 10 days" is no age in years: the months' and days' patterns read it)
    (gate(compile(rf"\b(?:aged|age|di\s+anni|de\s+edad)\s+{_N}\b(?!\s*(?:days?|weeks?|months?)\b)", re.IGNORECASE),
          "[ad]"),
     "age.aged", 1, ("age", "anni", "edad",)),
    (gate(compile(rf"(?<!\bhace\s)(?<!\bh[aá]\s)(?<!\bhavia\s)\b{_N}[\s-]*"
                  r"(?:anni|aa\b(?!\.?\s*fa\b)|años|anos|ans|Jahre\s+alt|jährige[rn]?)\b",
                  re.IGNORECASE), r"\d"),
     "age.words", 1, ("anni", "aa", "años", "anos", "ans", "jahre", "jährig",)),
    # Russian "Пациентка Н., 67 лет", "мужчина 54 лет", "54-летний мужчина" (a number of "лет" alone is also a
    # duration: "курит 30 лет"), Turkish "54 yaşında", Chinese "54岁" (not "岁时": at the age of, in a history)
    (gate(compile(r"\b(?:пациент\w*|больн\w*|мужчин\w*|женщин\w*)\s+(?:[А-ЯЁ]\.\s*)*,?\s*(\d{1,3})\s+(?:лет|года?)\b",
                  re.IGNORECASE), "[пбмж]"), "age.words", 1, ("лет", "год")),
    (gate(compile(r"\b(\d{1,3})\s*-?\s*летн(?:ий|яя|его|ей|юю|ему|ем|ие|их)\b", re.IGNORECASE), r"\d"),
     "age.words", 1, ("летн",)),
    (gate(compile(r"\b(\d{1,3})\s+yaşında\b", re.IGNORECASE), r"\d"), "age.words", 1, ("yaşında",)),
    # the Italian age adjective written with digits: "Uomo 86enne", "paziente 72enne", "una 45-enne" (the words
    # of a decade, "ultraottantenne", "settantenne", are no age in years)
    (gate(compile(r"\b(\d{1,3})\s?-?\s?enne\b", re.IGNORECASE), r"\d"), "age.words", 1, ("enne",)),
    (gate(compile(r"(?<!\d)(\d{1,3})\s*岁(?!时)"), r"\d"), "age.words", 1, ("岁",)),
    # Eurorad's patient line "34 years, male", SIRM translations "Patient of 53 years", "Male, 51 years"; the
    # same lines as quick notes write them: "45 yrs male", "Male 45 years", "Female, 70 yrs" (not a time
    # after the sex word: "a man 30 years ago", "the woman 5 years earlier")
    (gate(compile(rf"\b{_N}\s*(?:years?|yrs?\.?)\s*,?\s*(?:male|female|man|woman)\b", re.IGNORECASE), r"\d"),
     "age.patient-line", 1, ("year", "yr")),
    (gate(compile(rf"\b(?:patient|man|woman|male|female|boy|girl)\s*(?:of|,)\s*{_N}\s*(?:years?|yrs?)\b"
                  r"(?!\s+(?:ago|before|after|later|history|of|older|younger)\b)", re.IGNORECASE), "[pmwfbg]"),
     "age.patient-line", 1, ("year", "yr")),
    (gate(compile(rf"\b(?:man|woman|male|female)\s+{_N}\s*(?:years?|yrs?)\b"
                  r"(?!\s+(?:ago|before|after|later|earlier|prior|previously|since|history|of|older|younger)\b)",
                  re.IGNORECASE), "[mwf]"),
     "age.patient-line", 1, ("year", "yr")),
    # the note opening with the patient's occupation in place of a sex word, then the age, as
    # translated case-society notes write their patient line: "Housewife, 62 years, fever for 5
    # days", "Retired teacher, 70 years." Only the text's first clause, and only a noun of a person
    # (teacher, pensioner, housewife, journalist, employee...): a habit or a disease then years
    # ("Smoker, 30 years", "Asthma, 10 years") is how long it has lasted
    (compile(rf"^\s*(?:[A-Z][a-z]+\s)?(?!(?:smoker|drinker|fever|cancer|ulcer|tumou?r|disorder)\b)"
             rf"[A-Za-z]*(?:er|or|ist|ian|wife|man|woman|ee|nurse)\s*,\s*{_N}\s*years?(?:\s+old)?"
             r"(?=\s*(?:[,.;:]|$))", re.IGNORECASE),
     "age.occupation-line", 1, ("year",)),
    # the patient named by an honorific and a name or initials, the age in commas after it, as Indian and
    # other authors open a case: "Mr. R, 52, a farmer", "Mrs. S.K., 45 years, a housewife", "Mr X, 60, presented"
    (compile(rf"\b(?:Mr|Mrs|Ms|Miss|Shri|Smt|Sri)\.?\s+(?:[A-Z][\w'-]*\.?\s*){{1,3}},\s*{_N}"
             r"(?:\s*(?:years?(?:\s+old)?|yrs?\.?))?(?=\s*[,;)]|\s+(?:was|is|who|presented|came)\b)"),
     "age.honorific", 1, ("mr", "mrs", "ms", "miss", "shri", "smt", "sri")),
    # months and days: pediatric, kept as a fraction of a year
    (gate(compile(rf"\b{_N}[\s-]*(?:months?|mesi|meses|mois|Monate)[\s-]*(?:old|di\s+vita|de\s+edad)?"
                  r"(?=[\s,.;-]*(?:old|infant|baby|boy|girl|child|male|female|neonat|bambin|lattante)|[\s-]*old)",
                  re.IGNORECASE), r"\d"),
     "age.months", 12, ("month", "mes", "mois", "monate",)),
    (gate(compile(rf"\b{_N}[\s-]*(?:days?|giorni|días|jours|Tage)[\s-]*old\b", re.IGNORECASE), r"\d"),
     "age.days", 365.25, ("old",)),
    (gate(compile(rf"\bag(?:ed|e)\s+{_N}\s*months?\b", re.IGNORECASE), "a"), "age.months", 12, ("age",)),
    (gate(compile(rf"\bag(?:ed|e)\s+{_N}\s*weeks?\b", re.IGNORECASE), "a"), "age.weeks", 52.18, ("age",)),
    (gate(compile(rf"\bag(?:ed|e)\s+{_N}\s*days?\b", re.IGNORECASE), "a"), "age.days", 365.25, ("age",)),
    # "84M with COPD"
    (_AGE_SEX_SHORTHAND, "age.shorthand", 1, None),
)
_VAGUE_AGE = compile(
    r"\b(?:in\s+(?:his|her|their)\s+(?:early\s+|mid\s+|late\s+)?(?:twenties|thirties|forties|fifties|sixties|seventies|eighties|nineties|\d0s)|"
    r"elderly|middle[- ]aged|young|older|anziano|anziana|giovane|retirement[- ]aged|\d0s)\b",
    re.IGNORECASE,
)
_AGE_RANGE = compile(r"\b\d{1,3}\s*(?:-|–|to)\s*\d{1,3}\s*(?:age\s+range|years)", re.IGNORECASE)
# the characters a match can start with (gate() in common): age scans every note with both
_AGE_RANGE = gate(_AGE_RANGE, r"\d")
_VAGUE_AGE = gate(_VAGUE_AGE, r"[iemyoagr\d]")


#: The whole text is an age in years, as a site's structured age field gives it.
_STRUCTURED_AGE = compile(r"\s*(\d{1,3})\s*(?:years?|yrs?\.?|y|anni|años|ans|jahre)?\s*", re.I)


@lru_cache(maxsize=8192)
def normalize_age(text: str, **_context) -> Normalized:
    """Age in years (a fraction for months/days, flagged pediatric under 18). Several different
    ages, an age range or a vague age ("in his sixties", "elderly") leave it blank."""
    structured = _STRUCTURED_AGE.fullmatch(text)
    if structured:
        # a site's own "Age" field ("34 years", "51"): the whole text is the patient's age
        value = float(structured.group(1))
        if 0 < value <= 120:
            flags = ("pediatric",) if value < ADULT_AGE else ()
            return found(value, text, structured.start(1), structured.end(), "age.structured", AGE_VERSION, flags)
    hits: list[tuple[float, int, int, str]] = []
    taken: list[tuple[int, int]] = []
    low = text_context(text).lower
    for pattern, rule, divisor, keys in _AGE_PATTERNS:
        if keys is not None and not has_any(low, keys):
            continue
        for m in (_shorthands(text) if pattern is _AGE_SEX_SHORTHAND else pattern.finditer(text)):
            if any(s <= m.start(1) < e for s, e in taken):
                continue
            c_start, _ = clause_at(text, m.start())
            about_other = (OTHER_PERSON.search(text[c_start:m.start()])
                           or _POSSESSIVE_BEFORE.search(text[max(0, m.start() - 30):m.start()]))
            if about_other and not only_the_patients(text, c_start, m.start()):
                continue
            digits = m.group(1)[0].isdigit()
            number = float(m.group(1).replace(",", ".")) if digits else float(english_number(m.group(1)) or 0)
            value = round(number / divisor, 2) if divisor != 1 else number
            if not (0 < value <= 120):
                continue
            hits.append((value, m.start(), m.end(), rule))
            taken.append((m.start(1), m.end(1)))
    range_match = _AGE_RANGE.search(text)
    if range_match and not hits:
        return blank("an age range, not one patient's age", text, range_match.start(), range_match.end(),
                     "age.range", AGE_VERSION)
    values = {h[0] for h in hits}
    if len(values) > 1:
        hits.sort(key=lambda h: h[1])
        return blank("several different ages in the text", text, hits[0][1], hits[-1][2], hits[0][3], AGE_VERSION)
    if hits:
        hits.sort(key=lambda h: h[1])
        value, start, end, rule = hits[0]
        flags = ("pediatric",) if value < ADULT_AGE else ()
        return found(value, text, start, end, rule, AGE_VERSION, flags)
    vague = _VAGUE_AGE.search(text)
    if vague:
        return blank("age given only vaguely", text, vague.start(), vague.end(), "age.vague", AGE_VERSION)
    return Normalized(None)
