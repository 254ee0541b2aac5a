"""Reads of dossiers, with the access rule: an officer sees their agency's dossiers only, and, one by
one, the dossiers their agency's desk received for another agency (dossiers.agencies)."""

import datetime as dt
import re
from itertools import groupby
from types import SimpleNamespace

from django.db import connection
from django.db.models import (
    Case,
    Count,
    DateTimeField,
    Exists,
    F,
    Func,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    TextField,
    TimeField,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce
from django.http import Http404
from django.utils import timezone

from mocua.accounts.models import Role
from mocua.accounts.selectors import figures_scope
from mocua.text import fold

from . import agencies
from .models import (
    Dossier,
    DossierDocument,
    DossierEvent,
    DossierLeg,
    DossierStep,
    DossierTransfer,
    Timeliness,
    TransferMode,
    TransferState,
)
from .validators import PHONE_RE, national_phone, normalise_phone
from .workflow import OPEN, Status

LIST_COLUMNS = ("holder", "department")
_DIGITS = re.compile(r"^\+?[0-9][0-9\s.\-]*$")
# A whole dossier code ({agency identifier}-{yyMMdd}-{NNNN}).
_WHOLE_CODE = re.compile(r"^[0-9A-Z.]+-[0-9]{6}-[0-9]{4}$")


class NameKey(Func):
    """The applicant's folded name, cut from search_text: the expression of the dossier_name index
    (migration 0009). search_text is the folded code, a space, the folded name, then owner, phone
    and ID numbers; folding keeps a stored (NFC, single-spaced) name's length, so the name is the
    applicant_name's length of text after the first space."""

    arity = 2
    output_field = TextField()
    sql = "substr({text}, strpos({text}, ' ') + 1, char_length({name}))"

    def as_sql(self, compiler, connection, sql=None, **extra):
        text, text_params = compiler.compile(self.source_expressions[0])
        name, name_params = compiler.compile(self.source_expressions[1])
        return (sql or self.sql).format(text=text, name=name), [*text_params, *text_params, *name_params]

    def as_sqlite(self, compiler, connection, **extra):
        return self.as_sql(compiler, connection, sql="substr({text}, instr({text}, ' ') + 1, length({name}))")


def dossier_base_for_officer(user) -> QuerySet:
    """All dossiers of the officer's agency; nothing for anyone without one."""
    if not getattr(user, "is_officer", False):
        return Dossier.objects.none()
    return Dossier.objects.filter(agency_id=user.agency_id)


def dossier_readable_for_officer(user) -> QuerySet:
    """One dossier's reads (by code, the unique index): the competent agency's, and those the officer's
    agency received at its desk for another agency: the desk follows them and hands the result back.
    Lists stay dossier_base_for_officer's (the agency's own); the desk's others are on the transfers page."""
    if not getattr(user, "is_officer", False):
        return Dossier.objects.none()
    # A leg started (it keeps reading what it did), or one of the parallel stage under way (to take it in).
    legs = DossierLeg.objects.filter(Q(started_at__isnull=False) | Q(order=OuterRef("leg_stage")),
                                     dossier=OuterRef("pk"), agency_id=user.agency_id)
    mine = Q(agency_id=user.agency_id) | Q(desk_id=user.agency_id) | Q(leg_agency_id=user.agency_id)
    return Dossier.objects.filter(mine | Exists(legs))


def dossier_get_row_for_officer(*, user, code: str) -> Dossier:
    """Only the row, for a move or an upload: the service re-reads it under a lock anyway,
    so prefetching the timeline here would be four wasted queries. 404 for another agency."""
    try:
        return dossier_readable_for_officer(user).select_related("agency", "desk").get(code=code)
    except Dossier.DoesNotExist as exc:
        raise Http404("Không tìm thấy hồ sơ.") from exc


def dossier_get_for_officer(*, user, code: str) -> Dossier:
    """The dossier with everything its page shows; 404 for another agency's dossier."""
    queryset = dossier_readable_for_officer(user).select_related(
        "agency", "desk", "leg_agency", "procedure", "procedure__field", "holder", "department", "created_by"
    ).prefetch_related(
        "documents", "fees", "results",
        Prefetch("legs", queryset=DossierLeg.objects.select_related("agency", "holder")),
        Prefetch("steps", queryset=DossierStep.objects.select_related(
            "from_user", "to_user", "intended_user", "to_department")),
        Prefetch("events", queryset=DossierEvent.objects.select_related("actor")),
    )
    try:
        return queryset.get(code=code)
    except Dossier.DoesNotExist as exc:
        raise Http404("Không tìm thấy hồ sơ.") from exc


def full_name(query: str) -> str:
    """The query folded, when it reads as a person's full name (two to six words of letters)."""
    words = fold(query.strip()[:100]).split()
    return " ".join(words) if 2 <= len(words) <= 6 and all(w.isalpha() for w in words) else ""


def full_phone(query: str) -> list[str]:
    """The stored forms of a Vietnamese mobile or landline number typed whole (0912 345 678,
    +84 912 345 678): national, 84… and +84…, as the counter may have typed it; else []."""
    phone = normalise_phone(query.strip())
    if not PHONE_RE.match(phone):
        return []
    national = national_phone(phone) or phone
    return [national, "84" + national[1:], "+84" + national[1:]]


def dossier_whole_search(*, user, query: str) -> str:
    """"name" or "phone" when the agency list should search `query` as an applicant's whole name
    or phone number: it reads as one, and some dossier of the agency has an applicant with it (one
    index probe); else "".

    A name or phone typed whole is what the counter searches most. A name's words ("nguyen", "van")
    and a phone's digit trigrams are common, and their trigram postings cover the whole archive, so
    the word search grows with the archive. The b-tree range of one name (dossier_name) or
    phone (dossier_phone), newest first, holds one person's dossiers, and a page is its first rows.
    """
    kind, found = _by_whole(dossier_base_for_officer(user), query)
    return kind if kind and found.exists() else ""


def _by_whole(queryset: QuerySet, query: str) -> tuple[str, QuerySet]:
    """("name" or "phone", the queryset narrowed to that applicant) when the query reads as a whole
    name or phone (it cannot be both); ("", the queryset) otherwise."""
    if name := full_name(query):
        return "name", queryset.alias(name_key=NameKey("search_text", "applicant_name")).filter(name_key=name)
    if phones := full_phone(query):
        return "phone", queryset.filter(applicant_phone__in=phones)
    return "", queryset


def dossier_search(queryset: QuerySet, query: str) -> QuerySet:
    """By code, applicant or owner name (diacritics ignored), phone or ID number."""
    query = query.strip()[:100]
    if not query:
        return queryset
    if _WHOLE_CODE.match(query.upper()):
        # The unique index on code: every code shares trigrams such as "000" and "-26", so the
        # trigram index would read most of its postings for one row.
        return queryset.filter(code=query.upper())
    if _DIGITS.match(query):
        digits = re.sub(r"[^0-9]", "", query)
        # The code is in search_text too (folded: lower case, dots and dashes kept), so both branches
        # read the trigram index; an OR with code ILIKE would force a scan of the agency's rows.
        match = Q(search_text__contains=digits) | Q(search_text__contains=fold(query))
        if national := national_phone(digits):
            match |= Q(search_text__contains=national)
        return queryset.filter(match)
    for word in fold(query).split()[:8]:
        # A word of one or two letters matches where a word of the text starts ("an" finds An, not
        # Trần): pg_trgm takes no trigram from "%an%", so such a word read every row of the agency,
        # while " an" gives it the padded trigrams "  a", " an". Longer words keep substring
        # matching, whose trigrams are rarer than the padded ones.
        # search_text starts with the code, so every name word has a space before it.
        short = word.isalpha() and len(word) < 3
        queryset = queryset.filter(search_text__contains=" " + word if short else word)
    return queryset


def dossier_list_for_agency(*, user, query: str = "", status: str = "", procedure: str = "", field: str = "",
                            holder: str = "", channel: str = "", late: bool = False,
                            whole: bool = False) -> QuerySet:
    """The agency's dossiers, filtered; `query` searched word by word, or with `whole` (see
    dossier_whole_search) as the applicant's whole name or phone number."""
    # Newest first. Dossiers never received (refused at the counter, online ones waiting) sort by
    # when they were logged: ordering by received_at alone put their NULLs on top forever.
    queryset = (dossier_base_for_officer(user).select_related(*LIST_COLUMNS)
                .order_by(Coalesce("received_at", "created_at").desc(), "-pk"))
    kind, narrowed = _by_whole(queryset, query) if whole else ("", queryset)
    queryset = narrowed if kind else dossier_search(queryset, query)
    if status:
        queryset = queryset.filter(status=status)
    if procedure:
        queryset = queryset.filter(procedure__code=procedure)
    if field:
        queryset = queryset.filter(procedure__field__code=field)
    if holder:
        queryset = queryset.filter(holder_id=holder) if holder.isdigit() else queryset.none()
    if channel:
        queryset = queryset.filter(channel=channel)
    if late:
        queryset = queryset.filter(pk__in=dossier_overdue_pks(agency_id=user.agency_id))
    return queryset


def with_digitised_share(rows: list) -> list:
    """Set `papers_handed` and `papers_scanned` on a page's loaded dossiers, as
    results.digitised_share counts them on the dossier page (papers handed in at intake or later;
    digitised as the 766 index judges a paper): one grouped query over the page's ids, none for an
    empty page. Not annotations on the list's query: two correlated subqueries there were compiled
    twice a request (the page and its capped count, which also ran them for every counted row).
    Plain SQL, as the lookup's: the ORM took ~1.2 ms to build this query and PostgreSQL ~0.2 ms to
    answer it, a seventh of "my dossiers" (docs/benchmarks.md, issue 26 third pass)."""
    if not rows:
        return rows
    ids = [row.pk for row in rows]
    kinds = [DossierDocument.Kind.INTAKE.value, DossierDocument.Kind.SUPPLEMENT.value]
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT dossier_id, COUNT(*), SUM(CASE WHEN digitisation <> %s THEN 1 ELSE 0 END) "
            f"FROM {DossierDocument._meta.db_table} WHERE dossier_id IN ({', '.join(['%s'] * len(ids))}) "
            "AND provided AND kind IN (%s, %s) GROUP BY dossier_id",
            [DossierDocument.Digitisation.NONE.value, *ids, *kinds])
        counts = {dossier: (handed, int(scanned)) for dossier, handed, scanned in cursor.fetchall()}
    for row in rows:
        row.papers_handed, row.papers_scanned = counts.get(row.pk, (0, 0))
    return rows


