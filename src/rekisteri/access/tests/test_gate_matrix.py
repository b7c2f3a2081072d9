"""The permission matrix, generated from the URLconf and the API: every route × every role ×
(own object, another group company's, a shared one, one outside the role's purposes).

1. Every URL pattern and API operation has a declaration (`rekisteri.access.gate`) and a case
   (`<app>/tests/matrix_cases.py`); a new route without either fails here.
2. What each role should get is worked out from the catalogue file itself (role → purposes →
   capabilities, read with tomllib), not from the gate's own code, so a wrong declaration or
   a gate that lets too much through fails.
3. It runs with the demo catalogue and with the same catalogue whose roles have other names
   (`kyc_officer` for compliance, and so on): no role name is special to the code.

Anonymous users get the login page (API: 401) unless the route is public. A role the gate
refuses gets 403. A role it lets through gets the page for its own company's object, 404 for
another company's, the page for a shared person only when the role holds the purpose it is
shared under and the route reads (403 or 404 when it changes), and 404 for an object whose
data categories its purposes do not cover.
"""

from __future__ import annotations

import json
import re
import tomllib
from importlib import import_module
from typing import Any

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from rekisteri.access.gate import CAPABILITY, PUBLIC, STAFF, api_operations, route_declarations
from rekisteri.testing.fixtures import DEMO_CATALOGUE, make_staff
from rekisteri.testing.matrix import OTHER, OUTSIDE, OWN, SHARED, Case, World

HETU = "131052-308T"
API_PREFIX = "/api/v1"

#: the demo catalogue with every role renamed: the code must not care what roles are called
RENAMED = {
    "sales": "myyja",
    "customer_service": "asiakaspalvelija",
    "finance": "taloushallinto",
    "marketing": "markkinoija",
    "compliance": "kyc_officer",
    "dpo": "tietosuojavastaava",
    "admin": "yllapitaja",
}


def _renamed_catalogue() -> str:
    text = DEMO_CATALOGUE.read_text(encoding="utf-8")
    for old, new in RENAMED.items():
        text = text.replace(f'[[roles]]\ncode = "{old}"', f'[[roles]]\ncode = "{new}"')
    return text


CATALOGUES = {
    "demo": DEMO_CATALOGUE.read_text(encoding="utf-8"),
    "renamed-roles": _renamed_catalogue(),
}


def _expected_capabilities(text: str) -> dict[str, frozenset[str]]:
    """role → the capabilities its purposes cover, straight from the TOML."""
    raw = tomllib.loads(text)
    caps = {p["code"]: set(p.get("capabilities", [])) for p in raw["purposes"]}
    return {
        r["code"]: frozenset().union(*(caps[p] for p in r.get("purposes", [])))
        for r in raw["roles"]
    }


def _expected_categories(text: str) -> dict[str, frozenset[str]]:
    raw = tomllib.loads(text)
    cats = {p["code"]: set(p.get("categories", [])) for p in raw["purposes"]}
    return {
        r["code"]: frozenset().union(*(cats[p] for p in r.get("purposes", [])))
        for r in raw["roles"]
    }


def _role_purposes(text: str) -> dict[str, frozenset[str]]:
    return {r["code"]: frozenset(r.get("purposes", [])) for r in tomllib.loads(text)["roles"]}


# --- Every route is declared and has a case -------------------------------------------------

DECLARATIONS = dict(route_declarations())
API = {}
for _op_id, _func in api_operations().items():
    API[f"api:{_op_id}"] = _func


def _api_paths() -> dict[str, tuple[str, str, bool]]:
    from rekisteri.api.api import api

    schema = api.get_openapi_schema(path_prefix=API_PREFIX)
    out = {}
    for path, operations in schema["paths"].items():
        for method, op in operations.items():
            out[f"api:{op['operationId']}"] = (method.upper(), path, "requestBody" in op)
    return out


API_PATHS = _api_paths()


def _all_cases() -> dict[str, Case]:
    from django.apps import apps

    cases: dict[str, Case] = {}
    for config in apps.get_app_configs():
        if not config.name.startswith("rekisteri."):
            continue
        try:
            module = import_module(f"{config.name}.tests.matrix_cases")
        except ModuleNotFoundError as exc:
            if exc.name not in (f"{config.name}.tests.matrix_cases", f"{config.name}.tests"):
                raise
            continue
        overlap = set(cases) & set(module.CASES)
        assert not overlap, f"routes with two cases: {sorted(overlap)}"
        cases.update(module.CASES)
    return cases


CASES = _all_cases()
ROUTES = sorted(DECLARATIONS)


