"""Wagtail admin wiring: Supporters menu (supporters, topics, tags, data
requests, access log), import/export URLs, and the settings menu item.

Who sees what: the "Supporter care" group (seeded by migration) has the
supporters permissions; "Editors" has none, so the menu and every view are
closed to them. The access log is for administrators (superusers) only.
"""

from __future__ import annotations

from django.db import transaction
from django.urls import path, reverse
from wagtail import hooks
from wagtail.actions import DeleteAction
from wagtail.admin.panels import FieldPanel, ObjectList
from wagtail.admin.ui.tables import Column, DateColumn
from wagtail.admin.views.generic import DeleteView, IndexView
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets.button import HeaderButton
from wagtail.log_actions import log

from . import admin_views
from .admin_forms import SupporterAdminForm
from .data_requests import supporter_erase_by_staff
from .filters import SupporterFilterSet
from .models import DataRequest, Supporter, SupporterAccessLog, Tag, Topic
from .selectors import supporter_search


class SupporterIndexView(IndexView):
    def search_queryset(self, queryset):
        if not self.is_searching:
            return queryset
        return supporter_search(queryset, self.search_query)

    @property
    def header_more_buttons(self):
        buttons = list(super().header_more_buttons)
        user = self.request.user
        if user.has_perm("supporters.export_supporter"):
            query = self.request.GET.urlencode()
            buttons.append(
                HeaderButton(
                    "Export CSV",
                    url=reverse("supporters_admin_export")
                    + (f"?{query}" if query else ""),
                    icon_name="download",
                )
            )
        if user.has_perm("supporters.add_supporter"):
            buttons.append(
                HeaderButton(
                    "Import CSV",
                    url=reverse("supporters_admin_import"),
                    icon_name="upload",
                )
            )
        return buttons


class SupporterEraseAction(DeleteAction):
    """Wagtail's "delete" for a supporter is the erasure: the same end state as
    "erase now" (email log and admin history scrubbed, suppression written,
    access-log entry), never a bare ``instance.delete()``. Registered for the
    model, so every admin path that deletes through Wagtail's actions uses it
    (supporters are not snippets: there is no bulk delete)."""

    def _delete(self):
        with transaction.atomic():
            # Wagtail's history entry, scrubbed by the erasure like the rest.
            log(instance=self.instance, action=self.log_action, user=self.user)
            supporter_erase_by_staff(
                supporter=self.instance,
                user=self.user,
                detail=f"supporter {self.instance.pk} deleted in the admin",
            )


@hooks.register("register_actions")
def register_supporter_erase_action(registry):
    registry.register(Supporter, SupporterEraseAction)


class SupporterDeleteView(DeleteView):
    success_message = (
        "Supporter erased: their details are gone and their address will not "
        "be mailed or re-imported."
    )

    @property
    def confirmation_message(self):
        return (
            "Deleting erases this person everywhere, as an erasure request "
            "would: their details, consent and subscriptions go, the email log "
            "and history keep no trace of them, and their address is "
            "suppressed so it is never mailed or re-imported. Gift Aid "
            "records the law requires are kept. This cannot be undone."
        )


class SupporterViewSet(ModelViewSet):
    model = Supporter
    icon = "group"
    menu_label = "Supporters"
    index_view_class = SupporterIndexView
    delete_view_class = SupporterDeleteView
    inspect_view_class = admin_views.SupporterInspectView
    inspect_view_enabled = True
    copy_view_enabled = False
    list_per_page = 50
    list_display = [
        "email",
        "full_name",
        "source",
        DateColumn("created_at", label="Joined"),
    ]
    filterset_class = SupporterFilterSet
    search_fields = ["email"]  # enables the search box; supporter_search does the work
    ordering = ["-created_at", "-id"]
    add_to_reference_index = False
    edit_handler = ObjectList(
        [
            FieldPanel("email"),
            FieldPanel("first_name"),
            FieldPanel("last_name"),
            FieldPanel("postcode"),
            FieldPanel("source"),
            FieldPanel("tags"),
        ],
        base_form_class=SupporterAdminForm,
    )


