""""Already have it?" on the real dataset sample: every form of a released paper is answered
released, papers it lacks new, staged and rejected ones with who/when/why. No released paper is
ever offered as new (the issue's target)."""

from datetime import UTC, datetime

import pytest

from db.models import Candidate, Case
from db.session import open_database, session_scope
from discovery.known import KnownPapers
from discovery.store import REJECTED, decide
from exports.baseline import import_dataset
from ingest.identifiers import parse_identifier
from media.store import MediaStore
from tests.conftest import SAMPLE_CSV
from tests.databases import drop_database, new_database

pytestmark = pytest.mark.database

#: Papers the sample has, each written in a form its row does not use.
RELEASED_FORMS = {
    "10.1056/NEJMoa2001191": "row doi as is",
    "doi:10.1056/nejmoa2001191": "doi: prefix, lower case",
    "https://doi.org/10.1056/NEJMoa2001191": "doi.org",
    "http://dx.doi.org/10.1056/NEJMOA2001191": "dx.doi.org, upper case",
    "https://www.nejm.org/doi/pdf/10.1056/NEJMoa2001191": "DOI inside another publisher URL",
    "https://link.springer.com/article/10.1007/s11547-020-01200-3": "URL the row has %2F-encoded",
    "10.2214/ajr.20.23034": "row doi with a trailing space",
    "10.1038/S41591-020-0819-2": "DOI whose row URL carries the suffix only (nature.com)",
    "PMC7151400": "PMCID of a row whose url is the legacy PMC page",
    "https://pmc.ncbi.nlm.nih.gov/articles/PMC7151400/": "current PMC URL",
    "https://europepmc.org/article/PMC/PMC7151400": "Europe PMC URL",
    "32157862": "PMID of a row whose url is pubmed.ncbi.nlm.nih.gov",
    "PMID: 12759474": "PMID of a row whose url is ncbi.nlm.nih.gov/pubmed",
    "https://europepmc.org/article/MED/32157862": "Europe PMC MED URL",
    "S0140-6736(20)30370-6": "formatted PII of a ScienceDirect row",
    "https://linkinghub.elsevier.com/retrieve/pii/S1931312820301852": "PII through another Elsevier host",
    "S1473309920301110": "compact PII of a Lancet PIIS URL",
    "S0012-3692(20)30764-9": "PII of a journal.chestnet.org row",
    "http://radiopaedia.org/cases/pneumococcal-pneumonia": "case site URL without lang",
    "https://www.eurorad.org/case/16745/": "Eurorad URL with a trailing slash",
    "https://thno.org/v10p5641.htm": "publisher page without www",
}
LACKING = ["10.1002/ccr3.4321", "PMC7812345", "34567890", "S2213-0071(20)30520-7", "10.1148/radiol.2020209999",
           "https://www.cureus.com/articles/99999-new-case", "https://radiopaedia.org/cases/covid-19-pneumonia-999"]


@pytest.fixture(scope="module")
def engine(tmp_path_factory):
    root = tmp_path_factory.mktemp("known")
    url = new_database(root)  # the backend under test (tests/databases.py)
    engine = open_database(url)
    import_dataset(SAMPLE_CSV, engine, MediaStore(root / "media"))
    with session_scope(engine) as session:
        session.add(Case(source="publications", source_key="10.1016/j.radcr.2020.05.017#patient1",
                         review_state="staged", canonical_url="https://pmc.ncbi.nlm.nih.gov/articles/PMC7251234/",
                         doi="10.1016/j.radcr.2020.05.017",
                         extra={"pmcid": "PMC7251234"}))
        session.add(Candidate(key="doi:10.1007/s00330-021-07715-1", doi="10.1007/s00330-021-07715-1", pmid="33456789"))
        session.flush()
        candidate = session.query(Candidate).one()
        decide(session, [candidate.id], REJECTED, "alice", "systematic review: borrowed figures")
        candidate.decided_at = datetime(2026, 11, 30, 9, 15, tzinfo=UTC)
    yield engine
    engine.dispose()
    drop_database(url)


