"""Item pipelines, one job each: validate a case, keep its media, stage it in the database.

``ITEM_PIPELINES`` order: ``ValidateCasePipeline`` (100) -> ``MediaPipeline`` (200) ->
``StagePipeline`` (300). Items are ``ingest.records.CaseRecord``: the spiders give the pages they
read in ``record.documents``; the media pipeline lists what it kept in ``record.stored_images``;
the staging pipeline writes the case. What belongs to the crawl as a whole (the database engine,
the lock, the run's summary) is the ``crawl_summary.CrawlRecorder`` extension's.

Media rules (docs/design.md): every file is kept in the content-addressed media store named by the
SHA-256 of its bytes; ``media.convert.prepare_image`` sniffs the format from the bytes (an HTML
error page served as ``.jpg`` is rejected), stops decompression bombs with size and pixel limits,
removes EXIF and text metadata without re-encoding pixels, and converts losslessly to PNG an image
the dataset cannot hold as it is (16-bit, CMYK, palette, WebP...): the original (metadata-free)
bytes are kept too and the conversion is written into ``Image.provenance``. A CT stack becomes one
gzipped NIfTI volume.

Images without a URL of their own (a figure found inside a PDF, one panel of a split figure) come
with their bytes: ``ImageRecord.content`` (and, for a panel, the parent figure's bytes in
``parent_content``). Their ``source_url`` names where they come from
(``<pdf url>#page=3&figure=2&panel=b``); they are checked and stored like any download, the parent
is kept too, and the transformation (``extra["transform"]``, ``panel_box``...) goes into the
image's provenance. The image record's own ``extra`` (figure, panel, third-party evidence...) is
copied into ``Image.provenance`` under the download facts, which win on a clash.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import pickle
import threading
from dataclasses import dataclass, replace
from typing import Any

from scrapy import Request
from scrapy.exceptions import DropItem
from scrapy.pipelines.files import FilesPipeline
from scrapy.pipelines.media import FileException
from scrapy.utils.defer import deferred_to_future
from twisted.internet import threads
from twisted.internet.defer import Deferred, DeferredSemaphore
from twisted.python.failure import Failure

from crawl_summary import crawl_database, crawl_recorder
from db.session import make_engine, session_scope
from faults import acting_for, kill_point
from ingest.records import CaseRecord, FetchedPage, ImageRecord, KeptMedia, PendingVolume, StoredImage
from media.convert import MediaRejected, prepare_image
from media.imaging import MediaFacts, UnreadableImage, describe_image, sha256_hex
from media.store import MediaStore, open_media_store
from media.volumes import StackError, stack_to_nifti
from media.workers import BrokenProcessPool, MediaWorkers
from staging.identity import any_released, page_case_keys, remember, resolve_record, retire_other_reading
from staging.service import known_images, record_documents, source_changed, stage_case

logger = logging.getLogger(__name__)


# --- 1. Validation ---------------------------------------------------------------------------------


class ValidateCasePipeline:
    """Drop a case that cannot be staged: no natural key, or no image to show."""

    def __init__(self, crawler):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def process_item(self, item: Any, spider=None) -> Any:
        if not isinstance(item, CaseRecord):
            return item
        reason = None
        if not (item.source or "").strip() or not (item.source_key or "").strip():
            reason = "no-natural-key"
        elif not item.url:
            reason = "no-url"
        elif not item.images:
            reason = "no-images"
        elif any(not image.source_url for image in item.images):
            reason = "image-without-url"
        if reason:
            self.crawler.stats.inc_value(f"cases/dropped/{reason}")
            raise DropItem(f"{reason}: {item.source} {item.source_key or '?'} {item.url}")
        return item


# --- 2. Media ------------------------------------------------------------------------------------


def record_provenance(image: ImageRecord) -> dict[str, Any]:
    """What the parser knew about an image (figure, panel, box, transformation, third-party
    evidence...), JSON-safe, to keep in ``Image.provenance``."""
    return {k: v for k, v in image.extra.items() if not isinstance(v, (bytes, bytearray))}


def keep_image(media: MediaStore, data: bytes, max_bytes: int, max_pixels: int) -> tuple[KeptMedia, bytes | None]:
    """``prepare_image`` then ``MediaStore.put_bytes`` (thread-safe: temp file + atomic rename);
    the metadata-free original of a conversion kept too. Also returns that original."""
    prepared = prepare_image(data, max_bytes=max_bytes, max_pixels=max_pixels)
    sha = media.put_bytes(prepared.data, prepared.facts.sha256)  # the facts' SHA-256 is of these bytes
    provenance = dict(prepared.provenance)
    if prepared.original is not None:
        provenance["converted"]["original_media_path"] = media.relpath(media.put_bytes(prepared.original))
    return KeptMedia(media.relpath(sha), replace(prepared.facts, sha256=sha), provenance), prepared.original


def keep_download(media: MediaStore, body: bytes, kind: str, max_bytes: int, max_pixels: int) -> dict[str, Any]:
    """One downloaded image (or CT slice) checked, stripped, converted if need be and written into
    the store: what ``MediaPipeline`` runs in a media worker process (``MEDIA_PROCESSES``) or in a
    thread. A function of its arguments only (the store is a local folder in a worker), so that a
    process can run it; ``MediaRejected`` says why the bytes were refused."""
    if kind == "slice":
        # Slices are kept as fetched (metadata-free): the volume is built from them later.
        prepared = prepare_image(body, max_bytes=max_bytes, max_pixels=max_pixels)
        sha = media.put_bytes(prepared.original if prepared.original is not None else prepared.data)
        return {"path": media.relpath(sha), "checksum": sha, "status": "downloaded"}
    kept, _ = keep_image(media, body, max_bytes, max_pixels)
    return {"path": kept.media_path, "checksum": kept.facts.sha256, "status": "downloaded", "known": kept}


def keep_pages(media: MediaStore, bodies: list[bytes]) -> list[str]:
    """The fetched pages' bodies written into the store (content-addressed); their SHA-256s. What
    ``MediaPipeline`` hands a media worker process for a case's pages (a function of its arguments)."""
    return [media.put_bytes(body) for body in bodies]


