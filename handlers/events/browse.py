"""«Cleanup events»: the home screen, upcoming events near a shared location (by geodesic
distance) or in a chosen region, paged, and the subscription to new events of a region."""

from __future__ import annotations

from sqlalchemy import delete

from handlers.context import Ctx
from handlers.events.access import organiser_regions
from handlers.events.buttons import EventPage, EventPress, HomePress, RegionPick, Subscription
from handlers.events.texts import button_title, distance, place, places_line, short_date, when
from handlers.services import GEO
from handlers.types import Choice, Kind
from storage import events as store
from storage.events import Event, EventSubscription

NEAR_KM = 100
PAGE = 5


async def show_home(ctx: Ctx, text: str | None = None) -> None:
    ctx.end_flow()
    question = ctx._(
        "🧹 Cleanup events. Share your location (📎, then «Location») to find cleanup events near "
        "you, or choose a region."
    )
    choices = [
        Choice(HomePress("region").id, ctx._("🗺 Choose a region")),
        Choice(HomePress("mine").id, ctx._("🗓 My events")),
    ]
    if await organiser_regions(ctx):
        choices += [
            Choice(HomePress("create").id, ctx._("➕ Create a cleanup event")),
            Choice(HomePress("organised").id, ctx._("📋 Events I organise")),
        ]
    ctx.ask("events.home", f"{text}\n\n{question}" if text else question, choices, repeat=question)


async def on_home(ctx: Ctx) -> None:
    """A location shared on the home screen or a list: the events near it."""
    if ctx.incoming.kind is Kind.LOCATION and ctx.incoming.location:
        await list_near(ctx, ctx.incoming.location.latitude, ctx.incoming.location.longitude)
        return
    ctx.reprompt(ctx._("Please share your location or choose one of the options below."))


async def ask_region(ctx: Ctx) -> None:
    geo = ctx.service(GEO)
    ctx.ask(
        "events.region",
        ctx._("Choose the region (or city):"),
        [Choice(RegionPick(r.code).id, r.name(ctx.tr.language)) for r in geo.region_list(ctx.tr.language)],
    )


async def on_region(ctx: Ctx) -> None:
    pick = RegionPick.parse(ctx.choice)
    if pick is None or pick.code not in ctx.service(GEO).regions:
        if ctx.incoming.kind is Kind.LOCATION:
            await on_home(ctx)
            return
        ctx.reprompt(ctx._("Please choose one of the regions below."))
        return
    ctx.data.clear()
    ctx.data.update(region=pick.code)
    await show_list(ctx)


async def list_near(ctx: Ctx, lat: float, lon: float) -> None:
    found = ctx.service(GEO).locate(lat, lon)
    if found is None:
        ctx.reprompt(ctx._("This location is outside Kazakhstan. Please share a point in Kazakhstan or choose a region."))
        return
    ctx.data.clear()
    ctx.data.update(near=[round(lat, 6), round(lon, 6)], region=found.region.code)
    await show_list(ctx)


async def show_list(ctx: Ctx, offset: int = 0) -> None:
    """The list the conversation holds (a point or a region), from `offset`."""
    geo = ctx.service(GEO)
    region = ctx.data.get("region")
    if region not in geo.regions:
        await show_home(ctx)
        return
    region_name = geo.regions[region].name(ctx.tr.language)
    rows: list[tuple[Event, float | None]]
    if ctx.data.get("near"):
        lat, lon = ctx.data["near"]
        nearby = await store.events_near(ctx.session, lat, lon, ctx.now, radius_km=NEAR_KM, offset=offset, limit=PAGE)
        total, rows = nearby.total, [(e, d) for e, d in nearby.page]
        header = ctx.ngettext(
            "Upcoming cleanup events within {km} km: {n}. The nearest first:",
            "Upcoming cleanup events within {km} km: {n}. The nearest first:",
            total,
            km=NEAR_KM,
        )
        none = ctx._("There are no upcoming cleanup events within {km} km of you.", km=NEAR_KM)
    else:
        total, events = await store.events_in_region(ctx.session, region, ctx.now, offset=offset, limit=PAGE)
        rows = [(e, None) for e in events]
        header = ctx.ngettext(
            "Upcoming cleanup events in {region}: {n}. The soonest first:",
            "Upcoming cleanup events in {region}: {n}. The soonest first:",
            total,
            region=region_name,
        )
        none = ctx._("There are no upcoming cleanup events in {region} yet.", region=region_name)
    subscribed = await ctx.session.get(EventSubscription, (ctx.user.id, region)) is not None
    lines, choices = [], []
    if not rows:
        lines.append(none if offset == 0 else ctx._("There are no more cleanup events in this list."))
    else:
        lines.append(header)
        for number, (event, metres) in enumerate(rows, start=offset + 1):
            details = [when(ctx.tr, event), place(ctx.tr, geo, event)]
            if metres is not None:
                details.append(distance(ctx.tr, metres))
            lines.append(f"\n{number}. {event.title}\n   " + " · ".join(details) + "\n   " + places_line(ctx.tr, event, 0))
            choices.append(Choice(EventPress("open", event.id).id, f"{button_title(event)} · {short_date(ctx.tr, event)}"))
        if offset + PAGE < total:
            choices.append(Choice(EventPage(offset + PAGE).id, ctx._("➡️ More events")))
    if subscribed:
        lines.append(ctx._("🔔 You are told when a cleanup event is created in {region}.", region=region_name))
        choices.append(Choice(Subscription("off", region).id, ctx._("🔕 Stop telling me about {region}", region=region_name)))
    else:
        if not rows:
            lines.append(ctx._("I can tell you as soon as one is created in {region}.", region=region_name))
        choices.append(Choice(Subscription("on", region).id, ctx._("🔔 Tell me about new events in {region}", region=region_name)))
    choices.append(Choice(HomePress("region").id, ctx._("🗺 Choose a region")))
    choices.append(Choice(HomePress("mine").id, ctx._("🗓 My events")))
    ctx.data["offset"] = offset
    ctx.ask("events.list", "\n".join(lines), choices)


async def on_list(ctx: Ctx) -> None:
    page = EventPage.parse(ctx.choice)
    if page is not None:
        await show_list(ctx, page.offset)
        return
    toggle = Subscription.parse(ctx.choice)
    if toggle is not None and toggle.code == ctx.data.get("region"):
        await subscribe(ctx, toggle)
        return
    await on_home(ctx)


async def subscribe(ctx: Ctx, toggle: Subscription) -> None:
    geo = ctx.service(GEO)
    name = geo.regions[toggle.code].name(ctx.tr.language)
    existing = await ctx.session.get(EventSubscription, (ctx.user.id, toggle.code))
    if toggle.verb == "on":
        if existing is None:
            ctx.session.add(EventSubscription(user_id=ctx.user.id, region_code=toggle.code, created_at=ctx.now))
        ctx.reply(ctx._("Done: I will tell you when a cleanup event is created in {region}.", region=name))
    else:
        await ctx.session.execute(
            delete(EventSubscription).where(
                EventSubscription.user_id == ctx.user.id, EventSubscription.region_code == toggle.code
            )
        )
        ctx.reply(ctx._("Done: I will no longer tell you about new cleanup events in {region}.", region=name))
    await ctx.session.flush()
    await show_list(ctx, int(ctx.data.get("offset", 0)))

