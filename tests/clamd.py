"""A real ClamAV daemon for the antivirus tests: Debian's clamd, started once per session with
its own configuration, listening on a unix socket in a temporary folder, with a signature
database of one line that recognises the EICAR test file (no signature can be downloaded
here, and none is needed: the tests check our handling of clamd's answers, not ClamAV)."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import IN_CI
from tests.servers import free_port

CLAMD = "/usr/sbin/clamd"
# The standard EICAR test file (harmless by design, recognised by every antivirus).
EICAR = rb"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"
SIGNATURE_NAME = "Eicar-Test-Signature"


def _signature() -> str:
    # An .ndb body signature: the EICAR marker anywhere in any file (so also inside a ZIP,
    # which clamd unpacks).
    return f"{SIGNATURE_NAME}:0:*:{b'EICAR-STANDARD-ANTIVIRUS-TEST-FILE'.hex()}\n"


def _wait_for_socket(path: Path, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"clamd exited: {log.read_text(errors='replace')[-2000:]}")
        if path.exists():
            with socket.socket(socket.AF_UNIX) as probe:
                try:
                    probe.connect(str(path))
                    probe.sendall(b"nPING\n")
                    if probe.recv(16).startswith(b"PONG"):
                        return
                except OSError:
                    pass
        time.sleep(0.1)
    raise RuntimeError("clamd did not answer PING within 60 s")


@dataclass(frozen=True)
class Clamd:
    socket: str
    tcp: str


@contextmanager
def running_clamd(stream_max: str) -> Iterator[Clamd]:
    """A clamd of our own; ``stream_max`` is its StreamMaxLength (clamd's syntax: 64M)."""
    if not os.access(CLAMD, os.X_OK):
        if IN_CI:
            pytest.fail("clamd is missing: infra/install-test-deps.sh installs clamav-daemon")
        pytest.skip("clamd is not installed (Debian package clamav-daemon)")
    # Short path: a unix socket path is limited to about 100 characters.
    root = Path(tempfile.mkdtemp(prefix="clamd-"))
    database = root / "db"
    database.mkdir()
    (database / "eicar.ndb").write_text(_signature())
    sock = root / "clamd.sock"
    port = free_port()
    log = root / "clamd.log"
    config = root / "clamd.conf"
    config.write_text("\n".join([
        f"LocalSocket {sock}", f"TCPSocket {port}", "TCPAddr 127.0.0.1",
        f"DatabaseDirectory {database}", f"LogFile {log}",
        "Foreground yes", "LogVerbose no",
        f"StreamMaxLength {stream_max}",
        "MaxThreads 4", "ReadTimeout 30", "CommandReadTimeout 30",
    ]) + "\n")
    process = subprocess.Popen([CLAMD, "--config-file", str(config)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        _wait_for_socket(sock, process, log)
        yield Clamd(socket=str(sock), tcp=f"127.0.0.1:{port}")
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(scope="session")
def clamd() -> Iterator[Clamd]:
    # Beyond the largest file the tests send; production sets it to the upload limit.
    with running_clamd("64M") as daemon:
        yield daemon


@pytest.fixture(scope="session")
def small_clamd() -> Iterator[Clamd]:
    """One whose StreamMaxLength (1 KB) is below the files sent: a misconfigured scanner."""
    with running_clamd("1K") as daemon:
        yield daemon


@pytest.fixture
def antivirus(settings: Any, clamd: Clamd) -> Clamd:
    """Uploads in this test are scanned by the real clamd, through its unix socket."""
    settings.CLAMAV_SOCKET = clamd.socket
    settings.CLAMAV_TCP = ""
    return clamd
