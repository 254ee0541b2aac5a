"""Issue 25 in the browser (Debian's Chromium through Playwright, against the live server):
- a citizen looks a dossier up, sends feedback about it, an officer answers it after the deadline alert
  reaches the bell, and the citizen reads the answer on the lookup page by the tracking code;
- a leader sets a unit's yearly target and sees the unit below it;
- the transparency page shows the demo data's figures on a phone, with its charts, without sideways
  scrolling."""

import pytest
from playwright.sync_api import expect

from dossiers import services as dossier_services
from dossiers.demo import seed as demo
from dossiers.demo.history import seed_dossiers
from feedback import alerts, transparency
from feedback.demo import seed_feedback
from feedback.models import Feedback, UnitTarget
from mocua.accounts.models import Agency, Level, Role
from procedures.models import ProcedureVariant
from ratings.demo import seed_ratings

from ..browser.conftest import TIMEOUT_MS, browser, catalogue, login, open_page, staff  # noqa: F401 (fixtures)
from ..dossiers.conftest import frozen, vn  # noqa: F401 (fixtures)
from ..factories import AgencyFactory, UserFactory

pytestmark = pytest.mark.browser

BIRTH = "1.001193"  # Đăng ký khai sinh
CITIZEN = {"name": "Trần Thị Bình", "id_number": "038190001234", "phone": "0912345678",
           "email": "binh@example.com", "address": "12 Lê Lợi, phường Hạc Thành"}


def returned_dossier(staff):  # noqa: F811 (the fixture's value)
    variant = ProcedureVariant.objects.get(procedure__code=BIRTH)
    intake = dossier_services.Intake(
        variant=variant, applicant=dossier_services.Applicant(**CITIZEN),
        papers=[dossier_services.Paper(name=d.name, form=d.form, mandatory=d.mandatory)
                for d in variant.documents.all()])
    dossier = dossier_services.dossier_receive(actor=staff.reception, intake=intake)
    dossier = dossier_services.dossier_hand_over(dossier=dossier, actor=staff.reception, to_user=staff.specialist)
    dossier = dossier_services.dossier_approve(dossier=dossier, actor=staff.leader, result_summary="Giấy khai sinh")
    return dossier_services.dossier_return(dossier=dossier, actor=staff.reception, collected_by=CITIZEN["name"],
                                           collected_id_number=CITIZEN["id_number"])


def test_a_citizens_feedback_is_answered_after_the_alert_and_read_on_the_lookup_page(
        open_page, catalogue, staff, frozen):  # noqa: F811
    dossier = returned_dossier(staff)

    # The citizen looks the dossier up and sends feedback about it from there.
    citizen = open_page()
    citizen.goto("/tra-cuu/")
    citizen.get_by_label("Mã hồ sơ").fill(dossier.code)
    citizen.get_by_label("Mã tra cứu (in trên giấy tiếp nhận)").fill(dossier.pin)
    citizen.get_by_role("button", name="Tra cứu", exact=True).click()
    citizen.get_by_role("link", name="Gửi phản ánh, kiến nghị về hồ sơ này").click()
    expect(citizen.get_by_label("Mã hồ sơ")).to_have_value(dossier.code)
    expect(citizen.locator("#id_procedure")).to_be_hidden()  # only the dossier's boxes show
    citizen.get_by_label("Tiêu đề").fill("Cán bộ hướng dẫn chưa rõ")
    citizen.get_by_label("Nội dung phản ánh, kiến nghị").fill("Tôi phải đi lại ba lần mới đủ giấy tờ.")
    citizen.get_by_label("Họ và tên").fill(CITIZEN["name"])
    citizen.get_by_label("Điện thoại").fill(CITIZEN["phone"])
    citizen.get_by_label("Địa chỉ").fill(CITIZEN["address"])
    citizen.get_by_label("Tôi đồng ý", exact=False).check()
    citizen.get_by_role("button", name="Gửi phản ánh, kiến nghị").click()
    expect(citizen.get_by_role("heading", level=1)).to_have_text("Đã gửi phản ánh, kiến nghị")
    code = citizen.locator("#tracking-code").inner_text()
    item = Feedback.objects.get(code=code)
    assert item.dossier == dossier and "/phan-anh/" not in citizen.url.split("gui/")[-1]

    # Two working days later the refusal deadline nears: the scan (Celery beat) alerts the unit's heads.
    frozen.set(vn(2026, 3, 4, 14, 0))
    assert alerts.feedback_alerts_scan() > 0
    head = open_page(staff.head)
    head.locator("a.bell").click()  # the bell in the top bar (the home page links there too)
    head.get_by_role("link", name="sắp hết hạn từ chối tiếp nhận", exact=False).click()
    expect(head.get_by_role("heading", level=1)).to_have_text("Cán bộ hướng dẫn chưa rõ")
    head.get_by_label("Hành vi của cán bộ, công chức").check()
    head.get_by_role("button", name="Phân loại, thụ lý").click()
    expect(head.locator(".messages")).to_contain_text("Đã thực hiện: Phân loại, thụ lý.")
    head.get_by_text("Trả lời", exact=True).first.click()  # the move's <summary>
    head.get_by_label("Nội dung trả lời công dân").fill("Đơn vị đã kiểm điểm cán bộ và niêm yết đủ thành phần hồ sơ.")
    head.get_by_role("button", name="Trả lời", exact=True).click()
    expect(head.locator(".status-box .badge")).to_have_text("Đã trả lời, chờ công khai")

    # The citizen reads the answer on the lookup page, by the tracking code.
    citizen.goto("/tra-cuu/")
    citizen.get_by_label("Mã theo dõi phản ánh").fill(code)
    citizen.get_by_role("button", name="Tra cứu phản ánh").click()
    expect(citizen.locator("#feedback-status")).to_have_text("Đã trả lời, chờ công khai")
    expect(citizen.locator("#feedback-answer")).to_contain_text("Đơn vị đã kiểm điểm cán bộ")
    expect(citizen.get_by_text(staff.head.full_name)).to_have_count(0)


