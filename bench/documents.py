"""Document upload and download through the app against an S3-protocol server, beside a direct
boto3 transfer of the same file in the same run.

The bench starts moto's S3 server and one process of the app on loopback (uvicorn, the
production server, by default; ``--servers uvicorn,daphne`` measures ``make run``'s daphne
too, one after the other), with the S3 settings pointed at moto and PostgreSQL (a fresh
``bench_documents`` database) or SQLite behind it. For each size it writes a file of random
bytes behind a PDF header (so it passes content sniffing), then:

* app upload: one multipart POST to ``/api/v1/spaces/<slug>/documents``, streamed from disk;
* anonymous upload: the same POST without a token, which must be refused (401) without the
  server growing by the body's size;
* app download: GET ``/api/v1/documents/<id>/download`` (the permission check, then a redirect
  to a presigned URL) and the object read from moto to the end;
* direct: boto3 ``upload_file`` (default settings: 8 MB parts, 10 threads) and a streamed
  ``get_object`` of the same file.

Throughput is MB/s (MB = 10^6 bytes); the server's memory is its RSS sampled every 10 ms, and
the growth is the peak during a transfer minus the RSS just before it. The issue's target: a
500 MB upload must not grow the server's memory by more than 32 MB.

    python -m bench.documents [--sizes 10,100,500] [--servers uvicorn,daphne]
                              [--database-url postgres://.../bench_documents]
"""

from __future__ import annotations

import argparse
import hashlib
import http.client
import json
import os
import secrets
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from bench.common import free_port, rss_bytes, wait_for_port

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
LOGS = ROOT / "var" / "bench"
REGION = "ca-central-1"
KEY_ID, SECRET = "bench", "bench-secret"  # moto accepts any credentials
EMAIL, PASSWORD = "banc@exemple.qc.ca", "banc-d-essai-42"
SPACE = "banc-documents"
MB = 1_000_000
CHUNK = 1024 * 1024
TARGET_GROWTH_MB = 32.0


# --- processes and memory ----------------------------------------------------------------------
@dataclass
class Sampler:
    """The peak RSS of one process while a block runs, sampled every 10 ms."""

    pid: int
    before: int = 0
    peak: int = 0
    _stop: threading.Event = field(default_factory=threading.Event)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, rss_bytes(self.pid))
            time.sleep(0.01)

    @contextmanager
    def watching(self) -> Iterator[Sampler]:
        self.before = self.peak = rss_bytes(self.pid)
        thread = threading.Thread(target=self._run, daemon=True)
        thread.start()
        try:
            yield self
        finally:
            self._stop.set()
            thread.join()
            self.peak = max(self.peak, rss_bytes(self.pid))

    @property
    def growth_mb(self) -> float:
        return round((self.peak - self.before) / 2**20, 1)


@contextmanager
def process(command: list[str], env: dict[str, str], port: int,
            log_name: str) -> Iterator[subprocess.Popen[bytes]]:
    LOGS.mkdir(parents=True, exist_ok=True)
    with open(LOGS / log_name, "wb") as log:
        proc = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            wait_for_port(port, proc, timeout=60)
            yield proc
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()


# --- the data ----------------------------------------------------------------------------------
def make_file(folder: Path, size: int) -> Path:
    """``size`` bytes: a PDF header, then random bytes (incompressible, nothing to sniff)."""
    path = folder / f"banc-{size}.pdf"
    with open(path, "wb") as out:
        head = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"
        out.write(head)
        left = size - len(head)
        while left > 0:
            step = min(CHUNK * 8, left)
            out.write(os.urandom(step))
            left -= step
    return path


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as source:
        while chunk := source.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def prepare_people(database_url: str) -> str:
    """A space whose limits allow the largest file, its facilitator and an API token."""
    from bench.search import setup_django

    setup_django(database_url)
    from communities.models import Membership, Role, Space, User
    from communities.services.accounts import issue_api_token
    from docs_store.models import SpaceDocumentSettings

    user = User.objects.create_user(EMAIL, PASSWORD, display_name="Banc d'essai")
    space = Space.objects.create(slug=SPACE, name="Banc d'essai des documents")
    Membership.objects.create(space=space, user=user, role=Role.FACILITATOR)
    SpaceDocumentSettings.objects.create(space=space, max_upload_bytes=2 * 1024**3,
                                         quota_bytes=100 * 1024**3)
    return issue_api_token(email=EMAIL, password=PASSWORD)


# --- transfers ---------------------------------------------------------------------------------
def timed(action: Callable[[], Any]) -> tuple[float, Any]:
    started = time.perf_counter()
    result = action()
    return time.perf_counter() - started, result


