"""Schema upgrades: one transaction, one process at a time.

A ``scrapy migrate`` killed inside the upgrade leaves the database as it was (SQLite's DDL is
transactional once the driver stops opening transactions on its own); several commands started
together on a fresh database all succeed (the first upgrades, the others wait for its lock).
"""

from __future__ import annotations

import subprocess

import pytest
from sqlalchemy import create_engine, inspect, text

from db.session import head_revision
from tests.conftest import ROOT, SCRAPY
from tests.databases import new_database
from tests.faults.conftest import KILLED

# Both tests need a database without tables, on PostgreSQL too (not a copy of the migrated template).
pytestmark = pytest.mark.empty_database


def schema(url: str) -> tuple[list[tuple], list[tuple]]:
    """Every table, view and index with its definition (SQLite's own SQL text; on another backend
    what the inspector reports), and the revision."""
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            if engine.dialect.name == "sqlite":
                # a table rebuilt by a batch migration lists its constraints in no fixed order: compared as a set
                tables = [(kind, name, sorted((sql or "").replace(")", ",").split(",")))
                          for kind, name, sql in conn.execute(text("select type, name, sql from sqlite_master "
                                                                   "where name not like 'sqlite_%' order by name"))]
            else:
                found = inspect(conn)
                tables = [(name, repr([(c["name"], str(c["type"]), c["nullable"]) for c in found.get_columns(name)]),
                           repr(sorted((i["name"], tuple(i["column_names"]), bool(i["unique"]))
                                       for i in found.get_indexes(name))),
                           repr(sorted(str(u["column_names"]) for u in found.get_unique_constraints(name))))
                          for name in sorted(found.get_table_names())]
            version = ([tuple(r) for r in conn.execute(text("select version_num from alembic_version"))]
                       if tables else [])
        return tables, version
    finally:
        engine.dispose()


@pytest.mark.parametrize("passes", [1, 4])
def test_a_migration_killed_inside_the_upgrade_leaves_nothing_and_the_next_one_completes(
        passes, scrapy_run, project_env, tmp_path):
    url = project_env["STAGING_DB_URL"]
    killed = scrapy_run("migrate", kill_at=f"migration@{passes}")
    assert killed.returncode == KILLED, killed.stderr
    assert schema(url) == ([], [])  # the whole upgrade rolled back, not half a schema
    again = scrapy_run("migrate")
    assert again.returncode == 0, again.stderr
    fresh_url = new_database(tmp_path / "fresh", migrated=False)
    assert scrapy_run("migrate", env={"STAGING_DB_URL": fresh_url}).returncode == 0
    assert schema(url) == schema(fresh_url)
    assert schema(url)[1] == [(head_revision(),)]


def test_commands_started_together_on_a_fresh_database_all_succeed(project_env):
    processes = [subprocess.Popen([SCRAPY, "migrate"], cwd=ROOT, env=project_env, stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, text=True) for _ in range(3)]
    results = [(p.wait(timeout=300), p.stdout.read(), p.stderr.read()) for p in processes]
    for code, _out, err in results:
        assert code == 0, err
        assert "already exists" not in err and "duplicate column" not in err
    upgraded = [out for _code, out, _err in results if "upgraded from revision empty" in out]
    assert len(upgraded) == 1
    assert schema(project_env["STAGING_DB_URL"])[1] == [(head_revision(),)]
