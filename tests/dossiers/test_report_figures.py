"""Biểu 06's daily figures (DossierDayFigures), kept by services._start_clock and
services._finish_dossier in the move's transaction: each received dossier is added once to the
local day it was received (online or not) and once to the day its handling ended, early, on time or
late as stats.conditions classifies it, and as much to those days' months; what was never received
adds nothing; a move that fails adds nothing; the rebuild gives the same rows, day rows and month
rows.
"""

import datetime as dt
from unittest import mock

import pytest
from django.utils import timezone

from dossiers import figures, services
from dossiers.models import Dossier, DossierDayFigures, Grain
from mocua.errors import ConflictError
from procedures.models import Channel

from ..report_figures import report_figures_from_the_dossiers, report_figures_table
from .conftest import BUILDABLE_STATES, make_intake, vn

pytestmark = pytest.mark.django_db


def row(dossier, day: dt.date, grain=Grain.DAY) -> dict[str, int]:
    """The counters of the dossier's agency and procedure on `day` (a month row: dated the 1st),
    only those above zero."""
    found = DossierDayFigures.objects.filter(grain=grain, day=day, agency_id=dossier.agency_id,
                                             procedure_id=dossier.procedure_id)
    values = found.values(*DossierDayFigures.COUNTERS).first() or {}
    return {name: n for name, n in values.items() if n}


def test_a_counter_intake_is_received_offline_on_its_local_day(frozen, receptionist, intake):
    frozen.set(vn(2026, 3, 3, 6, 30))  # Tuesday 06:30 in Vietnam, still Monday in UTC
    dossier = services.dossier_receive(actor=receptionist, intake=intake)

    assert row(dossier, dt.date(2026, 3, 3)) == {"new_offline": 1}
    assert report_figures_table() == report_figures_from_the_dossiers()


def test_intakes_of_one_day_add_up_and_the_post_is_offline(frozen, receptionist, variant):
    for channel in (Channel.COUNTER, Channel.POST, Channel.COUNTER):
        dossier = services.dossier_receive(actor=receptionist, intake=make_intake(variant, channel=channel))

    # The post is offline in Biểu 06, and counted again as postal intake for the dashboard.
    assert row(dossier, dt.date(2026, 3, 2)) == {"new_offline": 3, "new_post": 1}
    assert row(dossier, dt.date(2026, 3, 1), Grain.MONTH) == {"new_offline": 3, "new_post": 1}
    assert DossierDayFigures.objects.count() == 2  # the day and its month


def test_an_online_submission_is_received_when_the_counter_accepts_it(frozen, submit_online, receptionist):
    frozen.set(vn(2026, 3, 1, 21, 0))  # Sunday evening, from home
    submitted = submit_online()
    assert report_figures_table() == set()

    frozen.set(vn(2026, 3, 2, 9, 0))
    services.dossier_accept_online(dossier=submitted, actor=receptionist)

    # Its papers were uploaded; its procedure's result is a paper document (766 3.3 waits for an e-result).
    assert row(submitted, dt.date(2026, 3, 2)) == {"new_online": 1, "digitised": 1, "new_online_paper": 1}
    assert report_figures_table() == report_figures_from_the_dossiers()


def test_what_was_never_received_counts_only_as_a_refusal_at_intake(frozen, build_dossier, submit_online,
                                                                     receptionist):
    refused = build_dossier("refused_at_intake")
    services.dossier_reject_online(dossier=submit_online(), actor=receptionist, reason="Không đúng thủ tục")
    services.dossier_withdraw(dossier=submit_online(), actor=receptionist, reason="Nộp nhầm thủ tục")

    assert Dossier.objects.filter(finished_at__isnull=False).count() == 3
    # Not in Biểu 06; the dashboard's line of refusals at intake (the withdrawn submission is neither).
    assert row(refused, dt.date(2026, 3, 2)) == {"refused_at_intake": 2}
    assert row(refused, dt.date(2026, 3, 1), Grain.MONTH) == {"refused_at_intake": 2}
    assert report_figures_table() == report_figures_from_the_dossiers()


@pytest.mark.parametrize("timeliness", ["early", "on_time", "late"])
def test_an_approval_is_resolved_on_its_day_by_its_timeliness(frozen, processing, leader, timeliness):
    due = processing.legal_due_at
    moment = {"early": vn(2026, 3, 3, 9), "on_time": due - dt.timedelta(hours=1),
              "late": due + dt.timedelta(days=3)}[timeliness]
    frozen.set(moment)

    dossier = services.dossier_approve(dossier=processing, actor=leader, result_summary="Giấy khai sinh")

    assert Dossier.objects.get(pk=dossier.pk).timeliness == timeliness
    # paper_results: the birth certificate is a paper document (766 indicator 4.1's denominator)
    assert row(dossier, timezone.localdate(moment)) == {f"resolved_{timeliness}": 1, "paper_results": 1}
    assert row(dossier, dt.date(2026, 3, 2)) == {"new_offline": 1}
    month = timezone.localdate(moment).replace(day=1)
    assert row(dossier, month, Grain.MONTH) == {f"resolved_{timeliness}": 1, "paper_results": 1} | (
        {"new_offline": 1} if month == dt.date(2026, 3, 1) else {})
    assert report_figures_table() == report_figures_from_the_dossiers()


