"""Open311 GeoReport v2, the writing side: `POST requests` with an API key, and `tokens/{token}`.

A partner app's request enters the flow of a citizen's report: its photo goes through the same
pipeline (checked, re-encoded without metadata), its point is routed to a region and district, an
open report within 50 m takes it as a confirmation (with the photo added) instead of a new report,
and a new report starts as `new`, so the handover job queues it for the region's moderators.
Nothing is stored unless everything is right; every write (and every refusal of a valid key) is
logged in `api_writes` with its key. Keys are stored as SHA-256 hashes and limited per minute.

A photo is an upload (`media`, multipart) or a `media_url` on a host the admin allowed
(`OPEN311_MEDIA_HOSTS`) that resolves to public addresses only: never the bot's own network."""

from __future__ import annotations

import asyncio
import ipaddress
import logging
import math
import secrets
import socket
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import aiohttp
from aiohttp import web
from multidict import MultiDict
from sqlalchemy import select

from bot.open311_format import encode, error, format_of, respond
from bot.photos import MAX_BYTES as PHOTO_MAX_BYTES
from bot.ratelimit import WindowCounter
from bot.channels.whatsapp.media import allowed_media_url
from handlers.reports.nearby import nearest_open
from handlers.services import PhotoRejected
from handlers.sites.hazards import is_urgent
from storage.handover import ApiKey, ApiWrite, key_of
from storage.reports import (
    DumpSize,
    LocationSource,
    Report,
    ReportPhoto,
    ReportStatus,
    ReportStatusChange,
    WasteType,
    report_code,
)

log = logging.getLogger(__name__)

MEDIA_MAX_BYTES = 10 * 1024 * 1024
FORM_MAX_BYTES = 64 * 1024  # the text fields of one request together
DESCRIPTION_MAX = 1000
FETCH_TIMEOUT = 15


class Refusal(Exception):
    """A request the spec's error document answers; nothing is stored."""

    def __init__(self, status: int, description: str) -> None:
        super().__init__(description)
        self.status = status
        self.description = description


@dataclass
class Submission:
    fields: MultiDict[str] = field(default_factory=MultiDict)
    media: bytes | None = None


