"""Deadlines through the real services and the real calendar (the 2024–2026 schedules seeded by
the workcalendar migrations), with time frozen by patching `django.utils.timezone.now`.

Every expected moment below is worked out by hand in the comment next to it. Office hours are the
default 07:30–11:30 and 13:30–17:00 (7 h 30 min a day). The test variant has 3 working days split
into four steps of 0.75 day = 5 h 37 min 30 s of office time each.
"""

import datetime as dt

import pytest

from dossiers import apology, services
from dossiers.models import Dossier
from mocua import workcalendar
from procedures.models import TimeUnit

from ..factories import full_variant
from .conftest import make_intake, vn

pytestmark = pytest.mark.django_db

HOUR = 3600
OFFICE_DAY = 7 * HOUR + 1800


def receive_at(frozen, moment, receptionist, variant):
    frozen.set(moment)
    return services.dossier_receive(actor=receptionist, intake=make_intake(variant))


# --------------------------------------------------------------------------- due time at intake


@pytest.mark.parametrize(("received_at", "due"), [
    # Fri 09/01/2026; Sat 10/01 is the make-up working day for Fri 02/01, so it counts:
    # Sat 10, Mon 12, Tue 13.
    (vn(2026, 1, 9, 10, 0), vn(2026, 1, 13, 17, 0)),
    # After closing on Fri 09/01: the clock starts Sat 10/01 07:30, which is not counted → Mon 12, Tue 13, Wed 14.
    (vn(2026, 1, 9, 18, 0), vn(2026, 1, 14, 17, 0)),
    # An ordinary Saturday: the clock starts Mon 19/01 07:30 → Tue 20, Wed 21, Thu 22.
    (vn(2026, 1, 17, 9, 0), vn(2026, 1, 22, 17, 0)),
    # New Year's Day (Thu 01/01), Fri 02/01 swapped off: starts Mon 05/01 → Tue 6, Wed 7, Thu 8.
    (vn(2026, 1, 1, 9, 0), vn(2026, 1, 8, 17, 0)),
    # Fri 13/02/2026, Tết Bính Ngọ Mon 16 – Fri 20/02 off → Mon 23, Tue 24, Wed 25.
    (vn(2026, 2, 13, 10, 0), vn(2026, 2, 25, 17, 0)),
    # Wed 29/04/2026, Thu 30/04 and Fri 01/05 off → Mon 04/05, Tue 05/05, Wed 06/05.
    (vn(2026, 4, 29, 10, 0), vn(2026, 5, 6, 17, 0)),
    # Fri 21/08/2026; Sat 22/08 is worked (for Mon 31/08) → Sat 22, Mon 24, Tue 25.
    (vn(2026, 8, 21, 10, 0), vn(2026, 8, 25, 17, 0)),
    # Fri 28/08/2026; Mon 31/08 (swapped), Tue 01/09 and Wed 02/09 off → Thu 3, Fri 4, Mon 7.
    (vn(2026, 8, 28, 10, 0), vn(2026, 9, 7, 17, 0)),
])
def test_due_time_of_three_working_days(frozen, receptionist, variant, received_at, due):
    dossier = receive_at(frozen, received_at, receptionist, variant)

    dossier = Dossier.objects.get(pk=dossier.pk)
    assert dossier.received_at == received_at
    assert dossier.legal_due_at == dossier.due_at == due


def test_the_first_step_runs_into_the_make_up_saturday(frozen, receptionist, variant):
    # Fri 09/01 10:00: 10:00→11:30 and 13:30→17:00 make 5 h; 37 min 30 s left on Sat 10/01 from 07:30.
    dossier = receive_at(frozen, vn(2026, 1, 9, 10, 0), receptionist, variant)
    assert dossier.step_due_at == dossier.steps.get().due_at == vn(2026, 1, 10, 8, 7, 30)


def test_the_first_step_skips_an_ordinary_weekend(frozen, receptionist, variant):
    # Fri 06/03 10:00: 5 h on Friday, then 37 min 30 s on Mon 09/03.
    dossier = receive_at(frozen, vn(2026, 3, 6, 10, 0), receptionist, variant)
    assert dossier.step_due_at == vn(2026, 3, 9, 8, 7, 30)


