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

# A fixed page: a title and three paragraphs of Vietnamese in the forms' own serif font (the shared
# forms stylesheet is applied by documents.html_to_pdf), no table, no image. Its cost is close to the
# PDF floor issue 26 measured (19 ms beside a 0.91 ms request floor): the receipt of the code that
# issue measured comes out at the 9.5 × here too.
_PARAGRAPH = ("<p>Bộ phận tiếp nhận và trả kết quả đã nhận hồ sơ của ông/bà Nguyễn Văn An về thủ tục đăng ký "
              "khai sinh; thời hạn giải quyết theo quy định của pháp luật, kết quả được trả tại Bộ phận Một cửa "
              "hoặc qua dịch vụ bưu chính công ích theo yêu cầu.</p>")
PDF_FLOOR_HTML = ("<!DOCTYPE html><html lang=\"vi\"><head><meta charset=\"utf-8\"><style>"
                  "@page { size: A4; margin: 20mm 20mm 20mm 30mm; } h1 { font-size: 14pt; text-align: center; }"
                  "</style></head><body><h1>TRANG CHUẨN ĐỂ ĐO</h1>" + _PARAGRAPH * 3 + "</body></html>")


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
