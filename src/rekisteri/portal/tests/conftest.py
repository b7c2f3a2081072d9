"""The DPO's scope for service tests: the services take the user's scope (required)."""

from __future__ import annotations

from typing import Any

import pytest


@pytest.fixture
def dpo(staff: dict[str, Any]) -> Any:
    """The scope of the Finnish group company's DPO (`staff["dpo"]`)."""
    from rekisteri.access.selectors import scope_for

    return scope_for(staff["dpo"])
