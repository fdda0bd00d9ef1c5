"""A real export runs through each real task backend and its real worker."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.urls import reverse

from tests.services import redis_url
from vinculo.core.models import Export
from vinculo.core.runs import RunStatus

DATABASE_BACKEND = {
    "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}
}
RQ_BACKEND = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}


def _request_export(client, world) -> Export:
    client.post(reverse("login"), {"username": "official.hn", "password": "secret-pass-123"})
    client.force_login(world.users["auditor"])
    client.post(reverse("core:audit_export"), {})
    export = Export.objects.get()
    assert export.status == RunStatus.QUEUED  # enqueued, not run: the worker must run it
    return export


@pytest.mark.django_db(transaction=True)
def test_the_database_backend_runs_a_task_in_its_worker(client, world, settings):
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = DATABASE_BACKEND
    export = _request_export(client, world)
    assert DBTaskResult.objects.filter(status="READY").count() == 1
    call_command(
        "db_worker",
        "--batch",
        "--no-startup-delay",
        "--queue-name",
        "*",
        "--no-reload",
        verbosity=0,
    )
    export.refresh_from_db()
    assert export.status == RunStatus.DONE and export.done >= 2
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_the_redis_backend_runs_a_task_in_an_rq_worker(client, world, settings):
    import django_rq
    from rq import SimpleWorker

    url = redis_url()
    settings.TASKS = RQ_BACKEND
    queue = django_rq.get_queue("default")
    queue.connection.flushdb()
    export = _request_export(client, world)
    assert queue.count == 1, f"the task was not put on the Redis queue at {url}"
    # SimpleWorker runs the job in this process (no fork), so it sees the test database; the
    # job itself travels through Redis like any other.
    worker = django_rq.get_worker(
        "default", worker_class=SimpleWorker, job_class="django_tasks_rq.Job"
    )
    assert worker.work(burst=True)
    export.refresh_from_db()
    assert export.status == RunStatus.DONE and export.done >= 2
    assert queue.count == 0
