"""A foreign national's own application, where the category lets them apply; a draft's terms
changed (and refused when changed meanwhile); withdrawal; and the linkage check when an
application registers the person."""

from __future__ import annotations

from datetime import date

import pytest
from django.http import Http404

from tests.conftest import login
from tests.factories import IdentityDocumentFactory, MembershipFactory, UserFactory, WorkerFactory
from tests.permits.conftest import cr_terms, hn_terms, pdf, person, submitted
from vinculo.core.errors import Conflict, NotAllowed, ValidationFailed
from vinculo.core.models import AuditEvent, Notification
from vinculo.linkage.models import CandidatePair
from vinculo.permits import selectors, services
from vinculo.permits.models import Application
from vinculo.registry.models import IdentityDocument


@pytest.fixture
def nica(permits):
    """A Nicaraguan worker with an account, registered with her national identity card only."""
    user = UserFactory(username="+50588881234", preferred_language="es")
    MembershipFactory(user=user, role="worker", jurisdiction=None)
    worker = WorkerFactory(
        user=user,
        jurisdiction=permits.cr_employer.jurisdiction,
        given_names="Ana Lucía",
        first_surname="Pérez",
        second_surname="Obando",
        nationality="NI",
        phone="+50588881234",
        subdivision="",
        municipality="",
    )
    IdentityDocumentFactory(worker=worker, kind="national_id", issuing_country="NI")
    return worker


def domestic(**changes):
    return cr_terms(category="servicio_domestico", months=12, occupation="9111", **changes)


def own(worker, **changes):
    return services.application_self_create(
        actor=worker.user,
        employer_id=changes.pop("employer_id", None) or _employer(worker).pk,
        data=changes.pop("data", None) or domestic(),
        passport=changes.pop("passport", services.PassportInput("A12345678", date(2031, 5, 1))),
    )


def _employer(worker):
    return selectors.employers_verified("CR").get()


def test_a_foreign_national_applies_for_themself_where_the_category_allows(permits, nica):
    application = own(nica)
    assert application.worker == nica and application.employer == permits.cr_employer
    assert selectors.self_filed(application)
    # The passport the permit needs is now on her record, audited as a change of the record.
    assert nica.documents.filter(kind="passport", issuing_country="NI").exists()
    assert AuditEvent.objects.filter(verb="worker.changed", actor=nica.user).exists()

    # Her draft is hers alone: the employer it names, and the agencies, do not see it yet.
    for other in (permits.cr_staff, permits.mtss, permits.dgme):
        assert not selectors.application_list(actor=other).filter(pk=application.pk).exists()

    for code in ("passport", "contract"):
        services.document_add(
            actor=nica.user, application_id=application.pk, kind=code, upload=pdf()
        )
    services.application_submit(actor=nica.user, application_id=application.pk)

    # Submitted, the employer sees it and is told, but does not act on it; the MTSS decides.
    visible = selectors.application_get(actor=permits.cr_staff, application_id=application.pk)
    assert selectors.application_sides(permits.cr_staff, visible) == frozenset()
    with pytest.raises(NotAllowed):
        services.application_withdraw(actor=permits.cr_staff, application_id=application.pk)
    notice = Notification.objects.get(user=permits.cr_staff, kind="permit.named")
    assert "Ana Lucía Pérez" in notice.body
    assert selectors.queue(actor=permits.mtss)[0].application == application

    # Decided, she is the one told, and the permit is hers.
    step = application.steps.get(code="labour")
    services.step_decide(actor=permits.mtss, step_id=step.pk, outcome="approve")
    step = application.steps.get(code="migration")
    services.step_decide(actor=permits.dgme, step_id=step.pk, outcome="approve")
    permit = Application.objects.get(pk=application.pk).permit
    assert permit.holder == nica
    told = Notification.objects.filter(user=nica.user, kind="permit.decision")
    assert {(n.channel, n.address, n.language) for n in told} == {("sms", "+50588881234", "es")}
    assert sorted(n.subject for n in told) == [
        f"Permiso de trabajo {permit.number} emitido",
        f"Su solicitud de permiso de trabajo {application.reference}: Aprobada",
    ]


def test_the_categories_the_law_keeps_for_employers_are_refused_to_the_worker(permits, nica):
    with pytest.raises(ValidationFailed) as refused:
        own(nica, data=cr_terms())  # trabajador_temporal: the employer applies
    assert refused.value.code == "category_applicant" and refused.value.field == "category"
    assert not Application.objects.exists()


