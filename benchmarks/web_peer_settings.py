"""Settings of the web benchmark's peer: Vínculo's own, with the peer's URLconf."""

from vinculo.settings import *  # noqa: F403

ROOT_URLCONF = "benchmarks.web_peer"
