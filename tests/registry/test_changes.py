"""A change to a worker reaches matching through the registry's outbox (registry/changes.py), and
the check every test runs under (tests/conftest.py, MatchingWatch) catches a write that does not
say so."""

from __future__ import annotations

import pytest
from django.utils import timezone

from tests.conftest import MatchingWatch
from tests.matching.conftest import make_worker
from vinculo.registry.changes import workers_changed
from vinculo.registry.models import Consent, Worker, WorkerChange
from vinculo.registry.services import consent_withdraw, worker_update


@pytest.mark.unheard_on_purpose  # it makes the unheard writes the check must catch
@pytest.mark.django_db
def test_the_check_catches_a_write_around_the_registry_and_not_one_through_it(world):
    worker, other = make_worker(world), make_worker(world)
    watch = MatchingWatch()
    Consent.objects.filter(worker=worker).update(withdrawn_at=timezone.now())  # no service
    Worker.objects.filter(pk=other.pk).update(work_abroad=False)
    assert watch.unheard() == sorted([worker.pk, other.pk])
    workers_changed([worker.pk])
    assert watch.unheard() == [other.pk]
    Worker.objects.filter(pk=other.pk).update(given_names="Otro")  # matching reads no names
    assert watch.unheard() == [other.pk]


def test_the_services_tell_matching_what_they_change(world):
    worker = make_worker(world)
    official = world.users["official"]
    WorkerChange.objects.all().delete()
    worker_update(
        worker=worker, version=worker.version, changes={"work_abroad": False}, actor=official
    )
    consent_withdraw(worker=worker, purpose="matching", actor=official)
    assert WorkerChange.objects.filter(worker_id=worker.pk).count() == 2
    # A correction that changes nothing writes nothing, and so tells nothing.
    worker.refresh_from_db()
    worker_update(
        worker=worker, version=worker.version, changes={"work_abroad": False}, actor=official
    )
    assert WorkerChange.objects.filter(worker_id=worker.pk).count() == 2
