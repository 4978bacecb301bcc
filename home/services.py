"""Writes for the site shell."""

from __future__ import annotations

import socket

from django.utils import timezone

from .models import WorkerHeartbeat


def heartbeat_record(*, name: str = "worker") -> WorkerHeartbeat:
    heartbeat, _ = WorkerHeartbeat.objects.update_or_create(
        name=name,
        defaults={"last_seen": timezone.now(), "hostname": socket.gethostname()},
    )
    return heartbeat
