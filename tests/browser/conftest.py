"""Browser fixtures: Debian's Chromium driven by Playwright against pytest-django's live server,
staff of every role who log in through the login page, the real demo catalogue imported by the
import service, and a helper that fetches a PDF with the logged-in officer's session.

Every test here is transactional (`live_server`): rows the test writes are committed, so the
server thread sees them; tests/conftest.py puts the official calendar back after each flush.
No browser is ever downloaded: Playwright only drives the Chromium the system has.
"""

import io
import json
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from playwright.sync_api import Browser, Page, expect, sync_playwright
from pypdf import PdfReader

from mocua.accounts.models import Level, Role, User
from mocua.text import nfc
from mocua.workcalendar.models import DayOverride
from procedures import services as catalogue_services
from procedures.models import Procedure

from ..factories import PASSWORD, DepartmentFactory, UserFactory

CATALOGUE_FILE = Path(django_settings.BASE_DIR) / "procedures" / "data" / "catalogue.json"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
# Generous for a loaded CI machine; every wait is on an element or a URL, never a sleep.
TIMEOUT_MS = 15_000
expect.set_options(timeout=TIMEOUT_MS)


@pytest.fixture(scope="module")
def browser() -> Browser:
    """One headless Chromium per module. Module scope (not session) so that Playwright's event
    loop is gone again before the rest of the suite runs."""
    path = shutil.which(CHROMIUM) or CHROMIUM
    if not os.access(path, os.X_OK):
        pytest.fail(f"Chromium not found at {CHROMIUM}: install Debian's chromium (make system-deps) "
                    "or set CHROMIUM to its path.")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=path, headless=True)
        yield chromium
        chromium.close()


@pytest.fixture
def open_page(browser, live_server, settings):
    """open_page(user=None) → a page in a fresh browser context (its own cookies), logged in as
    `user` when given. Uncaught JavaScript errors and server errors fail the test."""
    # Plain http on the live server: cookies must not be marked Secure whatever DEBUG says.
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = False
    contexts, problems = [], []

    def open_(user: User | None = None) -> Page:
        context = browser.new_context(base_url=live_server.url, locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh")
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        page = context.new_page()
        page.on("pageerror", lambda error: problems.append(f"JavaScript: {error}"))
        page.on("response", lambda r: r.status >= 500 and problems.append(f"HTTP {r.status}: {r.url}"))
        if user is not None:
            login(page, user)
        return page

    yield open_
    for context in contexts:
        context.close()
    assert not problems, "\n".join(problems)


def login(page: Page, user: User, password: str = PASSWORD) -> None:
    """Log in through the staff login page and land on the staff home page."""
    page.goto("/dang-nhap/")
    page.get_by_label("Tên đăng nhập").fill(user.username)
    page.get_by_label("Mật khẩu").fill(password)
    page.get_by_role("button", name="Đăng nhập", exact=True).click()
    page.wait_for_url("**/can-bo/")
    expect(page.locator(".staffnav-who")).to_contain_text(user.get_role_display())


def pdf_text(page: Page, url: str) -> str:
    """Fetch a PDF with the page's session (what the officer's print link opens) and return its
    text, NFC-normalised so that Vietnamese compares with what the templates hold."""
    response = page.context.request.get(url)
    assert response.status == 200, f"{url}: HTTP {response.status}"
    assert response.headers["content-type"] == "application/pdf"
    body = response.body()
    assert body.startswith(b"%PDF-")
    return nfc("\n".join(p.extract_text() for p in PdfReader(io.BytesIO(body)).pages))


# --------------------------------------------------------------------------- data


@pytest.fixture
def catalogue(transactional_db, agency) -> dict[str, dict]:
    """The demo catalogue (procedures/data/catalogue.json, the real procedures) imported by the
    import service; the commune handles every commune-level procedure. Returns the file's
    procedures by code: the values a page must show come from the data, not from the app."""
    # The previous live-server test's flush emptied every table; tests/conftest.py seeds the
    # official days off back, and deadlines shown on these pages depend on them.
    assert DayOverride.objects.filter(date__year=2026).exists()
    raw = CATALOGUE_FILE.read_bytes()
    result = catalogue_services.catalogue_import(raw=raw, fmt="json")
    assert not result.errors, result.errors
    agency.procedures.add(*Procedure.objects.filter(level=Level.COMMUNE))
    return {item["code"]: item for item in json.loads(raw)["procedures"]}


@dataclass
class Staff:
    reception: User
    specialist: User
    head: User
    leader: User


@pytest.fixture
def staff(agency) -> Staff:
    """One officer of each working role at the commune, in the departments a commune has."""
    counter = DepartmentFactory(agency=agency, name="Bộ phận Một cửa")
    justice = DepartmentFactory(agency=agency, name="Công chức Tư pháp – Hộ tịch")
    board = DepartmentFactory(agency=agency, name="Lãnh đạo Ủy ban")

    def officer(username, full_name, role, department):
        return UserFactory(agency=agency, department=department, role=role, username=username, full_name=full_name)

    return Staff(
        reception=officer("motcua.thu", "Lê Thị Thu", Role.RECEPTION, counter),
        specialist=officer("tuphap.minh", "Phạm Văn Minh", Role.SPECIALIST, justice),
        head=officer("tuphap.hanh", "Đỗ Thị Hạnh", Role.HEAD, justice),
        leader=officer("chutich.long", "Hoàng Văn Long", Role.LEADER, board),
    )
