"""`rekisteri bench`: build a throwaway database at scale, time each operation beside its floor.

The parent process makes a throwaway database (a temporary SQLite file, or a new database
on the PostgreSQL server named by --database/DATABASE_URL), runs the worker in a child
process pointed at it, prints the table and writes the JSON report, then drops the database.
"""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlparse, urlunparse

from rekisteri.bench.measure import Result


def throwaway_database(database_url: str | None, workdir: Path) -> tuple[str, Any]:
    """A URL for a fresh database and a function that drops it."""
    if not database_url or database_url.startswith("sqlite"):
        # No URL: the worker uses the settings' own SQLite database under its REKISTERI_HOME,
        # so it runs with the production options (IMMEDIATE transactions, busy timeout),
        # which a sqlite:// DATABASE_URL would not carry.
        return "", lambda: None
    import psycopg

    parsed = urlparse(database_url)
    name = f"rekisteri_bench_{os.getpid()}_{int(time.time())}"
    # Connect to the server's maintenance database: the named one need not exist (under
    # pytest, DATABASE_URL names the database that the test run prefixes with test_).
    admin = psycopg.connect(urlunparse(parsed._replace(path="/postgres")), autocommit=True)
    admin.execute(f'CREATE DATABASE "{name}"')

    def drop() -> None:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()

    return urlunparse(parsed._replace(path=f"/{name}")), drop


def run_parent(options: dict[str, Any], stdout: Any) -> dict[str, Any]:
    database_url = options.get("database") or os.environ.get("DATABASE_URL") or ""
    with tempfile.TemporaryDirectory(prefix="rekisteri-bench-") as tmp:
        workdir = Path(tmp)
        url, drop = throwaway_database(database_url, workdir)
        env = {**os.environ, "REKISTERI_HOME": str(workdir / "home"), "DEBUG": "false"}
        env.pop("DATABASE_URL", None)
        if url:
            env["DATABASE_URL"] = url
        out = workdir / "report.json"
        args = [
            sys.executable,
            "-m",
            "rekisteri.cli",
            "bench",
            "--worker",
            "--out",
            str(out),
            "--persons",
            str(options["persons"]),
            "--interactions",
            str(options["interactions"]),
            "--organizations",
            str(options["organizations"]),
            "--sample",
            str(options["sample"]),
            "--import-rows",
            str(options["import_rows"]),
            "--seconds",
            str(options["seconds"]),
            "--list-entities",
            str(options.get("list_entities") or 50_000),
        ]
        if options.get("only"):
            args += ["--only", options["only"]]
        try:
            subprocess.run(args, env=env, check=True)
        finally:
            drop()
        report = json.loads(out.read_text())
    return report


def machine() -> dict[str, Any]:
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = ""
    try:
        mem_kb = int(
            next(
                x
                for x in Path("/proc/meminfo").read_text().splitlines()
                if x.startswith("MemTotal")
            ).split()[1]
        )
        mem = f"{mem_kb / 1024 / 1024:.1f} GiB"
    except (OSError, StopIteration, ValueError):
        pass
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory": mem,
        "python": platform.python_version(),
        "platform": platform.platform(),
    }


def _number(v: Any, digits: int, *, missing: str) -> str:
    """A report value with thousands separators; floats to `digits` decimals."""
    if v is None:
        return missing
    if isinstance(v, float):
        return f"{v:,.{digits}f}"
    return f"{v:,}" if isinstance(v, int) else str(v)


def render_markdown(report: dict[str, Any]) -> str:
    """The report as the Markdown table of docs/performance.md."""

    def f(v: Any, digits: int = 2) -> str:
        return _number(v, digits, missing="–")

    size, m, db = report["size"], report["machine"], report["database"]
    lines = [
        f"{db['vendor']} {db['version']}; {size.get('persons', 0):,} persons, "
        f"{size.get('organizations', 0):,} organisations, {size.get('interactions', 0):,} interactions "
        f"(generated in {size.get('generation_seconds', 0)} s); {m['cores']} cores, {m['cpu']}, {m['memory']}; "
        f"{report.get('generated_at', '')}",
        "",
        "| operation | items | time s | per s | p50 ms | p95 ms | floor s | floor p50 ms | ratio | peak MB | target |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for op in report["operations"]:
        status = "" if op["status"] == "ok" else f" ({op['status']})"
        lines.append(
            f"| {op['name']}{status} | {f(op['items'])} | {f(op['seconds'], 3)} | {f(op['per_second'], 0)} | "
            f"{f(op['p50_ms'])} | {f(op['p95_ms'])} | {f(op['floor_seconds'], 3)} | {f(op['floor_p50_ms'])} | "
            f"{f(op['ratio'])} | {f(op['peak_memory_mb'], 0)} | {op['target']} |"
        )
    return "\n".join(lines)


def render_table(report: dict[str, Any]) -> str:
    def f(v: Any, digits: int = 2) -> str:
        return _number(v, digits, missing="-")

    size = report["size"]
    lines = [
        f"database: {report['database']['vendor']} {report['database']['version']}; "
        f"{size.get('persons', 0):,} persons, {size.get('organizations', 0):,} organisations, "
        f"{size.get('interactions', 0):,} interactions; {report['machine']['cores']} cores",
        "",
        f"{'operation':28} {'status':9} {'items':>9} {'time s':>9} {'per s':>11} {'p50 ms':>8} {'p95 ms':>8} "
        f"{'floor s':>9} {'floor p50':>9} {'ratio':>6} {'RSS MB':>7}  target",
    ]
    for op in report["operations"]:
        lines.append(
            f"{op['name']:28} {op['status']:9} {f(op['items']):>9} {f(op['seconds'], 3):>9} {f(op['per_second'], 0):>11} "
            f"{f(op['p50_ms'], 2):>8} {f(op['p95_ms'], 2):>8} {f(op['floor_seconds'], 3):>9} {f(op['floor_p50_ms'], 2):>9} "
            f"{f(op['ratio']):>6} {f(op['peak_memory_mb'], 0):>7}  {op['target']}"
        )
        if op.get("note"):
            lines.append(f"{'':28} note: {op['note']}")
    return "\n".join(lines)


def not_built(name: str, target: str, what: str) -> Result:
    return Result(name=name, target=target, status="not built", note=f"not built yet: {what}")
