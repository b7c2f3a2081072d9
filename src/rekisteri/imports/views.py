"""The import page: upload a CSV or XLSX file, see what would happen, then confirm.

The preview is the import service's dry run; the confirmation runs the same service for
real (all or nothing, under the group company's register lock, with the provenance and the
audit event of `rekisteri import`). The file is kept only in between (imports.uploads).
Messages are said in the user's language from the report's parts (`Note`, `RowError`,
`ReadError.problems`), never the service's English lines.
"""

from __future__ import annotations

import time
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from rekisteri.access.capabilities import Cap
from rekisteri.access.gate import requires, scope_of
from rekisteri.access.selectors import Scope
from rekisteri.audit.services import actor_of
from rekisteri.catalogue.models import SourceKind
from rekisteri.common.client import client_ip
from rekisteri.imports.readers import ReadError, read_table
from rekisteri.imports.services import ImportReport, Note, import_organizations, import_persons
from rekisteri.imports.uploads import (
    MAX_AGE,
    UploadError,
    upload_delete,
    upload_path,
    upload_save,
    upload_sweep,
)
from rekisteri.register.forms import translate_message
from rekisteri.register.models import Controller, RelationshipKind
from rekisteri.register.services import SourceRef

SESSION_KEY = "rekisteri.import"
KINDS = ("persons", "organizations")
MAX_SHOWN = 200

# The import's own messages (the register's are listed in register.forms).
IMPORT_MESSAGES = (
    gettext_noop("a value in a column without a header"),
    gettext_noop("must be yes or no"),
    gettext_noop(
        "no organisation with this business ID in the register (import the organisations first)"
    ),
    gettext_noop("the row cannot be read"),
)

_FIELD_LABELS = {
    "first_name": gettext_noop("first name"),
    "last_name": gettext_noop("last name"),
    "name": gettext_noop("name"),
    "street": gettext_noop("street address"),
    "postal_code": gettext_noop("postal code"),
    "city": gettext_noop("city"),
    "website": gettext_noop("website"),
    "industry": gettext_noop("industry"),
}


def _field(name: str) -> str:
    return _(_FIELD_LABELS.get(name, gettext_noop("a field")))


def _reason(reason: str) -> str:
    if reason.startswith("the row cannot be read"):
        return _("the row cannot be read")
    return translate_message(reason)


def error_lines(report: ImportReport) -> list[str]:
    out = []
    for e in report.errors[:MAX_SHOWN]:
        if e.column:
            out.append(
                _("Row %(row)s, column %(column)s: %(reason)s")
                % {"row": e.row, "column": e.column, "reason": _reason(e.reason)}
            )
        else:
            out.append(_("Row %(row)s: %(reason)s") % {"row": e.row, "reason": _reason(e.reason)})
    return out


def note_line(note: Note) -> str:
    p = {"row": note.row, **note.params}
    texts = {
        "suppressed": _(
            "Row %(row)s: the address is on the suppression list (an earlier opt-out);"
            " the person is imported but never marketed to."
        ),
        "same_email": _("Row %(row)s: the same email address as row %(other)s; skipped."),
        "known_email": _(
            "Row %(row)s: a person with this email address is already in the register; skipped."
        ),
        "same_code": _("Row %(row)s: the same personal identity code as row %(other)s; skipped."),
        "known_code": _(
            "Row %(row)s: a person with this personal identity code is already in the register;"
            " skipped."
        ),
        "merged": _("Row %(row)s: the same business ID as row %(other)s; merged into it."),
        "completed": _(
            "Row %(row)s: an organisation with this business ID is already in the register;"
            " the row completes it."
        ),
        "nothing_new": _(
            "Row %(row)s: an organisation with this business ID is already in the register and"
            " the row brings nothing new; skipped."
        ),
    }
    text = texts.get(note.kind, _("Row %(row)s: see the import's report.")) % p
    if note.params.get("conflicts"):
        text += " " + _("Where both rows have a value, row %(other)s's is kept: %(fields)s.") % {
            "other": note.params["other"],
            "fields": ", ".join(_field(n) for n in note.params["conflicts"]),
        }
    if note.params.get("filled"):
        text += " " + _("Filled in: %(fields)s.") % {
            "fields": ", ".join(_field(n) for n in note.params["filled"])
        }
    if note.params.get("relationships"):
        text += " " + _("Relationships added: %(kinds)s.") % {
            "kinds": ", ".join(str(RelationshipKind(k).label) for k in note.params["relationships"])
        }
    return text


