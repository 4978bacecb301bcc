from django.apps import AppConfig


class LedgerConfig(AppConfig):
    """Where the money goes: a case's budget by stage, its approved costs and
    money coming back, published as a page, a block, CSV and JSON.

    A sub-app of fundraising (label ``ledger``) with its own migrations. It
    reads the appeal's stored totals and never imports campaign or home.
    """

    name = "fundraising.ledger"
    label = "ledger"
    verbose_name = "Where the money goes"
    default_auto_field = "django.db.models.BigAutoField"
