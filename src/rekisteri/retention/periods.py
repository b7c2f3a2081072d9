"""Calendar arithmetic for retention periods: "3 months" after 30 November is 28/29 February,
"10 years" after 29 February is 28 February. A record anchored on day A with period P is due
on the day `add_period(A, P)`; `latest_due_anchor(as_of, P)` is the last anchor day that is
due by `as_of`, so the sweep can select due rows with one indexed comparison."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.utils import timezone


@dataclass(frozen=True)
class Period:
    years: int = 0
    months: int = 0
    days: int = 0

    @classmethod
    def of(cls, rule: Any) -> Period:
        return cls(rule.period_years, rule.period_months, rule.period_days)

    def __str__(self) -> str:
        parts = [
            f"{n} {unit}"
            for n, unit in ((self.years, "years"), (self.months, "months"), (self.days, "days"))
            if n
        ]
        return " + ".join(parts) or "0 days"


def add_months(day: date, months: int) -> date:
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def add_period(day: date, period: Period) -> date:
    return add_months(day, period.years * 12 + period.months) + timedelta(days=period.days)


def sub_period(day: date, period: Period) -> date:
    return add_months(day - timedelta(days=period.days), -(period.years * 12 + period.months))


def latest_due_anchor(as_of: date, period: Period) -> date:
    """The last anchor day A with add_period(A, period) <= as_of."""
    anchor = sub_period(as_of, period)
    # Month-end clamping can make sub_period land a day or three early; step forward.
    while add_period(anchor + timedelta(days=1), period) <= as_of:
        anchor += timedelta(days=1)
    while add_period(anchor, period) > as_of:
        anchor -= timedelta(days=1)
    return anchor


def start_of_day(day: date) -> datetime:
    """Midnight at the start of `day` in the register's time zone, as an aware datetime."""
    return timezone.make_aware(datetime.combine(day, time.min))


def local_date(moment: datetime) -> date:
    return timezone.localtime(moment).date()