class Open311Writes:
    def __init__(self, bot_app, reader) -> None:
        self.bot_app = bot_app
        self.reader = reader  # bot.open311.Open311, for the answer's service request
        self.counter = WindowCounter(bot_app.settings.OPEN311_WRITES_PER_MINUTE)

    @property
    def services(self):
        return self.bot_app.engine.router.services

    async def post_request(self, request: web.Request) -> web.Response:
        fmt = format_of(request)
        try:
            submission = await read_submission(request)
        except Refusal as exc:
            return error(fmt, exc.status, exc.description)
        key_text = submission.fields.get("api_key", "")
        async with self.bot_app.sessions() as session:
            key = await key_of(session, key_text)
        if key is None:
            return error(fmt, 403, "api_key is missing, unknown or revoked")
        now = self.bot_app.engine.clock()
        if self.counter.hit(str(key.id), now.timestamp()) > self.counter.limit:
            return error(fmt, 429, f"this key may post {self.counter.limit} requests a minute; try again later")
        client = (request.remote or "?")[:64]
        try:
            answer = await self._create(key, submission, client)
        except Refusal as exc:
            await self._log(key, None, None, f"refused {exc.status}: {exc.description}", client)
            return error(fmt, exc.status, exc.description)
        report_id, token, outcome = answer
        log.info("open311 POST with key %s (%s): %s %s", key.prefix, key.name, outcome, report_code(report_id))
        body = [
            {
                "service_request_id": report_code(report_id),
                "token": token,
                "service_notice": "the region's moderators check it; follow it with GET requests/{id}",
                "account_id": None,
            }
        ]
        return respond(fmt, encode(fmt, "service_requests", body))

    async def _log(self, key: ApiKey, report_id: int | None, token: str | None, outcome: str, client: str) -> None:
        async with self.bot_app.sessions() as session, session.begin():
            session.add(
                ApiWrite(
                    api_key_id=key.id, report_id=report_id, token=token, outcome=outcome[:200],
                    client=client, created_at=self.bot_app.engine.clock(),
                )
            )

    async def _create(self, key: ApiKey, submission: Submission, client: str) -> tuple[int, str, str]:
        fields = submission.fields
        if fields.get("service_code", "") != "illegal-dump":
            raise Refusal(400, "service_code must be illegal-dump (see services.json)")
        lat, lon = _coordinate(fields, "lat", 90), _coordinate(fields, "long", 180)
        place = self.services["geo"].locate(lat, lon)
        if place is None:
            raise Refusal(400, "this location is outside Kazakhstan")
        jurisdiction = fields.get("jurisdiction_id", "").strip().upper()
        if jurisdiction and jurisdiction != place.region.code:
            raise Refusal(400, f"the point is in {place.region.code}, not in jurisdiction_id {jurisdiction}")
        waste = _waste(fields)
        urgent = is_urgent(waste)
        size = fields.get("attribute[size]", "").strip() or None
        if size is not None and size not in {s.value for s in DumpSize}:
            raise Refusal(400, "attribute[size] must be one of " + ", ".join(s.value for s in DumpSize))
        description = fields.get("description", "").strip() or None
        if description and len(description) > DESCRIPTION_MAX:
            raise Refusal(400, f"description is longer than {DESCRIPTION_MAX} characters")
        address = fields.get("address_string", "").strip()[:512] or None
        data = submission.media
        if data is None and fields.get("media_url"):
            data = await self._fetch(fields["media_url"])
        if data is None:
            raise Refusal(400, "a photo is required: upload it as media or give a media_url")
        try:
            photo = (await self.services["photos"].ingest(data)).to_json()
        except PhotoRejected:
            raise Refusal(400, "media is not a JPEG, PNG or WebP photo that can be read") from None
        now = self.bot_app.engine.clock()
        token = secrets.token_hex(12)
        client_note = f"open311:{key.name}"
        async with self.bot_app.sessions() as session, session.begin():
            # An urgent hazard (fire, smoke, a spill) is never merged into another report.
            near = None if urgent else await nearest_open(session, self.services["geo"], lat, lon)
            report = near[1] if near else None
            if report is not None:
                if photo["sha256"] not in {p.sha256 for p in report.photos}:
                    report.photos.append(_photo(photo, len(report.photos), now))
                report.confirmations_count += 1
                report.updated_at = now
                outcome = "joined"
            else:
                report = Report(
                    reporter_id=None, status=ReportStatus.NEW, region_code=place.region.code,
                    district_pcode=place.district.pcode if place.district else None,
                    latitude=lat, longitude=lon, location_source=LocationSource.SHARED, address=address,
                    waste_types=waste, size=size, comment=description, confirmations_count=0, urgent=urgent,
                    created_at=now, updated_at=now, photos=[_photo(photo, 0, now)],
                    history=[ReportStatusChange(old_status=None, new_status=ReportStatus.NEW, note=client_note, changed_at=now)],
                )  # fmt: skip
                session.add(report)
                outcome = "created"
            await session.flush()
            session.add(
                ApiWrite(api_key_id=key.id, report_id=report.id, token=token, outcome=outcome, client=client, created_at=now)
            )
            return report.id, token, outcome

    async def _fetch(self, url: str) -> bytes:
        parts = urlsplit(url)
        if not allowed_media_url(url, self.bot_app.settings.OPEN311_MEDIA_HOSTS, None) or not parts.hostname:
            raise Refusal(400, "media_url must be an https address on a host the administrators allowed")
        await ensure_public(parts.hostname, parts.port or 443)
        try:
            timeout = aiohttp.ClientTimeout(total=FETCH_TIMEOUT)
            async with aiohttp.ClientSession(timeout=timeout) as http:
                async with http.get(url, allow_redirects=False) as response:
                    if response.status != 200:
                        raise Refusal(400, f"media_url answered {response.status}")
                    return await _limited(response.content.read, MEDIA_MAX_BYTES)
        except (aiohttp.ClientError, TimeoutError):
            raise Refusal(400, "media_url could not be fetched") from None

    async def token(self, request: web.Request) -> web.Response:
        fmt = format_of(request)
        token = request.match_info["token"]
        async with self.bot_app.sessions() as session:
            write = await session.scalar(select(ApiWrite).where(ApiWrite.token == token[:32]))
        if write is None or write.report_id is None:
            return error(fmt, 404, "no request with this token")
        body = [{"service_request_id": report_code(write.report_id), "token": token}]
        return respond(fmt, encode(fmt, "service_requests", body))


