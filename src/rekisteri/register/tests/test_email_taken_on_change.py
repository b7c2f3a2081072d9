"""Changing a person's email onto another person's is refused, as a create would be."""

from __future__ import annotations

from typing import Any

import pytest

from rekisteri.api.tests.conftest import ApiClient
from rekisteri.register.models import ContactPoint

pytestmark = pytest.mark.django_db


def test_patch_onto_another_persons_email_is_refused_and_nothing_changes(
    staff: dict[str, Any], make_person: Any
) -> None:
    first = make_person(email="eka@example.fi")
    second = make_person(email="toka@example.fi")
    client = ApiClient(staff["sales"])
    response = client.patch(f"/persons/{second.pk}", {"email": "eka@example.fi"})
    assert response.status_code == 422
    assert response.json() == {
        "errors": {"email": "a person with this email is already in the register"}
    }
    assert list(
        ContactPoint.objects.filter(person=second, kind="email").values_list("value", flat=True)
    ) == ["toka@example.fi"]
    # The person's own email again, or a new one, is fine.
    assert client.patch(f"/persons/{first.pk}", {"email": "eka@example.fi"}).status_code == 200
    assert client.patch(f"/persons/{second.pk}", {"email": "uusi@example.fi"}).status_code == 200
