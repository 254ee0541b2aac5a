from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def copy_open_step_start(apps, schema_editor):
    """Each open dossier's current step started when its open step row did."""
    Dossier = apps.get_model("dossiers", "Dossier")
    DossierStep = apps.get_model("dossiers", "DossierStep")
    current = (DossierStep.objects.filter(dossier=OuterRef("pk"), finished_at__isnull=True)
               .order_by("-started_at").values("started_at")[:1])
    Dossier.objects.filter(step_due_at__isnull=False).update(step_started_at=Subquery(current))


class Migration(migrations.Migration):

    dependencies = [
        ("dossiers", "0009_desk_count_stopped_clocks"),
    ]

    operations = [
        migrations.AddField(
            model_name="dossier",
            name="step_started_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="bắt đầu bước hiện tại"),
        ),
        migrations.RunPython(copy_open_step_start, migrations.RunPython.noop),
    ]
