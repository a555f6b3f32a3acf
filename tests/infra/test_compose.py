"""docker-compose.yml describes the whole production-like stack. Docker does not run on these
machines, so the file's structure is checked here (and the same topology runs without Docker
in test_nginx_stack.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[2]
INFRA = ROOT / "infra"


def compose() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((INFRA / "docker-compose.yml").read_text())
    return data


def test_the_stack_has_every_component() -> None:
    services = compose()["services"]
    assert {"postgres", "redis", "minio", "app1", "app2", "worker", "scheduler", "nginx",
            "mailpit", "migrate"} <= set(services)


def test_dependencies_name_existing_services() -> None:
    services = compose()["services"]
    for name, service in services.items():
        for dependency in service.get("depends_on", {}):
            assert dependency in services, (name, dependency)


def test_application_services_share_one_image_and_configuration() -> None:
    services = compose()["services"]
    apps = [services[name] for name in ("app1", "app2", "worker", "scheduler", "migrate")]
    assert len({service["image"] for service in apps}) == 1
    environments = [service["environment"] for service in apps]
    assert all(env == environments[0] for env in environments)
    env = environments[0]
    assert env["DEBUG"] == "false"
    assert "SECRET_KEY" not in env and env["SECRET_KEY_FILE"].startswith("/run/secrets/")
    for host in ("postgres", "redis", "minio", "mailpit"):
        assert host in " ".join(str(v) for v in env.values()), host


def test_files_it_mounts_and_builds_from_exist() -> None:
    data = compose()
    for secret in data["secrets"].values():
        assert (INFRA / secret["file"]).is_file()
    assert (ROOT / data["services"]["app1"]["build"]["context"].replace("..", ".")
            / data["services"]["app1"]["build"]["dockerfile"]).is_file()
    for volume in data["services"]["nginx"]["volumes"]:
        source = volume.split(":")[0]
        if source.startswith("./"):
            assert (INFRA / source).is_file(), source


def test_nginx_sends_traffic_to_both_application_processes() -> None:
    upstreams = (INFRA / "nginx" / "upstreams-compose.conf").read_text()
    assert "server app1:8000" in upstreams and "server app2:8000" in upstreams
    env = compose()["services"]["nginx"]["environment"]
    template = (INFRA / "nginx" / "espace-collaboratif.conf.template").read_text()
    for name in env:
        assert "${" + name + "}" in template, name


def test_commands_it_runs_exist() -> None:
    from django.core.management import get_commands

    known = set(get_commands())
    services = compose()["services"]
    assert services["worker"]["command"][:3] == ["python", "manage.py", "db_worker"]
    scripts = services["scheduler"]["command"][-1] + services["migrate"]["command"][-1]
    for word in scripts.split():
        if word.startswith("send_") or word.startswith("prune") or word.startswith("purge"):
            assert word.rstrip(";") in known, word
