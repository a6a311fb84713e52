"""Bulk inserts the fastest way each dialect has, with the values SQLAlchemy's ``insert`` would store.

Rows come as plain tuples (``insert_tuples``: one value per given column key, built by the caller
in one pass, no ORM object, no dict per row) or as dicts (``insert_rows``). Each value goes through
its column type's own bind processor (JSON as SQLAlchemy serializes it, booleans as the dialect
stores them), and the columns a row leaves out get their scalar defaults, as ``insert`` gives them.

* SQLite: the DBAPI cursor's ``executemany`` on the session's own connection (same transaction):
  SQLAlchemy's executemany spends most of its time building a parameter dict per row.
* PostgreSQL (psycopg 3): ``COPY ... FROM STDIN`` through ``cursor.copy`` on the session's connection.
* Anything else, or a table with a callable default: SQLAlchemy's ``insert(Table), rows``.

Measured on the import of 100,000 rows (bench/import_export.py, README "Figures").
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from itertools import islice
from typing import Any

from sqlalchemy import Column, insert
from sqlalchemy.orm import Session

#: Rows handed to the driver at a time: bounds the processed copies held at once.
CHUNK = 5_000


@dataclass(frozen=True)
class _Plan:
    """The columns written (given keys first, then defaulted ones), their bind processors, and the
    default value of each defaulted column."""

    columns: tuple[Column, ...]
    processors: tuple[Callable[[Any], Any] | None, ...]
    defaults: tuple[Any, ...]


def _plan(table, keys: Sequence[str], dialect) -> _Plan | None:
    """None when a left-out column has a callable default (only ``insert`` knows how to call it)."""
    by_key = {column.key: column for column in table.columns}
    columns = [by_key[key] for key in keys]
    defaults = []
    for column in table.columns:
        if column.key in keys or column.default is None:
            continue
        if not column.default.is_scalar:
            return None
        columns.append(column)
        defaults.append(column.default.arg)
    processors = tuple(column.type.dialect_impl(dialect).bind_processor(dialect) for column in columns)
    return _Plan(tuple(columns), processors, tuple(defaults))


def _bound(plan: _Plan, rows: Iterable[Sequence[Any]]) -> Iterable[tuple]:
    """Each row with its defaults appended and every value through its bind processor."""
    processors, defaults = plan.processors, plan.defaults
    if not any(processors):
        for row in rows:
            yield (*row, *defaults)
        return
    pairs = list(enumerate(processors))
    for row in rows:
        values = [*row, *defaults]
        for i, process in pairs:
            if process is not None:
                values[i] = process(values[i])  # JSON: None is 'null', as insert() stores it
        yield tuple(values)


def insert_tuples(session: Session, model: Any, keys: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    """Insert ``rows`` (one value per name of ``keys``, in that order) into ``model``'s table."""
    connection = session.connection()
    dialect = connection.dialect
    table = model.__table__
    keys = tuple(keys)
    plan = _plan(table, keys, dialect)
    fast = plan is not None and (dialect.name == "sqlite"
                                 or (dialect.name == "postgresql" and dialect.driver == "psycopg"))
    iterator = iter(rows)
    if not fast:
        while chunk := list(islice(iterator, CHUNK)):
            session.execute(insert(model), [dict(zip(keys, row)) for row in chunk])
        return
    quote = dialect.identifier_preparer.quote
    names = ", ".join(quote(column.name) for column in plan.columns)
    target = dialect.identifier_preparer.format_table(table)
    driver = connection.connection.driver_connection
    if dialect.name == "sqlite":
        statement = f"INSERT INTO {target} ({names}) VALUES ({', '.join('?' * len(plan.columns))})"
        cursor = driver.cursor()
        try:
            while chunk := list(islice(iterator, CHUNK)):
                cursor.executemany(statement, list(_bound(plan, chunk)))
        finally:
            cursor.close()
        return
    with driver.cursor() as cursor, cursor.copy(f"COPY {target} ({names}) FROM STDIN") as copy:
        for values in _bound(plan, iterator):
            copy.write_row(values)


def insert_rows(session: Session, model: Any, rows: list[dict[str, Any]]) -> None:
    """Insert ``rows`` (dicts of column keys, all with the same keys) into ``model``'s table."""
    if not rows:
        return
    keys = tuple(rows[0])
    insert_tuples(session, model, keys, ([row[key] for key in keys] for row in rows))


__all__ = ["insert_rows", "insert_tuples"]
