"""Issue 20, items 15 and 16: the audit trail is append-only in the database (PostgreSQL triggers of
dossiers migration 0003), and a substitute is of the absent officer's agency.

Also item 11's rows at rest: a message no longer pending keeps no PIN and no lookup token."""

import datetime as dt
import importlib
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from dossiers import outbox, selectors, services
from dossiers.models import DossierEvent, DossierStep, Message
from mocua.accounts.models import Absence, Role

from ..factories import UserFactory

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]
postgresql_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="the triggers are PostgreSQL's")


def _refused(sql: str, params: list) -> None:
    with pytest.raises(DatabaseError, match="append-only|cannot be deleted|cannot change|only finishing"):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, params)


# --------------------------------------------------------------------------- 15. the audit trail


@postgresql_only
def test_audit_rows_cannot_be_changed_or_removed_by_the_orm_or_plain_sql(build_dossier):
    dossier = build_dossier("processing")
    events = DossierEvent.objects.filter(dossier=dossier)
    before = list(events.values_list("pk", "action", "note"))
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        events.update(note="sửa lịch sử")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        events.filter(action="hand_over")._raw_delete(events.db)
    _refused("UPDATE dossiers_dossierevent SET actor_id = NULL WHERE dossier_id = %s", [dossier.pk])
    _refused("DELETE FROM dossiers_dossierevent WHERE dossier_id = %s", [dossier.pk])
    assert list(events.values_list("pk", "action", "note")) == before


@postgresql_only
def test_handover_rows_cannot_be_deleted_nor_rewritten(build_dossier):
    dossier = build_dossier("processing")
    steps = DossierStep.objects.filter(dossier=dossier)
    finished, open_step = steps.get(finished_at__isnull=False), steps.get(finished_at__isnull=True)
    _refused("DELETE FROM dossiers_dossierstep WHERE id = %s", [open_step.pk])
    with pytest.raises(DatabaseError, match="cannot be deleted"), transaction.atomic():
        steps._raw_delete(steps.db)
    # A finished step does not change at all; an open one never changes hands or its past.
    _refused("UPDATE dossiers_dossierstep SET finished_at = NULL WHERE id = %s", [finished.pk])
    _refused("UPDATE dossiers_dossierstep SET late_seconds = late_seconds + 3600, timeliness = 'late' WHERE id = %s",
             [finished.pk])
    _refused("UPDATE dossiers_dossierstep SET to_user_id = from_user_id WHERE id = %s", [open_step.pk])
    _refused("UPDATE dossiers_dossierstep SET started_at = started_at - interval '1 day' WHERE id = %s",
             [open_step.pk])
    assert steps.count() == 2


@postgresql_only
def test_the_services_own_updates_of_a_handover_row_still_pass(build_dossier, specialist, leader):
    """Moving an open step's due time (a pause ends) and finishing it (the next move)."""
    dossier = build_dossier("awaiting_supplement")
    dossier = services.dossier_receive_supplement(dossier=dossier, actor=specialist)
    services.dossier_approve(dossier=dossier, actor=leader, result_summary="Giấy khai sinh")
    assert DossierStep.objects.filter(dossier=dossier, finished_at__isnull=False).count() >= 2


