"""The rows of the long tables (the staff lists, "my dossiers" and the agency's list, 25–50 rows a
page; the leaders' late-per-officer table, one row per officer of a province, hundreds), and
filters for the other pages that print a dossier's times and deadline state.

Built in Python rather than in a template loop because the template engine's per-row cost (its
variables, tags, date filters and URL reversals) was a third or more of those pages' CPU: the rows
save 30–40 % of "my dossiers", the agency's list and the province's per-officer table, measured
against the same rows as template loops (docs/benchmarks.md, "Issue 19"). Each row is one
str.format on escaped values; the templates say where their <tr>s come from.
"""

from functools import lru_cache

from django import template
from django.urls import get_script_prefix, reverse
from django.utils import timezone
from django.utils.formats import localize
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe

from ..workflow import Status

register = template.Library()

STATES = {
    "late": ("status-late", "Quá hạn"),
    "due_soon": ("status-due-soon", "Sắp đến hạn"),
    "on_track": ("status-on-track", "Trong hạn"),
    "paused": ("muted", "Tạm dừng"),
    "uncollected": ("status-due-soon", "Quá hẹn, chờ nhận kết quả"),
}


MINUTE, DAY = "%H:%M %d/%m/%Y", "%d/%m/%Y"  # like date:"H:i d/m/Y" and date:"d/m/Y"


@register.filter(expects_localtime=True)
def minute(value) -> str:
    """Local time as the lists print it."""
    return value.strftime(MINUTE) if value else ""


@register.filter(expects_localtime=True)
def day(value) -> str:
    return value.strftime(DAY) if value else ""


@register.filter
def state_badge(state: str) -> str:
    """The deadline state's badge (dossiers/_state.html)."""
    if state not in STATES:
        return ""
    css, label = STATES[state]
    return format_html('<span class="state {}">{}</span>', css, label)


@lru_cache(maxsize=16)
def _url_prefix(name: str, script_prefix: str) -> str:
    """The URL of `name` (one argument, ending in "<arg>/") without its argument. Keyed by the
    script prefix, which reverse() reads from the request's thread."""
    return reverse(name, args=["0"])[:-2]


@register.filter
def detail_url(code: str) -> str:
    """{% url 'dossiers:detail' code %}: codes are URL-safe ({agency}-{yyMMdd}-{NNNN})."""
    return f"{_url_prefix('dossiers:detail', get_script_prefix())}{code}/"


# What a row prints of its status and deadline state, escaped once: these are the code's own labels.
_STATUS_LABELS = {value: escape(label) for value, label in Status.choices}
_BADGES = {state: state_badge(state) for state in STATES}
_CLOSED_LATE = format_html('<span class="state status-late">{}</span>', "Giải quyết quá hạn")

# Rows are formatted with str.format on escaped values: cheaper than format_html (escape checks on
# each value), timezone.localtime and get_FOO_display per row.
_MINE_ROW = ('<tr class="row-{state}"><td class="code"><a href="{url}">{code}</a></td><td>{procedure}</td>'
             '<td>{owner}</td><td>{status}</td><td>{step_due}</td><td>{due}</td><td class="digitised">{digitised}</td>'
             '<td>{badge}</td></tr>\n')
_LIST_ROW = ('<tr><td class="code"><a href="{url}">{code}</a></td><td>{procedure}</td><td>{owner}</td>'
             '<td>{received}</td><td>{due}</td><td>{status}</td><td>{where}</td><td class="digitised">{digitised}</td>'
             '<td>{badge}{late}</td></tr>\n')
_E_RESULT = ' <span class="badge" title="Có kết quả điện tử">KQĐT</span>'


def digitised_cell(dossier) -> str:
    """The share of the papers handed in that are digitised (selectors.with_digitised_share), and a
    badge when an electronic result exists: what results.digitised_share says on the dossier page."""
    handed, scanned = getattr(dossier, "papers_handed", 0), getattr(dossier, "papers_scanned", 0)
    share = f"{scanned}/{handed}" if handed else "—"
    if handed:
        share = f'<span title="{scanned} trên {handed} giấy tờ đã nộp đã số hóa">{share}</span>'
    return share + (_E_RESULT if dossier.result_files else "")


