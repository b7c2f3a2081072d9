"""Reads for data subject rights.

`personal_data_collect` is the one way to find what the register holds about a person: it
walks the field map (rekisteri.common.personal) — every PersonalData model, every mapped
field, through each model's `subject_path` — with one indexed query per model. Nothing here
lists models or fields by hand, so a model added later is in every access package at once.

Only rows that belong to the requested persons are read: a row of another person is never
part of the answer, even when it sits in the same shared record (a meeting, say).

Who handles what: a request, its person records and its packages belong to the group
companies of the persons it names (a request naming nobody yet, to the company it was
recorded for). A DPO reaches those of their own group companies only; another company's
request, package or person is 404, exactly as if it did not exist (`request_get`,
`package_get`, `person_get`), and every service checks again (`person_check`). Shared
persons (access.GroupShare) stay the keeping company's: its DPO answers for them.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import connections, router
from django.db.models import Exists, F, Model, OuterRef, Q, QuerySet
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from rekisteri.access.capabilities import Cap
from rekisteri.access.policy import ProcessingRefused, check_processing
from rekisteri.access.selectors import Scope
from rekisteri.common.crypto import decrypt_field
from rekisteri.common.personal import mapped_fields, personal_models, subject_filter
from rekisteri.register.models import Person
from rekisteri.rights.deadlines import DUE_SOON_DAYS
from rekisteri.rights.models import (
    ObjectionDecision,
    Package,
    RequestStatus,
    RequestSubject,
    Restriction,
    RightsRequest,
)

ENCRYPTED_FIELD_NAMES = frozenset({"encrypted"})


def _readable(field_name: str, value: Any) -> Any:
    if field_name in ENCRYPTED_FIELD_NAMES and isinstance(value, str) and value:
        try:
            return decrypt_field(value)
        except Exception:  # a value under an old key: say so rather than fail the answer
            return "[encrypted]"
    return value


def personal_data_collect(*, person_ids: list[int] | set[int]) -> list[dict[str, Any]]:
    """Every mapped field of every row of the given persons, one item per (row, field).

    Item: {"model", "record", "pk", "person_id", "field", "category", "value"}; `record` is
    "app.Model:pk", the key Provenance uses. One query per PersonalData model.
    """
    ids = sorted({int(i) for i in person_ids})
    if not ids:
        return []
    wanted = set(ids)
    items: list[dict[str, Any]] = []
    fields_of = {m: fields for m in personal_models() if (fields := mapped_fields(m))}
    rows_of = _subject_rows_many([(m, [f.name for f in fs]) for m, fs in fields_of.items()], ids)
    for model, fields in fields_of.items():
        label = model._meta.label
        seen: set[tuple[Any, Any]] = set()
        for row in rows_of[model]:
            subject = row["_subject"]
            if subject not in wanted or (row["pk"], subject) in seen:
                continue
            seen.add((row["pk"], subject))
            record = f"{label}:{row['pk']}"
            for f in fields:
                items.append(
                    {
                        "model": label,
                        "record": record,
                        "pk": row["pk"],
                        "person_id": subject,
                        "field": f.name,
                        "category": f.category,
                        "value": _readable(f.name, row[f.name]),
                    }
                )
    return items


def subject_row_ids(model: type[Model], person_ids: list[int]) -> list[Any]:
    """Primary keys of the model's rows that belong to these persons (field map path)."""
    ids = sorted({int(i) for i in person_ids})
    return sorted({row["pk"] for row in _subject_rows(model, [], ids)}) if ids else []


