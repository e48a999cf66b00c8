"""The all-in-one process schedules every job of jobs.JOBS on its trigger, and the CLI offers
the same jobs."""

from __future__ import annotations

import pytest
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from bot.cli import build_parser
from bot.scheduler import build_scheduler
from jobs import JOBS


async def test_every_job_is_scheduled(app) -> None:
    scheduler = build_scheduler(app)
    jobs = {job.id: job for job in scheduler.get_jobs()}
    assert set(jobs) == {
        "handover", "handover_deliver", "handover_pull", "escalation", "still_there", "digest", "retention", "trees", "event_reminders", "daily_question",
        "public_photos", "site_invitations",
    }
    handover = jobs["handover"].trigger
    assert isinstance(handover, IntervalTrigger)
    assert handover.interval.total_seconds() == app.settings.HANDOVER_EVERY_MINUTES * 60
    assert isinstance(jobs["digest"].trigger, CronTrigger)
    daily = jobs["daily_question"].trigger  # on the hour: Kazakhstan's hours start with UTC's
    assert isinstance(daily, CronTrigger) and str(daily.fields[6]) == "0" and str(daily.fields[5]) == "*"
    assert all(job.max_instances == 1 and job.coalesce for job in jobs.values())


def test_jobs_run_help_lists_every_job(capsys: pytest.CaptureFixture[str]) -> None:
    parser, _commands = build_parser()
    with pytest.raises(SystemExit):
        parser.parse_args(["jobs", "run", "--help"])
    shown = capsys.readouterr().out
    assert [job.name for job in JOBS] == [
        "handover", "handover_deliver", "handover_pull", "escalation", "still_there", "digest", "retention", "trees", "event_reminders", "daily_question",
        "public_photos", "site_invitations",
    ]
    for job in JOBS:
        assert f"{job.name}: {job.help}" in shown
