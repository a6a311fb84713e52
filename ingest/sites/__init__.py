"""Each case site's facts, one module per source, read by its parser, its spider, the identity of
its cases and the normalizers alike: the site's address and hosts, the canonical form of a case
URL, what names a case (its key), the licence the site states for all its cases, the order of day
and month in its dates and the credit line the dataset writes for it (docs/site-notes.md §1-§3).
"""

from __future__ import annotations

from ingest.sites import eurorad, radiopaedia, sirm

#: Sources whose slashed dates put the day first (their sites are European).
DAY_FIRST_SOURCES: frozenset[str] = frozenset(
    site.SOURCE for site in (radiopaedia, eurorad, sirm) if site.DAY_FIRST is True
)
