"""Fuzzing the whole API against its own OpenAPI schema (schemathesis), as `st run` would.

Schemathesis' engine reads /api/v1/openapi.json from a live server (pytest-django's
`live_server`, real HTTP) and runs every
phase over every operation: the schema's examples, the coverage phase (boundary and
invalid values of every parameter), fuzzing, and the stateful phase, which follows the
schema's links (POST /persons → GET/PATCH /persons/{id}, consent, the access log, …). All
checks but one run on every answer: no server error, status, content type, headers and
body as documented, schema-invalid input refused, nothing without a token or with a bad
one, and object-level authorisation. For that last one each role has two users, one of the
Finnish and one of the Swedish group company (a WFC auth document with both as peers):
what one creates, the other must not get (404/403, never 200).

`positive_data_acceptance` is left out on purpose: the schema says "a string" for an email
address or a phone number, and the register (rightly) refuses most strings with 422.

The budget is a setting: `REKISTERI_FUZZ_EXAMPLES` (examples per operation and phase;
stateful steps five times that; default 5, a minute or two per role on two cores). A deeper
run before a release, on both databases:

    REKISTERI_FUZZ_EXAMPLES=500 pytest -p no:cacheprovider src/rekisteri/api/tests/test_schemathesis.py
"""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from schemathesis.config import SchemathesisConfig
from schemathesis.engine import Status, events

from rekisteri.access.selectors import system_scope
from rekisteri.api.auth import token_create
from rekisteri.audit.services import Actor
from rekisteri.register.services import organization_create
from rekisteri.testing.fixtures import make_staff

# The roles whose operations differ: persons, organisations and interactions (sales),
# consent, requests, the access log and the audit chain (the DPO; marketing reaches only
# the consent operations, which the DPO reaches too).
ROLES = ("sales", "dpo")


def _budget() -> int:
    return int(os.environ.get("REKISTERI_FUZZ_EXAMPLES", "5"))


def _config(auth_document: Path, peers: list[str]) -> SchemathesisConfig:
    examples = _budget()
    return SchemathesisConfig.from_dict(
        {
            # The same cases on every run, so that a failure is a change, not bad luck.
            "seed": 14,
            "workers": 1,
            # No state kept between runs (.schemathesis/): each run stands on its own.
            "cache": {"enabled": False},
            "generation": {"max-examples": examples, "mode": "all", "deterministic": True},
            "phases": {
                "examples": {"enabled": True},
                "coverage": {"enabled": True},
                "fuzzing": {"enabled": True},
                "stateful": {"enabled": True, "max-steps": examples * 5},
            },
            "checks": {"positive_data_acceptance": {"enabled": False}},
            "auth": {"wfc": {"path": str(auth_document), "peers": peers}},
        }
    )


def _failures(stream: Any) -> list[str]:
    found: list[str] = []
    for event in stream:
        if isinstance(event, events.NonFatalError | events.FatalError):
            found.append(f"error: {getattr(event, 'label', '')}: {event.info.message}")
        recorder = getattr(event, "recorder", None)
        if isinstance(event, events.ScenarioFinished | events.FuzzScenarioFinished) and recorder:
            for case_id, checks in recorder.checks.items():
                for check in checks:
                    if check.status == Status.FAILURE and check.failure_info is not None:
                        failure = check.failure_info.failure
                        found.append(
                            f"{check.name}: {failure.title}\n{failure.message}\n"
                            f"{check.failure_info.code_sample}"
                        )
                        del case_id
    return found


@pytest.fixture
def records(fi_controller: Any, se_controller: Any, make_person: Any) -> None:
    # A few real records of each group company, so that generated ids (small first) find some.
    for controller in (fi_controller, se_controller):
        for name in ("Virtanen", "Korhonen"):
            make_person(last_name=name, controller=controller)
        organization_create(
            actor=Actor("test"),
            controller=controller,
            data={"name": f"Alfa {controller.code}"},
            scope=system_scope("test"),
        )


@pytest.mark.slow
@pytest.mark.parametrize("role", ROLES)
def test_the_api_holds_under_fuzzing_as_two_users_of_a_role(
    role: str,
    live_server: Any,
    records: None,
    fi_controller: Any,
    se_controller: Any,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    # Over HTTP to a live server, as `st run` does; 4xx answers are the point, not news.
    caplog.set_level(logging.CRITICAL, logger="django.request")
    caplog.set_level(logging.CRITICAL, logger="django.server")
    users = {
        f"{role}-fi": make_staff(f"{role}-fi", [role], [fi_controller]),
        f"{role}-se": make_staff(f"{role}-se", [role], [se_controller]),
    }
    document = tmp_path / "auth.json"
    document.write_text(
        json.dumps(
            {
                "auth": [
                    {
                        "name": name,
                        "fixedHeaders": [
                            {
                                "name": "Authorization",
                                "value": f"Bearer {token_create(user=user, actor='test')}",
                            }
                        ],
                    }
                    for name, user in users.items()
                ]
            }
        )
    )
    config = _config(document, list(users))
    schema = schemathesis.openapi.from_url(f"{live_server.url}/api/v1/openapi.json", config=config)
    failures = _failures(schemathesis.engine.from_schema(schema).execute())
    assert not failures, "\n\n".join(failures)
