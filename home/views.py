"""Operational endpoints of the site shell."""

from __future__ import annotations

from django.db import connection
from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache

from .models import WorkerHeartbeat


@never_cache
def health(request):
    """Liveness for load balancers: the database answers; worker age if known."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        heartbeat = WorkerHeartbeat.objects.filter(name="worker").first()
    except Exception:  # noqa: BLE001 - any database failure means "not healthy"
        return JsonResponse({"database": "unavailable"}, status=503)
    worker_age = (
        round((timezone.now() - heartbeat.last_seen).total_seconds())
        if heartbeat
        else None
    )
    return JsonResponse({"database": "ok", "worker_seconds_since_seen": worker_age})
