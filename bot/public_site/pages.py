"""The routes of the public web page (see the package's docstring). Answers built from the
database are kept for a minute (bot.answer_cache), so a page shared in the press costs the
database one build a minute, whatever the traffic."""

from __future__ import annotations

import asyncio
import gzip
import hashlib
import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import jinja2
from aiohttp import web

from bot.answer_cache import AnswerCache
from bot.geo import GEODATA_DIR
from bot.public_site import geojson
from bot.public_site.static_files import StaticFiles, respond_bytes
from bot.public_site.texts import TEXTS, page_texts
from handlers.deep_links import payload
from handlers.events.invite import EVENT_LINK, MAX_ID_DIGITS
from handlers.events.texts import place as event_place
from handlers.events.texts import when
from handlers.i18n import LANGUAGES, Translator
from handlers.places import area_name
from handlers.reports.labels import STATUS_LABELS, size_name, status_name, waste_names
from handlers.stats.population import population
from storage import public_map
from storage.events import Event
from storage.reports import ReportStatus, parse_report_code, report_code
from storage.stats import figures, region_standings
from storage.trees import species_name

HERE = Path(__file__).parent
TILE_URL = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
TILE_ORIGIN = "https://tile.openstreetmap.org"
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data: "
    f"{TILE_ORIGIN}; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)
PAGE_SECONDS = 60
LANGUAGE_NAMES = {"kk": "Қазақша", "ru": "Русский", "en": "English"}
SORTS = ("lag", "name", "speed")
PHOTO_KINDS = ("before", "after")
MAX_PHOTOS = 50
# Colours of the statuses on the map and in the legend (contrast >= 3:1 on the light map).
STATUS_COLOURS = {
    ReportStatus.NEW: "#5b6770",
    ReportStatus.QUEUED: "#7048c4",
    ReportStatus.CONFIRMED: "#c62828",
    ReportStatus.IN_PROGRESS: "#b35c00",
    ReportStatus.CLEANED: "#1b7f3a",
    ReportStatus.DUPLICATE: "#8d6e63",
    ReportStatus.DISPUTED: "#ad1457",
}


def accepted_language(header: str, fallback: str) -> str:
    """The best of our languages in an Accept-Language header ("ru-RU,ru;q=0.9,en;q=0.8")."""
    best, best_q = fallback, 0.0
    for part in header.split(",")[:20]:
        tag, _, params = part.strip().partition(";")
        code = tag.strip().lower().split("-")[0]
        q = 1.0
        if params.strip().startswith("q="):
            try:
                q = float(params.strip()[2:])
            except ValueError:
                q = 0.0
        if code in LANGUAGES and q > best_q:
            best, best_q = code, q
    return best


@dataclass(frozen=True, slots=True)
class Encoded:
    """An answer as sent: its bytes, gzipped once (not per request), and its ETag."""

    body: bytes
    gzipped: bytes | None
    etag: str

    @classmethod
    def of(cls, body: bytes) -> Encoded:
        gzipped = gzip.compress(body, 5) if len(body) > 1024 else None
        return cls(body, gzipped, hashlib.sha256(body).hexdigest()[:20])


@dataclass(frozen=True, slots=True)
class RegionRow:
    name: str
    open: int
    per_100k: float | None
    cleaned: int
    in_target: float | None


