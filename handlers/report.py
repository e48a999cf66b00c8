"""The citizen's flow: report an illegal dump in under a minute.

Photos (1 to 5) -> location (shared, the photo's EXIF GPS, a typed address when geocoding is on,
or the region picked from the list) -> "is it this report?" when an open report is within 50 m or
has a near-identical photo -> waste types -> size -> optional comment -> summary -> send.

The draft lives in `report_drafts` (not in the conversation state), so a detour through the menu
does not lose it; "Report a dump" then offers to continue it or start over. Sending deletes the
draft in the same transaction that creates the report, so a second press creates nothing.
"""

from __future__ import annotations

import copy
import math
from datetime import datetime, time, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm.attributes import flag_modified

from handlers.context import Ctx
from handlers.i18n import KZ_TZ, N_
from handlers.my_reports import place_name, show_my_reports
from handlers.report_labels import SIZE_LABELS, WASTE_LABELS, size_name, waste_names
from handlers.report_ports import GEO, GEOCODER, PHOTOS, GeoService, PhotoRejected, PhotoService
from handlers.router import Router
from handlers.start import show_menu
from handlers.types import Choice, Kind
from storage.reports import (
    OPEN_STATUSES,
    LocationSource,
    Report,
    ReportConfirmation,
    ReportDraft,
    ReportPhoto,
    ReportStatus,
    ReportStatusChange,
    WasteType,
)

MAX_PHOTOS = 5
MAX_COMMENT = 500
DAILY_LIMIT = 10  # reports per citizen per day (Kazakhstan's calendar day)
DUPLICATE_RADIUS_M = 50.0
PHOTO_HASH_MAX_BITS = 6  # of 64: re-compressed or resized copies differ by 0-3, other scenes by ~30
PHOTO_SCAN_LIMIT = 2000  # newest open-report photos of the region compared for near-identical hashes
DRAFT_MAX_AGE = timedelta(days=7)

DONE, USE_PHOTO_GPS, PICK_REGION = "done", "gps:photo", "region:pick"
CONTINUE, DISCARD, NEXT, SKIP, SEND = "draft:continue", "draft:discard", "next", "skip", "send"
SAME, DIFFERENT, MY_REPORTS, ANOTHER = "dup:same", "dup:different", "my_reports", "another"


def register(router: Router) -> None:
    router.menu_entry("report", N_("📸 Report a dump"), 10)(start_report)
    router.command("report")(start_report)
    router.step("report.resume")(on_resume)
    router.step("report.photo")(on_photo)
    router.step("report.location")(on_location)
    router.step("report.region")(on_region)
    router.step("report.duplicate")(on_duplicate)
    router.step("report.waste")(on_waste)
    router.step("report.size")(on_size)
    router.step("report.comment")(on_comment)
    router.step("report.confirm")(on_confirm)
    router.step("report.sent")(on_sent)


# --- the draft ------------------------------------------------------------------------------------
async def _draft(ctx: Ctx) -> ReportDraft | None:
    return await ctx.session.get(ReportDraft, ctx.user.id, with_for_update=True)


async def _data(ctx: Ctx) -> dict[str, Any] | None:
    draft = await _draft(ctx)
    return copy.deepcopy(draft.data) if draft else None


async def _save(ctx: Ctx, data: dict[str, Any]) -> None:
    draft = await _draft(ctx)
    if draft is None:
        ctx.session.add(ReportDraft(user_id=ctx.user.id, data=data, updated_at=ctx.now))
    else:
        draft.data = data
        flag_modified(draft, "data")
        draft.updated_at = ctx.now


async def _drop(ctx: Ctx) -> None:
    draft = await _draft(ctx)
    if draft is not None:
        await ctx.session.delete(draft)


def _geo(ctx: Ctx) -> GeoService:
    return ctx.service(GEO)


# --- entry ----------------------------------------------------------------------------------------
async def start_report(ctx: Ctx) -> None:
    if await _sent_today(ctx) >= DAILY_LIMIT:
        await show_menu(ctx, _flood_text(ctx))
        return
    draft = await _draft(ctx)
    if draft is not None and ctx.now - draft.updated_at > DRAFT_MAX_AGE:
        await ctx.session.delete(draft)
        draft = None
    if draft is not None and draft.data.get("photos"):
        n = len(draft.data["photos"])
        ctx.ask(
            "report.resume",
            ctx.ngettext(
                "You have a report you have not sent yet ({n} photo). Continue it or start a new one?",
                "You have a report you have not sent yet ({n} photos). Continue it or start a new one?",
                n,
            ),
            [
                Choice(CONTINUE, ctx._("▶️ Continue it")),
                Choice(DISCARD, ctx._("🗑 Discard it and start a new one")),
            ],
        )
        return
    await _save(ctx, {"photos": []})
    await advance(ctx)


