import pytest
from django.utils import timezone

from rekisteri.access.policy import ProcessingRefused
from rekisteri.audit.models import AuditAction, AuditEvent
from rekisteri.disclosures.models import Disclosure
from rekisteri.disclosures.selectors import disclosures_for_person, recipients_to_notify
from rekisteri.disclosures.services import DisclosureError, disclosure_record


@pytest.fixture
def dpo(staff):
    from rekisteri.access.selectors import scope_for

    return scope_for(staff["dpo"])


def _disclose(scope, actor, person_ids, **kw):
    values = {
        "recipient_code": "tax_authority",
        "categories": ["basic", "billing"],
        "basis": "legal_obligation",
        "reason": "tax audit request",
        "request_ref": "VH-2026-17",
    }
    values.update(kw)
    return disclosure_record(scope=scope, actor=actor, person_ids=person_ids, **values)


def test_disclosure_is_logged_audited_and_listed_for_the_person(make_person, actor, dpo):
    a, b = make_person(), make_person()
    d = _disclose(dpo, actor, [a.pk, b.pk])
    assert d.person_count == 2 and d.recipient_country == "FI"
    events = AuditEvent.objects.filter(action=AuditAction.DISCLOSURE)
    assert {e.person_id for e in events} == {a.pk, b.pk}
    rows = disclosures_for_person(person_id=a.pk)
    assert rows[0]["recipient"] == "tax_authority"
    assert rows[0]["recipient_name"]["fi"].startswith("Verohallinto")
    assert rows[0]["categories"] == ["basic", "billing"]
    assert rows[0]["basis"] == "legal_obligation"


def test_recipients_to_notify_lists_each_recipient_once(make_person, actor, dpo):
    p = make_person()
    _disclose(dpo, actor, [p.pk])
    _disclose(dpo, actor, [p.pk], categories=["contact"], reason="second request")
    _disclose(
        dpo, actor, [p.pk], recipient_code="credit_agency", categories=["billing"], basis="contract"
    )
    out = recipients_to_notify(person_id=p.pk)
    assert [r["recipient"] for r in out] == ["credit_agency", "tax_authority"]
    tax = out[1]
    assert tax["disclosures"] == 2 and tax["categories"] == ["basic", "billing", "contact"]


def test_restricted_person_cannot_be_disclosed_and_nothing_is_written(make_person, actor, dpo):
    a, b = make_person(), make_person()
    b.restricted_since = timezone.now()
    b.save(update_fields=["restricted_since"])
    with pytest.raises(ProcessingRefused):
        _disclose(dpo, actor, [a.pk, b.pk])
    assert Disclosure.objects.count() == 0
    assert not AuditEvent.objects.filter(action=AuditAction.DISCLOSURE).exists()


def test_restricted_person_is_refused_for_a_staff_user_too(make_person, staff):
    from rekisteri.access.selectors import scope_for

    p = make_person()
    p.restricted_since = timezone.now()
    p.save(update_fields=["restricted_since"])
    with pytest.raises(ProcessingRefused):
        _disclose(scope_for(staff["finance"]), staff["finance"], [p.pk])


def test_recipient_the_notice_does_not_name_is_refused(make_person, actor, dpo):
    p = make_person()
    with pytest.raises(DisclosureError) as exc:
        _disclose(dpo, actor, [p.pk], recipient_code="data_broker")
    assert exc.value.field == "recipient_code"


def test_category_no_purpose_gives_to_the_recipient_is_refused(make_person, actor, dpo):
    p = make_person()
    with pytest.raises(DisclosureError) as exc:
        _disclose(
            dpo, actor, [p.pk], recipient_code="credit_agency", categories=["call_recordings"]
        )
    assert exc.value.field == "categories" and "call_recordings" in exc.value.message


def test_staff_page_records_a_disclosure(client, staff, make_person):
    p = make_person()
    client.force_login(staff["finance"])
    resp = client.post(
        "/staff/disclosures/new/",
        {
            "recipient_code": "credit_agency",
            "categories": ["billing"],
            "basis": "contract",
            "reason": "credit check before order",
            "persons": [str(p.pk)],
        },
    )
    assert resp.status_code == 302
    page = client.get("/staff/disclosures/").content.decode()
    assert "credit check before order" in page
    table = page.split("<table", 1)[1].split("</table>", 1)[0]
    assert "credit_agency" not in table and "billing" not in table  # names, not codes


def test_sales_cannot_open_the_disclosure_log(client, staff):
    client.force_login(staff["sales"])
    assert client.get("/staff/disclosures/").status_code == 403


def test_another_companys_person_is_not_disclosed_nor_listed(
    client, staff, make_person, se_controller, actor, dpo
):
    """A Swedish person, shared with the Finnish company or not, is the Swedish company's to
    disclose: to the Finnish user they read like a person that does not exist."""
    from rekisteri.access.models import GroupShare
    from rekisteri.access.selectors import scope_for
    from rekisteri.testing.fixtures import make_staff

    finnish = make_person()
    swedish = make_person(controller=se_controller)
    GroupShare.objects.create(
        person=swedish,
        controller=finnish.controller,
        purpose="finance",
        shared_by="test",
        shared_at=timezone.now(),
    )
    for person in (swedish,):
        with pytest.raises(DisclosureError) as refused:
            _disclose(scope_for(staff["finance"]), actor, [finnish.pk, person.pk])
        assert refused.value.field == "person_ids" and str(person.pk) in refused.value.message
    assert not Disclosure.objects.exists()
    swedish_finance = scope_for(make_staff("finance.se", ["finance"], [se_controller]))
    theirs = _disclose(swedish_finance, actor, [swedish.pk], reason="Skatteverket")
    client.force_login(staff["finance"])
    page = client.get("/staff/disclosures/").content.decode()
    assert "Skatteverket" not in page
    # the Swedish person's part of the log is not the Finnish user's to open
    assert client.get(f"/staff/disclosures/persons/{swedish.pk}/").status_code in (403, 404)
    assert list(client.get("/staff/disclosures/").context["disclosures"]) == []
    assert Disclosure.objects.filter(pk=theirs.pk).exists()
