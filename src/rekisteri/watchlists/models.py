"""Sanctions and PEP lists loaded from files a user downloaded, versioned.

- `WatchList`: one list by its name ("OpenSanctions default", "EU FSF", "UN consolidated").
- `ListVersion`: one loaded file of a list: its name and SHA-256, its format, when and by
  whom it was loaded and how many entries it held. Exactly one version of a list is current
  (a partial unique constraint), and the loader switches it only when the whole file has
  been read and written, in the same transaction: a file with a bad line, or a load killed
  half-way, leaves the previous version current and nothing of the new one.
- `ListEntity`: one entry of a version: its stable key across versions (the FtM id, the EU
  logicalId, the UN DATAID), its schema, names, birth dates, countries, programmes and
  topics, the source record for display, and what the matcher needs precomputed (each
  name's normalised tokens and their phonetic blocking keys), so building the match index reads
  columns instead of normalising 50,000 entries again.

The entries are names of persons listed in public sanctions and PEP lists, not data
subjects of the register: no row here relates to a register person, so the field map
(`common.personal`) does not cover them (docs/screening.md says why and how long versions
are kept). A screening hit that links a register person to an entry is the screening
app's and is personal data of that person.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class ListFormat(models.TextChoices):
    FTM = "ftm", _("OpenSanctions FollowTheMoney JSON lines")
    EU_FSF = "eu-fsf", _("EU Financial Sanctions Files XML")
    UN = "un", _("UN Security Council consolidated list XML")


class EntitySchema(models.TextChoices):
    PERSON = "person", _("person")  # catalogue-free: a list entry's schema
    ORGANISATION = "organisation", _("organisation")
    OTHER = "other", _("other (vessel, aircraft, security)")


class WatchList(models.Model):
    name = models.CharField(max_length=120, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ListVersion(models.Model):
    watchlist = models.ForeignKey(WatchList, on_delete=models.PROTECT, related_name="versions")
    file_name = models.CharField(max_length=255)
    sha256 = models.CharField(max_length=64)
    format = models.CharField(max_length=12, choices=ListFormat.choices)
    loaded_at = models.DateTimeField()
    loaded_by = models.CharField(max_length=150, help_text="staff user name or a process name")
    entity_count = models.PositiveIntegerField(default=0)
    is_current = models.BooleanField(default=False)

    class Meta:
        ordering = ["watchlist__name", "-loaded_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["watchlist"],
                condition=Q(is_current=True),
                name="watchlists_one_current_version_per_list",
            )
        ]

    def __str__(self) -> str:
        return f"{self.watchlist.name} {self.loaded_at:%Y-%m-%d %H:%M}"


class ListEntity(models.Model):
    version = models.ForeignKey(ListVersion, on_delete=models.CASCADE, related_name="entities")
    key = models.CharField(max_length=200, help_text="stable id of the entry across versions")
    schema = models.CharField(max_length=16, choices=EntitySchema.choices)
    caption = models.CharField(max_length=400)
    #: every name of the entry, its main name first, then aliases
    names = models.JSONField(default=list)
    #: ISO dates, or a year ("1970") or year-month ("1970-05") as the list gives them
    birth_dates = models.JSONField(default=list)
    #: ISO 3166-1 alpha-2, lower case as FtM writes them
    countries = models.JSONField(default=list)
    #: sanctions programmes, FtM topics ("sanction", "role.pep")
    topics = models.JSONField(default=list)
    #: the source record (an FtM entity's JSON, or the XML element's fields) for display
    raw = models.JSONField(default=dict)
    #: precomputed for the matcher: one list of normalised tokens per name (matching.py)
    name_tokens = models.JSONField(default=list)
    #: precomputed for the matcher: the phonetic blocking key of each token, per name
    name_codes = models.JSONField(default=list)

    class Meta:
        ordering = ["version", "id"]
        constraints = [
            models.UniqueConstraint(fields=["version", "key"], name="watchlists_entity_key_once")
        ]

    def __str__(self) -> str:
        return self.caption
