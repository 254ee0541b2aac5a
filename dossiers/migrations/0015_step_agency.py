"""Where each step was held (DossierStep.agency): the desk's officers' steps of a dossier received for
another agency are the desk's. Rows left NULL read as the dossier's agency (figures._step_keys), which
is right for every other step; run `manage.py rebuild_officer_figures` afterwards."""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import F, OuterRef, Subquery


def desk_steps(apps, schema_editor):
    Step = apps.get_model("dossiers", "DossierStep")
    Dossier = apps.get_model("dossiers", "Dossier")
    held = (Step.objects.filter(dossier__desk__isnull=False, to_user__agency=F("dossier__desk"))
            .exclude(dossier__desk=F("dossier__agency")))
    # A finished step never changes (0003's trigger); this fills a column it did not have, once.
    postgres = schema_editor.connection.vendor == "postgresql"
    if postgres:
        schema_editor.execute("ALTER TABLE dossiers_dossierstep DISABLE TRIGGER dossierstep_guard")
    held.update(agency_id=Subquery(Dossier.objects.filter(pk=OuterRef("dossier_id")).values("desk_id")[:1]))
    if postgres:
        schema_editor.execute("ALTER TABLE dossiers_dossierstep ENABLE TRIGGER dossierstep_guard")


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0001_initial'),
        ('dossiers', '0014_desk_and_transfers'),
    ]

    operations = [
        migrations.AddField(
            model_name='dossierstep',
            name='agency',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='accounts.agency', verbose_name='cơ quan xử lý bước'),
        ),
        migrations.RunPython(desk_steps, migrations.RunPython.noop),
    ]
