"""A service's message in the user's words, worked out when it is shown.

A service raises its message as English text (a gettext message id) with its values apart:

    raise RightsError(gettext_noop("that month ended on %(day)s"), day=request.due_date)

and `in_words` gives it in the language active where it is shown: the message translated
(whole, or else part by part around ": "), a date in the language's short format
(29.11.2026, 2026-11-29, 29 Nov 2026), a time in local time, and a model (a class or its
label "register.Person") by its verbose name ("henkilö"). The English and the values stay
on the exception (`message`, `params`) for logs and the command line.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.apps import apps
from django.db import models
from django.utils import formats, timezone
from django.utils.translation import gettext


def _model_name(value: Any) -> str | None:
    if isinstance(value, type) and issubclass(value, models.Model):
        return str(value._meta.verbose_name)
    if isinstance(value, str) and value.count(".") == 1 and value[:1].islower():
        try:
            return str(apps.get_model(value)._meta.verbose_name)
        except (LookupError, ValueError):
            return None
    return None


def shown(value: Any) -> str:
    """One value of a message as the user reads it."""
    if isinstance(value, dt.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return formats.date_format(value, "SHORT_DATETIME_FORMAT")
    if isinstance(value, dt.date):
        return formats.date_format(value, "SHORT_DATE_FORMAT")
    if isinstance(value, (list, tuple, set, frozenset)):
        return ", ".join(shown(v) for v in value)
    if (name := _model_name(value)) is not None:
        return name
    return str(value)


def translated(message: str) -> str:
    """The message in the active language: whole if known, else part by part around ": "."""
    whole = gettext(message)
    if whole != message or ": " not in message:
        return whole
    return ": ".join(gettext(part) for part in message.split(": "))


def in_words(message: str, params: Mapping[str, Any] | None = None) -> str:
    """The message translated, with its values in the language's formats."""
    text = translated(message)
    if not params:
        return text
    try:
        return text % {key: shown(value) for key, value in params.items()}
    except (KeyError, ValueError, TypeError):
        return message % {key: shown(value) for key, value in params.items()}
