"""The computer's own time zone, with its rules for each date: a phone writes its recordings' names and a backup its
times in the local time of that day, and the report's days are local days."""

from __future__ import annotations

import time
from datetime import date, datetime, timedelta, tzinfo
from datetime import time as time_of_day


class LocalZone(tzinfo):
    """The system's local time zone, the offset of each date its own (summer time included). ``datetime.now()
    .astimezone().tzinfo`` is today's fixed offset: in Berlin in December a July recording named 14:30 became 13:30Z,
    an hour off, and missed its call in the log (a review). China keeps one offset all year; family abroad do not."""

    def _local(self, dt: datetime | None) -> datetime:
        naive = (dt or datetime.now()).replace(tzinfo=None)
        try:
            return naive.astimezone()  # a naive time read as local time, by the system's rules for that date
        except (OSError, OverflowError, ValueError):  # Windows cannot for a time before 1970 (a phone's reset clock)
            return naive.replace(tzinfo=datetime.now().astimezone().tzinfo)

    def utcoffset(self, dt: datetime | None) -> timedelta:
        return self._local(dt).utcoffset() or timedelta(0)

    def dst(self, dt: datetime | None) -> timedelta:
        """The summer-time part of the offset: the offset less the zone's standard one, when that date is in summer
        time (``time.localtime``'s own flag)."""
        local = self._local(dt)
        try:
            summer = time.localtime(local.timestamp()).tm_isdst > 0
        except (OSError, OverflowError, ValueError):
            return timedelta(0)
        return (local.utcoffset() or timedelta(0)) - timedelta(seconds=-time.timezone) if summer else timedelta(0)

    def tzname(self, dt: datetime | None) -> str:
        return self._local(dt).tzname() or "local"

    def fromutc(self, dt: datetime) -> datetime:
        utc = dt.replace(tzinfo=None) - datetime(1970, 1, 1)
        local = datetime.fromtimestamp(utc.total_seconds())  # the system's local time of that instant
        return local.replace(tzinfo=self)

    def __repr__(self) -> str:
        return "LocalZone()"


LOCAL = LocalZone()


def local_day_start(day: date) -> datetime:
    """Local midnight of ``day`` as an aware datetime (the history stores UTC): where a report's or a page's days
    begin."""
    return datetime.combine(day, time_of_day()).astimezone()


def month_days(today: date, last: bool = False) -> tuple[int, datetime, datetime]:
    """(days, since, until) of this calendar month so far, or (``last``) of the whole month before, from local
    midnight to local midnight: the period a family checks each month by (a trial asked for 「这个月」; 家人报告 and
    ``report --month``)."""
    first = today.replace(day=1)
    if last:
        end = first  # the day after the last day of last month
        first = (first - timedelta(days=1)).replace(day=1)
    else:
        end = today + timedelta(days=1)
    return (end - first).days, local_day_start(first), local_day_start(end)
