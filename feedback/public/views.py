"""The citizens' feedback pages, no login: send a feedback (/phan-anh/gui/), follow it by its tracking
code (/phan-anh/tra-cuu/: the code travels in POST bodies only, never in an address), answer what
the unit asks, say whether the answer satisfies; and the published, anonymised answers (/phan-anh/).
"""

import datetime as dt
import re

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from dossiers.models import Dossier
from dossiers.public import lookup
from mocua import inputs, ratelimit
from mocua.accounts.models import Agency
from mocua.errors import DomainError
from mocua.inputs import read_query
from mocua.ratelimit import client_address
from procedures.models import Procedure

from .. import selectors, services, transparency
from ..models import Subject
from ..workflow import Category
from . import tracking
from .forms import ReactForm, ReplyForm, SendForm, TrackForm

SLUGS = {"ho-so": Subject.DOSSIER, "thu-tuc": Subject.PROCEDURE, "don-vi": Subject.UNIT}
PUBLISHED_PAGE = 20


def _choices() -> tuple[list, list]:
    procedures = [(str(pk), f"{name} ({code})") for pk, code, name in
                  Procedure.objects.filter(is_active=True).order_by("name").values_list("pk", "code", "name")]
    agencies = [(str(pk), name) for pk, name in
                Agency.objects.filter(is_active=True).order_by("level", "name").values_list("pk", "name")]
    return procedures, agencies


def _initial(request, procedures: list) -> dict:
    """From the link that led here: a dossier's lookup page (?ho-so=), a procedure's page (?thu-tuc=)."""
    initial = {"subject": SLUGS.get(request.GET.get("ve", ""), Subject.DOSSIER)}
    if code := request.GET.get("ho-so"):
        initial.update(subject=Subject.DOSSIER, dossier_code=lookup.normalise_code(code))
    code = request.GET.get("thu-tuc", "")
    if re.fullmatch(inputs.CATALOGUE_CODE, code):  # a link's code, or nothing a query should see
        found = Procedure.objects.filter(code=code, is_active=True).values_list("pk", flat=True).first()
        if found:
            initial.update(subject=Subject.PROCEDURE, procedure=str(found))
    return initial


def _dossier(request, data: dict) -> Dossier | None:
    """The dossier named by code and PIN (rate-limited, as the lookup), or by the code alone when this
    browser has just proven its PIN on the lookup page (its signed cookie)."""
    code = lookup.normalise_code(data["dossier_code"])
    if not code:
        return None
    if not lookup.is_unlocked(request, code):
        found = lookup.dossier_lookup(code=code, pin=data["dossier_pin"], client=client_address(request))
        if found is None:
            raise DomainError(lookup.NOT_FOUND, field="dossier_pin")
    return Dossier.objects.select_related("agency", "procedure").filter(code=code).first()


def _send(request, form: SendForm):
    data = form.cleaned_data
    subject = data["subject"]
    dossier = _dossier(request, data) if subject == Subject.DOSSIER else None
    procedure = (Procedure.objects.filter(pk=data["procedure"]).first()
                 if subject == Subject.PROCEDURE and data["procedure"] else None)
    agency = Agency.objects.filter(pk=data["agency"]).first() if data["agency"] else None
    sender = services.Sender(name=data["sender_name"], phone=data["sender_phone"], email=data["sender_email"],
                             address=data["sender_address"])
    return services.feedback_send(subject=subject, title=data["title"], content=data["content"], sender=sender,
                                  agency=agency, dossier=dossier, procedure=procedure, upload=data["attachment"])


@never_cache
@require_http_methods(["GET", "POST"])
def send(request):
    procedures, agencies = _choices()
    form = SendForm(request.POST or None, request.FILES or None, procedures=procedures, agencies=agencies,
                    initial=_initial(request, procedures))
    status = 200
    if request.method == "POST" and form.is_valid():
        # Counted first, atomically, as the online submission's limit.
        if not ratelimit.take(f"feedback-send:ip:{client_address(request)}", limit=settings.FEEDBACK_PER_HOUR,
                              window=3600):
            return render(request, "feedback/public/send.html", {"form": form, "error": lookup.THROTTLED},
                          status=429)
        try:
            item = _send(request, form)
        except lookup.LookupThrottled as exc:
            form.add_error("dossier_pin", exc.message)
            status = 429
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            return render(request, "feedback/public/sent.html", {"item": item})
    if form.errors:
        status = max(status, 400)
    return render(request, "feedback/public/send.html", {"form": form}, status=status)


def _track_page(request, item, *, message: str = "", error: str = "", status: int = 200):
    return render(request, "feedback/public/track_result.html", {
        "view": tracking.public_view(item), "message": message, "error": error,
        "reply_form": ReplyForm(initial={"code": item.code}), "react_form": ReactForm(initial={"code": item.code}),
    }, status=status)


