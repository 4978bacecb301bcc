"""Settings for the real worker in the mailing journey: mail goes through
anymail's Postmark backend into the test's Postmark double (the production
path: one batch API call per MAILINGS_BATCH_SIZE recipients)."""

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
MAILINGS_BATCH_SIZE = 100
