"""Issue 23, phase 2. Liên thông legs (DossierLeg, Dossier.leg_agency and legs_left, transfers of
direction "leg"); and where each step was held (DossierStep.agency): the desk's officers' steps of a
dossier received for another agency are the desk's. Rows left NULL read as the dossier's agency (figures._step_keys), which
is right for every other step; run `manage.py rebuild_officer_figures` afterwards."""

import django.db.models.deletion
import mocua.text
from django.db import migrations, models
from django.db.models import F, OuterRef, Subquery


def desk_steps(apps, schema_editor):
    Step = apps.get_model("dossiers", "DossierStep")
    Dossier = apps.get_model("dossiers", "Dossier")
    held = (Step.objects.filter(dossier__desk__isnull=False, to_user__agency=F("dossier__desk"))
            .exclude(dossier__desk=F("dossier__agency")))
    # A finished step never changes (0003's trigger); this fills a column it did not have, once.
    postgres = schema_editor.connection.vendor == "postgresql"
    # The foreign keys' deferred checks would otherwise be pending, and ALTER TABLE refuses then.
    if postgres:
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        schema_editor.execute("ALTER TABLE dossiers_dossierstep DISABLE TRIGGER dossierstep_guard")
    held.update(agency_id=Subquery(Dossier.objects.filter(pk=OuterRef("dossier_id")).values("desk_id")[:1]))
    if postgres:
        schema_editor.execute("ALTER TABLE dossiers_dossierstep ENABLE TRIGGER dossierstep_guard")
        schema_editor.execute("SET CONSTRAINTS ALL DEFERRED")


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0001_initial'),
        ('dossiers', '0015_pin_keyed_hash'),
    ]

    operations = [
        migrations.AddField(
            model_name='dossierstep',
            name='agency',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='accounts.agency', verbose_name='cơ quan xử lý bước'),
        ),
        migrations.AddField(
            model_name='dossier',
            name='leg_agency',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='accounts.agency'),
        ),
        migrations.AddField(
            model_name='dossier',
            name='legs_left',
            field=models.PositiveSmallIntegerField(default=0),
        ),
        migrations.AlterField(
            model_name='dossiertransfer',
            name='direction',
            field=models.CharField(choices=[('forward', 'Chuyển đến cơ quan giải quyết'), ('back', 'Chuyển kết quả về nơi tiếp nhận'), ('leg', 'Chuyển liên thông')], max_length=8, verbose_name='chiều chuyển'),
        ),
        migrations.CreateModel(
            name='DossierLeg',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('order', models.PositiveSmallIntegerField(verbose_name='thứ tự')),
                ('name', mocua.text.NFCCharField(max_length=255, verbose_name='phần việc')),
                ('days', models.DecimalField(decimal_places=2, max_digits=5, verbose_name='thời gian (ngày làm việc)')),
                ('started_at', models.DateTimeField(blank=True, null=True, verbose_name='bắt đầu')),
                ('due_at', models.DateTimeField(blank=True, null=True, verbose_name='hạn')),
                ('finished_at', models.DateTimeField(blank=True, null=True, verbose_name='hoàn thành')),
                ('timeliness', models.CharField(blank=True, max_length=8, verbose_name='đúng hạn')),
                ('late_seconds', models.PositiveIntegerField(default=0)),
                ('national_ref', models.CharField(blank=True, max_length=60, verbose_name='mã hồ sơ trên phần mềm liên thông')),
                ('sync_state', models.CharField(blank=True, choices=[('', 'Không liên thông quốc gia'), ('pending', 'Chờ đồng bộ'), ('synced', 'Đã đồng bộ'), ('failed', 'Đồng bộ lỗi')], default='', max_length=8, verbose_name='đồng bộ')),
                ('agency', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='accounts.agency', verbose_name='cơ quan thực hiện')),
                ('dossier', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='legs', to='dossiers.dossier')),
            ],
            options={
                'verbose_name': 'phần việc liên thông của hồ sơ',
                'verbose_name_plural': 'phần việc liên thông của hồ sơ',
                'ordering': ['dossier', 'order'],
                'constraints': [models.UniqueConstraint(fields=('dossier', 'order'), name='dossierleg_order')],
            },
        ),
        migrations.RunPython(desk_steps, migrations.RunPython.noop),
    ]
