"""Writes of the fundraising app, by kind: checkout (starting a gift), events
(Stripe webhooks), totals (the one true total), receipts (donor emails)."""
