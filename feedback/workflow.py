"""The lifecycle of a feedback item (phản ánh, kiến nghị) as data: states, categories, and one row
per action, as dossiers.workflow does for dossiers. Pure Python, no ORM.

The states follow the Government portal's PAKN statuses that the 766 index counts (across-agencies-vn.md
§5.2): received at the unit, refused, forwarded to the competent body, being handled, waiting for
the citizen's extra information, answered and waiting to be published, published.
"""

from dataclasses import dataclass

from django.db import models

from mocua.errors import ConflictError


class Status(models.TextChoices):
    RECEIVED = "received", "Mới tiếp nhận"
    PROCESSING = "processing", "Đang xử lý"
    AWAITING_INFO = "awaiting_info", "Chờ bổ sung thông tin"
    ANSWERED = "answered", "Đã trả lời, chờ công khai"
    PUBLISHED = "published", "Đã công khai"
    REFUSED = "refused", "Từ chối tiếp nhận"
    FORWARDED = "forwarded", "Đã chuyển cơ quan có thẩm quyền"


class Category(models.TextChoices):
    # Decree 20/2008 Art 9 classes; the 766 index (5.1) counts the share of the first two.
    RULE = "rule", "Quy định, chính sách, thủ tục hành chính"
    CONDUCT = "conduct", "Hành vi của cán bộ, công chức"
    OUTSIDE = "outside", "Không thuộc thẩm quyền"


# What an officer classifies an item as when the unit handles it (one outside its competence is forwarded).
CLASSES = [(Category.RULE.value, Category.RULE.label), (Category.CONDUCT.value, Category.CONDUCT.label)]


class Reaction(models.TextChoices):
    """What the citizen thinks of the answer (766 indicator 5.3 subtracts the disliked ones)."""

    SATISFIED = "satisfied", "Hài lòng với kết quả trả lời"
    NOT_SATISFIED = "not_satisfied", "Không hài lòng với kết quả trả lời"


# Handled: the unit is done with it (the 766 index's "đã xử lý": refused, forwarded, or answered).
HANDLED = frozenset({Status.ANSWERED, Status.PUBLISHED, Status.REFUSED, Status.FORWARDED})
# Still the unit's work: each has a due time running (or stopped, while the citizen is asked).
OPEN = frozenset({Status.RECEIVED, Status.PROCESSING, Status.AWAITING_INFO, Status.ANSWERED})


@dataclass(frozen=True)
class Action:
    froms: frozenset[str]
    to: str | None  # None: the state stays
    label: str
    # The due time (feedback.deadlines.DEADLINES) the move is judged against; "" for none.
    deadline: str = ""
    # An action allowed once: the item's attribute set once it happened.
    once: str = ""
    managers_only: bool = False  # heads and leaders (assigning, publishing in the unit's name)
    by_citizen: bool = False  # the citizen's own move on the public page (no officer)


ACTIONS: dict[str, Action] = {
    "assign": Action(frozenset({Status.RECEIVED, Status.PROCESSING, Status.AWAITING_INFO, Status.ANSWERED}), None,
                     "Giao cán bộ xử lý", managers_only=True),
    # Decree 20/2008 Art 9: assess and classify; outside the unit's competence → forward within 5 days.
    "classify": Action(frozenset({Status.RECEIVED}), Status.PROCESSING, "Phân loại, thụ lý", deadline="classify"),
    "forward": Action(frozenset({Status.RECEIVED}), Status.FORWARDED, "Chuyển cơ quan có thẩm quyền",
                      deadline="classify"),
    # 766 (5.2): a refusal within 2 working days of receipt.
    "refuse": Action(frozenset({Status.RECEIVED}), Status.REFUSED, "Từ chối tiếp nhận", deadline="refuse"),
    # 766 (5.2): the first request for more within 5 working days; asked once, the answer clock stops.
    "request_info": Action(frozenset({Status.PROCESSING}), Status.AWAITING_INFO, "Đề nghị bổ sung thông tin",
                           deadline="info", once="info_requested_at"),
    "receive_info": Action(frozenset({Status.AWAITING_INFO}), Status.PROCESSING, "Ghi nhận thông tin bổ sung"),
    # 766 (5.2): handled ("chờ công khai") within 15 working days.
    "answer": Action(frozenset({Status.PROCESSING, Status.AWAITING_INFO}), Status.ANSWERED, "Trả lời",
                     deadline="answer"),
    # 766 (5.2): published within 2 working days of the answer; the public text is anonymised.
    "publish": Action(frozenset({Status.ANSWERED}), Status.PUBLISHED, "Công khai kết quả trả lời",
                      deadline="publish", managers_only=True),
    "react": Action(frozenset({Status.ANSWERED, Status.PUBLISHED}), None, "Công dân đánh giá kết quả trả lời",
                    once="reaction", by_citizen=True),
}

EVENT_LABELS = {**{name: row.label for name, row in ACTIONS.items()},
                "send": "Gửi phản ánh, kiến nghị", "open_from_rating": "Mở từ đánh giá không hài lòng",
                "receive_forwarded": "Nhận phản ánh do cơ quan khác chuyển đến"}


class InvalidMove(ConflictError):
    code = "invalid_transition"


def ensure_action(action: str, item) -> str:
    """The state `action` leads `item` to, or a ConflictError (not from this state, or once and done)."""
    row = ACTIONS[action]
    if item.status not in row.froms:
        raise InvalidMove(f"Không thể “{row.label}” khi phản ánh ở trạng thái “{Status(item.status).label}”.")
    if row.once and getattr(item, row.once):
        raise ConflictError(f"“{row.label}” chỉ thực hiện một lần với mỗi phản ánh.", code=f"{action}_once")
    return item.status if row.to is None else row.to


def available(action: str, item) -> bool:
    row = ACTIONS[action]
    return item.status in row.froms and not (row.once and getattr(item, row.once))
