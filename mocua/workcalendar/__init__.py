"""Working days, office hours and due times: `from mocua.workcalendar import due_at`.

Core app: imports no other project app. The re-exports come from `calendar`, which imports
models lazily, so importing this package while apps load is safe.
"""

from .calendar import (
    add_working_time,
    due_at,
    is_working_day,
    next_opening,
    office_hours,
    working_time_between,
    working_time_horizon,
    working_times_between,
)

__all__ = [
    "add_working_time",
    "due_at",
    "is_working_day",
    "next_opening",
    "office_hours",
    "working_time_between",
    "working_time_horizon",
    "working_times_between",
]
