"""The one place that decides what a staff user may see and change.

A user's roles (catalogue) grant purposes; purposes cover data categories; each field names
its category (common.personal). Records belong to controllers; a user sees the records of
their own controllers, and those of other group companies only through a purpose that the
catalogue marks as shared within the group. Both the UI and the API call `scope_for`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q, QuerySet

from rekisteri.catalogue.selectors import catalogue_snapshot

ALWAYS_VISIBLE: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Scope:
    username: str
    roles: frozenset[str] = frozenset()
    purposes: frozenset[str] = frozenset()
    categories: frozenset[str] = frozenset()
    controller_ids: frozenset[int] = frozenset()
    shared_controller_ids: frozenset[int] = frozenset()
    shared_categories: frozenset[str] = frozenset()
    is_dpo: bool = False
    is_admin: bool = False
    can_reveal: bool = False
    mfa_required: bool = False
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def is_staff(self) -> bool:
        return bool(self.roles)

    def can_read(self, category: str) -> bool:
        return category in self.categories

    def visible_controller_ids(self) -> frozenset[int]:
        return self.controller_ids | self.shared_controller_ids

    def categories_for(self, controller_id: int) -> frozenset[str]:
        """Categories visible on a record of the given controller."""
        if controller_id in self.controller_ids:
            return self.categories
        if controller_id in self.shared_controller_ids:
            return self.shared_categories
        return frozenset()


NOBODY = Scope(username="anonymous")


def scope_for(user: Any) -> Scope:
    if user is None or not getattr(user, "is_authenticated", False):
        return NOBODY
    cached = getattr(user, "_rekisteri_scope", None)
    if cached is not None:
        return cached
    from rekisteri.access.models import StaffProfile
    from rekisteri.register.models import Controller

    profile = StaffProfile.objects.filter(user=user).prefetch_related("controllers").first()
    if profile is None:
        scope = Scope(username=user.username)
    else:
        snap = catalogue_snapshot()
        roles = frozenset(r for r in profile.roles if r in snap.roles)
        purposes = (
            frozenset().union(*(snap.roles[r].purposes for r in roles)) if roles else frozenset()
        )
        categories = frozenset(snap.categories_for_purposes(purposes))
        own = frozenset(c.pk for c in profile.controllers.all())
        shared_purposes = {p for p in purposes if snap.purposes[p].shared_within_group}
        shared_categories = frozenset(snap.categories_for_purposes(shared_purposes))
        shared_ids = (
            frozenset(Controller.objects.exclude(pk__in=own).values_list("pk", flat=True))
            if shared_purposes
            else frozenset()
        )
        scope = Scope(
            username=user.username,
            roles=roles,
            purposes=purposes,
            categories=categories,
            controller_ids=own,
            shared_controller_ids=shared_ids,
            shared_categories=shared_categories,
            is_dpo=any(snap.roles[r].dpo for r in roles),
            is_admin=any(snap.roles[r].admin for r in roles),
            can_reveal=any(snap.roles[r].reveal_identity_codes for r in roles),
            mfa_required=any(snap.roles[r].mfa_required for r in roles),
        )
    user._rekisteri_scope = scope
    return scope


def restrict_to_controllers(qs: QuerySet, scope: Scope, path: str = "controller") -> QuerySet:
    """Records of the user's own group companies and of those shared with them."""
    return qs.filter(Q(**{f"{path}__in": scope.visible_controller_ids()}))