def _tracked(request, form):
    """(item or None, the failure page or None) for a valid form carrying a tracking code."""
    try:
        item = tracking.feedback_track(code=form.cleaned_data["code"], client=client_address(request))
    except tracking.TrackThrottled as exc:
        response = render(request, "feedback/public/track.html", {"form": TrackForm(), "error": exc.message},
                          status=429)
        response["Retry-After"] = "60"
        return None, response
    if item is None:
        return None, render(request, "feedback/public/track.html", {"form": TrackForm(),
                                                                    "error": tracking.NOT_FOUND}, status=404)
    return item, None


@never_cache
@require_http_methods(["GET", "POST"])
def track(request):
    form = TrackForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        item, failure = _tracked(request, form)
        return failure or _track_page(request, item)
    return render(request, "feedback/public/track.html", {"form": form})


def _citizen_move(request, form, move, done: str):
    if not form.is_valid():
        return render(request, "feedback/public/track.html", {"form": TrackForm(request.POST),
                                                              "error": "Thông tin gửi lên chưa đủ."}, status=400)
    item, failure = _tracked(request, form)
    if failure:
        return failure
    try:
        item = move(item, form.cleaned_data)
    except DomainError as exc:
        return _track_page(request, selectors.feedback_by_code(item.code), error=exc.message,
                           status=exc.http_status)
    return _track_page(request, selectors.feedback_by_code(item.code), message=done)


@never_cache
@require_POST
def reply(request):
    """The information the unit asked for, sent by the holder of the tracking code."""
    return _citizen_move(request, ReplyForm(request.POST), lambda item, data: services.feedback_receive_info(
        item=item, reply=data["reply"]), "Đã gửi thông tin bổ sung. Thời hạn trả lời tiếp tục được tính.")


@never_cache
@require_POST
def react(request):
    return _citizen_move(request, ReactForm(request.POST), lambda item, data: services.feedback_react(
        item=item, reaction=data["reaction"]), "Cảm ơn ông/bà đã cho biết ý kiến về kết quả trả lời.")


class PublishedQuery(forms.Form):
    """The published answers' filters, from the query string (mocua.inputs.read_query)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["don-vi"] = inputs.IdField(label="Đơn vị", required=False)
        self.fields["thu-tuc"] = inputs.TextField(label="Thủ tục", required=False, max_length=30,
                                                  validators=[inputs.catalogue_code])


def published(request):
    """Every published answer, newest first, anonymised: by unit or procedure."""
    query, errors = read_query(request.GET, PublishedQuery)
    for error in errors:
        messages.error(request, error)
    agency, procedure = str(query["don-vi"]), query["thu-tuc"]
    procedure_id = (Procedure.objects.filter(code=procedure).values_list("pk", flat=True).first()
                    if procedure else None)
    items = selectors.published_list(agency_id=query["don-vi"] or None, procedure_id=procedure_id)
    page = Paginator(items, PUBLISHED_PAGE).get_page(request.GET.get("page"))
    agencies = [(str(pk), name) for pk, name in
                Agency.objects.filter(is_active=True).order_by("level", "name").values_list("pk", "name")]
    return render(request, "feedback/public/published.html", {
        "page": page, "agencies": agencies, "agency": agency, "procedure": procedure,
        "categories": dict(Category.choices)}, status=400 if errors else 200)


def _short(name: str) -> str:
    """A unit's name as a chart's axis can hold it, in the abbreviations offices write themselves."""
    for long, short in (("Ủy ban nhân dân", "UBND"), ("Trung tâm Phục vụ hành chính công", "TT PVHCC")):
        name = name.replace(long, short)
    return name


def transparency_page(request):
    """The public scoreboard: served from the shared cache (feedback.transparency), no login."""
    year, month, agency = transparency.choose(request.GET.get("nam"), request.GET.get("thang"),
                                              request.GET.get("don-vi"))
    board = transparency.scoreboard(year=year, month=month, agency_id=agency)
    chosen = next((u for u in board["units"] if u["agency"] == board["agency"]), None)
    chart = {"months": board["months"], "units": [{"name": _short(u["name"]), "score": u["score"]}
                                                  for u in board["units"] if u["score"] is not None]}
    years = [str(y) for y in range(timezone.localdate().year, transparency.FIRST_YEAR - 1, -1)]
    return render(request, "feedback/public/transparency.html", {
        "board": board, "chosen": chosen, "chart": chart, "years": years, "months": transparency.MONTHS,
        "built_at": dt.datetime.fromisoformat(board["built_at"]),
        "cache_minutes": max(1, settings.TRANSPARENCY_CACHE_SECONDS // 60)})
