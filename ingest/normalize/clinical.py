"""Clinical Y/N flags and the RT-PCR evidence rule.

Every flag is read the same way: phrases that mean Y are found, each one is checked for negation
("was not intubated" is N), hypotheticals ("may need intubation" says nothing) and other people
("her husband was admitted to ICU" says nothing about the patient). Y and N together leave the
field blank, with the two spans as evidence for the reviewer.

``intubation_present`` and ``in_icu`` are about the moment of the image, so only present-tense or
device evidence counts for them ("ETT tip above the carina", "the patient is intubated"); the
caller passes the part of the note about that image.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from exports.schema import RT_PCR_VALUES, YES_NO_VALUES

from .common import Normalized, about_other_person, has_any, blank, clause_at, found, hypothetical, negated, sentence_at

YES, NO = YES_NO_VALUES
PCR_YES, PCR_NO, PCR_UNCLEAR = RT_PCR_VALUES


@dataclass(frozen=True)
class FlagRule:
    name: str
    version: int
    yes: re.Pattern[str]
    #: Phrases that state N by themselves ("failed extubation"), not by negating a yes phrase.
    no: re.Pattern[str] | None = None
    #: Whether "not <yes phrase>" means N (true for "not intubated", false for "not discharged").
    negation_means_no: bool = True
    #: Lower-case words without one of which ``yes`` (``no``) cannot match: a cheap gate that
    #: skips the regex scan. Empty: always scan.
    yes_keys: tuple[str, ...] = ()
    no_keys: tuple[str, ...] = ()


def _flag(rule: FlagRule, text: str) -> Normalized:
    yes_hits: list[tuple[int, int]] = []
    no_hits: list[tuple[int, int]] = []
    skipped: tuple[int, int, str] | None = None
    low = text.lower()
    for pattern, is_yes, keys in ((rule.yes, True, rule.yes_keys), (rule.no, False, rule.no_keys)):
        if pattern is None or (keys and not has_any(low, keys)):
            continue
        for m in pattern.finditer(text):
            start, end = m.span()
            if about_other_person(text, start, end):
                skipped = skipped or (start, end, "about someone other than the patient")
                continue
            if hypothetical(text, start):
                skipped = skipped or (start, end, "hypothetical or hedged statement")
                continue
            if negated(text, start, end):
                if is_yes and rule.negation_means_no:
                    no_hits.append((start, end))
                elif not is_yes:
                    skipped = skipped or (start, end, "negated negative statement")
                else:
                    skipped = skipped or (start, end, "negation does not say the opposite")
                continue
            (yes_hits if is_yes else no_hits).append((start, end))
    if yes_hits and no_hits:
        first = min(yes_hits[0][0], no_hits[0][0])
        last = max(yes_hits[0][1], no_hits[0][1])
        return blank("the text says both yes and no", text, first, last, f"{rule.name}.conflict", rule.version)
    if yes_hits:
        start, end = yes_hits[0]
        return found(YES, text, start, end, f"{rule.name}.stated", rule.version)
    if no_hits:
        start, end = no_hits[0]
        c_start, c_end = clause_at(text, start)
        return found(NO, text, max(c_start, start - 40), end, f"{rule.name}.negated", rule.version)
    if skipped:
        return blank(skipped[2], text, skipped[0], skipped[1], rule.name, rule.version)
    return Normalized(None)


_I = re.IGNORECASE

INTUBATED = FlagRule(
    "intubated",
    1,
    re.compile(
        r"\b(?:re-?)?intubat\w*|\bintubazione\b|\bintubaci[oó]n\b|\bintubiert\b|\bIOT\b|"
        r"\bmechanical(?:ly)?\s+ventilat\w*|(?<!non-)(?<!non\s)\binvasive\s+(?:mechanical\s+)?ventilation|"
        r"\bventilator\b|\bventilazione\s+(?:meccanica|invasiva)|\bventilaci[oó]n\s+mec[aá]nica|"
        r"\bendotracheal\s+tube|\bET\s?T\b|\bET\s+tube|\btracheostomy|\btracheotomy|\btracheostomia|\bextubat\w*|\bestubat\w*",
        _I,
    ),
    yes_keys=("intubat", "intubaz", "intubaci", "intubiert", "iot", "ventilat", "ventilaz", "ventilaci", "ventilator", "endotracheal", "ett", "et t", "et tube", "tracheost", "tracheot", "extubat", "estubat"),
)
INTUBATION_PRESENT = FlagRule(
    "intubation_present",
    1,
    re.compile(
        r"\bendotracheal\s+tube|\bET\s?T\b|\bET\s+tube|\btracheostomy\s+tube|\btubo\s+(?:endo|oro)tracheale|"
        r"\b(?:is|remains|still|currently|now)\s+intubated|\bintubated\s+(?:patient|and\s+ventilated)|"
        r"\bpatient\s+intubated|\bpaziente\s+intubat[oa]",
        _I,
    ),
    re.compile(r"\bextubated\s+since|\bhas\s+been\s+extubated|\bnow\s+extubated|\bremoval\s+of\s+the\s+endotracheal\s+tube", _I),
    yes_keys=("endotracheal", "ett", "et t", "et tube", "tracheostomy", "tubo", "intubat"),
    no_keys=("extubat", "endotracheal"),
)
WENT_ICU = FlagRule(
    "went_icu",
    1,
    re.compile(
        r"\b(?:ICU|ITU|CCU|MICU|SICU|UCI|UTI)\b|\bintensive\s+care|\bcritical\s+care\s+unit|\bterapia\s+intensiva|"
        r"\brianimazione|\bcuidados\s+intensivos|\bsoins\s+intensifs|\br[ée]animation\b|\bIntensivstation",
        re.IGNORECASE,
    ),
    yes_keys=("icu", "itu", "ccu", "uci", "uti", "intensi", "critical", "rianimazione", "animation"),
)
IN_ICU = FlagRule(
    "in_icu",
    1,
    re.compile(
        r"\b(?:is|was|remains|still|currently|now)\s+(?:in|on)\s+(?:the\s+)?(?:ICU|ITU|intensive\s+care)|"
        r"\bin\s+(?:the\s+)?(?:ICU|ITU)\b|\bin\s+(?:the\s+)?intensive\s+care\s+unit|\bin\s+terapia\s+intensiva|\bin\s+rianimazione",
        _I,
    ),
    re.compile(
        r"\b(?:stepped|transferred|moved|discharged)\s+(?:down\s+)?(?:out\s+)?from\s+(?:the\s+)?(?:ICU|ITU|HDU|intensive\s+care)|"
        r"\bon\s+the\s+(?:general\s+)?ward\b",
        _I,
    ),
    yes_keys=("icu", "itu", "intensi", "rianimazione"),
    no_keys=("icu", "itu", "hdu", "intensive", "ward"),
)
NEEDED_SUPPLEMENTAL_O2 = FlagRule(
    "needed_supplemental_O2",
    1,
    re.compile(
        r"\bsupplement\w*\s+(?:oxygen\w*|O2)|\boxygen\s+supplement\w*|\b(?:oxygen|O2)\s+therapy|\boxygenotherapy|"
        r"\bnasal\s+(?:cannula|prongs)|\bnon-?rebreather|\bventuri\b|\bhigh[- ]flow|\bHFNC\b|\bHFNO\b|\bCPAP\b|\bBiPAP\b|\bNIV\b|"
        r"\bnon-?invasive\s+ventilation|\b\d+\s*(?:L|l|litres|liters)(?:/min|\s+per\s+minute)?\s+(?:of\s+)?(?:O2|oxygen)|"
        r"\boxygen\s+(?:requirements?|via|by\s+mask|mask|through)|\b(?:requir\w+|needing|needed|dependent\s+on|on)\s+(?:supplemental\s+)?oxygen\b|"
        r"\bossigenoterapia|\bossigeno\s+terapia|\bsupporto\s+(?:di\s+)?(?:ossigeno|O2)|\boxigenoterapia",
        _I,
    ),
    yes_keys=("supplement", "oxygen", "o2", "nasal", "rebreather", "venturi", "high flow", "high-flow", "hfnc", "hfno", "cpap", "bipap", "niv", "invasive", "ossigen", "oxigen"),
)
EXTUBATED = FlagRule(
    "extubated",
    1,
    re.compile(r"\bextubat\w*|\bestubat\w*|\bweaned\s+(?:off|from)\s+(?:the\s+)?(?:ventilator|mechanical\s+ventilation)", _I),
    re.compile(r"\bfailed\s+extubation|\bre-?intubat\w*", _I),
    yes_keys=("extubat", "estubat", "weaned"),
    no_keys=("extubation", "intubat"),
)
SURVIVAL = FlagRule(
    "survival",
    1,
    re.compile(
        r"\bdischarged|\bdischarge\s+home|\bsent\s+home|\bwent\s+home|\brecovered|\b(?:full|complete|good)\s+recovery|"
        r"\bsurvived|\bdimess[oa]\b|\bguarit[oa]\b|\bdado\s+de\s+alta|\bentlassen\b",
        _I,
    ),
    re.compile(
        r"\bdied|\bdeath\b|\bdeceased|\bpassed\s+away|\bexpired|\bsuccumbed|\bexitus|\bdecedut[oa]|\bdecesso|\bmort[oa]\b|"
        r"\bfalleci\w+|\bmuri[oó]\b|\bd[ée]c[ée]d[ée]|\bverstorben|\bpost-?mortem|\bautopsy|\bdid\s+not\s+survive",
        _I,
    ),
    negation_means_no=False,
    yes_keys=("discharge", "home", "recover", "survived", "dimess", "guarit", "alta", "entlassen"),
    no_keys=("died", "death", "deceased", "passed away", "expired", "succumbed", "exitus", "decedut", "decesso", "mort", "falleci", "muri", "déc", "decede", "decéd", "verstorben", "mortem", "autopsy", "did not survive"),
)

FLAG_RULES = {r.name: r for r in (INTUBATED, INTUBATION_PRESENT, WENT_ICU, IN_ICU, NEEDED_SUPPLEMENTAL_O2, EXTUBATED, SURVIVAL)}


@lru_cache(maxsize=8192)
def normalize_intubated(text: str, **_context) -> Normalized:
    """Y if intubated or mechanically ventilated at any point (extubation implies it); N if negated."""
    return _flag(INTUBATED, text)


@lru_cache(maxsize=8192)
def normalize_intubation_present(text: str, **_context) -> Normalized:
    """Y if the patient is intubated at the time of the image (tube seen or stated in the present)."""
    return _flag(INTUBATION_PRESENT, text)


@lru_cache(maxsize=8192)
def normalize_went_icu(text: str, **_context) -> Normalized:
    """Y if the patient was in an ICU/CCU at any point. Intubation alone does not imply it."""
    return _flag(WENT_ICU, text)


@lru_cache(maxsize=8192)
def normalize_in_icu(text: str, **_context) -> Normalized:
    """Y if the patient is in the ICU at the time of the image."""
    return _flag(IN_ICU, text)


@lru_cache(maxsize=8192)
def normalize_needed_supplemental_o2(text: str, **_context) -> Normalized:
    """Y if supplemental oxygen was given at any point; "on room air" alone says nothing."""
    return _flag(NEEDED_SUPPLEMENTAL_O2, text)


@lru_cache(maxsize=8192)
def normalize_extubated(text: str, **_context) -> Normalized:
    """Y if successfully extubated; N for a failed extubation or a negated one."""
    return _flag(EXTUBATED, text)


@lru_cache(maxsize=8192)
def normalize_survival(text: str, **_context) -> Normalized:
    """Y if discharged/recovered, N if the patient died; both leave it blank."""
    return _flag(SURVIVAL, text)


# --- RT-PCR ----------------------------------------------------------------------------------------

RT_PCR_VERSION = 1

# A named nucleic-acid test. Italian "PCR" is usually C-reactive protein ("PCR 95 mg/L"), so a
# bare PCR followed by a number, a unit or a comparison is not a test.
_TEST = re.compile(
    r"\b(?:rRT-PCR|RT-?PCR|qRT-PCR|qPCR|real[- ]time\s+(?:reverse[- ]transcri\w+[- ])?(?:[- ]?polymerase\s+chain\s+reaction|PCR)|"
    r"reverse[- ]transcri\w+[- ]+polymerase[- ]+chain[- ]+reaction|polymerase\s+chain\s+reaction|"
    r"PCR(?!\s*[:=]?\s*(?:[<>≤≥]?\s*\d|mg|value|level|\())|"
    r"nucleic\s+acid(?:\s+(?:test|amplification|testing|detection))?|NAAT|swabs?|tampon[ei]|tamponi|hisopo|frotis|Abstrich|"
    r"buffer|viral\s+RNA|RNA\s+(?:of|for|di)\s+SARS|SARS-CoV-2\s+RNA|PCR\s+testing)\b",
    re.IGNORECASE,
)
_POSITIVE = re.compile(
    r"\b(?:positiv\w*|detected|detectable|rilevat[oa]|confirmed|confermat[oa]|revealed|showed|was\s+\+|\+ve)\b|\(\+\)|\+\s*ve\b",
    re.IGNORECASE,
)
_NEGATIVE = re.compile(r"\b(?:negativ\w*|not\s+detected|undetectable|non\s+rilevat[oa]|-ve)\b|\(-\)", re.IGNORECASE)
# A negative result that follows a positive one ("repeat RT-PCR was negative", "became RT-PCR -ve")
# says nothing against the diagnosis, so it is not N.
_LATER_NEGATIVE = re.compile(
    r"\b(?:repeat\w*|again|became|turned|subsequent\w*|follow-?up|second|third|twice|consecutive|two\s+\w+\s+negative|"
    r"discharg\w*|converted|clearance|false[- ]negative|initial(?:ly)?)\b",
    re.IGNORECASE,
)
_COVID = r"(?:COVID-?19|COVID|SARS-?CoV-?2|2019-nCoV|nCoV|novel\s+coronavirus|coronavirus)"
# Positive without a test: the maintainers' "Unclear".
_UNNAMED_POSITIVE = re.compile(
    rf"\b(?:confirmed|tested\s+positive|test\w*\s+(?:was\s+)?positive|positive\s+(?:for|to)\s+{_COVID}|{_COVID}[- ](?:positive|confirmed)|"
    rf"confirmed\s+(?:case\s+of\s+)?{_COVID}|{_COVID}\s+(?:infection\s+)?(?:was|has\s+been)\s+confirmed|positiv[oa]\s+(?:al|per)\s+{_COVID})",
    re.IGNORECASE,
)


#: Gates: a test word, and the words of an unnamed positive.
_TEST_KEYS = ("pcr", "polymerase", "nucleic", "naat", "swab", "tampon", "hisopo", "frotis", "abstrich", "buffer", "rna")
_UNNAMED_KEYS = ("confirm", "positiv")


@lru_cache(maxsize=8192)
def normalize_rt_pcr_positive(text: str, **_context) -> Normalized:
    """The maintainers' evidence rule: Y only for an explicit positive swab/PCR/RT-PCR/nucleic acid
    test (Italian "tampone", and "buffer", its machine translation); "confirmed" or "tested positive"
    without a test named is Unclear; N only for an explicit negative test that is not a later
    negative after a positive one."""
    low = text.lower()
    if not has_any(low, _TEST_KEYS) and not has_any(low, _UNNAMED_KEYS):
        return Normalized(None)
    positive: tuple[int, int] | None = None
    negative: tuple[int, int] | None = None
    later_negative: tuple[int, int] | None = None
    for m in (_TEST.finditer(text) if has_any(low, _TEST_KEYS) else ()):
        c_start, c_end = clause_at(text, m.start())
        # the result can sit a few words away across a comma: look in the whole sentence
        s_start, s_end = sentence_at(text, m.start())
        window = text[max(s_start, m.start() - 80):min(s_end, m.end() + 80)]
        offset = max(s_start, m.start() - 80)
        if about_other_person(text, m.start(), m.end()) and not re.search(r"\b(?:patient|he|she|his|her)\b", text[c_start:c_end], re.I):
            continue
        pos = _POSITIVE.search(window)
        neg = _NEGATIVE.search(window)
        if pos and not (neg and neg.start() < pos.start() and not _LATER_NEGATIVE.search(window)):
            if hypothetical(text, m.start()) and not re.search(r"\b(?:was|were|is|resulted|came\s+back)\b", window, re.I):
                continue
            span = (min(m.start(), offset + pos.start()), max(m.end(), offset + pos.end()))
            positive = positive or span
        elif neg:
            span = (min(m.start(), offset + neg.start()), max(m.end(), offset + neg.end()))
            if _LATER_NEGATIVE.search(window):
                later_negative = later_negative or span
            else:
                negative = negative or span
    if positive:
        return found(PCR_YES, text, positive[0], positive[1], "rt_pcr.test-named", RT_PCR_VERSION)
    unnamed = _UNNAMED_POSITIVE.search(text) if has_any(low, _UNNAMED_KEYS) else None
    if negative and not unnamed:
        return found(PCR_NO, text, negative[0], negative[1], "rt_pcr.test-negative", RT_PCR_VERSION)
    if unnamed and not negated(text, unnamed.start(), unnamed.end()) and not about_other_person(text, unnamed.start(), unnamed.end()):
        return found(PCR_UNCLEAR, text, unnamed.start(), unnamed.end(), "rt_pcr.no-test-named", RT_PCR_VERSION)
    if later_negative:
        return blank("a later negative test, the first result is not stated", text, later_negative[0], later_negative[1], "rt_pcr.later-negative", RT_PCR_VERSION)
    if negative:
        return blank("a negative test and a positive statement", text, negative[0], negative[1], "rt_pcr.conflict", RT_PCR_VERSION)
    return Normalized(None)
