"""Pledge forms (HTTP only: rules.py and services.py do the checking and work).

``PledgeForm(data, appeal=..., milestones=[(key, title), ...])``: the caller
(a campaign page's block, the appeal's donate page) passes the milestones a
supporter may choose. They travel with the form as a signed hidden field
bound to the appeal, so the view that receives the POST knows the same
choices without importing campaign, and a forged or swapped list (a
milestone from another campaign) is refused.
"""

from __future__ import annotations

import uuid

from django import forms
from django.core import signing
from django.core.exceptions import ValidationError

from fundraising.money import format_pence, pounds_to_pence
from supporters.antispam import AntiSpamFormMixin
from supporters.consent import wording_for
from supporters.forms import OneLineField
from supporters.services import PURPOSE_EMAIL_UPDATES

from . import rules, schedule
from .models import MilestoneCallIn, Pledge
from .services import CONSENT_WORDING, UPDATES_WORDING_VERSION

UPDATES_WORDING = wording_for(PURPOSE_EMAIL_UPDATES, UPDATES_WORDING_VERSION).text

_MILESTONES_SALT = "pledges.forms.milestones"
When = Pledge.When


def _ordinal(n: int) -> str:
    suffix = (
        "th" if 11 <= n % 100 <= 13 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    )
    return f"{n}{suffix}"


PAYDAY_CHOICES = [
    ("", "Choose a day"),
    *[(str(n), _ordinal(n)) for n in range(1, 32)],
    (schedule.LAST_WORKING_DAY, "Last working day of the month"),
]


def milestones_sign(appeal_id: int, milestones: dict) -> str:
    return signing.dumps(
        [appeal_id, [[str(key), title] for key, title in milestones.items()]],
        salt=_MILESTONES_SALT,
    )


def milestones_unsign(appeal_id: int, value: str) -> dict:
    """The signed choices, or {} when missing, forged or for another appeal."""
    try:
        signed_appeal, pairs = signing.loads(value or "", salt=_MILESTONES_SALT)
        if signed_appeal != appeal_id:
            return {}
        return {uuid.UUID(key): str(title) for key, title in pairs}
    except (signing.BadSignature, TypeError, ValueError):
        return {}


def milestones_open(milestones) -> dict:
    """{key: title} for the given (key, title) pairs, leaving out milestones
    already called in (a pledge for them would be due at once)."""
    pairs = {}
    for key, title in milestones or ():
        try:
            pairs[uuid.UUID(str(key))] = str(title)
        except ValueError:
            continue
    done = set(
        MilestoneCallIn.objects.filter(milestone_key__in=pairs).values_list(
            "milestone_key", flat=True
        )
    )
    return {key: title for key, title in pairs.items() if key not in done}


class WhenFieldsMixin(forms.Form):
    when = forms.ChoiceField(
        label="When would you like to give?", widget=forms.RadioSelect
    )
    due_date = forms.DateField(
        label="Date",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": "Enter a real date, like 25/12/2026."},
    )
    payday = forms.ChoiceField(label="Payday", required=False, choices=PAYDAY_CHOICES)

    def when_clean(self, cleaned: dict, *, today, milestones=None):
        try:
            return rules.when_check(
                when=cleaned.get("when") or "",
                today=today,
                due_date=cleaned.get("due_date"),
                payday=cleaned.get("payday"),
                milestone_key=cleaned.get("milestone"),
                milestones=milestones,
            )
        except ValidationError as error:
            self._add_errors(error)
            return None

    def _add_errors(self, error: ValidationError) -> None:
        for field, messages in error.message_dict.items():
            name = field if field in self.fields else None
            for message in messages:
                self.add_error(name, message)


class PledgeForm(AntiSpamFormMixin, WhenFieldsMixin, forms.Form):
    amount = forms.CharField(
        label="How much would you like to pledge? (£)",
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )
    milestone = forms.ChoiceField(label="Milestone", required=False)
    first_name = OneLineField(
        noun="first name",
        label="First name",
        widget=forms.TextInput(attrs={"autocomplete": "given-name"}),
    )
    email = forms.EmailField(
        max_length=254, widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )
    consent = forms.BooleanField(
        label=CONSENT_WORDING,
        error_messages={
            "required": "We need to email you to confirm the pledge and remind you."
        },
    )
    updates = forms.BooleanField(
        label=UPDATES_WORDING,
        required=False,
        help_text="The link in the email that confirms your pledge confirms this too.",
    )
    milestone_set = forms.CharField(required=False, widget=forms.HiddenInput)

    field_order = [
        "amount",
        "when",
        "due_date",
        "payday",
        "milestone",
        "first_name",
        "email",
        "consent",
        "updates",
    ]

    def __init__(self, *args, appeal, milestones=None, today=None, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.appeal = appeal
        self.today = today or schedule.london_today()
        if milestones is None and self.is_bound:
            milestones = milestones_unsign(appeal.pk, self.data.get("milestone_set"))
            self.milestones = milestones
        else:
            self.milestones = milestones_open(milestones)
        self.initial["milestone_set"] = milestones_sign(appeal.pk, self.milestones)
        choices = [(When.DATE, "On a date"), (When.PAYDAY, "On my next payday")]
        if self.milestones:
            choices.append((When.MILESTONE, "When the case reaches a milestone"))
        self.fields["when"].choices = choices
        self.fields["milestone"].choices = [("", "Choose a milestone")] + [
            (str(key), title) for key, title in self.milestones.items()
        ]
        first, last = schedule.date_window(self.today)
        self.fields["due_date"].widget.attrs.update(
            min=first.isoformat(), max=last.isoformat()
        )
        low, high = rules.amount_limits()
        self.fields[
            "amount"
        ].help_text = f"From {format_pence(low)} to {format_pence(high)}."

    def clean_amount(self) -> int:
        try:
            pence = pounds_to_pence(self.cleaned_data["amount"])
        except ValueError:
            raise ValidationError(
                "Enter an amount in pounds using digits only, like 25 or 12.50 "
                "(no £ sign or commas)."
            ) from None
        try:
            return rules.amount_check(pence)
        except ValidationError as error:
            raise ValidationError(error.message_dict["amount"]) from None

    def clean(self):
        cleaned = super().clean()
        cleaned["choice"] = self.when_clean(
            cleaned, today=self.today, milestones=self.milestones
        )
        return cleaned


class RescheduleForm(WhenFieldsMixin, forms.Form):
    """Change date on the manage page: a date or the next payday."""

    def __init__(self, *args, today=None, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.today = today or schedule.london_today()
        self.fields["when"].choices = [
            (When.DATE, "On a date"),
            (When.PAYDAY, "On my next payday"),
        ]
        self.fields["when"].label = "When would you like to give instead?"
        first, last = schedule.date_window(self.today)
        self.fields["due_date"].widget.attrs.update(
            min=first.isoformat(), max=last.isoformat()
        )

    def clean(self):
        cleaned = super().clean()
        cleaned["choice"] = self.when_clean(cleaned, today=self.today)
        return cleaned
