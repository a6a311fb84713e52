"""Which patient of a paper each paragraph and caption is about (pure, deterministic).

A case report is one patient; a case series is several, and the dataset wants one case per
patient. Patients are recognised

1. by the paper's own numbers: section titles and paragraph openings "Case 2", "Patient 3",
   "Pt. 1" (a number the paper fixed once published, so the same whatever copy was read);
2. else by how the text introduces them: "a 55-year-old woman", "His 59-year-old wife", "Their
   31-year-old son" - each distinct (age, sex) is one patient, numbered in the order the paper
   introduces them (body paragraphs first, then figure captions by figure number);
3. else the paper is one patient.

A table of patients (one row or one column per "Patient 2", "Case 3" or numbered "No." row, with
an Age, Sex or Age/Sex entry: ``patients_in_tables``) names patients too, and gives the age and sex
of those the body text does not describe; a patient the body introduces by age and sex takes the
number of the table's patient with that age and sex.

A paragraph belongs to the patient its section or its opening names, and the paragraphs after it
follow until another patient is named or a Discussion/Conclusion section starts. Each patient's
``intro`` is the sentence introducing them (age and sex come from it, with their evidence), and
``paragraphs`` the body text describing them (history, RT-PCR, outcome).
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from ingest.jats import Table
from ingest.normalize.common import FEMALE_PRONOUNS, MALE_PRONOUNS, ORDINAL_NUMBERS, ORDINALS_EN, ROMAN_NUMERALS
from ingest.normalize.demographics import normalize_age
from ingest.normalize.time_words import MONTH, MONTHS
from ingest.timeline import MONTH_FIRST, slashed_date_order

_NUMBERED = re.compile(r"\b(?:patient|case|pt\.?|paziente|caso)\s*(?:no\.?\s*|#\s*)?(\d{1,2})\b", re.I)
#: The health care workers a report of their infection names by a letter ("Nurse A", "doctor B", "HCW C").
_STAFF = r"nurse|doctor|physician|HCW"
# "patient B", "Case A", "Nurse A": a capital letter alone (not a panel "(A)", an "A-P" view or "A/B" list).
_LETTERED = re.compile(rf"\b(?i:patient|case|{_STAFF})\s+([A-H])\b(?![-–/)]|\.\w)")
_ROMAN = ROMAN_NUMERALS[:10]
# "Case III", "Patient II": the word capitalised, as a heading or a name ("in case I" is a pronoun).
_ROMAN_NAMED = re.compile(r"\b(?:Patient|Case|PATIENT|CASE)\s+(X|IX|VIII|VII|VI|V|IV|III|II|I)\b(?![-–/)]|\.\w)")
# (the in-laws first: "son-in-law" is no "son")
_RELATIONS_M = "(?:son|father|brother)-in-law|husband|son|father|brother|grandfather|uncle|nephew|grandson"
_RELATIONS_F = "(?:daughter|mother|sister)-in-law|wife|daughter|mother|sister|grandmother|aunt|niece|granddaughter"
_WHO = (rf"(?:business|sales|police|fisher)?(?:man|woman)|wom[ae]n|male|female|boy|girl|gentleman|lady|"
        rf"{_RELATIONS_M}|{_RELATIONS_F}|patient")
#: Words a descriptor may hold between the age and who ("previously healthy", "retired", "Italian"):
#: not a function word, which would reach a person of another clause ("a 55-year-old with her son").
_QUALIFIER = (r"(?:(?!(?:with|and|or|of|who|whose|was|were|is|had|has|in|on|from|at|to|for|by|her|his|their|"
              r"the|an?|presented|presenting|admitted|developed)\b)[A-Za-z][\w-]*,?\s+)")
_DESCRIPTOR = re.compile(
    r"\b(?:(?P<det>an?|the|his|her|their|one)\s+)?(?P<age>\d{1,3})[- ](?:year|yr)s?[- ]old(?:,?\s+|-(?=[a-z]))"
    rf"{_QUALIFIER}{{0,3}}?(?P<who>{_WHO})\b"
    # "a man aged 63 (years)": the age after who.
    rf"|\b(?:(?P<det2>an?|the|his|her|their|one)\s+)?(?P<who2>{_WHO})\s*,?\s+aged\s+(?P<age2>\d{{1,3}})\b", re.I)
# "a male patient, 37 years old" / "a 37-year-old patient" without sex: a descriptor of its own.
_MALE = re.compile(rf"^(?:(?:business|sales|police|fisher)?man|men|male|boy|gentleman|{_RELATIONS_M})$", re.I)
_FEMALE = re.compile(rf"^(?:(?:business|sales|police|fisher)?woman|women|female|girl|lady|{_RELATIONS_F})$", re.I)
#: The headings after a patient's text: the discussion and the back matter, its declarations too ("PATIENT'S
#: CONSENT: Informed consent was obtained from the patient ...", "Consent for publication", "Conflict of interest",
#: "Funding", "Ethics approval", "Authors' contributions"), which name the patient but tell nothing of the case.
_ENDS_PATIENT = re.compile(r"\b(?:discussion|conclusions?|summary|limitations|references|acknowledg\w*|consent|"
                           r"conflicts?\s+of\s+interests?|competing\s+interests?|funding|ethic(?:s|al)|"
                           r"contributions?|declarations?|disclosures?)\b", re.I)
#: Sections of a case report about its patient: "Case presentation", BJR|case reports' "Investigations",
#: "Treatment", "Outcome and follow-up", and the radiology journals' "History" / "Imaging Findings" (where the
#: films, the course and the discharge are told), "Hospital course".
_CASE_SECTION = re.compile(r"\b(?:case|patient|presentation|report|history|clinical|description|investigations?|"
                           r"treatment|outcome|follow-?up|management|findings|course)\b", re.I)


@dataclass(frozen=True)
class Descriptor:
    """How the text introduces one patient: age in years and sex ("M", "F" or "")."""

    age: int
    sex: str
    #: The words as found ("55-year-old woman"), without a possessive before them.
    words: str


@dataclass(frozen=True)
class TableMoment:
    """One exam's day a table of patients counts from the symptom onset."""

    #: "CT", "X-ray", or "" when the column names imaging of any kind ("Symptom onset to imaging (d)").
    modality: str
    days: int
    #: In the words the timeline reads: "Table 1, patient 2: CT 6 days after symptom onset".
    words: str
    #: Its place in a cell listing several exams' days ("3, 8, 15": 1, 2, 3), 0 for a cell of one day.
    nth: int = 0


@dataclass
class PatientText:
    number: int
    #: "numbered" (the paper's own number), "introduced" (order of a distinct descriptor), "single".
    named_by: str
    paragraphs: list[str] = field(default_factory=list)
    #: The sentence introducing the patient (its age and sex), possessive dropped: "59-year-old
    #: wife developed a sore throat ..." rather than "His 59-year-old wife ...".
    intro: str = ""
    descriptor: Descriptor | None = None
    #: The name the introducing sentence gives the patient before the descriptor, set off by a comma:
    #: "index case" of "The index case, a 61-year-old man, ...", "son-in-law" of "Their son-in-law, a
    #: 34-year-old man, ..." (a legend may name the patient so: "(d) The son-in-law on February 3"), else "".
    title: str = ""
    #: What a table of patients says of this one ("Table 1, Patient 2: Age: 63; Sex: F"), else "".
    table_text: str = ""
    #: The legend's sentence introducing a patient of several whom only a legend introduces, whole (from its start,
    #: not the descriptor's): "Influenza A (H1N1) pneumonia in 45-year-old woman, 4 days after onset of fever." (a
    #: pictorial essay's figure, naming the patient's own disease), else "".
    legend_sentence: str = ""
    #: The short form the paper names this patient by ("P2": ``p_numbers_defined``), else "".
    alias: str = ""
    #: The days of this patient's exams the table counts from the symptom onset.
    table_moments: list[TableMoment] = field(default_factory=list)


def descriptors_in(text: str) -> list[tuple[Descriptor, int, int]]:
    found = []
    for m in _DESCRIPTOR.finditer(text or ""):
        age = "age" if m.group("age") else "age2"
        who = m.group("who") or m.group("who2")
        sex = "M" if _MALE.match(who) else "F" if _FEMALE.match(who) else ""
        # The words from the age on ("55-year-old woman"), or from who ("man aged 63"): no possessive.
        start = m.start("age") if age == "age" else m.start("who2")
        found.append((Descriptor(int(m.group(age)), sex, text[start:m.end()]), start, m.end()))
    return sorted([*found, *_relatives_by_apposition(text or "", found)], key=lambda f: f[1])


#: A relative named by the relation, the age in an apposition without a person's word: "His mother, a 38-year-old
#: primary school teacher, ...", "Her husband, 45 years old, ..." (with a person's word, "Their son-in-law, a
#: 34-year-old man", ``_DESCRIPTOR`` reads the apposition; "His mother, aged 38," too).
_RELATIVE_APPOSITION = re.compile(
    rf"\b(?:his|her|their|the)\s+(?P<who>{_RELATIONS_M}|{_RELATIONS_F})\s*,\s*(?:an?\s+)?"
    r"(?P<age>\d{1,3})(?:[- ](?:year|yr)s?[- ]old\b|\s+years?\s+old\b)", re.I)


#: The same relative told by their relation to a numbered patient, the age in the predicate: "Patient 2, the wife of
#: patient 1, is 38 years old and a kindergarten teacher", "Case 3, the son of case 1, was 19 years old" (the
#: Chinese-English turn; before, the paragraph's first descriptor, "Their 12-year-old son", was taken for hers).
_RELATIVE_AGE_PREDICATE = re.compile(
    rf"\b(?:his|her|their|the)\s+(?P<who>{_RELATIONS_M}|{_RELATIONS_F})(?:\s+of\s+(?:patient|case)\s*\d{{1,2}})?"
    r"\s*,\s*(?:is|was)\s+(?:aged\s+)?(?P<age>\d{1,3})(?:[- ]years?[- ]old\b|\s+years\b(?![- ](?:ago|before|earlier|"
    r"later|older|younger)\b))", re.I)


#: The relation's words before the predicate's age in a ``_RELATIVE_AGE_PREDICATE`` descriptor ("wife of patient 1,
#: is "): the introduction reads from the age ("38 years old and a kindergarten teacher."), whose sex the pronoun
#: opening the next sentence tells (papers.``_with_next_subject_pronoun``), not "wife of patient 1", which names
#: another person.
_PREDICATE_WORDS = re.compile(rf"(?:{_RELATIONS_M}|{_RELATIONS_F})(?:\s+of\s+(?:patient|case)\s*\d{{1,2}})?\s*,\s*"
                              r"(?:is|was)\s+(?:aged\s+)?(?=\d)", re.I)


