"""The staging service: normalize a crawled case, then persist it in one transaction.

``service.py`` (``stage_case``: the case, its images and field values upserted by natural key; the
crawl's incremental queries and run summary) and ``identity.py`` (one identity per case whatever
alias reached it; released rows linked to their source documents). It is the one layer that joins
the normalizers of ``ingest`` to the models of ``db``, which keeps models, sessions and migrations.
"""
