"""The leaders' daily step figures (OfficerDayFigures), kept by services._finish_step in the move's
transaction: each finished step is added once, to its officer's local day and to that day's month,
late exactly when stats.late_step_q says so; a move that fails adds nothing; the rebuild gives the
same rows, day rows and month rows.
"""

import datetime as dt
from unittest import mock

import pytest

from dossiers import figures, services
from dossiers.models import DossierStep, Grain
from mocua.errors import ConflictError

from ..factories import DepartmentFactory
from ..step_log import figures_from_the_log, figures_table
from .conftest import BUILDABLE_STATES, vn

pytestmark = pytest.mark.django_db


def row(officer, day: dt.date, dossier, department=None, grain=Grain.DAY) -> tuple[int, int, int]:
    """(steps, late steps, late seconds) of one row of the table: the officer's steps in their own
    department, or the department's steps handed to no officer; a month row is dated the 1st."""
    key = ((grain, officer.pk, day, dossier.agency_id, dossier.procedure_id, officer.department_id or 0) if officer
           else (grain, 0, day, dossier.agency_id, dossier.procedure_id, department.pk))
    found = [r[6:] for r in figures_table() if r[:6] == key]
    return found[0] if found else (0, 0, 0)


def test_each_finished_step_is_added_to_its_officers_local_day(frozen, received, receptionist, specialist, leader):
    # Received Mon 02/03 08:00; handed over at 23:30 Mon UTC, which is 06:30 on Tuesday in Vietnam.
    frozen.set(vn(2026, 3, 3, 6, 30))
    dossier = services.dossier_hand_over(dossier=received, actor=receptionist, to_user=specialist)
    frozen.set(vn(2026, 3, 6, 9, 0))  # Friday: the specialist's step is long past its due time
    dossier = services.dossier_approve(dossier=dossier, actor=leader, result_summary="Giấy khai sinh")
    frozen.set(vn(2026, 3, 9, 10, 0))
    dossier = services.dossier_return(dossier=dossier, actor=receptionist, collected_by="Trần Thị Bình",
                                      collected_id_number="038190001234")
    first, late = DossierStep.objects.filter(dossier=dossier).order_by("started_at")[:2]

    assert first.timeliness == late.timeliness == "late" and late.late_seconds > first.late_seconds > 0
    # The local day, not the UTC one.
    assert row(receptionist, dt.date(2026, 3, 3), dossier) == (1, 1, first.late_seconds)
    assert row(specialist, dt.date(2026, 3, 6), dossier) == (1, 1, late.late_seconds)
    # The step that handed the result back began when handling ended: handled, never late.
    assert row(receptionist, dt.date(2026, 3, 9), dossier) == (1, 0, 0)
    # The month rows hold the sums of their days.
    assert row(receptionist, dt.date(2026, 3, 1), dossier, grain=Grain.MONTH) == (2, 1, first.late_seconds)
    assert row(specialist, dt.date(2026, 3, 1), dossier, grain=Grain.MONTH) == (1, 1, late.late_seconds)
    assert figures_table() == figures_from_the_log()


def test_a_step_finished_on_the_first_of_a_month_counts_in_its_day_and_its_month(frozen, processing, specialist,
                                                                                 leader):
    # 06:30 on Wednesday 01/04 in Vietnam (still 31/03 in UTC): the day row and the month row share
    # the date and differ by grain.
    frozen.set(vn(2026, 4, 1, 6, 30))
    services.dossier_hand_over(dossier=processing, actor=specialist, to_user=leader)
    step = DossierStep.objects.get(dossier=processing, to_user=specialist)

    expected = (1, 1, step.late_seconds)
    assert step.timeliness == "late"
    assert row(specialist, dt.date(2026, 4, 1), processing) == expected
    assert row(specialist, dt.date(2026, 4, 1), processing, grain=Grain.MONTH) == expected
    assert row(specialist, dt.date(2026, 3, 1), processing, grain=Grain.MONTH) == (0, 0, 0)
    assert figures_table() == figures_from_the_log()


