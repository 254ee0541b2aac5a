"""Issue 21, items 1, 2 and 4: a step's due time never runs past the dossier's legal due time, a
late dossier always has a late step, a step already late when the clock stopped stays late, and a
complete supplement restarts the time limit (Decree 61/2018 Art 19(4)).

Expected moments are worked out by hand in the comments (default office hours 07:30–11:30 and
13:30–17:00, 7 h 30 min a day); the variants have four steps of a quarter of the limit each.
"""

import datetime as dt

import pytest

from dossiers import services
from dossiers.leaders.officers import overdue_now_q
from dossiers.models import Dossier, DossierStep, Message
from procedures.models import TimeUnit

from ..factories import full_variant
from .conftest import make_intake, vn

pytestmark = pytest.mark.django_db


@pytest.fixture
def variant_in(agency):
    def make(time_limit, unit, code):
        variant = full_variant(time_limit=time_limit, unit=unit, code=code)
        variant.procedure.agencies.add(agency)
        return variant
    return make


def _receive(frozen, moment, receptionist, variant):
    frozen.set(moment)
    return services.dossier_receive(actor=receptionist, intake=make_intake(variant))


def test_a_same_day_dossier_shares_the_afternoon_among_its_steps(frozen, receptionist, specialist, leader,
                                                                  variant_in):
    # The case: khai sinh received Mon 02/03/2026 14:00, due 17:00 that day (3 h). The four
    # steps ask 4 × 0.25 day = 7 h 30 min: they share the 3 h left, 45 min each.
    variant = variant_in("1", TimeUnit.SAME_DAY, "9.100001")
    dossier = _receive(frozen, vn(2026, 3, 2, 14, 0), receptionist, variant)
    assert dossier.legal_due_at == vn(2026, 3, 2, 17, 0)
    assert dossier.step_due_at == vn(2026, 3, 2, 14, 45)

    frozen.set(vn(2026, 3, 2, 14, 45))  # 2 h 15 min left for three steps: 45 min each
    dossier = services.dossier_hand_over(dossier=dossier, actor=receptionist, to_user=specialist)
    assert dossier.step_due_at == vn(2026, 3, 2, 15, 30)
    # The officer's notice says the same time.
    assert Message.objects.filter(dossier=dossier, key__startswith="step:",
                                  body__contains="Hạn xử lý bước: 15:30 ngày 02/03/2026").exists()

    frozen.set(vn(2026, 3, 2, 16, 0))  # 1 h left for two steps: 30 min each
    dossier = services.dossier_hand_over(dossier=dossier, actor=specialist, to_user=leader)
    assert dossier.step_due_at == vn(2026, 3, 2, 16, 30)


def test_a_same_day_dossier_after_the_cut_off_keeps_each_step_budget(frozen, receptionist, variant_in):
    # Received Mon 02/03 15:30: due Tue 03/03 17:00, 9 h away; the four steps' 7 h 30 min fit, so the
    # first one has its own 1 h 52 min 30 s: Mon 15:30→17:00 and 22 min 30 s from Tue 07:30.
    dossier = _receive(frozen, vn(2026, 3, 2, 15, 30), receptionist, variant_in("1", TimeUnit.SAME_DAY, "9.100002"))
    assert dossier.legal_due_at == vn(2026, 3, 3, 17, 0)
    assert dossier.step_due_at == vn(2026, 3, 3, 7, 52, 30)


def test_the_last_step_left_ends_at_the_legal_due_time(frozen, receptionist, specialist, leader, variant):
    # 3 working days from Mon 02/03 08:00: due Thu 05/03 17:00. The specialist gets it as the
    # second step at Thu 16:00: 1 h left for three steps of 5 h 37 min 30 s each → 20 min each.
    dossier = _receive(frozen, vn(2026, 3, 2, 8, 0), receptionist, variant)
    frozen.set(vn(2026, 3, 5, 16, 0))
    dossier = services.dossier_hand_over(dossier=dossier, actor=receptionist, to_user=specialist)
    assert dossier.step_due_at == vn(2026, 3, 5, 16, 20)
    frozen.set(vn(2026, 3, 5, 16, 45))
    dossier = services.dossier_hand_over(dossier=dossier, actor=specialist, to_user=leader)
    assert dossier.step_due_at == vn(2026, 3, 5, 16, 52, 30)  # 15 min for two steps: 7 min 30 s
    frozen.set(vn(2026, 3, 5, 16, 55))
    dossier = services.dossier_hand_over(dossier=dossier, actor=leader, to_user=receptionist)
    assert dossier.step_due_at == vn(2026, 3, 5, 17, 0)  # the last step: the legal due time


