"""``db.bulk`` (SQLite: the DBAPI's executemany, PostgreSQL: COPY) stores exactly what SQLAlchemy's
``insert`` stores, and the import through it stores what the import through ``insert`` stored."""

from __future__ import annotations

import json

from sqlalchemy import Text, cast, delete, insert, select, text

from db.bulk import insert_rows, insert_tuples
from db.models import DatasetImport, ReleasedIdentity, ReleasedRow, ReleasedRowChange
from db.session import open_database, session_scope
from exports.baseline import JsonCells, import_dataset, typed_values
from exports.csvio import read_metadata
from media.store import MediaStore
from staging.identity import link_released_rows
from tests.conftest import SAMPLE_CSV

AWKWARD = ["tab\there", "new\nline", "back\\slash \\N", "quote \" ' ,", "", "é ü 中文 \u2028", "\\.", "trailing "]


def _rows(prefix: str, import_id: int, n: int) -> list[dict]:
    out = []
    for i in range(n):
        word = AWKWARD[i % len(AWKWARD)]
        out.append({"row_key": f"{prefix}{i}", "first_import_id": import_id, "position": i if i % 5 else None,
                    "patientid": str(i), "filename": f"{word}{i}.png", "raw": f"{i},{word}",
                    "ending": "\r\n" if i % 2 else "\n", "cells": [word, None, i, 1.5, True],
                    "typed": {"age": i or None, "note": word, "nested": {"a": [1, None]}},
                    "last_import_id": import_id, "removed_import_id": None})
    return out


def _stored(session, model, prefix: str, key: str) -> list[tuple]:
    table = model.__table__
    columns = [c for c in table.columns if c.key not in ("id", key)]
    result = session.execute(select(getattr(model, key), *columns).where(getattr(model, key).like(f"{prefix}%")))
    return sorted((r[0][len(prefix):], *r[1:]) for r in result)


def _new_import(session) -> DatasetImport:
    """An empty import for rows to belong to."""
    imp = DatasetImport(path="x", metadata_sha256="0" * 64, files_sha256="0" * 64, header_raw="h",
                        header_ending="\n", rows=0, files=0)
    session.add(imp)
    session.flush()
    return imp


def test_insert_rows_stores_what_insert_stores(staging_db_url):
    engine = open_database(staging_db_url)
    with session_scope(engine) as session:
        imp = _new_import(session)
        session.execute(insert(ReleasedRow), _rows("a-", imp.id, 40))
        insert_rows(session, ReleasedRow, _rows("b-", imp.id, 40))
        keys = tuple(_rows("c-", imp.id, 1)[0])
        insert_tuples(session, ReleasedRow, keys, (tuple(row.values()) for row in _rows("c-", imp.id, 40)))
        changes = [{"import_id": imp.id, "row_key": f"{p}{i}", "kind": "changed", "before": AWKWARD[i % 8],
                    "after": None}
                   for p in ("a-", "b-") for i in range(20)]
        session.execute(insert(ReleasedRowChange), changes[:20])
        insert_rows(session, ReleasedRowChange, changes[20:])
    with session_scope(engine) as session:
        assert _stored(session, ReleasedRow, "a-", "row_key") == _stored(session, ReleasedRow, "b-", "row_key")
        assert _stored(session, ReleasedRow, "a-", "row_key") == _stored(session, ReleasedRow, "c-", "row_key")
        # the JSON text itself, byte for byte, on every dialect
        texts = dict(session.execute(select(ReleasedRow.row_key,
                                            cast(ReleasedRow.cells, Text) + cast(ReleasedRow.typed, Text))).all())
        assert all(texts[f"a-{i}"] == texts[f"b-{i}"] == texts[f"c-{i}"] for i in range(40))
        assert (_stored(session, ReleasedRowChange, "a-", "row_key")
                == _stored(session, ReleasedRowChange, "b-", "row_key"))
        if engine.dialect.name == "postgresql":  # the JSON text itself, byte for byte
            texts = dict(session.execute(text("select row_key, cells::text || typed::text from released_rows")).all())
            assert all(texts[f"a-{i}"] == texts[f"b-{i}"] for i in range(40))
        assert session.scalar(select(ReleasedRow.identity_linked).where(ReleasedRow.row_key == "b-1")) is False


def _snapshot(session) -> dict:
    """What an import stored: rows (JSON as stored text), changes and identities, without ids."""
    rows = [c for c in ReleasedRow.__table__.columns if c.key not in ("id", "cells", "typed")]
    return {
        "rows": session.execute(select(*rows, cast(ReleasedRow.cells, Text), cast(ReleasedRow.typed, Text))
                                .order_by(ReleasedRow.position)).all(),
        "changes": session.execute(select(ReleasedRowChange.row_key, ReleasedRowChange.kind, ReleasedRowChange.before,
                                          ReleasedRowChange.after).order_by(ReleasedRowChange.id)).all(),
        "identities": sorted(session.execute(
            select(ReleasedRow.row_key, ReleasedIdentity.source, ReleasedIdentity.key)
            .join(ReleasedRow, ReleasedRow.id == ReleasedIdentity.released_row_id)).all()),
    }


