"""One-stop across agencies (issue 23, first phase): the desk and the competent agency, transfers
between them and their due times, who reads and acts where, through the services; Biểu 06 counts the
dossier at the agency that resolves it."""

import datetime as dt

import pytest
from django.http import Http404

from dossiers import agencies, selectors, services, transfers
from dossiers.models import DossierDayFigures, DossierTransfer, Grain, Timeliness, TransferMode, TransferState
from mocua.accounts.models import Level, Role
from mocua.errors import ConflictError, DomainError, ForbiddenError
from procedures.models import ClockStart

from ..factories import AgencyFactory, UserFactory, full_variant
from .conftest import make_intake, vn

pytestmark = pytest.mark.django_db


class Province:
    """Province P: its service centre, its Department of Justice (an agency of its own), communes A
    and B; commune Z of another province. Officers named by agency and role."""

    def __init__(self):
        self.p = AgencyFactory(code="000.00.00.T01", name="UBND tỉnh T", level=Level.PROVINCE)
        self.centre = AgencyFactory(code="000.00.21.T01", name="Trung tâm PVHCC tỉnh T", level=Level.PROVINCE,
                                    parent=self.p)
        self.justice = AgencyFactory(code="000.00.14.T01", name="Sở Tư pháp tỉnh T", level=Level.PROVINCE,
                                     parent=self.p)
        self.a = AgencyFactory(code="000.01.22.T01", name="UBND xã A", parent=self.p)
        self.b = AgencyFactory(code="000.02.22.T01", name="UBND xã B", parent=self.p)
        q = AgencyFactory(code="000.00.00.T02", name="UBND tỉnh Q", level=Level.PROVINCE)
        self.z = AgencyFactory(code="000.01.22.T02", name="UBND xã Z", parent=q)
        people = [("a", Role.RECEPTION), ("a", Role.SPECIALIST), ("b", Role.RECEPTION), ("z", Role.RECEPTION),
                  ("centre", Role.RECEPTION), ("justice", Role.RECEPTION), ("justice", Role.SPECIALIST),
                  ("justice", Role.LEADER)]
        for where, role in people:
            setattr(self, f"{where}_{role}", UserFactory(agency=getattr(self, where), role=role,
                                                         username=f"{role}.{where}"))
        # Criminal-record certificates: a provincial procedure resolved by the Department of Justice.
        self.record = full_variant(code="3.000333", name="Cấp Phiếu lý lịch tư pháp", level=Level.PROVINCE)
        self.record.procedure.agencies.add(self.justice)
        # A commune procedure every commune of the province resolves.
        self.birth = full_variant(code="1.001193", name="Đăng ký khai sinh")
        self.birth.procedure.agencies.add(self.a, self.b)


@pytest.fixture
def prov(db):
    return Province()


def _receive(prov, frozen, at, *, actor=None, variant=None, **overrides):
    frozen.set(at)
    return services.dossier_receive(actor=actor or prov.a_reception,
                                    intake=make_intake(variant or prov.record, **overrides))


# --------------------------------------------------------------------------- desk and competent agency


def test_the_intake_picks_the_competent_agency(prov):
    assert agencies.competent_choices(prov.a, prov.record.procedure) == [prov.justice]
    assert agencies.competent_choices(prov.centre, prov.record.procedure) == [prov.justice]
    assert agencies.competent_choices(prov.a, prov.birth.procedure) == [prov.a]  # resolved where received
    # The centre receives a commune procedure: the law leaves the commune to choose.
    assert agencies.competent_choices(prov.centre, prov.birth.procedure) == [prov.a, prov.b]
    # Another province's desk does not receive this province's procedures.
    assert agencies.competent_choices(prov.z, prov.record.procedure) == []


