"""Curation: what people add to the dataset on top of the crawled values, kept in one place that
the review app and the release both read.

- ``marks.py``: a reviewer's marks (the patient confirmed an adult, two images marked distinct),
  set from the review page and ``scrapy cases``, honoured by the release gates;
- ``annotations.py``: the dataset's ``annotations/`` folder read as its consumers read it (severity
  scores, lung masks, boxes, tables keyed by filename); pure, bytes in, typed records out;
- ``annotation_store.py``: annotations in the staging database (imported with the dataset, added
  by reviewers, the kept-annotations check of every release).

Why a package of its own: these are neither review (the pages and their rules) nor export (the
release writer); both use them, and ``review/`` and ``exports/`` never import each other. It sits
below both, beside ``dedup/`` (the near-duplicate rule both apply): it may import ``db``,
``ingest``, ``media`` and ``schema`` only.
"""
