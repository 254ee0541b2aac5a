"""Periods, the leader's scope (their agency and the agencies below it) and the filter choices."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from dossiers.leaders.periods import Period, month_period, quarter_period, range_period, this_month, year_period
from dossiers.leaders.scope import Filters, filter_choices, scope_for
from mocua.accounts.models import Role

from ..factories import UserFactory

VN = ZoneInfo("Asia/Ho_Chi_Minh")


def test_month_quarter_year_and_range():
    assert month_period(2026, 2) == Period("month", dt.date(2026, 2, 1), dt.date(2026, 2, 28))
    assert month_period(2024, 2).end == dt.date(2024, 2, 29)
    assert quarter_period(2026, 4) == Period("quarter", dt.date(2026, 10, 1), dt.date(2026, 12, 31))
    assert year_period(2026) == Period("year", dt.date(2026, 1, 1), dt.date(2026, 12, 31))
    # Dates given the wrong way round are put in order.
    assert range_period(dt.date(2026, 3, 10), dt.date(2026, 3, 5)) == Period(
        "range", dt.date(2026, 3, 5), dt.date(2026, 3, 10))


def test_period_bounds_are_whole_local_days():
    march = month_period(2026, 3)
    assert march.start_at == dt.datetime(2026, 3, 1, tzinfo=VN)
    assert march.end_at == dt.datetime(2026, 4, 1, tzinfo=VN)  # half-open: 31/03 23:59 is in, 01/04 00:00 out
    assert march.slug == "20260301-20260331"


def test_as_of_is_the_end_or_now(monkeypatch):
    monkeypatch.setattr("django.utils.timezone.now", lambda: dt.datetime(2026, 3, 20, 9, tzinfo=VN))
    assert month_period(2026, 3).as_of == dt.datetime(2026, 3, 20, 9, tzinfo=VN)
    assert month_period(2026, 2).as_of == dt.datetime(2026, 3, 1, tzinfo=VN)
    assert this_month() == month_period(2026, 3)


@pytest.mark.parametrize("period, label", [
    (month_period(2026, 3), "Tháng 3/2026"), (quarter_period(2026, 2), "Quý 2/2026"),
    (year_period(2026), "Năm 2026"),
    (range_period(dt.date(2026, 3, 5), dt.date(2026, 4, 10)), "Từ ngày 05/03/2026 đến ngày 10/04/2026"),
])
def test_labels(period, label):
    assert period.label == label


def test_filters_narrow_to_a_unit_and_the_units_below_it(tree):
    p, a, h, b, q = tree
    province = scope_for(UserFactory(agency=p, role=Role.LEADER))
    assert Filters(agency_id=a.pk).agency_ids(province) == [a.pk, h.pk]
    assert Filters(agency_id=q.pk).agency_ids(province) == []  # never the other province
    assert Filters().agency_ids(province) == province.ids


def test_filter_choices(w, django_assert_num_queries):
    scope = scope_for(w["L1"])
    with django_assert_num_queries(2):
        fields, procedures = filter_choices(scope)
    assert fields == [(w["F2"].pk, "Chứng thực"), (w["F1"].pk, "Hộ tịch")]
    assert procedures == [(w["P2"].pk, "1.001022", "Thủ tục P2", w["F1"].pk),
                          (w["P1"].pk, "1.001193", "Thủ tục P1", w["F1"].pk),
                          (w["P3"].pk, "2.000815", "Thủ tục P3", w["F2"].pk)]
    # A procedure the commune does not handle is not offered.
    w["P3"].agencies.remove(w["A1"])
    _, procedures = filter_choices(scope)
    assert [p[1] for p in procedures] == ["1.001022", "1.001193"]
