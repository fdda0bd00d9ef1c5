"""The data of the web benchmark: the demo, as `vinculo up` loads it, plus published vacancies
made from the demo's own published orders with a fixed seed.

The copies are written with bulk_create, not through the services: the benchmark measures
reading the board, and a thousand checks against the law would only make the setup slow. Each
copy keeps the terms of an order that passed its check, with another title, worksite, wage and
occupation of the same major group, so filters and labels vary as on a real board.

Run as `python -m benchmarks.web_data COUNT SEED` with VINCULO_DATA_DIR set; it prints one JSON
line with what the load needs (a vacancy id, an offer code, an agency licence number, queries).
"""

from __future__ import annotations

import json
import os
import random
import sys
from datetime import timedelta
from decimal import Decimal

TOWNS = {
    "CA": [("CA-ON", "Leamington"), ("CA-QC", "Saint-Rémi"), ("CA-BC", "Kelowna")],
    "ES": [("ES-AN", "Huelva"), ("ES-MC", "Murcia"), ("ES-CT", "Lleida")],
    "US": [("US-NC", "Raleigh"), ("US-WA", "Yakima"), ("US-FL", "Immokalee")],
    "MX": [("MX-SIN", "Culiacán"), ("MX-BCN", "San Quintín")],
}
TITLES = [
    "Fruit pickers",
    "Greenhouse workers",
    "Packers",
    "Tractor drivers",
    "Recolectores de fresa",
    "Cocineros de temporada",
    "Camareras de piso",
    "Peones de construcción",
]


def seed_vacancies(*, count: int, seed: int) -> list[int]:
    """`count` more published vacancies, copies of the demo's published ones; their ids."""
    from django.db import transaction
    from django.utils import timezone

    from vinculo.jobs.models import JobOrder, new_verification_code
    from vinculo.reference.models import Occupation

    rng = random.Random(seed)
    models = list(JobOrder.objects.filter(state="published").order_by("pk"))
    if not models:
        raise SystemExit("the demo has no published job order to copy")
    occupations = list(Occupation.objects.values_list("pk", "isco_group_id"))
    by_major: dict[str, list[tuple[str, str]]] = {}
    for pk, unit in occupations:
        by_major.setdefault(unit[:1], []).append((pk, unit))
    now = timezone.now()
    copies = []
    for i in range(count):
        model = models[i % len(models)]
        country = rng.choice(sorted(TOWNS))
        region, town = rng.choice(TOWNS[country])
        occupation, unit = rng.choice(by_major.get(model.isco_unit[:1]) or occupations)
        copy = JobOrder(
            **{
                f.attname: getattr(model, f.attname)
                for f in JobOrder._meta.concrete_fields
                if not f.primary_key
            }
        )
        copy.title = f"{rng.choice(TITLES)} {i + 1}"
        copy.worksite_country, copy.worksite_subdivision = country, region
        copy.worksite_municipality = town
        copy.occupation_id, copy.isco_unit = occupation, unit
        copy.wage_amount = (model.wage_amount * Decimal(rng.uniform(0.9, 1.3))).quantize(
            Decimal("0.01")
        )
        copy.positions = rng.randint(1, 40)
        copy.verification_code = new_verification_code()
        copy.published_at = now - timedelta(minutes=count - i)
        copies.append(copy)
    with transaction.atomic():
        made = JobOrder.objects.bulk_create(copies, batch_size=500)
    return [o.pk for o in made]


def load_targets() -> dict:
    """What the load asks for: a published vacancy, its offer code, a licensed agency's number,
    and occupation queries."""
    from vinculo.jobs.models import JobOrder
    from vinculo.registry.models import AgencyLicence

    order = JobOrder.objects.filter(state="published").order_by("-published_at", "-pk").first()
    licence = AgencyLicence.objects.filter(state="valid").order_by("pk").first()
    return {
        "vacancy": order.pk,
        "code": order.verification_code,
        "licence": licence.number if licence else "",
        "published": JobOrder.objects.filter(state="published").count(),
    }


def main() -> int:
    count, seed = int(sys.argv[1]), int(sys.argv[2])
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vinculo.settings")
    # The same preparation as `vinculo up` (migrate, reference data, the demo, static files),
    # so the server started afterwards finds everything ready and only serves.
    os.environ.setdefault("VINCULO_STATIC_STORAGE", "vinculo.web.storage.CompressedStaticStorage")
    import django

    django.setup()
    from vinculo.cli import prepare

    prepare(quiet=True)
    seed_vacancies(count=count, seed=seed)
    print(json.dumps(load_targets()), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
