"""Two selections for the last position at once, each in a process of its own on one database,
for test_concurrent_selection. One command per process (the settings come from the environment):

    python -m tests.matching.two_selections setup              migrate; an order with one
                                                              position and two shortlisted workers
    python -m tests.matching.two_selections one-worker         migrate; one worker shortlisted
                                                              on two orders of two seasons
    python -m tests.matching.two_selections select ID START    the employer selects candidacy ID
                                                              through the API from clock time START
    python -m tests.matching.two_selections state              the order's state and candidacies

Each prints one JSON line.
"""

from __future__ import annotations

import json
import sys
import time

# How long each selection holds its transaction open after its eligibility check, so that the
# other surely arrives while it is inside (both start together; the first waits on nothing).
HOLD_SECONDS = 1.0


def main(argv: list[str]) -> None:
    import django

    django.setup()
    command = argv[0]
    if command == "setup":
        from django.core.management import call_command

        from tests.conftest import make_world
        from tests.jobs.conftest import make_farm
        from tests.matching.conftest import make_published, make_worker
        from vinculo.matching import services

        call_command("migrate", interactive=False, verbosity=0)
        world = make_world()
        order = make_published(world, make_farm(world))
        order.positions = 1
        order.save()
        ids = [
            services.candidacy_shortlist(
                actor=world.users["official"],
                order_id=order.pk,
                worker_id=make_worker(world, years=3 + i).pk,
            ).pk
            for i in range(2)
        ]
        print(json.dumps(ids))
    elif command == "one-worker":
        from dataclasses import replace
        from datetime import date

        from django.core.management import call_command

        from tests.conftest import make_world
        from tests.jobs.conftest import make_farm
        from tests.matching.conftest import make_published, make_worker
        from vinculo.matching import services

        call_command("migrate", interactive=False, verbosity=0)
        world = make_world()
        farm = make_farm(world)
        first = make_published(world, farm)
        year = first.start_date.year + 1
        later = make_published(
            world,
            replace(
                farm,
                terms=farm.terms | {"start_date": date(year, 4, 1), "end_date": date(year, 10, 31)},
            ),
        )
        worker = make_worker(world)
        ids = [
            services.candidacy_shortlist(
                actor=world.users["official"], order_id=order.pk, worker_id=worker.pk
            ).pk
            for order in (first, later)
        ]
        print(json.dumps(ids))
    elif command == "select":
        from django.urls import reverse
        from rest_framework.test import APIClient

        from vinculo.core.models import User
        from vinculo.matching import services

        fresh = services._fresh

        def held(*args, **kwargs):
            answer = fresh(*args, **kwargs)
            time.sleep(HOLD_SECONDS)
            return answer

        services._fresh = held
        client = APIClient(SERVER_NAME="localhost")
        client.force_authenticate(User.objects.get(username="employer_staff.hn"))
        url = reverse("api:candidacy-decision", args=[int(argv[1])])
        time.sleep(max(0.0, float(argv[2]) - time.time()))
        answer = client.post(url, {"decision": "select"}, format="json")
        print(
            json.dumps(
                {
                    "status": answer.status_code,
                    "type": answer["Content-Type"],
                    "body": json.loads(answer.content or b"null")
                    if "json" in answer["Content-Type"]
                    else answer.content.decode()[:500],
                }
            )
        )
    elif command == "state":
        from vinculo.matching.models import Candidacy
        from vinculo.placements.models import Placement

        candidacy = Candidacy.objects.select_related("order").order_by("pk")
        print(
            json.dumps(
                {
                    "order": candidacy[0].order.state,
                    "candidacies": [c.status for c in candidacy],
                    "placements": Placement.objects.count(),
                }
            )
        )


if __name__ == "__main__":
    main(sys.argv[1:])
