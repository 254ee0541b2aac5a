"""Benchmark of the leaders' figures on a province-sized year.

    python -m bench leaders --dossiers 200000 [--runs 5] [--seed 2026] [--keep] [--force]
    python -m bench leaders --reuse [--runs 5]    # time again the rows a --keep run left

Seeds, with bulk inserts (PostgreSQL COPY; bulk_create elsewhere) and not through the services, so
that it takes a minute, not hours, a
province agency with 10 commune / centre sub-agencies, about 100 officers, 40 procedures in 8
fields and N dossiers received over the last 365 days in every state, each with about three
handover steps (some late), and ratings for part of the returned ones. Then it times, on the
configured database, the dashboard, the per-officer table (one commune, then the whole
province) and Biểu 06 for the year, several runs each, and prints the median and the maximum.

Everything it writes is marked (agency codes "BENCH.…", user names "bench.…", procedure and
field codes "BENCH…"); rows from an earlier run are deleted first, and all of it again at the end
unless --keep. It refuses to run on a database that holds dossiers of its own (real data) unless
--force: run it on an empty or scratch database (the bench database, $BENCH_DATABASE_URL or
…/mocua_bench, migrated first).
"""

import datetime as dt
import io
import json
import random
import statistics
import time
from decimal import Decimal

from django.apps import apps
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from dossiers import figures
from dossiers.leaders import exports
from dossiers.leaders.breakdown import breakdown
from dossiers.leaders.dashboard import dashboard
from dossiers.leaders.officers import officers
from dossiers.leaders.periods import month_period, range_period
from dossiers.leaders.report06 import report06
from dossiers.leaders.scope import scope_for
from dossiers.models import Dossier, DossierDayFigures, DossierDocument, DossierStep, OfficerDayFigures, Timeliness
from dossiers.pins import pin_hash
from dossiers.workflow import Status
from mocua.accounts.models import Agency, Department, Level, Role, User
from procedures.models import Channel, Field, Procedure, TimeUnit

PREFIX = "BENCH."
UNITS = 10
FIELDS = 8
PROCEDURES = 40
BATCH = 5000
LIMITS = (1, 3, 5, 7, 10, 15)  # working days
# A working day is ~1.4 calendar days (weekends); 7.5 office hours out of 24.
CALENDAR_PER_WORKING_DAY = 1.4
WORKING_SHARE = 7.5 / 24


def run(args) -> None:
    LeadersBench().handle(dossiers=args.dossiers or 200_000, runs=args.runs, seed=args.seed, keep=args.keep,
                          force=args.force, reuse=args.reuse)


