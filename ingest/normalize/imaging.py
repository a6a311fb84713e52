"""Per-image fields: view, modality and offset; and the finding of the case.

Context kwargs:
- ``modality`` ("X-ray"/"CT") for ``normalize_view``: restricts the answer to that modality's views.
- ``source`` ("radiopaedia") for ``normalize_view``: the text is a ``plane_projection`` value.
- ``previous_offset`` (int) for ``normalize_offset``: offset of the earlier image a relative phrase
  ("two weeks later", "dopo 3 giorni") counts from; without it such phrases stay blank.
- ``onset_date`` / ``image_date`` (ISO ``YYYY-MM-DD``) for ``normalize_offset``: the offset is their
  difference in days.
"""

from __future__ import annotations

import re
from datetime import date
from functools import lru_cache

from schema import CT_VIEWS, FINDING_PATHS, MODALITY_CT, MODALITY_XRAY, XRAY_VIEWS

from .common import (
    Normalized,
    about_other_person,
    blank,
    clause_at,
    compile,
    finditer_near,
    found,
    found_in,
    gate,
    has_any,
    hypothetical,
    negated,
    other_relative_in,
    sentence_at,
    text_context,
)
from .time_words import (
    ADMISSION_BASE,
    AFTER,
    AFTER_ADMISSION_BASE,
    AT_ADMISSION,
    DAY_N,
    IMAGE_WORDS,
    ONSET_BASE,
    OTHER_TIME,
    UNIT_KEYS,
    UNIT_RE,
    amount_in_days,
    day_base,
    is_amount,
    symptom_history,
)

PA, AP, AP_SUPINE, LATERAL = XRAY_VIEWS
AXIAL, CORONAL = CT_VIEWS

