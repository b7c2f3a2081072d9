"""Jobs for the tests: record a run in a file, fail, or sleep (never used in production)."""

from __future__ import annotations

import os
import time
from pathlib import Path

from django.conf import settings


def record(*, n: int, sleep: float = 0.0) -> None:
    """Append `n` to HOME/probe.log (one O_APPEND write: lines never mix)."""
    if sleep:
        time.sleep(sleep)
    fd = os.open(Path(settings.HOME) / "probe.log", os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    try:
        os.write(fd, f"{n} {os.getpid()}\n".encode())
    finally:
        os.close(fd)


def fail(**kwargs: object) -> None:
    raise ValueError("Maija Meikäläinen <maija@example.fi> could not be reached")


SCHEDULE = """
[probe-record]
callable = "rekisteri.jobs.tests.probes.record"
[probe-fail]
callable = "rekisteri.jobs.tests.probes.fail"
max_attempts = 3
"""


def schedule_off() -> str:
    """Every job of the built-in schedule off: a test's worker runs only what it queues."""
    from rekisteri.jobs.registry import JOBS

    return "".join(f'[{name}]\nwhen = "off"\n' for name, task in JOBS.items() if task.when)


def schedule_file(directory: Path, extra: str = "") -> Path:
    path = directory / "schedule.toml"
    path.write_text(SCHEDULE + schedule_off() + extra)
    return path
