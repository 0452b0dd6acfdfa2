"""Reminders: an outbox in the database, senders for e-mail (SMTP) and SMS, and the send-reminders command."""
