from django.apps import AppConfig


class CampaignConfig(AppConfig):
    name = "campaign"

    def ready(self) -> None:
        from fundraising.pledges.milestones import provider_register

        from .selectors import milestones_open_for_appeal

        # The standalone pledge and donate pages offer the milestones of the
        # campaign pages showing their appeal (fundraising cannot look them up).
        provider_register(milestones_open_for_appeal)
