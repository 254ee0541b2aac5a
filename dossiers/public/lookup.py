"""The public lookup: a dossier code plus its PIN (or the receipt's signed token) unlocks a
masked view of one dossier, and nothing else.

Codes are predictable (agency, date, sequence), so an unknown code and a wrong PIN take the
same path and give the same answer, and failures are counted per client and per code in
the shared cache, so every web process sees the same counts.
"""

import datetime as dt
import functools
import hmac
import logging

from django.conf import settings
from django.core import signing
from django.db import connection
from django.utils import timezone

from dossiers import legs, pins, tokens
from dossiers.models import Dossier, DossierDocument, DossierStep, ResultFile, ReturnMethod
from dossiers.results import keep_until
from dossiers.workflow import FINISHED, Status, rateable
from mocua import ratelimit
from mocua.accounts.models import Agency, Department
from mocua.errors import ThrottledError
from procedures.models import Channel

security_log = logging.getLogger("mocua.security")
# Compared against when the code does not exist, so both failures cost the same.
NOT_FOUND = "Mã hồ sơ hoặc mã tra cứu không đúng."
THROTTLED = "Bạn đã tra cứu sai quá nhiều lần. Vui lòng thử lại sau ít phút."
# The signed cookie naming the dossiers this browser looked up (it may rate them); codes hold no comma.
UNLOCK_COOKIE, UNLOCK_SALT = "mocua_tra_cuu", "dossiers.lookup.unlock"
UNLOCK_SECONDS, UNLOCK_MAX = 24 * 3600, 10


class LookupThrottled(ThrottledError):
    pass


# What the public page reads of a dossier (public_view, workflow.rateable, the rating line): its own
# columns, the names of its agency, desk and liên thông agency, and its rating ("rating": the reverse
# one-to-one of ratings.Rating, reached by name: this app may not import ratings).
_PUBLIC_FIELDS = ("code", "status", "procedure_name", "owner_name", "applicant_name", "submitted_at", "received_at",
                  "due_at", "returned_at", "finished_at", "missing_papers", "reason", "return_method",
                  "postal_tracking", "delivered_at", "channel", "result_files", "legal_due_at", "rescheduled_at",
                  "transfer_state", "leg_stage")
_AGENCIES = ("agency", "desk", "leg_agency")
_RATING_FIELDS = ("id", "dossier", "level", "created_at")


@functools.cache
def _public_read() -> tuple[str, list, list, list]:
    """The public read's SQL and, per column, its field and Django's converters for it (as the ORM
    applies them: a JSON list, SQLite's datetimes), built once per process from the models."""
    rating = Dossier._meta.get_field("rating")
    wanted = {Dossier._meta.pk.name, *_PUBLIC_FIELDS, *_AGENCIES}
    own = [field for field in Dossier._meta.concrete_fields if field.name in wanted]  # Model.from_db's order
    agency_name = Dossier._meta.get_field("agency").related_model._meta.get_field("name")
    rated = [field for field in rating.related_model._meta.concrete_fields if field.name in _RATING_FIELDS]
    columns = ([(field, field.get_col("d")) for field in own]
               + [(agency_name, agency_name.get_col(f"a{n}")) for n, _ in enumerate(_AGENCIES)]
               + [(field, field.get_col("r")) for field in rated])
    joins = "".join(
        f" LEFT JOIN {agency_name.model._meta.db_table} a{n} ON a{n}.{agency_name.model._meta.pk.column} = "
        f"d.{Dossier._meta.get_field(name).column}"
        for n, name in enumerate(_AGENCIES))
    sql = (f"SELECT {', '.join(f'{col.alias}.{field.column}' for field, col in columns)} "
           f"FROM {Dossier._meta.db_table} d{joins} LEFT JOIN {rating.related_model._meta.db_table} r "
           f"ON r.{rating.field.column} = d.{Dossier._meta.pk.column} WHERE d.{Dossier._meta.pk.column} = %s")
    converters = [(col, connection.ops.get_db_converters(col) + col.get_db_converters(connection))
                  for _, col in columns]
    return sql, own, rated, converters