def subject_row_ids_many(models: list[type[Model]], person_id: int) -> dict[type[Model], list[Any]]:
    """subject_row_ids(model, [person_id]) for several models in one statement (a UNION ALL
    of the prepared per-model queries; one round trip instead of one per model). Models with
    a non-integer key, or on another database, are asked one by one."""
    out: dict[type[Model], list[Any]] = {}
    batch: list[tuple[type[Model], str]] = []
    default = router.db_for_read(models[0]) if models else "default"
    for model in models:
        prepared = _prepared(model, [], 1)
        if (
            prepared is None
            or prepared[2]
            or model._meta.pk.get_internal_type() not in _INTEGER_KEYS
            or router.db_for_read(model) != default
        ):
            out[model] = subject_row_ids(model, [person_id])
        else:
            batch.append((model, prepared[0]))
    if batch:
        sql = " UNION ALL ".join(
            # The ORM's own compiled SQL and integer positions: no value is interpolated.
            f"SELECT {n} AS m, t{n}.pk AS pk FROM ({q}) t{n}"  # noqa: S608
            for n, (_, q) in enumerate(batch)
        )
        found: dict[int, set[Any]] = defaultdict(set)
        with connections[default].cursor() as cursor:
            cursor.execute(sql, [person_id] * len(batch))
            for n, pk in cursor.fetchall():
                found[n].add(pk)
        for n, (model, _) in enumerate(batch):
            out[model] = sorted(found.get(n, ()))
    return out


_INTEGER_KEYS = frozenset({"AutoField", "BigAutoField", "SmallAutoField", "IntegerField"})


def _subject_query(model: type[Model], names: list[str], ids: list[int]) -> QuerySet:
    path = model.subject_path  # type: ignore[attr-defined]
    qs = model._default_manager.filter(**subject_filter(model, ids))
    return qs.values("pk", *names, _subject=F(path or "pk")).order_by("pk")


#: (model label, field names, number of ids) -> (SQL, column names, converters). Building and
#: compiling ~30 ORM queries cost ten times their execution for one person (the benchmark's
#: access_package_collect), so each query shape is compiled once per process and then run
#: through the cursor with the ORM's own converters. Only small id lists are cached.
_PREPARED: dict[tuple[str, tuple[str, ...], int], tuple[str, list[str], Any]] = {}
_PREPARED_MAX_IDS = 8


def _prepared(
    model: type[Model], names: list[str], count: int
) -> tuple[str, list[str], Any] | None:
    """The compiled query of this shape, or None when it cannot be cached."""
    key = (model._meta.label, tuple(names), count)
    prepared = _PREPARED.get(key)
    if prepared is None:
        if count > _PREPARED_MAX_IDS:
            return None
        sentinel = [-(i + 1) for i in range(count)]
        qs = _subject_query(model, names, sentinel)
        compiler = qs.query.get_compiler(using=qs.db)
        sql, params = compiler.as_sql()
        if list(params) != sentinel:  # a shape with other parameters: not cached
            return None
        columns = [*qs.query.extra_select, *qs.query.values_select, *qs.query.annotation_select]
        selected = [s[0] for s in compiler.select[: compiler.col_count]]
        prepared = (sql, columns, compiler.get_converters(selected))
        _PREPARED[key] = prepared
    return prepared


def _subject_rows(model: type[Model], names: list[str], ids: list[int]) -> list[dict[str, Any]]:
    prepared = _prepared(model, names, len(ids))
    if prepared is None:
        return list(_subject_query(model, names, ids))
    sql, columns, converters = prepared
    connection = connections[router.db_for_read(model)]
    with connection.cursor() as cursor:
        cursor.execute(sql, ids)
        rows = cursor.fetchall()
    return _converted(rows, columns, converters, connection)


def _subject_rows_many(
    jobs: list[tuple[type[Model], list[str]]], ids: list[int]
) -> dict[type[Model], list[dict[str, Any]]]:
    """_subject_rows for several models. On PostgreSQL the prepared queries are sent in one
    pipeline (psycopg's pipeline mode): ~30 statements, one network round trip instead of
    one each, which was most of a person's collection there (docs/performance.md)."""
    out: dict[type[Model], list[dict[str, Any]]] = {}
    batch: list[tuple[type[Model], tuple[str, list[str], Any]]] = []
    default = connections[router.db_for_read(jobs[0][0])] if jobs else None
    pipelined = default is not None and default.vendor == "postgresql" and _pipeline_supported()
    for model, names in jobs:
        prepared = _prepared(model, names, len(ids))
        if pipelined and prepared is not None and connections[router.db_for_read(model)] is default:
            batch.append((model, prepared))
        else:
            out[model] = _subject_rows(model, names, ids)
    if batch and default is not None:
        import psycopg

        default.ensure_connection()
        raw = default.connection
        cursors = []
        with default.wrap_database_errors, raw.pipeline():
            for _model, (sql, _columns, _converters) in batch:
                # A server-binding cursor: pipeline mode needs the extended protocol.
                cursor = psycopg.Cursor(raw)
                # Prepared once per connection (Django's never prepare): ~30 queries per
                # person were planned again for every person.
                cursor.execute(sql, ids, prepare=True)
                cursors.append(cursor)
        for (model, (_sql, columns, converters)), cursor in zip(batch, cursors, strict=True):
            with cursor:
                out[model] = _converted(cursor.fetchall(), columns, converters, default)
    return out


