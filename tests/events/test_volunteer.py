"""A volunteer finds cleanup events near them or in a region, opens one, signs up, gets the
calendar file, cancels; a full event's waitlist; in kk, ru and en."""

from __future__ import annotations

import pytest

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
