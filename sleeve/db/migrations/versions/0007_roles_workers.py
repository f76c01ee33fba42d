"""user roles, role change log, worker engine heartbeats

Revision ID: 0007_roles_workers
Revises: 0006_variant_renders
Create Date: 2026-12-01 00:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007_roles_workers"
down_revision = "0006_variant_renders"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("role", sa.String(length=16), server_default="user",
                                      nullable=False))
    op.create_table(
        "role_events",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("user_id", sa.String(length=32), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column("old_role", sa.String(length=16), nullable=False),
        sa.Column("new_role", sa.String(length=16), nullable=False),
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_role_events")),
    )
    with op.batch_alter_table("role_events", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_role_events_user_id"), ["user_id"], unique=False)
    op.create_table(
        "worker_engines",
        sa.Column("worker", sa.String(length=200), nullable=False),
        sa.Column("engine", sa.String(length=32), nullable=False),
        sa.Column("queue", sa.String(length=64), nullable=False),
        sa.Column("heartbeat_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("worker", "engine", name=op.f("pk_worker_engines")),
    )
    with op.batch_alter_table("worker_engines", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_worker_engines_heartbeat_at"), ["heartbeat_at"],
                              unique=False)


def downgrade() -> None:
    with op.batch_alter_table("worker_engines", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_worker_engines_heartbeat_at"))
    op.drop_table("worker_engines")
    with op.batch_alter_table("role_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_role_events_user_id"))
    op.drop_table("role_events")
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("role")
