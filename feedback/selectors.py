"""Reads of feedback items, with the access rules: an officer sees their unit's items only; the public
sees an item only by its tracking code, and published answers only in their anonymised form."""

from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404

from .models import Feedback, FeedbackEvent
from .workflow import HANDLED, OPEN, Status

# The columns the staff list shows and colours (deadlines.deadline_states reads the due times).
LIST_FIELDS = ("code", "title", "subject", "status", "category", "received_at", "classify_due_at", "answer_due_at",
               "publish_due_at", "late", "agency_id", "procedure__code", "procedure__name", "assignee__username",
               "assignee__full_name", "dossier__code")
LIST_FILTERS = {
    "open": Q(status__in=sorted(OPEN)),
    "handled": Q(status__in=sorted(HANDLED)),
    **{status: Q(status=status) for status in Status.values},
}


def feedback_base_for_officer(user) -> QuerySet:
    if not getattr(user, "is_officer", False):
        return Feedback.objects.none()
    return Feedback.objects.filter(agency_id=user.agency_id)


def feedback_list_for_officer(*, user, show: str = "open", mine: bool = False, late: bool = False) -> QuerySet:
    """The unit's items, newest first: open ones by default, or handled, or one status; `mine`: the
    user's own; `late`: those already late (the flag; the page colours the ones running late now)."""
    items = feedback_base_for_officer(user).filter(LIST_FILTERS.get(show, LIST_FILTERS["open"]))
    if mine:
        items = items.filter(assignee=user)
    if late:
        items = items.filter(late=True)
    return items.select_related("procedure", "assignee", "dossier").only(*LIST_FIELDS).order_by("-received_at", "-pk")


def feedback_get_for_officer(*, user, pk: int) -> Feedback:
    """The item with everything its page shows; 404 for another unit's."""
    queryset = feedback_base_for_officer(user).select_related(
        "agency", "procedure", "dossier", "assignee", "forwarded_from", "forwarded_from__agency",
    ).prefetch_related(Prefetch("events", queryset=FeedbackEvent.objects.select_related("actor")),
                       Prefetch("forwards", queryset=Feedback.objects.select_related("agency").only(
                           "code", "status", "agency__name", "forwarded_from_id")))
    try:
        return queryset.get(pk=pk)
    except Feedback.DoesNotExist as exc:
        raise Http404("Không tìm thấy phản ánh, kiến nghị.") from exc


def feedback_row_for_officer(*, user, pk: int) -> Feedback:
    """Only the row, for a move: the service re-reads it under a lock anyway."""
    try:
        return feedback_base_for_officer(user).select_related("agency").get(pk=pk)
    except Feedback.DoesNotExist as exc:
        raise Http404("Không tìm thấy phản ánh, kiến nghị.") from exc


def feedback_by_code(code: str) -> Feedback | None:
    """The item a tracking code names, with the unit it is at and the units it was forwarded to."""
    code = (code or "").strip().upper()[:24]
    if not code:
        return None
    return (Feedback.objects.select_related("agency", "procedure")
            .prefetch_related(Prefetch("forwards", queryset=Feedback.objects.only("code", "forwarded_from_id")),
                              Prefetch("events", queryset=FeedbackEvent.objects.only("feedback_id", "action", "at")))
            .filter(code=code).first())


def published_for_procedure(procedure_id: int, limit: int = 5) -> list[Feedback]:
    """The procedure's latest published answers (anonymised texts only): one query."""
    return list(Feedback.objects.filter(procedure_id=procedure_id, status=Status.PUBLISHED)
                .select_related("agency").only("public_question", "public_answer", "published_at", "category",
                                               "agency__name")
                .order_by("-published_at")[:limit])


def published_list(*, agency_id: int | None = None, procedure_id: int | None = None):
    """Published answers for the public list, newest first (a queryset to page)."""
    items = Feedback.objects.filter(status=Status.PUBLISHED)
    if agency_id:
        items = items.filter(agency_id=agency_id)
    if procedure_id:
        items = items.filter(procedure_id=procedure_id)
    return (items.select_related("agency", "procedure")
            .only("public_question", "public_answer", "published_at", "category", "agency__name",
                  "procedure__code", "procedure__name").order_by("-published_at", "-pk"))
