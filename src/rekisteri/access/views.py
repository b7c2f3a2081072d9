"""Staff pages of the access app: two-step verification and the audited identity-code reveal."""

from __future__ import annotations

import io

import qrcode
import qrcode.image.svg
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login
from django_otp import match_token, user_has_device
from django_otp.plugins.otp_totp.models import TOTPDevice

from rekisteri.access.capabilities import Cap
from rekisteri.access.gate import requires, scope_of, staff
from rekisteri.access.models import GroupShare
from rekisteri.access.policy import ProcessingRefused
from rekisteri.access.selectors import category_of, person_writable, scope_for
from rekisteri.access.services import (
    group_share_create,
    group_share_revoke,
    identity_code_reveal,
    shareable_purposes,
)
from rekisteri.audit.models import AuditAction
from rekisteri.audit.services import actor_of, audit_record
from rekisteri.common.client import client_ip
from rekisteri.register.inputs import InputError
from rekisteri.register.models import Controller, IdentityCode
from rekisteri.register.selectors import person_get, person_get_with


def _next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return ""


def _qr_svg(text: str) -> str:
    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    out = io.BytesIO()
    image.save(out)
    svg = out.getvalue().decode()
    return svg[svg.index("<svg") :]  # inline: no XML declaration


def _clean_token(raw: str) -> str:
    return "".join(raw.split())


@never_cache
@require_http_methods(["GET", "POST"])
@staff
def mfa_setup(request: HttpRequest) -> HttpResponse:
    """Enrol a TOTP authenticator: QR code, then one code to prove it works."""
    user = request.user
    if user_has_device(user, confirmed=True):
        if not user.is_verified():  # type: ignore[union-attr]
            # A password alone must not replace the second factor.
            return redirect("access:mfa_verify")
        return render(request, "access/mfa_setup.html", {"enrolled": True})
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-id").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)
    error = ""
    if request.method == "POST":
        if device.verify_token(_clean_token(request.POST.get("token", ""))):
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            TOTPDevice.objects.filter(user=user, confirmed=False).delete()
            otp_login(request, device)
            audit_record(
                actor=actor_of(user, ip=client_ip(request)),
                action=AuditAction.LOGIN,
                reason="two-step verification set up",
            )
            return redirect(_next(request) or "staff:home")
        error = _("The code did not match. Check the time on your phone and try again.")
    return render(
        request,
        "access/mfa_setup.html",
        {
            "enrolled": False,
            "required": scope_for(user).mfa_required,
            "qr_svg": _qr_svg(device.config_url),
            "secret": _base32(device),
            "error": error,
            "next": _next(request),
        },
        status=200 if not error else 400,
    )


def _base32(device: TOTPDevice) -> str:
    import base64

    key = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(key[i : i + 4] for i in range(0, len(key), 4))


def _throttled(user: object) -> bool:
    devices = TOTPDevice.objects.filter(user=user, confirmed=True)
    return all(not d.verify_is_allowed()[0] for d in devices)


@never_cache
@require_http_methods(["GET", "POST"])
@staff
def mfa_verify(request: HttpRequest) -> HttpResponse:
    """The second step of logging in: a code from the enrolled authenticator."""
    user = request.user
    if not user_has_device(user, confirmed=True):
        # Nothing to verify yet: the set-up page (the MFA middleware sends there too).
        return render(request, "access/mfa_verify.html", {"no_device": True})
    error = ""
    if request.method == "POST":
        device = match_token(user, _clean_token(request.POST.get("token", "")))
        if device is not None:
            otp_login(request, device)
            return redirect(_next(request) or "staff:home")
        if _throttled(user):
            # django-otp doubles the wait after each wrong code, against guessing.
            error = _("Too many wrong codes. Wait a moment, then enter the code your app shows.")
        else:
            error = _("The code did not match. Try the next code your app shows.")
    return render(
        request,
        "access/mfa_verify.html",
        {"error": error, "next": _next(request)},
        status=200 if not error else 400,
    )


@never_cache
@require_http_methods(["GET", "POST"])
@requires(Cap.REVEAL_IDENTITY_CODES)
def identity_code_reveal_view(request: HttpRequest, person_id: int) -> HttpResponse:
    """Show a person's identity code in full, for a stated reason, on the audit trail."""
    scope = scope_of(request)
    # 404 unless the user may read this person's identity codes (a shared person's are not
    # shared: no purpose shared within the group covers them).
    person = person_get_with(
        scope=scope, person_id=person_id, categories={category_of(IdentityCode)}
    )
    context: dict = {"person": person, "revealed": None, "reason": "", "error": ""}
    if request.method == "POST":
        reason = request.POST.get("reason", "")
        try:
            context["revealed"] = identity_code_reveal(
                scope=scope,
                actor=actor_of(request.user, ip=client_ip(request)),
                person=person,
                reason=reason,
            )
        except InputError as exc:
            context.update(reason=reason, error=exc.errors.get("reason", str(exc)))
            return render(request, "access/reveal.html", context, status=400)
    return render(request, "access/reveal.html", context)


@require_http_methods(["GET", "POST"])
@requires(Cap.KEEP_REGISTER)
def person_sharing_view(request: HttpRequest, person_id: int) -> HttpResponse:
    """Share a person's record with another group company, or end a share (audited)."""
    scope = scope_of(request)
    person = person_get(scope=scope, person_id=person_id)  # 404 when not visible
    actor = actor_of(request.user, ip=client_ip(request))
    error, status = "", 200
    if request.method == "POST":
        try:
            if request.POST.get("action") == "revoke":
                share = get_object_or_404(
                    GroupShare, pk=request.POST.get("share") or 0, person=person
                )
                group_share_revoke(actor=actor, share=share, scope=scope)
                messages.success(request, _("The sharing was ended."))
            else:
                controller = Controller.objects.filter(
                    pk=request.POST.get("controller") or 0
                ).first()
                if controller is None:
                    raise InputError({"controller": _("Choose a group company.")})
                group_share_create(
                    actor=actor,
                    person=person,
                    controller=controller,
                    purpose=request.POST.get("purpose", ""),
                    scope=scope,
                )
                messages.success(request, _("The record was shared."))
            return redirect("access:person_sharing", person_id=person.pk)
        except InputError as exc:
            error, status = "; ".join(str(v) for v in exc.errors.values()), 400
        except ProcessingRefused as exc:
            error, status = str(exc.reason), 403
    keeper = person_writable(scope, person)
    shares = GroupShare.objects.filter(person=person).select_related("controller")
    if not keeper:  # a receiving company sees what is shared with it, not with others
        shares = shares.filter(controller_id__in=scope.controller_ids)
    context = {
        "person": person,
        "shares": shares,
        "controllers": Controller.objects.exclude(pk=person.controller_id).order_by("name"),
        "purposes": [p for p in shareable_purposes() if p in scope.purposes],
        "keeper": keeper,
        "can_share": keeper and scope.can(Cap.SHARE_WITHIN_GROUP),
        "error": error,
    }
    return render(request, "access/sharing.html", context, status=status)
