"""Biểu 06/VPCP/KSTT and the dashboard on the hand-built world (tests/leaders/conftest.py, STORY).

Cells are columns 3 to 13 in order:
  [total, new online, new counter/post, carried over, resolved, early, on time, late, in progress,
   within the limit, overdue]
Every expected row below is counted by hand from STORY; the comment names the dossiers.
"""

import datetime as dt

import pytest

from dossiers.leaders.dashboard import dashboard
from dossiers.leaders.periods import month_period, quarter_period, range_period
from dossiers.leaders.report06 import COLUMNS, ReportRow, report06
from dossiers.leaders.scope import Filters, scope_for
from tests.leaders.oracle import count_dossiers

MARCH = month_period(2026, 3)

# March, scope of the province leader LP.
P_ROW = [1, 0, 1, 0, 0, 0, 0, 0, 1, 0, 1]  # D18: new at the counter, still at step 0 and past due
# A1: new online D2; new counter/post D1 D3 D6 D7 D12 D13 D15; carried D4 D5. Resolved: early D1 D6,
# on time D2 D4, late D3 D7 (D7's apology does not help). In progress: within D12 (paused in time)
# D15; overdue D5, D13 (paused after its due time).
A1_ROW = [10, 1, 7, 2, 6, 2, 2, 2, 4, 2, 2]
# A2: new online D10; counter/post D8 D9 D11. Resolved: early D10 (refused) and D9 (stopped a day
# before its due day: judged by its clock, issue 21), on time D8 (withdrawn, late by the clock). In
# progress: D11, within on 31/03.
A2_ROW = [4, 1, 3, 0, 3, 2, 1, 0, 1, 1, 0]
TOTAL = [15, 2, 11, 2, 9, 4, 3, 2, 6, 3, 3]  # the three rows added up
# Per field: Chứng thực (P3) = D5 D9 D12; Hộ tịch (P1, P2) = the other twelve.
F2_ROW = [3, 0, 2, 1, 1, 1, 0, 0, 2, 1, 1]  # D9 stopped early
F1_ROW = [12, 2, 9, 1, 8, 3, 3, 2, 4, 2, 2]
ZERO = [0] * 11


def cells(row):
    return row.cells


def test_report_per_unit_for_the_province(w, now):
    report = report06(scope=scope_for(w["LP"]), period=MARCH, by="unit")
    assert [(r.key, r.label) for r in report.rows] == [
        (w["P"].pk, "Ủy ban nhân dân tỉnh Thử Nghiệm"), (w["A1"].pk, "Ủy ban nhân dân phường Hạc Thành"),
        (w["A2"].pk, "Ủy ban nhân dân phường Quảng Phú")]
    assert [cells(r) for r in report.rows] == [P_ROW, A1_ROW, A2_ROW]
    assert cells(report.total) == TOTAL
    assert report.warnings == []


def test_report_per_field(w, now):
    report = report06(scope=scope_for(w["LP"]), period=MARCH, by="field")
    # Grouped by level ("theo cấp"): the province's own D18 (Hộ tịch), then the communes' fields.
    assert [(r.group, r.key, r.label) for r in report.rows] == [
        ("Cấp tỉnh", w["F1"].pk, "Hộ tịch"), ("Cấp xã", w["F2"].pk, "Chứng thực"), ("Cấp xã", w["F1"].pk, "Hộ tịch")]
    communes_f1 = [a - b for a, b in zip(F1_ROW, P_ROW, strict=True)]
    assert [cells(r) for r in report.rows] == [P_ROW, F2_ROW, communes_f1]
    assert cells(report.total) == TOTAL
    assert report.warnings == []


def test_named_columns_of_the_total(w, now):
    total = report06(scope=scope_for(w["LP"]), period=MARCH).total
    assert total.counts == {
        "total": 15, "new_online": 2, "new_offline": 11, "carried_over": 2, "resolved": 9, "resolved_early": 4,
        "resolved_on_time": 3, "resolved_late": 2, "in_progress": 6, "in_progress_within": 3,
        "in_progress_overdue": 3}
    assert [number for number, _, _ in COLUMNS] == list(range(3, 14))


