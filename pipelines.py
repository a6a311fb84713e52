"""Item pipelines: validate a case, keep its media, stage it in the database.

``ITEM_PIPELINES`` order: ``ValidateCasePipeline`` (100) -> ``MediaPipeline`` (200) ->
``StagePipeline`` (300). Items are ``ingest.records.CaseRecord``; the spiders put the raw pages
they read under ``record.extra["_documents"]``, the media pipeline its results under
``record.extra["_stored_images"]`` (keys starting with ``_`` never reach ``Case.extra``).

Media rules (docs/design.md): every file is kept in the content-addressed media store named by the
SHA-256 of its bytes; the format is sniffed from the bytes (an HTML error page served as ``.jpg``
is rejected); size and pixel limits stop decompression bombs; EXIF and text metadata are removed
without re-encoding pixels; an image the dataset cannot hold as it is (16-bit, CMYK, palette,
WebP...) is converted losslessly to PNG, the original (metadata-free) bytes are kept too and the
conversion is written into ``Image.provenance``. A CT stack becomes one gzipped NIfTI volume.

Images without a URL of their own (a figure found inside a PDF, one panel of a split figure) come
with their bytes: ``ImageRecord.extra["content"]`` (and, for a panel, the parent figure's bytes in
``extra["parent_content"]``). Their ``source_url`` names where they come from
(``<pdf url>#page=3&figure=2&panel=b``); they are checked and stored like any download, the parent
is kept too, and the transformation (``extra["transform"]``, ``panel_box``...) goes into the
image's provenance. The image record's own ``extra`` (figure, panel, third-party evidence...) is
copied into ``Image.provenance`` under the download facts, which win on a clash.
"""

from __future__ import annotations

import hashlib
import io
import logging
import struct
import threading
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

import numpy as np
from PIL import Image as PILImage
from scrapy import Request, signals
from scrapy.exceptions import DropItem
from scrapy.pipelines.files import FilesPipeline
from scrapy.pipelines.media import FileException
from scrapy.utils.defer import deferred_to_future
from twisted.internet import threads
from twisted.internet.defer import Deferred
from twisted.python.failure import Failure

from crawl_summary import CrawlCounts, summary_table
from db.models import CrawlRun, utcnow
from db.session import database_url, open_database, session_scope
from faults import kill_point
from ingest.records import CaseRecord
from media.imaging import UnreadableImage, describe_image, sha256_hex, sniff_format
from media.store import open_media_store
from media.volumes import StackError, stack_to_nifti
from schema import IngestError
from staging.identity import page_case_keys, remember, resolve_record
from staging.service import (
    StoredDocument,
    StoredImage,
    known_images,
    previous_crawl_run,
    record_document,
    source_changed,
    stage_case,
)

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


class MediaRejected(IngestError, FileException):
    """Bytes that are not an acceptable image (HTML page, bomb, unreadable): permanent, not retried."""

    def __init__(self, reason: str, detail: str = ""):
        self.reason = reason
        super().__init__(f"rejected:{reason}: {detail}" if detail else f"rejected:{reason}")


@dataclass
class PreparedImage:
    """The bytes to keep for one downloaded image and what was done to them."""

    data: bytes
    format: str
    width: int | None
    height: int | None
    phash: str | None
    #: Bytes to keep as well (the metadata-free original, when ``data`` is a conversion).
    original: bytes | None = None
    provenance: dict[str, Any] = field(default_factory=dict)
    #: Perceptual hash of the brightness-centred region (crop-tolerant near-duplicate check).
    chash: str | None = None
    #: 64 x 64 grayscale thumbnail (media.imaging.thumbnail) for the crop-tolerant duplicate check.
    thumb: bytes | None = None


# JPEG segments that carry text about the picture or the patient: APP1 (Exif, XMP), APP12/13
# (Ducky/IPTC), COM comments. APP0 (JFIF), APP2 (ICC profile) and APP14 (Adobe colour transform)
# describe how to decode the pixels and are kept.
_JPEG_DROP = {0xE1: "APP1 (Exif/XMP)", 0xEC: "APP12", 0xED: "APP13 (IPTC)", 0xFE: "COM (comment)"}
# PNG chunks with text or camera metadata; pixel/colour chunks are kept.
_PNG_DROP = {b"eXIf": "eXIf", b"tEXt": "tEXt", b"zTXt": "zTXt", b"iTXt": "iTXt", b"tIME": "tIME"}


