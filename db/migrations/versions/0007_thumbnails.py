"""thumbnails: a 64 x 64 grayscale thumbnail per image and released file (crop-tolerant duplicates)

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-27 05:00:00

Written by hand (media/imaging.py thumbnail, dedup/crops.py). Adds one nullable column to
``images`` and ``released_files``; rows described before it stay NULL and are judged by the hashes
alone until described again (a re-import of the dataset, or the export for the images it adds).
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


revision: str = "0007"
down_revision: Union[str, Sequence[str], None] = "0006"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table("images") as batch:
        batch.add_column(sa.Column("thumb", sa.LargeBinary(), nullable=True))
    with op.batch_alter_table("released_files") as batch:
        batch.add_column(sa.Column("thumb", sa.LargeBinary(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("released_files") as batch:
        batch.drop_column("thumb")
    with op.batch_alter_table("images") as batch:
        batch.drop_column("thumb")
