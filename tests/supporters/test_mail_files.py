"""The embedded default writes each email to its own file in var/mail/."""

from __future__ import annotations

import email
import email.policy

from django.core import mail

from supporters.mail_files import EmailBackend


def test_each_message_is_its_own_complete_eml_file(tmp_path):
    backend = EmailBackend(file_path=str(tmp_path))
    messages = [
        mail.EmailMessage(
            "Hello Ann", "Body A", "from@example.org", ["ann@example.org"]
        ),
        mail.EmailMessage(
            "Hello Ben", "Body B", "from@example.org", ["ben@example.org"]
        ),
        mail.EmailMessage("Nobody", "x", "from@example.org", []),
    ]
    assert backend.send_messages(messages) == 2
    files = sorted(tmp_path.iterdir())
    assert [f.suffix for f in files] == [".eml", ".eml"]  # no partial files left
    parsed = [
        email.message_from_bytes(f.read_bytes(), policy=email.policy.default)
        for f in files
    ]
    assert sorted(str(m["To"]) for m in parsed) == [
        "ann@example.org",
        "ben@example.org",
    ]
    assert all("@" not in f.name for f in files)  # no address in a file name


def test_the_embedded_default_mails_to_files(settings):
    from config.settings import base

    assert base.MAILERS["default"]["BACKEND"] == "supporters.mail_files.EmailBackend"
    assert base.MAILERS["default"]["OPTIONS"]["file_path"].endswith("var/mail")
