"""The general guard of issue 20: every URL pattern of the portal (public, staff, leaders, API and the
admin) is requested with hostile values in each path parameter and in each query parameter its view
reads, as each kind of user, and no answer may be a 5xx. Under /api/ every answer must be JSON.

The patterns are read from the URL resolver, so a new page is covered the day it is added. The query
parameters a view reads are found by asking it: the first, plain request records every key the view
looks up in request.GET (or, when it iterates the query string, the usual keys of every list page).
"""

import re
import urllib.parse

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import QueryDict
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from dossiers import services, tokens
from mocua.accounts.models import Role

from ..factories import UserFactory

pytestmark = pytest.mark.django_db



class Raw(str):
    """Sent as written (already percent-encoded): bytes no client library would encode, such as a
    surrogate's or a lone continuation byte's, which are not UTF-8."""


HOSTILE = ["\x00", "x" * 10_000, "9999-12-31", "0001-01-01", "-1", "%", "%00", "99999999999999999999", "１２",
           "\u202e\u2066", "😀", "a/b", "..", " ", "<script>", "' OR 1=1 --", Raw("%ED%A0%80"), Raw("%FF")]
QUERY_HOSTILE = ["\x00", "x" * 10_000, "9999-12-31", "0001-01-01", "-1", "%", "99999999999999999999", "１２",
                 "\u202e", Raw("%FF")]
ADMIN_HOSTILE = ["\x00", "x" * 10_000, "-1", "%", "99999999999999999999", Raw("%FF")]
# Keys of the list and report pages, tried on a view that iterates its query string.
USUAL_KEYS = ["q", "page", "status", "procedure", "field", "holder", "channel", "late", "words", "start", "end",
              "period", "year", "month", "quarter", "agency", "level", "by", "sort", "order", "format", "variant",
              "in", "next", "search", "pdf", "code", "online_level"]


class RecordingQueryDict(QueryDict):
    """request.GET that remembers which keys the view asked for (its copies too)."""

    @property
    def asked(self) -> set[str]:
        return self.__dict__.setdefault("_asked", set())

    @property
    def iterated(self) -> bool:
        return self.__dict__.get("_iterated", False)

    def get(self, key, default=None):
        self.asked.add(key)
        return super().get(key, default)

    def __getitem__(self, key):
        self.asked.add(key)
        return super().__getitem__(key)

    def getlist(self, key, default=None):
        self.asked.add(key)
        return super().getlist(key, default)

    def __contains__(self, key):
        self.asked.add(key)
        return super().__contains__(key)

    def _all(self):
        self.__dict__["_iterated"] = True

    def items(self):
        self._all()
        return super().items()

    def lists(self):
        self._all()
        return super().lists()

    def copy(self):
        self._all()
        return super().copy()

    def dict(self):
        self._all()
        return super().dict()


LAST_QUERY: list[RecordingQueryDict] = []


class RecordQueryMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.GET = RecordingQueryDict(request.META.get("QUERY_STRING", ""))
        LAST_QUERY[:] = [request.GET]
        return self.get_response(request)


# --------------------------------------------------------------------------- the patterns


def _route_parts(pattern) -> list[tuple[str, str | None]]:
    """A pattern as literal text and parameters: [("can-bo/ho-so/", None), ("", "code"), ("/", None)]."""
    text = str(pattern.pattern)
    if hasattr(pattern.pattern, "converters") and not text.startswith("^"):  # path(): <conv:name>
        parts = []
        for piece in re.split(r"(<[^>]+>)", text):
            if piece.startswith("<"):
                parts.append(("", piece[1:-1].split(":")[-1]))
            elif piece:
                parts.append((piece, None))
        return parts
    # re_path(): literal text around (?P<name>…) groups (the admin's and the API router's).
    text = text.lstrip("^").rstrip("$").replace("\\Z", "")
    parts, i = [], 0
    while i < len(text):
        if text.startswith("(?P<", i):
            name = text[i + 4:text.index(">", i)]
            depth, j = 0, i
            while True:
                depth += {"(": 1, ")": -1}.get(text[j], 0) if text[j - 1:j] != "\\" else 0
                j += 1
                if depth == 0:
                    break
            parts.append(("", name))
            i = j
        else:
            parts.append((text[i].replace("\\", ""), None) if text[i] != "\\" else (text[i + 1], None))
            i += 2 if text[i] == "\\" else 1
    return parts


def every_pattern(resolver=None, prefix=None, namespace="") -> list[tuple[str, list]]:
    """(name, parts) of every URL pattern, parents' parts included."""
    resolver = resolver or get_resolver()
    prefix = prefix or []
    found = []
    for entry in resolver.url_patterns:
        parts = prefix + _route_parts(entry)
        if isinstance(entry, URLResolver):
            space = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            found += every_pattern(entry, parts, space)
        elif isinstance(entry, URLPattern):
            found.append((f"{namespace}{entry.name or ''}", parts))
    return found


def _quote(value: str) -> str:
    return value if isinstance(value, Raw) else urllib.parse.quote(value, safe="")


def build(parts, values: dict, query: dict | None = None) -> str:
    path = "/" + "".join(text if name is None else _quote(values[name]) for text, name in parts)
    return path + ("?" + "&".join(f"{_quote(k)}={_quote(v)}" for k, v in query.items()) if query else "")