def dossier_overdue_pks(*, agency_id: int) -> QuerySet:
    """The agency's dossiers open with a running clock and past the appointment, or finished late.

    A UNION of two subqueries rather than one OR: each branch then reads its own partial index
    (dossier_open_due, dossier_agency_late), where the OR could only filter every row of the agency.
    """
    now = timezone.now()
    mine = Dossier.objects.filter(agency_id=agency_id).order_by()
    running = mine.filter(status__in=[Status.RECEIVED, Status.PROCESSING], due_at__lt=now).values("pk")
    return running.union(mine.filter(timeliness=Timeliness.LATE).values("pk"))


def dossier_list_for_holder(*, user) -> QuerySet:
    """"My dossiers": open ones on the officer's desk, least time left first; only the officer's
    agency's (an officer holds no other's, and the list says so whatever a row says)."""
    return (Dossier.objects.filter(holder=user, agency_id=user.agency_id,
                                   status__in=sorted(OPEN | {Status.RESULT_READY}))
            .select_related(*LIST_COLUMNS).order_by("step_due_at", "pk"))


def dossier_counter_queue(*, user) -> QuerySet:
    """Online submissions waiting for the counter of the officer's agency."""
    return dossier_base_for_officer(user).filter(status=Status.SUBMITTED).order_by("submitted_at", "pk")


