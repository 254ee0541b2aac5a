"""Intake at the counter: dossier_receive (Mẫu 01), intake_guidance_create (Mẫu 02) and
dossier_refuse_intake (Mẫu 03), with every refusal of bad input."""

import re
from decimal import Decimal

import pytest

from dossiers import services
from dossiers.models import CodeCounter, Dossier, DossierDocument, DossierEvent, DossierFee, IntakeGuidance
from dossiers.workflow import Status
from mocua.errors import DomainError, ForbiddenError
from procedures.models import Channel

from ..factories import ProcedureFactory, UserFactory, full_variant
from .conftest import make_intake, vn

pytestmark = pytest.mark.django_db


def assert_nothing_saved():
    assert Dossier.objects.count() == 0
    assert DossierEvent.objects.count() == 0
    assert DossierDocument.objects.count() == 0
    assert DossierFee.objects.count() == 0
    assert CodeCounter.objects.count() == 0  # the sequence number was not used up either


def applicant(**changes) -> services.Applicant:
    values = {"name": "Trần Thị Bình", "id_number": "038190001234", "phone": "0912345678"}
    values.update(changes)
    return services.Applicant(**values)


# --------------------------------------------------------------------------- dossier_receive


def test_receive_logs_the_dossier_and_starts_the_clock(frozen, receptionist, variant):
    assert Dossier.objects.count() == 0

    dossier = services.dossier_receive(actor=receptionist, intake=make_intake(variant))

    dossier = Dossier.objects.get(pk=dossier.pk)
    assert dossier.status == Status.RECEIVED
    assert dossier.code == "000.17.22.H56-260302-0001"
    assert re.fullmatch(r"[23456789ABCDEFGHJKMNPQRSTUVWXYZ]{8}", dossier.pin)
    assert dossier.agency == receptionist.agency
    assert dossier.channel == Channel.COUNTER
    assert dossier.received_at == vn(2026, 3, 2, 8, 0)
    # 3 working days, the day of receipt not counted: Tue, Wed, Thu → Thu 05/03 at closing.
    assert dossier.legal_due_at == dossier.due_at == vn(2026, 3, 5, 17, 0)
    assert dossier.version == 1
    assert (dossier.holder, dossier.step_index) == (receptionist, 0)
    # The reception step's budget: 0.75 day = 5 h 37 min 30 s of office time from 08:00.
    assert dossier.step_due_at == vn(2026, 3, 2, 15, 37, 30)
    assert dossier.applicant_name == "Trần Thị Bình"
    assert "tran thi binh" in dossier.search_text
    assert "038190001234" in dossier.search_text


def test_receive_writes_the_event_the_first_step_papers_and_fees(frozen, receptionist, variant):
    dossier = services.dossier_receive(actor=receptionist, intake=make_intake(variant))

    event = DossierEvent.objects.get(dossier=dossier)
    assert (event.action, event.from_status, event.to_status, event.actor) == ("receive", "", "received", receptionist)
    assert (event.at, event.data) == (frozen.moment, {"channel": "counter"})
    step = dossier.steps.get()
    assert (step.step_index, step.step_name, step.from_user, step.to_user) == (
        0, "Tiếp nhận hồ sơ", receptionist, receptionist)
    assert (step.started_at, step.due_at, step.finished_at) == (frozen.moment, vn(2026, 3, 2, 15, 37, 30), None)
    assert step.to_department == receptionist.department
    assert list(dossier.documents.values_list("name", "mandatory", "provided", "kind")) == [
        ("Tờ khai theo mẫu", True, True, "intake"), ("Giấy tờ tùy thân", False, True, "intake")]
    assert list(dossier.fees.values_list("name", "amount", "collected")) == [("Lệ phí", 8000, 0)]


def test_receive_keeps_the_catalogue_as_it_is_at_intake(frozen, receptionist, variant):
    dossier = services.dossier_receive(actor=receptionist, intake=make_intake(variant))

    assert (dossier.procedure_name, dossier.variant_name) == ("Đăng ký khai sinh", "Trường hợp chung")
    assert (dossier.time_limit, dossier.time_unit) == (Decimal("3"), "working_days")
    assert [s["name"] for s in dossier.steps_plan] == [
        "Tiếp nhận hồ sơ", "Thẩm định, xử lý", "Ký duyệt kết quả", "Trả kết quả"]
    assert [s["budget"] for s in dossier.steps_plan] == ["0.75"] * 4


def test_codes_count_per_agency_per_day(frozen, receptionist, variant, other_agency):
    first = services.dossier_receive(actor=receptionist, intake=make_intake(variant))
    second = services.dossier_receive(actor=receptionist, intake=make_intake(variant))
    elsewhere = UserFactory(agency=other_agency, role="reception", username="tiepnhan.khac")
    variant.procedure.agencies.add(other_agency)
    third = services.dossier_receive(actor=elsewhere, intake=make_intake(variant))
    frozen.set(vn(2026, 3, 3, 8, 0))
    next_day = services.dossier_receive(actor=receptionist, intake=make_intake(variant))

    assert [first.code, second.code, third.code, next_day.code] == [
        "000.17.22.H56-260302-0001", "000.17.22.H56-260302-0002", "000.18.22.H56-260302-0001",
        "000.17.22.H56-260303-0001"]


