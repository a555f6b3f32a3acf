"""The member's pages as a phone sees them: Lighthouse scores, JS and CSS bytes, and server time,
for this tree beside a baseline revision, in the same run.

    python -m bench.pages [--baseline REV] [--messages 2000] [--repeat 40] [--skip-lighthouse]

For each side (the baseline revision, checked out in a temporary git worktree, and this tree)
it creates a fresh PostgreSQL database, loads the demo (six spaces) and ``--messages`` more
messages per space (the member joined 90 days earlier and has read half the threads halfway,
so about 9,000 messages are unread), runs VACUUM ANALYZE, starts uvicorn on loopback
(in-memory channel layer), signs the demo member in and then:

* times ``--repeat`` sequential GETs of the home and space pages over loopback (p50, p95),
  with the server process's CPU time per request and the load average beside them, against
  a uvicorn started as production runs it: DEBUG=false (no debug cursor wrappers, no
  template debug data, no static files from Django; nginx serves those), requests carrying
  nginx's ``X-Forwarded-Proto: https`` so the HTTPS redirect does not answer them.
  ``--debug-server`` times the DEBUG=true server instead, to show what DEBUG costs (measured
  at load ~1 with 2,000 messages per space: within the run-to-run noise, about +-2 ms of
  server CPU per request, so earlier DEBUG=true figures stand; production is still the one
  measured);
* runs Lighthouse 12.2.3 (npm, installed once under ``var/lighthouse``; Debian's Chromium,
  never a downloaded one) in its default mobile mode on the main pages, and keeps the
  performance, accessibility and best-practices scores and the bytes of JS and CSS, against
  a second uvicorn with DEBUG=true (so Django serves the static files, as ``make run`` does).
  Pages arrive gzipped as production sends them (the application compresses them); the
  static files do not (Django's development handler sends them whole, where production's
  nginx compresses them), so the JS and CSS bytes are the uncompressed sizes and the scores
  err on the low side.

Targets (issue of the member's experience): accessibility 100, best practices >= 95,
performance >= 90 on every page; server time p95 <= 50 ms for home and space pages with
6 spaces x 2,000 messages. The report prints both sides and the ratio current/baseline.
Writes bench/results/pages-<timestamp>.json. Not a test: the figures depend on the machine.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

import requests

from bench.common import cpu_seconds, free_port, percentile

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
LIGHTHOUSE_VERSION = "12.2.3"
LIGHTHOUSE_DIR = ROOT / "var" / "lighthouse"
CHROMIUM = "/usr/bin/chromium"
#: The revision whose pages this work replaces (main before the member's-experience work).
DEFAULT_BASELINE = "79bb847"
POSTGRES = "postgres://postgres@127.0.0.1:5432/"
CATEGORIES = ("performance", "accessibility", "best-practices")

# Run inside each side's tree with its own code (``manage.py shell -c``): bulk messages, a
# session for the demo member, the URLs of the pages. Only names both revisions have.
PREPARE = r"""
import json, random
from datetime import timedelta
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.urls import reverse
from django.utils import timezone
from communities.models import Membership, Message, ReadPosition, Space, Thread, User
from communities.markdown import render_markdown as render

