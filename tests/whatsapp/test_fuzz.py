"""Issue 17, point 10: random and malformed requests to every public endpoint (random bytes,
charsets, dates, ids, huge numbers, signed forms of odd content) never get a 500. A seeded loop,
so a failure can be replayed; a few seconds long."""

from __future__ import annotations

import random
import string

import pytest
from yarl import URL

from tests.support.whatsapp import WhatsAppUser

SEED = 17
ROUNDS = 300
DATES = [
    "0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-14:00", "2026-02-30", "2026-06-01T25:61:61Z",
    "-1", "", "2026-06-01T00:00:00Z", "1970-01-01", "2026-06-01T00:00:00+99:00", "now", "\u0661\u0662",
]
CHARSETS = ["nope", "utf-8", "UTF-16", "latin-1", "", "ascii", "utf-32", "x" * 300, "cp1251"]
NUMBERS = ["0", "-1", "1", "9" * 30, "9" * 5000, "1e9", "0x10", "\u0661\u0662\u0663", "NaN", " 5", "2" * 19]


def junk(rng: random.Random, size: int = 40) -> str:
    alphabet = string.printable + "é€😀\u0000\u202e"
    return "".join(rng.choice(alphabet) for _ in range(rng.randrange(size)))


def escape(text: str) -> str:
    """Percent-escape all but letters, digits and - : . , (the bytes of the UTF-8 encoding)."""
    return "".join(c if c.isascii() and (c.isalnum() or c in "-:.,") else "".join(f"%{b:02x}" for b in c.encode("utf-8", "surrogatepass")) for c in text)


def raw_query(rng: random.Random) -> str:
    """A query string with percent-escapes of random bytes (not necessarily UTF-8)."""
    names = ["start_date", "end_date", "status", "service_code", "page", "page_size", junk(rng, 8)]
    parts = []
    for _ in range(rng.randrange(5)):
        if rng.random() < 0.2:
            value = "".join(f"%{rng.randrange(256):02x}" for _ in range(rng.randrange(1, 6)))
        else:
            value = escape(rng.choice([rng.choice(DATES), rng.choice(NUMBERS), "open,closed,x", junk(rng)]))
        parts.append(f"{escape(rng.choice(names))}={value}")
    return "&".join(parts)


@pytest.fixture
def server_settings() -> dict[str, object]:
    return {"PUBLIC_REQUESTS_PER_MINUTE": 100_000}


async def test_no_request_gets_a_500(whatsapp, user: WhatsAppUser) -> None:
    rng = random.Random(SEED)
    http, base = whatsapp.http, whatsapp.base_url
    statuses: dict[int, int] = {}

    async def hit(method: str, path: str, **kwargs) -> None:
        async with http.request(method, URL(base + path, encoded=True), **kwargs) as response:
            await response.read()
            statuses[response.status] = statuses.get(response.status, 0) + 1
            assert response.status < 500, (method, path[:120], kwargs.get("headers"), response.status)

    for _ in range(ROUNDS):
        kind = rng.randrange(7)
        if kind == 0:
            await hit("GET", "/open311/v2/requests.json?" + raw_query(rng))
        elif kind == 1:
            ident = rng.choice(NUMBERS + ["TZ-" + rng.choice(NUMBERS), junk(rng)])
            ident = escape(ident)
            await hit("GET", f"/open311/v2/requests/{ident}.json")
        elif kind == 2:
            token = rng.choice(NUMBERS) + "-" + "".join(rng.choice("0123456789abcdef") for _ in range(32))
            await hit("GET", f"/whatsapp/media/{token}/photos/../{rng.choice(['x.jpg', '%2e%2e/etc/passwd', '%ff'])}")
        elif kind in (3, 4):
            body = bytes(rng.randrange(256) for _ in range(rng.randrange(300)))
            content_type = f"application/x-www-form-urlencoded; charset={rng.choice(CHARSETS)}"
            path = rng.choice(["/whatsapp", "/whatsapp/status"])
            headers = {"Content-Type": content_type, "X-Twilio-Signature": "".join(rng.choice(string.ascii_letters + "+/=") for _ in range(28))}
            await hit("POST", path, data=body, headers=headers)
        elif kind == 5:  # correctly signed forms with odd content
            form = user.form(
                Body=junk(rng, 200),
                NumMedia=rng.choice(NUMBERS),
                Latitude=rng.choice(NUMBERS + ["91", "nan", "inf"]),
                Longitude=rng.choice(NUMBERS + ["-181", "1e308"]),
                MediaUrl0=junk(rng, 60),
                MediaContentType0=rng.choice(["image/jpeg", junk(rng, 20)]),
            )
            if rng.random() < 0.3:
                form["From"] = junk(rng, 20)
            headers = {"X-Twilio-Signature": whatsapp.sign("/whatsapp", form)}
            await hit("POST", "/whatsapp", data=form, headers=headers)
        else:
            path = "/" + "".join(f"%{b:02x}" for b in junk(rng, 20).encode())
            await hit(rng.choice(["GET", "POST", "PUT", "DELETE"]), rng.choice(["/healthz", "/open311/v2/services.json", path]))
    await whatsapp.settle()
    assert statuses.get(200, 0) > 0 and any(400 <= s < 500 for s in statuses)


async def test_signed_body_not_in_utf8_and_unknown_charset(whatsapp, user: WhatsAppUser) -> None:
    for content_type, body in [
        ("application/x-www-form-urlencoded", b"Body=%ff%fe&From=whatsapp%3A%2B7701"),
        ("application/x-www-form-urlencoded; charset=nope", b"Body=hi"),
        ("application/x-www-form-urlencoded", b"\xff\xfe\x00garbage"),
    ]:
        async with whatsapp.http.post(
            whatsapp.base_url + "/whatsapp",
            data=body,
            headers={"Content-Type": content_type, "X-Twilio-Signature": "x"},
        ) as response:
            assert 400 <= response.status < 500
            assert response.content_type == "application/json"
