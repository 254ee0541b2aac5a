"""The dossier lifecycle as data: states, their national portal codes, and one row per action.

Pure Python, no ORM. Each row says everything about its action: the states it may start from, the
state it leads to, whether it may happen only once in a dossier's life, its label and the form it
prints. The services check a move with `ensure_action`, the pages offer exactly the actions for
which `available` holds, and the API's verbs are the same rows.
"""

from dataclasses import dataclass

from django.db import models

from mocua.errors import ConflictError


class Status(models.TextChoices):
    # The names of the National Public Service Portal's statuses (domain-vn §2.3, table A), except
    # "refused", which is two of them: 3 "Không được tiếp nhận" at intake, and a refusal after appraisal,
    # which ends handling (9); the label says both (portal_code tells them apart for export).
    SUBMITTED = "submitted", "Mới đăng ký"
    RECEIVED = "received", "Được tiếp nhận"
    REFUSED = "refused", "Không được tiếp nhận / từ chối giải quyết"
    PROCESSING = "processing", "Đang xử lý"
    AWAITING_SUPPLEMENT = "awaiting_supplement", "Yêu cầu bổ sung giấy tờ"
    AWAITING_PAYMENT = "awaiting_payment", "Yêu cầu thực hiện nghĩa vụ tài chính"
    WITHDRAWN = "withdrawn", "Công dân yêu cầu rút hồ sơ"
    STOPPED = "stopped", "Dừng xử lý"
    RESULT_READY = "result_ready", "Đã xử lý xong"
    RETURNED = "returned", "Đã trả kết quả"


# TrangThaiHoSoId of the National Public Service Portal (domain-vn.md §2.3), for export.
PORTAL_CODE = {
    Status.SUBMITTED: 1, Status.RECEIVED: 2, Status.REFUSED: 3, Status.PROCESSING: 4,
    Status.AWAITING_SUPPLEMENT: 5, Status.AWAITING_PAYMENT: 6, Status.WITHDRAWN: 7,
    Status.STOPPED: 8, Status.RESULT_READY: 9, Status.RETURNED: 10,
}

# The clock runs only in these states; it is stopped while the citizen owes papers or money.
CLOCK_RUNNING = frozenset({Status.RECEIVED, Status.PROCESSING})
CLOCK_STOPPED = frozenset({Status.AWAITING_SUPPLEMENT, Status.AWAITING_PAYMENT})
_HANDLING = CLOCK_RUNNING | CLOCK_STOPPED


@dataclass(frozen=True)
class Once:
    """An action allowed once per dossier: `done` names the dossier's attribute that is set (or
    non-zero) once it happened; a second try is refused with `message` and `code`."""

    done: str
    message: str
    code: str


@dataclass(frozen=True)
class Action:
    froms: frozenset[str]
    to: str | None  # None: the state stays as it is
    label: str
    once: Once | None = None
    form: str = ""  # the numbered form (Mẫu 02–05) the action issues, offered for printing after it
    button: bool = True  # a move offered on the dossier page (attaching a file has a form of its own)


