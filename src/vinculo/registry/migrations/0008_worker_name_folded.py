from django.db import migrations, models


def names_fold(apps, schema_editor):
    """Workers registered before the column existed get their folded name."""
    from vinculo.registry.domain import name_folded

    Worker = apps.get_model("registry", "Worker")
    parts = ("given_names", "first_surname", "second_surname")
    batch = []
    for worker in Worker.objects.only("pk", *parts).iterator(chunk_size=2000):
        worker.name_folded = name_folded(*(getattr(worker, p) for p in parts))
        batch.append(worker)
        if len(batch) >= 2000:
            Worker.objects.bulk_update(batch, ["name_folded"])
            batch = []
    Worker.objects.bulk_update(batch, ["name_folded"])


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0007_worker_occupation_isco_unit_required"),
    ]

    operations = [
        migrations.AddField(
            model_name="worker",
            name="name_folded",
            field=models.CharField(blank=True, default="", editable=False, max_length=360),
        ),
        migrations.RunPython(names_fold, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name="worker",
            index=models.Index(
                fields=["name_folded"], name="worker_name_folded", opclasses=["varchar_pattern_ops"]
            ),
        ),
    ]
