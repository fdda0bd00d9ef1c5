"""The demo's work permits, filed and decided through the services so each case carries its
documents, its rules traced against the pack, its history and its audit lines.

Honduras (STSS decides alone): one application refused on art. 11 of the Labour Code, one waiting
for `oficial.hn` that would take the employer below 90 % nationals (the tour refuses it), and
permits valid, expired and revoked. Costa Rica (MTSS, then DGME): one case waiting for the
migration directorate (`migracion.cr`), one complete case waiting for the labour ministry
(`oficial.cr`), a Nicaraguan agronomist's own application for temporary residence with a work
permit (`trabajadora.cr`, where the category lets the foreign national apply), and seasonal farm
workers (SITLAM) registered at border kiosks, with valid permits. Dates are relative to the
day the demo is loaded, and each decided case took a different number of days, so the officials'
processing times have figures to show.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from vinculo.core.models import Organisation, User
from vinculo.permits import services
from vinculo.permits.models import Application, InfoRequest, Step
from vinculo.registry.models import RegistrationChannel
from vinculo.registry.services import DocumentInput, WorkerInput, worker_register

# A one-page PDF stands in for each scanned document.
DOCUMENT = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"

# given, first surname, second surname, sex, birth date, nationality, passport
PEOPLE = {
    "ingeniero": ("Julián", "Ospina", "Restrepo", "M", date(1986, 8, 14), "CO", "AV4412398"),
    "tecnica": ("Ana Lucía", "Cruz", "Morales", "F", date(1991, 2, 3), "SV", "B02233144"),
    "supervisor": ("Rodrigo", "Pérez", "Alfaro", "M", date(1979, 11, 22), "GT", "235577801"),
    "mecanico": ("Luis Alberto", "Sánchez", "Vega", "M", date(1988, 6, 9), "NI", "C02451177"),
    "disenador": ("Marta", "Gómez", "Ibarra", "F", date(1993, 9, 30), "MX", "G33120987"),
    "empacadora": ("Yolanda", "Martínez", "Ruiz", "F", date(1995, 4, 17), "NI", "C01983345"),
    "cortador": ("Francisco", "López", "Téllez", "M", date(1990, 1, 25), "NI", "C02776120"),
    "sitlam1": ("José Ramón", "Obando", "Castillo", "M", date(1987, 12, 5), "NI", "C03110456"),
    "sitlam2": ("Pedro Pablo", "Zeledón", "Mairena", "M", date(1996, 7, 19), "NI", "C03298812"),
    "sitlam3": ("Mayra", "Umaña", "Flores", "F", date(1998, 3, 11), "PA", "PA0771209"),
    "operario": ("Óscar Danilo", "Mendoza", "Rocha", "M", date(1992, 10, 2), "NI", "C02884503"),
}


def _person(key: str, expires: date) -> services.PersonInput:
    given, first, second, sex, birth, nationality, passport = PEOPLE[key]
    return services.PersonInput(
        given_names=given,
        first_surname=first,
        second_surname=second,
        sex=sex,
        birth_date=birth,
        nationality=nationality,
        passport_number=passport,
        passport_expires_on=expires,
    )


def _file(
    staff: User, employer: Organisation, key: str, terms: services.ApplicationInput
) -> Application:
    today = timezone.localdate()
    application = services.application_create(
        actor=staff,
        employer=employer,
        person=_person(key, today.replace(year=today.year + 6)),
        data=terms,
    )
    _documents(staff, application)
    return services.application_submit(actor=staff, application_id=application.pk)


def _documents(actor: User, application: Application) -> None:
    """Every document the application's category asks for."""
    _pack, auth = services.selectors.application_pack(application)
    for code in auth.category(application.category).documents:
        services.document_add(
            actor=actor,
            application_id=application.pk,
            kind=code,
            upload=SimpleUploadedFile(f"{code}.pdf", DOCUMENT, "application/pdf"),
        )


def _aged(application: Application, days: int) -> None:
    """Filed `days` ago: the clock, the queue and the processing figures read real ages."""
    Application.objects.filter(pk=application.pk).update(
        submitted_at=timezone.now() - timedelta(days=days)
    )


def _decide(official: User, application: Application, code: str, outcome: str, why: str = ""):
    step = Step.objects.get(application=application, code=code)
    services.step_decide(actor=official, step_id=step.pk, outcome=outcome, reason=why)


def _hn_terms(
    start: date,
    salary: str,
    staff: tuple[int, int],
    payroll: tuple[str, str],
    months: int = 12,
) -> services.ApplicationInput:
    """`staff` and `payroll` are (national, foreign) before the hire."""
    return services.ApplicationInput(
        category="permiso_trabajo",
        occupation="2141",
        start_on=start,
        months=months,
        salary=Decimal(salary),
        currency="HNL",
        weekly_hours=Decimal("44"),
        national_workers=staff[0],
        foreign_workers=staff[1],
        national_payroll=Decimal(payroll[0]),
        foreign_payroll=Decimal(payroll[1]),
    )


def _cr_terms(start: date, category: str, months: int, occupation: str = "9211"):
    return services.ApplicationInput(
        category=category,
        occupation=occupation,
        start_on=start,
        months=months,
        salary=Decimal("410000"),
        currency="CRC",
        weekly_hours=Decimal("48"),
    )