def _intro_at(body: str, descriptor: Descriptor, start: int) -> str:
    """The introducing sentence of a numbered patient from its descriptor's words at ``start`` on; from the age
    when the age is the predicate of a relation ("Patient 2, the wife of patient 1, is 38 years old ...")."""
    m = _PREDICATE_WORDS.match(descriptor.words)
    return _sentence_at(body, start + m.end() if m else start)


def _age_within(descriptor: Descriptor) -> int:
    """Where the age starts in the words of a relative ``_RELATIVE_APPOSITION`` introduced ("mother, a 38-year-old":
    the introduction reads from the age, the relation its title, as "His mother, a 38-year-old woman"), else 0."""
    m = re.match(rf"(?:{_RELATIONS_M}|{_RELATIONS_F})\s*,\s*(?:an?\s+)?(?=\d)", descriptor.words, re.I)
    return m.end() if m else 0


def _relatives_by_apposition(text: str, found: list[tuple[Descriptor, int, int]]) -> list[tuple[Descriptor, int, int]]:
    """The relatives ``_RELATIVE_APPOSITION`` introduces whose apposition ``_DESCRIPTOR`` did not read (``found``):
    the sex of the relation, the words from the relation on ("mother, a 38-year-old")."""
    relatives = []
    for m in [*_RELATIVE_APPOSITION.finditer(text), *_RELATIVE_AGE_PREDICATE.finditer(text)]:
        if any(start < m.end() and m.start("who") < end for _, start, end in found):
            continue
        sex = "M" if _MALE.match(m.group("who")) else "F"
        relatives.append((Descriptor(int(m.group("age")), sex, m.group(0)[m.start("who") - m.start():]),
                          m.start("who"), m.end()))
    return relatives


# "The first patient, a 41-year-old teacher, ...", "Second patient. (A) ...": a series told in
# order. Only where the paper names two of them at least ("the first case of COVID-19 in ..." is
# no number): ``ordinal_numbers``.
_ORDINAL = re.compile(rf"\b({'|'.join(ORDINALS_EN[:6])})\s+(?:patient|case)\b(?!\s+(?:of|in|with|to)\b)", re.I)


#: A patient's number as series abbreviate it once they have defined it: "P1", "P2" (capital P, nothing joined on:
#: not "P2Y12", "P-2"); read only in a paper that defines the form (``p_numbers_defined``): "a loud P2" is a sound.
_P_NUMBER = re.compile(r"(?<![\w-])P(\d{1,2})(?![\w-])")
#: The form defined in the text: "a man (P1)", "his wife (P2)".
_P_DEFINED = re.compile(r"\(P(\d{1,2})\)")


def p_numbers_defined(paragraphs: Sequence[str], tables: Sequence[Table] = ()) -> bool:
    """Whether the paper names its patients "P1", "P2" ...: a table of patients whose ids are so written (two at
    least: "P1" .. "P4" down its first column or across its first row), or the text defining two of them in
    parentheses ("a man (P1) ... his wife (P2)")."""
    defined = {n for p in paragraphs for n in _P_DEFINED.findall(p)}
    for table in tables:
        rows = [row for row in table.rows if row]
        firsts = [row[0].strip() for row in rows[1:]] + ([c.strip() for c in rows[0][1:]] if rows else [])
        defined |= {c[1:] for c in firsts if _P_NUMBER.fullmatch(c)}
    return len(defined) >= 2


def ordinal_numbers(text: str) -> list[int]:
    return sorted({ORDINAL_NUMBERS[w.lower()] for w in _ORDINAL.findall(text or "")})


def numbers_in(text: str, ordinals: bool = False, abbreviated: bool = False) -> list[int]:
    """The patients' numbers the text names: "Patient 2", "case 3", and the series that name them by
    letter ("patient B" is 2) or by Roman numeral ("Case III" is 3); with ``ordinals``, by order
    ("the second patient" is 2); with ``abbreviated``, by the paper's own short form ("P2": ``p_numbers_defined``)."""
    found = {int(n) for n in _NUMBERED.findall(text or "")}
    found |= {int(n) for n in _P_NUMBER.findall(text or "")} if abbreviated else set()
    found |= set(ordinal_numbers(text)) if ordinals else set()
    found |= {ord(letter) - ord("A") + 1 for letter in _LETTERED.findall(text or "")}
    found |= {_ROMAN.index(numeral) + 1 for numeral in _ROMAN_NAMED.findall(text or "")}
    return sorted(found)


#: Several patients a legend names in the plural: "Patients 3 and 4 (children).", "patients 1, 2 and 5", "Cases 2-4"
#: (not a count: "patients 1 and 2 days after ...").
_PLURAL_NUMBERED = re.compile(
    r"\b(?:patients|cases)\s+(?P<list>\d{1,2}(?:\s*(?:,\s*(?:and\s+)?|and\s+|&\s*)\d{1,2}\b)+)"
    r"|\b(?:patients|cases)\s+(?P<first>\d{1,2})\s*[-\u2013]\s*(?P<last>\d{1,2})\b", re.I)
_NOT_A_PATIENT = re.compile(r"(?<!\s)\s*(?:days?|weeks?|months?|years?|hours?|%|mg|ml)\b", re.I)


def caption_numbers(text: str, ordinals: bool = False, abbreviated: bool = False) -> list[int]:
    """The patients' numbers a legend names (``numbers_in``), and those it names in the plural ("Patients 3 and 4")."""
    found = set(numbers_in(text, ordinals, abbreviated))
    for m in _PLURAL_NUMBERED.finditer(text or ""):
        if _NOT_A_PATIENT.match(text, m.end()):
            continue
        if m.group("list"):
            found.update(int(n) for n in re.findall(r"\d{1,2}", m.group("list")))
        elif int(m.group("first")) < int(m.group("last")) <= int(m.group("first")) + 9:
            found.update(range(int(m.group("first")), int(m.group("last")) + 1))
    return sorted(found)


#: Where one sentence of a paper's text ends and the next begins: a stop, then a capital or a bracket opening the
#: next (abbreviations like "vs." rarely open a case). The module's one reading of sentences.
_SENTENCE_BREAK = re.compile(r"(?<=[.!?])\s+(?=[A-Z(])")


def _sentence_at(text: str, start: int) -> str:
    """From ``start`` to the end of its sentence (``_SENTENCE_BREAK``)."""
    end = _SENTENCE_BREAK.search(text[start:])
    return text[start:start + end.start()] if end else text[start:]


def _sentence_lead(text: str, start: int) -> str:
    """The words of the sentence holding the character before ``start`` (``_sentence_start``) up to ``start``,
    spaces collapsed: the words before ``start`` in its sentence (the sentence before, when ``start`` opens one)."""
    return re.sub(r"\s+", " ", text[_sentence_start(text, start - 1):start]).strip()


def _sentences(text: str) -> list[str]:
    """The sentences of ``text`` (``_SENTENCE_BREAK``)."""
    return _SENTENCE_BREAK.split(text)


# A PDF's numbered section heading in capitals run into its paragraph's text: Wiley's "2 | CASE PRESENTATION",
# "2. CASE REPORT" (the line break between them lost in the PDF's text).
_PDF_HEADING = re.compile(r"^\d{1,2}(?:\s*\||\.)\s*(?P<heading>[A-Z][A-Z ,&/-]{2,60}?)\.?\s+(?=[A-Z][a-z]|[A-Z]\s)")


def _split_heading(paragraph: str) -> tuple[str, str]:
    numbered = _PDF_HEADING.match(paragraph)
    if numbered:
        return numbered.group("heading").strip().capitalize(), paragraph[numbered.end():]
    if ": " in paragraph[:80]:
        heading, _, body = paragraph.partition(": ")
        if not re.search(r"[.!?]", _SECTION_NUMBER.sub("", heading)):
            return heading, body
    return "", paragraph


#: The numbers of a section title and of the sections above it ("2. Case presentation / 2.2. Patient 2"): no
#: sentence's full stop.
_SECTION_NUMBER = re.compile(r"(?:^|(?<=/ ))\d{1,2}(?:\.\d{1,2})*\.?\s+")


# "... with fever. Case 2: a 62-year-old woman ...": a patient's own label opening a sentence.
_INLINE_LABEL = re.compile(r"(?<=[.!?])\s+(?=(?:case|patient)\s*(?:no\.?\s*)?\d{1,2}\s*[:.]\s)", re.I)


# "... (Fig. 3a). Patient 4, the 11-year-old son, was asymptomatic ...": a numbered patient introduced by an
# apposition at a sentence's opening, inside another numbered patient's paragraph.
_INLINE_INTRODUCED = re.compile(r"(?<=[.!?])\s+(?=(?:case|patient)\s*(?:no\.?\s*)?(\d{1,2}),\s)", re.I)


def _introductions_split(piece: str, current: int | None = None) -> list[str]:
    """``piece`` cut before each sentence opening with a numbered patient and an apposition introducing them
    ("Patient 4, the 11-year-old son, ...", "Case 3, a 62-year-old man, ..."), when ``piece`` opens with another
    patient's number ("Patient 3, their daughter aged 16 years, ..."), or opens with none but goes on with the
    ``current`` patient's story (``_sections``: "The testing of all residents ... Case 3, a 79-year-old man who
    shared the dining room with Case 1, had developed ...": the sentences from Case 3's introduction on are his):
    each patient's sentences their own. A paragraph opening with no number and no patient's story before it ("We
    describe a couple. Patient 1, a 36-year-old man, ...") is not cut."""
    opening = numbers_in(piece[:60]) or ([current] if current is not None else [])
    if not opening:
        return [piece]
    cuts = []
    for m in _INLINE_INTRODUCED.finditer(piece):
        apposition = _APPOSITION.match(piece, piece.index(",", m.end()))
        if (int(m.group(1)) not in opening and apposition is not None
                and (descriptors_in(apposition.group(1)) or _apposition_age(piece, apposition.start()))):
            cuts.append(m.start())
    return [piece[a:b].strip() for a, b in zip([0, *cuts], [*cuts, len(piece)])]


def _sections(paragraphs: list[str]) -> list[tuple[str, str]]:
    """(heading, body) of each paragraph; a paragraph whose sentences open with several patients'
    labels ("Case 1: ... Case 2: ...", a page's paragraph under its section title; "Patient 3, ... Patient 4, the
    11-year-old son, ...") is one section per label, the label added to the heading."""
    sections = []
    current: int | None = None  # the patient whose story the paragraphs tell, as ``_by_number`` follows it
    for paragraph in paragraphs:
        heading, body = _split_heading(paragraph)
        named = numbers_in(heading) or numbers_in(body[:60])
        if named or (heading and _ENDS_PATIENT.search(heading)):
            current = named[-1] if named else None
        for piece in (cut for labelled in _INLINE_LABEL.split(body)
                      for cut in _introductions_split(labelled, current)):
            current = (numbers_in(piece[:60]) or [current])[-1]
            own, rest = _split_heading(piece)
            if own and numbers_in(own) and len(own) <= 20:
                sections.append((f"{heading} / {own}" if heading else own, rest))
            else:
                sections.append((heading, piece))
    return sections


