"""/healthz in the permission matrix: public, no login (see rekisteri.testing.matrix)."""

from __future__ import annotations

from rekisteri.testing.matrix import Case

CASES = {"health:healthz": Case()}
