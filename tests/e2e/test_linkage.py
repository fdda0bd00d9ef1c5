"""The check at registration, in the browser: an official at a desk, on a phone, in Spanish,
registers someone already in the registry under a slightly different record, and is shown that
record with the evidence before anything is saved."""

from __future__ import annotations

from datetime import date

import pytest

from tests.e2e.conftest import menu_go, serious_accessibility_violations
from tests.e2e.test_journeys import sign_in
from tests.factories import WorkerFactory
from vinculo.demo import synthetic
from vinculo.linkage.models import CandidatePair, LinkageRun, Merge, PairStatus
from vinculo.reference.services import reference_load
from vinculo.registry.models import Worker

pytestmark = pytest.mark.e2e


def test_a_near_duplicate_is_caught_at_the_desk_with_its_evidence(live_server, world, phone_es):
    reference_load()
    earlier = WorkerFactory(
        jurisdiction=world.hn,
        given_names="Keila Suyapa",
        first_surname="Ramírez",
        second_surname="Núñez",
        birth_date=date(1996, 3, 8),
        phone="+50494567788",
    )
    page = phone_es
    sign_in(page, live_server.url, "official.hn")
    page.wait_for_url(f"{live_server.url}/")
    page.goto(f"{live_server.url}/workers/register/")

    # The same woman, written as a desk often writes: no accents, surnames the other way round,
    # day and month of birth swapped, a new phone.
    page.get_by_label("Número de celular").fill("3111 2222")
    page.get_by_label("Nombres").fill("Keila Suyapa")
    page.get_by_label("Primer apellido").fill("Nunez")
    page.get_by_label("Segundo apellido").fill("Ramirez")
    page.get_by_label("Mujer").check()
    page.get_by_label("Fecha de nacimiento").fill("1996-08-03")
    page.get_by_label("Nacionalidad").select_option("HN")
    page.get_by_label("Documento", exact=True).select_option("national_id")
    page.get_by_label("Emitido por").select_option("HN")
    page.get_by_label("Número de documento").fill("0801 1996 07788")
    page.get_by_label("País donde vive").select_option("HN")  # loads its departments
    page.locator("#id_residence-subdivision option[value='HN-CR']").wait_for(state="attached")
    page.get_by_label("Departamento o estado").select_option("HN-CR")
    page.get_by_label("Municipio").fill("Choloma")
    occupation = page.get_by_label("Su ocupación principal")
    occupation.focus()
    page.keyboard.type("recolector de fruta", delay=20)
    option = page.locator(".occupation-picker").first.get_by_role("radio").first
    option.wait_for()
    option.check()
    page.get_by_label("Años de experiencia", exact=True).fill("4")
    page.get_by_label("Idioma que mejor habla").select_option("es")
    page.get_by_label("Nivel educativo más alto completado").select_option("2")
    page.get_by_label("Disponible desde").fill("2027-01-10")
    page.get_by_role("button", name="Registrar", exact=True).click()
    page.wait_for_load_state()

    warning = page.get_by_role("alert").filter(has_text="Esta persona podría estar ya inscrita")
    warning.wait_for()
    assert warning.get_by_role("link", name="Keila Suyapa Ramírez Núñez").is_visible()
    assert warning.get_by_text(earlier.registration_number).is_visible()
    for evidence in ("los mismos, en el otro orden", "día y mes invertidos", "débil"):
        assert warning.get_by_text(evidence).first.is_visible(), evidence
    assert not Worker.objects.filter(first_surname="Nunez").exists()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert serious_accessibility_violations(page) == []

    # With the keyboard: tick "a different person" and register anyway.
    box = page.get_by_label("Los he comparado: es otra persona. Inscribir de todos modos.")
    box.focus()
    page.keyboard.press("Space")
    assert box.is_checked()
    page.get_by_role("button", name="Registrar", exact=True).click()
    page.wait_for_url("**/card/")
    assert Worker.objects.filter(first_surname="Nunez").count() == 1


def test_the_batch_check_proposes_pairs_an_official_merges_and_undoes(live_server, world, phone_es):
    synthetic.registry_load(world.hn, 400, seed=3)
    page = phone_es
    sign_in(page, live_server.url, "official.hn")
    page.wait_for_url(f"{live_server.url}/")
    menu_go(page, "Duplicados")
    page.get_by_role("button", name="Iniciar la revisión").click()

    # The run page shows the progress, then what the check found.
    progress = page.locator("#run-progress")
    progress.get_by_text("Terminada").wait_for(timeout=120_000)
    assert progress.locator("progress").get_attribute("value") == "100"
    run = LinkageRun.objects.get()
    assert run.pairs_new > 0
    assert serious_accessibility_violations(page) == []
    page.get_by_role("link", name="Revisar los pares").click()

    # The queue, most probable first; the first pair side by side with its evidence.
    best = CandidatePair.objects.order_by("-probability", "pk").first()
    page.locator("table a").first.click()
    page.wait_for_url(f"**/duplicates/pairs/{best.pk}/")
    table = page.get_by_role("region", name="Los dos registros lado a lado")
    assert table.get_by_text(best.worker_a.registration_number).is_visible()
    assert table.get_by_text("Fecha de nacimiento").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert serious_accessibility_violations(page) == []

    # With the keyboard: keep the first record, merge.
    keep = page.get_by_label(f"{best.worker_a.registration_number} · {best.worker_a.full_name}")
    keep.focus()
    page.keyboard.press("Space")
    assert keep.is_checked()
    page.get_by_role("button", name="Fusionar").click()
    page.get_by_role("status").filter(
        has_text=f"Fusionado en {best.worker_a.registration_number}"
    ).wait_for()
    merged = Worker.objects.get(pk=best.worker_b_id)
    assert merged.merged_into_id == best.worker_a_id

    page.get_by_role("button", name="Deshacer la fusión").click()
    page.get_by_role("status").filter(has_text="La fusión se deshizo").wait_for()
    merged.refresh_from_db()
    assert merged.merged_into_id is None
    best.refresh_from_db()
    assert best.status == PairStatus.OPEN
    assert Merge.objects.get().undone_by.username == "official.hn"