def test_a_dossier_received_for_another_agency_waits_at_the_desk(prov, frozen):
    dossier = _receive(prov, frozen, vn(2026, 3, 2, 10, 0))
    assert (dossier.agency, dossier.desk, dossier.transfer_state) == (prov.justice, prov.a, TransferState.AT_DESK)
    assert dossier.code.startswith(prov.a.code + "-260302-")  # the desk issues the receipt (Mẫu 01)
    assert dossier.holder == prov.a_reception
    # The desk must send it the same working day (electronic rule): Monday's closing.
    assert dossier.step_due_at == vn(2026, 3, 2, 17, 0)
    # Biểu 06 counts it at the agency that resolves it, not at the desk.
    rows = DossierDayFigures.objects.filter(grain=Grain.DAY)
    assert [(row.agency_id, row.new_offline) for row in rows] == [(prov.justice.pk, 1)]


def test_where_the_law_leaves_a_choice_the_officer_must_choose(prov, frozen):
    with pytest.raises(DomainError) as refused:
        _receive(prov, frozen, vn(2026, 3, 2, 9, 0), actor=prov.centre_reception, variant=prov.birth)
    assert refused.value.code == "competent_agency_required"
    with pytest.raises(DomainError):  # not one of the catalogue's agencies
        _receive(prov, frozen, vn(2026, 3, 2, 9, 0), actor=prov.centre_reception, variant=prov.birth,
                 competent_agency=prov.justice)
    dossier = _receive(prov, frozen, vn(2026, 3, 2, 9, 0), actor=prov.centre_reception, variant=prov.birth,
                       competent_agency=prov.b)
    assert (dossier.agency, dossier.desk) == (prov.b, prov.centre)


def test_another_province_s_desk_is_refused_and_nothing_is_written(prov, frozen):
    with pytest.raises(DomainError) as refused:
        _receive(prov, frozen, vn(2026, 3, 2, 9, 0), actor=prov.z_reception)
    assert refused.value.code == "procedure_not_handled"
    assert not prov.record.procedure.dossiers.exists()


def test_a_dossier_resolved_where_received_is_as_before(prov, frozen):
    dossier = _receive(prov, frozen, vn(2026, 3, 2, 9, 0), variant=prov.birth)
    assert (dossier.agency, dossier.desk, dossier.transfer_state) == (prov.a, prov.a, "")
    with pytest.raises(ConflictError) as refused:
        transfers.dossier_transfer(dossier=dossier, actor=prov.a_reception)
    assert refused.value.code == "not_transferable"


# --------------------------------------------------------------------------- transfer due times


def _next_weekday(day: dt.date) -> dt.date:
    """The plain calendar (the test weeks have no holiday): the next day from Monday to Friday."""
    day += dt.timedelta(days=1)
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    return day


def _closing(day: dt.date) -> dt.datetime:
    return vn(day.year, day.month, day.day, 17, 0)


@pytest.mark.parametrize("at", [vn(2026, 3, 2, 10, 0), vn(2026, 3, 2, 15, 0), vn(2026, 3, 2, 15, 30),
                                vn(2026, 3, 6, 16, 0), vn(2026, 3, 6, 9, 0), vn(2026, 3, 7, 9, 0)])
def test_transfer_due_times_against_the_plain_calendar(prov, at):
    # Electronic: the same working day, the next one after 15:00 (or on a day off).
    day = at.date()
    same_day = day.weekday() < 5 and at.time() <= dt.time(15, 0)
    electronic = _closing(day if same_day else _next_weekday(day))
    # Paper: within one working day, the day of intake not counted.
    first = day if day.weekday() < 5 else _next_weekday(day)
    paper = _closing(_next_weekday(first))
    assert agencies.transfer_due(at, TransferMode.ELECTRONIC, prov.a) == electronic
    assert agencies.transfer_due(at, TransferMode.PAPER, prov.a) == paper


