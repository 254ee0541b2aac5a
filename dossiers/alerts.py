"""The deadline scan and the leaders' daily digest.

The scan reads only unfinished steps of dossiers whose clock runs (through the indexes on
unfinished steps and on open dossiers), in batches, so its cost follows the active dossiers,
not the archive.
Each alert is a unique (dossier, step, kind) row: whoever inserts it first sends the
messages, in the same transaction, so a second scan at the same time sends nothing twice.
A batch's alerts and messages are written with a few set-based statements in one transaction.
"""

import datetime as dt
from collections import defaultdict

from django.db import connection, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from mocua import workcalendar
from mocua.accounts.models import Role, User
from mocua.accounts.selectors import figures_scope

from . import clock
from .models import Alert, AlertKind, Dossier, DossierStep, TransferState
from .outbox import batched, notify_user, outbox_add_new, user_messages
from .workflow import CLOCK_RUNNING

BATCH = 500
# (dossier, step_key, kind) → the step that found the alert and its due time
Due = dict[tuple[int, int, str], tuple[DossierStep, dt.datetime]]

TEXTS = {
    AlertKind.STEP_DUE_SOON: "sắp hết hạn xử lý bước “{step}” ({due})",
    AlertKind.STEP_OVERDUE: "đã quá hạn xử lý bước “{step}” ({due})",
    AlertKind.DOSSIER_DUE_SOON: "sắp đến hạn trả kết quả ({due})",
    AlertKind.DOSSIER_OVERDUE: "đã quá hạn trả kết quả ({due})",
}


def _kinds(step: DossierStep, dossier: Dossier, now: dt.datetime) -> list[tuple[int, str, dt.datetime]]:
    """(step_key, kind, due) of every alert this step and its dossier deserve now."""
    found = []
    if now > step.due_at:
        found.append((step.pk, AlertKind.STEP_OVERDUE, step.due_at))
    elif clock.due_soon(now, step.started_at, step.due_at, dossier.agency):
        found.append((step.pk, AlertKind.STEP_DUE_SOON, step.due_at))
    if dossier.due_at and now > dossier.due_at:
        found.append((0, AlertKind.DOSSIER_OVERDUE, dossier.due_at))
    elif dossier.due_at and clock.due_soon(now, dossier.received_at, dossier.due_at, dossier.agency):
        found.append((0, AlertKind.DOSSIER_DUE_SOON, dossier.due_at))
    return found


def _heads(users: list[User], step: DossierStep) -> set[User]:
    """The department heads over the step's officer (or over the department it sits in)."""
    department_id = step.to_user.department_id if step.to_user else step.to_department_id
    return {u for u in users if u.role == Role.HEAD and u.department_id == department_id}


def alerts_scan(*, now: dt.datetime | None = None) -> int:
    """Alert on every open step and dossier that is due soon or overdue; returns messages written."""
    now = now or timezone.now()
    steps = DossierStep.objects.filter(finished_at__isnull=True, dossier__status__in=sorted(CLOCK_RUNNING))
    # The candidates' ids first, in one narrow query over the open steps (partial index) and the
    # running dossiers; then their rows, a batch at a time, by primary key. Paging the wide joined
    # rows with "pk > last … LIMIT" joined and sorted every candidate again for each batch.
    candidates = list(steps.order_by("pk").values_list("pk", flat=True))
    rows = steps.select_related("dossier", "dossier__agency", "to_user", "to_department").order_by("pk")
    written = 0
    with batched():  # thousands of e-mails: enqueued in chunks, not one task each
        for start in range(0, len(candidates), BATCH):
            batch = list(rows.filter(pk__in=candidates[start:start + BATCH]))
            staff = _staff_of({s.dossier.agency_id for s in batch})
            done = _recorded({s.dossier_id for s in batch})
            due: Due = {}
            for step in batch:
                for step_key, kind, due_at in _kinds(step, step.dossier, now):
                    # A dossier-wide alert is found by each of its open steps: the first one writes it.
                    due.setdefault((step.dossier_id, step_key, kind), (step, due_at))
            due = {key: found for key, found in due.items() if key not in done}
            if due:
                written += _alert_batch(due, staff)
    return written


def _alert_batch(due: Due, staff: dict[int, list[User]]) -> int:
    """Record a batch's alerts and write their messages in one transaction, a few statements for the
    whole batch instead of ~18 per alert: only the alerts this scan inserted first get messages."""
    with transaction.atomic():
        messages = []
        for key, alert_id in _insert_alerts(due).items():
            step, due_at = due[key]
            messages += _messages(alert_id, step, key[2], due_at, staff[step.dossier.agency_id])
        return outbox_add_new(messages)  # their keys carry the new alert's pk: they cannot exist yet


