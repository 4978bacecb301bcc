"""The donate form (HTTP only: the services do the work)."""

from __future__ import annotations

import re
import uuid

from django import forms
from django.conf import settings

from fundraising.models import GIFT_AID_WORDING, GIFT_AID_WORDING_VERSION, Donation
from fundraising.money import format_pence, pounds_to_pence
from supporters.antispam import AntiSpamFormMixin
from supporters.consent import current_wording, wording_for
from supporters.forms import OneLineField
from supporters.services import PURPOSE_EMAIL_UPDATES

OTHER = "other"
# Not a charity: "email me updates" starts the sign-up's double opt-in (one
# confirmation email). A registered charity instead offers the soft opt-in:
# paying donors hear from it unless they tick "rather not".
MAILING_WORDING_VERSION = "donate-2026-1"
MAILING_WORDING = wording_for(PURPOSE_EMAIL_UPDATES, MAILING_WORDING_VERSION).text
SOFT_OPT_IN_WORDING = current_wording("soft_opt_in").text
POSTCODE_RE = re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9]? ?[0-9][A-Z]{2}$")
FREQUENCY_CHOICES = [
    (Donation.Frequency.ONE_OFF, "Give once"),
    (Donation.Frequency.MONTHLY, "Give monthly"),
]


class DonateForm(AntiSpamFormMixin, forms.Form):
    amount = forms.ChoiceField(label="Amount", widget=forms.RadioSelect, required=False)
    other_amount = forms.CharField(
        label="Other amount in pounds",
        required=False,
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )
    frequency = forms.ChoiceField(
        label="How often",
        choices=FREQUENCY_CHOICES,
        widget=forms.RadioSelect,
        initial=Donation.Frequency.ONE_OFF,
    )
    cover_fees = forms.BooleanField(
        label="Add a little to cover the card fees, so all of my gift reaches the case",
        required=False,
    )
    first_name = OneLineField(noun="first name", required=False)
    last_name = OneLineField(noun="last name", required=False)
    email = forms.EmailField(
        label="Email (for your receipt)",
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    mailing_list = forms.BooleanField(label=MAILING_WORDING, required=False)
    no_updates = forms.BooleanField(label=SOFT_OPT_IN_WORDING, required=False)
    gift_aid = forms.BooleanField(label="Yes, add Gift Aid", required=False)
    house = OneLineField(
        noun="house name or number",
        label="House name or number",
        max_length=40,
        required=False,
    )
    address = OneLineField(
        noun="street and town", label="Street and town", max_length=200, required=False
    )
    postcode = OneLineField(noun="postcode", max_length=10, required=False)
    checkout_key = forms.CharField(widget=forms.HiddenInput, max_length=100)

    def __init__(self, *args, appeal=None, charity: bool = False, org="us", **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.appeal = appeal
        self.charity = charity
        suggested = appeal.suggested_amounts_pence if appeal else [1000, 2500, 5000]
        self.fields["amount"].choices = [
            (str(pence), format_pence(pence)) for pence in suggested
        ] + [(OTHER, "Other amount")]
        self.amount_notes = {
            str(pence): text
            for pence, text in (appeal.amount_impacts_pence if appeal else {}).items()
        }
        self.initial.setdefault("checkout_key", uuid.uuid4().hex)
        self.initial.setdefault("amount", str(suggested[min(1, len(suggested) - 1)]))
        self.gift_aid_wording = GIFT_AID_WORDING[GIFT_AID_WORDING_VERSION].format(
            organisation=org
        )
        if charity:
            del self.fields["mailing_list"]
        else:
            for name in ("gift_aid", "house", "address", "postcode", "no_updates"):
                del self.fields[name]

    def amount_cards(self) -> list[tuple]:
        """Each amount's radio with the line the editors wrote for it."""
        return [
            (radio, self.amount_notes.get(str(radio.data["value"]), ""))
            for radio in self["amount"]
        ]

    def clean_checkout_key(self) -> str:
        """The random key this page was rendered with (a uuid4, hex)."""
        key = self.cleaned_data["checkout_key"]
        if not re.fullmatch(r"[0-9a-f]{32}", key):
            raise forms.ValidationError("Please reload the page and try again.")
        # Namespaced, so a form can never name another flow's key (a pledge's).
        return f"form-{key}"

    @property
    def minimum(self) -> int:
        return settings.DONATION_MIN_PENCE

    @property
    def maximum(self) -> int:
        return settings.DONATION_MAX_PENCE

    def clean_amount_pence(self) -> int | None:
        choice = self.cleaned_data.get("amount") or ""
        if choice and choice != OTHER:
            return int(choice)
        text = (self.cleaned_data.get("other_amount") or "").strip()
        if not text:
            self.add_error("other_amount", "Choose an amount or enter your own.")
            return None
        try:
            pence = pounds_to_pence(text)
        except ValueError:
            self.add_error(
                "other_amount",
                "Enter an amount in pounds using digits only, like 25 or 12.50 "
                "(no £ sign or commas).",
            )
            return None
        if pence < self.minimum:
            self.add_error(
                "other_amount",
                "The smallest gift we can take by card is "
                f"{format_pence(self.minimum)}.",
            )
            return None
        if pence > self.maximum:
            self.add_error(
                "other_amount",
                f"For gifts over {format_pence(self.maximum)}, please contact us "
                "so we can arrange a bank transfer.",
            )
            return None
        return pence

    def clean(self):
        cleaned = super().clean()
        cleaned["amount_pence"] = self.clean_amount_pence()
        if self.charity and cleaned.get("gift_aid"):
            for name, message in (
                ("first_name", "Gift Aid needs your first name."),
                ("last_name", "Gift Aid needs your last name."),
                ("house", "Gift Aid needs your house name or number."),
            ):
                if not (cleaned.get(name) or "").strip():
                    self.add_error(name, message)
            postcode = re.sub(
                r"\s+", " ", (cleaned.get("postcode") or "").upper()
            ).strip()
            if not POSTCODE_RE.match(postcode):
                self.add_error("postcode", "Enter a UK postcode, like SW1A 1AA.")
            cleaned["postcode"] = postcode
        return cleaned

    @property
    def fee_cover_pence(self) -> int:
        from fundraising.services.checkout import fee_cover_pence

        amount = self.cleaned_data.get("amount_pence") or 0
        return fee_cover_pence(amount) if self.cleaned_data.get("cover_fees") else 0

    def choices_for_session(self) -> dict:
        """What the cancel page puts back in the form (never card data)."""
        keep = (
            "amount",
            "other_amount",
            "frequency",
            "cover_fees",
            "first_name",
            "last_name",
            "email",
            "mailing_list",
            "no_updates",
            "gift_aid",
            "house",
            "address",
            "postcode",
        )
        return {k: self.cleaned_data.get(k) for k in keep if k in self.cleaned_data}
