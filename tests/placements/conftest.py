from tests.jobs.conftest import farm  # noqa: F401  (the fixtures)
from tests.matching.conftest import _index_folder, published  # noqa: F401
