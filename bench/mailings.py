"""Benchmark: a mailing to 10,000 and to 100,000 recipients through the real
pipeline (admin "send" click -> snapshot -> Celery worker via Redis -> anymail
Postmark backend -> local Postmark batch API double).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/campaign \
    REDIS_URL=redis://127.0.0.1:6379/0 python -m bench.mailings [--sizes 10000,100000]

It uses its own database (<name>_bench_mailings, created and migrated on the
first run, people kept for later runs) and prints, per size: the send click's
latency (the admin view, end to end), time to snapshot, messages/s from click
to finished, and the worker's peak memory (largest pool process and the whole
worker). Targets (issue 7): >= 1,000 recipients/s, peak memory within 10%
between 10k and 100k, click under a second.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

from bench._common import bench_database, django_setup

ROOT = Path(__file__).resolve().parent.parent


def _people(total: int):
    """At least ``total`` confirmed subscribers of the bench list (kept)."""
    from django.utils import timezone

    from supporters.models import Subscription, Supporter, Topic

    topic, _ = Topic.objects.get_or_create(
        slug="bench-list", defaults={"name": "Bench list"}
    )
    have = Subscription.objects.filter(topic=topic, status="confirmed").count()
    chunk = 5000
    now = timezone.now()
    for start in range(have, total, chunk):
        stop = min(start + chunk, total)
        people = Supporter.objects.bulk_create(
            [
                Supporter(email=f"bench{i}@bench.example", first_name=f"Reader{i}")
                for i in range(start, stop)
            ]
        )
        Subscription.objects.bulk_create(
            [
                Subscription(
                    supporter=p, topic=topic, status="confirmed", confirmed_at=now
                )
                for p in people
            ]
        )
        print(f"  seeded {stop:,} people", flush=True)
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # fresh planner statistics, as autovacuum would
    return topic


def _segment(topic, size: int):
    """A tag holding the first ``size`` people: the mailing's audience."""
    from supporters.models import Supporter, Tag

    tag, _created = Tag.objects.get_or_create(name=f"bench-{size}")
    through = Supporter.tags.through
    if through.objects.filter(tag=tag).count() != size:
        through.objects.filter(tag=tag).delete()
        ids = (
            Supporter.objects.filter(email__startswith="bench")
            .order_by("pk")
            .values_list("pk", flat=True)[:size]
        )
        through.objects.bulk_create(
            [through(supporter_id=pk, tag_id=tag.pk) for pk in ids], batch_size=5000
        )
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return tag


class MemoryWatch(threading.Thread):
    """Peak RSS of the worker: its largest process, and the whole tree."""

    def __init__(self, pid: int):
        super().__init__(daemon=True)
        import psutil

        self.root = psutil.Process(pid)
        self.peak_process = 0
        self.peak_total = 0
        self.running = True

    def run(self):
        import psutil

        while self.running:
            try:
                procs = [self.root, *self.root.children(recursive=True)]
                sizes = [p.memory_info().rss for p in procs]
            except psutil.Error:
                sizes = []
            if sizes:
                self.peak_process = max(self.peak_process, max(sizes))
                self.peak_total = max(self.peak_total, sum(sizes))
            time.sleep(0.1)


def _start_worker(env: dict, log_path: Path, concurrency: int) -> subprocess.Popen:
    process = subprocess.Popen(
        [
            sys.executable, "-m", "celery", "-A", "config", "worker",
            "--loglevel", "WARNING", "--pool", "prefork",
            "--concurrency", str(concurrency),
            "--without-gossip", "--without-mingle", "--without-heartbeat",
            "-n", f"bench-mailings-{os.getpid()}@%h",
        ],
        cwd=ROOT,
        env=env,
        stdout=log_path.open("w"),
        stderr=subprocess.STDOUT,
    )  # fmt: skip
    time.sleep(6)  # let the pool start before measuring
    if process.poll() is not None:
        sys.exit(f"worker failed to start, see {log_path}")
    return process


