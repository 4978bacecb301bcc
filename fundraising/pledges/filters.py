"""Filters of the pledges list in the admin (also used by the CSV export)."""

from __future__ import annotations

import django_filters
from django_filters import DateFromToRangeFilter
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet

from .models import Pledge


class PledgeFilterSet(WagtailFilterSet):
    due_date = DateFromToRangeFilter(label="Due", widget=DateRangePickerWidget)
    milestone_key = django_filters.ChoiceFilter(label="Milestone", choices=[])

    class Meta:
        model = Pledge
        fields = ["status", "appeal", "when", "due_date", "milestone_key"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        pairs = (
            Pledge.objects.exclude(milestone_key__isnull=True)
            .values_list("milestone_key", "milestone_title")
            .order_by("milestone_title")
            .distinct()
        )
        self.filters["milestone_key"].extra["choices"] = [
            (str(key), title) for key, title in pairs
        ]
