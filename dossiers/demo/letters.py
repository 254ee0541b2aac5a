"""The demo's friendly letters ("Một cửa thân thiện"): birth and marriage registrations tagged for a
congratulation, death registration for a condolence, and each commune's texts, signed in the name of
its chairman (the commune's leader in the demo)."""

from mocua.accounts.models import Agency, Role, User
from procedures.models import LetterKind, Procedure

from ..models import LetterTemplate

TAGS = {"1.001193": LetterKind.CONGRATULATION, "1.000894": LetterKind.CONGRATULATION,
        "1.000656": LetterKind.CONDOLENCE}
TEXTS = {
    LetterKind.CONGRATULATION: (
        "Thư chúc mừng",
        "Nhân dịp gia đình ông/bà hoàn thành thủ tục {su_kien} ngày {ngay}, thay mặt Ủy ban nhân dân, tôi xin "
        "gửi tới ông/bà và gia đình lời chúc mừng tốt đẹp nhất.\n"
        "Chúc gia đình luôn mạnh khỏe, hạnh phúc, yêu thương, gắn bó và thành đạt.\n"
        "Bộ phận Một cửa luôn sẵn sàng đồng hành, phục vụ ông/bà và gia đình trong mọi thủ tục hành chính."),
    LetterKind.CONDOLENCE: (
        "Thư chia buồn",
        "Được tin gia đình ông/bà có người thân qua đời, thay mặt Ủy ban nhân dân, tôi xin gửi tới ông/bà và "
        "toàn thể gia đình lời chia buồn sâu sắc nhất.\n"
        "Mong gia đình sớm vượt qua nỗi đau mất mát và giữ gìn sức khỏe.\n"
        "Các thủ tục tiếp theo (mai táng phí, trợ cấp tử tuất, xóa đăng ký thường trú), Bộ phận Một cửa sẵn sàng "
        "hướng dẫn và hỗ trợ gia đình."),
}


def seed_letters(communes: list[Agency]) -> int:
    """Tag the procedures and write each commune's two letters (idempotent). Returns the letters written."""
    for code, kind in TAGS.items():
        Procedure.objects.filter(code=code).update(letter=kind)
    written = 0
    for commune in communes:
        chairman = User.objects.filter(agency=commune, role=Role.LEADER).order_by("pk").first()
        for kind, (title, body) in TEXTS.items():
            _, created = LetterTemplate.objects.get_or_create(agency=commune, kind=kind, defaults={
                "title": title, "body": body, "signer_title": "Chủ tịch",
                "signer_name": chairman.full_name if chairman else "Chủ tịch Ủy ban nhân dân"})
            written += created
    return written
