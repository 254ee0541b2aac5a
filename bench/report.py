"""The figures table: one row per measurement, with the issue's target and pass/fail."""

from dataclasses import dataclass


@dataclass
class Row:
    what: str
    requests: int | None = None
    rps: float | None = None
    p50: float | None = None
    p95: float | None = None
    max: float | None = None
    errors: int | None = None
    target: str = ""
    passed: bool | None = None
    note: str = ""
    floor_ratio: float | None = None  # p50 ÷ the HTTP floor's p50, measured in the same run


    def cells(self) -> list[str]:
        def num(value, digits=1):
            return "—" if value is None else f"{value:.{digits}f}" if isinstance(value, float) else str(value)

        verdict = {True: "đạt", False: "KHÔNG ĐẠT", None: "—"}[self.passed]
        return [self.what, num(self.requests), num(self.rps), num(self.p50), num(self.p95), num(self.max),
                num(self.errors), num(self.floor_ratio, 2), self.target or "—", verdict, self.note]


HEADER = ["phép đo", "yêu cầu", "yêu cầu/s", "p50 ms", "p95 ms", "max ms", "lỗi", "p50 ÷ sàn HTTP", "mục tiêu",
          "kết quả", "ghi chú"]


def markdown(rows: list[Row]) -> str:
    lines = ["| " + " | ".join(HEADER) + " |", "|" + "---|" * len(HEADER)]
    lines += ["| " + " | ".join(c.replace("|", "/") for c in row.cells()) + " |" for row in rows]
    return "\n".join(lines)


def verdict(result, *, p95: float | None = None, rps: float | None = None, errors: int | None = 0) -> bool:
    ok = True
    if p95 is not None:
        ok &= result.percentile(95) <= p95
    if rps is not None:
        ok &= result.rps >= rps
    if errors is not None:
        ok &= result.errors <= errors
    return ok


def from_result(result, *, label: str, target: str, p95=None, rps=None, note: str = "") -> Row:
    return Row(label, result.requests, result.rps, result.percentile(50), result.percentile(95),
               max(result.latencies_ms, default=0.0), result.errors, target,
               verdict(result, p95=p95, rps=rps) if (p95 or rps) else None, note or "; ".join(result.error_samples[:2]))
