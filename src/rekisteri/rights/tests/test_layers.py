"""The apps import each other in one order (docs/layers.md), checked against the real imports.

A module may import, at module level, from its own layer and the layers below it. A
function-level ("late") import that goes up is allowed only where it is listed below with
its reason. Checked for the apps whose access rules issue 12 closed (rights, portal, audit,
retention, breaches, disclosures, notice, stats); the others are listed for the report.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

#: lowest first; a name is an app ("rights") or a module of one ("audit.services")
LAYERS: list[set[str]] = [
    # the erasure ledger; the job queue's table and claiming (marketing queues its sends)
    {
        "common",
        "settings",
        "backup.ledger",
        "jobs.models",
        "jobs.registry",
        "jobs.queue",
        "jobs.apps",
    },
    # the audit trail is written by everything above (models and writing only)
    {"audit.models", "audit.services", "audit.guard", "audit.apps"},
    {"catalogue"},
    {"access", "api.errors", "api.auth"},
    # the register; the sanctions and PEP lists (files a user loads; no register data)
    {"register", "watchlists"},
    # reading the trail and describing work (system scopes, purposes of work)
    {"audit"},
    {"interactions", "consent", "disclosures", "breaches", "imports", "mail", "kyc", "enrichment"},
    {"marketing", "screening"},
    # retention's rules: what is due, when a person's data goes, holds in force
    {
        "retention.models",
        "retention.periods",
        "retention.conditions",
        "retention.engine",
        "retention.evaluation",
        "retention.selectors",
    },
    {"rights"},
    # retention's work (the sweep deletes the packages of the persons it deletes)
    {"retention", "portal"},
    {"notice", "stats"},
    {
        "staff",
        "api",
        "urls",
        "bench",
        "cli",
        "wsgi",
        "testing",
        "conftest",
        "health",
        "backup",
        "jobs",
    },
]

CHECKED = (
    "rights",
    "portal",
    "audit",
    "retention",
    "breaches",
    "disclosures",
    "kyc",
    "enrichment",
    "screening",
    "notice",
    "stats",
    "mail",
    "jobs",
    "watchlists",
)

#: upward imports inside a function, each with why it cannot go down
ALLOWED_LATE: dict[tuple[str, str], str] = {}


def _layer(module: str) -> int:
    name = module.removeprefix("rekisteri.")
    best, depth = -1, -1
    for i, names in enumerate(LAYERS):
        for n in names:
            if (name == n or name.startswith(n + ".")) and n.count(".") > depth:
                best, depth = i, n.count(".")
    if best < 0:
        raise AssertionError(f"{module} is in no layer of docs/layers.md")
    return best


def _imports() -> list[tuple[str, str, bool]]:
    out = []
    for path in sorted(ROOT.rglob("*.py")):
        rel = path.relative_to(ROOT.parent)
        if "tests" in rel.parts or "migrations" in rel.parts:
            continue
        module = ".".join(rel.with_suffix("").parts).removesuffix(".__init__")
        tree = ast.parse(path.read_text(encoding="utf-8"))
        top = {id(node) for node in tree.body}
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module:
                targets = [node.module]
            elif isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            else:
                continue
            for target in targets:
                if target.startswith("rekisteri."):
                    out.append((module, target, id(node) in top))
    return out


IMPORTS = _imports()


def _app(module: str) -> str:
    return module.split(".")[1]


@pytest.mark.parametrize("app", CHECKED)
def test_app_imports_only_its_own_layer_and_those_below(app: str) -> None:
    upward = []
    for module, target, top in IMPORTS:
        if _app(module) != app or _app(target) == app:
            continue
        if _layer(target) <= _layer(module):
            continue
        if top or (module, target) not in ALLOWED_LATE:
            upward.append(f"{module} -> {target}" + ("" if top else " (late)"))
    assert not upward, "imports going up the layers (docs/layers.md):\n  " + "\n  ".join(upward)


def test_every_module_is_in_a_layer() -> None:
    for module, target, _top in IMPORTS:
        _layer(module)
        _layer(target)


def test_no_shim_hides_a_missing_app() -> None:
    """rights/integrations.py answered "no holds" when retention's function was missing: no
    module of these apps imports another app by name at run time."""
    assert not (ROOT / "rights" / "integrations.py").exists()
    for app in CHECKED:
        for path in (ROOT / app).rglob("*.py"):
            if "tests" in path.parts:
                continue
            source = path.read_text(encoding="utf-8")
            assert "import_module(" not in source, f"{path} imports an app by name"
            assert "is_installed(" not in source, f"{path} asks whether an app is there"
