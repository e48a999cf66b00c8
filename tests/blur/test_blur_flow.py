"""The public copy as people meet it: the citizen is told once that faces and plates are hidden;
the copy is made right after the step's commit (or by the job after a crash); moderators see it on
the card and press «Blur is fine» or «Blur more» (a box in pixels, or the whole photo), each kept
in the report's history; a press by someone who is not a moderator of the region changes nothing."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image
from sqlalchemy import func, select

from bot.blur_detector import Detector
from bot.scheduler import run_job
from storage.public_photos import PhotoBlurReview, PublicPhoto
from storage.reports import Report, ReportPhoto
from tests.blur.dataset import build
from tests.moderation.test_moderation import ALMATY, GROUP, Member, add_report, moderators, reporter
from tests.reports.test_report import ASTANA, finish
from tests.support.chat import Chat, texts

NOTICE = "faces and number plates on it are blurred automatically"


def portrait_jpeg() -> bytes:
    """The first test photo: the astronaut's portrait and pasted faces and plates."""
    out = io.BytesIO()
    build(1)[0].image.save(out, "JPEG", quality=90)
    return out.getvalue()


def detail(grey: np.ndarray) -> float:
    """Mean difference between neighbouring pixels: what a blur takes away."""
    return float(np.abs(np.diff(grey, axis=1)).mean())


async def public_rows(app) -> list[PublicPhoto]:
    async with app.sessions() as s:
        return list((await s.scalars(select(PublicPhoto))).all())


async def test_citizen_told_once_and_copy_made_after_the_commit(app, chat: Chat) -> None:
    await chat.onboard("English")
    asked = await chat.click("📸")
    assert NOTICE in asked[-1].text
    await chat.photo(portrait_jpeg())
    await chat.location(*ASTANA)
    await finish(chat)
    await app.public_copies.idle()
    [row] = await public_rows(app)
    async with app.sessions() as s:
        photo = await s.scalar(select(ReportPhoto))
    assert row.original_path == photo.path and row.public_path.startswith("public/")
    assert "face" in {box[0] for box in row.found}  # its plates are under 80 px: not required
    public = np.asarray(Image.open(app.settings.MEDIA_DIR / row.public_path).convert("L"), dtype=float)
    original = np.asarray(Image.open(app.settings.MEDIA_DIR / row.original_path).convert("L"), dtype=float)
    assert public.shape == original.shape
    for _kind, x, y, w, h in row.found:  # each box found has lost its detail in the copy
        assert detail(public[y : y + h, x : x + w]) < detail(original[y : y + h, x : x + w]) / 2
    # The second report: the notice is not repeated.
    await chat.click("Menu")
    again = await chat.click("📸")
    assert NOTICE not in again[-1].text


@pytest.mark.parametrize(
    "language, notice",
    [
        ("Қазақша", "адамдардың жүзі мен көлік нөмірлері автоматты түрде бұлдыратылады"),
        ("Русский", "лица и номера машин на нём автоматически размываются"),
    ],
    ids=["kk", "ru"],
)
async def test_citizen_told_in_their_language_once(app, language: str, notice: str) -> None:
    chat = Chat(app, "bota")
    await chat.onboard(language)
    asked = await chat.click("📸")
    assert notice in asked[-1].text
    again = await chat.send("қоқыс / мусор")  # text first: kept as the comment, the photo asked again
    assert notice not in texts(again)  # not repeated


async def test_job_makes_copies_left_by_a_crash(app, clock) -> None:
    """A photo stored and committed, the process killed before the copy: the job makes it."""
    _, user_id = await reporter(app, "dana", "English")
    await add_report(app, user_id, ALMATY, clock)  # outside the engine: no after-commit run
    assert await public_rows(app) == []
    assert await run_job(app, "public_photos") == "1 public copies made"
    [row] = await public_rows(app)
    assert (app.settings.MEDIA_DIR / row.public_path).is_file()
    assert await run_job(app, "public_photos") == "0 public copies made"