def _public_dossier(pk: int) -> Dossier:
    """The dossier as the public may see it, with its agencies' names and its rating attached as the
    ORM's select_related would, and its timeline as plain rows (`public_timeline`: the step instances
    and their prefetch were a fifth of a lookup, for four values a step). Plain SQL built once per
    process (_public_read), as _pin_of: compiling this one-row query with its four joins took the
    ORM ~1.2 ms, running it ~0.2 ms (docs/benchmarks.md, issue 26 third pass)."""
    sql, own, rated_fields, converters = _public_read()
    with connection.cursor() as cursor:
        cursor.execute(sql, [pk])
        row = cursor.fetchone()
    if row is None:
        raise Dossier.DoesNotExist
    values = []
    for value, (col, each) in zip(row, converters, strict=True):
        for converter in each:
            value = converter(value, col, connection)
        values.append(value)
    dossier = Dossier.from_db(connection.alias, [field.attname for field in own], values[:len(own)])
    names = values[len(own):len(own) + len(_AGENCIES)]
    for name, agency_name in zip(_AGENCIES, names, strict=True):
        field = Dossier._meta.get_field(name)
        agency_id = getattr(dossier, field.attname)
        field.set_cached_value(dossier, None if agency_id is None else field.related_model.from_db(
            connection.alias, [field.related_model._meta.pk.attname, "name"], [agency_id, agency_name]))
    rating_rel = Dossier._meta.get_field("rating")
    rated = values[len(own) + len(_AGENCIES):]
    rating = None
    if rated[rated_fields.index(rating_rel.related_model._meta.pk)] is not None:  # a rating was joined
        rating = rating_rel.related_model.from_db(connection.alias, [f.attname for f in rated_fields], rated)
        rating_rel.field.set_cached_value(rating, dossier)
    rating_rel.set_cached_value(dossier, rating)
    dossier.public_timeline = _timeline(pk, dossier.agency_id)
    dossier.own_files = citizen_files(dossier)
    return dossier


def citizen_files(dossier: Dossier) -> dict:
    """The citizen's own files: the electronic results, and the papers they uploaded online, each
    with its day of removal (settings.CITIZEN_FILES_MONTHS). A query each, and only for a dossier
    that has them (results attached; submitted online)."""
    found = {"results": [], "papers": []}
    if dossier.result_files:
        found["results"] = list(ResultFile.objects.filter(dossier_id=dossier.pk).only(
            "number", "code", "name", "verdict", "signer", "signer_organisation", "signed_at", "added_at",
            "file_removed_at", "file"))
    if dossier.channel == Channel.ONLINE:
        found["papers"] = list(DossierDocument.objects.filter(dossier_id=dossier.pk, added_by__isnull=True)
                               .exclude(file="").only("name", "file_removed_at", "file", "dossier_id")
                               .order_by("order", "pk"))
    for result in found["results"]:
        result.keep_until = keep_until(result.added_at)
    for paper in found["papers"]:
        paper.keep_until = keep_until(dossier.finished_at) if dossier.finished_at else None
    return found


def _timeline(pk: int, agency_id: int) -> list[tuple]:
    """(step name, unit or None, started, finished) of each step, oldest first. Plain SQL, as
    _pin_of: building the ORM query costs more than running it (the two save ~20 % of a lookup's
    CPU, docs/benchmarks.md "Issue 19"). A step held at another agency (the desk, a liên thông leg)
    names that agency, not its department: the citizen knows agencies, not their sections."""
    steps, departments, agencies = DossierStep._meta.db_table, Department._meta.db_table, Agency._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT s.step_index, s.step_name, s.agency_id, "
                       f"CASE WHEN s.agency_id <> %s THEN a.name ELSE d.name END, s.started_at, s.finished_at "
                       f"FROM {steps} s LEFT JOIN {departments} d ON d.id = s.to_department_id "
                       f"LEFT JOIN {agencies} a ON a.id = s.agency_id "
                       "WHERE s.dossier_id = %s ORDER BY s.started_at, s.id", [agency_id, pk])
        return _one_row_a_step(cursor)


def _one_row_a_step(rows) -> list[tuple]:
    """A reassignment inside a step (the same step at the same agency, another officer) is not a step of
    its own to the citizen: it joins that agency's previous row when that row is the same step, from its
    first start to its last finish, with the unit that handled it last. Each agency's part of a liên
    thông procedure is its own row (in a parallel stage the agencies' rows interleave), and a step taken
    again after another one (a return) is a row again."""
    merged: list[list] = []
    last_of: dict = {}  # agency → its latest row in `merged`
    for _, name, agency, unit, started, finished in rows:
        row = merged[last_of[agency]] if agency in last_of else None
        if row is not None and row[0] == name:
            row[1] = unit or row[1]
            row[3] = _aware(finished)
        else:
            last_of[agency] = len(merged)
            merged.append([name, unit, _aware(started), _aware(finished)])
    return [tuple(row) for row in merged]


