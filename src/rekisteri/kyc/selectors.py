"""Reading know-your-customer records, scoped and audited.

`kyc_of_organisation` is what the organisation page's KYC section and the API show: only to a
user whose purposes cover customer due diligence, only of the user's own group companies,
and every person whose KYC data is shown is in the access log. `kyc_rows_of_person` is what
the person's own access package reads (no scope: the person's own data).
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from rekisteri.access.capabilities import Cap
from rekisteri.access.policy import Operation, check_processing
from rekisteri.access.selectors import Scope
from rekisteri.audit.models import AuditAction
from rekisteri.audit.services import actor_of, audit_record
from rekisteri.audit.work import work_purpose
from rekisteri.kyc.models import (
    AmlInvestigation,
    BeneficialOwner,
    DueDiligence,
    InvestigationOutcome,
    PepStatus,
    PersonDueDiligence,
    RepresentationRight,
)
from rekisteri.kyc.services import KycError, kyc_category
from rekisteri.register.models import Organization, Person


def kyc_of_organisation(*, scope: Scope, actor: Any, organization_id: int) -> dict[str, Any]:
    """The organisation's beneficial owners, representatives, their PEP statuses and its
    customer due diligence."""
    purpose = work_purpose(scope, Cap.SCREEN_CUSTOMERS, [kyc_category()])
    org = Organization.objects.filter(
        pk=organization_id, controller_id__in=scope.controller_ids
    ).first()
    if org is None:
        raise KycError(
            "organization", _("no organisation with this id in the register of your group company")
        )
    owners = list(BeneficialOwner.objects.filter(organization=org).select_related("person"))
    reps = list(RepresentationRight.objects.filter(organization=org).select_related("person"))
    person_ids = sorted({o.person_id for o in owners} | {r.person_id for r in reps})
    peps = list(PepStatus.objects.filter(person_id__in=person_ids).select_related("person"))
    cdd = list(DueDiligence.objects.filter(organization=org))
    if person_ids:
        audit_record(
            actor=actor_of(actor),
            action=AuditAction.VIEW,
            person_ids=person_ids,
            record=f"{org._meta.label}:{org.pk}",
            categories=[kyc_category()],
            purpose=purpose,
            reason="KYC records of an organisation",
        )
    return {
        "organization": org,
        "owners": owners,
        "representatives": reps,
        "peps": peps,
        "due_diligence": cdd,
    }


def kyc_rows_of_person(*, person_id: int) -> dict[str, list[Any]]:
    """The person's own KYC rows (for the access package)."""
    return {
        "owners": list(
            BeneficialOwner.objects.filter(person_id=person_id).select_related("organization")
        ),
        "representations": list(
            RepresentationRight.objects.filter(person_id=person_id).select_related("organization")
        ),
        "peps": list(PepStatus.objects.filter(person_id=person_id)),
    }


def kyc_record_of_organisation(
    *, scope: Scope, actor: Any, organization_id: int, kind: str, record_id: int
) -> Any:
    """One record of the organisation's KYC, to correct or remove it (`kind`: owner,
    representation, pep, due_diligence); a record of another organisation or company
    raises KycError("record"). Reading a person's record is in the access log."""
    purpose = work_purpose(scope, Cap.SCREEN_CUSTOMERS, [kyc_category()])
    org = Organization.objects.filter(
        pk=organization_id, controller_id__in=scope.controller_ids
    ).first()
    missing = KycError("record", _("no such KYC record in your group company"))
    if org is None:
        raise missing
    if kind == "owner":
        row = BeneficialOwner.objects.filter(pk=record_id, organization=org).first()
    elif kind == "representation":
        row = RepresentationRight.objects.filter(pk=record_id, organization=org).first()
    elif kind == "due_diligence":
        row = DueDiligence.objects.filter(pk=record_id, organization=org).first()
    elif kind == "pep":
        linked = set(
            BeneficialOwner.objects.filter(organization=org).values_list("person_id", flat=True)
        ) | set(
            RepresentationRight.objects.filter(organization=org).values_list("person_id", flat=True)
        )
        row = PepStatus.objects.filter(pk=record_id, person_id__in=linked).first()
    else:
        row = None
    if row is None:
        raise missing
    person_id = getattr(row, "person_id", None)
    if person_id is not None:
        audit_record(
            actor=actor_of(actor),
            action=AuditAction.VIEW,
            person_id=person_id,
            record=f"{row._meta.label}:{row.pk}",
            categories=[kyc_category()],
            purpose=purpose,
            reason="KYC record opened to correct or remove it",
        )
    return row


