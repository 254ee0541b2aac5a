"""Transfers' lateness per agency (issue 23, item 5): for a leader's scope, per agency, the transfers due
in the period sent on time or late (or still unsent past their due), and those taken in late by the
receiving counter; counted by selectors.transfer_lateness_by_agency in one query, checked against the
story's own reasoning and against a plain count over the rows."""

import datetime as dt

import pytest

from dossiers import agencies, selectors, services, transfers
from dossiers.leaders.periods import month_period
from dossiers.models import Dossier, DossierLeg, DossierStep, DossierTransfer, TransferMode, TransferState
from dossiers.workflow import OPEN, Status

from .conftest import vn
from .test_transfers import Province, _receive

pytestmark = pytest.mark.django_db
MARCH = month_period(2026, 3)
NOW = vn(2026, 3, 10, 9, 0)


@pytest.fixture
def prov(db):
    return Province()


def _approve(prov, dossier, frozen, at):
    frozen.set(at - dt.timedelta(hours=1))
    dossier = services.dossier_hand_over(dossier=dossier, actor=prov.justice_reception,
                                         to_user=prov.justice_specialist)
    frozen.set(at)
    return services.dossier_approve(dossier=dossier, actor=prov.justice_leader, result_summary="Phiếu LLTP số 1")


@pytest.fixture
def story(prov, frozen):
    """Commune A's desk receives four criminal-record dossiers for the Department of Justice in March.

    1. Mon 2/3 10:00, sent electronically at 11:00 (due Monday 17:00: on time); the Department takes it
       in on Tuesday 9:00 (the journey was due Monday 17:00: taken in late); approved Wednesday 16:00,
       after 15:00, so its result was due back Thursday 17:00: still not sent (late, the Department's).
    2. Mon 2/3 10:00, sent on paper Wednesday 10:00 (due Tuesday's closing: late); taken in at 11:00
       (paper journey due Thursday 17:00: on time).
    3. Thu 5/3 10:00, never sent: due Thursday 17:00, still at the desk (late, commune A's).
    4. Tue 31/3 16:00, never sent: due Wednesday 1/4 17:00, in April: not March's.
    """
    one = _receive(prov, frozen, vn(2026, 3, 2, 10, 0))
    two = _receive(prov, frozen, vn(2026, 3, 2, 10, 0))
    frozen.set(vn(2026, 3, 2, 11, 0))
    one = transfers.dossier_transfer(dossier=one, actor=prov.a_reception)
    frozen.set(vn(2026, 3, 3, 9, 0))
    one = transfers.dossier_receive_transfer(dossier=one, actor=prov.justice_reception)
    frozen.set(vn(2026, 3, 4, 10, 0))
    two = transfers.dossier_transfer(dossier=two, actor=prov.a_reception, mode=TransferMode.PAPER)
    frozen.set(vn(2026, 3, 4, 11, 0))
    transfers.dossier_receive_transfer(dossier=two, actor=prov.justice_reception)
    _approve(prov, one, frozen, vn(2026, 3, 4, 16, 0))
    _receive(prov, frozen, vn(2026, 3, 5, 10, 0))
    _receive(prov, frozen, vn(2026, 3, 31, 16, 0))
    frozen.set(NOW)
    return prov


def _lateness(ids, period=MARCH, now=NOW, **filters):
    return selectors.transfer_lateness_by_agency(agency_ids=ids, start_at=period.start_at, end_at=period.end_at,
                                                 now=now, **filters)


