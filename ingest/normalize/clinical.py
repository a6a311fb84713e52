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
from dataclasses import dataclass, replace
from functools import lru_cache

from schema import RT_PCR_VALUES, YES_NO_VALUES

from .common import (
    Normalized,
    about_other_person,
    blank,
    clause_at,
    compile,
    found,
    gate,
    has_any,
    hypothetical,
    negated,
    sentence_at,
    text_context,
)

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
    #: Rule-name suffixes saying what fired: a yes phrase, a no phrase ("died"), a negated yes phrase.
    #: Whole lower-case words that also open ``yes`` (``no``): short tokens ("ICU", "ETT", "NIV")
    #: would pass a substring gate in most notes ("part-icu-lar", "univ-ers-ity").
    yes_tokens: frozenset[str] = frozenset()
    no_tokens: frozenset[str] = frozenset()
    yes_name: str = "stated"
    no_name: str = "stated-no"
    #: A no phrase told after every yes phrase is the outcome: "discharged ... passed away 24 hours
    #: later" (a narrative tells events in order, and death is final), so N, not a conflict.
    later_no_wins: bool = False


# A test's negative result near a flag's phrase ("discharged after two consecutive negative RT-PCR tests",
# "discharged on day 14, after the swab was negative", "when his swabs turned negative"): the test's result,
# no negation of the phrase. Blanked (same length) before the negation check of a flag.
_TEST_WORDS = (r"(?:rRT-PCR|RT-?PCR|qRT-PCR|PCR|swabs?|tests?|testing|nucleic\s+acid|tampon[ei]|tamponi|"
               r"(?:naso|oro)pharyngeal\s+swabs?|specimens?|samples?|results?)")
_TEST_NEGATIVE = compile(
    rf"\b{_TEST_WORDS}\s+(?:(?:was|were|is|are|became|turned|resulted|came\s+back|tested|proved)\s+)?negativ\w*"
    rf"|\bnegativ\w*\s+(?:[\w-]+\s+){{0,3}}?{_TEST_WORDS}\b",
    re.IGNORECASE,
)


def _without_test_negatives(text: str) -> str:
    """``text`` with its tests' negative results blanked (``_TEST_NEGATIVE``), offsets kept."""
    if "egativ" not in text:
        return text
    return _TEST_NEGATIVE.sub(lambda m: " " * len(m.group(0)), text)


def _flag(rule: FlagRule, text: str) -> Normalized:
    yes_hits: list[tuple[int, int]] = []
    no_hits: list[tuple[int, int, str]] = []
    skipped: tuple[int, int, str] | None = None
    ctx = text_context(text)
    low = ctx.lower
    negation_text = _without_test_negatives(text)
    for pattern, is_yes, keys, tokens in ((rule.yes, True, rule.yes_keys, rule.yes_tokens),
                                          (rule.no, False, rule.no_keys, rule.no_tokens)):
        if pattern is None or ((keys or tokens) and not has_any(low, keys) and not ctx.words & tokens):
            continue
        for m in pattern.finditer(text):
            start, end = m.span()
            if about_other_person(text, start, end):
                skipped = skipped or (start, end, "about someone other than the patient")
                continue
            if hypothetical(text, start, end=end):
                skipped = skipped or (start, end, "hypothetical or hedged statement")
                continue
            # a no phrase ("died") is negated only by a cue right before it: in "decided not to be
            # treated with ventilation and died" the "not" is about the treatment
            if negated(negation_text, start, end, window=60 if is_yes else 20):
                if is_yes and rule.negation_means_no:
                    no_hits.append((start, end, "negated"))
                elif not is_yes:
                    skipped = skipped or (start, end, "negated negative statement")
                else:
                    skipped = skipped or (start, end, "negation does not say the opposite")
                continue
            if is_yes:
                yes_hits.append((start, end))
            else:
                no_hits.append((start, end, rule.no_name))
    if yes_hits and no_hits and rule.later_no_wins and all(how == rule.no_name for _, _, how in no_hits) \
            and no_hits[0][0] > yes_hits[-1][1]:
        start, end, _how = no_hits[0]
        return found(NO, text, start, end, f"{rule.name}.{rule.no_name}-after", rule.version)
    if yes_hits and no_hits:
        first = min(yes_hits[0][0], no_hits[0][0])
        last = max(yes_hits[0][1], no_hits[0][1])
        return blank("the text says both yes and no", text, first, last, f"{rule.name}.conflict", rule.version)
    if yes_hits:
        start, end = yes_hits[0]
        return found(YES, text, start, end, f"{rule.name}.{rule.yes_name}", rule.version)
    if no_hits:
        start, end, how = no_hits[0]
        if how == "negated":
            c_start, _c_end = clause_at(text, start)
            start = max(c_start, start - 40)
        return found(NO, text, start, end, f"{rule.name}.{how}", rule.version)
    if skipped:
        return blank(skipped[2], text, skipped[0], skipped[1], rule.name, rule.version)
    return Normalized(None)


