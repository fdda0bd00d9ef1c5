"""The writers of an import, one per layout (workers, employers, agencies): how a record is
keyed, how the ones already in Vínculo are found, and how the new ones are written.

Apart from the services because a writer is not a business action but the part of one that
knows a kind of record: the batch pipeline (`imports/batches.py`) calls the same hooks on each,
and a new layout is a new subclass here. `prepare` runs in the helper process too, so what it
needs arrives in `shared`, never from the database.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any

from django.db import connection
from django.db.models import Model
from django.utils import timezone

from vinculo.core.crypto import seal
from vinculo.core.models import Organisation, OrganisationKind
from vinculo.imports.bulk import WORKER_MODELS, Table, rows_where_in, workers_copy, workers_insert
from vinculo.imports.domain import AgencyRecord, EmployerRecord, Item, Kind, WorkerRecord
from vinculo.imports.models import Import
from vinculo.reference.models import IscoGroup, Occupation
from vinculo.registry.domain import OccupationReference, name_folded
from vinculo.registry.identity import match_keys
from vinculo.registry.models import (
    AgencyLicence,
    Consent,
    ConsentPurpose,
    Establishment,
    IdentityDocument,
    LicenceEvent,
    RegistrationChannel,
    Worker,
    WorkerLanguage,
    WorkerOccupation,
    new_registration_number,
)


def occupation_reference() -> OccupationReference:
    """The occupations and unit groups a worker row may name, read once per import."""
    return OccupationReference(
        esco_units={
            str(esco_id): unit
            for esco_id, unit in Occupation.objects.values_list("esco_id", "isco_group_id")
        },
        isco_units=frozenset(
            IscoGroup.objects.filter(code__regex=r"^[0-9]{4}$").values_list("code", flat=True)
        ),
    )


class Writer(ABC):
    """How one kind of record is keyed, found and written; one subclass per import layout."""

    key_columns: dict[str, str] = {}

    def __init__(self, run: Import) -> None:
        self.run = run
        self.now = timezone.now()
        self.context: dict[str, Any] = {}  # what the row checks need (domain.rows_parse)
        self.shared: dict[str, Any] = {}  # what `prepare` needs: values all rows of a run share

    @classmethod
    @abstractmethod
    def keys(cls, record: Any) -> list[tuple[str, str]]: ...

    @classmethod  # noqa: B027 (a hook with nothing to do by default, not an abstract method)
    def prepare(cls, items: list[Item], shared: dict[str, Any]) -> None:
        """Set `prepared` on a batch's valid items: whatever can be worked out without the
        database, in the helper process when there is one. Organisations need nothing."""

    @abstractmethod
    def existing(self, items: list[Item]) -> set[str]: ...

    def is_existing(self, item: Item, existing: set[str]) -> bool:
        return item.keys[0][1] in existing

    def conflict(self, item: Item, existing: set[str]) -> tuple[str, str, dict] | None:
        return None

    @abstractmethod
    def create(self, items: list[Item]) -> None: ...


class WorkerWriter(Writer):
    key_columns = {"document": "document_number"}

    def __init__(self, run: Import) -> None:
        super().__init__(run)
        self.context = {"today": timezone.localdate(), "occupations": occupation_reference()}
        self.shared = {
            "now": self.now,
            "jurisdiction_id": run.jurisdiction_id,
            "registered_by_id": run.requested_by_id,
        }

    @classmethod
    def keys(cls, record: WorkerRecord) -> list[tuple[str, str]]:
        return [
            (
                "document",
                IdentityDocument.hash_for(
                    kind=record.document_kind,
                    issuing_country=record.document_country,
                    number=record.document_number,
                ),
            )
        ]

    def existing(self, items: list[Item]) -> set[str]:
        hashes = [item.keys[0][1] for item in items]
        return {
            h for (h,) in rows_where_in(IdentityDocument, ("number_hash",), "number_hash", hashes)
        }

    def create(self, items: list[Item]) -> None:
        if not items:
            return
        if connection.vendor == "postgresql":
            workers_copy(items)
        else:
            workers_insert(items)

    @classmethod
    def prepare(cls, items: list[Item], shared: dict[str, Any]) -> None:
        """Each worker's row and its children's (document, occupations, languages, consent), the
        unit written whole or not at all, ready for the database but for their ids: values by
        column, converted as the database takes them, the document number hashed and sealed.
        No model instances: building 6,000 of them per batch cost more than checking the rows."""
        tables = {model: Table(model) for model in WORKER_MODELS}
        now, jurisdiction_id, actor_id = (
            shared["now"],
            shared["jurisdiction_id"],
            shared["registered_by_id"],
        )
        for item in items:
            r: WorkerRecord = item.record
            worker = {
                "registration_number": new_registration_number(),
                "jurisdiction_id": jurisdiction_id,
                "user_id": None,
                "given_names": r.given_names,
                "first_surname": r.first_surname,
                "second_surname": r.second_surname,
                "sex": r.sex,
                "birth_date": r.birth_date,
                "nationality": r.nationality,
                "phone": r.phone,
                "residence_country": r.residence_country,
                "subdivision": r.subdivision,
                "municipality": r.municipality,
                "education_level": r.education_level,
                "available_from": r.available_from,
                "available_to": r.available_to,
                "relocate_within_country": r.relocate_within_country,
                "work_abroad": r.work_abroad,
                "channel": RegistrationChannel.IMPORT.value,
                "registered_by_id": actor_id,
                "version": 1,
                "created_at": now,
                "updated_at": now,
                **match_keys(
                    given_names=r.given_names,
                    first_surname=r.first_surname,
                    second_surname=r.second_surname,
                    birth_date=r.birth_date,
                    phone=r.phone,
                ),
                "name_folded": name_folded(r.given_names, r.first_surname, r.second_surname),
            }
            children: list[tuple[type[Model], dict]] = [
                (
                    IdentityDocument,
                    {
                        "kind": r.document_kind,
                        "issuing_country": r.document_country,
                        "number": seal(r.document_number),
                        "number_hash": item.keys[0][1],
                        "search_hash": IdentityDocument.search_hash_for(r.document_number),
                        "expires_on": r.document_expiry,
                        "created_at": now,
                        "updated_at": now,
                    },
                )
            ]
            children += [
                (
                    WorkerOccupation,
                    {"occupation_id": esco_id, "isco_group_id": unit, "years_experience": years},
                )
                for esco_id, unit, years in r.occupations
            ]
            children += [
                (WorkerLanguage, {"language": code, "level": level}) for code, level in r.languages
            ]
            if r.consent_matching:
                children.append(
                    (
                        Consent,
                        {
                            "purpose": ConsentPurpose.MATCHING.value,
                            "given_at": now,
                            "withdrawn_at": None,
                        },
                    )
                )
            item.prepared = {
                "worker": tables[Worker].row(worker),
                "children": [(model, tables[model].row(values)) for model, values in children],
            }


def _tax_key(country: str, tax_id: str) -> str:
    return f"tax:{country}:{tax_id}"


class OrganisationWriter(Writer):
    kind = OrganisationKind.EMPLOYER
    key_columns = {"tax_id": "tax_id", "licence": "licence_number"}

    @classmethod
    def keys(cls, record: EmployerRecord | AgencyRecord) -> list[tuple[str, str]]:
        return [("tax_id", _tax_key(record.country, record.tax_id))]

    def existing(self, items: list[Item]) -> set[str]:
        tax_ids = {item.record.tax_id for item in items}
        return {
            _tax_key(country, tax_id)
            for country, tax_id in Organisation.objects.filter(tax_id__in=tax_ids).values_list(
                "country", "tax_id"
            )
        }

    def organisation(self, record: EmployerRecord | AgencyRecord, **extra: Any) -> Organisation:
        return Organisation(
            kind=self.kind,
            name=record.name,
            country=record.country,
            jurisdiction_id=self.run.jurisdiction_id,
            tax_id=record.tax_id,
            city=record.city,
            created_at=self.now,
            **extra,
        )


class EmployerWriter(OrganisationWriter):
    def create(self, items: list[Item]) -> None:
        # Imported employers wait for an official's verification like any other.
        organisations = Organisation.objects.bulk_create(
            [self.organisation(i.record, sector=i.record.sector) for i in items]
        )
        Establishment.objects.bulk_create(
            Establishment(
                organisation=organisation,
                name=item.record.establishment_name,
                country=item.record.country,
                subdivision=item.record.establishment_subdivision,
                municipality=item.record.establishment_municipality,
                created_at=self.now,
            )
            for organisation, item in zip(organisations, items, strict=True)
            if item.record.establishment_name
        )


class AgencyWriter(OrganisationWriter):
    kind = OrganisationKind.RECRUITMENT_AGENCY

    @classmethod
    def keys(cls, record: AgencyRecord) -> list[tuple[str, str]]:
        return [*super().keys(record), ("licence", f"lic:{record.licence_number}")]

    def existing(self, items: list[Item]) -> set[str]:
        numbers = {item.record.licence_number for item in items}
        taken = AgencyLicence.objects.filter(number__in=numbers).values_list("number", flat=True)
        return super().existing(items) | {f"lic:{n}" for n in taken}

    def conflict(self, item: Item, existing: set[str]) -> tuple[str, str, dict] | None:
        # A new agency cannot take a licence number that another agency already holds.
        tax_key, licence_key = item.keys[0][1], item.keys[1][1]
        if tax_key not in existing and licence_key in existing:
            return ("licence_number", "licence_taken", {"value": item.record.licence_number})
        return None

    def create(self, items: list[Item]) -> None:
        organisations = Organisation.objects.bulk_create(
            [self.organisation(i.record, sector=",".join(i.record.sectors)[:100]) for i in items]
        )
        licences = AgencyLicence.objects.bulk_create(
            AgencyLicence(
                agency=organisation,
                jurisdiction_id=self.run.jurisdiction_id,
                number=item.record.licence_number,
                state=item.record.licence_state,
                destination_countries=item.record.destination_countries,
                sectors=item.record.sectors,
                valid_from=item.record.valid_from,
                valid_to=item.record.valid_to,
                created_at=self.now,
            )
            for organisation, item in zip(organisations, items, strict=True)
        )
        # A licence that arrives in a state other than "applied" gets the move that put it there,
        # so its history (and the public verification page) says where the state came from.
        LicenceEvent.objects.bulk_create(
            LicenceEvent(
                licence=licence,
                from_state="applied",
                to_state=licence.state,
                reason=f"Bulk import {self.run.file_name} ({self.now.date().isoformat()})",
                actor_id=self.run.requested_by_id,
                at=self.now,
            )
            for licence in licences
            if licence.state != "applied"
        )


WRITERS: dict[str, type[Writer]] = {
    Kind.WORKERS: WorkerWriter,
    Kind.EMPLOYERS: EmployerWriter,
    Kind.AGENCIES: AgencyWriter,
}
