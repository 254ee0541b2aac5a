"""Issue 20, items 1–7: bad input is a Vietnamese message on a page or a 400 with a `code` in the API,
never a 500, and changes nothing. The validation is mocua/inputs.py (fields, converters, ensure_fits)."""

import io

import openpyxl
import pytest
from django.utils import timezone

from dossiers.models import Dossier, IntakeGuidance
from dossiers.validators import MAX_PAPERS, citizen_id_error, phone_error, tax_code_error
from mocua.inputs import DATE_MESSAGE, UNSAFE_MESSAGE

pytestmark = pytest.mark.django_db
INTAKE = "/api/v1/dossiers/"


# --------------------------------------------------------------------------- 1. NUL bytes


@pytest.mark.parametrize("url", ["/thu-tuc/?field=%00", "/thu-tuc/?agency=%00", "/thu-tuc/?level=%00",
                                 "/thu-tuc/?q=%00"])
def test_nul_in_the_catalogue_filters_is_a_message_not_a_500(client, url):
    response = client.get(url)
    assert response.status_code == 400
    assert "không hợp lệ nên đã được bỏ qua" in response.content.decode()


@pytest.mark.parametrize("key", ["status", "procedure", "field", "channel", "q", "holder"])
def test_nul_in_the_staff_list_filters_is_a_message_not_a_500(page_as, specialist, key):
    response = page_as(specialist).get(f"/can-bo/ho-so/?{key}=%00")
    assert response.status_code == 400
    assert "không hợp lệ nên đã được bỏ qua" in response.content.decode()


@pytest.mark.parametrize("url", ["/thu-tuc/%00/", "/thu-tuc/%00/nop-truc-tuyen/", "/can-bo/ho-so/%00/",
                                 "/can-bo/ho-so/%00/mau-01.pdf", "/tra-cuu/ma/%00/", "/danh-gia/ho-so/%00/"])
def test_nul_in_a_path_is_no_such_page(page_as, specialist, url):
    assert page_as(specialist).get(url).status_code == 404


@pytest.mark.parametrize("url", ["/api/v1/dossiers/%00/", "/api/v1/procedures/%00/", "/api/v1/dossiers/%00/approve/"])
def test_nul_in_an_api_path_is_a_json_404(api_as, specialist, url):
    response = api_as(specialist).get(url)
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_nul_in_an_api_filter_is_a_400_naming_it(api_as, specialist):
    response = api_as(specialist).get(INTAKE, {"procedure": "\x00", "q": "\x00"})
    assert response.status_code == 400
    assert {"procedure", "q"} <= set(response.json()["fields"])


# --------------------------------------------------------------------------- 2. dates out of range

LEADER_PAGES = ["/lanh-dao/", "/lanh-dao/can-bo/", "/lanh-dao/theo/phong-ban/", "/lanh-dao/theo/don-vi/",
                "/lanh-dao/theo/linh-vuc/", "/lanh-dao/theo/thu-tuc/", "/lanh-dao/bieu-06/", "/lanh-dao/chi-so-766/"]
STATS = ["dashboard", "officers", "breakdown", "report06", "index766"]


@pytest.mark.parametrize("url", LEADER_PAGES)
@pytest.mark.parametrize("dates", [{"start": "2026-01-01", "end": "9999-12-31"},
                                   {"start": "0001-01-01", "end": "2026-01-31"},
                                   {"start": "9999-12-30", "end": "9999-12-31"}])
@pytest.mark.parametrize("fmt", ["", "xlsx", "pdf"])
def test_leaders_pages_and_exports_refuse_dates_out_of_range(page_as, leader, url, dates, fmt):
    response = page_as(leader).get(url, {"period": "range", **dates, **({"format": fmt} if fmt else {})})
    assert response.status_code == 400
    assert DATE_MESSAGE in response.content.decode()


@pytest.mark.parametrize("name", STATS)
def test_stats_endpoints_refuse_dates_out_of_range(api_as, leader, name):
    params = {"period": "range", "start": "2026-01-01", "end": "9999-12-31", "by": "agency"}
    response = api_as(leader).get(f"/api/v1/stats/{name}/", params)
    assert response.status_code == 400
    assert response.json()["code"] == "invalid" and "end" in response.json()["fields"]


@pytest.mark.parametrize("params", [{"end": "9999-12-31"}, {"start": "0001-01-01"}])
def test_the_register_refuses_dates_out_of_range(page_as, receptionist, params):
    query = {"start": "2026-01-01", "end": "2026-01-31", **params}
    for fmt in ("", "xlsx", "pdf"):
        response = page_as(receptionist).get("/can-bo/so-theo-doi/", {**query, "format": fmt})
        assert response.status_code == 200 and response["Content-Type"].startswith("text/html")
        assert DATE_MESSAGE in response.content.decode()


