"""The real settings, with what only tests need: a fast password hash, tasks run at once unless a
test asks for a real backend, and exports written to a temporary folder."""

import os
import tempfile

# Tests never write outside a temporary data directory: not the user's ./var (where `./run up`
# keeps the demo and its matching index), and not a VINCULO_DATA_DIR exported for a real install.
# Set before the real settings read it. Helper processes a test spawns import these settings
# again: they inherit the run's folder (and so its generated keys) instead of making their own.
os.environ.setdefault("VINCULO_TEST_DATA_DIR", tempfile.mkdtemp(prefix="vinculo-test-data-"))
os.environ["VINCULO_DATA_DIR"] = os.environ["VINCULO_TEST_DATA_DIR"]

from vinculo.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
TASKS = {
    "default": {
        "BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
        "QUEUES": ["default"],
    }
}

# The Redis queue is configured but used only by the tests that ask for it (tests/tasks); they
# run where Redis is reachable at VINCULO_TEST_REDIS_URL (database 15, which they empty).
REDIS_TEST_URL = env.str("VINCULO_TEST_REDIS_URL", default="redis://127.0.0.1:6379/15")  # noqa: F405
if "django_rq" not in INSTALLED_APPS:  # noqa: F405
    INSTALLED_APPS += ["django_rq"]  # noqa: F405
RQ_QUEUES = {"default": {"URL": REDIS_TEST_URL, "DEFAULT_TIMEOUT": 600}}