def dossier_register(*, user, start: dt.date, end: dt.date) -> QuerySet:
    """Mẫu 07, the book of the officer's agency between two dates, in the book's order: the dossiers its
    desk received (`register_number`, which their receipt prints), and those it took in from another
    agency's desk (its own entry, `agency_register_number`, dossiers.register). Each row carries
    `entry_number`, `booked_at` (received here, or taken in) and `taken_in`.

    Local days as an aware half-open range [start 00:00, the day after end 00:00), which the (desk,
    received_at) and (agency, agency_booked_at) indexes serve; received_at__date would convert every
    row first. A row loaded past the services (no desk) was received at its agency's desk.
    """
    if not getattr(user, "is_officer", False):
        return Dossier.objects.none()
    since, until = _day_range((start, end))
    me = user.agency_id
    at_desk = Q(desk_id=me) | Q(desk__isnull=True, agency_id=me)
    received = at_desk & Q(received_at__gte=since, received_at__lt=until)
    taken_in = Q(agency_id=me, agency_booked_at__gte=since, agency_booked_at__lt=until) & ~Q(desk_id=me)
    return (Dossier.objects.filter(received | taken_in).select_related("agency", "desk")
            .annotate(taken_in=Case(When(at_desk, then=Value(False)), default=Value(True)),
                      entry_number=Case(When(at_desk, then=F("register_number")), default=F("agency_register_number")),
                      booked_at=Case(When(at_desk, then=F("received_at")), default=F("agency_booked_at")))
            .order_by("booked_at", "entry_number", "pk"))  # the book's order


