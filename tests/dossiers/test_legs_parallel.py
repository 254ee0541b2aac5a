"""Parallel liên thông legs (issue 23, item 3; Decree 61/2018 Art 19(6)(b): electronic legs go to all the
agencies at once): the death group 2.002913 of Decree 63/2024 at commune A, khai tử first, then the
police's xóa thường trú (the same working day) beside social insurance's funeral allowance (8 working
days). Each leg's due time against the plain calendar, the stage waiting for all its legs, each agency
acting on its own leg only, nobody else reading it, and each leg's lateness its agency's and officer's."""

import datetime as dt
from decimal import Decimal

import pytest
from django.http import Http404
from rest_framework.test import APIClient

from dossiers import agencies, selectors, services, transfers
from dossiers.leaders.officers import officers
from dossiers.leaders.periods import month_period
from dossiers.leaders.scope import scope_for
from dossiers.models import DossierStep, DossierTransfer, Timeliness, TransferState
from mocua.accounts.models import Role
from mocua.errors import ConflictError, DomainError, ForbiddenError
from procedures.models import NationalGroup, ProcedureLeg

from ..factories import UserFactory, full_variant
from .conftest import vn
from .test_legs import with_legs
from .test_transfers import Province, _receive

pytestmark = pytest.mark.django_db
HOUR = 3600


def closing_after(day: dt.date, working_days: int) -> dt.datetime:
    """17:00 on the `working_days`-th weekday after `day` (the day itself not counted). Plain calendar
    arithmetic: March 2026 has no public holiday and no make-up Saturday."""
    while working_days:
        day += dt.timedelta(days=1)
        working_days -= day.weekday() < 5
    return vn(day.year, day.month, day.day, 17, 0)


@pytest.fixture
def prov(db):
    return with_death(with_legs(Province()))


def with_death(prov: Province) -> Province:
    """The death group 2.002913 at commune A, its two later legs in parallel, and a social-insurance
    specialist (also for tests/browser/test_legs_parallel.py)."""
    prov.insurance_specialist = UserFactory(agency=prov.insurance, role=Role.SPECIALIST, username="cv.bhxh")
    # 2.002913 with the BHXH funeral allowance: ≤ 9 working days (Decision 296/QĐ-VPCP/2024); after khai
    # tử, the two later legs both work from the death registration: one stage, in parallel.
    prov.death = full_variant(code="2.002913", name="Liên thông khai tử, xóa thường trú, mai táng phí",
                              time_limit="9")
    prov.death.procedure.agencies.add(prov.a)
    for order, name, agency, days in [(1, "Đăng ký khai tử", None, "0"),
                                      (2, "Xóa đăng ký thường trú", prov.police, "0"),
                                      (2, "Giải quyết mai táng phí", prov.insurance, "8")]:
        ProcedureLeg.objects.create(procedure=prov.death.procedure, order=order, name=name, agency=agency,
                                    days=Decimal(days), national_group=NationalGroup.DEATH)
    return prov


def _sent(prov, frozen):
    """Monday 2 March 10:00 at commune A; sent to both agencies at 14:00."""
    dossier = _receive(prov, frozen, vn(2026, 3, 2, 10, 0), variant=prov.death)
    frozen.set(vn(2026, 3, 2, 14, 0))
    return transfers.dossier_transfer(dossier=dossier, actor=prov.a_reception)


def _run(prov, frozen):
    """The police take their copy in at 14:30 (due Monday's closing, the same working day), hand it to
    their specialist at 16:00, who sends it back on Tuesday at 8:00, half an hour of work late; social
    insurance takes its copy in at 16:00 and sends it back on Wednesday 11 March; the commune takes it
    back at 10:30."""
    dossier = _sent(prov, frozen)
    frozen.set(vn(2026, 3, 2, 14, 30))
    dossier = transfers.dossier_receive_transfer(dossier=dossier, actor=prov.police_reception)
    frozen.set(vn(2026, 3, 2, 16, 0))
    dossier = transfers.dossier_receive_transfer(dossier=dossier, actor=prov.insurance_reception)
    dossier = services.dossier_hand_over(dossier=dossier, actor=prov.police_reception, to_user=prov.police_specialist)
    frozen.set(vn(2026, 3, 3, 8, 0))
    dossier = transfers.dossier_transfer(dossier=dossier, actor=prov.police_specialist)
    frozen.set(vn(2026, 3, 4, 9, 0))
    dossier = services.dossier_hand_over(dossier=dossier, actor=prov.insurance_reception,
                                         to_user=prov.insurance_specialist)
    frozen.set(vn(2026, 3, 11, 10, 0))
    dossier = transfers.dossier_transfer(dossier=dossier, actor=prov.insurance_specialist)
    frozen.set(vn(2026, 3, 11, 10, 30))
    return transfers.dossier_receive_transfer(dossier=dossier, actor=prov.a_reception)


