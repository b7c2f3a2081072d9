"""The request workflow: verification, deadlines, extensions, refusals, fulfilment."""

from __future__ import annotations

import json
import re
import zipfile
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from rekisteri.rights import services
from rekisteri.rights.deadlines import add_months, due_date_for
from rekisteri.rights.models import Package, RequestStatus, RightsRequest
from rekisteri.rights.selectors import objected_purposes, request_queue
from rekisteri.testing.mail import delivered

pytestmark = pytest.mark.django_db

HEL = ZoneInfo("Europe/Helsinki")


def _link(body: str, name: str) -> str:
    match = re.search(rf"https?://\S+/rights/{name}/([^/\s]+)/", body)
    assert match, f"no {name} link in the email"
    return match.group(1)


def _submit(kind, email, capture, **kw):
    with capture(execute=True):
        services.request_submit_public(kind=kind, email=email, language="fi", **kw)
    return delivered()[-1]


def test_due_date_is_one_calendar_month_later():
    assert due_date_for(date(2026, 3, 15)) == date(2026, 4, 15)
    assert due_date_for(date(2026, 1, 31)) == date(2026, 2, 28)
    assert due_date_for(date(2028, 1, 31)) == date(2028, 2, 29)
    assert add_months(date(2026, 12, 10), 1) == date(2027, 1, 10)


