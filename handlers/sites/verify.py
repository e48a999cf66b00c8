"""Verifying a site to verify on the ground, from the invitation's buttons: «The dump is there» asks
for a photo, then the location; «Nothing here» asks for the location only. A location farther than
200 m from the site is refused with the distance, and the question stays; within it, the look is
recorded (once per person and site), the photo joins the report's photos, and two looks decide the
site (handlers.sites.outcome). «Don't ask me again» ends the invitations for good."""

from __future__ import annotations

from sqlalchemy import select

from handlers.context import Ctx
from handlers.photo_input import take_photo
from handlers.reports.send import add_photos
from handlers.services import GEO
from handlers.sites.invite import VERIFY_RADIUS_M, SitePress, distance_text
from handlers.sites.outcome import Outcome, decide
from handlers.start import show_menu
from handlers.types import Kind
from storage.points import RULES, Deed
from storage.reports import Report, ReportStatus
from storage.sites import SiteVerification, Verdict, verifier

PHOTO_STEP, LOCATION_STEP = "sites.photo", "sites.location"


async def on_press(ctx: Ctx) -> None:
    press: SitePress = ctx.button
    ctx.end_flow()
    if press.answer == "stop":
        (await verifier(ctx.session, ctx.user.id, lock=True)).opted_out_at = ctx.now
        await show_menu(ctx, ctx._("All right: I will not ask you to verify sites again."))
        return
    report = await _open_site(ctx, press.report_id)
    if report is None:
        return
    ctx.data.update(site=report.id, verdict=Verdict.HERE if press.answer == "here" else Verdict.NOTHING)
    if press.answer == "here":
        ctx.ask(PHOTO_STEP, ctx._("📸 Send a photo of the dump at this site."))
    else:
        _ask_location(ctx)


def _ask_location(ctx: Ctx) -> None:
    ctx.ask(
        LOCATION_STEP,
        ctx._(
            "📍 Now share your location at the site (📎, then «Location»). It must be within {radius} m of the site.",
            radius=round(VERIFY_RADIUS_M),
        ),
    )


async def _open_site(ctx: Ctx, report_id: int | None) -> Report | None:
    """The site if it still waits for this person's look; else they are told why not (and the menu)."""
    report = await ctx.session.get(Report, report_id, with_for_update=True) if report_id else None
    if report is None or report.site is None or report.status != ReportStatus.TO_VERIFY:
        await show_menu(ctx, ctx._("Thank you! This site has already been verified, nothing more is needed."))
        return None
    mine = await ctx.session.scalar(
        select(SiteVerification.id).where(SiteVerification.report_id == report.id, SiteVerification.user_id == ctx.user.id)
    )
    if mine is not None:
        await show_menu(ctx, ctx._("You have already verified this site. Thank you!"))
        return None
    return report


async def on_photo(ctx: Ctx) -> None:
    if ctx.incoming.kind is not Kind.PHOTO:
        ctx.reprompt(ctx._("Please send a photo of the dump, or press «Menu»."))
        return
    stored = await take_photo(ctx)
    if isinstance(stored, str):
        ctx.reprompt(stored)
        return
    ctx.data["photo"] = stored
    _ask_location(ctx)


async def on_location(ctx: Ctx) -> None:
    loc = ctx.incoming.location
    if loc is None:
        ctx.reprompt(ctx._("Please share your location (📎, then «Location»), or press «Menu»."))
        return
    report = await _open_site(ctx, ctx.data.get("site"))
    if report is None:
        return
    geo = ctx.service(GEO)
    meters = geo.distance_m((loc.latitude, loc.longitude), (report.latitude, report.longitude))
    if meters > VERIFY_RADIUS_M:
        ctx.reprompt(
            ctx._(
                "You are {distance} from the site: too far to verify it. Please come within {radius} m "
                "of it and share your location again.",
                distance=distance_text(ctx.tr, meters),
                radius=round(VERIFY_RADIUS_M),
            )
        )
        return
    verdict = Verdict(ctx.data["verdict"])
    ctx.session.add(
        SiteVerification(report_id=report.id, user_id=ctx.user.id, verdict=verdict, distance_m=round(meters, 1), created_at=ctx.now)
    )
    site = report.site
    assert site is not None
    if verdict is Verdict.HERE:
        site.here_count += 1
        add_photos(ctx, report, [ctx.data["photo"]])
    else:
        site.nothing_count += 1
    report.updated_at = ctx.now
    await ctx.session.flush()
    outcome = await decide(ctx, report, site)
    await show_menu(ctx, _thanks(ctx, outcome))


def _thanks(ctx: Ctx, outcome: Outcome) -> str:
    points = RULES[Deed.SITE_VERIFIED]
    if outcome is Outcome.CONFIRMED:
        return ctx.ngettext(
            "✅ Thank you! Two citizens have now confirmed the dump: it goes to the region's moderators. You earned {n} eco-point.",
            "✅ Thank you! Two citizens have now confirmed the dump: it goes to the region's moderators. You earned {n} eco-points.",
            points,
        )
    if outcome is Outcome.NOT_FOUND:
        return ctx.ngettext(
            "✅ Thank you! Two citizens found nothing here: the site is closed as not found. You earned {n} eco-point.",
            "✅ Thank you! Two citizens found nothing here: the site is closed as not found. You earned {n} eco-points.",
            points,
        )
    if outcome is Outcome.DISAGREE:
        return ctx._("✅ Thank you! The citizens' answers differ, so the region's moderators will decide.")
    return ctx._("✅ Thank you! Your verification is recorded; one more citizen's look will decide the site.")
