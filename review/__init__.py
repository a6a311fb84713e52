"""Maintainers' review of staged cases: one set of rules used by the web app and the CLI.

- ``rules``: review states, editable fields and the validation of a reviewer's value;
- ``warnings``: what a reviewer must look at (age, license, near-duplicates, several patients...);
- ``actions``: every state change, each recorded as a ``ReviewEvent`` (who, when, before, after);
- ``queries``: the queue, a case with its evidence and history;
- ``web``: the Flask application behind ``scrapy review`` (its blueprints: ``queue_views``,
  ``case_views``, ``media_views``, ``candidates_tab``, ``annotations_web``; ``security``).
"""