def _pipeline_supported() -> bool:
    try:
        import psycopg
    except ImportError:
        return False
    return bool(psycopg.Pipeline.is_supported())


def _converted(
    rows: list[Any], columns: list[str], converters: Any, connection: Any
) -> list[dict[str, Any]]:
    out = []
    for row in rows:
        values = list(row)
        # As SQLCompiler.apply_converters, with this thread's connection.
        for pos, (funcs, expression) in converters.items():
            value = values[pos]
            for func in funcs:
                value = func(value, expression, connection)
            values[pos] = value
        out.append(dict(zip(columns, values, strict=True)))
    return out


def objected_purposes(*, person_id: int) -> set[str]:
    """Purposes the person objected to (Art. 21(1)) and the DPO upheld: processing stops."""
    latest: dict[str, bool] = {}
    for purpose, upheld in (
        ObjectionDecision.objects.filter(person_id=person_id)
        .order_by("decided_at", "id")
        .values_list("purpose", "upheld")
    ):
        latest[purpose] = upheld
    return {p for p, upheld in latest.items() if upheld}


def active_restriction(*, person_id: int) -> Restriction | None:
    return (
        Restriction.objects.filter(person_id=person_id, lifted_at__isnull=True)
        .order_by("-set_at")
        .first()
    )


def restrictions_due(*, today: date | None = None) -> QuerySet[Restriction]:
    today = today or timezone.localdate()
    return Restriction.objects.filter(lifted_at__isnull=True, until__lt=today).select_related(
        "person"
    )


def packages_for_person(*, person_id: int) -> QuerySet[Package]:
    return Package.objects.filter(persons=person_id)


# --- The request queue --------------------------------------------------------------------


@dataclass(frozen=True)
class QueueRow:
    request: RightsRequest
    days_left: int | None
    overdue: bool
    due_soon: bool

    @property
    def overdue_days(self) -> int:
        return -self.days_left if self.overdue and self.days_left is not None else 0


def _handles(scope: Scope) -> bool:
    return scope.can(Cap.HANDLE_RIGHTS_REQUESTS) and bool(scope.controller_ids)


def _visible(qs: QuerySet[RightsRequest], scope: Scope) -> QuerySet[RightsRequest]:
    """Requests naming a person of the user's group companies, and requests naming nobody
    that were recorded for one of them (or, recorded before requests had a company, for
    none). A request naming only other companies' persons does not exist for the user."""
    if not _handles(scope):
        return qs.none()
    mine = RequestSubject.objects.filter(person__controller_id__in=scope.controller_ids)
    anyone = RequestSubject.objects.filter(request_id=OuterRef("pk"))
    unmatched = ~Exists(anyone) & (
        Q(controller_id__in=scope.controller_ids) | Q(controller__isnull=True)
    )
    return qs.filter(Q(pk__in=mine.values("request_id")) | unmatched)


def queue_row(r: RightsRequest, *, today: date | None = None) -> QueueRow:
    """The request with its days left and whether it is overdue or due soon."""
    today = today or timezone.localdate()
    deadline = r.deadline
    days_left = (deadline - today).days if deadline else None
    open_ = r.status == RequestStatus.OPEN
    return QueueRow(
        request=r,
        days_left=days_left,
        overdue=open_ and days_left is not None and days_left < 0,
        due_soon=open_ and days_left is not None and 0 <= days_left <= DUE_SOON_DAYS,
    )