def test_a_paper_transfer_sent_after_a_day_is_late_and_so_is_the_desk_step(prov, frozen):
    dossier = _receive(prov, frozen, vn(2026, 3, 2, 10, 0))
    frozen.set(vn(2026, 3, 4, 8, 0))  # Wednesday: paper was due by Tuesday's closing
    dossier = transfers.dossier_transfer(dossier=dossier, actor=prov.a_reception, mode=TransferMode.PAPER)
    sent = DossierTransfer.objects.get(dossier=dossier)
    assert (sent.due_at, sent.timeliness) == (vn(2026, 3, 3, 17, 0), Timeliness.LATE)
    desk_step = dossier.steps.order_by("started_at", "pk").first()
    assert (desk_step.to_user, desk_step.due_at, desk_step.timeliness) == (
        prov.a_reception, vn(2026, 3, 3, 17, 0), Timeliness.LATE)


# --------------------------------------------------------------------------- the journey


def test_desk_to_competent_agency_and_back_to_the_citizen(prov, frozen):
    dossier = _receive(prov, frozen, vn(2026, 3, 2, 10, 0))
    legal_due = dossier.legal_due_at
    frozen.set(vn(2026, 3, 2, 11, 0))
    dossier = transfers.dossier_transfer(dossier=dossier, actor=prov.a_reception, note="Đã ký số bản quét")
    assert (dossier.transfer_state, dossier.holder) == (TransferState.TO_AGENCY, None)
    sent = DossierTransfer.objects.get(dossier=dossier)
    assert (sent.from_agency, sent.to_agency, sent.due_at, sent.timeliness) == (
        prov.a, prov.justice, vn(2026, 3, 2, 17, 0), Timeliness.ON_TIME)

    frozen.set(vn(2026, 3, 2, 14, 0))
    dossier = transfers.dossier_receive_transfer(dossier=dossier, actor=prov.justice_reception)
    assert (dossier.transfer_state, dossier.holder, dossier.step_index) == (
        TransferState.AT_AGENCY, prov.justice_reception, 0)
    assert dossier.legal_due_at == legal_due  # the limit counts from the intake at the desk (the default)
    sent.refresh_from_db()
    assert (sent.received_by, sent.received_at) == (prov.justice_reception, vn(2026, 3, 2, 14, 0))

    # The competent agency's own steps; a plain handover to the desk's officer stays refused.
    with pytest.raises(DomainError) as refused:
        services.dossier_hand_over(dossier=dossier, actor=prov.justice_reception, to_user=prov.a_specialist)
    assert refused.value.message == "Chỉ chuyển hồ sơ cho cán bộ đang công tác tại cơ quan giải quyết."
    frozen.set(vn(2026, 3, 3, 8, 0))
    dossier = services.dossier_hand_over(dossier=dossier, actor=prov.justice_reception,
                                         to_user=prov.justice_specialist)
    frozen.set(vn(2026, 3, 4, 9, 0))
    dossier = services.dossier_approve(dossier=dossier, actor=prov.justice_leader, result_summary="Phiếu LLTP số 1")
    # The result waits with the officer who took the dossier in here: they send it back.
    assert (dossier.holder, dossier.transfer_state) == (prov.justice_reception, TransferState.AT_AGENCY)
    with pytest.raises(ForbiddenError):  # handed back at the desk, not here
        services.dossier_return(dossier=dossier, actor=prov.justice_reception, collected_by="Trần Thị Bình")

    frozen.set(vn(2026, 3, 4, 10, 0))
    dossier = transfers.dossier_transfer(dossier=dossier, actor=prov.justice_reception, mode=TransferMode.PAPER)
    back = DossierTransfer.objects.get(dossier=dossier, direction=DossierTransfer.Direction.BACK)
    assert (back.to_agency, back.due_at) == (prov.a, vn(2026, 3, 5, 17, 0))  # one working day from approval
    frozen.set(vn(2026, 3, 5, 8, 0))
    dossier = transfers.dossier_receive_transfer(dossier=dossier, actor=prov.a_reception)
    assert (dossier.transfer_state, dossier.holder) == (TransferState.BACK_AT_DESK, prov.a_reception)
    frozen.set(vn(2026, 3, 5, 9, 0))
    dossier = services.dossier_return(dossier=dossier, actor=prov.a_reception, collected_by="Trần Thị Bình",
                                      collected_id_number="038190001234")
    assert dossier.status == "returned" and dossier.holder is None

    # The control slip (Mẫu 06): each agency's steps, the journeys between them, each finished.
    steps = list(dossier.steps.order_by("started_at", "pk").values_list("step_name", "to_user__username"))
    assert steps == [
        ("Tiếp nhận hồ sơ", "reception.a"), ("Chuyển đến Sở Tư pháp tỉnh T", None),
        ("Tiếp nhận hồ sơ", "reception.justice"), ("Thẩm định, xử lý", "specialist.justice"),
        ("Trả kết quả", "reception.justice"), ("Chuyển đến UBND xã A", None), ("Trả kết quả", "reception.a"),
    ]
    assert not dossier.steps.filter(finished_at__isnull=True).exists()
    actions = list(dossier.events.order_by("at", "pk").values_list("action", flat=True))
    assert actions == ["receive", "transfer", "receive_transfer", "hand_over", "approve", "transfer",
                       "receive_transfer", "return"]
    # Biểu 06 at the resolving agency: received and resolved there, nothing at the desk.
    rows = DossierDayFigures.objects.filter(grain=Grain.DAY, agency=prov.a)
    assert not rows.exists()
    resolved = DossierDayFigures.objects.get(grain=Grain.DAY, agency=prov.justice, day=dt.date(2026, 3, 4))
    assert resolved.resolved_early + resolved.resolved_on_time + resolved.resolved_late == 1


