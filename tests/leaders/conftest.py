"""The leaders' statistics fixture: a province with two communes and an outsider, replayed through the
real services on a moving clock (as mocua/demo/history.py does), so every due time, step row and
timeliness is what the services write. The expected figures in tests/leaders/test_stats_*.py are
derived by hand from the story told here, dossier by dossier (see STORY).

Calendar: Tết 2026 is Mon 16 – Fri 20 Feb; every weekday from Mon 23 Feb to Mon 6 Apr is a working
day. Office hours 07:30–11:30 and 13:30–17:00 (7.5 h a day). Every procedure has a limit of 4
working days (due at 17:00 of the 4th working day after receipt) and four steps whose budgets are
0.4 / 2 / 1 / 0.6 days = 3 h / 15 h / 7.5 h / 4.5 h of office time.
"""

import datetime as dt
import random
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import override_settings

from dossiers import apology, services
from dossiers.models import Dossier
from mocua.accounts.models import Agency, Level, Role, User
from mocua.workcalendar import is_working_day
from procedures.models import Channel, OnlineLevel, Procedure, TimeUnit
from ratings.services import rating_submit

from ..factories import (
    AgencyFactory,
    DepartmentFactory,
    DocumentFactory,
    FieldFactory,
    ProcedureFactory,
    StepFactory,
    UserFactory,
    VariantFactory,
)
from ._data import shared_world

VN = ZoneInfo("Asia/Ho_Chi_Minh")
# When the figures are read: Mon 6 Apr 2026 10:00, a week after the end of March.
NOW = dt.datetime(2026, 4, 6, 10, 0, tzinfo=VN)


def vn(month, day, hour=0, minute=0, year=2026) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=VN)


@contextmanager
def at(moment: dt.datetime):
    """Run the services as if it were `moment` (auto_now fields and the services read timezone.now)."""
    with mock.patch("django.utils.timezone.now", return_value=moment):
        yield


@pytest.fixture
def now(monkeypatch):
    """Read the figures at NOW: 'overdue now' and the unfinished current period depend on it."""
    monkeypatch.setattr("django.utils.timezone.now", lambda: NOW)
    return NOW


def make_variant(procedure: Procedure):
    variant = VariantFactory(procedure=procedure, time_limit=Decimal("4"), time_unit=TimeUnit.WORKING_DAYS)
    DocumentFactory(variant=variant, name="Tờ khai theo mẫu", order=1, mandatory=True)
    DocumentFactory(variant=variant, name="Giấy tờ tùy thân", order=2, mandatory=False)
    for order, (name, role, budget) in enumerate([("Tiếp nhận hồ sơ", Role.RECEPTION, "0.4"),
                                                  ("Thẩm định, xử lý", Role.SPECIALIST, "2"),
                                                  ("Ký duyệt kết quả", Role.LEADER, "1"),
                                                  ("Trả kết quả", Role.RECEPTION, "0.6")], start=1):
        StepFactory(variant=variant, order=order, name=name, role=role, budget=Decimal(budget))
    return variant


APPLICANT = dict(name="Trần Thị Bình", id_number="038190001234", phone="0912345678", email="binh@example.com",
                 address="12 Lê Lợi")


