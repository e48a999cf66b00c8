"""Photos users send are fetched from Twilio with Basic auth, images only, within the size limit;
photos and files the bot sends are served to Twilio under unguessable URLs."""

from __future__ import annotations

import base64

import pytest
from sqlalchemy import select

from handlers.context import MediaUnavailable
from handlers.types import Document, MediaRef, Reply
from storage.models import InboxUpdate
from tests.support.twilio_standin import make_jpeg
from tests.support.whatsapp import WhatsAppUser


def basic(sid: str, token: str) -> str:
    return "Basic " + base64.b64encode(f"{sid}:{token}".encode()).decode()


async def inbox_payloads(whatsapp) -> list[dict]:
    async with whatsapp.app.sessions() as s:
        return list((await s.scalars(select(InboxUpdate.payload).order_by(InboxUpdate.id))).all())


async def test_photo_is_downloaded_with_basic_auth(whatsapp, twilio, user: WhatsAppUser) -> None:
    jpeg = make_jpeg()
    url = twilio.add_media("ME1", jpeg)
    await user.send("hi")
    await user.send("English")
    await user.send("1")

    replies = await user.photo(url, caption="a dump near the river")
    assert twilio.media_requests == [("ME1", basic(twilio.account_sid, twilio.auth_token))]
    assert replies  # the step answered (at the menu: what it expects)
    payload = (await inbox_payloads(whatsapp))[-1]
    assert payload["kind"] == "photo"
    assert payload["photo"]["file_id"] == url and payload["photo"]["mime_type"] == "image/jpeg"
    assert payload["text"] == "a dump near the river"

    channel = whatsapp.app.channels["whatsapp"]
    assert await channel.fetch_media(MediaRef(url, "image/jpeg"), 10_000_000) == jpeg


async def test_media_refusals(whatsapp, twilio) -> None:
    channel = whatsapp.app.channels["whatsapp"]
    jpeg = make_jpeg()
    url = twilio.add_media("ME2", jpeg)

    with pytest.raises(MediaUnavailable) as too_large:
        await channel.fetch_media(MediaRef(url, "image/jpeg"), len(jpeg) - 1)
    assert too_large.value.reason == "too_large"

    pdf = twilio.add_media("ME3", b"%PDF-1.4 not an image", "application/pdf")
    with pytest.raises(MediaUnavailable) as declared:  # refused before any download
        await channel.fetch_media(MediaRef(pdf, "application/pdf"), 10_000_000)
    assert declared.value.reason == "download_failed"
    with pytest.raises(MediaUnavailable) as served:  # said image, served something else
        await channel.fetch_media(MediaRef(pdf, "image/jpeg"), 10_000_000)
    assert served.value.reason == "download_failed"
    assert [name for name, _ in twilio.media_requests] == ["ME2", "ME3"]

    with pytest.raises(MediaUnavailable):
        await channel.fetch_media(MediaRef(f"{twilio.base_url}/media/missing", "image/jpeg"), 10_000_000)
    with pytest.raises(MediaUnavailable):
        await channel.fetch_media(MediaRef("http://127.0.0.1:9/nothing", "image/jpeg"), 10_000_000)

    twilio.auth_token = "rotated"  # Twilio refuses our credentials
    with pytest.raises(MediaUnavailable) as refused:
        await channel.fetch_media(MediaRef(url, "image/jpeg"), 10_000_000)
    assert refused.value.reason == "download_failed"


async def test_non_image_media_gets_an_answer(whatsapp, twilio, user: WhatsAppUser) -> None:
    await user.send("hi")
    await user.send("Русский")
    await user.send("1")
    voice = twilio.add_media("ME4", b"OggS...", "audio/ogg")
    replies = await user.photo(voice, mime="audio/ogg")
    assert "Пожалуйста, выберите один из вариантов ниже." in replies[0].body
    assert twilio.media_requests == []  # nothing but images is downloaded
    assert (await inbox_payloads(whatsapp))[-1]["kind"] == "other"


async def test_location_message(whatsapp, user: WhatsAppUser) -> None:
    await user.send("hi")
    await user.send("English")
    await user.send("1")
    replies = await user.location(51.1282, 71.4304, address="Mangilik El Ave", label="Expo")
    assert replies
    payload = (await inbox_payloads(whatsapp))[-1]
    assert payload["kind"] == "location"
    assert payload["location"] == {
        "latitude": 51.1282,
        "longitude": 71.4304,
        "address": "Expo, Mangilik El Ave",
    }