def split_patients(paragraphs: list[str], captions: list[str], tables: Sequence[Table] = (),
                   abstract: Sequence[str] = ()) -> list[PatientText]:
    """The paper's patients with their paragraphs and introducing sentence, in number order;
    ``tables``: the paper's tables, read for tables of patients (``patients_in_tables``);
    ``abstract``: the abstract's paragraphs, read for a single patient the body does not introduce."""
    sections = _sections(paragraphs)
    ordinals = len({n for text in [*paragraphs, *captions] for n in ordinal_numbers(text)}) >= 2
    abbreviated = p_numbers_defined(paragraphs, tables)
    numbered = {p.number: p for p in _by_number(sections, ordinals, abbreviated)}
    # A patient only a caption numbers ("Fig. 3. Patient 3: ...") is a patient too.
    in_captions = {n for caption in captions for n in caption_numbers(caption, ordinals, abbreviated)}
    in_tables = patients_in_tables(tables)
    if numbered or len(in_captions) >= 2:
        # ... and so is each patient of a table of patients, when the body names only some of them
        # ("the radiograph of patient 2 ...": Table 1 has patients 1 to 3).
        for number in (in_captions | (set(in_tables) if len(in_tables) >= 2 else set())) - set(numbered):
            numbered[number] = PatientText(number, "numbered")
        _introduced_in_passing(numbered, sections, ordinals, abbreviated)
        _introduced_in_captions(numbered, captions)
        _introduced_as_index(numbered, sections, captions)
        _introduced_by_relation(numbered, sections)
        _sentences_of_another(numbered, ordinals, abbreviated)
        for patient in numbered.values() if abbreviated else ():
            patient.alias = f"P{patient.number}"
        return _with_table([numbered[n] for n in sorted(numbered)], in_tables)
    patients = _by_descriptor(sections, captions)
    if len(in_tables) >= 2:
        patients = _numbered_by_table(patients, in_tables, in_captions)
    patients = _with_abstract(_with_table(patients, in_tables), abstract)
    return _with_onset_row(_with_characteristic_rows(patients, tables), tables)


def _introduced_in_passing(numbered: dict[int, PatientText], sections: list[tuple[str, str]],
                           ordinals: bool, abbreviated: bool = False) -> None:
    """A paragraph introducing numbered patients in passing, not at its start ("We describe a married
    couple ... Patient 1, a 36-year-old man, developed fever ... His 33-year-old wife (Patient 2)
    developed anosmia ..."): each descriptor whose sentence names one patient, and that patient has
    none, is that patient's introduction. The paragraph, telling of both, is not made one of theirs:
    its first age would be read as the second patient's too."""
    for _, body in sections:
        for descriptor, start, _ in descriptors_in(body):
            opening = max((m.end() for m in _SENTENCE_BREAK.finditer(body, 0, start)), default=0)
            named = numbers_in(_sentence_at(body, opening), ordinals, abbreviated)
            patient = numbered.get(named[0]) if len(named) == 1 else None
            if patient is None or patient.descriptor is not None:
                continue
            patient.descriptor, patient.intro = descriptor, _sentence_at(body, start)


#: The words between a patient's number and the descriptor a caption gives it: "Patient 1 (46-year-old woman).",
#: "Case 2, a 62-year-old man:", "Patient 3: 71-year-old man".
_CAPTION_APPOSITION = re.compile(r"(?:\s*[(,:\u2013\u2014-]\s*|\s+)(?:(?:an?|the)\s+)?")
#: A patient's number set off right after the descriptor a caption gives them, as a cohort's legends point to its
#: table: "A 58-year-old man (patient 7 in Table 2) with fever", "a 71-year-old woman, case 3, ..." (not another
#: patient's possessive: "a 40-year-old man, patient 2's husband"). Matched at the descriptor's end, a word's end (the
#: lookbehind keeps a search from starting inside a run of spaces).
_NUMBER_AFTER_DESCRIPTOR = re.compile(
    r"(?<!\s)\s*[(,]\s*(?:patient|case)\s*(?:no\.?\s*)?(\d{1,2})\b(?!\s*['\u2019])", re.I)


def _introduced_in_captions(numbered: dict[int, PatientText], captions: list[str]) -> None:
    """A series whose patients only its legends introduce ("Fig. 1. Patient 1 (46-year-old woman). A. Axial CT
    ..."; the body: "Patient 1", "Patients 2 and 3"; a cohort's "A 58-year-old man (patient 7 in Table 2)"): the
    descriptor right after a patient's number, or right before it, is that patient's, when the body gave them
    none; so is the sex and age in brackets after it ("Patient 3 (male, 38 years)."), and the one descriptor of a
    legend headed by the patient's number alone ("Patient 1. Axial chest CT image obtained 5 days after symptom
    onset in a 45-year-old man shows ...": the legend is that patient's)."""
    for caption in captions:
        found = descriptors_in(caption)
        for descriptor, start, end in found:
            marker = next((m for m in _NUMBERED.finditer(caption, 0, start)
                           if _CAPTION_APPOSITION.fullmatch(caption, m.end(), start)), None)
            marker = marker or _NUMBER_AFTER_DESCRIPTOR.match(caption, end)
            patient = numbered.get(int(marker.group(1))) if marker else None
            if patient is not None and patient.descriptor is None:
                patient.descriptor, patient.intro = descriptor, _sentence_at(caption, start)
        marker = _NUMBERED.match(caption.lstrip())
        patient = numbered.get(int(marker.group(1))) if marker else None
        if patient is None or patient.descriptor is not None:
            continue
        caption = caption.lstrip()
        bracketed = _SEX_AGE_BRACKETED.match(caption, marker.end())
        if bracketed:
            sex = "M" if _MALE.match(bracketed.group("who") or bracketed.group("who2")) else "F"
            age = int(bracketed.group("age") or bracketed.group("age2"))
            patient.descriptor = Descriptor(age, sex, bracketed.group(0).strip(" ()"))
            patient.intro = _sentence_at(caption, 0)
        elif (len(found) == 1 and _HEADING_NUMBER.match(caption, marker.end())
              and len(set(_NUMBERED.findall(caption))) == 1 and not _OTHER_PERSONS_DESCRIPTOR.match(found[0][0].words)
              and not re.search(r"\b(?:his|her|their)\s+$", caption[:found[0][1]], re.I)):
            patient.descriptor, patient.intro = found[0][0], _sentence_at(caption, found[0][1])


#: A patient's sex and age in brackets after their number in a legend: "Patient 3 (male, 38 years)", "(38 years,
#: female)"; the sex spelled out.
_SEX_AGE_BRACKETED = re.compile(
    r"(?<!\s)\s*\(\s*(?:(?P<who>male|female|man|woman)\s*,\s*(?P<age>\d{1,3})\s*(?:years?|yrs?)(?:\s+old)?"
    r"|(?P<age2>\d{1,3})\s*(?:years?|yrs?)(?:\s+old)?\s*,\s*(?P<who2>male|female|man|woman))\s*\)", re.I)
#: A legend's heading that is the patient's number alone: "Patient 1." / "Case 2:" then the legend (matched right
#: after the number: the lookbehind keeps a search from starting inside a run of spaces).
_HEADING_NUMBER = re.compile(r"(?<!\s)\s*[.:]\s+[A-Z(]")
#: A descriptor naming a relative ("45-year-old wife"): another person than the numbered patient.
_OTHER_PERSONS_DESCRIPTOR = re.compile(rf".*\b(?:{_RELATIONS_M}|{_RELATIONS_F})$", re.I)


#: A legend numbering the index patient of a cluster: "Case 1 (index patient).", "Patient 1 (index case):".
_INDEX_NUMBERED = re.compile(r"\b(?:patient|case)\s*(\d{1,2})\s*\(\s*(?:the\s+)?index\s+(?:case|patient)\s*\)", re.I)
#: A paragraph opening on the index patient: "The index patient, a man aged 45, returned ...".
_INDEX_OPENING = re.compile(r"\A\s*the\s+(?P<title>index\s+(?:case|patient))\b", re.I)


def _introduced_as_index(numbered: dict[int, PatientText], sections: list[tuple[str, str]],
                         captions: list[str]) -> None:
    """A cluster whose body names its index patient by that title only ("The index patient, a man aged 45,
    returned ...", then "His son (case 2)"), its legends giving the title its number ("Case 1 (index patient)"):
    the paragraph opening on the index patient is that patient's (introduction, onset, course), when the body
    numbered it to no one and the patient has no introduction of their own."""
    legend_numbers = {int(m.group(1)) for caption in captions for m in _INDEX_NUMBERED.finditer(caption)}
    patient = numbered.get(next(iter(legend_numbers))) if len(legend_numbers) == 1 else None
    if patient is None or patient.descriptor is not None or patient.paragraphs:
        return
    taken = {id(body) for other in numbered.values() for body in other.paragraphs}
    for _, body in sections:
        opening = _INDEX_OPENING.match(body)
        if id(body) in taken or opening is None or numbers_in(_sentence_at(body, 0)):
            continue
        found = descriptors_in(_sentence_at(body, 0))
        if found:
            patient.descriptor, patient.intro = found[0][0], _sentence_at(body, found[0][1])
        patient.title = re.sub(r"\s+", " ", opening.group("title").lower())
        patient.paragraphs = [body]
        return


#: A relative the text numbers right after naming them, then gives the age of in an apposition: "His father (patient
#: 4), aged 74 years, ...", "His wife (patient 2), 43 years old, ...", "their daughter (case 3), a 19-year-old
#: university student, ...". The possessive before the relation is the index patient's, not the relative's.
_RELATION_NUMBERED = re.compile(
    rf"(?:\b(?:his|her|their|the\s+index\s+(?:patient|case)'s)\s+)?\b(?P<relation>{_RELATIONS_M}|{_RELATIONS_F})"
    # ... or by their relation to another numbered patient: "The brother of patient 1 (patient 4), who lived with
    # the couple, ...", "the mother of case 2 (case 5)"
    r"(?:\s+of\s+(?:patient|case)\s*\d{1,2})?"
    r"\s*\(\s*(?:patient|case)\s*(?P<n>\d{1,2})\s*\)", re.I)
