"""Screening persons and organisations: when they are screened, what a hit holds, and that a
decision is not asked again unless the person's data or the list entry changes."""

from __future__ import annotations

import copy

import pytest

from rekisteri.access.capabilities import Cap
from rekisteri.access.selectors import system_scope as register_scope
from rekisteri.audit.models import AuditEvent
from rekisteri.audit.work import system_scope
from rekisteri.jobs.models import Job
from rekisteri.register.models import Organization
from rekisteri.register.services import organization_create, person_update
from rekisteri.screening.models import HitStatus, OrganisationHit, PersonHit
from rekisteri.screening.services import ScreeningError, hit_decide, rescreen
from rekisteri.screening.tests.conftest import ENTRY, LIST, PERSON

pytestmark = pytest.mark.django_db


def _scope():
    return system_scope("test", actor="test", capabilities=[Cap.SCREEN_CUSTOMERS])


def test_a_new_person_is_screened_by_the_worker_and_the_hit_says_why(load, work, make_person):
    load()
    person = make_person(**PERSON)
    assert Job.objects.filter(name="screening-subjects").exists()
    assert not PersonHit.objects.exists()  # later: by the worker
    work()
    hit = PersonHit.objects.get(person=person)
    assert hit.status == HitStatus.OPEN
    assert hit.list_name == LIST
    assert hit.entity_key == ENTRY["id"]
    assert hit.caption == "Veikko Ilmari Tarvaskoski"
    assert 0 < hit.score <= 1
    kinds = {r["kind"] for r in hit.reasons}
    assert {"birth_date", "country"} <= kinds
    assert kinds & {"name", "alias"}
    born = next(r for r in hit.reasons if r["kind"] == "birth_date")
    assert "1961-04-17" in born["theirs"]
    assert AuditEvent.objects.filter(reason="screening hit opened", person_id=person.pk).exists()


def test_an_unrelated_person_gets_no_hit(load, work, make_person):
    load()
    make_person(first_name="Maija", last_name="Virtanen", nationality="FI")
    work()
    assert not PersonHit.objects.exists()


def test_a_decision_is_not_asked_again_for_the_same_entry(load, work, make_person, actor):
    load()
    person = make_person(**PERSON)
    work()
    hit = PersonHit.objects.get(person=person)
    hit_decide(
        scope=_scope(),
        actor=actor,
        kind="person",
        hit_id=hit.pk,
        decision=HitStatus.FALSE_POSITIVE,
        reason="Another person: the family confirmed by the passport copy.",
    )
    hit.refresh_from_db()
    assert hit.status == HitStatus.FALSE_POSITIVE
    assert hit.decided_by == "test" and hit.decided_at is not None
    event = AuditEvent.objects.filter(reason="screening hit decided: false_positive").get()
    assert event.person_id == person.pk

    rescreen(scope=_scope(), actor=actor, everyone=True)
    load()  # the same entries as a new version of the list
    rescreen(scope=_scope(), actor=actor)
    assert list(PersonHit.objects.filter(person=person).values_list("status", flat=True)) == [
        HitStatus.FALSE_POSITIVE
    ]


def test_a_decided_hit_is_asked_again_after_a_name_change(load, work, make_person, actor):
    load()
    person = make_person(**PERSON)
    work()
    first = PersonHit.objects.get(person=person)
    hit_decide(
        scope=_scope(),
        actor=actor,
        kind="person",
        hit_id=first.pk,
        decision=HitStatus.FALSE_POSITIVE,
        reason="other person",
    )
    person_update(
        actor=actor,
        person=person,
        data={"first_name": "Veikko Ilmari"},
        scope=register_scope("test"),
    )
    work()
    hits = list(PersonHit.objects.filter(person=person).order_by("id"))
    assert [h.status for h in hits] == [HitStatus.FALSE_POSITIVE, HitStatus.OPEN]
    assert hits[0].subject_fingerprint != hits[1].subject_fingerprint


