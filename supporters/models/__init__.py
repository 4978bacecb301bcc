"""Models of the supporters app, split by kind.

people:   Supporter (email unique case-insensitively), Topic, Subscription, Tag
consent:  ConsentRecord (append-only evidence), Suppression (hash of address)
email:    EmailMessageLog (log + outbox), SupporterEmailSettings (welcome text)
privacy:  UsedToken, DataRequest, SupporterAccessLog
"""

from .consent import ConsentRecord, Suppression
from .email import EmailMessageLog, SupporterEmailSettings
from .people import Subscription, Supporter, Tag, Topic
from .privacy import DataRequest, SupporterAccessLog, UsedToken

__all__ = [
    "ConsentRecord",
    "DataRequest",
    "EmailMessageLog",
    "Subscription",
    "Supporter",
    "SupporterAccessLog",
    "SupporterEmailSettings",
    "Suppression",
    "Tag",
    "Topic",
    "UsedToken",
]
