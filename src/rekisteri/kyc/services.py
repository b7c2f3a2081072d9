"""Recording know-your-customer data: the only writers of the KYC records.

Each writer needs the customer-due-diligence capability (`Cap.SCREEN_CUSTOMERS`) through a
purpose that covers the KYC data category, acts only on organisations and persons of the
user's own group companies, checks the processing rules for the person (a restricted person
is refused) and writes the audit trail in the same transaction. Bad input raises `KycError`
naming the field; nothing is half-written.

`Person.is_beneficial_owner` is derived: it is true exactly while the person has a
beneficial-owner record of some organisation.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from rekisteri.access.capabilities import Cap
from rekisteri.access.policy import Operation, check_processing
from rekisteri.access.selectors import Scope, category_of
from rekisteri.audit.models import AuditAction
from rekisteri.audit.services import actor_of, audit_record
from rekisteri.audit.work import work_purpose
from rekisteri.kyc.models import (
    AmlInvestigation,
    BeneficialOwner,
    ControlKind,
    DueDiligence,
    InvestigationOutcome,
    KycSource,
    PepRelation,
    PepStatus,
    PersonDueDiligence,
    RepresentationKind,
    RepresentationRight,
    RiskLevel,
)
from rekisteri.register.models import Organization, Person, record_key


class KycError(ValueError):
    """Bad input; `field` names the input that is wrong."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


def kyc_category() -> str:
    """The KYC data category, from the field map."""
    return category_of(BeneficialOwner, "control")


def _purpose(scope: Scope) -> str:
    return work_purpose(scope, Cap.SCREEN_CUSTOMERS, [kyc_category()])


def _organisation(scope: Scope, organization_id: int) -> Organization:
    org = (
        Organization.objects.select_for_update()
        .filter(pk=organization_id, controller_id__in=scope.controller_ids)
        .first()
    )
    if org is None:
        raise KycError(
            "organization", _("no organisation with this id in the register of your group company")
        )
    return org


def _person(scope: Scope, person_id: int, controller_id: int | None = None) -> Person:
    qs = Person.objects.select_for_update().filter(
        pk=person_id, controller_id__in=scope.controller_ids
    )
    if controller_id is not None:
        qs = qs.filter(controller_id=controller_id)
    person = qs.first()
    if person is None:
        raise KycError(
            "person", _("no person with this id in the register of the organisation's company")
        )
    check_processing(scope, person, Operation.EDIT, categories=[kyc_category()])
    return person


def _choice(field: str, value: Any, choices: Any) -> str:
    if value not in choices.values:
        raise KycError(field, _("choose one of the offered values"))
    return str(value)


def _date(field: str, value: Any, *, required: bool = True) -> date | None:
    if value in (None, ""):
        if required:
            raise KycError(field, _("give a date"))
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise KycError(field, _("give a date as YYYY-MM-DD")) from None


def _text(field: str, value: Any, max_length: int, *, required: bool = True) -> str:
    text = str(value or "").strip()
    if required and not text:
        raise KycError(field, _("this is required"))
    if len(text) > max_length:
        raise KycError(field, _("at most %(n)d characters") % {"n": max_length})
    return text


def _provenance(data: dict[str, Any]) -> dict[str, Any]:
    return {
        "source": _choice("source", data.get("source"), KycSource),
        "source_date": _date("source_date", data.get("source_date")),
    }


def _audit(*, actor: Any, action: str, person: Person, obj: Any, purpose: str, reason: str) -> None:
    audit_record(
        actor=actor,
        action=action,
        person_id=person.pk,
        record=record_key(obj),
        categories=[kyc_category()],
        purpose=purpose,
        reason=reason,
    )


def _derive_owner_flag(person: Person) -> None:
    owns = BeneficialOwner.objects.filter(person=person).exists()
    if person.is_beneficial_owner != owns:
        Person.objects.filter(pk=person.pk).update(is_beneficial_owner=owns)


def beneficial_owner_record(
    *, scope: Scope, actor: Any, organization_id: int, person_id: int, data: dict[str, Any]
) -> BeneficialOwner:
    """Record (or correct) that the person is a beneficial owner of the organisation."""
    purpose = _purpose(scope)
    values = _provenance(data)
    values["control"] = _choice("control", data.get("control"), ControlKind)
    share = data.get("share_percent")
    if share in (None, ""):
        values["share_percent"] = None
    else:
        try:
            values["share_percent"] = Decimal(str(share))
        except InvalidOperation:
            raise KycError("share_percent", _("give the share as a number")) from None
        if not Decimal(0) <= values["share_percent"] <= Decimal(100):
            raise KycError("share_percent", _("the share is between 0 and 100 %"))
    audit_actor = actor_of(actor)
    values["recorded_by"] = audit_actor.name[:150]
    with transaction.atomic():
        org = _organisation(scope, organization_id)
        person = _person(scope, person_id, org.controller_id)
        owner, created = BeneficialOwner.objects.update_or_create(
            organization=org, person=person, defaults=values
        )
        _derive_owner_flag(person)
        _audit(
            actor=audit_actor,
            action=AuditAction.CREATE if created else AuditAction.UPDATE,
            person=person,
            obj=owner,
            purpose=purpose,
            reason="beneficial owner recorded",
        )
    return owner


