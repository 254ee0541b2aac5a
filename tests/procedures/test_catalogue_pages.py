import unicodedata

import pytest
from django.urls import reverse

from mocua.accounts.models import Level
from procedures.models import Procedure

from ..factories import AgencyFactory, FieldFactory, ProcedureFactory, full_variant

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue():
    civil = FieldFactory(code="HOTICH", name="Hộ tịch")
    certify = FieldFactory(code="CHUNGTHUC", name="Chứng thực")
    birth = ProcedureFactory(code="1.001193", name="Đăng ký khai sinh", field=civil, result="Giấy khai sinh")
    marriage = ProcedureFactory(code="1.000894", name="Đăng ký kết hôn", field=civil)
    copy = ProcedureFactory(code="2.000815", name="Chứng thực bản sao từ bản chính", field=certify,
                            level=Level.COMMUNE)
    record = ProcedureFactory(code="3.000333", name="Cấp Phiếu lý lịch tư pháp", field=civil, level=Level.PROVINCE)
    for procedure in (birth, marriage, copy, record):
        full_variant(procedure)
    return {"birth": birth, "marriage": marriage, "copy": copy, "record": record}


def codes(response):
    return [p.code for p in response.context["page"].object_list]


@pytest.mark.parametrize("query", ["dang ky khai sinh", "ĐĂNG KÝ KHAI SINH", "Đăng ký khai sinh", "khai  SINH",
                                   unicodedata.normalize("NFD", "đăng ký khai sinh"), "1.001193"])
def test_search_ignores_diacritics_and_case(client, catalogue, query):
    response = client.get(reverse("procedures:list"), {"q": query})
    assert response.status_code == 200
    assert codes(response) == ["1.001193"]


def test_search_word_without_accents_finds_every_match(client, catalogue):
    response = client.get(reverse("procedures:list"), {"q": "dang ky"})
    assert sorted(codes(response)) == ["1.000894", "1.001193"]


@pytest.mark.parametrize("query", ["%", "_", "' OR 1=1 --", "<script>alert(1)</script>", "😀"])
def test_any_query_returns_a_page(client, catalogue, query):
    response = client.get(reverse("procedures:list"), {"q": query})
    assert response.status_code == 200
    assert "<script>alert(1)</script>" not in response.content.decode()


@pytest.mark.parametrize("query", ["\x00", "a\x1bb", "a" * 5000, "đ" * 300 + " x" * 300])
def test_a_query_with_control_characters_or_too_long_is_named_and_the_catalogue_still_shown(client, catalogue,
                                                                                             query):
    response = client.get(reverse("procedures:list"), {"q": query})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Bộ lọc “Tìm thủ tục” không hợp lệ nên đã được bỏ qua." in html
    assert sorted(codes(response)) == sorted(p.code for p in catalogue.values())


def test_filters_by_field_level_and_agency(client, catalogue):
    agency = AgencyFactory(code="000.17.22.H56")
    catalogue["copy"].agencies.add(agency)
    assert codes(client.get(reverse("procedures:list"), {"field": "CHUNGTHUC"})) == ["2.000815"]
    assert codes(client.get(reverse("procedures:list"), {"level": "province"})) == ["3.000333"]
    assert codes(client.get(reverse("procedures:list"), {"agency": "000.17.22.H56"})) == ["2.000815"]


def test_inactive_procedures_are_hidden(client, catalogue):
    Procedure.objects.filter(code="1.001193").update(is_active=False)
    assert "1.001193" not in codes(client.get(reverse("procedures:list")))
    assert client.get(reverse("procedures:detail", args=["1.001193"])).status_code == 404


def test_list_is_paginated(client, catalogue):
    field = FieldFactory(code="X", name="Khác")
    for n in range(25):
        ProcedureFactory(code=f"9.{n:06d}", name=f"Thủ tục khác {n}", field=field)
    first = client.get(reverse("procedures:list"), {"field": "X"})
    second = client.get(reverse("procedures:list"), {"field": "X", "page": 2})
    assert len(codes(first)) == 20 and len(codes(second)) == 5
    assert set(codes(first)).isdisjoint(codes(second))


def _list_queries(client, django_assert_num_queries, expected):
    with django_assert_num_queries(expected):
        response = client.get(reverse("procedures:list"))
        assert response.status_code == 200
        return response


