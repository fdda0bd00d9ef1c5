"""The test settings themselves: tests never write into the user's data directory."""

from __future__ import annotations

import tempfile
from pathlib import Path

from django.conf import settings


def test_tests_use_a_temporary_data_directory_of_their_own():
    data = Path(settings.DATA_DIR)
    assert data != (Path.cwd() / "var").resolve()
    assert data.is_relative_to(Path(tempfile.gettempdir()).resolve())
    assert data.name.startswith("vinculo-test-data-")
    assert Path(settings.EXPORTS_DIR).is_relative_to(data)
