"""Open311 GeoReport v2, the reading side: discovery, services, a service definition, requests
(with every filter of the spec) and one request, each as `.json` and `.xml` (bot.open311_format);
POST requests and tokens are in bot.open311_post.

Nothing personal leaves here: no reporter, no comment (free text may hold names or phone numbers);
rejected reports are not published and an unmoderated report's point is its ~500 m grid cell
(storage.reports.public_point). A photo would be published only as a public copy of a confirmed
report's photo; no such copy exists yet, so `media_url` is always empty (an original is never
served). Statuses map to the spec's `open`/`closed`, with the precise state in `status_notes`.
`jurisdiction_id` is a region code (KZ-75). Field names follow http://wiki.open311.org/GeoReport_v2 .

These endpoints are public and unauthenticated, and they share the event loop and the database
pool with the WhatsApp webhook: so lists are paged (`page`, `page_size`), a given answer is built
once a minute (concurrent identical requests wait for the same build), and at most
`DB_CONCURRENCY` builds touch the database at a time, leaving connections to the webhook."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

from aiohttp import web
from sqlalchemy import select

from bot.answer_cache import AnswerCache
from bot.open311_format import encode, error, format_of, respond
from handlers.i18n import N_
from handlers.reports.labels import SIZE_LABELS, WASTE_LABELS
from storage.reports import (
    OPEN_STATUSES,
    PUBLISHED_STATUSES,
    Report,
    ReportStatus,
    parse_report_code,
    public_point,
    report_code,
)

SERVICE_CODE = "illegal-dump"
SERVICE = {
    "service_code": SERVICE_CODE,
    "service_name": "Illegal dump",
    "description": "An illegal waste dump reported by a citizen with a photo and a location "
    "(Taza Qazaqstan programme).",
    "metadata": True,
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
PAGE_SIZE = 200
MAX_PAGE_SIZE = 1000
MAX_PAGE = 10_000
CACHE_SECONDS = 60
CACHE_ENTRIES = 256
DB_CONCURRENCY = 1
MAX_IDS = 200
OLDEST, NEWEST = datetime(2000, 1, 1, tzinfo=timezone.utc), datetime(2200, 1, 1, tzinfo=timezone.utc)


PUBLIC_COLUMNS = (
    Report.id, Report.status, Report.region_code, Report.district_pcode, Report.latitude,
    Report.longitude, Report.waste_types, Report.size, Report.confirmations_count,
    Report.created_at, Report.updated_at,
)  # fmt: skip


class BadRequest(ValueError):
    """A query the spec does not allow; the message is the error's description."""


def add_routes(app: web.Application, bot_app) -> None:
    """Every GeoReport v2 call, in both formats (`.json`, `.xml`): GET here, POST and tokens in
    bot.open311_post."""
    from bot.open311_post import Open311Writes

    handlers = Open311(bot_app)
    writes = Open311Writes(bot_app, handlers)
    fmt = "{fmt:(json|xml)}"
    app.router.add_get(f"/open311/v2/discovery.{fmt}", handlers.discovery)
    app.router.add_get(f"/open311/v2/services.{fmt}", handlers.services)
    app.router.add_get(f"/open311/v2/services/{{code}}.{fmt}", handlers.service_definition)
    app.router.add_get(f"/open311/v2/requests.{fmt}", handlers.requests)
    app.router.add_post(f"/open311/v2/requests.{fmt}", writes.post_request)
    app.router.add_get(f"/open311/v2/requests/{{id}}.{fmt}", handlers.request)
    app.router.add_get(f"/open311/v2/tokens/{{token}}.{fmt}", writes.token)


