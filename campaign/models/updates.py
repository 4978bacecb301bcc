"""News updates with topics, and their index (paginated, filterable, feeds)."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.db import models
from django.http import Http404
from django.utils import timezone
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey
from taggit.models import ItemBase, TagBase
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import StreamField
from wagtail.models import Page
from wagtail.search import index

from ..blocks import BodyBlock
from .mixins import (
    EmbedPolicyMixin,
    HeroImageFields,
    PublicPageMixin,
    SharePageMixin,
)

UPDATES_PER_PAGE = 10


class Topic(TagBase):
    """A topic of updates ("National Pupil Database"), kept apart from other tags."""

    free_tagging = True

    class Meta:
        verbose_name = "topic"
        verbose_name_plural = "topics"
        ordering = ["name"]


class UpdateTopic(ItemBase):
    tag = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="items")
    content_object = ParentalKey(
        "campaign.UpdatePage", on_delete=models.CASCADE, related_name="topic_items"
    )


class UpdateIndexPage(PublicPageMixin, SharePageMixin, RoutablePageMixin, Page):
    intro = models.TextField(blank=True, max_length=500)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["home.HomePage"]
    subpage_types = ["campaign.UpdatePage"]

    class Meta:
        verbose_name = "update index page"

    def _topics(self) -> list[Topic]:
        from ..selectors import topics_in_use

        return list(topics_in_use(index=self))

    @staticmethod
    def _topic_or_404(topics: list[Topic], slug: str) -> Topic:
        for topic in topics:
            if topic.slug == slug:
                return topic
        raise Http404("No updates on that topic.")

    def listing(self, request, *, topic: Topic | None, topics: list[Topic]):
        from ..selectors import updates_for_listing

        updates = updates_for_listing(index=self, topic=topic)
        page_number = request.GET.get("page") or 1
        paginator = Paginator(updates, UPDATES_PER_PAGE)
        feed_path = (
            self.reverse_subpage("topic_feed", kwargs={"topic": topic.slug})
            if topic
            else self.reverse_subpage("feed")
        )
        context = self.get_context(request)
        context.update(
            topic=topic,
            updates=paginator.get_page(page_number),
            topics=topics,
            feed_url_full=self.get_full_url(request) + feed_path,
        )
        return self.render(request, context_overrides=context)

    @path("")
    def all_updates(self, request):
        return self.listing(request, topic=None, topics=self._topics())

    @path("topic/<slug:topic>/", name="topic")
    def topic_updates(self, request, topic):
        topics = self._topics()
        return self.listing(
            request, topic=self._topic_or_404(topics, topic), topics=topics
        )

    @path("feed/", name="feed")
    def feed(self, request):
        from ..feeds import UpdatesFeed

        return UpdatesFeed()(request, index=self, topic=None)

    @path("topic/<slug:topic>/feed/", name="topic_feed")
    def topic_feed(self, request, topic):
        from ..feeds import UpdatesFeed

        topic = self._topic_or_404(self._topics(), topic)
        return UpdatesFeed()(request, index=self, topic=topic)


def _today():
    return timezone.localdate()


class UpdatePage(
    PublicPageMixin, EmbedPolicyMixin, SharePageMixin, HeroImageFields, Page
):
    date = models.DateField(
        "Publication date", default=_today, help_text="Shown on the update."
    )
    author_name = models.CharField(max_length=120, blank=True)
    standfirst = models.TextField(max_length=400, help_text="A sentence or two.")
    topics = ClusterTaggableManager(through=UpdateTopic, blank=True)
    related_campaign = models.ForeignKey(
        "campaign.CampaignPage",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="updates",
    )
    body = StreamField(BodyBlock(), blank=True)

    content_panels = [
        *Page.content_panels,
        MultiFieldPanel(
            [FieldPanel("date"), FieldPanel("author_name"), FieldPanel("topics")],
            heading="About this update",
        ),
        FieldPanel("standfirst"),
        *HeroImageFields.hero_panels,
        FieldPanel("related_campaign"),
        FieldPanel("body"),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("standfirst"),
        index.SearchField("body"),
        index.SearchField("author_name"),
        index.RelatedFields("topics", [index.SearchField("name")]),
        index.FilterField("date"),
    ]
    parent_page_types = ["campaign.UpdateIndexPage"]
    subpage_types: list = []

    class Meta:
        verbose_name = "update"

    def get_hashtag(self) -> str:
        campaign = self.related_campaign
        return campaign.hashtag if campaign else ""

    def topic_list(self) -> list[Topic]:
        items = self.topic_items.all()
        if "topic_items" not in getattr(self, "_prefetched_objects_cache", {}):
            items = items.select_related("tag")
        return [item.tag for item in items]

    def topic_links(self, request=None) -> list[tuple[Topic, str]]:
        """Each topic with the URL of its listing on this update's index.

        A child's URL is its parent's URL plus its slug, so the index URL is
        known without loading the index (no query per topic or for the parent).
        """
        url = self.get_url(request)
        if not url:
            return []
        index_url = url[: -(len(self.slug) + 1)]
        return [
            (topic, f"{index_url}topic/{topic.slug}/") for topic in self.topic_list()
        ]
