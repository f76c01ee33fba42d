"""cover variants rendered by workers

Revision ID: 0006_variant_renders
Revises: 0005_policy_choices
Create Date: 2026-12-01 00:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006_variant_renders"
down_revision = "0005_policy_choices"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "cover_variants",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("cover_id", sa.String(length=32), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("format", sa.String(length=8), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("blob_key", sa.String(length=300), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["cover_id"], ["covers.id"], name=op.f("fk_cover_variants_cover_id_covers"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cover_variants")),
        sa.UniqueConstraint("cover_id", "size", "format",
                            name="uq_cover_variants_cover_size_format"),
    )
    with op.batch_alter_table("cover_variants", schema=None) as batch_op:
        batch_op.create_index("ix_cover_variants_state_created", ["state", "created_at"],
                              unique=False)


def downgrade() -> None:
    with op.batch_alter_table("cover_variants", schema=None) as batch_op:
        batch_op.drop_index("ix_cover_variants_state_created")
    op.drop_table("cover_variants")
