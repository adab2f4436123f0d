"""docker-compose.yml and the Dockerfile: services, wiring through Settings' variables, health, volumes.

Docker cannot run here, so the file is checked structurally; ``docker compose config`` also validates
it when the compose plugin is installed.
"""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import typer.main
import yaml
from sqlalchemy import make_url

from app.settings import Settings
from bassin.cli import app

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = ROOT / "docker-compose.yml"
DOCKERFILE = ROOT / "Dockerfile"
ENV_PREFIX = str(Settings.model_config.get("env_prefix", ""))


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    loaded = yaml.safe_load(COMPOSE.read_text(encoding="utf-8"))
    assert isinstance(loaded, dict)
    return loaded


@pytest.fixture(scope="module")
def services(compose: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return compose["services"]


def environment(service: dict[str, Any]) -> dict[str, str]:
    env = service.get("environment") or {}
    if isinstance(env, list):  # the "KEY=value" form
        env = dict(item.split("=", 1) for item in env)
    return {str(k): str(v) for k, v in env.items()}


def interpolate(value: str) -> str:
    """What compose substitutes when the variable is unset: ``${NAME:-default}`` → ``default``."""
    return re.sub(r"\$\{[A-Za-z_][A-Za-z0-9_]*:?-([^}]*)\}", r"\1", value)


def test_the_three_services_are_defined(services: dict[str, dict[str, Any]]) -> None:
    assert set(services) == {"elasticsearch", "postgres", "bassin", "api-1", "api-2"}
    es_image = services["elasticsearch"]["image"]
    assert es_image.startswith("docker.elastic.co/elasticsearch/elasticsearch:8.19.")
    assert services["postgres"]["image"] in {"postgres:16", "pgvector/pgvector:pg16"}


def test_bassin_settings_come_from_variables_settings_reads(services: dict[str, dict[str, Any]]) -> None:
    env = environment(services["bassin"])
    assert ENV_PREFIX == "BASSIN_"
    unknown = [
        k
        for k in env
        if k.startswith(ENV_PREFIX) and k.removeprefix(ENV_PREFIX).lower() not in Settings.model_fields
    ]
    assert unknown == []
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        **{
            k.removeprefix(ENV_PREFIX).lower(): interpolate(v)
            for k, v in env.items()
            if k.startswith(ENV_PREFIX)
        },
    )
    assert settings.effective_lexical_backend == "elasticsearch"
    assert settings.resolved_database_url.startswith("postgresql+psycopg://")


def test_database_url_points_at_the_postgres_service(services: dict[str, dict[str, Any]]) -> None:
    url = make_url(interpolate(environment(services["bassin"])["BASSIN_DATABASE_URL"]))
    pg = {k: interpolate(v) for k, v in environment(services["postgres"]).items()}

    assert url.drivername == "postgresql+psycopg"
    assert (url.host, url.port) == ("postgres", 5432)
    assert (url.username, url.password, url.database) == (
        pg["POSTGRES_USER"],
        pg["POSTGRES_PASSWORD"],
        pg["POSTGRES_DB"],
    )
    # the password, when overridden, is overridden in both places at once
    raw = environment(services["bassin"])["BASSIN_DATABASE_URL"]
    assert environment(services["postgres"])["POSTGRES_PASSWORD"] in raw


def test_elasticsearch_is_a_single_node_without_security_and_a_1g_heap(
    services: dict[str, dict[str, Any]],
) -> None:
    es = environment(services["elasticsearch"])
    url = make_url(environment(services["bassin"])["BASSIN_ELASTICSEARCH_URL"].replace("http://", "es://"))

    assert es["discovery.type"] == "single-node"
    assert es["xpack.security.enabled"] == "false"
    assert set(es["ES_JAVA_OPTS"].split()) == {"-Xms1g", "-Xmx1g"}
    assert (url.host, url.port) == ("elasticsearch", 9200)


def test_bassin_starts_once_both_stores_are_healthy(services: dict[str, dict[str, Any]]) -> None:
    for name in ("elasticsearch", "postgres"):
        check = services[name]["healthcheck"]
        assert check["test"][0] in {"CMD", "CMD-SHELL"} and len(check["test"]) > 1
        assert check["retries"] > 0
    depends = services["bassin"]["depends_on"]
    assert depends == {
        "elasticsearch": {"condition": "service_healthy"},
        "postgres": {"condition": "service_healthy"},
    }
    assert "healthcheck" in services["postgres"] and "pg_isready" in " ".join(
        services["postgres"]["healthcheck"]["test"]
    )


