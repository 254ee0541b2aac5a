"""Issue 22, "done when": every page each role reaches, on a 390 px phone and a 1366 px desktop,
on the demo's own data (seed_demo, seed_demo_feedback, seed_demo_ratings). A page fails when the
document is wider than the screen (a page that scrolls sideways), when it logs a JavaScript error or
an error to the console, or when it answers an error status.

One browser, one context per role and width. With SCREENS_DIR set (`make screens`), the main
screens are also saved as PNG files there (docs/screens.md shows them).
"""

import os
from pathlib import Path

import pytest
from django.core.management import call_command
from playwright.sync_api import Page

from dossiers.demo.seed import DEMO_PASSWORD
from dossiers.models import Dossier, DossierStep
from dossiers.workflow import Status
from mocua.accounts.models import User
from procedures.models import Procedure

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = {"phone": (390, 844), "desktop": (1366, 768)}
SCREENS_DIR = os.environ.get("SCREENS_DIR", "")


def pages_of(data: dict) -> dict[str, list[tuple[str, str]]]:
    """Per role: (path, screenshot name or "" when the page is crawled only)."""
    detail = f"/can-bo/ho-so/{data['processing']}/"
    return {
        "": [("/", "cong-dan-trang-chu"), ("/thu-tuc/", ""), (f"/thu-tuc/{data['procedure']}/", "cong-dan-thu-tuc"),
             (f"/thu-tuc/{data['online']}/nop-truc-tuyen/", "cong-dan-nop-truc-tuyen"), ("/tra-cuu/", ""),
             ("/phan-anh/", ""), ("/phan-anh/gui/", ""), ("/phan-anh/tra-cuu/", ""), ("/cong-khai/", "cong-khai"),
             ("/danh-gia/quay/", ""), ("/dang-nhap/", "")],
        "tiepnhan.hacthanh": [
            ("/can-bo/", "tiep-nhan-viec-can-lam"), ("/can-bo/ho-so/", "tiep-nhan-danh-sach"),
            ("/can-bo/ho-so/cua-toi/", ""), ("/can-bo/ho-so/tiep-nhan/", ""),
            (f"/can-bo/ho-so/tiep-nhan/?variant={data['variant']}", "tiep-nhan-ho-so"),
            ("/can-bo/ho-so/cho-tiep-nhan/", ""), ("/can-bo/so-theo-doi/", ""), ("/can-bo/thong-bao/", ""),
            (f"/can-bo/ho-so/{data['ready']}/", "tiep-nhan-tra-ket-qua"), ("/can-bo/phan-anh/", ""),
            ("/can-bo/danh-gia/", "")],
        "chuyenvien.hacthanh": [("/can-bo/", ""), ("/can-bo/ho-so/cua-toi/", "chuyen-vien-ho-so-cua-toi"),
                                (detail, "chuyen-vien-ho-so")],
        "truongphong.hacthanh": [("/can-bo/", ""), (detail, "")],
        "lanhdao.hacthanh": [
            ("/can-bo/", ""), ("/lanh-dao/", "lanh-dao-tong-quan"), ("/lanh-dao/can-bo/", "lanh-dao-can-bo"),
            ("/lanh-dao/theo/phong-ban/", ""), ("/lanh-dao/theo/linh-vuc/", ""), ("/lanh-dao/theo/thu-tuc/", ""),
            ("/lanh-dao/bieu-06/", "lanh-dao-bieu-06"), ("/lanh-dao/chi-so-766/", "lanh-dao-chi-so-766"),
            ("/lanh-dao/phan-anh/", ""), ("/lanh-dao/chi-tieu/", "")],
        "lanhdao.ubndtinh": [("/lanh-dao/xep-hang/", "tinh-xep-hang"), ("/lanh-dao/theo/don-vi/", "")],
        "admin": [("/quan-tri/", "quan-tri"), ("/quan-tri/procedures/procedure/", ""),
                  (f"/quan-tri/procedures/procedurevariant/{data['variant']}/change/", ""),
                  ("/quan-tri/accounts/user/", "")],
    }


@pytest.fixture
def demo(transactional_db) -> dict:
    """The demo data the README's accounts log in to, and a few of its rows to open."""
    for command in ("seed_demo", "seed_demo_feedback", "seed_demo_ratings"):
        call_command(command, stdout=open(os.devnull, "w"))  # noqa: SIM115 (closed with the process)
    specialist = User.objects.get(username="chuyenvien.hacthanh")
    handled = Dossier.objects.filter(agency=specialist.agency, status=Status.PROCESSING).order_by("pk")
    at_commune = handled.filter(holder=specialist).first() or handled.first()
    ready = Dossier.objects.filter(status=Status.RESULT_READY, agency=at_commune.agency).first()
    assert at_commune is not None and ready is not None
    assert DossierStep.objects.filter(dossier=at_commune).exists()
    procedure = Procedure.objects.filter(agencies=at_commune.agency).order_by("code").first()
    online = Procedure.objects.filter(agencies=at_commune.agency, online_level="full").order_by("code").first()
    return {"processing": at_commune.code, "ready": ready.code, "procedure": procedure.code, "online": online.code,
            "variant": at_commune.variant_id}


# The elements that stick out of the screen while their parent does not: what to fix, named.
OUTERMOST_TOO_WIDE = """w => Array.from(document.querySelectorAll('body *')).filter(e => {
    const r = e.getBoundingClientRect(), p = e.parentElement.getBoundingClientRect();
    return r.right > w + 1 && r.width > 0 && p.right <= w + 1;
}).slice(0, 3).map(e => e.tagName + '.' + e.className + ' "' + (e.textContent || '').trim().slice(0, 40) + '"')
  .join('; ')"""


def log_in(page: Page, username: str) -> None:
    page.goto("/dang-nhap/")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Đăng nhập", exact=True).click()
    page.wait_for_load_state()


def test_every_page_of_every_role_fits_the_screen_without_errors(browser, live_server, settings, demo):
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = False
    problems: list[str] = []
    crawled = 0
    for username, pages in pages_of(demo).items():
        for width, height in WIDTHS.values():
            context = browser.new_context(base_url=live_server.url, locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh",
                                          viewport={"width": width, "height": height})
            page = context.new_page()
            where = {"url": ""}
            page.on("pageerror", lambda error, where=where, width=width: problems.append(
                f"{where['url']} {width}px JavaScript: {error}"))
            page.on("console", lambda message, where=where, width=width: message.type == "error" and problems.append(
                f"{where['url']} {width}px console: {message.text} {message.location.get('url', '')}"))
            if username:
                log_in(page, username)
            for path, shot in pages:
                where["url"] = f"{username or 'công dân'} {path}"
                response = page.goto(path)
                crawled += 1
                if response is None or response.status >= 400:
                    problems.append(f"{where['url']} {width}px: HTTP {response.status if response else '—'}")
                    continue
                page.wait_for_load_state("load")
                wide = page.evaluate("() => document.documentElement.scrollWidth")
                if wide > width:
                    culprit = page.evaluate(OUTERMOST_TOO_WIDE, width)
                    problems.append(f"{where['url']} {width}px: the page is {wide} px wide ({culprit})")
                if shot and SCREENS_DIR:
                    Path(SCREENS_DIR).mkdir(parents=True, exist_ok=True)
                    page.screenshot(path=str(Path(SCREENS_DIR) / f"{shot}-{width}.png"), full_page=False)
            context.close()
    assert crawled == 2 * sum(len(p) for p in pages_of(demo).values())
    assert not problems, "\n".join(problems)
