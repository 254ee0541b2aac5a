"""Demo dossiers received at one agency's desk for another (issue 23): criminal-record certificates
received at commune desks and at the province centre, transferred to the Department of Justice,
handled there, and their results sent back to the desk, at every point of that journey. Replayed
through the real services at past moments, as the history is."""

import datetime as dt

from django.utils import timezone

from dossiers import services, transfers
from dossiers.models import Dossier, TransferMode
from mocua import workcalendar
from mocua.accounts.models import User
from procedures.models import ProcedureVariant

# (desk's user slug, working days ago the dossier was received, how far it got, applicant)
STORIES = [
    ("hacthanh", 6, "returned", "Nguyễn Thị Hồng"),
    ("hacthanh", 4, "back_at_desk", "Lê Văn Thành"),
    ("tinh", 3, "processing", "Phạm Quốc Bảo"),
    ("quangphu", 1, "to_agency", "Trần Minh Châu"),
    ("hacthanh", 0, "at_desk", "Đỗ Thị Thu"),
]


def _working_days_ago(days: int, agency) -> dt.datetime:
    day = timezone.localdate()
    while days:
        day -= dt.timedelta(days=1)
        days -= workcalendar.is_working_day(day)
    return workcalendar.next_opening(timezone.make_aware(dt.datetime.combine(day, dt.time(8, 15))), agency)


def _user(username: str) -> User:
    return User.objects.select_related("agency", "department").get(username=username)


def seed_transfers(agencies: dict) -> int:
    """Create the stories once; a later run finds a dossier received for another agency and stops."""
    justice = agencies["departments"][0]
    if Dossier.objects.filter(agency=justice).exclude(desk=justice).exists():
        return 0
    variant = (ProcedureVariant.objects.filter(procedure__agencies=justice).select_related("procedure")
               .prefetch_related("documents", "fees", "steps").order_by("order", "pk").first())
    reception, specialist = _user("tiepnhan.sotuphap"), _user("chuyenvien.sotuphap")
    head, leader = _user("truongphong.sotuphap"), _user("lanhdao.sotuphap")
    created, now = 0, timezone.now()
    for slug, days, reach, name in STORIES:
        desk = _user(f"tiepnhan.{slug}")
        start = _working_days_ago(days, desk.agency)
        if start > now:  # seeded before the office opens today: the working day before
            start = _working_days_ago(days + 1, desk.agency)
        intake = services.Intake(variant=variant, applicant=services.Applicant(
            name=name, id_number="038190012345", phone="0912000111", address="Phường Hạc Thành, tỉnh Thanh Hóa"),
            papers=[services.Paper(name=d.name, form=d.form, mandatory=d.mandatory, digitisation="scanned")
                    for d in variant.documents.all()])
        dossier = services.dossier_receive(actor=desk, intake=intake, now=start)
        created += 1
        # (actor, move, arguments, the state it reaches), in order, until the story's end.
        moves = [
            (desk, transfers.dossier_transfer, {"mode": TransferMode.ELECTRONIC}, "to_agency"),
            (reception, transfers.dossier_receive_transfer, {}, None),
            (reception, services.dossier_hand_over, {"to_user": head}, None),
            (head, services.dossier_hand_over, {"to_user": specialist, "next_step": False}, "processing"),
            (specialist, services.dossier_hand_over, {"to_user": leader}, None),
            (leader, services.dossier_approve, {"result_summary": "Phiếu lý lịch tư pháp số 1"}, None),
            (reception, transfers.dossier_transfer, {"mode": TransferMode.PAPER}, None),
            (desk, transfers.dossier_receive_transfer, {}, "back_at_desk"),
            (desk, services.dossier_return, {"collected_by": name, "collected_id_number": "038190012345"},
             "returned"),
        ]
        if reach == "at_desk":
            continue
        for hours, (actor, move, arguments, reached) in enumerate(moves, start=1):
            moment = workcalendar.add_working_time(start, dt.timedelta(hours=hours), desk.agency)
            if moment > now:
                break
            dossier = move(dossier=Dossier.objects.get(pk=dossier.pk), actor=actor, now=moment, **arguments)
            if reached == reach:
                break
    return created
