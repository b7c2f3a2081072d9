"""Public endpoints reached from messages: no login, no cookie, no CSRF token needed.

The token in the path is the capability: an opaque random value per message. These pages
set no cookies (they do not use the session or the CSRF cookie), so RFC 8058 one-click
unsubscribe works from a mail provider's server with a bare POST. No staff user acts here:
what the person does is recorded with a system scope naming the link they used.
"""

from __future__ import annotations

import base64
import hmac
from typing import Any

from django.conf import settings
from django.core import signing
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponseForbidden,
    HttpResponseRedirect,
    JsonResponse,
)
from django.shortcuts import render
from django.utils import translation
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from rekisteri.access.capabilities import Cap
from rekisteri.access.gate import public
from rekisteri.common.client import client_ip
from rekisteri.common.env import secret_file
from rekisteri.consent.models import Channel, ConsentMethod, ConsentPurpose, ConsentState
from rekisteri.marketing import services
from rekisteri.marketing.models import (
    MailingList,
    Subscription,
    SubscriptionStatus,
    TrackingKind,
)
from rekisteri.marketing.processing import system_scope
from rekisteri.marketing.sending import CLICK_SALT

PIXEL = base64.b64decode("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7")


def _ip(request: HttpRequest) -> str | None:
    return client_ip(request)


def _ua(request: HttpRequest) -> str:
    return request.META.get("HTTP_USER_AGENT", "")[:400]


def _render(request: HttpRequest, lang: str, template: str, ctx: dict[str, Any], status: int = 200):  # type: ignore[no-untyped-def]
    with translation.override(lang if lang in ("fi", "sv", "en") else "fi"):
        response = render(request, template, {**ctx, "lang": lang}, status=status)
    response["Cache-Control"] = "no-store"
    response["Referrer-Policy"] = "no-referrer"
    return response


@csrf_exempt  # RFC 8058: the mail provider POSTs without any cookie or token
@require_http_methods(["GET", "POST"])
@public
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    recipient = services.recipient_by_token(token)
    if recipient is None:
        return _render(request, "fi", "marketing/public/unknown.html", {}, status=404)
    lang = recipient.language
    if request.method == "POST":
        one_click = request.POST.get("List-Unsubscribe") == "One-Click"
        services.unsubscribe(
            scope=system_scope("the unsubscribe link in a message", Cap.HANDLE_RIGHTS_REQUESTS),
            token=token,
            ip=_ip(request),
            user_agent=_ua(request),
            method=ConsentMethod.UNSUBSCRIBE_LINK,
        )
        return _render(
            request,
            lang,
            "marketing/public/unsubscribed.html",
            {"token": token, "one_click": one_click, "controller": recipient.campaign.controller},
        )
    return _render(
        request,
        lang,
        "marketing/public/unsubscribe.html",
        {"token": token, "controller": recipient.campaign.controller},
    )


@csrf_exempt  # the token is the capability; the page uses no session and sets no cookie
@require_http_methods(["GET", "POST"])
@public
def preferences(request: HttpRequest, token: str) -> HttpResponse:
    from rekisteri.consent.selectors import consent_current, tracking_allowed

    recipient = services.recipient_by_token(token)
    if recipient is None:
        return _render(request, "fi", "marketing/public/unknown.html", {}, status=404)
    person = recipient.person
    saved = False
    if request.method == "POST":
        services.preferences_save(
            scope=system_scope(
                "the preference centre link in a message", Cap.HANDLE_RIGHTS_REQUESTS
            ),
            token=token,
            ip=_ip(request),
            user_agent=_ua(request),
            lists={int(v) for v in request.POST.getlist("lists") if v.isdigit()},
            channels=set(request.POST.getlist("channels")),
            tracking=request.POST.get("tracking") == "on",
            language=request.POST.get("language"),
            stop_all=request.POST.get("stop_all") == "1",
        )
        person.refresh_from_db()
        saved = True
    current = {
        (c.purpose, c.channel): c.state
        for c in consent_current(person_id=person.pk)
        if c.mailing_list_id is None
    }
    blocked = current.get((ConsentPurpose.DIRECT_MARKETING, Channel.ALL)) in (
        ConsentState.OBJECTED,
        ConsentState.WITHDRAWN,
    )
    channels = []
    for value, label in Channel.choices:
        if value == Channel.ALL:
            continue
        state = current.get((ConsentPurpose.DIRECT_MARKETING, value))
        on = not blocked and state not in (ConsentState.OBJECTED, ConsentState.WITHDRAWN)
        if value != Channel.EMAIL:
            on = on and state == ConsentState.GRANTED
        channels.append({"value": value, "label": label, "on": on})
    subscribed = set(
        Subscription.objects.filter(
            person=person, status=SubscriptionStatus.SUBSCRIBED
        ).values_list("mailing_list_id", flat=True)
    )
    lists = [
        {"obj": lst, "on": lst.pk in subscribed}
        for lst in MailingList.objects.filter(controller_id=person.controller_id)
    ]
    return _render(
        request,
        person.language,
        "marketing/public/preferences.html",
        {
            "token": token,
            "person": person,
            "lists": lists,
            "channels": channels,
            "tracking": tracking_allowed(person=person),
            "stopped": blocked,
            "saved": saved,
            "controller": recipient.campaign.controller,
            "languages": [("fi", "suomi"), ("sv", "svenska"), ("en", "English")],
        },
    )


