"""Helpers of the request queue's table cells: a request's days left, and the users it can
be assigned to (worked out once per page by the view)."""

from __future__ import annotations

import re
from typing import Any

from django import template
from django.utils.translation import gettext, gettext_noop, ngettext

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


#: the outcomes the services store (English, for the record), shown in the user's language
OUTCOMES = (
    gettext_noop("copy of the data sent"),
    gettext_noop("machine-readable copy sent"),
    gettext_noop("processing restricted"),
    gettext_noop("data rectified"),
    gettext_noop("direct marketing and profiling stopped"),
)
_ERASED = re.compile(r"erased; (\d+) records? kept as the law requires")
_OBJECTION = re.compile(r"objection (upheld|not upheld): (.*)", re.S)


@register.filter
def outcome_text(outcome: str) -> str:
    """A closed request's outcome (stored in English) in the user's language; the reasons the
    DPO wrote stay as written."""
    if match := _ERASED.fullmatch(outcome or ""):
        n = int(match.group(1))
        return ngettext(
            "erased; %(n)s record kept as the law requires",
            "erased; %(n)s records kept as the law requires",
            n,
        ) % {"n": n}
    if match := _OBJECTION.fullmatch(outcome or ""):
        head = (
            gettext("objection upheld")
            if match.group(1) == "upheld"
            else gettext("objection not upheld")
        )
        return f"{head}: {match.group(2)}"
    return gettext(outcome) if outcome else ""


@register.filter
def told_by(value: str) -> str:
    """How the person was told of an extension ("email", "letter", "phone") in words."""
    from rekisteri.rights.forms import TOLD_BY

    return str(TOLD_BY.get(value, value))
