"""The production topology on loopback, from the files in infra/: nginx (rendered from its
template) in front of uvicorn processes, a task worker, a private Redis, moto's S3 server and
the loopback SMTP server."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from tests.servers import ROOT, ServerProcess, free_port, stop, wait_for_port
from tests.servers import test_database_url as database_url

TEMPLATE = ROOT / "infra" / "nginx" / "espace-collaboratif.conf.template"
METRICS_TOKEN = "jeton-des-metriques"


@dataclass(frozen=True)
class Front:
    """nginx's public address, usable wherever the test clients take a server process."""

    port: int

    @property
    def http(self) -> str:
        return f"https://127.0.0.1:{self.port}"

    @property
    def ws(self) -> str:
        return f"wss://127.0.0.1:{self.port}/ws/"


def certificate(folder: Path) -> tuple[Path, Path]:
    cert, key = folder / "tls.crt", folder / "tls.key"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
         "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True,
    )
    return cert, key


def production_env(*, data_dir: Path, front_port: int, s3_endpoint: str, smtp_port: int,
                   redis_url: str) -> dict[str, str]:
    return {
        "DEBUG": "false",
        "SECRET_KEY": "cle-de-la-pile-de-test-0123456789abcdefghijklmnopqrstuvwxyz",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "CSRF_TRUSTED_ORIGINS": f"https://127.0.0.1:{front_port}",
        "SITE_URL": f"https://127.0.0.1:{front_port}",
        "DATA_DIR": str(data_dir),
        "STATIC_MANIFEST": "true",
        "S3_BUCKET": "pile-de-test",
        "S3_ENDPOINT_URL": s3_endpoint,
        "S3_REGION": "us-east-1",
        "S3_ACCESS_KEY_ID": "test",
        "S3_SECRET_ACCESS_KEY": "test",
        "SMTP_HOST": "127.0.0.1",
        "SMTP_PORT": str(smtp_port),
        "SMTP_STARTTLS": "false",
        "REDIS_URL": redis_url,
        "METRICS_TOKEN": METRICS_TOKEN,
        "REALTIME_AUDIT_SECONDS": "0.5",
        "POST_RATE_LIMIT": "0",
        "TASKS_BACKEND": "database",
    }


def manage(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT,
                          env={**os.environ, "DATABASE_URL": database_url(), **env},
                          capture_output=True, text=True, timeout=120, check=True)


@contextmanager
def process(env: dict[str, str], command: list[str], log_name: str,
            port: int | None = None) -> Iterator[subprocess.Popen[bytes]]:
    log = open(ROOT / "var" / log_name, "wb")  # noqa: SIM115
    child = subprocess.Popen(command, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
                             env={**os.environ, "DATABASE_URL": database_url(),
                                  "PYTHONUNBUFFERED": "1", **env})
    try:
        if port is not None:
            wait_for_port(port, child)
        yield child
    finally:
        stop(child)
        log.close()


@contextmanager
def app_process(env: dict[str, str]) -> Iterator[tuple[ServerProcess, subprocess.Popen[bytes]]]:
    """One production web process, started the way infra/systemd and infra/k8s start it."""
    port = free_port()
    command = [sys.executable, "-m", "uvicorn", "collab.asgi:application", "--host",
               "127.0.0.1", "--port", str(port), "--loop", "uvloop", "--http", "httptools",
               "--ws", "websockets-sansio", "--ws-per-message-deflate", "false",
               "--proxy-headers", "--forwarded-allow-ips", "127.0.0.1", "--lifespan", "off",
               "--no-access-log"]
    with process(env, command, f"stack-app-{port}.log", port=port) as child:
        yield ServerProcess(port=port, process=child), child


def render_site(values: dict[str, str]) -> str:
    text = TEMPLATE.read_text()
    missing = set(re.findall(r"\$\{(\w+)\}", text)) - set(values)
    assert not missing, f"template variables without a value: {missing}"
    # Like the nginx image's envsubst: only the named ${VARIABLES}; nginx's own $variables stay.
    return re.sub(r"\$\{(\w+)\}", lambda match: values[match.group(1)], text)


@contextmanager
def nginx(folder: Path, *, port: int, upstreams: list[int], static_root: Path,
          cert: Path, key: Path) -> Iterator[Front]:
    (folder / "upstreams.conf").write_text("".join(
        f"server 127.0.0.1:{p} max_fails=1 fail_timeout=5s;\n" for p in upstreams))
    site = render_site({
        "SERVER_NAME": "127.0.0.1 localhost", "HTTP_PORT": str(free_port()),
        "HTTPS_PORT": str(port), "TLS_CERTIFICATE": str(cert), "TLS_CERTIFICATE_KEY": str(key),
        "STATIC_ROOT": str(static_root), "UPSTREAMS_FILE": str(folder / "upstreams.conf"),
        "MAX_BODY_SIZE": "101m",
        "SECURITY_HEADERS_FILE": str(TEMPLATE.parent / "security-headers.conf"),
    })
    # The stock site listens on [::] too, which a machine without IPv6 refuses.
    site = site.replace("    listen [::]:", "    # listen [::]:")
    (folder / "site.conf").write_text(site)
    user = "user root;\n" if os.geteuid() == 0 else ""
    temp = "".join(f"{name}_temp_path {folder / name};\n"
                   for name in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    (folder / "nginx.conf").write_text(
        f"{user}worker_processes 1;\npid {folder / 'nginx.pid'};\n"
        f"error_log {folder / 'error.log'} warn;\ndaemon off;\n"
        "events { worker_connections 1024; }\n"
        f"http {{\ninclude /etc/nginx/mime.types;\naccess_log {folder / 'access.log'};\n"
        f"{temp}include {folder / 'site.conf'};\n}}\n")
    test = subprocess.run(["nginx", "-t", "-c", str(folder / "nginx.conf"), "-p", str(folder)],
                          capture_output=True, text=True)
    assert test.returncode == 0, test.stderr
    with process({}, ["nginx", "-c", str(folder / "nginx.conf"), "-p", str(folder)],
                 "stack-nginx.log", port=port):
        yield Front(port)
