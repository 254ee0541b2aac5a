"""Liên thông legs (issue 23, item 3): a birth registration of the national group 3.000722 (Decree
63/2024) through the commune, the police and social insurance, one leg late: each leg's due time from
its share against the plain calendar, its lateness the agency's and, inside it, the officer's; one
dossier and one code; each agency reads it once its leg has started, nobody else."""

import datetime as dt
from decimal import Decimal

import pytest
from django.http import Http404

from dossiers import agencies, pins, selectors, services, transfers
from dossiers.leaders.officers import officers
from dossiers.leaders.periods import month_period
from dossiers.leaders.scope import scope_for
from dossiers.models import Dossier, DossierTransfer, SyncState, Timeliness, TransferState
from mocua.accounts.models import Level, Role
from mocua.errors import ConflictError, ForbiddenError
from procedures.models import NationalGroup, ProcedureLeg

from ..factories import AgencyFactory, UserFactory, full_variant
from .conftest import vn
from .test_transfers import Province, _receive

pytestmark = pytest.mark.django_db
HOUR = 3600


@pytest.fixture
def prov(db):
    return with_legs(Province())


def with_legs(prov: Province) -> Province:
    """The province with commune A's police and the province's social insurance, their officers, and
    the birth group 3.000722 with its three legs (also for tests/browser/test_legs.py)."""
    prov.police = AgencyFactory(code="000.01.30.T01", name="Công an xã A", parent=prov.a)
    prov.insurance = AgencyFactory(code="000.00.40.T01", name="Bảo hiểm xã hội tỉnh T", level=Level.PROVINCE,
                                   parent=prov.p)
    for where, role in [("a", Role.LEADER), ("police", Role.RECEPTION), ("police", Role.SPECIALIST),
                        ("police", Role.LEADER), ("insurance", Role.RECEPTION), ("insurance", Role.LEADER)]:
        setattr(prov, f"{where}_{role}", UserFactory(agency=getattr(prov, where), role=role,
                                                     username=f"{role}.{where}"))
    # 3.000722: khai sinh the same working day, thường trú 2 working days, thẻ BHYT 2 (Art 7(2)).
    prov.group = full_variant(code="3.000722", name="Liên thông khai sinh, thường trú, thẻ BHYT", time_limit="3")
    prov.group.procedure.agencies.add(prov.a)
    for order, name, agency, days in [(1, "Đăng ký khai sinh", None, "0"), (2, "Đăng ký thường trú", prov.police, "2"),
                                      (3, "Cấp thẻ BHYT cho trẻ dưới 6 tuổi", prov.insurance, "2")]:
        ProcedureLeg.objects.create(procedure=prov.group.procedure, order=order, name=name, agency=agency,
                                    days=Decimal(days), national_group=NationalGroup.BIRTH)
    return prov


def _run(prov, frozen):
    """Monday 2 March 10:00 at commune A; the police take it in at 15:00 (due Wednesday's closing) and
    send it on Thursday at 8:00, half an hour of work late; social insurance sends it back at 9:00."""
    dossier = _receive(prov, frozen, vn(2026, 3, 2, 10, 0), variant=prov.group)
    frozen.set(vn(2026, 3, 2, 14, 0))
    dossier = transfers.dossier_transfer(dossier=dossier, actor=prov.a_reception)
    frozen.set(vn(2026, 3, 2, 15, 0))
    dossier = transfers.dossier_receive_transfer(dossier=dossier, actor=prov.police_reception)
    frozen.set(vn(2026, 3, 3, 9, 0))
    dossier = services.dossier_hand_over(dossier=dossier, actor=prov.police_reception,
                                         to_user=prov.police_specialist)
    frozen.set(vn(2026, 3, 5, 8, 0))
    dossier = transfers.dossier_transfer(dossier=dossier, actor=prov.police_specialist)
    frozen.set(vn(2026, 3, 5, 8, 30))
    dossier = transfers.dossier_receive_transfer(dossier=dossier, actor=prov.insurance_reception)
    frozen.set(vn(2026, 3, 5, 9, 0))
    dossier = transfers.dossier_transfer(dossier=dossier, actor=prov.insurance_reception)
    frozen.set(vn(2026, 3, 5, 9, 30))
    return transfers.dossier_receive_transfer(dossier=dossier, actor=prov.a_reception)