def stored_pages(media: MediaStore, documents: list[FetchedPage], shas: list[str]) -> list[FetchedPage]:
    """Copies of ``documents`` naming their bodies in the store, without the bytes (the records of
    one page share their pages: each gets its own copies)."""
    return [replace(doc, body=b"", sha256=sha, body_path=media.relpath(sha)) for doc, sha in zip(documents, shas)]


def _pages_stored(doc: FetchedPage) -> bool:
    """A page whose body the media pipeline has already written (``stored_pages``)."""
    return bool(doc.sha256 and doc.body_path and not doc.body)


def _settle(done: Deferred, future) -> None:
    """Fire ``done`` (on the reactor thread) with what a media worker's job gave."""
    exc = future.exception()
    if exc is None:
        done.callback(future.result())
    else:
        done.errback(Failure(exc, type(exc), exc.__traceback__))


def in_worker_process(workers: MediaWorkers, reactor, fn, *args) -> Deferred:
    """``fn(*args)`` in one of ``workers``' processes; its result, or its exception, on the reactor thread."""
    done: Deferred = Deferred()
    future = workers.submit(fn, *args)
    future.add_done_callback(lambda f: reactor.callFromThread(_settle, done, f))
    return done


def worker_lost(failure: Failure, crawler, what: str, stat: str) -> Failure:
    """Errback of ``in_worker_process``: a process that died is logged and counted; the failure goes on."""
    if failure.check(BrokenProcessPool):
        logger.error("%s died: %s", what, failure.getErrorMessage())
        crawler.stats.inc_value(stat)
    return failure


def kept_from_database(known: dict[str, Any]) -> KeptMedia:
    """An image kept by an earlier crawl (``staging.service.known_images``), as ``KeptMedia``."""
    facts = MediaFacts(known["sha256"], known["format"], known["width"], known["height"], phash=known["phash"],
                       chash=known.get("chash"), thumb=known.get("thumb"))
    return KeptMedia(known["media_path"], facts, known["provenance"])