class TopicViewSet(ModelViewSet):
    model = Topic
    icon = "list-ul"
    menu_label = "Lists and topics"
    form_fields = ["name", "slug", "description", "is_public", "sort_order"]
    list_display = ["name", "slug", "is_public"]
    copy_view_enabled = False


class TagViewSet(ModelViewSet):
    model = Tag
    icon = "tag"
    form_fields = ["name"]
    list_display = ["name"]
    copy_view_enabled = False


class DataRequestIndexView(IndexView):
    @property
    def header_more_buttons(self):
        buttons = list(super().header_more_buttons)
        if self.request.user.has_perm("supporters.add_datarequest"):
            buttons.append(
                HeaderButton(
                    "Record a request",
                    url=reverse("supporters_admin_data_request_create"),
                    icon_name="plus",
                )
            )
        return buttons


class DataRequestViewSet(ModelViewSet):
    model = DataRequest
    icon = "doc-full"
    menu_label = "Data requests"
    index_view_class = DataRequestIndexView
    list_display = [
        "__str__",
        "kind",
        "status",
        DateColumn("received_at", label="Received"),
        Column("due_on", label="Due"),
    ]
    list_filter = ["kind", "status"]
    form_fields = ["status", "notes"]
    copy_view_enabled = False
    inspect_view_enabled = True
    inspect_template_name = "supporters/admin/data_request_inspect.html"
    add_to_reference_index = False

    def get_urlpatterns(self):
        # Requests are opened with the "Record a request" form (it emails the
        # person), not the generic add view.
        return [p for p in super().get_urlpatterns() if p.name != "add"]

    def get_common_view_kwargs(self, **kwargs):
        return {**super().get_common_view_kwargs(**kwargs), "add_url_name": None}


class AccessLogIndexView(IndexView):
    any_permission_required = ["view"]


class SupporterAccessLogViewSet(ModelViewSet):
    model = SupporterAccessLog
    icon = "history"
    menu_label = "Supporter access log"
    index_view_class = AccessLogIndexView
    list_display = ["user", "action", "supporter", "detail", DateColumn("created_at")]
    list_filter = ["action"]
    form_fields = []
    copy_view_enabled = False
    add_to_reference_index = False

    def get_urlpatterns(self):
        # Read-only: an audit log nobody edits.
        return [
            p for p in super().get_urlpatterns() if p.name in ("index", "index_results")
        ]

    def get_common_view_kwargs(self, **kwargs):
        closed = ("add", "edit", "delete", "history", "usage")
        return {
            **super().get_common_view_kwargs(**kwargs),
            **{f"{name}_url_name": None for name in closed},
        }


class SupportersGroup(ViewSetGroup):
    menu_label = "Supporters"
    menu_icon = "group"
    menu_order = 250
    items = (
        SupporterViewSet("supporters_supporter"),
        TopicViewSet("supporters_topic"),
        TagViewSet("supporters_tag"),
        DataRequestViewSet("supporters_datarequest"),
        SupporterAccessLogViewSet("supporters_accesslog"),
    )


@hooks.register("register_admin_viewset")
def register_supporters_viewsets():
    return SupportersGroup()


@hooks.register("register_admin_urls")
def register_supporters_admin_urls():
    return [
        path(
            "supporters/export/",
            admin_views.supporters_export,
            name="supporters_admin_export",
        ),
        path(
            "supporters/import/",
            admin_views.supporters_import_view,
            name="supporters_admin_import",
        ),
        path(
            "supporters/import/<int:pk>/",
            admin_views.supporters_import_status,
            name="supporters_admin_import_status",
        ),
        path(
            "supporters/data-requests/new/",
            admin_views.data_request_create,
            name="supporters_admin_data_request_create",
        ),
        path(
            "supporters/data-requests/<int:pk>/erase/",
            admin_views.data_request_erase,
            name="supporters_admin_data_request_erase",
        ),
    ]
