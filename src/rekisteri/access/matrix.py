"""The permission matrix: who may reach each URL and API operation.

Every app declares its own rules in `<app>/access_matrix.py`:

    from rekisteri.access.matrix import ALL_STAFF, Rule

    MATRIX = {
        "register:person_list": Rule(roles=ALL_STAFF),
        "portal:notice": Rule(public=True),
        "api:person_get": Rule(roles=ALL_STAFF),          # API operations: "api:<operationId>"
        "rights:request_queue": Rule(roles=frozenset({"dpo"})),
    }

`access/tests/test_permission_matrix.py` enumerates every URL pattern and API operation and
fails for one that no matrix names, then checks each role, anonymous and a user of another
group company against the rule.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib import import_module

ROLES = frozenset(
    {"sales", "customer_service", "finance", "marketing", "compliance", "dpo", "admin"}
)
ALL_STAFF = ROLES


@dataclass(frozen=True)
class Rule:
    roles: frozenset[str] = field(default_factory=frozenset)
    public: bool = False
    #: path kwargs to use when the matrix test calls the URL; values may be callables of a
    #: fixture dict, e.g. {"person_id": lambda f: f["person"].pk}
    kwargs: dict = field(default_factory=dict)
    #: the HTTP method to test with (a POST-only view is tested with POST)
    method: str = "GET"


def all_rules() -> dict[str, Rule]:
    from django.apps import apps

    rules: dict[str, Rule] = {}
    for config in apps.get_app_configs():
        if not config.name.startswith("rekisteri."):
            continue
        try:
            module = import_module(f"{config.name}.access_matrix")
        except ModuleNotFoundError as exc:
            if exc.name != f"{config.name}.access_matrix":
                raise
            continue
        rules.update(module.MATRIX)
    return rules
