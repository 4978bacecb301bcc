"""Checks the double makes on what the project sends to Checkout, as Stripe
would (and a little more: this project always sends metadata)."""

from __future__ import annotations

from urllib.parse import urlsplit

from .objects import StripeError

CHECKOUT_PARAMS = {
    "mode",
    "success_url",
    "cancel_url",
    "line_items",
    "metadata",
    "customer_email",
    "customer",
    "client_reference_id",
    "payment_intent_data",
    "subscription_data",
    "submit_type",
    "locale",
    "expires_at",
    "customer_creation",
    "payment_method_types",
    "billing_address_collection",
    "expand",
}


def _positive_int(value, param: str, *, maximum: int = 99_999_999) -> int:
    if (
        not isinstance(value, str)
        or not value.isdigit()
        or not 0 < int(value) <= maximum
    ):
        raise StripeError(f"Invalid positive integer: {value!r}", param=param)
    return int(value)


def absolute_url(value, param: str) -> str:
    parts = urlsplit(value or "")
    if parts.scheme not in {"http", "https"} or not parts.netloc:
        raise StripeError(f"Not a valid URL: {value!r}", param=param)
    return value


def _metadata(value, param: str, *, required: bool = False) -> dict:
    if value in (None, ""):
        if required:
            raise StripeError("metadata is required by this project", param=param)
        return {}
    if not isinstance(value, dict) or len(value) > 50:
        raise StripeError("Invalid metadata", param=param)
    for key, item in value.items():
        if len(key) > 40 or not isinstance(item, str) or len(item) > 500:
            raise StripeError(f"Invalid metadata entry {key!r}", param=param)
    return value


def validate_checkout(params: dict) -> dict:
    """Check a Checkout Session create request as Stripe would (and a bit more:
    this project always sends metadata). Returns the normalised line item."""
    unknown = set(params) - CHECKOUT_PARAMS
    if unknown:
        name = sorted(unknown)[0]
        raise StripeError(f"Received unknown parameter: {name}", param=name)
    mode = params.get("mode")
    if mode not in {"payment", "subscription"}:
        raise StripeError(f"Invalid mode: {mode!r}", param="mode")
    absolute_url(params.get("success_url"), "success_url")
    absolute_url(params.get("cancel_url"), "cancel_url")
    _metadata(params.get("metadata"), "metadata", required=True)
    items = params.get("line_items")
    if not isinstance(items, list) or len(items) != 1:
        raise StripeError("line_items must hold exactly one item", param="line_items")
    item = items[0]
    quantity = _positive_int(item.get("quantity"), "line_items[0][quantity]")
    price = item.get("price_data")
    if not isinstance(price, dict):
        raise StripeError("price_data is required", param="line_items[0][price_data]")
    amount = _positive_int(
        price.get("unit_amount"), "line_items[0][price_data][unit_amount]"
    )
    currency = price.get("currency", "")
    if len(currency) != 3 or not currency.isalpha() or currency != currency.lower():
        raise StripeError(
            "Invalid currency", param="line_items[0][price_data][currency]"
        )
    if not (price.get("product_data") or {}).get("name"):
        raise StripeError(
            "product_data[name] is required",
            param="line_items[0][price_data][product_data][name]",
        )
    recurring = price.get("recurring")
    if mode == "subscription":
        if not isinstance(recurring, dict) or recurring.get("interval") not in {
            "day",
            "week",
            "month",
            "year",
        }:
            raise StripeError(
                "Subscription mode needs a recurring price",
                param="line_items[0][price_data][recurring][interval]",
            )
        if "payment_intent_data" in params:
            raise StripeError(
                "payment_intent_data is only for payment mode",
                param="payment_intent_data",
            )
    else:
        if recurring:
            raise StripeError(
                "A recurring price needs subscription mode",
                param="line_items[0][price_data][recurring]",
            )
        if "subscription_data" in params:
            raise StripeError(
                "subscription_data is only for subscription mode",
                param="subscription_data",
            )
    for nested in ("payment_intent_data", "subscription_data"):
        _metadata((params.get(nested) or {}).get("metadata"), f"{nested}[metadata]")
    return {
        "amount": amount * quantity,
        "currency": currency,
        "name": price["product_data"]["name"],
        "interval": (recurring or {}).get("interval"),
    }