def app_upload(port: int, token: str | None, path: Path, expect: int = 201) -> dict[str, Any]:
    """One multipart POST, its body streamed from the file with a Content-Length, as a
    browser sends it."""
    boundary = secrets.token_hex(16)
    head = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; "
            f"filename=\"{path.name}\"\r\nContent-Type: application/pdf\r\n\r\n").encode()
    tail = f"\r\n--{boundary}--\r\n".encode()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
    connection.putrequest("POST", f"/api/v1/spaces/{SPACE}/documents")
    if token is not None:
        connection.putheader("Authorization", f"Bearer {token}")
    connection.putheader("Content-Type", f"multipart/form-data; boundary={boundary}")
    connection.putheader("Content-Length", str(len(head) + path.stat().st_size + len(tail)))
    connection.endheaders()
    try:
        connection.send(head)
        with open(path, "rb") as source:
            while chunk := source.read(CHUNK):
                connection.send(chunk)
        connection.send(tail)
    except OSError:
        if expect == 201:
            raise  # a refusal may close before the body is sent; an accepted upload must not
    answer = connection.getresponse()
    body = answer.read()
    connection.close()
    if answer.status != expect:
        raise RuntimeError(f"upload answered {answer.status}: {body[:500]!r}")
    return dict(json.loads(body))


def read_to_end(url: str, headers: dict[str, str] | None = None) -> tuple[int, str, int]:
    """GET ``url``; returns (status, Location, bytes read)."""
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port or 80,
                                            timeout=600)
    target = parts.path + (f"?{parts.query}" if parts.query else "")
    connection.request("GET", target, headers=headers or {})
    answer = connection.getresponse()
    count = 0
    while chunk := answer.read(CHUNK):
        count += len(chunk)
    connection.close()
    return answer.status, answer.getheader("Location") or "", count


def app_download(port: int, token: str, document_id: int) -> int:
    status, location, _ = read_to_end(
        f"http://127.0.0.1:{port}/api/v1/documents/{document_id}/download",
        {"Authorization": f"Bearer {token}"})
    if status == 302:  # S3: a presigned URL, read from the storage server
        status, _, count = read_to_end(location)
        if status != 200:
            raise RuntimeError(f"presigned GET answered {status}")
        return count
    raise RuntimeError(f"download answered {status}")


def s3_client(endpoint: str) -> Any:
    import boto3

    return boto3.client("s3", endpoint_url=endpoint, region_name=REGION,
                        aws_access_key_id=KEY_ID, aws_secret_access_key=SECRET)


def direct_download(client: Any, bucket: str, key: str) -> int:
    """One streamed GET, as the browser does with the app's presigned URL (boto3's
    download_fileobj into a stream that cannot seek measured slower than this on moto)."""
    body = client.get_object(Bucket=bucket, Key=key)["Body"]
    return sum(len(chunk) for chunk in body.iter_chunks(CHUNK))


# --- the run -----------------------------------------------------------------------------------
def measure_size(*, size_mb: float, port: int, token: str, client: Any, bucket: str,
                 folder: Path, server_pid: int) -> dict[str, Any]:
    size = int(size_mb * MB)
    path = make_file(folder, size)
    try:
        row: dict[str, Any] = {"size_mb": size_mb, "bytes": size}
        with Sampler(server_pid).watching() as sampled:
            seconds, document = timed(lambda: app_upload(port, token, path))
        if document["version"]["sha256"] != sha256_of(path):
            raise RuntimeError("the stored checksum differs from the file's")
        row["app_upload"] = {"seconds": round(seconds, 3), "mb_s": round(size / MB / seconds, 1),
                             "server_rss_before_mb": round(sampled.before / 2**20, 1),
                             "server_rss_peak_mb": round(sampled.peak / 2**20, 1),
                             "server_rss_growth_mb": sampled.growth_mb}
        with Sampler(server_pid).watching() as sampled:
            seconds, _ = timed(lambda: app_upload(port, None, path, expect=401))
        row["anonymous_upload"] = {"seconds": round(seconds, 3),
                                   "server_rss_growth_mb": sampled.growth_mb}
        with Sampler(server_pid).watching() as sampled:
            seconds, count = timed(lambda: app_download(port, token, document["id"]))
        if count != size:
            raise RuntimeError(f"downloaded {count} bytes of {size}")
        row["app_download"] = {"seconds": round(seconds, 3),
                               "mb_s": round(size / MB / seconds, 1),
                               "server_rss_growth_mb": sampled.growth_mb}
        key = f"direct/{uuid.uuid4().hex}"
        seconds, _ = timed(lambda: client.upload_file(str(path), bucket, key))
        row["direct_upload"] = {"seconds": round(seconds, 3),
                                "mb_s": round(size / MB / seconds, 1)}
        seconds, count = timed(lambda: direct_download(client, bucket, key))
        if count != size:
            raise RuntimeError("direct download incomplete")
        row["direct_download"] = {"seconds": round(seconds, 3),
                                  "mb_s": round(size / MB / seconds, 1)}
        client.delete_object(Bucket=bucket, Key=key)
        row["ratio_upload_app_over_direct"] = round(
            row["app_upload"]["mb_s"] / row["direct_upload"]["mb_s"], 2)
        row["ratio_download_app_over_direct"] = round(
            row["app_download"]["mb_s"] / row["direct_download"]["mb_s"], 2)
        return row
    finally:
        path.unlink(missing_ok=True)


SERVERS = {
    "uvicorn": lambda port: [sys.executable, "-m", "uvicorn", "collab.asgi:application",
                             "--host", "127.0.0.1", "--port", str(port), "--no-access-log"],
    "daphne": lambda port: [sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", str(port),
                            "collab.asgi:application"],
}


