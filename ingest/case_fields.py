"""From a parsed case to schema field values: which words of the source each normalizer reads.

A case's narrative feeds the patient-level fields; each image's own caption, view, modality and
date text feed the per-image fields, because one case often shows several films on different
days and in different views. The discussion is deliberately not read for clinical flags: it is
teaching text about the disease ("intubation may be required"), not about this patient.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import date
from functools import lru_cache

from ingest.normalize import NORMALIZERS, Normalized
from ingest.normalize.common import format_number, sentence_spans
from ingest.normalize.imaging import (
    AP,
    AP_SUPINE,
    PA,
    ct_slice_view,
    modalities_in_order,
    only_compared_studies,
    views_in_order,
)
from ingest.panels import parse_subcaptions
from ingest.patients import without_patient_marker
from ingest.records import TIMELINE_NOTE, CaseRecord, ImageRecord
from ingest.timeline import (
    AFTER_PREVIOUS,
    DATED,
    HOSPITAL_DAY,
    LABEL,
    ON_WEEKDAY,
    SINCE_ADMISSION,
    SINCE_ONSET,
    ImageTexts,
    Moment,
    Timeline,
    admission_to_icu_only,
    case_timeline,
    counts_stay_days_only,
    dates_in,
    day_first_before,
    image_moments,
    text_moments,
    writes_day_first,
)
from schema import CT_VIEWS, MEASUREMENT_FIELDS, MODALITY_CT, MODALITY_XRAY, XRAY_VIEWS, YES_NO_FIELDS

#: Patient-level fields read from the history and findings (the patient's own story).
NARRATIVE_FIELDS: tuple[str, ...] = ("RT_PCR_positive", *YES_NO_FIELDS, *MEASUREMENT_FIELDS)

#: Sources that write slashed dates day first ("30/3").
_DAY_FIRST_SOURCES = frozenset({"sirm", "eurorad"})

#: Version of the timeline rules (``ingest.timeline``) behind each image's offset.
TIMELINE_VERSION = 176  # v2: "day N of admission", "hospital day N" are N days after the admission (was N - 1);
#                      v3: N - 1 days after it where the case's text makes the admission day 1;
#                      v4: Roman days of the stay, "of the same CT", the first exam counted from, dated studies;
#                      v5: an admission to intensive care is not the hospital's; "N weeks after discharge";
#                      v6: a SIRM figure's paragraph, a first study before a later day of the stay or illness,
#                          the onset gap of the discussion's sentences about the patient;
#                      v7: a first study before "Follow-up", "VIII giornata" read by its paragraph, "admitted on
#                          day N of illness" over a phase of the symptoms, "onset had been N days earlier";
#                      v8: a section title is no admission, a symptom after the admission no onset,
#                          "COVID-19 may" no date; an onset told in a paper's abstract only (TIMELINE_NOTE)
#                      v9: "the 3rd day of admission" is no "day of admission" too; a relative introduced with an
#                          age after "Patient N:" is that patient; SIRM figures under one paragraph are one exam
#                      v10: "transferred to our intensive care unit N days after the onset" when no admission is told
#                      v11: a travel/exposure date is no onset, a date closes the clause of the cue before
#                          it; "required oxygen for 6 days" is no symptom history; a bare "on day 6" of a case
#                          whose texts count the illness's days and never the stay's counts the illness;
#                          "on the day of discharge" is the day the history discharges; "at the 1-month
#                          follow-up" is a moment of its own (not placed)
#                      v12: a bare interval counts from the earlier exam its words name ("a distanza di 5 giorni
#                           dalla TC") or, for a control film, from the last exam of its kind ("RX di controllo a 10
#                           giorni"); "a 30 giorni dalla dimissione", the discharge told in the findings;
#                           the onset of a patient admitted elsewhere N days before the transfer
#                      v13: time words scanned around their anchors are never cut at a neighbour's window
#                           ("12 days after | admission", "30 January | 2020")
#                      v14: "the day after admission" is day 1 of the stay; a relative who brings the patient
#                           ("brought ... by her daughter with fever for 3 days") leaves the history the patient's;
#                           a first film "in the ICU" of a patient who presented and was admitted to the ICU is the
#                           presenting film
#                      v15: a film's time ending its file name ("-admission", "-3-days", "-2-weeks-pa") is its
#                           day label, as "-day3" is
#                      v16: the onset is the illness's first symptom however long before (no 14-day cap), not a
#                           chronic one (over 8 weeks) nor a slow course ("loss of weight", "progressive"); "a
#                           fortnight", "since yesterday" / "da ieri"; "for several days" gives no onset;
#                           "Admission AP chest radiograph"; "at discharge (day 14)" is that day of the stay
#                      v17: "the morning after her presentation" read as v14's "the day after admission"
#                      v18: "admission PA chest radiograph", a film "in the emergency department"; a Radiopaedia
#                           study of several stacks dated by its findings; a discharge told in the discussion's
#                           sentences about the patient ("She ... was discharged on day 10 of admission");
#                           a readmission ("readmitted 4 days later", "Three weeks after discharge he presented
#                           again") places "Readmission" labels, "at readmission", "N days after readmission";
#                           "discharged after 12 days" is 12 days after the admission; sub-captions "a: ...; b: ..."
#                      v19: histories in hours ("for 48 hours", "da 72 ore"); "a 24 ore dall'ingresso", "dopo 48
#                           ore dal ricovero"; "a una settimana dall'esordio"; a dated onset before a shorter
#                           span; "Day +3" after "Baseline"; "3/7 later", "1/52 later"; an onset told by a
#                           weekday ("since Sunday", "da domenica") leaves the offsets blank; an onset told
#                           after the return from a trip told as a time ago ("returned 10 days ago ... began
#                           2 days after her return": 8); "a 72 ore dalla TC" counts from the CT it names
#                      v20: "post-admission day N" is N days after the admission (was not placed); a case
#                           report's table row "Days from symptom onset to admission: 7" is the onset gap;
#                           "3 days after intubation", "after 10 days of treatment" count from the day the
#                           history gives the event; "at 2-week follow-up" is the film or visit the history
#                           tells as two weeks after a moment ("Two weeks after discharge")
#                      v21: an Italian onset told as a time ago ("Circa 6 giorni fa comparsa di febbre",
#                           "Febbre insorta 3 giorni fa"); a transfer on a day of the illness as the presentation
#                           ("Transferred on day 15 of illness") when the history tells no admission of its own
#                      v22: a trip or an exposure told as a time before the admission ("returned from a
#                           skiing trip 12 days before admission") is no onset (was the onset gap)
#                      v23: histories in the clinical shorthand ("SOB and fever 5/7", "a 1/52 history"), "2 days
#                           of lethargy"; "Due giorni dopo esegue TC" is two days after the exam before it (was
#                           not placed: "esegue" read as the moment it counts from); a Eurorad caption's "Origin:"
#                           line is no moment ("Hospital Universitario 12 de Octubre" was a date); a study label
#                           "Next day" / "Following day" is the day after the film before it; "the next days" no day
#                      v24: "of one week of evolution" histories; "N days after arrival (at the hospital)" counts
#                           from the admission, "after arrival in the ICU" is unplaced; "at admission to the ICU"
#                           gives way to other words dating the film (a Eurorad caption saying only it takes the
#                           findings citing its figure); "ITU admission" is the presentation of a history admitting
#                           straight to ITU with its onset ("Admitted to ITU ... after 12 days of symptoms"); a lone
#                           film under "Febbre da 2 giorni" (a span up to the present) is the presentation's; a
#                           study titled "Initial presentation" is the presentation's
#                      v25: dotted dates with their year ("started on 12.03.2020", "a) On 15.03.2020") are dates,
#                           day first; a caption's interval without its base ("Follow-up CT after 12 days") takes
#                           the base the text citing the figure gives the same interval ("12 days after admission")
#                      v26: "after intubation" / "post-intubation" (no interval) is the day the history gives
#                           the intubation; "the fourth hospital day", "the 4th hospital day"; an event's day
#                           from its own phrase or clause when its sentence tells several ("weaned ... on
#                           hospital day 9, and was discharged home on hospital day 11"; "intubated on the
#                           fourth hospital day; the chest radiograph after intubation ..."); "in the previous
#                           week" is an onset only with a symptom in its sentence; "The husband, aged 66, ..."
#                           opening the text is the patient (his history is his)
#                      v27: an Italian exam "eseguita in giornata" is the same day as the film before it (was
#                           not placed, and so the film before it no presenting film)
#                      v28: histories "fever ... from 5 days ago", "developed fever 8 days back", "da una decina di
#                           giorni" (about ten days); a study label signed in hours ("+48h") is "Day +2"
#                      v29: days of the stay named before their number ("Yatışının 4. gününde", "на 7-е сутки
#                           госпитализации", "入院第3天"), "5º dia de internação", "3. Tag des stationären
#                           Aufenthalts"; the admission in Russian, Turkish and Chinese ("при поступлении", "入院时")
#                      v30: "postoperative day N" / "POD N" counts from an onset told on that count ("On
#                           postoperative day 4, she developed a fever"), else blank (was the bare label "day N");
#                           "on the following Monday" after "admitted on a Friday"; "the 14th day of her
#                           illness"; a discharge taking a relative along ("discharged with her son") is the
#                           patient's
#                      v31: "presenting on day 7 of symptoms" is the onset 7 days before the admission; "the
#                           initial PA chest radiograph" (a projection between "initial" and its noun) is the
#                           presenting film; a case's first study titled "Admission" puts its later bare "Day N"
#                           titles on the stay's count, as a "Day 0" does; a Eurorad figure's sub-images whose own
#                           parts tell no moment ("(a) axial; (b) coronal") are one exam (a CT
#                           "24 hours later (Fig. 2a, b)"); "3 months post discharge" counts from the discharge
#                      v32: a relative telling the patient's history ("Her daughter reported that she had had
#                           a fever for three days") is the informant; panels a legend gives one moment ("(a)
#                           Axial and (b) coronal CT images obtained 9 days later") are one exam
#                      v33: "fever and cough starting 5 days earlier", "beginning 4 days earlier" (the participle
#                           of "started") tell the onset; "TC eseguita il giorno stesso", "nello stesso giorno" are
#                           the day of the film before, as "lo stesso giorno"; words that tell two exams on one
#                           day with their own base ("All'ingresso RX ... e TC il giorno stesso") place both films
#                           on that base's day
#                      v34: a case whose texts write a slashed date day first ("28/03/2020") and none month
#                           first reads its other slashed dates ("02/04/2020") day first; "N weeks after the
#                           initial radiograph" counts from the case's first film of that exam; a course's
#                           length ("after 12 days of mechanical ventilation") beside a film's "three weeks
#                           later" does not make the film's moment unclear; "Fever and cough x 5 days" histories;
#                           symptoms dated from different days ("Febbre dal 15 marzo, dal 19 marzo tosse") date the
#                           onset at the first
#                      v35: an exam's date in a clause without a moment's cue ("..., and CT on 22.03.2020 showed")
#                           is no admission date; ISO dates ("2020-02-12"); a bare "(day 6)" beside its date in
#                           the same words restates it; a table's onset and admission date columns; a film whose
#                           slashed date cannot be read (month or day first) is no presenting film; an interval
#                           the history dates ("three months after discharge, on 16 July") is that day
#                      v36: a span in hours before its symptoms ("48 hours of fever", "a 72-hour history")
#                           tells the onset; a span of under a week told with "progressive"/"gradual" words
#                           ("progressive dyspnoea over the past week") is the acute illness, not a slow course
#                      v37: the panels of one figure none of which tells a moment are one exam: a case whose
#                           only figure they are takes them as its presenting film ("Axial (A) and coronal (B)")
#                      v38: a film "at discharge" with a day right after those words ("taken at discharge, on the
#                           17th day of hospitalization") tells the discharge's day; a findings paragraph telling
#                           one exam and citing its figure only at its end ("HRCT done on day 2 of admission showed
#                           ... . CT severity score 15/25 (Fig. 2a-d).") dates the figure by that exam
#                      v39: an onset told by the weekend ("since the weekend", "dal fine settimana") is not
#                           placeable, as a weekday's; "for the last fortnight" histories; a first study told at
#                           the admission and titled by its date ("12/04/2020": "Admission radiograph") dates the
#                           admission, so the later dated studies count from it; a film "2 days after the
#                           caesarean section" counts from the delivery's day the history tells
#                      v40: "on D4" (a capital D run into the day after a preposition) is day 4 of the case's count,
#                           "Day 1 (D1) was the day of admission" makes the admission day 1
#                      v41: "PA and lateral chest radiographs in the emergency department" (plural films) are the
#                           presentation's; a SIRM figure run with no text between: a captionless figure whose file
#                           name names the exam of the captioned one before it, or a lateral film captioned as the
#                           frontal one before it but for the projection ("RX torace PA", "RX torace LL"), is that exam
#                      v42: a paper's "Initial chest CT" dated by the sentence citing it ("3 days after symptom
#                           onset"); the first positive test an event of the stay ("10 days after the first
#                           positive test", placed when the text tells the test's day); "ICU day N" a day of the
#                           intensive care stay, not the hospital's (blank: the ICU admission's day is not read)
#                      v43: a case's one film is the presentation's when its symptom span's sentence goes on to
#                           the present ("Three days of cough and fever, now short of breath")
#                      v44: a panel's own "the next day" / "the following day" / "the same day" (counted from the
#                           film before), a case report's "Imaging Findings" / "Hospital course" section part of the
#                           patient's history (its discharge dates "4 weeks after discharge")
#                      v45: the health the illness ended as its onset ("He was well until 10 days ago when he
#                           developed fever"); under two weeks of "progressive" dyspnea is the acute illness (only
#                           weight loss, night sweats or an insidious start make 8-13 days a slow course)
#                      v46: backfill: a note's word of the symptoms' own course ("fever and malaise, worsening",
#                           "antibiotics and subsequently ceftriaxone") in a sentence of the symptoms alone tells
#                           no later film
#                      v47: a bare Italian "in 3a giornata" / "in terza giornata" / "in III giornata" (and "giornata di
#                           degenza") is that day of the hospital stay, not a bare day label; a paper's sentence citing
#                           a figure "the same day" (no other moment) takes the sentence before's moment, across the
#                           paragraph break a figure makes in one section; "a week after the first visit" (or
#                           "consultation", "appointment") is unplaced, not after the film before
#                      v48: a series' own short form of its patients ("P1", "P2", defined in the text or a table of
#                           patients) names them; a table's onset and admission dates with named months ("22 Jan");
#                           "Age, y/sex" tables; "the mother" in a legend of a paper about a woman and "her son" is
#                           the patient (her films take her onset); numbered section titles ("2.2. Patient 2",
#                           "3. Discussion") part a series' text patient by patient
#                      v49: histories in the shorthand heading their symptoms ("2/7 fever, cough and SOB",
#                           "5/7 fevers") or of more days than a week ("SOB, fever 10/7"); "SOB" and "fevers" are
#                           symptoms; a case's slashed dates day first when month first one falls after the page's
#                           publication ("03/04/2020", "09/04/2020" published 21 Apr 2020); a study title naming its
#                           patient first ("Patient 1 - admission") dates by the rest; "7 giorni dopo il ricovero",
#                           "dopo l'esordio" count from the admission, the onset (was from the exam before); a
#                           study titled by a follow-up and its time alone ("Follow-up at 6 weeks", "Follow-up (3
#                           months)") is that long after the presentation when the texts tell no discharge
#                      v50: a film "on admission, at day 7 of symptoms" / "on admission (day 7 of symptoms)" is on
#                           that day of the illness (was blank: two moments); a history opening with its patient on a
#                           day of the illness ("Paziente maschio di 70 anni, in quinta giornata di febbre") presents
#                           them that day; a relative telling the history ("her daughter reported symptoms for 3
#                           days") is no other person the span is about
#                           "consultation", "appointment") is unplaced, not after the film before;
#                      v51: a date beside a film's "at readmission" ("on readmission (30 June 2020)") is the film's
#                           day (the readmission's, which the history may tell only as "she returned"), not unplaced
#                      v52: a paper's figure with no moment of its own takes the place its citing sentence gives it in
#                           the course ("The initial chest radiograph ... (Figure 1)": the presenting film; "A CT was
#                           obtained the following day ... (Figure 2)" after a sentence citing the figure before: the
#                           day after that film); a legend's shared "at discharge" reaches a panel whole (was
#                           "discharge": no moment)
#                      v53: a figure's parts dated only by the lead they share ("Unenhanced CT the following day. (a)
#                           Axial image and (b) coronal reconstruction") are one exam (part b was a day after part a)
#                      v54: a bare "a 48 ore" in a control film's sentence ("Controllo a 48 ore, sempre al letto") is
#                           that many days after the film before, as "a 10 giorni" is (was unread)
#                      v55: a first exam telling no moment before an exam dated after the day the history admits
#                           the patient ("Il 16 marzo accede in PS", "TC del 18 marzo") is the presentation's
#                           (was blank)
#                      v56: Italian "dimesso dopo 18 giorni di degenza" is the discharge N days after the admission;
#                           a film's "a 3 mesi dalla dimissione" / "a 2 settimane" in weeks or months is read as
#                           its days are (both were blank)
#                      v57: a study label of hours alone ("Initial", "24 hours", "Day 4") is the hours after the
#                           case's day 0, as "+24h" (was blank)
#                      v58: a test's date in a clause of its own ("a nasopharyngeal swab taken on 23 October") is no
#                           moment of the illness (was a second onset date, so no onset); "applied to our hospital
#                           on 14 March" is the admission; "had cough starting on 15 March" the onset; a follow-up
#                           visit the history dates in its clause ("At the 1-month follow-up ... on 4 June") is
#                           the day of a legend's follow-up of that length (each was blank or counted from the
#                           admission)
#                      v59: a return told as a day of the illness ("On day 9 of illness she returned ... and was
#                           admitted") dates the readmission; a bare day beside "on readmission" restates its day (both
#                           were blank); a result "came back positive", "returned home" readmit no one
#                      v60: a film "at the first visit" / "at initial presentation" of a history telling the return
#                           as a day of the illness is the first visit's day, the span before it ("a 4-day history ...
#                           On day 9 of illness she returned": 4, was blank), blank when no span is told (was the
#                           return's day); other histories read those words as before
#                      v61: a symptom that "started on" a date dates the onset ("His fever started on 11 March"),
#                           "applied to our department" the admission too; a relative as the object in an aside
#                           about the patient ("a woman, recipient of a kidney from her brother, came ... with fever
#                           for 3 days") leaves the span the patient's; a
#                           paper's "the next day" ("on next day") citing a figure counts from the figure before past
#                           sentences telling only a test's result ("His swab ... was positive")
#                      v62: an apposition of two noun phrases joined by "and" names the patient ("Case 2, a
#                           39-year-old man and a colleague of case 1, visited ... with a 2-day history"): the history
#                           is theirs (was another person's: no onset, the visit day 0)
#                      v63: hours written "h" after "dopo" / "after" ("Dopo 48 h ... angio-TC", "CT after 24 h") are
#                           the film's hours after the film before, as "dopo 48 ore" (was unread); the Italian
#                           notes' "da 1 sett." is a span of weeks (was unread: "Febbre e tosse da 1 sett., da 2 gg
#                           dispnea" dated the onset from the dyspnoea's 2 days)
#                      v64: the Italian day of the illness, "in XII giornata di malattia", "al 7° giorno di
#                           malattia", is that day since the onset (was unread: "malattia" was no base of a day of the
#                           illness)
#                      v65: a panel that is a reformat of its figure's CT ("(b–d) Axial CT images obtained 2 days
#                           later ... (e) Coronal reformatted image") and tells no moment of its own is that CT's
#                           exam (was blank), when the figure's CT panels tell one moment
#                      v66: a time "into the illness" ("Two weeks into the illness, ...", "ten days into her illness",
#                           "3 days into symptoms") is the presentation's day since the onset (was no span: blank); a
#                           hospital stay told only by its length ("Ricoverato in reparto COVID per 10 giorni",
#                           "hospitalised for 12 days", "after a 10-day hospital stay") dates the discharge that many
#                           days after the admission when no other words date it ("a 3 mesi dalla dimissione": blank)
#                      v67: "ICU day N" / "day N of ICU stay" of a patient the history admits straight to intensive
#                           care ("admitted directly to the intensive care unit") is hospital day N, N days after the
#                           admission (was blank, as v42 left every ICU day; "day N of ICU stay" was no moment); a
#                           panel sharing its legend's lead "CT chest on ICU day 14" takes "ICU day 14" along, not a
#                           bare "day 14"
#                      v68: a text making the onset its day 1 ("a fever on 2 August 2020 (Day 1 of illness)", "Day 1 =
#                           the day of symptom onset") counts its "Day N of illness" N - 1 days after the onset (was
#                           N), the films' days and an admission told as a day of the illness alike
#                      v69: a pair told a clause each ("The husband ... had fever since 6 days; the wife ... reported
#                           cough and fever started 3 days before"): the clause after a semicolon is its subject's,
#                           and the relation naming the text's own patient ("the husband" of "a 78-year-old man and
#                           his 74-year-old wife", "the wife" of her text) is no other person (was the admission: 0)
#                      v70: an onset told as a time after an exposure the history dates ("worked her last shift with
#                           the index patient on 3 March. Symptoms began 4 days after the last shift", "his last
#                           contact ... on 4 March. He became symptomatic 6 days after this exposure") is that date
#                           plus the time (was blank, or the date of another moment of its sentence: "her swab was
#                           positive on 8 March"); a test's result dated in the onset's sentence ("her swab was
#                           positive on 8 March", "the PCR came back positive on ...") dates the test, not the onset;
#                           a panel's own "on HD 9" / "POD 5" ("on admission (A) and on HD 9 (B)") is its moment, not
#                           the legend lead's "on admission"
#                      v71: the panels after a group heading ending in a colon ("Upper row, patient 1 on January 25,
#                           2020: A, ...; B, ... Lower row, patient 2 on January 28, 2020: C and D, ...") take its
#                           moment, not the panel's before it; a relative introduced by relation and number ("His
#                           wife (patient 2), 43 years old, developed cough ... on January 26, and their daughter
#                           (patient 3) ... from January 27") has their own onset, and that paragraph is no longer
#                           the index patient's history
#                      v72: the case's first film whose legend opens with an interval after the exam before ("Il
#                           giorno seguente, ... esegue RX torace", "The following day, ...") counts it from the
#                           presentation when the history places the presentation and tells no exam, later moment
#                           or event (was blank: no earlier image)
#                      v73: a SIRM figure whose caption names only another plane ("Ricostruzione coronale") under the
#                           paragraph an uncaptioned upload just above it takes as its caption, one kind of exam
#                           told, is that upload's exam (was a second exam: "Il giorno successivo" counted again
#                           from the upload, one day late); a time spent in hospital, "after 9 days in hospital",
#                           "dopo 10 giorni di degenza" / "di ospedalizzazione", is that many days after the
#                           admission (was "after 9 days" from the film before, or unplaced); the Italian notes'
#                           "gg" after "a" ("A 10 gg dal ricovero, RX torace di controllo", "RX di controllo a 7
#                           gg") is read as "a 10 giorni" is (was no moment: no word of a day to start the scan at)
#                      v74: a case telling no onset: its first exam telling no moment and no time, which the next
#                           exam counts from ("24 h after", "two weeks later"), is day 0 of the stay (was blank, and
#                           the next exam with it); backfill places a film whose note repeats its case's history by
#                           the legend after it, not by the history's later films
#                      v75: papers: letters trailing their panels' words ("CT on admission (A) and after treatment
#                           (B)"): the lead's moment is the first panel's; a later panel whose own words tell no
#                           moment takes none of it (was the lead's "on admission"); words naming only another
#                           plane or reconstruction ("and coronal reconstruction (B)") are the same scan's: shared
#                      v76: a history with no symptom span that names the illness with its time ago at the head
#                           of an item ("COVID-19 two months ago, managed at home. Since then persistent dry cough")
#                           dates the onset that long before the presentation (was: the presentation day 0)
#                      v77: a table of patients' days from the onset to a CT dates the first of the patient's two CTs
#                           when its legend names no moment and the other's is told only after it ("(a) Initial axial
#                           CT ... (b) Follow-up CT obtained 10 days later"): was none (which CT the table counts)
#                      v78: a study of several X-ray films whose findings tell them apart by ordinals ("The
#                           first is the PA radiograph ... The second image is an AP film two days later"): each
#                           film its own sentences; a later one telling its moment is no longer the label's
#                      v79: a legend's bare "on day 12" takes the count the case's history or findings tell that
#                           same day on ("In the 12th day of hospitalisation", "on the 12th day of illness (Fig. 3)"):
#                           was none
#                      v80: backfill: "increased opacification", "decreased lung volumes", "a discrete increase in the
#                           interstitium" read on one film tell no later film (the note's film is the presenting one)
#                      v81: "ICU day N" counts from the one day the history moves the patient to intensive care ("on
#                           March 30 she was transferred to the ICU"): was blank; a treatment "was started" is no
#                           onset, a newborn's admission "to the neonatal unit" not the mother's, and a clause opening
#                           on a test's date ("...; on 22 October the RT-PCR test was positive") not the onset's
#                      v82: a drug named right before "for N days" ("he received dexamethasone, remdesivir for 5 days")
#                           is how long it was given, no symptom history (was the admission's offset 5)
#                      v83: a reinfection's earlier episode: a film dated before the last episode's onset ("she
#                           developed again fever", more than 60 days after the first onset) counts from its own
#                           episode's onset (was blank, "not the same illness"); "presented on 16 April 2020 fever",
#                           "presented fever since 3 March" date the onset (was the admission's date, or none)
#                      v84: "on the tenth day of COVID-19", "day 8 of COVID-19" are days of the illness as "day N of
#                           illness" (were unread); not "day 50 of the COVID-19 pandemic", "of COVID-19 vaccination"
#                      v85: a history counting the illness's days is read by the same definition (`_day_moment`, was a
#                           list of its own): "presented on day 3 of COVID-19" makes a bare "day 6" the illness's
#                      v86: papers: a caption listing moments joined by "and" ("on admission and on the 10th day of
#                           admission") names several, a vague one counting (was the precise one for every panel
#                           sharing it); the unlettered panels of such a caption, as many as its moments, take them
#                           in reading order
#                      v87: a capital D-day heading a film's words ("(B) D7, after intubation: ...") is read as "on
#                           D7" is; a bare day label of a case whose texts count the stay's days ("day 3 of admission")
#                           and never the illness's counts the stay (was blank: the count not told)
#                      v88: a discharge on a bare day ("she could be discharged at day 22") of a history counting the
#                           illness's days and never the stay's is that day of the illness (was no day: "N weeks
#                           after discharge" blank)
#                      v89: a day told by a holiday ("the day after Thanksgiving", "the Tuesday after Easter") or a
#                           weekday alone after a known day ("on the Thursday") is a date; "well until <day>" an
#                           onset, "transferred to our hospital" an arrival, "fever, ... and loss of smell starting"
#                           a start
#                      v90: papers: a legend naming "the examinations listed in Table N" dates each panel opening on
#                           its rank ("First examination: ...") by that row of the table (rows "1st", "First" too)
#                      v91: a span told by the verb of lasting ("malaise lasting one week") is a symptom history (was
#                           unread: the offsets counted from the admission); a relative who brings the patient in
#                           Italian or Spanish ("accompagnato dai familiari", "por su esposa") is no other patient
#                      v92: "the same afternoon" / "morning" / "evening" ("lo stesso pomeriggio") is the film
#                           before's day, as "the same day" is (was no moment: the case's films left blank)
#                      v93: a hospital stay told by its length first ("24 days in hospital, of which 11 in ICU", "12
#                           days of hospitalisation") places the discharge (was no day: "after discharge" films blank)
#                      v94: an operation the history dates ("tracheostomy was done on D16") is an event: "POD 3" and
#                           "3 days after tracheostomy" count from it (were blank unless the onset was on its count)
#                      v95: a change someone noticed, dated ("Staff found him unusually sleepy ... on the Tuesday after
#                           Easter", "was found confused on 3 April"), is the onset when the history dates no other
#                           onset (was no onset: the case's offsets blank or counted from the admission)
#                      v96: a film counted from a treatment's second dose ("three days after the second dose") the
#                           history dates ("the same dose was repeated on February 7") (was no day)
#                      v97: a legend's day counted from a treatment ("on the 10th day of ECMO support") and "after 17
#                           days on ECMO" are moments whose day is not placed (were the presenting / previous film's)
#                      v98: a course told "presented progressive improvement" ("apresentou melhora") is no
#                           presentation: its date no second admission date (the admission was no day: its films blank)
#                      v99: a respiratory support's span ("needed CPAP ... for one week", "NIV for 3 days") is no
#                           symptom history; a Radiopaedia heading naming several films of one stack ("Image 1 (PA)
#                           and image 2 (lateral), at presentation: ...", then "Image 3: ...") gives each its own part
#                           and bracketed view; an event of the stay the history does not tell is read in the findings
#                           ("caesarean section ... on the fourth day of admission ... 3 days after delivery")
#                      v100: an onset told as the cause of a visit ("Il 24 marzo, per la comparsa di dispnea, si reca
#                           in PS", "because of the onset of dyspnoea") dates the visit, not a second onset (was blank)
#                           Spanish-English "She initiated with fever ... on June 2" is the onset; "on June 7 she
#                           presented dyspnea" a later symptom's day (was an admission date): the illness from the 1st
#                      v101: a film "in Emergency Department" / "in our emergency department" (the article left out,
#                           as "in Pronto Soccorso" translated) is the presentation's, as "in the emergency
#                           department"; an onset dated after an admission for another cause, the stay's course told
#                           turning to it ("Ricoverata in Ortopedia il 2 marzo per frattura ... regolare fino all'8
#                           marzo, quando compaiono febbre e tosse"), is the illness's (was a complication: films
#                           counted from the admission); the Italian verbs of an onset ("compaiono", "insorge") date it
#                      v102: an extracorporeal support's start told by the history ("veno-venous ECMO ... was
#                           started on the day of the arrival") is an event its days count from ("on the 10th day of
#                           ECMO support", "after 17 days on ECMO", "after the cannulation for ECMO": were blank);
#                           roman numerals after their films' words ("for ECMO (i) and on the 10th day ... (ii)") split
#                      v103: an onset dated without a year after the admission's yearless date in the calendar ("fever
#                           from 29 December ... came to ED on 3 January") is of the year before, the illness crossing
#                           the new year (was a complication of the stay: the films counted from the admission)
#                           a findings' sentence citing a figure's other sub-images only ("Chest X-ray performed at the
#                           admission ... (Fig. 1a). CT examination (Fig. 1b-d) ...") is not a sub-image's words (was
#                           the CT's: 1b-d at the admission); a legend lettered with dashes ("a – ...; b, c – ...") is
#                           split; a figure whose legend and findings tell no moment is dated by the history's one
#                           sentence naming an exam of its modality, when the case shows one such exam ("On the 3rd day
#                           of hospitalization ... so a CT scan was required": was blank)
#                           a film "in PS" named with its projection ("RX torace PA in PS", "RX torace in AP in Pronto
#                           Soccorso") or by the verb that did it there ("Esegue in PS radiografia del torace") is the
#                           presentation's, as "RX torace eseguito in PS" (was blank)
#                           a day told by an English ordinal word past the tenth ("died on the eleventh day of
#                           admission", "the twenty-first day of illness") is that day (was "day of admission": day 0)
#                      v104: "the ninth day on admission", "day 3 on admission" (Nigerian, Indian English) are days
#                           of the stay, not "on admission"; a date told with a day counted from the admission ("On 13
#                           March, the third day after admission") is no admission date; a contact as an act ("close
#                           contact with him on 1 March ... 5 days after this contact") is no other person, nor the one
#                           met ("with his brother on 1 March, and his symptoms started ..."); a legend's
#                           "on the 14th of April", "22nd April, 2020" are its panel's moment
#                      v105: a death the history dates ("died on the eleventh day of admission") is an event a film
#                           "post-mortem" or "4 hours after death" counts from (was unplaced / after the film before)
#                      v106: a text telling a hospital day's day of the illness ("On hospital day 4 (day 9 of
#                           illness)") counts every "hospital day N" of its case on the illness's (was N days after the
#                           admission); "he consulted on 20 March" (Spanish, French turn) is the presentation; BMC's
#                           "b Axial and c coronal CT images on 19 March" gives b and c the date (VIEW v25)
#                      v107: "at discharge (day 26)" counts the illness's days in a case whose texts count them and
#                           never the stay's (was the stay's day 26); English tens past twenty are numbers ("forty days
#                           after discharge"); a PDF's "PATIENT'S CONSENT:" is no section of the patient's history
#                      v108: an onset word coordinated in a visit's cause ("per la persistenza della febbre e
#                           comparsa di dispnea, viene inviata in PS") dates no onset; "on the next day of admission"
#                           (Indian English) is the day after it (was "the next day" and "day of admission": blank);
#                           the one figure whose legend names a follow-up exam ("Control CT") takes the history's one
#                           sentence naming that follow-up exam and its day (was blank beside another figure and
#                           sentence of the modality)
#                      v109: a history dating one hospital day ("On March 4, the sixth hospital day") with the
#                           admission dated makes the admission day 1 when the two say so (was N days after it); a
#                           length of stay ("discharged on March 20, after 21 days of hospitalization"), a date whose
#                           cue past its clause has a nearer date ("confirmed on March 4 ... and admitted on March 6")
#                           date no admission; an exposure after the date ("fever on March 1 after contact with his
#                           son") leaves it the onset's; "after a family gathering" names no relative
#                      v110: a legend's bare "day 5" whose exam a course told day by day on the stay's count tells on
#                           its own bare "On day 5, ... CTA of the chest" is that day of the stay (was blank); a
#                           paragraph opening on the index patient and going on to the relatives numbered by relation
#                           ("His wife (patient 2) ...", "The brother of patient 1 (patient 4) ...") is his only up to
#                           the first relative (was whole: four onsets, none dated) (SEX v33, AGE v25)
#                      v111: a film "at the emergency department" is the presentation's, as one "in" it; a
#                           reconstruction "of the same CT" in its own figure has that figure's day (was blank); an
#                           event the Radiopaedia discussion dates about the patient ("he was intubated ... on 14
#                           March, where the last radiograph was taken") is one a film "after intubation" counts from
#                      v112: a therapy's start told with the admission ("viene ricoverato ... e inizia terapia",
#                           "was admitted to the ward and treatment with ... was started") is the admission's day,
#                           which "Dopo 4 giorni di terapia" / "after 6 days of treatment" count from (the Italian
#                           "di terapia" was no event), as is "was started on antiviral therapy" told with a day;
#                           a film "following the clinical deterioration", "dopo il
#                           peggioramento clinico" is taken the day the history tells the worsening in the stay (was
#                           no moment)
#                      v113: a ten spelled apart from its unit ("forty five days after discharge") is one number
#                           (OFFSET v26; was its unit word alone: "five days")
#                      v114: a date the history gives a place's first case ("where the first case was confirmed on
#                           February 26, 2020") is the epidemic's, no onset or admission; a caesarean is an operation
#                           whose day an obstetric history may tell by the pregnancy's age ("At 33 weeks and 6 days"
#                           after an arrival "at 33 weeks and 4 days"): "postoperative day N" counts from it
#                      v115: a ward stay told by its length without "for" ("where he stayed 13 days", "remained
#                           hospitalized 9 days") discharges the patient that many days after the admission (was none)
#                      v116: the clinicians' day abbreviated with its base, "at D10 of symptoms", "(J7 of the
#                           symptoms)", is that day of the base (the presentation's day of the illness); the French "J"
#                           a day label as "D" ("at J10"), of the illness's count where the texts count the illness
#                      v117: a paper's legend "forty five days after discharge" is one count too (``papers._COUNTS``
#                           through ``ENGLISH_TENS``; was "five days after discharge", as v113 mended for the texts)
#                      v118: an onset and a presentation told by weekdays ("Unwell since Saturday ... Presented on
#                           Wednesday": 4); a film "done in the emergency department" / ", AP projection, done in ..."
#                           is the presentation's; "came to our department" an arrival; a legend "Stesso esame, ..." /
#                           "Same CT, ..." the film before's day; a history's "Next day, ... chest CT was performed"
#                           after the sentence of the presenting film of the figure before; a bare "day 5" after a
#                           film's "Day 3 of admission" goes on with the stay's count (were blank)
#                      v119: a return told "re-presented" / "re-attended" is the readmission; a study titled
#                           "Initial" of a patient sent home from a first visit with a film is that visit's (was the
#                           return's day); a figure telling no moment takes the history's one sentence naming its exam
#                           that no other figure of its modality is (each telling its own moment; was blank)
#                      v120: a table cell listing a patient's exams' days ("3, 8, 15") dates the patient's images of
#                           that kind in order; the onset "N days before his arrival", "at his arrival", "N days after
#                           her admission" (possessives); a relative telling of the illness ("which her family
#                           attributed to a cold") no other person; a whole-figure citation telling two serial exams,
#                           and a panel named a later exam ("(B) follow-up CT"), date no panel by the other's moment
#                      v121: "N days later she was admitted" after an onset sentence; "felt unwell/feverish" an onset;
#                           weekdays alone counted from the first; one onset verb's symptom days (the first);
#                           "fever from 4 days", "hospitalised for a fever since 8 days" histories (OFFSET v28);
#                           "the following morning" the next day; a history opening "Day 12 of illness" presents
#                      v122: an onset told by weekdays with the presentation's ("from Saturday ... Presented on
#                           Thursday") is that gap (was blank); a study "straight after" the one before is its day; "1
#                           week later" after a signed "+48 hours" is blank (from that study or the first?); a
#                           history's one exam in a long sentence of several moments takes its clause's moment
#                           (v118 too: "two days after the CT" counts from the case's one CT, was unplaced)
#                      v123: an onset "3 days before she was swabbed ... on 27 March" is that date less the time; a
#                           date far after its cue behind a nearer date is another event's; "day 3 of admission" and
#                           "hospital day [HD] 1" beside a date tell day 1; a discharge's date beside its hospital day;
#                           dates written year first "2020.02.26"
#                      v124: a paper's "the following day" citing a figure counts from the figure before past a
#                           sentence adding one more finding of its film ("The lungs were clear ...", "There was no
#                           pleural effusion")
#                      v125: "who initiated 7 days ago with fever" (the onset's time before its symptoms), "there
#                          is 5 days" for "5 days ago"; an onset told as a range or a part of a month is no admission
#                          base, nor is the arrival of a patient transferred from another hospital on an untold day
#                      v126: a symptom's span before a relative's own clause after a comma ("da 4 giorni febbre,
#                           astenia e tosse, il marito è ricoverato") is the patient's (was another person's: blank)
#                      v127: a legend's month with its year ("First episode (April 2020)") is no day of the month; a
#                           relative in an aside closing the history's clause ("for 10 days, in a context of contact
#                           with a family member") leaves the span the patient's; a legend's signed "day +12" is
#                           its film's day label, counted from the onset when the first film is signed with the
#                           admission's day of the illness ("at presentation (day +4)" after a 4-day history);
#                           "30 days after the beginning (start) of the symptoms" counts from the onset; a study "on
#                           the same day" after a signed label is that study's day
#                      v128: a symptom the patient "had" on a date ("had fever of 38 °C on 10 April") dates the
#                           onset; a film "on admission (April 15)" of a dated onset and undated admission takes its
#                           own date; a range in a history's compound ("a 3-4 day history") is no one day (was 4)
#                      v129: a test dated "after N days of" symptoms dates the onset; a range's last day ("From 12 to
#                           24 February he was hospitalised") is no admission; "ricoverato dal 19/03" is the stay's
#                           start, not a symptom's; the arrival's films of a patient transferred from another hospital
#                           on a date of its own are that date's; weekdays before a part of the day ("Presented
#                           Thursday evening"); "later that evening" is the day of the moment before
#                      v130: a dose's schedule ("tapered over 8 weeks") is no illness span; "after 10 days from the
#                           onset of symptoms" counts from the onset (was from the film before); "with fever and
#                           cough from three days before." is a 3-day history
#                      v131: a month's abbreviation before its day ("On Feb. 7, she developed a fever") ends no
#                           sentence; a sentence opening on another numbered patient ("Her son (Patient 2), ...
#                           had developed fever on 9 November") is that patient's, not the paragraph's patient's
#                      v132: an onset told with a half ("since 1,5 weeks", "a week and a half") or by the
#                           illness's week ("in the second week of her illness") is no admission base (was 0; "a
#                           week and a half" was 7); "fever that started the evening before admission" is 1; "day 6
#                           of a febrile syndrome" a day of the illness, "day 4 of the inpatient stay" of the stay;
#                           "the morning (day) after intubation" the day after the event's (was its day); an
#                           admission dated beside the discharge's date ("admitted on 26 March and discharged on 8
#                           April"); films "at ICU admission", "on the day of ICU admission", "N days after ICU
#                           admission / admission to the ICU / the transfer to the intensive care unit" placed on the
#                           unit's day the history tells (were blank, or counted from the hospital's admission);
#                           "on the day of intubation"; "dry cough of 4 days of duration" (the Spanish "de 4 días de
#                           duración"); "the day thereafter"; a study titled "Next morning" (without its article)
#                      v133: a shorthand span glued to the clinician's "x" ("SOB, fever x1/52", "cough x3/7") is the
#                           history's span (was none: the offsets counted from the presentation) (OFFSET v32); an
#                           interval from "the previous one" ("TC di controllo a distanza di 12 giorni dalla
#                           precedente", "12 days after the previous study") counts from the last earlier film of its
#                           exam (was blank: the base unsaid, or "the" no base word); a SIRM paragraph telling "l'esame
#                           radiografico" / "controllo radiografico" done ("Dopo una settimana ... si ripete l'esame
#                           radiografico al letto") describes the upload after it (was the reading paragraph before)
#                      v134: a symptom begun "in the same evening" / "la sera stessa" of a moment its sentence dates
#                           before ("On 12.03.2020 she returned from ... and in the same evening fever ... appeared")
#                           began on that date
#                      v135: a numbered patient's initials written beside the number anywhere ("his son (Case 3,
#                           L.H.)") name him in a legend ("(C) L.H., 16 March"); a table of patients' onset date
#                           column without an admission column ("Date of symptom onset | 12 Mar") dates the onset
#                      v136: "after 3 weeks from the onset of fever" (of the disease, of COVID-19 symptoms, since the
#                           first symptoms) counts from the onset; "after 10 days of the onset of symptoms" is no
#                           symptom span; a weekday before a date written with its weekday ("On Thursday evening ...
#                           on Saturday, 9 May 2020") is the nearest such day before it, an undated one an onset
#                           left blank; "admitted on the same day" is the sentence before's one date; a panel takes
#                           its figure's one history exam sentence ("On the following Tuesday ... a CT")
#                      v137: the stay named "internment" / "internation" ("At the 3rd day of internment": Portuguese
#                           and Spanish English) counts its days; "two days after the follow-up radiograph" counts from
#                           the last earlier film of the exam; an exam sentence telling no time after the day of the
#                           complaint before it; a figure "Coronal reformation of the CTPA" is the other figure's exam
#                      v138: a transfer told from the first hospital to the authors' unit ("trasferito dall'Ospedale
#                           di Desio presso la nostra Terapia", "transferred from a district hospital to our ICU")
#                           dates the arrival's films, as the other order did (was the first hospital's admission)
#                           ; a stay since a date told with its place between ("ricoverato a Lodi dal 19/03") is
#                           the admission (was the onset)
#                      v139: an intubation told by the place of the arrival ("intubated in the emergency
#                           department", "arrived to emergency ... and was intubated there") is the stay's day 0, and a
#                           patient intubated on day 0 is in intensive care from the arrival ("ICU day 3" the stay's 3)
#                      v140: a day counted from the delivery ("on the fourth postpartum day", "postpartum day 3",
#                           "day 4 after delivery", "the 3rd day after the caesarean section") is N days after the
#                           delivery the history tells ("postpartum day 3" was a bare label "day 3")
#                      v141: "4 weeks after his first discharge" (was "the first" film's interval, or no base)
#                           counts from the discharge the history tells before the patient's return (blank when it
#                           tells a discharge after the return)
#                      v142: the Spanish "son" ("son compatibles con") is no relative's sentence
#                      v143: "Twelve days later he was readmitted" after the sentence discharging the patient is the
#                           return N days after the discharge (was no readmission: films "on readmission" blank)
#                      v144: a return of the illness told after a span and no date ("Five months later, ... she
#                           consulted again ... since 3 days") counts its films from its own onset (was the first
#                           episode's count, "five months later" 154) when the infection is told again after it ("The
#                           RT-PCR was positive again", "reinfection"); one telling no onset, or a film before it,
#                           blank
#                      v145: a timeline of dated events flattened into prose ("2 February: fever and cough. 4
#                           February: ...", "Day 0 (2 March): ...") dates the onset by its first symptom's entry; a
#                           date fronting its clause ("On February 28, she developed ...") keeps its clause's cue
#                           an onset told as a time before the moment its sentence has just dated ("visited a clinic
#                           on February 17 for myalgia that had started two days earlier", "Swab-confirmed on 3 March,
#                           symptomatic since the day before") is that date less the time; a range's last day
#                           ("treated from 2 to 16 November 2020 (symptom onset 29 October 2020)") is no onset
#                      v146: a discharge whose own phrase tells a day of its own ("admitted on day 6 of symptoms,
#                           discharged on day 14") is not dated by the sentence's other clause (was day 6)
#                      v147: health care workers named by a letter ("Nurse A", "nurse B") are the paper's patients
#                      v148: a "since <date>" whose sentence tells no illness ("Since 24 January, all staff ... use
#                           N95 respirators") is no symptom onset
#                      v149: a sentence citing two figures in turn gives each its own clause ("a chest radiograph was
#                           made (Figure 2), followed on the same day by a CT ... (Figure 3)": Figure 3 was undated)
#                      v150: a paper's text citing a figure "On postpartum day 4" (the timeline's delivery days) is the
#                           film's moment (was a bare "day 4", or none)
#                      v151: a readmission the history dates ("readmitted on 02/04/2020", day first where the source
#                           writes so) is the day of the films "at readmission" (was no readmission: blank)
#                      v152: the films telling no moment of their own beside a film the timeline cannot place are
#                           blank with a reason (was no offset staged)
#                      v153: a film "at admission to the ICU" of a patient moved there later on an untold day is blank
#                           (was the hospital admission's day)
#                      v154: "re-admitted", "re-hospitalized" are the return's, not a second admission date
#                      v155: symptoms told "since then" after a moment N ago ("PCR positive a week ago, fevers and
#                           cough since then") run from that moment (was a later worsening's "over the last 48 hours")
#                      v156: a bare "day N" of a text making the onset day 1 ("Day 1 corresponds to the onset of
#                           fever") is N - 1 days after the onset, as a "day N of illness" is (was blank); a paper's
#                           definition of day 1 in the legend of a figure left out (a chart of the course) is read
#                      v157: the authors' active-voice definition ("We defined the day of admission as hospital day
#                           (HD) 1") makes the admission day 1 (was the default, hospital day N = N days after it)
#                      v158: a bare "day N" after an extracorporeal support's name ("CT, ECMO day 10") is N days
#                           after the support's start the history tells (was a bare label: blank)
#                      v159: onsets told in note form: a span in abbreviated units ("SOB x 6d", "cough x2wk", "fever
#                           for 5d"), "Symptom onset 9 days prior with fever", an onset "insorte circa una settimana
#                           prima e dispnea ..." (an approximation, the clause ending on the next symptom's "e")
#                      v160: the history's one sentence naming two exams in turn, the second's clause a time after the
#                           first ("RX torace e ... a TC del torace ... nella stessa giornata"), dates the second's
#                           film from the first's (was blank)
#                      v161: a film "performed after the sudden clinical worsening" (an adjective before it) is taken
#                           on the worsening "presented a sudden ..." / "with desaturation" tells (was presenting)
#                           "the day of the admission" (the article of the Romance languages kept) is the admission's
#                           day (was no moment: blank)
#                      v162: a paragraph going on with one numbered patient's story that introduces another by an
#                           apposition ("Case 3, a 79-year-old man ...") gives that patient the sentences from there on
#                           (were the first patient's: his onset and admission dated hers)
#                      v163: a film "at re-presentation", "on re-admission", "at the second presentation" is the
#                           readmission's (was the first admission's day, or no moment)
#                      v164: an onset "two days after returning from Wuhan on 20 January", "three days after a family
#                           dinner on 20 January" is the event's date plus the time (was the event's date); a date
#                           told before the time ("on 24 February, three days after ...") stays the onset's
#                      v165: a patient admitted without symptoms whose first ones the history tells on hospital day N
#                           ("On hospital day 3, fever and cough developed") is admitted N days before the onset
#                           (was the admission as day 0)
#                      v166: an onset told only as a time before a test of no day ("fever 4 days before a positive
#                           swab", "started two days before he was tested"): no base, the films blank (was the
#                           admission's count: a wrong value)
#                      v167: a film "on the day ECMO was started", "the day when he was intubated" (the event told by
#                           its clause, not its noun) is the event's day (was no moment; "the same day she was
#                           intubated" was the film before's)
#                      v168: a readmission spelt "re-admitted" in the history is read as "readmitted" is (its
#                           films were blank)
#                      v169: a legend's row headed by a sentence of its own ("Upper row: patient 1. (A) ...; (B) ...
#                           Lower row: patient 2. (D) ...") goes to that patient (was a figure of no patient: blank);
#                           "had low fever ... on January 27" dates the onset; a caesarean "was performed" is an
#                           operation, "the second postoperative day" its day 2; an "emergency cesarean section" is
#                           no arrival (it undated the admission); a figure's lateral film telling no moment is the
#                           exam of the PA/AP film right before it ("(a) Posteroanterior ... at presentation. (b)
#                           Lateral ...": was blank)
#                      v170: the illness's span or day told at a visit outside the hospital (GP, clinic, outpatient
#                           CT) and the admission "N days later"; "noticed" an onset; "fever of 5 days"; "before the
#                           access to the ED"; "48 h after intubation"; hours of no whole day, "the second week of
#                           March", "COVID-19 in mid-March": no day; the span at a dated moment in the pluperfect
#                           ("tested positive on 9 November, when she had already had a cough for four days")
#                           "consults" on a day of the illness; "the 15th day of evolution" the illness's day
#                      v171: of several symptoms told "since N days before admission", the onset is the longest
#                           span's (was the first told: "dyspnoea since 2 days ..., fever since 7 days ..." gave 2)
#                      v172: a SIRM upload captioned "Fig. N" takes no paragraph citing only other figures (the
#                           last paragraph's "il giorno seguente ... TC (Fig. 4)" was Fig. 2's CT's moment)
#                           and the French "J14" as an item of a legend's list (", J14:") is "at J14"
#                      v173: a film of the visit before the admission ("requested by the GP", "Outpatient CT", "at
#                           first presentation" of a patient sent home) is the visit's day; the admission "N days
#                           later" after a visit that sent the patient home is N days after the visit's span
#                      v174: a symptom span told at a dated visit before the admission ("consulted her nephrologist
#                           on 2 April for diarrhoea evolving since 48 hours") counts back from the visit's date
#                      v175: a legend's dotted date stamp without its year ("A, D – 03.04; B, E – 10.04") dates its
#                           panels when it cannot be a decimal (two stamps, "on 24.04", a clause alone; was blank)
#                      v176: a SIRM figure cited in a list ("(Fig. 2, 3)", "(Figg. 2, 3 e 4)") is cited: its upload
#                           keeps the paragraph telling its exam's moment (was dropped as citing others only)

#: Rule name of fields copied from the source text as they are (notes, credit).
COPY_RULE = "text.copy"


@dataclass(frozen=True)
class FieldResult:
    """One field of a case (``image_position`` None) or of one of its images, with evidence."""

    field: str
    image_position: int | None
    raw: str
    value: str | None
    evidence: str
    rule: str
    version: int
    reason: str


def csv_value(value: object) -> str | None:
    """The cell text of a normalized value: ints without ``.0``, numbers without float noise."""
    if value is None:
        return None
    if isinstance(value, float):
        return format_number(value)
    return str(value)


def _result(field: str, position: int | None, raw: str, normalized: Normalized) -> FieldResult:
    return FieldResult(field, position, raw, csv_value(normalized.value), normalized.evidence,
                       normalized.rule, normalized.version, normalized.reason)


def _join(*parts: str) -> str:
    return "\n".join(p.strip() for p in parts if p and p.strip())


def normalize_case(record: CaseRecord) -> list[FieldResult]:
    """Every schema field the record's text supports, patient-level then per image."""
    results: list[FieldResult] = []
    narrative = _join(record.history, record.findings)

    def case_field(field: str, raw: str, **context) -> None:
        if raw.strip():
            results.append(_result(field, None, raw, NORMALIZERS[field](raw, **context)))

    for field, labelled, label_name, other, other_name in (
        ("sex", record.sex_text, "the patient line", narrative, "the history"),
        ("age", record.age_text, "the patient line", narrative, "the history"),
        ("finding", record.diagnosis, "the final diagnosis", record.title, "the title"),
    ):
        result = checked_field(field, labelled, label_name, other, other_name, source=record.source)
        if field == "finding":
            result = _legend_finding(record) or result
        if field == "finding" and (result is None or (result.value is None and not result.reason)):
            result = _patient_finding(record) or result
        if result is not None:
            results.append(result)
    for field in NARRATIVE_FIELDS:
        case_field(field, narrative, source=record.source)
    case_field("license", record.license_text, source=record.source)
    case_field("doi", record.doi)
    case_field("url", record.url, source=record.source)
    case_field("location", record.institution, source=record.source)
    for field, text in (("clinical_notes", narrative), ("other_notes", record.credit)):
        if text.strip():
            results.append(FieldResult(field, None, text, text.strip(), text.strip(), COPY_RULE, 1, ""))

    timeline = record_timeline(record)
    images = sorted(record.images, key=lambda i: i.position)
    case_modality = _case_modality(record, images)
    for image in images:
        results.extend(normalize_image(record, image, timeline=timeline, case_modality=case_modality,
                                       single_image=len(images) == 1))
    return results


