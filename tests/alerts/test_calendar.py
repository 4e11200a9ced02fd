"""The iCalendar feed, parsed back with icalendar itself."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from icalendar import Calendar

from procurehub.alerts.calendar import PRODID, CalendarEvent, build_calendar

NOW = datetime(2025, 6, 1, 9, 30, 0, tzinfo=UTC)

DEADLINE = CalendarEvent(
    uid="opportunity-17-deadline",
    summary="Decision deadline: residual waste treatment (S12000050, S12000049)",
    day=date(2026, 3, 31),
    description="Joint tender must start by 31 March 2026.\nJoint start: 31 March 2029, lead time 36 months.",
    url="https://hub.example.gov.uk/opportunities/17",
    categories=("waste", "decision_deadline"),
)
CONTRACT_END = CalendarEvent(
    uid="contract-501-end",
    summary="Contract ends: Bulky uplift, Acme Ltd; lot 2",
    day=date(2025, 12, 31),
    description="No renewal plan recorded.",
)


def _events(feed: bytes) -> dict[str, object]:
    cal = Calendar.from_ical(feed)
    return {str(ev["UID"]): ev for ev in cal.walk("VEVENT")}


def test_feed_round_trips_through_icalendar() -> None:
    feed = build_calendar([DEADLINE, CONTRACT_END], name="ProcureHub: Ann Smith", now=NOW)
    assert isinstance(feed, bytes)

    cal = Calendar.from_ical(feed)
    assert str(cal["PRODID"]) == PRODID == "-//ProcureHub//Renewal alerts//EN"
    assert str(cal["VERSION"]) == "2.0"
    assert str(cal["X-WR-CALNAME"]) == "ProcureHub: Ann Smith"

    events = _events(feed)
    assert set(events) == {"opportunity-17-deadline@procurehub", "contract-501-end@procurehub"}

    deadline = events["opportunity-17-deadline@procurehub"]
    assert str(deadline["SUMMARY"]) == DEADLINE.summary
    assert str(deadline["DESCRIPTION"]) == DEADLINE.description  # newline survives escaping
    assert str(deadline["URL"]) == "https://hub.example.gov.uk/opportunities/17"
    assert list(deadline["CATEGORIES"].cats) == ["waste", "decision_deadline"]
    start, end = deadline["DTSTART"].dt, deadline["DTEND"].dt
    # all-day: plain dates, not datetimes, and DTEND is the (exclusive) next day
    assert type(start) is date and type(end) is date
    assert start == date(2026, 3, 31) and end == date(2026, 4, 1)
    assert deadline["DTSTAMP"].dt == NOW

    ends = events["contract-501-end@procurehub"]
    assert str(ends["SUMMARY"]) == "Contract ends: Bulky uplift, Acme Ltd; lot 2"
    assert str(ends["DESCRIPTION"]) == "No renewal plan recorded."
    assert ends["DTSTART"].dt == date(2025, 12, 31)
    assert ends["DTEND"].dt == date(2026, 1, 1)  # across the year end
    assert "URL" not in ends and "CATEGORIES" not in ends


def test_raw_text_uses_value_date_and_crlf() -> None:
    feed = build_calendar([DEADLINE], name="x", now=NOW)
    text = feed.decode("utf-8")
    assert "DTSTART;VALUE=DATE:20260331\r\n" in text
    assert "DTEND;VALUE=DATE:20260401\r\n" in text
    assert "DTSTAMP:20250601T093000Z\r\n" in text
    assert text.startswith("BEGIN:VCALENDAR\r\n") and text.rstrip().endswith("END:VCALENDAR")


def test_output_is_deterministic_whatever_the_input_order() -> None:
    a = build_calendar([DEADLINE, CONTRACT_END], name="n", now=NOW)
    b = build_calendar([CONTRACT_END, DEADLINE], name="n", now=NOW)
    assert a == b
    # events in date order: the contract end (2025) comes first
    assert a.index(b"contract-501-end") < a.index(b"opportunity-17-deadline")


def test_dtstamp_is_converted_to_utc() -> None:
    edinburgh_summer = timezone(timedelta(hours=1))
    feed = build_calendar(
        [CONTRACT_END], name="n", now=datetime(2025, 6, 1, 10, 30, tzinfo=edinburgh_summer)
    )
    assert b"DTSTAMP:20250601T093000Z" in feed
    naive = build_calendar([CONTRACT_END], name="n", now=datetime(2025, 6, 1, 9, 30))
    assert b"DTSTAMP:20250601T093000Z" in naive


def test_uid_already_qualified_is_not_doubled() -> None:
    event = CalendarEvent(uid="x-1@procurehub", summary="s", day=date(2025, 1, 1))
    assert list(_events(build_calendar([event], name="n", now=NOW))) == ["x-1@procurehub"]


def test_empty_feed_is_still_a_valid_calendar() -> None:
    cal = Calendar.from_ical(build_calendar([], name="Nothing due", now=NOW))
    assert str(cal["X-WR-CALNAME"]) == "Nothing due"
    assert cal.walk("VEVENT") == []


def test_duplicate_uids_are_refused() -> None:
    twin = CalendarEvent(uid=DEADLINE.uid, summary="other", day=date(2027, 1, 1))
    with pytest.raises(ValueError, match="uid"):
        build_calendar([DEADLINE, twin], name="n", now=NOW)


def test_event_day_must_be_a_plain_date() -> None:
    with pytest.raises(TypeError):
        CalendarEvent(uid="a", summary="s", day=datetime(2025, 1, 1, 12, 0))  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        CalendarEvent(uid=" ", summary="s", day=date(2025, 1, 1))