def beneficial_owner_update(
    *, scope: Scope, actor: Any, organization_id: int, owner_id: int, data: dict[str, Any]
) -> BeneficialOwner:
    """Correct the organisation's beneficial-owner record (the person stays the same)."""
    _purpose(scope)
    with transaction.atomic():
        row = _row_of_organisation(scope, BeneficialOwner, organization_id, owner_id)
        return beneficial_owner_record(
            scope=scope,
            actor=actor,
            organization_id=organization_id,
            person_id=row.person_id,
            data=data,
        )


def beneficial_owner_remove(*, scope: Scope, actor: Any, owner_id: int) -> None:
    """Remove a beneficial-owner record (the person no longer owns or controls)."""
    _remove(scope, actor, BeneficialOwner, owner_id, "beneficial owner removed")


def representation_remove(*, scope: Scope, actor: Any, right_id: int) -> None:
    """Remove a right to represent that was recorded in error (an ended right keeps its
    record with `valid_until`)."""
    _remove(scope, actor, RepresentationRight, right_id, "right to represent removed")


def pep_remove(*, scope: Scope, actor: Any, pep_id: int) -> None:
    """Remove a PEP status that was recorded in error (an ended one keeps `until`)."""
    _remove(scope, actor, PepStatus, pep_id, "PEP status removed")


def _remove(scope: Scope, actor: Any, model: Any, pk: int, reason: str) -> None:
    purpose = _purpose(scope)
    with transaction.atomic():
        row = (
            model.objects.select_for_update()
            .filter(pk=pk, person__controller_id__in=scope.controller_ids)
            .first()
        )
        if row is None:
            raise KycError("record", _("no such KYC record in your group company"))
        person = _person(scope, row.person_id)
        key = record_key(row)
        row.delete()
        _derive_owner_flag(person)
        audit_record(
            actor=actor_of(actor),
            action=AuditAction.DELETE,
            person_id=person.pk,
            record=key,
            categories=[kyc_category()],
            purpose=purpose,
            reason=reason,
        )


def _representation_values(data: dict[str, Any]) -> dict[str, Any]:
    values = _provenance(data)
    values["kind"] = _choice("kind", data.get("kind"), RepresentationKind)
    values["evidence"] = _text("evidence", data.get("evidence"), 255)
    values["valid_from"] = _date("valid_from", data.get("valid_from"), required=False)
    values["valid_until"] = _date("valid_until", data.get("valid_until"), required=False)
    if (
        values["valid_from"]
        and values["valid_until"]
        and values["valid_until"] < values["valid_from"]
    ):
        raise KycError("valid_until", _("the right ends before it begins"))
    return values


def representation_record(
    *, scope: Scope, actor: Any, organization_id: int, person_id: int, data: dict[str, Any]
) -> RepresentationRight:
    """Record a person's right to represent the organisation, with evidence and validity."""
    purpose = _purpose(scope)
    values = _representation_values(data)
    audit_actor = actor_of(actor)
    with transaction.atomic():
        org = _organisation(scope, organization_id)
        person = _person(scope, person_id, org.controller_id)
        right = RepresentationRight.objects.create(
            organization=org, person=person, recorded_by=audit_actor.name[:150], **values
        )
        _audit(
            actor=audit_actor,
            action=AuditAction.CREATE,
            person=person,
            obj=right,
            purpose=purpose,
            reason="right to represent recorded",
        )
    return right


def pep_record(*, scope: Scope, actor: Any, person_id: int, data: dict[str, Any]) -> PepStatus:
    """Record that a person is a PEP, or a family member or close associate of one."""
    purpose = _purpose(scope)
    values = _pep_values(data)
    audit_actor = actor_of(actor)
    with transaction.atomic():
        person = _person(scope, person_id)
        pep = PepStatus.objects.create(person=person, recorded_by=audit_actor.name[:150], **values)
        _audit(
            actor=audit_actor,
            action=AuditAction.CREATE,
            person=person,
            obj=pep,
            purpose=purpose,
            reason="PEP status recorded",
        )
    return pep


