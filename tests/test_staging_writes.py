"""The crawl's staging writes (pipelines.StagePipeline._stage_in) write what the plain calls wrote.

Issue 18 cut the statements per case: a case's fetched pages upserted in one query and one flush
(``record_documents``), its aliases' keys looked up once (``resolve_record`` hands them to
``remember``), a new case inserted with its identity key, released identities asked once per
source and transaction (``any_released``). Each test runs the same records through the plain
calls, one statement at a time as before, and through the pipeline's path, into two databases,
and compares every row but the timestamps.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from dataclasses import replace

import pytest
from scrapy.exceptions import DropItem
from sqlalchemy import select

from db.models import Case, CaseAlias, FetchedDocument, Image
from db.session import open_database, session_scope
from exports.baseline import import_dataset
from ingest.records import CaseRecord, FetchedPage, ImageRecord
from media.store import MediaStore
from pipelines import StagePipeline
from staging.identity import any_released, page_case_keys, remember, resolve_record
from staging.service import StoredImage, record_document, record_documents, source_changed, stage_case
from tests.conftest import ROOT, write_release

RELEASED_15 = ("20,,M,,Pneumonia/Viral/COVID-19,,,,,,,,,,,,,,PA,X-ray,2020,,images,rp15.png,,"
               "https://radiopaedia.org/cases/covid-19-pneumonia-15,CC BY-NC-SA,,,")


@pytest.fixture
def engines(tmp_path):
    return (open_database(f"sqlite:///{tmp_path / 'plain.sqlite3'}"),
            open_database(f"sqlite:///{tmp_path / 'fast.sqlite3'}"))


def _page(url: str, etag: str = "", case_keys=None) -> FetchedPage:
    return FetchedPage(url=url, status=200, body=b"", content_type="text/html", etag=etag or None,
                       sha256=f"{len(url):064x}", body_path=f"00/{len(url):064x}", case_keys=case_keys)


def _documents(engine) -> list[tuple]:
    with session_scope(engine) as session:
        return [(d.id, d.source, d.url, d.status, d.content_type, d.etag, d.sha256, d.body_path, d.case_keys)
                for d in session.scalars(select(FetchedDocument).order_by(FetchedDocument.id))]


def test_record_documents_writes_what_record_document_wrote_page_by_page(engines):
    plain, fast = engines
    for engine in engines:  # a page fetched by an earlier crawl
        with session_scope(engine) as session:
            record_document(session, "radiopaedia", _page("https://radiopaedia.org/studies/1/stacks", etag="old"))
    pages = [_page("https://radiopaedia.org/cases/a"), _page("https://radiopaedia.org/studies/1/stacks", etag="new"),
             _page("https://radiopaedia.org/cases/a", etag="again", case_keys=["a", "b"])]
    with session_scope(plain) as session:
        plain_ids = [record_document(session, "radiopaedia", page).id for page in pages]
    with session_scope(fast) as session:
        fast_ids = [row.id for row in record_documents(session, "radiopaedia", pages)]
        assert record_documents(session, "radiopaedia", []) == []
    assert fast_ids == plain_ids == [2, 1, 2]
    assert _documents(fast) == _documents(plain)
    assert _documents(fast)[1][5] == "again"  # the page listed twice: its last fetch wins, as before


def _stage_plain(engine, record: CaseRecord, documents: list[FetchedPage]) -> str | None:
    """What StagePipeline._stage_in did before issue 18's cuts, one call and statement at a time."""
    record.stored_images = _stored(record)
    with session_scope(engine) as session:
        identity = resolve_record(session, record)
        if identity.released:
            return None
        record.source_key = identity.source_key
        documents = [replace(doc, case_keys=page_case_keys(record.source, doc.case_keys, identity.key))
                     if doc.case_keys else doc for doc in documents]
        rows = [record_document(session, record.source, doc) for doc in documents]
        case, status = stage_case(session, record, record.stored_images, document=rows[0] if rows else None,
                                  on_source_changed=source_changed)
        case.identity_key = identity.key
        remember(session, record.source, identity.key, identity.aliases)
        return status


def _stage_fast(engine, record: CaseRecord, documents: list[FetchedPage]) -> str | None:
    """The pipeline's own path (one batch of one case)."""
    record.stored_images = _stored(record)
    with session_scope(engine) as session:
        status = StagePipeline._stage_in(object.__new__(StagePipeline), session, record, documents, {})
    return None if not isinstance(status, str) else status


