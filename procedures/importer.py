"""Reading and checking a catalogue file (JSON or CSV) before anything is written.

Both formats become the same nested structure (the JSON shape of procedures/data/
catalogue.json); every record carries `_row`, the number the officer sees in an error:
the procedure's position in a JSON file, the line in a CSV file.
"""

import csv
import datetime as dt
import io
import json
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from mocua.accounts.models import Level, Role
from mocua.inputs import CATALOGUE_CODE
from mocua.text import nfc

from .models import FeeChannel, FeeKind, OnlineLevel, PaperForm, TimeUnit

CODE_RE = re.compile(f"^{CATALOGUE_CODE}$")
STEP_ROLES = {Role.RECEPTION, Role.SPECIALIST, Role.HEAD, Role.LEADER}


class CatalogueFileError(Exception):
    """The file as a whole cannot be read (encoding, syntax)."""


@dataclass
class Checked:
    fields: list[dict] = field(default_factory=list)
    procedures: list[dict] = field(default_factory=list)
    errors: list[tuple[int, str]] = field(default_factory=list)  # (row, message)


def decode(raw: bytes) -> str:
    try:
        return nfc(raw.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise CatalogueFileError(f"Tệp không phải văn bản UTF-8 hợp lệ (byte thứ {exc.start + 1}).") from exc


def parse(raw: bytes, fmt: str) -> dict:
    text = decode(raw)
    if fmt == "json":
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise CatalogueFileError(f"JSON không hợp lệ ở dòng {exc.lineno}: {exc.msg}.") from exc
        if not isinstance(data, dict) or not isinstance(data.get("procedures"), list):
            raise CatalogueFileError('JSON phải có danh sách "procedures".')
        for number, procedure in enumerate(data["procedures"], start=1):
            if isinstance(procedure, dict):
                procedure["_row"] = number
        return data
    if fmt == "csv":
        return parse_csv(text)
    raise CatalogueFileError("Chỉ nhận tệp .json hoặc .csv.")


CSV_COLUMNS = [
    "record", "procedure_code", "name", "field_code", "field_name", "level", "implementing_body",
    "applicants", "sequence", "result", "legal_basis", "conditions", "online_level", "postal_submission",
    "postal_return", "variant", "time_limit", "time_unit", "online_time_limit", "same_day_cutoff",
    "kind", "amount", "unit", "channel", "exemptions", "form", "quantity", "mandatory",
    "template_name", "role", "department", "budget", "note",
]


def parse_csv(text: str) -> dict:
    """One record per line: `record` is procedure, variant, fee, document or step.

    Variant lines name their procedure; fee, document and step lines name the procedure
    and the variant (by its name) they belong to.
    """
    reader = csv.DictReader(io.StringIO(text))
    missing = {"record", "procedure_code"} - set(reader.fieldnames or [])
    if missing:
        raise CatalogueFileError(f"Tệp CSV thiếu cột: {', '.join(sorted(missing))}.")
    fields: dict[str, dict] = {}
    procedures: dict[str, dict] = {}
    orphans: list[dict] = []
    for line, row in enumerate(reader, start=2):
        row = {key: (value or "").strip() for key, value in row.items() if key}
        kind, code = row.get("record", ""), row.get("procedure_code", "")
        if kind == "procedure":
            if row.get("field_code") and row.get("field_name"):
                fields.setdefault(row["field_code"], {"code": row["field_code"], "name": row["field_name"]})
            record = {"_row": line, "code": code, "field": row.get("field_code", ""), "variants": []}
            for key in ("name", "level", "implementing_body", "applicants", "sequence", "result",
                        "legal_basis", "conditions", "online_level", "postal_submission", "postal_return"):
                if row.get(key, "") != "":
                    record[key] = row[key]
            if code in procedures:
                record["_duplicate"] = True
                orphans.append(record)
            else:
                procedures[code] = record
            continue
        parent = procedures.get(code)
        if parent is None:
            orphans.append({"_row": line, "_orphan": f"mã thủ tục {code!r} chưa có dòng 'procedure' phía trên"})
            continue
        if kind == "variant":
            parent["variants"].append({
                "_row": line, "name": row.get("variant") or "Trường hợp chung",
                "time_limit": row.get("time_limit", ""), "time_unit": row.get("time_unit", ""),
                "online_time_limit": row.get("online_time_limit") or None,
                "same_day_cutoff": row.get("same_day_cutoff") or "15:00", "note": row.get("note", ""),
                "fees": [], "documents": [], "steps": [],
            })
            continue
        variant = next((v for v in parent["variants"] if v["name"] == (row.get("variant") or "Trường hợp chung")),
                       None)
        if variant is None:
            orphans.append({"_row": line, "_orphan": f"trường hợp {row.get('variant')!r} chưa được khai báo"})
        elif kind == "fee":
            variant["fees"].append({"_row": line, "kind": row.get("kind") or "fee", "name": row.get("name", ""),
                                    "amount": row.get("amount", ""), "unit": row.get("unit", ""),
                                    "channel": row.get("channel") or "all", "exemptions": row.get("exemptions", "")})
        elif kind == "document":
            variant["documents"].append({
                "_row": line, "name": row.get("name", ""), "form": row.get("form") or "original",
                "quantity": row.get("quantity") or "1", "mandatory": row.get("mandatory") or "true",
                "template_name": row.get("template_name", ""), "note": row.get("note", "")})
        elif kind == "step":
            variant["steps"].append({"_row": line, "name": row.get("name", ""), "role": row.get("role", ""),
                                     "department": row.get("department", ""), "budget": row.get("budget", "")})
        else:
            orphans.append({"_row": line, "_orphan": f"loại dòng {kind!r} không hợp lệ "
                                                     "(procedure, variant, fee, document, step)"})
    return {"fields": list(fields.values()), "procedures": list(procedures.values()), "_orphans": orphans}


def _decimal(value) -> Decimal | None:
    if isinstance(value, bool) or value is None:
        return None
    try:
        number = Decimal(str(value).strip().replace(",", "."))
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


def _bool(value) -> bool | None:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("1", "true", "yes", "có", "x"):
        return True
    if text in ("0", "false", "no", "không", ""):
        return False
    return None


def _whole_vnd(value) -> tuple[int | None, str]:
    """Fees are whole đồng: 8000 or "8000"; 8000.5, -1 and "tám nghìn" are refused."""
    number = None if isinstance(value, bool) else _decimal(value)
    if number is None:
        return None, f"mức thu {value!r} không phải là số"
    if number < 0:
        return None, f"mức thu {value} âm"
    if number != number.to_integral_value():
        return None, f"mức thu {value} không phải số đồng nguyên"
    return int(number), ""


class Checker:
    def __init__(self, known_fields: set[str]):
        self.known_fields = known_fields
        self.errors: list[tuple[int, str]] = []

    def error(self, row: int, message: str) -> None:
        self.errors.append((row, message))

    def text(self, record: dict, key: str, row: int, label: str, *, required=True, max_length=500) -> str:
        value = record.get(key, "")
        if value is None:
            value = ""
        if not isinstance(value, str):
            self.error(row, f"{label} phải là văn bản")
            return ""
        value = nfc(value.strip())
        if required and not value:
            self.error(row, f"thiếu {label}")
        elif len(value) > max_length:
            self.error(row, f"{label} dài quá {max_length} ký tự")
        return value

    def choice(self, value, allowed, row: int, label: str) -> str:
        if value not in {str(a) for a in allowed}:
            self.error(row, f"{label} {value!r} không hợp lệ (chọn một trong: {', '.join(map(str, allowed))})")
        return value

    def procedure(self, record, seen: set[str]) -> dict | None:
        if not isinstance(record, dict):
            self.error(0, "mỗi thủ tục phải là một đối tượng JSON")
            return None
        row = record.get("_row", 0)
        code = self.text(record, "code", row, "mã thủ tục", max_length=30)
        where = f"thủ tục {code}" if code else "thủ tục"
        if code and not CODE_RE.match(code):
            self.error(row, f"mã thủ tục {code!r} không hợp lệ")
        if code in seen or record.get("_duplicate"):
            self.error(row, f"mã thủ tục {code} bị trùng trong tệp")
        seen.add(code)
        out = {
            "code": code,
            "name": self.text(record, "name", row, f"tên {where}"),
            "field": self.text(record, "field", row, "mã lĩnh vực", max_length=30),
            "level": self.choice(record.get("level", ""), [Level.PROVINCE, Level.COMMUNE, Level.DISTRICT],
                                 row, "cấp thực hiện"),
            "implementing_body": self.text(record, "implementing_body", row, "cơ quan thực hiện", required=False),
            "applicants": self.text(record, "applicants", row, "đối tượng", required=False, max_length=255),
            "sequence": self.text(record, "sequence", row, "trình tự", required=False, max_length=20000),
            "result": self.text(record, "result", row, "kết quả thực hiện"),
            "legal_basis": self.text(record, "legal_basis", row, "căn cứ pháp lý", required=False,
                                     max_length=20000),
            "conditions": self.text(record, "conditions", row, "yêu cầu, điều kiện", required=False,
                                    max_length=20000),
            "online_level": self.choice(record.get("online_level", OnlineLevel.NONE), OnlineLevel.values,
                                        row, "mức độ trực tuyến"),
            "agencies": record.get("agencies") or [],
        }
        if out["field"] and out["field"] not in self.known_fields:
            self.error(row, f"lĩnh vực {out['field']!r} không có trong tệp hay trong danh mục")
        for key in ("postal_submission", "postal_return"):
            value = _bool(record.get(key, True))
            if value is None:
                self.error(row, f"{key} phải là true hoặc false")
            out[key] = bool(value)
        variants = record.get("variants") or []
        if not variants:
            self.error(row, f"{where} chưa có trường hợp nào (thời hạn, giấy tờ)")
        names = [v.get("name") for v in variants if isinstance(v, dict)]
        if len(names) != len(set(names)):
            self.error(row, f"{where} có hai trường hợp trùng tên")
        out["variants"] = [self.variant(v, row, where, n) for n, v in enumerate(variants, start=1)]
        return out

    def variant(self, record, parent_row: int, where: str, number: int) -> dict:
        if not isinstance(record, dict):
            self.error(parent_row, f"{where}, trường hợp {number}: phải là một đối tượng")
            return {}
        row = record.get("_row", parent_row)
        label = f"{where}, trường hợp {number}"
        unit = self.choice(record.get("time_unit", ""), TimeUnit.values, row, f"{label}: đơn vị thời hạn")
        limit = _decimal(record.get("time_limit"))
        if limit is None or limit <= 0:
            self.error(row, f"{label}: thời hạn giải quyết phải lớn hơn 0")
        elif limit != limit.quantize(Decimal("0.01")):
            self.error(row, f"{label}: thời hạn tối đa 2 chữ số thập phân")
        elif unit == TimeUnit.SAME_DAY and limit != 1:
            self.error(row, f"{label}: thủ tục giải quyết trong ngày có thời hạn bằng 1")
        online = record.get("online_time_limit")
        online_limit = None
        if online not in (None, ""):
            online_limit = _decimal(online)
            if online_limit is None or online_limit <= 0:
                self.error(row, f"{label}: thời hạn trực tuyến phải lớn hơn 0")
        cutoff = record.get("same_day_cutoff") or "15:00"
        try:
            cutoff_time = dt.time.fromisoformat(str(cutoff))
        except ValueError:
            self.error(row, f"{label}: giờ tiếp nhận muộn nhất {cutoff!r} không hợp lệ (HH:MM)")
            cutoff_time = dt.time(15, 0)
        out = {
            "name": self.text(record, "name", row, f"{label}: tên trường hợp"),
            "time_limit": limit, "time_unit": unit, "online_time_limit": online_limit,
            "same_day_cutoff": cutoff_time,
            "note": self.text(record, "note", row, "ghi chú", required=False, max_length=5000),
            "fees": [self.fee(f, row, label) for f in record.get("fees") or []],
            "documents": [self.document(d, row, label) for d in record.get("documents") or []],
            "steps": [self.step(s, row, label) for s in record.get("steps") or []],
        }
        if not out["documents"]:
            self.error(row, f"{label}: chưa có thành phần hồ sơ")
        budgets = [s["budget"] for s in out["steps"] if s.get("budget")]
        if limit and budgets and len(budgets) == len(out["steps"]) and sum(budgets) != limit:
            self.error(row, f"{label}: tổng thời gian các bước ({sum(budgets).normalize():f}) "
                            f"khác thời hạn giải quyết ({limit.normalize():f})")
        return out

    def fee(self, record: dict, parent_row: int, label: str) -> dict:
        row = record.get("_row", parent_row)
        amount, problem = _whole_vnd(record.get("amount", ""))
        if problem:
            self.error(row, f"{label}: {problem}")
        return {
            "kind": self.choice(record.get("kind", "fee"), FeeKind.values, row, f"{label}: loại phí"),
            "name": self.text(record, "name", row, f"{label}: tên khoản phí", max_length=255),
            "amount": amount, "unit": self.text(record, "unit", row, "đơn vị", required=False, max_length=100),
            "channel": self.choice(record.get("channel", "all"), FeeChannel.values, row,
                                   f"{label}: hình thức nộp của phí"),
            "exemptions": self.text(record, "exemptions", row, "miễn giảm", required=False, max_length=5000),
        }

    def document(self, record: dict, parent_row: int, label: str) -> dict:
        row = record.get("_row", parent_row)
        quantity = _decimal(record.get("quantity", 1))
        if quantity is None or quantity < 1 or quantity != quantity.to_integral_value():
            self.error(row, f"{label}: số lượng giấy tờ phải là số nguyên dương")
            quantity = Decimal(1)
        mandatory = _bool(record.get("mandatory", True))
        if mandatory is None:
            self.error(row, f"{label}: 'mandatory' phải là true hoặc false")
        return {
            "name": self.text(record, "name", row, f"{label}: tên giấy tờ"),
            "form": self.choice(record.get("form", "original"), PaperForm.values, row, f"{label}: hình thức giấy tờ"),
            "quantity": int(quantity), "mandatory": bool(mandatory),
            "template_name": self.text(record, "template_name", row, "tên mẫu", required=False, max_length=255),
            "note": self.text(record, "note", row, "ghi chú", required=False),
        }

    def step(self, record: dict, parent_row: int, label: str) -> dict:
        row = record.get("_row", parent_row)
        budget = _decimal(record.get("budget"))
        if budget is None or budget <= 0:
            self.error(row, f"{label}: thời gian của bước phải lớn hơn 0")
            budget = None
        return {
            "name": self.text(record, "name", row, f"{label}: tên bước", max_length=255),
            "role": self.choice(record.get("role", ""), sorted(STEP_ROLES), row, f"{label}: vai trò của bước"),
            "department_name": self.text(record, "department", row, "phòng ban", required=False, max_length=255),
            "budget": budget,
        }


def check(data: dict, *, known_fields: set[str]) -> Checked:
    """Validate every record; nothing is written here."""
    result = Checked()
    checker = Checker(known_fields)
    for number, item in enumerate(data.get("fields") or [], start=1):
        if not isinstance(item, dict) or not item.get("code") or not item.get("name"):
            checker.error(0, f"lĩnh vực thứ {number} thiếu mã hoặc tên")
            continue
        result.fields.append({"code": str(item["code"]).strip(), "name": nfc(str(item["name"]).strip())})
        checker.known_fields.add(str(item["code"]).strip())
    for orphan in data.get("_orphans", []):
        if "_orphan" in orphan:
            checker.error(orphan["_row"], orphan["_orphan"])
        elif orphan.get("_duplicate"):
            checker.error(orphan["_row"], f"mã thủ tục {orphan.get('code')} bị trùng trong tệp")
    seen: set[str] = set()
    for record in data.get("procedures") or []:
        checked = checker.procedure(record, seen)
        if checked:
            result.procedures.append(checked)
    if not data.get("procedures"):
        checker.error(0, "tệp không có thủ tục nào")
    result.errors = sorted(checker.errors, key=lambda e: e[0])
    return result
