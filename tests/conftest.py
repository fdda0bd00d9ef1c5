"""Shared fixtures: a role matrix in Honduras and a second jurisdiction as negative control."""

from __future__ import annotations

import time
from dataclasses import dataclass
from types import SimpleNamespace

import pytest
from rest_framework.test import APIClient

from tests.factories import (
    JurisdictionFactory,
    MembershipFactory,
    OrganisationFactory,
    UserFactory,
    WorkerFactory,
)
from vinculo.core import audit_guard
from vinculo.core.models import OrganisationKind, User
from vinculo.core.permissions import Role

TRANSACTIONAL = ("transactional_db", "live_server")


@pytest.fixture(autouse=True)
def _rate_limit_windows_stand_still(monkeypatch: pytest.MonkeyPatch):
    """django-ratelimit counts requests in fixed windows of the clock: a test whose requests
    cross a window's end (a slow CI machine, near a full minute) would see its count start again.
    In tests its clock stands still; the tests clear the cache between counts."""
    import django_ratelimit.core

    frozen = time.time()
    monkeypatch.setattr(django_ratelimit.core, "time", SimpleNamespace(time=lambda: frozen))


@pytest.fixture(autouse=True)
def _no_page_drawn_by_another_test():
    """Drawn public pages (vinculo.web.caching) are kept in memory across tests; each test
    starts without them."""
    from django.core.cache import caches

    caches["pages"].clear()


@pytest.fixture(autouse=True)
def _audit_log_append_only(request: pytest.FixtureRequest):
    """Keep the audit log's append-only triggers in place for every test that uses the database.

    Transactional tests end with a flush, which on SQLite deletes rows one table at a time and so
    would hit the DELETE guard: for them the guard is lifted just before the flush, and put back
    by the next test (PostgreSQL flushes with TRUNCATE, which the guard does not block).
    """
    marker = request.node.get_closest_marker("django_db")
    transactional = any(f in request.fixturenames for f in TRANSACTIONAL) or bool(
        marker and marker.kwargs.get("transaction")
    )
    if not (marker or transactional or "db" in request.fixturenames):
        yield
        return
    request.getfixturevalue("transactional_db" if transactional else "db")
    from django.db import connection

    audit_guard.install(connection)
    yield
    if transactional and connection.vendor == "sqlite":
        audit_guard.remove(connection)


@dataclass
class World:
    hn: object
    cr: object
    users: dict[str, User]
    outsider: User  # an official of Costa Rica: must see nothing of Honduras


ROLE_ORGS = {
    Role.EMPLOYER_STAFF: OrganisationKind.EMPLOYER,
    Role.AGENCY_STAFF: OrganisationKind.RECRUITMENT_AGENCY,
    Role.CASEWORKER: OrganisationKind.PROGRAMME_OPERATOR,
    Role.OFFICIAL: OrganisationKind.MINISTRY,
    Role.AUDITOR: OrganisationKind.MINISTRY,
}
CROSS_JURISDICTION = {Role.ADMIN, Role.REGIONAL_COORDINATOR}


@pytest.fixture
def world(db) -> World:
    return make_world()


def make_world() -> World:
    """Honduras and Costa Rica, a user of each role in Honduras, and an official of Costa Rica
    (also for processes a test starts, which have no fixtures)."""
    hn = JurisdictionFactory(code="HN-STSS", country="HN")
    cr = JurisdictionFactory(code="CR-MTSS", country="CR")
    users = {}
    for role in Role:
        user = UserFactory(
            username=f"{role.value}.hn",
            first_name="Lourdes",
            last_name=role.value.replace("_", " ").title(),
            is_staff=role == Role.ADMIN,
            is_superuser=role == Role.ADMIN,
        )
        org_kind = ROLE_ORGS.get(role)
        MembershipFactory(
            user=user,
            role=role,
            organisation=OrganisationFactory(kind=org_kind, jurisdiction=hn) if org_kind else None,
            jurisdiction=None
            if role in CROSS_JURISDICTION
            or role in (Role.EMPLOYER_STAFF, Role.AGENCY_STAFF, Role.WORKER)
            else hn,
        )
        users[role.value] = user
    WorkerFactory(jurisdiction=hn, user=users[Role.WORKER.value])
    outsider = UserFactory(username="official.cr")
    MembershipFactory(user=outsider, role=Role.OFFICIAL, jurisdiction=cr)
    return World(hn=hn, cr=cr, users=users, outsider=outsider)


@pytest.fixture
def postgres_database():
    """A PostgreSQL database of the test's own, for processes the test starts (dropped after)."""
    import urllib.parse
    import uuid

    import psycopg

    from tests.services import postgres_admin_url

    admin = postgres_admin_url()
    name = f"vinculo_smoke_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    parts = urllib.parse.urlsplit(admin)
    yield urllib.parse.urlunsplit(parts._replace(path=f"/{name}"))
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def api() -> APIClient:
    return APIClient()


def login(client, user: User) -> None:
    client.force_login(user)


def _matching_view() -> dict[int, tuple]:
    """What the matching index would hold of each worker now, as one tuple per worker."""
    import numpy as np

    from vinculo.matching.index import columns_for
    from vinculo.registry.models import Worker

    columns = columns_for(Worker.objects.values_list("pk", flat=True))
    names = sorted(columns)
    rows = zip(*(np.asarray(columns[n]).tolist() for n in names), strict=True)
    return {row[names.index("worker_id")]: row for row in rows}


class MatchingWatch:
    """The workers whose matching columns change from now on without a WorkerChange recorded
    (registry/changes.py): `unheard()` lists them. Workers created later are not watched (the
    index reads every worker above its highest id from the database)."""

    def __init__(self) -> None:
        from django.db.models import Max

        from vinculo.registry.models import WorkerChange

        self.before = _matching_view()
        self.mark = WorkerChange.objects.aggregate(m=Max("pk"))["m"] or 0

    def unheard(self) -> list[int]:
        from vinculo.registry.models import WorkerChange

        after = _matching_view()
        changes = WorkerChange.objects.filter(pk__gt=self.mark)
        heard = set(changes.values_list("worker_id", flat=True))
        return sorted(
            pk for pk, row in self.before.items() if after.get(pk) != row and pk not in heard
        )


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item):
    """Every write the suite makes is checked for one thing: a worker who was there before the
    test's own steps began and whose matching columns changed must have a WorkerChange recorded
    since (registry/changes.py), or the matching index would keep ranking the old record. So a
    code path that changes what matching reads without saying so (a QuerySet.update(), a bulk
    write, a forgotten call) fails whichever test walks it. A test that changes those columns
    itself to set the stage, on purpose, says so with @pytest.mark.unheard_on_purpose."""
    marker = item.get_closest_marker("django_db")
    fixtures = getattr(item, "fixturenames", ())
    uses_db = marker or "db" in fixtures or any(f in fixtures for f in TRANSACTIONAL)
    if not uses_db or item.get_closest_marker("unheard_on_purpose"):
        return (yield)
    watch = MatchingWatch()
    result = yield
    unheard = watch.unheard()
    assert not unheard, (
        f"workers {unheard} changed in what matching reads, and the index never heard of it "
        "(registry.changes.workers_changed)"
    )
    return result