def test_a_decided_hit_is_asked_again_when_the_entry_changes(load, work, make_person, actor):
    load()
    person = make_person(**PERSON)
    work()
    first = PersonHit.objects.get(person=person)
    hit_decide(
        scope=_scope(),
        actor=actor,
        kind="person",
        hit_id=first.pk,
        decision=HitStatus.MATCH,
        reason="the same person",
    )
    changed = copy.deepcopy(ENTRY)
    changed["caption"] = changed["properties"]["name"][0] = "Veikko Ilmari Tarvaskoski-Berg"
    load(changed)
    run = rescreen(scope=_scope(), actor=actor)
    assert run is not None and run.opened == 1
    assert PersonHit.objects.filter(person=person, status=HitStatus.OPEN).count() == 1


def test_a_list_change_rescreens_everyone_once(load, make_person, actor):
    person = make_person(**PERSON)  # before any list: nothing to compare with
    load()
    run = rescreen(scope=_scope(), actor=actor)
    assert run is not None and run.persons >= 1 and run.opened >= 1
    assert PersonHit.objects.filter(person=person, status=HitStatus.OPEN).exists()
    assert rescreen(scope=_scope(), actor=actor) is None  # nothing changed since
    assert rescreen(scope=_scope(), actor=actor, everyone=True) is not None


def test_the_scheduled_job_rescreens_when_the_lists_changed(load, make_person):
    from rekisteri.screening.jobs import rescreen_when_lists_changed

    person = make_person(**PERSON)
    rescreen_when_lists_changed()  # no list yet: nothing
    assert not PersonHit.objects.exists()
    load()
    rescreen_when_lists_changed()
    assert PersonHit.objects.filter(person=person, status=HitStatus.OPEN).exists()


def test_an_open_hit_is_withdrawn_when_the_name_no_longer_matches(load, work, make_person, actor):
    load()
    person = make_person(**PERSON)
    work()
    person_update(
        actor=actor,
        person=person,
        data={"first_name": "Maija", "last_name": "Virtanen"},
        scope=register_scope("test"),
    )
    work()
    hit = PersonHit.objects.get(person=person)
    assert hit.status == HitStatus.WITHDRAWN


def test_an_organisation_is_screened_when_created(load, work, fi_controller, actor):
    load()
    org = organization_create(
        actor=actor,
        controller=fi_controller,
        data={"name": "Nordlys Quarantrade Consortium Ltd", "country": "CY"},
        scope=register_scope("test"),
    )
    work()
    hit = OrganisationHit.objects.get(organization=org)
    assert hit.status == HitStatus.OPEN
    assert hit.entity_key == "rk-test-0002"


def test_imported_persons_and_organisations_are_screened(load, work, fi_controller, actor):
    from rekisteri.imports.services import import_organizations, import_persons
    from rekisteri.register.services import SourceRef

    load()
    import_persons(
        actor=actor,
        controller=fi_controller,
        rows=[
            (
                2,
                {
                    "first_name": "Veikko",
                    "last_name": "Tarvaskoski",
                    "nationality": "FI",
                    "email": "veikko@example.fi",
                },
            )
        ],
        source=SourceRef(kind="data_subject", name="test.csv"),
    )
    import_organizations(
        actor=actor,
        controller=fi_controller,
        rows=[(2, {"name": "Nordlys Quarantrade Consortium Ltd", "country": "CY"})],
        source=SourceRef(kind="data_subject", name="orgs.csv"),
    )
    work()
    assert PersonHit.objects.filter(person__last_name="Tarvaskoski").exists()
    org = Organization.objects.get(name="Nordlys Quarantrade Consortium Ltd")
    assert OrganisationHit.objects.filter(organization=org).exists()


