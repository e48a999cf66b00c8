"""Citizens verify a site to verify on the ground, from the invitation: two who find the dump make
it a report that enters the regional queue (and they earn eco-points), two who find nothing close
it as not found, disagreement goes to the region's moderators; a look from farther than 200 m is
refused with a clear message. The moderators' card shows the source and the detection date."""

from __future__ import annotations

from sqlalchemy import select

from bot.commands.export import report_rows
from bot.scheduler import run_job
from storage.points import PointsEntry
from storage.reports import Report, ReportPhoto, ReportStatusChange
from storage.sites import SiteVerification
from tests.sites.support import SITE, add_sites, invite, metres_north, moderator, person, user_id
from tests.support import images
from tests.support.chat import texts


async def _site(app) -> Report:
    async with app.sessions() as s:
        return await s.scalar(select(Report).where(Report.origin == "satellite"))


async def test_two_confirmations_make_a_queued_report_with_points(app, clock) -> None:
    mod = await moderator(app)
    (site_id,) = await add_sites(app, clock(), [("S-1", SITE)])
    emma = await person(app, "emma", "en", at=metres_north(SITE, 900))
    boris = await person(app, "boris", "ru", at=metres_north(SITE, 1500))
    await invite(app)

    asked = await emma.click("The dump is there")
    assert "Send a photo of the dump at this site." in texts(asked)
    asked = await emma.photo(images.jpeg(11))
    assert "within 200 m of the site" in texts(asked)
    done = await emma.location(*metres_north(SITE, 60))
    assert "one more citizen's look will decide the site" in texts(done)
    assert (await _site(app)).status == "to_verify"
    async with app.sessions() as s:  # a detection alone is not published
        assert await report_rows(s, app.engine.router.services["geo"], None, None) == []

    await boris.click("Свалка есть")
    await boris.photo(images.jpeg(12))
    done = await boris.location(*metres_north(SITE, 120))
    assert "Теперь свалку подтвердили двое жителей" in texts(done) and "10 экобаллов" in texts(done)
    await app.sender.flush()
    told = texts(emma.history[emma.seen :])  # the first verifier learns what their look decided
    assert "Another citizen confirmed the dump you verified" in told and "10 eco-points" in told
    assert (await _site(app)).status == "new"

    await run_job(app, "handover")
    card = next(r for r in await mod.send("/queue") if "🛰" in r.text)
    assert "🛰 Detected from space: kazcosmos, Jun 1, 2025" in card.text
    assert "Verified on the ground: ✅ 2 · 🚫 0" in card.text and "Area: 1,500 m²" in card.text
    assert card.photo_path is not None  # the verifiers' photo
    async with app.sessions() as s:
        report = await s.get(Report, site_id)
        photos = (await s.scalars(select(ReportPhoto.added_by_id).where(ReportPhoto.report_id == site_id))).all()
        points = dict((await s.execute(select(PointsEntry.user_id, PointsEntry.points).where(PointsEntry.deed == "site_verified"))).all())
        notes = (await s.scalars(select(ReportStatusChange.note).where(ReportStatusChange.report_id == site_id))).all()
    assert report.status == "queued" and report.reporter_id is None
    assert sorted(photos) == sorted([await user_id(app, "emma"), await user_id(app, "boris")])
    assert points == {await user_id(app, "emma"): 10, await user_id(app, "boris"): 10}
    assert "verified: the dump is there" in notes
    async with app.sessions() as s:  # open data: published once verified, with its origin
        rows = await report_rows(s, app.engine.router.services["geo"], None, None)
    assert [(r["code"], r["origin"], r["status"]) for r in rows] == [(f"TZ-{site_id:06d}", "satellite", "queued")]


async def test_two_nothing_here_close_it_and_too_far_is_refused(app, clock) -> None:
    (site_id,) = await add_sites(app, clock(), [("S-1", SITE)])
    aigerim = await person(app, "aigerim", "kk", at=metres_north(SITE, 900))
    emma = await person(app, "emma", "en", at=metres_north(SITE, 2000))
    await invite(app)

    await emma.click("Nothing here")
    far = await emma.location(*metres_north(SITE, 1500))
    assert "You are 1.5 km from the site: too far to verify it. Please come within 200 m" in texts(far)
    near = await emma.location(*metres_north(SITE, 350))
    assert "You are 350 m from the site: too far" in texts(near)
    async with app.sessions() as s:
        assert await s.scalar(select(SiteVerification.id)) is None
    done = await emma.location(*metres_north(SITE, 150))
    assert "Your verification is recorded" in texts(done)
    # The invitation's button pressed again: the look counts once
    invitation = next(r for r in emma.history if r.kind == "site_invitation")
    again = await emma.press(invitation.choices[1].id, invitation.choice_seq)
    assert "You have already verified this site. Thank you!" in texts(again)

    too_far_kk = await aigerim.click("Мұнда ештеңе жоқ")
    assert "геолокацияңызды" in texts(too_far_kk)
    refused = await aigerim.location(*metres_north(SITE, 900))
    assert "Сіз орыннан 899 м қашықтықтасыз: тексеру үшін бұл тым алыс" in texts(refused)
    done = await aigerim.location(*metres_north(SITE, 10))
    assert "орын «табылмады» деп жабылды" in texts(done)
    await app.sender.flush()
    assert "Another citizen found nothing at the site you verified either" in texts(emma.history[emma.seen :])

    # /mydata says what is kept about a verifier, and /forget deletes the location
    mine = texts(await emma.send("/mydata"))
    assert "Your latest shared location" in mine and "kept for 30 days" in mine and "Sites you verified: 1" in mine
    assert (await _site(app)).status == "not_found"
    assert await run_job(app, "handover") == "nothing to hand over"


async def test_disagreement_goes_to_the_moderators(app, clock) -> None:
    mod = await moderator(app)
    (site_id,) = await add_sites(app, clock(), [("S-1", SITE)])
    emma = await person(app, "emma", "en", at=metres_north(SITE, 900))
    dan = await person(app, "dan", "en", at=metres_north(SITE, 1200))
    await invite(app)
    await emma.click("The dump is there")
    await emma.photo(images.jpeg(13))
    await emma.location(*SITE)
    await dan.click("Nothing here")
    done = await dan.location(*SITE)
    assert "the region's moderators will decide" in texts(done)
    await run_job(app, "handover")
    card = next(r for r in await mod.send("/queue") if "🛰" in r.text)
    assert "Verified on the ground: ✅ 1 · 🚫 1" in card.text
    async with app.sessions() as s:
        notes = (await s.scalars(select(ReportStatusChange.note).where(ReportStatusChange.report_id == site_id))).all()
        points = (await s.scalars(select(PointsEntry.id))).all()
    assert (await _site(app)).status == "queued" and "verifiers disagree" in notes and not points
