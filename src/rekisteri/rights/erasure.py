"""Erasure (Art. 17): a plan first, then one transaction per person.

The plan walks the field map (every PersonalData model, every row of the person) and puts
each row in one of two lists:

- delete: everything the law does not make us keep;
- keep: a row with a data category that the catalogue processes under a legal obligation
  and whose retention rule names a law (billing → accounting acts, kyc / identity_code → AML
  acts, rights → the limitation act), while its retention end is still ahead; and any row
  under a legal hold (an open legal claim, Art. 17(3)(e)). Each kept row carries its reason
  and its end date.
- The person's own fields go the same way: a field of a legally kept category (the
  beneficial-owner flag under the AML acts) that its rule has not made due keeps a
  minimised Person row with that field.

Whether a rule still keeps data, and until when, is the retention evaluation
(retention/evaluation.py: anchors, combined anchors, while-conditions): the same one the
sweep applies in SQL, so the plan never keeps what the sweep would remove or the reverse.

Kept rows are detached from the person where their link to Person is nullable (orders,
invoices and payments keep their snapshot fields and lose the person). A kept row that cannot
be detached (an identity code under the AML act) keeps a minimised Person row: names and
the kept categories only, restricted (Art. 18) until the end date.

Execution, in one transaction: suppression entries (keyed hashes, so marketing never starts
again), generated packages removed, rights requests minimised, rows deleted, kept rows
detached, the Person deleted (its CASCADE children go with it), the ERASURE audit event
written and then the person's audit key destroyed (crypto-shredding of sealed values).
After commit: files no row references are removed, and on SQLite the WAL is checkpointed
and truncated so that no old page survives in the -wal file (secure_delete already zeroes
freed pages in the main file). See docs/erasure.md for PostgreSQL.
"""

from __future__ import annotations

import functools
import hashlib
import json
import logging
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

from django.db import OperationalError, connection, models, transaction
from django.db.models.deletion import (
    CASCADE,
    DO_NOTHING,
    PROTECT,
    RESTRICT,
    SET_NULL,
    ProtectedError,
    RestrictedError,
    get_candidate_relations_to_delete,
)
from django.utils import timezone, translation
from django.utils.translation import gettext_noop

from rekisteri.access.capabilities import Cap
from rekisteri.access.policy import Operation
from rekisteri.access.selectors import Scope, category_of
from rekisteri.audit.models import AuditAction
from rekisteri.audit.services import Actor, audit_key_destroy, audit_record
from rekisteri.audit.work import work_purpose
from rekisteri.backup.ledger import erasure_ledger_append
from rekisteri.catalogue.models import LegalBasis
from rekisteri.catalogue.selectors import catalogue_snapshot, in_language
from rekisteri.common.crypto import keyed_hash
from rekisteri.common.personal import mapped_fields, personal_models
from rekisteri.consent.services import suppression_add
from rekisteri.disclosures.selectors import recipients_to_notify
from rekisteri.interactions.files import orphan_files_remove
from rekisteri.mail.outbox import mail_forget
from rekisteri.register.models import ContactKind, ContactPoint, Person, Provenance, record_key
from rekisteri.retention.evaluation import Evaluation, Memo, category_evaluations
from rekisteri.retention.selectors import legal_holds_for
from rekisteri.rights.models import (
    ObjectionDecision,
    Package,
    RequestSubject,
    Restriction,
    RightsRequest,
)
from rekisteri.rights.selectors import person_check, subject_row_ids_many

log = logging.getLogger(__name__)

#: the category of a person's rights markers (restriction): a kept person keeps it
_RIGHTS_CATEGORY = category_of(Person, "restricted_since")

#: Models this module handles itself rather than by the generic row rule.
_OWN = (Person, RightsRequest, Package, Provenance)
_HANDLED_BY_CASCADE = (RequestSubject, Restriction, ObjectionDecision)


