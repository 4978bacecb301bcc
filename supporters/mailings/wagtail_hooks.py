"""Mailings in the Wagtail admin: list, compose, and one status page per
mailing with preview, test, send, schedule, pause/resume/cancel and progress."""

from __future__ import annotations

from django.urls import path
from wagtail import hooks
from wagtail.admin.panels import FieldPanel, MultiFieldPanel, ObjectList
from wagtail.admin.viewsets.model import ModelViewSet

from . import views
from .forms import MailingForm
from .models import Mailing


class MailingViewSet(ModelViewSet):
    model = Mailing
    icon = "mail"
    menu_label = "Mailings"
    menu_order = 250
    add_to_admin_menu = True
    url_prefix = "mailings"
    url_namespace = "mailings"
    list_display = ["subject", "status", "recipients_total", "sent_count", "created_at"]
    list_filter = ["status"]
    search_fields = ["subject"]
    inspect_view_enabled = False
    copy_view_enabled = False
    edit_view_class = views.MailingEditView
    add_view_class = views.MailingCreateView
    edit_handler = ObjectList(
        [
            MultiFieldPanel(
                [
                    FieldPanel("subject"),
                    FieldPanel("preheader"),
                    FieldPanel("from_name"),
                ],
                heading="Envelope",
            ),
            FieldPanel("body"),
            MultiFieldPanel(
                [
                    FieldPanel("topics"),
                    FieldPanel("tags"),
                    FieldPanel("segments"),
                    FieldPanel("segment_match"),
                ],
                heading="Audience (confirmed subscribers only)",
            ),
        ],
        base_form_class=MailingForm,
    )

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path("<int:pk>/status/", views.status, name="status"),
            path("<int:pk>/progress/", views.progress, name="progress"),
            path("<int:pk>/preview/", views.preview, name="preview"),
            path("<int:pk>/preview/html/", views.preview_html, name="preview_html"),
            path("<int:pk>/test/", views.send_test, name="send_test"),
            path("<int:pk>/send/", views.send, name="send"),
            path("<int:pk>/schedule/", views.schedule, name="schedule"),
            path("<int:pk>/pause/", views.pause, name="pause"),
            path("<int:pk>/resume/", views.resume, name="resume"),
            path("<int:pk>/cancel/", views.cancel, name="cancel"),
            path("<int:pk>/retry/", views.retry, name="retry"),
            path("<int:pk>/resend/", views.resend_uncertain, name="resend_uncertain"),
            path(
                "from-page/<int:page_id>/",
                views.create_from_page,
                name="from_page",
            ),
        ]


@hooks.register("register_permissions")
def mailing_permissions():
    """Compose (add/change/delete) and send are separate rights, so editors
    can draft while only some staff send; both show in Wagtail's group editor."""
    from django.contrib.auth.models import Permission

    return Permission.objects.filter(content_type__app_label="mailings")


@hooks.register("register_admin_viewset")
def register_mailing_viewset():
    return MailingViewSet("mailings")
