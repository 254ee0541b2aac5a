"""The floors every bench figure is divided by: what the stack costs before the portal does any work
of its own, measured in the same process or the same run as the rows, so that a ratio means the
same on a machine twice as fast or twice as slow.

- request floor: `GET /healthz` through the whole middleware stack (one query, one Redis round trip);
- PDF floor: WeasyPrint rendering a fixed one-page A4 document with the printed forms' fonts and
  shared stylesheet, in this process (`pdf_floor_ms`);
- HTTP floor: `/healthz` driven over loopback by the same load generator at the same concurrency
  (bench/runner.py).

Each target is a ratio to one of them (TARGETS): a row is judged on the median of its per-round
ratios, the floor being measured in each round beside the row.
"""

import statistics
import time
from dataclasses import dataclass

# A fixed page: a heading and a few paragraphs in Vietnamese, in the forms' own serif font (the
# shared forms stylesheet is applied by documents.html_to_pdf), no image, no table.
PDF_FLOOR_HTML = """<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8"><style>
@page { size: A4; margin: 20mm 20mm 20mm 30mm; } h1 { font-size: 14pt; text-align: center; }
</style></head><body>
<h1>CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM</h1>
<p>Độc lập – Tự do – Hạnh phúc</p>
<p>Trang chuẩn để đo: một trang A4 với phông chữ của các mẫu in, không có bảng, không có hình.</p>
<p>Bộ phận tiếp nhận và trả kết quả đã nhận hồ sơ của ông/bà. Thời gian giải quyết theo quy định.</p>
</body></html>"""


@dataclass(frozen=True)
class Target:
    ratio: float  # the largest ratio that meets the target
    floor: str  # "request" or "pdf"


# The targets (issue 26), each a ratio to a floor of the same run.
TARGETS = {
    "lookup": Target(3, "request"),
    "mine": Target(5, "request"),
    "search": Target(5, "request"),
    "catalogue": Target(4, "request"),
    "intake": Target(10, "request"),
    "receipt": Target(6, "pdf"),
    "reprint": Target(2, "pdf"),
}


def pdf_floor_ms(renders: int = 5) -> float:
    """CPU ms of one render of the fixed page, the median of `renders` after one warm-up."""
    from dossiers.documents import html_to_pdf

    html_to_pdf(PDF_FLOOR_HTML)  # the font map and stylesheet are made once per process
    times = []
    for _ in range(renders):
        started = time.process_time()
        html_to_pdf(PDF_FLOOR_HTML)
        times.append((time.process_time() - started) * 1000)
    return statistics.median(times)


def ratio_line(key: str, ratios: list[float]) -> tuple[float, str]:
    """(the median ratio, "≤ N × floor: met / NOT MET" or "" without a target)."""
    median = statistics.median(ratios)
    target = TARGETS.get(key)
    if target is None:
        return median, ""
    verdict = "đạt" if median <= target.ratio else "KHÔNG ĐẠT"
    return median, f"mục tiêu ≤ {target.ratio:g} × sàn {'PDF' if target.floor == 'pdf' else 'yêu cầu'}: {verdict}"
