"""The screening card on a person's and an organisation's page (the register's templates
load it, so the register app does not import screening, which sits above it:
docs/layers.md). Shown only to a user the gate lets through to the review of a hit."""

from __future__ import annotations

from typing import Any

from django import template

from rekisteri.access.gate import may_reach, scope_of
from rekisteri.audit.services import actor_of
from rekisteri.common.client import client_ip
from rekisteri.screening.models import SubjectKind
from rekisteri.screening.selectors import subject_status

register = template.Library()


@register.inclusion_tag("screening/partials/status.html", takes_context=True)
def screening_card(context: Any, person: Any = None, org: Any = None) -> dict[str, Any]:
    request = context["request"]
    scope = scope_of(request)
    if not may_reach(scope, "screening:hit"):
        return {"shown": False}
    kind, subject = (
        (SubjectKind.PERSON, person)
        if person is not None
        else (
            SubjectKind.ORGANISATION,
            org,
        )
    )
    status = subject_status(
        scope=scope,
        actor=actor_of(request.user, ip=client_ip(request)),
        kind=kind,
        subject_id=subject.pk,
    )
    return {"shown": True, **status}
