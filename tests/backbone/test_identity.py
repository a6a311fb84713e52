"""staging/identity.py: one identity per case in the staging database; released rows linked at import;
the ``released`` state after an import and after an export."""

from __future__ import annotations

import json
import zlib

import pytest
from sqlalchemy import select

from db.models import Case, CaseAlias, ReviewEvent
from db.session import open_database, session_scope
from exports.baseline import import_dataset
from exports.release import export_release
from ingest.records import CaseRecord, ImageRecord
from media.store import MediaStore
from review.actions import approve, reject
from review.rules import ReviewError
from staging.identity import load_index, remember, resolve_record
from staging.service import StoredImage, stage_case
from tests.conftest import SAMPLE_CSV, png_bytes, write_release
from tests.release.test_release import add_case

DOI = "10.1016/j.radcr.2020.05.017"
PMC_PAGE = "https://pmc.ncbi.nlm.nih.gov/articles/PMC7251234/"


@pytest.fixture
def engine(project_env):
    return open_database(project_env["STAGING_DB_URL"])


def _stored(n: int) -> list[StoredImage]:
    return [StoredImage(source_url=f"https://img.example/{n}.png", label="", position=0, sha256=f"{n:064x}",
                        media_path=f"00/{n:064x}", format="png", width=10, height=10)]


def _stage(engine, record: CaseRecord) -> tuple[str, str] | None:
    """What the StagePipeline does with a record: resolve its identity, stage it, remember its names."""
    with session_scope(engine) as session:
        identity = resolve_record(session, record)
        if identity.released:
            return None
        record.source_key = identity.source_key
        case, status = stage_case(session, record, _stored(zlib.crc32(record.source_key.encode()) % 1000),
                                  normalize=lambda _r: [])
        case.identity_key = identity.key
        remember(session, record.source, identity.key, identity.aliases)
        return case.source_key, status


def _paper(key_base: str, patient: int, *, doi: str = "", pmcid: str = "", given: str = "") -> CaseRecord:
    return CaseRecord(source="publications", source_key=f"{key_base}#patient{patient}", url=PMC_PAGE if pmcid else f"https://doi.org/{doi}",
                      doi=doi, title="Serial chest radiographs", extra={"pmcid": pmcid, "input": given},
                      images=[ImageRecord(source_url="https://img.example/fig1.jpg", position=0)])


def _keys(engine) -> list[str]:
    with session_scope(engine) as session:
        return sorted(session.scalars(select(Case.source_key)))


def test_a_paper_first_known_by_its_pmcid_keeps_its_cases_when_reached_by_doi(engine):
    # The XML of the PMCID route named no DOI: the paper is keyed by its PMCID.
    assert [_stage(engine, _paper("pmc:PMC7251234", n, pmcid="PMC7251234", given="PMC7251234")) for n in (1, 2)] == [
        ("pmc:PMC7251234#patient1", "new"), ("pmc:PMC7251234#patient2", "new")]
    # Later the DOI route learns the PMCID too: the same two cases, not new ones keyed by the DOI.
    again = [_stage(engine, _paper(DOI, n, doi=DOI, pmcid="PMC7251234", given=DOI)) for n in (1, 2)]
    assert [key for key, _status in again] == ["pmc:PMC7251234#patient1", "pmc:PMC7251234#patient2"]
    assert _keys(engine) == ["pmc:PMC7251234#patient1", "pmc:PMC7251234#patient2"]
    with session_scope(engine) as session:
        names = dict(session.execute(select(CaseAlias.alias, CaseAlias.key)).all())
    assert names[f"doi:{DOI}"] == "pmc:PMC7251234"  # the DOI is now a name of the same paper


def test_a_paper_first_known_by_its_doi_keeps_its_cases_when_reached_by_pmcid(engine):
    assert _stage(engine, _paper(DOI, 1, doi=DOI, given=DOI)) == (f"{DOI}#patient1", "new")
    # The PMCID route: the XML names the DOI in another spelling and the PMCID.
    record = _paper(DOI.upper(), 1, doi=f"https://doi.org/{DOI.upper()}", pmcid="PMC7251234", given="PMC7251234")
    assert _stage(engine, record)[0] == f"{DOI}#patient1"
    # And a record naming only the PMCID now resolves to the DOI's key.
    assert _stage(engine, _paper("pmc:PMC7251234", 1, pmcid="PMC7251234"))[0] == f"{DOI}#patient1"
    assert _keys(engine) == [f"{DOI}#patient1"]


