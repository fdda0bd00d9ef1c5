"""Accounts locked after repeated wrong passwords (django-axes keeps the counts)."""

from __future__ import annotations

from axes.models import AccessAttempt
from axes.utils import reset
from django.conf import settings
from django.utils import timezone


def account_locked(username: str) -> bool:
    """Whether the account is locked now: enough failures, the last within the cool-off."""
    since = timezone.now() - settings.AXES_COOLOFF_TIME
    return AccessAttempt.objects.filter(
        username=username,
        failures_since_start__gte=settings.AXES_FAILURE_LIMIT,
        attempt_time__gte=since,
    ).exists()


def account_unlock(username: str) -> int:
    """Forget the account's failed attempts, which lifts its lock. Returns how many records."""
    return reset(username=username)