@dataclass
class World:
    agencies: dict[str, Agency] = field(default_factory=dict)  # P (province), A1, A2 (its communes), X (elsewhere)
    users: dict[str, User] = field(default_factory=dict)
    fields: dict = field(default_factory=dict)  # F1 Hộ tịch, F2 Chứng thực
    procedures: dict[str, Procedure] = field(default_factory=dict)  # P1, P2 (F1), P3 (F2)
    variants: dict = field(default_factory=dict)
    dossiers: dict[str, Dossier] = field(default_factory=dict)

    def __getitem__(self, name: str):
        for table in (self.dossiers, self.users, self.agencies, self.procedures, self.fields):
            if name in table:
                return table[name]
        raise KeyError(name)

    # ------------------------------------------------------------------ moves, each at its moment

    def receive(self, name, clerk, procedure, when, channel=Channel.COUNTER, scanned=(), **extra):
        """A counter or postal intake; `scanned` lists the papers (1, 2) handed in already digitised."""
        variant = self.variants[procedure]
        papers = [services.Paper(name=d.name, form=d.form, mandatory=d.mandatory,
                                 digitisation="scanned" if n in scanned else "none")
                  for n, d in enumerate(variant.documents.all(), start=1)]
        intake = services.Intake(variant=variant, applicant=services.Applicant(**APPLICANT), papers=papers,
                                 channel=channel, **extra)
        with at(when):
            self.dossiers[name] = services.dossier_receive(actor=self[clerk], intake=intake)
        return self.dossiers[name]

    def online(self, name, agency, procedure, submitted, clerk, accepted):
        """Submitted online (the mandatory paper uploaded, the optional one not), accepted later."""
        variant = self.variants[procedure]
        form = variant.documents.get(mandatory=True)
        with at(submitted):
            dossier = services.dossier_submit_online(
                variant=variant, agency=self[agency], applicant=services.Applicant(**APPLICANT),
                uploads={form.pk: SimpleUploadedFile("to-khai.pdf", b"%PDF-1.7\n%%EOF\n")})
        self.dossiers[name] = dossier
        if accepted:
            self.move(name, accepted, services.dossier_accept_online, clerk)
        return dossier

    def move(self, name, when, service, actor, **kwargs):
        with at(when):
            self.dossiers[name] = service(dossier=self.dossiers[name], actor=self[actor], **kwargs)
        return self.dossiers[name]

    def hand(self, name, when, actor, to, next_step=True):
        return self.move(name, when, services.dossier_hand_over, actor, to_user=self[to], next_step=next_step)

    def approve(self, name, when, actor):
        return self.move(name, when, services.dossier_approve, actor, result_summary="Đã ký kết quả")

    def give_back(self, name, when, actor, **kwargs):
        kwargs = kwargs or {"collected_by": "Trần Thị Bình", "collected_id_number": "038190001234"}
        return self.move(name, when, services.dossier_return, actor, **kwargs)

    def rate(self, name, when, level, reason=""):
        with at(when):
            return rating_submit(dossier=self.dossiers[name], level=level, channel="kiosk", reason=reason)

    def fresh(self, name) -> Dossier:
        return Dossier.objects.get(pk=self.dossiers[name].pk)


def _catalogue(w: World) -> None:
    w.agencies["P"] = AgencyFactory(code="000.00.00.H99", name="Ủy ban nhân dân tỉnh Thử Nghiệm", level=Level.PROVINCE)
    w.agencies["A1"] = AgencyFactory(code="000.01.22.H99", name="Ủy ban nhân dân phường Hạc Thành",
                                     parent=w.agencies["P"])
    w.agencies["A2"] = AgencyFactory(code="000.02.22.H99", name="Ủy ban nhân dân phường Quảng Phú",
                                     parent=w.agencies["P"])
    w.agencies["X"] = AgencyFactory(code="000.00.00.X99", name="Ủy ban nhân dân tỉnh Bên Cạnh", level=Level.PROVINCE)
    w.fields["F1"] = FieldFactory(code="HT", name="Hộ tịch")
    w.fields["F2"] = FieldFactory(code="CT", name="Chứng thực")
    for name, fld, code in (("P1", "F1", "1.001193"), ("P2", "F1", "1.001022"), ("P3", "F2", "2.000815")):
        procedure = ProcedureFactory(code=code, name=f"Thủ tục {name}", field=w.fields[fld],
                                     online_level=OnlineLevel.FULL, agencies=list(w.agencies.values()))
        w.procedures[name] = procedure
        w.variants[name] = make_variant(procedure)


