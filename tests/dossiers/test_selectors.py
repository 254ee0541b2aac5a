"""Reads of dossiers (dossiers.selectors): agency scoping, search, "my dossiers"."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404

from dossiers import selectors, services
from mocua.accounts.models import Role

from ..factories import UserFactory
from .conftest import make_intake, vn

pytestmark = pytest.mark.django_db


def receive(receptionist, variant, **applicant):
    values = {"name": "Trần Thị Bình", "id_number": "038190001234", "phone": "0912345678"}
    values.update(applicant)
    return services.dossier_receive(actor=receptionist, intake=make_intake(
        variant, applicant=services.Applicant(**values)))


@pytest.fixture
def elsewhere(other_agency, variant):
    """A dossier of another agency, for the same procedure and the same applicant."""
    variant.procedure.agencies.add(other_agency)
    counter = UserFactory(agency=other_agency, role=Role.RECEPTION, username="tiepnhan.khac")
    return receive(counter, variant)


@pytest.fixture
def three(frozen, receptionist, variant):
    return [
        receive(receptionist, variant),
        receive(receptionist, variant, name="Nguyễn Văn An", id_number="001085000111", phone="0987654321"),
        receive(receptionist, variant, name="Trần Văn Bình", id_number="", phone="+84 903 111 222"),
    ]


def codes(queryset):
    return sorted(d.code for d in queryset)


def test_an_officer_sees_only_the_agency_dossiers(three, elsewhere, specialist, other_officer):
    assert codes(selectors.dossier_list_for_agency(user=specialist)) == codes(three)
    assert codes(selectors.dossier_list_for_agency(user=other_officer)) == [elsewhere.code]


@pytest.mark.parametrize("who", ["anonymous", "inactive", "no_agency", "no_role"])
def test_someone_who_is_not_an_officer_sees_nothing(three, agency, who):
    users = {"anonymous": AnonymousUser(),
             "inactive": UserFactory(agency=agency, role=Role.LEADER, is_active=False),
             "no_agency": UserFactory(agency=None, role=Role.LEADER),
             "no_role": UserFactory(agency=agency, role="")}
    assert list(selectors.dossier_list_for_agency(user=users[who])) == []


def test_get_for_officer_returns_the_dossier_with_its_trail(three, specialist):
    dossier = selectors.dossier_get_for_officer(user=specialist, code=three[0].code)
    assert dossier.pk == three[0].pk
    assert [e.action for e in dossier.events.all()] == ["receive"]
    assert [s.step_name for s in dossier.steps.all()] == ["Tiếp nhận hồ sơ"]


def test_get_for_officer_404s_for_another_agency(three, elsewhere, specialist, other_officer):
    with pytest.raises(Http404):
        selectors.dossier_get_for_officer(user=specialist, code=elsewhere.code)
    with pytest.raises(Http404):
        selectors.dossier_get_for_officer(user=other_officer, code=three[0].code)
    with pytest.raises(Http404):
        selectors.dossier_get_for_officer(user=specialist, code="000.17.22.H56-260302-9999")


@pytest.mark.parametrize(("query", "expected"), [
    ("tran thi binh", [0]),  # no diacritics
    ("TRẦN THỊ BÌNH", [0]),
    ("Trần Thị Bình", [0]),
    ("binh", [0, 2]),
    ("tran binh", [0, 2]),
    ("nguyen van an", [1]),
    # a one- or two-letter word matches where a word of the name starts, never mid-word;
    # a longer word anywhere
    ("an", [1]),
    ("ra", []),
    ("tr", [0, 2]),
    ("ngu", [1]),
    ("guyen", [1]),
    ("inh", [0, 2]),
    ("van b", [2]),
    ("nguyễn  văn   an", [1]),
    ("038190001234", [0]),  # citizen ID
    ("001085000111", [1]),
    ("0987654321", [1]),  # phone digits
    ("0987 654 321", [1]),
    ("0987.654.321", [1]),
    ("654321", [1]),
    ("0903111222", [2]),  # typed as +84 903 111 222 at the counter
    ("+84987654321", [1]),  # typed in the international form when searching
    ("le van cuong", []),
    ("", [0, 1, 2]),
])
def test_search(three, specialist, query, expected):
    found = selectors.dossier_list_for_agency(user=specialist, query=query)
    assert codes(found) == sorted(three[i].code for i in expected)


def test_search_by_code(three, specialist):
    for dossier in three:
        assert codes(selectors.dossier_list_for_agency(user=specialist, query=dossier.code)) == [dossier.code]
    assert codes(selectors.dossier_list_for_agency(user=specialist, query=three[1].code.lower())) == [three[1].code]
    # The sequence alone finds it too (digits search).
    assert codes(selectors.dossier_list_for_agency(user=specialist, query="0002")) == [three[1].code]


def test_search_never_crosses_agencies(three, elsewhere, specialist):
    assert codes(selectors.dossier_list_for_agency(user=specialist, query="tran thi binh")) == [three[0].code]


def test_filters(frozen, three, specialist, receptionist, leader):
    services.dossier_hand_over(dossier=three[1], actor=receptionist, to_user=specialist)
    services.dossier_withdraw(dossier=three[2], actor=receptionist, reason="Xin rút")

    assert codes(selectors.dossier_list_for_agency(user=leader, status="processing")) == [three[1].code]
    assert codes(selectors.dossier_list_for_agency(user=leader, holder=str(specialist.pk))) == [three[1].code]
    assert codes(selectors.dossier_list_for_agency(user=leader, holder="abc")) == []
    assert codes(selectors.dossier_list_for_agency(user=leader, procedure="1.001193")) == codes(three)
    assert codes(selectors.dossier_list_for_agency(user=leader, channel="online")) == []


def test_late_filter(frozen, three, leader, receptionist):
    services.dossier_withdraw(dossier=three[2], actor=receptionist, reason="Xin rút")
    frozen.set(vn(2026, 3, 6, 9, 0))  # past the appointment of Thu 05/03 17:00
    assert codes(selectors.dossier_list_for_agency(user=leader, late=True)) == codes(three[:2])
    frozen.set(vn(2026, 3, 5, 16, 0))
    assert codes(selectors.dossier_list_for_agency(user=leader, late=True)) == []


def test_my_dossiers_least_time_left_first(frozen, variant, receptionist, specialist, second_specialist):
    # Each handover opens step 1 with 5 h 37 min 30 s of office time from the moment it is made.
    handed = {}
    for moment in (vn(2026, 3, 3, 8, 0), vn(2026, 3, 2, 8, 0), vn(2026, 3, 2, 14, 0)):
        frozen.set(moment)
        dossier = receive(receptionist, variant)
        handed[moment] = services.dossier_hand_over(dossier=dossier, actor=receptionist, to_user=specialist)
    frozen.set(vn(2026, 3, 2, 9, 0))
    someone_else = services.dossier_hand_over(dossier=receive(receptionist, variant), actor=receptionist,
                                              to_user=second_specialist)
    finished = services.dossier_withdraw(dossier=handed[vn(2026, 3, 3, 8, 0)], actor=receptionist, reason="Rút")

    mine = list(selectors.dossier_list_for_holder(user=specialist))

    assert [d.code for d in mine] == [handed[vn(2026, 3, 2, 8, 0)].code, handed[vn(2026, 3, 2, 14, 0)].code]
    assert [d.step_due_at for d in mine] == [vn(2026, 3, 2, 15, 37, 30), vn(2026, 3, 3, 10, 7, 30)]
    assert someone_else.code not in [d.code for d in mine]
    assert finished.code not in [d.code for d in mine]


def test_my_dossiers_orders_three_open_ones_by_step_due(frozen, variant, receptionist, specialist):
    order = [vn(2026, 3, 4, 8, 0), vn(2026, 3, 2, 8, 0), vn(2026, 3, 3, 8, 0)]
    made = []
    for moment in order:
        frozen.set(moment)
        made.append(services.dossier_hand_over(dossier=receive(receptionist, variant), actor=receptionist,
                                               to_user=specialist))

    mine = list(selectors.dossier_list_for_holder(user=specialist))

    assert [d.code for d in mine] == [made[1].code, made[2].code, made[0].code]
    assert [d.step_due_at for d in mine] == sorted(d.step_due_at for d in mine)


def test_counter_queue_lists_the_agency_online_submissions_oldest_first(frozen, three, submit_online, receptionist,
                                                                       other_officer):
    frozen.set(vn(2026, 3, 2, 10, 0))
    later = submit_online(name="Phạm Thị Dung")
    frozen.set(vn(2026, 3, 1, 20, 0))
    earlier = submit_online()

    assert [d.code for d in selectors.dossier_counter_queue(user=receptionist)] == [earlier.code, later.code]
    assert list(selectors.dossier_counter_queue(user=other_officer)) == []


# --------------------------------------------------------------------------- a whole name


@pytest.mark.parametrize(("query", "name"), [
    ("Nguyễn Văn An", "nguyen van an"),
    ("  NGUYỄN   văn an ", "nguyen van an"),
    ("Đỗ Thị Ánh", "do thi anh"),
    ("Công Tôn Nữ Thị Ngọc Hân", "cong ton nu thi ngoc han"),
    ("An", ""),  # one word: the word search
    ("Văn An Bình Minh Hòa Lạc Thanh", ""),  # seven words: not a name
    ("Nguyễn 0912", ""),
    ("an-binh", ""),
    ("", ""),
])
def test_full_name(query, name):
    assert selectors.full_name(query) == name


@pytest.fixture
def namesakes(three, receptionist, variant):
    """Beside the three: a namesake of "Nguyễn Văn An", and names that hold its words."""
    return [
        receive(receptionist, variant, name="Nguyễn Văn An", id_number="", phone=""),
        receive(receptionist, variant, name="Nguyễn Văn Anh", id_number="", phone=""),
        receive(receptionist, variant, name="Trần Nguyễn Văn An", id_number="", phone=""),
    ]


def test_a_whole_name_finds_the_applicants_so_named(three, namesakes, specialist):
    assert selectors.dossier_whole_search(user=specialist, query="NGUYỄN VĂN AN")
    found = selectors.dossier_list_for_agency(user=specialist, query="NGUYỄN VĂN AN", whole=True)
    assert codes(found) == sorted([three[1].code, namesakes[0].code])
    # Newest first, as every list of the agency.
    assert [d.code for d in found] == [namesakes[0].code, three[1].code]
    # Word by word, the same query also finds every name holding the three words.
    assert codes(selectors.dossier_list_for_agency(user=specialist, query="NGUYỄN VĂN AN")) == sorted(
        [three[1].code, *(d.code for d in namesakes)])


def test_a_name_nobody_bears_whole_is_searched_word_by_word(three, namesakes, specialist):
    # "văn an" is part of three names but nobody's whole name: the word search answers.
    assert not selectors.dossier_whole_search(user=specialist, query="văn an")
    assert not selectors.dossier_whole_search(user=specialist, query="le van cuong")
    assert not selectors.dossier_whole_search(user=specialist, query="an")  # not a full name
    assert selectors.dossier_whole_search(user=specialist, query=three[1].applicant_phone) == "phone"
    assert selectors.dossier_whole_search(user=specialist, query="NGUYỄN VĂN AN") == "name"


def test_a_whole_name_is_not_a_prefix_of_a_longer_name(three, namesakes, specialist):
    # "Nguyễn Văn" is the start of three names but nobody's whole name.
    assert not selectors.dossier_whole_search(user=specialist, query="Nguyễn Văn")
    assert codes(selectors.dossier_list_for_agency(user=specialist, query="Nguyễn Văn", whole=True)) == []


def test_a_whole_name_never_crosses_agencies(three, elsewhere, specialist, other_officer, receptionist, variant):
    # The other agency's applicant is Trần Thị Bình too; each officer finds their own agency's.
    assert codes(selectors.dossier_list_for_agency(user=specialist, query="tran thi binh", whole=True)) == [
        three[0].code]
    assert codes(selectors.dossier_list_for_agency(user=other_officer, query="tran thi binh", whole=True)) == [
        elsewhere.code]
    # Someone only the other agency has is no whole-name search here.
    receive(receptionist, variant, name="Phạm Thu Hà")
    assert selectors.dossier_whole_search(user=specialist, query="pham thu ha")
    assert not selectors.dossier_whole_search(user=other_officer, query="pham thu ha")
    assert not selectors.dossier_whole_search(user=AnonymousUser(), query="tran thi binh")


def test_a_name_typed_with_extra_spaces_is_stored_single_spaced_and_found_whole(three, receptionist, specialist,
                                                                                 variant):
    spaced = receive(receptionist, variant, name="  Hoàng   Thị\tThu  Hằng ")
    assert spaced.applicant_name == "Hoàng Thị Thu Hằng"
    found = selectors.dossier_list_for_agency(user=specialist, query="hoang thi thu hang", whole=True)
    assert codes(found) == [spaced.code]


# --------------------------------------------------------------------------- a whole phone number


@pytest.mark.parametrize(("query", "forms"), [
    ("0987654321", ["0987654321", "84987654321", "+84987654321"]),
    ("0987 654 321", ["0987654321", "84987654321", "+84987654321"]),
    ("+84 987.654.321", ["0987654321", "84987654321", "+84987654321"]),
    ("02439876543", ["02439876543", "842439876543", "+842439876543"]),  # a landline
    ("654321", []),  # part of a number: the digits search
    ("038190001234", []),  # a citizen ID
    ("nguyen", []),
])
def test_full_phone(query, forms):
    assert selectors.full_phone(query) == forms


def test_a_whole_phone_finds_the_applicants_with_it_in_any_form(three, receptionist, specialist, variant):
    # Typed +84 903 111 222 at the counter (stored +84903111222), searched 0903 111 222.
    assert selectors.dossier_whole_search(user=specialist, query="0903 111 222") == "phone"
    assert codes(selectors.dossier_list_for_agency(user=specialist, query="0903 111 222", whole=True)) == [
        three[2].code]
    # Another dossier with that phone typed nationally: both, newest first.
    again = receive(receptionist, variant, name="Trần Văn Bình", id_number="", phone="0903111222")
    found = selectors.dossier_list_for_agency(user=specialist, query="+84903111222", whole=True)
    assert [d.code for d in found] == [again.code, three[2].code]
    # Part of a number, or a number nobody has, is the digits search.
    assert not selectors.dossier_whole_search(user=specialist, query="111 222")
    assert not selectors.dossier_whole_search(user=specialist, query="0903111223")
    assert codes(selectors.dossier_list_for_agency(user=specialist, query="111 222")) == sorted(
        [three[2].code, again.code])


def test_a_whole_phone_never_crosses_agencies(three, elsewhere, specialist, other_officer):
    # Both agencies have an applicant with 0912345678; each officer finds their own agency's.
    assert codes(selectors.dossier_list_for_agency(user=specialist, query="0912345678", whole=True)) == [
        three[0].code]
    assert codes(selectors.dossier_list_for_agency(user=other_officer, query="0912345678", whole=True)) == [
        elsewhere.code]
    assert not selectors.dossier_whole_search(user=other_officer, query="0987654321")