class MediaPipeline(FilesPipeline):
    """Download every image of a case into the media store, by SHA-256; build CT volumes.

    Images already kept (same source URL in an earlier crawl, file present) are not downloaded
    again; nor are the slices of a CT stack whose volume is already kept for the same slices.
    """

    def __init__(self, store_uri, download_func=None, *, crawler):
        # MEDIA_STORE (which ``-s`` may change alone) is the store; FILES_STORE is its default.
        super().__init__(crawler.settings.get("MEDIA_STORE") or store_uri, crawler=crawler)
        settings = crawler.settings
        self.media = open_media_store(settings.get("MEDIA_STORE"), settings)
        self.max_bytes = settings.getint("MEDIA_MAX_BYTES")
        self.max_pixels = settings.getint("MEDIA_MAX_PIXELS")
        self.known: dict[str, KeptMedia] = {}
        # The checks of downloads in worker processes (media/workers.py); 0, or a store URI (whose
        # connections are the crawl's), in the reactor's threads.
        self.processes = settings.getint("MEDIA_PROCESSES") if self.media.local else 0
        self.workers: MediaWorkers | None = None
        # Backpressure: at most as many jobs handed to the workers as requests in flight.
        self.worker_slots = DeferredSemaphore(max(1, settings.getint("CONCURRENT_REQUESTS")))
        self.reactor = None

    def open_spider(self, spider=None) -> None:
        super().open_spider()  # Scrapy 2.19 deprecates passing the spider on
        if self.processes > 0:
            from twisted.internet import reactor  # noqa: PLC0415 (the installed one, known once the crawl runs)

            self.reactor = reactor
            self.workers = MediaWorkers(self.processes)
        source = getattr(self.crawler.spider, "source", "")
        if source:
            with session_scope(crawl_database(self.crawler)) as session:
                self.known = {url: kept_from_database(known) for url, known in known_images(session, source).items()}

    # --- what to fetch ---

    @staticmethod
    def _slices_sha(urls: list[str]) -> str:
        return hashlib.sha256("\n".join(urls).encode("utf-8")).hexdigest()

    def get_media_requests(self, item: Any, info) -> list[Request]:
        if not isinstance(item, CaseRecord):
            return []
        requests = []
        for image in item.images:
            if image.content:
                continue  # bytes come with the record (PDF figure, split panel): nothing to fetch
            if image.slice_urls:
                known = self.known.get(image.source_url)
                if (known and known.provenance.get("slice_urls_sha256") == self._slices_sha(image.slice_urls)
                        and self.media.has(known.facts.sha256)):
                    continue  # the volume of these very slices is kept: nothing to fetch
                urls = image.slice_urls
            else:
                urls = [image.source_url]
            for url in urls:
                requests.append(Request(url, meta={"download_maxsize": self.max_bytes,
                                                   "media_kind": "slice" if image.slice_urls else "image"}))
        return requests

    def media_to_download(self, request: Request, info, *, item: Any = None):
        known = self.known.get(request.url)
        if known and request.meta.get("media_kind") == "image" and self.media.has(known.facts.sha256):
            self.inc_stats("uptodate")
            return {"url": request.url, "path": known.media_path, "checksum": known.facts.sha256,
                    "status": "uptodate", "known": known}
        return None

    def file_path(self, request: Request, response=None, info=None, *, item: Any = None) -> str:
        if response is None:
            return ""
        return self.media.relpath(sha256_hex(response.body))

    async def media_downloaded(self, response, request: Request, info, *, item: Any = None):
        if response.status != 200:
            logger.warning("media %s answered HTTP %d", request.meta.get("real_url", request.url), response.status)
            raise FileException(f"http-{response.status}")
        kind = request.meta.get("media_kind", "image")
        body = response.body
        self.inc_stats("downloaded")
        job = (keep_download, self.media, body, kind, self.max_bytes, self.max_pixels)
        if self.workers is not None:
            stored = await deferred_to_future(self.worker_slots.run(self._in_workers, *job))
        else:  # file I/O stays off the reactor
            stored = await deferred_to_future(threads.deferToThread(*job))
        if kind != "slice":
            kill_point("media-written")
        return {"url": request.url, **stored}

    def _in_workers(self, fn, *args) -> Deferred:
        """``fn(*args)`` in a media worker process; its result, or its exception, on the reactor thread.
        A dead worker fails its images as a network error would: retried next crawl."""
        done = in_worker_process(self.workers, self.reactor, fn, *args)
        done.addErrback(worker_lost, self.crawler, "a media worker process", "media/workers_broken")
        return done

    def close_spider(self, spider=None) -> None:
        if self.workers is not None:
            workers, self.workers = self.workers, None
            self.crawler.stats.set_value("media/workers_cpu_ms", round(1000 * workers.close()))
            if workers.restarts:
                self.crawler.stats.set_value("media/workers_restarts", workers.restarts)

    def media_failed(self, failure, request: Request, info):
        self.crawler.stats.inc_value("media/failed")
        if failure.check(MediaRejected):
            logger.warning("media rejected: %s: %s", request.url, failure.value)
            raise failure.value
        logger.warning("media not downloaded: %s: %s", request.url, failure.getErrorMessage())
        return super().media_failed(failure, request, info)

    # --- after every download of the case ---

    async def process_item(self, item: Any, spider=None) -> Any:
        if isinstance(item, CaseRecord) and any(image.content for image in item.images):
            await deferred_to_future(threads.deferToThread(self._store_given, item))
        result = await super().process_item(item)
        if isinstance(result, CaseRecord) and result.pending_volumes:
            await deferred_to_future(threads.deferToThread(self._build_volumes, result))
        if isinstance(result, CaseRecord) and result.stored_images and self.workers is not None:
            # The pages' bodies too are written by the worker process, not by the crawl's staging
            # thread (file creation is system time on the crawl's core); only for a case the
            # staging pipeline takes (it drops a case without usable images), as it wrote them.
            pages = [doc for doc in result.documents if not _pages_stored(doc)]
            if pages:
                job = (keep_pages, self.media, [doc.body or b"" for doc in pages])
                shas = await deferred_to_future(self.worker_slots.run(self._in_workers, *job))
                stored = iter(stored_pages(self.media, pages, shas))
                result.documents = [doc if _pages_stored(doc) else next(stored) for doc in result.documents]
        return result

    def item_completed(self, results, item: Any, info) -> Any:
        if not isinstance(item, CaseRecord):
            return item
        # Results come in the order of get_media_requests.
        outcome: dict[str, tuple[bool, Any]] = {}
        for (ok, value), request in zip(results, self._requests_of(item)):
            outcome[request] = (ok, value)
        # New lists: the records of one page (dataclasses.replace) start out sharing them.
        item.stored_images, item.pending_volumes = [], []
        rejected: list[dict[str, str]] = []
        transient: list[str] = []
        for image in item.images:
            if image.slice_urls:
                self._stack_completed(item, image, outcome, rejected, transient)
            else:
                self._image_completed(item, image, outcome, rejected, transient)
        item.given_media = {}
        if transient:
            # A network failure is not a fact about the case: leave it unstaged, the next crawl retries.
            self.crawler.stats.inc_value("cases/failed")
            self.crawler.stats.inc_value("cases/failed/media")
            raise DropItem(f"media not downloaded ({len(transient)} files, e.g. {transient[0]}): "
                           f"{item.source} {item.source_key}")
        if rejected:
            item.extra["rejected_images"] = rejected
            item.warnings.append(f"{len(rejected)} image(s) rejected by the media checks: "
                                 + "; ".join(f"{r['url']} ({r['reason']})" for r in rejected))
        return item

    def _stack_completed(self, item: CaseRecord, image: ImageRecord, outcome: dict[str, tuple[bool, Any]],
                         rejected: list[dict[str, str]], transient: list[str]) -> None:
        """A CT stack: its volume kept already, or its slices waiting to become one, or why not."""
        known = self.known.get(image.source_url)
        if image.source_url not in outcome and image.slice_urls[0] not in outcome and known:
            item.stored_images.append(StoredImage.of(image, known, dict(known.provenance)))
            return
        failures = [(url, outcome.get(url)) for url in image.slice_urls if not outcome.get(url, (False, None))[0]]
        if failures:
            reason = self._failure_reason(failures[0][1])
            (rejected.append({"url": failures[0][0], "reason": reason}) if reason.startswith("rejected:")
             else transient.append(failures[0][0]))
            return
        item.pending_volumes.append(PendingVolume(image, [outcome[url][1]["checksum"] for url in image.slice_urls]))

    def _image_completed(self, item: CaseRecord, image: ImageRecord, outcome: dict[str, tuple[bool, Any]],
                         rejected: list[dict[str, str]], transient: list[str]) -> None:
        """One image: kept (from a download or the record's own bytes), or rejected, or failed."""
        given = item.given_media.get((image.source_url, image.label))
        if given is not None:
            ok, value = isinstance(given, KeptMedia), given
        else:
            ok, value = outcome.get(image.source_url, (False, None))
        if not ok:
            reason = f"rejected:{value}" if isinstance(value, str) else self._failure_reason(value)
            if reason.startswith("rejected:"):
                rejected.append({"url": image.source_url, "reason": reason.split(":", 2)[1]})
                self.crawler.stats.inc_value(f"images/rejected/{reason.split(':', 2)[1]}")
            else:
                transient.append(image.source_url)
            return
        kept: KeptMedia = value if isinstance(value, KeptMedia) else value["known"]
        item.stored_images.append(StoredImage.of(image, kept, {**record_provenance(image), **kept.provenance}))

    def _requests_of(self, item: CaseRecord) -> list[str]:
        return [request.url for request in self.get_media_requests(item, None)]

    @staticmethod
    def _failure_reason(value: Any) -> str:
        exc = value if isinstance(value, MediaRejected) else getattr(value, "value", None)
        if isinstance(exc, MediaRejected):
            return f"rejected:{exc.reason}"
        if exc is not None and str(exc).startswith("rejected:"):
            return str(exc)
        return f"error:{exc!r}"

    def _store_given(self, item: CaseRecord) -> None:
        """Images whose bytes came with the record: check, strip, store; keep the parent figure too.
        ``item.given_media`` gets what was kept of each, or the reason it was refused (``item_completed``)."""
        results: dict[tuple[str, str], KeptMedia | str] = {}
        for image in item.images:
            if not image.content:
                continue
            try:
                kept, _ = keep_image(self.media, bytes(image.content), self.max_bytes, self.max_pixels)
            except MediaRejected as exc:
                results[(image.source_url, image.label)] = exc.reason
                continue
            self.inc_stats("given")
            kept.provenance["bytes_from"] = image.extra.get("content_from") or "the record (no URL of its own)"
            if image.parent_content:
                try:
                    prepared = prepare_image(bytes(image.parent_content), max_bytes=self.max_bytes,
                                             max_pixels=self.max_pixels)
                except MediaRejected as exc:
                    kept.provenance["parent_rejected"] = exc.reason
                else:
                    parent_sha = self.media.put_bytes(prepared.data)
                    kept.provenance["parent_sha256"] = parent_sha
                    kept.provenance["parent_media_path"] = self.media.relpath(parent_sha)
                    kept.provenance["parent_size"] = [prepared.facts.width, prepared.facts.height]
            results[(image.source_url, image.label)] = kept
        item.given_media = results

    def _build_volumes(self, item: CaseRecord) -> None:
        """CT stacks: the ordered slices -> one gzipped NIfTI volume (in a worker thread)."""
        pending, item.pending_volumes = item.pending_volumes, []
        item.stored_images = list(item.stored_images)
        for stack in pending:
            image = stack.image
            try:
                volume = stack_to_nifti([self.media.read(sha) for sha in stack.slice_sha256])
                facts = describe_image(volume)
            except (StackError, UnreadableImage) as exc:
                item.extra.setdefault("rejected_images", []).append({"url": image.source_url,
                                                                     "reason": f"stack: {exc}"})
                item.warnings.append(f"CT stack {image.label} not staged: {exc}")
                self.crawler.stats.inc_value("images/rejected/stack")
                continue
            sha = self.media.put_bytes(volume)
            provenance = {"built_from_slices": len(stack.slice_sha256), "slice_sha256": stack.slice_sha256,
                          "slice_urls_sha256": self._slices_sha(image.slice_urls),
                          "how": "ingest.volumes.stack_to_nifti: slices in site order along axis 3, identity affine"}
            kept = KeptMedia(self.media.relpath(sha), replace(facts, sha256=sha, phash=None), provenance)
            item.stored_images.append(StoredImage.of(image, kept, provenance))
        item.stored_images.sort(key=lambda s: s.position)


