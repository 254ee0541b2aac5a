"""Public pages, no login: follow a dossier by code and PIN (or the receipt's QR), submit online.

No anonymous page lists dossiers; each shows one dossier, masked, once its PIN or token is proven.
"""

from django.conf import settings
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from dossiers import results, services
from dossiers.models import Dossier, DossierDocument, ResultFile
from mocua import ratelimit
from mocua.errors import DomainError
from mocua.ratelimit import client_address
from procedures.models import Procedure

from . import lookup
from .forms import LookupForm, SubmitForm


def _result(request, dossier, status=200):
    view = lookup.public_view(dossier)
    # The reverse one-to-one of ratings.Rating, reached by name (this app may not import ratings).
    rating = getattr(dossier, "rating", None)
    response = render(request, "public/lookup_result.html",
                      {"view": view, "can_rate": view["rateable"] and rating is None, "rating": rating}, status=status)
    lookup.unlock(request, response, dossier.code)
    return response


def _throttled(request, message: str):
    response = render(request, "public/lookup.html", {"form": LookupForm(), "error": message}, status=429)
    response["Retry-After"] = "60"
    return response


@never_cache
@require_http_methods(["GET", "POST"])
def lookup_page(request):
    """The code and PIN travel in the POST body, never in the URL. A failed try answers with the
    code typed and an empty PIN: an unknown code and a wrong PIN give the same page for the same
    code typed, with the tries left before the pause."""
    form = LookupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            dossier = lookup.dossier_lookup(code=form.cleaned_data["code"], pin=form.cleaned_data["pin"],
                                            client=client_address(request))
        except lookup.LookupThrottled as exc:
            return _throttled(request, exc.message)
        if dossier is not None:
            return _result(request, dossier)
        # The code typed stays (the citizen's own input, the same whether it exists or not); the
        # PIN is cleared; the tries left count unknown codes and wrong PINs alike.
        code = form.cleaned_data["code"]
        left = lookup.tries_left(code=code, client=client_address(request))
        retry = LookupForm(initial={"code": code})
        retry.fields["code"].widget.attrs.pop("autofocus", None)
        retry.fields["pin"].widget.attrs["autofocus"] = True
        return render(request, "public/lookup.html", {"form": retry, "error": lookup.NOT_FOUND, "tries_left": left})
    return render(request, "public/lookup.html", {"form": form})


@never_cache
def lookup_token(request, token: str):
    """The receipt's QR code opens the same masked page without typing."""
    try:
        dossier = lookup.dossier_from_token(token=token, client=client_address(request))
    except lookup.LookupThrottled as exc:
        return _throttled(request, exc.message)
    if dossier is None:
        return render(request, "public/lookup.html", {
            "form": LookupForm(), "error": "Đường dẫn tra cứu không hợp lệ hoặc đã hết hạn."}, status=404)
    return _result(request, dossier)


# --------------------------------------------------------------------------- the citizen's own files


def _unlocked_dossier_id(request, code: str) -> int:
    """The dossier's id once this browser proved its PIN or token (the signed cookie of the lookup),
    else 404, the same for an unknown code: a link alone opens nothing."""
    if not lookup.is_unlocked(request, code):
        raise Http404("Cần tra cứu hồ sơ bằng mã hồ sơ và mã tra cứu trước khi tải tệp.")
    return get_object_or_404(Dossier.objects.only("id"), code=code).pk


@never_cache
@require_http_methods(["GET"])
def result_download(request, code: str, number: int):
    """An electronic result, downloaded by the citizen: each download is an audit row."""
    result = get_object_or_404(ResultFile, dossier_id=_unlocked_dossier_id(request, code), number=number)
    try:
        result = results.dossier_result_download(result=result, client=client_address(request))
    except DomainError as exc:
        return render(request, "public/file_gone.html", {"message": exc.message, "code": code}, status=410)
    return FileResponse(result.file.open("rb"), content_type="application/pdf", as_attachment=True,
                        filename=f"{result.code}.pdf")


@never_cache
@require_http_methods(["GET"])
def paper_download(request, code: str, pk: int):
    """A paper the citizen uploaded with an online submission, kept for reuse for a period."""
    paper = get_object_or_404(DossierDocument, pk=pk, dossier_id=_unlocked_dossier_id(request, code),
                              added_by__isnull=True)
    if not paper.file or paper.file_removed_at:
        return render(request, "public/file_gone.html", {"code": code, "message": (
            "Tệp giấy tờ đã được xóa do hết thời hạn lưu giữ.")}, status=410)
    return FileResponse(paper.file.open("rb"), content_type=paper.content_type or "application/octet-stream",
                        as_attachment=True, filename=paper.file.name.rsplit("/", 1)[-1])


# --------------------------------------------------------------------------- online submission


@never_cache
@require_http_methods(["GET", "POST"])
def submit_online(request, code: str):
    procedure = get_object_or_404(Procedure.objects.filter(is_active=True)
                                  .prefetch_related("variants__documents", "agencies"), code=code)
    if not procedure.accepts_online:
        return render(request, "public/not_online.html", {"procedure": procedure}, status=404)
    form = SubmitForm(request.POST or None, request.FILES or None, procedure=procedure)
    if request.method == "POST" and form.is_valid():
        client = client_address(request)
        # Counted first, atomically: concurrent submissions cannot all read the same count and pass.
        if not ratelimit.take(f"submit:ip:{client}", limit=settings.SUBMIT_PER_HOUR, window=3600):
            return render(request, "public/submit.html", {"form": form, "procedure": procedure,
                                                          "error": lookup.THROTTLED}, status=429)
        try:
            dossier = _submit(form)
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            return render(request, "public/submitted.html", {"dossier": dossier})
    return render(request, "public/submit.html", {"form": form, "procedure": procedure})


def _submit(form: SubmitForm):
    data = form.cleaned_data
    variant = data["variant"]
    agency = form.procedure.agencies.get(pk=data["agency"])
    applicant = services.Applicant(name=data["applicant_name"], id_number=data["applicant_id_number"],
                                   phone=data["applicant_phone"], email=data["applicant_email"],
                                   address=data["applicant_address"])
    wanted = {d.pk for d in variant.documents.all()}
    uploads = {d.pk: data[f"doc_{d.pk}"] for d in form.documents if d.pk in wanted and data.get(f"doc_{d.pk}")}
    return services.dossier_submit_online(variant=variant, agency=agency, applicant=applicant, uploads=uploads,
                                          return_method=data["return_method"],
                                          return_address=data["return_address"])
