"""A realistic bench data set for the scale targets (issue 7), written with COPY.

One province with its public-administration service centre and (by default) 20 communes, officers
of every role, the real catalogue, and N dossiers over several years in every state: each with its
handovers (DossierStep), audit rows (DossierEvent), papers, fees and, for some, a rating. Codes
follow the national format and CodeCounter holds the last number per agency and day, so intakes
after the seed never collide; each PIN is derived from the code (`derive_pin`), so a bench client
can look any dossier up; the table keeps its keyed hash only (dossiers.pins, with the server's
`PIN_KEY`: seed and server must share SECRET_KEY or PIN_KEY).

Time is simulated in office seconds (07:30–11:30, 13:30–17:00 on working days, the agencies'
default hours): due times, lateness and timeliness are computed in that unit, which is what
mocua.workcalendar counts for those hours, so the figures the leaders' pages compute from the rows
are consistent with the rows.

Bench agencies' identifiers end in BENCH_SUFFIX: no real province has a "B" identifier, and
`python -m bench seed` refuses a database that holds other dossiers unless told otherwise.
"""

import bisect
import datetime as dt
import hashlib
import hmac
import io
import json
import math
import random
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.utils import timezone

from dossiers.figures import officer_figures_rebuild, report_figures_rebuild
from dossiers.models import (
    CodeCounter,
    Dossier,
    DossierDayFigures,
    DossierDocument,
    DossierEvent,
    DossierFee,
    DossierStep,
    Grain,
    OfficerDayFigures,
)
from dossiers.pins import PIN_ALPHABET, PIN_LENGTH, pin_hash
from mocua import workcalendar
from mocua.accounts.models import Agency, Department, Level, Role, User
from mocua.text import fold
from procedures import services as procedure_services
from procedures.models import Procedure, ProcedureVariant

BENCH_SUFFIX = ".B99"
BENCH_PASSWORD = "mocua-bench-2026"
# PINs are derived, not random, so that the load generator knows them; never use on real data.
BENCH_PIN_KEY = b"mocua-bench-pin"
CATALOGUE = Path(settings.BASE_DIR) / "procedures" / "data" / "catalogue.json"

DAY = 27_000  # office seconds in a default day
MORNING = 14_400  # 07:30–11:30
CUTOFF = MORNING + 5_400  # 15:00, the same-day cut-off
HOUR = 3_600

COMMUNE_DEPARTMENTS = ["Bộ phận Một cửa", "Công chức Tư pháp – Hộ tịch", "Phòng Kinh tế", "Văn phòng HĐND và UBND"]
CENTRE_DEPARTMENTS = ["Bộ phận tiếp nhận và trả kết quả", "Phòng Tư pháp – Lý lịch tư pháp",
                      "Phòng Kinh tế – Hạ tầng", "Ban Giám đốc"]
PLACES = ["An Bình", "Đông Hòa", "Tân Phong", "Quảng Yên", "Hải Lĩnh", "Thiệu Hóa", "Hoằng Đức", "Nga Sơn",
          "Vĩnh Lộc", "Yên Định", "Thọ Xuân", "Ngọc Lặc", "Cẩm Thủy", "Bá Thước", "Lang Chánh", "Thường Xuân",
          "Như Xuân", "Nông Cống", "Tĩnh Gia", "Hậu Lộc", "Triệu Sơn", "Quan Hóa", "Mường Lát", "Sầm Sơn"]
SURNAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Lý", "Mai",
            "Trịnh"]
MIDDLE = ["Văn", "Thị", "Hữu", "Đức", "Minh", "Ngọc", "Quốc", "Thanh", "Thu", "Xuân"]
GIVEN = ["An", "Bình", "Cường", "Dung", "Em", "Giang", "Hải", "Hương", "Khoa", "Lan", "Long", "Mai", "Nam", "Oanh",
         "Phúc", "Quyên", "Sơn", "Thảo", "Tuấn", "Trang", "Huy", "Ánh", "Hùng", "Hằng", "Hà", "Phước", "Đạt",
         "Linh", "Yến", "Vinh", "Lộc", "Tâm", "Nhung", "Thắng", "Quang", "Hiếu", "Ngân", "Tùng", "Việt", "Đông"]
STREETS = ["Lê Lợi", "Trần Phú", "Quang Trung", "Nguyễn Trãi", "Lý Thường Kiệt", "Hàm Nghi", "Bà Triệu"]
# Relative popularity by procedure code; certified copies and civil status dominate a counter's day.
POPULARITY = {"2.000815": 30, "1.001193": 10, "2.000884": 6, "1.004873": 6, "1.004222": 5, "1.004194": 5,
              "2.000635": 5, "1.000894": 4, "1.000656": 3, "1.013978": 4, "1.001612": 2, "3.000333": 8}

# How a received dossier ends (shares in %; the rest is returned) and what happens on the way.
REFUSED_AT_INTAKE = 1.5
ENDINGS = [(2.0, "refused"), (1.5, "withdrawn"), (0.5, "stopped"), (0.8, "uncollected")]
SUPPLEMENT, PAYMENT, LATE, STUCK = 6.0, 1.5, 7.0, 0.4
ONLINE, POST = 15.0, 3.0
RATED = 35.0
FINAL = frozenset({"returned", "refused", "withdrawn", "stopped"})
NULL = "\\N"
DIGITISATION = ("none", "scanned", "scanned", "reused_paper")


def derive_pin(code: str) -> str:
    """The PIN printed on a bench dossier's receipt: a keyed hash of its code."""
    digest = hmac.new(BENCH_PIN_KEY, code.encode(), hashlib.sha256).digest()
    return "".join(PIN_ALPHABET[b % len(PIN_ALPHABET)] for b in digest[:PIN_LENGTH])


def stored_pin(pin: str) -> str:
    """What Dossier.pin_hash holds for a PIN (the clear column stays empty, as after a receipt)."""
    return pin_hash(pin)


