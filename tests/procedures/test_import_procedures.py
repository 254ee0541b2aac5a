import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from procedures import exporter
from procedures.models import Fee, Procedure, ProcedureStep, ProcedureVariant

from ..factories import ProcedureFactory

pytestmark = pytest.mark.django_db


def procedure(code="1.001193", **overrides):
    variant = {
        "name": "Trường hợp chung", "time_limit": "3", "time_unit": "working_days",
        "fees": [{"kind": "fee", "name": "Lệ phí", "amount": 8000, "channel": "all"}],
        "documents": [{"name": "Tờ khai", "form": "original", "quantity": 1, "mandatory": True}],
        "steps": [{"name": "Tiếp nhận", "role": "reception", "budget": "0.5"},
                  {"name": "Xử lý", "role": "specialist", "budget": "2"},
                  {"name": "Trả kết quả", "role": "reception", "budget": "0.5"}],
    }
    variant.update(overrides.pop("variant", {}))
    return {"code": code, "name": "Đăng ký khai sinh", "field": "HOTICH", "level": "commune",
            "result": "Giấy khai sinh", "online_level": "partial", "variants": [variant], **overrides}


def write(tmp_path, procedures, name="catalogue.json"):
    path = tmp_path / name
    path.write_text(json.dumps({"fields": [{"code": "HOTICH", "name": "Hộ tịch"}], "procedures": procedures},
                               ensure_ascii=False), encoding="utf-8")
    return path