#: Keys per statement when rows are named by key: below every database's limit on bound
#: values (SQLite's SQLITE_MAX_VARIABLE_NUMBER, 999 in old builds; PostgreSQL's 65,535), so
#: that a person with hundreds of thousands of rows in one table is erased like any other.
#: The batches run inside the one transaction: erasure stays all-or-nothing.
KEYS_PER_STATEMENT = 900


#: Why a person whose records the law keeps stays in the register (stored in English in the
#: plan; pages show it in the reader's language: `{% translate item.reason %}`).
NAME_KEPT_REASON = gettext_noop(
    "the person's name is needed for the records kept by law; "
    "processing is restricted (Art. 18) until then"
)


def _batches(keys: list[Any]) -> Iterator[list[Any]]:
    for start in range(0, len(keys), KEYS_PER_STATEMENT):
        yield keys[start : start + KEYS_PER_STATEMENT]


class ErasureBlocked(RuntimeError):
    """Erasure cannot run; the message names models, never personal data.

    `message` is English (a gettext message id) with its values in `params` (models as
    classes): `str()` is the English (models by their labels), `shown()` the message in the
    active language, models by their verbose names, for a page."""

    def __init__(self, message: str, **params: Any) -> None:
        super().__init__(
            message % {k: _english(v) for k, v in params.items()} if params else message
        )
        self.message = message
        self.params = params

    def shown(self) -> str:
        from rekisteri.common.words import in_words

        return in_words(self.message, self.params)


def _english(value: Any) -> str:
    if isinstance(value, (list, tuple)):
        return ", ".join(_english(v) for v in value)
    if isinstance(value, type):
        return value._meta.label  # type: ignore[attr-defined]
    return str(value)


BLOCKED_BY = gettext_noop("Records that protect the person block erasure: %(models)s")


@dataclass
class PlanItem:
    model: str
    record: str
    pk: Any
    categories: list[str]
    reason: str = ""
    legal_reference: str = ""
    until: str | None = None  # ISO date; None: no fixed end yet (e.g. relationship active)
    detach: bool = False
    #: the reason and the law in every language ({fi, sv, en}): the catalogue's own words
    #: for a rule; `reason` and `legal_reference` are their English, for the record
    reason_texts: dict[str, str] = field(default_factory=dict)
    legal_reference_texts: dict[str, str] = field(default_factory=dict)

    def reason_in(self, lang: str) -> str:
        """Why the record is kept, in the language (a catalogue text, or ours translated)."""
        if self.reason_texts:
            return in_language(self.reason_texts, lang)
        with translation.override(lang):
            return translation.gettext(self.reason) if self.reason else ""

    def law_in(self, lang: str) -> str:
        return in_language(self.legal_reference_texts, lang) or self.legal_reference


@dataclass
class ErasurePlan:
    person_id: int
    made_at: str
    delete: list[PlanItem] = field(default_factory=list)
    keep: list[PlanItem] = field(default_factory=list)
    person_kept: bool = False
    person_kept_fields: list[str] = field(default_factory=list)
    holds: list[dict[str, Any]] = field(default_factory=list)
    recipients: list[dict[str, Any]] = field(default_factory=list)
    packages: int = 0
    requests_minimised: int = 0
    suppression: dict[str, int] = field(default_factory=dict)
    #: in English, for the record; `also_kept_texts` has each line {fi, sv, en}
    also_kept: list[str] = field(default_factory=list)
    also_kept_texts: list[dict[str, str]] = field(default_factory=list)

    @property
    def kept_records(self) -> set[str]:
        return {i.record for i in self.keep}

    def fingerprint(self) -> str:
        body = sorted((i.record, "keep") for i in self.keep) + sorted(
            (i.record, "delete") for i in self.delete
        )
        return hashlib.sha256(json.dumps(body, default=str).encode()).hexdigest()

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "fingerprint": self.fingerprint()}