def test_import_stores_what_the_insert_path_stored(staging_db_url, tmp_path):
    """The import's tuples through db/bulk.py (cells typed once per distinct value, new rows linked
    as they go in) store the rows, changes and identities that dicts through ``insert`` and a
    separate ``link_released_rows`` stored before."""
    data = SAMPLE_CSV.read_bytes()
    first_row = data.split(b"\n")[1]
    csv_path = tmp_path / "metadata.csv"
    csv_path.write_bytes(data + first_row + b"\n")  # a repeated filename: row key "#2"
    engine = open_database(staging_db_url)
    import_dataset(csv_path, engine, MediaStore(tmp_path / "media"))
    with session_scope(engine) as session:
        new = _snapshot(session)
        import_id = session.scalar(select(DatasetImport.id))
        for model in (ReleasedIdentity, ReleasedRowChange, ReleasedRow):
            session.execute(delete(model))
    meta = read_metadata(csv_path)
    columns = meta.columns
    seen: dict[str, int] = {}
    rows, changes = [], []
    for position, record in enumerate(meta.records):
        name = record.cells[columns.index("filename")]
        seen[name] = seen.get(name, 0) + 1
        key = name if seen[name] == 1 else f"{name}#{seen[name]}"
        rows.append({"row_key": key, "first_import_id": import_id, "position": position,
                     "patientid": record.cells[columns.index("patientid")], "filename": name, "raw": record.raw,
                     "ending": record.ending, "cells": list(record.cells),
                     "typed": typed_values(columns, record.cells), "last_import_id": import_id,
                     "removed_import_id": None})
        changes.append({"import_id": import_id, "row_key": key, "kind": "added", "before": None, "after": None})
    with session_scope(engine) as session:
        session.execute(insert(ReleasedRow), rows)
        session.execute(insert(ReleasedRowChange), changes)
        link_released_rows(session)
    with session_scope(engine) as session:
        old = _snapshot(session)
    assert len(new["rows"]) == 454 and new["identities"]
    assert new == old


#: Cells whose typed value or JSON text is easy to get wrong: numbers of every shape, escapes,
#: non-ASCII, line separators, control characters, blanks and spaces.
JSON_CELLS = ["", " ", "0", "-0", "007", "1.5", "-1.50", "1e3", "1E400", "nan", "NaN", "inf", "-Infinity",
              "12345678901234567890", "0.1", "65", " 65 ", "Y", "N", "M", "F", "PA", "X-ray", "images", "a/b", ".x",
              "2020-01-22", "January 22, 2020",
              "10.1056/NEJMc2001272", "CC BY 4.0", '"quoted"', "back\\slash", "tab\there", "new\nline", "\u2028\u2029",
              "é ü 中文 😀", "\x00\x1f\x7f", "</script>", "x" * 300]


def test_json_cells_is_json_dumps():
    """``JsonCells`` (the import's JSON text, from pieces) is ``json.dumps`` of the list of cells and
    of ``typed_values``, byte for byte: for every cell above in every column, and every sample row."""
    meta = read_metadata(SAMPLE_CSV)
    columns = meta.columns
    as_json = JsonCells(columns)
    rows = [record.cells for record in meta.records]
    for i in range(len(columns)):
        for cell in JSON_CELLS:
            rows.append(tuple(cell if j == i else "" for j in range(len(columns))))
    for cells in rows * 2:  # the second time from the pieces kept
        assert as_json(cells) == (json.dumps(list(cells)), json.dumps(typed_values(columns, cells)))


def test_json_text_through_insert_where_there_is_no_bulk_path(staging_db_url, monkeypatch):
    """Where ``insert`` stores the rows (another driver, a callable default), JSON given as text is
    stored as the values it is the text of: not a JSON string of that text."""
    import db.bulk  # noqa: PLC0415

    engine = open_database(staging_db_url)
    with session_scope(engine) as session:
        imp = _new_import(session)
        rows = _rows("a-", imp.id, 16)
        session.execute(insert(ReleasedRow), rows)
        keys = tuple(_rows("t-", imp.id, 1)[0])
        texts = [{**row, "cells": json.dumps(row["cells"]), "typed": json.dumps(row["typed"])}
                 for row in _rows("t-", imp.id, 16)]
        monkeypatch.setattr(db.bulk, "_plan", lambda *_args: None)
        insert_tuples(session, ReleasedRow, keys, (tuple(row.values()) for row in texts), json_text={"cells", "typed"})
    with session_scope(engine) as session:
        assert _stored(session, ReleasedRow, "a-", "row_key") == _stored(session, ReleasedRow, "t-", "row_key")
        stored = dict(session.execute(select(ReleasedRow.row_key, cast(ReleasedRow.typed, Text))).all())
        assert all(stored[f"a-{i}"] == stored[f"t-{i}"] for i in range(16))
