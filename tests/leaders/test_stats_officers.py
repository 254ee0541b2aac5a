"""Late per officer, their late steps, what is overdue on their desk, and the breakdowns, on the
hand-built world (tests/leaders/conftest.py). Read at NOW = Mon 06/04/2026 10:00 for March.

Steps finished in March, per officer who received them (due times in the conftest comments):
  R1  D1 receive, D1 return, D2 receive, D3 receive, D3 return, D4 return (late by the clock: the
      result was posted late, not counted), D6 receive, D7 receive, D7 return, D12, D13, D15 receive, D2 return (R1
      accepted the online D2, so its result comes back to R1's desk) = 13
  H1  D1 (passed on to S1 within the step) = 1
  S1  D1, D2, D6 (on time thanks to the pause) = 3, none late
  S2  D3 late 18.5 h (66 600 s), D7 late 30.5 h (109 800 s) = 2, both late, 49 h
  L1  D1, D2 late 11.5 h (41 400 s), D3, D4 late 16 h (57 600 s), D6 late 4 h (14 400 s), D7 = 6, 3 late,
      31.5 h
  R2  D8, D9, D10 receive, D11 receive, D14 return (late by the clock, not counted) = 5
  S3  D8 late 23.5 h (84 600 s, the citizen withdrew afterwards), D9, D10 = 3, 1 late
  L2  D10 = 1
  RP, LP: none (D18's first step is still open).
Overdue on the desk at NOW: S2 D5, S3 D11, RP D18, and S1 D13: it waits for papers, but the clock
stopped (Tue 24) after S1's step was due (Wed 18), so it stays late (issue 21, item 2). S2's D12 waits
for papers, asked while its step was on time; R1's D6 and D15 wait for the citizen to collect them,
which is not an officer's lateness.
"""

import pytest

from dossiers import apology
from dossiers.leaders.breakdown import breakdown
from dossiers.leaders.officers import officer_get, officer_late_steps, officer_overdue_now, officers
from dossiers.leaders.periods import month_period
from dossiers.leaders.scope import Filters, scope_for
from dossiers.models import Dossier
from mocua.accounts.models import User

from .conftest import vn

MARCH = month_period(2026, 3)
HOUR = 3600

# key → (steps, late steps, late seconds, overdue now)
MARCH_ROWS = {
    "L1": (6, 3, 113400, 0), "S2": (2, 2, 176400, 1), "S3": (3, 1, 84600, 1), "R1": (13, 0, 0, 0),
    "H1": (1, 0, 0, 0), "S1": (3, 0, 0, 1), "R2": (5, 0, 0, 0), "L2": (1, 0, 0, 0), "RP": (0, 0, 0, 1),
    "LP": (0, 0, 0, 0),
}


def keyed(w, rows):
    names = {u.pk: k for k, u in w.users.items()}
    return [names[r.key] for r in rows]


def figures(w, rows):
    names = {u.pk: k for k, u in w.users.items()}
    return {names[r.key]: (r.steps, r.late_steps, r.late_seconds, r.overdue_now) for r in rows}


def test_per_officer_table_for_the_province(w, now):
    rows = officers(scope=scope_for(w["LP"]), period=MARCH)
    assert figures(w, rows) == MARCH_ROWS  # the outsiders RX, SX, LX are not listed
    # Most late steps first, then hours over budget, then the name without diacritics
    # (Bùi, Đặng, Lê, Phạm, Phan, Trần, Vũ).
    assert keyed(w, rows) == ["L1", "S2", "S3", "L2", "RP", "R1", "S1", "LP", "H1", "R2"]
    top = rows[0]
    assert (top.label, top.detail) == ("Hoàng Văn Lâm", "Lãnh đạo UBND · Ủy ban nhân dân phường Hạc Thành")
    rates = {k: (r.late_rate, r.late_hours) for k, r in zip(keyed(w, rows), rows, strict=True)}
    assert rates == {"L1": (50.0, 31.5), "S2": (100.0, 49.0), "S3": (33.33, 23.5), "R1": (0.0, 0.0),
                     "H1": (0.0, 0.0), "S1": (0.0, 0.0), "R2": (0.0, 0.0), "L2": (0.0, 0.0), "RP": (None, 0.0),
                     "LP": (None, 0.0)}


