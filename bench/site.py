"""Benchmark: the seeded public site under load (``make bench``).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/campaign \
    REDIS_URL=redis://127.0.0.1:6379/0 python -m bench.site [--users 10 --seconds 20]

Serves the demo site with gunicorn (2 workers, production settings, Redis
cache) on loopback from its own database (<name>_bench_site, created,
migrated and seeded on each run; seeding is idempotent), then runs locust
headless against the home page, the campaign page, the update index and one
update, and prints requests/s and p50/p99 latency per page. Anonymous
requests, no cookies: what readers and a CDN in front would see.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

from bench._common import ROOT, bench_database, production_env

PY = sys.executable

# Runs inside Django (production settings): seed like `seed_demo` but without
# the demo admin (whose password file belongs to the developer's own database).
SETUP_SCRIPT = """
import json
from django.utils.module_loading import import_string
from home.management.commands.seed_demo import SEEDERS
for path in SEEDERS:
    if path != "home.seed.seed_admin":
        import_string(path)(log=lambda message: None)
from campaign.models import CampaignPage, UpdateIndexPage, UpdatePage
index = UpdateIndexPage.objects.live().first()
print("PAGES=" + json.dumps({
    "home": "/",
    "campaign": CampaignPage.objects.live().first().url,
    "update index": index.url,
    "update": UpdatePage.objects.live().child_of(index).order_by("-date").first().url,
}))
"""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _manage(env: dict, *args: str, capture: bool = False) -> str:
    result = subprocess.run(
        [PY, "manage.py", *args],
        cwd=ROOT,
        env=env,
        check=True,
        text=True,
        stdout=subprocess.PIPE if capture else subprocess.DEVNULL,
    )
    return result.stdout or ""


def _wait_until_up(base: str, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(base + "/healthz/", timeout=2) as response:  # noqa: S310
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    sys.exit("gunicorn did not answer /healthz/ in time")


def _table(stats_csv: Path, pages: dict) -> str:
    rows = {row["Name"]: row for row in csv.DictReader(stats_csv.open())}
    lines = [
        f"{'page':<14} {'path':<44} {'requests':>8} {'fail':>5} "
        f"{'req/s':>7} {'p50 ms':>7} {'p99 ms':>7}"
    ]
    for name, path in [*pages.items(), ("Aggregated", "")]:
        row = rows.get(name)
        if row is None:
            continue
        lines.append(
            f"{name.lower():<14} {path:<44} {row['Request Count']:>8} "
            f"{row['Failure Count']:>5} {float(row['Requests/s']):>7.1f} "
            f"{row['50%']:>7} {row['99%']:>7}"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.site")
    parser.add_argument("--users", type=int, default=10, help="concurrent readers")
    parser.add_argument("--seconds", type=int, default=20, help="measured duration")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    args = parser.parse_args()

    database_url = bench_database("site")
    env = production_env(
        database_url,
        MEDIA_ROOT=str(ROOT / "var" / "bench-site-media"),
        SERVE_MEDIA="true",
    )
    print(f"Preparing {urlsplit(database_url).path.lstrip('/')} ...", flush=True)
    _manage(env, "migrate", "--noinput")
    _manage(env, "collectstatic", "--noinput")
    output = _manage(env, "shell", "-c", SETUP_SCRIPT, capture=True)
    pages = json.loads(output.split("PAGES=", 1)[1].strip().splitlines()[0])

    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    gunicorn = subprocess.Popen(
        [
            str(Path(PY).with_name("gunicorn")),
            "config.wsgi:application",
            "--workers",
            str(args.workers),
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        _wait_until_up(base)
        for path in pages.values():  # warm caches and renditions once
            with urllib.request.urlopen(base + path, timeout=10) as response:  # noqa: S310
                assert response.status == 200, path  # noqa: S101
        with tempfile.TemporaryDirectory() as tmp:
            prefix = Path(tmp) / "site"
            subprocess.run(
                [
                    str(Path(PY).with_name("locust")),
                    "-f",
                    str(Path(__file__).with_name("_locust_site.py")),
                    "--headless",
                    "--users",
                    str(args.users),
                    "--spawn-rate",
                    str(args.users),
                    "--run-time",
                    f"{args.seconds}s",
                    "--host",
                    base,
                    "--csv",
                    str(prefix),
                    "--only-summary",
                    "--loglevel",
                    "WARNING",
                ],
                cwd=ROOT,
                env=os.environ | {"BENCH_SITE_PAGES": json.dumps(pages)},
                check=False,
                stdout=subprocess.DEVNULL,
            )
            print(
                f"\ngunicorn {args.workers} workers, production settings, "
                f"{args.users} locust users for {args.seconds}s on loopback\n"
            )
            print(_table(Path(f"{prefix}_stats.csv"), pages))
    finally:
        gunicorn.send_signal(signal.SIGTERM)
        try:
            gunicorn.wait(timeout=15)
        except subprocess.TimeoutExpired:
            gunicorn.kill()


if __name__ == "__main__":
    main()