#: The apposition right after a relative's number ("(patient 4), aged 74 years,", "(patient 2), 43 years old,",
#: "(patient 3), a 19-year-old university student,"): its age is ``normalize_age``'s reading of it when the
#: apposition opens with it.
_APPOSITION = re.compile(r",\s*([^,;:.()]{1,80})")
_ARTICLE = re.compile(r"(?:an?\s+)?", re.I)


def _apposition_age(body: str, pos: int) -> int:
    """The age in whole years of the apposition at ``pos`` (0 when it opens with none, or under a year)."""
    apposition = _APPOSITION.match(body, pos)
    if apposition is None:
        return 0
    age = normalize_age(apposition.group(1))
    if age.value is None or not _ARTICLE.fullmatch(apposition.group(1), 0, age.start):
        return 0
    return int(age.value)


def _introduced_by_relation(numbered: dict[int, PatientText], sections: list[tuple[str, str]]) -> None:
    """A cluster whose relatives are introduced by relation and number in one paragraph ("His father (patient
    4), aged 74 years, ... had had fever and fatigue since January 24 ... His wife (patient 2), 43 years old,
    developed cough ... on January 26, and their daughter (patient 3), a 19-year-old university student,
    complained of ... from January 27."): each relative numbered so, without an introduction of their own, is
    introduced by their words, from the relation to the next relative numbered so or the sentence's end (their
    onset, not the next one's); sex from the relation, age from the apposition right after the number. That
    paragraph, telling of the relatives, is no longer the patient's whose paragraphs ran on into it (the index
    patient's, "Patient 1, ... developed fever on January 22"), unless it names that patient's number."""
    for _, body in sections:
        found = list(_RELATION_NUMBERED.finditer(body))
        introduced = [_introduce_relative(numbered, body, m, following)
                      for m, following in zip(found, [*found[1:], None])]
        if any(introduced):
            named = set(numbers_in(body))
            first = found[introduced.index(True)]
            before = body[:_sentence_start(body, first.start())].strip()
            for patient in numbered.values():
                if body not in patient.paragraphs:
                    continue
                if patient.number not in named:
                    patient.paragraphs.remove(body)
                elif before and patient.number in numbers_in(before):
                    # the paragraph opens on this patient and goes on to the relatives ("The index case (patient
                    # 1) is a 68-year-old man ... admitted on March 5 ... His wife (patient 2) ... hospitalized on
                    # March 9"): theirs are the sentences before the first relative's, not the relatives' onsets
                    # and admissions (a later "The brother of patient 1 (patient 4)" names them as a relation)
                    patient.paragraphs[patient.paragraphs.index(body)] = before


#: A sentence whose subject is another numbered patient, named at its opening: "Patient 2 had SpO2 97% ...", "Her son
#: (Patient 2), a 41-year-old previously healthy man ..., had developed anosmia ... on 9 November", "Case 3's CT
#: showed ..." (not a comparison: "Like patient 1, she ..." opens with a preposition).
_ANOTHER_OPENS = re.compile(r"(?:(?:his|her|their|the)\s+(?:[\w-]+\s+){0,2}\(\s*)?(?:patient|case)\s*(?P<n>\d{1,2})\b",
                            re.I)


def _sentences_of_another(numbered: dict[int, PatientText], ordinals: bool, abbreviated: bool) -> None:
    """Each sentence of a numbered patient's paragraphs that opens on another numbered patient and names no other
    (``_ANOTHER_OPENS``: "Patient 1, a 73-year-old woman, ... for three days. Her son (Patient 2), a 41-year-old
    man, ... had developed fever on 9 November ... Patient 2 had SpO2 97%; his chest X-ray ...") is that patient's:
    it leaves the paragraph's patient (whose onset it would date) for the other's paragraphs, in the paper's order
    (before their own when it comes from an earlier patient's, after them from a later's; once)."""
    moved: dict[int, list[tuple[int, str]]] = {}
    for patient in numbered.values():
        kept_paragraphs = []
        for paragraph in patient.paragraphs:
            kept = []
            for sentence in _sentences(paragraph):
                opening = _ANOTHER_OPENS.match(sentence)
                other = int(opening.group("n")) if opening else None
                if (other is not None and other != patient.number and other in numbered
                        and numbers_in(sentence, ordinals, abbreviated) == [other]):
                    moved.setdefault(other, []).append((patient.number, sentence))
                else:
                    kept.append(sentence)
            if len(kept) < len(_sentences(paragraph)):
                paragraph = " ".join(kept)
            if paragraph:
                kept_paragraphs.append(paragraph)
        patient.paragraphs = kept_paragraphs
    for number, sentences in moved.items():
        own = numbered[number].paragraphs
        before = [s for n, s in sentences if n < number and not any(s in p for p in own)]
        after = [s for n, s in sentences if n > number and not any(s in p for p in own)]
        numbered[number].paragraphs = [*([" ".join(before)] if before else []), *own,
                                       *([" ".join(after)] if after else [])]


def _sentence_start(text: str, pos: int) -> int:
    """Where the sentence holding ``pos`` starts (``_SENTENCE_BREAK``)."""
    # (the break's lookahead reads the capital at ``pos`` itself: the search runs one character past it)
    return max((m.end() for m in _SENTENCE_BREAK.finditer(text, 0, pos + 1) if m.end() <= pos), default=0)


def _introduce_relative(numbered: dict[int, PatientText], body: str, m: re.Match[str],
                        following: re.Match[str] | None) -> bool:
    """``m``'s relative introduced by their words (``_introduced_by_relation``); False when their number is no
    patient of the paper or they have an introduction already."""
    patient = numbered.get(int(m.group("n")))
    if patient is None or patient.descriptor is not None:
        return False  # (an intro without age or sex, "The CT of patient 2 showed ...", gives way)
    sentence = _sentence_at(body, m.start("relation"))
    end = min(len(sentence), following.start() - m.start("relation")) if following else len(sentence)
    words = re.sub(r"[,;]?\s*(?:and|while|whereas)?\s*$", "", sentence[:end]).strip()
    sex = "M" if _MALE.match(m.group("relation")) else "F"
    years = _apposition_age(body, m.end())
    patient.descriptor, patient.intro = Descriptor(years, sex, words), words
    return True


def _with_abstract(patients: list[PatientText], abstract: Sequence[str]) -> list[PatientText]:
    """A case report whose body never introduces its patient ("The patient had no relevant history
    ...") introduces them in the abstract ("We report a 47-year-old woman who presented with an
    eight-day history of fever"): that sentence is the patient's introduction (age, sex, onset)."""
    if len(patients) != 1 or patients[0].descriptor is not None or patients[0].named_by != "single":
        return patients
    found = {(d.age, d.sex): (d, text, start) for text in abstract for d, start, _ in descriptors_in(text)}
    if len(found) == 1:
        descriptor, text, start = next(iter(found.values()))
        patients[0].descriptor, patients[0].intro = descriptor, _sentence_at(text, start)
    return patients


def _numbered_by_table(patients: list[PatientText], in_tables: dict[int, TablePatient],
                       in_captions: set[int]) -> list[PatientText]:
    """A series the body introduces by age and sex takes the numbers of its table of patients (each
    introduced patient the one table patient of that age and sex); a body introducing at most one
    patient gives way to the table's patients (and a patient only a caption numbers)."""
    if patients[0].named_by == "introduced":
        matches = []
        for patient in patients:
            d = patient.descriptor
            same = [e.number for e in in_tables.values() if d is not None and (e.age, e.sex) == (d.age, d.sex)]
            matches.append(same[0] if len(same) == 1 else None)
        if None in matches or len(set(matches)) != len(matches):
            return patients
        renumbered = {n: PatientText(n, "numbered", p.paragraphs, p.intro, p.descriptor)
                      for n, p in zip(matches, patients)}
    else:
        renumbered = {}
    for number in (set(in_tables) | in_captions) - set(renumbered):
        renumbered[number] = PatientText(number, "numbered")
    return [renumbered[n] for n in sorted(renumbered)]


def _with_table(patients: list[PatientText], in_tables: dict[int, TablePatient]) -> list[PatientText]:
    """Each numbered patient (the single patient of a one-patient table) given what the table says."""
    for patient in patients:
        if patient.named_by == "numbered":
            entry = in_tables.get(patient.number)
        elif patient.named_by == "single" and len(in_tables) == 1:
            entry = next(iter(in_tables.values()))
        else:
            entry = None
        if entry is None:
            continue
        patient.table_text = entry.text
        patient.table_moments = list(entry.moments)
        if patient.descriptor is None and entry.age is not None:
            patient.descriptor = Descriptor(entry.age, entry.sex, entry.text)
    return patients


def _with_characteristic_rows(patients: list[PatientText], tables: Sequence[Table]) -> list[PatientText]:
    """A case report's single patient whom no text introduces ("The patient had fever ...") and whose table of
    characteristics gives one row per variable, its value beside it ("Age, yr | 73", "Sex | Female"): the table's
    age and sex, in the words of a table of patients ("Table 1: Age: 73; Sex: F"), when its rows give one of each."""
    patient = patients[0] if len(patients) == 1 else None
    if patient is None or patient.named_by != "single" or patient.descriptor is not None or patient.table_text:
        return patients
    said: dict[str, set] = {"age": set(), "sex": set()}
    labels = []
    for table in tables:
        for row in table.rows:
            cells = [c.strip() for c in row if c.strip()]
            if len(cells) != 2 or (kind := _kind(cells[0])) not in ("age", "sex", "age/sex"):
                continue
            age, sex = _age_sex(kind, cells[1])
            said["age"] |= {age} if age is not None else set()
            said["sex"] |= {sex} if sex else set()
            labels += [table.label or "Table"] if age is not None or sex else []
    if not labels or len(said["age"]) > 1 or len(said["sex"]) > 1:
        return patients
    age, sex = next(iter(said["age"]), None), next(iter(said["sex"]), "")
    values = [f"Age: {age}"] * (age is not None) + [f"Sex: {sex}"] * bool(sex)
    patient.table_text = f"{labels[0]}: " + "; ".join(values)
    if age is not None:
        patient.descriptor = Descriptor(age, sex, patient.table_text)
    return patients


def _with_onset_row(patients: list[PatientText], tables: Sequence[Table]) -> list[PatientText]:
    """A case report's single patient whose table of findings (one row per variable, its value beside
    it: "Days from symptom onset to admission | 7") tells how long the symptoms had lasted at the
    admission, and no table of patients says so: that row, in the words the timeline reads."""
    if len(patients) != 1 or patients[0].named_by != "single" or "symptom onset " in patients[0].table_text:
        return patients
    found = {(table.label or "Table", int(days.group(1)))
             for table in tables for row in table.rows
             if len(cells := [c.strip() for c in row if c.strip()]) == 2 and _kind(cells[0]) == "onset"
             and (days := _DAYS_CELL.fullmatch(cells[1]))}
    if len({days for _, days in found}) == 1:
        label, days = min(found)
        said = f"{label}: symptom onset {days} days before admission"
        patients[0].table_text = f"{patients[0].table_text}; {said}" if patients[0].table_text else said
    return patients


