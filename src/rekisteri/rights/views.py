"""The DPO's request queue and request pages (/staff/rights/). Thin: forms in, services out.

Every request, package and person is looked up through rights.selectors with the user's
scope: another group company's is 404. The services check again.
"""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from rekisteri.access.capabilities import Cap
from rekisteri.access.gate import requires, scope_of
from rekisteri.access.policy import ProcessingRefused
from rekisteri.access.selectors import Scope
from rekisteri.audit.services import Actor, actor_of
from rekisteri.catalogue.selectors import catalogue_snapshot
from rekisteri.common.client import client_ip
from rekisteri.common.pagination import capped_count, configure
from rekisteri.common.words import shown
from rekisteri.register.models import Person
from rekisteri.rights import forms, selectors, services
from rekisteri.rights.filters import RequestFilter
from rekisteri.rights.models import RequestKind, RequestStatus
from rekisteri.rights.packages import masking_preview, package_path
from rekisteri.rights.tables import RequestTable


def _actor(request: HttpRequest, scope: Scope) -> Actor:
    return actor_of(request.user, ip=client_ip(request), purpose=services.rights_purpose(scope))


@requires(Cap.HANDLE_RIGHTS_REQUESTS)
def queue(request: HttpRequest) -> HttpResponse:
    """The queue: a view (tab) of the requests the user handles, narrowed by the filters,
    sorted by the headers, a page at a time; each open request can be assigned in place."""
    scope = scope_of(request)
    show = request.GET.get("show", "open")
    if show not in selectors.SHOW:
        show = "open"
    found = RequestFilter(
        request.GET,
        selectors.request_list(scope=scope, show=show),
        user=request.user,
        assignees=selectors.queue_assignees(scope=scope),
    )
    table = RequestTable(found.qs)
    if any(found.form.data.get(k) for k in found.filters):
        table.empty_text = _("No requests match the filters.")
    configure(request, table)
    ids = [row.record.pk for row in table.page.object_list]
    table.assignable = selectors.assignable_users_many(scope=scope, request_ids=ids)
    context = {
        "table": table,
        "filter": found,
        "show": show,
        "overdue_count": selectors.overdue_count(scope=scope),
        "count": capped_count(found.qs),
    }
    return render(request, "rights/queue.html", context)


@requires(Cap.HANDLE_RIGHTS_REQUESTS)
def request_new(request: HttpRequest) -> HttpResponse:
    scope = scope_of(request)
    form = forms.StaffRequestForm(request.POST or None, scope=scope)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            r, _token = services.request_create_staff(
                scope=scope,
                actor=_actor(request, scope),
                kind=d["kind"],
                channel=d["channel"],
                received_at=d["received_at"],
                requester_name=d["requester_name"],
                requester_email=d["requester_email"],
                requester_phone=d["requester_phone"],
                requester_address=d["requester_address"],
                language=d["language"],
                details=d["details"],
                objection_purpose=d["objection_purpose"],
                person_ids=d["person_ids"],
                verification_method=d["verification_method"],
                verification_note=d["verification_note"],
                controller_id=d.get("controller"),
            )
        except services.RightsError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.shown())
        else:
            messages.success(request, _("Request %(ref)s recorded.") % {"ref": r.reference})
            return redirect("rights:request_detail", request_id=r.pk)
    return render(request, "rights/request_new.html", {"form": form})


def _plans(scope: Scope, r: Any, persons: list[Person]) -> list[Any]:
    if r.kind != RequestKind.ERASURE or r.status != RequestStatus.OPEN:
        return []
    return [(p, services.erasure_plan(scope=scope, person=p)) for p in persons]


def _detail_context(scope: Scope, r: Any) -> dict[str, Any]:
    subjects = selectors.request_subjects(scope=scope, request=r)
    confirmed = [s.person for s in subjects if s.confirmed_at]
    plans = _plans(scope, r, confirmed)
    rect_initial = {k: v for k, v in (r.changes or {}).items() if k in forms.RECTIFIABLE}
    return {
        "r": r,
        "subjects": subjects,
        "other_subjects": selectors.other_companies_subjects(scope=scope, request=r),
        "plans": plans,
        "fingerprints": json.dumps({p.pk: plan.fingerprint() for p, plan in plans}),
        "verify_form": forms.VerifyForm(),
        # Both forms have a "reason": their own ids, so that each label names its own field.
        "extend_form": forms.ExtendForm(auto_id="extend_%s"),
        "refuse_form": forms.RefuseForm(auto_id="refuse_%s"),
        "fulfil_form": forms.FulfilForm(),
        "rect_form": forms.RectificationForm(initial=rect_initial),
        "packages": selectors.packages_of_request(scope=scope, request=r),
        "staff_users": selectors.assignable_users(scope=scope, request=r),
        "balancing": bool(r.objection_purpose)
        and r.kind == RequestKind.OBJECTION
        and r.objection_purpose not in services.absolute_objection_purposes(),
        # What the access package would mask (others named in free text), before release.
        "masking": masking_preview(
            scope=scope, person_ids=[p.pk for p in confirmed], lang=get_language() or "en"
        )
        if r.kind == RequestKind.ACCESS and r.status == RequestStatus.OPEN and confirmed
        else None,
    }