def legally_kept_categories() -> dict[str, tuple[dict[str, str], dict[str, str]]]:
    """category → (legal reference, description), each {fi, sv, en}: kept under a legal
    obligation."""
    snap = catalogue_snapshot()
    out: dict[str, tuple[dict[str, str], dict[str, str]]] = {}
    obligated = {
        c
        for p in snap.purposes.values()
        if LegalBasis.LEGAL_OBLIGATION in p.bases
        for c in p.categories
    }
    for category, rules in snap.retention.items():
        if category not in obligated:
            continue
        for rule in rules:
            if rule.legal_reference:
                out[category] = (dict(rule.legal_reference), dict(rule.description or {}))
    return out


def _person_link(model: type[models.Model]) -> models.ForeignKey | None:
    """The FK that links this model straight to Person, when its subject path is one hop."""
    path = getattr(model, "subject_path", None)
    if not path or "__" in path:
        return None
    f = model._meta.get_field(path)
    if isinstance(f, models.ForeignKey) and f.related_model is Person:
        return f
    return None


def _iso(value: Any) -> str | None:
    return value.isoformat() if isinstance(value, date) else None


LANGS = ("fi", "sv", "en")
KEPT_UNDER = gettext_noop("kept under %(law)s")
HOLD_REASON = gettext_noop("legal hold: %(reason)s")
HOLD_LAW = gettext_noop("GDPR Art. 17(3)(e)")


@dataclass(frozen=True)
class Kept:
    """Why a record is kept: in English for the record, and {fi, sv, en} for the pages."""

    reason: dict[str, str]
    law: dict[str, str]
    until: str | None

    def apply(self, item: PlanItem) -> None:
        item.reason, item.legal_reference = self.reason["en"], self.law["en"]
        item.reason_texts, item.legal_reference_texts = self.reason, self.law
        item.until = self.until


def _in_every_language(message: str, **values: Any) -> dict[str, str]:
    """One of our messages in each language, with values that may differ by language."""
    out = {}
    for lang in LANGS:
        with translation.override(lang):
            words = {k: in_language(v, lang) for k, v in values.items()}
            out[lang] = (
                translation.gettext(message) % words if words else translation.gettext(message)
            )
    return out


def _kept_by_law(
    categories: list[str],
    kept_rules: dict[str, tuple[dict[str, str], dict[str, str]]],
    *,
    person_id: int,
    today: date,
    memo: Memo,
    record: Any = None,
) -> Kept | None:
    """Why and until when, if a rule naming a law still keeps data of these categories (of
    one record, or the person's own fields); None if none does."""
    for category in categories:
        if category not in kept_rules:
            continue
        found: list[Evaluation] = [
            e
            for e in category_evaluations(
                category, person_id=person_id, as_of=today, record=record, memo=memo
            )
            if e.present and e.legal_reference and not e.is_due(today)
        ]
        if not found:
            continue
        ends = [e.end for e in found]
        until = None if any(d is None for d in ends) else max(ends)  # type: ignore[type-var]
        _ref, desc = kept_rules[category]
        law = {
            lang: "; ".join(dict.fromkeys(in_language(e.legal_reference, lang) for e in found))
            for lang in LANGS
        }
        reason = (
            {lang: in_language(desc, lang) for lang in LANGS}
            if desc
            else _in_every_language(KEPT_UNDER, law=law)
        )
        return Kept(reason, law, _iso(until))
    return None


def _person_field_categories(person: Person) -> list[str]:
    """Categories of the Person row's own fields that hold something (not their default)."""
    out = set()
    for f in mapped_fields(Person):
        field_ = Person._meta.get_field(f.name)
        if getattr(person, f.name) not in (field_.get_default(), None, ""):
            out.add(f.category)
    return sorted(out)