async def on_resume(ctx: Ctx) -> None:
    if ctx.choice == CONTINUE:
        await advance(ctx)
    elif ctx.choice == DISCARD:
        await _save(ctx, {"photos": []})
        ctx.reply(ctx._("The unsent report is discarded."))
        await advance(ctx)
    else:
        ctx.reprompt(ctx._("Please choose one of the options below."))


async def advance(ctx: Ctx) -> None:
    """Ask for the first thing the draft still lacks (so a resumed draft continues where it was)."""
    data = await _data(ctx)
    if data is None:
        await show_menu(ctx)
        return
    photos = data.get("photos", [])
    if not photos or (len(photos) < MAX_PHOTOS and not data.get("photos_done")):
        _ask_photo(ctx, data)
    elif not data.get("region"):
        _ask_location(ctx, data)
    elif not data.get("duplicate_checked"):
        await _check_duplicates(ctx, data)
    elif not data.get("waste"):
        _ask_waste(ctx, data)
    elif not data.get("size"):
        _ask_size(ctx)
    elif "comment" not in data:
        _ask_comment(ctx)
    else:
        _ask_confirm(ctx, data)


# --- photos ---------------------------------------------------------------------------------------
def _ask_photo(ctx: Ctx, data: dict[str, Any]) -> None:
    n = len(data.get("photos", []))
    if n == 0:
        text = ctx._(
            "📸 Send a photo of the dump (up to {max}). Tip: a photo sent as a file keeps its "
            "location, which saves you a step.",
            max=MAX_PHOTOS,
        )
        ctx.ask("report.photo", text)
        return
    text = ctx._(
        "Photo {n} of {max} received. Send another one, or press «Done».", n=n, max=MAX_PHOTOS
    )
    ctx.ask("report.photo", text, [Choice(DONE, ctx._("✅ Done"))])


async def on_photo(ctx: Ctx) -> None:
    data = await _data(ctx)
    if data is None:
        await show_menu(ctx)
        return
    if ctx.choice == DONE and data.get("photos"):
        data["photos_done"] = True
        await _save(ctx, data)
        await advance(ctx)
        return
    if ctx.incoming.kind is not Kind.PHOTO:
        ctx.reprompt(ctx._("I need a photo here: send a picture of the dump."))
        return
    problem = await _add_photo(ctx, data)
    if problem:
        ctx.reprompt(problem)
        return
    await _save(ctx, data)
    await advance(ctx)


async def _add_photo(ctx: Ctx, data: dict[str, Any]) -> str | None:
    """Store the incoming photo in the draft; a translated reason if it cannot be used."""
    if ctx.media.error == "too_large":
        return ctx._("This file is larger than 20 MB, the most I can receive. Please send a smaller photo.")
    if ctx.media.error or ctx.media.data is None:
        return ctx._("I could not download this photo. Please send it again.")
    photos: PhotoService = ctx.service(PHOTOS)
    try:
        stored = await photos.ingest(ctx.media.data)
    except PhotoRejected as exc:
        return _rejection_text(ctx, exc.reason)
    if any(p["sha256"] == stored.sha256 for p in data["photos"]):
        return ctx._("You have already sent this photo.")
    data["photos"].append(stored.to_json())
    gps = stored.to_json().get("gps")
    if gps and not data.get("photo_gps"):
        data["photo_gps"] = gps
    return None


def _rejection_text(ctx: Ctx, reason: str) -> str:
    if reason == "too_large":
        return ctx._("This file is larger than 20 MB, the most I can receive. Please send a smaller photo.")
    if reason == "too_many_pixels":
        return ctx._("This image is too large (more than 50 megapixels). Please send an ordinary photo.")
    if reason == "broken":
        return ctx._("This photo seems damaged or incomplete. Please take it again or send another one.")
    return ctx._("This file is not a photo I can read. Please send a JPEG, PNG or WebP picture.")


