"""The container: the Dockerfile runs as a user without privileges and copies no secret, the
compose file holds PostgreSQL, the server and the worker with data and secrets on volumes,
and the image builds where a container engine answers."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[4]
DOCKERFILE = ROOT / "Dockerfile"
COMPOSE = ROOT / "compose.yaml"


def instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) of the Dockerfile, continuation lines joined."""
    text = re.sub(r"\\\n", " ", DOCKERFILE.read_text(encoding="utf-8"))
    out = []
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            word, _, rest = line.partition(" ")
            out.append((word.upper(), rest.strip()))
    return out


def test_the_image_starts_from_slim_python_and_installs_the_app_as_a_package():
    steps = instructions()
    assert steps[0] == ("FROM", "python:3.11-slim")
    assert any(word == "RUN" and "pip install ." in args for word, args in steps)
    assert ("ENTRYPOINT", '["rekisteri"]') in steps
    assert any(word == "CMD" and '"serve"' in args for word, args in steps)


def test_the_image_runs_as_a_user_without_privileges():
    users = [args for word, args in instructions() if word == "USER"]
    assert users, "no USER: the server would run as root"
    name = users[-1].split(":")[0]
    assert name not in ("root", "0")


def test_no_secret_or_data_is_copied_into_the_image():
    copied = [args for word, args in instructions() if word in ("COPY", "ADD")]
    assert copied
    for args in copied:
        sources = args.split()[:-1]
        for source in sources:
            assert not re.search(r"secret|\.env|var\b|sqlite|key", source, re.I), args
            assert source != ".", "copying the whole checkout could take secrets along"
    ignored = (ROOT / ".dockerignore").read_text(encoding="utf-8").split()
    for name in ("var", "**/secrets", ".venv", ".git", "**/*.sqlite3*", ".env"):
        assert name in ignored
    for word, args in instructions():
        if word in ("ENV", "ARG"):
            assert not re.search(r"SECRET|_KEY|PASSWORD", args), args


def test_compose_runs_postgresql_the_server_and_the_worker_with_data_and_secrets_on_volumes():
    compose = yaml.safe_load(COMPOSE.read_text(encoding="utf-8"))
    services = compose["services"]
    assert services["db"]["image"].startswith("postgres:")
    assert services["server"]["command"][0] == "serve"
    assert services["worker"]["command"] == ["worker"]
    for name in ("server", "worker", "migrate"):
        volumes = services[name]["volumes"]
        assert "data:/data" in volumes and "secrets:/data/secrets" in volumes
        assert services[name]["environment"]["DATABASE_URL"].startswith("postgres://")
    assert {"data", "secrets", "pgdata"} <= set(compose["volumes"])
    # The database password comes from the environment, never from the file itself.
    assert "${POSTGRES_PASSWORD:?" in services["db"]["environment"]["POSTGRES_PASSWORD"]


def _engine_answers() -> str:
    """Why the build cannot be tried here; "" when it can."""
    if shutil.which("docker") is None:
        return "no docker client on this machine"
    info = subprocess.run(
        ["docker", "info"], capture_output=True, text=True, timeout=60, check=False
    )
    if info.returncode != 0:
        return "the docker client finds no running container engine (`docker info` failed)"
    return ""


@pytest.mark.slow
def test_the_image_builds_where_a_container_engine_answers():
    reason = _engine_answers()
    if reason:
        pytest.skip(f"cannot build the image: {reason}")
    built = subprocess.run(
        ["docker", "build", "--quiet", "--tag", "rekisteri:test", str(ROOT)],
        capture_output=True,
        text=True,
        timeout=1800,
        check=False,
    )
    assert built.returncode == 0, built.stderr[-4000:]
    user = subprocess.run(
        ["docker", "run", "--rm", "--entrypoint", "id", "rekisteri:test", "-u"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert user.stdout.strip() not in ("", "0")
