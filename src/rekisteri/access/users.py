"""Staff users: create, give roles and group companies, deactivate, reset two-step
verification. The staff users page (access.user_views) and `rekisteri staff` use these.

Every write needs `manage_staff` (the scope's, or a system scope's for the command), runs
in a transaction and writes an `admin` audit event in it. The event names the staff user
by id (`auth.User:<id>`); user names are already the actors of the trail.

Two guards keep the register administrable: nobody deactivates themselves, and no change
leaves the register without an active user whose roles cover `manage_staff` (the last
administrator cannot be deactivated or lose that role).

An administrator administers their own group companies only: they see and change the staff
users all of whose group companies are theirs (another company's staff read as missing),
and give only their own companies. A group-level administrator holds every company.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django_otp import devices_for_user

from rekisteri.access.capabilities import CAPABILITIES, Cap
from rekisteri.access.models import StaffProfile
from rekisteri.access.policy import ProcessingRefused
from rekisteri.access.selectors import Scope
from rekisteri.audit.models import AuditAction
from rekisteri.audit.services import Actor, audit_record
from rekisteri.catalogue.selectors import catalogue_snapshot
from rekisteri.register.inputs import InputError
from rekisteri.register.models import Controller

LANGUAGES = ("fi", "sv", "en")


@dataclass(frozen=True)
class StaffRow:
    user: Any
    roles: list[str]
    controllers: list[Controller]
    has_mfa: bool
    administers: bool


def roles_covering(capability: str) -> frozenset[str]:
    """The catalogue's roles one of whose purposes covers the capability."""
    snap = catalogue_snapshot()
    return frozenset(
        code
        for code, role in snap.roles.items()
        if any(
            p in snap.purposes and capability in snap.purposes[p].capabilities
            for p in role.purposes
        )
    )


def _check(scope: Scope) -> None:
    if not scope.can(Cap.MANAGE_STAFF):
        raise ProcessingRefused(
            _("Your role's purposes do not cover “%(what)s”.")
            % {"what": CAPABILITIES[Cap.MANAGE_STAFF].label},
            code="purpose",
        )


def administered_companies(scope: Scope) -> list[Controller]:
    """The group companies whose staff the scope administers, by name."""
    return list(Controller.objects.filter(pk__in=scope.controller_ids).order_by("name"))


def _administers(scope: Scope, controllers: Iterable[Controller]) -> bool:
    return all(c.pk in scope.controller_ids for c in controllers)


def staff_list(scope: Scope) -> list[StaffRow]:
    """The staff users the scope administers (all of whose group companies are its own)."""
    _check(scope)
    admins = roles_covering(Cap.MANAGE_STAFF)
    with_device = {d.user_id for d in _all_devices()}
    profiles = StaffProfile.objects.select_related("user").prefetch_related("controllers")
    rows = [
        StaffRow(
            user=p.user,
            roles=list(p.roles),
            controllers=sorted(p.controllers.all(), key=lambda c: c.name),
            has_mfa=p.user_id in with_device,
            administers=bool(admins & set(p.roles)),
        )
        for p in profiles
        if _administers(scope, p.controllers.all())
    ]
    return sorted(rows, key=lambda r: r.user.username.casefold())


def staff_get(scope: Scope, user_id: int) -> StaffRow:
    """One staff user (Http404 when there is no such staff user, or another company's)."""
    from django.http import Http404

    for row in staff_list(scope):
        if row.user.pk == user_id:
            return row
    raise Http404


def _all_devices() -> Iterable[Any]:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    return TOTPDevice.objects.filter(confirmed=True).only("user_id")


def _clean_roles(roles: Iterable[str]) -> list[str]:
    snap = catalogue_snapshot()
    chosen = sorted(set(roles))
    if not chosen:
        raise InputError({"roles": _("Choose at least one role.")})
    if any(r not in snap.roles for r in chosen):
        raise InputError({"roles": _("Choose roles of the processing catalogue.")})
    return chosen


def _clean_controllers(scope: Scope, ids: Iterable[int | str]) -> list[Controller]:
    wanted = {int(i) for i in ids if str(i).isdigit()}
    found = list(Controller.objects.filter(pk__in=wanted))
    if not wanted or len(found) != len(wanted):
        raise InputError({"controllers": _("Choose at least one group company.")})
    if not _administers(scope, found):
        raise InputError({"controllers": _("Choose only group companies you administer.")})
    return found


def _check_administers(scope: Scope, user: Any) -> None:
    """Another company's staff user reads as missing, as on the pages."""
    from django.http import Http404

    profile = StaffProfile.objects.filter(user=user).first()
    if profile is None or not _administers(scope, profile.controllers.all()):
        raise Http404