# --- location -------------------------------------------------------------------------------------
def _ask_location(ctx: Ctx, data: dict[str, Any]) -> None:
    lines = [
        ctx._(
            "📍 Where is the dump? Share its location: the 📎 (attach) button, then «Location». "
            "Stand near the dump or move the pin onto it."
        )
    ]
    geocoding = ctx.router.services.get(GEOCODER) is not None
    if geocoding:
        lines.append(ctx._("You can also type the address (city, street, house)."))
    choices = []
    if data.get("photo_gps"):
        lines.append(ctx._("Your photo has a location: you can use it."))
        choices.append(Choice(USE_PHOTO_GPS, ctx._("📷 Use the photo's location")))
    choices.append(Choice(PICK_REGION, ctx._("🗺 I cannot share it: choose the region")))
    ctx.ask("report.location", "\n".join(lines), choices)


async def on_location(ctx: Ctx) -> None:
    data = await _data(ctx)
    if data is None:
        await show_menu(ctx)
        return
    if ctx.choice == PICK_REGION:
        _ask_region(ctx)
        return
    if ctx.choice == USE_PHOTO_GPS and data.get("photo_gps"):
        lat, lon = data["photo_gps"]
        await _use_point(ctx, data, lat, lon, LocationSource.PHOTO)
        return
    if ctx.incoming.kind is Kind.LOCATION and ctx.incoming.location:
        loc = ctx.incoming.location
        await _use_point(ctx, data, loc.latitude, loc.longitude, LocationSource.SHARED)
        return
    if ctx.incoming.kind is Kind.TEXT and ctx.text:
        geocoder = ctx.router.services.get(GEOCODER)
        if geocoder is None:
            ctx.reprompt(
                ctx._(
                    "I cannot look up typed addresses. Please share the location, or choose "
                    "the region from the list."
                )
            )
            return
        found = await geocoder.geocode(ctx.text[:300])
        if found is None:
            ctx.reprompt(ctx._("I could not find this address. Please share the location instead."))
            return
        data["address"] = ctx.text[:300]
        await _use_point(ctx, data, found[0], found[1], LocationSource.ADDRESS)
        return
    if ctx.incoming.kind is Kind.PHOTO:
        ctx.reprompt(ctx._("The photos are done. Now I need the location of the dump."))
        return
    ctx.reprompt(ctx._("Please share the location of the dump, or choose the region from the list."))


async def _use_point(
    ctx: Ctx, data: dict[str, Any], lat: float, lon: float, source: LocationSource
) -> None:
    place = _geo(ctx).locate(lat, lon)
    if place is None:
        data.pop("address", None)
        ctx.reprompt(
            ctx._(
                "This location is outside Kazakhstan. I accept reports only from Kazakhstan: "
                "please check the point and share it again."
            )
        )
        return
    data.update(
        lat=round(lat, 6),
        lon=round(lon, 6),
        region=place.region.code,
        district=place.district.pcode if place.district else None,
        source=str(source),
    )
    ctx.reply(ctx._("📍 Location: {place}.", place=place_name(ctx, data["region"], data["district"])))
    await _save(ctx, data)
    await advance(ctx)


def _ask_region(ctx: Ctx) -> None:
    regions = _geo(ctx).region_list(ctx.tr.language)
    ctx.ask(
        "report.region",
        ctx._("Choose the region (or city) where the dump is:"),
        [Choice(f"region:{r.code}", r.name(ctx.tr.language)) for r in regions],
    )


async def on_region(ctx: Ctx) -> None:
    data = await _data(ctx)
    if data is None:
        await show_menu(ctx)
        return
    code = (ctx.choice or "").removeprefix("region:")
    if code not in _geo(ctx).regions:
        if ctx.incoming.kind is Kind.LOCATION and ctx.incoming.location:
            await on_location(ctx)  # shared it after all
            return
        ctx.reprompt(ctx._("Please choose one of the regions below."))
        return
    data.update(region=code, district=None, lat=None, lon=None, source=str(LocationSource.REGION))
    await _save(ctx, data)
    await advance(ctx)


# --- duplicates -----------------------------------------------------------------------------------
async def _check_duplicates(ctx: Ctx, data: dict[str, Any]) -> None:
    found = await find_duplicate(ctx, data)
    if found is None:
        data["duplicate_checked"] = True
        await _save(ctx, data)
        await advance(ctx)
        return
    report, distance = found
    data["duplicate_of"] = report.id
    await _save(ctx, data)
    lines = [
        ctx._(
            "This dump may already be reported: {code} of {date}, {place}.",
            code=report.code,
            date=ctx.tr.date(report.created_at),
            place=place_name(ctx, report.region_code, report.district_pcode),
        )
    ]
    if distance is not None:
        lines.append(ctx._("It is {meters} m from your point.", meters=round(distance)))
    if report.waste_types:
        lines.append(waste_names(ctx.tr, report.waste_types))
    lines.append(ctx._("Is it the same dump?"))
    ctx.ask(
        "report.duplicate",
        "\n".join(lines),
        [
            Choice(SAME, ctx._("✅ Yes, the same dump")),
            Choice(DIFFERENT, ctx._("➕ No, another dump")),
        ],
        photo_path=report.photos[0].path if report.photos else None,
    )


