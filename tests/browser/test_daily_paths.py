"""Issue 22: the first hour of a counter officer and a citizen, as they use the pages.

- A keyboard-only intake of Đăng ký kết hôn: the picker finds it by "dang ki ket hon" and ranks it
  first, the cursor is in the name, Enter moves on and never accepts, optional papers start unticked,
  the accept shows a summary that Enter on its button confirms.
- The home page's to-do list counts what waits.
- The citizen's wrong PIN keeps the code and says the tries left; a late dossier says it is late.
"""

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from dossiers import services
from dossiers.models import Dossier
from procedures.models import Procedure

pytestmark = pytest.mark.browser

MARRIAGE = "1.000894"  # Đăng ký kết hôn: two mandatory papers, two "nếu có"
APPLICANT = ["Nguyễn Văn Hùng", "038190004321", "0912000111", "hung@example.com", "5 Phan Chu Trinh"]


def test_a_keyboard_only_intake_of_a_marriage_registration(open_page, catalogue, staff):
    counter = open_page(staff.reception)
    counter.goto("/can-bo/ho-so/tiep-nhan/")
    expect(counter.locator("#procedure-search")).to_be_focused()
    counter.keyboard.type("dang ki ket hon")  # i for y, no diacritics
    first = counter.locator("#procedure-results a.pick").first
    expect(first).to_contain_text(f"{MARRIAGE} – Đăng ký kết hôn")
    counter.keyboard.press("Enter")
    counter.wait_for_url(re.compile(r"\?variant=\d+$"))

    # The cursor is in the applicant's name; Enter moves field to field and sends nothing.
    expect(counter.locator("[name='applicant_name']")).to_be_focused()
    for value in APPLICANT:
        counter.keyboard.type(value)
        counter.keyboard.press("Enter")
    expect(counter.locator("[name='applicant_address']")).to_have_value(APPLICANT[-1])
    assert not Dossier.objects.exists() and "?variant=" in counter.url

    # Optional papers ("nếu có") start unticked, mandatory ones ticked.
    (variant,) = [v for v in catalogue[MARRIAGE]["variants"] if v["name"] == "Trường hợp chung"]
    boxes = counter.locator("table.checklist tbody tr input[name$='_provided']")
    expect(boxes).to_have_count(len(variant["documents"]))
    for box, document in zip(boxes.all(), variant["documents"], strict=True):
        expect(box).to_be_checked(checked=document["mandatory"])

    # Tab to the accept button and press Enter: a summary, then Enter on its focused confirmation.
    for _ in range(80):
        counter.keyboard.press("Tab")
        if counter.evaluate("document.activeElement.dataset.outcome") == "accept":
            break
    counter.keyboard.press("Enter")
    summary = counter.locator("#intake-summary")
    expect(summary).to_contain_text("Nguyễn Văn Hùng")
    expect(summary).to_contain_text("Hẹn trả kết quả")
    assert not Dossier.objects.exists()
    expect(counter.locator("#confirm-accept")).to_be_focused()
    counter.keyboard.press("Enter")
    counter.wait_for_url(re.compile(r"/can-bo/ho-so/[^/]+/\?in=01$"))
    dossier = Dossier.objects.get()
    assert dossier.applicant_name == "Nguyễn Văn Hùng" and dossier.procedure.code == MARRIAGE
    assert [d.provided for d in dossier.documents.order_by("order")] == [d["mandatory"] for d in variant["documents"]]


def test_unticking_a_mandatory_paper_offers_the_guidance_slip(open_page, catalogue, staff):
    counter = open_page(staff.reception)
    variant = Procedure.objects.get(code=MARRIAGE).variants.order_by("order").first()
    counter.goto(f"/can-bo/ho-so/tiep-nhan/?variant={variant.pk}")
    expect(counter.locator("#mandatory-missing")).to_be_hidden()
    counter.locator("tr[data-mandatory='1'] input[name$='_provided']").first.uncheck()
    expect(counter.locator("#mandatory-missing")).to_be_visible()
    expect(counter.locator("#other-outcomes")).to_have_attribute("open", "")


