"""The feedback API: staff (the unit's items, one URL per move, errors as codes), public (send, track,
add information, react, published answers), leaders (figures, targets, rankings), all in the OpenAPI
schema without warnings."""

import pytest
from drf_spectacular.drainage import GENERATOR_STATS
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.validation import validate_schema
from rest_framework.test import APIClient

from feedback.models import Feedback, Subject, UnitTarget
from feedback.workflow import Status
from mocua.accounts.models import Role

from ..factories import UserFactory
from .conftest import PRIVATE, SENDER, send

pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    return APIClient()


def test_the_units_items_in_a_fixed_number_of_queries(api, agency, other_agency, specialist,
                                                      django_assert_num_queries):
    for n in range(3):
        send(agency, title=f"Phản ánh {n}")
    send(other_agency)
    api.force_authenticate(specialist)
    with django_assert_num_queries(2):  # the capped count; the page of items with procedure, dossier, officer
        body = api.get("/api/v1/feedback/items/").json()
    assert body["count"] == 3 and {r["title"] for r in body["results"]} == {"Phản ánh 0", "Phản ánh 1", "Phản ánh 2"}
    for _ in range(5):
        send(agency)
    with django_assert_num_queries(2):
        assert api.get("/api/v1/feedback/items/").json()["count"] == 8


def test_a_move_returns_the_item_and_errors_carry_a_code(api, agency, other_agency, specialist):
    item = send(agency)
    api.force_authenticate(specialist)
    response = api.post(f"/api/v1/feedback/items/{item.pk}/classify/", {"category": "rule", "version": 1},
                        format="json")
    assert response.status_code == 200 and response.json()["status"] == "processing"
    assert [e["action"] for e in response.json()["events"]] == ["send", "classify"]
    stale = api.post(f"/api/v1/feedback/items/{item.pk}/answer/", {"answer": "x", "version": 1}, format="json")
    assert (stale.status_code, stale.json()["code"]) == (409, "stale_version")
    empty = api.post(f"/api/v1/feedback/items/{item.pk}/answer/", {"answer": " "}, format="json")
    assert (empty.status_code, empty.json()["code"], list(empty.json()["fields"])) == (400, "invalid", ["answer"])
    illegal = api.post(f"/api/v1/feedback/items/{item.pk}/refuse/", {"reason": "x"}, format="json")
    assert (illegal.status_code, illegal.json()["code"]) == (409, "invalid_transition")
    forbidden = api.post(f"/api/v1/feedback/items/{item.pk}/assign/", {"to_user": specialist.pk}, format="json")
    assert (forbidden.status_code, forbidden.json()["code"]) == (403, "forbidden")
    outsider = UserFactory(agency=other_agency, role=Role.LEADER, username="ngoai")
    api.force_authenticate(outsider)
    assert api.get(f"/api/v1/feedback/items/{item.pk}/").status_code == 404
    assert api.post(f"/api/v1/feedback/items/{item.pk}/answer/", {"answer": "x"}, format="json").status_code == 404
    assert Feedback.objects.get(pk=item.pk).status == Status.PROCESSING


def test_forwarding_through_the_api(api, agency, other_agency, specialist):
    item = send(agency)
    api.force_authenticate(specialist)
    missing = api.post(f"/api/v1/feedback/items/{item.pk}/forward/", {"to_agency": 999999, "reason": "x"},
                       format="json")
    assert missing.status_code == 400 and "to_agency" in missing.json()["fields"]
    done = api.post(f"/api/v1/feedback/items/{item.pk}/forward/", {"to_agency": other_agency.pk, "reason": "x"},
                    format="json")
    assert done.json()["status"] == "forwarded" and Feedback.objects.filter(agency=other_agency).count() == 1


def test_anonymous_callers_get_no_staff_endpoint(api, agency):
    item = send(agency)
    assert api.get("/api/v1/feedback/items/").status_code == 401
    assert api.get(f"/api/v1/feedback/items/{item.pk}/").status_code == 401


