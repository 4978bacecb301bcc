"""The "Where the money goes" block, as a campaign page renders it."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from campaign.blocks import BodyBlock, SpendingLedgerBlock
from tests.ledger.conftest import entry_make

pytestmark = pytest.mark.django_db


def render(page, **value):
    block = SpendingLedgerBlock()
    return block.render(block.to_python(value), context={"page": page})


def test_block_shows_the_pages_appeal_figures_stages_and_link(
    appeal, stages, fay, finn, policy
):
    entry_make(stages["pre_action"], by=fay, approve_by=finn)
    entry_make(stages["permission"], by=fay, description="Not approved yet")
    html = render(SimpleNamespace(appeal=appeal), heading="Where the money goes")
    assert "<h2" in html and "Where the money goes" in html
    assert 'data-pence="120000">£1,200<' in html  # spent: approved only
    assert "Pre-action (letter before claim)" in html
    assert "Money not needed goes to the next stage of the case." in html
    assert 'href="/appeals/judicial-review/spending/"' in html
    assert "Not approved yet" not in html


def test_block_without_an_appeal_says_so(db):
    html = render(SimpleNamespace(), heading="Where the money goes")
    assert "once this page has an appeal" in html


def test_block_is_offered_in_every_page_body_and_never_fragment_cached():
    assert isinstance(BodyBlock().child_blocks["spending"], SpendingLedgerBlock)
    assert not getattr(SpendingLedgerBlock, "fragment_cacheable", False)