def request_queue(*, scope: Scope, show: str = "open", today: date | None = None) -> list[QueueRow]:
    today = today or timezone.localdate()
    qs = _visible(RightsRequest.objects.select_related("assignee"), scope)
    if show == "open":
        qs = qs.filter(status=RequestStatus.OPEN)
    elif show == "unverified":
        qs = qs.filter(status=RequestStatus.UNVERIFIED)
    elif show == "overdue":
        qs = qs.filter(status=RequestStatus.OPEN).filter(
            Q(extended_due_date__lt=today) | Q(extended_due_date__isnull=True, due_date__lt=today)
        )
    elif show == "closed":
        qs = qs.filter(status__in=[RequestStatus.COMPLETED, RequestStatus.REFUSED])
    rows = [queue_row(r, today=today) for r in qs.order_by("due_date", "id")[:500]]
    rows.sort(key=lambda row: (not row.overdue, row.request.deadline or date.max))
    return rows


SHOW = ("open", "overdue", "unverified", "closed", "all")


def request_list(*, scope: Scope, show: str = "open", today: date | None = None) -> QuerySet:
    """The queue as a queryset for the list's table: the requests the user handles, in one
    of the queue's views (`SHOW`), with their deadline (`deadline_on`: the extended due date
    if any) to sort by. Soonest deadline first; overdue ones are simply the earliest."""
    today = today or timezone.localdate()
    qs = _visible(RightsRequest.objects.select_related("assignee"), scope).annotate(
        deadline_on=Coalesce("extended_due_date", "due_date")
    )
    if show == "open":
        qs = qs.filter(status=RequestStatus.OPEN)
    elif show == "unverified":
        qs = qs.filter(status=RequestStatus.UNVERIFIED)
    elif show == "overdue":
        qs = qs.filter(status=RequestStatus.OPEN, deadline_on__lt=today)
    elif show == "closed":
        qs = qs.filter(status__in=[RequestStatus.COMPLETED, RequestStatus.REFUSED])
    return qs.order_by(F("deadline_on").asc(nulls_last=True), "id")


def assignable_users_many(*, scope: Scope, request_ids: list[int]) -> dict[int, list[Any]]:
    """`assignable_users` for a page of requests at once: each candidate's scope is computed
    once, and one query per candidate tells which of the page's requests they could open."""
    from django.contrib.auth import get_user_model

    from rekisteri.access.models import StaffProfile
    from rekisteri.access.selectors import scope_for

    mine = list(
        _visible(RightsRequest.objects.filter(pk__in=request_ids), scope).values_list(
            "pk", flat=True
        )
    )
    out: dict[int, list[Any]] = {pk: [] for pk in mine}
    if not mine:
        return out
    candidates = (
        get_user_model()
        .objects.filter(
            pk__in=StaffProfile.objects.filter(controllers__isnull=False).values("user_id"),
            is_active=True,
        )
        .order_by("username")
    )
    for user in candidates:
        theirs = scope_for(user, catalogue_version=scope.catalogue_version)
        if not _handles(theirs):
            continue
        for pk in _visible(RightsRequest.objects.filter(pk__in=mine), theirs).values_list(
            "pk", flat=True
        ):
            out[pk].append(user)
    return out


def queue_assignees(*, scope: Scope) -> list[Any]:
    """The users the queue can be filtered by: whoever is assigned a request the user sees."""
    from django.contrib.auth import get_user_model

    ids = _visible(RightsRequest.objects.filter(assignee__isnull=False), scope).values(
        "assignee_id"
    )
    return list(get_user_model().objects.filter(pk__in=ids).order_by("username"))


def request_get(*, scope: Scope, request_id: int) -> RightsRequest:
    """The request, if the user handles it (else 404, as if it did not exist)."""
    r = _visible(RightsRequest.objects.all(), scope).filter(pk=request_id).first()
    if r is None:
        raise Http404("no such request")
    return r


def request_subjects(*, scope: Scope, request: RightsRequest) -> list[RequestSubject]:
    """The request's person records of the user's group companies (others' are theirs)."""
    return list(
        request.subjects.filter(person__controller_id__in=scope.controller_ids)
        .select_related("person", "person__controller")
        .order_by("person_id")
    )


def other_companies_subjects(*, scope: Scope, request: RightsRequest) -> int:
    """How many person records of the request belong to other group companies."""
    return request.subjects.exclude(person__controller_id__in=scope.controller_ids).count()