def _legend_finding(record: CaseRecord) -> FieldResult | None:
    """The disease named by the legend's sentence introducing a patient of several whom only that legend introduces
    (``extra["legend_sentence"]``: "Influenza A (H1N1) pneumonia in 45-year-old woman, ...", "A 45-year-old woman
    with influenza A (H1N1) pneumonia."): a pictorial essay's figure of a mimic is that patient's own, whatever the
    title names ("COVID-19 Pneumonia: A Pictorial Essay" made the Pneumocystis patient's COVID-19)."""
    sentence = str(record.extra.get("legend_sentence") or "")
    if not sentence:
        return None
    normalized = NORMALIZERS["finding"](sentence, source=record.source)
    if normalized.value is None or normalized.value == "No Finding":
        return None
    return _result("finding", None, sentence, normalized)


def _patient_finding(record: CaseRecord) -> FieldResult | None:
    """The finding of one patient of a page presenting several, from the patient's own history,
    when the page's title or diagnosis, about all of them ("COVID-19 pneumonia in a mother and her
    daughter"), gives none; likewise a paper's one case, whose title may name no finding of the
    patient's ("A normal-looking chest radiograph does not exclude COVID-19 pneumonia": a hedge)
    while its case description states it ("a swab was positive for SARS-CoV-2 by RT-PCR")."""
    several = int(record.extra.get("patients") or 1) >= 2
    if not (several or record.source == "publications") or not record.history.strip():
        return None
    normalized = NORMALIZERS["finding"](record.history, source=record.source)
    if normalized.value is None or normalized.value == "No Finding":
        # a normal film in the patient's story ("had a normal chest radiograph at admission. ... CT showed
        # ground-glass opacities") is that film's, not the patient's diagnosis: blank, not "No Finding"
        return None
    return _result("finding", None, record.history, normalized)


