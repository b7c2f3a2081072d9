"""The 72-hour clock of a breach for a table cell: its state, label and hours left now."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils import timezone

from rekisteri.breaches.models import ClockState

register = template.Library()


@register.filter
def breach_clock(breach: Any) -> dict[str, Any]:
    now = timezone.now()
    state = breach.clock(now)
    return {
        "state": state,
        "label": ClockState(state).label,
        "hours_left": breach.hours_left(now),
        "open": state in (ClockState.DUE, ClockState.OVERDUE),
    }
