"""The real settings, with what only tests need: a fast password hash, tasks run at once unless a
test asks for a real backend, and exports written to a temporary folder."""

import tempfile
from pathlib import Path

from vinculo.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
                     "QUEUES": ["default"]}}
EXPORTS_DIR = Path(tempfile.mkdtemp(prefix="vinculo-test-exports-"))