@pytest.mark.parametrize("period, expected", [
    # February: new D4 (post) D5 D14; resolved D14 (early, 24/02); D4 and D5 in progress and within
    # their limits (due 03/03 and 04/03) when February ends.
    (month_period(2026, 2), [3, 0, 3, 0, 1, 1, 0, 0, 2, 2, 0]),
    # The first quarter: February and March together, nothing carried from 2025; D14 adds an early one.
    (quarter_period(2026, 1), [16, 2, 14, 0, 10, 5, 3, 2, 6, 3, 3]),
    # April is not over (NOW = 06/04 10:00): carried D5 D11 D12 D13 D15 D18; D15 resolved late on 02/04;
    # in progress at NOW: D12 within (paused in time); D5 D11 (due 03/04) D13 D18 overdue.
    (month_period(2026, 4), [6, 0, 0, 6, 1, 0, 0, 1, 5, 1, 4]),
    # 1–6 March: carried D4 D5; new D1 D2(online) D3 D6 D7 D8 D9 D10(online). Resolved early D1 D10 D9
    # (stopped 04/03, before its due day: judged by its clock), on time D2 D4. At 07/03 00:00: D3 D5 D7
    # overdue (D7's legal due 06/03 17:00, the apology moved only the appointment), D6 (paused then; its
    # due is now 12/03) and D8 (due 09/03) within.
    (range_period(dt.date(2026, 3, 1), dt.date(2026, 3, 6)), [10, 2, 6, 2, 5, 3, 2, 0, 5, 2, 3]),
    # 5–10 March: carried D2 D3 D5 D6 D7 D8 D10, nothing new. Resolved D10 early (05/03), D2 on time,
    # D8 on time (withdrawn), D3 D7 late. At 11/03 00:00: D5 overdue, D6 within (resumed 09/03, due 12/03).
    (range_period(dt.date(2026, 3, 10), dt.date(2026, 3, 5)), [7, 0, 0, 7, 5, 1, 2, 2, 2, 1, 1]),
])
def test_report_over_other_periods(w, now, period, expected):
    report = report06(scope=scope_for(w["LP"]), period=period, by="unit")
    assert cells(report.total) == expected
    assert report.warnings == []


def test_carried_over_equals_last_periods_in_progress(w, now):
    scope = scope_for(w["LP"])
    february, march, april = (report06(scope=scope, period=month_period(2026, m), by="unit")
                              for m in (2, 3, 4))
    assert february.total["in_progress"] == march.total["carried_over"] == 2
    assert march.total["in_progress"] == april.total["carried_over"] == 6


def test_filters_field_procedure_agency(w, now):
    scope = scope_for(w["LP"])
    by_field = report06(scope=scope, period=MARCH, by="unit", filters=Filters(field_id=w["F2"].pk))
    # Chứng thực only: A1 has D5 (carried, overdue) and D12 (new, within), A2 has D9 (stopped, early).
    assert [cells(r) for r in by_field.rows] == [ZERO, [2, 0, 1, 1, 0, 0, 0, 0, 2, 1, 1],
                                                 [1, 0, 1, 0, 1, 1, 0, 0, 0, 0, 0]]
    assert cells(by_field.total) == F2_ROW
    # P2: D3 (late), D7 (late), D10 (online, early), D15 (in progress, within); D14 is February's.
    by_procedure = report06(scope=scope, period=MARCH, filters=Filters(procedure_id=w["P2"].pk))
    assert cells(by_procedure.total) == [4, 1, 3, 0, 3, 1, 0, 2, 1, 1, 0]
    assert [r.label for r in by_procedure.rows] == ["Hộ tịch"]
    by_agency = report06(scope=scope, period=MARCH, by="unit", filters=Filters(agency_id=w["A2"].pk))
    assert [(r.key, cells(r)) for r in by_agency.rows] == [(w["A2"].pk, A2_ROW)]
    assert cells(by_agency.total) == A2_ROW


def test_a_commune_leader_sees_only_the_commune(w, now):
    scope = scope_for(w["L1"])
    report = report06(scope=scope, period=MARCH, by="unit")
    assert [(r.key, cells(r)) for r in report.rows] == [(w["A1"].pk, A1_ROW)]
    assert cells(report.total) == A1_ROW
    # Asking for the neighbouring commune or the province gives nothing, not their figures.
    for other in ("A2", "P"):
        report = report06(scope=scope, period=MARCH, by="unit", filters=Filters(agency_id=w[other].pk))
        assert report.rows == [] and cells(report.total) == ZERO


def test_another_province_never_mixes(w, now):
    # LX's scope holds D17 alone: new at the counter, due 06/03 17:00, still with SX.
    report = report06(scope=scope_for(w["LX"]), period=MARCH, by="unit")
    assert [(r.key, cells(r)) for r in report.rows] == [(w["X"].pk, [1, 0, 1, 0, 0, 0, 0, 0, 1, 0, 1])]
    outsider = report06(scope=scope_for(w["LP"]), period=MARCH, by="unit",
                              filters=Filters(agency_id=w["X"].pk))
    assert cells(outsider.total) == ZERO


def test_identity_errors_name_the_broken_identity():
    row = ReportRow.of(1, "Xã A", {"new_online": 1, "new_offline": 2, "carried_over": 0, "resolved": 2,
                                         "resolved_early": 1, "resolved_on_time": 0, "resolved_late": 0,
                                         "in_progress": 1, "in_progress_overdue": 0})
    errors = row.identity_errors()
    assert errors == ["Xã A: (7) = (8) + (9) + (10) không khớp (2 ≠ 1)"]


