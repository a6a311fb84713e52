"""A crawl's patients staged in the order a test chooses (``tests/faults/test_paper_kills.py``).

The staging pipeline takes a page's cases in the order they are ready, which the machine's load
decides: of PMC7251234's patients, two come with the panels the spider split and one waits for
its figure's download; one crawl at a load average of 15 staged them 2, 1, 3, and the download may
as well finish first. A kill point that counts staged cases then stops the crawl with other
patients staged. Placed between the media and the staging pipelines (``staging_order_argv``),
this pipeline hands each case keyed ``...#patient<N>`` on only once the patients before it in
the order have left the last pipeline (staged, or dropped), so the kill lands after the same
patients on any machine.
"""

from __future__ import annotations

import json

from scrapy import signals
from scrapy.utils.defer import deferred_to_future
from twisted.internet.defer import Deferred

from settings import ITEM_PIPELINES

#: The project's pipelines with this one between media and staging.
_PIPELINES = {**ITEM_PIPELINES, "tests.faults.staging_order.StagingOrderPipeline":
              (ITEM_PIPELINES["pipelines.MediaPipeline"] + ITEM_PIPELINES["pipelines.StagePipeline"]) // 2}


def staging_order_argv(order: tuple[int, ...]) -> list[str]:
    """``scrapy crawl`` settings that stage the patients numbered in ``order`` in that order."""
    return ["-s", f"ITEM_PIPELINES={json.dumps(_PIPELINES)}", "-s", f"STAGING_ORDER={','.join(map(str, order))}"]


def _patient(item) -> int | None:
    _, marked, number = (getattr(item, "source_key", "") or "").rpartition("#patient")
    return int(number) if marked and number.isdigit() else None


class StagingOrderPipeline:
    def __init__(self, order: list[int]):
        self.order = order
        self.done: set[int] = set()
        self.waiting: dict[int, list[Deferred]] = {}

    @classmethod
    def from_crawler(cls, crawler):
        pipeline = cls([int(n) for n in crawler.settings.get("STAGING_ORDER", "").split(",") if n])
        for signal in (signals.item_scraped, signals.item_dropped, signals.item_error):
            crawler.signals.connect(pipeline.left, signal=signal)
        return pipeline

    def left(self, item, **_kwargs) -> None:
        """``item`` left the pipelines: the patients held for it go on."""
        patient = _patient(item)
        if patient is not None:
            self.done.add(patient)
            for waiter in self.waiting.pop(patient, []):
                waiter.callback(None)

    async def process_item(self, item, spider=None):
        patient = _patient(item)
        if patient in self.order:
            for earlier in self.order[: self.order.index(patient)]:
                if earlier not in self.done:
                    left: Deferred = Deferred()
                    self.waiting.setdefault(earlier, []).append(left)
                    await deferred_to_future(left)
        return item
