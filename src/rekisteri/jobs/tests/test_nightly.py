"""The nightly audit check: a broken chain mails the DPO (through a real SMTP peer) and the
run fails, so that it shows on the background work page; an intact chain sends nothing."""

from __future__ import annotations

import pytest
from django.db import connection

from rekisteri.audit.guard import audit_guard_lifted
from rekisteri.audit.models import AuditAction
from rekisteri.audit.services import Actor, audit_record
from rekisteri.jobs import queue
from rekisteri.jobs.models import Job, JobStatus
from rekisteri.jobs.worker import Runner
from rekisteri.mail.delivery import deliver_due
from rekisteri.marketing.tests.conftest import smtp  # noqa: F401 - the SMTP peer fixture
from rekisteri.register.models import Controller

pytestmark = pytest.mark.django_db


def test_a_broken_audit_chain_alerts_the_dpo_and_the_run_fails(
    probe_jobs,
    fi_controller,
    smtp,  # noqa: F811
) -> None:
    fi_controller.dpo_email = "tietosuoja@esimerkki.fi"
    fi_controller.save(update_fields=["dpo_email"])
    events = [
        audit_record(actor=Actor("sales"), action=AuditAction.VIEW, person_id=100 + n)
        for n in range(3)
    ]
    queue.enqueue("audit-verify")
    Runner(poll=0).run(until_idle=True)
    deliver_due()
    assert smtp.recipients() == []  # intact: no alarm
    assert Job.objects.get().status == JobStatus.DONE

    with audit_guard_lifted(), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE audit_auditevent SET actor = %s WHERE id = %s", ["dpo", events[1].id]
        )
    Job.objects.all().delete()
    queue.enqueue("audit-verify")
    Runner(poll=0).run(until_idle=True)
    deliver_due()  # the alarm went through the outbox

    # Every group company's DPO (one message each, through the outbox), in the register's language.
    dpos = sorted(Controller.objects.exclude(dpo_email="").values_list("dpo_email", flat=True))
    assert "tietosuoja@esimerkki.fi" in dpos
    assert sorted(smtp.recipients()) == dpos and len(smtp.messages) == len(dpos)
    assert smtp.messages[0]["Subject"] == "Rekisteri: tapahtumalokin ketju on katkennut"
    job = Job.objects.get()
    assert job.status == JobStatus.DEAD  # one attempt: the next night's check is the retry
    assert job.error.startswith("ChainBroken")
