"""A region's own Open311 GeoReport v2 endpoint, served by the tests on 127.0.0.1: it records every
request it receives (POSTs with their fields and photo), answers in XML like a municipal system,
serves the statuses a test sets (requests.xml, tokens, FixMyStreet's servicerequestupdates.xml),
and can be told to fail (5xx) or to be slow, to exercise retries and crashes."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from xml.etree import ElementTree as ET

from aiohttp import web
from aiohttp.test_utils import TestServer

KEY = "region-key-123"


@dataclass
class Received:
    fields: dict[str, list[str]]
    photo: bytes | None


@dataclass
class Open311Endpoint:
    posts: list[Received] = field(default_factory=list)
    requests: dict[str, dict[str, str]] = field(default_factory=dict)  # id -> status, status_notes, description
    updates: list[dict[str, str]] = field(default_factory=list)
    fail_next: int = 0  # the next N POSTs answer 503
    post_delay: float = 0.0  # seconds a POST waits after it was recorded, before it answers
    hang_on: set[int] = field(default_factory=set)  # numbers of POSTs (1, 2, ...) that wait 60 s instead
    gets: list[str] = field(default_factory=list)
    server: TestServer | None = None

    @property
    def url(self) -> str:
        assert self.server is not None
        return str(self.server.make_url("/open311/v2"))

    async def start(self, port: int | None = None) -> None:
        app = web.Application(client_max_size=30 * 1024 * 1024)
        app.router.add_post("/open311/v2/requests.xml", self.post)
        app.router.add_get("/open311/v2/requests.xml", self.list)
        app.router.add_get("/open311/v2/tokens/{token}.xml", self.token)
        app.router.add_get("/open311/v2/servicerequestupdates.xml", self.list_updates)
        self.server = TestServer(app, host="127.0.0.1", port=port)
        await self.server.start_server()

    async def close(self) -> None:
        if self.server is not None:
            await self.server.close()

    def set_status(self, request_id: str, status: str, notes: str = "") -> None:
        self.requests[request_id].update(status=status, status_notes=notes)

    @staticmethod
    def _xml(root: str, item: str, rows: list[dict[str, str]], status: int = 200) -> web.Response:
        element = ET.Element(root)
        for row in rows:
            child = ET.SubElement(element, item)
            for key, value in row.items():
                ET.SubElement(child, key).text = value
        return web.Response(body=ET.tostring(element), status=status, content_type="text/xml")

    async def post(self, request: web.Request) -> web.Response:
        reader = await request.multipart()
        fields: dict[str, list[str]] = {}
        photo = None
        while (part := await reader.next()) is not None:
            if part.name == "media":
                photo = await part.read()
            else:
                fields.setdefault(part.name or "", []).append((await part.read()).decode())
        if fields.get("api_key") != [KEY]:
            return self._xml("errors", "error", [{"code": "403", "description": "bad api_key"}], 403)
        if self.fail_next:
            self.fail_next -= 1
            return web.Response(status=503, text="maintenance")
        request_id = f"AK-{len(self.requests) + 1}"
        self.posts.append(Received(fields, photo))
        self.requests[request_id] = {
            "service_request_id": request_id,
            "status": "open",
            "status_notes": "",
            "description": fields.get("description", [""])[0],
        }
        delay = 60.0 if len(self.posts) in self.hang_on else self.post_delay
        if delay:
            await asyncio.sleep(delay)
        return self._xml("service_requests", "request", [{"service_request_id": request_id, "service_notice": ""}])

    async def list(self, request: web.Request) -> web.Response:
        self.gets.append(str(request.rel_url))
        wanted = [i for i in request.query.get("service_request_id", "").split(",") if i]
        rows = [r for i, r in self.requests.items() if not wanted or i in wanted]
        return self._xml("service_requests", "request", rows)

    async def token(self, request: web.Request) -> web.Response:
        return self._xml("service_requests", "request", [])

    async def list_updates(self, request: web.Request) -> web.Response:
        self.gets.append(str(request.rel_url))
        return self._xml("service_request_updates", "request_update", self.updates)