async def test_outgoing_photo_and_document_urls(whatsapp, twilio, user: WhatsAppUser, clock) -> None:
    channel = whatsapp.app.channels["whatsapp"]
    media_dir = whatsapp.app.settings.MEDIA_DIR
    (media_dir / "ab").mkdir(parents=True)
    jpeg = make_jpeg(320, 240)
    (media_dir / "ab" / "abcdef.jpg").write_bytes(jpeg)
    (media_dir.parent / "secret.txt").write_text("outside MEDIA_DIR")
    await user.send("hi")
    user.new()

    await channel.send(user.number, Reply(text="Your report", photo_path="ab/abcdef.jpg"))
    [photo] = user.new()
    assert photo.body == "Your report" and len(photo.media_urls) == 1
    url = photo.media_urls[0]
    assert url.startswith(f"{whatsapp.base_url}/whatsapp/media/") and url.endswith("/ab/abcdef.jpg")
    async with whatsapp.http.get(url) as response:
        assert response.status == 200 and await response.read() == jpeg

    signature = url.split("/")[-3]
    for forged in (
        url.replace(signature, "0" * len(signature)),  # guessed signature
        f"{whatsapp.base_url}/whatsapp/media/{signature}/ab/other.jpg",  # signature of another file
    ):
        async with whatsapp.http.get(forged) as response:
            assert response.status == 404
    # Even a correctly signed path never leaves MEDIA_DIR.
    later = int(clock.now.timestamp()) + 60
    assert channel.links.resolve("../secret.txt", channel.links.token("../secret.txt", later)) is None

    await channel.send(user.number, Reply(text="Your data", document=Document("my data.json", b'{"a": 1}', "application/json")))
    [doc] = user.new()
    async with whatsapp.http.get(doc.media_urls[0]) as response:
        assert response.status == 200 and await response.read() == b'{"a": 1}'
    async with whatsapp.http.get(doc.media_urls[0]) as response:  # served once, then gone
        assert response.status == 404
    assert not any(p.is_file() for p in (media_dir / "whatsapp-outgoing").rglob("*"))

    await channel.send(user.number, Reply(text="Lost photo", photo_path="ab/missing.jpg"))
    [lost] = user.new()
    assert lost.body == "Lost photo" and lost.media_urls == []  # the text still goes; logged


async def test_sent_documents_do_not_stay_on_disk(whatsapp, user: WhatsAppUser) -> None:
    import os
    import time

    channel = whatsapp.app.channels["whatsapp"]
    outgoing = whatsapp.app.settings.MEDIA_DIR / "whatsapp-outgoing"
    await user.send("hi")
    await channel.send(user.number, Reply(text="Your data", document=Document("a.json", b"{}", "application/json")))
    [old] = [p for p in outgoing.rglob("*") if p.is_file()]
    two_hours_ago = time.time() - 7200  # Twilio never came for it
    os.utime(old, (two_hours_ago, two_hours_ago))
    await channel.send(user.number, Reply(text="Again", document=Document("b.json", b"[]", "application/json")))
    remaining = [p for p in outgoing.rglob("*") if p.is_file()]
    assert [f.name for f in remaining] == ["b.json"] and not old.parent.exists()


async def test_media_urls_expire(whatsapp, user: WhatsAppUser, clock) -> None:
    """Point 4 of issue 17: a signed media URL is refused after its time."""
    channel = whatsapp.app.channels["whatsapp"]
    media_dir = whatsapp.app.settings.MEDIA_DIR
    (media_dir / "ab").mkdir(parents=True)
    (media_dir / "ab" / "photo.jpg").write_bytes(make_jpeg(32, 32))
    await user.send("hi")
    await channel.send(user.number, Reply(text="Your report", photo_path="ab/photo.jpg"))
    url = user.new()[-1].media_urls[0]
    async with whatsapp.http.get(url) as response:
        assert response.status == 200
    clock.advance(hours=2)
    async with whatsapp.http.get(url) as response:
        assert response.status == 404
    expires, mac = url.split("/")[-3].split("-")
    forged = url.replace(f"{expires}-{mac}", f"{int(expires) + 86400}-{mac}")  # a later expiry
    async with whatsapp.http.get(forged) as response:
        assert response.status == 404


@pytest.mark.parametrize(
    "url",
    [
        "https://evil.example.com/2010-04-01/Accounts/AC1/Messages/MM1/Media/ME1",
        "http://api.twilio.com/2010-04-01/Accounts/AC1/Messages/MM1/Media/ME1",  # not https
        "https://api.twilio.com.evil.example/x",
        "https://eviltwilio.com/x",
        "file:///etc/passwd",
        "LOCAL",  # the stand-in itself under another name: it would see the credentials
    ],
)
async def test_media_only_from_twilio_hosts(whatsapp, twilio, user: WhatsAppUser, url: str) -> None:
    """Point 9 of issue 17: Twilio's credentials go to Twilio's media hosts only."""
    await user.send("hi")
    await user.send("English")
    await user.send("I agree")
    await user.send("Report a dump")
    if url == "LOCAL":
        url = twilio.add_media("ME7", make_jpeg(64, 64)).replace("127.0.0.1", "localhost")
    before = len(twilio.media_requests)
    refused = await user.photo(url)
    assert "could not download this photo" in refused[0].body
    assert len(twilio.media_requests) == before


def test_media_host_rule() -> None:
    from bot.channels.whatsapp.media import allowed_media_url

    hosts = ["api.twilio.com", "*.twilio.com"]
    assert allowed_media_url("https://api.twilio.com/2010-04-01/x", hosts, None)
    assert allowed_media_url("https://media.us1.twilio.com/x", hosts, None)
    assert not allowed_media_url("https://twilio.com.evil.io/x", hosts, None)
    assert not allowed_media_url("https://xtwilio.com/x", hosts, None)
    assert not allowed_media_url("http://api.twilio.com/x", hosts, None)
    assert allowed_media_url("http://127.0.0.1:5000/media/1", hosts, "http://127.0.0.1:5000")
    assert not allowed_media_url("http://127.0.0.1:5001/media/1", hosts, "http://127.0.0.1:5000")
