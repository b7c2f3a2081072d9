"""Writes to the breach register: record, update, estimate from the affected people.

The clock is the model's (Breach.clock); the rules here are what Art. 33 asks of a record:
a notification after 72 hours carries its reasons for the delay, and a decision not to tell
the authority or the people carries its reasons too.

A breach belongs to one of the user's group companies (or to the whole group, no company):
every service takes the user's scope and refuses another company's breach or company.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from rekisteri.access.capabilities import Cap
from rekisteri.access.policy import ProcessingRefused
from rekisteri.access.selectors import Scope
from rekisteri.audit.models import AuditAction
from rekisteri.audit.services import actor_of, audit_record
from rekisteri.audit.work import work_purpose
from rekisteri.breaches.models import Breach, Nature, Risk, WindowRule
from rekisteri.catalogue.selectors import catalogue_snapshot

EDITABLE = (
    "controller",
    "title",
    "nature",
    "description",
    "discovered_at",
    "occurred_from",
    "occurred_until",
    "categories",
    "window_rule",
    "approx_persons",
    "approx_records",
    "consequences",
    "measures",
    "risk",
    "authority_notified_at",
    "authority_reference",
    "authority_not_notified_reason",
    "delay_reason",
    "persons_notified_at",
    "persons_not_notified_reason",
    "closed_at",
)


class BreachError(ValueError):
    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


def _check(values: dict[str, Any], now: dt.datetime) -> None:
    errors: dict[str, str] = {}
    for key in ("title", "description", "discovered_at"):
        if not values.get(key):
            errors[key] = _("is required")
    discovered = values.get("discovered_at")
    if discovered and discovered > now + dt.timedelta(minutes=5):
        errors["discovered_at"] = _("is in the future")
    bad = [n for n in values.get("nature") or [] if n not in Nature.values]
    if bad:
        errors["nature"] = _("unknown: %(v)s") % {"v": ", ".join(bad)}
    known = set(catalogue_snapshot().categories)
    bad = [c for c in values.get("categories") or [] if c not in known]
    if bad:
        errors["categories"] = _("not data categories of the catalogue: %(v)s") % {
            "v": ", ".join(bad)
        }
    start, end = values.get("occurred_from"), values.get("occurred_until")
    if start and end and start > end:
        errors["occurred_until"] = _("is before the start of the window")
    if values.get("risk") not in Risk.values:
        errors["risk"] = _("is not a risk level")
    if values.get("window_rule", WindowRule.CHANGED) not in WindowRule.values:
        errors["window_rule"] = _("is not a rule")
    told = values.get("authority_notified_at")
    late = bool(told and discovered and told > discovered + dt.timedelta(hours=72))
    if late and not (values.get("delay_reason") or "").strip():
        errors["delay_reason"] = _(
            "the authority was told more than 72 hours after discovery: give the reasons "
            "for the delay (GDPR Art. 33(1))"
        )
    if told and (values.get("authority_not_notified_reason") or "").strip():
        errors["authority_not_notified_reason"] = _(
            "the authority was told; leave the reason for not telling empty"
        )
    if (
        values.get("persons_notified_at")
        and (values.get("persons_not_notified_reason") or "").strip()
    ):
        errors["persons_not_notified_reason"] = _(
            "the people were told; leave the reason for not telling empty"
        )
    if errors:
        raise BreachError(errors)


def _purpose(scope: Scope) -> str:
    # Any staff member reports a breach; the purpose is named for those who keep the register.
    return (
        work_purpose(scope, Cap.KEEP_BREACH_REGISTER) if scope.can(Cap.KEEP_BREACH_REGISTER) else ""
    )


def _check_company(scope: Scope, values: dict[str, Any]) -> None:
    controller = values.get("controller")
    if controller is not None and getattr(controller, "pk", controller) not in scope.controller_ids:
        raise BreachError({"controller": _("choose one of your group companies")})


def _require_own(scope: Scope, breach: Breach) -> None:
    """The breach again through the scope: another company's is refused here too."""
    from rekisteri.breaches.selectors import breach_get

    try:
        breach_get(scope=scope, breach_id=breach.pk)
    except Breach.DoesNotExist as exc:
        raise ProcessingRefused(
            _("No such breach in your group company."), code="controller"
        ) from exc