# v6: a Eurorad sub-image's view from its own letter's part of the legend ("a: on admission, AP erect; b: ...
# AP supine": a is AP), before the whole legend's
# v5: a lateral decubitus film (a frontal projection of a patient lying on the side) has no view of the
# vocabulary: blank, not L
# v7: Italian "seduta", "semiseduta" (the feminine of "seduto") are AP
# v4: a CT image naming no plane is Axial (ct_slice_view); v3: Portuguese and Spanish "axiais", "axiales";
# v2: "anterior-posterior", "posterior-anterior"
# v8: Turkish, Russian and Chinese plane words ("aksiyel", "аксиальный", "横断面", "冠状面"), German "p.-a."
# v9: Italian "in clinostatismo" (the patient lying: AP Supine), as "ortostatismo" is AP
# v10: English "lying" ("AP lying film") is AP Supine; a stated PA projection of a standing patient ("in
# ortostatismo, proiezione PA") is PA, the standing word no AP of its own
# v11: a view named again after the listed views of a figure's films ("PA (a) and lateral (b) chest radiographs:
# opacity ..., better seen on the lateral view") is the listed film's, not one more (case_fields._listed)
# v12: a Radiopaedia stack without a plane takes the view its series label names ("Coronal lung window":
# Coronal; case_fields._series_label_view)
# v13: the Italian, Spanish and Portuguese decubitus film ("in decubito laterale sinistro", "en decúbito lateral")
# has no view of the vocabulary, as the English one (was L)
# v14: a legend naming a frontal projection and a lateral one ("Frontal and lateral chest radiographs show ...")
# names two films: blank for one image (was L, "frontal" being no view of its own)
# v15: each X-ray film of a Radiopaedia study its findings tell apart by ordinals has the view of its own sentences
# ("The first is the PA radiograph ... The second image is an AP sitting film": PA, AP; was blank, blank)
# v16: backfill: the first of a case site's two-film radiograph study (its second the lateral) is the frontal
# projection the study's note names ("on the PA radiograph"; backfill._study_first_film_view), was blank
# v17: a plane ties its panels' letters through the image's noun ("Axial images (A, C, E) and coronal reformatted
# images (B, D, F)"): each panel its own plane (was the CT's default, Axial, for the coronal panels)
# v18: a lateral film whose words name "frontal" only where they cite another figure ("Lateral radiograph (the
# frontal film is shown in Fig. 1)", "...; frontal film in Figure 1a") is L (was blank, as "Frontal and lateral")
# v19: a SIRM upload of no known kind under a paragraph telling exams of two kinds ("RX torace (AP, paziente
# seduto): ... TC torace: ...") takes no view from it (was the RX's AP, and X-ray from it, for the TC's uploads too)
# v20: a legend naming its panels in a lead, then each again opening a sentence of its own: both words are the
# panel's ("Radiograph (A) and CT (B) on admission. (A) Posteroanterior view ...")
# v21: a Radiopaedia "Frontal" film named with its projection in brackets by a heading of its study's findings naming
# several films ("Image 1 (PA) and image 2 (lateral), at presentation: ...") is that projection (was blank)
# v22: a hyphenated compound's "non-" ("Non-enhanced chest CT, axial (a, b)") negates no view named after it (was
# a negation of "axial": the legend's views read as its coronal alone)
# v23: a legend lettering its panels with a dash ("Fig. 1 a-d: a – chest X-ray ...; b, c – chest CT, axial images; d –
# CT, coronal reconstruction") gives each sub-image its own part (was the whole legend: several views, blank)
# v24: a SIRM upload captioned by its number alone ("Fig. 2") under a paragraph citing no figure takes the paragraph's
# words (was the bare number: blank)
# v25: BMC's bare letters before coordinated planes ("b Axial and c coronal chest CT images on 19 March") are two
# panels (was one panel b: three panels against two); a letter whose words are its plane alone ("(b) Axial and (c)
# coronal CT images on 19 March", "a) axial and b) coronal images") shares the last plane's words (was the plane alone)
# v26: a SIRM upload captioned by its number and a letter ("Fig. 1a") is one captioned by its number alone (was the
# caption "Fig. 1a": blank)
# v27: NEJM's figure without a caption takes "(Panels B and C, arrows)", one citation of two panels, as both's words
# v28: a CT panel of such a figure cited after another of the same CT, by text naming no plane, is no Axial by default
# (blank: was Axial)
# v29: an upload captioned by its exam's date only ("RX 11/03") takes the view of the text's one sentence telling that
# day's exam of its modality ("- RX torace dell'11/03 in PS (paziente seduto, proiezione AP): ...")
# v30: the dotted "p.a." after the film's noun ("Chest radiograph p.a. at admission", "Thorax p.a.") is PA (was blank)
# v31: SIRM uploads captioned by their numbers under a paragraph citing them as a range ("PA e laterale (Fig. 1-2)")
# share its words (was the first's alone: the second blank)
# v32: lying on the back in the Romance languages' words and their English ("in dorsal decubitus", "decúbito
# dorsal", "décubitus dorsal") is AP Supine (was blank: a bedside film, position not read)
# v33: a SIRM bedside film's caption without the position takes the one its exam's paragraph names ("RX a letto
# di controllo, paziente supino"; was blank: the paragraph was read only for a caption naming no view)
# v34: the Portuguese "no" of a place or a time ("no leito", "no CTI", "no dia 5") negates no view after it
# v35: SIRM uploads without captions, more than the figures their text cites in order ("RX ... (Fig. 1)", "TC ...
# (Fig. 2)" over four): the uploads before the last cited take their paragraphs (were the last exam paragraph's)
# v36: a "non-" glued to another word before the phrase ("a non-smoker with ...", "non-rebreather") negates nothing
# v37: the dotted "p.a." after a panel's letter ("(a: p.a., b: lateral)") is PA (was the list's other view)
# v38: a legend keying its panels twice in two styles ("A, D – 03.04; ...", then "opacities (A, D)"): both words
# are the panel's (was the second style's alone)
VIEW_VERSION = 38
# v3: a radiograph's reading words in one image's text (radiograph_signs); v2: "non-contrast CT", "computerized
# tomography", "CTs", "DR image"; "radiographic findings" is no radiograph; CT signs in figure captions
# v7: a film's projection named with its view ("PA view", "lateral projection")
# v8: the exam a time counts from ("48 ore dopo la radiografia") is not the image's
# v9: a film's own taking and reading ("limited inspiratory effort", "retrocardiac", "projected behind the heart")
# v10: Turkish "toraks BT" / "akciğer grafisi", Russian "КТ" / "рентгенограмма", Chinese "胸部CT" / "X线"
# v11: backfill: a legend shared by some of a patient's films naming no modality and reading a radiograph ("thickening
# of the lung fields") gives those films X-ray
# v12: a legend lettering its panels with a dash ("a – chest X-ray ...; b, c – chest CT ...") gives each sub-image its
# own part (was the whole legend: "both X-ray and CT", blank)
# v13: a SIRM upload captioned by its number alone ("Fig. 2") under a paragraph citing no figure takes the paragraph's
# words (was the bare number: blank)
# v14: a Eurorad sub-image whose own lettered part of its figure's shared legend names an exam the dataset does not
# hold ("(a) Lung ultrasound ...; (b) Axial CT image ...") is left out (was kept, CT from the legend's other part)
# v15: a SIRM upload captioned by its number and a letter ("Fig. 1a") is one captioned by its number alone (was blank)
# v16: NEJM's figure without a caption takes "(Panels B and C, arrows)", one citation of two panels, as both's words
# v17: a panel's own words naming a modality only as the study it is compared with ("b The mother: ..., increased in
# comparison with the CT at admission") leave the modality to the legend's lead ("Anteroposterior chest radiographs")
# v18: SIRM uploads without captions, more than the figures their text cites in order: as VIEW_VERSION 35
# v19: a "non-" glued to another word before the phrase ("a non-smoker with ...", "non-rebreather") negates nothing
MODALITY_VERSION = 19  # v6: "tomografia computadorizada"
# v5: a study named for comparison ("as seen on the recent CT") beside the image's own
# v4: radiograph zones named in pairs, the heart's borders
# v8: Chinese "新型冠状病毒" / "新冠" are COVID-19
# v9: the members of one household or family a title is about ("in three members of one household") are its patients
# v10: a family or household cluster a sentence is about ("A familial cluster of COVID-19: ... in both parents
# and ... their daughter") makes every relative it names a patient
# v11: the one household a title's patients share ("... an elderly couple: two courses in one household") is theirs
# v12: a test's negative result joined after the diagnosis ("COVID-19 pneumonia and an initially negative RT-PCR",
# "... despite two negative swabs") does not negate it; a title's subtitle opening with the one household or family
# its patients share ("... an elderly couple: one household, two courses"); a relative aged in months or weeks ("a
# mother and her seven-month-old son")
# v13: a disease superimposed on another ("COVID-19 pneumonia with superimposed Klebsiella pneumoniae pneumonia",
# "Klebsiella superinfection", "sovrainfezione batterica da ...") is its complication: the other is the finding (was
# blank: several diagnoses); COVID-19 superimposed on another disease still leaves the two (blank)
# v15: a Radiopaedia study of the patient's own dated two or more years before the case's others and told normal
# is a No Finding case of its own (was the case's finding)
# v16: a patient of several only a legend introduces is read from the legend's sentence whole, its disease before
# the age too ("Influenza A (H1N1) pneumonia in 45-year-old woman, ...": was blank), and the disease that sentence
# names is the patient's over the title's (a pictorial essay's mimic: was COVID-19)
# v17: a family's gathering or event names no relative ("COVID-19 pneumonia ... after a family gathering": was blank)
# v18: a title whose subtitle is a family or household cluster ("One household, four courses: a family cluster of
# COVID-19 in ...") names its patients, as a title opening with the cluster does (was a relative's: blank)
# v19: a normal film told as a phase of the course ("COVID-19 pneumonia - initially normal chest radiograph", "at
# first normal chest x-ray") is one film's, not the patient's 'No Finding' (was blank beside the diagnosis)
# v20: a normal film joined by "with" / "despite" to the diagnosis its sentence names before it ("COVID-19 Pneumonia
# With a Normal Chest Radiograph at Admission") is how that disease showed, not the patient's 'No Finding' (was blank)
# v22: a title's person and their own relative ("SARS-CoV-2 infection in a 7-year-old boy and his mother") and the
# household they share ("in the same household") are its patients, not someone else (was blank)
# v24: a Radiopaedia study of the patient's own told before the pandemic ("Pre-COVID (2019)") and normal is a No
# Finding case of its own, its year one before the case's or none (was the case's finding)
# v25: a "non-" glued to another word before the phrase ("a non-smoker with ...", "non-rebreather") negates nothing
FINDING_VERSION = 25  # v23: a Eurorad patient's own normal film told "four months before" is No Finding;
# v21: the Portuguese "no leito" / "no dia 5" no negation, the Spanish "son" no relative;
# v14: a title whose subject is a family's transmission ("Intrafamilial transmission of
#  SARS-CoV-2: ... two parents and their two children") names its patients, the relatives it names theirs.
#  v7: "nCoV" alone and "SARS CoV 2" spaced are COVID-19 ("SARS-2" no SARS); "P. jirovecii" is
#  Pneumocystis. v6: "a near-normal radiograph" is no 'No Finding'
# v5: a title's subtitle naming a pair of relatives ("- husband and wife") names the patients
# v4: a normal film that "does not exclude" a disease is no 'No Finding'
# v3: a disease whose films the note says were normal is not the case's finding
# v2: "after N days of admission"; a relative time after an admission, with an image word, counts from admission
# v3: "after another N days", "N more days later", "at the time of admission", "at clinical presentation"
# v4: the Romance histories ("de 5 días de evolución", "havia 8 dias", "insorte 6 giorni prima"), "of six days'
# duration"; Portuguese "na admissão", "N dias após a admissão"
# v5: "a fortnight", "since yesterday" / "da ieri" histories; "for several days" is no history; "Admission AP
# chest radiograph"
# v6: a "radiograph in the emergency department" is the presentation's
# v7: histories in hours ("fever for 48 hours", "da 72 ore"); a signed "Day +3"
# v8: histories in the clinical shorthand ("fever 5/7", "a 1/52 history"); "2 days of lethargy"
# v9: "of one week of evolution" histories; "N days after arrival" counts from the admission
# v10: "the 4th hospital day" is a day of the stay; "in the previous week" is a history only with a symptom
# v11: histories "cough from 5 days ago", "fever 8 days back", "da una decina di giorni" (about ten days)
# v12: histories and days of the stay in German ("seit 5 Tagen", "am 3. Tag des stationären Aufenthalts"),
# Portuguese ("no 5º dia de internação"), Turkish, Russian and Chinese ("3 gündür", "на 7-е сутки госпитализации",
# "入院第3天")
# v13: "postoperative day N" counts from the operation, not a plain "day N"; "day N of her illness"
# v14: "presenting on day 7 of symptoms" histories; "the initial PA chest radiograph" is the admission's
# v15: "cough starting 5 days earlier", "beginning 4 days earlier" histories
# v16: "Fever and cough x 5 days" histories (the clinical "times" sign)
# v17: "for the last fortnight" / "over the past fortnight" histories
# v18: "well until 10 days ago when he developed fever" histories
# v19: "3a giornata di degenza" a day of the hospital stay (as "di ricovero")
# v20: shorthand histories heading their symptoms ("2/7 fever, cough") or over a week ("fever 10/7"); "SOB",
# "fevers" symptoms; "N giorni dopo il ricovero" / "dopo l'esordio" count from the admission / the onset
# v21: the Italian notes' "da 1 sett." histories (weeks)
# v22: "giornata / giorno di malattia" a day of the illness (as "day N of illness")
# v23: "Two weeks into the illness", "3 days into symptoms" histories (not "into the pandemic", "into the ICU stay")
# v24: "after 9 days in hospital", "after 10 days of hospital stay", "dopo 10 giorni di degenza" count from the
# admission
# v25: "day 5 of COVID-19" is day 5 of the illness, as "day 5 of illness" (not "of the COVID-19 pandemic")
# v26: a ten spelled apart from its unit ("forty five days after the onset") is one number (was the unit's: 5)
# v27: a course table's one row citing a figure dates its images; a panel cited by the text alone ("(Panel A)")
# takes the one moment of the sentence before (was none: the presentation's, or blank); a newborn's film is left out
# v28: "N days before his arrival", "at his arrival", "N days after her admission" (possessives) count from the
# admission; a relative telling of the illness ("which her family attributed to a cold") is no other person
# v29: "fever from 4 days" histories (the Italian "da 4 giorni" calqued); "hospitalised for a fever since 8 days"
# is the fever's span (a symptom between the stay's word and "since")
# v30: "who initiated 7 days ago with fever", "fever initiated there is 5 days" histories; a range ("for 6-7 days")
# or a part of a month ("since mid-October") tells an onset, no admission base; a transfer from another hospital
# without days is no day 0
# v31: a relative in an aside closing the clause ("..., in a context of contact with a family member") is no other
# person; "N days after the beginning (start) of the symptoms" counts from the onset
# v32: "a 3-4 day history", "a three- to four-day history" are a range, no one day (was the upper end)
# v33: an onset told with a half ("since 1,5 weeks", "a week and a half") or by the illness's week ("in the second
# week") is no admission base; the onset "the evening before admission"; "day 6 of a febrile syndrome"; "the morning
# after intubation" is the day after it; an admission dated beside the discharge's date; films at and N days after
# the ICU admission on the unit's day the history tells (was the hospital's admission); "on the day of intubation";
# "of 4 days of duration"; "the day thereafter"; "Next morning" as a study's title
# v34: a shorthand span glued to the clinician's "x" ("fever x1/52", "cough x3/7") is a history
# v35: "after 3 weeks from the onset of fever (of the disease, since the first symptoms)" counts from the onset
# v36: "intubated in the emergency department" the stay's day 0, its "ICU day N" the stay's day N
# v37: "on the fourth postpartum day", "day 4 after delivery": N days after the delivery the history tells
# v38: "4 weeks after his first discharge" counts from the discharge told before the return
# v39: as TIMELINE 142 (the Spanish "son" no relative)
# v40: "discharged on March 27. Twelve days later he was readmitted": the return 12 days after the discharge
# v41: as TIMELINE 150 (a paper's citing "On postpartum day 4")
# v42: as TIMELINE 151 (a readmission the history dates)
# v43: as TIMELINE 152 (a blank with a reason beside an unplaced film)
# v44: as TIMELINE 153 (a film at the ICU admission of a later move on an untold day: blank)
# v45: as TIMELINE 154 ("re-admitted" no second admission date)
# v46: as TIMELINE 159 ("fever of 5 days" a symptom's span, "day 15 of evolution" the illness's day: ``time_words``)
# v47: as TIMELINE 172 (a film of the visit before the admission: the visit's day)
# v48: as TIMELINE 173 (a symptom span told at a dated visit before the admission counts from the visit's date)
OFFSET_VERSION = 48

# --- View ----------------------------------------------------------------------------------------

# Radiopaedia's stack `plane_projection` values. "Frontal" says neither PA nor AP.
_PLANE_PROJECTION = {"lateral": LATERAL, "axial": AXIAL, "transverse": AXIAL, "coronal": CORONAL}
# Italian "seduto"/"seduta", "semiseduto"/"semiseduta" (the patient sitting: AP), either gender as the supine
# words' "supino"/"supina"; not the session of "nella stessa seduta", "in un'unica seduta".
_SEATED = (r"(?<!stessa\s)(?<!unica\s)(?<!sola\s)(?<!prima\s)(?<!seconda\s)(?<!una\s)(?<!in\s)"
           r"\b(?:semi-?)?sedut[oa]\b")
