"""The PIN at rest becomes its keyed hash (issue 20, item 11; dossiers.pins).

Every existing PIN is hashed with the server's key (PIN_KEY, or SECRET_KEY): run it with the
deployment's settings. The clear PIN is blanked where the receipt (Mẫu 01) is already stored (it
keeps the PIN for re-prints), for online dossiers (the citizen got it at submission) and for
refusals at the counter (no receipt); the counter's dossiers not yet printed keep it until their receipt is first issued. Receipts' QR codes
printed before this migration carried a digest of the clear PIN and no longer open the lookup;
the code and the PIN still do.
"""

from django.db import migrations, models

BATCH = 2000


def hash_pins(apps, schema_editor):
    from dossiers.pins import pin_hash  # the hash of today's code: the one the lookup compares

    Dossier = apps.get_model("dossiers", "Dossier")
    IssuedForm = apps.get_model("dossiers", "IssuedForm")
    printed = set(IssuedForm.objects.filter(number="01", dossier__isnull=False).values_list("dossier_id", flat=True))
    rows = Dossier.objects.filter(pin_hash="").only("id", "pin", "channel", "status", "received_at").order_by("id")
    batch = []
    for dossier in rows.iterator(chunk_size=BATCH):
        dossier.pin_hash = pin_hash(dossier.pin)
        refused_at_counter = dossier.status == "refused" and dossier.received_at is None
        if dossier.id in printed or dossier.channel == "online" or refused_at_counter:
            dossier.pin = ""
        batch.append(dossier)
        if len(batch) == BATCH:
            Dossier.objects.bulk_update(batch, ["pin", "pin_hash"])
            batch = []
    Dossier.objects.bulk_update(batch, ["pin", "pin_hash"])


class Migration(migrations.Migration):

    dependencies = [
        ("dossiers", "0014_desk_and_transfers"),
    ]

    operations = [
        migrations.AddField(
            model_name="dossier",
            name="pin_hash",
            field=models.CharField(default="", max_length=64, verbose_name="mã tra cứu (băm)"),
            preserve_default=False,
        ),
        migrations.AlterField(
            model_name="dossier",
            name="pin",
            field=models.CharField(blank=True, max_length=12, verbose_name="mã tra cứu"),
        ),
        # Not reversible: the blanked clear PINs cannot be recovered from their hash.
        migrations.RunPython(hash_pins, migrations.RunPython.noop, elidable=False),
    ]
