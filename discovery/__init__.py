"""Discovery: candidates papers found in the literature, "already have it?" answers, decisions.

``known.py`` answers from the released rows, staged cases and earlier decisions; ``store.py``
keeps the candidates (one row per paper whatever form named it) and the maintainers' decisions.
Pure parsing and ranking live in ``ingest/`` (``identifiers``, ``literature``, ``ranking``).
"""
