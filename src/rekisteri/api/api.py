"""The JSON API under /api/v1/ (django-ninja). Each app adds its router in `<app>/api.py`.

Every operation needs a staff user's token (api/auth.py); the OpenAPI schema
(/api/v1/openapi.json) and its Swagger page (/api/v1/docs) are public, because they describe
the interface and hold no data. Errors have one format for all routers (api/errors.py).
"""

from __future__ import annotations

from importlib import import_module

from django.http import HttpRequest
from django.urls import reverse
from ninja import NinjaAPI, Schema

from rekisteri.access.gate import public
from rekisteri.api.auth import TokenAuth
from rekisteri.api.errors import install_error_handlers
from rekisteri.api.parsing import StorableParser

api = NinjaAPI(
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
]

for _app, _prefix in ROUTED_APPS:
    try:
        _module = import_module(f"rekisteri.{_app}.api")
    except ModuleNotFoundError as exc:
        if exc.name != f"rekisteri.{_app}.api":
            raise
        continue
    api.add_router(f"/{_prefix}" if _prefix else "/", _module.router)
