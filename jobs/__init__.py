"""Scheduled jobs (APScheduler). One module per job, listed in JOB_MODULES; each has NAME, HELP,
`trigger(settings)` and `async run(job: JobContext) -> str` (a one-line summary). Jobs are
idempotent: each run looks at the database as it is, so running twice or after a crash is safe."""

JOB_MODULES = (
    "jobs.handover",
    "jobs.escalation",
    "jobs.still_there",
    "jobs.digest",
    "jobs.trees",
)