async def find_duplicate(ctx: Ctx, data: dict[str, Any]) -> tuple[Report, float | None] | None:
    """The nearest open report within 50 m, else one with a near-identical photo, or None."""
    geo = _geo(ctx)
    lat, lon = data.get("lat"), data.get("lon")
    if lat is not None and lon is not None:
        dlat = DUPLICATE_RADIUS_M / 111_000 * 1.2
        dlon = dlat / max(math.cos(math.radians(lat)), 0.01)
        nearby = (
            await ctx.session.scalars(
                select(Report).where(
                    Report.latitude.between(lat - dlat, lat + dlat),
                    Report.longitude.between(lon - dlon, lon + dlon),
                    Report.status.in_(OPEN_STATUSES),
                )
            )
        ).all()
        scored = [(geo.distance_m((lat, lon), (r.latitude, r.longitude)), r) for r in nearby]
        scored = [(d, r) for d, r in scored if d <= DUPLICATE_RADIUS_M]
        if scored:
            distance, report = min(scored, key=lambda pair: (pair[0], pair[1].id))
            return report, distance
    hashes = [p["phash"] for p in data.get("photos", [])]
    photos: PhotoService = ctx.service(PHOTOS)
    rows = (
        await ctx.session.execute(
            select(ReportPhoto.report_id, ReportPhoto.phash)
            .join(Report, Report.id == ReportPhoto.report_id)
            .where(Report.region_code == data["region"], Report.status.in_(OPEN_STATUSES))
            .order_by(ReportPhoto.id.desc())
            .limit(PHOTO_SCAN_LIMIT)
        )
    ).all()
    for report_id, phash in rows:
        if any(photos.hash_distance(phash, mine) <= PHOTO_HASH_MAX_BITS for mine in hashes):
            report = await ctx.session.get(Report, report_id)
            if report is not None:
                distance = None
                if lat is not None and report.latitude is not None:
                    distance = geo.distance_m((lat, lon), (report.latitude, report.longitude))
                return report, distance
    return None


async def on_duplicate(ctx: Ctx) -> None:
    data = await _data(ctx)
    if data is None:
        await show_menu(ctx)
        return
    if ctx.choice == DIFFERENT:
        data["duplicate_checked"] = True
        data.pop("duplicate_of", None)
        await _save(ctx, data)
        await advance(ctx)
        return
    if ctx.choice != SAME:
        ctx.reprompt(ctx._("Please answer with one of the buttons below."))
        return
    report = await ctx.session.get(Report, data.get("duplicate_of") or 0, with_for_update=True)
    if report is None or not report.is_open:
        data["duplicate_checked"] = True
        await _save(ctx, data)
        ctx.reply(ctx._("That report is closed meanwhile, so yours will be a new one."))
        await advance(ctx)
        return
    added = _add_photos(ctx, report, data["photos"])
    await _drop(ctx)
    if report.reporter_id == ctx.user.id:
        text = ctx.ngettext(
            "This is your own report {code}: I added {n} photo to it.",
            "This is your own report {code}: I added {n} photos to it.",
            added,
            code=report.code,
        )
    else:
        confirmed = await _confirm(ctx, report)
        text = ctx.ngettext(
            "Thank you! You confirmed report {code}: {n} person has confirmed it so far.",
            "Thank you! You confirmed report {code}: {n} people have confirmed it so far.",
            report.confirmations_count,
            code=report.code,
        )
        if not confirmed:
            text = ctx._("You had already confirmed report {code}; your new photos are added.", code=report.code)
    report.updated_at = ctx.now
    _ask_sent(ctx, text)


async def _confirm(ctx: Ctx, report: Report) -> bool:
    """A confirmation by this citizen, once; False if they had confirmed before."""
    existing = await ctx.session.scalar(
        select(ReportConfirmation.id).where(
            ReportConfirmation.report_id == report.id, ReportConfirmation.user_id == ctx.user.id
        )
    )
    if existing is not None:
        return False
    ctx.session.add(ReportConfirmation(report_id=report.id, user_id=ctx.user.id, created_at=ctx.now))
    report.confirmations_count += 1
    return True


