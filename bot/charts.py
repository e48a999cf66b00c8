"""The /stats and region comparison pictures, drawn with matplotlib (Agg, no display) in the
DejaVu fonts of bot/fonts, which have every Kazakh letter. matplotlib is imported here only, and
only when a picture is first drawn: the bot starts without paying for it. Digits are written by
Babel in the reader's language; the texts arrive translated (handlers.services)."""

from __future__ import annotations

import asyncio
import io
import textwrap
import threading
from functools import cache

from babel.numbers import format_decimal, format_percent

from bot.certificates import BOLD, REGULAR
from bot.geo import GEODATA_DIR, shared_geography
from handlers.services import ComparisonChart, RegionMap, StatsChart

# One colour per report status, the same in every picture (the digest's map uses them too).
STATUS_COLOURS = {
    "new": "#9e9e9e",
    "queued": "#42a5f5",
    "confirmed": "#ffa726",
    "in_progress": "#ab47bc",
    "cleaned": "#43a047",
    "rejected": "#6d4c41",
    "duplicate": "#bdbdbd",
    "disputed": "#e53935",
    "to_verify": "#00838f",  # a site detected from space, waiting for citizens to look
    "not_found": "#455a64",
}
RECEIVED, CLEANED = "#1e88e5", "#43a047"
LAGGING, FINE = "#e53935", "#90a4ae"
DPI = 100