# --------------------------------------------------------------------------- dashboard


def test_dashboard_for_the_province(w, now):
    board = dashboard(scope=scope_for(w["LP"]), period=MARCH)
    assert cells(board.figures) == TOTAL
    # Collected in March: D1 D2 D3 D4 D7 and D14 (approved in February, collected 02/03).
    # By post: D11 received by post on 30/03 (D4's postal intake was in February); D4's result posted 05/03.
    assert board.extra == {"returned": 6, "refused": 1, "withdrawn": 1, "stopped": 1, "refused_at_intake": 1,
                           "rated": 4, "rated_good": 2, "new_post": 1, "returned_post": 1,
                           # D8 withdrawn past due; D10 rated "not satisfied" (D3 too, but D3 is late).
                           "closed_late": 1, "disliked": 1, "digitised": 4,
                           # A1's approvals D1 D2 D3 D4 D6 D7 (paper results), none with an e-result here.
                           "paper_results": 6, "e_results": 0}
    # Asked alone (no rating brings D14 in), the collection in March still counts D14.
    assert count_dossiers(scope=scope_for(w["LP"]), period=MARCH, names=("returned",)) == {"returned": 6}
    # Ratings in March: D1 very satisfied, D14 satisfied, D3 and D10 not satisfied.
    # One satisfaction rate everywhere (issue 21, item 13): 766 indicator 5.4 over the 9 resolved,
    # 2 late (col. 10) + D8 withdrawn past due + D10 disliked; not 2 good of 4 ratings.
    assert board.satisfaction_rate == round(100 - 100 * (2 + 1 + 1) / 9, 2)
    assert board.figures.on_time_rate == 66.67  # (3 early + 4 on time + 3 within) / 15
    assert board.figures.resolved_on_time_rate == 77.78  # 7 / 9
    assert board.figures.online_rate == 15.38  # 2 / 13


def test_dashboard_scope_and_filters(w, now):
    commune = dashboard(scope=scope_for(w["L1"]), period=MARCH)
    assert cells(commune.figures) == A1_ROW
    # D1 D2 D3 D4 D7 collected; ratings D1 (very satisfied) and D3 (not satisfied).
    assert commune.extra == {"returned": 5, "refused": 0, "withdrawn": 0, "stopped": 0, "refused_at_intake": 0,
                             "rated": 2, "rated_good": 1, "new_post": 0, "returned_post": 1,  # D11 is A2's
                             "closed_late": 0, "disliked": 0, "digitised": 3,  # D3's rating: late already
                             "paper_results": 6, "e_results": 0}
    civil_status = dashboard(scope=scope_for(w["LP"]), period=MARCH,
                                   filters=Filters(field_id=w["F1"].pk))
    assert cells(civil_status.figures) == F1_ROW
    # Hộ tịch: D9 (stopped) and D16 (refused at the counter) are Chứng thực.
    assert civil_status.extra == {"returned": 6, "refused": 1, "withdrawn": 1, "stopped": 0,
                                  "refused_at_intake": 0, "rated": 4, "rated_good": 2, "new_post": 1,
                                  "returned_post": 1,  # D4 and D11 are P1's, Hộ tịch
                                  "closed_late": 1, "disliked": 1, "digitised": 4,  # D8, D10: Hộ tịch
                                  "paper_results": 6, "e_results": 0}  # D1–D4, D6, D7: P1 or P2, Hộ tịch


def test_dashboard_months(w, now):
    months = dashboard(scope=scope_for(w["LP"]), period=MARCH).months
    # The twelve months up to March: April 2025 to March 2026.
    assert [m["month"] for m in months] == [dt.date(2025 if m >= 4 else 2026, m, 1)
                                            for m in (4, 5, 6, 7, 8, 9, 10, 11, 12, 1, 2, 3)]
    by_month = {m["month"]: (m["received"], m["early"], m["on_time"], m["late"]) for m in months}
    assert by_month.pop(dt.date(2026, 2, 1)) == (3, 1, 0, 0)  # D4 D5 D14 received; D14 early
    assert by_month.pop(dt.date(2026, 3, 1)) == (13, 4, 3, 2)  # as columns 4+5 and 8, 9, 10 of March
    assert set(by_month.values()) == {(0, 0, 0, 0)}


def test_count_dossiers_grouped(w, now):
    rows = count_dossiers(scope=scope_for(w["LP"]), period=MARCH, names=("new_online", "new_offline"),
                                group=("channel",))
    # D2 D10 online; D11 by post (D4 was received in February); the other nine at the counter.
    assert rows == [{"channel": "counter", "new_online": 0, "new_offline": 10},
                    {"channel": "online", "new_online": 2, "new_offline": 0},
                    {"channel": "post", "new_online": 0, "new_offline": 1}]
