"""The Open311 GeoReport v2 client the handover jobs use (jobs.handover_targets.Open311Client):
it speaks the spec's XML, the format every GeoReport v2 endpoint must have (JSON is optional).
A 5xx or a timeout is a `HandoverRetry` (a timeout or a dropped connection is "uncertain": the
endpoint may have taken the request), any other refusal a `HandoverRefused`."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timezone
from xml.etree import ElementTree as ET

import aiohttp

from bot import logsafe
from jobs.handover_targets import HandoverRefused, HandoverRetry, RemoteStatus
from storage.handover import HandoverTarget

TIMEOUT = 30
BATCH = 50


def _w3c(value: datetime) -> str:
    return value.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _records(body: bytes, item: str) -> list[dict[str, str]]:
    """The `<item>` elements of a GeoReport XML answer, each as {child tag: text}."""
    try:
        root = ET.fromstring(body)
    except ET.ParseError as exc:
        raise HandoverRetry(f"the endpoint's answer is not XML: {exc}") from None
    return [{child.tag: (child.text or "").strip() for child in element} for element in root.iter(item)]


class Open311Client:
    def __init__(self, timeout: float = TIMEOUT) -> None:
        self.timeout = aiohttp.ClientTimeout(total=timeout)

    def _url(self, target: HandoverTarget, path: str) -> str:
        logsafe.protect(target.api_key)  # their key is masked in every log line from now on
        return f"{target.address.rstrip('/')}/{path}"

    async def _call(self, method: str, url: str, **kwargs) -> bytes:
        try:
            async with aiohttp.ClientSession(timeout=self.timeout) as http:
                async with http.request(method, url, **kwargs) as response:
                    body = await response.read()
                    if response.status >= 500 or response.status == 429:
                        raise HandoverRetry(f"{method} {url.split('?')[0]} answered {response.status}")
                    if response.status >= 400:
                        described = " ".join(r.get("description", "") for r in _safe_errors(body))
                        raise HandoverRefused(f"answered {response.status}: {described or 'refused'}"[:300])
                    return body
        except (TimeoutError, aiohttp.ClientConnectionError, aiohttp.ClientPayloadError) as exc:
            raise HandoverRetry(f"{method} {url.split('?')[0]}: {type(exc).__name__}", uncertain=method == "POST") from None

    async def post(self, target: HandoverTarget, fields: list[tuple[str, str]], photo: bytes | None) -> tuple[str | None, str | None]:
        form = aiohttp.FormData()
        for name, value in fields:
            form.add_field(name, value)
        if photo is not None:
            form.add_field("media", photo, filename="photo.jpg", content_type="image/jpeg")
        body = await self._call("POST", self._url(target, "requests.xml"), data=form)
        records = _records(body, "request")
        if not records:
            raise HandoverRetry("the endpoint's answer names no request", uncertain=True)
        return records[0].get("service_request_id") or None, records[0].get("token") or None

    async def find(self, target: HandoverTarget, code: str, token: str | None, since: datetime) -> str | None:
        params = {"jurisdiction_id": target.jurisdiction_id} if target.jurisdiction_id else {}
        if token:
            body = await self._call("GET", self._url(target, f"tokens/{token}.xml"), params=params)
            found = [r.get("service_request_id") for r in _records(body, "request") if r.get("service_request_id")]
            if found:
                return found[0]
        params = {**params, "service_code": target.service_code or "", "start_date": _w3c(since)}
        body = await self._call("GET", self._url(target, "requests.xml"), params=params)
        for record in _records(body, "request"):
            if f"[{code}]" in record.get("description", "") and record.get("service_request_id"):
                return record["service_request_id"]
        return None

    async def statuses(self, target: HandoverTarget, ids: Sequence[str], since: datetime) -> list[RemoteStatus]:
        """requests.xml for our ids (with `start_date` of the last pull), then FixMyStreet's
        servicerequestupdates.xml since then where the target has it: later entries win."""
        found: list[RemoteStatus] = []
        base = {"jurisdiction_id": target.jurisdiction_id} if target.jurisdiction_id else {}
        for start in range(0, len(ids), BATCH):
            params = {**base, "service_request_id": ",".join(ids[start : start + BATCH]), "start_date": _w3c(since)}
            body = await self._call("GET", self._url(target, "requests.xml"), params=params)
            found += [
                RemoteStatus(r.get("service_request_id", ""), r.get("status", ""), r.get("status_notes", ""))
                for r in _records(body, "request")
            ]
        if target.has_updates:
            params = {**base, "start_date": _w3c(since), "api_key": target.api_key or ""}
            body = await self._call("GET", self._url(target, "servicerequestupdates.xml"), params=params)
            updates = sorted(_records(body, "request_update"), key=lambda r: r.get("updated_datetime", ""))
            found += [
                RemoteStatus(r.get("service_request_id", ""), r.get("status", ""), r.get("description", ""))
                for r in updates
            ]
        return found


def _safe_errors(body: bytes) -> list[dict[str, str]]:
    try:
        return _records(body, "error")
    except HandoverRetry:
        return []