def test_a_national_needs_no_permit_and_an_unverified_employer_is_refused(permits, nica):
    nica.nationality = "CR"
    nica.save()
    with pytest.raises(ValidationFailed) as refused:
        own(nica)
    assert refused.value.code == "not_foreign"
    nica.nationality = "NI"
    nica.save()
    permits.cr_employer.verification_state = "pending"
    permits.cr_employer.save()
    with pytest.raises(ValidationFailed) as refused:
        own(nica, employer_id=permits.cr_employer.pk)
    assert refused.value.code == "employer_unknown" and refused.value.field == "employer"


def test_the_passport_is_asked_once_and_never_taken_from_someone_else(permits, nica):
    with pytest.raises(ValidationFailed) as refused:
        own(nica, passport=None)
    assert refused.value.code == "passport_needed"
    other = WorkerFactory(jurisdiction=permits.cr_employer.jurisdiction, nationality="NI")
    IdentityDocumentFactory(worker=other, kind="passport", issuing_country="NI", number="B7654321")
    with pytest.raises(ValidationFailed) as refused:
        own(nica, passport=services.PassportInput("B7654321", date(2031, 1, 1)))
    assert refused.value.code == "document_already_registered"
    assert refused.value.field == "passport_number"
    assert not nica.documents.filter(kind="passport").exists()
    own(nica)
    # The passport is on her record now: a second application needs none.
    assert own(nica, passport=None).worker == nica
    assert nica.documents.filter(kind="passport").count() == 1


def test_someone_without_a_record_or_a_worker_role_cannot_apply_for_themself(permits, nica):
    stranger = UserFactory(username="nadie")
    MembershipFactory(user=stranger, role="worker", jurisdiction=None)
    for actor in (stranger, permits.mtss):
        with pytest.raises(NotAllowed):
            services.application_self_create(
                actor=actor,
                employer_id=permits.cr_employer.pk,
                data=domestic(),
                passport=services.PassportInput("A12345678", date(2031, 5, 1)),
            )


def test_a_draft_s_terms_change_and_a_stale_copy_is_refused(permits):
    application = services.application_create(
        actor=permits.hn_staff, employer=permits.hn_employer, person=person(), data=hn_terms()
    )
    changed = services.application_update(
        actor=permits.hn_staff,
        application_id=application.pk,
        data=hn_terms(months=6, national_workers=120),
        version=1,
    )
    assert (changed.months, changed.national_workers, changed.version) == (6, 120, 2)
    event = AuditEvent.objects.get(verb="permit.draft_changed")
    assert event.before == {"months": 12, "national_workers": 95}
    assert event.after == {"months": 6, "national_workers": 120}

    # A colleague's copy read before the change is refused, not written over it.
    with pytest.raises(Conflict) as refused:
        services.application_update(
            actor=permits.hn_staff, application_id=application.pk, data=hn_terms(), version=1
        )
    assert refused.value.code == "draft_changed" and refused.value.details == {"version": 2}
    # The terms are checked as when the draft was made.
    with pytest.raises(ValidationFailed) as refused:
        services.application_update(
            actor=permits.hn_staff,
            application_id=application.pk,
            data=hn_terms(months=5),
            version=2,
        )
    assert refused.value.code == "months_not_allowed"
    # Nothing changed is nothing written.
    same = services.application_update(
        actor=permits.hn_staff,
        application_id=application.pk,
        data=hn_terms(months=6, national_workers=120),
        version=2,
    )
    assert same.version == 2 and AuditEvent.objects.filter(verb="permit.draft_changed").count() == 1


def test_only_the_applicant_changes_a_draft_and_only_while_a_draft(permits):
    draft = services.application_create(
        actor=permits.hn_staff, employer=permits.hn_employer, person=person(), data=hn_terms()
    )
    for stranger in (permits.other_staff, permits.hn_official, permits.gt_official):
        with pytest.raises(Http404):
            services.application_update(
                actor=stranger, application_id=draft.pk, data=hn_terms(months=6), version=1
            )
    done = submitted(
        permits.hn_staff,
        permits.hn_employer,
        hn_terms(),
        who=person(passport_number="C07654321", given_names="Luis"),
    )
    with pytest.raises(Conflict) as refused:
        services.application_update(
            actor=permits.hn_staff, application_id=done.pk, data=hn_terms(months=6), version=1
        )
    assert refused.value.code == "not_a_draft"


