"""Screening the register against the current sanctions and PEP list versions, and
deciding the hits: the only writers of screening hits.

- **When.** A person is screened when created (staff page, API), imported, or when their
  name, nationality or identity code (their birth date) changes; an organisation when
  created, imported, or when its name or country changes. The register's and the import's
  services queue the job `screening-subjects` in their own transaction (a rolled-back write
  queues nothing); the worker runs it (`screen_subjects`). Everyone is screened again when
  a current list version changes: `rekisteri screening run` and the worker's scheduled job
  compare `watchlists.selectors.lists_fingerprint()` with the last run's (`rescreen`).
- **What a screening writes.** For each candidate the matcher returns: a new open hit, or
  the open hit updated, or nothing when a decided hit of the same list entry has the same
  fingerprints (the decision stands: models.py). An open hit whose entry no longer matches
  is withdrawn. Every hit opened, decided or withdrawn is one audit event with the
  screening category and the purpose that covers customer due diligence; each batch of
  subjects screened is one event naming the persons whose data was read.
- **Who.** Everything needs `Cap.SCREEN_CUSTOMERS` through a purpose covering the screening
  category; background work runs under a system scope holding only that capability. A
  restricted person (Art. 18) is not screened and cannot be decided on.
- Bad input raises `ScreeningError` naming the field; nothing is half-written.
"""

from __future__ import annotations

import hashlib
import json
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from rekisteri.access.capabilities import Cap
from rekisteri.access.policy import Operation, check_processing
from rekisteri.access.selectors import Scope, category_of
from rekisteri.audit.models import AuditAction
from rekisteri.audit.services import actor_of, audit_record
from rekisteri.audit.work import work_purpose
from rekisteri.catalogue.selectors import catalogue_snapshot
from rekisteri.register.models import IdentityCode, Organization, Person, record_key
from rekisteri.screening.models import (
    DECISIONS,
    Hit,
    HitStatus,
    OrganisationHit,
    PersonHit,
    ScreeningRun,
    SubjectKind,
)
from rekisteri.screening.subjects import (
    birth_dates,
    organisation_subject,
    person_subject,
    subject_fingerprint,
)
from rekisteri.watchlists.matching import Candidate, Subject, match_many
from rekisteri.watchlists.models import ListEntity
from rekisteri.watchlists.selectors import lists_fingerprint

#: subjects screened per transaction (and per audit event)
BATCH = 1000
MAX_REASON = 1000


