"""The retention sweep with a fixed clock: each rule's records go on the right day, files
with them, legal holds stop it, and a killed sweep re-run ends where a whole one would."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from rekisteri.audit.models import AuditAction, AuditEvent
from rekisteri.audit.services import Actor
from rekisteri.interactions.files import file_path, file_store, files_check
from rekisteri.interactions.models import (
    CallRecording,
    ChatTranscript,
    Invoice,
    Payment,
    StoredFile,
    WebVisit,
)
from rekisteri.retention.models import SweepRun, SweepStatus
from rekisteri.retention.selectors import retention_verify
from rekisteri.retention.tests.sweeping import place_hold, sweep

TODAY = date(2026, 1, 1)


def at(day: date) -> datetime:
    return timezone.make_aware(datetime(day.year, day.month, day.day, 12, 0))


def months_ago(n: int, day: date = TODAY) -> date:
    from rekisteri.retention.periods import add_months

    return add_months(day, -n)


@pytest.fixture
def person(make_person: Any) -> Any:
    return make_person()


def chat(person: Any, day: date) -> ChatTranscript:
    return ChatTranscript.objects.create(
        controller=person.controller, person=person, occurred_at=at(day), transcript="Hei!"
    )


def call(person: Any, day: date) -> CallRecording:
    audio = file_store(data=b"RIFF fake audio " + str(day).encode(), content_type="audio/wav")
    return CallRecording.objects.create(
        controller=person.controller,
        person=person,
        occurred_at=at(day),
        phone_number="+358401234567",
        summary="Asked about the invoice",
        audio=audio,
    )


def invoice(person: Any, year: int, number: str) -> Invoice:
    inv = Invoice.objects.create(
        controller=person.controller,
        person=person,
        occurred_at=at(date(year, 6, 1)),
        number=number,
        billing_year=year,
        amount=Decimal("100.00"),
        recipient_name=str(person),
    )
    Payment.objects.create(invoice=inv, paid_on=date(year, 7, 1), amount=Decimal("100.00"))
    return inv


def test_chat_transcript_of_four_months_is_swept_and_one_of_two_months_stays(person):
    old = chat(person, months_ago(4))
    young = chat(person, months_ago(2))
    result = sweep(as_of=TODAY)
    assert not ChatTranscript.objects.filter(pk=old.pk).exists()
    assert ChatTranscript.objects.filter(pk=young.pk).exists()
    assert result.counts["chat-3-months"] == {"deleted": 1}


def test_chat_transcript_goes_on_the_day_it_is_three_months_old(person):
    t = chat(person, date(2025, 11, 30))
    sweep(as_of=date(2026, 2, 27))
    assert ChatTranscript.objects.filter(pk=t.pk).exists()
    # 30 November + 3 months is 28 February (no 30 February).
    sweep(as_of=date(2026, 2, 28))
    assert not ChatTranscript.objects.filter(pk=t.pk).exists()


def test_call_recording_of_eight_months_goes_with_its_audio_file_and_one_of_six_stays(person):
    old = call(person, months_ago(8))
    young = call(person, months_ago(6))
    old_file, young_file = file_path(old.audio), file_path(young.audio)
    assert old_file.exists() and young_file.exists()
    sweep(as_of=TODAY)
    assert not CallRecording.objects.filter(pk=old.pk).exists()
    assert not old_file.exists()
    assert not StoredFile.objects.filter(pk=old.audio_id).exists()
    assert CallRecording.objects.filter(pk=young.pk).exists()
    assert young_file.exists()
    assert files_check() == {"unreferenced": [], "missing": []}


def test_invoice_of_billing_year_2015_is_swept_on_1_january_2026_and_2016_stays(person):
    old = invoice(person, 2015, "2015-1")
    new = invoice(person, 2016, "2016-1")
    sweep(as_of=date(2025, 12, 31))
    assert Invoice.objects.filter(pk=old.pk).exists()
    result = sweep(as_of=date(2026, 1, 1))
    assert not Invoice.objects.filter(pk=old.pk).exists()
    assert not Payment.objects.filter(invoice_id=old.pk).exists()
    assert Invoice.objects.filter(pk=new.pk).exists()
    assert Payment.objects.filter(invoice_id=new.pk).count() == 1
    assert result.counts["billing-10-years"] == {"deleted": 1}


def test_records_under_legal_hold_stay(person, make_person, fi_controller):
    held_person = make_person()
    on_person = chat(held_person, months_ago(4))
    on_record = chat(person, months_ago(5))
    free = chat(person, months_ago(6))
    actor = Actor("dpo")
    place_hold(actor=actor, controller=fi_controller, person=held_person, reason="claim")
    place_hold(
        actor=actor,
        controller=fi_controller,
        record=f"interactions.ChatTranscript:{on_record.pk}",
        reason="dispute",
    )
    sweep(as_of=TODAY)
    assert ChatTranscript.objects.filter(pk__in=[on_person.pk, on_record.pk]).count() == 2
    assert not ChatTranscript.objects.filter(pk=free.pk).exists()


def test_expired_legal_hold_no_longer_stops_deletion(person, fi_controller):
    t = chat(person, months_ago(4))
    place_hold(
        actor=Actor("dpo"),
        controller=fi_controller,
        person=person,
        reason="claim",
        until=TODAY - timedelta(days=1),
    )
    sweep(as_of=TODAY)
    assert not ChatTranscript.objects.filter(pk=t.pk).exists()


def test_sweep_audit_event_counts_what_it_removed_per_rule_without_personal_data(person):
    chat(person, months_ago(4))
    chat(person, months_ago(5))
    call(person, months_ago(9))
    invoice(person, 2014, "2014-7")
    sweep(as_of=TODAY)
    event = AuditEvent.objects.filter(action=AuditAction.RETENTION).order_by("-seq").first()
    assert event is not None
    assert event.detail["counts"] == {
        "chat-3-months": {"deleted": 2},
        "calls-7-months": {"deleted": 1},
        "billing-10-years": {"deleted": 1},
    }
    assert event.detail["files_removed"] == 1
    assert event.person_id is None and event.sealed == ""
    assert person.last_name not in str(event.detail)
    assert AuditEvent.objects.filter(action=AuditAction.RETENTION).count() == 1


def test_web_visits_are_anonymised_not_deleted(person):
    v = WebVisit.objects.create(
        controller=person.controller,
        person=person,
        occurred_at=at(months_ago(7)),
        ip_address="192.0.2.10",
        page="/pricing",
        user_agent="Firefox",
    )
    result = sweep(as_of=TODAY)
    v.refresh_from_db()
    assert v.person_id is None and v.ip_address is None and v.page == "" and v.anonymised_at
    assert result.counts["web-visits-6-months"] == {"anonymised": 1}
    assert sweep(as_of=TODAY).counts == {}


def test_verify_fails_before_the_sweep_naming_overdue_records_and_passes_after(person, capsys):
    old = chat(person, months_ago(4))
    chat(person, months_ago(1))
    old_inv = invoice(person, 2015, "2015-9")
    with pytest.raises(CommandError) as exc:
        call_command("retention", "verify", "--as-of", "2026-01-01")
    assert exc.value.returncode == 1
    out = capsys.readouterr().out
    assert f"interactions.ChatTranscript:{old.pk}" in out
    assert f"interactions.Invoice:{old_inv.pk}" in out
    assert "chat-3-months" in out and "billing-10-years" in out
    sweep(as_of=TODAY)
    call_command("retention", "verify", "--as-of", "2026-01-01")
    assert "OK" in capsys.readouterr().out


def test_plan_counts_due_now_and_next_per_rule(person, capsys):
    chat(person, months_ago(4))
    chat(person, date(2025, 10, 15))  # three months old on 15 January
    call_command("retention", "plan", "--as-of", "2026-01-01", "--days", "30", "--json")
    import json

    plan = json.loads(capsys.readouterr().out)
    assert plan["rules"]["chat-3-months"] == {"due_now": 1, "due_next": 1}


class Killed(Exception):
    pass


def _population(person: Any) -> None:
    for i in range(7):
        call(person, months_ago(8 + i))
    for i in range(5):
        chat(person, months_ago(4 + i))
    for i in range(3):
        call(person, months_ago(1 + i))
    for year in (2013, 2014, 2020):
        invoice(person, year, f"{year}-x")


def _state() -> dict[str, Any]:
    return {
        "calls": sorted(CallRecording.objects.values_list("occurred_at", flat=True)),
        "chats": sorted(ChatTranscript.objects.values_list("occurred_at", flat=True)),
        "invoices": sorted(Invoice.objects.values_list("number", flat=True)),
        "payments": Payment.objects.count(),
        "files": StoredFile.objects.count(),
    }


def test_sweep_killed_after_first_chunk_and_run_again_ends_like_an_uninterrupted_run(
    person, make_person, files_dir
):
    _population(person)
    sweep(as_of=TODAY, chunk=2)
    expected = _state()
    assert expected["files"] == 3

    # The same population again, from scratch, killed after its first chunk commits.
    from rekisteri.interactions.models import CallRecording as C
    from rekisteri.interactions.models import ChatTranscript as T

    C.objects.all().delete()
    T.objects.all().delete()
    Invoice.objects.all().delete()
    from rekisteri.interactions.files import orphan_files_remove

    orphan_files_remove()
    _population(person)

    def kill(target: Any, n: int) -> None:
        raise Killed()

    with pytest.raises(Killed):
        sweep(as_of=TODAY, chunk=2, after_chunk=kill)
    assert SweepRun.objects.order_by("-id").first().status == SweepStatus.FAILED
    # Part was removed, part not yet: the check shows it is overdue still.
    assert retention_verify(as_of=TODAY)

    sweep(as_of=TODAY, chunk=2)
    assert _state() == expected
    assert retention_verify(as_of=TODAY) == []
    assert files_check() == {"unreferenced": [], "missing": []}
    on_disk = {p.relative_to(files_dir).as_posix() for p in files_dir.rglob("*") if p.is_file()}
    assert on_disk == set(StoredFile.objects.values_list("path", flat=True))


def test_sweep_killed_between_commit_and_file_removal_leaves_no_orphan_after_rerun(
    person, monkeypatch, files_dir
):
    calls = [call(person, months_ago(9)) for _ in range(3)]
    paths = [file_path(c.audio) for c in calls]
    from rekisteri.retention import services

    real = services.orphan_files_remove

    def crash(**kwargs: Any) -> int:
        if kwargs.get("ids"):  # the removal after a chunk's commit, not the start-up check
            raise Killed()
        return real(**kwargs)

    monkeypatch.setattr(services, "orphan_files_remove", crash)
    with pytest.raises(Killed):
        sweep(as_of=TODAY)
    assert not CallRecording.objects.exists()
    assert all(p.exists() for p in paths)  # rows committed, files not yet removed
    monkeypatch.undo()
    sweep(as_of=TODAY)
    assert not any(p.exists() for p in paths)
    assert not StoredFile.objects.exists()
    interrupted = AuditEvent.objects.filter(
        action=AuditAction.RETENTION, reason="retention sweep interrupted"
    )
    assert interrupted.count() == 1


def test_restricted_persons_records_are_not_swept(person):
    t = chat(person, months_ago(4))
    type(person).objects.filter(pk=person.pk).update(restricted_since=timezone.now())
    sweep(as_of=TODAY)
    assert ChatTranscript.objects.filter(pk=t.pk).exists()


def test_legal_holds_for_and_retention_end_answer_for_erasure(person, fi_controller):
    from rekisteri.retention.selectors import legal_holds_for, retention_end

    inv = invoice(person, 2024, "2024-5")
    assert retention_end(category="billing", person_id=person.pk, record=inv) == date(2035, 1, 1)
    assert retention_end(category="billing", person_id=person.pk) == date(2035, 1, 1)
    # Without links to organisations: two years from the last dealing (here: recorded today).
    from rekisteri.retention.periods import Period, add_period

    recorded = timezone.localdate(person.created_at)
    assert retention_end(category="basic", person_id=person.pk) == add_period(
        recorded, Period(years=2)
    )
    # Linked to an organisation we still deal with: no fixed end yet.
    from rekisteri.register.models import Affiliation, Organization

    org = Organization.objects.create(controller=fi_controller, name="Asiakas Oy")
    Affiliation.objects.create(person=person, organization=org)
    assert retention_end(category="basic", person_id=person.pk) is None
    place_hold(
        actor=Actor("dpo"), controller=fi_controller, person=person, reason="claim", until=TODAY
    )
    holds = legal_holds_for(person_id=person.pk, as_of=TODAY)
    assert [(h["scope"], h["reason"], h["until"]) for h in holds] == [("person", "claim", TODAY)]


def test_retention_ends_in_one_call_answer_as_retention_end_per_category(person, fi_controller):
    from rekisteri.catalogue.selectors import catalogue_snapshot
    from rekisteri.register.models import Affiliation, Organization
    from rekisteri.retention.selectors import retention_end, retention_ends

    invoice(person, 2024, "2024-5")
    chat(person, months_ago(4))
    categories = sorted(catalogue_snapshot().categories)
    ends = retention_ends(categories=categories, person_id=person.pk)
    assert ends == {c: retention_end(category=c, person_id=person.pk) for c in categories}
    assert ends["billing"] == date(2035, 1, 1)
    # A live link to an organisation: the relationship end is None for the batch too.
    org = Organization.objects.create(controller=fi_controller, name="Asiakas Oy")
    Affiliation.objects.create(person=person, organization=org)
    ends = retention_ends(categories=categories, person_id=person.pk)
    assert ends["basic"] is None
    assert ends == {c: retention_end(category=c, person_id=person.pk) for c in categories}


def test_legal_holds_for_lists_person_holds_first_and_only_this_persons_records(
    person, fi_controller
):
    from rekisteri.retention.selectors import legal_holds_for

    inv = invoice(person, 2024, "2024-5")
    place_hold(
        actor=Actor("dpo"), controller=fi_controller, person=person, reason="first", until=None
    )
    place_hold(
        actor=Actor("dpo"), controller=fi_controller, person=person, reason="second", until=None
    )
    place_hold(
        actor=Actor("dpo"),
        controller=fi_controller,
        record=f"interactions.Invoice:{inv.pk}",
        reason="the invoice",
        until=None,
    )
    holds = legal_holds_for(person_id=person.pk, as_of=TODAY)
    assert [(h["scope"], h["reason"]) for h in holds] == [
        ("person", "first"),
        ("person", "second"),
        ("record", "the invoice"),
    ]
    assert legal_holds_for(person_id=person.pk + 1000, as_of=TODAY) == []


@pytest.mark.parametrize("kind", ["chat", "invoice"])
def test_hold_or_restriction_that_comes_while_the_sweep_runs_keeps_the_rows_of_later_chunks(
    kind, make_person, fi_controller
):
    """The chunks are planned when a rule's sweep begins; each chunk still checks holds and
    restrictions again when it runs. Chats go with one statement per chunk; invoices take
    their payments with them, through the ids of the chunk."""
    first, restricted, held = make_person(), make_person(), make_person()
    if kind == "chat":
        rows = [chat(p, months_ago(4)) for p in (first, restricted, held)]
        model = ChatTranscript
    else:
        rows = [invoice(p, 2015, f"INV-{i}") for i, p in enumerate((first, restricted, held))]
        model = Invoice
    label = model._meta.label
    seen: list[int] = []

    def between_chunks(target: Any, n: int) -> None:
        if target.label != label:
            return
        seen.append(n)
        if len(seen) == 1:
            type(restricted).objects.filter(pk=restricted.pk).update(
                restricted_since=timezone.now()
            )
            place_hold(
                actor=Actor("dpo"),
                controller=fi_controller,
                record=f"{label}:{rows[2].pk}",
                reason="dispute",
            )

    result = sweep(as_of=TODAY, chunk=1, after_chunk=between_chunks)
    assert seen == [1, 0, 0]  # three chunks planned; the last two found nothing due any more
    assert not model.objects.filter(pk=rows[0].pk).exists()
    assert set(model.objects.values_list("pk", flat=True)) == {rows[1].pk, rows[2].pk}
    if kind == "invoice":
        assert set(Payment.objects.values_list("invoice_id", flat=True)) == {rows[1].pk, rows[2].pk}
    rule = "chat-3-months" if kind == "chat" else "billing-10-years"
    assert result.counts[rule] == {"deleted": 1}


def test_postgresql_due_conditions_get_memory_to_hash_their_anti_joins(
    db, settings, monkeypatch, person
):
    """At a million persons the due conditions' NOT IN sets exceed the default work_mem and
    PostgreSQL would scan them once per row; sweep, plan and verify raise it while they
    select due rows, then restore it."""
    from django.db import connection

    from rekisteri.retention import engine
    from rekisteri.retention.selectors import retention_plan

    if connection.vendor != "postgresql":
        pytest.skip("a PostgreSQL setting")

    def work_mem() -> str:
        with connection.cursor() as cursor:
            cursor.execute("SHOW work_mem")
            return cursor.fetchone()[0]

    chat(person, months_ago(4))
    before = work_mem()
    settings.RETENTION_PG_WORK_MEM = "64MB"
    seen: list[str] = []
    due_rows = engine.due_rows

    def watched(target: Any, as_of: date) -> Any:
        seen.append(work_mem())
        return due_rows(target, as_of)

    monkeypatch.setattr(engine, "due_rows", watched)
    for run in (
        lambda: sweep(as_of=TODAY),
        lambda: retention_plan(as_of=TODAY),
        lambda: retention_verify(as_of=TODAY),
    ):
        seen.clear()
        run()
        assert seen and set(seen) == {"64MB"}, "due rows selected without the memory"
        assert work_mem() == before, "the setting outlived the call"


def test_sweep_refuses_a_future_day_and_deletes_nothing(person, capsys):
    """Deleting data before its rule is due cannot be undone: `sweep --as-of` a later day
    than today is refused with the reason; plan and verify may look ahead."""
    today = timezone.localdate()
    fresh = chat(person, today)  # due in three months
    later = today + timedelta(days=200)
    runs = SweepRun.objects.count()
    from django.utils import translation

    with pytest.raises(CommandError) as refused, translation.override("en"):
        call_command("retention", "sweep", "--as-of", later.isoformat(), "--no-progress")
    message = str(refused.value)
    assert "--as-of" in message and later.isoformat() in message
    assert "cannot be undone" in message
    assert ChatTranscript.objects.filter(pk=fresh.pk).exists()
    assert SweepRun.objects.count() == runs
    with pytest.raises(CommandError):
        call_command("retention", "sweep", "--as-of", later.isoformat(), "--dry-run")
    # Looking ahead is fine: the plan shows the chat falling due, verify names it overdue.
    call_command("retention", "plan", "--as-of", later.isoformat(), "--json")
    plan = json.loads(capsys.readouterr().out)
    assert plan["rules"]["chat-3-months"]["due_now"] == 1
    with pytest.raises(CommandError):
        call_command("retention", "verify", "--as-of", later.isoformat())
    # Today itself is allowed, and the chat is not due yet.
    call_command("retention", "sweep", "--as-of", today.isoformat(), "--no-progress")
    assert ChatTranscript.objects.filter(pk=fresh.pk).exists()


def test_sweep_killed_while_removing_files_audits_the_files_it_removed(
    person, monkeypatch, files_dir
):
    calls = [call(person, months_ago(9)) for _ in range(3)]
    paths = [file_path(c.audio) for c in calls]
    from pathlib import Path

    real_unlink = Path.unlink
    unlinked: list[Path] = []

    def unlink(self: Path, missing_ok: bool = False) -> None:
        if self in paths and self.exists():
            if len(unlinked) == 1:
                raise Killed()  # the process dies before the second file
            unlinked.append(self)
        real_unlink(self, missing_ok=missing_ok)

    monkeypatch.setattr(Path, "unlink", unlink)
    with pytest.raises(Killed):
        sweep(as_of=TODAY)
    monkeypatch.undo()
    sweep(as_of=TODAY)
    assert not any(p.exists() for p in paths)
    events = AuditEvent.objects.filter(action=AuditAction.RETENTION).order_by("seq")
    interrupted, resumed = list(events)
    assert interrupted.reason == "retention sweep interrupted"
    assert interrupted.detail["files_removed"] == 1
    assert resumed.detail["files_removed"] == 2
