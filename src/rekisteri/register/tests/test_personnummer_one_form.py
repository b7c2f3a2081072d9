"""A personnummer typed with twelve digits is the same code as the ten-digit form: the same
person is found whichever was typed, and codes stored before in the 12-digit form are
rewritten to the one form (register/migrations/0006_personnummer_one_form.py)."""

from __future__ import annotations

from importlib import import_module
from typing import Any

import pytest
from django.apps import apps

from rekisteri.common.crypto import decrypt_field, encrypt_field
from rekisteri.register.models import IdentityCode
from rekisteri.register.services import identity_code_hash

pytestmark = pytest.mark.django_db

TWELVE = "19811228-9874"
TEN = "811228-9874"


def test_twelve_and_ten_digits_give_one_lookup(make_person: Any) -> None:
    person = make_person(identity_code=TWELVE, identity_code_country="SE")
    code = IdentityCode.objects.get(person=person)
    assert decrypt_field(code.encrypted) == TEN
    assert code.lookup_hash == identity_code_hash(TEN)
    assert code.masked == "811228-****"


def test_codes_stored_in_the_twelve_digit_form_are_rewritten(make_person: Any) -> None:
    person = make_person()
    IdentityCode.objects.create(
        person=person,
        country="SE",
        encrypted=encrypt_field(TWELVE),
        lookup_hash=identity_code_hash(TWELVE),
        masked="19811228-****",
    )
    migration = import_module("rekisteri.register.migrations.0006_personnummer_one_form")
    migration.one_form(apps, None)
    code = IdentityCode.objects.get(person=person)
    assert decrypt_field(code.encrypted) == TEN
    assert code.lookup_hash == identity_code_hash(TEN)
    assert code.masked == "811228-****"
