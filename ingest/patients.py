"""Which patient of a paper each paragraph and caption is about (pure, deterministic).

A case report is one patient; a case series is several, and the dataset wants one case per
patient. Patients are recognised

1. by the paper's own numbers: section titles and paragraph openings "Case 2", "Patient 3",
   "Pt. 1" (a number the paper fixed once published, so the same whatever copy was read);
2. else by how the text introduces them: "a 55-year-old woman", "His 59-year-old wife", "Their
   31-year-old son" - each distinct (age, sex) is one patient, numbered in the order the paper
   introduces them (body paragraphs first, then figure captions by figure number);
3. else the paper is one patient.

A paragraph belongs to the patient its section or its opening names, and the paragraphs after it
follow until another patient is named or a Discussion/Conclusion section starts. Each patient's
``intro`` is the sentence introducing them (age and sex come from it, with their evidence), and
``paragraphs`` the body text describing them (history, RT-PCR, outcome).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_NUMBERED = re.compile(r"\b(?:patient|case|pt\.?|paziente|caso)\s*(?:no\.?\s*|#\s*)?(\d{1,2})\b", re.I)
_RELATIONS_M = "husband|son|father|brother|grandfather|uncle|nephew|grandson"
_RELATIONS_F = "wife|daughter|mother|sister|grandmother|aunt|niece|granddaughter"
_DESCRIPTOR = re.compile(
    r"\b(?:(?P<det>an?|the|his|her|their|one)\s+)?(?P<age>\d{1,3})[- ](?:year|yr)s?[- ]old\s+"
    r"(?:(?:previously\s+healthy|healthy|obese|pregnant|chinese|caucasian|asian|african|hispanic|white|black)\s+)?"
    rf"(?P<who>man|woman|male|female|boy|girl|gentleman|lady|{_RELATIONS_M}|{_RELATIONS_F}|patient)\b", re.I)
# "a male patient, 37 years old" / "a 37-year-old patient" without sex: a descriptor of its own.
_MALE = re.compile(rf"^(?:man|male|boy|gentleman|{_RELATIONS_M})$", re.I)
_FEMALE = re.compile(rf"^(?:woman|female|girl|lady|{_RELATIONS_F})$", re.I)
_ENDS_PATIENT = re.compile(r"\b(?:discussion|conclusions?|summary|limitations|references|acknowledg\w*)\b", re.I)
_CASE_SECTION = re.compile(r"\b(?:case|patient|presentation|report|history|clinical|description)\b", re.I)


@dataclass(frozen=True)
class Descriptor:
    """How the text introduces one patient: age in years and sex ("M", "F" or "")."""

    age: int
    sex: str
    #: The words as found ("55-year-old woman"), without a possessive before them.
    words: str


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


def descriptors_in(text: str) -> list[tuple[Descriptor, int, int]]:
    found = []
    for m in _DESCRIPTOR.finditer(text or ""):
        who = m.group("who")
        sex = "M" if _MALE.match(who) else "F" if _FEMALE.match(who) else ""
        start = m.start("age")
        found.append((Descriptor(int(m.group("age")), sex, text[start:m.end()]), start, m.end()))
    return found


def numbers_in(text: str) -> list[int]:
    return sorted({int(n) for n in _NUMBERED.findall(text or "")})


def _sentence_at(text: str, start: int) -> str:
    """From ``start`` to the end of its sentence (abbreviations like "vs." rarely open a case)."""
    end = re.search(r"(?<=[.!?])\s+(?=[A-Z])", text[start:])
    return text[start:start + end.start()] if end else text[start:]


def _split_heading(paragraph: str) -> tuple[str, str]:
    if ": " in paragraph[:80]:
        heading, _, body = paragraph.partition(": ")
        if not re.search(r"[.!?]", heading):
            return heading, body
    return "", paragraph


def split_patients(paragraphs: list[str], captions: list[str]) -> list[PatientText]:
    """The paper's patients with their paragraphs and introducing sentence, in number order."""
    sections = [_split_heading(p) for p in paragraphs]
    numbered = {p.number: p for p in _by_number(sections)}
    # A patient only a caption numbers ("Fig. 3. Patient 3: ...") is a patient too.
    in_captions = {n for caption in captions for n in numbers_in(caption)}
    if numbered or len(in_captions) >= 2:
        for number in in_captions - set(numbered):
            numbered[number] = PatientText(number, "numbered")
        return [numbered[n] for n in sorted(numbered)]
    return _by_descriptor(sections, captions)


def _by_number(sections: list[tuple[str, str]]) -> list[PatientText]:
    patients: dict[int, PatientText] = {}
    current: int | None = None
    for heading, body in sections:
        named = numbers_in(heading) or numbers_in(body[:60])
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
                patient.intro = _sentence_at(body, found[0][1])
            elif numbers_in(body[:60]):
                patient.intro = _sentence_at(body, 0)
    return [patients[n] for n in sorted(patients)]


def _by_descriptor(sections: list[tuple[str, str]], captions: list[str]) -> list[PatientText]:
    order: list[Descriptor] = []
    intros: dict[tuple[int, str], str] = {}
    texts = [body for _, body in sections] + list(captions)
    for text in texts:
        for descriptor, start, _ in descriptors_in(text):
            key = (descriptor.age, descriptor.sex)
            if key not in intros:
                order.append(descriptor)
                intros[key] = _sentence_at(text, start)
    case_sections = [(h, b) for h, b in sections if _CASE_SECTION.search(h) and not _ENDS_PATIENT.search(h)]
    if len(order) <= 1:
        patient = PatientText(1, "single", paragraphs=[b for _, b in (case_sections or sections)])
        if order:
            patient.descriptor, patient.intro = order[0], intros[(order[0].age, order[0].sex)]
        return [patient]
    patients = [PatientText(i + 1, "introduced", intro=intros[(d.age, d.sex)], descriptor=d)
                for i, d in enumerate(order)]
    index = {(d.age, d.sex): i for i, d in enumerate(order)}
    current: int | None = None
    for heading, body in sections:
        found = descriptors_in(body)
        if found:
            current = index[(found[0][0].age, found[0][0].sex)]
        elif heading and _ENDS_PATIENT.search(heading.rsplit(" / ", 1)[-1]):
            current = None
        if current is not None:
            patients[current].paragraphs.append(body)
    return patients


def patients_named(text: str, patients: list[PatientText]) -> list[int]:
    """The numbers of the patients a caption or sub-caption names (by number or by description)."""
    if not patients or (len(patients) == 1 and patients[0].named_by == "single"):
        return [patients[0].number] if patients else []
    known = {p.number for p in patients}
    named = [n for n in numbers_in(text) if n in known]
    for descriptor, _, _ in descriptors_in(text):
        for patient in patients:
            d = patient.descriptor
            if (d is not None and d.age == descriptor.age and (d.sex == descriptor.sex or not descriptor.sex)
                    and patient.number not in named):
                named.append(patient.number)
    return sorted(set(named))
