from django.utils import timezone

from rekisteri.access.selectors import system_scope
from rekisteri.consent.selectors import Reason, marketing_permission
from rekisteri.consent.services import (
    consent_record,
    marketing_objection_record,
    suppression_add,
    suppression_match,
)


def test_business_contact_may_be_emailed_until_they_object(make_person, actor):
    person = make_person(is_contact_person=True)
    assert marketing_permission(person=person).reason_code == Reason.ALLOWED_B2B
    marketing_objection_record(
        actor=actor, person=person, source="staff", scope=system_scope("test")
    )
    decision = marketing_permission(person=person)
    assert not decision.allowed and decision.reason_code == Reason.OBJECTED


def test_consumer_needs_prior_consent(make_person, actor):
    person = make_person(is_consumer=True)
    assert marketing_permission(person=person).reason_code == Reason.NO_PERMISSION
    consent_record(
        actor=actor,
        person=person,
        purpose="direct_marketing",
        channel="email",
        state="granted",
        method="web_form",
        ip="192.0.2.1",
        text="Yes, send me news",
        text_version="v1",
        scope=system_scope("test"),
    )
    assert marketing_permission(person=person).reason_code == Reason.ALLOWED_CONSENT


def test_objection_reaches_the_same_person_in_every_group_company(
    make_person, actor, se_controller
):
    fi = make_person(email="sama@example.fi", is_contact_person=True)
    se = make_person(email="sama@example.fi", is_contact_person=True, controller=se_controller)
    marketing_objection_record(
        actor=actor, person=fi, source="rights_request", scope=system_scope("test")
    )
    assert marketing_permission(person=se).reason_code == Reason.OBJECTED
    assert suppression_match(email="SAMA@example.fi")


def test_suppressed_address_excludes_a_person_imported_again(make_person, actor):
    suppression_add(
        actor=actor, email="Palaava@Example.fi", reason="erasure", scope=system_scope("test")
    )
    person = make_person(email="palaava@example.fi", is_contact_person=True)
    assert marketing_permission(person=person).reason_code == Reason.SUPPRESSED


def test_restriction_wins_and_service_messages_still_reach_objectors(make_person, actor):
    person = make_person(is_contact_person=True)
    marketing_objection_record(
        actor=actor, person=person, source="staff", scope=system_scope("test")
    )
    assert marketing_permission(person=person, service=True).allowed
    person.restricted_since = timezone.now()
    person.save(update_fields=["restricted_since"])
    assert marketing_permission(person=person, service=True).reason_code == Reason.RESTRICTED