def strip_jpeg_metadata(data: bytes) -> tuple[bytes, list[str]]:
    """Remove metadata segments of a JPEG without touching the entropy-coded image data."""
    if not data.startswith(b"\xff\xd8"):
        return data, []
    out = bytearray(b"\xff\xd8")
    removed: list[str] = []
    index = 2
    while index + 4 <= len(data):
        if data[index] != 0xFF:
            return data, []  # not a marker where one must be: leave the file as it is
        marker = data[index + 1]
        if marker == 0xFF:  # fill byte
            index += 1
            continue
        if marker == 0xDA or marker == 0xD9:  # start of scan: the rest is image data
            out += data[index:]
            return bytes(out), removed
        if 0xD0 <= marker <= 0xD7 or marker == 0x01:
            out += data[index:index + 2]
            index += 2
            continue
        length = struct.unpack(">H", data[index + 2:index + 4])[0]
        segment = data[index:index + 2 + length]
        if marker in _JPEG_DROP:
            removed.append(_JPEG_DROP[marker])
        else:
            out += segment
        index += 2 + length
    return data, []


def strip_png_metadata(data: bytes) -> tuple[bytes, list[str]]:
    """Remove text/time/EXIF chunks of a PNG; pixel data chunks are copied byte for byte."""
    signature = b"\x89PNG\r\n\x1a\n"
    if not data.startswith(signature):
        return data, []
    out = bytearray(signature)
    removed: list[str] = []
    index = len(signature)
    while index + 8 <= len(data):
        length = struct.unpack(">I", data[index:index + 4])[0]
        kind = data[index + 4:index + 8]
        end = index + 12 + length
        if end > len(data):
            return data, []  # truncated: describe_image will reject it
        if kind in _PNG_DROP:
            removed.append(_PNG_DROP[kind])
        else:
            out += data[index:end]
        index = end
        if kind == b"IEND":
            break
    return bytes(out), removed


def _to_png(img: PILImage.Image) -> bytes:
    out = io.BytesIO()
    img.save(out, format="PNG", optimize=False)
    return out.getvalue()


def prepare_image(data: bytes, *, max_bytes: int, max_pixels: int) -> PreparedImage:
    """Check, strip and (if the dataset needs it) convert one downloaded image. Pure."""
    if len(data) > max_bytes:
        raise MediaRejected("too-large", f"{len(data):,} bytes > {max_bytes:,}")
    fmt = sniff_format(data)
    if fmt in (None, "html", "pdf", "gzip", "nifti", "nifti-gz", "dicom"):
        raise MediaRejected("not-an-image", f"the bytes are {fmt or 'of no known format'}")
    try:
        with PILImage.open(io.BytesIO(data)) as probe:
            width, height = probe.size
    except PILImage.DecompressionBombError as exc:  # more pixels than Pillow itself will open
        raise MediaRejected("too-many-pixels", str(exc)) from exc
    except (OSError, SyntaxError, ValueError) as exc:
        raise MediaRejected("unreadable", str(exc)) from exc
    if width * height > max_pixels:
        raise MediaRejected("too-many-pixels", f"{width}x{height} > {max_pixels:,} pixels")

    provenance: dict[str, Any] = {"source_sha256": sha256_hex(data), "source_format": fmt}
    removed: list[str] = []
    if fmt == "jpeg":
        data, removed = strip_jpeg_metadata(data)
    elif fmt == "png":
        data, removed = strip_png_metadata(data)
    if removed:
        provenance["metadata_removed"] = removed
    try:
        facts = describe_image(data)
    except UnreadableImage as exc:
        raise MediaRejected("unreadable", str(exc)) from exc

    if facts.format in ("png", "jpeg") and facts.mode in ("L", "RGB"):
        return PreparedImage(data, facts.format, facts.width, facts.height, facts.phash, provenance=provenance, chash=facts.chash, thumb=facts.thumb)

    # The dataset holds 8-bit gray or RGB PNG/JPEG only: convert, losslessly, to PNG.
    with PILImage.open(io.BytesIO(data)) as img:
        img.load()
        mode = img.mode
        how: str
        if mode in ("I;16", "I;16B", "I;16L", "I", "F"):
            array = np.asarray(img, dtype=np.float64)
            low, high = float(array.min()), float(array.max())
            scaled = np.zeros_like(array) if high <= low else (array - low) * (255.0 / (high - low))
            converted = PILImage.fromarray(np.clip(np.rint(scaled), 0, 255).astype(np.uint8), "L")
            how = f"{mode} -> L 8-bit, linear min-max window [{low:g}, {high:g}] -> [0, 255]"
        elif mode in ("1", "LA", "La"):
            converted = img.convert("L")
            how = f"{mode} -> L"
        elif mode == "P":
            converted = img.convert("RGB")
            gray = np.asarray(converted)
            if np.array_equal(gray[..., 0], gray[..., 1]) and np.array_equal(gray[..., 1], gray[..., 2]):
                converted = converted.convert("L")
            how = f"P (palette) -> {converted.mode}"
        elif mode == "CMYK":
            converted = img.convert("RGB")
            how = "CMYK -> RGB (Pillow's naive CMYK inversion)"
        else:  # RGBA, webp/gif/bmp/tiff in L/RGB
            converted = img.convert("RGB") if mode not in ("L", "RGB") else img.copy()
            how = f"{facts.format} {mode} -> PNG {converted.mode}"
    png = _to_png(converted)
    final = describe_image(png)
    provenance["converted"] = {"from_format": facts.format, "from_mode": mode, "to_format": "png", "to_mode": final.mode,
                               "how": how, "original_sha256": sha256_hex(data)}
    return PreparedImage(png, "png", final.width, final.height, final.phash, original=data, provenance=provenance, chash=final.chash, thumb=final.thumb)


