"""Who a mailing reaches: consent first, then lists, tags and groups."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from supporters.addresses import email_hash
from supporters.mailings import services
from supporters.mailings.audience import (
    AudienceError,
    audience_queryset,
    group_choices,
    mailing_audience,
)
from supporters.models import Supporter, Tag, Topic
from supporters.services import suppression_add

from .conftest import make_people

pytestmark = pytest.mark.django_db


def emails(queryset):
    return set(queryset.values_list("email", flat=True))


def test_only_confirmed_subscribers_are_in(topic):
    yes = make_people(2, topic=topic, prefix="yes")
    make_people(2, topic=topic, prefix="pending", status="unconfirmed")
    make_people(2, topic=topic, prefix="gone", status="unsubscribed")
    assert emails(audience_queryset(topic_ids=[topic.pk])) == {p.email for p in yes}


def test_no_list_chosen_means_every_list_but_still_confirmed_only(topic):
    other = Topic.objects.create(name="Events", slug="mailings-test-events")
    a = make_people(1, topic=topic, prefix="a")
    b = make_people(1, topic=other, prefix="b")
    assert emails(audience_queryset()) >= {a[0].email, b[0].email}
    assert emails(audience_queryset(topic_ids=[other.pk])) == {b[0].email}


def test_tags_narrow_with_any_or_all(topic):
    leeds = Tag.objects.create(name="Leeds")
    volunteer = Tag.objects.create(name="volunteer-test")
    both = make_people(1, topic=topic, prefix="both", tags=[leeds, volunteer])
    only_leeds = make_people(1, topic=topic, prefix="leeds", tags=[leeds])
    make_people(1, topic=topic, prefix="none")
    ids = [leeds.pk, volunteer.pk]
    any_ = audience_queryset(topic_ids=[topic.pk], tag_ids=ids, match="any")
    all_ = audience_queryset(topic_ids=[topic.pk], tag_ids=ids, match="all")
    assert emails(any_) == {both[0].email, only_leeds[0].email}
    assert emails(all_) == {both[0].email}


def test_suppressed_addresses_are_left_out_in_sql(require_postgres, topic):
    people = make_people(3, topic=topic)
    suppression_add(email=people[0].email, reason="hard_bounce")
    assert emails(audience_queryset(topic_ids=[topic.pk])) == {
        p.email for p in people[1:]
    }
    # The SQL hash is the Python one (the scheme suppression relies on).
    from supporters.mailings.audience import _without_suppressed

    hashed = _without_suppressed(Supporter.objects.filter(pk=people[1].pk)).values_list(
        "email_sha", flat=True
    )
    assert list(hashed) == [email_hash(people[1].email)]


def test_donors_and_pledgers_groups_come_from_fundraising(topic):
    from django.apps import apps

    appeal_model = apps.get_model("fundraising", "Appeal")
    donation_model = apps.get_model("fundraising", "Donation")
    appeal = appeal_model.objects.create(
        name="Legal costs", slug="mailings-legal", purpose="The case"
    )
    donor, pledger, neither, unpaid = make_people(4, topic=topic)
    donation_model.objects.create(
        appeal=appeal, supporter=donor, amount_pence=1000, paid_at=timezone.now()
    )
    donation_model.objects.create(appeal=appeal, supporter=unpaid, amount_pence=1000)
    keys = dict(group_choices())
    assert (
        f"donors:{appeal.pk}" in keys and "Legal costs" in keys[f"donors:{appeal.pk}"]
    )
    donors = audience_queryset(topic_ids=[topic.pk], segments=[f"donors:{appeal.pk}"])
    assert emails(donors) == {donor.email}

    pledge_model = apps.get_model("pledges", "Pledge")
    pledge_model.objects.create(
        appeal=appeal,
        supporter=pledger,
        amount_pence=500,
        when="date",
        due_date=datetime.date(2030, 1, 1),
        status="confirmed",
    )
    either = audience_queryset(
        topic_ids=[topic.pk], segments=["pledgers", f"donors:{appeal.pk}"]
    )
    assert emails(either) == {donor.email, pledger.email}
    assert neither.email not in emails(either)


def test_unknown_group_is_a_clear_error_not_a_crash(topic, mailing_factory):
    make_people(1, topic=topic)
    mailing = mailing_factory(topics=[topic], segments=["volunteers-from-2019"])
    with pytest.raises(AudienceError, match="no longer exists"):
        list(mailing_audience(mailing=mailing))
    with pytest.raises(services.MailingError, match="no longer exists"):
        services.mailing_send(mailing=mailing)


def test_count_query_does_not_grow_with_the_audience(
    topic, mailing_factory, django_assert_max_num_queries
):
    make_people(200, topic=topic)
    mailing = mailing_factory(topics=[topic])
    with django_assert_max_num_queries(4):
        assert services.mailing_audience_count(mailing=mailing) == 200