@pytest.fixture
def variant_in(agency):
    def make(time_limit, unit, code):
        variant = full_variant(time_limit=time_limit, unit=unit, code=code)
        variant.procedure.agencies.add(agency)
        return variant
    return make


def test_working_hours_count_the_make_up_saturday(frozen, receptionist, variant_in):
    # 8 working hours from Fri 21/08/2026 15:00: 2 h on Friday, 4 h on Sat 22/08 morning, 2 h from 13:30.
    dossier = receive_at(frozen, vn(2026, 8, 21, 15, 0), receptionist,
                         variant_in("8", TimeUnit.WORKING_HOURS, "9.000001"))
    assert dossier.due_at == vn(2026, 8, 22, 15, 30)


@pytest.mark.parametrize(("received_at", "due"), [
    (vn(2026, 4, 29, 14, 0), vn(2026, 4, 29, 17, 0)),  # before the 15:00 cut-off: the same day
    (vn(2026, 4, 29, 15, 0), vn(2026, 4, 29, 17, 0)),  # at the cut-off
    # After it: the next working day, past 30/04, 01/05 and the weekend → Mon 04/05.
    (vn(2026, 4, 29, 15, 30), vn(2026, 5, 4, 17, 0)),
])
def test_same_day_with_the_afternoon_cut_off(frozen, receptionist, variant_in, received_at, due):
    dossier = receive_at(frozen, received_at, receptionist, variant_in("1", TimeUnit.SAME_DAY, "9.000002"))
    assert dossier.due_at == due


@pytest.mark.parametrize(("days", "due"), [
    ("5", vn(2026, 4, 29, 17, 0)),  # Fri 24/04 + 5 days = Wed 29/04, a working day
    # + 6 days = Thu 30/04, a holiday: the period ends on the next working day, Mon 04/05 (Civil Code art. 148).
    ("6", vn(2026, 5, 4, 17, 0)),
])
def test_calendar_days_ending_on_a_day_off_move_to_the_next_working_day(frozen, receptionist, variant_in, days, due):
    dossier = receive_at(frozen, vn(2026, 4, 24, 10, 0), receptionist,
                         variant_in(days, TimeUnit.CALENDAR_DAYS, f"9.00001{days}"))
    assert dossier.due_at == due


# --------------------------------------------------------------------------- the clock stops for a supplement


@pytest.fixture
def waiting(frozen, receptionist, specialist, variant):
    """Received Mon 02/03 08:00 (due Thu 05/03 17:00), handed over Wed 04/03 08:00, supplement requested
    Wed 04/03 10:00; the papers arrive Fri 06/03 10:00, two working days later.

    At the handover the three steps left ask 3 × 5 h 37 min 30 s = 16 h 52 min 30 s, but only 14 h 30 min
    remain before Thu 17:00 (Wed 7 h from 08:00, Thu 7 h 30 min): they share it, 4 h 50 min each, so
    the step is due Wed 08:00 + 3 h 30 min (to 11:30) + 1 h 20 min from 13:30 = 14:50."""
    dossier = receive_at(frozen, vn(2026, 3, 2, 8, 0), receptionist, variant)
    frozen.set(vn(2026, 3, 4, 8, 0))
    dossier = services.dossier_hand_over(dossier=dossier, actor=receptionist, to_user=specialist)
    assert dossier.step_due_at == vn(2026, 3, 4, 14, 50)
    frozen.set(vn(2026, 3, 4, 10, 0))
    dossier = services.dossier_request_supplement(dossier=dossier, actor=specialist, missing_papers=["Tờ khai"],
                                                  reason="Thiếu tờ khai")
    frozen.set(vn(2026, 3, 6, 10, 0))
    return dossier


WAITED = 2 * OFFICE_DAY  # Wed 10:00 → Fri 10:00


