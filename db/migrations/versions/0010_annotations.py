"""annotations: the dataset's annotation files and every annotation, imported or drawn by reviewers

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-04 18:40:00

Written by hand (curation/annotations.py, curation/annotation_store.py, review/annotate.py). New
tables only: nothing existing is altered.
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


revision: str = "0010"
down_revision: Union[str, Sequence[str], None] = "0009"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table(
        "annotation_files",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("path", sa.Text(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("media_path", sa.Text(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("license", sa.String(length=40), nullable=True),
        sa.Column("license_note", sa.Text(), nullable=True),
        sa.Column("last_import_id", sa.Integer(), nullable=False),
        sa.Column("removed_import_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["last_import_id"], ["dataset_imports.id"], name=op.f("fk_annotation_files_last_import_id_dataset_imports")),
        sa.ForeignKeyConstraint(["removed_import_id"], ["dataset_imports.id"], name=op.f("fk_annotation_files_removed_import_id_dataset_imports")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_annotation_files")),
        sa.UniqueConstraint("path", name=op.f("uq_annotation_files_path")),
    )
    op.create_table(
        "annotations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("file_id", sa.Integer(), nullable=True),
        sa.Column("origin", sa.String(length=20), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("key", sa.Text(), nullable=True),
        sa.Column("filename", sa.Text(), nullable=True),
        sa.Column("image_id", sa.Integer(), nullable=True),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("media_sha256", sa.String(length=64), nullable=True),
        sa.Column("license", sa.String(length=40), nullable=True),
        sa.Column("line", sa.Integer(), nullable=True),
        sa.Column("created_by", sa.String(length=120), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("deleted_by", sa.String(length=120), nullable=True),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("release_id", sa.Integer(), nullable=True),
        sa.Column("written_path", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["file_id"], ["annotation_files.id"], name=op.f("fk_annotations_file_id_annotation_files"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["image_id"], ["images.id"], name=op.f("fk_annotations_image_id_images"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["release_id"], ["releases.id"], name=op.f("fk_annotations_release_id_releases"), ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_annotations")),
    )
    with op.batch_alter_table("annotations", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_annotations_file_id"), ["file_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_annotations_image_id"), ["image_id"], unique=False)
        batch_op.create_index("ix_annotations_filename_kind", ["filename", "kind"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("annotations", schema=None) as batch_op:
        batch_op.drop_index("ix_annotations_filename_kind")
        batch_op.drop_index(batch_op.f("ix_annotations_image_id"))
        batch_op.drop_index(batch_op.f("ix_annotations_file_id"))
    op.drop_table("annotations")
    op.drop_table("annotation_files")
