"""The JSON API under /api/v1/ (django-ninja). Each app adds its router in `<app>/api.py`."""

from __future__ import annotations

from importlib import import_module

from ninja import NinjaAPI

from rekisteri.api.auth import TokenAuth

api = NinjaAPI(
    title="Rekisteri API",
    version="1",
    urls_namespace="api",
    auth=TokenAuth(),
    docs_url="/docs",
)

# Routers are mounted in this order; an app without api.py is skipped.
ROUTED_APPS = [
    ("register", ""),
    ("interactions", "interactions"),
    ("retention", "retention"),
    ("consent", "consent"),
    ("marketing", "marketing"),
    ("rights", "rights"),
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