def packages_of_request(*, scope: Scope, request: RightsRequest) -> list[Package]:
    """The request's packages that hold only persons of the user's group companies."""
    others = Package.persons.through.objects.filter(package_id=OuterRef("pk")).exclude(
        person__controller_id__in=scope.controller_ids
    )
    return list(
        Package.objects.filter(request=request).exclude(Exists(others)).order_by("-created_at")
    )


def package_get(*, scope: Scope, package_id: int) -> Package:
    """A package of a request the user handles, holding no other company's person (404)."""
    package = Package.objects.filter(pk=package_id, request__isnull=False).first()
    if package is None:
        raise Http404("no such package")
    request = request_get(scope=scope, request_id=package.request_id)  # type: ignore[arg-type]
    if package not in packages_of_request(scope=scope, request=request):
        raise Http404("no such package")
    return package


def persons_in_scope(
    *, scope: Scope, person_ids: list[int] | set[int]
) -> tuple[list[Person], list[int]]:
    """The persons of the user's own group companies among `person_ids`, and the ids that
    are not (another company's person and a person that does not exist look the same)."""
    ids = sorted({int(i) for i in person_ids})
    if not _handles(scope) or not ids:
        return [], ids
    found = list(
        Person.objects.filter(pk__in=ids, controller_id__in=scope.controller_ids).order_by("pk")
    )
    have = {p.pk for p in found}
    return found, [i for i in ids if i not in have]


def person_get(*, scope: Scope, person_id: int) -> Person:
    """A person of the user's own group companies, for their rights (404 otherwise)."""
    found, _missing = persons_in_scope(scope=scope, person_ids=[person_id])
    if not found:
        raise Http404("no such person")
    return found[0]


def person_check(scope: Scope, person: Person, operation: str) -> None:
    """Refuse a right's work on a person outside the user's own group companies (a shared
    person too: the keeping company answers for them), then apply the processing rules
    (restriction, Art. 18). Every rights service calls this before it reads or writes."""
    if not _handles(scope) or person.controller_id not in scope.controller_ids:
        raise ProcessingRefused(
            _("This person is not in the register of your group company."), code="controller"
        )
    check_processing(scope, person, operation)


def assignable_users(*, scope: Scope, request: RightsRequest) -> list[Any]:
    """The users who could open this request and handle it: active staff whose own scope,
    computed as the gate computes it for them (`access.selectors.scope_for`), covers
    handling rights requests and shows this request (its group companies are theirs).
    Only the users who may see the request themselves get a list."""
    from django.contrib.auth import get_user_model

    from rekisteri.access.models import StaffProfile
    from rekisteri.access.selectors import scope_for

    one = RightsRequest.objects.filter(pk=request.pk)
    if not _visible(one, scope).exists():
        return []
    candidates = (
        get_user_model()
        .objects.filter(
            pk__in=StaffProfile.objects.filter(controllers__isnull=False).values("user_id"),
            is_active=True,
        )
        .order_by("username")
    )
    users = []
    for user in candidates:
        theirs = scope_for(user, catalogue_version=scope.catalogue_version)
        if _handles(theirs) and _visible(one, theirs).exists():
            users.append(user)
    return users


def overdue_count(*, scope: Scope, today: date | None = None) -> int:
    return sum(1 for row in request_queue(scope=scope, show="overdue", today=today))


def request_by_status_token(*, token_hash: str) -> RightsRequest | None:
    if not token_hash:
        return None
    return RightsRequest.objects.filter(status_token_hash=token_hash).first()


def confirmed_person_ids(*, request: RightsRequest) -> list[int]:
    return list(
        request.subjects.filter(confirmed_at__isnull=False)
        .order_by("person_id")
        .values_list("person_id", flat=True)
    )


# --- Supervisory authorities (from the catalogue) -------------------------------------------


def supervisory_authorities() -> dict[str, dict[str, Any]]:
    """The supervisory authorities the catalogue names, by country: {"name": {fi, sv, en},
    "url"}. The catalogue names one for each controller's country (the notice check
    refuses a catalogue that does not)."""
    from rekisteri.catalogue.selectors import catalogue_snapshot

    return {
        country: {"name": dict(a.name), "url": a.url}
        for country, a in catalogue_snapshot().authorities.items()
    }
