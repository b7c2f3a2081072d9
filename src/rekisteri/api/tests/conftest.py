"""API test helpers: a Django test client that sends a staff user's bearer token."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from rekisteri.api.auth import token_create


class ApiClient:
    def __init__(self, user: Any = None, token: str | None = None, language: str = "") -> None:
        self.client = Client(headers={"Accept-Language": language} if language else None)
        self.token = token or (token_create(user=user, actor="test") if user else None)

    def _headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"} if self.token else {}

    def get(self, path: str, params: dict[str, Any] | None = None) -> Any:
        return self.client.get(f"/api/v1{path}", params or {}, headers=self._headers())

    def post(self, path: str, body: dict[str, Any]) -> Any:
        return self.client.post(
            f"/api/v1{path}", body, content_type="application/json", headers=self._headers()
        )

    def patch(self, path: str, body: dict[str, Any]) -> Any:
        return self.client.patch(
            f"/api/v1{path}", body, content_type="application/json", headers=self._headers()
        )


@pytest.fixture
def api() -> Any:
    """`api(user)` is a client acting with a fresh token of that user; `api()` has none."""
    return lambda user=None: ApiClient(user)