def test_supplement_resumes_the_clock_where_it_stopped(waiting, receptionist, settings):
    settings.SUPPLEMENT_CLOCK = "resume"
    before = Dossier.objects.get(pk=waiting.pk)
    assert before.legal_due_at == before.due_at == vn(2026, 3, 5, 17, 0)

    dossier = services.dossier_receive_supplement(dossier=waiting, actor=receptionist)

    dossier = Dossier.objects.get(pk=dossier.pk)
    assert dossier.paused_seconds == WAITED == 54000
    # Thu 05/03 17:00 moved by 15 h of office time: Fri 06/03 and Mon 09/03 → Mon 09/03 17:00.
    assert dossier.legal_due_at == dossier.due_at == vn(2026, 3, 9, 17, 0)
    assert workcalendar.working_time_between(before.legal_due_at, dossier.legal_due_at) == dt.timedelta(
        seconds=WAITED)
    # The step had 2 h 50 min left at 10:00 Wednesday (1 h 30 min + 1 h 20 min); from Fri 10:00 that is 14:50.
    assert dossier.step_due_at == vn(2026, 3, 6, 14, 50)
    assert dossier.steps.get(finished_at__isnull=True).due_at == vn(2026, 3, 6, 14, 50)
    assert dossier.events.latest("pk").data == {"waited_seconds": WAITED, "old_due_at": "2026-03-05T17:00:00+07:00",
                                                "new_due_at": "2026-03-09T17:00:00+07:00"}


def test_supplement_restarts_the_clock_where_the_deployment_says_so(waiting, receptionist, settings):
    settings.SUPPLEMENT_CLOCK = "restart"

    dossier = services.dossier_receive_supplement(dossier=waiting, actor=receptionist)

    dossier = Dossier.objects.get(pk=dossier.pk)
    # The whole limit again from Fri 06/03 10:00: Mon 9, Tue 10, Wed 11.
    assert dossier.legal_due_at == dossier.due_at == vn(2026, 3, 11, 17, 0)
    assert dossier.paused_seconds == WAITED  # statistics subtract the wait either way
    assert dossier.step_due_at == vn(2026, 3, 6, 14, 50)


def test_restart_keeps_a_later_appointment_given_by_an_apology(waiting, receptionist, leader, settings):
    settings.SUPPLEMENT_CLOCK = "restart"
    apology.dossier_reschedule(dossier=waiting, actor=leader, new_due_at=vn(2026, 3, 12, 17, 0), reason="Xin lỗi")

    dossier = services.dossier_receive_supplement(dossier=waiting, actor=receptionist)

    assert (dossier.legal_due_at, dossier.due_at) == (vn(2026, 3, 11, 17, 0), vn(2026, 3, 12, 17, 0))


def test_resume_moves_an_apology_appointment_by_the_wait_too(waiting, receptionist, leader, settings):
    settings.SUPPLEMENT_CLOCK = "resume"
    apology.dossier_reschedule(dossier=waiting, actor=leader, new_due_at=vn(2026, 3, 10, 17, 0), reason="Xin lỗi")

    dossier = services.dossier_receive_supplement(dossier=waiting, actor=receptionist)

    # Tue 10/03 17:00 + 15 h of office time: Wed 11, Thu 12.
    assert (dossier.legal_due_at, dossier.due_at) == (vn(2026, 3, 9, 17, 0), vn(2026, 3, 12, 17, 0))


def test_a_wait_over_a_holiday_counts_only_working_time(frozen, receptionist, specialist, variant, settings):
    settings.SUPPLEMENT_CLOCK = "resume"
    # Received Tue 28/04/2026 08:00 → due Wed 29/04, Mon 04/05, Tue 05/05 17:00.
    dossier = receive_at(frozen, vn(2026, 4, 28, 8, 0), receptionist, variant)
    assert dossier.due_at == vn(2026, 5, 5, 17, 0)
    dossier = services.dossier_hand_over(dossier=dossier, actor=receptionist, to_user=specialist)
    frozen.set(vn(2026, 4, 29, 13, 30))
    dossier = services.dossier_request_supplement(dossier=dossier, actor=specialist, missing_papers=["Tờ khai"],
                                                  reason="Thiếu")
    frozen.set(vn(2026, 5, 4, 9, 30))  # Wed afternoon 3 h 30 min + Mon 2 h; 30/04 – 03/05 not counted

    dossier = services.dossier_receive_supplement(dossier=dossier, actor=receptionist)

    assert dossier.paused_seconds == 5 * HOUR + 1800
    # Tue 05/05 17:00 + 5 h 30 min of office time: Wed 06/05 07:30→11:30 and 13:30→15:00.
    assert dossier.legal_due_at == vn(2026, 5, 6, 15, 0)


