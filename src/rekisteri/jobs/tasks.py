"""The scheduled jobs: each calls the service the matching command calls, under a system
scope whose reason says the worker's schedule ran it (audited)."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from rekisteri.access.capabilities import Cap
from rekisteri.audit.services import Actor
from rekisteri.audit.verification import audit_chain_check
from rekisteri.audit.work import system_scope
from rekisteri.mail.models import MessageKind
from rekisteri.mail.outbox import enqueue
from rekisteri.marketing.bounces import bounce_scope, bounces_from_mailbox
from rekisteri.register.models import Controller
from rekisteri.retention import services as retention
from rekisteri.rights.services import restrictions_lift_due

ACTOR = "worker"


class ChainBroken(RuntimeError):
    pass


def retention_sweep() -> None:
    as_of = retention.sweep_as_of_check(None)
    scope = system_scope(
        f"retention sweep as of {as_of.isoformat()}, run by the worker's schedule",
        actor=retention.SWEEP_ACTOR,
        capabilities=(),
    )
    retention.retention_sweep(scope=scope, as_of=as_of)


def restrictions_lift() -> None:
    scope = system_scope(
        "lifting restrictions whose period ended, run by the worker's schedule",
        actor=ACTOR,
        capabilities=[Cap.HANDLE_RIGHTS_REQUESTS],
    )
    restrictions_lift_due(scope=scope, actor=Actor(ACTOR))


def bounces_poll() -> None:
    path = Path(settings.BOUNCE_MAILBOX) if settings.BOUNCE_MAILBOX else None
    if path is None or not path.exists():
        raise FileNotFoundError("REKISTERI_BOUNCE_MAILBOX does not name a mailbox")
    bounces_from_mailbox(path, scope=bounce_scope("mailbox (the worker)"), delete=True)


def dpo_addresses() -> list[tuple[int | None, str]]:
    """Where an alarm goes, with the group company it goes for: every company's DPO, else
    the ADMINS of the settings (for no company)."""
    found = sorted(set(Controller.objects.exclude(dpo_email="").values_list("pk", "dpo_email")))
    return found or [(None, address) for _name, address in settings.ADMINS]


def audit_verify() -> None:
    """Check the audit trail's chain (recorded: /healthz and the dashboard show it); when it
    is broken, queue a mail to the DPO in the outbox and fail the run."""
    checked, problem = audit_chain_check()
    if problem is None:
        return
    recipients = dpo_addresses()
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("Rekisteri: the audit trail's chain is broken")
        body = _(
            "The nightly check of the audit trail found a changed, removed or inserted event "
            "after %(n)s intact events. Run `rekisteri audit verify` on the server to see "
            "which, and follow the breach procedure."
        ) % {"n": checked}
    with transaction.atomic():
        for controller_id, address in recipients:
            enqueue(
                controller_id=controller_id,
                to=address,
                subject=subject,
                body=body,
                kind=MessageKind.OTHER,
                reference="audit-verify",
            )
    raise ChainBroken("audit trail broken" + ("" if recipients else "; no DPO address to alert"))
