"""What the outbox says about a feedback item, and to whom. Called by the services inside their
transaction (dossiers.outbox: written with the move, delivered after commit).

The citizen gets an e-mail and an SMS (to what they gave) with the tracking code and the address of
the tracking page; the code is the key to their item, so it goes only to them. Staff get the bell
and an e-mail with a link to the item's page.
"""

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from dossiers.models import Message
from dossiers.outbox import notify_user, outbox_add
from mocua.accounts.models import Role, User

from .models import Feedback


def _when(moment) -> str:
    return timezone.localtime(moment).strftime("%H:%M ngày %d/%m/%Y") if moment else "—"


def staff_url(item: Feedback) -> str:
    return reverse("feedback:detail", args=[item.pk])


def _citizen(item: Feedback, event: str, subject: str, body: str) -> int:
    """The sender, by e-mail and SMS; keyed by the item's version so a move writes it once."""
    track = f"{settings.SITE_URL}{reverse('feedback_public:track')}"
    body = f"{body}\nMã theo dõi: {item.code}. Tra cứu tại {track}"
    written = 0
    for channel, address in ((Message.Channel.EMAIL, item.sender_email), (Message.Channel.SMS, item.sender_phone)):
        if address:
            written += outbox_add(key=f"feedback:{item.pk}:{event}:{item.version}:{channel}", channel=channel,
                                  subject=subject, body=body, address=address, dossier=item.dossier) is not None
    return written


def citizen_received(item: Feedback) -> int:
    return _citizen(item, "received", f"Đã tiếp nhận phản ánh, kiến nghị {item.code}",
                    f"{item.agency.name} đã tiếp nhận phản ánh, kiến nghị “{item.title}” của ông/bà. "
                    f"Thời hạn trả lời: {_when(item.answer_due_at)}.")


def citizen_moved(item: Feedback, action: str) -> int:
    """The citizen hears of each move that changes what they wait for."""
    texts = {
        "refuse": ("Phản ánh, kiến nghị không được tiếp nhận", f"Lý do: {item.reason}"),
        "request_info": ("Đề nghị bổ sung thông tin cho phản ánh, kiến nghị",
                         f"{item.agency.name} đề nghị ông/bà bổ sung: {item.info_question}. "
                         "Ông/bà trả lời trên trang tra cứu phản ánh."),
        "answer": ("Đã có kết quả trả lời phản ánh, kiến nghị",
                   f"{item.agency.name} đã trả lời phản ánh “{item.title}”. Mời ông/bà xem trên trang tra cứu."),
    }
    if action not in texts:
        return 0
    subject, body = texts[action]
    return _citizen(item, action, f"{subject} ({item.code})", body)


def citizen_forwarded(item: Feedback, copy: Feedback | None) -> int:
    """Forwarded: where to, and the new tracking code when the receiving unit is on the portal."""
    body = f"{item.agency.name} đã chuyển phản ánh đến {item.forwarded_to_body}. Lý do: {item.reason}"
    if copy is not None:
        body += f"\nMã theo dõi tại {copy.agency.name}: {copy.code}."
    return _citizen(item, "forward", f"Phản ánh, kiến nghị đã được chuyển cơ quan có thẩm quyền ({item.code})",
                    body)


def managers_of(agency_id: int) -> list[User]:
    return list(User.objects.filter(agency_id=agency_id, is_active=True, role__in=(Role.HEAD, Role.LEADER))
                .order_by("role", "pk"))


def unit_received(item: Feedback) -> int:
    """A new item: its assignee if it has one, else the unit's heads and leaders, who assign it."""
    people = [item.assignee] if item.assignee_id else managers_of(item.agency_id)
    subject = f"Phản ánh, kiến nghị mới: {item.title}"[:255]
    body = (f"{subject}\nĐơn vị: {item.agency.name}.\nHạn phân loại, chuyển: {_when(item.classify_due_at)}; "
            f"hạn trả lời: {_when(item.answer_due_at)}.")
    return sum(notify_user(person, key=f"feedback:{item.pk}:new", subject=subject, body=body,
                           dossier=item.dossier, url=staff_url(item)) for person in people)


def assigned(item: Feedback) -> int:
    subject = f"Được giao xử lý phản ánh, kiến nghị: {item.title}"[:255]
    body = f"{subject}\nHạn trả lời: {_when(item.answer_due_at)}."
    return notify_user(item.assignee, key=f"feedback:{item.pk}:assign:{item.version}", subject=subject, body=body,
                       dossier=item.dossier, url=staff_url(item))


def info_arrived(item: Feedback) -> int:
    person = item.assignee
    if person is None:
        return 0
    subject = f"Công dân đã bổ sung thông tin cho phản ánh: {item.title}"[:255]
    return notify_user(person, key=f"feedback:{item.pk}:info:{item.version}", subject=subject,
                       body=f"{subject}\n{item.info_reply}\nHạn trả lời mới: {_when(item.answer_due_at)}.",
                       dossier=item.dossier, url=staff_url(item))
