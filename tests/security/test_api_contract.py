"""Issue 20, item 8: every answer under /api/ is JSON with a `code`, and the published schema
describes what comes back (the Schemathesis run, test_schemathesis.py, checks it by generation)."""

import pytest
from django.test import override_settings
from rest_framework.test import APIClient

from dossiers import selectors
from mocua.api import flat_errors

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("url", ["/api/v1/nothing/", "/api/v2/dossiers/", "/api/",
                                 "/api/v1/stats/officers/abc/late-steps/",
                                 "/api/v1/stats/officers/99999999999999999999/late-steps/", "/api/v1/dossiers/a%25b/"])
def test_an_unknown_path_or_malformed_id_is_a_json_404(url):
    response = APIClient().get(url)
    assert response.status_code == 404 and response["Content-Type"] == "application/json"
    assert response.json() == {"code": "not_found", "detail": "Không tìm thấy."}


@override_settings(DEBUG=True)
def test_json_even_with_debug_on():
    """With DEBUG (the demo) Django would answer its HTML debug page."""
    response = APIClient().get("/api/v1/nothing/")
    assert response.status_code == 404 and response.json()["code"] == "not_found"


def test_a_crash_under_the_api_is_a_json_500(api_as, specialist, monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(selectors, "dossier_list_for_agency", broken)
    client = api_as(specialist)
    client.raise_request_exception = False
    response = client.get("/api/v1/dossiers/")
    assert response.status_code == 500
    assert response.json() == {"code": "server_error", "detail": "Lỗi hệ thống. Vui lòng thử lại sau."}
    assert "boom" not in response.content.decode()


def test_a_wrong_method_and_a_wrong_media_type_are_json(api_as, specialist):
    client = api_as(specialist)
    assert client.delete("/api/v1/dossiers/").json()["code"] == "method_not_allowed"
    response = client.post("/api/v1/dossiers/", "<xml/>", content_type="application/xml")
    assert response.status_code == 415 and response.json()["code"] == "unsupported_media_type"


def test_malformed_json_is_a_400_parse_error(api_as, receptionist):
    response = api_as(receptionist).post("/api/v1/dossiers/", "{", content_type="application/json")
    assert response.status_code == 400 and response.json()["code"] == "parse_error"


def test_nested_field_errors_are_named_by_their_path(api_as, receptionist, variant):
    body = {"variant": variant.pk, "applicant": {"name": ""}, "papers": [{"name": "Tờ khai"}, {"name": ""}]}
    response = api_as(receptionist).post("/api/v1/dossiers/", body, format="json")
    fields = response.json()["fields"]
    assert {"applicant.name", "papers.1.name"} <= set(fields)
    assert all(isinstance(key, str) and isinstance(value, list) and all(isinstance(m, str) for m in value)
               for key, value in fields.items())


def test_flat_errors():
    assert flat_errors({"a": {"b": ["x"]}, "c": [{}, {"d": ["y"]}], "e": ["z"], "f": {"non_field_errors": ["w"]}}) == {
        "a.b": ["x"], "c.1.d": ["y"], "e": ["z"], "f": ["w"]}


def test_the_schema_documents_every_error_status_with_the_error_body(client):
    schema = client.get("/api/schema/", {"format": "json"}).json()
    assert schema["components"]["schemas"]["ErrorOutput"]["required"] == ["code", "detail"]
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            responses = operation["responses"]
            assert {"400", "404"} <= set(responses), (method, path)
            if any(operation.get("security", [{}])):
                assert {"401", "403"} <= set(responses), (method, path)
            for code, response in responses.items():
                if int(code) >= 400:
                    body = response["content"]["application/json"]["schema"]
                    assert body == {"$ref": "#/components/schemas/ErrorOutput"}, (method, path, code)


def test_ratings_stats_refuses_a_bad_grouping(api_as, leader):
    response = api_as(leader).get("/api/v1/ratings/stats/", {"by": "AAA"})
    assert response.status_code == 400 and "by" in response.json()["fields"]
