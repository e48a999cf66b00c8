"""A volunteer finds cleanup events near them or in a region, opens one, signs up, gets the
calendar file, cancels; a full event's waitlist; in kk, ru and en."""

from __future__ import annotations

from datetime import timedelta

from storage.events import Event
from tests.events.support import ALMATY, ASTANA, BISHKEK, going, make_event, statuses
from tests.support.chat import Chat, labels, texts


async def test_near_me_sign_up_and_cancel(app) -> None:
    far = await make_event(app, title="Almaty park", point=ALMATY, region="KZ-75")
    near = await make_event(app, title="Esil embankment")
    chat = Chat(app, "aigerim")
    await chat.onboard()
    home = await chat.click("Cleanup events")
    assert "Share your location" in home[-1].text
    found = await chat.location(*ASTANA)
    listing = found[-1]
    assert "Esil embankment" in listing.text and "Almaty park" not in listing.text
    assert "200 m" in listing.text or "m ·" in listing.text or " m\n" in listing.text
    card = await chat.click("Esil embankment")
    assert "Places left: 10 of 10" in card[-1].text and "Sign up" in " ".join(labels(card[-1]))
    signed = await chat.click("Sign up")
    assert "You are signed up" in texts(signed)
    ics = [r for r in signed if r.document]
    assert ics and ics[0].document.filename.endswith(".ics")
    assert await going(app, near) != [] and await going(app, far) == []
    assert "Places left: 9 of 10" in chat.last.text
    again = await chat.press(f"ev:join:{near}", None)
    assert "already signed up" in texts(again)
    cancelled = await chat.click("Cancel my place")
    assert "Your place is cancelled" in texts(cancelled)
    assert await going(app, near) == []
    twice = await chat.press(f"ev:leave:{near}", None)
    assert "nothing to cancel" in texts(twice)


async def test_full_event_waitlist_promotes_the_first(app) -> None:
    event = await make_event(app, capacity=1)
    first, second, third = Chat(app, "first"), Chat(app, "second"), Chat(app, "third")
    for chat in (first, second, third):
        await chat.onboard()
        await chat.press(f"ev:open:{event}", None)
    await first.click("Sign up")
    full = await second.press(f"ev:join:{event}", None)
    assert "no places left" in texts(full).lower() and "Join the waitlist" in " ".join(labels(second.last))
    waiting = await second.click("Join the waitlist")
    assert "on the waitlist" in texts(waiting)
    await third.press(f"ev:wait:{event}", None)
    assert "number 2 on the waitlist" in third.last.text
    await first.click("Cancel my place")
    assert await statuses(app, event) == {"First": "cancelled", "Second": "going", "Third": "waiting"}
    told = second.history[-2:]
    assert "A place has freed up" in told[0].text and told[1].document.filename.endswith(".ics")
    assert "number 1 on the waitlist" in (await third.press(f"ev:open:{event}", None))[-1].text


async def test_region_list_paged_and_subscription(app) -> None:
    for day in range(7):
        await make_event(app, title=f"Almaty cleanup {day}", point=ALMATY, region="KZ-75", starts_in=timedelta(days=day + 1))
    chat = Chat(app, "dana")
    await chat.onboard()
    await chat.click("Cleanup events")
    await chat.click("Choose a region")
    listing = await chat.click("Almaty")
    assert "Upcoming cleanup events in Almaty: 7" in listing[-1].text
    assert "Almaty cleanup 0" in listing[-1].text and "Almaty cleanup 5" not in listing[-1].text
    more = await chat.click("More events")
    assert "6. Almaty cleanup 5" in more[-1].text
    await chat.click("Choose a region")
    empty = await chat.click("Abai")
    assert "no upcoming cleanup events in Abai" in empty[-1].text
    told = await chat.click("Tell me about new events")
    assert "I will tell you" in texts(told) and "Stop telling me" in " ".join(labels(chat.last))


async def test_outside_kazakhstan_and_bad_presses(app) -> None:
    chat = Chat(app, "erlan")
    await chat.onboard()
    await chat.click("Cleanup events")
    outside = await chat.location(*BISHKEK)
    assert "outside Kazakhstan" in texts(outside)
    missing = await chat.press("ev:open:999", None)
    assert "does not exist" in texts(missing)
    forged = await chat.press("ev:open:12x", None)
    assert "no longer valid" in texts(forged)


async def test_cancelled_event_refuses_sign_up(app) -> None:
    event = await make_event(app)
    async with app.sessions() as s, s.begin():
        row = await s.get(Event, event)
        row.status = "cancelled"
    chat = Chat(app, "late")
    await chat.onboard("Русский")
    refused = await chat.press(f"ev:join:{event}", None)
    assert "субботник отменён: запись закрыта" in texts(refused)
    assert "Записаться" not in " ".join(labels(chat.last))
    assert await going(app, event) == []
