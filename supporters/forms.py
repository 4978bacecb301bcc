"""Public forms of the supporters app (HTTP only)."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError

from .addresses import EMAIL_MAX_LENGTH, email_normalise, text_clean
from .antispam import AntiSpamFormMixin
from .consent import current_wording
from .services import PURPOSE_EMAIL_UPDATES
from .subscriptions import public_topics


class TopicsField(forms.ModelMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def label_from_instance(self, obj):
        return obj.name


def _clean_name(value: str, field: str) -> str:
    return text_clean(value, field=field, max_length=100)


class SignupForm(AntiSpamFormMixin, forms.Form):
    """Email, optional first name, topics, and an unticked consent box."""

    email = forms.CharField(
        label="Email address",
        max_length=EMAIL_MAX_LENGTH + 20,  # normalised and checked in clean_email
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    first_name = forms.CharField(
        label="First name (optional)",
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"autocomplete": "given-name"}),
    )
    topics = TopicsField(
        queryset=public_topics(),
        required=False,
        label="What would you like to hear about?",
    )
    consent = forms.BooleanField(
        required=True,
        error_messages={"required": "Please tick the box to agree to our emails."},
    )
    wording_version = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.wording = current_wording(PURPOSE_EMAIL_UPDATES)
        self.fields["consent"].label = self.wording.text
        self.initial["wording_version"] = self.wording.version
        topics = list(public_topics())
        self.topic_choices = topics
        if len(topics) <= 1:
            # One list (or none yet): nothing to choose, sign up to it.
            self.fields["topics"].widget = forms.MultipleHiddenInput()

    def clean_email(self):
        return email_normalise(self.cleaned_data["email"])

    def clean_first_name(self):
        return _clean_name(self.cleaned_data["first_name"], "first name")

    def clean_topics(self):
        topics = list(self.cleaned_data["topics"])
        if not topics:
            topics = self.topic_choices
        return topics

    def clean_wording_version(self):
        # The version shown when the page was rendered; a form rendered before
        # a wording change still records the text the person actually saw.
        from .consent import wording_for

        version = self.cleaned_data.get("wording_version") or self.wording.version
        if wording_for(PURPOSE_EMAIL_UPDATES, version) is None:
            raise ValidationError("Please reload the page and send the form again.")
        return version


class PreferencesForm(forms.Form):
    first_name = forms.CharField(label="First name", required=False, max_length=100)
    last_name = forms.CharField(label="Last name", required=False, max_length=100)
    topics = TopicsField(
        queryset=public_topics(), required=False, label="Email me about"
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.wording = current_wording(PURPOSE_EMAIL_UPDATES)
        self.fields[
            "topics"
        ].help_text = f"By ticking a topic you agree: “{self.wording.text}”"

    def clean_first_name(self):
        return _clean_name(self.cleaned_data["first_name"], "first name")

    def clean_last_name(self):
        return _clean_name(self.cleaned_data["last_name"], "last name")


class EmailOnlyForm(AntiSpamFormMixin, forms.Form):
    email = forms.CharField(
        label="Email address",
        max_length=EMAIL_MAX_LENGTH + 20,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )

    def clean_email(self):
        return email_normalise(self.cleaned_data["email"])
