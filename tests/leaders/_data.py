"""A small world for the leaders' page, API and export tests, built through the real services under a
frozen clock (March 2026): agency A with a sub-agency A1, and an unrelated agency B.

Late steps (handed on after the step's own budget) are given on purpose:
- A: specialist "Phạm Thị Hoa" 2 late steps, "Lê Văn Bình" 1 late step and 1 dossier overdue on the
  desk now, "Trần Quốc Cường" 1 step on time; one dossier carried over from February;
- A1: its specialist 1 late step;
- B: its specialist 3 late steps (a leader of A must never see them).
"""

import datetime as dt
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

import pytest
from django.db import transaction
from django.utils import timezone

from dossiers import services
from mocua.accounts.models import Level, Role
from procedures.models import Channel

from ..dossiers.conftest import make_intake
from ..factories import AgencyFactory, DepartmentFactory, UserFactory, full_variant

VN = ZoneInfo("Asia/Ho_Chi_Minh")
# "Now" for every test using the world: the dossiers left open are past their due times.
NOW = dt.datetime(2026, 3, 20, 9, 0, tzinfo=VN)


def vn(year, month, day, hour=0, minute=0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=VN)


class Clock:
    """Stands in for django.utils.timezone.now; the builder moves it by hand."""

    def __init__(self, moment: dt.datetime):
        self.moment = moment

    def __call__(self) -> dt.datetime:
        return self.moment


def freeze(monkeypatch, moment: dt.datetime = NOW) -> Clock:
    clock = Clock(moment)
    monkeypatch.setattr(timezone, "now", clock)
    return clock


@dataclass
class Unit:
    agency: object
    receptionist: object
    leader: object
    specialists: list = field(default_factory=list)


@dataclass
class World:
    a: Unit
    a1: Unit
    b: Unit
    variant: object
    field_name: str
    clock: Clock
    codes: dict = field(default_factory=dict)  # name → dossier code

    @property
    def hoa(self):
        return self.a.specialists[0]

    @property
    def binh(self):
        return self.a.specialists[1]

    @property
    def cuong(self):
        return self.a.specialists[2]


def _unit(agency, prefix: str, names: list[str]) -> Unit:
    department = DepartmentFactory(agency=agency, name="Bộ phận Một cửa")
    specialists_department = DepartmentFactory(agency=agency, name="Phòng Tư pháp")
    unit = Unit(agency,
                UserFactory(agency=agency, department=department, role=Role.RECEPTION, username=f"{prefix}.tiepnhan",
                            full_name=f"Cán bộ một cửa {prefix.upper()}"),
                UserFactory(agency=agency, department=department, role=Role.LEADER, username=f"{prefix}.lanhdao",
                            full_name=f"Lãnh đạo {prefix.upper()}"))
    unit.specialists = [UserFactory(agency=agency, department=specialists_department, role=Role.SPECIALIST,
                                    username=f"{prefix}.cv{n}", full_name=name) for n, name in enumerate(names)]
    return unit


def _handled(clock: Clock, unit: Unit, variant, specialist, *, start: dt.datetime, held_hours: float,
             channel=Channel.COUNTER):
    """Received at `start`, with the specialist after 10 minutes for `held_hours` (clock hours), then
    approved by the leader 10 minutes later."""
    clock.moment = start
    dossier = services.dossier_receive(actor=unit.receptionist, intake=make_intake(variant, channel=channel))
    clock.moment = start + dt.timedelta(minutes=10)
    dossier = services.dossier_hand_over(dossier=dossier, actor=unit.receptionist, to_user=specialist)
    clock.moment += dt.timedelta(hours=held_hours)
    dossier = services.dossier_hand_over(dossier=dossier, actor=specialist, to_user=unit.leader)
    clock.moment += dt.timedelta(minutes=10)
    return services.dossier_approve(dossier=dossier, actor=unit.leader, result_summary="Giấy khai sinh")