def _by_number(sections: list[tuple[str, str]], ordinals: bool = False,
               abbreviated: bool = False) -> list[PatientText]:
    patients: dict[int, PatientText] = {}
    current: int | None = None
    for heading, body in sections:
        named = numbers_in(heading, ordinals, abbreviated) or numbers_in(body[:60], ordinals, abbreviated)
        if named:
            current = named[-1]
        elif heading and _ENDS_PATIENT.search(heading.rsplit(" / ", 1)[-1]):
            current = None
        if current is None:
            continue
        patient = patients.setdefault(current, PatientText(current, "numbered"))
        patient.paragraphs.append(body)
        if not patient.intro:
            found = descriptors_in(body)
            if found:
                patient.descriptor = found[0][0]
                patient.intro = _intro_at(body, found[0][0], found[0][1])
            elif numbers_in(body[:60], ordinals, abbreviated):
                patient.intro = _sentence_at(body, 0)
    return [patients[n] for n in sorted(patients)]


def _by_descriptor(sections: list[tuple[str, str]], captions: list[str]) -> list[PatientText]:
    order: list[Descriptor] = []
    intros: dict[tuple[int, str], str] = {}
    titles: dict[tuple[int, str], str] = {}
    texts = [body for _, body in sections] + list(captions)
    first_at: dict[tuple[int, str], tuple[int, int]] = {}
    for i, text in enumerate(texts):
        for descriptor, start, _ in descriptors_in(text):
            key = (descriptor.age, descriptor.sex)
            if key not in intros:
                order.append(descriptor)
                start += _age_within(descriptor)  # ("His mother, a 38-year-old teacher": titled "mother")
                intros[key] = _sentence_at(text, start)
                titles[key] = _title_before(text, start)
                first_at[key] = (i, start)
    owner = _possessor_by_age_alone(texts, order[0], *first_at[(order[0].age, order[0].sex)]) \
        if len(order) == 1 else None
    if owner is not None:
        # "A 34-year-old intensive care nurse presented ... Her 3-year-old son developed a fever": two people.
        (descriptor, at, start), key = owner, (owner[0].age, owner[0].sex)
        order.insert(0, descriptor)
        intros[key], titles[key] = _sentence_at(texts[at], start), ""
    case_sections = [(h, b) for h, b in sections if _CASE_SECTION.search(h) and not _ENDS_PATIENT.search(h)]
    if len(order) <= 1:
        patient = PatientText(1, "single", paragraphs=[b for _, b in (case_sections or sections)])
        if order:
            patient.descriptor, patient.intro = order[0], intros[(order[0].age, order[0].sex)]
        else:
            # "A 64-year-old retired teacher presented ... She had ...": an age before an occupation,
            # not a person's word; the sentence introduces the patient (sex then from the pronouns).
            patient.descriptor, patient.intro = _by_age_alone(patient.paragraphs)
        return [patient]
    patients = [PatientText(i + 1, "introduced", intro=intros[(d.age, d.sex)], descriptor=d,
                            title=titles[(d.age, d.sex)]) for i, d in enumerate(order)]
    for patient, d in zip(patients, order):
        at, start = first_at.get((d.age, d.sex), (0, 0))  # (an owner told by an age alone: the body's)
        if at >= len(sections):  # introduced by a legend: its sentence, the words before the descriptor too
            patient.legend_sentence = f"{_sentence_lead(texts[at], start)} {patient.intro}".strip()
    index = {(d.age, d.sex): i for i, d in enumerate(order)}
    words = {i: f"{d.words} {titles[(d.age, d.sex)]}" for i, d in enumerate(order)}
    current: int | None = None
    for heading, body in sections:
        found = sorted([*descriptors_in(body), *_age_alone_of(owner[0] if owner else None, body)], key=lambda f: f[1])
        if found:
            current = index[(found[0][0].age, found[0][0].sex)]
        elif heading and _ENDS_PATIENT.search(heading.rsplit(" / ", 1)[-1]):
            current = None
        for who, piece in _by_subject(body, index, current, words):
            patients[who].paragraphs.append(piece)
            current = who
    _share_facts_of_both(patients)
    return patients


#: A sentence telling a fact of both patients of a paper of two: "RT-PCR of nasopharyngeal swabs was positive for
#: SARS-CoV-2 in both", "Both tested positive", "Both patients were admitted ..." (not "both lungs", "in both lower
#: lobes": a word of a body's pair follows).
_OF_BOTH = re.compile(r"\b(?:in|for|of|from)\s+both(?:\s+(?:patients|cases|of\s+them))?\s*(?=[.;]|$)"
                      r"|(?:^|(?<=[.!?]\s))both(?:\s+(?:patients|of\s+them))?\s+(?:were|was|had|tested|showed|developed)\b",
                      re.I)


def _share_facts_of_both(patients: list[PatientText]) -> None:
    """A sentence of one of two patients' paragraphs telling a fact of both ("Her 3-year-old son had had a fever
    for 2 days. RT-PCR ... was positive for SARS-CoV-2 in both.") is the other patient's too."""
    if len(patients) != 2:
        return
    for own, other in (patients, patients[::-1]):
        shared = [sentence for piece in own.paragraphs for sentence in _sentences(piece) if _OF_BOTH.search(sentence)]
        other.paragraphs.extend(s for s in shared if not any(s in piece for piece in other.paragraphs))


#: The possessive before a relative's descriptor ("Her 3-year-old son"): the sex of the person the relative is of.
_POSSESSIVE_LEAD = re.compile(r"\b(?P<possessive>his|her)\s+$", re.I)
_RELATION_LAST = re.compile(rf"\b(?:{_RELATIONS_M}|{_RELATIONS_F})$", re.I)
_PRONOUNS_OF = {"M": MALE_PRONOUNS, "F": FEMALE_PRONOUNS}


def _possessor_by_age_alone(texts: list[str], relative: Descriptor, at: int,
                            start: int) -> tuple[Descriptor, int, int] | None:
    """The person a paper's only descriptor, a relative a possessive introduces ("Her 3-year-old son developed a
    fever", first at ``texts[at][start:]``), belongs to, when an age alone introduced someone before it ("A
    34-year-old intensive care nurse presented ..."): that person, of the possessive's sex (no pronoun of the
    other sex between them), as (descriptor, text index, start of the age)."""
    lead = _POSSESSIVE_LEAD.search(texts[at][:start])
    if lead is None or not _RELATION_LAST.search(relative.words):
        return None
    sex = "F" if lead.group("possessive").lower() == "her" else "M"
    for i, text in enumerate(texts[:at + 1]):
        m = next((m for m in _AGE_ALONE.finditer(text, 0, start if i == at else len(text))
                  if int(m.group(1)) != relative.age), None)
        if m is None:
            continue
        between = text[m.end():start] if i == at else " ".join([text[m.end():], *texts[i + 1:at], texts[at][:start]])
        if _PRONOUNS_OF["M" if sex == "F" else "F"].search(between):
            return None
        return Descriptor(int(m.group(1)), sex, text[m.start(1):m.end()]), i, m.start(1)
    return None


def _age_alone_of(owner: Descriptor | None, body: str) -> list[tuple[Descriptor, int, int]]:
    """Where ``body`` introduces the possessor ``_possessor_by_age_alone`` found, as ``descriptors_in`` does."""
    if owner is None:
        return []
    return [(owner, m.start(1), m.end()) for m in _AGE_ALONE.finditer(body) if int(m.group(1)) == owner.age]


#: The name a sentence opens with before the descriptor it sets off: "The index case, a 61-year-old man",
#: "Their son-in-law, a 34-year-old man" (the descriptor's own article included in its match).
_TITLE = re.compile(rf"(?:^|(?<=[.!?]\s))\s*(?:the|his|her|their)\s+(?P<title>index\s+(?:case|patient)|"
                    rf"{_RELATIONS_M}|{_RELATIONS_F})\s*,\s*(?:(?:an?|the)\s+)?$", re.I)


def _title_before(text: str, start: int) -> str:
    """The title (``_TITLE``) the sentence gives the patient whose descriptor starts at ``start``, lower case."""
    sentence = max(text.rfind(". ", 0, start) + 2, 0) if text.rfind(". ", 0, start) >= 0 else 0
    m = _TITLE.search(text, sentence, start)
    return re.sub(r"\s+", " ", m.group("title").lower()) if m else ""


#: A sentence whose subject is a patient: "Her 9-year-old son developed ...", "A 36-year-old woman ...".
_SUBJECT_LEAD = re.compile(r"(?:(?:an?|the|his|her|their|one)\s+)?$", re.I)


def _by_subject(body: str, index: dict[tuple[int, str], int], current: int | None,
                words: dict[int, str] | None = None) -> list[tuple[int, str]]:
    """The paragraph's pieces and the patient each is about: one paragraph telling two patients ("A
    36-year-old woman developed fever on 9 April ... Her 9-year-old son developed a cough on 12 April
    ...") changes patient at a sentence whose subject introduces the other one (a patient named
    inside a sentence, "like his 61-year-old wife", changes nothing), and back at a sentence whose subject
    is a pronoun of the other patient's sex only ("... Her 3-year-old son ... was admitted with her. Her
    radiograph on admission showed ...", "She improved and was discharged ...")."""
    if current is None:
        return []
    pieces: list[tuple[int, str]] = []
    begin = 0
    for sentence, who in sorted(_subject_switches(body, index, words)):
        if who != current and (sentence > begin or (sentence == begin == 0 and not pieces)):
            if sentence > begin:
                pieces.append((current, body[begin:sentence].strip()))
            begin, current = sentence, who
    return [*pieces, (current, body[begin:].strip())]


#: What may open a sentence before its subject: a moment or place of the story ("On arrival his oxygen saturation
#: was 90%", "At presentation, she ...", "Two days later he ...", "In the emergency department, her ...").
_OPENING = (r"(?:(?:(?:on|upon|at|in|during|after)\s+(?:the\s+)?(?:arrival|admission|presentation|examination|"
            r"(?:emergency\s+department|hospital|ward|clinic|follow-up))|(?:\w+\s+)?(?:days?|weeks?)\s+later|"
            r"the\s+(?:next|following)\s+day|later|then|subsequently|meanwhile)\s*,?\s+)?")
