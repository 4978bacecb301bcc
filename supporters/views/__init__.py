"""Public views of the supporters app (HTTP only; the work is in services)."""