# The home page's to-do list reads at most this many of the officer's own dossiers to tell due-soon
# from overdue (on the work calendar); a desk holding more is told "500+" by the list itself.
TODO_MINE_LIMIT = 500


def officer_todo_counts(*, user, since: dt.datetime) -> dict:
    """The agency-wide counts of the home page's to-do list, in one query: online submissions
    waiting, results ready to hand back, dossiers open past their appointment; and the supplements
    received on the officer's dossiers since `since` (one more query)."""
    now = timezone.now()
    agency = Dossier.objects.filter(agency_id=user.agency_id).order_by()
    counts = agency.aggregate(
        submitted=Count("pk", filter=Q(status=Status.SUBMITTED)),
        result_ready=Count("pk", filter=Q(status=Status.RESULT_READY)),
        overdue=Count("pk", filter=Q(status__in=[Status.RECEIVED, Status.PROCESSING], due_at__lt=now)),
    )
    counts["supplements"] = DossierEvent.objects.filter(
        action="receive_supplement", at__gte=since, dossier__holder=user, dossier__agency_id=user.agency_id).count()
    return counts


def officer_todo_mine(*, user) -> list[Dossier]:
    """The officer's open dossiers (the columns deadline_state reads), most urgent first."""
    return list(dossier_list_for_holder(user=user).select_related(None)
                .only("pk", "status", "received_at", "due_at", "step_due_at", "step_started_at", "paused_at")
                [:TODO_MINE_LIMIT])


# The transfers page shows at most this many rows a section: a desk sends a few dozen a day.
TRANSFERS_LIMIT = 100
TRANSFER_LIST_FIELDS = ("code", "procedure_name", "applicant_name", "owner_name", "status", "transfer_state",
                        "received_at", "due_at", "agency__name", "desk__name")