STAFF = [  # (key, agency, department, role, full name)
    ("R1", "A1", "Bộ phận Một cửa", Role.RECEPTION, "Lê Thị Thu"),
    ("H1", "A1", "Phòng Tư pháp", Role.HEAD, "Trần Văn Hùng"),
    ("S1", "A1", "Phòng Tư pháp", Role.SPECIALIST, "Phạm Minh Anh"),
    ("S2", "A1", "Phòng Tư pháp", Role.SPECIALIST, "Đỗ Văn Bình"),
    ("L1", "A1", "Lãnh đạo UBND", Role.LEADER, "Hoàng Văn Lâm"),
    ("R2", "A2", "Bộ phận Một cửa", Role.RECEPTION, "Vũ Thị Hà"),
    ("S3", "A2", "Văn phòng", Role.SPECIALIST, "Ngô Văn Cường"),
    ("L2", "A2", "Văn phòng", Role.LEADER, "Bùi Văn Dũng"),
    ("RP", "P", "Trung tâm Phục vụ hành chính công", Role.RECEPTION, "Đặng Thị Mai"),
    ("LP", "P", "Lãnh đạo tỉnh", Role.LEADER, "Phan Văn Tỉnh"),
    ("RX", "X", "Bộ phận Một cửa", Role.RECEPTION, "Lý Thị Xuân"),
    ("SX", "X", "Văn phòng", Role.SPECIALIST, "Mai Văn Xa"),
    ("LX", "X", "Văn phòng", Role.LEADER, "Tạ Văn Xuyên"),
]


def _staff(w: World) -> None:
    departments = {}
    for key, agency, department, role, full_name in STAFF:
        if (agency, department) not in departments:
            departments[agency, department] = DepartmentFactory(agency=w.agencies[agency], name=department)
        w.users[key] = UserFactory(username=key.lower(), full_name=full_name, agency=w.agencies[agency],
                                   department=departments[agency, department], role=role)


# The story, one dossier at a time. Due times worked out by hand are noted as "due …".
# Legal due = 17:00 of the 4th working day after receipt. Step due = start + budget of office time.
STORY = """
D1  A1 P1 counter  Mon 02/03 08:00 → due Fri 06/03 17:00. Early, returned, rated very satisfied.
D2  A1 P1 online   accepted Mon 02/03 10:00 → due Fri 06/03 17:00. On time; L1's step late 11.5 h.
D3  A1 P2 counter  Mon 02/03 14:00 → due Fri 06/03 17:00. Late (approved Mon 09/03); S2's step late
                   18.5 h; rated not satisfied.
D4  A1 P1 post     Wed 25/02 09:00 → due Tue 03/03 17:00. Carried over; approved Tue 03/03 16:00, on time;
                   L1's step late 16 h; the result posted late (not an officer's lateness).
D5  A1 P3 counter  Thu 26/02 08:00 → due Wed 04/03 17:00. Carried over; still with S2: overdue.
D6  A1 P1 counter  Mon 02/03 08:00; supplement Tue 03/03 08:00 → Mon 09/03 08:00 (30 h paused), due moves
                   to Thu 12/03 17:00; approved Wed 11/03 14:00: early; L1's step late 4 h; result not
                   collected yet.
D7  A1 P2 counter  Mon 02/03 09:00 → due Fri 06/03 17:00; apology (Mẫu 04) to Fri 13/03 on Thu 05/03;
                   approved Tue 10/03 15:00: late all the same; S2's step late 30.5 h.
D8  A2 P1 counter  Tue 03/03 08:00 → due Mon 09/03 17:00; withdrawn Tue 10/03 10:00 (after the due
                   time); S3's step late 23.5 h.
D9  A2 P3 counter  Tue 03/03 10:00 → due Mon 09/03 17:00; stopped (Mẫu 05) Wed 04/03 14:00.
D10 A2 P2 online   accepted Tue 03/03 08:00 → due Mon 09/03 17:00; refused after appraisal Thu 05/03
                   16:00: early; rated not satisfied.
D11 A2 P1 post     Mon 30/03 09:00 → due Fri 03/04 17:00; with S3 at the end of March, overdue by NOW.
D12 A1 P3 counter  Mon 23/03 08:00 → due Fri 27/03 17:00; supplement asked Tue 24/03 10:00 (within the
                   limit), still awaited.
D13 A1 P1 counter  Mon 16/03 08:00 → due Fri 20/03 17:00; supplement asked Tue 24/03 09:00 (already
                   overdue), still awaited.
D14 A2 P2 counter  Mon 23/02 08:00; approved Tue 24/02 (early, in February); collected Mon 02/03 08:00;
                   rated satisfied Mon 02/03.
D15 A1 P2 counter  Thu 26/03 08:00 → due Wed 01/04 17:00; approved Thu 02/04 10:00: late, in April.
D16 A2 P3 counter  refused at the counter (Mẫu 03) Wed 04/03: never received.
D17 X  P1 counter  Mon 02/03 08:00, with SX since 08:30: another province, never in P's figures.
D18 P  P1 counter  Wed 18/03 08:00 → due Tue 24/03 17:00; still at RP's counter step: overdue.
D19 A1 P1 online   submitted Tue 31/03, never accepted: not received, not counted.
"""