def _agree(field: str, a: object, b: object) -> bool:
    if field == "finding":  # a path and a path below it agree: "Pneumonia/Viral" and "Pneumonia/Viral/COVID-19"
        a, b = str(a), str(b)
        return a == b or a.startswith(b + "/") or b.startswith(a + "/") or "Pneumonia" in (a, b)
    if field == "age":
        return abs(float(a) - float(b)) <= 1  # a birthday between the two mentions
    return a == b


def checked_field(field: str, labelled: str, label_name: str, other: str, other_name: str,
                  **context) -> FieldResult | None:
    """A case field from its labelled text (a patient line, a final diagnosis), else from the other
    text (the history, the title). When both give a value and they disagree, the field stays blank
    with both, for the reviewer to decide: "the patient line says M, the history says F"."""
    primary = NORMALIZERS[field](labelled, **context) if labelled.strip() else None
    secondary = NORMALIZERS[field](other, **context) if other.strip() else None
    if primary is not None and primary.value is not None:
        if secondary is not None and secondary.value is not None and not _agree(field, primary.value, secondary.value):
            reason = (f"{label_name} says {csv_value(primary.value)} ({primary.evidence!r}), "
                      f"{other_name} says {csv_value(secondary.value)} ({secondary.evidence!r})")
            return FieldResult(field, None, labelled, None, primary.evidence + " … " + secondary.evidence,
                               primary.rule, primary.version, reason)
        return _result(field, None, labelled, primary)
    if primary is not None and primary.reason:  # the labelled text is ambiguous itself
        return _result(field, None, labelled, primary)
    return _result(field, None, other, secondary) if secondary is not None else None