def transfers_for_agency(*, user, days: tuple[dt.date, dt.date] | None = None) -> dict[str, list]:
    """The transfers page of the officer's agency, four short lists (one query each): dossiers to send
    (received here for another agency, or results ready to go back to the desk), dossiers on their
    way here to take in, those sent from here not yet taken in, results back here to hand over. For a
    leader, the leaders' sections too, the transfers' lateness per agency over `days` (first, last)."""
    if not getattr(user, "is_officer", False):
        return {"to_send": [], "incoming": [], "outgoing": [], "back": [], "in_flight": [], "late_legs": [],
                "lateness": []}
    me = user.agency_id
    # A leader's scope (one query), read once for the leaders' sections.
    units = figures_scope(user).units if user.role in (Role.LEADER, Role.ADMIN) else ()
    scope = [unit.id for unit in units]
    dossiers = Dossier.objects.select_related("agency", "desk").only(*TRANSFER_LIST_FIELDS).order_by("received_at",
                                                                                                      "pk")
    to_send = dossiers.filter(Q(desk_id=me, transfer_state=TransferState.AT_DESK)
                              | Q(agency_id=me, transfer_state=TransferState.AT_AGENCY, status=Status.RESULT_READY))
    transfers = (DossierTransfer.objects.filter(received_at__isnull=True)
                 .select_related("dossier", "from_agency", "to_agency", "sent_by").order_by("sent_at", "pk"))
    return {
        "to_send": list(to_send[:TRANSFERS_LIMIT]),
        "incoming": list(transfers.filter(to_agency_id=me)[:TRANSFERS_LIMIT]),
        "outgoing": list(transfers.filter(from_agency_id=me)[:TRANSFERS_LIMIT]),
        "back": list(dossiers.filter(desk_id=me, transfer_state=TransferState.BACK_AT_DESK,
                                     status=Status.RESULT_READY)[:TRANSFERS_LIMIT]),
        "in_flight": transfers_in_flight(user=user, scope=scope),
        "late_legs": late_legs_by_agency(scope=scope, now=timezone.now()),
        "lateness": transfer_lateness_rows(units=units, days=days) if days else [],
    }


def _day_range(days: tuple[dt.date, dt.date]) -> tuple[dt.datetime, dt.datetime]:
    """Whole local days as a half-open range [first 00:00, the day after the last 00:00)."""
    first, last = days
    return (timezone.make_aware(dt.datetime.combine(first, dt.time.min)),
            timezone.make_aware(dt.datetime.combine(last + dt.timedelta(days=1), dt.time.min)))


def transfer_lateness_rows(*, units, days: tuple[dt.date, dt.date]) -> list[dict]:
    """The transfers page's lateness per agency of a leader's scope (`units`, FiguresScope.units): one row
    an agency with something due in `days` (transfer_lateness_by_agency, one query), in the scope's
    order, then the total; nothing for an empty scope."""
    start_at, end_at = _day_range(days)
    found = transfer_lateness_by_agency(agency_ids=[u.id for u in units], start_at=start_at, end_at=end_at)
    rows = [{"agency": u.name, "agency_id": u.id, **found[u.id]} for u in units if u.id in found]
    if rows:
        rows.append({"agency": "Tổng cộng", "agency_id": None,
                     **{name: sum(r[name] for r in rows) for name in TRANSFER_FIGURES}})
    for row in rows:
        row["late"] = row["sent_late"] + row["unsent_late"]
    return rows


def transfers_in_flight(*, user, scope: tuple | None = None) -> list:
    """For a leader whose figures cover agencies below their own (the province's leader: the whole
    province, mocua.accounts.selectors.figures_scope), every transfer on its way between agencies of
    that scope, the longest waiting first, each with its agencies: what is stuck where. A list of
    transfers, not of dossiers: the leader reads who sent what to whom, not the dossiers themselves.
    Nothing for anyone else (their own agency's are in the sections above)."""
    if user.role not in (Role.LEADER, Role.ADMIN):
        return []
    ids = figures_scope(user).ids if scope is None else scope
    if len(ids) < 2:
        return []
    return list(DossierTransfer.objects.filter(received_at__isnull=True)
                .filter(Q(from_agency_id__in=ids) | Q(to_agency_id__in=ids))
                .select_related("dossier", "from_agency", "to_agency").only(
                    "direction", "mode", "sent_at", "due_at", "timeliness", "dossier__code",
                    "dossier__procedure_name", "from_agency__name", "to_agency__name")
                .order_by("sent_at", "pk")[:TRANSFERS_LIMIT])


