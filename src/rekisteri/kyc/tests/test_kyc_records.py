"""KYC records: a compliance user records beneficial owners, signatories, PEP status and
customer due diligence; everyone else is refused; everything is audited; erasure keeps the
records five years after the relationship ends and names the law."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from rekisteri.access.selectors import scope_for
from rekisteri.audit.models import AuditAction, AuditEvent
from rekisteri.kyc.models import BeneficialOwner, DueDiligence, PepStatus, RepresentationRight
from rekisteri.kyc.selectors import kyc_of_organisation, kyc_rows_of_person
from rekisteri.kyc.services import (
    KycError,
    beneficial_owner_record,
    beneficial_owner_remove,
    due_diligence_record,
    pep_record,
    representation_record,
)
from rekisteri.register.models import Organization, OrganizationRelationship, Person
from rekisteri.retention.periods import Period, add_period
from rekisteri.rights.services import erasure_plan

TODAY = timezone.localdate()
OWNER = {
    "share_percent": "60",
    "control": "ownership",
    "source": "owner_register",
    "source_date": "2026-01-15",
}


@pytest.fixture
def compliance(staff):
    return scope_for(staff["compliance"])


@pytest.fixture
def org(fi_controller):
    return Organization.objects.create(controller=fi_controller, name="Omistettu Oy")


def test_compliance_records_a_beneficial_owner_and_the_flag_follows(
    compliance, actor, org, make_person
):
    person = make_person()
    owner = beneficial_owner_record(
        scope=compliance, actor=actor, organization_id=org.pk, person_id=person.pk, data=OWNER
    )
    assert owner.share_percent == 60 and owner.source_date == date(2026, 1, 15)
    person.refresh_from_db()
    assert person.is_beneficial_owner is True
    event = AuditEvent.objects.filter(action=AuditAction.CREATE, person_id=person.pk).last()
    assert event.record == f"kyc.BeneficialOwner:{owner.pk}"
    assert event.purpose == "kyc_aml"

    beneficial_owner_remove(scope=compliance, actor=actor, owner_id=owner.pk)
    person.refresh_from_db()
    assert person.is_beneficial_owner is False
    assert AuditEvent.objects.filter(action=AuditAction.DELETE, person_id=person.pk).exists()


def test_recording_the_same_owner_again_corrects_the_record(compliance, actor, org, make_person):
    person = make_person()
    beneficial_owner_record(
        scope=compliance, actor=actor, organization_id=org.pk, person_id=person.pk, data=OWNER
    )
    beneficial_owner_record(
        scope=compliance,
        actor=actor,
        organization_id=org.pk,
        person_id=person.pk,
        data={**OWNER, "share_percent": "30", "source": "own_statement"},
    )
    owner = BeneficialOwner.objects.get(organization=org, person=person)
    assert owner.share_percent == 30 and owner.source == "own_statement"


@pytest.mark.parametrize("role", ["sales", "marketing", "customer_service"])
def test_other_roles_cannot_record_or_read_kyc(staff, actor, org, make_person, role):
    person = make_person()
    scope = scope_for(staff[role])
    with pytest.raises(PermissionError):
        beneficial_owner_record(
            scope=scope, actor=actor, organization_id=org.pk, person_id=person.pk, data=OWNER
        )
    with pytest.raises(PermissionError):
        kyc_of_organisation(scope=scope, actor=actor, organization_id=org.pk)
    assert not BeneficialOwner.objects.exists()


def test_another_group_companys_organisation_reads_as_missing(
    compliance, actor, se_controller, make_person
):
    other = Organization.objects.create(controller=se_controller, name="Annat AB")
    person = make_person()
    with pytest.raises(KycError) as err:
        beneficial_owner_record(
            scope=compliance, actor=actor, organization_id=other.pk, person_id=person.pk, data=OWNER
        )
    assert err.value.field == "organization"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"share_percent": "120"}, "share_percent"),
        ({"share_percent": "lots"}, "share_percent"),
        ({"control": "friendship"}, "control"),
        ({"source": ""}, "source"),
        ({"source_date": "15.1.2026"}, "source_date"),
    ],
)
def test_bad_owner_input_names_the_field_and_writes_nothing(
    compliance, actor, org, make_person, change, field
):
    person = make_person()
    with pytest.raises(KycError) as err:
        beneficial_owner_record(
            scope=compliance,
            actor=actor,
            organization_id=org.pk,
            person_id=person.pk,
            data={**OWNER, **change},
        )
    assert err.value.field == field
    assert not BeneficialOwner.objects.exists()
    person.refresh_from_db()
    assert person.is_beneficial_owner is False


def test_signatory_pep_and_due_diligence_are_recorded_and_shown(
    compliance, actor, org, make_person
):
    signer = make_person()
    right = representation_record(
        scope=compliance,
        actor=actor,
        organization_id=org.pk,
        person_id=signer.pk,
        data={
            "kind": "signing_right",
            "evidence": "Kaupparekisteriote 2026-01-10",
            "valid_from": "2024-05-01",
            "source": "trade_register",
            "source_date": "2026-01-10",
        },
    )
    pep = pep_record(
        scope=compliance,
        actor=actor,
        person_id=signer.pk,
        data={
            "relation": "family_member",
            "related_to": "Kansanedustaja (puoliso)",
            "position": "member of parliament",
            "country": "fi",
            "since": "2023-04-01",
            "next_review": "2027-01-01",
            "source": "person_statement",
            "source_date": "2026-01-10",
        },
    )
    cdd = due_diligence_record(
        scope=compliance,
        actor=actor,
        organization_id=org.pk,
        data={
            "risk_level": "high",
            "checks": "identity checked\nbeneficial owners checked\nPEP checked",
            "checked_on": "2026-01-12",
            "next_review": "2027-01-12",
        },
    )
    assert pep.country == "FI"
    assert cdd.checks == ["identity checked", "beneficial owners checked", "PEP checked"]
    assert cdd.decided_by == actor.name
    shown = kyc_of_organisation(scope=compliance, actor=actor, organization_id=org.pk)
    assert shown["representatives"] == [right]
    assert shown["peps"] == [pep]
    assert shown["due_diligence"] == [cdd]
    view = AuditEvent.objects.filter(action=AuditAction.VIEW).last()
    assert signer.pk in view.person_ids
    assert view.categories == ["kyc"]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"related_to": ""}, "related_to"),
        ({"country": "Finland"}, "country"),
        ({"until": "2020-01-01"}, "until"),
        ({"next_review": ""}, "next_review"),
    ],
)
def test_bad_pep_input_names_the_field(compliance, actor, make_person, change, field):
    person = make_person()
    data = {
        "relation": "close_associate",
        "related_to": "Ministeri X",
        "position": "minister",
        "country": "SE",
        "since": "2022-01-01",
        "next_review": "2027-01-01",
        "source": "public_source",
        "source_date": "2026-01-10",
    }
    with pytest.raises(KycError) as err:
        pep_record(scope=compliance, actor=actor, person_id=person.pk, data={**data, **change})
    assert err.value.field == field
    assert not PepStatus.objects.exists()


def test_due_diligence_needs_a_check_and_a_later_review(compliance, actor, org):
    base = {"risk_level": "normal", "checks": ["identity"], "checked_on": "2026-01-12"}
    with pytest.raises(KycError) as err:
        due_diligence_record(
            scope=compliance,
            actor=actor,
            organization_id=org.pk,
            data={**base, "next_review": "2025-01-01"},
        )
    assert err.value.field == "next_review"
    with pytest.raises(KycError) as err:
        due_diligence_record(
            scope=compliance,
            actor=actor,
            organization_id=org.pk,
            data={**base, "checks": [], "next_review": "2027-01-01"},
        )
    assert err.value.field == "checks"
    assert not DueDiligence.objects.exists()


def test_restricted_person_is_refused(compliance, actor, org, make_person):
    person = make_person()
    Person.objects.filter(pk=person.pk).update(restricted_since=timezone.now())
    with pytest.raises(PermissionError):
        representation_record(
            scope=compliance,
            actor=actor,
            organization_id=org.pk,
            person_id=person.pk,
            data={
                "kind": "power_of_attorney",
                "evidence": "valtakirja",
                "source": "power_of_attorney",
                "source_date": "2026-01-10",
            },
        )
    assert not RepresentationRight.objects.exists()


def test_erasure_plan_keeps_kyc_records_for_five_years_and_names_the_law(
    staff, compliance, actor, org, make_person
):
    ended = TODAY - timedelta(days=365)
    OrganizationRelationship.objects.create(
        organization=org, kind="customer", start=date(2015, 1, 1), end=ended
    )
    person = make_person()
    from rekisteri.register.models import Affiliation

    Affiliation.objects.create(person=person, organization=org, start=date(2015, 1, 1))
    owner = beneficial_owner_record(
        scope=compliance, actor=actor, organization_id=org.pk, person_id=person.pk, data=OWNER
    )
    plan = erasure_plan(scope=scope_for(staff["dpo"]), person=person)
    kept = next(i for i in plan.keep if i.model == "kyc.BeneficialOwner")
    assert kept.pk == owner.pk
    assert "Rahanpesulaki 444/2017" in kept.law_in("fi")
    assert kept.until == add_period(ended, Period(years=5)).isoformat()
    assert kyc_rows_of_person(person_id=person.pk)["owners"] == [owner]


def test_the_access_package_explains_the_persons_kyc_records_with_the_law(
    compliance, actor, org, make_person
):
    from rekisteri.rights.packages import explained_items

    person = make_person()
    other = make_person()
    beneficial_owner_record(
        scope=compliance, actor=actor, organization_id=org.pk, person_id=person.pk, data=OWNER
    )
    beneficial_owner_record(
        scope=compliance, actor=actor, organization_id=org.pk, person_id=other.pk, data=OWNER
    )
    items = [
        i
        for i in explained_items(person_ids=[person.pk], lang="fi")
        if i["model"] == "kyc.BeneficialOwner"
    ]
    assert {i["field"] for i in items} == {"share_percent", "control", "source", "source_date"}
    assert {i["person_id"] for i in items} == {person.pk}
    assert all("rahanpesulaki" in i["retention_rule"] for i in items)


def test_a_pep_status_recorded_in_error_is_removed_and_audited(compliance, actor, make_person):
    from rekisteri.kyc.services import pep_remove

    person = make_person()
    pep = pep_record(
        scope=compliance,
        actor=actor,
        person_id=person.pk,
        data={
            "relation": "self",
            "position": "mayor",
            "country": "FI",
            "next_review": "2027-01-01",
            "source": "public_source",
            "source_date": "2026-01-10",
        },
    )
    pep_remove(scope=compliance, actor=actor, pep_id=pep.pk)
    assert not PepStatus.objects.exists()
    event = AuditEvent.objects.filter(action=AuditAction.DELETE, person_id=person.pk).get()
    assert event.record == f"kyc.PepStatus:{pep.pk}"
    with pytest.raises(KycError) as err:
        pep_remove(scope=compliance, actor=actor, pep_id=pep.pk)
    assert err.value.field == "record"
