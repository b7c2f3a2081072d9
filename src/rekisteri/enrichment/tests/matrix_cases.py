"""The trade register routes in the permission matrix (see rekisteri.testing.matrix)."""

from rekisteri.testing.matrix import OTHER, OWN, Case, organization_kwargs

_org_owners = (OWN, OTHER)

CASES = {
    "enrichment:review": Case(),
    "enrichment:update": Case(kwargs=organization_kwargs, owners=_org_owners, method="POST"),
    "enrichment:reviewed": Case(kwargs=organization_kwargs, owners=_org_owners, method="POST"),
    "api:trade_register_get": Case(kwargs=organization_kwargs, owners=_org_owners),
    "api:trade_register_review_list": Case(),
    "api:trade_register_update": Case(
        kwargs=organization_kwargs, owners=_org_owners, method="POST"
    ),
    "api:trade_register_reviewed": Case(
        kwargs=organization_kwargs, owners=_org_owners, method="POST"
    ),
}