class PublicSite:
    def __init__(self, bot_app) -> None:
        self.bot_app = bot_app
        self.static = StaticFiles(HERE / "static")
        self.templates = jinja2.Environment(
            loader=jinja2.FileSystemLoader(HERE / "templates"),
            autoescape=True,
            trim_blocks=True,
            lstrip_blocks=True,
            undefined=jinja2.StrictUndefined,
        )
        self.answers = AnswerCache(lambda: self.bot_app.engine.clock().timestamp(), seconds=PAGE_SECONDS)

    def add_routes(self, app: web.Application) -> None:
        app.router.add_get("/", self.index)
        app.router.add_get("/{lang:(kk|ru|en)}", self.index)
        app.router.add_get("/r/{code}", self.report)
        app.router.add_get("/r/{code}/{kind:(before|after)}-{n:[0-9]{1,3}}.jpg", self.photo)
        app.router.add_get("/e/{id}", self.event)
        app.router.add_get("/static/{name:[A-Za-z0-9_./-]{1,120}}", self.static_file)
        app.router.add_get("/api/reports.geojson", self.reports_geojson)
        app.router.add_get("/api/events.geojson", self.events_geojson)
        app.router.add_get("/api/trees.geojson", self.trees_geojson)
        app.router.add_get("/api/regions.geojson", self.regions_geojson)

    # --- helpers -----------------------------------------------------------------------------
    @property
    def geo(self):
        return self.bot_app.engine.router.services["geo"]

    def now(self):
        return self.bot_app.engine.clock()

    def translator(self, language: str) -> Translator:
        translators = self.bot_app.engine.translators
        return translators.get(language) or translators["en"]

    def language_of(self, request: web.Request) -> str:
        """?lang= on a report's or event's page, else the browser's Accept-Language."""
        asked = request.query.get("lang", "")
        if asked in LANGUAGES:
            return asked
        return accepted_language(request.headers.get("Accept-Language", ""), self.bot_app.settings.FALLBACK_LANGUAGE)

    def render(self, request: web.Request, template: str, language: str, http_status: int = 200, **context: Any) -> web.Response:
        tr = self.translator(language)
        front = template == "index.html"
        switch = {code: f"/{code}" if front else f"{request.path}?lang={code}" for code in LANGUAGES}
        html = self.templates.get_template(template).render(
            lang=language,
            switch=switch,
            t=page_texts(tr),
            static=self.static.url,
            languages=[(code, LANGUAGE_NAMES[code]) for code in LANGUAGES],
            **context,
        )
        body = html.encode()
        headers = {
            "Content-Security-Policy": CSP,
            "X-Content-Type-Options": "nosniff",
            "Referrer-Policy": "strict-origin-when-cross-origin",
            "Cache-Control": f"public, max-age={PAGE_SECONDS}",
            "Vary": "Accept-Language, Accept-Encoding",
            "Content-Language": language,
        }
        if "gzip" in request.headers.get("Accept-Encoding", "") and http_status == 200:
            headers["Content-Encoding"] = "gzip"
            body = gzip.compress(body, 6)
        return web.Response(body=body, status=http_status, headers=headers, content_type="text/html", charset="utf-8")

    def not_found(self, request: web.Request) -> web.Response:
        return self.render(request, "not_found.html", self.language_of(request), http_status=404)

    # --- the front page ----------------------------------------------------------------------
    async def index(self, request: web.Request) -> web.Response:
        language = request.match_info.get("lang") or self.language_of(request)
        sort = request.query.get("sort", "lag")
        sort = sort if sort in SORTS else "lag"
        found, standings = await self.answers.get("figures", self._figures)
        tr = self.translator(language)
        n = tr.number
        cleaned_month = found.months[-1][2] if found.months else 0
        cards = [
            (tr._(TEXTS["reports"]), n(found.total)),
            (tr._(TEXTS["cleaned_month"]), n(cleaned_month)),
            (tr._(TEXTS["median"]), n(round(found.median_days_to_clean, 1)) if found.median_days_to_clean is not None else "—"),
            (tr._(TEXTS["overdue"]), n(found.overdue)),
            (tr._(TEXTS["disputed"]), n(found.disputed)),
            (tr._(TEXTS["events_held"]), n(found.events_held)),
            (tr._(TEXTS["volunteers"]), n(found.volunteers)),
            (tr._(TEXTS["trees_planted"]), n(found.trees_planted)),
            (
                tr._(TEXTS["trees_alive"]),
                f"{n(found.trees_alive)} / {n(found.trees_checked)}" if found.trees_checked else "—",
            ),
        ]
        # Every status is counted here, rejected too (so that they add up to the total); the map
        # and the GeoJSON show only the published ones.
        statuses = [(status, status_name(tr, status), n(found.by_status.get(status, 0))) for status in ReportStatus]
        rows = self._region_rows(language, standings, sort)
        map_texts = {
            key: tr._(TEXTS[key])
            for key in (
                "layer_reports", "layer_events", "layer_trees", "layer_regions", "osm", "borders",
                "open_report", "open_event", "trees_count", "load_failed", "truncated",
            )
        }  # fmt: skip
        map_texts["statuses"] = {s: status_name(tr, s) for s in STATUS_LABELS}
        map_config = {
            "lang": language,
            "tiles": TILE_URL,
            "colours": {str(k): v for k, v in STATUS_COLOURS.items()},
            "texts": map_texts,
        }
        return self.render(
            request,
            "index.html",
            language,
            cards=cards,
            statuses=statuses,
            rows=[self._row_cells(tr, row) for row in rows],
            sort=sort,
            sorted_text=tr._(TEXTS[{"lag": "sorted_lag", "name": "sorted_name", "speed": "sorted_speed"}[sort]]),
            path=request.path,
            map_config=json.dumps(map_config, ensure_ascii=False),
            as_of=tr.datetime(self.now()),
        )

    async def _figures(self):
        async with self.bot_app.sessions() as session:
            return await figures(session, None, self.now()), await region_standings(session, self.now())

    def _region_rows(self, language: str, standings, sort: str) -> list[RegionRow]:
        rows = []
        for region in self.geo.region_list(language):  # alphabetical in the language: ties stay so
            standing = standings.get(region.code)
            people = population(region.code)
            open_count = standing.open if standing else 0
            rows.append(
                RegionRow(
                    name=region.name(language),
                    open=open_count,
                    per_100k=open_count * 100_000 / people if people else None,
                    cleaned=standing.cleaned if standing else 0,
                    in_target=standing.share_in_target if standing and standing.cleaned else None,
                )
            )
        if sort == "lag":
            rows.sort(key=lambda r: (r.per_100k is None, -(r.per_100k or 0)))
        elif sort == "speed":
            rows.sort(key=lambda r: (r.in_target is None, r.in_target or 0))
        return rows

    def _row_cells(self, tr: Translator, row: RegionRow) -> tuple[str, str, str, str, str]:
        n = tr.number
        return (
            row.name,
            n(row.open),
            n(round(row.per_100k, 2 if row.per_100k < 1 else 1)) if row.per_100k is not None else "—",
            n(row.cleaned),
            tr.percent(row.in_target) if row.in_target is not None else "—",
        )

    # --- a report's page ---------------------------------------------------------------------
    async def _record(self, request: web.Request):
        report_id = parse_report_code(request.match_info["code"])
        if report_id is None:
            return None
        return await self.answers.get(("record", report_id), lambda: self._load_record(report_id))

    async def _load_record(self, report_id: int):
        async with self.bot_app.sessions() as session:
            return await public_map.public_record(session, report_id)

    async def report(self, request: web.Request) -> web.StreamResponse:
        record = await self._record(request)
        if record is None:
            return self.not_found(request)
        code = report_code(record.id)
        if request.match_info["code"] != code:  # "tz-12", "12": one address per report
            raise web.HTTPMovedPermanently(f"/r/{code}" + (f"?{request.query_string}" if request.query_string else ""))
        language = self.language_of(request)
        tr = self.translator(language)
        return self.render(
            request,
            "report.html",
            language,
            title=tr._(TEXTS["report"], code=code),
            code=code,
            status=status_name(tr, record.status),
            status_key=record.status,
            colour=STATUS_COLOURS.get(record.status, "#5b6770"),
            place=area_name(self.geo, language, record.region_code, record.district_pcode),
            waste=waste_names(tr, record.waste_types) or "—",
            size=size_name(tr, record.size),
            reported=tr.date(record.created_at),
            history=[(status_name(tr, s), tr.datetime(at)) for s, at in record.history],
            before=[f"/r/{code}/before-{i}.jpg" for i in range(len(record.before))],
            after=[f"/r/{code}/after-{i}.jpg" for i in range(len(record.after))],
        )

    async def photo(self, request: web.Request) -> web.StreamResponse:
        """A public copy of a confirmed report's photo; never an original (storage.public_photos)."""
        record = await self._record(request)
        if record is None:
            return self.not_found(request)
        photos = record.before if request.match_info["kind"] == "before" else record.after
        index = int(request.match_info["n"])
        if index >= len(photos):
            return self.not_found(request)
        media = Path(self.bot_app.settings.MEDIA_DIR).resolve()
        path = (media / photos[index]).resolve()
        if not path.is_relative_to(media / "public") or not path.is_file():
            return self.not_found(request)
        body = path.read_bytes()
        etag = hashlib.sha256(body).hexdigest()[:16]
        response = respond_bytes(request, body, "image/jpeg", etag, 3600)
        response.headers["X-Content-Type-Options"] = "nosniff"
        return response

    # --- an event's page ---------------------------------------------------------------------
    async def event(self, request: web.Request) -> web.Response:
        text = request.match_info["id"]
        event_id = int(text) if text.isascii() and text.isdigit() and len(text) <= MAX_ID_DIGITS else 0
        if not event_id:
            return self.not_found(request)
        async with self.bot_app.sessions() as session:
            event = await session.get(Event, event_id)
        if event is None:
            return self.not_found(request)
        language = self.language_of(request)
        tr = self.translator(language)
        code = payload(EVENT_LINK, str(event.id))
        links = self.bot_app.deep_links
        state = "cancelled" if event.is_cancelled else "over" if event.has_ended(self.now()) else "open"
        return self.render(
            request,
            "event.html",
            language,
            title=event.title,
            event=event,
            state=state,
            when_text=tr._("When: {when}", when=when(tr, event)),
            where_text=tr._("Where: {place}", place=event_place(tr, self.geo, event)),
            bring_text=tr._("Bring: {what}", what=event.bring) if event.bring else None,
            places_text=tr._(TEXTS["places"], left=event.places_left, capacity=event.capacity),
            telegram=links.link("telegram", code),
            whatsapp=links.link("whatsapp", code),
            send_code=tr._(TEXTS["send_code"], code=code),
        )

    # --- files and GeoJSON -------------------------------------------------------------------
    async def static_file(self, request: web.Request) -> web.Response:
        return self.static.response(request, request.match_info["name"]) or self.not_found(request)

    def geojson_response(self, request: web.Request, answer: Encoded, max_age: int = PAGE_SECONDS) -> web.Response:
        response = respond_bytes(request, answer.body, "application/geo+json", answer.etag, max_age, answer.gzipped)
        response.headers["Access-Control-Allow-Origin"] = "*"  # open data
        return response

    async def reports_geojson(self, request: web.Request) -> web.Response:
        try:
            query = geojson.PointsQuery.parse(request.query, self.geo.regions)
        except geojson.BadQuery as exc:
            return web.json_response({"error": str(exc)}, status=400)
        return self.geojson_response(request, await self.answers.get(("reports", query), lambda: self._report_points(query)))

    async def _report_points(self, query: geojson.PointsQuery) -> Encoded:
        async with self.bot_app.sessions() as session:
            points, truncated = await public_map.report_points(
                session, bbox=query.bbox, region=query.region, statuses=query.statuses
            )
        # Writing and compressing thousands of points takes a while: in a thread, so that the event
        # loop (and the webhooks on it) goes on meanwhile.
        return await asyncio.to_thread(lambda: Encoded.of(geojson.report_features(points, query.bbox, truncated)))

    async def events_geojson(self, request: web.Request) -> web.Response:
        language = self.language_of(request)
        tr = self.translator(language)

        async def build() -> Encoded:
            async with self.bot_app.sessions() as session:
                events = await public_map.upcoming_events(session, self.now())
            return Encoded.of(geojson.event_features(events, lambda e: when(tr, e)))

        return self.geojson_response(request, await self.answers.get(("events", language), build))

    async def trees_geojson(self, request: web.Request) -> web.Response:
        language = self.language_of(request)

        async def build() -> Encoded:
            async with self.bot_app.sessions() as session:
                plantings = await public_map.planting_points(session)
            return Encoded.of(
                geojson.planting_features(plantings, lambda p: species_name(p.species, p.species_name, language))
            )

        return self.geojson_response(request, await self.answers.get(("trees", language), build))

    async def regions_geojson(self, request: web.Request) -> web.Response:
        return self.geojson_response(request, _outlines(), 86_400)


@cache
def _outlines() -> Encoded:
    return Encoded.of(geojson.region_outlines(GEODATA_DIR / "kz_regions.geojson"))
