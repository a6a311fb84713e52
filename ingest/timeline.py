"""A case's timeline: the moments its texts give, on one axis, and each image's offset on it.

The dataset's ``offset`` counts days from the onset of symptoms, or from hospitalisation when the
text does not give the onset (the dataset's SCHEMA.md; "after a few days" is 5 days). A case's texts put its
moments on different scales: the history gives the onset ("four-day history of cough"), a study
label counts from the first film ("Day 0", "Day 7"), a caption counts from admission ("12 days
after admission") or from the previous film ("2 weeks later"). ``case_timeline`` reads them all
and places every image on the one axis:

- the **anchor** is the onset of symptoms when the history says how long before admission they
  began (the admission is then day G), else hospitalisation (admission is day 0);
- each image's **own** moment (its study label, caption, filename day label, date text; never
  another image's words) is placed on that axis: "on admission" is day G; "N days after
  admission" G + N; "day N of illness" N; "N days later" the previous image's day + N; a bare
  "day N" label G + N when the case's labels count from admission (a "day 0" among them, or the
  first film is labelled with the admission's day N = G, then it counts from the onset), N when
  the case gives no onset, and blank otherwise, because the label may count from either; a label
  and a caption giving the same day ("day12", "12 days after admission") take the caption's base;
- a case with one image and a history of G days: that image is the presenting film (day G); so is
  the first exam whose words tell no moment when the next exam counts from it ("Same day", "1 month
  later"), and the first, earliest film of films dated only (study labels "14 Mar 2020") when the
  history dates neither the onset nor the admission.

Everything here is pure. Every offset carries its evidence (the anchor's span and the event's span,
joined by ``EVIDENCE_JOIN``) and its rule, or, blank, the reason.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from functools import lru_cache
from itertools import chain

from .normalize.common import (
    NUMBER,
    NUMBER_LIKE,
    ORDINAL_NUMBERS,
    ORDINALS_EN,
    ORDINALS_ES,
    ORDINALS_IT,
    ORDINALS_PT,
    OTHER_PERSON,
    ROMAN_NUMBERS,
    ROMAN_NUMERALS,
    FastPattern,
    about_other_person,
    clause_at,
    fast_init,
    finditer_near,
    gate,
    has_any,
    only_companions,
    parse_int,
    sentence_at,
    sentence_spans,
    text_context,
)
from .normalize.common import compile as compile_fast
from .normalize.imaging import normalize_modality
from .normalize.time_words import (
    ADMISSION_BASE,
    AFTER,
    AFTER_ADMISSION_BASE,
    DAY_N,
    EXAM_DONE_VERBS,
    FILM_QUALIFIERS,
    IMAGE_WORDS,
    MONTH,
    MONTH_NAMES,
    MONTHS,
    ON_STAY,
    ONSET_BASE,
    ONSET_PARTICIPLE,
    OTHER_TIME,
    RANGE_NUMBER,
    SYMPTOM_WORDS,
    UNIT,
    UNIT_DAYS,
    UNIT_KEYS,
    UNIT_RE,
    amount_in_days,
    at_admission,
    day_base,
    illness_ago,
    is_amount,
    shorthand_days,
    symptom_histories,
)


def _history(text: str) -> tuple[int, re.Match[str]] | None:
    """The first history phrase of a text ("four-day history"): read by every image's moments. From
    the text's remembered histories (``symptom_histories``), which the onset reads in full for the
    same text (a case's history; in backfill, the row's note): one scan of it, not two."""
    histories = symptom_histories(text)
    return histories[0] if histories else None

#: Joins the spans behind one offset (the anchor's, the event's) in its evidence.
EVIDENCE_JOIN = " … "

#: The longest a symptom of the illness lasts before the presentation: a cough of more than eight
#: weeks is chronic (the thoracic societies' definition), the patient's background, not the first day
#: of the illness the offsets count.
CHRONIC_SYMPTOM_DAYS = 56
#: A history told as a slow course: weeks of cough and weight loss before a tuberculosis, a tumour or
#: a Pneumocystis pneumonia is diagnosed ("Cough and loss of weight over five weeks", "a three-week
#: history of progressive dyspnoea") tell no day the illness began, and the sample's curators count
#: such cases from the admission. Read in the clause of the symptom's span: the words of wasting ...
_SLOW_COURSE = compile_fast(
    r"\b(?:weight\s+loss|loss\s+of\s+weight|los(?:ing|t)\s+weight|night\s+sweats|"
    r"insidious|calo\s+ponderale|perdita\s+di\s+peso|dimagr\w+|sudorazion[ei]\s+notturn[ae]|"
    r"p[ée]rdida\s+de\s+peso)\b",
    re.IGNORECASE,
)
#: ... and of a worsening, which an acute illness has too ("progressive dyspnea that had started 8 days
#: earlier": COVID-19's breathlessness of its second week).
_WORSENING_COURSE = compile_fast(
    r"\b(?:progressive(?:ly)?|gradual(?:ly)?|progressiv[aoei]|graduale|progresiv[ao])\b",
    re.IGNORECASE,
)
#: The longest span a slow course's words can't make slow: a week of "progressive dyspnoea" ("fever,
#: cough and progressive dyspnoea over the past week") is the acute illness, counted from its onset;
#: the slow courses are told in weeks ("over five weeks", "a three-week history").
SLOW_COURSE_MIN_DAYS = 8
#: The same for a worsening alone: under two weeks of "progressive dyspnea" is the acute illness's course
#: (its second week), weeks of it ("a three-week history of progressive dyspnoea") a slow one.
WORSENING_COURSE_MIN_DAYS = 14

ONSET = "symptom onset"
HOSPITALISATION = "hospitalisation"

#: Kinds of an image's own moment.
SINCE_ONSET = "since-onset"          # "day 4 of illness", "7 days after onset"
SINCE_ADMISSION = "since-admission"  # "on admission" (0), "12 days after admission"
LABEL = "label"                      # "Day 7", "day0": a day of the case's own count
AFTER_PREVIOUS = "after-previous"    # "2 weeks later", "after a few days"
UNPLACED = "unplaced"                # "post-mortem", "at 1 week": a moment whose base is not told
AFTER_DISCHARGE = "after-discharge"  # "4 weeks after discharge": counted from the day the history discharges
AFTER_READMISSION = "after-readmission"  # "at readmission", "3 days after readmission": counted from the day the
#                                          history readmits the patient ("readmitted 4 days later")
AT_FOLLOW_UP = "at-follow-up"        # "at 2-week follow-up": the day of the one film or visit the history
                                     # tells as as long after a moment ("Two weeks after discharge ... the
                                     # radiograph"); ``days`` is the interval
AFTER_EVENT = "after-event"          # "3 days after intubation", "after 10 days of treatment": counted from the
                                     # day the history gives that event of the stay (``EVENTS``)
HOSPITAL_DAY = "hospital-day"        # "hospital day 3", "HD 3", "day 3 of hospitalization": N days after
                                     # the admission, as the sample's curators count them
ICU_DAY = "icu-day"                  # "ICU day 3": a day of the stay in intensive care, which may begin any
                                     # day of the hospital's; a hospital day when the history admits the
                                     # patient straight to the unit (``_Dates.straight_to_icu``)
ON_WEEKDAY = "weekday"               # "on the following Monday": ``days`` is the weekday (Monday 0), placed
                                     # after the weekday the history admits the patient on
SINCE_OPERATION = "since-operation"  # "postoperative day 5", "POD 5": N days after an operation, placed only
                                     # where the history tells the onset on the same count (a nosocomial
                                     # onset: "On postoperative day 4, she developed a fever")
DATED = "dated"                      # "January 21, 2020", "30/3": ``days`` is the date's ordinal
PRESENTING = "presenting"            # "first CT", "initial chest radiograph": the presenting film, when
                                     # nothing else dates it ("first": and the history tells the presentation)
FIRST_VISIT = "first-visit"          # "at the first visit", "at initial presentation": the first of the visits
                                     # the history tells (the presentation when it tells one)

# Dates of a text: "January 21, 2020", "Jan. 31", "Feb.13", "21 January 2020", "30 marzo", and
# day-first slashed dates ("30/3", "21/4/2020") where the source writes day first.
_NAMED_DATE = compile_fast(
    rf"\b{MONTH}\s*(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\b(?:,?\s+(?P<y>(?:19|20)\d{{2}}))?"
    # a number after a hyphen ends a name ("COVID-19 may develop", "SARS-CoV-2 March"): no day
    rf"|(?<![-\u2010\u2011])\b(?P<d2>\d{{1,2}})(?:st|nd|rd|th|°)?\s+(?:of\s+|de\s+)?(?P<mon2>{MONTH_NAMES})\.?(?:,?\s+(?P<y2>(?:19|20)\d{{2}}))?\b",
    re.IGNORECASE,
)
_SLASHED_DATE = compile_fast(r"(?<![\d/])(?P<d>\d{1,2})/(?P<m>\d{1,2})(?:/(?P<y>(?:19|20)?\d{2}))?(?![\d/])")
#: Dotted dates with their year, "12.03.2020", "2.4.2020": written day first wherever they are used
#: (Turkish, German, Slavic papers); without a year "12.03" would be a decimal.
_DOTTED_DATE = compile_fast(r"(?<![\d.])(?P<d>\d{1,2})\.(?P<m>\d{1,2})\.(?P<y>(?:19|20)\d{2})(?!\.?\d)")
#: A date opening with its year: year, month, day, the one order such a date is written in, ``sep`` between the
#: year and the month and ``again`` between the month and the day (the one date of ``_ISO_DATE`` and
#: ``_YEAR_FIRST_DATE``).
_YEAR_MONTH_DAY = r"(?P<y>(?:19|20)\d{{2}}){sep}(?P<m>[01]?\d){again}(?P<d>[0-3]?\d)"
#: ISO dates, "2020-02-12". Two patterns of one date because their edges differ: a hyphen goes on a hyphenated
#: token ("2020-02-12-ct"), where a dot may end the sentence after the day ("on 2020.02.26.") and only a dot or
#: slash with a number goes on the date; and the dates of ``_YEAR_FIRST_DATE`` are read after the others (a
#: dotted or slashed date found already keeps its words).
_ISO_DATE = compile_fast(r"(?<![\d-])" + _YEAR_MONTH_DAY.format(sep="-", again="-") + r"(?![\d-])")
#: Dates written year first with dots or slashes, as East Asian papers write them ("2020.02.26", "2020/3/4"), one
#: separator throughout (not "2020. 2. 26.": a year ending a sentence before a numbered item).
_YEAR_FIRST_DATE = compile_fast(r"(?<![\d./])" + _YEAR_MONTH_DAY.format(sep="(?P<sep>[./])", again="(?P=sep)")
                                + r"(?!\d|[./]\d)")
#: Where a month's name starts (both month groups of ``_NAMED_DATE`` start at a word's start).
_MONTH_START = compile_fast(rf"\b(?=(?:{MONTH_NAMES}))", re.IGNORECASE)
_MONTH_START = gate(_MONTH_START, "[adefgjlmnos]")  # the first letters of the month names
#: Gate of the named dates: a month's name as a word of the text.
_MONTH_WORDS = frozenset(MONTHS)
# Every date holds a day number: the named-date pattern runs only around numbers.
_DAY_NUMBER = compile_fast(r"\d{1,2}")
#: Year of a date written without one: any year works, the timeline takes differences of dates.
_SOME_YEAR = 2020
_ONSET_CUES = compile_fast(
    r"\b(?:onset|began|begun|started|developed|develop|first\s+symptoms?|symptoms?\s+(?:appeared|started|began)|fell\s+ill|"
    # the onset as the patient felt it: "On the evening of March 3rd she felt feverish", "became unwell on 2 May"
    r"(?:felt|feeling|became|got)\s+(?:(?:very|quite|rather|acutely|suddenly)\s+)?(?:feverish|febrile|unwell|ill|sick)|"
    # the illness's start as Spanish-speaking authors write it in English ("inició con fiebre"): "She initiated with
    # fever, headache and dry cough on June 2" (not "treatment was initiated with": a passive start is no onset)
    r"initiated\s+with|"
    # the onset as the patient noticed it: "noticed loss of smell on 2 April", "first noticed a dry cough on 3 May" (a
    # symptom right after it; not "noticed she was drowsy": someone else's noticing, ``_NOTICED_CUES``)
    r"noticed(?=\s+(?:(?:a|an|the|some|new|her|his|mild|dry|sudden|persistent)\s+){0,2}(?:loss\s+of\s+(?:smell|taste)|"
    r"fevers?|cough|anosmia|ageusia|dyspn\w+|breathless\w*|shortness\s+of\s+breath|headache|myalgias?|sore\s+throat|"
    r"chills|fatigue|malaise|diarr\w+|symptoms?)\b)|"
    # the history's turn from health to illness: "was well until the Saturday ..., when", "in his usual health until"
    r"(?:well|health)\s+until|"
    r"esordio|insorgenza|comparsa|iniziat[oa]|"
    # the Italian verbs of an onset, in the present Italian case reports tell their story in ("quando compaiono
    # febbre e tosse", "insorge febbre") and in the past ("comparve", "compariva", "esordì")
    r"compai(?:ono|a)|comparv(?:e|ero)|compariv(?:a|ano)|insorg(?:e|ono|eva|evano)|insors(?:e|ero)|"
    r"esordisc(?:e|ono)|esord[iì])\b",
    re.IGNORECASE,
)
#: A paragraph's section titles as the JATS reader writes them before its text ("2. Case
#: Presentation: ...", "Case report / History: ..."), at a line's start.
_HEADING = compile_fast(r"^(?:\d{1,2}\.?\s*)?[A-Z][^\n.:]{0,60}(?:\s/\s[^\n.:]{1,60})*:\s", re.MULTILINE)
#: "admitted to the intensive care unit on 22 March", "ICU admission": a transfer within the stay, not
#: the hospital admission the offsets count from.
_TO_ICU = compile_fast(r"\s+(?:to|in|into)\s+(?:the\s+|our\s+)?(?:intensive\s+care|ICU\b|critical\s+care)",
                       re.IGNORECASE)
#: The intensive care unit as a day's base: "day 20 of ICU stay", "day 4 of intensive care".
_ICU_BASE = compile_fast(r"(?:P?ICU|ITU|intensive)\Z", re.IGNORECASE)
#: The intensive care unit named right before a word: "ICU admission", "ITU day 3", "PICU day 2".
_ICU_BEFORE = compile_fast(r"\b(?:P?ICU|ITU|intensive\s+care(?:\s+unit)?|critical\s+care)\s+$", re.IGNORECASE)
_SINCE_DATE = compile_fast(r"\b(?:dal|dall[’']|since)\s*(?:il\s+|the\s+)?$", re.IGNORECASE)
#: A stay told as lasting since a date ("dove era ricoverato dal 19/03", "degente dal 2 marzo", "hospitalised since 3
#: April", "in hospital since March 3"): the date is the admission's, not a symptom's start (``_SINCE_DATE``).
_STAY_SINCE = compile_fast(r"\b(?:ricoverat[oa]|degente|ospedalizzat[oa]|hospitali[sz]ed|admitted|in\s+hospital|"
                           r"inpatient)\s+(?:\w+\s+)?(?:dal|dall[’']|since)\s*(?:il\s+|the\s+)?$", re.IGNORECASE)
_STAY_SINCE_CHARS = 40
#: The same stay with its place between ("era ricoverato a Lodi dal 19/03", "ricoverata presso l'Ospedale di Crema
#: dal 10/04", "hospitalised in a district hospital since 28 March"): a place's preposition and up to five words that
#: open no reason, company or symptom ("ricoverato in ospedale con febbre dal 19/03" is the fever's start).
_STAY_AT_PLACE_SINCE = compile_fast(
    r"\b(?:(?:ricoverat[oa]|degente|ospedalizzat[oa])\s+(?:a|in|presso|nel|nella|nell[’']|all[’']|al|alla)\s*"
    r"(?:(?!(?:con|per|e|ed|da|dopo|senza|febbre|tosse|dispnea|sintomi)\b)[\w’'-]+\s+){1,5}(?:dal|dall[’'])\s*"
    r"(?:il\s+)?|(?:hospitali[sz]ed|admitted|inpatient)\s+(?:at|in|to)\s+(?:(?!(?:with|for|and|after|because|"
    r"fever|cough|dyspn\w*|symptoms)\b)[\w’'-]+\s+){1,5}since\s*(?:the\s+)?)$", re.IGNORECASE)
_STAY_AT_PLACE_CHARS = 80
#: A start told in the passive, which is a treatment's ("high-flow nasal cannula was started", "antibiotics were
#: begun"), never the illness's onset ("symptoms started", "fever began").
_PASSIVE_START = compile_fast(r"\b(?:was|were|been|is|are)\s+(?:\w+ly\s+|then\s+|also\s+)?$", re.IGNORECASE)
#: A symptom's onset told as the cause of what the sentence dates ("Il 24 marzo, per la comparsa di dispnea, si reca
#: in PS", "On 24 March, because of the onset of dyspnoea, she presented to the ED"): the reason for the visit, not the
#: moment of the date; the visit's own words date it.
_CAUSE_BEFORE = compile_fast(r"\b(?:per|a\s+causa|per\s+via|due\s+to|because\s+of|owing\s+to)\s+"
                             r"(?:(?:la|l[’']|il|della|dell[’']|del|di|the|an?|new|sudden|improvvisa)\s*){0,2}$",
                             re.IGNORECASE)
#: The same cause's second reason, coordinated to a first one that opens it ("Il 18 marzo, per la persistenza della
#: febbre e comparsa di dispnea, viene inviata in PS", "On 18 March, due to persistent fever and the onset of
#: dyspnoea, she presented"): within the cause's clause (no comma, semicolon or full stop between), right after its
#: "e" / "and".
#: The first reason is a symptom or its course ("per febbre persistente", "because of worsening cough"), not another
#: cause of a stay ("ricoverata per frattura di femore e comparsa di febbre l'8 marzo": the fever's own day).
_CAUSE_COORDINATED = compile_fast(r"\b(?:per|a\s+causa|per\s+via|due\s+to|because\s+of|owing\s+to)\s+"
                                  r"(?P<first>[^,;.:()]{3,60}?)"
                                  r"\s(?:e|ed|and)\s+(?:(?:la|l[’']|il|della|dell[’']|del|di|the|an?|new|sudden|"
                                  r"improvvisa)\s*){0,2}$", re.IGNORECASE)
_CAUSE_COURSE = compile_fast(r"\b(?:persist\w*|peggior\w*|worsen\w*|aggrav\w*|increas\w*|incremento)\b", re.IGNORECASE)
#: How far before an onset word its coordinated cause may open (``_CAUSE_COORDINATED``).
_CAUSE_COORDINATED_CHARS = 80


def _coordinated_cause(history: str, s_start: int, start: int) -> bool:
    """Whether the onset word at ``start`` is a visit's second reason (``_CAUSE_COORDINATED``): "Il 18 marzo, per la
    persistenza della febbre e comparsa di dispnea, viene inviata in PS" dates the visit, not an onset."""
    m = _CAUSE_COORDINATED.search(history, max(s_start, start - _CAUSE_COORDINATED_CHARS), start)
    return m is not None and bool(SYMPTOM_WORDS.search(m.group("first")) or _CAUSE_COURSE.search(m.group("first")))
#: An admission to a neonatal unit, which is a newborn's, not the mother's ("a male newborn ..., who was admitted
#: to the neonatal unit", "the baby was admitted to the NICU").
_TO_NEONATAL = compile_fast(r"\s+(?:to|in|into)\s+(?:the\s+|our\s+)?(?:neonatal|NICU\b|special\s+care\s+baby)",
                            re.IGNORECASE)
#: The words between a symptom and the date it began: "had fever from February 1", "her cough started on 2
#: March", "cough starting on 15 March" ("symptoms improved from March 10" is no onset: a word between).
_FROM_DATE = compile_fast(r"\s+(?:from|(?:started|starting|began|beginning)(?:\s+(?:on|from))?)\s+(?:the\s+)?",
                          re.IGNORECASE)
_BEFORE = compile_fast(r"\b(?:before|prior\s+to|prima\s+del\w*)\s+(?:the\s+)?$", re.IGNORECASE)
#: An admission cue counted from ("On 13 March, the third day after admission", "on March 13, 3 days post
#: admission", "on the ninth day on admission (1st May, 2020)", "day 4 of admission, 12 March"): the sentence's
#: date is that later day, not the admission's ("on the day of admission, 10 March" is).
_COUNTED_AFTER = compile_fast(
    r"(?:\b(?:\d{1,3}|[a-z]+)\s+(?:days?|weeks?|hours?)\s+(?:after|post|following)"
    rf"|\b(?:\d{{1,2}}(?:st|nd|rd|th)|{'|'.join(ORDINALS_EN)})\s+(?:hospital\s+)?day\s+(?:of|on|in)"
    r"|\bday\s+\d{1,3}\s+(?:of|on|in))\s+(?:the\s+|his\s+|her\s+)?$", re.IGNORECASE)
#: "presented" as authors writing Portuguese, Spanish or French turns ("apresentou melhora progressiva", "presentó
#: mejoría") write "showed": "She presented progressive improvement and was discharged on 12/04/2020": a course of
#: the stay, no presentation (a symptom after it, "presented a fever ... when she was tested on March 19", may be).
_PRESENTED_AS_HAD = compile_fast(
    r"\s+(?:an?\s+)?(?:(?:progressive|gradual|clinical|slow|rapid|good|favou?rable|significant|marked|partial|"
    r"complete|further|respiratory)\s+){0,2}(?:improvement|worsening|deterioration|recovery|evolution|resolution|"
    r"amelioration|progression)\b", re.IGNORECASE)
_ADMISSION_CUES = compile_fast(
    # (not "re-admitted", "re-hospitalized": the return's, as "readmitted" is)
    r"\b(?<!re-)(?<!re\u2010)(?:admitted|admission|admit|hospitali[sz]ed|hospitali[sz]ation|presented|presentation|entry|arrived|referred|"
    # (not an operation's urgency: "On May 13, an emergency cesarean section was performed", "emergency intubation")
    r"emergency(?!\s+(?:(?:repeat|lower\s+segment)\s+)?(?:ca?esarean|c-section|surgery|operation|intubation|delivery|"
    r"procedure|[a-z]+(?:ectomy|otomy|ostomy)))|ED|ER|transferred\s+(?:to|into)\s+(?:our|this)\s+(?:hospital|institution|centre|center)|giunge|giunto|giunta|ricoverat[oa]|ricovero|ingresso|accesso|accede|pronto\s+soccorso|PS|"
    # the presentation as Turkish and Iranian authors write it in English ("başvurdu"): "he applied to our hospital
    # on 14 March", "applied to the emergency department" (not "CPAP was applied")
    r"applied\s+to\s+(?:our|the|a|an)\s+(?:[\w-]+\s+){0,3}?"
    r"(?:hospital|clinic|polyclinic|department|emergency|outpatient|centre|center)"
    # the presentation told by the verb of coming, as Slavic, Greek and other non-native authors write it in English
    # ("He came to our department on the fourth day of his symptoms", "came to the hospital on 3 April"; not "came
    # back", "came to visit")
    r"|came\s+to\s+(?:our|the|this)\s+(?:[\w-]+\s+){0,3}?"
    r"(?:hospital|clinic|polyclinic|department|emergency|outpatient|centre|center|institution)"
    # the presentation as Spanish, French and Portuguese authors write it in English ("consultó", "a consulté"): "he
    # consulted on 20 March because of dyspnoea", "she consulted again on 3 April" (the patient its subject, no one
    # consulted: not "cardiology consulted on day 3", "she consulted her doctor")
    r"|(?:he|she|the\s+patient)\s+(?:(?:then|again|finally|eventually|later|first)\s+)?consulted"
    r"(?!\s+(?:with|a|an|the|his|her|their|our|another|several)\b))\b",
    re.IGNORECASE,
)

#: A change in the patient someone else notices, the way the illness of a frail, a demented or a young patient is
#: told to begin: "Staff found him unusually sleepy at breakfast on the Tuesday after Easter", "was found confused
#: on 3 April", "her daughter noticed she was more drowsy on 2 May" (the one found named, the patient, or the subject
#: of "was found"). The onset's day only when the history dates no onset otherwise (a resident found drowsy later
#: in an illness told begun is its course, not its start).
_NOTICED_CUES = compile_fast(
    r"\b(?:found|noticed|noted)\s+(?:(?P<whom>him|her|the\s+patient|that\s+(?:he|she)\s+was|(?:he|she)\s+was)\s+)?"
    r"(?:(?:unusually|increasingly|more|very|acutely|suddenly)\s+)?"
    r"(?:sleepy|drowsy|confused|lethargic|unresponsive|disoriented|disorientated|somnolent|obtunded|agitated)\b",
    re.IGNORECASE)
#: Travel and exposure a history dates ("returned from a business trip on 27 February", "contact with a
#: confirmed case on 3 March"): moments before the illness, neither its onset nor the admission.
_EXPOSURE_CUES = compile_fast(
    r"\b(?:returned|travel(?:l)?ed|travel|trip|flight|flew|exposed|exposure|contact\s+with|rientrat[oai]|rientro|"
    r"viaggio|contatto\s+con)\b", re.IGNORECASE)
#: The end of a clause between a date and a cue after it.
_CLAUSE_END = compile_fast(r"[;,]|\b(?:and|but|then)\b", re.IGNORECASE)
#: What a cue beyond the date's clause counts as further away.
_OTHER_CLAUSE = 100

# A filename's day label: "-day5", "_day-0", "fig5-day12".
_DAY_IN_NAME = compile_fast(r"(?:^|[-_.\s])day[-_]?(\d{1,3})(?=$|[-_.\s])", re.IGNORECASE)
# The film's time ending its file name, as curators name a case's films after its studies' labels
# ("...-admission.jpg", "...-3-days.jpg", "...-2-weeks-pa.png"): the study's day on the case's
# scale, as "-day3" is. Only at the name's end (a view may follow): a slug's words earlier in the
# name tell the case ("pneumonia-after-5-days-of-fever", "3-day-old-neonate"), and hours are no day.
_TIME_ENDING_NAME = compile_fast(
    r"[-_](?:(?P<n>\d{1,3})[-_]?(?P<unit>days?|weeks?)(?:[-_]later)?|(?P<first>admission|presentation|baseline|initial))"
    r"(?:[-_](?:pa|ap|l|lat|lateral|frontal|supine))?(?:\.[a-z]{2,4}){0,2}$",
    re.IGNORECASE,
)
# Onset told as a time before admission: "symptoms began three days before admission", "insorte 8
# giorni prima dell'accesso in Pronto Soccorso", "5 days before arrival", "before presenting".
_BEFORE_ADMISSION = compile_fast(
    r"\b(?P<n>\d{1,3}|[a-z]+)\s+(?P<unit>days?|weeks?|giorni|settiman[ae])\s+(?:before|prior\s+to|prima\s+del(?:l[’'])?)\s*"
    # (the patient's own arrival told with a possessive, as Spanish "antes de su llegada" translates: "8 days before
    # his arrival to our hospital", "3 days prior to her admission")
    r"(?:the\s+|(?:his|her|their)\s+)?(?:admission|presentation|presenting|hospitali[sz]ation|ricovero|ingresso|"
    r"accesso|arrivo|arrival|entry|"
    # the Italian "accesso in PS" calqued: "eight days before the access to our emergency department"
    r"access(?=\s+(?:to|in|at)\s+(?:the\s+|our\s+|a\s+)?(?:emergency|hospital|ED\b|ER\b|A&E|casualty)))",
    re.IGNORECASE,
)
# The admission told as a time after the onset: "Five days after the onset of fever she was admitted",
# "7 giorni dopo l'esordio dei sintomi giunge in PS", "accede in PS a una settimana dall'esordio" (the
# sentence must name the admission).
_AFTER_ONSET = compile_fast(
    r"\b(?P<n>\d{1,3}|[a-z]+)\s+(?P<unit>days?|weeks?|giorni|settiman[ae])\s+"
    r"(?:(?:after|dopo)\s+(?:the\s+|l[’']\s?|la\s+|il\s+)?|dall[’']\s?|dalla\s+|dal\s+)"
    r"(?:onset|beginning|start|esordio|inizio|comparsa)\b",
    re.IGNORECASE,
)
# The same as non-native authors join it: "was admitted after 5 days from (of, since) the onset of fever" (the
# sentence must name the admission too; without it, "After 10 days of the onset of symptoms, she complained of
# dyspnea", a later moment of the illness, not its span at the admission).
_AFTER_SPAN_FROM_ONSET = compile_fast(
    r"\bafter\s+(?P<n>\d{1,3}|[a-z]+)\s+(?P<unit>days?|weeks?)\s+(?:from|of|since)\s+(?:the\s+)?"
    r"(?:onset|beginning|start)\b",
    re.IGNORECASE,
)
# An earlier admission to another hospital before a transfer, in the sentence telling the onset: "He
# had been admitted there 5 days earlier, 4 days after the onset of fever": the onset came 4 + 5 days
# before the arrival the case's films count from.
_ADMITTED_ELSEWHERE_EARLIER = compile_fast(
    r"\badmitted\s+(?:there|elsewhere|to\s+(?:an(?:other)?|a|the)\s+(?:\w+\s+)?hospital)\s+"
    r"(?P<n>\d{1,3}|[a-z]+)\s+(?P<unit>days?|weeks?)\s+(?:earlier|before)\b",
    re.IGNORECASE,
)
# A text's own count of the stay, with the admission as its day 1: "On admission (hospital day 1)",
# "hospital day 1 (admission)", "the day of admission was defined as day 1". Such a text's "hospital
# day 5" is 4 days after the admission; the sample's curators count a hospital day N as N days after
# it, where no text says otherwise ("admission, day 1 of illness" is the onset's count, not the stay's).
_DAY_ONE = (r"(?:hospital(?:i[sz]ation)?\s+)?day\s*(?:\((?:HD|D)\)\s*)?(?:1|one)\b"
            r"(?!\s*(?:of\s+(?:illness|disease|symptoms?|fever|onset)|after|since|post|from)\b)")
_ADMISSION_IS_DAY_ONE = compile_fast(
    rf"\badmission\s*[(,:=\u2013-]\s*(?:=\s*)?{_DAY_ONE}"
    rf"|\b{_DAY_ONE}(?:\s+of\s+(?:the\s+)?(?:hospitali[sz]ation|stay))?\s*[(,:=\u2013-]\s*(?:on\s+|at\s+|the\s+day\s+of\s+)?admission\b"
    rf"|\badmission\s+(?:was|is|being)\s+(?:considered(?:\s+as)?|defined\s+as|designated(?:\s+as)?|counted\s+as|taken\s+as)\s+"
    rf"{_DAY_ONE}"
    # the same said the other way round: "Day 1 (D1) was the day of admission", "day 1 is defined as the day of
    # admission"
    rf"|\b{_DAY_ONE}\s*(?:\(D1\)\s*)?(?:was|is|being)\s+(?:(?:defined|considered|taken)\s+as\s+)?"
    rf"the\s+(?:day\s+of\s+)?admission\b"
    # the authors' own definition, in the active voice: "We defined the day of admission as hospital day (HD) 1",
    # "we considered the admission day as day 1"
    rf"|\b(?:defined|considered|designated|counted|took)\s+(?:the\s+)?(?:(?:day|date)\s+of\s+(?:the\s+)?"
    rf"(?:hospital\s+)?admission|admission\s+(?:day|date))\s+as\s+(?:the\s+)?{_DAY_ONE}",
    re.IGNORECASE,
)
# A text telling one hospital day's day of the illness: "On hospital day 4 (day 9 of illness)", "day 9 of illness
# (hospital day 4)", "hospital day 4, day 9 of illness". The text's two counts are aligned there: its "hospital day
# K" is day K + 5 of the illness, whichever day the stay's count starts on (US papers make the admission hospital
# day 1, the project's default counts a hospital day N as N days after it).
_STAY_DAY = r"(?:hospital\s+day\s*(\d{1,2})|day\s*(\d{1,2})\s+of\s+(?:the\s+)?(?:hospitali[sz]ation|hospital\s+stay))"
_ILLNESS_DAY = (r"(?:day\s*(\d{1,2})\s+of\s+(?:the\s+)?(?:illness|disease|symptoms)"
                r"|(?:illness|disease|symptom)\s+day\s*(\d{1,2}))")
_STAY_DAY_ON_ILLNESS = compile_fast(
    rf"\b{_STAY_DAY}\s*(?:\(|,)\s*{_ILLNESS_DAY}\b|\b{_ILLNESS_DAY}\s*(?:\(|,)\s*{_STAY_DAY}\b",
    re.IGNORECASE,
)
# A text's own count of the illness, with the onset as its day 1: "developed a fever on 2 August (Day 1 of illness)",
# "Day 1 = the day of symptom onset", "the day of symptom onset was defined as day 1". Such a text's "Day 14 of
# illness" is 13 days after the onset; the curators count a day N of illness as N days after it where no text says
# otherwise (the sample's "day 4 of illness" 4).
_ILLNESS_DAY_ONE = (r"day\s*(?:1|one)(?:\s+of\s+(?:the\s+)?(?:illness|disease|symptoms?))?\b"
                    r"(?!\s+of\s+(?:the\s+)?(?:admission|hospitali[sz]ation|stay)\b)")
_ONSET_WORDS = (r"(?:(?:the\s+)?(?:(?:first\s+)?day\s+of\s+)?(?:(?:the\s+)?(?:symptoms?|illness|disease|fever)\s+onset"
                r"|(?:the\s+)?onset(?:\s+of\s+(?:the\s+)?(?:symptoms?|illness|disease|fever))?|(?:the\s+)?first\s+symptoms?))")
_ONSET_IS_DAY_ONE = compile_fast(
    # the definition: "Day 1 = the day of symptom onset", "day 1 was defined as the onset of symptoms"
    rf"\b{_ILLNESS_DAY_ONE}\s*(?:=|\b(?:was|is|being|corresponds\s+to|corresponded\s+to)\b)\s*"
    rf"(?:(?:defined|considered|taken|designated)\s+as\s+)?{_ONSET_WORDS}\b"
    # said the other way round: "the day of symptom onset was defined as day 1", "symptom onset (day 1)"
    rf"|\b{_ONSET_WORDS}\s*(?:[(=:]\s*|\b(?:was|is|being)\s+(?:defined|considered|taken|designated|counted)\s+as\s+)"
    rf"{_ILLNESS_DAY_ONE}"
    # a day label of the illness set after the day a symptom began: "a fever on 2 August 2020 (Day 1 of illness)"
    r"|\(\s*(?:day\s*(?:1|one)\s+of\s+(?:the\s+)?(?:illness|disease|symptoms?)|(?:illness|disease)\s+day\s*(?:1|one))"
    r"\s*\)",
    re.IGNORECASE,
)
#: Words of the arrival before a "(Day 1 of illness)" in its sentence: the label dates the arrival, not the onset.
_ARRIVAL_BEFORE = compile_fast(r"\b(?:admitted|admission|presented|hospitali[sz]ed|referred|arrived|ricover\w+)\b",
                               re.IGNORECASE)
_PRESENTATION = compile_fast(
    r"\b(?:presented|presenting|admitted|admission|referred|came\s+to|hospitali[sz]\w+|history\s+of|emergency|ricover\w+|giunge|accede)\b|-day\s+history|\bhistory\b",
    re.IGNORECASE,
)
# the characters a match can start with (gate() in common): a history without these words is read whole
_PRESENTATION = gate(_PRESENTATION, "[parcheg-]")


@fast_init
@dataclass(frozen=True)
class ImageTexts:
    """The words that belong to one image: its own caption, its study's label or date text,
    its filename. ``position`` orders the images of the case. ``group`` names the exam the image
    belongs to (a study, a figure's sub-images, the films one paragraph describes; "": its own):
    a "2 weeks later" counts from the previous exam, not from the other film of its own exam."""

    position: int
    caption: str = ""
    date_text: str = ""
    filename: str = ""
    group: str = ""
    #: ``date_text`` is the title its case's author gave the image's study (Radiopaedia's "Admission",
    #: "Day 18"), one labelling of all the case's studies; not a moment a legend names for a panel.
    study_title: bool = False


@fast_init
@dataclass(frozen=True)
class Moment:
    """An image's own moment as its words give it, before it is placed on the axis."""

    kind: str
    days: int
    evidence: str
    where: str  # "label", "caption", "filename"


@fast_init
@dataclass(frozen=True)
class Event:
    """A moment placed on the case's axis (``day`` None: given, but not placeable)."""

    what: str  # "admission", "image 2", ...
    day: int | None
    evidence: str
    where: str
    image_position: int | None = None


@fast_init
@dataclass(frozen=True)
class ImageOffset:
    position: int
    value: int | None
    evidence: str
    rule: str
    reason: str = ""


@dataclass(frozen=True)
class Timeline:
    anchor: str  # ONSET, HOSPITALISATION
    anchor_evidence: str
    admission_day: int | None
    events: tuple[Event, ...] = ()
    offsets: tuple[ImageOffset, ...] = field(default=())

    def offset_of(self, position: int) -> ImageOffset | None:
        return next((o for o in self.offsets if o.position == position), None)

    def describe(self) -> str:
        """The anchor in words, for evidence and the review page."""
        if self.anchor == ONSET:
            return f"day 0 = {ONSET} ({self.anchor_evidence!r}); admission = day {self.admission_day}"
        return f"day 0 = {HOSPITALISATION}" + (f" ({self.anchor_evidence!r})" if self.anchor_evidence else "")


# --- The onset: how many days before admission did symptoms begin ---------------------------------


@lru_cache(maxsize=4096)
def onset_gap(history: str) -> tuple[int, str] | None:
    """(days from the onset of symptoms to admission, evidence) as the patient's history tells
    them: "four-day history of cough", "fever for 7 days", "presented 5 days after developing
    symptoms", "symptoms began three days before admission". None when not told."""
    if not history.strip():
        return None
    low = text_context(history).lower
    befores = (finditer_near(_BEFORE_ADMISSION, history, UNIT_RE, 20, 60)
               if has_any(low, ("before", "prior", "prima")) else ())
    spans = [(amount, m) for m in befores
             if (amount := amount_in_days(m.group("n"), m.group("unit")) if is_amount(m.group("n")) else None)
             is not None and not about_other_person(history, m.start(), m.end())
             and not _trip_before_admission(history, m)]
    if spans:
        amount, m = _earliest_symptom_before_admission(history, spans)
        return amount, m.group(0)
    for m in (chain(_AFTER_ONSET.finditer(history), _AFTER_SPAN_FROM_ONSET.finditer(history))
              if has_any(low, ("onset", "esordio", "inizio", "comparsa")) else ()):
        s_start, s_end = sentence_at(history, m.start())
        amount = amount_in_days(m.group("n"), m.group("unit")) if is_amount(m.group("n")) else None
        if (amount is not None and _ADMISSION_CUES.search(history, s_start, s_end)
                and not about_other_person(history, m.start(), m.end())):
            elsewhere = _ADMITTED_ELSEWHERE_EARLIER.search(history, s_start, s_end)
            stay = (amount_in_days(elsewhere.group("n"), elsewhere.group("unit"))
                    if elsewhere and is_amount(elsewhere.group("n")) else None)
            if elsewhere and stay is None:
                return None
            if stay is not None:
                return amount + stay, f"{elsewhere.group(0)}{EVIDENCE_JOIN}{m.group(0)}"
            return amount, m.group(0)
    # the presentation told as a day of the illness is the admission's own day; a symptom's duration
    # may be one phase of it ("Sore throat for 2 days, then fever and cough. Admitted on day 6 of illness")
    presented = _presented_on_day_of_illness(history, low)
    found = _illness_history(history)
    if found is not None and _AND_A_HALF.match(history, found[1].end()):
        found = None  # "for a week and a half": 10 or 11 days, no one day (``onset_told_not_a_day``)
    if presented is not None and (found is None or found[0] != presented[0]):
        return presented
    if found is None:
        return (_transfer_after_onset(history, low) or _transferred_on_day_of_illness(history, low)
                or _onset_after_exposure(history, low) or _introduced_on_day_of_illness(history)
                or _undated_weekday_gap(history, low) or _admitted_later_than_onset(history, low)
                or _onset_the_day_before_admission(history, low) or _visit_day_then_admission(history, low))
    amount, m = found
    later = (_admitted_after_visit(history, m.start()) or _admitted_after_sent_home(history, m.start())
             if "later" in low else None)
    if later is not None:  # the span told at a visit before the hospital's, the admission days after it
        return amount + later[0], f"{m.group(0)}{EVIDENCE_JOIN}{later[1]}"
    return amount, m.group(0)


def _earliest_symptom_before_admission(history: str,
                                       spans: list[tuple[int, re.Match[str]]]) -> tuple[int, re.Match[str]]:
    """Of the history's times before the admission (``_BEFORE_ADMISSION``), the onset's: the first told, or, when it
    and later ones each name a symptom in their clause, the longest of those ("chief complaint of shortness of breath
    since 2 days before admission. The patient also complained of fever since 7 days before admission": the fever's
    7, the illness began with its earliest symptom, as ``_illness_history`` takes the longest span)."""
    def symptom_told(m: re.Match[str]) -> bool:
        c_start, c_end = clause_at(history, m.start())
        return SYMPTOM_WORDS.search(history, c_start, c_end) is not None

    first = spans[0]
    if len(spans) == 1 or not symptom_told(first[1]):
        return first
    return max((span for span in spans if symptom_told(span[1])), key=lambda span: span[0])


#: The onset told as the day, evening or night before the admission ("a fever that started the evening before
#: admission", "developed fever and rigors the night before presentation", "on the eve of admission"): one day.
_THE_DAY_BEFORE_ADMISSION = compile_fast(
    r"\b(?:(?:on|during|in|since)\s+)?the\s+(?:day|evening|night)\s+(?:before|prior\s+to)\s+"
    r"(?:(?:the|his|her|their)\s+)?(?:admission|presentation|hospitali[sz]ation|arrival)\b"
    r"|\bon\s+the\s+eve\s+of\s+(?:(?:the|his|her|their)\s+)?(?:admission|presentation|hospitali[sz]ation)\b",
    re.IGNORECASE)
_STARTED = compile_fast(r"\b(?:start\w*|beg[au]n|beginning|develop\w*|appear\w*|arose|commenc\w*|set\s+in|came\s+on|"
                        r"onset|since|became|felt)\b", re.IGNORECASE)


def _onset_the_day_before_admission(history: str, low: str) -> tuple[int, str] | None:
    """The onset told as the day (evening, night) before the admission, a symptom and a verb of its start before it
    in its clause (``_THE_DAY_BEFORE_ADMISSION``): 1; not a film's ("a chest X-ray the day before admission") nor
    another person's. ``onset_gap``'s last resort."""
    if "before" not in low and "eve " not in low and "prior" not in low:
        return None
    for m in _THE_DAY_BEFORE_ADMISSION.finditer(history):
        s_start, _ = sentence_at(history, m.start())
        if (SYMPTOM_WORDS.search(history, s_start, m.start()) and _STARTED.search(history, s_start, m.start())
                and not IMAGE_WORDS.search(history, s_start, m.start())
                and not about_other_person(history, m.start(), m.end())):
            return 1, m.group(0)
    return None


#: The half after a span ("for a week and a half", "since 2 weeks and a half"): the span is not its own count.
_AND_A_HALF = compile_fast(r"\s+and\s+a\s+half\b", re.IGNORECASE)


#: English weekdays, Monday first (``date.weekday()``'s numbering), and their Italian stems: the one list every
#: weekday reading takes its names from.
_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_WEEKDAY_WORDS = frozenset(_WEEKDAYS)
_WEEKDAY_NAMES = "|".join(_WEEKDAYS)
_ITALIAN_WEEKDAYS = ("luned", "marted", "mercoled", "gioved", "venerd", "sabato", "domenica")


def _undated_weekday_gap(history: str, low: str) -> tuple[int, str] | None:
    """``onset_gap``'s last resort: the onset and the presentation told by their weekdays in a history that dates
    nothing ("Unwell since Saturday with fevers ... Presented on Wednesday with breathlessness": 4 days;
    ``weekday_onset_gap``); a dated history is the dates' rules'."""
    if not any(day in low for day in (*_WEEKDAYS, *_ITALIAN_WEEKDAYS)) or dates_in(history):
        return None
    return weekday_onset_gap(history)


def _trip_before_admission(history: str, m: re.Match[str]) -> bool:
    """True when the clause of the time before the admission ``m`` dates a trip or an exposure, not
    the illness: "He had returned from a skiing trip to Austria 12 days before admission" (the onset is
    the history's symptom span), unlike "symptoms began 3 days before admission after a trip"."""
    c_start, c_end = clause_at(history, m.start())
    return (_EXPOSURE_CUES.search(history, c_start, c_end) is not None
            and _ONSET_CUES.search(history, c_start, c_end) is None)


def _illness_history(history: str) -> tuple[int, re.Match[str]] | None:
    """The symptom span of the history that tells the illness's onset: the longest of its symptoms'
    spans ("Dry cough for 3 weeks and fever in the last 4 days": the cough's, 21 days), leaving out a
    chronic symptom (over ``CHRONIC_SYMPTOM_DAYS``) and a span of weeks told as a slow course (``_SLOW_COURSE``);
    None when every span is one of those."""
    spans = symptom_histories(history)
    acute = [(amount, m) for amount, m in spans + _symptoms_since_a_moment_ago(history)
             if amount <= CHRONIC_SYMPTOM_DAYS
             and not (amount >= SLOW_COURSE_MIN_DAYS and _slow_course(history, m, amount))]
    if acute:
        return max(acute, key=lambda h: h[0])
    # no symptom span: the illness named with its time ago ("COVID-19 two months ago, managed at home.
    # Since then persistent dry cough"), a later presentation counted from the illness's onset
    return None if spans else illness_ago(history)


#: The onset told as a moment N ago and the symptoms since it ("PCR positive a week ago, fevers and cough since then",
#: "Tested positive five days ago and has had a fever ever since", "Returned from a cruise 10 days ago. Since then
#: fever", "tampone positivo 8 giorni fa, da allora febbre"): the symptoms run from that moment, the time ago the
#: nearest before "since then", in its sentence or the one before.
_AGO_THEN_SINCE = compile_fast(
    rf"\b(?P<n>{NUMBER_LIKE})\s+(?P<unit>{UNIT})\s+(?:ago|fa)\b"
    r"(?P<gap>(?:(?!\b(?:ago|fa)\b)[^.;]){0,80}?(?:[.;]\s+(?:(?!\b(?:ago|fa)\b)[^.;]){0,60}?)?)"
    r"\b(?:(?:ever\s+)?since\s+(?:then|that\s+(?:day|time|moment))|ever\s+since|da\s+allora|desde\s+entonces)\b",
    re.IGNORECASE)
#: Words telling the time since the moment free of the illness ("well since then", "no fever since then").
_NOT_ILL_SINCE = compile_fast(r"\b(?:no|not|without|free|well|asymptomatic|resolved|recovered|senza|sin)\b",
                              re.IGNORECASE)
_SINCE_SYMPTOM_CHARS = 60


def _symptoms_since_a_moment_ago(history: str) -> tuple[tuple[int, re.Match[str]], ...]:
    """(days, match) of each symptom span told from a moment N ago ("PCR positive a week ago, fevers and cough since
    then": 7), for ``_illness_history`` beside the spans told in one phrase. None where no symptom stands between the
    moment and "since then" or right after it, where a word tells the time well ("well since then", "no fever since
    then"), or where the moment is another person's."""
    if not has_any(text_context(history).lower, ("since", "allora", "entonces")):
        return ()
    found = []
    for m in _AGO_THEN_SINCE.finditer(history):
        end = min(sentence_at(history, m.end() - 1)[1], m.end() + _SINCE_SYMPTOM_CHARS)
        if (SYMPTOM_WORDS.search(history, m.start("gap"), end) is None
                or _NOT_ILL_SINCE.search(history, m.start("gap"), end) is not None
                or about_other_person(history, m.start(), m.end()) or not is_amount(m.group("n"))):
            continue
        amount = amount_in_days(m.group("n"), m.group("unit"))
        if amount is not None:
            found.append((amount, m))
    return tuple(found)


def _slow_course(text: str, m: re.Match[str], amount: int) -> bool:
    """True when the clause of the span ``m`` (``amount`` days) tells a slow course ("Cough and loss of weight
    over five weeks"; "progressive" only over ``WORSENING_COURSE_MIN_DAYS`` or more)."""
    start, end = sentence_at(text, m.start())
    for brk in _CLAUSE_END.finditer(text, start, m.start()):
        start = brk.end()
    brk = _CLAUSE_END.search(text, m.end(), end)
    end = brk.start() if brk else end
    return (_SLOW_COURSE.search(text, start, end) is not None
            or (amount >= WORSENING_COURSE_MIN_DAYS and _WORSENING_COURSE.search(text, start, end) is not None))


# The patient's arrival in the authors' unit told as a transfer: "was transferred to our intensive
# care unit 8 days after the onset of fever" (an "Imaging in Intensive Care" page tells no other).
_TRANSFER_IN = compile_fast(r"\btransferred\s+(?:to|into)\s+(?:our|this)\b", re.IGNORECASE)


def _transfer_after_onset(history: str, low: str) -> tuple[int, str] | None:
    """(days from the onset to the transfer into the authors' unit, evidence), read only when the
    history tells no admission of its own (``onset_gap``'s last resort): a ward patient's later
    transfer to the ICU is not the admission."""
    if "transferred" not in low or not has_any(low, ("onset", "beginning", "start")):
        return None
    for m in _AFTER_ONSET.finditer(history):
        s_start, s_end = sentence_at(history, m.start())
        amount = amount_in_days(m.group("n"), m.group("unit")) if is_amount(m.group("n")) else None
        if (amount is not None and _TRANSFER_IN.search(history, s_start, s_end)
                and not about_other_person(history, m.start(), m.end())):
            return amount, m.group(0)
    return None


# A trip or an exposure told as a time before the presentation, and the onset as a time after it:
# "Returned from Lombardy 10 days ago. Fever and myalgia began 2 days after her return" (onset 8 days
# before), "rientrato dalla Lombardia 10 giorni fa; febbre insorta 2 giorni dopo il rientro".
_EXPOSURE_AGO = compile_fast(
    rf"\b(?:returned|came\s+back|got\s+back|rientrat[oa]|tornat[oa])\b[^.;]{{0,80}}?\b(?P<n>{NUMBER_LIKE})\s+"
    rf"(?P<unit>{UNIT})\s+(?:ago|earlier|fa|prima)\b",
    re.IGNORECASE)
_ONSET_AFTER_EXPOSURE = compile_fast(
    rf"\b(?:began|begun|started|developed|appeared|{ONSET_PARTICIPLE})\s+(?P<n>{NUMBER_LIKE})\s+(?P<unit>{UNIT})\s+"
    r"(?:after|dopo)\s+(?:(?:her|his|their|the|il|l[’'])\s*)?(?:return|returning|coming\s+back|rientro|ritorno)\b",
    re.IGNORECASE)


def _onset_after_exposure(history: str, low: str) -> tuple[int, str] | None:
    """(days from the onset to the presentation, evidence) told through the patient's return from a
    trip: the return's time ago less the onset's time after it. None unless both are told."""
    if not has_any(low, ("return", "back", "rientr", "tornat", "ritorno")):
        return None
    ago = _EXPOSURE_AGO.search(history)
    after = _ONSET_AFTER_EXPOSURE.search(history)
    if ago is None or after is None or not SYMPTOM_WORDS.search(history, *sentence_at(history, after.start())):
        return None
    before = amount_in_days(ago.group("n"), ago.group("unit")) if is_amount(ago.group("n")) else None
    since = amount_in_days(after.group("n"), after.group("unit")) if is_amount(after.group("n")) else None
    if (before is None or since is None or since > before or about_other_person(history, ago.start(), ago.end())
            or about_other_person(history, after.start(), after.end())):
        return None
    return before - since, f"{ago.group(0)}{EVIDENCE_JOIN}{after.group(0)}"


# The admission told as a time after the onset the sentence before it tells (the narrative of a patient ill at home,
# then brought in): "She developed fever and cough and was managed at home. Three weeks later she was admitted",
# "He fell ill with a sore throat. Five days later, he presented to the emergency department" (not a move to the
# ICU, not a readmission: those are moments of the stay).
_ADMITTED_LATER = compile_fast(
    rf"\b(?P<n>a\s+few|{NUMBER_LIKE})\s+(?P<unit>{UNIT})\s+later\s*,?\s+(?:(?:he|she|the\s+patient|they)\s+)?"
    r"(?:was\s+|were\s+)?(?:(?:then|finally|eventually)\s+)?"
    r"(?:admitted|presented|hospitali[sz]ed|referred|brought|attended|came|went)\b",
    re.IGNORECASE)


def _admitted_later_than_onset(history: str, low: str) -> tuple[int, str] | None:
    """(days from the onset to the admission, evidence) when a sentence opens with the admission "N days later"
    and the sentence before it tells the patient's onset (an onset verb and a symptom, no admission of its own):
    read only as ``onset_gap``'s last resort (no symptom span, no day of illness told)."""
    if "later" not in low:
        return None
    for m in _ADMITTED_LATER.finditer(history):
        s_start = sentence_at(history, m.start())[0]
        if history[s_start:m.start()].strip() or _TO_ICU.match(history, m.end()):
            continue  # the time must open its sentence: "on day 3 she developed fever; 2 days later she ..."
        before = [span for span in sentence_spans(history) if span[1] <= s_start]
        if not before:
            continue
        b_start, b_end = before[-1]
        amount = amount_in_days(m.group("n"), m.group("unit")) if is_amount(m.group("n")) else None
        if (amount is not None and _ONSET_CUES.search(history, b_start, b_end)
                and SYMPTOM_WORDS.search(history, b_start, b_end)
                and not _ADMISSION_CUES.search(history, b_start, b_end)
                and not about_other_person(history, b_start, b_end)
                and not about_other_person(history, m.start(), m.end())):
            return amount, m.group(0)
    return None



# A visit before the hospital's (the general practitioner's, a clinic's, an outpatient scan) and the admission told
# some days after it: "with fever since 3 days consulted his general practitioner ... he was admitted two days later",
# "with a 3-day history of cough was seen in a respiratory clinic ... Five days later he was admitted", "Outpatient CT
# on day 4 of symptoms. Admitted 3 days later": the illness's span or day is the visit's, the admission's that many
# days more.
_VISIT_OUTSIDE = compile_fast(
    r"\b(?:general\s+practitioner|family\s+(?:doctor|physician)|GP|primary[- ]care|out-?patient|"
    r"(?:respiratory|fever|walk-in|private|local|community|ambulatory)\s+clinic|health\s+cent(?:er|re)|"
    r"urgent\s+care)\b", re.IGNORECASE)
_ADMITTED_DAYS_LATER = compile_fast(
    rf"\b(?:admitted|hospitali[sz]ed|referred)\b[^.;,]{{0,60}}?\b(?P<n>a\s+few|{NUMBER_LIKE})\s+(?P<unit>{UNIT})\s+"
    rf"later\b|\b(?P<n2>a\s+few|{NUMBER_LIKE})\s+(?P<unit2>{UNIT})\s+later\s*,?\s+"
    r"(?:(?:he|she|the\s+patient|they)\s+)?(?:was\s+|were\s+)?(?:(?:then|finally|eventually)\s+)?"
    r"(?:admitted|hospitali[sz]ed|referred)\b", re.IGNORECASE)


def _admitted_after_visit(history: str, at: int) -> tuple[int, str] | None:
    """(days from a visit outside the hospital to the admission, evidence) when the sentence at ``at`` tells the
    visit (``_VISIT_OUTSIDE``, no admission of its own before it) and the admission follows "N days later" in that
    sentence or the next one (not a move to the intensive care unit, not another person's)."""
    s_start, s_end = sentence_at(history, at)
    visit = _VISIT_OUTSIDE.search(history, s_start, s_end)
    if visit is None or _ADMISSION_CUES.search(history, s_start, visit.start()):
        return None
    end = sentence_at(history, s_end + 1)[1] if s_end < len(history) else s_end
    later = _ADMITTED_DAYS_LATER.search(history, visit.end(), end)
    if later is None or _CARE_UNIT.search(history, later.start(), sentence_at(history, later.start())[1]) \
            or _ADMISSION_CUES.search(history, visit.end(), later.start()) \
            or about_other_person(history, later.start(), later.end()):
        return None
    n, unit = (later.group("n"), later.group("unit")) if later.group("n") else (later.group("n2"),
                                                                                later.group("unit2"))
    amount = amount_in_days(n, unit) if is_amount(n) else None
    return None if amount is None else (amount, later.group(0))


#: A first visit that sends the patient home ("she was sent home in quarantine", "dimessa a domicilio"): the
#: admission told "N days later" after it is a second coming (``_admitted_after_sent_home``).
_SENT_HOME = compile_fast(
    r"\b(?:dimess[oa]\s+a\s+domicilio|rinviat[oa]\s+a\s+domicilio|sent\s+(?:back\s+)?home|discharged\s+home\s+from\s+"
    r"the\s+emergency)\b", re.IGNORECASE)
#: A stay begun (not a visit: "seen in the emergency department" is the visit that sends the patient home).
_STAY_BEGUN = compile_fast(r"\b(?:admitted|hospitali[sz](?:ed|ation)|ricoverat[oa]|ricovero)\b", re.IGNORECASE)
#: How many sentences after the span's the visit sending the patient home may be told.
_SENT_HOME_SENTENCES = 3


def _admitted_after_sent_home(history: str, at: int) -> tuple[int, str] | None:
    """(days from a first visit that sent the patient home to the admission, evidence): the span at ``at`` told at
    the first visit ("Since 4 days she suffered from fever ... The initial chest X-ray was without findings and she
    was sent home in quarantine. Three days later she was admitted": 3), the patient sent home in the span's sentence
    or the few after it and no stay begun before (a visit is: "seen in the emergency department"), and admitted
    "N days later" in that sentence or the next (``_admitted_after_visit``'s conditions)."""
    s_start = sentence_at(history, at)[0]
    spans = [span for span in sentence_spans(history) if span[0] >= s_start][:_SENT_HOME_SENTENCES + 1]
    home = _SENT_HOME.search(history, s_start, spans[-1][1]) if spans else None
    if home is None or _STAY_BEGUN.search(history, 0, home.start()) \
            or about_other_person(history, home.start(), home.end()):
        return None
    h_end = sentence_at(history, home.start())[1]
    end = sentence_at(history, h_end + 1)[1] if h_end < len(history) else h_end
    later = _ADMITTED_DAYS_LATER.search(history, home.end(), end)
    if later is None or _CARE_UNIT.search(history, later.start(), sentence_at(history, later.start())[1]) \
            or _ADMISSION_CUES.search(history, home.end(), later.start()) \
            or about_other_person(history, later.start(), later.end()):
        return None
    n, unit = (later.group("n"), later.group("unit")) if later.group("n") else (later.group("n2"),
                                                                                later.group("unit2"))
    amount = amount_in_days(n, unit) if is_amount(n) else None
    return None if amount is None else (amount, later.group(0))


def visit_before_admission(history: str) -> Moment | None:
    """The day of the visit before the admission, when the history tells the admission some days after a visit
    (outside the hospital: ``_admitted_after_visit``; or one that sent the patient home: ``_admitted_after_sent_home``)
    and the illness's span or day at that visit ("with fever since 3 days consulted his general practitioner ...
    admitted two days later": 3; "Outpatient CT on day 4 of symptoms. Admitted 3 days later": 4); None otherwise, or
    when ``onset_gap`` reads the admission's day from other words."""
    gap = onset_gap(history)
    if gap is None or "later" not in text_context(history).lower:
        return None
    found = _illness_history(history)
    if found is not None:
        later = _admitted_after_visit(history, found[1].start()) or _admitted_after_sent_home(history,
                                                                                              found[1].start())
        if later is not None and gap[0] == found[0] + later[0]:
            return Moment(SINCE_ONSET, found[0], found[1].group(0), "history")
        return None
    for matches, parts in ((_ordinal_day_matches, _ordinal_day_parts), (_day_n_matches, _day_n_parts)):
        for m in matches(history):
            later = _admitted_after_visit(history, m.start())
            if later is not None and gap[0] == parts(m)[0] + later[0] and gap[1].startswith(m.group(0)):
                return Moment(SINCE_ONSET, parts(m)[0], m.group(0), "history")
    return None


def _visit_day_then_admission(history: str, low: str) -> tuple[int, str] | None:
    """``onset_gap``'s last resort: a visit outside the hospital told on a day of the illness ("Outpatient CT on day 4
    of symptoms. Admitted 3 days later with hypoxia": 7), the admission some days after it
    (``_admitted_after_visit``)."""
    if "later" not in low or not has_any(low, ("day", "giornata")):
        return None
    for matches, parts in ((_ordinal_day_matches, _ordinal_day_parts), (_day_n_matches, _day_n_parts)):
        for m in matches(history):
            n, qual, connector, base = parts(m)
            moment = _day_moment(n, qual, connector.strip(), base, m.group(0), "history")
            later = _admitted_after_visit(history, m.start()) if moment is not None \
                and moment.kind == SINCE_ONSET and not about_other_person(history, m.start(), m.end()) else None
            if later is not None:
                return n + later[0], f"{m.group(0)}{EVIDENCE_JOIN}{later[1]}"
    return None

# The onset told as a time after a dated exposure (a cluster's healthcare workers, a household, a gathering):
# "worked her last shift with the index patient on 3 March. Symptoms began 4 days after the last shift",
# "his last contact with the patient on 4 March. He became symptomatic 6 days after this exposure".
#: The event may carry an article and up to two words of its own ("three days after a family dinner on 20 January")
#: or be told by its verb ("two days after returning from Wuhan on 20 January", "after arriving from Milan").
_EVENT_AFTER = (r"after\s+(?:(?:the|his|her|their|this|that|a|an)\s+)?(?:(?:last|latest|first|index)\s+)?"
                r"(?:(?!(?:onset|start|beginning|admission|discharge|surgery|treatment)\b)[a-z]+(?:-[a-z]+)?\s+){0,2}?"
                r"(?P<what>shift|contact|exposure|return(?:ing)?|trip|flight|visit|meeting|gathering|party|dinner|"
                r"wedding|funeral|arriv(?:al|ing)|reunion|banquet|celebration|holiday|vacation)s?\b")
_ONSET_AFTER_EVENT = compile_fast(
    rf"\b(?:began|begun|started|appeared|developed|became\s+(?:symptomatic|ill|unwell)|fell\s+ill|onset)\b"
    rf"[^.;]{{0,40}}?\b(?P<n>{NUMBER_LIKE})\s+(?P<unit>{UNIT})\s+{_EVENT_AFTER}",
    re.IGNORECASE)
#: The onset told by its verb alone ("became unwell 4 days after returning from Milan", "fell ill", "became
#: symptomatic"): the patient's illness without a symptom named.
_BECAME_ILL = compile_fast(r"\b(?:became\s+(?:symptomatic|ill|unwell|sick)|fell\s+ill|symptomatic)\b", re.IGNORECASE)
#: The exposure's own words in the sentence dating it ("worked her last shift with the index patient on 3 March").
_EXPOSURE_WORDS = compile_fast(r"\b(?:shifts?|contacts?|exposed|exposure|returned|return|trip|flight|visit(?:ed)?|"
                               r"meeting|gathering|party|dinner|wedding|funeral|arrived|reunion|banquet|celebration)\b",
                               re.IGNORECASE)
#: How many sentences before the onset's the exposure's date may be told.
_EXPOSURE_SENTENCES_BACK = 2


def onset_after_dated_exposure(history: str, day_first: bool = False) -> tuple[date, str, tuple[int, int]] | None:
    """(onset date, evidence, the onset sentence's span) when the history tells the onset as a time after an
    exposure it dates (``_exposure_date``): the exposure's date plus the time. None when not told, about another
    person, or when the exposure's words hold no date or several."""
    if "after" not in history:
        return None
    for m in _ONSET_AFTER_EVENT.finditer(history):
        s_start, s_end = sentence_at(history, m.start())
        sentence = history[s_start:s_end]
        if (not (SYMPTOM_WORDS.search(sentence) or _BECAME_ILL.search(m.group(0)))
                or (about_other_person(history, m.start(), m.end()) and not _contact_with_other(history, m))):
            continue
        if dates_in(history[m.start():m.start("n")], day_first):
            continue  # "developed fever on 24 February, three days after returning from Milan": the onset's own date
        days = amount_in_days(m.group("n"), m.group("unit")) if is_amount(m.group("n")) else None
        exposed = _exposure_date(history, m, (s_start, s_end), day_first)
        if days is not None and exposed is not None:
            when, words = exposed
            return (date.fromordinal(when.toordinal() + days), f"{words}{EVIDENCE_JOIN}{m.group(0)}",
                    (s_start, s_end))
    return None


#: An onset told as a time before a later moment of the illness the same clause dates: "Her illness had started with
#: a dry cough, fever and headache 3 days before she was swabbed at a drive-through testing centre on 27 March",
#: "symptoms began five days before her positive swab on 12 April", "developed fever 4 days prior to admission on 3
#: June": the onset is that date less the time (the date is the later moment's, not the onset's).
_ONSET_BEFORE_EVENT = compile_fast(
    rf"\b(?:began|begun|started|appeared|developed|became\s+(?:symptomatic|ill|unwell)|fell\s+ill|onset)\b"
    rf"[^.;]{{0,60}}?\b(?P<n>{NUMBER_LIKE})\s+(?P<unit>{UNIT})\s+(?:before|prior\s+to)\s+"
    r"(?:(?:she|he|the\s+patient)\s+(?:was\s+)?(?:swabbed|tested|admitted|hospitali[sz]ed|diagnosed|presented|"
    r"attended|visited|came)|(?:(?:the|his|her|a)\s+)?(?:(?:first|positive)\s+)*(?:swab|test|PCR|RT-PCR|admission|"
    r"presentation|diagnosis|hospitali[sz]ation))\b",
    re.IGNORECASE)


def onset_before_dated_event(history: str, day_first: bool = False) -> tuple[date, str, tuple[int, int]] | None:
    """(onset date, evidence, the onset sentence's span) when the history tells the onset as a time before a later
    moment its clause dates (``_ONSET_BEFORE_EVENT``): that date less the time. None when not told, about another
    person, or when the moment's clause holds no date or several."""
    if "before" not in history and "prior" not in history:
        return None
    for m in _ONSET_BEFORE_EVENT.finditer(history):
        s_start, s_end = sentence_at(history, m.start())
        if not SYMPTOM_WORDS.search(history, s_start, s_end) or about_other_person(history, m.start(), m.end()):
            continue
        days = amount_in_days(m.group("n"), m.group("unit")) if is_amount(m.group("n")) else None
        brk = _CLAUSE_END.search(history, m.end(), s_end)
        found = dates_in(history[m.end():brk.start() if brk else s_end], day_first)
        if days is not None and len({value for _, _, value in found}) == 1:
            a, b, value = found[0]
            words = history[m.end() + a:m.end() + b]
            return (date.fromordinal(value.toordinal() - days), f"{m.group(0)}{EVIDENCE_JOIN}{words}",
                    (s_start, s_end))
    return None


#: A test or a diagnosis its clause dates, told as coming after a span of symptoms: "He was tested positive for
#: SARS-CoV-2 by RT-PCR on 9 February 2021, after four days of fever, cough and loss of smell", "COVID-19 was
#: diagnosed on 3 November after a week of fever", "was confirmed positive on 2 April, after 5 days of symptoms": the
#: span ends on the test's day, not on a presentation the history may date weeks later ("On 15 March 2021 he came to
#: emergency department"); the onset is that date less the span (``onset_before_dated_event``, the other order).
_TEST_BEFORE_SPAN = compile_fast(
    r"\b(?:tested|swabbed|diagnosed|confirmed)\b(?P<dated>[^.;]{0,80}?),?\s+after\s+(?:(?:about|approximately|"
    rf"nearly|almost)\s+)?(?P<n>{NUMBER_LIKE})\s+(?P<unit>{UNIT})\s+(?:of|with)\s+(?P<what>[^.;]{{0,60}})",
    re.IGNORECASE)


def dated_test_after_span(history: str, day_first: bool = False) -> tuple[date, str, tuple[int, int]] | None:
    """(onset date, evidence, the sentence's span) when the history dates a test or a diagnosis of the patient told
    as coming after a span of symptoms (``_TEST_BEFORE_SPAN``): the test's date less the span. None when not told,
    about another person, when the span names no symptom, or when the test's words hold no date or several."""
    if "after" not in history or not has_any(history.lower(), ("tested", "swabbed", "diagnosed", "confirmed")):
        return None
    for m in _TEST_BEFORE_SPAN.finditer(history):
        s_start, s_end = sentence_at(history, m.start())
        if not SYMPTOM_WORDS.search(m.group("what")) or about_other_person(history, m.start(), m.end()):
            continue
        days = amount_in_days(m.group("n"), m.group("unit")) if is_amount(m.group("n")) else None
        found = dates_in(m.group("dated"), day_first)
        if days is not None and len({value for _, _, value in found}) == 1:
            a, b, value = found[0]
            words = m.group("dated")[a:b]
            return (date.fromordinal(value.toordinal() - days),
                    f"{words}{EVIDENCE_JOIN}{history[m.start('n') - len('after '):m.end('unit')]}", (s_start, s_end))
    return None



#: A symptom's start tied to the moment of a dated clause before it in the sentence: "On 12.03.2020 she returned
#: from a trip to northern Italy and in the same evening fever up to 38.9°C appeared", "On 3 March she attended a
#: wedding; that same night she developed chills", "Il 5 marzo rientra da Milano e la sera stessa compare febbre"
#: (the date goes to the clause's own cue, the trip; the onset is that day).
_SAME_DAY_ONSET = compile_fast(
    r"\b(?:(?:in|on|during|by)\s+)?(?:the\s+(?:very\s+)?same\s+|that\s+(?:same\s+|very\s+)?)"
    r"(?:day|evening|night|morning|afternoon)\b"
    r"|\b(?:(?:la|lo|nella|nello|in|nel)\s+)?(?:stess[ao]\s+(?:sera(?:ta)?|giorn(?:o|ata)|notte|mattin(?:a|ata))"
    r"|(?:sera(?:ta)?|giorn(?:o|ata)|notte|mattin(?:a|ata))\s+stess[ao])\b",
    re.IGNORECASE)
#: The verbs of a symptom's beginning after that phrase, the symptom their subject or object ("fever ... appeared",
#: "she developed chills", "compare febbre").
_SAME_DAY_ONSET_VERB = compile_fast(
    r"\b(?:appeared|occurred|arose|emerged|began|begun|started|developed|set\s+in|felt\s+(?:feverish|unwell|ill)|"
    r"fell\s+ill|compa(?:re|rve|riva|iono|rvero|rivano)|insor(?:ge|se|geva|gono|sero)|esord\w+|inizi[aò])\b",
    re.IGNORECASE)
_SAME_DAY_ONSET_CHARS = 80


#: Where a clause's list ends (the symptom after "the same evening" must be told before it; not at a full stop's
#: dot, which a temperature holds: "fever up to 38.9°C").
_LIST_STOP = compile_fast(r"[;:]")


def onset_same_day_as_dated_event(history: str, day_first: bool = False) -> tuple[date, str, tuple[int, int]] | None:
    """(onset date, evidence, the sentence's span) when a symptom begins "in the same evening" / "the same day" /
    "la sera stessa" of a moment the sentence dates before that phrase (``_SAME_DAY_ONSET``): that date. None when
    not told, about another person, when the clause after the phrase names no symptom or tells no beginning, or
    when the words before the phrase hold no date or several, or another date follows it."""
    low = history.lower()
    if not has_any(low, ("same", "that ", "stess")):
        return None
    for m in _SAME_DAY_ONSET.finditer(history):
        s_start, s_end = sentence_at(history, m.start())
        stop = min(s_end, m.end() + _SAME_DAY_ONSET_CHARS)
        brk = _LIST_STOP.search(history, m.end(), stop)
        stop = brk.start() if brk else stop
        verb = _SAME_DAY_ONSET_VERB.search(history, m.end(), stop)
        if (verb is None or not SYMPTOM_WORDS.search(history, m.end(), stop)
                or about_other_person(history, m.start(), stop)
                or _PASSIVE_START.search(history, max(m.end(), verb.start() - 24), verb.start())
                or dates_in(history[m.end():s_end], day_first)):
            continue
        found = dates_in(history[s_start:m.start()], day_first)
        if len({value for _, _, value in found}) != 1:
            continue
        a, b, value = found[0]
        return value, f"{history[s_start + a:s_start + b]}{EVIDENCE_JOIN}{history[m.start():verb.end()]}", (s_start,
                                                                                                          s_end)
    return None




#: An onset told as a time before the moment its sentence has just dated, the moment not named again: "visited a
#: local clinic on February 17 for myalgia that had started two days earlier", "Swab-confirmed on 3 March,
#: symptomatic since the day before", "tested positive on 5 May; her cough had begun three days before." (not "the
#: day before admission": a moment named after it is that moment's, ``onset_before_dated_event``).
_ONSET_EARLIER_THAN_DATED = compile_fast(
    rf"\b(?:(?:had\s+)?(?:started|begun|began|appeared|developed)|symptomatic\s+since|ill\s+since)\s+"
    rf"(?:the\s+(?:day|evening|night)\s+before|the\s+previous\s+(?:day|evening|night)|"
    rf"(?P<n>{NUMBER_LIKE})\s+(?P<unit>{UNIT})\s+(?:earlier|before))(?=[,.;)]|\s+(?:and|with)\b|\s*$)",
    re.IGNORECASE)

#: The same told as the span the patient had at that moment, in the pluperfect: "tested positive on 9 November, when
#: she had already had a cough for four days", "was seen at a clinic on 3 March, having had fever for 2 days".
_SPAN_AT_DATED_MOMENT = compile_fast(
    r"\b(?:(?:when|as)\s+(?:he|she|they|the\s+patient)\s+had\s+(?:already\s+)?(?:had|been\s+\w+ing)"
    r"|having\s+(?:already\s+)?(?:had|been\s+\w+ing))\b[^.;]{0,50}?\b(?:for|since)\s+"
    rf"(?P<n>{NUMBER_LIKE})\s+(?P<unit>{UNIT})\b(?!\s+(?:later|after|before|ago|prior|earlier)\b)",
    re.IGNORECASE)
#: The same told as the span a patient had at a dated visit before the admission (a specialist's, a GP's: no
#: admission told before it in its sentence): "consulted her nephrologist on 2 April 2020 for asthenia and diarrhoea
#: evolving since 48 hours", "was seen by his family doctor on 3 March with a cough for 2 days".
_SPAN_AT_DATED_VISIT = compile_fast(
    r"\b(?:consult(?:ed|s)|visited|(?:was|were)\s+seen\s+(?:by|at|in))\b[^.;]{0,100}?\b(?:for|since)\s+"
    rf"(?P<n>{NUMBER_LIKE})\s+(?P<unit>{UNIT}|hours)\b(?!\s+(?:later|after|before|ago|prior|earlier)\b)",
    re.IGNORECASE)


def _span_days(m: re.Match[str]) -> int | None:
    """The days of a span matched with its number and unit: hours only when they make whole days ("48 hours" 2,
    "36 hours" none)."""
    if not is_amount(m.group("n")):
        return None
    if m.group("unit").lower() != "hours":
        return amount_in_days(m.group("n"), m.group("unit"))
    hours = amount_in_days(m.group("n"), "days")
    return hours // 24 if hours and hours % 24 == 0 else None


def onset_earlier_than_dated_moment(history: str, day_first: bool = False
                                    ) -> tuple[date, str, tuple[int, int]] | None:
    """(onset date, evidence, the sentence's span) when a symptom's start is told as a time before the moment its
    sentence dates before it (``_ONSET_EARLIER_THAN_DATED``): that date less the time. None when not told, when
    its sentence up to it tells of another person or an admission, when the sentence names no symptom, or when the
    words before it hold no date or several."""
    if not has_any(history.lower(), ("earlier", "before", "previous", "had had", "already had", "having had",
                                     "had been", "consulted", "consults", "visited", "seen")):
        return None
    visits = {m.start() for m in _SPAN_AT_DATED_VISIT.finditer(history)}
    for m in chain(_ONSET_EARLIER_THAN_DATED.finditer(history), _SPAN_AT_DATED_MOMENT.finditer(history),
                   _SPAN_AT_DATED_VISIT.finditer(history)):
        s_start, s_end = sentence_at(history, m.start())
        told = m.start("n") if m.start() in visits else m.start()  # (a visit's date is in its match)
        if (not SYMPTOM_WORDS.search(history, s_start, s_end) or about_other_person(history, s_start, m.end())
                or _ADMISSION_CUES.search(history, s_start, told)):
            continue  # (an admission dated before it: the history's span before the admission, ``onset_gap``'s)
        days = 1 if m.group("n") is None else _span_days(m)
        found = dates_in(history[s_start:told], day_first)
        if days is None or len({value for _, _, value in found}) != 1:
            continue
        a, b, value = found[0]
        return (date.fromordinal(value.toordinal() - days),
                f"{history[s_start + a:s_start + b]}{EVIDENCE_JOIN}{m.group(0)}", (s_start, s_end))
    return None

#: What may stand before an entry's date in a timeline of dated events: nothing, or the entry's day label ("Day 0 (2
#: March): headache and fever"), after the entry's start (the sentence's, a ";" or a heading's ":").
_ENTRY_LABEL = compile_fast(r"(?:(?:Day|D)\s*\d{1,3}\s*\()?", re.IGNORECASE)
#: What follows an entry's date before its event: a closing parenthesis, a colon, comma or dash ("2 February: fever
#: (38.2 °C) and cough", "Jan 30, sore throat", "3 March - fever"), then the event; a symptom's onset may be named
#: ("onset of fever", "first symptoms").
_ENTRY_AFTER = compile_fast(r"\s*\)?\s*(?:[:,]|\s[-\u2013\u2014])\s*(?:(?:onset\s+of|first)\s+)?", re.IGNORECASE)
#: Where an entry starts: the sentence's start, a ";", or a heading's ":" ("Clinical course: Jan 26, ...").
_ENTRY_START = compile_fast(r"[;:.]")


def _dated_entries(history: str, day_first: bool) -> list[tuple[date, int, int, int]]:
    """Each entry of a timeline of dated events the history flattens into prose (``onset_in_dated_entries``): (its
    date, the date's start and end, the event's start), the date opening its entry (``_ENTRY_LABEL``) and followed
    by its event (``_ENTRY_AFTER``)."""
    entries = []
    for start, end, value in dates_in(history, day_first):
        s_start, _s_end = sentence_at(history, start)
        opening = max([s_start] + [m.end() for m in _ENTRY_START.finditer(history, s_start, start)])
        if not _ENTRY_LABEL.fullmatch(history[opening:start].strip()):
            continue
        after = _ENTRY_AFTER.match(history, end)
        if after is not None:
            entries.append((value, start, end, after.end()))
    return entries


def onset_in_dated_entries(history: str, day_first: bool = False) -> tuple[date, str, tuple[int, int]] | None:
    """(onset date, evidence, the sentence's span) when the history is a timeline of dated events flattened into
    prose ("28 January: contact with her brother. 2 February: fever (38.2 °C) and cough. 4 February: visit to the
    fever clinic", "Clinical course: Jan 26, returned from Wuhan; Jan 30, sore throat; Feb 2, admission", "Day 0 (2
    March): headache and fever. Day 3 (5 March): ..."): the first entry whose event opens with a symptom is the
    onset's. None unless the history holds two entries at least and one opens with the patient's symptom."""
    entries = _dated_entries(history, day_first)
    if len(entries) < 2:
        return None
    for value, start, end, event in sorted(entries):
        if SYMPTOM_WORDS.match(history, event) and not about_other_person(history, start, event + 20):
            return value, f"{history[start:end]}{EVIDENCE_JOIN}{history[event:event + 20]}", sentence_at(history,
                                                                                                          start)
    return None

#: The people the patient met, the object of the contact ("close contact with his brother", "exposure to her
#: infected colleague"): not the clause's subject.
_CONTACT_WITH = compile_fast(r"\b(?:contact|exposure|exposed)\s+(?:with|to)\s+(?:(?:his|her|their|a|an|the)\s+)?"
                             r"(?:[\w-]+\s+){0,2}$", re.IGNORECASE)
#: The patient as the subject of the onset's own clause: "and his symptoms started", "and she became ill".
_PATIENT_SUBJECT = compile_fast(r"\b(?:he|she|his|her|the\s+patient(?:'s)?)\b", re.IGNORECASE)


def _contact_with_other(history: str, m: re.Match[str]) -> bool:
    """True when the other people of the onset ``m``'s clause are only those the patient had contact with
    ("close contact with his brother on 1 March, and his symptoms started 5 days after this contact"), the onset's
    own words after them telling the patient as their subject, no other person."""
    c_start, c_end = clause_at(history, m.start())
    others = list(OTHER_PERSON.finditer(history, c_start, m.start()))
    if not others or OTHER_PERSON.search(history, m.start(), c_end):
        return False
    if not all(_CONTACT_WITH.search(history, max(c_start, o.start() - 40), o.start()) for o in others):
        return False
    join = _CLAUSE_END.search(history, others[-1].end(), m.start())
    own = history[join.end() if join else others[-1].end():m.start()]
    return join is not None and bool(_PATIENT_SUBJECT.search(own)) and not OTHER_PERSON.search(own)


def _exposure_date(history: str, m: re.Match[str], sentence: tuple[int, int], day_first: bool
                   ) -> tuple[date, str] | None:
    """The date of the exposure an onset ``m`` counts from, with its words: told in ``m``'s clause ("4 days after
    his return from Milan on 21 February"), else in the nearest sentence telling an exposure, the onset's own
    before ``m`` or one of the ``_EXPOSURE_SENTENCES_BACK`` before it ("worked her last shift ... on 3 March.
    Symptoms began 4 days after the last shift"). None when the words found hold several dates, or none."""
    s_start, s_end = sentence
    brk = _CLAUSE_END.search(history, m.end(), s_end)
    before = [span for span in sentence_spans(history) if span[0] < s_start][-_EXPOSURE_SENTENCES_BACK:]
    places = [(m.start(), brk.start() if brk else s_end), (s_start, m.start()), *reversed(before)]
    for i, (start, end) in enumerate(places):
        if i and not _EXPOSURE_WORDS.search(history, start, end):
            continue
        found = {value: (a, b) for a, b, value in dates_in(history[start:end], day_first)}
        if not found and not i:
            continue  # the clause names the exposure without its date: told before
        if len(found) != 1:
            return None
        ((value, (a, b)),) = found.items()
        return value, history[start + a:start + b]
    return None


def _presented_on_day_of_illness(history: str, low: str) -> tuple[int, str] | None:
    """The presentation told as a day of the illness ("was brought to the emergency department on
    the fourth day of fever", "admitted on day 5 of symptoms"): the admission is that day. A sentence
    naming a film gives that film's day instead, and one about another person not this patient's."""
    if not (has_any(low, ("day", "giornata")) or _abbreviated_day_matches(history)) \
            or not (_ADMISSION_CUES.search(history) or _CONSULTS.search(history)):
        return None  # every note says "day"; a day told is the presentation's only in a sentence of the admission
    return _day_of_illness_told(history, lambda sentence: _ADMISSION_CUES.search(sentence) is not None
                                or _consults_here(sentence))


#: The patient's visit told by the Spanish and Portuguese "consulta" calqued: "who consults on the ninth day of fever",
#: "consulted on day 5 of symptoms" (not "was consulted", a specialist's; not "consulted with cardiology").
_CONSULTS = compile_fast(r"(?<!\bwas\s)(?<!\bwere\s)\b(?:consults|consulted|consulting)\b(?!\s+with\b)",
                         re.IGNORECASE)


def _consults_here(sentence: str) -> bool:
    """A visit told as "consults" (``_CONSULTS``) that names no place outside the hospital (a general practitioner's,
    a clinic's: ``_VISIT_OUTSIDE``, whose day is not the admission's)."""
    return _CONSULTS.search(sentence) is not None and _VISIT_OUTSIDE.search(sentence) is None


def _day_of_illness_told(history: str, arrival: Callable[[str], bool]) -> tuple[int, str] | None:
    """The first day of the illness the history tells ("on the fourth day of fever", "day 15 of
    illness") in a sentence ``arrival`` takes for the patient's arrival, naming no film and about no
    other person: (the day, its words)."""
    for matches, parts in ((_ordinal_day_matches, _ordinal_day_parts), (_day_n_matches, _day_n_parts),
                           (_abbreviated_day_matches, _abbreviated_day_parts)):
        for m in matches(history):
            n, qual, connector, base = parts(m)
            moment = _day_moment(n, qual, connector.strip(), base, m.group(0), "history")
            s_start, s_end = sentence_at(history, m.start())
            if (moment is not None and moment.kind == SINCE_ONSET and arrival(history[s_start:s_end])
                    and not IMAGE_WORDS.search(history, s_start, s_end)
                    and not about_other_person(history, m.start(), m.end())):
                return n, m.group(0)
    return None


# The patient's age as a history's opening sentence introduces them: "A 70-year-old man", "aged 70",
# "Paziente maschio di 70 anni", "Uomo, 62 anni", "di anni 53".
_INTRODUCED_AGE = compile_fast(
    r"\b\d{1,3}\s*-?\s*(?:years?|yrs?)\s*-?\s*old\b|\baged\s+\d{1,3}\b|\b\d{1,3}\s+anni\b|\bdi\s+anni\s+\d{1,3}\b",
    re.IGNORECASE)


def _introduced_on_day_of_illness(history: str) -> tuple[int, str] | None:
    """The patient introduced on a day of the illness ("Paziente maschio di 70 anni, in quinta giornata
    di febbre, tosse", "A 70-year-old man on the fifth day of fever"), or the history opening with it ("Day 12 of
    COVID-19 illness, rising oxygen requirement": ``_OPENS_WITH_DAY``): the history's opening sentence
    presents the patient as the radiologists met them, so its day of the illness is the presentation's.
    Read only as ``onset_gap``'s last resort; a later sentence ("She was tested on the fourth day of
    symptoms") may date anything."""
    _, end = sentence_at(history, 0)
    opening = history[:end]
    if not _INTRODUCED_AGE.search(opening) and not _OPENS_WITH_DAY.match(opening.lstrip()):
        return None
    return _day_of_illness_told(opening, lambda sentence: True)


#: A history opening with the day of the illness, as a case site's presentation line does: "Day 12 of COVID-19
#: illness, rising oxygen requirement", "Day 10 of symptoms. Worsening dyspnoea." (the presentation's day, as the
#: patient introduced on it: ``_introduced_on_day_of_illness``).
_OPENS_WITH_DAY = compile_fast(r"(?:on\s+)?(?:the\s+)?day\s+\d{1,2}\s+(?:of|after)\b", re.IGNORECASE)


# A care word: a transfer to one of these is a move inside the stay, not the arrival the films follow.
_CARE_UNIT = compile_fast(r"\b(?:ICU|ITU|HDU|intensive|critical\s+care)\b", re.IGNORECASE)


def _transferred_on_day_of_illness(history: str, low: str) -> tuple[int, str] | None:
    """The arrival in the authors' hospital told as a transfer on a day of the illness ("Hospitalised
    elsewhere two weeks ago. Transferred on day 15 of illness for ECMO assessment"): the presentation
    is that day. Read only as ``onset_gap``'s last resort (no admission or symptom span of its own), and
    only a transfer into "our"/"this" unit or a sentence opening with it that names no care unit (a
    ward patient's move to the ICU is within the stay)."""
    if "transferred" not in low or not has_any(low, ("day", "giornata")):
        return None
    return _day_of_illness_told(history, _transfer_in)


def _transfer_in(sentence: str) -> bool:
    """A transfer into the authors' unit ("transferred to our unit") or a sentence opening with one
    that names no care unit ("Transferred on day 15 of illness for ECMO assessment")."""
    return bool(_TRANSFER_IN.search(sentence) or (
        re.match(r"\s*transferred\b", sentence, re.IGNORECASE) and not _CARE_UNIT.search(sentence)))


# --- An image's own moment -----------------------------------------------------------------------


def filename_day(filename: str) -> tuple[int, str] | None:
    """The day label of a file name ("...-day5.jpg", "..._day-0.png", "...-3-days.jpg",
    "...-admission.jpg"): (N, the label)."""
    m = _DAY_IN_NAME.search(filename)
    if m:
        return int(m.group(1)), m.group(0).strip("-_. ")
    m = _TIME_ENDING_NAME.search(filename) if "-" in filename or "_" in filename else None
    if m is None:
        return None
    if m.group("first"):
        return 0, m.group("first")
    days = int(m.group("n")) * (7 if m.group("unit").lower().startswith("week") else 1)
    return days, filename[m.start("n"):m.end("unit")]


@lru_cache(maxsize=4096)
def dates_in(text: str, day_first: bool = False) -> tuple[tuple[int, int, date], ...]:
    """(start, end, date) of the dates of ``text``; a slashed date only when written day first
    (``day_first``, or a first number over 12); a dotted one with its year always day first; an ISO one
    ("2020-02-12") and one opening with its year ("2020.02.12", "2020/2/12") year first."""
    found: list[tuple[int, int, date]] = []
    named = bool(text_context(text).words & _MONTH_WORDS)
    # every named date holds a month's name: the windows around numbers far from one ("may" is a
    # month and a verb) are not scanned
    months = tuple(m.start() for m in _MONTH_START.finditer(text)) if named else ()
    for m in (finditer_near(_NAMED_DATE, text, _DAY_NUMBER, 16, 12, need=months) if named else ()):
        month = MONTHS.get((m.group("mon") or m.group("mon2") or "").lower().rstrip("."))
        day, year = m.group("d") or m.group("d2"), m.group("y") or m.group("y2")
        value = _date(int(year) if year else _SOME_YEAR, month, int(day)) if month else None
        if value is not None:
            found.append((m.start(), m.end(), value))
    for m in (_SLASHED_DATE.finditer(text) if "/" in text else ()):
        a, b = int(m.group("d")), int(m.group("m"))
        if not (day_first or a > 12) or any(s <= m.start() < e for s, e, _ in found):
            continue
        year = int(m.group("y")) if m.group("y") else _SOME_YEAR
        value = _date(year + 2000 if year < 100 else year, b, a)
        if value is not None:
            found.append((m.start(), m.end(), value))
    for m in (_DOTTED_DATE.finditer(text) if "." in text else ()):
        value = _date(int(m.group("y")), int(m.group("m")), int(m.group("d")))
        if value is not None and not any(s <= m.start() < e for s, e, _ in found):
            found.append((m.start(), m.end(), value))
    for m in (_ISO_DATE.finditer(text) if "-" in text else ()):
        value = _date(int(m.group("y")), int(m.group("m")), int(m.group("d")))
        if value is not None:
            found.append((m.start(), m.end(), value))
    for m in (_YEAR_FIRST_DATE.finditer(text) if "." in text or "/" in text else ()):
        value = _date(int(m.group("y")), int(m.group("m")), int(m.group("d")))
        if value is not None and not any(s <= m.start() < e for s, e, _ in found):
            found.append((m.start(), m.end(), value))
    if text_context(text).words & _HOLIDAY_OR_WEEKDAY_WORDS:
        found.extend(_holiday_and_weekday_dates(text, found))
    return tuple(sorted(found, key=lambda f: f[0]))


#: The holidays a history dates a moment by ("the day after Thanksgiving", "on Easter Monday", "the Tuesday after
#: Easter", "on the eve of the Spring Festival"): each its day in a year (None when its year is not known).
_SPRING_FESTIVAL = {2019: date(2019, 2, 5), 2020: date(2020, 1, 25), 2021: date(2021, 2, 12), 2022: date(2022, 2, 1),
                    2023: date(2023, 1, 22)}


def _easter(year: int) -> date:
    """Easter Sunday of ``year`` (the Gregorian computus)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = divmod(b, 4)
    g = (8 * b + 13) // 25
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    L = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * L) // 451
    month, day = divmod(h + L - 7 * m + 114, 31)
    return date(year, month, day + 1)


def _holiday(name: str, year: int) -> date | None:
    name = " ".join(name.lower().replace("’", "'").split())
    if name.startswith("easter"):
        return date.fromordinal(_easter(year).toordinal() + (1 if name.endswith("monday") else 0))
    if name == "good friday":
        return date.fromordinal(_easter(year).toordinal() - 2)
    if name.startswith("thanksgiving"):  # the fourth Thursday of November (the United States')
        first = date(year, 11, 1)
        return date(year, 11, 1 + (3 - first.weekday()) % 7 + 21)
    if name.startswith("christmas"):
        return date(year, 12, 24 if name.endswith("eve") else 25)
    if name.startswith("new year"):
        return date(year - 1, 12, 31) if name.endswith("eve") else date(year, 1, 1)
    return _SPRING_FESTIVAL.get(year)


_HOLIDAY_NAMES = (r"easter(?:\s+(?:sunday|monday|weekend))?|good\s+friday|thanksgiving(?:\s+day)?|"
                  r"christmas(?:\s+(?:eve|day))?|new\s+year[’']?s?\s+(?:eve|day)|"
                  r"(?:chinese|lunar)\s+new\s+year|spring\s+festival")
#: A day told by a holiday: the holiday itself, "the day after (before) X", "the eve of X", "the Saturday of the
#: Easter weekend", "the Tuesday after Easter".
_HOLIDAY_DATE = compile_fast(
    rf"\b(?:(?:the\s+)?(?:day\s+(?P<rel>after|before)\s+|eve\s+of\s+|(?P<wd>{_WEEKDAY_NAMES})\s+"
    rf"(?P<wrel>of|after|before)\s+)(?:the\s+)?)?(?P<h>{_HOLIDAY_NAMES})\b", re.IGNORECASE)
#: A weekday told alone in a history's course: "transferred to our hospital on the Thursday", "on Friday she was
#: admitted" (not "the following Monday", placed from the admission's weekday; not a weekday a date follows).
_ON_WEEKDAY = compile_fast(rf"\bon\s+(?:the\s+)?(?P<wd>{_WEEKDAY_NAMES})\b(?!\s*\d)", re.IGNORECASE)
_HOLIDAY_OR_WEEKDAY_WORDS = frozenset(("easter", "good", "thanksgiving", "christmas", "new", "spring",
                                       *_WEEKDAYS))


def _holiday_and_weekday_dates(text: str, found: list[tuple[int, int, date]]) -> list[tuple[int, int, date]]:
    """The days a text tells by a holiday or by a weekday alone (``dates_in``). A holiday's year is the latest the
    text's dates write (an illness is the latest thing a history tells), else ``_SOME_YEAR``'s; a weekday alone is
    the first such weekday after the date told before it, read only when that date's weekday is known (its year
    written, or a holiday's: "on Easter Monday ... transferred on the Thursday"), within a week."""
    years = [v.year for s, e, v in found if str(v.year) in text[s:e]]
    year = max(years) if years else _SOME_YEAR
    known = [(s, e, v) for s, e, v in found if str(v.year) in text[s:e]]
    extra: list[tuple[int, int, date]] = []
    for m in _HOLIDAY_DATE.finditer(text):
        if any(s <= m.start() < e or m.start() <= s < m.end() for s, e, _ in found):
            continue
        base = _holiday(m.group("h"), year)
        if base is None or (m.group("h").lower().endswith("weekend") and not m.group("wd")):
            continue  # a weekend is no one day
        if m.group("rel"):
            base = date.fromordinal(base.toordinal() + (1 if m.group("rel").lower() == "after" else -1))
        elif m.group("wd"):
            want, rel = _WEEKDAYS.index(m.group("wd").lower()), m.group("wrel").lower()
            shift = ((want - base.weekday()) % 7 or (7 if rel == "after" else 0)) if rel != "before" \
                else -((base.weekday() - want) % 7 or 7)
            if rel == "of" and shift > 3:
                shift -= 7  # the Saturday of the Easter weekend: the nearest
            base = date.fromordinal(base.toordinal() + shift)
        elif m.group(0).lower().startswith(("eve", "the eve")):
            base = date.fromordinal(base.toordinal() - 1)
        extra.append((m.start(), m.end(), base))
    known = sorted(known + extra, key=lambda f: f[0])
    if not found and not known:
        extra = known = _weekday_anchor(text)
    for m in (_ON_WEEKDAY.finditer(text) if text_context(text).words & _WEEKDAY_WORDS else ()):
        if any(s <= m.start("wd") < e or m.end() <= s <= m.end() + 3 for s, e, _ in (*found, *extra)):
            continue  # a holiday's weekday, or a date's ("on Tuesday, December 1, 2020")
        before = [v for s, e, v in known if e <= m.start()]
        want = _WEEKDAYS.index(m.group("wd").lower())
        if not before:
            if (day := _weekday_before_dated_weekday(text, m.end(), want, found)) is not None:
                extra.append((m.start("wd"), m.end(), day))
                known = sorted(known + [extra[-1]], key=lambda f: f[0])
            continue
        day = date.fromordinal(before[-1].toordinal() + ((want - before[-1].weekday()) % 7 or 7))
        extra.append((m.start("wd"), m.end(), day))
        known = sorted(known + [extra[-1]], key=lambda f: f[0])
    return extra


#: A date told with its weekday before it: "on Saturday, 9 May 2020", "Saturday 9 May" (the weekday's name ends the
#: text before the date).
_WEEKDAY_BEFORE_DATE = compile_fast(rf"\b(?P<wd>{_WEEKDAY_NAMES}),?\s*(?:the\s+)?$", re.IGNORECASE)


def _weekday_before_dated_weekday(text: str, end: int, want: int,
                                  found: list[tuple[int, int, date]]) -> date | None:
    """A weekday told alone before any date (``_holiday_and_weekday_dates``), dated through the first date after it
    that the text writes with its year and its own weekday ("On Thursday evening he developed fever ... At his next
    session on Saturday, 9 May 2020": Thursday 7 May, the nearest Thursday before). None when that date's weekday is
    not written or not its own (the date may be another week's), or is the same weekday (that day or a week
    before?)."""
    after = [(s, e, v) for s, e, v in found if s >= end and str(v.year) in text[s:e]]
    if not after:
        return None
    s, _, told = after[0]
    named = _WEEKDAY_BEFORE_DATE.search(text, max(0, s - 20), s)
    if named is None or _WEEKDAYS.index(named.group("wd").lower()) != told.weekday() or want == told.weekday():
        return None
    return date.fromordinal(told.toordinal() - (told.weekday() - want) % 7)


def _weekday_anchor(text: str) -> list[tuple[int, int, date]]:
    """A text that dates nothing but tells its course by weekdays alone ("developed a sore throat on Sunday and
    fever on Monday. On Thursday he came to the emergency department"): its first weekday on a day of that weekday
    (a week of ``_SOME_YEAR``), so the weekdays after it are counted from it, each the first such weekday after the
    one before (``_holiday_and_weekday_dates``). Nothing unless two weekdays are told: one alone counts nothing."""
    days = list(_ON_WEEKDAY.finditer(text)) if text_context(text).words & _WEEKDAY_WORDS else []
    if len(days) < 2:
        return []
    first = days[0]
    want = _WEEKDAYS.index(first.group("wd").lower())
    return [(first.start("wd"), first.end(), date(_SOME_YEAR, 1, 6 + want))]  # 6 January 2020 was a Monday


DAY_FIRST, MONTH_FIRST = "day first", "month first"


def slashed_date_order(pairs: Iterable[tuple[int, int]]) -> str:
    """The order a text or table writes its slashed dates in, from the (first, second) numbers of each:
    ``DAY_FIRST`` when one is day first beyond doubt ("28/03/2020": no 28th month) and none month first
    ("03/28/2020"), ``MONTH_FIRST`` the reverse, "" when none or both show (its ambiguous dates stay unread)."""
    day_first = month_first = False
    for a, b in pairs:
        # (a shorthand "1/52" or a score "18/25" is no date either way)
        day_first = day_first or (12 < a <= 31 and 1 <= b <= 12)
        month_first = month_first or (12 < b <= 31 and 1 <= a <= 12)
    return "" if day_first == month_first else DAY_FIRST if day_first else MONTH_FIRST


def writes_day_first(*texts: str) -> bool:
    """True when ``texts`` write a slashed date day first beyond doubt and none month first: their
    ambiguous ones ("02/04/2020") are day first too."""
    return slashed_date_order(
        (int(m.group("d")), int(m.group("m")))
        for text in texts for m in (_SLASHED_DATE.finditer(text) if "/" in text else ())) == DAY_FIRST


def day_first_before(published: date, *texts: str) -> bool:
    """True when ``texts``' slashed dates with their year can only be day first: read month first, one of
    them is no date or falls after ``published`` (the day the case was published: its films were taken
    before), read day first none does ("03/04/2020" and "09/04/2020" in a case published on 21 April
    2020: 3 and 9 April, not 4 March and 4 September)."""
    pairs = [(int(m.group("d")), int(m.group("m")), int(m.group("y")))
             for text in texts for m in (_SLASHED_DATE.finditer(text) if "/" in text else ()) if m.group("y")]

    def possible(dates: list[date | None]) -> bool:
        return bool(dates) and all(d is not None and d <= published for d in dates)

    full = [(a, b, y + 2000 if y < 100 else y) for a, b, y in pairs]
    return possible([_date(y, b, a) for a, b, y in full]) and not possible([_date(y, a, b) for a, b, y in full])


def _unread_slashed_date(text: str, day_first: bool = False) -> str:
    """The first slashed date of ``text`` ``dates_in`` does not read ("4/11/2020": April 11 or 4 November), or ""."""
    if "/" not in text:
        return ""
    read = [start for start, _, _ in dates_in(text, day_first)]
    return next((m.group(0) for m in _SLASHED_DATE.finditer(text) if m.group("y") and m.start() not in read), "")


def _date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


@lru_cache(maxsize=4096)
def history_dates(history: str, day_first: bool = False) -> tuple[tuple[date, str] | None, tuple[date, str] | None]:
    """(onset date, admission date) as the history dates them, each with its words. A date belongs
    to the moment whose words are nearest to it in its sentence ("One day before entry (January
    18), she developed fever"); a moment dated twice differently is left out. A history of two
    episodes of the illness (``_episodes``) dates the last episode's onset."""
    onset, admission, _earlier = _history_dates(history, day_first)
    return onset, admission


#: A date the history gives to a place's first case of the disease ("In Brazil, where the first case was confirmed on
#: February 26, 2020, ...", "the first case of COVID-19 in South Africa was diagnosed on 5 March 2020", "Since the
#: first confirmed case in Illinois was reported on January 24"): the epidemic's date, no moment of the patient's
#: illness, even beside a cue word ("the CT has been widely used in the emergency departments"). The case itself is
#: not such a case: "our patient was the first case confirmed in Cali on 11 March" has no "was" after "case".
_EPIDEMIC_FIRST_CASE = compile_fast(
    r"\b[Ff]irst\s+(?:(?:confirmed|reported|imported|known|documented|official|positive)\s+)?cases?\s+"
    r"(?:of\s+(?:COVID-19|SARS-CoV-2|coronavirus(?:\s+disease)?|the\s+(?:disease|infection|virus))\s+)?"
    r"(?:(?:in|of)\s+(?:the\s+)?[A-Z][\w-]*(?:\s+(?:[A-Z][\w-]*|de|del|do|da|of)){0,3}\s*,?\s+)?"
    r"(?:was|were|had\s+been|has\s+been)\s+(?:officially\s+|first\s+)?"
    r"(?:confirmed|reported|diagnosed|detected|registered|identified|announced|notified|recorded)\s+"
    r"(?:in\s+[A-Z][\w-]*(?:\s+[A-Z][\w-]*){0,3}\s+)?(?:on|in)\s+(?:the\s+)?$"
)
_EPIDEMIC_FIRST_CASE_CHARS = 160


def _epidemic_date(history: str, s_start: int, start: int) -> bool:
    """The date at ``start`` is a place's first case's (``_EPIDEMIC_FIRST_CASE``)."""
    return _EPIDEMIC_FIRST_CASE.search(history, max(s_start, start - _EPIDEMIC_FIRST_CASE_CHARS), start) is not None


#: The discharge's words right before a date ("was discharged on 8 April 2020", "discharged home on April 8"): the
#: date is the discharge's (``discharge_moment``), neither the onset's nor the admission's.
_DISCHARGED_ON = compile_fast(r"\b(?:discharged|dimess[oa])\s+(?:(?:home|from\s+(?:the\s+|our\s+)?hospital)\s+)?"
                              r"(?:on|in|at)\s+(?:the\s+)?\Z", re.IGNORECASE)


@lru_cache(maxsize=1024)
def _history_dates(history: str, day_first: bool = False
                   ) -> tuple[tuple[date, str] | None, tuple[date, str] | None, tuple[tuple[date, str], ...]]:
    """``history_dates`` and the onsets of the history's earlier episodes of the illness (oldest first)."""
    onset: list[tuple[date, str]] = []
    symptom_starts: set[date] = set()  # the onset dates a symptom is told from ("dal 15 marzo febbre")
    admission: list[tuple[date, str]] = []
    noticed: list[tuple[date, str]] = []  # the dates of a change someone noticed (``_NOTICED_CUES``)
    headings = [m.span() for m in _HEADING.finditer(history)]
    after_exposure = _onset_told_after_dated_moment(history, day_first)
    told_sentence = after_exposure[2] if after_exposure else (-1, -1)
    every_date = dates_in(history, day_first)
    for start, end, value in every_date:
        s_start, s_end = sentence_at(history, start)
        if _date_of_no_moment(history, s_start, start):
            continue
        distance, nearest = _nearest_cues(history, (s_start, s_end), start, end, headings)
        if _symptom_told_from_date(history, s_start, s_end, start, end):
            # "dal 10 marzo febbre", "since March 10 he had fever", "had fever from February 1", "presented on 16
            # April fever": when it began
            distance = {"onset": 0}
            symptom_starts.add(value)
        kind = _date_kind(history, (s_start, s_end), (start, end), distance, nearest, every_date, told_sentence)
        if kind is not None and kind != "exposure":  # "returned from a business trip on 27 February": no moment
            {"onset": onset, "admission": admission, "noticed": noticed}[kind].append((value, history[start:end]))
    if after_exposure is not None:
        onset.append(after_exposure[:2])
    if not admission and (same_day := _admitted_the_same_day(history, every_date)) is not None:
        admission.append(same_day)
    if not onset:
        onset = noticed
    admitted = _one_date(admission)
    onset, earlier = _settled_onsets(history, onset, admitted, symptom_starts)
    return _one_date(onset), admitted, earlier if _one_date(onset) else ()


def _one_date(found: Sequence[tuple[date, str]]) -> tuple[date, str] | None:
    """The first of ``found`` when all its entries tell one date, else None (``_history_dates``: two dates of one
    moment are no reading)."""
    return found[0] if found and len({d for d, _ in found}) == 1 else None


def _onset_told_after_dated_moment(history: str, day_first: bool) -> tuple[date, str, tuple[int, int]] | None:
    """(the onset, its words, its sentence's span) when the history tells the onset as a time from another dated
    moment ("Symptoms began 4 days after the last shift (3 March) ..., and her swab was positive on 8 March": the
    onset is the exposure's date plus the time; no other date of its sentence is the onset's), else None; the first
    of ``_history_dates``' readings that tells it."""
    return (onset_after_dated_exposure(history, day_first) or onset_before_dated_event(history, day_first)
            or dated_test_after_span(history, day_first)
            or onset_same_day_as_dated_event(history, day_first)
            or onset_in_dated_entries(history, day_first)
            or onset_earlier_than_dated_moment(history, day_first))


def _date_of_no_moment(history: str, s_start: int, start: int) -> bool:
    """Whether the date at ``start`` (in the sentence from ``s_start``) is the epidemic's ("where the first case was
    confirmed on February 26, 2020") or a discharge's ("was admitted on 26 March and was discharged on 8 April
    2020"): ``_history_dates`` reads no moment of the illness from it."""
    return bool(_epidemic_date(history, s_start, start)
                or _DISCHARGED_ON.search(history, max(s_start, start - 40), start))


def _nearest_cues(history: str, sentence: tuple[int, int], start: int, end: int, headings: Sequence[tuple[int, int]]
                  ) -> tuple[dict[str, int], dict[str, tuple[int, int]]]:
    """For the date at ``start``-``end``, the distance to and the span of the nearest cue of each moment (onset,
    admission, exposure, noticed) its sentence names, by kind (``_history_dates``: the date is the nearest cue's
    moment)."""
    distance = {}
    nearest = {}
    for kind, cues in (("onset", _ONSET_CUES), ("admission", _ADMISSION_CUES), ("exposure", _EXPOSURE_CUES),
                       ("noticed", _NOTICED_CUES)):
        spans = _cue_spans(history, kind, cues, sentence, end, headings)
        if spans:
            distance[kind], nearest[kind] = min((_cue_distance(history, start, end, a, b), (a, b))
                                                for a, b in spans)
    return distance, nearest


def _cue_spans(history: str, kind: str, cues: FastPattern, sentence: tuple[int, int], end: int,
               headings: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    """The spans of the sentence's cues of the moment ``kind`` that name that moment for the date ending at ``end``
    (``_nearest_cues``): "before entry (January 18)" is a moment before the admission, not the admission; a
    section's title ("Case Presentation: On March 8, ...") names no moment."""
    s_start, s_end = sentence
    return [(m.start(), m.end()) for m in cues.finditer(history, s_start, s_end)
            if not (kind == "admission" and (_BEFORE.search(history, max(s_start, m.start() - 14), m.start())
                                             or _COUNTED_AFTER.search(history, max(s_start, m.start() - 30),
                                                                      m.start())
                                             or (_PRESENTED_AS_HAD.match(history, m.end())
                                             and m.group(0).lower() == "presented")
                                             or _to_icu(history, m, s_start)
                                             or _TO_NEONATAL.match(history, m.end())
                                             or _LENGTH_OF_STAY.search(history, max(s_start, m.start() - 30),
                                                                       m.start())))
            and not (kind == "exposure" and _after_the_date(history, end, m.start()))
            # (the one noticing may be a relative: "his wife found him lethargic"; the one found not)
            and not (kind == "noticed" and not m.group("whom")
                     and about_other_person(history, m.start(), m.end()))
            and not (kind == "onset" and not m.group(0).lower().endswith("until")
                     and _PASSIVE_START.search(history, max(s_start, m.start() - 24), m.start()))
            and not (kind == "onset"
                     and _CAUSE_BEFORE.search(history, max(s_start, m.start() - 24), m.start()))
            and not (kind == "onset" and _coordinated_cause(history, s_start, m.start()))
            and not any(a <= m.start() < b for a, b in headings)]


def _symptom_told_from_date(history: str, s_start: int, s_end: int, start: int, end: int) -> bool:
    """Whether the sentence tells a symptom from the date at ``start``-``end`` ("dal 10 marzo febbre", "since March
    10 he had fever", "had fever from February 1", "presented on 16 April fever"): the date is when it began
    (``_history_dates``)."""
    return bool((_SINCE_DATE.search(history, max(s_start, start - 12), start)
                 and not _STAY_SINCE.search(history, max(s_start, start - _STAY_SINCE_CHARS), start)
                 and not _STAY_AT_PLACE_SINCE.search(history, max(s_start, start - _STAY_AT_PLACE_CHARS), start)
                 and _since_tells_illness(history, s_start, s_end))
                or _symptom_from(history, s_start, start) or _presented_symptom(history, s_start, start, end)
                or _had_symptom_on(history, s_start, start))


def _date_kind(history: str, sentence: tuple[int, int], span: tuple[int, int], distance: dict[str, int],
               nearest: dict[str, tuple[int, int]], every_date: Sequence[tuple[int, int, date]],
               told_sentence: tuple[int, int]) -> str | None:
    """The moment (onset, admission, exposure, noticed) the date at ``span`` is, by its nearest cue; None when its
    sentence names none, two as near, or the date is another's (an exam's, a range's end, a date another reading
    told, a cue another date is nearer to): ``_history_dates``."""
    s_start, s_end = sentence
    start, end = span
    if not distance or len(set(distance.values())) < len(distance):
        return None  # no moment named, or both as near
    if _exam_dated_alone(history, s_start, s_end, start, end):
        return None  # "..., and CT on 22.03.2020 showed ...": the exam's date, not the cue's moment
    kind = min(distance, key=distance.get)
    if kind in ("admission", "onset") and _RANGE_END.search(history, max(s_start, start - _RANGE_END_CHARS), start):
        # "From 12 to 24 February he was hospitalised": the stay's last day, no admission; "treated from 2 to 16
        # November 2020 (symptom onset 29 October 2020)": the range's end is no onset either
        return None
    if kind == "onset" and sentence == told_sentence:
        return None
    if _cue_dated_by_another(history, every_date, span, distance[kind], nearest.get(kind)):
        return None  # "He was confirmed on March 4 ... and admitted on March 6": March 4 is no admission
    return kind


def _settled_onsets(history: str, onset: list[tuple[date, str]], admitted: tuple[date, str] | None,
                    symptom_starts: set[date]) -> tuple[list[tuple[date, str]], tuple[tuple[date, str], ...]]:
    """The onsets ``_history_dates`` read, settled to the illness's (those before the admission; several symptoms'
    starts or one onset's words to the first), and the earlier episodes' onsets (oldest first)."""
    if admitted is not None:
        onset = _onsets_of_the_admission(history, onset, admitted)
    earlier: tuple[tuple[date, str], ...] = ()
    if len({d for d, _ in onset}) > 1:
        onset, earlier = _episodes(history, onset)
    if len({d for d, _ in onset}) > 1 and all(d in symptom_starts for d, _ in onset if d != min(onset)[0]):
        # "Febbre dal 15 marzo, dal 19 marzo tosse": each symptom from its day, the illness from the first (also
        # when the first is told by an onset's word: "She initiated with fever ... on June 2; on June 7 she
        # presented dyspnea")
        onset = [min(onset)]
    if len({d for d, _ in onset}) > 1 and _symptoms_of_one_onset(history, onset):
        onset = [min(onset)]
    return onset, earlier


def _onsets_of_the_admission(history: str, onset: list[tuple[date, str]], admitted: tuple[date, str]
                             ) -> list[tuple[date, str]]:
    """The onsets on or before the admission (a year's turn read back: ``_year_before``): a symptom dated after the
    admission is a complication of the stay ("new pleuritic chest pain developed ...; a radiograph on March 24"),
    not the illness's onset; unless the history tells no illness before the admission and the stay's course
    turning to it ("Decorso post-operatorio regolare fino all'8 marzo, quando compaiono febbre e tosse": an illness
    that began in hospital)."""
    onset = [_year_before(d, words, admitted) for d, words in onset]
    later = [(d, words) for d, words in onset if d > admitted[0]]
    onset = [(d, words) for d, words in onset if d <= admitted[0]]
    if (not onset and later and onset_gap(history) is None and _admitted_for_another_cause(history, admitted[1])
            and all(_turn_to_illness(history, words) for _, words in later)):
        onset = later
    return onset


#: The admission told as the day of the sentence before it: "He was admitted on the same day", "She was hospitalized
#: that same day" (after "At his next session on Saturday, 9 May 2020, he was febrile ...").
_ADMITTED_SAME_DAY = compile_fast(
    r"\b(?:was|were)\s+(?:admitted|hospitali[sz]ed)\b[^.;]{0,60}?\b(?:on\s+|at\s+|in\s+)?(?:the|that)\s+(?:very\s+)?"
    r"same\s+day\b(?!\s+as\b)|\b(?:on\s+|at\s+)?the\s+same\s+day,?\s+(?:he|she|they|the\s+patient)\s+(?:was|were)\s+"
    r"(?:admitted|hospitali[sz]ed)\b",
    re.IGNORECASE)


def _admitted_the_same_day(history: str, every_date: Sequence[tuple[int, int, date]]) -> tuple[date, str] | None:
    """(the admission's date, its words) when a sentence that dates nothing admits the patient "on the same day"
    right after a sentence with one date (``_history_dates``' last resort: the history dated no admission), and the
    admitted one is the patient; else None."""
    for m in _ADMITTED_SAME_DAY.finditer(history):
        s_start, s_end = sentence_at(history, m.start())
        if any(s_start <= a < s_end for a, _, _ in every_date) or s_start == 0 \
                or about_other_person(history, m.start(), m.end()):
            continue
        last = len(history[:s_start].rstrip()) - 1  # the sentence before's last character
        p_start, p_end = sentence_at(history, last)
        before = [(a, e, v) for a, e, v in every_date if p_start <= a < p_end]
        if len({v for _, _, v in before}) == 1:
            return before[0][2], history[before[0][0]:before[0][1]]
        return None
    return None


#: The longest a list of symptoms told by one onset verb takes to begin: its first day is the illness's.
_ONE_ONSET_DAYS = 14


def _symptoms_of_one_onset(history: str, onset: list[tuple[date, str]]) -> bool:
    """True when the onset dates are the days of the symptoms one onset verb lists in one sentence ("developed a
    sore throat on Sunday and fever on Monday", "Fever began on 2 March and cough on 5 March"), within
    ``_ONE_ONSET_DAYS``: the illness began on the first."""
    spans = set()
    for _, words in onset:
        start = history.find(words)
        if start < 0:
            return False
        spans.add(sentence_at(history, start))
    if len(spans) != 1:
        return False
    ((s_start, s_end),) = spans
    days = sorted(d for d, _ in onset)
    return (len(list(_ONSET_CUES.finditer(history, s_start, s_end))) == 1
            and (days[-1] - days[0]).days <= _ONE_ONSET_DAYS)


#: A length of the stay before an admission cue ("He was discharged on March 20, after 21 days of hospitalization",
#: "after 4 weeks of hospital stay"): the stay's length, not the admission's moment; the sentence's date is another
#: moment's (the discharge's).
_LENGTH_OF_STAY = compile_fast(rf"\b(?:{NUMBER}|several|a\s+few)\s+(?:days?|weeks?|months?)\s+of\s+"
                               r"(?:(?:his|her|their|the)\s+)?$", re.IGNORECASE)
#: The words between a date and an exposure told as what came before the dated moment ("developed cough and fever
#: on March 1 after contact with his son", "fell ill on 3 March, following close contact with a confirmed case").
_EXPOSURE_BEFORE_THE_MOMENT = compile_fast(r"\s*,?\s*(?:after|following)\s+(?:(?:a|an|the|close|direct|his|her|"
                                           r"their|recent)\s+){0,2}", re.IGNORECASE)


def _after_the_date(history: str, date_end: int, cue_start: int) -> bool:
    """An exposure cue right after a date behind "after" / "following": the date is the moment it came before
    (the onset's), not the exposure's."""
    m = _EXPOSURE_BEFORE_THE_MOMENT.match(history, date_end)
    return m is not None and m.end() == cue_start


def _cue_dated_by_another(history: str, dates: Sequence[tuple[int, int, date]], span: tuple[int, int],
                          distance: int, cue: tuple[int, int] | None) -> bool:
    """A date whose nearest cue lies past the end of its clause, while another date of its sentence after it is
    nearer to that cue ("He was confirmed on March 4 at a public health center and admitted on March 6"): the
    cue is the other date's, the first date another event's (the test's) with no cue of its own; and the mirror, a
    date far after its nearest cue with another date between them ("was admitted to Kyungpook National University
    Hospital on February 26, 2020 (hospital day [HD] 1) after his swabs were positive ... on February 25": the
    cue is February 26's, February 25 the test's)."""
    if cue is None or distance < _OTHER_CLAUSE:
        return False
    if cue[1] <= span[0]:
        return any(cue[1] <= other and other_end <= span[0] for other, other_end, _ in dates)
    if cue[0] < span[1]:
        return False
    s_end = sentence_at(history, span[0])[1]
    return any(span[1] <= other < s_end and _cue_distance(history, other, other_end, *cue) < distance
               for other, other_end, _ in dates)


#: The words before the last day of a range of days ("From 12 to 24 February he was hospitalised in the regional
#: hospital", "hospitalised between 3 and 17 April", "ricoverato dal 2 al 14 marzo"): the date is the range's end (a
#: stay's discharge, a symptom's end), not the admission its cue names.
_RANGE_END = compile_fast(r"\b(?:[Ff]rom|between|dal(?:l[’'])?)\s+(?:the\s+)?\d{1,2}(?:st|nd|rd|th)?"
                          r"(?:\s+(?:of\s+)?[A-Za-z]{3,9}\.?)?\s*(?:\bto\b|\buntil\b|\btill\b|\band\b|\bal(?:l[’'])?|[-–])"
                          r"\s*(?:the\s+)?$")
_RANGE_END_CHARS = 40


#: A year written with a date ("29 December 2020", "12/29/20", "2020-12-29", "December '20").
_YEAR_WRITTEN = compile_fast(r"\b(?:19|20)\d{2}\b|\d[/.-]\d{1,2}[/.-]\d{2}\b|[’']\d{2}\b")


def _year_before(onset: date, words: str, admitted: tuple[date, str]) -> tuple[date, str]:
    """An onset dated without a year and falling after the admission, itself dated without a year, in the
    calendar ("fever from 29 December ... came to ED on 3 January"): the illness crossed the new year, the onset
    is of the year before, when that puts it within ``_SAME_ILLNESS_DAYS`` before the admission (a complication
    of the stay, dated weeks after it, stays after it)."""
    if onset <= admitted[0] or _YEAR_WRITTEN.search(words) or _YEAR_WRITTEN.search(admitted[1]):
        return onset, words
    before = _date(onset.year - 1, onset.month, onset.day)
    if before is None or (admitted[0] - before).days > _SAME_ILLNESS_DAYS:
        return onset, words
    return before, words


#: A course told well up to its date, then turning to the illness: "until 8 March, when she developed fever", "fino
#: all'8 marzo, quando compaiono febbre e tosse" (the words before the date, then those after it up to the symptom).
_UNTIL_BEFORE = compile_fast(r"\b(?:until|till|fino\s+(?:a|al|all[’']\s?|alla|ad)|sino\s+(?:a|al|all[’']\s?|alla))\s*"
                             r"(?:(?:the|il|l[’'])\s*)?$", re.IGNORECASE)
_WHEN_AFTER = compile_fast(r",?\s*(?:when|quando|allorch[ée])\b", re.IGNORECASE)
#: How far after its "when" the turn's symptom may be told ("quando compaiono febbre", "when she developed a fever").
_TURN_SYMPTOM_CHARS = 40


def _turn_to_illness(history: str, words: str) -> bool:
    """Whether the date ``words`` closes a course told well until it and opens the illness's symptoms: "...
    uneventful until 8 March, when she developed fever", "regolare fino all'8 marzo, quando compaiono febbre"."""
    for m in re.finditer(re.escape(words), history):
        s_start, s_end = sentence_at(history, m.start())
        after = _WHEN_AFTER.match(history, m.end())
        if after is None or not _UNTIL_BEFORE.search(history, max(s_start, m.start() - 20), m.start()):
            continue
        stop = _CLAUSE_STOP.search(history, after.end(), min(s_end, after.end() + _TURN_SYMPTOM_CHARS))
        if SYMPTOM_WORDS.search(history, after.end(), stop.start() if stop else min(s_end, after.end()
                                                                                      + _TURN_SYMPTOM_CHARS)):
            return True
    return False


#: The illness or its symptoms named in the admission's sentence: the stay is the illness's ("admitted on 2 March
#: with COVID-19 pneumonia", "ricoverato il 2 marzo per febbre"), its later symptoms complications.
_ILLNESS_WORDS = compile_fast(r"\b(?:covid\w*|sars|coronavirus|pneumon\w*|polmonit\w*|infe[cz]\w*|respirat\w*)",
                              re.IGNORECASE)


def _admitted_for_another_cause(history: str, words: str) -> bool:
    """Whether the admission dated by ``words`` is told with no symptom and no word of the illness in its
    sentence ("Ricoverata in Ortopedia il 2 marzo per frattura ... del femore", "admitted on 2 March for an
    elective hip replacement")."""
    start = history.find(words)
    if start < 0:
        return False
    s_start, s_end = sentence_at(history, start)
    return not (SYMPTOM_WORDS.search(history, s_start, s_end) or _ILLNESS_WORDS.search(history, s_start, s_end))


#: The end of the clause a turn's symptom must be told in.
_CLAUSE_STOP = compile_fast(r"[.;:]")


#: The rule of a film dated in an earlier episode of the illness, counted from that episode's onset.
_EPISODE_RULE = "timeline.date-since-episode-onset"
#: A dated image more than this many days before the onset is of another illness (``_place_date``); an onset told
#: "again" more than this many days after an earlier onset begins another episode of it (``_episodes``).
_SAME_ILLNESS_DAYS = 60
#: Words telling an onset as the illness's return: "she developed again fever", "fell ill once more", "a second
#: episode", "reinfection" (not "recurrence of fever", a course's turn within one illness).
_AGAIN = compile_fast(r"\b(?:again|once\s+more|re-?infect\w*|(?:second|new)\s+(?:episode|infection))\b",
                      re.IGNORECASE)


def _episodes(history: str, onset: list[tuple[date, str]]
              ) -> tuple[list[tuple[date, str]], tuple[tuple[date, str], ...]]:
    """The onsets of the history's last episode of the illness and those of its earlier episodes: an onset whose
    sentence tells the illness again ("On 3 August 2020, 109 days after the first episode, she developed again
    fever"), more than ``_SAME_ILLNESS_DAYS`` after every onset before it, begins another episode (a reinfection):
    its films count from it, the earlier episode's from its own onset. Else the onsets as they were."""
    for when, words in sorted(onset, reverse=True):
        before = [d for d, _ in onset if d < when]
        if not before or (when - max(before)).days <= _SAME_ILLNESS_DAYS:
            continue
        start = history.find(words)
        if start >= 0 and _AGAIN.search(history, *sentence_at(history, start)):
            return [(d, w) for d, w in onset if d >= when], tuple(sorted({(d, w) for d, w in onset if d < when}))
    return onset, ()


#: The rule of a film of the illness's return told after a span and no date, counted from the return's own onset.
_RETURN_RULE = "timeline.since-return-onset"


#: The infection told again after a return of the illness: "The RT-PCR was positive again", "tested positive once
#: more", "a reinfection", "a second infection" (not symptoms told again alone: "she again complained of dyspnoea"
#: months after a pneumonia is its sequelae, one illness).
_INFECTED_AGAIN = compile_fast(r"\bre-?infect\w*|\b(?:second|new)\s+(?:episode|infection)\b|\bre-?positiv\w*"
                               r"|\bpositive\s+(?:again|once\s+more)\b|\bagain\s+positive\b", re.IGNORECASE)


def _illness_return(history: str) -> tuple[int, int, int | None, str] | None:
    """(where its sentence starts, the span after the first episode, the return's own onset gap or None, evidence) of
    the history's sentence
    telling the illness's return after more than ``_SAME_ILLNESS_DAYS`` and no date ("Five months later, ... she
    consulted again ... for fever ... since 3 days": 150, 3; "Four months after the first episode, he developed fever
    again": 120, None), the infection told again in it or after it (``_INFECTED_AGAIN``: "The RT-PCR was positive
    again", "the reinfection"). A dated return is ``_episodes``'; None when no sentence tells one."""
    for m in _AGAIN.finditer(history):
        s_start, s_end = sentence_at(history, m.start())
        sentence = history[s_start:s_end]
        if (about_other_person(history, m.start(), m.end()) or not SYMPTOM_WORDS.search(sentence)
                or dates_in(sentence) or not _INFECTED_AGAIN.search(history, s_start)):
            continue
        spans = [t for t in text_moments(sentence, "history") if t.kind == AFTER_PREVIOUS]
        if len(spans) != 1 or spans[0].days <= _SAME_ILLNESS_DAYS:
            continue
        gap = onset_gap(sentence)
        return (s_start, spans[0].days, gap[0] if gap else None,
                spans[0].evidence + (EVIDENCE_JOIN + gap[1] if gap else ""))
    return None


def _first_episode(history: str) -> str:
    """The history before its sentence telling an undated return of the illness (``_illness_return``), whose
    symptoms' span is the return's, not the first onset's ("... dry cough of 4 days of evolution. ... After 20 weeks
    she had a second episode ... of 5 days of evolution": 4); the whole history when it tells none."""
    returned = _illness_return(history) if _AGAIN.search(history) else None
    return history[:returned[0]] if returned is not None else history


def _in_the_return(offsets: list[ImageOffset], timeline: Timeline, history: str) -> list[ImageOffset]:
    """The offsets, those of the films the first episode's count places in an undated return of the illness
    (``_illness_return``) counted from the return's own onset: the film's day less the return's (the first
    presentation's day and the span after it), plus the days the return tells its symptoms before that presentation
    ("she consulted again ... since 3 days": a CT "five months later" is day 3, not 154 of the first episode). A film
    placed more than ``_SAME_ILLNESS_DAYS`` after the first presentation but before the return, or in a return that
    tells no onset, is blank: its day on the first episode's count is another illness's."""
    returned = _illness_return(history) if _AGAIN.search(history) else None
    if returned is None or timeline.admission_day is None:
        return offsets
    _, span, gap, evidence = returned
    start = timeline.admission_day + span
    placed = []
    for o in offsets:
        if o.value is None or o.value <= timeline.admission_day + _SAME_ILLNESS_DAYS or o.rule == _EPISODE_RULE:
            placed.append(o)
        elif o.value < start or gap is None:
            placed.append(ImageOffset(o.position, None, o.evidence, _RETURN_RULE, (
                f"day {o.value} of the first episode's count, in the illness's return told {evidence!r}: "
                "the return's own onset " + ("is not told" if gap is None else "is later than the film"))))
        else:
            placed.append(ImageOffset(o.position, o.value - start + gap, EVIDENCE_JOIN.join((evidence, o.evidence)),
                                      _RETURN_RULE))
    return placed


#: "presented" taking the symptom as its object, as authors translating "apresentou febre", "presentó fiebre",
#: "presentava febbre" write it: "presented on 16 April 2020 fever", "presented fever and cough since 3 March"
#: (the symptom's start; not "presented with fever", "presented to the emergency department": a presentation).
_PRESENTED_ON = compile_fast(r"\bpresent(?:ed|s)\s+(?:(?:on|since|from)\s+)?(?:the\s+)?$", re.IGNORECASE)
_PRESENTED_SYMPTOM = compile_fast(
    r"\bpresent(?:ed|s)\s+(?:(?:a|an|high|mild|low-grade|persistent|dry)\s+){0,2}(?=\w)[^.;:]{0,80}?"
    r"\s(?:on|since|from)\s+(?:the\s+)?$", re.IGNORECASE)
_SYMPTOM_NEXT = compile_fast(r"\s+(?:(?:a|an|high|mild|low-grade|persistent|dry)\s+){0,2}", re.IGNORECASE)
#: The patient "presented" right after the date, taking the symptom as its object ("on June 7 she presented dyspnea",
#: Spanish "el 7 de junio presentó disnea"; not "she presented with dyspnea", "she presented to the emergency room").
_DATE_THEN_PRESENTED = compile_fast(
    r"\s*,?\s*(?:she|he|the\s+patient|patient)\s+present(?:ed|s)\s+(?!with\b|to\b|at\b)", re.IGNORECASE)
#: Words between a transitive "presented <symptom>" and its date that tell another event ("presented fever and was
#: admitted on 5 March", "presented cough, and a CT on 3 March"): the date is not the symptom's.
_OTHER_EVENT = compile_fast(r"\b(?:was|were|is|are|had|has|been|underwent|performed|ct|x-?rays?|radiographs?|"
                            r"swabs?|pcr|tests?)\b", re.IGNORECASE)


def _presented_symptom(history: str, s_start: int, start: int, end: int) -> bool:
    """Whether the date at ``start:end`` is a symptom's start told with a transitive "presented" ("presented on 16
    April 2020 fever (38.2 °C)", "presented fever since 3 March", "on June 7 she presented dyspnea")."""
    subject = _DATE_THEN_PRESENTED.match(history, end)
    if subject is not None:
        after = _SYMPTOM_NEXT.match(history, subject.end())
        return SYMPTOM_WORDS.match(history, after.end() if after else subject.end()) is not None
    if _PRESENTED_ON.search(history, max(s_start, start - 30), start):
        after = _SYMPTOM_NEXT.match(history, end)
        return SYMPTOM_WORDS.match(history, after.end() if after else end) is not None
    m = _PRESENTED_SYMPTOM.search(history, max(s_start, start - 100), start)
    if m is None or _OTHER_EVENT.search(m.group(0)) or len(_ADMISSION_CUES.findall(m.group(0))) > 1:
        return False
    after = _SYMPTOM_NEXT.match(history, m.start() + len(m.group(0).split(None, 1)[0]))
    return after is not None and SYMPTOM_WORDS.match(history, after.end()) is not None


#: A symptom the patient "had" on a date, as case reports open their story ("A 74-year-old man had fever of 38 °C on
#: 10 April. ... He was admitted on 15 April", "she had a dry cough and fever on 2 March", "experienced chills on 3
#: May"): the day it is told on, the first of the illness unless another onset is read; only the symptom, its grade or
#: temperature and a second symptom between the verb and "on" (not "had fever on admission", "had a CT on 3 May",
#: "had fever and was admitted on 5 March").
_HAD_SYMPTOM_ON = compile_fast(
    # (the grade as Chinese-English writes it too: "She had low fever (37.8°C) and sore throat on January 27")
    r"\b(?:had|experienced|suffered\s+from)\s+(?:(?:a|an|high|mild|low-grade|low|slight|moderate|persistent|dry|"
    r"sudden)\s+){0,2}"
    r"(?:fevers?|cough|dyspn\w+|shortness\s+of\s+breath|sore\s+throat|myalgias?|chills|headache|diarr\w+|"
    r"fatigue|malaise|anosmia|ageusia|pyrexia)"
    r"(?:\s*\(?(?:of|up\s+to|reaching|at)?\s*\d{2}(?:[.,]\d{1,2})?\s*°\s*C\)?)?"
    r"(?:\s*(?:,|and)\s+(?:(?:a|an|high|mild|low|slight|dry)\s+)?(?:fevers?|cough|dyspn\w+|sore\s+throat|myalgias?|"
    r"chills|headache|fatigue|malaise)){0,2}"
    r"\s+on\s+(?:the\s+)?$", re.IGNORECASE)


def _had_symptom_on(history: str, s_start: int, start: int) -> bool:
    """Whether the date at ``start`` is the day the patient "had" a symptom on (``_HAD_SYMPTOM_ON``), told of the
    patient (not "his wife had fever on 2 March")."""
    m = _HAD_SYMPTOM_ON.search(history, max(s_start, start - 120), start)
    return m is not None and not about_other_person(history, m.start(), m.end())


#: An exam the date right after it dates: "CT on 22.03.2020", "a radiograph obtained on March 10", and a test
#: ("a nasopharyngeal swab taken on 23 October was positive": the sample's day, not the onset's it follows; "her
#: swab was positive on 8 March", "the PCR came back positive on 8 March": the result's day).
_EXAM_ON = compile_fast(
    r"\b(?:x-?rays?|radiographs?|cxr|films?|ct|hrct|(?:ct\s+)?scans?|swabs?|(?:rt-?)?pcr|specimens?)\s+"
    r"(?:(?:was|were)\s+)?"
    r"(?:(?:performed|obtained|taken|done|repeated|(?:(?:resulted|came\s+back|returned)\s+)?(?:positive|negative))"
    r"\s+)?(?:on|dated)\s+(?:the\s+)?$",
    re.IGNORECASE)
_ALL_CUES = (_ONSET_CUES, _ADMISSION_CUES, _EXPOSURE_CUES)


#: A clause opening on its date and then naming an exam or a test as its subject: "...; on 22 October the RT-PCR
#: test for SARS-CoV-2 ... was positive", "On 3 March, a chest CT showed ..." (the words before the date: "on").
_ON_DATE_OPENING = compile_fast(r"(?:^|[;,]|\b(?:and|but|then)\b)\s*on\s+(?:the\s+)?$", re.IGNORECASE)
_EXAM_AFTER = compile_fast(
    r"\s*,?\s*(?:(?:the|a|an|his|her|their|another|repeat|second|first)\s+)?(?:[\w-]+\s+){0,2}?"
    r"(?:x-?rays?|radiographs?|cxr|ct|hrct|(?:ct\s+)?scans?|swabs?|(?:rt-?)?pcr|tests?|specimens?)\b",
    re.IGNORECASE)


def _exam_dated_alone(history: str, s_start: int, s_end: int, start: int, end: int) -> bool:
    """Whether the date at ``start:end`` dates the exam named right before it and no moment's cue stands
    in its clause ("The chest radiograph on admission showed ..., and CT on 22.03.2020, when ..., showed"):
    the admission's cue is the other clause's film's, the date the CT's. Also a clause opening on its date and
    naming an exam or test right after it, with no moment's cue from the clause's start to the sentence's end
    ("The first symptoms appeared on 20 October; on 22 October the RT-PCR test ... was positive and he was
    isolated at home": the onset's cue is the other clause's, the date the test's)."""
    if not _EXAM_ON.search(history, max(s_start, start - 40), start):
        ends = list(_CLAUSE_END.finditer(history, s_start, start))
        c_start, c_after = (ends[-1].start(), ends[-1].end()) if ends else (s_start, s_start)
        return bool(_ON_DATE_OPENING.search(history, c_start, start)
                    and _EXAM_AFTER.match(history, end)
                    and not any(cues.search(history, c_after, s_end) for cues in _ALL_CUES))
    before = [m.end() for m in _CLAUSE_END.finditer(history, s_start, start)]
    after = _CLAUSE_END.search(history, end, s_end)
    c_start, c_end = (before[-1] if before else s_start), (after.start() if after else s_end)
    return not any(cues.search(history, c_start, c_end) for cues in _ALL_CUES)


#: Words of being ill beside the symptoms' (``SYMPTOM_WORDS``): "unwell since 3 March", "malessere dal 2 marzo".
_ILL_WORDS = compile_fast(r"\b(?:ill|unwell|sick|complain\w*|pains?|vomit\w*|nause\w*|rhinorr\w*|malessere|"
                          r"dolori?|astenia|malestar|dolor|mal-estar|dor)\b", re.IGNORECASE)


def _since_tells_illness(history: str, s_start: int, s_end: int) -> bool:
    """Whether the sentence of a "since <date>" tells of being ill ("since March 10 he had fever", "dal 10 marzo
    febbre"); "Since 24 January, all staff of our hospital use N95 respirators" dates a measure, no onset."""
    return bool(SYMPTOM_WORDS.search(history, s_start, s_end) or _ILL_WORDS.search(history, s_start, s_end))


def _symptom_from(history: str, s_start: int, start: int) -> bool:
    """Whether the date at ``start`` is the one a symptom is told "from" or "started on" ("had fever from February
    1", "her cough started on 2 March"; not a treatment's start: "antipyretics for fever started on 3 March")."""
    symptoms = list(SYMPTOM_WORDS.finditer(history, max(s_start, start - 40), start))
    if not symptoms or _FROM_DATE.fullmatch(history, symptoms[-1].end(), start) is None:
        # a list of symptoms started together: "fever, myalgias and loss of smell starting the day after ..."
        verb = _LIST_STARTING.search(history, max(s_start, start - 30), start)
        symptoms = list(SYMPTOM_WORDS.finditer(history, max(s_start, start - 90), verb.start())) if verb else []
        # the rest of the list after its last symptom word the reader knows: other symptoms' words ("myalgias and
        # loss of smell"), commas and "and", no verb or treatment of another event
        if not symptoms or verb.start() - symptoms[-1].end() > 50 or _NOT_SYMPTOM_LIST.search(
                history, symptoms[-1].end(), verb.start()):
            return False
    return _SYMPTOM_TREATMENT.search(history, max(s_start, symptoms[-1].start() - 30), symptoms[-1].start()) is None


#: The start of a list of symptoms told right before its date ("... and loss of smell starting the ...").
_LIST_STARTING = compile_fast(r"\s(?:started|starting|began|beginning)(?:\s+(?:on|from))?\s+(?:the\s+)?$",
                              re.IGNORECASE)
#: Words that end a list of symptoms before its "starting": another event's verb, a treatment.
_NOT_SYMPTOM_LIST = compile_fast(r"[^\w\s,'-]|\b(?:was|were|had|has|is|are|been|treatment|therapy|antibiotics?)\b",
                                 re.IGNORECASE)


def _cue_distance(history: str, start: int, end: int, a: int, b: int) -> int:
    """Characters between a date (``start:end``) and a moment's cue (``a:b``); a cue after the date
    beyond a clause's end ("developed fever on 6 March and was admitted on 8 March") is another
    event's: the date closes the clause of the cue before it."""
    if a >= end and _CLAUSE_END.search(history, _fronted_date_end(history, start, end), a):
        return a - end + _OTHER_CLAUSE
    return max(a - end, start - b, 0)


#: A date opening its sentence's clause, the comma after it (and a parenthesis it may carry) fronting the clause it
#: dates, not ending one: "On February 28, she developed a fever", "On 29 February (postoperative day 2), she
#: developed a fever", "In 3 March, he ...".
_FRONTED_DATE_BEFORE = compile_fast(r"(?:^|[.;]\s+|[.;]\)\s+)(?:On|In|By|At)\s+(?:the\s+)?\Z")
_FRONTED_DATE_AFTER = compile_fast(r"\s*(?:\([^()]{1,40}\)\s*)?,")


def _fronted_date_end(history: str, start: int, end: int) -> int:
    """Where the clause of the date at ``start:end`` may end from: past the comma fronting its clause
    (``_FRONTED_DATE_BEFORE``, ``_FRONTED_DATE_AFTER``), else the date's end."""
    after = _FRONTED_DATE_AFTER.match(history, end)
    if after is None or not _FRONTED_DATE_BEFORE.search(history, max(0, start - 12), start):
        return end
    return after.end()


def _to_icu(history: str, cue: re.Match[str], s_start: int) -> bool:
    """An admission cue of the intensive care unit ("admitted to the ICU", "ICU admission")."""
    return bool(_TO_ICU.match(history, cue.end()) or _ICU_BEFORE.search(history, max(s_start, cue.start() - 24),
                                                                          cue.start()))


@lru_cache(maxsize=4096)
def text_moments(text: str, where: str, image_sentences_only: bool = False) -> tuple[Moment, ...]:
    """The moments one image's own text gives, in text order. Phrases of the history ("4-day
    history", "presented 5 days after developing symptoms") are the onset, not the image's. With
    ``image_sentences_only`` (a whole clinical note) only moments in a sentence naming an image
    count: "the nadir was on day 5 of illness" is not a film's day."""
    if not text.strip():
        return ()
    moments = _text_moments(text, where)
    if _DISCHARGED.search(text):
        # "Il paziente viene dimesso in XII giornata di ricovero. TC di controllo a 30 giorni dalla
        # dimissione": the day of a sentence discharging the patient is the discharge's, not a film's
        moments = tuple((start, moment) for start, moment in moments if not _discharge_sentence(text, start))
    if image_sentences_only:
        kept = []
        for start, moment in moments:
            s_start, s_end = sentence_at(text, start)
            if IMAGE_WORDS.search(text, s_start, s_end) or _LEGEND_START.match(text, s_start):
                kept.append((start, moment))
        moments = kept
    return tuple(moment for _, moment in moments)


def admission_to_icu_only(moments: Sequence[Moment]) -> bool:
    """True when a film's only moments are an admission to intensive care ("at admission to the
    ICU"): the day of a transfer within the stay unless other words date it."""
    return bool(moments) and all(m.kind == SINCE_ADMISSION and _TO_ICU.search(m.evidence) for m in moments)


# A figure's legend opening its sentence ("Figure 4 (Day 2). Bilateral consolidation."): about an
# image, where a figure cited inside a sentence ("the nadir on day 5 (Figure 1C)") is not.
_LEGEND_START = compile_fast(r"\s*(?:\(?\s*)?Fig(?:ure)?\.?\s*\d{1,2}[a-hA-H]?\b", re.IGNORECASE)


# "compared with the initial radiograph", "since the admission film": another image's moment, a
# reference of this one, not when this one was taken.
_REFERENCE_BEFORE = compile_fast(
    r"\b(?:compared\s+(?:to|with)|in\s+comparison\s+(?:to|with)|comparison\s+with|since|than|versus|vs\.?|relative\s+to|"
    r"rispetto\s+(?:a|al|alla|all[’'])|confronto\s+con)\b[^.;:]{0,40}$",
    re.IGNORECASE,
)


def _is_reference(text: str, start: int) -> bool:
    s_start, _ = sentence_at(text, start)
    # the cue is at most a few words before the moment (the pattern allows 40 characters after it)
    return bool(_REFERENCE_BEFORE.search(text, max(s_start, start - 70), start))


# Moments counted from the previous film (or the named base) in hours or in a word of a day, as
# captions and study labels write a film taken soon after another: "CT two hours later", "48 hours
# after admission", "on the same day", "the following day", "il giorno successivo", and Italian
# "a distanza di 4 giorni" (4 days after the previous film, or the presentation: read like "after"),
# a reconstruction "of the same CT", a study label's "Same day" and "eseguita in giornata" (the previous film's day),
# "a 10 giorni dal ricovero", and a film's bare "RX di controllo a 10 giorni" (read like "a distanza di");
# "the day after admission" (or "the morning after her presentation") is day 1 of the stay, counted from
# the admission, not from the film before.
# hours from the admission: "a 24 ore dall'ingresso", "dopo 48 ore dal ricovero"; "a 72 ore dalla TC" (from
# the exam it names).
_SOON_AFTER = compile_fast(
    rf"\b(?P<h>{NUMBER_LIKE}|a\s+few|few|several)\s+(?:hours?|hrs?|h|ore)\s+(?:later|afterwards|dopo|più\s+tardi"
    r"|after(?P<hbase>\s+(?:the\s+)?(?:admission|presentation|arrival|hospitali[sz]ation|ricovero|ingresso))?)\b"
    rf"|\b(?:after|dopo|a\s+distanza\s+di)\s+(?P<h2>{NUMBER_LIKE}|a\s+few|few|several|qualche|alcune)\s+(?:hours?|hrs?|h|ore)\b"
    r"(?P<h2base>\s+(?:dal(?:l[’']\s?)?\s*|from\s+(?:the\s+)?)(?:ricovero|ingresso|accesso|admission))?"
    # ("a 48 ore dal ricovero", "a 48 ore dalla TC"; a bare "Controllo a 48 ore" in a film's sentence: ``_soon_after``)
    r"|\ba\s+(?P<h3>\d{1,3})\s+ore\b(?:\s+(?P<h3base>dal(?:l[’']\s?)?\s*(?:ricovero|ingresso|accesso))\b"
    r"|(?=\s+(?P<h3exam>dall[ao]\s+(?:TC|RX)\b|dal(?:l[’']\s?)?\s*(?:TC|RX)\b)))?"
    # ("TC eseguita il giorno stesso", "nello stesso giorno": the Italian word orders of "the same day")
    # ("the same afternoon", "lo stesso pomeriggio": a part of that same day)
    r"|\b(?P<same>(?:later\s+)?(?:on\s+|in\s+)?(?:the\s+)?same\s+(?:day|morning|afternoon|evening)"
    # ("Obtained later that evening", "later that day", "that same afternoon": the day of the moment before; not "that
    # night", which may be past midnight)
    r"|later\s+that\s+(?:same\s+)?(?:day|morning|afternoon|evening)|that\s+same\s+(?:day|morning|afternoon|evening)"
    r"|(?:lo|nello)\s+stesso\s+(?:giorno|pomeriggio)"
    r"|il\s+giorno\s+stesso|nella\s+stessa\s+giornata"
    # "TC eseguita in giornata": within the day (of the film before it); not "in quinta giornata di ricovero"
    r"|in\s+giornata(?!\s+(?:di|del|dal|dall[’']))"
    r"|(?:of|from)\s+the\s+same\s+(?:CT|HRCT|scan|examination|exam|study)|dell[ao]\s+stess[ao]\s+(?:TC|esame|studio)"
    # a legend naming its film as the exam before it, set off as its subject ("Stesso esame, ricostruzione coronale",
    # "Same examination: coronal reformat", "Same CT, lung window"): that film's day
    r"|(?<![\w’'])(?:the\s+)?same\s+(?:CT|HRCT|scan|examination|exam|study)(?=\s*[,:;.])"
    r"|(?<![\w’'])(?:lo\s+|la\s+)?stess[ao]\s+(?:esame|TC|studio|indagine)(?=\s*[,:;.]))\b"
    r"|\b(?P<nextadm>(?:on\s+)?the\s+(?:day|morning)\s+after\s+(?:(?:the|her|his|their)\s+)?"
    r"(?:admission|presentation|arrival|hospitali[sz]ation)"
    # ("done on the next day of admission", "the following day of hospitalization": Indian, non-native English for
    # the day after it, not "the next day" and "day of admission" as two moments)
    r"|(?:on\s+)?the\s+(?:next|following)\s+day\s+of\s+(?:(?:the|her|his|their)\s+)?"
    r"(?:admission|hospitali[sz]ation))\b"
    # ("Next day", "Following day": a study label's words, without the article)
    r"|\b(?P<next>(?:on\s+)?(?:the\s+)?(?:next|following)\s+day\b|the\s+day\s+after(?=\s*[.,;:)]|\s*$)"
    # ("the following morning", "the next morning": the morning of the day after; not an evening or a night, which
    # may be the same day's)
    r"|(?:on\s+|in\s+)?(?:the\s+)?(?:next|following)\s+morning\b"
    # ("the day thereafter", "de dag daarna" / "am Tag danach" as Dutch and German authors write "the next day")
    r"|(?:on\s+)?the\s+(?:day|morning)\s+thereafter\b"
    r"|il\s+giorno\s+(?:dopo|successivo|seguente)|l[’']indomani)"
    rf"|\ba\s+(?:los\s+)?(?P<dist>distanza\s+di\s+)?(?P<n>{NUMBER_LIKE}|qualche|alcuni|pochi)\s+(?P<unit>{UNIT})\b"
    r"(?P<base>\s+(?:dal(?:l[’']\s?)?|da|del|de\s+la)\s*(?:ricovero|ingresso|ingreso|hospitalizaci[oó]n|esordio|"
    r"inizio\s+dei\s+sintomi|inicio\s+de\s+(?:los\s+)?s[ií]ntomas|comparsa))?",
    re.IGNORECASE,
)
_FROM_DISCHARGE = compile_fast(r"\s+dalla\s+dimissione\b", re.IGNORECASE)
# (the other phrases hold a word of a day: "day", "giorno", "giornata", a unit)
_SOON_WORDS = frozenset({"hour", "hours", "hrs", "h", "ore", "same", "stessa", "stesso", "morning", "afternoon",
                         "evening"})
#: A word every match of ``_SOON_AFTER`` holds (its hours, "same", "stesso", "indomani", its unit or
#: the "day" of "the next day"): most phrases open with a number or any word (NUMBER_LIKE), which
#: the engine tries at every word of a note; ``_soon_after`` scans only around these words. A match
#: runs at most ~45 characters before its word ("a distanza di qualche ore", "later on the same")
#: and ~45 after it ("hours after the hospitalization", "giorni dall'inizio dei sintomi").
_SOON_WORD = compile_fast(rf"\b(?:hours?|hrs?|h|ore|same|stess[ao]|indomani|giornata|morning|afternoon|evening|"
                          rf"{UNIT})\b", re.IGNORECASE)
_SOON_WORD = gate(_SOON_WORD, "[hosidgjtwmfae]")  # the first letters of those words (UNIT's "fortnight" too)


# A film's sentence: "RX di controllo a 10 giorni", "TC a 7 giorni: miglioramento".
_FILM_OR_CONTROL = compile_fast(r"\bcontroll[oi]\b|\bfollow-?up\b", re.IGNORECASE)


def _bare_a_giorni_of_a_film(text: str, start: int) -> bool:
    """A bare Italian "a 10 giorni" in a sentence naming a film or a control: "RX di controllo a 10
    giorni" is the control film N days on, read like "a distanza di N giorni" (after the previous
    film, or the presentation: the two must agree, else the film stays blank)."""
    s_start, s_end = sentence_at(text, start)
    return bool(IMAGE_WORDS.search(text, s_start, s_end) or _FILM_OR_CONTROL.search(text, s_start, s_end))


def _soon_after(text: str, low: str, in_history, where: str) -> list[tuple[int, Moment]]:
    """The moments of ``_SOON_AFTER`` in ``text``: hours are days only when they make whole days
    (under 24 hours: the same day; "36 hours later" is left unplaced, its day is not told)."""
    # (weeks and months too: "TC di controllo a 3 mesi dalla dimissione"; the Italian notes' "gg": "a 10 gg dal
    # ricovero")
    if not (text_context(text).words & _SOON_WORDS) and not has_any(low, ("day", "giorn", "indomani", "distanza",
                                                                           "día", "dia", "mes", "sett", "week",
                                                                           "month", "fortnight", "seman", "woch",
                                                                           "gg")):
        return []
    found = []
    for m in finditer_near(_SOON_AFTER, text, _SOON_WORD, 60, 60):
        if in_history(m) or about_other_person(text, m.start(), m.end()):
            continue
        if m.group("nextadm"):  # "the day after admission": one day after the admission, not the previous film
            found.append((m.start(), Moment(SINCE_ADMISSION, 1, m.group(0), where)))
            continue
        if m.group("same") or m.group("next"):
            found.append((m.start(), Moment(AFTER_PREVIOUS, 0 if m.group("same") else 1, m.group(0), where)))
            continue
        if m.group("n"):
            if not (m.group("dist") or m.group("base")) and not _bare_a_giorni_of_a_film(text, m.start()):
                continue  # "a 10 giorni" outside a film's sentence: a dose's, a therapy's day
            amount = amount_in_days(m.group("n"), m.group("unit"))
            discharge = _FROM_DISCHARGE.match(text, m.end())
            if amount is not None and discharge and not m.group("base"):
                # "TC di controllo a 30 giorni dalla dimissione": placed where the text tells the discharge's day
                found.append((m.start(), Moment(AFTER_DISCHARGE, amount, text[m.start():discharge.end()], where)))
            elif amount is not None:
                kind = SINCE_ADMISSION if m.group("base") and not re.search(r"esordio|sintomi|s[ií]ntomas|comparsa",
                                                                              m.group("base")) else (
                    SINCE_ONSET if m.group("base") else AFTER_PREVIOUS)
                found.append((m.start(), Moment(kind, amount, m.group(0), where)))
            continue
        if m.group("h3") and not (m.group("h3base") or m.group("h3exam")) and not _bare_a_giorni_of_a_film(
                text, m.start()):
            continue  # "a 48 ore" outside a film's sentence: a therapy's, a test's
        token = (m.group("h") or m.group("h2") or m.group("h3")).lower()
        hours = parse_int(token) if is_amount(token) and parse_int(token) is not None else (
            1 if re.fullmatch(r"a\s+few|few|several|qualche|alcune", token) else None)
        if hours is None:
            continue
        kind = SINCE_ADMISSION if m.group("hbase") or m.group("h2base") or m.group("h3base") else AFTER_PREVIOUS
        evidence = m.group(0)
        if kind == AFTER_PREVIOUS and (death := _AFTER_DEATH.match(text, m.end())):
            # "about 4 hours after death": counted from the day the history gives the death, not the film before
            kind, evidence = AFTER_EVENT, text[m.start():death.end()]
        if hours < 24 or hours % 24 == 0:
            found.append((m.start(), Moment(kind, hours // 24, evidence, where)))
        else:
            found.append((m.start(), Moment(UNPLACED, -1, m.group(0), where)))
    return found


#: The death an hours' interval counts from: "4 hours after death", "6 h after his death"; and the intubation or
#: extubation ("48 h after intubation", "24 hours after extubation"), placed on the day the history gives it.
_AFTER_DEATH = compile_fast(r"(?<=after)\s+(?:the\s+|his\s+|her\s+)?(?:death|(?:re-?)?intubation|extubation)\b",
                            re.IGNORECASE)


#: The unit's admission named after an interval's "after": "after ICU admission", "after the transfer to the
#: intensive care unit", "after admission to the ICU" (``AFTER``'s base "admission" and ``_TO_ICU``).
_ICU_ADMISSION_AFTER = compile_fast(
    r"\s+(?:(?:the|his|her)\s+)?(?:(?:ICU|ITU|intensive\s+care(?:\s+unit)?|critical\s+care)\s+(?:admission|transfer)"
    r"|(?:transfer|admission)\s+(?:to|in|into)\s+(?:the\s+)?(?:ICU|ITU|intensive\s+care(?:\s+unit)?|"
    r"critical\s+care(?:\s+unit)?))\b",
    re.IGNORECASE)
#: A film on the unit's admission: "on the day of ICU admission", "at ICU admission", "on ICU arrival".
_AT_ICU_ADMISSION = compile_fast(
    r"\b(?:at|on|upon)\s+(?:the\s+(?:day|time)\s+of\s+)?(?:(?:the|his|her)\s+)?(?:ICU|ITU|intensive\s+care(?:\s+unit)?)"
    r"\s+(?:admission|arrival)\b",
    re.IGNORECASE)


def _after_icu_admission(text: str, m: re.Match[str], base: str) -> int | None:
    """The end of the unit's admission an ``AFTER`` match counts from ("6 days after ICU admission", "after admission
    to the ICU"), or None."""
    if "admiss" in base:
        unit = _TO_ICU.match(text, m.end())
        return unit.end() if unit else None
    if base:
        return None
    unit = _ICU_ADMISSION_AFTER.match(text, m.end())
    return unit.end() if unit else None


# What follows a relative time when it names its own base, another event than a film ("3 weeks
# after discharge", "2 weeks after the start of treatment", "dopo la dimissione"): "later" and a
# bare "after" are followed by punctuation or the film's words instead.
_OTHER_BASE = compile_fast(
    r"(?<=after|.dopo)\s+(?:the\s+|his\s+|her\s+|la\s+|il\s+|l[’']\s?)?(?:first\s+(?=positive\b))?"
    r"(?!(?:first|initial|previous|prior|last|baseline|earlier|precedente|primo|prima|that|this|which|then)\b)"
    r"(?P<word>[^\W\d_]{3,})"
    r"|(?<=\w)\s+(?:of|from|since|di|dal|dalla|dall[’'])\s+(?:the\s+|his\s+|her\s+|la\s+|il\s+)?"
    r"(?P<word2>(?!(?:first|initial|previous|prior|last|baseline|earlier)\b)[^\W\d_]{3,})",
    re.IGNORECASE,
)

#: An exam of two letters after an interval's "after the" ("two days after the CT angiography", "3 days after the RX"),
#: which ``_OTHER_BASE`` cannot take as its base's word (three letters at least): the exam the interval counts from.
_AFTER_THE_SHORT_EXAM = compile_fast(r"(?<=after)\s+(?:the|his|her)\s+(?P<exam>CT|TC|RX)\b", re.IGNORECASE)
#: "N days after the previous one (study, CT)": counted from the last earlier film of the exam it names, else of the
#: film's own exam (``_counted_from_exam``), as the Italian "a distanza di N giorni dalla precedente"; it was unplaced
#: ("the" no base word).
_THE_PREVIOUS = (r"\s+the\s+(?:previous|prior|preceding)(?:\s+(?:one|study|exam(?:ination)?|scan|control|follow-up|"
                 r"(?P<exam>CT|TC|HRCT|RX|radiograph|x-?ray|CXR)))?")
_AFTER_THE_PREVIOUS = compile_fast(rf"(?<=after){_THE_PREVIOUS}\b", re.IGNORECASE)
#: The evidence of such an interval (``_counted_from_exam``, ``_placed``).
_AFTER_THE_PREVIOUS_END = compile_fast(rf"\bafter{_THE_PREVIOUS}$", re.IGNORECASE)
#: The evidence of such an interval (``_counted_from_exam``, ``_placed``).
_AFTER_THE_SHORT_EXAM_END = compile_fast(rf"\b(?:{UNIT})\s+after\s+(?:the|his|her)\s+(?P<exam>CT|TC|RX)$",
                                         re.IGNORECASE)

#: "N days after the follow-up radiograph" (the control CT, the repeat CXR): counted from the last earlier film of the
#: exam it names, when that film is a later one than the case's first of its exam (``_follow_up_exam_day``); it was
#: unplaced ("follow" no base word).
_THE_FOLLOW_UP = (r"\s+the\s+(?:follow-?up|control|repeat(?:ed)?)\s+(?:(?:chest|plain)\s+)?"
                  r"(?P<exam>CT|HRCT|radiograph|x-?ray|CXR|film)")
_AFTER_THE_FOLLOW_UP = compile_fast(rf"(?<=after){_THE_FOLLOW_UP}\b", re.IGNORECASE)
_AFTER_THE_FOLLOW_UP_END = compile_fast(rf"\bafter{_THE_FOLLOW_UP}$", re.IGNORECASE)

#: The treatment an "after N days" was spent on ("after 17 days on ECMO", "after 5 days under mechanical
#: ventilation", "after 10 days on the ventilator"): its length, not a time after the film before (as "after 12 days
#: of mechanical ventilation" is, ``_OTHER_BASE``'s "of"); not "on the same day", "on admission", "on the ward".
_ON_COURSE = compile_fast(
    r"(?<=\w)\s+(?:on|under)\s+(?:the\s+|his\s+|her\s+)?(?!(?:the|his|her|same|this|that|which|day|days|admission|arrival|"
    r"presentation|ward|floor|average|follow)\b)[^\W\d_]{3,}",
    re.IGNORECASE,
)

#: An interval's "after the first" / "after the initial" closing on a visit, not a film ("HRCT a week after the first
#: visit" of a patient seen in a clinic days before the admission): the first of several visits, whose day the axis
#: (onset, admission) does not give; not after the previous film ("after the first CT" counts from that film).
_ENDS_FIRST = compile_fast(r"\b(?:first|initial|earlier)$", re.IGNORECASE)
_FIRST_VISIT_AFTER = compile_fast(r"\s+(?:visit|consultation|appointment|attendance)s?\b",
                                  re.IGNORECASE)

# The axis's own moments after a bare "after": the scan's window may end before a base the pattern
# names ("12 days after | admission"), which is then read as before (after the previous film).
_AXIS_WORD = compile_fast(
    r"(?:admission|admitted|hospitali[sz]\w*|presentation|arrival|onset|symptoms?|developing|illness|ricovero|"
    r"ingresso|esordio)\b",
    re.IGNORECASE,
)

#: An exam done right after an interval's closing "dopo" ("Due giorni dopo esegue TC", "3 giorni dopo viene
#: eseguita una TC"): the interval is "N days later", the verb no moment it counts from.
_DONE_AFTER_LATER = compile_fast(rf"(?<=dopo)\s+(?:{EXAM_DONE_VERBS}|viene|vengono|veniva|venivano)\b", re.IGNORECASE)

#: A film right after the cannulation for an extracorporeal support ("after the cannulation for ECMO", "following
#: ECMO cannulation", "post-ECMO cannulation"): the support's start (``EVENTS``' "ecmo"), as "after intubation" is the
#: intubation's day; a cannulation for anything else names no event.
_ECMO_CANNULATION = (r"\b(?:(?:immediately|shortly|just|soon)\s+)?(?:after|following|post[-\u2010\s]?)\s*"
                     r"(?:the\s+|his\s+|her\s+)?(?:(?:(?:vv|va|veno-?venous)[-\s]?)?(?:ECMO|ECLS)\s+cannulation|cannulation\s+for\s+"
                     r"(?:(?:vv|va|veno-?venous)[-\s]?)?(?:ECMO|ECLS))\b")
_ECMO_CANNULATION_RE = compile_fast(_ECMO_CANNULATION, re.IGNORECASE)

#: The interval before the event's word of an ``AFTER_EVENT`` moment's evidence ("3 days after ",
#: "after 10 days of the ", "post-").
_OTHER_BASE_WORD = compile_fast(
    r"^.*\b(?:after|of|from|since|following|on|under)\s+(?:the\s+|his\s+|her\s+)?|^post[-\u2010\s]?|"
    r"^.*\b(?:di|dopo)\s+(?:la\s+|il\s+)?",
    re.IGNORECASE)
#: The Italian span of a treatment, "dopo 4 giorni di terapia": counted from its start; not "due giorni dopo la
#: terapia", "a 5 giorni dalla terapia" (its end, or its start: not said).
_SPAN_OF = compile_fast(r"\s+di\s", re.IGNORECASE)
#: The intensive care unit a "terapia" names ("dopo 5 giorni di terapia intensiva"): a stay, not a treatment.
_INTENSIVE = compile_fast(r"\s+(?:intensiv|sub-?intensiv|semi-?intensiv)", re.IGNORECASE)
#: An extracorporeal support's name ("ECMO", "VV-ECMO", "ECLS", "extracorporeal membrane oxygenation"): the base of
#: "the 10th day of ECMO support", "after 17 days on ECMO", "after 21 days of ECMO" (``EVENTS``' "ecmo").
_ECMO_WORD = compile_fast(r"(?:(?:vv|va|veno-?venous|veno-?arterial)[-\s]?)?(?:ECMO|ECLS|extracorporeal\b)",
                          re.IGNORECASE)
#: The support's start after its name, which a bare "5 days after ECMO" (its start or its end?) does not tell:
#: "5 days after ECMO initiation / cannulation / start".
_ECMO_START = compile_fast(r"\s+(?:initiation|cannulation|start|institution|implantation|onset)\b", re.IGNORECASE)
#: The support's end after its name ("3 days after ECMO decannulation", "after ECMO weaning"): not its start.
_ECMO_END = compile_fast(r"\s+(?:\w+\s+)?(?:de-?cannulation|weaning|removal|discontinu\w*|withdrawal|termination|"
                         r"explant\w*|end|stop\w*)\b", re.IGNORECASE)
#: A film taken right after an event of the stay, without an interval: "Supine radiograph after
#: intubation", "post-intubation chest radiograph" - the day the history gives the intubation (a check
#: of the tube's position); a treatment lasts days, so "after treatment" is no such moment.
_RIGHT_AFTER_EVENT = compile_fast(
    r"\b(?:(?:immediately|shortly|just|soon)\s+)?(?:after|following)\s+(?:the\s+|his\s+|her\s+)?(?:re-?)?"
    r"(?:intubation|extubation)\b|\bpost[-\u2010\s]?(?:intubation|extubation)\b|" + _ECMO_CANNULATION, re.IGNORECASE)

#: The day (or morning) before an event's "after" (``_RIGHT_AFTER_EVENT``): "the morning after intubation", "on the
#: day after extubation" are the day after the event's.
_THE_DAY_AFTER_AN_EVENT = compile_fast(r"\bthe\s+(?:(?:next|following)\s+)?(?:day|morning)\s+\Z", re.IGNORECASE)

#: A film on an event's day: "on the day of intubation", "on the day of his extubation".
_ON_THE_DAY_OF_EVENT = compile_fast(r"\b(?:on\s+)?the\s+(?:same\s+)?day\s+of\s+(?:(?:the|his|her)\s+)?(?:re-?)?"
                                    r"(?:intubation|extubation)\b", re.IGNORECASE)

#: A film on an event's day told by the event's clause rather than its noun: "on the day ECMO was started", "the same
#: day she was intubated", "on the day when he was extubated", "the day he was cannulated for ECMO" (the noun's is
#: ``_ON_THE_DAY_OF_EVENT``); the group names the event (``_event_of_day_clause``).
_ON_THE_DAY_EVENT_CLAUSE = compile_fast(
    r"\b(?:on\s+)?the\s+(?:same\s+)?day\s+(?:that\s+|when\s+|on\s+which\s+)?(?:"
    r"(?P<ecmo>(?:(?:vv|va|veno-?venous|veno-?arterial)[-\s]?)?(?:ECMO|ECLS)(?:\s+support)?\s+was\s+(?:started|"
    r"initiated|commenced|begun|instituted|established)|(?:he|she|the\s+patient)\s+was\s+(?:cannulated\s+for|"
    r"(?:started|placed|put)\s+on)\s+(?:\w+[-\s])?(?:ECMO|ECLS))"
    r"|(?:he|she|the\s+patient)\s+was\s+(?:(?P<intubation>(?:re-?)?intubated)|(?P<extubation>extubated)))\b",
    re.IGNORECASE)


def _event_of_day_clause(evidence: str) -> str:
    """The event a film's "on the day ECMO was started" names (``_ON_THE_DAY_EVENT_CLAUSE``), or ""."""
    m = _ON_THE_DAY_EVENT_CLAUSE.fullmatch(evidence)
    return next((name for name in ("ecmo", "intubation", "extubation") if m and m.group(name)), "")


#: Connectors of a "day N <connector> admission" that count the days from the admission.
_COUNTED_FROM = frozenset({"post", "after", "since", "from", "dal", "dall", "dopo"})

# A day written as an ordinal word: "on the fifth day of hospitalisation", "in terza giornata di
# ricovero", or a Roman numeral, upper case: "in XII giornata di ricovero" (the digits, "5th day",
# are DAY_N's); without its "the" as a caption's moment taken from the text is ("sixth day after
# admission", papers._cited_moment).
#: The Spanish and Portuguese ordinals, each once ("segundo", "quinto" are both languages').
_ORDINALS_ES_PT = "|".join(dict.fromkeys((*ORDINALS_ES, *ORDINALS_PT)))
#: English ordinal words past the tenth, as a long stay's day is told ("died on the eleventh day of admission",
#: "on the twenty-first day of illness"): each with its number (``ORDINALS_EN`` holds the first ten).
_TEENS = ("eleventh", "twelfth", "thirteenth", "fourteenth", "fifteenth", "sixteenth", "seventeenth", "eighteenth",
          "nineteenth")
_LATER_ORDINALS_EN = {**{w: k for k, w in enumerate(_TEENS, start=11)}, "twentieth": 20, "thirtieth": 30,
                      **{f"{tens}{sep}{unit}": base + k for tens, base in (("twenty", 20), ("thirty", 30))
                         for k, unit in enumerate(ORDINALS_EN[:9], start=1) if base + k <= 31 for sep in ("-", " ")}}
_ORDINAL_DAY = compile_fast(
    # "the fourth day of hospitalisation", and the qualified "the fourth hospital day", "the fifth illness day"
    rf"\b(?:the\s+)?(?P<ord>{'|'.join(sorted((*_LATER_ORDINALS_EN, *ORDINALS_EN), key=len, reverse=True))})\s+"
    # (and the surgeons' "the second postoperative day": N days after the operation, as "postoperative day 2")
    r"(?:(?P<oqual>hospital|illness|disease|post-?op(?:erative)?)\s+)?day\b"
    rf"(?:\s+(?P<conn>of|after|since|from|post|{ON_STAY})\s+(?:the\s+|his\s+|her\s+)?(?P<base>\w+(?:-19)?))?"
    rf"|\b(?P<ord_it>{'|'.join(ORDINALS_IT)}|(?-i:{'|'.join(sorted(ROMAN_NUMERALS, key=len, reverse=True))}))"
    r"\s+giornata\b"
    r"(?:\s+(?P<conn_it>di|dal(?:l[’'])?)\s*(?P<base_it>\w+))?"
    # "al quinto día de internación", "no quinto dia de internação"
    rf"|\b(?P<ord_es>{_ORDINALS_ES_PT})\s+d[ií]a\b(?:\s+(?P<conn_es>de)\s+(?P<base_es>\w+))?",
    re.IGNORECASE,
)
# a word's start and the first letter of "the", an ordinal or a Roman numeral (gate() in common)
_ORDINAL_DAY = gate(_ORDINAL_DAY, "\\b[{}]".format("".join(sorted(
    {w[0].lower() for w in ("the", *ORDINALS_EN, *ORDINALS_IT, *ORDINALS_ES, *ORDINALS_PT, *ROMAN_NUMERALS)}))))


#: The word of a day every match of ``DAY_N`` and ``_ORDINAL_DAY`` holds ("day", "giorno", "giornata",
#: "día", "jour", "Tag"): their first letters open many words of a note (DAY_N's any digit), so a
#: whole scan tries them nearly everywhere; ``_day_n_matches`` and ``_ordinal_day_matches`` scan
#: only around these words. A match runs at most ~20 characters before its word ("post-admission
#: day", "the seventh day") and ~45 after it ("day 12 since the hospitalisation").
_DAY_WORD = compile_fast(r"\b(?:day|giorn|d[ií]a|jour|tag)", re.IGNORECASE)
_DAY_WORD = gate(_DAY_WORD, "[dgjt]")  # the first letters of those words


@lru_cache(maxsize=4096)
def _day_n_matches(text: str) -> tuple[re.Match[str], ...]:
    """The matches of ``DAY_N`` in ``text`` (its ``finditer``'s), found once: a note is read for its
    films' moments and for the day of the illness its history presents on."""
    return tuple(finditer_near(DAY_N, text, _DAY_WORD, 30, 60))


@lru_cache(maxsize=4096)
def _ordinal_day_matches(text: str) -> tuple[re.Match[str], ...]:
    """The matches of ``_ORDINAL_DAY`` in ``text``, found once (as ``_day_n_matches``)."""
    return tuple(finditer_near(_ORDINAL_DAY, text, _DAY_WORD, 30, 60))


# The clinicians' "HD 3", "HD#3": hospital day 3 (upper case only: "hd" is no other word of a note).
_HD_N = compile_fast(r"\bHD\s*#?\s*(\d{1,3})\b")
# A day of the case's own count as Japanese, Korean and Chinese groups abbreviate it: "CT on D1", "a radiograph on
# D4" ("Day 1 (D1) was the day of admission"): a capital D run into its number after a preposition of time, not
# "vitamin D3" or a "D2 receptor".
# The same heading a film's words, as an Indian group's legends write it: "(B) D7, after intubation: ...".
# French and Belgian clinicians write the same count with a J (jour), "J0" the day the symptoms began: "at J10",
# "transferred to the ICU at J10", "(B) J12: ...". A number with a base after it ("D10 of symptoms", "J7 of the
# symptoms") is ``_ABBREVIATED_DAY``'s, the day of that base.
_D_N = compile_fast(r"(?:\b(?:[Oo]n|[Aa]t|[Ff]rom|[Bb]y|[Uu]ntil|[Ss]ince)\s+|^\s*(?=[DJ]\d{1,3}\s*[,:]))"
                    r"[DJ](\d{1,3})\b(?!\s+(?:of|after|since|from)\s)")
# The French clinicians' "J14" as one item of a legend's list, between commas or before its colon ("Bedside chest
# X-ray, patient in supine position, J14: diffuse ...", "Radiographie thoracique, J7, de face"): the same count as
# "at J14" (a J run into its number names no vitamin nor receptor, as a "D3" after a comma may).
_J_N_LISTED = compile_fast(r"(?<=,\s)J(\d{1,3})\b(?=\s*[,:;])")
# The clinicians' day "D10" / "J10" followed by what it counts from, as a "day 10 of ..." (``DAY_N``): "presented at
# D10 of symptoms", "a CT at admission (J7 of the symptoms)". A capital letter run into its number and a connector:
# not "vitamin D3 of the diet" nor "Segment D4 of the spine" (a base no count of the axis holds: no day at all).
_ABBREVIATED_DAY = compile_fast(r"(?<![\w-])[DJ](?P<n>\d{1,3})(?P<of>\s+(?:of|after|since|from)\s+"
                                r"(?:the\s+|his\s+|her\s+)?(?P<base>\w+(?:-19)?))")


def _may_hold_day_letter(text: str) -> bool:
    """The cheap test before ``_D_N`` and ``_ABBREVIATED_DAY``: each match holds a capital D or J."""
    return "D" in text or "J" in text


def _has_d_n(text: str) -> bool:
    """Whether ``text`` holds a clinicians' day label ("on D5", "at J10", ", J14:"): ``_D_N``'s or ``_J_N_LISTED``'s,
    behind a cheap test."""
    return _may_hold_day_letter(text) and (_D_N.search(text) is not None or _J_N_LISTED.search(text) is not None)


def _abbreviated_day_matches(text: str) -> tuple[re.Match[str], ...]:
    """The matches of ``_ABBREVIATED_DAY`` in ``text`` ("D10 of symptoms"), behind a cheap test."""
    return tuple(_ABBREVIATED_DAY.finditer(text)) if _may_hold_day_letter(text) else ()


def _abbreviated_day_parts(m: re.Match[str]) -> tuple[int, str, str, str]:
    """(N, qualifier, connector, base) of an ``_ABBREVIATED_DAY`` match, as ``_day_n_parts``'s."""
    return int(m.group("n")), "", m.group("of"), day_base(m, m.group("base"))


#: The connectors of a day "of" the stay: "day 3 of hospitalization", "terza giornata di ricovero", "5º dia de
#: internação", "3. Tag des stationären Aufenthalts".
_DAY_OF = frozenset({"of", "di", "de", "do", "da", "des", "on"})  # "on": "the 9th day on admission" (ON_STAY)
# A day of the stay named before its number, as Turkish, Russian and Chinese write it: "Yatışının 4. gününde" (on
# the 4th day of his stay), "на 7-е сутки госпитализации", "入院第3天" / "住院第3天": hospital day N.
_DAY_OF_STAY_NAMED_FIRST = compile_fast(
    r"\byat[ıi]ş[ıi]n[ıi]n\s+(?P<n>\d{1,3})\.\s*g[üu]n[üu]nde\b"
    r"|\bна\s+(?P<n2>\d{1,3})-?(?:[еийя]|ые)?\s+(?:сутки|день)\s+(?:госпитализации|пребывания\s+в\s+стационаре)\b"
    r"|(?:入院|住院)(?:后)?第\s*(?P<n3>\d{1,3})\s*[天日]",
    re.IGNORECASE,
)
_DAY_OF_STAY_KEYS = ("yatış", "yatis", "госпитализации", "стационаре", "入院", "住院")
# The surgeons' "POD 5", "POD#5": postoperative day 5 (upper case only, as "HD").
_POD_N = compile_fast(r"\bPOD\s*#?\s*(\d{1,3})\b")


def _day_moment(n: int, qual: str, connector: str, base: str, evidence: str, where: str) -> Moment | None:
    """The moment of a "day N" (a label, a day of illness, a day counted from admission), or None
    when it counts from another base ("7th day after the initiation of treatment")."""
    if qual in ("illness", "disease", "symptom", "post-onset", "postonset") or ONSET_BASE.match(base):
        return Moment(SINCE_ONSET, n, evidence, where)
    if ADMISSION_BASE.match(base) and connector.split()[0].lower().rstrip("’'") in _COUNTED_FROM:
        # "Day 5 post admission", "day 3 after admission": days counted from the admission
        return Moment(SINCE_ADMISSION, n, evidence, where)
    if qual == "hospital" or (ADMISSION_BASE.match(base) and connector.split()[0].lower() in _DAY_OF):
        # a day of the stay ("hospital day 3", "day 3 of hospitalization", "terza giornata di ricovero")
        return Moment(HOSPITAL_DAY, n, evidence, where)
    if qual.startswith("post") and qual.endswith(("op", "operative")):
        return Moment(SINCE_OPERATION, n, evidence, where)
    if qual in ("post-admission", "postadmission"):
        # "post-admission day 6" counts as "postoperative day 6" does: the admission is its day 0
        return Moment(SINCE_ADMISSION, n, evidence, where)
    if qual == "admission" or ADMISSION_BASE.match(base):
        # "admission day 3": day 1 may be the admission day or the next one; told, it is the film's
        # moment (not the presenting film's), but its day is not
        return Moment(UNPLACED, -1, evidence, where)
    if _ICU_BASE.match(base) and connector.split()[0].lower() in _DAY_OF:
        # "day 20 of ICU stay", "day 4 of intensive care": a day of the unit's stay, as "ICU day 20"
        return Moment(ICU_DAY, n, evidence, where)
    if base and connector:
        return None  # another base
    return Moment(LABEL, n, evidence, where)


#: An extracorporeal support's name right before a bare "day N" ("CT, ECMO day 10", "radiograph on VV-ECMO day 3"):
#: the clinicians' count of the support's days, as "ICU day 3" is the unit's; not the support's end ("weaned from
#: ECMO day 12" is no such count).
_ECMO_BEFORE = compile_fast(r"(?<!\bfrom\s)(?<!\boff\s)(?<!\bof\s)(?<![\w-])(?:(?:vv|va|veno-?venous|veno-?arterial)"
                            r"[-\s]?)?(?:ECMO|ECLS)\s+$", re.IGNORECASE)

#: A day of another count right before the support's day, the same film's day told twice ("Hospital day 7 (ECMO day
#: 6)", "HD 12 / ECMO day 11"): the other count's, whose day 1 the support's may not share (a label beside it).
_DAY_BESIDE = compile_fast(r"(?:\bday|\bHD|\bPOD|\b[DJ])\s*#?\s*\d{1,3}\s*[(/,;:\-\u2013]?\s*$", re.IGNORECASE)


def _ecmo_day(text: str, m: re.Match[str], moment: Moment | None, where: str) -> Moment | None:
    """``moment`` (a bare "day N" label) as the Nth day after the start of the extracorporeal support named right
    before it ("ECMO day 10": ``EVENTS``' "ecmo", placed when the history tells its start), else unchanged."""
    if moment is None or moment.kind != LABEL or not has_any(text[max(0, m.start() - 24):m.start()].lower(),
                                                              ("ecmo", "ecls")):
        return moment
    ecmo = _ECMO_BEFORE.search(text, max(0, m.start() - 24), m.start())
    if ecmo is None or _DAY_BESIDE.search(text, max(0, ecmo.start() - 24), ecmo.start()):
        return moment
    return Moment(AFTER_EVENT, moment.days, text[ecmo.start():m.end()], where)


def _other_base_day(m: re.Match[str], where: str, parts: tuple[int, str, str, str]) -> Moment:
    """A film's day counted from a base the axis does not hold ("day 3 of treatment"): told, it is the film's
    moment, not a film without one (the presenting film's, the previous film's), but its day is not placed; a
    day of an extracorporeal support ("on the 10th day of ECMO support", "day 5 of ECMO") counts from the support's
    start, placed when the history tells it (``EVENTS``' "ecmo")."""
    n, _, connector, base = parts
    if connector.split()[:1] == ["of"] and _ECMO_WORD.match(base):
        return Moment(AFTER_EVENT, n, m.group(0), where)
    return Moment(UNPLACED, -1, m.group(0), where)


# Italian clinicians count a "giornata" of the stay: a bare "in 3a giornata", "in terza giornata", "in III giornata"
# is the third day of hospitalisation (as "giornata di ricovero"/"di degenza"), unless a base follows it ("in
# terza giornata dall'esordio", "di terapia": the match's connector) or an operation's count ("in terza giornata
# post-operatoria").
_GIORNATA = compile_fast(r"giornata\Z", re.IGNORECASE)
_GIORNATA_OTHER_COUNT = compile_fast(r"\s*(?:post|dopo|da\b|dal)", re.IGNORECASE)


def _stay_giornata(m: re.Match[str], connector: str) -> bool:
    """True when ``m`` (a day's match) is a bare Italian "N giornata": a day of the stay."""
    return (not connector and bool(_GIORNATA.search(m.group(0)))
            and not _GIORNATA_OTHER_COUNT.match(m.string, m.end()))


def _day_n_parts(m: re.Match[str]) -> tuple[int, str, str, str]:
    """(N, qualifier, connector, base) of a ``DAY_N`` match, as ``_day_moment`` reads them (a bare
    "3a giornata" qualified "hospital")."""
    qual = re.sub("[\u2010\u2011]", "-", (m.group("qual") or m.group("qual2") or "").strip().lower())
    connector = m.group("of") or m.group("of2") or ""
    return (int(m.group("n") or m.group("n2")), "hospital" if _stay_giornata(m, connector) else qual,
            connector, day_base(m, m.group("base") or m.group("base2") or ""))


def _ordinal_day_parts(m: re.Match[str]) -> tuple[int, str, str, str]:
    """(N, qualifier, connector, base) of an ``_ORDINAL_DAY`` match ("the fourth day of fever", "XII giornata":
    a bare giornata qualified "hospital")."""
    word = m.group("ord") or m.group("ord_it") or m.group("ord_es")
    connector = m.group("conn") or m.group("conn_it") or m.group("conn_es") or ""
    qual = "hospital" if _stay_giornata(m, connector) else (m.group("oqual") or "").lower()
    number = _LATER_ORDINALS_EN.get(re.sub(r"\s+", " ", word.lower())) or ORDINAL_NUMBERS.get(word.lower())
    return (ROMAN_NUMBERS.get(word) or number, qual, connector,
            day_base(m, m.group("base") or m.group("base_it") or m.group("base_es") or ""))


#: A film on a weekday after the one the history admits the patient on ("on the following Monday" of a patient
#: "admitted on a Friday"): ``days`` is the weekday's number.
_FOLLOWING_WEEKDAY = compile_fast(rf"\bthe\s+(?:following|next)\s+(?P<day>{'|'.join(_WEEKDAYS)})\b", re.IGNORECASE)
#: The history's weekday of the admission: "He was admitted on a Friday", "presented on a Sunday evening".
_ADMITTED_ON_WEEKDAY = compile_fast(
    rf"\b(?:admitted|presented|hospitali[sz]ed)\b[^.;]{{0,60}}?\bon\s+a\s+(?P<day>{'|'.join(_WEEKDAYS)})\b",
    re.IGNORECASE)


#: Words without one of which a text gives no moment (a unit, an admission word, post-mortem): a
#: cheap gate before the scans (most notes of a table are about findings only).
_MOMENT_WORDS = frozenset({
    *UNIT_DAYS, "giornata", "dia", "dias", "tag", "mortem", "postmortem", "admission", "presentation", "arrival",
    "hospitalization", "hospitalisation", "initial", "baseline", "presenting", "index", "ingresso", "accesso",
    "arrivo", "ricovero", "ammissione", "ingreso", "admissão", "internação", "aufnahme", "first", "hd", "ps",
    "soccorso", "discharge", "emergency", "readmission", "pod", *_SOON_WORDS, *_WEEKDAYS,
    # the admission as Russian and Turkish tell it ("при поступлении", "başvuru sırasında", "başvurusunda")
    "поступлении", "başvuru", "başvurusunda",
})


@lru_cache(maxsize=4096)
def _text_moments(text: str, where: str) -> tuple[tuple[int, Moment], ...]:
    """(start, moment) of each moment of ``text``, in text order, told by ``where``; remembered,
    because a note is read for the film it belongs to (``text_moments``) and for whether it tells
    one moment (``tells_one_moment``)."""
    return tuple((start, Moment(m.kind, m.days, m.evidence, where)) for start, m in _moments_read(text))


@lru_cache(maxsize=4096)
def _moments_read(text: str) -> tuple[tuple[int, Moment], ...]:
    """``_text_moments`` before ``where`` is known: the scans of a text do not depend on who tells
    it, and backfill reads each row's note as a film's caption and as a note (``tells_one_moment``):
    one reading, not two."""
    where = ""
    if not (text_context(text).words & _MOMENT_WORDS) and not has_any(text_context(text).lower,
                                                                        ("day", "indomani", *_DAY_OF_STAY_KEYS)) \
            and not _has_d_n(text) and not _abbreviated_day_matches(text):
        return ()
    history = _history(text)
    history_span = (history[1].start(), history[1].end()) if history else (-1, -1)

    def in_history(m: re.Match[str]) -> bool:
        return history_span[0] <= m.start() < history_span[1]

    moments: list[tuple[int, Moment]] = []
    low = text_context(text).lower
    for m in (_day_n_matches(text) if has_any(low, ("day", "giorn", "dí", "dia", "jour", "tag")) else ()):
        parts = _day_n_parts(m)
        moment = _day_moment(*parts, m.group(0), where) or _other_base_day(m, where, parts)
        icu = _ICU_BEFORE.search(text, max(0, m.start() - 24), m.start()) if moment is not None else None
        if icu is not None:
            # "ICU day 3": a day of the stay in intensive care (a count of the unit's days, or a base unread)
            counted = moment.kind in (LABEL, HOSPITAL_DAY)
            moment = Moment(ICU_DAY if counted else UNPLACED, moment.days if counted else -1,
                            text[icu.start():m.end()], where)
        moment = _ecmo_day(text, m, moment, where)
        if moment is not None:
            moments.append((m.start(), moment))
    for m in (_HD_N.finditer(text) if "hd" in text_context(text).words else ()):
        moments.append((m.start(), Moment(HOSPITAL_DAY, int(m.group(1)), m.group(0), where)))
    for m in (_D_N.finditer(text) if _may_hold_day_letter(text) else ()):
        moments.append((m.start(), Moment(LABEL, int(m.group(1)), m.group(0), where)))
    for m in (_J_N_LISTED.finditer(text) if "J" in text else ()):
        moments.append((m.start(), Moment(LABEL, int(m.group(1)), m.group(0), where)))
    for m in _abbreviated_day_matches(text):
        # of a base the axis holds only: "D4 of the spine" is a vertebra, no day of another count
        moment = _day_moment(*_abbreviated_day_parts(m), m.group(0), where)
        if moment is not None:
            moments.append((m.start(), moment))
    for m in (_DAY_OF_STAY_NAMED_FIRST.finditer(text) if has_any(low, _DAY_OF_STAY_KEYS) else ()):
        n = m.group("n") or m.group("n2") or m.group("n3")
        moments.append((m.start(), Moment(HOSPITAL_DAY, int(n), m.group(0), where)))
    for m in (_POD_N.finditer(text) if "pod" in text_context(text).words else ()):
        moments.append((m.start(), Moment(SINCE_OPERATION, int(m.group(1)), m.group(0), where)))
    for m in (_ordinal_day_matches(text) if has_any(low, ("day", "giornata", "día", "dia")) else ()):
        parts = _ordinal_day_parts(m)
        moment = _day_moment(*parts, m.group(0), where) or _other_base_day(m, where, parts)
        if moment is not None:
            moments.append((m.start(), moment))
    moments.extend(_after_base_moments(text, low, in_history, where))
    to_icu: list[tuple[int, Moment]] = []
    for m in at_admission(text):
        # "on the 3rd day of admission" is that day of the stay, not its inner "day of admission"
        if not in_history(m) and not any(m.start() < start + len(x.evidence) and start < m.end()
                                         for start, x in moments):
            kind = PRESENTING if _FIRST_FILM.fullmatch(m.group(0)) else SINCE_ADMISSION
            icu = _TO_ICU.match(text, m.end())
            if icu:  # the evidence names the unit: the film's other words may date it (``admission_to_icu_only``)
                to_icu.append((m.start(), Moment(kind, 0, text[m.start():icu.end()], where)))
            else:
                moments.append((m.start(), Moment(kind, 0, m.group(0), where)))
    if not any(x.kind not in (UNPLACED, ICU_DAY) for _, x in moments):
        # "at admission to the ICU, two days after arrival at the hospital": the other words date the
        # film; alone, the admission to the unit is the only day its words tell (the presentation's)
        moments.extend(to_icu)
    for m in (_AT_ICU_ADMISSION.finditer(text) if has_any(low, ("icu", "itu", "intensive", "critical"))
              and not any(x.kind not in (UNPLACED, ICU_DAY) for _, x in moments) else ()):
        if not in_history(m) and not any(start <= m.start() < start + len(x.evidence) for start, x in moments):
            # "on the day of ICU admission", "at ICU admission": the unit's day 0 (``_after_icu_admission``), as
            # ``to_icu``'s only where the film's other words tell no moment ("at ICU admission (day 6)")
            moments.append((m.start(), Moment(ICU_DAY, 0, m.group(0), where)))
    for m in (_FIRST_FILM.finditer(text) if "first" in low else ()):
        if not in_history(m) and not any(start == m.start() for start, _ in moments):
            moments.append((m.start(), Moment(PRESENTING, 0, m.group(0), where)))
    moments.extend(_soon_after(text, low, in_history, where))
    moments.extend(_event_day_moments(text, low, in_history, where))
    moments = _postpartum_days(text, low, in_history, where, moments)
    for m in OTHER_TIME.finditer(text):
        if not in_history(m) and not any(m.start() < start + len(x.evidence) and start < m.end()
                                         for start, x in moments):
            # "Post-mortem CT": the day the history gives the death (``EVENTS``' "death"), else unplaced
            kind, days = (AFTER_EVENT, 0) if _POST_MORTEM.fullmatch(m.group(0)) else (UNPLACED, -1)
            moments.append((m.start(), Moment(kind, days, m.group(0), where)))
    return tuple(sorted(((start, m) for start, m in moments if not _is_reference(text, start)), key=lambda p: p[0]))


#: The first of two stays' discharges after an interval's "after": "4 weeks after his first discharge", "two months
#: after the initial discharge", the Italian "dopo la prima dimissione".
_AFTER_FIRST_DISCHARGE = compile_fast(
    r"\b(?:after|following|dopo)\s+(?:the\s+|his\s+|her\s+|their\s+|la\s+)?(?:first|initial|prima)\s+"
    r"(?:discharge|dimissione)\b", re.IGNORECASE)


def _after_base_moments(text: str, low: str, in_history, where: str) -> list[tuple[int, Moment]]:
    """The moments of ``AFTER`` in ``text`` ("3 days after admission", "2 weeks after the start of treatment",
    "after 17 days on ECMO"), each of the kind its base word makes it (``_moments_read``; ``low``: the text lowered,
    ``in_history``: whether a match is in the text's history, read there)."""
    moments: list[tuple[int, Moment]] = []
    for m in (finditer_near(AFTER, text, UNIT_RE, 60, 90) if has_any(low, UNIT_KEYS) else ()):
        if in_history(m) or about_other_person(text, m.start(), m.end()):
            continue
        n = m.group("n") or m.group("n2")
        if not is_amount(n):
            continue
        amount = amount_in_days(n, m.group("unit") or m.group("unit2"))
        if amount is None:
            continue
        base = (m.group("base") or m.group("base2") or m.group("pbase") or "").lower()
        first = _AFTER_FIRST_DISCHARGE.search(text, m.start(), min(len(text), m.end() + 40))
        if first is not None and first.start() <= m.end():
            # "4 weeks after his first discharge" (was "the first" film's, or unplaced): a readmitted patient's first
            # discharge (``_counted_from_event``)
            moments.append((m.start(), Moment(AFTER_DISCHARGE, amount, text[m.start():first.end()], where)))
            continue
        if re.search(r"onset|symptom|developing|illness|esordio|beginning|start", base):
            moments.append((m.start(), Moment(SINCE_ONSET, amount, m.group(0), where)))
        elif (unit := _after_icu_admission(text, m, base)) is not None:
            # "six days after ICU admission", "10 days after admission to the ICU": the unit's day N, placed on the
            # day the history moves the patient there (an admission straight to it: the stay's), else blank
            moments.append((m.start(), Moment(ICU_DAY, amount, text[m.start():unit], where)))
        elif "arriv" in base and _TO_ICU.match(text, m.end()):
            # "2 days after arrival in the ICU": an arrival in the unit, not in hospital
            moments.append((m.start(), Moment(UNPLACED, -1, m.group(0), where)))
        elif AFTER_ADMISSION_BASE.search(base):
            moments.append((m.start(), Moment(SINCE_ADMISSION, amount, m.group(0), where)))
        else:
            other = _OTHER_BASE.match(text, m.end())
            word = (other.group("word") or other.group("word2")) if other else ""
            if other and word.lower().startswith(("discharg", "dimission")):
                # "4 weeks after discharge": placed when the history tells the discharge's day
                moments.append((m.start(), Moment(AFTER_DISCHARGE, amount, text[m.start():other.end()], where)))
            elif other and word.lower().startswith(("readmission", "readmitted")):
                # "3 days after readmission": placed when the history tells the readmission's day
                moments.append((m.start(), Moment(AFTER_READMISSION, amount, text[m.start():other.end()], where)))
            elif other and (dose := _NTH_DOSE.match(text, other.start())):
                # "three days after the second dose (of tocilizumab)": placed when the history dates that dose
                moments.append((m.start(), Moment(AFTER_EVENT, amount, text[m.start():dose.end()], where)))
            elif other and event_of(word) and (event_of(word) != "positive test"
                                               or _TEST_NOUN.match(text, other.end())) and not (
                    event_of(word) == "treatment" and (_INTENSIVE.match(text, other.end()) or (
                        word.lower() in ("terapia", "trattamento") and not _SPAN_OF.match(other.group(0))))) and not (
                    event_of(word) == "ecmo" and (_ECMO_END.match(text, other.end()) or (
                        other.group("word") and not _ECMO_START.match(text, other.end())))):
                # "3 days after intubation": placed when the history tells the intubation's day; "after the
                # first positive test" (not "after positive pressure ventilation")
                moments.append((m.start(), Moment(AFTER_EVENT, amount, text[m.start():other.end()], where)))
            elif other and word.lower() in ("the", "his", "her") and (
                    exam := _AFTER_THE_SHORT_EXAM.match(text, m.end())):
                # "two days after the CT angiography": counted from that exam (``_counted_from_exam``), not from
                # "the" (an exam's name of two letters is no base word: it was unplaced)
                moments.append((m.start(), Moment(AFTER_PREVIOUS, amount, text[m.start():exam.end()], where)))
            elif other and word.lower() == "the" and (previous := _AFTER_THE_PREVIOUS.match(text, m.end())):
                # "12 days after the previous one": counted from the last earlier film of its exam
                moments.append((m.start(), Moment(AFTER_PREVIOUS, amount, text[m.start():previous.end()], where)))
            elif other and (follow_up := _AFTER_THE_FOLLOW_UP.match(text, m.end())):
                # "two days after the follow-up radiograph": counted from the last earlier film of that exam
                moments.append((m.start(), Moment(AFTER_PREVIOUS, amount, text[m.start():follow_up.end()], where)))
            elif (other and not IMAGE_WORDS.match(word) and not _AXIS_WORD.match(word)
                  and not _DONE_AFTER_LATER.match(text, m.end())):
                # "2 weeks after the start of treatment": counted from a moment not on the axis
                moments.append((m.start(), Moment(UNPLACED, -1, text[m.start():other.end()], where)))
            elif (m.group("n2") and (course := _ON_COURSE.match(text, m.end()))
                  and event_of(course.group(0).split()[-1]) == "ecmo"):
                # "after 17 days on ECMO": the support's length, counted from its start when the history tells it
                moments.append((m.start(), Moment(AFTER_EVENT, amount, text[m.start():course.end()], where)))
            elif m.group("n2") and (course := _ON_COURSE.match(text, m.end())):
                # "after 17 days on ECMO", "after 5 days under mechanical ventilation": the time spent on a
                # treatment, counted from its start, not from the film before
                moments.append((m.start(), Moment(UNPLACED, -1, text[m.start():course.end()], where)))
            elif first_visit := _FIRST_VISIT_AFTER.match(text, m.end()) if _ENDS_FIRST.search(m.group(0)) else None:
                # "a week after her first visit": the first of several visits, not the film before
                moments.append((m.start(), Moment(UNPLACED, -1, text[m.start():first_visit.end()], where)))
            else:
                moments.append((m.start(), Moment(AFTER_PREVIOUS, amount, m.group(0), where)))
    return moments


def _event_day_moments(text: str, low: str, in_history, where: str) -> list[tuple[int, Moment]]:
    """The moments of ``text`` naming the day of an event the history places ("on the following Monday", "on the
    day of discharge", "3 months post discharge", "at readmission", "at the first visit", "at the 1-month
    follow-up"), outside its history (``_moments_read``)."""
    moments: list[tuple[int, Moment]] = []
    for m in (_FOLLOWING_WEEKDAY.finditer(text) if text_context(text).words & _WEEKDAY_WORDS else ()):
        if not in_history(m):  # "on the following Monday": placed from the weekday the history admits on
            moments.append((m.start(), Moment(ON_WEEKDAY, _WEEKDAYS.index(m.group("day").lower()), m.group(0), where)))
    for m in (_AT_DISCHARGE.finditer(text) if "discharge" in low else ()):
        if not in_history(m):  # "on the day of discharge": the day the history discharges the patient
            moments.append((m.start(), Moment(AFTER_DISCHARGE, 0, m.group(0), where)))
    for m in (_POST_DISCHARGE.finditer(text) if "discharge" in low else ()):
        amount = amount_in_days(m.group("n"), m.group("unit")) if is_amount(m.group("n")) else None
        if amount is not None and not in_history(m):  # "3 months post discharge", as "after discharge"
            moments.append((m.start(), Moment(AFTER_DISCHARGE, amount, m.group(0), where)))
    for m in (_AT_READMISSION.finditer(text) if has_any(low, ("readmission", "re-admission", "re-presentation",
                                                              "second")) else ()):
        if not in_history(m):  # "CT at readmission": the day the history readmits the patient
            moments.append((m.start(), Moment(AFTER_READMISSION, 0, m.group(0), where)))
    for m in (_AT_FIRST_VISIT.finditer(text) if has_any(low, ("first", "initial")) else ()):
        if not in_history(m):  # "PA radiograph at the first visit": the first visit's day (``first_visit_moment``)
            moments.append((m.start(), Moment(FIRST_VISIT, 0, m.group(0), where)))
    for m in (_AT_FOLLOW_UP.finditer(text) if "follow" in low else ()):
        amount = amount_in_days(m.group("n"), m.group("unit")) if is_amount(m.group("n")) else None
        if amount is not None and not in_history(m):
            moments.append((m.start(), Moment(AT_FOLLOW_UP, amount, m.group(0), where)))
    return moments


#: A day counted from a delivery, as obstetricians write it: "on the fourth postpartum day", "postpartum day 3", "on
#: post-partum day 4", "day 3 postpartum", "the 2nd day post-partum", "on the fourth
#: day after delivery", "day 2 after the caesarean section", "2 days postpartum": N days after the delivery the
#: history tells (``EVENTS``' "delivery"), as "postoperative day N" after an operation.
_DELIVERY_WORD = r"(?:the\s+|her\s+)?(?:delivery|childbirth|ca?esarean(?:\s+(?:section|delivery))?|c-section)\b"
_POSTPARTUM_DAY = compile_fast(
    rf"\b(?:the\s+)?(?P<ord>{'|'.join(sorted((*_LATER_ORDINALS_EN, *ORDINALS_EN), key=len, reverse=True))}|"
    r"(?P<num>\d{1,2})(?:st|nd|rd|th))\s+(?:(?:post[-\u2010\s]?partum|puerperal)\s+day\b|day\s+(?:post[-\u2010\s]?partum\b|"
    rf"(?:after|following|post)\s+{_DELIVERY_WORD}))"
    r"|\b(?:post[-\u2010\s]?partum|puerperal)\s+day\s*#?\s*(?P<n>\d{1,2})\b"
    rf"|\bday\s*(?P<n2>\d{{1,2}})\s+(?:post[-\u2010\s]?partum\b|(?:after|following|post)\s+{_DELIVERY_WORD})"
    r"|\b(?P<n3>\d{1,2}|one|two|three|four|five|six|seven|eight|nine|ten)\s+days?\s+post[-\u2010\s]?partum\b",
    re.IGNORECASE)
#: (the pattern for ``papers._DATE``: the text citing a figure names a day from the delivery in the same words)
POSTPARTUM_DAY = _POSTPARTUM_DAY.pattern
_NUMBER_WORDS = {w: k for k, w in enumerate(("one", "two", "three", "four", "five", "six", "seven", "eight", "nine",
                                            "ten"), start=1)}


def _postpartum_days(text: str, low: str, in_history, where: str,
                     moments: list[tuple[int, Moment]]) -> list[tuple[int, Moment]]:
    """``moments`` with each day ``_POSTPARTUM_DAY`` reads outside the history as N days after the delivery, in place
    of the moments its words held ("postpartum day 3" was a bare label "day 3", "the fourth day after delivery" a day
    of an unread base)."""
    if not has_any(low, ("partum", "puerper", "deliver", "childbirth", "caesar", "cesar", "c-section")):
        return moments
    for m in _POSTPARTUM_DAY.finditer(text):
        if in_history(m):
            continue
        told = m.group("num") or m.group("ord") or m.group("n") or m.group("n2") or m.group("n3")
        n = (ORDINALS_EN.index(told.lower()) + 1 if told.lower() in ORDINALS_EN else _LATER_ORDINALS_EN.get(
            told.lower()) or _NUMBER_WORDS.get(told.lower()) or int(told))
        moments = [(start, x) for start, x in moments if not (start < m.end() and m.start() < start + len(x.evidence))]
        moments.append((m.start(), Moment(AFTER_EVENT, n, m.group(0), where)))
    return moments


#: ``OTHER_TIME``'s post-mortem: a film after the death (its ``_OTHER_BASE_WORD`` leaves "mortem", the event's word).
_POST_MORTEM = compile_fast(r"post-?mortem", re.IGNORECASE)


#: "at 2-week follow-up", "at the 6-week follow-up": a film of a follow-up whose base the words do not name.
_AT_FOLLOW_UP = compile_fast(
    rf"\bat\s+(?:the\s+|her\s+|his\s+)?(?P<n>{NUMBER})[-\u2010\u2011\s](?P<unit>{UNIT})\s+follow[-\u2010\u2011\s]?up\b",
    re.IGNORECASE)

#: A time after the discharge told with "post" (a study label's "3 months post discharge", "6 weeks
#: post-discharge"); "after discharge" is ``AFTER``'s.
_POST_DISCHARGE = compile_fast(rf"\b(?P<n>{NUMBER_LIKE})\s+(?P<unit>{UNIT})\s+post[-\s]?discharge\b", re.IGNORECASE)
#: A film of the discharge's day: "on the day of discharge", "at discharge", "at the time of her discharge".
_AT_DISCHARGE = compile_fast(
    r"\b(?:on|at)\s+(?:the\s+)?(?:(?:day|time)\s+of\s+)?(?:(?:her|his|the)\s+)?discharge\b(?!\s+(?:from|summary|letter))",
    re.IGNORECASE)


#: A film of the first of the patient's visits, by its order: "at the first visit", "at initial presentation", "on her
#: first emergency department attendance" (not "a week after her first visit", an interval: ``_FIRST_VISIT_AFTER``).
_AT_FIRST_VISIT = compile_fast(
    r"\b(?:on|at|upon|during)\s+(?:(?:the|his|her|their)\s+)?(?:first|initial)\s+(?:(?:hospital|clinical|"
    r"emergency\s+(?:department|room)|ED|A&E)\s+)?(?:presentation|visit|attendance)\b", re.IGNORECASE)

#: A film of the readmission's day: "at readmission", "on the readmission", "readmission CT"; the return told as
#: British and Australian clinicians write it, "at re-presentation", "on re-admission" (the history's "re-presented
#: 10 days after discharge" is a readmission already, ``_READMITTED``), "at the second presentation", "on her second
#: admission" (not "the second day of admission").
_AT_READMISSION = compile_fast(
    r"\b(?:(?:on|at|upon)\s+(?:the\s+|her\s+|his\s+)?(?:time\s+of\s+(?:the\s+|her\s+|his\s+)?)?"
    r"(?:re-?admission|re-presentation|second\s+(?:presentation|admission|hospitali[sz]ation))"
    r"|(?:re-?admission|re-presentation)\s+(?:chest\s+)?(?:x-?ray|radiograph|cxr|film|ct))\b", re.IGNORECASE)


# The case's first film named so ("first CT", "initial chest radiograph", "baseline CT"): the
# presenting film, unless its words give it another moment ("initial CT on day 3 of illness").
_FIRST_FILM = compile_fast(
    rf"\b(?:first|initial|baseline)\s+{FILM_QUALIFIERS}(?:x-?ray|radiograph\w*|cxr|film|ct|image)\b", re.IGNORECASE)


@lru_cache(maxsize=4096)
def _dated_moments(text: str, where: str, day_first: bool, image_sentences_only: bool) -> tuple[Moment, ...]:
    """The dates of ``text`` as moments; remembered like ``_text_moments``."""
    moments = []
    for start, end, value in dates_in(text, day_first):
        if image_sentences_only:
            s_start, s_end = sentence_at(text, start)
            if not IMAGE_WORDS.search(text, s_start, s_end):
                continue
        moments.append(Moment(DATED, value.toordinal(), text[start:end], where))
    return tuple(moments)


#: A date stamp without its year, day and month zero-padded as a film's date label prints them ("A, D – 03.04",
#: "CT on 24.04."): no digit, dot, comma or unit around it (a decimal is "12.03 mg", "0.75", "1.05", "10.04%").
_YEARLESS_DOTTED_DATE = compile_fast(
    r"(?<![\d.,/])(?P<d>0[1-9]|[12]\d|3[01])\.(?P<m>0[1-9]|1[0-2])\.?(?![.,]?\d)"
    r"(?!\s*(?:%|°|[a-zµμ]{1,4}/|(?:mg|g|kg|ml|l|mmol|µg|μg|cm|mm|h|hrs?|hours?|am|pm|x|×|times)\b))", re.IGNORECASE)
#: A date word before a single such stamp ("on 24.04", "from 03.04", "dated 10.04").
_BEFORE_YEARLESS_DATE = compile_fast(r"\b(?:on|from|dated|until)\s+$", re.IGNORECASE)


def _whole_clause(text: str, m: re.Match[str]) -> bool:
    """True when ``m`` is a clause of ``text`` by itself, as a panel's date label is ("... bands. 24.04", "A, D –
    03.04;"): between the text's edges or a punctuation mark and a dash."""
    before, after = text[:m.start()].rstrip(), text[m.end():].lstrip()
    return (not before or before[-1] in ".;,(–—-") and (not after or after[0] in ";,.)")


@lru_cache(maxsize=4096)
def _yearless_dotted_moments(caption: str, where: str) -> tuple[Moment, ...]:
    """The dotted dates without their year of a film's legend ("A, D – 03.04; B, E – 10.04; C, F – 24.04", "CT on
    24.04"), as European groups label serial films, read day first in ``_SOME_YEAR``: only when the legend holds
    two or more, a date word stands before the one or it is a clause by itself, and no other dotted number of
    the legend is a decimal ("0.75", "12.5"); else a lone "12.03" stays a decimal."""
    if "." not in caption:
        return ()
    dated = dates_in(caption, True)
    stamps = [m for m in _YEARLESS_DOTTED_DATE.finditer(caption) if not any(s <= m.start() < e for s, e, _ in dated)]
    decimals = [m for m in re.finditer(r"(?<![\d.])\d+\.\d+", caption)
                if not any(s <= m.start() < e for s, e, _ in dated)]
    if not stamps or len(decimals) != len(stamps):
        return ()
    if len(stamps) == 1 and not (_BEFORE_YEARLESS_DATE.search(caption[max(0, stamps[0].start() - 8):stamps[0].start()])
                                 or _whole_clause(caption, stamps[0])):
        return ()
    return tuple(Moment(DATED, date(_SOME_YEAR, int(m.group("m")), int(m.group("d"))).toordinal(), m.group(0), where)
                 for m in stamps)


# Words that put a film after the presentation: a note with one of them tells several moments.
_LATER = compile_fast(
    r"\b(?:follow-?up|subsequent\w*|repeat\w*|control|later|afterwards|then|next|worsen\w*|progress\w*|improv\w*|"
    r"resol\w*|evolution|serial|previous|prior|compared|discharge\w*|died|death|day\s*\d|increas\w*|decreas\w*|"
    r"interval|persist\w*|new|again|still|remain\w*)\b",
    re.IGNORECASE,
)
# the characters a match can start with (gate() in common): most notes have no such word, and
# without the gate the whole note is tried at every position
_LATER = gate(_LATER, "[fsrclatnwpide]")


#: Words of ``_LATER`` that also tell how the symptoms went before the presentation ("for about 4 days
#: fever and malaise, worsening", "cough ... and has therefore taken amoxicillin and subsequently
#: ceftriaxone without benefit", "progressive dyspnoea"): in a sentence of the symptoms or their
#: treatment that names no exam and no lung finding (``_tells_later``), they place no film later.
_SYMPTOM_COURSE = compile_fast(
    r"subsequent\w*|then|worsen\w*|progress\w*|improv\w*|resol\w*|persist\w*|still|remain\w*", re.IGNORECASE)
_SYMPTOM_TREATMENT = compile_fast(r"\b(?:therapy|treated|treatment|antibiotics?|antipyretics?)\b", re.IGNORECASE)
_EXAM_OR_LUNG_FINDING = compile_fast(
    r"\b(?:opacit\w*|consolidat\w*|thicken\w*|infiltrat\w*|effusions?|lungs?|lobes?|pulmonary|parenchym\w*|"
    r"ground[-\s]glass|interstiti\w*|hemithorax|zones?|fields?|findings?|lesions?|pneumonia)\b", re.IGNORECASE)


#: "Increased" and "decreased" as one film's reading, not a change between films: a density or a volume
#: seen on it ("diffusely increased opacification", "decreased lung volumes", "increased interstitial
#: markings"), a structure enlarged on it ("a discrete increase in the peribronchovascular interstitium",
#: "cardiac transverse diameter increase"), a symptom ("increased work of breathing"). A change of a
#: finding's extent or number ("increase in extension of the infiltrates", "increased in size", "increased
#: bilateral opacities": more of them than before) stays later.
_READING_INCREASE = compile_fast(
    r"(?:increased|decreased)\s+(?:[a-z-]+\s+)?(?:opacity|opacification|density|attenuation|"
    r"lucency|transparency|markings?|(?:lung\s+)?volumes?|work\s+of\s+breathing)\b"
    r"|(?:increase|decrease)\s+(?:in|of)\s+(?:the\s+)?(?:[a-z-]+\s+){0,2}?(?:interstitium|interstitial\s+(?:markings?|"
    r"pattern|plot|weft|texture)|markings?)\b",
    re.IGNORECASE)
_MEASURE_INCREASE = compile_fast(r"\b(?:diameter|size|index|ratio|silhouette|shadow)\s+$", re.IGNORECASE)


def _reading_increase(note: str, m: re.Match[str]) -> bool:
    """Whether the "increase"/"decrease" word at ``m`` is one film's reading (``_READING_INCREASE``), or a
    measure of it ending its sentence ("Cardiac transverse diameter increase.")."""
    if _READING_INCREASE.match(note, m.start()):
        return True
    end = sentence_at(note, m.start())[1]
    return (m.group(0).lower() in ("increase", "decrease") and _MEASURE_INCREASE.search(note, 0, m.start()) is not None
            and not note[m.end():end].strip(" .;"))


def _tells_later(note: str) -> bool:
    """True when a word of ``_LATER`` in ``note`` puts a moment after the presentation: any of them,
    but a word of the symptoms' course (``_SYMPTOM_COURSE``) in a sentence of the symptoms alone, and
    an increase or decrease that is one film's reading (``_reading_increase``)."""
    for m in _LATER.finditer(note):
        if m.group(0)[0] in "idID" and _reading_increase(note, m):
            continue
        if not _SYMPTOM_COURSE.fullmatch(m.group(0)):
            return True
        sentence = note[slice(*sentence_at(note, m.start()))]
        about_symptoms = bool(SYMPTOM_WORDS.search(sentence) or _SYMPTOM_TREATMENT.search(sentence))
        if not about_symptoms or IMAGE_WORDS.search(sentence) or _EXAM_OR_LUNG_FINDING.search(sentence):
            return True
    return False


def tells_one_moment(note: str, day_first: bool = False) -> bool:
    """True when a clinical note tells the presentation and no later moment: no image moment, no
    date in a sentence about an image, no "follow-up", "later", "worsening", "day 3"... (the
    symptoms' own course aside: ``_tells_later``). Its films are then the presenting films ("For 7
    days fever and asthenia. Extended thickening in the middle-lower right field.": the film is of
    day 7 from the onset)."""
    if not note.strip() or _tells_later(note):
        return False
    return not _text_moments(note, "note") and not _dated_moments(note, "note", day_first, True)


# A study label that is the presentation alone ("Presentation", "Initial", "Initial presentation",
# "Admission", "Study 1: X-ray - baseline"): Radiopaedia titles a case's first study so, and the
# presenting film is the admission's day, as "on admission" is (a history sending the patient home
# and back leaves it blank: ``_SENT_HOME_AND_BACK``).
_LABEL_PRESENTATION = compile_fast(
    r"^\s*(?:study\s*\d+\s*[:.-]?\s*)?(?:(?:x-?ray|ct|radiograph|chest\s+x-?ray|cxr|rx|tc)\s*[:,-]?\s*)?"
    r"\(?(?:(?:initial|first)\s+presentation|initial|baseline|presentation|presenting|admission|at\s+presentation|"
    r"ingresso|all[’']\s?ingresso)"
    r"(?:\s+(?:study|film|x-?ray|radiograph|ct|cxr|imaging))?\)?\s*$",
    re.IGNORECASE,
)


# A study label naming the readmission ("Readmission", "Readmission CT") or the first admission of a case
# that tells a readmission ("First admission").
_LABEL_READMISSION = compile_fast(
    r"^\s*(?:re-?admission|re-presentation|second\s+(?:presentation|admission))"
    r"(?:\s+(?:study|film|x-?ray|radiograph|ct|cxr))?\s*$", re.IGNORECASE)
_LABEL_FIRST_ADMISSION = compile_fast(r"^\s*(?:first|initial|index)\s+admission\s*$", re.IGNORECASE)
#: A study label naming the case's first visit by its order ("Initial", "Initial presentation", "First presentation",
#: "Initial X-ray"): the first of two visits when the history sends the patient home from one with a film and tells the
#: return on a day of the illness (``case_timeline``); the presentation otherwise (``_LABEL_PRESENTATION``).
_LABEL_INITIAL = compile_fast(
    r"^\s*(?:initial|first)(?:\s+(?:presentation|visit|study|film|x-?ray|radiograph|cxr|ct|imaging))?\s*$",
    re.IGNORECASE)
#: A study label in the British clinical shorthand of intervals, days over 7, weeks over 52, months
#: over 12: "3/7 later" (3 days), "1/52 later" (a week), "2/12 post discharge". No date ("3/7" is not
#: 3 July: a date is not followed by "later").
_SHORTHAND_INTERVAL = compile_fast(r"^\s*(?P<n>\d{1,2})\s*/\s*(?P<per>7|52|12)(?P<rest>\s+(?:later|after|post)\b.*)$",
                                   re.IGNORECASE | re.DOTALL)
_SHORTHAND_UNITS = {"7": "days", "52": "weeks", "12": "months"}


#: A study label signed in hours, "+48h", "+ 72 hours", or of hours alone ("24 hours" after a study "Initial"):
#: the hours after the case's day 0, as "Day +2" (whole days only: "+36h" tells no day).
_HOURS_LABEL_SOURCE = r"^\s*\+?\s*(?P<h>\d{1,3})\s*(?:h|hrs?|hours?|ore)\s*$"
_HOURS_LABEL = compile_fast(_HOURS_LABEL_SOURCE, re.IGNORECASE)


def _shorthand_label(label: str) -> str:
    """The label in words ("3/7 later": "3 days later", "+48h": "Day +2"), or "" when it is no shorthand
    interval."""
    hours = _HOURS_LABEL.match(label)
    if hours is not None:
        return f"Day +{int(hours.group('h')) // 24}" if int(hours.group("h")) % 24 == 0 else ""
    m = _SHORTHAND_INTERVAL.match(label)
    if m is None or shorthand_days(int(m.group("n")), m.group("per")) is None:
        return ""
    return f"{m.group('n')} {_SHORTHAND_UNITS[m.group('per')]}{m.group('rest')}"


#: A study label naming a follow-up and its time alone ("Follow-up at 6 weeks", "6-week follow-up CT", "Follow-up
#: (3 months)"): the follow-up that long after the presentation, as the sample's curators count the studies
#: "at 1 week" and "At 5 weeks" of a case (7 and 35), when the case tells no discharge to count it from.
_FOLLOW_UP_EXAM = r"(?:\s+(?:chest\s+)?(?:ct|hrct|ctpa|cxr|x-?ray|radiograph|film|study))?"
_LABEL_FOLLOW_UP = compile_fast(
    rf"^\s*(?:(?:follow[-\u2010\u2011\s]?up|f/u){_FOLLOW_UP_EXAM}\s*(?:at\s+|\(\s*|[:,\u2013-]\s*)?(?P<n>{NUMBER})"
    rf"[-\u2010\u2011\s]?(?P<unit>{UNIT})\s*\)?"
    rf"|(?P<n2>{NUMBER})[-\u2010\u2011\s]?(?P<unit2>{UNIT})\s+follow[-\u2010\u2011\s]?up{_FOLLOW_UP_EXAM})\s*$",
    re.IGNORECASE)


def _label_follow_up(label: str) -> Moment | None:
    m = _LABEL_FOLLOW_UP.match(label) if "f" in label.lower() else None
    n = m and (m.group("n") or m.group("n2"))
    amount = amount_in_days(n, m.group("unit") or m.group("unit2")) if n and is_amount(n) else None
    return Moment(AT_FOLLOW_UP, amount, label.strip(), "label") if amount else None


def _label_moments(label: str) -> list[Moment]:
    words = _shorthand_label(label)
    if words:  # the evidence keeps the label's own words
        return [replace(m, evidence=label.strip()) for m in text_moments(words, "label")]
    follow_up = _label_follow_up(label)
    if follow_up is not None:
        return [follow_up]
    moments = list(text_moments(label, "label"))
    if not moments and (_LABEL_PRESENTATION.match(label) or _LABEL_FIRST_ADMISSION.match(label)):
        moments.append(Moment(SINCE_ADMISSION, 0, label.strip(), "label"))
    if not moments and _LABEL_READMISSION.match(label):
        moments.append(Moment(AFTER_READMISSION, 0, label.strip(), "label"))
    return moments


#: A film taken on the patient's worsening, without an interval: "CT pulmonary angiogram performed following the
#: clinical deterioration", "The bedside radiograph obtained after the clinical worsening", "due to the respiratory
#: deterioration": the day the history tells the worsening (``EVENTS``' "deterioration"); not "after the worsening
#: of the dyspnoea" (a symptom's, which the presentation may tell), nor with a time of its own ("two hours later").
_ON_WORSENING = compile_fast(
    r"\b(?:after|following|due\s+to|because\s+of)\s+(?:the\s+|her\s+|his\s+)?(?:(?:sudden|acute|abrupt|rapid)\s+)?"
    r"(?:(?:clinical|respiratory)\s+)?(?:deterioration|worsening)\b(?!\s+(?:of|in)\b)|"
    r"\b(?:dopo|in\s+seguito\s+al|per)\s+(?:il\s+)?peggioramento\s+(?:clinico|respiratorio)\b", re.IGNORECASE)


#: A film taken right after the exam before it, without an interval: "CT chest performed straight after the abdominal
#: scan", "immediately after the radiograph", "directly after the CT abdomen", "subito dopo la TC": that film's day
#: (not "shortly after" or a bare "after the radiograph", which may be days; not "after admission", an event).
_RIGHT_AFTER_EXAM = compile_fast(
    r"\b(?:immediately|straight|right|directly|just)\s+after\s+(?:the\s+|this\s+|that\s+|her\s+|his\s+)?"
    r"(?:[a-z-]+\s+){0,2}?(?:x-?ray|radiograph|cxr|film|ct|scan|study|examination|exam)\b"
    r"|\b(?:subito|immediatamente)\s+dopo\s+(?:la\s+|il\s+|l[’']\s?)?(?:TC|RX|radiografia|esame)\b",
    re.IGNORECASE)
_RIGHT_AFTER_KEYS = ("immediately", "straight", "right after", "directly", "just after", "subito", "immediatamente")


#: Words of a film's later moment that an outpatient exam may carry ("outpatient follow-up CT", "control"): no visit
#: before the admission.
_LATER_VISIT_WORDS = compile_fast(
    r"\b(?:follow(?:ing|-?\s?up)?|control(?:lo)?|after|later|post|discharge|dimission)\w*", re.IGNORECASE)


def _at_visit_outside(image: ImageTexts) -> list[Moment]:
    """A film told by the visit outside the hospital it was taken at ("Chest radiograph requested by the general
    practitioner", "at the respiratory clinic", a study titled "Outpatient CT") and no other moment: the first
    visit's (``visit_before_admission`` dates it; a case whose history tells no such visit leaves it blank)."""
    for text, at in ((image.date_text, "label"), (image.caption, "caption")):
        m = _VISIT_OUTSIDE.search(text)
        if m is not None and not _LATER_VISIT_WORDS.search(text):
            return [Moment(FIRST_VISIT, 0, m.group(0), at)]
    return []


def image_moments(image: ImageTexts, caption_is_note: bool = False, day_first: bool = False) -> list[Moment]:
    """The image's moments from its own words: the study label or date text first, then the
    filename's day label, then the caption (a clinical note: only its sentences about an image);
    the dates among them."""
    dated = () if _shorthand_label(image.date_text) else _dated_moments(image.date_text, "label", day_first, False)
    moments = [*_label_moments(image.date_text), *dated]
    by_name = filename_day(image.filename)
    if by_name is not None:
        moments.append(Moment(LABEL, by_name[0], by_name[1], "filename"))
    where = "note" if caption_is_note else "caption"
    moments += [*(m for m in text_moments(image.caption, where, image_sentences_only=caption_is_note)
                  if not (caption_is_note and m.kind == FIRST_VISIT)),  # (backfill: ``case_timeline``'s first visit)
                *_dated_moments(image.caption, where, day_first, caption_is_note),
                *(() if caption_is_note else _yearless_dotted_moments(image.caption, where))]
    if moments and not caption_is_note and all(m.kind == AFTER_PREVIOUS and m.days == 0 for m in moments):
        # "the same day she was intubated": the event's day, not the film before's
        clause = [c for c in (_ON_THE_DAY_EVENT_CLAUSE.search(image.caption), _ON_THE_DAY_EVENT_CLAUSE.search(
            image.date_text)) if c is not None and "same" in c.group(0).lower()]
        if clause and all(m.evidence.lower() in clause[0].group(0).lower() for m in moments):
            moments = []
    if not moments and not caption_is_note:
        moments = _at_visit_outside(image)
    if not moments and not caption_is_note:
        # "Supine radiograph after intubation": only where none of the image's words tell another moment
        # (a study titled "Post intubation" whose caption says "the next day after intubation")
        for text, at in ((image.date_text, "label"), (image.caption, where)):
            m = _ON_THE_DAY_OF_EVENT.search(text) if has_any(text.lower(), ("tubation",)) else None
            if m is not None:  # "on the day of intubation": the event's day
                return [Moment(AFTER_EVENT, 0, m.group(0), at)]
            m = _ON_THE_DAY_EVENT_CLAUSE.search(text) if has_any(text.lower(), ("tubated", "ecmo", "ecls")) else None
            if m is not None:  # "on the day ECMO was started": the event's day
                return [Moment(AFTER_EVENT, 0, m.group(0), at)]
            m = _RIGHT_AFTER_EVENT.search(text) if has_any(text.lower(), ("tubation", "cannulation")) else None
            if m is not None and (day := _THE_DAY_AFTER_AN_EVENT.search(text, 0, m.start())) is not None:
                # "the morning after intubation": the day after the event's, not its own
                return [Moment(AFTER_EVENT, 1, text[day.start():m.end()], at)]
            if m is not None:
                return [Moment(AFTER_EVENT, 0, m.group(0), at)]
        for text, at in ((image.date_text, "label"), (image.caption, where)):
            m = _ON_WORSENING.search(text) if has_any(text.lower(), ("deteriorat", "worsening", "peggioram")) else None
            if m is not None:
                return [Moment(AFTER_EVENT, 0, m.group(0), at)]
        for text, at in ((image.date_text, "label"), (image.caption, where)):
            m = _RIGHT_AFTER_EXAM.search(text) if has_any(text.lower(), _RIGHT_AFTER_KEYS) else None
            if m is not None:
                return [Moment(AFTER_PREVIOUS, 0, m.group(0), at)]
    return moments


# --- Placing the moments on one axis -------------------------------------------------------------


#: The length of a course the words tell, not a film's day: "after 12 days of mechanical ventilation".
_COURSE_SPAN = compile_fast(r"^after\s+\S+\s+(?:days?|weeks?|months?)\s+(?:of|on|under)\b", re.IGNORECASE)


def _one_moment(moments: list[Moment]) -> tuple[Moment | None, str]:
    """The image's moment, or None with the reason when its words give several that disagree."""
    if not moments:
        return None, ""
    if any(m.kind != PRESENTING for m in moments):
        # "initial CT on day 3 of illness": the other words date the film
        moments = [m for m in moments if m.kind != PRESENTING]
    dated = [m for m in moments if m.kind == DATED]
    undated = [m for m in moments if m.kind != DATED]
    readmission = _dated_readmission(dated, undated) or _readmission_and_bare_day(moments)
    if readmission is not None:
        return readmission, ""
    moments = _restating_words_dropped(moments, dated, undated)
    distinct = {(m.kind, m.days) for m in moments}
    if len(distinct) == 1:
        return moments[0], ""
    based = {(kind, days) for kind, days in distinct if kind != LABEL}
    if len(based) == 1 and next(iter(based))[0] in (SINCE_ADMISSION, SINCE_ONSET, HOSPITAL_DAY) and all(
            days == next(iter(based))[1] for kind, days in distinct if kind == LABEL):
        # "on admission (day 0)", "day 9 (9 days after the onset)", "VIII giornata" and "in VIII giornata
        # di ricovero": one moment, the words name its base
        return next(m for m in moments if m.kind != LABEL), ""
    dated_discharge = _dated_discharge(moments)
    if dated_discharge is not None:
        return dated_discharge, ""
    same_day_as = _same_day_as_its_anchor(distinct, moments)
    if same_day_as is not None:
        return same_day_as, ""
    illness_day = _admission_on_its_illness_day(moments)
    if illness_day is not None:
        return illness_day, ""
    label = _label_over_prose(moments)
    if label is not None:
        return label, ""
    return None, "the image's words give several moments: " + "; ".join(repr(m.evidence) for m in moments)


def _restating_words_dropped(moments: list[Moment], dated: list[Moment], undated: list[Moment]) -> list[Moment]:
    """``_one_moment``'s moments less the words restating or framing another's day: a bare day count beside the one
    date, the date beside relative words, a course's length beside "later", a readmission beside the time since the
    discharge that gives its day."""
    if dated and len({m.days for m in dated}) == 1 and all(
            m.kind == LABEL and any(d.where == m.where for d in dated) for m in undated):
        # "January 28, 2020 (day 6)": a bare day count beside the date in the same words restates it (its base
        # untold); the date dates the film
        moments = dated
    elif dated and len(dated) < len(moments) and len({m.days for m in dated}) == 1:
        # "taken on January 21, 2020 (3 days after the symptom onset)": the relative words say it
        moments = [m for m in moments if m.kind != DATED]
    courses = [m for m in moments if m.kind == UNPLACED and _COURSE_SPAN.match(m.evidence)]
    if courses and all(m.kind == AFTER_PREVIOUS for m in moments if m not in courses) and len(courses) < len(moments):
        # "Three weeks later, after 12 days of mechanical ventilation": the course's length tells
        # what came between the films, "later" the film's own day
        moments = [m for m in moments if m not in courses]
    distinct = {(m.kind, m.days) for m in moments}
    if (AFTER_READMISSION, 0) in distinct and len(distinct) == 2 and any(k == AFTER_DISCHARGE for k, _ in distinct):
        # "at readmission, 3 weeks after discharge": the second words give the readmission's day
        moments = [m for m in moments if m.kind == AFTER_DISCHARGE]
    return moments


def _label_over_prose(moments: list[Moment]) -> Moment | None:
    """The film's label's moment when its labels tell one (``_one_moment``'s last reading), else None: a label and
    its caption often say the same day twice, the caption naming its base ("day12" and "12 days after admission");
    otherwise the label wins over prose."""
    labels = [m for m in moments if m.where in ("label", "filename")]
    prose = [m for m in moments if m not in labels]
    if labels and len({(m.kind, m.days) for m in labels}) == 1:
        same_day = [m for m in prose if m.days == labels[0].days and m.kind != LABEL]
        # ... unless the label names the base the caption leaves out: "12 days after admission" (the text
        # citing the figure) and the caption's "Follow-up CT after 12 days"
        unbased = labels[0].kind in (SINCE_ADMISSION, SINCE_ONSET, HOSPITAL_DAY) and bool(same_day) and all(
            m.kind == AFTER_PREVIOUS for m in same_day)
        if same_day and len({m.kind for m in same_day}) == 1 and not unbased:
            return same_day[0]
        return labels[0]
    return None


def _admission_on_its_illness_day(moments: list[Moment]) -> Moment | None:
    """The day of the illness of a film whose words say it was made on admission and on which day of
    the illness ("PA radiograph on admission, at day 7 of symptoms", "CT on admission (day 7 of
    symptoms)"): the two words name one day, the illness's count the one the offset keeps (a history's
    shorter span, "fever for 4 days", may be one symptom's). None for any other mix of moments."""
    admission = [m for m in moments if (m.kind, m.days) == (SINCE_ADMISSION, 0)]
    illness = {m.days for m in moments if m.kind == SINCE_ONSET}
    if not admission or len(illness) != 1 or any(m.kind not in (SINCE_ADMISSION, SINCE_ONSET) or (
            m.kind == SINCE_ADMISSION and m.days) for m in moments):
        return None
    onset = next(m for m in moments if m.kind == SINCE_ONSET)
    return replace(onset, evidence=f"{admission[0].evidence}{EVIDENCE_JOIN}{onset.evidence}")


def _same_day_as_its_anchor(distinct: set[tuple[str, int]], moments: list[Moment]) -> Moment | None:
    """The one based moment of words that tell two exams on one day ("All'ingresso RX torace in PA e ...
    TC del torace il giorno stesso", "On admission, chest radiograph and CT the same day"): the "same day"
    is the day the words' own base gives, not a day after an earlier film. None for any other mix."""
    based = {(kind, days) for kind, days in distinct if (kind, days) != (AFTER_PREVIOUS, 0)}
    if len(based) != 1 or len(distinct) != 2 or next(iter(based))[0] not in (SINCE_ADMISSION, SINCE_ONSET,
                                                                             HOSPITAL_DAY):
        return None
    return next(m for m in moments if (m.kind, m.days) in based)


def _dated_readmission(dated: list[Moment], undated: list[Moment]) -> Moment | None:
    """The date beside a film's "at readmission" in its words ("Chest radiograph on readmission (30 June
    2020)", "at readmission on 30 June 2020"): the date is the readmission's day, which the history often
    tells only by a date or by words the timeline does not read as a readmission ("she returned with chest
    pain"). None unless the words are one date and the readmission's own day."""
    if len({m.days for m in dated}) != 1 or not undated or any(
            m.kind != AFTER_READMISSION or m.days != 0 for m in undated):
        return None
    return Moment(DATED, dated[0].days, f"{undated[0].evidence}{EVIDENCE_JOIN}{dated[0].evidence}", dated[0].where)


def _readmission_and_bare_day(moments: list[Moment]) -> Moment | None:
    """A film "on readmission" whose words add a bare day ("Chest X-ray (PA) on readmission, day 9"): the day
    restates the readmission's, on a count the words do not name (as a date beside it does, ``_dated_readmission``);
    the film is the readmission's. None unless the words are that pair."""
    readmission = [m for m in moments if (m.kind, m.days) == (AFTER_READMISSION, 0)]
    labels = [m for m in moments if m.kind == LABEL]
    if not readmission or not labels or len(readmission) + len(labels) != len(moments) or len(
            {m.days for m in labels}) != 1:
        return None
    return replace(readmission[0], evidence=f"{readmission[0].evidence}{EVIDENCE_JOIN}{labels[0].evidence}")


def _discharge_days_on_illness(found: Sequence[Sequence[Moment]], chosen: list[tuple[Moment | None, str]],
                               timeline: Timeline, history: str, bare: frozenset[int] | set[int] | None = None
                               ) -> list[tuple[Moment | None, str]]:
    """``chosen`` (each image's moment, ``found`` its words' moments, in the images' order), the films "at discharge"
    with a bare day beside ("at discharge (day 26)", which ``_dated_discharge`` reads as a day of the stay) read as
    days of the illness when the case's other texts count the illness's days and never the stay's ("(a) ... at
    admission (day 6 from the onset of symptoms) ... (b) ... at day 9 from the onset": ``_labels_count_illness``):
    the paper's one count. ``bare``: ``_bare_discharge_days(found, chosen)`` when the caller knows it."""
    if bare is None:
        bare = _bare_discharge_days(found, chosen)
    if not bare or not _labels_count_illness([(None, "") if k in bare else c for k, c in enumerate(chosen)],
                                             timeline, history):
        return chosen
    return [(replace(moment, kind=SINCE_ONSET), reason) if k in bare and moment is not None else (moment, reason)
            for k, (moment, reason) in enumerate(chosen)]


def _bare_discharge_days(found: Sequence[Sequence[Moment]], chosen: Sequence[tuple[Moment | None, str]]
                         ) -> frozenset[int]:
    """The positions of the films "at discharge" with a bare day beside, read as a day of the stay
    (``_discharge_days_on_illness``)."""
    return frozenset(k for k, (words, (moment, _)) in enumerate(zip(found, chosen))
                     if moment is not None and moment.kind == HOSPITAL_DAY and _discharge_and_bare_day(words))


def _discharge_and_bare_day(moments: Sequence[Moment]) -> bool:
    """The words of a film "at discharge" and one bare day ("at discharge (day 26)"): ``_dated_discharge``'s pair
    whose day names no base."""
    discharge = [m for m in moments if m.kind == AFTER_DISCHARGE and m.days == 0]
    return bool(discharge) and {m.kind for m in moments if m not in discharge} == {LABEL} and len(
        {m.days for m in moments if m not in discharge}) == 1


def _dated_discharge(moments: list[Moment]) -> Moment | None:
    """The day of a film "at discharge" its own words give ("at discharge (day 14)", "on the day of
    discharge, day 12 of hospitalisation"): one other moment dates the discharge; a bare "day N" there
    is a day of the stay the discharge closes. None when the words are not that pair."""
    discharge = [m for m in moments if m.kind == AFTER_DISCHARGE and m.days == 0]
    others = {(m.kind, m.days) for m in moments if m not in discharge}
    if not discharge or len(others) != 1:
        return None
    kind, days = next(iter(others))
    if kind == LABEL:
        kind = HOSPITAL_DAY
    elif kind not in (HOSPITAL_DAY, SINCE_ONSET, SINCE_ADMISSION, DATED):
        return None
    other = next(m for m in moments if m not in discharge)
    return Moment(kind, days, f"{discharge[0].evidence}{EVIDENCE_JOIN}{other.evidence}", other.where)


def admission_is_day_one(*texts: str) -> str:
    """The words of the first of ``texts`` that make the admission the stay's day 1 ("On admission
    (hospital day 1)"), or "" when none does."""
    for text in texts:
        words = _day_one_words(text) if text else ""
        if words:
            return words
    return ""


#: A hospital day told by its number: "the sixth hospital day", "the 6th day of hospitalization", "hospital day 6";
#: the cardinal after "day" ("day 3 of admission", "day 5 of hospitalization"); the abbreviation a Korean or
#: Japanese group defines or uses ("hospital day [HD] 1", "hospital day (HD) 1", "HD 4", "HD #4").
_NUMBERED_STAY_DAY = (rf"(?:the\s+)?(?:(?P<ord>\d{{1,2}}(?:st|nd|rd|th)|{'|'.join(ORDINALS_EN)})\s+"
                      r"(?:hospital\s+day|day\s+of\s+(?:hospitali[sz]ation|admission|(?:the\s+)?hospital\s+stay))"
                      r"|hospital\s+day\s*(?:[(\[]\s*(?-i:HD)\s*[)\]]\s*)?(?P<n>\d{1,2})"
                      r"|day\s+(?P<n2>\d{1,2})\s+of\s+(?:hospitali[sz]ation|admission|(?:the\s+)?hospital\s+stay)"
                      r"|(?-i:HD)\s*#?\s*(?P<n3>\d{1,2}))\b")
#: A hospital day set beside the date it fell on: "On March 4, the sixth hospital day, ...", "on 12 May (hospital
#: day 5)" (the date before), "on hospital day 5 (12 May)", "on the 6th day of hospitalization, March 4" (after).
_STAY_DAY_AFTER_DATE = compile_fast(rf"\s*[,(]\s*{_NUMBERED_STAY_DAY}\s*[,);]", re.IGNORECASE)
_STAY_DAY_BEFORE_DATE = compile_fast(rf"{_NUMBERED_STAY_DAY}\s*[,(]\s*(?:on\s+)?$", re.IGNORECASE)


def admission_day_one_by_date(history: str, day_first: bool = False) -> str:
    """The words of a history that make its admission the stay's day 1 by dating one of its hospital days ("He was
    admitted on February 28. ... On March 4, the sixth hospital day, fever recurred": March 4 is 5 days after the
    admission, so its hospital day N is N - 1 days after it), or "" when the history tells no such pair, tells
    the project's own count (hospital day N, N days after the admission) or two pairs disagree."""
    if "day" not in history.lower() and "HD" not in history:
        return ""
    _onset, admitted = history_dates(history, day_first)
    if admitted is None:
        return ""
    found: dict[int, str] = {}
    for start, end, value in dates_in(history, day_first):
        after = _STAY_DAY_AFTER_DATE.match(history, end)
        before = _STAY_DAY_BEFORE_DATE.search(history, max(0, start - 60), start)
        for m, words in ((after, history[start:after.end()] if after else ""),
                         (before, history[before.start():end] if before else "")):
            if m is None:
                continue
            told = m.group("ord")
            number = (ORDINAL_NUMBERS.get(told.lower()) if told and not told[0].isdigit()
                      else int(told[:-2]) if told
                      else int(m.group("n") or m.group("n2") or m.group("n3")))
            words = words.strip(" ,;")
            if number:
                found.setdefault((value - admitted[0]).days - number, words + (")" if words.count("(") >
                                                                                words.count(")") else ""))
    return found[-1] if set(found) == {-1} else ""


@lru_cache(maxsize=4096)
def _day_one_words(text: str) -> str:
    """``admission_is_day_one`` of one text, remembered: backfill asks it of each note twice, as a
    film's caption when its patient's films are read (``CaseImages``) and as its row's history."""
    m = _ADMISSION_IS_DAY_ONE.search(text) if has_any(text_context(text).lower, ("day",)) else None
    return m.group(0) if m else ""


def _rebased(moments: list[Moment], day_one: str) -> list[Moment]:
    """The moments of a case whose text makes the admission day 1 (``day_one``): its "hospital day
    N" and bare "day N" are N - 1 days after the admission, and the definition joins their evidence."""
    if not day_one:
        return moments
    return [Moment(SINCE_ADMISSION, m.days - 1,
                   m.evidence if day_one in m.evidence else f"{day_one}{EVIDENCE_JOIN}{m.evidence}", m.where)
            if m.kind in (HOSPITAL_DAY, LABEL) and m.days >= 1 and m.where != "filename" else m
            for m in moments]


def onset_is_day_one(*texts: str) -> str:
    """The words of the first of ``texts`` that make the onset the illness's day 1 ("Day 1 = the day of symptom
    onset", "a fever on 2 August 2020 (Day 1 of illness)"), or "" when none does. A day label in brackets counts
    only after a symptom in its sentence and before any word of the arrival ("admitted on 6 August (day 1 of
    illness)" may date the arrival on either count)."""
    for text in texts:
        words = _onset_day_one_words(text) if text else ""
        if words:
            return words
    return ""


@lru_cache(maxsize=4096)
def _onset_day_one_words(text: str) -> str:
    """``onset_is_day_one`` of one text, remembered (as ``_day_one_words``)."""
    for m in _ONSET_IS_DAY_ONE.finditer(text) if has_any(text_context(text).lower, ("day",)) else ():
        if not m.group(0).startswith("("):
            return m.group(0)
        s_start, _ = sentence_at(text, m.start())
        if SYMPTOM_WORDS.search(text, s_start, m.start()) and not _ARRIVAL_BEFORE.search(text, s_start, m.start()):
            return m.group(0)
    return ""


def stay_days_on_illness(*texts: str) -> tuple[int, str] | None:
    """(the days to add to a "hospital day N" to make it the day of the illness, the words) of ``texts`` telling a
    hospital day's day of the illness ("On hospital day 4 (day 9 of illness)": 5), or None when none does or
    two pairs disagree."""
    return _one_pair(stay_days_pairs(*texts))


def _one_pair(pairs: Iterable[tuple[int, str]]) -> tuple[int, str] | None:
    """The one difference of ``pairs`` (with the first words telling it), None for none or two."""
    found: dict[int, str] = {}
    for shift, words in pairs:
        found.setdefault(shift, words)
    return next(iter(found.items())) if len(found) == 1 else None


def stay_days_pairs(*texts: str) -> tuple[tuple[int, str], ...]:
    """Every pair ``stay_days_on_illness`` reads in ``texts``."""
    return tuple(pair for text in texts if text for pair in _stay_days_on_illness(text))


def _stay_pairs_of(image: ImageTexts) -> tuple[tuple[int, str], ...]:
    """The pairs an image's own words tell (``stay_days_on_illness``)."""
    return stay_days_pairs(image.date_text, image.caption)


@lru_cache(maxsize=4096)
def _stay_days_on_illness(text: str) -> tuple[tuple[int, str], ...]:
    """``stay_days_on_illness``'s pairs of one text, remembered (as ``_day_one_words``)."""
    if not has_any(text_context(text).lower, ("day",)):
        return ()
    pairs = []
    for m in _STAY_DAY_ON_ILLNESS.finditer(text):
        stay_a, stay_b, ill_a, ill_b, ill_c, ill_d, stay_c, stay_d = m.groups()
        stay = int(stay_a or stay_b or stay_c or stay_d)
        illness = int(ill_a or ill_b or ill_c or ill_d)
        if illness >= stay:
            pairs.append((illness - stay, m.group(0)))
    return tuple(pairs)


def _stay_on_illness(moments: list[Moment], pair: tuple[int, str] | None) -> list[Moment]:
    """The moments of a case whose text tells a hospital day's day of the illness (``stay_days_on_illness``):
    its "hospital day N" is that day of the illness, N plus the pair's difference, and the pair joins their
    evidence."""
    if pair is None:
        return moments
    shift, words = pair
    return [Moment(SINCE_ONSET, m.days + shift,
                   m.evidence if words in m.evidence else f"{words}{EVIDENCE_JOIN}{m.evidence}", m.where)
            if m.kind == HOSPITAL_DAY and m.days >= 1 and m.where != "filename" else m
            for m in moments]


def _tells_day_of_illness(evidence: str, days: int) -> bool:
    """Whether a moment's words tell day ``days`` of the illness's count ("Day 14 of illness", "admitted on the
    sixth day of illness"), not a time after the onset ("1 day after the onset", "fever for 6 days")."""
    for matches, parts in ((_ordinal_day_matches, _ordinal_day_parts), (_day_n_matches, _day_n_parts),
                           (_abbreviated_day_matches, _abbreviated_day_parts)):
        for m in matches(evidence):
            moment = _day_moment(*parts(m), m.group(0), "history")
            if moment is not None and moment.kind == SINCE_ONSET and moment.days == days:
                return True
    return False


def _rebased_on_onset(moments: list[Moment], day_one: str) -> list[Moment]:
    """The moments of a case whose text makes the onset day 1 (``onset_is_day_one``): its "day N of illness" and
    its bare "day N" (the text's own count, as ``_rebased`` reads a bare day where the admission is day 1) are N - 1
    days after the onset, and the definition joins their evidence."""
    if not day_one:
        return moments
    return [Moment(SINCE_ONSET, m.days - 1,
                   m.evidence if day_one in m.evidence else f"{day_one}{EVIDENCE_JOIN}{m.evidence}", m.where)
            if m.days >= 1 and ((m.kind == SINCE_ONSET and _tells_day_of_illness(m.evidence, m.days))
                                or (m.kind == LABEL and m.where != "filename")) else m
            for m in moments]


def case_timeline(history: str, images: Sequence[ImageTexts], findings: str = "", captions_are_notes: bool = False,
                  day_first: bool = False, presenting: bool | None = None,
                  admission_base_told: bool = True, discussion: str = "", history_before_legends: bool = False
                  ) -> Timeline:
    """The case's timeline: its anchor (onset when the history says how long before admission the
    symptoms began, or dates both, else hospitalisation) and every image's offset on it, in image
    order. ``captions_are_notes``: the images' texts are clinical notes (backfill), not captions;
    ``day_first``: the source writes slashed dates day first (SIRM, Eurorad). ``presenting``: the
    images without a moment of their own are the presenting films (default: a case with one image
    and a history of its presentation). ``admission_base_told=False``: an image counted from the
    admission ("on admission", "day 2", "3 days after admission") of a case whose onset came
    earlier stays blank with the reason, because curators count such images from either base.
    ``discussion``: the case's discussion, whose sentences about this patient may tell the onset gap
    the history does not (``_anchor``). ``history_before_legends``: the images' texts are the legends
    after a case history the notes repeat (backfill): a case of them telling no onset places its first
    exam, which the next counts from, at day 0 (``_presenting_first_exam``)."""
    ordered = sorted(images, key=lambda i: i.position)
    moments, readmission, chosen = _chosen_moments(ordered, history, findings, captions_are_notes, day_first)
    timeline, dates, events = _anchor(history, findings, day_first,
                                      any(m is not None and m.kind == SINCE_ONSET for m, _ in chosen.values()),
                                      readmission, discussion)
    chosen.update(_arrival_on_transfer(history, chosen, dates, day_first)
                  or _arrival_on_transfer_in_findings(findings, chosen, dates, day_first))
    if presenting is None:
        presenting = _one_exam(ordered) and not captions_are_notes and _history_presents_film(
            history, timeline.anchor_evidence, findings)
    presenting = presenting and timeline.anchor_evidence != ""
    chosen.update(zip((i.position for i in ordered), _discharge_days_on_illness(
        [moments[i.position] for i in ordered], [chosen[i.position] for i in ordered], timeline, history)))
    chosen = {p: _own_date_where_base_untold(moments[p], c, timeline, dates) for p, c in chosen.items()}
    chosen_in_order = [chosen[i.position] for i in ordered]
    # (notes too: backfill gives a film whose note repeats its case's history the legend after it)
    first_exam = _presenting_first_exam(
        ordered, chosen_in_order, timeline, _icu_at_presentation(history, timeline.anchor_evidence), dates.admission,
        captions_are_notes and history_before_legends)
    if not captions_are_notes:
        dates = _first_film_dated_presentation(chosen_in_order, timeline, dates,
                                               moments[ordered[0].position] if ordered else ())
    labels_from_illness = _labels_count_illness(chosen_in_order, timeline, history)
    admission_scale = _labels_count_admission(ordered, moments, chosen_in_order, timeline, history,
                                              labels_from_illness)

    def axis_of(k: int) -> _Axis:
        """The axis the ``k``-th image is placed on (``_place_images``)."""
        return _Axis(timeline, dates, admission_scale, presenting or k in first_exam, admission_base_told,
                     _history_presents(history, timeline), labels_from_illness)

    offsets = _place_images(ordered, chosen, history, timeline, dates, events, axis_of)
    offsets = _after_a_later_exam(ordered, [chosen[i.position] for i in ordered], offsets)
    offsets = _in_the_return(offsets, timeline, history)
    return Timeline(timeline.anchor, timeline.anchor_evidence, timeline.admission_day, tuple(events), tuple(offsets))


def _chosen_moments(ordered: Sequence[ImageTexts], history: str, findings: str, captions_are_notes: bool,
                    day_first: bool) -> tuple[dict[int, list[Moment]], Moment | None,
                                              dict[int, tuple[Moment | None, str]]]:
    """(every image's moments, the readmission, the one moment chosen of each image with the reason when none) of
    ``case_timeline``, before the history anchors them: each image's texts read, a later film after a signed label,
    a slashed date the film tells but nobody can read ("radiograph on 4/11/2020") kept as a blank's reason."""
    moments, readmission = _case_image_moments(ordered, history, findings, captions_are_notes, day_first)
    chosen: dict[int, tuple[Moment | None, str]] = {p: _one_moment(m) for p, m in moments.items()}
    chosen.update(zip((i.position for i in ordered), _later_after_signed_label(
        ordered, [moments[i.position] for i in ordered], [chosen[i.position] for i in ordered])))
    for image in ordered:
        unread = _unread_slashed_date(f"{image.date_text} {image.caption}", day_first)
        if chosen[image.position] == (None, "") and unread:
            # "radiograph on 4/11/2020": a day the film tells that cannot be read, not the presentation's
            chosen[image.position] = (None, f"{unread!r}: month or day first is not told")
    return moments, readmission, chosen


def _labels_count_admission(ordered: Sequence[ImageTexts], moments: dict[int, list[Moment]],
                            chosen_in_order: Sequence[tuple[Moment | None, str]], timeline: Timeline, history: str,
                            labels_from_illness: bool) -> bool:
    """Whether the case's day labels count from the admission (``case_timeline``'s ``admission_scale``): one of them
    is day 0 (or signed: "Day +3") unless signed labels count the illness, or the labels, the texts or the stay's
    count go on from the admission."""
    admission_scale = any(_has_day_zero_label(found) for found in moments.values())
    admission_scale = admission_scale and not _signed_labels_count_illness(moments.values(), labels_from_illness)
    admission_scale = admission_scale or (_labels_count_stay(ordered, chosen_in_order) and not labels_from_illness)
    admission_scale = admission_scale or _texts_count_stay(chosen_in_order, timeline, history)
    return admission_scale or _stay_count_goes_on(ordered, chosen_in_order, timeline, history)


def _place_images(ordered: Sequence[ImageTexts], chosen: dict[int, tuple[Moment | None, str]], history: str,
                  timeline: Timeline, dates: _Dates, events: list[Event], axis_of: Callable[[int], _Axis]
                  ) -> list[ImageOffset]:
    """Every image's offset, in order (its event appended to ``events``): ``case_timeline``'s placing of each film's
    chosen moment on its axis (``axis_of``). A film counted from an earlier one ("3 days later", "after the first
    CT") counts from the last film placed before its exam (of its kind when it names one), so the days placed so far
    go along; a film telling a moment the axis cannot place leaves the next one's base unknown."""
    offsets: list[ImageOffset] = []
    last_day: int | None = None  # the day of the last image placed
    previous_day: int | None = None  # the day of the last image placed before the image's exam
    last_of_kind: dict[str, int | None] = {}  # the same, per exam kind ("X-ray", "CT")
    previous_of_kind: dict[str, int | None] = {}
    first_of_kind: dict[str, int | None] = {}  # the day of the case's first film of each exam kind
    exam_kinds: list[str] = []  # the kind of each exam placed or told, one entry per exam
    earlier_exams: list[str] = []  # the same, of the exams before the image's
    for k, image in enumerate(ordered):
        first = image.position == ordered[0].position
        if not _same_exam(ordered, k):
            previous_day, previous_of_kind = last_day, dict(last_of_kind)
            earlier_exams = list(exam_kinds)
        exam_day = _image_exam_day(chosen[image.position], image.caption, first_of_kind, previous_of_kind,
                                   earlier_exams)
        if first and _counted_from_presentation(history, image, chosen[image.position][0], timeline, dates):
            previous_day = timeline.admission_day
        if _of_the_same_exam(chosen[image.position][0]) and _same_exam(ordered, k):
            previous_day = last_day  # "Coronal reconstruction of the same CT" under its axial image: that film's day
        moment, day, rule, reason = _placed(chosen[image.position], axis_of(k), previous_day, first, exam_day)
        kind = _exam_kind(image.caption) if day is not None or chosen[image.position] != (None, "") else ""
        if kind:
            last_of_kind[kind] = day
            first_of_kind.setdefault(kind, day)
        if not _same_exam(ordered, k):
            exam_kinds.append(_exam_kind(image.caption))
        events.append(Event(f"image {image.position + 1}", day, moment.evidence if moment else "",
                            moment.where if moment else "", image.position))
        offsets.append(_image_offset(timeline, image.position, moment, day, rule, reason))
        if day is not None:
            last_day = day
        elif chosen[image.position] != (None, ""):
            # a film telling a moment the axis cannot place: the next film's "3 days later" counts
            # from it, so its day is not known either (a film telling none is passed over)
            last_day = None
    return offsets


def _image_exam_day(chosen: tuple[Moment | None, str], caption: str, first_of_kind: dict[str, int | None],
                    previous_of_kind: dict[str, int | None], earlier_exams: list[str]) -> tuple[int | None, bool]:
    """(the day of the earlier exam the film's bare interval counts from, whether its words name that exam)
    (``_place_images``): the case's first film of the kind its words name as the first, else the last film of the
    kind they name placed before its exam, else a follow-up's earlier exam (``_follow_up_exam_day``)."""
    base_kind, named = _counted_from_exam(chosen, caption)
    first_kind = _counted_from_first_exam(chosen, caption)
    # (no earlier film of that exam: the first one is not among the case's films)
    exam_day = ((first_of_kind[first_kind], True) if first_kind in first_of_kind
                else (previous_of_kind.get(base_kind), named))
    return _follow_up_exam_day(chosen[0], exam_day, earlier_exams, base_kind)


#: The patient's arrival in the authors' unit told as a transfer from another hospital, in a clause of its own: "Il
#: 24/03 viene trasferito nella nostra Terapia Intensiva dall'Ospedale di Lodi, dove era ricoverato dal 19/03",
#: "admitted to a district hospital on 28 March 2020. On 2 April 2020 he was transferred to our intensive care unit
#: from the district hospital".
_TRANSFERRED_HERE = compile_fast(
    r"\b(?:trasferit[oaie]|transferred)\b[^.;]{0,60}?\b(?:(?:nel|nella|al|alla|presso\s+(?:il|la))\s+nostr[oa]|"
    r"presso\s+di\s+noi|(?:to|into)\s+our)\b[^.;]{0,80}?\b(?:dall[’']\s*(?:ospedale|azienda|ASST|presidio|"
    r"unit[àa])|da\s+(?:altro|un\s+altro)\s+(?:ospedale|presidio)|from\s+(?:an(?:other)?|the|a)\s+"
    r"(?:[\w-]+\s+){0,3}?(?:hospital|centre|center|institution))",
    re.IGNORECASE)


#: The same arrival told from the first hospital to the authors' unit: "il paziente viene trasferito dall'Ospedale di
#: Desio presso la nostra Terapia Semi-Intensiva", "was transferred from a district hospital to our intensive care
#: unit" (no comma between the two: "trasferito dall'Ospedale di Lodi, dove era ricoverato dal 19/03, ..." is the
#: earlier stay's clause).
_TRANSFERRED_FROM_THERE = compile_fast(
    r"\b(?:trasferit[oaie]|transferred)\b[^.;,]{0,60}?\b(?:dall[’']\s*(?:ospedale|azienda|ASST|presidio|unit[àa])|"
    r"da\s+(?:altro|un\s+altro)\s+(?:ospedale|presidio)|from\s+(?:an(?:other)?|the|a)\s+(?:[\w-]+\s+){0,3}?"
    r"(?:hospital|centre|center|institution))\b[^.;,]{0,60}?\b(?:(?:nel|nella|al|alla|presso\s+(?:il|la))\s+nostr[oa]|"
    r"presso\s+di\s+noi|(?:to|into)\s+our)\b",
    re.IGNORECASE)


def _transfers_here(history: str) -> list[re.Match[str]]:
    """The history's arrivals in the authors' unit on a transfer, told in either order, in the text's order."""
    return sorted([*_TRANSFERRED_HERE.finditer(history), *_TRANSFERRED_FROM_THERE.finditer(history)],
                  key=lambda m: m.start())


def _arrival_on_transfer(history: str, chosen: dict[int, tuple[Moment | None, str]], dates: _Dates,
                         day_first: bool) -> dict[int, tuple[Moment | None, str]]:
    """The films told at the arrival ("all'arrivo", "all'ingresso in reparto", "on arrival": a day 0 of the stay) of a
    patient the history transfers into the authors' unit from another hospital on a date of its own, after an
    admission there the history dates earlier (``_TRANSFERRED_HERE``): the films are the authors', taken on the
    transfer's day, not on the first hospital's admission. The films placed otherwise, or none, when not told so."""
    if dates.admission is None or not has_any(history.lower(), ("trasferit", "transferred")):
        return {}
    transfer = None
    for m in _transfers_here(history):
        when = _transfer_date(history, m, day_first)
        if when is not None:
            transfer = (when, m.group(0))
            break
    if transfer is None or transfer[0] <= dates.admission:
        return {}
    when, words = transfer
    return {position: (Moment(DATED, when.toordinal(), f"{words}{EVIDENCE_JOIN}{moment.evidence}", moment.where),
                       reason)
            for position, (moment, reason) in chosen.items()
            if moment is not None and moment.kind == SINCE_ADMISSION and moment.days == 0}


def _transfer_date(text: str, transfer: re.Match[str], day_first: bool) -> date | None:
    """The one date of the clause telling ``transfer`` (a ``_transfers_here`` match of ``text``), up to its next
    comma; None when it tells none or several, or the transfer is another person's."""
    c_start, c_end = clause_at(text, transfer.start())
    comma = _CLAUSE_END.search(text, transfer.end(), c_end)  # (not the earlier stay's ", dove era ricoverato dal")
    found = {value for _, _, value in dates_in(text[c_start:comma.start() if comma else c_end], day_first)}
    if len(found) != 1 or about_other_person(text, transfer.start(), transfer.end()):
        return None
    return found.pop()


def _arrival_on_transfer_in_findings(findings: str, chosen: dict[int, tuple[Moment | None, str]], dates: _Dates,
                                     day_first: bool) -> dict[int, tuple[Moment | None, str]]:
    """``_arrival_on_transfer`` told in the texts of the exams rather than the history (a SIRM post's paragraphs above
    its uploads: "Il 16/03 ... viene trasferito dall'Ospedale di Desio presso la nostra Terapia ... All'ingresso
    esegue TC"): the films whose arrival words ("All'ingresso") those texts tell after the dated transfer, and not
    before it (a first hospital's film "all'ingresso in PS" keeps its day), are taken on the transfer's day. The
    first stay is the admission the history dates, else the first day those texts tell before the transfer ("il
    14/03 si reca presso il Pronto Soccorso dell'Ospedale di Desio"); none told, no film moves."""
    if not has_any(findings.lower(), ("trasferit", "transferred")):
        return {}
    for m in _transfers_here(findings):
        when = _transfer_date(findings, m, day_first)
        before = [value for _, _, value in dates_in(findings[:m.start()], day_first)]
        first_stay = dates.admission or (min(before) if before else None)
        if when is None or first_stay is None or when <= first_stay:
            continue
        return {position: (Moment(DATED, when.toordinal(), f"{m.group(0)}{EVIDENCE_JOIN}{moment.evidence}",
                                  moment.where), reason)
                for position, (moment, reason) in chosen.items()
                if moment is not None and moment.kind == SINCE_ADMISSION and moment.days == 0
                and findings.find(moment.evidence, m.end()) >= 0 and findings.rfind(moment.evidence, 0, m.start()) < 0}
    return {}


def _case_image_moments(ordered: Sequence[ImageTexts], history: str, findings: str, captions_are_notes: bool,
                       day_first: bool) -> tuple[dict[int, list[Moment]], Moment | None]:
    """Each image's moments by position, as the case's texts count them (a text making the admission or the onset
    day 1, telling a day of the stay on the illness's count, a first visit only where the patient returns on a day
    of the illness), and the case's readmission: the first step of ``case_timeline``, whose arguments these are."""
    day_one = admission_is_day_one(history, findings, *(t for i in ordered for t in (i.date_text, i.caption)))
    day_one = day_one or admission_day_one_by_date(history, day_first)
    onset_one = onset_is_day_one(history, findings, *(t for i in ordered for t in (i.date_text, i.caption)))
    # (a text's own definition of day 1 of either count comes first)
    stay_pair = None if day_one or onset_one else stay_days_on_illness(
        history, findings, *(t for i in ordered for t in (i.date_text, i.caption)))
    moments = {i.position: _rebased_on_onset(_rebased(_stay_on_illness(
        image_moments(i, captions_are_notes, day_first), stay_pair), day_one), onset_one) for i in ordered}
    readmission = _case_readmission(history, findings, day_first)
    if _visit_unless_return(history, readmission) is not None:
        pass  # the visit before the admission the history dates: its films' day (``visit_before_admission``)
    elif readmission is None or readmission.kind != SINCE_ONSET:
        # "at initial presentation" where the history tells no return on a day of the illness: the visit may be
        # one before the admission (the sample's "returned 5 days later" after it), read as telling no moment, as
        # before; with such a return, the first visit is dated (``first_visit_moment``) or blank with the reason
        moments = {p: [m for m in found if m.kind != FIRST_VISIT] for p, found in moments.items()}
    elif first_visit_told_a_film(history):
        # a study titled "Initial" of a patient sent home from a first visit with a film, who returned on a day of
        # the illness: the first visit's film (``first_visit_moment``), not the return's
        moments = {p: [replace(m, kind=FIRST_VISIT) if m.where == "label" and (m.kind, m.days) == (SINCE_ADMISSION, 0)
                       and _LABEL_INITIAL.match(m.evidence) else m for m in found] for p, found in moments.items()}
    return moments, readmission


def _after_a_later_exam(ordered: Sequence[ImageTexts], chosen: Sequence[tuple[Moment | None, str]],
                        offsets: list[ImageOffset]) -> list[ImageOffset]:
    """``offsets`` with a film "two days after the CT" that the case shows before its CT (a Eurorad figure "1c", the
    radiographs grouped before the CT's figure) placed on the CT's day: when no film of that kind comes before it and
    the later ones are one exam, all placed on one day; the others as they are."""
    out = list(offsets)
    for k, image in enumerate(ordered):
        moment = chosen[k][0]
        short = _AFTER_THE_SHORT_EXAM_END.search(moment.evidence) if moment is not None else None
        if short is None or out[k].value is not None or out[k].rule != "timeline.after-named-exam":
            continue
        kind = _exam_kind(short.group("exam"))
        later = [(j, out[j].value) for j in range(k + 1, len(ordered)) if _exam_kind(ordered[j].caption) == kind]
        if (not later or any(_exam_kind(ordered[j].caption) == kind for j in range(k))
                or len({ordered[j].group for j, _ in later}) != 1 or not ordered[later[0][0]].group
                or len({day for _, day in later}) != 1 or later[0][1] is None):
            continue
        base = out[later[0][0]]
        out[k] = ImageOffset(image.position, later[0][1] + moment.days,
                             EVIDENCE_JOIN.join(e for e in (base.evidence, moment.evidence) if e),
                             "timeline.after-named-exam")
    return out


#: A film told as another image "of the same CT" ("Coronal reconstruction of the same CT", "dello stesso esame"): when
#: it is in the exam of the film before it (one figure's panels), that film is the one it counts from, not the
#: film before the exam (it was blank: the exam's own films are passed over as the films before it).
_OF_THE_SAME_EXAM = compile_fast(
    r"^(?:of|from)\s+the\s+same\s+(?:CT|HRCT|scan|examination|exam|study)$|^dell[ao]\s+stess[ao]\s+(?:TC|esame|studio)$"
    r"|^(?:the\s+)?same\s+(?:CT|HRCT|scan|examination|exam|study)$|^(?:lo\s+|la\s+)?stess[ao]\s+(?:esame|TC|studio|indagine)$",
    re.IGNORECASE)


def _of_the_same_exam(moment: Moment | None) -> bool:
    """True for a moment told "of the same CT" (``_OF_THE_SAME_EXAM``)."""
    return (moment is not None and moment.kind == AFTER_PREVIOUS
            and _OF_THE_SAME_EXAM.match(moment.evidence) is not None)


def _one_exam(ordered: Sequence[ImageTexts]) -> bool:
    """True for one image, or the films of one exam ("Axial (A) and coronal (B) CT images of patient 2",
    "RX torace in due proiezioni (PA e LL)" over its two films): the case shows one film's moment."""
    return len(ordered) == 1 or all(_same_exam(ordered, k) for k in range(1, len(ordered)))


#: A signed day label, "Day +3", "D+7", or a label of hours (``_HOURS_LABEL``: "+48h", "24 hours" after
#: "Initial"): a count of the days after a day 0.
_SIGNED_DAY = compile_fast(rf"\b(?:day|d)\s*\+\s*\d|{_HOURS_LABEL_SOURCE}", re.IGNORECASE)


# Words of a time a film's moment was not read from: within the stay ("CT during hospitalization",
# "radiograph in the ICU", "RX durante la degenza") or at a presentation that may be another than
# the admission ("at initial presentation"): such a film is no presenting film by default.
_TIME_WORDS = compile_fast(
    r"\b(?:during|while|throughout|durante|hospitali[sz]\w*|admission|admitted|ricover\w*|degenza|ICU|ITU|"
    r"intensive\s+care|terapia\s+intensiva|rianimazione|intubat\w*|present\w*|initial|arrival|arrivo|"
    r"ingresso|accesso|soccorso)\b", re.IGNORECASE)


# A study label telling only that the study followed an earlier one ("Follow-up", "Follow up CT",
# "Repeat radiograph", "Controllo"): no day of its own, but a first study before it.
_FOLLOW_UP_LABEL = compile_fast(
    r"^\s*(?:follow[- ]?up|repeat|subsequent|controllo|control)"
    r"(?:\s+(?:study|film|x-?ray|radiograph|chest\s+x-?ray|cxr|ct|scan|imaging|rx|tc))?\s*$",
    re.IGNORECASE,
)


# The presentation told as an admission straight to intensive care ("He presented with fever for the
# past week and was admitted to the ICU with respiratory failure"): a first film "in the ICU" is then
# the presenting film, not one of later in the stay. Its sentence tells no other time than the onset's
# ("On day 4 he was admitted to the ICU", "admitted to the ICU 2 days later" are a transfer).
_ADMITTED_TO_ICU = compile_fast(
    r"\b(?:admitted|presented)\s+(?:directly\s+|straight\s+)?(?:to|in|into)\s+(?:the\s+|our\s+)?"
    r"(?:ICU|ITU|intensive\s+care)\b", re.IGNORECASE)
_ICU_WORD = compile_fast(r"ICU|ITU|intensive\s+care|terapia\s+intensiva|rianimazione", re.IGNORECASE)
_PRESENTED = compile_fast(r"\b(?:presented|presenting|came|brought|arrived)\b", re.IGNORECASE)
_OTHER_TIME_IN_SENTENCE = compile_fast(
    r"\b(?:days?|weeks?|hours?|later|after|afterwards|subsequently|then|following|next|eventually)\b|\d",
    re.IGNORECASE)


#: "type 1 respiratory failure", "type 2 diabetes": a number that is no time.
_FAILURE_TYPE = compile_fast(r"\btype\s+(?:[12]|I{1,2})\b", re.IGNORECASE)


def _icu_at_presentation(history: str, onset_evidence: str) -> bool:
    """True when the history tells the presentation as an admission straight to intensive care: its
    sentence presents the patient, or dates the admission by the onset itself ("Admitted to ITU with
    type 1 respiratory failure after 12 days of symptoms")."""
    for m in _ADMITTED_TO_ICU.finditer(history):
        s_start, s_end = sentence_at(history, m.start())
        sentence = history[s_start:s_end]
        onset_told = bool(onset_evidence) and onset_evidence in sentence
        if onset_told:
            sentence = re.sub(rf"(?:\bafter\s+)?{re.escape(onset_evidence)}", " ", sentence)
        sentence = _FAILURE_TYPE.sub(" ", sentence)
        if (onset_told or _PRESENTED.search(sentence)) and not _OTHER_TIME_IN_SENTENCE.search(sentence):
            return True
    return False


#: The admission's words: when the history admits the patient straight to intensive care, "ITU
#: admission" names the presentation.
_ADMISSION_WORD = compile_fast(r"admission|admitted", re.IGNORECASE)


def _presenting_first_exam(ordered: Sequence[ImageTexts], chosen: Sequence[tuple[Moment | None, str]],
                           timeline: Timeline, icu_at_presentation: bool = False,
                           admitted: date | None = None, notes: bool = False) -> set[int]:
    """The indexes of the case's first exam when it is the presentation's though its own words tell
    no moment and no time (``_TIME_WORDS``): the history tells how long the symptoms had lasted at
    the presentation, and the next exam counts from the first ("Same day", "1 month later", "TC lo
    stesso giorno"), which makes the first the reference the case's films count from, its
    presenting film, or the next exam is a later day of the stay or of the illness ("Day 5 of
    admission", "Day 10 post symptoms") or dated after the day the history admits the patient on
    (``admitted``: "Il 16 marzo accede in PS", then "TC del 18 marzo"), which leaves the presentation
    to the first; else none. ``notes``: the texts are the legends after a case history the dataset's
    clinical notes repeat (backfill), whose curators also write a case telling no onset from its first
    film, day 0 of the stay, when the next counts from it; a crawled page's legends, and notes that are
    legends alone ("Anteroposterior chest radiograph shows ...", "CT taken on same day shows ..."),
    keep such films blank."""
    if timeline.admission_day is None or not ordered or not (timeline.anchor_evidence or notes):
        return set()
    end = 1
    while end < len(ordered) and _same_exam(ordered, end):
        end += 1
    if end == len(ordered) or any(c != (None, "") for c in chosen[:end]) or any(
            not (icu_at_presentation and (_ICU_WORD.fullmatch(m.group(0)) or _ADMISSION_WORD.fullmatch(m.group(0))))
            for i in ordered[:end] for m in _TIME_WORDS.finditer(f"{i.date_text} {i.caption}")):
        return set()
    after = chosen[end][0]
    if after is None:
        # "Follow-up": a next study told only as later than the first leaves the presentation to it
        return set(range(end)) if _FOLLOW_UP_LABEL.match(ordered[end].date_text) else set()
    if not timeline.anchor_evidence:
        # no onset told (notes only): the axis counts from the hospitalisation, whose day 0 is the
        # first film's when the next exam counts from it ("a new chest X-ray ... two weeks later")
        return set(range(end)) if after.kind == AFTER_PREVIOUS else set()
    later_day = (after.kind in (HOSPITAL_DAY, SINCE_ADMISSION) and after.days > 0) or (
        after.kind == SINCE_ONSET and after.days > timeline.admission_day) or (
        after.kind == DATED and admitted is not None and after.days > admitted.toordinal())
    return set(range(end)) if after.kind == AFTER_PREVIOUS or later_day else set()


def _own_date_where_base_untold(moments: Sequence[Moment], chosen: tuple[Moment | None, str], timeline: Timeline,
                                dates: _Dates) -> tuple[Moment | None, str]:
    """A film's own date in place of its moment counted from the admission, when the history dates the onset but
    not the admission and tells no span before it ("Chest CT on admission (April 15)" after "had fever of 38 °C on
    10 April ... admitted to our hospital at the same day"): the relative words, which ``_one_moment`` prefers to a
    date beside them, count from a day the case does not place; the film's one date does. Else ``chosen``."""
    moment = chosen[0]
    if (moment is None or moment.kind not in (SINCE_ADMISSION, HOSPITAL_DAY) or timeline.admission_day is not None
            or dates.onset is None or dates.admission is not None):
        return chosen
    dated = [m for m in moments if m.kind == DATED]
    if len({m.days for m in dated}) != 1 or dated[0].days < dates.onset.toordinal():
        return chosen
    return dated[0], ""


def _first_film_dated_presentation(chosen: Sequence[tuple[Moment | None, str]], timeline: Timeline,
                                   dates: _Dates, first_moments: Sequence[Moment] = ()) -> _Dates:
    """The case's dates with the first film's date as the admission's, when the history tells how
    long the symptoms had lasted at the presentation but dates neither the onset nor the admission,
    and the films are dated (Radiopaedia studies labelled "14 Mar 2020", "17 Mar 2020"): the first
    and earliest dated film is the presentation's, as a "Day 0" label is; so is a first film told
    at the admission whose label dates it ("12/04/2020": "Admission radiograph", placed by its
    words: ``first_moments``, all its moments, give its one date); else ``dates``."""
    if dates.onset is not None or dates.admission is not None or not timeline.anchor_evidence or not chosen:
        return dates
    first = chosen[0][0]
    own_dates = {m.days for m in first_moments if m.kind == DATED}
    if first is not None and first.kind == SINCE_ADMISSION and first.days == 0 and len(own_dates) == 1:
        first = next(m for m in first_moments if m.kind == DATED)
    later = [m.days for m, _ in chosen[1:] if m is not None and m.kind == DATED]
    if first is None or first.kind != DATED or any(days < first.days for days in later):
        return dates
    return replace(dates, admission=date.fromordinal(first.days))


def _counted_from_presentation(history: str, image: ImageTexts, moment: Moment | None, timeline: Timeline,
                               dates: _Dates) -> bool:
    """True when the case's first film opens its own legend with an interval after the exam before ("Il giorno
    seguente, ... esegue RX torace", "The following day, a chest radiograph ...") and no earlier film or event
    is told: the history ends at the presentation it places on the axis ("Febbre da 6 giorni. ... Accede in
    PS"), names no exam and tells no later moment (a day of the stay, "intubato il giorno 8"), discharge,
    return or other event, so the interval counts from the presentation (was blank: no earlier image). A
    legend that starts with other words ("RX torace PA in PS" with findings telling "Dopo 4 giorni ... torna
    in PS") is no such film."""
    if moment is None or moment.kind != AFTER_PREVIOUS or moment.where != "caption":
        return False
    if not image.caption.lstrip().lower().startswith(moment.evidence.lower()):
        return False
    if timeline.admission_day is None or not timeline.anchor_evidence:
        return False
    presents = _PRESENTATION.search(history) is not None or bool(_SPAN_TO_NOW.match(timeline.anchor_evidence))
    return (presents and IMAGE_WORDS.search(history) is None and dates.discharge is None
            and dates.readmission is None and not dates.sent_home_and_back and not dates.events
            and dates.first_visit is None and not text_moments(history, "history"))


def _same_exam(ordered: Sequence[ImageTexts], k: int) -> bool:
    """True when the ``k``-th image belongs to the exam of the image before it."""
    return k > 0 and ordered[k].group != "" and ordered[k].group == ordered[k - 1].group


# The exam a film's bare interval counts from, named right after it ("a distanza di 5 giorni dalla TC",
# "a 10 giorni dalla radiografia"); else, in a control film's sentence ("RX di controllo a 10 giorni"),
# the film's own exam: the control of the last earlier exam of its kind (``_place`` takes that reading
# only where it is the presentation's too: the sample's curators count a "follow-up radiograph after
# another 7 days" from the presentation, not from the radiograph before it).
_EXAM_BASE_AFTER = compile_fast(
    r"\s*(?:dall[ao]|dal|dall[’']\s?|dopo\s+(?:la|il|l[’']\s?)|after\s+the|from\s+the)\s*"
    r"(?:(?:chest|torace|precedente|previous|first|prima|primo)\s+)?(?P<exam>TC|CT|HRCT|RX|radiografia|radiograph|x-?ray|CXR)\b",
    re.IGNORECASE,
)


#: A film's bare interval counted from "the previous one" without the exam's noun, which the film's own exam
#: gives ("TC di controllo a distanza di 12 giorni dalla precedente", "Control CT 10 days after the previous one",
#: "a 7 giorni dal precedente controllo"): the last earlier film of its exam, as "dalla precedente TC" is.
_PREVIOUS_BASE_AFTER = compile_fast(
    r"\s*(?:dall[ao]|dal|dall[’']\s?|after\s+the|from\s+the|since\s+the)\s*"
    r"(?:precedente(?:\s+(?:esame|studio|controllo|indagine))?|(?:esame|studio|controllo|indagine)\s+precedente|"
    r"(?:previous|prior|preceding)(?:\s+(?:one|study|exam(?:ination)?|scan|control|follow-up))?)\b"
    r"(?!\s*(?:TC|CT|HRCT|RX|radiografia|radiograph|x-?ray|CXR)\b)",
    re.IGNORECASE,
)


def _exam_kind(words: str) -> str:
    """"X-ray", "CT" or "" for the exam ``words`` name (the modality normalizer's reading)."""
    value = normalize_modality(words).value
    return value if isinstance(value, str) else ""


def _counted_from_exam(chosen: tuple[Moment | None, str], caption: str) -> tuple[str, bool]:
    """(the exam kind a film's bare interval counts from, whether its words name that exam) when they
    tell it ("a distanza di N giorni dalla TC"; "RX di controllo a N giorni": its own kind); ("", False)
    otherwise, and for a moment that is no such interval."""
    moment = chosen[0]
    short = _AFTER_THE_SHORT_EXAM_END.search(moment.evidence) if moment is not None else None
    if short is not None and moment.kind == AFTER_PREVIOUS and moment.where != "label":
        return _exam_kind(short.group("exam")), True  # "two days after the CT"
    follow_up = _AFTER_THE_FOLLOW_UP_END.search(moment.evidence) if moment is not None else None
    if follow_up is not None and moment.kind == AFTER_PREVIOUS and moment.where != "label":
        return _exam_kind(follow_up.group("exam")), True  # "two days after the follow-up radiograph"
    previous = _AFTER_THE_PREVIOUS_END.search(moment.evidence) if moment is not None else None
    if previous is not None and moment.kind == AFTER_PREVIOUS and moment.where != "label":
        at = caption.find(moment.evidence)
        kind = (_exam_kind(previous.group("exam")) if previous.group("exam")
                else _exam_kind(caption[slice(*sentence_at(caption, at))]) if at >= 0 else "")
        return kind, bool(kind)  # "Control CT 12 days after the previous one": the last CT
    if (moment is None or moment.kind != AFTER_PREVIOUS or moment.where == "label"
            or not _AFTER_WITHOUT_BASE.match(moment.evidence)):
        return "", False
    at = caption.find(moment.evidence)
    if at < 0:
        return "", False
    named = _EXAM_BASE_AFTER.match(caption, at + len(moment.evidence))
    if named:
        return _exam_kind(named.group("exam")), True
    s_start, s_end = sentence_at(caption, at)
    if _PREVIOUS_BASE_AFTER.match(caption, at + len(moment.evidence)) and _exam_kind(caption[s_start:s_end]):
        return _exam_kind(caption[s_start:s_end]), True  # "TC di controllo ... dalla precedente": the last TC
    if _FILM_OR_CONTROL.search(caption, s_start, s_end):
        return _exam_kind(caption[s_start:s_end]), False
    return "", False


def _follow_up_exam_day(moment: Moment | None, exam_day: tuple[int | None, bool], earlier: list[str], kind: str
                        ) -> tuple[int | None, bool]:
    """``exam_day`` (the last earlier film's day of the exam a film's interval names, whether named) for "two days
    after the follow-up radiograph", when an exam of that kind, or of a kind its words do not name (an untitled "PA
    and lateral" study), came before that film (``earlier``: the kinds of the case's exams before the film's, in
    order); (None, True) else: the last earlier film of the kind is the case's first such exam, no follow-up one."""
    if moment is None or moment.kind != AFTER_PREVIOUS or not _AFTER_THE_FOLLOW_UP_END.search(moment.evidence):
        return exam_day
    if kind not in earlier:
        return None, True
    last = len(earlier) - 1 - earlier[::-1].index(kind)
    return exam_day if any(k in (kind, "") for k in earlier[:last]) else (None, True)


#: An interval counted from the case's first exam of a kind: "6 weeks after the initial radiograph",
#: "2 months after the first CT" (the evidence ends at the ordinal; the exam's word follows it).
_AFTER_FIRST_WORDS = r"\b(?:after|from|since)\s+(?:the\s+)?(?:first|initial|baseline)\b"
_AFTER_FIRST = compile_fast(_AFTER_FIRST_WORDS, re.IGNORECASE)
_AFTER_FIRST_EXAM = compile_fast(
    _AFTER_FIRST_WORDS + r"\s+(?:(?:chest|plain)\s+)?(?P<exam>CT|HRCT|radiograph|x-?ray|CXR)\b", re.IGNORECASE)


def _counted_from_first_exam(chosen: tuple[Moment | None, str], caption: str) -> str:
    """The exam kind ("X-ray", "CT") whose first film a film's interval counts from when its words name
    it ("CT chest 6 weeks after the initial radiograph"), else ""."""
    moment = chosen[0]
    if moment is None or moment.kind != AFTER_PREVIOUS or moment.where == "label":
        return ""
    at = caption.find(moment.evidence)
    m = _AFTER_FIRST_EXAM.search(caption, at, at + len(moment.evidence) + 40) if at >= 0 else None
    return _exam_kind(m.group("exam")) if m and m.start() < at + len(moment.evidence) else ""


@dataclass(frozen=True)
class _Axis:
    """What placing one image needs of its case: the axis, the dated onset and admission, whether
    the labels count from admission, and ``case_timeline``'s switches."""

    timeline: Timeline
    dates: _Dates
    admission_scale: bool
    presenting: bool
    admission_base_told: bool
    history_presents: bool = True  # the history tells the presentation (a "first CT" is then its film)
    labels_count_illness: bool = False  # the first film's label is the admission's day of illness


def _labels_count_illness(chosen: Sequence[tuple[Moment | None, str]], timeline: Timeline, history: str = "") -> bool:
    """True when the case's first film is labelled with the admission's own day of the illness (a first
    study "Day 6" of a patient "admitted on day 6 of illness"): its other bare day labels ("Day 9",
    "Day 16") count the illness too; or when the case's texts count the days of the illness ("On day 5
    of illness", "radiographs at days 2, 5 and 9 of illness") and never the days of the stay ("hospital
    day 3", "5 days after admission"): its bare "on day 6" is of the same count."""
    if timeline.anchor_evidence == "" or not timeline.admission_day:
        return False
    first = chosen[0][0] if chosen else None
    if first is not None and first.kind == LABEL and first.where == "label" and first.days == timeline.admission_day:
        return True
    moments = [m for m, _ in chosen if m is not None]
    counts_illness = any(m.kind == SINCE_ONSET for m in moments) or _counts_illness_days(history)
    # a bare day before the admission's day of illness ("Day 2" of a patient admitted on day 6) is another count
    counts_stay = (any(m.kind in (HOSPITAL_DAY, AFTER_DISCHARGE) or (m.kind == SINCE_ADMISSION and m.days)
                       or (m.kind == LABEL and m.days < timeline.admission_day) for m in moments)
                   or bool(_STAY_DAY.search(history)))
    return counts_illness and not counts_stay


#: A day label as the clinicians abbreviate it ("on D5", "D7"): ``_D_N``'s.
_D_LABEL = compile_fast(r"(?<![\w-])[DJ]\d")


def _texts_count_stay(chosen: Sequence[tuple[Moment | None, str]], timeline: Timeline, history: str = "") -> bool:
    """True when the case's texts count the days of the stay ("on day 3 of admission", "hospital day 4") and never
    the days of the illness nor a film from the onset, and its day labels are the clinicians' abbreviation of that
    count ("intubated on D5", "D7, after intubation"), as ``_labels_count_illness`` reads a case counting the
    illness's days alone. A legend's bare "day 9" is not read so: legends label films by the illness's days where
    the text counts the stay's (an Indian group's "(a) day 2: ...; (b) day 9: ..." beside "on hospital day 6")."""
    if timeline.anchor_evidence == "":
        return False
    moments = [m for m, _ in chosen if m is not None]
    labels = [m for m in moments if m.kind == LABEL]
    if not labels and not _has_d_n(history):
        return False
    if any(not _D_LABEL.search(m.evidence) for m in labels):
        return False
    counts_illness = any(m.kind == SINCE_ONSET for m in moments) or _counts_illness_days(history)
    counts_stay = any(m.kind == HOSPITAL_DAY for m in moments) or bool(_STAY_DAY.search(history))
    return counts_stay and not counts_illness


def _stay_count_goes_on(ordered: Sequence[ImageTexts], chosen: Sequence[tuple[Moment | None, str]],
                        timeline: Timeline, history: str = "") -> bool:
    """True when a study's own words count the days of the stay ("Day 3 of admission. Post intubation, supine AP") and
    each later study's bare day goes on with that count ("CTPA day 5"): a higher day than the stay's day before it,
    which read as a day of the illness would put the film before that one (day 5 of the illness is before day 3 of a
    stay begun on its day 4). The case's texts count no day of the illness; a bare day before any day of the stay, or
    one the illness's count would leave in order, is not read so. Studies only (a contributor's texts study by
    study, as ``_labels_count_stay``): a paper's legend "Day 7" beside another panel's "day 3 of admission" may count
    the illness (legends label films by the illness's days, ``_texts_count_stay``)."""
    if timeline.anchor_evidence == "" or not timeline.admission_day:
        return False
    moments = [(image, m) for image, (m, _) in zip(ordered, chosen) if m is not None]
    if any(m.kind == SINCE_ONSET for _, m in moments) or _counts_illness_days(history):
        return False
    if any(not image.study_title for image, m in moments if m.kind in (HOSPITAL_DAY, LABEL)):
        return False
    stay_day: int | None = None
    labels = 0
    for _, m in moments:
        if m.kind == HOSPITAL_DAY:
            stay_day = m.days
        elif m.kind == LABEL:
            if stay_day is None or m.days <= stay_day or m.days >= timeline.admission_day + stay_day:
                return False
            labels += 1
    return labels > 0


def _labels_count_stay(ordered: Sequence[ImageTexts], chosen: Sequence[tuple[Moment | None, str]]) -> bool:
    """True when the case's first study is titled with the admission ("Admission", "On admission")
    and a later one with a bare day ("Day 18"): the titles are one count, whose day 0 is the
    admission's study, as a "Day 0" label makes it (``_has_day_zero_label``). Study titles only: a
    paper's legend naming one panel "on admission" and another "day 6" may count the illness's days."""
    first = chosen[0][0] if chosen else None
    return (first is not None and first.where == "label" and first.kind == SINCE_ADMISSION and first.days == 0
            and ordered[0].study_title
            and any(m is not None and m.kind == LABEL and m.where == "label" and image.study_title
                    for image, (m, _) in zip(ordered[1:], chosen[1:])))


def counts_stay_days_only(history: str) -> bool:
    """Whether the history counts the days of the stay ("On day 3 of hospitalization", "hospital day 4") and never
    the illness's in digits (``_counts_illness_days``): the one count a course told day by day goes on with when
    its later days are bare ("On day 4, ...", "On day 5, ...")."""
    return bool(_STAY_DAY.search(history)) and not _counts_illness_days(history)


def _counts_illness_days(history: str) -> bool:
    """Whether the history counts the illness's days in digits ("On day 5 of illness", "on the 7th day of symptoms",
    "day 10 of COVID-19", the clinicians' "J7 of the symptoms"): a ``DAY_N`` or ``_ABBREVIATED_DAY`` the project
    reads as a day of the illness (``_day_moment``)."""
    for m in _day_n_matches(history):
        moment = _day_moment(*_day_n_parts(m), m.group(0), "history")
        if moment is not None and moment.kind == SINCE_ONSET:
            return True
    for m in _abbreviated_day_matches(history):
        moment = _day_moment(*_abbreviated_day_parts(m), m.group(0), "history")
        if moment is not None and moment.kind == SINCE_ONSET:
            return True
    return False
#: ... or the stay's ("hospital day 3", "day 4 of admission", "on the 9th day of hospitalization", "HD 3",
#: "5 days after admission").
_STAY_DAY = compile_fast(r"\bhospital\s+day\b"
                         r"|\bday\s+\d{1,3}\s+of\s+(?:the\s+)?(?:admission|hospitali[sz]ation|stay)\b"
                         r"|\bday\s+of\s+(?:hospitali[sz]ation|admission)\b|\bHD\s*#?\d"
                         r"|\bdays?\s+(?:after|following|post|from)\s+(?:the\s+|her\s+|his\s+)?admission\b",
                         re.IGNORECASE)


def _placed(chosen: tuple[Moment | None, str], axis: _Axis, previous_day: int | None, first: bool,
            exam_day: tuple[int | None, bool] = (None, False)) -> tuple[Moment | None, int | None, str, str]:
    """(moment, day, rule, reason) of one image on the axis, from its chosen moment (or the reason
    it has none) and the day of the last image placed before it."""
    moment, reason = chosen
    timeline = axis.timeline
    day, rule = None, ""
    if moment is None and not reason:
        if axis.presenting and timeline.admission_day is not None:
            day, rule = timeline.admission_day, "timeline.presenting-image"
            moment = Moment(SINCE_ADMISSION, 0, "the case's only image, at presentation", "case")
        else:
            reason = "no moment of this image in its own words"
    elif (moment is not None and moment.kind == PRESENTING and not axis.history_presents
          and moment.evidence[:5].lower() == "first"):
        # "initial"/"baseline" name the presenting film themselves (the sample's curators place them
        # at the presentation even when only a caption tells it); "first" only orders the films
        reason = f"{moment.evidence!r} is the first film, but the history does not tell the presentation"
    elif moment is not None:
        placed = Moment(SINCE_ADMISSION, 0, moment.evidence, moment.where) if moment.kind == PRESENTING else moment
        day, rule, reason = _place(placed, timeline, axis.admission_scale, previous_day, first, axis.dates,
                                   axis.labels_count_illness, exam_day)
        if day is not None and not axis.admission_base_told and rule in _FROM_ADMISSION and timeline.admission_day:
            day, reason = None, (
                f"{moment.evidence!r} counts from the admission, {timeline.admission_day} days after the onset "
                f"({timeline.anchor_evidence!r}): curators count such a film from either, "
                f"day {day} or day {day - timeline.admission_day}")
        if rule == _EPISODE_RULE and day is not None:
            # the evidence is the earlier episode's onset, not the axis's anchor (the last episode's)
            told = max((d, w) for d, w in axis.dates.earlier_onsets
                       if moment.kind != DATED or d.toordinal() <= moment.days)
            moment = replace(moment, evidence=f"{told[1]}{EVIDENCE_JOIN}{moment.evidence}")
        if rule == "timeline.first-visit" and day is not None and axis.dates.first_visit is not None:
            # the evidence is the first visit's span in the history, not the axis's anchor (the return)
            moment = replace(moment, evidence=f"{axis.dates.first_visit.evidence}{EVIDENCE_JOIN}{moment.evidence}")
    return moment, day, rule, reason


#: A symptom span lasting up to the narrative's present ("Febbre da 2 giorni", "cough for the past 5
#: days", "tos desde hace 3 días"): the present of a post showing one film is that film's visit.
_SPAN_TO_NOW = compile_fast(r"^(?:da|desde|since|for\s+the\s+(?:last|past))\b", re.IGNORECASE)
# the rest of the span's sentence tells the present ("Three days of cough and fever, now short of breath"):
# the span ends at the presentation
_NOW_AFTER_SPAN = compile_fast(r"^[^.;:]*?(?:,|\band)\s+now\b", re.IGNORECASE)


def _span_reaches_now(history: str, onset_evidence: str) -> bool:
    start = history.find(onset_evidence) if onset_evidence else -1
    return start >= 0 and bool(_NOW_AFTER_SPAN.search(history[start + len(onset_evidence):]))


def _history_presents_film(history: str, onset_evidence: str, findings: str) -> bool:
    """True when the history of a case of one film tells the presentation the film is of: words of
    the admission or the presentation, or a symptom span up to the present (``_SPAN_TO_NOW``, or "..., now ...") when
    the findings tell no exam's time (a CT under "RX torace eseguita dopo 48 ore dal ricovero" may
    be of any day)."""
    if _PRESENTATION.search(history) or _OPENS_WITH_DAY.match(history.lstrip()):
        return True  # (a history opening with its day of the illness is the presentation's line)
    return ((bool(_SPAN_TO_NOW.match(onset_evidence)) or _span_reaches_now(history, onset_evidence))
            and not text_moments(findings, "findings"))


def _history_presents(history: str, timeline: Timeline) -> bool:
    """True when the history places the presentation (its onset gap, or words of the admission)."""
    return timeline.anchor_evidence != "" or bool(_PRESENTATION.search(history))


def _since_onset(chosen: tuple[Moment | None, str]) -> int:
    return int(chosen[0] is not None and chosen[0].kind == SINCE_ONSET)


def _later_after_signed_label(ordered: Sequence[ImageTexts], moments: Sequence[list[Moment]],
                              chosen: list[tuple[Moment | None, str]]) -> list[tuple[Moment | None, str]]:
    """``chosen`` with a study label "N later" blank, with the reason, when the study before it is labelled by a
    signed count from the case's day 0 ("Initial", "+48 hours", "1 week later"): a week after that study, or after
    the first one as the signed label counts? Either reading is a contributor's; a label naming its base ("1 week
    after the CT") or a film after the first one's are no such labels."""
    out = list(chosen)
    for k in range(1, len(ordered)):
        moment = chosen[k][0]
        if moment is None or moment.kind != AFTER_PREVIOUS or moment.where != "label" or _same_exam(ordered, k):
            continue
        if _same_day_as_told(moment):
            continue
        j = k - 1
        while j > 0 and _same_exam(ordered, j):
            j -= 1
        if j > 0 and any(m.kind == LABEL and m.days > 0 and _SIGNED_DAY.search(m.evidence) for m in moments[j]):
            out[k] = (None, f"{moment.evidence!r} may count from the study before it "
                            f"({ordered[j].date_text.strip()!r}) or from the first")
    return out


def _same_day_as_told(moment: Moment) -> bool:
    """A study "on the same day" (no day after the study before it): the day just told, the study's before it,
    whatever that study's label counts from ("a, b Axial images at day +12 ... c Coronal reformation on the same
    day")."""
    return moment.days == 0


def _has_day_zero_label(moments: list[Moment]) -> int:
    """1 when a label of the film counts from a day 0: "Day 0", or signed ("Day +3" after a "Baseline"
    study: the days after a day 0, the presentation's)."""
    return int(any(m.kind == LABEL and (m.days == 0 or _SIGNED_DAY.search(m.evidence)) for m in moments))


def _signed_labels_count_illness(moments: Iterable[list[Moment]], labels_from_illness: bool) -> bool:
    """True when the case's signed labels ("day +4", "day +12") count from the onset: the first film is labelled
    with the admission's day of the illness (``_labels_count_illness``: "at presentation (day +4)" after a 4-day
    history, its day 0 the onset, not the presentation) and no label is a day 0 of its own."""
    return labels_from_illness and not any(m.kind == LABEL and m.days == 0 for found in moments for m in found)


def _in_film_order(told: Sequence[tuple[int, object]], k: int, own: object) -> list:
    """The words of the films that tell them (``told``: (position, words), in order) and ``own`` in place of
    the ``k``-th film's: the films' words in order, less those that tell nothing."""
    return [*(words for j, words in told if j < k), own, *(words for j, words in told if j > k)]


class CaseImages:
    """A case's images with their moments read once, to place one image at a time: ``offset_of``
    gives what ``case_timeline(history, images, ...).offset_of(position)`` gives with that image's
    texts replaced, without reading the other images' words again. Backfill places each row's
    image among all its patient's films, and a patient may have thousands of rows."""

    def __init__(self, images: Sequence[ImageTexts], captions_are_notes: bool = False, day_first: bool = False,
                 history_before_legends: bool = False):
        self._ordered = sorted(images, key=lambda i: i.position)
        self._history_told = captions_are_notes and history_before_legends
        self._index = {image.position: k for k, image in enumerate(self._ordered)}
        self._notes, self._day_first = captions_are_notes, day_first
        self._raw = [image_moments(i, captions_are_notes, day_first) for i in self._ordered]
        # whether a film's own words tell a first visit (``offset_of`` asks for each film placed)
        self._raw_first_visit = any(m.kind == FIRST_VISIT for found in self._raw for m in found)
        # the films' own words making the admission, or the onset, day 1 (case_timeline reads them after the
        # history's)
        self._day_ones = [admission_is_day_one(i.date_text, i.caption) for i in self._ordered]
        self._onset_ones = [onset_is_day_one(i.date_text, i.caption) for i in self._ordered]
        # (and a hospital day's day of the illness: ``stay_days_on_illness``)
        self._stay_pairs = [_stay_pairs_of(i) for i in self._ordered]
        # (a study titled "Initial", which a history telling a first visit's film and a return places on the first
        # visit: ``case_timeline``)
        self._initial_label = any(_LABEL_INITIAL.match(i.date_text) for i in self._ordered)
        # the films that tell any of the three ((position, words), in order): ``offset_of`` walks these for
        # each film placed, not every film of a patient of thousands
        self._told_day_ones = [(k, d) for k, d in enumerate(self._day_ones) if d]
        self._told_onset_ones = [(k, d) for k, d in enumerate(self._onset_ones) if d]
        self._told_stay_pairs = [(k, p) for k, p in enumerate(self._stay_pairs) if p]
        self._read: dict[tuple[str, str, tuple[int, str] | None],
                         tuple[list[list[Moment]], list[tuple[Moment | None, str]], int, int]] = {}
        self._use("", "", None)

    def _use(self, day_one: str, onset_one: str, stay_pair: tuple[int, str] | None) -> None:
        """The films' moments on the counts ``day_one``, ``onset_one`` and ``stay_pair`` give (read once per
        count: most cases have one)."""
        key = (day_one, onset_one, stay_pair)
        if key not in self._read:
            moments = [_rebased_on_onset(_rebased(_stay_on_illness(m, stay_pair), day_one), onset_one)
                       for m in self._raw]
            chosen = _later_after_signed_label(self._ordered, moments, [_one_moment(m) for m in moments])
            # what case_timeline asks of all the images: a moment since the onset, a "day 0" label, the films
            # at discharge with a bare day (``_discharge_days_on_illness``)
            self._read[key] = (moments, chosen, sum(map(_since_onset, chosen)),
                               sum(map(_has_day_zero_label, moments)), _bare_discharge_days(moments, chosen))
        self._moments, self._chosen, self._onset, self._day_zero, self._bare = self._read[key]

    def offset_of(self, history: str, image: ImageTexts, findings: str = "", presenting: bool | None = None,
                  admission_base_told: bool = True) -> ImageOffset:
        """``image`` (in place of the case's image at its position) on the timeline ``history``
        anchors; the arguments are ``case_timeline``'s."""
        k = self._index[image.position]
        same = image == self._ordered[k]
        day_one, onset_one, stay_pair = self._counts(history, findings, image, k, same)
        self._use(day_one, onset_one, stay_pair)
        if same:  # the film as the case holds it: its moments are read already
            moments, chosen = self._moments[k], self._chosen[k]
        else:
            moments = _rebased_on_onset(_rebased(_stay_on_illness(image_moments(image, self._notes, self._day_first),
                                                                  stay_pair), day_one), onset_one)
            chosen = _one_moment(moments)
        if self._placed_in_order(history, image, k, moments, chosen):
            images = [*self._ordered[:k], image, *self._ordered[k + 1:]]
            return case_timeline(history, images, findings, self._notes, self._day_first, presenting,
                                 admission_base_told, history_before_legends=self._history_told
                                 ).offset_of(image.position)
        onset = self._onset - _since_onset(self._chosen[k]) + _since_onset(chosen)
        day_zero = self._day_zero - _has_day_zero_label(self._moments[k]) + _has_day_zero_label(moments)
        timeline, dates, _ = _anchor(history, findings, self._day_first, onset > 0,
                                     _case_readmission(history, findings, self._day_first))
        if presenting is None:
            ordered = [*self._ordered[:k], image, *self._ordered[k + 1:]]
            presenting = _one_exam(ordered) and not self._notes and _history_presents_film(
                history, timeline.anchor_evidence, findings)
        chosen_all = self._chosen_all(history, findings, timeline, dates, k, moments, chosen)
        chosen = chosen_all[k]
        first_exam = _presenting_first_exam(self._ordered, chosen_all, timeline,
                                            _icu_at_presentation(history, timeline.anchor_evidence), dates.admission,
                                            self._history_told)
        presenting = (presenting and timeline.anchor_evidence != "") or k in first_exam
        if not self._notes:
            # (the first film's own moments, as case_timeline gives them: "2020/03/25 (on admission)" dates it)
            first_moments = moments if k == 0 else self._moments[0]
            dates = _first_film_dated_presentation(chosen_all, timeline, dates, first_moments)
        axis = self._axis(history, timeline, dates, chosen_all, day_zero, presenting, admission_base_told)
        # only a moment counted from the previous film reads the previous film's day
        after_previous = chosen[0] is not None and chosen[0].kind == AFTER_PREVIOUS
        moment, day, rule, reason = _placed(chosen, axis, self._previous_day(k, axis, first_exam) if after_previous
                                            else None, k == 0)
        return _image_offset(timeline, image.position, moment, day, rule, reason)

    def _counts(self, history: str, findings: str, image: ImageTexts, k: int, same: bool
                ) -> tuple[str, str, tuple[int, str] | None]:
        """(the words making the admission day 1, those making the onset day 1, the one pair of a hospital day and
        its day of the illness) ``offset_of`` reads the films' moments on: the history's, else the films' in order
        with ``image``'s own in place of the ``k``-th film's (``same``: it is the case's film, read already)."""
        own = self._day_ones[k] if same else admission_is_day_one(image.date_text, image.caption)
        day_one = admission_is_day_one(history, findings) or next(
            (d for d in _in_film_order(self._told_day_ones, k, own) if d), "")
        own_onset = self._onset_ones[k] if same else onset_is_day_one(image.date_text, image.caption)
        onset_one = onset_is_day_one(history, findings) or next(
            (d for d in _in_film_order(self._told_onset_ones, k, own_onset) if d), "")
        own_pairs = self._stay_pairs[k] if same else _stay_pairs_of(image)
        stay_pair = None if day_one or onset_one else _one_pair(
            pair for pairs in ((*stay_days_pairs(history, findings),), *_in_film_order(self._told_stay_pairs, k,
                                                                                        own_pairs)) for pair in pairs)
        return day_one, onset_one, stay_pair

    def _placed_in_order(self, history: str, image: ImageTexts, k: int, moments: list[Moment],
                         chosen: tuple[Moment | None, str]) -> bool:
        """Whether ``offset_of`` places the films in order, as case_timeline places them (such films are few): an
        interval from an earlier exam of a kind, a case telling a first visit (which the history decides how to
        read), or a first legend told after the exam before (which may count from the presentation:
        ``_counted_from_presentation``; a note never does, so backfill's patients of thousands of notes keep the
        one-film path)."""
        first = chosen if k == 0 else self._chosen[0]
        return bool(_counted_from_exam(chosen, image.caption)[0] or _counted_from_first_exam(chosen, image.caption)
                    or self._raw_first_visit or any(m.kind == FIRST_VISIT for m in moments)
                    or ((self._initial_label or _LABEL_INITIAL.match(image.date_text) is not None)
                        and first_visit_told_a_film(history))
                    or (not self._notes and first[0] is not None and first[0].kind == AFTER_PREVIOUS))

    def _chosen_all(self, history: str, findings: str, timeline: Timeline, dates: _Dates, k: int,
                    moments: list[Moment], chosen: tuple[Moment | None, str]) -> list[tuple[Moment | None, str]]:
        """Every film's chosen moment, the ``k``-th's being ``chosen`` (of ``moments``), after what case_timeline
        reads of all the films once anchored: the bare days at discharge on the illness's count, the arrival on a
        transfer, a film's own date where the base is untold."""
        # the other films' bare days at discharge are read once per count (``_use``): only this film's is read here
        bare = self._bare - {k} if k in self._bare else self._bare
        if _bare_discharge_days((moments,), (chosen,)):
            bare = bare | {k}
        chosen_all = _discharge_days_on_illness([*self._moments[:k], moments, *self._moments[k + 1:]],
                                                [*self._chosen[:k], chosen, *self._chosen[k + 1:]], timeline, history,
                                                bare)
        transferred = (_arrival_on_transfer(history, dict(enumerate(chosen_all)), dates, self._day_first)
                       or _arrival_on_transfer_in_findings(findings, dict(enumerate(chosen_all)), dates,
                                                           self._day_first))
        chosen_all = [transferred.get(j, found) for j, found in enumerate(chosen_all)]
        return [_own_date_where_base_untold(m, c, timeline, dates)
                for m, c in zip([*self._moments[:k], moments, *self._moments[k + 1:]], chosen_all)]

    def _axis(self, history: str, timeline: Timeline, dates: _Dates, chosen_all: list[tuple[Moment | None, str]],
              day_zero: int, presenting: bool, admission_base_told: bool) -> _Axis:
        """The axis ``offset_of`` places the film on: the labels count from the admission when one is a day 0 or the
        labels, texts or stay's count go on from it (``case_timeline``'s ``admission_scale``)."""
        labels_from_illness = _labels_count_illness(chosen_all, timeline, history)
        stay_count = ((_labels_count_stay(self._ordered, chosen_all) and not labels_from_illness)
                      or _texts_count_stay(chosen_all, timeline, history)
                      or _stay_count_goes_on(self._ordered, chosen_all, timeline, history))
        return _Axis(timeline, dates, day_zero > 0 or stay_count, presenting, admission_base_told,
                     _history_presents(history, timeline), labels_from_illness)

    def _previous_day(self, k: int, axis: _Axis, first_exam: set[int]) -> int | None:
        """The day of the last image before the ``k``-th's exam that the axis places (None: none);
        the films of ``first_exam`` are the presenting ones (``_presenting_first_exam``)."""
        presenting = replace(axis, presenting=True)
        start = k
        while _same_exam(self._ordered, start) and not _of_the_same_exam(self._chosen[k][0]):
            start -= 1  # the films of the image's own exam are not its previous films (but "of the same CT"'s are)
        for j in range(start - 1, -1, -1):
            moment = self._chosen[j][0]
            if moment is not None and moment.kind == AFTER_PREVIOUS:
                break  # its day counts from its own previous film: place the films in order
            day = _placed(self._chosen[j], presenting if j in first_exam else axis, None, j == 0)[1]
            if day is not None:
                return day
            if self._told_a_moment(j):
                # the previous film tells its moment, but the axis cannot place it: a film "3 days
                # later" than it is not 3 days after an earlier film (only a film whose words tell
                # no moment at all, a lateral beside its PA, is passed over)
                return None
        else:
            return None
        last, previous = None, None
        for j in range(start):
            if not _same_exam(self._ordered, j):
                previous = last
            day = _placed(self._chosen[j], presenting if j in first_exam else axis, previous, j == 0)[1]
            if day is not None:
                last = day
            elif self._told_a_moment(j):
                last = None
        return last

    def _told_a_moment(self, j: int) -> bool:
        """True when the ``j``-th film's own words tell a moment (or several that disagree)."""
        moment, reason = self._chosen[j]
        return moment is not None or bool(reason)


# "after 3 days", "dopo 3 giorni", "a 3 giorni": a time after a moment the words do not name.
_AFTER_WITHOUT_BASE = compile_fast(
    r"(?:after|dopo|despu[eé]s|apr[eè]s|nach|a\s+distanza\s+di|a\s+(?=\w+\s+(?:giorn|ore)))\b", re.IGNORECASE)

#: Rules of a film placed by counting from the admission (a day after the onset when told).
_FROM_ADMISSION = frozenset({"timeline.since-admission", "timeline.day-label-from-admission",
                             "timeline.date-since-admission", "timeline.hospital-day"})


# A discussion's sentence about the case's own patient ("This patient presented with a 4-day
# history"), not about patients in general ("Patients typically present after 5 to 7 days").
_THIS_PATIENT = compile_fast(r"\b(?:this|the|our)\s+(?:patient|man|woman|gentleman|lady|boy|girl)\b(?!s)",
                             re.IGNORECASE)


# A discussion's sentence discharging a patient named by a pronoun ("She was treated with oxygen and
# was discharged on day 10 of admission"): a discussion's teaching text speaks of patients in the plural.
_PATIENT_DISCHARGED = compile_fast(r"\b(?:he|she)\s+(?:was|went)\b[^.;]{0,80}?\b(?:discharged|home)\b",
                                   re.IGNORECASE)


def _patient_sentences(discussion: str, also: re.Pattern[str] | None = None) -> str:
    """The sentences of a case's discussion that speak of its own patient (or that ``also`` matches)."""
    return " ".join(discussion[a:b] for a, b in sentence_spans(discussion)
                    if _THIS_PATIENT.search(discussion, a, b) or (also is not None and also.search(discussion, a, b)))


def _discussion_event(discussion: str, event: str, day_first: bool) -> Moment | None:
    """The moment the discussion's sentences about the patient give ``event`` (``event_moment``) when neither the
    history nor the findings tell it: a Radiopaedia discussion telling the course ("he was intubated and transferred
    to the ICU on 14 March"), as it may tell the discharge."""
    return event_moment(_patient_sentences(discussion), event, day_first) if discussion else None


def _case_readmission(history: str, findings: str, day_first: bool = False) -> Moment | None:
    """The case's readmission (``readmission_moment``): the history's, else the findings'; else the date the history
    (or the findings) readmits the patient on (``dated_readmission``)."""
    return (readmission_moment(history) or readmission_moment(findings) or dated_readmission(history, day_first)
            or dated_readmission(findings, day_first))


def _anchor(history: str, findings: str, day_first: bool, onset_moment: bool, readmission: Moment | None,
            discussion: str = "") -> tuple[Timeline, _Dates, list[Event]]:
    """The axis of a case (a Timeline without images yet), its dated onset and admission, and the
    events the history places on it (or the findings, or the discussion's sentences about the
    patient, when the history tells no onset gap: Radiopaedia cases whose Presentation is
    "Shortness of breath." and whose discussion says "This patient presented with a 4-day
    history"). ``readmission``: the case's (``_case_readmission``), which its caller has read already."""
    onset_date, admission_date, earlier_onsets = _history_dates(history, day_first)
    gap = _told_onset_gap(history, findings, discussion, onset_date, admission_date)
    dates = _case_dates(history, findings, discussion, day_first, readmission, (onset_date, admission_date),
                        earlier_onsets)
    weekday = _weekday_onset(history)
    if weekday is not None and (gap is None or gap[0] < 7) and (
            told := weekday_onset_gap(history)) is not None and (gap is None or told[0] >= gap[0]):
        # "Fever from Saturday ... Presented on Thursday": the weekdays of both give the gap
        gap, weekday = told, None
    # (unless the presentation is told by its weekday too, ``onset_gap``'s ``weekday_onset_gap``)
    if weekday is not None and (gap is None or gap[0] < 7) and not (gap is not None and weekday in gap[1]):
        # "Fever since Sunday, breathless since yesterday": the illness began on a day the page does not
        # date (under a week before, the shorter spans after it): no anchor, the offsets stay blank
        return Timeline(ONSET, "", None), dates, [Event("symptom onset", None, weekday, "history")]
    if gap is None and onset_date is None and (in_stay := onset_during_stay(history)) is not None:
        # admitted without symptoms, the first on hospital day N: the admission N days before the onset
        gap = in_stay
    if gap is not None:
        events = [Event("symptom onset", 0, gap[1], "history"), Event("admission", gap[0], gap[1], "history")]
        return Timeline(ONSET, gap[1], gap[0]), dates, events
    timeline, events = _anchor_without_gap(history, dates, onset_moment, onset_date)
    return timeline, dates, events


def _told_onset_gap(history: str, findings: str, discussion: str, onset_date: tuple[date, str] | None,
                    admission_date: tuple[date, str] | None) -> tuple[int, str] | None:
    """(days from the onset to the admission, the words) as ``_anchor`` first reads them: the history's first
    episode's span, else the findings', else the discussion's sentences about the patient; a day of the illness
    counted from the onset as day 1 ("admitted on day 6 of illness": 5 days); the dated onset and admission when
    they tell a longer span (the first symptom's)."""
    gap = onset_gap(_first_episode(history)) or (onset_gap(findings) if findings else None) or (
        onset_gap(_patient_sentences(discussion)) if discussion else None)
    onset_one = onset_is_day_one(history, findings)
    if gap is not None and onset_one and gap[0] >= 1 and _tells_day_of_illness(gap[1], gap[0]):
        # "admitted on day 6 of illness" where day 1 is the onset's: 5 days after it, as the films' own days
        gap = (gap[0] - 1, f"{onset_one}{EVIDENCE_JOIN}{gap[1]}")
    if onset_date and admission_date and (admission_date[0] - onset_date[0]).days >= (gap[0] + 1 if gap else 0):
        # the onset is the first symptom's: a dated one before a shorter span ("Febbre e tosse dal 2
        # marzo, dispnea da 2 giorni. Ricoverato il 6 marzo") is the illness's
        gap = ((admission_date[0] - onset_date[0]).days, f"{onset_date[1]} … {admission_date[1]}")
    return gap


def _case_dates(history: str, findings: str, discussion: str, day_first: bool, readmission: Moment | None,
                onset_and_admission: tuple[tuple[date, str] | None, tuple[date, str] | None],
                earlier_onsets: tuple[tuple[date, str], ...]) -> _Dates:
    """The case's dated onset and admission and the moments its texts tell (discharge, events, follow-ups, first
    visit, the stay in intensive care, ...): ``_anchor``'s ``_Dates``."""
    onset_date, admission_date = onset_and_admission
    dates = _Dates(onset_date[0] if onset_date else None, admission_date[0] if admission_date else None,
                   discharge_moment(history, day_first) or discharge_moment(findings, day_first)
                   # (a discussion's summary of the stay, "The patient was admitted for 16 days and received
                   # oxygen", dates no discharge: the curators leave its "after discharge" films blank)
                   or discharge_moment(_patient_sentences(discussion, _PATIENT_DISCHARGED), day_first, False),
                   readmission,
                   bool(_SENT_HOME_AND_BACK.search(history) or _SENT_HOME_AND_BACK.search(findings)),
                   follow_ups=follow_up_moments(history),
                   # (an event the history does not tell may be told in the findings' course: "An emergency
                   # caesarean section was performed on the fourth day of admission ... A portable radiograph 3
                   # days after delivery", as the discharge)
                   events=tuple((name, told) for name in EVENTS
                                if (told := event_moment(history, name, day_first)
                                    or (event_moment(findings, name, day_first) if findings else None)
                                    or _discussion_event(discussion, name, day_first))),
                   operation_onset=operation_onset(history),
                   # (else the dated admission's own weekday: "the following Tuesday" after "admitted on the same
                   # day" as "Saturday, 9 May 2020")
                   admission_weekday=_first_not_none(admission_weekday(history),
                                                     admission_date[0].weekday() if admission_date else None),
                   dated_intervals=dated_intervals(history, day_first),
                   first_visit=first_visit_moment(history, readmission) or _visit_unless_return(history, readmission),
                   straight_to_icu=admitted_straight_to_icu(history),
                   icu_admission=icu_admission_moment(history, day_first), earlier_onsets=earlier_onsets,
                   discharge_before_return=discharge_before_return(history),
                   moved_to_icu=moved_to_icu_later(history))
    if not dates.straight_to_icu and intubated_at_arrival(history, dates.events, dates.icu_admission):
        # "arrived to emergency ... and was intubated there": in intensive care from the arrival
        dates = replace(dates, straight_to_icu=True)
    return dates


def _anchor_without_gap(history: str, dates: _Dates, onset_moment: bool, onset_date: tuple[date, str] | None
                        ) -> tuple[Timeline, list[Event]]:
    """``_anchor``'s axis and events of a case whose texts tell no span from the onset to the admission: an onset on
    an operation's count, an onset the films or the history date, an onset told on no day (no anchor), a stay
    begun in another hospital (no anchor), else the hospitalisation's day 0."""
    if dates.operation_onset is not None and onset_date is None:
        # a nosocomial onset told on an operation's count: days since it, the admission's day not told
        told = dates.operation_onset.evidence
        return Timeline(ONSET, told, None), [Event("symptom onset", 0, told, "history")]
    if onset_moment or onset_date is not None:
        return (Timeline(ONSET, "", None),
                [Event("symptom onset", 0, onset_date[1], "history")] if onset_date else [])
    if (told := onset_told_not_a_day(history)) is not None:
        # "Symptoms for 6-7 days", "symptoms since mid-October": the illness began before the admission on a day
        # the page does not give; counting from the admission would be a guess: no anchor, the offsets stay blank
        return Timeline(ONSET, "", None), [Event("symptom onset", None, told, "history")]
    if (stay := _TRANSFERRED_FROM_HOSPITAL.search(history)) is not None \
            and not about_other_person(history, stay.start(), stay.end()):
        # "transferred from another hospital with COVID-19 pneumonia": the stay began there, on a day not told; the
        # arrival in the authors' hospital is no hospitalisation's day 0: no anchor, the offsets stay blank
        return Timeline(HOSPITALISATION, "", None), []
    return Timeline(HOSPITALISATION, "", 0), []


#: A stay begun in another hospital ("was transferred from another hospital", "referred from a peripheral hospital",
#: "transferred to our ICU from a regional hospital"): with no day of it told, its day 0 is not the arrival here.
_TRANSFERRED_FROM_HOSPITAL = compile_fast(
    r"\b(?:transferred|referred|moved|transported)\b[^.;]{0,60}?\bfrom\s+(?:an?other|an?\s+(?:outside|external|"
    r"regional|local|peripheral|district|community|rural|smaller|private|nearby|different|provincial|county)|the\s+"
    r"(?:regional|local|peripheral|district|community|provincial|county))\s+(?:[\w-]+\s+){0,2}?(?:hospital|centre|"
    r"center|ICU|intensive\s+care\s+unit)\b",
    re.IGNORECASE)


#: A symptom's span told as a range of days ("Symptoms for 6-7 days", "fever in the last 2-3 days", "a 5 to 7-day
#: history") or its start as a part of a month ("since mid-October", "from early March", "at the end of March"):
#: an onset told, but no one day (``onset_told_not_a_day``).
_ONSET_NOT_A_DAY = compile_fast(
    r"\b(?:(?:for|since|over|of)(?:\s+the\s+(?:last|past|previous|preceding))?|(?:in|during)\s+the\s+"
    r"(?:last|past|previous|preceding))\s+(?:about\s+|approximately\s+)?"
    r"\d{1,2}\s*(?:-|\u2013|to|or)\s*\d{1,2}\s*[- ]?(?:days?|weeks?)\b"
    r"(?!\s+(?:later|after|before|ago|prior|post|into|of\s+(?:admission|hospitali[sz]ation|treatment|therapy))\b)"
    r"|\b\d{1,2}\s*(?:-|\u2013|to)\s*\d{1,2}[- ](?:days?|weeks?)[- ](?:history|duration)\b"
    rf"|\b(?:since|from|in|at|on|began|started)\s+(?:the\s+)?(?:mid|early|late|(?:middle|beginning|start|end)\s+of)"
    rf"[- ]?(?:{MONTH_NAMES})\b",
    re.IGNORECASE)


#: A range's "history" of the symptoms named after it ("a 3-4 day history of fever and cough", "a 3 to 4-day history
#: of dyspnoea", "a three- to four-day history of cough"): an onset told, no one day, as ``_ONSET_NOT_A_DAY``'s
#: (which wants a symptom before it).
_RANGE_HISTORY = compile_fast(
    rf"\b{RANGE_NUMBER}-?\s*(?:-|\u2013|to|or)\s*{RANGE_NUMBER}[- ](?:days?|weeks?|months?)[- ]"
    r"(?:history|duration)\b",
    re.IGNORECASE)
_OF_SYMPTOMS_AFTER = compile_fast(rf"\s+of\s+(?:[\w-]+\s+){{0,3}}?(?:{SYMPTOM_WORDS.pattern})", re.IGNORECASE)
#: A symptom's span told with a half ("since one and a half week", "for a week and a half", "1,5 weeks" as European
#: authors write the decimal: 10 or 11 days), or the week of the illness by its rank ("hospitalised in the second week
#: of her illness": days 7 to 13): an onset told, but no one day, as a range (``onset_told_not_a_day``). A vague
#: count ("for several days") is not one: it gives no onset, and the films count from the admission (unseen9).
_ONSET_NO_COUNT = compile_fast(
    r"\b(?:for|since|over|of|from)\s+(?:the\s+(?:last|past|previous|preceding)\s+)?"
    r"(?:(?:(?:one|two|three|four|an?|\d)\s+and\s+a\s+half|\d[.,]5)\s+(?:days?|weeks?)"
    r"|an?\s+(?:day|week)\s+and\s+a\s+half|(?:\d|one|two|three|four)\s+(?:days?|weeks?)\s+and\s+a\s+half)\b"
    r"(?!\s+(?:later|after|before|ago|prior|post|into|of\s+(?:admission|hospitali[sz]ation|treatment|therapy))\b)",
    re.IGNORECASE)
_WEEK_OF_ILLNESS = compile_fast(
    r"\b(?:in|during|at|on|within)\s+(?:the\s+)?(?:first|second|third|fourth|1st|2nd|3rd|4th)\s+week\s+of\s+"
    r"(?:(?:the|his|her|their)\s+)?(?:illness|disease|symptoms?|infection|COVID(?:-19)?)\b",
    re.IGNORECASE)


#: An onset told as a time before a test or a diagnosis, with no day of its own ("developed fever and cough 3 days
#: before a positive swab", "symptoms began two days before he was tested"): the onset's day is the test's, which
#: the admission's is not (``onset_told_not_a_day``; a dated test is ``onset_before_dated_event``'s).
_ONSET_BEFORE_TEST = compile_fast(
    rf"\b(?:began|begun|started|appeared|developed|became\s+(?:symptomatic|ill|unwell)|fell\s+ill|onset)\b"
    rf"[^.;]{{0,60}}?\b{NUMBER_LIKE}\s+(?:{UNIT})\s+(?:before|prior\s+to)\s+"
    r"(?:(?:she|he|the\s+patient)\s+(?:was\s+)?(?:swabbed|tested|diagnosed)|(?:(?:the|his|her|a)\s+)?"
    r"(?:(?:first|positive|nasopharyngeal)\s+)*(?:swab|test|PCR|RT-PCR|diagnosis))\b",
    re.IGNORECASE)


def onset_told_not_a_day(history: str) -> str | None:
    """The words of a symptom's span or start the history tells without one day (``_ONSET_NOT_A_DAY``,
    ``_ONSET_NO_COUNT``), a symptom in its sentence before it and about the patient, or the illness's week by its
    rank (``_WEEK_OF_ILLNESS``, about the patient); None when there is none. Read only when no onset is read at all
    (``_anchor``'s last resort before the hospitalisation)."""
    for pattern in (_ONSET_NOT_A_DAY, _ONSET_NO_COUNT):
        for m in pattern.finditer(history):
            s_start, _ = sentence_at(history, m.start())
            if SYMPTOM_WORDS.search(history, s_start, m.start()) and not about_other_person(history, m.start(),
                                                                                           m.end()):
                return m.group(0)
    for m in _WEEK_OF_ILLNESS.finditer(history):
        # (the arrival placed in that week: "hospitalised in the second week of her illness"; not "deteriorated in
        # the second week of his illness", which tells no day of the admission)
        c_start, _ = clause_at(history, m.start())
        if _ADMISSION_CUES.search(history, c_start, m.start()) and not _CARE_UNIT.search(history, c_start, m.start()) \
                and not about_other_person(history, m.start(), m.end()):
            return m.group(0)
    for m in _RANGE_HISTORY.finditer(history):
        if _OF_SYMPTOMS_AFTER.match(history, m.end()) and not about_other_person(history, m.start(), m.end()):
            return m.group(0)
    for m in _ONSET_BEFORE_TEST.finditer(history):
        s_start, s_end = sentence_at(history, m.start())
        if SYMPTOM_WORDS.search(history, s_start, s_end) and not about_other_person(history, m.start(), m.end()):
            return m.group(0)  # "developed fever 3 days before a positive swab": the swab's day is not told
    return _onset_in_hours_or_a_month_s_week(history)


#: A symptom's span in hours that make no whole day ("36-hour history of fever", "fever for 30 hours", "60 hours of
#: cough": day 1 or 2, not told; whole days and under a day are ``time_words``' hours histories), or the onset placed
#: in a week of a month by its rank ("developed fever in the second week of March"): an onset told, no one day.
_HOURS_NOT_A_DAY = compile_fast(
    r"\b(?P<h>\d{1,3})[- ]hours?[’']?[- ](?:history|duration)\b"
    r"|\b(?:for|over|since)\s+(?:the\s+(?:last|past|previous|preceding)\s+|about\s+)?(?P<h2>\d{1,3})\s*(?:hours?|hrs?)\b"
    r"(?!\s+(?:later|after|before|ago|prior)\b)"
    r"|\b(?P<h3>\d{1,3})[- ](?:hours?|hrs?)\s+of\s+", re.IGNORECASE)
_WEEK_OF_MONTH = compile_fast(
    r"\b(?:in|during)\s+the\s+(?:first|second|third|fourth|last|1st|2nd|3rd|4th)\s+week\s+of\s+"
    rf"(?:{MONTH_NAMES})\b", re.IGNORECASE)
#: The illness itself named as the patient's in a part of a month ("was treated at home for COVID-19 in mid-March",
#: "had COVID-19 pneumonia in early April"): its onset told, no day (as ``_ONSET_NOT_A_DAY``'s symptoms).
_ILLNESS_IN_PART_OF_MONTH = compile_fast(
    r"\b(?:treated|diagnosed|had|ill|infected|recovered)\b[^.;]{0,40}?\b(?:COVID(?:-19)?|SARS-CoV-2)\b[^.;]{0,30}?"
    r"\b(?:in|since|from)\s+(?:the\s+)?(?:mid|early|late|(?:middle|beginning|start|end)\s+of)[- ]?"
    rf"(?:{MONTH_NAMES})\b", re.IGNORECASE)


def _onset_in_hours_or_a_month_s_week(history: str) -> str | None:
    """``onset_told_not_a_day``'s other words: a span in hours of no whole day or an onset in a month's week by its
    rank (``_HOURS_NOT_A_DAY``, ``_WEEK_OF_MONTH``), a symptom in its sentence, about the patient; the patient's
    illness named in a part of a month (``_ILLNESS_IN_PART_OF_MONTH``)."""
    for m in chain(_HOURS_NOT_A_DAY.finditer(history), _WEEK_OF_MONTH.finditer(history)):
        hours = m.groupdict().get("h") or m.groupdict().get("h2") or m.groupdict().get("h3")
        if hours is not None and (int(hours) < 24 or int(hours) % 24 == 0):
            continue
        c_start = clause_at(history, m.start())[0]
        if m.groupdict().get("h2") and not SYMPTOM_WORDS.search(history, c_start, m.start()):
            continue  # "required high-flow oxygen for 36 hours": a treatment's hours, no symptom's span
        if hours is None and (not _ONSET_CUES.search(history, c_start, m.start())
                              or _ADMISSION_CUES.search(history, c_start, m.start())):
            continue  # "admitted in the second week of March with fever": the admission's week, no onset's
        if SYMPTOM_WORDS.search(history, *sentence_at(history, m.start())) \
                and not about_other_person(history, m.start(), m.end()):
            return m.group(0)
    m = _ILLNESS_IN_PART_OF_MONTH.search(history)
    if m is None or _ADMISSION_CUES.search(history, sentence_at(history, m.start())[0], m.end()):
        return None  # "admitted and diagnosed with COVID-19 in early April": the admission's time
    return m.group(0) if not about_other_person(history, m.start(), m.end()) else None


#: A symptom's start told by a weekday: "fever since Sunday", "febbre da domenica", "dal lunedì"; or by the
#: weekend ("since the weekend", "dal fine settimana"), its days as undated.
_WEEKDAY_SINCE = compile_fast(
    r"\b(?:since|from)\s+(?:last\s+)?(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b"
    r"|\b(?:since|from)\s+(?:the\s+|last\s+|this\s+past\s+)?week-?end\b"
    r"|\b(?:da|dal|dalla)\s+(?:scors[oa]\s+)?(?:luned[iì]|marted[iì]|mercoled[iì]|gioved[iì]|venerd[iì]|sabato|domenica)\b"
    r"|\bdal(?:lo)?\s+(?:scorso\s+)?(?:fine\s+settimana|week-?end)\b",
    re.IGNORECASE)


#: A weekday told without "on" before a part of its day, as American English writes it ("were first noticed Saturday
#: night", "Presented Thursday evening to the emergency department"): the lookahead lets the weekday's own group match.
_WEEKDAY_PART_OF_DAY = rf"(?=(?:{_WEEKDAY_NAMES})\s+(?:morning|afternoon|evening|night)\b)"


#: A symptom's start told "on" its weekday ("became unwell on Thursday", "fever and cough on Monday", "Myalgia and
#: headache were first noticed Saturday night"); "since" / "from" are ``_WEEKDAY_SINCE``'s.
_WEEKDAY_ONSET_ON = compile_fast(
    r"\b(?:unwell|ill|sick|symptomatic|symptoms?|fevers?|febrile|pyrexi\w*|cough\w*|coryza\w*|breathless\w*|"
    rf"myalgias?|headaches?|malaise|sore\s+throat)\b[^.;]{{0,60}}?"
    rf"\b(?:on\s+(?:(?:the|last)\s+)?|{_WEEKDAY_PART_OF_DAY})(?P<wd>{_WEEKDAY_NAMES})\b"
    r"(?!\s*\d)", re.IGNORECASE)


def _weekday_onset(history: str) -> str | None:
    """The words of a symptom's start told by a weekday in the history, or None; also one told "On Thursday evening
    he developed fever" that no date of the history places (``_ON_WEEKDAY_ONSET``)."""
    for m in _WEEKDAY_SINCE.finditer(history):
        s_start, s_end = sentence_at(history, m.start())
        if SYMPTOM_WORDS.search(history, s_start, s_end) and not about_other_person(history, m.start(), m.end()):
            return m.group(0)
    for m in _ON_WEEKDAY_ONSET.finditer(history):
        if (SYMPTOM_WORDS.search(history, m.end(), sentence_at(history, m.start())[1])
                and not about_other_person(history, m.start(), m.end())
                and not any(s <= m.start("wd") < e for s, e, _ in dates_in(history))):
            return m.group(0)
    return None


#: A symptom's start told by its weekday opening the sentence: "On Thursday evening he developed fever", "On Monday,
#: she had a dry cough" (``_weekday_onset``: undated, the illness began on a day the history does not place).
_ON_WEEKDAY_ONSET = compile_fast(
    rf"\bon\s+(?:the\s+)?(?P<wd>{_WEEKDAY_NAMES})\b(?:\s+(?:morning|afternoon|evening|night))?,?\s+"
    r"(?:he|she|they|the\s+patient)\s+(?:developed|had|began|started|noticed|complained|became|felt|experienced)\b",
    re.IGNORECASE)


#: The presentation told by its weekday ("Presented on Thursday with worsening shortness of breath", "admitted on
#: a Friday", "Accede in PS giovedì"): with a symptom's start told by a weekday (``_WEEKDAY_SINCE``) the two give the
#: days between them.
_PRESENTED_ON_WEEKDAY = compile_fast(
    r"\b(?:presented|presents|admitted|attended|came|arrived|brought|referred|hospitali[sz]ed)\b[^.;]{0,40}?"
    rf"\b(?:on\s+(?:a\s+)?|{_WEEKDAY_PART_OF_DAY})(?P<day>{'|'.join(_WEEKDAYS)})\b"
    r"|\b(?:accede|giunge|arriva|si\s+presenta|[eè]\s+ricoverat[oa]|viene\s+ricoverat[oa])\b[^.;]{0,40}?"
    r"\b(?:di\s+|il\s+)?(?P<giorno>(?:luned|marted|mercoled|gioved|venerd)[iì]|sabato|domenica)\b",
    re.IGNORECASE)
_WEEKDAY_IN = compile_fast(
    rf"(?P<day>{'|'.join(_WEEKDAYS)})|(?P<giorno>(?:luned|marted|mercoled|gioved|venerd)[iì]|sabato|domenica)"
    r"|(?P<weekend>week-?end|fine\s+settimana)",
    re.IGNORECASE)


def _weekday_number(m: re.Match[str]) -> int | None:
    if m.group("day"):
        return _WEEKDAYS.index(m.group("day").lower())
    if m.group("giorno"):
        return next(k for k, name in enumerate(_ITALIAN_WEEKDAYS) if m.group("giorno").lower().startswith(name))
    return None


def weekday_onset_gap(history: str) -> tuple[int, str] | None:
    """The days from the symptoms' start to the presentation when the history tells both by their weekdays
    ("Fever and myalgia from Saturday, dry cough and breathlessness from Monday. Presented on Thursday": 5, the
    first symptom's; "became unwell on Thursday ... came to the emergency department on Monday": 4), or None: no
    presentation's weekday or several, a start told by the weekend (Saturday or Sunday?), or on the presentation's
    weekday (that day or a week before?), either about another person."""
    starts = [(m, _weekday_number(_WEEKDAY_IN.search(m.group(0)))) for m in _WEEKDAY_SINCE.finditer(history)
              if SYMPTOM_WORDS.search(history, *sentence_at(history, m.start()))]
    starts += [(m, _WEEKDAYS.index(m.group("wd").lower())) for m in _WEEKDAY_ONSET_ON.finditer(history)]
    starts = [(m, day) for m, day in starts if not about_other_person(history, m.start(), m.end())]
    if not starts:
        return None
    first_end = min(m.end() for m, _ in starts)
    presented = {(_weekday_number(m), m.group(0)) for m in _PRESENTED_ON_WEEKDAY.finditer(history)
                 if not about_other_person(history, m.start(), m.end())}
    # (a weekday in a sentence of the arrival after the onset's: "On Monday she came to the emergency department")
    presented |= {(_WEEKDAYS.index(m.group("wd").lower()), m.group(0))
                  for m in _ON_WEEKDAY.finditer(history, first_end)
                  if _ADMISSION_CUES.search(history, *sentence_at(history, m.start()))
                  and not any(s.start() <= m.start() < s.end() for s, _ in starts)
                  and not about_other_person(history, m.start(), m.end())}
    if len({day for day, _ in presented}) != 1:
        return None
    day, presented_words = min(presented, key=lambda told: history.find(told[1]))
    if any(start is None or start == day for _, start in starts):
        return None
    days, words = max(((day - start) % 7, m.group(0)) for m, start in starts)
    return days, f"{words}{EVIDENCE_JOIN}{presented_words}"


#: Rules whose offset counts from a moment its evidence names, not from the axis's anchor.
_OWN_BASE_RULES = frozenset({"timeline.since-onset", "timeline.first-visit", _EPISODE_RULE})


def _image_offset(timeline: Timeline, position: int, moment: Moment | None, day: int | None, rule: str,
                  reason: str) -> ImageOffset:
    if day is None:
        return ImageOffset(position, None, moment.evidence if moment else "", rule or "timeline", reason)
    spans = [timeline.anchor_evidence] if timeline.anchor_evidence and rule not in _OWN_BASE_RULES else []
    if moment is not None and moment.where != "case":
        spans.append(moment.evidence)
    return ImageOffset(position, day, EVIDENCE_JOIN.join(spans), rule)


@dataclass(frozen=True)
class _Dates:
    onset: date | None
    admission: date | None
    #: When the history discharges the patient ("discharged 15 days after admission", "on 2 April").
    discharge: Moment | None = None
    #: When the history readmits the patient, counted from the discharge ("readmitted 4 days later").
    readmission: Moment | None = None
    #: The texts send the patient home from a first visit and tell a return ("viene dimesso a domicilio ...
    #: Dopo 4 giorni ... torna in PS ... viene ricoverato"): a day "of the stay" may count from either visit.
    sent_home_and_back: bool = False
    #: The history's intervals after discharge, admission or onset in its sentences about a film or a
    #: follow-up visit ("Two weeks after discharge she was seen in the clinic; the radiograph ..."),
    #: which a caption's "at 2-week follow-up" may be.
    follow_ups: tuple[Moment, ...] = ()
    #: (event, its moment) of each event of ``EVENTS`` the history gives one day ("intubated on illness day 13").
    events: tuple[tuple[str, Moment], ...] = ()
    #: The onset told as a day after an operation ("On postoperative day 4, she developed a fever"): the
    #: films of that count ("on postoperative day 6") are that many days after it.
    operation_onset: Moment | None = None
    #: The weekday the history admits the patient on (Monday 0): "He was admitted on a Friday".
    admission_weekday: int | None = None
    #: (kind, days, date ordinal) of each interval the history dates right after it ("three months after discharge,
    #: on 16 July"): a caption's same interval is that day.
    dated_intervals: tuple[tuple[str, int, int], ...] = ()
    #: The first visit's day when the history tells a return after it (``first_visit_moment``).
    first_visit: Moment | None = None
    #: The history admits the patient straight to intensive care ("admitted directly to the intensive care
    #: unit"): the unit's days are the stay's ("AP supine chest radiograph on ICU day 2" is hospital day 2).
    straight_to_icu: bool = False
    #: The one day the history moves the patient to intensive care later in the stay ("on March 30 she was
    #: transferred to the intensive care unit"): the unit's day N is N days after it, as a stay's "hospital day N".
    icu_admission: Moment | None = None
    #: The history tells the patient's return after every discharge it tells ("discharged on March 27. Twelve days
    #: later he was readmitted"): the discharge told is the first stay's (``_discharge_is_the_first``).
    discharge_before_return: bool = False
    #: The onsets of the history's earlier episodes of the illness (a reinfection's first episode, ``_episodes``):
    #: a film dated before ``onset`` counts from the last of them before it.
    earlier_onsets: tuple[tuple[date, str], ...] = ()
    #: The history moves the patient to intensive care after the admission (``moved_to_icu_later``).
    moved_to_icu: bool = False


#: The patient moved to intensive care: "transferred to the intensive care unit", "was admitted to the ICU", "moved
#: to ITU" (not a neonatal or another unit named between: "admitted to the neonatal intensive care unit").
_MOVED_TO_ICU = compile_fast(
    r"\b(?:transferred|moved|admitted|taken|shifted|transfer|admission)\s+(?:\w+\s+){0,2}?(?:to|in|into)\s+"
    r"(?:the\s+|our\s+)?(?:ICU|ITU|intensive\s+(?:care|therapy)|critical\s+care)\b", re.IGNORECASE)


def icu_admission_moment(history: str, day_first: bool = False) -> Moment | None:
    """The one moment the history's sentences moving the patient (not another person) to intensive care give it
    ("so on March 30 she was transferred to the intensive care unit (ICU)", "On hospital day 4 he was admitted to the
    ICU"); None when they give none or several, or the sentence is about a film."""
    if not has_any(text_context(history).lower, ("icu", "itu", "intensive", "critical care")):
        return None
    found: set[Moment] = set()
    for m in _MOVED_TO_ICU.finditer(history):
        start, end = sentence_at(history, m.start())
        if about_other_person(history, m.start(), m.end()):
            continue
        if IMAGE_WORDS.search(history, start, end):
            start, end = clause_at(history, m.start())
            if IMAGE_WORDS.search(history, start, end):
                continue
        found.update(_told_days(history, m, start, end, day_first))
    return _the_one(found)


#: The verbs of a move from a ward ("transferred", "moved", "shifted"), not of an admission that may be the first.
_MOVE_VERB = compile_fast(r"\A(?:transferred|moved|shifted|transfer)\b", re.IGNORECASE)
#: Another hospital the patient comes from ("transferred from the district hospital to our ICU"): the arrival here.
_FROM_ELSEWHERE = compile_fast(r"\bfrom\b", re.IGNORECASE)


def moved_to_icu_later(history: str) -> bool:
    """True when the history moves the patient (not another person) to intensive care after the admission: "He was
    transferred to the ICU on the second day", "was later admitted to the intensive care unit"; not an admission that
    may be the first ("He was admitted to the ICU"), nor a transfer from another hospital ("transferred from the
    district hospital to our ICU": the arrival here)."""
    if not has_any(text_context(history).lower, ("icu", "itu", "intensive", "critical care")):
        return False
    for m in _MOVED_TO_ICU.finditer(history):
        start, end = sentence_at(history, m.start())
        if about_other_person(history, m.start(), m.end()) or _FROM_ELSEWHERE.search(history, start, end):
            continue
        if _MOVE_VERB.match(m.group(0)) or _LATER_IN_STAY.search(history, start, end):
            return True
    return False


_DISCHARGED = compile_fast(r"\b(?:discharged|dimess[oa])\b", re.IGNORECASE)
_DISCHARGE_KINDS = frozenset({SINCE_ADMISSION, HOSPITAL_DAY, SINCE_ONSET, DATED, SINCE_OPERATION})
#: A symptom's start in a sentence ("she developed a fever", "fever began"): with a day after an operation,
#: the onset on that count.
_ONSET_VERB = compile_fast(r"\b(?:developed|develop|began|begun|started|onset|spiked|new)\b", re.IGNORECASE)


#: An admission told as straight to intensive care: "admitted directly to the intensive care unit", "taken straight
#: to ITU" (a presentation's words: the unit's first day is the stay's).
_STRAIGHT_TO_ICU = compile_fast(
    r"\b(?:admitted|taken|brought)\s+(?:directly|straight)\s+(?:from\s+the\s+emergency\s+department\s+)?"
    r"(?:to|in|into)\s+(?:the\s+|our\s+)?(?:ICU|ITU|intensive\s+(?:care|therapy)|critical\s+care)\b", re.IGNORECASE)
#: Words of a sentence placing its admission later in the stay ("Two days later she was admitted directly to the
#: ICU", "on hospital day 3"): a transfer, however direct.
_LATER_IN_STAY = compile_fast(r"\b(?:later|subsequently|afterwards|following\s+day|next\s+day|ward)\b"
                              r"|\bday\s+\d|\bdays?\s+after\b", re.IGNORECASE)


def admitted_straight_to_icu(history: str) -> bool:
    """True when the history admits the patient (not another person) straight to intensive care, in a sentence
    telling no later moment of the stay."""
    for m in _STRAIGHT_TO_ICU.finditer(history):
        s_start, s_end = sentence_at(history, m.start())
        if not _LATER_IN_STAY.search(history, s_start, s_end) and not about_other_person(history, m.start(), m.end()):
            return True
    return False


def _first_not_none(*values: int | None) -> int | None:
    return next((v for v in values if v is not None), None)


def admission_weekday(history: str) -> int | None:
    """The weekday the history admits the patient on (Monday 0), when it tells one: "He was admitted on a
    Friday with ..."; None for none or several."""
    if not text_context(history).words & _WEEKDAY_WORDS:
        return None
    days = {_WEEKDAYS.index(m.group("day").lower()) for m in _ADMITTED_ON_WEEKDAY.finditer(history)
            if not about_other_person(history, m.start(), m.end())}
    return days.pop() if len(days) == 1 else None


#: The patient admitted before any symptom: "visited a screening clinic without symptoms", "was asymptomatic on
#: admission", "admitted for isolation with no symptoms" (a contact, a positive screening).
_ADMITTED_WITHOUT_SYMPTOMS = compile_fast(
    r"\b(?:without\s+(?:any\s+)?symptoms|asymptomatic|(?:had|with|reported)\s+no\s+symptoms)\b", re.IGNORECASE)
#: A verb telling the symptoms' start in the sentence of a hospital day: "On hospital day 3, fever and cough
#: developed", "On the second day of hospitalisation she developed a fever", "fever appeared on day 4 of admission".
_IN_STAY_ONSET_VERB = compile_fast(r"\b(?:developed|began|started|appeared|occurred|emerged|spiked)\b", re.IGNORECASE)


def onset_during_stay(history: str) -> tuple[int, str] | None:
    """(the admission's day counted from the onset, negative; evidence) when the history admits the patient without
    symptoms (``_ADMITTED_WITHOUT_SYMPTOMS``, a sentence before) and tells the first symptoms on a day of the stay
    ("He was admitted on the same day. On hospital day 3, fever (38.1 °C) and cough developed": -3); None when a
    symptom is told anywhere before that day ("admitted with fever; she had been asymptomatic until ..."), the day
    is not one, or the words are another person's."""
    if not _ADMITTED_WITHOUT_SYMPTOMS.search(history):
        return None
    found = set()
    for start, moment in _text_moments(history, "history"):
        if moment.kind not in (HOSPITAL_DAY, SINCE_ADMISSION) or not moment.days or moment.days < 0:
            continue
        s_start, s_end = sentence_at(history, start)
        quiet = _ADMITTED_WITHOUT_SYMPTOMS.search(history, 0, s_start)
        if (quiet is None or SYMPTOM_WORDS.search(history, 0, quiet.start())
                or SYMPTOM_WORDS.search(history, quiet.end(), s_start)
                or about_other_person(history, quiet.start(), quiet.end())
                or not _IN_STAY_ONSET_VERB.search(history, s_start, s_end)
                or not SYMPTOM_WORDS.search(history, s_start, s_end)
                or IMAGE_WORDS.search(history, s_start, s_end) or about_other_person(history, start, start + 1)):
            continue
        found.add((-moment.days, f"{quiet.group(0)}{EVIDENCE_JOIN}{moment.evidence}"))
    return found.pop() if len({d for d, _ in found}) == 1 and len(found) == 1 else None


def operation_onset(history: str) -> Moment | None:
    """The onset of symptoms the history tells as a day after an operation ("On postoperative day 4, she
    developed a fever and a dry cough"): the one such day, or None."""
    found = set()
    for start, moment in _text_moments(history, "history"):
        if moment.kind != SINCE_OPERATION:
            continue
        s_start, s_end = sentence_at(history, start)
        c_start, c_end = clause_at(history, start)
        if (_ONSET_VERB.search(history, s_start, s_end) and SYMPTOM_WORDS.search(history, s_start, s_end)
                and not IMAGE_WORDS.search(history, c_start, c_end)
                and not about_other_person(history, start, start + 1)):
            found.add(moment)
    return _the_one(found)


def _discharge_sentence(text: str, start: int) -> bool:
    """True when the sentence at ``start`` discharges the patient and names no image."""
    s_start, s_end = sentence_at(text, start)
    return bool(_DISCHARGED.search(text, s_start, s_end)) and not IMAGE_WORDS.search(text, s_start, s_end)


def discharge_moment(history: str, day_first: bool = False, stay_length: bool = True) -> Moment | None:
    """The one moment the history's sentences discharging the patient give ("She was discharged 15
    days after admission", "discharged home on hospital day 12", "He was discharged on 2 April
    2020"), else a stay told by its length when ``stay_length`` ("hospitalised for 12 days"); None when they
    give none or several."""
    found = set()
    for m in (_DISCHARGED.finditer(history) if has_any(text_context(history).lower, ("discharged", "dimess")) else ()):
        start, end = sentence_at(history, m.start())
        sentence = history[start:end]
        if about_other_person(history, m.start(), m.end()) and not only_companions(history, m.start()):
            continue
        told = _told_days(history, m, start, end, day_first)
        found.update(told or _illness_day_of_discharge(history, m, end))
        after = _discharged_after(sentence)
        if after is not None:
            found.add(after)
    found.update(_at_discharge_days(history))
    found = _date_beside_stay_day(history, found)
    return _the_one(found) if found or not stay_length else _stay_length(history)


def _date_beside_stay_day(history: str, found: set[Moment]) -> set[Moment]:
    """The discharge's date alone when the history tells it beside the hospital day it fell on ("discharged on HD
    15 (March 11, 2020)", "on March 11 (hospital day 15)"): one day told twice, and the date says it whichever day
    the paper's count starts on (the admission its day 1 or its day 0); else ``found``."""
    dated = [m for m in found if m.kind == DATED]
    counted = [m for m in found if m.kind != DATED]
    if len({m.days for m in dated}) != 1 or not counted or {(m.kind, m.days) for m in counted} != {
            (HOSPITAL_DAY, counted[0].days)}:
        return found
    for day in {m.evidence for m in dated}:
        for count in {m.evidence for m in counted}:
            if (re.search(rf"{re.escape(count)}\s*[,(]\s*(?:on\s+)?{re.escape(day)}", history)
                    or re.search(rf"{re.escape(day)}\s*[,(]\s*(?:on\s+)?(?:the\s+)?{re.escape(count)}", history)):
                return set(dated)
    return found


def _illness_day_of_discharge(history: str, m: re.Match[str], end: int) -> set[Moment]:
    """The discharge's bare day ("she could be discharged at day 22") in a history counting the illness's days
    ("admitted ... at day 8 of symptoms", "at day 15 after symptoms onset") and never the stay's: that count's day,
    as ``_labels_count_illness`` reads a bare day of such a case's films; none in a history counting the stay's days
    too, or none."""
    stop = _PHRASE_END.search(history, m.end(), end)
    bare = [x for _, x in _text_moments(history[m.start():stop.start() if stop else end], "history")
            if x.kind == LABEL]
    if len({x.days for x in bare}) != 1 or _STAY_DAY.search(history) or not _counts_illness_days(history):
        return set()
    return {Moment(SINCE_ONSET, bare[0].days, bare[0].evidence, "history")}


# A hospital stay told only by its length: "Ricoverato in reparto COVID per 10 giorni", "hospitalised for 12 days",
# "after a 10-day hospital stay", "a hospital stay of 2 weeks", "degenza di 18 giorni": the discharge that many days
# after the admission. Not a stay in intensive care ("in terapia intensiva per 5 giorni", "in the ICU for 6 days":
# not the hospital's), nor one going on ("has been hospitalised for 5 days"), nor a span of symptoms between.
_STAY_LENGTH = compile_fast(
    r"\b(?:ricoverat[oa]|degenza|hospitali[sz]ed|admitted|(?:stayed|remained)\s+in\s+(?:the\s+)?(?:hospital|ward))\b"
    r"(?P<gap>[^.;:,()]{0,40}?)"
    rf"\b(?:for|per|di)\s+(?:circa\s+|about\s+)?(?P<n>{NUMBER_LIKE})\s+(?P<unit>days?|weeks?|giorni|settimane)\b"
    r"(?!\s+(?:later|after|before|ago|prior|dopo|prima|fa\b|d[ae]l|dall|from|since|of|with|con|in\s+(?:terapia|ICU)))"
    rf"|\b(?:after|following|dopo)\s+(?:an?\s+|una\s+)?(?P<n2>{NUMBER_LIKE})[- ](?P<unit2>days?|weeks?)\s+"
    r"(?:hospital\s+stay|hospitali[sz]ation|admission|stay\s+in\s+hospital)\b"
    rf"|\b(?:hospital\s+stay|hospitali[sz]ation|length\s+of\s+stay)\s+(?:of|was|lasted)\s+(?P<n3>{NUMBER_LIKE})\s+"
    r"(?P<unit3>days?|weeks?)\b"
    # the length first: "24 days in hospital, of which 11 in ICU", "a 10-day hospital stay", "12 days of
    # hospitalisation"
    # (``_stay_length`` passes over a moment within the stay: "after 5 days in hospital she was intubated")
    rf"|\b(?P<n4>{NUMBER_LIKE})[- ](?P<unit4>days?|weeks?)\s+(?:in\s+(?:the\s+)?hospital|hospital\s+stay|"
    r"of\s+hospitali[sz]ation)\b(?!\s+(?:before|prior|earlier|ago|so\s+far|to\s+date|in\s+(?:19|20)\d\d)\b)",
    re.IGNORECASE)
#: A stay's length told in intensive care ("5 days in hospital in the ICU"): not the hospital's stay.
_IN_ICU = compile_fast(r"\s*,?\s*(?:in|on|at)\s+(?:the\s+|an?\s+)?(?:ICU|ITU|HDU|intensive)\b", re.IGNORECASE)
#: Words before a length of stay making it a moment within the stay ("after 5 days in hospital", "within 3 days of
#: hospitalisation", "on day 2 ...") or a stay going on ("has spent 5 days in hospital" is ``_NOT_THE_STAY``'s).
_WITHIN_THE_STAY = compile_fast(r"\b(?:after|following|within|by|over|during|in|on|at|first|last|until)\s+"
                                r"(?:the\s+)?(?:first\s+|last\s+)?$|\b(?:has|have)\s+(?:now\s+)?(?:spent|had)\b",
                                re.IGNORECASE)
#: What makes a stay's words not the hospital's stay, or not a finished one.
_NOT_THE_STAY = compile_fast(
    r"\b(?:ICU|ITU|HDU|intensive|intensiva|rianimazione|sub-?intensiva|rehabilitation|riabilitazione|quarantine|"
    r"isolation|isolamento|has\s+been|have\s+been|is\s+being|currently|still|già|previously|precedentemente|"
    r"in\s+(?:19|20)\d\d)\b", re.IGNORECASE)


def _stay_length(history: str) -> Moment | None:
    """The discharge of a history telling the hospital stay only by its length ("Ricoverato in reparto COVID per
    10 giorni": 10 days after the admission); None when it tells none, or several, or the stay is another's, in
    intensive care, earlier or still going on."""
    if not has_any(text_context(history).lower, ("ricover", "degenza", "hospital", "admitted", "stay")):
        return None
    found = set()
    for m in _STAY_LENGTH.finditer(history):
        i = next(i for i in ("", "2", "3", "4") if m.group("n" + i))
        n, unit = m.group("n" + i), m.group("unit" + i)
        c_start, c_end = clause_at(history, m.start())
        if i == "4":
            if (_WITHIN_THE_STAY.search(history, max(c_start, m.start() - 30), m.start())
                    or _IN_ICU.match(history, m.end())):
                continue
            # the length first, then a part of it told ("24 days in hospital, of which 11 in ICU"): the stay is the
            # hospital's; the clause up to it decides
            c_end = m.end()
        if (not is_amount(n) or _NOT_THE_STAY.search(history, c_start, c_end)
                or (m.group("gap") and SYMPTOM_WORDS.search(m.group("gap")))
                or about_other_person(history, m.start(), m.end())):
            continue
        amount = amount_in_days(n, unit)
        if amount is not None:
            found.add(Moment(SINCE_ADMISSION, amount, m.group(0), "history"))
    found.update(_stayed_days(history))
    return _the_one(found)


# A ward stay told by its length without "for", as non-native authors write it: "He was admitted in the Infectious
# Diseases ward, where he stayed 13 days", "she remained hospitalized 9 days", "permaneceu internado" turned into
# "stayed hospitalized 2 weeks". Only in a sentence that names the hospital or the ward (a patient "stayed 5 days at
# home" before the admission is no stay), and not one in intensive care or going on (``_NOT_THE_STAY``, read up to
# the length: "where he stayed 13 days, without need of intensive care" is the ward's).
_STAYED_DAYS = compile_fast(
    r"\b(?:stayed|remained)\s+(?:hospitali[sz]ed\s+|admitted\s+|(?:in\s+)?(?:the\s+)?(?:hospital|ward)\s+)?"
    rf"(?P<n>{NUMBER_LIKE})\s+(?P<unit>days?|weeks?)\b"
    r"(?!\s+(?:later|after|before|ago|prior|at\s+home|home|in\s+(?:home|isolation|quarantine|self)|from|since|of\b))",
    re.IGNORECASE)
_HOSPITAL_WORDS = compile_fast(r"\b(?:hospital\w*|ward|admitted|admission|inpatient)\b", re.IGNORECASE)


def _stayed_days(history: str) -> set[Moment]:
    """The discharges ``_STAYED_DAYS`` tells: that many days after the admission."""
    found: set[Moment] = set()
    if not has_any(text_context(history).lower, ("stayed", "remained")):
        return found
    for m in _STAYED_DAYS.finditer(history):
        s_start, s_end = sentence_at(history, m.start())
        c_start, _ = clause_at(history, m.start())
        amount = amount_in_days(m.group("n"), m.group("unit")) if is_amount(m.group("n")) else None
        if (amount is None or not _HOSPITAL_WORDS.search(history, s_start, s_end)
                or _NOT_THE_STAY.search(history, c_start, m.end()) or _IN_ICU.match(history, m.end())
                or about_other_person(history, m.start(), m.end())):
            continue
        found.add(Moment(SINCE_ADMISSION, amount, m.group(0), "history"))
    return found


#: What may stand between a film's "at discharge" (``_AT_DISCHARGE``) and the day told right after it: a
#: comma or a bracket and "on (the)" ("taken at discharge, on the 17th day of hospitalization").
_DAY_RIGHT_AFTER = re.compile(r"\A[\s,(\u2013\u2014-]*(?:on\s+)?(?:the\s+)?", re.IGNORECASE)


def _at_discharge_days(history: str) -> set[Moment]:
    """The days "at discharge" is told with right after its words: "The PA chest radiograph taken at
    discharge, on the 17th day of hospitalization, ..." and "at the time of discharge (hospital day 12)"
    discharge the patient on day 17 / 12 of the stay. Only a day right after them: "at discharge,
    compared with the CT on day 5" dates the CT, not the discharge."""
    found: set[Moment] = set()
    if "discharge" not in text_context(history).lower:
        return found
    for m in _AT_DISCHARGE.finditer(history):
        if about_other_person(history, m.start(), m.end()):
            continue
        _, end = sentence_at(history, m.start())
        rest = history[m.end():end]
        told = _text_moments(rest, "history")
        if told and _DAY_RIGHT_AFTER.fullmatch(rest, 0, told[0][0]) and told[0][1].kind in _DISCHARGE_KINDS:
            found.add(told[0][1])
    return found


#: Where an event's own phrase ends: "discharged home on hospital day 11" of "was weaned from oxygen on
#: hospital day 9, and was discharged home on hospital day 11".
_PHRASE_END = compile_fast(r"[,;:]")


def _told_days(history: str, m: re.Match[str], start: int, end: int, day_first: bool,
               labels: bool = False, own_phrase: bool = False) -> set[Moment]:
    """The moments the history's words from ``start`` to ``end`` (the sentence or clause telling the event
    ``m`` names) date it with; when they tell several days, or always with ``own_phrase``, the days of the
    event's own phrase (from its word to the next comma): "She was weaned from oxygen on hospital day 9, and
    was discharged home on hospital day 11" discharges her on day 11; ``labels``: a bare day label ("on D16")
    dates it too."""
    stop = _PHRASE_END.search(history, m.end(), end)
    phrase = history[m.start():stop.start() if stop else end]
    if not own_phrase:
        found = _event_days(history[start:end], day_first, labels)
        if len({(x.kind, x.days) for x in found}) > 1:
            return _event_days(phrase, day_first, labels)
        if found and _dated_otherwise(phrase, found, day_first):
            # "admitted on day 6 of symptoms, discharged on day 14": the sentence's one day is the other event's
            return set()
        return found
    return _event_days(phrase, day_first, labels)


def _dated_otherwise(phrase: str, found: set[Moment], day_first: bool) -> bool:
    """True when the event's own phrase tells a day of its own (a bare label read or not) that is none of ``found``
    (the phrase ends at a comma: "discharged on January 15" is the sentence's "January 15, 2021")."""
    own = _event_days(phrase, day_first, labels=True)
    return bool(own) and not any((x.kind, x.days) == (y.kind, y.days) or x.evidence in y.evidence
                                 for x in own for y in found)


def _event_days(sentence: str, day_first: bool, labels: bool = False) -> set[Moment]:
    """The moments a history's sentence telling an event of the stay dates it with: a day of the stay
    or of the illness, a time after the admission or the onset, a date; and a bare day label ("on D16",
    placed as the case's films' labels are) when ``labels``."""
    found = {x for _, x in _text_moments(sentence, "history")
             if x.kind in _DISCHARGE_KINDS or (labels and x.kind == LABEL)}
    found.update(_dated_moments(sentence, "history", day_first, False))
    return found


def _the_one(found: set[Moment]) -> Moment | None:
    """The moment of ``found`` when they all tell one day on one base; None for none or several."""
    days = {(x.kind, x.days) for x in found}
    return next(iter(found)) if len(days) == 1 else None


# "discharged after 12 days", "discharged home after 21 days in hospital", Italian "dimesso dopo 18 giorni di
# degenza", "dimessa a domicilio dopo 2 settimane": N days after the admission (not "dopo 10 giorni dall'esordio").
_DISCHARGED_AFTER = compile_fast(
    rf"\bdischarged\s+(?:home\s+)?after\s+(?P<n>{NUMBER_LIKE})\s+(?P<unit>days?|weeks?)\b"
    r"(?!\s+(?:of|from|since)\s+(?:the\s+)?(?:onset|symptoms?|illness))"
    rf"|\bdimess[oa]\s+(?:a\s+domicilio\s+)?dopo\s+(?P<n_it>{NUMBER_LIKE})\s+(?P<unit_it>giorni|settimane)\b"
    r"(?!\s+(?:dal(?:l[’']\s?)?\s*|da\s+)(?:esordio|inizio|comparsa|sintomi|insorgenza))", re.IGNORECASE)
#: The patient coming back to the hospital; not a result "coming back" ("the PCR came back positive"), nor a
#: return home or to health ("returned home", "returned to normal").
_READMITTED = compile_fast(
    r"\b(?:re-?admitted|readmission|presented\s+again|came\s+back|returned|re-present(?:ed|s|ing)|re-?attend(?:ed|s))\b"
    r"(?!\s+(?:home|to\s+(?:normal|baseline|work|(?:his|her|their)\s+home)|(?:as\s+)?(?:positive|negative|normal|"
    r"abnormal|elevated|raised)))", re.IGNORECASE)


# A first visit that sends the patient home, then a return: "viene dimesso a domicilio ... torna in PS",
# "she was sent home in isolation. She returned 5 days later".
_SENT_HOME_AND_BACK = compile_fast(
    r"\b(?:dimess[oa]\s+a\s+domicilio|rinviat[oa]\s+a\s+domicilio|sent\s+home|discharged\s+home\s+from\s+the\s+"
    r"emergency)\b[^\n]{0,300}?(?:\n[^\n]{0,200}?)?\b(?:torna|ritorna|si\s+ripresenta|returned|came\s+back|presented\s+again|re-?admitted|"
    r"re-present(?:ed|s|ing)|re-?attend(?:ed|s))\b",
    re.IGNORECASE)


def _discharged_after(sentence: str) -> Moment | None:
    m = _DISCHARGED_AFTER.search(sentence)
    n, unit = (m.group("n") or m.group("n_it"), m.group("unit") or m.group("unit_it")) if m else (None, None)
    amount = amount_in_days(n, unit) if n and is_amount(n) else None
    return Moment(SINCE_ADMISSION, amount, m.group(0), "history") if amount is not None else None


def readmission_moment(history: str) -> Moment | None:
    """When the history readmits the patient, as a time after the discharge: "Three weeks after discharge
    he presented again" (21), "He was discharged after 12 days and readmitted 4 days later" (4); or as a
    day of the illness in the readmission's own clause: "On day 9 of illness she returned with dyspnoea"
    (9; a patient sent home from a first visit); None when its sentences give no such time, or several."""
    found = set()
    for m in (_READMITTED.finditer(history) if has_any(text_context(history).lower, (
            "readmi", "re-admi", "again", "back", "returned", "re-present", "attend")) else ()):
        start, end = sentence_at(history, m.start())
        sentence = history[start:end]
        if about_other_person(history, m.start(), m.end()):
            continue
        moments = [x for _, x in _text_moments(sentence, "history")]
        found.update(x for x in moments if x.kind == AFTER_DISCHARGE)
        c_start, c_end = clause_at(history, m.start())
        found.update(x for _, x in _text_moments(history[c_start:c_end], "history") if x.kind == SINCE_ONSET)
        if _DISCHARGED.search(sentence) or _discharged_just_before(history, start):
            # "discharged after 12 days and readmitted 4 days later", "He was discharged on March 27. Twelve days
            # later he was readmitted": the later time counts from the discharge
            found.update(Moment(AFTER_DISCHARGE, x.days, x.evidence, "history") for x in moments
                         if x.kind == AFTER_PREVIOUS and "later" in x.evidence.lower())
    days = {x.days for x in found}
    return next(iter(found)) if len(days) == 1 else None


#: The patient admitted again, in words that name nothing else ("readmitted", "re-hospitalized", "readmission"; not
#: "returned", "came back": a return from a trip, a result).
_READMITTED_WORD = compile_fast(r"\b(?:re-?admitted|readmission|re-?hospitali[sz](?:ed|ation))\b", re.IGNORECASE)


def dated_readmission(history: str, day_first: bool = False) -> Moment | None:
    """The date the history readmits the patient on, told in the readmission's clause ("He was readmitted on 2 April
    2020", "On 02/04/2020 she was readmitted with dyspnoea", slashed dates read day first where the source writes
    them so: ``day_first``); None when a readmission's clause tells no date or several, another person is readmitted,
    or the readmissions' clauses tell different dates."""
    found = set()
    for m in (_READMITTED_WORD.finditer(history) if has_any(text_context(history).lower, ("readmi", "re-admi",
                                                                                         "hospitali")) else ()):
        if about_other_person(history, m.start(), m.end()):
            continue
        c_start, c_end = clause_at(history, m.start())
        told = _dated_moments(history[c_start:c_end], "history", day_first, False)
        if len({x.days for x in told}) != 1:
            continue
        found.add(told[0])
    return next(iter(found)) if len({x.days for x in found}) == 1 else None


def _discharged_just_before(history: str, start: int) -> bool:
    """True when the sentence before the one at ``start`` discharges the patient (not another person) as its last
    event: "He improved gradually and was discharged on March 27." before "Twelve days later he was readmitted"."""
    if start < 2:
        return False
    p_start, p_end = sentence_at(history, start - 2)
    told = [m for m in _DISCHARGED.finditer(history, p_start, p_end)
            if not about_other_person(history, m.start(), m.end())]
    return bool(told) and not _READMITTED.search(history, told[-1].end(), p_end)


def first_visit_moment(history: str, readmission: Moment | None) -> Moment | None:
    """The day of the first visit of a history that tells the return as a day of the illness: the symptom span
    the history tells before it ("attended the emergency department with a 4-day history of fever ... discharged
    home ... On day 9 of illness she returned": 4); None when the return is told otherwise, or the span is not
    shorter than the return's day."""
    if readmission is None or readmission.kind != SINCE_ONSET:
        return None
    # (the spans the history tells before the return: "Re-presented to our ED on day 9 of her illness" is the
    # return's own day, no span of the first visit)
    found = _illness_history(_before_the_return(history))
    if found is None or found[0] >= readmission.days:
        return None
    return Moment(SINCE_ONSET, found[0], found[1].group(0), "history")


def _visit_unless_return(history: str, readmission: Moment | None) -> Moment | None:
    """``visit_before_admission`` of a history telling no return (a readmission's history dates its first visit
    by ``first_visit_moment``)."""
    return visit_before_admission(history) if readmission is None else None


def _before_the_return(history: str) -> str:
    """The history up to the sentence telling the patient's first return (``_READMITTED``), the whole history when
    it tells none."""
    for m in _READMITTED.finditer(history):
        if not about_other_person(history, m.start(), m.end()):
            return history[:sentence_at(history, m.start())[0]]
    return history


def first_visit_told_a_film(history: str) -> bool:
    """True when the history tells a film of the first visit, before its return ("Swabbed at the staff assessment
    centre and had a chest x-ray the same day, then was sent home. Re-presented ... on day 9 of her illness"):
    a study titled "Initial" is that visit's film, not the return's."""
    before = _before_the_return(history)
    return before != history and IMAGE_WORDS.search(before) is not None


#: Events of the stay a film's interval may count from ("3 days after intubation", "after 10 days of
#: treatment"), each as its word after the interval and as a history's sentence telling it happen: a
#: treatment's sentence must say it started ("Treatment with oxygen and dexamethasone was started on
#: admission"), not only name it ("discharged after treatment on day 12").
EVENTS = {
    "intubation": (compile_fast(r"^(?:re-?)?intubation$", re.IGNORECASE),
                   compile_fast(r"\b(?:re-?)?intubat(?:ed|ion)\b", re.IGNORECASE)),
    "extubation": (compile_fast(r"^extubation$", re.IGNORECASE),
                   compile_fast(r"\bextubat(?:ed|ion)\b", re.IGNORECASE)),
    # (the Italian "Dopo 4 giorni di terapia" and a start told in Italian, "inizia terapia con idrossiclorochina",
    # "viene avviata terapia con ...", "è stata iniziata la terapia"; not "terapia intensiva", the unit:
    # ``_INTENSIVE``)
    "treatment": (compile_fast(r"^(?:treatment|therapy|terapia|trattamento)$", re.IGNORECASE),
                  compile_fast(r"\b(?:treatment|therapy)\b[^.;]{0,80}?\b(?:was|were)\s+(?:started|initiated|commenced|"
                               r"begun)\b|"
                               # "she was started on hydroxychloroquine and azithromycin therapy"
                               r"\b(?:was|were)\s+(?:started|commenced|initiated|put)\s+on\s+(?:[\w/-]+,?\s+){0,4}?"
                               r"(?:treatment|therapy)\b|"
                               r"\b(?:inizia(?:no|va)?|avvia(?:no)?|intraprende)\s+(?:(?:la|una)\s+)?"
                               r"(?:terapia|trattamento)\b(?!\s+(?:intensiv|sub-?intensiv|semi-?intensiv))|"
                               r"\b(?:viene|vengono|veniva|venne|(?:è|e'|sono)\s+stat[aoei])\s+(?:iniziat|avviat|intrapres|"
                               r"impostat)[aoei]\s+(?:(?:la|una)\s+)?(?:terapia|trattamento)\b"
                               r"(?!\s+(?:intensiv|sub-?intensiv|semi-?intensiv))", re.IGNORECASE)),
    # a pregnant patient's delivery ("CTPA 2 days after the caesarean section", "3 days after delivery", the
    # history telling the "emergency caesarean section on the seventh day of hospitalization"); not "oxygen delivery"
    "delivery": (compile_fast(r"^(?:ca?esarean|delivery|childbirth)$", re.IGNORECASE),
                 compile_fast(r"\bca?esarean\s+(?:section|delivery)\b|\b(?:was|were)\s+delivered\s+by\b|"
                              r"\bg(?:ave|ives)\s+birth\b", re.IGNORECASE)),
    # a treatment's second dose ("three days after the second dose of tocilizumab"), the history telling "a second
    # dose was given on day 9", "the same dose was repeated on February 7"; the first and the last dose are not read
    # ("after the first dose" may be the treatment's start)
    "second dose": (compile_fast(r"^(?:second|2nd)\s+(?:dose|infusion|injection)$", re.IGNORECASE),
                    compile_fast(r"\b(?:second|2nd)\s+(?:dose|infusion|injection)\b|\b(?:dose|infusion|injection)\s+"
                                 r"(?:was|were)\s+(?:repeated|re-?administered)\b", re.IGNORECASE)),
    # an operation the history tells done ("percutaneous tracheostomy was done on D16", "She underwent an emergency
    # laparotomy on hospital day 3", "was operated on 2 May"): the day a surgeon's "POD 3" counts from, as "3 days
    # after surgery"; not one only named ("a tracheostomy tube in situ", "planned for surgery")
    "operation": (compile_fast(r"^(?:surgery|operation|[a-z]+(?:ectomy|otomy|ostomy))$", re.IGNORECASE),
                  compile_fast(r"\b(?:underwent|undergone)\s+(?:an?\s+|the\s+)?(?:[\w-]+\s+){0,3}?(?:surgery|operation|"
                               # a caesarean is an operation: "she underwent an emergency repeat cesarean delivery"
                               # (its "postoperative day 1" counts from it)
                               r"ca?esarean\s+(?:section|delivery)|"
                               r"[a-z]+(?:ectomy|otomy|ostomy))\b|\b(?:surgery|operation|[a-z]+(?:ectomy|otomy|ostomy)|"
                               # ... told in the passive too: "On May 13, an emergency cesarean section was performed"
                               r"ca?esarean\s+(?:section|delivery))\s+"
                               r"(?:was|were)\s+(?:done|performed|carried\s+out)\b|\b(?:was|were)\s+operated\b",
                               re.IGNORECASE)),
    # an extracorporeal support's start ("veno-venous ECMO was started on the day of the arrival", "he was cannulated
    # for ECMO on day 12", "ECMO was initiated on hospital day 11"): the day its "10th day of ECMO support", "after 17
    # days on ECMO", "after 21 days of ECMO" count from; not its end ("decannulated", "weaned from ECMO")
    "ecmo": (compile_fast(r"^(?:(?:vv|va|veno-?venous|veno-?arterial)[-\s]?)?(?:ECMO|ECLS)$", re.IGNORECASE),
             compile_fast(r"\b(?:ECMO|ECLS|extracorporeal\s+(?:membrane\s+oxygenation|life\s+support))\b[^.;]{0,60}?"
                          r"\b(?:was|were)\s+(?:started|initiated|commenced|begun|instituted|established)\b|"
                          r"\b(?<!de)(?<!de-)cannulated\s+for\s+(?:\w+[-\s])?(?:ECMO|ECLS)\b|\b(?:started|initiated|placed|put)\s+on\s+"
                          r"(?:\w+[-\s])?(?:ECMO|ECLS)\b", re.IGNORECASE)),
    # the patient's death ("Post-mortem CT", "performed about 4 hours after death", the history telling "died on the
    # eleventh day of admission"): a film after it counts from the day the history gives the death
    "death": (compile_fast(r"^(?:death|mortem)$", re.IGNORECASE),
              compile_fast(r"\b(?:died|passed\s+away)\b", re.IGNORECASE)),
    # the patient's worsening in the stay, which a film "performed following the clinical deterioration" is taken
    # on: the history's sentence telling it ("On day 4 of her admission she developed sudden pleuritic chest pain ...
    # with a rising oxygen requirement", "One week after admission he deteriorated", "On the fourth day of
    # hospitalisation his oxygen requirements increased"); not a worsening told as the reason of the admission
    # ("admitted for worsening dyspnoea": ``_place`` wants a day after the presentation)
    "deterioration": (compile_fast(r"^(?:(?:clinical|respiratory)\s+)?(?:deterioration|worsening)$", re.IGNORECASE),
                      compile_fast(r"\b(?:deteriorat(?:ed|es|ing|ion)|worsened|(?:clinical|respiratory)\s+worsening|"
                                   r"desaturated|(?:rising|increasing|escalating)\s+(?:\w+\s+)?(?:oxygen|O2)\s+"
                                   r"(?:requirements?|demand|needs?)|(?:oxygen|O2)\s+(?:requirements?|demand|needs?)\s+"
                                   r"(?:increased|rose|escalated)|(?:developed|presented)\s+(?:an?\s+)?(?:sudden|acute)|desaturation|"
                                   r"peggior(?:a|ano|ato|ata|amento)|si\s+aggrava(?:no)?)\b",
                                   re.IGNORECASE)),
    # the (first) positive test for the virus ("10 days after the first positive test", the history telling "he
    # tested positive on day 3 of illness"); "after positive pressure ventilation" names no test (``_TEST_NOUN``)
    "positive test": (compile_fast(r"^(?:first\s+)?positive$", re.IGNORECASE),
                      compile_fast(r"\b(?:first\s+)?positive\s+(?:[\w-]+\s+){0,3}?(?:tests?|swabs?|results?|"
                                   r"(?:rt-?)?pcr)\b|\btested\s+positive\b", re.IGNORECASE)),
}
#: The lower-case words one of which a history telling the event holds (else the event's name's first six
#: letters): the gate of ``event_moment``'s scan.
_EVENT_KEYS = {"delivery": ("caesar", "cesar", "delivered", "birth"), "positive test": ("positive",),
               "treatment": ("treatm", "therap", "terapi", "trattam"),
               "deterioration": ("deteriorat", "worsen", "desaturat", "oxygen", "o2", "sudden", "acute", "peggior",
                                 "aggrava"),
               "death": ("died", "passed away"),
               "operation": ("surgery", "operat", "ectomy", "otomy", "ostomy", "caesar", "cesar"),
               "second dose": ("dose", "infusion", "injection"), "ecmo": ("ecmo", "ecls", "extracorporeal")}
#: Events a sentence may tell beside another dated one of the same kind (the first dose): only the words from the
#: event's own to the next comma date it.
_OWN_PHRASE_EVENTS = frozenset({"second dose"})
#: A film's interval counted from a treatment's second dose: "three days after the second dose (of tocilizumab)".
_NTH_DOSE = compile_fast(r"\s+(?:the\s+|his\s+|her\s+)?(?:second|2nd)\s+(?:dose|infusion|injection)\b",
                         re.IGNORECASE)
#: The test a "positive" after an interval names: "10 days after the first positive (RT-PCR) test / swab".
_TEST_NOUN = compile_fast(r"\s+(?:[\w-]+\s+){0,2}?(?:tests?|swabs?|results?|(?:rt-?)?pcr)\b", re.IGNORECASE)
#: An event told as a film's day, in the film's sentence: "The initial CT, performed on the same day as the first
#: positive RT-PCR test, 3 days after symptom onset, ...": the film's day told there is the event's.
_SAME_DAY_AS = compile_fast(r"\bthe\s+same\s+day\s+as\s+(?:the\s+|his\s+|her\s+)?$", re.IGNORECASE)


_FOLLOW_UP_VISIT = compile_fast(r"\b(?:follow[-\u2010\u2011\s]?up|clinic|outpatient|visit|review(?:ed)?)\b",
                                re.IGNORECASE)
_FOLLOW_UP_BASES = frozenset({AFTER_DISCHARGE, SINCE_ADMISSION, SINCE_ONSET})


def follow_up_moments(history: str) -> tuple[Moment, ...]:
    """The history's intervals counted from the discharge, the admission or the onset ("Two weeks after
    discharge", "6 weeks after symptom onset") in sentences naming a film or a follow-up visit: what a
    caption's "at 2-week follow-up" may be (``AT_FOLLOW_UP``: the one of that length)."""
    if "follow" not in text_context(history).lower and not has_any(text_context(history).lower, ("clinic", "visit")):
        return ()
    found = []
    for start, moment in _text_moments(history, "history"):
        s_start, s_end = sentence_at(history, start)
        if (moment.kind in _FOLLOW_UP_BASES and moment.days > 0 and not about_other_person(history, start, start + 1)
                and (IMAGE_WORDS.search(history, s_start, s_end) or _FOLLOW_UP_VISIT.search(history, s_start, s_end))):
            found.append(moment)
    return tuple(found)


#: The words between an interval and the date that follows it: "three months after discharge, on 16 July",
#: "... after discharge (16 July)".
_INTERVAL_DATE_GAP = compile_fast(r"\s*(?:,\s*(?:on\s+)?(?:the\s+)?|\(\s*(?:on\s+)?)", re.IGNORECASE)


@lru_cache(maxsize=4096)
def dated_intervals(history: str, day_first: bool = False) -> tuple[tuple[str, int, int], ...]:
    """(kind, days, date ordinal) of the intervals after the discharge the history dates right after them
    ("She was reviewed three months after discharge, on 16 July"), and of the follow-up visits it dates in
    their clause ("At the 1-month follow-up in the respiratory clinic on 4 June"): the date is the day the
    interval names (a month's days are not all 30)."""
    if not has_any(text_context(history).lower, ("after", "follow")):
        return ()
    dates = {start: value for start, _, value in dates_in(history, day_first)}
    found = []
    for start, moment in _text_moments(history, "history"):
        end = start + len(moment.evidence)
        if not history.startswith(moment.evidence, start):
            continue
        if moment.kind == AFTER_DISCHARGE:
            gap = _INTERVAL_DATE_GAP.match(history, end)
            dated = gap.end() if gap is not None and gap.end() in dates else None
        else:
            dated = _follow_up_visit_date(history, moment, end, dates)
        if dated is not None:
            found.append((moment.kind, moment.days, dates[dated].toordinal()))
    return tuple(found)


def _follow_up_visit_date(history: str, moment: Moment, end: int, dates: dict[int, date]) -> int | None:
    """Where the date of a follow-up visit the history tells ("at the 1-month follow-up") starts: the one date
    after it in its clause, with no number between ("... follow-up in the respiratory clinic on 4 June")."""
    if moment.kind != AT_FOLLOW_UP:
        return None
    c_end = clause_at(history, end - 1)[1]
    after = [at for at in dates if end <= at < c_end]
    if len(after) != 1 or any(ch.isdigit() for ch in history[end:after[0]]):
        return None
    return after[0]


def event_of(word: str) -> str:
    """The event of ``EVENTS`` a word after an interval names ("intubation"), or ""."""
    return next((name for name, (named, _) in EVENTS.items() if named.match(word)), "")


def event_moment(history: str, event: str, day_first: bool = False) -> Moment | None:
    """The one moment the history's sentences telling ``event`` give it ("On illness day 13 he was
    transferred to the intensive care unit and intubated"); None when they give none or several, and
    a sentence about a film ("the radiograph three days after intubation") or another person is none."""
    told = EVENTS[event][1]
    found = set()
    keys = _EVENT_KEYS.get(event, (event[:6],))
    for m in (told.finditer(history) if has_any(text_context(history).lower, keys) else ()):
        start, end = sentence_at(history, m.start())
        if about_other_person(history, m.start(), m.end()):
            continue
        if IMAGE_WORDS.search(history, start, end) and _SAME_DAY_AS.search(history, max(start, m.start() - 40),
                                                                            m.start()):
            found.update(_event_days(history[start:end], day_first))
            continue
        if IMAGE_WORDS.search(history, start, end):
            # "he was intubated on the fourth hospital day; the chest radiograph after intubation showed
            # ...": the event's own clause may tell its day, a film's clause does not
            start, end = clause_at(history, m.start())
            end = _before_place_relative(history, m.end(), end)
            if IMAGE_WORDS.search(history, start, end):
                continue
        # ("tocilizumab was given on February 6, and the same dose was repeated 12 hours later": the sentence's date
        # is the first dose's; only the second dose's own phrase dates it)
        told = _told_days(history, m, start, end, day_first, labels=event == "operation",
                          own_phrase=event in _OWN_PHRASE_EVENTS)
        if not told and event in _GESTATION_EVENTS:
            told = _gestation_days(history, start, end)  # "At 33 weeks and 6 days, she underwent ... cesarean"
        if not told and event == "intubation":
            told = _intubated_in_emergency(history, m, start, end)  # "was intubated in the emergency department"
        if (not told and event == "treatment" and not _STARTED_WHEN.search(history, m.end(), end)
                and (admitted := _ADMITTED_AND_STARTED.search(history, start, m.start()))):
            # "Il paziente viene ricoverato in Malattie Infettive e inizia terapia con ...", "She was admitted to the
            # ward and treatment with ... was started": begun at the admission, the history's one moment of it
            told = {Moment(SINCE_ADMISSION, 0, history[admitted.start():m.end()], "history")}
        found.update(told)
    return _the_one(found)


#: The intubation told by the place of the arrival, not a day: "was intubated in the emergency department", "intubated
#: in the ER", "intubated in A&E", and "arrived to emergency with SpO2 78% and was intubated there" (the arrival named
#: before "there" in its sentence): the presentation's day.
_INTUBATED_IN_EMERGENCY = compile_fast(
    r"(?:re-?)?intubated\s+(?:(?:immediately|promptly|urgently|emergently)\s+)?(?:in|at)\s+(?:the\s+|our\s+)?"
    r"(?:emergency(?:\s+(?:department|room|unit|ward|service))?|ED|ER|A\s?&\s?E|casualty|resuscitation\s+(?:room|bay))\b"
    r"|(?:re-?)?intubated\s+there\b", re.IGNORECASE)
#: The arrival at the emergency department a sentence's "intubated there" points back to.
_ARRIVED_IN_EMERGENCY = compile_fast(
    r"\b(?:arrived|presented|came|brought|admitted|taken)\b[^.;]{0,40}?\b(?:emergency|ED|ER|A\s?&\s?E|casualty)\b",
    re.IGNORECASE)


def _intubated_in_emergency(history: str, m: re.Match[str], start: int, end: int) -> set[Moment]:
    """The intubation ``m`` (in the sentence from ``start`` to ``end``) as the arrival's day (the stay's day 0) when
    its words place it in the emergency department; none on a return ("readmitted and intubated in the ED")."""
    place = _INTUBATED_IN_EMERGENCY.match(history, m.start())
    if place is None or _READMITTED.search(history, start, end):
        return set()
    if place.group(0).lower().endswith("there") and not _ARRIVED_IN_EMERGENCY.search(history, start, m.start()):
        return set()
    return {Moment(SINCE_ADMISSION, 0, history[m.start():place.end()], "history")}


def intubated_at_arrival(history: str, events: Sequence[tuple[str, Moment]], icu_admission: Moment | None) -> bool:
    """True when the history intubates the patient on the stay's day 0 ("intubated in the emergency department",
    "intubated on arrival") and moves the patient to intensive care on no day of its own, nor later in the stay: the
    unit's days are the stay's, as ``admitted_straight_to_icu``'s."""
    if icu_admission is not None or not any(name == "intubation" and (x.kind, x.days) == (SINCE_ADMISSION, 0)
                                            for name, x in events):
        return False
    for m in _MOVED_TO_ICU.finditer(history):
        s_start, s_end = sentence_at(history, m.start())
        if _LATER_IN_STAY.search(history, s_start, s_end):
            return False
    return True


#: A pregnancy's age as obstetric histories date its events by it: "at 33 weeks and 4 days of gestation", "At 33
#: weeks and 6 days, she underwent an emergency repeat cesarean delivery", "at 34+2 weeks", "at 32w5d" (the days
#: told: "at 33 weeks" alone is any of seven days).
_GESTATIONAL_AGE = compile_fast(
    r"\bat\s+(?P<w>[1-4]\d)\s*(?:\+\s*(?P<d1>[0-6])\s*(?:weeks?|wks?)\b|(?:weeks?|wks?)\s*(?:\+|and)\s*(?P<d2>[0-6]|"
    r"one|two|three|four|five|six)\s+days?\b|w\s*(?P<d3>[0-6])\s*d\b)", re.IGNORECASE)
_PREGNANCY_WORDS = ("pregnan", "gestation", "gravida", "trimester")
#: Events an obstetric history may date by the pregnancy's age only.
_GESTATION_EVENTS = frozenset({"delivery", "operation"})
_SMALL_NUMBERS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6}


def _gestational_days(m: re.Match[str]) -> int:
    told = m.group("d1") or m.group("d2") or m.group("d3")
    return int(m.group("w")) * 7 + (_SMALL_NUMBERS[told.lower()] if told.lower() in _SMALL_NUMBERS else int(told))


def _gestation_days(history: str, start: int, end: int) -> set[Moment]:
    """The event of the sentence from ``start`` to ``end`` as days after the admission, when it tells the pregnancy's
    age (``_GESTATIONAL_AGE``) and the history tells it at the presentation too, one age in a sentence naming the
    arrival ("presented to our labor and delivery triage at 33 weeks and 4 days of gestation"); none else."""
    if not has_any(text_context(history).lower, _PREGNANCY_WORDS):
        return set()
    told = [m for m in _GESTATIONAL_AGE.finditer(history, start, end)]
    arrival = set()
    for m in _GESTATIONAL_AGE.finditer(history):
        s_start, s_end = sentence_at(history, m.start())
        if s_start != start and _ADMISSION_CUES.search(history, s_start, s_end):
            arrival.add(_gestational_days(m))
    if len(told) != 1 or len(arrival) != 1:
        return set()
    days = _gestational_days(told[0]) - arrival.pop()
    return {Moment(SINCE_ADMISSION, days, told[0].group(0), "history")} if 0 <= days <= 60 else set()


#: A relative clause on the place the event took the patient to (", where the last radiograph was taken", ", in which
#: a portable film was obtained"): it tells what was done there, not the event's day.
_PLACE_RELATIVE = compile_fast(r",\s+(?:where|in\s+which)\b", re.IGNORECASE)


def _before_place_relative(history: str, event_end: int, end: int) -> int:
    """``end``, or the start of a relative clause on the place after the event's words ("transferred to the ICU on
    14 March, where the last radiograph was taken"): the event's clause without what was done there."""
    relative = _PLACE_RELATIVE.search(history, event_end, end)
    return relative.start() if relative else end


#: A treatment's start told with a moment of its own after it ("started on antiviral therapy when the swab came back
#: positive", "inizia terapia quando ..."): not the admission's.
_STARTED_WHEN = compile_fast(r"\b(?:when|once|after|following|until|later|quando|dopo|appena|successivamente|poi)\b",
                             re.IGNORECASE)
#: A treatment's start told joined to the patient's admission, in one clause with nothing between but the ward:
#: "viene ricoverato in Malattie Infettive e inizia terapia", "was admitted to the medical ward and treatment with
#: ... was started"; not a readmission, an admission to intensive care (not the hospital's), or a start told later
#: ("admitted, and two days later treatment was started": a time between).
_ADMITTED_AND_STARTED = compile_fast(
    r"(?<!re)(?<!re-)\b(?:admitted|hospitali[sz]ed|ricoverat[oa])\b"
    r"(?![^.;:]*?(?:\d|\b(?:later|after|then|subsequently|following|when|until|next|dopo|poi|successivamente|quando|"
    r"fino|seguente|giorn[oi]|days?|weeks?|ICU|ITU|intensiv\w*|rianimazione|critical)\b))"
    r"[^.;:]{0,80}?\s(?:and|e|ed)\s+(?:(?:he|she|the\s+patient)\s+)?(?:was\s+|is\s+)?$",
    re.IGNORECASE)


def discharge_before_return(history: str) -> bool:
    """True when the history tells the patient (not another person) discharged, then back ("was discharged on March
    27. Twelve days later he was readmitted"), and no discharge after the return."""
    returns = [m for m in _READMITTED.finditer(history) if not about_other_person(history, m.start(), m.end())]
    discharges = [m for m in _DISCHARGED.finditer(history) if not about_other_person(history, m.start(), m.end())]
    return bool(returns and discharges) and all(d.start() < returns[0].start() for d in discharges)


def _discharge_is_the_first(dates: _Dates) -> bool:
    """True when the discharge the history tells is the first stay's: a readmission the history tells counted from it
    ("readmitted 12 days after discharge") or dated after it; else every discharge the history tells before its
    return (``discharge_before_return``; not "readmitted on 2 April and discharged on 15 April", the second stay's)."""
    discharge, readmission = dates.discharge, dates.readmission
    if discharge is None:
        return False
    if readmission is None:
        return dates.discharge_before_return
    if readmission.kind in (AFTER_DISCHARGE, AFTER_PREVIOUS):
        return True
    return discharge.kind == readmission.kind == DATED and discharge.days < readmission.days


def _icu_arrival_untold(moment: Moment, dates: _Dates) -> bool:
    """True for a film "at admission to the ICU" ("CT at admission to the intensive care unit") of a case whose history
    moves the patient to the unit after the admission (``moved_to_icu_later``) on a day it does not tell: the unit's
    admission, not the hospital's (was the hospital's day: a wrong value)."""
    return (moment.kind == SINCE_ADMISSION and moment.days == 0 and moment.where != "history"
            and dates.icu_admission is None and not dates.straight_to_icu and dates.moved_to_icu
            and bool(_TO_ICU.search(moment.evidence)))


def _counted_from_event(moment: Moment, dates: _Dates) -> tuple[Moment | None, str, str] | None:
    """(the moment the history gives the event, the event's name, the rule) of a moment counted from an
    event of the stay ("4 weeks after discharge", "at readmission", "3 days after intubation"); None
    for a moment of another kind."""
    if moment.kind == AFTER_DISCHARGE:
        if _AFTER_FIRST_DISCHARGE.search(moment.evidence) and not _discharge_is_the_first(dates):
            return None, "first discharge", "timeline.after-discharge"
        return dates.discharge, "discharge", "timeline.after-discharge"
    if moment.kind == AFTER_READMISSION:
        return dates.readmission, "readmission", "timeline.after-readmission"
    if moment.kind == AFTER_EVENT:
        name = event_of(_OTHER_BASE_WORD.sub("", moment.evidence)) or (
            "ecmo" if _ECMO_CANNULATION_RE.fullmatch(moment.evidence) else "") or (
            "ecmo" if _ECMO_WORD.match(moment.evidence) else "") or (  # "ECMO day 10" (``_ecmo_day``)
            "deterioration" if _ON_WORSENING.fullmatch(moment.evidence) else "") or (
            "delivery" if _POSTPARTUM_DAY.fullmatch(moment.evidence) else "") or _event_of_day_clause(moment.evidence)
        return next((m for told, m in dates.events if told == name), None), name, "timeline.after-event"
    return None


def _place(moment: Moment, timeline: Timeline, admission_scale: bool, previous_day: int | None,
           first: bool, dates: _Dates, labels_count_illness: bool = False,
           exam_day: tuple[int | None, bool] = (None, False)) -> tuple[int | None, str, str]:
    """(day on the axis, rule, reason when blank) of one image's moment; ``labels_count_illness``: the
    case's first film is labelled with the admission's day of illness (``_labels_count_illness``);
    ``exam_day``: the day of the earlier exam the film's bare interval counts from, and whether its words
    name that exam (``_counted_from_exam``)."""
    admission = timeline.admission_day
    if moment.kind == DATED:
        return _place_date(date.fromordinal(moment.days), admission, dates)
    if moment.kind == ICU_DAY and dates.straight_to_icu:
        # admitted straight to the unit: its day N is the stay's
        moment = replace(moment, kind=HOSPITAL_DAY)
    # each reading below places the moments of its kinds (None: not its moment, the next one reads it)
    placed = (_place_in_icu(moment, timeline, admission_scale, dates)
              or _place_from_told_moment(moment, timeline, admission_scale, dates)
              or _place_on_illness_count(moment, dates)
              or _place_after_dated_operation(moment, timeline, admission_scale, dates, labels_count_illness))
    if placed is not None:
        return placed
    if moment.kind in (ON_WEEKDAY, SINCE_OPERATION):
        return _place_on_own_count(moment, admission, dates)
    stay = _place_in_stay(moment, admission, dates)
    if stay is not None:
        return stay
    if moment.kind == AFTER_PREVIOUS:
        return _place_after_previous(moment, admission, previous_day, exam_day)
    return _place_day_label(moment, timeline, admission_scale, first, dates, labels_count_illness)


def _place_in_icu(moment: Moment, timeline: Timeline, admission_scale: bool, dates: _Dates
                  ) -> tuple[int | None, str, str] | None:
    """``_place`` of a moment of the intensive care stay (its day N, "at admission to the intensive care unit") and
    of a moment whose day is not told (``UNPLACED``, an ICU day of an arrival the history does not date); None for
    any other moment, or an ICU moment the day of the move to the unit does not place."""
    if moment.kind == ICU_DAY and dates.icu_admission is not None:
        # moved to the unit on a day the history tells: its day N is N days after it
        day = _place(dates.icu_admission, timeline, admission_scale, None, False, dates)[0]
        if day is not None:
            return day + moment.days, "timeline.icu-day", ""
    if (moment.kind == SINCE_ADMISSION and moment.days == 0 and dates.icu_admission is not None
            and moment is not dates.icu_admission and not dates.straight_to_icu and _TO_ICU.search(moment.evidence)):
        # "at admission to the intensive care unit" of a patient the history moves there on a day it tells: that day
        day = _place(dates.icu_admission, timeline, admission_scale, None, False, dates)[0]
        if day is not None:
            return day, "timeline.icu-day", ""
    if _icu_arrival_untold(moment, dates):
        return None, "timeline.icu-day", (f"{moment.evidence!r}: the history moves the patient to intensive care "
                                          "after the admission, on a day it does not tell")
    if moment.kind in (UNPLACED, ICU_DAY):
        return None, "timeline.unplaced", f"{moment.evidence!r}: its day is not told"
    return None


def _place_from_told_moment(moment: Moment, timeline: Timeline, admission_scale: bool, dates: _Dates
                            ) -> tuple[int | None, str, str] | None:
    """``_place`` of a moment counted from another the history tells: an interval the history dates itself, an
    event's (discharge, deterioration, ...: ``_counted_from_event``) day, a follow-up visit's; None for any other
    moment."""
    admission = timeline.admission_day
    told = {day for kind, days, day in dates.dated_intervals if (kind, days) == (moment.kind, moment.days)}
    if len(told) == 1:
        # "Follow-up CT three months after discharge", the history: "three months after discharge, on 16 July"
        return _place_date(date.fromordinal(told.pop()), admission, dates)
    counted_from = _counted_from_event(moment, dates)
    if counted_from is not None:
        event, name, rule = counted_from
        day = _place(event, timeline, admission_scale, None, False, dates)[0] if event else None
        if day is None:
            return None, rule, f"{moment.evidence!r}: its day is not told (the history gives the {name} no day)"
        if name == "deterioration" and (admission is None or day <= admission):
            # "admitted for worsening dyspnoea": the worsening the history tells is the presentation's, not the stay's
            return None, rule, f"{moment.evidence!r}: the history tells no worsening after the presentation"
        return day + moment.days, rule, ""
    if moment.kind == AT_FOLLOW_UP:
        return _place_at_follow_up(moment, timeline, admission_scale, dates)
    return None


def _place_at_follow_up(moment: Moment, timeline: Timeline, admission_scale: bool, dates: _Dates
                        ) -> tuple[int | None, str, str]:
    """``_place`` of a follow-up N days/weeks on (``AT_FOLLOW_UP``): the one film or visit the history tells that long
    after a moment of the illness; a label of a stay the texts never end counts from the presentation."""
    admission = timeline.admission_day
    told = [m for m in dates.follow_ups if m.days == moment.days]
    days = {_place(m, timeline, admission_scale, None, False, dates)[0] for m in told}
    if (not told and moment.where == "label" and admission is not None and dates.discharge is None
            and dates.readmission is None and not dates.sent_home_and_back):
        # a study titled "Follow-up at 6 weeks" of a stay the texts never end: that long after the presentation
        return admission + moment.days, "timeline.follow-up-after-presentation", ""
    if len(days) != 1 or None in days:
        return None, "timeline.at-follow-up", (f"{moment.evidence!r}: its day is not told (the history tells "
                                               "no one film or visit that long after a moment of the illness)")
    return days.pop(), "timeline.at-follow-up", ""


def _place_on_illness_count(moment: Moment, dates: _Dates) -> tuple[int | None, str, str] | None:
    """``_place`` of a moment counted from the onset (``SINCE_ONSET``) or of the first visit (``FIRST_VISIT``: the day
    the history dates it on); None for any other moment."""
    if moment.kind == SINCE_ONSET:
        return moment.days, "timeline.since-onset", ""
    if moment.kind == FIRST_VISIT:
        # (``case_timeline`` reads the words of a first visit the history does not date as no moment)
        if dates.first_visit is None:
            return None, "timeline.first-visit", f"{moment.evidence!r}: the history does not date the first visit"
        return dates.first_visit.days, "timeline.first-visit", ""
    return None


def _place_after_dated_operation(moment: Moment, timeline: Timeline, admission_scale: bool, dates: _Dates,
                                 labels_count_illness: bool) -> tuple[int | None, str, str] | None:
    """``_place`` of a day after an operation ("POD 3") of a case whose history dates its one operation
    ("tracheostomy was done on D16"): N days after it; None for any other moment, or an operation the history
    places on no day."""
    operation = next((m for told, m in dates.events if told == "operation"), None)
    if moment.kind == SINCE_OPERATION and dates.operation_onset is None and operation is not None:
        day = _place(operation, timeline, admission_scale, None, False, dates, labels_count_illness)[0]
        if day is not None:
            return day + moment.days, "timeline.since-dated-operation", ""
    return None


def _place_in_stay(moment: Moment, admission: int | None, dates: _Dates) -> tuple[int | None, str, str] | None:
    """``_place`` of a day of the hospital stay (``HOSPITAL_DAY``) or a time since the admission
    (``SINCE_ADMISSION``): N days after the admission; None for any other moment."""
    if moment.kind in (HOSPITAL_DAY, SINCE_ADMISSION) and dates.sent_home_and_back and dates.readmission is None:
        return (None, "timeline.sent-home-and-back",
                f"{moment.evidence!r} counts from an admission, but the patient was sent home from a first visit "
                "and came back: which visit it counts from is not told")
    if moment.kind == HOSPITAL_DAY:
        # the sample's curators count "day N of admission" and "hospital day N" as N days after the
        # admission ("Chest X-ray on presentation" 0, "on day 2 of admission" 2; "at hospital day 6" 6,
        # no onset told), not with the admission as day 1
        if admission is None:
            return (None, "timeline.hospital-day",
                    "a day of the hospital stay, but the admission's day after the onset is not told")
        return admission + moment.days, "timeline.hospital-day", ""
    if moment.kind == SINCE_ADMISSION:
        if admission is None:
            return (None, "timeline.since-admission",
                    "counted from admission, but the admission's day after the onset is not told")
        return admission + moment.days, "timeline.since-admission", ""
    return None


def _place_day_label(moment: Moment, timeline: Timeline, admission_scale: bool, first: bool, dates: _Dates,
                     labels_count_illness: bool) -> tuple[int | None, str, str]:
    """``_place`` of a bare day label ("Day 5"): the onset's count or the admission's, as the case's timeline and its
    other labels tell; blank when either may be meant."""
    admission = timeline.admission_day
    if timeline.anchor == HOSPITALISATION and dates.onset is None:
        return moment.days, "timeline.day-label", ""
    if admission is not None and (admission_scale or moment.days == 0):
        return admission + moment.days, "timeline.day-label-from-admission", ""
    if first and admission is not None and moment.days == admission:
        # the first film labelled with the very day of admission: the label counts from the onset
        return moment.days, "timeline.day-label-is-admission", ""
    if labels_count_illness and admission is not None and moment.days >= admission:
        # a later label of a case whose first label is the admission's day of illness counts the illness
        return moment.days, "timeline.day-label-of-illness", ""
    return None, "timeline.day-label", (
        f"{moment.evidence!r} may count from the onset (day {moment.days}) or from admission"
        + (f" (day {admission + moment.days})" if admission is not None else "")
    )


def _place_after_previous(moment: Moment, admission: int | None, previous_day: int | None,
                          exam_day: tuple[int | None, bool]) -> tuple[int | None, str, str]:
    """(day on the axis, rule, reason when blank) of a moment counted from an earlier film (``AFTER_PREVIOUS``: "two
    days later", "after the initial radiograph", "two days after the CT"); the arguments are ``_place``'s."""
    if exam_day[1] and _AFTER_FIRST.search(moment.evidence) is not None:
        # "after the initial radiograph": the case's first film of that exam, whatever came between
        if exam_day[0] is None:
            return (None, "timeline.after-first-exam",
                    f"{moment.evidence!r}: the first such film's day is not known")
        return exam_day[0] + moment.days, "timeline.after-first-exam", ""
    if exam_day[1] and _AFTER_THE_PREVIOUS_END.search(moment.evidence):
        # "12 days after the previous one" of a control CT: the last earlier CT's day
        if exam_day[0] is None:
            return None, "timeline.after-named-exam", f"{moment.evidence!r}: no earlier such exam is placed"
        return exam_day[0] + moment.days, "timeline.after-named-exam", ""
    if exam_day[1] and _AFTER_THE_FOLLOW_UP_END.search(moment.evidence):
        # "two days after the follow-up radiograph": the last earlier radiograph's day, a follow-up film's
        if exam_day[0] is None:
            return None, "timeline.after-named-exam", f"{moment.evidence!r}: no earlier follow-up film is placed"
        return exam_day[0] + moment.days, "timeline.after-named-exam", ""
    if exam_day[1] and _AFTER_THE_SHORT_EXAM_END.search(moment.evidence):
        # "two days after the CT": that exam's day, not the previous film's
        if exam_day[0] is None:
            return None, "timeline.after-named-exam", f"{moment.evidence!r}: no earlier such exam is placed"
        return exam_day[0] + moment.days, "timeline.after-named-exam", ""
    if previous_day is None:
        return (None, "timeline.after-previous",
                f"{moment.evidence!r} counts from an earlier image whose day is not known")
    presentation = admission if admission is not None else 0
    base_day, named = exam_day
    if (base_day is not None and (named or base_day == presentation) and moment.where != "label"
            and _AFTER_WITHOUT_BASE.match(moment.evidence)):
        return base_day + moment.days, "timeline.after-named-exam", ""
    if moment.where != "label" and _AFTER_WITHOUT_BASE.match(moment.evidence) and previous_day != presentation:
        # a caption's "after two months" (not "two months later"): after the previous film or
        # after the presentation, which the words do not say (a study label counts from the
        # previous study)
        return None, "timeline.after-previous", (
            f"{moment.evidence!r} may count from the previous film (day {previous_day + moment.days}) "
            f"or from the presentation (day {presentation + moment.days})")
    return previous_day + moment.days, "timeline.after-previous", ""


def _place_on_own_count(moment: Moment, admission: int | None, dates: _Dates) -> tuple[int | None, str, str]:
    """A film on a count of its own: a weekday after the admission's weekday ("on the following Monday"), a
    day after an operation on whose count the history tells the onset ("postoperative day 6")."""
    if moment.kind == ON_WEEKDAY:
        if dates.admission_weekday is None or admission is None:
            return (None, "timeline.weekday",
                    f"{moment.evidence!r}: the weekday of the admission or the admission's day is not told")
        # the next such weekday after the admission's: a week later when it is the same weekday
        return admission + ((moment.days - dates.admission_weekday) % 7 or 7), "timeline.weekday", ""
    if dates.operation_onset is None:
        return (None, "timeline.since-operation",
                f"{moment.evidence!r} counts from an operation, but the onset's day on that count is not told")
    return moment.days - dates.operation_onset.days, "timeline.since-operation", ""


def _place_date(when: date, admission: int | None, dates: _Dates) -> tuple[int | None, str, str]:
    """A dated image on the axis: days since the dated onset, or since the dated admission (placed
    on the axis)."""
    if dates.onset is not None:
        episode = max((d for d, _ in dates.earlier_onsets if d <= when), default=None) if when < dates.onset else None
        if episode is not None:
            # a film of the reinfection's first episode: days since that episode's onset
            return (when - episode).days, _EPISODE_RULE, ""
        days = (when - dates.onset).days
        if days < -_SAME_ILLNESS_DAYS or days > 365:
            return (None, "timeline.date", f"{when.isoformat()} is {days} days from the onset: "
                                           "not the same illness, or the year is not told")
        return days, "timeline.date-since-onset", ""
    if dates.admission is not None and admission is not None:
        days = (when - dates.admission).days
        if days < -60 or days > 365:
            return (None, "timeline.date", f"{when.isoformat()} is {days} days from admission: "
                                           "not the same illness, or the year is not told")
        return admission + days, "timeline.date-since-admission", ""
    return None, "timeline.date", "a dated image, but neither the onset nor the admission is dated"
