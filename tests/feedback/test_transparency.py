"""The public transparency page /cong-khai/ and /api/v1/transparency/: no login; each unit's figures
for a month or a year equal the dossiers counted one by one (tests/leaders/oracle.py) although the
page reads only the summary rows; a fixed, small number of queries, then none from the cache; never
a person's data.

The world is the leaders' March 2026 (tests/leaders/conftest.py: a province P with communes A1 and A2,
another province X; dossiers online and at the counter, digitised or not, rated, late), read on
Mon 06/04/2026, with a few feedback items added here."""

import json

import pytest
from django.core.cache import cache

from dossiers.leaders.index766 import INDICATORS as DOSSIER_INDICATORS
from dossiers.leaders.periods import month_period, year_period
from dossiers.leaders.scope import Filters
from feedback import services, transparency
from feedback.figures import INDICATORS as FEEDBACK_INDICATORS
from feedback.models import Feedback
from feedback.workflow import Category
from mocua.accounts.selectors import FiguresScope, agency_forest

from ..leaders.conftest import APPLICANT, at, now, vn, w, world  # noqa: F401 (fixtures)
from ..leaders.oracle import count_dossiers
from .conftest import PRIVATE as SENDER_PRIVATE
from .conftest import send

MARCH = {"nam": "2026", "thang": "3"}


@pytest.fixture
def board(w, now):  # noqa: F811 (pytest fixtures)
    """A feedback answered at A1 (its sender and officers must stay out of the public figures)."""
    with at(vn(3, 9, 9)):
        item = send(w["A1"], content=f"Tôi là {APPLICANT['name']}, gọi {APPLICANT['phone']}.")
    with at(vn(3, 10, 9)):
        item = services.feedback_classify(item=item, actor=w["S1"], category=Category.CONDUCT)
        services.feedback_answer(item=item, actor=w["S1"], answer=f"Kính gửi bà {APPLICANT['name']}.")
    return w


def private_strings(world) -> list[str]:  # noqa: F811 (a world, not the fixture)
    people = [u.full_name for u in world.users.values()]
    return [*SENDER_PRIVATE, APPLICANT["name"], APPLICANT["id_number"], APPLICANT["phone"], APPLICANT["email"],
            APPLICANT["address"], *people, *(d.code for d in world.dossiers.values())]


def test_each_units_figures_equal_the_dossiers_counted_one_by_one(board, now):  # noqa: F811
    data = transparency.build(year=2026, month=3, agency_id=None)
    scope = FiguresScope(tuple(agency_forest()))
    counted = {r["agency_id"]: r for r in count_dossiers(
        scope=scope, period=month_period(2026, 3), group=("agency_id",),
        names=("new_online", "new_offline", "resolved", "resolved_late", "closed_late", "rated", "rated_good",
               "digitised", "e_results", "paper_results", "disliked"))}
    assert {u["agency"] for u in data["units"]} == set(scope.ids) and len(data["units"]) >= 3
    for unit in data["units"]:
        c = counted.get(unit["agency"]) or dict.fromkeys(("new_online", "new_offline", "resolved", "resolved_late",
                                                         "closed_late", "rated", "rated_good", "digitised",
                                                         "e_results", "paper_results", "disliked"), 0)
        received = c["new_online"] + c["new_offline"]
        # Late as the 766 index judges it: a withdrawal or a stop after the due time too (D8).
        late = c["resolved_late"] + c["closed_late"]
        assert (unit["received"], unit["received_online"], unit["resolved"], unit["resolved_late"],
                unit["rated"], unit["rated_good"]) == (received, c["new_online"], c["resolved"], late,
                                                       c["rated"], c["rated_good"]), unit["name"]
        on_time = c["resolved"] - late
        assert unit["on_time_rate"] == (round(100 * on_time / c["resolved"], 2) if c["resolved"] else None)
        # 766 4.2: papers digitised at intake and results digitised (issue 21, item 12).
        base = received + c["paper_results"]
        assert unit["digitised_rate"] == (round(100 * (c["digitised"] + c["e_results"]) / base, 2) if base else None)
        # The one satisfaction rate, 766 5.4 (issue 21, item 13).
        assert unit["satisfaction_rate"] == (
            round(100 - 100 * (late + c["disliked"]) / c["resolved"], 2) if c["resolved"] else None)
    assert sum(u["received"] for u in data["units"]) == data["total"]["received"] > 0
    a1 = next(u for u in data["units"] if u["agency"] == board["A1"].pk)
    march = Feedback.objects.filter(agency=board["A1"], received_at__gte=vn(3, 1), received_at__lt=vn(4, 1))
    assert march.count() == 2  # ours, and the one D3's "not satisfied" rating opened
    assert (a1["feedback_received"], a1["feedback_handled"]) == (2, 1)


