"""Feedback on pages of apps that may not import feedback (the catalogue and the dossier lookup sit in
layers above it): `{% published_answers procedure %}` and `{% feedback_track_form %}`."""

from django import template

from ..public.forms import TrackForm
from ..selectors import published_for_procedure

register = template.Library()


@register.inclusion_tag("feedback/public/_published.html")
def published_answers(procedure) -> dict:
    """The procedure's latest published answers, anonymised: one query."""
    return {"procedure": procedure, "items": published_for_procedure(procedure.pk)}


@register.inclusion_tag("feedback/public/_track_form.html", takes_context=True)
def feedback_track_form(context) -> dict:
    # The form posts with the page's CSRF token, so the request travels along.
    return {"form": TrackForm(), "request": context.get("request"), "csrf_token": context.get("csrf_token")}
