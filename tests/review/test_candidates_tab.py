"""The Candidates tab over HTTP (Flask's test client on the real app and database)."""

from __future__ import annotations

import re

import pytest

from db.models import Candidate, Case
from db.session import session_scope
from review.web import create_app


@pytest.fixture
def client(rdb):
    with session_scope(rdb.engine) as s:
        s.add_all([
            Candidate(key="doi:10.1000/low", doi="10.1000/low", title="A review of chest CT", score=-15.0,
                      reasons=[{"factor": "article type", "points": -20, "why": "review, meta-analysis or guideline"}],
                      found_by=["europepmc: q"], published="2021-02-10"),
            Candidate(key="doi:10.1000/high", doi="10.1000/high", pmcid="PMC1", title="Three patients: a case series",
                      score=91.0, reasons=[{"factor": "licence", "points": 30, "why": "CC BY allows redistribution"}],
                      found_by=["europepmc: q"], published="2020-05-27", license="cc by"),
            Candidate(key="doi:10.1000/staged", doi="10.1000/staged", title="Already staged", score=50.0, reasons=[],
                      found_by=[]),
        ])
        s.add(Case(source="publications", source_key="10.1000/staged#patient1", canonical_url="https://doi.org/10.1000/staged",
                   doi="10.1000/staged", review_state="staged"))
    app = create_app(rdb.url, rdb.media, reviewer="alice")
    app.config["TESTING"] = True
    return app.test_client()


def _order(html: str) -> list[str]:
    return re.findall(r"<td><strong>([^<]+)</strong><br>", html)


def test_tab_lists_new_candidates_best_first_with_reasons_and_links(client):
    html = client.get("/candidates").get_data(as_text=True)
    assert _order(html) == ["Three patients: a case series", "A review of chest CT"]
    assert "CC BY allows redistribution" in html
    assert ('href="https://pmc.ncbi.nlm.nih.gov/articles/PMC1/"' in html
            and 'href="https://doi.org/10.1000/high"' in html)


def test_tab_sorts_by_score_reversed(client):
    html = client.get("/candidates?sort=-score").get_data(as_text=True)
    assert _order(html) == ["A review of chest CT", "Three patients: a case series"]


def test_tab_shows_what_the_dataset_has_on_request(client):
    html = client.get("/candidates?all=1").get_data(as_text=True)
    assert "Already staged" in html and "answer-staged" in html
    assert "Already staged" not in client.get("/candidates").get_data(as_text=True)


def test_queue_links_to_the_tab(client):
    assert 'href="/candidates"' in client.get("/").get_data(as_text=True)


def _csrf(client) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', client.get("/candidates").get_data(as_text=True)).group(1)


def test_accept_and_reject_are_recorded_with_the_reviewer(client, rdb):
    token = _csrf(client)
    with session_scope(rdb.engine) as s:
        high, low = (s.query(Candidate).filter_by(key=k).one().id for k in ("doi:10.1000/high", "doi:10.1000/low"))
    assert client.post(f"/candidates/{high}/accept", data={"csrf_token": token}).status_code == 303
    assert client.post(f"/candidates/{low}/reject",
                       data={"csrf_token": token, "reason": "borrowed figures"}).status_code == 303
    with session_scope(rdb.engine) as s:
        assert (s.get(Candidate, high).status, s.get(Candidate, high).decided_by) == ("accepted", "alice")
        assert ((s.get(Candidate, low).status, s.get(Candidate, low).decision_reason)
                == ("rejected", "borrowed figures"))


def test_reject_without_reason_changes_nothing(client, rdb):
    token = _csrf(client)
    with session_scope(rdb.engine) as s:
        low = s.query(Candidate).filter_by(key="doi:10.1000/low").one().id
    response = client.post(f"/candidates/{low}/reject", data={"csrf_token": token}, follow_redirects=True)
    assert "reject needs --reason" in response.get_data(as_text=True)
    with session_scope(rdb.engine) as s:
        assert s.get(Candidate, low).status == "pending"


def test_decisions_need_the_csrf_token(client, rdb):
    with session_scope(rdb.engine) as s:
        high = s.query(Candidate).filter_by(key="doi:10.1000/high").one().id
    assert client.post(f"/candidates/{high}/accept", data={}).status_code == 403
