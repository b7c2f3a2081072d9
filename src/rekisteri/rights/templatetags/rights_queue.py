"""Helpers of the request queue's table cells: a request's days left, and the users it can
be assigned to (worked out once per page by the view)."""

from __future__ import annotations

from typing import Any

from django import template

from rekisteri.rights.selectors import QueueRow
from rekisteri.rights.selectors import queue_row as _queue_row

register = template.Library()


@register.filter
def queue_row(record: Any) -> QueueRow:
    return _queue_row(record)


@register.filter
def assignable_in(record: Any, table: Any) -> list[Any]:
    """The users `record` can be assigned to, from the table's (or a dict's) `assignable`."""
    assignable = table.get("assignable") if isinstance(table, dict) else table.assignable
    return list((assignable or {}).get(record.pk, []))