def test_every_route_declares_what_it_needs() -> None:
    missing = [name for name, declaration in DECLARATIONS.items() if declaration is None]
    assert not missing, "routes without a gate declaration: " + ", ".join(sorted(missing))


def test_every_route_has_a_matrix_case() -> None:
    missing = sorted(set(DECLARATIONS) - set(CASES))
    assert not missing, "routes without a case in <app>/tests/matrix_cases.py: " + ", ".join(
        missing
    )
    stale = sorted(set(CASES) - set(DECLARATIONS))
    assert not stale, "cases for routes that do not exist: " + ", ".join(stale)


# --- The world ----------------------------------------------------------------------------


def _world(text: str) -> tuple[World, dict[str, Any]]:
    from rekisteri.access.models import GroupShare
    from rekisteri.access.selectors import system_scope
    from rekisteri.audit.services import Actor
    from rekisteri.catalogue.selectors import catalogue_snapshot
    from rekisteri.catalogue.services import catalogue_load
    from rekisteri.register.models import Controller
    from rekisteri.register.services import organization_create, person_create

    actor = Actor("matrix")
    catalogue_load(text=text, source_name="matrix", actor=actor)
    snap = catalogue_snapshot()
    fi = Controller.objects.get(code="esimerkki-fi")
    se = Controller.objects.get(code="exempel-se")
    shared_purpose = sorted(p.code for p in snap.purposes.values() if p.shared_within_group)[0]

    organizations = {
        OWN: organization_create(
            actor=actor,
            controller=fi,
            data={"name": "Asiakas Oy", "business_id": "0737546-2", "country": "FI"},
            scope=system_scope("permission matrix"),
        ),
        OTHER: organization_create(
            actor=actor,
            controller=se,
            data={"name": "Kund AB", "business_id": "556036-0793", "country": "SE"},
            scope=system_scope("permission matrix"),
        ),
    }
    organizations[SHARED] = organizations[OTHER]

    def person(controller: Any, first: str, last: str, **extra: Any) -> Any:
        data = {"first_name": first, "last_name": last, "email": f"{last.lower()}@example.fi"}
        data.update(extra)
        return person_create(
            actor=actor, controller=controller, data=data, scope=system_scope("permission matrix")
        )

    persons = {
        OWN: person(fi, "Aino", "Oma", identity_code=HETU, organization_business_id="0737546-2"),
        OTHER: person(se, "Sven", "Annan", organization_business_id="556036-0793"),
        SHARED: person(se, "Stina", "Delad"),
    }
    GroupShare.objects.create(
        person=persons[SHARED],
        controller=fi,
        purpose=shared_purpose,
        shared_by="matrix",
        shared_at=timezone.now(),
    )
    users = {role: make_staff(f"u-{role}", [role], [fi]) for role in snap.roles}
    world = World(
        own_controller=fi,
        other_controller=se,
        shared_purpose=shared_purpose,
        persons=persons,
        organizations=organizations,
        actor=actor,
    )
    return world, users


# --- Calling one route --------------------------------------------------------------------


def _call(name: str, case: Case, w: World, owner: str, user: Any | None) -> Any:
    kwargs = case.path_kwargs(w, owner)
    data = case.data(w, owner) if case.data else None
    client = Client(HTTP_ACCEPT_LANGUAGE="en", **(case.headers(w) if case.headers else {}))
    client.raise_request_exception = False
    if name in API_PATHS:
        method, template, has_body = API_PATHS[name]
        path = re.sub(r"{(\w+)}", lambda m: str(kwargs[m.group(1)]), template)
        query = {k: v for k, v in kwargs.items() if f"{{{k}}}" not in template}
        if query:
            from urllib.parse import urlencode

            path += "?" + urlencode(query)
        headers = {}
        if user is not None:
            from rekisteri.api.auth import token_create

            headers["HTTP_AUTHORIZATION"] = f"Bearer {token_create(user=user)}"
        body = json.dumps(data if data is not None else {}) if has_body else ""
        return client.generic(method, path, body, content_type="application/json", **headers)
    if user is not None:
        client.force_login(user, verified=True)
    query = {k: v for k, v in kwargs.items() if k.startswith("?")}
    url = reverse(name, kwargs={k: v for k, v in kwargs.items() if not k.startswith("?")})
    if case.method.upper() == "GET":
        return client.get(url, {k[1:]: v for k, v in query.items()} | (data or {}))
    from urllib.parse import urlencode

    return client.generic(
        case.method.upper(),
        url,
        urlencode(data or {}, doseq=True),
        content_type="application/x-www-form-urlencoded",
    )


