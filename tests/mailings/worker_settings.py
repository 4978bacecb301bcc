"""Settings for a real worker in the mailings tests: the anymail Postmark
backend pointed at the test's Postmark double, short leases."""

import os

from config.settings.worker_test import *  # noqa: F403

MAILERS = {
    "default": {
        "BACKEND": "anymail.backends.postmark.EmailBackend",
        "OPTIONS": {
            "server_token": "server-token",
            "api_url": os.environ["POSTMARK_DOUBLE_URL"],
        },
    }
}
MAILINGS_BATCH_SIZE = int(os.environ.get("TEST_MAILINGS_BATCH_SIZE", "500"))
MAILINGS_LEASE_SECONDS = int(os.environ.get("TEST_MAILINGS_LEASE_SECONDS", "300"))
MAILINGS_TASK_SECONDS = 20
MAILINGS_RETRY_BASE_SECONDS = 1  # back off in seconds, not minutes, in tests