def test_unknown_address_gets_the_same_answer_and_no_email(
    catalogue, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        result = services.request_submit_public(kind="access", email="nobody@example.fi")
    assert result.request is None
    assert delivered() == []
    assert not RightsRequest.objects.exists()


def test_public_request_waits_for_the_link_and_then_starts_the_clock(
    make_person, django_capture_on_commit_callbacks
):
    person = make_person(email="liisa@example.fi")
    msg = _submit("access", "Liisa@Example.fi", django_capture_on_commit_callbacks)
    assert msg.to == ["liisa@example.fi"]
    r = RightsRequest.objects.get()
    assert r.status == RequestStatus.UNVERIFIED and r.due_date is None
    assert list(r.subjects.values_list("person_id", flat=True)) == [person.pk]
    token = _link(msg.body, "verify")
    assert services.request_verify_link(token=token) is not None
    r.refresh_from_db()
    assert r.status == RequestStatus.OPEN
    assert r.verification_method == "email_link"
    assert r.due_date == due_date_for(r.received_at.astimezone(HEL).date())
    assert services.request_verify_link(token=token) is None, "the link works once"


def test_expired_link_does_not_verify(make_person, django_capture_on_commit_callbacks):
    make_person(email="late@example.fi")
    msg = _submit("access", "late@example.fi", django_capture_on_commit_callbacks)
    RightsRequest.objects.update(verify_expires_at=datetime(2020, 1, 1, tzinfo=HEL))
    assert services.request_verify_link(token=_link(msg.body, "verify")) is None


def test_nothing_is_released_before_verification_and_confirmation(make_person, actor, dpo):
    person = make_person(email="v@example.fi")
    r, _ = services.request_create_staff(
        scope=dpo, actor=actor, kind="access", channel="letter", person_ids=[]
    )
    with pytest.raises(services.RightsError, match="not verified"):
        services.request_fulfil(scope=dpo, actor=actor, request=r)
    services.request_verify_staff(
        scope=dpo, actor=actor, request=r, method="signed_letter", note=""
    )
    with pytest.raises(services.RightsError, match="confirm"):
        services.request_fulfil(scope=dpo, actor=actor, request=r)
    services.request_subjects_confirm(scope=dpo, actor=actor, request=r, person_ids=[person.pk])
    result = services.request_fulfil(scope=dpo, actor=actor, request=r)
    assert result.package is not None and result.download_token


def test_request_matching_two_group_companies_needs_a_dpo_of_both_to_choose(
    make_person,
    fi_controller,
    se_controller,
    actor,
    settings,
    tmp_path,
    django_capture_on_commit_callbacks,
):
    from rekisteri.access.selectors import scope_for
    from rekisteri.testing.fixtures import make_staff

    settings.PACKAGES_DIR = tmp_path
    group_dpo = scope_for(make_staff("dpo.group", ["dpo"], [fi_controller, se_controller]))
    fi = make_person(first_name="Sanna", email="sanna@example.fi")
    se = make_person(first_name="Sanna", email="sanna@example.fi", controller=se_controller)
    msg = _submit("access", "sanna@example.fi", django_capture_on_commit_callbacks)
    services.request_verify_link(token=_link(msg.body, "verify"))
    r = RightsRequest.objects.get()
    assert set(r.subjects.values_list("person_id", flat=True)) == {fi.pk, se.pk}
    services.request_subjects_confirm(
        scope=group_dpo, actor=actor, request=r, person_ids=[fi.pk, se.pk]
    )
    with django_capture_on_commit_callbacks(execute=True):
        result = services.request_fulfil(scope=group_dpo, actor=actor, request=r)
    assert set(result.package.persons.values_list("pk", flat=True)) == {fi.pk, se.pk}
    done = delivered()[-1]
    token = _link(done.body, "download")
    assert services.package_for_download(token=token) is not None
    with zipfile.ZipFile(tmp_path / result.package.path) as zf:
        assert "report.html" in zf.namelist()


def test_a_dpo_of_one_company_handles_only_its_records_of_a_request_matching_two(
    make_person, se_controller, actor, settings, tmp_path, django_capture_on_commit_callbacks, dpo
):
    settings.PACKAGES_DIR = tmp_path
    fi = make_person(first_name="Sanna", email="sanna@example.fi")
    se = make_person(first_name="Sanna", email="sanna@example.fi", controller=se_controller)
    msg = _submit("access", "sanna@example.fi", django_capture_on_commit_callbacks)
    services.request_verify_link(token=_link(msg.body, "verify"))
    r = RightsRequest.objects.get()
    with pytest.raises(services.RightsError) as refused:
        services.request_subjects_confirm(
            scope=dpo, actor=actor, request=r, person_ids=[fi.pk, se.pk]
        )
    assert refused.value.field == "person_ids" and str(se.pk) in str(refused.value)
    assert not r.subjects.filter(confirmed_at__isnull=False).exists()
    services.request_subjects_confirm(scope=dpo, actor=actor, request=r, person_ids=[fi.pk])
    # The Swedish record stays on the request, unconfirmed: the Swedish DPO's to handle.
    assert set(r.subjects.values_list("person_id", flat=True)) == {fi.pk, se.pk}
    result = services.request_fulfil(scope=dpo, actor=actor, request=r)
    assert set(result.package.persons.values_list("pk", flat=True)) == {fi.pk}
    with zipfile.ZipFile(tmp_path / result.package.path) as zf:
        data = json.loads(zf.read("data.json"))
    assert data["persons"] == [fi.pk]
    assert {i["person_id"] for i in data["items"]} == {fi.pk}


def test_extension_only_within_the_first_month_and_with_a_reason(
    make_person, actor, django_capture_on_commit_callbacks, dpo
):
    received = datetime(2026, 1, 31, 10, 0, tzinfo=HEL)
    r, _ = services.request_create_staff(
        scope=dpo,
        actor=actor,
        kind="access",
        channel="email",
        requester_email="e@example.fi",
        received_at=received,
    )
    assert r.due_date == date(2026, 2, 28)
    with pytest.raises(services.RightsError, match="reason"):
        services.request_extend(
            scope=dpo, actor=actor, request=r, months=2, reason=" ", today=date(2026, 2, 10)
        )
    with pytest.raises(services.RightsError, match="first month"):
        services.request_extend(
            scope=dpo,
            actor=actor,
            request=r,
            months=2,
            reason="many records",
            today=date(2026, 3, 1),
        )
    with pytest.raises(services.RightsError):
        services.request_extend(
            scope=dpo,
            actor=actor,
            request=r,
            months=3,
            reason="many records",
            today=date(2026, 2, 10),
        )
    with django_capture_on_commit_callbacks(execute=True):
        services.request_extend(
            scope=dpo,
            actor=actor,
            request=r,
            months=2,
            reason="many records",
            today=date(2026, 2, 10),
        )
    r.refresh_from_db()
    assert r.extended_due_date == date(2026, 4, 28)
    assert "many records" in delivered()[-1].body
    with pytest.raises(services.RightsError, match="already"):
        services.request_extend(
            scope=dpo, actor=actor, request=r, months=1, reason="more", today=date(2026, 2, 11)
        )


def test_overdue_requests_come_first_in_the_queue_with_a_warning(staff, actor, dpo):
    from rekisteri.access.selectors import scope_for

    old = datetime(2025, 1, 2, 9, 0, tzinfo=HEL)
    late, _ = services.request_create_staff(
        scope=dpo, actor=actor, kind="erasure", channel="phone", received_at=old
    )
    fresh, _ = services.request_create_staff(scope=dpo, actor=actor, kind="access", channel="phone")
    rows = request_queue(scope=scope_for(staff["dpo"]), today=date(2025, 2, 10))
    assert rows[0].request == late and rows[0].overdue and rows[0].overdue_days == 8
    assert request_queue(scope=scope_for(staff["sales"])) == []


def test_refusal_states_the_reason_and_the_right_to_complain(
    catalogue, actor, django_capture_on_commit_callbacks, dpo
):
    r, _ = services.request_create_staff(
        scope=dpo, actor=actor, kind="erasure", channel="email", requester_email="x@example.fi"
    )
    with pytest.raises(services.RightsError):
        services.request_refuse(scope=dpo, actor=actor, request=r, reason="excessive", text="")
    with django_capture_on_commit_callbacks(execute=True):
        services.request_refuse(
            scope=dpo,
            actor=actor,
            request=r,
            reason="excessive",
            text="Fourth identical request this month.",
        )
    r.refresh_from_db()
    assert r.status == RequestStatus.REFUSED and r.closed_at
    body = delivered()[-1].body
    assert "Fourth identical request" in body
    assert "tietosuoja.fi" in body and "imy.se" in body


def test_rectification_sets_the_person_as_source_and_seals_before_after(make_person, actor, dpo):
    from rekisteri.audit.models import AuditEvent
    from rekisteri.audit.selectors import audit_unseal
    from rekisteri.register.models import Provenance

    person = make_person(first_name="Matti", email="matti@example.fi")
    r, _ = services.request_create_staff(
        scope=dpo,
        actor=actor,
        kind="rectification",
        channel="email",
        requester_email="matti@example.fi",
        changes={"first_name": "Mathias"},
        person_ids=[person.pk],
        verification_method="known_email",
    )
    result = services.request_fulfil(scope=dpo, actor=actor, request=r)
    person.refresh_from_db()
    assert person.first_name == "Mathias"
    prov = next(p for p in Provenance.objects.filter(person=person) if "first_name" in p.fields)
    assert prov.source_kind == "data_subject"
    assert prov.purpose == "rights_handling"
    event = AuditEvent.objects.filter(person_id=person.pk, action="update").last()
    assert audit_unseal(event)["first_name"] == {"before": "Matti", "after": "Mathias"}
    assert result.recipients is not None


def test_restriction_is_enforced_and_lifting_tells_the_person(
    make_person, actor, staff, django_capture_on_commit_callbacks, dpo
):
    from rekisteri.access.policy import Operation, ProcessingRefused, check_processing
    from rekisteri.access.selectors import scope_for

    person = make_person(email="r@example.fi")
    services.restriction_set(
        scope=dpo, actor=actor, person=person, ground="accuracy contested", until=date(2030, 1, 1)
    )
    person.refresh_from_db()
    assert person.restricted_since is not None
    with pytest.raises(ProcessingRefused):
        check_processing(scope_for(staff["sales"]), person, Operation.EDIT)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.restriction_lift(scope=dpo, actor=actor, person=person)
    person.refresh_from_db()
    assert person.restricted_since is None
    assert delivered()[-1].to == ["r@example.fi"]


def test_objection_to_marketing_is_immediate_and_legitimate_interest_is_decided(
    make_person, actor, dpo
):
    person = make_person(email="o@example.fi")
    r, _ = services.request_create_staff(
        scope=dpo,
        actor=actor,
        kind="objection",
        channel="email",
        objection_purpose="direct_marketing",
        person_ids=[person.pk],
        verification_method="known_email",
    )
    services.request_fulfil(scope=dpo, actor=actor, request=r)
    assert {"direct_marketing", "profiling"} <= objected_purposes(person_id=person.pk)
    r2, _ = services.request_create_staff(
        scope=dpo,
        actor=actor,
        kind="objection",
        channel="email",
        objection_purpose="stakeholder_cooperation",
        person_ids=[person.pk],
        verification_method="known_email",
    )
    with pytest.raises(services.RightsError):
        services.request_fulfil(scope=dpo, actor=actor, request=r2)  # the DPO must decide
    services.request_fulfil(
        scope=dpo,
        actor=actor,
        request=r2,
        objection_upheld=True,
        objection_reasons="No overriding grounds.",
    )
    assert "stakeholder_cooperation" in objected_purposes(person_id=person.pk)


def test_expired_download_link_does_not_work(make_person, actor, settings, tmp_path, dpo):
    settings.PACKAGES_DIR = tmp_path
    person = make_person()
    r, _ = services.request_create_staff(
        scope=dpo,
        actor=actor,
        kind="portability",
        channel="email",
        person_ids=[person.pk],
        verification_method="known_email",
    )
    result = services.request_fulfil(scope=dpo, actor=actor, request=r)
    Package.objects.update(expires_at=datetime(2020, 1, 1, tzinfo=HEL))
    assert services.package_for_download(token=result.download_token) is None


def test_portability_holds_only_what_the_person_gave_on_contract_or_consent(
    make_person, actor, settings, tmp_path, dpo
):
    import json

    from rekisteri.register.models import Provenance
    from rekisteri.rights.packages import portable_items

    settings.PACKAGES_DIR = tmp_path
    person = make_person(first_name="Pia", title="CFO", email="pia@example.fi")
    Provenance.objects.filter(person=person, record__startswith="register.Person:").update(
        source_kind="public_register"
    )
    items = portable_items(person_ids=[person.pk])
    fields = {(i["model"], i["field"]) for i in items}
    assert ("register.ContactPoint", "value") in fields
    assert ("register.Person", "first_name") not in fields  # from a public register
    path = services.portability_package_build(scope=dpo, actor=actor, person_ids=[person.pk])
    with zipfile.ZipFile(path) as zf:
        doc = json.loads(zf.read("portability.json"))
    assert doc["schema"] == "rekisteri-portability/1"
    assert any(
        r["fields"].get("value", {}).get("value") == "pia@example.fi" for r in doc["records"]
    )


@pytest.mark.parametrize(
    ("after", "works"),
    [(timedelta(hours=47, minutes=59), True), (timedelta(hours=48, minutes=1), False)],
)
def test_verify_link_works_for_48_hours_as_the_email_says(
    make_person, django_capture_on_commit_callbacks, monkeypatch, after, works
):
    from types import SimpleNamespace

    from django.utils import timezone

    make_person(email="kello@example.fi")
    msg = _submit("access", "kello@example.fi", django_capture_on_commit_callbacks)
    assert "48" in msg.body
    later = timezone.now() + after
    monkeypatch.setattr(
        services, "timezone", SimpleNamespace(now=lambda: later, localdate=timezone.localdate)
    )
    verified = services.request_verify_link(token=_link(msg.body, "verify"))
    assert (verified is not None) is works
    assert RightsRequest.objects.get().status == ("open" if works else "unverified")


def test_upheld_objection_stops_processing_for_that_purpose(make_person, actor, staff, dpo):
    from rekisteri.access.policy import Operation, ProcessingRefused, check_processing
    from rekisteri.access.selectors import scope_for

    person = make_person()
    sales = scope_for(staff["sales"])
    check_processing(sales, person, Operation.VIEW, purpose="stakeholder_cooperation")
    services.objection_decide(
        scope=dpo,
        actor=actor,
        person=person,
        purpose="stakeholder_cooperation",
        upheld=True,
        reasons="Their situation outweighs our interest.",
    )
    with pytest.raises(ProcessingRefused) as refused:
        check_processing(sales, person, Operation.VIEW, purpose="stakeholder_cooperation")
    assert refused.value.code == "objected"
    check_processing(sales, person, Operation.VIEW, purpose="customer_management")
