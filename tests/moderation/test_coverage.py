"""Nobody is promised a check that nobody makes: the reporter is told who will look at their
report (the region's moderators, the bot's administrators, or nobody yet); operators are warned at
start-up about regions with no moderators and an empty admin list; «Moderation» is in the menu of
moderators and admins only."""

from __future__ import annotations

import logging

from bot.commands.run import warn_about_coverage
from handlers.start import MenuPick
from tests.reports.test_report import report_dump
from tests.support.chat import Chat, labels, texts


async def test_the_reporter_is_told_who_checks_the_report(app) -> None:
    citizen = Chat(app, "citizen")
    await citizen.onboard("Русский")
    sent = texts(await report_dump(citizen, seed=1))
    assert "у региона «город Астана» пока нет своих модераторов" in sent and "администраторы бота" in sent

    app.settings.ADMINS.clear()  # no admin, no national chat: nobody sees the national queue
    sent = texts(await report_dump(citizen, seed=2, point=(51.2, 71.5)))
    assert "проверять обращения региона «город Астана» пока никто не назначен" in sent

    admin = Chat(app, "root")
    await admin.onboard("English")
    app.settings.ADMINS.append("console:root")
    await admin.send("/addmoderator console:mod Астана")
    sent = texts(await report_dump(citizen, seed=3, point=(51.15, 71.45)))
    assert "модераторы региона «город Астана» проверят его" in sent


async def test_start_up_warns_about_regions_without_moderators_and_no_admins(app, caplog) -> None:
    with caplog.at_level(logging.WARNING, logger="bot.commands.run"):
        warnings = await warn_about_coverage(app)
    assert len(warnings) == 1 and warnings[0].startswith("20 region(s) have no moderators")
    assert "KZ-75" in caplog.text

    app.settings.ADMINS.clear()
    warnings = await warn_about_coverage(app)
    assert any("the admin list (ADMINS) is empty" in w for w in warnings)


async def test_moderation_is_in_the_menu_of_moderators_only(app) -> None:
    citizen = Chat(app, "citizen")
    await citizen.onboard("Қазақша")
    assert not any("Модерация" in label for label in labels(citizen.last_with_choices))
    forged = await citizen.press(MenuPick("moderation").id, citizen.last_with_choices.choice_seq)
    assert "жарамсыз" in texts(forged) and "🛡 Модерация" not in labels(citizen.last)

    admin = Chat(app, "admin")  # an admin (ADMINS): every region
    await admin.onboard("English")
    assert "🛡 Moderation" in labels(admin.last_with_choices)
    home = texts(await admin.click("Moderation"))
    assert "🛡 Moderation: all regions" in home and "0 reports wait for triage" in home
    await admin.send("/addmoderator console:citizen Шымкент")
    await citizen.send("/menu")
    assert "🛡 Модерация" in labels(citizen.last)
    home = texts(await citizen.click("Модерация"))
    assert "🛡 Модерация: Шымкент қаласы" in home
    empty = texts(await citizen.click("Кезекті ашу"))
    assert "Кезек бос" in empty

    # The role removed while the menu with «Moderation» is on the screen: the entry no longer opens.
    await citizen.send("/menu")
    await admin.send("/removemoderator console:citizen")
    old = await citizen.click("Модерация")
    assert "Төмендегі нұсқалардың бірін таңдаңыз." in texts(old) and "🛡 Модерация" not in labels(citizen.last)
