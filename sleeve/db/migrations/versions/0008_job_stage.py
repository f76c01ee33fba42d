"""jobs.stage: what a running job is doing now, a field instead of arithmetic on progress

Revision ID: 0008_job_stage
Revises: 0007_roles_workers
Create Date: 2026-12-01 03:20:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008_job_stage"
down_revision = "0007_roles_workers"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("jobs", schema=None) as batch_op:
        batch_op.add_column(sa.Column("stage", sa.String(length=16), nullable=True))
    # Jobs running while the schema changes: a motion job is drawing its frames; a covers job
    # with no progress yet is planning, one with progress is at a cover's artwork (its worker
    # writes the true stage at its next step). Every other job has none.
    op.execute("UPDATE jobs SET stage = 'frames' WHERE state = 'running' AND kind = 'motion'")
    op.execute("UPDATE jobs SET stage = CASE WHEN progress = 0 THEN 'planning' "
               "ELSE 'artwork' END WHERE state = 'running' AND kind <> 'motion'")


def downgrade() -> None:
    with op.batch_alter_table("jobs", schema=None) as batch_op:
        batch_op.drop_column("stage")