def test_a_supplement_wait_does_not_make_the_dossier_late(frozen, waiting, receptionist, leader, settings):
    settings.SUPPLEMENT_CLOCK = "resume"
    dossier = services.dossier_receive_supplement(dossier=waiting, actor=receptionist)
    # Mon 09/03 16:00: after the original Thu 05/03 17:00, before the moved Mon 09/03 17:00.
    frozen.set(vn(2026, 3, 9, 16, 0))

    dossier = services.dossier_approve(dossier=dossier, actor=leader)

    assert Dossier.objects.get(pk=dossier.pk).timeliness == "on_time"


# --------------------------------------------------------------------------- apology


def test_reschedule_moves_due_at_but_statistics_keep_the_legal_due(frozen, processing, leader):
    assert processing.legal_due_at == processing.due_at == vn(2026, 3, 5, 17, 0)
    frozen.set(vn(2026, 3, 4, 10, 0))  # a working day and more before the due time (Art 19(9))
    apology.dossier_reschedule(dossier=processing, actor=leader, new_due_at=vn(2026, 3, 10, 17, 0),
                                reason="Cần xác minh")
    frozen.set(vn(2026, 3, 9, 10, 0))  # before the new appointment, after the statutory due

    dossier = services.dossier_approve(dossier=processing, actor=leader)

    dossier = Dossier.objects.get(pk=dossier.pk)
    assert (dossier.legal_due_at, dossier.due_at) == (vn(2026, 3, 5, 17, 0), vn(2026, 3, 10, 17, 0))
    assert dossier.timeliness == "late"


# --------------------------------------------------------------------------- early, on time, late


@pytest.mark.parametrize(("approved_at", "timeliness"), [
    (vn(2026, 3, 3, 10, 0), "early"),  # a day before the due day (Thu 05/03)
    (vn(2026, 3, 5, 7, 30), "on_time"),  # the due day itself
    (vn(2026, 3, 5, 16, 59), "on_time"),
    (vn(2026, 3, 5, 17, 0), "on_time"),  # exactly at the due time
    (vn(2026, 3, 5, 17, 1), "late"),
    (vn(2026, 3, 6, 9, 0), "late"),
])
def test_approval_is_classified_against_the_legal_due(frozen, processing, leader, approved_at, timeliness):
    assert processing.legal_due_at == vn(2026, 3, 5, 17, 0)
    frozen.set(approved_at)

    dossier = services.dossier_approve(dossier=processing, actor=leader)

    dossier = Dossier.objects.get(pk=dossier.pk)
    assert (dossier.finished_at, dossier.timeliness) == (approved_at, timeliness)


def test_a_step_over_its_budget_is_late_by_the_working_time_over(frozen, received, receptionist, specialist):
    # Step 0 was due Mon 02/03 15:37:30; handed over Tue 08:00: 1 h 22 min 30 s on Monday + 30 min on Tuesday.
    assert received.step_due_at == vn(2026, 3, 2, 15, 37, 30)
    frozen.set(vn(2026, 3, 3, 8, 0))

    services.dossier_hand_over(dossier=received, actor=receptionist, to_user=specialist)

    step = received.steps.get(step_index=0)
    assert (step.finished_at, step.timeliness, step.late_seconds) == (frozen.moment, "late", 6750)


def test_a_step_late_over_a_weekend_counts_no_weekend(frozen, receptionist, specialist, variant):
    dossier = receive_at(frozen, vn(2026, 3, 6, 10, 0), receptionist, variant)  # step due Mon 09/03 08:07:30
    frozen.set(vn(2026, 3, 9, 9, 0))

    services.dossier_hand_over(dossier=dossier, actor=receptionist, to_user=specialist)

    step = dossier.steps.get(step_index=0)
    assert (step.timeliness, step.late_seconds) == ("late", 52 * 60 + 30)


