"""The production path, started by our own command: `vinculo up` on PostgreSQL with the Redis task
queue and its RQ worker. An auditor signs in over HTTP and exports the audit log; the export is
built by the worker, through Redis, and downloaded. An official checks the registry for
duplicates; the worker runs the batch model and the queue fills."""

from __future__ import annotations

import http.cookiejar
import re
import time
import urllib.parse
import urllib.request

from tests.processes import Up, vinculo_env
from tests.services import redis_url


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
    up = Up(
        vinculo_env(
            tmp_path, DATABASE_URL=postgres_database, VINCULO_TASKS="redis", REDIS_URL=queue_url
        )
    )
    try:
        up.wait_until_serving()
        browser = Browser(up.base)
        url, _ = browser.post(
            "/accounts/login/", {"username": "auditor.hn", "password": "vinculo-demo-2026"}
        )
        assert url == f"{up.base}/", up.output
        url, page = browser.post("/audit/export/", {})
        export_path = urllib.parse.urlsplit(url).path
        assert export_path.startswith("/exports/")
        for _ in range(120):
            _, page = browser.get(export_path)
            if "/download/" in page:
                break
            time.sleep(0.5)
        assert "/download/" in page, "the RQ worker never finished the export\n" + up.output
        _, csv_text = browser.get(export_path + "download/")
        assert "auditor.hn" in csv_text and "auth.login" in csv_text
        assert "rqworker" in up.output or "Listening on default" in up.output

        # The duplicate check of the demo registry, by the RQ worker on PostgreSQL.
        official = Browser(up.base)
        official.post(
            "/accounts/login/", {"username": "oficial.hn", "password": "vinculo-demo-2026"}
        )
        url, page = official.post("/duplicates/", {})
        run_path = urllib.parse.urlsplit(url).path
        assert run_path.startswith("/duplicates/runs/"), page
        for _ in range(240):  # the counts appear when it is done, an alert if it failed
            _, page = official.get(run_path)
            if 'class="summary"' in page or 'role="alert"' in page:
                break
            time.sleep(0.5)
        assert 'class="summary"' in page, "the duplicate check never finished\n" + up.output
        _, queue = official.get("/duplicates/")
        assert "/duplicates/pairs/" in queue
    finally:
        code = up.stop()
    assert code == 0, up.output
    assert "Vínculo stopped." in up.output