def _study_titles(record: CaseRecord) -> dict[str, str]:
    """Radiopaedia: study id -> the study's title ("Day 7", "2 weeks later"), the label of its images."""
    studies = record.extra.get("studies") or []
    return {str(s.get("study_id")): str(s.get("title") or "")
            for s in studies if isinstance(s, dict) and s.get("study_id")}


def _file_name(image: ImageRecord) -> str:
    """The file name of an image's URL ("caso161-TC-assiale-1.jpeg"), without its query."""
    return image.source_url.split("?", 1)[0].rstrip("/").rsplit("/", 1)[-1]


# The words a caption names a film's projection with, besides the projection itself ("proiezione PA",
# "lateral view"): a PA and a lateral film captioned alike but for them are the two films of one exam.
_PROJECTION_WORDS = frozenset({"in", "proiezione", "proiezioni", "projection", "projections", "view", "views"})


def _without_projection(caption: str, view: Normalized) -> str:
    words = caption[:view.start] + " " + caption[view.end:] if view.start >= 0 else caption
    return " ".join(w for w in re.findall(r"\w+", words.casefold()) if w not in _PROJECTION_WORDS)


def _run_continues(record: CaseRecord, image: ImageRecord) -> ImageRecord | None:
    """The figure before ``image`` whose exam it continues, when the post shows them as one run with
    no text between (``follows_image``, SIRM): a figure without a caption whose file name names the
    exam the figure before names ("TC torace eseguita il giorno successivo", then "caso-TC-2.jpg":
    another slice), a figure whose caption names only another plane of the exam an upload without a
    caption above it takes from the paragraph ("Ricostruzione coronale"), or a lateral film captioned
    as the frontal film before it but for the projection ("RX torace PA", then "RX torace LL": the two
    films of one radiograph); else None."""
    k = record.images.index(image)
    if not image.extra.get("follows_image") or k == 0 or image.extra.get("caption_from"):
        return None
    before = record.images[k - 1]
    if before.extra.get("caption_from"):
        return before if _another_plane_of_the_paragraphs_exam(record, image, before) else None
    if not before.caption.strip():
        return None
    if not image.caption.strip():
        kind = NORMALIZERS["modality"](before.caption).value
        return before if kind is not None and NORMALIZERS["modality"](_file_name(image)).value == kind else None
    view, before_view = (NORMALIZERS["view"](c, source=record.source) for c in (image.caption, before.caption))
    if view.value != "L" or before_view.value not in (PA, AP, AP_SUPINE):
        return None
    same = _without_projection(image.caption, view) == _without_projection(before.caption, before_view)
    return before if same and _without_projection(image.caption, view) else None


def _another_plane_of_the_paragraphs_exam(record: CaseRecord, image: ImageRecord, before: ImageRecord) -> bool:
    """True when ``image``'s caption names a plane or projection and no moment, under the paragraph that
    ``before``, an upload without a caption just above it, takes as its caption: the paragraph's exam
    shown twice ("Il giorno successivo ... angio-TC del torace: ...", an axial upload, then a figure
    "Ricostruzione coronale"), so the paragraph's "il giorno successivo" is no day after the upload. A
    paragraph telling exams of two kinds ("RX torace all'ingresso e TC dopo 2 giorni") may be two exams."""
    if not image.caption.strip() or image.extra.get("paragraph") != before.caption:
        return False
    if len({kind for kind, _, _ in modalities_in_order(before.caption)}) != 1:
        return False
    view = NORMALIZERS["view"](image.caption, source=record.source)
    return view.value is not None and not text_moments(image.caption, "caption")


#: A panel's own words opening with the exam's place after another ("follow-up CT", "the second CT", "repeat
#: radiograph", "control X-ray").
_LATER_EXAM = re.compile(r"(?:the\s+|a\s+)?(?:follow-?up|repeat(?:ed)?|subsequent|control|second|third|fourth|last)"
                         r"\s+(?:(?:chest|axial|thin-section|non-?contrast)\s+){0,2}"
                         r"(?:CT|HRCT|scan|radiograph|X-?ray|CXR|film)s?\b", re.I)


def image_texts(record: CaseRecord, image: ImageRecord) -> ImageTexts:
    """The words that belong to one image: its own words (``own_words``), its own date text or its
    study's title, the file name of its URL."""
    titles = _study_titles(record)
    # a study title naming its patient first ("Patient 1 - admission") dates the film by the rest
    label = _moment_text(record, image) or without_patient_marker(
        titles.get(str(image.extra.get("study_id", "")), ""))
    filename = _file_name(image)
    words = own_words(record, image)
    lead, part = _sub_image_parts(record, image, words)
    sub = f"{lead} {part}".strip()
    own = sub or _study_findings(record, image)
    # a sub-image with its own part of the caption is its own exam ("(a) on admission; (b) 5 days later"),
    # unless its part tells no moment ("(a) axial image; (b) coronal reformation"): the words its figure
    # shares ("CT performed 24 hours later (Fig. 2a, b)") date it with the other sub-images, one exam;
    # so are a paper's panels the legend tells one moment for ("(a) Axial and (b) coronal CT images
    # obtained 9 days later")
    # (also when only the lead the parts share tells it: "Unenhanced CT the following day. (a) Axial image
    # and (b) coronal reconstruction": (b) is no day after (a))
    figure_exam = own == words or not words or (sub != "" and not text_moments(sub, "caption")) or (
        lead != "" and not text_moments(part, "caption"))
    group = _panels_of_one_moment(record, image) or (_exam(image, words) if figure_exam else "")
    if group and _LATER_EXAM.match((part or sub).strip()):
        # a panel its own words name a later exam ("(B) follow-up CT shows ...", "(C) the third CT shows ...") is no
        # film of its figure's first exam, whatever the text citing the whole figure tells
        group = ""
    part, place = _study_film_part(record, image)
    if place > 1 and text_moments(part, "caption"):
        # a later film of a study of several, its own sentences telling its moment ("The second image is an AP
        # sitting film done on the ward two days later"): its own exam, not dated by the study's label (the
        # study's first film's)
        label, group = "", ""
    texts = ImageTexts(image.position, caption=own, date_text=label, filename=filename, group=group,
                       study_title=bool(label) and not image.date_text)
    paragraph = str(image.extra.get("paragraph") or "")
    if paragraph and _paragraph_tells_moment(image_moments(texts), paragraph):
        texts = replace(texts, caption=_join(own, paragraph))
    continued = _run_continues(record, image)
    if continued is not None:
        before = image_texts(record, continued)
        if before.group:
            # one exam shown as a run of figures: its moment is the first figure's
            texts = replace(texts, group=before.group, caption=texts.caption or before.caption)
    cited = _findings_citing(record, image, texts.caption)
    moments = image_moments(texts) if cited else []
    if cited and (not moments or admission_to_icu_only(moments)):
        # a caption that tells no moment ("Chest X-ray, posteroanterior projection") under findings
        # telling the exam's: "The initial chest X-ray (Fig. 1) was unremarkable. ... a CT scan was
        # performed three days later (Fig. 2a, b)"; or one telling only an admission to the ICU, which the
        # findings may date ("at admission to the ICU, two days after arrival at the hospital (Fig. 1)")
        texts = replace(texts, caption=_join(texts.caption, cited))
    # (a paper's panel: only one of its figure's one exam, not a panel naming a later exam, "(B) follow-up CT"; and
    # only when the figure's whole legend tells no moment: "(a) ... on admission ... (b) Left lateral radiograph
    # obtained at the same time" is no exam the history tells apart)
    if (_figure_number(image) is not None or (
            _figure_of_panel(image) is not None and texts.group
            and not text_moments(str(image.extra.get("figure_caption") or ""), "caption"))) \
            and not image_moments(texts):
        told = (_history_exam_sentence(record, image, texts.caption) or _history_follow_up_sentence(record, image)
                or _history_next_exam_sentence(record, image, texts.caption)
                or _history_exam_sentence_left(record, image, texts.caption)
                or _clause_citing(record, image, texts.caption)
                or _second_exam_of_the_sentence(record, image, texts.caption))
        if told:
            texts = replace(texts, caption=_join(texts.caption, told))
    elif _figure_of_panel(image) is None and not image_moments(texts):
        # (a post's uploads numbered by their place only: a SIRM post's)
        told = _second_exam_of_the_sentence(record, image, texts.caption)
        if told:
            texts = replace(texts, caption=_join(texts.caption, told))
    base = _base_of_bare_day(record, texts) or _bare_day_of_the_course(record, texts, caption_words(image))
    if base:
        texts = replace(texts, caption=_join(texts.caption, base))
    return texts


