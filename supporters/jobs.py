"""Plain-English reasons for background jobs that stopped with an error.

A status page (a mailing's, an import's, the dashboard's list of failed
sweeps) shows staff *why* a job stopped in words they can act on, followed by
the technical detail a developer needs. Personal data is masked in both, as
in the logs. Used by every app's tasks; knows nothing about any of them.
"""

from __future__ import annotations

from django.db import DatabaseError, InterfaceError, OperationalError

from config.logging import mask_text

DETAIL_LIMIT = 300


def _cause(error: BaseException) -> str:
    name = type(error).__name__
    module = type(error).__module__ or ""
    if isinstance(error, OperationalError | InterfaceError):
        return "the database could not be reached or dropped the connection"
    if isinstance(error, DatabaseError):
        return "the database refused the work"
    if module.startswith(("requests", "urllib3")) or isinstance(
        error, ConnectionError | TimeoutError
    ):
        return "a service it depends on (such as the email provider) did not answer"
    if isinstance(error, FileNotFoundError | PermissionError):
        return "a file it needed was missing or could not be read"
    if isinstance(error, MemoryError):
        return "the server ran out of memory"
    if name in {"SoftTimeLimitExceeded", "TimeLimitExceeded"}:
        return "it ran longer than the time a background job is allowed"
    return "an unexpected error in the program"


def failure_reason(error: BaseException) -> str:
    """One paragraph for staff: what happened, then the technical detail."""
    detail = mask_text(f"{type(error).__name__}: {error}".strip())[:DETAIL_LIMIT]
    return f"It stopped because {_cause(error)}. Technical detail: {detail}"
