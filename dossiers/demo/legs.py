"""The demo's liên thông (issue 23, item 3): the commune police and the province's social insurance as
agencies with their own officers, the national groups 3.000722 (birth, residence, health insurance) and
2.002913 (death, residence, allowances) as legs with the Decree 63/2024 times, and one birth
registration of phường Hạc Thành replayed through its three legs, the police's late, and one death
registration sent to the police and social insurance at once (parallel legs), through the real services
at past moments."""

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from dossiers import services, transfers
from dossiers.models import Dossier
from mocua import workcalendar
from mocua.accounts.models import Agency, Department, Level
from procedures.models import NationalGroup, Procedure, ProcedureLeg, ProcedureVariant

from .transfers import _user, _working_days_ago

POLICE = {"code": "000.17.30.H56", "name": "Công an phường Hạc Thành", "place_name": "Hạc Thành",
          "address": "Phường Hạc Thành, tỉnh Thanh Hóa", "phone": "0237 3852 113"}
INSURANCE = {"code": "000.00.40.H56", "name": "Bảo hiểm xã hội tỉnh Thanh Hóa", "place_name": "Thanh Hóa",
             "address": "Phường Hạc Thành, tỉnh Thanh Hóa", "phone": "0237 3852 567"}
POLICE_DEPARTMENTS = ["Bộ phận tiếp nhận hồ sơ", "Đội Quản lý hành chính về trật tự xã hội", "Ban Chỉ huy"]
INSURANCE_DEPARTMENTS = ["Bộ phận tiếp nhận và trả kết quả", "Phòng Quản lý thu – Sổ, thẻ", "Ban Giám đốc"]
# (procedure, [(stage, name, which agency: None the lead, days: 0 the same working day)], national group).
# The death group's two later legs share a stage: both work from the death registration, neither from
# the other (the citizen may pick either), and the group is electronic (Decree 61/2018 Art 19(6)(b));
# its total (≤ 9 working days with the BHXH allowance's 8) reads as the khai tử's day plus the longer
# later leg, not their sum (an inference: Decision 296/QĐ-VPCP gives the totals, not the order).
# The birth group stays sequential, as its story and browser test run it.
GROUPS = [
    ("3.000722", [(1, "Đăng ký khai sinh", None, "0"), (2, "Đăng ký thường trú", "police", "2"),
                  (3, "Cấp thẻ bảo hiểm y tế cho trẻ em dưới 6 tuổi", "insurance", "2")], NationalGroup.BIRTH),
    ("2.002913", [(1, "Đăng ký khai tử", None, "0"), (2, "Xóa đăng ký thường trú", "police", "0"),
                  (2, "Giải quyết mai táng phí, tử tuất", "insurance", "8")], NationalGroup.DEATH),
]


def seed_agencies(province: Agency, counter: list[int]) -> dict[str, Agency]:
    from .seed import _agency, _staff  # the organisation's helpers (seed imports this module)

    found = {}
    for key, data, slug, names in [("police", POLICE, "conganhacthanh", POLICE_DEPARTMENTS),
                                   ("insurance", INSURANCE, "bhxh", INSURANCE_DEPARTMENTS)]:
        agency = _agency(data, Level.PROVINCE if key == "insurance" else Level.COMMUNE, province)
        departments = {n: Department.objects.get_or_create(agency=agency, name=n)[0] for n in names}
        _staff(agency, slug, departments, counter)
        found[key] = agency
    return found


@transaction.atomic
def seed_legs(found: dict[str, Agency]) -> None:
    """The groups' legs, once."""
    for code, legs, group in GROUPS:
        procedure = Procedure.objects.filter(code=code).first()
        if procedure is None or procedure.legs.exists():
            continue
        for order, name, where, days in legs:
            ProcedureLeg.objects.create(procedure=procedure, order=order, name=name,
                                        agency=found[where] if where else None, days=Decimal(days),
                                        national_group=group)


def _received(variant, desk, start, **applicant) -> Dossier:
    """A story's dossier received at the commune's desk, every paper scanned."""
    intake = services.Intake(variant=variant, applicant=services.Applicant(
        address="Phường Hạc Thành, tỉnh Thanh Hóa", **applicant),
        papers=[services.Paper(name=d.name, form=d.form, mandatory=d.mandatory, digitisation="scanned")
                for d in variant.documents.all()])
    return services.dossier_receive(actor=desk, intake=intake, now=start)


