"""A few hundred demo dossiers over the last months, in every state, some of them late.

The history is produced by the real services, replayed at past moments: `django.utils.timezone.now`
is pointed at a simulated clock while each move runs, so every event, step and due time is what
the services would have written on that day.
"""

import datetime as dt
import random
from contextlib import contextmanager
from unittest import mock

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


@contextmanager
def _at(moment: dt.datetime):
    with mock.patch("django.utils.timezone.now", return_value=moment):
        yield


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
    with _at(start):
        if fate == "refused_intake":
            services.dossier_refuse_intake(actor=clerk, intake=intake,
                                           reason="Hồ sơ không thuộc thẩm quyền giải quyết của cơ quan.")
            return
        dossier = services.dossier_receive(actor=clerk, intake=intake)
    if fate == "received":
        return
    slow = 3.0 if fate == "returned_late" else 1.0
    moments = iter([_later(start, h * slow, agency) for h in (0.5, 1.5, 8, 12, 14, 20)])
    moves = [
        (staff.reception[0], lambda d, a: services.dossier_hand_over(dossier=d, actor=clerk, to_user=staff.head)),
        (staff.head, lambda d, a: services.dossier_hand_over(dossier=d, actor=a, to_user=specialist,
                                                             next_step=False)),
    ]
    if fate == "awaiting_supplement":
        moves.append((specialist, lambda d, a: services.dossier_request_supplement(
            dossier=d, actor=a, missing_papers=["Bản sao giấy tờ chứng minh nơi cư trú"],
            reason="Thiếu giấy tờ chứng minh nơi cư trú")))
    elif fate == "awaiting_payment":
        moves.append((specialist, lambda d, a: services.dossier_request_payment(
            dossier=d, actor=a, reason="Nộp lệ phí trước bạ theo thông báo của cơ quan thuế")))
    elif fate == "refused":
        moves.append((staff.leader, lambda d, a: services.dossier_refuse(
            dossier=d, actor=a, reason="Không đủ điều kiện theo quy định sau khi thẩm định.")))
    elif fate == "withdrawn":
        moves.append((clerk, lambda d, a: services.dossier_withdraw(dossier=d, actor=a,
                                                                    reason="Công dân có đơn xin rút hồ sơ.")))
    elif fate == "stopped":
        moves.append((staff.leader, lambda d, a: services.dossier_stop(
            dossier=d, actor=a, reason="Cơ quan có thẩm quyền đề nghị tạm dừng để xác minh.")))
    elif fate != "processing":
        moves += [(specialist, lambda d, a: services.dossier_hand_over(dossier=d, actor=a, to_user=staff.leader)),
                  (staff.leader, lambda d, a: services.dossier_approve(dossier=d, actor=a,
                                                                       result_summary="Đã ký kết quả"))]
        if fate in ("returned", "returned_late"):
            moves.append((clerk, lambda d, a: services.dossier_return(
                dossier=d, actor=a, collected_by=d.applicant_name, collected_id_number=d.applicant_id_number)))
    now = timezone.now()
    for actor, move in moves:
        moment = next(moments)
        if moment > now:
            return  # the rest of its story has not happened yet
        with _at(moment):
            dossier = move(Dossier.objects.get(pk=dossier.pk), actor)


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
