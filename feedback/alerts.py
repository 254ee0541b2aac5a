"""Alerts before and after each due time of a feedback item (feedback.deadlines), through the outbox.

Every open item is read with its unit and officer; each due time it still has to meet (deadlines.
applies) is "due soon" by the dossiers' rule (dossiers.clock.due_soon: little office time left, or
most of the budget used) or overdue. Each alert is a unique (item, due time, kind) row: whoever
inserts it first writes the messages, in the same transaction, so a scan run twice, or two at once,
alerts once. Feedback items are few beside dossiers (a unit gets tens a month), so the scan reads
them all in one query rather than in batches.
"""

import datetime as dt
from collections import defaultdict

from django.db import transaction
from django.utils import timezone

from dossiers.clock import due_soon
from dossiers.outbox import batched, notify_user
from mocua.accounts.models import Role, User

from . import deadlines, notices
from .models import AlertKind, Feedback, FeedbackAlert
from .workflow import OPEN

TEXTS = {
    AlertKind.DUE_SOON: "sắp hết hạn {task} ({due})",
    AlertKind.OVERDUE: "đã quá hạn {task} ({due})",
}


def _found(item: Feedback, now: dt.datetime) -> list[tuple[str, str, dt.datetime]]:
    """(due time, kind, when) of each alert the item deserves now."""
    found = []
    for name in deadlines.DEADLINES:
        due = deadlines.due_of(item, name)
        if due is None or not deadlines.applies(item, name):
            continue
        started = item.answered_at if name == "publish" else item.received_at
        if now > due:
            found.append((name, AlertKind.OVERDUE, due))
        elif due_soon(now, started, due, item.agency):
            found.append((name, AlertKind.DUE_SOON, due))
    return found


def _recipients(item: Feedback, heads: dict[int, list[User]], managers: dict[int, list[User]]) -> list[User]:
    """The officer handling it and their department's heads; the unit's heads and leaders while no
    one is assigned (they are the ones to assign it)."""
    if item.assignee is None:
        return managers.get(item.agency_id, [])
    found = [item.assignee] + [h for h in heads.get(item.agency_id, [])
                               if h.department_id == item.assignee.department_id and h != item.assignee]
    return found


def _staff(agency_ids: set[int]) -> tuple[dict[int, list[User]], dict[int, list[User]]]:
    heads, managers = defaultdict(list), defaultdict(list)
    for user in User.objects.filter(agency_id__in=agency_ids, is_active=True, role__in=(Role.HEAD, Role.LEADER)):
        managers[user.agency_id].append(user)
        if user.role == Role.HEAD:
            heads[user.agency_id].append(user)
    return heads, managers


def feedback_alerts_scan(*, now: dt.datetime | None = None) -> int:
    """Alert on every open item's due times that are near or past; returns the messages written."""
    now = now or timezone.now()
    items = list(Feedback.objects.filter(status__in=sorted(OPEN), paused_at__isnull=True)
                 .select_related("agency", "assignee", "dossier"))
    done = _recorded([item.pk for item in items])
    heads, managers = _staff({item.agency_id for item in items})
    written = 0
    with batched():
        for item in items:
            for name, kind, due in _found(item, now):
                if (item.pk, name, kind) not in done:
                    written += _alert(item, name, kind, due, _recipients(item, heads, managers))
    return written


def _recorded(ids: list[int]) -> set[tuple[int, str, str]]:
    """Alerts already sent for these items (the unique key still decides a race between two scans)."""
    return set(FeedbackAlert.objects.filter(feedback_id__in=ids).values_list("feedback_id", "deadline", "kind"))


def _alert(item: Feedback, name: str, kind: str, due: dt.datetime, people: list[User]) -> int:
    """Record the alert and write its messages in one transaction; nothing if another scan did."""
    with transaction.atomic():
        alert, created = FeedbackAlert.objects.get_or_create(feedback=item, deadline=name, kind=kind,
                                                             defaults={"due_at": due})
        if not created:
            return 0
        when = timezone.localtime(due).strftime("%H:%M %d/%m/%Y")
        subject = (f"Phản ánh {item.title[:80]} "
                   + TEXTS[kind].format(task=deadlines.DEADLINES[name].task, due=when))[:255]
        body = f"{subject}.\nĐơn vị: {item.agency.name}.\nNgười xử lý: {item.assignee or 'chưa giao'}."
        return sum(notify_user(person, key=f"feedback-alert:{alert.pk}", subject=subject, body=body,
                               dossier=item.dossier, url=notices.staff_url(item))
                   for person in people)
