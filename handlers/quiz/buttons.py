"""The quiz's typed buttons (handlers/buttons.py).

`QuizPick` is one option of one question of one round. It is a router action, so it works wherever
the question was shown: a round's step, a daily question a job sent, a Telegram poll (whose answer
the engine turns into this press, see `QuizPoll.option_ids`). Everything it claims (whose round,
which question, which option) is checked against the database on every press."""

from __future__ import annotations

from dataclasses import dataclass

from handlers.buttons import button


@button("qz")
@dataclass(frozen=True)
class QuizPick:
    round_id: int
    index: int  # the question's place in the round (0-based)
    option: int  # the option's place in the question (0-based)
