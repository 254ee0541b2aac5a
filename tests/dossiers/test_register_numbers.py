"""Issue 21, item 5: each received dossier has its entry in its agency's register for the year (the book
is the year, the number runs through it, given at receipt); Mẫu 01 prints it and Mẫu 07 lists the dossier
under the same number. A dossier never received (refused at intake, an online submission rejected or
not yet accepted) has no entry: no receipt, no line in the register."""

import io
import re

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from dossiers import documents, selectors, services
from dossiers.models import Dossier, RegisterCounter
from mocua.accounts.models import Role

from ..factories import UserFactory
from .conftest import make_intake, vn

pytestmark = pytest.mark.django_db


def _receive(actor, variant, moment, name="Trần Thị Bình"):
    applicant = services.Applicant(name=name, phone="0912000111", address="Thôn Đông")
    return services.dossier_receive(actor=actor, intake=make_intake(variant, applicant=applicant), now=moment)


def _flat(pdf: bytes) -> str:
    return re.sub(r"\s+", " ", " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages))


def test_numbers_run_per_agency_through_the_year_of_receipt(receptionist, variant, other_agency):
    other_clerk = UserFactory(agency=other_agency, role=Role.RECEPTION, username="tiepnhan.khac")
    variant.procedure.agencies.add(other_agency)
    first = _receive(receptionist, variant, vn(2026, 12, 30, 9, 0))
    elsewhere = _receive(other_clerk, variant, vn(2026, 12, 30, 9, 30))
    second = _receive(receptionist, variant, vn(2026, 12, 31, 16, 0))
    # 07:00 on 04/01/2027 in Vietnam is still 03/01 in UTC: the book is the Vietnamese year.
    new_year = _receive(receptionist, variant, vn(2027, 1, 4, 7, 0))
    after = _receive(receptionist, variant, vn(2027, 1, 4, 8, 0))

    entries = {d.pk: (d.register_year, d.register_number)
               for d in Dossier.objects.filter(pk__in=[first.pk, elsewhere.pk, second.pk, new_year.pk, after.pk])}
    assert entries == {first.pk: (2026, 1), second.pk: (2026, 2), elsewhere.pk: (2026, 1),
                       new_year.pk: (2027, 1), after.pk: (2027, 2)}
    assert RegisterCounter.objects.get(agency=receptionist.agency, year=2026).last == 2
    assert RegisterCounter.objects.get(agency=receptionist.agency, year=2027).last == 2


def test_an_online_dossier_is_numbered_when_accepted_and_a_refused_one_never(frozen, receptionist, variant,
                                                                             submit_online):
    waiting, rejected = submit_online(), submit_online(name="Phạm Văn Dũng")
    refused = services.dossier_refuse_intake(actor=receptionist, intake=make_intake(variant),
                                             reason="Không thuộc thẩm quyền")
    assert Dossier.objects.get(pk=waiting.pk).register_number is None  # submitted, not yet received
    counter = _receive(receptionist, variant, frozen.moment)
    accepted = services.dossier_accept_online(dossier=waiting, actor=receptionist)
    services.dossier_reject_online(dossier=rejected, actor=receptionist, reason="Hồ sơ không hợp lệ")

    numbers = dict(Dossier.objects.values_list("pk", "register_number"))
    assert numbers == {waiting.pk: 2, rejected.pk: None, refused.pk: None, counter.pk: 1}
    assert accepted.register_number == 2
    today = frozen.moment.date()
    register = list(selectors.dossier_register(user=receptionist, start=today, end=today))
    assert [d.pk for d in register] == [counter.pk, waiting.pk]  # the refused ones are on neither


def test_the_receipt_and_the_register_print_the_same_number(frozen, receptionist, variant):
    dossiers = [_receive(receptionist, variant, vn(2026, 3, 2, 8, minute), name=name)
                for minute, name in ((0, "Hoàng Văn Em"), (10, "Vũ Thị Gấm"), (20, "Đỗ Văn Hải"))]
    # The register printed for one day later in the book: its rows keep their numbers in the year.
    frozen.set(vn(2026, 3, 3, 8, 0))
    later = _receive(receptionist, variant, vn(2026, 3, 3, 8, 0), name="Lý Thị Hoa")

    receipt = _flat(documents.receipt_pdf(selectors.dossier_get_for_officer(user=receptionist, code=later.code)))
    assert "Quyển số: 2026, Số thứ tự: 4" in receipt
    receipt = _flat(documents.receipt_pdf(selectors.dossier_get_for_officer(user=receptionist,
                                                                            code=dossiers[1].code)))
    assert "Quyển số: 2026, Số thứ tự: 2" in receipt

    day = vn(2026, 3, 3, 8, 0).date()
    rows = list(selectors.dossier_register(user=receptionist, start=day, end=day))
    sheet = load_workbook(io.BytesIO(documents.register_xlsx(receptionist.agency, day, day, rows))).active
    assert [row[:2] for row in sheet.iter_rows(min_row=5, values_only=True)] == [(4, later.code)]
    assert sheet["A2"].value.startswith("Quyển số 2026.")
    text = _flat(documents.register_pdf(receptionist.agency, day, day, rows))
    assert "Quyển số 2026. Từ ngày 03/03/2026 đến ngày 03/03/2026" in text
    start = vn(2026, 3, 2, 8, 0).date()
    rows = list(selectors.dossier_register(user=receptionist, start=start, end=day))
    sheet = load_workbook(io.BytesIO(documents.register_xlsx(receptionist.agency, start, day, rows))).active
    assert [row[0] for row in sheet.iter_rows(min_row=5, values_only=True)] == [1, 2, 3, 4]


def test_the_data_migration_numbers_existing_dossiers_as_the_service_does(receptionist, variant, other_agency,
                                                                          submit_online):
    """Migration 0010 numbers the dossiers received before it per agency and year in order of receipt:
    wiping the entries the service gave and running it gives the same entries and counters back."""
    import importlib

    from django.apps import apps

    migration = importlib.import_module("dossiers.migrations.0013_register_numbers_fee_units_status_names")
    other_clerk = UserFactory(agency=other_agency, role=Role.RECEPTION, username="tiepnhan.khac")
    variant.procedure.agencies.add(other_agency)
    for moment in (vn(2026, 11, 2, 8, 0), vn(2026, 12, 31, 9, 0), vn(2027, 1, 4, 7, 0)):
        _receive(receptionist, variant, moment)
    _receive(other_clerk, variant, vn(2026, 12, 31, 10, 0))
    submit_online()  # never received: no entry
    expected = {(2026, 1): "11-02", (2026, 2): "12-31", (2027, 1): "01-04"}
    given = {(d.register_year, d.register_number): f"{d.received_at.astimezone(vn(2026, 1, 1).tzinfo):%m-%d}"
             for d in Dossier.objects.filter(agency=receptionist.agency, received_at__isnull=False)}
    assert given == expected
    before = sorted(Dossier.objects.values_list("pk", "register_year", "register_number"))
    counters = sorted(RegisterCounter.objects.values_list("agency", "year", "last"))

    Dossier.objects.update(register_year=None, register_number=None)
    RegisterCounter.objects.all().delete()
    migration.number_received_dossiers(apps, None)

    assert sorted(Dossier.objects.values_list("pk", "register_year", "register_number")) == before
    assert sorted(RegisterCounter.objects.values_list("agency", "year", "last")) == counters == sorted(
        [(receptionist.agency.pk, 2026, 2), (receptionist.agency.pk, 2027, 1), (other_agency.pk, 2026, 1)])