def late_legs_by_agency(*, scope: tuple, now: dt.datetime) -> list[tuple]:
    """For a leader, the liên thông legs of the agencies in their scope that ran late (sent on after
    their due time) or are running late (started, not sent on, past due), per agency: a list of
    (agency, legs), the agencies by name, each one's legs latest due first. A leg's lateness is its
    agency's (dossiers.legs), whoever leads the dossier. One query; at most TRANSFERS_LIMIT legs, the
    latest due."""
    if not scope:
        return []
    late = Q(timeliness=Timeliness.LATE) | Q(started_at__isnull=False, finished_at__isnull=True, due_at__lt=now)
    rows = list(DossierLeg.objects.filter(late, agency_id__in=scope)
                .select_related("agency", "dossier")
                .only("order", "name", "agency_id", "due_at", "finished_at", "agency__name", "dossier__code",
                      "dossier__procedure_name")
                .order_by("-due_at", "-pk")[:TRANSFERS_LIMIT])
    rows.sort(key=lambda leg: (leg.agency.name, leg.agency_id))  # stable: each agency's legs stay latest due first
    return [(agency, list(legs)) for agency, legs in groupby(rows, key=lambda leg: leg.agency)]


# The figures of a transfer's timeliness, per agency (transfer_lateness_by_agency).
TRANSFER_FIGURES = ("sent_on_time", "sent_late", "unsent_late", "received_on_time", "received_late")
_HOURS = ("morning_start", "morning_end", "afternoon_start", "afternoon_end")
# A transfer is due at most this long after what starts it (the intake, the approval, the sending): one
# working day, or the same day, past the longest run of days off (Tết: nine days with its weekends).
DUE_REACH = dt.timedelta(days=31)


def _procedure_q(prefix: str, field_id: int | None, procedure_id: int | None) -> Q:
    q = Q()
    if field_id:
        q &= Q(**{f"{prefix}procedure__field_id": field_id})
    if procedure_id:
        q &= Q(**{f"{prefix}procedure_id": procedure_id})
    return q


def _lateness_part(queryset: QuerySet, key: str, ready_at=None, hours: bool = False, **counts) -> QuerySet:
    """One branch of transfer_lateness_by_agency's UNION: (agency, the five figures, the moment a result
    was ready and that agency's office hours); the branches differ only in which columns they fill."""
    zero = Value(0, output_field=IntegerField())
    figures = {name: counts.get(name, zero) for name in TRANSFER_FIGURES}
    # Typed NULLs: PostgreSQL types a UNION's columns branch by branch, and two bare NULLs make a text.
    extra = {"ready_at": ready_at if ready_at is not None else Cast(Value(None), DateTimeField())}
    for name in _HOURS:
        extra[f"h_{name}"] = F(f"agency__{name}") if hours else Cast(Value(None), TimeField())
    if counts:  # grouped per agency
        queryset = queryset.order_by().values(key_id=F(key)).annotate(**figures, **extra)
    else:  # one row a dossier
        queryset = queryset.order_by().annotate(key_id=F(key), **figures, **extra)
    return queryset.values_list("key_id", *TRANSFER_FIGURES, "ready_at", *(f"h_{n}" for n in _HOURS))


