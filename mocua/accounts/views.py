from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods

from mocua.ratelimit import client_address

from . import services
from .forms import StaffLoginForm


@require_http_methods(["GET", "POST"])
def login_view(request):
    form = StaffLoginForm(request, data=request.POST or None)
    blocked = False
    if request.method == "POST":
        username, client = request.POST.get("username", ""), client_address(request)
        taken = services.login_attempt(username=username, client=client)
        blocked = taken is None
        if blocked:
            form = StaffLoginForm(request)
        elif form.is_valid():
            services.login_succeeded(username=username, client=client, taken=taken)
            login(request, form.get_user())
            target = request.POST.get("next") or request.GET.get("next", "")
            if not url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
                target = "accounts:home"
            return redirect(target)
        else:
            services.login_failed(username=username, client=client)
    status = 429 if blocked else 200
    return render(request, "accounts/login.html", {"form": form, "blocked": blocked,
                                                   "next": request.GET.get("next", "")}, status=status)


@login_required
def home(request):
    """The staff start page: the officer's agency, role and where to go next."""
    return render(request, "accounts/home.html", {})
