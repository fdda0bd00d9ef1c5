"""The placements' daily task (settings.DAILY_TASKS, ticked by vinculo.core.schedule)."""

from __future__ import annotations

from django_tasks import task

from vinculo.placements.services import deadlines_tell


@task()
def placements_daily() -> dict[str, int]:
    return {"deadlines_told": deadlines_tell()}