@pytest.mark.parametrize("sort, descending, expected", [
    ("late_rate", None, ["S2", "L1", "S3", "L2", "R1", "S1", "H1", "R2", "RP", "LP"]),
    ("late_hours", None, ["S2", "L1", "S3", "L2", "RP", "R1", "S1", "LP", "H1", "R2"]),
    # Overdue now: S2, S3, RP, S1 have one each; ties by hours over budget, then name.
    ("overdue_now", None, ["S2", "S3", "RP", "S1", "L1", "L2", "R1", "LP", "H1", "R2"]),
    # 12, 6, 5, then S3 and S1 with 3 (S3 has hours over budget), S2 2, then L2 and H1 with 1 by name.
    ("steps", None, ["R1", "L1", "R2", "S3", "S1", "S2", "L2", "H1", "RP", "LP"]),
    ("name", None, ["L2", "RP", "S2", "L1", "R1", "S3", "S1", "LP", "H1", "R2"]),
    ("name", True, ["R2", "H1", "LP", "S1", "S3", "R1", "L1", "S2", "RP", "L2"]),
    # Ascending: fewest late steps first; ties keep hours over budget high first, then names A to Z.
    ("late_steps", False, ["L2", "RP", "R1", "S1", "LP", "H1", "R2", "S3", "S2", "L1"]),
])
def test_sorting(w, now, sort, descending, expected):
    rows = officers(scope=scope_for(w["LP"]), period=MARCH, sort=sort, descending=descending)
    assert keyed(w, rows) == expected


def test_scope_of_a_commune_and_of_another_province(w, now):
    commune = officers(scope=scope_for(w["L1"]), period=MARCH)
    assert figures(w, commune) == {k: MARCH_ROWS[k] for k in ("R1", "H1", "S1", "S2", "L1")}
    # RX's D17 step 0 (on time); SX has D17, due Wed 04/03 08:30, on the desk.
    elsewhere = officers(scope=scope_for(w["LX"]), period=MARCH)
    assert figures(w, elsewhere) == {"RX": (1, 0, 0, 0), "SX": (0, 0, 0, 1), "LX": (0, 0, 0, 0)}


def test_filters(w, now):
    scope = scope_for(w["LP"])
    # Chứng thực (D5, D9, D12): R1 D12 receive, R2 D9 receive, S3 D9 (early); S2 has D5 overdue.
    rows = officers(scope=scope, period=MARCH, filters=Filters(field_id=w["F2"].pk))
    expected = {k: (0, 0, 0, 0) for k in MARCH_ROWS}
    expected.update({"R1": (1, 0, 0, 0), "R2": (1, 0, 0, 0), "S3": (1, 0, 0, 0), "S2": (0, 0, 0, 1)})
    assert figures(w, rows) == expected
    # P2 (D3, D7, D10, D14, D15): R1 D3 ×2, D7 ×2, D15; S2 both late steps; L1 D3, D7; R2 D10, D14 return.
    rows = officers(scope=scope, period=MARCH, filters=Filters(procedure_id=w["P2"].pk))
    expected = {k: (0, 0, 0, 0) for k in MARCH_ROWS}
    expected.update({"R1": (5, 0, 0, 0), "S2": (2, 2, 176400, 0), "L1": (2, 0, 0, 0), "R2": (2, 0, 0, 0),
                     "S3": (1, 0, 0, 0), "L2": (1, 0, 0, 0)})
    assert figures(w, rows) == expected
    rows = officers(scope=scope, period=MARCH, filters=Filters(agency_id=w["A2"].pk))
    assert figures(w, rows) == {k: MARCH_ROWS[k] for k in ("R2", "S3", "L2")}


def test_april_counts_the_steps_finished_in_april(w, now):
    # 02/04: S1 hands D15 on, late 23 h (Mon 30/03 08:30 → Thu 02/04 09:00); L1 approves it early.
    rows = figures(w, officers(scope=scope_for(w["L1"]), period=month_period(2026, 4)))
    assert rows == {"R1": (0, 0, 0, 0), "H1": (0, 0, 0, 0), "S1": (1, 1, 82800, 1), "S2": (0, 0, 0, 1),
                    "L1": (1, 0, 0, 0)}


def test_a_former_officer_stays_only_where_they_worked(w, now):
    User.objects.filter(pk__in=[w["H1"].pk, w["LP"].pk]).update(is_active=False)
    keys = keyed(w, officers(scope=scope_for(w["LP"]), period=MARCH))
    assert "H1" in keys and "LP" not in keys  # H1 handled D1 in March, LP nothing
    assert "H1" not in keyed(w, officers(scope=scope_for(w["LP"]), period=month_period(2026, 2)))


# --------------------------------------------------------------------------- one officer


def late_steps(w, key, scope_key="LP", period=MARCH, **filters):
    names = {d.pk: k for k, d in w.dossiers.items()}
    steps = officer_late_steps(officer=w[key], scope=scope_for(w[scope_key]), period=period,
                                     filters=Filters(**filters))
    return [(names[s.dossier_id], s.step_name, s.due_at, s.finished_at, s.late_seconds) for s in steps]


