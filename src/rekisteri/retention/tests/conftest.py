"""Retention tests keep interaction files in a temporary directory of their own."""

from __future__ import annotations

from typing import Any

import pytest


@pytest.fixture(autouse=True)
def files_dir(settings: Any, tmp_path: Any) -> Any:
    settings.FILES_DIR = tmp_path / "files"
    return settings.FILES_DIR
