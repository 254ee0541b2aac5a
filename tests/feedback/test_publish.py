"""Publishing an answer: the public texts must hold no person's data (the sender, the dossier's
applicant, the unit's officers, any phone, e-mail, ID number or dossier code); the drafts the page
offers are already clean."""

import pytest

from feedback import anonymise, services
from feedback.models import Feedback, Subject
from feedback.workflow import Category, Status
from mocua.errors import DomainError

from .conftest import SENDER, send

pytestmark = pytest.mark.django_db


@pytest.fixture
def answered(agency, specialist, build_dossier):
    dossier = build_dossier("returned")
    item = send(agency, subject=Subject.DOSSIER, dossier=dossier,
                content=f"Tôi là {SENDER['name']}, SĐT {SENDER['phone']}, hồ sơ {dossier.code} của mẹ tôi "
                        f"Trần Thị Bình bị chậm; cán bộ {specialist.full_name} hẹn nhiều lần.")
    item = services.feedback_classify(item=item, actor=specialist, category=Category.CONDUCT)
    return services.feedback_answer(item=item, actor=specialist,
                                    answer=f"Kính gửi bà {SENDER['name']}: đơn vị đã nhắc nhở cán bộ.")


@pytest.mark.parametrize("leak", [SENDER["name"], "phạm thị dung", "0987 654 321", "dung@example.com",
                                  "038190001234", "Trần Thị Bình", "officer", "dossier"])
def test_a_public_text_holding_personal_data_is_refused(answered, head, specialist, leak):
    leak = {"officer": specialist.full_name, "dossier": answered.dossier.code}.get(leak, leak)
    with pytest.raises(DomainError) as caught:
        services.feedback_publish(item=answered, actor=head, public_question=f"Phản ánh của {leak} về hồ sơ.",
                                  public_answer="Đơn vị đã nhắc nhở cán bộ.")
    assert caught.value.code == "personal_data" and caught.value.field == "public_question"
    assert leak in caught.value.message
    assert Feedback.objects.get(pk=answered.pk).status == Status.ANSWERED


def test_the_drafts_are_clean_and_publish_as_they_are(answered, head):
    names = services.known_names(answered)
    question, answer = anonymise.draft(answered.content, names), anonymise.draft(answered.answer, names)
    assert anonymise.leftovers(question, names) == [] and anonymise.leftovers(answer, names) == []
    assert "[đã ẩn tên]" in question and "[đã ẩn]" in question and "bị chậm" in question
    item = services.feedback_publish(item=answered, actor=head, public_question=question, public_answer=answer)
    row = Feedback.objects.get(pk=item.pk)
    assert (row.status, row.public_question, row.public_answer) == (Status.PUBLISHED, question, answer)
    for private in (SENDER["name"], SENDER["phone"], answered.dossier.code):
        assert private not in row.public_question + row.public_answer


def test_ordinary_numbers_stay(answered):
    text = "Lệ phí 50.000 đồng, trả trong 15 ngày làm việc theo Nghị định 118/2025/NĐ-CP."
    assert anonymise.draft(text) == text and anonymise.leftovers(text) == []
