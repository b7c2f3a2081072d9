"""The KYC routes in the permission matrix (see rekisteri.testing.matrix)."""

from datetime import date
from typing import Any

from rekisteri.testing.matrix import (
    OTHER,
    OWN,
    Case,
    World,
    organization_kwargs,
    person_kwargs,
)

_org_owners = (OWN, OTHER)
_provenance = {"source": "owner_register", "source_date": "2026-01-15"}


def _row(w: World, owner: str, kind: str) -> Any:
    """A KYC record of the owner's organisation (made once per world, by the ORM)."""
    from rekisteri.kyc.models import (
        BeneficialOwner,
        DueDiligence,
        PepStatus,
        RepresentationRight,
    )

    person = w.person(owner)
    day = date(2026, 1, 15)

    def make() -> Any:
        if kind == "pep" and owner not in w.organizations:
            return PepStatus.objects.create(
                person=person,
                relation="self",
                position="mayor",
                country="FI",
                next_review=date(2027, 1, 1),
                source="public_source",
                source_date=day,
            )
        org = w.organization(owner)
        owner_row = BeneficialOwner.objects.get_or_create(
            person=person,
            organization=org,
            defaults={"control": "ownership", "source": "owner_register", "source_date": day},
        )[0]
        if kind == "owner":
            return owner_row
        if kind == "representation":
            return RepresentationRight.objects.create(
                person=person,
                organization=org,
                kind="signing_right",
                evidence="extract",
                source="trade_register",
                source_date=day,
            )
        if kind == "pep":
            return PepStatus.objects.create(
                person=person,
                relation="self",
                position="mayor",
                country="FI",
                next_review=date(2027, 1, 1),
                source="public_source",
                source_date=day,
            )
        return DueDiligence.objects.create(
            organization=org,
            risk_level="normal",
            checks=["identity"],
            checked_on=day,
            next_review=date(2027, 1, 15),
            decided_by="matrix",
        )

    return w.once(f"kyc-{kind}-{owner}", make)


def _record_kwargs(kind: str) -> Any:
    def kwargs(w: World, owner: str) -> dict[str, Any]:
        return {
            "organization_id": w.organization(owner).pk,
            "kind": kind,
            "record_id": _row(w, owner, kind).pk,
        }

    return kwargs


def _api_kwargs(kind: str) -> Any:
    def kwargs(w: World, owner: str) -> dict[str, Any]:
        return {"organization_id": w.organization(owner).pk, "record_id": _row(w, owner, kind).pk}

    return kwargs


def _pep_kwargs(w: World, owner: str) -> dict[str, Any]:
    return {"person_id": w.person(owner).pk, "record_id": _row(w, owner, "pep").pk}


_CDD = {
    "risk_level": "low",
    "checks": ["identity document"],
    "checked_on": "2026-01-15",
    "next_review": "2028-01-15",
}


def _person_cdd_kwargs(w: World, owner: str) -> dict[str, Any]:
    from rekisteri.kyc.models import PersonDueDiligence

    person = w.person(owner)
    row = w.once(
        f"kyc-person-cdd-{owner}",
        lambda: PersonDueDiligence.objects.create(
            person=person,
            risk_level="low",
            checks=["identity document"],
            checked_on=date(2026, 1, 15),
            next_review=date(2028, 1, 15),
            decided_by="matrix",
        ),
    )
    return {"person_id": person.pk, "record_id": row.pk}


_PEP = {
    "relation": "self",
    "position": "minister",
    "country": "FI",
    "next_review": "2027-01-01",
    **_provenance,
}


def _investigation_kwargs(w: World, owner: str) -> dict[str, Any]:
    from rekisteri.kyc.models import AmlInvestigation

    person = w.person(owner)
    row = w.once(
        f"kyc-investigation-{owner}",
        lambda: AmlInvestigation.objects.create(
            person=person, opened_on=date(2026, 2, 1), grounds="matrix", recorded_by="matrix"
        ),
    )
    return {"investigation_id": row.pk}


