"""Reporting a dump, as a citizen goes through it, in kk, ru and en; duplicates; bad input."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from bot.i18n import translators
from handlers.moderation.triage import report_card
from handlers.services import GEO
from storage.forms import FormDraft
from storage.reports import Report, ReportConfirmation, ReportPhoto, ReportStatusChange
from tests.support import images
from tests.support.chat import Chat, labels, texts

ASTANA = (51.1282, 71.4306)

LANGS = [
    # button, send, photo 2 received, place question, waste question, bag, thanks word, astana,
    # my reports, status new
    ("Қазақша", "Өтінішті жіберу", "2-фотосурет", "Қоқыс үйіндісі қай жерде", "қандай қалдықтар", "қапқа", "Рақмет", "Астана қаласы", "Менің өтініштерім", "жаңа"),
    ("Русский", "Отправить обращение", "Фото 2", "Где находится свалка", "Какие это отходы", "мешок", "Спасибо", "город Астана", "Мои обращения", "новое"),
    ("English", "Send the report", "Photo 2", "Where is the dump", "What kind of waste", "bag", "Thank you", "Astana", "My reports", "new"),
]


async def count(app, model) -> int:
    async with app.sessions() as s:
        return await s.scalar(select(func.count()).select_from(model))


async def report_dump(chat: Chat, *, seed: int = 1, point=ASTANA, comment: str | None = None) -> list:
    """From the menu: Report, a photo, its location shared, then `finish`."""
    await chat.click("📸")
    await chat.photo(images.jpeg(seed))
    await chat.location(*point)
    return await finish(chat, comment)


def number_of(reply, label: str) -> int:
    """The number a citizen types to pick the choice whose label has `label` (WhatsApp, console)."""
    return next(n for n, c in enumerate(reply.choices, 1) if label in c.label)


async def finish(chat: Chat, comment: str | None = None) -> list:
    """From the details screen to the sent report, typing numbers as on WhatsApp or the console:
    the size «fits in a bag», household waste (which opens the summary), the comment typed on the
    summary, send (the summary's first choice)."""
    await chat.send(str(number_of(chat.last, "📏")))  # the first size: fits in a bag
    await chat.send("1")  # household waste: the summary follows
    if comment is not None:
        await chat.send(comment)  # text on the summary is the comment
    return await chat.send("1")  # send


@pytest.mark.parametrize("lang", LANGS, ids=["kk", "ru", "en"])
async def test_whole_flow(app, lang) -> None:
    button, send, photo2, where, waste_q, bag, thanks, astana, my_reports, new = lang
    chat = Chat(app, "citizen")
    await chat.onboard(button)
    await chat.click("📸")
    got = await chat.photo(images.jpeg(1))
    assert where in got[-1].text  # the photo step ended by itself
    second = await chat.photo(images.jpeg(2, orientation=6))  # more photos are still taken
    assert photo2 in second[0].text and where in second[-1].text
    located = await chat.location(*ASTANA)
    assert astana in texts(located) and waste_q in located[-1].text
    sized = await chat.click(bag)  # the size, on the same screen
    assert "✅" in " ".join(labels(sized[-1])) and waste_q in sized[-1].text
    summary = await chat.send("1")  # household waste, by its number
    summary = summary[-1]
    assert astana in summary.text and summary.photo_path and send in " ".join(labels(summary))
    assert "2" in summary.text.split("\n")[1]  # 📸 2 photos
    sent = await chat.click(send)
    assert thanks in sent[-1].text and "TZ-000001" in sent[-1].text

    async with app.sessions() as s:
        report = await s.scalar(select(Report))
        assert report.status == "new" and report.region_code == "KZ-71"
        assert report.district_pcode == "KZ711210"
        assert report.waste_types == ["household"] and report.size == "bag"
        assert len(report.photos) == 2 and report.history[0].new_status == "new"
        assert await s.scalar(select(func.count()).select_from(FormDraft)) == 0
    mine = await chat.click(my_reports)
    assert "TZ-000001" in mine[-1].text and new in mine[-1].text and astana in mine[-1].text
    detail = await chat.click("TZ-000001")
    assert detail[-1].photo_path and detail[-1].photo_path.startswith("photos/")
    assert (app.settings.MEDIA_DIR / detail[-1].photo_path).is_file()
    assert new in detail[-1].text


async def test_photo_as_file_gives_the_location_without_asking(app, chat: Chat) -> None:
    await chat.onboard()
    await chat.click("📸")
    details = await chat.photo(images.jpeg(4, gps=(43.2, 76.95)), as_document=True)
    assert "Almaty, Medeu District" in details[-1].text and "What kind of waste" in details[-1].text
    async with app.sessions() as s:
        draft = await s.scalar(select(FormDraft))
        assert draft.data["source"] == "photo"
        stored = app.settings.MEDIA_DIR / draft.data["photos"][0]["path"]
    from PIL import Image

    with Image.open(stored) as im:
        assert not im.getexif()  # GPS and camera data stripped
    summary = await chat.click("Plastic")
    assert "the photo's location" in summary[-1].text
    # «Change the place» asks, offering the photo's location among the ways to answer.
    asked = await chat.click("Change the place")
    assert "Where is the dump" in asked[-1].text and "photo's location" in " ".join(labels(asked[-1]))
    moved = await chat.location(*ASTANA)
    assert "Please check your report" in moved[-1].text and "Astana" in moved[-1].text


async def test_no_location_needs_a_district_and_a_landmark(app, chat: Chat) -> None:
    await chat.onboard("Русский")
    await chat.click("📸")
    await chat.photo(images.jpeg(1))
    kept = await chat.send("ул. Абая 10")  # no geocoder: kept as the landmark, a point still asked
    assert "«ул. Абая 10»" in kept[-1].text and "точка на карте" in kept[-1].text
    regions = await chat.click("выбрать регион")
    assert len(regions[-1].choices) == 20 + 3  # the regions, then back, cancel and menu
    districts = await chat.click("Улытауская")
    assert "район" in districts[-1].text.lower() or "Жезказган" in " ".join(labels(districts[-1]))
    details = await chat.click("Жезказган")  # the landmark is known: the details follow
    assert "Какие это отходы" in details[-1].text
    await finish(chat)
    async with app.sessions() as s:
        report = await s.scalar(select(Report))
        assert report.region_code == "KZ-62" and report.latitude is None and report.location_source == "region"
        assert report.district_pcode and report.address == "ул. Абая 10"


async def test_region_without_a_landmark_asks_for_one(app, chat: Chat) -> None:
    await chat.onboard()
    await chat.click("📸")
    await chat.photo(images.jpeg(1))
    await chat.click("choose the region")
    await chat.click("Ulytau")
    asked = await chat.click("Zhezkazgan")
    assert "Describe in words" in asked[-1].text
    details = await chat.send("behind the bus depot")
    assert "What kind of waste" in details[-1].text
    summary = await chat.send("1")
    assert "no point on the map" in summary[-1].text and "behind the bus depot" in summary[-1].text
    await chat.click("Send")
    async with app.sessions() as s:  # the moderators' card says there is no point and gives the words
        report = await s.scalar(select(Report).options(selectinload(Report.photos)))
        card = report_card(translators()["en"], report, app.engine.router.services[GEO]).text
    assert "no point" in card and "Landmark: behind the bus depot" in card


class FakeGeocoder:
    async def geocode(self, address: str):
        return (47.7833, 67.7144) if "Жезказган" in address else None


async def test_typed_address_when_geocoding_on(app, chat: Chat) -> None:
    app.engine.router.services["geocoder"] = FakeGeocoder()
    await chat.onboard("Русский")
    await chat.click("📸")
    await chat.photo(images.jpeg(1))
    assert "написать адрес" in chat.last.text
    missing = await chat.send("нигде")
    assert "«нигде»" in missing[-1].text and "точка на карте" in missing[-1].text
    found = await chat.send("Жезказган, ул. Алашахана 1")
    assert "Улытауская область" in texts(found)


@pytest.mark.parametrize(
    "point,where", [((42.8746, 74.5698), "Bishkek"), ((44.0, 50.0), "Caspian Sea"), ((0.0, 0.0), "zero")]
)
async def test_location_outside_kazakhstan(app, chat: Chat, point, where) -> None:
    await chat.onboard()
    await chat.click("📸")
    await chat.photo(images.jpeg(1))
    refused = await chat.location(*point)
    assert "outside Kazakhstan" in refused[0].text and refused[-1].choices
    ok = await chat.location(*ASTANA)
    assert "Astana" in texts(ok)


@pytest.mark.parametrize(
    "data,words",
    [
        (images.pdf, "not a photo"),
        (images.text_file, "not a photo"),
        (images.truncated_jpeg, "damaged"),
        (images.huge_png, "too large"),
        (images.sixty_megabytes, "larger than 20 MB"),
    ],
    ids=["pdf", "renamed-text", "truncated", "20000px-png", "60MB"],
)
async def test_bad_files(app, chat: Chat, data, words) -> None:
    await chat.onboard()
    await chat.click("📸")
    await chat.photo(images.jpeg(1))
    replies = await chat.photo(data(), as_document=True)
    assert words in replies[0].text
    assert "Where is the dump" in replies[-1].text  # the first photo is kept, the question again
    async with app.sessions() as s:
        assert len((await s.scalar(select(FormDraft))).data["photos"]) == 1


async def test_text_and_sticker_instead_of_photo(app, chat: Chat) -> None:
    await chat.onboard("Қазақша")
    await chat.click("📸")
    text = await chat.send("міне, көпірдің жанында")  # kept as the comment, and said so
    assert len(text) == 1 and "Түсініктемеңіз сақталды: «міне, көпірдің жанында»" in text[0].text
    assert "фотосуретін жіберіңіз" in text[0].text  # and the photo asked again
    sticker = await chat.other()
    assert "фотосурет керек" in sticker[0].text
    await chat.photo(images.jpeg(1))
    await chat.location(*ASTANA)
    summary = await chat.send("1")
    assert "міне, көпірдің жанында" in summary[-1].text


async def test_long_and_html_comment(app, chat: Chat) -> None:
    await chat.onboard()
    await chat.click("📸")
    await chat.photo(images.jpeg(1))
    await chat.location(*ASTANA)
    await chat.send("1")
    await chat.click("comment")
    long = await chat.send("x" * 10000)
    assert "too long" in long[0].text and "500" in long[0].text
    html = "<b>big</b> pile <script>alert(1)</script>"
    summary = await chat.send(html)
    assert html in summary[-1].text  # shown back as typed: replies are plain text
    await chat.click("Send the report")
    async with app.sessions() as s:
        assert (await s.scalar(select(Report))).comment == html


async def test_confirm_twice_creates_one_report(app, chat: Chat) -> None:
    await chat.onboard()
    await chat.click("📸")
    await chat.photo(images.jpeg(1))
    await chat.location(*ASTANA)
    await chat.send("1")
    confirm = chat.last
    send_id = next(c.id for c in confirm.choices if "Send" in c.label)
    await chat.press(send_id, confirm.choice_seq)
    again = await chat.press(send_id, confirm.choice_seq)
    assert "no longer valid" in again[0].text and "TZ-000001" in again[-1].text
    assert await count(app, Report) == 1


async def test_new_report_in_the_middle_of_one(app, chat: Chat) -> None:
    await chat.onboard()
    await chat.click("📸")
    await chat.photo(images.jpeg(1))
    await chat.photo(images.jpeg(2))
    await chat.send("/menu")
    asked = await chat.click("📸")
    assert "not sent yet (2 photos)" in asked[-1].text
    resumed = await chat.click("Continue")
    assert "Where is the dump" in resumed[-1].text
    again = await chat.send("/report")
    assert "not sent yet" in again[-1].text
    fresh = await chat.click("Discard")
    assert "discarded" in fresh[0].text and "Send a photo" in fresh[-1].text
    async with app.sessions() as s:
        assert not (await s.scalar(select(FormDraft))).data.get("photos")


async def test_duplicate_within_50_m_confirms(app) -> None:
    first = Chat(app, "first")
    await first.onboard()
    await report_dump(first, seed=1)
    second = Chat(app, "second")
    await second.onboard("Русский")
    await second.click("📸")
    await second.photo(images.jpeg(9))
    asked = await second.location(ASTANA[0] + 0.0003, ASTANA[1])  # about 33 m north
    assert "TZ-000001" in asked[-1].text and "33 м" in asked[-1].text and not asked[-1].photo_path
    done = await second.click("Да, та же свалка")
    assert "подтвердил 1 человек" in done[-1].text
    async with app.sessions() as s:
        report = await s.scalar(select(Report))
        assert report.confirmations_count == 1 and len(report.photos) == 2
        assert await s.scalar(select(func.count()).select_from(ReportConfirmation)) == 1
    assert await count(app, Report) == 1


async def test_duplicate_by_photo_hash_and_no(app) -> None:
    first = Chat(app, "first")
    await first.onboard()
    await report_dump(first, seed=3)
    second = Chat(app, "second")
    await second.onboard()
    await second.click("📸")
    await second.photo(images.recompressed(images.jpeg(3)))  # the same picture, re-compressed
    asked = await second.location(ASTANA[0] + 0.01, ASTANA[1])  # about 1.1 km away
    assert "TZ-000001" in asked[-1].text
    await second.click("another dump")
    await finish(second)
    assert await count(app, Report) == 2


async def test_far_and_different_is_not_a_duplicate(app) -> None:
    first = Chat(app, "first")
    await first.onboard()
    await report_dump(first, seed=1)
    second = Chat(app, "second")
    await second.onboard()
    await second.click("📸")
    await second.photo(images.jpeg(2))
    asked = await second.location(ASTANA[0] + 0.001, ASTANA[1])  # about 111 m
    assert "What kind of waste" in asked[-1].text


async def test_daily_limit(app, chat: Chat, clock) -> None:
    await chat.onboard()
    for n in range(app.settings.REPORTS_PER_DAY):
        await report_dump(chat, seed=100 + n, point=(ASTANA[0] + n * 0.01, ASTANA[1]))
        await chat.send("/menu")
    refused = await chat.click("📸")
    assert "come back tomorrow" in refused[-1].text
    clock.advance(days=1)
    await chat.send("/menu")
    allowed = await chat.click("📸")
    assert "Send a photo" in allowed[-1].text


async def test_mydata_forget_and_profile(app, chat: Chat) -> None:
    await chat.onboard()
    await report_dump(chat)
    await chat.send("/menu")
    profile = await chat.click("My profile")
    assert "Reports sent: 1" in profile[-1].text
    data = await chat.send("/mydata")
    # First in words: the report named by its place, waste and status; then the JSON file.
    assert "TZ-000001 · Esil District, Astana · Household waste" in data[0].text and "new" in data[0].text
    assert data[0].document is None and b"TZ-000001" in data[1].document.data
    assert "Household waste".encode() in data[1].document.data
    await chat.send("/forget")
    await chat.click("Yes, delete")
    async with app.sessions() as s:
        report = await s.scalar(select(Report))
        assert report.reporter_id is None
        assert await s.scalar(select(ReportPhoto.added_by_id)) is None
        assert await s.scalar(select(ReportStatusChange.changed_by_id)) is None


async def test_photo_at_the_menu_starts_a_report(app, chat: Chat) -> None:
    await chat.onboard("English")
    replies = await chat.photo(images.jpeg())
    assert len(replies) == 1 and "Where is the dump" in replies[0].text  # the photo step is over
    async with app.sessions() as s:
        draft = await s.scalar(select(FormDraft))
        assert len(draft.data["photos"]) == 1
