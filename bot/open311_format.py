"""GeoReport v2's two formats: every answer is built once as plain data (dicts and lists) and
written as JSON or as the spec's XML, whose element names are the JSON keys and whose lists are
wrapped in a plural element with one singular child per item (`<services><service>`,
`<attributes><attribute>`, `<values><value>`). Errors are the spec's error document in both."""

from __future__ import annotations

import json
from typing import Any
from xml.etree import ElementTree as ET

from aiohttp import web

FORMATS = ("json", "xml")
CONTENT_TYPES = {"json": "application/json", "xml": "text/xml"}
# The element each list item is written as, by the list's element name.
ITEM_TAGS = {
    "services": "service",
    "service_requests": "request",
    "attributes": "attribute",
    "values": "value",
    "endpoints": "endpoint",
    "formats": "format",
    "errors": "error",
    "service_request_updates": "request_update",
}


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _element(tag: str, value: Any) -> ET.Element:
    element = ET.Element(tag)
    if isinstance(value, dict):
        for key, item in value.items():
            element.append(_element(key, item))
    elif isinstance(value, list):
        child = ITEM_TAGS.get(tag, "item")
        for item in value:
            element.append(_element(child, item))
    else:
        element.text = _text(value)
    return element


def encode(fmt: str, root: str, data: Any) -> bytes:
    """`data` as JSON, or as XML under the `root` element (a list's items under ITEM_TAGS[root])."""
    if fmt == "json":
        return json.dumps(data, ensure_ascii=False).encode()
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(_element(root, data), encoding="utf-8")


def respond(fmt: str, body: bytes, *, status: int = 200, cache_seconds: int | None = None) -> web.Response:
    response = web.Response(body=body, status=status, content_type=CONTENT_TYPES[fmt], charset="utf-8")
    if cache_seconds:
        response.headers["Cache-Control"] = f"public, max-age={cache_seconds}"
    return response


def error(fmt: str, status: int, description: str) -> web.Response:
    """The spec's error document: `[{"code", "description"}]` or `<errors><error>...`."""
    return respond(fmt, encode(fmt, "errors", [{"code": status, "description": description}]), status=status)


def format_of(request: web.Request) -> str:
    return request.match_info.get("fmt", "json")
