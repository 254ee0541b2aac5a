"""The computable indicators of the 766 index (domain-vn.md §7) on the hand-built world, March 2026.

Scoring: full points at or above the threshold, else rate × max ÷ threshold (rates rounded to 0.01 %
first, then the points to 0.01):
  2.1 on time, max 20 at 100 %  = (col. 3 − resolved late − in progress overdue) ÷ col. 3, where a
      withdrawn or stopped dossier past its due time is late (D8)
  3.3 online, max 6 at 50 %     = new online ÷ new, an online dossier of a procedure whose result is a
      paper document counted only with its electronic result (none here: D2 and D10 do not count)
  4.1 electronic result, max 6 at 100 % = dossiers approved with a validly signed electronic result ÷
      dossiers approved, of procedures whose result is a paper document, on the day handling ended
      (this world attaches none: A1's six approvals in March D1 D2 D3 D4 D6 D7 give 0/6; the test of
      counted results is test_index766_results.py)
  4.2 digitised, max 4 at 80 %  = (new dossiers whose papers handed in are all scanned + approved with
      an electronic result) ÷ (new + approved of procedures with a paper result)
      (D1 and D6 scanned both papers; D2 and D10 online with the one paper provided; D7 only one of two)
  5.4 satisfaction, max 6 at 90 % = 100 − (late + disliked, a late one counted once) ÷ resolved
"""

import pytest

from dossiers.leaders.index766 import index766, points
from dossiers.leaders.officers import officers
from dossiers.leaders.periods import month_period
from dossiers.leaders.rates import percent, rounded
from dossiers.leaders.report06 import report06
from dossiers.leaders.scope import Filters, scope_for
from ratings import stats as rating_stats

MARCH = month_period(2026, 3)


def table(row):
    return {i["number"]: (i["rate"], i["points"]) for i in row.indicators}


def test_index_per_agency_and_in_total(w, now):
    rows, total = index766(scope=scope_for(w["LP"]), period=MARCH)
    assert [r.key for r in rows] == [w["P"].pk, w["A1"].pk, w["A2"].pk]
    p, a1, a2 = rows
    # The province: D18 only, new at the counter, overdue, not digitised, nothing resolved.
    assert table(p) == {"2.1": (0.0, 0.0), "3.3": (0.0, 0.0), "4.1": (None, None), "4.2": (0.0, 0.0),
                        "5.4": (None, None)}
    # A1: 2.1 (10 − 2 − 2) / 10 = 60 % → 12; 3.3 (1 − D2 without an electronic result)/8 = 0 % → 0;
    # 4.2 (D1 D2 D6 + 0 results)/(8 + 6 approved) = 21.43 % → 1.0715 → 1.07; 5.4 late D3 D7, D3's
    # "not satisfied" already late: 100 − 2/6 = 66.67 % → 4.4447 → 4.44.
    assert table(a1) == {"2.1": (60.0, 12.0), "3.3": (0.0, 0.0), "4.1": (0.0, 0.0), "4.2": (21.43, 1.07),
                         "5.4": (66.67, 4.44)}
    assert a1.total_points == 17.51
    # A2: D8 withdrawn after its due time counts late here (on time in Biểu 06): 2.1 (4 − 1 − 0) / 4 =
    # 75 % → 15; 3.3 (1 − D10 without an electronic result)/4 = 0; 4.2 D10 1/4 = 25 % → 1.25 (nothing
    # approved with a paper result); 5.4 D8 late + D10 disliked: 100 − 2/3 = 33.33 % → 2.22.
    assert table(a2) == {"2.1": (75.0, 15.0), "3.3": (0.0, 0.0), "4.1": (None, None), "4.2": (25.0, 1.25),
                         "5.4": (33.33, 2.22)}
    assert (a2.closed_late, a2.late, a2.disliked, a2.digitised) == (1, 1, 1, 1)
    # Whole scope: 2.1 (15 − 3 − 3) / 15 = 60 % → 12; 3.3 (2 − 2)/13 = 0; 4.2 4/(13 + 6) = 21.05 % →
    # 1.0525 → 1.05; 5.4 100 − (3 + 1)/9 = 55.56 % → 3.7.
    assert table(total) == {"2.1": (60.0, 12.0), "3.3": (0.0, 0.0), "4.1": (0.0, 0.0), "4.2": (21.05, 1.05),
                            "5.4": (55.56, 3.7)}
    assert (total.total_points, total.max_points) == (16.75, 42)
    assert {i["number"]: i["basis"] for i in total.indicators} == {
        "2.1": "9/15", "3.3": "0/13 (không tính 2 hồ sơ trực tuyến chưa có kết quả điện tử)", "4.1": "0/6",
        "4.2": "(4 tiếp nhận đã số hóa + 0 kết quả điện tử)/(13 tiếp nhận + 6 kết quả giấy)",
        "5.4": "3 quá hạn, 1 không hài lòng / 9"}
    assert [i["max_points"] for i in total.indicators] == [20, 6, 6, 4, 6]
    assert [i["no_data"] for i in total.indicators] == [False, False, False, False, False]