def read_error_lines(exc: ReadError) -> list[str]:
    lines = []
    for kind, p in exc.problems:
        if kind == "unknown_column":
            lines.append(_("Row 1, column %(letter)s (%(header)s): this column is not known.") % p)
        elif kind == "second_column":
            lines.append(
                _(
                    "Row 1, column %(letter)s (%(header)s): a second column for the same data"
                    " (the first is %(first)s)."
                )
                % p
            )
        elif kind == "missing_column":
            lines.append(
                _("Row 1: the file has no column for the %(field)s.")
                % {"field": _field(p["field"])}
            )
        elif kind == "not_utf8":
            lines.append(
                _(
                    "Row %(row)s: the file is not UTF-8 text. Save it as “CSV UTF-8” (Excel: Save"
                    " as > CSV UTF-8)."
                )
                % p
            )
    if any(kind in ("unknown_column", "second_column") for kind, _p in exc.problems):
        lines.append(_("The columns the import knows are listed in the import guide."))
    return lines or [
        _("The file cannot be read as a CSV (UTF-8) or XLSX file with headers on row 1.")
    ]


def _choices(scope: Scope) -> dict[str, Any]:
    return {
        "controllers": list(
            Controller.objects.filter(pk__in=scope.controller_ids).order_by("name")
        ),
        "purposes": sorted(scope.purposes_for(Cap.IMPORT_DATA)),
        "source_kinds": [k for k in SourceKind.values],
        "kinds": KINDS,
    }


def _run(
    request: HttpRequest, pending: dict[str, Any], *, dry_run: bool
) -> tuple[ImportReport | None, list[str]]:
    path = upload_path(pending["token"])
    if path is None:
        return None, [_("The uploaded file is no longer kept. Upload it again.")]
    try:
        table = read_table(path, pending["kind"])
    except ReadError as exc:
        return None, read_error_lines(exc)
    controller = Controller.objects.get(pk=pending["controller"])
    run = import_persons if pending["kind"] == "persons" else import_organizations
    report = run(
        actor=actor_of(request.user, ip=client_ip(request)),
        controller=controller,
        rows=table,
        source=SourceRef(
            kind=pending["source_kind"], name=pending["source_name"], purpose=pending["purpose"]
        ),
        dry_run=dry_run,
    )
    return report, []


def _form_context(request: HttpRequest, scope: Scope, **extra: Any) -> dict[str, Any]:
    return {"values": request.POST if request.method == "POST" else {}, **_choices(scope), **extra}