_I = re.IGNORECASE

INTUBATED = FlagRule(
    "intubated",
    5,  # v5: a "non-" glued to another word before the phrase ("non-rebreather mask") negates nothing
    # v4: a test's negative result beside the phrase ("after two negative swabs") negates nothing
    # v3: v3: a relative deciding the patient's care ("his wife agreed to intubation") decides the patient's
    # v2: hedges after the phrase ("may be required", "if needed") leave it blank; rule names say what fired
    compile(
        r"\b(?:re-?)?intubat\w*|\bintubazione\b|\bintubaci[oó]n\b|\bintubiert\b|\bIOT\b|"
        r"\bmechanical(?:ly)?\s+ventilat\w*|(?<!non-)(?<!non\s)\binvasive\s+(?:mechanical\s+)?ventilation|"
        r"\bventilator\b|\bventilazione\s+(?:meccanica|invasiva)|\bventilaci[oó]n\s+mec[aá]nica|"
        r"\bendotracheal\s+tube|\bET\s?T\b|\bET\s+tube|\btracheostomy|\btracheotomy|\btracheostomia|\bextubat\w*|\bestubat\w*",
        _I,
    ),
    yes_keys=("intubat", "intubaz", "intubaci", "intubiert", "ventilat", "ventilaz", "ventilaci", "ventilator",
              "endotracheal", "tracheost", "tracheot", "extubat", "estubat"),
    yes_tokens=frozenset({"iot", "ett", "et"}),
)
INTUBATION_PRESENT = FlagRule(
    "intubation_present",
    6,  # v6: a "non-" glued to another word before the phrase ("non-rebreather mask") negates nothing
    # v5: a test's negative result beside the phrase ("after two negative swabs") negates nothing
    # v4: v4: a film after extubation ("7 days after extubation", "post-extubation")
    # v3: "is on mechanical ventilation", "a mechanically ventilated patient"
    # v2: hedges after the phrase ("may be required", "if needed") leave it blank; rule names say what fired
    compile(
        r"\bendotracheal\s+tube|\bET\s?T\b|\bET\s+tube|\btracheostomy\s+tube|\btubo\s+(?:endo|oro)tracheale|"
        r"\b(?:is|remains|still|currently|now)\s+intubated|\bintubated\s+(?:patient|and\s+ventilated)|"
        r"\bpatient\s+intubated|\bpaziente\s+intubat[oa]|"
        r"\b(?:is|remains|still|currently|now)\s+(?:on|under|receiving)\s+(?:invasive\s+)?mechanical\s+ventilation|"
        r"\bmechanically\s+ventilated\s+patient",
        _I,
    ),
    compile(r"\bextubated\s+since|\bhas\s+been\s+extubated|\bnow\s+extubated|"
            r"\bremoval\s+of\s+the\s+endotracheal\s+tube|"
            # a film "taken 7 days after extubation", "post-extubation radiograph"
            r"\b(?:after|following)\s+(?:(?:his|her|the)\s+)?extubation\b|\bpost-?extubation\b", _I),
    yes_keys=("endotracheal", "tracheostomy", "tubo", "intubat", "mechanical"),
    yes_tokens=frozenset({"ett", "et"}),
    no_keys=("extubat", "endotracheal"),
    no_name="extubated",
)
WENT_ICU = FlagRule(
    "went_icu",
    7,  # v7: a "non-" glued to another word before the phrase ("non-rebreather mask") negates nothing
    # v6: taken "to critical care", an "intensive therapy unit", "hospitalized in resuscitation" (rianimazione)
    # v5: a test's negative result beside the phrase ("after two negative swabs") negates nothing
    # v4: "UTI" only as Portuguese and Spanish write the ICU ("na UTI"), not a urinary tract infection
    # v3: a sub-/semi-intensive care unit (a step-down unit) is no ICU
    # v2: hedges after the phrase ("may be required", "if needed") leave it blank; rule names say what fired
    compile(
        r"\b(?:ICU|ITU|CCU|MICU|SICU|UCI)\b|(?<!sub-)(?<!semi-)\bintensive\s+care|\bcritical\s+care\s+unit|\bterapia\s+intensiva|"
        r"\brianimazione|\bcuidados\s+intensivos|\bsoins\s+intensifs|\br[ée]animation\b|\bIntensivstation|"
        # British and Australian "transferred to critical care", "the intensive therapy unit" (ITU spelled out)
        r"\b(?:admitted|admission|transferred|transfer|moved|taken|sent|brought|referred)\s+"
        r"(?:(?:directly|urgently|immediately|then|later)\s+)?to\s+(?:the\s+)?critical\s+care\b|"
        r"\bintensive\s+(?:therapy|treatment)\s+unit|"
        # Italian "ricoverato in rianimazione" as machine translation writes it ("hospitalized in resuscitation"):
        # not a resuscitation room of an emergency department, nor a resuscitation given
        r"\b(?:hospitali[sz]ed|admitted|transferred|moved)\s+(?:in|to|into)\s+(?:the\s+)?resuscitation\b"
        r"(?!\s+(?:room|bay|area|cubicle))|"
        # Portuguese and Spanish "UTI" (unidade / unidad de terapia intensiva) after their words for
        # "in the", "to the": in English prose "UTI" is a urinary tract infection ("admission for UTI")
        r"(?:\bna|\bà|\bda|\ben\s+la|\ba\s+la|\bde\s+la)\s+UTI\b",
        re.IGNORECASE,
    ),
    yes_keys=("intensi", "critical", "rianimazione", "animation", "resuscitation"),
    yes_tokens=frozenset({"icu", "itu", "ccu", "micu", "sicu", "uci", "uti"}),
)
# Invasive ventilation (and ECMO, which only an ICU runs) is intensive care: a patient intubated or on a
# ventilator for the illness was in an ICU (or was an ICU's patient where the intubation happened).
# Not a tracheostomy (a laryngectomy patient breathes through one for years) nor a non-invasive mask,
# and not an intubation for an operation (general anaesthesia intubates every surgical patient): those
# sentences are skipped.
_INVASIVE_VENTILATION = FlagRule(
    "went_icu",
    6,  # v6: a "non-" glued to another word before the phrase ("non-rebreather mask") negates nothing
    # v5: a test's negative result beside the phrase ("after two negative swabs") negates nothing
    # v4: ECMO (only an ICU runs it)
    compile(
        r"\b(?:re-?)?intubat(?:ed|ion)\b(?!\s+(?:was\s+|were\s+)?(?:declined|refused|withheld|deferred))|\bintubazione\b|\bintubat[oa]\b|\bintubaci[oó]n\b|\bintubiert\b|\bIOT\b|"
        r"\bmechanical(?:ly)?\s+ventilat\w*|(?<!non-)(?<!non\s)\binvasive\s+(?:mechanical\s+)?ventilation|"
        r"\bon\s+(?:a|the)\s+ventilator\b|\bventilazione\s+(?:meccanica|invasiva)|\bventilaci[oó]n\s+mec[aá]nica|"
        r"\bextubat(?:ed|ion)\b|"
        r"(?:\bECMO\b|\bextra-?corporeal\s+membrane\s+oxygenation)(?!\s+(?:was\s+|were\s+)?(?:declined|refused|withheld|deferred))",
        _I,
    ),
    negation_means_no=False,  # "was not intubated" says nothing of the ICU
    yes_keys=("intubat", "intubaz", "intubaci", "intubiert", "ventilat", "ventilaz", "ventilaci", "extubat",
              "extracorporeal", "extra-corporeal"),
    yes_tokens=frozenset({"iot", "ecmo"}),
    yes_name="invasive-ventilation",
)
_FOR_AN_OPERATION = compile(
    r"\b(?:surgery|surgical|operation|operating\s+(?:room|theatre)|an(?:a)?esthes\w*|bronchoscop\w*|endoscop\w*)\b",
    _I)