def erasure_plan(*, scope: Scope, person: Person, today: date | None = None) -> ErasurePlan:
    """What erasure of this person will delete, and what it keeps, why and until when.

    Only for a person of the user's own group companies (refused otherwise)."""
    person_check(scope, person, Operation.DELETE)
    today = today or timezone.localdate()
    pid = person.pk
    plan = ErasurePlan(person_id=pid, made_at=timezone.now().isoformat())
    kept_rules = legally_kept_categories()
    memo = Memo(pid, today)
    holds = legal_holds_for(person_id=pid)
    plan.holds = [{k: (_iso(v) or v) for k, v in h.items()} for h in holds]
    # A hold on the person, or on an organisation they are linked to, keeps all their data.
    person_hold = next((h for h in holds if h.get("scope") in ("person", "organization")), None)
    held_records = {
        h.get("record") for h in holds if h.get("scope") == "record" and h.get("record")
    }
    must_keep_person = False
    kept_person_categories: set[str] = set()

    walked = [m for m in personal_models() if m not in _OWN and m not in _HANDLED_BY_CASCADE]
    row_ids = subject_row_ids_many(walked, pid)
    for model in walked:
        mapped = mapped_fields(model)
        categories = sorted({f.category for f in mapped})
        link = _person_link(model)
        label = model._meta.label
        pks = row_ids[model]
        if not pks:
            continue
        # Whole rows only where a retention end must be read from them; elsewhere the key.
        if person_hold is None and any(c in kept_rules for c in categories):
            rows: list[tuple[Any, models.Model | None]] = [
                (row.pk, row)
                for batch in _batches(pks)
                for row in model._default_manager.filter(pk__in=batch).order_by("pk")
            ]
        else:
            # No rule reads these rows: their keys are enough (no model instance per row).
            rows = [(pk, None) for pk in pks]
        for pk, row in rows:
            key = f"{label}:{pk}"  # record_key() without the instance
            item = PlanItem(model=label, record=key, pk=pk, categories=categories)
            keep_reason: Kept | None = None
            if person_hold is not None or key in held_records:
                hold = person_hold or next(h for h in holds if h.get("record") == key)
                keep_reason = Kept(
                    _in_every_language(HOLD_REASON, reason=str(hold.get("reason", ""))),
                    _in_every_language(HOLD_LAW),
                    _iso(hold.get("until")),
                )
            else:
                keep_reason = _kept_by_law(
                    categories, kept_rules, person_id=pid, today=today, memo=memo, record=row
                )
            if keep_reason is None:
                plan.delete.append(item)
                continue
            keep_reason.apply(item)
            # Under a hold on the person nothing is detached: the evidence stays whole.
            item.detach = bool(person_hold is None and link is not None and link.null)
            plan.keep.append(item)
            if link is not None and not link.null:
                must_keep_person = True
                kept_person_categories.update(categories)

    # The person's own fields of a legally kept category (the beneficial-owner flag):
    # kept, with the person, while their rule keeps them.
    own: list[tuple[dict[str, str], str | None]] = []
    if person_hold is None:
        for category in _person_field_categories(person):
            kept = _kept_by_law(
                [category], kept_rules, person_id=pid, today=today, memo=memo, record=person
            )
            if kept is not None:
                must_keep_person = True
                kept_person_categories.add(category)
                own.append((kept.law, kept.until))
    if person_hold is not None:
        must_keep_person = True
        kept_person_categories.update(f.category for f in mapped_fields(Person))
    kept_until = [i.until for i in plan.keep] + [u for _r, u in own]
    laws = [i.legal_reference_texts for i in plan.keep] + [r for r, _u in own]
    person_law = {
        lang: ", ".join(sorted({in_language(t, lang) for t in laws if t})) for lang in LANGS
    }
    if must_keep_person:
        kept_fields = [
            f.name
            for f in mapped_fields(Person)
            if f.name in ("first_name", "last_name", "search_name")
            or f.category in kept_person_categories
            or f.category == _RIGHTS_CATEGORY
        ]
        plan.person_kept = True
        plan.person_kept_fields = kept_fields
        plan.keep.append(
            PlanItem(
                model=Person._meta.label,
                record=record_key(person),
                pk=pid,
                categories=sorted(
                    {f.category for f in mapped_fields(Person) if f.name in kept_fields}
                ),
                reason=NAME_KEPT_REASON,
                legal_reference=person_law["en"],
                legal_reference_texts=person_law,
                until=max((u for u in kept_until if u), default=None) if all(kept_until) else None,
            )
        )
    else:
        plan.delete.append(
            PlanItem(
                model=Person._meta.label,
                record=record_key(person),
                pk=pid,
                categories=sorted({f.category for f in mapped_fields(Person)}),
            )
        )
    plan.recipients = recipients_to_notify(person_id=pid)
    plan.packages = Package.objects.filter(persons=pid).count()
    plan.requests_minimised = (
        RightsRequest.objects.filter(subjects__person_id=pid).distinct().count()
    )
    kinds = ContactPoint.objects.filter(
        person_id=pid, kind__in=[ContactKind.EMAIL, ContactKind.PHONE]
    ).values_list("kind", flat=True)
    plan.suppression = {
        "email": sum(1 for k in kinds if k == ContactKind.EMAIL),
        "phone": sum(1 for k in kinds if k == ContactKind.PHONE),
    }
    plan.also_kept_texts = [
        _in_every_language(ALSO_KEPT_AUDIT),
        _in_every_language(ALSO_KEPT_SUPPRESSION),
        _requests_kept(),
    ]
    plan.also_kept = [t["en"] for t in plan.also_kept_texts]
    return plan


