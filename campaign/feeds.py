"""Atom feeds of updates: all of an index's updates, or one topic's."""

from __future__ import annotations

import datetime

from django.contrib.syndication.views import Feed
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed

from .selectors import updates_for_listing

FEED_LENGTH = 20


class UpdatesFeed(Feed):
    feed_type = Atom1Feed

    def get_object(self, request, index, topic=None):
        self.request = request
        return {"index": index, "topic": topic}

    def title(self, obj):
        if obj["topic"]:
            return f"{obj['index'].title}: {obj['topic'].name}"
        return obj["index"].title

    def link(self, obj):
        index = obj["index"]
        if obj["topic"]:
            return index.url + index.reverse_subpage(
                "topic", kwargs={"topic": obj["topic"].slug}
            )
        return index.url

    def subtitle(self, obj):
        return obj["index"].intro or None

    def items(self, obj):
        return updates_for_listing(index=obj["index"], topic=obj["topic"])[:FEED_LENGTH]

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.standfirst

    def item_link(self, item):
        return item.get_url(request=self.request)

    def item_author_name(self, item):
        return item.author_name or None

    def item_pubdate(self, item):
        # The editor's publication date, at the time of day it first went live.
        moment = item.first_published_at or timezone.now()
        local = timezone.localtime(moment)
        return timezone.make_aware(
            datetime.datetime.combine(item.date, local.time().replace(microsecond=0))
        )

    def item_updateddate(self, item):
        return item.last_published_at

    def item_categories(self, item):
        return [topic.name for topic in item.topic_list()]
