"""The dossier lifecycle as data: states, their national portal codes, and the legal moves.

Pure Python, no ORM. Every service calls `ensure_transition` before it changes a status.
"""

from django.db import models

from mocua.api import ConflictError


class Status(models.TextChoices):
    SUBMITTED = "submitted", "Mới đăng ký"
    RECEIVED = "received", "Đã tiếp nhận"
    REFUSED = "refused", "Không được tiếp nhận / từ chối giải quyết"
    PROCESSING = "processing", "Đang xử lý"
    AWAITING_SUPPLEMENT = "awaiting_supplement", "Yêu cầu bổ sung giấy tờ"
    AWAITING_PAYMENT = "awaiting_payment", "Chờ thực hiện nghĩa vụ tài chính"
    WITHDRAWN = "withdrawn", "Công dân rút hồ sơ"
    STOPPED = "stopped", "Dừng xử lý"
    RESULT_READY = "result_ready", "Đã có kết quả, chờ trả"
    RETURNED = "returned", "Đã trả kết quả"


# TrangThaiHoSoId of the National Public Service Portal (domain-vn.md §2.3), for export.
PORTAL_CODE = {
    Status.SUBMITTED: 1, Status.RECEIVED: 2, Status.REFUSED: 3, Status.PROCESSING: 4,
    Status.AWAITING_SUPPLEMENT: 5, Status.AWAITING_PAYMENT: 6, Status.WITHDRAWN: 7,
    Status.STOPPED: 8, Status.RESULT_READY: 9, Status.RETURNED: 10,
}

_WAITING = {Status.AWAITING_SUPPLEMENT, Status.AWAITING_PAYMENT}
_HANDLING = {Status.RECEIVED, Status.PROCESSING} | _WAITING

# action → (states it may start from, state it leads to). Each action is one service.
ACTIONS: dict[str, tuple[frozenset[str], str]] = {
    # An online dossier waits for the counter: accepted (the clock starts) or refused with a reason.
    "accept_online": (frozenset({Status.SUBMITTED}), Status.RECEIVED),
    "reject_online": (frozenset({Status.SUBMITTED}), Status.REFUSED),
    # processing → processing is the next handover (next step or next officer).
    "hand_over": (frozenset({Status.RECEIVED, Status.PROCESSING}), Status.PROCESSING),
    "request_supplement": (frozenset({Status.PROCESSING}), Status.AWAITING_SUPPLEMENT),
    "receive_supplement": (frozenset({Status.AWAITING_SUPPLEMENT}), Status.PROCESSING),
    # Some procedures (land) pause for tax or fees: portal status 6.
    "request_payment": (frozenset({Status.PROCESSING}), Status.AWAITING_PAYMENT),
    "receive_payment": (frozenset({Status.AWAITING_PAYMENT}), Status.PROCESSING),
    "approve": (frozenset({Status.PROCESSING}), Status.RESULT_READY),
    # Refusal after appraisal ends handling; it counts as resolved in Biểu 06.
    "refuse": (frozenset({Status.PROCESSING}), Status.REFUSED),
    "return": (frozenset({Status.RESULT_READY}), Status.RETURNED),
    # Withdrawal (7) and stopping (8, Mẫu 05 of Circular 03/2025) from any open state.
    "withdraw": (frozenset({Status.SUBMITTED} | _HANDLING), Status.WITHDRAWN),
    "stop": (frozenset(_HANDLING), Status.STOPPED),
}

TRANSITIONS: dict[str, set[str]] = {
    status: {to for froms, to in ACTIONS.values() if status in froms} for status in Status.values
}

# Still being handled (result_ready is done with, only waiting for collection).
OPEN = frozenset(s for s, moves in TRANSITIONS.items() if moves and s != Status.RESULT_READY)
# The clock runs only in these states; it is stopped while the citizen owes papers or money.
CLOCK_RUNNING = frozenset({Status.RECEIVED, Status.PROCESSING})
CLOCK_STOPPED = frozenset({Status.AWAITING_SUPPLEMENT, Status.AWAITING_PAYMENT})
FINISHED = frozenset({Status.RETURNED, Status.REFUSED, Status.WITHDRAWN, Status.STOPPED})


class InvalidTransition(ConflictError):
    code = "invalid_transition"

    def __init__(self, from_: str, to: str):
        super().__init__(
            f"Không thể chuyển hồ sơ từ trạng thái “{Status(from_).label}” sang “{Status(to).label}”.")
        self.from_status, self.to_status = from_, to


def ensure_transition(from_: str, to: str) -> None:
    if to not in TRANSITIONS[from_]:
        raise InvalidTransition(from_, to)


def ensure_action(action: str, from_: str) -> str:
    """The state `action` leads to from `from_`, or InvalidTransition."""
    froms, to = ACTIONS[action]
    if from_ not in froms:
        raise InvalidTransition(from_, to)
    return to


def portal_code(status: str) -> int:
    return PORTAL_CODE[Status(status)]
