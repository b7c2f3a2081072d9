"""The benchmark's worker: runs inside the throwaway database (see runner.py)."""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import threading
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from django.conf import settings
from django.core.management import call_command
from django.db import connection

from rekisteri.bench import datagen
from rekisteri.bench.measure import (
    Result,
    explain_ratio,
    fill_per_item,
    peak_rss_mb,
    per_item_pair,
    timed,
)
from rekisteri.bench.runner import machine, not_built


@dataclass
class Context:
    persons: int
    organizations: int
    interactions: int
    sample: int
    import_rows: int
    seconds: float
    rng: np.random.Generator
    list_entities: int = 50_000
    controller: Any = None
    user: Any = None
    scope: Any = None
    counts: dict[str, int] = field(default_factory=dict)

    def sample_ids(self, n: int | None = None, low: int = 1) -> list[int]:
        n = min(n or self.sample, self.persons)
        return [
            int(i) for i in self.rng.choice(np.arange(low, self.persons + 1), size=n, replace=False)
        ]


OPERATIONS: list[tuple[str, str, Callable[[Context], Result]]] = []


def operation(
    name: str, target: str
) -> Callable[[Callable[[Context, Result], Result]], Callable[[Context, Result], Result]]:
    def wrap(fn: Callable[[Context, Result], Result]) -> Callable[[Context, Result], Result]:
        OPERATIONS.append((name, target, lambda ctx: fn(ctx, Result(name=name, target=target))))
        return fn

    return wrap


# --- person search ----------------------------------------------------------------------


@operation("search", "p50 <= 10 ms")
def op_search(ctx: Context, result: Result) -> Result:
    from rekisteri.register.selectors import _prefix, person_search

    rows = list(datagen_names(ctx, 200))
    queries = [r[0][:4] for r in rows[:100]] + [r[1][:6] for r in rows[100:]]
    scope = ctx.scope

    def ours(q: str) -> None:
        person_search(scope=scope, q=q, limit=20)

    controllers = tuple(scope.visible_controller_ids())
    marks = ", ".join(["%s"] * len(controllers))

    def floor(q: str) -> None:
        with connection.cursor() as cursor:
            if "@" in q or "." in q:
                cursor.execute(
                    "SELECT p.*, c.* FROM register_person p JOIN register_controller c ON c.id = p.controller_id "
                    f"WHERE p.controller_id IN ({marks}) AND p.id IN (SELECT cp.person_id FROM register_contactpoint cp "
                    "WHERE cp.kind = 'email' AND cp.value >= %s AND cp.value < %s) "
                    "ORDER BY p.search_name, p.id LIMIT 20",
                    [*controllers, *_prefix("v", q).values()],
                )
            else:
                cursor.execute(
                    "SELECT p.*, c.* FROM register_person p JOIN register_controller c ON c.id = p.controller_id "
                    f"WHERE p.controller_id IN ({marks}) AND p.search_name >= %s AND p.search_name < %s "
                    "ORDER BY p.search_name, p.id LIMIT 20",
                    [*controllers, *_prefix("v", q).values()],
                )
            cursor.fetchall()

    (seconds, times), (fseconds, ftimes), first_pass = per_item_pair(ours, floor, queries)
    result.extra = {"first_pass": first_pass}
    result.unit = "queries"
    result.why = (
        "the ORM builds each query (the access scope's controller filter, the prefix range, "
        "select_related) and makes 20 Person and Controller objects; the floor runs a ready SQL "
        "string and fetches tuples. Both use the same index (search_name, or contact points' "
        "(kind, value))."
    )
    result.note = (
        "half name prefixes (4 letters), half email prefixes (6 characters), 20 rows each; "
        "ours and the floor timed on a warm cache, alternating (extra.first_pass: the first pass)"
    )
    return fill_per_item(result, seconds, times, fseconds, ftimes)


def api_queries(ctx: Context, api_path: str, token: str) -> int:
    """SQL statements of one API GET (through the test client, outside the timings)."""
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_AUTHORIZATION=f"Bearer {token}", SERVER_NAME="127.0.0.1")
    path = api_path.replace("{id}", str(ctx.sample_ids(1)[0]))
    with CaptureQueriesContext(connection) as captured:
        client.get(path)
    return len(captured.captured_queries)