# --- 3. Staging ----------------------------------------------------------------------------------


def _page_of_several(item: CaseRecord) -> bool:
    """The item comes from a page with several cases (its fetched page lists their keys)."""
    return any(doc.case_keys for doc in item.documents)


@dataclass
class StagingOutcome:
    """What the staging writes gave one case of a batch; crosses back from the staging process pickled.

    ``result``: the status ("new", "updated", "unchanged"), the ``DropItem`` of a released identity,
    or the exception the case failed with. ``source_key`` and ``documents``: the key the case was
    staged under and its pages naming their cases by it (the writer changed its own copies)."""

    result: str | BaseException
    source_key: str
    documents: list[FetchedPage]


def store_documents(media: MediaStore, item: CaseRecord) -> list[FetchedPage]:
    """The fetched pages' bodies into the media store (before the transaction: content-addressed)."""
    documents = []
    for doc in item.documents:
        if _pages_stored(doc):  # written by the media pipeline's worker process
            documents.append(replace(doc))
            continue
        sha = media.put_bytes(doc.body or b"")
        # a copy: the records of one page share their pages
        documents.extend(stored_pages(media, [doc], [sha]))
    return documents


def stage_in(session, item: CaseRecord, documents: list[FetchedPage], released: dict[str, bool]) -> str | DropItem:
    """One case's rows in the open transaction; its status, or the DropItem of a released
    identity (nothing written for it: ``resolve_record`` only reads). ``released``: whether a
    source has released identities, as found earlier in the transaction."""
    if item.source not in released:
        released[item.source] = any_released(session, item.source)
    # one identity per case: the key every name of the record resolves to (staging/identity.py)
    identity = resolve_record(session, item, released_exist=released[item.source])
    if identity.released:
        return DropItem(f"already released, not staged again: {item.source} {identity.key} ({item.url})")
    item.source_key = identity.source_key
    # the page remembers its cases under the keys they are staged with
    documents[:] = [replace(doc, case_keys=page_case_keys(item.source, doc.case_keys, identity.key))
                    if doc.case_keys else doc
                    for doc in documents]
    rows = record_documents(session, item.source, documents)
    # a changed source re-queues an approved case and shows the reviewer what changed
    case, status = stage_case(session, item, item.stored_images, document=rows[0] if rows else None,
                              on_source_changed=source_changed, identity_key=identity.key)
    case.identity_key = identity.key  # a case staged before: in the commit's UPDATE, if it changed
    remember(session, item.source, identity.key, identity.aliases, identity.known)
    # a page staged whole before and now read person by person, or the reverse (also when this case is
    # unchanged: the page read whole, split, then whole again; cases of both readings staged before)
    retire_other_reading(session, case, [key for doc in documents for key in doc.case_keys or ()])
    kill_point("staging-commit")
    return status


