"""Across agencies on the staff pages and the API (issue 23): the intake picks the competent agency,
the dossier page and the transfers page for the desk and the competent agency only, the moves by page
and by API (errors with `code`), the schema, the transfers page's pinned query count."""

import pytest
from rest_framework.test import APIClient

from dossiers import services, transfers
from dossiers.models import Dossier, TransferState

from .conftest import make_intake, vn
from .test_transfers import Province

pytestmark = pytest.mark.django_db

TRANSFERS = "/can-bo/ho-so/lien-co-quan/"


@pytest.fixture
def prov(db):
    return Province()


@pytest.fixture
def sent(prov, frozen):
    """A criminal-record dossier received at commune A's desk, not yet sent."""
    frozen.set(vn(2026, 3, 2, 10, 0))
    return services.dossier_receive(actor=prov.a_reception, intake=make_intake(prov.record))


def _as(client, user):
    client.force_login(user)
    return client


def detail(code: str) -> str:
    return f"/can-bo/ho-so/{code}/"


# --------------------------------------------------------------------------- intake page


def test_the_intake_page_names_the_competent_agency(client, prov):
    page = _as(client, prov.a_reception).get("/can-bo/ho-so/tiep-nhan/", {"variant": prov.record.pk})
    assert page.status_code == 200
    assert "Cơ quan có thẩm quyền giải quyết: <strong>Sở Tư pháp tỉnh T</strong>" in page.content.decode()
    # Another province's desk cannot open it.
    assert _as(client, prov.z_reception).get("/can-bo/ho-so/tiep-nhan/", {"variant": prov.record.pk}).status_code == 404


def test_the_centre_chooses_the_commune_where_the_catalogue_leaves_it(client, prov, frozen):
    client = _as(client, prov.centre_reception)
    page = client.get("/can-bo/ho-so/tiep-nhan/", {"variant": prov.birth.pk})
    choices = [str(agency) for agency in page.context["form"].fields["competent_agency"].queryset.order_by("name")]
    assert choices == ["UBND xã A", "UBND xã B"]
    form = {"variant": prov.birth.pk, "outcome": "accept", "confirmed": "1", "applicant_name": "Lê Văn Cường",
            "channel": "counter", "sets": 1, "return_method": "counter", "owner_kind": "person",
            "paper_0_provided": "on", "paper_0_form": "original", "paper_0_quantity": 1,
            "paper_1_form": "original", "paper_1_quantity": 1}
    missing = client.post("/can-bo/ho-so/tiep-nhan/", form)
    assert "Cần chọn cơ quan có thẩm quyền giải quyết hồ sơ." in missing.content.decode()
    assert not Dossier.objects.exists()
    done = client.post("/can-bo/ho-so/tiep-nhan/", {**form, "competent_agency": prov.b.pk})
    assert done.status_code == 302
    dossier = Dossier.objects.get()
    assert (dossier.agency, dossier.desk, dossier.transfer_state) == (prov.b, prov.centre, TransferState.AT_DESK)


def test_the_picker_lists_the_province_s_procedures_for_a_desk(client, prov):
    codes = {row["code"] for row in client.get("/api/v1/procedures/", {"desk": prov.a.code}).json()["results"]}
    assert codes == {"3.000333", "1.001193"}
    assert client.get("/api/v1/procedures/", {"desk": prov.z.code}).json()["results"] == []
    assert client.get("/api/v1/procedures/", {"desk": "khong-co"}).json()["results"] == []


# --------------------------------------------------------------------------- dossier page and moves


def test_the_dossier_page_for_the_desk_and_the_competent_agency_only(client, prov, sent):
    page = _as(client, prov.a_reception).get(detail(sent.code))
    html = page.content.decode()
    assert page.status_code == 200 and "Sở Tư pháp tỉnh T" in html and "Tại nơi tiếp nhận, chờ chuyển" in html
    assert [action for action, *_ in page.context["move_forms"]] == ["transfer", "withdraw"]
    page = _as(client, prov.justice_leader).get(detail(sent.code))
    assert page.status_code == 200 and page.context["move_forms"] == []  # nothing until it arrives
    for outsider in (prov.b_reception, prov.centre_reception, prov.z_reception):
        assert _as(client, outsider).get(detail(sent.code)).status_code == 404
        assert _as(client, outsider).get(detail(sent.code) + "giay-tiep-nhan.pdf").status_code == 404
        assert _as(client, outsider).post(detail(sent.code) + "thao-tac/transfer/",
                                          {"transfer-mode": "electronic"}).status_code == 404
    assert Dossier.objects.get().transfer_state == TransferState.AT_DESK