def test_a_refusal_after_appraisal_is_resolved_by_its_timeliness(frozen, processing, leader):
    frozen.set(vn(2026, 3, 3, 9))

    services.dossier_refuse(dossier=processing, actor=leader, reason="Không đủ điều kiện")

    assert row(processing, dt.date(2026, 3, 3)) == {"resolved_early": 1, "refused": 1}


def test_a_withdrawal_is_on_time_even_past_the_due_time(frozen, processing, receptionist):
    frozen.set(processing.legal_due_at + dt.timedelta(days=3))

    dossier = services.dossier_withdraw(dossier=processing, actor=receptionist, reason="Theo đề nghị")

    assert Dossier.objects.get(pk=dossier.pk).timeliness == "late"  # by its clock: the 766 index counts it late
    # On time in Biểu 06, late for the 766 index (closed_late).
    assert row(dossier, timezone.localdate(frozen.moment)) == {"resolved_on_time": 1, "withdrawn": 1, "closed_late": 1}
    assert report_figures_table() == report_figures_from_the_dossiers()


def test_a_stop_past_the_due_time_is_late(frozen, processing, leader):
    # Issue 21, item 11: only a withdrawal takes the on-time convention (domain-vn §8.1).
    frozen.set(processing.legal_due_at + dt.timedelta(days=3))

    dossier = services.dossier_stop(dossier=processing, actor=leader, reason="Theo yêu cầu của cơ quan có thẩm quyền")

    assert Dossier.objects.get(pk=dossier.pk).timeliness == "late"
    assert row(dossier, timezone.localdate(frozen.moment)) == {"resolved_late": 1, "stopped": 1}
    assert report_figures_table() == report_figures_from_the_dossiers()


def test_a_withdrawal_while_papers_are_awaited_is_on_time(frozen, build_dossier, receptionist):
    dossier = build_dossier("awaiting_supplement")
    frozen.set(vn(2026, 3, 20, 9))

    services.dossier_withdraw(dossier=dossier, actor=receptionist, reason="Không bổ sung được")

    assert row(dossier, dt.date(2026, 3, 20)) == {"resolved_on_time": 1, "withdrawn": 1}


def test_a_result_sent_by_post_counts_as_returned_by_post_too(frozen, receptionist, specialist, leader, variant):
    from dossiers.models import ReturnMethod

    dossier = services.dossier_receive(actor=receptionist, intake=make_intake(
        variant, return_method=ReturnMethod.POST, return_address="5 Trần Phú, phường Hạc Thành"))
    dossier = services.dossier_hand_over(dossier=dossier, actor=receptionist, to_user=specialist)
    dossier = services.dossier_approve(dossier=dossier, actor=leader, result_summary="Giấy khai sinh")
    frozen.set(vn(2026, 3, 9, 9))

    services.dossier_return(dossier=dossier, actor=receptionist, postal_tracking="EB123456789VN")

    assert row(dossier, dt.date(2026, 3, 9)) == {"returned": 1, "returned_post": 1}
    assert row(dossier, dt.date(2026, 3, 1), Grain.MONTH)["returned_post"] == 1
    assert report_figures_table() == report_figures_from_the_dossiers()
    figures.report_figures_rebuild()
    assert row(dossier, dt.date(2026, 3, 9)) == {"returned": 1, "returned_post": 1}


def test_the_migration_adds_the_results_sent_by_post_before_it(frozen, receptionist, specialist, leader, variant):
    """Rows written before the counter existed hold 0: the migration's own code adds them back."""
    import importlib

    from django.apps import apps

    from dossiers.models import ReturnMethod

    migration = importlib.import_module("dossiers.migrations.0002_dossierdayfigures_returned_post")
    for n in range(2):
        dossier = services.dossier_receive(actor=receptionist, intake=make_intake(
            variant, return_method=ReturnMethod.POST if n else ReturnMethod.COUNTER, return_address="5 Trần Phú"))
        dossier = services.dossier_hand_over(dossier=dossier, actor=receptionist, to_user=specialist)
        dossier = services.dossier_approve(dossier=dossier, actor=leader, result_summary="Giấy khai sinh")
        services.dossier_return(dossier=dossier, actor=receptionist, postal_tracking="EB1VN", collected_by="Bình")
    expected = report_figures_table()
    DossierDayFigures.objects.update(returned_post=0)

    migration.backfill(apps, None)

    assert report_figures_table() == expected
    assert DossierDayFigures.objects.filter(returned_post=1).count() == 2  # the day's row and the month's