@dataclass(frozen=True)
class _HistorySentence:
    """One sentence of a case's history and the exams it names, read once for all the history fallbacks
    (``_history_exam_sentence`` and its siblings)."""

    start: int
    end: int
    #: its words, stripped
    text: str
    #: the runs of one modality's words in ``text`` (``modalities_in_order``)
    runs: tuple[tuple[str, int, int], ...]
    #: the modalities its span names, read on the span's own words (``text`` may have lost spaces at its ends)
    named: frozenset[str]

    @property
    def kinds(self) -> frozenset[str]:
        """The modalities ``text`` names."""
        return frozenset(m[0] for m in self.runs)


# one case's images ask for the same history: as many entries as a few cases' histories
@lru_cache(maxsize=256)
def _history_sentences(history: str) -> tuple[_HistorySentence, ...]:
    """The sentences of a case's history (``sentence_spans``) with the exams each names."""
    sentences = []
    for a, b in sentence_spans(history):
        words = history[a:b]
        text = words.strip()
        runs = modalities_in_order(text)
        named = frozenset(m[0] for m in (runs if text == words else modalities_in_order(words)))
        sentences.append(_HistorySentence(a, b, text, runs, named))
    return tuple(sentences)


@lru_cache(maxsize=1024)
def _modality_of(words: str) -> str | None:
    """The modality an image's words name (``NORMALIZERS["modality"]``), read once per legend."""
    return NORMALIZERS["modality"](words).value


def _history_exam_sentence(record: CaseRecord, image: ImageRecord, caption: str) -> str:
    """The history's one sentence naming an exam of the figure's modality, when it tells that exam's moment and
    the case shows one exam of that modality (this figure's): "On the 3rd day of hospitalization ... a CT scan was
    required" for a legend and findings telling none ("Native CT of the chest, axial image (a) ..."); "" else."""
    modality = _modality_of(caption)
    figure = _figure_of_panel(image)
    if modality is None or not record.history.strip():
        return ""
    others = [i for i in record.images if _figure_of_panel(i) != figure and _modality_of(caption_words(i)) == modality]
    if others and _reformats_of_one_exam(record, modality):
        others = []  # "Figure 3. Coronal reformation of the CTPA": Figure 2's exam
    named = [s for s in _history_sentences(record.history) if modality in s.named]
    if others or len(named) != 1 or len(named[0].runs) != 1:
        return ""
    naming = [named[0].text]
    moments = text_moments(naming[0], "caption")
    if len(moments) > 1:
        # a long sentence chaining the course: the moment its exam's clause follows (``_exam_clause``)
        moments, naming = [], [_exam_clause(naming[0], modality)]
        moments = text_moments(naming[0], "caption") if naming[0] else []
    elif not moments:
        # "On the fifth hospital day he complained of ... A CT pulmonary angiography was requested."
        naming = [_exam_dated_by_sentence_before(record.history, named[0])]
        moments = text_moments(naming[0], "caption") if naming[0] else []
    # a moment on the case's own axis ("On the 3rd day of hospitalization", "5 days after admission", a date), not
    # one counted from another exam or event ("the same day", "two days later")
    return naming[0] if len(moments) == 1 and moments[0].kind in _AXIS_KINDS else ""


#: A legend naming its image a reformation of the exam another figure shows: "Coronal reformation of the CTPA",
#: "Sagittal reconstruction of the same CT", "MPR of the chest CT".
_REFORMAT_OF_THE_EXAM = re.compile(
    r"\b(?:reformat\w*|re-?format\w*|reconstruct\w*|MPR)\s+(?:image\s+)?of\s+the\s+(?:same\s+)?"
    r"(?:(?:chest\s+)?(?:CTPA|HRCT|CT(?:\s+(?:pulmonary\s+)?angiograph\w*|\s+scan)?)|scan|exam(?:ination)?|study)\b",
    re.IGNORECASE)


def _reformats_of_one_exam(record: CaseRecord, modality: str) -> bool:
    """Whether the case's figures of ``modality`` are one exam: every figure but one names its images reformations of
    the exam ("Figure 3. Coronal reformation of the CTPA ...") and tells no moment of its own; that one figure's
    acquired images and those reformations are the one exam the history's sentence may tell
    (``_history_exam_sentence``)."""
    reformats: dict[int | None, bool] = {}
    for image in record.images:
        words = caption_words(image)
        if _modality_of(words) != modality:
            continue
        figure = _figure_of_panel(image)
        reformat = bool(_REFORMAT_OF_THE_EXAM.search(words)) and not text_moments(words, "caption")
        reformats[figure] = reformats.get(figure, True) and reformat
    return None not in reformats and len(reformats) > 1 and sum(not r for r in reformats.values()) == 1


def _exam_dated_by_sentence_before(history: str, sentence: _HistorySentence) -> str:
    """The passage of a history from the last sentence telling a moment to its exam sentence telling none: "On the
    fifth hospital day he complained of pleuritic right-sided chest pain and became tachycardic; D-dimer had risen from
    1.1 to 6.8 mg/L. A CT pulmonary angiography was requested.": the course told day by day, the exam made the day of
    the complaint told before it, when the passage is in one paragraph, its first sentence tells one moment on the
    case's axis, and none of its sentences names an exam (of the dataset's or another) before the exam's, nor tells a
    sequence ("then", "later", "after": another day); "" else."""
    sentences = _history_sentences(history)
    k = sentences.index(sentence)
    for prior in reversed(sentences[:k]):
        if ("\n" in history[prior.end:sentence.start] or prior.named or _OTHER_EXAM_WORDS.search(prior.text)
                or _SEQUENCE_WORDS.search(history, prior.end, sentence.end)):
            return ""
        moments = text_moments(prior.text, "caption")
        if moments:
            return history[prior.start:sentence.end].strip() if len(moments) == 1 and moments[0].kind in _AXIS_KINDS \
                else ""
    return ""


def _history_next_exam_sentence(record: CaseRecord, image: ImageRecord, caption: str) -> str:
    """The history's one sentence naming an exam of the figure's modality when it tells that exam as a time after
    the sentence before it ("Next day, because of worsening of dyspnoea, chest CT was performed"), and that sentence
    tells the presentation's film of the figure before this one and no other moment ("Chest X-ray was done in the
    emergency department and the patient was hospitalised"): the time counts from that film, whose day the case
    places; "" else (a sentence before telling another time, naming no film or another exam than the figure
    before's, leaves the time without its base)."""
    modality = _modality_of(caption)
    figure = _figure_number(image)
    if modality is None or figure is None or not record.history.strip():
        return ""
    before = [i for i in record.images if (_figure_number(i) or 0) < figure]
    if not before or any(_figure_number(i) != figure and _modality_of(caption_words(i)) == modality
                         for i in record.images):
        return ""
    previous = _modality_of(caption_words(before[-1]))
    sentences = _history_sentences(record.history)
    naming = [k for k, s in enumerate(sentences) if modality in s.named]
    if len(naming) != 1 or naming[0] == 0 or previous is None:
        return ""
    sentence, prior = sentences[naming[0]], sentences[naming[0] - 1]
    moments = text_moments(sentence.text, "caption")
    if len(sentence.runs) != 1 or len(moments) != 1 or moments[0].kind != AFTER_PREVIOUS:
        return ""
    prior_moments = text_moments(prior.text, "caption")
    if (prior.kinds != {previous}
            or not (prior_moments and all(m.kind == SINCE_ADMISSION and m.days == 0 for m in prior_moments))):
        return ""
    return sentence.text


def _second_exam_of_the_sentence(record: CaseRecord, image: ImageRecord, caption: str) -> str:
    """The clause of the history's one sentence naming the figure's exam when that sentence names two exams in
    turn, the figure before's first, and the figure's own clause tells it a time after the first ("viene sottoposto a
    RX torace e, per la discrepanza ..., a TC del torace senza mezzo di contrasto nella stessa giornata", "a chest
    radiograph was obtained in the emergency department and a CT the following day"): the time counts from the
    film before, whose day the case places. "" else: another figure of the modality, a third exam or a moment
    between the two exams (the time's base untold), a clause telling no time after the first or more than one."""
    modality = _modality_of(caption)
    if modality is None or not record.history.strip():
        return ""
    numbered = {i.position: _figure_number(i) for i in record.images}
    if None in numbered.values():  # uploads numbered by their place only, each its own figure
        numbered = {i.position: i.position + 1 for i in record.images}
    figure = numbered[image.position]
    before = [i for i in record.images if numbered[i.position] < figure]
    if not before or any(numbered[i.position] != figure and _modality_of(caption_words(i)) == modality
                         for i in record.images):
        return ""
    previous = _modality_of(caption_words(before[-1]))
    naming = [s for s in _history_sentences(record.history) if modality in s.named]
    if previous is None or previous == modality or len(naming) != 1:
        return ""
    sentence = naming[0]
    if [run[0] for run in sentence.runs] != [previous, modality]:
        return ""
    (_, _, first_end), (_, start, end) = sentence.runs
    text = sentence.text
    clause_end = min((i for i in (text.find(",", end), text.find(";", end), text.find(".", end)) if i >= 0),
                     default=len(text))
    moments = text_moments(text[start:clause_end], "caption")
    if len(moments) != 1 or moments[0].kind != AFTER_PREVIOUS or text_moments(text[first_end:start], "caption"):
        return ""
    return text[start:clause_end]


#: Words of a sequence between a moment and an exam: the exam came later than the moment ("On admission she was
#: febrile; after two days of oxygen, a CT ...", "then a CT was performed"), its day not told.
_SEQUENCE_WORDS = re.compile(
    r"\b(?:later|after|afterwards|then|subsequently|following|next|until|dopo|poi|successivamente|quindi)\b",
    re.IGNORECASE)


#: An exam the dataset holds no film of, between a moment and a film's exam ("on admission, a lung ultrasound ...
#: and a CT"): the moment may be that exam's.
_OTHER_EXAM_WORDS = re.compile(
    r"\b(?:ultrasound|ultrasonograph\w*|echocardiograph\w*|ecografi\w*|MRI|PET|scintigraph\w*|bronchoscop\w*)\b",
    re.IGNORECASE)


def _exam_clause(sentence: str, modality: str) -> str:
    """The words of a long history sentence chaining the course from the last moment told before its one exam of
    ``modality`` to that exam's name ("on the fourth day of admission she presented sudden worsening of the
    dyspnoea ..., and a CT pulmonary angiography", in a sentence that goes on "after which she was transferred to the
    Intensive Care Unit ..., being discharged home after 27 days of hospitalization"): the exam's moment is that one,
    when the moment is in the exam's part of the sentence between semicolons, the words between them tell no
    sequence (``_SEQUENCE_WORDS``) and name no other exam, and the exam's own clause (to the next comma) tells no
    moment; "" else."""
    runs = modalities_in_order(sentence)
    if len(runs) != 1 or runs[0][0] != modality:
        return ""
    _, start, end = runs[0]
    clause_end = min((i for i in (sentence.find(",", end), sentence.find(";", end)) if i >= 0), default=len(sentence))
    if text_moments(sentence[end:clause_end], "caption"):
        return ""
    lo = sentence.rfind(";", 0, start) + 1
    before = sentence[lo:start]
    found = [(before.rfind(m.evidence), m) for m in text_moments(before, "caption")]
    if not found or any(at < 0 for at, _ in found):
        return ""
    at, last = max(found, key=lambda pair: pair[0])
    between = before[at + len(last.evidence):]
    if _SEQUENCE_WORDS.search(between) or modalities_in_order(between) or _OTHER_EXAM_WORDS.search(between):
        return ""
    return before[at:] + sentence[start:end]


#: A follow-up exam named as such: "control CT", "follow-up chest CT", "repeat HRCT", "TC di controllo".
_FOLLOW_UP_EXAM = re.compile(
    r"\b(?:control|follow[- ]?up|repeat(?:ed)?)\s+(?:(?:chest|thoracic|thorax|high-resolution|HR|low-dose)\s+){0,2}"
    r"(?:CT|HRCT|CTPA|computed\s+tomography|x-?ray|radiograph|CXR|chest\s+film)\b"
    r"|\b(?:TC|HRCT|RX|radiografia)\s+(?:del\s+torace\s+)?di\s+controllo\b", re.IGNORECASE)


def _history_follow_up_sentence(record: CaseRecord, image: ImageRecord) -> str:
    """The history's one sentence naming a follow-up exam of the figure's modality ("On the 9th day of
    hospitalization, ... control CT was performed") for the case's one figure whose legend names a follow-up exam of
    that modality ("Control CT, axial (a) and coronal (b) images"), when the sentence tells that exam's moment on the
    case's axis; "" else (a case of two figures of the modality and two history sentences naming it, which
    ``_history_exam_sentence`` leaves, tells which is which by the follow-up's own words)."""
    words = caption_words(image)
    modality = _modality_of(words)
    figure = _figure_number(image)
    if modality is None or figure is None or not _FOLLOW_UP_EXAM.search(words) or not record.history.strip():
        return ""
    follow_ups = {_figure_number(i) for i in record.images
                  if _FOLLOW_UP_EXAM.search(caption_words(i)) and _modality_of(caption_words(i)) == modality}
    naming = [s.text for s in _history_sentences(record.history)
              if _FOLLOW_UP_EXAM.search(record.history, s.start, s.end) and s.named == {modality}]
    if follow_ups != {figure} or len(naming) != 1:
        return ""
    moments = text_moments(naming[0], "caption")
    return naming[0] if len(moments) == 1 and moments[0].kind in _AXIS_KINDS else ""


