"""The `vinculo` command.

vinculo up [--host H] [--port P]     migrate, load reference data and the demo, serve
vinculo demo --size small|medium|large [--reset] [--seed N]
vinculo check                        system checks, policy packs, database, task queue
vinculo worker                       the background task worker for the configured backend
vinculo tick                         enqueue today's daily tasks not yet run (for cron)
vinculo manage ARGS...               any Django management command
vinculo bench JOB [--size S|M|L]     a benchmark (from a source checkout: benchmarks/)
vinculo dedup FILE.csv [--link OTHER.csv] --id-column COL --field ROLE=COLUMN ... --out DIR
                                     find the same person twice in any CSV file, or across two
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Sequence

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000


def _django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vinculo.settings")
    import django

    django.setup()


def _say(text: str) -> None:
    print(text, flush=True)


def _progress(label: str):
    started = time.monotonic()

    def report(done: int, total: int) -> None:
        width = 30
        filled = int(width * done / total) if total else width
        rate = done / max(time.monotonic() - started, 1e-6)
        end = "\n" if done >= total else ""
        print(
            f"\r  {label} [{'#' * filled}{'.' * (width - filled)}] {done:,}/{total:,} "
            f"({rate:,.0f}/s)",
            end=end,
            flush=True,
        )

    return report


def prepare(*, demo_size: str = "small", quiet: bool = False) -> None:
    """Everything `up` does before serving: idempotent, so it runs on every start."""
    from django.core.management import call_command

    from vinculo.demo.services import demo_is_loaded, demo_load
    from vinculo.reference.selectors import occupation_index
    from vinculo.reference.services import reference_load

    _say("· migrating the database")
    call_command("migrate", interactive=False, verbosity=0)
    if reference_load():
        _say("· loaded ISCO-08 and ESCO reference data")
    if not demo_is_loaded():
        _say(f"· the database is empty: loading the {demo_size} demo")
        demo_load(size=demo_size, progress=None if quiet else _progress("workers"))
    _say("· collecting static files")
    call_command("collectstatic", interactive=False, verbosity=0)
    _say("· indexing occupations")
    occupation_index()


def worker_command() -> list[str]:
    from django.conf import settings

    if settings.TASKS_MODE == "redis":
        return [
            sys.executable,
            "-m",
            "vinculo.cli",
            "manage",
            "rqworker",
            "default",
            "--job-class",
            "django_tasks_rq.Job",
        ]
    return [
        sys.executable,
        "-m",
        "vinculo.cli",
        "manage",
        "db_worker",
        "--queue-name",
        "*",
        "--no-reload",
    ]


def _print_welcome(host: str, port: int) -> None:
    from vinculo.demo import catalogue
    from vinculo.demo.services import demo_is_loaded

    shown = "localhost" if host in ("127.0.0.1", "0.0.0.0") else host  # noqa: S104
    _say(f"\nVínculo is running at http://{shown}:{port}/  (Ctrl-C stops it)")
    _say(f"API documentation:      http://{shown}:{port}/api/docs/")
    if demo_is_loaded():
        from vinculo.core.models import User
        from vinculo.core.permissions import Role

        names = set(
            User.objects.filter(username__in=[u[0] for u in catalogue.USERS]).values_list(
                "username", flat=True
            )
        )
        if names:
            _say(f"\nDemo logins (password: {catalogue.DEMO_PASSWORD})")
            for username, role, *_ in catalogue.USERS:
                if username in names:
                    _say(f"  {Role(role).label:<38} {username}")
    _say("")


def http_server(application: object, *, host: str, port: int, threads: int) -> object:
    """The embedded server: waitress, bound at once (so an address printed after it answers).
    The web benchmark serves its peer with this too, so both are served the same way."""
    from waitress import create_server

    return create_server(
        application,
        host=host,
        port=port,
        threads=threads,
        ident="vinculo",
        clear_untrusted_proxy_headers=True,
    )


TICK_SECONDS = 600


def _ticking(stop: threading.Event) -> None:
    """`up`'s clock: enqueue the daily tasks at start and every ten minutes (each runs once a
    day, whoever ticks)."""
    from django.db import close_old_connections

    from vinculo.core.schedule import daily_tick

    while not stop.is_set():
        try:
            daily_tick()
        except Exception as error:
            _say(f"! daily tasks not enqueued: {error}")
        finally:
            close_old_connections()
        stop.wait(TICK_SECONDS)


def cmd_up(args: argparse.Namespace) -> int:
    os.environ.setdefault("VINCULO_STATIC_STORAGE", "vinculo.web.storage.CompressedStaticStorage")
    _django()
    from django.conf import settings

    if settings.DEBUG:
        _say("! VINCULO_DEBUG is on; `up` is meant to run with it off")
    prepare(demo_size=args.demo_size)
    # Only now: WhiteNoise indexes the static folder when the application is created, and
    # prepare() has just collected it.
    from vinculo.wsgi import application

    def stop(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    worker = None
    ticks_stop = threading.Event()
    try:
        server = http_server(application, host=args.host, port=args.port, threads=args.threads)
        if settings.TASKS_MODE != "immediate":
            _say("· starting the task worker")
            # Its own session: a Ctrl-C in the terminal reaches `up` alone, which then stops the
            # worker once, gracefully, letting a running task finish its step.
            worker = subprocess.Popen(worker_command(), start_new_session=True)  # noqa: S603
        threading.Thread(target=_ticking, args=(ticks_stop,), daemon=True).start()
        _print_welcome(args.host, args.port)
        server.run()
    except KeyboardInterrupt:
        pass
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C must not cut the stop
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        ticks_stop.set()
        if worker is not None and worker.poll() is None:
            worker.send_signal(signal.SIGTERM)
            try:
                worker.wait(timeout=30)
            except subprocess.TimeoutExpired:
                worker.kill()
        _say("Vínculo stopped.")
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    _django()
    from django.core.management import call_command

    from vinculo.demo.services import database_wipe, demo_is_loaded, demo_load
    from vinculo.reference.services import reference_load

    if args.reset:
        _say("· wiping the database (demo --reset)")
        database_wipe()
    call_command("migrate", interactive=False, verbosity=0)
    reference_load()
    if demo_is_loaded():
        _say("The database already has data. Use --reset to replace it with a fresh demo.")
        return 1
    started = time.monotonic()
    summary = demo_load(size=args.size, seed=args.seed, progress=_progress("workers"))
    _say(
        f"Loaded the {args.size} demo: {summary.workers:,} workers, "
        f"{summary.organisations} organisations, {len(summary.users)} logins "
        f"in {time.monotonic() - started:.1f} s"
    )
    return 0


def _key_files_exposed() -> list[str]:
    """Key files that sit where they could be shipped or committed: inside the installed package,
    or inside a source checkout where git does not ignore them."""
    from pathlib import Path

    from django.conf import settings

    package = Path(__file__).resolve().parent
    checkout = package.parents[1]
    in_checkout = (checkout / ".git").exists() and (checkout / "pyproject.toml").exists()
    warnings = []
    for path in (settings.DATA_DIR / "secret_key", settings.DATA_DIR / "field_keys.json"):
        if not path.exists():
            continue
        if path.is_relative_to(package):
            warnings.append(f"{path} is inside the installed package")
        elif in_checkout and path.is_relative_to(checkout) and not _git_ignores(checkout, path):
            warnings.append(f"{path} is inside the source checkout and git does not ignore it")
    return warnings


def _git_ignores(checkout, path) -> bool:
    try:
        answer = subprocess.run(  # noqa: S603
            ["git", "-C", str(checkout), "check-ignore", "-q", str(path)],  # noqa: S607
            capture_output=True,
            check=False,
            timeout=10,
        )
    except (OSError, subprocess.SubprocessError):
        return False
    return answer.returncode == 0


def cmd_check(args: argparse.Namespace) -> int:
    _django()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    from vinculo.policy.loader import packs_all, packs_validate

    problems: list[str] = []
    try:
        call_command("check", fail_level="ERROR", verbosity=0)
    except Exception as error:
        problems.append(f"django: {error}")
    problems += packs_validate()
    not_set_up = False
    try:
        executor = MigrationExecutor(connection)
        pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
        if pending and not executor.loader.applied_migrations:
            not_set_up = True
        elif pending:
            problems.append(f"database: {len(pending)} migrations not applied (run `vinculo up`)")
    except Exception as error:
        problems.append(f"database: cannot connect ({error})")
    if settings.TASKS_MODE == "redis":
        try:
            import redis

            redis.Redis.from_url(settings.REDIS_URL, socket_timeout=3).ping()
        except Exception as error:
            problems.append(f"task queue: Redis at {settings.REDIS_URL} is not reachable ({error})")
    for warning in _key_files_exposed():
        _say(
            f"! {warning}: keep secret_key and field_keys.json out of the code; set "
            "VINCULO_DATA_DIR to a folder of their own and move them there"
        )
    for problem in problems:
        _say(f"✗ {problem}")
    if problems:
        return 1
    if not_set_up:
        _say(
            f"· The database is not set up yet (data directory {settings.DATA_DIR}). Run "
            "`vinculo up` to set it up with the demo and serve it, or `vinculo manage migrate` "
            "for an empty database; then run `vinculo check` again."
        )
        return 1
    _say(
        f"✓ settings, {len(packs_all())} policy packs, database "
        f"({connection.vendor}) and task backend ({settings.TASKS_MODE}) are in order"
    )
    return 0


def cmd_worker(args: argparse.Namespace) -> int:
    _django()
    return subprocess.call(worker_command())  # noqa: S603


def cmd_tick(args: argparse.Namespace) -> int:
    _django()
    from vinculo.core.schedule import daily_tick

    enqueued = daily_tick()
    _say(f"✓ enqueued {len(enqueued)} daily tasks: {', '.join(enqueued) or 'none due'}")
    return 0


def cmd_manage(args: argparse.Namespace) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vinculo.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["vinculo manage", *args.rest])
    return 0


def cmd_bench(args: argparse.Namespace) -> int:
    """Run one job of the benchmark harness. The harness lives in `benchmarks/` at the root of a
    source checkout and is not shipped in the package, so say so plainly when it is missing."""
    from pathlib import Path

    checkout = Path(__file__).resolve().parents[2]
    if (checkout / "benchmarks" / "__init__.py").exists() and str(checkout) not in sys.path:
        sys.path.insert(0, str(checkout))
    try:
        from benchmarks.__main__ import JOBS
    except ImportError:
        _say(
            "The benchmarks are not installed: they live in the benchmarks/ folder of a source "
            "checkout of Vínculo. Run `vinculo bench` (or `python -m benchmarks`) from there."
        )
        return 2
    if args.job not in JOBS:
        _say(f"Unknown benchmark {args.job!r}; choose one of: {', '.join(sorted(JOBS))}")
        return 2
    return JOBS[args.job](size=args.size, seed=args.seed)


def cmd_dedup(args: argparse.Namespace) -> int:
    """Record linkage on any CSV file: pairs.csv and clusters.csv in --out."""
    from pathlib import Path

    _django()
    from vinculo.linkage import engine

    fields: dict[str, str] = {}
    for spec in args.field:
        role, _, column = spec.partition("=")
        if role not in engine.ROLES or not column:
            _say(f"--field {spec!r}: write ROLE=COLUMN, ROLE one of {', '.join(engine.ROLES)}")
            return 2
        fields[role] = column
    if not {"given_name", "family_name", "full_name"} & fields.keys():
        _say("Name at least one of given_name, family_name or full_name with --field.")
        return 2
    paths = [Path(args.file)] + ([Path(args.link)] if args.link else [])
    for path in paths:
        if not path.is_file():
            _say(f"No such file: {path}")
            return 2
    sources = [
        engine.Source(path, args.id_column, fields, name=name)
        for path, name in zip(paths, ("a", "b"), strict=False)
    ]
    read = _progress("reading ")
    started = {"at": time.monotonic()}
    steps = {"train": "training the model", "score": "scoring pairs", "cluster": "clustering"}

    def progress(stage: str, done: int, total: int) -> None:
        if stage == "read":
            read(done, total)
        elif done == 0:
            started["at"] = time.monotonic()
            print(f"  {steps[stage]}…", end="", flush=True)
        elif done >= total:
            _say(f" done in {time.monotonic() - started['at']:.1f} s")

    try:
        result = engine.run(sources, Path(args.out), threshold=args.threshold, progress=progress)
    except ValueError as error:
        _say(str(error))
        return 2
    _say(
        f"{result.records:,} records, {result.pairs:,} pairs at probability >= {args.threshold}, "
        f"{result.clusters:,} people.\n  {result.pairs_path}\n  {result.clusters_path}"
    )
    if result.calibration:
        # Why the threshold is where it is: the prior the compared pairs support.
        prior, start = result.calibration.prior, result.calibration.start
        _say(
            f"  {result.compared:,} pairs compared; the model expects one pair in "
            f"{1 / prior:,.0f} to be the same person (its first estimate: one in "
            f"{1 / start:,.0f})"
        )
    return 0


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(
        prog="vinculo", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    commands = root.add_subparsers(dest="command", required=True)

    up = commands.add_parser("up", help="start the whole system (loads the demo if empty)")
    up.add_argument("--host", default=os.environ.get("VINCULO_HOST", DEFAULT_HOST))
    up.add_argument("--port", type=int, default=int(os.environ.get("VINCULO_PORT", DEFAULT_PORT)))
    up.add_argument("--threads", type=int, default=8)
    up.add_argument("--demo-size", choices=["small", "medium", "large"], default="small")
    up.set_defaults(run=cmd_up)

    demo = commands.add_parser("demo", help="load demo data")
    demo.add_argument("--size", choices=["small", "medium", "large"], default="small")
    demo.add_argument("--seed", type=int, default=2026)
    demo.add_argument(
        "--reset",
        action="store_true",
        help="wipe the whole database first (asks nothing; demo databases only)",
    )
    demo.set_defaults(run=cmd_demo)

    check = commands.add_parser("check", help="check settings, packs, database and queue")
    check.set_defaults(run=cmd_check)

    worker = commands.add_parser("worker", help="run the background task worker")
    worker.set_defaults(run=cmd_worker)

    tick = commands.add_parser("tick", help="enqueue today's daily tasks not yet run (cron)")
    tick.set_defaults(run=cmd_tick)

    bench = commands.add_parser("bench", help="run a benchmark (source checkout only)")
    bench.add_argument("job", help="search, import, linkage, matching, web")
    bench.add_argument("--size", choices=["S", "M", "L"], default="S")
    bench.add_argument("--seed", type=int, default=2026)
    bench.set_defaults(run=cmd_bench)

    dedup = commands.add_parser(
        "dedup", help="find the same person twice in any CSV file (or across two files)"
    )
    dedup.add_argument("file", help="a CSV file with a header row (UTF-8)")
    dedup.add_argument("--link", metavar="OTHER.csv", help="link FILE to this file instead")
    dedup.add_argument("--id-column", required=True, help="the column that identifies a row")
    dedup.add_argument(
        "--field",
        action="append",
        required=True,
        metavar="ROLE=COLUMN",
        help="which column plays which role; roles: given_name, family_name, "
        "second_family_name, full_name, birth_date, sex, document_number, phone, address, "
        "locality, postcode",
    )
    dedup.add_argument("--out", required=True, metavar="DIR", help="where pairs.csv goes")
    dedup.add_argument("--threshold", type=float, default=0.9, help="match probability (0.9)")
    dedup.set_defaults(run=cmd_dedup)

    manage = commands.add_parser("manage", help="run a Django management command")
    manage.add_argument("rest", nargs=argparse.REMAINDER)
    manage.set_defaults(run=cmd_manage)
    return root


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    return args.run(args)


if __name__ == "__main__":
    sys.exit(main())
