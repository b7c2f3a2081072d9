"""Reading screening hits, scoped and audited: the review queue, one hit, the counts.

Only for users whose purposes cover customer due diligence and the screening category, only
of their own group companies; every person whose hit is shown is in the access log. The
reasons are turned into the user's words here (`why`), for the pages, the API and the
command alike.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.utils import formats
from django.utils.translation import gettext as _

from rekisteri.access.capabilities import Cap
from rekisteri.access.selectors import Scope
from rekisteri.audit.models import AuditAction
from rekisteri.audit.services import actor_of, audit_record
from rekisteri.audit.work import work_purpose
from rekisteri.screening.models import Hit, HitStatus, OrganisationHit, PersonHit, SubjectKind
from rekisteri.screening.services import ScreeningError, screening_category


@dataclass(frozen=True)
class Row:
    """A hit with what the queue shows of it."""

    kind: str
    hit: Hit
    subject: str
    subject_id: int
    why: list[str]

    @property
    def percent(self) -> int:
        return round(self.hit.score * 100)


def _when(value: str) -> str:
    try:
        return formats.date_format(date.fromisoformat(value), "SHORT_DATE_FORMAT")
    except (TypeError, ValueError):
        return value


def why(reasons: list[dict[str, Any]]) -> list[str]:
    """Each reason as a sentence: which of our values matched which of the entry's."""
    out = []
    for r in reasons or []:
        kind = r.get("kind", "")
        ours, theirs = str(r.get("ours", "")), str(r.get("theirs", ""))
        alike = round(float(r.get("similarity") or 0) * 100)
        values = {"ours": ours, "theirs": theirs, "alike": alike}
        if kind == "name":
            out.append(
                _("Name “%(ours)s” is on the list as “%(theirs)s” (%(alike)d %% alike).") % values
            )
        elif kind == "alias":
            out.append(
                _(
                    "Name “%(ours)s” matches the entry's other name “%(theirs)s” (%(alike)d %% alike)."
                )
                % values
            )
        elif kind == "birth_date":
            values.update(ours=_when(ours), theirs=_when(theirs))
            if ours == theirs:
                out.append(_("Birth date %(ours)s is the entry's birth date.") % values)
            else:
                out.append(
                    _("Birth date %(ours)s is close to the entry's birth date %(theirs)s.") % values
                )
        elif kind == "country":
            values.update(ours=ours.upper(), theirs=theirs.upper())
            out.append(_("Country %(ours)s is the entry's country %(theirs)s.") % values)
        else:
            out.append(
                _("“%(ours)s” matches the entry's “%(theirs)s” (%(alike)d %% alike).") % values
            )
    return out


def _purpose(scope: Scope) -> str:
    return work_purpose(scope, Cap.SCREEN_CUSTOMERS, [screening_category()])


def _person_label(hit: PersonHit) -> str:
    p = hit.person
    return " ".join(f"{p.first_name} {p.last_name}".split())


def _rows(person_hits: list[PersonHit], org_hits: list[OrganisationHit]) -> list[Row]:
    rows = [
        Row(SubjectKind.PERSON, h, _person_label(h), h.person_id, why(h.reasons))
        for h in person_hits
    ] + [
        Row(SubjectKind.ORGANISATION, h, h.organization.name, h.organization_id, why(h.reasons))
        for h in org_hits
    ]
    rows.sort(key=lambda r: (-r.hit.score, r.hit.created_at))
    return rows


def _audit_view(actor: Any, purpose: str, person_ids: list[int], reason: str) -> None:
    if person_ids:
        audit_record(
            actor=actor_of(actor),
            action=AuditAction.VIEW,
            person_ids=sorted(set(person_ids)),
            record="screening:hits",
            categories=[screening_category()],
            purpose=purpose,
            reason=reason,
        )