@public
def open_pixel(request: HttpRequest, token: str) -> HttpResponse:
    services.tracking_record(token=token, kind=TrackingKind.OPEN)
    response = HttpResponse(PIXEL, content_type="image/gif")
    response["Cache-Control"] = "no-store"
    return response


@public
def click(request: HttpRequest, token: str, signed: str) -> HttpResponse:
    try:
        url = signing.loads(signed, salt=CLICK_SALT)
    except signing.BadSignature as exc:
        raise Http404("unknown link") from exc
    if not isinstance(url, str) or not url.startswith(("https://", "http://")):
        raise Http404("unknown link")
    services.tracking_record(token=token, kind=TrackingKind.CLICK, url=url)
    return HttpResponseRedirect(url)


@csrf_exempt  # the POST confirms with the token; no session is involved
@require_http_methods(["GET", "POST"])
@public
def confirm(request: HttpRequest, token: str) -> HttpResponse:
    sub = Subscription.objects.select_related("mailing_list", "person").filter(token=token).first()
    if sub is None:
        return _render(request, "fi", "marketing/public/unknown.html", {}, status=404)
    lang = sub.person.language
    if request.method == "POST":
        sub = services.subscription_confirm(
            scope=system_scope("the subscription confirmation link", Cap.SEND_DIRECT_MARKETING),
            token=token,
            ip=_ip(request),
            user_agent=_ua(request),
        )
        return _render(request, lang, "marketing/public/confirmed.html", {"sub": sub})
    return _render(request, lang, "marketing/public/confirm.html", {"sub": sub, "token": token})


def bounce_webhook_token() -> str:
    return getattr(settings, "BOUNCE_WEBHOOK_TOKEN", "") or secret_file(
        settings.HOME, "bounce_webhook_token"
    )


@csrf_exempt  # a machine endpoint, protected by its bearer token
@require_http_methods(["POST"])
@public
def bounce_webhook(request: HttpRequest) -> HttpResponse:
    from rekisteri.marketing.bounces import bounce_scope, bounces_from_json, bounces_from_message

    auth = request.META.get("HTTP_AUTHORIZATION", "")
    given = auth.removeprefix("Bearer ").strip()
    if not given or not hmac.compare_digest(given, bounce_webhook_token()):
        return HttpResponseForbidden("bad token")
    ctype = request.META.get("CONTENT_TYPE", "")
    try:
        scope = bounce_scope("webhook")
        if ctype.startswith("application/json"):
            result = bounces_from_json(request.body, scope=scope, source="webhook")
        else:
            result = bounces_from_message(request.body, scope=scope, source="webhook")
    except ValueError as exc:
        return HttpResponseBadRequest(str(exc))
    return JsonResponse(
        {
            "hard": result.hard,
            "soft": result.soft,
            "unmatched": result.unmatched,
            "unsubscribed": result.unsubscribed,
        }
    )
