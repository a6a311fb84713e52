"""candidates: papers found by discovery (Europe PMC search, imported lists), ranked, with decisions

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-04 18:45:00

Written by hand (db/models.py Candidate, discovery/). One new table; nothing existing changes.
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


revision: str = "0011"
down_revision: Union[str, Sequence[str], None] = "0010"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table(
        "candidates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=320), nullable=False),
        sa.Column("doi", sa.String(length=300), nullable=True),
        sa.Column("pmid", sa.String(length=20), nullable=True),
        sa.Column("pmcid", sa.String(length=20), nullable=True),
        sa.Column("pii", sa.String(length=40), nullable=True),
        sa.Column("url", sa.Text(), nullable=True),
        sa.Column("title", sa.Text(), nullable=True),
        sa.Column("journal", sa.Text(), nullable=True),
        sa.Column("authors", sa.Text(), nullable=True),
        sa.Column("published", sa.String(length=40), nullable=True),
        sa.Column("pub_types", sa.JSON(), nullable=False),
        sa.Column("license", sa.String(length=120), nullable=True),
        sa.Column("open_access", sa.Boolean(), nullable=True),
        sa.Column("patients", sa.Integer(), nullable=True),
        sa.Column("figures", sa.JSON(), nullable=True),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("reasons", sa.JSON(), nullable=False),
        sa.Column("found_by", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("decided_by", sa.String(length=120), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decision_reason", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_candidates")),
        sa.UniqueConstraint("key", name=op.f("uq_candidates_key")),
    )
    with op.batch_alter_table("candidates", schema=None) as batch_op:
        for column in ("doi", "pmid", "pmcid", "pii", "score", "status"):
            batch_op.create_index(batch_op.f(f"ix_candidates_{column}"), [column], unique=False)


def downgrade() -> None:
    op.drop_table("candidates")