IN_ICU = FlagRule(
    "in_icu",
    4,  # v4: a "non-" glued to another word before the phrase ("non-rebreather mask") negates nothing
    # v3: a test's negative result beside the phrase ("after two negative swabs") negates nothing
    # v2: v2: hedges after the phrase ("may be required", "if needed") leave it blank; rule names say what fired
    compile(
        r"\b(?:is|was|remains|still|currently|now)\s+(?:in|on)\s+(?:the\s+)?(?:ICU|ITU|intensive\s+care)|"
        r"\bin\s+(?:the\s+)?(?:ICU|ITU)\b|\bin\s+(?:the\s+)?intensive\s+care\s+unit|\bin\s+terapia\s+intensiva|\bin\s+rianimazione",
        _I,
    ),
    compile(
        r"\b(?:stepped|transferred|moved|discharged)\s+(?:down\s+)?(?:out\s+)?from\s+(?:the\s+)?(?:ICU|ITU|HDU|intensive\s+care)|"
        r"\bon\s+the\s+(?:general\s+)?ward\b",
        _I,
    ),
    yes_keys=("intensi", "rianimazione"),
    yes_tokens=frozenset({"icu", "itu"}),
    no_keys=("intensive", "ward"),
    no_tokens=frozenset({"icu", "itu", "hdu"}),
    no_name="left-icu",
)
NEEDED_SUPPLEMENTAL_O2 = FlagRule(
    "needed_supplemental_O2",
    6,  # v6: a "non-" glued to another word before the phrase ("non-rebreather mask") negates nothing
    # v5: "O2-therapy", "low-flow oxygen", "oxygen at 3 l/min", "on 2 L NC" (a flow of oxygen by its amount)
    # v4: a test's negative result beside the phrase ("after two negative swabs") negates nothing
    # v3: oxygen inhalation/support, oxygen given or started, an FiO2 above room air's
    # v2: hedges after the phrase ("may be required", "if needed") leave it blank; rule names say what fired
    compile(
        r"\bsupplement\w*\s+(?:oxygen\w*|O2)|\boxygen\s+supplement\w*|\b(?:oxygen|O2)\s+therapy|\boxygenotherapy|"
        r"\bnasal\s+(?:cannula|prongs)|\bnon-?rebreather|\bventuri\b|\bhigh[- ]flow|"
        r"\bHFNC\b|\bHFNO\b|\bCPAP\b|\bBiPAP\b|\bNIV\b|"
        r"\bnon-?invasive\s+ventilation|\b\d+\s*(?:L|l|litres|liters)(?:/min|\s+per\s+minute)?\s+(?:of\s+)?(?:O2|oxygen)|"
        r"\boxygen\s+(?:requirements?|via|by\s+mask|mask|through)|\b(?:requir\w+|needing|needed|dependent\s+on|on)\s+(?:supplemental\s+)?oxygen\b|"
        r"\bossigenoterapia|\bossigeno\s+terapia|\bsupporto\s+(?:di\s+)?(?:ossigeno|O2)|\boxigenoterapia|"
        # "oxygen inhalation" (papers from China), "oxygen support", "was given oxygen", "oxygen was started"
        r"\b(?:oxygen|O2)\s+(?:inhalation|support|supply|supplementation)|\bnasal\s+catheter|\breservoir\s+mask|"
        r"\b(?:received|receiving|given|administered|started\s+on|put\s+on|placed\s+on|treated\s+with)\s+"
        r"(?:(?:low|high)[- ]flow\s+|nasal\s+)?(?:oxygen|O2)\b(?!\s+saturation)|"
        r"\b(?:oxygen|O2)(?:\s+therapy)?\s+(?:was|were)\s+(?:started|given|administered|delivered|provided|initiated)|"
        # a flow of oxygen told by its kind or its amount: "O2-therapy", "low-flow oxygen", "oxygen at 3 l/min",
        # "on 2 L NC" (nasal cannula)
        r"\b(?:oxygen|O2)-therapy|\blow[- ]flow\s+(?:oxygen|O2)\b|"
        r"\b(?:oxygen|O2)\s+(?:at|of)\s+\d+(?:[.,]\d+)?\s*(?:L|l|litres|liters)(?:/min|\s+per\s+minute)?\b|"
        r"\b\d+(?:[.,]\d+)?\s*L(?:/min)?\s+(?:via\s+)?NC\b|"
        # an inspired fraction above room air's 21% ("FiO2 50%", "FiO2 of 0.4"); not a PaO2/FiO2 ratio
        r"(?<![/\w])Fi\s?O\s?2\b(?!\s*(?:ratio|/))\s*(?:of|was|at|:|=)?\s*(?:(?:2[4-9]|[3-9]\d|100)\s*%|0?\.(?:2[4-9]|[3-9])\d*\b)",
        _I,
    ),
    yes_keys=("supplement", "oxygen", "nasal", "rebreather", "venturi", "high flow", "high-flow", "invasive",
              "ossigen", "oxigen", "reservoir", "fio2", "fi o2"),
    yes_tokens=frozenset({"o2", "hfnc", "hfno", "cpap", "bipap", "niv", "nc"}),
)
EXTUBATED = FlagRule(
    "extubated",
    5,  # v5: a "non-" glued to another word before the phrase ("non-rebreather mask") negates nothing
    # v4: a test's negative result beside the phrase ("after two negative swabs") negates nothing
    # v3: v3: a relative deciding the patient's care ("her family chose terminal extubation") decides the patient's
    # v2: hedges after the phrase ("may be required", "if needed") leave it blank; rule names say what fired
    compile(r"\bextubat\w*|\bestubat\w*|"
            r"\bweaned\s+(?:off|from)\s+(?:the\s+)?(?:ventilator|mechanical\s+ventilation)", _I),
    compile(r"\bfailed\s+extubation|\bre-?intubat\w*", _I),
    yes_keys=("extubat", "estubat", "weaned"),
    no_keys=("extubation", "intubat"),
    no_name="failed-or-reintubated",
)
SURVIVAL = FlagRule(
    "survival",
    10,  # v10: a "non-" glued to another word before the phrase ("non-rebreather mask") negates nothing
    # v9: "dismissed" from hospital (Italian "dimesso"), "released from hospital", "pronounced dead"
    # v8: a test's negative result beside the phrase negates nothing ("discharged after two consecutive
    #     negative RT-PCR tests")
    # v7: v7: a relative deciding the patient's care ("her family chose terminal extubation") decides the patient's
    # v6: a film shown with the disease's signs resolved ("with resolution of the pneumonia")
    # v5: complete resolution on a follow-up film (Y), a terminal extubation (N)
    # v4: "fatal outcome", "proved fatal", "non-survivor"
    # v3: a death told after every discharge or recovery is the outcome (N)
    compile(
        r"\bdischarged|\bdischarge\s+home|\bsent\s+home|\bwent\s+home|\brecovered|\b(?:full|complete|good)\s+recovery|"
        r"\bsurvived|\bmade\s+(?:a\s+)?(?:full\s+|complete\s+|good\s+|uneventful\s+)?recovery|\bclinical\s+recovery|\b(?:is|was|remains|remained)\s+alive\b|\bdimess[oa]\b|\bguarit[oa]\b|\bdado\s+de\s+alta|\bentlassen\b|"
        # the Italian authors' "dismissed" (dimesso) and the plain "released": from a hospital, home, or after a
        # stay; not a diagnosis or a complaint dismissed ("dismissed as a cold", "symptoms were dismissed")
        r"\b(?:patient|he|she)\s+(?:was\s+)?dismissed\b(?!\s+(?:as|by)\b)|"
        r"\b(?:dismissed|released)\s+(?:home\b|from\s+(?:the\s+|our\s+)?(?:hospital|ward|clinic|ICU|intensive\s+care)\b)|"
        r"\bdismissed\s+(?:after|on|at)\s+(?:day\b|the\s+\w+\s+day\b|\d|hospital\s+day\b)|"
        # a follow-up film showing the disease gone: the patient lived through it
        r"\b(?:complete|near[- ]?complete|(?:almost|nearly|virtually)\s+complete|full|total)\s+"
        r"(?:radiologic(?:al)?\s+|radiographic\s+)?(?:resolution|regression|clearing)\b|"
        # a later film told as showing the disease's signs resolved ("Follow-up chest X-ray shows a
        # normal study, with resolution of the pneumonia"): said by what shows it, so not a hope or
        # a purpose ("to confirm resolution"), and unqualified ("partial resolution" is not read)
        r"\b(?:with|show(?:s|ed|ing)?|demonstrat(?:es|ed|ing)|reveal(?:s|ed|ing))\s+(?:an?\s+)?"
        r"(?:radiologic(?:al)?\s+|radiographic\s+)?resolution\s+of\s+(?:the\s+)?(?:[\w-]+\s+){0,3}?"
        r"(?:pneumonia|consolidations?|opacit(?:y|ies)|infiltrates?|lesions?|abnormalit(?:y|ies)|"
        r"ground[- ]glass(?:\s+opacit(?:y|ies))?|GGOs?)\b",
        _I,
    ),
    compile(
        r"\bdied|\bdeath\b|\bdeceased|\bpassed\s+away|\bexpired|\bsuccumbed|\bexitus|\bdecedut[oa]|\bdecesso|\bmort[oa]\b|"
        r"\bfalleci\w+|\bmuri[oó]\b|\bd[ée]c[ée]d[ée]|\bverstorben|\bpost-?mortem|\bautopsy|\bdid\s+not\s+survive|"
        r"\bfatal\s+outcome|\boutcome\s+was\s+fatal|\b(?:proved|was|became)\s+fatal\b|\bnon-?survivor|"
        r"\bterminal(?:ly)?\s+extubat\w*|\b(?:pronounced|declared)\s+dead\b",
        _I,
    ),
    negation_means_no=False,
    yes_keys=("discharge", "home", "recover", "survived", "alive", "dimess", "guarit", "alta", "entlassen",
              "resolution", "regression", "clearing", "dismissed", "released"),
    no_keys=("died", "death", "deceased", "passed away", "expired", "succumbed", "exitus", "decedut", "decesso",
             "mort", "falleci", "muri", "déc", "decede", "decéd", "verstorben", "mortem", "autopsy",
             "did not survive", "fatal", "survivor", "terminal", "dead"),
    yes_name="discharged-or-recovered",
    no_name="died",
    later_no_wins=True,
)

