"""The staging database: models, sessions, migrations (see DESIGN.md, "The staging model")."""

from db.session import DEFAULT_DB_URL, database_url, open_database, session_scope, upgrade_database

__all__ = ["DEFAULT_DB_URL", "database_url", "open_database", "session_scope", "upgrade_database"]
