from __future__ import annotations

from django_tasks import task

from vinculo.linkage import services


@task()
def linkage_run(run_id: str) -> str | None:
    run = services.linkage_run_process(run_id=run_id)
    return run.status if run else None
