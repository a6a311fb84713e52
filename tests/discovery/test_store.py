"""discovery.store: one candidate per paper whatever form named it; decisions all or none."""

from datetime import date

import pytest

from db.models import Candidate
from db.session import open_database, session_scope
from discovery.store import ACCEPTED, REJECTED, CandidateError, decide, paper_reference, parse_candidate_id, save_found
from ingest.identifiers import PaperIds
from ingest.literature import FoundPaper
from ingest.ranking import rank_found
from spiders.discover import lookup_query

TODAY = date(2026, 12, 4)


@pytest.fixture
def engine(staging_db_url):
    engine = open_database(staging_db_url)
    yield engine
    engine.dispose()


def found(ids: PaperIds, found_by="list: ids.txt", **fields):
    return rank_found(FoundPaper(ids=ids, found_by=found_by, **fields), None, TODAY)


def test_same_paper_under_another_identifier_completes_one_candidate(engine):
    with session_scope(engine) as s:
        first, created = save_found(s, found(PaperIds(pmid="32157862"), "litcovid: litcovid.tsv"))
        second, created_again = save_found(s, found(PaperIds(pmid="32157862", doi="10.4274/balkanmedj.x"),
                                                    "europepmc: q", title="A case", license="cc by"))
        assert (created, created_again) == (True, False)
        assert first.id == second.id and s.query(Candidate).count() == 1
        assert (second.key, second.doi, second.title) == ("pmid:32157862", "10.4274/balkanmedj.x", "A case")
        assert second.found_by == ["litcovid: litcovid.tsv", "europepmc: q"]


def test_score_and_reasons_follow_the_latest_ranking(engine):
    with session_scope(engine) as s:
        save_found(s, found(PaperIds(doi="10.1000/a")))
        candidate, _ = save_found(s, found(PaperIds(doi="10.1000/a"), license="cc by"))
        assert candidate.score == 30.0
        assert candidate.reasons[0] == {"factor": "licence", "points": 30,
                                        "why": "CC BY (given as 'cc by') allows redistribution"}


def test_a_decision_survives_the_paper_being_found_again(engine):
    with session_scope(engine) as s:
        candidate, _ = save_found(s, found(PaperIds(doi="10.1000/a")))
        decide(s, [candidate.id], REJECTED, "alice", "no chest imaging")
        again, _ = save_found(s, found(PaperIds(doi="10.1000/a", pmcid="PMC5")))
        assert ((again.status, again.decided_by, again.decision_reason, again.pmcid)
                == ("rejected", "alice", "no chest imaging", "PMC5"))


def test_decide_is_all_or_none(engine):
    with session_scope(engine) as s:
        candidate, _ = save_found(s, found(PaperIds(doi="10.1000/a")))
        cid = candidate.id
    with pytest.raises(CandidateError, match="no candidate 999"), session_scope(engine) as s:
        decide(s, [cid, 999], ACCEPTED, "alice", None)
    with session_scope(engine) as s:
        assert s.get(Candidate, cid).status == "pending"


def test_reject_needs_a_reason(engine):
    with session_scope(engine) as s, pytest.raises(CandidateError, match="reject needs --reason"):
        decide(s, [1], REJECTED, "alice", "  ")


@pytest.mark.parametrize("text", ["0", "-3", "x", "1.5", ""])
def test_candidate_ids_are_whole_numbers(text):
    with pytest.raises(CandidateError, match="is not a candidate id"):
        parse_candidate_id(text)


def test_publications_gets_the_pmcid_first_then_the_doi():
    assert paper_reference(Candidate(doi="10.1000/a", pmcid="PMC5")) == "PMC5"
    assert paper_reference(Candidate(doi="10.1000/a")) == "10.1000/a"
    assert paper_reference(Candidate(url="example.org/paper")) == "https://example.org/paper"


def test_lookup_query_names_every_identifier_once():
    papers = [FoundPaper(ids=PaperIds(doi="10.1000/a", pmid="5"), found_by="x"),
              FoundPaper(ids=PaperIds(pmcid="PMC7"), found_by="x"),
              FoundPaper(ids=PaperIds(doi="10.1000/a"), found_by="x")]
    assert lookup_query(papers) == 'DOI:"10.1000/a" OR (EXT_ID:5 AND SRC:MED) OR PMCID:PMC7'
