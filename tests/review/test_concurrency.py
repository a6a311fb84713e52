"""Two reviewers acting on one case at the same instant: no update is lost, a stale action is refused
with who changed the case and what, and the audit trail stays a chain.

Runs on the database ``STAGING_DB_URL`` points at (SQLite by default; PostgreSQL when set to one).
"""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import select

from db.models import ReviewEvent
from db.session import session_scope
from review import actions
from tests.review.conftest import case_state

ROUNDS = 30


def state_chain(rdb, case_id: int) -> list[tuple[str | None, str | None]]:
    with session_scope(rdb.engine) as s:
        events = s.scalars(select(ReviewEvent).where(ReviewEvent.case_id == case_id).order_by(ReviewEvent.id))
        return [(e.before.get("state"), e.after.get("state"))
                for e in events if isinstance(e.before, dict) and "state" in e.before]


def race(rdb, case_id: int, decisions: dict, seen: int | None) -> dict[str, BaseException | None]:
    """Run each reviewer's decision in its own thread and transaction, released at the same instant."""
    start = threading.Barrier(len(decisions))
    outcome: dict[str, BaseException | None] = {}

    def act(actor: str, decide) -> None:
        start.wait()
        try:
            with session_scope(rdb.engine) as s:
                decide(s, actions.open_case(s, case_id, seen), actor)
            outcome[actor] = None
        except actions.ReviewError as exc:
            outcome[actor] = exc

    threads = [threading.Thread(target=act, args=(actor, decide)) for actor, decide in decisions.items()]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return outcome


DECISIONS = {
    "alice": lambda s, c, actor: actions.approve(s, c, actor),
    "bob": lambda s, c, actor: actions.reject(s, c, actor, "not COVID-19: lobar pneumonia"),
}


def test_of_two_reviewers_deciding_on_what_they_both_saw_one_wins_and_the_other_is_told_by_whom(rdb):
    case_id = rdb.add_case("501")
    for _ in range(ROUNDS):
        with session_scope(rdb.engine) as s:
            seen = actions.case_version(s, case_id)
        outcome = race(rdb, case_id, DECISIONS, seen)
        winners = [actor for actor, error in outcome.items() if error is None]
        assert len(winners) == 1, outcome
        loser = next(actor for actor in outcome if actor not in winners)
        refusal = outcome[loser]
        assert isinstance(refusal, actions.StaleAction)
        assert f"case {case_id} changed since you saw it" in str(refusal)
        assert winners[0] in str(refusal)
        assert ("approve" if winners[0] == "alice" else "reject") in str(refusal)
        assert case_state(rdb, case_id) == ("approved" if winners[0] == "alice" else "rejected")
        with session_scope(rdb.engine) as s:
            actions.reopen(s, actions.open_case(s, case_id), "carol")
    chain = state_chain(rdb, case_id)
    assert len(chain) == 2 * ROUNDS
    assert all(before == previous_after for (_, previous_after), (before, _) in zip(chain, chain[1:]))


def test_actions_without_a_version_are_serialized_and_the_trail_is_a_chain(rdb):
    case_id = rdb.add_case("502")
    for _ in range(10):
        outcome = race(rdb, case_id, DECISIONS, None)
        assert all(error is None for error in outcome.values()), outcome
        with session_scope(rdb.engine) as s:
            actions.reopen(s, actions.open_case(s, case_id), "carol")
    chain = state_chain(rdb, case_id)
    assert chain[0][0] == "staged"
    assert all(before == previous_after for (_, previous_after), (before, _) in zip(chain, chain[1:]))


def test_a_field_edit_made_since_is_named_in_the_refusal(rdb):
    case_id = rdb.add_case("503")
    with session_scope(rdb.engine) as s:
        seen = actions.case_version(s, case_id)
    with session_scope(rdb.engine) as s:
        actions.set_field(s, actions.open_case(s, case_id, seen), "dana", "age", "52")
    with pytest.raises(actions.StaleAction) as refused, session_scope(rdb.engine) as s:
        actions.approve(s, actions.open_case(s, case_id, seen), "erin")
    assert "dana set_field age ('45' -> '52')" in str(refused.value)
    assert case_state(rdb, case_id) == "staged"


@pytest.mark.parametrize("seen", ["x", "-1"])
def test_a_version_that_is_not_a_number_is_bad_input(rdb, seen):
    case_id = rdb.add_case("504")
    with pytest.raises(actions.ReviewError, match="is not a case version"), session_scope(rdb.engine) as s:
        actions.open_case(s, case_id, seen)


def test_the_review_page_refuses_a_form_shown_before_another_reviewer_acted(rdb):
    import re

    from review.web import create_app

    case_id = rdb.add_case("505")
    pages = []
    for reviewer in ("alice", "bob"):
        app = create_app(rdb.url, rdb.media, reviewer=reviewer)
        app.config["TESTING"] = True
        client = app.test_client()
        html = client.get(f"/case/{case_id}").get_data(as_text=True)
        form = re.search(r'id="reject-form".*?name="csrf_token" value="([^"]+)">'
                         r'<input type="hidden" name="seen" value="(\d+)"', html, re.S)
        pages.append((client, form.group(1), form.group(2)))
    (alice, alice_csrf, alice_seen), (bob, bob_csrf, bob_seen) = pages
    assert alice_seen == bob_seen
    done = alice.post(f"/case/{case_id}/approve", data={"csrf_token": alice_csrf, "seen": alice_seen})
    assert done.status_code == 303
    late = bob.post(f"/case/{case_id}/reject",
                    data={"csrf_token": bob_csrf, "seen": bob_seen, "reason": "not COVID-19"})
    assert late.status_code == 409
    assert "changed since you saw it" in late.get_data(as_text=True) and "alice approve" in late.get_data(as_text=True)
    assert case_state(rdb, case_id) == "approved"


def test_the_terminal_refuses_an_action_on_a_version_it_did_not_show(rdb, scrapy_inproc):
    case_id = rdb.add_case("506")
    shown = scrapy_inproc("cases", "show", str(case_id), check=True).stdout
    version = shown.split("\tversion ", 1)[1].split()[0]
    scrapy_inproc("cases", "reject", str(case_id), "--reason", "a child", check=True, )
    late = scrapy_inproc("cases", "approve", str(case_id), "--seen", version)
    assert late.returncode == 1
    assert "changed since you saw it" in late.stderr and "reject (state staged -> rejected)" in late.stderr
    assert late.stderr.strip().count("\n") == 0
    assert case_state(rdb, case_id) == "rejected"