def test_the_step_holding_the_dossier_when_its_legal_due_time_passes_is_late(frozen, receptionist, specialist,
                                                                              variant):
    dossier = _receive(frozen, vn(2026, 3, 2, 8, 0), receptionist, variant)  # due Thu 05/03 17:00
    frozen.set(vn(2026, 3, 6, 9, 0))
    dossier = services.dossier_hand_over(dossier=dossier, actor=receptionist, to_user=specialist)
    first = DossierStep.objects.get(dossier=dossier, step_index=0)
    assert first.timeliness == "late"
    # Mon 08:00 + 5 h 37 min 30 s = Mon 15:37:30 (08:00→11:30, 13:30→15:37:30); finished Fri 06/03 09:00:
    # Mon 1 h 22 min 30 s + Tue, Wed, Thu 3 × 7 h 30 min + Fri 1 h 30 min = 25 h 22 min 30 s over budget.
    assert first.late_seconds == 25 * 3600 + 22 * 60 + 30
    # The specialist, given an already late dossier, is judged on their own budget: Fri 09:00 + 5 h 37 min
    # 30 s = 09:00→11:30, 13:30→16:37:30.
    assert dossier.step_due_at == vn(2026, 3, 6, 16, 37, 30)
    # …and has it on their desk as overdue meanwhile (the statutory due time has passed).
    assert Dossier.objects.filter(overdue_now_q(vn(2026, 3, 6, 10, 0)), holder=specialist).count() == 1


# Each kind of time limit: (limit, unit, received at, legal due computed by hand).
KINDS = [
    # 3 working days from Mon 02/03 08:00: Tue, Wed, Thu → Thu 05/03 17:00.
    ("3", TimeUnit.WORKING_DAYS, vn(2026, 3, 2, 8, 0), vn(2026, 3, 5, 17, 0)),
    # 10 calendar days from Mon 02/03: Thu 12/03, a working day → 17:00.
    ("10", TimeUnit.CALENDAR_DAYS, vn(2026, 3, 2, 8, 0), vn(2026, 3, 12, 17, 0)),
    # 8 working hours from Mon 02/03 09:00: 2 h 30 min to 11:30, 3 h 30 min to 17:00, 2 h Tue → 09:30.
    ("8", TimeUnit.WORKING_HOURS, vn(2026, 3, 2, 9, 0), vn(2026, 3, 3, 9, 30)),
    # The same day, before the 15:00 cut-off: Mon 17:00.
    ("1", TimeUnit.SAME_DAY, vn(2026, 3, 2, 14, 0), vn(2026, 3, 2, 17, 0)),
    # The same day, after it: the next working day, Tue 17:00.
    ("1", TimeUnit.SAME_DAY, vn(2026, 3, 2, 15, 30), vn(2026, 3, 3, 17, 0)),
]


@pytest.mark.parametrize("take", ["each_step_its_full_time", "slow_first_step"])
@pytest.mark.parametrize(("limit", "unit", "received_at", "legal_due"), KINDS)
def test_a_late_dossier_always_has_a_late_step(frozen, receptionist, specialist, leader, variant_in, limit, unit,
                                               received_at, legal_due, take):
    variant = variant_in(limit, unit, f"9.2{len(limit)}{unit[:3]}{received_at.hour}")
    dossier = _receive(frozen, received_at, receptionist, variant)
    assert dossier.legal_due_at == legal_due
    # Each officer hands over exactly at their step's due time (never late), or the first one
    # keeps the dossier until an hour before the legal due time.
    first_done = dossier.step_due_at if take == "each_step_its_full_time" else legal_due - dt.timedelta(hours=1)
    frozen.set(max(first_done, received_at))
    dossier = services.dossier_hand_over(dossier=dossier, actor=receptionist, to_user=specialist)
    frozen.set(dossier.step_due_at)
    dossier = services.dossier_hand_over(dossier=dossier, actor=specialist, to_user=leader)
    frozen.set(legal_due + dt.timedelta(minutes=1))  # the leader signs a minute too late
    services.dossier_approve(dossier=dossier, actor=leader)

    dossier = Dossier.objects.get(pk=dossier.pk)
    assert dossier.timeliness == "late"
    handling = list(DossierStep.objects.filter(dossier=dossier, started_at__lt=dossier.finished_at))
    assert len(handling) == 3
    assert all(step.due_at <= legal_due for step in handling)
    assert [s.timeliness for s in sorted(handling, key=lambda s: s.step_index)][-1] == "late"


