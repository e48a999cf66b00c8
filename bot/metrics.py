"""`GET /metrics` in Prometheus' text format (the official prometheus-client library).

Counted in this process: updates by channel and result, and the step latency histogram (an engine
observer). Read from the database at each scrape, so every web process shows the same: the outbox
backlog, the scheduled jobs' last runs (written by the worker), reports by status and whether a
worker holds the jobs lease. Each web application has its own registry (several apps in one test
process never mix their counts). Keep /metrics behind the reverse proxy (see docker-compose.yml)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from bot.app import App
from bot.lease import WORKER
from handlers.engine import StepResult
from handlers.types import Incoming
from storage.operations import OutboxBacklog, job_stats, lease_state, outbox_backlog, reports_by_status

METRICS_KEY = web.AppKey("metrics", object)
STEP_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)


@dataclass
class Snapshot:
    """What the database said at the latest scrape."""

    backlog: OutboxBacklog = OutboxBacklog(0, 0, 0.0)
    jobs: list = field(default_factory=list)
    reports: dict[str, int] = field(default_factory=dict)
    lease_held: bool = False


class DatabaseCollector(Collector):
    def __init__(self) -> None:
        self.snapshot = Snapshot()

    def collect(self) -> Iterator[Metric]:
        s = self.snapshot
        yield GaugeMetricFamily("taza_outbox_pending", "Messages waiting to be sent", value=s.backlog.pending)
        yield GaugeMetricFamily("taza_outbox_failed", "Messages given up after their tries", value=s.backlog.failed)
        yield GaugeMetricFamily(
            "taza_outbox_oldest_pending_seconds", "Age of the oldest waiting message", value=s.backlog.oldest_pending_seconds
        )
        last_run = GaugeMetricFamily("taza_job_last_run_timestamp_seconds", "When a job last started", labels=["job"])
        duration = GaugeMetricFamily("taza_job_last_duration_seconds", "How long a job's last run took", labels=["job"])
        ok = GaugeMetricFamily("taza_job_last_success", "1 when a job's last run succeeded", labels=["job"])
        for job in s.jobs:
            last_run.add_metric([job.job], job.started_at.timestamp())
            duration.add_metric([job.job], job.duration_seconds)
            ok.add_metric([job.job], 1.0 if job.ok else 0.0)
        yield from (last_run, duration, ok)
        reports = GaugeMetricFamily("taza_reports", "Reports by status", labels=["status"])
        for status, count in sorted(s.reports.items()):
            reports.add_metric([status], count)
        yield reports
        yield GaugeMetricFamily("taza_worker_lease_held", "1 while a worker holds the jobs lease", value=int(s.lease_held))


class Metrics:
    def __init__(self, app: App) -> None:
        self.app = app
        self.registry = CollectorRegistry()
        self.updates = Counter(
            "taza_updates", "Updates processed, by channel and result", ["channel", "result"], registry=self.registry
        )
        self.steps = Histogram(
            "taza_step_seconds", "Time from taking an update to its committed step", ["channel"],
            buckets=STEP_BUCKETS, registry=self.registry,
        )
        self.database = DatabaseCollector()
        self.registry.register(self.database)
        app.engine.observers.append(self.observe)

    def observe(self, incoming: Incoming, result: StepResult, seconds: float) -> None:
        self.updates.labels(incoming.channel, result.value).inc()
        if result is not StepResult.DUPLICATE:
            self.steps.labels(incoming.channel).observe(seconds)

    async def refresh(self) -> None:
        now = self.app.engine.clock()
        async with self.app.sessions() as session:
            self.database.snapshot = Snapshot(
                backlog=await outbox_backlog(session, now),
                jobs=await job_stats(session),
                reports=await reports_by_status(session),
                lease_held=(await lease_state(session, WORKER)).held(now),
            )

    async def handle(self, request: web.Request) -> web.Response:
        await self.refresh()
        response = web.Response(body=generate_latest(self.registry))
        response.content_type = CONTENT_TYPE_LATEST.split(";")[0]
        return response


def setup_metrics(web_app: web.Application, app: App) -> None:
    metrics = Metrics(app)
    web_app[METRICS_KEY] = metrics
    web_app.router.add_get("/metrics", metrics.handle)
