"""The feedback due times, pinned against a computation of their own: working days counted by hand
from the official 2025–2026 schedules (domain-vn.md §5.4: weekends, Tết, Giỗ Tổ, 30/4–1/5 and the
swapped days off, the make-up Saturday 10/01/2026 worked), the day of receipt not counted, due at
the unit's closing time; a receipt outside office hours counts from the next opening."""

import datetime as dt

import pytest
from django.utils import timezone

from feedback import deadlines, services
from feedback.workflow import Category

from ..factories import AgencyFactory
from .conftest import send, vn

pytestmark = pytest.mark.django_db

DAYS_OFF = {dt.date(2026, 1, 1), dt.date(2026, 1, 2), *(dt.date(2026, 2, d) for d in range(16, 21)),
            dt.date(2026, 4, 27), dt.date(2026, 4, 30), dt.date(2026, 5, 1)}
MAKE_UP = {dt.date(2026, 1, 10)}


def working(day: dt.date) -> bool:
    return day in MAKE_UP or (day.weekday() < 5 and day not in DAYS_OFF)


def opening(moment: dt.datetime, sessions=((7, 30, 11, 30), (13, 30, 17, 0))) -> dt.datetime:
    """The moment itself if the office is open then, else the next session's start."""
    day = moment.date()
    while True:
        if working(day):
            for h1, m1, h2, m2 in sessions:
                start, end = vn(day.year, day.month, day.day, h1, m1), vn(day.year, day.month, day.day, h2, m2)
                if moment < end:
                    return max(start, moment)
        day += dt.timedelta(days=1)
        moment = vn(day.year, day.month, day.day)


def expected(received: dt.datetime, days: int, closing=(17, 0)) -> dt.datetime:
    """Closing time of the `days`-th working day after the day the clock starts on."""
    day, left = opening(received).date(), days
    while left:
        day += dt.timedelta(days=1)
        left -= working(day)
    return vn(day.year, day.month, day.day, *closing)


CASES = [
    vn(2026, 3, 2, 8, 0),  # an ordinary Monday morning
    vn(2025, 12, 31, 10, 0),  # New Year: 01/01 and the swapped 02/01 off, Saturday 10/01 worked
    vn(2026, 2, 12, 9, 0),  # the Thursday before Tết Bính Ngọ (16–20/02 off)
    vn(2026, 2, 14, 10, 0),  # a Saturday of Tết: counts from Monday 23/02, the receipt day
    vn(2026, 4, 23, 17, 30),  # after closing on Thursday: Friday is the receipt day; Giỗ Tổ, 30/4–1/5 after
    vn(2026, 4, 29, 12, 0),  # lunch break before the 30/4–1/5 days off
]


@pytest.mark.parametrize("received", CASES, ids=[c.strftime("%d/%m/%Y %H:%M") for c in CASES])
def test_the_due_times_from_receipt_match_a_count_by_hand(agency, frozen, received):
    frozen.set(received)
    item = send(agency)
    assert item.received_at == received
    assert item.refuse_due_at == expected(received, 2)
    assert item.classify_due_at == expected(received, 5)
    assert item.info_due_at == expected(received, 5)
    assert item.answer_due_at == expected(received, 15)
    assert item.publish_due_at is None


def test_the_unit_closing_time_is_its_own(frozen):
    agency = AgencyFactory(afternoon_end=dt.time(16, 30))
    frozen.set(vn(2026, 3, 2, 8, 0))
    item = send(agency)
    assert item.answer_due_at == expected(vn(2026, 3, 2, 8, 0), 15, closing=(16, 30))


def test_publishing_is_due_two_working_days_after_the_answer(agency, specialist, frozen):
    frozen.set(vn(2026, 4, 20, 9, 0))
    item = services.feedback_classify(item=send(agency), actor=specialist, category=Category.RULE)
    frozen.set(vn(2026, 4, 24, 16, 0))  # Friday; Monday 27/04 is Giỗ Tổ's day off
    item = services.feedback_answer(item=item, actor=specialist, answer="Đã hướng dẫn lại.")
    assert item.publish_due_at == expected(vn(2026, 4, 24, 16, 0), 2) == vn(2026, 4, 29, 17, 0)


def test_waiting_for_the_citizen_stops_the_answer_clock_and_it_resumes_with_the_time_left(
        agency, specialist, frozen):
    frozen.set(vn(2026, 3, 2, 8, 0))
    item = services.feedback_classify(item=send(agency), actor=specialist, category=Category.RULE)
    due = item.answer_due_at  # Mon 23/03 17:00: 15 working days
    frozen.set(vn(2026, 3, 4, 10, 0))  # asked on Wednesday 10:00 …
    item = services.feedback_request_info(item=item, actor=specialist, question="Số hồ sơ của ông/bà?")
    frozen.set(vn(2026, 3, 9, 14, 0))  # … answered the next Monday 14:00
    item = services.feedback_receive_info(item=item, reply="Hồ sơ nộp ngày 01/3.")
    # Office time waited: Wed 10:00–11:30 and 13:30–17:00 (5 h), Thu and Fri (7.5 h each), Mon 07:30–11:30
    # and 13:30–14:00 (4.5 h) = 24.5 h, i.e. 3 office days and 2 hours: the due moves from Mon 23/03 17:00
    # to Thu 26/03 17:00 plus 2 h, that is Fri 27/03 09:30.
    assert item.paused_seconds == int(24.5 * 3600)
    assert due == vn(2026, 3, 23, 17, 0)
    assert item.answer_due_at == vn(2026, 3, 27, 9, 30)
    assert item.paused_at is None and item.status == "processing"


def test_lateness_is_judged_against_each_moves_own_due_time(agency, specialist, frozen, build_item):
    frozen.set(vn(2026, 3, 2, 8, 0))
    on_time = send(agency)
    late = send(agency)
    frozen.set(vn(2026, 3, 4, 17, 0))  # the last moment to refuse
    assert not services.feedback_refuse(item=on_time, actor=specialist, reason="Là đơn tố cáo").late
    frozen.set(vn(2026, 3, 5, 7, 30))
    assert services.feedback_refuse(item=late, actor=specialist, reason="Là đơn tố cáo").late
    event = late.events.get(action="refuse")
    assert event.data["late"] is True and event.at == timezone.now()


def test_the_lists_colour_an_item_by_the_due_time_that_matters_now(agency, specialist, frozen):
    frozen.set(vn(2026, 3, 2, 8, 0))
    item = send(agency)
    states = lambda now: deadlines.deadline_states([item], now, agency)[0]  # noqa: E731
    assert states(vn(2026, 3, 2, 9, 0)) == "on_track"
    assert states(vn(2026, 3, 9, 14, 0)) == "due_soon"  # classify due Mon 09/03 17:00: 3 h left
    assert states(vn(2026, 3, 9, 17, 1)) == "late"
    item = services.feedback_classify(item=item, actor=specialist, category=Category.RULE)
    assert deadlines.current_due(item) == item.answer_due_at