@pytest.mark.parametrize(("handed_at", "timeliness"), [
    (vn(2026, 3, 2, 15, 37, 30), "on_time"),  # exactly at the step's due time
    (vn(2026, 3, 2, 9, 0), "on_time"),  # earlier on the due day
])
def test_a_step_within_its_budget_is_not_late(frozen, received, receptionist, specialist, handed_at, timeliness):
    frozen.set(handed_at)
    services.dossier_hand_over(dossier=received, actor=receptionist, to_user=specialist)
    step = received.steps.get(step_index=0)
    assert (step.timeliness, step.late_seconds) == (timeliness, 0)


def test_a_step_finished_on_an_earlier_day_is_early(frozen, received, receptionist, head, specialist):
    # Step 1 opened Mon 16:00 is due Tuesday: 1 h on Monday, 4 h in the morning and 37 min 30 s after 13:30.
    frozen.set(vn(2026, 3, 2, 16, 0))
    dossier = services.dossier_hand_over(dossier=received, actor=receptionist, to_user=specialist)
    assert dossier.step_due_at == vn(2026, 3, 3, 14, 7, 30)
    frozen.set(vn(2026, 3, 2, 16, 30))

    services.dossier_hand_over(dossier=dossier, actor=specialist, to_user=head)

    step = dossier.steps.get(step_index=1)
    assert (step.timeliness, step.late_seconds) == ("early", 0)


# --------------------------------------------------------------------------- list colours


def test_a_list_is_coloured_with_the_calendar_read_once(monkeypatch):
    """deadline_states gives each row what deadline_state gives it alone, and reads the override
    table (a round trip to the shared cache) once for the whole list, not once a row."""
    from dossiers import clock
    from dossiers.workflow import Status
    from mocua.workcalendar import calendar

    now = vn(2026, 1, 9, 15, 0)  # Fri 09/01/2026, 2 office hours left today; Sat 10/01 is a working day
    rows = [
        Dossier(status=Status.AWAITING_SUPPLEMENT, due_at=vn(2026, 1, 8, 17, 0)),  # paused, even if past due
        Dossier(status=Status.RETURNED, due_at=vn(2026, 1, 20, 17, 0)),  # not open: no colour
        Dossier(status=Status.PROCESSING, due_at=None),  # no due time: no colour
        Dossier(status=Status.PROCESSING, step_due_at=vn(2026, 1, 9, 14, 59), due_at=vn(2026, 1, 20, 17, 0)),
        # 2 h today + 1 h 30 on Sat 10/01 = 3 h 30 ≤ 4 h: due soon (the step's due wins over the dossier's)
        Dossier(status=Status.RECEIVED, step_due_at=vn(2026, 1, 10, 9, 0), due_at=vn(2026, 1, 20, 17, 0)),
        # 2 h today + 4 h on Sat 10/01 + 30 min after lunch = 6 h 30 > 4 h: on track
        Dossier(status=Status.PROCESSING, due_at=vn(2026, 1, 10, 14, 0)),
    ]
    reads = []
    real = calendar._overrides
    monkeypatch.setattr(calendar, "_overrides", lambda: reads.append(1) or real())

    states = clock.deadline_states(rows, now, None)

    assert states == ["paused", "", "", "late", "due_soon", "on_track"]
    assert len(reads) == 1
    assert [clock.deadline_state(row, now, None) for row in rows] == states


def test_a_result_waiting_past_its_appointment_is_flagged_not_plain():
    """Issue 22, item 8: a result nobody collected after the appointment read as a plain row."""
    from dossiers import clock
    from dossiers.templatetags.rows import state_badge
    from dossiers.workflow import Status

    now = vn(2026, 1, 9, 15, 0)
    waiting = Dossier(status=Status.RESULT_READY, due_at=vn(2026, 1, 8, 17, 0))
    ready_early = Dossier(status=Status.RESULT_READY, due_at=vn(2026, 1, 12, 17, 0))
    assert clock.deadline_states([waiting, ready_early], now, None) == ["uncollected", ""]
    assert "Quá hẹn, chờ nhận kết quả" in state_badge("uncollected")