def test_the_stage_goes_to_every_agency_at_once_each_leg_due_by_its_share(prov, frozen):
    dossier = _run(prov, frozen)
    assert dossier.legal_due_at == closing_after(dt.date(2026, 3, 2), 9)  # Friday 13 March
    rows = list(dossier.legs.order_by("order", "pk").values_list(
        "order", "parallel", "agency_id", "started_at", "due_at", "finished_at", "timeliness", "late_seconds"))
    assert rows == [
        (1, False, prov.a.pk, vn(2026, 3, 2, 10, 0), vn(2026, 3, 2, 17, 0), vn(2026, 3, 2, 14, 0),
         Timeliness.ON_TIME, 0),
        # The same working day from 14:30 (before 15:00): Monday's closing; sent back Tuesday 8:00, half
        # an hour after the office opened at 7:30.
        (2, True, prov.police.pk, vn(2026, 3, 2, 14, 30), vn(2026, 3, 2, 17, 0), vn(2026, 3, 3, 8, 0),
         Timeliness.LATE, HOUR // 2),
        # Eight working days from Monday, its own day not counted: Thursday 12 March, inside the legal due;
        # sent back the day before.
        (2, True, prov.insurance.pk, vn(2026, 3, 2, 16, 0), closing_after(dt.date(2026, 3, 2), 8),
         vn(2026, 3, 11, 10, 0), Timeliness.EARLY, 0),
    ]
    sent = list(DossierTransfer.objects.filter(dossier=dossier).order_by("sent_at", "to_agency__name").values_list(
        "from_agency_id", "to_agency_id", "mode", "sent_at", "received_by_id", "timeliness"))
    # One electronic transfer to each agency of the stage, at the same moment; each part back to the lead.
    assert sent == [
        (prov.a.pk, prov.insurance.pk, "electronic", vn(2026, 3, 2, 14, 0), prov.insurance_reception.pk,
         Timeliness.ON_TIME),
        (prov.a.pk, prov.police.pk, "electronic", vn(2026, 3, 2, 14, 0), prov.police_reception.pk, Timeliness.ON_TIME),
        (prov.police.pk, prov.a.pk, "electronic", vn(2026, 3, 3, 8, 0), prov.a_reception.pk, Timeliness.LATE),
        (prov.insurance.pk, prov.a.pk, "electronic", vn(2026, 3, 11, 10, 0), prov.a_reception.pk, Timeliness.EARLY),
    ]
    assert (dossier.leg_stage, dossier.legs_left, dossier.transfer_state, dossier.holder) == (0, 0, "",
                                                                                             prov.a_reception)
    frozen.set(vn(2026, 3, 11, 11, 0))
    dossier = services.dossier_approve(dossier=dossier, actor=prov.a_leader, result_summary="Trích lục khai tử")
    assert (dossier.status, dossier.timeliness) == ("result_ready", Timeliness.EARLY)  # two days before Friday 13


def test_the_lead_waits_for_every_leg_of_the_stage(prov, frozen):
    dossier = _sent(prov, frozen)
    assert (dossier.leg_stage, dossier.legs_left, dossier.transfer_state, dossier.leg_agency) == (
        2, 2, TransferState.TO_AGENCY, None)
    for counter in (prov.police_reception, prov.insurance_reception):  # each copy waits at its own counter
        incoming = selectors.transfers_for_agency(user=counter)["incoming"]
        assert [(t.dossier_id, t.to_agency_id) for t in incoming] == [(dossier.pk, counter.agency_id)]
    frozen.set(vn(2026, 3, 2, 14, 30))
    dossier = transfers.dossier_receive_transfer(dossier=dossier, actor=prov.police_reception)
    frozen.set(vn(2026, 3, 2, 15, 30))
    dossier = transfers.dossier_transfer(dossier=dossier, actor=prov.police_reception)  # police's part, on time
    assert (dossier.leg_stage, dossier.legs_left) == (2, 1)  # social insurance has not even taken its copy in
    with pytest.raises(ConflictError) as early:
        transfers.dossier_receive_transfer(dossier=dossier, actor=prov.a_reception)
    assert early.value.code == "legs_open"
    with pytest.raises(ConflictError) as approve:
        services.dossier_approve(dossier=dossier, actor=prov.a_leader, result_summary="Trích lục khai tử")
    assert approve.value.code == "legs_left"
    dossier.refresh_from_db()
    assert (dossier.status, dossier.leg_stage, dossier.finished_at) == ("received", 2, None)
    assert dossier.transfers.filter(received_at__isnull=True).count() == 2  # insurance's copy, police's part


def test_each_agency_acts_only_on_its_own_leg(prov, frozen):
    dossier = _sent(prov, frozen)
    frozen.set(vn(2026, 3, 2, 14, 30))
    dossier = transfers.dossier_receive_transfer(dossier=dossier, actor=prov.police_reception)
    with pytest.raises(ForbiddenError):  # the police's copy is taken in once
        transfers.dossier_receive_transfer(dossier=dossier, actor=prov.police_reception)
    with pytest.raises(ForbiddenError):  # social insurance has not taken its copy in: nothing to hand over
        services.dossier_hand_over(dossier=dossier, actor=prov.insurance_reception,
                                   to_user=prov.insurance_specialist)
    with pytest.raises(DomainError) as other:  # the police hand over among their own officers only
        services.dossier_hand_over(dossier=dossier, actor=prov.police_reception, to_user=prov.insurance_specialist)
    assert other.value.code == "other_agency"
    with pytest.raises(ForbiddenError):  # the lead waits: it neither works nor sends during the stage
        services.dossier_hand_over(dossier=dossier, actor=prov.a_reception, to_user=prov.a_specialist)
    with pytest.raises(ForbiddenError):
        transfers.dossier_transfer(dossier=dossier, actor=prov.a_reception)
    with pytest.raises(ForbiddenError):  # another commune's counter
        transfers.dossier_receive_transfer(dossier=dossier, actor=prov.b_reception)
    dossier = services.dossier_hand_over(dossier=dossier, actor=prov.police_reception, to_user=prov.police_specialist)
    another = UserFactory(agency=prov.police, role=Role.SPECIALIST, username="cv2.police")
    with pytest.raises(ForbiddenError):  # a specialist who does not hold the police's leg
        transfers.dossier_transfer(dossier=dossier, actor=another)
    dossier = transfers.dossier_transfer(dossier=dossier, actor=prov.police_specialist)
    with pytest.raises(ForbiddenError):  # its part is sent: the police are done
        services.dossier_hand_over(dossier=dossier, actor=prov.police_leader, to_user=prov.police_specialist)
    # The police's steps are its own agency's, each finished; the insurance's journey is still open.
    steps = list(DossierStep.objects.filter(dossier=dossier, agency=prov.police).order_by("pk")
                 .values_list("step_name", "to_user_id", "finished_at"))
    assert steps == [("Chuyển đến Công an xã A", None, vn(2026, 3, 2, 14, 30)),
                     ("Xóa đăng ký thường trú", prov.police_reception.pk, vn(2026, 3, 2, 14, 30)),
                     ("Xóa đăng ký thường trú", prov.police_specialist.pk, vn(2026, 3, 2, 14, 30))]
    assert DossierStep.objects.filter(dossier=dossier, finished_at__isnull=True).get().agency == prov.insurance


def test_a_parallel_stage_is_sent_electronically_only(prov, frozen):
    dossier = _receive(prov, frozen, vn(2026, 3, 2, 10, 0), variant=prov.death)
    with pytest.raises(DomainError) as paper:
        transfers.dossier_transfer(dossier=dossier, actor=prov.a_reception, mode="paper")
    assert paper.value.code == "parallel_electronic"
    dossier.refresh_from_db()
    assert (dossier.leg_stage, dossier.legs_left, dossier.transfers.count()) == (0, 3, 0)


def test_nobody_else_reads_it(prov, frozen):
    dossier = _receive(prov, frozen, vn(2026, 3, 2, 10, 0), variant=prov.death)
    for outsider in (prov.police_reception, prov.insurance_reception):  # not theirs before the stage
        assert not agencies.reads(outsider, dossier)
    frozen.set(vn(2026, 3, 2, 14, 0))
    dossier = transfers.dossier_transfer(dossier=dossier, actor=prov.a_reception)
    for reader in (prov.police_reception, prov.insurance_leader, prov.a_reception):
        assert agencies.reads(reader, dossier)
        assert selectors.dossier_get_for_officer(user=reader, code=dossier.code) == dossier
    for outsider in (prov.b_reception, prov.justice_leader, prov.z_reception):
        assert not agencies.reads(outsider, dossier)
        with pytest.raises(Http404):
            selectors.dossier_get_for_officer(user=outsider, code=dossier.code)
    # The lists stay each agency's own.
    assert list(selectors.dossier_list_for_agency(user=prov.police_leader)) == []


def test_each_leg_s_lateness_is_its_agency_s_and_its_officer_s(prov, frozen):
    _run(prov, frozen)
    march = month_period(2026, 3)
    police = {r.key: (r.steps, r.late_steps, r.late_seconds)
              for r in officers(scope=scope_for(prov.police_leader), period=march)}
    # The counter took its copy in and handed it on in time; the specialist, who inherited the leg's due
    # (Monday's closing), sent it back half an hour of work after it.
    assert police[prov.police_reception.pk] == (1, 0, 0)
    assert police[prov.police_specialist.pk] == (1, 1, HOUR // 2)
    insurance = {r.key: (r.steps, r.late_steps) for r in officers(scope=scope_for(prov.insurance_leader),
                                                                   period=march)}
    assert insurance[prov.insurance_reception.pk] == (1, 0)
    assert insurance[prov.insurance_specialist.pk] == (1, 0)
    late = selectors.late_legs_by_agency(scope=(prov.a.pk, prov.police.pk, prov.insurance.pk),
                                         now=vn(2026, 3, 11, 12, 0))
    assert [(agency, [leg.name for leg in rows]) for agency, rows in late] == [
        (prov.police, ["Xóa đăng ký thường trú"])]


def test_after_a_parallel_stage_the_lead_sends_the_next_stage(prov, frozen):
    """A third stage after the parallel one (the Department of Justice, 1 working day): the lead takes
    the dossier back once both parts are in, then sends it on; the sends add up to legs_left."""
    ProcedureLeg.objects.create(procedure=prov.death.procedure, order=3, name="Cập nhật hộ tịch", agency=prov.justice,
                                days=Decimal("1"))
    dossier = _sent(prov, frozen)
    assert dossier.legs_left == 4  # both parts back, then to the Department, then back from it
    for counter in (prov.police_reception, prov.insurance_reception):
        dossier = transfers.dossier_receive_transfer(dossier=dossier, actor=counter)
        dossier = transfers.dossier_transfer(dossier=dossier, actor=counter)
    dossier = transfers.dossier_receive_transfer(dossier=dossier, actor=prov.a_reception)
    assert (dossier.leg_stage, dossier.legs_left, dossier.leg_agency) == (0, 2, None)
    # One agency in the next stage: paper is allowed again.
    dossier = transfers.dossier_transfer(dossier=dossier, actor=prov.a_reception, mode="paper")
    assert (dossier.leg_agency, dossier.legs_left, dossier.transfer_state) == (prov.justice, 1, TransferState.TO_AGENCY)
    dossier = transfers.dossier_receive_transfer(dossier=dossier, actor=prov.justice_reception)
    dossier = transfers.dossier_transfer(dossier=dossier, actor=prov.justice_reception)
    dossier = transfers.dossier_receive_transfer(dossier=dossier, actor=prov.a_reception)
    open_legs = dossier.legs.filter(finished_at__isnull=True).count()
    assert (dossier.legs_left, dossier.leg_agency, open_legs) == (0, None, 0)


def test_the_api_names_every_agency_holding_it(prov, frozen):
    dossier = _sent(prov, frozen)
    api = APIClient()
    url = f"/api/v1/dossiers/{dossier.code}/"
    api.force_authenticate(prov.b_reception)
    assert api.get(url).status_code == 404
    api.force_authenticate(prov.police_reception)
    assert api.post(url + "transfer/receive/", {}, format="json").status_code == 200
    api.force_authenticate(prov.a_reception)
    body = api.get(url).json()
    assert (body["leg_stage"], body["leg_agency_code"], sorted(body["leg_agency_codes"])) == (
        2, None, sorted([prov.police.code, prov.insurance.code]))
    assert [(leg["stage"], leg["parallel"], leg["agency_code"]) for leg in body["legs"]] == [
        (1, False, prov.a.code), (2, True, prov.police.code), (2, True, prov.insurance.code)]
    refused = api.post(url + "transfer/receive/", {}, format="json")  # the lead waits for both
    assert refused.status_code == 409 and refused.json()["code"] == "legs_open"
    api.force_authenticate(prov.insurance_reception)
    assert api.post(url + "transfer/", {"mode": "electronic"}, format="json").status_code == 403  # not taken in
    api.force_authenticate(prov.police_reception)
    assert api.post(url + "transfer/", {"mode": "electronic"}, format="json").status_code == 200
    api.force_authenticate(prov.a_reception)
    assert api.get(url).json()["leg_agency_codes"] == [prov.insurance.code]


def test_the_citizen_sees_every_agency_holding_it(prov, frozen, client):
    received = _receive(prov, frozen, vn(2026, 3, 2, 10, 0), variant=prov.death)
    pin = received.new_pin
    frozen.set(vn(2026, 3, 2, 14, 0))
    dossier = transfers.dossier_transfer(dossier=received, actor=prov.a_reception)
    page = client.post("/tra-cuu/", {"code": dossier.code, "pin": pin}, REMOTE_ADDR="10.9.9.7").content.decode()
    assert "Đang giải quyết tại (liên thông)" in page
    assert "Công an xã A, Bảo hiểm xã hội tỉnh T" in page
    frozen.set(vn(2026, 3, 2, 14, 30))  # the police take their copy in and send their part back
    dossier = transfers.dossier_receive_transfer(dossier=dossier, actor=prov.police_reception)
    transfers.dossier_transfer(dossier=dossier, actor=prov.police_reception)
    page = client.post("/tra-cuu/", {"code": dossier.code, "pin": pin}, REMOTE_ADDR="10.9.9.6").content.decode()
    # The police's part is done: the holding line names social insurance only (the timeline keeps the
    # police's finished part, as its own row).
    assert '<dd id="leg-agency">Bảo hiểm xã hội tỉnh T</dd>' in page


def test_the_catalogue_refuses_the_lead_in_a_parallel_stage(prov):
    from django.core.exceptions import ValidationError

    procedure = prov.death.procedure
    for order, agency in [(2, None), (1, prov.justice)]:  # the lead beside the police; a partner in the lead's stage
        with pytest.raises(ValidationError):
            ProcedureLeg(procedure=procedure, order=order, name="Phần việc", agency=agency, days=Decimal("1")).clean()
    ProcedureLeg(procedure=procedure, order=2, name="Cập nhật hộ tịch", agency=prov.justice, days=Decimal("1")).clean()


def test_another_agency_s_move_does_not_make_a_leg_s_page_stale(prov, frozen):
    """Each agency's page carries the version it read; in a stage the others' moves bump it, and its own
    leg's move still goes through (its checks are on its own leg, under the lock). Outside a stage a
    stale version is refused as before."""
    dossier = _sent(prov, frozen)
    read_by_police = dossier.version
    frozen.set(vn(2026, 3, 2, 14, 30))
    transfers.dossier_receive_transfer(dossier=dossier, actor=prov.insurance_reception, expected_version=read_by_police)
    dossier = transfers.dossier_receive_transfer(dossier=dossier, actor=prov.police_reception,
                                                 expected_version=read_by_police)
    assert dossier.version == read_by_police + 2
    services.dossier_hand_over(dossier=dossier, actor=prov.police_reception, to_user=prov.police_specialist,
                               expected_version=read_by_police)
    plain = _receive(prov, frozen, vn(2026, 3, 2, 15, 0), variant=prov.birth)
    with pytest.raises(ConflictError) as stale:
        services.dossier_hand_over(dossier=plain, actor=prov.a_reception, to_user=prov.a_specialist,
                                   expected_version=plain.version - 1)
    assert stale.value.code == "stale_version"


def test_the_citizen_s_timeline_keeps_each_agency_s_part_in_one_row(prov, frozen):
    """In a parallel stage the two agencies' rows interleave (the police hand over at 16:00, between
    social insurance's take-in and its hand-over): each agency's part still reads as one row, from its
    take-in to its sending back, named by the agency."""
    from dossiers.public import lookup

    dossier = _run(prov, frozen)
    rows = [(step["step"], step["unit"], step["started_at"], step["finished_at"])
            for step in lookup.public_view(lookup._public_dossier(dossier.pk))["timeline"]]
    parts = [row for row in rows if row[1] in ("Công an xã A", "Bảo hiểm xã hội tỉnh T")
             and not row[0].startswith("Chuyển đến")]
    names = {leg.agency.name: leg.name for leg in dossier.legs.select_related("agency") if leg.agency_id != prov.a.pk}
    assert parts == [
        (names["Công an xã A"], "Công an xã A", vn(2026, 3, 2, 14, 30), vn(2026, 3, 3, 8, 0)),
        (names["Bảo hiểm xã hội tỉnh T"], "Bảo hiểm xã hội tỉnh T", vn(2026, 3, 2, 16, 0), vn(2026, 3, 11, 10, 0)),
    ]