per_space = int(__import__("os").environ["BENCH_MESSAGES"])
member = User.objects.get(email="membre1@exemple.qc.ca")
rng = random.Random(7)
now = timezone.now()
spaces = list(Space.objects.filter(memberships__user=member).order_by("pk"))
for space in spaces:
    authors = list(User.objects.filter(memberships__space=space))
    threads = Thread.objects.bulk_create([
        Thread(space=space, title=f"Sujet de travail {i + 1}", author=rng.choice(authors),
               created_at=now - timedelta(days=60), last_activity_at=now - timedelta(hours=i),
               message_count=per_space // 40) for i in range(40)])
    body = "Compte rendu : **accessibilité** des parcs, voirie et transport adapté."
    html = render(body)
    Message.objects.bulk_create([
        Message(thread=threads[i % 40], author=rng.choice(authors), body=body, html=html,
                created_at=now - timedelta(minutes=per_space - i))
        for i in range(per_space)], batch_size=1000)
# The member joined before this history and has read half the threads up to their middle:
# the pages then count thousands of unread messages, the cost a member back from holidays
# brings (had they joined after it, nothing would be unread and nothing counted).
Membership.objects.filter(user=member).update(joined_at=now - timedelta(days=90))
positions = []
for thread in Thread.objects.filter(space__in=spaces, title__startswith="Sujet de travail")[::2]:
    ids = list(thread.messages.order_by("pk").values_list("pk", flat=True))
    if ids:
        positions.append(ReadPosition(user=member, thread=thread,
                                      last_read_message=ids[len(ids) // 2]))
ReadPosition.objects.bulk_create(positions)
store = SessionStore()
store[SESSION_KEY] = str(member.pk)
store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
store[HASH_SESSION_KEY] = member.get_session_auth_hash()
store.create()
# A database in service has its statistics and visibility map; a freshly loaded one has not
# until autovacuum passes, which would make the first minutes of the run differ from the rest.
from django.db import connection
connection.cursor().execute("VACUUM ANALYZE")
space = spaces[0]
thread = Thread.objects.filter(space=space).order_by("-last_activity_at").first()
print("BENCH-JSON" + json.dumps({"session": store.session_key, "pages": {
    "home": reverse("my-spaces"),
    "space": reverse("space", args=[space.slug]),
    "thread": reverse("thread", args=[space.slug, thread.pk]),
    "documents": reverse("documents", args=[space.slug]),
    "meetings": reverse("meetings", args=[space.slug]),
    "members": reverse("members", args=[space.slug]),
    "search": reverse("search") + "?q=accessibilite",
}}))
"""


def ensure_lighthouse() -> Path:
    binary = LIGHTHOUSE_DIR / "node_modules" / ".bin" / "lighthouse"
    if not binary.exists():
        LIGHTHOUSE_DIR.mkdir(parents=True, exist_ok=True)
        subprocess.run(["npm", "install", "--no-audit", "--no-fund", "--prefix",
                        str(LIGHTHOUSE_DIR), f"lighthouse@{LIGHTHOUSE_VERSION}"], check=True)
    return binary


def database_name(side: str) -> str:
    """Per checkout, so two checkouts of the project can run the bench at the same time."""
    checkout = re.sub(r"[^a-z0-9]+", "_", ROOT.name.lower())
    return f"bench_pages_{checkout}_{side}"


def drop_database(name: str) -> None:
    import psycopg

    with psycopg.connect(POSTGRES + "postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def recreate_database(name: str) -> str:
    import psycopg

    with psycopg.connect(POSTGRES + "postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    return POSTGRES + name


def side_env(tree: Path, database_url: str, data_dir: Path, messages: int) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items()
           if key not in ("REDIS_URL", "DJANGO_SETTINGS_MODULE", "PYTEST_VERSION")}
    env.update(DEBUG="true", SECRET_KEY=secrets.token_urlsafe(40), DATABASE_URL=database_url,
               DATA_DIR=str(data_dir), STARTUP_CHECKS="false", BENCH_MESSAGES=str(messages),
               PYTHONPATH=str(tree))
    return env


def prepare(tree: Path, env: dict[str, str]) -> dict[str, Any]:
    manage = [sys.executable, "manage.py"]
    subprocess.run([*manage, "migrate", "--noinput", "-v", "0"], cwd=tree, env=env, check=True)
    subprocess.run([*manage, "load_demo"], cwd=tree, env=env, check=True,
                   stdout=subprocess.DEVNULL)
    out = subprocess.run([*manage, "shell", "-c", PREPARE], cwd=tree, env=env, check=True,
                         capture_output=True, text=True).stdout
    line = next(line for line in out.splitlines() if line.startswith("BENCH-JSON"))
    return json.loads(line[len("BENCH-JSON"):])


def wait_for(url: str, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            requests.get(url, timeout=2)
            return
        except requests.ConnectionError:
            time.sleep(0.3)
    raise RuntimeError(f"server did not answer at {url}")


def production_env(env: dict[str, str]) -> dict[str, str]:
    """The same side as production runs it: DEBUG=false, loopback the allowed host. The
    statics are not collected: the timed HTML only names them."""
    return dict(env, DEBUG="false", ALLOWED_HOSTS="127.0.0.1")


#: What nginx adds in production: without it the DEBUG=false server redirects to HTTPS.
PROXY_HEADERS = {"X-Forwarded-Proto": "https"}


def get(url: str, cookie: str) -> tuple[int, int]:
    response = requests.get(url, headers={"Cookie": cookie, **PROXY_HEADERS}, timeout=30,
                            allow_redirects=False)
    return response.status_code, len(response.content)


@contextmanager
def uvicorn(tree: Path, env: dict[str, str]) -> Iterator[tuple[str, int]]:
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "--host", "127.0.0.1", "--port", str(port),
         "--lifespan", "off", "--log-level", "warning", "collab.asgi:application"],
        cwd=tree, env=env)
    try:
        base = f"http://127.0.0.1:{port}"
        wait_for(base + "/healthz")
        yield base, server.pid
    finally:
        server.terminate()
        server.wait(timeout=20)


def server_times(base: str, pages: dict[str, str], cookie: str, repeat: int,
                 pid: int) -> dict[str, Any]:
    times: dict[str, Any] = {}
    for name in ("home", "space"):
        url = base + pages[name]
        for _ in range(3):
            get(url, cookie)
        samples = []
        cpu_before = cpu_seconds(pid)
        for _ in range(repeat):
            started = time.perf_counter()
            status, _size = get(url, cookie)
            samples.append((time.perf_counter() - started) * 1000)
            if status != 200:
                raise RuntimeError(f"{url} answered {status}")
        cpu_ms = (cpu_seconds(pid) - cpu_before) * 1000 / repeat
        samples.sort()
        times[name] = {
            "p50_ms": round(percentile(samples, 0.50), 1),
            "p95_ms": round(percentile(samples, 0.95), 1),
            # The server's own CPU per request (not PostgreSQL's): what the load of the
            # machine changes least.
            "server_cpu_ms": round(cpu_ms, 1),
            # The machine is shared: the 1-minute load average as the page was timed.
            "load_1min": round(os.getloadavg()[0], 2)}
    return times


@contextmanager
def signed_in_chromium(base: str, session: str) -> Iterator[int]:
    """Debian's Chromium with the session cookie in its cookie jar, as a signed-in member's
    browser has it, and its debugging port for Lighthouse. A Cookie header added by
    Lighthouse's --extra-headers reaches the page's requests but not the websocket's
    handshake: refused (403), it was reported as a console error on every page."""
    from playwright.sync_api import sync_playwright

    port = free_port()
    with tempfile.TemporaryDirectory(prefix="bench-chromium-") as profile, \
            sync_playwright() as playwright:
        browser = playwright.chromium.launch_persistent_context(
            profile, executable_path=CHROMIUM, headless=True,
            args=[f"--remote-debugging-port={port}", "--no-sandbox", "--disable-gpu"])
        try:
            browser.add_cookies([{"name": "sessionid", "value": session, "url": base}])
            yield port
        finally:
            browser.close()


def lighthouse(binary: Path, url: str, chrome_port: int, tries: int = 3) -> dict[str, Any]:
    # Lighthouse clears the cache and the origin's storage before each page, not cookies.
    error = ""
    for _ in range(tries):
        out = subprocess.run(
            [str(binary), url, "--output=json", "--output-path=stdout", "--quiet",
             "--only-categories=" + ",".join(CATEGORIES), f"--port={chrome_port}"],
            capture_output=True, text=True, timeout=300)
        if out.returncode == 0:
            report = json.loads(out.stdout)
            break
        error = out.stderr.strip()[-400:]
        # A trace lost on a loaded machine (NO_NAVSTART...): Lighthouse says to run it again.
        if "Runtime error" not in error:
            break
    if out.returncode != 0:
        return {"error": error}
    scores = {name: round((report["categories"][name]["score"] or 0) * 100)
              for name in CATEGORIES}
    kinds = {item["resourceType"]: item["transferSize"]
             for item in report["audits"]["resource-summary"]["details"]["items"]}
    failing = sorted(audit_id for audit_id, audit in report["audits"].items()
                     if audit.get("score") is not None and audit["score"] < 1
                     and audit.get("scoreDisplayMode") == "binary")
    return {**scores, "js_bytes": kinds.get("script", 0), "css_bytes": kinds.get("stylesheet", 0),
            "failing_audits": failing[:12]}


def run_side(name: str, tree: Path, args: argparse.Namespace, binary: Path | None,
             work: Path) -> dict[str, Any]:
    database_url = recreate_database(database_name(name))
    env = side_env(tree, database_url, work / f"data-{name}", args.messages)
    print(f"[{name}] loading the demo and {args.messages} messages per space…", flush=True)
    info = prepare(tree, env)
    cookie = f"sessionid={info['session']}"
    timed_env = env if args.debug_server else production_env(env)
    with uvicorn(tree, timed_env) as (base, pid):
        result: dict[str, Any] = {
            "server": server_times(base, info["pages"], cookie, args.repeat, pid),
            "server_debug": args.debug_server}
    if binary is not None:
        result["pages"] = {}
        with uvicorn(tree, env) as (base, _pid), \
                signed_in_chromium(base, info["session"]) as chrome_port:
            for page, path in info["pages"].items():
                print(f"[{name}] lighthouse {page}", flush=True)
                result["pages"][page] = lighthouse(binary, base + path, chrome_port)
    return result


def report(results: dict[str, dict[str, Any]]) -> None:
    base, current = results["baseline"], results["current"]
    mode = "DEBUG=true" if current.get("server_debug") else "DEBUG=false (production)"
    print(f"\nserver time (ms), sequential GETs over loopback, {mode} server")
    for page in ("home", "space"):
        b, c = base["server"][page], current["server"][page]
        print(f"  {page:<10} baseline p50 {b['p50_ms']:>6} p95 {b['p95_ms']:>6} | "
              f"current p50 {c['p50_ms']:>6} p95 {c['p95_ms']:>6} | "
              f"p95 ratio {c['p95_ms'] / max(b['p95_ms'], 0.01):.2f} | "
              f"server CPU/request {b.get('server_cpu_ms', '?')} / {c.get('server_cpu_ms', '?')}"
              " | "
              f"load {b.get('load_1min', '?')} / {c.get('load_1min', '?')}")
    if "pages" not in current:
        return
    print("\nLighthouse (mobile): performance / accessibility / best practices, JS KB, CSS KB")
    for page, figures in current["pages"].items():
        old = base.get("pages", {}).get(page, {})

        def line(f: dict[str, Any]) -> str:
            if "error" in f or not f:
                return "error".ljust(34)
            return (f"{f['performance']:>3} {f['accessibility']:>3} {f['best-practices']:>3}"
                    f"  {f['js_bytes'] / 1024:6.1f} {f['css_bytes'] / 1024:6.1f}")
        print(f"  {page:<10} baseline {line(old)} | current {line(figures)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--baseline", default=DEFAULT_BASELINE)
    parser.add_argument("--messages", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=40)
    parser.add_argument("--skip-lighthouse", action="store_true")
    parser.add_argument("--debug-server", action="store_true",
                        help="time the DEBUG=true server (development) instead of DEBUG=false")
    args = parser.parse_args()
    binary = None if args.skip_lighthouse else ensure_lighthouse()
    work = Path(tempfile.mkdtemp(prefix="bench-pages-"))
    baseline_tree = work / "baseline"
    subprocess.run(["git", "worktree", "add", "--detach", "-q", str(baseline_tree),
                    args.baseline], cwd=ROOT, check=True)
    try:
        for locale in (baseline_tree, ROOT):
            subprocess.run([sys.executable, "manage.py", "compilemessages", "--ignore=.venv",
                            "-v", "0"], cwd=locale, check=False,
                           env=dict(os.environ, SECRET_KEY=secrets.token_urlsafe(40), DEBUG="true"))
        results = {"baseline": run_side("baseline", baseline_tree, args, binary, work),
                   "current": run_side("current", ROOT, args, binary, work)}
    finally:
        for side in ("baseline", "current"):
            drop_database(database_name(side))
        subprocess.run(["git", "worktree", "remove", "--force", str(baseline_tree)], cwd=ROOT,
                       check=False)
        shutil.rmtree(work, ignore_errors=True)
    report(results)
    RESULTS.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    meta = {"baseline": args.baseline, "messages_per_space": args.messages,
            "repeat": args.repeat, "lighthouse": LIGHTHOUSE_VERSION,
            "server_debug": args.debug_server}
    (RESULTS / f"pages-{stamp}.json").write_text(json.dumps({**meta, **results}, indent=2))


if __name__ == "__main__":
    main()
