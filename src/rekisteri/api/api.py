"""The JSON API under /api/v1/ (django-ninja). Each app adds its router in `<app>/api.py`.

Every operation needs a staff user's token (api/auth.py); the OpenAPI schema
(/api/v1/openapi.json) and its Swagger page (/api/v1/docs) are public, because they describe
the interface and hold no data. Errors have one format for all routers (api/errors.py).
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from ninja import NinjaAPI, Schema

from rekisteri.access.gate import public
from rekisteri.api.auth import TokenAuth
from rekisteri.api.errors import install_error_handlers
from rekisteri.api.parsing import StorableParser

# Operations that chain: what one answers names the record the next one takes (OpenAPI
# links), so that a client, and the fuzzer's stateful phase, can follow them.
# (operation, status) -> [(target operation, its parameter, runtime expression)]
LINKS: dict[tuple[str, str], list[tuple[str, str, str]]] = {
    ("person_create", "201"): [
        ("person_get", "person_id", "$response.body#/id"),
        ("person_update", "person_id", "$response.body#/id"),
        ("consent_status", "person_id", "$response.body#/id"),
        ("consent_objection", "person_id", "$response.body#/id"),
        ("audit_access_log", "person_id", "$response.body#/id"),
        ("interaction_list", "person_id", "$response.body#/id"),
    ],
    ("person_update", "200"): [("person_get", "person_id", "$response.body#/id")],
    ("person_list", "200"): [("person_get", "person_id", "$response.body#/items/0/id")],
    ("organization_create", "201"): [
        ("organization_get", "organization_id", "$response.body#/id"),
        ("organization_update", "organization_id", "$response.body#/id"),
        ("interaction_list", "organization_id", "$response.body#/id"),
    ],
    ("organization_update", "200"): [("organization_get", "organization_id", "$response.body#/id")],
    ("organization_list", "200"): [
        ("organization_get", "organization_id", "$response.body#/items/0/id")
    ],
    ("consent_objection", "200"): [("consent_status", "person_id", "$response.body#/person_id")],
    ("rights_request_list", "200"): [("rights_request_get", "request_id", "$response.body#/0/id")],
}


class RekisteriApi(NinjaAPI):
    """The schema, completed with what ninja cannot say: the catalogue's purposes as the
    `purpose` fields' choices, and the links between operations."""

    def get_openapi_schema(self, **kwargs: Any) -> Any:
        schema = super().get_openapi_schema(**kwargs)
        operations = {
            op["operationId"]: (path, op)
            for path, item in schema["paths"].items()
            for op in item.values()
            if isinstance(op, dict) and "operationId" in op
        }
        for (source, status), links in LINKS.items():
            if source not in operations:
                continue
            responses = operations[source][1]["responses"]
            response = responses.get(status) or responses[int(status)]
            for target, parameter, expression in links:
                if target in operations:
                    where = (
                        "query" if "{" + parameter + "}" not in operations[target][0] else "path"
                    )
                    response.setdefault("links", {})[f"{target}_{parameter}"] = {
                        "operationId": target,
                        "parameters": {f"{where}.{parameter}": expression},
                    }
        # The purposes are the database's catalogue: added to the schema served over HTTP (the
        # view passes its path parameters), not to one built without a request (the gate matrix).
        purposes = _purposes() if kwargs.get("path_params") is not None else []
        if purposes:
            for _path, op in operations.values():
                for param in op.get("parameters", []):
                    if param["name"] == "purpose":
                        param["schema"]["enum"] = ["", *purposes]
            for component in schema["components"]["schemas"].values():
                prop = component.get("properties", {}).get("purpose")
                if prop is not None and "description" in prop and "purposes" in prop["description"]:
                    prop["enum"] = ["", *purposes, None]
        return schema


def _purposes() -> list[str]:
    """The current catalogue's purposes (public: the privacy notice names them too)."""
    from rekisteri.catalogue.models import CatalogueVersion
    from rekisteri.catalogue.selectors import catalogue_snapshot

    if not CatalogueVersion.objects.exists():
        return []
    return sorted(catalogue_snapshot().purposes)


api = RekisteriApi(
    title="Rekisteri API",
    version="1",
    description=(
        "The customer and stakeholder register. Authenticate with "
        "`Authorization: Bearer <token>` (`rekisteri token create --user NAME`). "
        "Responses hold only the fields that the token's user's purposes cover; "
        "every read and write of a person is in the audit trail. See docs/api.md."
    ),
    urls_namespace="api",
    auth=TokenAuth(),
    docs_url="/docs",
    parser=StorableParser(),
)
install_error_handlers(api)


class Index(Schema):
    version: str
    openapi: str
    docs: str
    auth: str


@api.get(
    "/",
    auth=None,
    response=Index,
    operation_id="api_index",
    summary="Where the schema and the documentation are (no token needed)",
    tags=["meta"],
)
@public
def api_index(request: HttpRequest) -> dict[str, str]:
    return {
        "version": api.version,
        "openapi": reverse("api:openapi-json"),
        "docs": reverse("api:openapi-view"),
        "auth": "Authorization: Bearer <token>; rekisteri token create --user NAME",
    }


# Routers are mounted in this order; an app without api.py is skipped.
ROUTED_APPS = [
    ("register", ""),
    ("interactions", "interactions"),
    ("retention", "retention"),
    ("consent", "consent"),
    ("marketing", "marketing"),  # catalogue-free: an app's router, not a role
    ("rights", "rights"),  # catalogue-free: an app's router, not a category
    ("notice", "notice"),
    ("audit", "audit"),
    ("kyc", "kyc"),  # catalogue-free: an app's router, not a category
    ("screening", "screening"),  # catalogue-free: an app's router, not a category
    ("enrichment", "enrichment"),
]

for _app, _prefix in ROUTED_APPS:
    try:
        _module = import_module(f"rekisteri.{_app}.api")
    except ModuleNotFoundError as exc:
        if exc.name != f"rekisteri.{_app}.api":
            raise
        continue
    api.add_router(f"/{_prefix}" if _prefix else "/", _module.router)
