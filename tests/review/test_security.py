"""review/security.py guards every route of the app, whichever blueprint holds it: a blueprint's own
hooks (``before_request`` instead of ``before_app_request``) would leave the others open."""

from __future__ import annotations

import pytest

from review.security import CSP
from review.web import create_app

#: A value for each kind of URL argument of the app's rules.
ARGUMENTS = {"case_id": 1, "candidate_id": 1, "annotation_id": 1, "sha256": "0" * 64, "ref": "image:1",
             "verb": "accept", "filename": "review.css"}


@pytest.fixture
def app(rdb):
    app = create_app(rdb.url, rdb.media, reviewer="alice", token="s3cret-token-0123456789", loopback_only=False)
    app.config["TESTING"] = True
    return app


def urls(app, method: str) -> list[str]:
    with app.test_request_context():
        from flask import url_for

        return sorted(url_for(rule.endpoint, **{a: ARGUMENTS[a] for a in rule.arguments})
                      for rule in app.url_map.iter_rules() if method in rule.methods)


def test_every_blueprint_has_routes(app):
    assert {rule.endpoint.split(".")[0] for rule in app.url_map.iter_rules()} == {
        "annotations", "candidates", "case", "media", "queue", "static"}


def test_every_route_needs_the_token_and_every_answer_has_the_security_headers(app):
    client = app.test_client()
    for url in urls(app, "GET") + urls(app, "POST"):
        for method in (client.get, client.post):
            response = method(url)
            assert response.status_code in (401, 405), url
            assert response.headers["Content-Security-Policy"] == CSP, url
            assert response.headers["X-Frame-Options"] == "DENY", url


def test_every_post_needs_the_csrf_token(app):
    client = app.test_client()
    client.get("/", headers={"Authorization": "Bearer s3cret-token-0123456789"})  # the session cookie
    posts = urls(app, "POST")
    assert len(posts) >= 15
    for url in posts:
        response = client.post(url, data={"csrf_token": "forged"})
        assert response.status_code == 403, url
        assert "CSRF" in response.get_data(as_text=True), url
