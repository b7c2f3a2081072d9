"""`rekisteri screenshots` writes the PNGs that docs/ui.md shows, from a throwaway demo."""

from __future__ import annotations

import os
import struct
import subprocess
import sys
from pathlib import Path

import pytest

from rekisteri.testing.browser import chromium_path

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def _size(png: Path) -> tuple[int, int]:
    with png.open("rb") as f:
        head = f.read(24)
    assert head[:8] == b"\x89PNG\r\n\x1a\n", png
    return struct.unpack(">II", head[16:24])


def test_one_command_writes_the_screenshots_of_the_docs(tmp_path: Path) -> None:
    if chromium_path() is None:
        if os.environ.get("REKISTERI_REQUIRE_BROWSER", "").lower() == "true":
            pytest.fail("Chromium not found (REKISTERI_REQUIRE_BROWSER=true)")
        pytest.skip("Chromium not found")
    home = tmp_path / "home"
    env = {**os.environ, "REKISTERI_HOME": str(home)}
    out = tmp_path / "shots"
    done = subprocess.run(  # noqa: S603
        [sys.executable, "-m", "rekisteri.cli", "screenshots", "--out", str(out)],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    sizes = {png.stem: _size(png) for png in out.glob("*.png")}
    desktop = (1280, 800)
    assert sizes == {
        "dashboard": desktop,
        "person": desktop,
        "request": desktop,
        "campaign": desktop,
        "portal": desktop,
        "portal-360": (360, 740),
    }
    # the demo was built elsewhere: nothing of it is left in the user's home
    assert not (home / "rekisteri.sqlite3").exists()
