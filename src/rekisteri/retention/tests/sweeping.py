"""Running the sweep and placing holds in tests, as the system and a DPO do.

`sweep(as_of=day)` runs the sweep under a system scope on the day `day` (the service refuses
a day later than today, so the test makes it that day); `place_hold(...)` places a hold under
a system scope holding the capability to manage holds (every group company).
"""

from __future__ import annotations

from datetime import date
from typing import Any
from unittest import mock

from rekisteri.access.capabilities import Cap
from rekisteri.audit.services import Actor
from rekisteri.audit.work import system_scope
from rekisteri.retention import services


def sweep(*, as_of: date | None = None, **kwargs: Any) -> services.SweepResult:
    scope = system_scope("test sweep", actor=services.SWEEP_ACTOR, capabilities=())
    if as_of is None:
        return services.retention_sweep(scope=scope, **kwargs)
    with mock.patch.object(services, "_today", return_value=as_of):
        return services.retention_sweep(scope=scope, as_of=as_of, **kwargs)


def place_hold(*, actor: Actor | None = None, **kwargs: Any) -> Any:
    scope = system_scope("test legal hold", actor="system", capabilities=[Cap.MANAGE_LEGAL_HOLDS])
    return services.legal_hold_place(scope=scope, actor=actor or Actor("dpo"), **kwargs)
