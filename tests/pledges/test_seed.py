"""The demo pledges seeder: idempotent, and the totals match the rows."""

import pytest

from fundraising.pledges import selectors
from fundraising.pledges.models import Pledge
from fundraising.pledges.seed import seed_pledges

from .factories import appeal_make

pytestmark = pytest.mark.django_db


def test_seeding_twice_adds_the_demo_pledges_once():
    appeal = appeal_make(slug="judicial-review")
    seed_pledges(log=lambda *_: None)
    seed_pledges(log=lambda *_: None)
    assert Pledge.objects.count() == 4
    statuses = sorted(Pledge.objects.values_list("status", flat=True))
    assert statuses == ["cancelled", "confirmed", "confirmed", "unconfirmed"]
    appeal.refresh_from_db()
    assert selectors.pledged_totals_actual(appeal=appeal) == {
        "pledged_pence": appeal.pledged_pence,
        "pledges_outstanding": appeal.pledges_outstanding,
    }
    assert appeal.pledged_pence == 7500


def test_seeding_without_the_demo_appeal_does_nothing():
    seed_pledges(log=lambda *_: None)
    assert not Pledge.objects.exists()