def test_withdrawal_closes_the_steps_and_leaves_the_queue(permits):
    application = submitted(permits.cr_staff, permits.cr_employer, cr_terms())
    assert selectors.queue(actor=permits.mtss)
    with pytest.raises(NotAllowed):  # the agency sees it, but is not the applicant
        services.application_withdraw(actor=permits.mtss, application_id=application.pk)
    withdrawn = services.application_withdraw(
        actor=permits.cr_staff, application_id=application.pk, reason="El trabajador desistió."
    )
    assert withdrawn.state == "withdrawn" and withdrawn.decided_at is not None
    assert set(withdrawn.steps.values_list("state", flat=True)) == {"closed"}
    assert selectors.queue(actor=permits.mtss) == []
    assert withdrawn.events.first().reason == "El trabajador desistió."
    assert AuditEvent.objects.filter(verb="permit.withdrawn", actor=permits.cr_staff).exists()
    with pytest.raises(Conflict) as refused:
        services.application_withdraw(actor=permits.cr_staff, application_id=application.pk)
    assert refused.value.code == "not_withdrawable"

    draft = services.application_create(
        actor=permits.cr_staff,
        employer=permits.cr_employer,
        person=person(passport_number="C07654321", given_names="Luis"),
        data=cr_terms(),
    )
    assert (
        services.application_withdraw(actor=permits.cr_staff, application_id=draft.pk).decided_at
        is None
    )  # never submitted: no clock ran


def test_a_decided_application_cannot_be_withdrawn(permits):
    application = submitted(permits.hn_staff, permits.hn_employer, hn_terms())
    services.step_decide(
        actor=permits.hn_official, step_id=application.steps.get().pk, outcome="approve"
    )
    with pytest.raises(Conflict):
        services.application_withdraw(actor=permits.hn_staff, application_id=application.pk)