_VIEW_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    # supine wins over AP: "AP supine", "(AP) Supino", the dataset's SCHEMA.md's "SUP", "Semi-Supine", German
    # "Liegend", Italian "in clinostatismo" (lying down, the opposite of "ortostatismo"), English "AP lying film"
    # (not lying on a side: a decubitus film)
    (AP_SUPINE, compile(
        r"\b(?:supine|semi-?supine|supin[oa]|decubito\s+supino|clinostatismo|liegend\w*|Bettaufnahme|im\s+Liegen|"
        r"en\s+dec[uú]bito\s+supino|couché)\b|\bSUP\b|\bAPS\b|"
        # lying on the back as Portuguese, Spanish, Italian and French write it, and their English: "decúbito
        # dorsal", "decubito dorsale", "décubitus dorsal", "in dorsal decubitus"
        r"\bdorsal\s+decubitus\b|\bdec[uú]bito\s+dorsale?\b|\bd[ée]cubitus\s+dorsal\b|"
        r"\blying\b(?!\s+on\s+(?:the\s+|her\s+|his\s+)?(?:left|right|side|stomach|front|abdomen)\b)",
        re.IGNORECASE,
    )),
    (PA, compile(
        r"\bposterior[- ]anterior\b|\bpostero-?\s?anterior\w*|\bpostero-?antero\w*|"
        r"\bp\.?a\.?\s+(?:chest|view|projection|radiograph|film|x-ray|cxr)|"
        r"\bPA\b(?!\s*[:=]?\s*\d)(?!\s*(?:systolic|diastolic))|\bp-a\b|\bpostero-?anteriore|\bdorso-?ventral|"
        # French "postéro-antérieure"
        r"\bpostéro-?\s?antérieur\w*|"
        # German "im p.-a. Strahlengang" (the hyphen between the dotted letters is German only)
        r"\bp\.-\s?a\.|"
        # the dotted letters after the film's noun, as German ("Thorax p.a.", "Röntgen-Thorax p.a.") and its
        # translations write them ("Chest radiograph p.a. at admission", "Chest X-ray (p.a.)")
        r"\b(?:radiograph\w*|x-?rays?|cxr|film|thorax|chest|r[öo]ntgen\w*)\s+(?:in\s+)?\(?p\.a\.(?=[\s,;:)]|$)|"
        # or after a panel's letter of a list naming each panel's view ("in two planes (a: p.a., b: lateral)")
        r"(?<=\b[a-d]:\s)p\.a\.(?=[\s,;:)]|$)|(?<=\b[a-d]\)\s)p\.a\.(?=[\s,;:)]|$)",
        re.IGNORECASE,
    )),
    (AP, compile(
        r"\banterior[- ]posterior\b|\banteropos?terior\w*|\bantero-?\s?posterior\w*|\bantero-?posteriore|"
        r"\bAP\b(?!R\b)|\ba\.p\.\s|"
        rf"\bsemi-?erect\b|\bsitting\b|{_SEATED}|\bortostatismo\b|"
        r"\bventro-?dorsal|\bim\s+Sitzen|\ba\.-\s?p\.|\bantéro-?\s?postérieur\w*",
        re.IGNORECASE,
    )),
    (LATERAL, compile(
        r"\blateral\s+(?:view|projection|radiograph|chest|film|x-ray|image|cxr)|\blatero-?\s?lateral\w*|"
        r"\bproiezione\s+laterale|\blaterale\b|\bLL\b|\bseitlich\w*|\bleft\s+lateral\b|"
        r"\blateral\b(?!\s+(?:segment|basal|wall|aspect|border|part|portion|side|recess|costophrenic|chest\s+wall|"
        r"margin|to|of|and\s+posterior|ventricle|lobe|zone|third|rib|thoracic))",
        re.IGNORECASE,
    )),
    # Italian "assiale" and its plural ("scansioni assiali"); the Portuguese and Spanish plurals
    # ("cortes axiais", "imágenes axiales"); Turkish "aksiyel", Russian "аксиальный срез", Chinese
    # "横断面" / "横轴位" / "轴位" (the transverse plane; CJK has no word breaks, so no \b)
    (AXIAL, compile(
        r"\baxial\b|\btransverse\s+(?:CT|image|section|scan|plane|view)|\bassial[ei]?\b|\baxiale?\b|\baxia(?:is|les)\b|"
        r"\baksiyel\b|\bаксиальн\w*|横断面|横断位|横轴位|轴位",
        re.IGNORECASE,
    )),
    # German "koronar", Turkish "koronal", Russian "корональная реконструкция", Chinese "冠状面" / "冠状位"
    (CORONAL, compile(r"\bcoronal\w*|\bcoronale?\b|\bkoronar\w*|\bkoronal\b|\bкорональн\w*|冠状面|冠状位",
                      re.IGNORECASE)),
)
#: Gate of each view pattern: lower-case words, and the upper-case tokens matched case-sensitively.
_VIEW_KEYS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    AP_SUPINE: (("sup", "clinostat", "liegen", "bettaufnahme", "couché", "lying", "dorsal"), ("APS",)),
    PA: (("postero", "posterior", "p.a", "pa ", "p-a", "dorso", "p.-", "postéro"), ("PA",)),
    AP: (("antero", "anterior", "a.p.", "erect", "sitting", "sedut", "ortostatismo", "ventro", "sitzen", "a.-",
          "antéro"), ("AP",)),
    LATERAL: (("lateral", "latero", "seitlich"), ("LL",)),
    AXIAL: (("axia", "transverse", "assial", "aksiyel", "аксиальн", "横断", "轴位"), ()),
    CORONAL: (("coronal", "koronar", "koronal", "корональн", "冠状"), ()),
}
_FRONTAL = compile(r"\bfrontal\b|\bfrontale\b", re.IGNORECASE)
# A decubitus film ("left lateral decubitus radiograph", "right decubitus view"; Italian "in decubito laterale
# sinistro", Spanish and Portuguese "en / em decúbito lateral"): the beam crosses a patient lying on the side, a
# frontal projection that is neither PA, AP nor the lateral view L ("decubito supino" is the supine film's).
_DECUBITUS = compile(r"\b(?:(?:left|right)\s+(?:lateral\s+)?|lateral\s+)decubitus\b|\bdec[uú]bito\s+laterale?\b",
                     re.IGNORECASE)
# A portable or bedside film is AP, but the patient may lie (AP Supine) or sit (AP): alone it
# does not choose between them.
_PORTABLE = compile(
    r"\bportable\b|\bbedside\b|\bmobile\s+(?:chest\s+)?(?:x-ray|radiograph|film|cxr|unit)|\ba\s+letto\b|"
    r"\bal\s+letto\b|\bin\s+bed\b|\bBettaufnahme\b",
    re.IGNORECASE,
)


def portable_film(text: str) -> re.Match[str] | None:
    """Where ``text`` tells a portable or bedside film (one definition: the view reading blanks such a
    film's view, backfill's study reading takes it for no frontal-and-lateral pair). A note without
    its words is answered without a scan: the pattern's own required strings (``common.required_strings``)."""
    return _PORTABLE.search(text)


# An intubated or ICU patient's AP film is usually taken lying down; without a stated position
# "AP" does not choose between AP and AP Supine.
_LYING_PATIENT = compile(
    r"\bintubat\w*|\bventilat\w*|\bICU\b|\bintensive\s+care|\bET\s?T\b|\bendotracheal|\bnasogastric|\bNGT?\b|"
    r"\bunconscious|\bcomatose",
    re.IGNORECASE,
)
_AP_POSITION = compile(rf"\bsemi-?erect\b|\bsitting\b|{_SEATED}|\berect\b|\bupright\b", re.IGNORECASE)
# The AP pattern's words that name the patient's position, not a projection (a list of views skips them).
_POSITION_ONLY = compile(r"semi-?erect|sitting|(?:semi-?)?sedut[oa]|ortostatismo|im\s+Sitzen", re.IGNORECASE)
_CASE_SENSITIVE_TOKENS = {"PA", "AP", "LL", "SUP", "APS"}
# A standing patient's word, AP in the sample's Italian ("in ortostatismo"), yet also the position of a PA film.
_STANDING = compile(r"ortostatismo", re.IGNORECASE)


# The prefix of a hyphenated compound ("Non-enhanced chest CT", "non-contrast", "non-gated"): it negates its own word,
# never a view named after it ("Non-enhanced chest CT, axial (a, b) and coronal (c) images" names an axial image).
_NON_PREFIX = compile(r"\bnon-(?=\w)", re.IGNORECASE)


def _view_hits(text: str, modality: str | None) -> list[tuple[str, int, int]]:
    """(view, start, end) of every view word of ``text`` a film of ``modality`` can have."""
    allowed = {MODALITY_XRAY: XRAY_VIEWS, MODALITY_CT: CT_VIEWS}.get(modality or "", XRAY_VIEWS + CT_VIEWS)
    hits: list[tuple[str, int, int]] = []
    low = text_context(text).lower
    # the negation cues read in the text without its compounds' "non-" (same length: the same positions)
    unprefixed = _NON_PREFIX.sub(lambda m: " " * len(m.group(0)), text) if "non-" in low else text
    for view, pattern in _VIEW_PATTERNS:
        if view not in allowed:
            continue
        words, tokens = _VIEW_KEYS[view]
        if not has_any(low, words) and not any(t in text for t in tokens):
            continue
        for m in pattern.finditer(text):
            token = m.group(0)
            if token.upper() in _CASE_SENSITIVE_TOKENS and token != token.upper():
                continue
            if negated(unprefixed, m.start(), m.end(), window=25):
                continue
            hits.append((view, m.start(), m.end()))
    # "AP supine" is one view; an AP word next to supine is not a conflict
    if any(h[0] == AP_SUPINE for h in hits) and any(h[0] == AP for h in hits):
        hits = [h for h in hits if h[0] != AP]
    return hits


def views_in_order(text: str, modality: str | None = None) -> tuple[tuple[str, int, int], ...]:
    """(view, start, end) of the views ``text`` names, in the order it names them ("PA e LL": PA,
    L), one per place in the text (overlapping words are one view)."""
    hits = _view_hits(text, modality)
    # a position ("in ortostatismo (PA e LL)", "sitting") qualifies the views named beside it
    named = [h for h in hits if not _POSITION_ONLY.fullmatch(text, h[1], h[2])]
    ordered: list[tuple[str, int, int]] = []
    for hit in sorted(named or hits, key=lambda h: (h[1], -h[2])):
        if not ordered or hit[1] >= ordered[-1][2]:
            ordered.append(hit)
    return tuple(ordered)