def run(sizes: list[float], database_url: str | None,
        servers: list[str] | None = None) -> dict[str, Any]:
    """The first server's figures at the top (the shape readers of earlier results know),
    every server's under ``by_server``."""
    from bench.dataset import prepare_database

    # Once for every server: recreating the database would cut this process's connection.
    url, how = prepare_database(database_url or _default_database())
    token = prepare_people(url)
    by_server = {name: run_one(sizes, url, how, token, name) for name in servers or ["uvicorn"]}
    return {**next(iter(by_server.values())), "by_server": by_server}


def run_one(sizes: list[float], url: str, how: str, token: str,
            server_name: str) -> dict[str, Any]:
    moto_port, app_port = free_port(), free_port()
    endpoint = f"http://127.0.0.1:{moto_port}"
    bucket = f"banc-{uuid.uuid4().hex[:10]}"
    base_env = {k: v for k, v in os.environ.items() if k != "REDIS_URL"}
    moto = [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(moto_port)]
    with process(moto, base_env, moto_port, "documents-moto.log"):
        client = s3_client(endpoint)
        client.create_bucket(Bucket=bucket,
                             CreateBucketConfiguration={"LocationConstraint": REGION})
        server_env = {
            **base_env, "DATABASE_URL": url, "DEBUG": "false",
            "SECRET_KEY": secrets.token_urlsafe(40), "ALLOWED_HOSTS": "127.0.0.1",
            "SECURE_SSL_REDIRECT": "false", "LOG_LEVEL": "WARNING",
            "S3_BUCKET": bucket, "S3_ENDPOINT_URL": endpoint, "S3_REGION": REGION,
            "S3_ACCESS_KEY_ID": KEY_ID, "S3_SECRET_ACCESS_KEY": SECRET,
        }
        server = SERVERS[server_name](app_port)
        with process(server, server_env, app_port, f"documents-{server_name}.log") as app, \
                tempfile.TemporaryDirectory(dir=LOGS) as scratch:
            # Warm-up, not reported: the first request imports the API and builds the S3
            # client, which would count as "growth" of the first size measured.
            measure_size(size_mb=1, port=app_port, token=token, client=client, bucket=bucket,
                         folder=Path(scratch), server_pid=app.pid)
            rows = [measure_size(size_mb=size, port=app_port, token=token, client=client,
                                 bucket=bucket, folder=Path(scratch), server_pid=app.pid)
                    for size in sizes]
    return {"database": how, "server": f"{server_name}, 1 process", "storage": "moto S3 server",
            "target_upload_growth_mb": TARGET_GROWTH_MB, "sizes": rows}


def _default_database() -> str:
    return "postgres://postgres@127.0.0.1:5432/bench_documents"


def print_table(result: dict[str, Any]) -> None:
    print(f"{result['server']}, {result['storage']}, {result['database']}")
    print(f"{'size':>7} | {'app up MB/s':>11} {'direct up':>9} {'ratio':>5} | "
          f"{'app down MB/s':>13} {'direct down':>11} {'ratio':>5} | "
          f"{'RSS growth up':>13} {'anon':>5} {'down':>5}")
    for row in result["sizes"]:
        print(f"{row['size_mb']:>5} MB | {row['app_upload']['mb_s']:>11} "
              f"{row['direct_upload']['mb_s']:>9} {row['ratio_upload_app_over_direct']:>5} | "
              f"{row['app_download']['mb_s']:>13} {row['direct_download']['mb_s']:>11} "
              f"{row['ratio_download_app_over_direct']:>5} | "
              f"{row['app_upload']['server_rss_growth_mb']:>10} MB "
              f"{row['anonymous_upload']['server_rss_growth_mb']:>5} "
              f"{row['app_download']['server_rss_growth_mb']:>5}")
    for row in result["sizes"]:
        growth = row["app_upload"]["server_rss_growth_mb"]
        verdict = "within" if growth <= TARGET_GROWTH_MB else "ABOVE"
        print(f"{row['size_mb']} MB upload: server RSS grew {growth} MB, {verdict} the "
              f"{TARGET_GROWTH_MB:.0f} MB target")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10,100,500", help="file sizes in MB, comma-separated")
    parser.add_argument("--servers", default="uvicorn",
                        help="ASGI servers to measure, comma-separated (uvicorn, daphne)")
    parser.add_argument("--database-url", default=None,
                        help="a bench_* PostgreSQL database is recreated; default "
                             "bench_documents on 127.0.0.1, else a SQLite file")
    parser.add_argument("--json-out", default=None)
    args = parser.parse_args(argv)
    sizes = [float(s) for s in args.sizes.split(",") if s.strip()]
    result = run(sizes, args.database_url,
                 [name for name in args.servers.split(",") if name.strip()])
    for one in result["by_server"].values():
        print_table(one)
    out = Path(args.json_out) if args.json_out else (
        RESULTS / f"documents-{datetime.now():%Y%m%d-%H%M%S}.json")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2))
    print(f"results: {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
