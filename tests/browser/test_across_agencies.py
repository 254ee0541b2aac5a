"""Issue 23 in the browser: a commune desk receives a provincial procedure (criminal-record
certificate), sends it to the Department of Justice, whose officers take it in and handle it in their
own steps; the result comes back to the desk, which hands it to the citizen. Another commune's officer
cannot open it at any point."""

import re

import pytest
from playwright.sync_api import expect

from dossiers.models import Dossier, DossierTransfer

from ..dossiers.test_transfers import Province
from .test_counter_lifecycle import move, status_is

pytestmark = pytest.mark.browser


@pytest.fixture
def prov(transactional_db):
    return Province()


def test_a_commune_desk_to_the_department_and_back(open_page, prov):
    desk = open_page(prov.a_reception)
    desk.goto(f"/can-bo/ho-so/tiep-nhan/?variant={prov.record.pk}")
    expect(desk.locator("#competent-agency")).to_contain_text("Sở Tư pháp tỉnh T")
    desk.locator("[name='applicant_name']").fill("Trần Thị Bình")
    desk.get_by_role("button", name="Tiếp nhận và in giấy hẹn (Mẫu 01)").click()
    expect(desk.locator("#intake-summary")).to_contain_text("Sở Tư pháp tỉnh T")
    desk.get_by_role("button", name="Xác nhận tiếp nhận và in giấy hẹn").click()
    desk.wait_for_url(re.compile(r"/can-bo/ho-so/[^/]+/\?in=01$"))
    code = desk.locator("h1.code").inner_text()
    assert code.startswith(prov.a.code + "-")
    expect(desk.locator("#transfer-state")).to_have_text("Tại nơi tiếp nhận, chờ chuyển")
    move(desk, "transfer", mode="electronic")
    expect(desk.locator("#transfer-state")).to_have_text("Đang chuyển đến cơ quan giải quyết")

    outsider = open_page(prov.b_reception)
    assert outsider.goto(f"/can-bo/ho-so/{code}/").status == 404

    counter = open_page(prov.justice_reception)
    counter.goto("/can-bo/ho-so/lien-co-quan/")
    counter.locator("#incoming a", has_text=code).click()
    move(counter, "receive_transfer")
    expect(counter.locator("#transfer-state")).to_have_text("Cơ quan giải quyết đang xử lý")
    move(counter, "hand_over", to_user=prov.justice_specialist.pk)

    specialist = open_page(prov.justice_specialist)
    specialist.goto(f"/can-bo/ho-so/{code}/")
    move(specialist, "hand_over", to_user=prov.justice_leader.pk)
    leader = open_page(prov.justice_leader)
    leader.goto(f"/can-bo/ho-so/{code}/")
    move(leader, "approve", result_summary="Phiếu lý lịch tư pháp số 01")
    status_is(leader, "Đã xử lý xong")

    counter.goto(f"/can-bo/ho-so/{code}/")
    move(counter, "transfer", mode="paper")
    expect(counter.locator("#transfer-state")).to_have_text("Đang chuyển kết quả về nơi tiếp nhận")
    assert outsider.goto(f"/can-bo/ho-so/{code}/").status == 404

    desk.goto("/can-bo/ho-so/lien-co-quan/")
    desk.locator("#incoming a", has_text=code).click()
    move(desk, "receive_transfer")
    move(desk, "return", collected_by="Trần Thị Bình")
    status_is(desk, "Đã trả kết quả")

    dossier = Dossier.objects.get(code=code)
    assert (dossier.agency, dossier.desk, dossier.status) == (prov.justice, prov.a, "returned")
    sent = DossierTransfer.objects.filter(dossier=dossier).order_by("sent_at")
    assert [(t.from_agency, t.to_agency, t.mode) for t in sent] == [
        (prov.a, prov.justice, "electronic"), (prov.justice, prov.a, "paper")]
    assert all(t.received_at is not None for t in sent)