def _add_photos(ctx: Ctx, report: Report, photos: list[dict[str, Any]]) -> int:
    known = {p.sha256 for p in report.photos}
    position = max((p.position for p in report.photos), default=-1) + 1
    added = 0
    for photo in photos:
        if photo["sha256"] in known:
            continue
        known.add(photo["sha256"])
        report.photos.append(
            ReportPhoto(
                position=position,
                path=photo["path"],
                thumb_path=photo["thumb_path"],
                sha256=photo["sha256"],
                phash=photo["phash"],
                width=photo["width"],
                height=photo["height"],
                added_by_id=ctx.user.id,
                created_at=ctx.now,
            )
        )
        position += 1
        added += 1
    return added


# --- waste, size, comment -------------------------------------------------------------------------
def _ask_waste(ctx: Ctx, data: dict[str, Any]) -> None:
    chosen = set(data.get("picked_waste", []))
    choices = [
        Choice(f"waste:{w}", ("✅ " if w in chosen else "▫️ ") + ctx._(label))
        for w, label in WASTE_LABELS.items()
    ]
    if chosen:
        choices.append(Choice(NEXT, ctx._("➡️ Next")))
    ctx.ask(
        "report.waste",
        ctx._(
            "What kind of waste is it? Choose all that apply (press again to remove), then «Next». "
            "You can also type the numbers, for example 1, 3."
        ),
        choices,
    )


async def on_waste(ctx: Ctx) -> None:
    data = await _data(ctx)
    if data is None:
        await show_menu(ctx)
        return
    picked: list[str] = list(data.get("picked_waste", []))
    if ctx.choice == NEXT and picked:
        data["waste"] = [w for w in WasteType if w in picked]
        await _save(ctx, data)
        await advance(ctx)
        return
    toggles = _waste_toggles(ctx)
    if not toggles:
        ctx.reprompt(ctx._("Please choose the kinds of waste with the buttons below."))
        return
    for waste in toggles:
        if waste in picked:
            picked.remove(waste)
        else:
            picked.append(waste)
    data["picked_waste"] = picked
    await _save(ctx, data)
    _ask_waste(ctx, data)


def _waste_toggles(ctx: Ctx) -> list[str]:
    """The waste kinds a press or a typed list ("1, 3 5") names."""
    if ctx.choice and ctx.choice.startswith("waste:"):
        return [ctx.choice.removeprefix("waste:")]
    kinds = list(WASTE_LABELS)
    numbers = ctx.text.replace(",", " ").split()
    if numbers and all(n.isdigit() and 1 <= int(n) <= len(kinds) for n in numbers):
        return list(dict.fromkeys(str(kinds[int(n) - 1]) for n in numbers))
    return []


def _ask_size(ctx: Ctx) -> None:
    ctx.ask(
        "report.size",
        ctx._("How big is the dump?"),
        [Choice(f"size:{s}", ctx._(label)) for s, label in SIZE_LABELS.items()],
    )


async def on_size(ctx: Ctx) -> None:
    data = await _data(ctx)
    if data is None:
        await show_menu(ctx)
        return
    size = (ctx.choice or "").removeprefix("size:")
    if size not in {str(s) for s in SIZE_LABELS}:
        ctx.reprompt(ctx._("Please choose one of the options below."))
        return
    data["size"] = size
    await _save(ctx, data)
    await advance(ctx)


def _ask_comment(ctx: Ctx) -> None:
    ctx.ask(
        "report.comment",
        ctx._(
            "Add a comment if it helps to find or clean the dump (up to {max} characters), "
            "or press «Skip».",
            max=MAX_COMMENT,
        ),
        [Choice(SKIP, ctx._("⏭ Skip"))],
    )


async def on_comment(ctx: Ctx) -> None:
    data = await _data(ctx)
    if data is None:
        await show_menu(ctx)
        return
    if ctx.choice == SKIP:
        data["comment"] = None
    elif ctx.incoming.kind is Kind.TEXT and ctx.text:
        if len(ctx.text) > MAX_COMMENT:
            ctx.reprompt(
                ctx._(
                    "The comment is too long: at most {max} characters, please shorten it.",
                    max=MAX_COMMENT,
                )
            )
            return
        data["comment"] = ctx.text
    else:
        ctx.reprompt(ctx._("Please type a comment, or press «Skip»."))
        return
    await _save(ctx, data)
    await advance(ctx)


