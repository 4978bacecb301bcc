"""Admin: the dashboard's list of failed background tasks (superusers)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_POST
from wagtail.admin.ui.components import Component

from . import jobs
from .models import TaskFailure


class TaskFailuresPanel(Component):
    name = "task_failures"
    order = 50  # first: something is broken
    template_name = "home/admin/task_failures_panel.html"

    def get_context_data(self, parent_context=None):
        return {"failures": jobs.task_failures_open()}


def _failure(request, pk: int) -> TaskFailure:
    if not request.user.is_superuser:
        raise PermissionDenied
    return get_object_or_404(TaskFailure, pk=pk)


@require_POST
def task_failure_retry(request, pk: int):
    failure = _failure(request, pk)
    if jobs.task_failure_retry(failure=failure):
        messages.success(request, f"{failure.task_name} is running again.")
    else:
        messages.error(
            request, "That task was already dealt with, or no longer exists."
        )
    return redirect("wagtailadmin_home")


@require_POST
def task_failure_dismiss(request, pk: int):
    jobs.task_failure_dismiss(failure=_failure(request, pk))
    messages.success(request, "Dismissed.")
    return redirect("wagtailadmin_home")
