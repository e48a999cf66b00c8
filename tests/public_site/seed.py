"""A small country for the web page's tests: one published report of each status in a city of its
own (so that none cluster at the country's zoom), a rejected one, confirmed and cleaned reports
with public copies of their photos, an upcoming and a cancelled event whose texts hold markup,
and a tree planting. Every comment, address and name is something the page must never show."""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from storage.events import Event, EventStatus
from storage.models import User
from storage.moderation import FollowUpPhoto, ReportFollowUpPhoto
from storage.public_photos import public_path_for, record_public_copy
from storage.reports import Report, ReportPhoto, ReportStatusChange
from storage.trees import TreePlanting
from tests.support import images

REPORTER_NAME = "Dana Secretova"
COMMENT = "<script>document.title='pwned';window.pwned=1</script> call me +77011234567"
ADDRESS = "Abay st. 5, flat 12"
EVENT_TITLE = "<b>Saturday</b> cleanup <script>window.pwned=2</script>"
EVENT_DESCRIPTION = "Meet at the gate <img src=x onerror=\"window.pwned=3\">\nBring gloves."

# status -> (region, lat, lon)
PLACES = {
    "new": ("KZ-75", 43.238, 76.945),  # Almaty
    "queued": ("KZ-71", 51.128, 71.430),  # Astana
    "confirmed": ("KZ-79", 42.317, 69.590),  # Shymkent
    "in_progress": ("KZ-63", 49.948, 82.628),  # Oskemen
    "cleaned": ("KZ-15", 50.283, 57.167),  # Aktobe
    "duplicate": ("KZ-55", 52.287, 76.967),  # Pavlodar
    "disputed": ("KZ-23", 47.094, 51.924),  # Atyrau
    "rejected": ("KZ-39", 53.214, 63.624),  # Kostanay
}
HISTORY = {
    "new": ["new"],
    "queued": ["new", "queued"],
    "confirmed": ["new", "queued", "confirmed"],
    "in_progress": ["new", "queued", "confirmed", "in_progress"],
    "cleaned": ["new", "queued", "confirmed", "cleaned"],
    "duplicate": ["new", "queued", "duplicate"],
    "disputed": ["new", "queued", "confirmed", "cleaned", "disputed"],
    "rejected": ["new", "queued", "rejected"],
}


@dataclass
class Seeded:
    reports: dict[str, int] = field(default_factory=dict)  # status -> report id
    event_id: int = 0
    cancelled_event_id: int = 0


async def stored_photo(app, seed: int, public: bool, session, now) -> dict:
    """A photo stored as the bot stores it; with its public copy when `public`."""
    photo = await app.engine.router.services["photos"].ingest(images.jpeg(seed=seed))
    data = photo.to_json()
    if public:
        media = Path(app.settings.MEDIA_DIR)
        target = media / public_path_for(data["path"])
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(media / data["path"], target)
        await record_public_copy(session, data["path"], public_path_for(data["path"]), [], now=now)
    return data


async def seed(app, clock) -> Seeded:
    seeded = Seeded()
    now = clock()
    async with app.sessions() as s, s.begin():
        person = User(display_name=REPORTER_NAME, language="en", consent_at=now)
        s.add(person)
        await s.flush()
        for i, (status, (region, lat, lon)) in enumerate(PLACES.items()):
            created = now - timedelta(days=40 - i)
            report = Report(
                reporter_id=person.id, status=status, region_code=region, latitude=lat, longitude=lon,
                address=ADDRESS, waste_types=["household", "plastic"], size="truck", comment=COMMENT,
                created_at=created, updated_at=now,
            )  # fmt: skip
            s.add(report)
            await s.flush()
            seeded.reports[status] = report.id
            photo = await stored_photo(app, 10 + i, True, s, now)
            s.add(ReportPhoto(report_id=report.id, position=0, added_by_id=person.id, created_at=created, **{
                k: photo[k] for k in ("path", "thumb_path", "sha256", "phash", "width", "height")
            }))  # fmt: skip
            previous = None
            for step, new in enumerate(HISTORY[status]):
                s.add(ReportStatusChange(
                    report_id=report.id, old_status=previous, new_status=new, changed_by_id=person.id,
                    note=f"moderator note about {REPORTER_NAME}", changed_at=created + timedelta(days=step),
                ))  # fmt: skip
                previous = new
        after = await stored_photo(app, 99, True, s, now)
        s.add(ReportFollowUpPhoto(
            report_id=seeded.reports["cleaned"], kind=FollowUpPhoto.AFTER, path=after["path"],
            thumb_path=after["thumb_path"], sha256=after["sha256"], created_at=now,
        ))  # fmt: skip
        for title, status, days in ((EVENT_TITLE, EventStatus.SCHEDULED, 3), ("Old cleanup", EventStatus.CANCELLED, 5)):
            event = Event(
                title=title, description=EVENT_DESCRIPTION, latitude=43.25, longitude=76.92, region_code="KZ-75",
                starts_at=now + timedelta(days=days), ends_at=now + timedelta(days=days, hours=3), capacity=20,
                taken=3, bring="<i>gloves</i>", organiser_id=person.id, status=status, created_at=now, updated_at=now,
            )  # fmt: skip
            s.add(event)
            await s.flush()
            if status == EventStatus.SCHEDULED:
                seeded.event_id = event.id
            else:
                seeded.cancelled_event_id = event.id
        s.add(TreePlanting(
            owner_id=person.id, species="other", species_name="<b>Karagash</b>", count=12,
            planted_on=date(2026, 5, 1), region_code="KZ-71", latitude=51.16123, longitude=71.47111,
            location_source="shared", note=f"planted by {REPORTER_NAME}", created_at=now,
        ))  # fmt: skip
    return seeded
