"""The production path, started by our own command: `vinculo up` on PostgreSQL with the Redis task
queue and its RQ worker. An auditor signs in over HTTP and exports the audit log; the export is
built by the worker, through Redis, and downloaded."""

from __future__ import annotations

import http.cookiejar
import re
import signal
import subprocess
import sys
import time
import urllib.parse
import urllib.request
import uuid

import pytest

from tests.services import postgres_admin_url, redis_url
from tests.test_cli import _env, _free_port


@pytest.fixture
def postgres_database():
    import psycopg

    admin = postgres_admin_url()
    name = f"vinculo_smoke_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    parts = urllib.parse.urlsplit(admin)
    yield urllib.parse.urlunsplit(parts._replace(path=f"/{name}"))
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


class Browser:
    """Just enough of a browser: cookies and Django's CSRF token."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )

    def get(self, path: str) -> tuple[str, str]:
        with self.opener.open(self.base + path, timeout=30) as response:
            return response.geturl(), response.read().decode()

    def post(self, path: str, form: dict[str, str]) -> tuple[str, str]:
        _, page = self.get(path if path != "/audit/export/" else "/audit/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        data = urllib.parse.urlencode({**form, "csrfmiddlewaretoken": token}).encode()
        with self.opener.open(self.base + path, data=data, timeout=30) as response:
            return response.geturl(), response.read().decode()


def test_up_on_postgresql_with_the_redis_queue(tmp_path, postgres_database):
    queue_url = redis_url().rsplit("/", 1)[0] + "/14"
    port = _free_port()
    env = _env(tmp_path, DATABASE_URL=postgres_database, VINCULO_TASKS="redis", REDIS_URL=queue_url)
    process = subprocess.Popen(
        [sys.executable, "-m", "vinculo.cli", "up", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    output = ""
    try:
        deadline = time.monotonic() + 300
        while "Ctrl-C stops it" not in output and time.monotonic() < deadline:
            line = process.stdout.readline()
            assert line or process.poll() is None, output
            output += line
        browser = Browser(f"http://127.0.0.1:{port}")
        url, _ = browser.post(
            "/accounts/login/", {"username": "auditor.hn", "password": "vinculo-demo-2026"}
        )
        assert url.endswith(f":{port}/"), output
        url, page = browser.post("/audit/export/", {})
        assert "/exports/" in url
        for _ in range(120):
            _, page = browser.get(urllib.parse.urlsplit(url).path)
            if "/download/" in page:
                break
            time.sleep(0.5)
        assert "/download/" in page, "the RQ worker never finished the export\n" + output
        _, csv_text = browser.get(urllib.parse.urlsplit(url).path + "download/")
        assert "auditor.hn" in csv_text and "auth.login" in csv_text
    finally:
        process.send_signal(signal.SIGINT)
        rest, _ = process.communicate(timeout=60)
        output += rest
    assert process.returncode == 0, output
    assert "Vínculo stopped." in output