def run(path):
    out, err = StringIO(), StringIO()
    call_command("import_procedures", str(path), stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_imports_procedures_with_variants_fees_papers_and_steps(tmp_path):
    out, _ = run(write(tmp_path, [procedure(), procedure("1.000894", name="Đăng ký kết hôn")]))
    assert "2 thủ tục mới" in out
    variant = ProcedureVariant.objects.get(procedure__code="1.001193")
    assert variant.fees.get().amount == 8000
    assert list(variant.steps.values_list("order", "role")) == [(1, "reception"), (2, "specialist"), (3, "reception")]
    assert variant.documents.count() == 1


def test_an_import_shows_on_the_catalogue_page_at_once(tmp_path, client):
    from django.urls import reverse

    run(write(tmp_path, [procedure()]))
    assert "Đăng ký khai sinh" in client.get(reverse("procedures:list")).content.decode()
    run(write(tmp_path, [procedure(name="Đăng ký khai sinh lưu động")]))
    assert "Đăng ký khai sinh lưu động" in client.get(reverse("procedures:list")).content.decode()


def test_reimport_updates_instead_of_duplicating(tmp_path):
    run(write(tmp_path, [procedure()]))
    changed = procedure(name="Đăng ký khai sinh (sửa)", variant={"fees": [{"name": "Lệ phí", "amount": 10000}]})
    out, _ = run(write(tmp_path, [changed]))
    assert "cập nhật 1" in out
    assert Procedure.objects.get(code="1.001193").name == "Đăng ký khai sinh (sửa)"
    assert list(Fee.objects.values_list("amount", flat=True)) == [10000]


BAD_ROWS = [
    ({"variant": {"fees": [{"name": "Lệ phí", "amount": -8000}]}}, "âm"),
    ({"variant": {"fees": [{"name": "Lệ phí", "amount": 8000.5}]}}, "không phải số đồng nguyên"),
    ({"variant": {"time_limit": "0"}}, "thời hạn giải quyết phải lớn hơn 0"),
    ({"variant": {"steps": [{"name": "Xử lý", "role": "specialist", "budget": "2"},
                            {"name": "Trả", "role": "reception", "budget": "0.5"}]}}, "tổng thời gian các bước"),
    ({"variant": {"time_unit": "fortnights"}}, "đơn vị thời hạn"),
    ({"level": "huyen"}, "cấp thực hiện"),
    ({"name": ""}, "thiếu tên"),
    ({"variants": []}, "chưa có trường hợp"),
]


@pytest.mark.parametrize(("override", "message"), BAD_ROWS)
def test_a_bad_row_imports_nothing_and_names_the_row(tmp_path, override, message):
    path = write(tmp_path, [procedure("1.000894", name="Đăng ký kết hôn"), procedure(**override)])
    with pytest.raises(CommandError, match="không nhập thủ tục nào"):
        run(path)
    assert Procedure.objects.count() == 0
    err = StringIO()
    with pytest.raises(CommandError):
        call_command("import_procedures", str(path), stdout=StringIO(), stderr=err)
    assert "thủ tục thứ 2" in err.getvalue() and message in err.getvalue()


def test_duplicate_code_in_the_file_is_refused(tmp_path):
    with pytest.raises(CommandError):
        run(write(tmp_path, [procedure(), procedure()]))
    assert Procedure.objects.count() == 0


def test_invalid_utf8_is_refused(tmp_path):
    path = tmp_path / "bad.json"
    path.write_bytes('{"procedures": [{"name": "Đăng ký'.encode() + b"\xff\xfe" + b'"}]}')
    with pytest.raises(CommandError, match="UTF-8"):
        run(path)
    assert Procedure.objects.count() == 0


def test_existing_catalogue_is_untouched_by_a_refused_file(tmp_path):
    ProcedureFactory(code="1.001193", name="Đăng ký khai sinh")
    with pytest.raises(CommandError):
        run(write(tmp_path, [procedure(name="Tên mới", variant={"time_limit": "0"})]))
    assert Procedure.objects.get(code="1.001193").name == "Đăng ký khai sinh"


CSV_HEADER = ("record,procedure_code,name,field_code,field_name,level,result,online_level,variant,time_limit,"
              "time_unit,kind,amount,channel,form,role,budget\n")
CSV = CSV_HEADER + (
    "procedure,2.000815,Chứng thực bản sao từ bản chính,CHUNGTHUC,Chứng thực,commune,Bản sao có chứng thực,none"
    ",,,,,,,,,\n") + """variant,2.000815,,,,,,,Trường hợp chung,1,same_day,,,,,,
fee,2.000815,Phí chứng thực,,,,,,Trường hợp chung,,,charge,2000,all,,,
document,2.000815,Bản chính giấy tờ,,,,,,Trường hợp chung,,,,,,show_original,,
step,2.000815,Tiếp nhận,,,,,,Trường hợp chung,,,,,,,reception,0.25
step,2.000815,Chứng thực,,,,,,Trường hợp chung,,,,,,,specialist,0.5
step,2.000815,Trả kết quả,,,,,,Trường hợp chung,,,,,,,reception,0.25
"""


def test_imports_csv(tmp_path):
    path = tmp_path / "catalogue.csv"
    path.write_text(CSV, encoding="utf-8")
    run(path)
    variant = ProcedureVariant.objects.get(procedure__code="2.000815")
    assert variant.time_unit == "same_day"
    assert variant.fees.get().amount == 2000
    assert ProcedureStep.objects.filter(variant=variant).count() == 3


def test_csv_bad_line_is_reported_by_line_number(tmp_path):
    path = tmp_path / "catalogue.csv"
    path.write_text(CSV.replace("charge,2000", "charge,-5"), encoding="utf-8")
    err = StringIO()
    with pytest.raises(CommandError):
        call_command("import_procedures", str(path), stdout=StringIO(), stderr=err)
    assert "dòng 4" in err.getvalue() and "âm" in err.getvalue()
    assert Procedure.objects.count() == 0


def test_demo_catalogue_file_is_valid():
    from dossiers.demo.seed import CATALOGUE

    out, _ = run(CATALOGUE)
    assert Procedure.objects.count() >= 28
    assert Procedure.objects.filter(code="1.001193", name="Đăng ký khai sinh").exists()


def test_the_admin_imports_the_catalogue_from_the_web_page_all_or_nothing(tmp_path, admin_client):
    """Issue 22, item 17: the same check as import_procedures, from the admin's procedure list."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    page = admin_client.get("/quan-tri/procedures/procedure/")
    assert "/quan-tri/procedures/procedure/nhap-tep/" in page.content.decode()
    url = "/quan-tri/procedures/procedure/nhap-tep/"
    assert "Kiểm tra và nhập" in admin_client.get(url).content.decode()

    bad = write(tmp_path, [procedure(), procedure("1.000894", name="", variant={"time_unit": "weeks"})])
    refused = admin_client.post(url, {"file": SimpleUploadedFile("danh-muc.json", bad.read_bytes())})
    html = refused.content.decode()
    assert refused.status_code == 200 and "không nhập thủ tục nào" in html and "thủ tục thứ 2" in html
    assert not Procedure.objects.exists()

    wrong_kind = admin_client.post(url, {"file": SimpleUploadedFile("danh-muc.xlsx", b"PK")})
    assert "Chỉ nhận tệp .csv hoặc .json." in wrong_kind.content.decode()

    good = write(tmp_path, [procedure(), procedure("1.000894", name="Đăng ký kết hôn")])
    done = admin_client.post(url, {"file": SimpleUploadedFile("danh-muc.json", good.read_bytes())}, follow=True)
    assert "Đã nhập 2 thủ tục mới, cập nhật 0 thủ tục." in done.content.decode()
    assert set(Procedure.objects.values_list("code", flat=True)) == {"1.001193", "1.000894"}


def test_only_staff_with_rights_reach_the_import_page(client):
    assert client.get("/quan-tri/procedures/procedure/nhap-tep/").status_code == 302  # to the admin login


CATALOGUE = Path(__file__).resolve().parents[2] / "procedures" / "data" / "catalogue.json"


@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_the_admin_exports_the_catalogue_in_the_file_the_import_reads(admin_client, fmt):
    """Issue 22, item 17: export, wipe, import the export: the catalogue comes back the same."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    run(CATALOGUE)
    before = exporter.catalogue_data()
    assert len(before["procedures"]) == 31 and all(p["variants"] for p in before["procedures"])
    assert f"/quan-tri/procedures/procedure/xuat-tep/{fmt}/" in admin_client.get(
        "/quan-tri/procedures/procedure/").content.decode()
    response = admin_client.get(f"/quan-tri/procedures/procedure/xuat-tep/{fmt}/")
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="danh-muc-thu-tuc.{fmt}"'
    Procedure.objects.all().delete()
    done = admin_client.post("/quan-tri/procedures/procedure/nhap-tep/",
                             {"file": SimpleUploadedFile(f"danh-muc.{fmt}", response.content)}, follow=True)
    assert "Đã nhập 31 thủ tục mới, cập nhật 0 thủ tục." in done.content.decode()
    assert exporter.catalogue_data() == before


def test_only_the_admin_downloads_the_catalogue(client):
    assert client.get("/quan-tri/procedures/procedure/xuat-tep/json/").status_code == 302  # to the admin login