def open_hits(*, scope: Scope, actor: Any, limit: int | None = None) -> list[Row]:
    """The review queue: open hits of the user's group companies, best score first."""
    purpose = _purpose(scope)
    persons = PersonHit.objects.filter(
        status=HitStatus.OPEN, person__controller_id__in=scope.controller_ids
    ).select_related("person")
    orgs = OrganisationHit.objects.filter(
        status=HitStatus.OPEN, organization__controller_id__in=scope.controller_ids
    ).select_related("organization")
    if limit is not None:
        persons, orgs = persons.order_by("-score")[:limit], orgs.order_by("-score")[:limit]
    rows = _rows(list(persons), list(orgs))[:limit]
    _audit_view(
        actor,
        purpose,
        [r.subject_id for r in rows if r.kind == SubjectKind.PERSON],
        "screening review queue",
    )
    return rows


def open_hit_count(*, scope: Scope) -> int:
    """How many hits wait for a decision (a count: nobody's data is shown)."""
    _purpose(scope)
    return (
        PersonHit.objects.filter(
            status=HitStatus.OPEN, person__controller_id__in=scope.controller_ids
        ).count()
        + OrganisationHit.objects.filter(
            status=HitStatus.OPEN, organization__controller_id__in=scope.controller_ids
        ).count()
    )


def hit_get(*, scope: Scope, actor: Any, kind: str, hit_id: int) -> dict[str, Any]:
    """One hit with its earlier decisions on the same list entry; ScreeningError("hit")
    when it is not one of the user's group companies'."""
    purpose = _purpose(scope)
    if kind == SubjectKind.PERSON:
        hit: Any = (
            PersonHit.objects.filter(pk=hit_id, person__controller_id__in=scope.controller_ids)
            .select_related("person")
            .first()
        )
        link = {"person_id": hit.person_id} if hit else {}
    elif kind == SubjectKind.ORGANISATION:
        hit = (
            OrganisationHit.objects.filter(
                pk=hit_id, organization__controller_id__in=scope.controller_ids
            )
            .select_related("organization")
            .first()
        )
        link = {"organization_id": hit.organization_id} if hit else {}
    else:
        hit = None
    if hit is None:
        raise ScreeningError("hit", _("no such hit in your group company"))
    history = list(
        type(hit)
        .objects.filter(list_name=hit.list_name, entity_key=hit.entity_key, **link)
        .exclude(pk=hit.pk)
        .order_by("-created_at", "-id")
    )
    row = _rows([hit], []) if kind == SubjectKind.PERSON else _rows([], [hit])
    if kind == SubjectKind.PERSON:
        _audit_view(actor, purpose, [hit.person_id], "screening hit")
    return {"row": row[0], "history": [(h, why(h.reasons)) for h in history]}


def hits_for_command(*, scope: Scope, actor: Any) -> list[Row]:
    """The open hits for `rekisteri screening hits` (a system scope: every company)."""
    return open_hits(scope=scope, actor=actor)


def subject_status(*, scope: Scope, actor: Any, kind: str, subject_id: int) -> dict[str, Any]:
    """A person's or organisation's screening at a glance, for their page: whether a list is
    loaded, the open hits (with the reasons) and the confirmed matches. Only of the user's
    own group companies (another's: nothing); showing a person's hits is in the access log."""
    from rekisteri.watchlists.models import ListVersion

    purpose = _purpose(scope)
    if kind == SubjectKind.PERSON:
        hits: Any = PersonHit.objects.filter(
            person_id=subject_id, person__controller_id__in=scope.controller_ids
        ).select_related("person")
    else:
        hits = OrganisationHit.objects.filter(
            organization_id=subject_id, organization__controller_id__in=scope.controller_ids
        ).select_related("organization")
    hits = list(hits.filter(status__in=[HitStatus.OPEN, HitStatus.MATCH]))
    rows = _rows(hits, []) if kind == SubjectKind.PERSON else _rows([], hits)
    open_rows = [r for r in rows if r.hit.status == HitStatus.OPEN]
    matches = [r for r in rows if r.hit.status == HitStatus.MATCH]
    if rows and kind == SubjectKind.PERSON:
        _audit_view(actor, purpose, [subject_id], "screening status on the person's page")
    return {
        "kind": kind,
        "lists_loaded": ListVersion.objects.filter(is_current=True).exists(),
        "open": open_rows,
        "matches": matches,
    }