ALSO_KEPT_AUDIT = gettext_noop(
    "audit trail events: no personal data in clear; sealed values become unreadable "
    "when the person's audit key is destroyed"
)
ALSO_KEPT_SUPPRESSION = gettext_noop(
    "suppression list: a keyed hash of the email address and phone number, so that "
    "marketing never starts again (Art. 21(3))"
)
REQUESTS_KEPT = gettext_noop("the rights requests themselves, without contact details")


def _requests_kept() -> dict[str, str]:
    """What the plan says of the requests kept as proof, {fi, sv, en}: the catalogue's own
    rule for their category, with the law it names (a Swedish company's catalogue names
    Swedish law)."""
    from rekisteri.rights.models import RightsRequest
    from rekisteri.rights.report import retention_words

    snap = catalogue_snapshot()
    categories = sorted({f.category for f in mapped_fields(RightsRequest)})
    rules = [r for c in categories for r in snap.retention.get(c, [])]
    texts = _in_every_language(REQUESTS_KEPT)
    if not rules:
        return texts
    rule = rules[0]
    out = {}
    for lang in LANGS:
        with translation.override(lang):
            kept = retention_words(rule, lang).rstrip(".")
        law = rule.law(lang)
        out[lang] = f"{texts[lang]}: {kept}" + (f" ({law})" if law else "")
    return out


@dataclass
class ErasureResult:
    person_id: int
    deleted: dict[str, int]
    kept: int
    detached: int
    person_kept: bool
    recipients: list[dict[str, Any]]
    packages_removed: int


def _minimise_requests(pid: int, now: Any) -> int:
    count = 0
    for r in RightsRequest.objects.filter(subjects__person_id=pid).distinct():
        email = (r.requester_email or "").strip().lower()
        r.email_hash = r.email_hash or (keyed_hash(email, purpose="rights-email") if email else "")
        for name in (
            "requester_name",
            "requester_email",
            "requester_phone",
            "requester_address",
            "details",
            "verification_note",
            "refusal_text",
            "outcome",
            "extension_reason",
        ):
            setattr(r, name, "")
        r.changes = {}
        r.erased_at = now
        r.save(
            update_fields=[
                "email_hash",
                "requester_name",
                "requester_email",
                "requester_phone",
                "requester_address",
                "details",
                "verification_note",
                "refusal_text",
                "outcome",
                "extension_reason",
                "changes",
                "erased_at",
                "updated_at",
            ]
        )
        count += 1
    return count


def _model_by_label(label: str) -> type[models.Model]:
    from django.apps import apps

    return apps.get_model(label)


@functools.cache
def _plan_covered_links() -> frozenset[tuple[type[models.Model], str]]:
    """(model, FK name) of the models whose rows of the person the plan lists one by one
    through that link: after the plan's deletes and detaches none of them still points at
    the person through it."""
    out = set()
    for m in personal_models():
        if m in _OWN or m in _HANDLED_BY_CASCADE:
            continue
        link = _person_link(m)
        if link is not None:
            out.add((m, link.name))
    return frozenset(out)


