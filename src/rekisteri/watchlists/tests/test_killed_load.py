"""A load killed half-way (SIGKILL, a real process) leaves the previous version current."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

FIXTURES = Path(__file__).parent / "fixtures"

#: loads the UN fixture, then a big file whose load stops after its first batch of
#: entries (written, not committed) and says so; the test kills it there
LOAD = r"""
import sys, time, django
django.setup()
from rekisteri.watchlists import services
from rekisteri.watchlists.models import ListEntity
services.load_list(sys.argv[1], name="UN")
services.BATCH = 10
original = ListEntity.objects.bulk_create
def slow(objs, *args, **kwargs):
    out = original(objs, *args, **kwargs)
    print("MIDWAY", flush=True)
    time.sleep(120)
    return out
ListEntity.objects.bulk_create = slow
services.load_list(sys.argv[2], name="UN")
"""

STATE = r"""
import json, django
django.setup()
from rekisteri.watchlists.models import ListEntity, ListVersion
print(json.dumps({
    "versions": list(ListVersion.objects.values_list("entity_count", "is_current")),
    "entities": ListEntity.objects.count(),
}))
"""


def rekisteri() -> str:
    return str(Path(sys.executable).with_name("rekisteri"))


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(REKISTERI_HOME=str(tmp_path), DJANGO_SETTINGS_MODULE="rekisteri.settings")
    if connection.vendor == "postgresql":
        s = connection.settings_dict
        env["DATABASE_URL"] = (
            f"postgres://{s['USER']}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"
        )
    else:
        done = subprocess.run(
            [rekisteri(), "migrate", "-v", "0"], env=env, capture_output=True, text=True
        )
        assert done.returncode == 0, done.stderr[-2000:]
    return env


def test_a_load_killed_half_way_never_becomes_current(env: dict[str, str], tmp_path: Path) -> None:
    un = FIXTURES / "un_consolidated.xml"
    individual = un.read_text(encoding="utf-8").split("<INDIVIDUAL>")[1].split("</INDIVIDUAL>")[0]
    body = "".join(
        "<INDIVIDUAL>" + individual.replace("9990001", str(100000 + i)) + "</INDIVIDUAL>"
        for i in range(40)
    )
    big = tmp_path / "un_big.xml"
    big.write_text(f"<CONSOLIDATED_LIST><INDIVIDUALS>{body}</INDIVIDUALS></CONSOLIDATED_LIST>")
    proc = subprocess.Popen(
        [sys.executable, "-c", LOAD, str(un), str(big)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 240
    assert proc.stdout is not None
    line = ""
    while "MIDWAY" not in line:
        assert time.monotonic() < deadline, "the load made no progress"
        line = proc.stdout.readline()
        if not line and proc.poll() is not None:
            pytest.fail(f"the load stopped by itself: {proc.stderr.read()[-2000:]}")
    proc.send_signal(signal.SIGKILL)
    proc.wait()

    done = subprocess.run(
        [sys.executable, "-c", STATE], env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr[-2000:]
    state = json.loads(done.stdout)
    # only the first file's version, current, with its three entries
    assert state == {"versions": [[3, True]], "entities": 3}