@pytest.fixture(scope="module")
def known(engine):
    with session_scope(engine) as session:
        return KnownPapers(session)


@pytest.mark.parametrize("given", list(RELEASED_FORMS))
def test_every_form_of_a_released_paper_is_released(known, given):
    assert known.answer(parse_identifier(given)).status == "released", RELEASED_FORMS[given]


@pytest.mark.parametrize("given", LACKING)
def test_papers_the_dataset_lacks_are_new(known, given):
    assert known.answer(parse_identifier(given)).status == "new"


def test_released_detail_names_patientids_and_rows(known):
    answer = known.answer(parse_identifier("32157862"))
    assert answer.detail == "patientid 333; rows 312 (BMJ-37-163-g1.jpg)"


def test_released_paper_with_several_rows(known):
    answer = known.answer(parse_identifier("10.1056/NEJMoa2001191"))
    assert [r.filename for r in answer.released][:2] == ["nejmoa2001191_f1-PA.jpeg", "nejmoa2001191_f1-L.jpeg"]
    assert len(answer.released) == 7
    assert answer.detail.startswith("patientid 13; rows ")


@pytest.mark.parametrize("given", ["PMC7251234", "https://doi.org/10.1016/j.radcr.2020.05.017"])
def test_staged_paper_names_its_cases(known, given):
    answer = known.answer(parse_identifier(given))
    assert answer.status == "staged"
    assert answer.detail.startswith("cases ") and "(staged, 10.1016/j.radcr.2020.05.017#patient1)" in answer.detail


@pytest.mark.parametrize("given", ["10.1007/s00330-021-07715-1", "33456789"])
def test_rejected_candidate_says_when_who_why(known, given):
    answer = known.answer(parse_identifier(given))
    assert answer.status == "rejected"
    assert answer.detail.endswith("rejected 2026-11-30 09:15 UTC by alice: systematic review: borrowed figures")


def test_released_wins_over_staged_and_rejected(engine):
    with session_scope(engine) as session:
        session.add(Case(source="publications", source_key="10.1056/nejmoa2001191#patient1", review_state="staged",
                         canonical_url="https://www.nejm.org/doi/full/10.1056/NEJMoa2001191",
                         doi="10.1056/nejmoa2001191"))
        session.flush()
        assert KnownPapers(session).answer(parse_identifier("10.1056/NEJMoa2001191")).status == "released"
        session.rollback()


def test_a_case_a_reviewer_rejected_is_rejected_with_who_and_why(engine):
    from review import actions

    with session_scope(engine) as session:
        case = Case(source="publications", source_key="10.1002/ccr3.9999#patient1", review_state="staged",
                    canonical_url="https://doi.org/10.1002/ccr3.9999", doi="10.1002/ccr3.9999")
        session.add(case)
        session.flush()
        actions.reject(session, case, "bob", "figures are CT of the abdomen")
        answer = KnownPapers(session).answer(parse_identifier("https://doi.org/10.1002/CCR3.9999"))
        session.rollback()
    assert answer.status == "rejected"
    assert answer.rejections[0].what.startswith("case ") and answer.rejections[0].by == "bob"
    assert answer.detail.endswith("UTC by bob: figures are CT of the abdomen")


def test_every_released_row_of_the_sample_known_by_pmid_or_pmcid_also_has_its_doi(known):
    # So a DOI alone answers "new" from the database; a row without its DOI would make it look up.
    assert known.without_doi == 0


def test_a_case_known_by_pmcid_alone_is_counted(engine):
    with session_scope(engine) as session:
        session.add(Case(source="publications", source_key="pmc:PMC7000001#patient1", review_state="staged",
                         canonical_url="https://pmc.ncbi.nlm.nih.gov/articles/PMC7000001/",
                         extra={"pmcid": "PMC7000001"}))
        session.flush()
        assert KnownPapers(session).without_doi == 1
        session.rollback()


def test_a_eurorad_case_doi_finds_the_released_case_page(known):
    assert known.answer(parse_identifier("doi:10.35100/eurorad/case.16745")).status == "released"
