"""The public self-service pages for data subjects: no login, no JavaScript needed.

Whatever is typed on the request form, the answer is the same: the page never says whether
an address is in the register. Secrets come only by email: the confirmation link, the
status link, and the download link. All writes go through rekisteri.rights.services.
"""

from __future__ import annotations

from typing import Any

from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from rekisteri.access.gate import public
from rekisteri.catalogue.selectors import catalogue_snapshot
from rekisteri.common.client import client_ip
from rekisteri.portal.limits import post_refused
from rekisteri.rights import forms, selectors, services
from rekisteri.rights.models import Package, RequestKind
from rekisteri.rights.packages import package_path

KIND_INTRO = {
    RequestKind.ACCESS: "access",
    RequestKind.RECTIFICATION: "rectification",
    RequestKind.ERASURE: "erasure",
    RequestKind.RESTRICTION: "restriction",
    RequestKind.OBJECTION: "objection",
    RequestKind.PORTABILITY: "portability",
}


def _lang() -> str:
    lang = (translation.get_language() or "fi")[:2]
    return lang if lang in ("fi", "sv", "en") else "fi"


def _authorities() -> list[dict[str, str]]:
    lang = _lang()
    out = []
    for code, a in selectors.supervisory_authorities().items():
        names = a.get("name", {})
        out.append(
            {
                "country": code,
                "name": names.get(lang) or names.get("en", code),
                "url": a.get("url", ""),
            }
        )
    return out


def _common() -> dict[str, Any]:
    return {"authorities": _authorities(), "notice_url": reverse("notice:public_notice")}


@public
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/home.html", {**_common(), "kinds": RequestKind.choices})


def _objection_choices() -> list[tuple[str, str]]:
    snap = catalogue_snapshot()
    lang = _lang()
    codes = services.absolute_objection_purposes() + services.balancing_objection_purposes()
    out = []
    for code in codes:
        p = snap.purposes.get(code)
        if p is not None:
            out.append((code, p.name.get(lang) or p.name.get("en") or code))
    return out


def _form_for(kind: str, data: Any = None) -> Any:
    if kind == RequestKind.RECTIFICATION:
        return forms.PublicRectificationForm(data)
    if kind == RequestKind.OBJECTION:
        form = forms.PublicObjectionForm(data)
        form.fields["purpose"].choices = _objection_choices()
        return form
    return forms.PublicRequestForm(data)


@never_cache
@require_http_methods(["GET", "POST"])
@public
def request_form(request: HttpRequest, kind: str) -> HttpResponse:
    if kind not in RequestKind.values:
        raise Http404("no such right")
    if request.method == "POST":
        refused = post_refused(request, _common())
        if refused is not None:
            return refused
    form = _form_for(kind, request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.request_submit_public(
                kind=kind,
                email=d["email"],
                name=d.get("name", ""),
                details=d.get("details", ""),
                language=_lang(),
                changes=form.changes() if hasattr(form, "changes") else None,
                objection_purpose=d.get("purpose", ""),
                ip=client_ip(request),
            )
        except services.RightsError as exc:
            form.add_error("email" if exc.field == "email" else None, exc.shown())
        else:
            # The confirmation mail is queued in the outbox with the request and leaves
            # with the worker, so a registered address does not answer more slowly.
            return redirect("portal:sent")
    return render(
        request,
        "portal/request_form.html",
        {**_common(), "form": form, "kind": kind, "kind_label": RequestKind(kind).label},
    )


@public
def sent(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/sent.html", _common())


@never_cache
@require_http_methods(["GET", "POST"])
@public
def verify(request: HttpRequest, token: str) -> HttpResponse:
    # GET only shows a button: mail scanners that open links must not confirm requests.
    if request.method == "POST":
        r = services.request_verify_link(token=token, ip=client_ip(request))
        return render(request, "portal/verified.html", {**_common(), "r": r})
    return render(request, "portal/verify.html", {**_common(), "token": token})


def _request_or_404(token: str) -> Any:
    r = selectors.request_by_status_token(token_hash=services.token_hash(token))
    if r is None:
        raise Http404("no such request")
    return r


def _live_package(r: Any) -> Package | None:
    return (
        Package.objects.filter(request=r, expires_at__gt=timezone.now())
        .exclude(download_token_hash="")
        .order_by("-created_at")
        .first()
    )


@never_cache
@public
def status(request: HttpRequest, token: str) -> HttpResponse:
    r = _request_or_404(token)
    context = {**_common(), "r": r, "token": token, "package": _live_package(r)}
    return render(request, "portal/status.html", context)


def _serve(package: Package) -> HttpResponse:
    path = package_path(package)
    if not path.exists():
        raise Http404("the package has been removed")
    response = FileResponse(
        path.open("rb"), as_attachment=True, filename=f"{package.kind}-{package.pk}.zip"
    )
    response["Cache-Control"] = "no-store"
    return response


@never_cache
@public
def status_download(request: HttpRequest, token: str) -> HttpResponse:
    r = _request_or_404(token)
    package = _live_package(r)
    if package is None:
        raise Http404("no package, or its link has expired")
    served = services.package_for_download(token="", ip=client_ip(request), package=package)
    if served is None:
        raise Http404("no package, or its link has expired")
    return _serve(served)


@never_cache
@public
def download(request: HttpRequest, token: str) -> HttpResponse:
    package = services.package_for_download(token=token, ip=client_ip(request))
    if package is None:
        return render(request, "portal/expired.html", _common(), status=404)
    return _serve(package)


@public
def go_request(request: HttpRequest) -> HttpResponse:
    kind = request.GET.get("kind", "")
    if kind in RequestKind.values:
        return redirect("portal:request", kind=kind)
    return redirect("portal:home")
