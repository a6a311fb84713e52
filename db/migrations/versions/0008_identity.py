"""identity: case aliases -> one natural key, released rows linked to those keys

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-04 18:45:00

Written by hand (ingest/identity.py, staging/identity.py). Two new tables, and two columns:
``cases.identity_key`` (null for cases staged before: staging/identity.py fills it with their aliases the
next time identities are loaded) and ``released_rows.identity_linked`` (false: every released row is
linked again by the next import, crawl or ``scrapy migrate``).
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


revision: str = "0008"
down_revision: Union[str, Sequence[str], None] = "0007"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table(
        "case_aliases",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=40), nullable=False),
        sa.Column("alias", sa.String(length=500), nullable=False),
        sa.Column("key", sa.String(length=300), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_aliases")),
        sa.UniqueConstraint("source", "alias", name=op.f("uq_case_aliases_source_alias")),
    )
    op.create_index("ix_case_aliases_source_key", "case_aliases", ["source", "key"], unique=False)
    op.create_table(
        "released_identities",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("released_row_id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=40), nullable=False),
        sa.Column("key", sa.String(length=300), nullable=False),
        sa.ForeignKeyConstraint(["released_row_id"], ["released_rows.id"],
                                name=op.f("fk_released_identities_released_row_id_released_rows"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_released_identities")),
        sa.UniqueConstraint("released_row_id", "source", "key", name=op.f("uq_released_identities_released_row_id_source_key")),
    )
    op.create_index(op.f("ix_released_identities_released_row_id"), "released_identities", ["released_row_id"], unique=False)
    op.create_index("ix_released_identities_source_key", "released_identities", ["source", "key"], unique=False)
    with op.batch_alter_table("cases") as batch:
        batch.add_column(sa.Column("identity_key", sa.String(length=300), nullable=True))
        batch.create_index("ix_cases_source_identity_key", ["source", "identity_key"], unique=False)
    with op.batch_alter_table("released_rows") as batch:
        batch.add_column(sa.Column("identity_linked", sa.Boolean(), server_default=sa.false(), nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("released_rows") as batch:
        batch.drop_column("identity_linked")
    with op.batch_alter_table("cases") as batch:
        batch.drop_index("ix_cases_source_identity_key")
        batch.drop_column("identity_key")
    op.drop_index("ix_released_identities_source_key", table_name="released_identities")
    op.drop_index(op.f("ix_released_identities_released_row_id"), table_name="released_identities")
    op.drop_table("released_identities")
    op.drop_index("ix_case_aliases_source_key", table_name="case_aliases")
    op.drop_table("case_aliases")
