from django.urls import path
from wagtail import hooks

from . import admin_views


@hooks.register("register_admin_urls")
def register_task_failure_urls():
    return [
        path(
            "task-failures/<int:pk>/retry/",
            admin_views.task_failure_retry,
            name="home_task_failure_retry",
        ),
        path(
            "task-failures/<int:pk>/dismiss/",
            admin_views.task_failure_dismiss,
            name="home_task_failure_dismiss",
        ),
    ]


@hooks.register("construct_homepage_panels")
def add_task_failures_panel(request, panels):
    if request.user.is_superuser:
        panels.append(admin_views.TaskFailuresPanel())
