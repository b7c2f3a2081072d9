"""Art. 12(3) deadlines in calendar months.

"Within one month of receipt": the same day of the next month; when that month is shorter,
its last day (31 January → 28/29 February), as the EDPB reads Regulation 1182/71 Art. 3(2)(c).
An extension adds up to two further months, counted from the original due date.
"""

from __future__ import annotations

import calendar
from datetime import date

MAX_EXTENSION_MONTHS = 2
DUE_SOON_DAYS = 7


def add_months(day: date, months: int) -> date:
    month_index = day.month - 1 + months
    year = day.year + month_index // 12
    month = month_index % 12 + 1
    last = calendar.monthrange(year, month)[1]
    return date(year, month, min(day.day, last))


def due_date_for(received: date) -> date:
    return add_months(received, 1)


def extended_due_date(due: date, months: int) -> date:
    if not 1 <= months <= MAX_EXTENSION_MONTHS:
        raise ValueError("an extension is one or two months (Art. 12(3))")
    return add_months(due, months)
