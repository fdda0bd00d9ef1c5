"""A run whose worker is killed, step by step, each step in a process of its own on one database,
for test_run_killed_worker. The settings come from the environment (VINCULO_TASKS=database: a
run is queued, and only a worker runs it):

    python -m tests.core.killed_run setup FILE       migrate, then queue an import of FILE
    python -m tests.core.killed_run worker slow      the database task worker, a batch taking a
                                                     moment inside its transaction (to be killed)
    python -m tests.core.killed_run worker once      the worker, until the queue is empty
    python -m tests.core.killed_run wait ID ROWS     until the import has written ROWS rows
    python -m tests.core.killed_run state ID         the import and what the database holds
    python -m tests.core.killed_run retry ID         ask for the import to run again
    python -m tests.core.killed_run age ID           the clock moves on by STALE_AFTER

Each prints one JSON line (the worker prints nothing of its own).
"""

from __future__ import annotations

import json
import sys
import time

BATCH = 100


def _state(run_id: str) -> dict:
    from vinculo.core.audit import AuditVerb
    from vinculo.core.models import AuditEvent
    from vinculo.imports.models import Import, ImportKey
    from vinculo.registry.models import Consent, IdentityDocument, Worker

    run = Import.objects.get(pk=run_id)
    return {
        "status": run.status,
        "stale": run.is_stale,
        "attempt": run.attempt,
        "done": run.done,
        "total": run.total,
        "created": run.rows_created,
        "existing": run.rows_existing,
        "failed": run.rows_failed,
        "workers": Worker.objects.count(),
        "documents": IdentityDocument.objects.values("number_hash").distinct().count(),
        "document_rows": IdentityDocument.objects.count(),
        "consents": Consent.objects.count(),
        "keys": ImportKey.objects.filter(run=run).count(),
        "finished_audits": AuditEvent.objects.filter(verb=AuditVerb.IMPORT_FINISHED).count(),
    }


def _slow_batches() -> None:
    """Small batches, each lingering inside its transaction after its rows are written: a kill
    then lands, almost surely, in the middle of one."""
    from vinculo.imports import batches, services

    services.BATCH_SIZE = BATCH
    keys_insert = batches._keys_insert

    def lingering(run, keys):
        keys_insert(run, keys)
        time.sleep(0.3)

    batches._keys_insert = lingering


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
        with open(argv[1], "rb") as handle:
            run = services.import_request(
                kind="workers", upload=File(handle, name="workers.csv"), actor=official
            )
        print(json.dumps(str(run.pk)))
    elif command == "worker":
        from django.core.management import call_command

        from vinculo.imports import services

        if argv[1] == "slow":
            _slow_batches()
        else:
            services.BATCH_SIZE = BATCH
        call_command(
            "db_worker",
            queue_name="*",
            reload=False,
            startup_delay=False,
            interval=0.2,
            batch=argv[1] == "once",
            verbosity=0,
        )
    elif command == "wait":
        deadline = time.monotonic() + 120
        while (state := _state(argv[1]))["done"] < int(argv[2]):
            assert state["status"] in ("queued", "running"), state
            assert time.monotonic() < deadline, state
            time.sleep(0.05)
        print(json.dumps(state))
    elif command == "state":
        print(json.dumps(_state(argv[1])))
    elif command == "retry":
        from vinculo.core.errors import Conflict
        from vinculo.imports import services
        from vinculo.imports.models import Import

        run = Import.objects.get(pk=argv[1])
        try:
            run = services.import_retry(run=run, actor=run.requested_by)
        except Conflict as refused:
            print(json.dumps({"refused": refused.code}))
        else:
            print(json.dumps({"status": run.status}))
    elif command == "age":
        from django.utils import timezone

        from vinculo.core.runs import STALE_AFTER
        from vinculo.imports.models import Import

        # No sign of life since: as if the hours had passed with the worker dead.
        then = timezone.now() - STALE_AFTER
        Import.objects.filter(pk=argv[1]).update(heartbeat_at=then)
        print(json.dumps(_state(argv[1])))


if __name__ == "__main__":
    main(sys.argv[1:])