# Every phrase is gated on the characters it can start with (``common.compile``'s ``gated_source``). This
# one's gate also asks for a word's start (every phrase starts with \b, FiO2 after (?<![/\w]); the
# letters alone admit most positions of a note, where each of the ~40 phrases was tried)
NEEDED_SUPPLEMENTAL_O2 = replace(NEEDED_SUPPLEMENTAL_O2,
                                 yes=gate(NEEDED_SUPPLEMENTAL_O2.yes, r"\b[sonvhcbrdgatplF\d]"))

FLAG_RULES = {r.name: r for r in (INTUBATED, INTUBATION_PRESENT, WENT_ICU, IN_ICU, NEEDED_SUPPLEMENTAL_O2, EXTUBATED,
                                  SURVIVAL)}


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
    """Y if the patient was in an ICU/CCU at any point, or was intubated or mechanically ventilated
    for the illness (invasive ventilation is intensive care). The ICU's own words win, and a "not
    admitted to ICU" beside an intubation is a conflict left blank; an intubation for an operation
    or a tracheostomy says nothing."""
    by_unit = _flag(WENT_ICU, text)
    if by_unit.value is not None or by_unit.reason:
        if by_unit.value == NO and _ventilated(text).value == YES:
            return blank("an intubation and 'no ICU' in the same text", text, by_unit.start, by_unit.end,
                         "went_icu.conflict", WENT_ICU.version)
        return by_unit
    return _ventilated(text)


