"""The report as a form: «Back» and «Cancel» on every question, «Change» for each part on the
summary, a location or photo taken at any step, and a report that goes on where it was after the
bot restarts, in kk, ru and en."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from sqlalchemy import select

from bot.app import create_app
from storage.forms import FormDraft
from storage.reports import Report
from tests.reports.test_report import ASTANA, count
from tests.support import images
from tests.support.chat import Chat, CollectingChannel, labels, texts


@dataclass(frozen=True)
class Lang:
    button: str
    back: str
    cancel: str
    send: str
    discarded: str
    where: str  # the location question
    pick_region: str
    regions: str  # the region list's question
    ulytau: str
    astana: str
    waste: str  # the details question (waste and size)
    plastic: str
    truck: str
    comment: str  # the comment question
    check: str  # the summary
    edit_location: str
    edit_waste: str
    edit_comment: str
    not_sent: str  # the "continue it?" question
    resume: str
    photo: str  # the photo question


KK = Lang(
    "Қазақша", "Артқа", "Бас тарту", "Өтінішті жіберу", "Өтініш өшірілді",
    "қай жерде", "өңір мен ауданды", "өңірді таңдаңыз", "Ұлытау облысы", "Астана қаласы",
    "қандай қалдықтар", "Пластик", "Жүк көлігі", "түсініктеме жазыңыз",
    "Өтінішіңізді тексеріңіз", "Орнын өзгерту", "Қалдық түрін", "Түсініктеме қосу",
    "әлі жіберілмеген өтініш", "Жалғастыру", "фотосуретін жіберіңіз",
)
RU = Lang(
    "Русский", "Назад", "Отменить", "Отправить обращение", "Обращение удалено",
    "Где находится свалка", "выбрать регион", "Выберите регион", "Улытауская область", "город Астана",
    "Какие это отходы", "Пластик", "грузовик", "Напишите комментарий",
    "Проверьте ваше обращение", "Изменить место", "Изменить вид отходов", "Добавить или изменить комментарий",
    "неотправленное обращение", "Продолжить", "Отправьте фото",
)
EN = Lang(
    "English", "Back", "Cancel", "Send the report", "The report is discarded",
    "Where is the dump", "choose the region", "Choose the region (or city)", "Ulytau Region", "Astana",
    "What kind of waste", "Plastic", "truck", "Type a comment",
    "Please check your report", "Change the place", "Change the waste type", "Add or change the comment",
    "not sent yet", "Continue", "Send a photo",
)
LANGUAGES = pytest.mark.parametrize("lang", [KK, RU, EN], ids=["kk", "ru", "en"])


async def draft(app) -> dict | None:
    async with app.sessions() as s:
        row = await s.scalar(select(FormDraft).where(FormDraft.form == "report"))
        return row.data if row else None


async def to_waste(chat: Chat, lang: Lang) -> None:
    await chat.onboard(lang.button)
    await chat.click("📸")
    await chat.photo(images.jpeg(1))
    await chat.location(*ASTANA)


async def to_summary(chat: Chat, lang: Lang) -> None:
    await to_waste(chat, lang)
    await chat.click(lang.truck)
    await chat.send("1")  # household waste
    assert lang.check in chat.last.text


@LANGUAGES
async def test_back_asks_the_previous_question_again(app, chat: Chat, lang: Lang) -> None:
    await to_waste(chat, lang)
    assert lang.waste in chat.last.text and lang.back in " ".join(labels(chat.last))
    back = await chat.click(lang.back)
    # The duplicate check between them asked nothing, so Back goes past it to the location.
    assert lang.where in back[-1].text
    assert "region" not in await draft(app)
    await chat.location(*ASTANA)
    await chat.click(lang.truck)
    summary = await chat.click(lang.plastic)
    assert lang.check in summary[-1].text
    # Back from the summary is the details screen (the comment, asked only on request, is passed over).
    again = await chat.click(lang.back)
    assert lang.waste in again[-1].text and "✅" not in " ".join(labels(again[-1]))  # cleared
    assert "waste" not in await draft(app) and "size" not in await draft(app)
    await chat.send("3")  # plastic, by its number
    await chat.click(lang.send)
    async with app.sessions() as s:
        report = await s.scalar(select(Report))
        assert report.waste_types == ["plastic"] and report.size is None


@LANGUAGES
async def test_back_from_the_region_list_is_the_location_question(app, chat: Chat, lang: Lang) -> None:
    await to_waste(chat, lang)
    await chat.click(lang.back)
    regions = await chat.click(lang.pick_region)
    assert lang.regions in regions[-1].text
    back = await chat.click(lang.back)
    assert lang.where in back[-1].text
    assert len((await draft(app))["photos"]) == 1  # the photos are kept: only the list is undone


async def test_back_on_the_location_drops_the_photos_and_the_first_question_has_none(app, chat: Chat) -> None:
    await chat.onboard()
    first = await chat.click("📸")
    assert "Back" not in " ".join(labels(first[-1])) and "Cancel" in " ".join(labels(first[-1]))
    await chat.photo(images.jpeg(1))
    await chat.photo(images.jpeg(2))
    again = await chat.click("Back")
    assert "Send a photo" in again[-1].text
    assert not (await draft(app)).get("photos")


@LANGUAGES
async def test_cancel_drops_the_draft_and_shows_the_menu(app, chat: Chat, lang: Lang) -> None:
    await to_waste(chat, lang)
    cancelled = await chat.click(lang.cancel)
    assert lang.discarded in cancelled[-1].text and "📸" in " ".join(labels(cancelled[-1]))
    assert await count(app, FormDraft) == 0
    fresh = await chat.click("📸")
    assert lang.not_sent not in fresh[-1].text  # nothing left to continue
    await chat.photo(images.jpeg(5))
    await chat.location(*ASTANA)
    await chat.send("1")
    summary_cancel = await chat.click(lang.cancel)  # on the summary too
    assert lang.discarded in summary_cancel[-1].text
    assert await count(app, FormDraft) == 0 and await count(app, Report) == 0


@LANGUAGES
async def test_change_the_place_from_the_summary(app, chat: Chat, lang: Lang) -> None:
    await to_summary(chat, lang)
    assert lang.astana in chat.last.text
    asked = await chat.click(lang.edit_location)
    assert lang.where in asked[-1].text
    await chat.click(lang.pick_region)
    districts = await chat.click(lang.ulytau)
    await chat.press(districts[-1].choices[0].id, districts[-1].choice_seq)  # the first district
    summary = await chat.send("Satpayev road, km 3")  # the landmark in words
    # Straight back to the summary: the waste, size and comment are kept.
    assert lang.check in summary[-1].text and lang.ulytau in summary[-1].text
    assert lang.astana not in summary[-1].text and "Satpayev road, km 3" in summary[-1].text
    await chat.click(lang.send)
    async with app.sessions() as s:
        report = await s.scalar(select(Report))
        assert (report.region_code, report.latitude, report.location_source) == ("KZ-62", None, "region")
        assert report.district_pcode and report.address == "Satpayev road, km 3"
        assert report.waste_types == ["household"] and report.size == "truck"


@LANGUAGES
async def test_a_location_sent_on_the_summary_replaces_the_place(app, chat: Chat, lang: Lang) -> None:
    await chat.onboard(lang.button)
    await chat.click("📸")
    await chat.photo(images.jpeg(4, gps=(43.2, 76.95)), as_document=True)  # Almaty, from the photo
    summary = await chat.click(lang.plastic)
    assert lang.astana not in summary[-1].text
    moved = await chat.location(*ASTANA)  # the citizen sees the place is wrong and sends the right one
    assert lang.check in moved[-1].text and lang.astana in moved[-1].text
    more = await chat.photo(images.jpeg(6))  # and one more photo, on the summary
    assert lang.check in more[-1].text and "2" in more[-1].text.split("\n")[1]
    await chat.click(lang.send)
    async with app.sessions() as s:
        report = await s.scalar(select(Report))
        assert (report.region_code, report.district_pcode, report.location_source) == ("KZ-71", "KZ711210", "shared")
        assert len(report.photos) == 2 and report.waste_types == ["plastic"]


@LANGUAGES
async def test_a_location_before_the_photo_is_kept(app, chat: Chat, lang: Lang) -> None:
    await chat.onboard(lang.button)
    await chat.click("📸")
    kept = await chat.location(*ASTANA)
    assert lang.astana in kept[0].text and lang.photo in kept[-1].text
    details = await chat.photo(images.jpeg(7))  # the place is known: not asked again
    assert lang.waste in details[-1].text and lang.astana in details[-1].text


@LANGUAGES
async def test_the_comment_is_offered_on_the_summary(app, chat: Chat, lang: Lang) -> None:
    await to_summary(chat, lang)
    asked = await chat.click(lang.edit_comment)
    assert lang.comment in asked[-1].text
    summary = await chat.send("near the bus stop")
    assert lang.check in summary[-1].text and "near the bus stop" in summary[-1].text
    again = await chat.click(lang.edit_comment)
    assert "near the bus stop" in again[-1].text  # the comment so far is shown, not dropped
    back = await chat.click(lang.back)
    assert lang.check in back[-1].text and "near the bus stop" in back[-1].text
    await chat.click(lang.send)
    async with app.sessions() as s:
        assert (await s.scalar(select(Report))).comment == "near the bus stop"


async def test_an_edited_location_is_checked_for_duplicates_again(app) -> None:
    first = Chat(app, "first")
    await first.onboard()
    await first.click("📸")
    await first.photo(images.jpeg(7))
    await first.location(ASTANA[0] + 0.05, ASTANA[1])
    await first.send("1")
    await first.click("Send the report")
    second = Chat(app, "second")
    await to_summary(second, EN)  # at ASTANA: 5.5 km from the first report, a different photo
    asked = await second.location(ASTANA[0] + 0.05, ASTANA[1] + 0.0001)  # sent on the summary
    assert "TZ-000001" in asked[-1].text and "Is it the same dump?" in asked[-1].text
    summary = await second.click("another dump")
    assert EN.check in summary[-1].text


@LANGUAGES
async def test_change_the_waste_type_from_the_summary(app, chat: Chat, lang: Lang) -> None:
    await to_summary(chat, lang)
    asked = await chat.click(lang.edit_waste)
    assert lang.waste in asked[-1].text and "✅" not in " ".join(labels(asked[-1]))
    summary = await chat.click(lang.plastic)
    assert lang.check in summary[-1].text and lang.plastic in summary[-1].text
    await chat.click(lang.send)
    async with app.sessions() as s:
        assert (await s.scalar(select(Report))).waste_types == ["plastic"]


@LANGUAGES
async def test_a_report_goes_on_after_a_restart(app, settings, clock, lang: Lang) -> None:
    chat = Chat(app, "aigerim")
    await to_waste(chat, lang)
    await chat.click(lang.truck)
    assert lang.waste in chat.last.text
    await app.close()

    restarted = await create_app(settings, run_migrations=False, clock=clock)
    restarted.add_channel(CollectingChannel("console"))
    try:
        again = Chat(restarted, "aigerim")
        answered = await again.send("3")  # plastic, typed: the question asked before the restart
        assert lang.check in answered[-1].text
        await again.send("/menu")
        offered = await again.click("📸")
        assert lang.not_sent in offered[-1].text
        resumed = await again.click(lang.resume)
        assert lang.check in resumed[-1].text  # nothing is missing: the summary
        sent = await again.click(lang.send)
        assert "TZ-000001" in texts(sent)
        async with restarted.sessions() as s:
            report = await s.scalar(select(Report))
            assert report.waste_types == ["plastic"] and report.size == "truck"
    finally:
        await restarted.close()