def _story(w: World) -> None:  # noqa: PLR0915 - one line per move reads best as one list
    post = {"return_method": "post", "return_address": "12 Lê Lợi"}
    # D1: steps R1 08:00–08:30 (due 11:00), H1 08:30–09:00 and S1 09:00–Tue 10:00 (due Wed 04 08:30),
    # L1 Tue 10:00–15:00 (due Wed 04 10:00), return step R1 Tue 15:00–Wed 09:00 (due Fri 06 17:00).
    w.receive("D1", "R1", "P1", vn(3, 2, 8), scanned=(1, 2))
    w.hand("D1", vn(3, 2, 8, 30), "R1", "H1")
    w.hand("D1", vn(3, 2, 9), "H1", "S1", next_step=False)
    w.hand("D1", vn(3, 3, 10), "S1", "L1")
    w.approve("D1", vn(3, 3, 15), "L1")
    w.give_back("D1", vn(3, 4, 9), "R1")
    w.rate("D1", vn(3, 4, 9, 5), "very_satisfied")
    # D2: R1 10:00–10:30 (due 15:00), S1 10:30–Wed 10:00 (due Wed 04 10:30: on time),
    # L1 Wed 10:00–Fri 16:00 (due Thu 05 10:00: late 5 + 4 + 2.5 = 11.5 h), return step to R1,
    # who accepted the online submission.
    w.online("D2", "A1", "P1", vn(3, 2, 9), "R1", vn(3, 2, 10))
    w.hand("D2", vn(3, 2, 10, 30), "R1", "S1")
    w.hand("D2", vn(3, 4, 10), "S1", "L1")
    w.approve("D2", vn(3, 6, 16), "L1")
    w.give_back("D2", vn(3, 6, 16, 30), "R1")
    # D3: R1 14:00–14:30 (due 17:00), S2 14:30–Mon 09 08:30 (due Wed 04 14:30), L1 Mon 09 08:30–10:00
    # (due Tue 10 08:30), return step R1 10:00–11:00 (due Mon 09 16:30).
    w.receive("D3", "R1", "P2", vn(3, 2, 14))
    w.hand("D3", vn(3, 2, 14, 30), "R1", "S2")
    w.hand("D3", vn(3, 9, 8, 30), "S2", "L1")
    w.approve("D3", vn(3, 9, 10), "L1")
    w.give_back("D3", vn(3, 9, 11), "R1")
    w.rate("D3", vn(3, 9, 11, 5), "not_satisfied", reason="Trả kết quả chậm")
    # D4: February steps, then L1 Thu 26/02 15:00–Tue 03/03 16:00 (due Fri 27/02 15:00), return step R1
    # Tue 16:00–Thu 05 09:00 (due Wed 04 11:00).
    w.receive("D4", "R1", "P1", vn(2, 25, 9), channel=Channel.POST, **post)
    w.hand("D4", vn(2, 25, 10), "R1", "S1")
    w.hand("D4", vn(2, 26, 15), "S1", "L1")
    w.approve("D4", vn(3, 3, 16), "L1")
    w.give_back("D4", vn(3, 5, 9), "R1", postal_tracking="EA123456789VN")
    # D5: S2 from Thu 26/02 09:00 (step due Mon 02/03 09:00), never handed on.
    w.receive("D5", "R1", "P3", vn(2, 26, 8))
    w.hand("D5", vn(2, 26, 9), "R1", "S2")
    # D6: S1 08:15–Tue 10 08:00 (due Wed 04 08:15, moved by the pause to Tue 10 08:15), L1 Tue 10 08:00–
    # Wed 11 14:00 (due Wed 11 08:00), return step R1 open since Wed 11 14:00.
    w.receive("D6", "R1", "P1", vn(3, 2, 8), scanned=(1, 2))
    w.hand("D6", vn(3, 2, 8, 15), "R1", "S1")
    w.move("D6", vn(3, 3, 8), services.dossier_request_supplement, "S1", missing_papers=["Giấy chứng sinh"],
           reason="Thiếu giấy chứng sinh")
    w.move("D6", vn(3, 9, 8), services.dossier_receive_supplement, "R1")
    w.hand("D6", vn(3, 10, 8), "S1", "L1")
    w.approve("D6", vn(3, 11, 14), "L1")
    # D7: R1 09:00–09:30 (due 14:00), S2 09:30–Tue 10 10:00 (due Wed 04 09:30), L1 Tue 10 10:00–15:00
    # (due Wed 11 10:00), return step R1 Tue 15:00–Wed 11 08:00 (due Fri 13 17:00).
    w.receive("D7", "R1", "P2", vn(3, 2, 9), scanned=(1,))  # the optional paper not scanned: not digitised
    w.hand("D7", vn(3, 2, 9, 30), "R1", "S2")
    w.move("D7", vn(3, 5, 10), apology.dossier_reschedule, "L1", new_due_at=vn(3, 13, 17),
           reason="Cần xác minh thêm")
    w.hand("D7", vn(3, 10, 10), "S2", "L1")
    w.approve("D7", vn(3, 10, 15), "L1")
    w.give_back("D7", vn(3, 11, 8), "R1")
    # D8: R2 08:00–09:00 (due 11:00), S3 09:00–Tue 10 10:00 (due Thu 05 09:00).
    w.receive("D8", "R2", "P1", vn(3, 3, 8))
    w.hand("D8", vn(3, 3, 9), "R2", "S3")
    w.move("D8", vn(3, 10, 10), services.dossier_withdraw, "R2", reason="Công dân có đơn xin rút hồ sơ")
    # D9: R2 10:00–10:30 (due 15:00), S3 10:30–Wed 04 14:00 (due Thu 05 10:30).
    w.receive("D9", "R2", "P3", vn(3, 3, 10))
    w.hand("D9", vn(3, 3, 10, 30), "R2", "S3")
    w.move("D9", vn(3, 4, 14), services.dossier_stop, "L2", reason="Cơ quan có thẩm quyền đề nghị dừng")
    # D10: R2 08:00–08:30 (due 11:00), S3 08:30–Thu 05 08:00 (due Thu 05 08:30), L2 Thu 08:00–16:00
    # (due Fri 06 08:00).
    w.online("D10", "A2", "P2", vn(3, 3, 7), "R2", vn(3, 3, 8))
    w.hand("D10", vn(3, 3, 8, 30), "R2", "S3")
    w.hand("D10", vn(3, 5, 8), "S3", "L2")
    w.move("D10", vn(3, 5, 16), services.dossier_refuse, "L2", reason="Không đủ điều kiện")
    w.rate("D10", vn(3, 6, 9), "not_satisfied", reason="Không đồng ý lý do từ chối")
    # D11: R2 09:00–09:30 (due 14:00), S3 from 09:30 (step due Wed 01/04 09:30).
    w.receive("D11", "R2", "P1", vn(3, 30, 9), channel=Channel.POST)
    w.hand("D11", vn(3, 30, 9, 30), "R2", "S3")
    # D12: R1 08:00–08:30, S2 from 08:30 (due Wed 25 08:30), paused Tue 24 10:00.
    w.receive("D12", "R1", "P3", vn(3, 23, 8))
    w.hand("D12", vn(3, 23, 8, 30), "R1", "S2")
    w.move("D12", vn(3, 24, 10), services.dossier_request_supplement, "S2", missing_papers=["Bản chính"],
           reason="Cần bản chính để đối chiếu")
    # D13: R1 08:00–08:30, S1 from 08:30 (due Wed 18 08:30), paused Tue 24 09:00.
    w.receive("D13", "R1", "P1", vn(3, 16, 8))
    w.hand("D13", vn(3, 16, 8, 30), "R1", "S1")
    w.move("D13", vn(3, 24, 9), services.dossier_request_supplement, "S1", missing_papers=["Tờ khai"],
           reason="Tờ khai thiếu chữ ký")
    # D14: all in February but the collection, Mon 02/03 08:00 (return step due Fri 27/02 17:00).
    w.receive("D14", "R2", "P2", vn(2, 23, 8))
    w.hand("D14", vn(2, 23, 9), "R2", "S3")
    w.hand("D14", vn(2, 24, 9), "S3", "L2")
    w.approve("D14", vn(2, 24, 14), "L2")
    w.give_back("D14", vn(3, 2, 8), "R2")
    w.rate("D14", vn(3, 2, 8, 5), "satisfied")
    # D15: R1 08:00–08:30, S1 08:30–Thu 02/04 09:00, L1 09:00–10:00, return step R1 open.
    w.receive("D15", "R1", "P2", vn(3, 26, 8))
    w.hand("D15", vn(3, 26, 8, 30), "R1", "S1")
    w.hand("D15", vn(4, 2, 9), "S1", "L1")
    w.approve("D15", vn(4, 2, 10), "L1")
    # D16: refused at the counter.
    intake = services.Intake(variant=w.variants["P3"], applicant=services.Applicant(**APPLICANT), papers=[])
    with at(vn(3, 4, 9)):
        w.dossiers["D16"] = services.dossier_refuse_intake(actor=w["R2"], intake=intake,
                                                           reason="Không thuộc thẩm quyền")
    # D17: another province.
    w.receive("D17", "RX", "P1", vn(3, 2, 8))
    w.hand("D17", vn(3, 2, 8, 30), "RX", "SX")
    # D18: the province's own counter, step 0 due Wed 18 11:00, never handed on.
    w.receive("D18", "RP", "P1", vn(3, 18, 8))
    # D19: online, never accepted.
    w.online("D19", "A1", "P1", vn(3, 31, 10), None, None)