#: A sentence opening with a pronoun of the patient it is about ("She improved ...", "Her radiograph ..."), not
#: with a relative of that patient ("Her son's chest radiograph ...": about the son).
_PRONOUN_SUBJECT = re.compile(rf"{_OPENING}(?P<pronoun>she|her|he|his)\b"
                              rf"(?!\s+(?:\d{{1,3}}[- ]year[- ]old\s+)?(?:{_RELATIONS_M}|{_RELATIONS_F})\b)", re.I)


#: A sentence opening with the relation a patient is to another ("The mother's oxygen saturation ...", "The
#: husband was admitted ..."): about the patient who is that relation.
_RELATION_SUBJECT = re.compile(rf"the\s+(?:(?P<m>{_RELATIONS_M})|(?P<f>{_RELATIONS_F}))\b", re.I)


def _relation_switch(body: str, sentence: int, index: dict[tuple[int, str], int],
                     words: dict[int, str]) -> int | None:
    """The patient a sentence opening with a relation word is about: the one patient of that relation's
    sex, unless that patient is named by another relation ("the father" is not a patient introduced as
    "her 3-year-old son")."""
    m = _RELATION_SUBJECT.match(body, sentence)
    if m is None:
        return None
    sex, relation = ("M", m.group("m")) if m.group("m") else ("F", m.group("f"))
    of_sex = [who for (_, each_sex), who in index.items() if each_sex == sex]
    if len(of_sex) != 1:
        return None
    own = words.get(of_sex[0], "").lower()
    other_relation = re.search(rf"\b(?:{_RELATIONS_M}|{_RELATIONS_F})\b", own)
    return of_sex[0] if not other_relation or relation.lower() in own else None


def _subject_switches(body: str, index: dict[tuple[int, str], int],
                      words: dict[int, str] | None = None) -> list[tuple[int, int]]:
    """(sentence start, patient) where a sentence of ``body`` makes another patient its subject: a descriptor
    opening it, a pronoun whose sex only one of the patients has, or the relation that patient is
    (``_relation_switch``; ``words``: each patient's introducing words). The clause after a semicolon is read as a
    sentence: a pair is often told in one sentence, a clause each."""
    found = []
    for descriptor, start, _ in descriptors_in(body):
        dot = body.rfind(". ", 0, start)
        sentence = dot + 2 if dot >= 0 else 0
        if _SUBJECT_LEAD.fullmatch(body[sentence:start]):
            found.append((sentence, index[(descriptor.age, descriptor.sex)]))
    # (a clause after a semicolon too: "The husband ... had fever since 6 days; the wife ... reported cough")
    for sentence in [0, *(m.end() for m in re.finditer(r"[.!?]\s+(?=[A-Z])|;\s+(?=[a-zA-Z])", body))]:
        if any(at == sentence for at, _ in found):
            continue
        related = _relation_switch(body, sentence, index, words or {})
        if related is not None:
            found.append((sentence, related))
            continue
        m = _PRONOUN_SUBJECT.match(body, sentence)
        if m is None:
            continue
        sex = "F" if m.group("pronoun").lower() in ("she", "her") else "M"
        of_sex = [who for (_, each_sex), who in index.items() if each_sex == sex]
        if len(of_sex) == 1 and all(each_sex in ("M", "F") for _, each_sex in index):
            found.append((sentence, of_sex[0]))
    return found


_AGE_ALONE = re.compile(r"\b(?:an?|the)\s+(\d{1,3})[- ](?:year|yr)s?[- ]old\b", re.I)


def _by_age_alone(paragraphs: list[str]) -> tuple[Descriptor | None, str]:
    """The single patient's introduction by age alone: the case's first "a 64-year-old ..." sentence."""
    for body in paragraphs:
        m = _AGE_ALONE.search(body)
        if m:
            return Descriptor(int(m.group(1)), "", m.group(0)), _sentence_at(body, m.start())
    return None, ""


#: A patient's initials as case reports anonymise them: "R.T., a 71-year-old man", "Patient 2 (M. L.)";
#: two or three capitals each with its full stop, not inside a longer abbreviation.
_INITIALS = re.compile(r"(?<![\w.])((?:[A-Z]\.\s?){1,2}[A-Z]\.)(?=[\s,;:)]|$)")
#: Initials that are no person's ("in the U.S.", "U.K."), whatever the text.
_NOT_INITIALS = frozenset({"US", "UK", "UAE", "USA", "EU", "UN"})


def initials_in(text: str) -> set[str]:
    """The initials (without stops or spaces: "RT") ``text`` writes."""
    found = {re.sub(r"[.\s]", "", m) for m in _INITIALS.findall(text or "")}
    return found - _NOT_INITIALS


def _initials_of(patient: PatientText) -> str:
    """The initials the text gives this patient where it opens their part ("Patient 1. R.T., a
    71-year-old ..."): the one set of initials in the first words of the patient's first paragraph."""
    opening = patient.paragraphs[0][:100] if patient.paragraphs else ""
    found = initials_in(opening)
    return next(iter(found)) if len(found) == 1 else ""


#: A patient's number and initials written together, wherever the text introduces them: "(Case 3, L.H.)",
#: "Patient 2 (M. L.)", "L.H. (Case 3)", "M.L. (patient 2)".
_NUMBER_INITIALS = re.compile(r"\b(?:patient|case)\s+(\d{1,2})\s*[,(]\s*((?:[A-Z]\.\s?){1,2}[A-Z]\.)(?=[\s,;:)])"
                              r"|(?<![\w.])((?:[A-Z]\.\s?){1,2}[A-Z]\.)\s*\(\s*(?:patient|case)\s+(\d{1,2})\s*\)",
                              re.I)


def _initials_by_number(patients: list[PatientText]) -> dict[int, str]:
    """The initials the text ties to a numbered patient's number ("his 16-year-old son (Case 3, L.H.)", inside
    another patient's paragraph), where each number has one set of initials and each set one number."""
    pairs: set[tuple[int, str]] = set()
    for patient in patients:
        for paragraph in patient.paragraphs:
            for m in _NUMBER_INITIALS.finditer(paragraph):
                number, written = (m.group(1), m.group(2)) if m.group(1) else (m.group(4), m.group(3))
                if written[0].isupper():
                    pairs.add((int(number), re.sub(r"[.\s]", "", written)))
    numbers, initials = [n for n, _ in pairs], [i for _, i in pairs]
    return {n: i for n, i in pairs if numbers.count(n) == 1 and initials.count(i) == 1 and i not in _NOT_INITIALS}


def _named_by_initials(text: str, patients: list[PatientText]) -> list[int]:
    """The patients a legend names by their initials ("R.T. (A) Erect PA ..."), where each patient's
    initials are their own: those opening the patient's part, else those the text ties to a numbered patient's
    number."""
    written = initials_in(text)
    if not written:
        return []
    tied = _initials_by_number(patients)
    initials = {p.number: _initials_of(p) or (tied.get(p.number, "") if p.named_by == "numbered" else "")
                for p in patients}
    if len({i for i in initials.values() if i}) != len([i for i in initials.values() if i]):
        return []
    return [n for n, i in initials.items() if i and i in written]


def patients_named(text: str, patients: list[PatientText]) -> list[int]:
    """The numbers of the patients a caption or sub-caption names (by number, by description or by
    initials)."""
    if not patients or (len(patients) == 1 and patients[0].named_by == "single"):
        return [patients[0].number] if patients else []
    known = {p.number for p in patients}
    ordered = any(p.named_by == "numbered" for p in patients) and len(known) >= 2
    abbreviated = any(p.alias for p in patients)
    named = [n for n in caption_numbers(text, ordinals=ordered, abbreviated=abbreviated) if n in known]
    named += _named_by_initials(text, patients)
    for descriptor, _, _ in descriptors_in(text):
        for patient in patients:
            d = patient.descriptor
            if (d is not None and d.age == descriptor.age and (d.sex == descriptor.sex or not descriptor.sex)
                    and patient.number not in named):
                named.append(patient.number)
    named += _named_by_relation(text, patients)
    named += _named_by_title(text, patients)
    named += _named_by_person_word(text, patients)
    return sorted(set(named))


#: A patient named again by the person's word of their introduction, with the article or as a label: "a The boy:
#: normal findings. b The mother: ...", "(A) the man, (B) the woman", "Girl: axial CT ...".
_PERSON_WORD = re.compile(r"\bthe\s+(man|woman|boy|girl|gentleman|lady)\b(?:'s)?"
                          r"|(?:^[\s(\[]*|\(?\b[A-Ha-h]\)\s*)(?=(?-i:[A-Z]))(man|woman|boy|girl)\b(?=\s*[:,.])", re.I)


def _named_by_person_word(text: str, patients: list[PatientText]) -> list[int]:
    """The patient a caption names by the person's word the text introduced them with ("A 7-year-old boy" is "the
    boy"), when only one patient was introduced by that word."""
    named = []
    for m in _PERSON_WORD.finditer(text or ""):
        word = (m.group(1) or m.group(2)).lower()
        who = [p.number for p in patients if p.descriptor and re.search(rf"\b{word}$", p.descriptor.words, re.I)]
        if len(who) == 1:
            named.append(who[0])
    return named


def _named_by_title(text: str, patients: list[PatientText]) -> list[int]:
    """The patient a caption names by the title the text introduced them with: "(a) The index case on
    January 29" is the one introduced as "The index case, a 61-year-old man"."""
    return [p.number for p in patients if p.title.startswith("index")
            and re.search(r"\bindex\s+(?:case|patient)\b", text or "", re.I)]


#: "of the mother", "the son's CT", "her husband": a family member named without an age; or the
#: family word as a (sub-)caption's label: "(a) Father: ...", "Mother, axial CT ...", "Patient 1 (father)".
_RELATION = re.compile(rf"\b(?:the|her|his|their)\s+({_RELATIONS_M}|{_RELATIONS_F})\b(?:'s)?"
                       rf"|(?:^[\s(\[]*|\(?\b[A-Ha-h]\)\s*)(?=(?-i:[A-Z]))({_RELATIONS_M}|{_RELATIONS_F})\b(?=\s*[:,.])"
                       rf"|\((?-i:({_RELATIONS_M}|{_RELATIONS_F}))\)", re.I)
#: A parent of the family's child is the spouse the text introduced ("His 41-year-old wife" is "the mother").
_PARENTS = {"mother": "wife", "father": "husband"}


#: A descriptor opening with the family word, the age after it: "their daughter aged 16 years" ("daughter aged 16").
_RELATION_FIRST = re.compile(rf"({_RELATIONS_M}|{_RELATIONS_F})\b", re.I)


def _relation_first(words: str) -> str:
    """The family word a descriptor opens with ("daughter aged 16": "daughter"), lower-case; "" for none."""
    m = _RELATION_FIRST.match(words)
    return m.group(1).lower() if m else ""


