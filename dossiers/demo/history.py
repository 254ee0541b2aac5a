"""A few hundred demo dossiers over the last months, in every state, some of them late.

The history is produced by the real services, replayed at past moments (each service's `now`), so
every event, step and due time is what the services would have written on that day.
"""

import datetime as dt
import random

from django.utils import timezone

from dossiers import services
from dossiers.models import Dossier
from mocua import workcalendar
from mocua.accounts.models import Agency, Role, User
from procedures.models import ProcedureVariant

FATES = [  # (share, what happens to the dossier)
    (46, "returned"), (8, "result_ready"), (14, "processing"), (5, "awaiting_supplement"), (2, "awaiting_payment"),
    (6, "received"), (4, "refused"), (3, "withdrawn"), (2, "stopped"), (3, "refused_intake"), (7, "returned_late"),
]
NAMES = ["Nguyễn Văn An", "Trần Thị Bình", "Lê Hoàng Cường", "Phạm Thị Dung", "Hoàng Văn Em", "Vũ Thị Giang",
         "Đặng Quốc Hải", "Bùi Thị Hương", "Đỗ Minh Khoa", "Hồ Thị Lan", "Ngô Văn Long", "Dương Thị Mai",
         "Lý Văn Nam", "Mai Thị Oanh", "Trịnh Văn Phúc", "Đinh Thị Quyên", "Tạ Văn Sơn", "Lương Thị Thảo"]
STREETS = ["Lê Lợi", "Trần Phú", "Quang Trung", "Nguyễn Trãi", "Lý Thường Kiệt", "Hàm Nghi", "Bà Triệu"]


def _later(moment: dt.datetime, hours: float, agency) -> dt.datetime:
    return workcalendar.add_working_time(moment, dt.timedelta(hours=hours), agency)


def _applicant(rng: random.Random) -> services.Applicant:
    name = rng.choice(NAMES)
    return services.Applicant(
        name=name, id_number=f"038{rng.randint(100000000, 999999999)}",
        phone=f"09{rng.randint(10000000, 99999999)}", email="",
        address=f"{rng.randint(1, 250)} {rng.choice(STREETS)}")


class _Staff:
    def __init__(self, agency: Agency):
        staff = list(User.objects.filter(agency=agency, is_active=True).select_related("department"))
        self.reception = [u for u in staff if u.role == Role.RECEPTION]
        self.specialists = [u for u in staff if u.role == Role.SPECIALIST]
        self.head = next(u for u in staff if u.role == Role.HEAD)
        self.leader = next(u for u in staff if u.role == Role.LEADER)


def _fate(rng: random.Random) -> str:
    roll, total = rng.uniform(0, 100), 0
    for share, fate in FATES:
        total += share
        if roll <= total:
            return fate
    return "returned"


def _play(variant, agency, staff: _Staff, start: dt.datetime, fate: str, rng: random.Random) -> None:
    clerk, specialist = rng.choice(staff.reception), rng.choice(staff.specialists)
    intake = services.Intake(variant=variant, applicant=_applicant(rng), papers=[
        services.Paper(name=d.name, form=d.form, mandatory=d.mandatory, digitisation=rng.choice(["none", "scanned"]))
        for d in variant.documents.all()])
    if fate == "refused_intake":
        services.dossier_refuse_intake(actor=clerk, intake=intake, now=start,
                                       reason="Hồ sơ không thuộc thẩm quyền giải quyết của cơ quan.")
        return
    dossier = services.dossier_receive(actor=clerk, intake=intake, now=start)
    if fate == "received":
        return
    slow = 3.0 if fate == "returned_late" else 1.0
    moments = iter([_later(start, h * slow, agency) for h in (0.5, 1.5, 8, 12, 14, 20)])
    applicant = intake.applicant
    # (actor, service, arguments) of each move after intake, in order.
    moves = [(clerk, services.dossier_hand_over, {"to_user": staff.head}),
             (staff.head, services.dossier_hand_over, {"to_user": specialist, "next_step": False})]
    closing = {
        "awaiting_supplement": [(specialist, services.dossier_request_supplement, {
            "missing_papers": ["Bản sao giấy tờ chứng minh nơi cư trú"],
            "reason": "Thiếu giấy tờ chứng minh nơi cư trú"})],
        "awaiting_payment": [(specialist, services.dossier_request_payment, {
            "reason": "Nộp lệ phí trước bạ theo thông báo của cơ quan thuế"})],
        "refused": [(staff.leader, services.dossier_refuse, {
            "reason": "Không đủ điều kiện theo quy định sau khi thẩm định."})],
        "withdrawn": [(clerk, services.dossier_withdraw, {"reason": "Công dân có đơn xin rút hồ sơ."})],
        "stopped": [(staff.leader, services.dossier_stop, {
            "reason": "Cơ quan có thẩm quyền đề nghị tạm dừng để xác minh."})],
        "processing": [],
    }
    resolved = [(specialist, services.dossier_hand_over, {"to_user": staff.leader}),
                (staff.leader, services.dossier_approve, {"result_summary": "Đã ký kết quả"})]
    if fate in ("returned", "returned_late"):
        resolved.append((clerk, services.dossier_return, {"collected_by": applicant.name,
                                                          "collected_id_number": applicant.id_number}))
    moves += closing.get(fate, resolved)
    now = timezone.now()
    for actor, service, arguments in moves:
        moment = next(moments)
        if moment > now:
            return  # the rest of its story has not happened yet
        dossier = service(dossier=Dossier.objects.get(pk=dossier.pk), actor=actor, now=moment, **arguments)


def seed_dossiers(agencies: list[Agency], *, per_agency: int = 100, days: int = 120, seed: int = 2026) -> int:
    """Create the demo dossiers once; later runs leave existing ones alone."""
    if Dossier.objects.filter(agency__in=agencies).exists():
        return 0
    rng, created = random.Random(seed), 0
    today = timezone.localdate()
    for agency in agencies:
        staff = _Staff(agency)
        variants = list(ProcedureVariant.objects.filter(procedure__agencies=agency)
                        .select_related("procedure").prefetch_related("documents", "fees", "steps"))
        for _ in range(per_agency):
            day = today - dt.timedelta(days=rng.randint(0, days))
            if not workcalendar.is_working_day(day):
                continue
            start = timezone.make_aware(dt.datetime.combine(day, dt.time(rng.randint(7, 16), rng.choice((5, 20, 40)))))
            start = workcalendar.next_opening(start, agency)
            if start > timezone.now():
                continue
            _play(rng.choice(variants), agency, staff, start, _fate(rng), rng)
            created += 1
    return created
