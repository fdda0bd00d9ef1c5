from __future__ import annotations

import csv
import os

import pytest
from django.urls import reverse

from vinculo.core import services
from vinculo.core.audit import AuditVerb
from vinculo.core.errors import Conflict
from vinculo.core.models import AuditEvent, Export
from vinculo.core.runs import RunStatus

pytestmark = pytest.mark.django_db


def _sign_ins(client, *usernames: str) -> None:
    for username in usernames:
        client.post(reverse("login"), {"username": username, "password": "secret-pass-123"})
        client.logout()


def test_an_auditor_exports_the_log_in_the_background(
    client, world, django_capture_on_commit_callbacks
):
    _sign_ins(client, "official.hn", "official.cr", "caseworker.hn")
    client.force_login(world.users["auditor"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("core:audit_export"), {"verb": AuditVerb.LOGIN})
    export = Export.objects.get()
    assert response.url == reverse("core:export_detail", args=[export.pk])
    # Honduras' sign-ins only (the auditor's own included), not Costa Rica's.
    assert export.status == RunStatus.DONE and export.done == 3
    with open(services.export_path(export), encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert sorted(r["actor"] for r in rows) == ["auditor.hn", "caseworker.hn", "official.hn"]
    assert (
        AuditEvent.objects.filter(
            verb=AuditVerb.EXPORT_REQUESTED, actor=world.users["auditor"]
        ).count()
        == 1
    )

    download = client.get(reverse("core:export_download", args=[export.pk]))
    assert download.status_code == 200
    assert b"official.hn" in b"".join(download.streaming_content)
    assert AuditEvent.objects.filter(verb=AuditVerb.EXPORT_DOWNLOADED).count() == 1


def test_an_export_belongs_to_who_asked_for_it(client, world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        export = services.export_request(kind="audit_log", params={}, actor=world.users["auditor"])
    client.force_login(world.users["admin"])
    for name in ("core:export_detail", "core:export_download"):
        assert client.get(reverse(name, args=[export.pk])).status_code == 404


def test_progress_is_shown_while_the_export_runs(client, world):
    export = Export.objects.create(
        kind="audit_log",
        requested_by=world.users["auditor"],
        status=RunStatus.RUNNING,
        done=50,
        total=200,
    )
    client.force_login(world.users["auditor"])
    response = client.get(
        reverse("core:export_detail", args=[export.pk]),
        HTTP_HX_REQUEST="true",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    page = response.content.decode()
    assert '<progress value="25"' in page and "50 of 200 rows" in page
    assert 'hx-trigger="every 1s"' in page


def test_a_failed_export_can_be_retried_and_a_finished_one_cannot(
    world, django_capture_on_commit_callbacks
):
    export = Export.objects.create(
        kind="audit_log",
        requested_by=world.users["auditor"],
        status=RunStatus.FAILED,
        error="disk full",
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.export_retry(export=export, actor=world.users["auditor"])
    export.refresh_from_db()
    assert export.status == RunStatus.DONE and export.error == ""
    retried = AuditEvent.objects.get(verb=AuditVerb.EXPORT_RETRIED)
    assert retried.actor == world.users["auditor"] and retried.object_id == str(export.pk)
    with pytest.raises(Conflict) as refused:
        services.export_retry(export=export, actor=world.users["auditor"])
    assert refused.value.code == "export_not_failed"
    assert AuditEvent.objects.filter(verb=AuditVerb.EXPORT_RETRIED).count() == 1


def rows_that_crash(**kwargs):
    def rows():
        yield ["first row"]
        raise OSError("disk full")

    return ["column"], 2, rows()


def test_a_crash_mid_export_leaves_it_failed_and_no_file_behind(world, monkeypatch):
    export = Export.objects.create(kind="audit_log", requested_by=world.users["auditor"])
    monkeypatch.setitem(services.EXPORT_KINDS, "audit_log", f"{__name__}.rows_that_crash")
    with pytest.raises(OSError):
        services.export_build(export_id=str(export.pk))
    export.refresh_from_db()
    assert export.status == RunStatus.FAILED and "disk full" in export.error
    assert not os.path.exists(services.export_path(export))
    assert not os.path.exists(services.export_path(export) + ".partial")
