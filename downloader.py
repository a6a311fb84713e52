"""Scrapy's downloader with its per-site concurrency kept (``settings.DOWNLOADER``).

Scrapy 2.19's ``Downloader._process_queue`` pops queued requests while the slot has free transfer
slots, and starts each one as an asyncio task (``_schedule_coro``: ``loop.create_task``). The
request is only counted as transferring (``slot.transferring.add`` in ``_download``) when that task
first runs, on a later turn of the loop; so one call pops *every* request queued at that moment,
whatever ``CONCURRENT_REQUESTS_PER_DOMAIN`` says. Requests from the scheduler rarely queue up (the
engine stops taking them at ``CONCURRENT_REQUESTS`` in the downloader), but the media pipeline's
(``engine.download``, four images per case at once) do: the bench's crawl had up to 67 downloads in
flight to one site set to 16. Twisted's connection pool keeps ``maxPersistentPerHost`` (Scrapy sets
it to ``CONCURRENT_REQUESTS_PER_DOMAIN``) idle connections per site and closes the oldest one when
another comes back: 839 connections for 3,052 requests in a 500-case crawl, each new one paid in
CPU by both ends, and a polite crawl's "one request at a time" broken whenever a download outlasts
the delay (with ``DOWNLOAD_DELAY`` the loop pops one request per call, so the rate itself holds).

The fix here: a request counts as transferring from the moment it is popped (``_wait_for_download``
is called in the loop to make the coroutine). ``_download`` adds it again (a set: no change) and
removes it when done, as before; nothing else of Scrapy's is changed.
"""

from __future__ import annotations

from collections.abc import Coroutine
from typing import Any

from scrapy import Request
from scrapy.core.downloader import Downloader, Slot
from twisted.internet.defer import Deferred


class SlotBoundDownloader(Downloader):
    """``Downloader`` that counts a request as transferring as soon as ``_process_queue`` pops it."""

    def _wait_for_download(self, slot: Slot, request: Request, queue_dfd: Deferred) -> Coroutine[Any, Any, None]:
        # Called by _process_queue's loop to make the coroutine it schedules (a plain call: no await
        # here), so the loop's next free_transfer_slots() already counts this request.
        slot.transferring.add(request)
        return super()._wait_for_download(slot, request, queue_dfd)
