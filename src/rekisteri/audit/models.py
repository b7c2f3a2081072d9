"""The audit trail: an append-only hash chain of who did what to whose data, and why.

Design:
- Events carry no personal data in clear. They point at persons by id; values they must
  keep (before/after of a change) are encrypted with the person's own AuditKey. Erasure
  deletes that key (crypto-shredding): the event stays, its hash still verifies, but what it
  held about the person can no longer be read.
- Each event stores the hash of the one before it and its own hash over its content, and a
  gap-free sequence number taken under a lock on the chain head; `rekisteri audit verify`
  finds the first changed, removed or inserted event.
- Each hash is an HMAC keyed with AUDIT_CHAIN_KEY (kept beside the other secrets, outside
  the database): someone with write access to the database alone cannot forge an event
  that verifies.
- There is no update or delete path in the application: the model refuses both, and
  database triggers (migration 0002, audit/guard.py) refuse UPDATE and DELETE on the
  events table on SQLite and PostgreSQL. A database administrator can drop the triggers;
  the chain is what then tells.
- AuditSubject indexes every person an event names (a batch event names many), so the
  DPO's access log of a person is one indexed lookup. It is derived from the events
  (`person_id`, `person_ids` are inside the hash) and carries no data of its own.
"""

from __future__ import annotations

from django.db import models


class AuditAction(models.TextChoices):
    VIEW = "view", "view"
    SEARCH = "search", "search"
    OPEN_FROM_SEARCH = "open_from_search", "open from search results"
    LIST = "list", "list"
    EXPORT = "export", "export"
    CREATE = "create", "create"
    UPDATE = "update", "update"
    DELETE = "delete", "delete"
    REVEAL = "reveal", "reveal identity code"
    DISCLOSURE = "disclosure", "disclosure"
    ERASURE = "erasure", "erasure"
    RESTRICTION = "restriction", "restriction"
    IMPORT = "import", "import"
    CATALOGUE = "catalogue", "catalogue load"
    RETENTION = "retention", "retention sweep"
    RIGHTS = "rights", "data subject request"  # catalogue-free: an audit action
    MARKETING = "marketing", "marketing"  # catalogue-free: an audit action
    LOGIN = "login", "login"
    ADMIN = "admin", "administration"  # catalogue-free: an audit action
    REFUSED = "refused", "refused"


class ChainHead(models.Model):
    """One row, locked while an event is appended, so the chain has one order."""

    seq = models.BigIntegerField(default=0)
    hash = models.CharField(max_length=64, default="0" * 64)


class AuditEvent(models.Model):
    seq = models.BigIntegerField(unique=True)
    at = models.DateTimeField(db_index=True)
    actor = models.CharField(
        max_length=150, help_text="staff user name, 'public' or a process name"
    )
    action = models.CharField(max_length=24, choices=AuditAction.choices)
    person_id = models.BigIntegerField(null=True, db_index=True)
    person_ids = models.JSONField(default=list, blank=True, help_text="for batch events")
    record = models.CharField(max_length=120, blank=True)
    categories = models.JSONField(default=list, blank=True)
    fields = models.JSONField(default=list, blank=True)
    purpose = models.CharField(max_length=512, blank=True)
    reason = models.CharField(max_length=500, blank=True, help_text="never personal data")
    ip = models.GenericIPAddressField(null=True, blank=True)
    detail = models.JSONField(
        default=dict, blank=True, help_text="counts and codes, never personal data"
    )
    sealed = models.TextField(
        blank=True, help_text="personal values, encrypted with the person's AuditKey"
    )
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    class Meta:
        ordering = ["seq"]
        indexes = [models.Index(fields=["person_id", "at"])]

    def save(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        if self.pk is not None:
            raise PermissionError("audit events cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        raise PermissionError("audit events cannot be deleted")


class AuditKey(models.Model):
    """A person's key for the sealed parts of their audit events; erasure deletes it."""

    person_id = models.BigIntegerField(unique=True)
    key = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)


class ErasedSubject(models.Model):
    """Whose a person no longer in the register was: their group company, kept when the
    person's key is destroyed (erasure, the retention sweep), so that the events left under
    the bare id stay readable only by that company's DPO. No personal data: two ids."""

    person_id = models.BigIntegerField(unique=True)
    controller_id = models.BigIntegerField()
    at = models.DateTimeField(auto_now_add=True)


class AuditSubject(models.Model):
    """Index: which events name which person (events hold the truth; see module doc)."""

    event = models.ForeignKey(AuditEvent, on_delete=models.PROTECT, related_name="subjects")
    person_id = models.BigIntegerField()

    class Meta:
        indexes = [models.Index(fields=["person_id", "event"])]


class ChainVerification(models.Model):
    """One run of `rekisteri audit verify`: when, how far it got, and whether the chain held.

    /healthz and monitoring read the last one. No personal data: the first broken event is
    named by its sequence number and what was wrong with it, never by its actor.
    """

    at = models.DateTimeField(db_index=True)
    checked = models.BigIntegerField(help_text="events found intact before the first problem")
    ok = models.BooleanField()
    problem_seq = models.BigIntegerField(null=True, blank=True)
    problem_kind = models.CharField(max_length=16, blank=True)

    class Meta:
        ordering = ["-at"]
