"""Idempotent demo data: a province, its service centre and communes, staff of every role,
and the catalogue of real procedures (procedures/data/catalogue.json)."""

from pathlib import Path

from django.conf import settings
from django.db import transaction

from mocua.accounts.models import Agency, Department, Level, Role, User
from procedures import services as procedure_services
from procedures.models import Procedure

from .history import seed_dossiers
from .legs import seed_agencies, seed_birth_story, seed_death_story, seed_legs
from .letters import seed_letters
from .registers import order_registers
from .transfers import seed_transfers

DEMO_PASSWORD = "mocua-demo-2026"
CATALOGUE = Path(settings.BASE_DIR) / "procedures" / "data" / "catalogue.json"

PROVINCE = {"code": "000.00.00.H56", "name": "Ủy ban nhân dân tỉnh Thanh Hóa", "place_name": "Thanh Hóa",
            "address": "35 Đại lộ Lê Lợi, phường Hạc Thành, tỉnh Thanh Hóa", "phone": "0237 3852 345"}
CENTRE = {"code": "000.00.21.H56", "name": "Trung tâm Phục vụ hành chính công tỉnh Thanh Hóa",
          "place_name": "Thanh Hóa", "address": "28 Đại lộ Lê Lợi, phường Hạc Thành, tỉnh Thanh Hóa",
          "phone": "0237 3722 999"}
COMMUNES = [
    ("000.17.22.H56", "Ủy ban nhân dân phường Hạc Thành", "hacthanh", "Hạc Thành"),
    ("000.18.22.H56", "Ủy ban nhân dân phường Quảng Phú", "quangphu", "Quảng Phú"),
    ("000.19.22.H56", "Ủy ban nhân dân xã Đông Sơn", "dongson", "Đông Sơn"),
]
COMMUNE_DEPARTMENTS = ["Trung tâm Phục vụ hành chính công", "Văn phòng HĐND và UBND",
                       "Phòng Văn hóa – Xã hội", "Phòng Kinh tế"]
CENTRE_DEPARTMENTS = ["Bộ phận tiếp nhận và trả kết quả", "Phòng Tư pháp – Lý lịch tư pháp", "Ban Giám đốc"]
# The Department of Justice, an agency of its own (issue 23): it resolves criminal-record certificates
# (3.000333), which the province centre and every commune desk receive and transfer to it.
JUSTICE = {"code": "000.00.14.H56", "name": "Sở Tư pháp tỉnh Thanh Hóa", "place_name": "Thanh Hóa",
           "address": "35 Đại lộ Lê Lợi, phường Hạc Thành, tỉnh Thanh Hóa", "phone": "0237 3852 011"}
JUSTICE_DEPARTMENTS = ["Bộ phận tiếp nhận và trả kết quả", "Phòng Hành chính tư pháp – Lý lịch tư pháp",
                       "Ban Giám đốc"]
CRIMINAL_RECORD = "3.000333"

SURNAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Hồ"]
GIVEN = ["Thị Lan", "Văn Minh", "Thị Hoa", "Đức Anh", "Thu Trang", "Quốc Huy", "Ngọc Ánh", "Văn Hùng",
         "Thị Hằng", "Minh Tuấn", "Thanh Hà", "Hữu Phước"]


def _agency(data: dict, level: str, parent: Agency | None) -> Agency:
    agency, _ = Agency.objects.update_or_create(
        code=data["code"], defaults={**{k: v for k, v in data.items() if k != "code"}, "level": level,
                                     "parent": parent})
    return agency


