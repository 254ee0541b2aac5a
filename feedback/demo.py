"""Demo feedback (`manage.py seed_demo_feedback`, run by `make demo` after `seed_demo`): a few dozen
items over the last months at every unit with staff, in every state, some handled late, replayed
through the real services at past moments (each service's `now`) as the dossiers' demo is; a leader
of the provincial People's Committee (`lanhdao.ubndtinh`), who reads every unit's figures; and each
unit's targets for this year, set by that leader.

Idempotent: a second run adds nothing. The dossiers' demo (dossiers/demo) must have run first.
"""

import datetime as dt
import random
from decimal import Decimal

from django.utils import timezone

from dossiers.demo.seed import DEMO_PASSWORD, PROVINCE
from dossiers.models import Dossier
from dossiers.workflow import Status as DossierStatus
from mocua import workcalendar
from mocua.accounts.models import Agency, Role, User

from . import services
from .models import Feedback, Source, Subject, UnitTarget
from .workflow import Category, Reaction

PER_UNIT = 12
DAYS = 100
SENDERS = [("Nguyễn Văn Hòa", "0912000111", "Số 8 Lê Lợi"), ("Trần Thị Mai", "0983000222", "Số 21 Trần Phú"),
           ("Lê Quang Vinh", "0904000333", "Số 3 Quang Trung"), ("Phạm Thu Hương", "0977000444", "Số 40 Bà Triệu"),
           ("Hoàng Minh Đức", "0868000555", "Số 15 Hàm Nghi")]
STORIES = [  # (subject, title, content, category, the unit's answer)
    (Subject.DOSSIER, "Hồ sơ trả kết quả chậm so với giấy hẹn",
     "Tôi nộp hồ sơ và được hẹn trả kết quả nhưng đến hẹn vẫn chưa có. Đề nghị đơn vị kiểm tra.",
     Category.CONDUCT,
     "Đơn vị đã kiểm tra: hồ sơ chậm ở khâu thẩm định. Đã nhắc nhở cán bộ và trả kết quả cho công dân."),
    (Subject.PROCEDURE, "Đề nghị bỏ yêu cầu nộp bản sao có chứng thực",
     "Thủ tục yêu cầu bản sao có chứng thực giấy tờ đã có trên cơ sở dữ liệu quốc gia về dân cư. Đề nghị cho "
     "phép đối chiếu bản chính hoặc khai thác dữ liệu.",
     Category.RULE, "Theo Nghị định 45/2020/NĐ-CP, công dân được nộp bản sao kèm bản chính để đối chiếu; đơn vị đã "
                    "hướng dẫn cán bộ một cửa không yêu cầu bản sao có chứng thực."),
    (Subject.UNIT, "Cán bộ hướng dẫn chưa đầy đủ, phải đi lại nhiều lần",
     "Tôi phải đi lại ba lần vì mỗi lần được hướng dẫn thiếu một giấy tờ khác nhau.",
     Category.CONDUCT, "Đơn vị đã tổ chức kiểm điểm cán bộ, niêm yết đầy đủ thành phần hồ sơ tại Bộ phận Một cửa."),
    (Subject.PROCEDURE, "Đề nghị niêm yết rõ mức lệ phí",
     "Bảng niêm yết tại quầy chưa ghi rõ mức lệ phí khi nộp trực tuyến.",
     Category.RULE, "Đơn vị đã bổ sung mức lệ phí nộp trực tuyến trên bảng niêm yết và trên Cổng."),
    (Subject.UNIT, "Thời gian chờ tại quầy quá lâu buổi sáng thứ Hai",
     "Sáng thứ Hai chỉ có một quầy làm việc, người dân phải chờ hơn một giờ.",
     Category.CONDUCT, "Từ tuần sau, đơn vị bố trí thêm một cán bộ tiếp nhận vào sáng thứ Hai."),
]
# What happens to each item: its last move; "late" ones answer after their 15 working days.
FATES = ["published", "published", "published", "published_late", "answered", "answered_late", "processing",
         "awaiting_info", "received", "refused", "forwarded", "published"]


def _later(moment: dt.datetime, hours: float, agency) -> dt.datetime:
    return workcalendar.add_working_time(moment, dt.timedelta(hours=hours), agency)


class _Unit:
    def __init__(self, agency: Agency):
        staff = list(User.objects.filter(agency=agency, is_active=True))
        self.agency = agency
        self.specialists = [u for u in staff if u.role in (Role.SPECIALIST, Role.RECEPTION)]
        self.head = next(u for u in staff if u.role == Role.HEAD)
        self.leader = next(u for u in staff if u.role == Role.LEADER)
        self.dossiers = list(Dossier.objects.filter(agency=agency, status=DossierStatus.RETURNED)
                             .select_related("agency", "procedure")[:40])
        self.procedures = list(agency.procedures.filter(is_active=True)[:20])


