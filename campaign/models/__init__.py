"""What editors publish: campaigns, updates, briefings (documents)."""

from .briefings import BriefingsPage, BriefingsPageItem
from .campaigns import CampaignBriefing, CampaignMilestone, CampaignPage
from .documents import BriefingDocument
from .updates import Topic, UpdateIndexPage, UpdatePage, UpdateTopic

__all__ = [
    "BriefingDocument",
    "BriefingsPage",
    "BriefingsPageItem",
    "CampaignBriefing",
    "CampaignMilestone",
    "CampaignPage",
    "Topic",
    "UpdateIndexPage",
    "UpdatePage",
    "UpdateTopic",
]