def _formatter(pattern: str):
    """`pattern` for a datetime in the current time zone (the lists' local time), "" for None."""
    zone = timezone.get_current_timezone()
    return lambda value: value.astimezone(zone).strftime(pattern) if value else ""


def _common(dossier, minute_of) -> dict[str, str]:
    """The cells both lists print, escaped."""
    return {"url": escape(detail_url(dossier.code)), "code": escape(dossier.code),
            "digitised": digitised_cell(dossier), "procedure": escape(dossier.procedure_name),
            "owner": escape(dossier.owner_display),
            "status": _STATUS_LABELS.get(dossier.status, ""), "due": minute_of(dossier.due_at),
            "badge": _BADGES.get(dossier.deadline_state, "")}


@register.simple_tag
def mine_rows(dossiers) -> str:
    """The table rows of "my dossiers" (dossiers/mine.html): code, procedure, applicant, status,
    step due, dossier due, deadline state."""
    minute_of = _formatter(MINUTE)
    return mark_safe("".join(  # noqa: S308 - every value is escaped above or is one of our labels
        _MINE_ROW.format(state=escape(d.deadline_state), step_due=minute_of(d.step_due_at), **_common(d, minute_of))
        for d in dossiers))


def _where(dossier) -> str:
    """Who or which department holds it now; a dash once nobody does."""
    if dossier.holder:
        return escape(str(dossier.holder))
    return escape(dossier.department.name) if dossier.department else "—"


@register.simple_tag
def list_rows(dossiers) -> str:
    """The table rows of the agency's list (dossiers/list.html): code, procedure, applicant,
    received, due, status, holder, deadline state (and "resolved late")."""
    minute_of, day_of = _formatter(MINUTE), _formatter(DAY)
    return mark_safe("".join(  # noqa: S308 - every value is escaped above or is one of our labels
        _LIST_ROW.format(received=day_of(d.received_at), where=_where(d),
                         late=_CLOSED_LATE if d.timeliness == "late" else "", **_common(d, minute_of))
        for d in dossiers))


_OFFICER_ROW = ('<tr class="{css}"><td><a href="{url}?{query}">{label}</a>{retired}<br><small class="muted">{detail}'
                '</small></td><td class="num">{steps}</td><td class="num">{late_steps}</td><td class="num">{rate}'
                '</td><td class="num">{hours}</td><td class="num">{overdue}</td><td class="num">{digitised}</td>'
                '</tr>\n')
_RETIRED = ' <span class="badge">đã nghỉ</span>'


def _share(rate: float | None, part: int, whole: int) -> str:
    """"85,71% (6/7)", or a dash without a base: the rate with what it counts."""
    if rate is None:
        return "—"
    return f'{localize(rate)}% <small class="muted">({part}/{whole})</small>'


@register.simple_tag
def officer_rows(rows, query: str) -> str:
    """The rows of the leaders' late-per-officer table (leaders/officers.html), each officer's name
    linking to their page with the same period and filters (`query`, already URL-encoded)."""
    prefix = _url_prefix("leaders:officer", get_script_prefix())
    query = escape(query)
    return mark_safe("".join(  # noqa: S308 - every value is escaped or formatted here
        _OFFICER_ROW.format(
            css="row-late" if r.late_steps else "", url=f"{prefix}{int(r.key)}/", query=query, label=escape(r.label),
            retired="" if r.is_active else _RETIRED, detail=escape(r.detail), steps=localize(r.steps),
            late_steps=localize(r.late_steps), rate="—" if r.late_rate is None else f"{localize(r.late_rate)}%",
            hours=localize(r.late_hours), overdue=localize(r.overdue_now),
            digitised=_share(r.digitised_rate, r.digitised, r.received))
        for r in rows))
