from __future__ import annotations

from typing import Any

import pytest

from rekisteri.testing.smtp import smtp_peer


@pytest.fixture
def smtp(settings: Any) -> Any:
    with smtp_peer(settings) as peer:
        yield peer


@pytest.fixture
def dpo(staff: dict[str, Any]) -> Any:
    from rekisteri.access.selectors import scope_for

    return scope_for(staff["dpo"])
