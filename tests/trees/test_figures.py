"""Survival rates from captures, the profile's lines, /mydata, /forget and the open-data export."""

from __future__ import annotations

import csv
import io
import json
from datetime import date, datetime, timedelta, timezone

from sqlalchemy import select

from storage.trees import CertificateName, TreeCapture, TreePlanting, person_figures, survival_rates
from tests.reports.test_export import run_export as run_reports_export
from tests.support.chat import Chat
from tests.trees.support import ALMATY, count, plant, user_id

JAN, MAR = datetime(2026, 1, 10, tzinfo=timezone.utc), datetime(2026, 3, 10, tzinfo=timezone.utc)


async def three_plantings(app, owner: int | None) -> None:
    # Astana: 10 elms, 8 alive at the latest count (6 earlier); 4 birches, 1 alive.
    await plant(app, owner, species="elm", count=10, alive=[(JAN, 6), (MAR, 8)])
    await plant(app, owner, species="birch", count=4, alive=[(JAN, 1), (MAR, None)])  # unknown: not counted
    # Almaty: 5 elms never checked: not in any rate.
    await plant(app, owner, species="elm", count=5, region="KZ-75", point=ALMATY)


async def test_survival_rates_rest_on_the_latest_known_capture(app) -> None:
    await three_plantings(app, None)
    async with app.sessions() as s:
        by_region = await survival_rates(s, "region")
        by_species = {r.key: r for r in await survival_rates(s, "species")}
    assert [(r.key, r.alive, r.planted, r.plantings) for r in by_region] == [("KZ-71", 9, 14, 2)]
    assert (by_species["elm"].alive, by_species["elm"].planted, by_species["elm"].plantings) == (8, 10, 1)
    assert round(by_species["birch"].rate, 2) == 0.25


async def test_rates_screen_in_russian(app) -> None:
    chat = Chat(app, "viewer")
    await chat.onboard("Русский")
    await chat.send("/trees")
    empty = await chat.click("Приживаемость")
    assert "ещё нет" in empty[-1].text
    await three_plantings(app, None)
    await chat.click("Назад")
    shown = await chat.click("Приживаемость")
    text = shown[-1].text
    assert "город Астана: 64\xa0% (живых деревьев: 9 из 14; 2 посадки)" in text
    assert "Вяз (карагач): 80\xa0% (живых деревьев: 8 из 10; 1 посадка)" in text


async def test_profile_mydata_and_forget(app, chat: Chat) -> None:
    await chat.onboard()
    me = await user_id(app, "alice")
    await three_plantings(app, me)
    async with app.sessions() as s, s.begin():
        s.add(CertificateName(user_id=me, name="Alice Brown", updated_at=JAN))
        planting = await s.get(TreePlanting, 1)
        planting.note = "planted with my neighbour Dana"
    profile = await chat.click("My profile")
    assert "Trees planted: 19" in profile[-1].text
    assert "Trees alive at the latest check-in: 9 of 14" in profile[-1].text

    mine = await chat.send("/mydata")
    assert "Trees planted: 19" in mine[0].text  # in words first
    data = json.loads(mine[1].document.data)
    trees = data["trees"]
    assert trees["certificate_name"] == "Alice Brown" and len(trees["plantings"]) == 3
    assert [c["alive"] for c in trees["plantings"][0]["captures"]] == [6, 8]

    await chat.send("/forget")
    await chat.click("Yes, delete")
    async with app.sessions() as s:
        assert (await person_figures(s, me)).plantings == 0
        plantings = (await s.scalars(select(TreePlanting))).all()
        assert {p.owner_id for p in plantings} == {None} and {p.note for p in plantings} == {None}
        assert len(await survival_rates(s, "region")) == 1  # the figures keep the counts
    assert await count(app, CertificateName) == 0
    assert await count(app, TreeCapture) == 4


async def run_export(monkeypatch, settings, tmp_path, *argv: str) -> str:
    return await run_reports_export(monkeypatch, settings, tmp_path, *argv, what="trees")


async def test_export_without_personal_data(app, settings, tmp_path, monkeypatch) -> None:
    chat = Chat(app, "secret-planter", display_name="Dana Secret")
    await chat.onboard()
    me = await user_id(app, "secret-planter")
    await three_plantings(app, me)
    async with app.sessions() as s, s.begin():
        (await s.get(TreePlanting, 1)).note = "call me at +77011234567"
        s.add(CertificateName(user_id=me, name="Dana Secret", updated_at=JAN))

    text = await run_export(monkeypatch, settings, tmp_path, "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == 3
    first = rows[0]
    assert (first["species"], first["species_latin"], first["count"]) == ("elm", "Ulmus pumila", "10")
    assert (first["alive_latest"], first["checked_on"], first["region_name"]) == ("8", "2026-03-10", "Astana")
    assert (first["latitude"], first["longitude"]) == ("51.128", "71.431")  # about 100 m
    assert rows[1]["alive_latest"] == "1" and rows[2]["alive_latest"] == ""
    for secret in ("Dana", "Secret", "+7701", "secret-planter", "owner", "note"):
        assert secret not in text

    geojson = json.loads(await run_export(monkeypatch, settings, tmp_path, "--format", "geojson", "--region", "KZ-75"))
    (feature,) = geojson["features"]
    assert feature["geometry"]["coordinates"] == [76.945, 43.238]
    assert "owner_id" not in feature["properties"] and "note" not in feature["properties"]

    later = (date(2026, 5, 30) + timedelta(days=1)).isoformat()
    none_since = await run_export(monkeypatch, settings, tmp_path, "--since", later)
    assert list(csv.DictReader(io.StringIO(none_since))) == []