@lru_cache(maxsize=8192)
def normalize_view(text: str, modality: str | None = None, source: str | None = None, **_context) -> Normalized:
    """PA, AP, AP Supine, L for X-rays; Axial, Coronal for CT. Supine X-rays are AP Supine;
    portable/bedside/sitting films are AP. Two different views in the text leave it blank."""
    stripped = text.strip()
    if source == "radiopaedia" or stripped.lower() in _PLANE_PROJECTION or stripped.lower() == "frontal":
        view = _PLANE_PROJECTION.get(stripped.lower())
        if view:
            start = text.find(stripped)
            return found(view, text, start, start + len(stripped), "view.plane-projection", VIEW_VERSION)
        if stripped.lower() == "frontal":
            start = text.find(stripped)
            return blank("'Frontal' does not say PA or AP", text, start, start + len(stripped),
                         "view.plane-projection", VIEW_VERSION)
        if source == "radiopaedia":
            return (blank("plane projection not in the view vocabulary", text, 0, len(text), "view.plane-projection",
                          VIEW_VERSION) if stripped else Normalized(None))
    low = text_context(text).lower
    decubitus = _DECUBITUS.search(text) if "decub" in low or "decúb" in low else None
    if decubitus:
        return blank("a decubitus film has no view of the vocabulary (PA, AP, AP Supine, L)", text,
                     decubitus.start(), decubitus.end(), "view.words", VIEW_VERSION)
    hits = _view_hits(text, modality)
    if any(h[0] == PA for h in hits) and all(_STANDING.fullmatch(text, h[1], h[2]) for h in hits if h[0] == AP):
        # "in ortostatismo, proiezione PA": the projection told, standing its position
        hits = [h for h in hits if h[0] != AP]
    views = {h[0] for h in hits}
    frontal = _FRONTAL.search(text) if views == {LATERAL} and "frontal" in low else None
    if frontal and all(_names_another_figure(text, m.start(), hits) for m in _FRONTAL.finditer(text)):
        # "Lateral radiograph (the frontal film is shown in Fig. 1)": "frontal" names another figure's film
        frontal = None
    if frontal:
        # "Frontal and lateral chest radiographs show ...": a frontal film and a lateral one, of which
        # the lateral is no more this image's than the frontal (was L: "frontal" is no view of its own)
        start, end = min(frontal.start(), hits[0][1]), max(frontal.end(), hits[-1][2])
        return blank("several views in the text: a frontal projection and L", text, start, end, "view.words",
                     VIEW_VERSION)
    if len(views) == 1:
        view, start, end = min(hits, key=lambda h: h[1])
        if view == AP:
            lying = _LYING_PATIENT.search(text)
            if lying and not _AP_POSITION.search(text):
                return blank("AP in an intubated or ICU patient, position not stated: AP or AP Supine", text,
                             start, end, "view.words", VIEW_VERSION)
        return found(view, text, start, end, "view.words", VIEW_VERSION)
    if len(views) > 1:
        hits.sort(key=lambda h: h[1])
        return blank("several views in the text: " + ", ".join(sorted(views)), text, hits[0][1], hits[-1][2],
                     "view.words", VIEW_VERSION)
    portable = portable_film(text)
    if portable:
        return blank("a portable/bedside film is AP or AP Supine: the position is not stated", text,
                     portable.start(), portable.end(), "view.words", VIEW_VERSION)
    frontal = _FRONTAL.search(text) if "frontal" in low else None
    if frontal:
        return blank("'Frontal' does not say PA or AP", text, frontal.start(), frontal.end(), "view.words",
                     VIEW_VERSION)
    return Normalized(None)


#: A citation of a figure: "Fig. 1", "Figure 2a", "Figs. 1-2", "figura 3".
_FIGURE_CITED = compile(r"\bfig(?:ure|ura)?s?\.?\s*S?\d", re.IGNORECASE)
_FIG_ABBREVIATION = compile(r"\bfigs?\.\s*\Z", re.IGNORECASE)


def _names_another_figure(text: str, start: int, hits: list[tuple[str, int, int]]) -> bool:
    """Whether the word at ``start`` stands in a part of ``text`` that cites a figure and holds none of the view
    ``hits``: a parenthesis ("(the frontal film is shown in Fig. 1)"), else its clause up to a ";" or its sentence
    ("Compare with the frontal view in Figure 1."); it names that figure's film, not this one's."""
    opening, closing = text.rfind("(", 0, start), text.find(")", start)
    if opening >= 0 and ")" not in text[opening:start] and closing >= 0:
        part = (opening, closing + 1)
    else:
        s_start, s_end = sentence_at(text, start)
        while s_end < len(text) and _FIG_ABBREVIATION.search(text, s_start, s_end):
            s_end = sentence_at(text, s_end)[1]  # "(Fig. 2)": no sentence's end
        semicolons = [m.end() for m in re.finditer(";", text[s_start:start])]
        after = text.find(";", start, s_end)
        part = (s_start + (semicolons[-1] if semicolons else 0), after if after >= 0 else s_end)
    return (_FIGURE_CITED.search(text, *part) is not None
            and not any(part[0] <= h_start < part[1] for _, h_start, _ in hits))


# The CT's scout: the planning projection before the slices, no image of the chest the dataset holds.
#: The words naming a CT's scout (also ``figure_kinds``: a paper's panel that is one).
SCOUT_WORDS = r"topogram|scout|scanogram|locali[sz]er|surview"
_SCOUT = compile(rf"\b(?:{SCOUT_WORDS})\b", re.IGNORECASE)
# Words of a CT image that is no transverse slice: another plane, a reconstruction or rendering, the
# scout ("coronal", "MPR", "volume rendering", "minimum intensity projection", "ricostruzione").
_NOT_A_SLICE = compile(
    r"\b(?:coronal[ei]?|sagittal[ei]?|oblique|obliqu[oa]|curved|reconstruct\w*|ricostruzion[ei]|reformat\w*|"
    r"MPR|multi-?planar|3-?D|three-dimensional|volume[- ]render\w*|VRT?|MIP|MinIP|maximum[- ]intensity|"
    rf"minimum[- ]intensity|{SCOUT_WORDS}|virtual\s+bronchoscop\w*)\b",
    re.IGNORECASE,
)


def ct_scout(words: str) -> str:
    """The word naming a CT's scout in ``words`` ("Scout", "topogram"), else ""."""
    m = _SCOUT.search(words)
    return m.group(0) if m else ""


def ct_slice_view(words: str, cited_after_another_panel: bool = False) -> Normalized:
    """The view of a CT image whose words name no plane: Axial, the plane a chest CT is acquired
    and read in (the dataset's curators write Axial for every such CT of the shared sample, and a
    coronal image only where its text says coronal); blank, with why, when its words name another
    plane, a reconstruction or the scout. ``cited_after_another_panel``: the words are the text's
    sentence citing this panel after another of one CT, in a figure without a legend (NEJM's "Images
    in Clinical Medicine": "CT of the chest ... (Panels B and C, arrows)", panel C): no legend names
    the reconstruction a later panel shows, and the second image of one CT beside the first is as
    often another plane as another level: blank, with why (the first stays the acquisition's Axial)."""
    other = _NOT_A_SLICE.search(words)
    if other:
        return blank(f"a CT image named {other.group(0)!r}: not a transverse slice", words, other.start(),
                     other.end(), "view.ct-slice", VIEW_VERSION)
    if cited_after_another_panel:
        return blank("a CT panel of a figure without a legend, cited after another panel of the same CT by text "
                     "naming no plane: the plane it shows is not told", words, 0, len(words), "view.ct-slice",
                     VIEW_VERSION)
    return found(AXIAL, words, 0, len(words), "view.ct-slice", VIEW_VERSION)


# --- Modality ------------------------------------------------------------------------------------

_CT = compile(
    r"\bCTs?\b|\bHRCT\b|\bMDCT\b|\bNECT\b|\bCECT\b|\bCTPA\b|\bCCT\b|\bcomputed\s+tomograph\w*|\bcomputer\s+tomograph\w*|\bcomputeri[sz]ed\s+tomograph\w*|"
    r"\btomodensitom\w*|\btomograph(?:y|ic|ies)\b|"
    r"\bTC\b|\bTAC\b|\btomografia\s+computerizzata|\btomograf[ií]a\s+computarizada|\btomografia\s+computadorizada|\bComputertomograph\w*|\bscanner\b|\bCT-?scan|"
    r"\baxial\b|\bcoronal\b|\bsagittal\b|\bmultiplanar\b|\bMPR\b|"
    r"\blung\s+window|\bmediastinal\s+window|\bthin[- ]section|"
    r"\b(?:slice|section|layer)\s+thickness|\b\d+(?:\.\d+)?\s*mm\s+(?:slices?|sections?|layers?|thickness)|"
    # Turkish "bilgisayarlı tomografi", "toraks BT" ("BT" alone is also "bleeding time": only after the organ);
    # Russian "КТ", "МСКТ", "компьютерная томография"; Chinese "胸部CT" (no word break between CJK and Latin)
    r"\bbilgisayarl[ıi]\s+tomografi\w*|\b(?:toraks|akci[ğg]er|g[öo]ğ[üu]s)\s+BT\b|"
    # French "TDM thoracique" (tomodensitométrie; "TDM" alone is also therapeutic drug monitoring: only with the chest)
    r"\bTDM\s+(?:thoracique|du\s+thorax|pulmonaire)|"
    r"\bМ?СКТ\b|\bКТ\b|\bкомпьютерн\w*\s+томограф\w*|(?<=[\u3400-\u9fff])CT(?![A-Za-z])|\bCT(?=[\u3400-\u9fff])",
    re.IGNORECASE,
)
_XRAY = compile(
    r"\bx-?\s?rays?\b|\bxray\b|\bradiograph\w*|\bCXR\b|\bchest\s+films?\b|\bplain\s+films?\b|\bRX\b|\bRx\s+torace|\bradiografia|"
    r"\bradiogramm\w*|\bR[öo]ntgen\w*|\broentgen\w*|\bradiograf[ií]a|\bradiographie|\bprojection\s+radiograph|\bX-ray\b|\bRx\b|"
    r"\bDR\s+(?:images?|imaging|films?|examination)|"
    # Turkish "akciğer grafisi" (the chest's film), Russian "рентгенограмма" / "рентгенография", Chinese "X线" / "胸片"
    r"\b(?:akci[ğg]er|g[öo]ğ[üu]s)\s+grafi\w*|\bрентгенограф\w*|\bрентгенограмм\w*|X线|X光|胸片",
    re.IGNORECASE,
)
_XRAY = gate(_XRAY, "[xrcpdagр胸]")  # the characters a match can start with (gate() in common)
#: Gates of the two patterns: whole lower-case words, or substrings for the words with suffixes.
_CT_TOKENS = frozenset(["ct", "cts", "hrct", "mdct", "nect", "cect", "ctpa", "cct", "tc", "tac", "scanner", "scan",
                        "axial", "coronal", "sagittal", "multiplanar", "mpr", "window", "tomografia", "tomografía",
                        "thickness", "section", "bt", "кт", "мскт", "ct", "tdm"])
