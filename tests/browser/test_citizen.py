"""Issue 5 in the browser: a citizen looks a returned dossier up with its code and PIN, sees its
status and timeline (name masked, no phone, ID or address, no officer), rates it, and the
department head sees their specialist's satisfaction figure change on the staff figures page
(a head reads the figures of their own department's officers)."""

import re

import pytest
from playwright.sync_api import Page, expect

from dossiers import services
from procedures.models import ProcedureVariant
from ratings.models import Rating
from ratings.services import rating_submit

pytestmark = pytest.mark.browser

BIRTH = "1.001193"  # Đăng ký khai sinh
CITIZEN = {"name": "Trần Thị Bình", "id_number": "038190001234", "phone": "0912345678",
           "email": "binh@example.com", "address": "12 Lê Lợi, phường Hạc Thành"}


def returned_dossier(staff, **applicant):
    """A dossier received, handled, approved and handed back, through the real services only."""
    variant = ProcedureVariant.objects.get(procedure__code=BIRTH)
    intake = services.Intake(
        variant=variant, applicant=services.Applicant(**{**CITIZEN, **applicant}),
        papers=[services.Paper(name=d.name, form=d.form, mandatory=d.mandatory) for d in variant.documents.all()])
    dossier = services.dossier_receive(actor=staff.reception, intake=intake)
    dossier = services.dossier_hand_over(dossier=dossier, actor=staff.reception, to_user=staff.specialist)
    dossier = services.dossier_hand_over(dossier=dossier, actor=staff.specialist, to_user=staff.leader)
    dossier = services.dossier_approve(dossier=dossier, actor=staff.leader, result_summary="Giấy khai sinh số 7")
    return services.dossier_return(dossier=dossier, actor=staff.reception, collected_by=CITIZEN["name"],
                                   collected_id_number=CITIZEN["id_number"])


def officer_figures(page: Page, officer) -> dict[str, str]:
    """The officer's row on /can-bo/danh-gia/ (grouped by officer, this month)."""
    page.goto("/can-bo/danh-gia/")
    row = page.locator("table.list tbody tr", has_text=officer.full_name)
    expect(row).to_have_count(1)
    cells = [text.strip() for text in row.locator("td").all_inner_texts()]
    return dict(zip(["officer", "count", "very_satisfied", "satisfied", "not_satisfied", "rate"], cells[:6],
                    strict=True))


def test_citizen_follows_and_rates_and_the_figure_changes(open_page, catalogue, staff):
    # An earlier dossier of the same officers, rated "Không hài lòng" at the counter kiosk.
    earlier = returned_dossier(staff, name="Ngô Văn An", id_number="038190009999", phone="0987654321")
    rating_submit(dossier=earlier, level="not_satisfied", reason="Phải chờ lâu", channel="kiosk")
    dossier = returned_dossier(staff)
    (variant,) = catalogue[BIRTH]["variants"]

    head = open_page(staff.head)
    before = officer_figures(head, staff.specialist)
    assert before == {"officer": staff.specialist.full_name, "count": "1", "very_satisfied": "0", "satisfied": "0",
                      "not_satisfied": "1", "rate": "0,0%"}

    citizen = open_page()
    citizen.goto("/tra-cuu/")
    citizen.get_by_label("Mã hồ sơ").fill(dossier.code)
    citizen.get_by_label("Mã tra cứu").fill(dossier.pin)
    citizen.get_by_role("button", name="Tra cứu", exact=True).click()

    expect(citizen.locator("h1.code")).to_have_text(dossier.code)
    expect(citizen.locator(".status-line .badge")).to_have_text("Đã trả kết quả")
    facts = citizen.locator("dl.facts")
    expect(facts).to_contain_text(catalogue[BIRTH]["name"])
    expect(facts).to_contain_text("T*** T** B***")  # Trần Thị Bình, masked
    steps = citizen.locator("table.timeline tbody tr")
    expect(steps).to_have_count(len(variant["steps"]))
    assert [row.locator("td").first.inner_text() for row in steps.all()] == [s["name"] for s in variant["steps"]]
    assert "Đang xử lý" not in steps.last.inner_text()  # every step finished
    # No personal data of the citizen, no officer's name, anywhere on the public page.
    page_text = citizen.locator("body").inner_text()
    for private in (CITIZEN["name"], CITIZEN["phone"], CITIZEN["id_number"], CITIZEN["address"], CITIZEN["email"],
                    staff.reception.full_name, staff.specialist.full_name, staff.leader.full_name):
        assert private not in page_text, private

    # "Không hài lòng" asks for the reason before anything is sent; "Hài lòng" does not.
    form = citizen.locator("#rating-form")
    reason = form.locator("textarea[name=reason]")
    form.get_by_label("Không hài lòng", exact=True).check()
    form.get_by_role("button", name="Gửi đánh giá").click()
    expect(reason).to_be_focused()
    assert reason.evaluate("e => !e.validity.valid")
    assert not Rating.objects.filter(dossier=dossier).exists()
    form.get_by_label("Hài lòng", exact=True).check()
    form.get_by_role("button", name="Gửi đánh giá").click()
    expect(citizen.get_by_role("heading", level=1)).to_have_text("Cảm ơn ông/bà!")
    expect(citizen.locator("main")).to_contain_text(f"Đánh giá “Hài lòng” cho hồ sơ {dossier.code}")
    rating = Rating.objects.get(dossier=dossier)
    assert (rating.level, rating.reason, rating.channel) == ("satisfied", "", "lookup")

    after = officer_figures(head, staff.specialist)
    assert after == {"officer": staff.specialist.full_name, "count": "2", "very_satisfied": "0", "satisfied": "1",
                     "not_satisfied": "1", "rate": "50,0%"}


def test_wrong_pin_shows_nothing_of_the_dossier(open_page, catalogue, staff):
    dossier = returned_dossier(staff)
    citizen = open_page()
    citizen.goto("/tra-cuu/")
    citizen.get_by_label("Mã hồ sơ").fill(dossier.code)
    citizen.get_by_label("Mã tra cứu").fill("ZZZZZZZZ" if dossier.pin != "ZZZZZZZZ" else "YYYYYYYY")
    citizen.get_by_role("button", name="Tra cứu", exact=True).click()
    # The message, then the tries left before the pause (issue 22, item 11); the code typed stays.
    expect(citizen.get_by_role("alert")).to_have_text(re.compile(
        r"^Mã hồ sơ hoặc mã tra cứu không đúng\.\s+Bạn còn \d+ lần thử trước khi phải tạm dừng ít phút\.$"))
    expect(citizen.get_by_label("Mã hồ sơ")).to_have_value(dossier.code)
    expect(citizen.locator("table.timeline")).to_have_count(0)
    assert "T*** T** B***" not in citizen.locator("body").inner_text()
