"""What the report card shows of the public copy of its photo, and its two buttons; the presses
are handled in handlers/moderation/blur.py."""

# glossary: public copy = публичная копия = жария көшірме (the photo with faces and number plates blurred)
# glossary: blur = размыть = бұлдырату; number plate = номер машины = көлік нөмірі

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from handlers.buttons import button
from handlers.i18n import Translator
from handlers.types import Choice
from storage.public_photos import BlurVerdict, PhotoBlurReview, PublicPhoto


@button("blur")
@dataclass(frozen=True)
class BlurPress:
    """"blur:VERB:REPORT_ID": more (asks how), whole (all of the photo), fine (the blur is right)."""

    verb: Literal["more", "whole", "fine"]
    report_id: int


def blur_line(tr: Translator, public: PublicPhoto | None) -> str:
    """The card's line about the public copy of the first photo."""
    if public is None:
        return tr._("🔒 The public copy (faces and number plates blurred) is still being made.")
    if public.whole:
        return tr._("🔒 Public copy: the whole photo is blurred.")
    faces = sum(1 for box in public.found if box[0] == "face")
    plates = sum(1 for box in public.found if box[0] == "plate")
    return tr._(
        "🔒 Public copy: blurred faces {faces}, number plates {plates}, boxes added by moderators {extra}.",
        faces=faces,
        plates=plates,
        extra=len(public.extra),
    )


def blur_choices(tr: Translator, report_id: int) -> tuple[Choice, ...]:
    return (
        Choice(BlurPress("more", report_id).id, tr._("🌫 Blur more")),
        Choice(BlurPress("fine", report_id).id, tr._("👌 Blur is fine")),
    )




def blur_history_lines(tr: Translator, reviews: list[PhotoBlurReview]) -> list[str]:
    """The moderators' blur choices for /report's history: when, and what was chosen."""
    if not reviews:
        return []
    lines = [tr._("Blur of the public copy:")]
    for review in reviews:
        if review.verdict == BlurVerdict.FINE:
            what = tr._("the blur is fine")
        elif review.verdict == BlurVerdict.MORE_WHOLE:
            what = tr._("the whole photo blurred")
        else:
            x, y, w, h = review.box
            what = tr._("box blurred: X {x}, Y {y}, {w}×{h} px", x=x, y=y, w=w, h=h)
        lines.append(f"• {tr.datetime(review.created_at)}: {what}")
    return lines
