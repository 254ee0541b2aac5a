"""POST /api/v1/lookup/: the same rules as the page, with structured answers."""

import pytest

from .conftest import PRIVATE, api_look_up

pytestmark = pytest.mark.django_db


def test_code_and_pin_give_the_masked_dossier(client, build_dossier, specialist):
    dossier = build_dossier("awaiting_supplement")

    response = api_look_up(client, dossier.code, dossier.pin)

    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"code", "status", "status_label", "portal_status", "procedure", "agency", "applicant",
                         "submitted_at", "received_at", "due_at", "returned_at", "missing_papers", "reason",
                         "return_method", "timeline", "results", "postal_tracking", "delivered_at"}
    assert body["results"] == []
    assert (body["code"], body["status"], body["portal_status"], body["applicant"]) == (
        dossier.code, "awaiting_supplement", 5, "T*** T** B***")
    assert (body["missing_papers"], body["reason"], body["return_method"]) == (
        ["Giấy chứng sinh"], "Thiếu giấy", "Tại Bộ phận Một cửa")
    assert [set(step) for step in body["timeline"]] == [{"step", "unit", "started_at", "finished_at"}] * 2
    text = response.content.decode()
    for private in [*PRIVATE, specialist.full_name, specialist.username, dossier.pin]:
        assert private not in text


def test_a_wrong_pin_is_a_structured_404(client, build_dossier):
    dossier = build_dossier("processing")
    response = api_look_up(client, dossier.code, "WRONG234")
    assert response.status_code == 404
    assert response.json() == {"code": "not_found", "detail": "Mã hồ sơ hoặc mã tra cứu không đúng."}


def test_missing_fields_are_named(client):
    response = client.post("/api/v1/lookup/", {"code": "000.17.22.H56-260302-0001"},
                           content_type="application/json")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid" and "pin" in body["fields"]


def test_the_pin_is_never_read_from_the_query_string(client, build_dossier):
    dossier = build_dossier("processing")
    assert client.get("/api/v1/lookup/", {"code": dossier.code, "pin": dossier.pin}).status_code == 405
    response = client.post(f"/api/v1/lookup/?code={dossier.code}&pin={dossier.pin}", {},
                           content_type="application/json")
    assert response.status_code == 400


def test_too_many_failures_are_a_structured_429(client, settings):
    settings.LOOKUP_CLIENT_FAILURES = 3
    answers = [api_look_up(client, f"000.17.22.H56-260302-{n:04d}", "AAAAAAAA") for n in range(5)]
    assert [a.status_code for a in answers] == [404, 404, 404, 429, 429]
    assert answers[-1].json() == {"code": "throttled",
                                  "detail": "Bạn đã tra cứu sai quá nhiều lần. Vui lòng thử lại sau ít phút."}


def test_no_login_or_csrf_token_is_needed(build_dossier):
    from django.test import Client

    dossier = build_dossier("processing")
    strict = Client(enforce_csrf_checks=True)
    assert api_look_up(strict, dossier.code, dossier.pin).status_code == 200
