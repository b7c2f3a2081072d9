"""The administrator's staff users pages: list, create, roles and group companies,
deactivate and reactivate, reset two-step verification. The writes are access.users'."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from rekisteri.access.capabilities import Cap
from rekisteri.access.gate import requires, scope_of
from rekisteri.access.selectors import Scope
from rekisteri.access.users import (
    LANGUAGES,
    administered_companies,
    staff_create,
    staff_get,
    staff_list,
    staff_reset_mfa,
    staff_set_active,
    staff_update,
)
from rekisteri.audit.services import actor_of
from rekisteri.catalogue.selectors import catalogue_snapshot
from rekisteri.common.client import client_ip
from rekisteri.register.inputs import InputError


def _choices(scope: Scope) -> dict[str, Any]:
    return {
        "all_roles": sorted(catalogue_snapshot().roles),
        "all_controllers": administered_companies(scope),
        "languages": LANGUAGES,
    }


@require_http_methods(["GET"])
@requires(Cap.MANAGE_STAFF)
def staff_list_view(request: HttpRequest) -> HttpResponse:
    rows = staff_list(scope_of(request))
    return render(request, "access/staff_list.html", {"rows": rows})


@never_cache
@require_http_methods(["GET", "POST"])
@requires(Cap.MANAGE_STAFF)
def staff_create_view(request: HttpRequest) -> HttpResponse:
    scope = scope_of(request)
    context: dict[str, Any] = {**_choices(scope), "errors": {}, "values": {}}
    if request.method == "POST":
        post = request.POST
        context["values"] = {
            "username": post.get("username", ""),
            "roles": post.getlist("roles"),
            "controllers": post.getlist("controllers"),
            "language": post.get("language", "fi"),
        }
        try:
            user, password = staff_create(
                actor=actor_of(request.user, ip=client_ip(request)),
                scope=scope,
                username=post.get("username", ""),
                roles=post.getlist("roles"),
                controller_ids=post.getlist("controllers"),
                language=post.get("language", "fi"),
            )
        except InputError as exc:
            context["errors"] = exc.errors
            return render(request, "access/staff_create.html", context, status=400)
        # The first password is shown once, here, to be passed on; it is stored hashed.
        return render(
            request, "access/staff_created.html", {"new_user": user, "password": password}
        )
    return render(request, "access/staff_create.html", context)


@require_http_methods(["GET", "POST"])
@requires(Cap.MANAGE_STAFF)
def staff_detail_view(request: HttpRequest, user_id: int) -> HttpResponse:
    scope = scope_of(request)
    row = staff_get(scope, user_id)
    errors: dict[str, str] = {}
    if request.method == "POST":
        actor = actor_of(request.user, ip=client_ip(request))
        action = request.POST.get("action", "")
        try:
            if action == "update":
                staff_update(
                    actor=actor,
                    scope=scope,
                    user=row.user,
                    roles=request.POST.getlist("roles"),
                    controller_ids=request.POST.getlist("controllers"),
                )
                messages.success(request, _("The roles and group companies were saved."))
            elif action in ("deactivate", "reactivate"):
                staff_set_active(
                    actor=actor, scope=scope, user=row.user, active=action == "reactivate"
                )
                messages.success(
                    request,
                    _("The user was reactivated.")
                    if action == "reactivate"
                    else _("The user was deactivated: they can no longer log in."),
                )
            elif action == "reset_mfa":
                staff_reset_mfa(actor=actor, scope=scope, user=row.user)
                messages.success(
                    request,
                    _(
                        "Two-step verification was reset: the user sets up a new authenticator"
                        " at their next login."
                    ),
                )
            else:
                raise InputError({"action": _("Choose what to do.")})
            return redirect("access:staff_detail", user_id=row.user.pk)
        except InputError as exc:
            errors = exc.errors
    context = {
        "row": row,
        "errors": errors,
        "is_self": row.user.pk == request.user.pk,
        "chosen_controllers": [c.pk for c in row.controllers],
        **_choices(scope),
    }
    return render(request, "access/staff_detail.html", context, status=400 if errors else 200)