class ScreeningError(ValueError):
    """Bad input; `field` names the input that is wrong."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


def screening_category() -> str:
    """The screening data category, from the field map."""
    return category_of(PersonHit, "status")


def screening_on() -> bool:
    """Whether the loaded catalogue has a purpose covering customer screening."""
    return bool(catalogue_snapshot().purposes_with_capability(Cap.SCREEN_CUSTOMERS))


def _purpose(scope: Scope) -> str:
    return work_purpose(scope, Cap.SCREEN_CUSTOMERS, [screening_category()])


@dataclass
class Outcome:
    """What a screening did, in counts (no personal data)."""

    persons: int = 0
    organisations: int = 0
    opened: int = 0
    updated: int = 0
    withdrawn: int = 0
    kept_decisions: int = 0
    hits: list[Hit] = field(default_factory=list)

    def add(self, other: Outcome) -> None:
        for name in ("persons", "organisations", "opened", "updated", "withdrawn"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.kept_decisions += other.kept_decisions
        self.hits += other.hits


def entry_fingerprints(candidates: Iterable[Candidate]) -> dict[int, str]:
    """A hash of each candidate's list entry as the list holds it (its list, key, kind, main
    name, every name, birth dates and countries), by the entry's id: when the entry changes
    in a new list version, a decided hit of it is asked again."""
    by_id = {c.entity_id: c for c in candidates}
    out: dict[int, str] = {}
    rows = ListEntity.objects.filter(pk__in=list(by_id)).values_list(
        "pk", "schema", "caption", "names", "birth_dates", "countries"
    )
    for pk, schema, caption, names, born, countries in rows:
        c = by_id[pk]
        data = {
            "list": c.list_name,
            "key": c.entity_key,
            "schema": schema,
            "caption": caption,
            "names": sorted(names or []),
            "birth_dates": sorted(born or []),
            "countries": sorted(countries or []),
        }
        out[pk] = hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()
    return out


def _reasons(candidate: Candidate) -> list[dict[str, Any]]:
    return [
        {
            "kind": r.kind,
            "ours": r.ours,
            "theirs": r.theirs,
            "similarity": round(float(r.similarity), 4),
        }
        for r in candidate.reasons
    ]


def _best(candidates: list[Candidate]) -> dict[tuple[str, str], Candidate]:
    """One candidate per list entry: the best-scoring one."""
    out: dict[tuple[str, str], Candidate] = {}
    for c in candidates:
        key = (c.list_name, c.entity_key)
        if key not in out or c.score > out[key].score:
            out[key] = c
    return out


class _Writer:
    """Applies one subject's candidates to its hits (see the module's docstring)."""

    def __init__(self, *, scope: Scope, actor: Any, purpose: str, kind: str) -> None:
        self.actor = actor_of(actor)
        self.purpose = purpose
        self.kind = kind
        self.model: type[Hit] = PersonHit if kind == SubjectKind.PERSON else OrganisationHit
        self.link = "person" if kind == SubjectKind.PERSON else "organization"
        self.category = screening_category()

    def _audit(self, hit: Hit, action: str, reason: str) -> None:
        if self.kind == SubjectKind.PERSON:
            audit_record(
                actor=self.actor,
                action=action,
                person_id=hit.person_id,  # type: ignore[attr-defined]
                record=record_key(hit),
                categories=[self.category],
                purpose=self.purpose,
                reason=reason,
            )
        else:
            audit_record(actor=self.actor, action=action, record=record_key(hit), reason=reason)

    def existing(self, subject_ids: list[int]) -> dict[int, list[Hit]]:
        out: dict[int, list[Hit]] = {}
        for hit in self.model.objects.filter(**{f"{self.link}_id__in": subject_ids}).order_by(
            "-created_at", "-id"
        ):
            out.setdefault(getattr(hit, f"{self.link}_id"), []).append(hit)
        return out

    def apply(
        self,
        subject_id: int,
        subject: Subject,
        candidates: list[Candidate],
        hits: list[Hit],
        out: Outcome,
        entries: dict[int, str],
    ) -> None:
        if not candidates and not hits:  # the common case: nothing found, nothing to withdraw
            return
        sub_fp = subject_fingerprint(subject)
        found = _best(candidates)
        open_hits = {(h.list_name, h.entity_key): h for h in hits if h.status == HitStatus.OPEN}
        for key, cand in found.items():
            ent_fp = entries.get(cand.entity_id, "")
            values = {
                "list_version_id": cand.list_version_id,
                "caption": cand.caption[:500],
                "score": round(float(cand.score), 4),
                "reasons": _reasons(cand),
                "subject_fingerprint": sub_fp,
                "entry_fingerprint": ent_fp,
            }
            hit = open_hits.pop(key, None)
            if hit is not None:
                changed = [k for k, v in values.items() if getattr(hit, k) != v]
                if changed:
                    for k in changed:
                        setattr(hit, k, values[k])
                    hit.save(update_fields=[*changed, "updated_at"])
                    out.updated += 1
                    self._audit(hit, AuditAction.UPDATE, "screening hit found again")
                out.hits.append(hit)
                continue
            decided = any(
                h.status in DECISIONS
                and (h.list_name, h.entity_key) == key
                and h.subject_fingerprint == sub_fp
                and h.entry_fingerprint == ent_fp
                for h in hits
            )
            if decided:
                out.kept_decisions += 1
                continue
            hit = self.model.objects.create(
                **{f"{self.link}_id": subject_id},
                list_name=cand.list_name[:200],
                entity_key=cand.entity_key[:255],
                **values,
            )
            out.opened += 1
            out.hits.append(hit)
            self._audit(hit, AuditAction.CREATE, "screening hit opened")
        for hit in open_hits.values():
            hit.status = HitStatus.WITHDRAWN
            hit.decided_at = timezone.now()
            hit.decided_by = self.actor.name[:150]
            hit.save(update_fields=["status", "decided_at", "decided_by", "updated_at"])
            out.withdrawn += 1
            self._audit(hit, AuditAction.UPDATE, "screening hit withdrawn: no longer matches")


def _chunks(ids: list[int]) -> Iterator[list[int]]:
    size = BATCH
    for i in range(0, len(ids), size):
        yield ids[i : i + size]


@dataclass
class _Batch:
    """Up to BATCH subjects read together: (id, …) rows, their Subjects, whether birth dates
    were read."""

    rows: list[tuple[Any, ...]]
    subjects: list[Subject]
    with_birth_dates: bool = False


def _matched(
    batches: Iterable[_Batch], processes: int | None
) -> Iterator[tuple[_Batch, list[list[Candidate]]]]:
    """Each batch with its subjects' candidates, in order. The subjects of all batches go
    through one `match_many` (worker processes for more than one batch), which reads the
    batches lazily a few ahead of the answers; a worker that dies raises before the batch
    it owed an answer for is given (watchlists.matching.MatchWorkerDied)."""
    pending: deque[_Batch] = deque()

    def subjects() -> Iterator[Subject]:
        for batch in batches:
            pending.append(batch)
            yield from batch.subjects

    answers = match_many(subjects(), processes=processes, chunk_size=BATCH)
    for first in answers:
        batch = pending.popleft()
        found = [first, *islice(answers, len(batch.subjects) - 1)]
        yield batch, found


def _person_batches(scope: Scope, person_ids: list[int], code_category: str) -> Iterator[_Batch]:
    for chunk in _chunks(person_ids):
        rows = list(
            Person.objects.filter(
                pk__in=chunk,
                controller_id__in=scope.controller_ids,
                restricted_since__isnull=True,
            )
            .order_by("pk")
            .values_list("pk", "first_name", "last_name", "nationality")
        )
        if not rows:
            continue
        born = birth_dates([r[0] for r in rows]) if code_category in scope.categories else {}
        subjects = [person_subject(f, ln, nat, born.get(pid)) for pid, f, ln, nat in rows]
        yield _Batch(rows, subjects, bool(born))


def screen_persons(
    *, scope: Scope, actor: Any, person_ids: Iterable[int], processes: int | None = None
) -> Outcome:
    """Screen these persons (of the scope's group companies, not restricted) against the
    current list versions. Each batch of up to BATCH persons is written in one transaction
    (its hits and its audit event), in the persons' order; the matching runs in `processes`
    worker processes (default: the machine's cores) when there is more than one batch."""
    purpose = _purpose(scope)
    writer = _Writer(scope=scope, actor=actor, purpose=purpose, kind=SubjectKind.PERSON)
    basic = category_of(Person, "last_name")
    code_category = category_of(IdentityCode, "encrypted")
    out = Outcome()
    batches = _person_batches(scope, sorted({int(i) for i in person_ids}), code_category)
    for batch, found in _matched(batches, processes):
        ids = [r[0] for r in batch.rows]
        with transaction.atomic():
            existing = writer.existing(ids)
            entries = entry_fingerprints(c for cands in found for c in cands)
            for (pid, *_rest), subject, candidates in zip(
                batch.rows, batch.subjects, found, strict=True
            ):
                writer.apply(pid, subject, candidates, existing.get(pid, []), out, entries)
            out.persons += len(batch.rows)
            audit_record(
                actor=actor_of(actor),
                action=AuditAction.VIEW,
                person_ids=ids,
                record="screening:persons",
                categories=sorted(
                    {
                        basic,
                        screening_category(),
                        *([code_category] if batch.with_birth_dates else []),
                    }
                ),
                purpose=purpose,
                reason="screened against the sanctions and PEP lists",
            )
    return out


def _organisation_batches(scope: Scope, organization_ids: list[int]) -> Iterator[_Batch]:
    for chunk in _chunks(organization_ids):
        rows = list(
            Organization.objects.filter(pk__in=chunk, controller_id__in=scope.controller_ids)
            .order_by("pk")
            .values_list("pk", "name", "country")
        )
        if rows:
            yield _Batch(rows, [organisation_subject(name, c) for _pk, name, c in rows])


def screen_organisations(
    *,
    scope: Scope,
    actor: Any,
    organization_ids: Iterable[int],
    processes: int | None = None,
) -> Outcome:
    """Screen these organisations (of the scope's group companies) against the lists, as
    `screen_persons` does."""
    purpose = _purpose(scope)
    writer = _Writer(scope=scope, actor=actor, purpose=purpose, kind=SubjectKind.ORGANISATION)
    out = Outcome()
    batches = _organisation_batches(scope, sorted({int(i) for i in organization_ids}))
    for batch, found in _matched(batches, processes):
        ids = [r[0] for r in batch.rows]
        with transaction.atomic():
            existing = writer.existing(ids)
            entries = entry_fingerprints(c for cands in found for c in cands)
            for (oid, *_rest), subject, candidates in zip(
                batch.rows, batch.subjects, found, strict=True
            ):
                writer.apply(oid, subject, candidates, existing.get(oid, []), out, entries)
            out.organisations += len(batch.rows)
    return out


def lists_changed() -> bool:
    """Whether a current list version changed since the last finished re-screening."""
    last = ScreeningRun.objects.filter(finished_at__isnull=False).first()
    return last is None or last.lists_fingerprint != lists_fingerprint()


def rescreen(
    *, scope: Scope, actor: Any, everyone: bool = False, processes: int | None = None
) -> ScreeningRun | None:
    """Screen every person and organisation again when a current list version changed
    since the last run (always with `everyone`); None when nothing changed.

    The matching runs in `processes` worker processes (default: the machine's cores); the
    answers are written in the subjects' order, a batch per transaction. The run is marked
    finished only at its end: a run that fails or is killed half-way (a worker process
    dies, the server stops) leaves whole batches written and the run unfinished, so the
    next run (`rekisteri screening run`, the scheduled job) screens everyone again."""
    _purpose(scope)
    fingerprint = lists_fingerprint()
    if not everyone and not lists_changed():
        return None
    run = ScreeningRun.objects.create(
        lists_fingerprint=fingerprint,
        everyone=everyone,
        started_at=timezone.now(),
        started_by=actor_of(actor).name[:150],
    )
    out = Outcome()
    person_ids = list(
        Person.objects.filter(controller_id__in=scope.controller_ids)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    org_ids = list(
        Organization.objects.filter(controller_id__in=scope.controller_ids)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    out.add(screen_persons(scope=scope, actor=actor, person_ids=person_ids, processes=processes))
    out.add(
        screen_organisations(
            scope=scope, actor=actor, organization_ids=org_ids, processes=processes
        )
    )
    run.persons, run.organisations = out.persons, out.organisations
    run.opened, run.withdrawn = out.opened, out.withdrawn
    run.finished_at = timezone.now()
    run.save(update_fields=["persons", "organisations", "opened", "withdrawn", "finished_at"])
    return run


def hit_decide(
    *, scope: Scope, actor: Any, kind: str, hit_id: int, decision: str, reason: str
) -> Hit:
    """Record compliance's decision on an open hit: a match or a false positive, with the
    reason. Audited (the decision and its reason sealed with the person's key)."""
    purpose = _purpose(scope)
    if decision not in DECISIONS:
        raise ScreeningError("decision", _("choose a match or not a match"))
    reason = " ".join(str(reason or "").split())
    if not reason:
        raise ScreeningError("reason", _("say why"))
    if len(reason) > MAX_REASON:
        raise ScreeningError("reason", _("at most %(n)d characters") % {"n": MAX_REASON})
    audit_actor = actor_of(actor)
    with transaction.atomic():
        hit = _hit_for_update(scope, kind, hit_id)
        if hit.status != HitStatus.OPEN:
            raise ScreeningError("decision", _("this hit is already decided"))
        hit.status = decision
        hit.decision_reason = reason
        hit.decided_by = audit_actor.name[:150]
        hit.decided_at = timezone.now()
        hit.save(
            update_fields=["status", "decision_reason", "decided_by", "decided_at", "updated_at"]
        )
        if isinstance(hit, PersonHit):
            audit_record(
                actor=audit_actor,
                action=AuditAction.UPDATE,
                person_id=hit.person_id,
                record=record_key(hit),
                categories=[screening_category()],
                fields=["status", "decision_reason"],
                purpose=purpose,
                reason=f"screening hit decided: {decision}",
                sealed={"status": decision, "decision_reason": reason},
            )
        else:
            audit_record(
                actor=audit_actor,
                action=AuditAction.UPDATE,
                record=record_key(hit),
                fields=["status", "decision_reason"],
                purpose=purpose,
                reason=f"screening hit decided: {decision}",
            )
    return hit


def _hit_for_update(scope: Scope, kind: str, hit_id: int) -> Hit:
    if kind == SubjectKind.PERSON:
        hit: Hit | None = (
            PersonHit.objects.select_for_update()
            .filter(pk=hit_id, person__controller_id__in=scope.controller_ids)
            .first()
        )
        if hit is not None:
            check_processing(
                scope,
                Person.objects.get(pk=hit.person_id),  # type: ignore[attr-defined]
                Operation.EDIT,
                categories=[screening_category()],
            )
    elif kind == SubjectKind.ORGANISATION:
        hit = (
            OrganisationHit.objects.select_for_update()
            .filter(pk=hit_id, organization__controller_id__in=scope.controller_ids)
            .first()
        )
    else:
        hit = None
    if hit is None:
        raise ScreeningError("hit", _("no such hit in your group company"))
    return hit
