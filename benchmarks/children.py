"""Each measurement runs in a child process of its own (a fresh interpreter: no warm caches, its
own peak memory). `answer` waits for the child's result, and says so when the child died
without one, rather than waiting for ever."""

from __future__ import annotations

import queue as queues
from multiprocessing.process import BaseProcess
from typing import Any

POLL_SECONDS = 5


class ChildFailed(RuntimeError):
    pass


def answer(process: BaseProcess, out: Any) -> Any:
    """The result `process` puts on `out`, once it has; then the process is joined."""
    while True:
        try:
            result = out.get(timeout=POLL_SECONDS)
        except queues.Empty:
            if not process.is_alive():
                process.join()
                raise ChildFailed(
                    f"the measuring process stopped without a result (exit code "
                    f"{process.exitcode}); its error is above"
                ) from None
            continue
        process.join()
        return result