class LeadersBench:
    """Seed a province-sized year of dossiers and time the leaders' dashboard, officer table and Biểu 06."""

    def handle(self, *, dossiers: int, runs: int, seed: int, keep: bool, force: bool, reuse: bool):
        real = Dossier.objects.exclude(agency__code__startswith=PREFIX).exists()
        if real and not force:
            raise SystemExit("Cơ sở dữ liệu đang có hồ sơ thật: chạy trên một cơ sở dữ liệu trống hoặc thêm --force.")
        self.rng = random.Random(seed)
        self.now = timezone.now()
        self.out(f"Database: {connection.vendor} {connection.settings_dict.get('NAME')}")
        if reuse:
            world = kept_world()
            self.out(f"Reusing {Dossier.objects.filter(agency__in=world['units'] + [world['province']]).count()} "
                     f"dossiers, {len(world['users'])} officers from an earlier --keep run")
            self.report(self.timings(world, runs))
            return
        cleanup()
        started = time.perf_counter()
        with transaction.atomic():
            world = self.seed(dossiers)
            # The steps and dossiers were inserted past the services: the daily figures are summed now.
            figures.officer_figures_rebuild()
            figures.report_figures_rebuild()
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:  # fresh planner statistics, as autovacuum would give
                cursor.execute("ANALYZE")
        self.out(f"Seeded {dossiers} dossiers, {world['steps']} steps, {world['ratings']} ratings, "
                 f"{len(world['users'])} officers in {time.perf_counter() - started:.1f} s")
        try:
            self.report(self.timings(world, runs))
        finally:
            if not keep:
                cleanup()

    def out(self, text: str) -> None:
        print(text, flush=True)

    # ----------------------------------------------------------------------- seeding

    def seed(self, total: int) -> dict:
        province = Agency.objects.create(code=f"{PREFIX}T00", name="Ủy ban nhân dân tỉnh Thử Tải",
                                         level=Level.PROVINCE, place_name="Thử Tải")
        units = Agency.objects.bulk_create(
            Agency(code=f"{PREFIX}X{n:02d}", parent=province, level=Level.COMMUNE, place_name="Thử Tải",
                   name=("Trung tâm Phục vụ hành chính công" if n == 1 else "Ủy ban nhân dân xã") + f" Thử Tải {n}")
            for n in range(1, UNITS + 1))
        agencies = [province, *units]
        departments = Department.objects.bulk_create(
            Department(agency=a, name=name) for a in agencies for name in ("Bộ phận Một cửa", "Phòng chuyên môn"))
        by_agency = {}
        for d in departments:
            by_agency.setdefault(d.agency_id, []).append(d)
        users, staff = [], {}
        for agency in agencies:
            counter, desk = by_agency[agency.pk]
            roles = [Role.RECEPTION] * 2 + [Role.SPECIALIST] * (10 if agency is province else 5) + [Role.HEAD,
                                                                                                  Role.LEADER]
            for n, role in enumerate(roles):
                users.append(User(username=f"bench.{agency.code[6:].lower()}.{n}", password="!", role=role,
                                  full_name=f"Cán bộ {agency.code[6:]} số {n}", agency=agency,
                                  department=counter if role == Role.RECEPTION else desk))
        users = User.objects.bulk_create(users)
        for user in users:
            staff.setdefault((user.agency_id, user.role), []).append(user)
        fields = Field.objects.bulk_create(Field(code=f"BENCHF{n}", name=f"Lĩnh vực thử tải {n}")
                                           for n in range(1, FIELDS + 1))
        procedures = Procedure.objects.bulk_create(
            Procedure(code=f"BENCHP{n:03d}", name=f"Thủ tục thử tải {n}", field=fields[n % FIELDS],
                      level=Level.COMMUNE, result="Giấy chứng nhận") for n in range(1, PROCEDURES + 1))
        through = Procedure.agencies.through
        through.objects.bulk_create(through(procedure=p, agency=a) for p in procedures for a in agencies)
        world = {"province": province, "units": units, "users": users, "steps": 0, "ratings": 0}
        self.seed_dossiers(total, agencies, procedures, staff, by_agency, world)
        return world

    def seed_dossiers(self, total, agencies, procedures, staff, by_agency, world) -> None:
        # The province centre takes a third of the dossiers, the communes share the rest.
        weights = [UNITS // 2] + [1] * UNITS
        batch: list[tuple[Dossier, list[DossierStep]]] = []
        for n in range(total):
            agency = self.rng.choices(agencies, weights)[0]
            batch.append(self.dossier(n, agency, self.rng.choice(procedures), staff, by_agency[agency.pk][1]))
            if len(batch) == BATCH or n == total - 1:
                self.flush(batch, world)
                batch = []

    def dossier(self, n, agency, procedure, staff, desk) -> tuple[Dossier, list[DossierStep]]:
        rng, now = self.rng, self.now
        day = now - dt.timedelta(days=rng.uniform(0, 365))
        received = timezone.localtime(day).replace(hour=rng.randint(7, 16), minute=rng.randint(0, 59))
        received = min(received, now - dt.timedelta(minutes=5))
        limit = rng.choice(LIMITS)
        span = limit * CALENDAR_PER_WORKING_DAY
        due = received + dt.timedelta(days=span)
        channel = rng.choices([Channel.COUNTER, Channel.ONLINE, Channel.POST], [60, 35, 5])[0]
        d = Dossier(code=f"{agency.code}-{n:07d}", pin_hash=pin_hash("BENCH0"), agency=agency, procedure=procedure,
                    channel=channel, procedure_name=procedure.name, time_limit=Decimal(limit),
                    time_unit=TimeUnit.WORKING_DAYS, applicant_name="Nguyễn Văn Thử", search_text="")
        if rng.random() < 0.01:  # refused at the counter: never received, no clock
            d.status, d.finished_at = Status.REFUSED, received
            return d, []
        if channel == Channel.ONLINE and now - received < dt.timedelta(days=2) and rng.random() < 0.3:
            d.status, d.submitted_at = Status.SUBMITTED, received  # waiting for the counter
            return d, []
        d.received_at, d.legal_due_at, d.due_at = received, due, due
        # Most finish within 30–130 % of the limit: about a fifth run late.
        finish = received + dt.timedelta(days=span * rng.uniform(0.3, 1.3))
        reception, specialist, leader = (rng.choice(staff[(agency.pk, role)])
                                         for role in (Role.RECEPTION, Role.SPECIALIST, Role.LEADER))
        hops = [(reception, 0.15), (specialist, 0.6), (leader, 0.25)]
        steps, start = [], received
        for index, (user, share) in enumerate(hops):
            step_due = start + dt.timedelta(days=span * share)
            took = (finish - received) * share * rng.uniform(0.5, 1.5)
            end = min(start + took, finish) if index < 2 else finish
            steps.append(DossierStep(dossier=d, step_index=index, step_name=f"Bước {index + 1}", to_user=user,
                                     to_department=desk if index else None, started_at=start, due_at=step_due,
                                     finished_at=end if end <= now else None))
            if end > now:
                break
            start = end
        for step in steps:
            if step.finished_at:
                step.timeliness = classify(step.finished_at, step.due_at)
                over = (step.finished_at - step.due_at).total_seconds()
                step.late_seconds = int(over * WORKING_SHARE) if over > 0 else 0
        if finish <= now:
            self.finished(d, finish)
        else:
            self.open(d, steps[-1], received)
        return d, steps

    def finished(self, d: Dossier, finish: dt.datetime) -> None:
        rng = self.rng
        d.finished_at = finish
        d.status = rng.choices([Status.RETURNED, Status.RESULT_READY, Status.REFUSED, Status.WITHDRAWN,
                                Status.STOPPED], [85, 5, 4, 3, 3])[0]
        d.supplement_requests = 1 if rng.random() < 0.1 else 0
        d.timeliness = classify(finish, d.legal_due_at)
        if d.status == Status.RETURNED:
            d.returned_at = min(finish + dt.timedelta(days=rng.uniform(0, 3)), self.now)

    def open(self, d: Dossier, step: DossierStep, received: dt.datetime) -> None:
        rng = self.rng
        d.status = rng.choices([Status.PROCESSING, Status.RECEIVED, Status.AWAITING_SUPPLEMENT,
                                Status.AWAITING_PAYMENT], [70, 10, 12, 8])[0]
        d.holder, d.department, d.step_due_at, d.step_index = step.to_user, step.to_department, step.due_at, \
            step.step_index
        d.step_started_at = step.started_at
        if d.status in (Status.AWAITING_SUPPLEMENT, Status.AWAITING_PAYMENT):
            d.paused_at = received + (self.now - received) * rng.uniform(0.2, 0.9)
            d.supplement_requests = 1 if d.status == Status.AWAITING_SUPPLEMENT else 0

    def flush(self, batch, world) -> None:
        insert(Dossier, [d for d, _ in batch])
        steps = [s for d, dossier_steps in batch for s in dossier_steps]
        for step in steps:
            step.dossier_id = step.dossier.pk
        insert(DossierStep, steps)
        world["steps"] += len(steps)
        # A paper per received dossier, a quarter of them scanned: the 766 digitisation indicator has data.
        insert(DossierDocument, [
            DossierDocument(dossier_id=d.pk, name="Tờ khai", digitisation=DossierDocument.Digitisation.SCANNED
                            if self.rng.random() < 0.25 else DossierDocument.Digitisation.NONE)
            for d, _ in batch if d.received_at])
        world["ratings"] += self.rate([d for d, _ in batch if d.status == Status.RETURNED])

    def rate(self, returned: list[Dossier]) -> int:
        """About a third of returned dossiers rated. Looked up by name: the ratings app sits below this
        one (DESIGN.md, Layers) and only this seeding, not the app's code, needs its table."""
        if not apps.is_installed("ratings"):
            return 0
        rating = apps.get_model("ratings", "Rating")
        rows = []
        for d in returned:
            if self.rng.random() < 0.35:
                level = self.rng.choices(["very_satisfied", "satisfied", "not_satisfied"], [60, 35, 5])[0]
                rows.append(rating(dossier=d, agency_id=d.agency_id, procedure_id=d.procedure_id, level=level,
                                   reason="Chờ lâu" if level == "not_satisfied" else "", channel="kiosk"))
        insert(rating, rows)
        # created_at is auto_now_add: move each rating to the day its dossier was returned.
        table, dossiers = rating._meta.db_table, Dossier._meta.db_table
        with connection.cursor() as cursor:
            cursor.execute(f"UPDATE {table} SET created_at = d.returned_at FROM {dossiers} d "
                           f"WHERE d.id = {table}.dossier_id AND d.id IN ({','.join(['%s'] * len(rows)) or 'NULL'})",
                           [r.dossier_id for r in rows])
        return len(rows)

    # ----------------------------------------------------------------------- timing

    def timings(self, world, runs: int) -> list[tuple[str, list[float]]]:
        province, commune = world["province"], world["units"][3]
        leader = next(u for u in world["users"] if u.agency_id == province.pk and u.role == Role.LEADER)
        commune_leader = next(u for u in world["users"] if u.agency_id == commune.pk and u.role == Role.LEADER)
        today = timezone.localdate()
        year = range_period(today - dt.timedelta(days=364), today)
        month = month_period(today.year, today.month)
        scope = scope_for

        cases = [
            ("Tổng quan, tháng này, toàn tỉnh", lambda: dashboard(scope=scope(leader), period=month)),
            ("Tổng quan, 12 tháng, toàn tỉnh", lambda: dashboard(scope=scope(leader), period=year)),
            ("Theo cán bộ, 12 tháng, một xã", lambda: officers(scope=scope(commune_leader), period=year)),
            ("Theo cán bộ, 12 tháng, toàn tỉnh", lambda: officers(scope=scope(leader), period=year)),
            ("Theo đơn vị, 12 tháng, toàn tỉnh", lambda: breakdown(scope=scope(leader), period=year)),
            ("Theo lĩnh vực, 12 tháng, toàn tỉnh", lambda: breakdown(scope=scope(leader), period=year, by="field")),
            ("Biểu 06 theo lĩnh vực, 12 tháng", lambda: report06(scope=scope(leader), period=year)),
            ("Biểu 06 theo đơn vị, 12 tháng", lambda: report06(scope=scope(leader), period=year, by="unit")),
            ("Biểu 06 PDF, 12 tháng", lambda: exports.report06_pdf(
                report06(scope=scope(leader), period=year), province)),
        ]
        results = []
        for name, case in cases:
            case()  # warm the cache and the connection once, as a running server would be
            seconds = []
            for _ in range(runs):
                started = time.perf_counter()
                case()
                seconds.append(time.perf_counter() - started)
            results.append((name, seconds))
        return results

    def report(self, results) -> None:
        width = max(len(name) for name, _ in results)
        self.out(f"\n{'Số liệu'.ljust(width)}  {'trung vị (ms)':>14}  {'lớn nhất (ms)':>14}  lần")
        for name, seconds in results:
            self.out(f"{name.ljust(width)}  {statistics.median(seconds) * 1000:14.0f}  {max(seconds) * 1000:14.0f}"
                     f"  {len(seconds)}")


def kept_world() -> dict:
    """The province, its units and officers that an earlier --keep run left."""
    province = Agency.objects.filter(code=f"{PREFIX}T00").first()
    if province is None:
        raise SystemExit("Không có dữ liệu đo tải để dùng lại: chạy trước với --keep.")
    units = list(Agency.objects.filter(parent=province, code__startswith=PREFIX).order_by("code"))
    users = list(User.objects.filter(username__startswith="bench.").order_by("pk"))
    return {"province": province, "units": units, "users": users}


def _copy_text(value) -> str:
    """One value in COPY's text format."""
    if value is None:
        return r"\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, list | dict):
        value = json.dumps(value, ensure_ascii=False)
    return str(value).replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def insert(model, objects: list) -> None:
    """Insert and give each object its id. On PostgreSQL through COPY: Django's bulk_create spends
    most of its time preparing each of a dossier's sixty values, COPY takes them as text."""
    if not objects:
        return
    if connection.vendor != "postgresql":
        model.objects.bulk_create(objects, batch_size=BATCH)
        return
    table, now = model._meta.db_table, timezone.now()
    fields = model._meta.concrete_fields
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                       [table, len(objects)])
        for obj, (pk,) in zip(objects, cursor.fetchall(), strict=True):
            obj.pk = pk
        buffer = io.StringIO()
        for obj in objects:
            values = []
            for f in fields:
                value = getattr(obj, f.attname)
                if value is None and (getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)):
                    value = now
                values.append(_copy_text(value))
            buffer.write("\t".join(values) + "\n")
        buffer.seek(0)
        columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
        cursor.copy_expert(f"COPY {connection.ops.quote_name(table)} ({columns}) FROM STDIN", buffer)


