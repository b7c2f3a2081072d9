"""The prepared person search finds what the ORM's person list finds, page by page, for the
user's own and shared persons only (register.selectors.person_search)."""

from __future__ import annotations

from typing import Any

import pytest

from rekisteri.access.selectors import scope_for, system_scope
from rekisteri.access.services import group_share_create
from rekisteri.audit.services import Actor
from rekisteri.register.selectors import person_list, person_search

pytestmark = pytest.mark.django_db

QUERIES = ["", "meik", "Meikäläinen1", "maija meikäläinen", "meikalainen maija", "maija1", "@ex"]


def _pages(scope: Any, q: str, limit: int) -> list[tuple[list[int], list[int]]]:
    ours, orm = [], []
    for offset in range(0, 12, limit):
        ours.append([p.pk for p in person_search(scope=scope, q=q, limit=limit, offset=offset)])
        orm.append([p.pk for p in person_list(scope=scope, q=q)[offset : offset + limit]])
    return list(zip(ours, orm, strict=True))


def test_every_page_of_every_kind_of_search_is_the_orms(make_person, staff):
    for n in range(9):
        make_person(first_name="Maija" if n % 2 else "Matti", email=f"maija{n}@example.fi")
    scope = scope_for(staff["dpo"])
    for q in QUERIES:
        for limit in (1, 4, 20):
            for ours, orm in _pages(scope, q, limit):
                assert ours == orm, (q, limit)
    found = person_search(scope=scope, q="meik", limit=20)
    assert found and all(p.controller.code == "esimerkki-fi" for p in found)
    assert [str(p) for p in found] == [str(p) for p in person_list(scope=scope, q="meik")]


def test_another_companys_user_finds_only_what_is_shared(make_person, outsider, se_controller):
    shared, _ = make_person(last_name="Jaettu"), make_person(last_name="Jakamaton")
    scope = scope_for(outsider)
    assert person_search(scope=scope, q="ja") == []
    group_share_create(
        actor=Actor("test"),
        person=shared,
        controller=se_controller,
        purpose="customer_management",
        scope=system_scope("test"),
    )
    scope = scope_for(outsider)
    assert [p.pk for p in person_search(scope=scope, q="ja")] == [shared.pk]
    assert [p.pk for p in person_search(scope=scope, q="")] == [
        p.pk for p in person_list(scope=scope)
    ]


def test_a_user_who_may_not_read_names_or_addresses_finds_nothing(make_person, staff):
    make_person(last_name="Haettava")
    for role, user in staff.items():
        scope = scope_for(user)
        for q in ("haet", "maija1@", ""):
            assert [p.pk for p in person_search(scope=scope, q=q, limit=5)] == [
                p.pk for p in person_list(scope=scope, q=q)[:5]
            ], (role, q)
