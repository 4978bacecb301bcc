"""Locust user for bench.site: anonymous readers fetching the four pages.

The pages come from BENCH_SITE_PAGES (JSON: name -> path), set by bench.site.
"""

import json
import os

from locust import FastHttpUser, constant, task

PAGES = json.loads(os.environ["BENCH_SITE_PAGES"])


class Reader(FastHttpUser):
    wait_time = constant(0)

    @task
    def read(self):
        for name, path in PAGES.items():
            with self.client.get(path, name=name, catch_response=True) as response:
                if response.status_code != 200:
                    response.failure(f"HTTP {response.status_code}")
