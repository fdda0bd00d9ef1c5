from __future__ import annotations

from django_tasks import task

from vinculo.imports import services


@task()
def import_run(import_id: str) -> str | None:
    run = services.import_process(import_id=import_id)
    return run.status if run else None
