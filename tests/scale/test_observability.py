"""/healthz says whether the database answers, who holds the jobs lease and what waits in the
outbox; /metrics says the same and more in Prometheus' text format, read back here with the
client library's own parser."""

from __future__ import annotations

from datetime import timedelta

import pytest
from aiohttp.test_utils import TestClient, TestServer
from prometheus_client.parser import text_string_to_metric_families

from bot.lease import WORKER
from bot.scheduler import run_job
from bot.web import create_web_app
from handlers.types import Kind, Reply
from storage.models import OutboxMessage, OutboxStatus
from storage.operations import take_lease
from storage.reports import Report, ReportStatus


@pytest.fixture
async def client(app):
    async with TestClient(TestServer(create_web_app(app))) as client:
        yield client


async def scrape(client) -> dict[tuple[str, tuple], float]:
    async with client.get("/metrics") as response:
        assert response.status == 200
        assert response.content_type == "text/plain"
        body = await response.text()
    samples = {}
    for family in text_string_to_metric_families(body):
        for sample in family.samples:
            samples[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return samples


async def queue(app, clock, status: str, age_minutes: int) -> None:
    async with app.sessions() as session, session.begin():
        session.add(
            OutboxMessage(
                channel="telegram",
                chat_id="77",
                payload=Reply(text="hi").to_json(),
                status=status,
                created_at=clock() - timedelta(minutes=age_minutes),
                next_attempt_at=clock() + timedelta(hours=1),  # not due: the sender leaves it
            )
        )


async def test_health_tells_database_lease_and_backlog(app, client, clock) -> None:
    async with client.get("/healthz") as response:
        assert response.status == 200
        body = await response.json()
    assert body == {
        "status": "ok",
        "database": "ok",
        "scheduler": {"lease": "free", "holder": None, "expires_in_seconds": None},
        "outbox": {"pending": 0, "failed": 0, "oldest_pending_seconds": 0.0},
    }
    await queue(app, clock, OutboxStatus.PENDING, 5)
    await queue(app, clock, OutboxStatus.FAILED, 50)
    async with app.sessions() as session, session.begin():
        await take_lease(session, WORKER, "host:123", clock(), 15)
    async with client.get("/healthz") as response:
        body = await response.json()
    assert body["scheduler"] == {"lease": "held", "holder": "host:123", "expires_in_seconds": 15.0}
    assert body["outbox"] == {"pending": 1, "failed": 1, "oldest_pending_seconds": 300.0}


async def test_health_is_503_when_the_database_is_gone(app, client) -> None:
    await app.db.dispose()
    app.sessions.configure(bind=None)
    async with client.get("/healthz") as response:
        assert response.status == 503
        assert await response.json() == {"status": "error", "database": "unavailable"}


async def test_metrics_count_updates_steps_backlog_jobs_and_reports(app, client, chat, clock) -> None:
    await chat.send("/start")
    await chat.send("/help")
    await chat.send("/nosuchcommand")
    again = chat._incoming(Kind.TEXT, text="hello")
    await app.engine.receive(again)
    await app.engine.process(again)  # redelivered: not applied twice
    await app.sender.flush()
    await queue(app, clock, OutboxStatus.PENDING, 2)
    async with app.sessions() as session, session.begin():
        for status in (ReportStatus.NEW, ReportStatus.NEW, ReportStatus.CLEANED):
            session.add(Report(region_code="KZ-75", status=status, latitude=43.25, longitude=76.9))
    await run_job(app, "retention")

    samples = await scrape(client)
    assert samples[("taza_updates_total", (("channel", "console"), ("result", "ok")))] == 4
    assert samples[("taza_updates_total", (("channel", "console"), ("result", "duplicate")))] == 1
    assert samples[("taza_step_seconds_count", (("channel", "console"),))] == 4
    assert samples[("taza_step_seconds_bucket", (("channel", "console"), ("le", "+Inf")))] == 4
    assert samples[("taza_outbox_pending", ())] == 1
    assert samples[("taza_outbox_oldest_pending_seconds", ())] == 120
    assert samples[("taza_outbox_failed", ())] == 0
    assert samples[("taza_job_last_success", (("job", "retention"),))] == 1
    assert samples[("taza_job_last_run_timestamp_seconds", (("job", "retention"),))] == clock().timestamp()
    assert ("taza_job_last_duration_seconds", (("job", "retention"),)) in samples
    assert samples[("taza_worker_lease_held", ())] == 0
    assert samples[("taza_reports", (("status", "new"),))] == 2
    assert samples[("taza_reports", (("status", "cleaned"),))] == 1
