"""The staging database: models, sessions, migrations (see docs/design.md, "The staging model").

Nothing is imported here: ``db.session`` brings SQLAlchemy and Alembic, which a command that
does not open the database (``scrapy version``, ``scrapy backfill``) should not pay for.
"""
