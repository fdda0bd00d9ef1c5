"""Work that runs once a day: reminders of permits about to expire, escalation of overdue cases.

Each app names its daily tasks in settings.DAILY_TASKS (dotted paths of django-tasks tasks).
`daily_tick()` enqueues every task not yet run today on the configured queue (the database
worker of `vinculo up`, or Redis in production), and records the day it did so in a row whose
uniqueness makes the claim: two processes ticking at once (two servers, a cron and a server)
enqueue each task once a day. `vinculo up` ticks every few minutes; a deployment that does not
run `up` runs `vinculo tick` from cron.
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from vinculo.core.models import DailyRun


def daily_tick(today: date | None = None) -> list[str]:
    """Enqueue today's daily tasks not yet enqueued; the names of those it enqueued."""
    today = today or timezone.localdate()
    enqueued = []
    for path in settings.DAILY_TASKS:
        try:
            with transaction.atomic():
                DailyRun.objects.create(name=path, day=today)
                task = import_string(path)
                transaction.on_commit(task.enqueue)
        except IntegrityError:
            continue
        enqueued.append(path)
    return enqueued
