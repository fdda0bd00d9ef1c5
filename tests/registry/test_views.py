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


def _own_form(worker, **changes):
    """The self-edit form as the page posts it, with its occupation and language rows."""
    rows = {
        "version": worker.version,
        "given_names": worker.given_names,
        "first_surname": worker.first_surname,
        "second_surname": worker.second_surname,
        "sex": worker.sex,
        "birth_date": worker.birth_date.isoformat(),
        "nationality": worker.nationality,
        "phone": worker.phone,
        "residence_country": "HN",
        "subdivision": worker.subdivision,
        "municipality": worker.municipality,
        "occupations-TOTAL_FORMS": "1",
        "occupations-INITIAL_FORMS": "0",
        "languages-TOTAL_FORMS": "1",
        "languages-INITIAL_FORMS": "0",
    }
    return {**rows, **changes}


def _reference():
    from vinculo.reference.models import IscoGroup, Occupation

    IscoGroup.objects.create(
        code="9211", title_en="Crop farm labourers", title_es="Peones agrícolas", title_fr="-"
    )
    Occupation.objects.create(
        esco_id="2f9b4a2e-1a6e-4f7e-9d42-5b0c0c1a0001",
        isco_group_id="9211",
        label_en="fruit picker",
        label_es="recolector de fruta",
        label_fr="cueilleur",
    )
    return Occupation.objects.get()


def test_the_worker_changes_department_adds_an_occupation_and_a_language(client, world):
    """The self-edit offers the registration's pickers: departments by name, the ESCO
    occupation with its years, the language with its level; the profile shows the result, and
    the matching index hears of it like any other edit."""
    from vinculo.core.models import AuditEvent
    from vinculo.registry.models import Worker, WorkerChange

    picker = _reference()
    worker = Worker.objects.get(user=world.users["worker"])
    client.force_login(world.users["worker"])
    page = client.get(reverse("registry:me_edit"), HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert '<option value="HN-AT">Atlántida</option>' in page  # names, not a code to type
    assert "occupations-0-occupation__q" in page and 'name="languages-0-level"' in page
    WorkerChange.objects.all().delete()
    form = _own_form(
        worker,
        subdivision="HN-AT",
        **{
            "occupations-0-occupation": str(picker.pk),
            "occupations-0-years": "6",
            "languages-0-language": "en",
            "languages-0-level": "B1",
        },
    )
    assert client.post(reverse("registry:me_edit"), form).status_code == 302
    worker.refresh_from_db()
    assert worker.subdivision == "HN-AT" and worker.version == 2
    assert list(
        worker.occupations.values_list("occupation_id", "isco_group_id", "years_experience")
    ) == [(picker.pk, "9211", 6)]
    assert list(worker.languages.values_list("language", "level")) == [("en", "B1")]
    assert WorkerChange.objects.filter(worker_id=worker.pk).exists()
    event = AuditEvent.objects.get(verb="worker.changed", object_id=str(worker.pk))
    assert event.after["occupations"] == [[str(picker.pk), 6]]
    assert event.after["languages"] == [["en", "B1"]]
    profile = client.get(reverse("registry:me"), HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "recolector de fruta" in profile
    # The same form again changes nothing, so it writes nothing.
    again = _own_form(
        worker,
        subdivision="HN-AT",
        **{
            "occupations-TOTAL_FORMS": "2",
            "occupations-INITIAL_FORMS": "1",
            "occupations-0-occupation": str(picker.pk),
            "occupations-0-years": "6",
            "languages-TOTAL_FORMS": "2",
            "languages-INITIAL_FORMS": "1",
            "languages-0-language": "en",
            "languages-0-level": "B1",
        },
    )
    assert client.post(reverse("registry:me_edit"), again).status_code == 302
    worker.refresh_from_db()
    assert worker.version == 2
    assert AuditEvent.objects.filter(verb="worker.changed", object_id=str(worker.pk)).count() == 1


def test_an_invalid_value_in_the_self_edit_is_named_next_to_its_field_in_spanish(client, world):
    """A department of another country, an occupation without its years, a language without
    its level: each is refused next to its field, in Spanish, and nothing is saved."""
    from vinculo.registry.models import Worker

    picker = _reference()
    worker = Worker.objects.get(user=world.users["worker"])
    client.force_login(world.users["worker"])
    form = _own_form(
        worker,
        subdivision="GT-GU",
        **{
            "occupations-0-occupation": str(picker.pk),
            "languages-0-language": "en",
        },
    )
    response = client.post(reverse("registry:me_edit"), form, HTTP_ACCEPT_LANGUAGE="es")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Escoja una opción válida" in page  # the department picker
    assert response.context["jobs"].forms[0].errors["years"]
    assert response.context["tongues"].forms[0].errors["level"]
    worker.refresh_from_db()
    assert worker.version == 1 and not worker.occupations.exists()