@transaction.atomic
def breach_record(
    *, scope: Scope, actor: Any, data: dict[str, Any], now: dt.datetime | None = None
) -> Breach:
    """Record a breach; `now` is when it is recorded (the clock runs from discovery)."""
    now = now or timezone.now()
    values = {k: data[k] for k in EDITABLE if k in data}
    values.setdefault("risk", Risk.RISK)
    _check(values, now)
    _check_company(scope, values)
    who = actor_of(actor)
    breach = Breach.objects.create(recorded_at=now, recorded_by=who.name[:150], **values)
    audit_record(
        actor=who,
        action=AuditAction.CREATE,
        record=f"breaches.Breach:{breach.pk}",
        categories=breach.categories,
        purpose=_purpose(scope),
        reason="personal data breach recorded",
        detail={
            "hours_after_discovery": round((now - breach.discovered_at).total_seconds() / 3600, 1)
        },
    )
    return breach


@transaction.atomic
def breach_update(
    *,
    scope: Scope,
    actor: Any,
    breach: Breach,
    data: dict[str, Any],
    now: dt.datetime | None = None,
) -> Breach:
    _require_own(scope, breach)
    now = now or timezone.now()
    changed = [k for k in EDITABLE if k in data and getattr(breach, k) != data[k]]
    values = {k: data.get(k, getattr(breach, k)) for k in EDITABLE}
    _check(values, now)
    _check_company(scope, values)
    if not changed:
        return breach
    for key in changed:
        setattr(breach, key, data[key])
    breach.save(update_fields=changed)
    audit_record(
        actor=actor_of(actor),
        action=AuditAction.UPDATE,
        record=f"breaches.Breach:{breach.pk}",
        categories=breach.categories,
        fields=changed,
        purpose=_purpose(scope),
        reason="personal data breach updated",
        detail={"clock": breach.clock(now)},
    )
    return breach


def breach_authority_told(
    *,
    scope: Scope,
    actor: Any,
    breach: Breach,
    reference: str = "",
    delay_reason: str = "",
    now: dt.datetime | None = None,
) -> Breach:
    """The authority was told of the breach now (the step the 72-hour clock waits for), with
    its reference if it gave one; told after the deadline, the reasons for the delay are
    required (Art. 33(1)). The same checks and audit as any change of the breach."""
    now = now or timezone.now()
    data = {
        "authority_notified_at": now,
        "authority_reference": (reference or "").strip()[:100] or breach.authority_reference,
        "delay_reason": (delay_reason or "").strip() or breach.delay_reason,
    }
    return breach_update(scope=scope, actor=actor, breach=breach, data=data, now=now)


@transaction.atomic
def breach_estimate(*, scope: Scope, actor: Any, breach: Breach) -> Breach:
    """Set the approximate numbers of people and records from the register itself (counts
    over the breach's company, or the whole group's for a group-wide breach: numbers only)."""
    from rekisteri.breaches.selectors import breach_affected

    _require_own(scope, breach)
    affected = breach_affected(breach=breach)
    breach.approx_persons = len(affected.person_ids)
    breach.approx_records = affected.records
    breach.save(update_fields=["approx_persons", "approx_records"])
    audit_record(
        actor=actor_of(actor),
        action=AuditAction.UPDATE,
        record=f"breaches.Breach:{breach.pk}",
        fields=["approx_persons", "approx_records"],
        purpose=_purpose(scope),
        reason="breach size estimated from the register",
        detail={"persons": breach.approx_persons, "records": breach.approx_records},
    )
    return breach
