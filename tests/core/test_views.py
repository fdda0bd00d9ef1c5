from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation

from tests.factories import WorkerFactory
from vinculo.core.audit import AuditVerb
from vinculo.core.permissions import ROLE_PERMISSIONS, Role
from vinculo.core.services import audit_record

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize("language", ["es", "en"])
def test_every_role_sees_its_home_page_in_both_languages(client, world, role, language):
    client.force_login(world.users[role.value])
    response = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    page = response.content.decode()
    assert f'<html lang="{language}">' in page
    with translation.override(language):
        assert str(Role(role).label) in page
        assert ("Lo que puede hacer aquí" if language == "es" else "What you can do here") in page
        for perm in ROLE_PERMISSIONS[role]:
            assert str(perm.label).replace("'", "&#x27;") in page
    # Every capability listed links to a page that works for this role.
    for capability in response.context["capabilities"]:
        assert client.get(capability.url).status_code == 200, capability.url


def test_spanish_is_the_default_and_the_switcher_changes_it(client):
    assert 'lang="es"' in client.get(reverse("home")).content.decode()
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert 'lang="en"' in client.get(reverse("home")).content.decode()


def test_anonymous_visitors_get_the_public_welcome(client):
    response = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="en")
    assert b"Open to everyone" in response.content
    assert client.get(reverse("core:audit_list")).status_code == 302


def test_the_audit_page_is_for_auditors_only(client, world):
    client.force_login(world.users["official"])
    assert client.get(reverse("core:audit_list")).status_code == 404
    client.force_login(world.users["auditor"])
    assert client.get(reverse("core:audit_list")).status_code == 200


def test_auditors_see_only_their_jurisdiction(client, world):
    from tests.factories import MembershipFactory, UserFactory

    for username in ("official.cr", "official.hn"):
        client.post(reverse("login"), {"username": username, "password": "secret-pass-123"})
        client.logout()
    cr_auditor = UserFactory(username="auditor.cr")
    MembershipFactory(user=cr_auditor, role=Role.AUDITOR, jurisdiction=world.cr)
    client.force_login(world.users["auditor"])
    seen = {e.actor_label for e in client.get(reverse("core:audit_list")).context["page"]}
    assert seen == {"official.hn", "auditor.hn"}
    client.force_login(cr_auditor)
    seen = {e.actor_label for e in client.get(reverse("core:audit_list")).context["page"]}
    assert seen == {"official.cr", "auditor.cr"}


def test_audit_filters_refuse_a_reversed_date_range_in_the_users_language(client, world):
    client.force_login(world.users["auditor"])
    response = client.get(
        reverse("core:audit_list"),
        {"date_from": "2026-05-02", "date_to": "2026-05-01"},
        HTTP_ACCEPT_LANGUAGE="es",
    )
    assert "La fecha final es anterior a la fecha inicial." in response.content.decode()


def test_organisation_page_for_staff_and_404_for_others(client, world):
    client.force_login(world.users["employer_staff"])
    assert client.get(reverse("core:my_organisation")).status_code == 200
    client.force_login(world.users["official"])
    assert client.get(reverse("core:my_organisation")).status_code == 404


def test_the_audit_page_names_each_action_and_object_in_the_readers_language(client, world):
    worker = WorkerFactory(jurisdiction=world.hn)
    audit_record(verb=AuditVerb.PROFILE_VIEWED, actor=world.users["official"], obj=worker)
    audit_record(verb="legacy.verb", actor=world.users["official"], obj=worker)
    client.force_login(world.users["auditor"])
    english = client.get(reverse("core:audit_list"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Viewed a worker&#x27;s full profile" in english
    assert f"worker no. {worker.pk}" in english and "registry.worker" not in english
    assert "legacy.verb" in english  # a verb of an older version is shown as written
    spanish = client.get(reverse("core:audit_list"), HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "Vio el perfil completo de un trabajador" in spanish
    assert f"trabajador n.º {worker.pk}" in spanish


def test_an_audit_date_that_is_no_date_is_a_field_error_and_no_events(client, world):
    client.force_login(world.users["official"])  # writes an event or two to find
    client.post(reverse("login"), {"username": "official.hn", "password": "secret-pass-123"})
    client.force_login(world.users["auditor"])
    assert client.get(reverse("core:audit_list")).context["page"].paginator.count > 0
    for params in ({"date_from": "yesterday"}, {"date_to": "2026-13-45"}):
        response = client.get(reverse("core:audit_list"), params, HTTP_ACCEPT_LANGUAGE="en")
        field = next(iter(params))
        assert response.context["form"].errors[field] == ["Enter a valid date."]
        assert response.context["page"].paginator.count == 0
        assert "Enter a valid date." in response.content.decode()


def test_an_audit_export_with_a_bad_date_exports_nothing(client, world):
    from vinculo.core.models import Export

    client.force_login(world.users["auditor"])
    response = client.post(reverse("core:audit_export"), {"date_from": "yesterday"})
    assert response.status_code == 302 and "date_from=yesterday" in response["Location"]
    assert not Export.objects.exists()