def test_a_decision_needs_a_reason_and_is_made_once(load, work, make_person, actor):
    load()
    person = make_person(**PERSON)
    work()
    hit = PersonHit.objects.get(person=person)
    with pytest.raises(ScreeningError) as exc:
        hit_decide(
            scope=_scope(), actor=actor, kind="person", hit_id=hit.pk, decision="match", reason="  "
        )
    assert exc.value.field == "reason"
    with pytest.raises(ScreeningError) as exc:
        hit_decide(
            scope=_scope(), actor=actor, kind="person", hit_id=hit.pk, decision="open", reason="x"
        )
    assert exc.value.field == "decision"
    hit_decide(
        scope=_scope(),
        actor=actor,
        kind="person",
        hit_id=hit.pk,
        decision="match",
        reason="same person",
    )
    with pytest.raises(ScreeningError) as exc:
        hit_decide(
            scope=_scope(),
            actor=actor,
            kind="person",
            hit_id=hit.pk,
            decision="false_positive",
            reason="changed my mind",
        )
    assert exc.value.field == "decision"


def test_a_rolled_back_create_queues_no_screening(fi_controller, actor):
    from django.db import transaction

    from rekisteri.register.services import person_create

    with pytest.raises(RuntimeError), transaction.atomic():
        person_create(
            actor=actor, controller=fi_controller, data=dict(PERSON), scope=register_scope("test")
        )
        raise RuntimeError("rolled back")
    assert not Job.objects.filter(name="screening-subjects").exists()


def test_nothing_is_screened_without_a_list(work, make_person):
    make_person(**PERSON)
    work()
    assert not PersonHit.objects.exists()
    assert not AuditEvent.objects.filter(record="screening:persons").exists()


def _die_on(marker: str):
    """The matcher as a worker process runs it, but killing its process at `marker`."""
    import os

    from rekisteri.watchlists import matching

    real = matching._match

    def match(index, subject, threshold, **kwargs):
        if any(marker in name for name in subject.names):
            os._exit(1)
        return real(index, subject, threshold, **kwargs)

    return match


def test_a_rescreen_in_worker_processes_writes_in_order_and_a_dead_worker_leaves_no_half_run(
    load, make_person, actor, monkeypatch
):
    from rekisteri.screening import services
    from rekisteri.screening.models import ScreeningRun
    from rekisteri.watchlists import matching

    listed = {"first_name": "Veikko", "last_name": "Tarvaskoski", "nationality": "FI"}
    people = [
        make_person(**listed),
        make_person(first_name="Aino", last_name="Aaltonen"),
        make_person(first_name="Kuolee", last_name="Kesken"),  # its chunk's worker dies
        make_person(**listed),
        make_person(first_name="Eero", last_name="Eskola"),
    ]
    load()
    monkeypatch.setattr(services, "BATCH", 2)  # three batches, three chunks: worker processes
    monkeypatch.setattr(matching, "_match", _die_on("Kuolee"))
    with pytest.raises(matching.MatchWorkerDied):
        rescreen(scope=_scope(), actor=actor, everyone=True, processes=2)
    # the batch whose answer was lost, and every batch after it, wrote nothing
    assert not PersonHit.objects.filter(person=people[3]).exists()
    run = ScreeningRun.objects.get()
    assert run.finished_at is None
    assert services.lists_changed()  # so the next run screens everyone again

    monkeypatch.undo()  # the matcher as it is, in the same batches
    monkeypatch.setattr(services, "BATCH", 2)
    run = rescreen(scope=_scope(), actor=actor, processes=2)
    assert run is not None and run.finished_at is not None and run.persons == 5
    hits = PersonHit.objects.filter(status=HitStatus.OPEN).order_by("person_id")
    assert [h.person_id for h in hits] == [people[0].pk, people[3].pk]  # once each
    events = AuditEvent.objects.filter(record="screening:persons").order_by("pk")
    screened = [sorted(e.person_ids) for e in events]
    assert screened[-3:] == [
        sorted(p.pk for p in people[0:2]),
        sorted(p.pk for p in people[2:4]),
        [people[4].pk],
    ]
