from __future__ import annotations

from django_tasks import task

from vinculo.core import services


@task()
def export_run(export_id: str) -> str | None:
    export = services.export_build(export_id=export_id)
    return export.status if export else None
