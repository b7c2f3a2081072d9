"""A value over its limit is "too long" with the limit named, never "is required"
(issue 14 item 9): a 100,000-character last name, through the shared rules and the API."""

from __future__ import annotations

import pytest

from rekisteri.api.tests.conftest import ApiClient
from rekisteri.register.forms import translate_message
from rekisteri.register.inputs import clean_person
from rekisteri.register.models import Person

LONG = "x" * 100_000


def test_a_huge_last_name_is_too_long_not_missing() -> None:
    cleaned = clean_person({"first_name": "Maija", "last_name": LONG})
    assert cleaned.errors == {"last_name": "is too long: at most 100 characters"}


def test_the_limit_is_said_in_the_users_language() -> None:
    from django.utils import translation

    with translation.override("fi"):
        text = translate_message("is too long: at most 100 characters")
    assert "100" in text and "too long" not in text and "at most" not in text


@pytest.mark.django_db
def test_the_api_says_too_long_with_the_limit(staff) -> None:
    response = ApiClient(staff["sales"]).post(
        "/persons", {"first_name": "Maija", "last_name": LONG, "email": "m@example.fi"}
    )
    assert response.status_code == 422
    assert response.json() == {"errors": {"last_name": "is too long: at most 100 characters"}}
    assert not Person.objects.exists()
