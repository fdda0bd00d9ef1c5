from __future__ import annotations

import pytest
from django.urls import reverse

from tests.factories import WorkerFactory

pytestmark = pytest.mark.django_db


def test_the_coordinator_sees_aggregates_with_small_cells_hidden(client, world):
    for _ in range(6):
        WorkerFactory(jurisdiction=world.hn, nationality="HN", sex="F")
    for _ in range(2):
        WorkerFactory(jurisdiction=world.cr, nationality="NI", sex="M")
    client.force_login(world.users["regional_coordinator"])
    response = client.get(reverse("stats:regional"), HTTP_ACCEPT_LANGUAGE="en")
    page = response.content.decode()
    assert response.status_code == 200
    rows = {r.nationality: r for r in response.context["rows"]}
    assert rows["HN"].cells["F"].shown == "7"  # 6 + the world's own worker
    assert rows["NI"].cells["M"].shown == "<5" and rows["NI"].cells["M"].charted is None
    # The total of Nicaragua would give the hidden count back: it is hidden too.
    assert rows["NI"].total.shown in ("<5", "*")
    # A row of totals: the hidden 2 men would come back from it as 9 - 7, so that is hidden too.
    totals = rows[""]
    assert "All nationalities" in page and totals.cells["M"].shown == "<5"
    assert totals.cells["F"].suppressed or totals.total.suppressed
    assert "Selvin" not in page and "registered-chart" in page


@pytest.mark.parametrize("role", ["official", "auditor", "worker", "employer_staff"])
def test_other_roles_get_404(client, world, role):
    client.force_login(world.users[role])
    assert client.get(reverse("stats:regional")).status_code == 404