CASES = {
    "kyc:organisation": Case(kwargs=organization_kwargs, owners=_org_owners),
    "api:kyc_organization_get": Case(kwargs=organization_kwargs, owners=_org_owners),
    "api:kyc_owner_record": Case(
        kwargs=organization_kwargs,
        owners=_org_owners,
        method="POST",
        data=lambda w, o: {"person_id": w.person(OWN).pk, "control": "ownership", **_provenance},
    ),
    "api:kyc_representation_record": Case(
        kwargs=organization_kwargs,
        owners=_org_owners,
        method="POST",
        data=lambda w, o: {
            "person_id": w.person(OWN).pk,
            "kind": "signing_right",
            "evidence": "extract",
            **_provenance,
        },
    ),
    "api:kyc_pep_record": Case(
        kwargs=person_kwargs,
        method="POST",
        shared="refused",
        data=lambda w, o: {
            "relation": "self",
            "position": "minister",
            "country": "FI",
            "next_review": "2027-01-01",
            **_provenance,
        },
    ),
    "api:kyc_due_diligence_record": Case(
        kwargs=organization_kwargs,
        owners=_org_owners,
        method="POST",
        data=lambda w, o: {
            "risk_level": "normal",
            "checks": ["identity"],
            "checked_on": "2026-01-15",
            "next_review": "2027-01-15",
        },
    ),
    "kyc:record_edit": Case(kwargs=_record_kwargs("representation"), owners=_org_owners),
    "kyc:record_remove": Case(kwargs=_record_kwargs("pep"), owners=_org_owners),
    "api:kyc_owner_remove": Case(kwargs=_api_kwargs("owner"), owners=_org_owners, method="DELETE"),
    "api:kyc_representation_update": Case(
        kwargs=_api_kwargs("representation"),
        owners=_org_owners,
        method="PUT",
        data=lambda w, o: {"kind": "procuration", "evidence": "extract", **_provenance},
    ),
    "api:kyc_representation_remove": Case(
        kwargs=_api_kwargs("representation"), owners=_org_owners, method="DELETE"
    ),
    "api:kyc_pep_update": Case(
        kwargs=_pep_kwargs, method="PUT", shared="refused", data=lambda w, o: _PEP
    ),
    "api:kyc_pep_remove": Case(kwargs=_pep_kwargs, method="DELETE", shared="refused"),
    "api:kyc_due_diligence_update": Case(
        kwargs=_api_kwargs("due_diligence"),
        owners=_org_owners,
        method="PUT",
        data=lambda w, o: {
            "risk_level": "high",
            "checks": ["identity"],
            "checked_on": "2026-01-15",
            "next_review": "2027-01-15",
        },
    ),
    "api:kyc_due_diligence_remove": Case(
        kwargs=_api_kwargs("due_diligence"), owners=_org_owners, method="DELETE"
    ),
    "kyc:person": Case(kwargs=person_kwargs, shared="refused"),
    "api:kyc_person_get": Case(kwargs=person_kwargs, shared="refused"),
    "api:kyc_person_due_diligence_record": Case(
        kwargs=person_kwargs, method="POST", shared="refused", data=lambda w, o: _CDD
    ),
    "api:kyc_person_due_diligence_update": Case(
        kwargs=_person_cdd_kwargs, method="PUT", shared="refused", data=lambda w, o: _CDD
    ),
    "api:kyc_person_due_diligence_remove": Case(
        kwargs=_person_cdd_kwargs, method="DELETE", shared="refused"
    ),
    "kyc:investigations": Case(),
    "kyc:investigation": Case(kwargs=_investigation_kwargs, owners=_org_owners),
    "kyc:investigation_close": Case(kwargs=_investigation_kwargs, owners=_org_owners),
    "kyc:investigation_new": Case(kwargs=person_kwargs, shared="refused"),
    "api:kyc_investigations_list": Case(),
    "api:kyc_investigation_get": Case(kwargs=_investigation_kwargs, owners=_org_owners),
    "api:kyc_investigation_open": Case(
        kwargs=person_kwargs,
        method="POST",
        shared="refused",
        data=lambda w, o: {"opened_on": "2026-02-01", "grounds": "unusual cash deposits"},
    ),
    "api:kyc_investigation_close": Case(
        kwargs=_investigation_kwargs,
        owners=_org_owners,
        method="POST",
        data=lambda w, o: {"outcome": "no_suspicion"},
    ),
}