def test_a_step_handed_to_a_department_only_counts_for_no_officer(frozen, received, receptionist, head, agency):
    desk = DepartmentFactory(agency=agency, name="Phòng Tư pháp")
    dossier = services.dossier_hand_over(dossier=received, actor=receptionist, to_department=desk)
    frozen.set(vn(2026, 3, 2, 9, 0))
    services.dossier_hand_over(dossier=dossier, actor=head, to_user=head)

    assert row(None, dt.date(2026, 3, 2), dossier, desk) == (1, 0, 0)
    assert figures_table() == figures_from_the_log()


def test_a_move_that_fails_leaves_the_figures_as_they_were(frozen, processing, receptionist, specialist, leader):
    frozen.set(vn(2026, 3, 6, 9, 0))
    before = figures_table()
    with pytest.raises(ConflictError):  # an illegal move: processing → returned
        services.dossier_return(dossier=processing, actor=receptionist, collected_by="Trần Thị Bình")
    with pytest.raises(ConflictError):  # a page read before someone else's move
        services.dossier_hand_over(dossier=processing, actor=specialist, to_user=leader,
                                   expected_version=processing.version - 1)
    # A failure after the step was finished and counted: the whole move is undone, figures included.
    with mock.patch.object(services.notices, "applicant_result_ready", side_effect=RuntimeError("SMS")), \
            pytest.raises(RuntimeError):
        services.dossier_approve(dossier=processing, actor=leader, result_summary="Giấy khai sinh")

    assert figures_table() == before
    assert processing.steps.filter(finished_at__isnull=True).count() == 1
    services.dossier_approve(dossier=processing, actor=leader, result_summary="Giấy khai sinh")
    assert figures_table() != before  # …and the same move, when it succeeds, does count
    assert figures_table() == figures_from_the_log()


def test_steps_that_began_as_handling_ended_are_not_late(frozen, processing, head, specialist, second_specialist,
                                                        leader):
    """On a clock that does not tick between moves: a step begun and finished at the instant the
    dossier is refused was late while the dossier was open, and is not once handling has ended."""
    frozen.set(vn(2026, 3, 6, 9, 0))  # past the specialist's step due time
    services.dossier_hand_over(dossier=processing, actor=head, to_user=second_specialist, next_step=False)
    services.dossier_hand_over(dossier=processing, actor=head, to_user=specialist, next_step=False)
    zero_length = DossierStep.objects.get(dossier=processing, to_user=second_specialist)
    assert zero_length.timeliness == "late" and zero_length.started_at == zero_length.finished_at
    assert row(second_specialist, dt.date(2026, 3, 6), processing)[1] == 1  # late while the dossier is open

    services.dossier_refuse(dossier=processing, actor=leader, reason="Không đủ điều kiện")

    assert row(second_specialist, dt.date(2026, 3, 6), processing) == (1, 0, 0)
    assert row(second_specialist, dt.date(2026, 3, 1), processing, grain=Grain.MONTH) == (1, 0, 0)  # and its month
    first = DossierStep.objects.filter(dossier=processing, to_user=specialist).order_by("started_at").first()
    assert row(specialist, dt.date(2026, 3, 6), processing) == (2, 1, first.late_seconds)  # only the first
    assert figures_table() == figures_from_the_log()


def test_the_rebuild_gives_the_rows_the_services_kept(frozen, build_dossier):
    for hour, state in enumerate(BUILDABLE_STATES, start=8):
        frozen.set(vn(2026, 3, 2, hour))
        build_dossier(state)
    frozen.set(vn(2026, 3, 9, 9))  # late steps as well
    for state in ("returned", "withdrawn", "stopped"):
        build_dossier(state)
    kept = figures_table()

    assert {r[0] for r in kept} == {Grain.DAY, Grain.MONTH}
    assert kept == figures_from_the_log()
    assert figures.officer_figures_rebuild() == len(kept)
    assert figures_table() == kept
