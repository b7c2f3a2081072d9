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
from rekisteri.access.selectors import Scope
from rekisteri.audit.models import AuditAction
from rekisteri.audit.services import actor_of, audit_record
from rekisteri.audit.work import work_purpose
from rekisteri.kyc.models import BeneficialOwner, DueDiligence, PepStatus, RepresentationRight
from rekisteri.kyc.services import KycError, kyc_category
from rekisteri.register.models import Organization


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
