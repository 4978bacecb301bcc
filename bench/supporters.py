"""Benchmark: supporters CSV import (10,000 and 50,000 rows) and the admin
list queries at 100,000 supporters.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/campaign python -m bench.supporters

Uses its own database (<name>_bench_supporters, created and migrated on the
first run). For each import size it writes a CSV file, runs the dry run and
the import (what the admin's two steps run) and reports rows per second and
how much the process's resident memory grew during each step: it should grow
only by the small per-address hash used to spot duplicates, not with the file. Then it
tops the table up to 100,000 supporters and times the supporters list, a
prefix search and a subscription-status filter (first page and total).
"""

from __future__ import annotations

import csv
import os
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

SIZES = (10_000, 50_000)
LIST_SIZE = 100_000


def _database_url() -> str:
    url = os.environ.get("DATABASE_URL", "")
    parts = urlsplit(url)
    if not parts.scheme.startswith("postgres"):
        sys.exit("bench.supporters needs PostgreSQL: set DATABASE_URL=postgres://...")
    name = parts.path.lstrip("/") + "_bench_supporters"
    import psycopg

    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [name]
        ).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')
    return urlunsplit(parts._replace(path="/" + name))


def _setup() -> None:
    os.environ["DATABASE_URL"] = _database_url()
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.supporters_settings"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def _write_csv(path: Path, size: int, run: str) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(
            [
                "email",
                "first_name",
                "last_name",
                "consent_given_at",
                "consent_source",
                "consent_wording",
                "topics",
                "tags",
            ]
        )
        for i in range(size):
            writer.writerow(
                [
                    f"import{run}-{i}@bench.example",
                    f"First{i}",
                    f"Last{i}",
                    "2025-06-01",
                    "Paper form, bench",
                    "Yes, email me updates",
                    "campaign-updates",
                    "volunteer" if i % 3 == 0 else "",
                ]
            )


def _rss_mb() -> float:
    with open("/proc/self/statm") as handle:
        return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


class PeakRss(threading.Thread):
    """Samples the process's resident memory while a step runs."""

    def __init__(self):
        super().__init__(daemon=True)
        self.start_mb = self.peak_mb = _rss_mb()
        self.running = True

    def run(self):
        while self.running:
            self.peak_mb = max(self.peak_mb, _rss_mb())
            time.sleep(0.02)


def _measure(label: str, rows: int, func):
    sampler = PeakRss()
    sampler.start()
    started = time.perf_counter()
    result = func()
    seconds = time.perf_counter() - started
    sampler.running = False
    sampler.join()
    print(
        f"  {label:<10} {rows:>7,} rows  {seconds:6.1f}s  "
        f"{rows / seconds:8,.0f} rows/s  memory growth "
        f"{sampler.peak_mb - sampler.start_mb:6.1f} MB",
        flush=True,
    )
    return result


def _bench_import() -> None:
    from supporters.importing import supporters_import, supporters_import_check

    run = str(int(time.time()))
    with tempfile.TemporaryDirectory() as folder:
        for size in SIZES:
            path = Path(folder) / f"{size}.csv"
            _write_csv(path, size, f"{run}-{size}")
            print(f"CSV of {size:,} rows: {path.stat().st_size / 1024 / 1024:.1f} MB")
            with path.open("rb") as handle:
                report = _measure(
                    "dry run", size, lambda h=handle: supporters_import_check(file=h)
                )
                if not (report.ok and report.new == size):
                    sys.exit(f"dry run failed: {report.errors[:3]}")
                handle.seek(0)
                report = _measure(
                    "import",
                    size,
                    lambda h=handle: supporters_import(file=h, source="bench import"),
                )
                if not report.imported:
                    sys.exit("import failed")


def _bench_list() -> None:
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    from supporters.models import Supporter
    from supporters.selectors import supporters_filtered

    have = Supporter.objects.count()
    for start in range(have, LIST_SIZE, 10_000):
        Supporter.objects.bulk_create(
            Supporter(
                email=f"list{i}@bench.example", first_name=f"F{i}", source="bench"
            )
            for i in range(start, min(start + 10_000, LIST_SIZE))
        )
    print(f"Supporters in the table: {Supporter.objects.count():,}")
    cases = {
        "list (newest first)": {},
        "search 'import'": {"search": "import"},
        "search 'First123'": {"search": "First123"},
        "status confirmed": {"status": "confirmed"},
    }
    for label, kwargs in cases.items():
        reset_queries()
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            queryset = supporters_filtered(**kwargs).order_by("-created_at", "-id")
            total = queryset.count()
            page = list(queryset[:50])
            seconds = time.perf_counter() - started
        print(
            f"  {label:<22} total {total:>7,}  page {len(page)}  "
            f"{seconds * 1000:7.1f} ms  {len(queries)} queries",
            flush=True,
        )


def main() -> int:
    _setup()
    print("CSV import (dry run, then import: one transaction, 1,000-row chunks)")
    _bench_import()
    print(f"Admin list queries at {LIST_SIZE:,}+ supporters")
    _bench_list()
    return 0


if __name__ == "__main__":
    sys.exit(main())
