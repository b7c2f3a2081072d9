"""No mail server: messages become files under REKISTERI_HOME/mail, nothing is printed, and
erasure leaves none of the person's messages in the files nor in the database."""

from __future__ import annotations

import email
import os
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from rekisteri.mail.delivery import deliver_due
from rekisteri.mail.models import Message, MessageKind, MessageStatus
from rekisteri.mail.outbox import enqueue, mail_purge

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def outbox_dir(settings, tmp_path) -> Path:
    settings.EMAIL_BACKEND = "rekisteri.mail.backends.FileOutbox"
    settings.EMAIL_FILE_PATH = tmp_path / "mail"
    return settings.EMAIL_FILE_PATH


def _queue(controller, to, person=None):
    with transaction.atomic():
        return enqueue(
            controller_id=controller.pk,
            to=to,
            subject="Vahvista pyyntösi",
            body="Avaa linkki: https://rekisteri.example/rights/verify/abc/",
            kind=MessageKind.RIGHTS_NOTICE,
            person_id=person.pk if person else None,
        )


def test_without_a_mail_server_the_default_is_the_file_outbox_under_home():
    from django.conf import settings as live

    from rekisteri import settings as configured

    if os.environ.get("EMAIL_URL"):
        pytest.skip("EMAIL_URL is set in this environment")
    assert configured.EMAIL_BACKEND == "rekisteri.mail.backends.FileOutbox"
    assert Path(live.EMAIL_FILE_PATH) == Path(configured.HOME) / "mail"


def test_messages_become_readable_files_and_nothing_is_printed(outbox_dir, fi_controller, capfd):
    _queue(fi_controller, "liisa@asiakas.fi")
    call_command("outbox", "deliver")
    files = list(outbox_dir.glob("*.eml"))
    assert len(files) == 1
    assert "liisa" not in files[0].name, "a file's name does not tell whose it is"
    assert files[0].stat().st_mode & 0o077 == 0, "readable by the operator only"
    msg = email.message_from_bytes(files[0].read_bytes(), policy=email.policy.default)
    assert msg["To"] == "liisa@asiakas.fi"
    assert "rights/verify/abc/" in msg.get_content()
    out, err = capfd.readouterr()
    assert "liisa" not in out + err and "sent 1" in out


def test_erasure_leaves_none_of_the_persons_mail_in_the_files_or_the_database(
    outbox_dir, fi_controller, make_person, staff, actor, capfd
):
    from rekisteri.access.selectors import scope_for
    from rekisteri.rights.services import erasure_execute

    person = make_person(first_name="Eero", last_name="Poistettava", email="eero@asiakas.fi")
    other = make_person(email="toinen@asiakas.fi")
    _queue(fi_controller, "eero@asiakas.fi", person)  # about the person
    _queue(fi_controller, "EERO@asiakas.fi")  # to their address, linked to no one
    _queue(fi_controller, "toinen@asiakas.fi", other)
    deliver_due()
    assert len(list(outbox_dir.glob("*.eml"))) == 3
    _queue(fi_controller, "eero@asiakas.fi", person)  # still waiting when erased
    dead = _queue(fi_controller, "eero@asiakas.fi")
    Message.objects.filter(pk=dead.pk).update(status=MessageStatus.DEAD)

    erasure_execute(scope=scope_for(staff["dpo"]), actor=actor, person=person)

    files = [f.read_bytes() for f in outbox_dir.glob("*.eml")]
    assert len(files) == 1 and b"eero@" not in b"".join(files).lower()
    assert list(Message.objects.values_list("to_address", flat=True)) == ["toinen@asiakas.fi"]
    out, err = capfd.readouterr()
    assert "eero" not in (out + err).lower()


def test_sent_messages_and_old_files_go_after_the_keep_period(outbox_dir, fi_controller, settings):
    settings.MAIL_KEEP_DAYS = 7
    settings.MAIL_DEAD_KEEP_DAYS = 30
    old, recent, waiting = (_queue(fi_controller, f"{n}@asiakas.fi") for n in ("a", "b", "c"))
    deliver_due()
    now = timezone.now()
    Message.objects.filter(pk=old.pk).update(sent_at=now - timedelta(days=8))
    Message.objects.filter(pk=waiting.pk).update(status=MessageStatus.DEAD, failed_at=now)
    for f in outbox_dir.glob("*.eml"):
        if b"a@asiakas.fi" in f.read_bytes():
            stamp = (now - timedelta(days=8)).timestamp()
            os.utime(f, (stamp, stamp))
    done = mail_purge()
    assert done == {"sent": 1, "failed": 0, "files": 1}
    assert set(Message.objects.values_list("pk", flat=True)) == {recent.pk, waiting.pk}
    assert len(list(outbox_dir.glob("*.eml"))) == 2
    assert mail_purge(now=now + timedelta(days=31))["failed"] == 1


def test_the_operator_is_told_where_the_mail_is(outbox_dir):
    from rekisteri.mail.outbox import where_mail_goes

    assert str(outbox_dir) in where_mail_goes()
