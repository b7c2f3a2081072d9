"""The register's routes in the permission matrix (see rekisteri.testing.matrix)."""

from rekisteri.testing.matrix import OTHER, OWN, Case, organization_kwargs, person_kwargs

_org_owners = (OWN, OTHER)
_person_body = {"first_name": "Uusi", "last_name": "Henkilö", "email": "uusi@example.fi"}

CASES = {
    "register:person_list": Case(),
    "register:person_create": Case(),
    "register:person_detail": Case(kwargs=person_kwargs),
    "register:person_edit": Case(kwargs=person_kwargs, shared="refused"),
    "register:person_affiliation_end": Case(kwargs=person_kwargs, method="POST", shared="refused"),
    "register:organization_list": Case(),
    "register:organization_create": Case(),
    "register:organization_detail": Case(kwargs=organization_kwargs, owners=_org_owners),
    "register:organization_edit": Case(kwargs=organization_kwargs, owners=_org_owners),
    "register:organization_relationship_add": Case(
        kwargs=organization_kwargs, owners=_org_owners, method="POST"
    ),
    "register:organization_relationship_end": Case(
        kwargs=organization_kwargs, owners=_org_owners, method="POST"
    ),
    "api:person_list": Case(),
    "api:person_get": Case(kwargs=person_kwargs),
    "api:person_create": Case(method="POST", data=lambda w, o: dict(_person_body)),
    "api:person_update": Case(
        kwargs=person_kwargs, method="PATCH", data=lambda w, o: {"title": "CEO"}, shared="refused"
    ),
    "api:organization_list": Case(),
    "api:organization_get": Case(kwargs=organization_kwargs, owners=_org_owners),
    "api:organization_create": Case(
        method="POST", data=lambda w, o: {"name": "Uusi Oy", "business_id": "2331972-7"}
    ),
    "api:organization_update": Case(
        kwargs=organization_kwargs,
        owners=_org_owners,
        method="PATCH",
        data=lambda w, o: {"name": "Uusi nimi Oy"},
    ),
}
