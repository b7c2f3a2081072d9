"""Token authentication for the API.

A token is `rk_` and 43 random URL-safe characters, shown once when created; the database
keeps only its SHA-256 (the token has 256 bits of entropy, so a fast hash is enough) and its
first eight characters, so that an operator can tell tokens apart in `rekisteri token list`.
A token acts as its user: the user's roles and group companies decide what it may see,
exactly as in the staff UI. Only staff (a user with a StaffProfile and a role) may use the API.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.db.models import Subquery
from django.http import HttpRequest
from django.utils import timezone
from ninja.security import HttpBearer

from rekisteri.access.policy import ProcessingRefused
from rekisteri.api.errors import NotStaff
from rekisteri.audit.models import AuditAction
from rekisteri.audit.services import audit_record

LAST_USED_RESOLUTION = timedelta(minutes=1)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def token_create(*, user: Any, name: str = "", actor: Any = "cli") -> str:
    from rekisteri.api.models import ApiToken

    token = "rk_" + secrets.token_urlsafe(32)
    row = ApiToken.objects.create(user=user, name=name, prefix=token[:8], token_hash=_hash(token))
    audit_record(
        actor=actor,
        action=AuditAction.ADMIN,
        record=f"api.ApiToken:{row.pk}",
        reason="API token created",
        detail={"user_id": user.pk},
    )
    return token


def token_list(*, user: Any) -> list[Any]:
    from rekisteri.api.models import ApiToken

    return list(ApiToken.objects.filter(user=user).order_by("id"))


@transaction.atomic
def token_revoke(*, token_id: int, actor: Any = "cli") -> Any:
    """Revoke a token; it stops working at once. Returns the token row, or None."""
    from rekisteri.api.models import ApiToken

    row = ApiToken.objects.select_for_update().filter(pk=token_id).first()
    if row is not None and row.revoked_at is None:
        row.revoked_at = timezone.now()
        row.save(update_fields=["revoked_at"])
        audit_record(
            actor=actor,
            action=AuditAction.ADMIN,
            record=f"api.ApiToken:{row.pk}",
            reason="API token revoked",
            detail={"user_id": row.user_id},
        )
    return row


class TokenAuth(HttpBearer):
    """`Authorization: Bearer rk_…`; the request's user becomes the token's owner.

    `categories`: data categories the operation needs at all (persons need "basic"). They
    are checked here, before the request body is parsed, so that a role without them gets
    403 whatever it sends; which fields it then reads or writes is the services' business.
    """

    def __init__(self, *, categories: frozenset[str] = frozenset()) -> None:
        super().__init__()
        self.categories = categories

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        from rekisteri.access.selectors import scope_for
        from rekisteri.api.models import ApiToken
        from rekisteri.catalogue.models import CatalogueVersion

        row = (
            # The user's staff profile and the catalogue's current version come with the
            # token: scope_for needs no query of its own for them.
            ApiToken.objects.select_related("user", "user__staff")
            .annotate(
                current_catalogue=Subquery(
                    CatalogueVersion.objects.order_by("-id").values("id")[:1]
                )
            )
            .filter(token_hash=_hash(token), revoked_at__isnull=True)
            .first()
        )
        if row is None or not row.user.is_active:
            return None
        now = timezone.now()
        # Once a minute is exact enough for "last used", and spares a write per request.
        if row.last_used_at is None or now - row.last_used_at > LAST_USED_RESOLUTION:
            ApiToken.objects.filter(pk=row.pk).update(last_used_at=now)
        request.user = row.user
        scope = scope_for(row.user, catalogue_version=row.current_catalogue)
        if not scope.is_staff:
            raise NotStaff()
        missing = self.categories - scope.categories
        if missing:
            raise ProcessingRefused(
                "Your role's purposes do not cover these data categories: "
                + ", ".join(sorted(missing)),
                code="category",
            )
        return row.user