def build_world() -> World:
    world = World()
    _catalogue(world)
    _staff(world)
    _story(world)
    return world


@contextmanager
def module_db(django_db_blocker, tmp_path_factory):
    """Database rows shared by one test module: built once inside a transaction that is rolled back
    when the module ends. Each test still runs in its own savepoint (the `db` fixture), so a test
    that adds rows (grow_world) leaves the shared ones as they were."""
    quick = {"PASSWORD_HASHERS": ["django.contrib.auth.hashers.MD5PasswordHasher"],
             "MEDIA_ROOT": tmp_path_factory.mktemp("media"),
             "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend"}
    with django_db_blocker.unblock(), override_settings(**quick):
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory) -> World:
    with module_db(django_db_blocker, tmp_path_factory):
        yield build_world()


@pytest.fixture
def w(world, db) -> World:
    """The shared world, for a test that also holds the `db` savepoint."""
    return world


@pytest.fixture(scope="module")
def _site(django_db_setup, django_db_blocker):
    yield from shared_world(django_db_blocker)


@pytest.fixture
def site(_site, db):
    """The pages' world (tests/leaders/_data.py: two communes of a province, their officers and a
    month of dossiers), built once per module, each test in its own savepoint."""
    return _site


# --------------------------------------------------------------------------- a larger, random history

