"""Alembic environment: runs migrations on the connection handed in by db.session, or on the URL."""

from alembic import context
from sqlalchemy import engine_from_config, pool

from db.models import Base
from faults import kill_point

config = context.config
# A caller may narrow the metadata (the migration generator does, to split revisions).
target_metadata = config.attributes.get("target_metadata", Base.metadata)


def run_migrations(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=True,  # SQLite cannot ALTER most things; batch mode copies the table
        compare_type=True,
        # crash tests: INGEST_KILL_AT=migration kills the process inside the upgrade's transaction
        on_version_apply=lambda **_: kill_point("migration"),
    )
    with context.begin_transaction():
        context.run_migrations()


connection = config.attributes.get("connection")
if connection is not None:
    run_migrations(connection)
else:
    engine = engine_from_config(config.get_section(config.config_ini_section, {}), prefix="sqlalchemy.",
                                poolclass=pool.NullPool)
    with engine.connect() as conn:
        run_migrations(conn)