def _ventilated(text: str) -> Normalized:
    """Y from an intubation or mechanical ventilation of the patient outside a sentence about an
    operation; nothing otherwise."""
    result = _flag(_INVASIVE_VENTILATION, text)
    if result.value != YES:
        return Normalized(None)
    s_start, s_end = sentence_at(text, result.start)
    if _FOR_AN_OPERATION.search(text, s_start, s_end):
        return Normalized(None)
    return result


@lru_cache(maxsize=8192)
def normalize_in_icu(text: str, **_context) -> Normalized:
    """Y if the patient is in the ICU at the time of the image: said so, or intubated at that time
    ("the patient is intubated", an endotracheal tube on the film: invasive ventilation is
    intensive care, as for ``went_icu``). The ICU's own words win; a "left the ICU" beside a tube
    is a conflict left blank."""
    by_unit = _flag(IN_ICU, text)
    intubated_now = _flag(INTUBATION_PRESENT, text)
    if by_unit.value is None and not by_unit.reason and intubated_now.value == YES:
        return Normalized(YES, intubated_now.evidence, intubated_now.start, intubated_now.end,
                          "in_icu.intubated-now", 3)
    if by_unit.value == NO and intubated_now.value == YES:
        return blank("an intubated patient and 'out of the ICU' in the same text", text, by_unit.start, by_unit.end,
                     "in_icu.conflict", 3)
    return by_unit


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