def _esc(value: str) -> str:
    """COPY text format: backslash, tab and line breaks must be escaped."""
    return value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


# --------------------------------------------------------------------------- time


class Calendar:
    """Working days as indexes; a moment is office seconds since the first one (w = day * DAY + s)."""

    def __init__(self, first: dt.date, last: dt.date):
        days, day = [], first
        while day <= last:
            if workcalendar.is_working_day(day):
                days.append(day)
            day += dt.timedelta(days=1)
        self.days = days
        self.day_text = [d.isoformat() for d in days]
        minutes = range(DAY // 60 + 1)
        self.clock = [_wall(m * 60) for m in minutes]

    def index_on_or_after(self, day: dt.date) -> int:
        return bisect.bisect_left(self.days, day)

    def text(self, w: int) -> str:
        """The aware timestamp of moment w; a whole number of days is the previous day's closing."""
        index, s = divmod(int(w), DAY)
        if s == 0 and index:
            index, s = index - 1, DAY
        index = min(index, len(self.days) - 1)
        return f"{self.day_text[index]} {self.clock[s // 60]}+07"

    def moment(self, at: dt.datetime) -> int:
        """Office seconds at an aware datetime (outside office hours: the next opening)."""
        local = timezone.localtime(at)
        index = self.index_on_or_after(local.date())
        if index >= len(self.days) or self.days[index] != local.date():
            return index * DAY
        seconds = (local.hour * 60 + local.minute) * 60 - (7 * 60 + 30) * 60
        if seconds >= MORNING:  # afternoon: skip the lunch break
            seconds = MORNING + max(0, seconds - MORNING - 2 * HOUR)
        return index * DAY + max(0, min(DAY, seconds))


def classify(finished: str, due: str) -> str:
    """clock.classify on written timestamps (same zone, so they compare as text): a moment at
    17:00 and the next opening are one instant of office time but not of the wall clock."""
    if finished > due:
        return "late"
    return "early" if finished[:10] < due[:10] else "on_time"


def _wall(s: int) -> str:
    minutes = 7 * 60 + 30 + s // 60 if s <= MORNING else 13 * 60 + 30 + (s - MORNING) // 60
    return f"{minutes // 60:02d}:{minutes % 60:02d}:00"


# --------------------------------------------------------------------------- organisation


@dataclass
class Officers:
    reception: list[tuple[int, int]]  # (user id, department id)
    specialists: list[tuple[int, int]]
    heads: list[tuple[int, int]]
    leaders: list[tuple[int, int]]


@dataclass
class Unit:
    agency: Agency
    officers: Officers
    variants: list[int]  # variant ids it receives, repeated by popularity
    weight: float


def _agency(code: str, name: str, level: str, parent: Agency | None, place: str) -> Agency:
    agency, _ = Agency.objects.update_or_create(code=code, defaults={
        "name": name, "level": level, "parent": parent, "place_name": place,
        "address": f"Trụ sở {name.removeprefix('Ủy ban nhân dân ')}"})
    return agency


def _officers(agency: Agency, slug: str, departments: list[str], scale: int, password: str) -> Officers:
    deps = [Department.objects.get_or_create(agency=agency, name=n)[0] for n in departments]
    front, work, last = deps[0], deps[1:-1] or deps[:1], deps[-1]
    plan = [("tiepnhan", Role.RECEPTION, [front], 2 * scale), ("chuyenvien", Role.SPECIALIST, work, 4 * scale),
            ("truongphong", Role.HEAD, work, len(work)), ("lanhdao", Role.LEADER, [last], 1 + (scale > 1))]
    wanted = {}
    for word, role, pool, count in plan:
        for k in range(1, count + 1):
            wanted[f"bench.{slug}.{word}{k}"] = (role, pool[(k - 1) % len(pool)])
    existing = set(User.objects.filter(username__in=wanted).values_list("username", flat=True))
    rng = random.Random(slug)
    User.objects.bulk_create([
        User(username=u, full_name=f"{rng.choice(SURNAMES)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}",
             email=f"{u}@example.gov.vn", agency=agency, department=dep, role=role, password=password,
             title=role.label) for u, (role, dep) in wanted.items() if u not in existing])
    found = {role: [] for role in Role.values}
    for user in User.objects.filter(username__in=wanted).order_by("username"):
        found[user.role].append((user.pk, user.department_id))
    return Officers(found[Role.RECEPTION], found[Role.SPECIALIST], found[Role.HEAD], found[Role.LEADER])


# The province's size does not follow N: the 1M and 5M runs differ by archive only, so the growth
# figures compare the same communes, officers and open dossiers.
DEFAULT_COMMUNES = 20


def organisation(communes: int = DEFAULT_COMMUNES, password: str | None = None) -> tuple[Agency, list[Agency]]:
    """The province, its centre and communes, with officers; idempotent."""
    password = password or make_password(BENCH_PASSWORD)
    province = _agency("000.00.00" + BENCH_SUFFIX, "Ủy ban nhân dân tỉnh Thử Nghiệm", Level.PROVINCE, None,
                       "Thử Nghiệm")
    _officers(province, "tinh", ["Văn phòng UBND tỉnh"], 1, password)
    centre = _agency("000.00.21" + BENCH_SUFFIX, "Trung tâm Phục vụ hành chính công tỉnh Thử Nghiệm",
                     Level.PROVINCE, province, "Thử Nghiệm")
    agencies = [centre]
    for i in range(1, communes + 1):
        place = f"{PLACES[i % len(PLACES)]} {i}" if i > len(PLACES) else PLACES[i - 1]
        kind = "phường" if i % 3 == 0 else "xã"
        agencies.append(_agency(f"000.{i % 100:02d}.{22 + i // 100:02d}{BENCH_SUFFIX}",
                                f"Ủy ban nhân dân {kind} {place}", Level.COMMUNE, province, place))
    return province, agencies


def catalogue(agencies: list[Agency]) -> None:
    """The real catalogue; commune procedures at every commune and the centre, the others at the centre."""
    result = procedure_services.catalogue_import(raw=CATALOGUE.read_bytes(), fmt="json")
    if result.errors:
        raise RuntimeError(f"catalogue: {result.errors[:3]}")
    centre, communes = agencies[0], agencies[1:]
    for procedure in Procedure.objects.filter(code__in=_catalogue_codes()):
        if procedure.level == Level.COMMUNE:
            procedure.agencies.add(*communes, centre)
        else:
            procedure.agencies.add(centre)


def _catalogue_codes() -> list[str]:
    return [p["code"] for p in json.loads(CATALOGUE.read_bytes())["procedures"]]


# --------------------------------------------------------------------------- catalogue in memory


@dataclass
class VariantInfo:
    pk: int
    procedure_id: int
    procedure_name: str
    name: str
    time_limit: str
    online_limit: str | None
    unit: str
    cutoff: str
    plan: list[dict]
    plan_json: str
    documents: list[tuple[str, str, int, bool]]  # name (escaped), form, quantity, mandatory
    fees: list[tuple[str, str, int, str]]  # kind, name (escaped), amount, channel


def _variants() -> dict[int, VariantInfo]:
    found = {}
    queryset = (ProcedureVariant.objects.filter(procedure__code__in=_catalogue_codes())
                .select_related("procedure").prefetch_related("documents", "fees", "steps"))
    for v in queryset:
        plan = [{"name": s.name, "role": s.role, "department": s.department_name, "budget": str(s.budget)}
                for s in v.steps.all()]
        found[v.pk] = VariantInfo(
            pk=v.pk, procedure_id=v.procedure_id, procedure_name=_esc(v.procedure.name), name=_esc(v.name),
            time_limit=str(v.time_limit), online_limit=str(v.online_time_limit) if v.online_time_limit else None,
            unit=v.time_unit, cutoff=v.same_day_cutoff.isoformat() if v.same_day_cutoff else "\\N", plan=plan,
            plan_json=_esc(json.dumps(plan, ensure_ascii=False)),
            documents=[(_esc(d.name), d.form, d.quantity, d.mandatory) for d in v.documents.all()],
            fees=[(f.kind, _esc(f.name), f.amount, f.channel) for f in v.fees.all()])
    return found


# --------------------------------------------------------------------------- COPY tables


class Table:
    """A COPY target: the columns we write, plus every other column at its model default."""

    def __init__(self, model, columns: list[str]):
        self.name = model._meta.db_table
        fields = {f.column: f for f in model._meta.concrete_fields}
        unknown = set(columns) - set(fields)
        if unknown:
            raise RuntimeError(f"{self.name}: no such columns {sorted(unknown)}")
        self.columns = list(columns)
        self.tail = ""
        for column, f in fields.items():
            if column in columns or (f.primary_key and column not in columns):
                continue
            self.columns.append(column)
            self.tail += "\t" + _default_text(f)
        self.rows: list[str] = []
        self.total = 0

    def add(self, row: str) -> None:
        self.rows.append(row + self.tail)

    def take(self) -> tuple[str, str]:
        """(COPY statement, data) of the rows gathered so far; the table starts a new batch."""
        columns = ", ".join(f'"{c}"' for c in self.columns)  # "order" is a reserved word
        data = "\n".join(self.rows) + "\n" if self.rows else ""
        self.total += len(self.rows)
        self.rows = []
        return f"COPY {self.name} ({columns}) FROM STDIN", data


def _default_text(f) -> str:
    if not f.has_default():
        if f.null:
            return "\\N"
        raise RuntimeError(f"{f.model._meta.db_table}.{f.column} has no default: teach benchdata to fill it")
    value = f.get_db_prep_save(f.get_default(), connection)
    if value is None:
        return "\\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if hasattr(value, "dumps"):  # JSON adapter
        return _esc(value.dumps(value.adapted))
    return _esc(str(value))


DOSSIER_COLUMNS = [
    "id", "code", "pin", "pin_hash", "agency_id", "procedure_id", "variant_id", "status", "channel", "procedure_name",
    "variant_name", "time_limit", "time_unit", "same_day_cutoff", "steps_plan", "applicant_name",
    "applicant_id_number", "applicant_phone", "applicant_email", "applicant_address", "owner_kind", "owner_name",
    "owner_id_number", "owner_tax_code", "owner_representative", "owner_address", "sets", "return_method",
    "return_address", "note", "search_text", "submitted_at", "received_at", "legal_due_at", "due_at",
    "rescheduled_at", "paused_at", "paused_seconds", "finished_at", "returned_at", "timeliness",
    "supplement_requests", "step_index", "holder_id", "department_id", "step_due_at", "step_started_at", "reason",
    "missing_papers", "result_summary", "collected_by", "collected_id_number", "postal_tracking", "version",
    "created_by_id", "created_at", "updated_at",
]
STEP_COLUMNS = ["dossier_id", "step_index", "step_name", "from_user_id", "to_user_id", "intended_user_id",
                "to_department_id", "started_at", "due_at", "finished_at", "timeliness", "late_seconds", "note"]
EVENT_COLUMNS = ["dossier_id", "action", "from_status", "to_status", "actor_id", "at", "note", "data"]
DOCUMENT_COLUMNS = ["dossier_id", "kind", "order", "name", "form", "quantity", "mandatory", "provided",
                    "digitisation", "file", "content_type", "added_by_id", "added_at"]
FEE_COLUMNS = ["dossier_id", "kind", "name", "amount", "collected"]
RATING_COLUMNS = ["id", "dossier_id", "agency_id", "procedure_id", "level", "reason", "comment", "channel",
                  "criteria", "total", "created_at"]


# --------------------------------------------------------------------------- the data set


@dataclass
class SeedReport:
    dossiers: int = 0
    rows: dict[str, int] = field(default_factory=dict)
    statuses: Counter = field(default_factory=Counter)
    seconds: dict[str, float] = field(default_factory=dict)
    agencies: int = 0
    open: int = 0


def default_years(dossiers: int) -> int:
    """About 500 000 dossiers a year, so 1M and 5M differ by archive, not by today's workload."""
    return max(1, round(dossiers / 500_000))


def _n(value) -> str:
    return "\\N" if value is None else str(value)


class _Names:
    def __init__(self, rng: random.Random):
        self.rng, self.folded = rng, {}

    def person(self) -> tuple[str, str]:
        rng = self.rng
        name = f"{rng.choice(SURNAMES)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"
        folded = self.folded.get(name)
        if folded is None:
            folded = self.folded[name] = fold(name)
        return name, folded


def _pick(rng: random.Random, table: list[tuple[float, str]], default: str) -> str:
    roll = rng.uniform(0, 100)
    for share, name in table:
        if roll < share:
            return name
        roll -= share
    return default


class Generator:
    """Turns (agency, variant, moment, sequence) into rows; one instance per seed run."""

    def __init__(self, *, cal: Calendar, now: int, rng: random.Random, variants: dict[int, VariantInfo],
                 tables: dict[str, Table], first_rating_id: int, report: SeedReport):
        self.cal, self.now, self.rng, self.variants = cal, now, rng, variants
        self.t, self.report = tables, report
        self.names = _Names(rng)
        self.rating_id = first_rating_id
        self.pending_rating: tuple | None = None
        self.lateness: dict[int, float] = {}
        self.recent = now - 60 * DAY  # stuck and abandoned dossiers only among recent ones

    # -- deadlines, in office seconds --------------------------------------------------------

    def legal_due(self, w0: int, v: VariantInfo, limit: str) -> int:
        index, s = divmod(w0, DAY)
        value = float(limit)
        if v.unit == "same_day":
            return (index + (1 if s <= CUTOFF else 2)) * DAY
        if v.unit == "working_hours":
            return w0 + int(value * HOUR)
        if v.unit == "working_days":
            if value != int(value):
                return w0 + int(value * DAY)
            return (index + int(value) + 1) * DAY
        last = self.cal.days[min(index, len(self.cal.days) - 1)] + dt.timedelta(days=int(value))
        return (self.cal.index_on_or_after(last) + 1) * DAY

    def step_budget(self, v: VariantInfo, position: int) -> int:
        plan = v.plan
        if not plan:
            return DAY
        budget = float(plan[min(position, len(plan) - 1)]["budget"])
        return int(budget * (HOUR if v.unit == "working_hours" else DAY))

    # -- one dossier ----------------------------------------------------------------------------

    def dossier(self, pk: int, agency: Agency, officers: Officers, v: VariantInfo, w_code: int, code: str) -> str:
        rng, cal, now, t = self.rng, self.cal, self.now, self.t
        clerk, clerk_dep = rng.choice(officers.reception)
        roll = rng.uniform(0, 100)
        channel = "online" if roll < ONLINE else "post" if roll < ONLINE + POST else "counter"
        name, folded = self.names.person()
        id_number = f"038{rng.randint(0, 1)}{rng.randint(40, 99)}{rng.randint(0, 999999):06d}"
        phone = f"09{rng.randint(10000000, 99999999)}"
        email = f"nguoidan{pk}@example.com" if channel == "online" or rng.random() < 0.2 else ""
        owner_kind, owner_name, owner_tax, owner_rep, owner_folded = "person", "", "", "", ""
        if rng.random() < 0.06:
            owner_kind, owner_rep = "organisation", name
            owner_name = f"Công ty TNHH {rng.choice(GIVEN)} {rng.choice(PLACES)}"
            owner_tax, owner_folded = f"28{rng.randint(0, 99999999):08d}", " " + fold(owner_name)
        search = f"{code.lower()} {folded}{owner_folded} {phone} {id_number}" + (f" {owner_tax}" if owner_tax else "")
        return_method = "post" if channel == "post" or rng.random() < 0.04 else (
            "online" if channel == "online" and rng.random() < 0.3 else "counter")
        address = f"{rng.randint(1, 250)} {rng.choice(STREETS)}, {agency.place_name}"
        limit = v.online_limit if channel == "online" and v.online_limit else v.time_limit

        events: list[tuple[int, str, str, str, int | None, str, str]] = []  # w, action, from, to, actor, note, data
        steps: list[list] = []
        row = {"submitted": None, "received": None, "legal_due": None, "due": None, "rescheduled": None,
               "paused": None, "paused_s": 0, "finished": None, "returned": None, "timeliness": "",
               "supplements": 0, "reason": "", "missing": "[]", "result": "", "collected_by": "",
               "collected_id": "", "tracking": "", "created_by": clerk, "return_method": return_method,
               "applicant": (name, id_number)}
        status = self._story(v, officers, channel, w_code, limit, clerk, clerk_dep, events, steps, row, rng, pk)

        # Only what has happened by now is written. The last step begun is still open unless the
        # dossier is closed; every earlier one was finished by the next handover.
        holder = department = step_due = step_start = None
        begun = [step for step in steps if step[5] <= now]
        closed = status in FINAL
        step_index = begun[-1][0] if begun else 0
        for n, (index, name_, frm, to, dep, start, due, finish) in enumerate(begun):
            if n == len(begun) - 1 and not closed:
                holder, department, step_due, step_start = to, dep, due, start
                t["steps"].add(f"{pk}\t{index}\t{name_}\t{_n(frm)}\t{_n(to)}\t{NULL}\t{_n(dep)}\t"
                               f"{cal.text(start)}\t{cal.text(due)}\t{NULL}\t\t0\t")
                continue
            late = max(0, finish // 60 - due // 60) * 60  # timestamps are written to the minute
            timeliness = classify(cal.text(finish), cal.text(due))
            t["steps"].add(f"{pk}\t{index}\t{name_}\t{_n(frm)}\t{_n(to)}\t{NULL}\t{_n(dep)}\t{cal.text(start)}\t"
                           f"{cal.text(due)}\t{cal.text(finish)}\t{timeliness}\t{late}\t")
        last_w = w_code
        version = 1
        for w, action, frm, to, actor, note, data in events:
            if w > now:
                break
            last_w, version = w, version + (action not in ("receive", "submit_online", "refuse_intake"))
            t["events"].add(f"{pk}\t{action}\t{frm}\t{to}\t{_n(actor)}\t{cal.text(w)}\t{note}\t{data}")
        if row["received"] is not None:
            self._papers(pk, v, row, clerk, channel, now)
        self.report.statuses[status] += 1
        ts = cal.text
        return "\t".join((
            str(pk), code, "", stored_pin(derive_pin(code)), str(agency.pk), str(v.procedure_id), str(v.pk), status,
            channel, v.procedure_name, v.name, limit, v.unit, v.cutoff, v.plan_json, name, id_number, phone, email,
            address, owner_kind, owner_name, "", owner_tax, owner_rep, address if owner_name else "", "1",
            return_method, address if return_method == "post" else "", "", search,
            ts(row["submitted"]) if row["submitted"] is not None else "\\N",
            ts(row["received"]) if row["received"] is not None else "\\N",
            ts(row["legal_due"]) if row["legal_due"] is not None else "\\N",
            ts(row["due"]) if row["due"] is not None else "\\N",
            ts(row["rescheduled"]) if row["rescheduled"] is not None and row["rescheduled"] <= now else "\\N",
            ts(row["paused"]) if row["paused"] is not None else "\\N", str(row["paused_s"]),
            ts(row["finished"]) if row["finished"] is not None and row["finished"] <= now else "\\N",
            ts(row["returned"]) if row["returned"] is not None and row["returned"] <= now else "\\N",
            row["timeliness"] if row["finished"] is not None and row["finished"] <= now else "",
            str(row["supplements"]), str(step_index), _n(holder), _n(department),
            ts(step_due) if step_due is not None else "\\N", ts(step_start) if step_start is not None else "\\N",
            row["reason"], row["missing"], row["result"],
            row["collected_by"], row["collected_id"], row["tracking"], str(version),
            _n(row["created_by"]), ts(w_code), ts(last_w)))

    def _story(self, v, officers, channel, w_code, limit, clerk, clerk_dep, events, steps, row, rng, pk) -> str:
        """Play the dossier's life forward; return its status at `now`."""
        now = self.now
        if channel == "online":
            row["submitted"], row["created_by"] = w_code, None
            events.append((w_code, "submit_online", "", "submitted", None, "", "{}"))
            w0 = w_code + rng.randint(HOUR // 2, DAY)
            if w0 > now:
                return "submitted"
            events.append((w0, "accept_online", "submitted", "received", clerk, "", "{}"))
        else:
            w0 = w_code
            if rng.uniform(0, 100) < REFUSED_AT_INTAKE:
                row["finished"], row["reason"] = w0, "Hồ sơ không thuộc thẩm quyền giải quyết của cơ quan."
                events.append((w0, "refuse_intake", "", "refused", clerk, row["reason"], "{}"))
                return "refused"
            events.append((w0, "receive", "", "received", clerk, "", f'{{"channel": "{channel}"}}'))
        legal = self.legal_due(w0, v, limit)
        row.update(received=w0, legal_due=legal, due=legal)
        plan, last = v.plan, max(len(v.plan) - 1, 3)
        names = [p["name"] for p in plan] or ["Xử lý hồ sơ"]

        def step_name(position: int) -> str:
            return _esc(names[min(position, len(names) - 1)])

        specialist, spec_dep = rng.choice(officers.specialists)
        leader = rng.choice(officers.leaders)[0]
        factor = self.lateness.setdefault(specialist, rng.lognormvariate(0, 0.8))
        late = rng.uniform(0, 100) < LATE * factor
        total = legal - w0
        # Step 0: the counter checks and hands over within the hour.
        s0_end = w0 + rng.randint(10 * 60, HOUR)
        steps.append([0, step_name(0), clerk, clerk, clerk_dep, w0, w0 + self.step_budget(v, 0), s0_end])
        # Step 1: the specialist; most of the time is spent here, and so is most lateness.
        spent = (rng.uniform(1.02, 2.5) if late else rng.uniform(0.3, 0.95)) * max(total, HOUR)
        s1_end = s0_end + int(spent * 0.8)
        s1 = [1, step_name(1), clerk, specialist, spec_dep, s0_end, s0_end + self.step_budget(v, 1), s1_end]
        steps.append(s1)
        hand = json.dumps({"to_user": specialist, "intended_user": None, "to_department": spec_dep})
        events.append((s0_end, "hand_over", "received", "processing", clerk, "", hand))
        status_now = "received" if s0_end > now else "processing"
        # A supplement or a payment of obligations stops the clock part-way through step 1.
        roll = rng.uniform(0, 100)
        if roll < SUPPLEMENT + PAYMENT:
            supplement = roll < SUPPLEMENT
            paused = s0_end + int((s1_end - s0_end) * rng.uniform(0.1, 0.6))
            waited = rng.randint(DAY // 2, 8 * DAY)
            abandoned = paused > self.recent and rng.random() < 0.2
            action = "request_supplement" if supplement else "request_payment"
            to = "awaiting_supplement" if supplement else "awaiting_payment"
            reason = ("Thiếu bản sao giấy tờ chứng minh nơi cư trú" if supplement
                      else "Nộp lệ phí trước bạ theo thông báo của cơ quan thuế")
            if supplement:
                row["supplements"], row["missing"] = 1, '["Bản sao giấy tờ chứng minh nơi cư trú"]'
            events.append((paused, action, "processing", to, specialist, reason, "{}"))
            if paused <= now and (abandoned or paused + waited > now):
                row["paused"], row["reason"] = paused, reason
                return to
            row["reason"] = reason
            events.append((paused + waited, "receive_supplement" if supplement else "receive_payment", to,
                           "processing", clerk, "", f'{{"waited_seconds": {waited}}}'))
            row["paused_s"] = waited
            row["legal_due"] = legal = legal + waited
            row["due"] = legal
            s1[6] += waited
            s1[7] = s1_end = s1_end + waited
            if supplement:
                self.t["documents"].add(f"{pk}\tsupplement\t1\tBản sao giấy tờ chứng minh nơi cư trú\toriginal\t1\t"
                                        f"t\tt\tnone\t\t\t{clerk}\t{self.cal.text(paused + waited)}")
        if w0 > self.recent and rng.uniform(0, 100) < STUCK:
            return status_now  # forgotten on a desk: open and overdue
        if s1_end > now:
            return status_now
        ending = _pick(rng, ENDINGS, "returned")
        if ending in ("withdrawn", "stopped"):
            actor = clerk if ending == "withdrawn" else leader
            steps[-1][7] = s1_end
            reason = "Công dân có đơn xin rút hồ sơ." if ending == "withdrawn" else \
                "Cơ quan có thẩm quyền đề nghị tạm dừng để xác minh."
            return self._close(row, events, ending, s1_end, actor, reason)
        # Step 2: the leader signs (or refuses after appraisal).
        s2_end = s1_end + int(spent * 0.2) + rng.randint(0, HOUR)
        steps.append([min(2, last - 1), step_name(last - 1), specialist, leader, None, s1_end,
                      s1_end + self.step_budget(v, last - 1), s2_end])
        hand = json.dumps({"to_user": leader, "intended_user": None, "to_department": None})
        events.append((s1_end, "hand_over", "processing", "processing", specialist, "", hand))
        if s2_end > now:
            return "processing"
        if ending == "refused":
            return self._close(row, events, "refused", s2_end, leader,
                               "Không đủ điều kiện theo quy định sau khi thẩm định.")
        self._finish(row, s2_end)
        row["result"] = "Đã ký kết quả"
        events.append((s2_end, "approve", "processing", "result_ready", leader, "Đã ký kết quả", "{}"))
        # The result goes back to the counter; the citizen collects it days later (or never).
        back = s2_end + rng.randint(HOUR, 4 * DAY)
        steps.append([last, step_name(last), leader, clerk, clerk_dep, s2_end,
                      max(s2_end + self.step_budget(v, last), row["due"]), None if ending == "uncollected" else back])
        if ending == "uncollected" or back > now:
            return "result_ready"
        row["returned"] = back
        if row["return_method"] == "post":
            row["tracking"] = f"EB{pk % 10**9:09d}VN"
        else:
            row["collected_by"], row["collected_id"] = row["applicant"]
        events.append((back, "return", "result_ready", "returned", clerk, "", "{}"))
        if rng.uniform(0, 100) < RATED:
            self._rating(pk, back, rng)
        return "returned"

    def _finish(self, row: dict, w: int) -> None:
        row["finished"] = w
        legal = row["legal_due"]
        row["timeliness"] = classify(self.cal.text(w), self.cal.text(legal))
        if row["timeliness"] == "late" and self.rng.random() < 0.3:  # an apology (Mẫu 04), a new appointment
            row["rescheduled"] = legal - HOUR
            row["due"] = w + DAY

    def _close(self, row, events, status, w, actor, reason) -> str:
        self._finish(row, w)
        row["reason"] = reason
        events.append((w, {"refused": "refuse", "withdrawn": "withdraw", "stopped": "stop"}[status],
                       "processing", status, actor, reason, "{}"))
        return status

    def _papers(self, pk: int, v: VariantInfo, row: dict, clerk: int, channel: str, now: int) -> None:
        rng, at = self.rng, self.cal.text(row["received"])
        documents = self.t["documents"]
        for order, (name, form, quantity, mandatory) in enumerate(v.documents, start=1):
            if not mandatory and rng.random() < 0.7:
                continue
            digit = "scanned" if channel == "online" else DIGITISATION[rng.randint(0, 3)]
            documents.add(f"{pk}\tintake\t{order}\t{name}\t{form}\t{quantity}\t{'t' if mandatory else 'f'}\tt\t"
                          f"{digit}\t\t\t{clerk}\t{at}")
        for kind, name, amount, fee_channel in v.fees:
            if fee_channel in ("all", channel):
                self.t["fees"].add(f"{pk}\t{kind}\t{name}\t{amount}\t{amount if rng.random() < 0.9 else 0}")

    def _rating(self, pk: int, w: int, rng: random.Random) -> None:
        self.rating_id += 1
        roll = rng.random()
        level = "very_satisfied" if roll < 0.55 else "satisfied" if roll < 0.93 else "not_satisfied"
        reason = "Phải chờ lâu, cán bộ hướng dẫn chưa rõ." if level == "not_satisfied" else ""
        channel = ("link", "kiosk", "lookup")[rng.randint(0, 2)]
        self.pending_rating = (self.rating_id, pk, level, reason, channel, self.cal.text(w))


# --------------------------------------------------------------------------- the run


def _days_and_units(cal: Calendar, first: int, today: int, now: int, dossiers: int, units: list[Unit],
                    rng: random.Random):
    """Dossiers per working day (a little seasonal noise), then per agency; yields (day, unit, count)."""
    days = list(range(first, today + 1))
    if now - today * DAY < 10 * 60:
        days.pop()  # today has not opened yet
    weights = [1.0 + 0.2 * math.sin(i / 40) + rng.uniform(-0.25, 0.25) for i in range(len(days))]
    total = sum(weights)
    exact = [dossiers * w / total for w in weights]
    counts = [int(x) for x in exact]
    for i in sorted(range(len(days)), key=lambda i: exact[i] - counts[i], reverse=True)[:dossiers - sum(counts)]:
        counts[i] += 1
    unit_weights = [u.weight for u in units]
    for day, count in zip(days, counts, strict=True):
        per_unit = Counter(rng.choices(range(len(units)), weights=unit_weights, k=count))
        for index in sorted(per_unit):
            yield day, units[index], per_unit[index]


def _units(agencies: list[Agency], password: str, dossiers: int, variants: dict[int, VariantInfo],
           rng: random.Random) -> list[Unit]:
    units = []
    for n, agency in enumerate(agencies):
        centre = n == 0
        slug = "ttpvhcc" if centre else f"x{n:03d}"
        officers = _officers(agency, slug, CENTRE_DEPARTMENTS if centre else COMMUNE_DEPARTMENTS,
                             3 if centre else 1, password)
        handled = ProcedureVariant.objects.filter(procedure__agencies=agency, pk__in=variants).values_list(
            "pk", "procedure__code")
        pool = [pk for pk, code in handled for _ in range(POPULARITY.get(code, 1))]
        # The centre takes a fifth of the province's dossiers; communes differ in size.
        weight = 0.2 * (len(agencies) - 1) / 0.8 if centre else rng.lognormvariate(0, 0.5)
        units.append(Unit(agency, officers, pool, weight))
    return units


def _next_id(model) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {model._meta.db_table}")
        return cursor.fetchone()[0]


def _fix_sequence(cursor, model) -> None:
    table = model._meta.db_table
    cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                   f"GREATEST((SELECT COALESCE(MAX(id), 0) FROM {table}), 1))")


def bench_tables() -> list[str]:
    from ratings.models import Rating

    return [m._meta.db_table for m in (Dossier, DossierStep, DossierEvent, DossierDocument, DossierFee, Rating,
                                       OfficerDayFigures, DossierDayFigures)] + [Rating.officers.through._meta.db_table]


def drop_indexes(cursor) -> list[str]:
    """Drop the plain indexes of the tables we fill (constraints stay); returns their definitions."""
    saved = []
    for table in bench_tables():
        cursor.execute(
            "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) FROM pg_index i "
            "WHERE i.indrelid = %s::regclass AND NOT EXISTS "
            "(SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)", [table])
        for name, definition in cursor.fetchall():
            cursor.execute(f"DROP INDEX {name}")
            saved.append(definition)
    return saved


def seed(*, dossiers: int, years: int | None = None, communes: int = DEFAULT_COMMUNES, seed: int = 2026,
         chunk: int = 20_000, rebuild_indexes: bool = False,
         progress: Callable[[str], None] | None = None) -> SeedReport:
    """Write the data set in the current transaction. The caller holds it (the command wraps it in
    one atomic block, so a failure leaves nothing half-written)."""
    from ratings.models import Rating

    say = progress or (lambda message: None)
    report, started = SeedReport(), time.monotonic()
    rng = random.Random(seed)
    years = years or default_years(dossiers)
    password = make_password(BENCH_PASSWORD)
    _, agencies = organisation(communes, password)
    catalogue(agencies)
    variants = _variants()
    units = _units(agencies, password, dossiers, variants, rng)
    report.agencies = len(agencies)
    report.seconds["setup"] = time.monotonic() - started

    now_dt = timezone.now()
    today = timezone.localdate(now_dt)
    cal = Calendar(today - dt.timedelta(days=365 * years + 7), today + dt.timedelta(days=3 * 365))
    now = cal.moment(now_dt)
    first = cal.index_on_or_after(today - dt.timedelta(days=365 * years))
    today_index = now // DAY

    tables = {"dossiers": Table(Dossier, DOSSIER_COLUMNS), "steps": Table(DossierStep, STEP_COLUMNS),
              "events": Table(DossierEvent, EVENT_COLUMNS), "documents": Table(DossierDocument, DOCUMENT_COLUMNS),
              "fees": Table(DossierFee, FEE_COLUMNS), "ratings": Table(Rating, RATING_COLUMNS)}
    officers_table = Rating.officers.through._meta.db_table
    rating_officers: list[str] = []
    generator = Generator(cal=cal, now=now, rng=rng, variants=variants, tables=tables,
                          first_rating_id=_next_id(Rating), report=report)
    pk = _next_id(Dossier)
    counters: list[str] = []
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL session_replication_role = replica")  # no FK triggers on rows we made consistent
        saved = drop_indexes(cursor) if rebuild_indexes else []
        writer, pending = _Writer(), 0
        for day, unit, count in _days_and_units(cal, first, today_index, now, dossiers, units, rng):
            limit = (now - day * DAY) if day == today_index else DAY
            moments = sorted(rng.randint(60, max(61, min(DAY, limit) - 60)) for _ in range(count))
            stamp = cal.days[day].strftime("%y%m%d")
            prefix = f"{unit.agency.code}-{stamp}-"
            for seq, s in enumerate(moments, start=1):
                pk += 1
                v = variants[rng.choice(unit.variants)]
                generator.pending_rating = None
                tables["dossiers"].add(generator.dossier(pk, unit.agency, unit.officers, v, day * DAY + s,
                                                         f"{prefix}{seq:04d}"))
                if generator.pending_rating:
                    rid, did, level, reason, channel, at = generator.pending_rating
                    tables["ratings"].add(f"{rid}\t{did}\t{unit.agency.pk}\t{v.procedure_id}\t{level}\t{reason}\t\t"
                                          f"{channel}\t{{}}\t\\N\t{at}")
                    rating_officers.append(f"{rid}\t{unit.officers.reception[0][0]}")
            counters.append(f"{unit.agency.pk}\t{cal.days[day].isoformat()}\t{count}")
            pending += count
            if pending >= chunk:
                writer.submit(_batches(tables, rating_officers, officers_table))
                report.dossiers += pending
                pending = 0
                say(f"{report.dossiers} dossiers, {time.monotonic() - started:.0f} s")
        writer.submit(_batches(tables, rating_officers, officers_table))
        writer.close()
        report.dossiers += pending
        _counters(cursor, counters, [u.agency.pk for u in units])
        report.seconds["copy"] = time.monotonic() - started - report.seconds["setup"]
        # The steps and dossiers were copied past the services (_finish_step, _start_clock,
        # _finish_dossier): sum them now, day rows then month rows, before the indexes come back
        # (the figures' covering indexes are built once over the finished tables).
        for name, rebuild, model in (("officer_figures", officer_figures_rebuild, OfficerDayFigures),
                                     ("report_figures", report_figures_rebuild, DossierDayFigures)):
            report.rows[name] = rebuild()
            report.rows[f"{name}_months"] = model.objects.filter(grain=Grain.MONTH).count()  # of those rows
            report.seconds[name] = time.monotonic() - started - sum(report.seconds.values())
        cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
        cursor.execute("SET LOCAL max_parallel_maintenance_workers = 2")
        for definition in saved:
            say(definition.split(" ON ")[0])
            cursor.execute(definition)
        report.seconds["indexes"] = time.monotonic() - started - sum(report.seconds.values())
        for model in (Dossier, Rating):
            _fix_sequence(cursor, model)
        cursor.execute("SET LOCAL session_replication_role = DEFAULT")
    report.rows = {**{name: table.total for name, table in tables.items()}, **report.rows}
    report.open = sum(report.statuses[s] for s in ("received", "processing", "awaiting_supplement",
                                                   "awaiting_payment", "submitted"))
    return report


class _Writer:
    """COPY in a background thread on the same database connection (and transaction), so that
    PostgreSQL ingests one batch while Python generates the next: two cores, both busy."""

    def __init__(self):
        self.raw = connection.connection.cursor()  # psycopg2's own cursor: usable from the thread
        self.pool = ThreadPoolExecutor(max_workers=1)
        self.pending: Future | None = None

    def submit(self, batches: list[tuple[str, str]]) -> None:
        self.wait()
        self.pending = self.pool.submit(self._copy, batches)

    def _copy(self, batches: list[tuple[str, str]]) -> None:
        for statement, data in batches:
            if data:
                self.raw.copy_expert(statement, io.StringIO(data))

    def wait(self) -> None:
        if self.pending is not None:
            self.pending.result()  # re-raises a COPY error here
            self.pending = None

    def close(self) -> None:
        self.wait()
        self.pool.shutdown()
        self.raw.close()


def _batches(tables: dict[str, "Table"], rating_officers: list[str], officers_table: str) -> list[tuple[str, str]]:
    batches = [table.take() for table in tables.values()]
    if rating_officers:
        batches.append((f"COPY {officers_table} (rating_id, user_id) FROM STDIN", "\n".join(rating_officers) + "\n"))
        rating_officers.clear()
    return batches


def _counters(cursor, rows: list[str], agency_ids: list[int]) -> None:
    """CodeCounter = the last number given per agency and day, so the next intake continues from it."""
    table = CodeCounter._meta.db_table
    cursor.execute("CREATE TEMP TABLE bench_counter (agency_id bigint, day date, last integer) ON COMMIT DROP")
    cursor.copy_expert("COPY bench_counter FROM STDIN", io.StringIO("\n".join(rows) + "\n"))
    cursor.execute(f"INSERT INTO {table} (agency_id, day, last) SELECT agency_id, day, last FROM bench_counter "
                   f"ON CONFLICT (agency_id, day) DO UPDATE SET last = GREATEST({table}.last, EXCLUDED.last)")


# --------------------------------------------------------------------------- guards and clean-up


def foreign_dossiers() -> bool:
    """True when the database holds dossiers that are not bench data."""
    return Dossier.objects.exclude(agency__code__endswith=BENCH_SUFFIX).exists()


def bench_dossiers() -> bool:
    return Dossier.objects.filter(agency__code__endswith=BENCH_SUFFIX).exists()


@transaction.atomic
def remove_bench_dossiers() -> None:
    """Empty the dossier tables of bench rows (all of them at once when nothing else is there)."""
    with connection.cursor() as cursor:
        if not foreign_dossiers():
            cursor.execute(f"TRUNCATE {', '.join(bench_tables())}, dossiers_alert, dossiers_message, "
                           f"{CodeCounter._meta.db_table} CASCADE")
            return
        # Bench rows only, history included, which the audit trail's triggers refuse to delete: skipped
        # for this transaction (a superuser's setting, as the bench's role is; dossiers migration 0003).
        cursor.execute("SET LOCAL session_replication_role = replica")
        ids = "SELECT d.id FROM dossiers_dossier d JOIN accounts_agency a ON a.id = d.agency_id " \
              f"WHERE a.code LIKE '%%{BENCH_SUFFIX}'"
        cursor.execute(f"DELETE FROM ratings_rating_officers WHERE rating_id IN "
                       f"(SELECT id FROM ratings_rating WHERE dossier_id IN ({ids}))")
        for table in ("ratings_rating", "dossiers_dossierevent", "dossiers_dossierstep", "dossiers_dossierdocument",
                      "dossiers_dossierfee", "dossiers_alert", "dossiers_message"):
            cursor.execute(f"DELETE FROM {table} WHERE dossier_id IN ({ids})")
        cursor.execute(f"DELETE FROM dossiers_dossier WHERE id IN ({ids})")
        # Only bench agencies' steps and dossiers are in their rows: the other agencies' figures stay.
        for model in (OfficerDayFigures, DossierDayFigures):
            cursor.execute(f"DELETE FROM {model._meta.db_table} WHERE agency_id IN "
                           f"(SELECT id FROM accounts_agency WHERE code LIKE '%%{BENCH_SUFFIX}')")
        cursor.execute(f"DELETE FROM {CodeCounter._meta.db_table} WHERE agency_id IN "
                       f"(SELECT id FROM accounts_agency WHERE code LIKE '%%{BENCH_SUFFIX}')")
