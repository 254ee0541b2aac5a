"""A refusal after appraisal of a dossier received at another agency's desk (issue 23): the competent
agency refuses, sends the written refusal back through the transfer service like a result, the desk's
counter takes it in and hands it to the citizen; each agency acts only where the dossier is."""

import pytest
from rest_framework.test import APIClient

from dossiers import documents, refusals, selectors, services, transfers
from dossiers.models import DossierDayFigures, DossierTransfer, Grain, TransferState
from dossiers.workflow import Status
from mocua.errors import ConflictError, DomainError, ForbiddenError

from .conftest import vn
from .test_transfers import Province, _receive

pytestmark = pytest.mark.django_db


@pytest.fixture
def prov(db):
    return Province()


@pytest.fixture
def refused(prov, frozen):
    """Received at commune A on Monday 2 March, sent at 11:00, taken in at 14:00, refused by the
    Department's leader on Tuesday at 16:00 (after 15:00: the refusal is due back Wednesday 17:00)."""
    dossier = _receive(prov, frozen, vn(2026, 3, 2, 10, 0))
    frozen.set(vn(2026, 3, 2, 11, 0))
    dossier = transfers.dossier_transfer(dossier=dossier, actor=prov.a_reception)
    frozen.set(vn(2026, 3, 2, 14, 0))
    dossier = transfers.dossier_receive_transfer(dossier=dossier, actor=prov.justice_reception)
    dossier = services.dossier_hand_over(dossier=dossier, actor=prov.justice_reception,
                                         to_user=prov.justice_specialist)
    frozen.set(vn(2026, 3, 3, 16, 0))
    return services.dossier_refuse(dossier=dossier, actor=prov.justice_leader,
                                   reason="Người yêu cầu không thuộc đối tượng được cấp Phiếu số 2")


def test_the_refusal_goes_back_to_the_desk_which_hands_it_over(prov, frozen, refused):
    assert (refused.status, refused.transfer_state) == (Status.REFUSED, TransferState.AT_AGENCY)
    # The desk cannot hand it over before it is back; the Department cannot hand it over at all.
    for user in (prov.a_reception, prov.justice_reception):
        with pytest.raises(ForbiddenError):
            refusals.dossier_hand_refusal(dossier=refused, actor=user, collected_by="Trần Thị Bình")
    frozen.set(vn(2026, 3, 4, 9, 0))
    back = transfers.dossier_transfer(dossier=refused, actor=prov.justice_reception)
    leg = DossierTransfer.objects.get(dossier=back, direction=DossierTransfer.Direction.BACK)
    # Due as a result's: the refusal came after 15:00 on Tuesday, so Wednesday's closing; sent on time.
    assert (leg.from_agency, leg.to_agency, leg.due_at, leg.timeliness) == (
        prov.justice, prov.a, vn(2026, 3, 4, 17, 0), "on_time")
    assert (back.status, back.transfer_state) == (Status.REFUSED, TransferState.TO_DESK)
    frozen.set(vn(2026, 3, 4, 10, 0))
    back = transfers.dossier_receive_transfer(dossier=back, actor=prov.a_reception)
    assert (back.transfer_state, back.holder) == (TransferState.BACK_AT_DESK, prov.a_reception)
    step = back.steps.order_by("-started_at", "-pk").first()
    assert (step.step_name, step.note, step.agency) == ("Trao văn bản từ chối cho công dân",
                                                        "Nhận văn bản từ chối để trao cho công dân", prov.a)
    with pytest.raises(DomainError):
        refusals.dossier_hand_refusal(dossier=back, actor=prov.a_reception, collected_by="  ")
    frozen.set(vn(2026, 3, 4, 10, 30))
    done = refusals.dossier_hand_refusal(dossier=back, actor=prov.a_reception, collected_by="Trần Thị Bình",
                                         collected_id_number="038190001234")
    assert (done.status, done.refusal_handed_at, done.returned_at, done.collected_by, done.holder) == (
        Status.REFUSED, vn(2026, 3, 4, 10, 30), None, "Trần Thị Bình", None)
    assert list(done.events.order_by("at", "pk").values_list("action", flat=True))[-4:] == [
        "refuse", "transfer", "receive_transfer", "hand_refusal"]
    with pytest.raises(ConflictError):
        refusals.dossier_hand_refusal(dossier=done, actor=prov.a_reception, collected_by="Trần Thị Bình")
    # The desk's register (Mẫu 07) says so in the dossier's note.
    day = vn(2026, 3, 2).date()
    [row] = documents.register_rows(selectors.dossier_register(user=prov.a_reception, start=day, end=day))
    assert "Đã trao văn bản từ chối lúc 10:30 04/03/2026 cho Trần Thị Bình" in row.note
    # Biểu 06 counted it once, resolved at the Department when refused; nothing at the desk.
    rows = DossierDayFigures.objects.filter(grain=Grain.DAY)
    assert sum(rows.filter(agency=prov.justice).values_list("resolved_on_time", flat=True)) + sum(
        rows.filter(agency=prov.justice).values_list("resolved_early", flat=True)) == 1
    assert not rows.filter(agency=prov.a, resolved_on_time__gt=0).exists()


def test_by_page_and_api(client, prov, frozen, refused):
    code = refused.code
    client.force_login(prov.justice_reception)
    page = client.get(f"/can-bo/ho-so/{code}/")
    assert "transfer" in [action for action, *_ in page.context["move_forms"]]
    client.post(f"/can-bo/ho-so/{code}/thao-tac/transfer/", {"transfer-version": refused.version,
                                                             "transfer-mode": "electronic"})
    api = APIClient()
    api.force_authenticate(prov.a_reception)
    assert api.post(f"/api/v1/dossiers/{code}/transfer/receive/", {}, format="json").status_code == 200
    url = f"/api/v1/dossiers/{code}/hand-refusal/"
    missing = api.post(url, {}, format="json")
    assert missing.status_code == 400 and "collected_by" in missing.json()["fields"]
    justice = APIClient()
    justice.force_authenticate(prov.justice_reception)
    assert justice.post(url, {"collected_by": "Trần Thị Bình"}, format="json").status_code == 403
    page = client.get(f"/can-bo/ho-so/{code}/")  # the desk's page offers the hand-over
    client.force_login(prov.a_reception)
    page = client.get(f"/can-bo/ho-so/{code}/")
    assert [action for action, *_ in page.context["move_forms"]] == ["hand_refusal"]
    assert "Trao văn bản từ chối giải quyết cho công dân" in page.content.decode()
    assert "Họ tên người nhận văn bản từ chối" in page.content.decode()
    done = api.post(url, {"collected_by": "Trần Thị Bình"}, format="json")
    assert done.status_code == 200 and done.json()["status"] == "refused" and done.json()["refusal_handed_at"]
    again = api.post(url, {"collected_by": "Trần Thị Bình"}, format="json")
    assert again.status_code == 409 and again.json()["code"] == "refusal_handed_once"