@never_cache
@require_http_methods(["GET", "POST"])
@requires(Cap.IMPORT_DATA)
def upload_view(request: HttpRequest) -> HttpResponse:
    """The upload form (GET); the preview of the uploaded file, nothing written (POST)."""
    scope = scope_of(request)
    upload_sweep()
    if request.method == "GET":
        return render(request, "imports/upload.html", _form_context(request, scope))
    choices = _choices(scope)
    post = request.POST
    problems: dict[str, str] = {}
    kind = post.get("kind", "")
    if kind not in KINDS:
        problems["kind"] = _("Choose what the file holds.")
    controller_ids = [c.pk for c in choices["controllers"]]
    controller = post.get("controller") or (
        str(controller_ids[0]) if len(controller_ids) == 1 else ""
    )
    if not controller.isdigit() or int(controller) not in controller_ids:
        problems["controller"] = _("Choose the group company whose register receives the data.")
    purposes = choices["purposes"]
    purpose = post.get("purpose") or (purposes[0] if len(purposes) == 1 else "")
    if purpose not in purposes:
        problems["purpose"] = _("Choose the purpose the data is collected for.")
    source_kind = post.get("source_kind") or SourceKind.THIRD_PARTY
    if source_kind not in SourceKind.values:
        problems["source_kind"] = _("Choose where the data comes from.")
    upload = request.FILES.get("file")
    if upload is None:
        problems["file"] = _("Choose a CSV or XLSX file.")
    if problems:
        return render(
            request,
            "imports/upload.html",
            _form_context(request, scope, problems=problems),
            status=400,
        )
    assert upload is not None
    try:
        token = upload_save(upload)
    except UploadError as exc:
        text = (
            _("The file is too large.")
            if str(exc) == "too_large"
            else _("Choose a CSV or XLSX file (.csv or .xlsx).")
        )
        return render(
            request,
            "imports/upload.html",
            _form_context(request, scope, problems={"file": text}),
            status=400,
        )
    _forget(request)
    pending = {
        "token": token,
        "kind": kind,
        "controller": int(controller),
        "purpose": purpose,
        "source_kind": source_kind,
        "source_name": (post.get("source_name") or "").strip()[:255] or (upload.name or "")[:255],
        "file_name": (upload.name or "")[:255],
        "at": time.time(),
    }
    report, read_errors = _run(request, pending, dry_run=True)
    if report is None or not report.ok:
        upload_delete(token)  # nothing to confirm: the user fixes the file and uploads again
    else:
        request.session[SESSION_KEY] = pending
    return _preview(request, scope, pending, report, read_errors)


def _preview(
    request: HttpRequest,
    scope: Scope,
    pending: dict[str, Any],
    report: ImportReport | None,
    read_errors: list[str],
) -> HttpResponse:
    ok = report is not None and report.ok
    context = _form_context(
        request,
        scope,
        pending=pending,
        report=report,
        ok=ok,
        read_errors=read_errors,
        errors=error_lines(report) if report else [],
        more_errors=max(0, len(report.errors) - MAX_SHOWN) if report else 0,
        notes=[note_line(n) for n in report.notes[:MAX_SHOWN]] if report else [],
        controller=Controller.objects.get(pk=pending["controller"]),
        minutes=MAX_AGE // 60,
    )
    return render(request, "imports/preview.html", context, status=200 if ok else 400)


def _forget(request: HttpRequest) -> None:
    pending = request.session.pop(SESSION_KEY, None)
    if pending:
        upload_delete(pending.get("token", ""))


@require_POST
@requires(Cap.IMPORT_DATA)
def confirm_view(request: HttpRequest) -> HttpResponse:
    """Import the previewed file for real: all of it or nothing."""
    scope = scope_of(request)
    pending = request.session.get(SESSION_KEY)
    if not pending or pending.get("token") != request.POST.get("token"):
        messages.error(
            request, _("There is no import waiting for confirmation. Upload the file again.")
        )
        return redirect("imports:upload")
    # The scope may have changed since the preview: the group company and purpose again.
    if pending["controller"] not in scope.controller_ids or pending[
        "purpose"
    ] not in scope.purposes_for(Cap.IMPORT_DATA):
        _forget(request)
        messages.error(
            request, _("There is no import waiting for confirmation. Upload the file again.")
        )
        return redirect("imports:upload")
    report, read_errors = _run(request, pending, dry_run=False)
    if report is None or not report.ok:
        _forget(request)
        return _preview(request, scope, pending, report, read_errors)
    _forget(request)
    messages.success(
        request,
        _("%(file)s imported: %(created)s created, %(updated)s updated, %(skipped)s skipped.")
        % {
            "file": pending["file_name"],
            "created": report.created,
            "updated": report.updated,
            "skipped": report.skipped + report.merged,
        },
    )
    return redirect("imports:upload")


@require_POST
@requires(Cap.IMPORT_DATA)
def cancel_view(request: HttpRequest) -> HttpResponse:
    """Drop the previewed file without importing it."""
    scope_of(request)
    if request.session.get(SESSION_KEY):
        _forget(request)
        messages.info(request, _("The import was cancelled and the file deleted."))
    return redirect("imports:upload")