#: Keys of ``ImageRecord.extra`` that carry bytes, never copied into provenance (JSON).
_BYTES_KEYS = ("content", "parent_content")


def _given_bytes(image: Any) -> bytes | None:
    """The bytes an image record carries itself (``extra["content"]``), or None to download it."""
    data = image.extra.get("content") if isinstance(getattr(image, "extra", None), dict) else None
    return bytes(data) if isinstance(data, (bytes, bytearray)) and data else None


def record_provenance(image: Any) -> dict[str, Any]:
    """What the parser knew about an image (figure, panel, box, transformation, third-party
    evidence...), JSON-safe, to keep in ``Image.provenance``."""
    extra = getattr(image, "extra", None) or {}
    return {k: v for k, v in extra.items() if k not in _BYTES_KEYS and not k.startswith("_") and not isinstance(v, (bytes, bytearray))}


class MediaPipeline(FilesPipeline):
    """Download every image of a case into the media store, by SHA-256; build CT volumes.

    Images already kept (same source URL in an earlier crawl, file present) are not downloaded
    again; nor are the slices of a CT stack whose volume is already kept for the same slices.
    """

    def __init__(self, store_uri, download_func=None, *, crawler):
        super().__init__(store_uri, crawler=crawler)
        settings = crawler.settings
        self.media = open_media_store(settings.get("MEDIA_STORE"), settings)
        self.max_bytes = settings.getint("MEDIA_MAX_BYTES")
        self.max_pixels = settings.getint("MEDIA_MAX_PIXELS")
        self.known: dict[str, dict[str, Any]] = {}

    @classmethod
    def from_crawler(cls, crawler):
        cls._update_stores(crawler.settings)
        return cls(crawler.settings.get("MEDIA_STORE") or crawler.settings.get("FILES_STORE"), crawler=crawler)

    def open_spider(self, spider=None) -> None:
        super().open_spider()  # Scrapy 2.19 deprecates passing the spider on
        source = getattr(self.crawler.spider, "source", "")
        if source:
            with session_scope(open_database(database_url(self.crawler.settings))) as session:
                self.known = known_images(session, source)

    # --- what to fetch ---

    @staticmethod
    def _slices_sha(urls: list[str]) -> str:
        return hashlib.sha256("\n".join(urls).encode("utf-8")).hexdigest()

    def get_media_requests(self, item: Any, info) -> list[Request]:
        if not isinstance(item, CaseRecord):
            return []
        requests = []
        for image in item.images:
            if _given_bytes(image) is not None:
                continue  # bytes come with the record (PDF figure, split panel): nothing to fetch
            if image.slice_urls:
                known = self.known.get(image.source_url)
                if known and known["provenance"].get("slice_urls_sha256") == self._slices_sha(image.slice_urls) and self.media.has(known["sha256"]):
                    continue  # the volume of these very slices is kept: nothing to fetch
                urls = image.slice_urls
            else:
                urls = [image.source_url]
            for url in urls:
                requests.append(Request(url, meta={"download_maxsize": self.max_bytes, "media_kind": "slice" if image.slice_urls else "image"}))
        return requests

    def media_to_download(self, request: Request, info, *, item: Any = None):
        known = self.known.get(request.url)
        if known and request.meta.get("media_kind") == "image" and self.media.has(known["sha256"]):
            self.inc_stats("uptodate")
            return {"url": request.url, "path": known["media_path"], "checksum": known["sha256"], "status": "uptodate", "known": known}
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
        # Check, strip and write to the media store in a worker thread: file I/O stays off the reactor.
        stored = await deferred_to_future(threads.deferToThread(self._prepare_and_store, body, kind))
        return {"url": request.url, **stored}

    def _prepare_and_store(self, body: bytes, kind: str) -> dict[str, Any]:
        """``prepare_image`` then ``MediaStore.put_bytes`` (thread-safe: temp file + atomic rename)."""
        prepared = prepare_image(body, max_bytes=self.max_bytes, max_pixels=self.max_pixels)
        if kind == "slice":
            # Slices are kept as fetched (metadata-free): the volume is built from them later.
            sha = self.media.put_bytes(prepared.original if prepared.original is not None else prepared.data)
            return {"path": self.media.relpath(sha), "checksum": sha, "status": "downloaded"}
        sha = self.media.put_bytes(prepared.data)
        provenance = dict(prepared.provenance)
        if prepared.original is not None:
            provenance["converted"]["original_media_path"] = self.media.relpath(self.media.put_bytes(prepared.original))
        kill_point("media-written")
        known = {"sha256": sha, "media_path": self.media.relpath(sha), "format": prepared.format, "width": prepared.width,
                 "height": prepared.height, "phash": prepared.phash, "chash": prepared.chash, "thumb": prepared.thumb, "provenance": provenance}
        return {"path": known["media_path"], "checksum": sha, "status": "downloaded", "known": known}

    def media_failed(self, failure, request: Request, info):
        self.crawler.stats.inc_value("media/failed")
        if failure.check(MediaRejected):
            logger.warning("media rejected: %s: %s", request.url, failure.value)
            raise failure.value
        logger.warning("media not downloaded: %s: %s", request.url, failure.getErrorMessage())
        return super().media_failed(failure, request, info)

    # --- after every download of the case ---

    async def process_item(self, item: Any, spider=None) -> Any:
        if isinstance(item, CaseRecord) and any(_given_bytes(image) is not None for image in item.images):
            await deferred_to_future(threads.deferToThread(self._store_given, item))
        result = await super().process_item(item)
        if isinstance(result, CaseRecord) and result.extra.get("_volumes_pending"):
            await deferred_to_future(threads.deferToThread(self._build_volumes, result))
        return result

    def item_completed(self, results, item: Any, info) -> Any:
        if not isinstance(item, CaseRecord):
            return item
        # Results come in the order of get_media_requests.
        outcome: dict[str, tuple[bool, Any]] = {}
        for (ok, value), request in zip(results, self._requests_of(item)):
            outcome[request] = (ok, value)
        stored: list[StoredImage] = []
        rejected: list[dict[str, str]] = []
        transient: list[str] = []
        pending: list[tuple[Any, list[str]]] = []
        for image in item.images:
            common = dict(source_url=image.source_url, label=image.label, position=image.position, modality_text=image.modality_text,
                          view_text=image.view_text, caption=image.caption, date_text=image.date_text)
            if image.slice_urls:
                known = self.known.get(image.source_url)
                if image.source_url not in outcome and image.slice_urls[0] not in outcome and known:
                    stored.append(StoredImage(sha256=known["sha256"], media_path=known["media_path"], format=known["format"], width=known["width"],
                                              height=known["height"], phash=known["phash"], chash=known.get("chash"), thumb=known.get("thumb"), provenance=dict(known["provenance"]), **common))
                    continue
                failures = [(url, outcome.get(url)) for url in image.slice_urls if not outcome.get(url, (False, None))[0]]
                if failures:
                    reason = self._failure_reason(failures[0][1])
                    (rejected.append({"url": failures[0][0], "reason": reason}) if reason.startswith("rejected:") else transient.append(failures[0][0]))
                    continue
                pending.append((common, [outcome[url][1]["checksum"] for url in image.slice_urls]))
                continue
            given = item.extra.get("_given_media", {}).get((image.source_url, image.label))
            ok, value = given if given is not None else outcome.get(image.source_url, (False, None))
            if not ok:
                reason = self._failure_reason(value)
                if reason.startswith("rejected:"):
                    rejected.append({"url": image.source_url, "reason": reason.split(":", 2)[1]})
                    self.crawler.stats.inc_value(f"images/rejected/{reason.split(':', 2)[1]}")
                else:
                    transient.append(image.source_url)
                continue
            known = value["known"]
            stored.append(StoredImage(sha256=known["sha256"], media_path=known["media_path"], format=known["format"], width=known["width"],
                                      height=known["height"], phash=known["phash"], chash=known.get("chash"), thumb=known.get("thumb"), provenance={**record_provenance(image), **known["provenance"]},
                                      **common))
        item.extra.pop("_given_media", None)
        if transient:
            # A network failure is not a fact about the case: leave it unstaged, the next crawl retries.
            self.crawler.stats.inc_value("cases/failed")
            self.crawler.stats.inc_value("cases/failed/media")
            raise DropItem(f"media not downloaded ({len(transient)} files, e.g. {transient[0]}): {item.source} {item.source_key}")
        item.extra["_stored_images"] = stored
        item.extra["_volumes_pending"] = pending
        if rejected:
            item.extra["rejected_images"] = rejected
            item.warnings.append(f"{len(rejected)} image(s) rejected by the media checks: " + "; ".join(f"{r['url']} ({r['reason']})" for r in rejected))
        return item

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

        Results go to ``item.extra["_given_media"]`` by ``(source_url, label)``, as
        ``(True, {"known": facts})`` or ``(False, MediaRejected)``, for ``item_completed``.
        """
        results: dict[tuple[str, str], tuple[bool, Any]] = {}
        for image in item.images:
            data = _given_bytes(image)
            if data is None:
                continue
            try:
                prepared = prepare_image(data, max_bytes=self.max_bytes, max_pixels=self.max_pixels)
            except MediaRejected as exc:
                results[(image.source_url, image.label)] = (False, exc)
                continue
            self.inc_stats("given")
            sha = self.media.put_bytes(prepared.data)
            provenance = dict(prepared.provenance)
            provenance["bytes_from"] = image.extra.get("content_from") or "the record (no URL of its own)"
            if prepared.original is not None:
                provenance["converted"]["original_media_path"] = self.media.relpath(self.media.put_bytes(prepared.original))
            parent = image.extra.get("parent_content")
            if isinstance(parent, (bytes, bytearray)) and parent:
                try:
                    kept = prepare_image(bytes(parent), max_bytes=self.max_bytes, max_pixels=self.max_pixels)
                except MediaRejected as exc:
                    provenance["parent_rejected"] = exc.reason
                else:
                    parent_sha = self.media.put_bytes(kept.data)
                    provenance["parent_sha256"] = parent_sha
                    provenance["parent_media_path"] = self.media.relpath(parent_sha)
                    provenance["parent_size"] = [kept.width, kept.height]
            known = {"sha256": sha, "media_path": self.media.relpath(sha), "format": prepared.format, "width": prepared.width,
                     "height": prepared.height, "phash": prepared.phash, "chash": prepared.chash, "thumb": prepared.thumb, "provenance": provenance}
            results[(image.source_url, image.label)] = (True, {"known": known})
        item.extra["_given_media"] = results

    def _build_volumes(self, item: CaseRecord) -> None:
        """CT stacks: the ordered slices -> one gzipped NIfTI volume (in a worker thread)."""
        stored: list[StoredImage] = item.extra["_stored_images"]
        for common, slice_shas in item.extra.pop("_volumes_pending"):
            try:
                volume = stack_to_nifti([self.media.read(sha) for sha in slice_shas])
                facts = describe_image(volume)
            except (StackError, UnreadableImage) as exc:
                item.extra.setdefault("rejected_images", []).append({"url": common["source_url"], "reason": f"stack: {exc}"})
                item.warnings.append(f"CT stack {common['label']} not staged: {exc}")
                self.crawler.stats.inc_value("images/rejected/stack")
                continue
            sha = self.media.put_bytes(volume)
            provenance = {"built_from_slices": len(slice_shas), "slice_sha256": slice_shas,
                          "slice_urls_sha256": self._slices_sha(next(i.slice_urls for i in item.images if i.source_url == common["source_url"] and i.label == common["label"])),
                          "how": "ingest.volumes.stack_to_nifti: slices in site order along axis 3, identity affine"}
            stored.append(StoredImage(sha256=sha, media_path=self.media.relpath(sha), format=facts.format, width=facts.width, height=facts.height,
                                      phash=None, provenance=provenance, **common))
        stored.sort(key=lambda s: s.position)


# --- 3. Staging ----------------------------------------------------------------------------------


#: Fields whose coverage is compared run to run (present in most cases of a healthy crawl).
COVERAGE_FIELDS = ("title", "age_text", "sex_text", "history", "findings", "discussion", "license_text", "doi", "authors", "published", "images")


def coverage_of(record: CaseRecord) -> dict[str, bool]:
    return {name: bool(record.images if name == "images" else getattr(record, name)) for name in COVERAGE_FIELDS}


def _page_of_several(item: CaseRecord) -> bool:
    """The item comes from a page with several cases (its fetched page lists their keys)."""
    return any(doc.get("case_keys") for doc in item.extra.get("_documents") or [])


class StagePipeline:
    """Stage each case (case, images, field values, fetched pages); summarize the run.

    Before anything is written the record's names are resolved to its one identity
    (``staging/identity.py``): a released identity is dropped, whatever reached it; a paper's case takes
    the key its paper was first staged under.

    Cases are staged by one writer at a time, in batches: every case that arrived while the previous
    batch was being written goes into the next transaction (at most ``STAGING_BATCH_SIZE``), so a
    busy crawl pays one thread hop, one session and one commit per batch, not per case, and a quiet
    one stages each case at once. A crawl killed mid-batch has committed none of the batch: its
    cases are not known, and the next crawl fetches and stages them (tests/faults). A case of a page
    with several patients is staged in a transaction of its own (the page is known only once all are
    staged: ``kill_point("between-patients")``). Any error in a batch rolls it back and its cases are
    staged again one by one, so one bad case fails alone, as before batching."""

    def __init__(self, crawler):
        self.crawler = crawler
        self.media = open_media_store(crawler.settings.get("MEDIA_STORE"), crawler.settings)
        self.engine = None
        self.started_at = utcnow()
        self.coverage: dict[str, int] = {name: 0 for name in COVERAGE_FIELDS}
        self.covered_cases = 0
        self.drop_ratio = crawler.settings.getfloat("CRAWL_DROP_WARN_RATIO")
        self.batch_size = max(1, crawler.settings.getint("STAGING_BATCH_SIZE", 1))
        # One writer into the database: SQLite has one, and two records of one page (Eurorad,
        # several patients) upsert the same fetched document.
        self.db_lock = threading.Lock()
        #: Cases waiting for the writer, with what their ``process_item`` waits on (reactor thread only).
        self.waiting: list[tuple[CaseRecord, Deferred]] = []
        self.writing = False
        #: Keys staged so far of each page with several cases (for the kill point between them).
        self.page_cases_staged: dict[str, set[str]] = {}
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def open_spider(self, spider=None) -> None:
        self.engine = open_database(database_url(self.crawler.settings))

    async def process_item(self, item: Any, spider=None) -> Any:
        if not isinstance(item, CaseRecord):
            return item
        if not item.extra.get("_stored_images"):
            self.crawler.stats.inc_value("cases/dropped/no-usable-images")
            raise DropItem(f"no usable image: {item.source} {item.source_key}")
        done: Deferred = Deferred()
        self.waiting.append((item, done))
        if not self.writing:
            self._write_next()
        return await deferred_to_future(done)

    # --- the writer (batches start from the reactor thread, are written in the pool) ---

    def _write_next(self) -> None:
        batch = self._take_batch()
        self.writing = bool(batch)
        if batch:
            self.crawler.stats.inc_value("staging/batches")
            written = threads.deferToThread(self._stage_batch, [item for item, _ in batch])
            written.addBoth(self._batch_written, batch)

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

    def _batch_written(self, outcomes: list[CaseRecord | BaseException] | Failure, batch: list[tuple[CaseRecord, Deferred]]) -> None:
        if isinstance(outcomes, Failure):  # not raised by _stage_batch (it answers per case): fail them all
            outcomes = [outcomes.value] * len(batch)
        for (_, done), outcome in zip(batch, outcomes):
            if isinstance(outcome, BaseException):
                done.errback(Failure(outcome, type(outcome), outcome.__traceback__))
            else:
                done.callback(outcome)
        self._write_next()

    def _stage_batch(self, batch: list[CaseRecord]) -> list[CaseRecord | BaseException]:
        """Stage ``batch`` in one transaction; on an error, each case again in its own (worker thread).
        Returns each case's outcome: the item, or the exception it fails with."""
        outcomes: list[CaseRecord | BaseException | None] = [None] * len(batch)
        todo: list[tuple[int, CaseRecord, list[StoredDocument]]] = []
        for index, item in enumerate(batch):
            try:
                todo.append((index, item, self._store_documents(item)))
            except Exception as exc:  # this case's pages could not be kept: it fails alone
                outcomes[index] = exc
        keys = [item.source_key for _, item, _ in todo]
        try:
            with self.db_lock, session_scope(self.engine) as session:
                results = [self._stage_in(session, item, documents) for _, item, documents in todo]
        except Exception as exc:
            if len(todo) == 1:
                outcomes[todo[0][0]] = exc
                return outcomes
            for (index, item, _), key in zip(todo, keys):
                item.source_key = key  # as parsed: the retry resolves its identity again
                outcomes[index] = self._stage_batch([item])[0]
            return outcomes
        for (index, item, documents), result in zip(todo, results):
            if isinstance(result, DropItem):
                self.crawler.stats.inc_value("cases/skipped_released")
                outcomes[index] = result
            else:
                outcomes[index] = self._staged(item, result, documents)
        return outcomes

    def _store_documents(self, item: CaseRecord) -> list[StoredDocument]:
        """The fetched pages' bodies into the media store (before the transaction: content-addressed)."""
        documents = []
        for doc in item.extra.get("_documents") or []:
            body = doc.get("body") or b""
            sha = self.media.put_bytes(body)
            documents.append(StoredDocument(url=doc["url"], status=doc["status"], sha256=sha, body_path=self.media.relpath(sha),
                                            content_type=doc.get("content_type"), etag=doc.get("etag"), last_modified=doc.get("last_modified"),
                                            case_keys=doc.get("case_keys")))
        return documents

    def _stage_in(self, session, item: CaseRecord, documents: list[StoredDocument]) -> str | DropItem:
        """One case's rows in the open transaction; its status, or the DropItem of a released
        identity (nothing written for it: ``resolve_record`` only reads)."""
        # one identity per case: the key every name of the record resolves to (staging/identity.py)
        identity = resolve_record(session, item)
        if identity.released:
            return DropItem(f"already released, not staged again: {item.source} {identity.key} ({item.url})")
        item.source_key = identity.source_key
        # the page remembers its cases under the keys they are staged with
        documents[:] = [replace(doc, case_keys=page_case_keys(item.source, doc.case_keys, identity.key)) if doc.case_keys else doc
                        for doc in documents]
        rows = [record_document(session, item.source, doc) for doc in documents]
        # a changed source re-queues an approved case and shows the reviewer what changed
        case, status = stage_case(session, item, item.extra["_stored_images"], document=rows[0] if rows else None,
                                  on_source_changed=source_changed)
        case.identity_key = identity.key
        remember(session, item.source, identity.key, identity.aliases)
        kill_point("staging-commit")
        return status

    def _staged(self, item: CaseRecord, status: str, documents: list[StoredDocument]) -> CaseRecord:
        """After the commit that staged ``item``: the kill points, its counts; the bodies freed."""
        kill_point("staged")
        page_keys = documents[0].case_keys if documents else None
        if page_keys and item.source_key in page_keys:
            # the page's cases are staged in whatever order their images arrive
            done = self.page_cases_staged.setdefault(documents[0].url, set())
            done.add(item.source_key)
            if len(done) < len(set(page_keys)):
                kill_point("between-patients")
        stored = item.extra["_stored_images"]
        stats = self.crawler.stats
        stats.inc_value(f"cases/staged/{status}")
        stats.inc_value("images/staged", len(stored))
        self.covered_cases += 1
        for name, present in coverage_of(item).items():
            self.coverage[name] += int(present)
        # DEBUG: one line per case is noise in a crawl of thousands (the summary line counts them).
        logger.debug("staged %s %s %s (%d images): %s", status, item.source, item.source_key, len(stored), item.url)
        # Free the bodies: the item goes on to feed exporters and the log.
        item.extra.pop("_documents", None)
        return item

    # --- the crawl's summary ---

    def spider_closed(self, spider, reason: str) -> None:
        if self.engine is None:
            return
        source = getattr(spider, "source", spider.name)
        counts = self.run_counts()
        started_at, arguments = self.started_at, dict(getattr(spider, "arguments", {}))
        shared = getattr(self.crawler, "shared_run", None)
        if shared is not None:
            # One summary per run: each worker adds its counts, the last one writes the summary.
            logger.info("crawl worker %s done: %s", shared.worker, _summary_line(counts))
            finished = shared.leave(counts)
            if finished is None:
                return
            run_info, counts = finished
            started_at = datetime.fromisoformat(run_info["started_at"])
            arguments = dict(run_info.get("arguments") or arguments)
        run = self.crawl_run(source, counts, started_at, reason, arguments)
        with session_scope(self.engine) as session:
            previous = previous_crawl_run(session, source)
            run.warnings = self.compare(previous, run, int(counts.get(_COVERED, 0)))
            session.add(run)
        for warning in run.warnings:
            logger.warning("LIKELY LAYOUT CHANGE on %s: %s", source, warning)
        table = summary_table(source, reason, CrawlCounts.from_stats(counts), run.field_coverage)
        self.crawler.crawl_summary = table  # crawl_summary.CrawlProgress shows it on the terminal
        logger.info("%s", table)

    def run_counts(self) -> dict[str, float]:
        """This process's numbers of the run: the summary's stats and the field coverage counts."""
        stats = self.crawler.stats.get_stats()
        counts: dict[str, float] = {
            k: v for k, v in stats.items() if isinstance(v, (int, float)) and not isinstance(v, bool) and (
                (k.split("/")[0] in _SUMMARY_STAT_GROUPS and not k.startswith("downloader/request_method")) or k == "log_count/ERROR")}
        counts[_COVERED] = self.covered_cases
        counts.update({f"{_COVERAGE}{name}": count for name, count in self.coverage.items()})
        return counts

    @staticmethod
    def crawl_run(source: str, counts: dict[str, float], started_at: datetime, reason: str, arguments: dict) -> CrawlRun:
        value = lambda key: int(counts.get(key, 0))  # noqa: E731
        covered = value(_COVERED)
        coverage = {k[len(_COVERAGE):]: round(v / covered, 3) for k, v in counts.items() if k.startswith(_COVERAGE)} if covered else {}
        c = CrawlCounts.from_stats(counts)
        return CrawlRun(
            source=source,
            started_at=started_at,
            finished_at=utcnow(),
            finish_reason=reason,
            arguments=arguments,
            cases_seen=c.seen,
            cases_new=c.new,
            cases_updated=c.updated,
            cases_unchanged=c.unchanged,
            cases_skipped=c.skipped,
            cases_failed=c.failed,
            images=c.images,
            errors=c.errors,
            field_coverage=coverage,
            stats={k: (int(v) if float(v).is_integer() else v) for k, v in counts.items()
                   if k != "log_count/ERROR" and not k.startswith(_COVERAGE) and k != _COVERED},
        )

    def compare(self, previous: CrawlRun | None, run: CrawlRun, covered_cases: int) -> list[str]:
        """What dropped sharply against the previous run of the same source."""
        if previous is None:
            return []
        warnings = []
        parsed_now = run.cases_new + run.cases_updated + run.cases_unchanged
        if previous.field_coverage and run.field_coverage and covered_cases >= 3:
            for name, before in previous.field_coverage.items():
                now = run.field_coverage.get(name, 0.0)
                if before >= 0.5 and now < before * self.drop_ratio:
                    warnings.append(f"field {name!r} found in {now:.0%} of cases, was {before:.0%} in run {previous.id}")
        fetched_before = previous.cases_seen - previous.cases_skipped
        fetched_now = run.cases_seen - run.cases_skipped
        if fetched_before >= 5 and fetched_now >= 5:
            ok_before = (previous.cases_new + previous.cases_updated + previous.cases_unchanged) / fetched_before
            ok_now = parsed_now / fetched_now
            if ok_before >= 0.3 and ok_now < ok_before * self.drop_ratio:
                warnings.append(f"{ok_now:.0%} of fetched case pages staged, was {ok_before:.0%} in run {previous.id}")
        if previous.cases_seen >= 10 and run.cases_seen < previous.cases_seen * self.drop_ratio and not run.arguments.get("limit") and not run.arguments.get("cases"):
            warnings.append(f"{run.cases_seen} case links found, was {previous.cases_seen} in run {previous.id}")
        return warnings


