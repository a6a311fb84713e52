"""``db.bulk.insert_rows`` (PostgreSQL: COPY) stores exactly what SQLAlchemy's ``insert`` stores."""

from __future__ import annotations

from sqlalchemy import insert, select, text

from db.bulk import insert_rows
from db.models import DatasetImport, ReleasedRow, ReleasedRowChange
from db.session import open_database, session_scope

AWKWARD = ["tab\there", "new\nline", "back\\slash \\N", "quote \" ' ,", "", "é ü 中文 \u2028", "\\.", "trailing "]


def _rows(prefix: str, import_id: int, n: int) -> list[dict]:
    out = []
    for i in range(n):
        word = AWKWARD[i % len(AWKWARD)]
        out.append({"row_key": f"{prefix}{i}", "first_import_id": import_id, "position": i if i % 5 else None,
                    "patientid": str(i), "filename": f"{word}{i}.png", "raw": f"{i},{word}", "ending": "\r\n" if i % 2 else "\n",
                    "cells": [word, None, i, 1.5, True], "typed": {"age": i or None, "note": word, "nested": {"a": [1, None]}},
                    "last_import_id": import_id, "removed_import_id": None})
    return out


def _stored(session, model, prefix: str, key: str) -> list[tuple]:
    table = model.__table__
    columns = [c for c in table.columns if c.key not in ("id", key)]
    result = session.execute(select(getattr(model, key), *columns).where(getattr(model, key).like(f"{prefix}%")))
    return sorted((r[0][len(prefix):], *r[1:]) for r in result)


def test_insert_rows_stores_what_insert_stores(staging_db_url):
    engine = open_database(staging_db_url)
    with session_scope(engine) as session:
        imp = DatasetImport(path="x", metadata_sha256="0" * 64, files_sha256="0" * 64, header_raw="h", header_ending="\n", rows=0, files=0)
        session.add(imp)
        session.flush()
        session.execute(insert(ReleasedRow), _rows("a-", imp.id, 40))
        insert_rows(session, ReleasedRow, _rows("b-", imp.id, 40))
        changes = [{"import_id": imp.id, "row_key": f"{p}{i}", "kind": "changed", "before": AWKWARD[i % 8], "after": None}
                   for p in ("a-", "b-") for i in range(20)]
        session.execute(insert(ReleasedRowChange), changes[:20])
        insert_rows(session, ReleasedRowChange, changes[20:])
    with session_scope(engine) as session:
        assert _stored(session, ReleasedRow, "a-", "row_key") == _stored(session, ReleasedRow, "b-", "row_key")
        assert _stored(session, ReleasedRowChange, "a-", "row_key") == _stored(session, ReleasedRowChange, "b-", "row_key")
        if engine.dialect.name == "postgresql":  # the JSON text itself, byte for byte
            texts = dict(session.execute(text("select row_key, cells::text || typed::text from released_rows")).all())
            assert all(texts[f"a-{i}"] == texts[f"b-{i}"] for i in range(40))
        assert session.scalar(select(ReleasedRow.identity_linked).where(ReleasedRow.row_key == "b-1")) is False