def _run_one(size: int, topic, double, worker_pid: int) -> dict:
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django.urls import reverse

    from supporters.mailings.models import Mailing
    from supporters.mailings.seed import DEMO_BODY

    tag = _segment(topic, size)
    user, _ = get_user_model().objects.get_or_create(
        username="bench-staff",
        defaults={"is_superuser": True, "is_staff": True, "email": "b@bench.example"},
    )
    mailing = Mailing.objects.create(
        subject="{{ first_name }}, the hearing date is set",
        preheader="Bench",
        body=DEMO_BODY,
    )
    mailing.topics.set([topic])
    mailing.tags.set([tag])
    client = Client()
    client.force_login(user)
    client.get(reverse("mailings:status", args=[mailing.pk]))  # warm caches

    double.messages.clear()
    double.requests.clear()
    watch = MemoryWatch(worker_pid)
    watch.start()
    started = time.perf_counter()
    response = client.post(reverse("mailings:send", args=[mailing.pk]))
    click = time.perf_counter() - started
    if response.status_code != 302:
        sys.exit(f"send click answered {response.status_code}")
    deadline = time.monotonic() + 1800
    while True:
        mailing.refresh_from_db()
        if mailing.status == "sent" or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    elapsed = time.perf_counter() - started
    watch.running = False
    watch.join()
    snapshot = (mailing.snapshot_at - mailing.started_at).total_seconds()
    return {
        "size": size,
        "status": mailing.status,
        "sent": mailing.sent_count,
        "received": double.count(),
        "calls": len(double.requests),
        "largest_batch": max((r["size"] for r in double.requests), default=0),
        "click_s": click,
        "snapshot_s": snapshot,
        "elapsed_s": elapsed,
        "per_second": mailing.sent_count / elapsed if elapsed else 0,
        "peak_process_mb": watch.peak_process / 2**20,
        "peak_total_mb": watch.peak_total / 2**20,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description="Mailings pipeline benchmark")
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument(
        "--workers", type=int, default=3, help="worker processes (= MAILINGS_WORKERS)"
    )
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    redis_url = os.environ.get("REDIS_URL")
    if not redis_url:
        sys.exit("bench.mailings needs Redis: set REDIS_URL=redis://...")
    database_url = bench_database("mailings")
    django_setup(database_url, "bench.mailings_settings")

    from config.celery import app
    from supporters.mailings.provider_double import PostmarkDouble

    app.conf.broker_url = redis_url
    app.conf.task_always_eager = False

    print(f"Seeding up to {max(sizes):,} confirmed subscribers…", flush=True)
    topic = _people(max(sizes))
    double = PostmarkDouble(token="bench-token", keep_bodies=False).start()  # noqa: S106
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.mailings_settings",
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "BENCH_POSTMARK_URL": double.url,
        "MAILINGS_WORKERS": str(args.workers),
    }
    os.environ["BENCH_POSTMARK_URL"] = double.url
    log_path = ROOT / "var" / "bench-mailings-worker.log"
    log_path.parent.mkdir(exist_ok=True)
    import redis

    redis.Redis.from_url(redis_url).flushdb()
    worker = _start_worker(env, log_path, args.workers)
    from django.conf import settings

    settings.MAILINGS_WORKERS = args.workers  # the click enqueues this many tasks
    results = []
    try:
        for size in sizes:
            print(f"Sending to {size:,}…", flush=True)
            results.append(_run_one(size, topic, double, worker.pid))
    finally:
        worker.terminate()
        worker.wait(timeout=30)
        double.stop()

    print(f"\nOne Celery worker, {args.workers} pool processes, batches of 500.")
    print("recipients  sent      calls  max batch  click    snapshot  total    msg/s   "
          "peak proc  peak worker")  # fmt: skip
    for r in results:
        print(
            f"{r['size']:>10,}  {r['sent']:>8,}  {r['calls']:>5}"
            f"  {r['largest_batch']:>9}"
            f"  {r['click_s'] * 1000:>5.0f}ms  {r['snapshot_s']:>7.2f}s"
            f"  {r['elapsed_s']:>6.1f}s  {r['per_second']:>6.0f}"
            f"  {r['peak_process_mb']:>7.1f}MB  {r['peak_total_mb']:>9.1f}MB"
        )
    if len(results) >= 2:
        small, big = results[0], results[-1]
        growth = big["peak_process_mb"] / small["peak_process_mb"] - 1
        print(
            f"\nPeak memory of the busiest worker process, {small['size']:,} -> "
            f"{big['size']:,}: {growth:+.1%} (target within 10%)"
        )
    failed = False
    for r in results:
        ok = r["sent"] == r["size"] == r["received"]
        failed = failed or not ok
        print(f"{r['size']:,}: every recipient exactly once: {'yes' if ok else 'NO'}")
    if failed:
        sys.exit(1)


if __name__ == "__main__":
    main()
