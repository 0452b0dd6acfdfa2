"""caseload indexes: an organisation's open steps, and drafts, found without reading every plan

Revision ID: caseload_indexes
Revises: notices
Create Date: 2026-11-30 16:45:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "caseload_indexes"
down_revision = "notices"
branch_labels = None
depends_on = None

_OPEN = sa.text("removed_at IS NULL AND status <> 'done'")
_DRAFT = sa.text("status = 'draft'")


def upgrade() -> None:
    op.create_index("ix_plan_steps_open_by_organisation", "plan_steps", ["responsible_organisation_id", "plan_id"],
                    sqlite_where=_OPEN, postgresql_where=_OPEN)
    op.create_index("ix_plans_drafts", "plans", ["client_id"], sqlite_where=_DRAFT, postgresql_where=_DRAFT)


def downgrade() -> None:
    op.drop_index("ix_plans_drafts", table_name="plans")
    op.drop_index("ix_plan_steps_open_by_organisation", table_name="plan_steps")