def kyc_of_person(*, scope: Scope, actor: Any, person_id: int) -> dict[str, Any]:
    """A consumer customer's KYC: their PEP statuses and customer due diligence (the
    person of the user's own group companies; others raise KycError("person"))."""
    purpose = work_purpose(scope, Cap.SCREEN_CUSTOMERS, [kyc_category()])
    person = Person.objects.filter(pk=person_id, controller_id__in=scope.controller_ids).first()
    if person is None:
        raise KycError("person", _("no person with this id in the register of your group company"))
    check_processing(scope, person, Operation.VIEW, categories=[kyc_category()])
    shown = {
        "person": person,
        "peps": list(PepStatus.objects.filter(person=person)),
        "due_diligence": list(PersonDueDiligence.objects.filter(person=person)),
    }
    audit_record(
        actor=actor_of(actor),
        action=AuditAction.VIEW,
        person_id=person.pk,
        record=f"{person._meta.label}:{person.pk}",
        categories=[kyc_category()],
        purpose=purpose,
        reason="KYC records of a consumer customer",
    )
    return shown


# --- AML investigations (exempt from the right of access) ----------------------------------


def _aml_purpose(scope: Scope) -> str:
    from rekisteri.kyc.services import aml_category

    return work_purpose(scope, Cap.INVESTIGATE_TRANSACTIONS, [aml_category()])


def _aml_view(actor: Any, purpose: str, person_ids: list[int], record: str, reason: str) -> None:
    from rekisteri.kyc.services import aml_category

    if person_ids:
        one = person_ids[0] if len(person_ids) == 1 else None
        audit_record(
            actor=actor_of(actor),
            action=AuditAction.VIEW,
            person_id=one,
            person_ids=() if one is not None else person_ids,
            record=record,
            categories=[aml_category()],
            purpose=purpose,
            reason=reason,
        )


def aml_investigations(
    *, scope: Scope, actor: Any, only_open: bool = True, person_id: int | None = None
) -> list[AmlInvestigation]:
    """The investigations of the user's own group companies (open ones first, newest
    first; `only_open`: the open ones only; `person_id`: one person's). One VIEW event
    names the persons shown."""
    purpose = _aml_purpose(scope)
    qs = AmlInvestigation.objects.filter(
        person__controller_id__in=scope.controller_ids
    ).select_related("person", "organization")
    if only_open:
        qs = qs.filter(outcome=InvestigationOutcome.OPEN)
    if person_id is not None:
        qs = qs.filter(person_id=person_id)
    rows = sorted(
        qs[:500], key=lambda r: (r.outcome != InvestigationOutcome.OPEN, -r.opened_on.toordinal())
    )
    _aml_view(
        actor,
        purpose,
        sorted({r.person_id for r in rows}),
        f"{AmlInvestigation._meta.label}:list",
        "AML investigations listed",
    )
    return rows


def aml_investigation_get(*, scope: Scope, actor: Any, investigation_id: int) -> AmlInvestigation:
    """One investigation of the user's own group companies (another's raises
    KycError("record")); the read is in the audit trail."""
    purpose = _aml_purpose(scope)
    row = (
        AmlInvestigation.objects.filter(
            pk=investigation_id, person__controller_id__in=scope.controller_ids
        )
        .select_related("person", "organization")
        .first()
    )
    if row is None:
        raise KycError("record", _("no such KYC record in your group company"))
    _aml_view(
        actor, purpose, [row.person_id], f"{row._meta.label}:{row.pk}", "AML investigation opened"
    )
    return row