def test_transfer_and_take_in_by_page(client, prov, sent, frozen):
    frozen.set(vn(2026, 3, 2, 11, 0))
    response = _as(client, prov.a_reception).post(detail(sent.code) + "thao-tac/transfer/",
                                                  {"transfer-version": sent.version, "transfer-mode": "paper"})
    assert response.status_code == 302
    assert Dossier.objects.get().transfer_state == TransferState.TO_AGENCY
    page = _as(client, prov.justice_reception).get(detail(sent.code))
    assert [action for action, *_ in page.context["move_forms"]] == ["receive_transfer"]
    _as(client, prov.justice_reception).post(detail(sent.code) + "thao-tac/receive_transfer/",
                                             {"receive_transfer-version": sent.version + 1})
    dossier = Dossier.objects.get()
    assert (dossier.transfer_state, dossier.holder) == (TransferState.AT_AGENCY, prov.justice_reception)


# --------------------------------------------------------------------------- the transfers page


def test_the_transfers_page_shows_each_agency_its_part(client, prov, sent):
    assert [d.code for d in _as(client, prov.a_reception).get(TRANSFERS).context["to_send"]] == [sent.code]
    assert not _as(client, prov.justice_reception).get(TRANSFERS).context["incoming"]
    transfers.dossier_transfer(dossier=sent, actor=prov.a_reception)
    a_page = _as(client, prov.a_reception).get(TRANSFERS).context
    assert (a_page["to_send"], [t.dossier.code for t in a_page["outgoing"]]) == ([], [sent.code])
    justice = _as(client, prov.justice_reception).get(TRANSFERS)
    assert [t.dossier.code for t in justice.context["incoming"]] == [sent.code]
    assert "UBND xã A" in justice.content.decode()
    for outsider in (prov.b_reception, prov.z_reception, prov.centre_reception):
        context = _as(client, outsider).get(TRANSFERS).context
        assert all(context[name] == [] for name in ("to_send", "incoming", "outgoing", "back"))


def test_the_transfers_page_query_count(client, prov, frozen, django_assert_num_queries):
    def receive_and_send(n):
        for _ in range(n):
            dossier = services.dossier_receive(actor=prov.a_reception, intake=make_intake(prov.record))
            transfers.dossier_transfer(dossier=dossier, actor=prov.a_reception)
            services.dossier_receive(actor=prov.a_reception, intake=make_intake(prov.record))

    client = _as(client, prov.a_reception)
    receive_and_send(1)
    client.get(TRANSFERS)  # the session, read once and kept in the cache
    # The user with the agency and the bell's count, then one query a section.
    with django_assert_num_queries(6):
        context = client.get(TRANSFERS).context
    assert (len(context["to_send"]), len(context["outgoing"])) == (1, 1)
    receive_and_send(6)
    with django_assert_num_queries(6):
        context = client.get(TRANSFERS).context
    assert (len(context["to_send"]), len(context["outgoing"])) == (7, 7)


# --------------------------------------------------------------------------- API


def _api(user) -> APIClient:
    api = APIClient()
    api.force_authenticate(user)
    return api


def test_transfer_by_api_with_errors_that_have_a_code(prov, sent, frozen):
    url = f"/api/v1/dossiers/{sent.code}/transfer/"
    assert _api(prov.b_reception).post(url, {}, format="json").status_code == 404
    bad = _api(prov.a_reception).post(url, {"mode": "fax"}, format="json")
    assert bad.status_code == 400 and "mode" in bad.json()["fields"]
    forbidden = _api(prov.justice_reception).post(url, {}, format="json")
    assert forbidden.status_code == 403 and forbidden.json()["code"]
    done = _api(prov.a_reception).post(url, {"mode": "electronic", "note": "Bản điện tử đã ký số"}, format="json")
    assert done.status_code == 200
    body = done.json()
    assert (body["transfer_state"], body["agency_code"], body["desk_code"]) == ("to_agency", prov.justice.code,
                                                                                prov.a.code)
    again = _api(prov.a_reception).post(url, {}, format="json")
    assert again.status_code == 409 and again.json()["code"] == "not_transferable"
    taken = _api(prov.justice_reception).post(url + "receive/", {}, format="json")
    assert taken.status_code == 200 and taken.json()["transfer_state"] == "at_agency"
    assert _api(prov.justice_reception).post(url + "receive/", {}, format="json").json()["code"] == "not_in_transit"


