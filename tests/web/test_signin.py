"""Signing in: phone numbers as typed, lockout per account, throttle per address, unlock by an
official, expired forms and idle sessions."""

from __future__ import annotations

import time

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from tests.factories import MembershipFactory, UserFactory, WorkerFactory
from vinculo.core.audit import AuditVerb
from vinculo.core.lockout import account_locked
from vinculo.core.middleware import IDLE_KEY
from vinculo.core.models import AuditEvent
from vinculo.core.permissions import Role
from vinculo.web.signin import account_username, phone_candidates

pytestmark = pytest.mark.django_db

PASSWORD = "secret-pass-123"  # the factories' password
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
ES = {"HTTP_ACCEPT_LANGUAGE": "es"}


@pytest.fixture(autouse=True)
def _fresh_counts():
    cache.clear()  # the per-address counts of django-ratelimit
    yield
    cache.clear()


@pytest.fixture
def phone_worker(world):
    user = UserFactory(username="+50499117788")
    MembershipFactory(user=user, role=Role.WORKER, jurisdiction=None)
    worker = WorkerFactory(jurisdiction=world.hn, user=user, phone="+50499117788")
    return worker


def _sign_in(client: Client, username: str, password: str = PASSWORD, **headers):
    return client.post(reverse("login"), {"username": username, "password": password}, **headers)


@pytest.mark.parametrize("typed", ["9911-7788", "99117788", "+504 9911 7788", "+50499117788"])
def test_a_worker_signs_in_with_the_phone_number_as_typed(client, phone_worker, typed):
    answer = _sign_in(client, typed)
    assert answer.status_code == 302
    assert client.get(reverse("home")).wsgi_request.user == phone_worker.user


def test_a_number_that_is_no_account_is_refused_and_user_names_still_work(client, world):
    assert account_username("9911-0000") == "9911-0000"  # valid in Honduras, but nobody's
    assert _sign_in(client, "9911-0000").status_code == 200
    assert _sign_in(client, "official.hn").status_code == 302


def test_phone_candidates_are_valid_numbers_of_the_region():
    assert "+50499117788" in phone_candidates("9911-7788")
    assert phone_candidates("+504 9911 7788") == ["+50499117788"]
    assert phone_candidates("0050499117788") == ["+50499117788"]
    assert phone_candidates("official.hn") == []


def test_the_sign_in_label_says_phone_or_user_name(client):
    assert "Phone number or user name" in client.get(reverse("login"), **EN).content.decode()


def test_wrong_passwords_lock_the_account_whatever_the_form_of_the_number(client, phone_worker):
    for typed in ("9911-7788", "99117788", "+504 9911 7788", "+50499117788", "9911 7788"):
        _sign_in(client, typed, "wrong", **EN)
    locked = _sign_in(client, "9911-7788", PASSWORD, **EN)
    assert locked.status_code == 429
    assert "Too many wrong passwords for this account" in locked.content.decode()
    assert "try again after" in locked.content.decode()
    assert account_locked("+50499117788")
    assert AuditEvent.objects.filter(
        verb=AuditVerb.LOGIN_LOCKED_OUT, actor_label="+50499117788"
    ).exists()
    # The right password on another connection does not get in either: the lock is the account's.
    assert _sign_in(Client(REMOTE_ADDR="10.9.9.9"), "+50499117788").status_code == 429


def test_the_lockout_answers_in_spanish(client, phone_worker):
    for _ in range(5):
        _sign_in(client, "9911-7788", "wrong", **ES)
    page = _sign_in(client, "9911-7788", PASSWORD, **ES).content.decode()
    assert "Demasiadas contraseñas incorrectas" in page


