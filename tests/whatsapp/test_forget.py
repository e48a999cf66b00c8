"""Issue 17, points 3, 4 and 11: after /forget nothing of the person is left in any table or in
the media folder, the /mydata file's link is dead, and the goodbye itself is delivered."""

from __future__ import annotations

import io

from PIL import Image
from sqlalchemy import select

import storage.all_models  # noqa: F401  (every table in the metadata)
from storage.base import Base
from storage.reports import Report
from tests.support import images
from tests.support.whatsapp import WhatsAppUser

NUMBER = "+77015550199"
NAME = "Zhuldyz Testova"
COMMENT = "Call me at +7 701 555 0199, ask for Zhuldyz"


def photo_with_comment() -> bytes:
    out = io.BytesIO()
    images.scene(5, (800, 600)).save(out, "JPEG", comment=COMMENT.encode())
    return out.getvalue()


async def dump_everything(whatsapp) -> str:
    """Every row of every table, as text."""
    lines = []
    async with whatsapp.app.sessions() as s:
        for table in Base.metadata.sorted_tables:
            for row in (await s.execute(select(table))).all():
                lines.append(f"{table.name}: {tuple(row)!r}")
    return "\n".join(lines)


def media_bytes(whatsapp) -> bytes:
    root = whatsapp.app.settings.MEDIA_DIR
    return b"\n".join(p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file())


async def test_forget_leaves_nothing_of_the_person(whatsapp, twilio) -> None:
    user = WhatsAppUser(whatsapp, number=NUMBER, profile_name=NAME)
    await user.send("hi")
    await user.send("English")
    await user.send("I agree")
    await user.send("Report a dump")
    await user.photo(twilio.add_media("ME1", photo_with_comment()))
    await user.location(51.1282, 71.4304, label="Expo", address="Mangilik El Ave 55")
    await user.send("10")  # fits in a bag (after the nine kinds of waste)
    await user.send("1")  # household waste: the summary
    await user.send(COMMENT)  # text on the summary is the comment
    await user.send("1")  # send
    my_data = await user.send("/mydata")
    assert COMMENT in my_data[0].body  # the summary in words first, then the file
    data_url = my_data[1].media_urls[0]

    before = await dump_everything(whatsapp)
    assert NUMBER.lstrip("+") in before and NAME in before and COMMENT in before  # the test can see them

    await user.send("/forget")
    goodbye = await user.send("1")  # yes, delete
    assert goodbye and "Your personal data has been deleted" in goodbye[-1].body

    after = await dump_everything(whatsapp)
    for trace in (NUMBER.lstrip("+"), NAME, "Zhuldyz", COMMENT, "555 0199", "Mangilik"):
        assert trace not in after, f"{trace!r} left in:\n" + "\n".join(
            line for line in after.splitlines() if trace in line
        )
    files = media_bytes(whatsapp)
    for trace in (NUMBER.lstrip("+"), NAME, "Zhuldyz", "555 0199"):
        assert trace.encode() not in files
    async with whatsapp.http.get(data_url) as response:
        assert response.status == 404

    async with whatsapp.app.sessions() as s:  # the report stays, as anonymous public data
        report = await s.scalar(select(Report))
        assert report.reporter_id is None and report.comment is None and len(report.photos) == 1
    stored = Image.open(whatsapp.app.settings.MEDIA_DIR / report.photos[0].path)
    assert stored.format == "JPEG"