def test_named_volumes_are_declared_and_hold_the_data(compose: dict[str, Any]) -> None:
    declared = set(compose.get("volumes") or {})
    mounts = {
        name: [str(v).split(":") for v in service.get("volumes", [])]
        for name, service in compose["services"].items()
    }
    used = {
        parts[0] for entries in mounts.values() for parts in entries if not parts[0].startswith((".", "/"))
    }

    assert used == declared
    assert "/data" in {parts[1] for parts in mounts["bassin"]}
    assert environment(compose["services"]["bassin"])["BASSIN_DATA_DIR"] == "/data"
    assert "/var/lib/postgresql/data" in {parts[1] for parts in mounts["postgres"]}
    assert "/usr/share/elasticsearch/data" in {parts[1] for parts in mounts["elasticsearch"]}


def parse_cli(argv: list[str]) -> Any:
    """Parse a ``bassin`` command line as the CLI would, without running it; raises on any usage error."""
    command: Any = typer.main.get_command(app)
    context, name = None, "bassin"
    while isinstance(getattr(command, "commands", None), dict):  # a group: the next word names the command
        context = command.context_class(command, info_name=name, parent=context)
        name, *argv = argv
        command = command.get_command(context, name)
        assert command is not None, f"unknown command: bassin … {name}"
    return command.make_context(name, list(argv), parent=context)


def test_bassin_command_runs_real_cli_commands_on_shipped_files(services: dict[str, dict[str, Any]]) -> None:
    command = services["bassin"]["command"]
    script = command[-1] if isinstance(command, list) else command
    calls = [shlex.split(part) for part in script.split("&&")]

    assert [c[0] for c in calls] == ["bassin"] * len(calls)
    assert "serve" not in {c[1] for c in calls}
    assert [parse_cli(c[1:]).command.name for c in calls] == ["offers", "stats", "search"]
    paths = [arg for call in calls for arg in call if arg.startswith("data/")]
    assert paths and all((ROOT / p).is_file() for p in paths)


def test_dockerfile_builds_the_package_from_python_slim(services: dict[str, dict[str, Any]]) -> None:
    build = services["bassin"]["build"]
    context = build if isinstance(build, str) else build.get("context", ".")
    assert (ROOT / context / "Dockerfile").resolve() == DOCKERFILE
    lines = [line.strip() for line in DOCKERFILE.read_text(encoding="utf-8").splitlines()]

    assert [line for line in lines if line.startswith("FROM ")] == ["FROM python:3.11-slim"]
    installs = [line for line in lines if re.search(r'pip install (-e )?"?\.', line)]
    assert installs and all("${EXTRAS:+[$EXTRAS]}" in line for line in installs)
    # Lean unless built with --build-arg EXTRAS=transformers: torch only then.
    assert 'ARG EXTRAS=""' in lines
    torch = [line for line in lines if "pip install" in line and "torch" in line]
    assert torch and all('[ -n "$EXTRAS" ]' in line for line in torch)
    copied = [line.split()[1] for line in lines if line.startswith("COPY ")]
    assert all((ROOT / src).exists() for src in copied)
    package_dirs = {"bassin", "app", "retrieval", "store", "ingestion", "data"}  # CLI, wiring, engine, offers
    assert package_dirs <= set(copied)


def test_docker_compose_accepts_the_file() -> None:
    docker = shutil.which("docker")
    if docker is None or subprocess.run([docker, "compose", "version"], capture_output=True).returncode != 0:
        pytest.skip("docker compose is not installed here")
    checked = subprocess.run(
        [docker, "compose", "-f", str(COMPOSE), "config", "--quiet"], capture_output=True, text=True, cwd=ROOT
    )
    assert checked.returncode == 0, checked.stderr


def test_api_instances_share_every_store_and_keep_no_state(services: dict[str, dict[str, Any]]) -> None:
    """The "scale" profile: two API instances, nothing per instance (issue 17)."""
    for name in ("api-1", "api-2"):
        api = services[name]
        env = {k: interpolate(v) for k, v in environment(api).items()}
        settings = Settings(
            _env_file=None,  # type: ignore[call-arg]
            **{k.removeprefix(ENV_PREFIX).lower(): v for k, v in env.items() if k.startswith(ENV_PREFIX)},
        )
        assert api["profiles"] == ["scale"] and "volumes" not in api
        assert settings.vector_backend in {"elasticsearch", "pgvector"}
        assert settings.effective_lexical_backend == "elasticsearch"
        assert settings.resolved_database_url.startswith("postgresql+psycopg://")
        assert parse_cli(api["command"][1:]).command.name == "serve"
    assert services["api-1"]["ports"] != services["api-2"]["ports"]
    assert services["postgres"]["image"] == "pgvector/pgvector:pg16"  # pgvector available either way
