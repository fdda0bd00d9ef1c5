"""Pages show names in their language, not codes: departments, programmes, language levels."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation

from tests.factories import WorkerFactory
from vinculo.web.templatetags.vinculo import level_name, programme_name, subdivision_name


def test_codes_become_names_in_the_pages_language():
    with translation.override("es"):
        assert subdivision_name("HN-CR") == "Cortés"
        assert level_name("native") == "Lengua materna"
        assert "agrícola" in programme_name("CA-TFWP-AG").lower()
    with translation.override("en"):
        assert level_name("native") == "Mother tongue"
        assert "agricultural" in programme_name("CA-TFWP-AG").lower()
    assert subdivision_name("XX-ZZ") == "XX-ZZ" and programme_name("NO-SUCH") == "NO-SUCH"


@pytest.mark.django_db
def test_a_workers_page_names_the_department(client, world):
    worker = WorkerFactory(jurisdiction=world.hn, subdivision="HN-CR")
    client.force_login(world.users["official"])
    page = client.get(
        reverse("registry:worker_detail", args=[worker.pk]), HTTP_ACCEPT_LANGUAGE="es"
    )
    text = page.content.decode()
    assert "Choloma, Cortés" in text and "HN-CR" not in text
