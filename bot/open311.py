"""Open311 GeoReport v2, read-only: services.json, requests.json and requests/{id}.json, so that
regional administrations and national data systems can pull the reports.

Nothing personal leaves here: no reporter, no comment (free text may hold names or phone numbers),
no photos. Statuses map to the spec's `open`/`closed`, with the precise state in `status_notes`.
Field names follow http://wiki.open311.org/GeoReport_v2 ."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

from aiohttp import web
from sqlalchemy import select

from storage.reports import OPEN_STATUSES, Report, ReportStatus, parse_report_code

SERVICE_CODE = "illegal-dump"
SERVICE = {
    "service_code": SERVICE_CODE,
    "service_name": "Illegal dump",
    "description": "An illegal waste dump reported by a citizen with a photo and a location "
    "(Taza Qazaqstan programme).",
    "metadata": False,
    "type": "realtime",
    "keywords": "waste,dump,litter,taza qazaqstan",
    "group": "Environment",
}
STATUS_NOTES = {
    ReportStatus.NEW: "received, not yet handed over to the region",
    ReportStatus.QUEUED: "in the region's moderation queue",
    ReportStatus.CONFIRMED: "confirmed by the region's moderators",
    ReportStatus.IN_PROGRESS: "cleanup in progress",
    ReportStatus.CLEANED: "cleaned",
    ReportStatus.REJECTED: "rejected",
    ReportStatus.DUPLICATE: "duplicate of another report",
    ReportStatus.DISPUTED: "the reporter disputes the cleanup; back in the moderation queue",
}
DEFAULT_DAYS = 90  # the spec's default window when no dates are given
MAX_RESULTS = 1000


def add_routes(app: web.Application, bot_app) -> None:
    handlers = Open311(bot_app)
    app.router.add_get("/open311/v2/services.json", handlers.services)
    app.router.add_get("/open311/v2/requests.json", handlers.requests)
    app.router.add_get("/open311/v2/requests/{id}.json", handlers.request)


def _error(status: int, description: str) -> web.Response:
    return web.json_response([{"code": status, "description": description}], status=status)


def _w3c(value: datetime) -> str:
    return value.astimezone(timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z")


def _parse_date(text: str) -> datetime:
    value = datetime.fromisoformat(text.strip().replace("Z", "+00:00").replace(" ", "+"))
    return value if value.tzinfo else value.replace(tzinfo=timezone.utc)


class Open311:
    def __init__(self, bot_app) -> None:
        self.bot_app = bot_app

    @property
    def geo(self):
        return self.bot_app.engine.router.services.get("geo")

    async def services(self, request: web.Request) -> web.Response:
        return web.json_response([SERVICE])

    async def requests(self, request: web.Request) -> web.Response:
        query = request.query
        try:
            start = _parse_date(query["start_date"]) if "start_date" in query else None
            end = _parse_date(query["end_date"]) if "end_date" in query else None
        except ValueError:
            return _error(400, "start_date and end_date must be W3C dates, e.g. 2026-06-01T00:00:00Z")
        statuses = {s.strip() for s in query.get("status", "").split(",") if s.strip()}
        if statuses - {"open", "closed"}:
            return _error(400, "status must be open, closed or both")
        codes = {s.strip() for s in query.get("service_code", "").split(",") if s.strip()}
        if codes and SERVICE_CODE not in codes:
            return web.json_response([])
        if start is None and end is None:
            start = self.bot_app.engine.clock() - timedelta(days=DEFAULT_DAYS)
        select_reports = select(Report).order_by(Report.created_at.desc(), Report.id.desc()).limit(MAX_RESULTS)
        if start is not None:
            select_reports = select_reports.where(Report.created_at >= start)
        if end is not None:
            select_reports = select_reports.where(Report.created_at <= end)
        if statuses == {"open"}:
            select_reports = select_reports.where(Report.status.in_(OPEN_STATUSES))
        elif statuses == {"closed"}:
            select_reports = select_reports.where(Report.status.not_in(OPEN_STATUSES))
        async with self.bot_app.sessions() as session:
            reports = (await session.scalars(select_reports)).all()
        return web.json_response([self.as_request(r) for r in reports])

    async def request(self, request: web.Request) -> web.Response:
        report_id = parse_report_code(request.match_info["id"])
        async with self.bot_app.sessions() as session:
            report = await session.get(Report, report_id) if report_id else None
        if report is None:
            return _error(404, "no service request with this id")
        return web.json_response([self.as_request(report)])

    def as_request(self, report: Report) -> dict[str, Any]:
        region = self.geo.regions.get(report.region_code) if self.geo else None
        district = (
            self.geo.districts.get(report.district_pcode) if self.geo and report.district_pcode else None
        )
        place = ", ".join(p.name("en") for p in (district, region) if p is not None) or report.region_code
        details = [f"waste: {', '.join(report.waste_types or []) or 'unspecified'}"]
        if report.size:
            details.append(f"size: {report.size}")
        if report.confirmations_count:
            details.append(f"confirmed by {report.confirmations_count} other citizen(s)")
        return {
            "service_request_id": report.code,
            "status": "open" if report.status in OPEN_STATUSES else "closed",
            "status_notes": STATUS_NOTES.get(ReportStatus(report.status), report.status),
            "service_name": SERVICE["service_name"],
            "service_code": SERVICE_CODE,
            "description": "; ".join(details),
            "agency_responsible": f"Akimat of {region.name('en')}" if region else report.region_code,
            "service_notice": "",
            "requested_datetime": _w3c(report.created_at),
            "updated_datetime": _w3c(report.updated_at),
            "expected_datetime": None,
            "address": place,
            "address_id": report.district_pcode or report.region_code,
            "zipcode": None,
            "lat": report.latitude,
            "long": report.longitude,
            "media_url": None,
        }
