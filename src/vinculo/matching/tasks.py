from __future__ import annotations

from django_tasks import task

from vinculo.matching import index, services


@task()
def index_rebuild() -> str:
    return index.index_build()


@task()
def match_run(run_id: str) -> str | None:
    run = services.match_run_process(run_id=run_id)
    return run.status if run else None