_CT_KEYS = ("tomograph", "tomodensitom", "tomografi", "томограф")
_XRAY_TOKENS = frozenset(["x", "ray", "rays", "xray", "cxr", "films", "film", "rx", "radiografia", "radiografía",
                          "radiographie", "dr"])
_XRAY_KEYS = ("radiograph", "radiogramm", "ntgen", "roentgen", "grafi", "рентген", "x线", "x光", "胸片")
_CT_CASE_SENSITIVE = {"CT", "CTS", "TC", "TAC", "HRCT", "NECT", "CECT", "CTPA", "MDCT", "CCT", "MPR", "КТ", "МСКТ"}
# "radiographic findings/features" names imaging in general (of a CT as well), not a radiograph.
_GENERIC_RADIOGRAPHIC = compile(
    r"\s+(?:and\s+(?:clinical|CT)\s+)?(?:findings?|features?|manifestations?|signs?|appearances?|patterns?|characteristics?|evidence|"
    r"progression|changes?|improvement|resolution|deterioration|course|evolution|severity|score)\b",
    re.IGNORECASE,
)
# "non-contrast CT", "unenhanced CT": a kind of CT, not a CT that was not done.
_NOT_A_NEGATION = compile(
    r"\bnon[- ]?(?:contrast|enhanced|ionic|gated|invasive)(?:[- ]enhanced)?\s*(?:chest\s+)?$",
    re.IGNORECASE,
)
# Paper figures of COVID-19 pneumonia: a caption that names no modality but describes these signs
# shows CT sections. Teaching notes of radiographs use the same words ("ground-glass", "subpleural")
# for chest films, so the rule is for figure captions only (``figure_caption=True``).
_CT_SIGNS = compile(
    r"\bground[- ]?glass\b|\bGGOs?\b|\bsub-?pleural\b|\bcrazy[- ]paving\b|\bseptal\s+thickening\b|\binterlobular\b|"
    r"\bbronchiectas\w*|\breversed\s+halo\b|\bhalo\s+sign\b|\btree[- ]in[- ]bud\b|\batoll\s+sign\b",
    re.IGNORECASE,
)


# Words of a radiograph's reading that a CT's does not use: the lung zones and fields of a
# projection, the silhouettes and angles of a film, Kerley lines; Italian reports' translated
# "ipodiafania" (hypodiaphania), "ipotrasparenza" (hypotransparency), "velatura" (veiling).
# A film's zones are also named in pairs ("mid and lower zone consolidation", "both lung mid lower
# zones"); the heart's borders are a film's outlines ("loss of the right heart border": the
# silhouette sign), a CT shows the heart itself.
_ZONE = r"(?:upper|mid|middle|lower|mid-?lower|middle-?lower|middle-?basal|basal|apical)"
_PROJECTION_VIEW = r"(?:PA|AP|postero-?anterior|antero-?posterior|lateral|frontal|decubitus|lordotic)"
_RADIOGRAPH_SIGNS = compile(
    rf"\b{_ZONE}(?:[\s-]+(?:and|or|to)[\s-]+{_ZONE}|\s+(?=(?:lower|basal)\s))?"
    r"[\s-]+(?:(?:right|left)\s+)?(?:lung\s+|pulmonary\s+)?(?:zones?|fields?)\b"
    r"|\b(?:right|left)\s+(?:heart|cardiac)\s+(?:border|contour)s?\b"
    r"|\b(?:lung|pulmonary)\s+fields?\b|\bcostophrenic\s+(?:angles?|sinus\w*)|\bcardiothoracic\s+ratio\b"
    r"|\bcardio-?(?:mediastinal|vasal)\s+(?:contours?|silhouette|shadow|outline)|\bcardiac\s+silhouette\b|\bKerley\b"
    r"|\bhypo-?diaphan\w*|\bhypo-?transpar\w*|\bhypotransprence\b|\bpleural\s+veiling\b|\bsilhouette\s+sign\b"
    # a film's projection named with its view ("PA view", "on the lateral projection", "frontal and
    # lateral projections", "antero-posterior view"): a radiograph's; a CT's images are named by
    # their planes (axial, coronal) and its projections by their rendering ("maximum intensity
    # projection"), which these words are not
    rf"|\b{_PROJECTION_VIEW}(?:[\s-]+(?:and|or)[\s-]+{_PROJECTION_VIEW})?[\s-]+(?:views?|projections?|films?)\b"
    # how the film was taken and what lies behind the heart's shadow on it: a breath held for a
    # projection ("limited inspiratory effort", "poor inspiration"), the retrocardiac space, a
    # shadow or a line's tip "projected behind the heart", "projecting over the SVC" (a CT shows the
    # structures themselves, in planes)
    r"|\binspiratory\s+effort\b|\b(?:poor|suboptimal|limited|low|shallow)\s+inspiration\b|\bretro-?cardiac\b"
    r"|\bproject(?:ed|s|ing)\s+(?:over|behind|onto)\b",
    re.IGNORECASE,
)


# A study the text compares the image with, not the image: "as demonstrated on the recent CT",
# "compared with the previous radiograph", "rispetto alla precedente TC". Read only where the text
# also names the other modality (the image's own), whose words then decide.
_COMPARED_STUDY = compile(
    r"\b(?:(?:compared|comparison|comparing)\s+(?:with|to)|relative\s+to|since|"
    r"as\s+(?:(?:previously|already)\s+)?(?:seen|shown|demonstrated|noted|described|depicted|visible|documented)\s+(?:on|in|at|by)|"
    r"rispetto\s+(?:al(?:la|lo)?|a)|(?:prior|previous|preceding|earlier|recent|former|outside|precedente)|"
    # the exam a time counts from: "5 days after the CT", "48 ore dopo la radiografia", "a distanza di
    # 5 giorni dalla TC"
    r"(?:days?|hours?|weeks?|months?|giorni|ore|settimane?|mesi)\s+(?:after|from|dopo|da(?:ll[ao]?|l)?)"
    r"(?:\s+(?:la|il|lo|l[’']))?)"
    r"(?:\s+(?:the|a|an|his|her|prior|previous|preceding|earlier|recent|former|outside|precedente|chest|"
    r"admission|initial|last))*\s*$",
    re.IGNORECASE,
)


#: The flag of a modality read beside a study of the other modality named for comparison: that
#: study may be another image of the same case.
MODALITY_BESIDE_COMPARED_STUDY = "beside-a-compared-study"


def _compared_study(text: str, match: re.Match[str]) -> bool:
    return compared_study_at(text, match.start())


def only_compared_studies(text: str) -> bool:
    """Whether ``text`` names modalities only as studies it compares the image with ("The mother: bilateral
    opacities ..., increased in comparison with the CT at admission"): no modality of the image's own."""
    ct_hits, xray_hits = _modality_hits(text)
    return bool(ct_hits or xray_hits) and all(_compared_study(text, m) for m in (*ct_hits, *xray_hits))


def compared_study_at(text: str, start: int) -> bool:
    """Whether the modality word at ``start`` names a study the text compares the image with ("as
    demonstrated on the recent CT"), not the image."""
    return _COMPARED_STUDY.search(text, max(0, start - 60), start) is not None


@lru_cache(maxsize=8192)
def _modality_hits(text: str) -> tuple[list[re.Match[str]], list[re.Match[str]]]:
    """The CT words and the X-ray words of ``text`` that name the image's modality."""
    ctx = text_context(text)
    run_ct = bool(ctx.words & _CT_TOKENS) or has_any(ctx.lower, _CT_KEYS)
    run_xray = bool(ctx.words & _XRAY_TOKENS) or has_any(ctx.lower, _XRAY_KEYS)
    ct_hits = [m for m in (_CT.finditer(text) if run_ct else ())
               if m.group(0).upper() not in _CT_CASE_SENSITIVE or m.group(0)[:2].isupper()]
    xray_hits = [m for m in (_XRAY.finditer(text) if run_xray else ())
                 if m.group(0).lower() != "rx" or m.group(0) in ("RX", "Rx")]
    xray_hits = [m for m in xray_hits
                 if not (m.group(0).lower().startswith("radiograph")
                         and m.group(0).lower() in ("radiographic", "radiographically")
                         and _GENERIC_RADIOGRAPHIC.match(text, m.end()))]
    # "CT (not available)", "no CT was performed": a CT that was not done is not the image
    ct_hits = [m for m in ct_hits if _NOT_A_NEGATION.search(text, max(0, m.start() - 30), m.start())
               or not negated(text, m.start(), m.end(), window=20)]
    return ct_hits, xray_hits


def modalities_in_order(text: str) -> tuple[tuple[str, int, int], ...]:
    """(modality, start, end) of each run of one modality's words in ``text``, in text order ("Chest
    X-ray (a) and axial CT image (b)": X-ray, then CT); empty when a modality comes back after
    another ("X-ray, CT, then X-ray again": not a list of the films in order)."""
    hits = sorted([(MODALITY_CT, m.start(), m.end()) for m in _modality_hits(text)[0]]
                  + [(MODALITY_XRAY, m.start(), m.end()) for m in _modality_hits(text)[1]], key=lambda h: h[1])
    runs: list[tuple[str, int, int]] = []
    for hit in hits:
        if runs and runs[-1][0] == hit[0]:
            runs[-1] = (hit[0], runs[-1][1], hit[2])
        else:
            runs.append(hit)
    return tuple(runs) if len({r[0] for r in runs}) == len(runs) else ()


# Exams the dataset does not hold (it holds chest radiographs and CT only), as every site's captions
# name them: one rule for Eurorad figures and SIRM images (Radiopaedia stacks carry their modality).
_OTHER_EXAM = compile(
    r"\b(?:ecografi[ae]|ecograficamente|ultrasound|ultrasonograph\w*|sonograph\w*|echocardiograph\w*|"
    r"(?-i:RM|MR|US)|risonanza\s+magnetica|magnetic\s+resonance|MRI|PET|SPECT)\b", re.IGNORECASE)