def _pep_values(data: dict[str, Any]) -> dict[str, Any]:
    values = _provenance(data)
    values["relation"] = _choice("relation", data.get("relation"), PepRelation)
    values["related_to"] = _text(
        "related_to", data.get("related_to"), 200, required=values["relation"] != PepRelation.SELF
    )
    if values["relation"] == PepRelation.SELF:
        values["related_to"] = ""
    values["position"] = _text("position", data.get("position"), 200)
    country = _text("country", data.get("country"), 2).upper()
    if len(country) != 2 or not country.isalpha():
        raise KycError("country", _("give the country as a two-letter code, e.g. FI"))
    values["country"] = country
    values["since"] = _date("since", data.get("since"), required=False)
    values["until"] = _date("until", data.get("until"), required=False)
    if values["since"] and values["until"] and values["until"] < values["since"]:
        raise KycError("until", _("the position ends before it begins"))
    values["next_review"] = _date("next_review", data.get("next_review"))
    return values


def due_diligence_record(
    *, scope: Scope, actor: Any, organization_id: int, data: dict[str, Any]
) -> DueDiligence:
    """Record a customer due diligence decision of the organisation's customer relationship."""
    _purpose(scope)
    values = _due_diligence_values(data)
    audit_actor = actor_of(actor)
    with transaction.atomic():
        org = _organisation(scope, organization_id)
        cdd = DueDiligence.objects.create(
            organization=org, decided_by=audit_actor.name[:150], **values
        )
        audit_record(
            actor=audit_actor,
            action=AuditAction.CREATE,
            record=record_key(cdd),
            reason=f"customer due diligence recorded ({values['risk_level']})",
        )
    return cdd


def _due_diligence_values(data: dict[str, Any]) -> dict[str, Any]:
    risk = _choice("risk_level", data.get("risk_level"), RiskLevel)
    checks = data.get("checks") or []
    if isinstance(checks, str):
        checks = [c.strip() for c in checks.splitlines() if c.strip()]
    checks = [_text("checks", c, 200) for c in checks]
    if not checks:
        raise KycError("checks", _("name at least one check that was done"))
    checked_on = _date("checked_on", data.get("checked_on"))
    next_review = _date("next_review", data.get("next_review"))
    assert checked_on is not None and next_review is not None
    if next_review < checked_on:
        raise KycError("next_review", _("the next review is before the check"))
    note = _text("note", data.get("note"), 500, required=False)
    return {
        "risk_level": risk,
        "checks": checks,
        "checked_on": checked_on,
        "next_review": next_review,
        "note": note,
    }


# --- Correcting and removing a record ------------------------------------------------------
#
# A record is corrected in place (its id stays; the audit trail has the UPDATE) or removed
# when it was recorded in error (the DELETE is audited; an ended right or PEP status keeps
# its record with its end date instead). Each is reached through the organisation it belongs
# to: a row of another organisation, or of another group company, reads as missing.


def _row_of_organisation(scope: Scope, model: Any, organization_id: int, pk: int) -> Any:
    org = _organisation(scope, organization_id)
    qs = model.objects.select_for_update().filter(pk=pk)
    if model is PepStatus:
        linked = set(
            BeneficialOwner.objects.filter(organization=org).values_list("person_id", flat=True)
        ) | set(
            RepresentationRight.objects.filter(organization=org).values_list("person_id", flat=True)
        )
        row = qs.filter(person_id__in=linked).first()
    else:
        row = qs.filter(organization=org).first()
    if row is None:
        raise KycError("record", _("no such KYC record in your group company"))
    return row


def representation_update(
    *, scope: Scope, actor: Any, organization_id: int, right_id: int, data: dict[str, Any]
) -> RepresentationRight:
    """Correct a right to represent (its kind, evidence, validity or source)."""
    purpose = _purpose(scope)
    values = _representation_values(data)
    audit_actor = actor_of(actor)
    with transaction.atomic():
        right = _row_of_organisation(scope, RepresentationRight, organization_id, right_id)
        person = _person(scope, right.person_id)
        _update(right, values)
        _audit(
            actor=audit_actor,
            action=AuditAction.UPDATE,
            person=person,
            obj=right,
            purpose=purpose,
            reason="right to represent corrected",
        )
    return right


