"""bin/check-deploy passes on the intended production settings and fails on
each unsafe one: an email provider without the webhook secret (start-up
refuses it) and two-factor switched off (a deploy-check error)."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def check_deploy(tmp_path, **overrides) -> subprocess.CompletedProcess:
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'deploy-check.sqlite3'}",
        **overrides,
    }
    return subprocess.run(
        [str(ROOT / "bin" / "check-deploy")],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_intended_production_settings_pass_the_deploy_check(tmp_path):
    result = check_deploy(tmp_path)
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_the_webhook_secret(tmp_path):
    result = check_deploy(tmp_path, ANYMAIL_WEBHOOK_SECRET="")
    assert result.returncode == 78
    assert "ANYMAIL_WEBHOOK_SECRET is required in production" in result.stderr


def test_production_refuses_a_webhook_secret_without_a_user(tmp_path):
    result = check_deploy(tmp_path, ANYMAIL_WEBHOOK_SECRET="justapassword")
    assert result.returncode == 78
    assert "ANYMAIL_WEBHOOK_SECRET must be user:password" in result.stderr


@pytest.mark.parametrize("value", ["false", "0", "no"])
def test_deploy_check_fails_when_two_factor_is_off(tmp_path, value):
    result = check_deploy(tmp_path, ADMIN_2FA_REQUIRED=value)
    assert result.returncode != 0
    assert "home.E001" in result.stderr
