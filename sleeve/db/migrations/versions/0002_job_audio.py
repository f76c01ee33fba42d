"""jobs.audio: the features of the track uploaded with a job (the audio itself is not kept)

Revision ID: 0002_job_audio
Revises: 0001
Create Date: 2026-12-01 00:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002_job_audio"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("jobs", schema=None) as batch_op:
        batch_op.add_column(sa.Column("audio", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("jobs", schema=None) as batch_op:
        batch_op.drop_column("audio")
