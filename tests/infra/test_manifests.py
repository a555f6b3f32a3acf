"""The Kubernetes manifests are valid objects of the Kubernetes API (checked against its
OpenAPI schemas, strictly: an unknown field fails) and describe the deployment the operations
guide promises: probes, autoscaling, disruption budgets, one CronJob per scheduled command and
secrets by reference only."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import kubernetes_validate
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
K8S = ROOT / "infra" / "k8s"
KUBERNETES_VERSION = "1.32"


def documents() -> list[tuple[str, dict[str, Any]]]:
    found = []
    for path in sorted(K8S.glob("*.yaml")):
        for doc in yaml.safe_load_all(path.read_text()):
            if doc and doc.get("kind") != "Kustomization":
                found.append((path.name, doc))
    return found


def by_kind(kind: str) -> dict[str, dict[str, Any]]:
    return {doc["metadata"]["name"]: doc for _, doc in documents() if doc["kind"] == kind}


@pytest.mark.parametrize(("name", "doc"), documents(),
                         ids=lambda v: v if isinstance(v, str) else v["kind"])
def test_every_manifest_is_a_valid_kubernetes_object(name: str, doc: dict[str, Any]) -> None:
    kubernetes_validate.validate(doc, KUBERNETES_VERSION, strict=True)


def test_the_validator_refuses_a_misspelt_field() -> None:
    web = by_kind("Deployment")["web"]
    broken = yaml.safe_load(yaml.safe_dump(web))
    broken["spec"]["template"]["spec"]["containers"][0]["livenesProbe"] = {}
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(broken, KUBERNETES_VERSION, strict=True)


def test_kustomization_lists_every_manifest() -> None:
    kustomization = yaml.safe_load((K8S / "kustomization.yaml").read_text())
    files = {p.name for p in K8S.glob("*.yaml")} - {"kustomization.yaml"}
    assert set(kustomization["resources"]) == files


def _container(deployment: dict[str, Any]) -> dict[str, Any]:
    return deployment["spec"]["template"]["spec"]["containers"][0]


def test_web_pods_are_probed_autoscaled_and_protected_from_drains() -> None:
    web = by_kind("Deployment")["web"]
    container = _container(web)
    assert container["livenessProbe"]["httpGet"]["path"] == "/healthz"
    assert container["readinessProbe"]["httpGet"]["path"] == "/readyz/core"
    assert "uvicorn" in container["args"]
    hpa = by_kind("HorizontalPodAutoscaler")["web"]
    assert hpa["spec"]["scaleTargetRef"]["name"] == "web"
    assert hpa["spec"]["minReplicas"] >= 2
    assert by_kind("PodDisruptionBudget")["web"]["spec"]["minAvailable"] >= 1
    ingress = by_kind("Ingress")["espace-collaboratif"]
    annotations = ingress["metadata"]["annotations"]
    assert int(annotations["nginx.ingress.kubernetes.io/proxy-read-timeout"]) >= 3600


def test_every_scheduled_command_has_a_cronjob() -> None:
    timers = {re.search(r"manage\.py (\w+)", p.read_text()).group(1)  # type: ignore[union-attr]
              for p in (ROOT / "infra" / "systemd").glob("*.service")
              if "ExecStart" in p.read_text() and "manage.py" in p.read_text()
              and p.with_suffix(".timer").exists()}
    cron_commands = {_container(job["spec"]["jobTemplate"])["args"][-1]
                     for job in by_kind("CronJob").values()}
    assert timers <= cron_commands
    assert {"prune_events", "purge_document_trash"} <= cron_commands


def test_cronjob_and_job_commands_exist() -> None:
    from django.core.management import get_commands

    known = set(get_commands())
    for job in by_kind("CronJob").values():
        assert _container(job["spec"]["jobTemplate"])["args"][-1] in known
    for deployment in by_kind("Deployment").values():
        args = _container(deployment).get("args", [])
        if args[:2] == ["python", "manage.py"]:
            assert args[2] in known


def test_secrets_are_referenced_never_committed() -> None:
    assert by_kind("Secret") == {}
    for name, doc in documents():
        text = yaml.safe_dump(doc)
        assert "SECRET_KEY:" not in text and "PASSWORD:" not in text, name
    for deployment in by_kind("Deployment").values():
        if deployment["metadata"]["name"] == "static":
            continue
        refs = [source for source in _container(deployment)["envFrom"] if "secretRef" in source]
        assert refs == [{"secretRef": {"name": "espace-collaboratif-secrets"}}]
