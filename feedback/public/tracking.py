"""Following a feedback by its tracking code: the one key the citizen holds, so failures are counted
per client in the shared cache as the dossier lookup's are (dossiers.public.lookup), and what the
page shows of the item is what the sender already knows, less their own contact details."""

from django.conf import settings

from dossiers.public.lookup import mask_name
from mocua import ratelimit
from mocua.errors import ThrottledError

from .. import selectors
from ..models import Feedback
from ..workflow import EVENT_LABELS, HANDLED, Reaction, Status, available

NOT_FOUND = "Mã theo dõi phản ánh không đúng."
THROTTLED = "Bạn đã tra cứu sai quá nhiều lần. Vui lòng thử lại sau ít phút."
# The timeline's moves the citizen sees (the unit's internal ones, such as assigning, are not theirs).
SHOWN = ("send", "open_from_rating", "receive_forwarded", "classify", "forward", "refuse", "request_info",
         "receive_info", "answer", "publish", "react")


class TrackThrottled(ThrottledError):
    pass


def feedback_track(*, code: str, client: str) -> Feedback | None:
    """The item this code names, or None (a failure, counted); TrackThrottled past the limit."""
    taken = ratelimit.take_all([(f"feedback-track:ip:{client}", settings.LOOKUP_CLIENT_FAILURES, 60)])
    if taken is None:
        raise TrackThrottled(THROTTLED)
    item = selectors.feedback_by_code(code)
    if item is not None:
        ratelimit.give_back_all(taken)
    return item


def public_view(item: Feedback) -> dict:
    """What the holder of the code reads: the item's path through the unit, what is asked of them,
    the answer; the sender's name masked, no phone, e-mail or address, no officer's name."""
    forwarded = item.forwards.all()[0] if item.status == Status.FORWARDED and item.forwards.all() else None
    events = [{"label": EVENT_LABELS.get(e.action, e.action), "at": e.at}
              for e in item.events.all() if e.action in SHOWN]
    return {
        "code": item.code, "title": item.title, "content": item.content, "status": item.status,
        "status_label": item.get_status_display(), "agency": item.agency.name,
        "subject": item.get_subject_display(), "procedure": item.procedure.name if item.procedure_id else "",
        "sender": mask_name(item.sender_name), "received_at": item.received_at,
        "answer_due_at": None if item.status in HANDLED else item.answer_due_at,
        "clock_stopped": item.status == Status.AWAITING_INFO,
        "info_question": item.info_question if item.status == Status.AWAITING_INFO else "",
        "reason": item.reason if item.status in (Status.REFUSED, Status.FORWARDED) else "",
        "forwarded_to": item.forwarded_to_body, "forwarded_code": forwarded.code if forwarded else "",
        "answer": item.answer if item.answered_at else "", "answered_at": item.answered_at,
        "published_at": item.published_at,
        "can_reply": available("receive_info", item), "can_react": available("react", item),
        "reaction": Reaction(item.reaction).label if item.reaction else "", "events": events,
    }