@pytest.mark.parametrize("params", [{"end": "9999-12-31"}, {"start": "0001-01-01"}, {"by": "AAA"}])
def test_the_ratings_page_and_api_refuse_a_bad_period(page_as, api_as, leader, params):
    page = page_as(leader).get("/can-bo/danh-gia/", params)
    html = page.content.decode()
    assert page.status_code == 400
    assert (DATE_MESSAGE in html) if "by" not in params else ("Cách nhóm số liệu không hợp lệ." in html)
    api = api_as(leader).get("/api/v1/ratings/stats/", params)
    assert api.status_code == 400
    assert api.json()["code"] == "invalid" and set(params) <= set(api.json()["fields"])


# --------------------------------------------------------------------------- 3. huge page numbers


@pytest.mark.parametrize("page", ["9" * 30, "99999999999", "-1", "１", "1e9"])
def test_a_huge_page_with_a_search_is_the_first_page(page_as, api_as, specialist, build_dossier, page):
    build_dossier("received")
    response = page_as(specialist).get("/can-bo/ho-so/", {"q": "nguyen", "page": page})
    assert response.status_code == 200
    assert api_as(specialist).get(INTAKE, {"q": "nguyen", "page": page}).status_code == 404  # no such page, JSON
    assert page_as(specialist).get("/can-bo/ho-so/cua-toi/", {"page": page}).status_code == 200


# --------------------------------------------------------------------------- 4. lengths against columns


def _intake_body(variant, **applicant):
    return {"variant": variant.pk, "applicant": {"name": "Nguyễn Văn An", **applicant}}


def test_an_email_past_254_characters_is_refused_at_every_intake(api_as, page_as, receptionist, variant,
                                                                  submit_online, client):
    email = "a" * 250 + "@example.com"
    response = api_as(receptionist).post(INTAKE, _intake_body(variant, email=email), format="json")
    assert response.status_code == 400 and "applicant.email" in response.json()["fields"]

    page = page_as(receptionist).post(f"/can-bo/ho-so/tiep-nhan/?variant={variant.pk}", {
        "outcome": "accept", "applicant_name": "Nguyễn Văn An", "applicant_email": email, "channel": "counter",
        "sets": 1, "return_method": "counter", "owner_kind": "person"})
    assert page.status_code == 200 and page.context["form"].errors["applicant_email"]

    procedure = variant.procedure
    procedure.online_level = "full"
    procedure.save(update_fields=["online_level"])
    client.logout()
    online = client.post(f"/thu-tuc/{procedure.code}/nop-truc-tuyen/", {
        "variant": variant.pk, "agency": receptionist.agency_id, "applicant_name": "Nguyễn Văn An",
        "applicant_id_number": "038190001234", "applicant_email": email, "applicant_address": "1 Lê Lợi",
        "return_method": "counter", "consent": "on"})
    assert online.status_code == 200 and online.context["form"].errors["applicant_email"]
    assert not Dossier.objects.exists()


def test_the_service_refuses_a_text_longer_than_its_column(receptionist, variant):
    """The last guard behind forms and serializers: ensure_fits names the field, nothing is written."""
    from dossiers import services
    from mocua.errors import DomainError

    from ..dossiers.conftest import make_intake

    intake = make_intake(variant, applicant=services.Applicant(name="An", email="b" * 250 + "@example.com"))
    with pytest.raises(DomainError) as refused:
        services.dossier_receive(actor=receptionist, intake=intake)
    assert refused.value.field == "applicant_email" and refused.value.code == "too_long"
    assert not Dossier.objects.exists()


# --------------------------------------------------------------------------- 5. limits real dossiers never reach


def test_more_papers_than_a_dossier_has_is_a_400(api_as, receptionist, variant):
    body = {**_intake_body(variant), "papers": [{"name": f"Giấy {n}"} for n in range(MAX_PAPERS + 1)]}
    response = api_as(receptionist).post(INTAKE, body, format="json")
    assert response.status_code == 400 and "papers" in response.json()["fields"]
    assert not Dossier.objects.exists()


def test_a_body_over_the_size_limit_is_a_400_before_it_is_read(api_as, receptionist, variant, settings):
    settings.API_MAX_BODY_BYTES = 10_000
    body = {**_intake_body(variant), "note": "x" * 20_000}
    response = api_as(receptionist).post(INTAKE, body, format="json")
    assert response.status_code == 400 and response.json()["code"] == "too_large"
    assert not Dossier.objects.exists()