def _history_exam_sentence_left(record: CaseRecord, image: ImageRecord, caption: str) -> str:
    """The history's one sentence naming an exam of the figure's modality and telling its moment on the case's axis
    that no other figure of that modality is, when every other such figure's legend tells its own moment: "a chest CT
    was performed 48 hours after admission" for "Chest CT, axial plane" (Figure 2), the history's other CT sentence
    ("One month after discharge ... a new chest CT was requested") being Figure 3's "Follow-up: axial CT image one
    month after discharge"; "" else (another figure of the modality telling no moment: which is which is not told;
    two sentences left, or none)."""
    modality = _modality_of(caption)
    figure = _figure_number(image)
    if modality is None or figure is None or not record.history.strip():
        return ""
    others: set[tuple[str, int]] = set()
    for other in record.images:
        words = caption_words(other)
        if _figure_number(other) in (figure, None) or _modality_of(words) != modality:
            continue
        own = {(m.kind, m.days) for m in text_moments(words, "caption")}
        if not own:
            return ""
        others |= own
    if not others:
        return ""  # (the case's one figure of the modality: ``_history_exam_sentence``)
    left = []
    for sentence in _history_sentences(record.history):
        if modality not in sentence.kinds:
            continue
        moments = {(m.kind, m.days) for m in text_moments(sentence.text, "caption")}
        if not moments & others:
            left.append((sentence, moments))
    if len(left) != 1 or len(left[0][0].runs) != 1 or len(left[0][1]) != 1:
        return ""
    return left[0][0].text if next(iter(left[0][1]))[0] in _AXIS_KINDS else ""


#: A citation of one figure in brackets: "(Figure 3)", "(Fig. 2a, 2b)", "(Figs. 3a-c)".
_ONE_FIGURE_CITATION = re.compile(r"\(\s*Fig(?:ure)?s?\.?\s*(\d{1,2})[a-j]?(?:\s*(?:[-–,]|and)\s*(?:\1)?[a-j])*\s*\)",
                                  re.IGNORECASE)


def _clause_citing(record: CaseRecord, image: ImageRecord, caption: str) -> str:
    """The clause of a history (else findings) sentence citing several figures in turn that closes on this figure's
    one citation: from the citation before it (else the sentence's start) to its own, "followed on the same day by
    a CT of the chest without contrast (Figure 3)" in "At presentation a chest radiograph was made (Figure 2),
    followed on the same day by a CT of the chest without contrast (Figure 3)". Taken when the clause names one exam,
    of the legend's modality, and no exam the dataset holds no film of, and tells one moment: on the case's axis, or
    counted from the film before ("the same day", "two days later") when the citation before it is of the figure
    just before this one (the film the timeline counts such a time from); "" else."""
    modality = _modality_of(caption)
    figure = _figure_number(image)
    if modality is None or figure is None:
        return ""
    before = [_figure_number(i) for i in record.images if i.position < image.position and _figure_number(i) != figure]
    for text in (record.history, record.findings):
        for sentence, cited in _sentences_citing(text):
            marks = list(_ONE_FIGURE_CITATION.finditer(sentence))
            own = [k for k, m in enumerate(marks) if int(m.group(1)) == figure]
            if len(cited) < 2 or len(own) != 1 or len(marks) != len(_FIGURE_CITATION.findall(sentence)):
                continue
            k = own[0]
            clause = sentence[marks[k - 1].end() if k else 0:marks[k].end()].strip(" ,;")
            letter = _sub_image_letter(image)
            if letter and letter not in _cited_letters(clause, figure, letter):
                return ""
            runs = modalities_in_order(clause)
            moments = text_moments(clause, "caption")
            if (len(runs) != 1 or runs[0][0] != modality or _OTHER_EXAM_WORDS.search(clause)
                    or len(moments) != 1):
                return ""
            counted = moments[0].kind == AFTER_PREVIOUS and k and before and \
                int(marks[k - 1].group(1)) == before[-1]
            return clause if moments[0].kind in _AXIS_KINDS or counted else ""
    return ""


#: The kinds of moment placed on the case's axis by themselves (``_history_exam_sentence``).
# (and "the following Tuesday": the next such weekday after the admission's, ``timeline._place_on_own_count``,
# blank unless the admission's weekday and day are told)
_AXIS_KINDS = frozenset({HOSPITAL_DAY, SINCE_ADMISSION, SINCE_ONSET, DATED, ON_WEEKDAY})


#: The counts a bare "day N" may be of (``_base_of_bare_day``).
_DAY_COUNTS = frozenset({SINCE_ONSET, HOSPITAL_DAY})


def _base_of_bare_day(record: CaseRecord, texts: ImageTexts) -> str:
    """The words of the case's history or findings telling the day a legend gives bare ("Bedside chest X-ray on
    day 12") with its count, the same number ("In the 12th day of hospitalisation she presented ...", "The
    control radiograph, on the 12th day of illness (Fig. 3), ..."): the legend's day is that one; "" when the
    legend tells any other moment, or the texts tell that day on no count or on both (a study's title, "Day 5",
    keeps its own conventions)."""
    moments = image_moments(texts)
    if not moments or any(m.kind != LABEL or m.where != "caption" for m in moments) or len(
            {m.days for m in moments}) != 1:
        return ""
    days = moments[0].days
    told = [m for text in (record.history, record.findings) if text and str(days) in text
            for m in text_moments(text, "caption") if m.days == days and m.kind in _DAY_COUNTS]
    return told[0].evidence if len({m.kind for m in told}) == 1 else ""


def _bare_day_of_the_course(record: CaseRecord, texts: ImageTexts, words: str) -> str:
    """A legend's bare "day N" ("CT angiography of the chest on day 5") whose exam the history tells on its own bare
    "day N" ("On day 5, his D-dimer increased to 5.6 µg/mL. Computed tomography angiography (CTA) of the chest was
    negative ..."), in a course told day by day that counts the stay's days and never the illness's ("On day 2 of
    hospitalization", "On day 3 of hospitalization", "On day 4"): the history's bare days go on with the count its
    first days named, so the legend's is that day of the stay ("day N of hospitalization", the count's words); ""
    when the legend tells another moment, the history tells that day on a count already (``_base_of_bare_day``) or
    with no exam of the legend's modality (the sentence with the day up to the next one telling a moment), or
    counts the illness's days too. ``words``: the image's legend whole (its modality)."""
    moments = image_moments(texts)
    if not moments or any(m.kind != LABEL or m.where == "filename" for m in moments) or len(
            {m.days for m in moments}) != 1:
        return ""
    days = moments[0].days
    modality = NORMALIZERS["modality"](words).value
    if modality is None or not record.history.strip() or not counts_stay_days_only(record.history):
        return ""
    if any(m.days == days and m.kind in _DAY_COUNTS for text in (record.history, record.findings) if text
           for m in text_moments(text, "caption")):
        return ""
    for paragraph in record.history.split("\n"):
        spans = sentence_spans(paragraph)
        for k, (a, b) in enumerate(spans):
            if not any(m.kind == LABEL and m.days == days for m in text_moments(paragraph[a:b], "caption")):
                continue
            passage = [paragraph[a:b]]
            for c, d in spans[k + 1:]:
                if text_moments(paragraph[c:d], "caption"):
                    break
                passage.append(paragraph[c:d])
            if modality in {kind for kind, _, _ in modalities_in_order(" ".join(passage))}:
                return f"day {days} of hospitalization"
    return ""


def _panels_of_one_moment(record: CaseRecord, image: ImageRecord) -> str:
    """The exam of a figure's panels whose legend tells one moment for several of them ("(a) Axial and (b)
    coronal CT images obtained 9 days later"): one exam, so "9 days later" counts from the film before the
    figure for each, not from the sibling panel; "" for a panel whose moment is its own."""
    parent = image.extra.get("parent_figure")
    if not parent:
        return ""
    moment = _moment_text(record, image)
    if not moment.strip():
        # "Axial (A) and coronal (B) CT images of patient 2": no panel tells a moment, one exam
        siblings = [other for other in record.images if other.extra.get("parent_figure") == parent]
        timeless = len(siblings) > 1 and not any(text_moments(f"{o.date_text} {o.caption}", "caption")
                                                 for o in siblings)
        return f"figure {parent} without moments" if timeless else ""
    shared = any(other is not image and other.extra.get("parent_figure") == parent
                 and _moment_text(record, other) == moment for other in record.images)
    return f"figure {parent} at {moment}" if shared else ""


#: Words naming a panel as an image computed from another acquisition, not an exam of its own.
_REFORMAT = re.compile(r"\b(?:reformat\w*|re-?format\w*|reconstruct\w*|multiplanar|MPR)\b", re.IGNORECASE)


def _moment_text(record: CaseRecord, image: ImageRecord) -> str:
    """A panel's own date text; for a reformat telling none ("(e) Coronal reformatted image shows ..."), the
    date text of its figure's CT panels before it ("(b–d) Axial CT images obtained 2 days later"): a reformat
    is computed from a CT acquisition its figure shows, so it is that exam. Their CT panels telling two
    moments, or none, leave it without one (which acquisition it comes from is not said)."""
    parent = image.extra.get("parent_figure")
    if lateral := _lateral_moment_text(record, image):
        return lateral
    if image.date_text.strip() or not parent or not _REFORMAT.search(image.caption):
        return image.date_text
    if text_moments(image.caption, "caption"):
        return image.date_text
    before = [other for other in record.images if other.extra.get("parent_figure") == parent
              and other.position < image.position and other.date_text.strip()
              and NORMALIZERS["modality"](other.caption).value == MODALITY_CT]
    moments = {other.date_text for other in before}
    return moments.pop() if len(moments) == 1 else image.date_text


def _lateral_moment_text(record: CaseRecord, image: ImageRecord) -> str:
    """For a figure's lateral radiograph telling no moment ("(a) Posteroanterior chest radiograph obtained at
    presentation ... (b) Lateral chest radiograph shows ..."), the date text of the frontal radiograph (PA or AP)
    right before it in its figure: the two views of one examination; "" otherwise (a frontal film telling none, a
    lateral after another lateral or a CT)."""
    parent = image.extra.get("parent_figure")
    if image.date_text.strip() or not parent or NORMALIZERS["view"](image.caption).value != "L":
        return ""
    if text_moments(image.caption, "caption"):
        return ""
    before = next((other for other in record.images if other.extra.get("parent_figure") == parent
                   and other.position == image.position - 1), None)
    if before is None or not before.date_text.strip() or NORMALIZERS["view"](before.caption).value not in ("PA",
                                                                                                          "AP"):
        return ""
    return before.date_text


def _findings_citing(record: CaseRecord, image: ImageRecord, caption: str) -> str:
    """The findings' sentences citing the image's figure alone, when they are not its words already."""
    figure = _figure_number(image)
    if figure is None or not record.findings.strip():
        return ""
    cited = cited_sentences(record.findings, figure, _sub_image_letter(image))
    if cited and not text_moments(cited, "caption") and not _ANOTHER_EXAM.search(cited):
        # "HRCT chest done on day 2 of admission showed ... . CT severity score was 15/25 (Fig. 2a–d).": the
        # exam the paragraph opens with, in sentences citing no figure, is the cited figure's
        cited = _join(_exam_leading_citation(record.findings, figure, caption), cited)
    return "" if not cited or cited in caption else cited


#: Words by which a sentence citing a figure tells an exam other than the one its paragraph opens with
#: ("Follow-up CT showed progression (Fig. 2)" after "CT on admission showed ...").
_ANOTHER_EXAM = re.compile(r"\b(?:follow[-\s]?up|repeat\w*|control|controllo|subsequent|second|another|further|"
                           r"new|later|previous|prior|earlier|initial|first|baseline|compar\w*)\b", re.IGNORECASE)


def _exam_leading_citation(findings: str, figure: int, caption: str) -> str:
    """The sentences of the findings' paragraph before the one citing ``figure`` alone, back to the
    paragraph's start or a sentence citing any figure, when they name an exam of the figure's own modality
    (its caption's) and of no other: a paragraph telling one exam and citing its figure at its end."""
    modality = NORMALIZERS["modality"](caption).value
    if modality is None:
        return ""
    for paragraph in findings.split("\n"):
        lead: list[str] = []
        for sentence, cited in _sentences_citing(paragraph):
            if not cited:
                lead.append(sentence)
                continue
            words = " ".join(lead)
            if cited == {figure} and lead and {m[0] for m in modalities_in_order(words)} == {modality}:
                return words
            lead = []
    return ""


def _study_findings(record: CaseRecord, image: ImageRecord) -> str:
    """The findings of the Radiopaedia study an image belongs to, for its moment: a study is one exam,
    so the findings of a study of several films ("CT on day 2 of admission: ..." over an axial and a
    coronal stack) date each of them, as they date a study's lone film (``own_words``); "" else."""
    study = _study(record, image)
    return str(study.get("findings") or "") if study is not None else ""


def _paragraph_tells_moment(caption_moments: list[Moment], paragraph: str) -> bool:
    """True when the paragraph above a SIRM figure tells its exam's moment: the caption tells none
    ("TC, scansione assiale" under "TC del torace eseguita dopo 48 ore"), or only a bare day the
    paragraph gives its base ("RX torace AP, VIII giornata" under "in VIII giornata di ricovero")."""
    if not caption_moments:
        return True
    if any(m.kind != LABEL for m in caption_moments):
        return False
    days = {m.days for m in caption_moments}
    return any(m.kind != LABEL and m.days in days for m in text_moments(paragraph, "caption"))


def _sub_image_words(record: CaseRecord, image: ImageRecord, words: str) -> str:
    """A Eurorad sub-image's own part of its figure's caption, for its moment: the caption's lead
    and the sub-caption its letter opens ("Chest radiographs: (a) PA view on admission; (b) AP view
    5 days later" -> b: "Chest radiographs: 5 days later"), when the letters open their parts and
    number the figure's sub-images; else the whole caption."""
    lead, part = _sub_image_parts(record, image, words)
    return f"{lead} {part}".strip()


def _sub_image_parts(record: CaseRecord, image: ImageRecord, words: str) -> tuple[str, str]:
    """(the lead its figure's sub-images share, the sub-image's own part) of a Eurorad sub-image's caption
    (``_sub_image_words``); ("", the part) when the letters close their parts, ("", ``words``) else."""
    figure, sub = image.extra.get("figure"), image.extra.get("subimage")
    if figure is None or not isinstance(sub, int) or not words.strip():
        return "", words
    count = sum(1 for i in record.images if i.extra.get("figure") == figure)
    letters = "abcdefghij"[:count]
    if count < 2 or sub > count:
        return "", words
    parts = parse_subcaptions(words)
    # "(a) on admission", "a) on admission", "a: on admission" or "a – on admission" (and a letter of a list
    # sharing its part: "b, c – axial CT")
    opens = [re.search(rf"\(?\b{k}(?:\s*,\s*[a-j](?=\s+[-–—]\s))?(?:\)|(?=\s*:)|(?=\s+[-–—]\s))\s*[:.,\-–—]?\s*"
                       rf"{re.escape(parts[k][:12])}", words, re.IGNORECASE)
             if k in parts else None for k in letters]
    if sorted(parts) != list(letters) or not all(opens) or any(
            b.start() <= a.start() for a, b in zip(opens, opens[1:])):
        # letters after their text: each closes its own moment ("on admission (a) and on day 4 (b)"),
        # or the parts share words ("X-ray (a) and CT (b) on admission")
        closed = _closed_parts(words, letters)
        return "", closed[sub - 1] if closed else words
    return words[:opens[0].start()].strip(), parts[letters[sub - 1]]


# A sub-image letter in parentheses, wherever it stands in the caption.
_LETTER = re.compile(r"\(([a-j])\)")


def _closed_parts(words: str, letters: str) -> list[str] | None:
    """The parts of a caption whose letters close them, each after its own moment ("Chest X-rays on
    admission (a) and on day 4 of hospitalisation (b): opacities" -> "Chest X-rays on admission",
    "and on day 4 of hospitalisation"); None unless the letters are ``letters`` in order, every part
    tells a moment and the words after the last letter tell none (they would be every film's)."""
    marks = list(_LETTER.finditer(words))
    if "".join(m.group(1) for m in marks) != letters:
        return None
    starts = [0, *(m.end() for m in marks[:-1])]
    parts = [words[start:m.start()].strip(" ,;") for start, m in zip(starts, marks)]
    if text_moments(words[marks[-1].end():], "caption") or not all(text_moments(p, "caption") for p in parts):
        return None
    return parts


