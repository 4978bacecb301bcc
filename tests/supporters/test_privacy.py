"""The personal-data registry: export (JSON + CSV) and erasure across apps."""

from __future__ import annotations

import csv
import io

import pytest
from django.apps import apps
from django.db import models

from supporters import privacy
from supporters.emails import email_enqueue, email_send
from supporters.models import DataRequest, EmailMessageLog, Supporter, Suppression
from supporters.services import consent_grant, is_suppressed, supporter_upsert

from .factories import TagFactory

pytestmark = pytest.mark.django_db

IDENTITY = {
    "email": "unique.person.7731@example.org",
    "first_name": "Zephyrine",
    "last_name": "Quillfeather",
    "postcode": "LS6 2QX",
}


@pytest.fixture
def person(anymail_outbox):
    supporter = supporter_upsert(source="signup form", **IDENTITY)
    supporter.tags.add(TagFactory(name="volunteer"))
    consent_grant(
        supporter=supporter,
        purpose="email_updates",
        wording="=HYPERLINK(evil)",
        wording_version="v1",
        source="signup",
    )
    log = email_enqueue(
        template="confirm_signup",
        to=supporter,
        context={"confirm_url": "http://testserver/x/"},
        kind="transactional",
    )
    email_send(log_id=log.pk)
    # A second log addressed by string, and one left unsent (still has context).
    email_enqueue(
        template="confirm_signup",
        to=IDENTITY["email"],
        context={"confirm_url": "http://x/", "name": "Zephyrine"},
        kind="transactional",
    )
    DataRequest.objects.create(
        kind="access", supporter=supporter, email_hash="h", notes="Zephyrine phoned"
    )
    return supporter


def test_export_includes_profile_consent_tags_and_emails(person):
    data = privacy.data_export(supporter=person)["supporter"]
    assert data["email"] == IDENTITY["email"]
    assert data["postcode"] == "LS6 2QX"
    assert data["tags"] == ["volunteer"]
    assert data["consent_history"][0]["wording_version"] == "v1"
    assert [e["type"] for e in data["emails_sent"]] == ["confirm_signup"]


def test_csv_export_flattens_everything_and_defuses_formulas(person):
    rows = list(csv.reader(io.StringIO(privacy.data_export_csv(supporter=person))))
    assert rows[0] == ["field", "value"]
    values = dict(rows[1:])
    assert values["supporter.email"] == IDENTITY["email"]
    assert values["supporter.consent_history[1].wording"] == "'=HYPERLINK(evil)"


def test_other_apps_join_through_the_registry(person):
    erased = []
    privacy.register(
        "test-app",
        export=lambda s: {"pledges": [1]},
        erase=lambda s: erased.append(s.pk),
        order=10,
    )
    try:
        assert privacy.data_export(supporter=person)["test-app"] == {"pledges": [1]}
        pk = person.pk
        privacy.supporter_erase(supporter=person, source="test")
        assert erased == [pk]
    finally:
        privacy._REGISTRY.pop("test-app")


def test_a_failing_eraser_rolls_the_whole_erasure_back(person):
    def broken(supporter):
        raise RuntimeError("disk on fire")

    privacy.register("broken", export=lambda s: {}, erase=broken, order=10)
    try:
        with pytest.raises(RuntimeError):
            privacy.supporter_erase(supporter=person, source="test")
    finally:
        privacy._REGISTRY.pop("broken")
    assert Supporter.objects.filter(pk=person.pk).exists()
    assert not Suppression.objects.exists()


def _text_fields(model):
    return [
        f.name
        for f in model._meta.get_fields()
        if isinstance(f, models.CharField | models.TextField | models.JSONField)
        and not f.is_relation
    ]


def test_after_erasure_no_table_holds_any_of_the_persons_data(
    person, client, admin_user
):
    # Staff touched the record too: an admin edit (Wagtail logs the name) and
    # a detail view (the access log).
    client.force_login(admin_user)
    edit = client.post(
        f"/admin/supporters_supporter/edit/{person.pk}/",
        {**IDENTITY, "source": "signup form", "tags": []},
    )
    assert edit.status_code == 302
    client.get(f"/admin/supporters_supporter/inspect/{person.pk}/")
    privacy.supporter_erase(supporter=person, source="test")
    needles = [v.lower() for v in IDENTITY.values()]
    found = []
    for model in apps.get_models():
        fields = _text_fields(model)
        if not fields:
            continue
        for row in model._default_manager.values_list(*fields):
            text = " ".join(str(value) for value in row).lower()
            found += [(model._meta.label, n) for n in needles if n in text]
    assert found == []
    # What stays: the suppression hash, anonymous email counts, the request.
    assert is_suppressed(IDENTITY["email"])
    assert EmailMessageLog.objects.count() == 2
    assert DataRequest.objects.get().supporter is None


def test_gift_aid_retention_rule_is_written_down():
    assert privacy.GIFT_AID_RETENTION_YEARS == 6
    assert "six" in privacy.__doc__ and "Gift Aid" in privacy.__doc__
