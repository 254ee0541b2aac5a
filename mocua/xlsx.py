"""The one xlsx writer of the portal: every spreadsheet (the register, Mẫu 07, and the leaders'
exports) is a list of `Table`s written by `workbook()`.

What a cell holds is decided here, once: numbers and dates as numbers and dates, everything else as
text. A text is never a formula, whoever typed it (an applicant at the counter, an administrator
naming an agency): a value starting with =, +, -, @, a tab or a carriage return is written as a
string with Excel's quote prefix, the mark Excel itself sets when a user types a leading apostrophe,
so it shows as typed and stays text even when the cell is edited (OWASP, CSV/formula injection).
Characters XML 1.0 cannot hold (control characters) are replaced, so an old row cannot make an
export fail for everyone.
"""

import datetime as dt
import decimal
import functools
import io
from dataclasses import dataclass, field

from django.utils import timezone

# openpyxl is imported by the functions that write a workbook, not with this module: pages import
# it, and a worker that never exports should not hold it (dossiers.documents says why).

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
SHEET_NAME_FORBIDDEN = str.maketrans({c: " " for c in "[]:*?/\\"})


@dataclass(frozen=True)
class Cell:
    """A header cell; spans merge cells in xlsx and become colspan/rowspan in HTML."""

    text: str
    colspan: int = 1
    rowspan: int = 1


@dataclass
class Table:
    sheet: str  # worksheet name (Excel allows 31 characters)
    title: str
    lines: list[str]  # under the title: period, units
    header: list[list[Cell]]
    rows: list[list]
    total: list | None = None
    widths: list[int] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # under the table

    @property
    def width(self) -> int:
        return sum(c.colspan for c in self.header[0])


def simple_header(*names: str) -> list[list[Cell]]:
    return [[Cell(name) for name in names]]


def text_value(value: str) -> str:
    """The text as it can be stored: control characters XML cannot hold become U+FFFD."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    return ILLEGAL_CHARACTERS_RE.sub("\ufffd", value)


def put(sheet, row: int, column: int, value):
    """Write one cell: a number or a date as such, anything else as text that is never a formula."""
    if isinstance(value, dt.datetime):
        # Excel has no time zones: the local wall-clock time as a real date.
        value = (timezone.localtime(value) if timezone.is_aware(value) else value).replace(tzinfo=None, microsecond=0)
    elif isinstance(value, bool):
        value = "Có" if value else "Không"
    elif value is not None and not isinstance(value, (int, float, decimal.Decimal, dt.date)):
        value = text_value(str(value))
    cell = sheet.cell(row=row, column=column)
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"  # openpyxl reads a leading "=" as a formula; this text stays text
        if value.startswith(FORMULA_PREFIXES):
            cell.quotePrefix = True
    elif isinstance(value, dt.datetime):
        cell.number_format = "dd/mm/yyyy hh:mm"
    return cell


@functools.cache
def _styles():
    """(box border, centred wrapping alignment) of the header and body cells."""
    from openpyxl.styles import Alignment, Border, Side

    thin = Side(style="thin", color="000000")
    return (Border(left=thin, right=thin, top=thin, bottom=thin),
            Alignment(horizontal="center", vertical="center", wrap_text=True))


def _write_header(sheet, table: Table, first_row: int) -> int:
    """Header rows with their merges; returns the next free row."""
    from openpyxl.styles import Font

    taken: set[tuple[int, int]] = set()
    for r, cells in enumerate(table.header):
        row, column = first_row + r, 1
        for cell in cells:
            while (row, column) in taken:
                column += 1
            put(sheet, row, column, cell.text)
            if cell.colspan > 1 or cell.rowspan > 1:
                sheet.merge_cells(start_row=row, start_column=column, end_row=row + cell.rowspan - 1,
                                  end_column=column + cell.colspan - 1)
            for dr in range(cell.rowspan):
                for dc in range(cell.colspan):
                    taken.add((row + dr, column + dc))
            column += cell.colspan
    box, center = _styles()
    last = first_row + len(table.header)
    for row in sheet.iter_rows(min_row=first_row, max_row=last - 1, max_col=table.width):
        for cell in row:
            cell.font, cell.alignment, cell.border = Font(bold=True), center, box
    return last


def _write_table(sheet, table: Table) -> None:
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    box, _ = _styles()
    put(sheet, 1, 1, table.title).font = Font(bold=True, size=13)
    for offset, line in enumerate(table.lines, start=2):
        put(sheet, offset, 1, line)
    row = _write_header(sheet, table, len(table.lines) + 3)  # one blank row above the header
    sheet.freeze_panes = f"A{row}"  # a coordinate: creating the cell would push the rows below it down
    body = [*table.rows, *([table.total] if table.total else [])]
    for values in body:
        for column, value in enumerate(values, start=1):
            put(sheet, row, column, value)
        for cell in sheet[row][:table.width]:
            cell.border = box
        row += 1
    if table.total:
        for cell in sheet[row - 1][:table.width]:
            cell.font = Font(bold=True)
    for offset, note in enumerate(table.notes, start=1):  # a blank row between the table and its notes
        put(sheet, row + offset, 1, note)
    for index, width in enumerate(table.widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width


def sheet_name(name: str) -> str:
    """Excel's rules for a worksheet's name: 31 characters, none of []:*?/\\."""
    return " ".join(text_value(name).translate(SHEET_NAME_FORBIDDEN).split())[:31] or "Sheet"


def workbook(tables: list[Table]) -> bytes:
    """One worksheet per table: title, lines, (merged) header, rows, a bold totals row, notes."""
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)
    for table in tables:
        _write_table(book.create_sheet(sheet_name(table.sheet)), table)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