def test_a_person_registered_with_an_application_goes_through_the_linkage_check(permits, client):
    # The registry already holds him under his national identity card.
    known = WorkerFactory(
        jurisdiction=permits.cr_employer.jurisdiction,
        given_names="Carlos Andrés",
        first_surname="Rivas",
        second_surname="Mora",
        sex="M",
        birth_date=date(1990, 3, 4),
        nationality="NI",
        phone="+50588881234",
    )
    IdentityDocumentFactory(worker=known, kind="national_id", issuing_country="NI")
    # The employer names him by a passport the registry does not know: a new record, and the
    # probable match goes to the officials' review queue (the employer is never shown it).
    application = submitted(permits.cr_staff, permits.cr_employer, cr_terms())
    assert application.worker != known
    pair = CandidatePair.objects.get()
    assert {pair.worker_a_id, pair.worker_b_id} == {known.pk, application.worker_id}
    assert pair.origin == "permit" and pair.jurisdiction == permits.cr_employer.jurisdiction

    login(client, permits.mtss)  # reviews the registry of its jurisdiction: a link to the pair
    page = client.get(f"/permits/{application.pk}/", HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "Posiblemente registrado dos veces" in page and f"/duplicates/pairs/{pair.pk}/" in page
    login(client, permits.dgme)  # decides, and is told, without the registry's records
    page = client.get(f"/permits/{application.pk}/", HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "Posiblemente registrado dos veces" in page and "/duplicates/pairs/" not in page
    login(client, permits.cr_staff)
    page = client.get(f"/permits/{application.pk}/", HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "Posiblemente registrado dos veces" not in page


def test_the_exact_passport_finds_the_record_with_no_pair(permits):
    first = submitted(permits.cr_staff, permits.cr_employer, cr_terms())
    again = services.application_create(
        actor=permits.cr_staff, employer=permits.cr_employer, person=person(), data=cr_terms()
    )
    assert again.worker == first.worker
    assert not CandidatePair.objects.exists()
    assert IdentityDocument.objects.filter(kind="passport").count() == 1


# --- over the API and on the pages ---------------------------------------------------------------


def _terms_json(**changes):
    values = {
        "category": "servicio_domestico",
        "occupation": "9111",
        "start_on": "2027-01-11",
        "months": 12,
        "salary": "420000",
        "weekly_hours": "48",
    }
    values.update(changes)
    return values


def test_the_api_takes_an_own_application_a_change_and_a_withdrawal(permits, nica, api):
    api.force_authenticate(nica.user)
    response = api.post(
        "/api/v1/permit-applications/",
        {**_terms_json(), "employer": permits.cr_employer.pk},
        format="json",
    )
    assert response.status_code == 400 and response.json()["code"] == "passport_needed"
    assert response["Content-Type"] == "application/problem+json"
    response = api.post(
        "/api/v1/permit-applications/",
        {
            **_terms_json(),
            "employer": permits.cr_employer.pk,
            "passport": {"number": "A12345678", "expires_on": "2031-05-01"},
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["filed_by_worker"] is True and body["worker"] == nica.pk and body["version"] == 1
    path = f"/api/v1/permit-applications/{body['id']}/"

    changed = api.put(path, {**_terms_json(salary="450000"), "version": 1}, format="json")
    assert changed.status_code == 200 and changed.json()["salary"] == "450000.00"
    stale = api.put(path, {**_terms_json(salary="1"), "version": 1}, format="json")
    assert stale.status_code == 409 and stale.json()["code"] == "draft_changed"

    # Another country's official, and the employer it names, do not see her draft.
    for other in (permits.gt_official, permits.cr_staff, permits.mtss):
        api.force_authenticate(other)
        assert api.get(path).status_code == 404
        assert api.put(path, {**_terms_json(), "version": 2}, format="json").status_code == 404
        assert api.post(f"{path}withdrawal/", {}, format="json").status_code == 404

    api.force_authenticate(nica.user)
    gone = api.post(f"{path}withdrawal/", {"reason": "Ya no viajo."}, format="json")
    assert gone.status_code == 200 and gone.json()["state"] == "withdrawn"
    again = api.post(f"{path}withdrawal/", {}, format="json")
    assert again.status_code == 409 and again.json()["code"] == "not_withdrawable"
    late = api.put(path, {**_terms_json(), "version": 2}, format="json")
    assert late.status_code == 409 and late.json()["code"] == "not_a_draft"


def test_the_own_application_pages_in_spanish(permits, nica, client):
    login(client, nica.user)
    home = client.get("/permits/", HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "Solicitar mi propio permiso de trabajo" in home and "Costa Rica" in home
    page = client.get("/permits/new/mine/", HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "Trabajo doméstico" in page and "Trabajador temporal" not in page
    assert "Su pasaporte" in page and permits.cr_employer.name in page
    form = {
        "country": "CR",
        "employer": permits.cr_employer.pk,
        "passport_number": "A12345678",
        "passport_expires_on": "2031-05-01",
        "category": "servicio_domestico",
        "months": 12,
        "occupation": "9111",
        "start_on": "2027-01-11",
        "salary": "420000",
        "weekly_hours": "48",
    }
    refused = client.post("/permits/new/mine/", {**form, "months": 6}, HTTP_ACCEPT_LANGUAGE="es")
    assert refused.status_code == 400
    response = client.post("/permits/new/mine/", form, HTTP_ACCEPT_LANGUAGE="es")
    application = Application.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/permits/{application.pk}/"
    # The passport is on her record now: the page asks it no more.
    page = client.get("/permits/new/mine/", HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "Su pasaporte" not in page

    detail = client.get(f"/permits/{application.pk}/", HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "La persona extranjera, por sí misma" in detail and "Retirar la solicitud" in detail
    edit = client.get(f"/permits/{application.pk}/edit/", HTTP_ACCEPT_LANGUAGE="es")
    assert edit.status_code == 200 and 'name="version" value="1"' in edit.content.decode()
    response = client.post(
        f"/permits/{application.pk}/edit/", {**form, "salary": "450000", "version": 1}
    )
    assert response.status_code == 302
    stale = client.post(
        f"/permits/{application.pk}/edit/",
        {**form, "salary": "1", "version": 1},
        HTTP_ACCEPT_LANGUAGE="es",
    )
    assert stale.status_code == 400 and "Alguien cambió este borrador" in stale.content.decode()
    application.refresh_from_db()
    assert application.salary == 450000

    response = client.post(f"/permits/{application.pk}/withdraw/", {"reason": "Ya no viajo."})
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.state == "withdrawn"


def test_the_draft_pages_are_404_to_strangers(permits, client):
    draft = services.application_create(
        actor=permits.hn_staff, employer=permits.hn_employer, person=person(), data=hn_terms()
    )
    for stranger in (permits.gt_official, permits.hn_official, permits.other_staff):
        client.force_login(stranger)
        assert client.get(f"/permits/{draft.pk}/edit/").status_code == 404
        assert client.post(f"/permits/{draft.pk}/edit/", {}).status_code == 404
        assert client.post(f"/permits/{draft.pk}/withdraw/", {}).status_code == 404
    client.force_login(permits.hn_official)
    assert client.get("/permits/new/mine/").status_code == 404
    draft.refresh_from_db()
    assert draft.state == "draft" and draft.version == 1
