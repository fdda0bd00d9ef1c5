"""The second half of 0006: the unit group is required, the ESCO occupation optional, and a unit
group named on its own appears once per worker."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0006_worker_occupation_isco_unit"),
    ]

    operations = [
        migrations.AlterField(
            model_name="workeroccupation",
            name="isco_group",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="reference.iscogroup",
                verbose_name="ISCO-08 unit group",
            ),
        ),
        migrations.AlterField(
            model_name="workeroccupation",
            name="occupation",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="reference.occupation",
                verbose_name="occupation",
            ),
        ),
        migrations.AddConstraint(
            model_name="workeroccupation",
            constraint=models.UniqueConstraint(
                condition=models.Q(("occupation__isnull", True)),
                fields=("worker", "isco_group"),
                name="worker_occupation_unit_unique",
            ),
        ),
    ]