# v2: an explicit negative test with no positive one is N even when repeated ("negative twice",
# "two consecutive negative swabs"); a hedge ("if", "may be") around a result leaves it blank.
# v11: a "non-" glued to another word before the phrase ("a non-smoker with ...", "non-rebreather") negates nothing
RT_PCR_VERSION = 11  # v10: the Spanish reflexive "se realizó" no hedge, "no leito" no negation;
# v3: a bare "confirmed" of another diagnosis by another test is not COVID-19's
#                     v4: an apposition joined by "and" after a patient's label ("Case 2, a 39-year-old man and a
#                         colleague of case 1, ...") is that patient's sentence, not another person's
#                     v5: the shorthand "PCR+" is a positive PCR (Y); "a positive COVID-19 test" names no PCR (Unclear)
#                     v6: backfill: a COVID-19 repository publishing no test result (Hannover, coronacases) is Unclear
#                     v7: a relative telling of the illness in a trailing clause ("which her family attributed to a
#                         cold") is no other person (``common.about_other_person``)
#                     v8: a relative in an aside closing the clause ("..., in a context of contact with a family
#                         member confirmed COVID-19") is no other person (``common.about_other_person``)
#                     v9: a symptom's span before a relative's own clause after a comma ("da 4 giorni febbre, ..., il
#                         marito è ricoverato") is the patient's (``common.about_other_person``)

