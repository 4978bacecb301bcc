"""Template tags for pages of other apps that offer a pledge.

{% load pledges_tags %}
{% pledge_form appeal %}          the full form (e.g. on the donate page)
{% pledge_form appeal milestones %}   with (key, title) milestone choices
{% pledge_link appeal %}          "Can't give today? Pledge to give later"
"""

from __future__ import annotations

from django import template

from ..forms import PledgeForm
from ..milestones import milestones_for

register = template.Library()


@register.inclusion_tag("pledges/includes/pledge_form_section.html", takes_context=True)
def pledge_form(context, appeal, milestones=None):
    if appeal is None or not appeal.is_open:
        return {"appeal": None}
    if milestones is None:
        milestones = milestones_for(appeal)
    return {
        "appeal": appeal,
        "form": PledgeForm(appeal=appeal, milestones=milestones),
        "csrf_token": context.get("csrf_token"),
        "request": context.get("request"),
    }


@register.inclusion_tag("pledges/includes/pledge_link.html")
def pledge_link(appeal):
    return {"appeal": appeal if appeal is not None and appeal.is_open else None}