def _stored(record: CaseRecord) -> list[StoredImage]:
    return [StoredImage(source_url=image.source_url, label="", position=image.position, sha256=f"{n:064x}",
                        media_path=f"00/{n:064x}", format="png", width=10, height=10)
            for n, image in enumerate(record.images, start=len(record.source_key))]


def _radiopaedia(rid: str, slug: str, reached_by: str, title: str = "COVID-19 pneumonia") -> CaseRecord:
    return CaseRecord(source="radiopaedia", source_key=rid, url=f"https://radiopaedia.org/cases/{slug}",
                      doi=f"10.53347/rID-{rid}", title=title, aliases=[reached_by, f"https://radiopaedia.org/cases/{rid}"],
                      images=[ImageRecord(source_url=f"https://img.example/{rid}.png", position=0)])


def _paper(key: str, patient: int, *, doi: str = "", pmcid: str = "") -> CaseRecord:
    return CaseRecord(source="publications", source_key=f"{key}#patient{patient}",
                      url=f"https://doi.org/{doi}" if doi else f"https://pmc.ncbi.nlm.nih.gov/articles/{pmcid}/",
                      doi=doi, title="Serial chest radiographs", extra={"pmcid": pmcid, "input": doi or pmcid},
                      images=[ImageRecord(source_url=f"https://img.example/{key}-{patient}.jpg", position=0)])


def _rows(engine) -> tuple[list, list]:
    with session_scope(engine) as session:
        cases = [(c.id, c.source, c.source_key, c.identity_key, c.title, c.document_id, c.review_state,
                  c.content_sha256) for c in session.scalars(select(Case).order_by(Case.id))]
        aliases = list(session.execute(select(CaseAlias.id, CaseAlias.source, CaseAlias.alias, CaseAlias.key)
                                       .order_by(CaseAlias.id)).all())
    return cases, aliases


def _records() -> list[tuple[CaseRecord, list[FetchedPage]]]:
    doi = "10.1016/j.radcr.2020.05.017"
    page = "https://radiopaedia.org/cases/{}".format
    return [
        (_radiopaedia("75037", "covid-19-pneumonia-15", "75037"), [_page(page("75037")), _page(page("75037") + "/s")]),
        # the same case reached by its slug, its text changed: updated, the same identity
        (_radiopaedia("75037", "covid-19-pneumonia-15", "covid-19-pneumonia-15", title="changed"),
         [_page(page("75037"), etag="2")]),
        (_radiopaedia("74867", "covid-19-pneumonia-2", "74867"), []),
        # a paper first known by its PMCID, then reached by its DOI naming the PMCID too
        (_paper("pmc:PMC7251234", 1, pmcid="PMC7251234"), [_page("https://pmc.example/a", case_keys=["x", "y"])]),
        (_paper(doi, 1, doi=doi, pmcid="PMC7251234"), [_page("https://pmc.example/a")]),
        (_paper(doi, 2, doi=doi, pmcid="PMC7251234"), []),
    ]


@pytest.mark.parametrize("released", [False, True], ids=["nothing-released", "a-released-case"])
def test_the_pipelines_staging_path_writes_the_rows_of_the_plain_calls(engines, tmp_path, released):
    plain, fast = engines
    if released:  # a baseline release holding covid-19-pneumonia-15 (rID 75037): never staged again
        write_release(tmp_path / "dataset", [RELEASED_15], files={})
        for engine in engines:
            import_dataset(tmp_path / "dataset" / "metadata.csv", engine, MediaStore(tmp_path / "media"))
    with session_scope(fast) as session:
        assert any_released(session, "radiopaedia") is released
        assert not any_released(session, "publications")
    statuses = {"plain": [], "fast": []}
    for (record, documents), (again, pages) in zip(_records(), _records()):
        statuses["plain"].append(_stage_plain(plain, record, documents))
        statuses["fast"].append(_stage_fast(fast, again, pages))
    assert statuses["fast"] == statuses["plain"]
    assert statuses["plain"][:2] == ([None, None] if released else ["new", "updated"])
    assert _rows(fast) == _rows(plain)
    assert _documents(fast) == _documents(plain)
    cases, aliases = _rows(fast)
    assert all(case[3] for case in cases) and aliases  # every case has its identity key; names remembered


