"""Bulk inserts the fastest way each dialect has, with the values SQLAlchemy's ``insert`` would store.

Rows come as plain tuples (``insert_tuples``: one value per given column key, built by the caller
in one pass, no ORM object, no dict per row) or as dicts (``insert_rows``). Each value goes through
its column type's own bind processor (JSON as SQLAlchemy serializes it, booleans as the dialect
stores them), and the columns a row leaves out get their scalar defaults, as ``insert`` gives them.

* SQLite: the DBAPI cursor's ``executemany`` on the session's own connection (same transaction):
  SQLAlchemy's executemany spends most of its time building a parameter dict per row.
* PostgreSQL (psycopg 3): ``COPY ... FROM STDIN`` through ``cursor.copy`` on the session's connection.
* Anything else, or a table with a callable default: SQLAlchemy's ``insert(Table), rows``.

Measured on the import of 100,000 rows (bench/import_export.py, docs/figures-history.md).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from itertools import islice
from typing import Any

from sqlalchemy import Boolean, Column, insert
from sqlalchemy.orm import Session

#: Rows handed to the driver at a time: bounds the processed copies held at once.
CHUNK = 5_000
#: SQLite page cache of an import's transaction (``bulk_cache``).
CACHE_MIB = 32


@dataclass(frozen=True)
class _Plan:
    """The columns written (given keys first, then defaulted ones), the bind processors of the given
    ones, and the value bound for each defaulted column (its default through its processor)."""

    columns: tuple[Column, ...]
    processors: tuple[Callable[[Any], Any] | None, ...]
    defaults: tuple[Any, ...]


def _plan(table, keys: Sequence[str], dialect, json_text: Collection[str] = ()) -> _Plan | None:
    """None when a left-out column has a callable default (only ``insert`` knows how to call it).
    The columns of ``json_text`` get no processor: their values are the text it would make."""
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
    processors = [None if column.key in json_text else column.type.dialect_impl(dialect).bind_processor(dialect)
                  for column in columns]
    # a default is one value: through its processor once, here, not once per row
    width = len(keys)
    defaults = [value if process is None else process(value) for value, process in zip(defaults, processors[width:])]
    return _Plan(tuple(columns), tuple(processors[:width]), tuple(defaults))


def _bound(plan: _Plan, chunk: list[Sequence[Any]]) -> Sequence[Sequence[Any]]:
    """The rows of ``chunk`` with the defaults appended and each value through its bind processor,
    but for the processors that would bind the same value for the values the chunk holds."""
    defaults = plan.defaults
    pairs = [(i, process) for i, process in enumerate(plan.processors)
             if process is not None and not _needless(plan.columns[i], chunk, i)]
    if not pairs:
        return chunk if not defaults else [(*row, *defaults) for row in chunk]
    out = []
    for row in chunk:
        values = [*row, *defaults]
        for i, process in pairs:
            values[i] = process(values[i])  # JSON: None is 'null', as insert() stores it
        out.append(values)
    return out


def _needless(column: Column, chunk: list[Sequence[Any]], index: int) -> bool:
    """A Boolean column's processor checks a value is a bool (or None) and gives it as the
    dialect's bool or int: a bool binds the same (both drivers bind a bool as the integer or the
    boolean the processor makes), so a chunk of bools needs none."""
    if not isinstance(column.type, Boolean):
        return False
    return {type(row[index]) for row in chunk} <= {bool, type(None)}


def insert_tuples(session: Session, model: Any, keys: Sequence[str], rows: Iterable[Sequence[Any]],
                  json_text: Collection[str] = ()) -> None:
    """Insert ``rows`` (one value per name of ``keys``, in that order) into ``model``'s table.

    ``json_text``: keys of JSON columns whose values come as the text SQLAlchemy's JSON type would
    store (``json.dumps`` of the value; the caller builds repeated pieces once): stored as given.
    """
    connection = session.connection()
    dialect = connection.dialect
    table = model.__table__
    keys = tuple(keys)
    plan = _plan(table, keys, dialect, json_text)
    fast = plan is not None and (dialect.name == "sqlite"
                                 or (dialect.name == "postgresql" and dialect.driver == "psycopg"))
    iterator = iter(rows)
    if not fast:
        # insert() serialises values itself: the texts go back to values (json.loads, then
        # json.dumps again, gives the same text)
        decode = [i for i, key in enumerate(keys) if key in json_text]
        while chunk := list(islice(iterator, CHUNK)):
            session.execute(insert(model), [dict(zip(keys, _decoded(row, decode))) for row in chunk])
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
                cursor.executemany(statement, _bound(plan, chunk))
        finally:
            cursor.close()
        return
    with driver.cursor() as cursor, cursor.copy(f"COPY {target} ({names}) FROM STDIN") as copy:
        while chunk := list(islice(iterator, CHUNK)):
            for values in _bound(plan, chunk):
                copy.write_row(values)


def _decoded(row: Sequence[Any], indexes: list[int]) -> Sequence[Any]:
    if not indexes:
        return row
    values = list(row)
    for i in indexes:
        values[i] = json.loads(values[i])
    return values


@contextmanager
def bulk_cache(session: Session, mib: int = CACHE_MIB) -> Iterator[None]:
    """On SQLite, a page cache of ``mib`` MiB for the block (then the connection's own again).

    SQLite's default cache (2 MiB) cannot hold the index pages 100,000 new rows touch: it writes
    changed pages to the WAL before the commit and again when they change again (806 MB written
    for the bench's first import against 710 MB with 32 MiB). Only memory: the journal mode and
    the durability of commits are the database's own (db/session.py).
    """
    connection = session.connection()
    if connection.dialect.name != "sqlite":
        yield
        return
    driver = connection.connection.driver_connection
    before = driver.execute("PRAGMA cache_size").fetchone()[0]
    driver.execute(f"PRAGMA cache_size=-{mib * 1024}")  # negative: KiB, not pages
    try:
        yield
    finally:
        # after a failed statement too, but never hiding its error behind this one's
        with suppress(sqlite3.Error):
            driver.execute(f"PRAGMA cache_size={int(before)}")


def insert_rows(session: Session, model: Any, rows: list[dict[str, Any]]) -> None:
    """Insert ``rows`` (dicts of column keys, all with the same keys) into ``model``'s table."""
    if not rows:
        return
    keys = tuple(rows[0])
    insert_tuples(session, model, keys, ([row[key] for key in keys] for row in rows))


__all__ = ["bulk_cache", "insert_rows", "insert_tuples"]
