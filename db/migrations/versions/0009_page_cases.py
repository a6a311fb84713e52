"""page cases: the natural keys of the cases a fetched page yields (a page is known once all are staged)

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-04 18:30:00

Written by hand (staging/service.py ``incomplete_page_keys``). One nullable JSON column on
``fetched_documents``: the keys of every case parsed from the page (a Eurorad page with two
patients yields two). A page whose cases are not all staged (a crawl killed between two
patients, an image of the second patient that failed) is fetched again by the next crawl. Pages
fetched before this revision stay NULL and count as complete, as before.
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


revision: str = "0009"
down_revision: Union[str, Sequence[str], None] = "0008"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table("fetched_documents") as batch:
        batch.add_column(sa.Column("case_keys", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("fetched_documents") as batch:
        batch.drop_column("case_keys")