# A named nucleic-acid test. Italian "PCR" is usually C-reactive protein ("PCR 95 mg/L"), so a
# bare PCR followed by a number, a unit or a comparison is not a test.
_TEST = compile(
    r"\b(?:rRT-PCR|RT-?PCR|qRT-PCR|qPCR|"
    r"real[- ]time\s+(?:reverse[- ]transcri\w+[- ])?(?:[- ]?polymerase\s+chain\s+reaction|PCR)|"
    r"reverse[- ]transcri\w+[- ]+polymerase[- ]+chain[- ]+reaction|polymerase\s+chain\s+reaction|"
    r"PCR(?!\s*[:=]?\s*(?:[<>≤≥]?\s*\d|mg|value|level|\())|"
    r"nucleic\s+acid(?:\s+(?:test|amplification|testing|detection))?|NAAT|swabs?|tampon[ei]|tamponi|hisopo|frotis|Abstrich|"
    r"buffer|viral\s+RNA|RNA\s+(?:of|for|di)\s+SARS|SARS-CoV-2\s+RNA|PCR\s+testing)\b",
    re.IGNORECASE,
)
_POSITIVE = compile(
    r"\b(?:positiv\w*|detected|detectable|rilevat[oa]|confirmed|confermat[oa]|revealed|showed|was\s+\+|\+ve)\b|\(\+\)|\+\s*ve\b"
    # the clinicians' "PCR+", "RT-PCR+" (not "PCR+3" nor a sum)
    r"|(?<=PCR)\+(?![\d+])",
    re.IGNORECASE,
)
_NEGATIVE = compile(r"\b(?:negativ\w*|not\s+detected|undetectable|non\s+rilevat[oa]|-ve)\b|\(-\)", re.IGNORECASE)
# A negative result whose wording implies an earlier positive one ("repeat RT-PCR was negative",
# "became RT-PCR -ve", "cleared", "negative at discharge") says nothing against the diagnosis and
# does not state the first result: blank. Repeated negatives alone ("negative twice", "two
# consecutive negative swabs") are explicit negatives: N.
_LATER_NEGATIVE = compile(
    r"\b(?:repeat(?!edly)\w*|became|turned|subsequent\w*|follow-?up|second|third|later|no\s+longer|"
    r"discharg\w*|converted|conversion|clearance|cleared|false[- ]negative|initial(?:ly)?)\b",
    re.IGNORECASE,
)
# A negative then a positive of the same test: "RT-PCR was negative twice, then positive", "swab
# negative for influenza, positive for SARS-CoV-2". Another test or a clause break between the two
# ("swab negative; blood cultures positive") keeps the negative.
_THEN_POSITIVE = compile(
    r"(?:(?!;|\b(?:cultures?|CT|radiograph\w*|x-?ray|scan|antigen|serolog\w*|antibod\w*|Ig[GM]|sputum|blood)\b)[^.])*?"
    r"\b(?:positiv\w*|detected|detectable|rilevat[oa])\b(?<!not\sdetected)",
    re.IGNORECASE,
)
# A conditional or modal around a test result: "if RT-PCR is positive", "RT-PCR may be negative".
_CONDITIONAL_BEFORE = compile(r"\b(?:if|unless|whether|in\s+case|qualora|pending|awaiting|await\w*)\b", re.IGNORECASE)
_MODAL = compile(r"\b(?:may|might|could|would|should|can|will)\b(?!\s*(?:not\b|n['’]t))", re.IGNORECASE)
_RESULT_TENSE = compile(r"\b(?:was|were|resulted|came\s+back|returned|proved|tested)\b", re.IGNORECASE)
_COVID = r"(?:COVID-?19|COVID|SARS-?CoV-?2|2019-nCoV|nCoV|novel\s+coronavirus|coronavirus)"
# Positive without a test: the maintainers' "Unclear".
_UNNAMED_POSITIVE = compile(
    rf"\b(?:confirmed|tested\s+positive|test\w*\s+(?:was\s+)?positive|positive\s+(?:for|to)\s+{_COVID}|"
    rf"{_COVID}[- ](?:positive|confirmed)|"
    rf"confirmed\s+(?:case\s+of\s+)?{_COVID}|{_COVID}\s+(?:infection\s+)?(?:was|has\s+been)\s+confirmed|"
    rf"positiv[oa]\s+(?:al|per)\s+{_COVID}|"
    # "a positive COVID-19 test", "positive SARS-CoV-2 result": a test, none named
    rf"positive\s+{_COVID}\s+(?:tests?|results?|screen\w*))",
    re.IGNORECASE,
)


# "Sputum culture confirmed Streptococcus pneumoniae", "biopsy confirmed organising pneumonia": a
# bare "confirmed" whose sentence names another test and not COVID-19 confirms another diagnosis.
_OTHER_CONFIRMATION = compile(
    r"\b(?:cultures?|cultured|biopsy|histolog\w*|patholog\w*|cytolog\w*|bronchoalveolar|BAL|sputum|stain\w*|"
    r"antigen|serolog\w*|urinary)\b", re.IGNORECASE)
_COVID_WORD = compile(_COVID, re.IGNORECASE)


