"""Deep-link payloads, prefixes, the router's registry and the links each channel gets."""

from __future__ import annotations

import pytest

from handlers import build_router
from handlers.deep_links import DeepLinkError, DeepLinks, parse_payload, payload
from handlers.router import Router


async def opens(ctx, argument: str) -> None:
    raise AssertionError("not called in these tests")


async def opens_too(ctx, argument: str) -> None:
    raise AssertionError("not called in these tests")


def test_router_refuses_a_prefix_registered_twice() -> None:
    router = Router()
    router.deep_link("ev")(opens)
    with pytest.raises(ValueError, match="ev registered twice"):
        router.deep_link("ev")(opens_too)
    assert router.deep_links == {"ev": opens}


@pytest.mark.parametrize("prefix", ["", "Ev", "ev-x", "ev_x", "е", "x" * 17])
def test_router_refuses_a_prefix_outside_the_convention(prefix: str) -> None:
    with pytest.raises(DeepLinkError):
        Router().deep_link(prefix)


def test_the_real_router_opens_report_links() -> None:
    router = build_router()
    handler, argument = router.deep_link_for("r-12")
    assert argument == "12" and handler.__module__ == "handlers.reports.links"
    assert router.deep_link_for("zz-12") is None


@pytest.mark.parametrize(
    "text,parts",
    [
        ("r-12", ("r", "12")),
        ("ev-Ab_c-9", ("ev", "Ab_c-9")),  # only the first "-" separates
        ("quiz", ("quiz", "")),
        ("r_12", None),  # "_" is not the separator: no valid prefix
        ("-12", None),
        ("r-" + "1" * 62, ("r", "1" * 62)),  # 64 characters
        ("r-" + "1" * 63, None),  # 65
        ("r-1 2", None),
        ("r-1/2", None),
        ("", None),
    ],
)
def test_parse_payload(text: str, parts: tuple[str, str] | None) -> None:
    assert parse_payload(text) == parts


def test_payload_is_built_within_telegrams_rules() -> None:
    assert payload("r", "12") == "r-12"
    assert payload("quiz") == "quiz"
    with pytest.raises(DeepLinkError):
        payload("r", "x" * 63)
    with pytest.raises(DeepLinkError):
        payload("r", "жер")


def test_links_per_channel() -> None:
    links = DeepLinks(telegram_bot="@TazaQazBot", whatsapp_number="whatsapp:+1 415-523-8886")
    assert links.link("telegram", "r-12") == "https://t.me/TazaQazBot?start=r-12"
    assert links.link("whatsapp", "r-12") == "https://wa.me/14155238886?text=%2Fstart%20r-12"
    assert links.link("console", "r-12") == "/start r-12"
    assert DeepLinks().link("telegram", "r-12") is None  # the username is not known yet
    assert DeepLinks().link("whatsapp", "r-12") is None
    with pytest.raises(DeepLinkError):
        links.link("telegram", "r-1!")