def _plain_count(ids, period, now) -> dict:
    """The same figures by reading every row in Python, each rule as the law states it."""
    start, end, as_of = period.start_at, period.end_at, min(period.end_at, now)
    found = {}

    def add(agency_id, name):
        row = found.setdefault(agency_id, dict.fromkeys(selectors.TRANSFER_FIGURES, 0))
        row[name] += 1

    for t in DossierTransfer.objects.all():
        if t.from_agency_id in ids and start <= t.due_at < end:
            add(t.from_agency_id, "sent_late" if t.sent_at > t.due_at else "sent_on_time")
        journey = DossierStep.objects.get(dossier=t.dossier, agency=t.to_agency, started_at=t.sent_at,
                                          to_user__isnull=True)
        if t.to_agency_id in ids and start <= journey.due_at < end:
            taken = t.received_at
            if taken is not None:
                add(t.to_agency_id, "received_late" if taken > journey.due_at else "received_on_time")
            elif journey.due_at < as_of:
                add(t.to_agency_id, "received_late")
    for d in Dossier.objects.all():
        if d.transfer_state == TransferState.AT_DESK and d.status in OPEN and d.desk_id in ids:
            due = agencies.transfer_due(d.received_at, TransferMode.ELECTRONIC, d.desk)
            if start <= due < as_of:
                add(d.desk_id, "unsent_late")
        if d.transfer_state == TransferState.AT_AGENCY and d.status == Status.RESULT_READY and d.agency_id in ids:
            due = agencies.transfer_due(d.finished_at, TransferMode.ELECTRONIC, d.agency)
            if start <= due < as_of:
                add(d.agency_id, "unsent_late")
    for leg in DossierLeg.objects.select_related("dossier"):
        open_leg = leg.started_at and not leg.finished_at and leg.dossier.legs_left and not leg.dossier.finished_at
        if open_leg and leg.agency_id in ids and start <= leg.due_at < as_of:
            add(leg.agency_id, "unsent_late")
    return found


def test_each_agency_s_transfers_on_time_and_late(story):
    prov = story
    found = _lateness([prov.p.pk, prov.a.pk, prov.justice.pk, prov.b.pk])
    assert found == {
        prov.a.pk: {"sent_on_time": 1, "sent_late": 1, "unsent_late": 1, "received_on_time": 0, "received_late": 0},
        prov.justice.pk: {"sent_on_time": 0, "sent_late": 0, "unsent_late": 1, "received_on_time": 1,
                          "received_late": 1},
    }
    assert found == _plain_count({prov.p.pk, prov.a.pk, prov.justice.pk, prov.b.pk}, MARCH, NOW)


def test_the_period_and_the_moment_decide_what_is_late(story):
    prov = story
    ids = [prov.a.pk, prov.justice.pk]
    april = month_period(2026, 4)
    # April: the fourth dossier was due on the 1st; by the 2nd it is late, on the 1st at noon not yet.
    assert _lateness(ids, april, vn(2026, 4, 2, 9, 0)) == {prov.a.pk: {**dict.fromkeys(
        selectors.TRANSFER_FIGURES, 0), "unsent_late": 1}}
    assert _lateness(ids, april, vn(2026, 4, 1, 12, 0)) == {}
    # Seen on Thursday 5/3 at 16:00: the result was not yet due back, the third dossier not yet due.
    early = _lateness(ids, MARCH, vn(2026, 3, 5, 16, 0))
    assert early[prov.a.pk]["unsent_late"] == 0 and early[prov.justice.pk]["unsent_late"] == 0
    assert early == _plain_count(set(ids), MARCH, vn(2026, 3, 5, 16, 0))
    # Another scope sees none of it; a procedure filter that matches nothing leaves nothing.
    assert _lateness([prov.b.pk, prov.z.pk]) == {}
    assert _lateness(ids, procedure_id=prov.birth.procedure_id) == {}
    assert _lateness(ids, procedure_id=prov.record.procedure_id) == _lateness(ids)


def test_one_query(story, frozen, django_assert_num_queries):
    prov = story
    with django_assert_num_queries(1):
        found = _lateness([prov.a.pk, prov.justice.pk])
    assert sum(row["unsent_late"] for row in found.values()) == 2
    for day in (9, 10, 11):  # more dossiers waiting at the desk past due: still one query
        _receive(prov, frozen, vn(2026, 3, day, 8, 0))
    with django_assert_num_queries(1):
        found = _lateness([prov.a.pk, prov.justice.pk], now=vn(2026, 3, 12, 9, 0))
    assert found[prov.a.pk]["unsent_late"] == 4