def test_list_reads_the_catalogue_once_per_version(client, catalogue, django_assert_num_queries):
    # Building the process's snapshot: variants' limits, procedures' agencies, procedures with their
    # field, then the filter choices (fields, agencies); the visits after it read no table.
    _list_queries(client, django_assert_num_queries, 5)
    _list_queries(client, django_assert_num_queries, 0)
    for n in range(10):
        full_variant(ProcedureFactory(code=f"8.{n:06d}"))
    response = _list_queries(client, django_assert_num_queries, 5)
    assert len(codes(response)) == 14
    _list_queries(client, django_assert_num_queries, 0)


def test_an_admin_edit_shows_on_the_next_visit(client, catalogue):
    assert codes(client.get(reverse("procedures:list"), {"q": "khai sinh"})) == ["1.001193"]
    birth = catalogue["birth"]
    birth.name = "Đăng ký khai sinh có yếu tố nước ngoài"
    birth.save()
    response = client.get(reverse("procedures:list"), {"q": "nuoc ngoai"})
    assert codes(response) == ["1.001193"]
    assert "có yếu tố nước ngoài" in response.content.decode()
    variant = birth.variants.get()
    variant.time_limit, variant.time_unit = 9, "working_days"
    variant.save()
    assert "09 ngày làm việc" in client.get(reverse("procedures:list"), {"q": "nuoc ngoai"}).content.decode()
    birth.is_active = False
    birth.save()
    assert codes(client.get(reverse("procedures:list"), {"q": "khai sinh"})) == []


def test_an_agency_added_to_a_procedure_shows_under_its_filter(client, catalogue):
    agency = AgencyFactory(code="000.00.01.H99", name="UBND xã Mới")
    assert codes(client.get(reverse("procedures:list"), {"agency": agency.code})) == []
    catalogue["copy"].agencies.add(agency)
    assert codes(client.get(reverse("procedures:list"), {"agency": agency.code})) == ["2.000815"]
    catalogue["copy"].agencies.remove(agency)
    assert codes(client.get(reverse("procedures:list"), {"agency": agency.code})) == []


def test_a_lost_version_rebuilds_the_snapshot(client, catalogue, django_assert_num_queries):
    from django.core.cache import cache

    from procedures import catalogue as snapshots

    client.get(reverse("procedures:list"))
    cache.delete(snapshots.VERSION_KEY)  # a flushed or restarted cache
    _list_queries(client, django_assert_num_queries, 5)


def test_detail_shows_what_a_citizen_needs(client, catalogue, django_assert_num_queries):
    # procedure + field, agencies, variants, fees, documents, steps, its published feedback answers
    with django_assert_num_queries(7):
        response = client.get(reverse("procedures:detail", args=["1.001193"]))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Đăng ký khai sinh" in page
    assert "03 ngày làm việc" in page
    assert "8.000 đồng" in page
    assert "Tờ khai theo mẫu" in page and "Giấy tờ tùy thân" in page


def test_text_is_stored_nfc(catalogue):
    decomposed = unicodedata.normalize("NFD", "Đăng ký lại khai sinh")
    procedure = ProcedureFactory(code="1.004884", name=decomposed)
    procedure.refresh_from_db()
    assert procedure.name == unicodedata.normalize("NFC", decomposed)
    assert unicodedata.is_normalized("NFC", procedure.name)


@pytest.fixture
def birth_and_joined(catalogue):
    """A liên thông procedure whose field ("Cấp …") sorts before Hộ tịch: the list's own order puts
    it first, so only the ranking can put Đăng ký khai sinh above it."""
    joined_field = FieldFactory(code="LIENTHONG", name="Cấp giấy tờ liên thông")
    joined = ProcedureFactory(code="1.009999", field=joined_field,
                              name="Liên thông các thủ tục hành chính về đăng ký khai sinh, cấp thẻ bảo hiểm y tế")
    full_variant(joined)
    return joined


@pytest.mark.parametrize("query", ["dang ky khai sinh", "dang ki khai sinh", "Đăng kí khai sinh"])
def test_the_name_that_is_the_query_ranks_first_and_i_y_fold_alike(client, birth_and_joined, query):
    """Issue 22, item 3: "dang ky khai sinh" listed the liên thông procedure above Đăng ký khai sinh,
    and "dang ki" found nothing."""
    response = client.get(reverse("procedures:list"), {"q": query})
    assert codes(response) == ["1.001193", "1.009999"]


def test_the_api_search_ranks_and_folds_i_y_too(client, birth_and_joined):
    body = client.get("/api/v1/procedures/", {"search": "dang ki khai sinh"}).json()
    assert [p["code"] for p in body["results"]] == ["1.001193", "1.009999"]
