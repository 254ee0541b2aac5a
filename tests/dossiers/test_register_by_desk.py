"""Mẫu 07 by desk (issue 23, item 5): the register is the book of the desk that received the dossier
(domain-vn.md §3, Mẫu 07: "Nhận hồ sơ", "Chuyển hồ sơ đến cơ quan giải quyết", "Nhận kết quả từ cơ
quan giải quyết" are the desk's columns). A dossier received at commune A for the Department of Justice
takes A's number, which its receipt prints; the Department books it in its own register when its
counter takes the transfer in, numbered in its own series with its own intakes."""

import importlib
import io
import re

import pytest
from django.apps import apps
from django.db import connection
from openpyxl import load_workbook
from pypdf import PdfReader

from dossiers import documents, selectors, services, transfers
from dossiers.models import Dossier, RegisterCounter

from .conftest import make_intake, vn
from .test_transfers import Province

pytestmark = pytest.mark.django_db


@pytest.fixture
def prov(db):
    return Province()


def _flat(pdf: bytes) -> str:
    return re.sub(r"\s+", " ", " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages))


def _receive(actor, variant, frozen, at):
    frozen.set(at)
    return services.dossier_receive(actor=actor, intake=make_intake(variant))


def _book(user, day) -> list[tuple]:
    return [(d.entry_number, d.code, d.booked_at, d.taken_in)
            for d in selectors.dossier_register(user=user, start=day, end=day)]


@pytest.fixture
def desk_day(prov, frozen):
    """Monday 2 March: commune A receives a birth registration (its own), then a criminal record for the
    Department of Justice; the Department receives one at its own desk at 9:30 and takes A's in at 11:00,
    then receives another at 14:00."""
    own = _receive(prov.a_reception, prov.birth, frozen, vn(2026, 3, 2, 8, 0))
    for_justice = _receive(prov.a_reception, prov.record, frozen, vn(2026, 3, 2, 9, 0))
    at_justice = _receive(prov.justice_reception, prov.record, frozen, vn(2026, 3, 2, 9, 30))
    frozen.set(vn(2026, 3, 2, 10, 0))
    for_justice = transfers.dossier_transfer(dossier=for_justice, actor=prov.a_reception)
    frozen.set(vn(2026, 3, 2, 11, 0))
    for_justice = transfers.dossier_receive_transfer(dossier=for_justice, actor=prov.justice_reception)
    later = _receive(prov.justice_reception, prov.record, frozen, vn(2026, 3, 2, 14, 0))
    return {"own": own, "for_justice": for_justice, "at_justice": at_justice, "later": later}


def test_the_desk_numbers_what_it_received_and_the_agency_what_it_took_in(prov, desk_day):
    d = {name: Dossier.objects.get(pk=dossier.pk) for name, dossier in desk_day.items()}
    # A's book: its two intakes, 1 and 2, whoever resolves them.
    assert [(d["own"].register_number, d["for_justice"].register_number)] == [(1, 2)]
    assert (d["for_justice"].desk, d["for_justice"].agency) == (prov.a, prov.justice)
    # The Department's book: its own intake (1), A's dossier when taken in (2), its next intake (3).
    assert (d["at_justice"].register_number, d["for_justice"].agency_register_number,
            d["later"].register_number) == (1, 2, 3)
    assert (d["for_justice"].agency_register_year, d["for_justice"].agency_booked_at) == (2026, vn(2026, 3, 2, 11, 0))
    assert d["own"].agency_register_number is None and d["at_justice"].agency_register_number is None
    counters = dict(RegisterCounter.objects.filter(year=2026).values_list("agency_id", "last"))
    assert counters == {prov.a.pk: 2, prov.justice.pk: 3}


def test_each_book_lists_its_entries_in_order(prov, desk_day):
    day = vn(2026, 3, 2).date()
    own, for_justice = desk_day["own"], desk_day["for_justice"]
    assert _book(prov.a_reception, day) == [(1, own.code, vn(2026, 3, 2, 8, 0), False),
                                            (2, for_justice.code, vn(2026, 3, 2, 9, 0), False)]
    assert _book(prov.justice_reception, day) == [
        (1, desk_day["at_justice"].code, vn(2026, 3, 2, 9, 30), False),
        (2, for_justice.code, vn(2026, 3, 2, 11, 0), True),  # at the take-in, with the Department's number
        (3, desk_day["later"].code, vn(2026, 3, 2, 14, 0), False)]
    # Commune B's book has none of it.
    assert _book(prov.b_reception, day) == []


def test_the_receipt_prints_the_desk_s_number_and_the_books_print_their_own(prov, desk_day):
    day = vn(2026, 3, 2).date()
    code = desk_day["for_justice"].code
    receipt = _flat(documents.receipt_pdf(selectors.dossier_get_for_officer(user=prov.a_reception, code=code)))
    assert "Quyển số: 2026, Số thứ tự: 2" in receipt
    rows = list(selectors.dossier_register(user=prov.justice_reception, start=day, end=day))
    sheet = load_workbook(io.BytesIO(documents.register_xlsx(prov.justice, day, day, rows))).active
    body = [row for row in sheet.iter_rows(min_row=5, values_only=True) if row[1]]
    assert [row[:2] for row in body] == [(1, desk_day["at_justice"].code), (2, code), (3, desk_day["later"].code)]
    assert "Tiếp nhận từ UBND xã A, số 2/2026 của nơi tiếp nhận" in body[1][-1]
    desk_rows = list(selectors.dossier_register(user=prov.a_reception, start=day, end=day))
    text = _flat(documents.register_pdf(prov.a, day, day, desk_rows))
    assert "Tiếp nhận hộ, chuyển Sở Tư pháp tỉnh T giải quyết" in text


def test_the_register_page_shows_the_book_s_numbers(client, prov, frozen, desk_day, django_assert_num_queries):
    client.force_login(prov.justice_reception)
    day = {"start": "2026-03-02", "end": "2026-03-02"}
    client.get("/can-bo/so-theo-doi/", day)
    with django_assert_num_queries(3):  # the user with their agency, the bell, the book's rows
        page = client.get("/can-bo/so-theo-doi/", day)
    html = page.content.decode()
    assert [d.entry_number for d in page.context["dossiers"]] == [1, 2, 3]
    assert "nhận từ UBND xã A" in html
    for hour in (15, 16):  # two more taken in from A's desk: still three queries
        dossier = _receive(prov.a_reception, prov.record, frozen, vn(2026, 3, 2, hour - 1, 0))
        frozen.set(vn(2026, 3, 2, hour - 1, 30))
        dossier = transfers.dossier_transfer(dossier=dossier, actor=prov.a_reception)
        frozen.set(vn(2026, 3, 2, hour, 0))
        transfers.dossier_receive_transfer(dossier=dossier, actor=prov.justice_reception)
    with django_assert_num_queries(3):
        page = client.get("/can-bo/so-theo-doi/", day)
    assert [(d.entry_number, d.taken_in) for d in page.context["dossiers"]] == [
        (1, False), (2, True), (3, False), (4, True), (5, True)]


def _alter(change) -> None:
    """A change of the table inside the test's transaction: the deferred foreign-key checks first."""
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    with connection.schema_editor() as editor:
        change(editor)


def test_the_migration_moves_old_entries_to_the_desk_s_book(prov, frozen):
    """Before: a dossier received at A for the Department had its number in the Department's book.
    The migration gives that number to the Department's entry (it was taken in), and A's book the
    dossier after its year's last number, its counter moved on."""
    migration = importlib.import_module("dossiers.migrations.0018_register_by_desk")
    own = _receive(prov.a_reception, prov.birth, frozen, vn(2026, 3, 2, 8, 0))
    taken = _receive(prov.a_reception, prov.record, frozen, vn(2026, 3, 2, 9, 0))
    waiting = _receive(prov.a_reception, prov.record, frozen, vn(2026, 3, 2, 9, 10))
    frozen.set(vn(2026, 3, 2, 10, 0))
    taken = transfers.dossier_transfer(dossier=taken, actor=prov.a_reception)
    frozen.set(vn(2026, 3, 2, 11, 0))
    transfers.dossier_receive_transfer(dossier=taken, actor=prov.justice_reception)
    at_justice = _receive(prov.justice_reception, prov.record, frozen, vn(2026, 3, 2, 12, 0))
    # As the old service left them: A's own dossier 1 in A's book; the Department's book 1 and 2 for
    # A's two, 3 for its own; no agency entries. The desk's constraint cannot hold on them: dropped,
    # and put back after the migration (which checks that the desk's numbers are unique again).
    constraint = next(c for c in Dossier._meta.constraints if c.name == "dossier_register_entry")
    _alter(lambda editor: editor.remove_constraint(Dossier, constraint))
    Dossier.objects.filter(pk=taken.pk).update(register_number=1)
    Dossier.objects.filter(pk=waiting.pk).update(register_number=2)
    Dossier.objects.filter(pk=at_justice.pk).update(register_number=3)
    Dossier.objects.update(agency_register_year=None, agency_register_number=None, agency_booked_at=None)
    RegisterCounter.objects.filter(agency=prov.a).update(last=1)
    RegisterCounter.objects.filter(agency=prov.justice).update(last=3)

    migration.book_at_the_desk(apps, None)
    _alter(lambda editor: editor.add_constraint(Dossier, constraint))

    found = {d.pk: (d.register_number, d.agency_register_number, d.agency_booked_at)
             for d in Dossier.objects.all()}
    assert found == {own.pk: (1, None, None), taken.pk: (2, 1, vn(2026, 3, 2, 11, 0)), waiting.pk: (3, None, None),
                     at_justice.pk: (3, None, None)}
    assert dict(RegisterCounter.objects.values_list("agency_id", "last")) == {prov.a.pk: 3, prov.justice.pk: 3}
    # The waiting one is booked anew when the Department takes it in (its old number 2 stays a gap).
    frozen.set(vn(2026, 3, 2, 13, 0))
    waiting = transfers.dossier_transfer(dossier=Dossier.objects.get(pk=waiting.pk), actor=prov.a_reception)
    waiting = transfers.dossier_receive_transfer(dossier=waiting, actor=prov.justice_reception)
    assert Dossier.objects.get(pk=waiting.pk).agency_register_number == 4
