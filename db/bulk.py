"""Bulk inserts the fastest way each dialect has, with the values SQLAlchemy's ``insert`` would store.

SQLite: SQLAlchemy's executemany (``insert(Table), rows``). PostgreSQL: ``COPY ... FROM STDIN``
through psycopg 3's ``cursor.copy`` on the session's own connection (same transaction), each value
passed through the column type's own bind processor first (JSON as SQLAlchemy serializes it), and
the columns a row leaves out given their scalar defaults, as ``insert`` gives them. Measured on the
import of 100,000 rows (bench/import_export.py, README "Figures").
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import insert
from sqlalchemy.orm import Session


def insert_rows(session: Session, model: Any, rows: list[dict[str, Any]]) -> None:
    """Insert ``rows`` (dicts of column keys, all with the same keys) into ``model``'s table."""
    if not rows:
        return
    connection = session.connection()
    dialect = connection.dialect
    if dialect.name != "postgresql" or dialect.driver != "psycopg":
        session.execute(insert(model), rows)
        return
    table = model.__table__
    given = set(rows[0])
    columns, defaults = [], {}
    for column in table.columns:
        if column.key in given:
            columns.append(column)
        elif column.default is not None:
            if not column.default.is_scalar:  # a callable default: leave those rows to insert()
                session.execute(insert(model), rows)
                return
            columns.append(column)
            defaults[column.key] = column.default.arg
    processors = [column.type.dialect_impl(dialect).bind_processor(dialect) for column in columns]
    keys = [column.key for column in columns]
    names = ", ".join(dialect.identifier_preparer.quote(column.name) for column in columns)
    statement = f"COPY {dialect.identifier_preparer.format_table(table)} ({names}) FROM STDIN"
    driver = connection.connection.driver_connection
    with driver.cursor() as cursor, cursor.copy(statement) as copy:
        for row in rows:
            values = []
            for key, process in zip(keys, processors):
                value = row[key] if key in row else defaults[key]
                values.append(value if process is None else process(value))  # JSON: None is 'null', as insert() stores it
            copy.write_row(values)