def _unnamed_positive(text: str) -> re.Match | None:
    """The first "confirmed"/"tested positive" about COVID-19 (``_UNNAMED_POSITIVE``), skipping a
    bare "confirmed" in a sentence confirming another diagnosis by another test."""
    for m in _UNNAMED_POSITIVE.finditer(text):
        if m.group(0).lower() == "confirmed":
            s_start, s_end = sentence_at(text, m.start())
            sentence = text[s_start:s_end]
            if _OTHER_CONFIRMATION.search(sentence) and not _COVID_WORD.search(sentence):
                continue
        return m
    return None


#: Gates: a test word, and the words of an unnamed positive.
_TEST_KEYS = ("pcr", "polymerase", "nucleic", "naat", "swab", "tampon", "hisopo", "frotis", "abstrich", "buffer",
              "rna")
_UNNAMED_KEYS = ("confirm", "positiv")


@lru_cache(maxsize=8192)
def normalize_rt_pcr_positive(text: str, **_context) -> Normalized:
    """The maintainers' evidence rule: Y only for an explicit positive swab/PCR/RT-PCR/nucleic acid
    test (Italian "tampone", and "buffer", its machine translation); "confirmed" or "tested positive"
    without a test named is Unclear; N only for an explicit negative test.

    A positive test at any point is Y: a negative then a positive is Y, a positive then a negative
    stays Y. A negative with no positive anywhere is N, also when repeated ("negative twice"). A
    negative worded as following an earlier test ("repeat RT-PCR was negative", "became -ve",
    "negative at discharge") stays blank: the earlier result is not stated. Conditionals and
    modals around a result ("if the swab is positive", "RT-PCR may be negative") state nothing."""
    low = text_context(text).lower
    if not has_any(low, _TEST_KEYS) and not has_any(low, _UNNAMED_KEYS):
        return Normalized(None)
    positive: tuple[int, int] | None = None
    negative: tuple[int, int] | None = None
    later_negative: tuple[int, int] | None = None
    hedged: tuple[int, int] | None = None
    for m in (_TEST.finditer(text) if has_any(low, _TEST_KEYS) else ()):
        c_start, c_end = clause_at(text, m.start())
        # the result can sit a few words away across a comma: look in the whole sentence
        s_start, s_end = sentence_at(text, m.start())
        window = text[max(s_start, m.start() - 80):min(s_end, m.end() + 80)]
        offset = max(s_start, m.start() - 80)
        if about_other_person(text, m.start(), m.end()) and not re.search(r"\b(?:patient|he|she|his|her)\b",
                                                                          text[c_start:c_end], re.I):
            continue
        pos = _POSITIVE.search(window)
        neg = _NEGATIVE.search(window)
        result = pos if pos and not (neg and neg.start() < pos.start() and not _LATER_NEGATIVE.search(window)
                                     and not _THEN_POSITIVE.match(window, neg.end(), pos.end())) else neg
        if result is not None:
            r_start, r_end = offset + result.start(), offset + result.end()
            between = text[min(m.end(), r_end):max(m.start(), r_start)]
            if (_CONDITIONAL_BEFORE.search(text, c_start, m.start()) or _MODAL.search(between)
                    or (hypothetical(text, m.start()) and not _RESULT_TENSE.search(window))):
                # "if RT-PCR is positive", "RT-PCR may be negative": no result stated
                hedged = hedged or (min(m.start(), r_start), max(m.end(), r_end))
                continue
        if result is not None and result is pos:
            span = (min(m.start(), r_start), max(m.end(), r_end))
            positive = positive or span
        elif result is not None:
            span = (min(m.start(), r_start), max(m.end(), r_end))
            if _LATER_NEGATIVE.search(window):
                later_negative = later_negative or span
            else:
                negative = negative or span
    if positive:
        # a positive test at any point is Y, whatever later tests say
        return found(PCR_YES, text, positive[0], positive[1], "rt_pcr.test-named", RT_PCR_VERSION)
    unnamed = _unnamed_positive(text) if has_any(low, _UNNAMED_KEYS) else None
    if unnamed and (negated(text, unnamed.start(), unnamed.end())
                    or about_other_person(text, unnamed.start(), unnamed.end())
                    or hypothetical(text, unnamed.start(), end=unnamed.end())):
        unnamed = None
    if negative and not unnamed:
        return found(PCR_NO, text, negative[0], negative[1], "rt_pcr.test-negative", RT_PCR_VERSION)
    if unnamed:
        return found(PCR_UNCLEAR, text, unnamed.start(), unnamed.end(), "rt_pcr.no-test-named", RT_PCR_VERSION)
    if later_negative:
        return blank("a negative test worded as following an earlier one whose result is not stated", text,
                     later_negative[0], later_negative[1], "rt_pcr.later-negative", RT_PCR_VERSION)
    if hedged:
        return blank("a conditional or hedged test result", text, hedged[0], hedged[1], "rt_pcr.hypothetical",
                     RT_PCR_VERSION)
    return Normalized(None)
