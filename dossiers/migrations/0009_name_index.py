# The staff search for an applicant's whole name (selectors.dossier_whole_search) reads the
# agency's dossiers of applicants so named, newest first, from one b-tree range: a page is its first
# rows however long the archive. The key is selectors.NameKey, character for character (PostgreSQL
# uses an expression index only for the same expression), and the order the agency list's.
# CONCURRENTLY, so intake goes on while a large archive is indexed; hence not atomic. PostgreSQL
# only: the SQLite demo scans its few rows.
from django.db import migrations

INDEX = "dossier_name"
EXPRESSION = "substr(search_text, strpos(search_text, ' ') + 1, char_length(applicant_name))"


def add_name_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {INDEX} ON dossiers_dossier "
                          f"(agency_id, ({EXPRESSION}), (COALESCE(received_at, created_at)) DESC, id DESC)")


def remove_name_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("dossiers", "0008_month_figures"),
    ]

    operations = [
        migrations.RunPython(add_name_index, remove_name_index),
    ]
