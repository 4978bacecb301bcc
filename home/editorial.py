"""Who may do what in the page editor: the Editors and Approvers groups and
the "Editor submits, Approver publishes" workflow.

Editors write and submit pages, and upload images and documents; Approvers
also publish. Neither group gets any other admin permission, so supporter,
donation and mailing data stay closed to them (tests/home/test_editorial.py
checks every other admin area; other apps add theirs to that list).
"""

from __future__ import annotations

from django.contrib.auth.models import Group, Permission
from django.db import transaction
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import (
    Collection,
    GroupApprovalTask,
    GroupCollectionPermission,
    GroupPagePermission,
    Page,
    Workflow,
    WorkflowPage,
    WorkflowTask,
)

EDITORS = "Editors"
APPROVERS = "Approvers"
WORKFLOW_NAME = "Editor submits, Approver publishes"
TASK_NAME = "Approver review"

PAGE_PERMISSIONS = {
    EDITORS: ["add_page", "change_page"],
    APPROVERS: ["add_page", "change_page", "publish_page", "lock_page", "unlock_page"],
}


def _permission(model, action: str) -> Permission:
    return Permission.objects.get(
        content_type__app_label=model._meta.app_label,
        codename=f"{action}_{model._meta.model_name}",
    )


def _collection_permissions() -> list[Permission]:
    permissions = []
    image_model, document_model = get_image_model(), get_document_model()
    for model in (image_model, document_model):
        permissions += [_permission(model, "add"), _permission(model, "change")]
    # "choose" permissions keep Wagtail's names on custom models too.
    permissions.append(
        Permission.objects.get(
            content_type__app_label=image_model._meta.app_label,
            content_type__model=image_model._meta.model_name,
            codename="choose_image",
        )
    )
    permissions.append(
        Permission.objects.get(
            content_type__app_label=document_model._meta.app_label,
            content_type__model=document_model._meta.model_name,
            codename="choose_document",
        )
    )
    return permissions


@transaction.atomic
def editorial_setup_ensure(*, site_root: Page) -> Workflow:
    """Create or repair the groups, their permissions and the workflow."""
    access_admin = Permission.objects.get(
        content_type__app_label="wagtailadmin", codename="access_admin"
    )
    root_collection = Collection.get_first_root_node()
    collection_permissions = _collection_permissions()
    groups = {}
    for name, codenames in PAGE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(access_admin)
        for codename in codenames:
            GroupPagePermission.objects.get_or_create(
                group=group,
                page=site_root,
                permission=Permission.objects.get(
                    content_type__app_label="wagtailcore", codename=codename
                ),
            )
        for permission in collection_permissions:
            GroupCollectionPermission.objects.get_or_create(
                group=group, collection=root_collection, permission=permission
            )
        groups[name] = group

    task = GroupApprovalTask.objects.filter(name=TASK_NAME).first()
    if task is None:
        task = GroupApprovalTask.objects.create(name=TASK_NAME)
    task.groups.add(groups[APPROVERS])
    workflow, _ = Workflow.objects.get_or_create(name=WORKFLOW_NAME)
    WorkflowTask.objects.get_or_create(
        workflow=workflow, task=task, defaults={"sort_order": 0}
    )
    WorkflowPage.objects.update_or_create(
        page=site_root, defaults={"workflow": workflow}
    )
    return workflow
