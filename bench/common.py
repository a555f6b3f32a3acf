"""Pieces shared by the load generator, the servers it drives and the report."""

from __future__ import annotations

import os
import socket
import subprocess
import time

#: Every posted body starts with ``BENCH#<id>#`` so a subscriber finds the message id with a
#: byte search instead of decoding JSON a thousand times per message.
MARK = b"BENCH#"
BODY_BYTES = 200
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def body_for(message_id: int) -> str:
    head = f"BENCH#{message_id}# "
    filler = "Compte rendu de la rencontre du réseau : accessibilité, voirie et parcs. "
    text = head + filler * 4
    return text.encode()[:BODY_BYTES].decode(errors="ignore")


def realistic_body_for(message_id: int) -> str:
    """A message as members write them (issue 3's re-run): a few sentences with Markdown
    emphasis, a list and a link, 500-900 bytes; the event then carries its HTML too."""
    import random

    from bench.search import message_body

    rng = random.Random(message_id)
    sentences = " ".join(message_body(rng) for _ in range(2))
    items = "\n".join(f"- {message_body(rng)[:60]}" for _ in range(3))
    return (f"BENCH#{message_id}# **Suivi** : {sentences}\n\n{items}\n\n"
            f"Voir https://espacemuni.org/ressources/{message_id % 97}")


def cpu_seconds(pid: int) -> float:
    """utime + stime of a process (all its threads) from /proc; 0 once it is gone."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            raw = stat.read()
    except OSError:
        return 0.0
    # The command name may contain spaces: the fields that follow it are after the last ')'.
    fields = raw[raw.rindex(")") + 2:].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def rss_bytes(pid: int) -> int:
    """Resident memory of a process from /proc; 0 once it is gone."""
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def percentile(values: list[float], fraction: float) -> float:
    """Linear interpolation between closest ranks; NaN for no data."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = fraction * (len(ordered) - 1)
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for_port(port: int, process: subprocess.Popen[bytes], timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server on {port} exited early with {process.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.05)
    raise TimeoutError(f"nothing listening on {port} after {timeout}s")