def test_the_home_page_counts_what_waits(open_page, catalogue, staff):
    variant = Procedure.objects.get(code=MARRIAGE).variants.order_by("order").first()
    intake = services.Intake(
        variant=variant, applicant=services.Applicant(name="Lê Thị Hoa", id_number="038190001111"),
        papers=[services.Paper(name=d.name, form=d.form, mandatory=d.mandatory) for d in variant.documents.all()])
    dossier = services.dossier_receive(actor=staff.reception, intake=intake)
    dossier = services.dossier_hand_over(dossier=dossier, actor=staff.reception, to_user=staff.specialist)
    dossier = services.dossier_hand_over(dossier=dossier, actor=staff.specialist, to_user=staff.leader)
    services.dossier_approve(dossier=dossier, actor=staff.leader, result_summary="Giấy chứng nhận kết hôn")

    counter = open_page(staff.reception)  # the login lands on the home page
    item = counter.locator("#todo-results")
    expect(item.locator(".todo-count")).to_have_text("1")
    item.locator("a").click()
    expect(counter.locator("main")).to_contain_text(dossier.code)


def test_the_citizen_retypes_only_the_pin_and_sees_a_late_dossier_as_late(open_page, catalogue, staff):
    variant = Procedure.objects.get(code=MARRIAGE).variants.order_by("order").first()
    long_ago = timezone.now() - dt.timedelta(days=60)
    intake = services.Intake(
        variant=variant, applicant=services.Applicant(name="Lê Thị Hoa", id_number="038190001111"),
        papers=[services.Paper(name=d.name, form=d.form, mandatory=d.mandatory) for d in variant.documents.all()])
    dossier = services.dossier_receive(actor=staff.reception, intake=intake, now=long_ago)
    services.dossier_hand_over(dossier=dossier, actor=staff.reception, to_user=staff.specialist, now=long_ago)

    citizen = open_page()
    citizen.set_viewport_size({"width": 390, "height": 844})
    citizen.goto("/tra-cuu/")
    code, pin = citizen.locator("#id_code").first, citizen.locator("[name='pin']")
    code.fill(dossier.code)
    pin.fill("SAIMA123")
    citizen.get_by_role("button", name="Tra cứu", exact=True).click()
    expect(citizen.locator("p.error")).to_contain_text("Bạn còn 4 lần thử")
    expect(code).to_have_value(dossier.code)
    expect(pin).to_have_value("")
    expect(pin).to_be_focused()
    citizen.keyboard.type(dossier.pin)
    citizen.keyboard.press("Enter")
    expect(citizen.locator("#qua-han")).to_have_text("Quá hạn")
    expect(citizen.locator(".notice-late")).to_contain_text("Hồ sơ đã quá hạn hẹn trả kết quả")
    assert citizen.evaluate("document.documentElement.scrollWidth") <= 390


def test_the_handover_suggests_the_leader_and_warns_before_a_head_gets_the_approval(open_page, catalogue, staff):
    variant = Procedure.objects.get(code=MARRIAGE).variants.order_by("order").first()
    intake = services.Intake(
        variant=variant, applicant=services.Applicant(name="Lê Thị Hoa", id_number="038190001111"),
        papers=[services.Paper(name=d.name, form=d.form, mandatory=d.mandatory) for d in variant.documents.all()])
    dossier = services.dossier_receive(actor=staff.reception, intake=intake)
    dossier = services.dossier_hand_over(dossier=dossier, actor=staff.reception, to_user=staff.specialist)
    assert dossier.steps_plan[dossier.step_index + 1]["role"] == "leader"

    desk = open_page(staff.specialist)
    desk.goto(f"/can-bo/ho-so/{dossier.code}/")
    form = desk.locator("form[action$='/thao-tac/hand_over/']")
    expect(form.locator(".step-hint")).to_contain_text("lãnh đạo cơ quan")
    officer = form.locator("select[name='hand_over-to_user']")
    expect(officer.locator("option").nth(1)).to_contain_text(staff.leader.full_name)  # after the empty choice
    officer.select_option(str(staff.head.pk))
    asked = []
    desk.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.dismiss()))
    form.locator("button[data-action='hand_over']").click()
    expect(form).to_be_visible()
    assert asked and "Bước tiếp theo không do vai trò" in asked[0]
    dossier.refresh_from_db()
    assert dossier.holder_id == staff.specialist.pk  # the officer said no: nothing moved
