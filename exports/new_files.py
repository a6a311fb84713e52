"""The new rows' files worked out from their bytes on both cores: decoded, converted where the
dataset needs it, described and checked, before the release names and writes them in order.

A release of 10,000 new films spends most of its time outside the duplicate check here (two
decodes a file: ``prepare_file`` and ``check_file``), one file after another in one process. What
depends on a file's bytes alone is done by forked workers, a batch of rows at a time (memory stays
bounded by a few batches of files); what depends on the order of the rows (their names) stays in
the caller, in order. The results are those of the plain loop (``prepared_inline``), which a test
compares with the forked path.
"""

from __future__ import annotations

import multiprocessing
import os
from collections import deque
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from exports.files import FileError, PreparedFile, prepare_file
from exports.validate import check_file
from media.imaging import describe_image
from media.store import MediaStore

#: Rows per batch sent to a worker, and batches in flight at once (files held in memory).
BATCH = 64
_IN_FLIGHT = 4
#: Below this many rows the work stays in this process (a fork costs more than it saves).
_FORK_FROM = 2 * BATCH


@dataclass(frozen=True)
class FileJob:
    """What a new row's file needs from the row: its bytes' address, its folder, whether its
    perceptual hashes and thumbnail are missing (then they are computed from the release bytes)."""

    sha256: str | None
    folder: str
    facts_missing: bool


@dataclass(frozen=True)
class PreparedRow:
    """The release file of a row (``file``), or why it cannot be had (``missing``: not in the media
    store; ``problem``: ``prepare_file``'s message); ``facts`` (phash, chash, thumb) recomputed when
    the file was converted or they were missing; ``file_problems``: ``check_file``'s findings."""

    file: PreparedFile | None = None
    missing: bool = False
    problem: str | None = None
    facts: tuple[str | None, str | None, bytes | None] | None = None
    file_problems: tuple[tuple[str, str], ...] = ()


def prepare_row(store: MediaStore, job: FileJob) -> PreparedRow:
    """One row's file from its bytes. ``check_file`` is given a name of the file's own extension:
    its verdict depends on the name only through whether it ends with the format's extension (and
    its message through the name's suffix), and the name the release gives the file always ends
    with ``file.extension`` (``exports.release._write_new_file``)."""
    if not job.sha256 or not store.has(job.sha256):
        return PreparedRow(missing=True)
    try:
        prepared = prepare_file(store.read(job.sha256), job.folder)
    except FileError as exc:
        return PreparedRow(problem=str(exc))
    facts = None
    if prepared.format != "nifti-gz" and (job.facts_missing or prepared.converted):
        described = describe_image(prepared.data)
        facts = (described.phash, described.chash, described.thumb)
    # decoded once: prepare_file's decode of unchanged bytes tells check_file their mode (the same verdict)
    problems = check_file(job.folder, f"file{prepared.extension}", prepared.data, prepared.decoded_mode)
    return PreparedRow(prepared, facts=facts, file_problems=tuple(problems))


def prepared_inline(store: MediaStore, jobs: Sequence[FileJob]) -> Iterator[PreparedRow]:
    """``prepare_row`` of each job, in order, in this process."""
    for job in jobs:
        yield prepare_row(store, job)


_forked_store: dict[str, MediaStore] = {}


def _forked_batch(jobs: list[FileJob]) -> list[PreparedRow]:
    return [prepare_row(_forked_store["store"], job) for job in jobs]


def prepared_rows(store: MediaStore, jobs: Sequence[FileJob], workers: int | None = None) -> Iterator[PreparedRow]:
    """``prepared_inline``'s results, in order, computed by ``workers`` forked processes (default:
    one per core, at most 2) when there are enough rows and the store is a local folder (a store
    URI holds connections a fork must not share)."""
    workers = min(2, os.cpu_count() or 1) if workers is None else workers
    if (workers < 2 or len(jobs) < _FORK_FROM or type(store) is not MediaStore
            or "fork" not in multiprocessing.get_all_start_methods()):
        yield from prepared_inline(store, jobs)
        return
    _forked_store["store"] = store  # inherited by the fork, not pickled
    try:
        pool = multiprocessing.get_context("fork").Pool(workers)
    finally:
        _forked_store.clear()
    try:
        pending: deque = deque()
        batches = (list(jobs[start:start + BATCH]) for start in range(0, len(jobs), BATCH))
        for batch in batches:
            pending.append(pool.apply_async(_forked_batch, (batch,)))
            if len(pending) >= _IN_FLIGHT * workers:
                yield from pending.popleft().get()
        while pending:
            yield from pending.popleft().get()
    finally:
        pool.terminate()


__all__ = ["BATCH", "FileJob", "PreparedRow", "prepare_row", "prepared_inline", "prepared_rows"]
