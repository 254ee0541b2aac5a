import pytest
from rest_framework.test import APIClient

from ..factories import FieldFactory, ProcedureFactory, full_variant

pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def catalogue():
    civil = FieldFactory(code="HOTICH", name="Hộ tịch")
    full_variant(ProcedureFactory(code="1.001193", name="Đăng ký khai sinh", field=civil))
    full_variant(ProcedureFactory(code="1.000894", name="Đăng ký kết hôn", field=civil))
    full_variant(ProcedureFactory(code="2.000815", name="Chứng thực bản sao", level="province"))


def test_list_is_public_and_searchable_without_diacritics(api, catalogue):
    response = api.get("/api/v1/procedures/", {"search": "DANG KY KHAI SINH"})
    assert response.status_code == 200
    assert [p["code"] for p in response.json()["results"]] == ["1.001193"]


def test_list_filters(api, catalogue):
    body = api.get("/api/v1/procedures/", {"field": "HOTICH"}).json()
    assert {p["code"] for p in body["results"]} == {"1.001193", "1.000894"}
    body = api.get("/api/v1/procedures/", {"level": "province"}).json()
    assert [p["code"] for p in body["results"]] == ["2.000815"]


def test_detail_by_dotted_code(api, catalogue):
    body = api.get("/api/v1/procedures/1.001193/").json()
    assert body["name"] == "Đăng ký khai sinh"
    variant = body["variants"][0]
    assert variant["time_label"] == "03 ngày làm việc"
    assert variant["fees"][0]["amount"] == 8000
    assert [s["role"] for s in variant["steps"]] == ["reception", "specialist", "leader", "reception"]


def test_unknown_code_is_a_structured_404(api, catalogue):
    response = api.get("/api/v1/procedures/9.999999/")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_list_query_count_is_constant(api, catalogue, django_assert_num_queries):
    # count, page of procedures + field, variants prefetch
    with django_assert_num_queries(3):
        assert len(api.get("/api/v1/procedures/").json()["results"]) == 3
    for n in range(5):
        full_variant(ProcedureFactory(code=f"7.{n:06d}"))
    with django_assert_num_queries(3):
        assert len(api.get("/api/v1/procedures/").json()["results"]) == 8


def test_schema_and_docs_are_served_without_a_cdn(client):
    schema = client.get("/api/schema/")
    assert schema.status_code == 200
    assert b"/api/v1/procedures/{code}/" in schema.content
    docs = client.get("/api/docs/").content.decode()
    assert "swagger-ui" in docs
    assert "cdn." not in docs and "unpkg" not in docs and "jsdelivr" not in docs
