"""Issue 23 in the browser: a liên thông birth registration (3.000722) through its three legs — the
commune receives it, the ward police's leg runs late, social insurance, back to the commune — and the
leaders' pages name the police and its officer as late: the police leader's officers page, the
province leader's late legs per agency on the transfers page.

The browser cannot wait three days: the clock (django.utils.timezone.now, read by the live server's
thread too) is moved by hand between the moves, each move made on the pages."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from dossiers.models import Dossier
from mocua.accounts.models import Role

from ..dossiers.conftest import FrozenClock, vn
from ..dossiers.test_legs import with_legs
from ..dossiers.test_transfers import Province
from ..factories import UserFactory
from .test_counter_lifecycle import move

pytestmark = pytest.mark.browser


@pytest.fixture
def prov(transactional_db):
    return with_legs(Province())


@pytest.fixture
def clock(monkeypatch):
    clock = FrozenClock(vn(2026, 3, 2, 10, 0))  # an ordinary working Monday
    monkeypatch.setattr(timezone, "now", clock)
    return clock


def _take_in(page, code):
    page.goto("/can-bo/ho-so/lien-co-quan/")
    page.locator("#incoming a", has_text=code).click()
    move(page, "receive_transfer")


def test_a_birth_registration_through_three_legs_the_police_late(open_page, prov, clock):
    desk = open_page(prov.a_reception)
    desk.goto(f"/can-bo/ho-so/tiep-nhan/?variant={prov.group.pk}")
    desk.locator("[name='applicant_name']").fill("Trần Thị Bình")
    desk.get_by_role("button", name="Tiếp nhận và in giấy hẹn (Mẫu 01)").click()
    desk.get_by_role("button", name="Xác nhận tiếp nhận và in giấy hẹn").click()
    desk.wait_for_url(re.compile(r"/can-bo/ho-so/[^/]+/\?in=01$"))
    code = desk.locator("h1.code").inner_text()
    assert code.startswith(prov.a.code + "-")

    clock.set(vn(2026, 3, 2, 14, 0))  # the birth is registered the same day: on to the police
    desk.goto(f"/can-bo/ho-so/{code}/")
    move(desk, "transfer", mode="electronic")

    clock.set(vn(2026, 3, 2, 15, 0))  # the police take it in: two working days, due Wednesday 17:00
    police = open_page(prov.police_reception)
    _take_in(police, code)
    move(police, "hand_over", to_user=prov.police_specialist.pk)

    clock.set(vn(2026, 3, 5, 8, 0))  # Thursday: the specialist sends it on half an hour of work late
    specialist = open_page(prov.police_specialist)
    specialist.goto(f"/can-bo/ho-so/{code}/")
    move(specialist, "transfer", mode="electronic")

    clock.set(vn(2026, 3, 5, 8, 30))
    insurance = open_page(prov.insurance_reception)
    _take_in(insurance, code)
    clock.set(vn(2026, 3, 5, 9, 0))
    move(insurance, "transfer", mode="electronic")

    clock.set(vn(2026, 3, 5, 9, 30))  # back at the commune, which leads and returns the result
    desk = open_page(prov.a_reception)
    _take_in(desk, code)
    dossier = Dossier.objects.get(code=code)
    assert (dossier.agency, dossier.leg_agency, dossier.legs_left) == (prov.a, None, 0)
    late = [(leg.agency, leg.timeliness) for leg in dossier.legs.order_by("order")]
    assert late == [(prov.a, "on_time"), (prov.police, "late"), (prov.insurance, "on_time")]

    # The police leader: their specialist is the one late officer of March.
    leader = open_page(prov.police_leader)
    leader.goto("/lanh-dao/can-bo/?period=month&year=2026&month=3")
    late_rows = leader.locator("#officers-table tbody tr.row-late")
    expect(late_rows).to_have_count(1)
    cells = late_rows.locator("td").all_inner_texts()
    assert prov.police_specialist.full_name in cells[0] and cells[2].strip() == "1"

    # The province leader: the police's leg, late, on the transfers page.
    chief = open_page(UserFactory(agency=prov.p, role=Role.LEADER, username="lanhdao.tinh.t"))
    chief.goto("/can-bo/ho-so/lien-co-quan/")
    section = chief.locator("#late-legs")
    expect(section.locator("h3")).to_have_text(["Công an xã A · 1 phần việc quá hạn"])
    expect(section.locator("tbody tr")).to_have_count(1)
    expect(section.locator("tbody tr")).to_contain_text(code)
    expect(section.locator("tbody tr")).to_contain_text("Đăng ký thường trú")
    expect(section.locator("tbody tr")).to_contain_text("17:00 04/03/2026")
    expect(section.locator("tbody tr")).to_contain_text("08:00 05/03/2026")