@requires(Cap.HANDLE_RIGHTS_REQUESTS)
def request_detail(request: HttpRequest, request_id: int) -> HttpResponse:
    scope = scope_of(request)
    r = selectors.request_get(scope=scope, request_id=request_id)
    return render(request, "rights/request_detail.html", _detail_context(scope, r))


@require_POST
@requires(Cap.HANDLE_RIGHTS_REQUESTS)
def request_action(request: HttpRequest, request_id: int, action: str) -> HttpResponse:
    """One action of the request page (assign, verify, confirm, extend, refuse, fulfil).
    With htmx the page's body comes back in place, the outcome said at its top; without
    JavaScript the same POST redirects to the request page with the outcome as a message.
    The gate, the service's checks and its audit event are the same either way."""
    scope = scope_of(request)
    r = selectors.request_get(scope=scope, request_id=request_id)
    actor = _actor(request, scope)
    if action == "assign" and request.POST.get("next"):
        return _assign_in_list(request, scope, r, actor)
    failed = False
    message = _("Saved.")
    try:
        if action == "assign":
            raw = request.POST.get("user") or ""
            user = (
                get_user_model().objects.filter(pk=int(raw)).first()
                if raw.isdigit()
                else request.user
            )
            services.request_assign(scope=scope, actor=actor, request=r, user=user)
        elif action == "verify":
            f = forms.VerifyForm(request.POST)
            if not f.is_valid():
                raise services.RightsError(_("choose the verification method"))
            services.request_verify_staff(
                scope=scope,
                actor=actor,
                request=r,
                method=f.cleaned_data["method"],
                note=f.cleaned_data["note"],
            )
        elif action == "confirm":
            ids = [int(x) for x in request.POST.getlist("person") if x.isdigit()]
            extra = (request.POST.get("add_person") or "").strip()
            if extra.isdigit():
                ids.append(int(extra))
            if not ids:
                raise services.RightsError(_("choose at least one person record"))
            services.request_subjects_confirm(scope=scope, actor=actor, request=r, person_ids=ids)
        elif action == "extend":
            f = forms.ExtendForm(request.POST)
            if not f.is_valid():
                raise services.RightsError(_("give the length and the reason of the extension"))
            services.request_extend(scope=scope, actor=actor, request=r, **f.cleaned_data)
            r.refresh_from_db()
            message = _("The deadline is extended to %(day)s.") % {
                "day": shown(r.extended_due_date)
            }
        elif action == "refuse":
            f = forms.RefuseForm(request.POST)
            if not f.is_valid():
                raise services.RightsError(_("choose the ground and explain the refusal"))
            services.request_refuse(scope=scope, actor=actor, request=r, **f.cleaned_data)
        elif action == "fulfil":
            message = _fulfil(request, scope, r, actor)
        else:
            raise Http404("no such action")
    except (services.RightsError, services.ErasureBlocked) as exc:
        failed, message = True, exc.shown()
    except ProcessingRefused as exc:
        failed, message = True, exc.reason
    if request.htmx:
        r = selectors.request_get(scope=scope, request_id=request_id)
        context = {**_detail_context(scope, r), "inline_message": message, "inline_failed": failed}
        return render(request, "rights/partials/request_body.html", context)
    (messages.error if failed else messages.success)(request, message)
    return redirect("rights:request_detail", request_id=r.pk)


