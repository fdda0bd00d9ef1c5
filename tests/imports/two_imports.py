"""Two imports of the same file at once, each in a process of its own on one database, for
test_two_imports_at_once. One command per process (the settings come from the environment):

    python -m tests.imports.two_imports setup FILE    migrate, then file two imports of FILE
    python -m tests.imports.two_imports run ID START  run import ID from the clock time START
    python -m tests.imports.two_imports count         workers and document keys in the database

Each prints one JSON line.
"""

from __future__ import annotations

import json
import sys
import time


def main(argv: list[str]) -> None:
    import django

    django.setup()
    command = argv[0]
    if command == "setup":
        from django.core.files import File
        from django.core.management import call_command

        from vinculo.core.models import Jurisdiction, Membership, User
        from vinculo.imports import services

        call_command("migrate", interactive=False, verbosity=0)
        hn = Jurisdiction.objects.create(code="HN-STSS", country="HN", name_es="HN", name_en="HN")
        official = User.objects.create(username="oficial.hn")
        Membership.objects.create(user=official, role="official", jurisdiction=hn)
        ids = []
        for _ in range(2):  # queued (the database task backend), not run: no worker is started
            with open(argv[1], "rb") as handle:
                run = services.import_request(
                    kind="workers", upload=File(handle, name="workers.csv"), actor=official
                )
            ids.append(str(run.pk))
        print(json.dumps(ids))
    elif command == "run":
        from vinculo.imports import services

        time.sleep(max(0.0, float(argv[2]) - time.time()))
        run = services.import_process(import_id=argv[1])
        print(
            json.dumps(
                {
                    "status": run.status,
                    "created": run.rows_created,
                    "existing": run.rows_existing,
                    "failed": run.rows_failed,
                }
            )
        )
    elif command == "count":
        from vinculo.registry.models import IdentityDocument, Worker

        documents = IdentityDocument.objects.values("number_hash").distinct().count()
        print(json.dumps({"workers": Worker.objects.count(), "documents": documents}))


if __name__ == "__main__":
    main(sys.argv[1:])