# --------------------------------------------------------------------------- item 2: stays late while paused


def test_a_step_late_before_the_supplement_stays_late_and_on_the_desk(frozen, receptionist, specialist, variant,
                                                                        settings):
    settings.SUPPLEMENT_CLOCK = "resume"
    dossier = _receive(frozen, vn(2026, 3, 2, 8, 0), receptionist, variant)
    frozen.set(vn(2026, 3, 2, 9, 0))
    dossier = services.dossier_hand_over(dossier=dossier, actor=receptionist, to_user=specialist)
    step_due = dossier.step_due_at  # Mon 09:00 + 5 h 37 min 30 s = Mon 16:37:30
    assert step_due == vn(2026, 3, 2, 16, 37, 30)
    frozen.set(vn(2026, 3, 3, 10, 0))  # Tue 10:00: the step is already late
    dossier = services.dossier_request_supplement(dossier=dossier, actor=specialist, missing_papers=["Tờ khai"],
                                                  reason="Thiếu tờ khai")
    # While the clock is stopped the dossier is overdue on the specialist's desk.
    assert Dossier.objects.filter(overdue_now_q(vn(2026, 3, 4, 9, 0)), holder=specialist).count() == 1

    frozen.set(vn(2026, 3, 5, 10, 0))
    dossier = services.dossier_receive_supplement(dossier=dossier, actor=receptionist)
    assert Dossier.objects.get(pk=dossier.pk).step_due_at == step_due  # not moved by the wait
    frozen.set(vn(2026, 3, 5, 11, 0))
    services.dossier_hand_over(dossier=dossier, actor=specialist, to_user=receptionist)
    step = DossierStep.objects.get(dossier=dossier, step_index=1)
    assert step.timeliness == "late"


def test_a_step_on_time_when_the_clock_stopped_is_not_on_the_desk_list(frozen, receptionist, specialist, variant):
    dossier = _receive(frozen, vn(2026, 3, 2, 8, 0), receptionist, variant)
    frozen.set(vn(2026, 3, 2, 9, 0))
    dossier = services.dossier_hand_over(dossier=dossier, actor=receptionist, to_user=specialist)
    frozen.set(vn(2026, 3, 2, 10, 0))  # before its 16:37:30 due time
    services.dossier_request_supplement(dossier=dossier, actor=specialist, missing_papers=["Tờ khai"],
                                        reason="Thiếu tờ khai")
    assert not Dossier.objects.filter(overdue_now_q(vn(2026, 3, 20, 9, 0)), holder=specialist).exists()


# --------------------------------------------------------------------------- item 4: the limit restarts


def test_a_complete_supplement_restarts_the_limit_by_default(frozen, receptionist, specialist, variant):
    dossier = _receive(frozen, vn(2026, 3, 2, 8, 0), receptionist, variant)
    frozen.set(vn(2026, 3, 2, 9, 0))
    dossier = services.dossier_hand_over(dossier=dossier, actor=receptionist, to_user=specialist)
    frozen.set(vn(2026, 3, 4, 10, 0))
    dossier = services.dossier_request_supplement(dossier=dossier, actor=specialist, missing_papers=["Tờ khai"],
                                                  reason="Thiếu tờ khai")
    frozen.set(vn(2026, 3, 6, 10, 0))  # Fri: 3 working days again → Mon 9, Tue 10, Wed 11 at 17:00

    dossier = services.dossier_receive_supplement(dossier=dossier, actor=receptionist)

    dossier = Dossier.objects.get(pk=dossier.pk)
    assert dossier.legal_due_at == dossier.due_at == vn(2026, 3, 11, 17, 0)
    # The citizen is told the new appointment by message.
    sms = Message.objects.get(dossier=dossier, channel=Message.Channel.SMS, key__contains=":appointment:")
    assert "tính lại từ đầu" in sms.body and "17:00 ngày 11/03/2026" in sms.body
