from __future__ import annotations

from datetime import date
from typing import Any

import factory

from vinculo.core.models import Jurisdiction, Membership, Organisation, OrganisationKind, User
from vinculo.registry.changes import workers_changed
from vinculo.registry.models import IdentityDocument, Sex, Worker


class JurisdictionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Jurisdiction
        django_get_or_create = ("code",)

    code = "HN-STSS"
    country = factory.LazyAttribute(lambda o: o.code[:2])
    name_es = factory.LazyAttribute(lambda o: f"Autoridad {o.code}")
    name_en = factory.LazyAttribute(lambda o: f"Authority {o.code}")


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    kind = OrganisationKind.EMPLOYER
    name = factory.Sequence(lambda n: f"Organisation {n}")
    country = factory.LazyAttribute(lambda o: o.jurisdiction.country)
    jurisdiction = factory.SubFactory(JurisdictionFactory)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.django.Password("secret-pass-123")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    role = "official"
    jurisdiction = factory.SubFactory(JurisdictionFactory)


class WorkerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Worker

    jurisdiction = factory.SubFactory(JurisdictionFactory)
    given_names = "María José"
    first_surname = "Hernández"
    second_surname = "López"
    sex = Sex.FEMALE
    birth_date = date(1994, 5, 12)
    nationality = "HN"
    phone = "+50494561234"
    subdivision = "HN-CR"
    municipality = "Choloma"

    @classmethod
    def _create(cls, model_class: Any, *args: Any, **kwargs: Any) -> Any:
        worker = model_class(*args, **kwargs)
        worker.keys_refresh()  # as the registry's services do
        worker.save(force_insert=True)
        return worker


class IdentityDocumentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = IdentityDocument

    worker = factory.SubFactory(WorkerFactory)
    kind = "national_id"
    issuing_country = "HN"
    number = factory.Sequence(lambda n: f"0501-1994-{n:05d}")
    number_hash = factory.LazyAttribute(
        lambda o: IdentityDocument.hash_for(
            kind=o.kind, issuing_country=o.issuing_country, number=o.number
        )
    )
    search_hash = factory.LazyAttribute(lambda o: IdentityDocument.search_hash_for(o.number))

    @classmethod
    def _create(cls, model_class: Any, *args: Any, **kwargs: Any) -> Any:
        document = super()._create(model_class, *args, **kwargs)
        workers_changed([document.worker_id])  # as the registry's services do
        return document