_DATASET_EXAM = compile(
    r"\b(?:RX|radiografi\w*|radiogramm\w*|radiograph\w*|CXR|x-?rays?|TC|HRCT|CT|CTPA|angio-?TC|"
    r"computed\s+tomograph\w*)\b", re.IGNORECASE)
# A hybrid exam whose CT is only the fused image's anatomy ("FDG PET-CT", "PET/TC", "SPECT-CT"): no CT of
# the dataset's.
_HYBRID_EXAM = compile(r"\b(?:PET|SPECT)\s?[-/]\s?(?:CT|TC)\b", re.IGNORECASE)


def exam_outside_dataset(words: str) -> str:
    """The word naming an exam the dataset does not hold when an image's own words (its caption)
    name one and no radiograph or CT ("Cardiac MRI on day 3", "Ecografia polmonare", "FDG PET-CT,
    axial fused image"); else ""."""
    other = _OTHER_EXAM.search(words)
    return other.group(0) if other and not _DATASET_EXAM.search(_HYBRID_EXAM.sub(" ", words)) else ""


def normalize_modality(text: str, figure_caption: bool = False, radiograph_signs: bool = False,
                       **_context) -> Normalized:
    """X-ray or CT from the stack modality, captions or notes ("RX", "Rx torace", "TC",
    "radiograph", "non-contrast CT", "DR image"); both in one text leave it blank.
    ``figure_caption``: the text is the caption (or subcaption) of a paper's figure; then CT's
    signs (ground-glass, subpleural, crazy paving...) without any modality word also say CT.
    ``radiograph_signs``: the text is about one image (its own note or panel); then a radiograph's
    reading words ("right mid zone", "lung fields", "costophrenic angles", "cardiac silhouette")
    without any modality word say X-ray."""
    stripped = text.strip()
    if stripped in (MODALITY_XRAY, MODALITY_CT):
        start = text.find(stripped)
        return found(stripped, text, start, start + len(stripped), "modality.stack", MODALITY_VERSION)
    ctx = text_context(text)
    ct_hits, xray_hits = _modality_hits(text)
    flags: tuple[str, ...] = ()
    if ct_hits and xray_hits:
        own_ct = [m for m in ct_hits if not _compared_study(text, m)]
        own_xray = [m for m in xray_hits if not _compared_study(text, m)]
        if bool(own_ct) != bool(own_xray):
            ct_hits, xray_hits, flags = own_ct, own_xray, (MODALITY_BESIDE_COMPARED_STUDY,)
    if ct_hits and xray_hits:
        first = min(ct_hits[0].start(), xray_hits[0].start())
        return blank("both X-ray and CT in the text", text, first, max(ct_hits[0].end(), xray_hits[0].end()),
                     "modality.words", MODALITY_VERSION)
    if ct_hits:
        return found(MODALITY_CT, text, ct_hits[0].start(), ct_hits[0].end(), "modality.words", MODALITY_VERSION,
                     flags)
    if xray_hits:
        return found(MODALITY_XRAY, text, xray_hits[0].start(), xray_hits[0].end(), "modality.words",
                     MODALITY_VERSION, flags)
    if figure_caption:
        sign = _CT_SIGNS.search(text)
        if sign:
            return found(MODALITY_CT, text, sign.start(), sign.end(), "modality.ct-signs-in-figure-caption",
                         MODALITY_VERSION)
    if radiograph_signs and has_any(ctx.lower, _RADIOGRAPH_SIGN_KEYS):
        sign = _RADIOGRAPH_SIGNS.search(text)
        if sign:
            return found(MODALITY_XRAY, text, sign.start(), sign.end(), "modality.radiograph-signs", MODALITY_VERSION)
    return Normalized(None)


_RADIOGRAPH_SIGN_KEYS = ("zone", "field", "costophrenic", "cardiothoracic", "silhouette", "shadow", "contour",
                         "outline", "kerley", "diaphan", "transpar", "transprence", "veiling", "border", "view",
                         "projection", "film", "inspira", "retro", "project")


# --- Finding -------------------------------------------------------------------------------------


def _path(path: str) -> str:
    if path not in FINDING_PATHS:
        raise KeyError(f"{path!r} is not in schema.FINDING_PATHS")
    return path


# "nCoV" alone (a file named "nCoV-radiol.2020200269.fig1-day7.jpeg", "nCoV pneumonia"): the 2019-nCoV of
# early 2020 as writers shortened it (the lexicon already reads "novel coronavirus" so).
_COVID_WORDS = (
    r"covid[- ]?19|covid|sars[-\s]?cov[-\s]?2|hcov-?19|2019-?ncov|ncov-?2019|\bncov\b|novel\s+coronavirus|"
    r"coronavirus\s+disease\s+(?:2019)?|wuhan\s+coronavirus|severe\s+acute\s+respiratory\s+syndrome\s+coronavirus\s+2|"
    # Chinese "新型冠状病毒" (novel coronavirus, as "novel coronavirus" above) and its short "新冠"
    r"新型冠状病毒|新冠"
)
# Ordered from specific to generic; every target is checked against the schema's vocabulary.
_FINDING_LEXICON: tuple[tuple[str, str], ...] = tuple(
    (_path(path), pattern)
    for path, pattern in (
        ("Pneumonia/Viral/COVID-19", _COVID_WORDS),
        ("Pneumonia/Viral/MERS-CoV", r"mers-?cov|\bmers\b|middle\s+east\s+respiratory\s+syndrome"),
        ("Pneumonia/Viral/SARS",
         r"\bsars\b(?![-\s]?cov[-\s]?2)(?![-\s]?2\b)|severe\s+acute\s+respiratory\s+syndrome(?!\s+coronavirus\s+2)"),
        ("Pneumonia/Viral/Influenza/H1N1", r"\bh1n1\b|swine[- ](?:origin\s+)?(?:influenza|flu)"),
        ("Pneumonia/Viral/Varicella", r"varicella|chickenpox|chicken\s+pox"),
        ("Pneumonia/Viral/Herpes", r"herpes(?!\s+zoster)|\bhsv\b"),
        ("Pneumonia/Viral/Influenza", r"(?<!haemophilus\s)(?<!hemophilus\s)(?<!h\.\s)\binfluenza(?!e)\b|\bflu\b"),
        ("Pneumonia/Bacterial/Staphylococcus/MRSA", r"\bmrsa\b|methicillin[- ]resistant\s+staph\w*"),
        ("Pneumonia/Bacterial/Staphylococcus", r"staphylococc\w*|\bstaph\b|s\.\s?aureus"),
        ("Pneumonia/Bacterial/Streptococcus", r"streptococc\w*|pneumococc\w*|s\.\s?pneumoniae"),
        ("Pneumonia/Bacterial/Mycoplasma", r"mycoplasma"),
        ("Pneumonia/Bacterial/Klebsiella", r"klebsiella"),
        ("Pneumonia/Bacterial/Legionella", r"legionell\w*|legionnaire\w*"),
        ("Pneumonia/Bacterial/Nocardia", r"nocardi\w*"),
        ("Pneumonia/Bacterial/Chlamydophila", r"chlamydo?phila|chlamydia\s+pneumoniae"),
        ("Pneumonia/Bacterial/Escherichia-Coli", r"escherichia|e\.\s?coli"),
        ("Pneumonia/Fungal/Pneumocystis", r"pneumocystis|\bpcp\b|\bpjp\b|pneumocytis|\bjiroveci"),
        ("Pneumonia/Fungal/Aspergillosis", r"aspergill\w*"),
        ("Pneumonia/Lipoid", r"lipoid|fire[- ]eater|lipid\s+pneumonia"),
        ("Pneumonia/Aspiration", r"aspiration\s+pneumonia|polmonite\s+ab\s+ingestis"),
        ("Tuberculosis", r"tubercul\w*|\btb\b|tbc\b|koch"),
        ("Pneumonia/Bacterial",
         r"bacterial\s+pneumonia|haemophilus|hemophilus|pseudomonas|moraxella|polmonite\s+batterica"),
        ("Pneumonia/Fungal", r"fungal\s+pneumonia|mucormycosis|candida\s+pneumonia|cryptococc\w*"),
        ("Pneumonia/Viral", r"viral\s+pneumonia|polmonite\s+virale|\brsv\b|adenovir\w*|cytomegalovir\w*|\bcmv\b"),
        ("No Finding",
         # "a near-normal radiograph", "an almost normal CT" found something: not a normal study
         r"\bno\s+finding|(?<!near-)(?<!near\s)(?<!nearly\s)(?<!almost\s)\bnormal\s+(?:chest|radiograph|x-ray|cxr|ct)\b|"
         r"\bnormal\s+study\b|"
         r"\bwithin\s+(?:the\s+)?normal\s+limits|"
         r"no\s+(?:acute\s+)?(?:cardio)?pulmonary\s+(?:abnormality|disease|process)"),
        ("Pneumonia", r"pneumonia|pneumonitis|polmonite|neumon[ií]a|pneumonie|Lungenentzündung|bronchopneumonia"),
    )
)
#: Literal words (lower case) without one of which a lexicon pattern cannot match: the gate.
_FINDING_KEYS: dict[str, tuple[str, ...]] = {
    "Pneumonia/Viral/COVID-19": ("covid", "sars", "ncov", "coronavirus", "hcov", "新型冠状病毒", "新冠"),
    "Pneumonia/Viral/MERS-CoV": ("merscov", "mers-cov", "middle east"),
    "Pneumonia/Viral/SARS": ("sars", "severe acute"),
    "Pneumonia/Viral/Influenza/H1N1": ("h1n1", "swine"),
    "Pneumonia/Viral/Varicella": ("varicella", "chicken"),
    "Pneumonia/Viral/Herpes": ("herpes",),
    "Pneumonia/Viral/Influenza": ("influenza",),
    "Pneumonia/Bacterial/Staphylococcus/MRSA": ("mrsa", "methicillin"),
    "Pneumonia/Bacterial/Staphylococcus": ("staph", "aureus"),
    "Pneumonia/Bacterial/Streptococcus": ("streptococc", "pneumococc", "pneumoniae"),
    "Pneumonia/Bacterial/Mycoplasma": ("mycoplasma",),
    "Pneumonia/Bacterial/Klebsiella": ("klebsiella",),
    "Pneumonia/Bacterial/Legionella": ("legionell", "legionnaire"),
    "Pneumonia/Bacterial/Nocardia": ("nocardi",),
    "Pneumonia/Bacterial/Chlamydophila": ("chlamyd",),
    "Pneumonia/Bacterial/Escherichia-Coli": ("escherichia", "coli"),
    "Pneumonia/Fungal/Pneumocystis": ("pneumocystis", "pneumocytis", "jiroveci"),
    "Pneumonia/Fungal/Aspergillosis": ("aspergill",),
    "Pneumonia/Lipoid": ("lipoid", "fire", "lipid"),
    "Pneumonia/Aspiration": ("aspiration", "ingestis"),
    "Tuberculosis": ("tubercul", "tbc", "koch"),
    "Pneumonia/Bacterial": ("bacterial", "haemophilus", "hemophilus", "pseudomonas", "moraxella", "batterica"),
    "Pneumonia/Fungal": ("fungal", "mucormycosis", "candida", "cryptococc"),
    "Pneumonia/Viral": ("viral", "virale", "adenovir", "cytomegalovir"),
    "No Finding": ("finding", "normal"),
    "Pneumonia": ("pneumon", "polmonit", "neumon", "lungenentz"),
}
#: Whole words (lower case) that also open a lexicon pattern: short ones ("tb", "flu") would pass a
#: substring gate in most notes ("ou-tb-reak", "flu-id").
_FINDING_TOKENS: dict[str, frozenset[str]] = {
    "Pneumonia/Viral/MERS-CoV": frozenset({"mers"}),
    "Pneumonia/Viral/Herpes": frozenset({"hsv"}),
    "Pneumonia/Viral/Influenza": frozenset({"flu"}),
    "Pneumonia/Fungal/Pneumocystis": frozenset({"pcp", "pjp"}),
    "Tuberculosis": frozenset({"tb"}),
    "Pneumonia/Viral": frozenset({"rsv", "cmv"}),
}
_FINDING_RES = tuple((path, compile(pattern, re.IGNORECASE), _FINDING_KEYS[path],
                      _FINDING_TOKENS.get(path, frozenset())) for path, pattern in _FINDING_LEXICON)