def pep_update(
    *,
    scope: Scope,
    actor: Any,
    pep_id: int,
    data: dict[str, Any],
    organization_id: int | None = None,
) -> PepStatus:
    """Correct a PEP status; through an organisation (the page) or the person (the API)."""
    purpose = _purpose(scope)
    values = _pep_values(data)
    audit_actor = actor_of(actor)
    with transaction.atomic():
        if organization_id is not None:
            pep = _row_of_organisation(scope, PepStatus, organization_id, pep_id)
        else:
            pep = (
                PepStatus.objects.select_for_update()
                .filter(pk=pep_id, person__controller_id__in=scope.controller_ids)
                .first()
            )
            if pep is None:
                raise KycError("record", _("no such KYC record in your group company"))
        person = _person(scope, pep.person_id)
        _update(pep, values)
        _audit(
            actor=audit_actor,
            action=AuditAction.UPDATE,
            person=person,
            obj=pep,
            purpose=purpose,
            reason="PEP status corrected",
        )
    return pep


def due_diligence_update(
    *, scope: Scope, actor: Any, organization_id: int, due_diligence_id: int, data: dict[str, Any]
) -> DueDiligence:
    """Correct a customer due diligence decision; who corrected it becomes who decided."""
    _purpose(scope)
    values = _due_diligence_values(data)
    audit_actor = actor_of(actor)
    with transaction.atomic():
        cdd = _row_of_organisation(scope, DueDiligence, organization_id, due_diligence_id)
        _update(cdd, {**values, "decided_by": audit_actor.name[:150]})
        audit_record(
            actor=audit_actor,
            action=AuditAction.UPDATE,
            record=record_key(cdd),
            reason=f"customer due diligence corrected ({values['risk_level']})",
        )
    return cdd


def due_diligence_remove(
    *, scope: Scope, actor: Any, organization_id: int, due_diligence_id: int
) -> None:
    """Remove a customer due diligence decision recorded in error."""
    _purpose(scope)
    with transaction.atomic():
        cdd = _row_of_organisation(scope, DueDiligence, organization_id, due_diligence_id)
        key = record_key(cdd)
        cdd.delete()
        audit_record(
            actor=actor_of(actor),
            action=AuditAction.DELETE,
            record=key,
            reason="customer due diligence removed",
        )


def kyc_record_remove(
    *, scope: Scope, actor: Any, organization_id: int, kind: str, record_id: int
) -> None:
    """Remove one record of the organisation's KYC (`kind`: owner, representation, pep,
    due_diligence) recorded in error; a record of another organisation reads as missing."""
    if kind == "due_diligence":
        due_diligence_remove(
            scope=scope, actor=actor, organization_id=organization_id, due_diligence_id=record_id
        )
        return
    models_ = {"owner": BeneficialOwner, "representation": RepresentationRight, "pep": PepStatus}
    if kind not in models_:
        raise KycError("record", _("no such KYC record in your group company"))
    with transaction.atomic():
        row = _row_of_organisation(scope, models_[kind], organization_id, record_id)
        reasons = {
            "owner": "beneficial owner removed",
            "representation": "right to represent removed",
            "pep": "PEP status removed",
        }
        _remove(scope, actor, models_[kind], row.pk, reasons[kind])


def _update(row: Any, values: dict[str, Any]) -> None:
    for key, value in values.items():
        setattr(row, key, value)
    fields = [*values]
    if any(f.name == "updated_at" for f in row._meta.concrete_fields):
        fields.append("updated_at")
    row.save(update_fields=fields)


# --- AML investigations: exempt from the right of access ----------------------------------


def aml_category() -> str:
    """The AML investigation data category, from the field map (the catalogue declares it
    exempt from the right of access; see docs/kyc.md)."""
    return category_of(AmlInvestigation, "grounds")


def _aml_purpose(scope: Scope) -> str:
    """AML investigations are work of their own capability (`investigate_transactions`),
    on data of the exempt category."""
    return work_purpose(scope, Cap.INVESTIGATE_TRANSACTIONS, [aml_category()])