def _photo(photo: dict[str, Any], position: int, now) -> ReportPhoto:
    return ReportPhoto(
        position=position, path=photo["path"], thumb_path=photo["thumb_path"], sha256=photo["sha256"],
        phash=photo["phash"], width=photo["width"], height=photo["height"], added_by_id=None, created_at=now,
    )  # fmt: skip


def _coordinate(fields: MultiDict[str], name: str, limit: float) -> float:
    try:
        value = float(fields.get(name, ""))
    except ValueError:
        raise Refusal(400, "lat and long are required, as decimal degrees") from None
    if not math.isfinite(value) or abs(value) > limit:
        raise Refusal(400, f"{name} is out of range")
    return value


def _waste(fields: MultiDict[str]) -> list[str]:
    """`attribute[waste][]=a&attribute[waste][]=b` (the spec's multivaluelist) or `attribute[waste]=a,b`."""
    values = fields.getall("attribute[waste][]", []) + fields.getall("attribute[waste]", [])
    keys = [v.strip() for value in values for v in value.split(",") if v.strip()]
    if not keys:
        raise Refusal(400, "attribute[waste] is required: one or more of " + ", ".join(w.value for w in WasteType))
    known = {w.value for w in WasteType}
    if unknown := [k for k in keys if k not in known]:
        raise Refusal(400, f"attribute[waste] has unknown values {', '.join(unknown)[:100]}")
    return list(dict.fromkeys(keys))


async def ensure_public(host: str, port: int) -> None:
    """Refuse a host that resolves to a private, loopback, link-local or otherwise reserved
    address (the bot's own network must not be reachable through media_url)."""
    try:
        infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except OSError:
        raise Refusal(400, "media_url's host cannot be resolved") from None
    for info in infos:
        address = ipaddress.ip_address(info[4][0])
        if not address.is_global or address.is_multicast:
            raise Refusal(400, "media_url must not point to a private address")


async def _limited(read, limit: int) -> bytes:
    """Read with `read(size)` until it returns nothing, refusing more than `limit` bytes."""
    data = bytearray()
    while chunk := await read(64 * 1024):
        data += chunk
        if len(data) > limit:
            raise Refusal(413, f"media is larger than {limit // (1024 * 1024)} MB")
    return bytes(data)


async def read_submission(request: web.Request) -> Submission:
    """The form's fields and its `media` file; a multipart body is streamed so that a photo may be
    larger than the web server's limit for other requests, up to MEDIA_MAX_BYTES."""
    submission = Submission()
    if request.content_type != "multipart/form-data":
        try:
            form = await request.post()
        except web.HTTPRequestEntityTooLarge:
            raise Refusal(413, "the request is too large; upload the photo as multipart media") from None
        for name, value in form.items():
            if isinstance(value, str):
                submission.fields.add(name, value)
        return submission
    reader = await request.multipart()
    text_bytes = 0
    while (part := await reader.next()) is not None:
        if not isinstance(part, aiohttp.BodyPartReader):
            continue
        if part.name == "media":
            if submission.media is not None:
                raise Refusal(400, "one media file per request")
            submission.media = await _limited(part.read_chunk, MEDIA_MAX_BYTES)
            continue
        value = await part.read(decode=True)
        text_bytes += len(value)
        if text_bytes > FORM_MAX_BYTES:
            raise Refusal(413, "the request's fields are too large")
        submission.fields.add(part.name or "", value.decode(part.get_charset("utf-8"), errors="replace"))
    return submission


assert MEDIA_MAX_BYTES <= PHOTO_MAX_BYTES
