"""subject photos, and when a subject's owner consented

Revision ID: 0009_subject_photos
Revises: 0008_job_stage
Create Date: 2026-12-01 03:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009_subject_photos"
down_revision = "0008_job_stage"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("subjects", schema=None) as batch_op:
        batch_op.add_column(sa.Column("consented_at", sa.DateTime(timezone=True), nullable=True))
    op.create_table(
        "subject_photos",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("subject_id", sa.String(length=32), nullable=False),
        sa.Column("user_id", sa.String(length=32), nullable=False),
        sa.Column("format", sa.String(length=8), nullable=False),
        sa.Column("width", sa.Integer(), nullable=False),
        sa.Column("height", sa.Integer(), nullable=False),
        sa.Column("byte_size", sa.Integer(), nullable=False),
        sa.Column("face", sa.JSON(), nullable=False),
        sa.Column("crop_face", sa.JSON(), nullable=False),
        sa.Column("original_key", sa.String(length=300), nullable=False),
        sa.Column("crop_key", sa.String(length=300), nullable=False),
        sa.Column("thumbnail_key", sa.String(length=300), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["subject_id"], ["subjects.id"],
                                name=op.f("fk_subject_photos_subject_id_subjects"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"],
                                name=op.f("fk_subject_photos_user_id_users"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_subject_photos")),
    )
    with op.batch_alter_table("subject_photos", schema=None) as batch_op:
        batch_op.create_index("ix_subject_photos_subject_created", ["subject_id", "created_at"],
                              unique=False)
        batch_op.create_index(batch_op.f("ix_subject_photos_user_id"), ["user_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("subject_photos", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_subject_photos_user_id"))
        batch_op.drop_index("ix_subject_photos_subject_created")
    op.drop_table("subject_photos")
    with op.batch_alter_table("subjects", schema=None) as batch_op:
        batch_op.drop_column("consented_at")