def _aware(moment: dt.datetime | None) -> dt.datetime | None:
    """PostgreSQL gives plain SQL aware datetimes; SQLite (the demo) naive ones, in UTC as stored."""
    return timezone.make_aware(moment, dt.UTC) if moment is not None and timezone.is_naive(moment) else moment


def normalise_code(code: str) -> str:
    return (code or "").strip().upper()[:60]


def _keys(client: str, code: str) -> list[tuple[str, int, int]]:
    """(cache key, limit, window) of each count a lookup by this client for this code is held to:
    the client's failures (tight), the client's on this code (tight), the code's from every client
    (loose and brief, against guessing spread over many addresses). The QR token names no code
    here: a code under attack does not lock its owner out of the receipt's link."""
    keys = [(f"lookup:ip:{client}", settings.LOOKUP_CLIENT_FAILURES, 60)]
    if code:
        keys += [(f"lookup:ip-code:{client}:{code}", settings.LOOKUP_CLIENT_CODE_FAILURES,
                  settings.LOOKUP_CLIENT_CODE_WINDOW),
                 (f"lookup:code:{code}", settings.LOOKUP_CODE_FAILURES, settings.LOOKUP_CODE_WINDOW)]
    return keys


def _take_attempt(client: str, code: str) -> list[str]:
    """Count this lookup as a failure before it runs, and refuse it (429) past either limit.

    Counting first, atomically, is what holds the limit under a flood: checking first and counting
    after the lookup let every concurrent request read the same count and pass. Returns
    the keys taken, to give back if the PIN turns out right.
    """
    taken = ratelimit.take_all(_keys(client, code))
    if taken is None:
        security_log.warning("lookup throttled client=%s code=%s", client, code)
        raise LookupThrottled(THROTTLED)
    return taken


def _succeeded(taken: list[str]) -> None:
    """A right PIN or token is not a failure: hand back what _take_attempt counted."""
    ratelimit.give_back_all(taken)


def _pin_of(code: str) -> tuple[int | None, str]:
    """(pk, PIN hash) of the dossier with this code, or (None, a hash no PIN has): one indexed query
    whichever it is, so a known code costs no more than an unknown one until the PIN matches.
    Plain SQL: the ORM takes longer to build this one-row query than PostgreSQL takes to run it."""
    row = None
    if code:
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT id, pin_hash FROM {Dossier._meta.db_table} WHERE code = %s LIMIT 1", [code])
            row = cursor.fetchone()
    return row or (None, pins.ABSENT_HASH)


def dossier_lookup(*, code: str, pin: str, client: str) -> Dossier | None:
    """The dossier if code and PIN match; None otherwise. Raises LookupThrottled (429)."""
    code = normalise_code(code)
    taken = _take_attempt(client, code)
    pk, stored_hash = _pin_of(code)
    # Hashed and compared in both branches (unknown code, wrong PIN), in constant time.
    if pins.pin_matches(pin, stored_hash) and pk is not None:
        _succeeded(taken)
        return _public_dossier(pk)
    security_log.info("lookup failed client=%s code=%s", client, code)
    return None


def tries_left(*, code: str, client: str) -> int:
    """Failed lookups this client may still make on this code before the pause: the same count
    after an unknown code as after a wrong PIN (both are counted alike). The code's count from
    every client is left out: it would tell this visitor about other people's tries."""
    keys = _keys(client, normalise_code(code))[:2]
    return max(min(limit - ratelimit.count(key) for key, limit, _window in keys), 0)


def dossier_from_token(*, token: str, client: str) -> Dossier | None:
    """The dossier named by a receipt's signed QR token; None for a forged or expired one."""
    taken = _take_attempt(client, "")
    claims = tokens.token_claims(token)
    pk, stored_hash = _pin_of(normalise_code(claims[0]) if claims else "")
    tag = claims[1] if claims else ""
    if hmac.compare_digest(tokens.pin_tag(stored_hash).encode(), tag.encode()) and pk is not None:
        _succeeded(taken)
        return _public_dossier(pk)
    security_log.info("lookup token refused client=%s code=%s", client, "")
    return None


