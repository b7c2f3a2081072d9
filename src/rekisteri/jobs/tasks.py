"""The scheduled jobs: each calls the service the matching command calls, under a system
scope whose reason says the worker's schedule ran it (audited)."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.mail import send_mail
from django.utils import translation
from django.utils.translation import gettext as _

from rekisteri.access.capabilities import Cap
from rekisteri.audit.selectors import audit_chain_verify
from rekisteri.audit.services import Actor
from rekisteri.audit.work import system_scope
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


def dpo_addresses() -> list[str]:
    """Where an alarm goes: every group company's DPO, else the ADMINS of the settings."""
    found = sorted(
        set(Controller.objects.exclude(dpo_email="").values_list("dpo_email", flat=True))
    )
    return found or [address for _name, address in settings.ADMINS]


def audit_verify() -> None:
    """Check the audit trail's chain; when it is broken, mail the DPO and fail the run."""
    checked, problem = audit_chain_verify()
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
    if recipients:
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, recipients, fail_silently=False)
    raise ChainBroken("audit trail broken" + ("" if recipients else "; no DPO address to alert"))
