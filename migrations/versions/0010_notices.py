"""notices: staff read and answer what clients told them; the reminder outbox carries steps' due dates too

Revision ID: notices
Revises: security
Create Date: 2026-12-01 10:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "notices"
down_revision = "security"
branch_labels = None
depends_on = None

# "I can't come", "I cancelled" and "I need an interpreter" notices were written in the same transaction as the appointment's event,
# a moment after it: each is given the appointment of the latest such event of its client before it.
_APPOINTMENT_OF_EARLIER_NOTICES = """
UPDATE team_notices SET appointment_id = (
    SELECT e.appointment_id FROM appointment_events e JOIN appointments a ON a.id = e.appointment_id
    WHERE a.client_id = team_notices.client_id
      AND e.kind = CASE team_notices.kind WHEN 'appointment_cant_come' THEN 'cant_come'
                                          WHEN 'appointment_interpreter' THEN 'interpreter_added' ELSE 'cancelled' END
      AND e.at <= team_notices.created_at
    ORDER BY e.at DESC LIMIT 1)
WHERE kind IN ('appointment_cant_come', 'appointment_cancelled', 'appointment_interpreter') AND appointment_id IS NULL
"""

_USER_COLUMNS = ("read_by_id", "answered_by_id", "handled_by_id")


def upgrade() -> None:
    with op.batch_alter_table("team_notices") as batch_op:
        batch_op.add_column(sa.Column("appointment_id", sa.Uuid(), nullable=True))
        batch_op.add_column(sa.Column("read_by_id", sa.Uuid(), nullable=True))
        batch_op.add_column(sa.Column("answer", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("answered_by_id", sa.Uuid(), nullable=True))
        batch_op.add_column(sa.Column("handled_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("handled_by_id", sa.Uuid(), nullable=True))
        batch_op.create_foreign_key(batch_op.f("fk_team_notices_appointment_id_appointments"), "appointments",
                                    ["appointment_id"], ["id"])
        for column in _USER_COLUMNS:
            batch_op.create_foreign_key(batch_op.f(f"fk_team_notices_{column}_users"), "users", [column],
                                        ["id"])
        batch_op.create_index(batch_op.f("ix_team_notices_step_id"), ["step_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_team_notices_appointment_id"), ["appointment_id"], unique=False)
        batch_op.create_index("ix_team_notices_organisation_created", ["organisation_id", "created_at"],
                              unique=False)

    op.execute(_APPOINTMENT_OF_EARLIER_NOTICES)

    with op.batch_alter_table("team_notices") as batch_op:
        batch_op.create_check_constraint(
            batch_op.f("ck_team_notices_kind_known"),
            "kind IN ('cant_do', 'appointment_cant_come', 'appointment_cancelled', 'plan_changes_asked', "
            "'appointment_interpreter')")
        batch_op.create_check_constraint(
            batch_op.f("ck_team_notices_about_one_thing"),
            "(kind = 'cant_do' AND step_id IS NOT NULL AND appointment_id IS NULL) OR "
            "(kind = 'plan_changes_asked' AND step_id IS NULL AND appointment_id IS NULL) OR "
            "(kind NOT IN ('cant_do', 'plan_changes_asked') AND appointment_id IS NOT NULL AND step_id IS NULL)")
        batch_op.create_check_constraint(batch_op.f("ck_team_notices_read_by_whom"),
                                         "(read_at IS NULL) = (read_by_id IS NULL)")
        batch_op.create_check_constraint(
            batch_op.f("ck_team_notices_answered_by_whom"),
            "(answered_at IS NULL) = (answered_by_id IS NULL) AND (answered_at IS NULL) = (answer IS NULL)")
        batch_op.create_check_constraint(batch_op.f("ck_team_notices_handled_by_whom"),
                                         "(handled_at IS NULL) = (handled_by_id IS NULL)")
        batch_op.create_check_constraint(batch_op.f("ck_team_notices_answer_handles"),
                                         "answered_at IS NULL OR handled_at IS NOT NULL")
        batch_op.create_check_constraint(batch_op.f("ck_team_notices_handled_after_read"),
                                         "handled_at IS NULL OR read_at IS NOT NULL")

    with op.batch_alter_table("reminder_outbox") as batch_op:
        batch_op.alter_column("appointment_id", existing_type=sa.Uuid(), nullable=True)
        batch_op.add_column(sa.Column("step_id", sa.Uuid(), nullable=True))
        batch_op.create_foreign_key(batch_op.f("fk_reminder_outbox_step_id_plan_steps"), "plan_steps",
                                    ["step_id"], ["id"])
        batch_op.create_unique_constraint("step_channel_kind", ["step_id", "channel", "kind"])
        batch_op.create_check_constraint(batch_op.f("ck_reminder_outbox_of_one_thing"),
                                         "(appointment_id IS NULL) <> (step_id IS NULL)")


def downgrade() -> None:
    # A step's reminders have no place in the older outbox, which knows appointments only.
    op.execute("DELETE FROM reminder_outbox WHERE step_id IS NOT NULL")
    with op.batch_alter_table("reminder_outbox") as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_reminder_outbox_of_one_thing"), type_="check")
        batch_op.drop_constraint("step_channel_kind", type_="unique")
        batch_op.drop_constraint(batch_op.f("fk_reminder_outbox_step_id_plan_steps"), type_="foreignkey")
        batch_op.drop_column("step_id")
        batch_op.alter_column("appointment_id", existing_type=sa.Uuid(), nullable=False)

    with op.batch_alter_table("team_notices") as batch_op:
        for name in ("handled_after_read", "answer_handles", "handled_by_whom", "answered_by_whom",
                     "read_by_whom", "about_one_thing", "kind_known"):
            batch_op.drop_constraint(batch_op.f(f"ck_team_notices_{name}"), type_="check")
        batch_op.drop_index("ix_team_notices_organisation_created")
        batch_op.drop_index(batch_op.f("ix_team_notices_appointment_id"))
        batch_op.drop_index(batch_op.f("ix_team_notices_step_id"))
        for column in reversed(_USER_COLUMNS):
            batch_op.drop_constraint(batch_op.f(f"fk_team_notices_{column}_users"), type_="foreignkey")
        batch_op.drop_constraint(batch_op.f("fk_team_notices_appointment_id_appointments"),
                                 type_="foreignkey")
        for column in ("handled_by_id", "handled_at", "answered_by_id", "answered_at", "answer", "read_by_id",
                       "appointment_id"):
            batch_op.drop_column(column)
