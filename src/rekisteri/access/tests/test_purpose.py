"""The purpose of an access: stated, or derived by one function; several are all recorded."""

from __future__ import annotations

from typing import Any

import pytest

from rekisteri.access.capabilities import Cap
from rekisteri.access.policy import ProcessingRefused
from rekisteri.access.purpose import access_purpose, purposes_of
from rekisteri.access.selectors import scope_for

pytestmark = pytest.mark.django_db


def test_every_purpose_covering_the_access_is_recorded_whole(staff: dict[str, Any]) -> None:
    scope = scope_for(staff["dpo"])  # the DPO serves most purposes of the demo catalogue
    recorded = access_purpose(scope, ["basic"])
    covering = [p for p in scope.purposes if "basic" in _categories(scope, p)]
    assert len(recorded) > 64  # longer than the old column, and not cut
    assert sorted(purposes_of(recorded)) == sorted(covering)


def test_a_stated_purpose_must_cover_what_was_touched(staff: dict[str, Any]) -> None:
    scope = scope_for(staff["marketing"])
    with pytest.raises(ProcessingRefused):
        access_purpose(
            scope, ["billing"], given=next(iter(scope.purposes_for(Cap.SEND_DIRECT_MARKETING)))
        )


def test_nothing_covers_it_refuses(staff: dict[str, Any]) -> None:
    with pytest.raises(ProcessingRefused):
        access_purpose(scope_for(staff["sales"]), ["kyc"])


def _categories(scope: Any, purpose: str) -> frozenset[str]:
    from rekisteri.catalogue.selectors import catalogue_snapshot

    return catalogue_snapshot(scope.catalogue_version).purposes[purpose].categories
