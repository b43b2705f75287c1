"""/ics as a calendar program reads it: the weekly meeting keeps its local hour across a
daylight-saving change, every zone it names is defined in the file, and every timed event
ends after it starts (RFC 5545)."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from dateutil.rrule import rrulestr
from icalendar import Calendar, Event, Timezone

from tests.driver import Driver, Teacher
from tests.test_quiz import linked_team

RIGA = ZoneInfo("Europe/Riga")
SUMMER_TIME_2027 = date(2027, 3, 28)  # the last Sunday of March: Riga moves to UTC+3


async def planned_team(driver: Driver) -> Teacher:
    """Anna (Riga) sets a deadline for Jonas, a school break and a Tuesday 16:00 meeting
    every 2 weeks; returns Jonas."""
    anna, jonas, _maria, _group = await linked_team(driver)
    await anna.send("/deadline")
    await anna.send("River stories")
    await anna.click("Jonas")
    await anna.send("15.12.")
    await anna.click("Yes")
    await anna.send("/breaks add 21.12.2026–03.01.2027 Ziemas brīvlaiks")
    await anna.send("/meeting")
    await anna.click("Tuesday")
    await anna.click("16:00")
    await anna.click("every 2 weeks")
    return jonas


async def export(teacher: Teacher) -> Calendar:
    sent = await teacher.send("/ics")
    call = next(c for c in sent.calls if c.method == "sendDocument")
    name, content = call.files["document"]
    assert name.endswith(".ics")
    return Calendar.from_ical(content)


async def exported(driver: Driver) -> Calendar:
    return await export(await planned_team(driver))


def meeting_of(calendar: Calendar) -> Event:
    return next(e for e in calendar.walk("VEVENT") if str(e.get("summary")).startswith("📹"))


async def test_the_meeting_keeps_its_local_hour_after_the_clocks_change(driver: Driver):
    calendar = await exported(driver)
    meeting = meeting_of(calendar)
    assert meeting["DTSTART"].params.get("TZID") == "Europe/Riga"
    start = meeting.decoded("dtstart")
    assert start.replace(tzinfo=None) == datetime(2026, 11, 24, 16, 0)  # the next Tuesday
    assert meeting.decoded("dtend") - start == timedelta(hours=1)
    # expanded the way a calendar program does: on the wall clock of DTSTART's own zone
    rule = rrulestr(meeting["RRULE"].to_ical().decode(), dtstart=start)
    summer = rule.after(datetime.combine(SUMMER_TIME_2027, datetime.min.time(), tzinfo=UTC))
    assert summer is not None and summer.date() == date(2027, 3, 30)
    assert summer.astimezone(RIGA).strftime("%H:%M") == "16:00"
    assert summer.astimezone(UTC).hour == 13  # not 14:00 UTC, as in winter
    # a program that only trusts the file's own VTIMEZONE gets the same offsets
    zones = {str(tz["TZID"]): tz for tz in calendar.walk("VTIMEZONE")}
    assert isinstance(zones.get("Europe/Riga"), Timezone)
    assert not calendar.get_missing_tzids()
    own = zones["Europe/Riga"].to_tz(lookup_tzid=False)
    assert start.replace(tzinfo=own).utcoffset() == timedelta(hours=2)
    assert summer.replace(tzinfo=own).utcoffset() == timedelta(hours=3)


async def test_every_timed_event_ends_after_it_starts(driver: Driver):
    calendar = await exported(driver)
    timed = [e for e in calendar.walk("VEVENT") if isinstance(e.decoded("dtstart"), datetime)]
    assert {str(e.get("summary")) for e in timed} >= {"⏰ River stories", "📹 Water around us"}
    for event in timed:
        start = event.decoded("dtstart")
        end = event.decoded("dtend") if "DTEND" in event else start + event.decoded("duration")
        assert end > start, event.to_ical()
    deadline = next(e for e in timed if str(e.get("summary")) == "⏰ River stories")
    due = datetime(2026, 12, 15, 21, 59, tzinfo=UTC)  # 15 December, 23:59 in Riga
    assert deadline.decoded("dtend") == due  # the event ends at the deadline ...
    assert deadline.decoded("dtstart").astimezone(RIGA).date() == date(2026, 12, 15)  # same day


async def test_ics_export_parses_back_with_stable_uids(driver: Driver):
    jonas = await planned_team(driver)
    calendars = [await export(jonas), await export(jonas)]
    events = [e for e in calendars[0].walk("VEVENT")]
    summaries = {str(e.get("summary")) for e in events}
    assert "⏰ River stories" in summaries
    assert any("Lithuania" in s and "Christmas" in s for s in summaries)
    assert any("Latvia" in s and ("Independence" in s or "Proclamation" in s) for s in summaries)
    uids = [str(e.get("uid")) for e in events]
    assert len(uids) == len(set(uids))
    assert uids == [str(e.get("uid")) for e in calendars[1].walk("VEVENT")]
    assert any("Ziemas brīvlaiks" in s for s in summaries)
    meeting = next(e for e in events if str(e.get("summary")).startswith("📹"))
    assert meeting.get("rrule")["INTERVAL"] == [2]
    deadline = next(e for e in events if str(e.get("summary")) == "⏰ River stories")
    assert deadline.decoded("dtend") == datetime(2026, 12, 15, 21, 59, tzinfo=UTC)  # ends at it
