"""Models of the supporters app, split by kind.

people:   Supporter (email unique case-insensitively), Topic, Subscription, Tag
consent:  ConsentRecord (append-only evidence), Suppression (hash of address)
email:    EmailMessageLog (log + outbox), SupporterEmailSettings (welcome text)
privacy:  UsedToken, DataRequest, SupporterAccessLog, SupporterImport
"""

from .consent import ConsentRecord, Suppression
from .email import EmailMessageLog, SupporterEmailSettings
from .people import Subscription, Supporter, Tag, Topic
from .privacy import DataRequest, SupporterAccessLog, SupporterImport, UsedToken

__all__ = [
    "ConsentRecord",
    "DataRequest",
    "EmailMessageLog",
    "Subscription",
    "Supporter",
    "SupporterAccessLog",
    "SupporterEmailSettings",
    "SupporterImport",
    "Suppression",
    "Tag",
    "Topic",
    "UsedToken",
]
