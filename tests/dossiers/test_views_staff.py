"""Staff pages under /can-bo/: login and role checks, agency scoping, the agency list's search
and filters, the move forms of the dossier page, the three intake outcomes, the register
(PDF, xlsx), the inbox, and pinned query counts of every list page and the dossier page."""

import io

import openpyxl
import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from dossiers import services
from dossiers.models import Dossier, IntakeGuidance, Message
from mocua.accounts.models import Role
from procedures import catalogue
from procedures.models import Channel, Procedure

from ..factories import DepartmentFactory, UserFactory, full_variant
from .conftest import make_intake, snapshot, vn

pytestmark = pytest.mark.django_db

LIST = "/can-bo/ho-so/"
MINE = "/can-bo/ho-so/cua-toi/"
INTAKE = "/can-bo/ho-so/tiep-nhan/"
QUEUE = "/can-bo/ho-so/cho-tiep-nhan/"
REGISTER = "/can-bo/so-theo-doi/"
INBOX = "/can-bo/thong-bao/"
MARCH = {"start": "2026-03-01", "end": "2026-03-31"}


def page(code: str, tail: str = "") -> str:
    return f"/can-bo/ho-so/{code}/{tail}"


def move_url(code: str, action: str) -> str:
    return page(code, f"thao-tac/{action}/")