def test_the_time_limit_starts_at_the_competent_agency_s_receipt_where_the_procedure_says(prov, frozen):
    procedure = prov.record.procedure
    procedure.clock_start = ClockStart.RECEIPT_BY_AGENCY
    procedure.save(update_fields=["clock_start"])
    dossier = _receive(prov, frozen, vn(2026, 3, 2, 10, 0))  # 3 working days from Monday: Thursday
    assert dossier.legal_due_at == _closing(dt.date(2026, 3, 5))
    frozen.set(vn(2026, 3, 2, 16, 0))
    dossier = transfers.dossier_transfer(dossier=dossier, actor=prov.a_reception)
    frozen.set(vn(2026, 3, 3, 9, 0))
    dossier = transfers.dossier_receive_transfer(dossier=dossier, actor=prov.justice_reception)
    # From Tuesday's receipt, the day not counted: Wednesday, Thursday, Friday.
    expected = _closing(_next_weekday(_next_weekday(_next_weekday(dt.date(2026, 3, 3)))))
    assert dossier.legal_due_at == dossier.due_at == expected == vn(2026, 3, 6, 17, 0)
    event = dossier.events.get(action="receive_transfer")
    assert event.data["new_due_at"] == "2026-03-06T17:00:00+07:00"


# --------------------------------------------------------------------------- who reads and acts where


def test_who_may_act_while_the_dossier_travels(prov, frozen):
    dossier = _receive(prov, frozen, vn(2026, 3, 2, 10, 0))
    with pytest.raises(ForbiddenError):  # the competent agency cannot send what the desk holds
        transfers.dossier_transfer(dossier=dossier, actor=prov.justice_reception)
    with pytest.raises(ForbiddenError):  # nor handle it before it arrives
        services.dossier_hand_over(dossier=dossier, actor=prov.justice_reception, to_user=prov.justice_specialist)
    with pytest.raises(ForbiddenError):  # another commune's desk, in the same province
        transfers.dossier_transfer(dossier=dossier, actor=prov.b_reception)
    with pytest.raises(ConflictError) as refused:
        transfers.dossier_receive_transfer(dossier=dossier, actor=prov.justice_reception)
    assert refused.value.code == "not_in_transit"
    dossier = transfers.dossier_transfer(dossier=dossier, actor=prov.a_reception)
    with pytest.raises(ForbiddenError):  # only the receiving agency takes it in
        transfers.dossier_receive_transfer(dossier=dossier, actor=prov.a_reception)
    with pytest.raises(ForbiddenError):
        services.dossier_withdraw(dossier=dossier, actor=prov.a_reception, reason="Rút")
    dossier = transfers.dossier_receive_transfer(dossier=dossier, actor=prov.justice_reception)
    with pytest.raises(ForbiddenError):  # the desk follows, the competent agency handles
        services.dossier_hand_over(dossier=dossier, actor=prov.a_reception, to_user=prov.justice_specialist)
    assert DossierTransfer.objects.filter(dossier=dossier).count() == 1


