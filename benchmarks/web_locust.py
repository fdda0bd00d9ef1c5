"""The load of the web benchmark, for locust: every user asks for the pages of BENCH_PATHS
(separated by "|"), one after another without pause, in Spanish or English by turns."""

from __future__ import annotations

import itertools
import os

from locust import FastHttpUser, constant, task

PATHS = [p for p in os.environ.get("BENCH_PATHS", "/").split("|") if p]
_languages = itertools.cycle(["es", "en"])


class Visitor(FastHttpUser):
    wait_time = constant(0)

    def on_start(self) -> None:
        self.language = next(_languages)
        self.paths = itertools.cycle(PATHS)

    @task
    def page(self) -> None:
        # Named by the first path, so a page asked with several queries is one row.
        self.client.get(next(self.paths), name=PATHS[0], headers={"Accept-Language": self.language})
