"""The pledge form block, as a campaign page renders it."""

import uuid
from types import SimpleNamespace

import pytest

from fundraising.pledges.blocks import PledgeFormBlock

pytestmark = pytest.mark.django_db


class Milestones(list):
    def all(self):
        return self


def render(page, **value):
    block = PledgeFormBlock()
    return block.render(block.to_python(value), context={"page": page})


def test_block_renders_the_form_with_the_pages_open_milestones(appeal):
    upcoming, done = uuid.uuid4(), uuid.uuid4()
    page = SimpleNamespace(
        appeal=appeal,
        milestones=Milestones(
            [
                SimpleNamespace(
                    key=upcoming,
                    title="Permission hearing",
                    reached_at=None,
                    state="upcoming",
                ),
                SimpleNamespace(
                    key=done,
                    title="Letter before action",
                    reached_at=None,
                    state="done",
                ),
            ]
        ),
    )
    html = render(page, heading="Pledge later")
    assert "Pledge later" in html
    assert f'action="/pledge/{appeal.slug}/"' in html
    assert "Permission hearing" in html
    assert "Letter before action" not in html


def test_block_without_an_appeal_says_so_instead_of_failing():
    html = render(SimpleNamespace(), heading="Pledge later")
    assert "appears here once this page has an appeal" in html


def test_block_on_a_closed_appeal_shows_no_form(appeal):
    appeal.is_open = False
    appeal.save()
    html = render(SimpleNamespace(appeal=appeal), heading="Pledge later")
    assert "no longer taking pledges" in html
    assert "<form" not in html


def test_pledge_form_tag_renders_for_an_open_appeal_only(appeal, rf):
    from django.template import Context, Template

    template = Template(
        "{% load pledges_tags %}{% pledge_form appeal %}{% pledge_link appeal %}"
    )
    html = template.render(Context({"appeal": appeal, "request": rf.get("/")}))
    assert "Make my pledge" in html
    assert f'href="/pledge/{appeal.slug}/"' in html
    appeal.is_open = False
    assert template.render(Context({"appeal": appeal})).strip() == ""