def test_sqlite_the_demo_skips_the_triggers():
    """The demo's SQLite has no PL/pgSQL: migration 0003 does nothing there, and history is guarded by
    DossierEvent.save()/delete() in Python only. Migrated from scratch in a process of its own."""
    var = Path(os.environ.get("TMPDIR", "/tmp")) / f"mocua-sqlite-{os.getpid()}"
    var.mkdir(exist_ok=True)
    database = var / "demo.sqlite3"
    database.unlink(missing_ok=True)
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL", "DJANGO_ALLOW_ASYNC_UNSAFE")}
    env.update(VAR_DIR=str(var), DATABASE_URL=f"sqlite:///{database}")
    result = subprocess.run([sys.executable, "manage.py", "migrate", "dossiers", "--noinput"], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    with sqlite3.connect(database) as db:
        triggers = db.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'").fetchall()
        applied = db.execute("SELECT name FROM django_migrations WHERE app = 'dossiers'").fetchall()
    assert triggers == [] and ("0003_audit_trail_guards",) in applied
    database.unlink()


def test_the_migration_carries_its_own_sql():
    migration = importlib.import_module("dossiers.migrations.0003_audit_trail_guards")
    assert "CREATE TRIGGER dossierevent_append_only" in migration.FORWARD
    assert "CREATE TRIGGER dossierstep_guard" in migration.FORWARD
    assert "DROP TRIGGER IF EXISTS dossierstep_guard" in migration.BACKWARD


# --------------------------------------------------------------------------- 16. substitutes


@pytest.fixture
def foreign_substitute(other_agency):
    return UserFactory(agency=other_agency, role=Role.SPECIALIST, username="chuyenvien.khac")


def test_an_absence_with_a_substitute_of_another_agency_is_refused(specialist, foreign_substitute):
    today = timezone.localdate()
    absence = Absence(user=specialist, substitute=foreign_substitute, starts_on=today, ends_on=today)
    with pytest.raises(ValidationError) as refused:
        absence.full_clean()
    assert "cùng cơ quan" in refused.value.message_dict["substitute"][0]


def test_a_handover_to_an_absent_officer_never_reaches_another_agency(build_dossier, receptionist, specialist,
                                                                      foreign_substitute):
    """An absence entered before the check (here: saved without it) is ignored by the handover."""
    today = timezone.localdate()
    Absence.objects.create(user=specialist, substitute=foreign_substitute, starts_on=today - dt.timedelta(days=1),
                           ends_on=today + dt.timedelta(days=1))
    dossier = build_dossier("received")
    dossier = services.dossier_hand_over(dossier=dossier, actor=receptionist, to_user=specialist)
    assert dossier.holder == specialist
    assert not selectors.dossier_list_for_holder(user=foreign_substitute).exists()
    assert not Message.objects.filter(recipient=foreign_substitute).exists()  # nothing in their bell


def test_a_substitute_of_the_same_agency_still_receives(build_dossier, receptionist, specialist, agency):
    colleague = UserFactory(agency=agency, role=Role.SPECIALIST, username="chuyenvien.thay")
    today = timezone.localdate()
    Absence.objects.create(user=specialist, substitute=colleague, starts_on=today, ends_on=today)
    dossier = services.dossier_hand_over(dossier=build_dossier("received"), actor=receptionist, to_user=specialist)
    assert dossier.holder == colleague
    assert list(selectors.dossier_list_for_holder(user=colleague)) == [dossier]


def test_my_dossiers_lists_only_the_officers_agency(build_dossier, specialist, other_agency):
    dossier = build_dossier("processing")
    assert list(selectors.dossier_list_for_holder(user=specialist)) == [dossier]
    specialist.agency = other_agency  # moved to another agency, a row still naming them
    assert not selectors.dossier_list_for_holder(user=specialist).exists()


# --------------------------------------------------------------------------- 11. secrets at rest


class _Refusing:
    def send(self, phone, text):
        raise ConnectionError("gateway down")


def test_a_message_given_up_on_keeps_no_pin_either(build_dossier, settings, monkeypatch,
                                                     django_capture_on_commit_callbacks):
    settings.SMS_BACKEND = f"{__name__}._Refusing"
    monkeypatch.setattr(outbox, "MAX_ATTEMPTS", 1)
    with django_capture_on_commit_callbacks(execute=True):
        dossier = build_dossier("received")
    message = Message.objects.get(dossier=dossier, channel=Message.Channel.SMS)
    assert message.state == Message.State.FAILED
    assert dossier.pin not in message.body and "/tra-cuu/ma/[đã ẩn]/" in message.body


def test_a_pending_message_keeps_its_text_until_delivered(build_dossier, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        dossier = build_dossier("received")
    message = Message.objects.get(dossier=dossier, channel=Message.Channel.SMS)
    assert message.state == Message.State.PENDING and dossier.pin in message.body
    outbox.message_deliver(message.pk)
    message.refresh_from_db()
    assert message.state == Message.State.SENT and dossier.pin not in message.body