def stage_batch(engine, media: MediaStore, batch: list[CaseRecord], lock=None) -> list[StagingOutcome]:
    """Stage ``batch`` in one transaction; on an error, each case again in its own. The writes alone
    (no stats, no Scrapy): what ``StagePipeline`` runs in its thread or its staging process."""
    outcomes: list[StagingOutcome | None] = [None] * len(batch)
    todo: list[tuple[int, CaseRecord, list[FetchedPage]]] = []
    for index, item in enumerate(batch):
        try:
            todo.append((index, item, store_documents(media, item)))
        except Exception as exc:  # this case's pages could not be kept: it fails alone
            outcomes[index] = StagingOutcome(exc, item.source_key, [])
    keys = [item.source_key for _, item, _ in todo]
    try:
        with lock or contextlib.nullcontext(), session_scope(engine) as session:
            # Released identities are written by imports and exports, not by this transaction:
            # asked once per source and batch, not once per case and key.
            released: dict[str, bool] = {}
            results = [stage_in(session, item, documents, released) for _, item, documents in todo]
    except Exception as exc:
        if len(todo) == 1:
            outcomes[todo[0][0]] = StagingOutcome(exc, todo[0][1].source_key, todo[0][2])
            return outcomes
        for (index, item, _), key in zip(todo, keys):
            item.source_key = key  # as parsed: the retry resolves its identity again
            outcomes[index] = stage_batch(engine, media, [item], lock)[0]
        return outcomes
    for (index, item, documents), result in zip(todo, results):
        outcomes[index] = StagingOutcome(result, item.source_key, documents)
    return outcomes


