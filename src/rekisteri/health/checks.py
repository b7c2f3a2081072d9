"""What /healthz checks: a list of small checks, each answering ok, warn or fail.

A load balancer takes a server out of rotation on any `fail` (HTTP 503); `warn` is for
monitoring (the page stays 200). A check says how it stands in counts, ages and codes,
never personal data, and never an exception's message (it may hold a host or a user name):
only the exception's class.

A check is a function without arguments that returns a `Check`; `CHECKS` is the list
/healthz runs, in order. A new one (the worker's heartbeat, say) is one more entry.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import timedelta
from functools import cache
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

from rekisteri.audit.selectors import audit_verification_last
from rekisteri.common.env import env_int
from rekisteri.jobs.selectors import heartbeat_age

OK, WARN, FAIL = "ok", "warn", "fail"

#: a chain check older than this is a warning: the nightly `audit verify` has not run
AUDIT_VERIFY_MAX_AGE = timedelta(hours=env_int("REKISTERI_HEALTH_AUDIT_MAX_HOURS", 48))
#: a worker heartbeat older than this fails: nothing background is being done
WORKER_MAX_AGE = timedelta(seconds=env_int("REKISTERI_HEALTH_WORKER_MAX_SECONDS", 300))


@dataclass
class Check:
    name: str
    status: str
    detail: dict[str, Any] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


def database() -> Check:
    """The database answers a query."""
    try:
        with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any failure to reach it is the answer, by its class only
        return Check("database", FAIL, {"error": type(exc).__name__})
    return Check("database", OK, {"vendor": connections[DEFAULT_DB_ALIAS].vendor})


@cache
def _expected_migrations() -> frozenset[tuple[str, str]]:
    # The migration files on disk do not change while the process runs: read them once.
    loader = MigrationLoader(None, ignore_no_migrations=True)
    return frozenset(loader.graph.leaf_nodes())


def migrations() -> Check:
    """Every app's latest migration is applied (after an upgrade: `rekisteri migrate`)."""
    try:
        applied = set(MigrationRecorder(connections[DEFAULT_DB_ALIAS]).applied_migrations())
    except Exception as exc:
        return Check("migrations", FAIL, {"error": type(exc).__name__})
    pending = sorted(f"{app}.{name}" for app, name in _expected_migrations() - applied)
    return Check("migrations", FAIL if pending else OK, {"pending": pending})


def audit_verify() -> Check:
    """The last `rekisteri audit verify`: when, and whether the chain held.

    A broken chain fails; a check that never ran or is older than
    REKISTERI_HEALTH_AUDIT_MAX_HOURS is a warning (a new installation has not verified yet).
    """
    try:
        last = audit_verification_last()
    except Exception as exc:
        return Check("audit_verify", FAIL, {"error": type(exc).__name__})
    if last is None:
        return Check("audit_verify", WARN, {"last_run": None})
    age = timezone.now() - last.at
    detail: dict[str, Any] = {
        "last_run": last.at.isoformat(),
        "age_seconds": int(age.total_seconds()),
        "events_checked": last.checked,
        "intact": last.ok,
    }
    if not last.ok:
        detail.update(broken_at_seq=last.problem_seq, problem=last.problem_kind)
        return Check("audit_verify", FAIL, detail)
    return Check("audit_verify", WARN if age > AUDIT_VERIFY_MAX_AGE else OK, detail)


def worker(age: timedelta | float | None) -> Check:
    """The worker's heartbeat age: `lambda: worker(heartbeat_age())` in CHECKS.

    No heartbeat at all, or one older than REKISTERI_HEALTH_WORKER_MAX_SECONDS, fails.
    """
    if age is None:
        return Check("worker", FAIL, {"heartbeat_age_seconds": None})
    seconds = age.total_seconds() if isinstance(age, timedelta) else float(age)
    status = FAIL if seconds > WORKER_MAX_AGE.total_seconds() else OK
    return Check("worker", status, {"heartbeat_age_seconds": int(seconds)})


#: what /healthz runs, in order
CHECKS: list[Callable[[], Check]] = [
    database,
    migrations,
    audit_verify,
    lambda: worker(heartbeat_age()),
]


def run_checks(checks: list[Callable[[], Check]] | None = None) -> tuple[str, list[Check]]:
    """Run the checks; the overall status is the worst of them."""
    results = [check() for check in (CHECKS if checks is None else checks)]
    statuses = {r.status for r in results}
    overall = FAIL if FAIL in statuses else WARN if WARN in statuses else OK
    return overall, results
