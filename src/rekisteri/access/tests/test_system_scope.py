"""Work no staff user does acts with an explicit system scope whose reason is audited."""

from __future__ import annotations

from typing import Any

import pytest

from rekisteri.access.capabilities import Cap
from rekisteri.access.policy import ProcessingRefused
from rekisteri.access.selectors import system_scope
from rekisteri.audit.models import AuditAction, AuditEvent
from rekisteri.audit.services import Actor
from rekisteri.register.services import person_create

pytestmark = pytest.mark.django_db


def test_work_in_a_system_scope_records_why_in_the_audit_trail(fi_controller: Any) -> None:
    person = person_create(
        actor=Actor("import"),
        controller=fi_controller,
        data={"first_name": "Iida", "last_name": "Tuotu", "email": "iida@example.fi"},
        scope=system_scope("import of the web shop's customers"),
    )
    event = AuditEvent.objects.get(action=AuditAction.CREATE, person_id=person.pk)
    assert event.actor == "import"
    assert event.detail["system"] == "import of the web shop's customers"
    assert event.purpose  # the purposes the catalogue gives for what was written


def test_a_system_scope_needs_a_reason(catalogue: Any) -> None:
    with pytest.raises(ValueError):
        system_scope("  ")


def test_a_system_scope_for_a_capability_no_purpose_covers_refuses(catalogue: Any) -> None:
    from rekisteri.audit.services import Actor
    from rekisteri.catalogue.services import catalogue_load
    from rekisteri.testing.fixtures import DEMO_CATALOGUE

    text = DEMO_CATALOGUE.read_text(encoding="utf-8").replace('"screen_customers", ', "")
    assert '"screen_customers"' not in text
    catalogue_load(text=text, source_name="no screening", actor=Actor("test"))
    with pytest.raises(ProcessingRefused) as refused:
        system_scope("nightly screening", Cap.SCREEN_CUSTOMERS)
    assert refused.value.code == "capability_off"


def test_a_system_scope_for_capabilities_serves_only_the_purposes_covering_them(
    catalogue: Any,
) -> None:
    scope = system_scope("campaign worker", Cap.SEND_DIRECT_MARKETING)
    assert scope.purposes == catalogue.purposes_with_capability(Cap.SEND_DIRECT_MARKETING)
    assert scope.can(Cap.SEND_DIRECT_MARKETING)
    assert not scope.can(Cap.HANDLE_RIGHTS_REQUESTS)