def transfer_lateness_by_agency(*, agency_ids, start_at: dt.datetime, end_at: dt.datetime,
                                now: dt.datetime | None = None, field_id: int | None = None,
                                procedure_id: int | None = None) -> dict[int, dict]:
    """{agency id: the five TRANSFER_FIGURES} for the transfers due in [start_at, end_at): a transfer
    counts in the period its due time falls in (as a step in the officers' figures), so a past period's
    figures only move when a late transfer finally leaves.

    - Sent (the sending agency's): on time, or late when sent after its due time
      (DossierTransfer.timeliness); `unsent_late`: due before the end of the period (or now) and not yet
      sent: a dossier waiting at the desk past its intake step's due, a liên thông leg open past its due,
      a result ready at the competent agency past its electronic due (agencies.transfer_due, the rule
      that applies until the agency chooses paper).
    - Received (the receiving agency's counter): taken in by the due time of the journey's row of the
      control slip (the step transfers._transit_step opens at the receiving agency, due by the same
      rule from the sending), or after it, or not yet and past it.

    One query: a UNION ALL of the grouped parts and of the few results waiting to go back, whose due
    time is worked out here on the work calendar (it is not stored until the result is sent)."""
    ids = list(agency_ids)
    if not ids:
        return {}
    now = now or timezone.now()
    as_of = min(end_at, now)
    late = Q(timeliness=Timeliness.LATE)
    sent = _lateness_part(
        DossierTransfer.objects.filter(_procedure_q("dossier__", field_id, procedure_id), from_agency_id__in=ids,
                                       due_at__gte=start_at, due_at__lt=end_at),
        "from_agency_id", sent_on_time=Count("pk", filter=~late), sent_late=Count("pk", filter=late))
    # The journey's row: opened at the receiving agency when the transfer was sent, nobody holding it,
    # due by the transfer rule from the sending; read for the transfers (a small table) sent within
    # reach of the period, not over the steps.
    journey = DossierStep.objects.filter(dossier=OuterRef("dossier_id"), agency=OuterRef("to_agency_id"),
                                         started_at=OuterRef("sent_at"), to_user__isnull=True).values("due_at")[:1]
    overdue_open = Q(received_at__isnull=True, journey_due__lt=as_of)
    received = _lateness_part(
        DossierTransfer.objects.filter(_procedure_q("dossier__", field_id, procedure_id), to_agency_id__in=ids,
                                       sent_at__gte=start_at - DUE_REACH, sent_at__lt=end_at)
        .annotate(journey_due=Subquery(journey))
        .filter(Q(received_at__isnull=False) | overdue_open, journey_due__gte=start_at, journey_due__lt=end_at),
        "to_agency_id", received_on_time=Count("pk", filter=Q(received_at__lte=F("journey_due"))),
        received_late=Count("pk", filter=Q(received_at__gt=F("journey_due")) | overdue_open))
    # A dossier waits at the desk, a result at the agency, within DUE_REACH of its due time: the ranges
    # keep each part on its index (dossier_desk_received, dossier_agency_finished).
    dossiers = Dossier.objects.filter(_procedure_q("", field_id, procedure_id))
    at_desk = _lateness_part(
        dossiers.filter(desk_id__in=ids, received_at__gte=start_at - DUE_REACH, received_at__lt=as_of,
                        transfer_state=TransferState.AT_DESK, status__in=sorted(OPEN),
                        step_due_at__gte=start_at, step_due_at__lt=as_of),
        "desk_id", unsent_late=Count("pk"))
    legs = _lateness_part(
        DossierLeg.objects.filter(_procedure_q("dossier__", field_id, procedure_id), agency_id__in=ids,
                                  started_at__isnull=False, finished_at__isnull=True, due_at__gte=start_at,
                                  due_at__lt=as_of, dossier__legs_left__gt=0, dossier__finished_at__isnull=True),
        "agency_id", unsent_late=Count("pk"))
    # Ready before the end of the period: the electronic rule gives a due time no earlier than that.
    results = _lateness_part(
        dossiers.filter(agency_id__in=ids, finished_at__gte=start_at - DUE_REACH, finished_at__lt=end_at,
                        transfer_state=TransferState.AT_AGENCY, status=Status.RESULT_READY),
        "agency_id", ready_at=F("finished_at"), hours=True)
    found: dict[int, dict] = {}
    width = len(TRANSFER_FIGURES)
    for key, *values in sent.union(received, at_desk, legs, results, all=True):
        row = found.setdefault(key, dict.fromkeys(TRANSFER_FIGURES, 0))
        for name, value in zip(TRANSFER_FIGURES, values[:width], strict=True):
            row[name] += value or 0
        ready_at, hours = values[width], values[width + 1:]
        if ready_at is not None:
            due = agencies.transfer_due(ready_at, TransferMode.ELECTRONIC,
                                        SimpleNamespace(**dict(zip(_HOURS, hours, strict=True))))
            row["unsent_late"] += start_at <= due < as_of
    return {key: row for key, row in found.items() if any(row.values())}
