"""motion jobs: a job's kind, and what a motion job makes

Revision ID: 0004_motion_jobs
Revises: 0003_runs_reports
Create Date: 2026-12-01 00:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004_motion_jobs"
down_revision = "0003_runs_reports"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("jobs", schema=None) as batch_op:
        batch_op.add_column(sa.Column("kind", sa.String(length=16), nullable=False,
                                      server_default="covers"))
        batch_op.add_column(sa.Column("cover_id", sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column("motion_preset", sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column("motion_seconds", sa.Float(), nullable=True))
        batch_op.add_column(sa.Column("result_key", sa.String(length=300), nullable=True))
        batch_op.create_foreign_key(batch_op.f("fk_jobs_cover_id_covers"), "covers",
                                    ["cover_id"], ["id"], ondelete="CASCADE")


def downgrade() -> None:
    with op.batch_alter_table("jobs", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_jobs_cover_id_covers"), type_="foreignkey")
        batch_op.drop_column("result_key")
        batch_op.drop_column("motion_seconds")
        batch_op.drop_column("motion_preset")
        batch_op.drop_column("cover_id")
        batch_op.drop_column("kind")