def flashed(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


@pytest.fixture
def as_user(client):
    def login(user):
        client.force_login(user)
        return client

    return login


def _pdf_scan(name="ban-quet.pdf"):
    return SimpleUploadedFile(name, b"%PDF-1.7\n1 0 obj<<>>endobj\n%%EOF\n", content_type="application/pdf")


# --------------------------------------------------------------------------- login and roles

PAGES = [LIST, MINE, INTAKE, QUEUE, REGISTER, INBOX]


def test_every_staff_page_needs_login(client, processing):
    guidance_pk = 1
    urls = PAGES + [page(processing.code), page(processing.code, "giay-tiep-nhan.pdf"),
                    page(processing.code, "mau-06.pdf"), page(processing.code, "tai-lieu/1/"),
                    f"/can-bo/ho-so/huong-dan/{guidance_pk}/"]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.url.startswith(reverse("accounts:login") + "?next="), url
    for url in (move_url(processing.code, "approve"), page(processing.code, "dinh-kem/"), "/can-bo/thong-bao/da-doc/"):
        response = client.post(url, {"approve-result_summary": "x"})
        assert response.status_code == 302 and reverse("accounts:login") in response.url, url
    assert snapshot(processing)["status"] == "processing"


@pytest.mark.parametrize("kind", ["no_role", "no_agency"])
def test_someone_who_is_not_an_officer_gets_403(as_user, agency, processing, kind):
    user = UserFactory(agency=agency, role="") if kind == "no_role" else UserFactory(agency=None, role=Role.LEADER)
    client = as_user(user)
    for url in PAGES + [page(processing.code)]:
        assert client.get(url).status_code == 403, url
    before = snapshot(processing)
    assert client.post(move_url(processing.code, "stop"), {"stop-reason": "Dừng"}).status_code == 403
    assert snapshot(processing) == before


@pytest.mark.parametrize("role, allowed", [
    (Role.SPECIALIST, False), (Role.RECEPTION, True), (Role.HEAD, True), (Role.LEADER, True)])
def test_intake_and_the_online_queue_are_for_the_counter(as_user, agency, role, allowed):
    client = as_user(UserFactory(agency=agency, role=role))
    for url in (INTAKE, QUEUE):
        assert client.get(url).status_code == (200 if allowed else 403), url


def test_a_specialist_cannot_post_an_intake(as_user, specialist, variant):
    response = as_user(specialist).post(INTAKE, {**_intake_post(variant), "outcome": "accept"})
    assert response.status_code == 403
    assert not Dossier.objects.exists()


def test_the_work_lists_are_open_to_every_role(as_user, specialist):
    client = as_user(specialist)
    for url in (LIST, MINE, REGISTER, INBOX):
        assert client.get(url).status_code == 200, url


# --------------------------------------------------------------------------- agency scoping


def test_another_agency_gets_404_for_the_page_pdfs_files_and_moves(frozen, processing, as_user, specialist,
                                                                    other_officer):
    document = services.dossier_attach(dossier=processing, actor=specialist, upload=_pdf_scan(), name="Bản quét")
    client = as_user(other_officer)
    for tail in ("", "giay-tiep-nhan.pdf", "mau-01.pdf", "mau-06.pdf", f"tai-lieu/{document.pk}/"):
        assert client.get(page(processing.code, tail)).status_code == 404, tail
    before = snapshot(processing)
    assert client.post(move_url(processing.code, "stop"), {"stop-reason": "Dừng"}).status_code == 404
    assert client.post(page(processing.code, "dinh-kem/"), {"name": "X", "file": _pdf_scan()}).status_code == 404
    assert snapshot(processing) == before
    assert not client.get(LIST, {"q": processing.code}).context["page"].object_list


def test_another_agency_gets_404_for_a_guidance_slip(frozen, as_user, receptionist, variant, other_agency):
    guidance = services.intake_guidance_create(actor=receptionist, variant=variant,
                                               applicant=services.Applicant(name="Trần Thị Bình"),
                                               missing_papers=["Tờ khai"])
    stranger = UserFactory(agency=other_agency, role=Role.RECEPTION)
    assert as_user(stranger).get(f"/can-bo/ho-so/huong-dan/{guidance.pk}/").status_code == 404


def test_an_attachment_of_another_dossier_is_404(frozen, build_dossier, as_user, specialist, leader):
    first, second = build_dossier("processing"), build_dossier("processing")
    document = services.dossier_attach(dossier=first, actor=specialist, upload=_pdf_scan(), name="Bản quét")
    client = as_user(leader)
    assert client.get(page(second.code, f"tai-lieu/{document.pk}/")).status_code == 404
    response = client.get(page(first.code, f"tai-lieu/{document.pk}/"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF")


# --------------------------------------------------------------------------- the agency list


@pytest.fixture
def mixed(frozen, build_dossier):
    post = build_dossier("processing", channel=Channel.POST,
                         applicant=services.Applicant(name="Lê Văn Cường", phone="0934567890",
                                                      id_number="038190005678"))
    return {"received": build_dossier("received"), "processing": post, "returned": build_dossier("returned")}


def _listed(client, **params) -> set[str]:
    response = client.get(LIST, params)
    assert response.status_code == 200
    return {d.code for d in response.context["page"].object_list}


def test_the_list_shows_the_agency_dossiers(mixed, as_user, specialist):
    response = as_user(specialist).get(LIST)
    html = response.content.decode()
    assert {d.code for d in response.context["page"].object_list} == {d.code for d in mixed.values()}
    assert "Lê Văn Cường" in html and "Đang xử lý" in html
    assert "3 hồ sơ." in html


@pytest.mark.parametrize("query", ["le van cuong", "LÊ VĂN CƯỜNG", "Cuong", "0934 567 890", "+84 934 567 890",
                                   "038190005678"])
def test_search_ignores_diacritics_case_and_phone_format(mixed, as_user, specialist, query):
    assert _listed(as_user(specialist), q=query) == {mixed["processing"].code}


def test_search_by_code(mixed, as_user, specialist):
    assert _listed(as_user(specialist), q=mixed["returned"].code) == {mixed["returned"].code}


def test_a_whole_name_lists_that_applicant_with_a_link_to_the_word_search(mixed, build_dossier, as_user, specialist):
    namesake = build_dossier("received", applicant=services.Applicant(name="Lê Văn Cường Anh"))
    client = as_user(specialist)
    response = client.get(LIST, {"q": "Lê Văn Cường", "status": ""})
    html = response.content.decode()
    assert {d.code for d in response.context["page"].object_list} == {mixed["processing"].code}
    assert "Hồ sơ của người nộp có họ tên “Lê Văn Cường”." in html
    link = 'href="?q=L%C3%AA+V%C4%83n+C%C6%B0%E1%BB%9Dng&amp;status=&amp;words=1"'
    assert link in html
    # The link: every dossier holding the three words, without the notice.
    by_words = client.get(LIST, {"q": "Lê Văn Cường", "status": "", "words": "1"})
    assert {d.code for d in by_words.context["page"].object_list} == {mixed["processing"].code, namesake.code}
    assert "Hồ sơ của người nộp có họ tên" not in by_words.content.decode()
    # A phone typed whole: that applicant's dossiers.
    by_phone = client.get(LIST, {"q": "0934 567 890"})
    assert {d.code for d in by_phone.context["page"].object_list} == {mixed["processing"].code}
    assert "Hồ sơ của người nộp có số điện thoại “0934 567 890”." in by_phone.content.decode()
    # Part of a name is searched word by word, without the notice.
    part = client.get(LIST, {"q": "Văn Cường"})
    assert {d.code for d in part.context["page"].object_list} == {mixed["processing"].code, namesake.code}
    assert "Hồ sơ của người nộp có họ tên" not in part.content.decode()


def test_filters(mixed, as_user, specialist):
    client = as_user(specialist)
    everything = {d.code for d in mixed.values()}
    assert _listed(client, status="returned") == {mixed["returned"].code}
    assert _listed(client, channel="post") == {mixed["processing"].code}
    assert _listed(client, holder=str(specialist.pk)) == {mixed["processing"].code}
    refused = client.get(LIST, {"holder": "abc"})  # a bad filter is named and left out, the list still shown
    assert refused.status_code == 400 and "Bộ lọc “Cán bộ đang giữ” không hợp lệ" in refused.content.decode()
    assert _listed(client, procedure="1.001193") == everything
    assert _listed(client, procedure="9.999999") == set()
    assert _listed(client, field=mixed["received"].procedure.field.code) == everything
    assert _listed(client, field="KHONGCO") == set()


def test_the_procedure_and_field_filters_are_pickers_of_the_agencys_catalogue(mixed, as_user, specialist,
                                                                              other_agency):
    """Issue 22, item 8: an officer picks a procedure or a field by name, among those the agency handles."""
    procedure = mixed["received"].procedure
    Procedure.objects.create(code="9.000001", name="Thủ tục của nơi khác", field=procedure.field,
                             level=procedure.level).agencies.add(other_agency)
    response = as_user(specialist).get(LIST, {"procedure": procedure.code})
    procedures = dict(response.context["procedures"]())  # callables: read only to build the cached pickers
    assert procedures[procedure.code] == f"{procedure.name} ({procedure.code})"
    assert "9.000001" not in procedures
    assert dict(response.context["fields"]()) == {procedure.field.code: procedure.field.name}
    html = response.content.decode()
    assert f'<option value="{procedure.code}" selected>' in html
    assert 'name="procedure" value=' not in html  # no free-text code box


def test_late_filter_and_colours(mixed, frozen, as_user, specialist):
    client = as_user(specialist)
    assert _listed(client, late="1") == set()
    frozen.set(vn(2026, 3, 10, 9, 0))  # both open dossiers are past their 05/03 appointment
    assert _listed(client, late="1") == {mixed["received"].code, mixed["processing"].code}
    assert "status-late" in client.get(LIST, {"late": "1"}).content.decode()


def test_the_list_pages_by_25_and_keeps_the_filters(frozen, receptionist, variant, as_user, specialist):
    for _ in range(27):
        services.dossier_receive(actor=receptionist, intake=make_intake(variant))
    client = as_user(specialist)
    first = client.get(LIST, {"status": "received"})
    assert len(first.context["page"].object_list) == 25
    assert "?status=received&amp;page=2" in first.content.decode()
    second = client.get(LIST, {"status": "received", "page": 2})
    assert len(second.context["page"].object_list) == 2
    assert client.get(LIST, {"page": "rác"}).status_code == 200  # a bad page number shows page 1


# --------------------------------------------------------------------------- my dossiers and the queue


def test_my_dossiers_are_those_on_my_desk_least_time_left_first(frozen, build_dossier, as_user, specialist,
                                                                second_specialist, receptionist):
    first = build_dossier("processing")
    frozen.set(vn(2026, 3, 2, 10, 0))
    later = build_dossier("processing")
    elsewhere = services.dossier_hand_over(dossier=build_dossier("received"), actor=receptionist,
                                           to_user=second_specialist)
    response = as_user(specialist).get(MINE)
    assert [d.code for d in response.context["dossiers"]] == [first.code, later.code]
    assert elsewhere.code not in response.content.decode()
    assert "Trong hạn" in response.content.decode()


def test_both_lists_escape_what_was_typed_at_the_counter(frozen, build_dossier, as_user, specialist):
    """The rows are formatted in Python (dossiers/templatetags/rows.py), not by the template engine:
    an applicant's name is still text, never markup."""
    typed = '<script>alert("x")</script> & Lê'
    dossier = build_dossier("processing", applicant=services.Applicant(
        name=typed, id_number="038190001234", phone="0912345678"))
    escaped = "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; Lê"

    for url in (MINE, LIST):
        page = as_user(specialist).get(url).content.decode()
        assert escaped in page and typed not in page, url
        assert f'<a href="/can-bo/ho-so/{dossier.code}/">{dossier.code}</a>' in page, url


def test_the_queue_lists_online_submissions_and_the_counter_accepts_one(frozen, submit_online, as_user,
                                                                          receptionist):
    submitted = submit_online()
    client = as_user(receptionist)
    assert [d.code for d in client.get(QUEUE).context["dossiers"]] == [submitted.code]
    detail = client.get(page(submitted.code)).content.decode()
    assert 'data-action="accept_online"' in detail and 'data-action="reject_online"' in detail
    response = client.post(move_url(submitted.code, "accept_online"), {"accept_online-version": submitted.version})
    assert response.status_code == 302
    assert Dossier.objects.get(pk=submitted.pk).status == "received"
    assert client.get(QUEUE).context["dossiers"].count() == 0


def test_rejecting_an_online_submission_needs_a_reason(frozen, submit_online, as_user, receptionist):
    submitted = submit_online()
    before = snapshot(submitted)
    response = as_user(receptionist).post(move_url(submitted.code, "reject_online"), {"reject_online-reason": ""})
    assert response.status_code == 302
    assert any("Lý do" in m for m in flashed(response))
    assert snapshot(submitted) == before


# --------------------------------------------------------------------------- the dossier page and its moves


def test_the_move_that_fits_the_step_comes_first_and_deciding_moves_ask_to_confirm(frozen, processing, as_user,
                                                                                  specialist, leader, receptionist):
    """Issue 22, item 5: a leader on the approval step saw "Phê duyệt kết quả" fourth of seven."""
    first = as_user(specialist).get(page(processing.code)).context["move_forms"]
    assert first[0][0] == "hand_over"
    services.dossier_hand_over(dossier=processing, actor=specialist, to_user=leader)  # to the approval step
    response = as_user(leader).get(page(processing.code))
    moves = response.context["move_forms"]
    assert len(moves) > 3 and moves[0][0] == "approve"
    html = response.content.decode()
    assert html.index('data-action="approve"') < html.index('data-action="hand_over"')
    assert 'data-confirm="Phê duyệt kết quả của hồ sơ này?"' in html and "js/confirm.js" in html
    assert dict((a, c) for a, _, _, c in moves)["refuse"] == "Từ chối giải quyết hồ sơ này (Mẫu 03)?"
    assert dict((a, c) for a, _, _, c in moves)["hand_over"] == ""
    approved = services.dossier_approve(dossier=processing, actor=leader, result_summary="Giấy khai sinh")
    assert as_user(receptionist).get(page(approved.code)).context["move_forms"][0][0] == "return"


def test_the_handover_suggests_the_next_steps_role_least_loaded_first_and_warns_on_a_misfit(
        frozen, processing, as_user, specialist, leader, head, agency):
    """Issue 22, item 4: the approval step went to a department head with no word."""
    other_leader = UserFactory(agency=agency, role=Role.LEADER, username="lanhdao2", full_name="Đỗ Văn Lực")
    response = as_user(specialist).get(page(processing.code))
    form = dict((a, f) for a, _, f, _ in response.context["move_forms"])["hand_over"]
    assert form.next_role == "leader" and "Ký duyệt kết quả" in form.step_hint and "lãnh đạo cơ quan" in form.step_hint
    officers = list(form.fields["to_user"].queryset)
    # Both leaders first, the one holding fewer open dossiers (none) before the other; then the rest.
    assert [o.role for o in officers[:2]] == ["leader", "leader"] and officers[2].role != "leader"
    assert officers[0].load <= officers[1].load
    html = response.content.decode()
    assert 'data-next-role="leader"' in html and 'data-role="head"' in html
    assert "hồ sơ đang giữ" in html
    assert "Bước này đã xong: chuyển hồ sơ sang bước tiếp theo" in html and "bỏ chọn nếu chỉ phân công" not in html

    moved = as_user(specialist).post(move_url(processing.code, "hand_over"), {
        "hand_over-version": processing.version, "hand_over-to_user": head.pk, "hand_over-next_step": "on"})
    assert moved.status_code == 302
    warnings = [m for m in flashed(moved) if m.startswith("Lưu ý")]
    assert warnings == [f"Lưu ý: bước “Ký duyệt kết quả” do lãnh đạo cơ quan thực hiện, còn {head.display_name} "
                        "là lãnh đạo phòng."]
    assert other_leader.pk != leader.pk


def test_the_register_opens_on_the_current_month_and_no_empty_whereabouts(frozen, as_user, receptionist,
                                                                          build_dossier):
    """Issue 22, item 8: the register opened empty, and a finished dossier read "Đang ở: ·"."""
    received = build_dossier("received")
    response = as_user(receptionist).get(REGISTER)
    form = response.context["form"]
    assert form.is_bound and (form.cleaned_data["start"], form.cleaned_data["end"]) == (vn(2026, 3, 1).date(),
                                                                                       vn(2026, 3, 2).date())
    assert received.code in response.content.decode()
    returned = build_dossier("returned")
    html = as_user(receptionist).get(page(returned.code)).content.decode()
    whereabouts = html.split("<dt>Đang ở</dt><dd>", 1)[1].split("</dd>", 1)[0]
    assert not whereabouts.startswith(" · ") and whereabouts.strip()


def test_the_dossier_page_shows_its_data_and_exactly_the_allowed_actions(frozen, processing, as_user, specialist):
    response = as_user(specialist).get(page(processing.code))
    html = response.content.decode()
    assert processing.code in html and "Trần Thị Bình" in html and "Tờ khai theo mẫu" in html
    assert "8.000 đồng" in html or "8000" in html
    actions = {a for a, _, _, _ in response.context["move_forms"]}
    assert actions == {"hand_over", "request_supplement", "request_payment"}
    assert 'data-action="approve"' not in html and 'data-action="stop"' not in html
    assert "Mẫu 06" in html


def test_the_timeline_speaks_vietnamese(frozen, processing, as_user, specialist):
    html = as_user(specialist).get(page(processing.code)).content.decode()
    assert "Tiếp nhận hồ sơ" in html and "Chuyển xử lý: Được tiếp nhận → Đang xử lý" in html
    assert "hand_over" not in html.split("Nhật ký thao tác")[1]


@pytest.mark.parametrize("param", ["a/b", "99", "03"])
def test_a_stray_print_parameter_is_ignored(frozen, processing, as_user, specialist, param):
    response = as_user(specialist).get(page(processing.code), {"in": param})
    assert response.status_code == 200
    assert 'id="print-link"' not in response.content.decode()  # no Mẫu 03 for a dossier being handled


# (state, action, actor, valid POST data, status after)
VALID = [
    ("received", "hand_over", "receptionist", lambda p: {"to_user": p["specialist"].pk, "next_step": "on"},
     "processing"),
    ("processing", "request_supplement", "specialist",
     lambda p: {"missing_papers": "Giấy chứng sinh\nBản sao CCCD", "reason": "Thiếu giấy tờ"}, "awaiting_supplement"),
    ("awaiting_supplement", "receive_supplement", "receptionist", lambda p: {"note": "Đủ"}, "processing"),
    ("processing", "request_payment", "specialist", lambda p: {"reason": "Nộp lệ phí"}, "awaiting_payment"),
    ("awaiting_payment", "receive_payment", "receptionist", lambda p: {}, "processing"),
    ("processing", "approve", "leader", lambda p: {"result_summary": "Giấy khai sinh số 12"}, "result_ready"),
    ("processing", "refuse", "leader", lambda p: {"reason": "Không đủ điều kiện"}, "refused"),
    ("result_ready", "return", "receptionist",
     lambda p: {"collected_by": "Trần Thị Bình", "collected_id_number": "038190001234"}, "returned"),
    ("received", "withdraw", "receptionist", lambda p: {"reason": "Công dân xin rút"}, "withdrawn"),
    ("processing", "stop", "leader", lambda p: {"reason": "Có tranh chấp"}, "stopped"),
    ("processing", "reschedule", "leader", lambda p: {"new_due_at": "2026-03-20T17:00", "reason": "Chờ xác minh"},
     "processing"),
]
FORM_AFTER = {"request_supplement": "02", "refuse": "03", "reschedule": "04", "stop": "05"}  # the workflow's


@pytest.fixture
def people(receptionist, specialist, head, leader):
    return {"receptionist": receptionist, "specialist": specialist, "head": head, "leader": leader}


def _post(client, dossier, action, data, version=None):
    body = {f"{action}-{k}": v for k, v in data.items()}
    if version is not None:
        body[f"{action}-version"] = version
    return client.post(move_url(dossier.code, action), body)


@pytest.mark.parametrize("state, action, who, data, after", VALID, ids=[v[1] for v in VALID])
def test_each_move_form(frozen, build_dossier, as_user, people, state, action, who, data, after):
    dossier = build_dossier(state)
    before = snapshot(dossier)
    client = as_user(people[who])
    assert f'data-action="{action}"' in client.get(page(dossier.code)).content.decode()
    response = _post(client, dossier, action, data(people), version=before["version"])
    assert response.status_code == 302
    expected = page(dossier.code) + (f"?in={FORM_AFTER[action]}" if action in FORM_AFTER else "")
    assert response.url == expected
    assert any(m.startswith("Đã thực hiện") for m in flashed(response))
    fresh = snapshot(dossier)
    assert fresh["status"] == after
    assert fresh["events"] == before["events"] + 1 and fresh["version"] == before["version"] + 1


def test_the_supplement_form_splits_the_lines(frozen, processing, as_user, specialist):
    _post(as_user(specialist), processing, "request_supplement",
          {"missing_papers": " Giấy chứng sinh \n\nBản sao CCCD", "reason": "Thiếu"})
    assert Dossier.objects.get(pk=processing.pk).missing_papers == ["Giấy chứng sinh", "Bản sao CCCD"]


def test_the_printed_form_after_a_move_opens(frozen, processing, as_user, leader):
    response = _post(as_user(leader), processing, "stop", {"reason": "Có tranh chấp"})
    followed = as_user(leader).get(response.url)
    assert 'id="print-link"' in followed.content.decode()
    pdf = as_user(leader).get(page(processing.code, "mau-05.pdf"))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")


# (state, action, actor, invalid POST data, a piece of the Vietnamese message)
INVALID = [
    ("received", "hand_over", "receptionist", {}, "Cần chọn cán bộ hoặc phòng ban"),
    ("received", "hand_over", "receptionist", {"to_user": "999999"}, "Chuyển cho cán bộ"),
    ("processing", "request_supplement", "specialist", {"missing_papers": "", "reason": "Thiếu"},
     "Giấy tờ cần bổ sung"),
    ("processing", "request_supplement", "specialist", {"missing_papers": "Tờ khai", "reason": ""}, "Lý do"),
    ("awaiting_supplement", "receive_supplement", "receptionist", {"note": "x" * 2001}, "Ghi chú"),
    ("processing", "request_payment", "specialist", {"reason": ""}, "Lý do"),
    ("awaiting_payment", "receive_payment", "receptionist", {"note": "x" * 2001}, "Ghi chú"),
    ("processing", "approve", "leader", {"result_summary": "x" * 2001}, "Kết quả giải quyết"),
    ("processing", "refuse", "leader", {"reason": ""}, "Lý do"),
    ("result_ready", "return", "receptionist", {"collected_by": ""}, "Cần nhập họ tên người nhận kết quả"),
    ("result_ready", "return", "receptionist", {"collected_by": "Bình", "collected_id_number": "123"}, "12 chữ số"),
    ("received", "withdraw", "receptionist", {"reason": ""}, "Lý do"),
    ("processing", "stop", "leader", {"reason": ""}, "Lý do"),
    ("processing", "reschedule", "leader", {"new_due_at": "ngày mai", "reason": "Chậm"}, "Ngày giờ hẹn trả mới"),
    ("processing", "reschedule", "leader", {"new_due_at": "2026-03-01T08:00", "reason": "Chậm"},
     "Ngày hẹn mới phải sau"),
    # Sun 08/03/2026 at 22:00 (issue 21): not a working day, not office hours.
    ("processing", "reschedule", "leader", {"new_due_at": "2026-03-08T22:00", "reason": "Chậm"},
     "Ngày giờ hẹn trả mới phải là ngày làm việc, trong giờ hành chính"),
]


@pytest.mark.parametrize("state, action, who, data, message", INVALID)
def test_an_invalid_move_form_shows_a_vietnamese_error_and_changes_nothing(frozen, build_dossier, as_user, people,
                                                                           state, action, who, data, message):
    dossier = build_dossier(state)
    before = snapshot(dossier)
    response = _post(as_user(people[who]), dossier, action, data)
    assert response.status_code == 302 and response.url == page(dossier.code)
    errors = flashed(response)
    assert any(message in m for m in errors), errors
    assert snapshot(dossier) == before


@pytest.mark.parametrize("state, action, data", [
    ("received", "approve", {}), ("received", "request_supplement", {"missing_papers": "Tờ khai", "reason": "x"}),
    ("returned", "withdraw", {"reason": "Rút"}), ("returned", "stop", {"reason": "Dừng"}),
    ("refused", "return", {"collected_by": "Bình"})])
def test_an_illegal_move_is_refused_with_a_message(frozen, build_dossier, as_user, leader, state, action, data):
    dossier = build_dossier(state)
    before = snapshot(dossier)
    response = _post(as_user(leader), dossier, action, data)
    assert any(m.startswith("Không thể chuyển hồ sơ") for m in flashed(response))
    assert snapshot(dossier) == before


def test_a_move_without_the_right_is_refused_with_a_message(frozen, processing, as_user, specialist):
    before = snapshot(processing)
    response = _post(as_user(specialist), processing, "approve", {"result_summary": "x"})
    assert "Bạn không có quyền thực hiện thao tác này với hồ sơ." in flashed(response)
    assert snapshot(processing) == before


def test_a_second_supplement_request_is_refused(frozen, build_dossier, as_user, specialist, receptionist):
    dossier = build_dossier("awaiting_supplement")
    services.dossier_receive_supplement(dossier=dossier, actor=receptionist)
    before = snapshot(dossier)
    response = _post(as_user(specialist), dossier, "request_supplement", {"missing_papers": "Khác", "reason": "x"})
    assert any("một lần" in m for m in flashed(response))
    assert snapshot(dossier) == before


def test_a_stale_page_is_refused(frozen, received, as_user, receptionist, head, specialist):
    client = as_user(receptionist)
    shown = client.get(page(received.code)).context["dossier"].version
    services.dossier_hand_over(dossier=received, actor=head, to_user=specialist)
    before = snapshot(received)
    response = _post(client, received, "withdraw", {"reason": "Rút"}, version=shown)
    assert any("vừa được người khác cập nhật" in m for m in flashed(response))
    assert snapshot(received) == before


def test_an_unknown_action_is_404_and_a_get_is_405(received, as_user, leader):
    client = as_user(leader)
    assert client.post(move_url(received.code, "delete")).status_code == 404
    assert client.get(move_url(received.code, "approve")).status_code == 405


def test_a_handover_form_offers_only_officers_of_the_agency(frozen, received, as_user, receptionist,
                                                             other_officer, specialist):
    form = dict((a, f) for a, _, f, _ in as_user(receptionist).get(page(received.code)).context["move_forms"])
    officers = set(form["hand_over"].fields["to_user"].queryset)
    assert specialist in officers and other_officer not in officers
    before = snapshot(received)
    response = _post(as_user(receptionist), received, "hand_over", {"to_user": other_officer.pk})
    assert any("Chuyển cho cán bộ" in m for m in flashed(response))
    assert snapshot(received) == before


# --------------------------------------------------------------------------- attach


def test_attach_a_scan(frozen, processing, as_user, specialist):
    response = as_user(specialist).post(page(processing.code, "dinh-kem/"),
                                        {"name": "Biên bản xác minh", "file": _pdf_scan()})
    assert response.status_code == 302
    assert "Đã đính kèm tệp." in flashed(response)
    assert processing.documents.filter(name="Biên bản xác minh", content_type="application/pdf").exists()


def test_attach_refuses_a_fake_pdf(frozen, processing, as_user, specialist):
    fake = SimpleUploadedFile("to-khai.pdf", b"<html>not a pdf</html>", content_type="application/pdf")
    before = snapshot(processing)
    response = as_user(specialist).post(page(processing.code, "dinh-kem/"), {"name": "Tờ khai", "file": fake})
    assert any("không phải PDF, JPEG hoặc PNG" in m for m in flashed(response))
    assert snapshot(processing) == before


def test_attach_needs_a_name_and_a_file(frozen, processing, as_user, specialist):
    response = as_user(specialist).post(page(processing.code, "dinh-kem/"), {"name": ""})
    assert "Cần nhập tên giấy tờ và chọn tệp." in flashed(response)
    assert snapshot(processing)["documents"] == 2


# --------------------------------------------------------------------------- intake: three outcomes


def _intake_post(variant, **changes):
    fee = variant.fees.get()
    data = {"variant": variant.pk, "outcome": "accept", "confirmed": "True", "applicant_name": "Trần Thị Bình",
            "applicant_id_number": "038190001234", "applicant_phone": "0912 345 678", "applicant_email": "",
            "applicant_address": "12 Lê Lợi", "owner_kind": "person", "channel": "counter", "sets": "1",
            "return_method": "counter", "return_address": "", "note": "", "missing_papers": "", "reason": "",
            "paper_0_provided": "on", "paper_0_form": "original", "paper_0_quantity": "1",
            "paper_1_provided": "on", "paper_1_form": "photocopy", "paper_1_quantity": "1", "paper_1_scanned": "on",
            f"fee_{fee.pk}": "8000"}
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def test_the_intake_pages_render(as_user, receptionist, variant):
    client = as_user(receptionist)
    assert "procedure-search" in client.get(INTAKE).content.decode()
    html = client.get(INTAKE, {"variant": variant.pk}).content.decode()
    assert "Tờ khai theo mẫu" in html and "Tiếp nhận và in giấy hẹn (Mẫu 01)" in html
    assert client.get(INTAKE, {"variant": full_variant().pk}).status_code == 404  # not handled here


def test_intake_accept_redirects_to_the_receipt(frozen, as_user, receptionist, variant):
    client = as_user(receptionist)
    response = client.post(INTAKE, _intake_post(variant))
    dossier = Dossier.objects.get()
    assert response.status_code == 302
    assert response.url == page(dossier.code) + "?in=01"
    assert flashed(response) == [f"Đã tiếp nhận hồ sơ {dossier.code}. Hẹn trả kết quả: 17:00 ngày 05/03/2026."]
    assert dossier.status == "received" and dossier.applicant_phone == "0912345678"
    assert [d.digitisation for d in dossier.documents.all()] == ["none", "scanned"]
    assert [f.collected for f in dossier.fees.all()] == [8000]
    followed = client.get(response.url).content.decode()
    assert "Mở và in Mẫu 01" in followed
    receipt = client.get(page(dossier.code, "giay-tiep-nhan.pdf"))
    assert receipt.status_code == 200 and receipt["Content-Type"] == "application/pdf"
    assert receipt.content.startswith(b"%PDF")


def test_the_intake_form_starts_with_the_name_and_only_mandatory_papers_ticked(as_user, receptionist, variant):
    """Issue 22, items 2-3: optional papers ("nếu có") start unticked; the cursor starts in the name."""
    form = as_user(receptionist).get(INTAKE, {"variant": variant.pk}).context["form"]
    assert "autofocus" in form.fields["applicant_name"].widget.attrs
    documents = list(variant.documents.order_by("order"))
    assert {d.mandatory for d in documents} == {True, False}  # the fixture has both kinds
    assert [form[f"paper_{i}_provided"].initial for i in range(len(documents))] == [d.mandatory for d in documents]


def test_an_accept_shows_a_summary_and_only_the_confirmed_accept_starts_the_clock(frozen, as_user, receptionist,
                                                                                 variant):
    """Issue 22, item 1: Enter in a field sent the form and accepted the dossier. The form names no
    outcome by default, and the accept button leads to a summary that must be confirmed."""
    client = as_user(receptionist)
    pressed_enter = client.post(INTAKE, _intake_post(variant, outcome=None, confirmed=None))
    assert pressed_enter.status_code == 200 and not Dossier.objects.exists()
    assert "Hãy chọn một kết quả kiểm tra" in pressed_enter.content.decode()

    summary = client.post(INTAKE, _intake_post(variant, confirmed=None, paper_1_provided=None))
    html = summary.content.decode()
    assert summary.status_code == 200 and not Dossier.objects.exists()
    assert "Xác nhận tiếp nhận" in html and "Trần Thị Bình" in html
    assert summary.context["summary"]["papers"] == ["Tờ khai theo mẫu"]
    assert "17:00 ngày 05/03/2026" in html  # the appointment the confirmed accept then gets

    confirmed = client.post(INTAKE, _intake_post(variant, paper_1_provided=None))
    assert confirmed.status_code == 302
    assert timezone.localtime(Dossier.objects.get().due_at).strftime("%H:%M %d/%m/%Y") == "17:00 05/03/2026"


def test_an_unticked_mandatory_paper_offers_the_guidance_path(frozen, as_user, receptionist, variant):
    response = as_user(receptionist).post(INTAKE, _intake_post(variant, confirmed=None, paper_0_provided=None))
    assert response.status_code == 200 and not Dossier.objects.exists() and response.context["summary"] is None
    html = response.content.decode()
    assert "Hồ sơ còn thiếu giấy tờ bắt buộc: Tờ khai theo mẫu" in html
    assert '<details id="other-outcomes" open>' in html


def test_intake_papers_missing_gives_the_mau_02_guidance_and_no_dossier(frozen, as_user, receptionist, variant):
    client = as_user(receptionist)
    response = client.post(INTAKE, _intake_post(variant, outcome="guide", paper_0_provided=None,
                                                reason="Tờ khai chưa ký"))
    guidance = IntakeGuidance.objects.get()
    assert response.status_code == 302 and response.url == f"/can-bo/ho-so/huong-dan/{guidance.pk}/"
    assert not Dossier.objects.exists()
    assert guidance.missing_papers == ["Tờ khai theo mẫu"]  # the unticked mandatory paper
    html = client.get(response.url).content.decode()
    assert "Mẫu 02" in html and "chưa được tiếp nhận" in html and "Tờ khai theo mẫu" in html
    pdf = client.get(response.url, {"pdf": "1"})
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")


def test_intake_guidance_needs_something_missing(frozen, as_user, receptionist, variant):
    response = as_user(receptionist).post(INTAKE, _intake_post(variant, outcome="guide"))
    assert response.status_code == 200
    assert "Cần ghi rõ giấy tờ phải bổ sung, hoàn thiện." in response.content.decode()
    assert not IntakeGuidance.objects.exists()


def test_intake_refuse_makes_the_mau_03(frozen, as_user, receptionist, variant):
    client = as_user(receptionist)
    response = client.post(INTAKE, _intake_post(variant, outcome="refuse", reason="Không thuộc thẩm quyền"))
    dossier = Dossier.objects.get()
    assert response.url == page(dossier.code) + "?in=03"
    assert dossier.status == "refused" and dossier.reason == "Không thuộc thẩm quyền" and dossier.due_at is None
    html = client.get(response.url).content.decode()
    assert "Mẫu 03" in html
    pdf = client.get(page(dossier.code, "mau-03.pdf"))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_intake_refuse_needs_a_reason(frozen, as_user, receptionist, variant):
    response = as_user(receptionist).post(INTAKE, _intake_post(variant, outcome="refuse"))
    assert response.status_code == 200
    assert "Cần nêu lý do từ chối tiếp nhận." in response.content.decode()
    assert not Dossier.objects.exists()


@pytest.mark.parametrize("changes, message", [
    ({"applicant_id_number": "12345"}, "Số định danh cá nhân (CCCD) phải gồm đúng 12 chữ số."),
    ({"applicant_phone": "12345"}, "Số điện thoại không phải số điện thoại Việt Nam hợp lệ"),
    ({"applicant_name": ""}, "Trường này là bắt buộc."),
    ({"owner_differs": "on", "owner_kind": "organisation", "owner_tax_code": "12"}, "Mã số thuế gồm 10 chữ số"),
    ({"owner_differs": "on", "owner_kind": "organisation", "owner_name": ""}, "Cần nhập tên tổ chức là chủ hồ sơ."),
    ({"return_method": "post", "return_address": ""}, "Cần nhập địa chỉ nhận kết quả qua bưu chính."),
    ({"paper_0_provided": None}, "Hồ sơ còn thiếu giấy tờ bắt buộc: Tờ khai theo mẫu"),
])
def test_bad_intake_input_shows_a_vietnamese_message_and_saves_nothing(frozen, as_user, receptionist, variant,
                                                                      changes, message):
    response = as_user(receptionist).post(INTAKE, _intake_post(variant, **changes))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Dossier.objects.exists()


# --------------------------------------------------------------------------- register (Mẫu 07)


def test_register_lists_the_period_and_downloads_as_xlsx_and_pdf(frozen, build_dossier, as_user, specialist,
                                                                 other_officer):
    first, second = build_dossier("received"), build_dossier("returned")
    client = as_user(specialist)
    html = client.get(REGISTER, MARCH).content.decode()
    assert first.code in html and second.code in html
    assert first.code not in as_user(other_officer).get(REGISTER, MARCH).content.decode()
    client = as_user(specialist)
    response = client.get(REGISTER, {**MARCH, "format": "xlsx"})
    assert response["Content-Disposition"] == 'attachment; filename="so-theo-doi-20260301-20260331.xlsx"'
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0].startswith("SỔ THEO DÕI HỒ SƠ")
    assert [r[1] for r in rows[4:]] == [first.code, second.code]  # title, period, a blank row, the header
    pdf = client.get(REGISTER, {**MARCH, "format": "pdf"})
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")


def test_register_refuses_a_reversed_period(as_user, specialist):
    response = as_user(specialist).get(REGISTER, {"start": "2026-03-31", "end": "2026-03-01", "format": "xlsx"})
    assert response.status_code == 200
    assert "Ngày bắt đầu phải trước ngày kết thúc." in response.content.decode()


# --------------------------------------------------------------------------- inbox


def test_inbox_shows_my_alerts_and_marks_them_read(frozen, processing, as_user, specialist, receptionist):
    client = as_user(specialist)
    response = client.get(INBOX)
    items = list(response.context["items"])
    assert items and all(m.recipient_id == specialist.pk for m in items)
    assert processing.code in response.content.decode()
    assert as_user(receptionist).get(INBOX).context["items"].count() == 0
    client = as_user(specialist)
    client.post("/can-bo/thong-bao/da-doc/", {"id": [str(items[0].pk)]})
    assert Message.objects.get(pk=items[0].pk).read_at is not None


# --------------------------------------------------------------------------- pinned query counts
# Every count includes the user, read with their agency for the staff menu (1; the session comes
# from the shared cache), and the bell's unread count (1).


def _many(build_dossier, n):
    states = ["received", "processing", "returned", "awaiting_supplement", "result_ready"]
    return [build_dossier(states[i % len(states)]) for i in range(n)]


def test_list_page_query_count(frozen, build_dossier, as_user, leader, django_assert_num_queries):
    client = as_user(leader)
    _many(build_dossier, 3)
    catalogue.snapshot()  # the pickers' catalogue is read once per process, not per page
    # + the page (with holder, department; read one row past its end, so a list that fits on it is
    # not counted: mocua/paging.py), its papers' digitised counts (one grouped query,
    # selectors.with_digitised_share), the officers of the filter (building the pickers' fragment)
    with django_assert_num_queries(5):
        assert len(client.get(LIST).context["page"].object_list) == 3
    _many(build_dossier, 27)
    catalogue.snapshot()
    # + COUNT (more than a page); the same pickers: their fragment is cached, no officers' query
    with django_assert_num_queries(5):
        assert len(client.get(LIST).context["page"].object_list) == 25
    # A search is not counted: the page, read one row past its end, is all it asks for; a full
    # name first probes whether someone bears it whole (selectors.dossier_whole_search).
    with django_assert_num_queries(5):  # another status chosen: another fragment, built
        assert len(client.get(LIST, {"q": "binh", "status": "processing"}).context["page"].object_list) == 7
    with django_assert_num_queries(5):  # + the probe, - the officers (the fragment of that status)
        assert len(client.get(LIST, {"q": "tran thi binh", "status": "processing"}).context["page"].object_list) == 7
    with django_assert_num_queries(4):
        assert len(client.get(LIST, {"q": "tran thi binh", "words": "1"}).context["page"].object_list) == 25


def test_the_pickers_fragment_follows_the_catalogue_and_the_chosen_values(mixed, as_user, specialist):
    """The pickers are cached per agency, catalogue version and chosen values (dossiers/list.html):
    a procedure given to the agency shows at once, and a choice is marked as chosen."""
    client = as_user(specialist)
    procedure = mixed["received"].procedure
    assert f'<option value="{procedure.code}">' in client.get(LIST).content.decode()
    assert "9.000002" not in client.get(LIST).content.decode()
    Procedure.objects.create(code="9.000002", name="Thủ tục mới giao", field=procedure.field,
                             level=procedure.level).agencies.add(specialist.agency)  # bumps the catalogue
    html = client.get(LIST).content.decode()
    assert '<option value="9.000002">Thủ tục mới giao (9.000002)</option>' in html
    chosen = client.get(LIST, {"procedure": "9.000002"}).content.decode()
    assert '<option value="9.000002" selected>' in chosen
    assert f'<option value="{procedure.code}">' in chosen
    assert '<option value="9.000002">' in client.get(LIST).content.decode()  # the unchosen fragment again


def test_a_search_pages_without_a_count(frozen, build_dossier, as_user, leader, settings):
    client = as_user(leader)
    _many(build_dossier, 30)
    first = client.get(LIST, {"q": "tran thi binh"})
    html = first.content.decode()
    page = first.context["page"]
    assert len(page.object_list) == 25 and page.has_next() and not page.has_previous()
    assert "Hồ sơ khớp, mới nhất trước: 1–25, còn nữa ở trang sau." in html
    assert "Trang 1<" in html and "page=2" in html
    second = client.get(LIST, {"q": "tran thi binh", "page": 2})
    rest = second.context["page"]
    assert len(rest.object_list) == 5 and not rest.has_next() and rest.has_previous()
    assert "Hồ sơ khớp, mới nhất trước: 26–30." in second.content.decode()
    shown = [d.code for d in page.object_list] + [d.code for d in rest.object_list]
    assert len(set(shown)) == 30  # newest first across both pages, none twice
    beyond = client.get(LIST, {"q": "tran thi binh", "page": 9})
    assert beyond.status_code == 200 and not beyond.context["page"].object_list
    assert "Không có hồ sơ khớp ở trang này." in beyond.content.decode()
    assert client.get(LIST, {"q": "tran thi binh", "page": "x"}).context["page"].number == 1


def test_my_dossiers_query_count(frozen, build_dossier, as_user, specialist, django_assert_num_queries):
    client = as_user(specialist)
    _many(build_dossier, 3)
    # + the dossiers (one page holds them all: counted by its length, no COUNT, mocua/paging.py)
    # + their papers' digitised counts (one grouped query)
    with django_assert_num_queries(4):
        assert len(client.get(MINE).context["dossiers"]) == 1  # the processing one
    _many(build_dossier, 17)
    with django_assert_num_queries(4):
        assert len(client.get(MINE).context["dossiers"]) == 8


def test_queue_query_count(frozen, submit_online, as_user, receptionist, django_assert_num_queries):
    client = as_user(receptionist)
    submit_online()
    with django_assert_num_queries(3):  # + the submissions
        assert len(client.get(QUEUE).content) > 0
    for _ in range(6):
        submit_online()
    with django_assert_num_queries(3):
        assert client.get(QUEUE).content.decode().count('class="code"') == 7


def test_register_query_count(frozen, build_dossier, as_user, specialist, django_assert_num_queries):
    client = as_user(specialist)
    _many(build_dossier, 2)
    with django_assert_num_queries(3):  # + the dossiers of the period
        assert client.get(REGISTER, MARCH).status_code == 200
    _many(build_dossier, 12)
    with django_assert_num_queries(3):
        assert client.get(REGISTER, MARCH).content.decode().count('class="code"') == 14
    with django_assert_num_queries(2):  # the xlsx has no menu and no bell: the user with their agency, dossiers
        client.get(REGISTER, {**MARCH, "format": "xlsx"})


def test_inbox_query_count(frozen, build_dossier, as_user, specialist, django_assert_num_queries):
    client = as_user(specialist)
    _many(build_dossier, 2)
    with django_assert_num_queries(3):  # + the messages
        client.get(INBOX)
    _many(build_dossier, 10)
    with django_assert_num_queries(3):
        assert len(client.get(INBOX).context["items"]) >= 8


def test_dossier_page_query_count(frozen, build_dossier, as_user, leader, specialist, second_specialist, head,
                                  agency, django_assert_num_queries):
    client = as_user(leader)
    small = build_dossier("received")
    # + the dossier with its joins, papers, fees, electronic results, liên thông legs, steps, events; the
    # issued forms;
    # the hand-over form's officers and departments.
    with django_assert_num_queries(12):
        client.get(page(small.code))
    big = build_dossier("processing")
    for to in (second_specialist, head, specialist):
        big = services.dossier_hand_over(dossier=big, actor=leader, to_user=to, next_step=False)
    for n in range(3):
        services.dossier_attach(dossier=big, actor=leader, name=f"Bản quét {n}", upload=_pdf_scan(f"s{n}.pdf"))
    for _ in range(4):
        UserFactory(agency=agency, role=Role.SPECIALIST, department=DepartmentFactory(agency=agency))
    for number in ("01", "06"):  # an issued form (01) and a live one (06) change nothing
        client.get(page(big.code, f"mau-{number}.pdf"))
    with django_assert_num_queries(12):
        response = client.get(page(big.code))
    assert response.context["dossier"].steps.count() == 5
    assert [f.number for f in response.context["issued_forms"]] == ["01"]


def test_a_dossier_refused_at_the_counter_does_not_stay_on_top(frozen, build_dossier, as_user, specialist):
    refused = build_dossier("refused_at_intake")
    frozen.set(vn(2026, 3, 2, 9, 0))
    received = build_dossier("received")
    frozen.set(vn(2026, 3, 2, 10, 0))
    latest = build_dossier("received")
    listed = [d.code for d in as_user(specialist).get(LIST).context["page"].object_list]
    assert listed == [latest.code, received.code, refused.code]


@pytest.mark.parametrize("state, printable", [
    ("refused_at_intake", {"03"}),
    ("received", {"01", "06"}),
    ("awaiting_supplement", {"01", "02", "06"}),
    ("stopped", {"01", "05", "06"}),
])
def test_only_the_forms_a_dossier_has_can_be_printed(frozen, build_dossier, as_user, leader, state, printable):
    dossier = build_dossier(state)
    client = as_user(leader)
    assert {n for n, _ in client.get(page(dossier.code)).context["printable"]} == printable
    for number in ("01", "02", "03", "04", "05", "06"):
        response = client.get(page(dossier.code, f"mau-{number}.pdf"))
        assert response.status_code == (200 if number in printable else 404), number
    assert client.get(page(dossier.code, "mau-07.pdf")).status_code == 404
    assert client.get(page(dossier.code, "giay-tiep-nhan.pdf")).status_code == (200 if "01" in printable else 404)


def test_an_apology_too_late_is_refused_with_a_message_and_changes_nothing(frozen, processing, as_user, leader):
    """Due Thu 05/03/2026 17:00; on Thu 14:00 only 3 h of office time are left, less than one working day."""
    frozen.set(vn(2026, 3, 5, 14, 0))
    before = snapshot(processing)
    response = _post(as_user(leader), processing, "reschedule", {"new_due_at": "2026-03-10T17:00", "reason": "Chậm"})
    errors = flashed(response)
    assert any("chậm nhất 01 ngày làm việc trước hạn giải quyết (17:00 05/03/2026)" in m for m in errors), errors
    assert snapshot(processing) == before


def test_a_dossier_past_the_last_moment_for_an_apology_says_it_is_late_and_offers_none(frozen, processing, as_user,
                                                                                        leader):
    """Due Thu 05/03 17:00: Wed 04/03 16:00 still has 8.5 h of office time (an apology is offered); Thu 09:00
    has 6 h, less than a working day: the page says the dossier is late and the button is gone."""
    frozen.set(vn(2026, 3, 4, 16, 0))
    html = as_user(leader).get(page(processing.code)).content.decode()
    assert 'id="tre-han"' not in html and "reschedule" in html
    frozen.set(vn(2026, 3, 5, 9, 0))
    response = as_user(leader).get(page(processing.code))
    assert "reschedule" not in [action for action, *_ in response.context["move_forms"]]
    html = response.content.decode()
    assert 'id="tre-han"' in html and "hồ sơ được tính là trễ hạn" in html
