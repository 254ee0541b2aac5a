"""The staff dossier page lists a liên thông dossier's legs (issue 23, item 3): stage, agency, started,
due, finished, on time or late, from the selector's prefetched legs (a pinned query count that does not
grow with the legs); a parallel leg's agency hands over among its own officers there, and its moves
come by the page as by the services."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from dossiers import transfers

from .conftest import vn
from .test_legs_parallel import _sent, prov  # noqa: F401 (the fixture)

pytestmark = pytest.mark.django_db


def page(code: str) -> str:
    return f"/can-bo/ho-so/{code}/"


def _legs_table(html: str) -> list[list[str]]:
    """The legs section's rows, each cell's text without tags and runs of spaces."""
    section = html.split('id="legs"', 1)[1].split("</section>", 1)[0]
    rows = re.findall(r"<tr><td>(.*?)</tr>", section, flags=re.S)
    return [[" ".join(re.sub(r"<[^>]+>", " ", cell).split()) for cell in re.split(r"</td>\s*<td>", row)]
            for row in rows]


def test_the_page_lists_the_legs_with_their_times_and_state(client, prov, frozen):  # noqa: F811
    dossier = _sent(prov, frozen)
    frozen.set(vn(2026, 3, 2, 14, 30))
    dossier = transfers.dossier_receive_transfer(dossier=dossier, actor=prov.police_reception)
    frozen.set(vn(2026, 3, 3, 9, 0))  # Tuesday: the police's same-day leg is past its due (Monday 17:00)
    client.force_login(prov.a_reception)
    rows = _legs_table(client.get(page(dossier.code)).content.decode())
    assert rows == [
        ["1", prov.a.name, "Đăng ký khai tử", "10:00 02/03/2026", "17:00 02/03/2026",
         "14:00 02/03/2026", "Đúng hạn"],
        ["2 (song song)", "Công an xã A", "Xóa đăng ký thường trú", "14:30 02/03/2026", "17:00 02/03/2026", "—",
         "Đang quá hạn"],
        ["2 (song song)", "Bảo hiểm xã hội tỉnh T", "Giải quyết mai táng phí", "—", "—", "—", "Đang chuyển đến"],
    ]
    frozen.set(vn(2026, 3, 3, 9, 30))
    transfers.dossier_transfer(dossier=dossier, actor=prov.police_reception)
    rows = _legs_table(client.get(page(dossier.code)).content.decode())
    # Sent back two working hours after its due (Tuesday opened at 7:30).
    assert rows[1][5:] == ["09:30 03/03/2026", "Quá hạn (trễ 2 giờ 0 phút)"]


def test_a_dossier_without_legs_has_no_legs_section(client, prov, frozen):  # noqa: F811
    from .test_transfers import _receive

    dossier = _receive(prov, frozen, vn(2026, 3, 2, 10, 0), variant=prov.birth)
    client.force_login(prov.a_reception)
    assert 'id="legs"' not in client.get(page(dossier.code)).content.decode()


def test_a_leg_agency_hands_over_among_its_own_officers_on_the_page(client, prov, frozen):  # noqa: F811
    dossier = _sent(prov, frozen)
    frozen.set(vn(2026, 3, 2, 14, 30))
    dossier = transfers.dossier_receive_transfer(dossier=dossier, actor=prov.police_reception)
    client.force_login(prov.police_reception)
    response = client.get(page(dossier.code))
    forms = dict((action, form) for action, _, form, _ in response.context["move_forms"])
    assert set(forms) >= {"hand_over", "transfer"} and "approve" not in forms
    offered = {user.pk for user in forms["hand_over"].fields["to_user"].queryset}
    assert prov.police_specialist.pk in offered and not offered & {prov.a_specialist.pk, prov.insurance_leader.pk}
    moved = client.post(page(dossier.code) + "thao-tac/hand_over/", {
        "hand_over-to_user": prov.police_specialist.pk, "hand_over-version": response.context["dossier"].version,
        "hand_over-note": "Xác minh cư trú"})
    assert moved.status_code == 302
    dossier.refresh_from_db()
    assert dossier.legs.get(agency=prov.police).holder == prov.police_specialist
    client.force_login(prov.a_reception)  # the lead sees the legs but has no move while the stage runs
    forms = [action for action, *_ in client.get(page(dossier.code)).context["move_forms"]]
    assert forms == []


def test_the_page_query_count_does_not_grow_with_the_legs(client, prov, frozen, django_assert_num_queries):  # noqa: F811
    dossier = _sent(prov, frozen)
    client.force_login(prov.a_reception)
    client.get(page(dossier.code))  # the session, read once and kept in the cache
    # The dossier with its joins and prefetches (the legs among them), the issued forms: as the plain
    # dossier page's pin (test_views_staff.test_dossier_page_query_count), less the hand-over form the
    # lead does not get while the stage runs.
    with django_assert_num_queries(10):
        client.get(page(dossier.code))
    frozen.set(vn(2026, 3, 2, 14, 30))
    for counter in (prov.police_reception, prov.insurance_reception):
        dossier = transfers.dossier_receive_transfer(dossier=dossier, actor=counter)
    with django_assert_num_queries(10):
        assert len(client.get(page(dossier.code)).context["legs"]) == 3


def test_the_api_detail_query_count_in_a_parallel_stage(prov, frozen, django_assert_num_queries):  # noqa: F811
    """The detail's `legs` and `leg_agency_codes` come from the selector's prefetched legs: taking both
    copies in (more legs started, held and listed) adds no query."""
    dossier = _sent(prov, frozen)
    api = APIClient()
    api.force_authenticate(prov.a_reception)
    url = f"/api/v1/dossiers/{dossier.code}/"
    with CaptureQueriesContext(connection) as before:
        assert api.get(url).json()["leg_agency_codes"]
    for counter in (prov.police_reception, prov.insurance_reception):
        dossier = transfers.dossier_receive_transfer(dossier=dossier, actor=counter)
    with django_assert_num_queries(len(before.captured_queries)):
        assert len(api.get(url).json()["leg_agency_codes"]) == 2
    # The user, the dossier with its joins, papers, fees, results, legs (with agency and holder), steps,
    # events: the plain detail's queries (tests/dossiers/test_api.py pins their growth).
    assert len(before.captured_queries) == 7
