"""Public forms of the supporters app (HTTP only)."""

from __future__ import annotations

import re

from django import forms
from django.core.exceptions import ValidationError

from .addresses import EMAIL_MAX_LENGTH, email_normalise, text_clean
from .antispam import AntiSpamFormMixin
from .consent import current_wording
from .services import PURPOSE_EMAIL_UPDATES
from .subscriptions import public_topics

SITE_PATH = re.compile(r"/[\w\-./]{0,119}")
# The largest primary key a database column holds (PostgreSQL bigint, SQLite).
MAX_ID = 2**63 - 1


class TopicsField(forms.ModelMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def label_from_instance(self, obj):
        return obj.name

    def _check_values(self, value):
        # A number too big for the column would make the database driver raise
        # (OverflowError on SQLite) instead of "not one of the choices".
        for pk in value:
            if str(pk).isdecimal() and int(pk) > MAX_ID:
                raise ValidationError(
                    self.error_messages["invalid_choice"],
                    code="invalid_choice",
                    params={"value": str(pk)[:20]},
                )
        return super()._check_values(value)


class OneLineField(forms.CharField):
    """One line typed by a person (a name, a postcode), checked by the very
    rule the services enforce (``addresses.text_clean``): a newline or other
    control character is a form error, never a ValidationError escaping the
    view. ``noun`` names the field in the message ("first name")."""

    def __init__(self, *, noun: str, max_length: int = 100, **kwargs):
        self.noun = noun
        super().__init__(max_length=max_length, **kwargs)

    def to_python(self, value):
        value = super().to_python(value)
        return text_clean(value, field=self.noun, max_length=self.max_length)


class SignupForm(AntiSpamFormMixin, forms.Form):
    """Email, optional first name, topics, and an unticked consent box."""

    email = forms.CharField(
        label="Email address",
        max_length=EMAIL_MAX_LENGTH + 20,  # normalised and checked in clean_email
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    first_name = OneLineField(
        noun="first name",
        label="First name (optional)",
        required=False,
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
    # The page the footer form was on, kept with the consent as its source.
    page = forms.CharField(widget=forms.HiddenInput, required=False)

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

    def clean_page(self) -> str:
        """A path on this site, or nothing: the person cannot correct a hidden
        field, so anything else is dropped (the form's own path is kept)."""
        page = self.cleaned_data["page"]
        return page if SITE_PATH.fullmatch(page) else ""

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
    first_name = OneLineField(noun="first name", label="First name", required=False)
    last_name = OneLineField(noun="last name", label="Last name", required=False)
    topics = TopicsField(
        queryset=public_topics(), required=False, label="Email me about"
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.wording = current_wording(PURPOSE_EMAIL_UPDATES)
        self.fields[
            "topics"
        ].help_text = f"By ticking a topic you agree: “{self.wording.text}”"


class EmailOnlyForm(AntiSpamFormMixin, forms.Form):
    email = forms.CharField(
        label="Email address",
        max_length=EMAIL_MAX_LENGTH + 20,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )

    def clean_email(self):
        return email_normalise(self.cleaned_data["email"])