#: The staging process's engines, by URL (made in the process: a connection never crosses a fork).
_process_engines: dict[str, Any] = {}


def stage_batch_in_process(url: str, media: MediaStore, batch: list[CaseRecord]) -> list[StagingOutcome]:
    """``stage_batch`` in the staging process (``StagePipeline``)."""
    acting_for(os.getppid())  # a kill point here is the crawl's (tests/faults)
    engine = _process_engines.get(url)
    if engine is None:
        engine = _process_engines[url] = make_engine(url)
    outcomes = stage_batch(engine, media, batch)
    for outcome in outcomes:
        if isinstance(outcome.result, BaseException):
            outcome.result = _picklable(outcome.result)
    return outcomes


def _picklable(exc: BaseException) -> BaseException:
    """``exc``, or a RuntimeError naming it if it cannot cross back to the crawl (a driver's error)."""
    try:
        pickle.loads(pickle.dumps(exc))
    except Exception:
        return RuntimeError(f"{type(exc).__name__}: {exc}")
    return exc


class StagePipeline:
    """Stage each case (case, images, field values, fetched pages).

    Before anything is written the record's names are resolved to its one identity
    (``staging/identity.py``): a released identity is dropped, whatever reached it; a paper's case takes
    the key its paper was first staged under.

    Cases are staged by one writer at a time, in batches: every case that arrived while the previous
    batch was being written goes into the next transaction (at most ``STAGING_BATCH_SIZE``), so a
    busy crawl pays one hop, one session and one commit per batch, not per case, and a quiet
    one stages each case at once. A crawl killed mid-batch has committed none of the batch: its
    cases are not known, and the next crawl fetches and stages them (tests/faults). A case of a page
    with several patients is staged in a transaction of its own (the page is known only once all are
    staged: ``kill_point("between-patients")``). Any error in a batch rolls it back and its cases are
    staged again one by one, so one bad case fails alone, as before batching.

    The writer is a process of its own (``STAGING_PROCESS``, with ``MEDIA_PROCESSES`` > 0 and a local
    media store), forked once as the spider opens like the media workers: SQLAlchemy's work then
    runs on the other core, not in the crawl's (docs/figures-history.md: "Crawl"). Otherwise a thread of
    the reactor's pool, as before. The stats, the logs and the kill points after a commit stay the
    crawl's (``_staged``, on the reactor thread); a kill point in the transaction kills the crawl too
    (``faults.acting_for``); a staging process that dies fails its batch (those cases are left for
    the next crawl) and the next batch gets a new one."""

    def __init__(self, crawler):
        self.crawler = crawler
        settings = crawler.settings
        self.media = open_media_store(settings.get("MEDIA_STORE"), settings)
        self.engine = None
        self.batch_size = max(1, settings.getint("STAGING_BATCH_SIZE", 1))
        self.in_process = (settings.getbool("STAGING_PROCESS", False) and settings.getint("MEDIA_PROCESSES") > 0
                           and self.media.local)
        self.process: MediaWorkers | None = None
        self.reactor = None
        # One writer into the database: SQLite has one, and two records of one page (Eurorad,
        # several patients) upsert the same fetched document.
        self.db_lock = threading.Lock()
        #: Cases waiting for the writer, with what their ``process_item`` waits on (reactor thread only).
        self.waiting: list[tuple[CaseRecord, Deferred]] = []
        self.writing = False
        #: Keys staged so far of each page with several cases (for the kill point between them).
        self.page_cases_staged: dict[str, set[str]] = {}

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def open_spider(self, spider=None) -> None:
        # The crawl's engine; asking for it as the stager gives the run its summary (crawl_summary.py).
        recorder = crawl_recorder(self.crawler)
        self.engine = recorder.staging_database() if recorder is not None else crawl_database(self.crawler)
        if self.in_process:
            from twisted.internet import reactor  # noqa: PLC0415 (the installed one, known once the crawl runs)

            self.reactor = reactor
            self.process = MediaWorkers(1)

    def close_spider(self, spider=None) -> None:
        if self.process is not None:
            process, self.process = self.process, None
            self.crawler.stats.set_value("staging/process_cpu_ms", round(1000 * process.close()))

    async def process_item(self, item: Any, spider=None) -> Any:
        if not isinstance(item, CaseRecord):
            return item
        if not item.stored_images:
            self.crawler.stats.inc_value("cases/dropped/no-usable-images")
            raise DropItem(f"no usable image: {item.source} {item.source_key}")
        done: Deferred = Deferred()
        self.waiting.append((item, done))
        if not self.writing:
            self._write_next()
        return await deferred_to_future(done)

    # --- the writer (batches start from the reactor thread, are written in the pool or the process) ---

    def _write_next(self) -> None:
        batch = self._take_batch()
        self.writing = bool(batch)
        if batch:
            self.crawler.stats.inc_value("staging/batches")
            items = [item for item, _ in batch]
            if self.process is not None:
                written = self._in_process(items)
            else:
                written = threads.deferToThread(stage_batch, self.engine, self.media, items, self.db_lock)
            written.addBoth(self._batch_written, batch)

    def _in_process(self, items: list[CaseRecord]) -> Deferred:
        """``stage_batch`` of ``items`` in the staging process; its outcomes on the reactor thread.
        A dead process fails its cases as a network error would: staged next crawl."""
        url = self.engine.url.render_as_string(hide_password=False)
        done = in_worker_process(self.process, self.reactor, stage_batch_in_process, url, self.media, items)
        done.addErrback(worker_lost, self.crawler, "the staging process", "staging/process_broken")
        return done

    def _take_batch(self) -> list[tuple[CaseRecord, Deferred]]:
        """The next cases to stage together: those waiting, up to the batch size; a case of a page
        with several patients alone."""
        taken: list[tuple[CaseRecord, Deferred]] = []
        while self.waiting and len(taken) < self.batch_size:
            several = _page_of_several(self.waiting[0][0])
            if several and taken:
                break
            taken.append(self.waiting.pop(0))
            if several:
                break
        return taken

    def _batch_written(self, outcomes: list[StagingOutcome] | Failure,
                       batch: list[tuple[CaseRecord, Deferred]]) -> None:
        if isinstance(outcomes, Failure):  # not raised by stage_batch (it answers per case): fail them all
            outcomes = [StagingOutcome(outcomes.value, item.source_key, []) for item, _ in batch]
        for (item, done), outcome in zip(batch, outcomes):
            item.source_key = outcome.source_key  # the staging process changed its own copy
            result = outcome.result
            if isinstance(result, DropItem):
                self.crawler.stats.inc_value("cases/skipped_released")
            if isinstance(result, BaseException):
                done.errback(Failure(result, type(result), result.__traceback__))
                continue
            try:
                staged = self._staged(item, result, outcome.documents)
            except Exception as exc:
                done.errback(Failure(exc, type(exc), exc.__traceback__))
            else:
                done.callback(staged)
        self._write_next()

    def _stage_in(self, session, item: CaseRecord, documents: list[FetchedPage],
                  released: dict[str, bool]) -> str | DropItem:
        """``stage_in`` (tests/test_staging_writes.py calls it as the pipeline's)."""
        return stage_in(session, item, documents, released)

    def _staged(self, item: CaseRecord, status: str, documents: list[FetchedPage]) -> CaseRecord:
        """After the commit that staged ``item``: the kill points, its counts; the bodies freed."""
        kill_point("staged")
        page_keys = documents[0].case_keys if documents else None
        if page_keys and item.source_key in page_keys:
            # the page's cases are staged in whatever order their images arrive
            done = self.page_cases_staged.setdefault(documents[0].url, set())
            done.add(item.source_key)
            if len(done) < len(set(page_keys)):
                kill_point("between-patients")
        stored = item.stored_images
        stats = self.crawler.stats
        stats.inc_value(f"cases/staged/{status}")
        stats.inc_value("images/staged", len(stored))
        # DEBUG: one line per case is noise in a crawl of thousands (the summary line counts them).
        logger.debug("staged %s %s %s (%d images): %s", status, item.source, item.source_key, len(stored), item.url)
        # Free the bodies: the item goes on to feed exporters and the log.
        item.documents = []
        return item


__all__ = ["MediaPipeline", "StagePipeline", "ValidateCasePipeline"]
