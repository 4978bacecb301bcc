"""Admin forms: the mailing editor and the schedule form."""

from __future__ import annotations

from django import forms
from django.db import transaction
from django.utils import timezone
from wagtail.admin.forms import WagtailAdminModelForm

from .audience import group_choices
from .compose import merge_field_errors
from .models import Mailing

# What the editor may change; status, counters and frozen content are never
# written by the form (a send click in between must not be undone by a save).
EDITABLE_FIELDS = [
    "subject",
    "preheader",
    "from_name",
    "body",
    "segments",
    "segment_match",
    "updated_at",
]
LOCKED_MESSAGE = (
    "This mailing started sending while you were editing it, so your changes "
    "were not saved. What is being sent cannot change half-way."
)


class MailingLocked(Exception):
    """The mailing left draft/scheduled between loading and saving the form."""


class MailingForm(WagtailAdminModelForm):
    segments = forms.MultipleChoiceField(
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Groups",
        help_text="Donors, pledgers and other groups (optional).",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["segments"].choices = group_choices()
        for name in ("topics", "tags"):
            if name in self.fields:
                self.fields[name].widget = forms.CheckboxSelectMultiple(
                    choices=self.fields[name].choices
                )

    def clean_subject(self):
        subject = " ".join((self.cleaned_data.get("subject") or "").split())
        if not subject:
            raise forms.ValidationError("Add a subject.")
        errors = merge_field_errors(subject, where="subject")
        if errors:
            raise forms.ValidationError(errors)
        return subject

    def clean_preheader(self):
        preheader = " ".join((self.cleaned_data.get("preheader") or "").split())
        errors = merge_field_errors(preheader, where="preheader")
        if errors:
            raise forms.ValidationError(errors)
        return preheader

    def clean(self):
        cleaned = super().clean()
        body = cleaned.get("body")
        if body is not None:
            probe = Mailing(subject="x", body=body)
            from .compose import _body_source

            for error in merge_field_errors(_body_source(probe), where="body"):
                self.add_error("body", error)
        if self.instance.pk and not _editable_now(self.instance.pk):
            raise forms.ValidationError(LOCKED_MESSAGE)
        return cleaned

    def save(self, commit=True):
        instance = super().save(commit=False)
        if not commit:
            return instance
        with transaction.atomic():
            if instance.pk:
                if not _editable_now(instance.pk, lock=True):
                    raise MailingLocked
                instance.save(update_fields=EDITABLE_FIELDS)
            else:
                instance.save()
            self.save_m2m()
        return instance

    class Meta:
        model = Mailing
        fields = [
            "subject",
            "preheader",
            "from_name",
            "body",
            "topics",
            "tags",
            "segments",
            "segment_match",
        ]


def _editable_now(pk: int, *, lock: bool = False) -> bool:
    queryset = Mailing.objects.filter(pk=pk)
    if lock:
        queryset = queryset.select_for_update()
    status = queryset.values_list("status", flat=True).first()
    return status in (Mailing.Status.DRAFT, Mailing.Status.SCHEDULED)


class ScheduleForm(forms.Form):
    when = forms.DateTimeField(
        label="Send at (UK time)",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%d/%m/%Y %H:%M"],
    )

    def clean_when(self):
        when = self.cleaned_data["when"]
        if when <= timezone.now():
            raise forms.ValidationError("Choose a time in the future.")
        return when
