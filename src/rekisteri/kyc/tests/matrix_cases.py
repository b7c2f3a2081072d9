"""The KYC routes in the permission matrix (see rekisteri.testing.matrix)."""

from rekisteri.testing.matrix import OTHER, OWN, Case, organization_kwargs

_org_owners = (OWN, OTHER)

CASES = {
    "kyc:organisation": Case(kwargs=organization_kwargs, owners=_org_owners),
}
