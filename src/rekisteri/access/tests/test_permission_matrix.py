"""The permission matrix: every URL and API operation against every role.

1. Every URL pattern (all namespaces, recursively; Django's own set_language and static
   files aside) and every API operation (OpenAPI operationId, as "api:<operationId>") must
   have a rule in some app's access_matrix.py; a new view without one fails here.
2. For each rule: anonymous users are sent to the login page (API: 401) unless the rule is
   public; each role in the rule reaches it (no 401/403/404, no login or MFA redirect, no
   405); each role outside it is refused (403 or 404); the sales user of another group
   company (the outsider) gets 404 on pages of a person of this group company.

Rules build their path kwargs from the fixture dict `f` below (keys: person, organization,
controller, se_controller, staff, outsider, actor, make_person, catalogue); a kwargs
callable may create what else it needs. The special kwarg `_data` (a callable of `f`) is
the form data or JSON body sent to a POST/PUT/PATCH; without it an API operation with a
body is sent `{}`, and then a 422 from validation also counts as a refusal for roles
outside the rule (validation runs before the role check). `_headers` (a callable of `f`)
gives extra request headers in WSGI form, e.g. {"HTTP_AUTHORIZATION": "Bearer …"} for a
machine endpoint that is public but checks its own token.

Every request runs inside a savepoint that is rolled back, so that a POST by one role does
not change what the next one sees. Roles that need a second factor are logged in with a
verified TOTP device (testing/fixtures.py: force_login passes the second factor).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from rekisteri.access.matrix import ROLES, Rule, all_rules

SKIPPED_URLS = {"set_language"}
API_PREFIX = "/api/v1"
HETU = "131052-308T"


def _url_names(resolver: URLResolver | None = None, ns: tuple[str, ...] = ()) -> Iterator[str]:
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            inner = ns + ((pattern.namespace,) if pattern.namespace else ())
            yield from _url_names(pattern, inner)
            continue
        assert isinstance(pattern, URLPattern)
        callback = pattern.callback
        module = getattr(callback, "__module__", "") or ""
        if module == "ninja.operation":
            continue  # API operations are named by operationId, below
        if module == "django.views.static":
            continue
        if not pattern.name:
            yield f"<unnamed {ns}:{pattern.pattern}>"
            continue
        name = ":".join((*ns, pattern.name))
        if name not in SKIPPED_URLS:
            yield name


def _api_operations() -> dict[str, tuple[str, str, bool]]:
    """operationId -> (method, path template, has a request body)."""
    from rekisteri.api.api import api

    schema = api.get_openapi_schema(path_prefix=API_PREFIX)
    out = {}
    for path, operations in schema["paths"].items():
        for method, op in operations.items():
            out[f"api:{op['operationId']}"] = (method.upper(), path, "requestBody" in op)
    return out


URLS = sorted(set(_url_names()))
API = _api_operations()
ENDPOINTS = sorted({*URLS, *API})
RULES = all_rules()


def test_every_url_and_api_operation_is_in_the_matrix() -> None:
    missing = [name for name in ENDPOINTS if name not in RULES]
    assert not missing, "no access rule (add it to <app>/access_matrix.py): " + ", ".join(missing)


def test_every_rule_names_an_existing_url_or_operation() -> None:
    stale = sorted(set(RULES) - set(ENDPOINTS) - SKIPPED_URLS)
    assert not stale, "rules for URLs or operations that do not exist: " + ", ".join(stale)


# --- Calling one endpoint as everyone ------------------------------------------------------


@pytest.fixture
def f(staff: dict[str, Any], outsider: Any, fi_controller: Any, se_controller: Any,
      make_person: Any, actor: Any, catalogue: Any) -> dict[str, Any]:  # fmt: skip
    from rekisteri.register.services import organization_create

    organization = organization_create(
        actor=actor,
        controller=fi_controller,
        data={"name": "Asiakas Oy", "business_id": "0737546-2", "country": "FI"},
    )
    person = make_person(
        first_name="Aino",
        last_name="Matriisi",
        identity_code=HETU,
        organization_business_id="0737546-2",
    )
    return {
        "person": person,
        "organization": organization,
        "controller": fi_controller,
        "se_controller": se_controller,
        "staff": staff,
        "outsider": outsider,
        "actor": actor,
        "make_person": make_person,
        "catalogue": catalogue,
    }


SPECIAL = ("_data", "_headers")


def _resolve(rule: Rule, f: dict[str, Any]) -> tuple[dict[str, Any], Any]:
    kwargs, data = {}, None
    for key, value in rule.kwargs.items():
        if key in SPECIAL:
            continue
        kwargs[key] = value(f) if callable(value) else value
    if "_data" in rule.kwargs:
        value = rule.kwargs["_data"]
        data = value(f) if callable(value) else value
    return kwargs, data


def _headers(rule: Rule, f: dict[str, Any]) -> dict[str, str]:
    value = rule.kwargs.get("_headers", {})
    return dict(value(f) if callable(value) else value)


def _call(name: str, rule: Rule, f: dict[str, Any], user: Any | None) -> Any:
    kwargs, data = _resolve(rule, f)
    client = Client(HTTP_ACCEPT_LANGUAGE="en", **_headers(rule, f))
    client.raise_request_exception = False
    if name in API:
        method, template, has_body = API[name]
        path = re.sub(r"{(\w+)}", lambda m: str(kwargs[m.group(1)]), template)
        headers = {}
        if user is not None:
            from rekisteri.api.auth import token_create

            headers["HTTP_AUTHORIZATION"] = f"Bearer {token_create(user=user)}"
        body = json.dumps(data if data is not None else {}) if has_body else None
        return client.generic(method, path, body or "", content_type="application/json", **headers)
    if user is not None:
        client.force_login(user, verified=True)  # with a verified TOTP device if needed
    url = reverse(name, kwargs=kwargs)
    method = rule.method.upper()
    if method == "GET":
        return client.get(url, data or {})
    return client.generic(
        method,
        url,
        _urlencode(data or {}),
        content_type="application/x-www-form-urlencoded",
    )


def _urlencode(data: dict[str, Any]) -> str:
    from urllib.parse import urlencode

    return urlencode(data, doseq=True)


def _once(name: str, rule: Rule, f: dict[str, Any], user: Any | None) -> Any:
    with transaction.atomic():
        response = _call(name, rule, f, user)
        transaction.set_rollback(True)
    return response


def _login_redirect(response: Any, *, refusal: bool = True) -> bool:
    """A redirect to the login page; as a refusal it carries ?next= (logging out does not)."""
    if response.status_code not in (301, 302):
        return False
    location = response["Location"]
    return location.startswith(reverse("staff:login")) and (not refusal or "next=" in location)


def _mfa_redirect(response: Any) -> bool:
    return response.status_code in (301, 302) and "/staff/access/mfa/" in response["Location"]


def _allowed(response: Any) -> bool:
    return (
        response.status_code not in (401, 403, 404, 405)
        and response.status_code < 500
        and not _login_redirect(response)
        and not _mfa_redirect(response)
    )


def _public_ok(response: Any) -> bool:
    # A public page may still answer 404 (an unknown token) or 400, but never refuse.
    return (
        response.status_code not in (401, 403, 405)
        and response.status_code < 500
        and not _login_redirect(response)
    )


def _refused(response: Any, *, lenient_422: bool) -> bool:
    return response.status_code in (403, 404) or (lenient_422 and response.status_code == 422)


@pytest.mark.django_db
@pytest.mark.parametrize("name", [n for n in ENDPOINTS if n in RULES])
def test_rule(name: str, f: dict[str, Any]) -> None:
    rule = RULES[name]
    is_api = name in API
    _kwargs, data = _resolve(rule, f)
    lenient_422 = is_api and API[name][2] and data is None
    problems: list[str] = []

    anonymous = _once(name, rule, f, None)
    if rule.public:
        if not _public_ok(anonymous):
            problems.append(f"anonymous: public, but got {_status(anonymous)}")
    elif is_api and anonymous.status_code != 401:
        problems.append(f"anonymous: expected 401, got {anonymous.status_code}")
    elif not is_api and not _login_redirect(anonymous, refusal=False):
        problems.append(f"anonymous: expected a redirect to login, got {anonymous.status_code}")

    for role in sorted(ROLES):
        response = _once(name, rule, f, f["staff"][role])
        if rule.public:
            if not _public_ok(response):
                problems.append(f"{role}: public, but got {_status(response)}")
        elif role in rule.roles:
            if not _allowed(response):
                problems.append(f"{role}: in the rule, but got {_status(response)}")
        elif not _refused(response, lenient_422=lenient_422):
            problems.append(f"{role}: not in the rule, but got {_status(response)}")

    outsider = _once(name, rule, f, f["outsider"])
    person_page = "person_id" in rule.kwargs
    if person_page and not rule.public:
        expected = {404} if "sales" in rule.roles else {403, 404}
        if outsider.status_code not in expected:
            problems.append(
                f"outsider: a person of another group company, expected 404, got "
                f"{_status(outsider)}"
            )
    elif (
        not rule.public
        and "sales" not in rule.roles
        and not _refused(outsider, lenient_422=lenient_422)
    ):
        problems.append(f"outsider: not in the rule, but got {_status(outsider)}")

    assert not problems, f"{name}:\n  " + "\n  ".join(problems)


def _status(response: Any) -> str:
    location = response.get("Location", "")
    return f"{response.status_code}" + (f" → {location}" if location else "")