# glossary: waste type = вид отходов = қалдық түрі; dump size = размер свалки = үйінді көлемі
ATTRIBUTE_TEXTS = {
    "waste": N_("Kinds of waste (one or more)"),
    "size": N_("Size of the dump"),
}
def _w3c(value: datetime) -> str:
    return value.astimezone(timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z")


def _parse_date(name: str, text: str) -> datetime:
    try:
        value = datetime.fromisoformat(text.strip().replace("Z", "+00:00").replace(" ", "+"))
        value = value if value.tzinfo else value.replace(tzinfo=timezone.utc)
        if OLDEST <= value <= NEWEST:
            return value
    except (ValueError, OverflowError):  # year 1 at +14:00 overflows on the way to UTC
        pass
    raise BadRequest(f"{name} must be a W3C date between 2000 and 2200, e.g. 2026-06-01T00:00:00Z")


def _parse_int(query, name: str, default: int, top: int) -> int:
    text = query.get(name)
    if text is None:
        return default
    if not (text.isascii() and text.isdigit() and len(text) <= 6 and 1 <= int(text) <= top):
        raise BadRequest(f"{name} must be a whole number from 1 to {top}")
    return int(text)


@dataclass(frozen=True, slots=True)
class RequestsQuery:
    """A requests.json query, checked and normalised: the key of the answer cache."""

    start: datetime | None
    end: datetime | None
    statuses: frozenset[str]
    other_service: bool  # a service code we do not have: the answer is an empty list
    page: int
    page_size: int
    ids: frozenset[int] = frozenset()  # service_request_id: overrides every other filter
    region: str | None = None  # jurisdiction_id
    fmt: str = "json"

    @classmethod
    def parse(cls, query, fmt: str = "json", regions: frozenset[str] | set[str] = frozenset()) -> RequestsQuery:
        ids: set[int] = set()
        for text in query.get("service_request_id", "").split(",")[:MAX_IDS]:
            if text.strip():
                report_id = parse_report_code(text)
                if report_id is None:
                    raise BadRequest("service_request_id must be report codes such as TZ-000123, comma separated")
                ids.add(report_id)
        region = query.get("jurisdiction_id", "").strip().upper() or None
        if region is not None and region not in regions:
            raise BadRequest("jurisdiction_id must be a region code of Kazakhstan, e.g. KZ-75")
        start = _parse_date("start_date", query["start_date"]) if "start_date" in query else None
        end = _parse_date("end_date", query["end_date"]) if "end_date" in query else None
        statuses = frozenset(s.strip() for s in query.get("status", "").split(",") if s.strip())
        if statuses - {"open", "closed"}:
            raise BadRequest("status must be open, closed or both")
        codes = {s.strip() for s in query.get("service_code", "").split(",") if s.strip()}
        return cls(
            start=start,
            end=end,
            statuses=statuses,
            other_service=bool(codes) and SERVICE_CODE not in codes,
            page=_parse_int(query, "page", 1, MAX_PAGE),
            page_size=_parse_int(query, "page_size", PAGE_SIZE, MAX_PAGE_SIZE),
            ids=frozenset(ids),
            region=region,
            fmt=fmt,
        )


class Open311:
    def __init__(self, bot_app) -> None:
        self.bot_app = bot_app
        self._answers = AnswerCache(self._now, seconds=CACHE_SECONDS, entries=CACHE_ENTRIES, concurrency=DB_CONCURRENCY)
        self._cached = self._answers.get

    @property
    def geo(self):
        return self.bot_app.engine.router.services.get("geo")

    def _now(self) -> float:
        return self.bot_app.engine.clock().timestamp()

    async def discovery(self, request: web.Request) -> web.Response:
        fmt = format_of(request)
        settings = self.bot_app.settings
        base = (settings.PUBLIC_BASE_URL or f"{request.scheme}://{request.host}").rstrip("/")
        data = {
            "changeset": "2026-11-29T00:00:00Z",
            "contact": "Taza Bot, the Taza Qazaqstan programme",
            "key_service": "API keys are issued by the bot's administrators (python -m bot admin api-key create NAME)",
            "endpoints": [
                {
                    "specification": "http://wiki.open311.org/GeoReport_v2",
                    "url": f"{base}/open311/v2",
                    "changeset": "2026-11-29T00:00:00Z",
                    "type": "production",
                    "formats": ["application/json", "text/xml"],
                }
            ],
        }
        return respond(fmt, encode(fmt, "discovery", data))

    async def services(self, request: web.Request) -> web.Response:
        fmt = format_of(request)
        if (problem := self._jurisdiction_problem(request)) is not None:
            return error(fmt, 404, problem)
        return respond(fmt, encode(fmt, "services", [SERVICE]), cache_seconds=CACHE_SECONDS)

    def _jurisdiction_problem(self, request: web.Request) -> str | None:
        region = request.query.get("jurisdiction_id", "").strip().upper()
        if region and self.geo is not None and region not in self.geo.regions:
            return "jurisdiction_id must be a region code of Kazakhstan, e.g. KZ-75"
        return None

    async def service_definition(self, request: web.Request) -> web.Response:
        """The attributes a request of our one service has: the bot's own waste types and sizes,
        named in the language `locale` asks for (kk, ru or en; English otherwise)."""
        fmt = format_of(request)
        if request.match_info["code"] != SERVICE_CODE:
            return error(fmt, 404, f"no service with this code; the only one is {SERVICE_CODE}")
        if (problem := self._jurisdiction_problem(request)) is not None:
            return error(fmt, 404, problem)
        language = request.query.get("locale", "en").strip().lower()[:2]
        tr = self.bot_app.engine.translators.get(language) or self.bot_app.engine.translators["en"]
        return respond(fmt, encode(fmt, "service_definition", service_definition(tr)), cache_seconds=CACHE_SECONDS)

    async def requests(self, request: web.Request) -> web.Response:
        fmt = format_of(request)
        try:
            query = RequestsQuery.parse(request.query, fmt, set(self.geo.regions) if self.geo else set())
        except BadRequest as exc:
            return error(fmt, 400, str(exc))
        body = await self._cached(query, lambda: self._list(query))
        return respond(fmt, body, cache_seconds=CACHE_SECONDS)

    async def _list(self, query: RequestsQuery) -> bytes:
        if query.other_service:
            return encode(query.fmt, "service_requests", [])
        select_reports = (
            select(*PUBLIC_COLUMNS)  # columns, not ORM objects: no photos nor history loaded
            .where(Report.status.in_(PUBLISHED_STATUSES))
            .order_by(Report.created_at.desc(), Report.id.desc())
        )
        if query.ids:  # the spec: a list of ids overrides every other parameter
            select_reports = select_reports.where(Report.id.in_(sorted(query.ids)))
        else:
            select_reports = self._filtered(select_reports, query).offset(
                (query.page - 1) * query.page_size
            ).limit(query.page_size)
        async with self.bot_app.sessions() as session:
            reports = (await session.execute(select_reports)).all()
        # Encoding a thousand rows takes a while: in a thread, the event loop (and with it the
        # WhatsApp webhook) goes on meanwhile.
        return await asyncio.to_thread(self._encode, query.fmt, reports)

    def _filtered(self, select_reports, query: RequestsQuery):
        start, end = query.start, query.end
        if start is None and end is None:
            start = self.bot_app.engine.clock() - timedelta(days=DEFAULT_DAYS)
        if start is not None:
            select_reports = select_reports.where(Report.created_at >= start)
        if end is not None:
            select_reports = select_reports.where(Report.created_at <= end)
        if query.statuses == {"open"}:
            select_reports = select_reports.where(Report.status.in_(OPEN_STATUSES))
        elif query.statuses == {"closed"}:
            select_reports = select_reports.where(Report.status.not_in(OPEN_STATUSES))
        if query.region:
            select_reports = select_reports.where(Report.region_code == query.region)
        return select_reports

    def _encode(self, fmt: str, reports) -> bytes:
        return encode(fmt, "service_requests", [self.as_request(r) for r in reports])

    async def request(self, request: web.Request) -> web.Response:
        fmt = format_of(request)
        report_id = parse_report_code(request.match_info["id"])
        if report_id is None:
            return error(fmt, 404, "no service request with this id")
        found = await self._cached(("one", report_id), lambda: self._one(report_id))
        if found is None:
            return error(fmt, 404, "no service request with this id")
        return respond(fmt, encode(fmt, "service_requests", [found]), cache_seconds=CACHE_SECONDS)

    async def _one(self, report_id: int) -> dict[str, Any] | None:
        async with self.bot_app.sessions() as session:
            report = await session.get(Report, report_id)
        if report is None or report.status not in PUBLISHED_STATUSES:
            return None
        return self.as_request(report)

    def as_request(self, report) -> dict[str, Any]:
        """A report (or a row of PUBLIC_COLUMNS) as a GeoReport v2 service request."""
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
        point = public_point(report.status, report.latitude, report.longitude)
        return {
            "service_request_id": report_code(report.id),
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
            "lat": point[0] if point else None,
            "long": point[1] if point else None,
            "media_url": None,
        }


def service_definition(tr) -> dict[str, Any]:
    """GeoReport v2's service definition of `illegal-dump`, its names translated with `tr`."""
    return {
        "service_code": SERVICE_CODE,
        "attributes": [
            _attribute(tr, "waste", "multivaluelist", True, 1, WASTE_LABELS),
            _attribute(tr, "size", "singlevaluelist", False, 2, SIZE_LABELS),
        ],
    }


def _attribute(tr, code: str, datatype: str, required: bool, order: int, labels) -> dict[str, Any]:
    return {
        "variable": True,
        "code": code,
        "datatype": datatype,
        "required": required,
        "datatype_description": "",
        "order": order,
        "description": tr._(ATTRIBUTE_TEXTS[code]),
        "values": [{"key": key.value, "name": tr._(label)} for key, label in labels.items()],
    }
