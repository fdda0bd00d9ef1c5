"""Two people moving the same placement at once, each in a process of its own on one database,
for test_concurrent_moves. One command per process (the settings come from the environment):

    python -m tests.placements.two_moves setup               migrate; one placement, selected
    python -m tests.placements.two_moves move ID USER START  USER offers its contract through
                                                            the API from clock time START
    python -m tests.placements.two_moves state               the placement's steps and contracts

Each prints one JSON line.
"""

from __future__ import annotations

import json
import sys
import time

# How long each move holds its transaction open once its guard has passed, so that the other
# surely arrives while it is inside (both start together; the first waits on nothing).
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
        candidacy = services.candidacy_shortlist(
            actor=world.users["official"], order_id=order.pk, worker_id=make_worker(world).pk
        )
        services.candidacy_select(actor=world.users["employer_staff"], candidacy_id=candidacy.pk)
        print(json.dumps(candidacy.placement.pk))
    elif command == "move":
        from django.urls import reverse
        from rest_framework.test import APIClient

        from vinculo.core.models import User
        from vinculo.placements import services

        guard = services._guard

        def held(record, to):
            guard(record, to)
            time.sleep(HOLD_SECONDS)

        services._guard = held
        client = APIClient(SERVER_NAME="localhost")
        client.force_authenticate(User.objects.get(username=argv[2]))
        url = reverse("api:placement-moves", args=[int(argv[1])])
        time.sleep(max(0.0, float(argv[3]) - time.time()))
        answer = client.post(
            url, {"to": "contract_offered", "expected_state": "selected"}, format="json"
        )
        print(
            json.dumps(
                {
                    "status": answer.status_code,
                    "type": answer["Content-Type"],
                    "body": json.loads(answer.content or b"null"),
                }
            )
        )
    elif command == "state":
        from vinculo.placements.models import Contract, Placement

        placement = Placement.objects.get()
        print(
            json.dumps(
                {
                    "state": placement.state,
                    "events": [e.to_state for e in placement.events.order_by("pk")],
                    "contracts": Contract.objects.count(),
                }
            )
        )


if __name__ == "__main__":
    main(sys.argv[1:])
