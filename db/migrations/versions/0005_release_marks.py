"""release marks: pairs of images a reviewer marked distinct, adult confirmations with who and when

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-27 02:00:00

Written by hand (curation/marks.py). New tables only: nothing existing is altered.
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


revision: str = "0005"
down_revision: Union[str, Sequence[str], None] = "0004"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table(
        "distinct_pairs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("image_id", sa.Integer(), nullable=False),
        sa.Column("other_image_id", sa.Integer(), nullable=True),
        sa.Column("released_file_id", sa.Integer(), nullable=True),
        sa.Column("marked_by", sa.String(length=120), nullable=False),
        sa.Column("marked_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["image_id"], ["images.id"], name=op.f("fk_distinct_pairs_image_id_images"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["other_image_id"], ["images.id"], name=op.f("fk_distinct_pairs_other_image_id_images"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["released_file_id"], ["released_files.id"], name=op.f("fk_distinct_pairs_released_file_id_released_files"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_distinct_pairs")),
    )
    with op.batch_alter_table("distinct_pairs", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_distinct_pairs_image_id"), ["image_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_distinct_pairs_other_image_id"), ["other_image_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_distinct_pairs_released_file_id"), ["released_file_id"], unique=False)
    op.create_table(
        "adult_confirmations",
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("confirmed_by", sa.String(length=120), nullable=False),
        sa.Column("confirmed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name=op.f("fk_adult_confirmations_case_id_cases"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("case_id", name=op.f("pk_adult_confirmations")),
    )


def downgrade() -> None:
    op.drop_table("adult_confirmations")
    with op.batch_alter_table("distinct_pairs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_distinct_pairs_released_file_id"))
        batch_op.drop_index(batch_op.f("ix_distinct_pairs_other_image_id"))
        batch_op.drop_index(batch_op.f("ix_distinct_pairs_image_id"))
    op.drop_table("distinct_pairs")