def test_the_page_makes_four_queries_then_none_from_the_cache(client, board, django_assert_num_queries):
    # The units; the summed daily rows per unit; the feedback per unit; the twelve months for the chart.
    with django_assert_num_queries(4):
        first = client.get("/cong-khai/", MARCH)
    with django_assert_num_queries(0):
        again = client.get("/cong-khai/", MARCH)
    assert first.status_code == again.status_code == 200
    assert first.content == again.content
    with django_assert_num_queries(0):
        assert client.get("/api/v1/transparency/", {"year": 2026, "month": 3}).status_code == 200


def test_no_query_of_the_page_reads_the_dossiers_themselves(client, board):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from dossiers.models import Dossier

    with CaptureQueriesContext(connection) as queries:
        assert client.get("/cong-khai/", MARCH).status_code == 200
    table = connection.ops.quote_name(Dossier._meta.db_table)
    assert queries.captured_queries and not [q["sql"] for q in queries.captured_queries if table in q["sql"]]


def test_the_query_count_does_not_grow_with_the_dossiers(client, board, django_assert_num_queries):
    from ..leaders.conftest import grow_world

    grow_world(board, seed=7, units=2, per_unit=6)
    with django_assert_num_queries(4):
        assert client.get("/cong-khai/", MARCH).status_code == 200


def test_no_personal_data_reaches_the_page_or_its_api(client, board):
    page = client.get("/cong-khai/", MARCH).content.decode()
    api = client.get("/api/v1/transparency/", {"year": 2026, "month": 3}).content.decode("utf-8")
    body = json.loads(api)
    for private in private_strings(board):
        assert private not in page, private
        assert private not in api, private
    # Only numbers and names of units and indicators: no other text leaves the page's data.
    allowed = {u.name for u in agency_forest()} | {"Toàn phạm vi"} | {
        name for _, name, _, _ in (*DOSSIER_INDICATORS, *FEEDBACK_INDICATORS)}
    texts = []

    def walk(value, key=""):
        if isinstance(value, dict):
            for k, v in value.items():
                walk(v, k)
        elif isinstance(value, list):
            for v in value:
                walk(v, key)
        elif isinstance(value, str) and key not in ("start", "end", "built_at", "month", "number"):
            texts.append((key, value))

    walk(body)
    assert {k for k, _ in texts} == {"name", "period"}
    assert {v for k, v in texts if k == "period"} == {"Tháng 3/2026"}
    assert {v for k, v in texts if k == "name"} <= allowed


def test_no_login_and_a_wrong_choice_shows_the_default(client, board):
    response = client.get("/cong-khai/", {"nam": "abc", "thang": "13", "don-vi": "x"})
    assert response.status_code == 200 and "Tháng 4/2026" in response.content.decode()
    assert client.get("/cong-khai/", {"nam": "2026", "thang": "0"}).context["board"]["period"] == "Năm 2026"
    assert client.get("/api/v1/transparency/", {"year": "1999"}).json()["year"] == 2026


def test_a_year_is_the_sum_of_its_months(board):
    year = transparency.build(year=2026, month=None, agency_id=None)
    months = [transparency.build(year=2026, month=m, agency_id=None) for m in range(1, 5)]
    assert year["total"]["received"] == sum(m["total"]["received"] for m in months)
    assert year["total"]["resolved"] == sum(m["total"]["resolved"] for m in months)


def test_the_months_chart_follows_the_chosen_unit(board):
    a1 = board["A1"].pk
    chosen = transparency.build(year=2026, month=3, agency_id=a1)
    march = next(m for m in chosen["months"] if m["month"] == "03/2026")
    counted = count_dossiers(scope=FiguresScope(tuple(agency_forest())), period=month_period(2026, 3),
                             filters=Filters(agency_id=a1), names=("new_online", "new_offline", "resolved"))
    assert (march["received"], march["resolved"]) == (counted["new_online"] + counted["new_offline"],
                                                      counted["resolved"])
    assert len(chosen["months"]) == 12
    assert transparency.build(year=2026, month=3, agency_id=999999)["agency"] is None


def test_the_cache_is_keyed_by_the_choice_and_expires(board, settings):
    first = transparency.scoreboard(year=2026, month=3)
    assert transparency.scoreboard(year=2026, month=3) is not first or first == cache.get(
        "transparency:v1:2026:3:0")
    assert cache.get("transparency:v1:2026:3:0") == first
    assert cache.get("transparency:v1:2026:0:0") is None
    assert year_period(2026).label == transparency.period_of(2026, None).label