def _exam(image: ImageRecord, words: str) -> str:
    """The exam an image belongs to, for the timeline: its study (Radiopaedia), its figure
    (Eurorad's sub-images), the SIRM paragraph above figures whose captions tell no moment, else the
    words it shares with its neighbours (the SIRM paragraph before a gallery); "" when nothing ties
    it to another film."""
    if image.extra.get("study_id"):
        return f"study {image.extra['study_id']}"
    if image.extra.get("figure") is not None:
        return f"figure {image.extra['figure']}"
    paragraph = str(image.extra.get("paragraph") or "")
    if paragraph and words.strip() and not text_moments(words, "caption"):
        # SIRM block-editor figures under the paragraph telling their exam ("RX torace nelle due
        # proiezioni: ...", then a PA and a lateral figure), their captions telling no moment: one exam
        return f"paragraph {paragraph}"
    return f"words {words}" if words.strip() else ""


def _published_date(record: CaseRecord) -> date | None:
    """The day the page was published (its parser's ``published_iso``), or None."""
    try:
        return date.fromisoformat(str(record.extra.get("published_iso") or ""))
    except ValueError:
        return None


def record_timeline(record: CaseRecord) -> Timeline:
    """The case's timeline from its history and each image's own words (``ingest.timeline``)."""
    history = _join(record.history, str(record.extra.get(TIMELINE_NOTE, "")))
    images = [image_texts(record, i) for i in record.images]
    # a site of authors from everywhere (Radiopaedia): the case's own unambiguous dates tell its order, and so
    # does the day the page was published (its films were taken before it)
    texts = (history, record.findings, *(t for i in images for t in (i.date_text, i.caption)))
    published = _published_date(record)
    day_first = (record.source in _DAY_FIRST_SOURCES or writes_day_first(*texts)
                 or (published is not None and day_first_before(published, *texts)))
    return case_timeline(history, images, findings=record.findings, day_first=day_first,
                         discussion=record.discussion)


def _case_modality(record: CaseRecord, images: list[ImageRecord]) -> FieldResult | None:
    """The modality the case's own words give, used for an image without its own only when the case
    has a single modality: its images' own modalities agree and its findings name that one alone."""
    own = {NORMALIZERS["modality"](i.modality_text or i.caption).value
           for i in images if (i.modality_text or i.caption).strip()}
    own.discard(None)
    text = _join(record.findings, record.history)
    words = NORMALIZERS["modality"](text) if text else Normalized(None)
    if words.value is None or (own and own != {words.value}):
        return None
    return FieldResult("modality", None, text, words.value, words.evidence, "modality.case-words", 1, "")


def normalize_image(record: CaseRecord, image: ImageRecord, previous_offset: int | None = None, *,
                    timeline: Timeline | None = None, case_modality: FieldResult | None = None,
                    single_image: bool = False) -> list[FieldResult]:
    """The per-image fields of one image, each from the image's own evidence (stack modality and
    plane, caption or subcaption, the sentences of the findings citing its figure, its study's
    findings, date text or study label, file name). The case's words fill the modality only when
    the case has a single modality (``case_modality``) and the view only when the case has a single
    image: "lateral" or "CT" elsewhere in a note is not this image's. ``previous_offset`` is
    ignored (kept for callers of the old signature): the case's timeline places relative times."""
    words = own_words(record, image)
    modality = _image_modality(record, image, words)
    view = _image_view(record, image, words, modality, single_image)
    pos = image.position
    if (modality is None or modality.value is None) and view is not None and view.value is not None:
        # "lateral view" names no modality, but only a radiograph has a lateral view
        inferred = MODALITY_XRAY if view.value in XRAY_VIEWS else MODALITY_CT
        modality = FieldResult("modality", pos, view.raw, inferred, view.evidence, "modality.from-view", 1, "")
    if (modality is None or (modality.value is None and not modality.reason)) and case_modality is not None:
        modality = FieldResult("modality", pos, case_modality.raw, case_modality.value, case_modality.evidence,
                               case_modality.rule, 1, "")
    if (modality is not None and modality.value == MODALITY_CT and not image.slice_urls
            and not image.extra.get("volume") and (view is None or (view.value is None and not view.reason))):
        text = words if words.strip() else modality.evidence  # the CT's words, else what made it CT
        # (a figure without a legend whose text cites two CT panels together: ``ct_slice_view``)
        view = _result("view", pos, text, ct_slice_view(
            text, cited_after_another_panel=bool(image.extra.get("cited_after_another_panel"))))
    results = [r for r in (modality, view) if r is not None]
    offset = _image_offset(record, image, timeline if timeline is not None else record_timeline(record))
    if offset is not None:
        results.append(offset)
    if image.date_text.strip():
        results.append(_result("date", pos, image.date_text,
                               NORMALIZERS["date"](image.date_text, source=record.source)))
    return results


_FIGURE_CITATION = re.compile(r"\bFig(?:ure)?s?\.?\s*(\d{1,2})", re.IGNORECASE)


def _sub_image_letter(image: ImageRecord) -> str:
    """The letter of a Eurorad sub-image in its figure ("b" for the figure's second image), "" for a figure's
    lone image or an image of no figure."""
    sub = image.extra.get("subimage")
    return "abcdefghij"[sub - 1] if isinstance(sub, int) and 1 <= sub <= 10 else ""


def _figure_of_panel(image: ImageRecord) -> int | None:
    """``_figure_number``, or for a paper's panel (labelled "a", "b") its figure's number: the panels of one figure
    are one exam (``_history_exam_sentence``)."""
    figure = _figure_number(image)
    number = image.extra.get("figure_number")
    return figure if figure is not None else number if isinstance(number, int) and image.extra.get("panel") else None


def _figure_number(image: ImageRecord) -> int | None:
    figure = image.extra.get("figure")
    if isinstance(figure, int):
        return figure
    m = re.match(r"Fig(?:ure)?\.?\s*(\d{1,2})", image.label or "", re.IGNORECASE)
    return int(m.group(1)) if m else None


def cited_sentences(text: str, figure: int, letter: str = "") -> str:
    """The sentences of ``text`` that cite figure ``figure`` and no other ("CT two hours later
    showed ground-glass opacities (Fig. 2)."): that figure's words in the case's findings. For the sub-image
    ``letter`` of the figure, not those citing only its other sub-images ("Chest X-ray at the admission (Fig.
    1a). CT examination (Fig. 1b-d) revealed ...": the first is not 1b's)."""
    return " ".join(sentence for sentence, cited in _sentences_citing(text)
                    if cited == {figure} and (not letter or letter in _cited_letters(sentence, figure, letter)))


def _cited_letters(sentence: str, figure: int, letter: str) -> set[str]:
    """The sub-image letters the citations of ``figure`` in ``sentence`` name ("Fig. 1b-d": b, c, d; "Fig. 1a
    and 1c": a, c); ``letter`` too when one of them names none (the whole figure)."""
    letters: set[str] = set()
    for m in re.finditer(rf"\bFig(?:ure)?s?\.?\s*{figure}(?!\d)\s?"
                         rf"((?:[a-j](?:\s*(?:[-–,]|and)\s*(?:{figure})?[a-j])*)?)(?![a-z])", sentence, re.IGNORECASE):
        named = re.findall(r"(?<![a-z])[a-j](?![a-z])", m.group(1).lower()) if m.group(1) else []
        if not named:
            return {letter}
        ranges = re.findall(r"([a-j])\s*[-–]\s*\d{0,2}([a-j])", m.group(1).lower())
        letters.update(named)
        for first, last in ranges:
            letters.update(chr(c) for c in range(ord(first), ord(last) + 1))
    # a second citation of the figure with its number repeated ("Fig. 1a and 1c") names its letter after the number
    letters.update(x.lower() for x in re.findall(rf"(?<![\w.])(?<!Fig\. ){figure}([a-jA-J])\b", sentence))
    return letters


def _sentences_citing(text: str) -> Iterator[tuple[str, set[int]]]:
    """Each sentence of ``text`` with the numbers of the figures it cites."""
    # "Fig." is no sentence end: split a same-length copy without its dots
    for s_start, s_end in sentence_spans(re.sub(r"\b(Figs?)\.", r"\1 ", text, flags=re.IGNORECASE)):
        yield (text[s_start:s_end].strip(),
               {int(m.group(1)) for m in _FIGURE_CITATION.finditer(text, s_start, s_end)})


def _study(record: CaseRecord, image: ImageRecord) -> dict | None:
    study_id = str(image.extra.get("study_id", ""))
    return next((s for s in record.extra.get("studies") or []
                 if isinstance(s, dict) and str(s.get("study_id")) == study_id), None) if study_id else None


def caption_words(image: ImageRecord) -> str:
    """The image's caption without the credit line its parser found in it (``extra["origin"]``, Eurorad's
    "Origin: <institution>"): an institution's name tells nothing of the film, and may read as one of its
    facts ("Hospital Universitario 12 de Octubre" is no date of the CT)."""
    origin = str(image.extra.get("origin") or "").strip()
    if not origin:
        return image.caption
    return "\n".join(line for line in image.caption.splitlines() if not line.rstrip().endswith(origin)).strip()


def own_words(record: CaseRecord, image: ImageRecord) -> str:
    """The image's own words: its caption, else the findings' sentences citing its figure alone,
    else (Radiopaedia) its study's findings when the study holds this one image."""
    caption = caption_words(image)
    if caption.strip():
        return caption
    figure = _figure_number(image)
    if figure is not None:
        cited = cited_sentences(_join(record.findings, record.history), figure, _sub_image_letter(image))
        if cited:
            return cited
    study = _study(record, image)
    if study is not None:
        siblings = [i for i in record.images if str(i.extra.get("study_id", "")) == str(study.get("study_id"))]
        if len(siblings) == 1:
            return str(study.get("findings") or "")
        return _study_film_part(record, image)[0]
    return ""


#: A sentence of a study's findings opening on one of the study's films by its ordinal: "The first is the PA
#: radiograph ...", "The second image is an AP sitting film ...", "Second film: ...", "Image 2: ...". A bare
#: ordinal must be followed by its verb or a colon ("First, there is ..." lists findings, not films). A heading
#: may name several films before its colon, each by its number with its own words in brackets: "Image 1 (PA)
#: and image 2 (lateral), at presentation: ..." (``_FILM_NUMBERS`` reads them).
_FILM_NOUN = r"(?:image|film)"
_FILM_ORDINAL = re.compile(
    r"(?:^|(?<=[.;:]\s)|(?<=\n))(?:the\s+)?(?:"
    rf"(first|second|third|fourth)(?:\s+(?:{_FILM_NOUN}|radiograph|x-ray|one)\b|(?=\s*(?:is|shows|was|demonstrates)\b|\s*:))"
    r"|(?:image|film)\s+([1-4])\s*:"
    rf"|(?P<heading>{_FILM_NOUN}s?\s+[1-4](?:\s*\([^()]{{1,30}}\))?(?:\s*(?:,|and|&)\s*(?:{_FILM_NOUN}\s+)?[1-4]"
    r"(?:\s*\([^()]{1,30}\))?)+[^.:;()]{0,40}:))", re.IGNORECASE)
_ORDINAL_NUMBERS = {"first": 1, "second": 2, "third": 3, "fourth": 4}
#: Each film a heading names, with its own bracketed words: "Image 1 (PA)", "and image 2 (lateral)", "and 2" (not
#: a number of the heading's tail: "..., on day 3:").
_FILM_NUMBERS = re.compile(r"(?:\b(?:image|film)s?\s+|(?:,|\band\b|&)\s*(?:(?:image|film)\s+)?)([1-4])\b"
                           r"(?:\s*(\([^()]{1,30}\)))?", re.IGNORECASE)


def _mark_films(mark: re.Match[str]) -> list[tuple[int, str]]:
    """The films (number, own bracketed words) an ordinal mark of ``_FILM_ORDINAL`` opens."""
    if mark.group("heading"):
        heading = mark.group("heading")
        return [(int(m.group(1)), m.group(2) or "") for m in _FILM_NUMBERS.finditer(heading)]
    return [(_ORDINAL_NUMBERS[mark.group(1).lower()] if mark.group(1) else int(mark.group(2)), "")]


def _study_film_part(record: CaseRecord, image: ImageRecord) -> tuple[str, int]:
    return _study_film_split(record, image)[:2]


def _study_film_split(record: CaseRecord, image: ImageRecord) -> tuple[str, int, str]:
    """``_study_film_part``'s (words, place) and the film's own bracketed words in a heading naming several
    films ("(PA)" of "Image 1 (PA) and image 2 (lateral), at presentation:"), "" when it has none.

    (the words of ``image``'s own sentences, its place among the study's films counting from 1) for a
    Radiopaedia study of several X-ray films whose findings tell them apart by ordinals, one each in order
    ("Two frontal images. The first is the PA radiograph from the emergency department ... The second image is
    an AP sitting film done on the ward two days later"), the words before the first ordinal shared by all;
    ("", 0) else (a study of one exam: its findings are every film's). A heading naming several films ("Image 1
    (PA) and image 2 (lateral), at presentation: ...") gives each its own bracketed words in place of the
    others' ("Image 1 (PA), at presentation: ...")."""
    study = _study(record, image)
    if study is None or image.slice_urls:
        return "", 0, ""
    siblings = sorted((i for i in record.images if str(i.extra.get("study_id", "")) == str(study.get("study_id"))),
                      key=lambda i: i.position)
    if len(siblings) < 2 or any(i.slice_urls for i in siblings):
        return "", 0, ""
    findings = str(study.get("findings") or "")
    marks = list(_FILM_ORDINAL.finditer(findings))
    films = [_mark_films(m) for m in marks]
    if [number for named in films for number, _ in named] != list(range(1, len(siblings) + 1)):
        return "", 0, ""
    place = siblings.index(image)
    at = next(k for k, named in enumerate(films) if any(number == place + 1 for number, _ in named))
    mark = marks[at]
    end = marks[at + 1].start() if at + 1 < len(marks) else len(findings)
    lead = findings[:marks[0].start()].strip()
    part = findings[mark.start():end].strip()
    own = ""
    if mark.group("heading"):
        # the heading's other films and their words are not this film's: "Image 1 (PA)" + the heading's tail
        heading = mark.group("heading")
        last = list(_FILM_NUMBERS.finditer(heading))[-1]
        own = dict(films[at])[place + 1]
        noun = re.match(r"\w+", heading).group(0)
        named = f"{noun} {place + 1}{(' ' + own) if own else ''}"
        part = f"{named}{heading[last.end():]}{findings[mark.end():end]}".strip()
    return _join(lead, part), place + 1, own


def _study_film_label_view(record: CaseRecord, image: ImageRecord, modality: str | None) -> FieldResult | None:
    """A Radiopaedia "Frontal" film's projection named in its own brackets by a heading of the study's findings
    naming several films ("Image 1 (PA) and image 2 (lateral), at presentation: ...": PA, whatever the words
    after the colon say of the lateral)."""
    label = _study_film_split(record, image)[2]
    found = NORMALIZERS["view"](label, modality=modality) if label else None
    if found is None or found.value not in (PA, AP, AP_SUPINE):
        return None
    return FieldResult("view", image.position, label, csv_value(found.value), found.evidence, "view.study-film-label",
                       found.version, "")


def _image_modality(record: CaseRecord, image: ImageRecord, words: str) -> FieldResult | None:
    pos = image.position
    raw = image.modality_text or words
    # a paper's figure caption: CT's signs without a modality word say CT (normalize_modality)
    figure_caption = record.source == "publications" and not image.modality_text
    modality = (_result("modality", pos, raw, NORMALIZERS["modality"](raw, figure_caption=figure_caption))
                if raw.strip() else None)
    if modality is not None and modality.value is not None and image.modality_text and words.strip() and words != raw:
        # (words naming a modality only as the study compared with name none of the image's: ``only_compared_studies``)
        by_words = NORMALIZERS["modality"]("" if only_compared_studies(words) else words)
        if image.modality_text.strip() in words and not image.extra.get("study_id") and by_words.reason:
            # the parser took its modality word from these words (a caption, the paragraph before
            # the films): all of them decide, and "RX torace e TC" is no one modality
            modality = _result("modality", pos, words, by_words)
        else:
            modality = _unless_words_disagree(modality, by_words, "the source's modality", words)
    if modality is None or modality.value is None:
        # the words list the exam's films in order, or the file is named after its modality
        modality = (_listed(record, image, words, modalities_in_order(words), "modality")
                    or _filename_modality(image) or modality)
    if (image.slice_urls or image.extra.get("volume")) and (modality is None or modality.value is None):
        # a stack of slices is a CT volume whatever its caption says
        modality = FieldResult("modality", pos, "stack of slices", MODALITY_CT, "", "modality.stack", 1, "")
    return modality


