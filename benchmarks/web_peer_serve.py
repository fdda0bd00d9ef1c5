"""Serve the web benchmark's peer (benchmarks.web_peer) with `vinculo up`'s server:
`python -m benchmarks.web_peer_serve --port P --threads T`."""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import sys


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--threads", type=int, default=8)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "benchmarks.web_peer_settings")
    from django.core.wsgi import get_wsgi_application

    from vinculo.cli import http_server

    server = http_server(
        get_wsgi_application(), host="127.0.0.1", port=args.port, threads=args.threads
    )

    def stop(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    with contextlib.suppress(KeyboardInterrupt):
        server.run()
    return 0


if __name__ == "__main__":
    sys.exit(main())
