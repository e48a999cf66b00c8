"""Who is invited to verify a site to verify, and when, with a clock the test moves: people who
shared a location within a few km in the last 30 days or reported a dump near it; once a week each;
never between 22:00 and 08:00 Kazakhstan time; never again after «Don't ask me again». The
invitation says how far the site is, in the person's language, with an OpenStreetMap link."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from sqlalchemy import select

from jobs.sites import Invitation, choose_invitations
from storage.sites import SharedLocation, SiteVerifier
from tests.moderation.test_moderation import add_report
from tests.sites.support import OTHER_SITE, SITE, add_sites, invite, metres_north, person, user_id
from tests.support.chat import labels, texts

MONDAY = datetime(2026, 6, 1, 6, 0, tzinfo=timezone.utc)  # 11:00 in Kazakhstan


async def test_invitations_by_distance_week_quiet_hours_and_dont_ask(app, clock) -> None:
    clock.now = MONDAY - timedelta(days=40)
    stale = await person(app, "stale", "en", at=metres_north(SITE, 300))  # shared 40 days ago
    clock.now = MONDAY
    site, other = await add_sites(app, MONDAY, [("S-1", SITE), ("S-2", OTHER_SITE)])
    aigerim = await person(app, "aigerim", "kk", at=metres_north(SITE, 2000))
    boris = await person(app, "boris", "ru", at=metres_north(SITE, 3500))
    emma = await person(app, "emma", "en", at=metres_north(SITE, 800))
    far = await person(app, "far", "en", at=metres_north(SITE, 30_000))
    dan = await person(app, "dan", "en")  # shared nothing, but reported a dump 1 km from the other site
    await add_report(app, await user_id(app, "dan"), "KZ-75", clock, lat=metres_north(OTHER_SITE, 1000)[0], lon=OTHER_SITE[1])

    assert await invite(app) == "invited 4 people to verify 2 of 2 sites to verify"
    said = texts(emma.history[emma.seen :])
    assert "A possible illegal dump was detected from space 800 m from you" in said
    assert "https://www.openstreetmap.org/?mlat=43.238000&mlon=76.945000" in said
    assert labels(emma.last) == ["📸 The dump is there", "🚫 Nothing here", "🔕 Don't ask me again"]
    assert "Сізден 2 км қашықтықта" in texts(aigerim.history[aigerim.seen :])
    assert "В 3,5 км от вас" in texts(boris.history[boris.seen :])
    assert "1 km from you" in texts(dan.history[dan.seen :]) and "mlat=43.300000" in texts(dan.history[dan.seen :])
    assert not far.history[far.seen :] and not stale.history[stale.seen :]
    async with app.sessions() as s:
        invited = dict((await s.execute(select(SiteVerifier.user_id, SiteVerifier.last_site_id))).all())
        locations = set(await s.scalars(select(SharedLocation.user_id)))
    assert invited == {
        await user_id(app, "aigerim"): site, await user_id(app, "boris"): site,
        await user_id(app, "emma"): site, await user_id(app, "dan"): other,
    }  # fmt: skip
    assert await user_id(app, "stale") not in locations  # older than 30 days: deleted

    # Once a week: the next hour nobody is asked again
    clock.advance(hours=1)
    assert await invite(app) == "nobody to invite near 2 sites to verify"

    # Emma says «Don't ask me again»
    for chat in (aigerim, boris, emma, dan):
        chat.seen = len(chat.history)
    stop = await emma.click("Don't ask me again")
    assert "I will not ask you to verify sites again." in texts(stop)

    # Quiet hours: 22:30 and 07:59 in Kazakhstan
    clock.now = datetime(2026, 6, 7, 17, 30, tzinfo=timezone.utc)
    assert (await invite(app)).startswith("quiet hours")
    clock.now = datetime(2026, 6, 8, 2, 59, tzinfo=timezone.utc)
    assert (await invite(app)).startswith("quiet hours")
    assert not any(c.history[c.seen :] for c in (aigerim, boris, emma, dan))

    # A week after the first: everyone again but Emma
    clock.now = MONDAY + timedelta(days=7)
    assert await invite(app) == "invited 3 people to verify 2 of 2 sites to verify"
    assert not emma.history[emma.seen :] and aigerim.history[aigerim.seen :] and dan.history[dan.seen :]


def test_the_nearest_site_first_a_few_per_site_and_never_one_already_looked_at() -> None:
    sites = [(1, 43.0, 76.0), (2, 43.02, 76.0)]
    people = [(10 + n, 43.0 + n * 0.001, 76.0) for n in range(8)] + [(30, 43.0215, 76.0), (31, 43.0, 76.0)]
    chosen = choose_invitations(sites, people, per_site=3, looked={(31, 1)})
    pairs = [(c.user_id, c.site_id) for c in chosen]
    # Nearest pairs first; three per site; 31 looked at site 1 already, so is asked about site 2
    assert pairs == [(10, 1), (11, 1), (30, 2), (12, 1), (31, 2)]
    assert choose_invitations(sites, people, limit=2) == [Invitation(10, 1, 0.0), Invitation(31, 1, 0.0)]
