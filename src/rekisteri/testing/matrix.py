"""The permission matrix's vocabulary (tests only): a World of two group companies, and a
Case per route saying how to call it.

Each app lists its routes in `<app>/tests/matrix_cases.py`:

    CASES = {
        "register:person_detail": Case(kwargs=lambda w, o: {"person_id": w.person(o).pk}),
        "api:person_create": Case(method="POST", data=lambda w, o: {"first_name": "A", ...}),
    }

`kwargs(w, owner)` builds the path kwargs for an object of that owner:

- OWN: the user's own group company's object;
- OTHER: another group company's object that is not shared (must be 404 to everyone);
- SHARED: another group company's person shared with the user's company under a purpose
  that the catalogue shares within the group (readable by the roles holding that purpose,
  read-only: `shared="read"` for a route that reads, `"refused"` for one that changes);
- OUTSIDE: (optional, `outside=`) an object of the user's own company whose data categories
  only some purposes cover: roles whose purposes do not cover `outside_categories` get 404.

A route whose kwargs do not depend on the owner is called once, as OWN. `data(w, owner)` is
the form data or JSON body of a POST/PATCH; an API body must be valid, so that a 422 is never
counted as allowed or refused.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

OWN, OTHER, SHARED, OUTSIDE = "own", "other", "shared", "outside"


@dataclass
class World:
    """The objects a matrix case builds on. Built once per route test; requests run in
    savepoints that are rolled back, so one role's POST does not change the next one's."""

    own_controller: Any
    other_controller: Any
    #: the purpose the SHARED person is shared under
    shared_purpose: str
    persons: dict[str, Any]
    organizations: dict[str, Any]
    actor: Any
    cache: dict[str, Any] = field(default_factory=dict)

    def person(self, owner: str) -> Any:
        return self.persons[owner]

    def organization(self, owner: str) -> Any:
        return self.organizations[owner]

    def controller(self, owner: str) -> Any:
        return self.own_controller if owner in (OWN, OUTSIDE) else self.other_controller

    def once(self, key: str, make: Callable[[], Any]) -> Any:
        """An object made the first time a case asks for it (per world)."""
        if key not in self.cache:
            self.cache[key] = make()
        return self.cache[key]


@dataclass
class Case:
    kwargs: Callable[[World, str], dict[str, Any]] | None = None
    method: str = "GET"
    data: Callable[[World, str], dict[str, Any]] | None = None
    headers: Callable[[World], dict[str, str]] | None = None
    #: the owners to call it with when it acts on an object (kwargs depend on the owner)
    owners: tuple[str, ...] = (OWN, OTHER, SHARED)
    #: what a shared object gives a user the gate lets through who holds the shared purpose
    shared: str = "read"
    #: the data categories the object is made of: a role whose purposes do not cover them
    #: gets 404 for it, as if it did not exist
    categories: frozenset[str] = frozenset()
    #: kwargs of an own-company object whose categories only some purposes cover
    outside: Callable[[World], dict[str, Any]] | None = None
    outside_categories: frozenset[str] = frozenset()

    @property
    def acts_on_object(self) -> bool:
        return self.kwargs is not None and self.owners != (OWN,)

    def variants(self) -> tuple[str, ...]:
        if not self.acts_on_object:
            return (OWN,)
        return (*self.owners, *((OUTSIDE,) if self.outside else ()))

    def path_kwargs(self, w: World, owner: str) -> dict[str, Any]:
        if owner == OUTSIDE:
            assert self.outside is not None
            return self.outside(w)
        return self.kwargs(w, owner) if self.kwargs else {}


def person_kwargs(w: World, owner: str) -> dict[str, Any]:
    return {"person_id": w.person(owner).pk}


def organization_kwargs(w: World, owner: str) -> dict[str, Any]:
    return {"organization_id": w.organization(owner).pk}