def classify(finished: dt.datetime, due: dt.datetime) -> str:
    """As dossiers.clock.classify: late after the due time, early on a day before the due day."""
    if finished > due:
        return Timeliness.LATE
    if timezone.localtime(finished).date() < timezone.localtime(due).date():
        return Timeliness.EARLY
    return Timeliness.ON_TIME


def cleanup() -> None:
    """Delete every row an earlier run wrote, children first, in plain SQL (the ORM's delete would
    load hundreds of thousands of rows to cascade them)."""
    bench_agencies = list(Agency.objects.filter(code__startswith=PREFIX).values_list("pk", flat=True))
    dossier_ids = f"SELECT id FROM {Dossier._meta.db_table} WHERE agency_id IN %s"
    statements = []
    if bench_agencies:
        if apps.is_installed("ratings"):
            rating = apps.get_model("ratings", "Rating")
            officers = rating.officers.through._meta.db_table
            statements += [f"DELETE FROM {officers} WHERE rating_id IN (SELECT id FROM {rating._meta.db_table} "
                           f"WHERE dossier_id IN ({dossier_ids}))",
                           f"DELETE FROM {rating._meta.db_table} WHERE dossier_id IN ({dossier_ids})"]
        for model in (DossierStep, DossierDocument):
            statements.append(f"DELETE FROM {model._meta.db_table} WHERE dossier_id IN ({dossier_ids})")
        statements += [f"DELETE FROM {model._meta.db_table} WHERE agency_id IN %s"
                       for model in (OfficerDayFigures, DossierDayFigures)]
        statements.append(f"DELETE FROM {Dossier._meta.db_table} WHERE agency_id IN %s")
    with transaction.atomic(), connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql, [tuple(bench_agencies)])
        Procedure.agencies.through.objects.filter(procedure__code__startswith="BENCHP").delete()
        Procedure.objects.filter(code__startswith="BENCHP").delete()
        Field.objects.filter(code__startswith="BENCHF").delete()
        User.objects.filter(username__startswith="bench.").delete()
        Department.objects.filter(agency_id__in=bench_agencies).delete()
        Agency.objects.filter(Q(code__startswith=PREFIX), ~Q(parent=None)).delete()
        Agency.objects.filter(code__startswith=PREFIX).delete()
