"""The one run base (vinculo.core.runs), through a concrete run (an export) and the pages and APIs
that show runs: claim, fenced writes, staleness, retry, progress."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation

from tests.factories import WorkerFactory
from vinculo.core import services
from vinculo.core.errors import Conflict
from vinculo.core.models import Export
from vinculo.core.runs import (
    STALE_AFTER,
    STALE_ERROR,
    RunLost,
    RunStatus,
    run_claim,
    run_fail,
    run_finish,
    run_progress,
    runs_fail_stale,
)
from vinculo.imports.models import Import
from vinculo.linkage.models import LinkageRun, RunStage
from vinculo.registry.models import Worker

pytestmark = pytest.mark.django_db

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
LONG_AGO = STALE_AFTER + timedelta(minutes=1)


@pytest.fixture
def export(world):
    return Export.objects.create(kind="audit_log", requested_by=world.users["auditor"])


def test_a_queued_run_is_claimed_once(export):
    claimed = run_claim(Export, run_id=export.pk)
    assert claimed.status == RunStatus.RUNNING and claimed.attempt == 1
    assert claimed.started_at is not None and claimed.heartbeat_at is not None
    # A second worker handed the same run gets nothing, and changes nothing.
    assert run_claim(Export, run_id=export.pk) is None
    assert Export.objects.get(pk=export.pk).attempt == 1
    assert run_claim(Export, run_id="00000000-0000-0000-0000-000000000000") is None


def test_a_worker_whose_run_was_taken_over_writes_nothing_more(export):
    first = run_claim(Export, run_id=export.pk)
    run_progress(first, total=10, done=2)
    Export.objects.filter(pk=export.pk).update(heartbeat_at=timezone.now() - LONG_AGO)
    assert runs_fail_stale(Export) == 1
    Export.objects.filter(pk=export.pk).update(status=RunStatus.QUEUED)
    second = run_claim(Export, run_id=export.pk)
    assert second.attempt == 2 and (second.done, second.total) == (0, 0)

    # The first worker wakes up: its writes, and whatever it wrote beside them, are refused.
    workers = Worker.objects.count()
    with pytest.raises(RunLost), transaction.atomic():
        WorkerFactory()
        run_progress(first, done=5)
    assert Worker.objects.count() == workers
    with pytest.raises(RunLost):
        run_finish(first)
    assert run_fail(first, error="late") is False
    second.refresh_from_db()
    assert (second.status, second.attempt, second.done, second.error) == ("running", 2, 0, "")


def test_a_run_is_stale_after_hours_without_a_sign_of_life_and_not_before(export):
    run = run_claim(Export, run_id=export.pk)
    assert not run.is_stale and run.in_progress
    assert list(Export.objects.busy()) == [run] and not Export.objects.stale().exists()

    Export.objects.filter(pk=run.pk).update(heartbeat_at=timezone.now() - LONG_AGO)
    run.refresh_from_db()
    assert run.is_stale and not run.in_progress and run.stopped
    assert not Export.objects.busy().exists() and list(Export.objects.stale()) == [run]

    # A sign of life in the meantime saves it from being failed.
    run_progress(run, done=1)
    assert runs_fail_stale(Export) == 0
    Export.objects.filter(pk=run.pk).update(heartbeat_at=timezone.now() - LONG_AGO)
    assert runs_fail_stale(Export) == 1
    run.refresh_from_db()
    assert (run.status, run.error) == (RunStatus.FAILED, STALE_ERROR)
    assert run.finished_at is not None
    with translation.override("en"):
        assert run.failure == "The worker running this stopped answering."


def test_a_queued_run_nobody_picked_up_is_stale_from_its_creation(export):
    assert not Export.objects.stale().exists()
    Export.objects.filter(pk=export.pk).update(created_at=timezone.now() - LONG_AGO)
    assert list(Export.objects.stale()) == [export]


def test_a_stale_run_is_retried_and_a_live_one_is_not(export, django_capture_on_commit_callbacks):
    actor = export.requested_by
    run = run_claim(Export, run_id=export.pk)
    with pytest.raises(Conflict) as refused:
        services.export_retry(export=run, actor=actor)
    assert refused.value.code == "export_not_failed"

    Export.objects.filter(pk=run.pk).update(heartbeat_at=timezone.now() - LONG_AGO)
    with django_capture_on_commit_callbacks(execute=True):
        services.export_retry(export=run, actor=actor)
    run.refresh_from_db()
    assert (run.status, run.attempt, run.error) == (RunStatus.DONE, 2, "")
    assert run.file_name and run.finished_at is not None


@translation.override("en")
def test_progress_reads_the_same_for_every_run(world, export):
    assert export.percent == 0 and export.progress_text == ""
    export.status, export.done, export.total = RunStatus.RUNNING, 50, 200
    assert export.percent == 25 and export.progress_text == "50 of 200 rows"
    with translation.override("es"):
        assert export.progress_text == "50 de 200 filas"
    export.done = 300  # a count past the total never shows more than the whole bar
    assert export.percent == 100
    export.status = RunStatus.DONE
    assert export.percent == 100

    check = LinkageRun(jurisdiction=world.hn, requested_by=world.users["official"])
    assert check.stage == RunStage.READ and check.percent == 0
    check.status, check.done, check.total = RunStatus.RUNNING, 50, 100
    assert check.percent == 17 and check.progress_text == "50 of 100 records"  # 0 → 35 %
    check.stage = RunStage.SCORE
    assert check.percent == 70 and check.progress_text == ""  # 55 → 85 %


def test_a_stale_run_stops_polling_and_offers_to_run_again(client, world, export):
    Export.objects.filter(pk=export.pk).update(
        status=RunStatus.RUNNING, heartbeat_at=timezone.now() - LONG_AGO
    )
    client.force_login(world.users["auditor"])
    page = client.get(
        reverse("core:export_detail", args=[export.pk]), HTTP_HX_REQUEST="true", **EN
    ).content.decode()
    assert page.lstrip().startswith('<section id="run-progress"')
    assert "hx-get" not in page and "Stopped" in page
    assert reverse("core:export_retry", args=[export.pk]) in page


def test_every_run_api_answers_the_same_fields(api, world):
    run = Import.objects.create(
        kind="workers",
        jurisdiction=world.hn,
        requested_by=world.users["official"],
        file_name="w.csv",
        file_format="csv",
        stored_name="w.csv",
        status=RunStatus.RUNNING,
        done=25,
        total=100,
        heartbeat_at=timezone.now() - LONG_AGO,
    )
    api.force_authenticate(world.users["official"])
    answer = api.get(reverse("api:import", args=[run.pk]), **EN).json()
    shared = {
        "status": "running",
        "status_label": "Stopped",
        "stage": "",
        "done": 25,
        "total": 100,
        "percent": 25,
        "stale": True,
        "error": "The worker running this stopped answering.",
        "attempt": 0,
    }
    assert {k: answer[k] for k in shared} == shared
    assert {"created_at", "started_at", "finished_at"} <= answer.keys()
    assert (answer["rows_done"], answer["rows_total"]) == (25, 100)  # the names it always had