def test_the_schema_has_the_transfer_endpoints(client):
    schema = client.get("/api/schema/").content.decode()
    assert "/api/v1/dossiers/{code}/transfer/" in schema and "/api/v1/dossiers/{code}/transfer/receive/" in schema
    assert "TransferModeEnum" in schema and "competent_agency" in schema


def test_the_province_leader_sees_the_transfers_in_flight(client, prov, sent, frozen, django_assert_num_queries):
    from mocua.accounts.models import Role

    from ..factories import UserFactory

    chief = UserFactory(agency=prov.p, role=Role.LEADER, username="lanhdao.tinh.t")
    assert _as(client, chief).get(TRANSFERS).context["in_flight"] == []
    frozen.set(vn(2026, 3, 3, 9, 0))  # sent the day after: late (electronic, due Monday 17:00)
    transfers.dossier_transfer(dossier=sent, actor=prov.a_reception)
    client = _as(client, chief)
    client.get(TRANSFERS)
    # The user, the bell, the four sections, the agencies of the leader's scope, the transfers in it,
    # the late liên thông legs in it, the transfers' lateness per agency in it.
    with django_assert_num_queries(10):
        page = client.get(TRANSFERS)
    [row] = page.context["in_flight"]
    assert (row.dossier.code, row.from_agency, row.to_agency, row.timeliness) == (
        sent.code, prov.a, prov.justice, "late")
    html = page.content.decode()
    assert "chuyển quá hạn" in html and html.count('id="in-flight"') == 1  # once, in the page's body
    assert "<title>Hồ sơ liên cơ quan" in html and "<section" not in html[html.index("<title>"):html.index("</title>")]
    # Another province's leader and the agencies' own leaders (no agency below them) see none.
    q_chief = UserFactory(agency=prov.z.parent, role=Role.LEADER, username="lanhdao.tinh.q")
    for leader in (q_chief, prov.justice_leader):
        assert _as(client, leader).get(TRANSFERS).context["in_flight"] == []
    # The leader reads the list, not the dossier.
    assert _as(client, chief).get(detail(sent.code)).status_code == 404


def test_intake_by_api_picks_or_asks_for_the_competent_agency(prov, frozen):
    body = {"variant": prov.record.pk, "applicant": {"name": "Nguyễn Văn An", "phone": "0987654321"}}
    made = _api(prov.a_reception).post("/api/v1/dossiers/", body, format="json")
    assert made.status_code == 201
    assert (made.json()["agency_code"], made.json()["desk_code"], made.json()["transfer_state"]) == (
        prov.justice.code, prov.a.code, "at_desk")
    refused = _api(prov.z_reception).post("/api/v1/dossiers/", body, format="json")
    assert refused.status_code == 400 and "variant" in refused.json()["fields"]
    birth = {**body, "variant": prov.birth.pk}
    ask = _api(prov.centre_reception).post("/api/v1/dossiers/", birth, format="json")
    assert ask.status_code == 400 and ask.json()["code"] == "competent_agency_required"
    chosen = _api(prov.centre_reception).post("/api/v1/dossiers/", {**birth, "competent_agency": prov.b.pk},
                                              format="json")
    assert chosen.status_code == 201 and chosen.json()["agency_code"] == prov.b.code
    assert Dossier.objects.count() == 2


def test_the_public_lookup_names_the_desk_the_agency_and_where_it_is(client, prov, sent, frozen):
    def look():
        return client.post("/tra-cuu/", {"code": sent.code, "pin": sent.pin}).content.decode()

    page = look()
    assert "Nơi tiếp nhận, trả kết quả</dt><dd>UBND xã A" in page
    assert "Cơ quan giải quyết</dt><dd>Sở Tư pháp tỉnh T" in page
    assert "Tại nơi tiếp nhận, chờ chuyển" in page
    transfers.dossier_transfer(dossier=sent, actor=prov.a_reception)
    assert "Đang chuyển đến cơ quan giải quyết" in look()
