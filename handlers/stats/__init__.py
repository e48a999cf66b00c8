"""/stats: the programme's figures for the country, the person's region and (for moderators) each
region they moderate, in words and as a chart; and the comparison of the 20 regions. The pictures
are drawn by the CHARTS service (bot/charts.py); this module only counts and translates."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Annotated, Literal

from sqlalchemy import select

from handlers.buttons import MaxLen, button
from handlers.context import Ctx
from handlers.moderation.access import my_regions
from handlers.places import area_name
from handlers.router import Router
from handlers.services import CHARTS, GEO, ComparisonChart
from handlers.stats.population import SOURCE, population
from handlers.stats.texts import figure_lines, stats_chart
from handlers.types import Choice
from storage import points as points_store
from storage.files import private_dir, write_private
from storage.reports import Report
from storage.stats import TARGET_DAYS, figures, region_standings

STEP = "stats.view"


@button("stats")
@dataclass(frozen=True)
class StatsPress:
    scope: Literal["kz", "region", "compare"]
    region: Annotated[str, MaxLen(8)] = ""


def register(router: Router) -> None:
    router.command("stats")(show_country)
    router.step(STEP)(on_press)


async def home_region(ctx: Ctx) -> str | None:
    """Where the person acts: the region of most of their eco-points, else of their latest report."""
    found = await points_store.home_region(ctx.session, ctx.user.id)
    if found:
        return found
    return await ctx.session.scalar(
        select(Report.region_code).where(Report.reporter_id == ctx.user.id).order_by(Report.id.desc()).limit(1)
    )


async def allowed_regions(ctx: Ctx) -> list[str]:
    """The regions this person may open here: their own first, then those they moderate."""
    geo = ctx.service(GEO)
    regions: list[str] = []
    home = await home_region(ctx)
    if home:
        regions.append(home)
    moderated = set(geo.regions) if ctx.is_admin else await my_regions(ctx)
    regions += sorted(code for code in moderated if code in geo.regions and code not in regions)
    return regions


async def save_picture(ctx: Ctx, png: bytes) -> str:
    """The PNG under MEDIA_DIR named by its content (a message waiting in the outbox keeps its own
    picture), as a path the channels send."""
    media_dir = ctx.service("media_dir")
    name = f"stats/{hashlib.sha256(png).hexdigest()[:24]}.png"
    private_dir(media_dir / "stats")
    write_private(media_dir / name, png)
    return name


async def show_country(ctx: Ctx) -> None:
    await show(ctx, None)


async def show(ctx: Ctx, region_code: str | None) -> None:
    geo = ctx.service(GEO)
    place = area_name(geo, ctx.tr.language, region_code, None) if region_code else ctx._("Kazakhstan")
    found = await figures(ctx.session, region_code, ctx.now)
    chart = stats_chart(ctx.tr, place, ctx.tr.date(ctx.now), found)
    picture = await save_picture(ctx, await ctx.service(CHARTS).stats(chart))
    await ask_next(ctx, "\n".join(figure_lines(ctx.tr, place, found)), picture, region_code or "kz")


async def ask_next(ctx: Ctx, text: str, picture: str, shown: str) -> None:
    """`shown`: "kz", "compare" or the region code on screen (its own button is left out)."""
    geo = ctx.service(GEO)
    choices = [Choice(StatsPress("kz").id, ctx._("🇰🇿 Kazakhstan"))] if shown != "kz" else []
    for code in await allowed_regions(ctx):
        if code != shown:
            choices.append(Choice(StatsPress("region", code).id, "📍 " + area_name(geo, ctx.tr.language, code, None)))
    choices.append(Choice(StatsPress("compare").id, ctx._("📊 Compare the regions")))
    ctx.ask(STEP, text, choices, photo_path=picture)


async def on_press(ctx: Ctx) -> None:
    press = StatsPress.parse(ctx.choice)
    if press is None:
        ctx.reprompt(ctx._("Please choose one of the options below."))
    elif press.scope == "kz":
        await show(ctx, None)
    elif press.scope == "compare":
        await show_comparison(ctx)
    elif press.region in await allowed_regions(ctx):
        await show(ctx, press.region)
    else:
        ctx.reprompt(ctx._("You can see the figures of your own region and of the regions you moderate."))


async def show_comparison(ctx: Ctx) -> None:
    geo = ctx.service(GEO)
    language = ctx.tr.language
    standings = await region_standings(ctx.session, ctx.now)
    per_100k, in_target, unknown = [], [], []
    for region in geo.region_list(language):  # in the language's alphabetical order: ties stay so
        code, name = region.code, region.name(language)
        standing = standings.get(code)
        people = population(code)
        if people is None:
            unknown.append(name)
        else:
            per_100k.append((name, standing.open_per_100k(people) if standing else 0.0))
        in_target.append((name, standing.share_in_target if standing else 0.0))
    per_100k.sort(key=lambda row: row[1])  # stable: equal values keep the alphabetical order
    in_target.sort(key=lambda row: -row[1])
    footnote = ctx._("Population: {source}, latest published figures.", source=SOURCE)
    if unknown:
        footnote += " " + ctx._("No verified population figure yet: {regions}.", regions=", ".join(unknown))
    chart = ComparisonChart(
        language=language,
        title=ctx._("The regions compared"),
        subtitle=ctx.tr.date(ctx.now),
        per_100k_title=ctx._("Open reports per 100,000 people (fewest first)"),
        per_100k=tuple(per_100k),
        in_target_title=ctx._("Cleaned within {days} days, last 12 months (best first)", days=TARGET_DAYS),
        in_target=tuple(in_target),
        footnote=footnote,
        legend=(ctx._("the lagging quarter of the regions"), ctx._("the other regions")),
    )
    picture = await save_picture(ctx, await ctx.service(CHARTS).comparison(chart))
    lagging = [name for name, _v in per_100k[-3:]][::-1]
    slow = [name for name, _v in in_target[-3:]][::-1]
    text = "\n".join(
        [
            ctx._("📊 The regions compared"),
            ctx._("Most open reports per 100,000 people: {regions}", regions=", ".join(lagging) or "—"),
            ctx._("Fewest cleaned within {days} days: {regions}", days=TARGET_DAYS, regions=", ".join(slow) or "—"),
        ]
    )
    await ask_next(ctx, text, picture, "compare")