def _unless_words_disagree(result: FieldResult, by_words: Normalized, what: str, words: str) -> FieldResult:
    """``result`` (from the source's structured text: a stack's modality or plane), or blank with
    both when the image's own words name another value."""
    if by_words.value is None or csv_value(by_words.value) == result.value:
        return result
    reason = (f"{what} says {result.value} ({result.evidence!r}), "
              f"the image's words say {csv_value(by_words.value)} ({by_words.evidence!r})")
    return FieldResult(result.field, result.image_position, result.raw + "\n" + words, None,
                       result.evidence + " … " + by_words.evidence, result.rule, result.version, reason)


def _image_view(record: CaseRecord, image: ImageRecord, words: str, modality: FieldResult | None,
                single_image: bool) -> FieldResult | None:
    pos = image.position
    modality_value = modality.value if modality is not None else None
    raw = image.view_text or words
    # the source's vocabulary is that of its planes ("Frontal", "Axial"): a stack without a plane is
    # described by its words ("Portable AP supine radiograph"), read as words
    view = (_result("view", pos, raw, NORMALIZERS["view"](raw, modality=modality_value,
                                                          source=record.source if image.view_text.strip() else None))
            if raw.strip() else None)
    view = _series_label_view(record, image, modality_value) or view
    if view is not None and image.view_text and words.strip() and words != raw:
        by_words = NORMALIZERS["view"](words, modality=modality_value)
        if image.view_text.strip() in words and (by_words.value is not None or by_words.reason):
            # the parser took its view word from these words (a caption): all of them decide
            # ("PA and lateral views" is no one view)
            view = _result("view", pos, words, by_words)
        elif view.value is not None:
            view = _unless_words_disagree(view, by_words, "the source's plane", words)
        elif by_words.value in (PA, AP, AP_SUPINE):
            # "Frontal" says neither PA nor AP: the image's own words may ("AP supine radiograph")
            view = FieldResult("view", pos, words, by_words.value, by_words.evidence, "view.own-words",
                               by_words.version, "")
    if view is not None and view.value is None and view.reason == "'Frontal' does not say PA or AP":
        view = (_study_film_label_view(record, image, modality_value)
                or _study_frontal_view(record, image, modality_value) or view)
    if (view is None or (view.value is None and not view.reason)) and image.extra.get("paragraph"):
        view = _paragraph_view(image, modality_value) or view
    if view is not None and view.value is None and view.reason.startswith(_AP_OR_SUPINE_OPEN):
        view = _paragraph_position_view(image, modality_value) or view
    if view is None or (view.value is None and not view.reason):
        view = _dated_exam_view(record, image, words, modality_value) or view
    if (view is None or (view.value is None and not view.reason)) and single_image:
        text = _join(record.findings)
        if text:
            by_case = NORMALIZERS["view"](text, modality=modality_value)
            if by_case.value is not None or by_case.reason:
                view = FieldResult("view", pos, text, csv_value(by_case.value), by_case.evidence,
                                   "view.case-words-single-image", by_case.version, by_case.reason)
    if view is not None and view.value is not None and image.extra.get("subimage"):
        # the whole legend's view may be another letter's: "a: on admission, AP erect; b: day 9, AP supine"
        # reads AP Supine for both; the part the sub-image's letter names decides
        view = _sub_caption_view(record, image, words, modality_value) or view
    if view is not None and view.value is None and view.reason.startswith("several views"):
        view = (_listed_view(record, image, words, modality_value)
                or _sub_caption_view(record, image, words, modality_value) or view)
    if view is None or (view.value is None and (not view.reason or view.reason.startswith("several views"))):
        view = _filename_view(image, modality_value) or view
    fits = {MODALITY_XRAY: XRAY_VIEWS, MODALITY_CT: CT_VIEWS}.get(modality_value or "")
    if view is not None and view.value is not None and fits is not None and view.value not in fits:
        # "Chest X-ray (a) and axial CT image (b)": the CT's plane is not the radiograph's view
        view = FieldResult("view", pos, view.raw, None, view.evidence, view.rule, view.version,
                           f"{view.value} ({view.evidence!r}) is no view of a {modality_value} image")
    return view


def _series_label_view(record: CaseRecord, image: ImageRecord, modality: str | None) -> FieldResult | None:
    """A Radiopaedia stack without a plane whose series label (its ``aux_modality``, the viewer's "Coronal lung
    window") names one: the label is the stack's own, where the study's findings describe all its stacks (was
    blank: only the plane was read). A label naming no view ("lung window", "C+ arterial phase") gives none."""
    label = str(image.extra.get("aux_modality") or "").strip()
    if record.source != "radiopaedia" or image.view_text.strip() or not label:
        return None
    found = NORMALIZERS["view"](label, modality=modality)
    if found.value is None:
        return None
    return FieldResult("view", image.position, label, csv_value(found.value), found.evidence, "view.series-label",
                       found.version, "")


def _paragraph_view(image: ImageRecord, modality: str | None) -> FieldResult | None:
    """A SIRM block figure whose caption names no view ("RX torace di controllo") takes the one view
    the paragraph telling its exam names ("RX torace di controllo ... (AP, a letto): ..."); a
    paragraph naming several ("in proiezione PA e laterale") gives none; nor does a paragraph telling exams of
    two kinds ("RX torace (AP, paziente seduto): ... TC torace: ...") to an upload of no known kind: its view is
    one exam's, and the uploads under it may be the other's."""
    paragraph = str(image.extra.get("paragraph") or "")
    if modality is None and len({kind for kind, _, _ in modalities_in_order(paragraph)}) > 1:
        return None
    found = NORMALIZERS["view"](paragraph, modality=modality)
    if found.value is None:
        return None
    return FieldResult("view", image.position, paragraph, csv_value(found.value), found.evidence, "view.paragraph",
                       found.version, "")


#: A caption's reasons for leaving a frontal film's AP or AP Supine open: a bedside film, an AP of a patient lying.
_AP_OR_SUPINE_OPEN = ("a portable/bedside film is AP or AP Supine", "AP in an intubated or ICU patient")


def _paragraph_position_view(image: ImageRecord, modality: str | None) -> FieldResult | None:
    """A SIRM upload whose caption names a bedside film without the patient's position ("Fig. 4 – RX torace a
    letto: ...") takes the position the paragraph telling its exam names ("In data 20/03 ... RX a letto di controllo,
    paziente supino": AP Supine; "paziente seduto": AP), only AP or AP Supine; a paragraph naming none, several, or
    another view gives none (``_paragraph_view``'s reading)."""
    found = _paragraph_view(image, modality) if image.extra.get("paragraph") else None
    if found is None or found.value not in (csv_value(AP), csv_value(AP_SUPINE)):
        return None
    return replace(found, rule="view.paragraph-position")


def _dated_exam_view(record: CaseRecord, image: ImageRecord, words: str, modality: str | None) -> FieldResult | None:
    """An upload whose caption names its exam by its date only ("RX 11/03", "RX 18/03") takes the one view the
    text's one sentence telling an exam of its modality on that date names (a list of the exams, "- RX torace
    dell'11/03 in PS (paziente seduto, proiezione AP): ...", "- RX torace del 18/03 a letto (paziente supino ...)");
    None when the caption dates no exam or several, or the text tells that day's exam of the modality in no sentence
    or in several, or its sentence tells other days or kinds of exam, or no one view."""
    if modality is None or not record.history.strip():
        return None
    day_first = record.source in _DAY_FIRST_SOURCES
    told = {(d.month, d.day) for _, _, d in dates_in(words, day_first)}
    if len(told) != 1:
        return None
    sentences = []
    for a, b in sentence_spans(record.history):
        sentence = record.history[a:b]
        days = {(d.month, d.day) for _, _, d in dates_in(sentence, day_first)}
        if days == told and {kind for kind, _, _ in modalities_in_order(sentence)} == {modality}:
            sentences.append(sentence)
    if len(sentences) != 1:
        return None
    found = NORMALIZERS["view"](sentences[0], modality=modality)
    if found.value is None:
        return None
    return FieldResult("view", image.position, sentences[0], csv_value(found.value), found.evidence,
                       "view.dated-exam-sentence", found.version, "")


def _study_frontal_view(record: CaseRecord, image: ImageRecord, modality: str | None) -> FieldResult | None:
    """A Radiopaedia study's one "Frontal" stack takes the one frontal projection its findings name
    beside the lateral ("PA and lateral chest radiographs" over a Frontal and a Lateral stack)."""
    study = _study(record, image)
    if study is None:
        return None
    study_id = str(study.get("study_id"))
    frontal = [i for i in record.images
               if str(i.extra.get("study_id", "")) == study_id and i.view_text.strip().lower() == "frontal"]
    text = str(study.get("findings") or "")
    hits = [h for h in views_in_order(text, modality) if h[0] in (PA, AP, AP_SUPINE)]
    if frontal != [image] or len({h[0] for h in hits}) != 1:
        return None
    value, start, end = hits[0]
    return FieldResult("view", image.position, text, value, text[start:end], "view.study-frontal", 1, "")


def _listed_view(record: CaseRecord, image: ImageRecord, words: str, modality: str | None) -> FieldResult | None:
    """The image's view from words that list the views of its exam's films in order ("RX torace in
    due proiezioni (PA e LL)" before two films, "PA (a) and lateral (b) views" of a figure's two
    sub-images)."""
    return _listed(record, image, words, views_in_order(words, modality), "view")


def _sub_caption_view(record: CaseRecord, image: ImageRecord, words: str, modality: str | None) -> FieldResult | None:
    """A Eurorad sub-image's view from the part of its figure's caption its letter names, when the
    letters name the figure's sub-images one for one ("axial images (a, b) and coronal reconstruction
    (c)": c is Coronal), else None."""
    figure, sub = image.extra.get("figure"), image.extra.get("subimage")
    if figure is None or not isinstance(sub, int):
        return None
    count = sum(1 for i in record.images if i.extra.get("figure") == figure)
    parts = parse_subcaptions(words)
    if count < 2 or sorted(parts) != list("abcdefghij"[:count]):
        return None
    own = parts["abcdefghij"[sub - 1]]
    found = NORMALIZERS["view"](own, modality=modality)
    if found.value is None and modality == MODALITY_CT:
        # "(a, b) axial images; (c) sagittal reformat": c's own part names a plane the vocabulary lacks,
        # so the other letters' "axial" is not its view (blank, with why)
        other_plane = ct_slice_view(own)
        if other_plane.reason:
            return FieldResult("view", image.position, own, None, other_plane.evidence, "view.sub-caption",
                               other_plane.version, other_plane.reason)
    if found.value is None:
        return None
    return FieldResult("view", image.position, own, csv_value(found.value), found.evidence, "view.sub-caption",
                       found.version, "")


def _listed(record: CaseRecord, image: ImageRecord, words: str, hits: tuple[tuple[str, int, int], ...],
            field: str) -> FieldResult | None:
    """The k-th of ``hits`` (values the words name in order) for the k-th film of the image's exam,
    when there are as many distinct values as films; else None."""
    group = _exam(image, words)
    if not group or image.extra.get("study_id") or len(hits) < 2:
        return None  # a film of its own, or a Radiopaedia stack (its stack says its modality and plane)
    ordered = sorted(record.images, key=lambda i: i.position)
    films = [i for i in ordered if _exam(i, own_words(record, i)) == group]
    first = ordered.index(films[0])
    if ordered[first:first + len(films)] != films:
        return None  # the films sharing these words are not one run: not one exam
    if len(hits) > len(films):
        # a view named again after the list is the listed film's ("PA (a) and lateral (b) chest radiographs:
        # opacity in the right lower zone, better seen on the lateral view"), not one more film
        firsts: list[tuple[str, int, int]] = []
        for hit in hits:
            firsts += [] if any(hit[0] == first[0] for first in firsts) else [hit]
        hits = tuple(firsts)
    if len(hits) != len(films) or len({h[0] for h in hits}) != len(hits):
        return None
    k = films.index(image)
    evidence = words[hits[0][1]:hits[-1][2]]
    return FieldResult(field, image.position, words, hits[k][0], evidence, f"{field}.listed-in-order", 1, "")


# A file named after its modality: SIRM's "RX-TORACE1.jpeg", "TC-1.jpeg" (camera and UUID names
# cannot spell these: T and R, X are no hex digits).
_NAME_MODALITY = re.compile(r"(?:^|[-_.\s])(?:(?P<ct>TC|CT|HRCT|tc|ct|hrct)|(?P<xray>RX|CXR|rx|cxr|x-?ray|X-?RAY))"
                            r"(?=$|[-_.\s\d])")


#: What separates the words of a file name ("caso161-TC-assiale-1.jpeg", "RX_torace_AP.jpg").
_NAME_SEPARATORS = re.compile(r"[-_.]+")


def _filename_view(image: ImageRecord, modality: str | None) -> FieldResult | None:
    """The one view an image's file name spells as a word of its own ("caso161-TC-assiale-1.jpeg",
    "caso161-TC-coronale.jpeg", "RX-torace-LL.jpg"), for a film whose own words name no view or
    several (an uncaptioned gallery under "scansioni assiali e ricostruzioni coronali"): the
    uploader named each file after its plane. Read by the view rules, as words."""
    name = _file_name(image)
    stem = name.rsplit(".", 1)[0] if "." in name else name
    words = _NAME_SEPARATORS.sub(" ", stem)
    found = NORMALIZERS["view"](words, modality=modality)
    if found.value is None:
        return None
    return FieldResult("view", image.position, name, csv_value(found.value), found.evidence, "view.filename",
                       found.version, "")


def _filename_modality(image: ImageRecord) -> FieldResult | None:
    name = _file_name(image)
    found = {("ct" if m.group("ct") else "xray"): m for m in _NAME_MODALITY.finditer(name)}
    if len(found) != 1:
        return None  # none, or both: the name does not say
    kind, m = next(iter(found.items()))
    value = MODALITY_CT if kind == "ct" else MODALITY_XRAY
    return FieldResult("modality", image.position, name, value, m.group(0).strip("-_. "), "modality.filename", 1, "")


def _image_offset(record: CaseRecord, image: ImageRecord, timeline: Timeline) -> FieldResult | None:
    placed = timeline.offset_of(image.position)
    if placed is not None and placed.value is None and placed.reason == _NO_OWN_MOMENT:
        placed = replace(placed, reason=_beside_an_unplaced_film(timeline, image.position))
    if placed is None or (placed.value is None and not placed.reason):
        return None
    texts = image_texts(record, image)
    raw = "\n".join(t for t in (texts.date_text, texts.caption, texts.filename if placed.value is not None else "")
                    if t)
    return FieldResult("offset", image.position, raw or record.history, csv_value(placed.value), placed.evidence,
                       placed.rule, TIMELINE_VERSION, placed.reason)


#: The timeline's reason for a film telling no moment of its own: no offset staged (most such films are of cases
#: telling no time), unless ``_beside_an_unplaced_film``.
_NO_OWN_MOMENT = "no moment of this image in its own words"


def _beside_an_unplaced_film(timeline: Timeline, position: int) -> str:
    """The reason the reviewer sees for a film telling no moment of its own in a case where another film tells one
    the timeline cannot place ("At the 3rd day of zzz", "ICU day 3" of an ICU admission not told): the case's films
    are placed by their order, which that film leaves open (was no offset at all); "" when no other film is so."""
    unplaced = [o for o in timeline.offsets if o.position != position and o.value is None and o.reason
                and o.reason != _NO_OWN_MOMENT]
    if not unplaced:
        return ""
    return (f"{_NO_OWN_MOMENT}; the case's films are placed by their order, and another film's day is not placed "
            f"({unplaced[0].reason})")