def _named_by_relation(text: str, patients: list[PatientText]) -> list[int]:
    """The patient a caption names by a family word: the one the text introduced by that word ("Her
    9-year-old son" is "the son"), else the only patient of that word's sex not introduced by a
    family word of their own ("A 36-year-old woman" is "the mother" beside "her 9-year-old son"),
    else for a parent the only one introduced as the spouse ("his 41-year-old wife" is "Mother")."""
    named = []
    for m in _RELATION.finditer(text or ""):
        word = next(g for g in m.groups() if g).lower()
        sex = "M" if _MALE.match(word) else "F"
        by_word = [p.number for p in patients if p.descriptor and (p.descriptor.words.lower().endswith(word)
                                                                   or _relation_first(p.descriptor.words) == word
                                                                   or p.title == word)]
        plain = [p.number for p in patients if p.descriptor and p.descriptor.sex == sex
                 and not re.search(rf"(?:{_RELATIONS_M}|{_RELATIONS_F})$", p.descriptor.words, re.I)
                 and not _relation_first(p.descriptor.words)
                 and not re.fullmatch(rf"{_RELATIONS_M}|{_RELATIONS_F}", p.title)]
        spouse = [p.number for p in patients if word in _PARENTS
                  and p.descriptor and p.descriptor.words.lower().endswith(_PARENTS[word])]
        who = by_word or plain or spouse
        if len(who) == 1:
            named.append(who[0])
    return named


def names_a_relative(text: str, patient: PatientText) -> bool:
    """Whether a caption names a relative of a paper's single patient ("The granddaughter's chest radiograph,
    which was normal", "Her son's CT"): a family word that is not the patient's own (not "His 59-year-old wife"
    of a paper about her, nor "the mother" of a paper about a woman and "her son": ``_roles_of``), so the figure
    shows someone the paper does not present as its patient."""
    own = (patient.descriptor.words.lower() if patient.descriptor else "", patient.title)
    roles = _roles_of(patient)
    return any(not own[0].endswith(word) and own[1] != word and word not in roles
               for m in _RELATION.finditer(text or "") for word in [next(g for g in m.groups() if g).lower()])


#: The relative a patient's own possessive names ("her seven-month-old son", "his wife"), and what that makes the
#: patient: the son's or daughter's mother or father, the husband's wife, the wife's husband.
_POSSESSED_RELATIVE = re.compile(r"\b(?P<possessive>her|his)\s+(?:[\w-]+[-\s]old\s+|(?:infant|newborn|baby|little|"
                                 r"elder|older|younger|eldest|youngest|adult)\s+)?"
                                 r"(?P<relative>son|daughter|child|baby|infant|newborn|husband|wife)\b", re.I)
_ROLE_OF = {("F", "child"): "mother", ("M", "child"): "father", ("F", "husband"): "wife", ("M", "wife"): "husband"}


def _roles_of(patient: PatientText) -> set[str]:
    """The family words that name the patient themself in a paper about them and a relative of theirs: "the mother"
    of a woman whose text tells of "her son" (the possessive of her sex), "the husband" of a man telling of "his
    wife"."""
    sex = patient.descriptor.sex if patient.descriptor else ""
    if sex not in ("M", "F"):
        return set()
    roles = set()
    for text in [patient.intro, *patient.paragraphs]:
        for m in _POSSESSED_RELATIVE.finditer(text or ""):
            if (m.group("possessive").lower() == "her") != (sex == "F"):
                continue
            relative = m.group("relative").lower()
            relative = relative if relative in ("husband", "wife") else "child"
            roles |= {_ROLE_OF[(sex, relative)]} if (sex, relative) in _ROLE_OF else set()
    if sex == "F" and any(_PREGNANCY.search(text or "") for text in [patient.intro, *patient.paragraphs]):
        roles.add("mother")  # her own pregnancy or delivery told: "the mother" of the paper's newborn is she
    return roles


#: A woman's own pregnancy or delivery ("A 27-year-old pregnant woman", "gravida 2", "at 35 weeks of gestation",
#: "underwent emergency cesarean section", "on the fourth postpartum day"): she is the mother of a newborn the paper
#: tells of, and a legend's "the mother" (a paediatric paper's "Chest CT scan of the mother") names her.
_PREGNANCY = re.compile(r"\b(?:pregnant|pregnancy|(?:primi|multi)?gravida|weeks?\s+(?:and\s+\d+\s+days?\s+)?"
                        r"(?:of\s+)?gestation|c(?:a)?esarean|postpartum|post-partum|gave\s+birth)\b", re.I)


# --- Tables of patients ------------------------------------------------------------------------

_TABLE_ID = re.compile(r"(?:(?P<word>patient|case|pt\.?|p)\s*(?:no\.?\s*|#\s*)?|(?P<sign>#|no\.)\s*)?"
                       r"(?P<n>\d{1,2})", re.I)
#: A header over a column of bare numbers that are the patients' own ("No.", "Patient", "Case #").
_ID_HEADER = re.compile(r"(?:patients?|cases?|pt\.?|no\.?|#|(?:patient|case)\s*(?:no\.?|#|number))", re.I)
_AGE_HEADER = re.compile(r"age\b(?!\s*(?:group|range|at\s+onset\s+of))", re.I)
_SEX_HEADER = re.compile(r"(?:sex|gender)\b", re.I)
#: "Symptom onset to admission (days)", "Days from onset to admission", "Duration of symptoms before
#: admission": how long before admission each patient's symptoms began (the offsets' anchor).
_ONSET_HEADER = re.compile(r"(?:(?:days?\s+from\s+)?(?:symptoms?\s+)?onset\s+(?:to|until|before)\s+"
                           r"(?:admission|hospitali[sz]ation|presentation)"
                           r"|duration\s+of\s+symptoms\s+(?:before|at|on)\s+(?:admission|presentation))\b", re.I)
#: "Days from symptom onset to CT", "Onset to first chest CT (days)", "Time from onset to radiograph
#: (d)": the day of each patient's exam of that kind counted from the onset; "Symptom onset to imaging
#: (d)", "... to scan": of the patient's imaging, whatever its kind (a pictorial review's table).
_EXAM_HEADER = re.compile(r"\bonset\s+(?:to|until)\s+(?:the\s+)?(?:first\s+|initial\s+)?(?:chest\s+)?"
                          r"(?:(?P<ct>CT|computed\s+tomography)|(?P<xray>radiograph(?:y)?|X-?ray|CXR)"
                          r"|imaging|scan|examination)\b", re.I)
_DAYS_CELL = re.compile(r"(\d{1,2})(?:\s*(?:d|days?))?", re.I)
#: A cell listing the days of several exams of one kind in their order: "3, 8, 15", "5; 11", "4 and 13", "7, 12 days"
#: (each later than the one before: a list of the exams, not a range or a count).
_DAYS_LIST_CELL = re.compile(r"\d{1,2}(?:\s*(?:,|;|,?\s+and)\s*\d{1,2})+(?:\s*(?:d|days?))?", re.I)


def _listed_days(cell: str) -> list[int]:
    """The days of a cell listing several exams (``_DAYS_LIST_CELL``), in order; [] unless each is later than the
    one before."""
    if not _DAYS_LIST_CELL.fullmatch(cell):
        return []
    days = [int(n) for n in re.findall(r"\d{1,2}", cell)]
    return days if all(a < b for a, b in zip(days, days[1:])) else []
#: Columns of dates: "Symptom onset", "Date of onset", "Onset of symptoms"; "Admission", "Date of admission",
#: "Admission date", "Admitted".
_DATE_UNIT = r"(?:\s+date)?(?:\s*\((?:date|m/d/y{2,4}|d/m/y{2,4}|dd?\.mm?\.y{2,4})\))?"
_ONSET_DATE_HEADER = re.compile(
    rf"(?:date\s+of\s+)?(?:(?:symptom|illness)\s+onset|onset(?:\s+of\s+(?:symptoms|illness))?){_DATE_UNIT}", re.I)
_ADMISSION_DATE_HEADER = re.compile(rf"(?:date\s+of\s+)?(?:admission|hospitali[sz]ation|admitted){_DATE_UNIT}", re.I)
#: A date cell: "4/2/2020", "30/3/2020", "15.03.2020", "2020-03-15"; a month by its name, the year not always
#: written (the table's footnote or the text gives it): "22 Jan", "Mar 5", "27 January 2020", "March 5th, 2020",
#: and a spreadsheet's "22-Jan", "22-Jan-2020".
_DATE_CELL = re.compile(r"(?P<a>\d{1,2})(?P<sep>[/.])(?P<b>\d{1,2})(?P=sep)(?P<y>(?:19|20)\d{2})"
                        r"|(?P<iy>(?:19|20)\d{2})-(?P<im>\d{1,2})-(?P<id>\d{1,2})"
                        rf"|(?P<nd>\d{{1,2}})(?:st|nd|rd|th)?(?:\s+|-){MONTH}(?:(?:\s+|-)(?P<ny>(?:19|20)\d{{2}}))?"
                        rf"|{MONTH.replace('<mon>', '<mon2>')}\s+(?P<nd2>\d{{1,2}})(?:st|nd|rd|th)?"
                        r"(?:,?\s+(?P<ny2>(?:19|20)\d{2}))?", re.I)
#: "Age/Sex", "Sex/Age (Years)", and the unit after the age: "Age (Years)/Sex" (Dove), "Age, y/sex" (the
#: unit after a comma: Emerging Infectious Diseases' and the AMA journals' tables).
_AGE_SEX_HEADER = re.compile(r"(?:age(?:\s*\((?:in\s+)?(?:years?|yrs?|y)\)|,\s*(?:years?|yrs?|y)\b)?\s*[/,]\s*"
                             r"(?:sex|gender)"
                             r"|(?:sex|gender)\s*[/,]\s*age)\b", re.I)
_AGE_CELL = re.compile(r"(\d{1,3})(?:\s*(?:y|yr|yrs|years?|y\.o\.)\.?)?", re.I)
_SEX_WORDS = {"m": "M", "male": "M", "man": "M", "f": "F", "female": "F", "woman": "F"}
_AGE_SEX_CELL = re.compile(r"(?P<a1>\d{1,3})\s*(?:y|yrs?|years?)?\s*[/,]?\s*(?P<s1>male|female|man|woman|m|f)"
                           r"|(?P<s2>male|female|man|woman|m|f)\s*[/,]?\s*(?P<a2>\d{1,3})", re.I)


@dataclass(frozen=True)
class TablePatient:
    """One patient's row (or column) of a table of patients: age in years, sex, where it was read."""

    number: int
    age: int | None
    sex: str
    #: "Table 1, Patient 2: Age: 63; Sex: F": the table, the patient and the values, for the
    #: normalizer to read with their evidence.
    text: str
    #: The days of the patient's exams the table counts from the onset.
    moments: tuple[TableMoment, ...] = ()