_DIFFERENTIAL = compile(
    r"\b(?:differential|ddx|d/d|diagnosi\s+differenziale|vs\.?|versus|rule\s+out|r/o|mimic\w*|simulat\w*)\b",
    re.IGNORECASE,
)
# "history of pulmonary tuberculosis 50 years before": a past disease, not this case's finding
_PAST_HISTORY = compile(
    r"\b(?:history\s+of|previous|prior|past|former|treated\s+for|pregress[ao]|anamnesi\s+di|precedente)\b",
    re.IGNORECASE,
)
_PAST_HISTORY_AFTER = compile(r"[^.;]{0,30}?\b(?:years?|months?)\s+(?:before|ago|earlier|prior)\b", re.IGNORECASE)
# "At diagnosis of ... Pneumocystis pneumonia, chest radiograph did not show abnormal changes": the
# films of that disease were normal, so the case's abnormal films show something else (or the note
# does not say which films are the disease's): the disease is not read as the case's finding.
_NOT_EXCLUDING = compile(r"\b(?:(?:does|do|did|can|could|may|should)\s+not|doesn[’']t|don[’']t|cannot|can[’']t)\s+"
                         r"(?:\w+\s+)?(?:exclude|rule\s+out)\b", re.IGNORECASE)
# "COVID-19 pneumonia - initially normal chest radiograph", "at first normal chest x-ray": a normal film told as a
# phase of the course, which later films are not; the patient's finding is the diagnosis beside it. (A normal film
# "on admission" is no phase: "A normal chest radiograph on admission." is the patient's No Finding.)
_NORMAL_PHASE_BEFORE = compile(r"\b(?:initially|at\s+first|at\s+onset|early)\s+$", re.IGNORECASE)
# "COVID-19 Pneumonia With a Normal Chest Radiograph at Admission", "COVID-19 presenting with normal chest CT": a
# normal film joined to the disease the same sentence names before it is how that disease showed, not the patient's
# 'No Finding'.
_NORMAL_WITH_BEFORE = compile(r"\b(?:with|despite)\s+(?:an?\s+|the\s+)?(?:initially\s+)?$", re.IGNORECASE)


def _normal_film_of_named(text: str, start: int, hits: list[tuple[str, int, int]]) -> bool:
    """True when the normal film at ``start`` follows "with" / "despite" and a diagnosis already found in its
    sentence, before it."""
    if not _NORMAL_WITH_BEFORE.search(text[max(0, start - 30):start]):
        return False
    s_start = sentence_at(text, start)[0]
    return any(s_start <= h[1] < start and h[0] != "No Finding" for h in hits)


_NORMAL_FILM_OF_IT = compile(
    r"\b(?:radiograph\w*|x-?rays?|cxr|films?|ct(?:\s+scan)?)\s+(?:was|were|is|appeared)\s+"
    r"(?:completely\s+|entirely\s+)?(?:normal|unremarkable)\b"
    r"|\b(?:radiograph\w*|x-?rays?|cxr|films?|ct(?:\s+scan)?)\s+(?:did|does|do)\s+not\s+(?:show|reveal|demonstrate)\s+"
    r"(?:any\s+)?(?:abnormal\w*|patholog\w*|lesions?|opacit\w+|consolidations?|infiltrates?)"
    r"|\b(?:radiograph\w*|x-?rays?|cxr|films?|ct(?:\s+scan)?)\s+(?:showed|shows|revealed|reveals)\s+no\s+"
    r"(?:abnormal\w*|patholog\w*|lesions?|opacit\w+|consolidations?|infiltrates?)",
    re.IGNORECASE,
)
#: The rule of a blank finding whose note says the disease's films were normal (``backfill`` reads it
#: as doubt on the patient's other notes).
FINDING_NORMAL_FILMS_RULE = "finding.films-normal"
# "COVID-19 pneumonia with superimposed Klebsiella pneumoniae pneumonia", "bacterial pneumonia superimposed on
# COVID-19", "sovrainfezione batterica da Klebsiella": a disease on top of the case's disease is its complication,
# as curators write these cases (COVID-19 "with co-infection"): beside another diagnosis it is not the case's finding.
# ("superimposed on COVID-19" names the base disease: not read as superimposed itself.) COVID-19 superimposed on
# another disease stays a diagnosis: the dataset's curators keep COVID-19 beside a co-infection, so the two conflict
# and the finding stays blank.
_COVID_FINDING = _path("Pneumonia/Viral/COVID-19")
_SUPERIMPOSED_BEFORE = compile(
    # ("superinfection of COVID-19 pneumonia" names the base disease: "of" is no head)
    r"\b(?:superimposed|super-imposed|superadded|super-added|super-?infect(?:ion|ed)(?:\s+(?:with|by))?"
    r"|sovrainfezion[ei](?:\s+da)?|sovrainfett[aoie]\s+da)"
    # (the words between are the disease's own: "superimposed bacterial pneumonia", not "superinfection in a
    # COVID-19 patient", "superimposed on COVID-19")
    r"\s+(?:(?!(?:up)?on\b|onto\b|to\b|in\b|into\b|at\b|after\b|during\b|following\b|of\b|an?\b|the\b|su\b|di\b|nel)"
    r"[\w-]+\s+){0,3}$",
    re.IGNORECASE,
)
_SUPERIMPOSED_AFTER = compile(
    r"(?:\s+(?:pneumoniae|pneumonia|infection|bacterial|polmonite|batterica)){0,2}\s+"
    r"(?:super-?infection|sovrainfezione|super-?imposed\s+(?:up)?on(?:to)?|sovrapposta)\b",
    re.IGNORECASE,
)


def _superimposed(text: str, start: int, end: int, clause_start: int) -> bool:
    """The mention at ``start:end`` names a disease on top of another: "with superimposed Klebsiella",
    "Klebsiella superinfection", "bacterial pneumonia superimposed on COVID-19"."""
    return bool(_SUPERIMPOSED_BEFORE.search(text[max(clause_start, start - 60):start])
                or _SUPERIMPOSED_AFTER.match(text, end))


_BROADER = {
    # a generic mention does not contradict a specific one of the same branch
    "Pneumonia": "",
    "Pneumonia/Viral": "Pneumonia/Viral/",
    "Pneumonia/Bacterial": "Pneumonia/Bacterial/",
    "Pneumonia/Fungal": "Pneumonia/Fungal/",
}