# Each action is one service function (dossiers.services.dossier_<action>).
ACTIONS: dict[str, Action] = {
    # An online dossier waits for the counter: accepted (the clock starts) or refused with a reason.
    "accept_online": Action(frozenset({Status.SUBMITTED}), Status.RECEIVED, "Tiếp nhận hồ sơ trực tuyến"),
    "reject_online": Action(frozenset({Status.SUBMITTED}), Status.REFUSED, "Không tiếp nhận (trực tuyến)"),
    # processing → processing is the next handover (next step or next officer).
    "hand_over": Action(frozenset({Status.RECEIVED, Status.PROCESSING}), Status.PROCESSING, "Chuyển xử lý"),
    # Decree 61/2018 Art 19, kept by Decree 118/2025: supplements are asked for once during handling.
    "request_supplement": Action(
        frozenset({Status.PROCESSING}), Status.AWAITING_SUPPLEMENT, "Yêu cầu bổ sung (Mẫu 02)", form="02",
        once=Once("supplement_requests", "Hồ sơ đã được yêu cầu bổ sung một lần; không được yêu cầu lần thứ hai.",
                  "supplement_once")),
    "receive_supplement": Action(frozenset({Status.AWAITING_SUPPLEMENT}), Status.PROCESSING,
                                 "Đã nhận hồ sơ bổ sung"),
    # Some procedures (land) pause for tax or fees: portal status 6.
    "request_payment": Action(frozenset({Status.PROCESSING}), Status.AWAITING_PAYMENT,
                              "Yêu cầu thực hiện nghĩa vụ tài chính"),
    "receive_payment": Action(frozenset({Status.AWAITING_PAYMENT}), Status.PROCESSING,
                              "Đã thực hiện nghĩa vụ tài chính"),
    "approve": Action(frozenset({Status.PROCESSING}), Status.RESULT_READY, "Phê duyệt kết quả"),
    # Refusal after appraisal ends handling; it counts as resolved in Biểu 06.
    "refuse": Action(frozenset({Status.PROCESSING}), Status.REFUSED, "Từ chối giải quyết (Mẫu 03)", form="03"),
    "return": Action(frozenset({Status.RESULT_READY}), Status.RETURNED, "Trả kết quả"),
    # Withdrawal (7) and stopping (8, Mẫu 05 of Circular 03/2025) from any open state.
    "withdraw": Action(frozenset({Status.SUBMITTED} | _HANDLING), Status.WITHDRAWN, "Công dân rút hồ sơ"),
    "stop": Action(_HANDLING, Status.STOPPED, "Dừng giải quyết (Mẫu 05)", form="05"),
    # Mẫu 04: an apology with a new appointment, once, while the dossier is being handled.
    "reschedule": Action(
        _HANDLING, None, "Xin lỗi và hẹn lại (Mẫu 04)", form="04",
        once=Once("rescheduled_at", "Hồ sơ đã được hẹn lại một lần; chỉ được xin lỗi và hẹn lại một lần.",
                  "reschedule_once")),
    "attach": Action(frozenset(Status.values), None, "Đính kèm tệp", button=False),
    # Between agencies (dossiers.transfers): the desk sends a dossier it received for another agency,
    # the competent agency sends the result back; the receiving agency's counter takes it in. Where
    # the dossier is (Dossier.transfer_state) decides which of the two is due (agencies.acting_agency).
    # A refusal after appraisal goes back to the desk like a result (issue 23): the desk hands it over.
    "transfer": Action(frozenset({Status.RECEIVED, Status.PROCESSING, Status.RESULT_READY, Status.REFUSED}), None,
                       "Chuyển hồ sơ liên cơ quan"),
    "receive_transfer": Action(frozenset({Status.RECEIVED, Status.PROCESSING, Status.RESULT_READY, Status.REFUSED}),
                               None, "Nhận hồ sơ được chuyển đến"),
    # The written refusal handed to the citizen at the desk (dossiers.refusals), as a result is returned.
    "hand_refusal": Action(frozenset({Status.REFUSED}), None, "Trao văn bản từ chối giải quyết cho công dân",
                           once=Once("refusal_handed_at", "Văn bản từ chối đã được trao cho công dân.",
                                     "refusal_handed_once")),
    # An electronic result signed by the agency (Decree 45/2020 Art 14(3)), after approval: the
    # approving officer may attach it with the approval, or here (several results, a later file).
    "attach_result": Action(frozenset({Status.RESULT_READY, Status.RETURNED}), None,
                            "Đính kèm kết quả điện tử (PDF có chữ ký số)"),
    # The friendly letter handed with the result, when the procedure has one (local practice, not law).
    # A result sent by post is delivered when the recipient signs the Phiếu gửi (Decision 45/2016 Art 10).
    "confirm_delivery": Action(frozenset({Status.RETURNED}), None, "Xác nhận người nhận đã ký nhận bưu gửi",
                               once=Once("delivered_at", "Đã ghi nhận ngày người nhận ký nhận bưu gửi.",
                                         "delivery_once")),
    # Offered on the dossier page only when the procedure has a letter and the agency a text (views).
    "hand_letter": Action(frozenset({Status.RESULT_READY, Status.RETURNED}), None, "Ghi nhận đã trao thư cho công dân",
                          once=Once("letter_handed_at", "Thư đã được ghi nhận là đã trao.", "letter_once"),
                          button=False),
}

# The audit trail's other rows, for the timeline (every action above has its label in its row).
EVENT_LABELS = {
    **{name: action.label for name, action in ACTIONS.items()},
    "receive": "Tiếp nhận hồ sơ",
    "refuse_intake": "Từ chối tiếp nhận (Mẫu 03)",
    "submit_online": "Nộp hồ sơ trực tuyến",
    "rate": "Công dân đánh giá",
    "download_result": "Công dân tải kết quả điện tử",
    "scan_paper": "Số hóa giấy tờ (tải bản quét)",
    "expire_files": "Xóa tệp hết thời hạn lưu giữ",
}

TRANSITIONS: dict[str, set[str]] = {
    status: {a.to for a in ACTIONS.values() if a.to is not None and status in a.froms} for status in Status.values
}

