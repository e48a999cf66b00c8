"""The web page's words, marked here (not in the templates) so that the catalogs' extractor,
which reads the project's .py files, finds them. `page_texts(tr)` translates them all for a
template: `{{ t.figures }}`."""

from __future__ import annotations

from handlers.i18n import N_, Translator

TEXTS = {
    "site": N_("Taza Qazaqstan: illegal dumps, cleanups and trees"),
    "intro": N_(
        "Illegal dumps reported by citizens through Taza Bot, cleanup events and trees planted, region by region."
    ),
    "languages": N_("Language"),
    "skip": N_("Skip to the map"),
    "figures": N_("Kazakhstan in figures"),
    "by_status": N_("Reports by status"),
    "reports": N_("Reports"),
    "cleaned_month": N_("Cleaned this month"),
    "median": N_("Median days from report to cleaned (last 12 months)"),
    "overdue": N_("Overdue: open for more than 30 days"),
    "disputed": N_("Disputed cleanups"),
    "events_held": N_("Cleanup events held"),
    "volunteers": N_("Volunteers at them"),
    "trees_planted": N_("Trees planted"),
    "trees_alive": N_("Trees alive at the latest check-in"),
    "regions": N_("The regions"),
    "region": N_("Region"),
    "open": N_("Open reports"),
    "per_100k": N_("Open per 100,000 people"),
    "cleaned_year": N_("Cleaned in the last 12 months"),
    "in_target": N_("Share cleaned within 30 days"),
    "sorted_lag": N_("Sorted by lag: most open reports per 100,000 people first."),
    "sorted_name": N_("Sorted by name."),
    "sorted_speed": N_("Sorted by the share cleaned within 30 days, lowest first."),
    "sort_lag": N_("Sort by lag"),
    "sort_name": N_("Sort by name"),
    "sort_speed": N_("Sort by the share cleaned within 30 days"),
    "map": N_("The map"),
    "map_help": N_("Reports coloured by status, upcoming cleanup events and tree plantings. Use the layer switch to show or hide each."),
    "no_js": N_("The map needs JavaScript; the figures and the table above do not."),
    "layer_reports": N_("Reports"),
    "layer_events": N_("Upcoming cleanup events"),
    "layer_trees": N_("Tree plantings"),
    "layer_regions": N_("Region borders"),
    "osm": N_("Map data © OpenStreetMap contributors"),
    "borders": N_("Borders: geokz, CC BY 4.0"),
    "open_report": N_("Open the report's page"),
    "open_event": N_("Open the event's page"),
    "trees_count": N_("Trees: {n}"),
    "load_failed": N_("The map could not load its points. Please reload the page."),
    "truncated": N_("Showing the newest {n} reports in this view: zoom in to see the others."),
    "open_data": N_("Open data: the Open311 API"),
    "back": N_("Back to the map"),
    # the report's page
    "report": N_("Report {code}"),
    "status": N_("Status"),
    "place": N_("Place"),
    "waste": N_("Kinds of waste"),
    "size": N_("Size of the dump"),
    "reported": N_("Reported on"),
    "photos": N_("Photos"),
    "before": N_("Before"),
    "after": N_("After"),
    "before_alt": N_("The dump as reported (faces and number plates blurred)"),
    "after_alt": N_("The place after the cleanup (faces and number plates blurred)"),
    "no_photos": N_("Photos are shown once the region's moderators have confirmed the report."),
    "history": N_("Status history"),
    # the event's page
    "event": N_("Cleanup event"),
    "cancelled": N_("This cleanup event has been cancelled."),
    "over": N_("This cleanup event is over."),
    "sign_up": N_("Sign up in the bot"),
    "telegram": N_("Open in Telegram"),
    "whatsapp": N_("Open in WhatsApp"),
    "send_code": N_("Or send /start {code} to the bot."),
    "places": N_("Places left: {left} of {capacity}"),
    # not found
    "not_found": N_("Page not found"),
    "not_found_text": N_("There is no such report or cleanup event, or it is not published."),
}


def page_texts(tr: Translator) -> dict[str, str]:
    """Every text above in `tr`'s language; those with placeholders are filled by the caller."""
    return {key: tr._(message) for key, message in TEXTS.items()}
