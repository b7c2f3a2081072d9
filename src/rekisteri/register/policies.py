"""What the register processes, by its catalogue: categories and register policies.

The field map says what the code can hold; the catalogue says what the company does. A
person input field whose data category the catalogue does not declare is refused by name
(API, import, services), and a register that keeps no private individuals (`b2b_only`)
refuses a consumer. The services (so the UI and the API) and the import call
`register_policy_errors`; messages never repeat the value.
"""

from __future__ import annotations

from typing import Any

from rekisteri.register.inputs import IDENTITY_CODE

NOT_PROCESSED = "this register does not process this kind of data"
NO_CONSUMERS = "this register keeps business contacts only, not consumers"

#: The field of the field map (model label, field) that each person input field fills.
PERSON_INPUT_STORED_IN: dict[str, tuple[str, str]] = {
    "first_name": ("register.Person", "first_name"),
    "last_name": ("register.Person", "last_name"),
    "title": ("register.Person", "title"),
    "language": ("register.Person", "language"),
    "nationality": ("register.Person", "nationality"),
    "is_contact_person": ("register.Person", "is_contact_person"),
    "is_consumer": ("register.Person", "is_consumer"),
    "is_event_attendee": ("register.Person", "is_event_attendee"),
    "is_service_user": ("register.Person", "is_service_user"),
    "email": ("register.ContactPoint", "value"),
    "phone": ("register.ContactPoint", "value"),
    "organization_business_id": ("register.Affiliation", "start"),
    "organization_country": ("register.Affiliation", "start"),
    "department": ("register.Affiliation", "department"),
    "role": ("register.Affiliation", "role"),
    IDENTITY_CODE: ("register.IdentityCode", "encrypted"),
    "identity_code_country": ("register.IdentityCode", "encrypted"),
}


def person_input_category(name: str) -> str | None:
    """The data category an input field of a person is stored under (None: not a field)."""
    from django.apps import apps

    from rekisteri.common.personal import field_category

    stored = PERSON_INPUT_STORED_IN.get(name)
    if stored is None:
        return None
    model, field_name = stored
    category = field_category(apps.get_model(model)._meta.get_field(field_name))
    if category is None:  # the field map lost the field: fail closed, never "processed"
        raise LookupError(f"{model}.{field_name} names no data category")
    return category


def _given(value: Any) -> bool:
    return value is not None and not (isinstance(value, str) and not value.strip())


def _yes(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    return str(value or "").strip().casefold() in YES


#: How a spreadsheet says "yes" in a yes/no column (the import's `is_consumer`).
YES = frozenset({"1", "x", "true", "yes", "y", "kyllä", "k", "ja", "j"})
NO = frozenset({"", "0", "false", "no", "n", "ei", "e", "nej"})


def register_policy_errors(data: dict[str, Any], snap: Any) -> dict[str, str]:
    """What the register's catalogue refuses in a person's input, by field.

    `snap` is the catalogue snapshot: a field given a value whose category it does not
    declare is refused (NOT_PROCESSED), and under `b2b_only` a consumer (NO_CONSUMERS)."""
    return RegisterPolicy.of(snap).errors(data)


class RegisterPolicy:
    """`register_policy_errors` with the catalogue's answers looked up once.

    The import checks every row against the same snapshot: asking the field map and the
    catalogue for each field of each row cost more than the row's own validation
    (docs/performance.md, "Import profile"). Made once per file; holds only strings, so it
    can be sent to the import's validating processes."""

    def __init__(self, undeclared: frozenset[str], b2b_only: bool) -> None:
        self.undeclared = undeclared  # input fields whose category the catalogue lacks
        self.b2b_only = b2b_only

    @classmethod
    def of(cls, snap: Any) -> RegisterPolicy:
        declared = snap.categories
        undeclared = frozenset(
            name
            for name in PERSON_INPUT_STORED_IN
            if (category := person_input_category(name)) is not None and category not in declared
        )
        return cls(undeclared, bool(snap.register.b2b_only))

    def errors(self, data: dict[str, Any]) -> dict[str, str]:
        errors: dict[str, str] = {}
        if self.undeclared:
            for name, value in data.items():
                if name in self.undeclared and _given(value):
                    errors[name] = NOT_PROCESSED
        if self.b2b_only and "is_consumer" not in errors and _yes(data.get("is_consumer")):
            errors["is_consumer"] = NO_CONSUMERS
        return errors


def identity_country_of(snap: Any, controller_code: str) -> str:
    """Whose identity codes a controller's persons have when no country is given."""
    return str(snap.identity_code_country(controller_code))
