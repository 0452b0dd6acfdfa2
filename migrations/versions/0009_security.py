"""security: one client holds one seat of a time, and never two booked appointments at overlapping times

Revision ID: security
Revises: slot_languages
Create Date: 2026-11-28 10:00:00

A partial unique index on appointments(slot_id, client_id) for the statuses that hold a seat, and triggers that
refuse a booked appointment overlapping another booked appointment of the same client (an INSERT, or an UPDATE
of its status, slot or client). A constraint cannot look at the slots' times, so it is a trigger; on PostgreSQL
it first locks the client's row (FOR NO KEY UPDATE), so that two bookings of one client at once wait for each
other and the second sees the first. SQLite has one writer at a time. Both refuse with a constraint error
(exclusion_violation on PostgreSQL), which the app turns into a clear message.

A database that already holds two seats of one time for one client (nothing stopped it before) stops this
migration at the index: cancel one of them, then run it again. Overlaps booked before it stay as they are;
the triggers refuse new ones.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "security"
down_revision = "slot_languages"
branch_labels = None
depends_on = None

SEAT_HOLDING_TEXT = sa.text("status IN ('booked', 'attended', 'no_show')")

POSTGRESQL_FUNCTION = """
CREATE OR REPLACE FUNCTION refuse_overlapping_appointment() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.status <> 'booked' THEN
    RETURN NEW;
  END IF;
  PERFORM 1 FROM users WHERE id = NEW.client_id FOR NO KEY UPDATE;
  IF EXISTS (
    SELECT 1
    FROM appointments other
    JOIN appointment_slots other_slot ON other_slot.id = other.slot_id
    JOIN appointment_slots new_slot ON new_slot.id = NEW.slot_id
    WHERE other.client_id = NEW.client_id AND other.status = 'booked' AND other.id <> NEW.id
      AND other_slot.starts_at < new_slot.ends_at AND new_slot.starts_at < other_slot.ends_at
  ) THEN
    RAISE EXCEPTION 'client % already has a booked appointment at an overlapping time', NEW.client_id
      USING ERRCODE = 'exclusion_violation';
  END IF;
  RETURN NEW;
END $$
"""

SQLITE_OVERLAP = """
    NEW.status = 'booked' AND EXISTS (
      SELECT 1
      FROM appointments other
      JOIN appointment_slots other_slot ON other_slot.id = other.slot_id
      JOIN appointment_slots new_slot ON new_slot.id = NEW.slot_id
      WHERE other.client_id = NEW.client_id AND other.status = 'booked' AND other.id <> NEW.id
        AND other_slot.starts_at < new_slot.ends_at AND new_slot.starts_at < other_slot.ends_at
    )
"""


def upgrade() -> None:
    with op.batch_alter_table("appointments") as batch_op:
        batch_op.create_index("uq_appointments_one_seat_per_client", ["slot_id", "client_id"], unique=True,
                              sqlite_where=SEAT_HOLDING_TEXT, postgresql_where=SEAT_HOLDING_TEXT)
    if op.get_bind().dialect.name == "postgresql":
        op.execute(POSTGRESQL_FUNCTION)
        op.execute("CREATE TRIGGER appointments_no_overlap BEFORE INSERT OR UPDATE OF status, slot_id, client_id "
                   "ON appointments FOR EACH ROW EXECUTE FUNCTION refuse_overlapping_appointment()")
    else:
        for event in ("INSERT", "UPDATE OF status, slot_id, client_id"):
            name = "appointments_no_overlap_" + event.split()[0].lower()
            op.execute(f"CREATE TRIGGER {name} BEFORE {event} ON appointments WHEN {SQLITE_OVERLAP} "
                       "BEGIN SELECT RAISE(ABORT, 'a booked appointment of this client overlaps'); END")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS appointments_no_overlap ON appointments")
        op.execute("DROP FUNCTION IF EXISTS refuse_overlapping_appointment()")
    else:
        op.execute("DROP TRIGGER IF EXISTS appointments_no_overlap_insert")
        op.execute("DROP TRIGGER IF EXISTS appointments_no_overlap_update")
    with op.batch_alter_table("appointments") as batch_op:
        batch_op.drop_index("uq_appointments_one_seat_per_client")