def _radiopaedia(rid: str = "75037", slug: str = "covid-19-pneumonia-15", reached_by: str = "75037") -> CaseRecord:
    return CaseRecord(source="radiopaedia", source_key=rid, url=f"https://radiopaedia.org/cases/{slug}",
                      doi=f"10.53347/rID-{rid}", title="COVID-19 pneumonia", aliases=[reached_by, f"https://radiopaedia.org/cases/{rid}"],
                      images=[ImageRecord(source_url="https://img.example/a.png", position=0)])


def _checkout(tmp_path, rows: list[str]):
    return write_release(tmp_path / "dataset", rows, files={})


RELEASED_15 = ("20,,M,,Pneumonia/Viral/COVID-19,,,,,,,,,,,,,,PA,X-ray,2020,,images,rp15.png,,"
               "https://radiopaedia.org/cases/covid-19-pneumonia-15,CC BY-NC-SA,,,")


def test_a_released_case_reached_by_its_rid_is_released_although_the_row_names_only_the_slug(engine, tmp_path,
                                                                                              project_env):
    import_dataset(_checkout(tmp_path, [RELEASED_15]) / "metadata.csv", engine, MediaStore(project_env["MEDIA_STORE"]))
    with session_scope(engine) as session:
        index = load_index(session, "radiopaedia")
        # Before the redirect only the rID is known: the row does not name it.
        assert index.find(["rid:75037"], "75037") is None
        # After it, the slug the permalink redirected to is the released row's.
        assert index.find(["rid:75037", "slug:covid-19-pneumonia-15"]).released
    assert _stage(engine, _radiopaedia()) is None
    assert _keys(engine) == []


def test_the_credit_line_of_the_real_sample_names_the_rid_before_any_redirect(engine, project_env):
    import_dataset(SAMPLE_CSV, engine, MediaStore(project_env["MEDIA_STORE"]))
    with session_scope(engine) as session:
        index = load_index(session, "radiopaedia")
        eurorad = load_index(session, "eurorad")
        sirm = load_index(session, "sirm")
        papers = load_index(session, "publications")
    assert index.find(["rid:75037"]).released and index.find(["rid:74867"]).released
    assert eurorad.find(["case:16672"]).released
    assert sirm.find(["slug:covid-19-caso-40"]).released
    assert papers.find(["doi:10.1056/nejmc2001272"]).released
    assert papers.find(["pii:S0140673620303706"]).released  # a ScienceDirect URL of the sample
    assert index.find(["rid:1"]) is None and eurorad.find(["case:1"]) is None


def test_a_case_staged_before_the_baseline_import_is_marked_released_and_never_exported(engine, tmp_path, project_env):
    assert _stage(engine, _radiopaedia()) == ("75037", "new")
    with session_scope(engine) as session:
        case = session.scalar(select(Case))
        case.review_state = "approved"
    store = MediaStore(project_env["MEDIA_STORE"])
    report = import_dataset(_checkout(tmp_path, [RELEASED_15]) / "metadata.csv", engine, store)
    assert report.released_cases == 1
    with session_scope(engine) as session:
        case = session.scalar(select(Case))
        assert case.review_state == "released"
        event = session.scalar(select(ReviewEvent).where(ReviewEvent.action == "released"))
        assert event.before == {"state": "approved"} and event.after["released_filename"] == "rp15.png"
        assert "patient 20" in event.reason
        with pytest.raises(ReviewError, match="is released"):
            approve(session, case, "maintainer")
    exported = export_release(engine, store, tmp_path / "release")
    assert exported.new_rows == 0 and exported.released_rows == 1


