from __future__ import annotations

import pytest
from django.urls import reverse

from tests.factories import WorkerFactory

pytestmark = pytest.mark.django_db


def test_the_worker_list_for_an_official_and_404_for_other_roles(client, world):
    WorkerFactory(jurisdiction=world.hn, given_names="Wilmer")
    client.force_login(world.users["official"])
    page = client.get(reverse("registry:worker_list"), {"name": "wilmer"}).content.decode()
    assert "Wilmer" in page
    client.force_login(world.users["employer_staff"])
    assert client.get(reverse("registry:worker_list")).status_code == 404


def test_a_worker_sees_their_own_profile(client, world):
    client.force_login(world.users["worker"])
    response = client.get(reverse("registry:me"), HTTP_ACCEPT_LANGUAGE="es")
    assert response.status_code == 200
    assert "Número de registro" in response.content.decode()


def test_registration_numbers_are_unguessable_and_unique(world):
    numbers = {WorkerFactory(jurisdiction=world.hn).registration_number for _ in range(50)}
    assert len(numbers) == 50
    assert all(n.startswith("VN-") and len(n) == 14 for n in numbers)
