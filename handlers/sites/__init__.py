"""Issue 14: crowd verification of sites detected from space, and urgent hazards.

- importing: `python -m bot import sites FILE` reads GeoJSON or CSV (bot/commands/importer.py) and
  each site becomes a report "to verify" with its region and district and no reporter;
- invite: the invitation jobs/sites.py sends to people near a site; verify: the answers to it;
  outcome: what two looks decide; card: what moderators see of it;
- urgent: fire, smoke and chemical spills (call 112 at once, straight to the moderators).
The words used are listed in handlers/sites/glossary.py."""

from __future__ import annotations

from handlers.router import Router


def register(router: Router) -> None:
    # Imported here: the report form imports handlers.sites.hazards, and this package's import
    # must not pull the form back in while it loads.
    from handlers.sites import verify
    from handlers.sites.invite import SitePress
    from handlers.sites.privacy import data_lines, export_data, forget_data

    router.action(SitePress)(verify.on_press)
    router.step(verify.PHOTO_STEP)(verify.on_photo)
    router.step(verify.LOCATION_STEP)(verify.on_location)
    router.personal_data("site_verification", export_data, forget_data)
    router.data_lines.append(data_lines)

