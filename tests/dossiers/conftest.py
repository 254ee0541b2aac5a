"""Dossier fixtures: a procedure the agency handles, and dossiers in any state built by
calling the real services (never by setting `status` by hand)."""

import pytest

from dossiers import services
from mocua.accounts.models import Role

from ..factories import UserFactory, full_variant


@pytest.fixture
def variant(agency):
    variant = full_variant(code="1.001193", name="Đăng ký khai sinh")
    variant.procedure.agencies.add(agency)
    return variant


def make_intake(variant, **overrides) -> services.Intake:
    applicant = services.Applicant(name="Trần Thị Bình", id_number="038190001234", phone="0912345678",
                                   email="binh@example.com", address="12 Lê Lợi, phường Hạc Thành")
    papers = [services.Paper(name=d.name, form=d.form, mandatory=d.mandatory) for d in variant.documents.all()]
    values = {"variant": variant, "applicant": applicant, "papers": papers}
    values.update(overrides)
    return services.Intake(**values)


@pytest.fixture
def intake(variant):
    return make_intake(variant)


@pytest.fixture
def received(receptionist, intake):
    return services.dossier_receive(actor=receptionist, intake=intake)


@pytest.fixture
def processing(received, receptionist, specialist):
    return services.dossier_hand_over(dossier=received, actor=receptionist, to_user=specialist)


@pytest.fixture
def result_ready(processing, leader):
    return services.dossier_approve(dossier=processing, actor=leader, result_summary="Giấy khai sinh số 123")


@pytest.fixture
def other_officer(other_agency):
    return UserFactory(agency=other_agency, role=Role.LEADER, username="lanhdao.khac")