FATES = ("returned", "result_ready", "processing", "received", "supplement", "supplement_back", "refused",
         "withdrawn", "stopped", "rescheduled", "payment", "supplement_closed")


def grow_world(w: World, *, seed: int, units: int, per_unit: int, officers: int = 2) -> None:
    """Add `units` communes under P, each with a counter clerk, `officers` specialists, a leader and
    `per_unit` dossiers with random fates and timings between February and early April."""
    rng = random.Random(seed)
    base = len([a for a in w.agencies if a.startswith("G")])
    for u in range(base, base + units):
        key = f"G{u}"
        agency = w.agencies[key] = AgencyFactory(code=f"000.{u:02d}.33.H99", name=f"Ủy ban nhân dân xã Mới {u}",
                                                 parent=w.agencies["P"])
        for procedure in w.procedures.values():
            procedure.agencies.add(agency)
        staff = [(f"{key}R", Role.RECEPTION), (f"{key}L", Role.LEADER),
                 *[(f"{key}S{n}", Role.SPECIALIST) for n in range(officers)]]
        for user_key, role in staff:
            w.users[user_key] = UserFactory(username=user_key.lower(), full_name=f"Cán bộ {user_key}", agency=agency,
                                            role=role)
        for n in range(per_unit):
            _random_dossier(w, rng, key, f"{key}D{n}")


