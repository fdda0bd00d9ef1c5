"""The permits' daily task (settings.DAILY_TASKS, ticked by vinculo.core.schedule)."""

from __future__ import annotations

from django_tasks import task

from vinculo.permits.services import permits_remind, steps_escalate


@task()
def permits_daily() -> dict[str, int]:
    return {"reminded": permits_remind(), "escalated": steps_escalate()}