def _other_active_admins(user: Any) -> bool:
    admins = roles_covering(Cap.MANAGE_STAFF)
    return any(
        admins & set(p.roles)
        for p in StaffProfile.objects.filter(user__is_active=True).exclude(user=user)
    )


def _audit(actor: Actor, scope: Scope, user: Any, reason: str, **detail: Any) -> None:
    audit_record(
        actor=actor,
        action=AuditAction.ADMIN,
        record=f"auth.User:{user.pk}",
        reason=reason,
        detail=scope.audit_detail(**detail),
    )


def staff_create(
    *,
    actor: Actor,
    scope: Scope,
    username: str,
    roles: Iterable[str],
    controller_ids: Iterable[int | str],
    language: str = "fi",
) -> tuple[Any, str]:
    """A new staff user with a random first password, which is returned to be passed on."""
    _check(scope)
    username = (username or "").strip()
    errors: dict[str, str] = {}
    try:
        if not username:
            raise ValidationError("empty")
        UnicodeUsernameValidator()(username)
        if len(username) > 150:
            raise ValidationError("long")
    except ValidationError:
        errors["username"] = _(
            "A user name has letters, digits and @ . + - _ only (at most 150 characters)."
        )
    User = get_user_model()
    if not errors and User.objects.filter(username__iexact=username).exists():
        errors["username"] = _("This user name is already taken.")
    try:
        chosen_roles = _clean_roles(roles)
    except InputError as exc:
        errors.update(exc.errors)
    try:
        controllers = _clean_controllers(scope, controller_ids)
    except InputError as exc:
        errors.update(exc.errors)
    if language not in LANGUAGES:
        errors["language"] = _("Choose a language.")
    if errors:
        raise InputError(errors)
    password = secrets.token_urlsafe(12)
    with transaction.atomic():
        user = User.objects.create_user(username=username, password=password)
        profile = StaffProfile.objects.create(user=user, roles=chosen_roles, language=language)
        profile.controllers.set(controllers)
        _audit(
            actor,
            scope,
            user,
            "staff user created",
            roles=chosen_roles,
            controllers=sorted(c.code for c in controllers),
        )
    return user, password


def staff_update(
    *,
    actor: Actor,
    scope: Scope,
    user: Any,
    roles: Iterable[str],
    controller_ids: Iterable[int | str],
) -> None:
    """Give the user these roles and group companies (instead of the ones they had)."""
    _check(scope)
    _check_administers(scope, user)
    chosen_roles = _clean_roles(roles)
    controllers = _clean_controllers(scope, controller_ids)
    with transaction.atomic():
        profile = StaffProfile.objects.select_for_update().get(user=user)
        admins = roles_covering(Cap.MANAGE_STAFF)
        losing = bool(admins & set(profile.roles)) and not (admins & set(chosen_roles))
        if losing and user.is_active and not _other_active_admins(user):
            raise InputError(
                {"roles": _("This is the last administrator: their access cannot be removed.")}
            )
        before = (sorted(profile.roles), sorted(profile.controllers.values_list("code", flat=True)))
        profile.roles = chosen_roles
        profile.save(update_fields=["roles"])
        profile.controllers.set(controllers)
        _audit(
            actor,
            scope,
            user,
            "staff user's roles and group companies changed",
            roles=chosen_roles,
            controllers=sorted(c.code for c in controllers),
            before={"roles": before[0], "controllers": before[1]},
        )


def staff_set_active(*, actor: Actor, scope: Scope, user: Any, active: bool) -> None:
    """Deactivate (the user can no longer log in or use their API tokens) or reactivate."""
    _check(scope)
    _check_administers(scope, user)
    if not active and user.username == actor.name:
        raise InputError({"user": _("You cannot deactivate yourself.")})
    with transaction.atomic():
        profile = StaffProfile.objects.select_for_update().get(user=user)
        admins = roles_covering(Cap.MANAGE_STAFF)
        if not active and admins & set(profile.roles) and not _other_active_admins(user):
            raise InputError(
                {"user": _("This is the last administrator: they cannot be deactivated.")}
            )
        if user.is_active == active:
            return
        user.is_active = active
        user.save(update_fields=["is_active"])
        _audit(actor, scope, user, "staff user reactivated" if active else "staff user deactivated")


def staff_reset_mfa(*, actor: Actor, scope: Scope, user: Any) -> int:
    """Remove the user's two-step verification devices; they set up a new one at the next
    login (a role that requires it sends them to the set-up page). Returns how many."""
    _check(scope)
    with transaction.atomic():
        devices = list(devices_for_user(user, confirmed=None))
        for device in devices:
            device.delete()
        _audit(actor, scope, user, "staff user's two-step verification reset", devices=len(devices))
    return len(devices)
