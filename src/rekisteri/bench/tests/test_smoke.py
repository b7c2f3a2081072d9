"""A small-scale run of `rekisteri bench` end to end: the report is complete and well formed.

No timing is asserted here (or anywhere): the machine's load decides those. The run uses
the database vendor of the test run (DATABASE_URL when set, else SQLite); the command makes
and drops its own throwaway database.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from rekisteri.bench.measure import report_problems

OPERATIONS = {
    "search",
    "api_get_person",
    "import",
    "access_package_collect",
    "access_package_write",
    "erasure",
    "campaign_audience",
    "campaign_send",
    "retention_sweep",
    "worker_send",
    "job_pickup",
    "screening_one",
    "rescreen",
}


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> dict:
    tmp = tmp_path_factory.mktemp("bench")
    out = tmp / "report.json"
    env = {**os.environ, "REKISTERI_HOME": str(tmp / "home")}
    database = os.environ.get("DATABASE_URL", "")
    args = [
        sys.executable,
        "-m",
        "rekisteri.cli",
        "bench",
        "--persons",
        "300",
        "--interactions",
        "3000",
        "--sample",
        "20",
        "--seconds",
        "1",
        "--list-entities",
        "1000",
        "--out",
        str(out),
    ]
    if database.startswith("postgres"):
        args += ["--database", database]
    done = subprocess.run(args, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    assert "report written to" in done.stdout
    return json.loads(Path(out).read_text())


def test_bench_report_is_complete_and_well_formed(report: dict) -> None:
    assert report_problems(report) == []
    names = [op["name"] for op in report["operations"]]
    assert set(names) == OPERATIONS
    assert len(names) == len(set(names))


def test_every_operation_ran_beside_its_floor(report: dict) -> None:
    for op in report["operations"]:
        assert op["status"] == "ok", f"{op['name']}: {op['status']}: {op['note']}"
        assert op["items"] > 0, op["name"]
        assert op["floor_seconds"] > 0, op["name"]
        assert op["note"], f"{op['name']} says what it measures"


def test_report_names_the_machine_database_and_data_size(report: dict) -> None:
    assert report["machine"]["cores"] >= 1
    assert report["database"]["vendor"] in ("sqlite", "postgresql")
    assert report["size"]["persons"] == 300
    # The generated mix puts a large share of the interactions past their retention.
    assert report["size"]["interactions"] == 3000
    sweep = next(op for op in report["operations"] if op["name"] == "retention_sweep")
    assert sweep["items"] > 3000 * 0.3
    assert sweep["extra"]["floor_rows"] == sweep["items"]


def test_per_item_operations_report_percentiles(report: dict) -> None:
    for name in (
        "search",
        "access_package_collect",
        "access_package_write",
        "erasure",
        "api_get_person",
    ):
        op = next(o for o in report["operations"] if o["name"] == name)
        assert op["p50_ms"] is not None and op["p95_ms"] is not None, name
        assert op["p50_ms"] <= op["p95_ms"], name


def test_api_get_makes_no_failed_requests(report: dict) -> None:
    api = next(op for op in report["operations"] if op["name"] == "api_get_person")
    assert api["extra"]["errors"] == 0
    assert api["extra"]["floor_errors"] == 0


def test_campaign_messages_reach_the_local_peer(report: dict) -> None:
    for name in ("campaign_send", "worker_send"):
        send = next(op for op in report["operations"] if op["name"] == name)
        assert send["extra"]["received_by_peer"] == send["items"], name
