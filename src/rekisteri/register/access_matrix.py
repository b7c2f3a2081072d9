"""Who may reach the register's staff pages (see rekisteri.access.matrix).

Every staff role reaches them; what each role then sees and may change is decided by the
selectors and services by data category, and a user of another group company gets 404 for a
record that is not shared with them.
"""

from rekisteri.access.matrix import ALL_STAFF, Rule

_person = {"person_id": lambda f: f["person"].pk}
_organization = {"organization_id": lambda f: f["organization"].pk}

MATRIX = {
    "register:person_list": Rule(roles=ALL_STAFF),
    "register:person_create": Rule(roles=ALL_STAFF),
    "register:person_detail": Rule(roles=ALL_STAFF, kwargs=_person),
    "register:person_edit": Rule(roles=ALL_STAFF, kwargs=_person),
    "register:person_affiliation_end": Rule(roles=ALL_STAFF, kwargs=_person, method="POST"),
    "register:organization_list": Rule(roles=ALL_STAFF),
    "register:organization_create": Rule(roles=ALL_STAFF),
    "register:organization_detail": Rule(roles=ALL_STAFF, kwargs=_organization),
    "register:organization_edit": Rule(roles=ALL_STAFF, kwargs=_organization),
    "register:organization_relationship_add": Rule(
        roles=ALL_STAFF, kwargs=_organization, method="POST"
    ),
    "register:organization_relationship_end": Rule(
        roles=ALL_STAFF, kwargs=_organization, method="POST"
    ),
}
