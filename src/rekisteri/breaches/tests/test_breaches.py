import datetime as dt

import pytest
from django.utils import timezone

from rekisteri.audit.models import AuditEvent
from rekisteri.breaches.models import Breach, ClockState
from rekisteri.breaches.selectors import breach_affected
from rekisteri.breaches.services import BreachError, breach_estimate, breach_record, breach_update

T0 = dt.datetime(2026, 11, 2, 8, 0, tzinfo=dt.UTC)


@pytest.fixture
def dpo(staff):
    from rekisteri.access.selectors import scope_for

    return scope_for(staff["dpo"])


def _data(**kw):
    data = {
        "title": "Laptop lost on a train",
        "nature": ["confidentiality"],
        "description": "An unencrypted export was on the laptop.",
        "discovered_at": T0,
        "categories": ["contact"],
    }
    data.update(kw)
    return data


def test_breach_recorded_70_hours_after_discovery_is_due(catalogue, actor, dpo):
    now = T0 + dt.timedelta(hours=70)
    b = breach_record(scope=dpo, actor=actor, data=_data(), now=now)
    assert b.clock(now) == ClockState.DUE
    assert b.hours_left(now) == 2.0


def test_breach_recorded_73_hours_after_discovery_is_overdue(catalogue, actor, dpo):
    now = T0 + dt.timedelta(hours=73)
    b = breach_record(scope=dpo, actor=actor, data=_data(), now=now)
    assert b.clock(now) == ClockState.OVERDUE


def test_telling_the_authority_stops_the_clock_and_late_needs_reasons(catalogue, actor, dpo):
    now = T0 + dt.timedelta(hours=80)
    b = breach_record(scope=dpo, actor=actor, data=_data(), now=now)
    with pytest.raises(BreachError) as exc:
        breach_update(
            scope=dpo, actor=actor, breach=b, data={"authority_notified_at": now}, now=now
        )
    assert "delay_reason" in exc.value.errors
    b.refresh_from_db()
    breach_update(
        scope=dpo,
        actor=actor,
        breach=b,
        data={"authority_notified_at": now, "delay_reason": "scope unclear until forensics"},
        now=now,
    )
    assert b.clock(now) == ClockState.NOTIFIED_LATE
    b2 = breach_record(scope=dpo, actor=actor, data=_data(), now=T0 + dt.timedelta(hours=1))
    breach_update(
        scope=dpo,
        actor=actor,
        breach=b2,
        data={"authority_notified_at": T0 + dt.timedelta(hours=20)},
    )
    assert b2.clock(T0 + dt.timedelta(hours=100)) == ClockState.NOTIFIED


def test_decision_not_to_tell_the_authority_records_why(catalogue, actor, dpo):
    b = breach_record(
        scope=dpo,
        actor=actor,
        data=_data(risk="unlikely", authority_not_notified_reason="data was encrypted"),
        now=T0 + dt.timedelta(hours=1),
    )
    assert b.clock(T0 + dt.timedelta(hours=100)) == ClockState.NOT_REQUIRED


def test_breach_without_description_names_the_field(catalogue, actor, dpo):
    with pytest.raises(BreachError) as exc:
        breach_record(scope=dpo, actor=actor, data=_data(description="", categories=["nope"]))
    assert set(exc.value.errors) == {"description", "categories"}
    assert not Breach.objects.exists()


def test_recording_is_audited_without_personal_data(catalogue, actor, dpo):
    b = breach_record(scope=dpo, actor=actor, data=_data(), now=T0 + dt.timedelta(hours=2))
    event = AuditEvent.objects.get(record=f"breaches.Breach:{b.pk}")
    assert event.detail == {"hours_after_discovery": 2.0}


def test_affected_people_are_found_from_categories_and_window(catalogue, actor, make_person, dpo):
    inside = make_person()
    outside = make_person()
    # make `outside`'s data older than the window
    from rekisteri.register.models import ContactPoint, Person

    old = timezone.now() - dt.timedelta(days=30)
    Person.objects.filter(pk=outside.pk).update(created_at=old, updated_at=old)
    ContactPoint.objects.filter(person=outside).update(created_at=old, updated_at=old)
    b = breach_record(
        scope=dpo,
        actor=actor,
        data=_data(
            discovered_at=timezone.now(),
            occurred_from=timezone.now() - dt.timedelta(days=1),
            occurred_until=timezone.now() + dt.timedelta(minutes=1),
        ),
    )
    affected = breach_affected(breach=b)
    assert inside.pk in affected.person_ids and outside.pk not in affected.person_ids
    assert affected.by_model["register.ContactPoint"] >= 1
    b.window_rule = "existing"
    assert outside.pk in breach_affected(breach=b).person_ids
    b.categories = ["call_recordings"]
    assert breach_affected(breach=b).person_ids == set()


def test_estimate_sets_the_numbers_from_the_register(catalogue, actor, make_person, dpo):
    make_person()
    make_person()
    b = breach_record(scope=dpo, actor=actor, data=_data(discovered_at=timezone.now()))
    breach_estimate(scope=dpo, actor=actor, breach=b)
    assert b.approx_persons == 2 and b.approx_records == 2


