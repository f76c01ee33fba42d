"""jobs.crashes: attempts that ended with the job's process dying under it, counted apart from
attempts lost with their whole worker (which are not the job's fault)

Revision ID: 0011_job_crashes
Revises: 0010_subject_lora
Create Date: 2026-12-01 07:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011_job_crashes"
down_revision = "0010_subject_lora"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("jobs", schema=None) as batch_op:
        batch_op.add_column(sa.Column("crashes", sa.Integer(), server_default="0",
                                      nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("jobs", schema=None) as batch_op:
        batch_op.drop_column("crashes")
