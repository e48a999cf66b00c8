"""An `Incoming` is stored in the inbox as JSON and read back after a crash: the round trip keeps
every field, a photo's reference and a shared place included."""

from __future__ import annotations

import json

import pytest

from handlers.types import Incoming, Kind, Location, MediaRef


@pytest.mark.parametrize(
    "incoming",
    [
        Incoming("telegram", "-100", "7", "41", Kind.COMMAND, command="start", args="ev-3", text="/start ev-3", is_group=True),
        Incoming("whatsapp", "+7701", "+7701", "SM1", Kind.PHOTO, photo=MediaRef("ME1", "image/png", 2048, "a.png", True)),
        Incoming("console", "alice", "alice", "c9", Kind.LOCATION, location=Location(43.25, 76.95, "Abay Ave")),
        Incoming("telegram", "7", "7", "42", Kind.POLL_ANSWER, poll_id="poll:9", poll_option=2, language_hint="kk"),
    ],
)
def test_incoming_survives_the_inbox(incoming: Incoming) -> None:
    stored = json.loads(json.dumps(incoming.to_json()))
    assert Incoming.from_json(stored) == incoming