def _play(unit: _Unit, start: dt.datetime, fate: str, rng: random.Random, other: Agency) -> None:
    subject, title, content, category, answer = rng.choice(STORIES)
    name, phone, street = rng.choice(SENDERS)
    dossier = rng.choice(unit.dossiers) if subject == Subject.DOSSIER and unit.dossiers else None
    # An agency with no procedure of its own (the police, social insurance: liên thông legs only) is
    # written about as a unit.
    procedure = subject == Subject.PROCEDURE and unit.procedures
    subject = Subject.DOSSIER if dossier else (Subject.PROCEDURE if procedure else Subject.UNIT)
    item = services.feedback_send(
        subject=subject, title=title, content=content, agency=unit.agency, dossier=dossier,
        procedure=rng.choice(unit.procedures) if subject == Subject.PROCEDURE else None, now=start,
        sender=services.Sender(name=name, phone=phone, address=f"{street}, {unit.agency.place_name}"))
    officer, agency, now = rng.choice(unit.specialists), unit.agency, timezone.now()
    slow = 3.0 if fate.endswith("_late") else 1.0
    steps = [  # (hours of office time after receipt, move)
        (3, lambda i, t: services.feedback_assign(item=i, actor=unit.head, to_user=officer, now=t)),
        (8, lambda i, t: services.feedback_classify(item=i, actor=officer, category=category, now=t)),
        (40 * slow, lambda i, t: services.feedback_answer(item=i, actor=officer, answer=answer, now=t)),
        (44 * slow, lambda i, t: services.feedback_publish(item=i, actor=unit.head, now=t,
                                                            public_question=content, public_answer=answer)),
    ]
    if fate == "refused":
        steps = [(6, lambda i, t: services.feedback_refuse(item=i, actor=officer, now=t, reason=(
            "Nội dung là khiếu nại quyết định hành chính, đề nghị thực hiện theo Luật Khiếu nại.")))]
    elif fate == "forwarded":
        steps = [(10, lambda i, t: services.feedback_forward(item=i, actor=officer, to_agency=other, now=t,
                                                             reason="Nội dung thuộc thẩm quyền của đơn vị khác."))]
    elif fate == "awaiting_info":
        steps = steps[:2] + [(12, lambda i, t: services.feedback_request_info(
            item=i, actor=officer, now=t, question="Đề nghị ông/bà cho biết ngày nộp hồ sơ và tên cán bộ tiếp nhận."))]
    cut = {"received": 0, "processing": 2, "answered": 3, "answered_late": 3}.get(fate, len(steps))
    for hours, move in steps[:cut]:
        moment = _later(start, hours, agency)
        if moment > now:
            return  # the rest of its story has not happened yet
        item = move(Feedback.objects.get(pk=item.pk), moment)
    if item.status in ("answered", "published") and rng.random() < 0.7:
        moment = _later(start, 50 * slow, agency)
        if moment <= now:
            services.feedback_react(item=item, now=moment, reaction=rng.choice(
                [Reaction.SATISFIED, Reaction.SATISFIED, Reaction.NOT_SATISFIED]))


PROVINCE_LEADER = "lanhdao.ubndtinh"


def province_leader() -> User | None:
    """The provincial People's Committee's leader: the whole province is their scope (targets, rankings)."""
    province = Agency.objects.filter(code=PROVINCE["code"]).first()
    if province is None:
        return None
    user, created = User.objects.get_or_create(username=PROVINCE_LEADER, defaults={
        "full_name": "Lê Đức Giang", "agency": province, "role": Role.LEADER, "title": "Phó Chủ tịch UBND tỉnh",
        "email": f"{PROVINCE_LEADER}@example.gov.vn"})
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    return user


def _targets(leader: User, agency: Agency, year: int, rng: random.Random) -> None:
    values = {"on_time": Decimal("95"), "online": Decimal(rng.choice(["30", "40", "50"])),
              "digitised": Decimal("60"), "postal": Decimal("10"), "satisfaction": Decimal("90"),
              "feedback_on_time": Decimal("100")}
    services.target_set(actor=leader, agency=agency, year=year, values=values)


def seed_feedback(*, seed: int = 2026) -> int:
    """Create the demo feedback and targets once; later runs leave existing ones alone."""
    if Feedback.objects.exclude(source=Source.RATING).exists():  # a rating's may come first: not ours
        return 0
    rng, created = random.Random(seed), 0
    agencies = list(Agency.objects.filter(staff__role=Role.HEAD).distinct().order_by("code"))
    today, now = timezone.localdate(), timezone.now()
    governor = province_leader()
    for index, agency in enumerate(agencies):
        unit = _Unit(agency)
        other = agencies[(index + 1) % len(agencies)]
        for fate in rng.sample(FATES, len(FATES))[:PER_UNIT]:
            day = today - dt.timedelta(days=rng.randint(0, DAYS))
            start = workcalendar.next_opening(timezone.make_aware(dt.datetime.combine(day, dt.time(
                rng.randint(7, 16), rng.choice((10, 25, 45))))), agency)
            if start > now:
                continue
            _play(unit, start, fate, rng, other)
            created += 1
        if not UnitTarget.objects.filter(agency=agency, year=today.year).exists():
            _targets(governor or unit.leader, agency, today.year, rng)
    return created
