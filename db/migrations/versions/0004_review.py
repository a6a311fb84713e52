"""review: audit trail (review_events) and the reviewer's decisions on cases

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-27 01:20:00

Written by hand (see review/actions.py): every review action becomes a ``review_events`` row; a
case gains the links and confirmations a reviewer gives (duplicate of a case or a released row,
adult confirmed, distinct from its near-duplicates, split from), the reason of the last decision,
and the review warnings as last computed (codes kept as ",a,b," so the queue can filter on them).
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


revision: str = "0004"
down_revision: Union[str, Sequence[str], None] = "0003"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table(
        "review_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("image_id", sa.Integer(), nullable=True),
        sa.Column("actor", sa.String(length=120), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("action", sa.String(length=40), nullable=False),
        sa.Column("field", sa.String(length=40), nullable=True),
        sa.Column("before", sa.JSON(), nullable=True),
        sa.Column("after", sa.JSON(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name=op.f("fk_review_events_case_id_cases"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["image_id"], ["images.id"], name=op.f("fk_review_events_image_id_images"), ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review_events")),
    )
    with op.batch_alter_table("review_events", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_review_events_case_id"), ["case_id"], unique=False)

    # Plain ADD COLUMN, never batch mode for ``cases``: batch mode copies and drops the table, and
    # on SQLite (foreign keys on) dropping ``cases`` would cascade-delete every image and value.
    # No ON DELETE action: SQLite's reflection cannot read one on an added column (the models
    # would never agree with the database), and a case another case points at should not vanish.
    def fk_column(name: str, target: str) -> None:
        op.add_column("cases", sa.Column(name, sa.Integer(), sa.ForeignKey(target), nullable=True),
                      inline_references=True)

    fk_column("duplicate_of_case_id", "cases.id")
    fk_column("duplicate_of_released_row_id", "released_rows.id")
    op.add_column("cases", sa.Column("adult_confirmed", sa.Boolean(), server_default=sa.false(), nullable=False))
    op.add_column("cases", sa.Column("distinct_confirmed", sa.Boolean(), server_default=sa.false(), nullable=False))
    op.add_column("cases", sa.Column("review_reason", sa.Text(), nullable=True))
    fk_column("split_from_case_id", "cases.id")
    op.add_column("cases", sa.Column("review_warnings", sa.JSON(), nullable=True))
    op.add_column("cases", sa.Column("warning_codes", sa.String(length=400), nullable=True))

    with op.batch_alter_table("field_values", schema=None) as batch_op:
        batch_op.create_index("ix_field_values_field_case_id", ["field", "case_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("field_values", schema=None) as batch_op:
        batch_op.drop_index("ix_field_values_field_case_id")
    # Plain DROP COLUMN (see upgrade): PostgreSQL drops the foreign keys with their columns.
    for column in ("warning_codes", "review_warnings", "split_from_case_id", "review_reason", "distinct_confirmed",
                   "adult_confirmed", "duplicate_of_released_row_id", "duplicate_of_case_id"):
        op.drop_column("cases", column)
    with op.batch_alter_table("review_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_review_events_case_id"))
    op.drop_table("review_events")
