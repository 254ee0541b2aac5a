"""Issue 23 in the browser: a death registration (2.002913) whose later legs run in parallel — the
commune sends it to the ward police and social insurance at once, each takes its copy in and works it on
its pages, the commune's dossier page lists the legs, the lookup names both agencies. Screenshots at
390 and 1366 px go to /work/shots-parallel when that folder exists (the lead reads them)."""

import re
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from dossiers import pins
from dossiers.models import Dossier

from ..dossiers.conftest import FrozenClock, vn
from ..dossiers.test_legs import with_legs
from ..dossiers.test_legs_parallel import with_death
from ..dossiers.test_transfers import Province
from .test_counter_lifecycle import move

pytestmark = pytest.mark.browser
SHOTS = Path("/work/shots-parallel")


@pytest.fixture
def prov(transactional_db):
    return with_death(with_legs(Province()))


@pytest.fixture
def clock(monkeypatch):
    clock = FrozenClock(vn(2026, 3, 2, 10, 0))  # an ordinary working Monday
    monkeypatch.setattr(timezone, "now", clock)
    return clock


def _shoot(page, name):
    if not SHOTS.is_dir():
        return
    for width in (390, 1366):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(SHOTS / f"{name}-{width}.png"), full_page=True)
    page.set_viewport_size({"width": 1366, "height": 900})


def _take_in(page, code):
    page.goto("/can-bo/ho-so/lien-co-quan/")
    page.locator("#incoming a", has_text=code).click()
    move(page, "receive_transfer")


def test_a_death_registration_goes_to_the_police_and_social_insurance_at_once(open_page, prov, clock):
    desk = open_page(prov.a_reception)
    desk.goto(f"/can-bo/ho-so/tiep-nhan/?variant={prov.death.pk}")
    desk.locator("[name='applicant_name']").fill("Lê Văn Tâm")
    desk.get_by_role("button", name="Tiếp nhận và in giấy hẹn (Mẫu 01)").click()
    desk.get_by_role("button", name="Xác nhận tiếp nhận và in giấy hẹn").click()
    desk.wait_for_url(re.compile(r"/can-bo/ho-so/[^/]+/\?in=01$"))
    code = desk.locator("h1.code").inner_text()

    clock.set(vn(2026, 3, 2, 14, 0))  # the death is registered the same day: to both agencies at once
    desk.goto(f"/can-bo/ho-so/{code}/")
    move(desk, "transfer", mode="electronic")

    clock.set(vn(2026, 3, 2, 14, 30))
    police = open_page(prov.police_reception)
    _take_in(police, code)
    move(police, "hand_over", to_user=prov.police_specialist.pk)
    clock.set(vn(2026, 3, 2, 16, 0))
    insurance = open_page(prov.insurance_reception)
    _take_in(insurance, code)
    _shoot(insurance, "dossier-insurance")

    clock.set(vn(2026, 3, 3, 9, 0))  # Tuesday: the police's same-day leg is past its due
    desk.goto(f"/can-bo/ho-so/{code}/")
    rows = desk.locator("#legs tbody tr")
    expect(rows).to_have_count(3)
    expect(rows.nth(1)).to_contain_text("Công an xã A")
    expect(rows.nth(1)).to_contain_text("Đang quá hạn")
    expect(rows.nth(2)).to_contain_text("2 (song song)")
    expect(rows.nth(2)).to_contain_text("Đang giải quyết")
    expect(desk.locator("details.move")).to_have_count(0)  # the lead waits while the stage runs
    expect(desk.locator("#holding-legs")).to_have_text(
        f"Công an xã A ({prov.police_specialist}), hạn 17:00 02/03/2026; "
        f"Bảo hiểm xã hội tỉnh T ({prov.insurance_reception}), hạn 17:00 12/03/2026")
    _shoot(desk, "dossier-lead")

    Dossier.objects.filter(code=code).update(pin_hash=pins.pin_hash("KNOWN234"))
    citizen = open_page()
    citizen.goto("/tra-cuu/")
    citizen.get_by_label("Mã hồ sơ").fill(code)
    citizen.get_by_label("Mã tra cứu").fill("KNOWN234")
    citizen.get_by_role("button", name="Tra cứu", exact=True).click()
    expect(citizen.locator("#leg-agency")).to_have_text("Công an xã A, Bảo hiểm xã hội tỉnh T")
    _shoot(citizen, "lookup")

    clock.set(vn(2026, 3, 3, 9, 30))
    specialist = open_page(prov.police_specialist)
    specialist.goto(f"/can-bo/ho-so/{code}/")
    move(specialist, "transfer", mode="electronic")
    desk.goto(f"/can-bo/ho-so/{code}/")
    expect(desk.locator("#legs tbody tr").nth(1)).to_contain_text("Quá hạn (trễ 2 giờ 0 phút)")
    dossier = Dossier.objects.get(code=code)
    assert (dossier.leg_stage, dossier.legs_left) == (2, 1)