def test_a_leg_sent_late_and_one_still_held_past_due_are_the_leg_agency_s(frozen):
    from .test_legs import _run, with_legs

    prov = with_legs(Province())
    _run(prov, frozen)  # the police sent their leg on Thursday 8:00, due Wednesday's closing
    second = _receive(prov, frozen, vn(2026, 3, 9, 10, 0), variant=prov.group)
    frozen.set(vn(2026, 3, 9, 14, 0))
    second = transfers.dossier_transfer(dossier=second, actor=prov.a_reception)
    frozen.set(vn(2026, 3, 9, 15, 0))
    transfers.dossier_receive_transfer(dossier=second, actor=prov.police_reception)  # due Wednesday 11/3
    now = vn(2026, 3, 12, 9, 0)
    ids = [prov.a.pk, prov.police.pk, prov.insurance.pk]
    found = _lateness(ids, now=now)
    assert (found[prov.police.pk]["sent_late"], found[prov.police.pk]["unsent_late"]) == (1, 1)
    assert found[prov.a.pk]["sent_late"] == found[prov.insurance.pk]["sent_late"] == 0
    assert found == _plain_count(set(ids), MARCH, now)


# --------------------------------------------------------------------------- the transfers page


TRANSFERS = "/can-bo/ho-so/lien-co-quan/"


@pytest.fixture
def chief(prov):
    from mocua.accounts.models import Role

    from ..factories import UserFactory

    return UserFactory(agency=prov.p, role=Role.LEADER, username="lanhdao.tinh.t")


def test_the_province_leader_reads_the_lateness_per_agency(client, story, chief, django_assert_num_queries):
    prov = story
    client.force_login(chief)
    march = {"start": "2026-03-01", "end": "2026-03-31"}
    client.get(TRANSFERS, march)
    # The user, the bell, the four sections, the scope, the transfers in flight, the late legs, the lateness.
    with django_assert_num_queries(10):
        page = client.get(TRANSFERS, march)
    rows = {row["agency"]: (row["sent_on_time"], row["late"], row["received_late"])
            for row in page.context["lateness"]}
    expected = _plain_count({u for u in (prov.p.pk, prov.centre.pk, prov.justice.pk, prov.a.pk, prov.b.pk)},
                            MARCH, NOW)
    assert rows == {
        "UBND xã A": (expected[prov.a.pk]["sent_on_time"],
                      expected[prov.a.pk]["sent_late"] + expected[prov.a.pk]["unsent_late"], 0),
        "Sở Tư pháp tỉnh T": (0, 1, expected[prov.justice.pk]["received_late"]),
        "Tổng cộng": (1, 3, 1),
    }
    html = page.content.decode()
    assert 'id="transfer-lateness"' in html and "Chưa chuyển, đã quá hạn" in html
    # Days with nothing due: no rows, a plain sentence.
    quiet = client.get(TRANSFERS, {"start": "2026-02-01", "end": "2026-02-28"})
    assert quiet.context["lateness"] == [] and "Không có lần chuyển hồ sơ nào đến hạn" in quiet.content.decode()


def test_wrong_days_answer_400_in_vietnamese(client, story, chief):
    client.force_login(chief)
    page = client.get(TRANSFERS, {"start": "2026-03-31", "end": "2026-03-01"})
    assert page.status_code == 400 and "Ngày bắt đầu phải trước ngày kết thúc." in page.content.decode()
    assert page.context["lateness"] == []


def test_officers_and_other_provinces_see_no_lateness(client, story):
    prov = story
    client.force_login(prov.a_reception)
    page = client.get(TRANSFERS)
    assert page.context["lateness"] == [] and 'id="transfer-lateness"' not in page.content.decode()
    from mocua.accounts.models import Role

    from ..factories import UserFactory

    q_chief = UserFactory(agency=prov.z.parent, role=Role.LEADER, username="lanhdao.tinh.q")
    client.force_login(q_chief)
    assert client.get(TRANSFERS, {"start": "2026-03-01", "end": "2026-03-31"}).context["lateness"] == []


# --------------------------------------------------------------------------- the leaders' dashboard