def test_a_new_cases_image_ids_come_in_the_order_of_its_rows_on_sqlite(engines):
    """``_insert_images`` (one executemany and a query on SQLite): each id is its own row's, also for
    a case whose id SQLite reused after the case before it was deleted with its images."""
    from staging.service import _insert_images

    engine, _ = engines
    rows = lambda case_id, urls: [{"case_id": case_id, "source_url": url, "label": "", "sha256": "0" * 64,
                                   "media_path": "00/x", "format": "png", "position": n, "included": True,
                                   "provenance": {}} for n, url in enumerate(urls)]
    with session_scope(engine) as session:
        gone = Case(source="radiopaedia", source_key="gone", canonical_url="https://radiopaedia.org/cases/gone")
        session.add(gone)
        session.flush()
        _insert_images(session, gone.id, rows(gone.id, ["https://img.example/old.png"]))
        gone_id = gone.id
        session.delete(gone)
    urls = [f"https://img.example/{name}.png" for name in ("d", "a", "c", "b", "e")]
    with session_scope(engine) as session:
        case = Case(source="radiopaedia", source_key="new", canonical_url="https://radiopaedia.org/cases/new")
        session.add(case)
        session.flush()
        assert case.id == gone_id  # SQLite reused the id
        ids = _insert_images(session, case.id, rows(case.id, urls))
        assert len(ids) == len(urls)
        for image_id, url in zip(ids, urls):
            assert session.scalar(select(Image.source_url).where(Image.id == image_id)) == url


def _batch() -> list[CaseRecord]:
    """A batch with a case whose stored image is no image (an error in the transaction), so the
    batch is staged again case by case and that case fails alone."""
    records = []
    for record, documents in _records():
        record.documents = documents
        record.stored_images = _stored(record)
        records.append(record)
    bad = records[2]
    bad.stored_images = [None]
    return records


def _outcomes(outcomes) -> list[tuple]:
    return [(o.result if isinstance(o.result, str) else type(o.result).__name__, o.source_key,
             [(d.url, d.case_keys, d.body_path) for d in o.documents]) for o in outcomes]


@pytest.mark.parametrize("released", [False, True], ids=["nothing-released", "a-released-case"])
def test_a_batch_staged_in_the_staging_process_writes_and_answers_what_a_thread_did(engines, tmp_path, released):
    """``StagePipeline`` with ``STAGING_PROCESS``: ``stage_batch_in_process`` in a forked process (its
    own engine, the outcomes pickled back) against ``stage_batch`` in this process, as in a thread."""
    from media.workers import MediaWorkers
    from pipelines import stage_batch, stage_batch_in_process

    in_thread, in_process = engines
    media = MediaStore(tmp_path / "media")
    if released:
        write_release(tmp_path / "dataset", [RELEASED_15], files={})
        for engine in engines:
            import_dataset(tmp_path / "dataset" / "metadata.csv", engine, media)
    threaded = stage_batch(in_thread, media, _batch())
    workers = MediaWorkers(1)
    try:
        url = in_process.url.render_as_string(hide_password=False)
        forked = workers.submit(stage_batch_in_process, url, media, _batch()).result(timeout=60)
        assert workers.pids() and os.getpid() not in workers.pids()
    finally:
        workers.close()
    assert _outcomes(forked) == _outcomes(threaded)
    results = [o.result for o in forked]
    assert isinstance(results[2], Exception) and not isinstance(results[2], DropItem)  # failed alone
    assert [isinstance(r, DropItem) for r in results[:2]] == [released, released]
    assert results[3:] == ["new", "updated", "new"]  # the paper reached again by its DOI: the same case
    assert _rows(in_process) == _rows(in_thread)
    assert _documents(in_process) == _documents(in_thread)


def test_a_kill_point_in_a_process_acting_for_another_kills_both(tmp_path):
    """``faults.acting_for``: the staging process's kill point ("staging-commit") kills the crawl too."""
    crawl = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        worker = subprocess.run(
            [sys.executable, "-c", f"import faults; faults.acting_for({crawl.pid}); "
                                   "faults.kill_point('staging-commit'); print('not killed')"],
            env={**os.environ, "INGEST_KILL_AT": "staging-commit", "PYTHONPATH": str(ROOT)},
            capture_output=True, text=True, timeout=60)
        assert worker.returncode == -signal.SIGKILL and "not killed" not in worker.stdout
        assert crawl.wait(timeout=10) == -signal.SIGKILL
    finally:
        crawl.kill()