def test_5_4_agrees_with_the_ratings_app(w, now):
    scope = scope_for(w["LP"])
    _, total = index766(scope=scope, period=MARCH)
    theirs = rating_stats.indicator_5_4(scope=scope, start=MARCH.start, end=MARCH.end)
    assert (theirs["total"], theirs["late"], theirs["disliked"]) == (9, 3, 1)
    assert (theirs["rate"], theirs["points"]) == table(total)["5.4"]


def test_index_keeps_to_the_scope_and_filters(w, now):
    rows, total = index766(scope=scope_for(w["L1"]), period=MARCH)
    assert [r.key for r in rows] == [w["A1"].pk]
    assert table(total) == table(rows[0])
    # Chứng thực in A2: D9 only (stopped early: on time either way), new at the counter, not digitised.
    rows, total = index766(scope=scope_for(w["LP"]), period=MARCH,
                                 filters=Filters(agency_id=w["A2"].pk, field_id=w["F2"].pk))
    assert [r.key for r in rows] == [w["A2"].pk]
    assert table(total) == {"2.1": (100.0, 20.0), "3.3": (0.0, 0.0), "4.1": (None, None), "4.2": (0.0, 0.0),
                            "5.4": (100.0, 6.0)}


# --------------------------------------------------------------------------- arithmetic


@pytest.mark.parametrize("rate, maximum, threshold, expected", [
    (100.0, 20, 100, 20.0), (60.0, 20, 100, 12.0), (50.0, 6, 50, 6.0), (75.0, 6, 50, 6.0), (95.0, 6, 90, 6.0),
    (45.0, 6, 90, 3.0), (37.5, 4, 80, 1.88), (0.0, 6, 90, 0.0), (None, 6, 90, None),
])
def test_points(rate, maximum, threshold, expected):
    assert points(rate, maximum, threshold) == expected


def test_percent_and_rounding():
    assert percent(1, 3) == 33.33
    assert percent(2, 3) == 66.67
    assert percent(3, 0) is None
    assert percent(0, 5) == 0.0
    assert rounded(2.675) == 2.68  # half up on the decimal digits, not binary float rounding
    assert rounded(None) is None


def test_closing_while_waiting_for_papers_is_judged_at_the_request(w, now):
    """Withdrawn after its due time, but the clock had stopped within the limit: not late, neither
    for the 766 index nor for the officer whose step was waiting (the fix in services._judged_at)."""
    from dossiers import services
    from dossiers.models import Dossier

    from .conftest import vn

    # In the other province (its only dossier is D17, in progress and overdue). Received Wed 25/03 08:00,
    # due Tue 31/03 17:00; SX's step from 08:30 due Fri 27/03 08:30; papers asked Thu 26/03 09:00;
    # withdrawn Fri 03/04 10:00, long after both due times, the clock stopped since Thu 26/03.
    w.receive("DX", "RX", "P1", vn(3, 25, 8))
    w.hand("DX", vn(3, 25, 8, 30), "RX", "SX")
    w.move("DX", vn(3, 26, 9), services.dossier_request_supplement, "SX", missing_papers=["Tờ khai"], reason="Thiếu")
    w.move("DX", vn(4, 3, 10), services.dossier_withdraw, "RX", reason="Công dân không bổ sung")
    dx = Dossier.objects.get(pk=w["DX"].pk)
    assert (dx.finished_at, dx.timeliness) == (vn(4, 3, 10), "early")  # judged at Thu 26/03 09:00
    step = dx.steps.get(to_user=w["SX"])
    assert (step.finished_at, step.timeliness, step.late_seconds) == (vn(4, 3, 10), "early", 0)
    april = month_period(2026, 4)
    scope = scope_for(w["LX"])
    # April for LX: carried D17 (overdue) and DX; DX resolved (withdrawn: on time).
    assert report06(scope=scope, period=april).total.cells == [2, 0, 0, 2, 1, 0, 1, 0, 1, 0, 1]
    _, total = index766(scope=scope, period=april)
    assert (total.closed_late, table(total)["2.1"]) == (0, (50.0, 10.0))  # (2 − 0 − 1) / 2
    by_officer = {r.key: (r.steps, r.late_steps, r.overdue_now) for r in officers(scope=scope, period=april)}
    assert by_officer == {w["RX"].pk: (0, 0, 0), w["SX"].pk: (1, 0, 1), w["LX"].pk: (0, 0, 0)}
