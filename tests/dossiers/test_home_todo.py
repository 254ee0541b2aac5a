"""Issue 22, item 6: after login each role sees its to-do list (counts and links), not an empty
"Xin chào"; the counts come from the real services' dossiers, and the page's queries are pinned."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dossiers import services

from .conftest import vn

pytestmark = pytest.mark.django_db
HOME = "/can-bo/"


def todo(client) -> dict:
    response = client.get(HOME)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Việc cần làm" in html
    items = {}
    for key in ("overdue-mine", "due-soon", "supplements", "online", "results", "overdue-agency", "alerts"):
        marker = f'id="todo-{key}"'
        if marker in html:
            tail = html.split(marker, 1)[1]
            items[key] = int(tail.split('class="todo-count">', 1)[1].split("<", 1)[0])
    return items


def test_the_counter_sees_what_waits_for_it(client, frozen, build_dossier, submit_online, receptionist, specialist):
    build_dossier("result_ready")
    build_dossier("result_ready")
    submit_online()
    late = build_dossier("processing")
    client.force_login(receptionist)
    before = todo(client)
    assert before["online"] == 1 and before["results"] == 2 and before["overdue-agency"] == 0

    frozen.set(late.due_at + dt.timedelta(hours=1))
    client.force_login(receptionist)
    assert todo(client)["overdue-agency"] == 1

    client.force_login(specialist)
    mine = todo(client)
    assert "online" not in mine and "results" not in mine  # the counter's items only
    assert mine["overdue-mine"] == 1  # the late dossier is on the specialist's desk


def test_a_specialist_sees_due_soon_and_supplements_received(client, frozen, build_dossier, specialist):
    waiting = build_dossier("awaiting_supplement")
    services.dossier_receive_supplement(dossier=waiting, actor=specialist)
    build_dossier("processing")
    client.force_login(specialist)
    items = todo(client)
    assert items["supplements"] == 1
    frozen.set(vn(2026, 6, 1, 9, 0))  # long after every appointment
    client.force_login(specialist)
    assert todo(client)["overdue-mine"] == 2


def test_the_home_page_reads_a_fixed_number_of_queries(client, frozen, build_dossier, receptionist):
    client.force_login(receptionist)
    client.get(HOME)  # warm the session
    with CaptureQueriesContext(connection) as few:
        client.get(HOME)
    for _ in range(4):
        build_dossier("processing")
        build_dossier("result_ready")
    with CaptureQueriesContext(connection) as many:
        client.get(HOME)
    assert len(many) == len(few) <= 12, [q["sql"] for q in many]


def test_the_counter_is_told_of_results_to_hand_back_and_submissions_waiting(frozen, build_dossier, submit_online,
                                                                              receptionist, specialist):
    """Issue 22, item 7: reception heard of neither; and a bell item's body says what happened."""
    from dossiers.models import Message

    inapp = Message.objects.filter(recipient=receptionist, channel=Message.Channel.INAPP)
    ready = build_dossier("result_ready")
    told = inapp.get(subject=f"Có kết quả chờ trả: hồ sơ {ready.code}")
    assert "Hồ sơ đã được phê duyệt kết quả" in told.body and told.subject not in told.body
    waiting = submit_online()
    queued = inapp.get(subject=f"Hồ sơ trực tuyến chờ tiếp nhận: {waiting.code}")
    assert "đã nộp trực tuyến" in queued.body and queued.url == "/can-bo/ho-so/cho-tiep-nhan/"
    assert not Message.objects.filter(recipient=specialist, subject__startswith="Có kết quả chờ trả").exists()
    handed = Message.objects.filter(recipient=specialist, channel=Message.Channel.INAPP,
                                    subject__contains="chuyển đến bạn").first()
    assert handed is not None and handed.subject not in handed.body and "đã chuyển hồ sơ cho bạn" in handed.body
