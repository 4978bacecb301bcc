"""The demo seeder leaves one draft mailing with an audience, and is idempotent."""

import pytest

from supporters.mailings.audience import mailing_audience_count
from supporters.mailings.compose import mailing_problems
from supporters.mailings.models import Mailing
from supporters.mailings.seed import seed_mailings
from supporters.seed import seed_supporters

pytestmark = pytest.mark.django_db


def test_seed_creates_one_sendable_draft_and_can_run_twice():
    seed_supporters(log=lambda *_: None)  # runs before it in SEEDERS
    seed_mailings(log=lambda *_: None)
    seed_mailings(log=lambda *_: None)
    mailing = Mailing.objects.get()
    assert mailing.status == "draft"
    assert mailing_problems(mailing=mailing) == []
    assert mailing_audience_count(mailing=mailing) > 0