def test_a_leader_sets_a_target_and_sees_the_unit_below_it(open_page, agency, frozen):  # noqa: F811
    province = AgencyFactory(code="000.00.00.H56", name="Ủy ban nhân dân tỉnh Thanh Hóa", level=Level.PROVINCE)
    agency.parent = province
    agency.save()
    governor = UserFactory(agency=province, role=Role.LEADER, username="chutich.tinh", full_name="Lê Đức Giang")
    from .conftest import send

    send(agency)  # never handled: late by April
    frozen.set(vn(2026, 4, 6, 10, 0))
    page = open_page(governor)
    page.get_by_role("link", name="Lãnh đạo: số liệu, báo cáo").click()
    page.get_by_role("link", name="Chỉ tiêu", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Chỉ tiêu năm của đơn vị và kết quả thực hiện")
    page.wait_for_load_state()  # the form's script has run
    form = page.locator("#target-form")
    form.get_by_label("Đơn vị").select_option(label=agency.name)
    form.get_by_label("Phản ánh, kiến nghị xử lý đúng hạn (%)").fill("90")
    form.get_by_role("button", name="Lưu chỉ tiêu").click()
    expect(page.locator(".messages")).to_contain_text(f"Đã lưu chỉ tiêu năm 2026 của {agency.name}.")
    assert UnitTarget.objects.get(agency=agency, year=2026).feedback_on_time == 90
    row = page.locator(f'#targets-table tr[data-agency="{agency.pk}"]')
    expect(row.locator('[data-metric="feedback_on_time"]')).to_contain_text("chưa đạt")
    expect(page.locator("#below-count")).to_have_text("1 đơn vị chưa đạt ít nhất một chỉ tiêu.")
    # Choosing the unit again fills the form with what it holds now.
    form.get_by_label("Đơn vị").select_option(label=province.name)
    form.get_by_label("Đơn vị").select_option(label=agency.name)
    expect(form.get_by_label("Phản ánh, kiến nghị xử lý đúng hạn (%)")).to_have_value("90.00")


@pytest.fixture
def demo_data(transactional_db):
    """The demo (dossiers/demo, feedback.demo, ratings.demo), with fewer dossiers a unit to stay quick."""
    agencies = demo.seed_organisation()
    demo.seed_catalogue(agencies)
    seed_dossiers([*agencies["communes"], *agencies["centre"]], per_agency=30)
    seed_feedback()
    seed_ratings()


def test_the_transparency_page_shows_the_demo_figures_on_a_phone(browser, live_server, settings,  # noqa: F811
                                                                 demo_data):
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = False
    context = browser.new_context(base_url=live_server.url, viewport={"width": 390, "height": 844},
                                  is_mobile=True, has_touch=True, locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh")
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    problems = []
    page.on("pageerror", lambda error: problems.append(str(error)))
    try:
        page.goto("/")
        page.get_by_role("link", name="Công khai số liệu").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Công khai kết quả giải quyết thủ tục hành chính")
        year, month, _ = transparency.choose(None, None, None)
        board = transparency.build(year=year, month=month, agency_id=None)
        assert board["total"]["received"] > 0
        expect(page.locator("#total-received")).to_have_text(str(board["total"]["received"]))
        expect(page.locator("#total-resolved")).to_have_text(str(board["total"]["resolved"]))
        expect(page.locator("#units-table tbody tr")).to_have_count(Agency.objects.filter(is_active=True).count())
        assert page.evaluate("() => !!Chart.getChart(document.getElementById('months-chart'))"
                             " && !!Chart.getChart(document.getElementById('units-chart'))")
        # Nothing wider than the phone: the table turns into one card a unit.
        assert page.evaluate("() => document.documentElement.scrollWidth") <= 390
        first = page.locator("#units-table tbody tr").first
        expect(first.locator("th.unit")).to_be_visible()
        expect(first.locator("td[data-label='Tiếp nhận']")).to_be_visible()
        page.locator("select[name=thang]").select_option("0")
        page.get_by_role("button", name="Xem").click()
        expect(page.locator(".period-line")).to_contain_text(f"Năm {year}")
        assert page.evaluate("() => document.documentElement.scrollWidth") <= 390
    finally:
        context.close()
    assert problems == []
