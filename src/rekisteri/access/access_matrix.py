"""Who may reach the access app's pages (see access/matrix.py)."""

from rekisteri.access.matrix import ALL_STAFF, Rule

MATRIX = {
    # Every staff user may enrol and use a second factor.
    "access:mfa_setup": Rule(roles=ALL_STAFF),
    "access:mfa_verify": Rule(roles=ALL_STAFF),
    # The API's own pages (api app): the OpenAPI schema and its viewer are public
    # documentation; the root answers with the API's name.
    "api:openapi-json": Rule(public=True),
    "api:openapi-view": Rule(public=True),
    "api:api-root": Rule(public=True),
    # Every staff role may see with whom a person is shared; sharing and ending it are decided
    # by access.services (the keeping company's staff whose purposes cover the shared one).
    "access:person_sharing": Rule(roles=ALL_STAFF, kwargs={"person_id": lambda f: f["person"].pk}),
    # Only roles with reveal_identity_codes in the catalogue; others 403, outsiders 404.
    "access:identity_code_reveal": Rule(
        roles=frozenset({"compliance", "dpo"}),
        kwargs={"person_id": lambda f: f["person"].pk},
    ),
}
