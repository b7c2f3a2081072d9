"""The public privacy notice (no login, no JavaScript) and the DPO's notice and Art. 30 pages."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from rekisteri.access.capabilities import Cap
from rekisteri.access.gate import public, requires, scope_of
from rekisteri.access.selectors import category_of
from rekisteri.audit.models import AuditAction
from rekisteri.audit.services import actor_of, audit_record
from rekisteri.audit.work import work_purpose
from rekisteri.catalogue.schema import LANGS
from rekisteri.catalogue.selectors import catalogue_snapshot
from rekisteri.common.client import client_ip
from rekisteri.consent.models import Consent
from rekisteri.notice import selectors
from rekisteri.notice.models import NoticeVersion
from rekisteri.notice.ropa import COLUMNS, headers


def _lang(request: HttpRequest) -> str:
    lang = request.GET.get("lang") or (get_language() or "fi")[:2]
    return lang if lang in LANGS else "fi"


def _public(request: HttpRequest, version: NoticeVersion | None) -> HttpResponse:
    lang = _lang(request)
    body = selectors.notice_render(lang=lang, number=version.number if version else None)
    current = selectors.notice_current()
    return render(
        request,
        "notice/public_notice.html",
        {
            "body": mark_safe(body),  # noqa: S308 -- built by notice.render, every value escaped
            "lang": lang,
            "langs": LANGS,
            "version": version,
            "current": current,
            "versions": selectors.notice_versions(),
            "is_current": version is None or (current and version.number == current.number),
        },
    )


@public
def public_notice(request: HttpRequest) -> HttpResponse:
    return _public(request, selectors.notice_current())


@public
def public_version(request: HttpRequest, number: int) -> HttpResponse:
    try:
        version = selectors.notice_version_get(number=number)
    except NoticeVersion.DoesNotExist as exc:
        raise Http404 from exc
    return _public(request, version)


@requires(Cap.PUBLISH_NOTICE)
def versions(request: HttpRequest) -> HttpResponse:
    lang = _lang(request)
    from rekisteri.notice.content import change_text

    def purpose_names(v: NoticeVersion) -> list[str]:
        names = {p["code"]: p["name"] for p in v.content.get("purposes", [])}
        return [
            names[c].get(lang) or names[c].get("en") or c if c in names else c
            for c in v.changed_purposes
        ]

    rows = [
        {
            "v": v,
            "changes": [change_text(c, lang) for c in v.changes],
            "purposes": purpose_names(v),
        }
        for v in selectors.notice_versions()
    ]
    return render(request, "notice/versions.html", {"rows": rows})


@requires(Cap.PUBLISH_NOTICE)
def notify(request: HttpRequest, number: int) -> HttpResponse:
    scope = scope_of(request)
    try:
        version = selectors.notice_version_get(number=number)
    except NoticeVersion.DoesNotExist as exc:
        raise Http404 from exc
    # The persons of the user's own group companies: another company tells its own.
    persons = selectors.persons_to_notify(version=version, controller_ids=scope.controller_ids)
    category = category_of(Consent, "purpose")
    if persons:
        audit_record(
            actor=actor_of(request.user, ip=client_ip(request)),
            action=AuditAction.LIST,
            person_ids=[p["person_id"] for p in persons],
            categories=[category],
            purpose=work_purpose(scope, Cap.PUBLISH_NOTICE),
            reason=f"persons to tell of notice version {number}",
            detail={"count": len(persons)},
        )
    lang = _lang(request)
    snap = catalogue_snapshot(scope.catalogue_version)

    def name(code: str) -> str:
        purpose = snap.purposes.get(code)
        return (purpose.name.get(lang) or purpose.name.get("en") or code) if purpose else code

    rows = [{**p, "purpose_names": [name(c) for c in p["purposes"]]} for p in persons]
    return render(
        request,
        "notice/notify.html",
        {
            "version": version,
            "persons": rows,
            "changed_purposes": [name(c) for c in version.changed_purposes],
        },
    )


@requires(Cap.PUBLISH_NOTICE)
def ropa(request: HttpRequest) -> HttpResponse:
    lang = _lang(request)
    rows = selectors.ropa_table(lang=lang)
    # The page speaks the reader's words: the purpose code column is for the exports,
    # which tie the record to the catalogue.
    shown = [i for i, (key, _) in enumerate(COLUMNS) if key != "purpose_code"]
    names = headers(lang)
    table = [[row[COLUMNS[i][0]] for i in shown] for row in rows]
    return render(
        request,
        "notice/ropa.html",
        {"headers": [names[i] for i in shown], "table": table, "lang": lang},
    )


@requires(Cap.PUBLISH_NOTICE)
def ropa_export(request: HttpRequest, fmt: str) -> HttpResponse:
    try:
        body, content_type, name = selectors.ropa_export(fmt=fmt, lang=_lang(request))
    except (ValueError, LookupError) as exc:
        raise Http404 from exc
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