def _assign_in_list(request: HttpRequest, scope: Scope, r: Any, actor: Actor) -> HttpResponse:
    """Assign from the queue: with htmx the row's cell comes back in place (with the outcome
    said in it); without JavaScript the queue is shown again where the user was."""
    raw = request.POST.get("user") or ""
    user = get_user_model().objects.filter(pk=int(raw)).first() if raw.isdigit() else None
    failed = False
    try:
        if user is None:
            raise services.RightsError(
                _("choose a user of your group company who handles requests")
            )
        services.request_assign(scope=scope, actor=actor, request=r, user=user)
        message = _("Assigned to %(user)s.") % {"user": user.get_username()}
    except services.RightsError as exc:
        failed, message = True, exc.shown()  # the service's message in the user's language
    except ProcessingRefused as exc:
        failed, message = True, exc.reason
    if not request.htmx:
        (messages.error if failed else messages.success)(request, f"{r.reference}: {message}")
        nxt = request.POST.get("next") or ""
        if not url_has_allowed_host_and_scheme(nxt, allowed_hosts={request.get_host()}):
            nxt = reverse("rights:queue")
        return redirect(nxt)
    r.refresh_from_db()
    users = selectors.assignable_users(scope=scope, request=r)
    context = {
        "record": r,
        "table": {"assignable": {r.pk: users}},
        "message": message,
        "failed": failed,
        "next": request.POST.get("next") or "",
    }
    return render(request, "rights/partials/assign_cell.html", context)


def _recipient_name(code: str) -> str:
    """A recipient by the catalogue's name in the user's language, never by its code."""
    recipient = catalogue_snapshot().recipients.get(code)
    lang = (get_language() or "en")[:2]
    return recipient.label(lang if lang in ("fi", "sv", "en") else "en") if recipient else code


def _fulfil(request: HttpRequest, scope: Scope, r: Any, actor: Actor) -> str:
    """Carry out the request; the outcome in words."""
    f = forms.FulfilForm(request.POST)
    f.is_valid()
    d = f.cleaned_data
    changes = None
    if r.kind == RequestKind.RECTIFICATION:
        rf = forms.RectificationForm(request.POST)
        rf.is_valid()
        changes = rf.changes()
    fingerprints = None
    if d.get("plan_fingerprints"):
        fingerprints = {int(k): v for k, v in json.loads(d["plan_fingerprints"]).items()}
    upheld = {"yes": True, "no": False}.get(d.get("objection_upheld") or "")
    result = services.request_fulfil(
        scope=scope,
        actor=actor,
        request=r,
        restriction_ground=d.get("restriction_ground") or "",
        restriction_until=d.get("restriction_until"),
        objection_upheld=upheld,
        objection_reasons=d.get("objection_reasons") or "",
        changes=changes,
        plan_fingerprints=fingerprints,
    )
    msg = _("Request completed.")
    if result.recipients:
        # by the catalogue's names in the user's language, never by their codes
        names = sorted(
            {
                _recipient_name(str(x.get("recipient") or x.get("code") or ""))
                for x in result.recipients
            }
        )
        msg += " " + _("Tell these recipients (Art. 19): %(names)s") % {"names": ", ".join(names)}
    return msg


@requires(Cap.HANDLE_RIGHTS_REQUESTS)
def package_download(request: HttpRequest, package_id: int) -> HttpResponse:
    """The DPO may look at a package before or after release (for review, not for sending)."""
    package = selectors.package_get(scope=scope_of(request), package_id=package_id)
    path = package_path(package)
    if not path.exists():
        raise Http404("the package has been removed")
    return FileResponse(path.open("rb"), as_attachment=True, filename=f"{package.kind}.zip")


@requires(Cap.HANDLE_RIGHTS_REQUESTS)
def person_rights(request: HttpRequest, person_id: int) -> HttpResponse:
    scope = scope_of(request)
    person = selectors.person_get(scope=scope, person_id=person_id)
    lang = (get_language() or "en")[:2]
    snap = catalogue_snapshot(scope.catalogue_version)
    objected = sorted(selectors.objected_purposes(person_id=person.pk))
    context = {
        "person": person,
        "restriction": selectors.active_restriction(person_id=person.pk),
        # In the user's words: the purposes' names in the catalogue, not their codes.
        "objected": [
            (snap.purposes[c].name.get(lang) or snap.purposes[c].name.get("en") or c)
            if c in snap.purposes
            else c
            for c in objected
        ],
        "plan": services.erasure_plan(scope=scope, person=person),
    }
    return render(request, "rights/person_rights.html", context)


@require_POST
@requires(Cap.HANDLE_RIGHTS_REQUESTS)
def restriction_lift(request: HttpRequest, person_id: int) -> HttpResponse:
    scope = scope_of(request)
    person = selectors.person_get(scope=scope, person_id=person_id)
    if services.restriction_lift(scope=scope, actor=_actor(request, scope), person=person):
        messages.success(request, _("Restriction lifted; the person has been told."))
    return redirect("rights:person_rights", person_id=person.pk)
