"""Filters for the supporters list in the Wagtail admin."""

from __future__ import annotations

import django_filters
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet

from .models import Subscription, Supporter, Tag, Topic
from .selectors import with_subscription


class SupporterFilterSet(WagtailFilterSet):
    subscription_status = django_filters.ChoiceFilter(
        choices=Subscription.Status.choices,
        label="Subscription status",
        method="filter_subscription",
    )
    topic = django_filters.ModelChoiceFilter(
        queryset=Topic.objects.all(), label="Topic", method="filter_subscription"
    )
    tags = django_filters.ModelChoiceFilter(queryset=Tag.objects.all(), label="Tag")
    source = django_filters.CharFilter(
        lookup_expr="startswith", label="Source starts with"
    )
    review = django_filters.BooleanFilter(
        field_name="review_flagged_at",
        lookup_expr="isnull",
        exclude=True,
        label="Flagged for review (inactive 24 months)",
    )
    created_at = django_filters.DateFromToRangeFilter(
        label="Joined", widget=DateRangePickerWidget
    )

    class Meta:
        model = Supporter
        fields = []

    def filter_subscription(self, queryset, name, value):
        return queryset  # both fields are applied together in filter_queryset

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        data = self.form.cleaned_data
        return with_subscription(
            queryset,
            status=data.get("subscription_status"),
            topic=data.get("topic"),
        )