def test_late_steps_of_an_officer_worst_first(w, now):
    assert late_steps(w, "L1") == [
        ("D4", "Ký duyệt kết quả", vn(2, 27, 15), vn(3, 3, 16), 16 * HOUR),
        ("D2", "Ký duyệt kết quả", vn(3, 5, 10), vn(3, 6, 16), 41400),
        ("D6", "Ký duyệt kết quả", vn(3, 11, 8), vn(3, 11, 14), 4 * HOUR),
    ]
    assert late_steps(w, "S2") == [("D7", "Thẩm định, xử lý", vn(3, 4, 9, 30), vn(3, 10, 10), 109800),
                                   ("D3", "Thẩm định, xử lý", vn(3, 4, 14, 30), vn(3, 9, 8, 30), 66600)]
    assert late_steps(w, "S3") == [("D8", "Thẩm định, xử lý", vn(3, 5, 9), vn(3, 10, 10), 84600)]
    # The late results handed back (D4 by post, D14 collected 02/03) are not the counter's lateness.
    assert late_steps(w, "R1") == [] and late_steps(w, "R2") == []
    assert late_steps(w, "L1", field_id=w["F2"].pk) == []
    assert late_steps(w, "S1", period=month_period(2026, 4)) == [
        ("D15", "Thẩm định, xử lý", vn(3, 30, 8, 30), vn(4, 2, 9), 82800)]


def test_late_steps_show_the_dossier(w, now):
    step = officer_late_steps(officer=w["S3"], scope=scope_for(w["LP"]), period=MARCH)[0]
    assert (step.dossier.code, step.dossier.procedure_name) == (w["D8"].code, "Thủ tục P1")


def overdue(w, key, scope_key="LP"):
    names = {d.pk: k for k, d in w.dossiers.items()}
    return [names[d.pk] for d in officer_overdue_now(officer=w[key], scope=scope_for(w[scope_key]))]


def test_overdue_on_the_desk_now(w, now):
    assert overdue(w, "S2") == ["D5"]
    assert overdue(w, "S3") == ["D11"]
    assert overdue(w, "RP") == ["D18"]
    assert overdue(w, "S1") == ["D13"]  # waits for papers, asked after the step was due
    assert overdue(w, "R1") == []  # D6, D15 wait for collection
    assert overdue(w, "SX", "LX") == ["D17"]
    assert overdue(w, "SX", "LP") == []  # not the province's dossier


def test_overdue_now_uses_the_statutory_due_not_the_new_appointment(w, now):
    from dossiers import services

    from .conftest import at

    # Thu 02/04 09:00 L2 apologises in time (13.5 h of office time before the statutory due, Fri 03/04 17:00),
    # new appointment Wed 29/04. Mon 06/04 09:00 S3 hands D11 to L2: the new step is due Tue 07/04 09:00 (6 h on
    # Monday + 1.5 h), so only the dossier's statutory due is past at NOW.
    with at(vn(4, 2, 9)):
        apology.dossier_reschedule(dossier=w["D11"], actor=w["L2"], new_due_at=vn(4, 29, 17), reason="Xác minh")
    with at(vn(4, 6, 9)):
        services.dossier_hand_over(dossier=w["D11"], actor=w["S3"], to_user=w["L2"])
    d11 = Dossier.objects.get(pk=w["D11"].pk)
    assert (d11.step_due_at, d11.legal_due_at, d11.due_at) == (vn(4, 7, 9), vn(4, 3, 17), vn(4, 29, 17))
    assert overdue(w, "L2") == ["D11"] and overdue(w, "S3") == []
    assert figures(w, officers(scope=scope_for(w["L2"]), period=MARCH))["L2"][3] == 1


def test_officer_get_keeps_to_the_scope(w):
    assert officer_get(scope=scope_for(w["LP"]), pk=w["S3"].pk) == w["S3"]
    assert officer_get(scope=scope_for(w["L1"]), pk=w["S3"].pk) is None
    assert officer_get(scope=scope_for(w["LP"]), pk=w["SX"].pk) is None


# --------------------------------------------------------------------------- breakdowns


def rows_of(rows):
    return {r.key: (r.steps, r.late_steps, r.late_seconds, r.overdue_now) for r in rows}


def test_breakdown_per_agency(w, now):
    from .test_stats_report06 import A1_ROW, A2_ROW, P_ROW

    rows = breakdown(scope=scope_for(w["LP"]), period=MARCH, by="agency")
    # A1: R1 13 (D2's return step included) + H1 1 + S1 3 + S2 2 + L1 6 = 25, late S2 ×2, L1 ×3.
    # A2: R2 5 + S3 3 + L2 1 = 9, late S3 ×1. The province: nothing finished, D18 overdue. Overdue in
    # A1: D5 and D13 (its clock stopped after S1's step was due).
    assert [r.key for r in rows] == [w["A1"].pk, w["A2"].pk, w["P"].pk]
    assert rows_of(rows) == {w["A1"].pk: (25, 5, 289800, 2), w["A2"].pk: (9, 1, 84600, 1), w["P"].pk: (0, 0, 0, 1)}
    assert [r.report.cells for r in rows] == [A1_ROW, A2_ROW, P_ROW]
    assert rows[0].label == "Ủy ban nhân dân phường Hạc Thành"
    # Ranking by on-time rate: A2 4/4, A1 6/10, the province 0/1.
    ranked = breakdown(scope=scope_for(w["LP"]), period=MARCH, by="agency", sort="on_time_rate")
    assert [(r.key, r.report.on_time_rate) for r in ranked] == [(w["A2"].pk, 100.0), (w["A1"].pk, 60.0),
                                                                (w["P"].pk, 0.0)]


