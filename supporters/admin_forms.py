"""Forms used in the Wagtail admin for supporters."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.db.models.functions import Lower
from wagtail.admin.forms import WagtailAdminModelForm

from .addresses import email_normalise, text_clean
from .importing import MAX_BYTES
from .models import DataRequest, Supporter


class SupporterAdminForm(WagtailAdminModelForm):
    def clean_email(self):
        email = email_normalise(self.cleaned_data["email"])
        clash = (
            Supporter.objects.annotate(lower=Lower("email"))
            .filter(lower=email)
            .exclude(pk=self.instance.pk)
        )
        if clash.exists():
            raise ValidationError("Another supporter already has this address.")
        return email

    def _name(self, field, label, length=100):
        return text_clean(
            self.cleaned_data.get(field, ""), field=label, max_length=length
        )

    def clean_first_name(self):
        return self._name("first_name", "first name")

    def clean_last_name(self):
        return self._name("last_name", "last name")

    def clean_postcode(self):
        return self._name("postcode", "postcode", 10).upper()


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label="CSV file",
        help_text=(
            "UTF-8 CSV, under 10 MB. Required columns: email, consent_given_at, "
            "consent_source, consent_wording. Optional: first_name, last_name, "
            "postcode, topics, tags, consent_wording_version."
        ),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            raise ValidationError(
                "The file is 10 MB or more. Split it into smaller files "
                "and import each."
            )
        return upload


class DataRequestCreateForm(forms.Form):
    kind = forms.ChoiceField(choices=DataRequest.Kind.choices)
    email = forms.CharField(label="The person's email address", max_length=300)
    notes = forms.CharField(widget=forms.Textarea, required=False)

    def clean_email(self):
        from .services import supporter_get_by_email

        email = email_normalise(self.cleaned_data["email"])
        self.supporter = supporter_get_by_email(email)
        if self.supporter is None:
            raise ValidationError("We hold no supporter with this address.")
        return email