def permits_load(users: dict[str, User], organisations: dict[str, Organisation]) -> None:
    today = timezone.localdate()
    hn_staff, hn_official = users["empleador.hn"], users["oficial.hn"]
    cr_staff, mtss, dgme = users["empleador.cr"], users["oficial.cr"], users["migracion.cr"]
    textiles, pinas = organisations["hn-maquila"], organisations["cr-pinas"]

    # Honduras. A hire that would leave 88.9 % nationals (8 of 9): refused on art. 11.
    refused = _file(
        hn_staff,
        textiles,
        "supervisor",
        _hn_terms(today + timedelta(days=30), "52000", (8, 0), ("160000", "0")),
    )
    _decide(
        hn_official,
        refused,
        "labour",
        "refuse",
        "Con esta contratación, 8 de 9 trabajadores serían hondureños (88,9 %); el art. 11 del "
        "Código del Trabajo exige al menos el 90 %.",
    )
    _aged(refused, 9)
    # Approved: 190 nationals of 200 with the hire.
    # (the technician's permit ends in about 50 days: the daily task reminds her employer)
    for key, days, started in (("ingeniero", 12, 20), ("tecnica", 6, 130)):
        approved = _file(
            hn_staff,
            textiles,
            key,
            _hn_terms(
                today - timedelta(days=started),
                "45000",
                (190, 9),
                ("3600000", "180000"),
                12 if key == "ingeniero" else 6,
            ),
        )
        _decide(hn_official, approved, "labour", "approve")
        _aged(approved, days)
    # An expired permit (its stay ended last month) and a revoked one.
    expired = _file(
        hn_staff,
        textiles,
        "mecanico",
        _hn_terms(today - timedelta(days=215), "38000", (190, 9), ("3600000", "180000"), 6),
    )
    _decide(hn_official, expired, "labour", "approve")
    _aged(expired, 15)
    revoked = _file(
        hn_staff,
        textiles,
        "disenador",
        _hn_terms(today - timedelta(days=60), "41000", (190, 9), ("3600000", "180000")),
    )
    _decide(hn_official, revoked, "labour", "approve")
    _aged(revoked, 4)
    services.permit_move(
        actor=hn_official,
        permit_id=Application.objects.get(pk=revoked.pk).permit.pk,
        to="revoked",
        reason="La empresa comunicó el fin de la relación laboral el mes pasado.",
    )
    # Waiting for the official: 9 of 10 is exactly 90 %, but nationals would earn 80.8 % of the
    # payroll, below the 85 % art. 11 requires (the tour refuses it).
    waiting = _file(
        hn_staff,
        textiles,
        "cortador",
        _hn_terms(today + timedelta(days=45), "50000", (9, 0), ("210000", "0")),
    )
    _aged(waiting, 3)

    # Costa Rica. Waiting on the DGME: the MTSS approved its step after asking for the CCSS
    # certificate (four days the clock stood still).
    at_dgme = _file(
        cr_staff,
        pinas,
        "empacadora",
        _cr_terms(today + timedelta(days=20), "trabajador_temporal", 6),
    )
    _decide(mtss, at_dgme, "labour", "request_info", "Adjunte la constancia de la CCSS al día.")
    services.info_answer(
        actor=cr_staff, application_id=at_dgme.pk, answer="Constancia actualizada adjunta."
    )
    _decide(mtss, at_dgme, "labour", "approve")
    _aged(at_dgme, 11)
    InfoRequest.objects.filter(application=at_dgme).update(
        asked_at=timezone.now() - timedelta(days=9), answered_at=timezone.now() - timedelta(days=5)
    )
    # Seasonal farm workers of the SITLAM scheme, registered by the migration directorate at the
    # border posts' kiosks, then decided by both agencies.
    for key, days, post in (
        ("sitlam1", 18, "Paso Canoas"),
        ("sitlam2", 14, "Paso Canoas"),
        ("sitlam3", 25, "Sixaola"),
    ):
        seasonal = services.kiosk_register(
            actor=dgme,
            employer_id=pinas.pk,
            border_post=post,
            person=_person(key, today.replace(year=today.year + 6)),
            data=_cr_terms(today - timedelta(days=10), "sitlam", 6),
            passport=SimpleUploadedFile("pasaporte.pdf", DOCUMENT, "application/pdf"),
        )
        _decide(mtss, seasonal, "labour", "approve")
        _decide(dgme, seasonal, "migration", "approve")
        _aged(seasonal, days)
        # The grower logged each one's arrival at the farm.
        permit = Application.objects.get(pk=seasonal.pk).permit
        services.attendance_log(
            actor=cr_staff, permit_id=permit.pk, kind="entry", on=permit.valid_from
        )
    # Her own application (temporary residence lets the foreign national apply): Karla registered
    # herself with her passport, named the grower who offered her the job, and submitted.
    karla = worker_register(
        data=WorkerInput(
            given_names="Karla",
            first_surname="Rugama",
            second_surname="Sequeira",
            sex="F",
            birth_date=date(1992, 5, 21),
            nationality="NI",
            phone="+505 8712 4490",
            residence_country="NI",
            document=DocumentInput(
                kind="passport",
                issuing_country="NI",
                number="C02917734",
                expires_on=today.replace(year=today.year + 7),
            ),
            occupations=[("2132", 6)],
        ),
        jurisdiction=pinas.jurisdiction,
        channel=RegistrationChannel.SELF,
        actor=users["trabajadora.cr"],
        user=users["trabajadora.cr"],
    )
    own = services.application_self_create(
        actor=karla.user,
        employer_id=pinas.pk,
        data=_cr_terms(today + timedelta(days=30), "residencia_temporal", 24, "2132"),
    )
    _documents(karla.user, own)
    _aged(services.application_submit(actor=karla.user, application_id=own.pk), 4)
    # Complete and waiting for the MTSS: the tour approves it, then the DGME does.
    complete = _file(
        cr_staff,
        pinas,
        "operario",
        _cr_terms(today + timedelta(days=40), "trabajador_temporal", 6, "8341"),
    )
    _aged(complete, 2)
