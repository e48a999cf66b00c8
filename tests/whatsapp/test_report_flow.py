"""The whole dump report over WhatsApp: signed webhooks, a real JPEG fetched from the media
stand-in with Basic auth, a location message, numbered answers, the summary's photo served to
Twilio under a signed URL, and the report in the database."""

from __future__ import annotations

import io

from PIL import Image
from sqlalchemy import select

from storage.models import Identity
from storage.reports import Report
from tests.support.images import jpeg
from tests.support.whatsapp import WhatsAppUser, bodies


async def test_report_a_dump_over_whatsapp(whatsapp, twilio, user: WhatsAppUser) -> None:
    await user.send("Сәлем")
    await user.send("1")  # Қазақша
    await user.send("1")  # келісемін
    asked = await user.send("Қоқыс үйіндісі туралы хабарлау")  # the menu entry by its text
    assert "📸" in asked[-1].body

    photo_url = twilio.add_media("ME0001", jpeg(seed=7))
    got_photo = await user.photo(photo_url)
    assert twilio.media_requests[-1][0] == "ME0001" and twilio.media_requests[-1][1].startswith("Basic ")
    where = got_photo  # the photo step ends by itself
    assert "📍" in where[-1].body

    located = await user.location(51.1282, 71.4304, label="Expo", address="Mangilik El Ave")
    assert "Астана" in bodies(located)
    waste = located[-1].body
    assert waste.splitlines()[-1].endswith("⬅️ Мәзір")

    await user.send("11")  # the size, by its number (after the nine kinds of waste)
    await user.send("3")  # plastic: the summary
    summary = await user.send("Аялдаманың жанында")  # the comment
    card = summary[-1]
    assert "Аялдаманың жанында" in card.body and len(card.media_urls) == 1
    async with whatsapp.http.get(card.media_urls[0]) as response:  # as Twilio would fetch it
        assert response.status == 200 and response.content_type == "image/jpeg"
        thumbnail = Image.open(io.BytesIO(await response.read()))
        assert thumbnail.format == "JPEG"

    done = await user.send("1")  # send the report
    assert "✅" in done[-1].body

    async with whatsapp.app.sessions() as s:
        report = await s.scalar(select(Report))
        reporter = await s.scalar(select(Identity).where(Identity.user_id == report.reporter_id))
        assert (reporter.channel, reporter.external_id) == ("whatsapp", user.number)
        assert (report.latitude, report.longitude) == (51.1282, 71.4304)
        assert report.location_source == "shared" and report.comment == "Аялдаманың жанында"
        assert report.waste_types == ["plastic"] and report.size == "wheelbarrow" and len(report.photos) == 1
        stored = whatsapp.app.settings.MEDIA_DIR / report.photos[0].path
        assert Image.open(stored).format == "JPEG"
        assert report.code in done[-1].body


async def test_bad_files_over_whatsapp(whatsapp, twilio, user: WhatsAppUser) -> None:
    await user.send("hi")
    await user.send("English")
    await user.send("I agree")
    await user.send("Report a dump")

    pdf = twilio.add_media("MEpdf", b"%PDF-1.4\n%fake", "application/pdf")
    refused = await user.photo(pdf, mime="application/pdf")
    assert "I need a photo here" in refused[0].body

    lying = twilio.add_media("MElie", b"this is text, not a JPEG", "image/jpeg")
    broken = await user.photo(lying)
    assert "not a photo I can read" in broken[0].body or "damaged" in broken[0].body

    gone = await user.photo(f"{twilio.base_url}/media/expired")
    assert "could not download this photo" in gone[0].body
    async with whatsapp.app.sessions() as s:
        assert await s.scalar(select(Report)) is None
