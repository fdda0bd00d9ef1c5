"""Reaching the optional services (Redis, a browser) from tests.

Where a service is missing, its tests are skipped with a loud reason, so the README's test command
works on a bare machine. CI sets VINCULO_REQUIRE_SERVICES=1: there a missing service fails the
run instead of skipping, so a green CI means those parts really ran.
"""

from __future__ import annotations

import os
import shutil

import pytest

REQUIRED = os.environ.get("VINCULO_REQUIRE_SERVICES") == "1"


def unavailable(reason: str) -> None:
    if REQUIRED:
        pytest.fail(f"{reason} (VINCULO_REQUIRE_SERVICES=1)")
    pytest.skip(f"SKIPPED LOUDLY: {reason}")


def redis_url() -> str:
    import redis
    from django.conf import settings

    url = settings.REDIS_TEST_URL
    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except redis.RedisError as error:
        unavailable(f"Redis is not reachable at {url}: {error}")
    return url


def chromium_path() -> str:
    path = (
        os.environ.get("VINCULO_CHROMIUM")
        or shutil.which("chromium")
        or shutil.which("chromium-browser")
        or shutil.which("google-chrome")
    )
    if not path:
        unavailable("no Chromium found (apt-get install chromium, or set VINCULO_CHROMIUM)")
    return path


def postgres_admin_url() -> str:
    """A PostgreSQL server where tests may create and drop databases of their own."""
    import psycopg

    url = os.environ.get("VINCULO_TEST_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/test")
    try:
        psycopg.connect(url, connect_timeout=3).close()
    except psycopg.Error as error:
        unavailable(f"PostgreSQL is not reachable at {url}: {error}")
    return url
