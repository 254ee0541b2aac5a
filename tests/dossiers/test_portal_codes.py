"""Issue 21, item 10: each way a dossier may stand or end exports the National Public Service
Portal's status code (TrangThaiHoSoId) that domain-vn.md §2.3 gives it. The table is written here
from the document, not read from dossiers.workflow; each row's dossier is brought there by the
real services."""

import pytest

from dossiers import services
from dossiers.models import Dossier

pytestmark = pytest.mark.django_db

# (how the dossier got there, code): domain-vn.md §2.3, table A and "Mapping to our design".
PORTAL_TABLE = [
    ("received", 2),              # Được tiếp nhận
    ("processing", 4),            # Đang xử lý
    ("awaiting_supplement", 5),   # Yêu cầu bổ sung giấy tờ
    ("awaiting_payment", 6),      # Yêu cầu thực hiện nghĩa vụ tài chính
    ("withdrawn", 7),             # Công dân yêu cầu rút hồ sơ
    ("stopped", 8),               # Dừng xử lý
    ("result_ready", 9),          # Đã xử lý xong
    ("returned", 10),             # Đã trả kết quả
    ("refused_at_intake", 3),     # Không được tiếp nhận: refused at intake
    ("refused", 9),               # refused after appraisal: handling ended, "đã xử lý", never 3
]


@pytest.mark.parametrize(("state", "code"), PORTAL_TABLE)
def test_each_ending_exports_its_portal_code(build_dossier, state, code):
    dossier = Dossier.objects.get(pk=build_dossier(state).pk)
    assert dossier.portal_status == code


def test_an_online_submission_waiting_and_one_refused_online(submit_online, receptionist):
    submitted = submit_online()
    assert Dossier.objects.get(pk=submitted.pk).portal_status == 1  # Mới đăng ký
    services.dossier_reject_online(dossier=submitted, actor=receptionist, reason="Hồ sơ không đúng thủ tục")
    assert Dossier.objects.get(pk=submitted.pk).portal_status == 3  # never received: Không được tiếp nhận


def test_the_api_exports_a_refusal_after_appraisal_as_handled(build_dossier, client, leader):
    dossier = build_dossier("refused")
    client.force_login(leader)
    body = client.get(f"/api/v1/dossiers/{dossier.code}/").json()
    assert (body["status"], body["portal_status"]) == ("refused", 9)
