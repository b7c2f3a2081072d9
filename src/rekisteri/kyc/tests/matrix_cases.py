"""The KYC routes in the permission matrix (see rekisteri.testing.matrix)."""

from rekisteri.testing.matrix import OTHER, OWN, Case, organization_kwargs, person_kwargs

_org_owners = (OWN, OTHER)
_provenance = {"source": "owner_register", "source_date": "2026-01-15"}

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
}
