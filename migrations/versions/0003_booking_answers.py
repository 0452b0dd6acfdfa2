"""booking answers: a booking in progress is kept in the database, not in the session cookie

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26 20:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "booking_answers",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("client_id", sa.Uuid(), nullable=False),
        sa.Column("answers", sa.JSON(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["client_id"], ["users.id"], name=op.f("fk_booking_answers_client_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_booking_answers")),
    )
    op.create_index(op.f("ix_booking_answers_client_id"), "booking_answers", ["client_id"])
    op.create_index(op.f("ix_booking_answers_updated_at"), "booking_answers", ["updated_at"])


def downgrade() -> None:
    op.drop_index(op.f("ix_booking_answers_updated_at"), table_name="booking_answers")
    op.drop_index(op.f("ix_booking_answers_client_id"), table_name="booking_answers")
    op.drop_table("booking_answers")
