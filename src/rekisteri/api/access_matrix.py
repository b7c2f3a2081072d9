"""Who may reach the API's URLs and the register's API operations (see access/matrix.py).

The schema (/api/v1/openapi.json), its Swagger page (/api/v1/docs) and the index
(/api/v1/) are public: they describe the interface, hold no data and are the same for
everybody, and a client needs the schema before it has a token. Everything else needs a
staff user's token (401 without one, 403 for a user who is not staff).

Persons need the "basic" category, which every role but the administrator's covers; the
administrator gets 403 there. What a role then reads and may change is decided field by
field by its purposes; a user of another group company gets 404 for a person not shared
with them, and 403 for a change to one that is (read-only).
"""

from rekisteri.access.matrix import ALL_STAFF, Rule

PERSON_ROLES = ALL_STAFF - {"admin"}
_person = {"person_id": lambda f: f["person"].pk}
_organization = {"organization_id": lambda f: f["organization"].pk}

MATRIX = {
    # URL names of django-ninja's own views.
    "api:openapi-json": Rule(public=True),
    "api:openapi-view": Rule(public=True),
    "api:api-root": Rule(public=True),  # shadowed by api_index; ninja reverses it for paths
    "api:api_index": Rule(public=True),
    # Operations (operationId).
    "api:person_list": Rule(roles=PERSON_ROLES),
    "api:person_get": Rule(roles=PERSON_ROLES, kwargs=_person),
    "api:person_create": Rule(roles=PERSON_ROLES, method="POST"),
    "api:person_update": Rule(roles=PERSON_ROLES, kwargs=_person, method="PATCH"),
    "api:organization_list": Rule(roles=ALL_STAFF),
    "api:organization_get": Rule(roles=ALL_STAFF, kwargs=_organization),
    "api:organization_create": Rule(roles=ALL_STAFF, method="POST"),
    "api:organization_update": Rule(roles=ALL_STAFF, kwargs=_organization, method="PATCH"),
}