# --------------------------------------------------------------------------- the world


@pytest.fixture
def world(agency, variant, receptionist, specialist, leader, build_dossier):
    procedure = variant.procedure
    procedure.online_level = "full"
    procedure.save(update_fields=["online_level"])
    admin = UserFactory(username="quantri", is_staff=True, is_superuser=True, role=Role.ADMIN, agency=agency)
    dossier = build_dossier("returned")
    guidance = services.intake_guidance_create(actor=receptionist, variant=variant,
                                               applicant=services.Applicant(name="Lê Văn C"),
                                               missing_papers=["Tờ khai"])
    scan = SimpleUploadedFile("giay-to.pdf", b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n",
                              content_type="application/pdf")
    document = services.dossier_attach(dossier=dossier, actor=receptionist, upload=scan, name="Bản quét")
    values = {"code": dossier.code, "token": tokens.lookup_token(dossier), "pk": str(specialist.pk),
              "number": "01", "action": "hand_over", "slug": "phong-ban", "object_id": str(agency.pk),
              "app_label": "dossiers", "content_type_id": "1", "url": "x"}
    alternatives = {"code": [dossier.code, procedure.code], "pk": [str(specialist.pk), str(guidance.pk),
                                                                   str(document.pk)]}
    return {"users": [None, receptionist, leader, admin], "values": values, "alternatives": alternatives,
            "today": timezone.localdate()}


def _call(client, user, method: str, url: str, query=None):
    client.logout()
    if user is not None:
        client.force_login(user)
    send = client.get if method == "GET" else client.post
    return send(url, query or {})


def _check(response, label: str) -> None:
    assert response.status_code < 500, f"{label} → {response.status_code}"
    path = response.request["PATH_INFO"]
    if path.startswith("/api/") and not path.startswith(("/api/docs/", "/api/redoc/", "/api/schema/")):
        assert response["Content-Type"].startswith("application/json"), f"{label} → {response['Content-Type']}"


def _baseline(client, world, parts) -> tuple[object, dict, object, int]:
    """The first (user, path values) answered without an error, the query the view read, the status."""
    params = [name for _, name in parts if name]
    candidates = [dict(world["values"])]
    for name in params:
        candidates = [{**c, name: value} for c in candidates
                      for value in world["alternatives"].get(name, [c.get(name, "1")])]
    fallback = None
    for values in candidates:
        for user in world["users"]:
            response = _call(client, user, "GET", build(parts, values))
            found = (user, values, LAST_QUERY[0] if LAST_QUERY else None, response.status_code)
            if response.status_code == 200:  # the page itself, as the user it is for
                return found
            if fallback is None or (fallback[3] >= 400 > response.status_code):
                fallback = found
    return fallback


def test_every_url_with_hostile_values_answers_below_500(client, world, settings):
    settings.MIDDLEWARE = [*settings.MIDDLEWARE, f"{__name__}.RecordQueryMiddleware"]
    settings.LOOKUP_CLIENT_FAILURES = settings.LOOKUP_CLIENT_CODE_FAILURES = 10**6
    settings.LOOKUP_CODE_FAILURES = settings.SUBMIT_PER_HOUR = 10**6
    client.raise_request_exception = False
    patterns = every_pattern()
    named = [name for name, _ in patterns if not name.startswith("admin:")]
    assert all(name.split(":")[-1] for name in named), "every pattern outside the admin has a name"
    assert len(patterns) > 60
    tried, reached = 0, {}
    for name, parts in patterns:
        user, values, recorded, reached[name] = _baseline(client, world, parts)
        keys = set(recorded.asked) if recorded is not None else set()
        iterates = recorded is not None and recorded.iterated
        admin = name.startswith("admin:")
        # The admin's pages are Django's own: its path parameters get the sharpest values, GET only.
        for param in [p for _, p in parts if p]:
            for hostile in (ADMIN_HOSTILE if admin else HOSTILE):
                url = build(parts, {**values, param: hostile})
                for method in ("GET",) if admin else ("GET", "POST"):
                    _check(_call(client, user, method, url), f"{method} {name} {param}={hostile[:20]!r}")
                    tried += 1
        if admin:
            continue  # its query parameters are Django's, and its filters are lookups it checks
        for key in sorted(keys):
            for hostile in QUERY_HOSTILE:
                _check(_call(client, user, "GET", build(parts, values, {key: hostile})),
                       f"GET {name} ?{key}={hostile[:20]!r}")
                tried += 1
        if iterates:  # a view reading its whole query string (a form over it): every usual key at once
            for hostile in QUERY_HOSTILE:
                _check(_call(client, user, "GET", build(parts, values, dict.fromkeys(USUAL_KEYS, hostile))),
                       f"GET {name} ?(every key)={hostile[:20]!r}")
                tried += 1
    # The plain requests reached the pages themselves (a wrong world would test only 404s).
    for name in ("dossiers:detail", "dossiers:form_pdf", "dossiers:document", "dossiers:guidance", "dossiers:list",
                 "dossiers:register", "public:lookup_token", "public:submit", "procedures:detail", "leaders:officer",
                 "leaders:breakdown", "dossiers_api:detail", "api-stats-officer-late-steps", "procedure-detail"):
        assert reached[name] == 200, (name, reached[name])
    assert tried > 1500