def test_breakdown_per_department(w, now):
    rows = breakdown(scope=scope_for(w["LP"]), period=MARCH, by="department")
    dept = {(r.label, r.detail): (r.steps, r.late_steps, r.late_seconds, r.overdue_now) for r in rows}
    assert dept == {
        ("Bộ phận Một cửa", "Ủy ban nhân dân phường Hạc Thành"): (13, 0, 0, 0),  # R1, D2's return included
        ("Phòng Tư pháp", "Ủy ban nhân dân phường Hạc Thành"): (6, 2, 176400, 2),  # H1 + S1 + S2; D5, D13
        ("Lãnh đạo UBND", "Ủy ban nhân dân phường Hạc Thành"): (6, 3, 113400, 0),
        ("Bộ phận Một cửa", "Ủy ban nhân dân phường Quảng Phú"): (5, 0, 0, 0),
        ("Văn phòng", "Ủy ban nhân dân phường Quảng Phú"): (4, 1, 84600, 1),  # S3 + L2; D11
        ("Trung tâm Phục vụ hành chính công", "Ủy ban nhân dân tỉnh Thử Nghiệm"): (0, 0, 0, 1),  # D18
    }
    assert [r.label for r in rows[:3]] == ["Lãnh đạo UBND", "Phòng Tư pháp", "Văn phòng"]
    assert all(r.report is None for r in rows)


def test_breakdown_per_field_and_procedure(w, now):
    from .test_stats_report06 import F1_ROW, F2_ROW

    scope = scope_for(w["LP"])
    rows = breakdown(scope=scope, period=MARCH, by="field")
    # Hộ tịch: all 34 steps but D9's two and D12's first; late: D2 D3 D4 D6 D7 D8. Overdue now D11 D13 D18.
    assert rows_of(rows) == {w["F1"].pk: (31, 6, 374400, 3), w["F2"].pk: (3, 0, 0, 1)}
    assert {r.key: r.report.cells for r in rows} == {w["F1"].pk: F1_ROW, w["F2"].pk: F2_ROW}
    rows = breakdown(scope=scope, period=MARCH, by="procedure")
    # P1: D1 5 + D2 4 + D4 2 + D6 3 + D8 2 + D11 1 + D13 1 = 18 steps, late D2 D4 D6 D8.
    # P2: D3 4 + D7 4 + D10 3 + D14 1 + D15 1 = 13, late D3 D7. P3: D9 2 + D12 1.
    assert rows_of(rows) == {w["P1"].pk: (18, 4, 198000, 3), w["P2"].pk: (13, 2, 176400, 0),
                             w["P3"].pk: (3, 0, 0, 1)}
    assert {r.key: r.report.cells for r in rows} == {
        # P1: online D2; counter/post D1 D6 D8 D11 D13 D18; carried D4. Resolved D1 D6 early, D2 D4 D8
        # on time. In progress D11 within, D13 D18 overdue.
        w["P1"].pk: [8, 1, 6, 1, 5, 2, 3, 0, 3, 1, 2],
        w["P2"].pk: [4, 1, 3, 0, 3, 1, 0, 2, 1, 1, 0],
        w["P3"].pk: F2_ROW,
    }
    assert {r.key: r.label for r in rows}[w["P1"].pk] == "1.001193 – Thủ tục P1"


def test_breakdown_keeps_to_the_scope(w, now):
    rows = breakdown(scope=scope_for(w["L1"]), period=MARCH, by="agency")
    assert rows_of(rows) == {w["A1"].pk: (25, 5, 289800, 2)}  # D5, and D13 (stopped after its step's due)
    rows = breakdown(scope=scope_for(w["L1"]), period=MARCH, by="field")
    # A1 only. Hộ tịch: D1 5, D2 4, D3 4, D4 2, D6 3, D7 4, D13 1, D15 1 = 24 steps, the same 5 late;
    # D13 overdue with S1. Chứng thực: D12's first step, and D5 overdue with S2.
    assert rows_of(rows) == {w["F1"].pk: (24, 5, 289800, 1), w["F2"].pk: (1, 0, 0, 1)}