def merged(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """Load runs of the same URL as one: summed requests and time, percentiles of all."""
    latencies = [x for r in runs for x in r["latencies"]]
    q = (
        statistics.quantiles(latencies, n=100, method="inclusive")
        if len(latencies) > 1
        else [0] * 99
    )
    statuses: dict[str, int] = {}
    for r in runs:
        for key, n in r.get("statuses", {}).items():
            statuses[key] = statuses.get(key, 0) + n
    return {
        "requests": sum(r["requests"] for r in runs),
        "seconds": sum(r["seconds"] for r in runs),
        "errors": sum(r["errors"] for r in runs),
        "p50_ms": q[49],
        "p95_ms": q[94],
        "statuses": statuses,
    }


def datagen_names(ctx: Context, n: int) -> list[tuple[str, str]]:
    ids = ctx.sample_ids(n)
    marks = ", ".join(["%s"] * len(ids))
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT p.search_name, cp.value FROM register_person p JOIN register_contactpoint cp ON cp.person_id = p.id WHERE p.id IN ({marks})",
            ids,
        )
        return cursor.fetchall()


# --- API GET under load -----------------------------------------------------------------


@operation("api_get_person", "<= 1.5x floor in requests per second")
def op_api_get(ctx: Context, result: Result) -> Result:
    from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler
    from django.core.wsgi import get_wsgi_application
    from django.urls import NoReverseMatch, reverse

    from rekisteri.api.auth import token_create

    settings.ROOT_URLCONF = "rekisteri.bench.urls"
    try:
        path = reverse("api:person_get", kwargs={"person_id": 1})
    except NoReverseMatch:
        return not_built(result.name, result.target, "the API's person_get operation")
    api_path = (
        path.replace("/1", "/{id}", 1) if path.endswith("/1") else path.rsplit("1", 1)[0] + "{id}"
    )

    class Quiet(WSGIRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadedWSGIServer(("127.0.0.1", 0), Quiet)
    server.set_app(get_wsgi_application())
    port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    token = token_create(user=ctx.user, name="bench")
    ids = ",".join(str(i) for i in ctx.sample_ids(500))
    seconds = str(ctx.seconds)

    def load(url: str, tok: str, seconds: str = seconds) -> dict[str, Any]:
        out = subprocess.run(
            [sys.executable, "-m", "rekisteri.bench.loadgen", url, seconds, "4", tok, ids],
            check=True,
            capture_output=True,
            text=True,
        )
        return json.loads(out.stdout)

    try:
        base = f"http://127.0.0.1:{port}"
        ours_url, floor_url = base + api_path, base + "/bench-floor/persons/{id}"
        # Both warmed first (untimed), then timed in halves, ours-floor-floor-ours: neither
        # pays the cold start, and a change in the shared machine's load hits both alike.
        warm = str(min(2.0, max(0.5, ctx.seconds / 5)))
        load(ours_url, token, warm)
        load(floor_url, "-", warm)
        half = str(ctx.seconds / 2)
        runs = [
            (ours_url, token, "ours"),
            (floor_url, "-", "floor"),
            (floor_url, "-", "floor"),
            (ours_url, token, "ours"),
        ]
        parts: dict[str, list[dict[str, Any]]] = {"ours": [], "floor": []}
        for url, tok, which in runs:
            parts[which].append(load(url, tok, half))
        ours, floor = merged(parts["ours"]), merged(parts["floor"])
    finally:
        server.shutdown()
    result.unit = "requests"
    result.items = ours["requests"]
    result.seconds = round(ours["seconds"], 3)
    result.per_second = round(ours["requests"] / ours["seconds"], 1)
    result.p50_ms, result.p95_ms = round(ours["p50_ms"], 2), round(ours["p95_ms"], 2)
    result.floor_seconds = round(floor["seconds"], 3)
    result.floor_per_second = round(floor["requests"] / floor["seconds"], 1)
    result.floor_p50_ms, result.floor_p95_ms = round(floor["p50_ms"], 2), round(floor["p95_ms"], 2)
    result.ratio = (
        round(result.floor_per_second / result.per_second, 2) if result.per_second else None
    )
    result.peak_memory_mb = peak_rss_mb()
    result.why = (
        "of the work per request: the token, the user's scope, the person, the person's lists "
        "and the audit event with its hash chain (on PostgreSQL 7 round trips: the lists in one "
        "pipeline, the event, its subjects and the chain head in one statement) against one "
        "statement, and the audit write serialises requests (the chain head's lock)."
    )
    result.extra = {
        "errors": ours["errors"],
        "floor_errors": floor["errors"],
        "statuses": ours.get("statuses", {}),
        "floor_statuses": floor.get("statuses", {}),
        "client_threads": 4,
        # Statements through Django's cursor; pipelined ones (PostgreSQL) are not counted.
        "queries_per_request": api_queries(ctx, api_path, token),
    }
    result.note = (
        "4 keep-alive client threads in a second process against Django's threaded server; "
        "both warmed, then timed in halves (ours, floor, floor, ours); "
        "ratio = floor req/s / our req/s. Each GET: token lookup, the user's scope (roles, group "
        "companies, catalogue), the person with contact points, affiliations, identity code and "
        "provenance, and its audit event written in its own transaction (writers take turns on "
        "SQLite); the floor is one SELECT of the person row, no auth, no audit."
    )
    if ours["errors"]:
        result.status = "error"
        result.note += f" {ours['errors']} requests failed."
    return result


# --- operations that other capabilities own: timed once their services exist ------------

# registers the remaining operations, then the worker's
from rekisteri.bench import ops_more, ops_screening, ops_worker  # noqa: E402,F401


def run_worker(options: dict[str, Any], stdout: Any) -> dict[str, Any]:
    call_command("migrate", verbosity=0)
    from django.contrib.auth import get_user_model

    from rekisteri.access.models import StaffProfile
    from rekisteri.access.selectors import scope_for
    from rekisteri.audit.services import Actor
    from rekisteri.catalogue.services import catalogue_load
    from rekisteri.register.models import Controller

    catalogue = Path(__file__).resolve().parents[1] / "catalogue" / "demo_catalogue.toml"
    catalogue_load(
        text=catalogue.read_text(encoding="utf-8"), source_name="bench", actor=Actor("bench")
    )
    ctx = Context(
        persons=options["persons"],
        organizations=options["organizations"],
        interactions=options["interactions"],
        sample=options["sample"],
        import_rows=options["import_rows"],
        seconds=options["seconds"],
        rng=np.random.default_rng(11),
        list_entities=options.get("list_entities") or 50_000,
    )
    ctx.controller = Controller.objects.get(code="esimerkki-fi")
    ctx.user = get_user_model().objects.create_user(username="bench-dpo", password=None)
    profile = StaffProfile.objects.create(user=ctx.user, roles=["dpo"])
    profile.controllers.set(Controller.objects.all())
    ctx.scope = scope_for(ctx.user)

    def progress(msg: str) -> None:
        stdout.write(f"  generating {msg}\n")
        stdout.flush()

    gen_seconds, counts = timed(
        lambda: datagen.generate(
            datagen.Sizes(ctx.persons, ctx.organizations, ctx.interactions, subscribers=ctx.sample),
            controller_id=ctx.controller.pk,
            progress=progress,
        )
    )
    ctx.counts = counts
    stdout.write(f"  generated in {gen_seconds:.1f} s\n")
    only = set((options.get("only") or "").split(",")) - {""}
    results = []
    for name, target, fn in OPERATIONS:
        if only and name not in only:
            continue
        stdout.write(f"  {name} …\n")
        stdout.flush()
        try:
            result = fn(ctx)
        except Exception as exc:  # noqa: BLE001 - one failing operation must not hide the others
            traceback.print_exc()
            result = Result(
                name=name, target=target, status="error", note=f"{type(exc).__name__}: {exc}"[:300]
            )
        explain_ratio(result)
        results.append(result.as_dict())
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT sqlite_version()" if connection.vendor == "sqlite" else "SHOW server_version"
        )
        version = cursor.fetchone()[0]
    return {
        "generated_at": __import__("datetime").datetime.now().isoformat(timespec="seconds"),
        "machine": machine(),
        "database": {"vendor": connection.vendor, "version": version},
        "size": {
            "persons": ctx.persons,
            "organizations": ctx.organizations,
            "interactions": counts.get("interactions", 0),
            "generation_seconds": round(gen_seconds, 1),
            **{f"rows_{k}": v for k, v in counts.items()},
        },
        "operations": results,
    }
