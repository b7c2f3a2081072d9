from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from rekisteri.jobs.registry import jobs
from rekisteri.jobs.tests.probes import schedule_file


@pytest.fixture
def probe_jobs(settings: Any, tmp_path: Path) -> Any:
    """The registry with the probe jobs added (and nothing else scheduled)."""
    settings.JOBS_SCHEDULE = str(schedule_file(tmp_path))
    settings.HOME = tmp_path
    settings.JOBS_RETRY_BASE_SECONDS = 0
    jobs.cache_clear()
    yield
    jobs.cache_clear()