async def test_moderators_review_the_blur(app, clock) -> None:
    await moderators(app)
    admin = Chat(app, "admin")
    _, user_id = await reporter(app, "dana", "English")
    report_id = await add_report(app, user_id, ALMATY, clock)
    portrait = (await app.engine.router.services["photos"].ingest(portrait_jpeg())).to_json()
    async with app.sessions() as s, s.begin():  # a photo with detail to blur
        photo = await s.scalar(select(ReportPhoto))
        photo.path, photo.width, photo.height = portrait["path"], portrait["width"], portrait["height"]
    await run_job(app, "public_photos")
    await run_job(app, "handover")
    await app.sender.flush()
    card = [r for r in app.channels["console"].sent[GROUP] if r.choices][-1]
    [row] = await public_rows(app)
    assert card.photo_path == row.public_path  # the public copy, not the original
    assert "Public copy: blurred faces" in card.text
    labels = [c.label for c in card.choices]
    assert "🌫 Blur more" in labels and "👌 Blur is fine" in labels

    eve = Member(app, GROUP, "eve")
    assert "Only a moderator" in texts(await eve.press(f"blur:fine:{report_id}"))
    assert "does not exist" in texts(await eve.press("blur:fine:999999"))

    mod = Member(app, GROUP, "mod")
    assert "the blur of TZ-" in texts(await mod.press(f"blur:fine:{report_id}"))
    asked = await mod.press(f"blur:more:{report_id}")
    assert "X Y WIDTH HEIGHT" in asked[-1].text and asked[-1].photo_path == row.public_path
    assert "four whole numbers" in texts(await mod.send("the face on the left"))
    assert "four whole numbers" in texts(await mod.send("0 0 2 2"))  # too small to hide anything
    before = np.asarray(Image.open(app.settings.MEDIA_DIR / row.public_path).convert("L"), dtype=float)
    done = await mod.send("100 100 300 200")
    assert "the box is blurred" in done[-1].text
    after = np.asarray(Image.open(app.settings.MEDIA_DIR / row.public_path).convert("L"), dtype=float)
    assert detail(after[110:290, 110:390]) < detail(before[110:290, 110:390]) / 2  # the box is blurred now
    assert abs(detail(after[600:, 600:]) - detail(before[600:, 600:])) < 0.5  # the rest is as it was
    await mod.press(f"blur:more:{report_id}")
    whole = await mod.press(f"blur:whole:{report_id}")  # instead of a box
    assert "whole photo" in whole[-1].text
    assert "four whole numbers" not in texts(await mod.send("thanks"))  # no box awaited any more
    assert "X Y WIDTH HEIGHT" in (await mod.press(f"blur:more:{report_id}"))[-1].text
    assert "four whole numbers" in texts(await mod.send("5000 10 100 100"))  # outside the photo
    assert "four whole numbers" in texts(await mod.send("-5 10 100 100"))
    await mod.press(f"blur:fine:{report_id}")  # a press instead of the box: noted, the box no longer awaited
    assert "four whole numbers" not in texts(await mod.send("ok"))

    history = texts(await admin.send(f"/report TZ-{report_id:06d}"))
    assert "Blur of the public copy:" in history
    assert history.index("the blur is fine") < history.index("box blurred: X 100, Y 100, 300×200 px") < history.index("the whole photo blurred")

    async with app.sessions() as s:
        reviews = (await s.scalars(select(PhotoBlurReview).order_by(PhotoBlurReview.id))).all()
        assert [(r.verdict, r.box) for r in reviews] == [("fine", None), ("box", [100, 100, 300, 200]), ("whole", None), ("fine", None)]
        assert all(r.report_id == report_id for r in reviews)
        row = await s.get(PublicPhoto, row.original_path)
        assert row.whole and row.extra == [["manual", 100, 100, 300, 200]]
        assert await s.scalar(select(func.count()).select_from(Report)) == 1


def test_detector_does_not_find_a_face_it_blurred(tmp_path) -> None:
    """Irreversible in practice: on the public copy the same detector finds none of the faces."""
    from bot.blur import public_jpeg

    sample = build(1)[0]
    out = io.BytesIO()
    sample.image.save(out, "JPEG", quality=90)
    detector = Detector()
    jpeg, found = public_jpeg(out.getvalue(), detector)
    assert any(b.kind == "face" for b in found)
    again = detector.detect(Image.open(io.BytesIO(jpeg)))
    for box in (b for b in found if b.kind == "face"):
        assert not any(abs(a.x - box.x) < box.w / 3 and abs(a.y - box.y) < box.h / 3 for a in again if a.kind == "face")
