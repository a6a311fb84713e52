"""centred hash: a second perceptual hash per image and released file (content-centred pHash)

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-27 03:00:00

Written by hand (exports/gates.py near_duplicate, media/imaging.py centred_phash). Adds one
nullable column to ``images`` and ``released_files``; rows hashed before it stay NULL and are
judged by the whole-image pHash alone until re-hashed (re-import, or the export hashes them).
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


revision: str = "0006"
down_revision: Union[str, Sequence[str], None] = "0005"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table("images") as batch:
        batch.add_column(sa.Column("chash", sa.String(length=16), nullable=True))
    with op.batch_alter_table("released_files") as batch:
        batch.add_column(sa.Column("chash", sa.String(length=16), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("released_files") as batch:
        batch.drop_column("chash")
    with op.batch_alter_table("images") as batch:
        batch.drop_column("chash")