def aml_investigation_record(
    *,
    scope: Scope,
    actor: Any,
    person_id: int,
    data: dict[str, Any],
    organization_id: int | None = None,
    investigation_id: int | None = None,
) -> AmlInvestigation:
    """Record (or, with `investigation_id`, update) an examination of a person's
    transactions: grounds, outcome and when it was reported to the FIU."""
    purpose = _aml_purpose(scope)
    values: dict[str, Any] = {
        "opened_on": _date("opened_on", data.get("opened_on")),
        "grounds": _text("grounds", data.get("grounds"), 1000),
        "outcome": _choice(
            "outcome", data.get("outcome") or InvestigationOutcome.OPEN, InvestigationOutcome
        ),
        "reported_on": _date("reported_on", data.get("reported_on"), required=False),
    }
    if values["outcome"] == InvestigationOutcome.REPORTED and values["reported_on"] is None:
        raise KycError("reported_on", _("give the date it was reported"))
    if values["outcome"] != InvestigationOutcome.REPORTED:
        values["reported_on"] = None
    audit_actor = actor_of(actor)
    with transaction.atomic():
        org = _organisation(scope, organization_id) if organization_id else None
        person = _person(scope, person_id, org.controller_id if org else None)
        if investigation_id is None:
            row = AmlInvestigation.objects.create(
                person=person, organization=org, recorded_by=audit_actor.name[:150], **values
            )
            action = AuditAction.CREATE
        else:
            row = (
                AmlInvestigation.objects.select_for_update()
                .filter(pk=investigation_id, person=person)
                .first()
            )
            if row is None:
                raise KycError("record", _("no such KYC record in your group company"))
            for key, value in values.items():
                setattr(row, key, value)
            row.save(update_fields=[*values, "updated_at"])
            action = AuditAction.UPDATE
        audit_record(
            actor=audit_actor,
            action=action,
            person_id=person.pk,
            record=record_key(row),
            categories=[aml_category()],
            purpose=purpose,
            reason="AML investigation recorded",
        )
    return row


# --- Consumer customers: due diligence of a person ------------------------------------------


def person_due_diligence_record(
    *,
    scope: Scope,
    actor: Any,
    person_id: int,
    data: dict[str, Any],
    due_diligence_id: int | None = None,
) -> PersonDueDiligence:
    """Record (or, with `due_diligence_id`, correct) customer due diligence of a consumer
    customer: the person is the customer, so the record is their KYC data."""
    purpose = _purpose(scope)
    values = _due_diligence_values(data)
    audit_actor = actor_of(actor)
    values["decided_by"] = audit_actor.name[:150]
    with transaction.atomic():
        person = _person(scope, person_id)
        if due_diligence_id is None:
            row = PersonDueDiligence.objects.create(person=person, **values)
            action = AuditAction.CREATE
        else:
            row = (
                PersonDueDiligence.objects.select_for_update()
                .filter(pk=due_diligence_id, person=person)
                .first()
            )
            if row is None:
                raise KycError("record", _("no such KYC record in your group company"))
            _update(row, values)
            action = AuditAction.UPDATE
        _audit(
            actor=audit_actor,
            action=action,
            person=person,
            obj=row,
            purpose=purpose,
            reason=f"customer due diligence of a consumer recorded ({values['risk_level']})",
        )
    return row


def person_due_diligence_remove(
    *, scope: Scope, actor: Any, person_id: int, due_diligence_id: int
) -> None:
    """Remove a consumer's due diligence recorded in error (audited)."""
    if not PersonDueDiligence.objects.filter(pk=due_diligence_id, person_id=person_id).exists():
        raise KycError("record", _("no such KYC record in your group company"))
    _remove(scope, actor, PersonDueDiligence, due_diligence_id, "customer due diligence removed")


def aml_investigation_close(
    *, scope: Scope, actor: Any, investigation_id: int, data: dict[str, Any]
) -> AmlInvestigation:
    """Close an open investigation: no grounds for suspicion, or reported to the FIU (with
    the date it was reported). A closed one is not closed again; correct it instead."""
    purpose = _aml_purpose(scope)
    outcome = _choice("outcome", data.get("outcome"), InvestigationOutcome)
    if outcome == InvestigationOutcome.OPEN:
        raise KycError("outcome", _("choose how the investigation ended"))
    reported_on = _date(
        "reported_on", data.get("reported_on"), required=outcome == InvestigationOutcome.REPORTED
    )
    if outcome != InvestigationOutcome.REPORTED:
        reported_on = None
    audit_actor = actor_of(actor)
    with transaction.atomic():
        row = (
            AmlInvestigation.objects.select_for_update()
            .filter(pk=investigation_id, person__controller_id__in=scope.controller_ids)
            .first()
        )
        if row is None:
            raise KycError("record", _("no such KYC record in your group company"))
        person = _person(scope, row.person_id)
        if row.outcome != InvestigationOutcome.OPEN:
            raise KycError("outcome", _("the investigation is already closed"))
        if reported_on is not None and reported_on < row.opened_on:
            raise KycError("reported_on", _("the report is dated before the investigation began"))
        _update(row, {"outcome": outcome, "reported_on": reported_on})
        audit_record(
            actor=audit_actor,
            action=AuditAction.UPDATE,
            person_id=person.pk,
            record=record_key(row),
            categories=[aml_category()],
            purpose=purpose,
            reason="AML investigation closed",
        )
    return row
