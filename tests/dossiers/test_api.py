"""Staff REST API /api/v1/dossiers/…: authentication, roles, agency scoping, intake, every move
(happy path, illegal move, bad input, stale version), list filters, pagination, the OpenAPI
schema and pinned query counts. The rules themselves are tested against the services."""

import re

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from dossiers import pins, services
from dossiers.models import Dossier, DossierDocument, Message
from mocua.accounts.models import Role
from procedures.models import Channel

from ..factories import DocumentFactory, FeeFactory, UserFactory, full_variant
from .conftest import make_intake, snapshot, vn

pytestmark = pytest.mark.django_db

LIST = "/api/v1/dossiers/"
CODE_RE = re.compile(r"^000\.17\.22\.H56-260302-\d{4}$")
NEW_DUE = "2026-03-20T17:00:00+07:00"


def url(code: str, move: str = "") -> str:
    return f"{LIST}{code}/{move + '/' if move else ''}"


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def as_user(api):
    """as_user(user) → the API client authenticated as `user` (no auth queries in the counts)."""

    def login(user):
        api.force_authenticate(user)
        return api

    return login


# --------------------------------------------------------------------------- authentication and roles

MOVES = ["handover", "request-supplement", "supplement", "request-payment", "payment", "approve", "refuse",
         "return", "withdraw", "stop", "reschedule"]


def test_anonymous_is_told_to_authenticate(api, received):
    for response in (api.get(LIST), api.get(url(received.code)), api.post(LIST, {}, format="json"),
                     api.post(url(received.code, "withdraw"), {"reason": "x"}, format="json")):
        assert response.status_code == 401
        assert response.json()["code"] == "not_authenticated"
        assert response["WWW-Authenticate"].startswith("Token")
    assert snapshot(received)["status"] == "received"


def test_a_bad_token_is_401(api, received):
    api.credentials(HTTP_AUTHORIZATION="Token 0000000000000000000000000000000000000000")
    response = api.get(LIST)
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_token_and_session_both_work(api, received, receptionist, client):
    token = Token.objects.create(user=receptionist)
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    assert [d["code"] for d in api.get(LIST).json()["results"]] == [received.code]
    client.force_login(receptionist)
    assert client.get(url(received.code)).json()["code"] == received.code


@pytest.mark.parametrize("kind", ["no_role", "no_agency", "inactive"])
def test_someone_who_is_not_an_officer_gets_403(as_user, agency, received, kind):
    user = {"no_role": lambda: UserFactory(agency=agency, role=""),
            "no_agency": lambda: UserFactory(agency=None, role=Role.LEADER),
            "inactive": lambda: UserFactory(agency=agency, role=Role.LEADER, is_active=False)}[kind]()
    api = as_user(user)
    for response in (api.get(LIST), api.get(url(received.code)),
                     api.post(url(received.code, "withdraw"), {"reason": "x"}, format="json")):
        assert response.status_code == 403
        assert response.json()["code"] == "forbidden"
    assert snapshot(received)["status"] == "received"


# (state, move, actor without the right, body)
FORBIDDEN = [
    ("processing", "approve", "specialist", {}),
    ("processing", "refuse", "receptionist", {"reason": "Không đủ điều kiện"}),
    ("processing", "stop", "head", {"reason": "Dừng"}),
    ("processing", "stop", "specialist", {"reason": "Dừng"}),
    ("received", "withdraw", "specialist", {"reason": "Công dân xin rút"}),
    ("processing", "reschedule", "specialist", {"new_due_at": NEW_DUE, "reason": "Chậm"}),
    ("processing", "reschedule", "head", {"new_due_at": NEW_DUE, "reason": "Chậm"}),  # Mẫu 04: the leader signs
    ("processing", "request-supplement", "receptionist", {"missing_papers": ["Tờ khai"], "reason": "Thiếu"}),
]


@pytest.mark.parametrize("state, move, who, body", FORBIDDEN)
def test_a_move_without_the_right_is_403_and_changes_nothing(frozen, build_dossier, as_user, request, head,
                                                             state, move, who, body):
    dossier = build_dossier(state)
    before = snapshot(dossier)
    response = as_user(request.getfixturevalue(who)).post(url(dossier.code, move), body, format="json")
    assert response.status_code == 403, response.json()
    assert response.json()["code"] == "forbidden"
    assert snapshot(dossier) == before


