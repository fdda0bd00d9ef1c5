from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from tests.factories import WorkerFactory
from vinculo.core.audit import AuditVerb
from vinculo.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_login_is_audited_with_actor_ip_and_jurisdiction(client, world):
    response = client.post(
        reverse("login"), {"username": "official.hn", "password": "secret-pass-123"}
    )
    assert response.status_code == 302
    event = AuditEvent.objects.get(verb=AuditVerb.LOGIN)
    assert event.actor == world.users["official"]
    assert event.actor_label == "official.hn"
    assert event.jurisdiction == world.hn
    assert event.ip == "127.0.0.1"


def test_failed_login_is_audited_without_the_password(client, world):
    response = client.post(reverse("login"), {"username": "official.hn", "password": "wrong"})
    assert response.status_code == 200
    event = AuditEvent.objects.get(verb=AuditVerb.LOGIN_FAILED)
    assert event.actor is None
    assert event.actor_label == "official.hn"
    assert event.object_id == str(world.users["official"].pk)
    assert event.jurisdiction == world.hn
    assert "wrong" not in str(event.after) + str(event.before) + event.reason


def test_failed_login_for_an_unknown_name_is_audited_under_no_jurisdiction(client, world):
    client.post(reverse("login"), {"username": "nobody", "password": "x"})
    event = AuditEvent.objects.get(verb=AuditVerb.LOGIN_FAILED)
    assert event.actor_label == "nobody" and event.jurisdiction is None


def test_logout_is_audited(client, world):
    client.force_login(world.users["official"])
    client.post(reverse("logout"))
    assert AuditEvent.objects.filter(verb=AuditVerb.LOGOUT, actor=world.users["official"]).exists()


def test_viewing_a_full_profile_is_audited(client, world):
    worker = WorkerFactory(jurisdiction=world.hn)
    client.force_login(world.users["official"])
    response = client.get(reverse("registry:worker_detail", args=[worker.pk]))
    assert response.status_code == 200
    event = AuditEvent.objects.get(verb=AuditVerb.PROFILE_VIEWED)
    assert (event.actor, event.object_type, event.object_id) == (
        world.users["official"],
        "registry.worker",
        str(worker.pk),
    )
    assert event.jurisdiction == world.hn


def test_a_refused_profile_view_records_nothing(client, world):
    worker = WorkerFactory(jurisdiction=world.hn)
    client.force_login(world.outsider)
    assert client.get(reverse("registry:worker_detail", args=[worker.pk])).status_code == 404
    assert not AuditEvent.objects.filter(verb=AuditVerb.PROFILE_VIEWED).exists()


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE core_auditevent SET verb = 'tampered'",
        "DELETE FROM core_auditevent",
    ],
)
def test_the_database_refuses_to_rewrite_the_audit_log(world, client, statement):
    client.post(reverse("login"), {"username": "official.hn", "password": "secret-pass-123"})
    assert AuditEvent.objects.count() == 1
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(statement)
    assert AuditEvent.objects.get().verb == AuditVerb.LOGIN


def test_the_orm_cannot_update_an_audit_event_either(world, client):
    client.post(reverse("login"), {"username": "official.hn", "password": "secret-pass-123"})
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.update(reason="rewritten")
