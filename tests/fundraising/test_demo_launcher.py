"""`make run` (bin/run-demo) starts the offline Stripe double itself when no
Stripe keys are set, so the demo runs every card journey in test mode; real
keys switch it off. Honcho is replaced by a script that reports what it was
asked to start and with which settings."""

from __future__ import annotations

import os
import re
import subprocess

import pytest

from tests.conftest import ROOT

FAKE_HONCHO = """#!/bin/sh
echo "args: $*"
echo "key: ${STRIPE_SECRET_KEY}"
echo "api: ${STRIPE_API_BASE}"
echo "base: ${BASE_URL}"
"""


@pytest.fixture
def run_demo(tmp_path):
    honcho = tmp_path / "honcho"
    honcho.write_text(FAKE_HONCHO)
    honcho.chmod(0o755)

    def run(**env) -> dict[str, str]:
        clean = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("STRIPE_", "REDIS_", "BASE_URL", "RUN_PORT"))
        }
        result = subprocess.run(
            [str(ROOT / "bin" / "run-demo")],
            env={**clean, "HONCHO": str(honcho), **env},
            capture_output=True,
            text=True,
            check=True,
        )
        return dict(re.findall(r"^(\w+): ?(.*)$", result.stdout, re.MULTILINE))

    return run


def test_without_stripe_keys_the_demo_starts_the_double_in_test_mode(run_demo):
    started = run_demo(RUN_PORT="8123", STRIPE_DOUBLE_PORT="12999")
    assert started["args"] == "-f Procfile.dev start web stripe"
    assert started["key"] == "sk_test_double"
    assert started["api"] == "http://127.0.0.1:12999"
    assert started["base"] == "http://127.0.0.1:8123"  # where webhooks go


def test_with_redis_the_demo_adds_worker_and_beat(run_demo):
    started = run_demo(REDIS_URL="redis://127.0.0.1:6379/15")
    assert started["args"] == "-f Procfile.dev start web worker beat stripe"
    assert started["api"] == "http://127.0.0.1:12111"


def test_real_stripe_keys_switch_the_double_off(run_demo):
    started = run_demo(STRIPE_SECRET_KEY="sk_live_123", STRIPE_WEBHOOK_SECRET="whsec")
    assert started["args"] == "-f Procfile.dev start web"
    assert started["key"] == "sk_live_123" and started["api"] == ""


def test_every_process_the_demo_starts_is_in_the_procfile():
    procfile = (ROOT / "Procfile.dev").read_text()
    names = set(re.findall(r"^(\w+):", procfile, re.MULTILINE))
    assert {"web", "worker", "beat", "stripe"} <= names
    assert "manage.py stripe_double --port ${STRIPE_DOUBLE_PORT" in procfile


def test_a_busy_port_for_the_double_says_which_variable_to_change():
    import socket

    from django.core.management import CommandError, call_command

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(CommandError, match="Set STRIPE_DOUBLE_PORT"):
            call_command("stripe_double", port=port)
