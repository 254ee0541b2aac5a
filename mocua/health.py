"""/healthz: the services probe, 200 only when the database and Redis answer (one query, one Redis
round trip: the bench's request floor). /healthz/trang: the page probe the compose file uses, 200 only
when the public home page renders (templates, the static files' manifest, the catalogue)."""

import redis
from django.conf import settings
from django.db import connection
from django.http import JsonResponse, QueryDict
from django.urls import resolve, reverse
from django.views.decorators.cache import never_cache


@never_cache
def healthz(request):
    checks = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = "ok"
    except Exception as exc:  # any failure means unhealthy; the message says which
        checks["database"] = f"error: {exc.__class__.__name__}"
    if settings.REDIS_URL:
        try:
            redis.Redis.from_url(settings.REDIS_URL, socket_timeout=2).ping()
            checks["redis"] = "ok"
        except Exception as exc:
            checks["redis"] = f"error: {exc.__class__.__name__}"
    else:
        checks["redis"] = "not configured"
    healthy = all(value in ("ok", "not configured") for value in checks.values())
    return JsonResponse({"status": "ok" if healthy else "error", **checks}, status=200 if healthy else 503)


@never_cache
def healthz_page(request):
    """Render the home page through its own view: a missing static manifest or a broken template
    answers 503 here, as it would answer 500 to every citizen, while /healthz stays green."""
    request.GET = QueryDict()  # the page as anyone opens it: the probe's own query string is no filter
    try:
        match = resolve(reverse("procedures:home"))
        response = match.func(request, *match.args, **match.kwargs)
        if hasattr(response, "render"):
            response.render()
        status = response.status_code
    except Exception as exc:  # what would have been a 500 page: the probe says which error it was
        return JsonResponse({"status": "error", "page": f"error: {exc.__class__.__name__}"}, status=503)
    healthy = status == 200
    return JsonResponse({"status": "ok" if healthy else "error", "page": status}, status=200 if healthy else 503)
