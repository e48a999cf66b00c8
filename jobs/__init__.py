"""Scheduled jobs. Each module exports `JOBS`, a list of `jobs.base.Job` (name, help, trigger from
the settings, run); the composition root (bot/scheduler.py) schedules all of `JOBS` and offers
them to `python -m bot jobs`. A job gets what it needs in its `JobContext`; the composition root
is never imported here (tests/test_architecture.py checks it). Jobs are idempotent: each run looks at the database as it is, so running twice or
after a crash is safe."""

from jobs import blur, digest, escalation, events, handover, handover_targets, quiz, retention, sites, still_there, trees
from jobs.base import Job

MODULES = (handover, handover_targets, escalation, still_there, digest, retention, trees, events, quiz, blur, sites)
JOBS: list[Job] = [job for module in MODULES for job in module.JOBS]