@cache
def _pyplot():
    """matplotlib with the Agg backend and the project's fonts, set up once."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import font_manager, pyplot

    for path in (REGULAR, BOLD):
        font_manager.fontManager.addfont(str(path))
    matplotlib.rcParams.update({"font.family": "DejaVu Sans", "axes.spines.top": False, "axes.spines.right": False})
    return pyplot


def _png(figure) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI)
    _pyplot().close(figure)
    return buffer.getvalue()


def _number_axis(axis, language: str, *, percent: bool = False) -> None:
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    axis.set_major_locator(MaxNLocator(nbins=6, integer=not percent))
    axis.set_major_formatter(
        FuncFormatter(lambda v, _pos: format_percent(v, locale=language) if percent else format_decimal(v, locale=language))
    )


def draw_stats(chart: StatsChart) -> bytes:
    plt = _pyplot()
    figure, (left, right) = plt.subplots(1, 2, figsize=(12, 6), gridspec_kw={"width_ratios": [1, 1.4]})
    figure.suptitle(chart.title, fontsize=17, fontweight="bold", x=0.02, ha="left")
    figure.text(0.02, 0.905, chart.subtitle, fontsize=11, color="#555555")
    names = [name for _code, name, _n in chart.statuses][::-1]
    counts = [n for _code, _name, n in chart.statuses][::-1]
    colours = [STATUS_COLOURS.get(code, "#777777") for code, _name, _n in chart.statuses][::-1]
    bars = left.barh(names, counts, color=colours)
    for bar, n in zip(bars, counts):
        left.text(bar.get_width(), bar.get_y() + bar.get_height() / 2, " " + format_decimal(n, locale=chart.language), va="center", fontsize=9)
    left.set_title(chart.statuses_title, fontsize=12, loc="left")
    left.set_xlim(0, max(counts + [1]) * 1.25)
    _number_axis(left.xaxis, chart.language)
    x = range(len(chart.months))
    width = 0.4
    right.bar([i - width / 2 for i in x], chart.received, width, color=RECEIVED, label=chart.received_label)
    right.bar([i + width / 2 for i in x], chart.cleaned, width, color=CLEANED, label=chart.cleaned_label)
    right.set_xticks(list(x), chart.months, rotation=45, ha="right", fontsize=9)
    right.set_title(chart.months_title, fontsize=12, loc="left")
    right.legend(frameon=False, loc="upper left")
    _number_axis(right.yaxis, chart.language)
    figure.tight_layout(rect=(0, 0, 1, 0.9))
    return _png(figure)


def draw_comparison(chart: ComparisonChart) -> bytes:
    plt = _pyplot()
    figure, (left, right) = plt.subplots(1, 2, figsize=(13, 8.5))
    figure.suptitle(chart.title, fontsize=17, fontweight="bold", x=0.02, ha="left")
    figure.text(0.02, 0.93, chart.subtitle, fontsize=11, color="#555555")
    panels = ((left, chart.per_100k_title, chart.per_100k, False), (right, chart.in_target_title, chart.in_target, True))
    for axes, title, rows, percent in panels:
        # Rows come best first; barh draws from the bottom, so reversed the best is on top.
        names = [name for name, _v in rows][::-1]
        values = [v for _name, v in rows][::-1]
        # The worst quarter (now at the bottom) is red: the lagging regions, visible at a glance.
        lagging = max(1, len(rows) // 4)
        colours = [LAGGING if i < lagging else FINE for i in range(len(rows))]
        bars = axes.barh(names, values, color=colours)
        for bar, v in zip(bars, values):
            label = format_percent(v, locale=chart.language) if percent else format_decimal(round(v, 1), locale=chart.language)
            axes.text(bar.get_width(), bar.get_y() + bar.get_height() / 2, " " + label, va="center", fontsize=8)
        axes.set_title(textwrap.fill(title, 40), fontsize=11, loc="left")
        axes.tick_params(axis="y", labelsize=9)
        axes.set_xlim(0, (1.0 if percent else max(values + [1])) * 1.15)
        _number_axis(axes.xaxis, chart.language, percent=percent)
        if percent:
            axes.set_xticks([0, 0.25, 0.5, 0.75, 1.0])
    if any(chart.legend):
        from matplotlib.patches import Patch

        lagging_label, fine_label = chart.legend
        figure.legend(
            handles=[Patch(color=LAGGING, label=lagging_label), Patch(color=FINE, label=fine_label)],
            loc="upper right",
            bbox_to_anchor=(0.98, 0.985),
            frameon=False,
            fontsize=10,
        )
    figure.text(0.02, 0.015, chart.footnote, fontsize=8, color="#555555", wrap=True)
    figure.tight_layout(rect=(0, 0.04, 1, 0.91))
    return _png(figure)


@cache
def _shapes(filename: str, key: str) -> dict[str, object]:
    """Polygons of kz_regions.geojson (by ISO code) or kz_districts.geojson (by pcode), read once."""
    import json

    from shapely.geometry import shape

    with (GEODATA_DIR / filename).open(encoding="utf-8") as fh:
        return {f["properties"][key]: shape(f["geometry"]) for f in json.load(fh)["features"]}


def _outline(axes, geometry, **style) -> None:
    polygons = getattr(geometry, "geoms", [geometry])
    for polygon in polygons:
        xs, ys = polygon.exterior.xy
        axes.fill(xs, ys, **style)
        if style.get("facecolor") != "none":
            for hole in polygon.interiors:  # a city of republican significance inside a region
                hx, hy = hole.xy
                axes.fill(hx, hy, facecolor="white", edgecolor=style.get("edgecolor"), linewidth=0.8)


def draw_region_map(region_map: RegionMap) -> bytes:
    """The region (equal scale in km: x stretched by cos(latitude)), its districts, its cities
    named, the reports as dots coloured by status, a legend."""
    import math

    from matplotlib.lines import Line2D

    plt = _pyplot()
    geo = shared_geography()
    outline = _shapes("kz_regions.geojson", "iso_code")[region_map.region_code]
    figure, axes = plt.subplots(figsize=(10, 8))
    figure.suptitle(region_map.title, fontsize=16, fontweight="bold", x=0.02, ha="left")
    figure.text(0.02, 0.915, region_map.subtitle, fontsize=11, color="#555555")
    _outline(axes, outline, facecolor="#e8f1e4", edgecolor="#3c5a3c", linewidth=1.6)
    districts = _shapes("kz_districts.geojson", "pcode")
    for pcode, district in geo.districts.items():
        if district.region_code != region_map.region_code or pcode not in districts:
            continue
        shape_ = districts[pcode]
        _outline(axes, shape_, facecolor="none", edgecolor="#7d9a7d", linewidth=0.6, linestyle="--")
        if district.is_city or geo.regions[district.region_code].kind == "city":
            spot = shape_.representative_point()
            bare = district.names.get(region_map.language) or district.names["en"]
            axes.plot(spot.x, spot.y, marker="s", color="#333333", markersize=4)
            axes.annotate(bare, (spot.x, spot.y), xytext=(4, 4), textcoords="offset points", fontsize=9, color="#222222")
    for lat, lon, status in region_map.points:
        axes.plot(lon, lat, "o", color=STATUS_COLOURS.get(status, "#777777"), markersize=7, markeredgecolor="#333333", markeredgewidth=0.5)
    handles = [
        Line2D([], [], marker="o", linestyle="", color=STATUS_COLOURS.get(code, "#777777"), markeredgecolor="#333333", markersize=8, label=label)
        for code, label in region_map.legend
    ]
    if handles:
        axes.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False)
    min_x, min_y, max_x, max_y = outline.bounds
    axes.set_aspect(1 / math.cos(math.radians((min_y + max_y) / 2)))
    axes.set_axis_off()
    figure.tight_layout(rect=(0, 0, 1, 0.9))
    return _png(figure)


class ChartDrawer:
    """The ChartRenderer service: drawing takes a few hundred milliseconds of CPU, so it runs in
    a worker thread, not in the event loop (matplotlib's pyplot is not thread-safe: one at a time)."""

    async def stats(self, chart: StatsChart) -> bytes:
        return await asyncio.to_thread(_one_at_a_time, draw_stats, chart)

    async def comparison(self, chart: ComparisonChart) -> bytes:
        return await asyncio.to_thread(_one_at_a_time, draw_comparison, chart)

    async def region_map(self, region_map: RegionMap) -> bytes:
        return await asyncio.to_thread(_one_at_a_time, draw_region_map, region_map)


_DRAWING = threading.Lock()


def _one_at_a_time(draw, chart) -> bytes:
    with _DRAWING:
        return draw(chart)