def _random_dossier(w: World, rng: random.Random, unit: str, name: str) -> None:
    clerk, leader = f"{unit}R", f"{unit}L"
    specialist = rng.choice([k for k in w.users if k.startswith(f"{unit}S")])
    day = dt.date(2026, 2, 23) + dt.timedelta(days=rng.randint(0, 38))
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    moment = dt.datetime.combine(day, dt.time(rng.randint(7, 16), rng.choice((0, 30))), VN)
    procedure = rng.choice(list(w.procedures))
    channel = rng.choice([Channel.COUNTER, Channel.POST, Channel.ONLINE])
    if channel == Channel.ONLINE:
        w.online(name, unit, procedure, moment - dt.timedelta(hours=1), clerk, moment)
    else:
        w.receive(name, clerk, procedure, moment, channel=channel, scanned=rng.choice([(), (1,), (1, 2)]))
    fate = rng.choice(FATES)
    times = iter(sorted(moment + dt.timedelta(hours=rng.randint(1, 400)) for _ in range(6)))

    def step(service, actor, **kwargs):
        when = next(times)
        if when < NOW:
            w.move(name, when, service, actor, **kwargs)
        return when < NOW

    if fate == "received":
        return
    if fate == "withdrawn" and rng.random() < 0.3:
        step(services.dossier_withdraw, clerk, reason="Rút hồ sơ")
        return
    if not step(services.dossier_hand_over, clerk, to_user=w[specialist]):
        return
    if fate in ("supplement", "supplement_back", "supplement_closed"):
        if not step(services.dossier_request_supplement, specialist, missing_papers=["Giấy tờ"], reason="Thiếu"):
            return
        if fate == "supplement_closed":  # withdrawn or stopped while the clock is stopped
            closer = rng.choice([(services.dossier_withdraw, clerk), (services.dossier_stop, leader)])
            step(*closer, reason="Không bổ sung")
            return
        if fate == "supplement" or not step(services.dossier_receive_supplement, clerk):
            return
    if fate == "payment":
        if not step(services.dossier_request_payment, specialist, reason="Nộp thuế"):
            return
        if rng.random() < 0.5 or not step(services.dossier_receive_payment, clerk):
            return
    if fate == "rescheduled":
        # Mẫu 04 only in time (a working day before the statutory due), to 17:00 of a working day;
        # a dossier already too late for it goes on late without one.
        current, when = Dossier.objects.get(pk=w.dossiers[name].pk), next(times)
        if when >= NOW:
            return
        if apology.issue_in_time(current, when):
            later = max(current.due_at, NOW).date() + dt.timedelta(days=3)
            while not is_working_day(later):
                later += dt.timedelta(days=1)
            w.move(name, when, apology.dossier_reschedule, leader,
                   new_due_at=dt.datetime.combine(later, dt.time(17), VN), reason="Xin lỗi, hẹn lại")
    closing = {"refused": services.dossier_refuse, "withdrawn": services.dossier_withdraw,
               "stopped": services.dossier_stop}
    if fate in closing:
        actor = clerk if fate == "withdrawn" else leader
        step(closing[fate], actor, reason="Lý do")
        return
    if fate == "processing" or not step(services.dossier_hand_over, specialist, to_user=w[leader]):
        return
    if not step(services.dossier_approve, leader, result_summary="Kết quả"):
        return
    if fate in ("returned", "rescheduled", "supplement_back", "payment"):
        step(services.dossier_return, clerk, collected_by="Trần Thị Bình", collected_id_number="038190001234")