def _insert_alerts(due: Due) -> dict[tuple[int, int, str], int]:
    """INSERT … ON CONFLICT DO NOTHING RETURNING (PostgreSQL, SQLite ≥ 3.35): the alerts this scan
    recorded, by (dossier, step, kind). The unique key alert_once decides races: a scan running at the
    same time waits for this transaction and skips what it inserted, with no error and no savepoint
    per alert. Rows go in key order, so two scans wait for each other in one direction only."""
    keys, ops = sorted(due), connection.ops
    created = ops.adapt_datetimefield_value(timezone.now())
    params = [value for key in keys for value in (*key, ops.adapt_datetimefield_value(due[key][1]), created)]
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {Alert._meta.db_table} (dossier_id, step_key, kind, due_at, created_at) "
                       f"VALUES {', '.join(['(%s, %s, %s, %s, %s)'] * len(keys))} "
                       "ON CONFLICT DO NOTHING RETURNING id, dossier_id, step_key, kind", params)
        return {(dossier_id, step_key, kind): pk for pk, dossier_id, step_key, kind in cursor.fetchall()}


def _messages(alert_id: int, step: DossierStep, kind: str, due: dt.datetime, staff: list[User]) -> list[dict]:
    """The bell and e-mail of the step's officer and of their department heads."""
    dossier = step.dossier
    when = timezone.localtime(due).strftime("%H:%M %d/%m/%Y")
    subject = f"Hồ sơ {dossier.code} " + TEXTS[kind].format(step=step.step_name, due=when)
    # What happened and where the dossier is, not the subject again (the bell shows both).
    body = (f"Thủ tục: {dossier.procedure_name}.\nNgười nộp: {dossier.owner_display}.\n"
            f"Đang ở: {step.to_user or (step.to_department.name if step.to_department else '—')}.")
    url = reverse("dossiers:detail", args=[dossier.code])
    recipients = ({step.to_user} if step.to_user else set()) | _heads(staff, step)
    return [fields for user in recipients for fields in user_messages(
        user, key=f"alert:{alert_id}", subject=subject, body=body, dossier=dossier, url=url)]


def _recorded(dossier_ids: set[int]) -> set[tuple[int, int, str]]:
    """Alerts already sent for these dossiers. An overdue dossier stays overdue for days: without
    this one query per batch every scan would send all of them to the INSERT again (and take its
    transaction through the write path), every 15 minutes. The unique key still decides races
    between two scans running at the same time."""
    return set(Alert.objects.filter(dossier_id__in=dossier_ids).values_list("dossier_id", "step_key", "kind"))


def _staff_of(agency_ids: set[int]) -> dict[int, list[User]]:
    grouped = defaultdict(list)
    for user in User.objects.filter(agency_id__in=agency_ids, is_active=True, role=Role.HEAD):
        grouped[user.agency_id].append(user)
    return grouped


def leader_digest(*, now: dt.datetime | None = None) -> int:
    """07:00 on working days: each leader gets the late dossiers per officer of their agencies."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    if not workcalendar.is_working_day(today):
        return 0
    with batched():  # one e-mail per leader: enqueued in chunks
        return sum(_digest(leader, now) for leader in User.objects.filter(
            role=Role.LEADER, is_active=True, agency__isnull=False).select_related("agency"))


def _held_by(dossier: Dossier) -> str:
    """The digest's heading for a late dossier: its officer; a dossier nobody holds is on its way
    between agencies or out at a parallel liên thông stage, which is not "unassigned"."""
    if dossier.holder is not None:
        return str(dossier.holder)
    if dossier.leg_stage:
        return "Đang ở các cơ quan liên thông (song song)"
    if dossier.transfer_state in (TransferState.TO_AGENCY, TransferState.TO_DESK):
        return "Đang chuyển giữa các cơ quan"
    return "Chưa phân công"


def _digest(leader: User, now: dt.datetime) -> int:
    # The digest covers what the leader's pages cover (their agency and the agencies below it).
    late = (Dossier.objects.filter(agency_id__in=figures_scope(leader).ids, status__in=sorted(CLOCK_RUNNING))
            .filter(Q(due_at__lt=now) | Q(step_due_at__lt=now))
            .select_related("holder", "agency").order_by("holder__full_name", "due_at"))
    by_officer = defaultdict(list)
    for dossier in late:
        by_officer[_held_by(dossier)].append(dossier)
    if not by_officer:
        return 0
    lines = [f"Hồ sơ quá hạn đến {timezone.localtime(now):%H:%M ngày %d/%m/%Y}:"]
    for officer, dossiers in by_officer.items():
        lines.append(f"\n{officer}: {len(dossiers)} hồ sơ")
        lines += [f"  - {d.code} ({d.agency.name}) hẹn {timezone.localtime(d.due_at):%d/%m/%Y}: "
                  f"{d.procedure_name}" for d in dossiers]
    total = sum(len(d) for d in by_officer.values())
    return notify_user(leader, key=f"digest:{timezone.localdate(now).isoformat()}",
                       subject=f"Tổng hợp {total} hồ sơ quá hạn", body="\n".join(lines),
                       url=reverse("dossiers:list") + "?late=1")
