"""Every route of every fixture folder's ``urls.json`` that names a file names one that is there (the
mirror refuses a table that does not: a missing body would drop the connection and send a crawl down
another route without anyone noticing, as papers_unseen27's Europe PMC searches did)."""

from __future__ import annotations

import json

import pytest

from tests.mirror import FIXTURES, Mirror

TABLES = sorted(FIXTURES.glob("**/urls.json"))


@pytest.mark.parametrize("table", TABLES, ids=lambda p: str(p.parent.relative_to(FIXTURES)))
def test_every_named_file_is_there(table):
    routes = json.loads(table.read_text(encoding="utf-8"))
    missing = [(url, spec["file"]) for url, spec in routes.items()
               if spec.get("file") and not (spec.get("generated") or spec.get("generate"))
               and not (table.parent / spec["file"]).is_file()]
    assert missing == []


def test_the_mirror_refuses_a_table_naming_a_missing_file(tmp_path):
    site = tmp_path / "site"
    site.mkdir()
    (site / "urls.json").write_text(json.dumps({"https://example.org/a": {"file": "a.html", "status": 200}}))
    with pytest.raises(FileNotFoundError, match="a.html"):
        Mirror(["site"], fixtures=tmp_path)