# Still being handled (result_ready is done with, only waiting for collection).
OPEN = frozenset(s for s, moves in TRANSITIONS.items() if moves and s != Status.RESULT_READY)
FINISHED = frozenset({Status.RETURNED, Status.REFUSED, Status.WITHDRAWN, Status.STOPPED})
# A dossier may be rated once handling ended with a result or a written refusal (`rateable`).
RATEABLE = frozenset({Status.RETURNED, Status.REFUSED})


class InvalidTransition(ConflictError):
    code = "invalid_transition"

    def __init__(self, from_: str, action: str):
        to = ACTIONS[action].to
        if to is None:
            message = f"Không thể “{ACTIONS[action].label}” khi hồ sơ ở trạng thái “{Status(from_).label}”."
        else:
            message = f"Không thể chuyển hồ sơ từ trạng thái “{Status(from_).label}” sang “{Status(to).label}”."
        super().__init__(message)
        self.from_status, self.to_status = from_, to


def ensure_action(action: str, dossier) -> str:
    """The state `action` leads `dossier` to, or InvalidTransition (not from its state) or a
    ConflictError (an action allowed once, already taken). Reads only the dossier's attributes."""
    row = ACTIONS[action]
    if dossier.status not in row.froms:
        raise InvalidTransition(dossier.status, action)
    if row.once and getattr(dossier, row.once.done):
        raise ConflictError(row.once.message, code=row.once.code)
    return dossier.status if row.to is None else row.to


def available(action: str, dossier) -> bool:
    """Whether `ensure_action` would let the action through (who may take it is dossiers.permissions)."""
    row = ACTIONS[action]
    return dossier.status in row.froms and not (row.once and getattr(dossier, row.once.done))


def rateable(dossier) -> bool:
    """A citizen may rate a dossier received and then returned or refused after appraisal (not a
    refusal at intake: it was never received)."""
    return dossier.status in RATEABLE and dossier.received_at is not None


# A refusal after appraisal ends handling and counts as "đã xử lý" (domain-vn.md §2.3, mapping to our
# design): the portal's "Đã xử lý xong", never 3, which is a refusal at intake ("Không được tiếp nhận").
REFUSED_AFTER_APPRAISAL_CODE = 9


def portal_code(status: str, received: bool | None = None) -> int:
    """The portal's TrangThaiHoSoId of a status; `received` tells a refusal after appraisal (the
    dossier was received) from one at intake (it never was)."""
    if status == Status.REFUSED and received:
        return REFUSED_AFTER_APPRAISAL_CODE
    return PORTAL_CODE[Status(status)]


# The move that carries the dossier on from its state and step: offered first, open, on its page.
_NEXT_BY_STATUS = {Status.SUBMITTED: "accept_online", Status.AWAITING_SUPPLEMENT: "receive_supplement",
                   Status.AWAITING_PAYMENT: "receive_payment", Status.RESULT_READY: "return"}
# Moves that end or decide the case ask for one confirmation on the page.
CONFIRMED_MOVES = {"approve": "Phê duyệt kết quả của hồ sơ này?",
                   "refuse": "Từ chối giải quyết hồ sơ này (Mẫu 03)?",
                   "return": "Xác nhận đã trả kết quả cho người nhận?"}


def next_move(dossier) -> str | None:
    """While handled: hand over, except on the approval step (the plan's last step that is not the
    counter's), where the next move is the approval."""
    # Between agencies (dossiers.agencies): sending it on, or taking it in, comes first.
    state = getattr(dossier, "transfer_state", "")
    if state in ("to_agency", "to_desk"):
        return "receive_transfer"
    if state == "at_desk" or (state == "at_agency" and dossier.status == Status.RESULT_READY):
        return "transfer"
    if dossier.status in _NEXT_BY_STATUS:
        return _NEXT_BY_STATUS[dossier.status]
    if dossier.status not in (Status.RECEIVED, Status.PROCESSING):
        return None
    roles = [step.get("role") for step in dossier.steps_plan or []]
    deciding = [i for i, role in enumerate(roles) if role != "reception"]
    if deciding and dossier.step_index >= deciding[-1]:
        return "approve"
    return "hand_over"


def moves_in_order(actions: list[str], dossier) -> list[str]:
    """`actions` (the user's allowed moves) with the one that fits the dossier's step first."""
    first = next_move(dossier)
    return sorted(actions, key=lambda action: action != first)


def next_step_of(dossier) -> dict | None:
    """The plan's step after the current one ({"name", "role", "department", "budget"}), or None."""
    plan = dossier.steps_plan or []
    index = dossier.step_index + 1
    return plan[index] if 0 <= index < len(plan) else None
