"""`{% todo_list %}`: the staff home page as a to-do list (issue 22, item 6). The home page lives in
mocua.accounts, which may not import dossiers; its template loads this tag instead."""

import datetime as dt

from django import template
from django.urls import reverse
from django.utils import timezone

from .. import clock, permissions, selectors

register = template.Library()

# Supplements received in this many days count as news on the home page.
SUPPLEMENT_DAYS = 7


@register.inclusion_tag("dossiers/_todo.html", takes_context=True)
def todo_list(context) -> dict:
    user = context["request"].user
    if not getattr(user, "is_officer", False):
        return {"items": []}
    now = timezone.now()
    states = clock.deadline_states(selectors.officer_todo_mine(user=user), now, user.agency)
    counts = selectors.officer_todo_counts(user=user, since=now - dt.timedelta(days=SUPPLEMENT_DAYS))
    mine, listing = reverse("dossiers:mine"), reverse("dossiers:list")
    items = [
        ("overdue-mine", "Hồ sơ của tôi đã quá hạn", states.count("late"), mine, "late"),
        ("due-soon", "Hồ sơ của tôi sắp đến hạn", states.count("due_soon"), mine, "due-soon"),
        ("supplements", f"Hồ sơ của tôi đã nhận bổ sung ({SUPPLEMENT_DAYS} ngày qua)", counts["supplements"], mine, ""),
    ]
    if user.role in permissions.COUNTER:
        items += [
            ("online", "Hồ sơ trực tuyến chờ tiếp nhận", counts["submitted"], reverse("dossiers:queue"), ""),
            ("results", "Kết quả chờ trả cho công dân", counts["result_ready"], f"{listing}?status=result_ready", ""),
        ]
    if user.role in ("head", "leader", "reception"):
        items.append(("overdue-agency", "Hồ sơ của cơ quan đang quá hạn", counts["overdue"], f"{listing}?late=1",
                      "late"))
    items.append(("alerts", "Tin nhắn chưa đọc", context.get("unread_alerts", 0), reverse("dossiers:inbox"), ""))
    return {"items": [{"key": k, "label": label, "count": n, "url": url, "tone": tone}
                      for k, label, n, url, tone in items]}