def test_a_body_nested_too_deep_is_a_400(api_as, receptionist):
    deep = "[" * 50_000 + "]" * 50_000
    response = api_as(receptionist).post(INTAKE, deep, content_type="application/json")
    assert response.status_code == 400 and response.json()["code"] == "too_deep"
    shallow_but_deep = {"applicant": {"name": [[[[[[[[[[[[[[[[[[[[[["x"]]]]]]]]]]]]]]]]]]]]]]}}
    response = api_as(receptionist).post(INTAKE, shallow_but_deep, format="json")
    assert response.status_code == 400 and response.json()["code"] == "too_deep"


def test_too_many_missing_papers_or_a_note_too_long_is_refused(api_as, specialist, build_dossier):
    dossier = build_dossier("processing")
    url = f"/api/v1/dossiers/{dossier.code}/request-supplement/"
    response = api_as(specialist).post(url, {"missing_papers": ["Giấy"] * 51, "reason": "Thiếu"}, format="json")
    assert response.status_code == 400 and "missing_papers" in response.json()["fields"]
    response = api_as(specialist).post(url, {"missing_papers": ["Giấy"], "reason": "x" * 4001}, format="json")
    assert response.status_code == 400 and "reason" in response.json()["fields"]


# --------------------------------------------------------------------------- 6. control characters

HOSTILE_TEXT = ["An\x01", "An\x08", "A\x0bn", "An\x1b[31m", "An\u202eesreveR", "An\u2066x", "An\x7f", "A\x85n"]


@pytest.mark.parametrize("name", HOSTILE_TEXT)
def test_control_characters_and_direction_overrides_are_refused_in_names(api_as, page_as, receptionist, variant,
                                                                        name):
    response = api_as(receptionist).post(INTAKE, _intake_body(variant, address=name), format="json")
    assert response.status_code == 400 and response.json()["fields"]["applicant.address"] == [UNSAFE_MESSAGE]
    page = page_as(receptionist).post(f"/can-bo/ho-so/tiep-nhan/?variant={variant.pk}", {
        "outcome": "guide", "applicant_name": name, "channel": "counter", "sets": 1, "return_method": "counter",
        "owner_kind": "person", "missing_papers": "Tờ khai"})
    assert page.context["form"].errors["applicant_name"] == [UNSAFE_MESSAGE]
    assert not Dossier.objects.exists() and not IntakeGuidance.objects.exists()


def test_free_text_keeps_line_breaks_but_not_other_controls(api_as, specialist, build_dossier):
    dossier = build_dossier("processing")
    url = f"/api/v1/dossiers/{dossier.code}/request-payment/"
    assert api_as(specialist).post(url, {"reason": "Thuế\x1b đất"}, format="json").status_code == 400
    assert api_as(specialist).post(url, {"reason": "Thuế đất\nPhí trước bạ"}, format="json").status_code == 200


def test_names_are_stored_nfc(api_as, receptionist, variant):
    decomposed = "Nguye\u0302\u0303n Văn An"  # what some keyboards send: e, circumflex, tilde
    response = api_as(receptionist).post(INTAKE, _intake_body(variant) | {"applicant": {"name": decomposed}},
                                         format="json")
    assert response.status_code == 201
    assert Dossier.objects.get().applicant_name == "Nguyễn Văn An"


def test_an_old_row_with_a_control_character_does_not_break_the_register(page_as, receptionist, build_dossier):
    """Rows written before the check (or by hand) still export: the xlsx writer replaces what XML cannot hold."""
    dossier = build_dossier("received")
    Dossier.objects.filter(pk=dossier.pk).update(applicant_name="An\x01\x08 Bình", owner_name="")
    day = timezone.localdate(dossier.received_at).isoformat()  # the register's days are local days
    response = page_as(receptionist).get("/can-bo/so-theo-doi/", {"start": day, "end": day, "format": "xlsx"})
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    values = [cell.value for row in sheet.iter_rows() for cell in row]
    assert "An\ufffd\ufffd Bình" in values


# --------------------------------------------------------------------------- 7. ASCII digits


@pytest.mark.parametrize("value", ["０３８１９０００１２３４", "٠٣٨١٩٠٠٠١٢٣٤", "03819000123４"])
def test_full_width_and_other_digits_are_not_a_citizen_id(api_as, receptionist, variant, value):
    assert citizen_id_error(value)
    response = api_as(receptionist).post(INTAKE, _intake_body(variant, id_number=value), format="json")
    assert response.status_code == 400 and "applicant_id_number" in response.json()["fields"]


def test_phones_and_tax_codes_are_ascii_digits_too():
    assert phone_error("０９１２３４５６７８") and not phone_error("0912345678")
    assert tax_code_error("０１２３４５６７８９") and not tax_code_error("0123456789")


@pytest.mark.parametrize("value", ["１", "1_0", "٣"])
def test_ids_in_query_strings_are_ascii_digits(api_as, specialist, value):
    response = api_as(specialist).get(INTAKE, {"holder": value})
    assert response.status_code == 400 and "holder" in response.json()["fields"]
