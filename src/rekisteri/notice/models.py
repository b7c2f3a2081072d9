"""Published versions of the privacy notice.

A NoticeVersion is made when a loaded catalogue changes what the notice says (see
notice.services.notice_version_sync). It keeps the content it was written from, the change
log against the version before, and the HTML exactly as published in each language, so an
earlier version can be shown as people saw it.
"""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.utils import timezone


class NoticeVersion(models.Model):
    number = models.PositiveIntegerField(unique=True)
    catalogue_version = models.ForeignKey(
        "catalogue.CatalogueVersion", on_delete=models.PROTECT, related_name="notice_versions"
    )
    published_at = models.DateTimeField()
    digest = models.CharField(max_length=64)
    content = models.JSONField()
    changes = models.JSONField(default=list)
    changed_purposes = models.JSONField(default=list)
    html = models.JSONField(default=dict, help_text="{fi, sv, en} as published")
    published_by = models.CharField(max_length=150)

    class Meta:
        ordering = ["-number"]

    def __str__(self) -> str:
        return f"notice v{self.number} ({self.published_at:%Y-%m-%d})"

    @property
    def notice_date(self) -> dt.date:
        """The date the notice states: the catalogue's effective date, else the publishing date."""
        day = (self.content.get("notice") or {}).get("effective_date")
        return dt.date.fromisoformat(day) if day else timezone.localdate(self.published_at)