#: Stat groups a run's summary keeps (and the workers of a shared run add up).
_SUMMARY_STAT_GROUPS = ("cases", "images", "blocked", "media", "retry_after", "search", "papers", "file_status_count", "downloader",
                        "item_dropped_reasons_count", "frontier")
#: Names of the coverage counts among a run's counts.
_COVERED = "coverage_cases"
_COVERAGE = "coverage/"


def _summary_line(counts: dict[str, float]) -> str:
    value = lambda key: int(counts.get(key, 0))  # noqa: E731
    failed = value("cases/failed") + value("cases/parse_error") + sum(int(v) for k, v in counts.items() if k.startswith("cases/dropped/"))
    why = {k.split("/", 2)[2]: int(v) for k, v in counts.items() if k.startswith("cases/failed/")}
    why.update({f"dropped: {k.split('/', 2)[2]}": int(v) for k, v in counts.items() if k.startswith("cases/dropped/")})
    if value("cases/parse_error"):
        why["parse error"] = value("cases/parse_error")
    reasons = f" ({', '.join(f'{k} {v}' for k, v in sorted(why.items()))})" if why else ""
    return (f"seen {value('cases/requested')}, new {value('cases/staged/new')}, updated {value('cases/staged/updated')}, "
            f"unchanged {value('cases/staged/unchanged') + value('cases/not_modified')}, "
            f"skipped (known) {value('cases/skipped_known') + value('cases/skipped_released')}, "
            f"failed {failed}{reasons}, images {value('images/staged')}, errors {value('log_count/ERROR')}, blocked {value('blocked')}")


__all__ = ["MediaPipeline", "MediaRejected", "StagePipeline", "ValidateCasePipeline", "prepare_image", "strip_jpeg_metadata", "strip_png_metadata"]
