"""Scheduled jobs (APScheduler): handover to regional queues, escalation, digests, reminders."""