def test_an_export_marks_its_cases_released_and_the_next_export_gives_the_same_bytes(engine, tmp_path, project_env,
                                                                                     scrapy_inproc):
    store = MediaStore(project_env["MEDIA_STORE"])
    row = ("2,0,M,65,Pneumonia/Viral/COVID-19,,,,,,,,,,,,,,PA,X-ray,2020,,images,p2-a.png,,"
           "https://example.org/p2,CC BY 4.0,,,")
    import_dataset(write_release(tmp_path / "dataset", [row], {"images/p2-a.png": png_bytes(seed=1)}), engine, store)
    case_id = add_case(engine, store, "rp-1")
    first = export_release(engine, store, tmp_path / "r1")
    assert first.new_rows == 1
    with session_scope(engine) as session:
        case = session.get(Case, case_id)
        assert case.review_state == "released"
        event = session.scalar(select(ReviewEvent).where(ReviewEvent.case_id == case_id,
                                                         ReviewEvent.action == "released"))
        assert event.actor == "export" and event.after["patientid"] == "3"
        with pytest.raises(ReviewError, match="is released"):
            reject(session, case, "maintainer", "changed my mind")
    second = export_release(engine, store, tmp_path / "r2")
    assert second.new_rows == 1
    assert (tmp_path / "r2" / "metadata.csv").read_bytes() == (tmp_path / "r1" / "metadata.csv").read_bytes()
    def listed(state: str) -> list[dict]:
        cases = json.loads(scrapy_inproc("cases", "list", "--state", state, "--json", check=True).stdout)
        return [case for case in cases if case["id"] == case_id]

    [released] = listed("released")
    assert released["state"] == "released"
    assert listed("approved") == []


def test_cases_staged_before_revision_0008_get_their_identity_and_keep_their_keys(engine):
    from staging.identity import prepare_identities

    with session_scope(engine) as session:
        for key, url, doi, extra in (("pmc:PMC7251234#patient2", PMC_PAGE, DOI, {"pmcid": "PMC7251234"}),
                                     ("16689-p2", "https://www.eurorad.org/case/16689", "", {})):
            session.add(Case(source="publications" if "#" in key else "eurorad", source_key=key, canonical_url=url,
                             doi=doi or None, review_state="staged", extra=extra))
    cases, linked = prepare_identities(engine)
    assert (cases, linked.rows) == (2, 0)
    with session_scope(engine) as session:
        assert dict(session.execute(select(Case.source_key, Case.identity_key)).all()) == {
            "pmc:PMC7251234#patient2": "pmc:PMC7251234", "16689-p2": "16689"}
    # The paper's DOI is a name of the key its cases were staged under: a record by DOI joins them.
    assert _stage(engine, _paper(DOI, 2, doi=DOI, pmcid="PMC7251234"))[0] == "pmc:PMC7251234#patient2"


def test_rows_an_export_wrote_do_not_release_the_other_patients_of_the_paper(engine, tmp_path, project_env):
    store = MediaStore(project_env["MEDIA_STORE"])
    row = ("2,0,M,65,Pneumonia/Viral/COVID-19,,,,,,,,,,,,,,PA,X-ray,2020,,images,p2-a.png,,"
           "https://example.org/p2,CC BY 4.0,,,")
    checkout = write_release(tmp_path / "dataset", [row], {"images/p2-a.png": png_bytes(seed=1)})
    import_dataset(checkout, engine, store)
    exported = add_case(engine, store, f"{DOI}#patient1", source="publications")
    waiting = add_case(engine, store, f"{DOI}#patient2", source="publications", state="staged")
    with session_scope(engine) as session:
        for case_id in (exported, waiting):
            case = session.get(Case, case_id)
            case.doi, case.identity_key = DOI, DOI
        remember(session, "publications", DOI, [f"doi:{DOI}"])
    from exports.release import export_into_dataset

    assert export_into_dataset(engine, store, checkout).new_rows == 1
    import_dataset(checkout, engine, store)  # the checkout now holds patient 1's row, with the paper's DOI
    with session_scope(engine) as session:
        assert session.get(Case, exported).review_state == "released"
        assert session.get(Case, waiting).review_state == "staged"


def test_the_same_page_reached_by_another_search_or_identifier_is_unchanged(engine):
    """How a crawl reached a case (its search, the identifier given, the route) is no change of the
    case: re-staged that way it stays as reviewed; a change of what the page says is one."""
    def record(**extra) -> CaseRecord:
        return CaseRecord(source="radiopaedia", source_key="75037", url="https://radiopaedia.org/cases/covid-19-pneumonia-15",
                          title="COVID-19 pneumonia", history="Elderly man.", extra=extra)

    with session_scope(engine) as session:
        assert stage_case(session, record(search_query="COVID"), _stored(1), normalize=lambda _r: [])[1] == "new"
    with session_scope(engine) as session:
        again = record(search_query="ARDS", input="rID 75037", resolution={"route": "page"}, crawl_notes=["n"])
        assert stage_case(session, again, _stored(1), normalize=lambda _r: [])[1] == "unchanged"
    with session_scope(engine) as session:
        assert stage_case(session, record(search_query="COVID", patient_number=2), _stored(1),
                          normalize=lambda _r: [])[1] == "updated"
