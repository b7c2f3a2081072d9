"""Screening tests' shared pieces: a list file in FollowTheMoney JSON lines (invented
entries, written by the test), loading it, and running the worker's queued jobs."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

ENTRY = {
    "id": "rk-test-0001",
    "caption": "Veikko Ilmari Tarvaskoski",
    "schema": "Person",
    "properties": {
        "name": ["Veikko Ilmari Tarvaskoski"],
        "birthDate": ["1961-04-17"],
        "nationality": ["fi"],
        "topics": ["sanction"],
    },
    "datasets": ["rekisteri_test"],
    "target": True,
}
COMPANY = {
    "id": "rk-test-0002",
    "caption": "Nordlys Quarantrade Consortium Ltd",
    "schema": "Company",
    "properties": {
        "name": ["Nordlys Quarantrade Consortium Ltd"],
        "country": ["cy"],
        "topics": ["sanction"],
    },
    "datasets": ["rekisteri_test"],
    "target": True,
}
#: the person close to ENTRY: the same names but the middle one, the birth date in the code
PERSON = {
    "first_name": "Veikko",
    "last_name": "Tarvaskoski",
    "nationality": "FI",
    "identity_code": "170461-4736",
}
LIST = "Test list"


def write_list(path: Path, *entries: dict[str, Any]) -> Path:
    path.write_text("".join(json.dumps(e) + "\n" for e in entries), encoding="utf-8")
    return path


@pytest.fixture
def load(tmp_path: Path) -> Any:
    """load(*entries): the entries as a new current version of LIST."""
    from rekisteri.watchlists.services import load_list

    counter = {"n": 0}

    def run(*entries: dict[str, Any]) -> Any:
        counter["n"] += 1
        path = write_list(tmp_path / f"list{counter['n']}.ftm.json", *(entries or (ENTRY, COMPANY)))
        return load_list(path, format="ftm", name=LIST)

    return run


@pytest.fixture
def work() -> Any:
    """Run what the worker has queued, as `rekisteri worker --until-idle` does."""
    from rekisteri.jobs.worker import Runner

    def run() -> int:
        return Runner(poll=0).run(until_idle=True)

    return run
