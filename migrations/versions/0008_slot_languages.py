"""slot languages: a slot's topic and place in Finnish, Swedish and English, as organisation names are

What staff typed so far is kept as the Finnish text (the demo's and the staff pages' language until now);
Swedish and English start empty and the reader then gets the Finnish one, marked with lang="fi".

Revision ID: slot_languages
Revises: plan_versions
Create Date: 2026-11-30 12:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "slot_languages"
down_revision = "plan_versions"
branch_labels = None
depends_on = None

FIELDS = ("topic", "location")


def upgrade() -> None:
    with op.batch_alter_table("appointment_slots") as batch_op:
        for field in FIELDS:
            batch_op.alter_column(field, new_column_name=f"{field}_fi", existing_type=sa.String(length=200),
                                  existing_nullable=False)
            for lang in ("sv", "en"):
                batch_op.add_column(sa.Column(f"{field}_{lang}", sa.String(length=200), nullable=False,
                                              server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("appointment_slots") as batch_op:
        for field in FIELDS:
            for lang in ("sv", "en"):
                batch_op.drop_column(f"{field}_{lang}")
            batch_op.alter_column(f"{field}_fi", new_column_name=field, existing_type=sa.String(length=200),
                                  existing_nullable=False)
