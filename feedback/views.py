"""Staff pages of feedback (phản ánh, kiến nghị): the unit's list, one item with its moves, its file.

Thin, as dossiers.views: access through a selector (another unit's item is a 404), a form for the
input, one service call, a message.
"""

from django.contrib import messages
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from mocua.accounts.roles import ALL_STAFF, role_required
from mocua.errors import DomainError
from mocua.paging import CappedPaginator

from . import deadlines, forms, selectors, services
from .workflow import ACTIONS, EVENT_LABELS, Status, available

PAGE_SIZE = 25
# action → (form, service); the form's cleaned data (less `version`) are the service's arguments.
MOVES = {
    "assign": (forms.AssignForm, services.feedback_assign),
    "classify": (forms.ClassifyForm, services.feedback_classify),
    "forward": (forms.ForwardForm, services.feedback_forward),
    "refuse": (forms.ReasonForm, services.feedback_refuse),
    "request_info": (forms.RequestInfoForm, services.feedback_request_info),
    "receive_info": (forms.ReceiveInfoForm, services.feedback_receive_info),
    "answer": (forms.AnswerForm, services.feedback_answer),
    "publish": (forms.PublishForm, services.feedback_publish),
}
ITEM_FORMS = (forms.AssignForm, forms.ForwardForm, forms.PublishForm)  # built from the item
SHOW = [("open", "Đang xử lý"), ("handled", "Đã xử lý"), *[(s, label) for s, label in Status.choices]]


def _form(action: str, item, data=None, names=()):
    form_class, _ = MOVES[action]
    kwargs = {"item": item} if form_class in ITEM_FORMS else {}
    if form_class is forms.PublishForm:
        kwargs["names"] = names
    if data is None:
        return form_class(initial={"version": item.version}, prefix=action, **kwargs)
    return form_class(data, prefix=action, **kwargs)


@role_required(*ALL_STAFF)
def feedback_list(request):
    show = request.GET.get("show", "open")
    show = show if show in dict(SHOW) else "open"
    mine, late = request.GET.get("mine") == "1", request.GET.get("late") == "1"
    items = selectors.feedback_list_for_officer(user=request.user, show=show, mine=mine, late=late)
    page = CappedPaginator(items, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = list(page.object_list)
    for item, state in zip(rows, deadlines.deadline_states(rows, timezone.now(), request.user.agency), strict=True):
        item.deadline_state, item.current_due = state, deadlines.current_due(item)
    page.object_list = rows
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "feedback/list.html", {"page": page, "show": show, "shows": SHOW, "mine": mine,
                                                  "late": late, "query_string": query.urlencode()})


def _events(item) -> list:
    events = list(item.events.all())
    for event in events:
        event.label = EVENT_LABELS.get(event.action, event.action)
    return events


@role_required(*ALL_STAFF)
def feedback_detail(request, pk: int):
    item = selectors.feedback_get_for_officer(user=request.user, pk=pk)
    actions = [a for a in MOVES if available(a, item) and services.may(request.user, item, a)]
    names = services.known_names(item) if "publish" in actions else ()
    move_forms = [(action, ACTIONS[action].label, _form(action, item, names=names)) for action in actions]
    due_rows = [(name, row.task, deadlines.due_of(item, name)) for name, row in deadlines.DEADLINES.items()
                if deadlines.due_of(item, name)]
    return render(request, "feedback/detail.html", {
        "item": item, "move_forms": move_forms, "events": _events(item), "due_rows": due_rows,
        "first_move": next((a for a in actions if a != "assign"), ""),
        "deadline_state": deadlines.deadline_states([item], timezone.now(), item.agency)[0],
        "current_due": deadlines.current_due(item)})


@require_POST
@role_required(*ALL_STAFF)
def feedback_move(request, pk: int, action: str):
    if action not in MOVES:
        raise Http404("Không có thao tác này.")
    item = selectors.feedback_row_for_officer(user=request.user, pk=pk)
    form = _form(action, item, request.POST)
    if not form.is_valid():
        for name, errors in form.errors.items():
            label = form.fields[name].label if name in form.fields else ""
            for error in errors:
                messages.error(request, f"{ACTIONS[action].label}: {label + ': ' if label else ''}{error}")
        return redirect("feedback:detail", pk=pk)
    arguments = {k: v for k, v in form.cleaned_data.items() if k != "version"}
    try:
        MOVES[action][1](item=item, actor=request.user, expected_version=form.cleaned_data.get("version"),
                         **arguments)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"Đã thực hiện: {ACTIONS[action].label}.")
    return redirect("feedback:detail", pk=pk)


@role_required(*ALL_STAFF)
def feedback_attachment(request, pk: int):
    item = selectors.feedback_row_for_officer(user=request.user, pk=pk)
    if not item.attachment:
        raise Http404("Phản ánh này không có tệp đính kèm.")
    return FileResponse(item.attachment.open("rb"), content_type=item.attachment_type or "application/octet-stream")