def test_receive_uses_the_online_limit_for_an_online_dossier(frozen, receptionist, variant):
    variant.online_time_limit = Decimal("2")
    variant.save()

    dossier = services.dossier_receive(actor=receptionist, intake=make_intake(variant, channel=Channel.ONLINE))

    assert dossier.time_limit == Decimal("2")
    assert dossier.due_at == vn(2026, 3, 4, 17, 0)


def test_receive_records_fees_collected(frozen, receptionist, variant):
    fee = variant.fees.get()
    dossier = services.dossier_receive(actor=receptionist, intake=make_intake(variant, fees_collected={fee.pk: 8000}))
    assert dossier.fees.get().collected == 8000


def test_receive_refuses_a_negative_fee_and_saves_nothing(frozen, receptionist, variant):
    fee = variant.fees.get()
    with pytest.raises(DomainError) as caught:
        services.dossier_receive(actor=receptionist, intake=make_intake(variant, fees_collected={fee.pk: -1}))
    assert caught.value.field == "fees"
    assert_nothing_saved()


def test_receive_refuses_missing_mandatory_papers(frozen, receptionist, variant):
    intake = make_intake(variant)
    intake.papers[0].provided = False  # "Tờ khai theo mẫu" is mandatory

    with pytest.raises(DomainError) as caught:
        services.dossier_receive(actor=receptionist, intake=intake)

    assert caught.value.code == "papers_missing"
    assert caught.value.field == "papers"
    assert "Tờ khai theo mẫu" in caught.value.message
    assert_nothing_saved()


def test_receive_accepts_a_missing_optional_paper(frozen, receptionist, variant):
    intake = make_intake(variant)
    intake.papers[1].provided = False  # "Giấy tờ tùy thân" is optional

    dossier = services.dossier_receive(actor=receptionist, intake=intake)

    assert dossier.status == Status.RECEIVED
    assert dossier.documents.get(name="Giấy tờ tùy thân").provided is False


@pytest.mark.parametrize(("changes", "field"), [
    ({"name": "   "}, "applicant_name"),
    ({"id_number": "03819000123"}, "applicant_id_number"),  # 11 digits
    ({"id_number": "0381900012345"}, "applicant_id_number"),  # 13 digits
    ({"id_number": "03819000123A"}, "applicant_id_number"),
    ({"phone": "0112345678"}, "applicant_phone"),  # old 01x prefix
    ({"phone": "091234567"}, "applicant_phone"),  # 9 digits
    ({"phone": "+1 415 555 0100"}, "applicant_phone"),  # not Vietnamese
    ({"phone": "0912abc678"}, "applicant_phone"),
    ({"owner_id_number": "12345"}, "owner_id_number"),
    ({"owner_tax_code": "01234"}, "owner_tax_code"),
    ({"owner_kind": "organisation", "owner_name": " "}, "owner_name"),
])
def test_receive_refuses_bad_applicant_input(frozen, receptionist, variant, changes, field):
    with pytest.raises(DomainError) as caught:
        services.dossier_receive(actor=receptionist, intake=make_intake(variant, applicant=applicant(**changes)))
    assert caught.value.field == field
    assert caught.value.message
    assert_nothing_saved()


@pytest.mark.parametrize(("typed", "stored"), [
    ("0912 345 678", "0912345678"),
    ("0912.345.678", "0912345678"),
    ("+84912345678", "+84912345678"),
    ("(024) 3825-1234", "02438251234"),  # Hà Nội landline
])
def test_receive_accepts_vietnamese_phone_numbers(frozen, receptionist, variant, typed, stored):
    intake = make_intake(variant, applicant=applicant(phone=typed))
    dossier = services.dossier_receive(actor=receptionist, intake=intake)
    assert Dossier.objects.get(pk=dossier.pk).applicant_phone == stored


def test_receive_refuses_postal_return_without_an_address(frozen, receptionist, variant):
    with pytest.raises(DomainError) as caught:
        services.dossier_receive(actor=receptionist, intake=make_intake(variant, return_method="post",
                                                                        return_address=" "))
    assert caught.value.field == "return_address"
    assert_nothing_saved()


def test_receive_refuses_a_procedure_the_agency_does_not_handle(frozen, receptionist):
    foreign = full_variant(code="2.000001", name="Cấp giấy phép lái xe")  # not linked to the agency

    with pytest.raises(DomainError) as caught:
        services.dossier_receive(actor=receptionist, intake=make_intake(foreign))

    assert (caught.value.code, caught.value.field) == ("procedure_not_handled", "variant")
    assert_nothing_saved()


