"""Benchmark: Stripe webhook ingestion.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/campaign \
    REDIS_URL=redis://127.0.0.1:6379/0 python -m bench.fundraising \
        [--events 4000] [--duplicates 0.25] [--clients 16] [--workers 2]

Serves the site with gunicorn (production settings, its own database
<name>_bench_fundraising) and posts correctly signed Stripe events to
/stripe/webhook/ from concurrent clients, with a share of duplicate
deliveries mixed in (Stripe retries). Ingestion is what the endpoint does
before answering: verify the signature, store the raw event under its unique
id and enqueue the apply task on the Redis broker. It reports events per
second, p50/p99 latency, and checks that every unique event was stored exactly
once. The enqueued apply tasks are purged afterwards (the events name no real
donations). Target: at least 200 events/s on a 2-core machine.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import secrets
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

from bench._common import ROOT, bench_database, production_env

PY = sys.executable
SECRET = "whsec_bench_" + secrets.token_hex(8)
TARGET_PER_SECOND = 200


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_until_up(base: str, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(base + "/healthz/", timeout=2):  # noqa: S310
                return
        except OSError:
            time.sleep(0.3)
    sys.exit("gunicorn did not answer /healthz/ in time")


def _events(count: int, run: str) -> list[bytes]:
    """Realistic event bodies (Stripe's fixture shapes), unique ids."""
    from fundraising.stripe_double import fixture

    kinds = ["checkout.session.completed", "invoice.paid", "charge.refunded"]
    objects = {
        "checkout.session.completed": "checkout.session",
        "invoice.paid": "invoice",
        "charge.refunded": "charge",
    }
    bodies = []
    for n in range(count):
        kind = kinds[n % len(kinds)]
        obj = fixture(objects[kind], metadata={"donation_id": "0"})
        event = fixture(
            "event",
            id=f"evt_bench_{run}_{n}",
            type=kind,
            created=int(time.time()),
            data={"object": obj},
        )
        bodies.append(json.dumps(event).encode())
    return bodies


def _post(url: str, body: bytes) -> tuple[int, float]:
    from fundraising.stripe_double import sign

    request = urllib.request.Request(  # noqa: S310 - loopback
        url,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json",
            "Stripe-Signature": sign(body, SECRET),
        },
    )
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
            status = response.status
    except urllib.error.HTTPError as error:
        status = error.code
    return status, time.perf_counter() - started


def _fire(url: str, deliveries: list[bytes], clients: int) -> tuple[list, float]:
    results: list[tuple[int, float]] = []
    lock = threading.Lock()
    queue = list(reversed(deliveries))

    def client():
        while True:
            with lock:
                if not queue:
                    return
                body = queue.pop()
            outcome = _post(url, body)
            with lock:
                results.append(outcome)

    threads = [threading.Thread(target=client) for _ in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results, time.perf_counter() - started


def _stored(env: dict, run: str) -> int:
    script = (
        "from fundraising.models import StripeEvent;"
        f"print(StripeEvent.objects.filter(event_id__startswith='evt_bench_{run}_')"
        ".count())"
    )
    output = subprocess.run(
        [PY, "manage.py", "shell", "-c", script],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return int(output.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.fundraising")
    parser.add_argument("--events", type=int, default=4000, help="unique events")
    parser.add_argument("--duplicates", type=float, default=0.25)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--threads", type=int, default=4, help="threads per worker")
    args = parser.parse_args()
    if not os.environ.get("REDIS_URL"):
        sys.exit("bench.fundraising needs Redis for the apply tasks: set REDIS_URL")
    env = production_env(
        bench_database("fundraising"),
        STRIPE_SECRET_KEY="sk_test_bench",  # noqa: S106 - a test key, no Stripe call
        STRIPE_PUBLISHABLE_KEY="pk_test_bench",
        STRIPE_WEBHOOK_SECRET=SECRET,
    )
    subprocess.run(
        [PY, "manage.py", "migrate", "--noinput"],
        cwd=ROOT,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    run = secrets.token_hex(4)
    unique = _events(args.events, run)
    rng = random.Random(5)
    deliveries = unique + rng.sample(unique, int(len(unique) * args.duplicates))
    rng.shuffle(deliveries)

    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    gunicorn = subprocess.Popen(
        [
            str(Path(PY).with_name("gunicorn")),
            "config.wsgi:application",
            "--workers",
            str(args.workers),
            "--threads",
            str(args.threads),
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
        url = base + "/stripe/webhook/"
        _fire(url, _events(50, run + "w"), args.clients)  # warm up
        results, seconds = _fire(url, deliveries, args.clients)
    finally:
        gunicorn.terminate()
        gunicorn.wait(timeout=15)
    subprocess.run(
        [PY, "-m", "celery", "-A", "config", "purge", "-f"],
        cwd=ROOT,
        env=env,
        check=False,
        stdout=subprocess.DEVNULL,
    )
    statuses = {status for status, _ in results}
    latencies = sorted(latency for _, latency in results)
    per_second = len(results) / seconds
    p99 = latencies[int(len(latencies) * 0.99) - 1] * 1000
    stored = _stored(env, run)
    print(
        f"{len(results):,} deliveries ({len(unique):,} unique, "
        f"{len(results) - len(unique):,} duplicates) from {args.clients} clients, "
        f"gunicorn {args.workers}x{args.threads}"
    )
    print(f"events/s: {per_second:,.0f}   (target {TARGET_PER_SECOND})")
    print(
        f"latency ms: p50 {statistics.median(latencies) * 1000:.1f}  p99 {p99:.1f}"
        f"  max {latencies[-1] * 1000:.1f}"
    )
    print(f"statuses: {sorted(statuses)}   stored: {stored:,} of {len(unique):,}")
    ok = statuses == {200} and stored == len(unique)
    if not ok:
        print("FAILED: every delivery must answer 200 and each event be stored once")
        return 1
    if per_second < TARGET_PER_SECOND:
        print(f"below target ({per_second:.0f} < {TARGET_PER_SECOND} events/s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
