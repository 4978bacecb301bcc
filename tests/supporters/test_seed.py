"""The demo seeder is idempotent."""

import pytest

from supporters.models import ConsentRecord, Subscription, Supporter, Topic
from supporters.seed import PEOPLE, seed_supporters
from supporters.services import is_suppressed

pytestmark = pytest.mark.django_db


def test_seeding_twice_creates_nothing_new():
    seed_supporters(log=lambda *_: None)
    counts = (
        Supporter.objects.count(),
        ConsentRecord.objects.count(),
        Subscription.objects.count(),
        Topic.objects.count(),
    )
    seed_supporters(log=lambda *_: None)
    assert counts == (
        Supporter.objects.count(),
        ConsentRecord.objects.count(),
        Subscription.objects.count(),
        Topic.objects.count(),
    )
    assert counts[0] == len(PEOPLE)
    assert is_suppressed("martin.cole@example.org")
    assert Subscription.objects.filter(status="confirmed").exists()
