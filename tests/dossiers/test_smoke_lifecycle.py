import pytest

from dossiers import services
from dossiers.models import DossierEvent
from dossiers.workflow import Status

pytestmark = pytest.mark.django_db


def test_full_lifecycle_to_returned(received, receptionist, specialist, head, leader):
    assert received.status == Status.RECEIVED
    assert received.code.startswith("000.17.22.H56-")
    dossier = services.dossier_hand_over(dossier=received, actor=receptionist, to_user=head)
    dossier = services.dossier_hand_over(dossier=dossier, actor=head, to_user=specialist, next_step=False)
    dossier = services.dossier_request_supplement(dossier=dossier, actor=specialist, missing_papers=["Giấy chứng sinh"],
                                                  reason="Thiếu giấy chứng sinh")
    dossier = services.dossier_receive_supplement(dossier=dossier, actor=receptionist)
    dossier = services.dossier_hand_over(dossier=dossier, actor=specialist, to_user=leader)
    dossier = services.dossier_approve(dossier=dossier, actor=leader, result_summary="Đã ký")
    dossier = services.dossier_return(dossier=dossier, actor=receptionist, collected_by="Trần Thị Bình",
                                      collected_id_number="038190001234")
    assert dossier.status == Status.RETURNED
    assert list(DossierEvent.objects.filter(dossier=dossier).values_list("action", flat=True)) == [
        "receive", "hand_over", "hand_over", "request_supplement", "receive_supplement", "hand_over", "approve",
        "return"]
    assert dossier.steps.count() == 5
    assert dossier.timeliness in ("early", "on_time")
