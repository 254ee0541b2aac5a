"""The due times of a feedback item, counted on the unit's work calendar (mocua.workcalendar.due_at:
weekends, holidays and swapped days off skipped, the day of receipt not counted, due at closing time).

The 766 index's limits (across-agencies-vn.md §5.2; Decree 20/2008 Art 9 for forwarding), from the
moment the unit received the item (sent to it, or forwarded to it by another body):
refuse ≤ 2 working days, classify or forward ≤ 5, first request for more ≤ 5, answer ≤ 15; then
publish ≤ 2 working days after the answer. While the unit waits for the citizen's extra information
the answer's clock is stopped, and the time left runs again when it arrives (as a dossier's does).
"""

import datetime as dt
from dataclasses import dataclass

from django.conf import settings

from dossiers.clock import shift_after_pause
from mocua import workcalendar

from .workflow import Status


@dataclass(frozen=True)
class Deadline:
    days: int
    field: str  # the row's due time
    task: str  # what must be done by then, for alerts and pages
    states: frozenset[str]  # the states in which the due time is still the unit's to meet


DEADLINES: dict[str, Deadline] = {
    "refuse": Deadline(2, "refuse_due_at", "từ chối tiếp nhận (nếu không đủ điều kiện)",
                       frozenset({Status.RECEIVED})),
    "classify": Deadline(5, "classify_due_at", "phân loại hoặc chuyển cơ quan có thẩm quyền",
                         frozenset({Status.RECEIVED})),
    "info": Deadline(5, "info_due_at", "đề nghị bổ sung thông tin (nếu cần)", frozenset({Status.PROCESSING})),
    "answer": Deadline(15, "answer_due_at", "trả lời", frozenset({Status.RECEIVED, Status.PROCESSING})),
    "publish": Deadline(2, "publish_due_at", "công khai kết quả trả lời", frozenset({Status.ANSWERED})),
}


def _due(start: dt.datetime, days: int, agency) -> dt.datetime:
    return workcalendar.due_at(start, days, "working_days", agency)


def start_clock(item, start: dt.datetime) -> None:
    """The unit received the item at `start`: every due time that runs from receipt."""
    item.received_at = start
    for name in ("refuse", "classify", "info", "answer"):
        setattr(item, DEADLINES[name].field, _due(start, DEADLINES[name].days, item.agency))


def start_publishing(item, answered: dt.datetime) -> None:
    item.publish_due_at = _due(answered, DEADLINES["publish"].days, item.agency)


def resume(item, now: dt.datetime) -> int:
    """The citizen's information arrived: the answer's time left at the pause runs again from now.
    Returns the working seconds waited (kept for the record)."""
    waited = int(workcalendar.working_time_between(item.paused_at, now, item.agency).total_seconds())
    item.answer_due_at = shift_after_pause(item.answer_due_at, item.paused_at, now, item.agency)
    item.paused_seconds += waited
    item.paused_at = None
    return waited


def due_of(item, name: str) -> dt.datetime | None:
    return getattr(item, DEADLINES[name].field)


def is_late(item, deadline: str, now: dt.datetime) -> bool:
    """Whether a move judged against `deadline` is made after it."""
    due = due_of(item, deadline) if deadline else None
    return due is not None and now > due


def applies(item, name: str) -> bool:
    """Whether the unit still has `name`'s due time to meet (the alert scan, the lists)."""
    if item.status not in DEADLINES[name].states:
        return False
    return not (name == "info" and item.info_requested_at)


def current_due(item) -> dt.datetime | None:
    """The due time that matters now: classify (received), answer (being handled), publish
    (answered); none while the clock is stopped or once handled."""
    name = {Status.RECEIVED: "classify", Status.PROCESSING: "answer", Status.ANSWERED: "publish"}.get(item.status)
    return due_of(item, name) if name else None


def deadline_states(items: list, now: dt.datetime, agency) -> list[str]:
    """How the lists colour each item (of one unit): paused, late, due_soon, on_track, or "" once
    handled. The work calendar is read once for the page (workcalendar.working_times_between)."""
    states, pending = [], []
    for item in items:
        due = current_due(item)
        if item.status == Status.AWAITING_INFO:
            states.append("paused")
        elif due is None:
            states.append("")
        elif now > due:
            states.append("late")
        else:
            pending.append((len(states), due))
            states.append("on_track")
    lefts = workcalendar.working_times_between([(now, due) for _, due in pending], agency) if pending else []
    soon = dt.timedelta(hours=settings.DUE_SOON_WORKING_HOURS)
    for (index, _), left in zip(pending, lefts, strict=True):
        if left <= soon:
            states[index] = "due_soon"
    return states