def test_the_public_sends_follows_adds_and_reacts(api, agency, specialist, head, build_item, build_dossier):
    dossier = build_dossier("returned")
    wrong = api.post("/api/v1/feedback/", {"subject": Subject.DOSSIER, "dossier_code": dossier.code,
                                           "dossier_pin": "SAI", "title": "T", "content": "C",
                                           "sender_name": SENDER["name"], "sender_phone": SENDER["phone"],
                                           "sender_address": SENDER["address"]}, format="json")
    assert (wrong.status_code, wrong.json()["code"]) == (404, "not_found")
    sent = api.post("/api/v1/feedback/", {"subject": Subject.DOSSIER, "dossier_code": dossier.code,
                                          "dossier_pin": dossier.pin, "title": "Chậm", "content": "Chậm trả",
                                          "sender_name": SENDER["name"], "sender_phone": SENDER["phone"],
                                          "sender_address": SENDER["address"]}, format="json")
    assert sent.status_code == 201
    code = sent.json()["code"]
    assert Feedback.objects.get(code=code).source == "api"
    bad = api.post("/api/v1/feedback/", {"subject": Subject.UNIT, "agency": "khong-co", "title": "T", "content": "C",
                                         "sender_name": "A", "sender_phone": SENDER["phone"],
                                         "sender_address": "B"}, format="json")
    assert (bad.status_code, bad.json()["fields"]) == (400, {"agency": ["Không có cơ quan này."]})
    tracked = api.post("/api/v1/feedback/track/", {"code": code}, format="json").json()
    assert tracked["status"] == "received" and tracked["sender"] == "P*** T** D***"
    for private in PRIVATE:
        assert private not in str(tracked)
    assert api.post("/api/v1/feedback/track/", {"code": "PA-0"}, format="json").status_code == 404
    waiting = build_item("awaiting_info")
    added = api.post("/api/v1/feedback/track/reply/", {"code": waiting.code, "reply": "Bổ sung"}, format="json")
    assert added.status_code == 200 and added.json()["status"] == "processing"
    answered = build_item("answered")
    reacted = api.post("/api/v1/feedback/track/react/", {"code": answered.code, "reaction": "satisfied"},
                       format="json")
    assert reacted.json()["reaction"] == "Hài lòng với kết quả trả lời" and reacted.json()["can_react"] is False


def test_the_published_answers_and_nothing_else(api, build_item):
    build_item("answered")
    published = build_item("published")
    body = api.get("/api/v1/feedback/published/").json()
    assert body == [{"agency": published.agency.name, "procedure": None, "category": "conduct",
                     "question": "Cán bộ hướng dẫn chưa rõ.", "answer": "Đơn vị đã nhắc nhở cán bộ.",
                     "published_at": body[0]["published_at"]}]
    assert api.get("/api/v1/feedback/published/", {"procedure": "9.999999"}).json() == []


def test_leaders_read_the_figures_and_set_targets(api, agency, leader, head, build_item):
    build_item("answered")
    api.force_authenticate(leader)
    figures = api.get("/api/v1/stats/feedback/").json()
    assert figures["total"]["received"] == 1 and figures["total"]["handled"] == 1
    assert [i["number"] for i in figures["total"]["indicators"]] == ["5.1", "5.2", "5.3"]
    created = api.post("/api/v1/stats/targets/", {"agency": agency.pk, "year": 2026, "on_time": "95.5"},
                       format="json")
    assert created.status_code == 201 and created.json()["on_time"] == 95.5
    targets = api.get("/api/v1/stats/targets/", {"period": "year", "year": 2026}).json()
    on_time = next(i for i in targets["units"][0]["items"] if i["metric"] == "on_time")
    assert on_time["target"] == 95.5
    ranked = api.get("/api/v1/stats/rankings/").json()
    assert ranked["units"][0]["agency"] == agency.pk and ranked["officers_of"] == agency.pk
    api.force_authenticate(head)
    refused = api.post("/api/v1/stats/targets/", {"agency": agency.pk, "year": 2026, "on_time": 90}, format="json")
    assert (refused.status_code, refused.json()["code"]) == (403, "forbidden")
    assert UnitTarget.objects.get().on_time == 95.5
    bad = api.get("/api/v1/stats/feedback/", {"month": 13})
    assert bad.status_code == 400 and "month" in bad.json()["fields"]


def test_the_schema_documents_every_feedback_endpoint_without_warnings(db):
    GENERATOR_STATS.reset()
    schema = SchemaGenerator().get_schema(request=None, public=True)
    validate_schema(schema)
    paths = schema["paths"]
    for move in ("assign", "classify", "forward", "refuse", "request-info", "info", "answer", "publish"):
        assert {"200", "400", "403", "404", "409"} <= set(paths[f"/api/v1/feedback/items/{{id}}/{move}/"]["post"][
            "responses"]), move
    for path in ("/api/v1/feedback/", "/api/v1/feedback/track/", "/api/v1/feedback/track/reply/",
                 "/api/v1/feedback/track/react/"):
        assert "post" in paths[path], path
    for path in ("/api/v1/feedback/published/", "/api/v1/transparency/", "/api/v1/stats/feedback/",
                 "/api/v1/stats/targets/", "/api/v1/stats/rankings/", "/api/v1/feedback/items/"):
        assert "get" in paths[path], path
    assert "post" in paths["/api/v1/stats/targets/"]
    assert [*GENERATOR_STATS._warn_cache, *GENERATOR_STATS._error_cache] == []
    assert {"FeedbackStatusEnum", "StatusEnum", "TransparencyOutput"} <= set(schema["components"]["schemas"])