@lru_cache(maxsize=8192)
def normalize_finding(text: str, **_context) -> Normalized:
    """The finding hierarchy from a title, a final diagnosis, a URL slug or a note. Negated,
    differential, hypothetical mentions and mentions about other people do not count; two
    different diagnoses of the same level leave it blank."""
    hits: list[tuple[str, int, int]] = []
    normal_films_of: list[tuple[str, int, int]] = []
    superimposed: list[tuple[str, int, int]] = []
    taken: list[tuple[int, int]] = []
    ctx = text_context(text)
    low = ctx.lower
    for path, pattern, keys, tokens in _FINDING_RES:
        if not has_any(low, keys) and not (tokens and ctx.words & tokens):
            continue
        for m in pattern.finditer(text):
            if any(s <= m.start() < e for s, e in taken):
                continue
            taken.append(m.span())
            if path == "No Finding":
                # "Normal chest radiograph does not exclude COVID-19 pneumonia": what a normal film
                # cannot tell, not the patient's finding
                phase = _NORMAL_PHASE_BEFORE.search(text[max(0, m.start() - 15):m.start()]) or _normal_film_of_named(
                    text, m.start(), hits)
                if not _NOT_EXCLUDING.search(text, m.end(), sentence_at(text, m.start())[1]) and not phase:
                    hits.append((path, m.start(), m.end()))
                continue
            c_start, c_end = clause_at(text, m.start())
            s_start, s_end = sentence_at(text, m.start())
            # only relatives disqualify: "three patients with COVID-19 pneumonia" titles a case
            # series whose patients are the cases, while "her husband had COVID-19" is not hers
            if negated(text, m.start(), m.end(), window=50) or other_relative_in(text, s_start, s_end):
                continue
            if hypothetical(text, m.start(), window=40) or found_in(_DIFFERENTIAL, text, c_start, c_end):
                continue
            if (_PAST_HISTORY.search(text, max(c_start, m.start() - 50), m.start())
                    or _PAST_HISTORY_AFTER.match(text, m.end())):
                continue
            if found_in(_NORMAL_FILM_OF_IT, text, s_start, s_end):
                normal_films_of.append((path, m.start(), m.end()))
                continue
            complication = path != _COVID_FINDING and _superimposed(text, m.start(), m.end(), c_start)
            (superimposed if complication else hits).append(
                (path, m.start(), m.end()))
    # a complication counts only where the text names no other diagnosis (then it is the one named)
    hits = hits or superimposed
    if normal_films_of:
        hits = [h for h in hits if not any(h[0] == n[0] for n in normal_films_of)]
        if not hits:
            path, start, end = normal_films_of[0]
            return blank(f"the note says the films of {path} were normal", text, start, end,
                         FINDING_NORMAL_FILMS_RULE, FINDING_VERSION)
    if not hits:
        return Normalized(None)
    paths = {h[0] for h in hits}
    # keep the most specific paths; a generic one is implied by a specific one below it
    specific = {p for p in paths if not any(q != p and q.startswith(p + "/") for q in paths)}
    if "Pneumonia" in specific and len(specific) > 1:
        specific.discard("Pneumonia")
    if "No Finding" in specific and len(specific) > 1:
        return blank("'no finding' and a diagnosis in the same text", text, hits[0][1], hits[-1][2], "finding.words",
                     FINDING_VERSION)
    if len(specific) > 1:
        ordered = sorted((h for h in hits if h[0] in specific), key=lambda h: h[1])
        return blank("several diagnoses: " + ", ".join(sorted(specific)), text, ordered[0][1], ordered[-1][2],
                     "finding.words", FINDING_VERSION)
    path = specific.pop()
    start, end = min((h[1], h[2]) for h in hits if h[0] == path)
    return found(path, text, start, end, "finding.words", FINDING_VERSION)


# --- Offset --------------------------------------------------------------------------------------

# The time vocabulary (units, amounts, \"day N\", relative times, the admission and onset anchors, the
# symptom history) is ``time_words``'s, shared with the timeline.

# Words that put an image after the first one: beside "on admission" they mean several images.
_LATER_WORDS = compile(
    r"\bfollow-?up\b|\bsubsequent\b|\brepeat\w*\b|\bcontrol\b|\blater\b|\bprevious\b|\bprior\b",
    re.IGNORECASE,
)


# The patient's admission told before a relative time: the base of "after a few days" when no
# earlier image is known.
_ADMISSION_CONTEXT = compile(
    r"\b(?:admitted|admission|hospitali[sz]ed|hospitali[sz]ation|ricoverat[oa]|ricovero|presented\s+to\s+(?:the\s+|our\s+)?(?:emergency|hospital|ED|A&E))\b",
    re.IGNORECASE,
)


@lru_cache(maxsize=8192)
def normalize_offset(text: str, previous_offset: int | None = None, onset_date: str | None = None,
                     image_date: str | None = None, **_context) -> Normalized:
    """Days since symptom onset (or admission when onset is unknown) of the image the text is
    about. "after a few days" is 5 days (the schema's convention)."""
    if onset_date and image_date:
        try:
            days = (date.fromisoformat(image_date) - date.fromisoformat(onset_date)).days
            return Normalized(days, "", -1, -1, "offset.dates", OFFSET_VERSION)
        except ValueError:
            pass
    history = symptom_history(text)
    day_values, since_onset, stay_day = _day_mentions(text)
    if since_onset:
        n, m = since_onset
        return found(n, text, m.start(), m.end(), "offset.day-of-illness", OFFSET_VERSION)
    if len(day_values) > 1:
        ms = sorted(day_values.values(), key=lambda m: m.start())
        return blank("several days in the text: it describes several images", text, ms[0].start(), ms[-1].end(),
                     "offset.day-n", OFFSET_VERSION)
    has_unit = has_any(text_context(text).lower, UNIT_KEYS)
    afters = [m for m in (finditer_near(AFTER, text, UNIT_RE, 60, 90) if has_unit else ())
              if is_amount(m.group("n") or m.group("n2")) and not about_other_person(text, m.start(), m.end())]
    if day_values and (afters or stay_day):
        m = next(iter(day_values.values()))
        return blank("'day N' and another time in the text: it describes several moments", text, m.start(), m.end(),
                     "offset.day-n", OFFSET_VERSION)
    if day_values:
        n, m = next(iter(day_values.items()))
        if history:
            return blank("'day N' and a symptom history: the base of the count is not stated", text,
                         m.start(), m.end(), "offset.day-n", OFFSET_VERSION)
        return found(n, text, m.start(), m.end(), "offset.day-n", OFFSET_VERSION)
    if stay_day:
        return blank("a day of the hospital stay: the base (admission day 0 or 1, or onset) is not stated", text,
                     stay_day.start(), stay_day.end(), "offset.hospital-day", OFFSET_VERSION)
    other_time = OTHER_TIME.search(text)
    if afters and other_time and not (other_time.start() >= afters[0].start() and other_time.end() <= afters[0].end()):
        return blank("a relative time and another time in the text: it describes several moments", text,
                     afters[0].start(), afters[0].end(), "offset.relative", OFFSET_VERSION)
    if len(afters) > 1:
        return blank("several relative times: the text describes several images", text,
                     afters[0].start(), afters[-1].end(), "offset.relative", OFFSET_VERSION)
    if afters:
        return _offset_after(text, afters[0], history, previous_offset)
    at_admission = AT_ADMISSION.search(text)
    if at_admission:
        return _offset_on_admission(text, at_admission, history, other_time)
    if history:
        m = history[1]
        return blank("a symptom duration, but not when the image was taken", text, m.start(), m.end(),
                     "offset.history", OFFSET_VERSION)
    return Normalized(None)


def _day_mentions(text: str) -> tuple[dict[int, re.Match[str]], tuple[int, re.Match[str]] | None,
                                      re.Match[str] | None]:
    """The text's "day N" mentions: plain days by number, the first day of illness (N and its
    match) and the first day of the hospital stay; days counted from another base are skipped."""
    day_values: dict[int, re.Match[str]] = {}
    since_onset = None
    stay_day = None
    for m in (DAY_N.finditer(text) if has_any(text_context(text).lower, ("day", "giorn", "dí", "dia", "jour", "tag"))
              else ()):
        n = int(m.group("n") or m.group("n2"))
        base = day_base(m, m.group("base") or m.group("base2") or "")
        qual = (m.group("qual") or m.group("qual2") or "").strip().lower()
        if qual in ("illness", "disease", "symptom", "post-onset", "postonset") or ONSET_BASE.match(base):
            since_onset = since_onset or (n, m)
        elif qual in ("hospital", "admission", "post-admission", "postadmission") or ADMISSION_BASE.match(base):
            # a day of the hospital stay: day 1 may be offset 0 or 1, and the dataset counts from
            # onset when the history gives it
            stay_day = stay_day or m
        elif (base and m.group("of" if m.group("n") else "of2")) or (
                qual.startswith("post") and qual.endswith(("op", "operative"))):
            continue  # "7th day after the initiation of treatment", "postoperative day 5": another base
        else:
            day_values.setdefault(n, m)
    return day_values, since_onset, stay_day


def _offset_after(text: str, m: re.Match[str], history: tuple[int, re.Match[str]] | None,
                  previous_offset: int | None) -> Normalized:
    """The one relative time of the text ("5 days after onset", "after a few days"), by its base."""
    n = m.group("n") or m.group("n2")
    unit = m.group("unit") or m.group("unit2")
    amount = amount_in_days(n, unit)
    base = (m.group("base") or m.group("base2") or m.group("pbase") or "").lower()
    if amount is None:
        return blank("a relative time without a convention", text, m.start(), m.end(), "offset.relative",
                     OFFSET_VERSION)
    if re.search(r"onset|symptom|developing|illness|esordio|beginning|start", base):
        return found(amount, text, m.start(), m.end(), "offset.after-onset", OFFSET_VERSION)
    if AFTER_ADMISSION_BASE.search(base):
        if history:
            return blank("days after admission and a symptom history: the base is not stated", text,
                         history[1].start(), m.end(), "offset.after-admission", OFFSET_VERSION)
        return found(amount, text, m.start(), m.end(), "offset.after-admission", OFFSET_VERSION)
    if previous_offset is not None:
        return found(previous_offset + amount, text, m.start(), m.end(), "offset.after-previous", OFFSET_VERSION)
    if not history and _ADMISSION_CONTEXT.search(text, 0, m.start()) and not _LATER_WORDS.search(text):
        s_start, s_end = sentence_at(text, m.start())
        if IMAGE_WORDS.search(text, s_start, s_end):
            # "Admitted with fever. Chest X-ray after a few days": the first image, counted from admission
            return found(amount, text, m.start(), m.end(), "offset.after-admission-context", OFFSET_VERSION)
    return blank("relative to an earlier image whose offset is not given", text, m.start(), m.end(), "offset.relative",
                 OFFSET_VERSION)


def _offset_on_admission(text: str, at_admission: re.Match[str], history: tuple[int, re.Match[str]] | None,
                         other_time: re.Match[str] | None) -> Normalized:
    """An image "on admission": offset 0 when nothing else in the text dates it."""
    if history:
        return blank("an image on admission after a symptom history: offset 0 (admission) or the history (onset)",
                     text, min(history[1].start(), at_admission.start()), max(history[1].end(), at_admission.end()),
                     "offset.on-admission", OFFSET_VERSION)
    if other_time or _LATER_WORDS.search(text):
        return blank("an image on admission and another time in the text: it describes several images", text,
                     at_admission.start(), at_admission.end(), "offset.on-admission", OFFSET_VERSION)
    return found(0, text, at_admission.start(), at_admission.end(), "offset.on-admission", OFFSET_VERSION)