def test_a_specialist_cannot_receive(as_user, specialist, variant):
    response = as_user(specialist).post(LIST, {"variant": variant.pk, "applicant": {"name": "Nguyễn Văn An"}},
                                        format="json")
    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"
    assert not Dossier.objects.exists()


# --------------------------------------------------------------------------- agency scoping


def test_another_agency_never_sees_the_dossier(frozen, received, as_user, other_officer, other_agency):
    mine = services.dossier_receive(actor=UserFactory(agency=other_agency, role=Role.RECEPTION),
                                    intake=make_intake(_variant_for(other_agency)))
    api = as_user(other_officer)
    assert [d["code"] for d in api.get(LIST).json()["results"]] == [mine.code]
    assert api.get(LIST, {"q": received.code}).json()["count"] == 0
    response = api.get(url(received.code))
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def _variant_for(agency):
    variant = full_variant()
    variant.procedure.agencies.add(agency)
    return variant


@pytest.mark.parametrize("move", MOVES)
def test_a_move_on_another_agency_dossier_is_404_and_changes_nothing(frozen, processing, as_user, other_officer,
                                                                     move):
    before = snapshot(processing)
    response = as_user(other_officer).post(url(processing.code, move), {"reason": "x"}, format="json")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert snapshot(processing) == before


def test_an_unknown_code_is_404(as_user, leader):
    response = as_user(leader).get(url("000.17.22.H56-260302-9999"))
    assert response.status_code == 404
    assert response.json() == {"code": "not_found", "detail": "Không tìm thấy."}