def _table_id(cell: str, bare: bool) -> int | None:
    """The patient number a row's (column's) first cell gives: "Patient 2", "Case 3", "P1", "#1" (a
    number sign or "No." marks a number of the series), or a bare "2" under a header naming patients
    (``bare``)."""
    m = _TABLE_ID.fullmatch(cell.strip().rstrip("."))
    if m is None:
        # "Patient B", "Case III" (a cell of its own, not a sentence naming one)
        named = numbers_in(cell) if len(cell.strip()) <= 12 else []
        return named[0] if len(named) == 1 else None
    return int(m.group("n")) if m.group("word") or m.group("sign") or bare else None


def _age_sex(kind: str, cell: str) -> tuple[int | None, str]:
    cell = cell.strip()
    if kind == "age":
        m = _AGE_CELL.fullmatch(cell)
        return (int(m.group(1)) if m and 0 < int(m.group(1)) <= 120 else None), ""
    if kind == "sex":
        return None, _SEX_WORDS.get(cell.lower().rstrip("."), "")
    m = _AGE_SEX_CELL.fullmatch(cell)
    if m is None:
        return None, ""
    age = int(m.group("a1") or m.group("a2"))
    return (age if 0 < age <= 120 else None), _SEX_WORDS[(m.group("s1") or m.group("s2")).lower()]


def _kind(header: str) -> str:
    header = header.strip()
    if _AGE_SEX_HEADER.match(header):
        return "age/sex"
    if _ONSET_DATE_HEADER.fullmatch(header):
        return "onset date"
    if _ADMISSION_DATE_HEADER.fullmatch(header):
        return "admission date"
    if _ONSET_HEADER.search(header) and re.search(r"\bdays?\b|\(d\)", header, re.I):
        return "onset"
    exam = _EXAM_HEADER.search(header)
    if exam and re.search(r"\bdays?\b|\(d\)", header, re.I):
        return "exam CT" if exam.group("ct") else "exam X-ray" if exam.group("xray") else "exam imaging"
    if _AGE_HEADER.match(header):
        return "age"
    return "sex" if _SEX_HEADER.match(header) else ""


def _date_cells(cells: list[str]) -> list[str]:
    """Each date cell of a table's date columns written out ("4/2/2020" -> "April 2, 2020"), "" where none:
    slashed dates in the order the table's own cells show (``timeline.slashed_date_order``: one order
    for a table and a text); a table whose slashed dates show neither order, or both, leaves them unread."""
    matches = [_DATE_CELL.fullmatch(c.strip()) for c in cells]
    order = slashed_date_order((int(m.group("a")), int(m.group("b")))
                               for m in matches if m and m.group("sep") == "/")
    out = []
    for m in matches:
        if m is None or (m.group("sep") == "/" and not order):
            out.append("")
            continue
        if m.group("mon") or m.group("mon2"):
            out.append(_named_month_date(m))
            continue
        if m.group("iy"):
            year, month, day = int(m.group("iy")), int(m.group("im")), int(m.group("id"))
        else:
            year, first, second = int(m.group("y")), int(m.group("a")), int(m.group("b"))
            month, day = (first, second) if m.group("sep") == "/" and order == MONTH_FIRST else (second, first)
        out.append(f"{calendar.month_name[month]} {day}, {year}" if 1 <= month <= 12 and 1 <= day <= 31 else "")
    return out


def _named_month_date(m: re.Match[str]) -> str:
    """A date cell naming its month ("22 Jan", "Mar 5, 2020") written out: "January 22" (", 2020" when the cell
    gives its year: a year the cell leaves out is the text's, as the timeline reads a date without one)."""
    month = MONTHS[(m.group("mon") or m.group("mon2")).lower()]
    day, year = int(m.group("nd") or m.group("nd2")), m.group("ny") or m.group("ny2")
    if not 1 <= day <= calendar.monthrange(int(year or 2020), month)[1]:
        return ""
    return f"{calendar.month_name[month]} {day}" + (f", {year}" if year else "")


def _entries(label: str, ids: list[tuple[str, int]], fields: list[tuple[str, list[str]]]) -> list[TablePatient]:
    """Patients from their ids (cell, number) and the (kind, cells) of the age and sex entries, the
    cells in the ids' order; date columns (onset, admission) read as the table writes its dates."""
    found = []
    slashed = [c for kind, cells in fields if kind.endswith(" date") for c in cells]
    written = dict(zip(slashed, _date_cells(slashed)))
    for i, (cell, number) in enumerate(ids):
        age, sex, onset, exams, dated = None, "", None, [], []
        for kind, cells in fields:
            value = cells[i].strip() if i < len(cells) else ""
            m = _DAYS_CELL.fullmatch(value)
            if kind.endswith(" date"):
                # In the words the timeline reads ("symptom onset on April 2, 2020", "admitted on April 5, 2020").
                words = "symptom onset on" if kind == "onset date" else "admitted on"
                dated += [f"{words} {written[cells[i]]}"] if i < len(cells) and written.get(cells[i]) else []
                continue
            if kind == "onset":
                onset = int(m.group(1)) if m and onset is None else onset
                continue
            if kind.startswith("exam "):
                listed = [] if m else _listed_days(value)
                exams += ([(kind.removeprefix("exam "), int(m.group(1)), 0)] if m
                          else [(kind.removeprefix("exam "), day, k) for k, day in enumerate(listed, 1)])
                continue
            a, s = _age_sex(kind, value)
            age, sex = age if age is not None else a, sex or s
        if age is None and not sex:
            continue
        said = [f"Age: {age}"] if age is not None else []
        said += [f"Sex: {sex}"] if sex else []
        # In the words the timeline reads ("symptom onset 4 days before admission").
        said += [f"symptom onset {onset} days before admission"] if onset is not None else []
        # an onset date alone (a cluster's table: "Date of symptom onset | 12 Mar", no admission column) dates
        # the onset the legends' and the text's dated exams count from
        said += dated if onset is None and (len(dated) == 2 or [d[:13] for d in dated] == ["symptom onset"]) else []
        who = cell.strip() if not cell.strip().isdigit() else f"patient {number}"
        lead = f"{label or 'Table'}, {who}: "
        # In the words the timeline reads ("CT 6 days after symptom onset").
        moments = tuple(TableMoment("" if kind == "imaging" else kind, days,
                                    f"{lead}{kind} {days} days after symptom onset", nth) for kind, days, nth in exams)
        found.append(TablePatient(number, age, sex, lead + "; ".join(said), moments))
    return found


def _read_table(table: Table) -> list[TablePatient]:
    """Patients one per row (first column their ids, a header row naming Age/Sex) or one per column
    (first row their ids, rows headed Age/Sex); a table of anything else gives none."""
    rows = [row for row in table.rows if row]
    if len(rows) < 2:
        return []
    header = rows[0]
    bare = bool(_ID_HEADER.fullmatch(header[0].strip().rstrip(":")))
    ids = [(row[0], _table_id(row[0], bare)) for row in rows[1:]]
    columns = [(j, _kind(h)) for j, h in enumerate(header) if j and _kind(h)]
    if columns and ids and all(n is not None for _, n in ids):
        fields = [(kind, [row[j] if j < len(row) else "" for row in rows[1:]]) for j, kind in columns]
        return _entries(table.label, [(c, n) for c, n in ids if n is not None], fields)
    by_column = [(cell, _table_id(cell, bare)) for cell in header[1:]]
    fields = [(_kind(row[0]), row[1:]) for row in rows[1:] if _kind(row[0])]
    if by_column and fields and all(n is not None for _, n in by_column):
        return _entries(table.label, [(c, n) for c, n in by_column if n is not None], fields)
    return []


def patients_in_tables(tables: Sequence[Table]) -> dict[int, TablePatient]:
    """Patient number -> what the paper's tables of patients say of them (the first table naming
    a patient wins; a table numbering a patient twice is not a table of patients)."""
    found: dict[int, TablePatient] = {}
    for table in tables:
        entries = _read_table(table)
        if len({e.number for e in entries}) != len(entries):
            continue
        for entry in entries:
            found.setdefault(entry.number, entry)
    return found


# A patient named by number ("Patient 2:", "Case 3."), by a capital letter ("Patient A", "Case B":
# the letter upper-case, so that "in this case a CT ..." names no one) or by an ordinal word ("The
# second patient, his 55-year-old wife", "Third patient. Axial CT ..."), as a case page presenting
# several patients (Eurorad's history, Radiopaedia's presentation and study titles) opens each one's part.
_PATIENT_MARKER = re.compile(
    r"\b(?:(?:patient|case)\s*(?:n[o°º]\.?\s*|#\s*)?(?P<n>\d{1,2})\b\s*[:.)\-–]?"
    r"|(?:patient|case)\s+(?P<letter>(?-i:[A-H]))(?![\w\-’'&])"
    r"|(?:the\s+)?(?P<ord>" + "|".join(ORDINALS_EN) + r")\s+(?:patient|case)\b)", re.I)


def _marker_number(marker: re.Match[str]) -> int:
    if marker.group("n"):
        return int(marker.group("n"))
    if marker.group("letter"):
        return ord(marker.group("letter")) - ord("A") + 1
    return ORDINAL_NUMBERS[marker.group("ord").lower()]


def patient_segments(text: str) -> dict[int, str]:
    """Split a text on "Patient 1"/"Case 2" markers; {} unless at least two distinct patients appear."""
    markers = [m for m in _PATIENT_MARKER.finditer(text) if 0 < _marker_number(m) <= 20]
    numbers = []
    for m in markers:
        if _marker_number(m) not in numbers:
            numbers.append(_marker_number(m))
    if len(numbers) < 2:
        return {}
    segments: dict[int, str] = {}
    # Only the first mention of each number opens its segment; later mentions are cross-references.
    openers = []
    for m in markers:
        number = _marker_number(m)
        if number not in [o[0] for o in openers]:
            openers.append((number, m.start()))
    for index, (number, start) in enumerate(openers):
        end = openers[index + 1][1] if index + 1 < len(openers) else len(text)
        segments[number] = text[start:end].strip()
    return segments


def without_patient_marker(title: str) -> str:
    """A title without the patient marker opening it ("Patient 1 - admission": "admission", "Patient 2":
    ""), the title itself when none opens it."""
    m = _PATIENT_MARKER.match(title.strip())
    return title.strip()[m.end():].lstrip(" -–—:,.") if m is not None and m.group("n") else title


def patient_named_by(text: str) -> int | None:
    """The one patient number ``text`` names ("Patient 2. Axial CT ..."), else None."""
    numbers = {_marker_number(m) for m in _PATIENT_MARKER.finditer(text)}
    return numbers.pop() if len(numbers) == 1 else None