def _staff(agency: Agency, slug: str, departments: dict[str, Department], counter: list[int]) -> list[User]:
    front, work, boss = (departments[name] for name in list(departments)[:3])
    plan = [
        (f"tiepnhan.{slug}", Role.RECEPTION, front, "Công chức Bộ phận Một cửa"),
        (f"tiepnhan2.{slug}", Role.RECEPTION, front, "Công chức Bộ phận Một cửa"),
        (f"chuyenvien.{slug}", Role.SPECIALIST, work, "Chuyên viên"),
        (f"chuyenvien2.{slug}", Role.SPECIALIST, work, "Chuyên viên"),
        (f"truongphong.{slug}", Role.HEAD, work, "Trưởng phòng"),
        (f"lanhdao.{slug}", Role.LEADER, boss, "Phó Chủ tịch" if agency.level == Level.COMMUNE else "Phó Giám đốc"),
    ]
    users = []
    for username, role, department, title in plan:
        counter[0] += 1
        name = f"{SURNAMES[counter[0] % len(SURNAMES)]} {GIVEN[counter[0] % len(GIVEN)]}"
        user, created = User.objects.update_or_create(
            username=username, defaults={"full_name": name, "agency": agency, "department": department,
                                         "role": role, "title": title, "email": f"{username}@example.gov.vn"})
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
        users.append(user)
    return users


@transaction.atomic
def seed_organisation() -> dict[str, list]:
    province = _agency(PROVINCE, Level.PROVINCE, None)
    centre = _agency(CENTRE, Level.PROVINCE, province)
    counter = [0]
    agencies = {"centre": [centre], "communes": [], "departments": []}
    departments = {n: Department.objects.get_or_create(agency=centre, name=n)[0] for n in CENTRE_DEPARTMENTS}
    _staff(centre, "tinh", departments, counter)
    for code, name, slug, place in COMMUNES:
        commune = _agency({"code": code, "name": name, "place_name": place,
                           "address": f"Trụ sở UBND {name.removeprefix('Ủy ban nhân dân ')}, tỉnh Thanh Hóa",
                           "phone": "0237 3" + code[4:6] + "0 100"}, Level.COMMUNE, province)
        departments = {n: Department.objects.get_or_create(agency=commune, name=n)[0] for n in COMMUNE_DEPARTMENTS}
        _staff(commune, slug, departments, counter)
        agencies["communes"].append(commune)
    # After the communes: their officers keep the names they had before the department was added.
    justice = _agency(JUSTICE, Level.PROVINCE, province)
    departments = {n: Department.objects.get_or_create(agency=justice, name=n)[0] for n in JUSTICE_DEPARTMENTS}
    _staff(justice, "sotuphap", departments, counter)
    agencies["departments"].append(justice)
    # Liên thông (issue 23, item 3): the commune police and the province's social insurance.
    agencies["legs"] = seed_agencies(province, counter)
    if not User.objects.filter(username="admin").exists():
        User.objects.create_superuser("admin", "admin@example.gov.vn", DEMO_PASSWORD, full_name="Quản trị hệ thống",
                                      agency=province, role=Role.ADMIN)
    return agencies


def seed_catalogue(agencies: dict[str, list]) -> procedure_services.ImportResult:
    result = procedure_services.catalogue_import(raw=CATALOGUE.read_bytes(), fmt="json")
    if result.errors:
        raise RuntimeError(f"Demo catalogue is invalid: {result.errors[:5]}")
    # Commune procedures are handled by every commune and by the service centre (Decree 118/2025);
    # criminal-record certificates by the Department of Justice, which every desk receives for (the
    # centre no longer resolves them: removed for a demo seeded before), other province ones by the centre.
    centre, justice = agencies["centre"][0], agencies["departments"][0]
    for procedure in Procedure.objects.all():
        if procedure.level == Level.COMMUNE:
            procedure.agencies.add(*agencies["communes"], centre)
        elif procedure.code == CRIMINAL_RECORD:
            procedure.agencies.remove(centre)
            procedure.agencies.add(justice)
        else:
            procedure.agencies.add(centre)
    return result


def run(*, dossiers: bool = True) -> dict:
    agencies = seed_organisation()
    catalogue = seed_catalogue(agencies)
    seed_letters(agencies["communes"])  # before the history: its approvals e-mail the letters
    created = seed_dossiers([*agencies["communes"], *agencies["centre"], *agencies["departments"]]) if dossiers else 0
    # The legs after the history: its dossiers of the two groups were received before them, and run as
    # plain commune dossiers.
    seed_legs(agencies["legs"])
    moved = seed_transfers(agencies) + seed_birth_story() + seed_death_story() if dossiers else 0
    if created:
        order_registers()
    return {"agencies": agencies, "catalogue": catalogue, "dossiers": created + moved}
