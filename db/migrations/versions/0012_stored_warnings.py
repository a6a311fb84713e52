"""stored warnings: review warnings kept up to date when cases and images change, not on first view

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-05 01:00:00

Written by hand (db/models.py WarningState, WarningIndexEntry, ImageCropRegions; review/warning_store.py).
``cases`` gains the digest of the inputs its stored warnings were computed from and two indexes
(newest update, warnings not computed: asked on every page load); three new tables
record what the near-duplicate part was computed against. Existing stored warnings are recomputed
once by the first sync (no state row yet), so nothing computed by the old code is trusted.
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


revision: str = "0012"
down_revision: Union[str, Sequence[str], None] = "0011"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    # Plain ADD COLUMN, never batch mode for ``cases`` (see 0004: batch mode would drop the table).
    op.add_column("cases", sa.Column("warnings_inputs", sa.String(length=64), nullable=True))
    # Every review page load asks for the newest update of a case and whether a case has no stored
    # warnings: indexes answer both without reading the table. Plain CREATE INDEX (no batch mode).
    op.create_index("ix_cases_updated_at", "cases", ["updated_at"], unique=False)
    op.create_index("ix_cases_warning_codes", "cases", ["warning_codes"], unique=False)
    op.create_table(
        "warning_state",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("signature", sa.Text(), nullable=True),
        sa.Column("synced_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_warning_state")),
    )
    op.create_table(
        "warning_index_entries",
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=True),
        sa.Column("sha256", sa.String(length=64), nullable=True),
        sa.Column("phash", sa.String(length=16), nullable=True),
        sa.Column("chash", sa.String(length=16), nullable=True),
        sa.Column("thumb_size", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("kind", "owner_id", name=op.f("pk_warning_index_entries")),
    )
    op.create_table(
        "image_crop_regions",
        sa.Column("image_id", sa.Integer(), nullable=False),
        sa.Column("hashes", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(["image_id"], ["images.id"], name=op.f("fk_image_crop_regions_image_id_images"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("image_id", name=op.f("pk_image_crop_regions")),
    )


def downgrade() -> None:
    op.drop_table("image_crop_regions")
    op.drop_table("warning_index_entries")
    op.drop_table("warning_state")
    op.drop_index("ix_cases_warning_codes", table_name="cases")
    op.drop_index("ix_cases_updated_at", table_name="cases")
    op.drop_column("cases", "warnings_inputs")
