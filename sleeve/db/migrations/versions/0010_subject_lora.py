"""subject LoRAs: model versions bound to a subject; jobs without a brief (training)

Revision ID: 0010_subject_lora
Revises: 0008_job_stage
Create Date: 2026-12-01 03:10:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010_subject_lora"
down_revision = "0009_subject_photos"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("model_versions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("subject_id", sa.String(length=32), nullable=True))
        batch_op.create_index(batch_op.f("ix_model_versions_subject_id"), ["subject_id"],
                              unique=False)
        batch_op.create_foreign_key(batch_op.f("fk_model_versions_subject_id_subjects"),
                                    "subjects", ["subject_id"], ["id"], ondelete="CASCADE")
    with op.batch_alter_table("jobs", schema=None) as batch_op:
        batch_op.alter_column("brief_id", existing_type=sa.String(length=32), nullable=True)


def downgrade() -> None:
    op.execute("DELETE FROM jobs WHERE brief_id IS NULL")
    with op.batch_alter_table("jobs", schema=None) as batch_op:
        batch_op.alter_column("brief_id", existing_type=sa.String(length=32), nullable=False)
    op.execute("DELETE FROM model_versions WHERE subject_id IS NOT NULL")
    with op.batch_alter_table("model_versions", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_model_versions_subject_id_subjects"),
                                 type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_model_versions_subject_id"))
        batch_op.drop_column("subject_id")