def build_world(monkeypatch) -> World:
    """About 12 dossiers; leaves the clock at NOW."""
    clock = freeze(monkeypatch, vn(2026, 2, 23, 8, 0))
    a = AgencyFactory(code="000.17.22.H56", name="Ủy ban nhân dân phường Hạc Thành", level=Level.COMMUNE)
    a1 = AgencyFactory(code="000.17.23.H56", name="Trung tâm Phục vụ hành chính công Hạc Thành", parent=a,
                       level=Level.COMMUNE)
    b = AgencyFactory(code="000.18.22.H56", name="Ủy ban nhân dân phường Quảng Phú", level=Level.COMMUNE)
    variant = full_variant(code="1.001193", name="Đăng ký khai sinh")
    variant.procedure.agencies.add(a, a1, b)
    world = World(_unit(a, "a", ["Phạm Thị Hoa", "Lê Văn Bình", "Trần Quốc Cường"]),
                  _unit(a1, "a1", ["Đỗ Minh Châu"]), _unit(b, "b", ["Vũ Thị Quảng"]), variant,
                  variant.procedure.field.name, clock)
    hoa, binh, cuong = world.a.specialists

    # Carried over: received in February and still on Bình's desk, long past its due time.
    clock.moment = vn(2026, 2, 23, 8, 0)
    carried = services.dossier_receive(actor=world.a.receptionist, intake=make_intake(variant))
    clock.moment = vn(2026, 2, 23, 8, 10)
    carried = services.dossier_hand_over(dossier=carried, actor=world.a.receptionist, to_user=binh)
    world.codes["carried"] = carried.code

    # Step budgets are 0.75 working day (≈ 5.6 office hours): 1 hour is on time, 30 hours is late.
    world.codes["hoa_late_1"] = _handled(clock, world.a, variant, hoa, start=vn(2026, 3, 2, 8, 0),
                                         held_hours=30).code
    world.codes["hoa_late_2"] = _handled(clock, world.a, variant, hoa, start=vn(2026, 3, 4, 8, 0),
                                         held_hours=50, channel=Channel.POST).code
    world.codes["binh_late"] = _handled(clock, world.a, variant, binh, start=vn(2026, 3, 9, 8, 0),
                                        held_hours=30).code
    world.codes["cuong_on_time"] = _handled(clock, world.a, variant, cuong, start=vn(2026, 3, 10, 8, 0),
                                            held_hours=1).code
    world.codes["a1_late"] = _handled(clock, world.a1, variant, world.a1.specialists[0],
                                      start=vn(2026, 3, 3, 8, 0), held_hours=30).code
    for day in (2, 3, 4):
        world.codes[f"b_late_{day}"] = _handled(clock, world.b, variant, world.b.specialists[0],
                                                start=vn(2026, 3, day, 8, 0), held_hours=30).code
    clock.moment = NOW
    return world


MARCH = "period=month&year=2026&month=3"


def grow(world: World, size: int = 3) -> None:
    """More of everything in A's scope: a new sub-agency with its staff, a second field and procedure,
    `size` more dossiers per specialist (late and on time), one more overdue on a desk."""
    clock = world.clock
    a2 = AgencyFactory(code=f"000.17.{30 + size}.H56", name=f"Ủy ban nhân dân xã Mở Rộng {size}",
                       parent=world.a.agency, level=Level.COMMUNE)
    unit = _unit(a2, f"a2x{size}", [f"Chuyên viên mở rộng {n}" for n in range(size)])
    second = full_variant(code=f"1.00{size}999", name="Chứng thực bản sao từ bản chính")
    second.procedure.agencies.add(world.a.agency, a2)
    world.variant.procedure.agencies.add(a2)
    for n, specialist in enumerate(unit.specialists):
        for k in range(size):
            _handled(clock, unit, second if k % 2 else world.variant, specialist,
                     start=vn(2026, 3, 2 + k, 8, n), held_hours=1 if k % 3 == 0 else 30)
    for k in range(size):
        _handled(clock, world.a, second, world.cuong, start=vn(2026, 3, 11 + k, 8, 0), held_hours=30)
    clock.moment = vn(2026, 3, 12, 8, 0)
    open_one = services.dossier_receive(actor=unit.receptionist, intake=make_intake(second))
    services.dossier_hand_over(dossier=open_one, actor=unit.receptionist, to_user=unit.specialists[0])
    clock.moment = NOW


def shared_world(django_db_blocker):
    """The world once per test module (building it takes seconds): built in an outer transaction that
    every test's own transaction nests in, rolled back when the module is done; the clock stays at NOW."""
    with django_db_blocker.unblock(), pytest.MonkeyPatch.context() as patch, transaction.atomic():
        world = build_world(patch)
        yield world
        transaction.set_rollback(True)
