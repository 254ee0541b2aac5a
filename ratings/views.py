"""Rating pages: online (after the PIN or QR proved who asks), the counter kiosk, staff figures."""

import datetime as dt

from django.contrib import messages
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from dossiers.models import Dossier
from dossiers.public import lookup
from mocua import ratelimit
from mocua.accounts.models import Role
from mocua.accounts.roles import ALL_STAFF, role_required
from mocua.accounts.selectors import figures_scope
from mocua.errors import DomainError
from mocua.ratelimit import client_address

from . import services, stats
from .forms import PeriodForm, RatingForm
from .models import CRITERIA, RatingChannel

KIOSK_MINUTES = 30
RATING_TRIES_PER_HOUR = 20


@require_POST
def rate_online(request, code: str):
    """Only a visitor who looked the dossier up (code + PIN, or the QR token) may rate it."""
    if not lookup.is_unlocked(request, code):
        raise Http404("Không tìm thấy hồ sơ.")
    client = client_address(request)
    # Counted first, atomically (see mocua.ratelimit.take).
    if not ratelimit.take(f"rate:ip:{client}", limit=RATING_TRIES_PER_HOUR, window=3600):
        return render(request, "ratings/done.html", {"error": lookup.THROTTLED}, status=429)
    form = RatingForm(request.POST)
    dossier = Dossier.objects.filter(code=code).first()
    if dossier is None:
        raise Http404("Không tìm thấy hồ sơ.")
    if not form.is_valid():
        return render(request, "ratings/done.html", {"error": form.first_error(), "code": code}, status=400)
    try:
        rating = services.rating_submit(dossier=dossier, level=form.cleaned_data["level"],
                                        reason=form.cleaned_data["reason"], comment=form.cleaned_data["comment"],
                                        criteria=form.criteria(), channel=RatingChannel.LOOKUP)
    except services.AlreadyRated as exc:
        return render(request, "ratings/done.html", {"error": exc.message, "rating": exc.rating}, status=409)
    except DomainError as exc:
        return render(request, "ratings/done.html", {"error": exc.message, "code": code}, status=exc.http_status)
    return render(request, "ratings/done.html", {"rating": rating})


def _kiosk_dossier(user):
    """The latest dossier this officer handed back in the last minutes that is not rated yet."""
    since = timezone.now() - dt.timedelta(minutes=KIOSK_MINUTES)
    return (Dossier.objects.filter(events__action="return", events__actor=user, events__at__gte=since,
                                   rating__isnull=True)
            .order_by("-returned_at").only("id", "code", "procedure_name", "applicant_name", "owner_name").first())


@role_required(Role.RECEPTION, Role.HEAD, Role.LEADER)
def kiosk(request):
    """The tablet at the counter, logged in as the counter officer: the citizen taps a level."""
    if request.method == "POST":
        dossier = _kiosk_dossier(request.user)
        code = request.POST.get("code", "")
        if dossier is None or dossier.code != code:
            messages.error(request, "Không có hồ sơ vừa trả kết quả để đánh giá.")
            return redirect("ratings:kiosk")
        try:
            rating = services.rating_submit(dossier=dossier, level=request.POST.get("level", ""),
                                            reason=request.POST.get("reason", ""), channel=RatingChannel.KIOSK)
            thanks = "Cảm ơn ông/bà đã đánh giá!"
            if rating.feedback:  # "not satisfied" opened a feedback item: its code is sent by SMS too
                thanks += f" Ý kiến của ông/bà đã được ghi nhận để trả lời, mã theo dõi {rating.feedback.code}."
            messages.success(request, thanks)
        except DomainError as exc:
            messages.error(request, exc.message)
        return redirect("ratings:kiosk")
    return render(request, "ratings/kiosk.html", {"dossier": _kiosk_dossier(request.user),
                                                  "criteria": CRITERIA})


@role_required(Role.RECEPTION, Role.HEAD, Role.LEADER)
def kiosk_current(request):
    """Polled by the kiosk page: which dossier (if any) is waiting for the citizen's rating."""
    dossier = _kiosk_dossier(request.user)
    if dossier is None:
        return JsonResponse({"code": None})
    return JsonResponse({"code": dossier.code, "procedure": dossier.procedure_name,
                         "applicant": lookup.mask_name(dossier.owner_display)})


@role_required(*ALL_STAFF)
def figures(request):
    form = PeriodForm(request.GET or None)
    start, end, by = form.period()
    errors = form.messages() if form.is_bound else []
    for error in errors:
        messages.error(request, error)
    scope = figures_scope(request.user)
    return render(request, "ratings/figures.html", {
        "form": form, "start": start, "end": end, "by": by, "group_label": stats.GROUP_LABELS[by],
        "attribution": stats.ATTRIBUTION[by],
        "rows": stats.satisfaction_table(scope=scope, start=start, end=end, by=by),
        "indicator": stats.indicator_5_4(scope=scope, start=start, end=end), "criteria": CRITERIA,
    }, status=400 if errors else 200)
