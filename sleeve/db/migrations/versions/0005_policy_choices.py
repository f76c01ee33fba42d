"""policy choices on covers, model registry events

Revision ID: 0005_policy_choices
Revises: 0004_motion_jobs
Create Date: 2026-12-01 00:20:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005_policy_choices"
down_revision = "0004_motion_jobs"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("covers") as batch:
        batch.add_column(sa.Column("choice", sa.JSON(), nullable=True))
    op.create_table(
        "model_events",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("model_version_id", sa.String(length=32), nullable=True),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("action", sa.String(length=16), nullable=False),
        sa.Column("actor", sa.String(length=320), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("metrics", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["model_version_id"], ["model_versions.id"],
            name=op.f("fk_model_events_model_version_id_model_versions"), ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_model_events")),
    )
    op.create_index(op.f("ix_model_events_kind"), "model_events", ["kind"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_model_events_kind"), table_name="model_events")
    op.drop_table("model_events")
    with op.batch_alter_table("covers") as batch:
        batch.drop_column("choice")
