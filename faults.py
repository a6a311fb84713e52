"""Named kill points for the crash tests (tests/faults/): inert unless ``INGEST_KILL_AT`` is set.

``INGEST_KILL_AT=<point>`` makes the process kill itself with SIGKILL (no clean-up, no ``finally``,
as a power cut or the OOM killer would) the first time it reaches ``kill_point(<point>)``;
``<point>@N`` the N-th time; several points may be given, comma-separated. The points:

* ``media-written``: an image was written into the media store (before its case is staged);
* ``staging-commit``: inside a case's staging transaction, every row written, before the commit;
* ``staged``: right after a case's staging transaction committed;
* ``between-patients``: after one case of a page with several patients committed, before the next;
* ``migration``: inside the schema upgrade's transaction, after a revision's changes;
* ``export-planned``, ``export-files-placed``, ``export-metadata-written``, ``export-artefacts-written``,
  ``export-recorded``: the steps of ``scrapy export --dataset`` (exports/release.py).

A point costs one dictionary lookup when the variable is unset.
"""

from __future__ import annotations

import os
import signal
import threading

ENV = "INGEST_KILL_AT"
_passes: dict[str, int] = {}
_lock = threading.Lock()
#: The process a worker process does this work for (``acting_for``): killed with it at a point.
_principal: dict[str, int] = {}


def acting_for(pid: int) -> None:
    """Mark this process as a worker doing ``pid``'s work (the crawl's staging process): a kill point
    reached here kills ``pid`` first, then this process, as it killed the crawl when the work ran in
    the crawl's own threads."""
    _principal["pid"] = pid


def _wanted() -> dict[str, int]:
    wanted: dict[str, int] = {}
    for part in os.environ.get(ENV, "").split(","):
        name, _, count = part.strip().partition("@")
        if name:
            wanted[name] = int(count) if count.isdigit() and int(count) > 0 else 1
    return wanted


def kill_point(name: str) -> None:
    """SIGKILL this process here when ``INGEST_KILL_AT`` names this point (and this pass)."""
    if ENV not in os.environ:
        return
    wanted = _wanted().get(name)
    if wanted is None:
        return
    with _lock:
        _passes[name] = _passes.get(name, 0) + 1
        if _passes[name] == wanted:
            if "pid" in _principal:
                os.kill(_principal["pid"], signal.SIGKILL)
            os.kill(os.getpid(), signal.SIGKILL)
