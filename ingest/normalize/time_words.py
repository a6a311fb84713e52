"""The time vocabulary of the sources' notes, one definition read by the offset normalizer
(``imaging.normalize_offset``) and the case's timeline (``ingest/timeline.py``): time units and
their days, amounts ("3", "three", "a few"), "day N", relative times ("5 days later", "after 2
weeks"), the admission and onset anchors, the symptom history ("four-day history of cough"), the
month names of dates, and the words that say a sentence is about a film.

Patterns are ``common.compile`` ones; those scanned over whole notes are ``gate``d on the
characters their matches can start with.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache
from itertools import chain

from .common import (
    NUMBER,
    NUMBER_LIKE,
    about_other_person,
    compile,
    finditer_near,
    gate,
    has_any,
    parse_int,
    sentence_at,
    text_context,
)

# --- Months ---------------------------------------------------------------------------------------

MONTHS = {
    name: i + 1
    for i, names in enumerate(
        (
            "january jan gennaio gen enero ene janvier janv januar jän",
            "february feb febbraio febrero février févr februar",
            "march mar marzo mars märz",
            "april apr aprile abril avril",
            "may maggio mag mayo mai",
            "june jun giugno giu junio juin juni",
            "july jul luglio lug julio juillet juil juli",
            "august aug agosto ago août",
            "september sep sept settembre set septiembre septembre",
            "october oct ottobre ott octubre octobre oktober okt",
            "november nov novembre noviembre",
            "december dec dicembre dic diciembre décembre dezember dez",
        )
    )
    for name in names.split()
}
#: The alternation of the month names, longest first (a pattern's group of its own).
MONTH_NAMES = "|".join(sorted((re.escape(m) for m in MONTHS), key=len, reverse=True))
#: A month's name, abbreviated or not, as the ``mon`` group ("Jan.", "gennaio").
MONTH = rf"(?P<mon>{MONTH_NAMES})\.?"

# --- Units, amounts, moments ----------------------------------------------------------------------

#: Days of one time unit (lower case).
UNIT_DAYS = {"day": 1, "days": 1, "giorno": 1, "giorni": 1, "gg": 1, "día": 1, "días": 1, "jour": 1, "jours": 1,
             "tag": 1, "tage": 1, "tagen": 1,
             "week": 7, "weeks": 7, "settimana": 7, "settimane": 7, "sett": 7, "semana": 7, "semanas": 7, "semaine": 7,
             "semaines": 7, "woche": 7, "wochen": 7,
             "fortnight": 14, "fortnights": 14,
             "month": 30, "months": 30, "mese": 30, "mesi": 30,
             # Turkish "gün", Russian "сутки" / "день", Chinese "天" / "日" / "周" (read by their own histories and
             # days of the stay: ``_OTHER_SCRIPT_HISTORY``, timeline's stay days)
             "gün": 1, "сутки": 1, "суток": 1, "день": 1, "дня": 1, "дней": 1, "天": 1, "日": 1, "周": 7}
UNIT = (
    r"(?:days?|giorn[oi]|gg|d[ií]as?|jours?|Tage[n]?|Tag|weeks?|settiman[ae]|semanas?|semaines?|Wochen?|fortnights?|"
    # the Italian notes' "da 1 sett." (weeks): abbreviated with its dot only, and not before a year ("15 sett. 2020"
    # is September's)
    r"sett(?=\.)(?!\.\s*\d)|"
    r"months?|mes[ei])"
)
_FEW = r"(?:a\s+few|few|several|some|qualche|alcuni|pochi|unos\s+pocos|quelques|einige[n]?|wenige[n]?)"
# "after another 7 days", "after a further 3 days", "7 more days later": read like "after 7 days" and
# "7 days later" (the timeline places them the same way; a caption's "after another 7 days" stays
# ambiguous, because the curators counted the sample's one such film from the presentation).
_ANOTHER = r"(?:(?:another|a\s+further|further|an?\s+additional|additional|altri)\s+)?"
_MORE = r"(?:(?:more|further|additional|extra)\s+)?"

#: A day of the stay told "on admission" as Nigerian and Indian authors write it ("the 9th day on admission", "day 3
#: on admission"): as "of admission" (not the admission's own "on admission").
ON_STAY = r"on(?=\s+(?:admission|hospitali[sz]ation)\b)"

DAY_N = compile(
    rf"\b(?P<qual>(?:hospital|admission|illness|disease|symptom|post[-\u2010\u2011]?admission|post[-\u2010\u2011]?onset|post[-\u2010\u2011]?op(?:erative)?)\s+)?(?:day|giorno|d[ií]a|jour|Tag)\s*[-#+]?\s*(?P<n>\d{{1,3}})\b(?P<of>\s+(?:of|after|since|post|from|dall?[’']?|{ON_STAY})\s+(?:the\s+|his\s+|her\s+)?(?P<base>\w+(?:-19)?))?"
    rf"|\b(?P<n2>\d{{1,3}})(?:st|nd|rd|th|°|º|ª|a|\.(?=\s*Tag\b))\s+(?:(?P<qual2>hospital|illness|disease|post[-\u2010\u2011]?op(?:erative)?)\s+)?(?:day|giorno|giornata|d[ií]a|Tag)\b(?P<of2>\s+(?:of|after|since|from|dall?[’']?|di|de|do|da|des|{ON_STAY})\s+(?:the\s+|his\s+|her\s+)?(?P<base2>\w+(?:-19)?))?",
    re.IGNORECASE,
)
ADMISSION_BASE = compile(
    r"^(?:admission|hospitali[sz]ation|hospital|ricovero|degenza|ingresso|stay|presentation|"
    # Italian "giornata di degenza" (of the stay), Portuguese and Spanish "internação", "internación", German "des
    # stationären Aufenthalts"; European Portuguese "internamento", Spanish "internamiento" and the English their
    # authors translate them to ("at the 3rd day of internment", "day 5 of internation")
    r"interna[cç][aã]o|internaci[oó]n|hospitaliza[cç][aã]o|hospitalizaci[oó]n|station[äa]ren|\w*aufenthalt\w*|"
    r"internami?ento|internment|internation)$",
    re.IGNORECASE,
)
# The illness a "day N of ..." counts from: "day 5 of illness", "día 7 de enfermedad", and the Italian day of the
# illness, "in XII giornata di malattia", "al 7° giorno di malattia" (not of the stay: "di ricovero"); the illness
# by its name, "on the tenth day of COVID-19", "day 8 of COVID19"; the Spanish and Portuguese "día 15 de evolución"
# and its calque ("on the 15th day of evolution")
ONSET_BASE = compile(r"^(?:onset|symptom\w*|illness|disease|fever|cough|covid(?:-?19)?|esordio|sintom\w*|inizio|"
                     r"evolution|evoluci[oó]n|evolu[cç][aã]o|"
                     r"febbre|tosse|malattia|febre|fiebre|Fieber|s[ií]ntomas?|doen[cç]a|enfermedad|Krankheit|Erkrankung)$",
                     re.IGNORECASE)
#: The illness's name as a day's base ("day 10 of COVID-19") and the word after it that makes the count another's:
#: "day 50 of the COVID-19 pandemic", "day 3 of COVID-19 vaccination", "day 4 of COVID ward stay".
_ILLNESS_NAME_BASE = compile(r"covid(?:-?19)?", re.IGNORECASE)
_OTHER_COUNT_AFTER_NAME = compile(
    r"\s+(pandemic|epidemic|outbreak|lockdown|wave|vaccin\w*|immuni[sz]\w*|ward|unit|ICU|isolation|quarantin\w*|"
    r"hospitali[sz]\w*|admission|stay|treatment|therapy|care)\b", re.IGNORECASE)


#: A day's base told by its kind, as European authors write the illness and the stay: "at day 6 of a febrile
#: syndrome" (the French "à J6 d'un syndrome fébrile"), "day 4 of a flu-like illness" (the illness); "on day 4 of the
#: inpatient stay" (the stay). Read from the base's first word on (``day_base``).
_ILLNESS_KIND_BASE = compile(r"(?:an?\s+)?(?:febrile|flu-like|influenza-like|grippal|pseudo-?grippal|viral)\s+"
                             r"(?:syndrome|illness|episode)\b", re.IGNORECASE)
_STAY_KIND_BASE = compile(r"(?:inpatient|in-patient)\s+stay\b", re.IGNORECASE)


def day_base(m: re.Match[str], base: str) -> str:
    """The base of a day's match (``DAY_N``'s or an ordinal day's) as ``ONSET_BASE`` and ``ADMISSION_BASE`` read
    it: the illness's name with the word after it when that word makes the count another's ("day 50 of the
    COVID-19 pandemic" counts the pandemic, not the illness); the illness or the stay told by its kind ("of a
    febrile syndrome", "of the inpatient stay": ``_ILLNESS_KIND_BASE``, ``_STAY_KIND_BASE``); else ``base``."""
    if base and _ILLNESS_NAME_BASE.fullmatch(base):
        other = _OTHER_COUNT_AFTER_NAME.match(m.string, m.end())
        if other:
            return f"{base} {other.group(1)}"
    if base and m.string[m.end() - len(base):m.end()] == base:
        if _ILLNESS_KIND_BASE.match(m.string, m.end() - len(base)):
            return "illness"
        if _STAY_KIND_BASE.match(m.string, m.end() - len(base)):
            return "stay"
    return base


# What follows a time spent in hospital that makes it another stay than the one the case counts from ("after 5
# days in hospital elsewhere", "dopo 5 giorni di degenza in terapia intensiva").
_NOT_THE_WARDS_STAY = (r"(?!\s+(?:elsewhere|in\s+(?:terapia\s+intensiva|rianimazione|(?:the\s+|an?\s+)?(?:ICU|ITU|"
                       r"intensive\s+care|another|other))))")
#: The illness's onset a relative time counts from, as authors name it after "from", "since" or "of" ("after 10 days
#: from the onset of symptoms", "after 3 weeks from the onset of fever", "... since the beginning of the disease",
#: "... from the onset of COVID-19 symptoms", "... from the first symptoms", "... of symptom onset"); the onset of a
#: later complaint ("the onset of dyspnea") is no onset of the illness.
ILLNESS_ONSET = (r"(?:(?:onset|beginning|start)\s+of\s+(?:the\s+|his\s+|her\s+|their\s+)?(?:first\s+)?"
                 r"(?:(?:covid(?:-?19)?|respiratory|clinical)\s+)?(?:symptoms?|illness|disease|fever|cough|covid(?:-?19)?)"
                 r"|symptoms?\s+onset|onset\b(?!\s+of\b)|(?:(?<=\sthe\s)|(?<=\sfrom\s)|(?<=since\s))first\s+symptoms?)")
AFTER = compile(
    rf"\b(?P<n>{NUMBER_LIKE}|{_FEW})\s+{_MORE}(?P<unit>{UNIT})\s+(?:later|(?:after(?:wards)?|ap[oó]s|dopo)\b(?P<base>\s+(?:the\s+|his\s+|her\s+|their\s+|an?\s+|o\s+|il\s+|l[’']\s?)?(?:onset|(?:first\s+)?symptoms?|(?:beginning|start)\s+of\s+(?:the\s+|his\s+|her\s+|their\s+)?(?:symptoms?|illness)|admission|admiss[aã]o|interna[cç][aã]o|hospitali[sz]ation|presentation|arrival|the\s+first(?!\s+positive\b)|initial|developing\s+symptoms|illness|ricovero|ingresso|esordio)\w*)?|più\s+tardi|despu[eé]s|plus\s+tard|später|post[-\s]?(?P<pbase>admission|onset|hospitali[sz]ation|symptoms?))"
    rf"|\b(?:after|dopo|despu[eé]s\s+de|apr[eè]s|nach)\s+{_ANOTHER}(?P<n2>{NUMBER_LIKE}|{_FEW})\s+{_MORE}(?P<unit2>{UNIT})"
    rf"(?P<base2>\s+(?:of|from|since|into|in|di|dal|dall[’'])\s*(?:the\s+|il\s+)?(?:admission|hospitali[sz]ation|hospital\s+stay|ricovero|ingresso"
    # the stay as Portuguese and Spanish authors name it in English ("after 3 days of internment")
    rf"|internment|internation"
    # the time spent in hospital: "after 9 days in hospital", "dopo 10 giorni di degenza / di ospedalizzazione"
    # (not a stay elsewhere or in intensive care: "di degenza in terapia intensiva")
    rf"|(?:hospital|degenza|ospedalizzazione)\b{_NOT_THE_WARDS_STAY}"
    # the illness's onset, as non-native authors join it ("after 10 days from the onset of symptoms", "after 3 weeks
    # since the beginning of the illness", "after 5 days of symptom onset"): from the onset, not the film before
    rf"|{ILLNESS_ONSET})\b)?",
    re.IGNORECASE,
)
#: The bases of a relative time that are the admission ("5 days after admission", "after 9 days in hospital",
#: "dopo 10 giorni di degenza", "a 10 giorni dal ricovero"): the words ``AFTER``'s base groups hold.
AFTER_ADMISSION_BASE = compile(r"admiss|interna|internm|hospital|presentation|arriv|ricovero|ingres|degenza|ospedaliz",
                               re.IGNORECASE)
#: Up to three words of a film's projection or technique between its moment and its noun ("admission
#: AP chest radiograph", "the initial PA chest radiograph", "baseline non-contrast CT").
FILM_QUALIFIERS = (r"(?:(?:AP|PA|portable|bedside|supine|erect|upright|frontal|plain|unenhanced|non-?contrast|"
                   r"chest)\s+){0,3}")
AT_ADMISSION = compile(
    # (not a later day of the stay told "on admission": "the ninth day on admission", ``ON_STAY``; nor "the next day of
    # admission", the day after it: ``timeline._SOON_AFTER``)
    # ("the day of the admission": the article of the Romance languages' "il giorno del ricovero", "el día del
    # ingreso", "o dia da admissão" kept in translation, as "Realized in the day of the admission"; not "on the day of
    # the arrival", which may be at another hospital: "transported ... to the ECMO centre on 20 November 2020, where
    # ECMO was started on the day of the arrival")
    r"\b(?<!\bday\s)(?<!\bdays\s)(?:on|at|upon|during)\s+(?:the\s+(?:day\s+of\s+(?:the\s+(?=admission\b|presentation\b))?)?)?(?:admission|presentation|arrival|hospitali[sz]ation\s+day)\b|\b(?<!\bnext\s)(?<!\bfollowing\s)day\s+of\s+(?:the\s+)?(?:admission|presentation)\b|"
    r"\b(?:on|at|upon)\s+(?:(?:the|his|her|their)\s+)?clinical\s+presentation\b|"
    # the patient's own arrival with a possessive, as Spanish "a su llegada" / "a su ingreso" translates ("at his
    # arrival to the emergency service", "on her admission"); not "during": a stay
    r"\b(?<!\bday\s)(?<!\bdays\s)(?:on|at|upon)\s+(?:his|her|their)\s+(?:admission|presentation|arrival)\b|"
    r"\bat\s+the\s+time\s+of\s+(?:(?:the|his|her|their)\s+)?(?:hospital\s+|clinical\s+|initial\s+)?(?:admission|presentation|arrival|hospitali[sz]ation)\b|"
    rf"\badmission\s+{FILM_QUALIFIERS}(?:x-?ray|radiograph\w*|cxr|film|ct|hrct)\b|\b(?:initial|baseline|presenting|index)\s+{FILM_QUALIFIERS}(?:x-?ray|radiograph\w*|cxr|film|ct|image)\b|"
    # the department told with or without its article, as authors translating "in Pronto Soccorso" / "en Urgencias"
    # write it ("Chest X-ray performed in Emergency Department"), or as "our emergency department"
    # ("CT at the emergency department": the department as the place the film was made, told with "at")
    r"\b(?:x-?rays?|radiographs?|cxrs?|films?|ct)\s+(?:(?:performed|obtained|taken)\s+)?(?:in|at)\s+(?:(?:the|our)\s+)?"
    r"emergency\s+(?:department|room)\b|"
    # the same told by the other verbs of making a film, and with its projection set off before the verb, as non-native
    # authors write it ("Chest X-ray was done in the emergency department", "Chest X-ray, AP projection, done in the
    # emergency department", "CT made in the emergency room")
    r"\b(?:x-?rays?|radiographs?|cxrs?|films?|ct)(?:,\s+(?:AP|PA|antero-?posterior|postero-?anterior)\s+(?:projection|view),)?"
    r"\s+(?:(?:was|were)\s+)?(?:performed|obtained|taken|done|made|acquired|carried\s+out)\s+(?:in|at)\s+"
    r"(?:(?:the|our)\s+)?emergency\s+(?:department|room)\b|"
    # Russian "при поступлении", Turkish "başvuru sırasında" / "başvurusunda", Chinese "入院时" / "入院当天"
    r"\bпри\s+поступлении\b|\bba[şs]vuru\s+s[ıi]ras[ıi]nda\b|\bba[şs]vurusunda\b|入院时|入院当[天日]|"
    r"\ball[’']\s?(?:ingresso|accesso|arrivo)\b|\b(?:RX|TC|CT|radiografia|x-?ray|cxr)(?:\s+(?:del\s+)?torace|\s+chest)?(?:\s+(?:in\s+)?(?:PA|AP|antero-?posteriore|postero-?anteriore))?\s+(?:eseguit[ao]\s+)?(?:in|al)\s+(?:PS|pronto\s+soccorso)\b|\b(?:esegue|eseguit[ao]|effettua|effettuat[ao])\s+in\s+(?:PS|pronto\s+soccorso)\s+(?:una\s+|la\s+)?(?:RX|TC|radiografia)\b|\bal\s+(?:momento\s+del\s+)?ricovero\b|\ball[’']\s?ammissione\b|\bal\s+ingreso\b|\b(?:na|à)\s+(?:admiss[aã]o|interna[cç][aã]o)\b|\bà\s+l[’']admission\b|\bbei\s+Aufnahme\b",
    re.IGNORECASE,
)
# Romance participles of an onset ("febbre e tosse insorte 6 giorni prima", "iniciados hace 3 días").
#: Approximate counts of the Romance histories ("una decina di giorni": about ten days), as the schema
#: counts "a few days" as 5 (``amount_in_days``).
_APPROX_COUNTS = {"decina": 10, "quindicina": 15, "ventina": 20}
_APPROX_COUNT = "(?:" + "|".join(_APPROX_COUNTS) + ")"
_ONSET_PARTICIPLE = r"(?:insort[oaie]|iniziat[oaie]|compars[oaie]|iniciad[oa]s?|comenzad[oa]s?|come[cç]ad[oa]s?)"
ONSET_PARTICIPLE = _ONSET_PARTICIPLE
#: "of fever", "with cough and myalgia": the symptoms a span of "N days of ..." / "48 hours of ..." lasts
#: (up to three words before the first one, "of new-onset dry cough"); not a time from their onset.
_OF_SYMPTOMS = (
    # (not "3 weeks of the onset of symptoms": a time counted from the onset, ``AFTER``'s ``ILLNESS_ONSET``)
    r"(?:of|with)\s+(?:(?!(?:onset|beginning|start)\b)[\w-]+\s+){0,3}?(?:fever|cough|symptoms?|dyspn\w+|malaise|shortness|myalgia|febbre|tosse|pyrexia|"
    r"sore|diarr\w+|fatigue|asthenia|"
    # an older patient's illness told as lethargy, confusion, drowsiness ("2 days of lethargy and reduced oral intake")
    r"letharg\w*|breathless\w*|anosmia|headache|confusion|drowsiness|vomiting)"
    # "within 48 hours of symptom onset", "5 days of fever onset": a time counted from the onset, no span
    r"(?!\w*\s+onset\b)"
)
_HISTORY = compile(
    rf"\b(?P<n>{NUMBER_LIKE}|{_FEW})[- ](?P<unit>{UNIT})[’']?[- ](?:history|duration|course)\b"
    rf"|\bhistory\s+of\s+(?P<n2>{NUMBER_LIKE}|{_FEW})\s+(?P<unit2>{UNIT})\b"
    rf"|\b(?:for|since|over|seit|depuis)\s+(?:the\s+(?:last|past|previous|preceding)\s+|about\s+|approximately\s+|around\s+|almost\s+|nearly\s+|circa\s+)?(?P<n3>{NUMBER_LIKE}|{_FEW})\s+(?P<unit3>{UNIT})\b(?!\s+(?:later|after|before|ago|prior))"
    rf"|\b(?P<n4>{NUMBER_LIKE}|{_FEW})\s+(?P<unit4>{UNIT})\s+{_OF_SYMPTOMS}"
    # ("da una decina di giorni": about ten days, an approximate count as the schema's "a few days")
    rf"|\b(?:da|per)\s+(?:circa\s+|almeno\s+)?(?P<n5>{NUMBER_LIKE}|{_FEW}|una\s+{_APPROX_COUNT}\s+di)\s+(?P<unit5>{UNIT})\b"
    rf"|\b(?:presented|admitted|came|was\s+referred|hospitali[sz]ed)\s+(?:to\s+(?:the\s+|our\s+)?(?:[\w&]+\s+){{1,2}}?)?(?P<n6>{NUMBER_LIKE}|{_FEW})\s+(?P<unit6>{UNIT})\s+after\s+(?:the\s+|his\s+|her\s+)?"
    rf"(?:onset|developing|symptom|first|(?:fever|cough|symptoms?|illness|dyspn\w+)\s+(?:began|begun|started|appeared|onset))"
    rf"|\b(?:present(?:ed|ing|s)|admitted|came|was\s+referred|hospitali[sz]ed)\s+(?:to\s+(?:the\s+|our\s+)?(?:[\w&]+\s+){{1,2}}?)?on\s+(?:the\s+)?(?P<unit9>day)\s+(?P<n9>\d{{1,2}})\s+(?:of|after)\s+(?:the\s+|his\s+|her\s+)?(?:illness|symptoms?|disease|symptom\s+onset|onset)"
    rf"|\bsince\s+(?P<n7>{NUMBER_LIKE})\s+(?P<unit7>{UNIT})\b"
    rf"|\b(?:for|since)\s+(?:about\s+)?(?P<n8>a|one|una|un)\s+(?P<unit8>week|settimana)\b"
    # "fever for the past week", "cough for the last fortnight": one unit
    rf"|\b(?:for|over|(?P<within10>during|in))\s+the\s+(?:last|past|previous|preceding)\s+(?P<unit10>week|fortnight|month)\b"
    # the Spanish "inició hace 7 días con fiebre" calqued, the symptoms after the onset's time: "who initiated 7
    # days ago with fever and dry cough", "started 3 days ago with odynophagia" (a symptom must follow "with" or
    # precede the verb in its sentence: ``_unit_histories``)
    rf"|\b(?:initiated|initiates|started|starts|began|begins|begun|commenced)\s+(?:about\s+|approximately\s+)?"
    rf"(?P<n22>{NUMBER_LIKE})\s+(?P<unit22>{UNIT})\s+(?:ago|back|before)\s+with\b"
    # the Portuguese "há 5 dias", the French "il y a 5 jours" calqued after the symptoms: "fever and myalgia
    # initiated there is 5 days" (a symptom must open the item: ``_unit_histories``)
    rf"|\bthere\s+(?:is|are)\s+(?:about\s+|approximately\s+)?(?P<n23>{NUMBER_LIKE})\s+(?P<unit23>{UNIT})\b"
    r"(?!\s+(?:later|after|before|ago|prior|of|to|until|left|remaining|between|more)\b)"
    # "cough that had begun three days earlier", "symptoms started 2 days ago": an onset told as a time
    # before the narrative's present, the presentation (a symptom must precede it: ``_ONSET_SYMPTOM``)
    # (the approximation in Italian too: "febbre e tosse secca insorte circa una settimana prima")
    rf"|\b(?:began|begun|started|starting|beginning|appeared|developed|commenced|{_ONSET_PARTICIPLE})\s+(?:about\s+|approximately\s+|some\s+|around\s+|circa\s+)?"
    # (the clause may end on the next symptom's "and": "insorte circa una settimana prima e dispnea ...")
    rf"(?P<n11>{NUMBER_LIKE}|{_FEW})\s+(?P<unit11>{UNIT})\s+(?:earlier|ago|fa(?!\w)|previously|(?:before|prima|antes)"
    r"(?=\s*[.,;)]|\s+(?:e|ed|and|y)\s+(?!(?:dopo|after|despu[eé]s)\b)))"
    # the same in Spanish and Portuguese: "tos desde hace 4 días", "febre havia 8 dias" (a symptom before it)
    rf"|\b(?:desde\s+hace|hace|havia|h[aá])\s+(?:cerca\s+de\s+|unos\s+|aproximadamente\s+)?"
    rf"(?P<n12>{NUMBER_LIKE})\s+(?P<unit12>{UNIT})\b"
    # the Spanish and Portuguese history: "tos seca de 5 días de evolución", "com 8 dias de evolução",
    # and its English calque by the same authors ("fever and dyspnoea of one week of evolution"); "de 4 días de
    # duración" and its calque ("dry cough of 4 days of duration")
    rf"|\b(?P<n13>{NUMBER_LIKE}|{_FEW})\s+(?P<unit13>{UNIT})\s+(?:de|of)\s+(?:evolu(?:ci[oó]n|[cç][aã]o|tion)|"
    r"duration|duraci[oó]n|dura[cç][aã]o)\b"
    # the onset itself told as a time before the presentation: "his symptom onset had been 10 days
    # earlier", "onset of fever was 5 days before" (a symptom must precede it: ``_ONSET_SYMPTOM``); in note form
    # without the verb, the symptoms after it: "Symptom onset 9 days prior with fever and loss of smell"
    rf"|\bonset(?:\s+of\s+(?:[\w-]+\s+){{0,2}}?[\w-]+)?\s+(?:(?:had\s+been|was|occurred)\s+)?(?:about\s+|approximately\s+|some\s+)?"
    rf"(?P<n14>{NUMBER_LIKE})\s+(?P<unit14>{UNIT})\s+(?:earlier|ago|previously|(?:before|prior)(?=\s*[.,;)]|\s+with\b))"
    # the Italian onset told first as a time ago: "Circa 6 giorni fa comparsa di febbre" (a symptom
    # must follow the onset's noun: ``_unit_histories``)
    rf"|\b(?P<n15>{NUMBER_LIKE}|{_FEW})\s+(?P<unit15>{UNIT})\s+fa,?\s+(?:(?:la|l[’'])\s*)?"
    rf"(?:comparsa|insorgenza|esordio|inizio)\s+(?:di|dei|della|delle|del)\b"
    # the onset as a time ago right after its symptoms: "fever, myalgia and dry cough from 5 days ago" (the
    # English of Iranian authors), "developed fever 8 days back" (of Indian authors), "cough 3 days ago" (a
    # symptom must end the clause before it: ``_unit_histories``)
    rf"|\b(?:from\s+)?(?:about\s+|approximately\s+)?(?P<n16>{NUMBER_LIKE})\s+(?P<unit16>{UNIT})\s+(?:ago|back)\b"
    # the clinical "times" sign of a span after its symptoms: "Fever and cough x 5 days" (as the shorthand
    # "cough x 3/7"; a symptom must end the clause before it: ``_unit_histories``)
    rf"|(?<!\w)[x\u00d7]\s?(?P<n17>{NUMBER_LIKE})\s+(?P<unit17>{UNIT})\b(?!\s+(?:later|after|before|ago|prior)\b)"
    # the health the illness ended, as clinicians open a history: "He was well until 10 days ago when he
    # developed fever", "in her usual state of health until 4 days before admission, when" (a symptom must
    # follow in its sentence: ``_unit_histories``)
    rf"|\b(?:well|healthy|asymptomatic|(?:usual|normal|good)\s+(?:state\s+of\s+)?health)\s+until\s+"
    rf"(?:about\s+|approximately\s+|some\s+)?(?P<n18>{NUMBER_LIKE}|{_FEW})\s+(?P<unit18>{UNIT})\s+"
    rf"(?:ago|back|earlier|before|prior)\b"
    # the narrative's present told as a time into the illness: "Two weeks into the illness, he presented", "ten days
    # into her illness", "3 days into symptoms" (not "two weeks into the pandemic", "3 days into the ICU stay")
    rf"|\b(?P<n19>{NUMBER_LIKE})\s+(?P<unit19>{UNIT})\s+into\s+(?:(?:the|his|her|their)\s+)?"
    r"(?:(?:COVID(?:-19)?|acute|viral)\s+)?(?:illness|symptoms|disease)\b"
    # the span told by the verb of lasting right after its symptoms: "fever, dry cough and malaise lasting one
    # week", "a cough that had lasted 10 days" (a symptom must open the item: ``_unit_histories``; "lasting for
    # 5 days" is the "for" span's)
    rf"|\b(?:lasting|(?:had\s+|has\s+)?lasted)\s+(?:about\s+|approximately\s+|around\s+|almost\s+|nearly\s+)?"
    rf"(?P<n20>{NUMBER_LIKE}|{_FEW})\s+(?P<unit20>{UNIT})\b(?!\s+(?:later|after|before|ago|prior)\b)"
    # the Italian and Spanish "da 4 giorni", "desde 4 días" calqued in English right after its symptoms: "fever
    # (38.5 °C) from 4 days and cough", "dyspnoea from one week" (a symptom must open the item: ``_unit_histories``)
    rf"|\bfrom\s+(?:about\s+|almost\s+|nearly\s+)?(?P<n21>{NUMBER_LIKE})\s+(?P<unit21>{UNIT})\b"
    r"(?!\s+(?:later|after|before|ago|back|prior|of|to|until|post|earlier|onwards)\b)"
    # the same with the presentation the time counts back from left unsaid, the clause ending there: "with fever,
    # cough and myalgia from three days before." (a symptom must open the item: ``_unit_histories``)
    rf"|\bfrom\s+(?:about\s+|almost\s+|nearly\s+)?(?P<n24>{NUMBER_LIKE})\s+(?P<unit24>{UNIT})\s+(?:before|earlier)"
    r"(?=\s*[.,;)])"
    # the Spanish, Portuguese and Italian "fiebre de 5 días", "tosse di 4 giorni" calqued right after its symptom, no
    # "duration" or "evolution" after it: "with cough and fever of 5 days was admitted", "dyspnoea of one week" (the
    # symptom's word must end right before "of": ``_unit_histories``)
    rf"|\bof\s+(?:about\s+|almost\s+|nearly\s+)?(?P<nof>{NUMBER_LIKE})\s+(?P<unitof>{UNIT})\b(?![’'-])"
    r"(?!\s+(?:later|after|before|ago|back|prior|of|to|until|post|earlier|onwards|old|since|from|into|duration|"
    r"history|course|evolution)\b)",
    re.IGNORECASE,
)
#: The symptom an onset of ``_HISTORY``'s "began N days earlier" belongs to, before it in its sentence:
#: "a rash had appeared two years earlier" or "she had travelled 5 days earlier" tells no onset.
_ONSET_SYMPTOM = compile(
    r"\b(?:fevers?|febrile|cough\w*|symptoms?|dyspn\w+|breathless\w*|shortness\s+of\s+breath|SOB|malaise|myalgia|"
    r"pyrexia|sore\s+throat|diarr\w+|fatigue|asthenia|anosmia|ageusia|headache|chills|illness|letharg\w*|"
    r"febbre|fiebre|febre|tosse|tos|disnea|dispnea|dispneia|mialgias?|sintom\w+|s[ií]ntomas?)\b",
    re.IGNORECASE,
)
#: The illness itself named right before its time ago, as case sites open a later presentation ("COVID-19 two
#: months ago, managed at home", "COVID pneumonia 6 weeks ago"): its onset (``illness_ago``). Only the name with
#: nothing between it and the time (not "a COVID-19 contact 5 days ago").
_ILLNESS_AGO = compile(
    rf"(?<![\w-])(?:(?:mild|moderate|severe)\s+)?(?:COVID(?:-19)?|SARS-CoV-2)(?:\s+(?:infection|pneumonia|illness))?\s+"
    rf"(?:about\s+|approximately\s+)?(?P<n>{NUMBER_LIKE})\s+(?P<unit>{UNIT})\s+(?:ago|back)\b",
    re.IGNORECASE,
)
#: The symptoms' words, for the timeline's own onset phrasings.
SYMPTOM_WORDS = _ONSET_SYMPTOM


#: A treatment or a stay a "for N days" lasts in its clause ("He required oxygen for 6 days", "was
#: ventilated for 10 days", "received dexamethasone for 10 days", "needed CPAP for one week"): no symptom history.
_TREATMENT = compile(
    r"\b(?:oxygen|O2|ventilat\w*|intubat\w*|treated|treatment|therapy|received|given|administered|"
    r"antibiotics?|steroids?|corticosteroids?|dexamethasone|hospitali[sz]ed|stayed|remained|isolat\w+|quarantin\w+|"
    # a respiratory support by its device or acronym ("needed CPAP in the sub-intensive care unit for one week")
    r"CPAP|BiPAP|NIV|NIMV|HFNC|HFNO|ECMO|high[- ]flow|nasal\s+cannula|"
    # a dose's schedule ("started, tapered over 8 weeks", "weaned off over 5 days"): how long a treatment lasted
    r"tapered|tapering|weaned|weaning)\b",
    re.IGNORECASE,
)
#: Where a clause starts within a sentence.
#: What ends one item of a sentence's list of events ("fever for 3 days, treated with oseltamivir and
#: admitted"): every comma and joining word, finer than ``common.clause_at``'s contrastive clauses, which
#: scope a negation across "and" ("no fever and no cough").
_ITEM_BREAK = compile(r"[;,]|\b(?:and|but|then|while|whereas)\b", re.IGNORECASE)


def _item_start(text: str, start: int) -> int:
    """Where the item of the sentence's list holding ``start`` begins (its sentence's start, or the last
    ``_ITEM_BREAK`` before it)."""
    begin = sentence_at(text, start)[0]
    for m in _ITEM_BREAK.finditer(text, begin, start):
        begin = m.end()
    return begin


def illness_ago(text: str) -> tuple[int, re.Match[str]] | None:
    """(days, match) of the illness named at the head of an item with its time ago ("COVID-19 two months
    ago, managed at home. Since then persistent dry cough"): the onset of the illness before a later
    presentation. Not when other words lead the item ("Hospitalised elsewhere with COVID-19 pneumonia two
    weeks ago": the time of the stay) or tell another person's illness."""
    for m in _ILLNESS_AGO.finditer(text):
        if text[_item_start(text, m.start()):m.start()].strip() or about_other_person(text, m.start(), m.end()):
            continue
        amount = amount_in_days(m.group("n"), m.group("unit")) if is_amount(m.group("n")) else None
        if amount is not None:
            return amount, m
    return None


#: A drug by its name's ending (antivirals -vir, antibodies -mab, macrolides -mycin, penicillins -cillin,
#: quinolines -quine, corticosteroids -sone / -olone, heparins -parin, quinolones -floxacin, -cycline, -azole): in a
#: list after "received" ("he received dexamethasone, remdesivir for 5 days and heparin"), how long it was given.
_DRUG = compile(r"\b[a-z]{3,}(?:vir|mab|mycin|cillin|quine|sone|olone|parin|floxacin|cycline|azole)\b", re.IGNORECASE)


#: A span told from its start ("since 8 days", "seit 6 Tagen", "depuis 5 jours"): a stay or a treatment lasts "for" N
#: days; "since" dates a state from its beginning.
_SINCE_SPAN = compile(r"(?:since|seit|depuis)\b", re.IGNORECASE)


def _symptom_since(text: str, m: re.Match[str]) -> bool:
    """True when the span ``m`` is told with "since" and a symptom stands between the item's last treatment or stay
    word and it: "hospitalised for a fever evolving since 8 days" (the fever's span, the stay only its reason),
    unlike "hospitalised since 8 days" or "on oxygen since 3 days"."""
    if not _SINCE_SPAN.match(text, m.start()):
        return False
    treatments = list(_TREATMENT.finditer(text, _item_start(text, m.start()), m.start()))
    return bool(treatments) and _ONSET_SYMPTOM.search(text, treatments[-1].end(), m.start()) is not None \
        and _DRUG.search(text, treatments[-1].end(), m.start()) is None


def _treatment_before(text: str, start: int) -> bool:
    """A treatment word between the clause's start and ``start``, or a drug's name right before it."""
    item = _item_start(text, start)
    return _TREATMENT.search(text, item, start) is not None or _DRUG.search(text, item, start) is not None


# Other moments an image can be from: with one of these beside "on admission" the note is about
# several images.
OTHER_TIME = compile(
    rf"\bat\s+{NUMBER}\s+{UNIT}\b|\bat\s+(?:the\s+|her\s+|his\s+)?{NUMBER}[-\u2010\u2011\s]{UNIT}\s+follow[-\u2010\u2011\s]?up\b|\bover\s+the\s+(?:next|following)\s+{NUMBER}\s+{UNIT}|\bpost-?mortem|\bon\s+(?:day|hospital\s+day)\b",
    re.IGNORECASE,
)
#: Verbs telling an exam done ("esegue RX torace", "TC eseguita", "CT performed"): read by the SIRM parser
#: (a paragraph telling an exam) and by the timeline ("Due giorni dopo esegue TC": "dopo" closes the
#: interval, the verb after it is no moment it counts from).
EXAM_DONE_VERBS = (r"(?:esegue|eseguit[oaie]|effettua|effettuat[oaie]|sottopost[oaie]\s+a|ripete|performed|underwent|"
                   r"obtained)")

# A sentence about a film names it: its modality, or a plain "image(s)", "picture" ("Picture was taken
# five days after onset of symptoms", as case sites' authors caption a figure); a "clinical picture"
# is the patient's state, not a film.
IMAGE_WORDS = compile(
    r"\b(?:radiograph\w*|x-?rays?|cxr|ct|hrct|scan|film|images?|imaging|rx|tc|radiografia|tomograph\w*|"
    r"(?<!clinical\s)pictures?)\b",
    re.IGNORECASE,
)


def is_amount(token: str) -> bool:
    """A number (digits or a number word) or a "few" word: what NUMBER_LIKE matched is one."""
    token = token.lower().strip()
    return parse_int(token) is not None or re.fullmatch(_FEW, token, re.IGNORECASE) is not None


def amount_in_days(token: str, unit: str) -> int | None:
    """Days of "``token`` ``unit``" ("3 weeks": 21, "a few days": 5), or None (no number, "a few weeks")."""
    token = token.lower().strip()
    if re.fullmatch(_FEW, token, re.IGNORECASE):
        number = 5  # the schema's convention: "a few days" is 5 days
        if not unit.lower().startswith(("d", "g", "j", "t")):
            return None  # "a few weeks" has no convention
    else:
        approx = re.fullmatch(rf"una\s+({_APPROX_COUNT})\s+di", token)
        number = _APPROX_COUNTS[approx.group(1)] if approx else parse_int(token)
        if number is None:
            return None
    factor = UNIT_DAYS.get(unit.lower())
    if factor is None:
        factor = 7 if unit.lower().startswith(("sett", "sem", "woch")) else 1
    return number * factor


UNIT_RE = compile(rf"\b{UNIT}\b", re.IGNORECASE)
# the characters a match can start with (gate() in common)
UNIT_RE = gate(UNIT_RE, "[dgjtwsmf]")
DAY_N = gate(DAY_N, r"[haidspgjt\d]")
AT_ADMISSION = gate(AT_ADMISSION, "[oaudibpàrtcxnfeп入]")
#: A word every match of ``AT_ADMISSION`` holds (its noun: "admission", "initial", "PS", "ricovero"...):
#: the gate's first letters open most words of a note, so a whole scan tries the pattern nearly
#: everywhere; ``at_admission`` scans only around these words.
_AT_ADMISSION_WORD = compile(
    r"\b(?:admission|presentation|arrival|hospitali[sz]ation|initial|baseline|presenting|index|ingresso|accesso|"
    r"arrivo|PS|pronto|ricovero|ammissione|ingreso|admiss[aã]o|interna[cç][aã]o|Aufnahme|emergency|"
    r"поступлении|ba[şs]vuru\w*)\b|入院",
    re.IGNORECASE,
)
_AT_ADMISSION_WORD = gate(_AT_ADMISSION_WORD, "[abhipreп入]")  # the first letters of those words


@lru_cache(maxsize=4096)
def at_admission(text: str) -> tuple[re.Match[str], ...]:
    """The matches of ``AT_ADMISSION`` in ``text`` (the same as its ``finditer``), found once per
    note: a row's offset and its date read them both. A match runs at most ~40 characters before
    its noun ("at the time of their hospital admission", "radiografia del torace eseguita in PS")
    and ~30 after it ("initial chest radiograph")."""
    return tuple(finditer_near(AT_ADMISSION, text, _AT_ADMISSION_WORD, 60, 60))
OTHER_TIME = gate(OTHER_TIME, "[aop]")
#: Gate of the offset patterns: a time unit (lower case) must be in the text.
# ("gg": the Italian notes' "da 3 gg", days)
UNIT_KEYS = ("day", "giorn", "gg", "dí", "dia", "jour", "tag", "week", "sett", "semana", "semaine", "woche",
             "fortnight", "month", "mes")


#: "fever since yesterday", "da ieri dispnea": a symptom of the day before the presentation (one day;
#: the sentence must name the symptom, ``_ONSET_SYMPTOM``).
_SINCE_YESTERDAY = compile(r"\b(?:since|from)\s+yesterday\b|\bda\s+ieri\b|\bdesde\s+(?:ayer|ontem)\b", re.IGNORECASE)
_SINCE_YESTERDAY = gate(_SINCE_YESTERDAY, "[sfd]")
#: Amounts that give no number of days: "for several days", "da alcuni giorni" is not the schema's "a
#: few days" (5); the sample's curators left such a history without an onset.
_VAGUE_AMOUNT = compile(r"several|some|alcun[ie]|qualche|einige[n]?", re.IGNORECASE)


#: A history in hours: "fever and cough for 48 hours", "febbre da 72 ore" (whole days only: "for 36
#: hours" tells no day; under a day is day 0). Not a time after something ("48 hours later", "dopo 48
#: ore", "a 24 ore dall'ingresso" are films' moments).
_HOURS_HISTORY = compile(
    r"\b(?:for|over|since|da|per)\s+(?:the\s+(?:last|past|previous|preceding)\s+|about\s+|approximately\s+|circa\s+)?"
    r"(?P<h>\d{1,3})\s*(?:hours?|hrs?|h|ore)\b(?!\s+(?:later|after|before|ago|prior|dopo|prima|dall?[’']?))"
    # the span before its symptoms, as "3 days of fever" in days: "48 hours of fever, sore throat and cough",
    # "a 72-hour history of fever"
    rf"|\b(?P<h2>\d{{1,3}})[- ](?:hours?|hrs?)\s+{_OF_SYMPTOMS}"
    r"|\b(?P<h3>\d{1,3})[- ]hours?[’']?[- ](?:history|duration)\b",
    re.IGNORECASE,
)
_HOURS_HISTORY = gate(_HOURS_HISTORY, r"[fosdp\d]")


def _hour_histories(text: str) -> Iterator[tuple[int, re.Match[str]]]:
    for m in _HOURS_HISTORY.finditer(text):
        hours = int(m.group("h") or m.group("h2") or m.group("h3"))
        if ((hours < 24 or hours % 24 == 0) and _ONSET_SYMPTOM.search(text, *sentence_at(text, m.start()))
                and not _treatment_before(text, m.start()) and not about_other_person(text, m.start(), m.end())):
            yield hours // 24, m


def _yesterday_histories(text: str) -> Iterator[tuple[int, re.Match[str]]]:
    if has_any(text_context(text).lower, ("yesterday", "ieri", "ayer", "ontem")):
        for m in _SINCE_YESTERDAY.finditer(text):
            if _ONSET_SYMPTOM.search(text, *sentence_at(text, m.start())) and not about_other_person(
                    text, m.start(), m.end()):
                yield 1, m


#: A history in the British clinical shorthand of spans, days over 7, weeks over 52, months over 12:
#: "SOB and fever 5/7", "SOB, fever 10/7", "cough x 3/7", "2/7 fever", "a 1/52 history of fever", "2/12 of
#: cough" (the timeline reads the same shorthand in study labels, "3/7 later"). Not a date ("dal 5/7", "on
#: 1/12"), a ratio ("5/7 patients"), nor a time after something ("3/7 later", "2/52 post discharge"). The
#: clinician's "x" (for) may be glued to the span, as to a span in words ("fever x1/52", "cough x3/7", as "x5 days").
_SHORTHAND_HISTORY = compile(
    r"(?:(?<![\d/.,])\b|(?<=\bx))(?P<n>\d{1,2})\s?/\s?(?P<per>7|52|12)\b(?![/.,]?\d)"
    r"(?!\s+(?:later|after|post|ago|prior|before|dopo|prima|patients?|cases?|pazienti|casi)\b)",
    re.IGNORECASE,
)
_SHORTHAND_HISTORY = gate(_SHORTHAND_HISTORY, r"\d")
_SHORTHAND_DAYS = {"7": 1, "52": 7, "12": 30}
#: What a shorthand span follows or opens, in its clause: the symptom it lasts ("fever 5/7", "cough x
#: 3/7") or the history it is ("1/52 history", "2/12 of cough"), or the symptom it heads, as a clinician
#: lists them ("2/7 fever, cough and SOB", "1/7 productive cough").
_SHORTHAND_AFTER = compile(r"\s+(?:(?P<history>hx|history)\b|(?:of|with)\s|(?P<symptom>(?:[a-z]+[- ])?)(?=[a-z]))",
                           re.IGNORECASE)


def shorthand_days(n: int, per: str) -> int | None:
    """The days of a shorthand span of ``n`` over ``per`` ("3/7": 3, "10/7": 10, "1/52": 7), or None when
    the count is no such span: none, or more days than four weeks (clinicians count those in weeks, "6/52"),
    or more weeks or months than the year has ("53/52")."""
    limit = 28 if per == "7" else int(per)
    return n * _SHORTHAND_DAYS[per] if 0 < n <= limit else None


_SHORTHAND_DATE_BEFORE = compile(
    r"\b(?:on|since|from|dal|del|il|al|in\s+data|date[d]?|dated)\s+(?:the\s+)?$", re.IGNORECASE)


def _shorthand_histories(text: str) -> Iterator[tuple[int, re.Match[str]]]:
    if "/" not in text:
        return
    for m in _SHORTHAND_HISTORY.finditer(text):
        days = shorthand_days(int(m.group("n")), m.group("per"))
        if days is None or _SHORTHAND_DATE_BEFORE.search(text, max(0, m.start() - 20), m.start()):
            continue
        # its clause cut at punctuation only: "SOB and fever 5/7" is one span of both symptoms
        s_start = sentence_at(text, m.start())[0]
        clause_start = max(s_start, text.rfind(",", s_start, m.start()) + 1, text.rfind(";", s_start, m.start()) + 1)
        after = _SHORTHAND_AFTER.match(text, m.end())
        if after is None:
            opens = False
        elif after.group("symptom") is not None:  # the symptom right after it, one word between at most
            opens = any(_ONSET_SYMPTOM.match(text, i) is not None for i in (after.start("symptom"), after.end()))
        else:
            opens = after.group("history") is not None or _ONSET_SYMPTOM.search(
                text, after.end(), min(len(text), after.end() + 40)) is not None
        told = opens or _ONSET_SYMPTOM.search(text, clause_start, m.start()) is not None
        if told and not _treatment_before(text, m.start()) and not about_other_person(text, m.start(), m.end()):
            yield days, m


#: Histories in the languages whose unit is a suffix or has no word break: Turkish "3 gündür" (for 3 days),
#: Russian "в течение 5 дней" and the admission "поступила ... на 4-е сутки болезни" (on day 4 of the illness),
#: Chinese "发热伴咳嗽3天" (a symptom, then its days; not "3天后", three days after).
_OTHER_SCRIPT_HISTORY = compile(
    r"\b(?P<n>\d{1,3})\s+(?P<unit>gün)(?:d[üu]r|t[üu]r)\b"
    r"|\bв\s+течение\s+(?P<n2>\d{1,3})\s+(?P<unit2>дней|дня|суток)\b"
    r"|\b(?:поступил\w*|госпитализирован\w*|обратил\w*)\b[^.;]{0,40}?\bна\s+(?P<n3>\d{1,2})-?(?:[еийя]|ые)?\s+"
    r"(?P<unit3>сутки|день)\s+(?:от\s+начала\s+)?(?:болезни|заболевания)\b"
    r"|(?:发热|发烧|咳嗽|乏力|气促|胸闷|腹泻|症状)[^。；，,;“”]{0,8}?(?P<n4>\d{1,2})\s*(?P<unit4>天|日|周)(?![后前])",
    re.IGNORECASE,
)
_OTHER_SCRIPT_KEYS = ("gün", "течение", "сутки", "день", "天", "日", "周")


def _other_script_histories(text: str) -> Iterator[tuple[int, re.Match[str]]]:
    if not has_any(text_context(text).lower, _OTHER_SCRIPT_KEYS):
        return
    for m in _OTHER_SCRIPT_HISTORY.finditer(text):
        i = next(i for i in ("", "2", "3", "4") if m.group("n" + i))
        amount = amount_in_days(m.group("n" + i), m.group("unit" + i))
        if amount is not None and not about_other_person(text, m.start(), m.end()):
            yield amount, m


#: A span in the American clinicians' abbreviated units after the "times" sign or "for", its symptoms before it:
#: "Fever, dry cough and SOB x 6d", "cough x2wk", "fever for 5d", "SOB x 3 wks", "malaise x1mo" (as "x 5 days").
_ABBREVIATED_SPAN = compile(
    r"(?:(?<!\w)[x\u00d7]\s?|\bfor\s+)(?P<n>\d{1,2})\s?(?P<unit>d|dys?|w|wks?|mos?)\b(?![/.]?\d)"
    r"(?!\s+(?:later|after|before|ago|prior|post)\b)", re.IGNORECASE)
_ABBREVIATED_SPAN = gate(_ABBREVIATED_SPAN, r"[xf\u00d7]")
_ABBREVIATED_DAYS = {"d": 1, "w": 7, "m": 30}


def _abbreviated_unit_histories(text: str) -> Iterator[tuple[int, re.Match[str]]]:
    for m in _ABBREVIATED_SPAN.finditer(text):
        if (_ONSET_SYMPTOM.search(text, _item_start(text, m.start()), m.start())
                and not _treatment_before(text, m.start()) and not about_other_person(text, m.start(), m.end())):
            yield int(m.group("n")) * _ABBREVIATED_DAYS[m.group("unit")[0].lower()], m


def _history_kinds(text: str) -> tuple[Iterator[tuple[int, re.Match[str]]], ...]:
    """The histories of each kind, each in text order (whether one match is a history does not
    depend on the others): "da ieri", a span in days or weeks, a span in hours, a span in the
    clinical shorthand ("5/7"), a span in abbreviated units ("x 6d")."""
    return (_yesterday_histories(text), _unit_histories(text), _hour_histories(text), _shorthand_histories(text),
            _other_script_histories(text), _abbreviated_unit_histories(text))


@lru_cache(maxsize=4096)
def symptom_histories(text: str) -> tuple[tuple[int, re.Match[str]], ...]:
    """Every symptom history of the text ("four-day history of cough", "fever for 3 days", "dispnea
    da ieri"), in text order: its days and match. A vague amount ("for several days") gives none."""
    return tuple(sorted(chain(*_history_kinds(text)), key=lambda h: h[1].start()))


#: The lower end of a range right before a span's number ("a 3-4 day history of fever", "a 3 to 4-day history", "a
#: three- to four-day history", "2 or 3 weeks of cough"): the span is the range's, told without one day.
#: A range's end as authors write it, a number or one spelled up to twelve (also ``timeline._RANGE_HISTORY``'s).
RANGE_NUMBER = r"(?:\d{1,2}|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)"
_RANGE_OPENING = compile(
    rf"(?<![\w.,/-]){RANGE_NUMBER}"
    r"(?:[- ](?:days?|weeks?|months?))?-?\s*(?:-|\u2013|to|or)\s*$",
    re.IGNORECASE)


#: A symptom's word ending right before a position (a temperature in brackets between: "fever (39 °C) of 5 days").
_SYMPTOM_ENDS = compile(r"(?:" + _ONSET_SYMPTOM.pattern + r")(?:\s*\([^()]{1,20}\))?\s*\Z", re.IGNORECASE)
_SYMPTOM_ENDS_CHARS = 60


def _symptom_right_before(text: str, at: int) -> bool:
    """Whether a symptom's word ends right before ``at`` ("cough and fever| of 5 days"), a bracket between."""
    return _SYMPTOM_ENDS.search(text[max(0, at - _SYMPTOM_ENDS_CHARS):at]) is not None


def _unit_histories(text: str) -> Iterator[tuple[int, re.Match[str]]]:
    if not has_any(text_context(text).lower, UNIT_KEYS):
        return
    for m in finditer_near(_HISTORY, text, UNIT_RE, 70, 90):
        for i in ("", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12", "13", "14", "15", "16", "17",
                  "18", "19", "20", "21", "22", "23", "24", "of"):
            n = "one" if i == "10" and m.group("unit10") else m.group("n" + i) if i != "10" else None
            if n:
                if i in ("11", "12", "14") and not _ONSET_SYMPTOM.search(text, sentence_at(text, m.start())[0],
                                                                         m.start() if i != "14" else m.end()):
                    break
                if i == "15" and not _ONSET_SYMPTOM.search(text, m.end(), min(m.end() + 30, len(text))):
                    break  # "3 giorni fa comparsa di" a rash, a pain: no illness's onset
                if i in ("16", "17", "20", "21", "24") and not _ONSET_SYMPTOM.search(
                        text, _item_start(text, m.start()), m.start()):
                    break  # "her CT from 5 days ago", "admitted 3 days back": no onset of the illness
                if i == "22" and not (_ONSET_SYMPTOM.match(text, m.end() + 1) or _ONSET_SYMPTOM.search(
                        text, m.end(), min(m.end() + 40, sentence_at(text, m.start())[1]))
                        or _ONSET_SYMPTOM.search(text, sentence_at(text, m.start())[0], m.start())):
                    break  # "started 3 days ago with a fall": no onset of the illness
                if i == "23" and not _ONSET_SYMPTOM.search(text, _item_start(text, m.start()), m.start()):
                    break
                if i == "of" and not _symptom_right_before(text, m.start()):
                    break  # "a stay of 10 days", "a course of 5 days": no span of a symptom
                if i == "18" and not _ONSET_SYMPTOM.search(text, m.end(), sentence_at(text, m.start())[1]):
                    break  # "well until 2 weeks ago, when she fell": no onset of the illness
                if i == "10" and m.group("within10") and not _ONSET_SYMPTOM.search(
                        text, *sentence_at(text, m.start())):
                    # "Several residents had tested positive in the previous week": a time within which
                    # something happened is the illness's only with a symptom in its sentence
                    break
                if i in ("3", "8", "17", "20", "21", "24") and _treatment_before(text, m.start()) \
                        and not _symptom_since(text, m):
                    break  # "required oxygen for 6 days": how long a treatment lasted, not the illness
                if _VAGUE_AMOUNT.fullmatch(n):
                    break
                if i != "10" and _RANGE_OPENING.search(text, max(0, m.start("n" + i) - 24), m.start("n" + i)):
                    break  # "a 3-4 day history", "a three- to four-day history": a range, no one day (its upper end)
                amount = amount_in_days(n, m.group("unit" + i))
                if amount is not None and not about_other_person(text, m.start(), m.end()):
                    yield amount, m
                break


def symptom_history(text: str) -> tuple[int, re.Match[str]] | None:
    """The text's first symptom history ("four-day history of cough", "fever for 3 days"): its days and
    match. The first of each kind's first, so that no kind is scanned past its first history (most
    callers want only this one; ties keep ``symptom_histories``' order)."""
    firsts = [h for h in (next(kind, None) for kind in _history_kinds(text)) if h is not None]
    return min(firsts, key=lambda h: h[1].start()) if firsts else None
