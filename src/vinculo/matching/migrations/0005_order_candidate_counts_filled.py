from django.db import migrations
from django.db.models import Count, Q

REACHED = ("shortlisted", "selected", "not_selected")


def counts_filled(apps, schema_editor):
    """Count each order's shortlisted and selected candidates onto it (matching keeps them so)."""
    candidacy = apps.get_model("matching", "Candidacy")
    order = apps.get_model("jobs", "JobOrder")
    rows = (
        candidacy.objects.values("order_id")
        .annotate(
            shortlisted=Count("pk", filter=Q(status__in=REACHED)),
            selected=Count("pk", filter=Q(status="selected")),
        )
        .order_by()
    )
    for row in rows.iterator():
        order.objects.filter(pk=row["order_id"]).update(
            shortlisted_count=row["shortlisted"], selected_count=row["selected"]
        )


class Migration(migrations.Migration):
    dependencies = [
        ("matching", "0004_index_changes_kept_by_registry"),
        ("jobs", "0004_order_candidate_counts"),
    ]

    operations = [migrations.RunPython(counts_filled, migrations.RunPython.noop)]