def _person_delete(person: Person) -> None:
    """Delete the Person row once the plan has emptied or detached its rows.

    The ORM's collector would look at every table that refers to Person again (a SELECT or a
    "fast delete" each, about 30 statements) although the plan's rows are already gone. Here
    only the relations the plan does not cover are handled (rights requests' subjects,
    restrictions, objection decisions, provenance, package links…), each by its own rule;
    a PROTECT or RESTRICT referrer still blocks. Deferred foreign keys make the commit fail,
    rather than leave a dangling row, should anything still refer to the person.
    """
    covered = _plan_covered_links()
    pid = person.pk
    for rel in get_candidate_relations_to_delete(Person._meta):
        model = rel.related_model
        if (model, rel.field.name) in covered:
            continue
        qs = model._base_manager.filter(**{rel.field.name: pid})
        on_delete = rel.on_delete
        if on_delete is CASCADE:
            qs.delete()
        elif on_delete is SET_NULL:
            qs.update(**{rel.field.name: None})
        elif on_delete in (PROTECT, RESTRICT):
            if qs.exists():
                raise ErasureBlocked(BLOCKED_BY, models=[model])
        elif on_delete is not DO_NOTHING:
            # SET_DEFAULT, SET(...): not used today; the collector knows how.
            person.delete()
            return
    Person._base_manager.filter(pk=pid)._raw_delete(Person._base_manager.db)


def _minimise_person(person: Person, plan: ErasurePlan, actor: Actor, now: Any) -> None:
    keep = set(plan.person_kept_fields)
    changed = []
    for f in mapped_fields(Person):
        if f.name in keep:
            continue
        model_field = Person._meta.get_field(f.name)
        default = model_field.get_default()
        if getattr(person, f.name) != default:
            setattr(person, f.name, default)
            changed.append(f.name)
    until = next((i.until for i in plan.keep if i.record == record_key(person)), None)
    person.restricted_since = now
    person.restriction_ground = "erasure: kept only as the law requires"
    changed += ["restricted_since", "restriction_ground"]
    person.save(update_fields=sorted(set(changed)) + ["updated_at"])
    Restriction.objects.filter(person=person, lifted_at__isnull=True).update(
        lifted_at=now, lifted_by=actor.name
    )
    Restriction.objects.create(
        person=person,
        ground="erasure: kept only as the law requires",
        until=date.fromisoformat(until) if until else None,
        set_at=now,
        set_by=actor.name,
    )
    kept = plan.kept_records
    gone = [
        pk
        for pk, record in Provenance.objects.filter(person=person).values_list("pk", "record")
        if record not in kept
    ]
    for batch in _batches(gone):
        Provenance.objects.filter(pk__in=batch).delete()
    # The person is restricted from now on, which is stronger than any objection decision.
    ObjectionDecision.objects.filter(person=person).delete()


def wal_checkpoint() -> bool:
    """SQLite: copy the WAL into the database file and truncate it, so that no page with
    erased values stays in the -wal file. Returns False when it could not run now (another
    connection reading, or inside a transaction); SQLite's own checkpoints follow later."""
    if connection.vendor != "sqlite" or connection.in_atomic_block:
        return False
    try:
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            busy = cursor.fetchone()
    except OperationalError:
        log.warning("WAL checkpoint after erasure could not run now")
        return False
    return bool(busy) and busy[0] == 0


def _after_commit() -> None:
    orphan_files_remove()
    wal_checkpoint()