def test_the_dashboard_and_its_api_carry_the_transfers_line(client, story, chief):
    from django.urls import reverse
    from rest_framework.test import APIClient

    prov = story
    every = {prov.p.pk, prov.centre.pk, prov.justice.pk, prov.a.pk, prov.b.pk}
    expected = _plain_count(every, MARCH, NOW)
    totals = {name: sum(row[name] for row in expected.values()) for name in selectors.TRANSFER_FIGURES}
    client.force_login(chief)
    page = client.get(reverse("leaders:dashboard"), {"period": "month", "year": 2026, "month": 3})
    board = page.context["board"]
    assert {k: board.transfers[k] for k in selectors.TRANSFER_FIGURES} == totals
    assert board.transfers["late"] == totals["sent_late"] + totals["unsent_late"] == 3
    html = page.content.decode()
    assert "Chuyển hồ sơ liên cơ quan" in html and "Chưa chuyển, đã quá hạn" in html
    # The agency filter narrows it to the Department of Justice's own.
    narrowed = client.get(reverse("leaders:dashboard"), {"period": "month", "year": 2026, "month": 3,
                                                         "agency": prov.justice.pk}).context["board"]
    assert narrowed.transfers["unsent_late"] == expected[prov.justice.pk]["unsent_late"] == 1
    assert narrowed.transfers["sent_on_time"] == 0
    api = APIClient()
    api.force_authenticate(chief)
    body = api.get(reverse("api-stats-dashboard"), {"period": "month", "year": 2026, "month": 3}).json()
    assert body["transfers"] == {**totals, "late": 3}
    xlsx = client.get(reverse("leaders:dashboard"), {"period": "month", "year": 2026, "month": 3,
                                                     "format": "xlsx"})
    assert xlsx.status_code == 200


# --------------------------------------------------------------------------- Biểu 06's note on the desk's intake


def test_biểu_06_notes_the_dossiers_received_for_and_from_other_agencies(client, story, chief):
    from django.urls import reverse
    from rest_framework.test import APIClient

    from dossiers.leaders.report06 import report06
    from dossiers.leaders.scope import Filters, scope_for

    prov = story
    march = list(Dossier.objects.filter(received_at__gte=MARCH.start_at, received_at__lt=MARCH.end_at))

    def plain(ids):
        return {"for_others": sum(1 for d in march if d.desk_id in ids and d.desk_id != d.agency_id),
                "from_others": sum(1 for d in march if d.agency_id in ids and d.desk_id != d.agency_id)}

    # Commune A's desk received four for the Department of Justice, which received none at its own desk.
    province = report06(scope=scope_for(chief), period=MARCH, by="unit")
    assert province.desk == plain({prov.p.pk, prov.centre.pk, prov.justice.pk, prov.a.pk, prov.b.pk}) == {
        "for_others": 4, "from_others": 4}
    justice = report06(scope=scope_for(chief), period=MARCH, filters=Filters(agency_id=prov.justice.pk))
    assert justice.desk == plain({prov.justice.pk}) == {"for_others": 0, "from_others": 4}
    commune = report06(scope=scope_for(chief), period=MARCH, filters=Filters(agency_id=prov.a.pk))
    assert commune.desk == plain({prov.a.pk}) == {"for_others": 4, "from_others": 0}
    # The dossiers received at A are in the Department's columns (4)-(5), none in A's.
    assert (justice.total["new_offline"], commune.total["new_offline"]) == (4, 0)
    assert "đã tiếp nhận 4 hồ sơ thuộc thẩm quyền giải quyết của cơ quan khác" in commune.desk_note
    # The page, the PDF, the xlsx and the API carry it.
    client.force_login(chief)
    query = {"period": "month", "year": 2026, "month": 3, "agency": prov.a.pk}
    page = client.get(reverse("leaders:report06"), query)
    assert 'id="desk-note"' in page.content.decode() and commune.desk_note in page.content.decode()
    import io

    from openpyxl import load_workbook

    from ..leaders.test_exports import pdf_text

    assert "có 0 hồ sơ do bộ phận một cửa của cơ quan khác tiếp nhận, chuyển đến" in pdf_text(
        client.get(reverse("leaders:report06"), {**query, "format": "pdf"}).content)
    sheet = load_workbook(io.BytesIO(client.get(reverse("leaders:report06"), {**query, "format": "xlsx"}).content))
    cells = [c for row in sheet.active.iter_rows(values_only=True) for c in row if c]
    assert commune.desk_note in cells
    api = APIClient()
    api.force_authenticate(chief)
    body = api.get(reverse("api-stats-report06"), query).json()
    assert body["desk_intake"] == {"for_others": 4, "from_others": 0}