def _once(name: str, case: Case, w: World, owner: str, user: Any | None) -> Any:
    # The case's objects are made (w.once) outside the rolled-back savepoint: made inside
    # it, they would be gone for every later call that reuses their ids.
    case.path_kwargs(w, owner)
    with transaction.atomic():
        response = _call(name, case, w, owner, user)
        transaction.set_rollback(True)
    return response


def _login_redirect(response: Any) -> bool:
    return response.status_code in (301, 302) and response["Location"].startswith(
        reverse("staff:login")
    )


def _ok(response: Any) -> bool:
    return response.status_code not in (401, 403, 404, 405, 422) and response.status_code < 500 and not _login_redirect(response) and "/staff/access/mfa/" not in response.get("Location", "")  # fmt: skip


def _public_ok(response: Any) -> bool:
    # A public page may answer 404 (an unknown token) or 400, but never refuses (logging out
    # leads to the login page, without asking to come back).
    refused = _login_redirect(response) and "next=" in response["Location"]
    return response.status_code not in (401, 403, 405) and response.status_code < 500 and not refused  # fmt: skip


def _status(response: Any) -> str:
    location = response.get("Location", "")
    return f"{response.status_code}" + (f" → {location}" if location else "")


@pytest.mark.django_db
@pytest.mark.parametrize("catalogue_name", sorted(CATALOGUES))
@pytest.mark.parametrize("name", ROUTES)
def test_route(name: str, catalogue_name: str, settings: Any, tmp_path: Any) -> None:
    settings.PACKAGES_DIR = str(tmp_path / "packages")
    settings.FILES_DIR = str(tmp_path / "files")
    declaration = DECLARATIONS[name]
    case = CASES.get(name)
    if declaration is None or case is None:
        pytest.fail(f"{name}: no declaration or no case (see the tests above)")
    text = CATALOGUES[catalogue_name]
    w, users = _world(text)
    caps = _expected_capabilities(text)
    cats = _expected_categories(text)
    role_purposes = _role_purposes(text)
    shared_cats = frozenset(
        next(p for p in tomllib.loads(text)["purposes"] if p["code"] == w.shared_purpose).get(
            "categories", []
        )
    )
    problems: list[str] = []

    anonymous = _once(name, case, w, OWN, None)
    if declaration.kind == PUBLIC:
        if not _public_ok(anonymous):
            problems.append(f"anonymous: public, but got {_status(anonymous)}")
    elif name in API_PATHS:
        if anonymous.status_code != 401:
            problems.append(f"anonymous: expected 401, got {_status(anonymous)}")
    elif not _login_redirect(anonymous):
        problems.append(f"anonymous: expected the login page, got {_status(anonymous)}")

    for role, user in sorted(users.items()):
        if declaration.kind == PUBLIC or declaration.kind == STAFF:
            through = True
        else:
            assert declaration.kind == CAPABILITY
            through = declaration.capability in caps[role]
        for owner in case.variants():
            response = _once(name, case, w, owner, user)
            got = _status(response)
            if declaration.kind == PUBLIC:
                if not _public_ok(response):
                    problems.append(f"{role}/{owner}: public, but got {got}")
                continue
            if not through:
                if response.status_code != 403:
                    problems.append(f"{role}/{owner}: the gate should refuse (403), got {got}")
                continue
            if owner == OWN:
                if case.categories <= cats[role]:
                    if not _ok(response):
                        problems.append(f"{role}/{owner}: should reach it, got {got}")
                elif response.status_code != 404:
                    problems.append(f"{role}/{owner}: its categories are outside the role's purposes, expected 404, got {got}")  # fmt: skip
            elif owner == OTHER:
                if response.status_code != 404:
                    problems.append(f"{role}/{owner}: another company's object, expected 404, got {got}")  # fmt: skip
            elif owner == SHARED:
                holds = w.shared_purpose in role_purposes[role] and case.categories <= shared_cats
                if holds and case.shared == "read":
                    if not _ok(response):
                        problems.append(f"{role}/{owner}: shared with the role's purpose, should read it, got {got}")  # fmt: skip
                elif response.status_code not in (403, 404):
                    problems.append(f"{role}/{owner}: shared {'read-only' if holds else 'under a purpose the role does not hold'}, expected 403/404, got {got}")  # fmt: skip
            elif owner == OUTSIDE:
                if case.outside_categories <= cats[role]:
                    if not _ok(response):
                        problems.append(f"{role}/{owner}: purposes cover it, got {got}")
                elif response.status_code != 404:
                    problems.append(f"{role}/{owner}: outside the role's purposes, expected 404, got {got}")  # fmt: skip

    assert not problems, f"{name} ({catalogue_name}, {declaration}):\n  " + "\n  ".join(problems)