def test_receive_refused_to_a_specialist(frozen, specialist, variant):
    with pytest.raises(ForbiddenError):
        services.dossier_receive(actor=specialist, intake=make_intake(variant))
    assert_nothing_saved()


def test_receive_refused_to_an_inactive_officer(frozen, receptionist, variant):
    receptionist.is_active = False
    receptionist.save()
    with pytest.raises(ForbiddenError):
        services.dossier_receive(actor=receptionist, intake=make_intake(variant))
    assert_nothing_saved()


# --------------------------------------------------------------------------- intake_guidance_create


def test_guidance_keeps_what_is_missing_and_receives_nothing(frozen, receptionist, variant):
    guidance = services.intake_guidance_create(
        actor=receptionist, variant=variant, applicant=applicant(phone="0912 345 678"),
        missing_papers=[" Giấy chứng sinh ", "", "  "], reason="Thiếu giấy chứng sinh")

    guidance = IntakeGuidance.objects.get(pk=guidance.pk)
    assert guidance.missing_papers == ["Giấy chứng sinh"]
    assert (guidance.agency, guidance.procedure, guidance.officer) == (receptionist.agency, variant.procedure,
                                                                       receptionist)
    assert (guidance.applicant_name, guidance.applicant_phone) == ("Trần Thị Bình", "0912345678")
    assert_nothing_saved()  # no dossier, no code, no clock


@pytest.mark.parametrize(("kwargs", "field"), [
    ({"missing_papers": ["", " "]}, "missing_papers"),
    ({"applicant": applicant(phone="12345")}, "applicant_phone"),
    ({"applicant": applicant(id_number="1")}, "applicant_id_number"),
])
def test_guidance_refuses_bad_input(frozen, receptionist, variant, kwargs, field):
    values = {"actor": receptionist, "variant": variant, "applicant": applicant(), "missing_papers": ["Tờ khai"]}
    with pytest.raises(DomainError) as caught:
        services.intake_guidance_create(**{**values, **kwargs})
    assert caught.value.field == field
    assert IntakeGuidance.objects.count() == 0


def test_guidance_refuses_a_procedure_the_agency_does_not_handle(frozen, receptionist):
    foreign = full_variant(code="2.000002")
    with pytest.raises(DomainError) as caught:
        services.intake_guidance_create(actor=receptionist, variant=foreign, applicant=applicant(),
                                        missing_papers=["Tờ khai"])
    assert caught.value.code == "procedure_not_handled"
    assert IntakeGuidance.objects.count() == 0


def test_guidance_refused_to_a_specialist(frozen, specialist, variant):
    with pytest.raises(ForbiddenError):
        services.intake_guidance_create(actor=specialist, variant=variant, applicant=applicant(),
                                        missing_papers=["Tờ khai"])
    assert IntakeGuidance.objects.count() == 0


# --------------------------------------------------------------------------- dossier_refuse_intake


def test_refuse_intake_records_a_refused_dossier_without_a_clock(frozen, receptionist):
    # Mẫu 03 is precisely for procedures outside the agency's competence.
    foreign = full_variant(ProcedureFactory(code="2.000003"))

    dossier = services.dossier_refuse_intake(actor=receptionist, intake=make_intake(foreign),
                                             reason="  Không thuộc thẩm quyền  ")

    dossier = Dossier.objects.get(pk=dossier.pk)
    assert dossier.status == Status.REFUSED
    assert dossier.reason == "Không thuộc thẩm quyền"
    assert dossier.finished_at == frozen.moment
    assert (dossier.received_at, dossier.legal_due_at, dossier.due_at, dossier.holder) == (None, None, None, None)
    assert dossier.steps.count() == 0
    assert dossier.code == "000.17.22.H56-260302-0001"
    event = DossierEvent.objects.get(dossier=dossier)
    assert (event.action, event.from_status, event.to_status, event.actor, event.note) == (
        "refuse_intake", "", "refused", receptionist, "Không thuộc thẩm quyền")


def test_refuse_intake_needs_a_reason(frozen, receptionist, variant):
    with pytest.raises(DomainError) as caught:
        services.dossier_refuse_intake(actor=receptionist, intake=make_intake(variant), reason="  ")
    assert caught.value.field == "reason"
    assert_nothing_saved()


def test_refuse_intake_checks_the_applicant(frozen, receptionist, variant):
    with pytest.raises(DomainError) as caught:
        services.dossier_refuse_intake(actor=receptionist, intake=make_intake(variant, applicant=applicant(
            id_number="123")), reason="Không thuộc thẩm quyền")
    assert caught.value.field == "applicant_id_number"
    assert_nothing_saved()


def test_refuse_intake_refused_to_a_specialist(frozen, specialist, variant):
    with pytest.raises(ForbiddenError):
        services.dossier_refuse_intake(actor=specialist, intake=make_intake(variant), reason="Không thuộc thẩm quyền")
    assert_nothing_saved()
