"""The retention sweep: delete or anonymise what the catalogue's rules make due.

Design, after Zulip's zerver/lib/retention.py:

- Each rule is applied to each of its models in chunks of CHUNK rows. The chunks are
  planned once per rule and model: the database numbers the due ids in id order and returns
  every CHUNK-th one and the last (_boundaries), so a chunk is the window `last < id <= hi`;
  a rule and model with nothing due gets no chunk.
- A chunk is one transaction, and it applies the whole due condition (anchor, legal holds,
  Art. 18 restriction) to its window again: a row that gained a hold or a restriction after
  the chunks were planned is not touched. A model without children or files is then deleted
  or anonymised with one statement `due AND last < id <= hi`. Otherwise the chunk's due ids
  are written by the database into a temporary table (INSERT … SELECT, no id goes through
  Python) and the statements for the children, the files and the rows use that table, so
  the condition is evaluated once per chunk. No ORM object is loaded per row (except
  persons, which go through the ORM's cascade).
- The SweepRun row's counts are updated in the same transaction as the chunk, so what the
  database says was removed is exactly what was removed, even if the process is killed.
- Files are removed only after the chunk that dropped their rows has committed
  (interactions.files.orphan_files_remove); a sweep killed between the commit and the
  unlink leaves an unreferenced StoredFile that the next sweep removes first.
- Re-running is always safe: what is gone is no longer due; what remains is selected again.
  A run that was killed is closed by the next one and audited then.
- The audit trail gets one event per sweep with the counts per rule, no personal data.
- Layers (docs/layers.md): this module is retention's work, above rights (it deletes the
  generated packages of the persons it deletes); the rules it applies (engine, selectors)
  sit below rights, which reads retention ends and holds from them.
- The sweep is background work: it runs only under a system scope (audit.work.system_scope),
  opened with its reason by `rekisteri retention sweep`. Legal holds are placed and released
  by a user under their own scope, on their own group companies' data only.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db import connection, models, router, transaction
from django.db.models import F
from django.db.models.expressions import RawSQL
from django.utils import timezone
from django.utils.translation import gettext as _

from rekisteri.access.capabilities import Cap
from rekisteri.access.policy import ProcessingRefused
from rekisteri.access.selectors import Scope, category_of
from rekisteri.audit.models import AuditAction
from rekisteri.audit.services import Actor, audit_keys_destroy, audit_record
from rekisteri.audit.work import work_purpose
from rekisteri.interactions.files import orphan_files_remove, stray_files_remove
from rekisteri.register.models import Affiliation, Organization, Person
from rekisteri.retention import engine
from rekisteri.retention.models import HoldScope, LegalHold, SweepRun, SweepStatus
from rekisteri.rights.models import Package
from rekisteri.rights.packages import packages_delete, packages_purge_expired

CHUNK = 20000
#: the actor name of the sweep (audit.selectors shows it to a person as what it is)
SWEEP_ACTOR = "retention"


@dataclass
class SweepResult:
    run: SweepRun | None
    as_of: date
    counts: dict[str, dict[str, int]] = field(default_factory=dict)
    files_removed: int = 0
    dry_run: bool = False

    @property
    def total(self) -> int:
        return sum(sum(v.values()) for v in self.counts.values())


@functools.cache
def _children(model: type[models.Model]) -> tuple[tuple[type[models.Model], str, Any], ...]:
    out = []
    for rel in model._meta.get_fields(include_hidden=True):
        if rel.auto_created and not rel.concrete and (rel.one_to_many or rel.one_to_one):
            out.append((rel.related_model, rel.field.name, rel.on_delete))
    return tuple(out)


@functools.cache
def _has_files(model: type[models.Model], _seen: frozenset[str] = frozenset()) -> bool:
    """Whether rows of `model`, or of the children that cascade from them, can hold files:
    decided once per model from the schema, so targets without any skip the file queries."""
    if engine.file_fields(model):
        return True
    seen = _seen | {model._meta.label}
    return any(
        on_delete is models.CASCADE and child._meta.label not in seen and _has_files(child, seen)
        for child, _fk, on_delete in _children(model)
    )


def _collect_files(model: type[models.Model], qs: models.QuerySet, files: set[int]) -> None:
    for name in engine.file_fields(model):
        files.update(qs.filter(**{f"{name}__isnull": False}).values_list(name, flat=True))
    for child, fk, on_delete in _children(model):
        if on_delete is models.CASCADE and _has_files(child):
            _collect_files(
                child, child._default_manager.filter(**{f"{fk}__in": qs.values("pk")}), files
            )


def _delete(model: type[models.Model], qs: models.QuerySet) -> int:
    """Delete the rows of `qs` and what cascades from them, set-based, children first."""
    for child, fk, on_delete in _children(model):
        child_qs = child._default_manager.filter(**{f"{fk}__in": qs.values("pk")})
        if on_delete is models.CASCADE:
            _delete(child, child_qs)
        elif on_delete is models.SET_NULL:
            child_qs.update(**{fk: None})
        elif on_delete is models.DO_NOTHING:
            continue
        elif child_qs.exists():
            raise models.ProtectedError(
                f"{child._meta.label} protects {model._meta.label} rows that are due", set()
            )
    return qs._raw_delete(router.db_for_write(model))


def _delete_persons(ids: list[int]) -> int:
    """Delete whole persons with the ORM's cascade: what goes with them goes, business
    documents detach (SET_NULL, their snapshot fields stay); then destroy each person's
    audit key, so the audit trail keeps only the pseudonymous person id."""
    if not ids:
        return 0
    # Generated access and portability packages hold the person's data: they go with the
    # person (rows now, files after commit), as in erasure (DESIGN: "purged with the person").
    packages_delete(list(Package.objects.filter(persons__in=ids).distinct()))
    companies = dict(Person.objects.filter(pk__in=ids).values_list("pk", "controller_id"))
    Person.objects.filter(pk__in=ids).delete()
    audit_keys_destroy(companies)
    return len(ids)


def _anonymise(model: type[models.Model], qs: models.QuerySet, now: Any) -> int:
    for child, fk, on_delete in _children(model):
        if on_delete is models.CASCADE:
            child_qs = child._default_manager.filter(**{f"{fk}__in": qs.values("pk")})
            _anonymise(child, child_qs, now)
    values = engine.blank_values(model)
    if engine._has_field(model, "anonymised_at"):
        values["anonymised_at"] = now
    if not values:
        return 0
    # One UPDATE … WHERE <due condition>: the database evaluates the condition on the rows as
    # they were before the statement, so blanking columns it reads (person, anonymised_at)
    # cannot change which rows it selects. (Reading the ids into Python first and sending
    # them back as parameters took 40 % of a sweep.)
    return qs.update(**values)


def _needs_ids(target: engine.Target) -> bool:
    """Whether a chunk must read its due ids first: the person goes through the ORM's
    cascade, affiliations record their ends first, and a row with children or files is
    used by several statements. Otherwise one statement with the due condition does it."""
    model = target.model
    if model is Person or model is Affiliation or _has_files(model):
        return True
    return any(on_delete is not models.DO_NOTHING for _c, _fk, on_delete in _children(model))


def _boundaries(due: models.QuerySet, chunk: int) -> list[int]:
    """The upper id of each chunk of the rows due now: every chunk-th due id in id order,
    and the last due id, which closes the last, partial chunk; numbered by the database in
    one pass (no id travels to Python). Nothing due: no chunk at all (a rule under which
    nothing is due, such as an ended relationship in a register of open ones, used to get
    one chunk over the whole table that applied its whole condition again)."""
    sql, params = due.order_by().values("pk").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT b.pk FROM (SELECT q.pk AS pk, ROW_NUMBER() OVER (ORDER BY q.pk) AS rn, "  # noqa: S608 - the ORM's own SQL
            f"COUNT(*) OVER () AS n FROM ({sql}) q) b "
            f"WHERE b.rn %% {int(chunk)} = 0 OR b.rn = b.n ORDER BY b.pk",
            params,
        )
        return [row[0] for row in cursor.fetchall()]


#: The ids of the chunk being swept, written by the database itself (INSERT … SELECT with the
#: due condition), so the statements of the chunk use them without evaluating the condition
#: again and without sending each id back as a parameter.
CHUNK_TABLE = "retention_sweep_chunk"


def _chunk_ids(window: models.QuerySet) -> tuple[int, models.QuerySet]:
    """Write the due ids of `window` to the chunk table (in the chunk's transaction) and
    return their number and a queryset of those rows."""
    sql, params = window.order_by().values("pk").query.sql_with_params()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                f"CREATE TEMPORARY TABLE IF NOT EXISTS {CHUNK_TABLE} (id bigint PRIMARY KEY) "
                "ON COMMIT DELETE ROWS"
            )
        else:
            cursor.execute(
                f"CREATE TEMPORARY TABLE IF NOT EXISTS {CHUNK_TABLE} (id integer PRIMARY KEY)"
            )
        cursor.execute(f"DELETE FROM {CHUNK_TABLE}")  # noqa: S608 - a constant
        cursor.execute(f"INSERT INTO {CHUNK_TABLE} (id) {sql}", params)
        n = cursor.rowcount
    rows = window.model._default_manager.filter(
        pk__in=RawSQL(f"SELECT id FROM {CHUNK_TABLE}", [])  # noqa: S608, S611 - a constant
    )
    return n, rows


def _file_counter(run: SweepRun | None) -> Callable[[], None] | None:
    if run is None:
        return None
    run_id = run.pk

    def count() -> None:
        SweepRun.objects.filter(pk=run_id).update(files_removed=F("files_removed") + 1)

    return count


def _apply_target(
    target: engine.Target,
    *,
    as_of: date,
    run: SweepRun | None,
    chunk: int,
    progress: Any,
    after_chunk: Callable[[engine.Target, int], None] | None,
) -> int:
    model = target.model
    verb = "anonymised" if target.anonymise else "deleted"
    total = 0
    last = 0
    # Built once; each use runs it again, so the condition is re-checked in every chunk.
    due = engine.due_rows(target, as_of)
    needs_ids = _needs_ids(target)
    files_possible = _has_files(model)
    for hi in _boundaries(due, chunk):
        files: set[int] = set()
        with transaction.atomic():
            # The rows of this window that are due now, in this transaction: a row that
            # gained a legal hold or a restriction since the boundaries were read stays.
            window = due.filter(pk__gt=last, pk__lte=hi)
            if needs_ids:
                found, rows = _chunk_ids(window)
            else:
                found, rows = -1, window
            if found == 0:
                n = 0
            else:
                if files_possible:
                    _collect_files(model, rows, files)
                if target.anonymise:
                    n = _anonymise(model, rows, timezone.now())
                elif model is Person:
                    n = _delete_persons(list(rows.values_list("pk", flat=True)))
                else:
                    if model is Affiliation:
                        engine.record_link_ends(rows)
                    n = _delete(model, rows)
            if run is not None and n:
                counts = run.counts
                rule = counts.setdefault(target.rule_code, {})
                rule[verb] = rule.get(verb, 0) + n
                by_model = counts.setdefault("_by_model", {})
                by_model[target.label] = by_model.get(target.label, 0) + n
                run.save(update_fields=["counts"])
        last = hi
        total += n
        if files:
            # Counted file by file, in the transaction that deletes each file's row: a sweep
            # killed half-way reports the files it did remove.
            removed = orphan_files_remove(ids=files, on_removed=_file_counter(run))
            if run is not None:
                run.files_removed += removed
        if progress is not None:
            progress.update(n)
        if after_chunk is not None:
            after_chunk(target, n)
    return total


def _close_interrupted(*, scope: Scope) -> None:
    """A run killed mid-way: mark it failed and audit what it had removed."""
    for run in SweepRun.objects.filter(status=SweepStatus.RUNNING):
        with transaction.atomic():
            run.status = SweepStatus.FAILED
            run.finished_at = timezone.now()
            run.error = run.error or "interrupted"
            run.save(update_fields=["status", "finished_at", "error"])
            _audit(scope=scope, run=run, interrupted=True)


def _audit(*, scope: Scope, run: SweepRun, interrupted: bool = False) -> None:
    counts = {k: v for k, v in run.counts.items() if not k.startswith("_")}
    audit_record(
        actor=Actor(scope.username),
        action=AuditAction.RETENTION,
        record=f"retention.SweepRun:{run.pk}",
        categories=sorted(_categories_of(counts)),
        # Storage limitation (Art. 5(1)(e)) is no purpose of the catalogue's: none is named.
        reason="retention sweep interrupted" if interrupted else "retention sweep",
        detail={
            "system_work": scope.system_reason,
            "run": run.pk,
            "as_of": run.as_of.isoformat(),
            "status": run.status,
            "counts": counts,
            "by_model": run.counts.get("_by_model", {}),
            "files_removed": run.files_removed,
        },
    )


def _categories_of(counts: dict[str, Any]) -> set[str]:
    from rekisteri.catalogue.selectors import catalogue_snapshot

    snap = catalogue_snapshot()
    out = set()
    for rules in snap.retention.values():
        for rule in rules:
            if rule.code in counts:
                out.add(rule.category.code)
    return out


class SweepRefused(ValueError):
    """The sweep cannot run as asked; the message says why (no data was touched)."""


def _today() -> date:
    return timezone.localdate()


def sweep_as_of_check(as_of: date | None) -> date:
    """The day to sweep as of: today or earlier. Deleting data before its rule is due
    cannot be undone, so a later day is refused (plan and verify may look ahead)."""
    today = _today()
    as_of = as_of or today
    if as_of > today:
        raise SweepRefused(
            _(
                "A sweep cannot run as of a future day (%(day)s): it would delete data before "
                "its retention rule is due, and that cannot be undone. Use `retention plan "
                "--as-of` to see what will fall due."
            )
            % {"day": as_of.isoformat()}
        )
    return as_of


@engine.with_anti_join_memory
def retention_sweep(
    *,
    scope: Scope,
    as_of: date | None = None,
    dry_run: bool = False,
    chunk: int = CHUNK,
    progress_factory: Callable[[int, str], Any] | None = None,
    after_chunk: Callable[[engine.Target, int], None] | None = None,
) -> SweepResult:
    """Apply every retention rule as of `as_of` (today by default, never a later day).

    `scope` must be a system scope (audit.work.system_scope): the sweep is background work
    over every group company, and its reason goes into the audit trail.
    `progress_factory(total, description)` returns a tqdm-like object (update(n), close()).
    `after_chunk(target, n)` is called after each committed chunk (tests kill the sweep there).
    """
    if not scope.is_system:
        raise ProcessingRefused(
            _("The retention sweep runs as background work, not as a user."), code="system"
        )
    as_of = sweep_as_of_check(as_of)
    all_targets, _unapplied = engine.targets()
    if dry_run:
        from rekisteri.retention.selectors import retention_plan

        plan = retention_plan(as_of=as_of, horizon_days=0)
        result = SweepResult(run=None, as_of=as_of, dry_run=True)
        for line in plan.lines:
            if line.due_now:
                verb = "anonymised" if line.action == "anonymise" else "deleted"
                rule = result.counts.setdefault(line.rule_code, {})
                rule[verb] = rule.get(verb, 0) + line.due_now
        return result

    _close_interrupted(scope=scope)
    # Left over by a run killed between a commit and its file removal.
    leftover_files = orphan_files_remove() + stray_files_remove()
    # Expired access packages (30 days) are personal data past their purpose too.
    packages_purge_expired()
    run = SweepRun.objects.create(
        as_of=as_of,
        status=SweepStatus.RUNNING,
        actor=scope.username,
        counts={},
        files_removed=leftover_files,
    )
    result = SweepResult(run=run, as_of=as_of)
    progress = None
    if progress_factory is not None:
        expected = sum(engine.due_rows(t, as_of).count() for t in all_targets)
        progress = progress_factory(expected, "retention sweep")
    try:
        for target in all_targets:
            _apply_target(
                target,
                as_of=as_of,
                run=run,
                chunk=chunk,
                progress=progress,
                after_chunk=after_chunk,
            )
    except BaseException as exc:
        run.refresh_from_db()
        run.status = SweepStatus.FAILED
        run.finished_at = timezone.now()
        run.error = type(exc).__name__[:255]
        run.save(update_fields=["status", "finished_at", "error"])
        with transaction.atomic():
            _audit(scope=scope, run=run, interrupted=True)
        raise
    finally:
        if progress is not None:
            progress.close()
    run.refresh_from_db()
    with transaction.atomic():
        run.status = SweepStatus.DONE
        run.finished_at = timezone.now()
        run.save(update_fields=["status", "finished_at"])
        _audit(scope=scope, run=run)
    result.counts = {k: v for k, v in run.counts.items() if not k.startswith("_")}
    result.files_removed = run.files_removed
    return result


# --- legal holds -------------------------------------------------------------------------


#: the data category of a hold's reason (a dispute with the person is their data)
HOLD_REASON_CATEGORY = category_of(LegalHold, "reason")


class HoldError(ValueError):
    """A legal hold cannot be placed as asked; the message names the input."""


def _not_ours() -> HoldError:
    # The same words for another company's record and for one that does not exist.
    return HoldError(_("target: no such record in the register of your group company"))


def _record_controller(record: str) -> tuple[str, int, int | None]:
    """(model label, id, the controller of its person or its own) of "app.Model:pk"."""
    from django.apps import apps

    label, _sep, pk = record.partition(":")
    if not pk.isdigit():
        raise HoldError(_("target: a record is named like interactions.Invoice:12"))
    try:
        model = apps.get_model(label)
    except (LookupError, ValueError) as exc:
        raise _not_ours() from exc
    path = getattr(model, "subject_path", None)
    if path is not None:
        field = f"{path}__controller_id" if path else "controller_id"
    elif any(f.name == "controller" for f in model._meta.concrete_fields):
        field = "controller_id"
    else:
        raise _not_ours()
    controller_id = model._default_manager.filter(pk=int(pk)).values_list(field, flat=True).first()
    return model._meta.label, int(pk), controller_id


@transaction.atomic
def legal_hold_place(
    *,
    scope: Scope,
    actor: Actor,
    reason: str,
    controller: Any = None,
    person: Person | None = None,
    organization: Organization | None = None,
    record: str = "",
    until: date | None = None,
) -> LegalHold:
    """Place a hold on a person, an organisation or one record of the user's own group
    companies (another company's target is refused as if it did not exist)."""
    purpose = work_purpose(scope, Cap.MANAGE_LEGAL_HOLDS)
    if not (reason or "").strip():
        raise HoldError(_("reason: is required"))
    record_model, record_id = "", None
    if person is not None:
        kind = HoldScope.PERSON
        owner = person.controller_id
    elif organization is not None:
        kind = HoldScope.ORGANIZATION
        owner = organization.controller_id
    elif record:
        kind = HoldScope.RECORD
        record_model, record_id, owner = _record_controller(record)
    else:
        raise HoldError(_("target: a legal hold needs a person, an organisation or a record"))
    if owner not in scope.controller_ids:
        raise _not_ours()
    if controller is not None and controller.pk != owner:
        raise _not_ours()
    hold = LegalHold.objects.create(
        controller_id=owner,
        scope=kind,
        person=person,
        organization=organization,
        record_model=record_model,
        record_id=record_id,
        reason=reason,
        until=until,
        created_by=actor.name,
    )
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        person_id=person.pk if person is not None else None,
        record=f"retention.LegalHold:{hold.pk}",
        categories=[HOLD_REASON_CATEGORY] if person is not None else [],
        purpose=purpose,
        reason="legal hold placed",
        detail={"scope": kind, "until": until.isoformat() if until else None},
        sealed={"reason": reason} if person is not None else None,
    )
    return hold


def legal_hold_get(*, scope: Scope, hold_id: int) -> LegalHold:
    """An active hold of the user's own group companies (404 otherwise, as if none)."""
    from django.http import Http404

    hold = LegalHold.objects.filter(
        pk=hold_id, controller_id__in=scope.controller_ids, released_at__isnull=True
    ).first()
    if hold is None or not scope.can(Cap.MANAGE_LEGAL_HOLDS):
        raise Http404("no such legal hold")
    return hold


@transaction.atomic
def legal_hold_release(*, scope: Scope, actor: Actor, hold: LegalHold) -> LegalHold:
    """Release a hold of the user's own group companies (checked again here)."""
    purpose = work_purpose(scope, Cap.MANAGE_LEGAL_HOLDS)
    hold = LegalHold.objects.select_for_update().get(pk=hold.pk)
    if hold.controller_id not in scope.controller_ids or hold.released_at is not None:
        raise ProcessingRefused(_("No such legal hold in your group company."), code="controller")
    hold.released_at = timezone.now()
    hold.released_by = actor.name
    hold.save(update_fields=["released_at", "released_by"])
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        person_id=hold.person_id,
        record=f"retention.LegalHold:{hold.pk}",
        purpose=purpose,
        reason="legal hold released",
        detail={"scope": hold.scope},
    )
    return hold


def latest_run() -> SweepRun | None:
    return (
        SweepRun.objects.exclude(status=SweepStatus.DRY_RUN).order_by("-started_at", "-id").first()
    )
