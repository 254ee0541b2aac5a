# The staff search's plan depends on how many rows PostgreSQL expects a word to match: a common
# given name ("ngan": 2.6 % of rows) is best read newest-first through dossier_agency_recent and
# stopped after a page, a rare one through the trigram index. With the default statistics target
# (a 100-entry histogram, of which the LIKE estimate uses 99) PostgreSQL blends in a fixed guess and
# took "ngan" for 100 rows in 1M: it read and sorted every match (312 ms where the index walk takes
# 6 ms). A 1,000-entry histogram lets it count. PostgreSQL only; SQLite has no planner statistics.
from django.db import migrations

TARGET = 1000


def raise_target(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"ALTER TABLE dossiers_dossier ALTER COLUMN search_text SET STATISTICS {TARGET}")
        schema_editor.execute("ANALYZE dossiers_dossier (search_text)")


def default_target(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE dossiers_dossier ALTER COLUMN search_text SET STATISTICS -1")


class Migration(migrations.Migration):

    dependencies = [
        ("dossiers", "0005_officer_day_figures"),
    ]

    operations = [
        migrations.RunPython(raise_target, default_target),
    ]
