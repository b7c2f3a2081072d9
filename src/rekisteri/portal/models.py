"""Counters of POSTs to the public forms that send mail, for the limits in portal.limits."""

from __future__ import annotations

from django.db import models


class PostCounter(models.Model):
    """How many POSTs one client address (or everyone, `key` "*") made in one window.

    `key` is a keyed hash of the address (HMAC with the field key): addresses can be counted
    but not read back. Rows of past windows are deleted by the next POST."""

    key = models.CharField(max_length=64)
    window_start = models.DateTimeField(db_index=True)
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["key", "window_start"], name="portal_counter_once")
        ]
