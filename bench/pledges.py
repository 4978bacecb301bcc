"""Benchmark: the pledge reminder sweep over 10,000 and 100,000 due reminders.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/campaign \
    REDIS_URL=redis://127.0.0.1:6379/0 python -m bench.pledges [--sizes 10000,100000]

It uses its own database (<name>_bench_pledges, created and migrated on the
first run; the 100,000 pledges are kept for later runs). For each size it
makes that many first reminders due, runs ``reminders_sweep`` (what the beat
task runs, without its per-tick time budget) and reports reminders per second
and the process's peak memory growth, which should stay flat between sizes:
the sweep works in batches and never loads the whole set. Each sent reminder
logs its email and enqueues its send task on the Redis broker, as in
production; the bench purges those tasks afterwards (no mail is sent).
"""

from __future__ import annotations

import argparse
import datetime
import os
import sys
import threading
import time

from bench._common import bench_database, django_setup


def _seed(total: int):
    """``total`` confirmed pledges, each with its two reminders (kept)."""
    from django.utils import timezone

    from fundraising.models import Appeal
    from fundraising.pledges.models import Pledge, PledgeReminder
    from supporters.models import Supporter

    appeal, _ = Appeal.objects.get_or_create(
        slug="bench-pledges",
        defaults={
            "name": "Bench appeal",
            "purpose": "Benchmark",
            "target_pence": 10**9,
        },
    )
    have = Pledge.objects.filter(appeal=appeal).count()
    now = timezone.now()
    later = now + datetime.timedelta(days=365)
    chunk = 5000
    for start in range(have, total, chunk):
        stop = min(start + chunk, total)
        people = Supporter.objects.bulk_create(
            [
                Supporter(email=f"pledger{i}@bench.example", first_name=f"P{i}")
                for i in range(start, stop)
            ]
        )
        pledges = Pledge.objects.bulk_create(
            [
                Pledge(
                    appeal=appeal,
                    supporter=person,
                    amount_pence=2500,
                    status=Pledge.Status.CONFIRMED,
                    when=Pledge.When.DATE,
                    due_date=later.date(),
                    confirmed_at=now,
                )
                for person in people
            ]
        )
        PledgeReminder.objects.bulk_create(
            [
                PledgeReminder(pledge=pledge, number=number, due_at=later)
                for pledge in pledges
                for number in (1, 2)
            ]
        )
        print(f"  seeded {stop:,} pledges", flush=True)
    return appeal


def _make_due(appeal, size: int) -> None:
    """The first reminders of the first ``size`` pledges are due; the rest not."""
    from django.db import transaction
    from django.utils import timezone

    from fundraising.pledges.models import PledgeReminder
    from supporters.models import EmailMessageLog

    now = timezone.now()
    with transaction.atomic():
        EmailMessageLog.objects.filter(template="pledge_reminder").delete()
        PledgeReminder.objects.update(
            status="pending", sent_at=None, due_at=now + datetime.timedelta(days=365)
        )
        first_ids = (
            PledgeReminder.objects.filter(number=1, pledge__appeal=appeal)
            .order_by("pledge_id")
            .values_list("pk", flat=True)[:size]
        )
        PledgeReminder.objects.filter(pk__in=list(first_ids)).update(
            due_at=now - datetime.timedelta(minutes=1)
        )


class PeakMemory(threading.Thread):
    def __init__(self):
        super().__init__(daemon=True)
        import psutil

        self.process = psutil.Process()
        self.start_rss = self.process.memory_info().rss
        self.peak = self.start_rss
        self.running = True

    def run(self):
        while self.running:
            self.peak = max(self.peak, self.process.memory_info().rss)
            time.sleep(0.05)


def _sweep(batch_size: int, parallel: int) -> int:
    """One sweep, or ``parallel`` at once (as helper tasks on several workers
    would run): SKIP LOCKED hands each its own batches."""
    from django.db import connection

    from fundraising.pledges.reminders import reminders_sweep

    if parallel == 1:
        return reminders_sweep(batch_size=batch_size)
    counts: list[int] = []

    def one():
        try:
            counts.append(reminders_sweep(batch_size=batch_size))
        finally:
            connection.close()

    threads = [threading.Thread(target=one) for _ in range(parallel)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sum(counts)


def _run(appeal, size: int, batch_size: int, parallel: int) -> dict:
    import gc

    from config.celery import app

    _make_due(appeal, size)
    gc.collect()
    watch = PeakMemory()
    watch.start()
    started = time.perf_counter()
    sent = _sweep(batch_size, parallel)
    elapsed = time.perf_counter() - started
    watch.running = False
    watch.join()
    app.control.purge()  # the email tasks the sweep enqueued: never sent here
    if sent != size:
        sys.exit(f"sweep sent {sent:,}, expected {size:,}")
    return {
        "size": size,
        "seconds": elapsed,
        "per_second": size / elapsed,
        "peak_growth_mb": (watch.peak - watch.start_rss) / 2**20,
    }


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.pledges")
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--batch-size", type=int, default=500)
    parser.add_argument(
        "--parallel", type=int, default=1, help="sweeps running at once (threads)"
    )
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    if not os.environ.get("REDIS_URL"):
        sys.exit("bench.pledges needs Redis for the email tasks: set REDIS_URL")
    database_url = bench_database("pledges")
    django_setup(database_url, "bench.pledges_settings")
    appeal = _seed(max(sizes))
    _run(appeal, min(500, min(sizes)), args.batch_size, 1)  # warm caches first
    results = [_run(appeal, size, args.batch_size, args.parallel) for size in sizes]
    print(f"parallel sweeps: {args.parallel}, batch size: {args.batch_size}")
    print(f"{'due reminders':>14} {'seconds':>9} {'per second':>11} {'peak +MB':>9}")
    for r in results:
        print(
            f"{r['size']:>14,} {r['seconds']:>9.1f} {r['per_second']:>11,.0f} "
            f"{r['peak_growth_mb']:>9.1f}"
        )
    if len(results) > 1:
        small, large = results[0], results[-1]
        print(
            f"memory: {small['peak_growth_mb']:.1f} MB at {small['size']:,} vs "
            f"{large['peak_growth_mb']:.1f} MB at {large['size']:,} (batches of "
            f"{args.batch_size}: should not grow with the number due)"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
