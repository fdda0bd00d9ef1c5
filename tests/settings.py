"""The real settings, with what only tests need: a fast password hash, tasks run at once unless a
test asks for a real backend, and exports written to a temporary folder."""

import tempfile
from pathlib import Path

from vinculo.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
TASKS = {
    "default": {
        "BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
        "QUEUES": ["default"],
    }
}
EXPORTS_DIR = Path(tempfile.mkdtemp(prefix="vinculo-test-exports-"))

# The Redis queue is configured but used only by the tests that ask for it (tests/tasks); they
# run where Redis is reachable at VINCULO_TEST_REDIS_URL (database 15, which they empty).
REDIS_TEST_URL = env.str("VINCULO_TEST_REDIS_URL", default="redis://127.0.0.1:6379/15")  # noqa: F405
if "django_rq" not in INSTALLED_APPS:  # noqa: F405
    INSTALLED_APPS += ["django_rq"]  # noqa: F405
RQ_QUEUES = {"default": {"URL": REDIS_TEST_URL, "DEFAULT_TIMEOUT": 600}}