def erasure_execute(
    *, scope: Scope, actor: Actor, person: Person, plan: ErasurePlan | None = None
) -> ErasureResult:
    """Erase one person in one transaction, as the plan says (re-checked inside).

    Only a person of the user's own group companies: checked again here, under the row
    lock, whatever the caller checked before."""
    purpose = work_purpose(scope, Cap.HANDLE_RIGHTS_REQUESTS)
    with transaction.atomic():
        person = Person.objects.select_for_update().get(pk=person.pk)
        pid = person.pk
        fresh = erasure_plan(scope=scope, person=person)
        if plan is not None and plan.fingerprint() != fresh.fingerprint():
            raise ErasureBlocked(
                gettext_noop(
                    "The person's data changed after the plan was made; review the new plan."
                )
            )
        plan = fresh
        now = timezone.now()
        # Mail to or about the person: the outbox's rows now, its files after commit.
        mail_forget(
            person=person,
            addresses=RightsRequest.objects.filter(subjects__person_id=pid).values_list(
                "requester_email", flat=True
            ),
        )
        # The fresh plan was made in this transaction, under the person's row lock: where it
        # counted none (contact points, packages, requests), there is nothing to look up again.
        contacts = (
            list(
                ContactPoint.objects.filter(
                    person_id=pid, kind__in=[ContactKind.EMAIL, ContactKind.PHONE]
                ).values_list("kind", "value")
            )
            if any(plan.suppression.values())
            else []
        )
        for kind, value in contacts:
            suppression_add(
                scope=scope,
                actor=actor,
                email=value if kind == ContactKind.EMAIL else None,
                phone=value if kind == ContactKind.PHONE else None,
                reason="erasure",
            )
        from rekisteri.rights.packages import packages_delete

        packages_removed = (
            packages_delete(list(Package.objects.filter(persons=pid))) if plan.packages else 0
        )
        if plan.requests_minimised:
            _minimise_requests(pid, now)

        deleted: dict[str, int] = {}
        # One delete per model (the collector finds the rows' dependants once for all of
        # them), in the plan's model order.
        by_model: dict[str, list[Any]] = {}
        for item in plan.delete:
            if item.record != record_key(person):
                by_model.setdefault(item.model, []).append(item.pk)
        for label, pks in by_model.items():
            manager = _model_by_label(label)._default_manager
            for batch in _batches(pks):
                _, per_model = manager.filter(pk__in=batch).delete()
                if per_model.get(label):
                    deleted[label] = deleted.get(label, 0) + per_model[label]
        detached = 0
        to_detach: dict[str, list[Any]] = {}
        for item in plan.keep:
            if item.detach:
                to_detach.setdefault(item.model, []).append(item.pk)
        for label, pks in to_detach.items():
            model = _model_by_label(label)
            link = _person_link(model)
            assert link is not None
            for batch in _batches(pks):
                detached += model._default_manager.filter(pk__in=batch).update(**{link.name: None})
        if plan.person_kept:
            _minimise_person(person, plan, actor, now)
        else:
            try:
                _person_delete(person)
            except (ProtectedError, RestrictedError) as exc:
                kinds = {type(o) for o in exc.protected_objects}  # type: ignore[attr-defined]
                kinds_sorted = sorted(kinds, key=lambda m: m._meta.label)
                raise ErasureBlocked(BLOCKED_BY, models=kinds_sorted) from exc
            deleted[Person._meta.label] = 1
        erasure_ledger_append(person_id=pid, contacts=contacts, at=now)
        audit_record(
            actor=actor,
            action=AuditAction.ERASURE,
            person_id=pid,
            record=f"register.Person:{pid}",
            purpose=purpose,
            reason="erasure (Art. 17)",
            detail={
                "deleted": deleted,
                "kept": len(plan.keep),
                "detached": detached,
                "person_kept": plan.person_kept,
                "packages_removed": packages_removed,
                "recipients": [r.get("recipient") or r.get("code") for r in plan.recipients],
            },
        )
        audit_key_destroy(person_id=pid, controller_id=person.controller_id)
        transaction.on_commit(_after_commit)
    return ErasureResult(
        person_id=pid,
        deleted=deleted,
        kept=len(plan.keep),
        detached=detached,
        person_kept=plan.person_kept,
        recipients=plan.recipients,
        packages_removed=packages_removed,
    )
