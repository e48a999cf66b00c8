"""«My certificate»: a PNG of the person's planting figures in their language, with the name they
chose. The name is asked the first time (never taken from the messenger account) and can be
changed; one the certificate's font cannot draw is refused with the reason, never drawn as boxes."""

from __future__ import annotations

import unicodedata

from sqlalchemy import select

from handlers.context import Ctx
from handlers.services import CERTIFICATES, CertificateRenderer, CertificateText
from handlers.trees.my_trees import TreesPress, show_list
from handlers.types import Choice, Document, Kind
from storage.trees import CERTIFICATE_NAME_LENGTH, CertificateName, TreePlanting

MIN_NAME = 2
# Letters of any script, with the spaces, hyphens, apostrophes and dots names have.
_NAME_MARKS = set(" -'’.")
CHANGE_NAME = TreesPress("name")


async def show_certificate(ctx: Ctx) -> None:
    plantings = await _plantings(ctx)
    if not plantings:
        await show_list(ctx, intro=ctx._("Log a planting first: the certificate shows the trees you planted."))
        return
    chosen = await ctx.session.get(CertificateName, ctx.user.id)
    if chosen is None:
        ask_name(ctx)
        return
    await _send(ctx, chosen.name, plantings)


def ask_name(ctx: Ctx) -> None:
    ctx.end_flow()
    ctx.ask(
        "trees.cert_name",
        ctx._(
            "Which name should the certificate show? Type it as you want it written, for example "
            "Aigerim Sapar (up to {max} characters). I do not take it from your account.",
            max=CERTIFICATE_NAME_LENGTH,
        ),
        [Choice(TreesPress("list").id, ctx._("⬅️ Back to my trees"))],
    )


async def on_name(ctx: Ctx) -> None:
    if ctx.incoming.kind is not Kind.TEXT or not ctx.text:
        ctx.reprompt(ctx._("Please type the name in letters."))
        return
    name = " ".join(ctx.text.split())
    problem = _name_problem(ctx, name)
    if problem:
        ctx.reprompt(problem)
        return
    chosen = await ctx.session.get(CertificateName, ctx.user.id)
    if chosen is None:
        ctx.session.add(CertificateName(user_id=ctx.user.id, name=name, updated_at=ctx.now))
    else:
        chosen.name, chosen.updated_at = name, ctx.now
    plantings = await _plantings(ctx)
    if not plantings:
        await show_list(ctx)
        return
    await _send(ctx, name, plantings)


def _name_problem(ctx: Ctx, name: str) -> str | None:
    if len(name) > CERTIFICATE_NAME_LENGTH:
        return ctx._("The name is too long: at most {max} characters.", max=CERTIFICATE_NAME_LENGTH)
    letters = [ch for ch in name if ch.isalpha()]
    if len(letters) < MIN_NAME or not all(ch.isalpha() or ch in _NAME_MARKS for ch in name):
        return ctx._(
            "A name may have only letters, spaces, hyphens, apostrophes and dots. Please type it again."
        )
    renderer: CertificateRenderer = ctx.service(CERTIFICATES)
    missing = renderer.unsupported(name) or "".join(
        ch for ch in name if unicodedata.bidirectional(ch) in ("R", "AL")
    )
    if missing:
        return ctx._(
            "The certificate cannot show these letters: {letters}. Please type the name in Cyrillic "
            "or Latin letters.",
            letters=" ".join(dict.fromkeys(missing)),
        )
    return None


async def _plantings(ctx: Ctx) -> list[TreePlanting]:
    return list(
        (
            await ctx.session.scalars(
                select(TreePlanting).where(TreePlanting.owner_id == ctx.user.id).order_by(TreePlanting.planted_on)
            )
        ).all()
    )


async def _send(ctx: Ctx, name: str, plantings: list[TreePlanting]) -> None:
    tr = ctx.tr
    trees = sum(p.count for p in plantings)
    by_species: dict[str, int] = {}
    for p in plantings:
        species = p.display_species(tr.language)
        by_species[species] = by_species.get(species, 0) + p.count
    first, last = plantings[0].planted_on, plantings[-1].planted_on
    dates = tr.day(first) if first == last else f"{tr.day(first)} – {tr.day(last)}"
    lines = [
        ctx.ngettext("for planting {n} tree", "for planting {n} trees", trees),
        ctx._("Species: {species}", species=", ".join(f"{s} × {n}" for s, n in by_species.items())),
        ctx._("Planted: {date}", date=dates),
    ]
    certificate = CertificateText(
        title=ctx._("Certificate"),
        programme=ctx._("«Taza Qazaqstan» programme"),
        awarded_to=ctx._("Awarded to"),
        name=name,
        lines=tuple(lines),
        footer=ctx._("Issued on {date}", date=tr.date(ctx.now)) + " · Taza Bot",
    )
    png = await ctx.service(CERTIFICATES).render(certificate)
    ctx.reply(
        ctx._("🏅 Your certificate. Share it to inspire others to plant trees!"),
        document=Document("taza-qazaqstan-trees.png", png, "image/png"),
    )
    ctx.ask(
        "trees.cert",
        ctx._("The certificate shows the name «{name}».", name=name),
        [
            Choice(CHANGE_NAME.id, ctx._("✏️ Change the name")),
            Choice(TreesPress("list").id, ctx._("⬅️ Back to my trees")),
        ],
    )