def test_handover_to_an_officer_of_another_agency_is_400(frozen, received, as_user, receptionist, other_officer):
    before = snapshot(received)
    response = as_user(receptionist).post(url(received.code, "handover"), {"to_user": other_officer.pk},
                                          format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "other_agency"
    assert "to_user" in response.json()["fields"]
    assert snapshot(received) == before


# --------------------------------------------------------------------------- intake


def test_intake_creates_the_dossier_with_its_code_and_due_time(frozen, as_user, receptionist, variant):
    fee = variant.fees.get()
    body = {"variant": variant.pk, "channel": "post",
            "applicant": {"name": "Nguyễn Văn An", "id_number": "038190001111", "phone": "0987 654 321"},
            "owner": {"kind": "organisation", "name": "Công ty TNHH Hạc Thành", "tax_code": "2801234567"},
            "fees_collected": [{"fee": fee.pk, "amount": 8000}],
            "return_method": "post", "return_address": "5 Trần Phú", "sets": 2, "note": "Nộp qua bưu điện"}
    response = as_user(receptionist).post(LIST, body, format="json")
    assert response.status_code == 201, response.json()
    data = response.json()
    assert CODE_RE.match(data["code"])
    # Received Monday 08:00, 3 working days, the day of receipt not counted: Thursday 17:00.
    assert data["due_at"] == "2026-03-05T17:00:00+07:00"
    assert data["status"] == "received" and data["portal_status"] == 2
    assert len(data["pin"]) == 8
    assert data["receipt_url"].endswith(f"/can-bo/ho-so/{data['code']}/giay-tiep-nhan.pdf")
    dossier = Dossier.objects.get(code=data["code"])
    assert (dossier.channel, dossier.owner_name, dossier.sets) == ("post", "Công ty TNHH Hạc Thành", 2)
    assert dossier.holder == receptionist
    assert [d.name for d in dossier.documents.all()] == ["Tờ khai theo mẫu", "Giấy tờ tùy thân"]
    assert [(f.amount, f.collected) for f in dossier.fees.all()] == [(8000, 8000)]
    assert [e.action for e in dossier.events.all()] == ["receive"]


@pytest.mark.parametrize("papers", [None, [{"name": "Tờ khai", "form": "certified_copy", "quantity": 2},
                                            {"name": "Bản vẽ", "mandatory": False, "provided": False}]])
def test_intake_answers_what_a_read_of_the_dossier_gives(frozen, as_user, receptionist, variant, papers):
    """The answer is built from the rows the service wrote, not read back: it must be the detail
    endpoint's answer for the same dossier, field for field, plus the PIN."""
    fee = variant.fees.get()
    body = {"variant": variant.pk, "applicant": {"name": "Nguyễn Văn An", "phone": "0987 654 321"},
            "fees_collected": [{"fee": fee.pk, "amount": 8000}], "note": "Có bản vẽ"}
    if papers:
        body["papers"] = papers
    api = as_user(receptionist)
    response = api.post(LIST, body, format="json")
    assert response.status_code == 201, response.json()
    answer, read = response.json(), api.get(url(response.json()["code"])).json()

    # Given once, here: the table keeps its keyed hash (tests/security/test_pin_at_rest.py).
    assert pins.pin_matches(answer.pop("pin"), Dossier.objects.get(code=answer["code"]).pin_hash)
    assert answer == read
    assert len(answer["papers"]) == len(papers or variant.documents.all()) and answer["fees"] and answer["steps"]


@pytest.mark.parametrize("change, field", [
    ({"applicant": {"name": "An", "id_number": "12345"}}, "applicant_id_number"),
    ({"applicant": {"name": "An", "phone": "12345"}}, "applicant_phone"),
    ({"applicant": {"id_number": "038190001111"}}, "applicant.name"),  # nested fields are named by their path
    ({"variant": "abc"}, "variant"),
    ({"channel": "online"}, "channel"),
    ({"return_method": "post", "return_address": ""}, "return_address"),
    ({"sets": 0}, "sets"),
    ({"fees_collected": [{"fee": 999999, "amount": 1}]}, "fees_collected"),
    ({"papers": [{"name": "Tờ khai", "mandatory": True, "provided": False}]}, "papers"),
])
def test_bad_intake_is_400_naming_the_field_and_saves_nothing(frozen, as_user, receptionist, variant, change, field):
    body = {"variant": variant.pk, "applicant": {"name": "Nguyễn Văn An"}, **change}
    response = as_user(receptionist).post(LIST, body, format="json")
    assert response.status_code == 400, response.json()
    assert field in response.json()["fields"]
    assert response.json()["detail"]
    assert not Dossier.objects.exists()


def test_intake_of_a_procedure_the_agency_does_not_handle_is_400(as_user, receptionist):
    elsewhere = full_variant()
    response = as_user(receptionist).post(LIST, {"variant": elsewhere.pk, "applicant": {"name": "An"}},
                                          format="json")
    assert response.status_code == 400
    assert response.json()["fields"] == {"variant": ["Cơ quan của bạn không tiếp nhận trường hợp thủ tục này."]}
    assert not Dossier.objects.exists()


def test_intake_with_a_mandatory_paper_missing_names_the_rule(frozen, as_user, receptionist, variant):
    papers = [{"name": "Tờ khai theo mẫu", "provided": False}]
    response = as_user(receptionist).post(LIST, {"variant": variant.pk, "applicant": {"name": "An"},
                                                 "papers": papers}, format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "papers_missing"
    assert "Mẫu 02" in response.json()["detail"]


# --------------------------------------------------------------------------- moves

# (state, move, actor, body, status after)
HAPPY = [
    ("received", "handover", "receptionist", lambda u: {"to_user": u["specialist"].pk}, "processing"),
    ("processing", "request-supplement", "specialist",
     lambda u: {"missing_papers": ["Giấy chứng sinh"], "reason": "Thiếu giấy chứng sinh"}, "awaiting_supplement"),
    ("awaiting_supplement", "supplement", "receptionist", lambda u: {"note": "Đã nhận bản chính"}, "processing"),
    ("processing", "request-payment", "specialist", lambda u: {"reason": "Nộp lệ phí trước bạ"}, "awaiting_payment"),
    ("awaiting_payment", "payment", "receptionist", lambda u: {}, "processing"),
    ("processing", "approve", "leader", lambda u: {"result_summary": "Giấy khai sinh số 12"}, "result_ready"),
    ("processing", "refuse", "leader", lambda u: {"reason": "Không đủ điều kiện"}, "refused"),
    ("result_ready", "return", "receptionist",
     lambda u: {"collected_by": "Trần Thị Bình", "collected_id_number": "038190001234"}, "returned"),
    ("received", "withdraw", "receptionist", lambda u: {"reason": "Công dân xin rút"}, "withdrawn"),
    ("processing", "stop", "leader", lambda u: {"reason": "Có tranh chấp"}, "stopped"),
    ("processing", "reschedule", "leader", lambda u: {"new_due_at": NEW_DUE, "reason": "Chờ xác minh"},
     "processing"),
]


@pytest.fixture
def people(receptionist, specialist, head, leader):
    return {"receptionist": receptionist, "specialist": specialist, "head": head, "leader": leader}


@pytest.mark.parametrize("state, move, who, body, after", HAPPY, ids=[m[1] for m in HAPPY])
def test_each_move_through_the_api(frozen, build_dossier, as_user, people, state, move, who, body, after):
    dossier = build_dossier(state)
    before = snapshot(dossier)
    response = as_user(people[who]).post(url(dossier.code, move), {**body(people), "version": before["version"]},
                                         format="json")
    assert response.status_code == 200, response.json()
    data = response.json()
    assert data["status"] == after
    fresh = snapshot(dossier)
    assert fresh["status"] == after
    assert fresh["version"] == before["version"] + 1 == data["version"]
    assert fresh["events"] == before["events"] + 1
    assert data["events"][-1]["actor_name"] == people[who].display_name


def test_reschedule_keeps_the_statutory_due_time(frozen, processing, as_user, leader):
    legal = processing.legal_due_at
    data = as_user(leader).post(url(processing.code, "reschedule"), {"new_due_at": NEW_DUE, "reason": "Chậm"},
                                format="json").json()
    assert data["due_at"] == NEW_DUE
    assert Dossier.objects.get(pk=processing.pk).legal_due_at == legal
    assert "reschedule" not in data["allowed_actions"]


# (state, move, body): legal for the leader's role, illegal from the state
ILLEGAL = [
    ("received", "request-supplement", {"missing_papers": ["Tờ khai"], "reason": "Thiếu"}),
    ("received", "supplement", {}),
    ("received", "request-payment", {"reason": "Thuế"}),
    ("received", "payment", {}),
    ("received", "approve", {}),
    ("received", "refuse", {"reason": "Không đủ điều kiện"}),
    ("received", "return", {"collected_by": "Trần Thị Bình"}),
    ("returned", "handover", {"next_step": True}),
    ("returned", "withdraw", {"reason": "Rút"}),
    ("returned", "stop", {"reason": "Dừng"}),
    ("returned", "reschedule", {"new_due_at": NEW_DUE, "reason": "Chậm"}),
    ("refused", "approve", {}),
]


@pytest.mark.parametrize("state, move, body", ILLEGAL)
def test_an_illegal_move_is_409_with_a_structured_body(frozen, build_dossier, as_user, leader, specialist,
                                                       state, move, body):
    dossier = build_dossier(state)
    if move == "handover":
        body = {**body, "to_user": specialist.pk}
    before = snapshot(dossier)
    response = as_user(leader).post(url(dossier.code, move), body, format="json")
    assert response.status_code == 409, response.json()
    assert response.json()["code"] == "invalid_transition"
    assert "Không thể" in response.json()["detail"] or "Chỉ hẹn lại" in response.json()["detail"]
    assert snapshot(dossier) == before


def test_a_second_supplement_request_is_409(frozen, build_dossier, as_user, specialist, receptionist):
    dossier = build_dossier("awaiting_supplement")
    services.dossier_receive_supplement(dossier=dossier, actor=receptionist)
    before = snapshot(dossier)
    response = as_user(specialist).post(url(dossier.code, "request-supplement"),
                                        {"missing_papers": ["Giấy khác"], "reason": "Lần hai"}, format="json")
    assert response.status_code == 409
    assert response.json()["code"] == "supplement_once"
    assert snapshot(dossier) == before


def test_a_second_apology_is_409(frozen, processing, as_user, leader):
    as_user(leader).post(url(processing.code, "reschedule"), {"new_due_at": NEW_DUE, "reason": "Chậm"}, format="json")
    before = snapshot(processing)
    response = as_user(leader).post(url(processing.code, "reschedule"),
                                    {"new_due_at": "2026-03-27T17:00:00+07:00", "reason": "Lần hai"}, format="json")
    assert response.status_code == 409
    assert response.json()["code"] == "reschedule_once"
    assert snapshot(processing) == before


@pytest.mark.parametrize(("moment", "new_due_at", "code", "field"), [
    # Due Thu 05/03 17:00: on Thu at 14:00 less than one working day is left (Decree 61/2018 Art 19(9)).
    (vn(2026, 3, 5, 14, 0), "2026-03-20T10:00:00+07:00", "apology_too_late", None),
    # Sun 08/03 22:00: neither a working day nor office hours.
    (vn(2026, 3, 2, 8, 0), "2026-03-08T22:00:00+07:00", "apology_not_office_time", "new_due_at"),
])
def test_an_apology_against_its_rules_is_400_with_its_code(frozen, processing, as_user, leader, moment, new_due_at,
                                                           code, field):
    frozen.set(moment)
    before = snapshot(processing)
    response = as_user(leader).post(url(processing.code, "reschedule"), {"new_due_at": new_due_at, "reason": "Chậm"},
                                    format="json")
    assert response.status_code == 400
    data = response.json()
    assert data["code"] == code
    assert (field in data.get("fields", {})) if field else not data.get("fields")
    assert snapshot(processing) == before


# (state, move, actor, body, field named in the error)
BAD_INPUT = [
    ("received", "handover", "receptionist", {}, "to_user"),
    ("received", "handover", "receptionist", {"to_user": "abc"}, "to_user"),
    ("received", "handover", "receptionist", {"to_user": 999999}, "to_user"),
    ("received", "handover", "receptionist", {"to_department": 999999}, "to_department"),
    ("processing", "request-supplement", "specialist", {"reason": "Thiếu"}, "missing_papers"),
    ("processing", "request-supplement", "specialist", {"missing_papers": [" "], "reason": "Thiếu"},
     "missing_papers"),
    ("processing", "request-supplement", "specialist", {"missing_papers": ["Tờ khai"], "reason": ""}, "reason"),
    ("awaiting_supplement", "supplement", "receptionist", {"note": "x" * 2001}, "note"),
    ("processing", "request-payment", "specialist", {"reason": "  "}, "reason"),
    ("awaiting_payment", "payment", "receptionist", {"note": "x" * 2001}, "note"),
    ("processing", "approve", "leader", {"result_summary": "x" * 2001}, "result_summary"),
    ("processing", "refuse", "leader", {}, "reason"),
    ("result_ready", "return", "receptionist", {"collected_by": ""}, "collected_by"),
    ("result_ready", "return", "receptionist", {"collected_by": "Bình", "collected_id_number": "123"},
     "collected_id_number"),
    ("received", "withdraw", "receptionist", {"reason": ""}, "reason"),
    ("processing", "stop", "leader", {"reason": ""}, "reason"),
    ("processing", "reschedule", "leader", {"new_due_at": "ngày mai", "reason": "Chậm"}, "new_due_at"),
    ("processing", "reschedule", "leader", {"new_due_at": "2026-03-01T08:00:00+07:00", "reason": "Chậm"},
     "new_due_at"),
    ("processing", "reschedule", "leader", {"new_due_at": NEW_DUE, "reason": ""}, "reason"),
    ("processing", "approve", "leader", {"version": "một"}, "version"),
]


@pytest.mark.parametrize("state, move, who, body, field", BAD_INPUT)
def test_bad_input_is_400_naming_the_field_and_changes_nothing(frozen, build_dossier, as_user, people,
                                                               state, move, who, body, field):
    dossier = build_dossier(state)
    before = snapshot(dossier)
    response = as_user(people[who]).post(url(dossier.code, move), body, format="json")
    assert response.status_code == 400, response.json()
    data = response.json()
    assert data["code"] == "invalid"
    assert field in data["fields"], data
    assert all(isinstance(m, str) and m for m in data["fields"][field])
    assert snapshot(dossier) == before


def test_a_stale_version_is_409_and_the_fresh_one_wins(frozen, received, as_user, receptionist, specialist, head):
    api = as_user(receptionist)
    read = api.get(url(received.code)).json()["version"]
    services.dossier_hand_over(dossier=received, actor=head, to_user=specialist)  # someone else moved it
    before = snapshot(received)
    response = api.post(url(received.code, "withdraw"), {"reason": "Rút", "version": read}, format="json")
    assert response.status_code == 409
    assert response.json()["code"] == "stale_version"
    assert snapshot(received) == before
    response = api.post(url(received.code, "withdraw"), {"reason": "Rút", "version": before["version"]},
                        format="json")
    assert response.status_code == 200
    assert response.json()["status"] == "withdrawn"


def test_a_move_is_post_only(received, as_user, leader):
    response = as_user(leader).get(url(received.code, "approve"))
    assert response.status_code == 405
    assert response.json()["code"] == "method_not_allowed"


# --------------------------------------------------------------------------- detail


def test_detail_shows_papers_fees_steps_events_and_the_allowed_actions(frozen, processing, as_user, specialist):
    data = as_user(specialist).get(url(processing.code)).json()
    assert data["status"] == "processing" and data["portal_status"] == 4
    assert data["holder_name"] == specialist.display_name
    assert [p["name"] for p in data["papers"]] == ["Tờ khai theo mẫu", "Giấy tờ tùy thân"]
    assert [f["amount"] for f in data["fees"]] == [8000]
    assert [s["step_index"] for s in data["steps"]] == [0, 1]
    assert [e["action"] for e in data["events"]] == ["receive", "hand_over"]
    assert data["allowed_actions"] == ["hand_over", "request_supplement", "request_payment"]
    assert "pin" not in data  # the PIN is shown once, on the intake answer and the receipt


# --------------------------------------------------------------------------- list: filters, search, pages


@pytest.fixture
def mixed(frozen, build_dossier, variant):
    """Four dossiers: two received, one processing by post, one returned; different applicants."""
    post = build_dossier("processing", channel=Channel.POST,
                         applicant=services.Applicant(name="Lê Văn Cường", phone="0934567890",
                                                      id_number="038190005678"))
    return {"received": build_dossier("received"), "received2": build_dossier("received"),
            "processing": post, "returned": build_dossier("returned")}


def _codes(response) -> set[str]:
    assert response.status_code == 200, response.json()
    return {d["code"] for d in response.json()["results"]}


def test_list_filters(mixed, as_user, leader, specialist):
    api = as_user(leader)
    assert _codes(api.get(LIST)) == {d.code for d in mixed.values()}
    assert _codes(api.get(LIST, {"status": "processing"})) == {mixed["processing"].code}
    assert _codes(api.get(LIST, {"channel": "post"})) == {mixed["processing"].code}
    assert _codes(api.get(LIST, {"procedure": "1.001193"})) == {d.code for d in mixed.values()}
    assert _codes(api.get(LIST, {"procedure": "9.999999"})) == set()
    field = mixed["received"].procedure.field.code
    assert _codes(api.get(LIST, {"field": field})) == {d.code for d in mixed.values()}
    assert _codes(api.get(LIST, {"holder": specialist.pk})) == {mixed["processing"].code}


@pytest.mark.parametrize("query", ["le van cuong", "LÊ VĂN", "0934 567 890", "+84934567890", "038190005678"])
def test_list_search_ignores_diacritics_and_phone_format(mixed, as_user, leader, query):
    assert _codes(as_user(leader).get(LIST, {"q": query})) == {mixed["processing"].code}


def test_list_search_by_code(mixed, as_user, leader):
    assert _codes(as_user(leader).get(LIST, {"q": mixed["returned"].code})) == {mixed["returned"].code}


def test_list_search_for_a_whole_name(mixed, build_dossier, as_user, leader):
    namesake = build_dossier("received", applicant=services.Applicant(name="Lê Văn Cường Anh"))
    api = as_user(leader)
    assert _codes(api.get(LIST, {"q": "Lê Văn Cường"})) == {mixed["processing"].code}
    assert _codes(api.get(LIST, {"q": "Lê Văn Cường", "words": "true"})) == {mixed["processing"].code, namesake.code}
    assert _codes(api.get(LIST, {"q": "Văn Cường"})) == {mixed["processing"].code, namesake.code}
    assert api.get(LIST, {"q": "Lê Văn Cường", "words": "maybe"}).status_code == 400
    assert _codes(api.get(LIST, {"q": "+84 934 567 890"})) == {mixed["processing"].code}


def test_late_filter(mixed, frozen, as_user, leader):
    assert _codes(as_user(leader).get(LIST, {"late": "true"})) == set()
    frozen.set(vn(2026, 3, 20, 9, 0))  # every open dossier is past its 05/03 appointment
    late = {mixed[k].code for k in ("received", "received2", "processing")}
    assert _codes(as_user(leader).get(LIST, {"late": "true"})) == late


@pytest.mark.parametrize("params, field", [({"status": "nope"}, "status"), ({"channel": "fax"}, "channel"),
                                           ({"late": "maybe"}, "late"), ({"holder": "abc"}, "holder")])
def test_a_bad_filter_is_400(as_user, leader, params, field):
    response = as_user(leader).get(LIST, params)
    assert response.status_code == 400
    assert field in response.json()["fields"]


def test_list_pages_by_20_newest_first(frozen, receptionist, variant, as_user, leader):
    codes = []
    for minute in range(23):
        frozen.set(vn(2026, 3, 2, 8, minute))
        codes.append(services.dossier_receive(actor=receptionist, intake=make_intake(variant)).code)
    api = as_user(leader)
    first = api.get(LIST).json()
    assert first["count"] == 23
    assert [d["code"] for d in first["results"]] == codes[::-1][:20]
    assert first["next"] and first["previous"] is None
    second = api.get(LIST, {"page": 2}).json()
    assert [d["code"] for d in second["results"]] == codes[::-1][20:]
    assert second["next"] is None
    response = api.get(LIST, {"page": 9})
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


# --------------------------------------------------------------------------- OpenAPI schema


def test_the_schema_lists_every_endpoint_with_its_errors(client):
    response = client.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    paths = response.json()["paths"]
    assert {"get", "post"} <= set(paths["/api/v1/dossiers/"])
    assert "get" in paths["/api/v1/dossiers/{code}/"]
    for move in MOVES:
        operation = paths[f"/api/v1/dossiers/{{code}}/{move}/"]["post"]
        assert {"200", "400", "403", "404", "409"} <= set(operation["responses"]), move
    intake = paths["/api/v1/dossiers/"]["post"]
    assert {"201", "400", "403"} <= set(intake["responses"])
    names = {p["name"] for p in paths["/api/v1/dossiers/"]["get"]["parameters"]}
    assert {"q", "status", "procedure", "field", "holder", "channel", "late", "words", "page"} <= names


# --------------------------------------------------------------------------- pinned query counts


def _rich_dossiers(n, *, build_dossier, variant):
    """n dossiers with papers, fees, several steps and events, in a mix of states."""
    states = ["received", "processing", "result_ready", "returned", "awaiting_supplement"]
    made = [build_dossier(states[i % len(states)]) for i in range(n)]
    FeeFactory(variant=variant, name="Phí thẩm định", amount=20000)
    return made


def test_list_query_count_does_not_grow(frozen, build_dossier, leader, variant, as_user, django_assert_num_queries):
    api = as_user(leader)
    _rich_dossiers(3, build_dossier=build_dossier, variant=variant)
    # 1 COUNT for the page, 1 page of dossiers joined with procedure, holder and department.
    with django_assert_num_queries(2):
        assert len(api.get(LIST).json()["results"]) == 3
    _rich_dossiers(27, build_dossier=build_dossier, variant=variant)
    with django_assert_num_queries(2):
        assert len(api.get(LIST).json()["results"]) == 20
    with django_assert_num_queries(2):
        assert len(api.get(LIST, {"q": "binh", "status": "processing"}).json()["results"]) == 1 + 6
    with django_assert_num_queries(3):  # + whether someone bears the full name whole
        assert len(api.get(LIST, {"q": "tran thi binh", "status": "processing"}).json()["results"]) == 1 + 6


def test_detail_query_count_does_not_grow(frozen, build_dossier, as_user, leader, specialist, second_specialist,
                                          head, django_assert_num_queries):
    api = as_user(leader)
    small = build_dossier("received")
    # 1 dossier + agency, procedure, field, holder, department, creator; 6 prefetches
    # (papers, fees, electronic results, liên thông legs + agency, steps + their officers and
    # department, events + actor).
    with django_assert_num_queries(7):
        assert len(api.get(url(small.code)).json()["steps"]) == 1
    big = build_dossier("processing")
    for to in (second_specialist, head, specialist, second_specialist):
        big = services.dossier_hand_over(dossier=big, actor=leader, to_user=to, next_step=False)
    from django.core.files.uploadedfile import SimpleUploadedFile

    for n in range(3):
        services.dossier_attach(dossier=big, actor=leader, name=f"Bản quét {n}",
                                upload=SimpleUploadedFile(f"scan{n}.pdf", b"%PDF-1.7\n%%EOF\n"))
    with django_assert_num_queries(7):
        data = api.get(url(big.code)).json()
    assert len(data["steps"]) == 6 and len(data["papers"]) == 5
    assert DossierDocument.objects.filter(dossier=big).count() == 5


def test_intake_by_token_query_count(frozen, api, receptionist, variant, django_assert_num_queries):
    """The counter's system posting intakes: the token with its officer, agency and department (1).
    The variant, its papers, fees, steps, its procedure's liên thông legs (issue 23, item 3) and
    agencies: read by the first intake only, then kept by the process (catalogue.intake_variant). In
    the transaction (savepoints here): the agency that resolves it (the catalogue's agencies of the
    procedure: issue 23), the code, the dossier, papers, fees, the register's number (issue 21, item 5),
    Biểu 06's day and month rows, the step, the dossier's clock, the audit row and the citizen's SMS and
    e-mail in one INSERT (11 + 2). The answer reads nothing more: the dossier's legs are those the
    intake wrote (none here). Issue 26's third pass: 20 → 14 (the variant's five reads, the legs' read)."""
    token = Token.objects.create(user=receptionist)
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    body = {"variant": variant.pk, "applicant": {"name": "Nguyễn Văn An", "phone": "0987 654 321",
                                                 "email": "an@example.com"}}
    api.post(LIST, body, format="json")  # the first of the day inserts the code counter's row

    with django_assert_num_queries(14):
        response = api.post(LIST, body, format="json")

    assert response.status_code == 201
    assert Message.objects.filter(dossier__code=response.json()["code"]).count() == 2


def test_intake_answer_carries_the_legs_it_wrote_as_a_later_read_shows_them(frozen, django_assert_num_queries):
    """The intake's answer gives the liên thông legs the intake wrote, without reading them again: the
    same as the detail read afterwards (no query for the list of legs)."""
    from .test_legs import with_legs
    from .test_transfers import Province

    prov = with_legs(Province())
    frozen.set(vn(2026, 3, 2, 10, 0))
    token = Token.objects.create(user=prov.a_reception)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    body = {"variant": prov.group.pk, "applicant": {"name": "Nguyễn Thị Bé", "phone": "0987 654 321"}}
    client.post(LIST, body, format="json")  # the day's code counter row

    # As the plain intake above, + the legs written, the first leg's agency (its calendar gives its due
    # time; the answer reuses it) and the two others' agencies read for the answer.
    with django_assert_num_queries(14 + 4):
        answer = client.post(LIST, body, format="json")

    assert answer.status_code == 201
    legs = answer.json()["legs"]
    assert [(leg["order"], leg["agency_code"]) for leg in legs] == [
        (1, prov.a.code), (2, prov.police.code), (3, prov.insurance.code)]
    assert legs == client.get(url(answer.json()["code"])).json()["legs"]
    assert legs[0]["started_at"] is not None and legs[1]["started_at"] is None


def test_intake_reads_the_catalogue_as_changed_since_the_process_kept_the_variant(
        frozen, api, receptionist, agency, variant):
    """The process keeps the variant between intakes (catalogue.intake_variant); a paper added, a fee
    changed, the procedure given to no agency or made inactive show at the next intake."""
    token = Token.objects.create(user=receptionist)
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    body = {"variant": variant.pk, "applicant": {"name": "Nguyễn Văn An", "phone": "0987 654 321"}}

    def papers_and_fees():
        answer = api.post(LIST, body, format="json")
        assert answer.status_code == 201
        data = answer.json()
        return [p["name"] for p in data["papers"]], [(f["name"], f["amount"]) for f in data["fees"]]

    assert papers_and_fees() == (["Tờ khai theo mẫu", "Giấy tờ tùy thân"], [("Lệ phí", 8000)])
    DocumentFactory(variant=variant, name="Ảnh 4x6", order=3)
    fee = variant.fees.get()
    fee.amount = 10000
    fee.save()
    assert papers_and_fees() == (["Tờ khai theo mẫu", "Giấy tờ tùy thân", "Ảnh 4x6"], [("Lệ phí", 10000)])

    variant.procedure.agencies.remove(agency)
    refused = api.post(LIST, body, format="json")
    assert refused.status_code == 400 and "variant" in refused.json()["fields"]
    variant.procedure.agencies.add(agency)
    assert api.post(LIST, body, format="json").status_code == 201
    variant.procedure.is_active = False
    variant.procedure.save()
    assert api.post(LIST, body, format="json").status_code == 400


def test_move_answer_query_count_is_bounded(frozen, processing, as_user, leader, django_assert_max_num_queries):
    # The lock, the checks, the audit row and step writes (the finished step's row of the leaders'
    # daily figures and the dossier's row of Biểu 06's included), the counter officers told that a
    # result waits (their list, one bulk insert: issue 22, item 7), the procedure (is its result a
    # paper document: 766 4.1; has it a letter), then the 6 queries of the detail.
    with django_assert_max_num_queries(32):  # + the liên thông legs of the answer's detail
        assert as_user(leader).post(url(processing.code, "approve"), {}, format="json").status_code == 200