def test_staff_report_and_dpo_pages(client, staff):
    client.force_login(staff["sales"])
    resp = client.post(
        "/staff/breaches/report/",
        {
            "title": "Wrong recipient",
            "nature": ["confidentiality"],
            "description": "A list was emailed to the wrong customer.",
            "discovered_at": "2026-11-02T08:00",
            "categories": ["contact", "basic"],
        },
    )
    assert resp.status_code == 302
    assert client.get("/staff/breaches/").status_code == 403
    client.force_login(staff["dpo"])
    page = client.get("/staff/breaches/").content.decode()
    assert "Wrong recipient" in page
    b = Breach.objects.get()
    assert client.get(f"/staff/breaches/{b.pk}/").status_code == 200
    assert client.get(f"/staff/breaches/{b.pk}/affected/").status_code == 200


def test_group_wide_breach_lists_only_the_users_companys_people(
    client, staff, make_person, se_controller, actor, dpo
):
    finnish = make_person()
    swedish = make_person(controller=se_controller)
    b = breach_record(scope=dpo, actor=actor, data=_data(discovered_at=timezone.now()))
    assert b.controller is None  # the whole group
    client.force_login(staff["dpo"])
    page = client.get(f"/staff/breaches/{b.pk}/affected/")
    assert page.context["ids"] == [finnish.pk]
    assert swedish.pk not in page.context["ids"]
    # The estimate for the authority counts the whole group: numbers, no names.
    breach_estimate(scope=dpo, actor=actor, breach=b)
    assert b.approx_persons == 2


def test_another_companys_breach_cannot_be_reached_or_recorded_for(
    client, staff, se_controller, actor, dpo
):
    from rekisteri.access.policy import ProcessingRefused

    swedish = Breach.objects.create(
        controller=se_controller,
        title="Svensk incident",
        description="x",
        discovered_at=T0,
        recorded_at=T0,
        recorded_by="se",
    )
    client.force_login(staff["dpo"])
    assert client.get(f"/staff/breaches/{swedish.pk}/").status_code == 404
    assert "Svensk incident" not in client.get("/staff/breaches/").content.decode()
    with pytest.raises(ProcessingRefused):
        breach_update(scope=dpo, actor=actor, breach=swedish, data={"title": "changed"})
    with pytest.raises(BreachError) as refused:
        breach_record(scope=dpo, actor=actor, data=_data(controller=se_controller))
    assert "controller" in refused.value.errors
    client.force_login(staff["sales"])
    response = client.post(
        "/staff/breaches/report/",
        {
            "controller": se_controller.pk,
            "title": "Wrong company",
            "nature": ["confidentiality"],
            "description": "x",
            "discovered_at": "2026-11-02T08:00",
        },
    )
    assert response.status_code == 200 and "controller" in response.context["form"].errors
    assert not Breach.objects.filter(title="Wrong company").exists()


def test_breach_list_filters_by_clock_and_marks_the_authority_told(client, staff, dpo, actor):
    """The register's table: the running clocks filter; "Authority told now" from the list
    (a plain POST back to the list, or htmx's cell) goes through the same checks and audit:
    after the 72 hours it asks for the reasons of the delay."""
    now = timezone.now()
    running = breach_record(scope=dpo, actor=actor, data=_data(discovered_at=now), now=now)
    late = breach_record(
        scope=dpo,
        actor=actor,
        data=_data(title="Old one", discovered_at=now - dt.timedelta(hours=80)),
        now=now,
    )
    client.force_login(staff["dpo"])
    html = client.get("/staff/breaches/", {"clock": "running"}, HTTP_ACCEPT_LANGUAGE="en")
    assert "2 found" in html.content.decode()
    assert "Authority told now" in html.content.decode()
    assert "Reasons for the delay" in html.content.decode()  # only the late one asks

    response = client.post(
        f"/staff/breaches/{running.pk}/authority-told/",
        {"authority_reference": "TSV-1", "next": "/staff/breaches/?clock=running"},
    )
    assert response.status_code == 302 and response["Location"] == "/staff/breaches/?clock=running"
    running.refresh_from_db()
    assert running.clock() == ClockState.NOTIFIED and running.authority_reference == "TSV-1"
    assert AuditEvent.objects.filter(
        record=f"breaches.Breach:{running.pk}", reason="personal data breach updated"
    ).exists()

    response = client.post(
        f"/staff/breaches/{late.pk}/authority-told/",
        {"authority_reference": ""},
        HTTP_HX_REQUEST="true",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    cell = response.content.decode()
    assert "<html" not in cell and "give the reasons for the delay" in cell
    late.refresh_from_db()
    assert late.authority_notified_at is None
    response = client.post(
        f"/staff/breaches/{late.pk}/authority-told/",
        {"delay_reason": "The weekend."},
        HTTP_HX_REQUEST="true",
        HTTP_ACCEPT_LANGUAGE="fi",
    )
    assert "Ilmoitus viranomaiselle on kirjattu." in response.content.decode()
    late.refresh_from_db()
    assert late.clock() == ClockState.NOTIFIED_LATE
    told = client.get("/staff/breaches/", {"clock": "running"}, HTTP_ACCEPT_LANGUAGE="en")
    assert "No breaches match the filters." in told.content.decode()
