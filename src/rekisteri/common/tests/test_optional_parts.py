"""Test code and optional parts stay out of a production install.

`pip install .` carries neither Faker nor aiosmtpd (the benchmark and the demo's generator
are the `[bench]` and `[demo]` extras, which the README's commands install), but it carries
every package the product's own modules import (a missing one broke `rekisteri demo` when
screening's matcher began to use numpy, which only the test extras had); without its extra,
`rekisteri bench` or `rekisteri demo` says which one to install. The product ships no
command that lifts the audit trail's guard, and answers to no test host name by default.
"""

from __future__ import annotations

import importlib
import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command, get_commands

from rekisteri import cli

ROOT = Path(__file__).resolve().parents[4]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def _name(requirement: str) -> str:
    return re.split(r"[<>=!~\[; ]", requirement, maxsplit=1)[0].lower()


def test_a_production_install_carries_neither_faker_nor_aiosmtpd() -> None:
    core = {_name(r) for r in PYPROJECT["dependencies"]}
    assert not core & {"faker", "aiosmtpd"}
    extras = PYPROJECT["optional-dependencies"]
    assert {_name(r) for r in extras["demo"]} == {"faker"}
    assert {"numpy", "faker", "aiosmtpd"} <= {_name(r) for r in extras["bench"]}
    assert "rekisteri[bench,demo]" in extras["test"]  # the tests cover the optional parts


def test_the_readme_commands_install_the_extras_they_run() -> None:
    assert '.venv/bin/pip install -q -e ".[demo]" && .venv/bin/rekisteri demo' in README
    test_command = README.split("<!-- test-command -->")[1].split("<!-- /test-command -->")[0]
    assert '-e ".[test]"' in test_command and "pytest" in test_command


@pytest.mark.parametrize(
    ("command", "module", "extra"),
    [
        ("bench", "numpy", "bench"),
        ("bench", "aiosmtpd", "bench"),
        ("demo", "faker", "demo"),
        ("screenshots", "playwright", "test"),
    ],
)
def test_an_optional_command_without_its_extra_says_which_to_install(
    command: str, module: str, extra: str, monkeypatch: Any, capsys: Any
) -> None:
    monkeypatch.setitem(sys.modules, module, None)  # `import module` now fails
    monkeypatch.setattr(sys, "argv", ["rekisteri", command])

    with pytest.raises(SystemExit) as exit_:
        cli.main()

    assert exit_.value.code == 2
    message = capsys.readouterr().err
    assert f"pip install 'rekisteri[{extra}]'" in message
    assert f"`rekisteri {command}`" in message and module in message


def test_with_its_extra_an_optional_command_runs() -> None:
    assert cli.missing_extra("bench") == ""
    assert cli.missing_extra("demo") == ""
    assert cli.missing_extra("migrate") == ""


def test_bench_called_from_code_without_numpy_refuses_with_the_extra(monkeypatch: Any) -> None:
    monkeypatch.setitem(sys.modules, "numpy", None)
    with pytest.raises(CommandError, match=r"pip install 'rekisteri\[bench\]'"):
        call_command("bench", "--persons", "10")


def test_the_demo_generator_without_faker_names_the_extra(monkeypatch: Any) -> None:
    monkeypatch.setitem(sys.modules, "faker", None)
    monkeypatch.delitem(sys.modules, "rekisteri.imports.demo_data", raising=False)
    with pytest.raises(ImportError, match=r"pip install 'rekisteri\[demo\]'"):
        importlib.import_module("rekisteri.imports.demo_data")


def test_the_product_has_no_command_that_lifts_the_audit_guard() -> None:
    # `flush` is Django's own, which the append-only triggers refuse; only the test
    # session lifts them (rekisteri.testing.audit).
    assert get_commands()["flush"] == "django.core"


def test_testserver_is_not_a_default_allowed_host(tmp_path: Path) -> None:
    env = {
        k: v for k, v in os.environ.items() if k not in ("ALLOWED_HOSTS", "DJANGO_SETTINGS_MODULE")
    }
    env["REKISTERI_HOME"] = str(tmp_path)
    code = (
        "import os; os.environ['DJANGO_SETTINGS_MODULE'] = 'rekisteri.settings'; "
        "from django.conf import settings; print(','.join(settings.ALLOWED_HOSTS))"
    )
    out = subprocess.run(  # noqa: S603 - our own interpreter
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    ).stdout.strip()
    assert out.split(",") == ["127.0.0.1", "localhost"]


#: what a module outside the product's own code may import without a core dependency:
#: the optional commands, which name their extra when it is missing (`cli.missing_extra`)
_OPTIONAL_MODULES = {"bench/", "testing/", "imports/demo_data.py", "watchlists/quality/"}
_OPTIONAL_IMPORTS = {"staff/management/commands/screenshots.py": {"playwright"}}


def test_every_package_the_product_imports_is_a_core_dependency() -> None:
    import ast
    from importlib.metadata import packages_distributions

    core = {_name(r).replace("_", "-") for r in PYPROJECT["dependencies"]}
    distributions = packages_distributions()
    src = ROOT / "src" / "rekisteri"
    missing: dict[str, str] = {}
    for path in sorted(src.rglob("*.py")):
        rel = path.relative_to(src).as_posix()
        if (
            "/tests/" in rel
            or "conftest" in rel
            or any(rel.startswith(o) for o in _OPTIONAL_MODULES)
        ):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [a.name.split(".")[0] for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module.split(".")[0]]
            else:
                continue
            for name in names:
                if name in sys.stdlib_module_names or name in ("rekisteri", "__future__"):
                    continue
                if name in _OPTIONAL_IMPORTS.get(rel, ()):
                    continue
                dists = {d.lower().replace("_", "-") for d in distributions.get(name, [name])}
                if not dists & core:
                    missing.setdefault(name, rel)
    assert missing == {}
