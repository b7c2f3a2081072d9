"""Background-work routes in the permission matrix (see rekisteri.testing.matrix)."""

from __future__ import annotations

from rekisteri.testing.matrix import Case

CASES = {
    "jobs:status": Case(),
}