def test_returning_the_result_counts_only_as_returned_on_its_day(frozen, result_ready, receptionist):
    before = report_figures_table()
    frozen.set(vn(2026, 3, 9, 9))

    services.dossier_return(dossier=result_ready, actor=receptionist, collected_by="Trần Thị Bình",
                            collected_id_number="038190001234")

    assert row(result_ready, dt.date(2026, 3, 9)) == {"returned": 1}
    assert row(result_ready, dt.date(2026, 3, 1), Grain.MONTH)["returned"] == 1
    def untouched(rows):  # every row but the 9th's and March's
        return {r for r in rows if r[1] not in (dt.date(2026, 3, 9), dt.date(2026, 3, 1))}

    assert untouched(report_figures_table()) == untouched(before)
    assert report_figures_table() == report_figures_from_the_dossiers()


def test_a_rating_counts_on_its_day_and_a_bad_one_on_the_day_handling_ended(frozen, build_dossier):
    from ratings.models import Level, RatingChannel
    from ratings.services import AlreadyRated, rating_submit

    good, bad = build_dossier("returned"), build_dossier("returned")
    finished = timezone.localdate(bad.finished_at)
    frozen.set(vn(2026, 3, 20, 9))

    rating_submit(dossier=good, level=Level.VERY_SATISFIED, channel=RatingChannel.LOOKUP)
    rating_submit(dossier=bad, level=Level.NOT_SATISFIED, channel=RatingChannel.LOOKUP, reason="Chờ lâu")
    with pytest.raises(AlreadyRated):  # refused: adds nothing
        rating_submit(dossier=bad, level=Level.SATISFIED, channel=RatingChannel.LOOKUP)

    assert row(good, dt.date(2026, 3, 20)) == {"rated": 2, "rated_good": 1}
    assert bad.timeliness != "late" and row(bad, finished)["disliked"] == 1
    assert row(bad, dt.date(2026, 3, 1), Grain.MONTH)["disliked"] == 1
    assert report_figures_table() == report_figures_from_the_dossiers()


def test_a_move_that_fails_leaves_the_figures_as_they_were(frozen, processing, receptionist, leader, intake):
    frozen.set(vn(2026, 3, 3, 9, 0))
    before = report_figures_table()
    with pytest.raises(ConflictError):  # an illegal move: processing → returned
        services.dossier_return(dossier=processing, actor=receptionist, collected_by="Trần Thị Bình")
    with pytest.raises(ConflictError):  # a page read before someone else's move
        services.dossier_stop(dossier=processing, actor=leader, reason="Dừng",
                              expected_version=processing.version - 1)
    # Failures after the dossier was counted: the whole move is undone, figures included.
    with mock.patch.object(services.notices, "applicant_result_ready", side_effect=RuntimeError("SMS")), \
            pytest.raises(RuntimeError):
        services.dossier_approve(dossier=processing, actor=leader, result_summary="Giấy khai sinh")
    with mock.patch.object(services.notices, "applicant_closed", side_effect=RuntimeError("SMS")), \
            pytest.raises(RuntimeError):
        services.dossier_stop(dossier=processing, actor=leader, reason="Dừng")
    with mock.patch.object(services.notices, "applicant_received", side_effect=RuntimeError("SMS")), \
            pytest.raises(RuntimeError):
        services.dossier_receive(actor=receptionist, intake=intake)

    assert report_figures_table() == before
    services.dossier_approve(dossier=processing, actor=leader, result_summary="Giấy khai sinh")
    # …and the same move, when it succeeds
    assert row(processing, dt.date(2026, 3, 3)) == {"resolved_early": 1, "paper_results": 1}
    assert report_figures_table() == report_figures_from_the_dossiers()


def test_the_rebuild_gives_the_rows_the_services_kept(frozen, build_dossier, submit_online, receptionist, leader):
    for hour, state in enumerate(BUILDABLE_STATES, start=8):
        frozen.set(vn(2026, 3, 2, hour))
        build_dossier(state)
    services.dossier_accept_online(dossier=submit_online(), actor=receptionist)
    waiting = [build_dossier("processing") for _ in range(4)]
    frozen.set(vn(2026, 3, 9, 9))  # late ones as well, on another day
    services.dossier_approve(dossier=waiting[0], actor=leader, result_summary="Giấy khai sinh")
    services.dossier_refuse(dossier=waiting[1], actor=leader, reason="Không đủ điều kiện")
    services.dossier_withdraw(dossier=waiting[2], actor=receptionist, reason="Công dân xin rút")
    services.dossier_stop(dossier=waiting[3], actor=leader, reason="Dừng giải quyết")
    kept = report_figures_table()
    on_the_9th = [dict(zip(DossierDayFigures.COUNTERS, r[4:], strict=True)) for r in kept
                  if r[:2] == (Grain.DAY, dt.date(2026, 3, 9))]
    assert [{name: n for name, n in figures.items() if n} for figures in on_the_9th] == [
        # late: the approval, the refusal and the stop; the withdrawal on time (late for 766: closed_late)
        {"resolved_on_time": 1, "resolved_late": 3, "refused": 1, "withdrawn": 1, "stopped": 1, "closed_late": 1,
         "paper_results": 1}]
    assert {r[0] for r in kept} == {Grain.DAY, Grain.MONTH}

    assert kept == report_figures_from_the_dossiers()
    assert figures.report_figures_rebuild() == len(kept)
    assert report_figures_table() == kept
