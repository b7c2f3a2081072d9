"""Staff pages of consent: a person's permissions and proof, recording, the rules per company."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from rekisteri.access.capabilities import Cap
from rekisteri.access.gate import requires, scope_of
from rekisteri.access.policy import ProcessingRefused
from rekisteri.access.selectors import Scope, category_of, field_access, person_writable
from rekisteri.audit.services import actor_of
from rekisteri.common.client import client_ip
from rekisteri.consent import selectors, services
from rekisteri.consent.models import (
    Channel,
    ConsentMethod,
    ConsentPurpose,
    ConsentState,
    ControllerMarketingSettings,
)
from rekisteri.register.models import ContactPoint, Controller, Person
from rekisteri.register.selectors import person_get


def _actor(request: HttpRequest) -> Any:
    return actor_of(request.user, ip=client_ip(request))


def permission_context(scope: Scope, person: Person) -> dict[str, Any]:
    """What the person-page include shows: the decision, and a link to the proof.

    The decision (may we market to this person, and why not) is made of the person's
    consents and prohibitions. It is shown to a user who may read those of this person, and
    to the staff of the company that keeps the record who may read the person's contact
    details (whoever contacts the person must know). A person another group company shares
    under a purpose that does not cover consents shows nothing of them."""
    access = field_access(scope=scope, person=person)
    consents = selectors.consent_category() in access.categories
    contact = category_of(ContactPoint) in access.categories
    show = consents or (contact and person_writable(scope, person))
    ctx: dict[str, Any] = {"person": person, "show": show}
    if show:
        ctx["email"] = selectors.marketing_permission(person=person, channel=Channel.EMAIL)
        ctx["phone"] = selectors.marketing_permission(person=person, channel=Channel.PHONE)
        ctx["service"] = selectors.marketing_permission(person=person, service=True)
        ctx["tracking"] = selectors.tracking_allowed(person=person)
        ctx["can_manage"] = consents
    return ctx


@requires(Cap.KEEP_REGISTER)
def permission(request: HttpRequest, person_id: int) -> HttpResponse:
    """Fragment for the person page (htmx or a plain include through the template tag)."""
    scope = scope_of(request)
    person = person_get(scope=scope, person_id=person_id)
    return render(request, "consent/partials/permission.html", permission_context(scope, person))


@requires(Cap.MANAGE_CONSENTS)
def person_consents(request: HttpRequest, person_id: int) -> HttpResponse:
    scope = scope_of(request)
    person = selectors.consent_person_get(scope=scope, person_id=person_id)
    from rekisteri.marketing.models import MailingList, Subscription

    keeper = person_writable(scope, person)
    ctx = permission_context(scope, person)
    ctx.update(
        {
            "history": selectors.consent_history(person_id=person.pk),
            "subscriptions": Subscription.objects.filter(person=person).select_related(
                "mailing_list"
            ),
            # Recording is for the company that keeps the record (a shared person: no forms).
            "keeper": keeper,
            "lists": MailingList.objects.filter(controller_id=person.controller_id)
            if keeper
            else MailingList.objects.none(),
            "purposes": ConsentPurpose.choices,
            "channels": Channel.choices,
            "states": ConsentState.choices,
            "methods": [
                (v, label)
                for v, label in ConsentMethod.choices
                if v in ("email", "call", "staff", "web_form", "import")
            ],
        }
    )
    return render(request, "consent/person_consents.html", ctx)


@require_POST
@requires(Cap.MANAGE_CONSENTS)
def record(request: HttpRequest, person_id: int) -> HttpResponse:
    scope = scope_of(request)
    person = selectors.consent_person_get(scope=scope, person_id=person_id, to_change=True)
    post = request.POST
    try:
        if post.get("action") == "object":
            services.marketing_objection_record(
                actor=_actor(request),
                person=person,
                source=post.get("method") or ConsentMethod.STAFF,
                text=post.get("text", ""),
                scope=scope,
            )
        elif post.get("action") == "subscribe":
            from rekisteri.marketing.models import MailingList
            from rekisteri.marketing.services import subscription_request

            lst = MailingList.objects.get(pk=post.get("list"), controller_id=person.controller_id)
            subscription_request(
                actor=_actor(request),
                mailing_list=lst,
                person=person,
                method=post.get("method") or ConsentMethod.STAFF,
                scope=scope,
            )
        else:
            services.consent_record(
                actor=_actor(request),
                person=person,
                purpose=post.get("purpose", ""),
                channel=post.get("channel", ""),
                state=post.get("state", ""),
                method=post.get("method", ""),
                text=post.get("text", ""),
                text_version=post.get("text_version", ""),
                ip=post.get("ip") or None,
                scope=scope,
            )
        messages.success(request, _("Recorded."))
    except services.ConsentInputError as exc:
        messages.error(request, "; ".join(f"{k}: {v}" for k, v in exc.errors.items()))
    except ProcessingRefused as exc:
        messages.error(request, exc.reason)
    except Exception as exc:  # the list lookup
        from rekisteri.marketing.models import MailingList

        if isinstance(exc, MailingList.DoesNotExist):
            messages.error(request, _("list: no such mailing list"))
        else:
            raise
    return redirect("consent:person_consents", person_id=person.pk)


@requires(Cap.MANAGE_CONSENTS)
def marketing_settings(request: HttpRequest) -> HttpResponse:
    scope = scope_of(request)
    controllers = list(Controller.objects.filter(pk__in=scope.controller_ids).order_by("name"))
    rows = [selectors.controller_settings(c.pk) for c in controllers]
    fields = ("b2b_opt_out", "existing_customer_rule", "open_tracking", "click_tracking")
    if request.method == "POST":
        for cfg in rows:
            prefix = f"c{cfg.controller_id}-"
            for f in fields:
                setattr(cfg, f, request.POST.get(prefix + f) == "on")
            cfg.from_email = request.POST.get(prefix + "from_email", "").strip()
            try:
                cfg.send_rate = max(0, int(request.POST.get(prefix + "send_rate") or 0))
            except ValueError:
                messages.error(request, _("send rate: must be a whole number"))
                return redirect("consent:settings")
            services.marketing_settings_save(
                actor=_actor(request),
                settings_row=cfg,
                fields=[*fields, "from_email", "send_rate"],
                scope=scope,
            )
        messages.success(request, _("Saved."))
        return redirect("consent:settings")
    return render(
        request,
        "consent/settings.html",
        {
            "rows": [
                (
                    cfg,
                    [
                        (
                            f,
                            ControllerMarketingSettings._meta.get_field(f).verbose_name,
                            getattr(cfg, f),
                        )
                        for f in fields
                    ],
                )
                for cfg in rows
            ]
        },
    )
