"""The one access gate: every staff view and API operation declares what it needs, and the
decision is made here.

    @requires(Cap.HANDLE_RIGHTS_REQUESTS)
    def request_detail(request, request_id): ...

    @router.get("/persons/{person_id}", operation_id="person_get")
    @requires(Cap.KEEP_REGISTER)
    def person_get(request, person_id): ...

    @staff            # every staff user (their own second factor, the home page)
    @public           # no login: the privacy notice, the self-service portal, links in mail

A user holds a capability when one of their roles' purposes covers it in the catalogue
(`capabilities = [...]` on the purpose); `rekisteri.access.capabilities` lists them. The gate
answers: not logged in → the login page (API: 401, from its authentication); logged in
without the capability → 403 with the reason in the user's words. What the view then looks
up by id goes through a scoped selector: an object of another group company, or one outside
the user's purposes, is 404, the same as one that does not exist.

The navigation, the permission-matrix test and `docs/access.md` read the same declarations
(`declaration_of`, `route_declarations`), so the menu never offers a page that refuses.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, TypeVar

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest
from django.utils.translation import gettext as _

from rekisteri.access.capabilities import CAPABILITIES
from rekisteri.access.policy import (
    ProcessingRefused,
    capability_off_refusal,
    capability_refusal,
)
from rekisteri.access.selectors import Scope, scope_for

F = TypeVar("F", bound=Callable[..., Any])

PUBLIC = "public"
STAFF = "staff"
CAPABILITY = "capability"


@dataclass(frozen=True)
class Declaration:
    """What a view or API operation needs: nothing (public), any staff role, or a capability."""

    kind: str
    capability: str = ""

    def allows(self, scope: Scope) -> bool:
        if self.kind == PUBLIC:
            return True
        if not scope.is_staff:
            return False
        return self.kind == STAFF or scope.can(self.capability)

    def __str__(self) -> str:
        return self.capability if self.kind == CAPABILITY else self.kind


def _user_of(request: HttpRequest) -> Any:
    # The API's token authentication puts the user in request.auth; sessions in request.user.
    auth = getattr(request, "auth", None)
    if auth is not None and getattr(auth, "is_authenticated", False):
        return auth
    return getattr(request, "user", None)


def refusal(scope: Scope, declaration: Declaration) -> ProcessingRefused:
    """The 403 for a logged-in user the declaration does not allow, in the user's words."""
    if not scope.is_staff:
        return ProcessingRefused(_("Your user has no staff role."), code="role")
    from rekisteri.catalogue.selectors import catalogue_snapshot

    capability = declaration.capability
    if not catalogue_snapshot(scope.catalogue_version).purposes_with_capability(capability):
        return capability_off_refusal(capability)
    return capability_refusal(capability)


class _Gated:
    """A view or API operation behind the gate.

    A callable object rather than a closure: django-ninja resolves an operation's string
    annotations in `__globals__`, which must stay the operation's own module's."""

    def __init__(self, view: Callable[..., Any], declaration: Declaration) -> None:
        functools.update_wrapper(self, view)
        self.__globals__ = getattr(view, "__globals__", {})
        self.access = declaration

    def __call__(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        user = _user_of(request)
        if user is None or not user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        scope = scope_for(user)
        if not self.access.allows(scope):
            raise refusal(scope, self.access)
        request.scope = scope  # type: ignore[attr-defined]
        return self.__wrapped__(request, *args, **kwargs)  # type: ignore[attr-defined]


def _declare(declaration: Declaration) -> Callable[[F], F]:
    def decorate(view: F) -> F:
        if declaration.kind == PUBLIC:
            view.access = declaration  # type: ignore[attr-defined]
            return view
        return _Gated(view, declaration)  # type: ignore[return-value]

    return decorate


def requires(capability: str) -> Callable[[F], F]:
    """Declare (and enforce) that a view or API operation needs this capability."""
    if capability not in CAPABILITIES:
        raise LookupError(f"unknown capability {capability!r}")
    return _declare(Declaration(CAPABILITY, capability))


#: any logged-in user with a staff role (their own account, the home page, reporting a breach)
staff = _declare(Declaration(STAFF))
#: no login needed; the view checks its own token where it has one
public = _declare(Declaration(PUBLIC))


def declaration_of(callback: Any) -> Declaration | None:
    """The declaration of a URL pattern's callback or an API operation's function."""
    seen = set()
    while callback is not None and id(callback) not in seen:
        seen.add(id(callback))
        found = getattr(callback, "access", None)
        if isinstance(found, Declaration):
            return found
        view_class = getattr(callback, "view_class", None)
        if isinstance(getattr(view_class, "access", None), Declaration):
            return view_class.access  # type: ignore[union-attr]
        callback = getattr(callback, "__wrapped__", None)
    return None


def route_declarations() -> Iterator[tuple[str, Declaration | None]]:
    """Every URL name ("ns:name") and API operation ("api:<operationId>") with its declaration.

    A route without one yields None: the permission-matrix test fails on it, and the gate
    middleware refuses it (fail closed)."""
    from django.urls import URLPattern, URLResolver, get_resolver

    def walk(resolver: URLResolver, ns: tuple[str, ...]) -> Iterator[tuple[str, Any]]:
        for pattern in resolver.url_patterns:
            if isinstance(pattern, URLResolver):
                inner = ns + ((pattern.namespace,) if pattern.namespace else ())
                yield from walk(pattern, inner)
            elif isinstance(pattern, URLPattern):
                module = getattr(pattern.callback, "__module__", "") or ""
                if module == "ninja.operation" or module == "django.views.static":
                    continue
                name = ":".join((*ns, pattern.name or f"<unnamed {pattern.pattern}>"))
                yield name, pattern.callback

    for name, callback in walk(get_resolver(), ()):
        yield name, _THIRD_PARTY.get(name) or declaration_of(callback)
    for operation_id, func in api_operations().items():
        yield f"api:{operation_id}", declaration_of(func)


def api_operations() -> dict[str, Callable[..., Any]]:
    """operationId -> the operation's function, for every operation of the JSON API."""
    from rekisteri.api.api import api

    out: dict[str, Callable[..., Any]] = {}
    for _prefix, router in api._routers:
        for path_view in router.path_operations.values():
            for operation in path_view.operations:
                op_id = operation.operation_id or api.get_operation_id(operation)
                out[op_id] = operation.view_func
    return out


#: routes of third-party code (Django's language switch, django-ninja's schema and docs),
#: declared where they are mounted (`declare_route`)
_THIRD_PARTY: dict[str, Declaration] = {}


def declare_route(name: str, declaration: Declaration) -> None:
    """Declare a route whose view is not ours to decorate."""
    _THIRD_PARTY[name] = declaration


PUBLIC_ROUTE = Declaration(PUBLIC)


@functools.lru_cache(maxsize=1)
def _by_name() -> dict[str, Declaration | None]:
    return dict(route_declarations())


def may_reach(scope: Scope, route: str) -> bool:
    """Whether the gate lets this user through to a route (URL name or "api:<operationId>")."""
    declaration = _by_name().get(route)
    return declaration is not None and declaration.allows(scope)


def scope_of(request: HttpRequest) -> Scope:
    """The scope the gate decided with, for the view it let through (fail closed: a view
    reached without the gate has none)."""
    scope = getattr(request, "scope", None)
    if not isinstance(scope, Scope):
        raise RuntimeError("this view was reached without the access gate")
    return scope
