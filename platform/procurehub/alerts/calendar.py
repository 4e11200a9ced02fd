"""Per-user iCalendar (RFC 5545) feed of decision deadlines and contract ends.

Plain values in, bytes out (no Flask, no SQLAlchemy): the caller turns opportunities and
contracts into `CalendarEvent`s; `build_calendar` writes the feed served at `calendar.ics`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from icalendar import Calendar, Event

__all__ = ["PRODID", "UID_DOMAIN", "CalendarEvent", "build_calendar"]

PRODID = "-//ProcureHub//Renewal alerts//EN"
UID_DOMAIN = "procurehub"


@dataclass(frozen=True)
class CalendarEvent:
    """One all-day event. `uid` must be stable across feeds (e.g. `deadline-opp-42`)."""

    uid: str
    summary: str
    day: date
    description: str = ""
    url: str | None = None
    categories: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not self.uid or not self.uid.strip():
            raise ValueError("a calendar event needs a uid")
        # datetime is a subclass of date: an all-day event must be given a plain date.
        if isinstance(self.day, datetime) or not isinstance(self.day, date):
            raise TypeError("CalendarEvent.day must be a datetime.date (all-day event)")
        if isinstance(self.categories, str):
            raise TypeError("CalendarEvent.categories must be a tuple of strings, not a string")


def _utc(moment: datetime) -> datetime:
    """DTSTAMP must be UTC; a naive datetime is taken to be UTC already."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def _full_uid(uid: str) -> str:
    uid = uid.strip()
    suffix = f"@{UID_DOMAIN}"
    return uid if uid.endswith(suffix) else uid + suffix


def build_calendar(events: Iterable[CalendarEvent], *, name: str, now: datetime) -> bytes:
    """The feed as bytes (CRLF lines, UTF-8).

    One all-day VEVENT per event: DTSTART;VALUE=DATE = day, DTEND = the next day, DTSTAMP = now
    (UTC), UID = uid + "@procurehub", SUMMARY, DESCRIPTION (when given), URL (when given),
    CATEGORIES (when given), TRANSP:TRANSPARENT (deadlines do not block free/busy time).
    Events are written in (day, uid) order so an unchanged feed gives identical bytes (ETags).
    Two events with the same uid are a caller bug: ValueError.
    """
    stamp = _utc(now)
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", name)

    seen: set[str] = set()
    for item in sorted(events, key=lambda e: (e.day, _full_uid(e.uid))):
        uid = _full_uid(item.uid)
        if uid in seen:
            raise ValueError(f"two calendar events share the uid {uid!r}")
        seen.add(uid)
        event = Event()
        event.add("uid", uid)
        event.add("dtstamp", stamp)
        event.add("dtstart", item.day)
        event.add("dtend", item.day + timedelta(days=1))
        event.add("summary", item.summary)
        if item.description:
            event.add("description", item.description)
        if item.url:
            event.add("url", item.url)
        if item.categories:
            event.add("categories", list(item.categories))
        event.add("transp", "TRANSPARENT")
        cal.add_component(event)
    return cal.to_ical()
