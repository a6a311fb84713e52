"""Is a paper's figure a patient image of the chest? From its caption and its pixels (pure).

The dataset holds chest X-rays and chest CT of patients. Papers also have charts, flow charts,
timelines, tables set as images, histology, clinical photographs, schematics and images of other
body parts or modalities (brain MRI, abdominal CT, echocardiography). Those are left out of
staging with the reason, which the review page shows beside the case.

* Caption: words naming a non-patient kind (``_KINDS``) decide only when the caption names no
  chest imaging at all: "Timeline of symptoms and chest CT findings" is a figure with CT panels
  beside a timeline and is kept (a reviewer crops it).
* Pixels: radiographs and CT are grey; a figure whose pixels are mostly saturated colour is a
  photograph, a micrograph or a chart; one that is mostly white with few mid-grey pixels is a
  chart, a table or a diagram. Arrows and coloured annotations on a radiograph cover a few percent
  of it, far below the thresholds.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass

import numpy as np
from PIL import Image

from ingest.normalize.imaging import SCOUT_WORDS

# Non-patient kinds, named by the words captions use for them.
_KINDS: tuple[tuple[str, re.Pattern[str]], ...] = tuple((kind, re.compile(pattern, re.I)) for kind, pattern in (
    ("flow chart", r"\bflow[- ]?(?:chart|diagram)\b|\bflowchart\b|\bstudy (?:design|selection)\b|"
                   r"\binclusion and exclusion\b|\bCONSORT\b|\bPRISMA\b"),
    ("chart", r"\b(?:bar|line|pie|box|scatter|forest|funnel|violin)[- ]?(?:chart|graph|plot)s?\b|"
              r"\bgraphs?\b|\bplots?\b|\bhistograms?\b|\bcurves?\b|\btime ?lines?\b|\btime course\b|\bkinetics\b|"
              r"\bdynamics of\b|\btrend\b|\bincidence\b|\bdistribution of (?:cases|patients)\b|\bROC\b|"
              r"\bKaplan[- ]Meier\b|\bheat ?map\b"),
    ("table", r"^\s*table\b|\blaboratory (?:results|findings|values|tests) (?:of|during|on)\b"),
    ("histology", r"\bhisto(?:logy|logical|patholog\w*)\b|\bH\s?&\s?E\b|\bhaematoxylin|\bhematoxylin|\bmicrograph|"
                  r"\bmicroscop\w*|\bimmunohisto\w*|\bstain(?:ing|ed)\b|\bbiopsy specimen|\bautopsy\b|\bcytolog\w*|"
                  r"\belectron microscop\w*"),
    ("photograph", r"\bphotograph\w*|\bclinical (?:photo|picture)\w*|\bskin\b|\brash\b|"
                   r"\blesions? on the (?:hand|foot|feet|toe|finger)|\bchilblain|\bendoscop\w*|\bfundus\b"),
    ("schematic", r"\bschemati\w*|\billustration\b|\bdiagram\b|\bcartoon\b|\bmodel of\b|\bmechanism\b|\bpathway\b|"
                  r"\bworkflow\b|\balgorithm\b|\bstructure of (?:the )?(?:sars|virus|spike)"),
    ("non-chest imaging",
     r"\b(?:brain|head|cranial|cerebral|neck|abdomen|abdominal|pelvis|pelvic|spine|spinal|knee|hip|limb|leg|"
     r"renal|kidney|liver|cardiac MRI)\b|"
     r"\bMRI\b|\bMR (?:image|imaging|angiograph)|\bmagnetic resonance\b|\bFLAIR\b|\bDWI\b|\bultrasound\b|"
     r"\bultrasonograph\w*|\bsonograph\w*|\bechocardiograph\w*|\bPET\b|\bscintigraph\w*|\bECG\b|"
     r"\belectrocardiogra\w*|\bEEG\b|\bangiogra\w*"),
))
# Chest imaging named in a caption: the figure shows (at least partly) what the dataset holds.
_CHEST_IMAGING = re.compile(
    r"\bchest\b|\blungs?\b|\bpulmonary\b|\bthora\w*|\bCXR\b|\bradiograph\w*|\bx-?\s?rays?\b|\bCT\b|\bHRCT\b|"
    r"\bcomputed tomograph\w*|\bground[- ]glass\b|\bGGOs?\b|\bconsolidation\b|\bopacit\w*|\binfiltrat\w*|\blobes?\b",
    re.I)
# The chest's own regions, which an image of the chest shows reaching a neighbour ("mediastinal air
# extending into the lower neck"): they keep an image naming another organ, not another kind or modality.
_CHEST_REGION = re.compile(r"\b(?:pneumo)?mediastin\w*|\bpleura\w*|\bpneumothora\w*", re.I)
# Chest words that do not make a non-chest image a chest one ("brain MRI in a patient with pneumonia").
_PATIENT_CONTEXT = re.compile(r"\bpneumonia\b|\bCOVID-19\b", re.I)


@dataclass(frozen=True)
class Verdict:
    """Why a figure is not a patient image of the chest: its kind and the evidence."""

    kind: str
    reason: str


# An organ named as the patient's history, not as the imaged region: "a kidney transplant
# recipient", "renal failure", "liver disease".
_HISTORY_AFTER = re.compile(r"(?:transplant\w*|failure|injury|disease|insufficiency|donor|recipient|"
                            r"function|impairment|dysfunction|cirrhosis|cancer|tumou?r|metastas\w*)\b", re.I)


_ORGANS = {"brain", "head", "neck", "abdomen", "abdominal", "pelvis", "pelvic", "spine", "spinal", "knee", "hip",
           "limb", "leg", "renal", "kidney", "liver", "cerebral", "cranial"}


def _imaged(kind: str, pattern: re.Pattern[str], text: str) -> re.Match[str] | None:
    """The first match naming the kind; for non-chest imaging, not an organ of the history."""
    for m in pattern.finditer(text):
        after = text[m.end():m.end() + 40].lstrip()
        if kind == "non-chest imaging" and m.group(0).lower() in _ORGANS and _HISTORY_AFTER.match(after):
            continue
        return m
    return None


# Ultrasound is a modality of its own: a lung or pleural ultrasound ("Lung ultrasound, right postero-basal area:
# confluent B-lines") is no radiograph or CT however many chest words it has. Only words naming a radiograph or CT
# beside it keep the words (a figure of both: its panels are judged one by one). "LUS" in capitals only.
_ULTRASOUND = re.compile(r"\b(?:lung |pleural |thoracic |chest |point-of-care )?(?:ultrasound|ultrasonograph\w*|"
                         r"sonograph\w*|echograph\w*|ecograf\w*)|(?-i:\bLUS\b)", re.I)
_RADIOGRAPH_OR_CT = re.compile(r"\bCXR\b|\bradiograph\w*|\bx-?\s?rays?\b|\bCT\b|\bHRCT\b|\btomograph\w*|"
                               r"\bradiolog\w*|\bfilms?\b", re.I)


def caption_kind(caption: str) -> Verdict | None:
    """The non-patient kind the caption names, when it names no chest imaging; else None."""
    return _named_kind(caption or "") or _ultrasound_kind(caption or "")


def _ultrasound_kind(text: str) -> Verdict | None:
    """An ultrasound whose words name no radiograph or CT beside it (``_ULTRASOUND``)."""
    m = _ULTRASOUND.search(text)
    if m is None or _RADIOGRAPH_OR_CT.search(text):
        return None
    return Verdict("non-chest imaging", f"caption names an ultrasound, not a radiograph or CT: {m.group(0)!r}")


def _named_kind(text: str) -> Verdict | None:
    """The first of ``_KINDS`` the words name, when they name no chest imaging."""
    for kind, pattern in _KINDS:
        m = _imaged(kind, pattern, text)
        if m is None:
            continue
        chest = _CHEST_IMAGING.search(text)
        if kind == "non-chest imaging" and m.group(0).lower() in _ORGANS and _CHEST_REGION.search(text):
            return None
        if chest is not None and kind != "non-chest imaging":
            return None
        if kind == "non-chest imaging" and chest is not None and not _only_context(text, chest):
            return None
        return Verdict(kind, f"caption names {kind}: {m.group(0)!r}")
    return None


# A CT's scout (topogram, scanogram, localizer, surview): the low-dose projection the CT is planned on,
# not an image of the exam a curator takes. Named as what the image is, at the start of its words.
_SCOUT = re.compile(rf"^\W*(?:(?:the|a|an)\s+)?(?:(?:chest\s+)?CT\s+|initial\s+)?(?:{SCOUT_WORDS})\b", re.I)


def scout_kind(words: str) -> Verdict | None:
    """A panel's (or a one-image figure's) words naming it a CT scout ("(A) CT scout (topogram) used
    to plan the examination"); None otherwise."""
    m = _SCOUT.search(words or "")
    if m is None:
        return None
    return Verdict("CT scout", f"the image is a CT scout, not a slice of the exam: {m.group(0).strip()!r}")


def _only_context(text: str, chest: re.Match[str]) -> bool:
    """True when every chest word of a non-chest caption is about the disease, not the image."""
    return all(_PATIENT_CONTEXT.search(text[max(0, m.start() - 12):m.end() + 12])
               for m in _CHEST_IMAGING.finditer(text))


def pixel_kind(image_bytes: bytes) -> Verdict | None:
    """Chart/diagram or colour photograph from the pixels; None for a grey, image-like figure."""
    with Image.open(io.BytesIO(image_bytes)) as image:
        image.draft("RGB", (512, 512))
        rgb = np.asarray(image.convert("RGB").resize((256, 256)), dtype=np.int16)
    saturation = rgb.max(axis=2) - rgb.min(axis=2)
    coloured = float(np.mean(saturation > 40))
    if coloured > 0.25:
        return Verdict("colour figure", f"{coloured:.0%} of the pixels are coloured (a radiograph or CT is grey)")
    gray = rgb.mean(axis=2)
    white = float(np.mean(gray > 235))
    midtones = float(np.mean((gray > 40) & (gray < 215)))
    if white > 0.6 and midtones < 0.15:
        return Verdict("chart or diagram",
                       f"{white:.0%} white and {midtones:.0%} mid-grey pixels (a chart, table or diagram)")
    return None