# --- summary and sending --------------------------------------------------------------------------
def _ask_confirm(ctx: Ctx, data: dict[str, Any]) -> None:
    lines = [
        ctx._("Please check your report:"),
        ctx.ngettext("📸 {n} photo", "📸 {n} photos", len(data["photos"])),
        "📍 " + place_name(ctx, data["region"], data.get("district")),
    ]
    if data.get("lat") is None:
        lines.append(ctx._("(no exact point: only the region)"))
    lines.append("🗑 " + waste_names(ctx.tr, data["waste"]))
    lines.append("📏 " + size_name(ctx.tr, data["size"]))
    if data.get("comment"):
        lines.append("💬 " + data["comment"])
    ctx.ask(
        "report.confirm",
        "\n".join(lines),
        [Choice(SEND, ctx._("✅ Send the report")), Choice(DISCARD, ctx._("🗑 Discard"))],
        photo_path=data["photos"][0]["thumb_path"],
    )


async def on_confirm(ctx: Ctx) -> None:
    if ctx.choice == DISCARD:
        await _drop(ctx)
        await show_menu(ctx, ctx._("The report is discarded."))
        return
    if ctx.choice != SEND:
        ctx.reprompt(ctx._("Please press «Send the report» or «Discard»."))
        return
    data = await _data(ctx)
    if data is None:  # already sent (a second press that reached this step)
        await show_menu(ctx, ctx._("This report has already been sent; nothing more to do."))
        return
    if await _sent_today(ctx) >= DAILY_LIMIT:
        await show_menu(ctx, _flood_text(ctx))
        return
    report = await create_report(ctx, data)
    await _drop(ctx)
    _ask_sent(
        ctx,
        ctx._(
            "✅ Thank you! Your report {code} is registered.\n\n"
            "What happens next: the moderators of {region} check it and hand it over to the akimat. "
            "I will write to you when its status changes. You can follow it in «My reports».",
            code=report.code,
            region=place_name(ctx, report.region_code, None),
        ),
    )


async def create_report(ctx: Ctx, data: dict[str, Any]) -> Report:
    report = Report(
        reporter_id=ctx.user.id,
        status=ReportStatus.NEW,
        region_code=data["region"],
        district_pcode=data.get("district"),
        latitude=data.get("lat"),
        longitude=data.get("lon"),
        location_source=data.get("source") or LocationSource.REGION,
        address=data.get("address"),
        waste_types=list(data["waste"]),
        size=data["size"],
        comment=data.get("comment"),
        confirmations_count=0,
        created_at=ctx.now,
        updated_at=ctx.now,
        photos=[],
        history=[],
    )
    _add_photos(ctx, report, data["photos"])
    report.history.append(
        ReportStatusChange(
            old_status=None, new_status=ReportStatus.NEW, changed_by_id=ctx.user.id, changed_at=ctx.now
        )
    )
    ctx.session.add(report)
    await ctx.session.flush()
    return report


def _ask_sent(ctx: Ctx, text: str) -> None:
    ctx.ask(
        "report.sent",
        text,
        [Choice(MY_REPORTS, ctx._("📋 My reports")), Choice(ANOTHER, ctx._("📸 Report another dump"))],
    )


async def on_sent(ctx: Ctx) -> None:
    if ctx.choice == MY_REPORTS:
        await show_my_reports(ctx)
    elif ctx.choice == ANOTHER:
        await start_report(ctx)
    else:
        await show_menu(ctx)


# --- anti-flood -----------------------------------------------------------------------------------
def _day_start(now: datetime) -> datetime:
    local = now.astimezone(KZ_TZ)
    return datetime.combine(local.date(), time(0), tzinfo=KZ_TZ)


async def _sent_today(ctx: Ctx) -> int:
    count = await ctx.session.scalar(
        select(func.count(Report.id)).where(
            Report.reporter_id == ctx.user.id, Report.created_at >= _day_start(ctx.now)
        )
    )
    return int(count or 0)


def _flood_text(ctx: Ctx) -> str:
    return ctx.ngettext(
        "You have sent {n} report today, the most one person can send in a day. Thank you for "
        "your care! Please come back tomorrow.",
        "You have sent {n} reports today, the most one person can send in a day. Thank you for "
        "your care! Please come back tomorrow.",
        DAILY_LIMIT,
    )
