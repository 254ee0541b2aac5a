"""Filters for the rows of the staff lists ("my dossiers", the agency's list): 50 rows a page.

Django's date filter, {% url %} and an {% include %} per row were a third of those pages' time
(docs/benchmarks.md); these give the same text from plain Python.
"""

from functools import lru_cache

from django import template
from django.urls import get_script_prefix, reverse
from django.utils.html import format_html

register = template.Library()

STATES = {
    "late": ("status-late", "Quá hạn"),
    "due_soon": ("status-due-soon", "Sắp đến hạn"),
    "on_track": ("status-on-track", "Trong hạn"),
    "paused": ("muted", "Tạm dừng"),
}


@register.filter(expects_localtime=True)
def minute(value) -> str:
    """Local time as the lists print it, like date:"H:i d/m/Y"."""
    return value.strftime("%H:%M %d/%m/%Y") if value else ""


@register.filter(expects_localtime=True)
def day(value) -> str:
    """Like date:"d/m/Y"."""
    return value.strftime("%d/%m/%Y") if value else ""


@register.filter
def state_badge(state: str) -> str:
    """The deadline state's badge (dossiers/_state.html)."""
    if state not in STATES:
        return ""
    css, label = STATES[state]
    return format_html('<span class="state {}">{}</span>', css, label)


@lru_cache(maxsize=8)
def _detail_prefix(script_prefix: str) -> str:
    # Keyed by the script prefix, which reverse() reads from the request's thread.
    return reverse("dossiers:detail", args=["0"])[:-2]


@register.filter
def detail_url(code: str) -> str:
    """{% url 'dossiers:detail' code %}: codes are URL-safe ({agency}-{yyMMdd}-{NNNN})."""
    return f"{_detail_prefix(get_script_prefix())}{code}/"