def test_the_desk_and_the_competent_agency_read_it_nobody_else(prov, frozen):
    dossier = _receive(prov, frozen, vn(2026, 3, 2, 10, 0))
    for officer in (prov.a_reception, prov.a_specialist, prov.justice_reception, prov.justice_leader):
        assert selectors.dossier_get_for_officer(user=officer, code=dossier.code).pk == dossier.pk
        assert selectors.dossier_get_row_for_officer(user=officer, code=dossier.code).pk == dossier.pk
    for officer in (prov.b_reception, prov.centre_reception, prov.z_reception):
        with pytest.raises(Http404):
            selectors.dossier_get_for_officer(user=officer, code=dossier.code)
        with pytest.raises(Http404):
            selectors.dossier_get_row_for_officer(user=officer, code=dossier.code)
    # The lists stay each agency's own: the desk finds the dossiers it sent on the transfers page.
    assert list(selectors.dossier_list_for_agency(user=prov.justice_leader)) == [dossier]
    assert list(selectors.dossier_list_for_agency(user=prov.a_reception)) == []


def test_biểu_06_counts_the_transferred_dossier_at_the_resolving_agency(prov, frozen, client):
    """The province leader's Biểu 06 by unit: the Department of Justice received and resolved it; commune
    A, whose desk received it, has nothing (its row, if any, counts none)."""
    dossier = _receive(prov, frozen, vn(2026, 3, 2, 10, 0))
    frozen.set(vn(2026, 3, 2, 11, 0))
    dossier = transfers.dossier_transfer(dossier=dossier, actor=prov.a_reception)
    frozen.set(vn(2026, 3, 2, 14, 0))
    dossier = transfers.dossier_receive_transfer(dossier=dossier, actor=prov.justice_reception)
    dossier = services.dossier_hand_over(dossier=dossier, actor=prov.justice_reception,
                                         to_user=prov.justice_specialist)
    frozen.set(vn(2026, 3, 3, 9, 0))
    services.dossier_approve(dossier=dossier, actor=prov.justice_leader, result_summary="Phiếu LLTP")
    chief = UserFactory(agency=prov.p, role=Role.LEADER, username="lanhdao.tinh.t")
    client.force_login(chief)
    report = client.get("/lanh-dao/bieu-06/?period=month&year=2026&month=3&by=unit").context["report"]
    rows = {row.label: row for row in report.rows}
    justice = rows[prov.justice.name]
    assert (justice["new_offline"], justice["resolved"], justice["resolved_early"]) == (1, 1, 1)
    assert prov.a.name not in rows or (rows[prov.a.name]["new_offline"], rows[prov.a.name]["resolved"]) == (0, 0)
    assert report.total["new_offline"] == 1


def test_the_receipt_is_the_desk_s_and_the_result_comes_back_there(prov, frozen):
    import io
    import unicodedata

    from pypdf import PdfReader

    from dossiers import documents

    dossier = _receive(prov, frozen, vn(2026, 3, 2, 10, 0))
    page = selectors.dossier_get_for_officer(user=prov.a_reception, code=dossier.code)
    pdf = PdfReader(io.BytesIO(documents.receipt_pdf(page)))
    text = unicodedata.normalize("NFC", " ".join(" ".join(p.extract_text() for p in pdf.pages).split()))
    assert "Trung tâm Phục vụ hành chính công xã A" in text  # the desk's one-stop unit (issue 21, item 7)
    assert "Sở Tư pháp" not in text