def test_one_address_is_throttled_across_accounts(client, world, settings):
    settings.SIGNIN_ADDRESS_RATE = "4/10m"
    for n in range(4):
        assert _sign_in(client, f"nobody-{n}", "wrong", **EN).status_code == 200
    refused = _sign_in(client, "official.hn", PASSWORD, **EN)
    assert refused.status_code == 429
    assert "Too many sign-in attempts from this connection" in refused.content.decode()
    assert AuditEvent.objects.filter(verb=AuditVerb.LOGIN_THROTTLED).exists()
    # Another address is not affected.
    assert _sign_in(Client(REMOTE_ADDR="10.1.2.3"), "official.hn").status_code == 302


def test_the_admin_sign_in_is_covered_too(client, world):
    admin_login = reverse("admin:login")
    for _ in range(5):
        client.post(admin_login, {"username": "admin.hn", "password": "wrong"})
    answer = client.post(admin_login, {"username": "admin.hn", "password": PASSWORD})
    assert answer.status_code == 429 and account_locked("admin.hn")


def test_an_official_unlocks_a_worker_and_another_jurisdiction_cannot(client, world, phone_worker):
    for _ in range(5):
        _sign_in(Client(), "99117788", "wrong")
    assert account_locked("+50499117788")
    unlock = reverse("registry:worker_unlock", args=[phone_worker.pk])

    client.force_login(world.outsider)
    assert client.post(unlock).status_code == 404
    assert account_locked("+50499117788")

    client.force_login(world.users["auditor"])  # sees no worker records at all
    assert client.post(unlock).status_code == 404

    client.force_login(world.users["official"])
    page = client.get(reverse("registry:worker_detail", args=[phone_worker.pk]), **EN)
    assert "Unlock sign-in" in page.content.decode()
    assert client.post(unlock).status_code == 302
    assert not account_locked("+50499117788")
    assert AuditEvent.objects.filter(
        verb=AuditVerb.ACCOUNT_UNLOCKED, object_id=str(phone_worker.pk)
    ).exists()
    assert _sign_in(Client(), "9911-7788").status_code == 302
    # A second unlock has nothing to do, and writes nothing.
    client.post(unlock)
    assert AuditEvent.objects.filter(verb=AuditVerb.ACCOUNT_UNLOCKED).count() == 1


def test_an_expired_form_gets_a_page_that_offers_to_sign_in_and_come_back(world):
    browser = Client(enforce_csrf_checks=True)
    target = reverse("jobs:order_move", args=[123])
    page = browser.post(target, {"to": "approved"}, **ES)
    assert page.status_code == 403
    text = page.content.decode()
    assert "Este formulario ha caducado" in text and "DEBUG" not in text
    assert f"{reverse('login')}?next={target.replace('/', '%2F')}" in text
    assert 'name="viewport"' in text  # the site's own layout, readable on a phone


def test_a_post_only_address_sends_a_get_to_the_page_it_belongs_to(client, world):
    client.force_login(world.users["official"])
    answer = client.get(reverse("jobs:order_move", args=[123]))
    assert answer.status_code == 302
    assert answer["Location"] == reverse("jobs:order_detail", args=[123])
    assert client.put(reverse("jobs:order_move", args=[123])).status_code == 405


def test_an_idle_staff_session_ends_and_comes_back_after_signing_in(client, world, settings):
    settings.STAFF_IDLE_MINUTES = 30
    official = world.users["official"]
    client.force_login(official)
    assert client.get(reverse("registry:worker_list")).status_code == 200
    session = client.session
    session[IDLE_KEY] = time.time() - 31 * 60
    session.save()
    answer = client.get(reverse("registry:worker_list") + "?name=lopez")
    assert answer.status_code == 302
    assert answer["Location"].startswith(reverse("login") + "?next=")
    assert "name%3Dlopez" in answer["Location"]
    assert AuditEvent.objects.filter(verb=AuditVerb.SESSION_EXPIRED, actor=official).exists()
    assert client.get(reverse("registry:worker_list")).status_code == 302  # signed out


def test_a_worker_session_is_not_ended_for_idleness(client, world):
    worker = world.users["worker"]
    client.force_login(worker)
    session = client.session
    session[IDLE_KEY] = time.time() - 24 * 3600
    session.save()
    assert client.get(reverse("registry:me")).status_code == 200
