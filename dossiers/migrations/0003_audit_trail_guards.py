"""The audit trail guarded by the database, not only by Python (issue 20, item 15).

PostgreSQL triggers refuse any UPDATE or DELETE of an audit row (dossiers_dossierevent) and any
DELETE of a handover row (dossiers_dossierstep), whoever sends it: the ORM's .update()/.delete(),
plain SQL, a console. A handover row may still change the way the services change it: an open step
is finished (finished_at, timeliness, late_seconds) and an open step's due time moves when a pause
ends (due_at); nothing else of it ever changes, and a finished step not at all.

SQLite (the zero-setup demo) has no such functions: the migration does nothing there
(tests/security/test_audit_trail.py says so). TRUNCATE, which only an operator's maintenance sends
(and Django's test flush), is not a row change and is not refused. The SQL is this migration's own.
"""

from django.db import migrations

FORWARD = """
CREATE FUNCTION dossiers_event_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the audit trail (dossiers_dossierevent) is append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END
$$;

CREATE TRIGGER dossierevent_append_only BEFORE UPDATE OR DELETE ON dossiers_dossierevent
    FOR EACH ROW EXECUTE FUNCTION dossiers_event_append_only();

CREATE FUNCTION dossiers_step_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'handover rows (dossiers_dossierstep) cannot be deleted'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF NEW IS NOT DISTINCT FROM OLD THEN
        RETURN NEW;
    END IF;
    IF OLD.finished_at IS NOT NULL THEN
        RAISE EXCEPTION 'a finished handover row (dossiers_dossierstep %) cannot change', OLD.id
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF (NEW.id, NEW.dossier_id, NEW.step_index, NEW.step_name, NEW.from_user_id, NEW.to_user_id,
        NEW.intended_user_id, NEW.to_department_id, NEW.started_at, NEW.note)
       IS DISTINCT FROM
       (OLD.id, OLD.dossier_id, OLD.step_index, OLD.step_name, OLD.from_user_id, OLD.to_user_id,
        OLD.intended_user_id, OLD.to_department_id, OLD.started_at, OLD.note) THEN
        RAISE EXCEPTION 'only finishing a handover row or moving its due time is allowed (dossiers_dossierstep %)',
            OLD.id USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END
$$;

CREATE TRIGGER dossierstep_guard BEFORE UPDATE OR DELETE ON dossiers_dossierstep
    FOR EACH ROW EXECUTE FUNCTION dossiers_step_guard();
"""

BACKWARD = """
DROP TRIGGER IF EXISTS dossierstep_guard ON dossiers_dossierstep;
DROP FUNCTION IF EXISTS dossiers_step_guard();
DROP TRIGGER IF EXISTS dossierevent_append_only ON dossiers_dossierevent;
DROP FUNCTION IF EXISTS dossiers_event_append_only();
"""


def _on_postgresql(sql: str):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql, params=None)  # no placeholders: RAISE uses % itself
    return run


class Migration(migrations.Migration):

    dependencies = [
        ("dossiers", "0002_dossierdayfigures_returned_post"),
    ]

    operations = [
        migrations.RunPython(_on_postgresql(FORWARD), _on_postgresql(BACKWARD)),
    ]