def mask_name(name: str) -> str:
    """"Trần Thị Bình" → "T*** T** B***": enough to recognise one's own dossier, no more."""
    return " ".join(word[0] + "*" * max(len(word) - 1, 2) for word in name.split())


def public_view(dossier: Dossier) -> dict:
    """What the public may see: no phone, address, ID number or officer's name. `dossier` comes from
    dossier_lookup or dossier_from_token (_public_dossier)."""
    steps = [{"step": name, "unit": unit or dossier.agency.name, "started_at": started, "finished_at": finished}
             for name, unit, started, finished in dossier.public_timeline]
    return {
        "code": dossier.code, "status": dossier.status, "status_label": dossier.get_status_display(),
        "portal_status": dossier.portal_status, "procedure": dossier.procedure_name,
        "agency": dossier.agency.name, "applicant": mask_name(dossier.owner_display),
        # Received at another agency's desk (issue 23): where it was handed in, where it is now.
        "desk": dossier.desk.name if dossier.transfer_state else "",
        "whereabouts": dossier.get_transfer_state_display() if dossier.transfer_state else "",
        # A liên thông leg (issue 23, item 3): the agency that holds it now, or every agency of the
        # parallel stage still working its part (one dossier, one code).
        "leg_agency": ", ".join(legs.holding_names(dossier)),
        "submitted_at": dossier.submitted_at, "received_at": dossier.received_at, "due_at": dossier.due_at,
        "returned_at": dossier.returned_at,
        "missing_papers": dossier.missing_papers if dossier.status == Status.AWAITING_SUPPLEMENT else [],
        "reason": dossier.reason if dossier.status in (Status.AWAITING_SUPPLEMENT, Status.REFUSED,
                                                       Status.STOPPED) else "",
        "return_method": dossier.get_return_method_display(), "timeline": steps,
        "finished": dossier.status in FINISHED,
        "rateable": rateable(dossier),
        **_lateness(dossier),
        "results": dossier.own_files["results"], "papers": dossier.own_files["papers"],
        # A result returned by post: its consignment number and the day the recipient signed for it.
        "by_post": dossier.return_method == ReturnMethod.POST,
        "postal_tracking": dossier.postal_tracking if dossier.return_method == ReturnMethod.POST else "",
        "delivered_at": dossier.delivered_at,
        "keep_months": settings.CITIZEN_FILES_MONTHS,
    }


def _lateness(dossier: Dossier) -> dict:
    """Issue 22, item 10: a dossier past its appointment says so, with the apology's new
    appointment when one was given (Mẫu 04; the statutory due time stays legal_due_at)."""
    late_open = dossier.status not in FINISHED and dossier.due_at is not None and timezone.now() > dossier.due_at
    late_returned = (dossier.returned_at is not None and dossier.legal_due_at is not None
                     and dossier.returned_at > dossier.legal_due_at)
    rescheduled = dossier.rescheduled_at is not None
    return {"late": late_open, "returned_late": late_returned, "rescheduled_at": dossier.rescheduled_at,
            "first_due_at": dossier.legal_due_at if rescheduled else None,
            "apology": dossier.reason if rescheduled and dossier.status not in FINISHED else ""}


def unlocked_codes(request) -> list[str]:
    """The codes this browser proved a PIN or token for, from its signed cookie (expired: none)."""
    try:
        value = request.get_signed_cookie(UNLOCK_COOKIE, salt=UNLOCK_SALT, max_age=UNLOCK_SECONDS)
    except (KeyError, signing.BadSignature):
        return []
    return value.split(",") if value else []


def unlock(request, response, code: str) -> None:
    """Remember in a signed cookie that this visitor proved the PIN or token (for rating).

    A cookie, not the session: a lookup then writes nothing to the database (a session row per
    visitor was an UPDATE and a durable commit on every lookup), and a flood of right PINs cannot
    fill the session table. Signed with a timestamp, so it cannot be forged nor outlive its hours.
    """
    codes = [c for c in unlocked_codes(request) if c != code][-(UNLOCK_MAX - 1):] + [code]
    response.set_signed_cookie(UNLOCK_COOKIE, ",".join(codes), salt=UNLOCK_SALT, max_age=UNLOCK_SECONDS,
                               httponly=True, secure=settings.SESSION_COOKIE_SECURE, samesite="Lax")


def is_unlocked(request, code: str) -> bool:
    return code in unlocked_codes(request)
