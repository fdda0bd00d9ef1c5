"""A worker's occupation keeps its ISCO-08 unit group, and the ESCO occupation becomes optional:
an occupation named only by its unit group ("9211") is stored as that group, not as one of its
occupations picked at random (issue 13). Existing rows take the unit group of their ESCO
occupation, so nothing changes for them. The column becomes required in the next migration: on
PostgreSQL the rows written here leave deferred foreign-key checks pending, and a table with
pending checks cannot be altered in the same transaction."""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def unit_from_occupation(apps, schema_editor):
    WorkerOccupation = apps.get_model("registry", "WorkerOccupation")
    Occupation = apps.get_model("reference", "Occupation")
    WorkerOccupation.objects.update(
        isco_group_id=Subquery(
            Occupation.objects.filter(pk=OuterRef("occupation_id")).values("isco_group_id")[:1]
        )
    )


class Migration(migrations.Migration):
    dependencies = [
        ("reference", "0001_initial"),
        ("registry", "0005_drop_redundant_indexes"),
    ]

    operations = [
        migrations.AddField(
            model_name="workeroccupation",
            name="isco_group",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="reference.iscogroup",
                verbose_name="ISCO-08 unit group",
            ),
        ),
        migrations.RunPython(unit_from_occupation, migrations.RunPython.noop, elidable=True),
    ]
