from __future__ import annotations

import datetime as dt
import random
from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st

from rekisteri.audit.models import AuditAction, AuditEvent
from rekisteri.catalogue.models import CatalogueVersion
from rekisteri.imports.demo_data import (
    demo_password,
    make_hetu,
    make_orgnr,
    make_personnummer,
    make_ytunnus,
)
from rekisteri.register.models import IdentityCode, Organization, Person, Provenance
from rekisteri.register.validators import normalise_business_id, normalise_identity_code


def run_demo() -> str:
    out = StringIO()
    call_command("demo", "--no-serve", stdout=out, stderr=StringIO())
    return out.getvalue()


def model_counts() -> dict[str, int]:
    tables = set(connection.introspection.table_names())
    return {
        m._meta.label: m.objects.count()
        for m in apps.get_models()
        if m._meta.managed and m._meta.db_table in tables
    }


@pytest.fixture
def demo(db: None) -> str:
    return run_demo()


@pytest.mark.slow
def test_second_demo_run_adds_nothing(demo: str) -> None:
    first = model_counts()
    assert first["register.Person"] > 100
    assert first["register.Organization"] > 30
    output = run_demo()
    assert "already present" in output
    assert "unchanged" in output
    assert model_counts() == first
    assert CatalogueVersion.objects.count() == 1


@pytest.mark.slow
def test_catalogue_check_and_audit_verify_pass_after_demo(demo: str) -> None:
    out = StringIO()
    call_command("catalogue", "check", stdout=out)
    assert "is valid" in out.getvalue()
    call_command("audit", "verify", stdout=StringIO())


@pytest.mark.slow
def test_demo_audit_trail_records_its_own_creation(demo: str) -> None:
    imported = set()
    for event in AuditEvent.objects.filter(action=AuditAction.IMPORT, actor="demo"):
        imported.update(event.person_ids)
    demo_persons = set(
        Person.objects.filter(created_by="demo", is_consumer=False).values_list("pk", flat=True)
    )
    assert demo_persons and len(demo_persons & imported) > len(demo_persons) // 2
    # The few made one by one (the screening demo's listed person) each have their create.
    for pid in demo_persons - imported:
        assert AuditEvent.objects.filter(action=AuditAction.CREATE, person_id=pid).exists()
    assert AuditEvent.objects.filter(action=AuditAction.CATALOGUE).exists()
    consumers = Person.objects.filter(is_consumer=True, created_by="demo")
    assert consumers.count() >= 2
    for person in consumers:
        assert AuditEvent.objects.filter(action=AuditAction.CREATE, person_id=person.pk).exists()


@pytest.mark.slow
def test_demo_data_is_valid_and_has_provenance(demo: str) -> None:
    for org in Organization.objects.filter(country__in=["FI", "SE"]):
        assert normalise_business_id(org.business_id, org.country) == org.business_id
    assert Organization.objects.filter(relationships__end__isnull=False).exists()
    assert {"customer", "prospect", "supplier", "partner"} <= set(
        Organization.objects.values_list("relationships__kind", flat=True)
    )
    assert Person.objects.filter(language="sv").exists()
    assert Person.objects.filter(language="fi").exists()
    assert IdentityCode.objects.filter(country="FI").count() >= 2
    assert IdentityCode.objects.filter(country="SE").exists()
    without = Person.objects.exclude(pk__in=Provenance.objects.values_list("person_id", flat=True))
    assert not without.exists()
    assert set(Provenance.objects.values_list("source_kind", flat=True)) >= {
        "third_party",
        "data_subject",
    }


@pytest.mark.slow
def test_demo_users_can_log_in_with_the_printed_passwords(demo: str) -> None:
    lines = [line.split() for line in demo.splitlines() if line.startswith("  ")]
    printed = {parts[0]: parts[1] for parts in lines if len(parts) >= 3}
    assert {"sales.fi", "dpo.fi", "marketing.fi", "admin.fi", "sales.se"} <= set(printed)
    for username, password in printed.items():
        assert password == demo_password(username)
        client = Client()
        client.post(reverse("staff:login"), {"username": username, "password": password})
        assert client.session.get("_auth_user_id"), username
    assert "demo-only" in demo


@settings(max_examples=200, deadline=None)
@given(seed=st.integers(min_value=0, max_value=2**32))
def test_generated_business_ids_are_valid(seed: int) -> None:
    rng = random.Random(seed)
    assert normalise_business_id(make_ytunnus(rng), "FI")
    assert normalise_business_id(make_orgnr(rng), "SE")


@settings(max_examples=200, deadline=None)
@given(
    seed=st.integers(min_value=0, max_value=2**32),
    born=st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2024, 12, 31)),
)
def test_generated_identity_codes_are_valid(seed: int, born: dt.date) -> None:
    rng = random.Random(seed)
    hetu = make_hetu(rng, born)
    assert normalise_identity_code(hetu, "FI") == hetu
    if born.year >= 2000:
        assert hetu[6] in "ABCDEF"
    assert normalise_identity_code(make_personnummer(rng, born), "SE")