def seed_birth_story() -> int:
    """The birth registration's story, once. Returns the dossiers created."""
    variant = (ProcedureVariant.objects.filter(procedure__code="3.000722").select_related("procedure")
               .prefetch_related("documents", "fees", "steps").order_by("order", "pk").first())
    if variant is None or Dossier.objects.filter(procedure=variant.procedure, legs__isnull=False).exists():
        return 0
    desk, specialist, leader = _user("tiepnhan.hacthanh"), _user("chuyenvien.hacthanh"), _user("lanhdao.hacthanh")
    police, police_work = _user("tiepnhan.conganhacthanh"), _user("chuyenvien.conganhacthanh")
    insurance = _user("tiepnhan.bhxh")
    now = timezone.now()
    start = _working_days_ago(4, desk.agency)
    dossier = _received(variant, desk, start, name="Nguyễn Văn Khang", id_number="038190054321", phone="0912000222")
    # (working hours after intake, actor, move, arguments): the police's specialist sends it on the
    # morning after its leg was due (two working days from its receipt).
    moves = [
        (1, desk, services.dossier_hand_over, {"to_user": specialist}),
        (2, specialist, transfers.dossier_transfer, {}),
        (3, police, transfers.dossier_receive_transfer, {}),
        (4, police, services.dossier_hand_over, {"to_user": police_work}),
        (24, police_work, transfers.dossier_transfer, {}),
        (24.5, insurance, transfers.dossier_receive_transfer, {}),
        (25.5, insurance, transfers.dossier_transfer, {}),
        (26, desk, transfers.dossier_receive_transfer, {}),
        (26.5, desk, services.dossier_hand_over, {"to_user": leader}),
        (27, leader, services.dossier_approve, {"result_summary": "Giấy khai sinh, thường trú, thẻ BHYT"}),
        (28, desk, services.dossier_return, {"collected_by": "Nguyễn Văn Khang",
                                             "collected_id_number": "038190054321"}),
    ]
    for hours, actor, move, arguments in moves:
        moment = workcalendar.add_working_time(start, dt.timedelta(hours=hours), desk.agency)
        if moment > now:
            break
        dossier = move(dossier=Dossier.objects.get(pk=dossier.pk), actor=actor, now=moment, **arguments)
    return 1


def seed_death_story() -> int:
    """The death registration's story, once: khai tử at phường Hạc Thành two working days ago, sent to
    the police and social insurance at once; the police have sent their part back, social insurance's
    specialist still works the funeral allowance (8 working days). Returns the dossiers created."""
    variant = (ProcedureVariant.objects.filter(procedure__code="2.002913").select_related("procedure")
               .prefetch_related("documents", "fees", "steps").order_by("order", "pk").first())
    if variant is None or Dossier.objects.filter(procedure=variant.procedure, legs__isnull=False).exists():
        return 0
    desk, specialist = _user("tiepnhan.hacthanh"), _user("chuyenvien.hacthanh")
    police, police_work = _user("tiepnhan.conganhacthanh"), _user("chuyenvien.conganhacthanh")
    insurance, insurance_work = _user("tiepnhan.bhxh"), _user("chuyenvien.bhxh")
    now = timezone.now()
    start = _working_days_ago(2, desk.agency)
    dossier = _received(variant, desk, start, name="Lê Thị Hoa", id_number="038185012345", phone="0912000333")
    moves = [
        (0.5, desk, services.dossier_hand_over, {"to_user": specialist}),
        (1.5, specialist, transfers.dossier_transfer, {}),  # to both agencies at once
        (2, police, transfers.dossier_receive_transfer, {}),
        (2.25, insurance, transfers.dossier_receive_transfer, {}),
        (2.5, police, services.dossier_hand_over, {"to_user": police_work}),
        (3, insurance, services.dossier_hand_over, {"to_user": insurance_work}),
        (4, police_work, transfers.dossier_transfer, {}),  # the police's part back, the same day
    ]
    for hours, actor, move, arguments in moves:
        moment = workcalendar.add_working_time(start, dt.timedelta(hours=hours), desk.agency)
        if moment > now:
            break
        dossier = move(dossier=Dossier.objects.get(pk=dossier.pk), actor=actor, now=moment, **arguments)
    return 1
