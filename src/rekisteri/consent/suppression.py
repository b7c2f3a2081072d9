"""The suppression list: keyed hashes of addresses that must never receive marketing.

Only an HMAC-SHA256 of the normalised value is kept, with a key that lives in the data
directory (`settings.SUPPRESSION_KEY`), so the list cannot be read back into addresses and
is useless without the key. Entries are not linked to persons: erasure leaves them, and a
person imported again with the same address is still left out.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from rekisteri.consent.models import (
    SuppressedContact,
    Suppression,
    SuppressionKind,
    SuppressionScan,
)
from rekisteri.register.validators import InvalidValue, normalise_email, normalise_phone


def normalise(kind: str, value: str) -> str:
    value = (value or "").strip()
    try:
        if kind == SuppressionKind.EMAIL:
            return normalise_email(value)
        return normalise_phone(value)
    except InvalidValue:
        return value.lower() if kind == SuppressionKind.EMAIL else value.replace(" ", "")


def _hasher() -> hmac.HMAC:
    return hmac.new(settings.SUPPRESSION_KEY.encode(), digestmod=hashlib.sha256)


def digest(kind: str, value: str, *, normalised: bool = False) -> str:
    h = _hasher().copy()
    h.update(f"{kind}:{value if normalised else normalise(kind, value)}".encode())
    return h.hexdigest()


def digests_of(kind: str, values: Iterable[str]) -> list[str]:
    """Digests of already-normalised values (contact points store them normalised)."""
    base = _hasher()
    out = []
    for value in values:
        h = base.copy()
        h.update(f"{kind}:{value}".encode())
        out.append(h.hexdigest())
    return out


def _pairs(email: str | None, phone: str | None) -> list[tuple[str, str]]:
    pairs = []
    if email and email.strip():
        pairs.append((SuppressionKind.EMAIL.value, normalise(SuppressionKind.EMAIL, email)))
    if phone and phone.strip():
        pairs.append((SuppressionKind.PHONE.value, normalise(SuppressionKind.PHONE, phone)))
    return pairs


def suppression_match(*, email: str | None = None, phone: str | None = None) -> bool:
    """Is this email address or phone number on the suppression list?"""
    digests = [digest(k, v, normalised=True) for k, v in _pairs(email, phone)]
    return bool(digests) and Suppression.objects.filter(digest__in=digests).exists()


def add_entries(*, email: str | None, phone: str | None, reason: str) -> int:
    """Add entries (idempotent) and index the current contact points they match."""
    from rekisteri.register.models import ContactPoint

    added = 0
    with transaction.atomic():
        for kind, value in _pairs(email, phone):
            _, created = Suppression.objects.get_or_create(
                digest=digest(kind, value, normalised=True),
                defaults={"kind": kind, "reason": reason[:40]},
            )
            added += int(created)
            cp_kind = "email" if kind == SuppressionKind.EMAIL else "phone"
            ids = ContactPoint.objects.filter(kind=cp_kind, value=value).values_list(
                "pk", flat=True
            )
            SuppressedContact.objects.bulk_create(
                [SuppressedContact(contact_point_id=i) for i in ids], ignore_conflicts=True
            )
    return added


def remove_entries(*, email: str | None, phone: str | None) -> int:

    removed = 0
    with transaction.atomic():
        for kind, value in _pairs(email, phone):
            removed += Suppression.objects.filter(
                digest=digest(kind, value, normalised=True)
            ).delete()[0]
            cp_kind = "email" if kind == SuppressionKind.EMAIL else "phone"
            SuppressedContact.objects.filter(
                contact_point__kind=cp_kind, contact_point__value=value
            ).delete()
    return removed


def suppression_refresh(batch: int = 20000) -> int:
    """Compare contact points added since the last scan with the list; returns matches.

    An HMAC cannot be computed in SQL, so audiences read the derived SuppressedContact
    index. Entries added later are matched against existing contact points at once (see
    add_entries); this catches contact points created afterwards, such as a person
    imported again after erasure. With an empty list there is nothing to hash.
    """
    from rekisteri.register.models import ContactPoint

    scan, _ = SuppressionScan.objects.get_or_create(pk=1)
    top = ContactPoint.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    if top <= scan.last_id:
        return 0
    found = 0
    if Suppression.objects.exists():
        known = set(Suppression.objects.values_list("digest", flat=True))
        start = scan.last_id
        while start < top:
            end = min(top, start + batch)
            # A primary-key range, filtered here: filtering on kind would sort every batch.
            rows = list(
                ContactPoint.objects.filter(pk__gt=start, pk__lte=end).values_list(
                    "pk", "kind", "value"
                )
            )
            hits = []
            for kind in ("email", "phone"):
                sel = [(pk, v) for pk, k, v in rows if k == kind]
                for (pk, _v), d in zip(sel, digests_of(kind, [v for _, v in sel]), strict=True):
                    if d in known:
                        hits.append(SuppressedContact(contact_point_id=pk))
            SuppressedContact.objects.bulk_create(hits, ignore_conflicts=True)
            found += len(hits)
            start = end
    scan.last_id = top
    scan.scanned_at = timezone.now()
    scan.save(update_fields=["last_id", "scanned_at"])
    return found