def test_the_legs_run_in_order_each_due_by_its_share(prov, frozen):
    dossier = _run(prov, frozen)
    assert (dossier.transfer_state, dossier.leg_agency, dossier.legs_left, dossier.holder) == (
        "", None, 0, prov.a_reception)
    # Three working days, the day of intake not counted (no holiday this week): Thursday's closing.
    assert dossier.legal_due_at == vn(2026, 3, 5, 17, 0)
    rows = list(dossier.legs.values_list("order", "agency_id", "started_at", "due_at", "finished_at", "timeliness",
                                         "late_seconds", "sync_state"))
    assert rows == [
        # Same working day: Monday's closing.
        (1, prov.a.pk, vn(2026, 3, 2, 10, 0), vn(2026, 3, 2, 17, 0), vn(2026, 3, 2, 14, 0), Timeliness.ON_TIME, 0,
         SyncState.PENDING),
        # Two working days from Monday 15:00, its own day not counted: Wednesday's closing; sent on
        # Thursday at 8:00, half an hour after the office opened at 7:30.
        (2, prov.police.pk, vn(2026, 3, 2, 15, 0), vn(2026, 3, 4, 17, 0), vn(2026, 3, 5, 8, 0), Timeliness.LATE,
         HOUR // 2, SyncState.PENDING),
        # Two working days from Thursday 8:30 would be Monday: capped at the dossier's legal due time.
        (3, prov.insurance.pk, vn(2026, 3, 5, 8, 30), vn(2026, 3, 5, 17, 0), vn(2026, 3, 5, 9, 0),
         Timeliness.ON_TIME, 0, SyncState.PENDING),
    ]
    sent = list(DossierTransfer.objects.filter(dossier=dossier).order_by("sent_at")
                .values_list("direction", "from_agency_id", "to_agency_id", "timeliness"))
    assert sent == [("leg", prov.a.pk, prov.police.pk, Timeliness.ON_TIME),
                    ("leg", prov.police.pk, prov.insurance.pk, Timeliness.LATE),
                    ("leg", prov.insurance.pk, prov.a.pk, Timeliness.ON_TIME)]
    # One dossier, one code: the commune's; it approves and returns the result.
    assert dossier.code.startswith(prov.a.code + "-260302-")
    frozen.set(vn(2026, 3, 5, 10, 0))
    dossier = services.dossier_approve(dossier=dossier, actor=prov.a_leader, result_summary="Giấy khai sinh")
    frozen.set(vn(2026, 3, 5, 10, 30))
    dossier = services.dossier_return(dossier=dossier, actor=prov.a_reception, collected_by="Trần Thị Bình",
                                      collected_id_number="038190001234")
    # Approved on the day it was due, the police leg's half hour notwithstanding: the dossier is on time.
    assert (dossier.status, dossier.timeliness) == ("returned", Timeliness.ON_TIME)


def test_the_late_leg_is_the_police_s_and_its_officer_s(prov, frozen):
    _run(prov, frozen)
    march = month_period(2026, 3)
    police = {r.key: (r.steps, r.late_steps, r.late_seconds)
              for r in officers(scope=scope_for(prov.police_leader), period=march)}
    # The counter took it in and handed it over in time; the specialist, who inherited the leg's due
    # (Wednesday's closing), sent it on half an hour of work after it.
    assert police[prov.police_reception.pk] == (1, 0, 0)
    assert police[prov.police_specialist.pk] == (1, 1, HOUR // 2)
    commune = {r.key: (r.steps, r.late_steps) for r in officers(scope=scope_for(prov.a_leader), period=march)}
    assert commune[prov.a_reception.pk] == (1, 0)  # the intake, sent on in time (the last step is open)
    insurance = {r.key: r.late_steps for r in officers(scope=scope_for(prov.insurance_leader), period=march)}
    assert insurance[prov.insurance_reception.pk] == 0


def test_each_agency_reads_it_once_its_leg_has_started_and_acts_only_while_there(prov, frozen):
    dossier = _receive(prov, frozen, vn(2026, 3, 2, 10, 0), variant=prov.group)
    for outsider in (prov.police_reception, prov.insurance_reception, prov.b_reception):
        with pytest.raises(Http404):
            selectors.dossier_get_for_officer(user=outsider, code=dossier.code)
        assert not agencies.reads(outsider, dossier)
    frozen.set(vn(2026, 3, 2, 14, 0))
    dossier = transfers.dossier_transfer(dossier=dossier, actor=prov.a_reception)
    frozen.set(vn(2026, 3, 2, 15, 0))
    dossier = transfers.dossier_receive_transfer(dossier=dossier, actor=prov.police_reception)
    assert selectors.dossier_get_for_officer(user=prov.police_reception, code=dossier.code) == dossier
    with pytest.raises(Http404):
        selectors.dossier_get_for_officer(user=prov.insurance_reception, code=dossier.code)
    for leader in (prov.police_leader, prov.a_leader):  # nobody approves while legs are left
        with pytest.raises(ConflictError) as refused:
            services.dossier_approve(dossier=dossier, actor=leader, result_summary="Giấy khai sinh")
        assert refused.value.code == "legs_left"
    dossier.refresh_from_db()
    assert (dossier.status, dossier.finished_at) == ("received", None)
    with pytest.raises(ForbiddenError):  # the commune waits while the police hold it
        services.dossier_hand_over(dossier=dossier, actor=prov.a_reception, to_user=prov.police_specialist)
    assert dossier.transfer_state == TransferState.AT_AGENCY and dossier.leg_agency == prov.police
    # The commune keeps reading it (the lead and desk), and an officer's list shows only their agency's.
    assert agencies.reads(prov.a_reception, dossier)
    assert list(selectors.dossier_list_for_agency(user=prov.police_leader)) == []


def test_a_procedure_without_legs_is_as_before(prov, frozen):
    dossier = _receive(prov, frozen, vn(2026, 3, 2, 10, 0), variant=prov.birth)
    assert (dossier.legs_left, dossier.leg_agency, dossier.legs.count()) == (0, None, 0)
    assert agencies.acting_agency(dossier, "transfer") is None
    assert dt.timedelta(0) <= dossier.step_due_at - vn(2026, 3, 2, 10, 0)


def test_the_api_detail_carries_the_legs_and_who_holds_it(prov, frozen):
    from rest_framework.test import APIClient

    dossier = _receive(prov, frozen, vn(2026, 3, 2, 10, 0), variant=prov.group)
    frozen.set(vn(2026, 3, 2, 14, 0))
    dossier = transfers.dossier_transfer(dossier=dossier, actor=prov.a_reception)
    api = APIClient()
    api.force_authenticate(prov.police_reception)
    url = f"/api/v1/dossiers/{dossier.code}/"
    assert api.get(url).status_code == 200  # on its way to the police: they read it, to take it in
    api.force_authenticate(prov.insurance_reception)
    assert api.get(url).status_code == 404  # not yet theirs
    api.force_authenticate(prov.a_reception)
    body = api.get(url).json()
    assert (body["transfer_state"], body["leg_agency_code"]) == ("to_agency", prov.police.code)
    assert [(leg["order"], leg["agency_code"], leg["timeliness"], leg["sync_state"]) for leg in body["legs"]] == [
        (1, prov.a.code, "on_time", "pending"), (2, prov.police.code, "", "pending"),
        (3, prov.insurance.code, "", "pending")]
    taken = api.post(url + "transfer/receive/", {}, format="json")
    assert taken.status_code == 403  # only the police take it in
    api.force_authenticate(prov.police_reception)
    taken = api.post(url + "transfer/receive/", {}, format="json")
    assert taken.status_code == 200 and taken.json()["legs"][1]["due_at"] is not None


def test_the_citizen_sees_which_agency_holds_the_dossier_now(prov, frozen, client):
    """One dossier, one code: the lookup names the leg's agency while the police hold it, and no
    leg agency once it is back with the lead."""
    dossier = _receive(prov, frozen, vn(2026, 3, 2, 10, 0), variant=prov.group)
    pin = dossier.new_pin
    frozen.set(vn(2026, 3, 2, 14, 0))
    dossier = transfers.dossier_transfer(dossier=dossier, actor=prov.a_reception)

    page = client.post("/tra-cuu/", {"code": dossier.code, "pin": pin}, REMOTE_ADDR="10.9.9.9").content.decode()
    assert "Mã hồ sơ hoặc mã tra cứu không đúng." not in page and "Liên thông khai sinh" in page
    assert "Đang giải quyết tại (liên thông)" in page and "Công an xã A" in page

    dossier = _run(prov, frozen)  # a second dossier through all three legs, back at the commune
    Dossier.objects.filter(pk=dossier.pk).update(pin_hash=pins.pin_hash("KNOWN234"))  # its PIN, known here
    page = client.post("/tra-cuu/", {"code": dossier.code, "pin": "KNOWN234"}, REMOTE_ADDR="10.9.9.8").content.decode()
    assert "Mã hồ sơ hoặc mã tra cứu không đúng." not in page and "Liên thông khai sinh" in page
    assert "Đang giải quyết tại (liên thông)" not in page


# --------------------------------------------------------------------------- leaders: late legs per agency

TRANSFERS = "/can-bo/ho-so/lien-co-quan/"


def _late_legs(client, user):
    client.force_login(user)
    return [(agency, [(leg.dossier.code, leg.name, leg.due_at, leg.finished_at) for leg in legs])
            for agency, legs in client.get(TRANSFERS).context["late_legs"]]


def test_the_leaders_see_the_late_legs_per_agency_in_their_scope(prov, frozen, client, django_assert_num_queries):
    chief = UserFactory(agency=prov.p, role=Role.LEADER, username="lanhdao.tinh.t")
    first = _run(prov, frozen)  # the police sent it on Thursday 8:00, due Wednesday's closing
    # A second one the police took in on Monday 9 March at 15:00 and still hold on Thursday: due Wednesday.
    second = _receive(prov, frozen, vn(2026, 3, 9, 10, 0), variant=prov.group)
    frozen.set(vn(2026, 3, 9, 14, 0))
    second = transfers.dossier_transfer(dossier=second, actor=prov.a_reception)
    frozen.set(vn(2026, 3, 9, 15, 0))
    transfers.dossier_receive_transfer(dossier=second, actor=prov.police_reception)
    frozen.set(vn(2026, 3, 12, 9, 0))

    police = [(second.code, "Đăng ký thường trú", vn(2026, 3, 11, 17, 0), None),
              (first.code, "Đăng ký thường trú", vn(2026, 3, 4, 17, 0), vn(2026, 3, 5, 8, 0))]
    assert _late_legs(client, chief) == [(prov.police, police)]
    # The commune's leader reads their ward's police (below them); another commune, a leg agency with
    # no late leg and a counter officer see none.
    assert _late_legs(client, prov.a_leader) == [(prov.police, police)]
    b_leader = UserFactory(agency=prov.b, role=Role.LEADER, username="lanhdao.b")
    for user in (b_leader, prov.insurance_leader, prov.police_reception):
        assert _late_legs(client, user) == []
    assert _late_legs(client, prov.police_leader) == [(prov.police, police)]

    client.force_login(chief)
    client.get(TRANSFERS)
    # The user, the bell, the four sections, the scope, the transfers in flight, the late legs (one
    # query for the legs whatever their number), the transfers' lateness per agency.
    with django_assert_num_queries(10):
        page = client.get(TRANSFERS)
    html = page.content.decode()
    assert "Phần việc liên thông quá hạn theo cơ quan" in html
    assert "Công an xã A · 2 phần việc quá hạn" in html and "Chưa xong, đã quá hạn" in html
    # The leader reads the list, not the dossiers.
    assert client.get(f"/can-bo/ho-so/{first.code}/").status_code == 404


def test_the_late_legs_query_count_does_not_grow(prov, frozen, client, django_assert_num_queries):
    chief = UserFactory(agency=prov.p, role=Role.LEADER, username="lanhdao.tinh.t")
    _run(prov, frozen)
    client.force_login(chief)
    client.get(TRANSFERS)
    with django_assert_num_queries(10):  # as above
        assert len(client.get(TRANSFERS).context["late_legs"][0][1]) == 1


def test_the_citizen_s_timeline_shows_each_agency_s_part_as_its_own_row(prov, frozen):
    """The lookup merged the rows of one step index, and a leg's steps share the lead's: the police's
    and social insurance's parts read as one open row under "Tiếp nhận". Each part is its own row now,
    named by its agency (the citizen knows agencies, not their sections), and only the current one is open."""
    from dossiers.public import lookup

    dossier = _run(prov, frozen)
    rows = [(step["step"], step["unit"], step["started_at"], step["finished_at"])
            for step in lookup.public_view(lookup._public_dossier(dossier.pk))["timeline"]]
    at_police = [row for row in rows if row[1] == "Công an xã A"]
    at_insurance = [row for row in rows if row[1] == "Bảo hiểm xã hội tỉnh T"]
    # The police: the journey there (theirs to take in), then their counter's and their specialist's steps.
    assert [(name, started, finished) for name, _, started, finished in at_police] == [
        ("Chuyển đến Công an xã A", vn(2026, 3, 2, 14, 0), vn(2026, 3, 2, 15, 0)),
        ("Đăng ký thường trú", vn(2026, 3, 2, 15, 0), vn(2026, 3, 3, 9, 0)),
        ("Thẩm định, xử lý", vn(2026, 3, 3, 9, 0), vn(2026, 3, 5, 8, 0)),
    ]
    assert [(name, started, finished) for name, _, started, finished in at_insurance] == [
        ("Chuyển đến Bảo hiểm xã hội tỉnh T", vn(2026, 3, 5, 8, 0), vn(2026, 3, 5, 8, 30)),
        ("Cấp thẻ BHYT cho trẻ dưới 6 tuổi", vn(2026, 3, 5, 8, 30), vn(2026, 3, 5, 9, 0)),
    ]
    assert [row for row in rows if row[3] is None] == [rows[-1]]  # only the lead's step after the legs is open
    assert rows[-1][2] == vn(2026, 3, 5, 9, 30) and not any("Công an" in (row[1] or "") for row in rows[-1:])
